//! The built-in simulator: a small, believable portfolio whose devices report
//! through the same ingest path as real ones ([`Ingestor::ingest_senml`]).
//! Deterministic for a seed: same portfolio, same noise sequence.

mod devices;
mod physics;
mod portfolio;
mod sites;

use std::{collections::HashSet, time::Duration};

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rumqttc::{AsyncClient, MqttOptions, QoS};
use tokio::sync::watch;

use crate::{
    ingest::{IngestError, Ingestor, SenmlRecord},
    time::now_ms,
};
use devices::World;
pub use portfolio::{Portfolio, portfolio};

/// How often simulated time advances (devices report on their own intervals).
const TICK: Duration = Duration::from_secs(1);

/// Step of the history written at first start. Devices still report on their
/// own intervals, so history and live data look the same to a chart (and to
/// the gap rule); events land on the minute.
const BACKFILL_STEP_MS: i64 = 60_000;
/// Days of backfill written per transaction.
const BACKFILL_CHUNK_MS: i64 = 24 * 3_600_000;

/// A simulator ready to run live: its world is at "now".
pub struct Simulator {
    world: World,
    rng: ChaCha8Rng,
    /// Devices whose live reports now come from elsewhere (a real device
    /// installed in their place, or a test): simulated, never sent.
    handed_over: HashSet<String>,
}

impl Simulator {
    /// Builds the world. With `backfill_days > 0` it starts that far back and
    /// writes the history through the ingest path, in bulk, up to now.
    pub async fn prepare(
        portfolio: &Portfolio,
        ingest: &Ingestor,
        seed: u64,
        backfill_days: u32,
    ) -> Result<Simulator, IngestError> {
        Self::prepare_until(portfolio, ingest, seed, backfill_days, now_ms()).await
    }

    /// [`prepare`](Self::prepare) with history up to `now` (UTC ms) rather
    /// than the clock's now: for tests of a given hour.
    pub async fn prepare_until(
        portfolio: &Portfolio,
        ingest: &Ingestor,
        seed: u64,
        backfill_days: u32,
        now: i64,
    ) -> Result<Simulator, IngestError> {
        let mut rng = ChaCha8Rng::seed_from_u64(seed.wrapping_add(0x51_u64));
        let start = now - i64::from(backfill_days) * 24 * 3_600_000;
        if backfill_days > 0 {
            tracing::info!("simulator: first start, writing {backfill_days} days of history…");
        }
        let mut world = World::new(portfolio.clone(), start, &mut rng);
        let mut t = start;
        let mut stored = 0;
        while t < now {
            let chunk_end = (t + BACKFILL_CHUNK_MS).min(now);
            let mut packs = Vec::new();
            while t < chunk_end {
                world.advance(t, &mut rng);
                packs.extend(
                    world
                        .due_reports(t, &mut rng)
                        .into_iter()
                        .map(|(device, values)| {
                            let pack = senml_pack(&device, t, &values);
                            (device, pack)
                        }),
                );
                t += BACKFILL_STEP_MS;
            }
            stored += ingest.ingest_history(&packs, now).await?;
            let done = (t - start) as f64 / (now - start).max(1) as f64;
            tracing::info!("simulator: history {:.0} % written", done * 100.0);
        }
        if backfill_days > 0 {
            tracing::info!(
                "simulator: backfilled {backfill_days} days of history ({stored} readings)"
            );
        }
        world.advance(now, &mut rng);
        Ok(Simulator {
            world,
            rng,
            handed_over: HashSet::new(),
        })
    }

    /// Stops sending live reports of these devices (their history stays): a
    /// real device, or a test, reports for them from now on.
    pub fn hand_over(mut self, devices: impl IntoIterator<Item = String>) -> Self {
        self.handed_over.extend(devices);
        self
    }

    /// Advances the world to `now`; the reports then due, as `(device id,
    /// values)`, without those of handed-over devices.
    fn due(&mut self, now: i64) -> Vec<(String, Vec<(cairn_protocol::Metric, f64)>)> {
        self.world.advance(now, &mut self.rng);
        let mut due = self.world.due_reports(now, &mut self.rng);
        due.retain(|(device, _)| !self.handed_over.contains(device));
        due
    }

