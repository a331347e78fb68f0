//! Write statements collected before they run, so that a transaction's writes can go to the
//! database either one bound statement at a time or as one SQL script.
//!
//! Why a script: an append is a handful of statements (the version check, the event, its
//! projection rows, the ledger head) and every statement run through sqlx costs a round trip
//! to PostgreSQL or a hop to SQLite's worker thread. Sent as one script — one simple-query
//! message on PostgreSQL, one call into SQLite — a whole group commit costs one round trip
//! plus the commit, which is what makes appending with the ledger keep up with raw inserts
//! (docs/PERFORMANCE.md). Neither sqlx nor another maintained crate renders bound arguments
//! as SQL literals for both databases, so [`Writes::render`] does it here, for the four kinds
//! of value this crate binds; a value it cannot write safely (text with a NUL character)
//! makes it decline, and the caller runs the bound statements instead.

use std::fmt::Write as _;

use sqlx::AnyConnection;

use crate::{Backend, Result, StoreError};

/// A value bound to a statement: the only kinds this crate stores (see the crate docs).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Int(Option<i64>),
    Text(Option<String>),
    Bytes(Vec<u8>),
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(Some(v))
    }
}

impl From<Option<i64>> for Value {
    fn from(v: Option<i64>) -> Self {
        Value::Int(v)
    }
}

impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(Some(v))
    }
}

impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(Some(v.to_string()))
    }
}

impl From<&String> for Value {
    fn from(v: &String) -> Self {
        Value::Text(Some(v.clone()))
    }
}

impl From<Option<String>> for Value {
    fn from(v: Option<String>) -> Self {
        Value::Text(v)
    }
}

impl From<Option<&str>> for Value {
    fn from(v: Option<&str>) -> Self {
        Value::Text(v.map(str::to_string))
    }
}

impl From<Vec<u8>> for Value {
    fn from(v: Vec<u8>) -> Self {
        Value::Bytes(v)
    }
}

/// The arguments of a statement, in placeholder order: `args![a, b]` for `$1, $2`.
macro_rules! args {
    ($($v:expr),* $(,)?) => { vec![$($crate::script::Value::from($v)),*] };
}
pub(crate) use args;

/// One statement with its arguments (`$1` is `args[0]`), or one statement inserting many
/// rows: `head` followed by `row` once per row, each row with its own arguments.
#[derive(Debug, Clone)]
enum Stmt {
    One { sql: &'static str, args: Vec<Value> },
    Rows { head: &'static str, row: &'static str, rows: Vec<Vec<Value>> },
}

/// The writes of one transaction, in order.
#[derive(Debug, Default)]
pub(crate) struct Writes {
    stmts: Vec<Stmt>,
}

impl Writes {
    pub(crate) fn push(&mut self, sql: &'static str, args: Vec<Value>) {
        debug_assert!(renderable(sql, args.len()), "{sql}");
        self.stmts.push(Stmt::One { sql, args });
    }

    /// One multi-row statement: `head` (e.g. `INSERT INTO t (a, b) VALUES `) and `row`
    /// (e.g. `($1, $2)`) once per element of `rows`. In a script it is one statement; bound,
    /// one statement per row. Nothing is pushed for no rows.
    pub(crate) fn push_rows(&mut self, head: &'static str, row: &'static str, rows: Vec<Vec<Value>>) {
        debug_assert!(rows.iter().all(|a| renderable(head, 0) && renderable(row, a.len())), "{head}{row}");
        if !rows.is_empty() {
            self.stmts.push(Stmt::Rows { head, row, rows });
        }
    }

    /// Runs every statement, bound, in `conn`'s transaction; a unique violation becomes
    /// [`StoreError::Duplicate`].
    pub(crate) async fn run(&self, conn: &mut AnyConnection) -> Result<()> {
        self.run_counting(conn).await.map(drop)
    }

    /// [`Writes::run`], telling how many rows the statements affected in all.
    pub(crate) async fn run_counting(&self, conn: &mut AnyConnection) -> Result<u64> {
        let mut affected = 0;
        for s in &self.stmts {
            match s {
                Stmt::One { sql, args } => affected += run_bound(conn, sqlx::query(*sql), args).await?,
                Stmt::Rows { head, row, rows } => {
                    let sql = format!("{head}{row}");
                    for args in rows {
                        affected += run_bound(conn, sqlx::query(sqlx::AssertSqlSafe(sql.clone())), args).await?;
                    }
                }
            }
        }
        Ok(affected)
    }

