//! The one ingest path: real devices and the simulator both come through
//! [`Ingestor::ingest_senml`]. A pack is validated whole; if any record is bad
//! nothing of it is stored, and every bad record is named.

pub mod codec;
pub mod flat;
pub mod integrations;
pub mod senml;
pub mod token;
pub mod units;

use std::sync::Arc;

use cairn_protocol::{DeviceState, Reading};

use crate::{
    alerts::AlertEngine, catalog::SharedCatalog, inventory::HealthBook, live::LiveBus, store::Store,
};
pub use senml::{RecordError, SenmlRecord};

#[cfg(test)]
mod age_tests {
    use super::AgeLimit;

    #[test]
    fn the_stricter_of_retention_and_the_configured_limit_applies() {
        let now = 1_796_000_000_000;
        let day = 86_400_000;
        let retention = AgeLimit {
            retain_raw_days: 400,
            oldest_ms: None,
        };
        assert_eq!(retention.oldest(now).unwrap().0, now - 400 * day);
        let both = AgeLimit {
            retain_raw_days: 400,
            oldest_ms: Some(now - 10 * day),
        };
        assert_eq!(both.oldest(now).unwrap().0, now - 10 * day);
        let forever = AgeLimit {
            retain_raw_days: 0,
            oldest_ms: None,
        };
        assert_eq!(forever.oldest(now), None);
    }
}

/// How far ahead of the server's clock a reading may be (clock skew allowance).
pub const MAX_FUTURE_MS: i64 = 5 * 60 * 1000;
/// Most records one pack may carry.
pub const MAX_RECORDS: usize = 10_000;

#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("{} record(s) rejected; nothing was stored", .0.len())]
    Rejected(Vec<RecordError>),
    #[error("the pack is empty")]
    Empty,
    #[error("{0} records in one pack; at most {MAX_RECORDS} are accepted")]
    TooMany(usize),
    #[error("storage failed: {0}")]
    Store(#[from] crate::store::StoreError),
}

/// How old a reading may be, from the server's configuration.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct AgeLimit {
    /// Raw readings are kept this many days (`--retain-raw-days`); 0 = forever.
    pub retain_raw_days: u32,
    /// No reading before this instant (epoch ms, `--oldest-reading`), if set.
    pub oldest_ms: Option<i64>,
}

impl AgeLimit {
    /// The oldest time (epoch ms) accepted at `now_ms`, with why: a reading
    /// before it would be deleted by retention at once, or is before the
    /// configured limit.
    pub fn oldest(&self, now_ms: i64) -> Option<(i64, String)> {
        let by_retention = (self.retain_raw_days > 0).then(|| {
            (
                now_ms - i64::from(self.retain_raw_days) * 86_400_000,
                format!("the raw retention of {} days", self.retain_raw_days),
            )
        });
        let configured = self.oldest_ms.map(|ms| {
            (
                ms,
                "the oldest time this server accepts (--oldest-reading)".to_owned(),
            )
        });
        match (by_retention, configured) {
            (Some(a), Some(b)) => Some(if a.0 >= b.0 { a } else { b }),
            (a, b) => a.or(b),
        }
    }
}

#[derive(Clone)]
pub struct Ingestor {
    store: Store,
    limit: AgeLimit,
    catalog: SharedCatalog,
    bus: LiveBus,
    alerts: AlertEngine,
    health: HealthBook,
}

impl Ingestor {
    pub fn new(
        store: Store,
        catalog: SharedCatalog,
        bus: LiveBus,
        alerts: AlertEngine,
        health: HealthBook,
        limit: AgeLimit,
    ) -> Self {
        Self {
            store,
            limit,
            catalog,
            bus,
            alerts,
            health,
        }
    }

