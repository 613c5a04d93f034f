//! What exists: sites → buildings → floors → zones, devices and their points.
//! Provisioned into the store (by the simulator today, by the device API
//! later) and read back at start; every read endpoint serves from here.

use std::{collections::HashMap, sync::Arc};

use cairn_protocol::{
    Building, DeviceSpec, DeviceSummary, Floor, Metric, PointSpec, PointSummary, Reading,
    SiteSummary, Zone,
};

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SiteDef {
    pub id: String,
    pub name: String,
    pub address: String,
    pub city: String,
    pub time_zone: String,
    pub lat: f64,
    pub lon: f64,
}

/// A device as it is provisioned: the inventory's [`DeviceSpec`], checked by
/// the same validator everywhere (`DeviceSpec::problems`, then
/// [`Model::problems`] for what needs the rest of the model).
pub type DeviceDef = DeviceSpec;

/// Everything that is provisioned, as one value: what the store persists.
/// `Building::floors`, `Floor::site_id`/`plan_url` and `Zone::building_id`/
/// `site_id` are derived ([`Model::normalise`]), so they cannot disagree.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Model {
    pub sites: Vec<SiteDef>,
    pub buildings: Vec<Building>,
    pub floors: Vec<Floor>,
    pub zones: Vec<Zone>,
    pub devices: Vec<DeviceDef>,
}

impl Model {
    /// Fills the derived fields from the parents' ids.
    pub fn normalise(&mut self) {
        let site_of_building: HashMap<String, String> = self
            .buildings
            .iter()
            .map(|b| (b.id.clone(), b.site_id.clone()))
            .collect();
        self.floors.sort_by_key(|f| f.level);
        for b in &mut self.buildings {
            b.floors = self
                .floors
                .iter()
                .filter(|f| f.building_id == b.id)
                .map(|f| f.id.clone())
                .collect();
        }
        let mut building_of_floor = HashMap::new();
        for f in &mut self.floors {
            f.site_id = site_of_building
                .get(&f.building_id)
                .cloned()
                .unwrap_or_default();
            f.plan_url = format!("/api/floors/{}/plan.svg", f.id);
            building_of_floor.insert(f.id.clone(), (f.building_id.clone(), f.site_id.clone()));
        }
        for z in &mut self.zones {
            if let Some((b, s)) = building_of_floor.get(&z.floor_id) {
                z.building_id.clone_from(b);
                z.site_id.clone_from(s);
            }
        }
    }
}

/// A point as the server knows it; `id` is the store's key.
#[derive(Debug, Clone, PartialEq)]
pub struct PointInfo {
    pub id: u32,
    pub key: String,
    pub device_id: String,
    pub device_name: String,
    pub site_id: String,
    pub building_id: Option<String>,
    pub metric: Metric,
    pub interval_s: u32,
}

/// The name a device uses for one of its points in SenML: `<device-id>/<metric>`.
pub fn point_key(device_id: &str, metric: Metric) -> String {
    format!("{device_id}/{}", metric.name())
}

#[derive(Debug, Clone, Default)]
pub struct Catalog {
    pub model: Model,
    points: Vec<PointInfo>,
    /// Point key → index in `points` (ingest looks up every record by key).
    by_key: HashMap<String, usize>,
    /// Point id → index in `points`.
    by_id: HashMap<u32, usize>,
    /// Device id → its point ids.
    device_points: HashMap<String, Vec<u32>>,
    floor_index: HashMap<String, usize>,
    device_index: HashMap<String, usize>,
    /// Alias ([`cairn_protocol::alias::alias_key`]) → index in `model.devices`.
    alias_index: HashMap<String, usize>,
}

