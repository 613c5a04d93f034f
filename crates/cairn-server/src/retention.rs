//! Retention: raw readings and hourly rollups older than configured are
//! deleted once an hour; daily rollups stay. Range queries over the pruned
//! past are answered from the rollups (`series::plan`). Expired sessions go too.
//!
//! Also here, every minute: open hours that ended [`CLOSE_AFTER`] ago are
//! merged into the rollups (`store::open_hours`); `Server::stop` merges the
//! rest.

use std::time::Duration;

use tokio::sync::watch;

use crate::state::AppState;

const EVERY: Duration = Duration::from_secs(3_600);
/// How often open hours are closed.
const CLOSE_EVERY: Duration = Duration::from_secs(60);
/// An hour stays open this long after it ended (ms), for late readings.
pub const CLOSE_AFTER: i64 = 5 * 60_000;

/// Closes the open hours that ended [`CLOSE_AFTER`] ago, every minute.
pub async fn close_hours(state: AppState, mut stopping: watch::Receiver<bool>) {
    let mut tick = tokio::time::interval(CLOSE_EVERY);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = crate::shutdown::stopped(&mut stopping) => break,
        }
        let before = state.now_ms() - CLOSE_AFTER;
        if let Err(err) = state.store.close_hours(before).await {
            tracing::warn!("rollups: closing open hours: {err}");
        }
    }
}

pub async fn run(state: AppState, mut stopping: watch::Receiver<bool>) {
    let mut tick = tokio::time::interval(EVERY);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = crate::shutdown::stopped(&mut stopping) => break,
        }
        // What is about to be pruned must be in the rollups first.
        if let Err(err) = state.store.close_hours(state.now_ms() - CLOSE_AFTER).await {
            tracing::warn!("retention: closing open hours: {err}");
        }
        let now = state.now_ms();
        let (raw, hourly) = (
            state.config.raw_cutoff(now),
            state.config.hourly_cutoff(now),
        );
        match state.store.prune(raw, hourly).await {
            Ok(0) => {}
            Ok(n) => tracing::info!("retention: {n} old rows deleted"),
            Err(err) => tracing::warn!("retention: {err}"),
        }
        if let Err(err) = state.store.prune_sessions(now).await {
            tracing::warn!("retention: expired sessions: {err}");
        }
    }
}
