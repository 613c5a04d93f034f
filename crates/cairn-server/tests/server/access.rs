//! Who may do what, on which sites: every endpoint × every role × own/other
//! site, by status code, and that no answer to a non-admin carries anything
//! of a site they are not granted. The table must name every endpoint the
//! API describes (and the API describes every route it has: see
//! `routes::openapi`), so a new endpoint without an entry fails this test.
//! The same for socket subscriptions, on a real server.

use crate::support;

use std::collections::BTreeSet;

use axum::http::StatusCode;
use cairn_protocol::{ClientMsg, Role, Scope, ServerMsg};
use futures_util::SinkExt;
use support::{Session, next_msg};
use tokio_tungstenite::tungstenite::Message;

const OWN: &str = "bru";
const OTHER: &str = "ams";

/// Callers, in the order of the expected-status columns.
const WHO: [Option<Role>; 5] = [
    None,
    Some(Role::Viewer),
    Some(Role::Operator),
    Some(Role::Manager),
    Some(Role::Admin),
];

/// One endpoint: the request on the caller's own site and on another, and
/// the status each caller gets (anonymous, viewer, operator, manager, admin).
struct Case {
    method: &'static str,
    path: &'static str,
    own: String,
    other: String,
    body: Option<String>,
    expect_own: [u16; 5],
    expect_other: [u16; 5],
}

fn case(
    method: &'static str,
    path: &'static str,
    own: impl Into<String>,
    other: impl Into<String>,
    expect_own: [u16; 5],
    expect_other: [u16; 5],
) -> Case {
    Case {
        method,
        path,
        own: own.into(),
        other: other.into(),
        body: None,
        expect_own,
        expect_other,
    }
}

const PUBLIC: [u16; 5] = [200; 5];
const READ: [u16; 5] = [401, 200, 200, 200, 200];
/// A single item of another site: as if it did not exist (admins see it).
const HIDDEN: [u16; 5] = [401, 404, 404, 404, 200];
const ADMIN: [u16; 5] = [401, 403, 403, 403, 200];
const DEVICES_ONLY: [u16; 5] = [401; 5];

/// A rule on `site` as the API takes it.
fn rule_json(site: &str) -> String {
    format!(
        r#"{{"name":"CO2 {site}","scope":"site","target":"{site}","metric":"co2","condition":{{"kind":"above","trigger":1500,"clear":1400}},"on_delay_s":0,"off_delay_s":0,"severity":"warning","enabled":true}}"#
    )
}

/// Rules and alarms on each site for the alert endpoints to act on.
struct Alerts {
    rule: [i64; 2],
    alarm: [i64; 2],
    /// Two to change and read, two to delete.
    channel: [i64; 4],
}

/// A rule stored on `site` (not through the API: that is under test).
async fn stored_rule(s: &cairn_server::AppState, site: &str) -> i64 {
    use cairn_server::store::alerts;
    let spec: cairn_protocol::RuleSpec = serde_json::from_str(&rule_json(site)).unwrap();
    let site = site.to_owned();
    let audit = cairn_server::auth::bootstrap::by_server("rule.create");
    let r = s
        .store
        .transact(move |tx| alerts::insert_rule(tx, &spec, Some(&site), audit));
    r.await.unwrap().id
}

async fn alerts_fixture(s: &cairn_server::AppState) -> Alerts {
    use cairn_server::store::alerts::{self, AlarmWrite};
    let rule = [stored_rule(s, OWN).await, stored_rule(s, OTHER).await];
    let mut alarm = [0; 2];
    for (i, site) in [OWN, OTHER].into_iter().enumerate() {
        let point = s
            .catalog()
            .point_by_key(&format!("{site}-a-f0-z02-ms/co2"))
            .unwrap()
            .id;
        let write = AlarmWrite::Sample {
            rule_id: rule[i],
            point,
            site_id: site.into(),
            severity: cairn_protocol::Severity::Warning,
            at: 1_000,
            value: Some(1600.0),
            excess: Some(100.0),
            suppressed: false,
            raise: true,
        };
        let rows = s
            .store
            .transact(move |tx| alerts::apply(tx, &[write], 1_000));
        alarm[i] = rows.await.unwrap()[0].id;
    }
    s.alerts.reload(&[]).await.unwrap();
    let mut channel = [0; 4];
    for c in &mut channel {
        let spec: cairn_protocol::ChannelSpec = serde_json::from_str(CHANNEL).unwrap();
        let audit = cairn_server::auth::bootstrap::by_server("channel.create");
        let id = s
            .store
            .transact(move |tx| cairn_server::store::notify::insert_channel(tx, &spec, audit));
        *c = id.await.unwrap();
    }
    Alerts {
        rule,
        alarm,
        channel,
    }
}

