//! A device's external ids ("aliases"): a LoRaWAN DevEUI, a SenML base name
//! such as `urn:dev:DEVEUI:70b3d57ed0000001:`, a Zigbee IEEE address, a
//! serial. Each is unique across the portfolio and compared in one form,
//! [`alias_key`], so `70-B3-D5-7E-D0-00-00-01` and `70b3d57ed0000001` are
//! the same device.

/// Most aliases one device may have.
pub const MAX_ALIASES: usize = 8;
/// Longest alias, in characters.
pub const MAX_ALIAS: usize = 100;

/// The form an alias is stored and compared in: trimmed, lower case, a
/// trailing `:` or `/` dropped, a `0x` before a hex id dropped (Zigbee
/// writes `0x00158d0001a2b3c4`), and an EUI-64 written with `-` or `:`
/// between its bytes as 16 hex digits; a KPN base name
/// `urn:dev:DEVEUI:<eui>:` is its DevEUI.
pub fn alias_key(alias: &str) -> String {
    let mut key = alias.trim().to_ascii_lowercase();
    while key.ends_with(':') || key.ends_with('/') {
        key.pop();
    }
    // KPN's SenML base name of a DevEUI is the DevEUI: one key for both.
    if let Some(eui) = eui_of_urn(&key)
        && key.len() == "urn:dev:deveui:".len() + 16
    {
        return eui;
    }
    let hex: String = key.chars().filter(|c| !matches!(c, '-' | ':')).collect();
    if key.len() > 16 && hex.len() == 16 && hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return hex;
    }
    if let Some(rest) = key.strip_prefix("0x")
        && !rest.is_empty()
        && rest.chars().all(|c| c.is_ascii_hexdigit())
    {
        return rest.to_owned();
    }
    key
}

/// The DevEUI inside a KPN-style SenML base name `urn:dev:DEVEUI:<eui>:`,
/// as its [`alias_key`].
pub fn eui_of_urn(name: &str) -> Option<String> {
    let lower = name.to_ascii_lowercase();
    let rest = lower.strip_prefix("urn:dev:deveui:")?;
    let eui: String = rest.chars().take_while(char::is_ascii_hexdigit).collect();
    (eui.len() == 16).then_some(eui)
}

/// What is wrong with `alias` as written, if anything: 1 to
/// [`MAX_ALIAS`] of letters, digits and `_ . : -` (no `/` or space: SenML
/// names a device's points `<alias>:<point>` or `<alias>/<point>`).
pub fn alias_problem(alias: &str) -> Option<String> {
    let a = alias.trim();
    let n = a.chars().count();
    if n == 0 || n > MAX_ALIAS {
        return Some(format!("1 to {MAX_ALIAS} characters"));
    }
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | ':' | '-');
    if let Some(bad) = a.chars().find(|c| !allowed(*c)) {
        return Some(format!(
            "{bad:?} is not allowed: use letters, digits and _ . : - only"
        ));
    }
    if alias_key(a).is_empty() {
        return Some("needs more than separators".into());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_id_written_several_ways_is_one_key() {
        for written in [
            "70B3D57ED0000001",
            "70-B3-D5-7E-D0-00-00-01",
            "70:b3:d5:7e:d0:00:00:01",
            " 70b3d57ed0000001 ",
        ] {
            assert_eq!(alias_key(written), "70b3d57ed0000001", "{written}");
        }
        assert_eq!(alias_key("0x00158D0001A2B3C4"), "00158d0001a2b3c4");
        // KPN's base name of a DevEUI is that DevEUI; other URNs stay themselves.
        assert_eq!(
            alias_key("urn:dev:DEVEUI:70B3D57ED0000001:"),
            "70b3d57ed0000001"
        );
        assert_eq!(
            alias_key("urn:dev:ow:10e2073a01080063:"),
            "urn:dev:ow:10e2073a01080063"
        );
        assert_eq!(alias_key("SN-12345"), "sn-12345");
        assert_eq!(
            eui_of_urn("urn:dev:DEVEUI:70B3D57ED0000001:temperature").as_deref(),
            Some("70b3d57ed0000001")
        );
        assert_eq!(eui_of_urn("urn:dev:ow:10e2073a01080063"), None);
    }

    #[test]
    fn bad_aliases_say_why() {
        assert!(alias_problem("").is_some());
        assert!(alias_problem("a/b").unwrap().contains("'/'"));
        assert!(alias_problem("has space").is_some());
        assert!(alias_problem(&"x".repeat(101)).is_some());
        assert!(alias_problem("::").is_some());
        assert_eq!(alias_problem("urn:dev:DEVEUI:70b3d57ed0000001:"), None);
    }
}