    /// Validates a pack sent by `device_id`, stores it durably, evaluates
    /// the alert rules on it (their alarms written too), then publishes it.
    /// Returns how many readings were new.
    pub async fn ingest_senml(
        &self,
        device_id: &str,
        pack: &[SenmlRecord],
        now_ms: i64,
    ) -> Result<usize, IngestError> {
        if pack.is_empty() {
            return Err(IngestError::Empty);
        }
        if pack.len() > MAX_RECORDS {
            return Err(IngestError::TooMany(pack.len()));
        }
        let readings = self
            .validate(device_id, pack, now_ms)
            .map_err(IngestError::Rejected)?;
        let readings = Arc::new(readings);
        let inserted = self.store.insert_readings(readings.clone()).await?;
        self.alerts.evaluate(&readings).await?;
        self.health.observe(&self.catalog.load(), &readings);
        self.bus.publish(Arc::unwrap_or_clone(readings));
        Ok(inserted)
    }

    /// Bulk form for history (a gateway's buffer, the simulator's backfill): every
    /// pack is validated as its device's, all are stored in one transaction, and
    /// only each point's newest reading is published. History is not
    /// evaluated by the alert rules: a gateway's buffer or the simulator's
    /// weeks of backfill must not fill the operators' queue with the past
    /// (the backtest is how to see what it would have raised). Returns how
    /// many were new.
    pub async fn ingest_history(
        &self,
        packs: &[(String, Vec<SenmlRecord>)],
        now_ms: i64,
    ) -> Result<usize, IngestError> {
        let mut readings = Vec::new();
        for (device_id, pack) in packs {
            readings.extend(
                self.validate(device_id, pack, now_ms)
                    .map_err(IngestError::Rejected)?,
            );
        }
        let readings = Arc::new(readings);
        let inserted = self.store.insert_readings(readings.clone()).await?;
        self.health.observe(&self.catalog.load(), &readings);
        let mut newest = std::collections::HashMap::new();
        for &r in readings.iter() {
            newest
                .entry(r.point)
                .and_modify(|old: &mut Reading| {
                    if r.ts > old.ts {
                        *old = r
                    }
                })
                .or_insert(r);
        }
        self.bus.publish(newest.into_values().collect());
        Ok(inserted)
    }

    /// The built-in codec table of `device_id`'s model, if it has one.
    pub fn model_of(&self, device_id: &str) -> Option<&'static codec::Model> {
        (self.catalog.load().device(device_id)).and_then(|d| codec::model_for(&d.model))
    }

    /// Whether `device_id` is retired in the inventory (its readings are refused).
    pub fn is_retired(&self, device_id: &str) -> bool {
        (self.catalog.load().device(device_id)).is_some_and(|d| d.state == DeviceState::Retired)
    }

    /// Resolves the pack and checks each record against the catalogue, the
    /// sending device and the metric.
    pub fn validate(
        &self,
        device_id: &str,
        pack: &[SenmlRecord],
        now_ms: i64,
    ) -> Result<Vec<Reading>, Vec<RecordError>> {
        let resolved = senml::resolve(pack, now_ms)?;
        let mut errors = Vec::new();
        let mut readings = Vec::with_capacity(resolved.len());
        let catalog = self.catalog.load();
        if catalog
            .device(device_id)
            .is_some_and(|d| d.state == DeviceState::Retired)
        {
            return Err(vec![RecordError::new(
                0,
                "n",
                format!("device {device_id:?} is retired: its readings are not accepted"),
            )]);
        }
        let oldest = self.limit.oldest(now_ms);
        let model = catalog
            .device(device_id)
            .and_then(|d| codec::model_for(&d.model));
        for rec in resolved {
            let index = rec.index;
            let (point, value, unit) = match point_of(&catalog, device_id, model, &rec) {
                Ok(Some(found)) => found,
                // A key the device's codec sends that Cairn does not measure.
                Ok(None) => continue,
                Err(message) => {
                    errors.push(RecordError::new(index, "n", message));
                    continue;
                }
            };
            let value = match unit {
                None => value,
                Some(u) => match units::normalise(point.metric, u, value) {
                    Some(v) => v,
                    None => {
                        let accepted = units::accepted(point.metric);
                        let message =
                            format!("unit {u:?} does not fit {:?}; use {accepted}", rec.name);
                        errors.push(RecordError::new(index, "u", message));
                        continue;
                    }
                },
            };
            let unit = point.metric.unit();
            if !value.is_finite() {
                errors.push(RecordError::new(index, "v", "value is not a finite number"));
                continue;
            }
            let (lo, hi) = point.metric.plausible_range();
            if !(lo..=hi).contains(&value) {
                errors.push(RecordError::new(
                    index,
                    "v",
                    format!("{value} {unit} is outside the plausible range {lo}..{hi}"),
                ));
                continue;
            }
            if rec.time_ms > now_ms + MAX_FUTURE_MS {
                errors.push(RecordError::new(
                    index,
                    "t",
                    "time is more than 5 minutes in the future",
                ));
                continue;
            }
            if let Some((oldest, why)) = &oldest
                && rec.time_ms < *oldest
            {
                errors.push(RecordError::new(
                    index,
                    "t",
                    format!(
                        "time {} is before {} (oldest accepted: {}); was a relative time (below 2^28 s) or a wrong clock meant?",
                        crate::time::rfc3339(rec.time_ms),
                        why,
                        crate::time::rfc3339(*oldest)
                    ),
                ));
                continue;
            }
            readings.push(Reading {
                point: point.id,
                ts: rec.time_ms,
                value,
            });
        }
        if errors.is_empty() {
            Ok(readings)
        } else {
            Err(errors)
        }
    }
}

