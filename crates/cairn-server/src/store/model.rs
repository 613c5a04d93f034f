//! Provisioning and loading the catalogue, written once for both engines
//! over the shared statements: an engine only runs what these return or ask.

use cairn_protocol::{Building, DeviceState, Floor, LatLon, PlanXy, Zone};

use super::{
    Result, StoreError,
    access::{Get, Value},
    rows::{self, from_json, point_id, to_json},
    sql,
};
use crate::catalog::{Catalog, DeviceDef, Model, PointInfo, SiteDef, point_key};

/// The statements that create or update `m`, in order, with their parameters.
/// Run in one transaction, they make provisioning idempotent.
pub(super) fn provision(m: &Model) -> Vec<(&'static str, Vec<Value>)> {
    let mut out = Vec::new();
    for s in &m.sites {
        let row = vec![
            s.id.as_str().into(),
            s.name.as_str().into(),
            s.address.as_str().into(),
            s.city.as_str().into(),
            s.time_zone.as_str().into(),
            s.lat.into(),
            s.lon.into(),
        ];
        out.push((sql::UPSERT_SITE, row));
    }
    for b in &m.buildings {
        let row = vec![
            b.id.as_str().into(),
            b.site_id.as_str().into(),
            b.name.as_str().into(),
            to_json(&b.footprint).into(),
        ];
        out.push((sql::UPSERT_BUILDING, row));
    }
    for f in &m.floors {
        let row = vec![
            f.id.as_str().into(),
            f.building_id.as_str().into(),
            Value::Int(f.level),
            f.name.as_str().into(),
            f.width_m.into(),
            f.height_m.into(),
        ];
        out.push((sql::UPSERT_FLOOR, row));
    }
    for z in &m.zones {
        let row = vec![
            z.id.as_str().into(),
            z.floor_id.as_str().into(),
            z.name.as_str().into(),
            z.kind.as_str().into(),
            to_json(&z.outline).into(),
        ];
        out.push((sql::UPSERT_ZONE, row));
    }
    for d in &m.devices {
        out.push((sql::UPSERT_DEVICE, device_row(d)));
        out.push((sql::DELETE_ALIASES, vec![d.id.as_str().into()]));
        for a in &d.aliases {
            out.push((
                sql::INSERT_ALIAS,
                vec![a.as_str().into(), d.id.as_str().into()],
            ));
        }
        for p in &d.points {
            let row = vec![
                point_key(&d.id, p.metric).into(),
                d.id.as_str().into(),
                p.metric.name().into(),
                Value::Int(i32::try_from(p.interval_s).unwrap_or(i32::MAX)),
            ];
            out.push((sql::UPSERT_POINT, row));
        }
    }
    out
}

pub(super) fn device_row(d: &DeviceDef) -> Vec<Value> {
    vec![
        d.id.as_str().into(),
        d.site_id.as_str().into(),
        d.name.as_str().into(),
        d.kind.name().into(),
        d.model.as_str().into(),
        d.firmware.as_str().into(),
        d.serial.as_str().into(),
        d.installed.as_str().into(),
        d.building_id.as_deref().into(),
        d.floor_id.as_deref().into(),
        d.zone_id.as_deref().into(),
        d.location.map(|l| l.lat).into(),
        d.location.map(|l| l.lon).into(),
        d.plan.map(|p| p.x).into(),
        d.plan.map(|p| p.y).into(),
        to_json(&d.tags).into(),
        d.state.name().into(),
        d.expected_interval_s
            .map(|s| Value::Int(i32::try_from(s).unwrap_or(i32::MAX)))
            .unwrap_or(Value::Null),
        to_json(&d.aliases).into(),
    ]
}

