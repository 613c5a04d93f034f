//! The device inventory: provisioning checked by the shared validator,
//! devices created and changed through the API (audited, token once, roles),
//! health judged from what devices send, retired devices refused.

use axum::http::StatusCode;
use cairn_protocol::{
    DeviceSpec, DeviceState, DeviceSummary, ErrorBody, FleetHealth, ImportAction, ImportPlan,
    InventoryPage, LatLon, Metric, NewDevice, PointSpec, Role, health::HealthFlag,
};
use cairn_server::{AppState, Config, ingest::SenmlRecord, time::Clock};

use crate::support::{self, Session};

/// 2026-11-30 09:00 UTC: the clock every test here runs on.
const NOW: i64 = 1_796_029_200_000;

async fn state(dir: &std::path::Path) -> AppState {
    let mut config = Config::for_tests(dir.to_path_buf());
    config.clock = Clock::Fixed(NOW);
    support::open_state_with(config, Some(42)).await
}

fn spec(id: &str, site: &str) -> DeviceSpec {
    DeviceSpec {
        id: id.into(),
        name: format!("Test {id}"),
        kind: cairn_protocol::DeviceKind::Thermometer,
        model: "Elsys ERS".into(),
        firmware: "1.0".into(),
        serial: "E1".into(),
        installed: String::new(),
        site_id: site.into(),
        building_id: None,
        floor_id: None,
        zone_id: None,
        location: None,
        plan: None,
        tags: vec!["sensor".into()],
        points: vec![PointSpec {
            metric: Metric::AirTemperature,
            interval_s: 60,
        }],
        expected_interval_s: None,
        state: DeviceState::Active,
        aliases: Vec::new(),
    }
}

async fn send(
    s: &AppState,
    method: &str,
    uri: &str,
    who: &Session,
    body: &DeviceSpec,
) -> (StatusCode, String) {
    let json = serde_json::to_string(body).unwrap();
    support::send(s, method, uri, Some(who), Some(&json)).await
}

fn fields(body: &str) -> Vec<(String, String)> {
    let e: ErrorBody = serde_json::from_str(body).unwrap();
    (e.details.into_iter())
        .map(|d| (d.location.unwrap_or_default(), d.message))
        .collect()
}

#[tokio::test]
async fn provisioning_lists_every_bad_device_by_row_and_field_and_stores_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let config = Config::for_tests(dir.path().to_path_buf());
    let mut far = spec("far", "s1");
    far.location = Some(LatLon {
        lat: 95.0,
        lon: 200.0,
    });
    let mut long = spec("long", "s1");
    long.name = "n".repeat(5_000);
    let model = serde_json::json!({
        "sites": [{"id": "s1", "name": "Site", "address": "Rue 1", "city": "Brussels",
                   "time_zone": "Europe/Brussels", "lat": 50.8, "lon": 4.3}],
        "devices": [far, spec("bad 2/../x", "s1"), long, spec("orphan", "nope"), spec("fine", "s1")],
    });
    let path = dir.path().join("model.json");
    std::fs::write(&path, model.to_string()).unwrap();
    let err = cairn_server::provision_file(&config, &path)
        .await
        .unwrap_err()
        .to_string();
    for says in [
        r#"devices[0] "far": location.lat: a latitude from -90 to 90"#,
        r#"devices[0] "far": location.lon: a longitude from -180 to 180"#,
        r#"devices[1] "bad 2/../x": id: ' ' is not allowed"#,
        r#"devices[2] "long": name: 1 to 100 characters"#,
        r#"devices[3] "orphan": site_id: no site "nope""#,
        "5 problems, nothing was stored",
    ] {
        assert!(err.contains(says), "expected {says:?} in:\n{err}");
    }
    assert!(!err.contains("FOREIGN KEY"), "{err}");
    let s = support::open_state(dir.path(), None).await;
    assert!(s.catalog().model.devices.is_empty() && s.catalog().model.sites.is_empty());

    // The same file without its bad devices goes in, the unplaced device too.
    let model = serde_json::json!({
        "sites": model["sites"].clone(),
        "devices": [spec("fine", "s1")],
    });
    std::fs::write(&path, model.to_string()).unwrap();
    drop(s);
    assert_eq!(
        cairn_server::provision_file(&config, &path).await.unwrap(),
        (1, 1)
    );
    let s = support::open_state(dir.path(), None).await;
    let d = s.catalog().device("fine").cloned().unwrap();
    assert_eq!((d.location, d.points.len()), (None, 1));

    // Aliases are one device's: in the file, and against what is stored.
    let mut eui = spec("eui", "s1");
    eui.aliases = vec!["70B3D57ED0000001".into()];
    let mut twin = spec("twin", "s1");
    twin.aliases = vec!["70-b3-d5-7e-d0-00-00-01".into()];
    let model = serde_json::json!({"sites": model["sites"].clone(), "devices": [eui, twin]});
    std::fs::write(&path, model.to_string()).unwrap();
    drop(s);
    let err = cairn_server::provision_file(&config, &path)
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains(r#"devices[1] "twin": aliases[0]"#), "{err}");
    let model = serde_json::json!({"sites": model["sites"].clone(), "devices": [eui]});
    std::fs::write(&path, model.to_string()).unwrap();
    cairn_server::provision_file(&config, &path).await.unwrap();
    let model = serde_json::json!({"sites": model["sites"].clone(), "devices": [twin]});
    std::fs::write(&path, model.to_string()).unwrap();
    let err = cairn_server::provision_file(&config, &path)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains(r#"is already an alias of device "eui""#),
        "{err}"
    );
}

