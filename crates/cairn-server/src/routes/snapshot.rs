use std::collections::HashMap;

use axum::{Json, extract::State};
use cairn_protocol::{PointSummary, Reading, Snapshot};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{auth::Caller, catalog::Catalog, state::AppState};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(snapshot))
}

/// Sites and points with their latest values (the socket sends the same on connect).
#[utoipa::path(get, path = "/api/snapshot", tag = "live",
    responses((status = 200, description = "The caller's sites and their points with latest values", body = cairn_protocol::SnapshotWire),
        (status = 401, body = cairn_protocol::ErrorBody)))]
pub(crate) async fn snapshot(State(state): State<AppState>, caller: Caller) -> Json<Snapshot> {
    let mut snapshot = build(&state, state.bus.latest());
    restrict(&mut snapshot, |site| caller.sees_site(site));
    Json(snapshot)
}

/// Keeps only the sites `sees` allows, and their buildings and points.
pub(crate) fn restrict(snapshot: &mut Snapshot, sees: impl Fn(&str) -> bool) {
    snapshot.sites.retain(|s| sees(&s.id));
    snapshot.buildings.retain(|b| sees(&b.site_id));
    snapshot.points.retain(|p| sees(&p.site_id));
}

/// Every site, building and point with its latest reading and the
/// thresholds the alert rules give it.
pub(crate) fn build(state: &AppState, latest: Vec<Reading>) -> Snapshot {
    let catalog: &Catalog = &state.catalog();
    let latest: HashMap<u32, Reading> = latest.into_iter().map(|r| (r.point, r)).collect();
    let thresholds = state.alerts.thresholds();
    Snapshot {
        sites: catalog.site_summaries(),
        buildings: catalog.model.buildings.clone(),
        points: catalog
            .points()
            .iter()
            .map(|p| PointSummary {
                thresholds: thresholds.get(&p.id).copied(),
                ..catalog.point_summary(p, latest.get(&p.id).copied())
            })
            .collect(),
    }
}
