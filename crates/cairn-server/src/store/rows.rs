//! Column encodings both engines share: geometry and tags as JSON text,
//! metrics and device kinds by name. A value that does not decode is an
//! error naming the column, never a silent default.

use cairn_protocol::{DeviceKind, Metric};
use serde::{Serialize, de::DeserializeOwned};

use super::StoreError;

pub fn to_json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("geometry and tags always serialise")
}

pub fn from_json<T: DeserializeOwned>(column: &str, text: &str) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Invalid(format!("{column}: {e}")))
}

pub fn metric(name: &str) -> Result<Metric, StoreError> {
    Metric::parse(name).ok_or_else(|| StoreError::Invalid(format!("points.metric {name:?}")))
}

pub fn kind(name: &str) -> Result<DeviceKind, StoreError> {
    DeviceKind::parse(name).ok_or_else(|| StoreError::Invalid(format!("devices.kind {name:?}")))
}
