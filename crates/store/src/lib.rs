//! zhifa-store: the database behind zhifa.
//!
//! One SQL code path over SQLite and PostgreSQL (sqlx's `Any` driver with `$N`
//! placeholders, which both accept). Values cross the boundary as text and 64-bit integers
//! only: times as RFC 3339 UTC text, ids as UUID text, structured values as JSON text.
//!
//! Error policy: a stale writer gets [`StoreError::Conflict`]; a violated unique constraint
//! becomes [`StoreError::Duplicate`] naming the constraint; everything else is
//! [`StoreError::Database`] with its cause, which the web layer logs and answers as 500.

pub mod accounts;
pub mod cases;
mod db;
pub mod documents;
pub mod evaluation;
mod events;
pub mod feedback;
pub mod inspection;
pub mod ledger;
mod projection;
pub mod publications;
pub mod queries;
mod script;
pub mod supervision;
pub mod testing;

pub use db::{Backend, Db, sqlite_url};
pub use events::{Append, AppendCounts, AppendStats, ExpectedVersion};
pub use ledger::LedgerKey;

/// Errors of the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("数据已被他人修改（事件流{stream}当前版本为{actual}，提交时依据的是{expected}），请刷新后重试")]
    Conflict { stream: String, expected: i64, actual: i64 },
    #[error("违反唯一性约束：{0}")]
    Duplicate(String),
    #[error("the group commit failed: {0}")]
    Batch(String),
    #[error("stored data could not be decoded: {0}")]
    Corrupt(String),
    #[error("账本：{0}")]
    Ledger(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration error: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// A query whose text is assembled from this crate's own constant fragments (column lists),
/// never from user input.
pub(crate) fn q(text: String) -> sqlx::query::Query<'static, sqlx::Any, sqlx::any::AnyArguments> {
    sqlx::query(sqlx::AssertSqlSafe(text))
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

impl StoreError {
    /// Maps a database error, turning unique violations into [`StoreError::Duplicate`].
    pub(crate) fn from_db(e: sqlx::Error) -> Self {
        if let sqlx::Error::Database(d) = &e
            && d.is_unique_violation()
        {
            return StoreError::Duplicate(d.message().to_string());
        }
        StoreError::Database(e)
    }
}
