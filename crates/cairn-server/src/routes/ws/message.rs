//! A socket's next `readings` message, gathered from the bus's batches. A
//! batch the socket's filter passes whole is written with the JSON the batch
//! keeps for every socket ([`LiveBatch::readings_json`]); only a batch the
//! filter cuts is written for this socket alone. The text is byte for byte
//! what serde_json writes for the same [`ServerMsg::Readings`].

use std::sync::Arc;

use cairn_protocol::{Reading, ServerMsg};

use super::filter::Filter;
use crate::live::{LiveBatch, write_triples};

/// Readings waiting to go to one socket, oldest batch first.
#[derive(Default)]
pub(super) struct Pending {
    /// What passed of each batch, oldest first; batches with nothing that
    /// passed are left out.
    parts: Vec<Part>,
    /// How many readings the parts hold.
    len: usize,
    /// The newest batch's `seq`, whether anything of it passed or not.
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
        let mut json = Vec::with_capacity(head.len() + 3 + self.len * 32);
        json.extend_from_slice(head.as_bytes());
        json.push(b'[');
        for (i, part) in self.parts.iter().enumerate() {
            if i > 0 {
                json.push(b',');
            }
            match part {
                Part::Whole(batch) => json.extend_from_slice(batch.readings_json().as_bytes()),
                Part::Cut(readings) => write_triples(&mut json, readings),
            }
        }
        json.extend_from_slice(b"]}");
        Some(String::from_utf8(json).expect("serde_json writes UTF-8"))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use cairn_protocol::TagFirst;

    use super::*;

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

    /// Batches 1–4, accepted a second apart: points 0–3, nothing, points
    /// 2–5, point 9.
    fn batches() -> Vec<Arc<LiveBatch>> {
        let points = [vec![0, 1, 2, 3], vec![], vec![2, 3, 4, 5], vec![9]];
        (points.into_iter().enumerate())
            .map(|(i, points)| {
                let readings = (points.into_iter())
                    .map(|p| reading(p, 10 * i as i64 + i64::from(p)))
                    .collect();
                let accepted = 1_796_029_000_000 + 1_000 * i as i64;
                Arc::new(LiveBatch::for_tests(i as u64 + 1, readings, accepted))
            })
            .collect()
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
        let points = |p: &[u32]| Filter::of_points(Some(p.iter().copied().collect()));
        let filters = [
            (
                "everything: all whole",
                Filter::of_points(None),
                [true, true, true],
            ),
            (
                "0–3 and 9: whole, cut, whole",
                points(&[0, 1, 2, 3, 9]),
                [true, false, true],
            ),
            (
                "0–3: whole, cut",
                points(&[0, 1, 2, 3]),
                [true, false, false],
            ),
            ("2 and 3: cut, cut", points(&[2, 3]), [false, false, false]),
            (
                "0–5: whole, whole",
                points(&[0, 1, 2, 3, 4, 5]),
                [true, true, false],
            ),
            (
                "9: the first batches left out, accepted of the last",
                points(&[9]),
                [false, false, true],
            ),
        ];
        for (what, filter, shared) in filters {
            let batches = batches();
            let mut pending = Pending::default();
            for b in &batches {
                pending.add(b, &filter);
            }
            let want = expected(&batches, &filter, 1_796_029_999_000);
            let got = pending
                .into_json(1_796_029_999_000)
                .expect("readings passed");
            assert_eq!(got, want, "{what}");
            // The batches passed whole were written once, for every socket;
            // the cut ones not (this socket wrote its own part).
            let with_readings = [&batches[0], &batches[2], &batches[3]];
            let made: Vec<bool> = with_readings.iter().map(|b| b.has_json()).collect();
            assert_eq!(made, shared, "{what}");
            // And the app's reader takes it.
            let TagFirst(read) = serde_json::from_str(&got).expect(what);
            assert!(matches!(read, ServerMsg::Readings { .. }), "{what}");
        }
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
