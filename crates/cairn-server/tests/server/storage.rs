//! One storage suite, two engines: a real SQLite file and a real PostgreSQL
//! server. Both must behave the same.

use crate::support;

use std::sync::Arc;

use cairn_protocol::{DeviceKind, Metric, Reading, Role, SeriesBatch, User};
use cairn_server::{
    AppState, Config,
    catalog::Model,
    sim,
    store::{
        Store,
        accounts::{AuditQuery, AuditRecord, NewSession, UserUpdate},
        rollup::{DAY_MS, HOUR_MS, TEN_MINUTES_MS},
    },
};

fn r(point: u32, ts: i64, value: f64) -> Reading {
    Reading { point, ts, value }
}

/// A model in id order (engines return rows in their own order).
fn sorted(mut m: Model) -> Model {
    m.sites.sort_by(|a, b| a.id.cmp(&b.id));
    m.buildings.sort_by(|a, b| a.id.cmp(&b.id));
    m.floors.sort_by(|a, b| a.id.cmp(&b.id));
    m.zones.sort_by(|a, b| a.id.cmp(&b.id));
    m.devices.sort_by(|a, b| a.id.cmp(&b.id));
    m
}

/// The suite, on the store `open` opens (again, after a simulated crash).
async fn suite(open: impl AsyncFn() -> Store) {
    let store = open().await;
    let p = sim::portfolio(11);
    // Provisioning is idempotent: twice gives the same catalogue.
    let model = Arc::new(p.model.clone());
    store.provision(model.clone()).await.unwrap();
    store.provision(model).await.unwrap();
    let catalog = store.load_catalog().await.unwrap();
    assert!(["sqlite", "postgres"].contains(&store.engine()));
    if store.engine() == "sqlite" {
        assert!(
            store.partitions().await.unwrap().is_empty(),
            "SQLite has none"
        );
    }
    // The whole model comes back as it went in: geometry, attributes, tags, points.
    let (got, want) = (sorted(catalog.model.clone()), sorted(p.model.clone()));
    assert_eq!(got.sites, want.sites);
    assert_eq!(got.buildings, want.buildings);
    assert_eq!(got.floors, want.floors);
    assert_eq!(got.zones, want.zones);
    for (g, w) in got.devices.iter().zip(&want.devices) {
        assert_eq!(g, w);
    }
    assert_eq!(got, want);
    let expected: usize = p.model.devices.iter().map(|d| d.points.len()).sum();
    assert_eq!(catalog.points().len(), expected);
    let device = &p
        .model
        .devices
        .iter()
        .find(|d| d.kind == DeviceKind::Multisensor)
        .unwrap()
        .id;
    let a = catalog
        .point_by_key(&format!("{device}/air_temperature"))
        .unwrap()
        .id;
    let b = catalog.point_by_key(&format!("{device}/co2")).unwrap().id;
    assert_eq!(catalog.point(a).unwrap().metric, Metric::AirTemperature);

    // Inserts count only new readings; a resent reading is kept as it was.
    let first = vec![r(a, 1_000, 20.0), r(a, 2_000, 21.0), r(b, 1_500, 600.0)];
    assert_eq!(store.insert_readings(Arc::new(first)).await.unwrap(), 3);
    let again = vec![r(a, 2_000, 99.0), r(a, 3_000, 22.0)];
    assert_eq!(store.insert_readings(Arc::new(again)).await.unwrap(), 1);
    assert_eq!(store.readings_stored().await.unwrap(), 4);

    // Ranges are [from, to), oldest first, one point only.
    let got = store.range(a, 1_000, 3_000).await.unwrap();
    assert_eq!(got, vec![r(a, 1_000, 20.0), r(a, 2_000, 21.0)]);
    assert!(store.range(a, 3_001, 9_000).await.unwrap().is_empty());

    let mut latest = store.latest_readings().await.unwrap();
    latest.sort_by_key(|x| x.point);
    let mut want = vec![r(a, 3_000, 22.0), r(b, 1_500, 600.0)];
    want.sort_by_key(|x| x.point);
    assert_eq!(latest, want);

    // A point's newest hour is open: its readings go into the rollups when
    // a later hour comes (in that batch's transaction) or when it is closed;
    // across batches they merge; a resent reading changes nothing.
    let base = 100 * HOUR_MS;
    let batch = vec![r(a, base + 10, 5.0), r(a, base + 20, 1.0)];
    store.insert_readings(Arc::new(batch)).await.unwrap();
    assert_eq!(
        store.open_hours(a),
        vec![base],
        "hour 0 closed, this one open"
    );
    assert!(
        (store.rollups(a, HOUR_MS, base, base + HOUR_MS).await)
            .unwrap()
            .is_empty()
    );
    let batch = vec![
        r(a, base + 30, 9.0),
        r(a, base + 20, 100.0),
        r(a, base + HOUR_MS + 1, 2.0),
    ];
    assert_eq!(store.insert_readings(Arc::new(batch)).await.unwrap(), 2);
    assert_eq!(store.open_hours(a), vec![base + HOUR_MS]);
    let hours = store
        .rollups(a, HOUR_MS, base, base + 2 * HOUR_MS)
        .await
        .unwrap();
    assert_eq!(hours.len(), 1, "the newest hour is still open");
    // b's hour 0 ended by then, a's newest has not.
    assert_eq!(store.close_hours(base + HOUR_MS).await.unwrap(), 1);
    assert_eq!(store.open_hours(a), vec![base + HOUR_MS]);
    assert!(store.open_hours(b).is_empty());
    assert_eq!(store.close_hours(i64::MAX).await.unwrap(), 1);
    assert!(store.open_hours(a).is_empty() && store.open_hours(b).is_empty());
    let hours = store
        .rollups(a, HOUR_MS, base, base + 2 * HOUR_MS)
        .await
        .unwrap();
    assert_eq!(hours.len(), 2);
    let h = hours[0];
    assert_eq!((h.bucket, h.count, h.sum), (base, 3, 15.0));
    assert_eq!(
        (h.min, h.max, h.first, h.last),
        (
            (base + 20, 1.0),
            (base + 30, 9.0),
            (base + 10, 5.0),
            (base + 30, 9.0)
        )
    );
    let days = store
        .rollups(a, DAY_MS, 0, base + 2 * HOUR_MS)
        .await
        .unwrap();
    assert_eq!(days.iter().map(|d| d.count).sum::<i64>(), 3 + 4);
    // The finer buckets of the given coarser ones, one statement.
    let tens = store
        .rollups_in(a, TEN_MINUTES_MS, vec![0, base], HOUR_MS)
        .await
        .unwrap();
    assert_eq!(
        tens.iter().map(|t| (t.bucket, t.count)).collect::<Vec<_>>(),
        vec![(0, 3), (base, 3)]
    );
    assert!(
        (store
            .rollups_in(a, TEN_MINUTES_MS, vec![HOUR_MS], HOUR_MS)
            .await)
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .in_buckets(a, vec![], HOUR_MS)
            .await
            .unwrap()
            .is_empty()
    );
    let silent = store.in_buckets(a, vec![50 * HOUR_MS], HOUR_MS).await;
    assert!(silent.unwrap().is_empty(), "an hour with no readings");
    assert!(
        (store.rollups_in(a, TEN_MINUTES_MS, vec![], HOUR_MS).await)
            .unwrap()
            .is_empty()
    );
    let edge = store.in_buckets(a, vec![0, base], HOUR_MS).await.unwrap();
    assert_eq!(
        edge.iter().map(|x| x.ts).collect::<Vec<_>>(),
        vec![1_000, 2_000, 3_000, base + 10, base + 20, base + 30]
    );

    // A crash leaves hours open: reopening rebuilds their rollups from the
    // raw readings, including an hour that was partly merged before.
    let late = base + 3 * HOUR_MS;
    let batch = vec![r(a, late + 5, 4.0), r(a, late + 600_001, 6.0)];
    store.insert_readings(Arc::new(batch)).await.unwrap();
    store.close_hours(i64::MAX).await.unwrap();
    store
        .insert_readings(Arc::new(vec![r(a, late + 7, 1.0)]))
        .await
        .unwrap();
    assert_eq!(store.open_hours(a), vec![late]);
    drop(store);
    let store = open().await;
    assert!(store.open_hours(a).is_empty());
    let rebuilt = (store.rollups(a, HOUR_MS, late, late + HOUR_MS).await).unwrap();
    assert_eq!(
        rebuilt
            .iter()
            .map(|h| (h.count, h.sum, h.min, h.last))
            .collect::<Vec<_>>(),
        vec![(3, 11.0, (late + 7, 1.0), (late + 600_001, 6.0))]
    );
    let tens = (store.rollups(a, TEN_MINUTES_MS, late, late + HOUR_MS).await).unwrap();
    assert_eq!(tens.iter().map(|t| t.count).collect::<Vec<_>>(), vec![2, 1]);
    let days = store.rollups(a, DAY_MS, 0, late + HOUR_MS).await.unwrap();
    assert_eq!(days.iter().map(|d| d.count).sum::<i64>(), 3 + 4 + 3);

    // One batch that closes two hours of one day: their shares of the day
    // are one upsert (PostgreSQL refuses to touch a row twice in one).
    let d = base + 5 * HOUR_MS;
    let batch = vec![
        r(a, d + 1, 1.0),
        r(a, d + HOUR_MS + 1, 2.0),
        r(a, d + 2 * HOUR_MS + 1, 3.0),
    ];
    assert_eq!(store.insert_readings(Arc::new(batch)).await.unwrap(), 3);
    store.close_hours(i64::MAX).await.unwrap();
    let days = store.rollups(a, DAY_MS, 0, late + HOUR_MS).await.unwrap();
    assert_eq!(days.iter().map(|d| d.count).sum::<i64>(), 3 + 4 + 3 + 3);

    // Of equal minima the earliest stays (as M4 keeps it), whatever came
    // first: here a late reading merged into a stored hour.
    let t = base + 8 * HOUR_MS;
    let batch = vec![r(a, t + 20, 1.0), r(a, t + 30, 5.0)];
    store.insert_readings(Arc::new(batch)).await.unwrap();
    store.close_hours(i64::MAX).await.unwrap();
    let batch = vec![r(a, t + 10, 1.0), r(a, t + 40, 5.0)];
    store.insert_readings(Arc::new(batch)).await.unwrap();
    store.close_hours(i64::MAX).await.unwrap();
    let h = (store.rollups(a, HOUR_MS, t, t + HOUR_MS).await).unwrap()[0];
    assert_eq!((h.count, h.min, h.max), (4, (t + 10, 1.0), (t + 30, 5.0)));

    // Retention: raw readings with the ten-minute rollups that ended before
    // the cutoff, and hourly rollups before theirs, go; daily rollups stay.
    let gone = store
        .prune(Some(base + HOUR_MS), Some(HOUR_MS))
        .await
        .unwrap();
    assert_eq!(
        gone,
        7 + 3 + 2,
        "7 raw readings, 3 ten-minute and 2 hourly rollups"
    );
    assert!(store.range(a, 0, base + HOUR_MS).await.unwrap().is_empty());
    assert_eq!(
        store
            .range(a, base + HOUR_MS, i64::MAX)
            .await
            .unwrap()
            .len(),
        4 + 3 + 4
    );
    assert_eq!(
        store
            .rollups(a, HOUR_MS, 0, base + 2 * HOUR_MS)
            .await
            .unwrap()
            .len(),
        2
    );
    let days = store
        .rollups(a, DAY_MS, 0, base + 2 * HOUR_MS)
        .await
        .unwrap();
    assert_eq!(days.iter().map(|d| d.count).sum::<i64>(), 3 + 4 + 3 + 3 + 4);

    // Device tokens: unknown devices get none; a new token replaces the old.
    assert!(
        !store
            .set_device_token("no-such-device", [1; 32], audit("device.token", 1))
            .await
            .unwrap()
    );
    assert_eq!(store.device_token_hash(device).await.unwrap(), None);
    assert!(
        store
            .set_device_token(device, [1; 32], audit("device.token", 2))
            .await
            .unwrap()
    );
    assert!(
        store
            .set_device_token(device, [2; 32], audit("device.token", 3))
            .await
            .unwrap()
    );
    assert_eq!(
        store.device_token_hash(device).await.unwrap(),
        Some(vec![2; 32])
    );
    accounts(&store).await;
}

