//! Rules, alarms, their history, delays in progress and maintenance
//! windows: written once for both engines over [`Exec`] (`exec.rs`).
//!
//! The one-open-alarm rule is the database's: `alarms_one_open` is a unique
//! index on `(rule_id, point_id)` of the rows not closed, and every sample
//! in alarm is one `INSERT … ON CONFLICT … DO UPDATE` on it. Two samples of
//! the same rule and point at once, from any number of connections or
//! servers, make one row whose count is two.

use cairn_protocol::{AlarmEvent, RuleSpec, Severity};

use super::{
    Result, StoreError,
    access::{Get, Value},
    accounts::AuditRecord,
    exec::{Exec, Row},
    rows::{from_json, to_json},
    sql,
};

/// A rule as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredRule {
    pub id: i64,
    pub spec: RuleSpec,
    pub site_id: Option<String>,
    pub updated_ms: i64,
    pub updated_by: String,
}

/// An alarm row (the wire `Alarm` adds names from the catalogue and the rule).
#[derive(Debug, Clone, PartialEq)]
pub struct AlarmRow {
    pub id: i64,
    pub rule_id: i64,
    pub point: u32,
    pub severity: Severity,
    pub raised_ms: i64,
    pub value: Option<f64>,
    pub peak: Option<f64>,
    pub count: i64,
    pub active: bool,
    pub cleared_ms: Option<i64>,
    pub acked_ms: Option<i64>,
    pub acked_by: Option<String>,
    pub ack_comment: Option<String>,
    pub shelved_until_ms: Option<i64>,
    pub suppressed: bool,
    pub closed_ms: Option<i64>,
}

/// One change the evaluator decided, for one rule and point.
#[derive(Debug, Clone, PartialEq)]
pub enum AlarmWrite {
    /// A reading in alarm (or a silence): raises the alarm if none is open,
    /// else counts one more sample (and reactivates a cleared one).
    Sample {
        rule_id: i64,
        point: u32,
        /// The point's site: which channels hear of it.
        site_id: String,
        severity: Severity,
        at: i64,
        value: Option<f64>,
        /// How far past the trigger (the peak is the largest).
        excess: Option<f64>,
        /// Inside a maintenance window: kept, marked, not notified.
        suppressed: bool,
        /// The evaluator raised here (not a repeat): an open, cleared
        /// alarm of the same rule and point is reactivated.
        raise: bool,
    },
    /// Returned to normal at `at`.
    Clear { rule_id: i64, point: u32, at: i64 },
    /// `count` more readings in alarm since the last write, the worst of
    /// them `peak` (how far past the trigger: `excess`): folded into the
    /// open alarm of this rule and point, if there is one.
    Repeats {
        rule_id: i64,
        point: u32,
        count: u32,
        peak: f64,
        excess: f64,
        /// All of them inside a maintenance window.
        suppressed: bool,
    },
    /// A delay in progress to remember (JSON of `alerts::eval::Phase`), or
    /// none to forget it.
    Phase {
        rule_id: i64,
        point: u32,
        phase: Option<String>,
    },
}

const ALARM_COLUMNS: &str = "id, rule_id, point_id, severity, raised_ms, value, peak, count,
    active, cleared_ms, acked_ms, acked_by, ack_comment, shelved_until_ms, suppressed, closed_ms";

macro_rules! alarm_columns {
    () => {
        "id, rule_id, point_id, severity, raised_ms, value, peak, count, active, cleared_ms,
         acked_ms, acked_by, ack_comment, shelved_until_ms, suppressed, closed_ms"
    };
}

