//! Installs, idempotently and fast when present, everything the project needs
//! beyond rustup, Node/npm and apt: the wasm target, wasm-split-cli, wasm-bindgen-cli,
//! npm packages (wasm-opt from binaryen, Leaflet, Playwright), Chromium.

use std::{
    ffi::OsString,
    path::{Path, PathBuf},
    process::Command,
};

use anyhow::{Context, Result, bail};

use crate::proc::{cargo, output, root, run};

/// wasm_split_cli_support's `wasm-split-cli`: 0.2.4 is the first release that
/// reads what wasm-bindgen 0.2.128 and later need (`--keep-lld-exports`).
pub const WASM_SPLIT_VERSION: &str = "0.2.4";
pub const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// Where `cargo install` puts binaries.
pub fn cargo_bin_dir() -> PathBuf {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .unwrap_or_else(|| PathBuf::from(".cargo"))
        .join("bin")
}

/// PATH with npm's and cargo's tool folders first, so the pinned versions win.
pub fn tool_path() -> Result<OsString> {
    let mut dirs = vec![root().join("node_modules/.bin"), cargo_bin_dir()];
    if let Some(path) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&path));
    }
    Ok(std::env::join_paths(dirs)?)
}

/// A command for one of the installed tools (the pinned versions first on PATH).
pub fn tool(name: &str) -> Command {
    let mut cmd = Command::new(name);
    if let Ok(path) = tool_path() {
        cmd.env("PATH", path);
    }
    cmd
}

/// Everything needed to build the app.
pub fn ensure_build_tools() -> Result<()> {
    ensure_wasm_target()?;
    ensure_wasm_split()?;
    ensure_cargo_tool("wasm-bindgen", "wasm-bindgen-cli", &wasm_bindgen_version()?)?;
    ensure_npm_packages()?;
    ensure_leaflet()?;
    Ok(())
}

pub fn ensure_wasm_target() -> Result<()> {
    let installed =
        output(Command::new("rustup").args(["target", "list", "--installed"])).unwrap_or_default();
    if !installed.lines().any(|l| l.trim() == WASM_TARGET) {
        run(Command::new("rustup").args(["target", "add", WASM_TARGET]))?;
    }
    Ok(())
}

/// `wasm-split-cli` (it has no `--version`: `cargo install --list` says).
fn ensure_wasm_split() -> Result<()> {
    let listed = output(cargo().args(["install", "--list"])).unwrap_or_default();
    let wanted = format!("wasm_split_cli_support v{WASM_SPLIT_VERSION}:");
    if listed.lines().any(|l| l.trim() == wanted) {
        return Ok(());
    }
    eprintln!(
        "xtask: installing wasm_split_cli_support {WASM_SPLIT_VERSION} (one time, a few minutes)"
    );
    run(cargo()
        .args([
            "install",
            "wasm_split_cli_support",
            "--locked",
            "--features",
            "build-binary",
        ])
        .arg("--version")
        .arg(format!("={WASM_SPLIT_VERSION}")))
}

/// `cargo install` unless `bin --version` already names `version`. Not
/// `--locked`: wasm-bindgen-cli's lock file names a crate version no longer on
/// crates.io.
fn ensure_cargo_tool(bin: &str, krate: &str, version: &str) -> Result<()> {
    let current = output(tool(bin).arg("--version")).unwrap_or_default();
    if current.split_whitespace().any(|w| w == version) {
        return Ok(());
    }
    eprintln!("xtask: installing {krate} {version} (one time, a few minutes)");
    let mut cmd = cargo();
    cmd.args(["install", krate, "--version", &format!("={version}")]);
    run(&mut cmd)
}

/// The wasm-bindgen version in Cargo.lock: the CLI must match it exactly.
pub fn wasm_bindgen_version() -> Result<String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock")).context("reading Cargo.lock")?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "name = \"wasm-bindgen\""
            && let Some(v) = lines
                .next()
                .and_then(|l| l.trim().strip_prefix("version = \""))
        {
            return Ok(v.trim_end_matches('"').to_owned());
        }
    }
    bail!("wasm-bindgen is not in Cargo.lock")
}

