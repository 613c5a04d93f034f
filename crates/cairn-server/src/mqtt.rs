//! MQTT ingest: the server subscribes to `cairn/<device-id>/senml` and
//! `cairn/<device-id>/json` on a broker (a shared subscription, so N servers
//! handle each message once) and feeds the same [`Ingestor`] as HTTP.
//!
//! The topic names the device; the broker must stop one device writing as
//! another (Mosquitto: `pattern write cairn/%u/#`). Messages are acknowledged
//! (QoS 1, manual acks) only once stored; a rejected message is acknowledged
//! too, and its errors are published to `cairn/<device-id>/errors`.

use std::time::Duration;

use rumqttc::{AsyncClient, Event, MqttOptions, Packet, Publish, QoS};
use serde_json::json;
use tokio::sync::watch;

use crate::ingest::{IngestError, Ingestor, SenmlRecord, flat};

const SHARE_GROUP: &str = "$share/cairn/";

/// `mqtt://host:port` (port 1883 when left out).
pub fn parse_url(url: &str) -> Option<(String, u16)> {
    let rest = url.strip_prefix("mqtt://")?;
    let rest = rest.trim_end_matches('/');
    match rest.rsplit_once(':') {
        Some((host, port)) => Some((host.to_owned(), port.parse().ok()?)),
        None if !rest.is_empty() => Some((rest.to_owned(), 1883)),
        None => None,
    }
}

/// Runs until `stopping` turns true, reconnecting whenever the broker goes away.
pub async fn run(
    host: String,
    port: u16,
    client_id: String,
    ingest: Ingestor,
    mut stopping: watch::Receiver<bool>,
) {
    let mut options = MqttOptions::new(client_id, host.clone(), port);
    options
        .set_keep_alive(Duration::from_secs(30))
        .set_manual_acks(true)
        .set_clean_session(false);
    let (client, mut events) = AsyncClient::new(options, 256);
    loop {
        let event = tokio::select! {
            e = events.poll() => e,
            _ = crate::shutdown::stopped(&mut stopping) => break,
        };
        match event {
            Ok(Event::Incoming(Packet::ConnAck(_))) => {
                tracing::info!("MQTT: connected to {host}:{port}");
                for kind in ["senml", "json"] {
                    if let Err(err) = client
                        .try_subscribe(format!("{SHARE_GROUP}cairn/+/{kind}"), QoS::AtLeastOnce)
                    {
                        tracing::error!("MQTT: cannot subscribe: {err}");
                    }
                }
            }
            Ok(Event::Incoming(Packet::Publish(publish))) => {
                handle(&client, &ingest, &publish).await;
            }
            Ok(_) => {}
            Err(err) => {
                tracing::warn!("MQTT: {err}; retrying in 2 s");
                tokio::time::sleep(Duration::from_secs(2)).await;
            }
        }
    }
    let _ = client.try_disconnect();
}

async fn handle(client: &AsyncClient, ingest: &Ingestor, publish: &Publish) {
    let mut parts = publish.topic.split('/');
    let (Some("cairn"), Some(device), Some(kind), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        let _ = client.try_ack(publish);
        return;
    };
    let pack: Result<Vec<SenmlRecord>, String> = match kind {
        "senml" => {
            serde_json::from_slice(&publish.payload).map_err(|e| format!("not a SenML pack: {e}"))
        }
        "json" => serde_json::from_slice(&publish.payload)
            .map_err(|e| format!("not JSON: {e}"))
            .and_then(|v| flat::to_senml(device, ingest.model_of(device), &v).map_err(join)),
        _ => Err(format!("unknown message kind {kind:?}")),
    };
    let now = chrono::Utc::now().timestamp_millis();
    let outcome = match pack {
        Ok(pack) => ingest
            .ingest_senml(device, &pack, now)
            .await
            .map_err(|e| match e {
                IngestError::Rejected(errors) => join(errors),
                other => other.to_string(),
            }),
        Err(message) => Err(message),
    };
    if let Err(message) = &outcome {
        tracing::debug!("MQTT: message from {device} rejected: {message}");
        let body = json!({ "topic": publish.topic, "error": message }).to_string();
        let _ = client.try_publish(
            format!("cairn/{device}/errors"),
            QoS::AtMostOnce,
            false,
            body,
        );
    }
    // Stored, or refused for good: either way the broker may forget it.
    if let Err(err) = client.try_ack(publish) {
        tracing::warn!("MQTT: cannot acknowledge: {err}");
    }
}

fn join(errors: Vec<crate::ingest::RecordError>) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::parse_url;

    #[test]
    fn broker_urls() {
        assert_eq!(
            parse_url("mqtt://127.0.0.1:1884"),
            Some(("127.0.0.1".into(), 1884))
        );
        assert_eq!(parse_url("mqtt://broker/"), Some(("broker".into(), 1883)));
        assert_eq!(parse_url("http://broker"), None);
        assert_eq!(parse_url("mqtt://broker:x"), None);
    }
}
