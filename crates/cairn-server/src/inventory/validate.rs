//! What only the catalogue can tell about a device: does its site exist,
//! does its floor belong to its building, is its plan position on the
//! floor. Run after [`DeviceSpec::problems`] (the shared validator) by the
//! API, CSV import and provisioning, with the same field names.

use cairn_protocol::{DeviceSpec, ErrorDetail};

use crate::catalog::Model;

fn named(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// An `invalid_field` detail at `location`.
pub fn field(location: &str, message: impl Into<String>) -> ErrorDetail {
    ErrorDetail {
        code: "invalid_field".into(),
        message: message.into(),
        location: Some(location.into()),
    }
}

/// `d`'s aliases that another device of `catalog` holds, each named by field;
/// the holder is named only when `sees(site)` says the caller may see it.
pub fn alias_problems(
    d: &DeviceSpec,
    catalog: &crate::catalog::Catalog,
    sees: impl Fn(&str) -> bool,
) -> Vec<ErrorDetail> {
    let mut out = Vec::new();
    for (i, a) in d.aliases.iter().enumerate() {
        if let Some(other) = catalog.device_by_alias(a).filter(|o| o.id != d.id) {
            let holder = if sees(&other.site_id) {
                format!("device {:?}", other.id)
            } else {
                "a device on another site".to_owned()
            };
            out.push(field(
                &format!("aliases[{i}]"),
                format!("{a:?} is already an alias of {holder}"),
            ));
        }
    }
    out
}

/// Every problem of `d`: the spec's own, then its references into `places`
/// (the sites, buildings, floors and zones that exist).
pub fn device_problems(d: &DeviceSpec, places: &Model) -> Vec<ErrorDetail> {
    let mut out = d.problems();
    for (i, a) in d.aliases.iter().enumerate() {
        let key = cairn_protocol::alias::alias_key(a);
        if let Some(other) =
            (places.devices.iter()).find(|o| o.id != d.id && o.aliases.contains(&key))
        {
            out.push(field(
                &format!("aliases[{i}]"),
                format!("{a:?} is already an alias of device {:?}", other.id),
            ));
        }
    }
    if !d.site_id.trim().is_empty() && !places.sites.iter().any(|s| s.id == d.site_id) {
        out.push(field("site_id", format!("no site {:?}", d.site_id)));
        return out;
    }
    if let Some(b) = named(&d.building_id) {
        match places.buildings.iter().find(|x| x.id == b) {
            None => out.push(field("building_id", format!("no building {b:?}"))),
            Some(x) if x.site_id != d.site_id => out.push(field(
                "building_id",
                format!(
                    "building {b:?} is on site {:?}, not {:?}",
                    x.site_id, d.site_id
                ),
            )),
            Some(_) => {}
        }
    }
    let floor = named(&d.floor_id).map(|f| (f, places.floors.iter().find(|x| x.id == f)));
    match floor {
        Some((f, None)) => out.push(field("floor_id", format!("no floor {f:?}"))),
        Some((f, Some(x))) if named(&d.building_id) != Some(x.building_id.as_str()) => {
            out.push(field(
                "floor_id",
                format!("floor {f:?} is in building {:?}", x.building_id),
            ))
        }
        Some((_, Some(x))) => {
            if let Some(p) = d.plan.filter(|p| p.x > x.width_m || p.y > x.height_m) {
                out.push(field(
                    "plan",
                    format!(
                        "({:.1}, {:.1}) m is off the plan of {}, which is {:.1} × {:.1} m",
                        p.x, p.y, x.name, x.width_m, x.height_m
                    ),
                ));
            }
        }
        None => {}
    }
    if let Some(z) = named(&d.zone_id) {
        match places.zones.iter().find(|x| x.id == z) {
            None => out.push(field("zone_id", format!("no zone {z:?}"))),
            Some(x) if named(&d.floor_id) != Some(x.floor_id.as_str()) => out.push(field(
                "zone_id",
                format!("zone {z:?} is on floor {:?}", x.floor_id),
            )),
            Some(_) => {}
        }
    }
    out
}

/// Every problem of a provisioning file `m` (its devices against its own
/// places and `known`, what the database holds already), each located as
/// `devices[3] "bad 2/../x": location.lat`.
pub fn model_problems(m: &Model, known: &Model) -> Vec<ErrorDetail> {
    let mut places = known.clone();
    places.devices.clear();
    places.sites.extend(m.sites.iter().cloned());
    places.buildings.extend(m.buildings.iter().cloned());
    places.floors.extend(m.floors.iter().cloned());
    places.zones.extend(m.zones.iter().cloned());
    let mut out = Vec::new();
    for (i, s) in m.sites.iter().enumerate() {
        let at = |f: &str| format!("sites[{i}] {:?}: {f}", s.id);
        if let Some(p) = cairn_protocol::inventory::device_id_problem(&s.id) {
            out.push(field(&at("id"), p));
        }
        if !(s.lat.is_finite() && (-90.0..=90.0).contains(&s.lat)) {
            out.push(field(&at("lat"), "a latitude from -90 to 90 degrees"));
        }
        if !(s.lon.is_finite() && (-180.0..=180.0).contains(&s.lon)) {
            out.push(field(&at("lon"), "a longitude from -180 to 180 degrees"));
        }
    }
    for (i, b) in m.buildings.iter().enumerate() {
        if !places.sites.iter().any(|s| s.id == b.site_id) {
            let at = format!("buildings[{i}] {:?}: site_id", b.id);
            out.push(field(&at, format!("no site {:?}", b.site_id)));
        }
    }
    for (i, f) in m.floors.iter().enumerate() {
        if !places.buildings.iter().any(|b| b.id == f.building_id) {
            let at = format!("floors[{i}] {:?}: building_id", f.id);
            out.push(field(&at, format!("no building {:?}", f.building_id)));
        }
    }
    for (i, z) in m.zones.iter().enumerate() {
        if !places.floors.iter().any(|f| f.id == z.floor_id) {
            let at = format!("zones[{i}] {:?}: floor_id", z.id);
            out.push(field(&at, format!("no floor {:?}", z.floor_id)));
        }
    }
    for (i, d) in m.devices.iter().enumerate() {
        if m.devices[..i].iter().any(|e| e.id == d.id) {
            out.push(field(
                &format!("devices[{i}] {:?}: id", d.id),
                "listed twice",
            ));
        }
        for mut p in device_problems(d, &places) {
            let inner = p.location.take().unwrap_or_default();
            p.location = Some(format!("devices[{i}] {:?}: {inner}", d.id));
            out.push(p);
        }
        // An alias is one device's, in the file and in what is stored (a
        // device the file replaces may keep its own).
        for (j, a) in d.aliases.iter().enumerate() {
            let key = cairn_protocol::alias::alias_key(a);
            let holder = (m.devices[..i]
                .iter()
                .find(|e| e.aliases.iter().any(|b| alias_key_eq(b, &key))))
            .or_else(|| {
                (known.devices.iter()).find(|e| {
                    e.id != d.id
                        && !m.devices.iter().any(|n| n.id == e.id)
                        && e.aliases.iter().any(|b| alias_key_eq(b, &key))
                })
            });
            if let Some(other) = holder {
                out.push(field(
                    &format!("devices[{i}] {:?}: aliases[{j}]", d.id),
                    format!("{a:?} is already an alias of device {:?}", other.id),
                ));
            }
        }
    }
    out
}

fn alias_key_eq(stored: &str, key: &str) -> bool {
    cairn_protocol::alias::alias_key(stored) == key
}
