//! `cargo xtask bench`: sizes of what a browser downloads (raw, gzip -9,
//! brotli -11), the chart and map benchmarks in headless Chromium beside
//! uPlot and Leaflet.markercluster (e2e/bench/chart.mjs, map.mjs), the first
//! load, the live path and the live path under a flood against the real
//! server (firstload.mjs, live.mjs, flood.mjs), the inventory there
//! (e2e/bench/inventory.mjs), then the
//! server benchmarks (ingest rate, range-query latency, fan-out, the
//! inventory list over 100,000 devices).
//!
//! Each section's markdown (headings, tables, notes) is echoed to the
//! terminal and written into BENCHMARKS.md between that section's markers
//! (see `doc`), with the date and the command, so no figure in a table there
//! is typed by hand. A section whose command fails leaves its region as it
//! was, and the run exits non-zero.

mod doc;
mod size;

use std::{
    io::{BufRead, BufReader, Write},
    path::{Path, PathBuf},
    process::{Command, ExitCode, Stdio},
};

use anyhow::{Context, Result, anyhow, bail};

use crate::{
    build,
    proc::{cargo, root, show},
    tools,
};

pub fn bench() -> Result<ExitCode> {
    let mut report = Report::new(root().join("BENCHMARKS.md"));
    // Sizes are of the app users download; the browser benchmarks need the
    // build with the benchmark pages (feature `bench`), in its own folder.
    report.section("app size", size::app_size);
    // The build with the benchmark pages, the first time a section needs it.
    let bench_dist = std::cell::OnceCell::new();
    let bench_dist = || {
        bench_dist
            .get_or_init(|| tools::ensure_browser().and_then(|()| build::build_bench_app()))
            .as_ref()
            .map_err(|e| anyhow!("{e:#}"))
    };
    // Charts and the map in headless Chromium, uPlot and Leaflet.markercluster
    // (npm) beside them in the same run.
    for (section, script) in [
        ("charts", "e2e/bench/chart.mjs"),
        ("map", "e2e/bench/map.mjs"),
    ] {
        report.section(section, || node(script, &[bench_dist()?]));
    }
    let server = || build::build_server(build::Profile::Server);
    // The first load against the real server (release build) and its
    // simulated portfolio, throttled and not: the app users download.
    report.section("first load", || {
        tools::ensure_browser()?;
        node(
            "e2e/bench/firstload.mjs",
            &[&server()?, &build::build_app()?],
        )
    });
    // The live path: accepted → painted, and the tab's load, against the
    // real server with its simulator (the bench build records the latency).
    report.section("live path", || {
        node("e2e/bench/live.mjs", &[&server()?, bench_dist()?])
    });
    // The live path under a flood: the portfolio posting every second, one
    // tab on a slow link, one on loopback.
    report.section("flood", || {
        node("e2e/bench/flood.mjs", &[&server()?, bench_dist()?])
    });
    // The inventory against the real server (release build) with 10,000 devices.
    report.section("inventory", || {
        node("e2e/bench/inventory.mjs", &[&server()?, bench_dist()?])
    });
    report.section("server", || {
        // The PostgreSQL sections start their own server, as the tests do.
        tools::ensure_apt(&[(tools::POSTGRES_DIR, "postgresql")])?;
        capture(cargo().args([
            "bench",
            "--quiet",
            "--package",
            "cairn-server",
            "--bench",
            "server",
        ]))
    });
    Ok(report.finish())
}

/// What a section printed, and the command line that printed it (for the document).
struct Output {
    command: String,
    stdout: String,
}

/// BENCHMARKS.md, updated section by section as each one succeeds.
struct Report {
    doc: PathBuf,
    written: Vec<&'static str>,
    failed: Vec<(&'static str, String)>,
}

impl Report {
    fn new(doc: PathBuf) -> Report {
        Report {
            doc,
            written: Vec::new(),
            failed: Vec::new(),
        }
    }

