//! Network server integrations: where real devices' uplinks come from
//! (The Things Stack, ChirpStack, KPN Things, Zigbee2MQTT), and the devices
//! they heard that no one has claimed yet.

use serde::{Deserialize, Serialize};

use crate::DeviceSpec;

/// Which network server an integration takes uplinks from, and so how its
/// messages are read and its secret checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum IntegrationKind {
    /// The Things Stack v3: a webhook (uplink messages, JSON) with the header
    /// `Authorization: Bearer <secret>`, or its MQTT server (`v3/+/devices/+/up`).
    Tts,
    /// ChirpStack v4: the HTTP integration (`?event=up`, JSON encoding) with
    /// `Authorization: Bearer <secret>`, or its MQTT integration
    /// (`application/+/device/+/event/up`).
    Chirpstack,
    /// KPN Things: SenML with base names `urn:dev:DEVEUI:<eui>:`, signed by the
    /// header `Things-Message-Token` = hex SHA-256 of the body followed by the secret.
    Kpn,
    /// Zigbee2MQTT's flat JSON on `zigbee2mqtt/<friendly name>`, devices known
    /// by their IEEE address (learned from `zigbee2mqtt/bridge/devices`).
    Zigbee2mqtt,
}

impl IntegrationKind {
    pub const ALL: [IntegrationKind; 4] = [
        IntegrationKind::Tts,
        IntegrationKind::Chirpstack,
        IntegrationKind::Kpn,
        IntegrationKind::Zigbee2mqtt,
    ];

    /// The serde tag.
    pub fn name(self) -> &'static str {
        match self {
            IntegrationKind::Tts => "tts",
            IntegrationKind::Chirpstack => "chirpstack",
            IntegrationKind::Kpn => "kpn",
            IntegrationKind::Zigbee2mqtt => "zigbee2mqtt",
        }
    }

    pub fn parse(name: &str) -> Option<IntegrationKind> {
        IntegrationKind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// As people call it.
    pub fn label(self) -> &'static str {
        match self {
            IntegrationKind::Tts => "The Things Stack",
            IntegrationKind::Chirpstack => "ChirpStack",
            IntegrationKind::Kpn => "KPN Things",
            IntegrationKind::Zigbee2mqtt => "Zigbee2MQTT",
        }
    }

    /// Whether it can post to a webhook (Zigbee2MQTT only speaks MQTT).
    pub fn has_webhook(self) -> bool {
        self != IntegrationKind::Zigbee2mqtt
    }

    /// Whether Cairn can subscribe to it over MQTT (KPN Things only posts).
    pub fn has_mqtt(self) -> bool {
        self != IntegrationKind::Kpn
    }

    /// The topic filter subscribed to when none is given.
    pub fn default_topic(self) -> &'static str {
        match self {
            IntegrationKind::Tts => "v3/+/devices/+/up",
            IntegrationKind::Chirpstack => "application/+/device/+/event/up",
            IntegrationKind::Kpn => "",
            IntegrationKind::Zigbee2mqtt => "zigbee2mqtt/#",
        }
    }
}

/// Where Cairn subscribes for an integration's uplinks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MqttSource {
    /// `mqtt://host:port` or `mqtts://host:port` (TLS).
    pub url: String,
    #[serde(default)]
    pub username: String,
    /// Empty: the topic filter of the kind ([`IntegrationKind::default_topic`]).
    #[serde(default)]
    pub topic: String,
    /// PEM file of the CA that signed the broker's certificate (mqtts only);
    /// empty: the system's roots.
    #[serde(default)]
    pub ca_file: String,
}

/// An integration as an admin creates or edits it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IntegrationSpec {
    /// 1–40 of `a–z 0–9 -`, the last part of its webhook URL.
    pub id: String,
    pub kind: IntegrationKind,
    /// 1–100 characters.
    pub name: String,
    /// The shared secret, 16–200 characters; `None` on an edit keeps the
    /// stored one. Never sent back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mqtt: Option<MqttSource>,
    /// The broker password (MQTT only); `None` on an edit keeps the stored one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mqtt_password: Option<String>,
}

/// An integration as listed (secrets never leave the server).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Integration {
    pub id: String,
    pub kind: IntegrationKind,
    pub name: String,
    /// Path of its webhook on this server (`/api/integrations/<id>/uplink`);
    /// none for Zigbee2MQTT.
    pub webhook_path: Option<String>,
    pub mqtt: Option<MqttSource>,
    /// UTC ms.
    pub created_at: i64,
    /// Uplinks stored, refused and waiting since the server started.
    pub stats: IntegrationStats,
}

/// What an integration's messages came to since the server started.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IntegrationStats {
    pub stored: u64,
    pub refused: u64,
    pub waiting: u64,
    /// The latest refusal: when (UTC ms) and why.
    pub last_error: Option<(i64, String)>,
    /// Keys of stored messages that were skipped (unknown, or no point on
    /// the device), latest first, at most 20: what to map or add.
    #[serde(default)]
    pub skipped: Vec<String>,
}

/// A device an integration heard that no device's aliases name: it waits
/// for an admin to claim it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WaitingDevice {
    pub integration_id: String,
    /// Its id at the network server (DevEUI, IEEE address), as an alias key.
    pub identifier: String,
    /// UTC ms.
    pub first_seen: i64,
    pub last_seen: i64,
    pub messages: u64,
    /// The decoded keys of its latest message (`temperature`, `co2`…).
    pub keys: Vec<String>,
    /// What the network server calls it (device name, profile or model).
    pub hint: String,
}

