//! Network server integrations (admins): where real devices' uplinks come
//! from (The Things Stack, ChirpStack, KPN Things, Zigbee2MQTT), the devices
//! they heard that no one has claimed yet, and claiming one.

use cairn_protocol::{ClaimRequest, Integration, IntegrationSpec, NewDevice, WaitingDevice};

use super::{
    ApiError,
    http::{get, send, send_empty},
};

pub async fn integrations() -> Result<Vec<Integration>, ApiError> {
    get("/api/integrations").await
}

pub async fn create_integration(spec: &IntegrationSpec) -> Result<Integration, ApiError> {
    send("POST", "/api/integrations", Some(spec)).await
}

/// Replaces an integration; a spec without `secret` (or `mqtt_password`)
/// keeps the stored one.
pub async fn update_integration(id: &str, spec: &IntegrationSpec) -> Result<Integration, ApiError> {
    send("PUT", &format!("/api/integrations/{id}"), Some(spec)).await
}

pub async fn delete_integration(id: &str) -> Result<(), ApiError> {
    send_empty::<()>("DELETE", &format!("/api/integrations/{id}"), None).await
}

/// Devices the integrations heard that no device's aliases name, latest first.
pub async fn waiting() -> Result<Vec<WaitingDevice>, ApiError> {
    get("/api/integrations/waiting").await
}

/// Creates the device a waiting one becomes; its token comes back this once.
pub async fn claim(request: &ClaimRequest) -> Result<NewDevice, ApiError> {
    send("POST", "/api/integrations/claim", Some(request)).await
}

/// Takes a device off an integration's waiting list (listed again if it sends again).
pub async fn dismiss(integration: &str, identifier: &str) -> Result<(), ApiError> {
    let path = format!("/api/integrations/{integration}/waiting/{identifier}");
    send_empty::<()>("DELETE", &path, None).await
}
