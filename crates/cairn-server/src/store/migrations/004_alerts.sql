-- Alert rules, alarms and their history (see alerts/). A rule is kept as
-- its JSON spec (cairn_protocol::RuleSpec); deleted rules stay, marked, so
-- their alarms keep a name.
CREATE TABLE rules (
    id {id64},
    spec TEXT NOT NULL,
    site_id TEXT,
    created_ms {i64} NOT NULL,
    updated_ms {i64} NOT NULL,
    updated_by TEXT NOT NULL,
    deleted {bool} NOT NULL
);
-- One row per excursion of one point under one rule. Open until closed
-- (cleared and acknowledged); at most one open per rule and point, which
-- the partial unique index enforces and the upsert of a raise relies on.
CREATE TABLE alarms (
    id {id64},
    rule_id {i64} NOT NULL REFERENCES rules(id),
    point_id {i64} NOT NULL,
    site_id TEXT NOT NULL,
    severity TEXT NOT NULL,
    raised_ms {i64} NOT NULL,
    value {real},
    peak {real},
    peak_excess {real},
    count {i64} NOT NULL,
    active {bool} NOT NULL,
    cleared_ms {i64},
    acked_ms {i64},
    acked_by TEXT,
    ack_comment TEXT,
    shelved_until_ms {i64},
    suppressed {bool} NOT NULL,
    closed_ms {i64},
    updated_ms {i64} NOT NULL
);
CREATE UNIQUE INDEX alarms_one_open ON alarms(rule_id, point_id) WHERE closed_ms IS NULL;
CREATE INDEX alarms_raised ON alarms(raised_ms);
CREATE INDEX alarms_site ON alarms(site_id, raised_ms);
CREATE TABLE alarm_events (
    id {id64},
    alarm_id {i64} NOT NULL REFERENCES alarms(id),
    at_ms {i64} NOT NULL,
    kind TEXT NOT NULL,
    actor TEXT,
    comment TEXT,
    value {real}
);
CREATE INDEX alarm_events_alarm ON alarm_events(alarm_id);
-- Delays in progress (pending, clearing) per rule and point, as JSON
-- (alerts::eval::Phase): what a restart must not forget.
CREATE TABLE rule_phases (
    rule_id {i64} NOT NULL,
    point_id {i64} NOT NULL,
    phase TEXT NOT NULL,
    PRIMARY KEY (rule_id, point_id)
){without_rowid};
CREATE TABLE maintenance (
    id {id64},
    scope TEXT NOT NULL,
    target TEXT NOT NULL,
    site_id TEXT NOT NULL,
    from_ms {i64} NOT NULL,
    to_ms {i64} NOT NULL,
    reason TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_ms {i64} NOT NULL
);
-- Notification channels (secret: a webhook's HMAC key, never returned by
-- the API) and the outbox: one row per message, written in the transaction
-- of the alarm change it tells of; its key is what the receiver dedupes on.
CREATE TABLE channels (
    id {id64},
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    target TEXT NOT NULL,
    secret TEXT,
    min_severity TEXT NOT NULL,
    sites TEXT NOT NULL,
    escalate_after_min {i64},
    enabled {bool} NOT NULL,
    deleted {bool} NOT NULL,
    updated_ms {i64} NOT NULL
);
CREATE TABLE outbox (
    id {id64},
    delivery_key TEXT NOT NULL UNIQUE,
    channel_id {i64} NOT NULL REFERENCES channels(id),
    alarm_id {i64} NOT NULL REFERENCES alarms(id),
    event TEXT NOT NULL,
    created_ms {i64} NOT NULL,
    next_attempt_ms {i64} NOT NULL,
    attempts {i64} NOT NULL,
    delivered_ms {i64},
    last_error TEXT
);
CREATE INDEX outbox_due ON outbox(next_attempt_ms) WHERE delivered_ms IS NULL;
CREATE INDEX outbox_channel ON outbox(channel_id, id);
