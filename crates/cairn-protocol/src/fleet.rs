//! The inventory list (`GET /api/devices`): sort keys, a device's health as
//! the list shows it, counts per filter value, the fleet health line, and
//! CSV import plans.

use serde::{Deserialize, Serialize};

use crate::{
    DeviceSummary,
    health::{BatteryOutlook, HealthFlag, SignalBand},
};

/// What the inventory sorts by (`sort=` in the query); ties are broken by id.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeviceSort {
    #[default]
    Name,
    Id,
    Kind,
    Model,
    Site,
    Place,
    Status,
    LastSeen,
    Battery,
    Signal,
    Firmware,
}

impl DeviceSort {
    pub const ALL: [DeviceSort; 11] = [
        DeviceSort::Name,
        DeviceSort::Id,
        DeviceSort::Kind,
        DeviceSort::Model,
        DeviceSort::Site,
        DeviceSort::Place,
        DeviceSort::Status,
        DeviceSort::LastSeen,
        DeviceSort::Battery,
        DeviceSort::Signal,
        DeviceSort::Firmware,
    ];

    pub fn name(self) -> &'static str {
        match self {
            DeviceSort::Name => "name",
            DeviceSort::Id => "id",
            DeviceSort::Kind => "kind",
            DeviceSort::Model => "model",
            DeviceSort::Site => "site",
            DeviceSort::Place => "place",
            DeviceSort::Status => "status",
            DeviceSort::LastSeen => "last_seen",
            DeviceSort::Battery => "battery",
            DeviceSort::Signal => "signal",
            DeviceSort::Firmware => "firmware",
        }
    }

    pub fn parse(name: &str) -> Option<DeviceSort> {
        DeviceSort::ALL.into_iter().find(|s| s.name() == name)
    }
}

/// A device's health now, as the server judges it (`health.rs` rules).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeviceHealth {
    /// Every flag that holds, in [`HealthFlag::ALL`] order; empty = healthy.
    pub flags: Vec<HealthFlag>,
    /// The interval it is judged by, s: set by hand, else learned from its
    /// uplinks, else its points' configured interval.
    pub interval_s: Option<u32>,
    /// Whether `interval_s` was learned from its history.
    pub learned: bool,
    /// Newest uplink (any point), UTC ms.
    pub last_uplink: Option<i64>,
    /// The points that repeat one value far longer than they ever did.
    pub stuck_points: Vec<u32>,
    pub battery: Option<BatteryOutlook>,
    pub signal: Option<SignalBand>,
}

/// How many devices of the current view have each value of one filter
/// (computed with every other filter applied, so picking one shows what
/// the others would give).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FacetCount {
    pub value: String,
    pub count: u64,
}

/// Counts per value of each filter of the inventory.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Facets {
    pub site: Vec<FacetCount>,
    pub building: Vec<FacetCount>,
    pub kind: Vec<FacetCount>,
    pub model: Vec<FacetCount>,
    pub firmware: Vec<FacetCount>,
    pub health: Vec<FacetCount>,
}

/// `GET /api/devices`: one page of the inventory in the asked order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InventoryPage {
    pub items: Vec<DeviceSummary>,
    /// Devices matching the filters in all.
    pub total: u64,
    /// Pass as `after=` for the next page (keyset paging); none = last page.
    pub next: Option<String>,
    /// With `facets=true` only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub facets: Option<Facets>,
}

/// `GET /api/fleet/health`: the overview's fleet line, over the caller's sites.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FleetHealth {
    /// Devices in service (not retired).
    pub active: u64,
    pub silent: u64,
    pub stuck: u64,
    pub low_battery: u64,
    pub in_maintenance: u64,
}

/// `POST /api/devices`: the new device and its ingest token
/// (`<device-id>.<secret>`), shown this once; only its hash is stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewDevice {
    pub device: DeviceSummary,
    pub token: String,
}

/// What importing one CSV row would do (or did).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ImportAction {
    Create,
    Update,
    Unchanged,
    /// The row has errors: nothing of the file is written.
    Invalid,
}

/// One field a row changes: CSV column, the value now and the file's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldChange {
    pub column: String,
    pub before: String,
    pub after: String,
}

/// One problem of the file: its line (the header is line 1), its column
/// (empty for the whole row or file) and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportError {
    pub row: u32,
    pub column: String,
    pub message: String,
}

/// One data row of the file and what it does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportRow {
    /// Line in the file (the header is line 1).
    pub row: u32,
    pub id: String,
    pub action: ImportAction,
    /// For an update, field by field.
    pub changes: Vec<FieldChange>,
}

/// `POST /api/inventory/import`: the plan (`apply=false`, nothing written)
/// or what was written (`apply=true`: all rows or, with any error, none).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportPlan {
    pub rows: Vec<ImportRow>,
    pub errors: Vec<ImportError>,
    pub create: u32,
    pub update: u32,
    pub unchanged: u32,
    /// Whether it was written.
    pub applied: bool,
}
