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

use cairn_server::store::Store;

const BIN: &str = env!("CARGO_BIN_EXE_cairn-server");
const DEVICE: &str = "bru-a-f0-z02-ms";

#[test]
fn a_reading_acknowledged_before_kill_9_is_there_after_restart() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let token = super::support::device_token_by_cli(BIN, data, DEVICE);

    let (mut server, addr) =
        super::support::spawn_server(BIN, &["--data-dir", data, "--simulator=false"]);

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
    let store = rt
        .block_on(Store::open_sqlite(&dir.path().join("cairn.sqlite3")))
        .unwrap();
    let point = rt
        .block_on(store.load_catalog())
        .unwrap()
        .point_by_key(&format!("{DEVICE}/co2"))
        .unwrap()
        .id;
    let stored = rt
        .block_on(store.range(point, ts_s * 1000, ts_s * 1000 + 1))
        .unwrap();
    assert_eq!(stored.len(), 1, "the acknowledged reading survived");
    assert_eq!(stored[0].value, 1234.0);
}
