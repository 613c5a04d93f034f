//! Real servers for the tests, from Debian's packages (`cargo xtask test`
//! installs them): PostgreSQL and Mosquitto, each started on a free loopback
//! port in a temp folder and stopped on drop; and router helpers.

use std::{
    path::PathBuf,
    process::{Child, Command, Stdio},
};

mod local;
use local::wait_for_port;
pub use local::{Postgres, free_port};

/// Kills and reaps a child on drop.
struct Reaped(Child);

impl Drop for Reaped {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

const MOSQUITTO: &str = "/usr/sbin/mosquitto";

/// A Mosquitto broker of our own (anonymous, no persistence).
pub struct Mosquitto {
    pub port: u16,
    _child: Reaped,
    _dir: tempfile::TempDir,
    _certs: Option<tempfile::TempDir>,
}

impl Mosquitto {
    pub fn start() -> Mosquitto {
        Self::start_with("")
    }

    /// A broker speaking TLS only, with a server certificate for
    /// `localhost` signed by a CA made for the test; the CA's PEM file.
    pub fn start_tls() -> (Mosquitto, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let ca_key = rcgen::KeyPair::generate().unwrap();
        let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        (ca_params.distinguished_name).push(rcgen::DnType::CommonName, "Cairn test CA");
        let ca = ca_params.self_signed(&ca_key).unwrap();
        let key = rcgen::KeyPair::generate().unwrap();
        let params = rcgen::CertificateParams::new(vec!["localhost".to_owned()]).unwrap();
        let cert = params.signed_by(&key, &ca, &ca_key).unwrap();
        let path = |name: &str| dir.path().join(name);
        std::fs::write(path("ca.pem"), ca.pem()).unwrap();
        std::fs::write(path("server.pem"), cert.pem()).unwrap();
        std::fs::write(path("server.key"), key.serialize_pem()).unwrap();
        let tls = format!(
            "cafile {}\ncertfile {}\nkeyfile {}\n",
            path("ca.pem").display(),
            path("server.pem").display(),
            path("server.key").display()
        );
        let mut broker = Self::start_with(&tls);
        let ca_file = path("ca.pem");
        // The certificates live as long as the broker.
        broker._certs = Some(dir);
        (broker, ca_file)
    }

