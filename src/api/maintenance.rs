//! Maintenance windows (managers on their sites, admins): while one is in
//! effect, the alarms of what it covers are suppressed.

use cairn_protocol::{MaintenanceWindow, WindowSpec};

use super::{
    ApiError,
    http::{get, send, send_empty},
};

pub async fn windows() -> Result<Vec<MaintenanceWindow>, ApiError> {
    get("/api/maintenance").await
}

pub async fn create_window(spec: &WindowSpec) -> Result<MaintenanceWindow, ApiError> {
    send("POST", "/api/maintenance", Some(spec)).await
}

/// Ends (deletes) a window.
pub async fn delete_window(id: i64) -> Result<(), ApiError> {
    send_empty::<()>("DELETE", &format!("/api/maintenance/{id}"), None).await
}
