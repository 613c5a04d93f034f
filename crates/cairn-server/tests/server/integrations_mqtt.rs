//! The integrations over MQTT, on a real Mosquitto: The Things Stack's and
//! ChirpStack's uplink topics and Zigbee2MQTT's flat JSON (by IEEE address)
//! become readings; an unknown device waits; `mqtts://` with a CA file.

use std::time::{Duration, Instant};

use cairn_protocol::{
    DeviceKind, IntegrationKind, IntegrationSpec, Metric, MqttSource, WaitingDevice,
};
use cairn_server::AppState;
use rumqttc::{AsyncClient, MqttOptions, QoS, TlsConfiguration, Transport};
use serde_json::json;

use crate::{
    integrations::{chirpstack_up, tts_uplink},
    real_devices::{create, device, state, stored},
    support,
};

async fn with_mqtt(s: &AppState, id: &str, kind: IntegrationKind, url: String, ca_file: &str) {
    let admin = support::admin(s).await;
    let spec = IntegrationSpec {
        id: id.into(),
        kind,
        name: format!("{} over MQTT", kind.label()),
        secret: kind.has_webhook().then(|| "mqtt-shared-secret-01".into()),
        mqtt: Some(MqttSource {
            url,
            username: String::new(),
            topic: String::new(),
            ca_file: ca_file.into(),
        }),
        mqtt_password: None,
    };
    let body = serde_json::to_string(&spec).unwrap();
    let (status, reply) =
        support::send(s, "POST", "/api/integrations", Some(&admin), Some(&body)).await;
    assert_eq!(status, axum::http::StatusCode::CREATED, "{reply}");
}

/// A publisher, connected (its event loop driven in the background).
async fn publisher(options: MqttOptions) -> AsyncClient {
    let (client, mut events) = AsyncClient::new(options, 16);
    tokio::spawn(async move { while events.poll().await.is_ok() {} });
    client
}