    /// Runs one section and replaces its region in the document with the
    /// markdown it printed; on any failure the region stays as it was.
    fn section(&mut self, name: &'static str, run: impl FnOnce() -> Result<Output>) {
        // CAIRN_BENCH_SECTIONS="app size,first load" runs only those.
        if let Ok(only) = std::env::var("CAIRN_BENCH_SECTIONS")
            && !only.split(',').any(|s| s.trim() == name)
        {
            eprintln!("xtask: bench: {name} skipped (CAIRN_BENCH_SECTIONS)");
            return;
        }
        eprintln!("xtask: bench: {name}");
        match run().and_then(|out| self.write(name, &out)) {
            Ok(()) => self.written.push(name),
            Err(err) => {
                eprintln!(
                    "xtask: bench: {name} failed, its region of {} is left as it was: {err:#}",
                    self.doc.display()
                );
                self.failed.push((name, format!("{err:#}")));
            }
        }
    }

    fn write(&self, name: &str, out: &Output) -> Result<()> {
        let markdown = doc::markdown(&out.stdout);
        if !markdown.contains('|') {
            bail!("`{}` printed no table", out.command);
        }
        let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
        let body = format!(
            "Generated by `cargo xtask bench` on {}, {cores} cores; command: `{}`.\n\n{markdown}",
            doc::utc_now(),
            out.command
        );
        let text = std::fs::read_to_string(&self.doc)
            .with_context(|| format!("reading {}", self.doc.display()))?;
        let text = doc::replace(&text, name, &body)?;
        std::fs::write(&self.doc, text).with_context(|| format!("writing {}", self.doc.display()))
    }

    fn finish(self) -> ExitCode {
        if !self.written.is_empty() {
            eprintln!(
                "xtask: bench: {} rewritten: {}",
                self.doc.display(),
                self.written.join(", ")
            );
        }
        if self.failed.is_empty() {
            return ExitCode::SUCCESS;
        }
        for (name, err) in &self.failed {
            eprintln!("xtask: bench: {name} FAILED (region not updated): {err}");
        }
        ExitCode::FAILURE
    }
}

/// `node <script> <args…>` with Debian's Chromium for Playwright, its output captured.
fn node(script: &str, args: &[&Path]) -> Result<Output> {
    capture(
        Command::new("node")
            .arg(root().join(script))
            .args(args)
            .current_dir(root())
            .env("CHROMIUM_PATH", tools::CHROMIUM)
            .env("TMPDIR", tools::browser_tmp()?),
    )
}

/// Runs `cmd`, echoing its stdout line by line as it comes (stderr goes
/// straight to the terminal) and keeping it; an error if it fails.
fn capture(cmd: &mut Command) -> Result<Output> {
    let shown = show(cmd);
    eprintln!("xtask: $ {shown}");
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot start `{shown}`"))?;
    let mut stdout = BufReader::new(child.stdout.take().context("stdout is piped")?);
    let mut kept = String::new();
    let mut line = Vec::new();
    let mut terminal = std::io::stdout();
    loop {
        line.clear();
        match stdout.read_until(b'\n', &mut line) {
            Ok(0) => break,
            Ok(_) => {
                let text = String::from_utf8_lossy(&line);
                let _ = terminal.write_all(text.as_bytes());
                let _ = terminal.flush();
                kept.push_str(&text);
            }
            Err(err) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(err).with_context(|| format!("reading the output of `{shown}`"));
            }
        }
    }
    let status = child
        .wait()
        .with_context(|| format!("waiting for `{shown}`"))?;
    if !status.success() {
        bail!("`{shown}` failed ({status})");
    }
    Ok(Output {
        command: relative(cmd),
        stdout: kept,
    })
}

/// A command line as one would type it in the workspace: the program's name
/// (not the path of this toolchain's cargo) and paths inside the workspace
/// relative to it.
fn relative(cmd: &Command) -> String {
    let root = root();
    let program = Path::new(cmd.get_program());
    let mut s = program
        .file_name()
        .unwrap_or(program.as_os_str())
        .to_string_lossy()
        .into_owned();
    for arg in cmd.get_args() {
        s.push(' ');
        match Path::new(arg).strip_prefix(&root) {
            Ok(inside) => s.push_str(&inside.display().to_string()),
            Err(_) => s.push_str(&arg.to_string_lossy()),
        }
    }
    s
}

/// The release build users download: every wasm, JS, CSS and HTML file's
/// size, raw and compressed.
pub(super) fn kb(n: usize) -> String {
    format!("{:.1} KB", n as f64 / 1024.0)
}
