//! The simulated portfolio: a dozen real Belgian and Dutch sites, one to three
//! buildings each with footprints, floors laid out as a corridor between two
//! rows of rooms, and the devices a facility team would put in them.
//! Deterministic for a seed.

use cairn_protocol::{
    Building, DeviceKind, DeviceState, Floor, LatLon, Metric, PlanXy, PointSpec, Zone,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::sites::{BUILDING_NAMES, SITES, hardware};
use crate::catalog::{DeviceDef, Model, SiteDef};

/// What a zone is used for: drives people, CO2, heat and which devices hang there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoomKind {
    OpenOffice,
    Meeting,
    Office,
    Restroom,
    Kitchen,
    Corridor,
    Entrance,
    Plant,
}

impl RoomKind {
    fn brick(self) -> &'static str {
        match self {
            RoomKind::OpenOffice => "Open_Office",
            RoomKind::Meeting => "Conference_Room",
            RoomKind::Office => "Enclosed_Office",
            RoomKind::Restroom => "Restroom",
            RoomKind::Kitchen => "Break_Room",
            RoomKind::Corridor => "Corridor",
            RoomKind::Entrance => "Lobby",
            RoomKind::Plant => "Mechanical_Room",
        }
    }

    fn label(self) -> &'static str {
        match self {
            RoomKind::OpenOffice => "Open office",
            RoomKind::Meeting => "Meeting room",
            RoomKind::Office => "Office",
            RoomKind::Restroom => "Restroom",
            RoomKind::Kitchen => "Kitchen",
            RoomKind::Corridor => "Corridor",
            RoomKind::Entrance => "Entrance hall",
            RoomKind::Plant => "Plant room",
        }
    }
}

/// A zone as the physics sees it.
#[derive(Debug, Clone)]
pub struct Room {
    pub site: usize,
    pub building: usize,
    pub floor: usize,
    pub kind: RoomKind,
    pub capacity: u32,
    pub volume_m3: f64,
    /// Sunny side, drafty corner: each room sits a little off the set-point.
    pub temp_bias: f64,
    pub rh_bias: f64,
}

/// A device as the simulator drives it.
#[derive(Debug, Clone)]
pub struct SimDevice {
    pub id: String,
    pub kind: DeviceKind,
    pub building: usize,
    pub floor: usize,
    pub room: usize,
    /// Battery % at the start of the simulation (None: mains powered).
    pub battery: Option<f64>,
    pub drain_per_day: f64,
    /// Typical uplink signal (None: wired).
    pub signal_dbm: Option<f64>,
    /// Chance per hour of dropping out for a while.
    pub dropout_per_h: f64,
    /// A building's main meter (electricity) rather than a floor's submeter.
    pub main: bool,
}

#[derive(Debug, Clone)]
pub struct BuildingSim {
    pub site: usize,
    pub base_kw: f64,
}

#[derive(Debug, Clone)]
pub struct FloorSim {
    pub building: usize,
    pub base_kw: f64,
    pub area_m2: f64,
}

#[derive(Debug, Clone)]
pub struct Portfolio {
    pub model: Model,
    pub site_tz: Vec<String>,
    pub buildings: Vec<BuildingSim>,
    pub floors: Vec<FloorSim>,
    pub rooms: Vec<Room>,
    pub devices: Vec<SimDevice>,
}

/// How often each kind reports (seconds). Leak sensors and door contacts also
/// report at once on a change; their interval is a heartbeat.
pub fn interval_s(kind: DeviceKind) -> u32 {
    match kind {
        DeviceKind::Multisensor | DeviceKind::Thermometer => 600,
        DeviceKind::LeakSensor | DeviceKind::DoorContact => 3600,
        DeviceKind::ElectricityMeter | DeviceKind::WaterMeter => 300,
    }
}