const CHANNEL: &str = r#"{"name":"Ops","kind":"email","target":"ops@example.org","min_severity":"warning","sites":[],"enabled":true}"#;

/// A maintenance window on `site`'s e2e device, running now for an hour.
fn window_json(site: &str) -> String {
    let now = chrono::Utc::now().timestamp_millis();
    format!(
        r#"{{"scope":"device","target":"{site}-a-f0-z02-ms","from":{now},"to":{},"reason":"filter change"}}"#,
        now + 3_600_000
    )
}

async fn stored_window(s: &cairn_server::AppState, site: &str) -> i64 {
    let spec: cairn_protocol::WindowSpec = serde_json::from_str(&window_json(site)).unwrap();
    let audit = cairn_server::auth::bootstrap::by_server("maintenance.create");
    let site = site.to_owned();
    let w = s
        .store
        .transact(move |tx| cairn_server::store::maintenance::insert(tx, &spec, &site, audit));
    w.await.unwrap().window.id
}

const MANAGE: [u16; 5] = [401, 403, 403, 200, 200];
const MANAGE_OTHER: [u16; 5] = [401, 403, 403, 403, 200];
const OPERATE: [u16; 5] = [401, 403, 200, 200, 200];
const OPERATE_OTHER: [u16; 5] = [401, 403, 404, 404, 200];