const SAMPLE: &str = concat!(
    "INSERT INTO alarms (rule_id, point_id, site_id, severity, raised_ms, value, peak, peak_excess,
        count, active, suppressed, updated_ms)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, TRUE, $9, $10)
     ON CONFLICT (rule_id, point_id) WHERE closed_ms IS NULL DO UPDATE SET
        count = alarms.count + 1,
        active = TRUE,
        suppressed = alarms.suppressed AND excluded.suppressed,
        cleared_ms = NULL,
        peak = CASE WHEN excluded.peak_excess > COALESCE(alarms.peak_excess, -1e300)
            THEN excluded.peak ELSE alarms.peak END,
        peak_excess = CASE WHEN excluded.peak_excess > COALESCE(alarms.peak_excess, -1e300)
            THEN excluded.peak_excess ELSE alarms.peak_excess END,
        updated_ms = excluded.updated_ms
     RETURNING ",
    alarm_columns!()
);
const REPEATS: &str = concat!(
    "UPDATE alarms SET count = count + $1,
        peak = CASE WHEN CAST($2 AS DOUBLE PRECISION) > COALESCE(peak_excess, -1e300)
            THEN CAST($3 AS DOUBLE PRECISION) ELSE peak END,
        peak_excess = CASE WHEN CAST($4 AS DOUBLE PRECISION) > COALESCE(peak_excess, -1e300)
            THEN CAST($5 AS DOUBLE PRECISION) ELSE peak_excess END,
        suppressed = suppressed AND $6, updated_ms = $7
     WHERE rule_id = $8 AND point_id = $9 AND closed_ms IS NULL
     RETURNING ",
    alarm_columns!()
);
const CLEAR: &str = concat!(
    "UPDATE alarms SET active = FALSE, cleared_ms = $1,
        closed_ms = CASE WHEN acked_ms IS NULL THEN NULL ELSE CAST($2 AS BIGINT) END, updated_ms = $3
     WHERE rule_id = $4 AND point_id = $5 AND closed_ms IS NULL AND active
     RETURNING ",
    alarm_columns!()
);
const UPSERT_PHASE: &str = "INSERT INTO rule_phases (rule_id, point_id, phase) VALUES ($1, $2, $3)
    ON CONFLICT (rule_id, point_id) DO UPDATE SET phase = excluded.phase";
const DELETE_PHASE: &str = "DELETE FROM rule_phases WHERE rule_id = $1 AND point_id = $2";
const PHASES: &str = "SELECT rule_id, point_id, phase FROM rule_phases";
const EVENT: &str = "INSERT INTO alarm_events (alarm_id, at_ms, kind, actor, comment, value)
    VALUES ($1, $2, $3, $4, $5, $6)";
const EVENTS: &str = "SELECT at_ms, kind, actor, comment, value FROM alarm_events
    WHERE alarm_id = $1 ORDER BY id";
const ACK: &str = concat!(
    "UPDATE alarms SET acked_ms = $1, acked_by = $2, ack_comment = $3,
        closed_ms = CASE WHEN active THEN NULL ELSE CAST($4 AS BIGINT) END, updated_ms = $5
     WHERE id = $6 AND closed_ms IS NULL AND acked_ms IS NULL
     RETURNING ",
    alarm_columns!()
);
const SHELVE: &str = concat!(
    "UPDATE alarms SET shelved_until_ms = $1, updated_ms = $2 WHERE id = $3 AND closed_ms IS NULL
     RETURNING ",
    alarm_columns!()
);
const RULES: &str = "SELECT id, spec, site_id, updated_ms, updated_by FROM rules
    WHERE NOT deleted ORDER BY id";
const RULE: &str = "SELECT id, spec, site_id, updated_ms, updated_by FROM rules
    WHERE id = $1 AND NOT deleted";
const COUNT_RULES: &str = "SELECT COUNT(*) FROM rules";
const INSERT_RULE: &str =
    "INSERT INTO rules (spec, site_id, created_ms, updated_ms, updated_by, deleted)
    VALUES ($1, $2, $3, $4, $5, FALSE) RETURNING id";
const UPDATE_RULE: &str =
    "UPDATE rules SET spec = $1, site_id = $2, updated_ms = $3, updated_by = $4
    WHERE id = $5 AND NOT deleted";
const DELETE_RULE: &str = "UPDATE rules SET deleted = TRUE, updated_ms = $1, updated_by = $2
    WHERE id = $3 AND NOT deleted";
/// Alarms of a deleted rule are closed (with an event saying why).
const CLOSE_RULE_ALARMS: &str = concat!(
    "UPDATE alarms SET active = FALSE, closed_ms = $1, updated_ms = $2
     WHERE rule_id = $3 AND closed_ms IS NULL RETURNING ",
    alarm_columns!()
);
const CLOSE_ALARM: &str = concat!(
    "UPDATE alarms SET active = FALSE, closed_ms = $1, updated_ms = $2
     WHERE id = $3 AND closed_ms IS NULL RETURNING ",
    alarm_columns!()
);
const FORGET_RULE_PHASES: &str = "DELETE FROM rule_phases WHERE rule_id = $1";

