//! Alarms end to end on the server: readings posted through ingest raise
//! them, they reach the socket, and the backtest agrees with the live path
//! on random rules and readings.

use std::collections::HashMap;

use cairn_protocol::{Condition, Metric, RuleSpec, Schedule, ScopeLevel, Severity, Weekday};
use cairn_server::{
    routes::rules::backtest_alarms,
    sim,
    store::alerts::{self, Which},
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::support;

/// A random rule on CO₂ (300–3000 ppm readings): any condition, delays,
/// sometimes a schedule.
fn random_rule(rng: &mut ChaCha8Rng, target: &str, scope: ScopeLevel) -> RuleSpec {
    let a = rng.random_range(500.0..2500.0_f64).round();
    let b = a + rng.random_range(50.0..800.0_f64).round();
    let dead = rng.random_range(0.0..40.0_f64).round();
    let condition = match rng.random_range(0..7) {
        0 => Condition::Above {
            trigger: a,
            clear: a - dead,
        },
        1 => Condition::Below {
            trigger: a,
            clear: a + dead,
        },
        2 => Condition::Outside {
            low: a,
            high: b,
            low_clear: a + dead,
            high_clear: b - dead,
        },
        3 => Condition::Inside {
            low: a,
            high: b,
            low_clear: a - dead,
            high_clear: b + dead,
        },
        4 => Condition::NoData {
            after_s: Some(rng.random_range(300..3600)),
        },
        5 => Condition::Rises {
            per_hour: a,
            clear_per_hour: a / 2.0,
        },
        _ => Condition::Falls {
            per_hour: a,
            clear_per_hour: a / 2.0,
        },
    };
    let delays = [0, 0, 60, 300, 900];
    let schedule = rng.random_bool(0.3).then(|| Schedule {
        days: vec![Weekday::Mon, Weekday::Tue, Weekday::Sat],
        start: "07:00".into(),
        end: "19:00".into(),
    });
    RuleSpec {
        name: "random".into(),
        scope,
        target: Some(target.into()),
        metric: Some(Metric::Co2),
        condition,
        on_delay_s: delays[rng.random_range(0..delays.len())],
        off_delay_s: delays[rng.random_range(0..delays.len())],
        severity: Severity::Warning,
        schedule,
        enabled: true,
        description: String::new(),
        action: String::new(),
    }
}

/// What happened to one point: raise times, clear times, samples, peak.
#[derive(Debug, PartialEq, Default)]
struct History {
    raised: Vec<i64>,
    cleared: Vec<i64>,
    samples: i64,
    peak: Option<f64>,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_backtest_raises_what_the_live_path_raises_for_random_rules_and_readings() {
    let dir = tempfile::tempdir().unwrap();
    let state = support::open_state(dir.path(), Some(42)).await;
    let devices: Vec<String> = (state.catalog().points().iter())
        .filter(|p| p.metric == Metric::Co2)
        .map(|p| p.device_id.clone())
        .collect();
    // Monday 2 November 2026, 00:00 UTC: schedules see weekdays and nights.
    let start = 1_793_577_600_000;
    let mut checked_alarms = 0;
    for case in 0..40u64 {
        let mut rng = ChaCha8Rng::seed_from_u64(case);
        // A device of its own per case: no earlier readings or state.
        let device = &devices[case as usize];
        let key = format!("{device}/co2");
        let point = state.catalog().point_by_key(&key).unwrap().id;
        let spec = if rng.random_bool(0.5) {
            random_rule(&mut rng, &key, ScopeLevel::Point)
        } else {
            random_rule(&mut rng, device, ScopeLevel::Device)
        };
        assert_eq!(spec.problems(), vec![], "case {case}: {spec:?}");
        let audit = cairn_server::auth::bootstrap::by_server("rule.create");
        let stored = spec.clone();
        let rule = state
            .store
            .transact(move |tx| alerts::insert_rule(tx, &stored, None, audit));
        let rule = rule.await.unwrap().id;
        state.alerts.reload(&[]).await.unwrap();

        // A random walk with random gaps, posted in order through ingest.
        let mut t = start;
        let mut value = rng.random_range(300.0..3000.0_f64);
        let n = rng.random_range(20..150);
        for _ in 0..n {
            t += rng.random_range(10_000..1_800_000);
            value = (value + rng.random_range(-400.0..400.0))
                .clamp(300.0, 3000.0)
                .round();
            let pack = sim::senml_pack(device, t, &[(Metric::Co2, value)]);
            state.ingest.ingest_senml(device, &pack, t).await.unwrap();
        }
        let end = t + rng.random_range(0..7_200_000);
        state.alerts.tick_at(end).await.unwrap();

        // Live: what the database holds, with each alarm's history.
        let mut live = History::default();
        let rows = state
            .store
            .transact(|tx| alerts::alarms(tx, Which::All, 10_000))
            .await
            .unwrap();
        let mut rows: Vec<_> = rows.into_iter().filter(|a| a.rule_id == rule).collect();
        rows.sort_by_key(|a| a.id);
        for a in &rows {
            assert_eq!(a.point, point);
            let id = a.id;
            let (_, events) = state
                .store
                .transact(move |tx| alerts::alarm(tx, id))
                .await
                .unwrap()
                .unwrap();
            for e in events {
                match e.kind.as_str() {
                    "raised" | "reactivated" => live.raised.push(e.at),
                    "cleared" => live.cleared.push(e.at),
                    _ => {}
                }
            }
            live.samples += a.count;
            live.peak = peak(&spec, live.peak, a.peak);
        }
        // The backtest over the same stored readings.
        let (would, _) = backtest_alarms(&state, &spec, &[point], start, end + 1)
            .await
            .unwrap();
        let mut back = History::default();
        for a in &would {
            back.raised.push(a.raised_at);
            back.cleared.extend(a.cleared_at);
            back.samples += i64::from(a.count);
            back.peak = peak(&spec, back.peak, a.peak);
        }
        assert_eq!(live, back, "case {case}: {spec:?}");
        checked_alarms += would.len();
    }
    // The cases must exercise something.
    assert!(
        checked_alarms > 40,
        "only {checked_alarms} alarms in 40 cases"
    );
}

/// The value further past the trigger of the two.
fn peak(spec: &RuleSpec, a: Option<f64>, b: Option<f64>) -> Option<f64> {
    let compiled = cairn_server::alerts::scope::compile(0, spec);
    match (a, b) {
        (Some(x), Some(y)) => Some(if compiled.excess(y) > compiled.excess(x) {
            y
        } else {
            x
        }),
        (x, y) => x.or(y),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reading_raises_an_alarm_the_socket_shows_and_an_operator_acknowledges() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = cairn_server::Config::for_tests(dir.path().to_path_buf());
    config.simulator = true; // provisions the portfolio
    config.sim_handed_over = vec!["bru-a-f0-z02-ms".into()];
    let server = cairn_server::Server::start(config).await.unwrap();
    let state = server.state().clone();
    let admin = support::admin(&state).await;
    let rule = r#"{"name":"Leak in the lab","scope":"device","target":"bru-a-f0-z02-ms","metric":"co2",
        "condition":{"kind":"above","trigger":4000,"clear":3500},"on_delay_s":0,"off_delay_s":0,
        "severity":"critical","enabled":true,"action":"Open the windows"}"#;
    let (status, body) =
        support::send(&state, "POST", "/api/rules", Some(&admin), Some(rule)).await;
    assert_eq!(status, 200, "{body}");

    let operator =
        support::session(&state, "olivia", cairn_protocol::Role::Operator, &["bru"]).await;
    let mut ws = support::ws(server.addr(), &operator).await;
    let (replace, _) = support::next_alarms(&mut ws).await;
    assert!(replace, "the queue comes first, whole");

    let now = chrono::Utc::now().timestamp_millis();
    let pack = sim::senml_pack("bru-a-f0-z02-ms", now, &[(Metric::Co2, 4500.0)]);
    state
        .ingest
        .ingest_senml("bru-a-f0-z02-ms", &pack, now)
        .await
        .unwrap();
    let alarm = loop {
        let (_, alarms) = support::next_alarms(&mut ws).await;
        if let Some(a) = alarms
            .into_iter()
            .find(|a| a.rule_name == "Leak in the lab")
        {
            break a;
        }
    };
    assert_eq!(
        (alarm.state, alarm.severity, alarm.value),
        (
            cairn_protocol::AlarmState::Unacknowledged,
            Severity::Critical,
            Some(4500.0)
        )
    );
    assert_eq!(alarm.action, "Open the windows");

    let viewer = support::session(&state, "victor", cairn_protocol::Role::Viewer, &["bru"]).await;
    let ack = format!(r#"{{"ids":[{}],"comment":"window open"}}"#, alarm.id);
    let (status, _) =
        support::send(&state, "POST", "/api/alarms/ack", Some(&viewer), Some(&ack)).await;
    assert_eq!(status, 403, "a viewer cannot acknowledge");
    let (status, body) = support::send(
        &state,
        "POST",
        "/api/alarms/ack",
        Some(&operator),
        Some(&ack),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let acked = loop {
        let (_, alarms) = support::next_alarms(&mut ws).await;
        if let Some(a) = alarms.into_iter().find(|a| a.id == alarm.id) {
            break a;
        }
    };
    assert_eq!(acked.state, cairn_protocol::AlarmState::Acknowledged);
    assert_eq!(acked.ack_comment.as_deref(), Some("window open"));
    assert_eq!(acked.acknowledged_by.as_deref(), Some("olivia"));
    server.stop().await.unwrap();
}

#[tokio::test]
async fn every_bad_field_of_a_rule_is_named_with_the_validators_message() {
    let dir = tempfile::tempdir().unwrap();
    let state = support::open_state(dir.path(), Some(42)).await;
    let admin = support::admin(&state).await;
    let bad = r#"{"name":"","scope":"building","target":"nowhere","metric":"co2",
        "condition":{"kind":"outside","low":27,"high":19,"low_clear":20,"high_clear":26},
        "on_delay_s":-5,"off_delay_s":0,"severity":"warning","enabled":true,
        "schedule":{"days":[],"start":"07:00","end":"07:00"}}"#;
    let (status, body) = support::send(&state, "POST", "/api/rules", Some(&admin), Some(bad)).await;
    assert_eq!(status, 422);
    let body: cairn_protocol::ErrorBody = serde_json::from_str(&body).unwrap();
    let fields: HashMap<String, String> = body
        .details
        .into_iter()
        .map(|d| (d.location.unwrap(), d.message))
        .collect();
    for f in [
        "name",
        "high",
        "on_delay_s",
        "schedule.days",
        "schedule.end",
    ] {
        assert!(fields.contains_key(f), "{f} missing from {fields:?}");
    }
    // The same messages as the shared validator gives the form.
    let spec: RuleSpec = serde_json::from_str(&bad.replace("\n", "")).unwrap();
    for d in spec.problems() {
        assert_eq!(fields[&d.location.unwrap()], d.message);
    }
    // A metric the scope does not have, and an unknown target, need the catalogue.
    let no_leak = bad
        .replace(r#""name":"""#, r#""name":"x""#)
        .replace(
            r#""scope":"building","target":"nowhere""#,
            r#""scope":"device","target":"bru-a-f0-z02-ms""#,
        )
        .replace(r#""metric":"co2""#, r#""metric":"leak""#)
        .replace(r#""low":27,"high":19"#, r#""low":0,"high":1"#)
        .replace(
            r#""low_clear":20,"high_clear":26"#,
            r#""low_clear":0,"high_clear":1"#,
        )
        .replace(r#""on_delay_s":-5"#, r#""on_delay_s":0"#)
        .replace(
            r#""days":[],"start":"07:00","end":"07:00""#,
            r#""days":["mon"],"start":"07:00","end":"19:00""#,
        );
    let (status, body) =
        support::send(&state, "POST", "/api/rules", Some(&admin), Some(&no_leak)).await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains(r#""location":"metric""#), "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_alarm_under_a_maintenance_window_is_kept_marked_and_not_notified() {
    let dir = tempfile::tempdir().unwrap();
    let state = support::open_state(dir.path(), Some(42)).await;
    let admin = support::admin(&state).await;
    let device = "bru-a-f0-z02-ms";
    let rule = format!(
        r#"{{"name":"CO2 very high","scope":"device","target":"{device}","metric":"co2",
        "condition":{{"kind":"above","trigger":3000,"clear":2500}},"on_delay_s":0,"off_delay_s":0,
        "severity":"critical","enabled":true}}"#
    );
    let (status, body) =
        support::send(&state, "POST", "/api/rules", Some(&admin), Some(&rule)).await;
    assert_eq!(status, 200, "{body}");
    let hook = r#"{"name":"Hook","kind":"webhook","target":"http://127.0.0.1:9/x","secret":"0123456789abcdef","min_severity":"info","sites":[],"enabled":true}"#;
    let (status, body) =
        support::send(&state, "POST", "/api/channels", Some(&admin), Some(hook)).await;
    assert_eq!(status, 200, "{body}");
    let now = chrono::Utc::now().timestamp_millis();
    let window = format!(
        r#"{{"scope":"building","target":"bru-a","from":{},"to":{},"reason":"filter change"}}"#,
        now - 60_000,
        now + 3_600_000
    );
    let (status, body) = support::send(
        &state,
        "POST",
        "/api/maintenance",
        Some(&admin),
        Some(&window),
    )
    .await;
    assert_eq!(status, 200, "{body}");

    let pack = sim::senml_pack(device, now, &[(Metric::Co2, 3500.0)]);
    state.ingest.ingest_senml(device, &pack, now).await.unwrap();
    let open = state
        .store
        .transact(|tx| alerts::alarms(tx, Which::Open, 100))
        .await
        .unwrap();
    let mine: Vec<_> = open
        .iter()
        .filter(|a| a.severity == Severity::Critical)
        .collect();
    assert_eq!(mine.len(), 1, "kept: {open:?}");
    assert!(mine[0].suppressed, "marked");
    let queued = state
        .store
        .transact(|tx| cairn_server::store::notify::due(tx, i64::MAX, 100))
        .await
        .unwrap();
    assert!(queued.is_empty(), "not notified: {queued:?}");

    // Ended, the window suppresses no more: the next excursion is notified.
    let id = serde_json::from_str::<serde_json::Value>(&body).unwrap()["id"]
        .as_i64()
        .unwrap();
    let (status, _) = support::send(
        &state,
        "DELETE",
        &format!("/api/maintenance/{id}"),
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(status, 204);
    for (i, v) in [600.0, 3600.0].into_iter().enumerate() {
        let t = now + 1_000 * (i as i64 + 1);
        let pack = sim::senml_pack(device, t, &[(Metric::Co2, v)]);
        state.ingest.ingest_senml(device, &pack, t).await.unwrap();
    }
    // The first alarm was cleared but not acknowledged: the same alarm comes
    // back (reactivated), so acknowledge it and go again.
    let ids: Vec<i64> = mine.iter().map(|a| a.id).collect();
    state
        .store
        .transact(move |tx| alerts::acknowledge(tx, &ids, "olivia", "", now))
        .await
        .unwrap();
    for (i, v) in [600.0, 3700.0].into_iter().enumerate() {
        let t = now + 10_000 + 1_000 * i as i64;
        let pack = sim::senml_pack(device, t, &[(Metric::Co2, v)]);
        state.ingest.ingest_senml(device, &pack, t).await.unwrap();
    }
    let queued = state
        .store
        .transact(|tx| cairn_server::store::notify::due(tx, i64::MAX, 100))
        .await
        .unwrap();
    assert_eq!(queued.len(), 1, "{queued:?}");
    assert_eq!(queued[0].event, "raised");
}

/// The default rules on the simulated portfolio at an instant: devices with
/// an active warning or critical alarm (what the map colours), and devices
/// the old fixed thresholds would have coloured (temperature under 19 °C or
/// any point past DOMAIN.md's limits).
async fn portfolio_at(now: i64, run_on_ms: i64) -> (usize, usize, usize) {
    let dir = tempfile::tempdir().unwrap();
    let state = support::open_state(dir.path(), Some(42)).await;
    let portfolio = sim::portfolio(42);
    sim::Simulator::prepare_until(&portfolio, &state.ingest, 42, 1, now)
        .await
        .unwrap();
    let latest = state.store.latest_readings().await.unwrap();
    state.alerts.reload(&latest).await.unwrap();
    // Delays run on (the values held, as between readings).
    state.alerts.tick_at(now + run_on_ms).await.unwrap();
    let open = state
        .store
        .transact(|tx| alerts::alarms(tx, Which::Open, i64::MAX))
        .await
        .unwrap();
    let coloured: std::collections::HashSet<String> = (open.iter())
        .filter(|a| a.active && a.severity >= Severity::Warning)
        .filter_map(|a| state.catalog().point(a.point).map(|p| p.device_id.clone()))
        .collect();
    let old: std::collections::HashSet<String> = (latest.iter())
        .filter_map(|r| {
            let p = state.catalog().point(r.point).cloned()?;
            let t = p.metric.default_thresholds()?;
            let beyond = t.warn_below.is_some_and(|b| r.value < b)
                || t.warn_above.is_some_and(|a| r.value > a);
            beyond.then(|| p.device_id.clone())
        })
        .collect();
    (
        coloured.len(),
        old.len(),
        state.catalog().model.devices.len(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_night_the_map_shows_what_the_rules_say_not_the_set_back() {
    // Sunday 29 November 2026, 04:20 in Brussels (03:20 UTC).
    let night = chrono::DateTime::parse_from_rfc3339("2026-11-29T04:20:00+01:00")
        .unwrap()
        .timestamp_millis();
    let (coloured, old, devices) = portfolio_at(night, 60_000).await;
    println!(
        "Sunday 04:20: {coloured} of {devices} devices coloured by the rules; fixed thresholds would colour {old}"
    );
    assert!(
        old > devices / 3,
        "the set-back is there: {old} of {devices}"
    );
    assert!(
        coloured * 20 < devices,
        "{coloured} of {devices} coloured at night"
    );
}

#[tokio::test]
async fn charts_get_their_threshold_bands_from_the_rules() {
    let dir = tempfile::tempdir().unwrap();
    let state = support::open_state(dir.path(), Some(42)).await;
    let admin = support::admin(&state).await;
    let thresholds = |body: String, metric: &str| -> serde_json::Value {
        let page: serde_json::Value = serde_json::from_str(&body).unwrap();
        let items = page["items"].as_array().unwrap();
        let p = items.iter().find(|p| p["metric"] == metric);
        let p = p.unwrap_or_else(|| panic!("no {metric} in {body}"));
        p["thresholds"].clone()
    };
    let uri = "/api/points?device=bru-a-f0-z02-ms";
    let (_, body) = support::send(&state, "GET", uri, Some(&admin), None).await;
    // The default rules: DOMAIN.md's limits.
    assert_eq!(
        thresholds(body.clone(), "co2"),
        serde_json::json!({"warn_below": null, "warn_above": 1000.0, "critical_below": null, "critical_above": 2000.0})
    );
    assert_eq!(thresholds(body, "air_temperature")["warn_below"], 19.0);
    // A tighter rule on this device moves the warning line; another device keeps its own.
    let rule = r#"{"name":"Lab CO2","scope":"device","target":"bru-a-f0-z02-ms","metric":"co2",
        "condition":{"kind":"above","trigger":800,"clear":750},"on_delay_s":0,"off_delay_s":0,
        "severity":"warning","enabled":true}"#;
    let (status, _) = support::send(&state, "POST", "/api/rules", Some(&admin), Some(rule)).await;
    assert_eq!(status, 200);
    let (_, body) = support::send(&state, "GET", uri, Some(&admin), None).await;
    assert_eq!(thresholds(body, "co2")["warn_above"], 800.0);
    let uri = "/api/points?site=bru&metric=co2&limit=5";
    let (_, body) = support::send(&state, "GET", uri, Some(&admin), None).await;
    let page: serde_json::Value = serde_json::from_str(&body).unwrap();
    let other = (page["items"].as_array().unwrap().iter())
        .find(|p| p["device_id"] != "bru-a-f0-z02-ms")
        .unwrap();
    assert_eq!(other["thresholds"]["warn_above"], 1000.0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delay_in_progress_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let device = "bru-a-f0-z02-ms";
    let t0 = chrono::Utc::now().timestamp_millis();
    {
        let state = support::open_state(dir.path(), Some(42)).await;
        let admin = support::admin(&state).await;
        let rule = format!(
            r#"{{"name":"CO2 held","scope":"device","target":"{device}","metric":"co2",
            "condition":{{"kind":"above","trigger":3000,"clear":2500}},"on_delay_s":300,"off_delay_s":0,
            "severity":"critical","enabled":true}}"#
        );
        let (status, _) =
            support::send(&state, "POST", "/api/rules", Some(&admin), Some(&rule)).await;
        assert_eq!(status, 200);
        // Two readings in alarm: a restart that only re-read the newest one
        // would start the delay at t0 + 100 s, not t0.
        for t in [t0, t0 + 100_000] {
            let pack = sim::senml_pack(device, t, &[(Metric::Co2, 3500.0)]);
            state.ingest.ingest_senml(device, &pack, t).await.unwrap();
        }
        state.alerts.tick_at(t0 + 200_000).await.unwrap();
        let open = state
            .store
            .transact(|tx| alerts::alarms(tx, Which::Open, 100))
            .await
            .unwrap();
        assert!(
            open.iter().all(|a| a.severity != Severity::Critical),
            "not yet: {open:?}"
        );
    }
    // A new process on the same database: the on-delay still counts from t0.
    let state = support::open_state(dir.path(), Some(42)).await;
    state.alerts.tick_at(t0 + 299_000).await.unwrap();
    let critical = |open: Vec<alerts::AlarmRow>| -> Vec<i64> {
        open.iter()
            .filter(|a| a.severity == Severity::Critical)
            .map(|a| a.raised_ms)
            .collect()
    };
    let open = state
        .store
        .transact(|tx| alerts::alarms(tx, Which::Open, 100))
        .await
        .unwrap();
    assert_eq!(critical(open), Vec::<i64>::new());
    state.alerts.tick_at(t0 + 301_000).await.unwrap();
    let open = state
        .store
        .transact(|tx| alerts::alarms(tx, Which::Open, 100))
        .await
        .unwrap();
    // Raised when the delay ran out. (In occupied hours the default "CO₂
    // very high" rule, 300 s too, raises with it: both kept their start.)
    let raised = critical(open);
    assert!(
        !raised.is_empty() && raised.iter().all(|&t| t == t0 + 300_000),
        "{raised:?} vs {t0}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn history_is_judged_where_it_ends_and_a_disabled_rule_closes_its_alarms() {
    let dir = tempfile::tempdir().unwrap();
    let state = support::open_state(dir.path(), Some(42)).await;
    let admin = support::admin(&state).await;
    let device = "bru-a-f0-z02-ms";
    let now = chrono::Utc::now().timestamp_millis();
    // A gateway's backlog: stored, not evaluated reading by reading…
    let packs = vec![(
        device.to_owned(),
        sim::senml_pack(device, now - 60_000, &[(Metric::Battery, 5.0)]),
    )];
    state.ingest.ingest_history(&packs, now).await.unwrap();
    let battery = |open: &[alerts::AlarmRow]| {
        let p = state
            .catalog()
            .point_by_key(&format!("{device}/battery"))
            .unwrap()
            .id;
        open.iter().filter(|a| a.point == p && a.active).count()
    };
    let open = state
        .store
        .transact(|tx| alerts::alarms(tx, Which::Open, 1_000))
        .await
        .unwrap();
    assert_eq!(battery(&open), 0);
    // …but where it ends is judged on a reload (after a backfill, a rule change).
    state
        .alerts
        .reload(&state.store.latest_readings().await.unwrap())
        .await
        .unwrap();
    let open = state
        .store
        .transact(|tx| alerts::alarms(tx, Which::Open, 1_000))
        .await
        .unwrap();
    assert_eq!(battery(&open), 2, "Battery low and Battery empty: {open:?}");

    // Disabling a rule closes its open alarms, with a line in their history.
    let rules = state.store.transact(alerts::rules).await.unwrap();
    let empty = rules
        .iter()
        .find(|r| r.spec.name == "Battery empty")
        .unwrap();
    let mut spec = empty.spec.clone();
    spec.enabled = false;
    let uri = format!("/api/rules/{}", empty.id);
    let body = serde_json::to_string(&spec).unwrap();
    let (status, body) = support::send(&state, "PUT", &uri, Some(&admin), Some(&body)).await;
    assert_eq!(status, 200, "{body}");
    let open = state
        .store
        .transact(|tx| alerts::alarms(tx, Which::Open, 1_000))
        .await
        .unwrap();
    assert_eq!(battery(&open), 1, "only Battery low is left");
    let closed = state
        .store
        .transact(|tx| alerts::alarms(tx, Which::Closed, 10))
        .await
        .unwrap();
    let id = closed[0].id;
    let (_, events) = state
        .store
        .transact(move |tx| alerts::alarm(tx, id))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        events.last().unwrap().comment.as_deref(),
        Some("the rule no longer watches this point")
    );
}