#[tokio::test]
async fn devices_are_created_with_a_token_once_changed_with_audit_and_refused_to_viewers() {
    let dir = tempfile::tempdir().unwrap();
    let s = state(dir.path()).await;
    let admin = support::admin(&s).await;
    let viewer = support::session(&s, "v", Role::Viewer, &[]).await;
    let ghent = support::session(&s, "m-ghe", Role::Manager, &["ghe"]).await;

    // The form's rules and the catalogue's, by field, and nothing stored.
    let mut bad = spec("new 1", "bru");
    bad.location = Some(LatLon {
        lat: 95.0,
        lon: 4.0,
    });
    bad.floor_id = Some("nope".into());
    let (status, body) = send(&s, "POST", "/api/devices", &admin, &bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let got = fields(&body);
    for f in ["id", "location.lat", "building_id"] {
        assert!(got.iter().any(|(l, _)| l == f), "{f} in {got:?}");
    }
    let (status, _) = send(&s, "POST", "/api/devices", &viewer, &spec("v1", "bru")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = send(&s, "POST", "/api/devices", &ghent, &spec("g1", "bru")).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "a Ghent manager adds nothing in Brussels"
    );

    let (status, body) = send(
        &s,
        "POST",
        "/api/devices",
        &admin,
        &spec("bru-new-1", "bru"),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let created: NewDevice = serde_json::from_str(&body).unwrap();
    assert!(created.token.starts_with("bru-new-1.") && created.token.len() > 40);
    assert_eq!(created.device.location, None);
    let (status, body) = send(
        &s,
        "POST",
        "/api/devices",
        &admin,
        &spec("bru-new-1", "bru"),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        fields(&body)
            .iter()
            .any(|(l, m)| l == "id" && m.contains("exists already"))
    );

    // The token is never shown again; the device is listed, unplaced.
    let (_, body) = support::get(&s, "/api/devices/bru-new-1").await;
    assert!(!body.contains(&created.token));
    let (_, body) = support::get(&s, "/api/devices?unplaced=true&site=bru").await;
    let page: InventoryPage = serde_json::from_str(&body).unwrap();
    assert_eq!(
        page.items.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(),
        ["bru-new-1"]
    );

    // Placed and retired by an edit; a viewer's edit is refused.
    let mut placed = spec("bru-new-1", "bru");
    placed.location = Some(LatLon {
        lat: 50.84,
        lon: 4.36,
    });
    let (status, _) = send(&s, "PUT", "/api/devices/bru-new-1", &viewer, &placed).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    placed.state = DeviceState::Retired;
    let (status, body) = send(&s, "PUT", "/api/devices/bru-new-1", &admin, &placed).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let d: DeviceSummary = serde_json::from_str(&body).unwrap();
    assert_eq!(
        (d.location, d.state),
        (placed.location, DeviceState::Retired)
    );
    assert_eq!(d.health.flags, [HealthFlag::Retired]);
    let (_, body) = support::get(&s, "/api/audit?action=device.&limit=10").await;
    assert_eq!(body.matches("device:bru-new-1").count(), 2, "{body}");
    // The device's own history: the same two, newest first, for whoever sees it.
    let bru = support::session(&s, "v-bru", Role::Viewer, &["bru"]).await;
    let (status, body) = support::send(
        &s,
        "GET",
        "/api/devices/bru-new-1/history",
        Some(&bru),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let history: Vec<cairn_protocol::AuditEntry> = serde_json::from_str(&body).unwrap();
    let actions: Vec<&str> = history.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["device.update", "device.create"]);
    let (status, _) = support::send(
        &s,
        "GET",
        "/api/devices/bru-new-1/history",
        Some(&ghent),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // A retired device's readings are refused.
    let pack: Vec<SenmlRecord> = serde_json::from_str(
        r#"[{"n":"bru-new-1/air_temperature","u":"Cel","v":21.5,"t":1796029100}]"#,
    )
    .unwrap();
    let refused = s.ingest.ingest_senml("bru-new-1", &pack, NOW).await;
    assert!(format!("{refused:?}").contains("retired"), "{refused:?}");
}

/// Readings of `device`'s temperature at each of `times` (UTC ms).
async fn report(s: &AppState, device: &str, times: &[i64]) {
    for (i, t) in times.iter().enumerate() {
        let json = format!(
            r#"[{{"n":"{device}/air_temperature","u":"Cel","v":{},"t":{}}}]"#,
            20.0 + i as f64 / 10.0,
            *t as f64 / 1000.0
        );
        let pack: Vec<SenmlRecord> = serde_json::from_str(&json).unwrap();
        s.ingest.ingest_senml(device, &pack, NOW).await.unwrap();
    }
}

#[tokio::test]
async fn a_device_that_stops_reporting_is_silent_after_two_learned_intervals() {
    let dir = tempfile::tempdir().unwrap();
    let s = state(dir.path()).await;
    let admin = support::admin(&s).await;
    for id in ["quiet", "steady"] {
        let (status, body) = send(&s, "POST", "/api/devices", &admin, &spec(id, "bru")).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    // Both report every 60 s; "quiet" stops 4 minutes before now (silent
    // after 2 × 60 s + 60 s), "steady" reported 1 minute ago.
    let minute = 60_000;
    let quiet: Vec<i64> = (0..8).map(|i| NOW - (12 - i) * minute).collect();
    let steady: Vec<i64> = (0..8).map(|i| NOW - (8 - i) * minute).collect();
    report(&s, "quiet", &quiet).await;
    report(&s, "steady", &steady).await;

    let (_, body) = support::get(&s, "/api/devices?health=silent&site=bru").await;
    let page: InventoryPage = serde_json::from_str(&body).unwrap();
    let silent: Vec<&str> = page.items.iter().map(|d| d.id.as_str()).collect();
    assert!(
        silent.contains(&"quiet") && !silent.contains(&"steady"),
        "{silent:?}"
    );
    let quiet = page.items.iter().find(|d| d.id == "quiet").unwrap();
    assert_eq!(quiet.health.interval_s, Some(60));
    assert_eq!(quiet.health.last_uplink, Some(NOW - 5 * minute));

    let (_, body) = support::get(&s, "/api/devices/steady").await;
    let steady: DeviceSummary = serde_json::from_str(&body).unwrap();
    assert!(
        !steady.health.flags.contains(&HealthFlag::Silent),
        "{:?}",
        steady.health
    );

    // The simulator's devices never reported (no backfill here): not silent.
    let (_, body) = support::get(&s, "/api/fleet/health").await;
    let fleet: FleetHealth = serde_json::from_str(&body).unwrap();
    assert_eq!(fleet.silent, 1, "{fleet:?}");
    assert_eq!(fleet.active, s.catalog().model.devices.len() as u64);
}

async fn import(s: &AppState, who: &Session, csv: &str, apply: bool) -> (StatusCode, ImportPlan) {
    let uri = format!("/api/inventory/import?apply={apply}");
    let (status, body) =
        support::send_typed(s, "POST", &uri, Some(who), Some(("text/csv", csv))).await;
    (
        status,
        serde_json::from_str(&body).unwrap_or_else(|_| panic!("{status} {body}")),
    )
}

#[tokio::test]
async fn csv_import_reports_every_bad_row_writes_all_or_nothing_and_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let s = state(dir.path()).await;
    let admin = support::admin(&s).await;
    let devices_before = s.catalog().model.devices.len();

    let mixed = "id,name,kind,site_id,lat,lon,points\n\
        new-1,Boiler room,thermometer,bru,50.84,4.35,air_temperature:600\n\
        new-2,Far,thermometer,bru,95,4.35,air_temperature:600\n\
        new-3,Odd,toaster,bru,,,air_temperature:600\n\
        new-4,Lost,thermometer,nope,,,air_temperature:600\n\
        new-1,Again,thermometer,bru,,,air_temperature:600\n\
        new-5,Bad points,thermometer,bru,,,co2\n";
    let (status, plan) = import(&s, &admin, mixed, true).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!plan.applied, "nothing is written while a row has an error");
    let errors: Vec<(u32, &str)> = plan
        .errors
        .iter()
        .map(|e| (e.row, e.column.as_str()))
        .collect();
    assert_eq!(
        errors,
        [
            (3, "lat"),
            (4, "kind"),
            (5, "site_id"),
            (6, "id"),
            (7, "points")
        ]
    );
    assert_eq!(plan.rows[0].action, ImportAction::Create);
    assert_eq!(
        s.catalog().model.devices.len(),
        devices_before,
        "nothing written"
    );
    assert!(s.catalog().device("new-1").is_none());

    let (status, plan) = import(&s, &admin, "id,name,colour\nx,y,red\n", false).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        plan.errors[0].column, "colour",
        "unknown columns are errors"
    );

    // A good file imports exactly, and a second time changes nothing.
    let good = "id,name,kind,site_id,points,tags\n\
        new-1,Boiler room,thermometer,bru,air_temperature:600,sensor plant\n\
        new-2,=SUM(A1:A9),leak_sensor,bru,leak:3600 battery:3600,\n";
    let (status, plan) = import(&s, &admin, good, true).await;
    assert_eq!(
        (status, plan.create, plan.applied),
        (StatusCode::OK, 2, true),
        "{plan:?}"
    );
    let d = s.catalog().device("new-1").cloned().unwrap();
    assert_eq!(
        (d.name.as_str(), d.kind, d.location),
        ("Boiler room", cairn_protocol::DeviceKind::Thermometer, None)
    );
    assert_eq!(d.tags, ["sensor", "plant"]);
    assert_eq!(
        d.points,
        [PointSpec {
            metric: Metric::AirTemperature,
            interval_s: 600
        }]
    );
    let audit = |s: &AppState| {
        let s = s.clone();
        async move {
            support::get(&s, "/api/audit?action=device.&limit=1000")
                .await
                .1
                .matches("\"id\":")
                .count()
        }
    };
    let entries = audit(&s).await;
    let (_, again) = import(&s, &admin, good, true).await;
    assert_eq!((again.create, again.update, again.unchanged), (0, 0, 2));
    assert_eq!(
        audit(&s).await,
        entries,
        "an unchanged import writes nothing"
    );

    // An update is planned field by field.
    let (_, plan) = import(&s, &admin, "id,name\nnew-1,Boiler room 2\n", false).await;
    assert_eq!(plan.rows[0].action, ImportAction::Update);
    let change = &plan.rows[0].changes;
    assert_eq!(
        (
            change.len(),
            change[0].column.as_str(),
            change[0].after.as_str()
        ),
        (1, "name", "Boiler room 2")
    );

    // Export → import changes nothing; formula-like names are defused.
    let (status, csv) = support::get(&s, "/api/inventory/export.csv?site=bru").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        csv.contains(",'=SUM(A1:A9),"),
        "{}",
        &csv[..300.min(csv.len())]
    );
    let rows = csv.lines().count() - 1;
    assert!(rows > 50);
    let (_, back) = import(&s, &admin, &csv, false).await;
    assert!(
        back.errors.is_empty(),
        "{:?}",
        &back.errors[..3.min(back.errors.len())]
    );
    assert_eq!(
        (back.create, back.update, back.unchanged as usize),
        (0, 0, rows)
    );
}

