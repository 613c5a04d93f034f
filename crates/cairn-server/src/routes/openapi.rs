//! `GET /api/openapi.json`: the OpenAPI 3.1 document. Its paths come from the
//! routers themselves (utoipa-axum registers a route and its description
//! together), so no endpoint can exist without being described, and the
//! access test (`tests/server/access.rs`) covers every described endpoint.

use cairn_protocol::{ClientMsg, IngestAck, Metric, Reading, ResumeFrom, Scope, ServerMsg};
use utoipa::{
    Modify, OpenApi,
    openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme},
};

#[derive(OpenApi)]
#[openapi(
    info(title = "Cairn API", description = "Live monitoring for buildings full of sensors. Times are UTC epoch milliseconds. \
Users sign in at /api/auth/login and are then identified by the HttpOnly `cairn_session` cookie; every state-changing \
request also needs the session's CSRF token in `X-CSRF-Token`. Each user sees only the sites granted to them."),
    components(schemas(ClientMsg, ServerMsg, Scope, ResumeFrom, Reading, Metric, IngestAck)),
    modifiers(&Security),
    tags(
        (name = "system"), (name = "auth", description = "Signing in and out"),
        (name = "portfolio", description = "Sites, buildings, floors, zones, devices, points"),
        (name = "history", description = "Range queries"), (name = "live", description = "Latest values and the live socket"),
        (name = "ingest", description = "Device data, authenticated by device tokens"),
        (name = "alerts", description = "Alert rules (with their backtest) and alarms: the queue, acknowledging, shelving, comments"),
        (name = "admin", description = "Users, the audit log, device tokens (admins only)"),
    )
)]
pub struct ApiDoc;

/// Device ingest authenticates with `Authorization: Bearer <device-id>.<secret>`;
/// people with the session cookie.
struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "device_token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("A device's own token, `<device-id>.<secret>`, from `cairn-server device-token <id>` or `POST /api/devices/{id}/token`"))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                "cairn_session",
                "Set by POST /api/auth/login; HttpOnly, SameSite=Strict",
            ))),
        );
    }
}
