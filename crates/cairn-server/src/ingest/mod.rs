//! The one ingest path: real devices and the simulator both come through
//! [`Ingestor::ingest_senml`]. A pack is validated whole; if any record is bad
//! nothing of it is stored, and every bad record is named.

pub mod flat;
pub mod senml;
pub mod token;
pub mod units;

use std::sync::Arc;

use cairn_protocol::{DeviceState, Reading};

use crate::{
    alerts::AlertEngine, catalog::SharedCatalog, inventory::HealthBook, live::LiveBus, store::Store,
};
pub use senml::{RecordError, SenmlRecord};

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

#[derive(Clone)]
pub struct Ingestor {
    store: Store,
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
    ) -> Self {
        Self {
            store,
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
        for (index, rec) in resolved.into_iter().enumerate() {
            let Some(point) = catalog.point_by_key(&rec.name) else {
                errors.push(RecordError::new(
                    index,
                    "n",
                    format!("unknown point {:?}", rec.name),
                ));
                continue;
            };
            if point.device_id != device_id {
                errors.push(RecordError::new(
                    index,
                    "n",
                    format!("point {:?} belongs to another device", rec.name),
                ));
                continue;
            }
            let unit = point.metric.unit();
            let value = match rec.unit.as_deref() {
                None => rec.value,
                Some(u) => match units::normalise(point.metric, u, rec.value) {
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
