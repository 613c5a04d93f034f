//! Building the app (Trunk, release, wasm-opt'ed) and the server.

use std::path::PathBuf;

use anyhow::{Result, bail};

use crate::{
    proc::{cargo, root, run},
    tools,
};

/// `trunk build --release` into `dist/`: the app users download. Trunk runs
/// cargo offline, so fetch first.
pub fn build_app() -> Result<PathBuf> {
    trunk_build(root().join("dist"), &[])
}

/// The same app with the benchmark pages (`/bench/chart`, `/bench/map`,
/// feature `bench`), into `target/bench-dist/`: only `cargo xtask bench` uses it.
pub fn build_bench_app() -> Result<PathBuf> {
    trunk_build(target_dir().join("bench-dist"), &["--features", "bench"])
}

fn trunk_build(dist: PathBuf, extra: &[&str]) -> Result<PathBuf> {
    tools::ensure_build_tools()?;
    run(cargo().args(["fetch", "--quiet"]))?;
    run(tools::trunk()?
        .args(["build", "--release", "--dist"])
        .arg(&dist)
        .args(extra))?;
    if !dist.join("index.html").exists() {
        bail!(
            "trunk reported success but {} has no index.html",
            dist.display()
        );
    }
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

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"))
}
