//! The health book: three clocks per device (last uplink, last reading of
//! each point, last change of each point's value) and 30 days of daily
//! battery levels, kept in memory from every stored reading, and the
//! judgement of one device against them (`cairn_protocol::health` rules).
//!
//! Filled on start from the last two days of raw readings and 30 days of
//! daily battery rollups (in the background: until then devices show as
//! never reported), then from every pack ingest stores.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, PoisonError},
};

use cairn_protocol::{
    DeviceHealth, DeviceState, Metric, Reading,
    health::{self, HealthFlag, PointClock, SignalBand},
};

use crate::{
    catalog::{Catalog, DeviceDef, SharedCatalog},
    store::{Store, devices},
};

const DAY_MS: i64 = 86_400_000;

#[derive(Default)]
struct Book {
    points: HashMap<u32, PointClock>,
    /// Uplink times per device: a [`PointClock`] fed `(ts, 0)` per uplink.
    devices: HashMap<String, PointClock>,
    /// Per battery point, one `(day start, last level)` per UTC day, ≤ 31.
    battery: HashMap<u32, Vec<(i64, f64)>>,
}

/// Shared, cheap to clone.
#[derive(Clone, Default)]
pub struct HealthBook(Arc<Mutex<Book>>);

impl HealthBook {
    /// Takes stored readings (any order within a call: each point's are
    /// taken oldest first; ones older than what a clock holds are ignored).
    pub fn observe(&self, catalog: &Catalog, readings: &[Reading]) {
        let mut sorted: Vec<&Reading> = readings.iter().collect();
        sorted.sort_by_key(|r| (r.ts, r.point));
        let mut book = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        for r in sorted {
            let Some(p) = catalog.point(r.point) else {
                continue;
            };
            book.points
                .entry(r.point)
                .or_default()
                .observe(r.ts, r.value);
            let device = match book.devices.get_mut(&p.device_id) {
                Some(d) => d,
                None => book.devices.entry(p.device_id.clone()).or_default(),
            };
            device.observe(r.ts, 0.0);
            if p.metric == Metric::Battery {
                battery_sample(book.battery.entry(r.point).or_default(), r.ts, r.value);
            }
        }
    }

    /// Takes daily battery levels `(point, day start ms, level)` from the rollups.
    pub fn observe_battery_days(&self, days: &[(u32, i64, f64)]) {
        let mut book = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        for &(point, day, level) in days {
            battery_sample(book.battery.entry(point).or_default(), day, level);
        }
    }

    /// `d`'s health at `now`; `in_maintenance` says whether a window covers it.
    pub fn judge(
        &self,
        catalog: &Catalog,
        d: &DeviceDef,
        latest: &HashMap<u32, Reading>,
        in_maintenance: bool,
        now: i64,
    ) -> DeviceHealth {
        let book = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        judge(&book, catalog, d, latest, in_maintenance, now, true)
    }

    /// The flags of many devices at once (one lock; no battery forecast,
    /// which only a device's own view needs): for filters and sorting.
    pub fn judge_many(
        &self,
        catalog: &Catalog,
        devices: &[&DeviceDef],
        latest: &HashMap<u32, Reading>,
        in_maintenance: &dyn Fn(&DeviceDef) -> bool,
        now: i64,
    ) -> Vec<DeviceHealth> {
        let book = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        (devices.iter())
            .map(|d| judge(&book, catalog, d, latest, in_maintenance(d), now, false))
            .collect()
    }
}

/// Keeps one sample per UTC day (the day's last), 31 days at most.
fn battery_sample(days: &mut Vec<(i64, f64)>, ts: i64, level: f64) {
    let day = ts.div_euclid(DAY_MS) * DAY_MS;
    match days
        .iter_mut()
        .find(|(d, _)| d.div_euclid(DAY_MS) * DAY_MS == day)
    {
        Some(s) if ts >= s.0 => *s = (ts, level),
        Some(_) => {}
        None => {
            days.push((ts, level));
            days.sort_by_key(|s| s.0);
            if days.len() > 31 {
                days.remove(0);
            }
        }
    }
}

