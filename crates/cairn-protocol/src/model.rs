use serde::{Deserialize, Serialize};

/// What a point measures. The unit travels beside it, normalised on ingest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    AirTemperature,
    RelativeHumidity,
    Co2,
    Occupancy,
    ElectricEnergy,
}

impl Metric {
    /// Short label for tables and tiles.
    pub fn label(self) -> &'static str {
        match self {
            Metric::AirTemperature => "Temperature",
            Metric::RelativeHumidity => "Humidity",
            Metric::Co2 => "CO₂",
            Metric::Occupancy => "Occupancy",
            Metric::ElectricEnergy => "Energy",
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
        }
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
    pub metric: Metric,
    /// How often the device reports this point, in seconds.
    pub interval_s: u32,
    pub last: Option<Reading>,
}

/// Everything the overview needs at once: sites, points and their latest values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Snapshot {
    pub sites: Vec<SiteSummary>,
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

/// A device as lists show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeviceSummary {
    pub id: String,
    pub name: String,
    pub site_id: String,
    /// Ids of its points.
    pub points: Vec<u32>,
    /// Newest reading time of any of its points (UTC epoch ms).
    pub last_seen: Option<i64>,
}
