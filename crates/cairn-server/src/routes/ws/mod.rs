//! `/api/ws`: one socket per tab. The client says hello (resuming or not); the
//! server answers with what it missed or a snapshot, then every accepted
//! reading as soon as the socket is free (what queued meanwhile goes in one
//! message), each message with the bus sequence. A batch's readings are
//! written as JSON once and shared by the sockets that send it whole
//! (`message.rs`).
//! A client that falls behind gets a fresh snapshot instead of a stalled server.
//! The upgrade needs a signed-in session from this origin; the socket carries
//! only the user's sites, and closes (code 4401) when the session ends. A hello
//! of another protocol version (an app of another deploy) is closed with code
//! 4426, which tells the tab to reload.

use std::{collections::HashSet, time::Duration};

use axum::{
    extract::{
        State, WebSocketUpgrade,
        ws::rejection::WebSocketUpgradeRejection,
        ws::{Message, Utf8Bytes, WebSocket},
    },
    http::HeaderMap,
    response::{IntoResponse, Response},
};
use cairn_protocol::{
    ClientMsg, DEFLATE_ABOVE, ErrorBody, PROTOCOL_VERSION, Reading, ResumeFrom, Scope, ServerMsg,
    WS_CLOSE_OUTDATED,
};
use flate2::Compression;
use tokio::sync::broadcast::error::{RecvError, TryRecvError};
use utoipa_axum::{router::OpenApiRouter, routes};

use self::{filter::Filter, message::Pending};
use super::snapshot;
use crate::{
    auth::{self, Caller},
    error::AppError,
    live::{Resumption, Subscription},
    state::AppState,
    time::now_ms,
};

mod filter;
mod message;

/// How long the server waits for the client's hello before sending a snapshot.
const HELLO_WAIT: Duration = Duration::from_secs(2);
/// More queued readings than this and the client is sent a snapshot instead.
const MAX_PENDING: usize = 50_000;
/// At most one `readings` message per this much time per socket: readings
/// that come faster (a portfolio whose devices post one by one publishes
/// hundreds of small batches a second) wait and go together. Each message
/// costs the server its JSON (and deflate) once per socket and the tab a
/// decode; 25 ms is well under P6's 100 ms from acceptance to pixel.
const PACE: Duration = Duration::from_millis(25);
/// How often an open socket checks that its session still holds.
const SESSION_CHECK: Duration = Duration::from_secs(15);
/// How much tungstenite reads from the socket at once, in bytes (its default
/// is 128 KiB). tungstenite zero-fills that much before every read attempt,
/// including each poll that finds nothing to read (snapview/tungstenite-rs
/// issue 547, open), and the socket loop polls its read at every message it
/// sends. In the fan-out bench (1,000 sockets, 2,500 readings/s) that zeroing
/// was 28 % of the process's CPU samples, server and clients together, and
/// 11 % once the server's buffer was this size (`perf`, 2026-12-01). Clients
/// send only a hello and scope changes; a longer message is still read whole
/// (the buffer grows to the frame's length).
const READ_BUFFER: usize = 4096;
/// Messages longer than this many bytes are compressed off the async
/// workers: a whole portfolio's snapshot takes milliseconds.
const DEFLATE_OFF_WORKERS: usize = 64 * 1024;
/// The longest message a client may send, in bytes: a hello or a scope
/// change (a scope of about 10,000 point ids). A longer one closes the socket
/// with code 1009 (message too big, RFC 6455 §7.4.1); tungstenite's default,
/// 64 MiB, would let one signed-in tab make the server buffer that much.
const MAX_CLIENT_MESSAGE: usize = 64 * 1024;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(upgrade))
}

