//! What a network server's message stores on a known device: each decoded
//! key its model's codec maps to a metric the device has a point for. A key
//! no table knows, one without a point on this device, or a value that is
//! not usable (a KPN `vs` such as `locOrigin`) is skipped and named, not a
//! reason to lose the rest: a codec update adding a field must not stop a
//! device. Pure functions of the catalogue and the message.

use cairn_protocol::Metric;

use super::Uplink;
use crate::{
    catalog::{Catalog, DeviceDef, point_key},
    ingest::{
        SenmlRecord,
        codec::{self, Decoded, Raw},
    },
};

/// A SenML pack for `device`, and the keys skipped (with why).
pub fn uplink_pack(
    catalog: &Catalog,
    device: &DeviceDef,
    up: &Uplink,
) -> (Vec<SenmlRecord>, Vec<String>) {
    let model = codec::model_for(&device.model);
    let t = up.time_ms.map(|ms| ms as f64 / 1000.0);
    let record = |metric: Metric, v: f64| SenmlRecord {
        n: Some(point_key(&device.id, metric)),
        t,
        v: Some(v),
        ..SenmlRecord::default()
    };
    let mut pack = Vec::new();
    let mut skipped = Vec::new();
    let mut values: Vec<&(String, serde_json::Value)> = up.values.iter().collect();
    values.sort_by_key(|(key, _)| codec::precedence(model, key));
    let mut taken: Vec<Metric> = Vec::new();
    for (key, value) in values {
        // Nested objects (a GPS fix, a list of readings) are not measured.
        let Some(raw) = Raw::of(value) else { continue };
        match codec::decode(model, key, raw) {
            // Two keys of one metric: the table's first says it.
            Decoded::Reading { metric, .. } if taken.contains(&metric) => {}
            Decoded::Reading { metric, value, .. }
                if catalog.point_of(&device.id, metric).is_some() =>
            {
                taken.push(metric);
                pack.push(record(metric, value));
            }
            Decoded::Reading { metric, .. } => {
                skipped.push(format!("{key} (no {} point)", metric.name()))
            }
            Decoded::Ignored => {}
            Decoded::Unknown => skipped.push(format!("{key} (unknown)")),
            Decoded::Bad(why) => skipped.push(format!("{key} ({why})")),
        }
    }
    let signal = point_key(&device.id, Metric::Signal);
    if let Some(rssi) = up.rssi
        && !pack.iter().any(|r| r.n.as_deref() == Some(signal.as_str()))
        && catalog.point_of(&device.id, Metric::Signal).is_some()
    {
        pack.push(record(Metric::Signal, rssi));
    }
    (pack, skipped)
}

/// A KPN Things pack for `device` with the records it cannot store taken
/// out (their base fields kept, as they apply to the records after them),
/// and the names skipped.
pub fn kpn_pack(
    catalog: &Catalog,
    device: &DeviceDef,
    pack: Vec<SenmlRecord>,
) -> (Vec<SenmlRecord>, Vec<String>) {
    let model = codec::model_for(&device.model);
    let mut kept = Vec::with_capacity(pack.len());
    let mut skipped = Vec::new();
    for r in pack {
        let measures =
            r.v.is_some() || r.vb.is_some() || r.s.is_some() || r.vs.is_some() || r.vd.is_some();
        let Some(key) = r.n.clone().filter(|_| measures) else {
            kept.push(r);
            continue;
        };
        let why = if r.vs.is_some() || r.vd.is_some() {
            Some("a text value".to_owned())
        } else {
            match codec::decode(model, &key, Raw::Number(0.0)) {
                Decoded::Reading { metric, .. }
                    if catalog.point_of(&device.id, metric).is_some() =>
                {
                    None
                }
                Decoded::Reading { metric, .. } => Some(format!("no {} point", metric.name())),
                Decoded::Ignored => Some(String::new()),
                Decoded::Unknown | Decoded::Bad(_) => Some("unknown".to_owned()),
            }
        };
        match why {
            None => kept.push(r),
            Some(why) => {
                if !why.is_empty() {
                    skipped.push(format!("{key} ({why})"));
                }
                let base = SenmlRecord {
                    bn: r.bn,
                    bt: r.bt,
                    bu: r.bu,
                    bv: r.bv,
                    bs: r.bs,
                    bver: r.bver,
                    must_understand: r.must_understand,
                    ..SenmlRecord::default()
                };
                if base != SenmlRecord::default() {
                    kept.push(base);
                }
            }
        }
    }
    (kept, skipped)
}
