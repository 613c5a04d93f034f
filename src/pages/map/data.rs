//! Devices joined with their live points, and their statuses as time goes.

use std::collections::HashMap;

use cairn_protocol::{DeviceSummary, Severity};
use leptos::prelude::*;

use crate::{
    map::{cluster::Status, status},
    state::live::{LivePoint, LiveStore},
};

/// A device on a map with the live points it carries.
#[derive(Clone)]
pub struct Tracked {
    pub device: DeviceSummary,
    pub points: Vec<LivePoint>,
}

/// Same device, same points with the same live signals (a new snapshot
/// makes new signals, and the devices must be joined again).
impl PartialEq for Tracked {
    fn eq(&self, other: &Self) -> bool {
        self.device == other.device
            && self.points.len() == other.points.len()
            && (self.points.iter().zip(&other.points))
                .all(|(a, b)| a.id == b.id && a.reading == b.reading)
    }
}

/// Joins devices with the live store's points (points of a device are
/// listed in the device, and the store knows their signals).
pub fn track(live: &LiveStore, devices: Vec<DeviceSummary>) -> Vec<Tracked> {
    live.points.with(|points| {
        let by_id: std::collections::HashMap<u32, &LivePoint> =
            points.iter().map(|p| (p.id, p)).collect();
        devices
            .into_iter()
            .map(|device| Tracked {
                points: device
                    .points
                    .iter()
                    .filter_map(|id| by_id.get(id).map(|p| (*p).clone()))
                    .collect(),
                device,
            })
            .collect()
    })
}

/// Each device's status at server time `now`, its points' active alarms
/// given (`status::active_alarms`); reactive on every reading.
pub fn statuses(devices: &[Tracked], alarms: &HashMap<u32, Severity>, now: f64) -> Vec<Status> {
    devices
        .iter()
        .map(|t| {
            status::worst(t.points.iter().map(|p| {
                status::point_status(
                    p.interval_s,
                    p.reading.get(),
                    alarms.get(&p.id).copied(),
                    now,
                )
            }))
        })
        .collect()
}

/// Devices per status, in `Status` order.
pub fn count(statuses: impl IntoIterator<Item = Status>) -> [u32; 5] {
    let mut counts = [0; 5];
    for s in statuses {
        counts[s as usize] += 1;
    }
    counts
}

/// Worst status per building id.
pub fn building_worst(
    tracked: &[Tracked],
    statuses: &[Status],
) -> std::collections::HashMap<String, Status> {
    let mut out = std::collections::HashMap::new();
    for (t, s) in tracked.iter().zip(statuses) {
        if let Some(b) = &t.device.building_id {
            let e = out.entry(b.clone()).or_insert(Status::Ok);
            *e = (*e).max(*s);
        }
    }
    out
}

/// Where `d` is on the globe; the map keeps only placed devices, so the
/// fallback (0, 0) is never drawn.
pub fn at(d: &cairn_protocol::DeviceSummary) -> cairn_protocol::LatLon {
    d.location
        .unwrap_or(cairn_protocol::LatLon { lat: 0.0, lon: 0.0 })
}
