use serde::{Deserialize, Serialize};

/// What a point measures. The unit travels beside it, normalised on ingest.
/// On the wire a metric is its name (`"co2"`, `"pm2_5"`, or an admin's
/// `"wind_speed"`): see [`Metric::name`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Metric {
    AirTemperature,
    RelativeHumidity,
    Co2,
    Occupancy,
    ElectricEnergy,
    WaterFlow,
    /// 1 = water detected.
    Leak,
    /// 1 = open.
    Door,
    Battery,
    /// Radio signal strength of the device's last uplink.
    Signal,
    /// Fine particulate matter PM2.5, µg/m³.
    Pm25,
    /// Particulate matter PM10, µg/m³.
    Pm10,
    /// Total volatile organic compounds, µg/m³.
    Tvoc,
    /// Illuminance, lx.
    Illuminance,
    /// Sound pressure level, dB(A).
    SoundLevel,
    /// Barometric (air) pressure, hPa.
    BarometricPressure,
    /// Active electric power, W (negative = exported).
    ActivePower,
    /// Electric voltage, V.
    Voltage,
    /// Heat energy meter, kWh, cumulative.
    HeatEnergy,
    /// Gas meter, m³, cumulative.
    GasVolume,
    /// Water meter, m³, cumulative.
    WaterVolume,
    /// Outdoor air temperature, °C (weather station or outdoor probe).
    OutdoorTemperature,
    /// An admin's metric: entry `n` of the registry ([`crate::metric_registry`]).
    Custom(u16),
}

