//! The MQTT side of the integrations: Cairn subscribes to The Things Stack's
//! MQTT server, ChirpStack's MQTT integration or Zigbee2MQTT's broker, one
//! client per integration with an MQTT source, restarted whenever the
//! integrations change. Messages are acknowledged (QoS 1, manual acks) once
//! handled, stored or refused for good; one that could not be stored is not.

use std::{collections::HashMap, time::Duration};

use cairn_protocol::IntegrationKind;
use rumqttc::{AsyncClient, Event, MqttOptions, Packet, Publish, QoS};
use tokio::{sync::watch, task::JoinSet};

use super::{Integrations, Message, UplinkError, uplink};
use crate::ingest::IngestError;
use crate::store::integrations::IntegrationRow;

/// `mqtt://host:port` or `mqtts://host:port` (port 1883 / 8883 when left
/// out): host, port and whether TLS is on.
pub fn parse_url(url: &str) -> Option<(String, u16, bool)> {
    let (rest, tls) = match url.strip_prefix("mqtts://") {
        Some(rest) => (rest, true),
        None => (url.strip_prefix("mqtt://")?, false),
    };
    let rest = rest.trim_end_matches('/');
    let default = if tls { 8883 } else { 1883 };
    match rest.rsplit_once(':') {
        Some((host, port)) if !host.is_empty() => Some((host.to_owned(), port.parse().ok()?, tls)),
        None if !rest.is_empty() => Some((rest.to_owned(), default, tls)),
        _ => None,
    }
}

/// Runs a subscriber per integration with an MQTT source until `stopping`,
/// starting them again whenever the integrations change.
pub async fn supervise(integrations: Integrations, mut stopping: watch::Receiver<bool>) {
    let mut changes = integrations.changes();
    loop {
        let mut running = JoinSet::new();
        for row in integrations.rows().iter().filter(|r| r.mqtt.is_some()) {
            running.spawn(subscribe(integrations.clone(), row.clone()));
        }
        tokio::select! {
            _ = crate::shutdown::stopped(&mut stopping) => break,
            changed = changes.changed() => if changed.is_err() { break },
        }
        running.shutdown().await;
    }
}

fn options(row: &IntegrationRow) -> Result<(MqttOptions, String), String> {
    let source = row.mqtt.as_ref().ok_or("no MQTT source")?;
    let (host, port, tls) = parse_url(&source.url)
        .ok_or_else(|| format!("{:?} is not mqtt(s)://host:port", source.url))?;
    let mut options = MqttOptions::new(format!("cairn-{}", row.id), host, port);
    options
        .set_keep_alive(Duration::from_secs(30))
        .set_manual_acks(true)
        .set_clean_session(false)
        .set_max_packet_size(1 << 20, 1 << 20);
    if !source.username.is_empty() {
        options.set_credentials(source.username.clone(), row.mqtt_password.clone());
    }
    if tls {
        options.set_transport(super::tls::transport(&source.ca_file)?);
    }
    let topic = if source.topic.is_empty() {
        row.kind.default_topic().to_owned()
    } else {
        source.topic.clone()
    };
    Ok((options, topic))
}

/// One integration's client: subscribes on every (re)connection, hands each
/// message to [`Integrations::handle`], then acknowledges it.
async fn subscribe(integrations: Integrations, row: IntegrationRow) {
    let (options, topic) = match options(&row) {
        Ok(o) => o,
        Err(e) => {
            tracing::error!("integration {}: {e}", row.id);
            integrations.note_error(&row.id, format!("MQTT: {e}"));
            return;
        }
    };
    let (client, mut events) = AsyncClient::new(options, 64);
    // Zigbee2MQTT names devices by friendly name in topics; its retained
    // `bridge/devices` message gives each one's IEEE address.
    let base = topic.trim_end_matches("/#").to_owned();
    let mut ieee_of: HashMap<String, String> = HashMap::new();
    let mut backoff = 2u64;
    loop {
        match events.poll().await {
            Ok(Event::Incoming(Packet::ConnAck(_))) => {
                backoff = 2;
                tracing::info!("integration {}: connected, subscribing to {topic}", row.id);
                let mut topics = vec![topic.clone()];
                if row.kind == IntegrationKind::Zigbee2mqtt {
                    topics.push(format!("{base}/bridge/devices"));
                }
                for t in topics {
                    if let Err(e) = client.subscribe(t, QoS::AtLeastOnce).await {
                        tracing::error!("integration {}: cannot subscribe: {e}", row.id);
                    }
                }
            }
            Ok(Event::Incoming(Packet::Publish(publish))) => {
                if let Some(message) = read(&row, &base, &publish, &mut ieee_of) {
                    let now = integrations.now_ms();
                    match integrations.handle(&row.id, message, now).await {
                        // Not stored, not refused: left unacknowledged, the
                        // broker sends it again when the session resumes.
                        Err(
                            e
                            @ (UplinkError::Store(_) | UplinkError::Ingest(IngestError::Store(_))),
                        ) => {
                            tracing::error!("integration {}: cannot store a message: {e}", row.id);
                            continue;
                        }
                        Err(e) => tracing::debug!(
                            "integration {}: message on {} refused: {e}",
                            row.id,
                            publish.topic
                        ),
                        Ok(_) => {}
                    }
                }
                if let Err(e) = client.ack(&publish).await {
                    tracing::warn!("integration {}: cannot acknowledge: {e}", row.id);
                }
            }
            Ok(_) => {}
            Err(e) => {
                tracing::warn!("integration {}: MQTT {e}; retrying in {backoff} s", row.id);
                integrations.note_error(&row.id, format!("MQTT broker: {e}"));
                tokio::time::sleep(Duration::from_secs(backoff)).await;
                // A refused login or a broker away: 2 s, doubling up to a minute.
                backoff = (backoff * 2).min(60);
                continue;
            }
        }
    }
}

