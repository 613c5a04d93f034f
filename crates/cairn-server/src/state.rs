use std::{sync::Arc, time::Instant};

use tokio::sync::watch;

use crate::{
    alerts::AlertEngine,
    catalog::{Catalog, Model, SharedCatalog},
    config::Config,
    ingest::Ingestor,
    ingest::integrations::Integrations,
    inventory::HealthBook,
    limiter::LoginLimiter,
    live::LiveBus,
    store::{Store, StoreError},
};

/// How many batches may wait for one live socket before it must resync.
const LIVE_QUEUE: usize = 1024;
/// How many recent readings a reconnecting socket can be replayed (~5 MB,
/// and up to ~8 MB more once sockets have written their batches' JSON).
const REPLAY_READINGS: usize = 200_000;

/// Everything a handler may need, cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub store: Store,
    /// Read it with [`AppState::catalog`]; replaced whole on a device change.
    pub shared_catalog: SharedCatalog,
    pub bus: LiveBus,
    pub ingest: Ingestor,
    /// Network server integrations and their waiting devices.
    pub integrations: Integrations,
    /// Every device's clocks, for the inventory's health rules.
    pub health: HealthBook,
    /// The alert rules in force and the alarm writer.
    pub alerts: AlertEngine,
    pub started: Instant,
    /// Failed sign-ins per account and address.
    pub limiter: Arc<LoginLimiter>,
    /// Turns true when the server stops; live sockets close on it.
    pub stopping: watch::Receiver<bool>,
}

impl AppState {
    /// Now, in UTC ms, by the configured clock ([`Config::clock`]).
    pub fn now_ms(&self) -> i64 {
        self.config.clock.now_ms()
    }

    /// The catalogue in force now.
    pub fn catalog(&self) -> Arc<Catalog> {
        self.shared_catalog.load()
    }

    /// Opens the configured store, provisions `model` into it when given
    /// (the simulated portfolio, or nothing), loads the catalogue and the
    /// latest readings, and builds the live bus and the ingest path on them.
    /// Errors: the store's, when it cannot be opened, migrated or read.
    pub async fn open(
        config: Arc<Config>,
        model: Option<&Model>,
        stopping: watch::Receiver<bool>,
    ) -> Result<AppState, StoreError> {
        let store = match &config.database_url {
            Some(url) => Store::connect_postgres(url).await?,
            None => Store::open_sqlite(&config.db_path()).await?,
        };
        // Admins' metrics first: points and rules of theirs name them.
        for def in store.transact(crate::store::metrics::list).await? {
            if let Err(e) = cairn_protocol::metric_registry::register(&def) {
                tracing::error!("metric {:?}: {e}", def.name);
            }
        }
        if let Some(model) = model {
            // The simulated portfolio's places are upserted; its devices are
            // added only when missing, so what admins changed in the
            // inventory (moved, retired, renamed) survives a restart.
            let known = store.load_catalog().await?;
            let mut model = model.clone();
            model.devices.retain(|d| known.device(&d.id).is_none());
            store.provision(Arc::new(model)).await?;
        }
        let catalog = store.load_catalog().await?;
        let latest = store.latest_readings().await?;
        let catalog = SharedCatalog::new(catalog);
        let alerts =
            AlertEngine::start(store.clone(), catalog.clone(), config.clock, &latest).await?;
        let bus = LiveBus::new(LIVE_QUEUE, REPLAY_READINGS, latest);
        let health = HealthBook::default();
        let ingest = Ingestor::new(
            store.clone(),
            catalog.clone(),
            bus.clone(),
            alerts.clone(),
            health.clone(),
            config.age_limit(),
        );
        let integrations =
            Integrations::load(store.clone(), ingest.clone(), catalog.clone(), config.clock)
                .await?;
        Ok(AppState {
            config,
            store,
            shared_catalog: catalog,
            bus,
            ingest,
            integrations,
            health,
            alerts,
            started: Instant::now(),
            limiter: Arc::default(),
            stopping,
        })
    }
}