fn v<T: Into<Value>>(x: T) -> Value {
    x.into()
}

/// A row of `alarm_columns!()` as an alarm.
pub fn alarm_row(r: &Row) -> Result<AlarmRow> {
    let severity = r.text(3)?;
    let point = r.i64(2)?;
    Ok(AlarmRow {
        id: r.i64(0)?,
        rule_id: r.i64(1)?,
        point: u32::try_from(point)
            .map_err(|_| StoreError::Invalid(format!("alarms.point_id {point}")))?,
        severity: Severity::parse(&severity)
            .ok_or_else(|| StoreError::Invalid(format!("alarms.severity {severity:?}")))?,
        raised_ms: r.i64(4)?,
        value: r.opt_f64(5)?,
        peak: r.opt_f64(6)?,
        count: r.i64(7)?,
        active: r.bool(8)?,
        cleared_ms: r.opt_i64(9)?,
        acked_ms: r.opt_i64(10)?,
        acked_by: r.opt_text(11)?,
        ack_comment: r.opt_text(12)?,
        shelved_until_ms: r.opt_i64(13)?,
        suppressed: r.bool(14)?,
        closed_ms: r.opt_i64(15)?,
    })
}

fn rule_row(r: &Row) -> Result<StoredRule> {
    Ok(StoredRule {
        id: r.i64(0)?,
        spec: from_json("rules.spec", &r.text(1)?)?,
        site_id: r.opt_text(2)?,
        updated_ms: r.i64(3)?,
        updated_by: r.text(4)?,
    })
}

fn event(
    tx: &mut dyn Exec,
    alarm: i64,
    at: i64,
    kind: &str,
    actor: Option<&str>,
    comment: Option<&str>,
    value: Option<f64>,
) -> Result<()> {
    let args = [
        v(alarm),
        v(at),
        v(kind),
        v(actor),
        v(comment.filter(|c| !c.is_empty())),
        v(value),
    ];
    tx.exec(EVENT, &args).map(drop)
}

fn append_audit(tx: &mut dyn Exec, audit: &AuditRecord) -> Result<()> {
    tx.exec(sql::APPEND_AUDIT, &audit.params()).map(drop)
}

fn one(rows: Vec<Row>) -> Result<Option<AlarmRow>> {
    rows.last().map(alarm_row).transpose()
}

/// Applies the evaluator's changes in order, in the caller's transaction,
/// with their history events and, for each new alarm not suppressed, a
/// message in the outbox for every channel that wants it. Returns the alarms as they now are (one
/// entry per alarm, last state).
pub fn apply(tx: &mut dyn Exec, writes: &[AlarmWrite], now: i64) -> Result<Vec<AlarmRow>> {
    let mut changed: Vec<AlarmRow> = Vec::new();
    // Read once, when the first new alarm needs them.
    let mut channels = None;
    for w in writes {
        let row = match w {
            AlarmWrite::Sample {
                rule_id,
                point,
                site_id,
                severity,
                at,
                value,
                excess,
                suppressed,
                raise,
            } => {
                let args = [
                    v(*rule_id),
                    v(i64::from(*point)),
                    v(site_id.as_str()),
                    v(severity.name()),
                    v(*at),
                    v(*value),
                    v(*value),
                    v(*excess),
                    v(*suppressed),
                    v(now),
                ];
                let row = one(tx.query(SAMPLE, &args)?)?;
                if let Some(a) = &row {
                    // A new alarm counts 1; a cleared one raised again is reactivated.
                    if a.count == 1 {
                        event(tx, a.id, *at, "raised", None, None, *value)?;
                        if !*suppressed {
                            let channels = match &channels {
                                Some(c) => c,
                                None => channels.insert(super::notify::channels(tx)?),
                            };
                            super::notify::enqueue(tx, channels, a, site_id, "raised", now)?;
                        }
                    } else if *raise {
                        event(tx, a.id, *at, "reactivated", None, None, *value)?;
                    }
                }
                row
            }
            AlarmWrite::Clear { rule_id, point, at } => {
                let args = [v(*at), v(*at), v(now), v(*rule_id), v(i64::from(*point))];
                let row = one(tx.query(CLEAR, &args)?)?;
                if let Some(a) = &row {
                    event(tx, a.id, *at, "cleared", None, None, None)?;
                    if a.closed_ms.is_some() {
                        event(tx, a.id, *at, "closed", None, None, None)?;
                    }
                }
                row
            }
            AlarmWrite::Repeats {
                rule_id,
                point,
                count,
                peak,
                excess,
                suppressed,
            } => {
                let args = [
                    v(i64::from(*count)),
                    v(*excess),
                    v(*peak),
                    v(*excess),
                    v(*excess),
                    v(*suppressed),
                    v(now),
                    v(*rule_id),
                    v(i64::from(*point)),
                ];
                one(tx.query(REPEATS, &args)?)?
            }
            AlarmWrite::Phase {
                rule_id,
                point,
                phase,
            } => {
                let key = [v(*rule_id), v(i64::from(*point))];
                match phase {
                    Some(p) => tx.exec(
                        UPSERT_PHASE,
                        &[key[0].clone(), key[1].clone(), v(p.as_str())],
                    )?,
                    None => tx.exec(DELETE_PHASE, &key)?,
                };
                None
            }
        };
        if let Some(row) = row {
            changed.retain(|a| a.id != row.id);
            changed.push(row);
        }
    }
    Ok(changed)
}