#[tokio::test]
async fn a_moved_device_takes_its_alarms_along_and_a_retired_one_closes_them_and_leaves_the_rules()
{
    use cairn_server::store::alerts::{self, AlarmWrite};
    let dir = tempfile::tempdir().unwrap();
    let s = state(dir.path()).await;
    let admin = support::admin(&s).await;
    let device = "bru-a-f0-z02-ms";
    let co2 = s
        .catalog()
        .point_by_key(&format!("{device}/co2"))
        .unwrap()
        .id;
    assert!(
        s.alerts.thresholds().contains_key(&co2),
        "a default rule watches its CO2"
    );
    let rule = s.store.transact(alerts::rules).await.unwrap()[0].id;
    let raise = AlarmWrite::Sample {
        rule_id: rule,
        point: co2,
        site_id: "bru".into(),
        severity: cairn_protocol::Severity::Warning,
        at: NOW - 60_000,
        value: Some(1500.0),
        excess: Some(500.0),
        suppressed: false,
        raise: true,
    };
    let rows = s
        .store
        .transact(move |tx| alerts::apply(tx, &[raise], NOW))
        .await
        .unwrap();
    let alarm = rows[0].id;

    // Moved to Ghent: Ghent's people see its alarm, Brussels' no longer do.
    let mut moved = s.catalog().device(device).cloned().unwrap();
    (
        moved.site_id,
        moved.building_id,
        moved.floor_id,
        moved.zone_id,
        moved.plan,
    ) = ("ghe".into(), None, None, None, None);
    let (status, body) = send(&s, "PUT", &format!("/api/devices/{device}"), &admin, &moved).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let ghent = support::session(&s, "v-ghe", Role::Viewer, &["ghe"]).await;
    let brussels = support::session(&s, "v-bru", Role::Viewer, &["bru"]).await;
    let uri = format!("/api/alarms/{alarm}");
    assert_eq!(
        support::send(&s, "GET", &uri, Some(&ghent), None).await.0,
        StatusCode::OK
    );
    assert_eq!(
        support::send(&s, "GET", &uri, Some(&brussels), None)
            .await
            .0,
        StatusCode::NOT_FOUND
    );

    // Retired: its open alarm closes, saying why, and no rule watches it.
    moved.state = DeviceState::Retired;
    let (status, body) = send(&s, "PUT", &format!("/api/devices/{device}"), &admin, &moved).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, body) = support::send(&s, "GET", &uri, Some(&admin), None).await;
    assert!(body.contains("the device was retired"), "{body}");
    let (_, body) = support::send(&s, "GET", "/api/alarms", Some(&admin), None).await;
    assert!(
        !body.contains(&format!("\"id\":{alarm},")),
        "closed: out of the queue"
    );
    assert!(!s.alerts.thresholds().contains_key(&co2));
    assert!(!s.ingest.is_retired("bru-a-f0-z03-ms") && s.ingest.is_retired(device));
}