/// The message a publish carries for `row`'s kind, if it is one to handle.
fn read(
    row: &IntegrationRow,
    base: &str,
    publish: &Publish,
    ieee_of: &mut HashMap<String, String>,
) -> Option<Message> {
    let body: serde_json::Value = match serde_json::from_slice(&publish.payload) {
        Ok(v) => v,
        Err(e) => {
            tracing::debug!("integration {}: {} is not JSON: {e}", row.id, publish.topic);
            return None;
        }
    };
    let parsed = match row.kind {
        IntegrationKind::Tts => uplink::tts(&body),
        IntegrationKind::Chirpstack => {
            let event = publish.topic.rsplit('/').next().unwrap_or("");
            uplink::chirpstack(event, &body)
        }
        IntegrationKind::Zigbee2mqtt => {
            let name = publish.topic.strip_prefix(base)?.strip_prefix('/')?;
            if name == "bridge/devices" {
                learn_devices(&body, ieee_of);
                return None;
            }
            // A retained state is the last one the broker kept, maybe hours
            // old: taken as new on every reconnect it would hide a dead sensor.
            if publish.retain {
                return None;
            }
            // Bridge state, availability, set/get requests: no readings.
            if name.starts_with("bridge/")
                || ["/set", "/get", "/availability"]
                    .iter()
                    .any(|s| name.ends_with(s))
            {
                return None;
            }
            let ieee = match ieee_of.get(name) {
                Some(ieee) => ieee.clone(),
                None if name.starts_with("0x") => name.to_owned(),
                None => {
                    tracing::debug!(
                        "integration {}: no IEEE address known for {name:?} yet",
                        row.id
                    );
                    return None;
                }
            };
            uplink::zigbee2mqtt(&ieee, name, &body)
        }
        IntegrationKind::Kpn => return None,
    };
    match parsed {
        Ok(message) => Some(message),
        Err(e) => {
            tracing::debug!("integration {}: {}: {e}", row.id, publish.topic);
            None
        }
    }
}

/// Friendly name → IEEE address, from Zigbee2MQTT's `bridge/devices` list.
fn learn_devices(body: &serde_json::Value, ieee_of: &mut HashMap<String, String>) {
    for d in body.as_array().into_iter().flatten() {
        if let (Some(name), Some(ieee)) = (
            d.get("friendly_name").and_then(|v| v.as_str()),
            d.get("ieee_address").and_then(|v| v.as_str()),
        ) {
            ieee_of.insert(name.to_owned(), ieee.to_owned());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broker_urls_with_and_without_tls() {
        assert_eq!(
            parse_url("mqtt://127.0.0.1:1884"),
            Some(("127.0.0.1".into(), 1884, false))
        );
        assert_eq!(
            parse_url("mqtts://eu1.cloud.thethings.network"),
            Some(("eu1.cloud.thethings.network".into(), 8883, true))
        );
        assert_eq!(
            parse_url("mqtt://broker/"),
            Some(("broker".into(), 1883, false))
        );
        assert_eq!(parse_url("http://broker"), None);
        assert_eq!(parse_url("mqtts://:8883"), None);
    }

    #[test]
    fn zigbee_devices_are_learned_by_friendly_name() {
        let mut map = HashMap::new();
        learn_devices(
            &serde_json::json!([
                {"ieee_address": "0x00124b0022a3b4c5", "friendly_name": "kitchen-leak", "type": "EndDevice"},
                {"ieee_address": "0x00124b0000000000", "type": "Coordinator"}
            ]),
            &mut map,
        );
        assert_eq!(
            map.get("kitchen-leak").map(String::as_str),
            Some("0x00124b0022a3b4c5")
        );
        assert_eq!(map.len(), 1);
    }
}
