//! The live bus: every accepted batch gets the next sequence number, updates
//! the latest-value table, is kept in a bounded replay ring and is broadcast
//! to the WebSocket tasks. A reconnecting client resumes from the ring.

use std::{
    collections::{HashMap, VecDeque},
    sync::{Arc, Mutex, OnceLock},
};

use cairn_protocol::Reading;
use tokio::sync::broadcast;

/// One published batch. `seq` grows by one per batch, never repeats.
pub struct LiveBatch {
    pub seq: u64,
    pub readings: Vec<Reading>,
    /// When it was published (its readings stored), UTC epoch ms.
    pub accepted: i64,
    /// [`Self::readings_json`], made by the first socket that asks; kept as
    /// long as the batch (in the replay ring or a socket's queue).
    json: OnceLock<String>,
}

impl std::fmt::Debug for LiveBatch {
    /// The batch without its JSON (the readings already say it all).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveBatch")
            .field("seq", &self.seq)
            .field("readings", &self.readings)
            .field("accepted", &self.accepted)
            .finish_non_exhaustive()
    }
}

impl LiveBatch {
    /// A batch as the bus publishes it, for tests that need its fields exact.
    #[cfg(test)]
    pub fn for_tests(seq: u64, readings: Vec<Reading>, accepted: i64) -> Self {
        LiveBatch {
            seq,
            readings,
            accepted,
            json: OnceLock::new(),
        }
    }

    /// Whether [`Self::readings_json`] has been made.
    #[cfg(test)]
    pub fn has_json(&self) -> bool {
        self.json.get().is_some()
    }

    /// The batch's readings as the live protocol writes them, without the
    /// brackets: `[point,ts,value]` triples joined by commas
    /// ([`cairn_protocol::wire::reading_triples`]). Made once, the first time
    /// a socket sends the whole batch, and shared by every socket that does:
    /// with 1,000 tabs open on the portfolio, the server writes each reading's
    /// JSON once, not 1,000 times (P10). Sockets asking while it is being
    /// made wait for it (about 1 ms for a batch of 13,820 readings).
    pub fn readings_json(&self) -> &str {
        self.json.get_or_init(|| {
            let mut out = Vec::with_capacity(self.readings.len() * 32);
            write_triples(&mut out, &self.readings);
            String::from_utf8(out).expect("serde_json writes UTF-8")
        })
    }
}

/// Appends `readings` to `out` as `[point,ts,value]` triples joined by
/// commas, no brackets: exactly what serde_json writes between the brackets
/// of a [`cairn_protocol::ServerMsg::Readings`] message's `readings`
/// ([`cairn_protocol::wire::reading_triples`]).
pub(crate) fn write_triples(out: &mut Vec<u8>, readings: &[Reading]) {
    for (i, r) in readings.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        // The same tuple `reading_triples` writes, through the same writer.
        serde_json::to_writer(&mut *out, &(r.point, r.ts, r.value))
            .expect("readings always serialise");
    }
}

struct Inner {
    seq: u64,
    latest: HashMap<u32, Reading>,
    /// The newest batches, oldest first, holding at most `ring_readings` readings.
    ring: VecDeque<Arc<LiveBatch>>,
    ring_len: usize,
}

/// Cheap to clone; all clones share one bus.
#[derive(Clone)]
pub struct LiveBus {
    tx: broadcast::Sender<Arc<LiveBatch>>,
    inner: Arc<Mutex<Inner>>,
    epoch: u64,
    ring_readings: usize,
}

/// A consistent starting point for a subscriber: the latest values as of
/// `seq`, and a receiver that yields every batch after it.
pub struct Subscription {
    pub seq: u64,
    pub latest: Vec<Reading>,
    pub rx: broadcast::Receiver<Arc<LiveBatch>>,
}

/// What a resuming subscriber missed, and a receiver for what comes next.
pub struct Resumption {
    pub seq: u64,
    pub missed: Vec<Reading>,
    pub rx: broadcast::Receiver<Arc<LiveBatch>>,
}