/// Waits until `key` holds `n` readings (the subscriber works in the background).
async fn until_stored(s: &AppState, key: &str, n: usize) -> Vec<(i64, f64)> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let got = stored(s, key).await;
        if got.len() >= n || Instant::now() > deadline {
            return got;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tts_chirpstack_and_zigbee2mqtt_messages_become_readings() {
    let broker = support::Mosquitto::start();
    let dir = tempfile::tempdir().unwrap();
    let s = state(dir.path()).await;
    let url = format!("mqtt://127.0.0.1:{}", broker.port);
    for (id, kind) in [
        ("tts", IntegrationKind::Tts),
        ("cs", IntegrationKind::Chirpstack),
        ("z2m", IntegrationKind::Zigbee2mqtt),
    ] {
        with_mqtt(&s, id, kind, url.clone(), "").await;
    }
    create(
        &s,
        &device(
            "am319",
            DeviceKind::Multisensor,
            "Milesight AM319",
            &[Metric::AirTemperature, Metric::Co2, Metric::Signal],
            &["70b3d57ed0000a01"],
        ),
    )
    .await;
    create(
        &s,
        &device(
            "lht",
            DeviceKind::Thermometer,
            "Dragino LHT65",
            &[Metric::AirTemperature],
            &["a84041000181c4f2"],
        ),
    )
    .await;
    create(
        &s,
        &device(
            "leak",
            DeviceKind::LeakSensor,
            "Zigbee2MQTT",
            &[Metric::Leak, Metric::Battery, Metric::Door],
            &["0x00124b0022a3b4c5"],
        ),
    )
    .await;
    let (_stop, stopping) = tokio::sync::watch::channel(false);
    tokio::spawn(cairn_server::ingest::integrations::mqtt::supervise(
        s.integrations.clone(),
        stopping,
    ));
    // The subscribers connect in the background; messages published before
    // they subscribe would be lost (QoS 1 queues only for known sessions).
    tokio::time::sleep(Duration::from_millis(1500)).await;

    let client = publisher(MqttOptions::new(
        "network-servers",
        "127.0.0.1",
        broker.port,
    ))
    .await;
    let up = tts_uplink("70B3D57ED0000A01", json!({"temperature": 21.5, "co2": 612}));
    client
        .publish(
            "v3/cairn-offices@ttn/devices/am319-room-2-14/up",
            QoS::AtLeastOnce,
            false,
            up.to_string(),
        )
        .await
        .unwrap();
    let cs = chirpstack_up("a84041000181c4f2", json!({"TempC_SHT": 4.2}));
    client
        .publish(
            "application/17c82e96/device/a84041000181c4f2/event/up",
            QoS::AtLeastOnce,
            false,
            cs.to_string(),
        )
        .await
        .unwrap();
    let devices = json!([{"ieee_address": "0x00124b0022a3b4c5", "friendly_name": "kitchen-leak", "type": "EndDevice"}]);
    client
        .publish(
            "zigbee2mqtt/bridge/devices",
            QoS::AtLeastOnce,
            true,
            devices.to_string(),
        )
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let z = json!({"water_leak": true, "contact": true, "battery": 90, "linkquality": 120, "voltage": 3000});
    client
        .publish(
            "zigbee2mqtt/kitchen-leak",
            QoS::AtLeastOnce,
            false,
            z.to_string(),
        )
        .await
        .unwrap();
    // An unknown TTS device waits to be claimed.
    let stranger = tts_uplink("70B3D57ED0000A02", json!({"co2": 700}));
    client
        .publish(
            "v3/cairn-offices@ttn/devices/other/up",
            QoS::AtLeastOnce,
            false,
            stranger.to_string(),
        )
        .await
        .unwrap();

    assert_eq!(
        until_stored(&s, "am319/co2", 1).await,
        vec![(1_796_029_198_501, 612.0)]
    );
    assert_eq!(
        stored(&s, "am319/signal").await,
        vec![(1_796_029_198_501, -71.0)]
    );
    assert_eq!(
        until_stored(&s, "lht/air_temperature", 1).await,
        vec![(1_796_029_197_123, 4.2)]
    );
    let leak = until_stored(&s, "leak/leak", 1).await;
    let (_, stats) = support::get(&s, "/api/integrations").await;
    assert_eq!(
        leak.iter().map(|r| r.1).collect::<Vec<_>>(),
        [1.0],
        "{stats}"
    );
    assert_eq!(
        stored(&s, "leak/door")
            .await
            .iter()
            .map(|r| r.1)
            .collect::<Vec<_>>(),
        [0.0],
        "contact true = closed"
    );
    assert_eq!(
        stored(&s, "leak/battery")
            .await
            .iter()
            .map(|r| r.1)
            .collect::<Vec<_>>(),
        [90.0]
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    let waiting = loop {
        let (_, list) = support::get(&s, "/api/integrations/waiting").await;
        let waiting: Vec<WaitingDevice> = serde_json::from_str(&list).unwrap();
        if !waiting.is_empty() || Instant::now() > deadline {
            break waiting;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(
        waiting
            .iter()
            .map(|w| (w.integration_id.as_str(), w.identifier.as_str()))
            .collect::<Vec<_>>(),
        [("tts", "70b3d57ed0000a02")]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_mqtts_broker_is_trusted_through_its_ca_file() {
    let (broker, ca_file) = support::Mosquitto::start_tls();
    let dir = tempfile::tempdir().unwrap();
    let s = state(dir.path()).await;
    let url = format!("mqtts://localhost:{}", broker.port);
    with_mqtt(
        &s,
        "tts-tls",
        IntegrationKind::Tts,
        url,
        &ca_file.display().to_string(),
    )
    .await;
    create(
        &s,
        &device(
            "am319",
            DeviceKind::Multisensor,
            "Milesight AM319",
            &[Metric::Co2],
            &["70b3d57ed0000a01"],
        ),
    )
    .await;
    let (_stop, stopping) = tokio::sync::watch::channel(false);
    tokio::spawn(cairn_server::ingest::integrations::mqtt::supervise(
        s.integrations.clone(),
        stopping,
    ));
    tokio::time::sleep(Duration::from_millis(1500)).await;

    // The test's own publisher uses rumqttc's simple TLS set-up, which needs
    // a process-wide rustls provider (the server builds its own).
    let _ = rustls::crypto::ring::default_provider().install_default();
    let ca = std::fs::read(&ca_file).unwrap();
    let mut options = MqttOptions::new("tts-server", "localhost", broker.port);
    options.set_transport(Transport::tls_with_config(TlsConfiguration::Simple {
        ca,
        alpn: None,
        client_auth: None,
    }));
    let client = publisher(options).await;
    let up = tts_uplink("70B3D57ED0000A01", json!({"co2": 640}));
    client
        .publish(
            "v3/cairn-offices@ttn/devices/am319/up",
            QoS::AtLeastOnce,
            false,
            up.to_string(),
        )
        .await
        .unwrap();
    assert_eq!(
        until_stored(&s, "am319/co2", 1).await,
        vec![(1_796_029_198_501, 640.0)]
    );
}
