//! One transaction, whatever the engine: [`Exec`] runs a statement of
//! `sql.rs`'s portable kind with [`Value`] parameters, and
//! [`Store::transact`] runs a closure over it in one transaction on either
//! engine. What is written this way (rules, alarms, their history) is
//! written once for both engines.
//!
//! The closure is synchronous and runs on the blocking pool: SQLite is
//! synchronous anyway, and PostgreSQL's calls are driven from there with
//! the runtime's handle.

use std::any::Any;

use super::{Result, Store, access::Get, access::Value};

/// A row as plain values, decoded with [`Get`].
pub type Row = Vec<Value>;

impl Get for Row {
    fn value(&self, i: usize) -> Result<Value> {
        (self.get(i).cloned()).ok_or_else(|| super::StoreError::Invalid(format!("no column {i}")))
    }
}

/// A statement runner inside one transaction.
pub trait Exec {
    /// Runs `sql` with `params` (`$1`… in order); returns the rows changed.
    fn exec(&mut self, sql: &str, params: &[Value]) -> Result<u64>;
    /// Runs `sql` with `params`; returns its rows.
    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>>;
}

/// Work for one transaction, type-erased so the engine trait stays object-safe.
pub type Work = Box<dyn FnOnce(&mut dyn Exec) -> Result<Box<dyn Any + Send>> + Send>;

impl Store {
    /// Runs `f` in one transaction: committed if it returns `Ok`, rolled
    /// back otherwise. Errors: `f`'s, and the engine's.
    pub async fn transact<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut dyn Exec) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let work: Work = Box::new(move |tx| f(tx).map(|t| Box::new(t) as Box<dyn Any + Send>));
        let out = self.0.run_work(work).await?;
        Ok(*out.downcast::<T>().expect("the work returns its own type"))
    }

    /// `f` run in a transaction on rows of one query, decoded.
    pub async fn query<T: Send + 'static>(
        &self,
        sql: &'static str,
        params: Vec<Value>,
        decode: fn(&Row) -> Result<T>,
    ) -> Result<Vec<T>> {
        self.transact(move |tx| tx.query(sql, &params)?.iter().map(decode).collect())
            .await
    }
}