impl LiveBus {
    /// `capacity` batches may queue per subscriber before it lags (and must
    /// resync); the replay ring keeps the last `ring_readings` readings.
    pub fn new(capacity: usize, ring_readings: usize, latest: Vec<Reading>) -> Self {
        let (tx, _) = broadcast::channel(capacity);
        let latest = latest.into_iter().map(|r| (r.point, r)).collect();
        // This run's identity: the start time is unique enough and never repeats.
        let epoch = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |d| d.as_micros() as u64);
        let inner = Inner {
            seq: 0,
            latest,
            ring: VecDeque::new(),
            ring_len: 0,
        };
        Self {
            tx,
            inner: Arc::new(Mutex::new(inner)),
            epoch,
            ring_readings,
        }
    }

    pub fn epoch(&self) -> u64 {
        self.epoch
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Publishes readings that are already stored. Returns the batch's sequence number.
    pub fn publish(&self, readings: Vec<Reading>) -> u64 {
        let mut inner = self.lock();
        for r in &readings {
            let newer = inner.latest.get(&r.point).is_none_or(|old| old.ts <= r.ts);
            if newer {
                inner.latest.insert(r.point, *r);
            }
        }
        inner.seq += 1;
        let batch = Arc::new(LiveBatch {
            seq: inner.seq,
            readings,
            accepted: crate::time::now_ms(),
            json: OnceLock::new(),
        });
        inner.ring_len += batch.readings.len();
        inner.ring.push_back(batch.clone());
        while inner.ring_len > self.ring_readings && inner.ring.len() > 1 {
            let old = inner.ring.pop_front().expect("ring is not empty");
            inner.ring_len -= old.readings.len();
        }
        // No subscriber is not an error: the readings are stored either way.
        let _ = self.tx.send(batch);
        inner.seq
    }

    pub fn subscribe(&self) -> Subscription {
        let inner = self.lock();
        Subscription {
            seq: inner.seq,
            latest: inner.latest.values().copied().collect(),
            rx: self.tx.subscribe(),
        }
    }

    /// Everything after `seq` of this epoch, if the ring still holds all of it.
    pub fn resume(&self, epoch: u64, seq: u64) -> Option<Resumption> {
        let inner = self.lock();
        if epoch != self.epoch || seq > inner.seq {
            return None;
        }
        let oldest_kept = inner.ring.front().map_or(inner.seq + 1, |b| b.seq);
        if seq + 1 < oldest_kept {
            return None; // some of what was missed has left the ring
        }
        let missed = inner
            .ring
            .iter()
            .filter(|b| b.seq > seq)
            .flat_map(|b| b.readings.iter().copied())
            .collect();
        Some(Resumption {
            seq: inner.seq,
            missed,
            rx: self.tx.subscribe(),
        })
    }

    /// The newest reading of each point, by point.
    pub fn latest_map(&self) -> std::collections::HashMap<u32, Reading> {
        self.lock().latest.clone()
    }

    pub fn latest(&self) -> Vec<Reading> {
        self.lock().latest.values().copied().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(point: u32, ts: i64, value: f64) -> Reading {
        Reading { point, ts, value }
    }

    #[tokio::test]
    async fn subscriber_sees_batches_after_its_snapshot_in_order() {
        let bus = LiveBus::new(16, 100, vec![r(1, 10, 1.0)]);
        bus.publish(vec![r(1, 20, 2.0)]);
        let mut sub = bus.subscribe();
        assert_eq!(sub.seq, 1);
        assert_eq!(sub.latest, vec![r(1, 20, 2.0)]);
        bus.publish(vec![r(2, 30, 3.0)]);
        bus.publish(vec![r(1, 40, 4.0)]);
        let a = sub.rx.recv().await.unwrap();
        let b = sub.rx.recv().await.unwrap();
        assert_eq!((a.seq, b.seq), (2, 3));
        assert_eq!(b.readings, vec![r(1, 40, 4.0)]);
    }

    #[test]
    fn an_older_reading_does_not_replace_the_latest() {
        let bus = LiveBus::new(4, 100, vec![]);
        bus.publish(vec![r(1, 50, 5.0), r(1, 40, 4.0)]);
        assert_eq!(bus.latest(), vec![r(1, 50, 5.0)]);
    }

    #[test]
    fn resume_replays_exactly_what_was_missed_while_the_ring_holds_it() {
        let bus = LiveBus::new(16, 3, vec![]);
        for i in 1..=3 {
            bus.publish(vec![r(1, i, i as f64)]);
        }
        let e = bus.epoch();
        let got = bus.resume(e, 1).unwrap();
        assert_eq!((got.seq, got.missed), (3, vec![r(1, 2, 2.0), r(1, 3, 3.0)]));
        assert!(bus.resume(e, 3).unwrap().missed.is_empty(), "up to date");
        bus.publish(vec![r(1, 4, 4.0)]); // seq 1 leaves the ring (3 readings kept)
        assert!(
            bus.resume(e, 0).is_none(),
            "seq 1 is gone: snapshot instead"
        );
        assert!(bus.resume(e, 1).is_some(), "seq 2.. still there");
        assert!(bus.resume(e + 1, 3).is_none(), "another server run");
        assert!(bus.resume(e, 99).is_none(), "from the future");
    }
}
