//! Network servers' uplink messages, read into one shape ([`Uplink`]): pure
//! functions of the JSON, tested on messages written like the real ones.

use cairn_protocol::alias::{alias_key, eui_of_urn};
use serde_json::Value;

use crate::ingest::{SenmlRecord, flat::epoch_ms};

/// One device's message, whatever network server sent it.
#[derive(Debug, Clone, PartialEq)]
pub struct Uplink {
    /// The device's id at the network server, as an alias key (DevEUI, IEEE).
    pub identifier: String,
    /// When the reading was taken: the device's own time when the message
    /// carries one, else when the network received it; none = now.
    pub time_ms: Option<i64>,
    /// The decoded payload's keys and values, in the message's order.
    pub values: Vec<(String, Value)>,
    /// The best RSSI among the gateways that heard it, dBm.
    pub rssi: Option<f64>,
    /// What the network server calls the device (name, profile), for admins.
    pub hint: String,
}

/// What a message is.
#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    Uplink(Uplink),
    /// A join, an acknowledgement, a status…: nothing to store; what it was.
    Other(String),
}

fn text<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    path.iter().try_fold(v, |v, k| v.get(k))?.as_str()
}

fn time_at(v: &Value, path: &[&str]) -> Result<Option<i64>, String> {
    match path.iter().try_fold(v, |v, k| v.get(k)) {
        None | Some(Value::Null) => Ok(None),
        Some(t) => epoch_ms(t)
            .map(Some)
            .map_err(|e| format!("{}: {e}", path.join("."))),
    }
}

fn best_rssi(gateways: Option<&Value>) -> Option<f64> {
    (gateways?.as_array()?.iter())
        .filter_map(|g| g.get("rssi").and_then(Value::as_f64))
        .reduce(f64::max)
}

fn decoded(object: Option<&Value>, missing: &str) -> Result<Vec<(String, Value)>, String> {
    match object {
        Some(Value::Object(map)) => Ok(map.iter().map(|(k, v)| (k.clone(), v.clone())).collect()),
        Some(Value::Null) | None => Err(missing.to_owned()),
        Some(_) => Err("the decoded payload is not a JSON object".into()),
    }
}

/// The device's own time inside a decoded payload (`time`, `timestamp`,
/// `ts`), taken out of the values; refused when it is not a time.
fn device_time(values: &mut Vec<(String, Value)>) -> Result<Option<i64>, String> {
    let Some(at) = values
        .iter()
        .position(|(k, _)| matches!(k.as_str(), "time" | "timestamp" | "ts"))
    else {
        return Ok(None);
    };
    let (key, value) = values.remove(at);
    epoch_ms(&value)
        .map(Some)
        .map_err(|e| format!("decoded {key}: {e}"))
}

/// The Things Stack v3 (webhook body or MQTT `…/up` message).
pub fn tts(body: &Value) -> Result<Message, String> {
    let Some(up) = body.get("uplink_message") else {
        let what = (body.as_object().into_iter().flat_map(|o| o.keys()))
            .find(|k| {
                !matches!(
                    k.as_str(),
                    "end_device_ids" | "correlation_ids" | "received_at"
                )
            })
            .cloned()
            .unwrap_or_else(|| "an unknown message".into());
        return Ok(Message::Other(what));
    };
    let eui = text(body, &["end_device_ids", "dev_eui"])
        .ok_or("end_device_ids.dev_eui is missing (is the device activated over the air?)")?;
    let mut values = decoded(
        up.get("decoded_payload"),
        "uplink_message.decoded_payload is missing: give the device a payload formatter in The Things Stack",
    )?;
    let received = time_at(up, &["received_at"])?.or(time_at(body, &["received_at"])?);
    let own = device_time(&mut values)?;
    let hint = [
        text(body, &["end_device_ids", "device_id"]),
        text(up, &["version_ids", "model_id"]),
    ];
    Ok(Message::Uplink(Uplink {
        identifier: alias_key(eui),
        time_ms: own.or(received),
        values,
        rssi: best_rssi(up.get("rx_metadata")),
        hint: hint.into_iter().flatten().collect::<Vec<_>>().join(" · "),
    }))
}

/// ChirpStack v4 uplink event (JSON encoding). `event` is the HTTP
/// integration's `?event=` (MQTT: the topic's last part).
pub fn chirpstack(event: &str, body: &Value) -> Result<Message, String> {
    if event != "up" {
        return Ok(Message::Other(format!("event {event}")));
    }
    let eui = text(body, &["deviceInfo", "devEui"]).ok_or("deviceInfo.devEui is missing")?;
    let mut values = decoded(
        body.get("object"),
        "object is missing: give the device profile a codec in ChirpStack (and use the JSON encoding)",
    )?;
    let own = device_time(&mut values)?;
    let hint = [
        text(body, &["deviceInfo", "deviceName"]),
        text(body, &["deviceInfo", "deviceProfileName"]),
    ];
    Ok(Message::Uplink(Uplink {
        identifier: alias_key(eui),
        time_ms: own.or(time_at(body, &["time"])?),
        values,
        rssi: best_rssi(body.get("rxInfo")),
        hint: hint.into_iter().flatten().collect::<Vec<_>>().join(" · "),
    }))
}

/// A Zigbee2MQTT state message of the device `ieee` (its IEEE address).
pub fn zigbee2mqtt(ieee: &str, friendly_name: &str, body: &Value) -> Result<Message, String> {
    let values = decoded(Some(body), "")
        .map_err(|_| "a Zigbee2MQTT message must be a JSON object".to_owned())?;
    // With `last_seen` on (ISO 8601 or epoch ms), that is when it was heard.
    let time_ms = match body.get("last_seen") {
        Some(t @ (Value::String(_) | Value::Number(_))) => epoch_ms(t).ok(),
        _ => None,
    };
    Ok(Message::Uplink(Uplink {
        identifier: alias_key(ieee),
        time_ms,
        values,
        rssi: None,
        hint: friendly_name.to_owned(),
    }))
}

/// The DevEUI a KPN Things SenML pack is about: the first base name's.
pub fn kpn_identifier(pack: &[SenmlRecord]) -> Result<String, String> {
    let bn = (pack.iter().find_map(|r| r.bn.as_deref())).ok_or(
        "the pack has no base name (bn): KPN Things names the device urn:dev:DEVEUI:<eui>:",
    )?;
    eui_of_urn(bn).ok_or_else(|| format!("base name {bn:?} is not urn:dev:DEVEUI:<16 hex digits>:"))
}

/// The keys a KPN pack measures (its record names after the base name), for
/// the waiting list.
pub fn kpn_keys(pack: &[SenmlRecord]) -> Vec<String> {
    let mut keys: Vec<String> = pack.iter().filter_map(|r| r.n.clone()).collect();
    keys.dedup();
    keys
}

#[cfg(test)]
#[path = "uplink_tests.rs"]
mod tests;
