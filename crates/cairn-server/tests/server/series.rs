//! `GET /api/series` on a real SQLite file: decimation bound, gaps, errors.

use std::sync::Arc;

use axum::http::StatusCode;
use cairn_protocol::{ErrorBody, Reading, Resolution, SeriesBatch};
use cairn_server::{AppState, Config, series::m4::m4, time::Clock};

use crate::support;

use support::get;

/// 2025-11-17 09:00 UTC: the day of history the tests query.
const T0: i64 = 1_763_370_000_000;
/// The server's clock, two days after `T0`: what the server keeps raw (and so
/// what the tests expect) must not depend on the day the tests run.
const NOW: i64 = T0 + 2 * 86_400_000;

async fn state_with_history(dir: &std::path::Path) -> (AppState, u32) {
    let mut config = Config::for_tests(dir.to_path_buf());
    config.clock = Clock::Fixed(NOW);
    let s = support::open_state_with(config, Some(9)).await;
    let point = s.catalog().points()[0].id;
    // One day every 10 s (denser than the point's 1-min interval), with a one-hour outage from 12:00 and a spike at 15:00.
    let readings: Vec<Reading> = (0..8_640_i64)
        .filter(|i| !(4_320..4_680).contains(i))
        .map(|i| Reading {
            point,
            ts: T0 + i * 10_000,
            value: if i == 5_400 {
                99.0
            } else {
                20.0 + (i % 7) as f64 * 0.1
            },
        })
        .collect();
    s.store.insert_readings(Arc::new(readings)).await.unwrap();
    (s, point)
}

