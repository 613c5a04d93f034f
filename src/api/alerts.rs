//! Alert rules and alarms: the rules managers edit, the alarms operators
//! handle, and a rule's backtest. Live changes of the queue come through the
//! socket (`ServerMsg::Alarms`) into the live store, not from here.

use cairn_protocol::{
    AckRequest, Alarm, AlarmDetail, BacktestRequest, BacktestResult, CommentRequest, Rule,
    RuleSpec, ShelveRequest,
};

use super::{
    ApiError,
    http::{get, send, send_empty},
};

/// Which alarms `alarms` lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AlarmFilter {
    /// Every alarm not closed.
    Open,
    Closed,
    All,
}

impl AlarmFilter {
    fn name(self) -> &'static str {
        match self {
            AlarmFilter::Open => "open",
            AlarmFilter::Closed => "closed",
            AlarmFilter::All => "all",
        }
    }
}

pub async fn rules() -> Result<Vec<Rule>, ApiError> {
    get("/api/rules").await
}

pub async fn create_rule(spec: &RuleSpec) -> Result<Rule, ApiError> {
    send("POST", "/api/rules", Some(spec)).await
}

pub async fn update_rule(id: i64, spec: &RuleSpec) -> Result<Rule, ApiError> {
    send("PUT", &format!("/api/rules/{id}"), Some(spec)).await
}

pub async fn delete_rule(id: i64) -> Result<(), ApiError> {
    send_empty::<()>("DELETE", &format!("/api/rules/{id}"), None).await
}

/// What `rule` as typed would have done over the last `days` (7 or 30).
pub async fn backtest(rule: &RuleSpec, days: u32) -> Result<BacktestResult, ApiError> {
    let body = BacktestRequest {
        rule: rule.clone(),
        days,
    };
    send("POST", "/api/rules/backtest", Some(&body)).await
}

/// Alarms, newest first.
pub async fn alarms(filter: AlarmFilter) -> Result<Vec<Alarm>, ApiError> {
    get(&format!("/api/alarms?state={}", filter.name())).await
}

pub async fn alarm(id: i64) -> Result<AlarmDetail, ApiError> {
    get(&format!("/api/alarms/{id}")).await
}

/// Acknowledges `ids` with one comment; the alarms as they are now.
pub async fn acknowledge(ids: Vec<i64>, comment: String) -> Result<Vec<Alarm>, ApiError> {
    send(
        "POST",
        "/api/alarms/ack",
        Some(&AckRequest { ids, comment }),
    )
    .await
}

/// Shelves an alarm until `until` (UTC ms, at most 24 h ahead); `None` unshelves.
pub async fn shelve(id: i64, until: Option<i64>, comment: String) -> Result<Alarm, ApiError> {
    send(
        "POST",
        &format!("/api/alarms/{id}/shelve"),
        Some(&ShelveRequest { until, comment }),
    )
    .await
}

pub async fn comment(id: i64, comment: String) -> Result<Alarm, ApiError> {
    send(
        "POST",
        &format!("/api/alarms/{id}/comments"),
        Some(&CommentRequest { comment }),
    )
    .await
}
