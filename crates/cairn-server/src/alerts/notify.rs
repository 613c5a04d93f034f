//! The outbox sender: every second it takes the messages due, sends each
//! (email over SMTP, or a webhook signed with HMAC-SHA256), and marks it
//! delivered, or failed with the next attempt after a backoff (10 s, 20 s,
//! 40 s… up to 1 h). An escalation is skipped, marked so, when its alarm
//! was acknowledged meanwhile. It also queues escalations every 30 s.
//!
//! Delivery is at least once: a crash between a send and its mark sends it
//! again, with the same key (`X-Cairn-Delivery`, the email's `Message-ID`),
//! which the receiver dedupes on. Nothing queued is lost: the outbox row was
//! written with the alarm.

use std::time::Duration;

use cairn_protocol::{Alarm, ChannelKind};
use hmac::{Hmac, Mac};
use lettre::{
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{Mailbox, header::ContentType},
};
use serde::Serialize;
use sha2::Sha256;
use tokio::sync::watch;

use crate::{
    state::AppState,
    store::{
        alerts,
        notify::{self, Due, StoredChannel},
    },
};

/// The body of a webhook and the data of an email.
#[derive(Debug, Serialize)]
pub struct Notice<'a> {
    /// The delivery key: the same on every attempt.
    pub delivery: &'a str,
    /// `raised` or `escalated`.
    pub event: &'a str,
    pub alarm: &'a Alarm,
}

const EVERY: Duration = Duration::from_secs(1);
const ESCALATE_EVERY: u32 = 30;
const MAX_BACKOFF_MS: i64 = 3_600_000;

/// The wait before attempt `attempts + 1`, ms.
pub fn backoff(attempts: i64) -> i64 {
    (10_000_i64 << attempts.clamp(0, 20)).min(MAX_BACKOFF_MS)
}

/// `sha256=<hex>`: HMAC-SHA256 of `body` with `secret`, as the
/// `X-Cairn-Signature` header carries it.
pub fn signature(secret: &str, body: &[u8]) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(body);
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("sha256={hex}")
}

/// Runs the sender until the server stops (not at all with `--outbox-hold`).
pub async fn run(state: AppState, mut stopping: watch::Receiver<bool>) {
    if state.config.outbox_hold {
        tracing::warn!("outbox held (--outbox-hold): notifications are queued, not sent");
        return;
    }
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("a plain HTTP client builds");
    let mut tick = tokio::time::interval(EVERY);
    let mut n = 0u32;
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = crate::shutdown::stopped(&mut stopping) => break,
        }
        let now = state.now_ms();
        if n.is_multiple_of(ESCALATE_EVERY) {
            match state
                .store
                .transact(move |tx| notify::escalate(tx, now))
                .await
            {
                Ok(0) => {}
                Ok(k) => tracing::info!("outbox: {k} escalation(s) queued"),
                Err(e) => tracing::warn!("outbox: escalations: {e}"),
            }
        }
        n = n.wrapping_add(1);
        if let Err(e) = send_due(&state, &http, now).await {
            tracing::warn!("outbox: {e}");
        }
    }
}

async fn send_due(
    state: &AppState,
    http: &reqwest::Client,
    now: i64,
) -> Result<(), crate::store::StoreError> {
    let due = state
        .store
        .transact(move |tx| notify::due(tx, now, 50))
        .await?;
    if due.is_empty() {
        return Ok(());
    }
    let channels = state.store.transact(notify::channels).await?;
    for d in due {
        let outcome = match channels.iter().find(|c| c.id == d.channel_id) {
            None => Ok(Some("skipped: the channel was deleted".to_owned())),
            Some(c) if !c.spec.enabled => Ok(Some("skipped: the channel is disabled".to_owned())),
            Some(c) => deliver(state, http, c, &d).await,
        };
        let (id, at) = (d.id, state.now_ms());
        match outcome {
            Ok(note) => {
                state
                    .store
                    .transact(move |tx| notify::delivered(tx, id, at, note.as_deref()))
                    .await?;
            }
            Err(error) => {
                // The cause is ours to read on the channel's page; it holds no secret.
                tracing::warn!(
                    "outbox: {} failed (attempt {}): {error}",
                    d.key,
                    d.attempts + 1
                );
                let next = at + backoff(d.attempts);
                state
                    .store
                    .transact(move |tx| notify::failed(tx, id, next, &error))
                    .await?;
            }
        }
    }
    Ok(())
}