#[utoipa::path(get, path = "/api/ws", tag = "live",
    description = "The live WebSocket: send a `ClientMsg` hello, receive `ServerMsg`s.",
    responses(
        (status = 101, description = "Switching to the WebSocket protocol"),
        (status = 400, description = "Not a WebSocket upgrade", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Another origin", body = ErrorBody)))]
pub(crate) async fn upgrade(
    State(state): State<AppState>,
    headers: HeaderMap,
    caller: Result<Caller, AppError>,
    ws: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    // Origin first: a cross-site page must learn nothing, not even that this is a socket.
    if !auth::same_origin(&headers) {
        return AppError::Forbidden("WebSocket from another origin".into()).into_response();
    }
    let caller = match caller {
        Ok(c) => c,
        Err(e) => return e.into_response(),
    };
    match ws {
        Ok(ws) => ws
            .read_buffer_size(READ_BUFFER)
            .max_message_size(MAX_CLIENT_MESSAGE)
            .max_frame_size(MAX_CLIENT_MESSAGE)
            .on_upgrade(move |socket| live(socket, state, caller)),
        Err(rejection) => AppError::BadRequest {
            message: format!("not a WebSocket upgrade: {}", rejection.body_text()),
            location: Some("headers".into()),
        }
        .into_response(),
    }
}

async fn live(mut socket: WebSocket, state: AppState, caller: Caller) {
    let mut stopping = state.stopping.clone();
    let Some(Hello {
        resume,
        mut scope,
        deflate,
        protocol,
    }) = hello(&mut socket).await
    else {
        return;
    };
    if protocol != PROTOCOL_VERSION {
        // An app of another deploy would misread every message: tell it to reload.
        let reason = format!(
            "Cairn was updated: this app speaks live protocol {protocol}, the server {PROTOCOL_VERSION}; reload"
        );
        let frame = axum::extract::ws::CloseFrame {
            code: WS_CLOSE_OUTDATED,
            reason: Utf8Bytes::from(reason),
        };
        let _ = socket.send(Message::Close(Some(frame))).await;
        return;
    }
    // A device added, moved or retired: the scope is resolved again.
    let mut catalog_rx = state.shared_catalog.changes();
    let mut filter = Filter::new(&state.catalog(), &scope, &caller.user);
    if deny(&mut socket, deflate, &filter).await.is_err() {
        return;
    }
    let mut check = tokio::time::interval(SESSION_CHECK);
    check.tick().await;
    // Subscribed before the queue is read, so no change falls in between.
    let mut alarm_rx = state.alerts.subscribe();
    let resumed = resume.and_then(|from| state.bus.resume(from.epoch, from.seq));
    let (mut rx, first) = match resumed {
        Some(Resumption {
            seq,
            mut missed,
            rx,
        }) => {
            missed.retain(|r| filter.allows(r.point));
            (
                rx,
                ServerMsg::Readings {
                    seq,
                    server_time: now_ms(),
                    // Stored while the client was away: from when it asked.
                    accepted: now_ms(),
                    readings: missed,
                },
            )
        }
        None => {
            let Subscription { seq, latest, rx } = state.bus.subscribe();
            (rx, snapshot_msg(&state, &filter, seq, latest))
        }
    };
    if send(&mut socket, deflate, &first).await.is_err()
        || send_queue(&mut socket, deflate, &state, &caller)
            .await
            .is_err()
    {
        return;
    }
    let mut last_sent = tokio::time::Instant::now();
    loop {
        let mut resync = false;
        tokio::select! {
            batch = rx.recv() => match batch {
                Ok(batch) => {
                    // Sent at once when the last message is older than
                    // `PACE`, else when it is; what queued up meanwhile goes
                    // in the same message: low latency when quiet, batching
                    // under load.
                    tokio::time::sleep_until(last_sent + PACE).await;
                    let mut pending = Pending::default();
                    pending.add(&batch, &filter);
                    loop {
                        match rx.try_recv() {
                            Ok(more) => {
                                pending.add(&more, &filter);
                                if pending.len() > MAX_PENDING {
                                    resync = true;
                                    break;
                                }
                            }
                            Err(TryRecvError::Lagged(_)) => {
                                resync = true;
                                break;
                            }
                            Err(TryRecvError::Empty | TryRecvError::Closed) => break,
                        }
                    }
                    if !resync && let Some(json) = pending.into_json(now_ms()) {
                        if send_json(&mut socket, deflate, json, Compression::fast()).await.is_err() { return; }
                        last_sent = tokio::time::Instant::now();
                    }
                }
                Err(RecvError::Lagged(missed)) => {
                    tracing::debug!("live socket lagged by {missed} batches; resyncing");
                    resync = true;
                }
                Err(RecvError::Closed) => break,
            },
            changed = alarm_rx.recv() => match changed {
                Ok(alarms) => {
                    let alarms: Vec<_> = alarms.iter().filter(|a| caller.sees_site(&a.site_id)).cloned().collect();
                    if !alarms.is_empty() && send(&mut socket, deflate, &ServerMsg::Alarms { replace: false, alarms }).await.is_err() {
                        return;
                    }
                }
                Err(RecvError::Lagged(_)) => {
                    if send_queue(&mut socket, deflate, &state, &caller).await.is_err() { return; }
                }
                Err(RecvError::Closed) => {}
            },
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Text(text))) => match serde_json::from_str::<ClientMsg>(&text) {
                    // A new scope: start again from a snapshot of it.
                    Ok(ClientMsg::Subscribe { scope: asked }) => {
                        scope = asked;
                        filter = Filter::new(&state.catalog(), &scope, &caller.user);
                        if deny(&mut socket, deflate, &filter).await.is_err() { return; }
                        resync = true;
                    }
                    Ok(ClientMsg::Hello { .. }) | Err(_) => {
                        tracing::debug!("live socket: ignored message {text}");
                    }
                },
                Some(Err(err)) => {
                    close_if_too_big(&mut socket, err).await;
                    return;
                }
                Some(Ok(Message::Close(_))) | None => return,
                Some(Ok(_)) => {}
            },
            Ok(()) = catalog_rx.changed() => {
                filter = Filter::new(&state.catalog(), &scope, &caller.user);
                resync = true;
            }
            _ = check.tick() => {
                // Signed out, disabled, expired, or rights changed (which signs out).
                let held = state.store.session(caller.session, now_ms()).await;
                if !matches!(held, Ok(Some(_))) {
                    let frame = axum::extract::ws::CloseFrame {
                        code: cairn_protocol::WS_CLOSE_SIGNED_OUT,
                        reason: Utf8Bytes::from_static("your session has ended; sign in again"),
                    };
                    let _ = socket.send(Message::Close(Some(frame))).await;
                    return;
                }
            }
            _ = crate::shutdown::stopped(&mut stopping) => break,
        }
        if resync {
            // Too far behind, or a new scope: drop what is queued, send a snapshot.
            let sub = state.bus.subscribe();
            rx = sub.rx;
            if send(
                &mut socket,
                deflate,
                &snapshot_msg(&state, &filter, sub.seq, sub.latest),
            )
            .await
            .is_err()
                || send_queue(&mut socket, deflate, &state, &caller)
                    .await
                    .is_err()
            {
                return;
            }
        }
    }
    let _ = socket.send(Message::Close(None)).await;
}

