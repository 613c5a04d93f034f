//! Acknowledged means committed: a reading acknowledged over HTTP is still
//! there after the server process is killed with SIGKILL (no shutdown, no
//! flush, no chance to finish anything after the answer).
//!
//! What this proves: the answer is sent only after the transaction committed,
//! and a crash of the process loses nothing acknowledged. What it cannot
//! prove: survival of a power cut. SIGKILL leaves the operating system's page
//! cache, which would still hold the data with `synchronous=OFF`. That rests on
//! SQLite syncing every commit (WAL, `synchronous=FULL`), which the store's own
//! test `the_sqlite_connection_syncs_every_commit` checks on the connection.
//!
//! Both engines, and the rollups too: the reading's hour was still open
//! (its rollups in memory, `store/open_hours.rs`) when the process died;
//! reopening the store rebuilds them from the raw readings.

use cairn_server::store::{Store, rollup::HOUR_MS};

const BIN: &str = env!("CARGO_BIN_EXE_cairn-server");
const DEVICE: &str = "bru-a-f0-z02-ms";

#[test]
fn a_reading_acknowledged_before_kill_9_is_there_after_restart() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let file = dir.path().join("cairn.sqlite3");
    survives_kill_9(&["--data-dir", data], async || {
        Store::open_sqlite(&file).await.unwrap()
    });
}

#[test]
fn on_postgresql_a_reading_acknowledged_before_kill_9_is_there_after_restart() {
    let pg = super::support::Postgres::start();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let url = rt.block_on(pg.database("durable"));
    drop(rt);
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    survives_kill_9(&["--data-dir", data, "--database-url", &url], async || {
        Store::connect_postgres(&url).await.unwrap()
    });
}

/// Ingests one reading over HTTP into a server on `db`, kills it with
/// SIGKILL once acknowledged, and opens the store with `open`.
fn survives_kill_9(db: &[&str], open: impl AsyncFn() -> Store) {
    let token = super::support::device_token_by_cli_on(BIN, db, DEVICE);
    let mut args = db.to_vec();
    args.push("--simulator=false");
    let (mut server, addr) = super::support::spawn_server(BIN, &args);

    let ts_s = chrono::Utc::now().timestamp_millis() / 1000;
    let body = format!(r#"[{{"bn":"{DEVICE}/","bt":{ts_s},"n":"co2","u":"ppm","v":1234}}]"#);
    let reply = super::support::http_raw(
        &addr,
        &format!(
            "POST /api/ingest/senml HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n\
             Content-Type: application/senml+json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        ),
    )
    .unwrap();
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    server.kill().unwrap(); // SIGKILL: no graceful anything
    server.wait().unwrap();

    let rt = tokio::runtime::Runtime::new().unwrap();
    let store = rt.block_on(open());
    let point = rt
        .block_on(store.load_catalog())
        .unwrap()
        .point_by_key(&format!("{DEVICE}/co2"))
        .unwrap()
        .id;
    let ts = ts_s * 1000;
    let stored = rt.block_on(store.range(point, ts, ts + 1)).unwrap();
    assert_eq!(stored.len(), 1, "the acknowledged reading survived");
    assert_eq!(stored[0].value, 1234.0);
    // Its hour's rollups, rebuilt from the raw readings on opening.
    assert!(store.open_hours(point).is_empty());
    let hour = ts.div_euclid(HOUR_MS) * HOUR_MS;
    let rollups = rt
        .block_on(store.rollups(point, HOUR_MS, hour, hour + HOUR_MS))
        .unwrap();
    assert_eq!(
        rollups.iter().map(|r| (r.count, r.max)).collect::<Vec<_>>(),
        vec![(1, (ts, 1234.0))],
        "the open hour's rollup was rebuilt"
    );
}
