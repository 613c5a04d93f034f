//! `cargo xtask run`: build everything, then become the server.

use std::{
    net::SocketAddr,
    path::PathBuf,
    process::{Command, ExitCode},
};

use anyhow::{Context, Result};
use clap::Args;

use crate::{build, proc::root};

#[derive(Args)]
pub struct RunArgs {
    /// Address to serve on.
    #[arg(long, env = "CAIRN_ADDR", default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Folder of the embedded database.
    #[arg(long, env = "CAIRN_DATA_DIR", default_value = "data")]
    data_dir: PathBuf,
    /// Serve without the built-in simulator.
    #[arg(long)]
    no_simulator: bool,
}

pub fn run(args: RunArgs) -> Result<ExitCode> {
    let dist = build::build_app()?;
    let server = build::build_server(build::Profile::Server)?;
    let data_dir = if args.data_dir.is_absolute() {
        args.data_dir
    } else {
        root().join(args.data_dir)
    };
    // The demo: one account per role, with fresh passwords on every run.
    let out = Command::new(&server)
        .arg("--data-dir")
        .arg(&data_dir)
        .arg(format!("--simulator={}", !args.no_simulator))
        .arg("demo-users")
        .output()
        .context("creating the demo accounts")?;
    if !out.status.success() {
        anyhow::bail!(
            "cairn-server demo-users failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    eprintln!(
        "xtask: demo accounts (new passwords on every `cargo xtask run`; sign in as any of them):\n"
    );
    eprintln!("    role      username       password");
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        eprintln!("    {line}");
    }
    eprintln!();
    let mut cmd = Command::new(server);
    cmd.arg("--addr")
        .arg(args.addr.to_string())
        .arg("--data-dir")
        .arg(&data_dir)
        .arg("--dist-dir")
        .arg(&dist)
        .arg(format!("--simulator={}", !args.no_simulator));
    eprintln!("xtask: starting the server; Ctrl-C stops it");
    exec(cmd)
}

/// Replaces this process with the server, so Ctrl-C and signals go straight to it.
#[cfg(unix)]
fn exec(mut cmd: Command) -> Result<ExitCode> {
    use std::os::unix::process::CommandExt;
    Err(cmd.exec()).context("cannot start cairn-server")
}

#[cfg(not(unix))]
fn exec(mut cmd: Command) -> Result<ExitCode> {
    let status = cmd.status().context("cannot start cairn-server")?;
    Ok(if status.success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