/// Every alarm of the queue (not closed) on the caller's sites, as a
/// replacement of what the client holds.
async fn send_queue(
    socket: &mut WebSocket,
    deflate: bool,
    state: &AppState,
    caller: &Caller,
) -> Result<(), axum::Error> {
    use crate::store::alerts::{self, Which};
    let sites = (!caller.user.sees_every_site()).then(|| caller.user.sites.clone());
    let rows = match state
        .store
        .transact(move |tx| match sites {
            None => alerts::alarms(tx, Which::Open, i64::MAX),
            Some(sites) => alerts::alarms_of_sites(tx, Which::Open, i64::MAX, &sites),
        })
        .await
    {
        Ok(rows) => rows,
        Err(err) => {
            tracing::warn!("live socket: cannot read the alarm queue: {err}");
            Vec::new()
        }
    };
    let alarms = (rows.iter())
        .filter_map(|a| state.alerts.to_wire(a))
        .filter(|a| caller.sees_site(&a.site_id))
        .collect();
    send(
        socket,
        deflate,
        &ServerMsg::Alarms {
            replace: true,
            alarms,
        },
    )
    .await
}

/// What the client's first message asked for.
struct Hello {
    resume: Option<ResumeFrom>,
    scope: Scope,
    /// It reads compressed binary frames.
    deflate: bool,
    /// The [`PROTOCOL_VERSION`] it speaks.
    protocol: u32,
}

impl Hello {
    /// A fresh start with everything, in text, in this server's protocol.
    fn fresh(scope: Scope) -> Self {
        Hello {
            resume: None,
            scope,
            deflate: false,
            protocol: PROTOCOL_VERSION,
        }
    }
}

/// The client's first message: where it resumes from, what it wants, whether
/// it reads compressed binary frames and which protocol it speaks. A client
/// that says nothing within [`HELLO_WAIT`] (or something else: a tool, not the
/// app) starts fresh with everything, in text; `None` when it went away.
async fn hello(socket: &mut WebSocket) -> Option<Hello> {
    match tokio::time::timeout(HELLO_WAIT, socket.recv()).await {
        Ok(Some(Ok(Message::Text(text)))) => match serde_json::from_str::<ClientMsg>(&text) {
            Ok(ClientMsg::Hello {
                resume,
                scope,
                deflate,
                protocol,
            }) => Some(Hello {
                resume,
                scope,
                deflate,
                protocol,
            }),
            Ok(ClientMsg::Subscribe { scope }) => Some(Hello::fresh(scope)),
            Err(err) => {
                tracing::debug!("live socket: unreadable hello: {err}");
                Some(Hello::fresh(Scope::everything()))
            }
        },
        Ok(Some(Err(err))) => {
            close_if_too_big(socket, err).await;
            None
        }
        Ok(Some(Ok(Message::Close(_))) | None) => None,
        Ok(Some(Ok(_))) | Err(_) => Some(Hello::fresh(Scope::everything())),
    }
}

