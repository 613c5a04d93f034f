//! Server benchmarks, run by `cargo xtask bench` (or `cargo bench -p cairn-server`):
//! durable batched ingest and `/api/series` latency per span, on SQLite and
//! on PostgreSQL (started here, like the tests'), and more.
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

/// A `Cookie` header of a signed-in admin (benchmarks measure the checks too).
async fn admin_cookie(state: &AppState) -> String {
    let now = chrono::Utc::now().timestamp_millis();
    let user = cairn_protocol::User {
        id: 0,
        username: "bench".into(),
        display_name: "Bench".into(),
        role: cairn_protocol::Role::Admin,
        all_sites: true,
        sites: Vec::new(),
        disabled: false,
        created_at: now,
        updated_at: now,
        last_login: None,
    };
    let audit = cairn_server::store::accounts::AuditRecord {
        at: now,
        actor_id: None,
        actor: "bench".into(),
        action: "user.create".into(),
        target: String::new(),
        before: None,
        after: None,
    };
    let user = (state
        .store
        .insert_user(user, "!".into(), audit)
        .await
        .unwrap())
    .unwrap();
    let (cookie, _) = cairn_server::auth::start_session(state, &Default::default(), user)
        .await
        .unwrap();
    cookie
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned()
}

/// PostgreSQL started for the benchmarks, like the tests' (`local.rs`).
#[allow(dead_code)]
#[path = "../tests/server/support/local.rs"]
mod local;

async fn open(dir: &std::path::Path) -> AppState {
    open_on(dir, None).await
}

/// The portfolio on SQLite in `dir`, or on the PostgreSQL database `url`.
async fn open_on(dir: &std::path::Path, url: Option<&str>) -> AppState {
    let (_tx, rx) = tokio::sync::watch::channel(false);
    let mut config = Config::for_tests(dir.to_path_buf());
    config.database_url = url.map(str::to_owned);
    AppState::open(Arc::new(config), Some(&sim::portfolio(42).model), rx)
        .await
        .unwrap()
}

/// "SQLite" or "PostgreSQL", for the headings.
fn engine_name(url: Option<&str>) -> &'static str {
    if url.is_some() {
        "PostgreSQL"
    } else {
        "SQLite"
    }
}

/// Packs of one reading per point of the portfolio, `n` time steps, as gateways would batch them.
fn packs(state: &AppState, t0: i64, steps: i64) -> Vec<(String, Vec<SenmlRecord>)> {
    let mut out = Vec::new();
    for step in 0..steps {
        let t = t0 + step * MINUTE;
        let mut by_device: std::collections::BTreeMap<&str, Vec<(Metric, f64)>> =
            Default::default();
        let catalog = state.catalog();
        for p in catalog.points() {
            by_device.entry(&p.device_id).or_default().push((p.metric, {
                // Mid-range and varying, valid for every metric.
                let (lo, hi) = p.metric.plausible_range();
                lo + (hi - lo) * (0.4 + 0.01 * (step % 10) as f64)
            }));
        }
        out.extend(
            by_device
                .into_iter()
                .map(|(d, v)| (d.to_owned(), sim::senml_pack(d, t, &v))),
        );
    }
    out
}