    /// Appends every statement to `out` with its arguments written as literals, each ended
    /// by `;`. Declines (returns false, `out` possibly half-written) on a value it cannot
    /// write as a literal.
    pub(crate) fn render(&self, backend: Backend, out: &mut String) -> bool {
        self.stmts.iter().all(|s| {
            let rendered = match s {
                Stmt::One { sql, args } => renderable(sql, args.len()) && render_sql(backend, sql, args, out),
                Stmt::Rows { head, row, rows } => {
                    out.push_str(head);
                    rows.iter().enumerate().all(|(i, args)| {
                        if i > 0 {
                            out.push_str(", ");
                        }
                        renderable(row, args.len()) && render_sql(backend, row, args, out)
                    })
                }
            };
            out.push_str(";\n");
            rendered
        })
    }
}

async fn run_bound<'q>(
    conn: &mut AnyConnection,
    mut q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>,
    args: &[Value],
) -> Result<u64> {
    for v in args {
        q = match v {
            Value::Int(i) => q.bind(*i),
            Value::Text(t) => q.bind(t.clone()),
            Value::Bytes(b) => q.bind(b.clone()),
        };
    }
    Ok(q.execute(&mut *conn).await.map_err(StoreError::from_db)?.rows_affected())
}

/// Whether `sql` is simple enough for the placeholder scan below, which knows only
/// '…' literals: no comments, quoted identifiers or dollar-quoted strings (none of this
/// crate's statements has one; a future one is declined and runs bound), and `args` fills
/// its placeholders exactly, so none is left for the database to read as NULL.
fn renderable(sql: &str, args: usize) -> bool {
    !sql.contains("--") && !sql.contains("/*") && !sql.contains('"') && !sql.contains("$$") && placeholders(sql) == args
}

/// The number of distinct `$N` placeholders, outside quoted literals (the largest N).
fn placeholders(sql: &str) -> usize {
    let mut max = 0;
    let mut rest = sql;
    let mut quoted = false;
    while let Some(c) = rest.chars().next() {
        rest = &rest[c.len_utf8()..];
        match c {
            '\'' => quoted = !quoted,
            '$' if !quoted => {
                let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
                if let Ok(n) = rest[..digits].parse::<usize>() {
                    max = max.max(n);
                }
                rest = &rest[digits..];
            }
            _ => {}
        }
    }
    max
}

/// Writes `sql` with its placeholders replaced by `args` as literals.
fn render_sql(backend: Backend, sql: &str, args: &[Value], out: &mut String) -> bool {
    let mut rest = sql;
    let mut quoted = false;
    while let Some(c) = rest.chars().next() {
        rest = &rest[c.len_utf8()..];
        match c {
            '\'' => {
                quoted = !quoted;
                out.push(c);
            }
            '$' if !quoted => {
                let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
                let Some(value) = rest[..digits].parse::<usize>().ok().and_then(|n| args.get(n.checked_sub(1)?)) else {
                    return false;
                };
                if !literal(backend, value, out) {
                    return false;
                }
                rest = &rest[digits..];
            }
            _ => out.push(c),
        }
    }
    true
}