/// Claims a waiting device: `device` is created (its points, when none are
/// given, from the keys heard and the model's codec) with the identifier
/// among its aliases.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClaimRequest {
    pub integration_id: String,
    pub identifier: String,
    pub device: DeviceSpec,
}

/// What a webhook answers a network server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UplinkAck {
    /// `stored`, `waiting` (a device no alias names: waiting to be claimed),
    /// `ignored` (not an uplink, or nothing Cairn measures) or `refused`
    /// (its values: `detail` says why; nothing stored).
    pub outcome: String,
    /// New readings stored.
    pub new: u32,
    /// The device's identifier (waiting), or what was ignored.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub detail: String,
}

fn problem(location: &str, message: impl Into<String>) -> crate::ErrorDetail {
    crate::ErrorDetail {
        code: "invalid_field".into(),
        message: message.into(),
        location: Some(location.into()),
    }
}

impl IntegrationSpec {
    /// Every problem of the spec, by field. `is_new`: a new integration (or
    /// one changing kind) needs its secret.
    pub fn problems(&self, is_new: bool) -> Vec<crate::ErrorDetail> {
        let mut out = Vec::new();
        let id_ok = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-';
        if self.id.is_empty() || self.id.len() > 40 || !self.id.chars().all(id_ok) {
            out.push(problem(
                "id",
                "1 to 40 of a–z, 0–9 and - (it ends the webhook URL)",
            ));
        } else if ["waiting", "claim"].contains(&self.id.as_str()) {
            out.push(problem(
                "id",
                format!("{:?} is taken by the API's own paths", self.id),
            ));
        }
        let name = self.name.trim().chars().count();
        if name == 0 || name > 100 || self.name.chars().any(char::is_control) {
            out.push(problem("name", "1 to 100 characters"));
        }
        match &self.secret {
            None if is_new && self.kind.has_webhook() => out.push(problem(
                "secret",
                "the shared secret the network server sends, 16 to 200 characters",
            )),
            Some(s)
                if s.chars().count() < 16
                    || s.chars().count() > 200
                    || s.chars().any(char::is_control) =>
            {
                out.push(problem(
                    "secret",
                    "16 to 200 characters, no control characters",
                ))
            }
            _ => {}
        }
        match (&self.mqtt, self.kind) {
            (None, IntegrationKind::Zigbee2mqtt) => out.push(problem(
                "mqtt.url",
                "Zigbee2MQTT is read over MQTT: give its broker",
            )),
            (Some(_), IntegrationKind::Kpn) => out.push(problem(
                "mqtt.url",
                "KPN Things posts to the webhook; it has no MQTT",
            )),
            (Some(m), _) => {
                let rest =
                    (m.url.strip_prefix("mqtt://")).or_else(|| m.url.strip_prefix("mqtts://"));
                if rest.is_none_or(|r| {
                    r.trim_end_matches('/').is_empty() || r.contains(char::is_whitespace)
                }) {
                    out.push(problem(
                        "mqtt.url",
                        "mqtt://host:port, or mqtts://host:port for TLS",
                    ));
                }
                if !m.ca_file.is_empty() && !m.url.starts_with("mqtts://") {
                    out.push(problem("mqtt.ca_file", "a CA file is for mqtts:// brokers"));
                }
                if m.topic.chars().any(char::is_whitespace) || m.topic.len() > 200 {
                    out.push(problem(
                        "mqtt.topic",
                        "an MQTT topic filter without spaces, up to 200 characters",
                    ));
                }
            }
            (None, _) => {}
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(kind: IntegrationKind) -> IntegrationSpec {
        IntegrationSpec {
            id: "tts-main".into(),
            kind,
            name: "Offices".into(),
            secret: Some("s3cret-s3cret-s3cret".into()),
            mqtt: None,
            mqtt_password: None,
        }
    }

    fn at(s: &IntegrationSpec, is_new: bool) -> Vec<String> {
        s.problems(is_new)
            .into_iter()
            .filter_map(|d| d.location)
            .collect()
    }

    #[test]
    fn each_rule_names_its_field() {
        assert!(at(&spec(IntegrationKind::Tts), true).is_empty());
        let mut s = spec(IntegrationKind::Tts);
        s.id = "Bad Id".into();
        s.name = String::new();
        s.secret = Some("short".into());
        assert_eq!(at(&s, true), ["id", "name", "secret"]);
        s = spec(IntegrationKind::Kpn);
        s.secret = None;
        assert_eq!(at(&s, true), ["secret"]);
        assert!(at(&s, false).is_empty(), "an edit keeps the stored secret");
        s = spec(IntegrationKind::Zigbee2mqtt);
        assert_eq!(at(&s, true), ["mqtt.url"]);
        s.mqtt = Some(MqttSource {
            url: "mqtt://broker:1883".into(),
            username: String::new(),
            topic: String::new(),
            ca_file: "/etc/ca.pem".into(),
        });
        assert_eq!(at(&s, true), ["mqtt.ca_file"]);
        s.mqtt.as_mut().unwrap().url = "http://broker".into();
        assert_eq!(at(&s, true), ["mqtt.url", "mqtt.ca_file"]);
    }
}
