//! Retention: raw readings and hourly rollups older than configured are
//! deleted once an hour; daily rollups stay. Range queries over the pruned
//! past are answered from the rollups (`series::plan`). Expired sessions go too.

use std::time::Duration;

use tokio::sync::watch;

use crate::state::AppState;

const EVERY: Duration = Duration::from_secs(3_600);

pub async fn run(state: AppState, mut stopping: watch::Receiver<bool>) {
    let mut tick = tokio::time::interval(EVERY);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = crate::shutdown::stopped(&mut stopping) => break,
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
