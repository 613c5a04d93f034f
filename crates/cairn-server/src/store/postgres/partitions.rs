//! `readings` is partitioned by UTC month: partitions are created on demand
//! (under an advisory lock, so concurrent servers do not race) and dropped
//! whole by retention.

use std::collections::HashSet;

use cairn_protocol::Reading;

use super::{PgStore, Result, pg};

/// The UTC month `[start, end)` (ms) holding `ts`.
fn month_of(ts: i64) -> (i64, i64) {
    use chrono::{Datelike, TimeZone, Utc};
    let t = Utc.timestamp_millis_opt(ts).single().unwrap_or_default();
    let start = Utc
        .with_ymd_and_hms(t.year(), t.month(), 1, 0, 0, 0)
        .single()
        .unwrap_or_default();
    let (y, m) = if t.month() == 12 {
        (t.year() + 1, 1)
    } else {
        (t.year(), t.month() + 1)
    };
    let end = Utc
        .with_ymd_and_hms(y, m, 1, 0, 0, 0)
        .single()
        .unwrap_or_default();
    (start.timestamp_millis(), end.timestamp_millis())
}

impl PgStore {
    /// Creates the monthly partitions a batch needs, once per month per process.
    pub(super) async fn ensure_partitions(&self, readings: &[Reading]) -> Result<()> {
        let missing: HashSet<(i64, i64)> = {
            let known = self.partitions.lock().unwrap_or_else(|p| p.into_inner());
            (readings.iter())
                .map(|r| month_of(r.ts))
                .filter(|(start, _)| !known.contains(start))
                .collect()
        };
        if missing.is_empty() {
            return Ok(());
        }
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(pg)?;
        tx.execute("SELECT pg_advisory_xact_lock(7253)", &[])
            .await
            .map_err(pg)?;
        for (start, end) in &missing {
            // Names and bounds are numbers computed here, never input.
            let name = format!("readings_m{}", start / 1000).replace('-', "n");
            tx.batch_execute(&format!(
                "CREATE TABLE IF NOT EXISTS {name} PARTITION OF readings FOR VALUES FROM ({start}) TO ({end})"
            ))
            .await
            .map_err(pg)?;
        }
        tx.commit().await.map_err(pg)?;
        let mut known = self.partitions.lock().unwrap_or_else(|p| p.into_inner());
        known.extend(missing.into_iter().map(|(start, _)| start));
        Ok(())
    }

    /// Partitions of `readings` as (name, from, to), oldest first.
    pub(super) async fn list_partitions(&self) -> Result<Vec<(String, i64, i64)>> {
        let rows = self
            .client()
            .await?
            .query(
                "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i
                 JOIN pg_class c ON c.oid = i.inhrelid
                 WHERE i.inhparent = 'readings'::regclass",
                &[],
            )
            .await
            .map_err(pg)?;
        let mut out = Vec::new();
        for r in rows {
            let (name, bound): (String, String) = (r.get(0), r.get(1));
            // "FOR VALUES FROM ('1700000000000') TO ('1702000000000')"
            let nums: Vec<i64> = bound
                .split(|c: char| !(c.is_ascii_digit() || c == '-'))
                .filter_map(|t| t.parse().ok())
                .collect();
            if let [from, to] = nums[..] {
                out.push((name, from, to));
            }
        }
        out.sort_by_key(|p| p.1);
        Ok(out)
    }

    /// Forgets the months whose partitions are gone (after retention dropped them).
    pub(super) async fn forget_dropped_partitions(&self) -> Result<()> {
        let live: HashSet<i64> = self
            .list_partitions()
            .await?
            .into_iter()
            .map(|p| p.1)
            .collect();
        self.partitions
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .retain(|start| live.contains(start));
        Ok(())
    }
}
