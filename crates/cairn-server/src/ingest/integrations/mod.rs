//! Network server integrations: uplinks of The Things Stack, ChirpStack,
//! KPN Things and Zigbee2MQTT, by webhook ([`crate::routes::integrations`])
//! or MQTT ([`mqtt`]), turned into readings on the one ingest path.
//!
//! A device is found by its alias (DevEUI, IEEE address); its decoded keys
//! are mapped by its model's codec ([`crate::ingest::codec`]). A device no
//! alias names is put on the waiting list for an admin to claim.

mod mapping;
pub mod mqtt;
mod tls;
pub mod uplink;

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, MutexGuard},
};

use cairn_protocol::{Integration, IntegrationStats};
use tokio::sync::watch;

use crate::{
    catalog::SharedCatalog,
    ingest::{IngestError, Ingestor, SenmlRecord},
    store::{Store, integrations::IntegrationRow},
};
pub use uplink::{Message, Uplink};

/// The data behind `m`, even if a holder panicked (it holds plain values).
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// What one message came to.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Readings stored (how many were new), and the keys skipped with why.
    Stored(usize, Vec<String>),
    /// From a device no alias names: on the waiting list.
    Waiting(String),
    /// Not an uplink (a join, an ack…), or an uplink with nothing Cairn measures.
    Ignored(String),
}

