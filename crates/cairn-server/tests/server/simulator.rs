//! The simulator's history: written through the ingest path at first start,
//! at the devices' own cadence, so a chart sees no gap that did not happen
//! (the only holes are the simulated dropouts).

use std::sync::Arc;

use cairn_server::{
    AppState, Config,
    sim::{self, Simulator},
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_day_of_backfill_is_complete_gap_free_and_visible_as_latest_values() {
    let dir = tempfile::tempdir().unwrap();
    let (_tx, rx) = tokio::sync::watch::channel(false);
    let portfolio = sim::portfolio(42);
    let s = AppState::open(
        Arc::new(Config::for_tests(dir.path().to_path_buf())),
        Some(&portfolio.model),
        rx,
    )
    .await
    .unwrap();
    // A given hour, not the clock's: the simulated day (occupancy, dropouts)
    // depends on the time of day, and the test must not.
    let before = 1_796_054_400_000; // 2026-11-30 16:00 UTC
    Simulator::prepare_until(&portfolio, &s.ingest, 42, 1, before)
        .await
        .unwrap();
    let points = s.catalog().points().len() as u64;
    // Each point reports on its own interval over 24 h, less dropouts, plus
    // the leak and door events reported as they happen.
    let expected: u64 = s
        .catalog()
        .points()
        .iter()
        .map(|p| 86_400 / u64::from(p.interval_s))
        .sum();
    let stored = s.store.readings_stored().await.unwrap();
    assert!(
        stored * 100 >= expected * 90 && stored * 100 <= expected * 103,
        "{stored} readings stored, {expected} expected"
    );

    let mut with_holes = 0;
    for p in s.catalog().points() {
        let history = s
            .store
            .range(p.id, before - 86_400_000, before + 60_000)
            .await
            .unwrap();
        let widest = history.windows(2).map(|w| w[1].ts - w[0].ts).max().unwrap();
        // A hole is a dropout: at least 20 minutes, never more than 8 hours.
        if widest > i64::from(p.interval_s) * 1000 {
            with_holes += 1;
            assert!(
                widest <= 8 * 3_600_000 + i64::from(p.interval_s) * 1000,
                "{}: {widest} ms",
                p.key
            );
        }
        let (lo, hi) = p.metric.plausible_range();
        assert!(
            history.iter().all(|r| (lo..=hi).contains(&r.value)),
            "{}",
            p.key
        );
    }
    // Devices drop out now and then, but most report all day.
    assert!(
        with_holes > 0 && with_holes * 100 < points * 15,
        "{with_holes} of {points} points have holes"
    );
    assert_eq!(
        s.bus.latest().len() as u64,
        points,
        "every point has a latest value"
    );
}
