//! `cargo xtask bench`: sizes of what a browser downloads (raw, gzip -9,
//! brotli -11), the chart and map benchmarks in headless Chromium beside
//! uPlot and Leaflet.markercluster (e2e/bench/chart.mjs, map.mjs), then the server benchmarks (ingest rate, range-query
//! latency, fan-out).

use std::{io::Write, path::Path, process::Command, process::ExitCode};

use anyhow::Result;

use crate::{
    build,
    proc::{cargo, root, run},
    tools,
};

pub fn bench() -> Result<ExitCode> {
    // Sizes are of the app users download; the browser benchmarks need the
    // build with the benchmark pages (feature `bench`), in its own folder.
    let dist = build::build_app()?;
    let mut rows = Vec::new();
    collect(&dist, &dist, &mut rows)?;
    rows.sort();
    println!("\n## App size (`cargo xtask bench`), Leaflet excluded\n");
    println!("| file | raw | gzip -9 | brotli -11 |\n|---|---:|---:|---:|");
    let mut total = (0, 0, 0);
    for (name, raw, gz, br) in &rows {
        println!("| {name} | {} | {} | {} |", kb(*raw), kb(*gz), kb(*br));
        total = (total.0 + raw, total.1 + gz, total.2 + br);
    }
    println!(
        "| **total** | {} | {} | {} |",
        kb(total.0),
        kb(total.1),
        kb(total.2)
    );
    // Charts and the map in headless Chromium, uPlot and Leaflet.markercluster
    // (npm) beside them in the same run.
    tools::ensure_browser()?;
    let bench_dist = build::build_bench_app()?;
    for script in ["e2e/bench/chart.mjs", "e2e/bench/map.mjs"] {
        run(Command::new("node")
            .arg(root().join(script))
            .arg(&bench_dist)
            .current_dir(root())
            .env("CHROMIUM_PATH", tools::CHROMIUM)
            .env("TMPDIR", tools::browser_tmp()?))?;
    }
    println!("\n## Server (`cargo bench -p cairn-server --bench server`)");
    run(cargo().args([
        "bench",
        "--quiet",
        "--package",
        "cairn-server",
        "--bench",
        "server",
    ]))?;
    Ok(ExitCode::SUCCESS)
}

type Row = (String, usize, usize, usize);

/// wasm, JS and CSS under dist/, except the Leaflet copy (budgeted apart in P11).
fn collect(dir: &Path, dist: &Path, rows: &mut Vec<Row>) -> Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n != "leaflet") {
                collect(&path, dist, rows)?;
            }
            continue;
        }
        if !path
            .extension()
            .is_some_and(|e| e == "wasm" || e == "js" || e == "css" || e == "html")
        {
            continue;
        }
        let bytes = std::fs::read(&path)?;
        let name = path.strip_prefix(dist)?.display().to_string();
        rows.push((name, bytes.len(), gzip(&bytes)?, brotli(&bytes)?));
    }
    Ok(())
}

fn gzip(bytes: &[u8]) -> Result<usize> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(bytes)?;
    Ok(enc.finish()?.len())
}

fn brotli(bytes: &[u8]) -> Result<usize> {
    let mut out = Vec::new();
    {
        let mut w = brotli::CompressorWriter::new(&mut out, 4096, 11, 22);
        w.write_all(bytes)?;
    }
    Ok(out.len())
}

fn kb(n: usize) -> String {
    format!("{:.1} KB", n as f64 / 1024.0)
}
