//! MQTT ingest through a real Mosquitto broker (Debian's `mosquitto`, which
//! `cargo xtask test` installs): a device's message reaches the store and the
//! live socket; a bad one comes back on the device's error topic.

use std::time::{Duration, Instant};

use crate::support;

use cairn_protocol::{ClientMsg, ServerMsg};
use cairn_server::{Config, Server};
use futures_util::{SinkExt, StreamExt};
use rumqttc::{AsyncClient, Event, MqttOptions, Packet, QoS};
use tokio_tungstenite::tungstenite::Message;

const DEVICE: &str = "bru-a-f0-z02-ms";

/// A device: publishes, and listens on its error topic.
fn device(port: u16) -> (AsyncClient, tokio::sync::mpsc::UnboundedReceiver<String>) {
    let (client, mut events) = AsyncClient::new(MqttOptions::new(DEVICE, "127.0.0.1", port), 16);
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok(event) = events.poll().await {
            if let Event::Incoming(Packet::Publish(p)) = event {
                let _ = tx.send(String::from_utf8_lossy(&p.payload).into_owned());
            }
        }
    });
    (client, rx)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_through_mosquitto_reaches_the_store_and_the_socket() {
    let broker = support::Mosquitto::start();
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::for_tests(dir.path().to_path_buf());
    config.simulator = true; // provisions the portfolio
    // No simulated device reports live: every reading stored is this test's.
    config.sim_handed_over = (cairn_server::sim::portfolio(config.sim_seed).model.devices)
        .iter()
        .map(|d| d.id.clone())
        .collect();
    config.mqtt_url = Some(format!("mqtt://127.0.0.1:{}", broker.port));
    let server = Server::start(config).await.unwrap();

    let admin = support::admin(server.state()).await;
    let mut ws = support::ws(server.addr(), &admin).await;
    ws.send(Message::text(
        serde_json::to_string(&ClientMsg::Hello {
            resume: None,
            scope: Default::default(),
            deflate: false,
            protocol: cairn_protocol::PROTOCOL_VERSION,
        })
        .unwrap(),
    ))
    .await
    .unwrap();
    let co2 = server
        .state()
        .catalog()
        .point_by_key(&format!("{DEVICE}/co2"))
        .unwrap()
        .id;

    let (client, mut errors) = device(broker.port);
    client
        .subscribe(format!("cairn/{DEVICE}/errors"), QoS::AtLeastOnce)
        .await
        .unwrap();
    let ts = chrono::Utc::now().timestamp_millis() / 1000;
    let pack = format!(r#"[{{"bn":"{DEVICE}/","bt":{ts},"n":"co2","u":"ppm","v":777}}]"#);
    let send = |payload: String| {
        let client = client.clone();
        async move {
            let topic = format!("cairn/{DEVICE}/senml");
            client
                .publish(topic, QoS::AtLeastOnce, false, payload)
                .await
                .unwrap();
        }
    };
    // The server subscribes once connected; publish until the reading shows up live.
    let deadline = Instant::now() + Duration::from_secs(20);
    'seen: loop {
        assert!(
            Instant::now() < deadline,
            "the MQTT reading never reached the socket"
        );
        send(pack.clone()).await;
        let until = Instant::now() + Duration::from_millis(700);
        while let Ok(Some(Ok(Message::Text(text)))) =
            tokio::time::timeout_at(until.into(), ws.next()).await
        {
            if let Ok(ServerMsg::Readings { readings, .. }) =
                serde_json::from_str::<ServerMsg>(&text)
                && readings.iter().any(|r| r.point == co2 && r.value == 777.0)
            {
                break 'seen;
            }
        }
    }
    // A device whose acknowledgement got lost sends the same pack again.
    let store = &server.state().store;
    let counted = store.readings_stored().await.unwrap();
    for _ in 0..3 {
        send(pack.clone()).await;
    }
    // Then a new reading on the same topic. The server handles one topic's
    // messages in order, so once this one is stored the repeats were handled.
    let later = format!(
        r#"[{{"bn":"{DEVICE}/","bt":{},"n":"co2","u":"ppm","v":778}}]"#,
        ts + 1
    );
    send(later).await;
    let deadline = Instant::now() + Duration::from_secs(20);
    while store
        .range(co2, (ts + 1) * 1000, (ts + 1) * 1000 + 1)
        .await
        .unwrap()
        .is_empty()
    {
        assert!(
            Instant::now() < deadline,
            "the later reading was never stored"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Everything the device has stored: the first pack once (not four
    // times), then the later reading.
    let values: Vec<f64> = (store.range(co2, 0, (ts + 2) * 1000).await.unwrap())
        .iter()
        .filter(|r| r.ts >= ts * 1000)
        .map(|r| r.value)
        .collect();
    assert_eq!(
        values,
        vec![777.0, 778.0],
        "stored once, however often it was sent"
    );
    assert_eq!(
        store.readings_stored().await.unwrap(),
        counted + 1,
        "the three repeats counted as nothing new, the later reading as one"
    );

    client
        .publish(
            format!("cairn/{DEVICE}/json"),
            QoS::AtLeastOnce,
            false,
            r#"{"co2": -3}"#,
        )
        .await
        .unwrap();
    let error = tokio::time::timeout(Duration::from_secs(10), errors.recv())
        .await
        .expect("an error message")
        .unwrap();
    assert!(error.contains("outside the plausible range"), "{error}");
    assert!(error.contains(&format!("cairn/{DEVICE}/json")), "{error}");

    tokio::time::timeout(Duration::from_secs(10), server.stop())
        .await
        .expect("clean stop")
        .unwrap();
}

#[tokio::test]
async fn a_malformed_broker_url_stops_the_start_with_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::for_tests(dir.path().to_path_buf());
    config.mqtt_url = Some("http://broker:1883".into());
    let Err(err) = Server::start(config).await else {
        panic!("the server must not start with a bad broker URL");
    };
    assert_eq!(
        err.to_string(),
        r#"the MQTT broker URL "http://broker:1883" is not of the form mqtt://host:port"#
    );
}

/// The simulator as a fleet of MQTT devices: it publishes to the broker, and
/// the server's subscription ingests what it sent. A listener on the broker
/// sees the devices' own topics.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_simulator_can_be_a_fleet_of_mqtt_devices() {
    let broker = support::Mosquitto::start();
    let url = format!("mqtt://127.0.0.1:{}", broker.port);
    let (listener, mut events) =
        AsyncClient::new(MqttOptions::new("listener", "127.0.0.1", broker.port), 64);
    listener
        .subscribe("cairn/+/senml", QoS::AtLeastOnce)
        .await
        .unwrap();
    let (topics_tx, mut topics) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok(event) = events.poll().await {
            if let Event::Incoming(Packet::Publish(p)) = event {
                let _ = topics_tx.send(p.topic);
            }
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::for_tests(dir.path().to_path_buf());
    config.simulator = true;
    config.mqtt_url = Some(url.clone());
    config.sim_mqtt_url = Some(url);
    let server = Server::start(config).await.unwrap();

    let topic = tokio::time::timeout(Duration::from_secs(20), topics.recv())
        .await
        .expect("a simulated device publishes within 20 s")
        .unwrap();
    let device = topic
        .strip_prefix("cairn/")
        .and_then(|t| t.strip_suffix("/senml"))
        .unwrap();
    assert!(
        server
            .state()
            .catalog()
            .points()
            .iter()
            .any(|p| p.device_id == device),
        "{topic} names a device of the portfolio"
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    while server.state().store.readings_stored().await.unwrap() == 0 {
        assert!(
            Instant::now() < deadline,
            "nothing ingested back from the broker"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    server.stop().await.unwrap();
}