/// Every rule ever stored, deleted ones too: `(id, name, action)`, for the
/// alarms of a deleted rule to keep their names.
pub fn rule_names(tx: &mut dyn Exec) -> Result<Vec<(i64, String, String)>> {
    (tx.query("SELECT id, spec FROM rules ORDER BY id", &[])?
        .iter())
    .map(|r| {
        let spec: RuleSpec = from_json("rules.spec", &r.text(1)?)?;
        Ok((r.i64(0)?, spec.name, spec.action))
    })
    .collect()
}

/// Closes the open alarms of rule `id` on points it no longer watches
/// (after a change of its scope, or when it is disabled: `watched` empty),
/// each with an event saying why. Returns them.
pub fn close_unwatched(
    tx: &mut dyn Exec,
    id: i64,
    watched: &[u32],
    actor: &str,
    now: i64,
) -> Result<Vec<AlarmRow>> {
    let sql =
        format!("SELECT {ALARM_COLUMNS} FROM alarms WHERE rule_id = $1 AND closed_ms IS NULL");
    let open: Vec<AlarmRow> = tx
        .query(&sql, &[v(id)])?
        .iter()
        .map(alarm_row)
        .collect::<Result<_>>()?;
    let mut closed = Vec::new();
    for a in open.into_iter().filter(|a| !watched.contains(&a.point)) {
        let rows = tx.query(CLOSE_ALARM, &[v(now), v(now), v(a.id)])?;
        if let Some(row) = one(rows)? {
            event(
                tx,
                a.id,
                now,
                "closed",
                Some(actor),
                Some("the rule no longer watches this point"),
                None,
            )?;
            closed.push(row);
        }
    }
    Ok(closed)
}

/// Closes the open alarms of `points` (a retired device's), each with a
/// `closed` event saying `why`; returns them as they now are.
pub fn close_for_points(
    tx: &mut dyn Exec,
    points: &[u32],
    actor: &str,
    why: &str,
    now: i64,
) -> Result<Vec<AlarmRow>> {
    let sql =
        format!("SELECT {ALARM_COLUMNS} FROM alarms WHERE point_id = $1 AND closed_ms IS NULL");
    let mut closed = Vec::new();
    for p in points {
        let open: Vec<AlarmRow> = (tx.query(&sql, &[v(i64::from(*p))])?.iter())
            .map(alarm_row)
            .collect::<Result<_>>()?;
        for a in open {
            if let Some(row) = one(tx.query(CLOSE_ALARM, &[v(now), v(now), v(a.id)])?)? {
                event(tx, a.id, now, "closed", Some(actor), Some(why), None)?;
                closed.push(row);
            }
        }
    }
    Ok(closed)
}

/// Every rule not deleted, oldest first.
pub fn rules(tx: &mut dyn Exec) -> Result<Vec<StoredRule>> {
    tx.query(RULES, &[])?.iter().map(rule_row).collect()
}

/// Rule `id`, if it exists and is not deleted.
pub fn rule(tx: &mut dyn Exec, id: i64) -> Result<Option<StoredRule>> {
    tx.query(RULE, &[v(id)])?
        .iter()
        .map(rule_row)
        .next()
        .transpose()
}