impl Serialize for Metric {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for Metric {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Metric, D::Error> {
        let name = std::borrow::Cow::<'de, str>::deserialize(d)?;
        crate::metric_registry::resolve(&name)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown metric {name:?}")))
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Metric {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .description(Some(
                "A metric's name: a built-in one (air_temperature, relative_humidity, co2, occupancy, electric_energy, water_flow, leak, door, battery, signal, pm2_5, pm10, tvoc, illuminance, sound_level, barometric_pressure, active_power, voltage, heat_energy, gas_volume, water_volume, outdoor_temperature) or one an admin defined (GET /api/metrics)",
            ))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Metric {}

impl Metric {
    pub const ALL: [Metric; 22] = [
        Metric::AirTemperature,
        Metric::RelativeHumidity,
        Metric::Co2,
        Metric::Occupancy,
        Metric::ElectricEnergy,
        Metric::WaterFlow,
        Metric::Leak,
        Metric::Door,
        Metric::Battery,
        Metric::Signal,
        Metric::Pm25,
        Metric::Pm10,
        Metric::Tvoc,
        Metric::Illuminance,
        Metric::SoundLevel,
        Metric::BarometricPressure,
        Metric::ActivePower,
        Metric::Voltage,
        Metric::HeatEnergy,
        Metric::GasVolume,
        Metric::WaterVolume,
        Metric::OutdoorTemperature,
    ];

    /// The SenML record name and query-string name: the serde tag.
    pub fn name(self) -> &'static str {
        match self {
            Metric::AirTemperature => "air_temperature",
            Metric::RelativeHumidity => "relative_humidity",
            Metric::Co2 => "co2",
            Metric::Occupancy => "occupancy",
            Metric::ElectricEnergy => "electric_energy",
            Metric::WaterFlow => "water_flow",
            Metric::Leak => "leak",
            Metric::Door => "door",
            Metric::Battery => "battery",
            Metric::Signal => "signal",
            Metric::Pm25 => "pm2_5",
            Metric::Pm10 => "pm10",
            Metric::Tvoc => "tvoc",
            Metric::Illuminance => "illuminance",
            Metric::SoundLevel => "sound_level",
            Metric::BarometricPressure => "barometric_pressure",
            Metric::ActivePower => "active_power",
            Metric::Voltage => "voltage",
            Metric::HeatEnergy => "heat_energy",
            Metric::GasVolume => "gas_volume",
            Metric::WaterVolume => "water_volume",
            Metric::OutdoorTemperature => "outdoor_temperature",
            Metric::Custom(i) => crate::metric_registry::entry(i).map_or("unknown", |e| e.name),
        }
    }

    /// The metric named `name` ([`Metric::name`]), built-in or registered, if any.
    pub fn parse(name: &str) -> Option<Metric> {
        (Metric::ALL.into_iter().find(|m| m.name() == name))
            .or_else(|| crate::metric_registry::find(name))
    }

    /// The built-in metrics, then the custom ones registered.
    pub fn all() -> Vec<Metric> {
        let mut all = Metric::ALL.to_vec();
        all.extend(crate::metric_registry::custom());
        all
    }

    /// Whether readings are 0/1 states (SenML `vb`) rather than quantities.
    pub fn is_boolean(self) -> bool {
        matches!(self, Metric::Leak | Metric::Door)
    }

    /// Decimals shown for a reading (`21.4 °C`, `812 ppm`, `1013.2 hPa`).
    pub fn precision(self) -> usize {
        match self {
            Metric::AirTemperature
            | Metric::OutdoorTemperature
            | Metric::BarometricPressure
            | Metric::Voltage
            | Metric::SoundLevel => 1,
            Metric::WaterFlow | Metric::GasVolume | Metric::WaterVolume => 2,
            Metric::Custom(i) => {
                crate::metric_registry::entry(i).map_or(2, |e| usize::from(e.precision))
            }
            _ => 0,
        }
    }

    /// Whether readings are a meter's running total (energy, volume): charts
    /// plot the rate between readings, not the total.
    pub fn is_cumulative(self) -> bool {
        matches!(
            self,
            Metric::ElectricEnergy | Metric::HeatEnergy | Metric::GasVolume | Metric::WaterVolume
        )
    }

    /// Short label for tables and tiles.
    pub fn label(self) -> &'static str {
        match self {
            Metric::AirTemperature => "Temperature",
            Metric::RelativeHumidity => "Humidity",
            Metric::Co2 => "CO₂",
            Metric::Occupancy => "Occupancy",
            Metric::ElectricEnergy => "Energy",
            Metric::WaterFlow => "Water flow",
            Metric::Leak => "Leak",
            Metric::Door => "Door",
            Metric::Battery => "Battery",
            Metric::Signal => "Signal",
            Metric::Pm25 => "PM2.5",
            Metric::Pm10 => "PM10",
            Metric::Tvoc => "TVOC",
            Metric::Illuminance => "Light",
            Metric::SoundLevel => "Sound",
            Metric::BarometricPressure => "Pressure",
            Metric::ActivePower => "Power",
            Metric::Voltage => "Voltage",
            Metric::HeatEnergy => "Heat",
            Metric::GasVolume => "Gas",
            Metric::WaterVolume => "Water",
            Metric::OutdoorTemperature => "Outdoor temp.",
            Metric::Custom(i) => crate::metric_registry::entry(i).map_or("Unknown", |e| e.label),
        }
    }

    /// The canonical unit (SenML name) readings of this metric are stored in.
    pub fn unit(self) -> &'static str {
        match self {
            Metric::AirTemperature => "Cel",
            Metric::RelativeHumidity => "%RH",
            Metric::Co2 => "ppm",
            Metric::Occupancy => "count",
            Metric::ElectricEnergy => "kWh",
            Metric::WaterFlow => "l/s",
            Metric::Leak | Metric::Door => "bool",
            Metric::Battery => "%EL",
            Metric::Signal => "dBm",
            Metric::Pm25 | Metric::Pm10 | Metric::Tvoc => "ug/m3",
            Metric::Illuminance => "lx",
            Metric::SoundLevel => "dBA",
            Metric::BarometricPressure => "hPa",
            Metric::ActivePower => "W",
            Metric::Voltage => "V",
            Metric::HeatEnergy => "kWh",
            Metric::GasVolume | Metric::WaterVolume => "m3",
            Metric::OutdoorTemperature => "Cel",
            Metric::Custom(i) => crate::metric_registry::entry(i).map_or("", |e| e.unit),
        }
    }

