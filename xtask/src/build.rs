//! Building the app (Trunk, release, wasm-opt'ed) and the server.

use std::path::PathBuf;

use anyhow::{Result, bail};

use crate::{
    proc::{cargo, root, run},
    tools,
};

/// `trunk build --release` into `dist/`. Trunk runs cargo offline, so fetch first.
pub fn build_app() -> Result<PathBuf> {
    tools::ensure_build_tools()?;
    run(cargo().args(["fetch", "--quiet"]))?;
    run(tools::trunk()?.args(["build", "--release"]))?;
    let dist = root().join("dist");
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