/// A record's point, its value, and the unit the value is in (none: the point's).
type Found<'c, 'r> = (&'c crate::catalog::PointInfo, f64, Option<&'r str>);

/// The point a resolved record names for `device_id`, with its value and the
/// unit that value is in (none: the point's own); `None` for a key the
/// device's codec sends that Cairn does not measure. A name is the point's key
/// `<device-id>/<metric>`, or one of the device's aliases followed by `:` or
/// `/` and a key its model's codec knows (`urn:dev:DEVEUI:<eui>:temperature`).
fn point_of<'c, 'r>(
    catalog: &'c crate::catalog::Catalog,
    device_id: &str,
    model: Option<&codec::Model>,
    rec: &'r senml::Resolved,
) -> Result<Option<Found<'c, 'r>>, String> {
    if let Some(point) = catalog.point_by_key(&rec.name) {
        if point.device_id != device_id {
            return Err(format!("point {:?} belongs to another device", rec.name));
        }
        return Ok(Some((point, rec.value, rec.unit.as_deref())));
    }
    let split = rec.name.rfind([':', '/']);
    let aliased = split.and_then(|at| {
        let device = catalog.device_by_alias(&rec.name[..at])?;
        Some((device, &rec.name[at + 1..]))
    });
    let Some((device, key)) = aliased else {
        return Err(format!("unknown point {:?}", rec.name));
    };
    if device.id != device_id {
        return Err(format!("{:?} names another device", rec.name));
    }
    match codec::decode(model, key, codec::Raw::Number(rec.value)) {
        codec::Decoded::Reading {
            metric,
            value,
            keep_unit,
        } => match catalog.point_of(device_id, metric) {
            Some(point) => Ok(Some((
                point,
                value,
                keep_unit.then_some(rec.unit.as_deref()).flatten(),
            ))),
            None => Err(format!(
                "{:?} is {} and device {device_id:?} has no {} point",
                rec.name,
                metric.label(),
                metric.name()
            )),
        },
        codec::Decoded::Ignored => Ok(None),
        codec::Decoded::Unknown => Err(format!(
            "unknown point {:?}: {key:?} is not a known measurement",
            rec.name
        )),
        codec::Decoded::Bad(message) => Err(message),
    }
}
