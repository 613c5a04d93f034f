//! Cairn's backend: ingest → validate → store → live bus → WebSocket, plus the
//! REST API under `/api/` and the built app with an SPA fallback.

pub mod alerts;
pub mod auth;
pub mod catalog;
pub mod config;
pub mod error;
pub mod ingest;
pub mod inventory;
pub mod limiter;
pub mod live;
pub mod mqtt;
pub mod retention;
pub mod routes;
pub mod secret;
pub mod series;
pub mod shutdown;
pub mod sim;
pub mod state;
pub mod static_files;
pub mod store;
pub mod time;

use std::{future::Future, net::SocketAddr, sync::Arc};

use axum::Router;
use tokio::{net::TcpListener, sync::watch, task::JoinHandle};
use tower_http::{compression::CompressionLayer, trace::TraceLayer};

pub use config::Config;
pub use state::AppState;

/// The whole HTTP surface: `/api/*` (JSON, never the app) and the app itself.
pub fn app(state: AppState) -> Router {
    let dist = state.config.dist_dir.clone();
    // Unknown non-API paths get index.html with 200, so deep links (/map) load the app.
    routes::router()
        .fallback_service(static_files::service(&dist))
        .layer(axum::middleware::from_fn(error::log_internal_errors))
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("there is no device {0:?}")]
    UnknownDevice(String),
    #[error("the MQTT broker URL {0:?} is not of the form mqtt://host:port")]
    MqttUrl(String),
    /// The retention settings contradict each other (`Config::retention_problem`).
    #[error("{0}")]
    Retention(String),
    #[error("the simulator could not write its history: {0}")]
    Simulator(ingest::IngestError),
    #[error("invalid model file: {0}")]
    Model(String),
    #[error("cannot create the first admin: {0}")]
    FirstAdmin(#[from] auth::bootstrap::BootstrapError),
    #[error("cannot open the database: {0}")]
    Store(#[from] store::StoreError),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("server failed: {0}")]
    Serve(std::io::Error),
}

/// A started server: its address, its state, and a way to stop it.
pub struct Server {
    addr: SocketAddr,
    state: AppState,
    stop: watch::Sender<bool>,
    serve: JoinHandle<Result<(), std::io::Error>>,
    simulator: Option<JoinHandle<()>>,
    mqtt: Option<JoinHandle<()>>,
}

impl Server {
    /// Opens the store, registers the simulated portfolio (when on), binds and serves.
    pub async fn start(config: Config) -> Result<Server, StartError> {
        let config = Arc::new(config);
        if let Some(problem) = config.retention_problem() {
            return Err(StartError::Retention(problem));
        }
        // Check the broker URL before anything slow happens.
        let broker = match &config.mqtt_url {
            Some(url) => {
                Some(mqtt::parse_url(url).ok_or_else(|| StartError::MqttUrl(url.clone()))?)
            }
            None => None,
        };
        let sim_broker = match &config.sim_mqtt_url {
            Some(url) => {
                Some(mqtt::parse_url(url).ok_or_else(|| StartError::MqttUrl(url.clone()))?)
            }
            None => None,
        };
        let (stop, stopped) = watch::channel(false);
        let portfolio = config.simulator.then(|| sim::portfolio(config.sim_seed));
        let model = portfolio.as_ref().map(|p| &p.model);
        let state = AppState::open(config.clone(), model, stopped.clone()).await?;
        // Device health learns from the stored history in the background
        // (only a serving server: the CLI commands print nothing but theirs).
        tokio::spawn(inventory::health::load(
            state.store.clone(),
            state.shared_catalog.clone(),
            state.health.clone(),
            state.now_ms(),
        ));
        // No default credentials: the first admin's password is given or generated.
        let given = std::env::var(auth::bootstrap::ADMIN_PASSWORD_ENV).ok();
        if let Some(password) = auth::bootstrap::first_admin(&state, given).await? {
            // Shown once, on the console only; never logged.
            println!(
                "First start: created the admin account `{}` with the password\n\n    {password}\n\nIt is shown only this once. Sign in and create personal accounts.",
                auth::bootstrap::FIRST_ADMIN
            );
        }
        let listener = TcpListener::bind(config.addr)
            .await
            .map_err(|source| StartError::Bind {
                addr: config.addr,
                source,
            })?;
        let addr = listener.local_addr().map_err(StartError::Serve)?;
        let simulator = match portfolio {
            Some(p) => {
                // A mistyped id would hand nothing over, silently.
                if let Some(unknown) = (config.sim_handed_over.iter())
                    .find(|id| !p.model.devices.iter().any(|d| &d.id == *id))
                {
                    return Err(StartError::UnknownDevice(unknown.clone()));
                }
                // History only on a first start: after a restart the time the
                // server was down stays a gap, as it would for real devices.
                let empty = state.store.readings_stored().await? == 0;
                let mut days = if empty { config.sim_backfill_days } else { 0 };
                // No further back than readings are accepted (a short raw
                // retention, or --oldest-reading): whole days inside it.
                if let Some((oldest, _)) = config.age_limit().oldest(state.now_ms()) {
                    let inside = (state.now_ms() - oldest) / 86_400_000 - 1;
                    days = days.min(u32::try_from(inside.max(0)).unwrap_or(0));
                }
                let sim = sim::Simulator::prepare(&p, &state.ingest, config.sim_seed, days)
                    .await
                    .map_err(StartError::Simulator)?
                    .hand_over(config.sim_handed_over.iter().cloned());
                // The rules judge where the backfill left each point.
                state
                    .alerts
                    .reload(&state.store.latest_readings().await?)
                    .await?;
                Some(tokio::spawn(sim.run(
                    state.ingest.clone(),
                    sim_broker,
                    stopped.clone(),
                )))
            }
            None => None,
        };
        let mqtt = broker.map(|(host, port)| {
            let id = config.mqtt_client_id.clone();
            tokio::spawn(mqtt::run(
                host,
                port,
                id,
                state.ingest.clone(),
                stopped.clone(),
            ))
        });
        tokio::spawn(ingest::integrations::mqtt::supervise(
            state.integrations.clone(),
            stopped.clone(),
        ));
        tokio::spawn(retention::run(state.clone(), stopped.clone()));
        tokio::spawn(retention::close_hours(state.clone(), stopped.clone()));
        tokio::spawn(alerts::notify::run(state.clone(), stopped.clone()));
        tokio::spawn(alerts::engine::run_timer(
            state.alerts.clone(),
            stopped.clone(),
        ));
        let mut until_stopped = stopped.clone();
        let serve = tokio::spawn(
            // Connection info gives sign-in rate limiting the client's address.
            axum::serve(
                listener,
                app(state.clone()).into_make_service_with_connect_info::<SocketAddr>(),
            )
            .with_graceful_shutdown(async move {
                let _ = until_stopped.wait_for(|s| *s).await;
            })
            .into_future(),
        );
        Ok(Server {
            addr,
            state,
            stop,
            serve,
            simulator,
            mqtt,
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Stops the simulator and the listener, closes live sockets, and waits.
    pub async fn stop(self) -> Result<(), StartError> {
        let _ = self.stop.send(true);
        for task in [self.simulator, self.mqtt].into_iter().flatten() {
            let _ = task.await;
        }
        let served = match self.serve.await {
            Ok(result) => result.map_err(StartError::Serve),
            Err(join) => Err(StartError::Serve(std::io::Error::other(join))),
        };
        // Nothing more comes in: the open hours go into the rollups, so the
        // next start has none to rebuild.
        if let Err(err) = self.state.store.close_hours(i64::MAX).await {
            tracing::warn!("rollups: closing open hours: {err}");
        }
        served
    }
}

/// Runs until `shutdown` resolves, then stops cleanly.
pub async fn serve(config: Config, shutdown: impl Future<Output = ()>) -> Result<(), StartError> {
    let server = Server::start(config).await?;
    let sim = if server.state.config.simulator {
        "on"
    } else {
        "off"
    };
    // The PostgreSQL URL may carry a password: name the engine only.
    let database = match server.state.store.engine() {
        "sqlite" => server.state.config.db_path().display().to_string(),
        _ => "PostgreSQL".to_owned(),
    };
    tracing::info!(
        "Cairn is serving http://{} (database {database}, simulator {sim})",
        server.addr
    );
    println!("Cairn is up: http://{}", server.addr);
    shutdown.await;
    server.stop().await
}

/// Opens the store as `serve` would (provisioning the simulated portfolio).
async fn open_offline(config: &Config) -> Result<AppState, StartError> {
    let config = Arc::new(config.clone());
    let portfolio = config.simulator.then(|| sim::portfolio(config.sim_seed));
    let (_stop, stopped) = watch::channel(false);
    Ok(AppState::open(config, portfolio.as_ref().map(|p| &p.model), stopped).await?)
}

/// Adds or updates sites, buildings, floors, zones and devices from a JSON
/// model file (`catalog::Model`), in one transaction; returns how many
/// sites and devices it held. The server loads them on its next start.
pub async fn provision_file(
    config: &Config,
    path: &std::path::Path,
) -> Result<(usize, usize), StartError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| StartError::Model(format!("cannot read {}: {e}", path.display())))?;
    let mut model: catalog::Model = serde_json::from_str(&text).map_err(|e| {
        StartError::Model(format!(
            "{}, line {} column {}: {e}",
            path.display(),
            e.line(),
            e.column()
        ))
    })?;
    model.normalise();
    model.devices = model
        .devices
        .into_iter()
        .map(cairn_protocol::DeviceSpec::normalised)
        .collect();
    let state = open_offline(config).await?;
    let problems = inventory::validate::model_problems(&model, &state.catalog().model);
    if !problems.is_empty() {
        let lines: Vec<String> = (problems.iter())
            .map(|p| format!("  {}: {}", p.location.as_deref().unwrap_or(""), p.message))
            .collect();
        return Err(StartError::Model(format!(
            "{} has {} problem{}, nothing was stored:\n{}",
            path.display(),
            problems.len(),
            if problems.len() == 1 { "" } else { "s" },
            lines.join("\n")
        )));
    }
    let counts = (model.sites.len(), model.devices.len());
    state.store.provision(Arc::new(model)).await?;
    Ok(counts)
}

/// Creates the demo users (one per role) or gives them fresh passwords;
/// returns `(role, username, password)` for each.
pub async fn demo_users(
    config: &Config,
) -> Result<Vec<(cairn_protocol::Role, String, String)>, StartError> {
    let state = open_offline(config).await?;
    Ok(auth::bootstrap::demo_users(&state).await?)
}

/// Issues a new ingest token for `device_id` (replacing any earlier one) and returns it.
pub async fn issue_device_token(config: &Config, device_id: &str) -> Result<String, StartError> {
    let state = open_offline(config).await?;
    let (token, hash) = ingest::token::issue(device_id);
    let audit = store::accounts::AuditRecord {
        actor: "cairn-server device-token".into(),
        target: format!("device:{device_id}"),
        after: Some(r#"{"token":"issued"}"#.into()),
        ..auth::bootstrap::by_server("device.token")
    };
    let known = state.store.set_device_token(device_id, hash, audit).await?;
    if known {
        Ok(token)
    } else {
        Err(StartError::UnknownDevice(device_id.to_owned()))
    }
}
