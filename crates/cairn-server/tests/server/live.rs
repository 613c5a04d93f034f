//! A real server on a real socket: the simulator's readings reach a WebSocket client.

use std::time::Duration;

use cairn_protocol::{
    ClientMsg, Metric, PROTOCOL_VERSION, ResumeFrom, Scope, ServerMsg, WS_CLOSE_OUTDATED,
};
use cairn_server::{Config, Server, sim};
use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;

use crate::support;

use support::{Socket, next_msg};

async fn connect(server: &Server, resume: Option<ResumeFrom>) -> Socket {
    connect_with(
        server,
        ClientMsg::Hello {
            resume,
            scope: Scope::everything(),
            deflate: false,
            protocol: PROTOCOL_VERSION,
        },
    )
    .await
}

/// Ingests a CO₂ reading of each of `devices` at `ts`, then reads the socket
/// until the reading of point `until` arrives; every reading that arrives
/// meanwhile must be of a point for which `in_scope` holds.
async fn readings_after(
    server: &Server,
    ws: &mut Socket,
    ts: i64,
    devices: &[&str],
    until: u32,
    in_scope: impl Fn(&cairn_server::catalog::PointInfo) -> bool,
) {
    for device in devices {
        let pack = sim::senml_pack(device, ts, &[(Metric::Co2, 901.0)]);
        (server.state().ingest)
            .ingest_senml(device, &pack, ts)
            .await
            .unwrap();
    }
    loop {
        let batch = match next_msg(ws).await {
            ServerMsg::Readings { readings, .. } => readings,
            other => panic!("readings expected, got {other:?}"),
        };
        let mut done = false;
        for r in batch {
            let p = server.state().catalog().point(r.point).unwrap().clone();
            let p = &p;
            assert!(in_scope(p), "{} is out of scope", p.key);
            done |= r.point == until && r.ts == ts;
        }
        if done {
            return;
        }
    }
}