/// `npm ci` when node_modules is missing or older than package-lock.json.
pub fn ensure_npm_packages() -> Result<()> {
    let root = root();
    let stamp = root.join("node_modules/.package-lock.json");
    let lock = root.join("package-lock.json");
    if is_newer_or_missing(&stamp, &lock) {
        run(Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&root)
            // Playwright drives Debian's Chromium; it must never try to download one.
            .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1"))?;
    }
    Ok(())
}

fn is_newer_or_missing(target: &Path, source: &Path) -> bool {
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    match (modified(target), modified(source)) {
        (Some(t), Some(s)) => s > t,
        _ => true,
    }
}

/// Copies Leaflet's script, style and marker images from npm into `public/leaflet`
/// (installed, never committed).
fn ensure_leaflet() -> Result<()> {
    let from = root().join("node_modules/leaflet/dist");
    let to = root().join("public/leaflet");
    let copy = || -> std::io::Result<()> {
        std::fs::create_dir_all(&to)?;
        for file in ["leaflet.js", "leaflet.css"] {
            if is_newer_or_missing(&to.join(file), &from.join(file)) {
                std::fs::copy(from.join(file), to.join(file))?;
            }
        }
        copy_tree(&from.join("images"), &to.join("images"))
    };
    copy().with_context(|| {
        format!(
            "copying Leaflet from {} to {}",
            from.display(),
            to.display()
        )
    })
}

fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let (src, dst) = (entry.path(), to.join(entry.file_name()));
        if entry.file_type()?.is_dir() {
            copy_tree(&src, &dst)?;
        } else if is_newer_or_missing(&dst, &src) {
            std::fs::copy(&src, &dst)?;
        }
    }
    Ok(())
}

pub const MOSQUITTO: &str = "/usr/sbin/mosquitto";
/// Debian's postgresql puts each version's programs under this folder.
pub const POSTGRES_DIR: &str = "/usr/lib/postgresql";
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// Debian's Chromium and ChromeDriver for the browser test layers.
pub fn ensure_browser() -> Result<()> {
    ensure_apt(&[(CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")])
}

/// An empty temporary folder for the browsers of one layer, given to them as
/// TMPDIR. Chromium leaves ~100 MB `scoped_dir`s behind when it is stopped
/// rather than closed; in /tmp they piled up run after run until the disk was
/// full. Here each run starts by removing the last one's.
pub fn browser_tmp() -> Result<PathBuf> {
    let dir = root().join("target/browser-tmp");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    Ok(dir)
}

/// Installs the apt packages whose file is missing (`apt-get update` first, once).
pub fn ensure_apt(wanted: &[(&str, &str)]) -> Result<()> {
    let missing: Vec<&str> = wanted
        .iter()
        .filter(|(file, _)| !Path::new(file).exists())
        .map(|(_, p)| *p)
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let root_user = output(Command::new("id").arg("-u")).is_some_and(|u| u.trim() == "0");
    let sudo = |args: &[&str]| {
        let mut cmd = if root_user {
            Command::new(args[0])
        } else {
            Command::new("sudo")
        };
        cmd.args(if root_user { &args[1..] } else { args });
        cmd.env("DEBIAN_FRONTEND", "noninteractive");
        cmd
    };
    eprintln!("xtask: installing {} with apt", missing.join(", "));
    run(&mut sudo(&["apt-get", "update", "-q"]))?;
    let mut install = vec!["apt-get", "install", "-y", "-q", "--no-install-recommends"];
    install.extend(&missing);
    run(&mut sudo(&install))
}

/// A command with the tool PATH (the pinned wasm-bindgen and wasm-opt first).
pub fn with_tools(mut cmd: Command) -> Result<Command> {
    cmd.env("PATH", tool_path()?);
    Ok(cmd)
}
