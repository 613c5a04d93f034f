//! Notifications arrive exactly once across a crash: the alarm and its
//! outbox messages are written, the server is killed (SIGKILL) before it
//! sends anything, and after a restart a local SMTP sink and a local HTTP
//! receiver (started here, on loopback) each get the message once, signed,
//! with its delivery key; another kill and restart sends nothing again.

use std::{
    io::{BufRead, BufReader, Read, Write},
    net::{TcpListener, TcpStream},
    process::Child,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use cairn_protocol::{ChannelKind, ChannelSpec, RuleSpec, Severity};
use cairn_server::{
    auth::bootstrap::by_server,
    store::{Store, alerts, notify},
};

const BIN: &str = env!("CARGO_BIN_EXE_cairn-server");
const DEVICE: &str = "bru-a-f0-z02-ms";
const SECRET: &str = "a webhook secret of the test";

type Inbox = Arc<Mutex<Vec<String>>>;

/// A minimal SMTP server: says yes to everything, keeps each message's data.
fn smtp_sink() -> (u16, Inbox) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let inbox: Inbox = Arc::default();
    let kept = inbox.clone();
    std::thread::spawn(move || {
        for conn in listener.incoming().flatten() {
            let kept = kept.clone();
            std::thread::spawn(move || smtp_session(conn, &kept));
        }
    });
    (port, inbox)
}

fn smtp_session(conn: TcpStream, inbox: &Inbox) {
    let mut out = conn.try_clone().unwrap();
    let mut lines = BufReader::new(conn);
    let mut say = |s: &str| out.write_all(format!("{s}\r\n").as_bytes());
    let _ = say("220 sink ESMTP");
    let mut line = String::new();
    while lines.read_line(&mut line).unwrap_or(0) > 0 {
        let cmd = line.trim_end().to_ascii_uppercase();
        line.clear();
        if cmd.starts_with("EHLO") || cmd.starts_with("HELO") {
            let _ = say("250 sink");
        } else if cmd == "DATA" {
            let _ = say("354 go on");
            let mut data = String::new();
            while lines.read_line(&mut line).unwrap_or(0) > 0 && line.trim_end() != "." {
                data.push_str(&line);
                line.clear();
            }
            line.clear();
            inbox.lock().unwrap().push(data);
            let _ = say("250 kept");
        } else if cmd == "QUIT" {
            let _ = say("221 bye");
            return;
        } else {
            let _ = say("250 ok");
        }
    }
}

/// A minimal HTTP receiver: answers 200, keeps each request (head and body).
fn http_receiver() -> (u16, Inbox) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let inbox: Inbox = Arc::default();
    let kept = inbox.clone();
    std::thread::spawn(move || {
        for mut conn in listener.incoming().flatten() {
            let mut reader = BufReader::new(conn.try_clone().unwrap());
            let mut head = String::new();
            let mut line = String::new();
            while reader.read_line(&mut line).unwrap_or(0) > 0 && line != "\r\n" {
                head.push_str(&line);
                line.clear();
            }
            let length: usize = (head.lines())
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("content-length:")
                        .map(|v| v.trim().parse().unwrap())
                })
                .unwrap_or(0);
            let mut body = vec![0; length];
            reader.read_exact(&mut body).unwrap();
            kept.lock()
                .unwrap()
                .push(format!("{head}\r\n{}", String::from_utf8(body).unwrap()));
            let _ = conn
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        }
    });
    (port, inbox)
}

/// A server process, killed (SIGKILL) when dropped, so a failing test leaves none behind.
struct Running(Child);

