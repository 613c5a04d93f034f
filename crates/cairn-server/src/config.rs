use std::{net::SocketAddr, path::PathBuf};

use clap::{ArgAction, Args};

use crate::time::Clock;

/// Raw readings are kept a bit over a year (year-on-year comparisons stay exact).
pub const RETAIN_RAW_DAYS: u32 = 400;
/// Hourly rollups are kept five years.
pub const RETAIN_HOURLY_DAYS: u32 = 1830;

/// Server configuration, read once at start: flags, each with an environment fallback.
#[derive(Debug, Clone, Args)]
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "CAIRN_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,

    /// Folder for the embedded SQLite database (created if missing).
    #[arg(long, env = "CAIRN_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,

    /// Folder of the built app (Trunk's `dist/`), served with an SPA fallback.
    #[arg(long, env = "CAIRN_DIST_DIR", default_value = "dist")]
    pub dist_dir: PathBuf,

    /// Run the built-in building simulator (`--simulator=false` to switch it off).
    #[arg(long, env = "CAIRN_SIMULATOR", default_value_t = true, action = ArgAction::Set)]
    pub simulator: bool,

    /// Seed of the simulator: the same seed gives the same portfolio and the same noise.
    #[arg(long, env = "CAIRN_SIM_SEED", default_value_t = 42)]
    pub sim_seed: u64,

    /// Days of history the simulator writes on a first start (empty database).
    #[arg(long, env = "CAIRN_SIM_BACKFILL_DAYS", default_value_t = 14)]
    pub sim_backfill_days: u32,

    /// PostgreSQL instead of the embedded SQLite (`postgres://user:pass@host:port/db`).
    #[arg(long, env = "CAIRN_DATABASE_URL")]
    pub database_url: Option<String>,

    /// Where alarm emails go: an SMTP relay as `smtp://host:port` (plain
    /// SMTP; no TLS yet). None: email channels' messages wait in the outbox.
    #[arg(long, env = "CAIRN_SMTP_URL")]
    pub smtp_url: Option<String>,

    /// The sender of alarm emails.
    #[arg(
        long,
        env = "CAIRN_SMTP_FROM",
        default_value = "Cairn <cairn@localhost>"
    )]
    pub smtp_from: String,

    /// Hold the outbox: messages are queued but not sent (maintenance of a
    /// receiver, and the crash test).
    #[arg(long, env = "CAIRN_OUTBOX_HOLD", default_value_t = false)]
    pub outbox_hold: bool,

    /// Simulated devices whose live reports come from elsewhere from now on (a
    /// real device installed in their place, or a test), comma-separated:
    /// their history stays, the simulator sends nothing more for them.
    #[arg(long, env = "CAIRN_SIM_HANDED_OVER", value_delimiter = ',')]
    pub sim_handed_over: Vec<String>,

    /// Make the simulator a fleet of MQTT devices: it publishes SenML to
    /// `cairn/<device>/senml` on this broker (`mqtt://host:port`) instead of
    /// ingesting in-process. Pair it with `--mqtt-url` to ingest them back.
    #[arg(long, env = "CAIRN_SIM_MQTT_URL")]
    pub sim_mqtt_url: Option<String>,

    /// Days raw readings are kept (0: forever). Older history is answered
    /// from the rollups.
    #[arg(long, env = "CAIRN_RETAIN_RAW_DAYS", default_value_t = RETAIN_RAW_DAYS)]
    pub retain_raw_days: u32,

    /// Readings timed before this date (`YYYY-MM-DD`, UTC) are refused, besides
    /// those older than the raw retention: a device with a wrong clock must
    /// not write decades away.
    #[arg(long, env = "CAIRN_OLDEST_READING", value_parser = parse_date_ms)]
    pub oldest_reading: Option<i64>,

    /// Days hourly rollups are kept (0: forever), at least as long as raw
    /// readings (the server refuses to start otherwise). Daily rollups are
    /// kept forever.
    #[arg(long, env = "CAIRN_RETAIN_HOURLY_DAYS", default_value_t = RETAIN_HOURLY_DAYS)]
    pub retain_hourly_days: u32,

    /// A signed-in session ends after this many seconds without a request
    /// (and in any case 7 days after sign-in).
    #[arg(long, env = "CAIRN_SESSION_IDLE_SECS", default_value_t = 12 * 3600)]
    pub session_idle_secs: u64,

    /// Mark session cookies `Secure` (set it when users reach Cairn over
    /// HTTPS; requests with `X-Forwarded-Proto: https` get it anyway).
    #[arg(long, env = "CAIRN_SECURE_COOKIES", default_value_t = false, action = ArgAction::Set)]
    pub secure_cookies: bool,

    /// Basemap tiles for the map page (`https://…/{z}/{x}/{y}.png`), or
    /// `none` for outlines only (sites without internet access).
    #[arg(long, env = "CAIRN_MAP_TILES", default_value = OSM_TILES, value_parser = parse_tiles)]
    pub map_tiles: String,

    /// The credit the tile source asks for, shown on the map.
    #[arg(
        long,
        env = "CAIRN_MAP_ATTRIBUTION",
        default_value = "© OpenStreetMap contributors"
    )]
    pub map_attribution: String,

    /// MQTT broker to take device messages from (`mqtt://host:port`); none by default.
    #[arg(long, env = "CAIRN_MQTT_URL")]
    pub mqtt_url: Option<String>,

    /// Client id at the broker; keep it stable so queued QoS 1 messages survive a restart.
    #[arg(long, env = "CAIRN_MQTT_CLIENT_ID", default_value = "cairn-server")]
    pub mqtt_client_id: String,

    /// Where date-dependent decisions (retention cutoffs) read "now": the
    /// system clock, or a fixed instant in tests. Not a flag.
    #[arg(skip)]
    pub clock: Clock,
}