#[tokio::test]
async fn a_day_at_480_px_is_decimated_with_the_spike_and_the_gap_kept() {
    let dir = tempfile::tempdir().unwrap();
    let (s, point) = state_with_history(dir.path()).await;
    let to = T0 + 86_400_000;
    let (status, body) = get(
        &s,
        &format!("/api/series?point={point}&from={T0}&to={to}&px=480"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let batch: SeriesBatch = serde_json::from_str(&body).unwrap();
    let series = &batch.series[0];
    assert_eq!(series.stored, 8_640 - 360);
    assert!(
        series.t.len() <= 4 * 480 + 1,
        "{} samples for 480 px",
        series.t.len()
    );
    assert_eq!(series.t.len(), series.v.len());
    assert!(
        series.v.contains(&Some(99.0)),
        "the spike survives decimation"
    );
    let breaks: Vec<i64> = series
        .t
        .iter()
        .zip(&series.v)
        .filter(|(_, v)| v.is_none())
        .map(|(t, _)| *t)
        .collect();
    assert_eq!(breaks.len(), 1, "exactly the outage is a gap");
    assert!(breaks[0] > T0 + 4_319 * 10_000 && breaks[0] < T0 + 4_680 * 10_000);
}

#[tokio::test]
async fn several_points_in_one_request() {
    let dir = tempfile::tempdir().unwrap();
    let (s, point) = state_with_history(dir.path()).await;
    let other = s.catalog().points()[1].id;
    let (status, body) = get(
        &s,
        &format!(
            "/api/series?point={point},{other}&from={T0}&to={}&px=100",
            T0 + 3_600_000
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let batch: SeriesBatch = serde_json::from_str(&body).unwrap();
    assert_eq!(
        batch.series.iter().map(|s| s.point).collect::<Vec<_>>(),
        vec![point, other]
    );
    assert!(
        batch.series[1].t.is_empty(),
        "no data is an empty series, not an error"
    );
}

#[tokio::test]
async fn bad_queries_get_a_json_error_that_says_where() {
    let dir = tempfile::tempdir().unwrap();
    let (s, point) = state_with_history(dir.path()).await;
    for (query, status, location) in [
        (
            format!("point={point}&from=10&to=5&px=100"),
            StatusCode::BAD_REQUEST,
            Some("query.to"),
        ),
        (
            format!("point={point}&from=0&to=10&px=0"),
            StatusCode::BAD_REQUEST,
            Some("query.px"),
        ),
        (
            format!("point={point}&from=0&to=10&px=100000"),
            StatusCode::BAD_REQUEST,
            Some("query.px"),
        ),
        (
            "point=abc&from=0&to=10&px=10".to_owned(),
            StatusCode::BAD_REQUEST,
            Some("query.point"),
        ),
        (
            "point=1&from=0&px=10".to_owned(),
            StatusCode::BAD_REQUEST,
            Some("query"),
        ),
        (
            "point=999999&from=0&to=10&px=10".to_owned(),
            StatusCode::NOT_FOUND,
            None,
        ),
    ] {
        let (got, body) = get(&s, &format!("/api/series?{query}")).await;
        assert_eq!(got, status, "{query}: {body}");
        let err: ErrorBody = serde_json::from_str(&body).unwrap();
        assert_eq!(err.error.location.as_deref(), location, "{query}");
    }
}

/// Wide columns read hourly rollups plus raw readings at column edges, and
/// answer exactly what M4 over every reading answers (spike and gap included).
#[tokio::test]
async fn wide_columns_read_rollups_and_answer_exactly_as_raw() {
    let dir = tempfile::tempdir().unwrap();
    let (s, point) = state_with_history(dir.path()).await;
    let (from, to) = (T0 - 3_600_000, T0 + 86_400_000 + 7_000_000);
    for px in [4_u32, 5, 6] {
        let (status, body) = get(
            &s,
            &format!("/api/series?point={point}&from={from}&to={to}&px={px}"),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let got = &serde_json::from_str::<SeriesBatch>(&body).unwrap().series[0];
        assert_eq!(got.resolution, Resolution::Hour, "px {px}");
        assert_eq!(got.stored, 8_640 - 360);
        let raw: Vec<(i64, f64)> = (s.store.range(point, from, to).await.unwrap().iter())
            .map(|r| (r.ts, r.value))
            .collect();
        let interval = s.catalog().point(point).unwrap().interval_s;
        let gap = (3 * i64::from(interval) * 1000).max((to - from) / i64::from(px));
        let want: (Vec<i64>, Vec<Option<f64>>) = m4(&raw, from, to, px, gap).into_iter().unzip();
        assert_eq!((got.t.clone(), got.v.clone()), want, "px {px}");
        assert!(got.v.contains(&Some(99.0)));
    }
}

/// Past the raw retention, history is answered from hourly rollups: the
/// shape (spike included) is still there, marked as hourly.
#[tokio::test]
async fn history_older_than_raw_retention_comes_from_rollups() {
    let dir = tempfile::tempdir().unwrap();
    let (s, point) = state_with_history(dir.path()).await;
    let cutoff = T0 + 86_400_000;
    s.store.prune(Some(cutoff), None).await.unwrap();
    assert!(s.store.range(point, T0, cutoff).await.unwrap().is_empty());
    let mut config = (*s.config).clone();
    // Raw readings are kept one day: by the server's clock the whole day
    // queried is older than that.
    config.retain_raw_days = 1;
    assert_eq!(config.raw_cutoff(config.clock.now_ms()), Some(cutoff));
    let s = AppState {
        config: Arc::new(config),
        ..s
    };
    let (status, body) = get(
        &s,
        &format!("/api/series?point={point}&from={T0}&to={cutoff}&px=1920"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let got = &serde_json::from_str::<SeriesBatch>(&body).unwrap().series[0];
    assert_eq!(got.resolution, Resolution::Hour);
    assert_eq!(got.stored, 8_640 - 360);
    assert!(
        got.v.contains(&Some(99.0)),
        "the spike is in its hour's rollup"
    );
    // ≤ 4 samples for each of the 25 hours touched, plus breaks; the outage is still a gap.
    assert!(got.t.len() <= 4 * 25 + 8, "{} samples", got.t.len());
    assert!(got.v.contains(&None), "the outage stays a gap");
}

/// Retention settings that would let a crash recovery shrink a day's rollup
/// (hourly rollups kept shorter than raw readings) stop the server before
/// it opens anything, with both settings named.
#[tokio::test]
async fn the_server_refuses_hourly_retention_shorter_than_raw() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = cairn_server::Config::for_tests(dir.path().to_path_buf());
    (config.retain_raw_days, config.retain_hourly_days) = (400, 30);
    let Err(err) = cairn_server::Server::start(config).await else {
        panic!("the server started");
    };
    let err = err.to_string();
    assert!(
        err.contains("--retain-hourly-days (30 days)")
            && err.contains("--retain-raw-days (400 days)"),
        "{err}"
    );
    assert!(!dir.path().join("cairn.sqlite3").exists(), "nothing opened");
}
