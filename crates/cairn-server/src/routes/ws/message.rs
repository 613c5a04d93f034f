//! A socket's next `readings` message, gathered from the bus's batches. A
//! batch the socket's filter passes whole is written with the JSON the batch
//! keeps for every socket ([`LiveBatch::readings_json`]); only a batch the
//! filter cuts is written for this socket alone. The text is byte for byte
//! what serde_json writes for the same [`ServerMsg::Readings`].

use std::sync::Arc;

use cairn_protocol::{Reading, ServerMsg};

use super::filter::Filter;
use crate::live::{LiveBatch, triples_json};

/// Readings waiting to go to one socket, oldest batch first.
#[derive(Default)]
pub(super) struct Pending {
    parts: Vec<Part>,
    len: usize,
    seq: u64,
    /// When the oldest batch with readings for this socket was accepted.
    accepted: Option<i64>,
}

enum Part {
    /// Every reading of the batch passes: its shared JSON is used.
    Whole(Arc<LiveBatch>),
    /// The readings of a batch that pass this socket's filter.
    Cut(Vec<Reading>),
}

impl Pending {
    /// Adds what `filter` lets through of `batch`, and takes its `seq` (the
    /// socket has seen the batch either way).
    pub(super) fn add(&mut self, batch: &Arc<LiveBatch>, filter: &Filter) {
        self.seq = batch.seq;
        let passed = if filter.allows_all() {
            batch.readings.len()
        } else {
            (batch.readings.iter())
                .filter(|r| filter.allows(r.point))
                .count()
        };
        if passed == 0 {
            return;
        }
        self.accepted.get_or_insert(batch.accepted);
        self.len += passed;
        self.parts.push(if passed == batch.readings.len() {
            Part::Whole(batch.clone())
        } else {
            Part::Cut(
                (batch.readings.iter())
                    .filter(|r| filter.allows(r.point))
                    .copied()
                    .collect(),
            )
        });
    }

    /// How many readings wait.
    pub(super) fn len(&self) -> usize {
        self.len
    }

    /// The `readings` message of everything added, as JSON text, stamped
    /// `server_time` (UTC epoch ms); `None` when nothing passed the filter.
    pub(super) fn into_json(self, server_time: i64) -> Option<String> {
        let accepted = self.accepted?;
        // The envelope as serde writes it, `readings` (its last field) empty.
        let empty = ServerMsg::Readings {
            seq: self.seq,
            server_time,
            accepted,
            readings: Vec::new(),
        };
        let envelope = serde_json::to_string(&empty).expect("wire types always serialise");
        let head = (envelope.strip_suffix("[]}"))
            .expect("`readings` is the last field of a readings message");
        let mut json = String::with_capacity(head.len() + 3 + self.len * 32);
        json.push_str(head);
        json.push('[');
        for (i, part) in self.parts.iter().enumerate() {
            if i > 0 {
                json.push(',');
            }
            match part {
                Part::Whole(batch) => json.push_str(batch.readings_json()),
                Part::Cut(readings) => json.push_str(&triples_json(readings)),
            }
        }
        json.push_str("]}");
        Some(json)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::live::LiveBus;

    fn reading(point: u32, i: i64) -> Reading {
        Reading {
            point,
            ts: 1_796_029_200_000 + i * 60_000,
            // Values whose shortest decimal form is long, and integers.
            value: if i % 2 == 0 {
                0.1 + i as f64 / 3.0
            } else {
                i as f64
            },
        }
    }

    /// The batches a bus publishes: 0..3 for points 0–3, then 4..6 for points 2–5.
    fn batches() -> Vec<Arc<LiveBatch>> {
        let bus = LiveBus::new(16, 1_000, Vec::new());
        let mut rx = bus.subscribe().rx;
        bus.publish((0..4).map(|p| reading(p, i64::from(p))).collect());
        bus.publish((2..6).map(|p| reading(p, 10 + i64::from(p))).collect());
        bus.publish(vec![reading(9, 20)]);
        (0..3).map(|_| rx.try_recv().unwrap()).collect()
    }

    /// What serde_json writes for the readings `filter` passes of `batches`.
    fn expected(batches: &[Arc<LiveBatch>], filter: &Filter, server_time: i64) -> String {
        let readings: Vec<Reading> = (batches.iter())
            .flat_map(|b| {
                b.readings
                    .iter()
                    .filter(|r| filter.allows(r.point))
                    .copied()
            })
            .collect();
        let oldest = batches
            .iter()
            .find(|b| b.readings.iter().any(|r| filter.allows(r.point)))
            .unwrap();
        serde_json::to_string(&ServerMsg::Readings {
            seq: batches.last().unwrap().seq,
            server_time,
            accepted: oldest.accepted,
            readings,
        })
        .unwrap()
    }

    #[test]
    fn a_message_of_shared_and_cut_batches_is_what_serde_writes() {
        let batches = batches();
        let filters = [
            ("everything", Filter::of_points(None)),
            (
                "points 2 and 3: the first two batches cut, the third left out",
                Filter::of_points(Some(HashSet::from([2, 3]))),
            ),
            (
                "points 0–5: the first two whole, the third left out",
                Filter::of_points(Some((0..6).collect())),
            ),
            (
                "point 9 only: the first two left out",
                Filter::of_points(Some(HashSet::from([9]))),
            ),
        ];
        for (what, filter) in filters {
            let mut pending = Pending::default();
            for b in &batches {
                pending.add(b, &filter);
            }
            let want = expected(&batches, &filter, 1_796_029_999_000);
            let got = pending.into_json(1_796_029_999_000);
            assert_eq!(got.as_deref(), Some(want.as_str()), "{what}");
            // And the app's reader takes it.
            let read: ServerMsg = serde_json::from_str(&want).unwrap();
            assert!(matches!(read, ServerMsg::Readings { .. }), "{what}");
        }
        // The shared JSON was made and is reused as it is.
        assert!(
            batches[0]
                .readings_json()
                .starts_with("[0,1796029200000,0.1]")
        );
    }

    #[test]
    fn nothing_passed_is_no_message_and_counts_are_of_what_passed() {
        let batches = batches();
        let filter = Filter::of_points(Some(HashSet::from([3, 4, 77])));
        let mut pending = Pending::default();
        for b in &batches {
            pending.add(b, &filter);
        }
        assert_eq!(pending.len(), 3, "point 3 twice, point 4 once");
        let nothing = Filter::of_points(Some(HashSet::from([77])));
        let mut empty = Pending::default();
        for b in &batches {
            empty.add(b, &nothing);
        }
        assert_eq!(empty.len(), 0);
        assert_eq!(empty.into_json(1), None);
    }
}
