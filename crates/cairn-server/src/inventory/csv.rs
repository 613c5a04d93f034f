//! CSV import plans and export of the inventory (RFC 4180, the `csv` crate).
//!
//! Columns: `id` (required) and any of [`COLUMNS`]. A column the file leaves
//! out keeps the device's current value (a new device: empty). `tags` are
//! space-separated, `points` are `metric:interval_s` space-separated,
//! `lat`/`lon` empty = unplaced. Export defuses text cells that a
//! spreadsheet would run as a formula (a leading `=`, `+`, `-`, `@`, tab or
//! CR gets a `'`, OWASP's advice); import takes that `'` off again, so a
//! file exported and imported back changes nothing.

use std::collections::{HashMap, HashSet};

use cairn_protocol::{
    DeviceKind, DeviceSpec, DeviceState, FieldChange, ImportAction, ImportError, ImportPlan,
    ImportRow, LatLon, Metric, PlanXy, PointSpec,
};

use crate::catalog::{DeviceDef, Model};

/// Every column, in export order.
pub const COLUMNS: [&str; 20] = [
    "id",
    "name",
    "kind",
    "model",
    "firmware",
    "serial",
    "installed",
    "site_id",
    "building_id",
    "floor_id",
    "zone_id",
    "lat",
    "lon",
    "plan_x",
    "plan_y",
    "tags",
    "points",
    "expected_interval_s",
    "state",
    "aliases",
];

/// Most rows one file may hold.
pub const MAX_ROWS: usize = 100_000;

/// A text cell as export writes it.
fn defuse(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_owned()
    }
}

/// A text cell as import reads it: export's `'` taken off.
fn undefuse(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => s,
    }
}

fn num(v: Option<f64>) -> String {
    v.map_or_else(String::new, |v| v.to_string())
}

/// `d`'s cells, in [`COLUMNS`] order, undefused.
fn cells(d: &DeviceDef) -> [String; COLUMNS.len()] {
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let points: Vec<String> = (d.points.iter())
        .map(|p| format!("{}:{}", p.metric.name(), p.interval_s))
        .collect();
    [
        d.id.clone(),
        d.name.clone(),
        d.kind.name().into(),
        d.model.clone(),
        d.firmware.clone(),
        d.serial.clone(),
        d.installed.clone(),
        d.site_id.clone(),
        opt(&d.building_id),
        opt(&d.floor_id),
        opt(&d.zone_id),
        num(d.location.map(|l| l.lat)),
        num(d.location.map(|l| l.lon)),
        num(d.plan.map(|p| p.x)),
        num(d.plan.map(|p| p.y)),
        d.tags.join(" "),
        points.join(" "),
        d.expected_interval_s
            .map_or_else(String::new, |s| s.to_string()),
        d.state.name().into(),
        d.aliases.join(" "),
    ]
}

