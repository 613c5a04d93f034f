//! What exists: sites, devices and their points. Provisioned into the store
//! (by the simulator today, by the device API later) and read back at start.

use std::collections::HashMap;

use cairn_protocol::{Metric, PointSummary, Reading, SiteSummary};

#[derive(Debug, Clone, PartialEq)]
pub struct SiteDef {
    pub id: String,
    pub name: String,
    pub city: String,
    pub time_zone: String,
    pub lat: f64,
    pub lon: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DeviceDef {
    pub id: String,
    pub site_id: String,
    pub name: String,
    /// Metric and reporting interval (seconds) of each point the device carries.
    pub points: Vec<(Metric, u32)>,
}

/// A point as the server knows it; `id` is the store's key.
#[derive(Debug, Clone, PartialEq)]
pub struct PointInfo {
    pub id: u32,
    pub key: String,
    pub device_id: String,
    pub device_name: String,
    pub site_id: String,
    pub metric: Metric,
    pub interval_s: u32,
}

/// The name a device uses for one of its points in SenML: `<device-id>/<metric>`.
pub fn point_key(device_id: &str, metric: Metric) -> String {
    format!("{device_id}/{}", metric_name(metric))
}

/// The SenML record name of a metric.
pub fn metric_name(metric: Metric) -> &'static str {
    match metric {
        Metric::AirTemperature => "air_temperature",
        Metric::RelativeHumidity => "relative_humidity",
        Metric::Co2 => "co2",
        Metric::Occupancy => "occupancy",
        Metric::ElectricEnergy => "electric_energy",
    }
}

pub fn parse_metric(name: &str) -> Option<Metric> {
    [
        Metric::AirTemperature,
        Metric::RelativeHumidity,
        Metric::Co2,
        Metric::Occupancy,
        Metric::ElectricEnergy,
    ]
    .into_iter()
    .find(|m| metric_name(*m) == name)
}

#[derive(Debug, Clone, Default)]
pub struct Catalog {
    pub sites: Vec<SiteDef>,
    points: Vec<PointInfo>,
    /// Point key → index in `points` (ingest looks up every record by key).
    by_key: HashMap<String, usize>,
    /// Point id → index in `points`.
    by_id: HashMap<u32, usize>,
}

impl Catalog {
    pub fn new(sites: Vec<SiteDef>, points: Vec<PointInfo>) -> Self {
        let by_key = points
            .iter()
            .enumerate()
            .map(|(i, p)| (p.key.clone(), i))
            .collect();
        let by_id = points.iter().enumerate().map(|(i, p)| (p.id, i)).collect();
        Self {
            sites,
            points,
            by_key,
            by_id,
        }
    }

    pub fn points(&self) -> &[PointInfo] {
        &self.points
    }

    pub fn point_by_key(&self, key: &str) -> Option<&PointInfo> {
        self.by_key.get(key).map(|&i| &self.points[i])
    }

    pub fn point(&self, id: u32) -> Option<&PointInfo> {
        self.by_id.get(&id).map(|&i| &self.points[i])
    }

    pub fn site_summaries(&self) -> Vec<SiteSummary> {
        self.sites
            .iter()
            .map(|s| SiteSummary {
                id: s.id.clone(),
                name: s.name.clone(),
                city: s.city.clone(),
                time_zone: s.time_zone.clone(),
                lat: s.lat,
                lon: s.lon,
            })
            .collect()
    }

    pub fn point_summary(&self, p: &PointInfo, last: Option<Reading>) -> PointSummary {
        PointSummary {
            id: p.id,
            key: p.key.clone(),
            device_id: p.device_id.clone(),
            device_name: p.device_name.clone(),
            site_id: p.site_id.clone(),
            metric: p.metric,
            interval_s: p.interval_s,
            last,
        }
    }
}