fn audit(action: &str, at: i64) -> AuditRecord {
    AuditRecord {
        at,
        actor_id: None,
        actor: "suite".into(),
        action: action.into(),
        target: "device:x".into(),
        before: None,
        after: Some("{}".into()),
    }
}

/// Users, sessions and the audit log behave the same on both engines.
/// Session `id` of `user`, started at 100 and expiring at `expires`.
fn session(id: [u8; 32], user: i64, csrf: &str, expires: i64) -> NewSession {
    NewSession {
        id,
        user,
        csrf: csrf.into(),
        now: 100,
        expires,
    }
}

async fn accounts(store: &Store) {
    assert_eq!(store.count_users().await.unwrap(), 0);
    let anna = User {
        id: 0,
        username: "anna".into(),
        display_name: "Anna <img src=x onerror=alert(1)>".into(),
        role: Role::Operator,
        all_sites: false,
        sites: vec!["bru".into(), "ant".into()],
        disabled: false,
        created_at: 10,
        updated_at: 10,
        last_login: None,
    };
    let created = store
        .insert_user(anna.clone(), "hash-1".into(), audit("user.create", 10))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        User {
            id: created.id,
            ..anna.clone()
        },
        created
    );
    // A taken username is refused and writes nothing, not even an audit entry.
    let before = store
        .audit_log(AuditQuery {
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap()
        .1;
    assert_eq!(
        store
            .insert_user(anna.clone(), "h".into(), audit("user.create", 11))
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store
            .audit_log(AuditQuery {
                limit: 100,
                ..Default::default()
            })
            .await
            .unwrap()
            .1,
        before
    );
    let (found, hash) = store.user_for_login("anna").await.unwrap().unwrap();
    assert_eq!((found, hash.as_str()), (created.clone(), "hash-1"));

    // Sessions: found while valid, gone when expired, deleted, or signed out.
    let start = session([7; 32], created.id, "csrf", 200);
    store.insert_session(start).await.unwrap();
    let s = store.session([7; 32], 150).await.unwrap().unwrap();
    assert_eq!(
        (s.user.id, s.csrf.as_str(), s.expires),
        (created.id, "csrf", 200)
    );
    assert_eq!(s.user.last_login, Some(100));
    assert!(
        store.session([7; 32], 200).await.unwrap().is_none(),
        "expired"
    );
    store.extend_session([7; 32], 300).await.unwrap();
    assert!(store.session([7; 32], 250).await.unwrap().is_some());
    store.extend_session([7; 32], 120).await.unwrap();
    assert!(
        store.session([7; 32], 250).await.unwrap().is_some(),
        "never shortened"
    );
    store.delete_session([7; 32]).await.unwrap();
    assert!(
        store.session([7; 32], 150).await.unwrap().is_none(),
        "deleted"
    );
    let start = session([8; 32], created.id, "c2", 1_000);
    store.insert_session(start).await.unwrap();
    let mut changed = User {
        role: Role::Manager,
        updated_at: 20,
        ..s.user.clone()
    };
    store
        .update_user(UserUpdate {
            user: changed.clone(),
            password_hash: Some("hash-2".into()),
            sign_out: true,
            audit: audit("user.update", 20),
        })
        .await
        .unwrap();
    assert!(
        store.session([8; 32], 150).await.unwrap().is_none(),
        "signed out everywhere"
    );
    assert_eq!(store.user(created.id).await.unwrap().unwrap(), changed);
    assert_eq!(store.user(created.id + 1000).await.unwrap(), None);
    let bob = User {
        username: "bob".into(),
        ..anna.clone()
    };
    let bob = store
        .insert_user(bob, "hash-b".into(), audit("user.create", 22))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(store.count_users().await.unwrap(), 2);
    assert_eq!(store.users().await.unwrap(), vec![changed.clone(), bob]);
    assert_eq!(
        store.user_for_login("anna").await.unwrap().unwrap().1,
        "hash-2"
    );
    let start = session([9; 32], created.id, "c3", 1_000);
    store.insert_session(start).await.unwrap();
    changed.disabled = true;
    store
        .update_user(UserUpdate {
            user: changed,
            password_hash: None,
            sign_out: false,
            audit: audit("user.update", 21),
        })
        .await
        .unwrap();
    assert!(
        store.session([9; 32], 150).await.unwrap().is_none(),
        "disabled users have no session"
    );
    assert_eq!(store.prune_sessions(2_000).await.unwrap(), 1);

    // The audit log: newest first, filtered, paged.
    let all = store
        .audit_log(AuditQuery {
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(all.1, 6, "{:?}", all.0);
    assert!(all.0.windows(2).all(|w| w[0].at >= w[1].at));
    let users = AuditQuery {
        action: Some("user.".into()),
        limit: 1,
        ..Default::default()
    };
    let page = store.audit_log(users).await.unwrap();
    assert_eq!(
        (page.1, page.0.len(), page.0[0].action.as_str()),
        (4, 1, "user.create")
    );
    let created_entry = store
        .audit_log(AuditQuery {
            action: Some("user.create".into()),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap()
        .0;
    assert_eq!(created_entry.len(), 2, "anna's and bob's, newest first");
    assert_eq!(created_entry[1].target, format!("user:{}", created.id));
    assert!(
        created_entry[1]
            .after
            .as_deref()
            .unwrap()
            .contains("onerror"),
        "stored as text"
    );
    let none = AuditQuery {
        action: Some("user_".into()),
        limit: 10,
        ..Default::default()
    };
    assert_eq!(store.audit_log(none).await.unwrap().1, 0, "`_` is literal");
    let window = AuditQuery {
        from: Some(11),
        to: Some(21),
        limit: 10,
        ..Default::default()
    };
    assert_eq!(store.audit_log(window).await.unwrap().1, 1);
}

#[tokio::test]
async fn sqlite_passes_the_storage_suite() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("suite.sqlite3");
    suite(async || Store::open_sqlite(&path).await.unwrap()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_passes_the_storage_suite_and_serves_the_app() {
    let pg = support::Postgres::start();
    let url = pg.database("suite").await;
    suite(async || Store::connect_postgres(&url).await.unwrap()).await;

    // Readings live in monthly partitions, made on demand; retention drops
    // whole months and deletes the rest.
    let store = Store::connect_postgres(&pg.database("months").await)
        .await
        .unwrap();
    let model = Arc::new(sim::portfolio(2).model);
    store.provision(model).await.unwrap();
    let point = store.load_catalog().await.unwrap().points()[0].id;
    const OCT_31: i64 = 1_793_404_800_000; // 2026-10-31T00:00Z
    const NOV_1: i64 = 1_793_491_200_000; // 2026-11-01T00:00Z
    let batch = vec![
        r(point, OCT_31, 1.0),
        r(point, NOV_1 + 5, 2.0),
        r(point, NOV_1 + 9, 3.0),
    ];
    assert_eq!(
        store
            .insert_readings(Arc::new(batch.clone()))
            .await
            .unwrap(),
        3
    );
    // One read across both months' partitions, oldest first.
    assert_eq!(store.range(point, 0, i64::MAX).await.unwrap(), batch);
    let edges = store.in_buckets(point, vec![OCT_31, NOV_1], HOUR_MS).await;
    assert_eq!(edges.unwrap(), batch);
    let months = store.partitions().await.unwrap();
    assert_eq!(
        months.iter().map(|p| (p.1, p.2)).collect::<Vec<_>>(),
        vec![(1_790_812_800_000, NOV_1), (NOV_1, 1_796_083_200_000)]
    );
    // Two readings and October's ten-minute rollup; November's first one
    // still has a reading after the cutoff.
    assert_eq!(store.prune(Some(NOV_1 + 6), None).await.unwrap(), 3);
    assert_eq!(
        store.partitions().await.unwrap().len(),
        1,
        "October dropped"
    );
    assert_eq!(
        store.range(point, 0, i64::MAX).await.unwrap(),
        vec![r(point, NOV_1 + 9, 3.0)]
    );
    // A month whose partition was dropped can take readings again.
    let late = vec![r(point, OCT_31 + 1, 4.0)];
    assert_eq!(store.insert_readings(Arc::new(late)).await.unwrap(), 1);

    // The whole server on PostgreSQL: schema migrations are idempotent, ingest
    // and range queries go through it.
    let url = pg.database("app").await;
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::for_tests(dir.path().to_path_buf());
    config.database_url = Some(url.clone());
    let portfolio = sim::portfolio(3);
    let (_tx, rx) = tokio::sync::watch::channel(false);
    let _first = AppState::open(Arc::new(config.clone()), Some(&portfolio.model), rx.clone())
        .await
        .unwrap();
    let state = AppState::open(Arc::new(config), Some(&portfolio.model), rx)
        .await
        .unwrap();
    assert_eq!(state.store.engine(), "postgres");
    let device = "bru-a-f0-z02-ms".to_owned();
    let now = chrono::Utc::now().timestamp_millis();
    let pack = sim::senml_pack(&device, now, &[(Metric::Co2, 812.0)]);
    assert_eq!(
        state
            .ingest
            .ingest_senml(&device, &pack, now)
            .await
            .unwrap(),
        1
    );
    let co2 = state
        .catalog()
        .point_by_key(&format!("{device}/co2"))
        .unwrap()
        .id;
    let uri = format!(
        "/api/series?point={co2}&from={}&to={}&px=100",
        now - 60_000,
        now + 1
    );
    let (_, body) = support::get(&state, &uri).await;
    let batch: SeriesBatch = serde_json::from_slice(body.as_bytes()).unwrap();
    assert_eq!(batch.series[0].v, vec![Some(812.0)]);
}

// ---- Schema snapshots -------------------------------------------------------
// `tests/fixtures/schema-*.json` and `schema-postgres-dump.txt` were written
// once, by the code before the schema moved into `store/migrations/`: they are
// schema version 3 as databases in the field have it. They are frozen: no test
// writes them, so the upgrade test keeps testing an upgrade from what exists.
// The migrator must produce the same schema, and must take a database made by
// that code as up to date. Migration 4 (alerts) came later: a fresh database
// holds exactly version 3 plus what it adds, and a version 3 database is
// upgraded to exactly what a fresh one is.

fn fixture(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Compares `got` with the frozen fixture `name`.
fn snapshot(name: &str, got: &serde_json::Value) {
    let path = fixture(name);
    let want: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(got, &want, "schema differs from {}", path.display());
}

/// What SQLite says it holds: every object's SQL, the version, the counters.
fn sqlite_schema(path: &std::path::Path) -> serde_json::Value {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut stmt = conn
        .prepare("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY rowid")
        .unwrap();
    let objects: Vec<[Option<String>; 4]> = stmt
        .query_map([], |r| Ok([r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?]))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    let counters: Vec<(String, i64)> = conn
        .prepare("SELECT name, value FROM counters ORDER BY name")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    serde_json::json!({ "user_version": version, "objects": objects, "counters": counters })
}

/// What PostgreSQL says it holds: columns, relations, constraints, indexes, versions.
async fn postgres_schema(url: &str) -> serde_json::Value {
    let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    let mut out = serde_json::Map::new();
    for (key, sql) in [
        (
            "columns",
            "SELECT table_name::text, column_name::text, data_type::text, is_nullable::text,
                    column_default::text, is_identity::text, identity_generation::text
             FROM information_schema.columns WHERE table_schema = 'public'
             ORDER BY table_name, ordinal_position",
        ),
        (
            "relations",
            "SELECT relname::text, relkind::text, pg_get_partkeydef(oid)
             FROM pg_class WHERE relnamespace = 'public'::regnamespace ORDER BY relname",
        ),
        (
            "constraints",
            "SELECT conrelid::regclass::text, conname::text, pg_get_constraintdef(oid)
             FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2",
        ),
        (
            "indexes",
            "SELECT indexname::text, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1",
        ),
        (
            "versions",
            "SELECT version::text FROM schema_version ORDER BY version",
        ),
        (
            "counters",
            "SELECT name, value::text FROM counters ORDER BY name",
        ),
    ] {
        let rows = client.query(sql, &[]).await.unwrap();
        let rows: Vec<Vec<Option<String>>> = rows
            .iter()
            .map(|r| (0..r.len()).map(|i| r.get(i)).collect())
            .collect();
        out.insert(key.into(), serde_json::json!(rows));
    }
    serde_json::Value::Object(out)
}

#[tokio::test]
async fn sqlite_schema_is_todays() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.sqlite3");
    drop(Store::open_sqlite(&path).await.unwrap());
    let fresh = sqlite_schema(&path);
    let v3: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("schema-sqlite.json")).unwrap())
            .unwrap();
    let v3_objects = v3["objects"].as_array().unwrap();
    let objects = fresh["objects"].as_array().unwrap();
    // Version 3 unchanged but for `devices`, which migration 5 rebuilds
    // (a device may be unplaced: lat/lon nullable; state; expected interval).
    for o in v3_objects.iter().filter(|o| o[2] != "devices") {
        assert!(objects.contains(o), "{o} is gone or changed");
    }
    let devices = (objects.iter())
        .find(|o| o[0] == "table" && o[2] == "devices")
        .unwrap()[3]
        .to_string();
    for column in [
        "lat REAL,",
        "lon REAL,",
        "state TEXT NOT NULL DEFAULT 'active'",
        "expected_interval_s INTEGER",
    ] {
        assert!(devices.contains(column), "{column} in {devices}");
    }
    assert!(objects.len() > v3_objects.len());
    assert_eq!(fresh["user_version"], 7);
    assert_eq!(fresh["counters"], v3["counters"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_schema_is_todays() {
    let pg = support::Postgres::start();
    let url = pg.database("fresh").await;
    drop(Store::connect_postgres(&url).await.unwrap());
    let fresh = postgres_schema(&url).await;
    let v3: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("schema-postgres.json")).unwrap())
            .unwrap();
    for (key, rows) in v3.as_object().unwrap() {
        let now = fresh[key].as_array().unwrap();
        for row in rows.as_array().unwrap() {
            // Migration 5 lets a device be unplaced: its lat and lon nullable.
            let placed = row[0] == "devices" && (row[1] == "lat" || row[1] == "lon");
            if key != "versions" && !placed {
                assert!(now.contains(row), "{key}: {row} is gone or changed");
            }
        }
    }
    let columns = fresh["columns"].as_array().unwrap();
    for c in ["lat", "lon", "expected_interval_s"] {
        let col = (columns.iter())
            .find(|r| r[0] == "devices" && r[1] == c)
            .unwrap();
        assert_eq!(col[3], "YES", "devices.{c} nullable");
    }
    assert_eq!(
        fresh["versions"],
        serde_json::json!([["1"], ["2"], ["3"], ["4"], ["5"], ["6"], ["7"]])
    );
}

/// A SQLite file as the code before `migrations/` left it (version 3):
/// built from the snapshot, opened by the migrator, upgraded to exactly
/// what a fresh database is, and it works.
#[tokio::test]
async fn sqlite_database_of_version_3_upgrades_to_the_fresh_schema() {
    let want: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("schema-sqlite.json")).unwrap())
            .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.sqlite3");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        for object in want["objects"].as_array().unwrap() {
            if let Some(sql) = object[3].as_str() {
                conn.execute_batch(sql).unwrap();
            }
        }
        for row in want["counters"].as_array().unwrap() {
            conn.execute(
                "INSERT INTO counters (name, value) VALUES (?1, ?2)",
                (row[0].as_str().unwrap(), row[1].as_i64().unwrap()),
            )
            .unwrap();
        }
        let version = want["user_version"].as_i64().unwrap();
        conn.pragma_update(None, "user_version", version).unwrap();
    }
    assert_eq!(sqlite_schema(&path), want, "the rebuilt file is version 3");
    let store = Store::open_sqlite(&path).await.unwrap();
    let fresh_path = dir.path().join("fresh.sqlite3");
    drop(Store::open_sqlite(&fresh_path).await.unwrap());
    assert_eq!(
        sqlite_schema(&path),
        sqlite_schema(&fresh_path),
        "upgraded = fresh"
    );
    drop(store);
    suite(async || Store::open_sqlite(&path).await.unwrap()).await;
}

/// A PostgreSQL database as the code before `migrations/` left it (its
/// `pg_dump`, version 3): upgraded to exactly what a fresh one is, and it works.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_database_of_version_3_upgrades_to_the_fresh_schema() {
    let pg = support::Postgres::start();
    let url = pg.database("old").await;
    let dump = std::fs::read_to_string(fixture("schema-postgres-dump.txt")).unwrap();
    // psql's meta-commands (`\restrict`) are not SQL.
    let dump: String = dump
        .lines()
        .filter(|l| !l.starts_with('\\'))
        .map(|l| format!("{l}\n"))
        .collect();
    {
        let (client, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
            .await
            .unwrap();
        tokio::spawn(conn);
        client.batch_execute(&dump).await.unwrap();
    }
    let want = postgres_schema(&url).await;
    snapshot("schema-postgres.json", &want);
    let store = Store::connect_postgres(&url).await.unwrap();
    let fresh = pg.database("fresh").await;
    drop(Store::connect_postgres(&fresh).await.unwrap());
    assert_eq!(
        postgres_schema(&url).await,
        postgres_schema(&fresh).await,
        "upgraded = fresh"
    );
    drop(store);
    suite(async || Store::connect_postgres(&url).await.unwrap()).await;
}
