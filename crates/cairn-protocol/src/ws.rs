use serde::{Deserialize, Serialize};

use crate::{Reading, Snapshot};

/// Where the one WebSocket of a tab connects.
pub const WS_PATH: &str = "/api/ws";

/// Messages the server sends on the WebSocket, tagged by `type`.
///
/// `seq` is the server's live-bus sequence number: it grows by one per batch
/// published, so a client can tell when it missed something.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerMsg {
    /// Sent first on every connection, and again whenever the client fell
    /// behind: replace everything you hold with this.
    Snapshot {
        seq: u64,
        /// Server time when the snapshot was taken (UTC epoch ms).
        server_time: i64,
        snapshot: Snapshot,
    },
    /// Readings accepted since the previous message, batched (at most every 250 ms).
    Readings {
        seq: u64,
        server_time: i64,
        readings: Vec<Reading>,
    },
}

impl ServerMsg {
    pub fn seq(&self) -> u64 {
        match self {
            ServerMsg::Snapshot { seq, .. } | ServerMsg::Readings { seq, .. } => *seq,
        }
    }
}
