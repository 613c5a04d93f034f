//! Messages written like the real ones (invented EUIs).

use super::*;
use serde_json::json;

/// A The Things Stack v3 uplink as its webhook posts it.
pub fn tts_uplink(eui: &str, decoded: Value) -> Value {
    json!({
        "end_device_ids": {
            "device_id": "am319-room-2-14",
            "application_ids": {"application_id": "cairn-offices"},
            "dev_eui": eui, "join_eui": "24E124C0002A0001", "dev_addr": "260B1234"
        },
        "correlation_ids": ["gs:uplink:01J9Z8"],
        "received_at": "2026-11-30T08:59:58.712345678Z",
        "uplink_message": {
            "session_key_id": "AZK3", "f_port": 85, "f_cnt": 4211,
            "frm_payload": "A2fsAARoRgV9WAI=",
            "decoded_payload": decoded,
            "rx_metadata": [
                {"gateway_ids": {"gateway_id": "gw-roof"}, "rssi": -97, "channel_rssi": -97, "snr": 4.25},
                {"gateway_ids": {"gateway_id": "gw-basement"}, "rssi": -71, "channel_rssi": -71, "snr": 9.5}
            ],
            "settings": {"data_rate": {"lora": {"bandwidth": 125000, "spreading_factor": 7}}, "frequency": "868100000"},
            "received_at": "2026-11-30T08:59:58.501234567Z",
            "version_ids": {"brand_id": "milesight-iot", "model_id": "am319"}
        }
    })
}

/// A ChirpStack v4 "up" event, JSON encoding.
pub fn chirpstack_up(eui: &str, object: Value) -> Value {
    json!({
        "deduplicationId": "3ac8fd7e-6d5f-4f1c-9d4f-5f0b1c2d3e4f",
        "time": "2026-11-30T08:59:57.123Z",
        "deviceInfo": {
            "tenantId": "52f14cd4-c6f1-4fbd-8f87-4025e1d49242", "tenantName": "Cairn",
            "applicationId": "17c82e96-be03-4f38-aef3-f83d48582d97", "applicationName": "offices",
            "deviceProfileId": "14855bf7-d10d-4aee-b618-ebfcb64dc7ad", "deviceProfileName": "Dragino LHT65",
            "deviceName": "lht65-cold-room", "devEui": eui
        },
        "devAddr": "00189440", "adr": true, "dr": 5, "fCnt": 99, "fPort": 2, "confirmed": false,
        "data": "y7QJYQJ9AX//f/8=",
        "object": object,
        "rxInfo": [{"gatewayId": "0016c001ff10a235", "uplinkId": 4217, "rssi": -103, "snr": -2.8}],
        "txInfo": {"frequency": 868300000, "modulation": {"lora": {"bandwidth": 125000, "spreadingFactor": 7}}}
    })
}

#[test]
fn a_tts_uplink_gives_its_eui_time_values_and_best_rssi() {
    let Message::Uplink(up) = tts(&tts_uplink(
        "70B3D57ED0000A01",
        json!({"temperature": 21.5, "co2": 612}),
    ))
    .unwrap() else {
        panic!("an uplink")
    };
    assert_eq!(up.identifier, "70b3d57ed0000a01");
    assert_eq!(up.time_ms, Some(1_796_029_198_501));
    assert_eq!(
        up.values,
        vec![
            ("co2".into(), json!(612)),
            ("temperature".into(), json!(21.5))
        ]
    );
    assert_eq!(up.rssi, Some(-71.0));
    assert_eq!(up.hint, "am319-room-2-14 · am319");
}

#[test]
fn a_tts_message_that_is_no_uplink_or_has_no_decoder_says_so() {
    let join = json!({"end_device_ids": {"dev_eui": "70B3D57ED0000A01"}, "join_accept": {"session_key_id": "x"}});
    assert_eq!(tts(&join).unwrap(), Message::Other("join_accept".into()));
    let mut raw = tts_uplink("70B3D57ED0000A01", json!({}));
    raw["uplink_message"]
        .as_object_mut()
        .unwrap()
        .remove("decoded_payload");
    assert!(tts(&raw).unwrap_err().contains("payload formatter"));
}

#[test]
fn a_device_time_in_the_payload_wins_over_the_receive_time() {
    let Message::Uplink(up) = tts(&tts_uplink(
        "70B3D57ED0000A01",
        json!({"co2": 600, "time": 1_796_029_000}),
    ))
    .unwrap() else {
        panic!()
    };
    assert_eq!(up.time_ms, Some(1_796_029_000_000));
    assert_eq!(up.values.len(), 1);
    let bad = tts(&tts_uplink(
        "70B3D57ED0000A01",
        json!({"co2": 600, "time": "soon"}),
    ))
    .unwrap_err();
    assert!(bad.contains("decoded time"), "{bad}");
}

#[test]
fn a_chirpstack_up_event_gives_the_same_shape() {
    let Message::Uplink(up) = chirpstack(
        "up",
        &chirpstack_up("a84041000181c4f2", json!({"TempC_SHT": 4.2, "BatV": 3.05})),
    )
    .unwrap() else {
        panic!()
    };
    assert_eq!(up.identifier, "a84041000181c4f2");
    assert_eq!(up.time_ms, Some(1_796_029_197_123));
    assert_eq!(up.rssi, Some(-103.0));
    assert_eq!(up.hint, "lht65-cold-room · Dragino LHT65");
    assert_eq!(
        chirpstack("join", &json!({})).unwrap(),
        Message::Other("event join".into())
    );
    let mut no_codec = chirpstack_up("a84041000181c4f2", json!(null));
    no_codec.as_object_mut().unwrap().remove("object");
    assert!(chirpstack("up", &no_codec).unwrap_err().contains("codec"));
}

#[test]
fn a_kpn_pack_names_its_device_by_the_urn() {
    let pack: Vec<SenmlRecord> = serde_json::from_value(json!([
        {"bn": "urn:dev:DEVEUI:0059AC00001B0C5A:", "bt": 1_796_029_190},
        {"n": "temperature", "u": "Cel", "v": 20.9},
        {"n": "pressure", "u": "Pa", "v": 101_325}
    ]))
    .unwrap();
    assert_eq!(kpn_identifier(&pack).unwrap(), "0059ac00001b0c5a");
    assert_eq!(kpn_keys(&pack), vec!["temperature", "pressure"]);
    let nameless: Vec<SenmlRecord> = serde_json::from_value(json!([{"n": "t", "v": 1}])).unwrap();
    assert!(kpn_identifier(&nameless).is_err());
}