/// Stores the default rules if the database never had a rule. Returns how many.
pub fn seed(tx: &mut dyn Exec, specs: &[RuleSpec], now: i64) -> Result<usize> {
    let n = tx
        .query(COUNT_RULES, &[])?
        .first()
        .map(|r| r.i64(0))
        .transpose()?
        .unwrap_or(0);
    if n > 0 {
        return Ok(0);
    }
    for spec in specs {
        let args = [
            v(to_json(spec)),
            Value::Null,
            v(now),
            v(now),
            v("cairn (default rules)"),
        ];
        tx.query(INSERT_RULE, &args)?;
    }
    Ok(specs.len())
}

/// Creates a rule with its audit entry (`after` filled in here).
pub fn insert_rule(
    tx: &mut dyn Exec,
    spec: &RuleSpec,
    site: Option<&str>,
    mut audit: AuditRecord,
) -> Result<StoredRule> {
    let args = [
        v(to_json(spec)),
        v(site),
        v(audit.at),
        v(audit.at),
        v(audit.actor.as_str()),
    ];
    let id = (tx.query(INSERT_RULE, &args)?.first())
        .ok_or_else(|| StoreError::Invalid("INSERT … RETURNING gave no id".into()))?
        .i64(0)?;
    audit.target = format!("rule {id}");
    audit.after = Some(to_json(spec));
    append_audit(tx, &audit)?;
    Ok(StoredRule {
        id,
        spec: spec.clone(),
        site_id: site.map(str::to_owned),
        updated_ms: audit.at,
        updated_by: audit.actor,
    })
}

/// Replaces rule `id`'s spec, with its audit entry (before and after).
/// Returns the old rule, or none (nothing written) if there is no such rule.
pub fn update_rule(
    tx: &mut dyn Exec,
    id: i64,
    spec: &RuleSpec,
    site: Option<&str>,
    mut audit: AuditRecord,
) -> Result<Option<StoredRule>> {
    let Some(old) = rule(tx, id)? else {
        return Ok(None);
    };
    let args = [
        v(to_json(spec)),
        v(site),
        v(audit.at),
        v(audit.actor.as_str()),
        v(id),
    ];
    tx.exec(UPDATE_RULE, &args)?;
    // A changed rule starts its delays afresh.
    tx.exec(FORGET_RULE_PHASES, &[v(id)])?;
    audit.before = Some(to_json(&old.spec));
    audit.after = Some(to_json(spec));
    append_audit(tx, &audit)?;
    Ok(Some(old))
}

/// Marks rule `id` deleted and closes its open alarms, with the audit
/// entry. Returns the closed alarms, or none if there is no such rule.
pub fn delete_rule(
    tx: &mut dyn Exec,
    id: i64,
    mut audit: AuditRecord,
) -> Result<Option<Vec<AlarmRow>>> {
    let Some(old) = rule(tx, id)? else {
        return Ok(None);
    };
    tx.exec(DELETE_RULE, &[v(audit.at), v(audit.actor.as_str()), v(id)])?;
    tx.exec(FORGET_RULE_PHASES, &[v(id)])?;
    let closed: Vec<AlarmRow> = (tx
        .query(CLOSE_RULE_ALARMS, &[v(audit.at), v(audit.at), v(id)])?
        .iter())
    .map(alarm_row)
    .collect::<Result<_>>()?;
    for a in &closed {
        event(
            tx,
            a.id,
            audit.at,
            "closed",
            Some(&audit.actor),
            Some("the rule was deleted"),
            None,
        )?;
    }
    audit.before = Some(to_json(&old.spec));
    append_audit(tx, &audit)?;
    Ok(Some(closed))
}

/// Which alarms `alarms` lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    /// Not closed: the queue.
    Open,
    /// Closed, newest first.
    Closed,
    All,
}

/// Alarms, newest raised first, at most `limit`.
pub fn alarms(tx: &mut dyn Exec, which: Which, limit: i64) -> Result<Vec<AlarmRow>> {
    let filter = match which {
        Which::Open => "WHERE closed_ms IS NULL",
        Which::Closed => "WHERE closed_ms IS NOT NULL",
        Which::All => "",
    };
    let sql = format!(
        "SELECT {ALARM_COLUMNS} FROM alarms {filter} ORDER BY raised_ms DESC, id DESC LIMIT $1"
    );
    tx.query(&sql, &[v(limit)])?.iter().map(alarm_row).collect()
}

