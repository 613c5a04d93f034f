//! Wire types of Cairn: everything that crosses between the server and the app.
//!
//! Conventions: time is UTC epoch milliseconds (`i64`), formatted only for
//! display; identifiers are opaque strings; enums travel as `snake_case` tags.

pub mod alerts;
pub mod alias;
mod auth;
mod error;
pub mod fleet;
pub mod health;
pub mod integrations;
pub mod inventory;
pub mod m4;
pub mod metric_registry;
mod model;
mod notify;
mod series;
pub mod wire;
mod ws;
mod ws_decode;

pub use alerts::{
    AckRequest, Alarm, AlarmDetail, AlarmEvent, AlarmState, BacktestRequest, BacktestResult,
    CommentRequest, Condition, MaintenanceWindow, Rule, RuleSpec, Schedule, ScopeLevel, Severity,
    ShelveRequest, Weekday, WindowSpec, WouldBeAlarm,
};
pub use auth::{
    AuditEntry, CSRF_HEADER, DeviceToken, LoginRequest, Me, NewUser, PasswordChange, Role, User,
    UserPatch, UserWithPassword,
};
pub use error::{ErrorBody, ErrorDetail};
pub use fleet::{
    DeviceHealth, DeviceSort, FacetCount, Facets, FieldChange, FleetHealth, ImportAction,
    ImportError, ImportPlan, ImportRow, InventoryPage, NewDevice,
};
pub use integrations::{
    ClaimRequest, Integration, IntegrationKind, IntegrationSpec, IntegrationStats, MqttSource,
    UplinkAck, WaitingDevice,
};
pub use inventory::{DeviceSpec, DeviceState, PointSpec};
pub use metric_registry::MetricDef;
pub use model::{
    Building, DeviceKind, DeviceSummary, Floor, Health, HealthStatus, IngestAck, LatLon, MapTiles,
    Metric, Page, PlanXy, PointSummary, Reading, SiteSummary, Snapshot, Thresholds, Zone,
};
pub use notify::{Channel, ChannelKind, ChannelSpec, Delivery};
pub use series::{Resolution, Series, SeriesBatch, SeriesShapeError};
pub use wire::SnapshotWire;
pub use ws::{
    ClientMsg, DEFLATE_ABOVE, PROTOCOL_VERSION, ResumeFrom, Scope, ServerMsg, WS_CLOSE_OUTDATED,
    WS_CLOSE_SIGNED_OUT, WS_PATH,
};
pub use ws_decode::{TAG_NOT_FIRST, TagFirst};