fn judge(
    book: &Book,
    catalog: &Catalog,
    d: &DeviceDef,
    latest: &HashMap<u32, Reading>,
    in_maintenance: bool,
    now: i64,
    forecast: bool,
) -> DeviceHealth {
    let clock = book.devices.get(&d.id);
    // The book learns from two days of history on start: a device silent for
    // longer is known by its points' newest readings.
    let newest = (catalog.device_points(&d.id).iter())
        .filter_map(|p| latest.get(p).map(|r| r.ts))
        .max();
    let last_uplink = clock.and_then(PointClock::last_ts).max(newest);
    // Judged by the hand-set interval, else the longer of the learned one
    // and its points' configured one (an event-driven sensor's uplinks come
    // closer than its heartbeat: never call it silent before the heartbeat).
    let configured = (d.points.iter().map(|p| i64::from(p.interval_s) * 1000)).min();
    // The learned interval (a median) only matters when it could make a
    // difference: in a device's own view, or when the device is quiet for
    // longer than its configured interval allows.
    let quiet_ms = last_uplink.map_or(0, |t| now - t);
    let may_matter = forecast || configured.is_none_or(|c| quiet_ms > health::silent_after_ms(c));
    let learned = clock
        .filter(|_| may_matter)
        .and_then(PointClock::interval_ms);
    let (interval_ms, was_learned) = match (d.expected_interval_s, learned, configured) {
        (Some(s), _, _) => (Some(i64::from(s) * 1000), false),
        (None, Some(l), Some(c)) => (Some(l.max(c)), l > c),
        (None, Some(l), None) => (Some(l), true),
        (None, None, c) => (c, false),
    };
    let mut flags = Vec::new();
    let mut out = DeviceHealth {
        interval_s: interval_ms.map(|ms| u32::try_from(ms / 1000).unwrap_or(u32::MAX)),
        learned: was_learned,
        last_uplink,
        ..DeviceHealth::default()
    };
    for id in catalog.device_points(&d.id) {
        let Some(p) = catalog.point(*id) else {
            continue;
        };
        let clock = book.points.get(id);
        let configured_ms = i64::from(p.interval_s) * 1000;
        // Stuck needs at least 12 of its intervals, never shorter than configured.
        if health::judged_for_stuck(p.metric)
            && clock.is_some_and(|c| c.stuck_for_ms() > 12 * configured_ms)
            && clock.is_some_and(|c| {
                let interval = c.interval_ms().unwrap_or(i64::from(p.interval_s) * 1000);
                c.is_stuck(interval.max(i64::from(p.interval_s) * 1000))
            })
        {
            out.stuck_points.push(*id);
        }
        let value = latest.get(id).map(|r| r.value);
        match p.metric {
            Metric::Battery => {
                let samples = book.battery.get(id).map_or(&[][..], Vec::as_slice);
                let outlook = forecast.then(|| health::battery_outlook(samples, now));
                out.battery = outlook.flatten().or_else(|| {
                    value.map(|level| health::BatteryOutlook {
                        level,
                        slope_per_day: 0.0,
                        reaches_10_at: None,
                    })
                });
            }
            Metric::Signal => out.signal = value.map(SignalBand::from_dbm),
            _ => {}
        }
    }
    if d.state == DeviceState::Retired {
        flags.push(HealthFlag::Retired);
    } else {
        if interval_ms.is_some_and(|i| health::is_silent(last_uplink, i, now)) {
            flags.push(HealthFlag::Silent);
        }
        if !out.stuck_points.is_empty() {
            flags.push(HealthFlag::Stuck);
        }
        if out
            .battery
            .as_ref()
            .is_some_and(|b| b.level <= health::LOW_BATTERY_PERCENT)
        {
            flags.push(HealthFlag::LowBattery);
        }
        if out.signal == Some(SignalBand::Poor) {
            flags.push(HealthFlag::WeakSignal);
        }
        if in_maintenance {
            flags.push(HealthFlag::InMaintenance);
        }
        if last_uplink.is_none() {
            flags.push(HealthFlag::NeverReported);
        }
    }
    out.flags = flags;
    out
}

/// How far back the book learns on start: two days of raw readings (a
/// 10-minute sensor's 288 readings) and 30 days of daily battery levels.
const LEARN_MS: i64 = 2 * DAY_MS;

