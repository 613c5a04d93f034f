//! The live bus: every accepted batch gets the next sequence number, updates
//! the latest-value table and is broadcast to the WebSocket tasks.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use cairn_protocol::Reading;
use tokio::sync::broadcast;

/// One published batch. `seq` grows by one per batch, never repeats.
#[derive(Debug)]
pub struct LiveBatch {
    pub seq: u64,
    pub readings: Vec<Reading>,
}

struct Inner {
    seq: u64,
    latest: HashMap<u32, Reading>,
}

/// Cheap to clone; all clones share one bus.
#[derive(Clone)]
pub struct LiveBus {
    tx: broadcast::Sender<Arc<LiveBatch>>,
    inner: Arc<Mutex<Inner>>,
}

/// A consistent starting point for a subscriber: the latest values as of
/// `seq`, and a receiver that yields every batch after it.
pub struct Subscription {
    pub seq: u64,
    pub latest: Vec<Reading>,
    pub rx: broadcast::Receiver<Arc<LiveBatch>>,
}

impl LiveBus {
    /// `capacity` batches may queue per subscriber before it lags (and must resync).
    pub fn new(capacity: usize, latest: Vec<Reading>) -> Self {
        let (tx, _) = broadcast::channel(capacity);
        let latest = latest.into_iter().map(|r| (r.point, r)).collect();
        Self {
            tx,
            inner: Arc::new(Mutex::new(Inner { seq: 0, latest })),
        }
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
        let seq = inner.seq;
        // No subscriber is not an error: the readings are stored either way.
        let _ = self.tx.send(Arc::new(LiveBatch { seq, readings }));
        seq
    }

    pub fn subscribe(&self) -> Subscription {
        let inner = self.lock();
        Subscription {
            seq: inner.seq,
            latest: inner.latest.values().copied().collect(),
            rx: self.tx.subscribe(),
        }
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
        let bus = LiveBus::new(16, vec![r(1, 10, 1.0)]);
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
        let bus = LiveBus::new(4, vec![]);
        bus.publish(vec![r(1, 50, 5.0), r(1, 40, 4.0)]);
        assert_eq!(bus.latest(), vec![r(1, 50, 5.0)]);
    }
}
