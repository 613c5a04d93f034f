//! Notification channels: where alarms are sent (email over SMTP, a
//! webhook: a JSON POST signed with HMAC-SHA256), for which severities and
//! sites, with an escalation when an alarm stays unacknowledged. Every
//! message goes through an outbox with a delivery key the receiver can
//! deduplicate on (`X-Cairn-Delivery`, and the email's `Message-ID`).

use serde::{Deserialize, Serialize};

use crate::{ErrorDetail, Severity};

/// How a channel delivers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ChannelKind {
    /// `target`: addresses, comma-separated.
    Email,
    /// `target`: an `http://` URL; the body is signed with the channel's secret.
    Webhook,
}

impl ChannelKind {
    pub fn name(self) -> &'static str {
        match self {
            ChannelKind::Email => "email",
            ChannelKind::Webhook => "webhook",
        }
    }

    pub fn parse(s: &str) -> Option<ChannelKind> {
        [ChannelKind::Email, ChannelKind::Webhook]
            .into_iter()
            .find(|k| k.name() == s)
    }
}

/// A channel as an admin writes it (`POST /api/channels`, `PUT /api/channels/{id}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChannelSpec {
    /// 1–100 characters.
    pub name: String,
    pub kind: ChannelKind,
    pub target: String,
    /// The webhook's HMAC key (16–200 characters). Write-only: never
    /// returned; left out on an update, the stored one stays.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    /// Alarms of this severity and above.
    pub min_severity: Severity,
    /// Sites whose alarms it gets; empty: every site.
    #[serde(default)]
    pub sites: Vec<String>,
    /// Sends an escalation when an alarm stays unacknowledged this many
    /// minutes (1–1440); none: no escalation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escalate_after_min: Option<u32>,
    pub enabled: bool,
}

/// A stored channel, as the API shows it (never its secret).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Channel {
    pub id: i64,
    pub name: String,
    pub kind: ChannelKind,
    pub target: String,
    pub has_secret: bool,
    pub min_severity: Severity,
    pub sites: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escalate_after_min: Option<u32>,
    pub enabled: bool,
    pub updated_at: i64,
    /// Messages not delivered yet after at least one failed attempt.
    pub failing: u32,
}

/// One message of the outbox (`GET /api/channels/{id}/deliveries`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Delivery {
    pub id: i64,
    /// What the receiver deduplicates on: `alarm-<id>-<event>-ch<channel>`.
    pub key: String,
    pub alarm_id: i64,
    /// `raised` or `escalated`.
    pub event: String,
    pub created_at: i64,
    pub attempts: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivered_at: Option<i64>,
    /// When the next attempt is due (with backoff after a failure).
    pub next_attempt_at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
}

fn field(location: &str, message: impl Into<String>) -> ErrorDetail {
    ErrorDetail {
        code: "invalid_field".into(),
        message: message.into(),
        location: Some(location.into()),
    }
}

impl ChannelSpec {
    /// Every problem of the channel as typed, one detail per field (`name`,
    /// `target`, `secret`, `escalate_after_min`); the server adds unknown
    /// sites (`sites[i]`). `is_new`: a webhook must then bring its secret.
    pub fn problems(&self, is_new: bool) -> Vec<ErrorDetail> {
        let mut out = Vec::new();
        let n = self.name.trim().chars().count();
        if n == 0 || n > 100 || self.name.chars().any(char::is_control) {
            out.push(field("name", "1 to 100 characters, no control characters"));
        }
        let target = self.target.trim();
        match self.kind {
            ChannelKind::Email => {
                let addresses: Vec<&str> = target.split(',').map(str::trim).collect();
                let bad = addresses.iter().find(|a| !plausible_address(a));
                if target.is_empty() {
                    out.push(field("target", "one or more addresses, comma-separated"));
                } else if let Some(a) = bad {
                    out.push(field("target", format!("{a:?} is not an email address")));
                } else if addresses.len() > 20 {
                    out.push(field("target", "at most 20 addresses"));
                }
                if self.secret.is_some() {
                    out.push(field("secret", "only webhooks have a secret"));
                }
            }
            ChannelKind::Webhook => {
                let rest = target.strip_prefix("http://");
                if target.starts_with("https://") {
                    out.push(field("target", "https:// is not supported yet: use an http:// URL (a relay on the same host or network)"));
                } else if rest.is_none_or(|r| r.is_empty() || r.contains(char::is_whitespace))
                    || target.len() > 500
                {
                    out.push(field(
                        "target",
                        "an http:// URL, e.g. http://alerts.example:8080/cairn",
                    ));
                }
                match self.secret.as_deref().map(str::len) {
                    None if is_new => out.push(field(
                        "secret",
                        "a webhook needs a secret to sign with (16 to 200 characters)",
                    )),
                    Some(n) if !(16..=200).contains(&n) => {
                        out.push(field("secret", "16 to 200 characters"))
                    }
                    _ => {}
                }
            }
        }
        if self
            .escalate_after_min
            .is_some_and(|m| !(1..=1440).contains(&m))
        {
            out.push(field("escalate_after_min", "1 to 1440 minutes, or none"));
        }
        out
    }
}

/// `local@domain.tld`, no spaces or angle brackets: enough to catch typing
/// mistakes; the SMTP server has the last word.
fn plausible_address(a: &str) -> bool {
    let Some((local, domain)) = a.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !a.contains(|c: char| c.is_whitespace() || "<>,;\"".contains(c))
        && a.len() <= 254
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(kind: ChannelKind, target: &str, secret: Option<&str>) -> ChannelSpec {
        ChannelSpec {
            name: "Ops".into(),
            kind,
            target: target.into(),
            secret: secret.map(Into::into),
            min_severity: Severity::Warning,
            sites: vec![],
            escalate_after_min: Some(15),
            enabled: true,
        }
    }

    #[test]
    fn channels_are_checked_field_by_field() {
        let fields = |s: ChannelSpec, new| -> Vec<String> {
            s.problems(new)
                .into_iter()
                .filter_map(|d| d.location)
                .collect()
        };
        assert!(fields(spec(ChannelKind::Email, "a@b.be, ops@site.nl", None), true).is_empty());
        assert_eq!(
            fields(spec(ChannelKind::Email, "a@b", None), true),
            ["target"]
        );
        assert_eq!(
            fields(spec(ChannelKind::Email, "a@b.be", Some("x")), true),
            ["secret"]
        );
        let hook = |t: &str, s| fields(spec(ChannelKind::Webhook, t, s), true);
        assert!(hook("http://127.0.0.1:9/x", Some("0123456789abcdef")).is_empty());
        assert_eq!(hook("https://x.be/", Some("0123456789abcdef")), ["target"]);
        assert_eq!(hook("ftp://x", Some("0123456789abcdef")), ["target"]);
        assert_eq!(hook("http://x.be/", None), ["secret"]);
        assert_eq!(hook("http://x.be/", Some("short")), ["secret"]);
        // An update may leave the stored secret as it is.
        assert!(fields(spec(ChannelKind::Webhook, "http://x.be/", None), false).is_empty());
        let mut s = spec(ChannelKind::Email, "a@b.be", None);
        s.escalate_after_min = Some(0);
        assert_eq!(fields(s, true), ["escalate_after_min"]);
    }
}