/// Fills `book` from the store as of `now`; logs (never fails the server)
/// when the store cannot be read.
pub async fn load(store: Store, catalog: SharedCatalog, book: HealthBook, now: i64) {
    let cat = catalog.load();
    let battery: std::collections::HashSet<u32> = (cat.points().iter())
        .filter(|p| p.metric == Metric::Battery)
        .map(|p| p.id)
        .collect();
    let since = now - 31 * DAY_MS;
    let days = store
        .transact(move |tx| devices::daily_lasts(tx, since, &|p| battery.contains(&p)))
        .await;
    match days {
        Ok(days) => book.observe_battery_days(&days),
        Err(e) => tracing::warn!("device health could not read battery history: {e}"),
    }
    // A few hundred points per transaction: ingest gets the database in between.
    let points: Vec<u32> = cat.points().iter().map(|p| p.id).collect();
    let since = now - LEARN_MS;
    for chunk in points.chunks(256) {
        let chunk = chunk.to_vec();
        match store
            .transact(move |tx| devices::readings_since(tx, &chunk, since))
            .await
        {
            Ok(readings) => book.observe(&cat, &readings),
            Err(e) => {
                tracing::warn!("device health could not learn from history: {e}");
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use cairn_protocol::{DeviceKind, PointSpec};

    use super::*;
    use crate::catalog::{Model, PointInfo};

    const MIN: i64 = 60_000;

    /// A door contact with a 1-hour heartbeat (point 1) and its battery (point 2).
    fn door(expected_interval_s: Option<u32>) -> Catalog {
        let points = [(1, Metric::Door), (2, Metric::Battery)].map(|(id, metric)| PointInfo {
            id,
            key: format!("door/{}", metric.name()),
            device_id: "door".into(),
            device_name: "Door".into(),
            site_id: "s".into(),
            building_id: None,
            metric,
            interval_s: 3600,
        });
        let mut d = crate::inventory::csv::tests::empty_device("door");
        d.kind = DeviceKind::DoorContact;
        d.expected_interval_s = expected_interval_s;
        d.points = vec![PointSpec {
            metric: Metric::Door,
            interval_s: 3600,
        }];
        let model = Model {
            devices: vec![d],
            ..Model::default()
        };
        Catalog::new(model, points.to_vec())
    }

    fn judged(catalog: &Catalog, book: &HealthBook, now: i64) -> DeviceHealth {
        let d = catalog.device("door").unwrap();
        book.judge(catalog, d, &HashMap::new(), false, now)
    }

    #[test]
    fn an_event_sensor_is_judged_by_its_heartbeat_not_by_its_busy_hours() {
        let catalog = door(None);
        let book = HealthBook::default();
        // Opened and closed every 5 minutes for an hour: a learned 5 min.
        let readings: Vec<Reading> = (0..12)
            .map(|i| Reading {
                point: 1,
                ts: i * 5 * MIN,
                value: (i % 2) as f64,
            })
            .collect();
        book.observe(&catalog, &readings);
        let last = 55 * MIN;
        let h = judged(&catalog, &book, last + 2 * 3_600_000 + 30 * MIN);
        assert_eq!((h.interval_s, h.learned), (Some(3600), false));
        assert!(!h.flags.contains(&HealthFlag::Silent), "{h:?}");
        // Past two heartbeats plus half of one: silent.
        let h = judged(&catalog, &book, last + 2 * 3_600_000 + 30 * MIN + 1);
        assert!(h.flags.contains(&HealthFlag::Silent), "{h:?}");
        // An interval set by hand wins over both.
        let h = judged(&door(Some(600)), &book, last + 26 * MIN);
        assert_eq!(h.interval_s, Some(600));
        assert!(h.flags.contains(&HealthFlag::Silent), "{h:?}");
    }

    #[test]
    fn a_device_never_heard_is_never_reported_not_silent_and_battery_days_keep_one_each() {
        let catalog = door(None);
        let book = HealthBook::default();
        assert_eq!(
            judged(&catalog, &book, 10 * 86_400_000).flags,
            [HealthFlag::NeverReported]
        );
        let mut days = Vec::new();
        for hour in 0..(40 * 24) {
            battery_sample(&mut days, hour * 3_600_000, 100.0 - hour as f64 / 24.0);
        }
        assert_eq!(days.len(), 31, "one sample per day, the newest 31");
        assert_eq!(
            days[30],
            (959 * 3_600_000, 100.0 - 959.0 / 24.0),
            "the day's last"
        );
    }
}