/// Each path on its own fresh database (`urls`: PostgreSQL's two, or
/// `None` for two SQLite files), so neither writes into the other's.
async fn ingest_rate(urls: Option<[String; 2]>) {
    let url = |i: usize| urls.as_ref().map(|u| u[i].as_str());
    let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    let s = open_on(dirs[0].path(), url(0)).await;
    let points = s.catalog().points().len() as i64;
    let steps = 10_000 / points + 1; // ≈ 10,000 readings per batch (one transaction)
    let now = chrono::Utc::now().timestamp_millis();
    // Three hours of readings per path, so each run includes the hours it
    // closes (every point's rollups merged once per hour): the total rate
    // is the figure, the per-batch ones show the spread.
    let batches = 3 * 60 / steps;
    let mut rates = Vec::new();
    let (mut n_all, mut t_all) = (0, 0.0);
    let start = now - 200 * 24 * 60 * MINUTE;
    for run in 0..batches {
        let batch = packs(&s, start + run * steps * MINUTE, steps);
        let n: usize = batch.iter().map(|(_, p)| p.len()).sum();
        let started = Instant::now();
        s.ingest.ingest_history(&batch, now).await.unwrap();
        let t = started.elapsed().as_secs_f64();
        rates.push(n as f64 / t);
        (n_all, t_all) = (n_all + n, t_all + t);
    }
    let total = n_all as f64 / t_all;
    // The same batches, validated beforehand, on a fresh database: the
    // store alone.
    let s = open_on(dirs[1].path(), url(1)).await;
    let mut store_rates = Vec::new();
    let (mut n_all, mut t_all) = (0, 0.0);
    for run in 0..batches {
        let readings: Vec<_> = packs(&s, start + run * steps * MINUTE, steps)
            .iter()
            .flat_map(|(d, p)| s.ingest.validate(d, p, now).unwrap())
            .collect();
        let n = readings.len();
        let started = Instant::now();
        s.store.insert_readings(Arc::new(readings)).await.unwrap();
        let t = started.elapsed().as_secs_f64();
        store_rates.push(n as f64 / t);
        (n_all, t_all) = (n_all + n, t_all + t);
    }
    let store_total = n_all as f64 / t_all;
    store_rates.sort_by(f64::total_cmp);
    rates.sort_by(f64::total_cmp);
    let engine = match urls {
        None => "SQLite WAL, synchronous=FULL",
        Some(_) => "PostgreSQL, fsync and synchronous_commit on",
    };
    println!(
        "\n### Durable ingest ({engine}, validated SenML, {} readings per transaction ({steps} per point, {points} points), 3 hours of readings per path; each point-hour's rollups merged once, in the batch that brings its next hour)\n",
        steps * points
    );
    println!(
        "| path | batches | readings/s over all (the figure) | median batch readings/s | p5 batch readings/s (slow batches: hours closing) |\n|---|---:|---:|---:|---:|"
    );
    for (path, rates, total) in [
        (
            "SenML validated and stored (`ingest_history`)",
            &rates,
            total,
        ),
        (
            "stored only (`insert_readings`, validated beforehand)",
            &store_rates,
            store_total,
        ),
    ] {
        println!(
            "| {path} | {} | {total:.0} | {:.0} | {:.0} |",
            rates.len(),
            percentile(rates, 0.5),
            percentile(rates, 0.05)
        );
    }
}

/// Live ingest (`ingest_senml`, one device pack per call, as devices post)
/// with the default alert rules in force, against the same with every rule
/// disabled: the rules' cost on the live path (target: ≥ 90 %). Readings are
/// dated in occupied hours (Monday 23 November 2026, 10:00–10:25 UTC) and
/// `packs` puts every temperature (10 °C) and CO₂ (16,000 ppm) out of band:
/// the worst case, every point raising and repeating.
async fn ingest_with_rules() {
    use cairn_server::store::alerts;
    let mut rates = [Vec::new(), Vec::new()];
    for (i, rules_on) in [true, false].into_iter().enumerate() {
        let dir = tempfile::tempdir().unwrap();
        let s = open(dir.path()).await;
        if !rules_on {
            let rules = s.store.transact(alerts::rules).await.unwrap();
            for r in rules {
                let mut spec = r.spec.clone();
                spec.enabled = false;
                let audit = cairn_server::auth::bootstrap::by_server("rule.update");
                let site = r.site_id.clone();
                (s.store.transact(move |tx| {
                    alerts::update_rule(tx, r.id, &spec, site.as_deref(), audit)
                }))
                .await
                .unwrap();
            }
            s.alerts.reload(&[]).await.unwrap();
        }
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-23T10:30:00Z")
            .unwrap()
            .timestamp_millis();
        for run in 0..5 {
            let batch = packs(&s, now - 30 * MINUTE + run * 5 * MINUTE, 5);
            let n: usize = batch.iter().map(|(_, p)| p.len()).sum();
            let started = Instant::now();
            for (device, pack) in &batch {
                s.ingest.ingest_senml(device, pack, now).await.unwrap();
            }
            rates[i].push(n as f64 / started.elapsed().as_secs_f64());
        }
        rates[i].sort_by(f64::total_cmp);
    }
    let (on, off) = (percentile(&rates[0], 0.5), percentile(&rates[1], 0.5));
    println!(
        "\n### Live ingest with the default alert rules (one SenML pack per device per call, evaluated and its raises and clears written before the answer; worst case: every temperature and CO₂ point out of band in occupied hours)\n"
    );
    println!("| rules | runs | median readings/s |\n|---|---:|---:|");
    println!("| default rules in force | {} | {on:.0} |", rates[0].len());
    println!("| every rule disabled | {} | {off:.0} |", rates[1].len());
    println!(
        "\nWith rules: {:.0} % of the rate without (target ≥ 90 %).",
        100.0 * on / off
    );
}