/// Runs a statement of [`sql::CATALOG`], handing each row to the callback.
pub(super) type EachRow<'a> =
    dyn FnMut(&'static str, &mut dyn FnMut(&dyn Get) -> Result<()>) -> Result<()> + 'a;

/// Builds the catalogue from the rows of [`sql::CATALOG`], which `each` runs.
pub(super) fn catalog(each: &mut EachRow<'_>) -> Result<Catalog> {
    let mut m = Model::default();
    each(sql::SITES, &mut |r| {
        m.sites.push(SiteDef {
            id: r.text(0)?,
            name: r.text(1)?,
            address: r.text(2)?,
            city: r.text(3)?,
            time_zone: r.text(4)?,
            lat: r.f64(5)?,
            lon: r.f64(6)?,
        });
        Ok(())
    })?;
    each(sql::BUILDINGS, &mut |r| {
        m.buildings.push(Building {
            id: r.text(0)?,
            site_id: r.text(1)?,
            name: r.text(2)?,
            footprint: from_json("buildings.footprint", &r.text(3)?)?,
            floors: Vec::new(),
        });
        Ok(())
    })?;
    each(sql::FLOORS, &mut |r| {
        let level = r.i64(2)?;
        m.floors.push(Floor {
            id: r.text(0)?,
            building_id: r.text(1)?,
            site_id: String::new(),
            level: i32::try_from(level)
                .map_err(|_| StoreError::Invalid(format!("floors.level {level}")))?,
            name: r.text(3)?,
            width_m: r.f64(4)?,
            height_m: r.f64(5)?,
            plan_url: String::new(),
        });
        Ok(())
    })?;
    each(sql::ZONES, &mut |r| {
        m.zones.push(Zone {
            id: r.text(0)?,
            floor_id: r.text(1)?,
            building_id: String::new(),
            site_id: String::new(),
            name: r.text(2)?,
            kind: r.text(3)?,
            outline: from_json("zones.outline", &r.text(4)?)?,
        });
        Ok(())
    })?;
    each(sql::DEVICES, &mut |r| {
        m.devices.push(device(r)?);
        Ok(())
    })?;
    let mut points = Vec::new();
    each(sql::POINTS, &mut |r| {
        let interval = r.i64(7)?;
        points.push(PointInfo {
            id: point_id(r, 0)?,
            key: r.text(1)?,
            device_id: r.text(2)?,
            device_name: r.text(3)?,
            site_id: r.text(4)?,
            building_id: r.opt_text(5)?,
            metric: rows::metric(&r.text(6)?)?,
            interval_s: u32::try_from(interval)
                .map_err(|_| StoreError::Invalid(format!("points.interval_s {interval}")))?,
        });
        Ok(())
    })?;
    Ok(Catalog::new(m, points))
}

fn device(r: &dyn Get) -> Result<DeviceDef> {
    let plan = match (r.opt_f64(13)?, r.opt_f64(14)?) {
        (Some(x), Some(y)) => Some(PlanXy { x, y }),
        _ => None,
    };
    Ok(DeviceDef {
        id: r.text(0)?,
        site_id: r.text(1)?,
        name: r.text(2)?,
        kind: rows::kind(&r.text(3)?)?,
        model: r.text(4)?,
        firmware: r.text(5)?,
        serial: r.text(6)?,
        installed: r.text(7)?,
        building_id: r.opt_text(8)?,
        floor_id: r.opt_text(9)?,
        zone_id: r.opt_text(10)?,
        location: match (r.opt_f64(11)?, r.opt_f64(12)?) {
            (Some(lat), Some(lon)) => Some(LatLon { lat, lon }),
            _ => None,
        },
        plan,
        tags: from_json("devices.tags", &r.text(15)?)?,
        points: Vec::new(),
        state: DeviceState::parse(&r.text(16)?)
            .ok_or_else(|| StoreError::Invalid("devices.state".into()))?,
        expected_interval_s: r
            .opt_i64(17)?
            .map(|s| {
                u32::try_from(s)
                    .map_err(|_| StoreError::Invalid(format!("devices.expected_interval_s {s}")))
            })
            .transpose()?,
        aliases: from_json("devices.aliases", &r.text(18)?)?,
    })
}
