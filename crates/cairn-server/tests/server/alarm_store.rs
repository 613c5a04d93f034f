//! Alarms in the store, on SQLite and on a real PostgreSQL: the database
//! alone keeps one open alarm per rule and point, whatever the concurrency,
//! and the lifecycle (raise, repeat, clear, acknowledge, close, reactivate)
//! leaves its history.

use cairn_protocol::{Condition, RuleSpec, ScopeLevel, Severity};
use cairn_server::store::{
    Store,
    alerts::{self, AlarmWrite, Which},
};

fn spec() -> RuleSpec {
    RuleSpec {
        name: "CO2 high".into(),
        scope: ScopeLevel::Everywhere,
        target: None,
        metric: Some(cairn_protocol::Metric::Co2),
        condition: Condition::Above {
            trigger: 1000.0,
            clear: 900.0,
        },
        on_delay_s: 0,
        off_delay_s: 0,
        severity: Severity::Warning,
        schedule: None,
        enabled: true,
        description: String::new(),
        action: String::new(),
    }
}

fn sample(rule_id: i64, at: i64, value: f64, raise: bool) -> AlarmWrite {
    AlarmWrite::Sample {
        rule_id,
        point: 7,
        site_id: "bru".into(),
        severity: Severity::Warning,
        at,
        value: Some(value),
        excess: Some(value - 1000.0),
        suppressed: false,
        raise,
    }
}

async fn seeded(store: &Store) -> i64 {
    store
        .transact(|tx| alerts::seed(tx, &[spec()], 0))
        .await
        .unwrap();
    store.transact(alerts::rules).await.unwrap()[0].id
}

