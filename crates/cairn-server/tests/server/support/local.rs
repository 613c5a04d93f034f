//! Local servers a test or benchmark starts for itself: a free loopback
//! port, and PostgreSQL from Debian's packages (`cargo xtask test` and
//! `cargo xtask bench` install it) in a temp folder, stopped on drop. The
//! server benchmarks include this file too (`benches/server.rs`).

use std::{
    net::TcpListener,
    path::PathBuf,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

/// A free loopback port (bound, then released for the server to take).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Waits until something accepts TCP connections on `port`.
pub fn wait_for_port(port: u16, what: &str, seconds: u64) {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "{what} did not start within {seconds} s"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

pub struct Postgres {
    child: Child,
    port: u16,
    _dir: tempfile::TempDir,
}

/// The newest PostgreSQL installed under /usr/lib/postgresql.
fn pg_bin() -> PathBuf {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL is missing: `cargo xtask test` installs it (apt package postgresql)")
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|p| p.join("initdb").exists())
        .collect();
    versions.sort();
    versions
        .pop()
        .expect("no initdb under /usr/lib/postgresql/*/bin")
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"))
}

/// `initdb` refuses root: as root, run PostgreSQL's programs as `postgres`.
fn as_server_user(program: PathBuf) -> Command {
    if is_root() {
        let mut cmd = Command::new("setpriv");
        cmd.args(["--reuid=postgres", "--regid=postgres", "--init-groups"])
            .arg(program);
        cmd
    } else {
        Command::new(program)
    }
}

impl Postgres {
    pub fn start() -> Postgres {
        let bin = pg_bin();
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        if is_root() {
            let ok = Command::new("chown")
                .args(["postgres:postgres"])
                .arg(dir.path())
                .status()
                .unwrap();
            assert!(ok.success(), "chown of the PostgreSQL folder failed");
        }
        let out = as_server_user(bin.join("initdb"))
            .arg("-D")
            .arg(&data)
            .args(["-U", "cairn", "-A", "trust", "-E", "UTF8", "--no-sync"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "initdb failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let port = free_port();
        let child = as_server_user(bin.join("postgres"))
            .arg("-D")
            .arg(&data)
            .args(["-p", &port.to_string(), "-c", "listen_addresses=127.0.0.1"])
            .arg("-c")
            .arg(format!("unix_socket_directories={}", dir.path().display()))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        wait_for_port(port, "PostgreSQL", 30);
        Postgres {
            child,
            port,
            _dir: dir,
        }
    }

    /// A new, empty database on this server; returns its URL.
    pub async fn database(&self, name: &str) -> String {
        let admin = format!("postgres://cairn@127.0.0.1:{}/postgres", self.port);
        let deadline = Instant::now() + Duration::from_secs(20);
        let client = loop {
            match tokio_postgres::connect(&admin, tokio_postgres::NoTls).await {
                Ok((client, conn)) => {
                    tokio::spawn(conn);
                    break client;
                }
                // Accepting TCP before it accepts logins is normal while it starts.
                Err(e) => assert!(Instant::now() < deadline, "PostgreSQL refused logins: {e}"),
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        client
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .await
            .unwrap();
        format!("postgres://cairn@127.0.0.1:{}/{name}", self.port)
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        // SIGINT: PostgreSQL's fast shutdown.
        let _ = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
