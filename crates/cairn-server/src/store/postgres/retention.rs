//! Retention on PostgreSQL: whole months of readings before the cutoff go
//! as partitions (counted, then dropped), the rest row by row.

use super::{PgStore, Result, exec, pg};
use crate::store::rollup;

const PRUNE_RAW: &str = "DELETE FROM readings WHERE ts < $1";
const PRUNE_ROLLUPS: &str = "DELETE FROM rollups WHERE level = $1 AND bucket < $2";

impl PgStore {
    /// Deletes readings with `ts < raw_before` and the ten-minute rollups that ended by then, hourly rollups with
    /// `bucket < hourly_before`; returns how many rows went.
    pub(super) async fn prune_before(
        &self,
        raw_before: Option<i64>,
        hourly_before: Option<i64>,
    ) -> Result<u64> {
        let partitions = self.list_partitions().await?;
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(pg)?;
        let mut gone = 0;
        if let Some(t) = raw_before {
            for (name, _, _) in partitions.into_iter().filter(|p| p.2 <= t) {
                let n: i64 = tx
                    .query_one(&format!("SELECT COUNT(*) FROM {name}"), &[])
                    .await
                    .map_err(pg)?
                    .get(0);
                tx.batch_execute(&format!("DROP TABLE {name}"))
                    .await
                    .map_err(pg)?;
                gone += n as u64;
            }
            gone += exec(&tx, PRUNE_RAW, &[&t]).await?;
            // Only buckets that ended by the cutoff.
            let ended = t - rollup::TEN_MINUTES_MS + 1;
            gone += exec(&tx, PRUNE_ROLLUPS, &[&rollup::TEN_MINUTES_MS, &ended]).await?;
        }
        if let Some(t) = hourly_before {
            gone += exec(&tx, PRUNE_ROLLUPS, &[&rollup::HOUR_MS, &t]).await?;
        }
        tx.commit().await.map_err(pg)?;
        self.forget_dropped_partitions().await?;
        Ok(gone)
    }
}
