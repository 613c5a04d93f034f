use serde::{Deserialize, Serialize};

use crate::{Alarm, Reading, Snapshot};

/// Where the one WebSocket of a tab connects.
pub const WS_PATH: &str = "/api/ws";
/// With [`ClientMsg::Hello`]`{ deflate: true }`, a message whose JSON is this
/// long or longer is sent compressed, as a binary frame (bytes).
pub const DEFLATE_ABOVE: usize = 4096;
/// The close code of a socket whose session ended: the app shows the sign-in page.
pub const WS_CLOSE_SIGNED_OUT: u16 = 4401;
/// The close code of a socket whose hello names another [`PROTOCOL_VERSION`]
/// than the server's: the tab runs an app of an older (or newer) deploy, which
/// would misread the messages, so it is told to reload instead (as HTTP's 426
/// Upgrade Required). The close reason names both versions.
pub const WS_CLOSE_OUTDATED: u16 = 4426;
/// The version of the live socket's message shapes ([`ClientMsg`],
/// [`ServerMsg`] and [`crate::wire`]). Raise it with every change a client of
/// the previous version would misread; the server refuses a hello of any other
/// version with [`WS_CLOSE_OUTDATED`].
pub const PROTOCOL_VERSION: u32 = 1;

/// Messages the server sends on the WebSocket, tagged by `type`.
///
/// `seq` is the server's live-bus sequence number: it grows by one per batch
/// published; a message's `seq` is that of the newest batch it includes. A
/// client that reconnects sends [`ClientMsg::Hello`] with the `epoch` of its
/// snapshot and the last `seq` it applied, and gets exactly what it missed (as
/// `Readings`), or a fresh `Snapshot` when that is no longer possible.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerMsg {
    /// Sent first on every connection, and again whenever the client fell
    /// behind: replace everything you hold with this.
    Snapshot {
        /// Identifies this server run: sequence numbers only compare within one epoch.
        epoch: u64,
        seq: u64,
        /// Server time when the snapshot was taken (UTC epoch ms).
        server_time: i64,
        #[cfg_attr(feature = "openapi", schema(value_type = crate::wire::SnapshotWire))]
        snapshot: Snapshot,
    },
    /// Readings accepted since the previous message (what queued while the
    /// socket was busy comes together in one message).
    Readings {
        seq: u64,
        server_time: i64,
        /// When the server accepted (stored and published) the oldest
        /// readings of this message, UTC epoch ms: the live path's latency runs
        /// from here to the frame that paints them (PERFORMANCE.md P6).
        #[serde(default)]
        accepted: i64,
        /// `[point, ts, value]` triples (see [`crate::wire::reading_triples`]).
        #[serde(with = "crate::wire::reading_triples")]
        #[cfg_attr(feature = "openapi", schema(value_type = Vec<Vec<f64>>))]
        readings: Vec<Reading>,
    },
    /// Alarms of the sites the user may see. `replace`: these are all the
    /// alarms of the queue (every one not closed), sent after each snapshot;
    /// otherwise changed alarms, to put in place of the ones with the same
    /// id (a `closed` one leaves the queue).
    Alarms { replace: bool, alarms: Vec<Alarm> },
    /// Part of the requested scope lies outside the user's site access:
    /// nothing of that part is sent. Sent right before the snapshot.
    Denied {
        /// Which ids were refused, for a person.
        message: String,
    },
}

impl ServerMsg {
    /// The bus sequence this message brings the client to (`None`: it carries no data).
    pub fn seq(&self) -> Option<u64> {
        match self {
            ServerMsg::Snapshot { seq, .. } | ServerMsg::Readings { seq, .. } => Some(*seq),
            ServerMsg::Denied { .. } | ServerMsg::Alarms { .. } => None,
        }
    }
}

/// Messages the client sends, tagged by `type`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientMsg {
    /// First message on every connection. Without `resume` (or if the server
    /// cannot resume) the server answers with a snapshot.
    Hello {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        resume: Option<ResumeFrom>,
        /// What this socket wants; everything when left out.
        #[serde(default, skip_serializing_if = "Scope::is_everything")]
        scope: Scope,
        /// The client reads binary frames: a message of [`DEFLATE_ABOVE`]
        /// bytes of JSON or more then comes as one, compressed with raw
        /// DEFLATE (RFC 1951). Off when left out: every message is text.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        deflate: bool,
        /// The [`PROTOCOL_VERSION`] the client reads and writes. Left out:
        /// version 1, the shapes from before this field existed.
        #[serde(default = "first_protocol")]
        protocol: u32,
    },
    /// Changes what this socket receives; the server answers with a snapshot of the new scope.
    Subscribe { scope: Scope },
}

fn first_protocol() -> u32 {
    1
}

/// What a socket receives: the points of these sites, buildings and devices,
/// plus these points. All empty means everything.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Scope {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sites: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub buildings: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub devices: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub points: Vec<u32>,
}

impl Scope {
    pub fn everything() -> Self {
        Scope::default()
    }

    pub fn is_everything(&self) -> bool {
        self.sites.is_empty()
            && self.buildings.is_empty()
            && self.devices.is_empty()
            && self.points.is_empty()
    }
}

/// Where a reconnecting client left off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResumeFrom {
    pub epoch: u64,
    pub seq: u64,
}
