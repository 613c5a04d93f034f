//! Metrics admins defined, written once for both engines over [`Exec`].

use cairn_protocol::MetricDef;

use super::{
    Result,
    access::{Get, Value},
    accounts::AuditRecord,
    exec::Exec,
    rows::to_json,
    sql,
};

const LIST: &str = "SELECT name, label, unit, display_unit, min_value, max_value, decimals
    FROM metrics ORDER BY created_ms, name";
const UPSERT: &str = "INSERT INTO metrics (name, label, unit, display_unit, min_value,
        max_value, decimals, created_ms)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
    ON CONFLICT (name) DO UPDATE SET label = excluded.label, unit = excluded.unit,
        display_unit = excluded.display_unit, min_value = excluded.min_value,
        max_value = excluded.max_value, decimals = excluded.decimals";

/// Every custom metric, oldest first (the order they are registered in).
pub fn list(tx: &mut dyn Exec) -> Result<Vec<MetricDef>> {
    (tx.query(LIST, &[])?.iter())
        .map(|r| {
            Ok(MetricDef {
                name: r.text(0)?,
                label: r.text(1)?,
                unit: r.text(2)?,
                display_unit: r.text(3)?,
                min: r.f64(4)?,
                max: r.f64(5)?,
                precision: u8::try_from(r.i64(6)?).unwrap_or(2),
                built_in: false,
            })
        })
        .collect()
}

const INSERT: &str = "INSERT INTO metrics (name, label, unit, display_unit, min_value,
        max_value, decimals, created_ms)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (name) DO NOTHING";

/// Creates (`is_new`: refused when the name is taken, false) or changes
/// `def`, audited as `metric.save`.
pub fn save(tx: &mut dyn Exec, def: &MetricDef, is_new: bool, audit: &AuditRecord) -> Result<bool> {
    let written = tx.exec(
        if is_new { INSERT } else { UPSERT },
        &[
            def.name.as_str().into(),
            def.label.trim().into(),
            def.unit.as_str().into(),
            def.display_unit.trim().into(),
            def.min.into(),
            def.max.into(),
            Value::Int(i32::from(def.precision)),
            Value::Big(audit.at),
        ],
    )?;
    if written == 0 {
        return Ok(false);
    }
    let entry = AuditRecord {
        action: "metric.save".into(),
        target: format!("metric:{}", def.name),
        after: Some(to_json(def)),
        ..audit.clone()
    };
    tx.exec(sql::APPEND_AUDIT, &entry.params())?;
    Ok(true)
}
