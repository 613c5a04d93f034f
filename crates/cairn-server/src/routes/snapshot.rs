use std::collections::HashMap;

use axum::{Json, Router, extract::State, routing::get};
use cairn_protocol::{Reading, Snapshot};

use crate::{catalog::Catalog, state::AppState};

pub fn router() -> Router<AppState> {
    Router::new().route("/snapshot", get(snapshot))
}

/// Sites and points with their latest values (the socket sends the same on connect).
#[utoipa::path(get, path = "/api/snapshot", tag = "live",
    responses((status = 200, description = "Sites and points with their latest values", body = Snapshot)))]
pub(crate) async fn snapshot(State(state): State<AppState>) -> Json<Snapshot> {
    Json(build(&state.catalog, state.bus.latest()))
}

pub(crate) fn build(catalog: &Catalog, latest: Vec<Reading>) -> Snapshot {
    let latest: HashMap<u32, Reading> = latest.into_iter().map(|r| (r.point, r)).collect();
    Snapshot {
        sites: catalog.site_summaries(),
        buildings: catalog.model.buildings.clone(),
        points: catalog
            .points()
            .iter()
            .map(|p| catalog.point_summary(p, latest.get(&p.id).copied()))
            .collect(),
    }
}
