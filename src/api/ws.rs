//! The tab's one WebSocket. It reconnects forever (every 2 s) and hands each
//! decoded message to a callback; the live store in `state` is the only caller.
//! A close with code 4401 ends the session (`super::signed_out`); any other
//! failure asks the server whether the session still holds (a refused upgrade
//! looks like any failure), so a 401 there ends it too. A close with code 4426
//! (the server speaks another protocol version: Cairn was updated) stops the
//! socket for good and says so ([`Socket::outdated`]): only a reload helps.

use std::sync::Arc;

use cairn_protocol::{
    ClientMsg, PROTOCOL_VERSION, ResumeFrom, Scope, ServerMsg, TagFirst, WS_CLOSE_OUTDATED,
    WS_CLOSE_SIGNED_OUT, WS_PATH,
};
use codee::{Decoder, Encoder, HybridCoderError, HybridDecoder};
use leptos::prelude::*;
use leptos_use::{
    ReconnectLimit, UseWebSocketError, UseWebSocketOptions, UseWebSocketReturn,
    core::ConnectionReadyState, use_websocket_with_options,
};

use super::ApiError;

/// `ws://host/api/ws` or `wss://…` for the page's own origin.
pub fn live_url() -> String {
    let location = window().location();
    let scheme = match location.protocol().as_deref() {
        Ok("https:") => "wss",
        _ => "ws",
    };
    let host = location.host().unwrap_or_default();
    format!("{scheme}://{host}{WS_PATH}")
}

