//! A real server on a real socket: the simulator's readings reach a WebSocket client.

use std::time::Duration;

use cairn_protocol::ServerMsg;
use cairn_server::{Config, Server};
use futures_util::StreamExt;
use tokio_tungstenite::tungstenite::Message;

async fn next_msg<S>(ws: &mut S) -> ServerMsg
where
    S: StreamExt<Item = Result<Message, tokio_tungstenite::tungstenite::Error>> + Unpin,
{
    loop {
        let msg = tokio::time::timeout(Duration::from_secs(15), ws.next())
            .await
            .expect("no message within 15 s")
            .expect("socket closed")
            .expect("socket error");
        if let Message::Text(text) = msg {
            return serde_json::from_str(&text).expect("a ServerMsg");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn websocket_client_receives_simulated_readings_in_sequence() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::for_tests(dir.path().to_path_buf());
    config.simulator = true;
    let server = Server::start(config).await.unwrap();
    let url = format!("ws://{}/api/ws", server.addr());
    let (mut ws, _) = tokio_tungstenite::connect_async(&url).await.unwrap();

    let ServerMsg::Snapshot {
        seq: first_seq,
        snapshot,
        ..
    } = next_msg(&mut ws).await
    else {
        panic!("the first message must be a snapshot");
    };
    assert!(
        snapshot.points.len() > 20,
        "{} points",
        snapshot.points.len()
    );

    let mut last_seq = first_seq;
    let mut readings = 0;
    while readings < 8 {
        match next_msg(&mut ws).await {
            ServerMsg::Readings {
                seq,
                readings: batch,
                ..
            } => {
                assert!(seq > last_seq, "sequence grows: {seq} after {last_seq}");
                last_seq = seq;
                for r in &batch {
                    assert!(
                        snapshot.points.iter().any(|p| p.id == r.point),
                        "known point {}",
                        r.point
                    );
                    assert!(r.value.is_finite());
                }
                readings += batch.len();
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    // What was pushed was stored first.
    assert!(server.state().store.readings_stored().unwrap() >= readings as u64);

    // Stopping closes the socket instead of hanging on it.
    tokio::time::timeout(Duration::from_secs(10), server.stop())
        .await
        .expect("clean stop")
        .unwrap();
}