/// OpenStreetMap's standard tiles, for connected deployments.
pub const OSM_TILES: &str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";

/// `YYYY-MM-DD` as UTC epoch milliseconds at midnight.
fn parse_date_ms(value: &str) -> Result<i64, String> {
    chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .map(|d| {
            d.and_time(chrono::NaiveTime::MIN)
                .and_utc()
                .timestamp_millis()
        })
        .map_err(|_| format!("`{value}` is not a date YYYY-MM-DD"))
}

/// `none`, or an http(s) URL with `{z}`, `{x}` and `{y}` in it.
fn parse_tiles(value: &str) -> Result<String, String> {
    if value == "none" {
        return Ok(value.to_owned());
    }
    if !(value.starts_with("https://") || value.starts_with("http://")) {
        return Err(format!("`{value}` is not an http(s) URL (or `none`)"));
    }
    for part in ["{z}", "{x}", "{y}"] {
        if !value.contains(part) {
            return Err(format!(
                "`{value}` has no `{part}`: a tile URL needs {{z}}, {{x}} and {{y}}"
            ));
        }
    }
    Ok(value.to_owned())
}

impl Config {
    /// A configuration for tests: everything in `data_dir`, ephemeral port, simulator off.
    pub fn for_tests(data_dir: PathBuf) -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            data_dir,
            dist_dir: PathBuf::from("dist"),
            simulator: false,
            sim_seed: 42,
            sim_backfill_days: 0,
            sim_mqtt_url: None,
            sim_handed_over: Vec::new(),
            smtp_url: None,
            smtp_from: "Cairn <cairn@localhost>".into(),
            outbox_hold: false,
            retain_raw_days: RETAIN_RAW_DAYS,
            oldest_reading: None,
            retain_hourly_days: RETAIN_HOURLY_DAYS,
            database_url: None,
            mqtt_url: None,
            mqtt_client_id: "cairn-server-test".into(),
            session_idle_secs: 12 * 3600,
            secure_cookies: false,
            map_tiles: "none".into(),
            map_attribution: String::new(),
            clock: Clock::System,
        }
    }

    /// The basemap for the map page, if one is configured.
    pub fn map_tiles(&self) -> Option<cairn_protocol::MapTiles> {
        (self.map_tiles != "none").then(|| cairn_protocol::MapTiles {
            url: self.map_tiles.clone(),
            attribution: self.map_attribution.clone(),
        })
    }

    /// How old an ingested reading may be.
    pub fn age_limit(&self) -> crate::ingest::AgeLimit {
        crate::ingest::AgeLimit {
            retain_raw_days: self.retain_raw_days,
            oldest_ms: self.oldest_reading,
        }
    }

    /// Raw readings before this time (ms) are gone or going, if any are.
    pub fn raw_cutoff(&self, now_ms: i64) -> Option<i64> {
        (self.retain_raw_days > 0).then(|| now_ms - i64::from(self.retain_raw_days) * 86_400_000)
    }

    /// Why the retention settings cannot work together, if they cannot:
    /// hourly rollups must be kept at least as long as raw readings (0 =
    /// forever), or a late reading for a day whose hours are gone would
    /// make a crash recovery rebuild that day from fewer hours
    /// (`store::open_hours::recover`).
    pub fn retention_problem(&self) -> Option<String> {
        let (raw, hourly) = (self.retain_raw_days, self.retain_hourly_days);
        let too_short = hourly != 0 && (raw == 0 || hourly < raw);
        too_short.then(|| {
            let raw = if raw == 0 {
                "forever (0)".to_owned()
            } else {
                format!("{raw} days")
            };
            format!(
                "--retain-hourly-days ({hourly} days) must be at least --retain-raw-days ({raw}); \
                 use 0 for hourly rollups kept forever"
            )
        })
    }

    pub fn hourly_cutoff(&self, now_ms: i64) -> Option<i64> {
        (self.retain_hourly_days > 0)
            .then(|| now_ms - i64::from(self.retain_hourly_days) * 86_400_000)
    }

    pub fn session_idle_ms(&self) -> i64 {
        i64::try_from(self.session_idle_secs.saturating_mul(1000)).unwrap_or(i64::MAX)
    }

    pub fn db_path(&self) -> PathBuf {
        self.data_dir.join("cairn.sqlite3")
    }
}