#[derive(Debug, thiserror::Error)]
pub enum UplinkError {
    /// The message is not what the network server sends.
    #[error("{0}")]
    Malformed(String),
    #[error(transparent)]
    Ingest(#[from] IngestError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

/// The integrations as configured, their counters, and a signal for the
/// MQTT subscribers when they change. Cheap to clone.
#[derive(Clone)]
pub struct Integrations {
    store: Store,
    ingest: Ingestor,
    catalog: SharedCatalog,
    rows: Arc<Mutex<Arc<Vec<IntegrationRow>>>>,
    stats: Arc<Mutex<HashMap<String, IntegrationStats>>>,
    changed: watch::Sender<u64>,
    clock: crate::time::Clock,
}

impl Integrations {
    /// Loads the integrations from `store`.
    pub async fn load(
        store: Store,
        ingest: Ingestor,
        catalog: SharedCatalog,
        clock: crate::time::Clock,
    ) -> crate::store::Result<Self> {
        let rows = store
            .transact(|tx| crate::store::integrations::list(tx))
            .await?;
        Ok(Self {
            store,
            ingest,
            catalog,
            rows: Arc::new(Mutex::new(Arc::new(rows))),
            stats: Arc::default(),
            changed: watch::Sender::new(0),
            clock,
        })
    }

    /// Now, by the server's clock (UTC ms): when an uplink without a time was taken.
    pub fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }

    /// Reads them again after a change, and tells the MQTT subscribers.
    pub async fn reload(&self) -> crate::store::Result<()> {
        let rows = self
            .store
            .transact(|tx| crate::store::integrations::list(tx))
            .await?;
        *lock(&self.rows) = Arc::new(rows);
        self.changed.send_modify(|n| *n += 1);
        Ok(())
    }

    /// Every integration as stored (with secrets: server side only).
    pub fn rows(&self) -> Arc<Vec<IntegrationRow>> {
        lock(&self.rows).clone()
    }

    pub fn row(&self, id: &str) -> Option<IntegrationRow> {
        self.rows().iter().find(|r| r.id == id).cloned()
    }

    /// Fires whenever the integrations change.
    pub fn changes(&self) -> watch::Receiver<u64> {
        self.changed.subscribe()
    }

    /// As admins see them: no secrets, with counters.
    pub fn listed(&self) -> Vec<Integration> {
        let stats = lock(&self.stats);
        (self.rows().iter())
            .map(|r| Integration {
                id: r.id.clone(),
                kind: r.kind,
                name: r.name.clone(),
                webhook_path: r
                    .kind
                    .has_webhook()
                    .then(|| format!("/api/integrations/{}/uplink", r.id)),
                mqtt: r.mqtt.clone(),
                created_at: r.created_ms,
                stats: stats.get(&r.id).cloned().unwrap_or_default(),
            })
            .collect()
    }

    fn count(&self, integration: &str, outcome: &Result<Outcome, UplinkError>, now_ms: i64) {
        let mut stats = lock(&self.stats);
        let s = stats.entry(integration.to_owned()).or_default();
        match outcome {
            Ok(Outcome::Stored(_, skipped)) => {
                s.stored += 1;
                for key in skipped {
                    s.skipped.retain(|k| k != key);
                    s.skipped.insert(0, key.clone());
                }
                s.skipped.truncate(20);
            }
            Ok(Outcome::Waiting(_)) => s.waiting += 1,
            Ok(Outcome::Ignored(_)) => {}
            Err(e) => {
                s.refused += 1;
                let why = match e {
                    UplinkError::Ingest(IngestError::Rejected(errors)) => errors
                        .iter()
                        .map(|e| e.message.clone())
                        .collect::<Vec<_>>()
                        .join("; "),
                    other => other.to_string(),
                };
                s.last_error = Some((now_ms, why));
            }
        }
    }

    /// Notes a problem of `integration`'s own (its MQTT broker refused it,
    /// the CA file is unreadable) where admins see it.
    pub fn note_error(&self, integration: &str, why: String) {
        let now = self.now_ms();
        let mut stats = lock(&self.stats);
        stats.entry(integration.to_owned()).or_default().last_error = Some((now, why));
    }

    /// Stores what `message` (from `integration`) measures, or puts its
    /// device on the waiting list.
    pub async fn handle(
        &self,
        integration: &str,
        message: Message,
        now_ms: i64,
    ) -> Result<Outcome, UplinkError> {
        let outcome = match message {
            Message::Other(what) => Ok(Outcome::Ignored(what)),
            Message::Uplink(up) => self.uplink(integration, up, now_ms).await,
        };
        self.count(integration, &outcome, now_ms);
        outcome
    }

    async fn uplink(
        &self,
        integration: &str,
        up: Uplink,
        now_ms: i64,
    ) -> Result<Outcome, UplinkError> {
        let catalog = self.catalog.load();
        let Some(device) = catalog.device_by_alias(&up.identifier) else {
            let keys: Vec<String> = up.values.iter().map(|(k, _)| k.clone()).collect();
            return self
                .wait(integration, &up.identifier, keys, &up.hint, now_ms)
                .await;
        };
        let (pack, skipped) = mapping::uplink_pack(&catalog, device, &up);
        if pack.is_empty() {
            return Ok(Outcome::Ignored(if skipped.is_empty() {
                "nothing Cairn measures".into()
            } else {
                format!("nothing stored; skipped {}", skipped.join(", "))
            }));
        }
        let id = device.id.clone();
        drop(catalog);
        let new = self.ingest.ingest_senml(&id, &pack, now_ms).await?;
        Ok(Outcome::Stored(new, skipped))
    }

    /// A KPN Things SenML pack: its device by the base name's DevEUI.
    pub async fn handle_kpn(
        &self,
        integration: &str,
        pack: Vec<SenmlRecord>,
        now_ms: i64,
    ) -> Result<Outcome, UplinkError> {
        let outcome = self.kpn(integration, pack, now_ms).await;
        self.count(integration, &outcome, now_ms);
        outcome
    }

    async fn kpn(
        &self,
        integration: &str,
        pack: Vec<SenmlRecord>,
        now_ms: i64,
    ) -> Result<Outcome, UplinkError> {
        let eui = uplink::kpn_identifier(&pack).map_err(UplinkError::Malformed)?;
        let catalog = self.catalog.load();
        let Some(device) = catalog.device_by_alias(&eui) else {
            return (self.wait(integration, &eui, uplink::kpn_keys(&pack), "", now_ms)).await;
        };
        let (pack, skipped) = mapping::kpn_pack(&catalog, device, pack);
        let id = device.id.clone();
        drop(catalog);
        if !pack
            .iter()
            .any(|r| r.v.is_some() || r.vb.is_some() || r.s.is_some())
        {
            return Ok(Outcome::Ignored(format!(
                "nothing stored; skipped {}",
                skipped.join(", ")
            )));
        }
        let new = self.ingest.ingest_senml(&id, &pack, now_ms).await?;
        Ok(Outcome::Stored(new, skipped))
    }

    async fn wait(
        &self,
        integration: &str,
        identifier: &str,
        keys: Vec<String>,
        hint: &str,
        now_ms: i64,
    ) -> Result<Outcome, UplinkError> {
        // What a network server sends is bounded before it is kept.
        let identifier: String = identifier.chars().take(100).collect();
        let identifier = identifier.as_str();
        let keys: Vec<String> = (keys.into_iter().take(50))
            .map(|k| k.chars().take(60).collect())
            .collect();
        let hint: String = hint.chars().take(120).collect();
        let hint = hint.as_str();
        let (i, id, h) = (
            integration.to_owned(),
            identifier.to_owned(),
            hint.to_owned(),
        );
        let kept = (self.store)
            .transact(move |tx| {
                crate::store::integrations::note_waiting(tx, &i, &id, now_ms, &keys, &h)
            })
            .await?;
        if !kept {
            tracing::warn!("integration {integration}: waiting list full; {identifier} not kept");
        }
        Ok(Outcome::Waiting(identifier.to_owned()))
    }
}