/// Sends one message. `Ok(Some(note))`: done without sending (skipped);
/// `Err`: why it failed, for the channel's page.
async fn deliver(
    state: &AppState,
    http: &reqwest::Client,
    c: &StoredChannel,
    d: &Due,
) -> Result<Option<String>, String> {
    let id = d.alarm_id;
    let found = state
        .store
        .transact(move |tx| alerts::alarm(tx, id))
        .await
        .map_err(|e| e.to_string())?;
    let Some(alarm) = found.and_then(|(row, _)| state.alerts.to_wire(&row)) else {
        return Ok(Some("skipped: the alarm is gone".into()));
    };
    if d.event == "escalated" {
        if alarm.acknowledged_at.is_some() || alarm.state == cairn_protocol::AlarmState::Closed {
            return Ok(Some(
                "skipped: acknowledged or closed before the escalation was sent".into(),
            ));
        }
        if alarm.is_shelved(state.now_ms()) {
            return Ok(Some("skipped: shelved".into()));
        }
    }
    let notice = Notice {
        delivery: &d.key,
        event: &d.event,
        alarm: &alarm,
    };
    match c.spec.kind {
        ChannelKind::Webhook => webhook(http, c, &notice).await.map(|()| None),
        ChannelKind::Email => email(state, c, &notice).await.map(|()| None),
    }
}

async fn webhook(
    http: &reqwest::Client,
    c: &StoredChannel,
    notice: &Notice<'_>,
) -> Result<(), String> {
    let body = serde_json::to_vec(notice).expect("a notice serialises");
    let secret = c
        .spec
        .secret
        .as_deref()
        .ok_or("the webhook has no secret")?;
    let response = (http.post(c.spec.target.trim()))
        .header("Content-Type", "application/json")
        .header("X-Cairn-Delivery", notice.delivery)
        .header("X-Cairn-Event", notice.event)
        .header("X-Cairn-Signature", signature(secret, &body))
        .body(body)
        .send()
        .await
        .map_err(|e| format!("cannot reach {}: {e}", c.spec.target))?;
    let status = response.status();
    if status.is_success() {
        Ok(())
    } else {
        Err(format!("{} answered {status}", c.spec.target))
    }
}

/// The subject and text of an alarm email.
pub fn email_text(notice: &Notice<'_>) -> (String, String) {
    let a = notice.alarm;
    let verb = if notice.event == "escalated" {
        "still unacknowledged"
    } else {
        "raised"
    };
    let value = a
        .value
        .map(|v| format!("{v} {}", a.metric.display_unit()))
        .unwrap_or_else(|| "no data".into());
    let subject = format!(
        "[Cairn] {}: {} on {} ({verb})",
        a.severity.name().to_uppercase(),
        a.rule_name,
        a.device_name
    );
    let text = format!(
        "{}\n\nDevice: {} ({})\nSite: {}\nValue: {value}\nRaised: {} (UTC ms)\nWhat to do: {}\n\nDelivery: {}\n",
        subject, a.device_name, a.device_id, a.site_id, a.raised_at, a.action, notice.delivery
    );
    (subject, text)
}

async fn email(state: &AppState, c: &StoredChannel, notice: &Notice<'_>) -> Result<(), String> {
    let url = state
        .config
        .smtp_url
        .as_deref()
        .ok_or("no SMTP server is configured (--smtp-url)")?;
    let (host, port) = url
        .strip_prefix("smtp://")
        .and_then(|h| h.rsplit_once(':'))
        .and_then(|(h, p)| Some((h.to_owned(), p.parse::<u16>().ok()?)))
        .ok_or_else(|| format!("the SMTP URL {url:?} is not smtp://host:port"))?;
    let from: Mailbox = state
        .config
        .smtp_from
        .parse()
        .map_err(|e| format!("--smtp-from: {e}"))?;
    let (subject, text) = email_text(notice);
    let mut message = Message::builder()
        .from(from)
        .subject(subject)
        .message_id(Some(format!("<{}@cairn>", notice.delivery)))
        .header(ContentType::TEXT_PLAIN);
    for to in c.spec.target.split(',').map(str::trim) {
        message = message.to(to.parse().map_err(|e| format!("{to:?}: {e}"))?);
    }
    let message = message.body(text).map_err(|e| e.to_string())?;
    let transport = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
        .port(port)
        .timeout(Some(Duration::from_secs(10)))
        .build();
    transport
        .send(message)
        .await
        .map(drop)
        .map_err(|e| format!("SMTP: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_an_hour() {
        assert_eq!(backoff(0), 10_000);
        assert_eq!(backoff(1), 20_000);
        assert_eq!(backoff(5), 320_000);
        assert_eq!(backoff(30), 3_600_000);
    }

    #[test]
    fn the_signature_is_rfc_4231_hmac_sha256() {
        // RFC 4231 test case 2: key "Jefe".
        assert_eq!(
            signature("Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
