//! A waiting device as the claim form holds it: id, name, site, kind and
//! model, first guessed from what the network server calls it (its hint,
//! `"am319-room-2-14 · am319"`), read as the `DeviceSpec` the server gets
//! (no points: the server derives them from the keys heard and the model's
//! codec) and judged by `DeviceSpec::problems()`, the one validator. Pure.

use cairn_protocol::{DeviceKind, DeviceSpec, DeviceState, IntegrationKind, WaitingDevice};

/// Device models with a built-in codec table (free text is allowed too).
pub const MODELS: [&str; 6] = [
    "Milesight AM319",
    "Milesight AM103",
    "Milesight EM300",
    "Elsys ERS",
    "Dragino LHT65",
    "Zigbee2MQTT",
];

#[derive(Clone, Debug, PartialEq)]
pub struct ClaimDraft {
    pub id: String,
    pub name: String,
    pub site_id: String,
    pub kind: DeviceKind,
    pub model: String,
}

/// Lower case, letters and digits only: `Milesight AM-319` → `milesightam319`.
fn normalise(text: &str) -> String {
    (text.chars())
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// A device id from a name: `Room 2.14 (AM319)` → `room-2-14-am319`; empty
/// when the name has no letter or digit.
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.truncate(64);
    out.trim_end_matches('-').to_owned()
}

/// The known model the network server's name for a model means, if any.
pub fn known_model(text: &str) -> Option<&'static str> {
    let text = normalise(text);
    if text.is_empty() {
        return None;
    }
    MODELS.into_iter().find(|m| {
        let token = normalise(m.rsplit(' ').next().unwrap_or(m));
        text == normalise(m) || text == token || (token.len() >= 5 && text.contains(&token))
    })
}

/// What its keys suggest the device is; a multisensor when nothing stands out.
fn kind_of(keys: &[String]) -> DeviceKind {
    let has = |k: &str| keys.iter().any(|key| key.eq_ignore_ascii_case(k));
    if has("water_leak") || has("leak") {
        DeviceKind::LeakSensor
    } else if has("contact") || has("door") {
        DeviceKind::DoorContact
    } else if has("energy") {
        DeviceKind::ElectricityMeter
    } else {
        DeviceKind::Multisensor
    }
}

impl ClaimDraft {
    /// The first guess for `w`, heard by an integration of `kind`, on `site_id`.
    pub fn guess(w: &WaitingDevice, kind: Option<IntegrationKind>, site_id: String) -> ClaimDraft {
        let mut parts = w.hint.split('·').map(str::trim);
        let first = parts.next().unwrap_or_default();
        let second = parts.next().unwrap_or_default();
        let id = match slug(first) {
            s if s.is_empty() => {
                let tail: Vec<char> = w
                    .identifier
                    .chars()
                    .filter(char::is_ascii_alphanumeric)
                    .collect();
                let tail: String = tail[tail.len().saturating_sub(6)..].iter().collect();
                format!("dev-{}", tail.to_ascii_lowercase())
            }
            s => s,
        };
        let name = if first.is_empty() {
            w.identifier.as_str()
        } else {
            first
        };
        let model = known_model(second)
            .or_else(|| known_model(first).filter(|_| second.is_empty()))
            .or((kind == Some(IntegrationKind::Zigbee2mqtt)).then_some("Zigbee2MQTT"));
        ClaimDraft {
            id,
            name: name.chars().take(100).collect(),
            site_id,
            kind: kind_of(&w.keys),
            model: model.unwrap_or_default().to_owned(),
        }
    }

    /// The device as typed: no points (the server derives them), no aliases
    /// (the server adds the identifier), not placed yet.
    pub fn spec(&self) -> DeviceSpec {
        DeviceSpec {
            id: self.id.clone(),
            name: self.name.clone(),
            kind: self.kind,
            model: self.model.clone(),
            firmware: String::new(),
            serial: String::new(),
            installed: String::new(),
            site_id: self.site_id.clone(),
            building_id: None,
            floor_id: None,
            zone_id: None,
            location: None,
            plan: None,
            tags: Vec::new(),
            points: Vec::new(),
            expected_interval_s: None,
            state: DeviceState::Active,
            aliases: Vec::new(),
        }
        .normalised()
    }

    /// Every problem as `(field, message)`, from the one validator.
    pub fn problems(&self) -> Vec<(String, String)> {
        (self.spec().problems().into_iter())
            .filter_map(|d| Some((d.location?, d.message)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn waiting(identifier: &str, hint: &str, keys: &[&str]) -> WaitingDevice {
        WaitingDevice {
            integration_id: "tts".into(),
            identifier: identifier.into(),
            first_seen: 0,
            last_seen: 0,
            messages: 1,
            keys: keys.iter().map(|k| (*k).to_owned()).collect(),
            hint: hint.into(),
        }
    }

    #[test]
    fn slugs_keep_letters_and_digits() {
        for (name, expected) in [
            ("am319-room-2-14", "am319-room-2-14"),
            ("Room 2.14 (AM319)", "room-2-14-am319"),
            ("  --Lab--  ", "lab"),
            ("· ·", ""),
        ] {
            assert_eq!(slug(name), expected, "{name:?}");
        }
    }

    #[test]
    fn models_are_recognised_by_their_short_names() {
        for (text, expected) in [
            ("am319", Some("Milesight AM319")),
            ("Dragino LHT65", Some("Dragino LHT65")),
            ("AM319-868M", Some("Milesight AM319")),
            ("ers", Some("Elsys ERS")),
            ("sensors", None),
            ("", None),
        ] {
            assert_eq!(known_model(text), expected, "{text:?}");
        }
    }

    #[test]
    fn a_guess_comes_from_the_hint() {
        let d = ClaimDraft::guess(
            &waiting(
                "70b3d57ed0000a01",
                "am319-room-2-14 · am319",
                &["co2", "temperature"],
            ),
            Some(IntegrationKind::Tts),
            "hq".into(),
        );
        assert_eq!(
            (d.id.as_str(), d.name.as_str(), d.model.as_str(), d.kind),
            (
                "am319-room-2-14",
                "am319-room-2-14",
                "Milesight AM319",
                DeviceKind::Multisensor
            )
        );
        assert!(d.problems().is_empty(), "{:?}", d.problems());
        let d = ClaimDraft::guess(
            &waiting("00158d0001a2b3c4", "", &["water_leak"]),
            None,
            String::new(),
        );
        assert_eq!(
            (d.id.as_str(), d.name.as_str()),
            ("dev-a2b3c4", "00158d0001a2b3c4")
        );
        assert_eq!((d.model.as_str(), d.kind), ("", DeviceKind::LeakSensor));
        assert_eq!(
            d.problems().into_iter().map(|p| p.0).collect::<Vec<_>>(),
            ["site_id"]
        );
    }
}
