//! `GET /api/openapi.json`: the OpenAPI 3.1 document, generated from the
//! handlers' `#[utoipa::path]` attributes and the wire types of cairn-protocol.

use axum::{Json, Router, routing::get};
use cairn_protocol::{ClientMsg, Metric, Reading, ResumeFrom, Scope, ServerMsg};
use utoipa::{
    Modify, OpenApi,
    openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
};

use super::{catalog, health, ingest, plan, series, snapshot, ws};
use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    info(title = "Cairn API", description = "Live monitoring for buildings full of sensors. Times are UTC epoch milliseconds."),
    paths(
        health::health,
        snapshot::snapshot,
        catalog::sites,
        catalog::buildings,
        catalog::floors,
        plan::plan_svg,
        catalog::zones,
        catalog::devices,
        catalog::device,
        catalog::points,
        series::series,
        ingest::senml,
        ingest::flat_json,
        ws::upgrade,
    ),
    components(schemas(ClientMsg, ServerMsg, Scope, ResumeFrom, Reading, Metric)),
    modifiers(&DeviceToken),
    tags(
        (name = "system"), (name = "portfolio", description = "Sites, buildings, floors, zones, devices, points"),
        (name = "history", description = "Range queries"), (name = "live", description = "Latest values and the live socket"),
        (name = "ingest", description = "Device data, authenticated by device tokens"),
    )
)]
pub struct ApiDoc;

/// Device ingest authenticates with `Authorization: Bearer <device-id>.<secret>`.
struct DeviceToken;

impl Modify for DeviceToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "device_token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("A device's own token, `<device-id>.<secret>`, from `cairn-server device-token <id>`"))
                    .build(),
            ),
        );
    }
}

pub fn router() -> Router<AppState> {
    Router::new().route("/openapi.json", get(|| async { Json(ApiDoc::openapi()) }))
}
