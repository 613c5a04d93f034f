//! The tab's one WebSocket. It reconnects forever (every 2 s) and hands each
//! decoded message to a callback; the live store in `state` is the only caller.
//! A close with code 4401 ends the session (`super::signed_out`); any other
//! failure asks the server whether the session still holds (a refused upgrade
//! looks like any failure), so a 401 there ends it too.

use cairn_protocol::{ClientMsg, ResumeFrom, Scope, ServerMsg, WS_CLOSE_SIGNED_OUT, WS_PATH};
use codee::string::JsonSerdeCodec;
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

/// Opens the socket. On every (re)connection it says hello with `resume()`,
/// so the server sends only what was missed. `on_message` gets every message
/// in order; `on_error` every failure (after which the session is rechecked).
pub fn connect(
    resume: impl Fn() -> Option<ResumeFrom> + Send + Sync + 'static,
    on_message: impl Fn(&ServerMsg) + Send + Sync + 'static,
    on_error: impl Fn(ApiError) + Send + Sync + 'static,
) -> Signal<ConnectionReadyState> {
    let options = UseWebSocketOptions::default()
        .on_close(|e: web_sys::CloseEvent| {
            if e.code() == WS_CLOSE_SIGNED_OUT {
                super::signed_out::signed_out();
            }
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
        ready_state, send, ..
    } = use_websocket_with_options::<ClientMsg, ServerMsg, JsonSerdeCodec, _, _>(
        &live_url(),
        options,
    );
    // The socket is a non-reactive API: an effect says hello each time it opens.
    Effect::new(move |_| {
        if ready_state.get() == ConnectionReadyState::Open {
            send(&ClientMsg::Hello {
                resume: resume(),
                scope: Scope::everything(),
            });
        }
    });
    ready_state
}