fn alert_cases(a: &Alerts) -> Vec<Case> {
    let [rule_own, rule_other] = a.rule;
    let [alarm_own, alarm_other] = a.alarm;
    let [ch_a, ch_b, ch_c, ch_d] = a.channel;
    vec![
        case(
            "GET",
            "/api/maintenance",
            "/api/maintenance",
            "/api/maintenance",
            READ,
            READ,
        ),
        case(
            "POST",
            "/api/maintenance",
            format!("/api/maintenance?for={OWN}"),
            format!("/api/maintenance?for={OTHER}"),
            MANAGE,
            MANAGE_OTHER,
        ),
        // A fresh window for each request (see below): an ended one is over.
        case(
            "DELETE",
            "/api/maintenance/{id}",
            format!("/api/maintenance/fresh?for={OWN}"),
            format!("/api/maintenance/fresh?for={OTHER}"),
            [401, 403, 403, 204, 204],
            [401, 403, 403, 404, 204],
        ),
        case(
            "GET",
            "/api/channels",
            "/api/channels",
            "/api/channels",
            ADMIN,
            ADMIN,
        ),
        case(
            "POST",
            "/api/channels",
            "/api/channels",
            "/api/channels",
            ADMIN,
            ADMIN,
        ),
        case(
            "PUT",
            "/api/channels/{id}",
            format!("/api/channels/{ch_a}"),
            format!("/api/channels/{ch_b}"),
            ADMIN,
            ADMIN,
        ),
        // Each admin request deletes its own channel; the others are refused before.
        case(
            "DELETE",
            "/api/channels/{id}",
            format!("/api/channels/{ch_c}"),
            format!("/api/channels/{ch_d}"),
            [401, 403, 403, 403, 204],
            [401, 403, 403, 403, 204],
        ),
        case(
            "GET",
            "/api/channels/{id}/deliveries",
            format!("/api/channels/{ch_a}/deliveries"),
            format!("/api/channels/{ch_b}/deliveries"),
            ADMIN,
            ADMIN,
        ),
        case("GET", "/api/rules", "/api/rules", "/api/rules", READ, READ),
        // The site a new rule is for is in its body; `?for=` only tells this table which body.
        case(
            "POST",
            "/api/rules",
            format!("/api/rules?for={OWN}"),
            format!("/api/rules?for={OTHER}"),
            MANAGE,
            MANAGE_OTHER,
        ),
        case(
            "PUT",
            "/api/rules/{id}",
            format!("/api/rules/{rule_own}?for={OWN}"),
            format!("/api/rules/{rule_other}?for={OTHER}"),
            MANAGE,
            [401, 403, 403, 404, 200],
        ),
        // A fresh rule for each request (see below): a deleted one is gone.
        case(
            "DELETE",
            "/api/rules/{id}",
            format!("/api/rules/fresh?for={OWN}"),
            format!("/api/rules/fresh?for={OTHER}"),
            [401, 403, 403, 204, 204],
            [401, 403, 403, 404, 204],
        ),
        case(
            "POST",
            "/api/rules/backtest",
            format!("/api/rules/backtest?for={OWN}"),
            format!("/api/rules/backtest?for={OTHER}"),
            MANAGE,
            MANAGE_OTHER,
        ),
        case(
            "GET",
            "/api/alarms",
            "/api/alarms",
            "/api/alarms?state=all",
            READ,
            READ,
        ),
        case(
            "GET",
            "/api/alarms/{id}",
            format!("/api/alarms/{alarm_own}"),
            format!("/api/alarms/{alarm_other}"),
            READ,
            HIDDEN,
        ),
        case(
            "POST",
            "/api/alarms/ack",
            format!("/api/alarms/ack?id={alarm_own}"),
            format!("/api/alarms/ack?id={alarm_other}"),
            OPERATE,
            OPERATE_OTHER,
        ),
        case(
            "POST",
            "/api/alarms/{id}/shelve",
            format!("/api/alarms/{alarm_own}/shelve"),
            format!("/api/alarms/{alarm_other}/shelve"),
            OPERATE,
            OPERATE_OTHER,
        ),
        case(
            "POST",
            "/api/alarms/{id}/comments",
            format!("/api/alarms/{alarm_own}/comments"),
            format!("/api/alarms/{alarm_other}/comments"),
            OPERATE,
            OPERATE_OTHER,
        ),
    ]
}

/// Whether `path` is one of the alert endpoints (their bodies: `alert_body`).
fn is_alert(path: &str) -> bool {
    [
        "/api/rules",
        "/api/alarms",
        "/api/channels",
        "/api/maintenance",
    ]
    .iter()
    .any(|p| path.starts_with(p))
}

