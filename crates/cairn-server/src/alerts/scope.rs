//! Rules against the catalogue: which points a rule watches, which site it
//! belongs to (who may edit it), and the problems only the catalogue can
//! tell (an unknown target, a metric the scope does not have).

use cairn_protocol::{Condition, ErrorDetail, RuleSpec, ScopeLevel};

use super::{eval::Compiled, eval::PointCtx, schedule::DaySchedule};
use crate::catalog::{Catalog, PointInfo};

fn field(location: &str, message: String) -> ErrorDetail {
    ErrorDetail {
        code: "invalid_field".into(),
        message,
        location: Some(location.into()),
    }
}

/// The site `spec`'s target is on: `Ok(None)` for `everywhere`, `Err` if
/// the target is not in the catalogue.
pub fn site_of(spec: &RuleSpec, catalog: &Catalog) -> Result<Option<String>, ErrorDetail> {
    let target = spec.target.as_deref().unwrap_or("").trim();
    let model = &catalog.model;
    let found = match spec.scope {
        ScopeLevel::Everywhere => return Ok(None),
        ScopeLevel::Site => model
            .sites
            .iter()
            .find(|s| s.id == target)
            .map(|s| s.id.clone()),
        ScopeLevel::Building => (model.buildings.iter())
            .find(|b| b.id == target)
            .map(|b| b.site_id.clone()),
        ScopeLevel::Zone => model
            .zones
            .iter()
            .find(|z| z.id == target)
            .map(|z| z.site_id.clone()),
        ScopeLevel::Device => (model.devices.iter())
            .find(|d| d.id == target)
            .map(|d| d.site_id.clone()),
        ScopeLevel::Point => catalog.point_by_key(target).map(|p| p.site_id.clone()),
    };
    found.map(Some).ok_or_else(|| {
        field(
            "target",
            format!("there is no {} {target:?}", spec.scope.name()),
        )
    })
}

/// Whether point `p` lies in the scope (its metric aside).
fn in_scope(
    spec: &RuleSpec,
    catalog: &Catalog,
    zone_of: &dyn Fn(&str) -> Option<String>,
    p: &PointInfo,
) -> bool {
    let target = spec.target.as_deref().unwrap_or("").trim();
    match spec.scope {
        ScopeLevel::Everywhere => true,
        ScopeLevel::Site => p.site_id == target,
        ScopeLevel::Building => p.building_id.as_deref() == Some(target),
        ScopeLevel::Zone => zone_of(&p.device_id).as_deref() == Some(target),
        ScopeLevel::Device => p.device_id == target,
        ScopeLevel::Point => p.key == target && catalog.point_by_key(target).is_some(),
    }
}

/// The ids of the points `spec` watches, in catalogue order (a retired
/// device's points are watched by no rule).
pub fn points(spec: &RuleSpec, catalog: &Catalog) -> Vec<u32> {
    let retired: std::collections::HashSet<&str> = (catalog.model.devices.iter())
        .filter(|d| d.state == cairn_protocol::DeviceState::Retired)
        .map(|d| d.id.as_str())
        .collect();
    let zones: std::collections::HashMap<&str, &str> = (catalog.model.devices.iter())
        .filter_map(|d| Some((d.id.as_str(), d.zone_id.as_deref()?)))
        .collect();
    let zone_of = |device: &str| zones.get(device).map(|z| z.to_string());
    (catalog.points().iter())
        .filter(|p| spec.metric.is_none_or(|m| m == p.metric))
        .filter(|p| !retired.contains(p.device_id.as_str()))
        .filter(|p| in_scope(spec, catalog, &zone_of, p))
        .map(|p| p.id)
        .collect()
}

/// Every problem of `spec`: the shared validator's, then the catalogue's.
pub fn problems(spec: &RuleSpec, catalog: &Catalog) -> Vec<ErrorDetail> {
    let mut out = spec.problems();
    if out
        .iter()
        .any(|d| matches!(d.location.as_deref(), Some("target" | "metric")))
    {
        return out;
    }
    if let Err(e) = site_of(spec, catalog) {
        out.push(e);
        return out;
    }
    if points(spec, catalog).is_empty() {
        let what = spec.metric.map_or("any metric", |m| m.label());
        let place = match spec.scope {
            ScopeLevel::Everywhere => "the portfolio".to_owned(),
            level => format!(
                "{} {:?}",
                level.name(),
                spec.target.as_deref().unwrap_or("")
            ),
        };
        out.push(field(
            "metric",
            format!("{place} has no point measuring {what}"),
        ));
    } else if let (ScopeLevel::Point, Some(m)) = (spec.scope, spec.metric) {
        let key = spec.target.as_deref().unwrap_or("");
        if catalog.point_by_key(key).is_some_and(|p| p.metric != m) {
            out.push(field(
                "metric",
                format!("point {key:?} does not measure {}", m.label()),
            ));
        }
    }
    if let (Condition::Rises { .. } | Condition::Falls { .. }, None) = (spec.condition, spec.metric)
    {
        let boolean = (points(spec, catalog).iter())
            .any(|id| catalog.point(*id).is_some_and(|p| p.metric.is_boolean()));
        if boolean {
            out.push(field(
                "metric",
                "a rate of change needs a measured quantity, not an on/off state".into(),
            ));
        }
    }
    out
}

/// `spec` ready for the evaluator. The spec must be valid.
pub fn compile(rule_id: i64, spec: &RuleSpec) -> Compiled {
    Compiled {
        rule_id,
        condition: spec.condition,
        on_delay_ms: spec.on_delay_s.max(0) * 1000,
        off_delay_ms: spec.off_delay_s.max(0) * 1000,
        schedule: spec.schedule.as_ref().and_then(DaySchedule::parse),
    }
}

/// What the evaluator needs of point `p`: its interval and its site's zone
/// (UTC if the site names a zone chrono-tz does not know).
pub fn context(p: &PointInfo, catalog: &Catalog) -> PointCtx {
    let tz = (catalog.model.sites.iter())
        .find(|s| s.id == p.site_id)
        .and_then(|s| s.time_zone.parse().ok())
        .unwrap_or(chrono_tz::UTC);
    PointCtx {
        interval_ms: i64::from(p.interval_s) * 1000,
        tz,
    }
}