#[cfg(test)]
mod tests {
    use super::parse_tiles;

    #[test]
    fn hourly_rollups_must_be_kept_as_long_as_raw_readings() {
        let mut c = super::Config::for_tests(std::path::PathBuf::from("unused"));
        assert_eq!(c.retention_problem(), None, "the defaults work");
        (c.retain_raw_days, c.retain_hourly_days) = (30, 30);
        assert_eq!(c.retention_problem(), None);
        (c.retain_raw_days, c.retain_hourly_days) = (0, 0);
        assert_eq!(c.retention_problem(), None, "everything forever");
        (c.retain_raw_days, c.retain_hourly_days) = (400, 0);
        assert_eq!(c.retention_problem(), None, "hourly forever");
        (c.retain_raw_days, c.retain_hourly_days) = (400, 30);
        let err = c.retention_problem().unwrap();
        assert!(
            err.contains("--retain-hourly-days (30 days)") && err.contains("(400 days)"),
            "{err}"
        );
        (c.retain_raw_days, c.retain_hourly_days) = (0, 1830);
        assert!(c.retention_problem().unwrap().contains("forever (0)"));
    }

    #[test]
    fn tile_urls_need_a_scheme_and_all_three_coordinates() {
        assert!(parse_tiles("none").is_ok());
        assert!(parse_tiles(super::OSM_TILES).is_ok());
        let err = parse_tiles("https://tiles.example/{z}/{x}.png").unwrap_err();
        assert!(err.contains("{y}"), "{err}");
        assert!(
            parse_tiles("ftp://x/{z}/{x}/{y}")
                .unwrap_err()
                .contains("http")
        );
    }
}