/// The body of a request to an alert endpoint, by its URI.
fn alert_body(path: &str, uri: &str) -> Option<String> {
    let site = if uri.contains(&format!("for={OTHER}")) {
        OTHER
    } else {
        OWN
    };
    match path {
        "/api/rules" | "/api/rules/{id}" if !uri.contains("fresh") => Some(rule_json(site)),
        "/api/rules/backtest" => Some(format!(r#"{{"rule":{},"days":7}}"#, rule_json(site))),
        "/api/alarms/ack" => Some(format!(
            r#"{{"ids":[{}],"comment":"seen"}}"#,
            uri.split("id=").nth(1)?
        )),
        "/api/alarms/{id}/shelve" => Some(r#"{"until":null,"comment":""}"#.into()),
        "/api/alarms/{id}/comments" => Some(r#"{"comment":"checked"}"#.into()),
        "/api/channels" | "/api/channels/{id}" => Some(CHANNEL.into()),
        "/api/maintenance" => Some(window_json(site)),
        _ => None,
    }
}

fn table(s: &cairn_server::AppState, victim: i64, alerts: &Alerts) -> Vec<Case> {
    let point = |site: &str| {
        s.catalog()
            .point_by_key(&format!("{site}-a-f0-z02-ms/co2"))
            .unwrap()
            .id
    };
    let (p_own, p_other) = (point(OWN), point(OTHER));
    let series = |p: u32| format!("/api/series?point={p}&from=0&to=86400000&px=100");
    let dev = |site: &str| format!("{site}-a-f0-z02-ms");
    let mut cases = vec![
        case(
            "GET",
            "/api/health",
            "/api/health",
            "/api/health",
            PUBLIC,
            PUBLIC,
        ),
        case(
            "GET",
            "/api/auth/me",
            "/api/auth/me",
            "/api/auth/me",
            READ,
            READ,
        ),
        case(
            "POST",
            "/api/auth/logout",
            "/api/auth/logout",
            "/api/auth/logout",
            [401, 204, 204, 204, 204],
            [401, 204, 204, 204, 204],
        ),
        case(
            "GET",
            "/api/snapshot",
            "/api/snapshot",
            "/api/snapshot",
            READ,
            READ,
        ),
        case(
            "GET",
            "/api/sites",
            format!("/api/sites?site={OWN}"),
            format!("/api/sites?site={OTHER}"),
            READ,
            READ,
        ),
        case(
            "GET",
            "/api/buildings",
            format!("/api/buildings?site={OWN}"),
            format!("/api/buildings?site={OTHER}"),
            READ,
            READ,
        ),
        case(
            "GET",
            "/api/floors",
            format!("/api/floors?site={OWN}"),
            format!("/api/floors?site={OTHER}"),
            READ,
            READ,
        ),
        case(
            "GET",
            "/api/floors/{id}/plan.svg",
            format!("/api/floors/{OWN}-a-f0/plan.svg"),
            format!("/api/floors/{OTHER}-a-f0/plan.svg"),
            READ,
            HIDDEN,
        ),
        case(
            "GET",
            "/api/zones",
            format!("/api/zones?site={OWN}"),
            format!("/api/zones?q={OTHER}"),
            READ,
            READ,
        ),
        case(
            "GET",
            "/api/devices",
            format!("/api/devices?site={OWN}"),
            format!("/api/devices?q={OTHER}-a"),
            READ,
            READ,
        ),
        case(
            "GET",
            "/api/devices/{id}",
            format!("/api/devices/{}", dev(OWN)),
            format!("/api/devices/{}", dev(OTHER)),
            READ,
            HIDDEN,
        ),
        case(
            "GET",
            "/api/inventory/export.csv",
            format!("/api/inventory/export.csv?site={OWN}"),
            format!("/api/inventory/export.csv?q={OTHER}-a"),
            READ,
            READ,
        ),
        // A plan of one row changing the site's device's name: a manager of
        // another site is told per row, not refused as a whole.
        case(
            "POST",
            "/api/inventory/import",
            format!("/api/inventory/import?for={OWN}"),
            format!("/api/inventory/import?for={OTHER}"),
            [401, 403, 403, 200, 200],
            [401, 403, 403, 200, 200],
        ),
        case(
            "GET",
            "/api/devices/{id}/history",
            format!("/api/devices/{}/history", dev(OWN)),
            format!("/api/devices/{}/history", dev(OTHER)),
            READ,
            HIDDEN,
        ),
        case(
            "GET",
            "/api/fleet/health",
            "/api/fleet/health",
            "/api/fleet/health",
            READ,
            READ,
        ),
        // A new device per request (filled in below), on the site `for` names.
        case(
            "POST",
            "/api/devices",
            format!("/api/devices?for={OWN}"),
            format!("/api/devices?for={OTHER}"),
            [401, 403, 403, 201, 201],
            [401, 403, 403, 403, 201],
        ),
        // The device as it is, put back.
        case(
            "PUT",
            "/api/devices/{id}",
            format!("/api/devices/{}", dev(OWN)),
            format!("/api/devices/{}", dev(OTHER)),
            [401, 403, 403, 200, 200],
            [401, 403, 403, 404, 200],
        ),
        case(
            "GET",
            "/api/points",
            format!("/api/points?device={}", dev(OWN)),
            format!("/api/points?device={}", dev(OTHER)),
            READ,
            READ,
        ),
        case(
            "GET",
            "/api/series",
            series(p_own),
            series(p_other),
            READ,
            HIDDEN,
        ),
        // Device ingest never accepts a user session, whoever holds it.
        case(
            "POST",
            "/api/ingest/senml",
            "/api/ingest/senml",
            "/api/ingest/senml",
            DEVICES_ONLY,
            DEVICES_ONLY,
        ),
        case(
            "POST",
            "/api/ingest/json",
            "/api/ingest/json",
            "/api/ingest/json",
            DEVICES_ONLY,
            DEVICES_ONLY,
        ),
        case(
            "GET",
            "/api/integrations",
            "/api/integrations",
            "/api/integrations",
            ADMIN,
            ADMIN,
        ),
        case(
            "GET",
            "/api/integrations/waiting",
            "/api/integrations/waiting",
            "/api/integrations/waiting",
            ADMIN,
            ADMIN,
        ),
        case(
            "POST",
            "/api/integrations",
            "/api/integrations",
            "/api/integrations",
            [401, 403, 403, 403, 201],
            [401, 403, 403, 403, 201],
        ),
        // Roles are checked before the integration is looked for.
        case(
            "PUT",
            "/api/integrations/{id}",
            "/api/integrations/none",
            "/api/integrations/none",
            [401, 403, 403, 403, 404],
            [401, 403, 403, 403, 404],
        ),
        case(
            "DELETE",
            "/api/integrations/{id}",
            "/api/integrations/none",
            "/api/integrations/none",
            [401, 403, 403, 403, 404],
            [401, 403, 403, 403, 404],
        ),
        case(
            "POST",
            "/api/integrations/claim",
            "/api/integrations/claim",
            "/api/integrations/claim",
            [401, 403, 403, 403, 404],
            [401, 403, 403, 403, 404],
        ),
        case(
            "DELETE",
            "/api/integrations/{id}/waiting/{identifier}",
            "/api/integrations/none/waiting/70b3d57ed0000001",
            "/api/integrations/none/waiting/70b3d57ed0000001",
            [401, 403, 403, 403, 404],
            [401, 403, 403, 403, 404],
        ),
        // A network server's webhook takes its secret, never a session.
        case(
            "POST",
            "/api/integrations/{id}/uplink",
            "/api/integrations/none/uplink",
            "/api/integrations/none/uplink",
            DEVICES_ONLY,
            DEVICES_ONLY,
        ),
        case(
            "GET",
            "/api/metrics",
            "/api/metrics",
            "/api/metrics",
            READ,
            READ,
        ),
        case(
            "POST",
            "/api/metrics",
            "/api/metrics",
            "/api/metrics",
            [401, 403, 403, 403, 201],
            [401, 403, 403, 403, 201],
        ),
        // Roles first; a built-in metric is no admin's to change.
        case(
            "PUT",
            "/api/metrics/{name}",
            "/api/metrics/co2",
            "/api/metrics/co2",
            [401, 403, 403, 403, 404],
            [401, 403, 403, 403, 404],
        ),
        // A plain GET is no upgrade (400), but the session is checked first; real sockets are below.
        case(
            "GET",
            "/api/ws",
            "/api/ws",
            "/api/ws",
            [401, 400, 400, 400, 400],
            [401, 400, 400, 400, 400],
        ),
        case(
            "GET",
            "/api/users",
            "/api/users",
            "/api/users",
            ADMIN,
            ADMIN,
        ),
        case(
            "GET",
            "/api/audit",
            "/api/audit",
            "/api/audit?target=user",
            ADMIN,
            ADMIN,
        ),
        case(
            "PATCH",
            "/api/users/{id}",
            format!("/api/users/{victim}"),
            format!("/api/users/{victim}"),
            ADMIN,
            ADMIN,
        ),
        case(
            "POST",
            "/api/users/{id}/password",
            format!("/api/users/{victim}/password"),
            format!("/api/users/{victim}/password"),
            ADMIN,
            ADMIN,
        ),
        case(
            "POST",
            "/api/devices/{id}/token",
            format!("/api/devices/{}/token", dev(OWN)),
            format!("/api/devices/{}/token", dev(OTHER)),
            ADMIN,
            ADMIN,
        ),
        // Signing in is public; these credentials are wrong for everyone.
        case(
            "POST",
            "/api/auth/login",
            "/api/auth/login",
            "/api/auth/login",
            [401; 5],
            [401; 5],
        ),
    ];
    for c in &mut cases {
        c.body = match c.path {
            "/api/users/{id}" => Some(r#"{"display_name":"Renamed"}"#.into()),
            "/api/ingest/senml" => Some(r#"[{"n":"co2","u":"ppm","v":500}]"#.into()),
            "/api/ingest/json" => Some(r#"{"co2":500}"#.into()),
            _ => None,
        };
    }
    // Creating a user: a new name per request, so only the role decides.
    let mut create = case(
        "POST",
        "/api/users",
        "/api/users",
        "/api/users",
        ADMIN,
        ADMIN,
    );
    create.body = Some(String::new()); // filled per request below
    cases.push(create);
    cases.extend(alert_cases(alerts));
    for c in &mut cases {
        if is_alert(c.path) {
            c.body = alert_body(c.path, &c.own);
        }
    }
    cases
}

/// Text of another site in a body: its id as a value or as an id prefix.
fn leaks_other_site(body: &str) -> bool {
    body.contains(&format!("\"{OTHER}\"")) || body.contains(&format!("{OTHER}-"))
}

#[tokio::test]
async fn every_endpoint_checks_role_and_site_for_every_caller() {
    let dir = tempfile::tempdir().unwrap();
    let s = support::open_state(dir.path(), Some(42)).await;
    // The user the admin endpoints act on.
    support::session(&s, "victim", Role::Viewer, &[OWN]).await;
    let victim_id = s
        .store
        .user_for_login("victim")
        .await
        .unwrap()
        .unwrap()
        .0
        .id;
    let alerts = alerts_fixture(&s).await;
    let cases = table(&s, victim_id, &alerts);

    // The table covers exactly the endpoints the API has.
    let (_, doc) = cairn_server::routes::api();
    let doc = serde_json::to_value(doc).unwrap();
    let mut described = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            if ["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                described.insert(format!("{} {path}", method.to_uppercase()));
            }
        }
    }
    let tabled: BTreeSet<String> = cases
        .iter()
        .map(|c| format!("{} {}", c.method, c.path))
        .collect();
    assert_eq!(
        tabled, described,
        "every endpoint needs a row in this table (left: table, right: the API)"
    );

    let mut failures = Vec::new();
    let mut n = 0;
    for c in &cases {
        for (col, who) in WHO.iter().enumerate() {
            for (uri, expect) in [(&c.own, c.expect_own), (&c.other, c.expect_other)] {
                let session: Option<Session> = match who {
                    None => None,
                    Some(role) => {
                        let sites: &[&str] = if *role == Role::Admin { &[] } else { &[OWN] };
                        Some(
                            support::session(&s, &format!("t-{}", role.name()), *role, sites).await,
                        )
                    }
                };
                n += 1;
                let body = match (c.method, c.path) {
                    ("POST", "/api/devices") => {
                        let site = uri.split("for=").nth(1).unwrap_or(OWN);
                        Some(format!(
                            r#"{{"id":"made-{n}","name":"New","kind":"thermometer","site_id":"{site}"}}"#
                        ))
                    }
                    ("POST", "/api/metrics") => Some(format!(
                        r#"{{"name":"access_probe_{n}","label":"Probe","unit":"","min":0,"max":1,"precision":0}}"#
                    )),
                    ("PUT", "/api/metrics/{name}") => Some(
                        r#"{"name":"co2","label":"CO2","unit":"ppm","min":0,"max":1,"precision":0}"#.into(),
                    ),
                    ("POST", "/api/integrations") => Some(format!(
                        r#"{{"id":"made-{n}","kind":"tts","name":"New","secret":"0123456789abcdef"}}"#
                    )),
                    ("PUT", "/api/integrations/{id}") => {
                        Some(r#"{"id":"none","kind":"tts","name":"New"}"#.into())
                    }
                    ("POST", "/api/integrations/claim") => Some(
                        r#"{"integration_id":"none","identifier":"70b3d57ed0000001","device":{"id":"c1","name":"C","kind":"thermometer","site_id":"bru"}}"#.into(),
                    ),
                    ("POST", "/api/inventory/import") => {
                        let site = uri.split("for=").nth(1).unwrap_or(OWN);
                        Some(format!("id,name\n{site}-a-f0-z02-ms,Renamed by import\n"))
                    }
                    ("PUT", "/api/devices/{id}") => {
                        let id = uri.rsplit('/').next().unwrap();
                        let d = s.catalog().device(id).cloned().unwrap();
                        Some(serde_json::to_string(&d).unwrap())
                    }
                    _ => c.body.clone(),
                };
                let body = match (c.path, &body) {
                    ("/api/users", Some(_)) => Some(format!(
                        r#"{{"username":"made-{n}","display_name":"New","role":"viewer","sites":["bru"]}}"#
                    )),
                    // A new unknown account each time: the limiter counts per account.
                    ("/api/auth/login", _) => Some(format!(
                        r#"{{"username":"nobody-{n}","password":"not the password"}}"#
                    )),
                    (path, _) if is_alert(path) => alert_body(path, uri),
                    (_, b) => b.clone(),
                };
                let fresh;
                let uri = if uri.contains("/api/rules/fresh") {
                    let site = if uri.contains(OTHER) { OTHER } else { OWN };
                    fresh = format!("/api/rules/{}", stored_rule(&s, site).await);
                    &fresh
                } else if uri.contains("/api/maintenance/fresh") {
                    let site = if uri.contains(OTHER) { OTHER } else { OWN };
                    fresh = format!("/api/maintenance/{}", stored_window(&s, site).await);
                    &fresh
                } else {
                    uri
                };
                let (status, text) =
                    support::send(&s, c.method, uri, session.as_ref(), body.as_deref()).await;
                let who_name = who.map_or("anonymous", Role::name);
                if status.as_u16() != expect[col] {
                    failures.push(format!(
                        "{} {uri} as {who_name}: {status}, expected {} ({})",
                        c.method,
                        expect[col],
                        text.chars().take(120).collect::<String>()
                    ));
                }
                if status.is_success() && *who != Some(Role::Admin) && leaks_other_site(&text) {
                    failures.push(format!(
                        "{} {uri} as {who_name} returned data of site {OTHER}",
                        c.method
                    ));
                }
                // Every status an endpoint answers is in its OpenAPI description.
                let documented = &doc["paths"][c.path][c.method.to_lowercase()]["responses"];
                if documented.get(status.as_str()).is_none() {
                    failures.push(format!(
                        "{} {} answers {status}, which its OpenAPI description does not list",
                        c.method, c.path
                    ));
                }
                // Errors are JSON with a code, never an empty or HTML body.
                if status.is_client_error() && !text.contains("\"code\"") {
                    failures.push(format!(
                        "{} {uri} as {who_name}: {status} without a JSON error body",
                        c.method
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {n} checks failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(n >= 200, "the table ran {n} requests");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn socket_subscriptions_carry_only_granted_sites() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = cairn_server::Config::for_tests(dir.path().to_path_buf());
    config.simulator = true; // provisions the portfolio
    let server = cairn_server::Server::start(config).await.unwrap();
    let s = server.state().clone();

    // Anonymous: no socket at all.
    let url = format!("ws://{}/api/ws", server.addr());
    match tokio_tungstenite::connect_async(&url).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(res)) => {
            assert_eq!(res.status(), StatusCode::UNAUTHORIZED)
        }
        other => panic!(
            "an anonymous socket was not refused: {:?}",
            other.map(|_| ())
        ),
    }

    let sites = |v: &[&str]| Scope {
        sites: v.iter().map(|s| (*s).to_owned()).collect(),
        ..Scope::default()
    };
    let devices = |v: &[&str]| Scope {
        devices: v.iter().map(|s| (*s).to_owned()).collect(),
        ..Scope::default()
    };
    let all_sites: Vec<String> = s
        .catalog()
        .model
        .sites
        .iter()
        .map(|x| x.id.clone())
        .collect();
    let all: Vec<&str> = all_sites.iter().map(String::as_str).collect();
    // (role, scope, denied?, the sites the snapshot holds)
    let table: Vec<(Role, Scope, bool, Vec<&str>)> = vec![
        (Role::Operator, Scope::everything(), false, vec![OWN]),
        (Role::Operator, sites(&[OWN]), false, vec![OWN]),
        (Role::Operator, sites(&[OTHER]), true, vec![]),
        (Role::Operator, sites(&[OWN, OTHER]), true, vec![OWN]),
        (Role::Operator, devices(&["ams-a-f0-z02-ms"]), true, vec![]),
        (Role::Viewer, sites(&[OTHER]), true, vec![]),
        (Role::Manager, Scope::everything(), false, vec![OWN]),
        (Role::Admin, Scope::everything(), false, all.clone()),
        (Role::Admin, sites(&[OTHER]), false, vec![OTHER]),
    ];
    for (role, scope, denied, want) in table {
        let grant: &[&str] = if role == Role::Admin { &[] } else { &[OWN] };
        let session = support::session(&s, &format!("ws-{}", role.name()), role, grant).await;
        let mut ws = support::ws(server.addr(), &session).await;
        let hello = ClientMsg::Hello {
            resume: None,
            scope: scope.clone(),
            deflate: false,
            protocol: cairn_protocol::PROTOCOL_VERSION,
        };
        ws.send(Message::text(serde_json::to_string(&hello).unwrap()))
            .await
            .unwrap();
        let mut msg = next_msg(&mut ws).await;
        if denied {
            let ServerMsg::Denied { message } = &msg else {
                panic!("{role:?} {scope:?}: no Denied, got {msg:?}")
            };
            assert!(message.contains(OTHER), "{message}");
            msg = next_msg(&mut ws).await;
        }
        let ServerMsg::Snapshot { snapshot, .. } = msg else {
            panic!("{role:?} {scope:?}: no snapshot")
        };
        let mut got: Vec<&str> = snapshot.sites.iter().map(|x| x.id.as_str()).collect();
        got.sort_unstable();
        let mut want = want.clone();
        want.sort_unstable();
        assert_eq!(got, want, "{role:?} {scope:?}");
        assert!(
            snapshot
                .points
                .iter()
                .all(|p| want.contains(&p.site_id.as_str())),
            "{role:?} {scope:?}: points of other sites"
        );
        assert!(
            snapshot
                .buildings
                .iter()
                .all(|b| want.contains(&b.site_id.as_str()))
        );
    }

    // Live readings: an operator of OWN gets OWN's, never OTHER's.
    let session = support::session(&s, "ws-operator", Role::Operator, &[OWN]).await;
    let mut ws = support::ws(server.addr(), &session).await;
    ws.send(Message::text(r#"{"type":"hello"}"#)).await.unwrap();
    let ServerMsg::Snapshot { .. } = next_msg(&mut ws).await else {
        panic!("no snapshot")
    };
    let now = chrono::Utc::now().timestamp_millis();
    for site in [OTHER, OWN] {
        let device = format!("{site}-a-f0-z02-ms");
        let pack: Vec<cairn_server::ingest::SenmlRecord> = serde_json::from_str(&format!(
            r#"[{{"bn":"{device}/","n":"co2","u":"ppm","v":4321}}]"#
        ))
        .unwrap();
        s.ingest.ingest_senml(&device, &pack, now).await.unwrap();
    }
    let own_point = s
        .catalog()
        .point_by_key(&format!("{OWN}-a-f0-z02-ms/co2"))
        .unwrap()
        .id;
    loop {
        if let ServerMsg::Readings { readings, .. } = next_msg(&mut ws).await {
            for r in &readings {
                let site = &s.catalog().point(r.point).unwrap().site_id.clone();
                assert_eq!(site, OWN, "a reading of another site reached the socket");
            }
            if readings
                .iter()
                .any(|r| r.point == own_point && r.value == 4321.0)
            {
                break;
            }
        }
    }
    server.stop().await.unwrap();
}