/// Alarms of the sites `sites`, newest raised first, at most `limit` (what
/// a user with those sites may see, filtered by the database).
pub fn alarms_of_sites(
    tx: &mut dyn Exec,
    which: Which,
    limit: i64,
    sites: &[String],
) -> Result<Vec<AlarmRow>> {
    if sites.is_empty() {
        return Ok(Vec::new());
    }
    let state = match which {
        Which::Open => " AND closed_ms IS NULL",
        Which::Closed => " AND closed_ms IS NOT NULL",
        Which::All => "",
    };
    let places: Vec<String> = (1..=sites.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT {ALARM_COLUMNS} FROM alarms WHERE site_id IN ({}){state}
         ORDER BY raised_ms DESC, id DESC LIMIT ${}",
        places.join(", "),
        sites.len() + 1
    );
    let mut args: Vec<Value> = sites.iter().map(|s| v(s.as_str())).collect();
    args.push(v(limit));
    tx.query(&sql, &args)?.iter().map(alarm_row).collect()
}

/// Alarm `id` and its history, oldest first.
pub fn alarm(tx: &mut dyn Exec, id: i64) -> Result<Option<(AlarmRow, Vec<AlarmEvent>)>> {
    let sql = format!("SELECT {ALARM_COLUMNS} FROM alarms WHERE id = $1");
    let Some(a) = one(tx.query(&sql, &[v(id)])?)? else {
        return Ok(None);
    };
    let events = (tx.query(EVENTS, &[v(id)])?.iter())
        .map(|r| {
            Ok(AlarmEvent {
                at: r.i64(0)?,
                kind: r.text(1)?,
                actor: r.opt_text(2)?,
                comment: r.opt_text(3)?,
                value: r.opt_f64(4)?,
            })
        })
        .collect::<Result<_>>()?;
    Ok(Some((a, events)))
}

/// Acknowledges each of `ids` not yet acknowledged nor closed (a cleared
/// one closes). Returns those it acknowledged.
pub fn acknowledge(
    tx: &mut dyn Exec,
    ids: &[i64],
    actor: &str,
    comment: &str,
    now: i64,
) -> Result<Vec<AlarmRow>> {
    let mut out = Vec::new();
    for &id in ids {
        let args = [
            v(now),
            v(actor),
            v((!comment.is_empty()).then_some(comment)),
            v(now),
            v(now),
            v(id),
        ];
        if let Some(a) = one(tx.query(ACK, &args)?)? {
            event(
                tx,
                id,
                now,
                "acknowledged",
                Some(actor),
                Some(comment),
                None,
            )?;
            if a.closed_ms.is_some() {
                event(tx, id, now, "closed", Some(actor), None, None)?;
            }
            out.push(a);
        }
    }
    Ok(out)
}

/// Shelves open alarm `id` until `until` (none: unshelves), with its event.
pub fn shelve(
    tx: &mut dyn Exec,
    id: i64,
    until: Option<i64>,
    actor: &str,
    comment: &str,
    now: i64,
) -> Result<Option<AlarmRow>> {
    let Some(a) = one(tx.query(SHELVE, &[v(until), v(now), v(id)])?)? else {
        return Ok(None);
    };
    let kind = if until.is_some() {
        "shelved"
    } else {
        "unshelved"
    };
    event(tx, id, now, kind, Some(actor), Some(comment), None)?;
    Ok(Some(a))
}

/// Adds a comment to alarm `id` (open or closed). Returns the alarm.
pub fn comment(
    tx: &mut dyn Exec,
    id: i64,
    actor: &str,
    comment: &str,
    now: i64,
) -> Result<Option<AlarmRow>> {
    let sql = format!("SELECT {ALARM_COLUMNS} FROM alarms WHERE id = $1");
    let Some(a) = one(tx.query(&sql, &[v(id)])?)? else {
        return Ok(None);
    };
    event(tx, id, now, "commented", Some(actor), Some(comment), None)?;
    Ok(Some(a))
}

/// Every delay in progress: `(rule, point, phase JSON)`.
pub fn phases(tx: &mut dyn Exec) -> Result<Vec<(i64, u32, String)>> {
    (tx.query(PHASES, &[])?.iter())
        .map(|r| Ok((r.i64(0)?, r.i64(1)? as u32, r.text(2)?)))
        .collect()
}
