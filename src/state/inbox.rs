//! How the live store takes the socket's messages ([`LiveStore::receive`]):
//! when, not what (that is [`LiveStore::apply`]).
//!
//! - A snapshot is applied in a browser task of its own, after the one that
//!   read it: reading a portfolio's snapshot and building the first screen
//!   from it were one long task (TBT, P11). Messages received before that
//!   task runs wait for it and are applied after the snapshot, in order.
//! - Readings are gathered, the newest per point, and applied once per
//!   animation frame. A portfolio whose devices post one by one sends the
//!   tab hundreds of small messages a second, and each applied alone reran
//!   every figure that follows a point of the message: measured with
//!   `e2e/bench/flood.mjs`, the overview's main thread was 93 % busy and
//!   values 8 s late at 280 messages a second. (The reactive system already
//!   showed a point's views only its last reading of a message; now of a
//!   frame, at most 16.7 ms.)
//! - In a hidden tab, which has no frames, readings are applied as they
//!   come: live charts append every reading they see, and a tab brought
//!   back must not show a hole for the time it was hidden.
//! - Alarm changes and refusals are applied at once (after a snapshot, if
//!   one is waiting for its task).

use std::collections::HashMap;

use cairn_protocol::{Reading, ServerMsg};
use leptos::prelude::*;

use super::live::LiveStore;

/// Readings waiting for the next animation frame, as one `readings` message.
pub(super) struct Pending {
    /// The newest reading of each point.
    readings: HashMap<u32, Reading>,
    /// The last message's sequence number and server time.
    seq: u64,
    server_time: i64,
    /// The oldest acceptance time among the messages (0: none said).
    accepted: i64,
}

impl LiveStore {
    /// Takes one message from the socket; see the module's doc for when it
    /// is applied.
    pub fn receive(&self, msg: &ServerMsg) {
        let queued = self.waiting.try_update_value(|waiting| match waiting {
            Some(queue) => {
                queue.push(msg.clone());
                true
            }
            None => false,
        });
        if queued == Some(true) {
            return;
        }
        match msg {
            ServerMsg::Snapshot { .. } => {
                // What came before it goes first.
                self.flush();
                self.waiting.set_value(Some(vec![msg.clone()]));
                let store = *self;
                set_timeout(
                    move || {
                        let queue = store.waiting.try_update_value(Option::take).flatten();
                        for msg in queue.unwrap_or_default() {
                            store.apply(&msg);
                        }
                    },
                    std::time::Duration::ZERO,
                );
            }
            ServerMsg::Readings { .. } if hidden() => {
                self.flush();
                self.apply(msg);
            }
            ServerMsg::Readings {
                seq,
                server_time,
                accepted,
                readings,
            } => {
                let first = self.pending.try_update_value(|pending| {
                    let first = pending.is_none();
                    let batch = pending.get_or_insert_with(|| Pending {
                        readings: HashMap::new(),
                        seq: *seq,
                        server_time: *server_time,
                        accepted: *accepted,
                    });
                    batch.gather(*seq, *server_time, *accepted, readings);
                    first
                });
                if first == Some(true) {
                    let store = *self;
                    request_animation_frame(move || store.flush());
                }
            }
            ServerMsg::Alarms { .. } | ServerMsg::Denied { .. } => self.apply(msg),
        }
    }

    /// Applies the readings gathered since the last frame, if any.
    pub fn flush(&self) {
        let Some(Some(batch)) = self.pending.try_update_value(Option::take) else {
            return;
        };
        self.apply(&ServerMsg::Readings {
            seq: batch.seq,
            server_time: batch.server_time,
            accepted: batch.accepted,
            readings: batch.readings.into_values().collect(),
        });
    }
}

/// The page is not shown (another tab, a minimised window): no frames.
fn hidden() -> bool {
    document().hidden()
}

impl Pending {
    fn gather(&mut self, seq: u64, server_time: i64, accepted: i64, readings: &[Reading]) {
        self.seq = seq;
        self.server_time = server_time;
        if accepted != 0 && (self.accepted == 0 || accepted < self.accepted) {
            self.accepted = accepted;
        }
        for r in readings {
            let newest = self.readings.entry(r.point).or_insert(*r);
            if newest.ts <= r.ts {
                *newest = *r;
            }
        }
    }
}