/// The backtest of one rule over 30 days of 1,000 temperature points at a
/// 5-minute interval (8.6 M readings), as `POST /api/rules/backtest` runs it
/// (target ≤ 2 s).
async fn backtest_30_days() {
    let dir = tempfile::tempdir().unwrap();
    let s = open(dir.path()).await;
    let points: Vec<_> = (s.catalog().points().iter())
        .filter(|p| p.metric == Metric::AirTemperature)
        .take(1_000)
        .cloned()
        .collect();
    let now = chrono::Utc::now().timestamp_millis();
    let from = now - 30 * 24 * 60 * MINUTE;
    let step = 5 * MINUTE;
    let mut t = from;
    while t < now {
        let mut packs = Vec::new();
        for _ in 0..24 {
            for (i, p) in points.iter().enumerate() {
                // A daily cycle per point, crossing 25 °C on some afternoons.
                let phase =
                    ((t / MINUTE) as f64 / 1_440.0 + i as f64 / 97.0) * std::f64::consts::TAU;
                let v = 21.0 + 3.5 * phase.sin() + (i % 7) as f64 * 0.2;
                packs.push((
                    p.device_id.clone(),
                    sim::senml_pack(&p.device_id, t, &[(Metric::AirTemperature, v)]),
                ));
            }
            t += step;
        }
        s.ingest.ingest_history(&packs, now).await.unwrap();
    }
    let spec: cairn_protocol::RuleSpec = serde_json::from_str(
        r#"{"name":"Too warm","scope":"everywhere","metric":"air_temperature","condition":{"kind":"above","trigger":25,"clear":24.5},
            "on_delay_s":600,"off_delay_s":300,"severity":"warning","enabled":true}"#,
    )
    .unwrap();
    let ids: Vec<u32> = points.iter().map(|p| p.id).collect();
    let mut times = Vec::new();
    let mut alarms = 0;
    for _ in 0..3 {
        let started = Instant::now();
        let r = cairn_server::routes::rules::backtest_points(&s, &spec, &ids, from, now)
            .await
            .unwrap();
        times.push(started.elapsed().as_secs_f64());
        alarms = r.alarms;
    }
    times.sort_by(f64::total_cmp);
    println!(
        "\n### Backtest of one rule over 30 days of {} points (5-minute readings, {} readings)\n",
        ids.len(),
        ids.len() as i64 * 30 * 288
    );
    println!("| runs | median s | slowest s | alarms found |\n|---:|---:|---:|---:|");
    println!(
        "| {} | {:.2} | {:.2} | {alarms} |",
        times.len(),
        percentile(&times, 0.5),
        times[times.len() - 1]
    );
}

async fn range_latency(url: Option<&str>) {
    let dir = tempfile::tempdir().unwrap();
    let s = open_on(dir.path(), url).await;
    let cookie = admin_cookie(&s).await;
    let point = s.catalog().points()[0].clone();
    let now = chrono::Utc::now().timestamp_millis();
    let year = 365 * 24 * 60;
    // One year of one point every minute (denser than any simulated device), written in bulk.
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
    s.store.close_hours(i64::MAX).await.unwrap();
    println!(
        "\n### `GET /api/series` on {}, one point with a reading every minute for a year, px = 1920, server side (router, session check and JSON included)\n",
        engine_name(url)
    );
    println!(
        "| span | stored readings in span | samples returned | read from | p50 ms | p95 ms |\n|---|---:|---:|---|---:|---:|"
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
        let mut shape = (0, 0, cairn_protocol::Resolution::Raw);
        // Built once, as the server does (building it generates the OpenAPI document).
        let router = app(s.clone());
        for _ in 0..30 {
            let started = Instant::now();
            let res = router
                .clone()
                .oneshot(
                    Request::get(&uri)
                        .header("cookie", &cookie)
                        .body(Body::empty())
                        .unwrap(),
                )
                .await
                .unwrap();
            let body = res.into_body().collect().await.unwrap().to_bytes();
            times.push(started.elapsed().as_secs_f64() * 1000.0);
            let batch: cairn_protocol::SeriesBatch = serde_json::from_slice(&body).unwrap();
            let series = &batch.series[0];
            shape = (series.stored, series.t.len(), series.resolution);
        }
        times.sort_by(f64::total_cmp);
        let read_from = match shape.2 {
            cairn_protocol::Resolution::Raw => "raw",
            cairn_protocol::Resolution::Day => "daily rollups, finer ones and raw at column edges",
            cairn_protocol::Resolution::Hour => {
                "hourly rollups, ten-minute ones and raw at column edges"
            }
            cairn_protocol::Resolution::TenMinutes => "ten-minute rollups, raw at column edges",
        };
        println!(
            "| {name} | {} | {} | {read_from} | {:.2} | {:.2} |",
            shape.0,
            shape.1,
            percentile(&times, 0.5),
            percentile(&times, 0.95)
        );
    }
}