async fn connect_with(server: &Server, hello: ClientMsg) -> Socket {
    let admin = support::admin(server.state()).await;
    let mut ws = support::ws(server.addr(), &admin).await;
    let hello = serde_json::to_string(&hello).unwrap();
    ws.send(Message::text(hello)).await.unwrap();
    ws
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn websocket_client_receives_simulated_readings_in_sequence() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::for_tests(dir.path().to_path_buf());
    config.simulator = true;
    let server = Server::start(config).await.unwrap();
    let admin = support::admin(server.state()).await;
    let mut ws = support::ws(server.addr(), &admin).await;

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
                server_time,
                accepted,
            } => {
                assert!(seq > last_seq, "sequence grows: {seq} after {last_seq}");
                // Stamped when stored and published, before it was sent.
                assert!(
                    accepted > 0 && accepted <= server_time,
                    "accepted {accepted}, sent {server_time}"
                );
                last_seq = seq;
                for r in &batch {
                    assert!(
                        snapshot.points.iter().any(|p| p.id == r.point),
                        "known point {}",
                        r.point
                    );
                    assert!(r.value.is_finite());
                    // What was pushed was stored first: it is in the store the
                    // moment it arrives.
                    let stored = (server.state().store)
                        .range(r.point, r.ts, r.ts + 1)
                        .await
                        .unwrap();
                    assert_eq!(stored, vec![*r], "pushed before it was stored");
                }
                readings += batch.len();
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    // Stopping closes the socket instead of hanging on it.
    tokio::time::timeout(Duration::from_secs(10), server.stop())
        .await
        .expect("clean stop")
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_away_for_10_s_resumes_without_missing_a_reading() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::for_tests(dir.path().to_path_buf());
    config.simulator = true; // provisions the portfolio …
    config.sim_seed = 7;
    let server = Server::start(config).await.unwrap();
    let mut ws = connect(&server, None).await;
    let ServerMsg::Snapshot { epoch, seq, .. } = next_msg(&mut ws).await else {
        panic!("the first message must be a snapshot");
    };
    // Read until a quiet moment, remembering the last sequence applied.
    let mut last = seq;
    while let Ok(Some(Ok(Message::Text(text)))) =
        tokio::time::timeout(Duration::from_millis(600), ws.next()).await
    {
        // Alarm messages carry no sequence: they say nothing of readings.
        if let Some(seq) = serde_json::from_str::<ServerMsg>(&text).unwrap().seq() {
            last = seq;
        }
    }
    ws.close(None).await.unwrap();
    drop(ws);

    // Away for 10 s while a device reports every 100 ms (besides the simulator).
    let device = "bru-a-f0-z02-ms";
    let mut sent = Vec::new();
    let start = chrono::Utc::now().timestamp_millis();
    for i in 0..100 {
        let ts = start + i * 100;
        let pack = sim::senml_pack(device, ts, &[(Metric::Co2, 500.0 + i as f64)]);
        server
            .state()
            .ingest
            .ingest_senml(device, &pack, ts)
            .await
            .unwrap();
        sent.push((ts, 500.0 + i as f64));
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let mut ws = connect(&server, Some(ResumeFrom { epoch, seq: last })).await;
    let ServerMsg::Readings { readings, .. } = next_msg(&mut ws).await else {
        panic!("a resumable client gets what it missed, not a snapshot");
    };
    let co2 = server
        .state()
        .catalog()
        .point_by_key(&format!("{device}/co2"))
        .unwrap()
        .id;
    let mut got: Vec<(i64, f64)> = readings
        .iter()
        .filter(|r| r.point == co2)
        .map(|r| (r.ts, r.value))
        .collect();
    got.retain(|(ts, _)| *ts >= start);
    assert_eq!(got, sent, "every reading of the 10 s away, once, in order");

    // A client of another server run (or too far behind) gets a snapshot instead.
    let mut stale = connect(
        &server,
        Some(ResumeFrom {
            epoch: epoch + 1,
            seq: last,
        }),
    )
    .await;
    assert!(matches!(
        next_msg(&mut stale).await,
        ServerMsg::Snapshot { .. }
    ));
    tokio::time::timeout(Duration::from_secs(10), server.stop())
        .await
        .expect("clean stop")
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_socket_receives_only_its_scope_and_can_change_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::for_tests(dir.path().to_path_buf());
    config.simulator = true;
    let server = Server::start(config).await.unwrap();
    let scope = Scope {
        sites: vec!["ams".into()],
        ..Scope::default()
    };
    let mut ws = connect_with(
        &server,
        ClientMsg::Hello {
            resume: None,
            scope,
            deflate: false,
            protocol: PROTOCOL_VERSION,
        },
    )
    .await;
    let ServerMsg::Snapshot { snapshot, .. } = next_msg(&mut ws).await else {
        panic!("a snapshot first");
    };
    assert_eq!(
        snapshot
            .sites
            .iter()
            .map(|s| s.id.as_str())
            .collect::<Vec<_>>(),
        vec!["ams"]
    );
    assert!(!snapshot.points.is_empty() && snapshot.points.iter().all(|p| p.site_id == "ams"));

    // Readings of both sites; only Amsterdam's arrive.
    let now = chrono::Utc::now().timestamp_millis();
    let both = ["bru-a-f0-z02-ms", "ams-a-f0-z02-ms"];
    let catalog = server.state().catalog().clone();
    let ams = catalog.point_by_key("ams-a-f0-z02-ms/co2").unwrap().id;
    let bru = catalog.point_by_key("bru-a-f0-z02-ms/co2").unwrap().id;
    readings_after(&server, &mut ws, now, &both, ams, |p| p.site_id == "ams").await;

    // A new scope: a snapshot of it, then its readings.
    let subscribe = ClientMsg::Subscribe {
        scope: Scope {
            points: vec![ams],
            ..Scope::default()
        },
    };
    ws.send(Message::text(serde_json::to_string(&subscribe).unwrap()))
        .await
        .unwrap();
    loop {
        if let ServerMsg::Snapshot { snapshot, .. } = next_msg(&mut ws).await {
            assert_eq!(
                snapshot.points.iter().map(|p| p.id).collect::<Vec<_>>(),
                vec![ams]
            );
            break;
        }
    }
    // After it, the readings are of that scope too: the Brussels CO₂ reading
    // and every simulated reading stay away.
    readings_after(&server, &mut ws, now + 1_000, &both, ams, |p| p.id == ams).await;

    // A device or a building scope: all of its points, nothing else.
    for (i, scope) in [
        Scope {
            devices: vec!["bru-a-f0-z02-ms".into()],
            ..Scope::default()
        },
        Scope {
            buildings: vec!["bru-a".into()],
            ..Scope::default()
        },
    ]
    .into_iter()
    .enumerate()
    {
        let subscribe = ClientMsg::Subscribe {
            scope: scope.clone(),
        };
        ws.send(Message::text(serde_json::to_string(&subscribe).unwrap()))
            .await
            .unwrap();
        loop {
            if let ServerMsg::Snapshot { snapshot, .. } = next_msg(&mut ws).await {
                let want: Vec<u32> = (server.state().catalog().points().iter())
                    .filter(|p| {
                        scope.devices.contains(&p.device_id)
                            || p.building_id.as_deref()
                                == scope.buildings.first().map(String::as_str)
                    })
                    .map(|p| p.id)
                    .collect();
                assert!(!want.is_empty());
                assert_eq!(
                    snapshot.points.iter().map(|p| p.id).collect::<Vec<_>>(),
                    want
                );
                assert!(
                    !snapshot.buildings.is_empty()
                        && snapshot.buildings.iter().all(|b| b.site_id == "bru"),
                    "the buildings of the sites in scope"
                );
                break;
            }
        }
        // And the readings after it: Brussels' arrives, Amsterdam's does not.
        // (The out-of-scope reading is ingested first: had it leaked, it would
        // arrive before the one the loop waits for.)
        let ts = now + 2_000 + 1_000 * i as i64;
        let ams_first = ["ams-a-f0-z02-ms", "bru-a-f0-z02-ms"];
        readings_after(&server, &mut ws, ts, &ams_first, bru, |p| {
            scope.devices.contains(&p.device_id)
                || p.building_id.as_deref() == scope.buildings.first().map(String::as_str)
        })
        .await;
    }
    tokio::time::timeout(Duration::from_secs(10), server.stop())
        .await
        .expect("clean stop")
        .unwrap();
}

/// The first frame of `ws`: the snapshot, and how many bytes it took.
async fn first_snapshot(ws: &mut Socket) -> (cairn_protocol::Snapshot, Message) {
    let frame = tokio::time::timeout(Duration::from_secs(15), ws.next())
        .await
        .expect("a first frame within 15 s")
        .expect("socket open")
        .expect("no socket error");
    let json = match &frame {
        Message::Text(text) => text.as_bytes().to_vec(),
        Message::Binary(bytes) => {
            let mut json = Vec::new();
            std::io::Read::read_to_end(
                &mut flate2::read::DeflateDecoder::new(&bytes[..]),
                &mut json,
            )
            .expect("raw DEFLATE");
            json
        }
        other => panic!("a snapshot expected, got {other:?}"),
    };
    match serde_json::from_slice(&json).expect("a ServerMsg") {
        ServerMsg::Snapshot { snapshot, .. } => (snapshot, frame),
        other => panic!("a snapshot expected, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_app_of_another_protocol_version_is_closed_with_4426_and_told_to_reload() {
    use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(Config::for_tests(dir.path().to_path_buf()))
        .await
        .unwrap();
    for protocol in [PROTOCOL_VERSION - 1, PROTOCOL_VERSION + 1] {
        let hello = ClientMsg::Hello {
            resume: None,
            scope: Scope::everything(),
            deflate: true,
            protocol,
        };
        let mut ws = connect_with(&server, hello).await;
        let frame = tokio::time::timeout(Duration::from_secs(15), ws.next())
            .await
            .expect("an answer within 15 s")
            .expect("a frame before the end")
            .expect("no socket error");
        let Message::Close(Some(close)) = frame else {
            panic!("protocol {protocol}: a close frame expected first, got {frame:?}")
        };
        assert_eq!(close.code, CloseCode::from(WS_CLOSE_OUTDATED));
        let reason = close.reason.to_string();
        assert!(reason.contains("reload"), "{reason}");
        assert!(reason.contains(&format!("protocol {protocol}")), "{reason}");
    }
    // The app of this build is served.
    let mut ws = connect(&server, None).await;
    assert!(matches!(
        next_msg(&mut ws).await,
        ServerMsg::Snapshot { .. }
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_reads_deflate_gets_the_snapshot_compressed_and_others_text() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::for_tests(dir.path().to_path_buf());
    config.simulator = true;
    let server = Server::start(config).await.unwrap();
    let hello = |deflate| ClientMsg::Hello {
        resume: None,
        scope: Scope::everything(),
        deflate,
        protocol: PROTOCOL_VERSION,
    };
    let mut compressed = connect_with(&server, hello(true)).await;
    let mut text = connect_with(&server, hello(false)).await;
    let (from_binary, binary_frame) = first_snapshot(&mut compressed).await;
    let (from_text, text_frame) = first_snapshot(&mut text).await;
    let Message::Binary(bytes) = &binary_frame else {
        panic!("a client asking deflate gets a binary frame, got {binary_frame:?}");
    };
    let Message::Text(json) = &text_frame else {
        panic!("a client not asking gets text, got {text_frame:?}");
    };
    // The same portfolio either way (values may have moved on in between).
    let keys =
        |s: &cairn_protocol::Snapshot| s.points.iter().map(|p| p.key.clone()).collect::<Vec<_>>();
    assert_eq!(keys(&from_binary), keys(&from_text));
    assert!(from_binary.points.len() > 20);
    assert!(
        bytes.len() * 4 < json.len(),
        "compressed {} bytes against {} of JSON",
        bytes.len(),
        json.len()
    );
    server.stop().await.unwrap();
}

/// Reads `ws` until it is at `last` (a readings message or a snapshot at or
/// past that sequence number); returns (snapshots, readings messages,
/// readings) received on the way.
async fn read_until(ws: &mut Socket, last: u64) -> (usize, usize, usize) {
    let (mut snapshots, mut messages, mut readings) = (0, 0, 0);
    loop {
        match next_msg(ws).await {
            ServerMsg::Snapshot { seq, .. } => {
                snapshots += 1;
                if seq >= last {
                    return (snapshots, messages, readings);
                }
            }
            ServerMsg::Readings {
                seq, readings: r, ..
            } => {
                messages += 1;
                readings += r.len();
                if seq >= last {
                    return (snapshots, messages, readings);
                }
            }
            _ => {}
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn under_a_flood_a_tab_that_stops_reading_is_resynced_and_the_others_stay_live() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::for_tests(dir.path().to_path_buf());
    config.simulator = true;
    let server = Server::start(config).await.unwrap();
    let (mut slow, mut fast) = (connect(&server, None).await, connect(&server, None).await);
    for ws in [&mut slow, &mut fast] {
        assert!(matches!(next_msg(ws).await, ServerMsg::Snapshot { .. }));
    }
    let points: Vec<u32> = server
        .state()
        .catalog()
        .points()
        .iter()
        .map(|p| p.id)
        .collect();
    // The whole portfolio reporting, batch after batch: 600 batches of 2,000
    // readings (about 31 MB as the wire's triples, several times what the
    // kernel buffers for a socket), published as fast as the bus takes them,
    // while `slow` reads nothing (its socket backs up).
    let (batches, per_batch) = (600_usize, 2_000_usize);
    // The reading tab reads all along; `seen` is where it is.
    let seen = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let fast_seen = seen.clone();
    let fast_reader = tokio::spawn(async move {
        while let Some(Ok(msg)) = fast.next().await {
            let Message::Text(text) = msg else { continue };
            let seq = match serde_json::from_str(&text) {
                Ok(ServerMsg::Snapshot { seq, .. } | ServerMsg::Readings { seq, .. }) => seq,
                _ => continue,
            };
            fast_seen.fetch_max(seq, std::sync::atomic::Ordering::Relaxed);
        }
    });
    let t0 = 1_790_000_000_000_i64;
    for b in 0..batches {
        let readings = (0..per_batch)
            .map(|i| cairn_protocol::Reading {
                point: points[(b * per_batch + i) % points.len()],
                ts: t0 + (b * per_batch + i) as i64,
                value: 20.0,
            })
            .collect();
        server.state().bus.publish(readings);
        tokio::task::yield_now().await;
    }
    let marker = cairn_protocol::Reading {
        point: points[0],
        ts: t0 + (batches * per_batch) as i64 + 1,
        value: -1.5,
    };
    let last = server.state().bus.publish(vec![marker]);
    // The tab that reads gets to the end, whatever the other one does.
    let at = || seen.load(std::sync::atomic::Ordering::Relaxed);
    let reached = tokio::time::timeout(Duration::from_secs(60), async {
        while at() < last {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await;
    assert!(
        reached.is_ok(),
        "the reading tab is held up: at {} of {last}",
        at()
    );
    fast_reader.abort();
    // The slow tab, reading again, is brought up to date by a snapshot
    // instead of every queued batch.
    let (snapshots, _, readings) = read_until(&mut slow, last).await;
    assert!(snapshots >= 1, "the slow tab was resynced with a snapshot");
    assert!(
        readings < batches * per_batch / 2,
        "the slow tab was not sent the whole flood ({readings} of {} readings)",
        batches * per_batch
    );
    tokio::time::timeout(Duration::from_secs(10), server.stop())
        .await
        .expect("clean stop")
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readings_published_faster_than_the_pace_reach_a_socket_gathered_and_every_one_once() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::for_tests(dir.path().to_path_buf());
    config.simulator = true; // provisions the portfolio (its readings are left aside below)
    let server = Server::start(config).await.unwrap();
    let mut ws = connect(&server, None).await;
    assert!(matches!(
        next_msg(&mut ws).await,
        ServerMsg::Snapshot { .. }
    ));
    let point = server.state().catalog().points()[0].id;
    // A device at a time, as a portfolio of devices posting one by one:
    // 100 batches of one reading, about a millisecond apart.
    let batches = 100_i64;
    let t0 = 1_790_000_000_000_i64;
    let mut last = 0;
    for b in 0..batches {
        let reading = cairn_protocol::Reading {
            point,
            ts: t0 + b,
            value: b as f64,
        };
        last = server.state().bus.publish(vec![reading]);
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    let (mut got, mut messages, mut at) = (Vec::new(), 0, 0);
    while at < last {
        match next_msg(&mut ws).await {
            ServerMsg::Readings { seq, readings, .. } => {
                let ours = (readings.iter())
                    .filter(|r| r.point == point && (t0..t0 + batches).contains(&r.ts));
                got.extend(ours.map(|r| r.ts - t0));
                messages += 1;
                at = seq;
            }
            ServerMsg::Alarms { .. } => {}
            other => panic!("readings expected, got {other:?}"),
        }
    }
    // Every reading once, in order, in far fewer messages than batches (one
    // per batch without the pace: the socket was never behind).
    assert_eq!(got, (0..batches).collect::<Vec<_>>());
    assert!(
        messages <= batches / 2,
        "{messages} messages for {batches} batches published over about 100 ms"
    );
    tokio::time::timeout(Duration::from_secs(10), server.stop())
        .await
        .expect("clean stop")
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_message_over_64_kib_closes_its_socket_with_1009_and_others_stay_open() {
    use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(Config::for_tests(dir.path().to_path_buf()))
        .await
        .unwrap();
    let mut big = connect(&server, None).await;
    let mut other = connect(&server, None).await;
    for ws in [&mut big, &mut other] {
        assert!(matches!(next_msg(ws).await, ServerMsg::Snapshot { .. }));
    }
    // A frame announcing a message one byte over the limit: only its header
    // is sent, so the server has nothing left unread when it closes (unread
    // bytes would make the close a TCP reset, which may overtake the frame).
    let mut header = vec![0x81, 0x80 | 127];
    header.extend_from_slice(&(64 * 1024 + 1_u64).to_be_bytes());
    header.extend_from_slice(&[0x12, 0x34, 0x56, 0x78]); // the client's mask
    let tokio_tungstenite::MaybeTlsStream::Plain(tcp) = big.get_mut() else {
        panic!("a plain TCP socket expected")
    };
    tokio::io::AsyncWriteExt::write_all(tcp, &header)
        .await
        .unwrap();
    let close = loop {
        let frame = tokio::time::timeout(Duration::from_secs(15), big.next())
            .await
            .expect("the socket closes within 15 s")
            .expect("a close frame before the end")
            .expect("no socket error");
        match frame {
            Message::Close(close) => break close.expect("a close code"),
            // What was already on its way (the alarm queue) may come first.
            Message::Text(_) | Message::Binary(_) => {}
            other => panic!("a close frame expected, got {other:?}"),
        }
    };
    assert_eq!(close.code, CloseCode::Size);
    assert!(close.reason.contains("65536 bytes"), "{}", close.reason);
    // The other tab's socket still answers a scope change (of 64 KiB exactly: allowed).
    let allowed = subscribe_of_len(64 * 1024);
    other.send(Message::text(allowed)).await.unwrap();
    // A second snapshot comes only as the answer to a scope change: the
    // message was read and acted on (a snapshot of point 1 at most).
    loop {
        if let ServerMsg::Snapshot { snapshot, .. } = next_msg(&mut other).await {
            let ids: Vec<u32> = snapshot.points.iter().map(|p| p.id).collect();
            assert!(ids.len() <= 1 && ids.iter().all(|&id| id == 1), "{ids:?}");
            break;
        }
    }
}

/// A scope change to point 1 (named over and over), `len` bytes long.
fn subscribe_of_len(len: usize) -> String {
    let mut msg = String::from(r#"{"type":"subscribe","scope":{"points":[1"#);
    while msg.len() + 2 + 4 <= len {
        msg.push_str(",1");
    }
    msg.push_str("]}}");
    while msg.len() < len {
        msg.push(' ');
    }
    assert_eq!(msg.len(), len);
    msg
}
