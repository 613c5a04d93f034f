//! Building the app (split, release, wasm-opt'ed: `app.rs`) and the server.

use std::path::PathBuf;

use anyhow::{Result, bail};

use crate::{
    app,
    proc::{cargo, root, run},
};

/// The app users download, into `dist/` (see `app.rs` for the steps).
pub fn build_app() -> Result<PathBuf> {
    let dist = root().join("dist");
    app::build(&dist, &[])?;
    Ok(dist)
}

/// The same app with the benchmark pages (`/bench/chart`, `/bench/map`,
/// feature `bench`), into `target/bench-dist/`: only `cargo xtask bench` uses it.
pub fn build_bench_app() -> Result<PathBuf> {
    let dist = target_dir().join("bench-dist");
    app::build(&dist, &["bench"])?;
    Ok(dist)
}

#[derive(Clone, Copy)]
pub enum Profile {
    /// Fast to build (tests).
    Dev,
    /// Optimised for speed (`cargo xtask run`).
    Server,
}

/// Builds `cairn-server` and returns the binary's path.
pub fn build_server(profile: Profile) -> Result<PathBuf> {
    let (flag, dir) = match profile {
        Profile::Dev => ("dev", "debug"),
        Profile::Server => ("server", "server"),
    };
    run(cargo().args(["build", "--package", "cairn-server", "--profile", flag]))?;
    let bin = target_dir().join(dir).join("cairn-server");
    if !bin.exists() {
        bail!("built cairn-server but {} is missing", bin.display());
    }
    Ok(bin)
}

pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"))
}
