//! The metric catalogue: built-in metrics and those admins define.

use cairn_protocol::{MetricDef, metric_registry};

use super::{
    ApiError,
    http::{get, send},
};

/// Every metric, built-in first.
pub async fn metrics() -> Result<Vec<MetricDef>, ApiError> {
    get("/api/metrics").await
}

/// Defines a metric (admins).
pub async fn create_metric(def: &MetricDef) -> Result<MetricDef, ApiError> {
    send("POST", "/api/metrics", Some(def)).await
}

/// Changes an admin's metric (its name stays).
pub async fn update_metric(def: &MetricDef) -> Result<MetricDef, ApiError> {
    send("PUT", &format!("/api/metrics/{}", def.name), Some(def)).await
}

/// Fetches the catalogue and registers the admins' metrics, so their
/// labels, units and precision are known wherever a metric is shown.
pub async fn register_all() -> Result<Vec<MetricDef>, ApiError> {
    let all = metrics().await?;
    for def in all.iter().filter(|d| !d.built_in) {
        let _ = metric_registry::register(def);
    }
    Ok(all)
}
