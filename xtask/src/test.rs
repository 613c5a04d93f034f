//! `cargo xtask test`: every layer, a summary, non-zero exit if any failed.

use std::{
    io::{Read, Write},
    net::{SocketAddr, TcpListener, TcpStream},
    process::{Child, Command, ExitCode},
    time::{Duration, Instant},
};

use anyhow::{Context, Result, bail};
use clap::{Args, ValueEnum};

use crate::{
    build,
    proc::{cargo, root, run},
    tools,
};

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Layer {
    /// `cargo fmt --check` and `cargo clippy --all-targets -D warnings` (host, and the app for wasm32).
    Lint,
    /// `cargo test --workspace`: unit tests, protocol, server on the router, real sockets, real Mosquitto and PostgreSQL.
    Native,
    /// wasm-bindgen-test components in headless Chromium.
    Wasm,
    /// Playwright against a real server and the release build of the app.
    E2e,
}

#[derive(Args)]
pub struct TestArgs {
    /// Run only these layers (default: all).
    #[arg(long, value_enum, value_delimiter = ',')]
    only: Vec<Layer>,
}

pub fn test(args: TestArgs) -> Result<ExitCode> {
    let layers = if args.only.is_empty() {
        vec![Layer::Lint, Layer::Native, Layer::Wasm, Layer::E2e]
    } else {
        args.only
    };
    let mut results = Vec::new();
    for layer in layers {
        let started = Instant::now();
        let (name, outcome) = match layer {
            Layer::Lint => ("lint (cargo fmt --check, cargo clippy -D warnings)", lint()),
            Layer::Native => ("native + server (cargo test --workspace)", native()),
            Layer::Wasm => ("wasm components (headless Chromium)", wasm()),
            Layer::E2e => ("end to end (Playwright, real server)", e2e()),
        };
        if let Err(err) = &outcome {
            eprintln!("xtask: {name}: {err:#}");
        }
        results.push((name, outcome.is_ok(), started.elapsed()));
    }
    eprintln!("\nxtask: test summary");
    for (name, ok, took) in &results {
        eprintln!(
            "  {} {name} ({:.0} s)",
            if *ok { "PASS" } else { "FAIL" },
            took.as_secs_f64()
        );
    }
    let failed = results.iter().filter(|r| !r.1).count();
    println!("layers: {} passed, {failed} failed", results.len() - failed);
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Formatting and lints fail the run like a failing test: both are checked
/// on every target the code is built for (the app also for wasm32).
fn lint() -> Result<()> {
    tools::ensure_wasm_target()?;
    run(cargo().args(["fmt", "--all", "--check"]))?;
    run(cargo().args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;
    // The app for wasm32 as tests build it, and as the release build splits
    // it (feature `split`) with the benchmark pages (feature `bench`, which
    // only `cargo xtask bench` builds).
    for features in [&[][..], &["--features", "bench,split"][..]] {
        run(cargo()
            .args([
                "clippy",
                "--package",
                "cairn",
                "--target",
                tools::WASM_TARGET,
            ])
            .args(features)
            .args(["--all-targets", "--", "-D", "warnings"]))?;
    }
    Ok(())
}

fn native() -> Result<()> {
    // The MQTT and PostgreSQL tests start their own servers on free loopback ports.
    tools::ensure_apt(&[
        (tools::MOSQUITTO, "mosquitto"),
        (tools::POSTGRES_DIR, "postgresql"),
    ])?;
    run(cargo().args(["test", "--workspace"]))
}

fn wasm() -> Result<()> {
    tools::ensure_build_tools()?;
    tools::ensure_browser()?;
    let mut cmd = tools::with_tools(cargo())?;
    cmd.args([
        "test",
        "--package",
        "cairn",
        "--target",
        tools::WASM_TARGET,
        "--test",
        "components",
    ])
    .env("CHROMEDRIVER", tools::CHROMEDRIVER)
    .env("TMPDIR", tools::browser_tmp()?)
    .env("WASM_BINDGEN_TEST_TIMEOUT", "120");
    run(&mut cmd)
}

fn e2e() -> Result<()> {
    tools::ensure_browser()?;
    let dist = build::build_app()?;
    let bin = build::build_server(build::Profile::Dev)?;
    let data = root().join("target/e2e-data");
    let _ = std::fs::remove_dir_all(&data);
    let addr = free_port()?;
    // A device token for the tests to post readings as a real device would.
    let device = "bru-a-f0-z02-ms";
    let out = Command::new(&bin)
        .arg("--data-dir")
        .arg(&data)
        .args(["device-token", device])
        .env("RUST_LOG", "warn")
        .output()
        .context("issuing a device token")?;
    if !out.status.success() {
        bail!(
            "cairn-server device-token failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // The token is the line `<device>.<secret>` (whatever else is printed).
    let prefix = format!("{device}.");
    let token = (String::from_utf8(out.stdout)?.lines())
        .map(str::trim)
        .find(|l| l.starts_with(&prefix))
        .map(str::to_owned)
        .context("cairn-server device-token printed no token")?;
    // A site, building and device named like XSS payloads: they must show as text.
    server_cmd(&bin, &data, &["provision", "e2e/fixtures/xss-site.json"])?;
    // One account per role; Playwright signs in as each.
    let accounts = server_cmd(&bin, &data, &["demo-users"])?;
    let accounts: Vec<String> = accounts
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    let mut server = Command::new(&bin)
        .arg(format!("--addr={addr}"))
        .arg("--data-dir")
        .arg(&data)
        .arg("--dist-dir")
        .arg(&dist)
        // A day of history is enough for the tests and quick to write in a debug build.
        .arg("--sim-backfill-days=1")
        // The tests post the e2e device's readings: the simulator keeps its
        // history but must not overwrite what a test posted.
        .arg(format!("--sim-handed-over={device}"))
        // No network here: the map shows its local outlines, and the console
        // stays clean for the tests that check it.
        .arg("--map-tiles=none")
        .env("RUST_LOG", "warn")
        .spawn()
        .context("starting cairn-server")?;
    let result = wait_healthy(addr, &mut server).and_then(|()| {
        run(Command::new(root().join("node_modules/.bin/playwright"))
            .args(["test", "--config", "e2e/playwright.config.ts"])
            // e.g. CAIRN_E2E_ARGS="e2e/tests/first-load.spec.ts" for one spec.
            .args(
                std::env::var("CAIRN_E2E_ARGS")
                    .unwrap_or_default()
                    .split_whitespace(),
            )
            .current_dir(root())
            .env("CAIRN_E2E_URL", format!("http://{addr}"))
            .env("CAIRN_E2E_DEVICE", device)
            .env("CAIRN_E2E_DEVICE_TOKEN", &token)
            .env("CAIRN_E2E_ACCOUNTS", accounts.join(";"))
            .env("CHROMIUM_PATH", tools::CHROMIUM)
            .env("TMPDIR", tools::browser_tmp()?))
    });
    stop(&mut server);
    result
}

/// Runs a `cairn-server` subcommand on the e2e database; its standard output.
fn server_cmd(bin: &std::path::Path, data: &std::path::Path, args: &[&str]) -> Result<String> {
    let out = Command::new(bin)
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .current_dir(root())
        .env("RUST_LOG", "warn")
        .output()
        .with_context(|| format!("running cairn-server {}", args.join(" ")))?;
    if !out.status.success() {
        bail!(
            "cairn-server {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(String::from_utf8(out.stdout)?)
}

fn free_port() -> Result<SocketAddr> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?)
}

/// Polls `/api/health` until it answers 200 (30 s at most).
fn wait_healthy(addr: SocketAddr, server: &mut Child) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if let Some(status) = server.try_wait()? {
            bail!("cairn-server exited early ({status})");
        }
        if health_ok(addr).unwrap_or(false) {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    bail!("cairn-server did not answer /api/health on {addr} within 30 s")
}

fn health_ok(addr: SocketAddr) -> std::io::Result<bool> {
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(1))?;
    s.set_read_timeout(Some(Duration::from_secs(2)))?;
    write!(
        s,
        "GET /api/health HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )?;
    let mut reply = String::new();
    s.read_to_string(&mut reply)?;
    Ok(reply.starts_with("HTTP/1.1 200"))
}

/// SIGTERM (clean shutdown), then SIGKILL if it lingers.
fn stop(server: &mut Child) {
    let _ = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status();
    for _ in 0..50 {
        if matches!(server.try_wait(), Ok(Some(_))) {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = server.kill();
    let _ = server.wait();
}