/// After a failed read: a message over [`MAX_CLIENT_MESSAGE`] is answered
/// with a close frame that says so (1009, message too big) before the socket
/// ends; any other error (the connection gone, a protocol fault) just ends it.
async fn close_if_too_big(socket: &mut WebSocket, err: axum::Error) {
    let too_big = (err.into_inner().downcast_ref::<tungstenite::Error>())
        .is_some_and(|e| matches!(e, tungstenite::Error::Capacity(_)));
    if too_big {
        let frame = axum::extract::ws::CloseFrame {
            code: axum::extract::ws::close_code::SIZE,
            reason: Utf8Bytes::from(format!(
                "a message to the server may be at most {MAX_CLIENT_MESSAGE} bytes"
            )),
        };
        // Best effort: the rest of the message stays unread, so closing the
        // connection may reset it before the client reads this frame.
        let _ = socket.send(Message::Close(Some(frame))).await;
    }
}

/// Tells the client which part of its scope it may not have, if any.
async fn deny(socket: &mut WebSocket, deflate: bool, filter: &Filter) -> Result<(), axum::Error> {
    if filter.denied.is_empty() {
        return Ok(());
    }
    let msg = ServerMsg::Denied {
        message: format!(
            "not on your sites, so nothing of it is sent: {}",
            filter.denied.join(", ")
        ),
    };
    send(socket, deflate, &msg).await
}

fn snapshot_msg(
    state: &AppState,
    filter: &Filter,
    seq: u64,
    mut latest: Vec<Reading>,
) -> ServerMsg {
    latest.retain(|r| filter.allows(r.point));
    let mut snapshot = snapshot::build(state, latest);
    snapshot.points.retain(|p| filter.allows(p.id));
    let in_scope: HashSet<&str> = snapshot.points.iter().map(|p| p.site_id.as_str()).collect();
    let in_scope: HashSet<String> = in_scope.into_iter().map(str::to_owned).collect();
    snapshot.sites.retain(|s| in_scope.contains(&s.id));
    snapshot.buildings.retain(|b| in_scope.contains(&b.site_id));
    ServerMsg::Snapshot {
        epoch: state.bus.epoch(),
        seq,
        server_time: now_ms(),
        snapshot,
    }
}

/// Sends `msg` as JSON text or, to a client that reads them (`deflate`) and
/// from [`DEFLATE_ABOVE`] bytes on, as a binary frame of raw DEFLATE: a
/// snapshot of the whole portfolio shrinks about tenfold, which on a weak
/// mobile link is seconds before the first value.
async fn send(socket: &mut WebSocket, deflate: bool, msg: &ServerMsg) -> Result<(), axum::Error> {
    let json = serde_json::to_string(msg).expect("wire types always serialise");
    // Snapshots are rare and big: compress them well. Reading batches come
    // many times a second: compress them fast.
    let level = match msg {
        ServerMsg::Readings { .. } => Compression::fast(),
        _ => Compression::default(),
    };
    send_json(socket, deflate, json, level).await
}

/// [`send`] for a message already written as JSON, compressed at `level`
/// when it is.
async fn send_json(
    socket: &mut WebSocket,
    deflate: bool,
    json: String,
    level: Compression,
) -> Result<(), axum::Error> {
    if !deflate || json.len() < DEFLATE_ABOVE {
        return socket.send(Message::Text(Utf8Bytes::from(json))).await;
    }
    let big = json.len() > DEFLATE_OFF_WORKERS;
    let deflate = move || {
        let mut enc = flate2::write::DeflateEncoder::new(Vec::with_capacity(json.len() / 8), level);
        std::io::Write::write_all(&mut enc, json.as_bytes())
            .and_then(|()| enc.finish())
            .expect("compressing into memory cannot fail")
    };
    let bytes = if big {
        tokio::task::spawn_blocking(deflate)
            .await
            .map_err(axum::Error::new)?
    } else {
        deflate()
    };
    socket.send(Message::Binary(bytes.into())).await
}