    /// The unit as a person reads it.
    pub fn display_unit(self) -> &'static str {
        match self {
            Metric::AirTemperature => "°C",
            Metric::RelativeHumidity => "%",
            Metric::Co2 => "ppm",
            Metric::Occupancy => "people",
            Metric::ElectricEnergy => "kWh",
            Metric::WaterFlow => "l/s",
            Metric::Leak | Metric::Door => "",
            Metric::Battery => "%",
            Metric::Signal => "dBm",
            Metric::Pm25 | Metric::Pm10 | Metric::Tvoc => "µg/m³",
            Metric::Illuminance => "lx",
            Metric::SoundLevel => "dB(A)",
            Metric::BarometricPressure => "hPa",
            Metric::ActivePower => "W",
            Metric::Voltage => "V",
            Metric::HeatEnergy => "kWh",
            Metric::GasVolume | Metric::WaterVolume => "m³",
            Metric::OutdoorTemperature => "°C",
            Metric::Custom(i) => crate::metric_registry::entry(i).map_or("", |e| e.display_unit),
        }
    }

    /// Physically plausible range; a reading outside it is rejected on ingest.
    pub fn plausible_range(self) -> (f64, f64) {
        match self {
            Metric::AirTemperature => (-50.0, 100.0),
            Metric::RelativeHumidity => (0.0, 100.0),
            Metric::Co2 => (0.0, 40_000.0),
            Metric::Occupancy => (0.0, 10_000.0),
            Metric::ElectricEnergy => (0.0, 1.0e12),
            Metric::WaterFlow => (0.0, 1_000.0),
            Metric::Leak | Metric::Door => (0.0, 1.0),
            Metric::Battery => (0.0, 100.0),
            Metric::Signal => (-150.0, 0.0),
            Metric::Pm25 => (0.0, 1_000.0),
            Metric::Pm10 => (0.0, 2_000.0),
            Metric::Tvoc => (0.0, 60_000.0),
            Metric::Illuminance => (0.0, 200_000.0),
            Metric::SoundLevel => (0.0, 150.0),
            Metric::BarometricPressure => (300.0, 1_100.0),
            Metric::ActivePower => (-1.0e8, 1.0e8),
            Metric::Voltage => (0.0, 100_000.0),
            Metric::HeatEnergy => (0.0, 1.0e12),
            Metric::GasVolume | Metric::WaterVolume => (0.0, 1.0e10),
            Metric::OutdoorTemperature => (-60.0, 70.0),
            Metric::Custom(i) => {
                crate::metric_registry::entry(i).map_or((f64::MIN, f64::MAX), |e| (e.min, e.max))
            }
        }
    }

    /// The default alert thresholds of DOMAIN.md (the default rules use the
    /// same numbers; charts draw what the rules give, `PointSummary::thresholds`).
    pub fn default_thresholds(self) -> Option<Thresholds> {
        let t = |warn_below, warn_above, critical_below, critical_above| {
            Some(Thresholds {
                warn_below,
                warn_above,
                critical_below,
                critical_above,
            })
        };
        match self {
            Metric::AirTemperature => t(Some(19.0), Some(27.0), Some(16.0), Some(30.0)),
            Metric::RelativeHumidity => t(Some(25.0), Some(65.0), Some(15.0), Some(75.0)),
            Metric::Co2 => t(None, Some(1_000.0), None, Some(2_000.0)),
            Metric::Battery => t(Some(20.0), None, Some(10.0), None),
            // WHO global air quality guidelines 2021: 24-hour PM2.5 15 µg/m³,
            // PM10 45 µg/m³; critical at their interim target 3 (37.5, 75).
            Metric::Pm25 => t(None, Some(15.0), None, Some(37.5)),
            Metric::Pm10 => t(None, Some(45.0), None, Some(75.0)),
            // German UBA guide values for TVOC: above 1 mg/m³ "hygienically
            // noticeable", above 3 mg/m³ "hygienically conspicuous".
            Metric::Tvoc => t(None, Some(1_000.0), None, Some(3_000.0)),
            _ => None,
        }
    }
}