/// The points a device of this kind carries.
pub fn metrics(kind: DeviceKind) -> &'static [Metric] {
    use Metric as M;
    match kind {
        DeviceKind::Multisensor => &[
            M::AirTemperature,
            M::RelativeHumidity,
            M::Co2,
            M::Occupancy,
            M::Battery,
            M::Signal,
        ],
        DeviceKind::Thermometer => &[M::AirTemperature, M::Battery, M::Signal],
        DeviceKind::LeakSensor => &[M::Leak, M::Battery, M::Signal],
        DeviceKind::DoorContact => &[M::Door, M::Battery, M::Signal],
        DeviceKind::ElectricityMeter => &[M::ElectricEnergy],
        DeviceKind::WaterMeter => &[M::WaterFlow],
    }
}

fn tags(kind: DeviceKind) -> &'static [&'static str] {
    match kind {
        DeviceKind::Multisensor => &[
            "sensor",
            "air",
            "temp",
            "humidity",
            "co2",
            "occupancy",
            "battery",
        ],
        DeviceKind::Thermometer => &["sensor", "air", "temp", "battery"],
        DeviceKind::LeakSensor => &["sensor", "water", "leak", "battery"],
        DeviceKind::DoorContact => &["sensor", "door", "battery"],
        DeviceKind::ElectricityMeter => &["meter", "elec", "energy"],
        DeviceKind::WaterMeter => &["meter", "water", "flow"],
    }
}

/// Where a building stands: its south-west corner and its rotation.
struct Placement {
    origin: LatLon,
    angle: f64,
}

impl Placement {
    /// Plan metres (x east, y north before rotation) to WGS 84.
    fn to_latlon(&self, x: f64, y: f64) -> LatLon {
        let (s, c) = self.angle.sin_cos();
        let (east, north) = (x * c - y * s, x * s + y * c);
        LatLon {
            lat: self.origin.lat + north / 111_320.0,
            lon: self.origin.lon + east / (111_320.0 * self.origin.lat.to_radians().cos()),
        }
    }
}

struct Builder {
    rng: ChaCha8Rng,
    p: Portfolio,
}

pub fn portfolio(seed: u64) -> Portfolio {
    let mut b = Builder {
        rng: ChaCha8Rng::seed_from_u64(seed),
        p: Portfolio {
            model: Model::default(),
            site_tz: Vec::new(),
            buildings: Vec::new(),
            floors: Vec::new(),
            rooms: Vec::new(),
            devices: Vec::new(),
        },
    };
    for (site, &(id, name, address, city, tz, lat, lon)) in SITES.iter().enumerate() {
        b.p.model.sites.push(SiteDef {
            id: id.into(),
            name: name.into(),
            address: address.into(),
            city: city.into(),
            time_zone: tz.into(),
            lat,
            lon,
        });
        b.p.site_tz.push(tz.into());
        let buildings = b.rng.random_range(1..=3);
        let mut east = -30.0;
        for i in 0..buildings {
            let width = b.rng.random_range(30.0_f64..56.0).round();
            let depth = b.rng.random_range(14.0_f64..20.0).round();
            let place = Placement {
                origin: Placement {
                    origin: LatLon { lat, lon },
                    angle: 0.0,
                }
                .to_latlon(east, b.rng.random_range(-25.0..5.0)),
                angle: b.rng.random_range(-0.5..0.5),
            };
            east += width + b.rng.random_range(15.0..30.0);
            b.building(site, id, i, width, depth, &place);
        }
    }
    b.p.model.normalise();
    b.p
}