    /// Runs live until `stopping` turns true, reporting in-process through
    /// `ingest`, or as devices on a broker when `publish` is set.
    pub async fn run(
        self,
        ingest: Ingestor,
        publish: Option<(String, u16)>,
        stopping: watch::Receiver<bool>,
    ) {
        let sink = match publish {
            Some((host, port)) => Sink::Mqtt(publisher(host, port, stopping.clone())),
            None => Sink::Ingest(ingest),
        };
        run(self, sink, stopping).await;
    }
}

/// Where live reports go.
enum Sink {
    /// Straight into the ingest path, as the server's own simulator.
    Ingest(Ingestor),
    /// To `cairn/<device>/senml` on a broker, as real devices would (QoS 1).
    Mqtt(AsyncClient),
}

/// A broker client whose event loop runs until `stopping` (it reconnects by itself).
fn publisher(host: String, port: u16, mut stopping: watch::Receiver<bool>) -> AsyncClient {
    let mut options = MqttOptions::new("cairn-simulator", host, port);
    options.set_keep_alive(Duration::from_secs(30));
    let (client, mut events) = AsyncClient::new(options, 4096);
    tokio::spawn(async move {
        loop {
            tokio::select! {
                event = events.poll() => if let Err(err) = event {
                    tracing::warn!("simulator MQTT: {err}; retrying in 2 s");
                    tokio::time::sleep(Duration::from_secs(2)).await;
                },
                _ = crate::shutdown::stopped(&mut stopping) => break,
            }
        }
    });
    client
}

async fn run(mut sim: Simulator, sink: Sink, mut stopping: watch::Receiver<bool>) {
    let mut tick = tokio::time::interval(TICK);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = crate::shutdown::stopped(&mut stopping) => break,
        }
        let now = now_ms();
        for (device, values) in sim.due(now) {
            let pack = senml_pack(&device, now, &values);
            match &sink {
                // A device retired in the inventory is out of service: the
                // simulator stops sending for it (a real one would be refused).
                Sink::Ingest(ingest) if ingest.is_retired(&device) => {}
                Sink::Ingest(ingest) => {
                    if let Err(err) = ingest.ingest_senml(&device, &pack, now).await {
                        // A simulated device is held to the same rules as a real one.
                        tracing::warn!("simulated device {device}: {err}");
                    }
                }
                Sink::Mqtt(client) => {
                    let body = serde_json::to_vec(&pack).expect("SenML always serialises");
                    let topic = format!("cairn/{device}/senml");
                    if let Err(err) = client.publish(topic, QoS::AtLeastOnce, false, body).await {
                        tracing::warn!("simulated device {device}: cannot publish: {err}");
                    }
                }
            }
        }
    }
    if let Sink::Mqtt(client) = sink {
        let _ = client.try_disconnect();
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
        .map(|(i, (metric, value))| {
            // States travel as SenML booleans (`vb`, no unit), quantities as `v` + unit.
            let boolean = metric.is_boolean();
            SenmlRecord {
                bn: (i == 0).then(|| format!("{device_id}/")),
                bt: (i == 0).then_some(now_ms as f64 / 1000.0),
                n: Some(metric.name().to_owned()),
                u: (!boolean).then(|| metric.unit().to_owned()),
                v: (!boolean).then_some(*value),
                vb: boolean.then_some(*value != 0.0),
                ..SenmlRecord::default()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_handed_over_device_is_simulated_but_never_reported() {
        let t0 = 1_763_370_000_000; // 2025-11-17 09:00 UTC
        let make = |handed_over: &[&str]| {
            let mut rng = ChaCha8Rng::seed_from_u64(7);
            let world = World::new(portfolio(7), t0, &mut rng);
            Simulator {
                world,
                rng,
                handed_over: HashSet::new(),
            }
            .hand_over(handed_over.iter().map(|d| d.to_string()))
        };
        let reporters = |sim: &mut Simulator| -> HashSet<String> {
            (1..=12)
                .flat_map(|step| sim.due(t0 + step * 600_000))
                .map(|(device, _)| device)
                .collect()
        };
        let all = reporters(&mut make(&[]));
        let device = "bru-a-f0-z02-ms";
        assert!(all.contains(device), "{device} reports within two hours");
        let rest = reporters(&mut make(&[device]));
        assert!(!rest.contains(device), "a handed-over device sends nothing");
        let mut expected = all.clone();
        expected.remove(device);
        assert_eq!(rest, expected, "every other device reports as before");
    }
}
