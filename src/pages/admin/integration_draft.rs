//! An integration as its form holds it (the MQTT source as typed, the
//! shared secret and broker password write-only), read as the
//! `IntegrationSpec` the server gets and judged by
//! `IntegrationSpec::problems()`, the one validator. Pure.

use cairn_protocol::{Integration, IntegrationKind, IntegrationSpec, MqttSource};

#[derive(Clone, Debug, PartialEq)]
pub struct IntegrationDraft {
    pub id: String,
    pub kind: IntegrationKind,
    pub name: String,
    /// Empty: none typed (an edit keeps the stored secret).
    pub secret: String,
    /// The Things Stack and ChirpStack: subscribe to their MQTT server too
    /// (Zigbee2MQTT always is; KPN Things never).
    pub use_mqtt: bool,
    pub mqtt_url: String,
    pub mqtt_username: String,
    /// Empty: none typed (an edit keeps the stored password).
    pub mqtt_password: String,
    pub mqtt_topic: String,
    pub mqtt_ca_file: String,
    /// The stored integration's kind when editing; none: a new one.
    pub stored_kind: Option<IntegrationKind>,
}

impl Default for IntegrationDraft {
    fn default() -> Self {
        IntegrationDraft {
            id: String::new(),
            kind: IntegrationKind::Tts,
            name: String::new(),
            secret: String::new(),
            use_mqtt: false,
            mqtt_url: String::new(),
            mqtt_username: String::new(),
            mqtt_password: String::new(),
            mqtt_topic: String::new(),
            mqtt_ca_file: String::new(),
            stored_kind: None,
        }
    }
}

impl IntegrationDraft {
    /// A stored integration, to edit (its secrets are never shown).
    pub fn of(i: &Integration) -> IntegrationDraft {
        let mqtt = i.mqtt.clone();
        let m = mqtt.clone().unwrap_or(MqttSource {
            url: String::new(),
            username: String::new(),
            topic: String::new(),
            ca_file: String::new(),
        });
        IntegrationDraft {
            id: i.id.clone(),
            kind: i.kind,
            name: i.name.clone(),
            use_mqtt: mqtt.is_some(),
            mqtt_url: m.url,
            mqtt_username: m.username,
            mqtt_topic: m.topic,
            mqtt_ca_file: m.ca_file,
            stored_kind: Some(i.kind),
            ..IntegrationDraft::default()
        }
    }

    /// Whether the server will treat it as new: a new integration, or one
    /// changing kind (either needs its secret).
    pub fn is_new(&self) -> bool {
        self.stored_kind != Some(self.kind)
    }

    /// Whether Cairn subscribes to a broker for it.
    pub fn mqtt_on(&self) -> bool {
        self.kind.has_mqtt() && (self.kind == IntegrationKind::Zigbee2mqtt || self.use_mqtt)
    }

    /// The integration as typed.
    pub fn spec(&self) -> IntegrationSpec {
        let mqtt = self.mqtt_on();
        IntegrationSpec {
            id: self.id.trim().to_owned(),
            kind: self.kind,
            name: self.name.clone(),
            secret: (self.kind.has_webhook() && !self.secret.is_empty())
                .then(|| self.secret.clone()),
            mqtt: mqtt.then(|| MqttSource {
                url: self.mqtt_url.trim().to_owned(),
                username: self.mqtt_username.trim().to_owned(),
                topic: self.mqtt_topic.trim().to_owned(),
                ca_file: self.mqtt_ca_file.trim().to_owned(),
            }),
            mqtt_password: (mqtt && !self.mqtt_password.is_empty())
                .then(|| self.mqtt_password.clone()),
        }
    }

    /// Every problem as `(field, message)`, from the one validator.
    pub fn problems(&self) -> Vec<(String, String)> {
        (self.spec().problems(self.is_new()).into_iter())
            .filter_map(|d| Some((d.location?, d.message)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(d: &IntegrationDraft) -> Vec<String> {
        d.problems().into_iter().map(|p| p.0).collect()
    }

    #[test]
    fn an_integration_is_judged_by_the_one_validator() {
        let mut d = IntegrationDraft {
            id: " tts-main ".into(),
            name: "Offices".into(),
            secret: "0123456789abcdef".into(),
            mqtt_url: "left over".into(),
            ..IntegrationDraft::default()
        };
        assert!(fields(&d).is_empty(), "{:?}", d.problems());
        assert_eq!(d.spec().id, "tts-main");
        assert_eq!(d.spec().mqtt, None, "no MQTT unless asked for");
        d.secret.clear();
        assert_eq!(fields(&d), ["secret"], "a new one brings its secret");
        d.stored_kind = Some(IntegrationKind::Tts);
        assert!(fields(&d).is_empty(), "an edit keeps the stored secret");
        assert_eq!(d.spec().secret, None);
        d.kind = IntegrationKind::Kpn;
        assert_eq!(fields(&d), ["secret"], "a new kind needs a new secret");
    }

    #[test]
    fn zigbee2mqtt_is_read_over_mqtt_only() {
        let mut d = IntegrationDraft {
            id: "z2m".into(),
            kind: IntegrationKind::Zigbee2mqtt,
            name: "Lab".into(),
            secret: "typed before the kind changed".into(),
            ..IntegrationDraft::default()
        };
        assert_eq!(fields(&d), ["mqtt.url"]);
        d.mqtt_url = "mqtt://broker:1883".into();
        d.mqtt_password = "pw".into();
        assert!(fields(&d).is_empty(), "{:?}", d.problems());
        let spec = d.spec();
        assert_eq!((spec.secret, spec.mqtt_password), (None, Some("pw".into())));
    }
}