    fn start_with(extra: &str) -> Mosquitto {
        assert!(
            std::path::Path::new(MOSQUITTO).exists(),
            "{MOSQUITTO} is missing: `cargo xtask test` installs it (apt package mosquitto)"
        );
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let conf = dir.path().join("mosquitto.conf");
        // `user root`: run as root (a CI container), Mosquitto keeps reading
        // the test's own files; as anyone else it has no effect.
        let config = format!(
            "listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\nuser root\n{extra}"
        );
        std::fs::write(&conf, config).unwrap();
        let child = Command::new(MOSQUITTO)
            .arg("-c")
            .arg(&conf)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let child = Reaped(child);
        wait_for_port(port, "mosquitto", 10);
        Mosquitto {
            port,
            _child: child,
            _dir: dir,
            _certs: None,
        }
    }
}

/// An `AppState` on a fresh SQLite file in `dir`, with the simulated
/// portfolio of `seed` provisioned (or nothing).
pub async fn open_state(dir: &std::path::Path, seed: Option<u64>) -> cairn_server::AppState {
    let config = cairn_server::Config::for_tests(dir.to_path_buf());
    open_state_with(config, seed).await
}

pub async fn open_state_with(
    config: cairn_server::Config,
    seed: Option<u64>,
) -> cairn_server::AppState {
    let portfolio = seed.map(cairn_server::sim::portfolio);
    let (_tx, rx) = tokio::sync::watch::channel(false);
    cairn_server::AppState::open(
        std::sync::Arc::new(config),
        portfolio.as_ref().map(|p| &p.model),
        rx,
    )
    .await
    .unwrap()
}

/// A signed-in session: the `Cookie` header value and the CSRF token.
#[derive(Clone, Debug)]
pub struct Session {
    pub cookie: String,
    pub csrf: String,
}

/// A user (created if missing; no password can sign in as them) and a fresh session.
pub async fn session(
    state: &cairn_server::AppState,
    username: &str,
    role: cairn_protocol::Role,
    sites: &[&str],
) -> Session {
    let user = match state.store.user_for_login(username).await.unwrap() {
        Some((user, _)) => user,
        None => {
            let user = cairn_protocol::User {
                id: 0,
                username: username.into(),
                display_name: format!("Test {username}"),
                role,
                all_sites: sites.is_empty(),
                sites: sites.iter().map(|s| (*s).to_owned()).collect(),
                disabled: false,
                created_at: 0,
                updated_at: 0,
                last_login: None,
            };
            let audit = cairn_server::store::accounts::AuditRecord {
                at: 0,
                actor_id: None,
                actor: "test".into(),
                action: "user.create".into(),
                target: String::new(),
                before: None,
                after: None,
            };
            (state
                .store
                .insert_user(user, "!".into(), audit)
                .await
                .unwrap())
            .unwrap()
        }
    };
    let (set_cookie, caller) =
        cairn_server::auth::start_session(state, &axum::http::HeaderMap::new(), user)
            .await
            .unwrap();
    let cookie = set_cookie
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    Session {
        cookie,
        csrf: caller.csrf,
    }
}

/// A session of an admin (who sees every site).
pub async fn admin(state: &cairn_server::AppState) -> Session {
    session(state, "test-admin", cairn_protocol::Role::Admin, &[]).await
}

/// `GET uri` on the router (no socket) as an admin: status and body text.
pub async fn get(state: &cairn_server::AppState, uri: &str) -> (axum::http::StatusCode, String) {
    let admin = admin(state).await;
    send(state, "GET", uri, Some(&admin), None).await
}

/// Any request on the router, as `session` (with its CSRF token) or anonymous.
pub async fn send(
    state: &cairn_server::AppState,
    method: &str,
    uri: &str,
    session: Option<&Session>,
    json: Option<&str>,
) -> (axum::http::StatusCode, String) {
    send_typed(
        state,
        method,
        uri,
        session,
        json.map(|j| ("application/json", j)),
    )
    .await
}

/// `send` with a body of any content type: `(content type, body)`.
pub async fn send_typed(
    state: &cairn_server::AppState,
    method: &str,
    uri: &str,
    session: Option<&Session>,
    typed: Option<(&str, &str)>,
) -> (axum::http::StatusCode, String) {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let mut req = axum::http::Request::builder().method(method).uri(uri);
    if let Some(s) = session {
        req = req
            .header("cookie", &s.cookie)
            .header(cairn_protocol::CSRF_HEADER, &s.csrf);
    }
    if let Some((content_type, _)) = typed {
        req = req.header("content-type", content_type);
    }
    let body = typed.map_or(axum::body::Body::empty(), |(_, b)| {
        axum::body::Body::from(b.to_owned())
    });
    let res = (cairn_server::app(state.clone()))
        .oneshot(req.body(body).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let body = res.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8(body.to_vec()).unwrap())
}

pub type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Opens the live socket of a running server as `session`.
pub async fn ws(addr: std::net::SocketAddr, session: &Session) -> Socket {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let mut req = format!("ws://{addr}/api/ws").into_client_request().unwrap();
    req.headers_mut()
        .insert("cookie", session.cookie.parse().unwrap());
    tokio_tungstenite::connect_async(req).await.unwrap().0
}

/// The next `ServerMsg` on a socket (15 s at most), skipping pings and the like.
pub async fn next_msg<S>(ws: &mut S) -> cairn_protocol::ServerMsg
where
    S: futures_util::StreamExt<
            Item = Result<
                tokio_tungstenite::tungstenite::Message,
                tokio_tungstenite::tungstenite::Error,
            >,
        > + Unpin,
{
    loop {
        let msg = tokio::time::timeout(std::time::Duration::from_secs(15), ws.next())
            .await
            .expect("no message within 15 s")
            .expect("socket closed")
            .expect("socket error");
        if let tokio_tungstenite::tungstenite::Message::Text(text) = msg {
            match serde_json::from_str(&text).expect("a ServerMsg") {
                // The alarm queue comes along every snapshot: see `next_alarms`.
                cairn_protocol::ServerMsg::Alarms { .. } => continue,
                other => return other,
            }
        }
    }
}

/// The next alarm message on a socket (other messages are skipped).
pub async fn next_alarms<S>(ws: &mut S) -> (bool, Vec<cairn_protocol::Alarm>)
where
    S: futures_util::StreamExt<
            Item = Result<
                tokio_tungstenite::tungstenite::Message,
                tokio_tungstenite::tungstenite::Error,
            >,
        > + Unpin,
{
    loop {
        let msg = tokio::time::timeout(std::time::Duration::from_secs(15), ws.next())
            .await
            .expect("no message within 15 s")
            .expect("socket closed")
            .expect("socket error");
        if let tokio_tungstenite::tungstenite::Message::Text(text) = msg
            && let cairn_protocol::ServerMsg::Alarms { replace, alarms } =
                serde_json::from_str(&text).expect("a ServerMsg")
        {
            return (replace, alarms);
        }
    }
}

/// One HTTP/1.1 request written as is to `addr`, and the whole raw reply
/// (for tests of the real binary, which have no router to call).
pub fn http_raw(addr: &str, request: &str) -> std::io::Result<String> {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr)?;
    s.set_read_timeout(Some(std::time::Duration::from_secs(10)))?;
    s.write_all(request.as_bytes())?;
    let mut reply = String::new();
    s.read_to_string(&mut reply)?;
    Ok(reply)
}

/// A fresh ingest token for `device`, issued by the server binary `bin` on
/// the data folder `data` (which it provisions with the simulated portfolio).
pub fn device_token_by_cli(bin: &str, data: &str, device: &str) -> String {
    device_token_by_cli_on(bin, &["--data-dir", data], device)
}

/// The same, on the database `db` names (`--data-dir`, `--database-url`).
pub fn device_token_by_cli_on(bin: &str, db: &[&str], device: &str) -> String {
    let out = std::process::Command::new(bin)
        .args(db)
        .args(["--sim-backfill-days=0", "device-token", device])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// Starts the real binary with `args` on a port the OS picks (`--addr
/// 127.0.0.1:0`, so no other test can take the port between choosing and
/// binding it) and returns it with the address it serves, read from its
/// "Cairn is up" line. Its standard output is drained meanwhile.
pub fn spawn_server(bin: &str, args: &[&str]) -> (std::process::Child, String) {
    use std::io::BufRead;
    let mut child = std::process::Command::new(bin)
        .args(["--addr", "127.0.0.1:0"])
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let addr = loop {
        match lines.next() {
            Some(Ok(line)) => {
                if let Some(addr) = line.strip_prefix("Cairn is up: http://") {
                    break addr.trim().to_owned();
                }
            }
            _ => panic!("cairn-server {args:?} stopped before it served"),
        }
    };
    std::thread::spawn(move || lines.for_each(drop));
    (child, addr)
}