impl Running {
    fn kill(mut self) {
        self.0.kill().unwrap();
        self.0.wait().unwrap();
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start(data: &str, smtp: u16, hold: bool) -> (Running, String) {
    let smtp = format!("smtp://127.0.0.1:{smtp}");
    let mut args = vec!["--data-dir", data, "--simulator=false", "--smtp-url", &smtp];
    if hold {
        args.push("--outbox-hold");
    }
    let (child, addr) = super::support::spawn_server(BIN, &args);
    (Running(child), addr)
}

/// Channels to both receivers and a rule the test's reading trips, written
/// straight into the database before the server starts.
fn configure(path: &std::path::Path, hook_port: u16) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let store = Store::open_sqlite(path).await.unwrap();
        let hook = ChannelSpec {
            name: "Ops webhook".into(),
            kind: ChannelKind::Webhook,
            target: format!("http://127.0.0.1:{hook_port}/cairn"),
            secret: Some(SECRET.into()),
            min_severity: Severity::Critical,
            sites: vec!["bru".into()],
            escalate_after_min: None,
            enabled: true,
        };
        let mail = ChannelSpec {
            name: "Ops mail".into(),
            kind: ChannelKind::Email,
            target: "ops@example.org".into(),
            secret: None,
            ..hook.clone()
        };
        for spec in [hook, mail] {
            store.transact(move |tx| notify::insert_channel(tx, &spec, by_server("setup"))).await.unwrap();
        }
        let rule: RuleSpec = serde_json::from_str(&format!(
            r#"{{"name":"CO2 alarm","scope":"device","target":"{DEVICE}","metric":"co2",
                "condition":{{"kind":"above","trigger":3000,"clear":2500}},"on_delay_s":0,"off_delay_s":0,
                "severity":"critical","enabled":true}}"#
        ))
        .unwrap();
        store.transact(move |tx| alerts::insert_rule(tx, &rule, Some("bru"), by_server("setup"))).await.unwrap();
    });
}

fn wait_for(inbox: &Inbox, n: usize) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while inbox.lock().unwrap().len() < n {
        assert!(
            Instant::now() < deadline,
            "{} of {n} messages arrived",
            inbox.lock().unwrap().len()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn each_notification_arrives_once_although_the_server_was_killed_before_sending() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let token = super::support::device_token_by_cli(BIN, data, DEVICE);
    let (smtp, mails) = smtp_sink();
    let (hook, hooks) = http_receiver();
    configure(&dir.path().join("cairn.sqlite3"), hook);

    // Held: the alarm and its messages are written, nothing is sent.
    let (server, addr) = start(data, smtp, true);
    let ts_s = chrono::Utc::now().timestamp_millis() / 1000;
    let body = format!(r#"[{{"bn":"{DEVICE}/","bt":{ts_s},"n":"co2","u":"ppm","v":3500}}]"#);
    let request = format!(
        "POST /api/ingest/senml HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/senml+json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let reply = super::support::http_raw(&addr, &request).unwrap();
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    server.kill(); // SIGKILL, between the alarm and the send
    assert!(hooks.lock().unwrap().is_empty() && mails.lock().unwrap().is_empty());

    let (server, _) = start(data, smtp, false);
    wait_for(&hooks, 1);
    wait_for(&mails, 1);
    // Time for a duplicate to show, were there one; then crash and restart again.
    std::thread::sleep(Duration::from_secs(3));
    server.kill();
    let (server, _) = start(data, smtp, false);
    std::thread::sleep(Duration::from_secs(4));
    server.kill();

    let hooks = hooks.lock().unwrap();
    let mails = mails.lock().unwrap();
    assert_eq!((hooks.len(), mails.len()), (1, 1), "exactly once each");
    let (head, body) = hooks[0].split_once("\r\n\r\n").unwrap();
    let head = head.to_ascii_lowercase();
    assert!(
        head.contains("x-cairn-delivery: alarm-1-raised-ch1"),
        "{head}"
    );
    let signature = cairn_server::alerts::notify::signature(SECRET, body.as_bytes());
    assert!(
        head.contains(&format!("x-cairn-signature: {signature}")),
        "{head}"
    );
    let notice: serde_json::Value = serde_json::from_str(body).unwrap();
    assert_eq!(notice["event"], "raised");
    assert_eq!(notice["alarm"]["rule_name"], "CO2 alarm");
    assert_eq!(notice["alarm"]["value"], 3500.0);
    assert!(
        mails[0].contains("Message-ID: <alarm-1-raised-ch2@cairn>"),
        "{}",
        mails[0]
    );
    assert!(mails[0].contains("CRITICAL: CO2 alarm"), "{}", mails[0]);
}
