//! SenML resolution: the RFC 8428 §5.1 examples and the inputs of issue 15.

use super::*;

const NOW: i64 = 1_796_000_000_000;

fn pack(json: &str) -> Vec<SenmlRecord> {
    serde_json::from_str(json).unwrap()
}

/// (index, name, unit, value, time ms) of each resolved record.
type Row = (usize, String, Option<String>, f64, i64);

fn rows(json: &str) -> Vec<Row> {
    resolve(&pack(json), NOW)
        .unwrap()
        .into_iter()
        .map(|r| (r.index, r.name, r.unit, r.value, r.time_ms))
        .collect()
}

fn row(index: usize, name: &str, unit: Option<&str>, value: f64, time_ms: i64) -> Row {
    (index, name.into(), unit.map(Into::into), value, time_ms)
}

fn errors(json: &str) -> Vec<(usize, &'static str, String)> {
    resolve(&pack(json), NOW)
        .unwrap_err()
        .into_iter()
        .map(|e| (e.index, e.field, e.message))
        .collect()
}

#[test]
fn base_fields_apply_to_later_records() {
    assert_eq!(
        rows(
            r#"[{"bn":"dev1/","bt":1.7e9,"bu":"Cel","n":"air_temperature","v":21.5},
                {"n":"co2","u":"ppm","v":612,"t":10}]"#
        ),
        vec![
            row(
                0,
                "dev1/air_temperature",
                Some("Cel"),
                21.5,
                1_700_000_000_000
            ),
            row(1, "dev1/co2", Some("ppm"), 612.0, 1_700_000_010_000),
        ]
    );
}

/// RFC 8428 §5.1.1 and §5.1.2: names from base names; no time means now.
#[test]
fn rfc8428_single_and_multiple_datapoints() {
    assert_eq!(
        rows(r#"[{"n":"urn:dev:ow:10e2073a01080063","u":"Cel","v":23.1}]"#),
        vec![row(
            0,
            "urn:dev:ow:10e2073a01080063",
            Some("Cel"),
            23.1,
            NOW
        )]
    );
    assert_eq!(
        rows(
            r#"[{"bn":"urn:dev:ow:10e2073a01080063:","n":"voltage","u":"V","v":120.1},
                {"n":"current","u":"A","v":1.2}]"#
        ),
        vec![
            row(
                0,
                "urn:dev:ow:10e2073a01080063:voltage",
                Some("V"),
                120.1,
                NOW
            ),
            row(
                1,
                "urn:dev:ow:10e2073a01080063:current",
                Some("A"),
                1.2,
                NOW
            ),
        ]
    );
}

/// RFC 8428 §5.1.3: base time plus relative offsets, base unit, `bver` read.
#[test]
fn rfc8428_multiple_measurements() {
    let got = rows(
        r#"[{"bn":"urn:dev:ow:10e2073a0108006:","bt":1.276020076001e+09,"bu":"A","bver":5,
             "n":"voltage","u":"V","v":120.1},
            {"n":"current","t":-5,"v":1.2},{"n":"current","t":-4,"v":1.3},
            {"n":"current","t":-3,"v":1.4},{"n":"current","t":-2,"v":1.5},
            {"n":"current","t":-1,"v":1.6},{"n":"current","v":1.7}]"#,
    );
    let base = 1_276_020_076_001;
    let mut want = vec![row(
        0,
        "urn:dev:ow:10e2073a0108006:voltage",
        Some("V"),
        120.1,
        base,
    )];
    for (i, v) in [1.2, 1.3, 1.4, 1.5, 1.6, 1.7].into_iter().enumerate() {
        let t = base - 5_000 + i as i64 * 1_000;
        want.push(row(
            i + 1,
            "urn:dev:ow:10e2073a0108006:current",
            Some("A"),
            v,
            t,
        ));
    }
    assert_eq!(got, want);
}

/// RFC 8428 §5.1.4: records that are already resolved.
#[test]
fn rfc8428_resolved_data() {
    assert_eq!(
        rows(
            r#"[{"n":"urn:dev:ow:10e2073a0108006:voltage","u":"V","v":120.1,"t":1.320078429e+09},
                {"n":"urn:dev:ow:10e2073a0108006:current","u":"A","v":1.2,"t":1.320078429e+09}]"#
        ),
        vec![
            row(
                0,
                "urn:dev:ow:10e2073a0108006:voltage",
                Some("V"),
                120.1,
                1_320_078_429_000
            ),
            row(
                1,
                "urn:dev:ow:10e2073a0108006:current",
                Some("A"),
                1.2,
                1_320_078_429_000
            ),
        ]
    );
}

/// RFC 8428 §5.1.5: several data types. The number and the boolean resolve;
/// the string and data values are refused with what to send instead.
#[test]
fn rfc8428_multiple_data_types() {
    let json = r#"[{"bn":"urn:dev:ow:10e2073a01080063:","n":"temp","u":"Cel","v":23.1},
                   {"n":"label","vs":"Machine Room"},
                   {"n":"open","vb":false},
                   {"n":"nfc-reader","vd":"aGkgCg"}]"#;
    let got = errors(json);
    assert_eq!(
        got.iter().map(|(i, f, _)| (*i, *f)).collect::<Vec<_>>(),
        vec![(1, "vs"), (3, "vd")]
    );
    assert!(got[0].2.contains("send v, vb or s"), "{}", got[0].2);
    let without_strings: Vec<SenmlRecord> = pack(json)
        .into_iter()
        .filter(|r| r.vs.is_none() && r.vd.is_none())
        .collect();
    let resolved = resolve(&without_strings, NOW).unwrap();
    assert_eq!(resolved[1].name, "urn:dev:ow:10e2073a01080063:open");
    assert_eq!(resolved[1].value, 0.0);
}

