use clap::{Parser, Subcommand};
use tracing_subscriber::EnvFilter;

#[derive(Parser)]
#[command(
    name = "cairn-server",
    version,
    about = "Cairn: live monitoring for buildings full of sensors"
)]
struct Cli {
    #[command(flatten)]
    config: cairn_server::Config,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve (the default).
    Serve,
    /// Add or update sites, buildings, floors, zones and devices from a JSON model file.
    Provision {
        /// `{"sites": [...], "buildings": [...], "floors": [...], "zones": [...], "devices": [...]}`
        file: std::path::PathBuf,
    },
    /// Create the demo users (one per role) or give them fresh passwords, and print them.
    DemoUsers,
    /// Issue a new ingest token for a device, replacing its old one, and print it once.
    DeviceToken {
        /// The device's id, e.g. `bru-f1-r1`.
        device_id: String,
    },
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    // Logs go to stderr: standard output carries only what a command answers
    // (a token, the demo passwords), so scripts can read it.
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| EnvFilter::new("info,tower_http=warn")),
        )
        .init();
    let cli = Cli::parse();
    let result = match cli.command {
        None | Some(Command::Serve) => cairn_server::serve(cli.config, shutdown_signal()).await,
        Some(Command::Provision { file }) => cairn_server::provision_file(&cli.config, &file)
            .await
            .map(|(sites, devices)| {
                println!("provisioned {sites} site(s) and {devices} device(s)")
            }),
        Some(Command::DemoUsers) => cairn_server::demo_users(&cli.config).await.map(|users| {
            // Printed for the person trying the demo; stored only as Argon2id hashes.
            for (role, username, password) in users {
                println!("{:<9} {username:<14} {password}", role.name());
            }
        }),
        Some(Command::DeviceToken { device_id }) => {
            cairn_server::issue_device_token(&cli.config, &device_id)
                .await
                .map(|token| {
                    // The only time the token is shown: it is stored hashed.
                    println!("{token}");
                })
        }
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!("{err}");
            eprintln!("cairn-server: {err}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// Resolves on Ctrl-C or SIGTERM, so both stop the server cleanly.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}