#[tokio::test]
async fn a_restart_keeps_what_the_inventory_changed_in_the_simulated_portfolio() {
    let dir = tempfile::tempdir().unwrap();
    let s = state(dir.path()).await;
    let admin = support::admin(&s).await;
    let mut d = s.catalog().device("bru-a-f0-z02-ms").cloned().unwrap();
    d.name = "Renamed in the inventory".into();
    d.state = DeviceState::Retired;
    let (status, body) = send(&s, "PUT", "/api/devices/bru-a-f0-z02-ms", &admin, &d).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    drop(s);
    let s = state(dir.path()).await;
    let again = s.catalog().device("bru-a-f0-z02-ms").cloned().unwrap();
    assert_eq!(
        (again.name.as_str(), again.state),
        ("Renamed in the inventory", DeviceState::Retired)
    );
}

#[tokio::test]
async fn place_ids_are_trimmed_and_other_sites_places_are_not_named_to_managers() {
    let dir = tempfile::tempdir().unwrap();
    let s = state(dir.path()).await;
    let manager = support::session(&s, "m-bru", Role::Manager, &["bru"]).await;
    let mut d = spec("bru-trim", "bru");
    d.building_id = Some(" bru-a ".into());
    d.floor_id = Some("".into());
    let (status, body) = send(&s, "POST", "/api/devices", &manager, &d).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let created: NewDevice = serde_json::from_str(&body).unwrap();
    assert_eq!(
        (
            created.device.building_id.as_deref(),
            created.device.floor_id
        ),
        (Some("bru-a"), None)
    );
    // Another site's building is as unknown as one that does not exist.
    let mut other = spec("bru-other", "bru");
    other.building_id = Some("ams-a".into());
    let (status, body) = send(&s, "POST", "/api/devices", &manager, &other).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        fields(&body).contains(&("building_id".into(), "no building \"ams-a\"".into())),
        "{body}"
    );
    assert!(!body.contains("\"ams\""), "{body}");
}

