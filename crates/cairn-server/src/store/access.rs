//! What lets code written once run on both engines: [`Value`], a parameter
//! either driver binds, and [`Get`], typed access to a row of either.

use bytes::BytesMut;
use tokio_postgres::types::{self as pg, IsNull, Type};

use super::{Result, StoreError};

/// A parameter. PostgreSQL is strict about types: `Int` is for `INTEGER`
/// columns, `Big` for `BIGINT`, `Real` for `DOUBLE PRECISION`,
/// `Bool` for `BOOLEAN` (SQLite: 0/1), `Bytes` for `BYTEA`/`BLOB`.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Int(i32),
    Big(i64),
    Real(f64),
    Text(String),
    Bool(bool),
    Bytes(Vec<u8>),
    Null,
}

impl From<i64> for Value {
    fn from(v: i64) -> Value {
        Value::Big(v)
    }
}

impl From<bool> for Value {
    fn from(v: bool) -> Value {
        Value::Bool(v)
    }
}

impl From<&[u8]> for Value {
    fn from(v: &[u8]) -> Value {
        Value::Bytes(v.to_vec())
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::Text(s.to_owned())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::Text(s)
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Value {
        v.map_or(Value::Null, Into::into)
    }
}

impl From<f64> for Value {
    fn from(v: f64) -> Value {
        Value::Real(v)
    }
}

impl rusqlite::ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(ToSqlOutput::Borrowed(match self {
            Value::Int(v) => ValueRef::Integer(i64::from(*v)),
            Value::Big(v) => ValueRef::Integer(*v),
            Value::Real(v) => ValueRef::Real(*v),
            Value::Text(s) => ValueRef::Text(s.as_bytes()),
            Value::Bool(v) => ValueRef::Integer(i64::from(*v)),
            Value::Bytes(v) => ValueRef::Blob(v),
            Value::Null => ValueRef::Null,
        }))
    }
}

impl pg::ToSql for Value {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut BytesMut,
    ) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match self {
            Value::Int(v) => v.to_sql(ty, out),
            Value::Big(v) => v.to_sql(ty, out),
            Value::Real(v) => v.to_sql(ty, out),
            Value::Text(s) => s.to_sql(ty, out),
            Value::Bool(v) => v.to_sql(ty, out),
            Value::Bytes(v) => v.to_sql(ty, out),
            Value::Null => Ok(IsNull::Yes),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    fn to_sql_checked(
        &self,
        ty: &Type,
        out: &mut BytesMut,
    ) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match self {
            Value::Int(v) => v.to_sql_checked(ty, out),
            Value::Big(v) => v.to_sql_checked(ty, out),
            Value::Real(v) => v.to_sql_checked(ty, out),
            Value::Text(s) => s.to_sql_checked(ty, out),
            Value::Bool(v) => v.to_sql_checked(ty, out),
            Value::Bytes(v) => v.to_sql_checked(ty, out),
            Value::Null => Ok(IsNull::Yes),
        }
    }
}

/// Typed access to column `i` of a row: each engine says what a column
/// holds ([`Get::value`]), the typed accessors are written once. Integers
/// of any width come back as `i64`; SQLite's 0/1 as `bool`. A value of
/// another type, or a `NULL` where none may be, is an error.
pub trait Get {
    /// Column `i` as a [`Value`] (`Null` for SQL `NULL`).
    fn value(&self, i: usize) -> Result<Value>;

    fn opt_i64(&self, i: usize) -> Result<Option<i64>> {
        match self.value(i)? {
            Value::Int(v) => Ok(Some(i64::from(v))),
            Value::Big(v) => Ok(Some(v)),
            Value::Null => Ok(None),
            v => Err(unexpected(i, "an integer", &v)),
        }
    }
    fn opt_f64(&self, i: usize) -> Result<Option<f64>> {
        match self.value(i)? {
            Value::Real(v) => Ok(Some(v)),
            Value::Null => Ok(None),
            v => Err(unexpected(i, "a real", &v)),
        }
    }
    fn opt_text(&self, i: usize) -> Result<Option<String>> {
        match self.value(i)? {
            Value::Text(v) => Ok(Some(v)),
            Value::Null => Ok(None),
            v => Err(unexpected(i, "text", &v)),
        }
    }
    fn i64(&self, i: usize) -> Result<i64> {
        self.opt_i64(i)?
            .ok_or_else(|| unexpected(i, "an integer", &Value::Null))
    }
    fn f64(&self, i: usize) -> Result<f64> {
        self.opt_f64(i)?
            .ok_or_else(|| unexpected(i, "a real", &Value::Null))
    }
    fn text(&self, i: usize) -> Result<String> {
        self.opt_text(i)?
            .ok_or_else(|| unexpected(i, "text", &Value::Null))
    }
    fn bool(&self, i: usize) -> Result<bool> {
        match self.value(i)? {
            Value::Bool(v) => Ok(v),
            Value::Int(_) | Value::Big(_) => Ok(self.i64(i)? != 0),
            v => Err(unexpected(i, "a boolean", &v)),
        }
    }
    fn bytes(&self, i: usize) -> Result<Vec<u8>> {
        match self.value(i)? {
            Value::Bytes(v) => Ok(v),
            v => Err(unexpected(i, "bytes", &v)),
        }
    }
}

fn unexpected(i: usize, want: &str, got: &Value) -> StoreError {
    StoreError::Invalid(format!("column {i}: {got:?} where {want} belongs"))
}

impl Get for rusqlite::Row<'_> {
    fn value(&self, i: usize) -> Result<Value> {
        use rusqlite::types::ValueRef;
        Ok(match self.get_ref(i)? {
            ValueRef::Null => Value::Null,
            ValueRef::Integer(v) => Value::Big(v),
            ValueRef::Real(v) => Value::Real(v),
            ValueRef::Text(_) => Value::Text(self.get(i)?),
            ValueRef::Blob(b) => Value::Bytes(b.to_vec()),
        })
    }
}

impl Get for tokio_postgres::Row {
    fn value(&self, i: usize) -> Result<Value> {
        fn get<'a, T: pg::FromSql<'a>>(r: &'a tokio_postgres::Row, i: usize) -> Result<Option<T>> {
            r.try_get(i)
                .map_err(|e| StoreError::Postgres(e.to_string()))
        }
        let ty = self.columns()[i].type_();
        let value = match *ty {
            Type::INT4 => get(self, i)?.map(Value::Int),
            Type::INT8 => get(self, i)?.map(Value::Big),
            Type::FLOAT8 => get(self, i)?.map(Value::Real),
            Type::TEXT | Type::VARCHAR | Type::NAME => get(self, i)?.map(Value::Text),
            Type::BOOL => get(self, i)?.map(Value::Bool),
            Type::BYTEA => get(self, i)?.map(Value::Bytes),
            _ => return Err(StoreError::Invalid(format!("column {i} of type {ty}"))),
        };
        Ok(value.unwrap_or(Value::Null))
    }
}
