//! What a search on the map names: a site (by name, city or id) or a device
//! (by id or name, exactly, else the first name that contains the text), all
//! case-insensitive. Pure, so it is tested on the host.

use cairn_protocol::{DeviceSummary, SiteSummary};

/// Where a search leads.
#[derive(Debug, PartialEq)]
pub(super) enum Found {
    /// A site, at its location (lat, lon).
    Site(f64, f64),
    /// The device at this index of `devices`.
    Device(usize),
    Nothing,
}

/// Sites win over devices; an exact device id or name over a partial name.
pub(super) fn find<'a>(
    text: &str,
    sites: &[SiteSummary],
    devices: impl Iterator<Item = &'a DeviceSummary> + Clone,
) -> Found {
    let q = text.trim().to_lowercase();
    if q.is_empty() {
        return Found::Nothing;
    }
    if let Some(s) = sites
        .iter()
        .find(|s| s.name.to_lowercase() == q || s.city.to_lowercase() == q || s.id == q)
    {
        return Found::Site(s.lat, s.lon);
    }
    let exact = devices
        .clone()
        .position(|d| d.id.to_lowercase() == q || d.name.to_lowercase() == q);
    match exact.or_else(|| {
        devices
            .clone()
            .position(|d| d.name.to_lowercase().contains(&q))
    }) {
        Some(i) => Found::Device(i),
        None => Found::Nothing,
    }
}

#[cfg(test)]
mod tests {
    use cairn_protocol::{DeviceKind, LatLon};

    use super::*;

    fn site(id: &str, name: &str, city: &str) -> SiteSummary {
        SiteSummary {
            id: id.into(),
            name: name.into(),
            address: String::new(),
            city: city.into(),
            time_zone: "Europe/Brussels".into(),
            lat: 50.0,
            lon: 4.0,
        }
    }

    fn device(id: &str, name: &str) -> DeviceSummary {
        DeviceSummary {
            id: id.into(),
            name: name.into(),
            kind: DeviceKind::Multisensor,
            model: String::new(),
            firmware: String::new(),
            serial: String::new(),
            installed: String::new(),
            site_id: "bru".into(),
            building_id: None,
            floor_id: None,
            zone_id: None,
            location: Some(LatLon { lat: 1.0, lon: 2.0 }),
            plan: None,
            tags: Vec::new(),
            aliases: Vec::new(),
            points: Vec::new(),
            battery: None,
            signal: None,
            last_seen: None,
            state: Default::default(),
            expected_interval_s: None,
            health: Default::default(),
        }
    }

    #[test]
    fn sites_then_exact_devices_then_partial_names_case_insensitive() {
        let sites = [site("bru", "Mont des Arts Offices", "Brussels")];
        let devices = [
            device("bru-a-f1-z01-ms", "Office 1.01 multisensor"),
            device("bru-a-f0-z02-ms", "Entrance hall"),
            device("x", "Hall"),
        ];
        let find = |q: &str| find(q, &sites, devices.iter());
        assert_eq!(find("brussels"), Found::Site(50.0, 4.0));
        assert_eq!(find("  MONT DES ARTS OFFICES "), Found::Site(50.0, 4.0));
        assert_eq!(find("bru"), Found::Site(50.0, 4.0), "a site id wins");
        assert_eq!(find("BRU-A-F0-Z02-MS"), Found::Device(1));
        assert_eq!(
            find("hall"),
            Found::Device(2),
            "an exact name beats a partial one"
        );
        assert_eq!(find("multisensor"), Found::Device(0));
        assert_eq!(find("attic"), Found::Nothing);
        assert_eq!(find("   "), Found::Nothing);
    }
}