impl Catalog {
    pub fn new(mut model: Model, points: Vec<PointInfo>) -> Self {
        model.normalise();
        let by_key = points
            .iter()
            .enumerate()
            .map(|(i, p)| (p.key.clone(), i))
            .collect();
        let by_id: HashMap<u32, usize> =
            points.iter().enumerate().map(|(i, p)| (p.id, i)).collect();
        let mut device_points: HashMap<String, Vec<u32>> = HashMap::new();
        for p in &points {
            device_points
                .entry(p.device_id.clone())
                .or_default()
                .push(p.id);
        }
        // A device carries exactly the points the store knows for it.
        for d in &mut model.devices {
            d.points = device_points
                .get(&d.id)
                .into_iter()
                .flatten()
                .map(|id| {
                    let p = &points[by_id[id]];
                    PointSpec {
                        metric: p.metric,
                        interval_s: p.interval_s,
                    }
                })
                .collect();
        }
        let floor_index = model
            .floors
            .iter()
            .enumerate()
            .map(|(i, f)| (f.id.clone(), i))
            .collect();
        let device_index = (model.devices.iter().enumerate())
            .map(|(i, d)| (d.id.clone(), i))
            .collect();
        let alias_index = (model.devices.iter().enumerate())
            .flat_map(|(i, d)| d.aliases.iter().map(move |a| (a.clone(), i)))
            .collect();
        Self {
            device_index,
            alias_index,
            model,
            points,
            by_key,
            by_id,
            device_points,
            floor_index,
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

    /// The ids of `device`'s points (none for an unknown device).
    pub fn device_points(&self, device: &str) -> &[u32] {
        self.device_points.get(device).map_or(&[], Vec::as_slice)
    }

    pub fn device(&self, id: &str) -> Option<&DeviceDef> {
        self.device_index.get(id).map(|&i| &self.model.devices[i])
    }

    /// The device known by the external id `alias` (a DevEUI, an IEEE
    /// address, a SenML base name…), in any of the ways it may be written
    /// (a KPN base name `urn:dev:DEVEUI:<eui>:` is its EUI).
    pub fn device_by_alias(&self, alias: &str) -> Option<&DeviceDef> {
        let key = cairn_protocol::alias::alias_key(alias);
        self.alias_index.get(&key).map(|&i| &self.model.devices[i])
    }

    /// The point of `device` that measures `metric`.
    pub fn point_of(&self, device: &str, metric: Metric) -> Option<&PointInfo> {
        (self.device_points(device).iter())
            .filter_map(|&id| self.point(id))
            .find(|p| p.metric == metric)
    }

    pub fn floor(&self, id: &str) -> Option<&Floor> {
        self.floor_index.get(id).map(|&i| &self.model.floors[i])
    }

    pub fn site_summaries(&self) -> Vec<SiteSummary> {
        self.model
            .sites
            .iter()
            .map(|s| SiteSummary {
                id: s.id.clone(),
                name: s.name.clone(),
                address: s.address.clone(),
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
            building_id: p.building_id.clone(),
            metric: p.metric,
            interval_s: p.interval_s,
            last,
            // The alert rules' to give: `AlertEngine::thresholds`.
            thresholds: None,
        }
    }

    /// What `d`'s latest readings say: (battery %, signal dBm, last seen ms).
    pub fn readings_of(
        &self,
        d: &str,
        latest: &HashMap<u32, Reading>,
    ) -> (Option<f64>, Option<f64>, Option<i64>) {
        let (mut battery, mut signal, mut last_seen) = (None, None, None::<i64>);
        for id in self.device_points(d) {
            let Some(r) = latest.get(id) else { continue };
            last_seen = Some(last_seen.map_or(r.ts, |t| t.max(r.ts)));
            match self.point(*id).map(|p| p.metric) {
                Some(Metric::Battery) => battery = Some(r.value),
                Some(Metric::Signal) => signal = Some(r.value),
                _ => {}
            }
        }
        (battery, signal, last_seen)
    }

    /// A device with what its latest readings say (battery, signal, last seen).
    pub fn device_summary(&self, d: &DeviceDef, latest: &HashMap<u32, Reading>) -> DeviceSummary {
        let points = self.device_points.get(&d.id).cloned().unwrap_or_default();
        let mut battery = None;
        let mut signal = None;
        let mut last_seen = None::<i64>;
        for id in &points {
            let Some(r) = latest.get(id) else { continue };
            last_seen = Some(last_seen.map_or(r.ts, |t| t.max(r.ts)));
            match self.point(*id).map(|p| p.metric) {
                Some(Metric::Battery) => battery = Some(r.value),
                Some(Metric::Signal) => signal = Some(r.value),
                _ => {}
            }
        }
        DeviceSummary {
            id: d.id.clone(),
            name: d.name.clone(),
            kind: d.kind,
            model: d.model.clone(),
            firmware: d.firmware.clone(),
            serial: d.serial.clone(),
            installed: d.installed.clone(),
            site_id: d.site_id.clone(),
            building_id: d.building_id.clone(),
            floor_id: d.floor_id.clone(),
            zone_id: d.zone_id.clone(),
            location: d.location,
            plan: d.plan,
            tags: d.tags.clone(),
            aliases: d.aliases.clone(),
            state: d.state,
            expected_interval_s: d.expected_interval_s,
            points,
            battery,
            signal,
            last_seen,
            health: Default::default(),
        }
    }
}

/// The catalogue in force, replaced whole when an admin changes a device:
/// a reader takes the current one ([`SharedCatalog::load`]) and never sees
/// one half changed. Cheap to clone.
#[derive(Clone)]
pub struct SharedCatalog(
    Arc<arc_swap::ArcSwap<Catalog>>,
    Arc<tokio::sync::Mutex<()>>,
    Arc<tokio::sync::watch::Sender<u64>>,
);

impl SharedCatalog {
    pub fn new(catalog: Catalog) -> Self {
        Self(
            Arc::new(arc_swap::ArcSwap::from_pointee(catalog)),
            Arc::default(),
            Arc::new(tokio::sync::watch::channel(0).0),
        )
    }

    /// Held by whoever writes devices and then replaces the catalogue, so a
    /// slower writer never puts an older catalogue back over a newer one.
    pub async fn writing(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.1.lock().await
    }

    /// The catalogue as it is now.
    pub fn load(&self) -> Arc<Catalog> {
        self.0.load_full()
    }

    /// Puts `catalog` in force for every later [`SharedCatalog::load`].
    pub fn replace(&self, catalog: Catalog) {
        self.0.store(Arc::new(catalog));
        self.2.send_modify(|n| *n += 1);
    }

    /// Changes with every [`SharedCatalog::replace`] (live sockets re-scope on it).
    pub fn changes(&self) -> tokio::sync::watch::Receiver<u64> {
        self.2.subscribe()
    }
}
