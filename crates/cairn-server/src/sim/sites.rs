//! The simulated portfolio's sites: real Belgian and Dutch city addresses.

/// id, name, address, city, time zone, lat, lon.
pub const SITES: &[(&str, &str, &str, &str, &str, f64, f64)] = &[
    (
        "bru",
        "Mont des Arts Offices",
        "Rue Ravenstein 60, 1000 Brussels",
        "Brussels",
        "Europe/Brussels",
        50.8443,
        4.3565,
    ),
    (
        "ant",
        "Eilandje Dock House",
        "Londenstraat 52, 2000 Antwerpen",
        "Antwerp",
        "Europe/Brussels",
        51.2298,
        4.4052,
    ),
    (
        "ghe",
        "Kouter Tower",
        "Kouter 7, 9000 Gent",
        "Ghent",
        "Europe/Brussels",
        51.0506,
        3.7250,
    ),
    (
        "leu",
        "Vaartkom Lofts",
        "Vaartkom 31, 3000 Leuven",
        "Leuven",
        "Europe/Brussels",
        50.8890,
        4.7037,
    ),
    (
        "lie",
        "Guillemins Point",
        "Rue Paradis 1, 4000 Liège",
        "Liège",
        "Europe/Brussels",
        50.6249,
        5.5669,
    ),
    (
        "mec",
        "Dijle Offices",
        "Zandpoortvest 60, 2800 Mechelen",
        "Mechelen",
        "Europe/Brussels",
        51.0235,
        4.4780,
    ),
    (
        "ams",
        "Zuidas Pavilion",
        "Gustav Mahlerlaan 10, 1082 PP Amsterdam",
        "Amsterdam",
        "Europe/Amsterdam",
        52.3383,
        4.8727,
    ),
    (
        "rtm",
        "Kop van Zuid Quay",
        "Wilhelminakade 91, 3072 AP Rotterdam",
        "Rotterdam",
        "Europe/Amsterdam",
        51.9075,
        4.4886,
    ),
    (
        "utr",
        "Jaarbeurs Court",
        "Croeselaan 1, 3521 BJ Utrecht",
        "Utrecht",
        "Europe/Amsterdam",
        52.0873,
        5.1100,
    ),
    (
        "ein",
        "Strijp-S Works",
        "Torenallee 20, 5617 BC Eindhoven",
        "Eindhoven",
        "Europe/Amsterdam",
        51.4480,
        5.4570,
    ),
    (
        "hag",
        "Beatrix Quarter",
        "Prinses Beatrixlaan 5, 2595 AK Den Haag",
        "The Hague",
        "Europe/Amsterdam",
        52.0800,
        4.3240,
    ),
    (
        "gro",
        "Zernike Hall",
        "Nijenborgh 4, 9747 AG Groningen",
        "Groningen",
        "Europe/Amsterdam",
        53.2400,
        6.5360,
    ),
];

/// Building names, in the order a site's buildings get them.
pub const BUILDING_NAMES: &[&str] = &["North wing", "South wing", "Annex"];

/// (model, firmware versions, serial prefix) per device kind.
pub fn hardware(
    kind: cairn_protocol::DeviceKind,
) -> (&'static str, &'static [&'static str], &'static str) {
    use cairn_protocol::DeviceKind as K;
    match kind {
        K::Multisensor => ("Elsys ERS CO2", &["1.4.2", "1.5.0", "1.5.1"], "ERS"),
        K::Thermometer => ("Milesight EM300-TH", &["1.2", "1.3"], "EM3T"),
        K::LeakSensor => ("Milesight EM300-SLD", &["1.2", "1.3"], "EM3L"),
        K::DoorContact => ("Elsys EMS Door", &["2.1.0", "2.2.3"], "EMSD"),
        K::ElectricityMeter => ("Schneider iEM3155", &["2.0.4"], "IEM"),
        K::WaterMeter => ("Kamstrup flowIQ 2200", &["1.10"], "KFQ"),
    }
}
