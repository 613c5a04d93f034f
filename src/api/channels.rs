//! Notification channels (admins): where alarms are sent, and each
//! channel's recent messages with their delivery state.

use cairn_protocol::{Channel, ChannelSpec, Delivery};

use super::{
    ApiError,
    http::{get, send, send_empty},
};

pub async fn channels() -> Result<Vec<Channel>, ApiError> {
    get("/api/channels").await
}

pub async fn create_channel(spec: &ChannelSpec) -> Result<Channel, ApiError> {
    send("POST", "/api/channels", Some(spec)).await
}

/// Replaces a channel; a spec without `secret` keeps the stored one.
pub async fn update_channel(id: i64, spec: &ChannelSpec) -> Result<Channel, ApiError> {
    send("PUT", &format!("/api/channels/{id}"), Some(spec)).await
}

pub async fn delete_channel(id: i64) -> Result<(), ApiError> {
    send_empty::<()>("DELETE", &format!("/api/channels/{id}"), None).await
}

/// The channel's newest 100 messages.
pub async fn deliveries(id: i64) -> Result<Vec<Delivery>, ApiError> {
    get(&format!("/api/channels/{id}/deliveries")).await
}
