//! Server benchmarks, run by `cargo xtask bench` (or `cargo bench -p cairn-server`):
//! durable batched ingest into SQLite, and `/api/series` latency per span.
//! Prints markdown; medians and p95 over repeated runs on a real file.

use std::{sync::Arc, time::Instant};

use axum::{body::Body, http::Request};
use cairn_protocol::Metric;
use cairn_server::{AppState, Config, app, ingest::SenmlRecord, sim};
use http_body_util::BodyExt;
use tower::ServiceExt;

const MINUTE: i64 = 60_000;

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

async fn open(dir: &std::path::Path) -> AppState {
    let (_tx, rx) = tokio::sync::watch::channel(false);
    AppState::open(
        Arc::new(Config::for_tests(dir.to_path_buf())),
        Some(&sim::portfolio(42)),
        rx,
    )
    .await
    .unwrap()
}

/// Packs of one reading per point of the portfolio, `n` time steps, as gateways would batch them.
fn packs(state: &AppState, t0: i64, steps: i64) -> Vec<(String, Vec<SenmlRecord>)> {
    let mut out = Vec::new();
    for step in 0..steps {
        let t = t0 + step * MINUTE;
        let mut by_device: std::collections::BTreeMap<&str, Vec<(Metric, f64)>> =
            Default::default();
        for p in state.catalog.points() {
            by_device
                .entry(&p.device_id)
                .or_default()
                .push((p.metric, 20.0 + (step % 10) as f64));
        }
        out.extend(
            by_device
                .into_iter()
                .map(|(d, v)| (d.to_owned(), sim::senml_pack(d, t, &v))),
        );
    }
    out
}

async fn ingest_rate() {
    let dir = tempfile::tempdir().unwrap();
    let s = open(dir.path()).await;
    let points = s.catalog.points().len() as i64;
    let steps = 10_000 / points + 1; // ≈ 10,000 readings per batch (one transaction)
    let now = chrono::Utc::now().timestamp_millis();
    let mut rates = Vec::new();
    for run in 0..20 {
        let batch = packs(
            &s,
            now - 400 * 24 * 60 * MINUTE + run * steps * MINUTE,
            steps,
        );
        let n: usize = batch.iter().map(|(_, p)| p.len()).sum();
        let started = Instant::now();
        s.ingest.ingest_history(&batch, now).await.unwrap();
        rates.push(n as f64 / started.elapsed().as_secs_f64());
    }
    rates.sort_by(f64::total_cmp);
    println!(
        "\n### Durable ingest (SQLite WAL, synchronous=FULL, validated SenML, ≈10,000 readings per transaction)\n"
    );
    println!("| runs | median readings/s | p5 readings/s (slow runs) |\n|---:|---:|---:|");
    println!(
        "| {} | {:.0} | {:.0} |",
        rates.len(),
        percentile(&rates, 0.5),
        percentile(&rates, 0.05)
    );
}

async fn range_latency() {
    let dir = tempfile::tempdir().unwrap();
    let s = open(dir.path()).await;
    let point = s.catalog.points()[0].clone();
    let now = chrono::Utc::now().timestamp_millis();
    let year = 365 * 24 * 60;
    // One year of one point at its 1-minute cadence, written in bulk.
    for chunk in 0..(year / 10_000 + 1) {
        let readings: Vec<_> = (chunk * 10_000..((chunk + 1) * 10_000).min(year))
            .map(|i| cairn_protocol::Reading {
                point: point.id,
                ts: now - (year - i) * MINUTE,
                value: (i % 1440) as f64 / 100.0,
            })
            .collect();
        s.store.insert_readings(Arc::new(readings)).await.unwrap();
    }
    println!(
        "\n### `GET /api/series`, one point at 1-min cadence, px = 1920, server side (router, JSON included)\n"
    );
    println!(
        "| span | stored readings in span | samples returned | p50 ms | p95 ms |\n|---|---:|---:|---:|---:|"
    );
    for (name, span) in [
        ("1 h", 60 * MINUTE),
        ("1 day", 1440 * MINUTE),
        ("30 days", 30 * 1440 * MINUTE),
        ("1 year", year * MINUTE),
    ] {
        let uri = format!(
            "/api/series?point={}&from={}&to={now}&px=1920",
            point.id,
            now - span
        );
        let mut times = Vec::new();
        let mut shape = (0, 0);
        for _ in 0..30 {
            let started = Instant::now();
            let res = app(s.clone())
                .oneshot(Request::get(&uri).body(Body::empty()).unwrap())
                .await
                .unwrap();
            let body = res.into_body().collect().await.unwrap().to_bytes();
            times.push(started.elapsed().as_secs_f64() * 1000.0);
            let batch: cairn_protocol::SeriesBatch = serde_json::from_slice(&body).unwrap();
            shape = (batch.series[0].stored, batch.series[0].t.len());
        }
        times.sort_by(f64::total_cmp);
        println!(
            "| {name} | {} | {} | {:.2} | {:.2} |",
            shape.0,
            shape.1,
            percentile(&times, 0.5),
            percentile(&times, 0.95)
        );
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    ingest_rate().await;
    range_latency().await;
}