/// 1,000 WebSocket clients on loopback, in this same process (so clients and
/// server share the 2 cores), at two loads: the bus publishes 20 readings
/// every 50 ms (400 readings/s: 400,000 deliveries/s offered, the step
/// PERFORMANCE.md marks as met), then 50 every 20 ms (2,500 readings/s:
/// 2.5 M deliveries/s, P10 itself). One table, a row per load.
async fn fanout() {
    // Each load starts a server, which prints its first admin's password:
    // the table is printed after both, so that nothing falls between its rows.
    let rows = [fanout_at(20, 50).await, fanout_at(50, 20).await];
    println!(
        "\n### WebSocket fan-out: 1000 signed-in clients on loopback (in the server's process, so clients and server share the 2 cores; every client an admin asking for everything), 10 s per load\n"
    );
    println!(
        "| readings/s published | deliveries | expected | deliveries/s | p50 ms | p99 ms | max ms |\n|---:|---:|---:|---:|---:|---:|---:|"
    );
    for row in rows {
        println!("{row}");
    }
    println!(
        "\n> Target P10: 1,000 clients at 2,500 readings/s (2.5 M deliveries/s), p99 ≤ 100 ms, nothing lost."
    );
}

/// One row of [`fanout`]: `per_batch` readings published every `every_ms`.
async fn fanout_at(per_batch: usize, every_ms: u64) -> String {
    use futures_util::{SinkExt, StreamExt};
    use serde::de::IgnoredAny;
    use std::sync::atomic::{AtomicU64, Ordering};
    use tokio_tungstenite::tungstenite::{Message, protocol::WebSocketConfig};

    /// What a client reads of a message: the values of its reading triples.
    #[derive(serde::Deserialize)]
    struct Values {
        #[serde(default)]
        readings: Vec<(IgnoredAny, IgnoredAny, f64)>,
    }

    const CLIENTS: usize = 1_000;
    const SECONDS: u64 = 10;

    let dir = tempfile::tempdir().unwrap();
    let server = cairn_server::Server::start(Config::for_tests(dir.path().to_path_buf()))
        .await
        .unwrap();
    let url = format!("ws://{}/api/ws", server.addr());
    let cookie = admin_cookie(server.state()).await;
    let origin = Instant::now();
    let delivered = Arc::new(AtomicU64::new(0));
    let (lat_tx, mut lat_rx) = tokio::sync::mpsc::unbounded_channel::<Vec<f64>>();
    let (ready_tx, mut ready_rx) = tokio::sync::mpsc::channel::<()>(CLIENTS);
    for _ in 0..CLIENTS {
        let (url, cookie, delivered, lat_tx, ready_tx) = (
            url.clone(),
            cookie.clone(),
            delivered.clone(),
            lat_tx.clone(),
            ready_tx.clone(),
        );
        tokio::spawn(async move {
            use tokio_tungstenite::tungstenite::client::IntoClientRequest;
            let mut req = url.as_str().into_client_request().unwrap();
            req.headers_mut().insert("cookie", cookie.parse().unwrap());
            // The clients stand in for browsers on other machines, yet run on
            // the server's 2 cores: they are kept cheap. tungstenite zero-fills
            // its whole read buffer (128 KiB by default) before every read
            // (snapview/tungstenite-rs issue 547), so theirs is 4 KiB, as the
            // server's is (`routes/ws` `READ_BUFFER`).
            let config = WebSocketConfig::default().read_buffer_size(4096);
            let (mut ws, _) =
                tokio_tungstenite::connect_async_with_config(req, Some(config), false)
                    .await
                    .unwrap();
            ws.send(Message::text(r#"{"type":"hello"}"#)).await.unwrap();
            let _snapshot = ws.next().await;
            ready_tx.send(()).await.unwrap();
            let mut latencies = Vec::new();
            while let Some(Ok(msg)) = ws.next().await {
                let Message::Text(text) = msg else { continue };
                let now = origin.elapsed().as_secs_f64() * 1000.0;
                // Only the values are read, and no `type` tag (serde buffers
                // an internally tagged enum whole first): a `readings`
                // message's triples; other messages have none. That the
                // server's text is a well-formed `ServerMsg` is checked by
                // `routes::ws::message`'s tests.
                if let Ok(Values { readings }) = serde_json::from_str::<Values>(&text) {
                    delivered.fetch_add(readings.len() as u64, Ordering::Relaxed);
                    // The value carries the publish time (ms since `origin`).
                    latencies.extend(readings.iter().map(|(_, _, value)| now - value));
                }
            }
            let _ = lat_tx.send(latencies);
        });
    }
    drop((lat_tx, ready_tx));
    for _ in 0..CLIENTS {
        ready_rx.recv().await.unwrap();
    }
    let bus = server.state().bus.clone();
    let started = Instant::now();
    let start_count = delivered.load(Ordering::Relaxed);
    let mut tick = tokio::time::interval(std::time::Duration::from_millis(every_ms));
    let mut published = 0;
    while started.elapsed().as_secs() < SECONDS {
        tick.tick().await;
        let t = origin.elapsed().as_secs_f64() * 1000.0;
        bus.publish(
            (0..per_batch as u32)
                .map(|p| cairn_protocol::Reading {
                    point: p,
                    ts: 0,
                    value: t,
                })
                .collect(),
        );
        published += per_batch;
    }
    let elapsed = started.elapsed().as_secs_f64(); // the publishing time
    tokio::time::sleep(std::time::Duration::from_secs(1)).await; // let the last deliveries land
    let count = delivered.load(Ordering::Relaxed) - start_count;
    server.stop().await.unwrap();
    let mut all = Vec::new();
    while let Some(l) = lat_rx.recv().await {
        all.extend(l);
    }
    all.sort_by(f64::total_cmp);
    format!(
        "| {} | {count} | {} | {:.0} | {:.1} | {:.1} | {:.1} |",
        per_batch as u64 * 1000 / every_ms,
        published * CLIENTS,
        count as f64 / elapsed,
        percentile(&all, 0.5),
        percentile(&all, 0.99),
        all.last().copied().unwrap_or(0.0)
    )
}

/// P13, server half: `GET /api/devices` over 100,000 devices (300,000
/// points with a latest reading each), as an admin: filtered and sorted
/// pages, the next page by keyset, a health filter (every device judged),
/// and the counts per filter value.
async fn inventory_list() {
    use cairn_protocol::{DeviceKind, DeviceSpec, DeviceState, LatLon, PointSpec};
    use cairn_server::catalog::{Model, SiteDef};
    const DEVICES: usize = 100_000;
    let dir = tempfile::tempdir().unwrap();
    let mut model = Model::default();
    for s in 0..50 {
        model.sites.push(SiteDef {
            id: format!("s{s:02}"),
            name: format!("Site {s}"),
            address: "Rue 1".into(),
            city: "Brussels".into(),
            time_zone: "Europe/Brussels".into(),
            lat: 50.0 + s as f64 / 100.0,
            lon: 4.0,
        });
    }
    let kinds = [
        DeviceKind::Multisensor,
        DeviceKind::Thermometer,
        DeviceKind::LeakSensor,
    ];
    let metrics = [Metric::AirTemperature, Metric::Battery, Metric::Signal];
    for i in 0..DEVICES {
        model.devices.push(DeviceSpec {
            id: format!("d{i:06}"),
            name: format!("Room {}", (i * 7919) % DEVICES),
            kind: kinds[i % 3],
            model: format!("Model {}", i % 12),
            firmware: format!("1.{}", i % 7),
            serial: format!("SN{i}"),
            installed: String::new(),
            site_id: format!("s{:02}", i % 50),
            building_id: None,
            floor_id: None,
            zone_id: None,
            location: Some(LatLon {
                lat: 50.0,
                lon: 4.0,
            }),
            plan: None,
            tags: vec!["sensor".into()],
            points: metrics
                .iter()
                .map(|&metric| PointSpec {
                    metric,
                    interval_s: 600,
                })
                .collect(),
            expected_interval_s: None,
            state: DeviceState::Active,
            aliases: Vec::new(),
        });
    }
    let (_tx, rx) = tokio::sync::watch::channel(false);
    let s = AppState::open(
        Arc::new(Config::for_tests(dir.path().to_path_buf())),
        Some(&model),
        rx,
    )
    .await
    .unwrap();
    let now = s.now_ms();
    let catalog = s.catalog();
    let readings: Vec<_> = (catalog.points().iter().enumerate())
        .map(|(i, p)| cairn_protocol::Reading {
            point: p.id,
            // One device in ten last heard from an hour ago: silent.
            ts: now
                - if (i / 3) % 10 == 0 {
                    3_600_000
                } else {
                    (i as i64 % 600) * 1000
                },
            value: match p.metric {
                Metric::Battery => (i % 100) as f64,
                Metric::Signal => -60.0 - (i % 70) as f64,
                _ => 21.0,
            },
        })
        .collect();
    s.health.observe(&catalog, &readings);
    s.bus.publish(readings);
    let cookie = admin_cookie(&s).await;
    let router = app(s.clone());
    let get = |uri: String| {
        let (router, cookie) = (router.clone(), cookie.clone());
        async move {
            let started = Instant::now();
            let res = (router.oneshot(
                Request::get(&uri)
                    .header("cookie", &cookie)
                    .body(Body::empty())
                    .unwrap(),
            ))
            .await
            .unwrap();
            assert!(res.status().is_success(), "{uri}: {}", res.status());
            let body = res.into_body().collect().await.unwrap().to_bytes();
            let page: cairn_protocol::InventoryPage = serde_json::from_slice(&body).unwrap();
            (started.elapsed().as_secs_f64() * 1000.0, page)
        }
    };
    let (_, first) = get("/api/devices?limit=100".into()).await;
    let next = first.next.unwrap();
    println!(
        "\n### `GET /api/devices` over {DEVICES} devices ({} points, each with a latest reading), admin, server side (router, session check and JSON of 100 devices with their health included)\n",
        readings_len(&s)
    );
    println!("| request | matching | p50 ms | p95 ms |\n|---|---:|---:|---:|");
    for (name, uri) in [
        (
            "one site and kind, sorted by last seen, newest first",
            "/api/devices?site=s07&kind=thermometer&sort=last_seen&dir=desc&limit=100".to_owned(),
        ),
        (
            "all, sorted by name: first page",
            "/api/devices?limit=100".to_owned(),
        ),
        (
            "all, sorted by name: second page (keyset `after`)",
            format!("/api/devices?limit=100&after={next}"),
        ),
        (
            "text search `room 12`, sorted by battery",
            "/api/devices?q=room%2012&sort=battery&limit=100".to_owned(),
        ),
        (
            "health `silent` (every device judged), sorted by status",
            "/api/devices?health=silent&sort=status&limit=100".to_owned(),
        ),
        (
            "one site, with counts per filter value (`facets=true`)",
            "/api/devices?site=s07&facets=true&limit=100".to_owned(),
        ),
    ] {
        let mut times = Vec::new();
        let mut total = 0;
        for _ in 0..40 {
            let (ms, page) = get(uri.clone()).await;
            times.push(ms);
            total = page.total;
        }
        times.sort_by(f64::total_cmp);
        println!(
            "| {name} | {total} | {:.1} | {:.1} |",
            percentile(&times, 0.5),
            percentile(&times, 0.95)
        );
    }
    println!("\n> Target P13 (server): p95 ≤ 50 ms for a filtered, sorted page.");
}

fn readings_len(s: &AppState) -> usize {
    s.catalog().points().len()
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    // `CAIRN_BENCH=ingest,series cargo bench -p cairn-server --bench server`: those only.
    let only = std::env::var("CAIRN_BENCH").ok();
    let run = |name: &str| {
        only.as_deref()
            .is_none_or(|o| o.split(',').any(|n| n == name))
    };
    if run("ingest") {
        ingest_rate(None).await;
    }
    if run("rules") {
        ingest_with_rules().await;
    }
    if run("backtest") {
        backtest_30_days().await;
    }
    if run("series") {
        range_latency(None).await;
    }
    if run("fanout") {
        fanout().await;
    }
    if run("inventory") {
        inventory_list().await;
    }
    // PostgreSQL last, started once: its background work (autovacuum after
    // the bulk writes) must not share the cores with the SQLite runs.
    if !(run("ingest-pg") || run("series-pg")) {
        return;
    }
    let pg = local::Postgres::start();
    if run("ingest-pg") {
        let urls = [pg.database("ingest").await, pg.database("store").await];
        ingest_rate(Some(urls)).await;
    }
    if run("series-pg") {
        range_latency(Some(&pg.database("series").await)).await;
    }
}