/// The CSV of `devices`: a header and one row each.
pub fn export<'a>(devices: impl IntoIterator<Item = &'a DeviceDef>) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(COLUMNS);
    for d in devices {
        let row = cells(d);
        let numeric = |i: usize| {
            matches!(
                COLUMNS[i],
                "lat" | "lon" | "plan_x" | "plan_y" | "expected_interval_s"
            )
        };
        let out: Vec<String> = (row.iter().enumerate())
            .map(|(i, c)| if numeric(i) { c.clone() } else { defuse(c) })
            .collect();
        let _ = w.write_record(&out);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// The column a validator's field is in.
fn column_of(field: &str) -> &str {
    let base = field.split(['.', '[']).next().unwrap_or(field);
    match base {
        "location" if field.ends_with("lon") => "lon",
        "location" => "lat",
        "plan" if field.ends_with('y') => "plan_y",
        "plan" => "plan_x",
        "points" => "points",
        "tags" => "tags",
        "aliases" => "aliases",
        other => other,
    }
}

/// Applies one row's cells over `base` (the device now, or an empty one).
fn apply_cells(
    base: &DeviceDef,
    row: &HashMap<&str, &str>,
    errors: &mut Vec<(String, String)>,
) -> DeviceDef {
    let mut d = base.clone();
    let mut err = |c: &str, m: String| errors.push((c.to_owned(), m));
    let text = |c: &str| row.get(c).map(|v| undefuse(v).to_owned());
    let opt = |c: &str| text(c).map(|v| Some(v).filter(|v| !v.is_empty()));
    macro_rules! set {
        ($field:expr, $col:expr) => {
            if let Some(v) = text($col) {
                $field = v;
            }
        };
    }
    set!(d.name, "name");
    set!(d.model, "model");
    set!(d.firmware, "firmware");
    set!(d.serial, "serial");
    set!(d.installed, "installed");
    set!(d.site_id, "site_id");
    for (field, col) in [
        (&mut d.building_id, "building_id"),
        (&mut d.floor_id, "floor_id"),
        (&mut d.zone_id, "zone_id"),
    ] {
        if let Some(v) = opt(col) {
            *field = v;
        }
    }
    if let Some(k) = text("kind") {
        match DeviceKind::parse(&k) {
            Some(k) => d.kind = k,
            None => err("kind", format!("unknown kind {k:?}")),
        }
    }
    let number = |c: &str, err: &mut dyn FnMut(&str, String)| -> Option<Option<f64>> {
        let v = text(c)?;
        if v.trim().is_empty() {
            return Some(None);
        }
        match v.trim().parse::<f64>() {
            Ok(n) => Some(Some(n)),
            Err(_) => {
                err(c, format!("{v:?} is not a number"));
                None
            }
        }
    };
    if row.contains_key("lat") || row.contains_key("lon") {
        let lat = number("lat", &mut err).unwrap_or(d.location.map(|l| l.lat));
        let lon = number("lon", &mut err).unwrap_or(d.location.map(|l| l.lon));
        d.location = match (lat, lon) {
            (Some(lat), Some(lon)) => Some(LatLon { lat, lon }),
            (None, None) => None,
            _ => {
                err(
                    "lat",
                    "give both latitude and longitude, or neither (unplaced)".into(),
                );
                d.location
            }
        };
    }
    if row.contains_key("plan_x") || row.contains_key("plan_y") {
        let x = number("plan_x", &mut err).unwrap_or(d.plan.map(|p| p.x));
        let y = number("plan_y", &mut err).unwrap_or(d.plan.map(|p| p.y));
        d.plan = match (x, y) {
            (Some(x), Some(y)) => Some(PlanXy { x, y }),
            (None, None) => None,
            _ => {
                err("plan_x", "give both plan_x and plan_y, or neither".into());
                d.plan
            }
        };
    }
    if let Some(t) = text("tags") {
        d.tags = t.split_whitespace().map(str::to_owned).collect();
    }
    if let Some(a) = text("aliases") {
        d.aliases = a.split_whitespace().map(str::to_owned).collect();
    }
    if let Some(p) = text("points") {
        d.points = Vec::new();
        for item in p.split_whitespace() {
            let parsed = item
                .split_once(':')
                .and_then(|(m, s)| Some((Metric::parse(m)?, s.parse::<u32>().ok()?)));
            match parsed {
                Some((metric, interval_s)) => d.points.push(PointSpec { metric, interval_s }),
                None => err(
                    "points",
                    format!("{item:?} is not metric:seconds (e.g. co2:600)"),
                ),
            }
        }
    }
    if let Some(v) = text("expected_interval_s") {
        d.expected_interval_s = match v.trim() {
            "" => None,
            s => match s.parse() {
                Ok(n) => Some(n),
                Err(_) => {
                    err(
                        "expected_interval_s",
                        format!("{v:?} is not a whole number of seconds"),
                    );
                    d.expected_interval_s
                }
            },
        };
    }
    if let Some(v) = text("state") {
        match DeviceState::parse(v.trim()) {
            Some(s) => d.state = s,
            None => err("state", format!("{v:?}: use active or retired")),
        }
    }
    d
}

fn empty(id: &str) -> DeviceDef {
    DeviceSpec {
        id: id.to_owned(),
        name: String::new(),
        kind: DeviceKind::Multisensor,
        model: String::new(),
        firmware: String::new(),
        serial: String::new(),
        installed: String::new(),
        site_id: String::new(),
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
}

/// The plan for `text` against `model` (what exists), `places` (the sites,
/// buildings, floors and zones the caller may name) and `may_edit` (whether
/// the caller may write devices of a site). Returns the plan
/// and, when it has no error, the devices to write as `(before, after)`.
pub fn plan(
    text: &str,
    model: &Model,
    places: &Model,
    may_edit: &dyn Fn(&str) -> bool,
) -> (ImportPlan, Vec<(Option<DeviceDef>, DeviceDef)>) {
    let mut out = ImportPlan {
        rows: Vec::new(),
        errors: Vec::new(),
        create: 0,
        update: 0,
        unchanged: 0,
        applied: false,
    };
    let mut writes = Vec::new();
    let mut r = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(text.as_bytes());
    let header: Vec<String> = match r.headers() {
        Ok(h) => h.iter().map(|c| c.trim().to_owned()).collect(),
        Err(e) => {
            out.errors.push(ImportError {
                row: 1,
                column: String::new(),
                message: format!("not CSV: {e}"),
            });
            return (out, writes);
        }
    };
    for c in &header {
        if !COLUMNS.contains(&c.as_str()) {
            out.errors.push(ImportError {
                row: 1,
                column: c.clone(),
                message: format!(
                    "unknown column {c:?}; the columns are {}",
                    COLUMNS.join(", ")
                ),
            });
        }
    }
    if !header.iter().any(|c| c == "id") {
        out.errors.push(ImportError {
            row: 1,
            column: "id".into(),
            message: "the id column is required".into(),
        });
    }
    if !out.errors.is_empty() {
        return (out, writes);
    }
    let existing: HashMap<&str, &DeviceDef> =
        model.devices.iter().map(|d| (d.id.as_str(), d)).collect();
    let mut seen = HashSet::new();
    let mut aliases_seen = std::collections::HashMap::<String, u32>::new();
    for (i, record) in r.records().enumerate() {
        let line = u32::try_from(i + 2).unwrap_or(u32::MAX);
        if i >= MAX_ROWS {
            out.errors.push(ImportError {
                row: line,
                column: String::new(),
                message: format!("at most {MAX_ROWS} rows per file"),
            });
            break;
        }
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                out.errors.push(ImportError {
                    row: line,
                    column: String::new(),
                    message: format!("not a CSV row: {e}"),
                });
                continue;
            }
        };
        let cells: HashMap<&str, &str> = header
            .iter()
            .map(String::as_str)
            .zip(record.iter())
            .collect();
        let mut id = undefuse(cells.get("id").copied().unwrap_or("").trim()).to_owned();
        let before = existing.get(id.as_str()).copied();
        // Another site's device is told apart from nothing: as if it did
        // not exist, and none of its values (nor its id) are echoed.
        if before.is_some_and(|b| !may_edit(&b.site_id)) {
            let message = "no device with this id on your sites".to_owned();
            out.errors.push(ImportError {
                row: line,
                column: "id".into(),
                message,
            });
            let (action, changes) = (ImportAction::Invalid, Vec::new());
            out.rows.push(ImportRow {
                row: line,
                id: String::new(),
                action,
                changes,
            });
            continue;
        }
        let mut errs = Vec::new();
        let after = apply_cells(before.unwrap_or(&empty(&id)), &cells, &mut errs).normalised();
        if !seen.insert(id.clone()) {
            errs.push(("id".into(), "this id is on an earlier row too".into()));
        }
        for p in super::validate::device_problems(&after, places) {
            let field = p.location.unwrap_or_default();
            errs.push((column_of(&field).to_owned(), p.message));
        }
        // Aliases are unique: among the file's rows, and against stored
        // devices (named only when the importer may see them).
        for a in &after.aliases {
            if let Some(row) = aliases_seen.get(a) {
                errs.push(("aliases".into(), format!("{a:?} is on row {row} too")));
                continue;
            }
            aliases_seen.insert(a.clone(), line);
            let holder = (model.devices.iter()).find(|d| d.id != after.id && d.aliases.contains(a));
            if let Some(d) = holder {
                let who = if may_edit(&d.site_id) {
                    format!("device {:?}", d.id)
                } else {
                    "a device on another site".into()
                };
                errs.push((
                    "aliases".into(),
                    format!("{a:?} is already an alias of {who}"),
                ));
            }
        }
        if !after.site_id.is_empty() && !may_edit(&after.site_id) {
            errs.push(("site_id".into(), "this site is not one of yours".into()));
            id.clear();
        }
        let changes: Vec<FieldChange> = match before {
            None => Vec::new(),
            Some(b) => (COLUMNS.iter().zip(self::cells(b)).zip(self::cells(&after)))
                .filter(|((_, x), y)| x != y)
                .map(|((c, before), after)| FieldChange {
                    column: (*c).into(),
                    before,
                    after,
                })
                .collect(),
        };
        let action = match (errs.is_empty(), before, changes.is_empty()) {
            (false, ..) => ImportAction::Invalid,
            (true, None, _) => ImportAction::Create,
            (true, Some(_), false) => ImportAction::Update,
            (true, Some(_), true) => ImportAction::Unchanged,
        };
        match action {
            ImportAction::Create => out.create += 1,
            ImportAction::Update => out.update += 1,
            ImportAction::Unchanged => out.unchanged += 1,
            ImportAction::Invalid => {}
        }
        if matches!(action, ImportAction::Create | ImportAction::Update) {
            writes.push((before.cloned(), after));
        }
        out.errors
            .extend(errs.into_iter().map(|(column, message)| ImportError {
                row: line,
                column,
                message,
            }));
        out.rows.push(ImportRow {
            row: line,
            id,
            action,
            changes,
        });
    }
    if !out.errors.is_empty() {
        writes.clear();
    }
    (out, writes)
}

#[cfg(test)]
pub(crate) mod tests {
    /// A device with only an id, as a new CSV row starts.
    pub(crate) fn empty_device(id: &str) -> super::DeviceDef {
        super::empty(id)
    }

    #[test]
    fn formula_cells_are_defused_and_restored() {
        for s in ["=1+1", "+33 1", "-x", "@SUM(A1)", "\tx"] {
            assert_eq!(super::defuse(s), format!("'{s}"));
            assert_eq!(super::undefuse(&super::defuse(s)), s);
        }
        assert_eq!(super::defuse("Room 1"), "Room 1");
        assert_eq!(
            super::undefuse("'quoted"),
            "'quoted",
            "a ' before text stays"
        );
    }
}
