//! The built-in simulator: a small, believable portfolio whose devices report
//! through the same ingest path as real ones ([`Ingestor::ingest_senml`]).
//! Deterministic for a seed: same portfolio, same noise sequence.

mod physics;
mod portfolio;

use std::time::Duration;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use tokio::sync::watch;

use crate::{
    catalog::metric_name,
    ingest::{Ingestor, SenmlRecord},
};
use physics::World;
pub use portfolio::{Portfolio, portfolio};

/// How often simulated time advances (devices report on their own intervals).
const TICK: Duration = Duration::from_secs(1);

/// Runs until `stopping` turns true.
pub async fn run(
    portfolio: Portfolio,
    ingest: Ingestor,
    seed: u64,
    mut stopping: watch::Receiver<bool>,
) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed.wrapping_add(0x51_u64));
    let mut world = World::new(&portfolio, now_ms(), &mut rng);
    let mut tick = tokio::time::interval(TICK);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = crate::state::stopped(&mut stopping) => break,
        }
        let now = now_ms();
        world.advance(now, &mut rng);
        for (device, values) in world.due_reports(now) {
            let pack = senml_pack(&device, now, &values);
            if let Err(err) = ingest.ingest_senml(&device, &pack, now).await {
                // A simulated device is held to the same rules as a real one.
                tracing::warn!("simulated device {device}: {err}");
            }
        }
    }
}

/// One SenML pack per report, as a device would send it: base name and base time.
pub fn senml_pack(
    device_id: &str,
    now_ms: i64,
    values: &[(cairn_protocol::Metric, f64)],
) -> Vec<SenmlRecord> {
    values
        .iter()
        .enumerate()
        .map(|(i, (metric, value))| SenmlRecord {
            bn: (i == 0).then(|| format!("{device_id}/")),
            bt: (i == 0).then_some(now_ms as f64 / 1000.0),
            n: Some(metric_name(*metric).to_owned()),
            u: Some(metric.unit().to_owned()),
            v: Some(*value),
            ..SenmlRecord::default()
        })
        .collect()
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}