/// Writes `value` as a literal of `backend`'s SQL. PostgreSQL gets explicitly typed
/// literals, so that a value in a `SELECT` list has the column's type rather than text.
fn literal(backend: Backend, value: &Value, out: &mut String) -> bool {
    match (backend, value) {
        (Backend::Sqlite, Value::Int(Some(i))) => {
            let _ = write!(out, "{i}");
        }
        (Backend::Postgres, Value::Int(Some(i))) => {
            let _ = write!(out, "CAST({i} AS BIGINT)");
        }
        (Backend::Sqlite, Value::Int(None) | Value::Text(None)) => out.push_str("NULL"),
        (Backend::Postgres, Value::Int(None)) => out.push_str("CAST(NULL AS BIGINT)"),
        (Backend::Postgres, Value::Text(None)) => out.push_str("CAST(NULL AS TEXT)"),
        (_, Value::Text(Some(t))) => {
            // Neither database can hold a NUL in text; the bound statement reports it.
            if t.contains('\0') {
                return false;
            }
            match backend {
                // SQLite: only the quote is special inside '…'.
                Backend::Sqlite => out.push('\''),
                // An escape string: its meaning does not depend on standard_conforming_strings.
                Backend::Postgres => out.push_str("E'"),
            }
            for c in t.chars() {
                match c {
                    '\'' => out.push_str("''"),
                    '\\' if backend == Backend::Postgres => out.push_str("\\\\"),
                    c => out.push(c),
                }
            }
            out.push('\'');
            if backend == Backend::Postgres {
                out.push_str("::TEXT");
            }
        }
        (Backend::Sqlite, Value::Bytes(b)) => {
            let _ = write!(out, "X'{}'", hex::encode(b));
        }
        (Backend::Postgres, Value::Bytes(b)) => {
            let _ = write!(out, "decode('{}', 'hex')", hex::encode(b));
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rendered(backend: Backend, sql: &'static str, args: Vec<Value>) -> Option<String> {
        let mut w = Writes::default();
        w.push(sql, args);
        let mut out = String::new();
        w.render(backend, &mut out).then_some(out)
    }

    #[test]
    fn placeholders_are_counted_outside_literals() {
        assert_eq!(placeholders("UPDATE t SET a = $2, s = '$9' WHERE id = $1 AND b = $12"), 12);
        assert_eq!(placeholders("SELECT 1"), 0);
    }

    #[test]
    fn quotes_and_backslashes_cannot_leave_the_literal() {
        let hostile = r"x'); DROP TABLE events; -- \' \\";
        let s = rendered(Backend::Sqlite, "INSERT INTO t VALUES ($1, 'a$1')", args![hostile]).unwrap();
        assert_eq!(s, "INSERT INTO t VALUES ('x''); DROP TABLE events; -- \\'' \\\\', 'a$1');\n");
        let p = rendered(Backend::Postgres, "INSERT INTO t VALUES ($1)", args![hostile]).unwrap();
        assert_eq!(p, "INSERT INTO t VALUES (E'x''); DROP TABLE events; -- \\\\'' \\\\\\\\'::TEXT);\n");
    }

    #[test]
    fn values_of_every_kind_render_per_backend() {
        let a = args![-5i64, None::<i64>, None::<String>, vec![0xab_u8, 0x01], "三"];
        let sql = "VALUES ($1, $2, $3, $4, $5)";
        assert_eq!(rendered(Backend::Sqlite, sql, a.clone()).unwrap(), "VALUES (-5, NULL, NULL, X'ab01', '三');\n");
        assert_eq!(
            rendered(Backend::Postgres, sql, a).unwrap(),
            "VALUES (CAST(-5 AS BIGINT), CAST(NULL AS BIGINT), CAST(NULL AS TEXT), decode('ab01', 'hex'), E'三'::TEXT);\n"
        );
    }

    #[test]
    fn statements_the_scan_cannot_read_decline_the_script() {
        // Pushed past `push`, whose debug assertion would stop them first.
        let declined = |sql: &'static str, args: Vec<Value>| {
            let w = Writes { stmts: vec![Stmt::One { sql, args }] };
            !w.render(Backend::Sqlite, &mut String::new()) && !w.render(Backend::Postgres, &mut String::new())
        };
        assert!(declined("SELECT $1 -- it's", args![1i64]));
        assert!(declined("SELECT $1 /* it's */", args![1i64]));
        assert!(declined("SELECT \"a\" FROM t WHERE b = $1", args![1i64]));
        assert!(declined("SELECT $1, $2", args![1i64]), "a placeholder without its argument");
        assert!(declined("SELECT $1", args![1i64, 2i64]), "an argument without its placeholder");
    }

    #[test]
    fn many_rows_render_as_one_statement() {
        let mut w = Writes::default();
        w.push_rows("INSERT INTO t (a, b) VALUES ", "($1, $2)", vec![args![1i64, "x"], args![2i64, "y'z"]]);
        w.push_rows("INSERT INTO t (a, b) VALUES ", "($1, $2)", vec![]);
        w.push("DELETE FROM u WHERE a = $1", args![3i64]);
        let mut out = String::new();
        assert!(w.render(Backend::Sqlite, &mut out));
        assert_eq!(out, "INSERT INTO t (a, b) VALUES (1, 'x'), (2, 'y''z');\nDELETE FROM u WHERE a = 3;\n");
    }

    #[test]
    fn a_nul_in_text_declines_the_script() {
        assert_eq!(rendered(Backend::Sqlite, "SELECT $1", args!["a\0b"]), None);
        assert_eq!(rendered(Backend::Postgres, "SELECT $1", args!["a\0b"]), None);
    }
}