/// Warning and critical limits of one point; `None` where a side has none.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Thresholds {
    pub warn_below: Option<f64>,
    pub warn_above: Option<f64>,
    pub critical_below: Option<f64>,
    pub critical_above: Option<f64>,
}

impl Thresholds {
    /// Every limit with its severity (`true` = critical), lowest first.
    pub fn limits(&self) -> Vec<(f64, bool)> {
        let mut all: Vec<(f64, bool)> = [
            (self.critical_below, true),
            (self.warn_below, false),
            (self.warn_above, false),
            (self.critical_above, true),
        ]
        .into_iter()
        .filter_map(|(v, c)| v.map(|v| (v, c)))
        .collect();
        all.sort_by(|a, b| a.0.total_cmp(&b.0));
        all
    }
}

/// One accepted measurement of one point.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Reading {
    /// Index of the point in the server's catalogue (see [`PointSummary::id`]).
    pub point: u32,
    /// UTC epoch milliseconds.
    pub ts: i64,
    pub value: f64,
}

/// A site of the portfolio, as lists and the overview show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SiteSummary {
    pub id: String,
    pub name: String,
    /// Street address as a postman writes it.
    pub address: String,
    pub city: String,
    /// IANA time zone name, e.g. `Europe/Brussels`.
    pub time_zone: String,
    pub lat: f64,
    pub lon: f64,
}

/// A point (one measured quantity of one device) with its latest reading.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PointSummary {
    pub id: u32,
    /// Stable name, `<device-id>/<metric>`, as devices address it in SenML.
    pub key: String,
    pub device_id: String,
    pub device_name: String,
    pub site_id: String,
    pub building_id: Option<String>,
    pub metric: Metric,
    /// How often the device reports this point, in seconds.
    pub interval_s: u32,
    pub last: Option<Reading>,
    /// The limits of the enabled alert rules watching it (the tightest
    /// warning and critical of each side), for charts to draw; none when no
    /// threshold rule watches it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thresholds: Option<Thresholds>,
}

/// Everything the overview needs at once: sites, points and their latest values.
/// On the wire it is a [`crate::wire::SnapshotWire`] (each device once).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(
    into = "crate::wire::SnapshotWire",
    try_from = "crate::wire::SnapshotWire"
)]
pub struct Snapshot {
    pub sites: Vec<SiteSummary>,
    pub buildings: Vec<Building>,
    pub points: Vec<PointSummary>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum HealthStatus {
    Ok,
    Degraded,
}

/// `GET /api/health`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Health {
    pub status: HealthStatus,
    pub version: String,
    pub uptime_s: u64,
    /// Readings stored since the database was created.
    pub readings_stored: u64,
    pub simulator: bool,
    /// The basemap the map page puts under its outlines; none configured:
    /// outlines only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub map_tiles: Option<MapTiles>,
}

/// A slippy-map tile source (`{z}`, `{x}`, `{y}` in the URL) and its credit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MapTiles {
    pub url: String,
    pub attribution: String,
}

/// Answer to an accepted ingest request: everything in it is on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IngestAck {
    /// Readings in the request.
    pub accepted: u32,
    /// Of those, readings not stored before (a resent reading is not stored twice).
    pub new: u32,
}

/// One page of a list: `items` from `offset`, `total` matching in all.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: u64,
    pub offset: u64,
    pub limit: u32,
}

/// A point on the globe (WGS 84).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LatLon {
    pub lat: f64,
    pub lon: f64,
}