/// RFC 8428 §5.1.6: a collection of resources, base name changing mid-pack.
#[test]
fn rfc8428_collection_of_resources() {
    assert_eq!(
        rows(
            r#"[{"bn":"2001:db8::2/","bt":1.320078429e+09,"n":"temperature","u":"Cel","v":27.2},
                {"n":"humidity","u":"%RH","v":80},
                {"bn":"2001:db8::1/","n":"temperature","u":"Cel","v":12.3}]"#
        ),
        vec![
            row(
                0,
                "2001:db8::2/temperature",
                Some("Cel"),
                27.2,
                1_320_078_429_000
            ),
            row(
                1,
                "2001:db8::2/humidity",
                Some("%RH"),
                80.0,
                1_320_078_429_000
            ),
            row(
                2,
                "2001:db8::1/temperature",
                Some("Cel"),
                12.3,
                1_320_078_429_000
            ),
        ]
    );
}

/// Issue 15: a meter's total as a SenML sum, with and without a base sum.
#[test]
fn sums_are_values_with_their_base_sum() {
    assert_eq!(
        rows(r#"[{"bn":"mtr/","bt":1796000000,"n":"electric_energy","u":"kWh","s":1234.5}]"#),
        vec![row(
            0,
            "mtr/electric_energy",
            Some("kWh"),
            1234.5,
            1_796_000_000_000
        )]
    );
    assert_eq!(
        rows(
            r#"[{"bn":"mtr/","bs":1000,"n":"electric_energy","u":"kWh","s":234.5},
                 {"n":"electric_energy","u":"kWh","s":235,"t":-60}]"#
        ),
        vec![
            row(0, "mtr/electric_energy", Some("kWh"), 1234.5, NOW),
            row(1, "mtr/electric_energy", Some("kWh"), 1235.0, NOW - 60_000),
        ]
    );
    // A value beside a sum is the reading.
    assert_eq!(rows(r#"[{"n":"m/e","v":3,"s":9}]"#)[0].3, 3.0);
}

/// Issue 15: a field ending in `_` must be understood (RFC 8428 §4.4).
#[test]
fn must_understand_fields_refuse_the_pack() {
    let got = errors(r#"[{"n":"vec/co2","u":"ppm","v":600,"foo_":1}]"#);
    assert_eq!(got.len(), 1);
    assert_eq!((got[0].0, got[0].1), (0, "record"));
    assert!(got[0].2.contains("\"foo_\""), "{}", got[0].2);
    // Unknown fields without the underscore are extensions a receiver may ignore.
    assert_eq!(rows(r#"[{"n":"vec/co2","v":600,"foo":1}]"#).len(), 1);
    // A version newer than 10 is refused too.
    assert_eq!(errors(r#"[{"bver":11,"n":"a","v":1}]"#)[0].1, "bver");
}

/// Issue 15: a record of base fields only (KPN Things) carries no measurement.
#[test]
fn base_only_records_set_the_base_and_are_skipped() {
    assert_eq!(
        rows(r#"[{"bn":"vec/","bt":1796000000},{"n":"co2","u":"ppm","v":603}]"#),
        vec![row(1, "vec/co2", Some("ppm"), 603.0, 1_796_000_000_000)]
    );
    assert!(
        resolve(&pack(r#"[{"bn":"vec/","bt":1796000000}]"#), NOW)
            .unwrap()
            .is_empty()
    );
}

/// Issue 15: any resolved time below 2^28 s is relative, negative ones too.
#[test]
fn every_time_below_2_pow_28_is_relative_to_now() {
    let t = |json: &str| rows(json)[0].4;
    assert_eq!(t(r#"[{"n":"x","v":1,"t":-5}]"#), NOW - 5_000);
    assert_eq!(t(r#"[{"n":"x","v":1}]"#), NOW);
    assert_eq!(
        t(r#"[{"n":"x","v":1,"t":-300000000}]"#),
        NOW - 300_000_000_000
    );
    assert_eq!(
        t(r#"[{"n":"x","v":1,"t":268435455}]"#),
        NOW + 268_435_455_000
    );
    // 2^28 itself and above are absolute: 946684800 is 2000-01-01.
    assert_eq!(t(r#"[{"n":"x","v":1,"t":268435456}]"#), 268_435_456_000);
    assert_eq!(t(r#"[{"n":"x","v":1,"t":946684800}]"#), 946_684_800_000);
}

#[test]
fn every_bad_record_is_named() {
    let got = errors(r#"[{"v":1}, {"n":"ok","v":1}, {"n":"b"}, {"n":"s","vs":"on"}]"#);
    let at: Vec<_> = got.iter().map(|e| (e.0, e.1)).collect();
    assert_eq!(at, vec![(0, "n"), (2, "v"), (3, "vs")]);
    assert_eq!(got[1].2, "the record has no value (v, vb) or sum (s)");
}

#[test]
fn records_serialise_without_empty_fields() {
    let record = SenmlRecord {
        n: Some("a".into()),
        v: Some(1.0),
        ..SenmlRecord::default()
    };
    assert_eq!(
        serde_json::to_string(&record).unwrap(),
        r#"{"n":"a","v":1.0}"#
    );
    assert!(serde_json::from_str::<SenmlRecord>(r#"{"n":"a","n":"b"}"#).is_err());
}
