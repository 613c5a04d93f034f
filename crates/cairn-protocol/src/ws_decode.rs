//! Reading a [`ServerMsg`] in one pass.
//!
//! serde's derive for an internally tagged enum (`#[serde(tag = "type")]`)
//! cannot know the variant before it has seen the tag, which may come last,
//! so it first reads the whole message into a tree of its own and then reads
//! the variant from that tree. For the socket's big messages (a snapshot of
//! the portfolio, a batch of thousands of readings) that second pass was
//! about half of the app's decoding time. Every serializer of these messages
//! (serde's derive, so the server's) writes `type` first; [`TagFirst`] reads
//! the tag, then the rest of the map straight into the variant's fields.

use serde::{
    Deserialize, Deserializer,
    de::{self, MapAccess, Visitor, value::MapAccessDeserializer},
};

use crate::{Alarm, Reading, ServerMsg, Snapshot};

/// A [`ServerMsg`] whose JSON object starts with its `type`. Deserializing
/// fails with "`type` must come first" on any other object; a plain
/// [`ServerMsg`] accepts the tag anywhere (the app's codec reads only this
/// order, as the server writes it). Fields and defaults are [`ServerMsg`]'s (the protocol's
/// tests compare the two readings on every variant).
#[derive(Debug, Clone, PartialEq)]
pub struct TagFirst(pub ServerMsg);

/// The message a [`TagFirst`] reading refuses because its tag is not first.
pub const TAG_NOT_FIRST: &str = "`type` must come first";

#[derive(Deserialize)]
struct SnapshotFields {
    epoch: u64,
    seq: u64,
    server_time: i64,
    snapshot: Snapshot,
}

#[derive(Deserialize)]
struct ReadingsFields {
    seq: u64,
    server_time: i64,
    #[serde(default)]
    accepted: i64,
    #[serde(with = "crate::wire::reading_triples")]
    readings: Vec<Reading>,
}

#[derive(Deserialize)]
struct AlarmsFields {
    replace: bool,
    alarms: Vec<Alarm>,
}

#[derive(Deserialize)]
struct DeniedFields {
    message: String,
}

impl<'de> Deserialize<'de> for TagFirst {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(TagFirstVisitor)
    }
}

struct TagFirstVisitor;

impl<'de> Visitor<'de> for TagFirstVisitor {
    type Value = TagFirst;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a live message: an object whose first key is `type`")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<TagFirst, A::Error> {
        if map.next_key::<std::borrow::Cow<'de, str>>()?.as_deref() != Some("type") {
            return Err(de::Error::custom(TAG_NOT_FIRST));
        }
        let tag: std::borrow::Cow<'de, str> = map.next_value()?;
        let rest = MapAccessDeserializer::new(map);
        let msg = match &*tag {
            "snapshot" => {
                let f = SnapshotFields::deserialize(rest)?;
                ServerMsg::Snapshot {
                    epoch: f.epoch,
                    seq: f.seq,
                    server_time: f.server_time,
                    snapshot: f.snapshot,
                }
            }
            "readings" => {
                let f = ReadingsFields::deserialize(rest)?;
                ServerMsg::Readings {
                    seq: f.seq,
                    server_time: f.server_time,
                    accepted: f.accepted,
                    readings: f.readings,
                }
            }
            "alarms" => {
                let f = AlarmsFields::deserialize(rest)?;
                ServerMsg::Alarms {
                    replace: f.replace,
                    alarms: f.alarms,
                }
            }
            "denied" => ServerMsg::Denied {
                message: DeniedFields::deserialize(rest)?.message,
            },
            other => {
                return Err(de::Error::unknown_variant(
                    other,
                    &["snapshot", "readings", "alarms", "denied"],
                ));
            }
        };
        Ok(TagFirst(msg))
    }
}