/// A position on a floor plan, in metres from the plan's south-west corner
/// (x east, y north), as Leaflet's `CRS.Simple` takes it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanXy {
    pub x: f64,
    pub y: f64,
}

/// A building of a site.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Building {
    pub id: String,
    pub site_id: String,
    pub name: String,
    /// Outline on the ground, a closed ring (first point not repeated).
    pub footprint: Vec<LatLon>,
    /// Ids of its floors, lowest first.
    pub floors: Vec<String>,
}

/// A floor of a building, with its plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Floor {
    pub id: String,
    pub building_id: String,
    pub site_id: String,
    /// 0 = ground floor, negative below ground.
    pub level: i32,
    pub name: String,
    /// Plan bounds in metres: the plan covers (0, 0) to (width_m, height_m).
    pub width_m: f64,
    pub height_m: f64,
    /// The plan image (SVG) covering exactly those bounds.
    pub plan_url: String,
}

/// A zone (room, corridor, plant room) of a floor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Zone {
    pub id: String,
    pub floor_id: String,
    pub building_id: String,
    pub site_id: String,
    pub name: String,
    /// Brick-style class: `Office`, `Meeting_Room`, `Open_Office`, `Restroom`, `Kitchen`, `Entrance`, `Mechanical_Room`…
    pub kind: String,
    /// Outline on the floor plan, a closed ring.
    pub outline: Vec<PlanXy>,
}

/// What kind of box a device is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeviceKind {
    /// Temperature, humidity, CO2, occupancy.
    Multisensor,
    Thermometer,
    LeakSensor,
    DoorContact,
    ElectricityMeter,
    WaterMeter,
}

impl DeviceKind {
    pub const ALL: [DeviceKind; 6] = [
        DeviceKind::Multisensor,
        DeviceKind::Thermometer,
        DeviceKind::LeakSensor,
        DeviceKind::DoorContact,
        DeviceKind::ElectricityMeter,
        DeviceKind::WaterMeter,
    ];

    /// The name used in URLs and query strings.
    pub fn name(self) -> &'static str {
        match self {
            DeviceKind::Multisensor => "multisensor",
            DeviceKind::Thermometer => "thermometer",
            DeviceKind::LeakSensor => "leak_sensor",
            DeviceKind::DoorContact => "door_contact",
            DeviceKind::ElectricityMeter => "electricity_meter",
            DeviceKind::WaterMeter => "water_meter",
        }
    }

    pub fn parse(name: &str) -> Option<DeviceKind> {
        DeviceKind::ALL.into_iter().find(|k| k.name() == name)
    }
}

/// A device as lists show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeviceSummary {
    pub id: String,
    pub name: String,
    pub kind: DeviceKind,
    pub model: String,
    pub firmware: String,
    pub serial: String,
    /// Installation date, `YYYY-MM-DD`.
    pub installed: String,
    pub site_id: String,
    pub building_id: Option<String>,
    pub floor_id: Option<String>,
    pub zone_id: Option<String>,
    /// None: not placed yet (the map leaves it out; the inventory says "unplaced").
    pub location: Option<LatLon>,
    /// Where it hangs on its floor's plan.
    pub plan: Option<PlanXy>,
    /// Haystack-style marker tags (`sensor`, `air`, `battery`…).
    pub tags: Vec<String>,
    /// External ids (DevEUI, SenML base name, IEEE address), as stored.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub state: crate::DeviceState,
    /// Set by hand, s; none = learned from its history.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_interval_s: Option<u32>,
    /// Ids of its points.
    pub points: Vec<u32>,
    /// Latest battery reading, %.
    pub battery: Option<f64>,
    /// Latest signal reading, dBm.
    pub signal: Option<f64>,
    /// Newest reading time of any of its points (UTC epoch ms).
    pub last_seen: Option<i64>,
    /// Its health now (the inventory's rules, `health.rs`).
    #[serde(default)]
    pub health: crate::DeviceHealth,
}