/// 8 tasks × 25 samples of one rule and point, all at once: every one of
/// them tries to raise. One open alarm, counting 200, peaking at the highest.
async fn concurrent_samples_make_one_alarm(store: Store) {
    let rule = seeded(&store).await;
    let tasks: Vec<_> = (0..8)
        .map(|task| {
            let store = store.clone();
            tokio::spawn(async move {
                for i in 0..25 {
                    let value = 1100.0 + f64::from(task * 25 + i);
                    let write = sample(rule, 1_000 + i64::from(i), value, true);
                    store
                        .transact(move |tx| alerts::apply(tx, &[write], 5))
                        .await
                        .unwrap();
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    let open = store
        .transact(|tx| alerts::alarms(tx, Which::Open, 100))
        .await
        .unwrap();
    assert_eq!(open.len(), 1, "{open:?}");
    assert_eq!(open[0].count, 200);
    assert_eq!(open[0].peak, Some(1100.0 + 199.0));
    assert!(open[0].active);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_keeps_one_open_alarm_under_concurrent_raises() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_sqlite(&dir.path().join("a.sqlite3"))
        .await
        .unwrap();
    concurrent_samples_make_one_alarm(store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_keeps_one_open_alarm_under_concurrent_raises() {
    let pg = super::support::Postgres::start();
    let url = pg.database("alarms").await;
    concurrent_samples_make_one_alarm(Store::connect_postgres(&url).await.unwrap()).await;
}

async fn lifecycle(store: Store) {
    let rule = seeded(&store).await;
    let apply = |writes: Vec<AlarmWrite>| {
        let store = store.clone();
        async move {
            store
                .transact(move |tx| alerts::apply(tx, &writes, 0))
                .await
                .unwrap()
        }
    };
    let clear = |at| AlarmWrite::Clear {
        rule_id: rule,
        point: 7,
        at,
    };
    // Raised, repeated, cleared without acknowledgement: stays open.
    let a = apply(vec![
        sample(rule, 100, 1200.0, true),
        sample(rule, 160, 1500.0, false),
        clear(220),
    ])
    .await;
    assert_eq!(a.len(), 1);
    let id = a[0].id;
    assert_eq!(
        (
            a[0].count,
            a[0].peak,
            a[0].active,
            a[0].cleared_ms,
            a[0].closed_ms
        ),
        (2, Some(1500.0), false, Some(220), None)
    );
    // Back in alarm before anyone acknowledged: the same alarm, reactivated.
    let a = apply(vec![sample(rule, 300, 1100.0, true)]).await;
    assert_eq!(
        (a[0].id, a[0].count, a[0].active, a[0].cleared_ms),
        (id, 3, true, None)
    );
    // Acknowledged while active: stays open until it clears, then closes.
    let acked = store
        .transact(move |tx| alerts::acknowledge(tx, &[id], "olivia", "on my way", 310))
        .await
        .unwrap();
    assert_eq!(
        (acked[0].acked_by.as_deref(), acked[0].closed_ms),
        (Some("olivia"), None)
    );
    let again = store
        .transact(move |tx| alerts::acknowledge(tx, &[id], "bob", "", 311))
        .await
        .unwrap();
    assert!(again.is_empty(), "acknowledged once only");
    let a = apply(vec![clear(400)]).await;
    assert_eq!(a[0].closed_ms, Some(400));
    // The next excursion is a new alarm.
    let a = apply(vec![sample(rule, 500, 1300.0, true)]).await;
    assert_ne!(a[0].id, id);
    let (_, events) = store
        .transact(move |tx| alerts::alarm(tx, id))
        .await
        .unwrap()
        .unwrap();
    let kinds: Vec<&str> = events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "raised",
            "cleared",
            "reactivated",
            "acknowledged",
            "cleared",
            "closed"
        ]
    );
    assert_eq!(events[3].comment.as_deref(), Some("on my way"));
    // Shelving and comments leave their lines too.
    let new = a[0].id;
    let s = store
        .transact(move |tx| alerts::shelve(tx, new, Some(9_999), "olivia", "noisy", 600))
        .await
        .unwrap();
    assert_eq!(s.unwrap().shelved_until_ms, Some(9_999));
    store
        .transact(move |tx| alerts::comment(tx, new, "bob", "checked", 700))
        .await
        .unwrap();
    let (_, events) = store
        .transact(move |tx| alerts::alarm(tx, new))
        .await
        .unwrap()
        .unwrap();
    let kinds: Vec<&str> = events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["raised", "shelved", "commented"]);
    assert_eq!(
        store
            .transact(|tx| alerts::alarms(tx, Which::Closed, 10))
            .await
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn sqlite_alarm_lifecycle_keeps_its_history() {
    let dir = tempfile::tempdir().unwrap();
    lifecycle(
        Store::open_sqlite(&dir.path().join("a.sqlite3"))
            .await
            .unwrap(),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_alarm_lifecycle_keeps_its_history() {
    let pg = super::support::Postgres::start();
    let url = pg.database("lifecycle").await;
    lifecycle(Store::connect_postgres(&url).await.unwrap()).await;
}

/// A message for each new alarm per channel that wants it, an escalation
/// once when it stays unacknowledged past the channel's minutes, none after
/// an acknowledgement; a suppressed alarm tells nobody.
async fn outbox(store: Store) {
    use cairn_server::store::notify;
    let rule = seeded(&store).await;
    let spec = |name: &str, min: Severity, sites: &[&str]| cairn_protocol::ChannelSpec {
        name: name.into(),
        kind: cairn_protocol::ChannelKind::Email,
        target: "ops@example.org".into(),
        secret: None,
        min_severity: min,
        sites: sites.iter().map(|s| s.to_string()).collect(),
        escalate_after_min: Some(15),
        enabled: true,
    };
    let audit = || cairn_server::auth::bootstrap::by_server("channel.create");
    for s in [
        spec("bru warnings", Severity::Warning, &["bru"]),
        spec("critical only", Severity::Critical, &[]),
        spec("ams", Severity::Info, &["ams"]),
    ] {
        let a = audit();
        store
            .transact(move |tx| notify::insert_channel(tx, &s, a))
            .await
            .unwrap();
    }
    let a = store
        .transact(move |tx| alerts::apply(tx, &[sample(rule, 0, 1200.0, true)], 0))
        .await
        .unwrap();
    let due = store
        .transact(|tx| notify::due(tx, i64::MAX, 100))
        .await
        .unwrap();
    let keys: Vec<&str> = due.iter().map(|d| d.key.as_str()).collect();
    assert_eq!(
        keys,
        [format!("alarm-{}-raised-ch1", a[0].id)],
        "only the bru warning channel"
    );
    let at = |min: i64| min * 60_000;
    assert_eq!(
        store
            .transact(move |tx| notify::escalate(tx, at(14)))
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        store
            .transact(move |tx| notify::escalate(tx, at(15)))
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        store
            .transact(move |tx| notify::escalate(tx, at(16)))
            .await
            .unwrap(),
        0,
        "once"
    );
    // Delivered, it is due no more; a failure comes back after its backoff.
    let first = due[0].id;
    store
        .transact(move |tx| notify::delivered(tx, first, 1, None))
        .await
        .unwrap();
    let due = store
        .transact(|tx| notify::due(tx, i64::MAX, 100))
        .await
        .unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].event, "escalated");
    let esc = due[0].id;
    store
        .transact(move |tx| notify::failed(tx, esc, at(30), "refused"))
        .await
        .unwrap();
    assert!(
        store
            .transact(move |tx| notify::due(tx, at(29), 100))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store
            .transact(move |tx| notify::due(tx, at(30), 100))
            .await
            .unwrap()[0]
            .attempts,
        1
    );
    // Acknowledged: no escalation for it. Suppressed: no message at all.
    let id = a[0].id;
    store
        .transact(move |tx| alerts::acknowledge(tx, &[id], "olivia", "", at(31)))
        .await
        .unwrap();
    let clear = AlarmWrite::Clear {
        rule_id: rule,
        point: 7,
        at: at(32),
    };
    store
        .transact(move |tx| alerts::apply(tx, &[clear], 0))
        .await
        .unwrap();
    let mut quiet = sample(rule, at(40), 1300.0, true);
    if let AlarmWrite::Sample { suppressed, .. } = &mut quiet {
        *suppressed = true;
    }
    store
        .transact(move |tx| alerts::apply(tx, &[quiet], 0))
        .await
        .unwrap();
    assert_eq!(
        store
            .transact(move |tx| notify::escalate(tx, at(120)))
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        store
            .transact(move |tx| notify::due(tx, i64::MAX, 100))
            .await
            .unwrap()
            .len(),
        1,
        "only the failed escalation"
    );
}

#[tokio::test]
async fn sqlite_outbox_queues_each_message_once() {
    let dir = tempfile::tempdir().unwrap();
    outbox(
        Store::open_sqlite(&dir.path().join("a.sqlite3"))
            .await
            .unwrap(),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_outbox_queues_each_message_once() {
    let pg = super::support::Postgres::start();
    let url = pg.database("outbox").await;
    outbox(Store::connect_postgres(&url).await.unwrap()).await;
}
