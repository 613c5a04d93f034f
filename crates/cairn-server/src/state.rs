use std::{sync::Arc, time::Instant};

use tokio::sync::watch;

use crate::{
    auth::limiter::LoginLimiter,
    catalog::Catalog,
    config::Config,
    ingest::Ingestor,
    live::LiveBus,
    sim::Portfolio,
    store::{Store, StoreError},
};

/// How many batches may wait for one live socket before it must resync.
const LIVE_QUEUE: usize = 1024;
/// How many recent readings a reconnecting socket can be replayed (~5 MB).
const REPLAY_READINGS: usize = 200_000;

/// Everything a handler may need, cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub store: Store,
    pub catalog: Arc<Catalog>,
    pub bus: LiveBus,
    pub ingest: Ingestor,
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

    pub async fn open(
        config: Arc<Config>,
        portfolio: Option<&Portfolio>,
        stopping: watch::Receiver<bool>,
    ) -> Result<AppState, StoreError> {
        let store = match &config.database_url {
            Some(url) => Store::connect_postgres(url).await?,
            None => Store::open_sqlite(&config.db_path()).await?,
        };
        if let Some(p) = portfolio {
            store.provision(Arc::new(p.model.clone())).await?;
        }
        let catalog = store.load_catalog().await?;
        let latest = store.latest_readings().await?;
        let catalog = Arc::new(catalog);
        let bus = LiveBus::new(LIVE_QUEUE, REPLAY_READINGS, latest);
        let ingest = Ingestor::new(store.clone(), catalog.clone(), bus.clone());
        Ok(AppState {
            config,
            store,
            catalog,
            bus,
            ingest,
            started: Instant::now(),
            limiter: Arc::default(),
            stopping,
        })
    }
}
