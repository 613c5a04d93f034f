//! `/api/ws`: one socket per tab. The client says hello (resuming or not); the
//! server answers with what it missed or a snapshot, then every accepted
//! reading as soon as the socket is free (what queued meanwhile goes in one
//! message), each message with the bus sequence.
//! A client that falls behind gets a fresh snapshot instead of a stalled server.

use std::{collections::HashSet, time::Duration};

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
use cairn_protocol::{ClientMsg, ErrorBody, Reading, ResumeFrom, Scope, ServerMsg};
use tokio::sync::broadcast::error::{RecvError, TryRecvError};

use super::{now_ms, snapshot};
use crate::{
    catalog::Catalog,
    error::AppError,
    live::{Resumption, Subscription},
    state::AppState,
};

/// How long the server waits for the client's hello before sending a snapshot.
const HELLO_WAIT: Duration = Duration::from_secs(2);
/// More queued readings than this and the client is sent a snapshot instead.
const MAX_PENDING: usize = 50_000;

pub fn router() -> Router<AppState> {
    Router::new().route("/ws", get(upgrade))
}

#[utoipa::path(get, path = "/api/ws", tag = "live",
    description = "The live WebSocket: send a `ClientMsg` hello, receive `ServerMsg`s.",
    responses(
        (status = 101, description = "Switching to the WebSocket protocol"),
        (status = 403, description = "Another origin", body = ErrorBody)))]
pub(crate) async fn upgrade(
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
    let Some((resume, scope)) = hello(&mut socket).await else {
        return;
    };
    let mut filter = Filter::new(&state.catalog, &scope);
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
                    readings: missed,
                },
            )
        }
        None => {
            let Subscription { seq, latest, rx } = state.bus.subscribe();
            (rx, snapshot_msg(&state, &filter, seq, latest))
        }
    };
    if send(&mut socket, &first).await.is_err() {
        return;
    }
    loop {
        let mut resync = false;
        tokio::select! {
            batch = rx.recv() => match batch {
                Ok(batch) => {
                    // Send at once; what queued up meanwhile goes in the same
                    // message: low latency when quiet, batching under load.
                    let mut seq = batch.seq;
                    let mut readings: Vec<Reading> =
                        batch.readings.iter().filter(|r| filter.allows(r.point)).copied().collect();
                    loop {
                        match rx.try_recv() {
                            Ok(more) => {
                                seq = more.seq;
                                readings.extend(more.readings.iter().filter(|r| filter.allows(r.point)));
                                if readings.len() > MAX_PENDING {
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
                    if !resync && !readings.is_empty() {
                        let msg = ServerMsg::Readings { seq, server_time: now_ms(), readings };
                        if send(&mut socket, &msg).await.is_err() { return; }
                    }
                }
                Err(RecvError::Lagged(missed)) => {
                    tracing::debug!("live socket lagged by {missed} batches; resyncing");
                    resync = true;
                }
                Err(RecvError::Closed) => break,
            },
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Text(text))) => match serde_json::from_str::<ClientMsg>(&text) {
                    // A new scope: start again from a snapshot of it.
                    Ok(ClientMsg::Subscribe { scope }) => {
                        filter = Filter::new(&state.catalog, &scope);
                        resync = true;
                    }
                    Ok(ClientMsg::Hello { .. }) | Err(_) => {
                        tracing::debug!("live socket: ignored message {text}");
                    }
                },
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return,
                Some(Ok(_)) => {}
            },
            _ = crate::state::stopped(&mut stopping) => break,
        }
        if resync {
            // Too far behind, or a new scope: drop what is queued, send a snapshot.
            let sub = state.bus.subscribe();
            rx = sub.rx;
            if send(
                &mut socket,
                &snapshot_msg(&state, &filter, sub.seq, sub.latest),
            )
            .await
            .is_err()
            {
                return;
            }
        }
    }
    let _ = socket.send(Message::Close(None)).await;
}

/// The client's first message: where it resumes from and what it wants. A
/// client that says nothing within [`HELLO_WAIT`] (or something else) starts
/// fresh with everything; `None` when it went away.
async fn hello(socket: &mut WebSocket) -> Option<(Option<ResumeFrom>, Scope)> {
    match tokio::time::timeout(HELLO_WAIT, socket.recv()).await {
        Ok(Some(Ok(Message::Text(text)))) => match serde_json::from_str::<ClientMsg>(&text) {
            Ok(ClientMsg::Hello { resume, scope }) => Some((resume, scope)),
            Ok(ClientMsg::Subscribe { scope }) => Some((None, scope)),
            Err(err) => {
                tracing::debug!("live socket: unreadable hello: {err}");
                Some((None, Scope::everything()))
            }
        },
        Ok(Some(Ok(Message::Close(_))) | None | Some(Err(_))) => None,
        Ok(Some(Ok(_))) | Err(_) => Some((None, Scope::everything())),
    }
}

/// Which points a socket receives.
struct Filter(Option<HashSet<u32>>);

impl Filter {
    fn new(catalog: &Catalog, scope: &Scope) -> Filter {
        if scope.is_everything() {
            return Filter(None);
        }
        let points = catalog
            .points()
            .iter()
            .filter(|p| {
                scope.sites.contains(&p.site_id)
                    || p.building_id
                        .as_ref()
                        .is_some_and(|b| scope.buildings.contains(b))
                    || scope.devices.contains(&p.device_id)
                    || scope.points.contains(&p.id)
            })
            .map(|p| p.id)
            .collect();
        Filter(Some(points))
    }

    fn allows(&self, point: u32) -> bool {
        self.0.as_ref().is_none_or(|set| set.contains(&point))
    }
}

fn snapshot_msg(
    state: &AppState,
    filter: &Filter,
    seq: u64,
    mut latest: Vec<Reading>,
) -> ServerMsg {
    latest.retain(|r| filter.allows(r.point));
    let mut snapshot = snapshot::build(&state.catalog, latest);
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

async fn send(socket: &mut WebSocket, msg: &ServerMsg) -> Result<(), axum::Error> {
    let json = serde_json::to_string(msg).expect("wire types always serialise");
    socket.send(Message::Text(Utf8Bytes::from(json))).await
}
