//! The simulated portfolio: a few real Belgian and Dutch sites, one building
//! each, floors of rooms with a multisensor per room and a main electricity meter.

use cairn_protocol::Metric;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::catalog::{DeviceDef, SiteDef};

/// Room kinds drive capacity and volume, hence CO2 and heat.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RoomKind {
    OpenOffice,
    Meeting,
    Office,
}

/// A simulated room: where a multisensor hangs.
#[derive(Debug, Clone)]
pub struct Room {
    pub device_id: String,
    pub site: usize,
    pub kind: RoomKind,
    pub capacity: u32,
    pub volume_m3: f64,
    /// Sunny side, drafty corner: each room sits a little off the set-point.
    pub temp_bias: f64,
    pub rh_bias: f64,
}

/// A building's main electricity meter.
#[derive(Debug, Clone)]
pub struct Meter {
    pub device_id: String,
    pub site: usize,
    pub base_kw: f64,
}

#[derive(Debug, Clone)]
pub struct Portfolio {
    pub sites: Vec<SiteDef>,
    pub devices: Vec<DeviceDef>,
    pub rooms: Vec<Room>,
    pub meters: Vec<Meter>,
}

/// Every device reports once a minute, as commercial air-quality sensors and
/// meters commonly do; the history backfill uses the same cadence.
pub const ROOM_INTERVAL_S: u32 = 60;
pub const METER_INTERVAL_S: u32 = 60;

const SITES: &[(&str, &str, &str, &str, f64, f64)] = &[
    (
        "bru",
        "Mont des Arts Offices",
        "Brussels",
        "Europe/Brussels",
        50.8443,
        4.3565,
    ),
    (
        "ant",
        "Eilandje Dock House",
        "Antwerp",
        "Europe/Brussels",
        51.2298,
        4.4052,
    ),
    (
        "ghe",
        "Kouter Tower",
        "Ghent",
        "Europe/Brussels",
        51.0506,
        3.7250,
    ),
    (
        "ams",
        "Zuidas Pavilion",
        "Amsterdam",
        "Europe/Amsterdam",
        52.3383,
        4.8727,
    ),
];

const MEETING_NAMES: &[&str] = &["Meeting room", "Board room", "Huddle room"];

pub fn portfolio(seed: u64) -> Portfolio {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut p = Portfolio {
        sites: Vec::new(),
        devices: Vec::new(),
        rooms: Vec::new(),
        meters: Vec::new(),
    };
    for (site, &(id, name, city, tz, lat, lon)) in SITES.iter().enumerate() {
        p.sites.push(SiteDef {
            id: id.into(),
            name: name.into(),
            city: city.into(),
            time_zone: tz.into(),
            lat,
            lon,
        });
        let floors = rng.random_range(2..=3);
        for floor in 1..=floors {
            let rooms = rng.random_range(3..=4);
            for room in 1..=rooms {
                let kind = match room {
                    1 => RoomKind::OpenOffice,
                    2 => RoomKind::Meeting,
                    _ => RoomKind::Office,
                };
                let (capacity, volume_m3, label) = match kind {
                    RoomKind::OpenOffice => {
                        (rng.random_range(16..=30), 420.0, "Open office".to_owned())
                    }
                    RoomKind::Meeting => (
                        rng.random_range(6..=12),
                        rng.random_range(55.0..80.0),
                        MEETING_NAMES[rng.random_range(0..MEETING_NAMES.len())].to_owned(),
                    ),
                    RoomKind::Office => (rng.random_range(1..=3), 45.0, "Office".to_owned()),
                };
                let device_id = format!("{id}-f{floor}-r{room}");
                p.devices.push(DeviceDef {
                    id: device_id.clone(),
                    site_id: id.into(),
                    name: format!("{label} {floor}.{room:02}"),
                    points: [
                        Metric::AirTemperature,
                        Metric::RelativeHumidity,
                        Metric::Co2,
                        Metric::Occupancy,
                    ]
                    .into_iter()
                    .map(|m| (m, ROOM_INTERVAL_S))
                    .collect(),
                });
                let (temp_bias, rh_bias) =
                    (rng.random_range(-0.8..0.8), rng.random_range(-5.0..5.0));
                p.rooms.push(Room {
                    device_id,
                    site,
                    kind,
                    capacity,
                    volume_m3,
                    temp_bias,
                    rh_bias,
                });
            }
        }
        let device_id = format!("{id}-meter");
        p.devices.push(DeviceDef {
            id: device_id.clone(),
            site_id: id.into(),
            name: "Main electricity meter".into(),
            points: vec![(Metric::ElectricEnergy, METER_INTERVAL_S)],
        });
        p.meters.push(Meter {
            device_id,
            site,
            base_kw: rng.random_range(12.0..30.0),
        });
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_portfolio_other_seed_other_portfolio() {
        let (a, b, c) = (portfolio(7), portfolio(7), portfolio(8));
        assert_eq!(a.devices, b.devices);
        assert_ne!(a.devices, c.devices);
        assert_eq!(a.sites.len(), SITES.len());
        assert!(
            a.devices.len() >= 4 * (2 * 3 + 1),
            "{} devices",
            a.devices.len()
        );
    }
}