/// The next snapshot on `ws` (readings and alarms before it are skipped).
async fn next_snapshot(ws: &mut support::Socket) -> cairn_protocol::Snapshot {
    let wait = async {
        loop {
            if let cairn_protocol::ServerMsg::Snapshot { snapshot, .. } =
                support::next_msg(ws).await
            {
                return snapshot;
            }
        }
    };
    tokio::time::timeout(std::time::Duration::from_secs(20), wait)
        .await
        .expect("a snapshot")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn open_sockets_follow_a_device_moved_away_or_added() {
    use futures_util::SinkExt;
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::for_tests(dir.path().to_path_buf());
    config.simulator = true; // provisions the portfolio
    let server = cairn_server::Server::start(config).await.unwrap();
    let s = server.state().clone();
    let admin = support::admin(&s).await;
    let viewer = support::session(&s, "v-bru-ws", Role::Viewer, &["bru"]).await;
    let mut ws = support::ws(server.addr(), &viewer).await;
    let hello = cairn_protocol::ClientMsg::Hello {
        resume: None,
        scope: cairn_protocol::Scope::everything(),
        deflate: false,
        protocol: cairn_protocol::PROTOCOL_VERSION,
    };
    let text = serde_json::to_string(&hello).unwrap();
    ws.send(tokio_tungstenite::tungstenite::Message::Text(text.into()))
        .await
        .unwrap();
    let device = "bru-a-f0-z02-ms";
    let first = next_snapshot(&mut ws).await;
    assert!(first.points.iter().any(|p| p.device_id == device));

    let mut moved = s.catalog().device(device).cloned().unwrap();
    (
        moved.site_id,
        moved.building_id,
        moved.floor_id,
        moved.zone_id,
        moved.plan,
    ) = ("ghe".into(), None, None, None, None);
    let (status, body) = send(&s, "PUT", &format!("/api/devices/{device}"), &admin, &moved).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let after = next_snapshot(&mut ws).await;
    assert!(
        !after.points.iter().any(|p| p.device_id == device),
        "moved to a site the viewer does not see"
    );

    let (status, body) = send(
        &s,
        "POST",
        "/api/devices",
        &admin,
        &spec("bru-added", "bru"),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let added = next_snapshot(&mut ws).await;
    assert!(
        added.points.iter().any(|p| p.device_id == "bru-added"),
        "a new device reaches open tabs"
    );
    server.stop().await.unwrap();
}