thread_local! {
    /// A session recheck after a socket failure is under way.
    static RECHECKING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// The state of the tab's socket, as [`connect`] keeps it.
#[derive(Clone, Copy)]
pub struct Socket {
    pub ready: Signal<ConnectionReadyState>,
    /// The server refused this app's protocol version (close 4426): the
    /// socket is closed for good and the tab must reload to be live again.
    pub outdated: Signal<bool>,
}

/// Opens the socket. On every (re)connection it says hello with `resume()`
/// and this build's [`PROTOCOL_VERSION`], so the server sends only what was
/// missed, in shapes this app reads. `on_message` gets every message in order;
/// `on_error` every failure (after which the session is rechecked).
pub fn connect(
    resume: impl Fn() -> Option<ResumeFrom> + Send + Sync + 'static,
    on_message: impl Fn(&ServerMsg) + Send + Sync + 'static,
    on_error: impl Fn(ApiError) + Send + Sync + 'static,
) -> Socket {
    let outdated = RwSignal::new(false);
    // `close` exists only once the socket does; the close handler needs it to
    // stop the reconnecting before it starts.
    let closer = StoredValue::new(None::<Arc<dyn Fn() + Send + Sync>>);
    let options = UseWebSocketOptions::default()
        .on_close(move |e: web_sys::CloseEvent| match e.code() {
            WS_CLOSE_SIGNED_OUT => super::signed_out::signed_out(),
            WS_CLOSE_OUTDATED => {
                leptos::logging::warn!("live socket closed: {}", e.reason());
                if let Some(close) = closer.get_value() {
                    close();
                }
                outdated.set(true);
            }
            _ => {}
        })
        .reconnect_limit(ReconnectLimit::Infinite)
        .reconnect_interval(2_000)
        .on_message(on_message)
        .on_error(move |err| {
            let connection = !matches!(err, UseWebSocketError::Codec(_));
            on_error(match err {
                UseWebSocketError::Codec(e) => ApiError::Decode(format!("{e:?}")),
                other => ApiError::Socket(format!("{other:?}")),
            });
            // A connection that failed may be a refused upgrade: still signed
            // in? (A 401 ends the session like any other.) One question at a
            // time; a message this app cannot decode asks nothing.
            if connection && !RECHECKING.replace(true) {
                leptos::task::spawn_local(async {
                    let _ = super::auth::me().await;
                    RECHECKING.set(false);
                });
            }
        });
    let UseWebSocketReturn {
        ready_state,
        send,
        close,
        ..
    } = use_websocket_with_options::<ClientMsg, ServerMsg, LiveCodec, _, _>(&live_url(), options);
    closer.set_value(Some(Arc::new(close)));
    // The socket is a non-reactive API: an effect says hello each time it opens.
    Effect::new(move |_| {
        if ready_state.get() == ConnectionReadyState::Open {
            send(&ClientMsg::Hello {
                resume: resume(),
                scope: Scope::everything(),
                deflate: true,
                protocol: PROTOCOL_VERSION,
            });
        }
    });
    Socket {
        ready: ready_state,
        outdated: outdated.into(),
    }
}

/// Largest message the app inflates: a snapshot of a 100,000-point portfolio
/// is about 10 MB of JSON.
const INFLATE_LIMIT: usize = 64 << 20;

/// The live socket's codec: JSON text out; in, JSON text or, as asked with
/// `Hello { deflate: true }`, a binary frame of raw DEFLATE (RFC 1951) JSON.
pub struct LiveCodec;

/// The `Encoded` type of [`LiveCodec`]'s decoder: never made, leptos-use hands
/// text to `decode_str` and bytes to `decode_bin`.
pub enum Frame {}

/// Why a live message could not be read.
#[derive(Debug, thiserror::Error)]
pub enum FrameError {
    #[error("not a live message: {0}")]
    Json(#[from] serde_json::Error),
    #[error("a compressed live message did not inflate: {0}")]
    Inflate(String),
}

impl Encoder<ClientMsg> for LiveCodec {
    type Error = serde_json::Error;
    type Encoded = String;

    fn encode(val: &ClientMsg) -> Result<String, Self::Error> {
        serde_json::to_string(val)
    }
}

impl Decoder<ServerMsg> for LiveCodec {
    type Error = FrameError;
    type Encoded = Frame;

    fn decode(val: &Frame) -> Result<ServerMsg, FrameError> {
        match *val {}
    }
}

impl HybridDecoder<ServerMsg, Frame> for LiveCodec {
    type Error = FrameError;

    fn is_binary_decoder() -> bool {
        false
    }

    fn decode_str(val: &str) -> Result<ServerMsg, HybridCoderError<FrameError>> {
        Ok(read(val.as_bytes()).map_err(FrameError::from)?)
    }

    fn decode_bin(val: &[u8]) -> Result<ServerMsg, HybridCoderError<FrameError>> {
        Ok(inflate(val)?)
    }
}

/// A compressed frame's message.
pub fn inflate(frame: &[u8]) -> Result<ServerMsg, FrameError> {
    let json = miniz_oxide::inflate::decompress_to_vec_with_limit(frame, INFLATE_LIMIT)
        .map_err(|e| FrameError::Inflate(e.to_string()))?;
    Ok(read(&json)?)
}

/// A message's JSON, read in one pass ([`TagFirst`]): the server writes each
/// message's `type` first, and this app reads only that order. The plain
/// derive of [`ServerMsg`], which takes the tag anywhere, is not used here:
/// its second decoder of every field type was about 17 KB of the first
/// load's wasm (brotli, measured 2026-12-01). An object whose `type` is not
/// first is an error that says so.
pub fn read(json: &[u8]) -> Result<ServerMsg, serde_json::Error> {
    serde_json::from_slice::<TagFirst>(json).map(|TagFirst(msg)| msg)
}

#[cfg(test)]
mod tests {
    use cairn_protocol::{ServerMsg, TAG_NOT_FIRST};

    use super::{inflate, read};

    #[test]
    fn a_message_reads_as_the_protocol_reads_it_when_its_type_comes_first() {
        let json = r#"{"type":"readings","seq":7,"server_time":8,"readings":[[3,1,2.5]]}"#;
        let msg = read(json.as_bytes()).unwrap();
        assert_eq!(msg, serde_json::from_str::<ServerMsg>(json).unwrap());
        // Errors say what is wrong.
        let later = r#"{"seq":7,"server_time":8,"readings":[[3,1,2.5]],"type":"readings"}"#;
        let err = read(later.as_bytes()).unwrap_err();
        assert!(err.to_string().contains(TAG_NOT_FIRST), "{err}");
        let err = read(br#"{"type":"readings","seq":7}"#).unwrap_err();
        assert!(err.to_string().contains("missing field"), "{err}");
        let err = read(br#"{"type":"denied","message":"x"} trailing"#).unwrap_err();
        assert!(err.to_string().contains("trailing"), "{err}");
    }

    #[test]
    fn a_compressed_message_reads_as_its_json() {
        let json = r#"{"type":"denied","message":"not on your sites: ams"}"#;
        let frame = miniz_oxide::deflate::compress_to_vec(json.as_bytes(), 6);
        assert_eq!(
            inflate(&frame).unwrap(),
            ServerMsg::Denied {
                message: "not on your sites: ams".into()
            }
        );
    }
}
