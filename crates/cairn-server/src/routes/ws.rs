//! `/api/ws`: one socket per tab. The client says hello (resuming or not); the
//! server answers with what it missed or a snapshot, then every accepted
//! reading, batched at most every 250 ms, each message with the bus sequence.
//! A client that falls behind gets a fresh snapshot instead of a stalled server.

use std::time::Duration;

use axum::{
    Router,
    extract::{
        State, WebSocketUpgrade,
        ws::rejection::WebSocketUpgradeRejection,
        ws::{Message, Utf8Bytes, WebSocket},
    },
    http::{HeaderMap, header},
    response::{IntoResponse, Response},
    routing::get,
};
use cairn_protocol::{ClientMsg, Reading, ResumeFrom, ServerMsg};
use tokio::sync::broadcast::error::RecvError;

use super::{now_ms, snapshot};
use crate::{
    error::AppError,
    live::{Resumption, Subscription},
    state::AppState,
};

const FLUSH_EVERY: Duration = Duration::from_millis(250);
/// How long the server waits for the client's hello before sending a snapshot.
const HELLO_WAIT: Duration = Duration::from_secs(2);
/// More pending readings than this and the client is sent a snapshot instead.
const MAX_PENDING: usize = 50_000;

pub fn router() -> Router<AppState> {
    Router::new().route("/ws", get(upgrade))
}

async fn upgrade(
    State(state): State<AppState>,
    headers: HeaderMap,
    ws: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    // Origin first: a cross-site page must learn nothing, not even that this is a socket.
    if !same_origin(&headers) {
        return AppError::Forbidden("WebSocket from another origin".into()).into_response();
    }
    match ws {
        Ok(ws) => ws.on_upgrade(move |socket| live(socket, state)),
        Err(rejection) => rejection.into_response(),
    }
}

/// Browsers always send `Origin`; it must name the host the page was served from.
fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()) else {
        return true; // not a browser: no ambient cookies to abuse
    };
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    origin
        .split_once("://")
        .is_some_and(|(_, rest)| rest == host)
}

async fn live(mut socket: WebSocket, state: AppState) {
    let mut stopping = state.stopping.clone();
    let resume = match hello(&mut socket).await {
        Hello::Resume(from) => state.bus.resume(from.epoch, from.seq),
        Hello::Fresh => None,
        Hello::Gone => return,
    };
    let (mut seq, mut rx, first) = match resume {
        Some(Resumption { seq, missed, rx }) => (
            seq,
            rx,
            ServerMsg::Readings {
                seq,
                server_time: now_ms(),
                readings: missed,
            },
        ),
        None => {
            let Subscription { seq, latest, rx } = state.bus.subscribe();
            (seq, rx, snapshot_msg(&state, seq, latest))
        }
    };
    if send(&mut socket, &first).await.is_err() {
        return;
    }
    let mut pending: Vec<Reading> = Vec::new();
    let mut tick = tokio::time::interval(FLUSH_EVERY);
    loop {
        let mut resync = false;
        tokio::select! {
            batch = rx.recv() => match batch {
                Ok(batch) => {
                    seq = batch.seq;
                    pending.extend_from_slice(&batch.readings);
                    resync = pending.len() > MAX_PENDING;
                }
                Err(RecvError::Lagged(missed)) => {
                    tracing::debug!("live socket lagged by {missed} batches; resyncing");
                    resync = true;
                }
                Err(RecvError::Closed) => break,
            },
            _ = tick.tick() => {
                if !pending.is_empty() {
                    let readings = std::mem::take(&mut pending);
                    let msg = ServerMsg::Readings { seq, server_time: now_ms(), readings };
                    if send(&mut socket, &msg).await.is_err() { return; }
                }
            }
            incoming = socket.recv() => match incoming {
                // Client messages (subscriptions, resume) arrive with the data plane.
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return,
                Some(Ok(_)) => {}
            },
            _ = crate::state::stopped(&mut stopping) => break,
        }
        if resync {
            // Too far behind: drop what is queued and start again from a snapshot.
            pending.clear();
            let sub = state.bus.subscribe();
            seq = sub.seq;
            rx = sub.rx;
            if send(&mut socket, &snapshot_msg(&state, seq, sub.latest))
                .await
                .is_err()
            {
                return;
            }
        }
    }
    let _ = socket.send(Message::Close(None)).await;
}

enum Hello {
    Resume(ResumeFrom),
    Fresh,
    Gone,
}

/// The client's first message says whether it resumes. A client that says
/// nothing within [`HELLO_WAIT`] (or something else) starts fresh.
async fn hello(socket: &mut WebSocket) -> Hello {
    match tokio::time::timeout(HELLO_WAIT, socket.recv()).await {
        Ok(Some(Ok(Message::Text(text)))) => match serde_json::from_str::<ClientMsg>(&text) {
            Ok(ClientMsg::Hello { resume: Some(from) }) => Hello::Resume(from),
            Ok(ClientMsg::Hello { resume: None }) => Hello::Fresh,
            Err(err) => {
                tracing::debug!("live socket: unreadable hello: {err}");
                Hello::Fresh
            }
        },
        Ok(Some(Ok(Message::Close(_))) | None | Some(Err(_))) => Hello::Gone,
        Ok(Some(Ok(_))) | Err(_) => Hello::Fresh,
    }
}

fn snapshot_msg(state: &AppState, seq: u64, latest: Vec<Reading>) -> ServerMsg {
    ServerMsg::Snapshot {
        epoch: state.bus.epoch(),
        seq,
        server_time: now_ms(),
        snapshot: snapshot::build(&state.catalog, latest),
    }
}

async fn send(socket: &mut WebSocket, msg: &ServerMsg) -> Result<(), axum::Error> {
    let json = serde_json::to_string(msg).expect("wire types always serialise");
    socket.send(Message::Text(Utf8Bytes::from(json))).await
}