impl Builder {
    fn building(
        &mut self,
        site: usize,
        site_id: &str,
        i: usize,
        w: f64,
        h: f64,
        place: &Placement,
    ) {
        let id = format!("{site_id}-{}", (b'a' + i as u8) as char);
        let building = self.p.buildings.len();
        self.p.buildings.push(BuildingSim {
            site,
            base_kw: self.rng.random_range(6.0..15.0),
        });
        self.p.model.buildings.push(Building {
            id: id.clone(),
            site_id: site_id.into(),
            name: BUILDING_NAMES[i].into(),
            footprint: [(0.0, 0.0), (w, 0.0), (w, h), (0.0, h)]
                .iter()
                .map(|&(x, y)| place.to_latlon(x, y))
                .collect(),
            floors: Vec::new(),
        });
        let levels = self.rng.random_range(3..=6);
        for level in 0..levels {
            self.floor(site, building, &id, level, w, h, place);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn floor(
        &mut self,
        site: usize,
        building: usize,
        b_id: &str,
        level: i32,
        w: f64,
        h: f64,
        place: &Placement,
    ) {
        let f_id = format!("{b_id}-f{level}");
        let floor = self.p.floors.len();
        self.p.floors.push(FloorSim {
            building,
            base_kw: self.rng.random_range(1.5..4.0),
            area_m2: w * h,
        });
        self.p.model.floors.push(Floor {
            id: f_id.clone(),
            building_id: b_id.into(),
            site_id: String::new(),
            level,
            name: if level == 0 {
                "Ground floor".into()
            } else {
                format!("Floor {level}")
            },
            width_m: w,
            height_m: h,
            plan_url: String::new(),
        });
        let corridor = 2.4;
        let (south, north) = ((h - corridor) / 2.0, (h + corridor) / 2.0);
        let mut n = 0;
        let mut zone = |me: &mut Builder, kind: RoomKind, x0: f64, y0: f64, x1: f64, y1: f64| {
            n += 1;
            me.zone(
                site,
                building,
                floor,
                &f_id,
                level,
                n,
                kind,
                [x0, y0, x1, y1],
                place,
            );
        };
        // The corridor runs the length of the floor; rooms line both sides.
        zone(self, RoomKind::Corridor, 0.0, south, w, north);
        for (y0, y1, is_north) in [(0.0, south, false), (north, h, true)] {
            let mut x = 0.0;
            let mut first = true;
            while x < w - 2.5 {
                let kind = match (first, is_north, level) {
                    (true, false, 0) => RoomKind::Entrance,
                    (true, true, _) => RoomKind::Restroom,
                    _ if is_north && level == 0 && w - x < 12.0 => RoomKind::Plant,
                    _ => match self.rng.random_range(0..10) {
                        0..=2 => RoomKind::OpenOffice,
                        3..=5 => RoomKind::Meeting,
                        6 => RoomKind::Kitchen,
                        _ => RoomKind::Office,
                    },
                };
                let width: f64 = match kind {
                    RoomKind::OpenOffice => self.rng.random_range(10.0..16.0),
                    RoomKind::Meeting | RoomKind::Entrance | RoomKind::Plant => {
                        self.rng.random_range(5.0..8.0)
                    }
                    _ => self.rng.random_range(3.0..5.0),
                };
                let x1 = if w - (x + width) < 3.0 {
                    w
                } else {
                    (x + width).round()
                };
                zone(self, kind, x, y0, x1, y1);
                x = x1;
                first = false;
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn zone(
        &mut self,
        site: usize,
        building: usize,
        floor: usize,
        f_id: &str,
        level: i32,
        n: usize,
        kind: RoomKind,
        [x0, y0, x1, y1]: [f64; 4],
        place: &Placement,
    ) {
        let z_id = format!("{f_id}-z{n:02}");
        let name = match kind {
            RoomKind::Corridor | RoomKind::Entrance | RoomKind::Plant => kind.label().to_owned(),
            _ => format!("{} {level}.{n:02}", kind.label()),
        };
        let area = (x1 - x0) * (y1 - y0);
        let capacity = match kind {
            RoomKind::OpenOffice => (area / 8.0) as u32,
            RoomKind::Meeting => (area / 2.5) as u32,
            RoomKind::Office => self.rng.random_range(1..=2),
            RoomKind::Kitchen => (area / 3.0) as u32,
            _ => 0,
        };
        let room = self.p.rooms.len();
        self.p.rooms.push(Room {
            site,
            building,
            floor,
            kind,
            capacity,
            volume_m3: area * 2.8,
            temp_bias: self.rng.random_range(-0.8..0.8),
            rh_bias: self.rng.random_range(-5.0..5.0),
        });
        self.p.model.zones.push(Zone {
            id: z_id.clone(),
            floor_id: f_id.into(),
            building_id: String::new(),
            site_id: String::new(),
            name: name.clone(),
            kind: kind.brick().into(),
            outline: [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
                .iter()
                .map(|&(x, y)| PlanXy { x, y })
                .collect(),
        });
        let (cx, cy) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
        let mut devices: Vec<(DeviceKind, &str, String, f64, f64)> = Vec::new();
        match kind {
            RoomKind::OpenOffice | RoomKind::Meeting => {
                devices.push((DeviceKind::Multisensor, "ms", name.clone(), cx, cy));
            }
            RoomKind::Office => devices.push((DeviceKind::Thermometer, "th", name.clone(), cx, cy)),
            RoomKind::Restroom | RoomKind::Kitchen => {
                devices.push((
                    DeviceKind::LeakSensor,
                    "lk",
                    format!("Leak sensor, {name}"),
                    x0 + 0.6,
                    y0 + 0.6,
                ));
            }
            RoomKind::Entrance => {
                devices.push((
                    DeviceKind::DoorContact,
                    "dr",
                    "Main entrance door".into(),
                    cx,
                    y0 + 0.3,
                ));
                devices.push((DeviceKind::Multisensor, "ms", name.clone(), cx, cy));
            }
            RoomKind::Corridor => {
                let fl = if level == 0 {
                    "ground floor".to_owned()
                } else {
                    format!("floor {level}")
                };
                devices.push((
                    DeviceKind::Thermometer,
                    "th",
                    format!("Corridor {level}"),
                    cx,
                    cy,
                ));
                devices.push((
                    DeviceKind::DoorContact,
                    "dr",
                    format!("Fire exit, {fl}"),
                    x1 - 0.3,
                    cy,
                ));
                devices.push((
                    DeviceKind::ElectricityMeter,
                    "em",
                    format!("Electricity submeter, {fl}"),
                    x0 + 0.5,
                    cy,
                ));
            }
            RoomKind::Plant => {
                devices.push((
                    DeviceKind::ElectricityMeter,
                    "mm",
                    "Main electricity meter".into(),
                    x0 + 1.0,
                    cy,
                ));
                devices.push((
                    DeviceKind::WaterMeter,
                    "wm",
                    "Water main".into(),
                    x0 + 2.0,
                    cy,
                ));
                devices.push((
                    DeviceKind::LeakSensor,
                    "lk",
                    "Leak sensor, plant room".into(),
                    x1 - 0.6,
                    y0 + 0.6,
                ));
            }
        }
        for (dkind, short, dname, x, y) in devices {
            self.device(
                &z_id,
                short,
                dkind,
                dname,
                building,
                floor,
                room,
                PlanXy { x, y },
                place,
            );
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn device(
        &mut self,
        z_id: &str,
        short: &str,
        kind: DeviceKind,
        name: String,
        building: usize,
        floor: usize,
        room: usize,
        plan: PlanXy,
        place: &Placement,
    ) {
        let id = format!("{z_id}-{short}");
        let rng = &mut self.rng;
        let wireless = !matches!(kind, DeviceKind::ElectricityMeter | DeviceKind::WaterMeter);
        // Most batteries are healthy; a few are low, as in any real fleet.
        let battery = wireless.then(|| match rng.random_range(0..100) {
            0 => rng.random_range(4.0..10.0),
            1..=3 => rng.random_range(10.0..20.0),
            _ => rng.random_range(35.0..100.0),
        });
        let (model, firmwares, prefix) = hardware(kind);
        let b = &self.p.model.buildings[building];
        let f = &self.p.model.floors[floor];
        let installed_day = rng.random_range(0..2_700);
        let installed = chrono::NaiveDate::from_ymd_opt(2019, 1, 7).expect("valid date")
            + chrono::Days::new(installed_day);
        let mut tags: Vec<String> = tags(kind).iter().map(|t| (*t).to_owned()).collect();
        if short == "mm" || short == "wm" {
            tags.push("main".into());
        } else if kind == DeviceKind::ElectricityMeter {
            tags.push("submeter".into());
        }
        self.p.model.devices.push(DeviceDef {
            id: id.clone(),
            site_id: b.site_id.clone(),
            name,
            kind,
            model: model.into(),
            firmware: firmwares[rng.random_range(0..firmwares.len())].into(),
            serial: format!("{prefix}{:07}", rng.random_range(0..10_000_000)),
            installed: installed.format("%Y-%m-%d").to_string(),
            building_id: Some(b.id.clone()),
            floor_id: Some(f.id.clone()),
            zone_id: Some(z_id.into()),
            location: Some(place.to_latlon(plan.x, plan.y)),
            plan: Some(plan),
            tags,
            points: metrics(kind)
                .iter()
                .map(|m| PointSpec {
                    metric: *m,
                    interval_s: interval_s(kind),
                })
                .collect(),
            expected_interval_s: None,
            state: DeviceState::Active,
            aliases: Vec::new(),
        });
        self.p.devices.push(SimDevice {
            id,
            kind,
            building,
            floor,
            room,
            battery,
            drain_per_day: rng.random_range(0.01..0.06),
            signal_dbm: wireless.then(|| rng.random_range(-112.0..-55.0_f64).round()),
            // One device in twenty is flaky (bad coverage, loose antenna).
            dropout_per_h: if rng.random_range(0..20) == 0 {
                0.03
            } else {
                0.0015
            },
            main: short == "mm",
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_portfolio_other_seed_other_portfolio() {
        let (a, b, c) = (portfolio(7), portfolio(7), portfolio(8));
        assert_eq!(a.model, b.model);
        assert_ne!(a.model.devices, c.model.devices);
        assert_eq!(a.model.sites.len(), SITES.len());
    }

    #[test]
    fn the_portfolio_has_the_scale_of_a_real_one() {
        let p = portfolio(1);
        let points: usize = p.model.devices.iter().map(|d| d.points.len()).sum();
        let devices = p.model.devices.len();
        assert!((1_200..3_000).contains(&devices), "{devices} devices");
        assert!((4_500..9_000).contains(&points), "{points} points");
        for kind in DeviceKind::ALL {
            assert!(
                p.model.devices.iter().any(|d| d.kind == kind),
                "no {kind:?}"
            );
        }
        assert!(p.model.buildings.len() >= SITES.len());
    }

    #[test]
    fn every_device_sits_inside_its_floor_and_near_its_site() {
        let p = portfolio(3);
        for d in &p.model.devices {
            let f = p
                .model
                .floors
                .iter()
                .find(|f| Some(&f.id) == d.floor_id.as_ref())
                .unwrap();
            let xy = d.plan.unwrap();
            assert!(
                (0.0..=f.width_m).contains(&xy.x) && (0.0..=f.height_m).contains(&xy.y),
                "{}",
                d.id
            );
            let s = p.model.sites.iter().find(|s| s.id == d.site_id).unwrap();
            assert!(
                d.location.is_some_and(|l| (l.lat - s.lat).abs() < 0.003
                    && (l.lon - s.lon).abs() < 0.005),
                "{}",
                d.id
            );
        }
        for b in &p.model.buildings {
            assert_eq!(b.footprint.len(), 4);
            assert!(!b.floors.is_empty());
        }
    }
}
