//! Connecting, configuring and migrating either database.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, ConnectOptions, Executor};

use crate::Result;
use crate::ledger::LedgerKey;

type SqlResult<T> = std::result::Result<T, sqlx::Error>;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

/// Which database is behind the pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn from_url(url: &str) -> Option<Backend> {
        if url.starts_with("sqlite:") {
            Some(Backend::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Some(Backend::Postgres)
        } else {
            None
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        }
    }

    pub(crate) fn migrator(self) -> &'static Migrator {
        match self {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        }
    }
}

/// The database: a pool for reads and a pool for writes, and the key that signs the
/// ledger's checkpoints.
///
/// On SQLite the write pool has one connection, so that writers queue in the process
/// instead of failing with SQLITE_BUSY; on PostgreSQL both are the same pool.
#[derive(Clone, Debug)]
pub struct Db {
    pub(crate) read: AnyPool,
    pub(crate) write: AnyPool,
    backend: Backend,
    pub(crate) appender: tokio::sync::mpsc::UnboundedSender<crate::events::AppendJob>,
    pub(crate) ledger: LedgerKey,
    pub(crate) stats: std::sync::Arc<crate::events::AppendStats>,
}

/// The SQLite URL for the database file under a data directory.
pub fn sqlite_url(data_dir: &Path) -> String {
    format!("sqlite://{}?mode=rwc", data_dir.join("zhifa.sqlite").display())
}

/// Settings for every SQLite connection. WAL with full sync: an acknowledged commit
/// survives a crash of the process or of the machine.
fn sqlite_pragmas(
    conn: &mut sqlx::AnyConnection,
    _meta: sqlx::pool::PoolConnectionMetadata,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = SqlResult<()>> + Send + '_>> {
    Box::pin(async move {
        conn.execute(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
             PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;",
        )
        .await?;
        Ok(())
    })
}

impl Db {
    /// Connects to `url` (`sqlite://…` or `postgres://…`); `ledger` signs the checkpoints
    /// of the appends made through this handle. Does not migrate.
    pub async fn connect(url: &str, ledger: LedgerKey) -> Result<Db> {
        sqlx::any::install_default_drivers();
        let backend = Backend::from_url(url).ok_or_else(|| {
            sqlx::Error::Configuration(
                format!("不支持的数据库地址：{url}（应以 sqlite:// 或 postgres:// 开头）").into(),
            )
        })?;
        let opts = AnyConnectOptions::from_str(url)?.disable_statement_logging();
        match backend {
            Backend::Sqlite => {
                let pragmas = sqlite_pragmas;
                let write = AnyPoolOptions::new()
                    .max_connections(1)
                    .acquire_timeout(Duration::from_secs(30))
                    .after_connect(pragmas)
                    .connect_with(opts.clone())
                    .await?;
                let read = AnyPoolOptions::new()
                    .max_connections(8)
                    .min_connections(0)
                    .after_connect(pragmas)
                    .connect_with(opts)
                    .await?;
                Ok(Db::with_pools(read, write, backend, ledger))
            }
            Backend::Postgres => {
                let pool = AnyPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(30))
                    .connect_with(opts)
                    .await?;
                Ok(Db::with_pools(pool.clone(), pool, backend, ledger))
            }
        }
    }

    fn with_pools(read: AnyPool, write: AnyPool, backend: Backend, ledger: LedgerKey) -> Db {
        let (appender, rx) = tokio::sync::mpsc::unbounded_channel();
        let stats = std::sync::Arc::default();
        tokio::spawn(crate::events::group_commit_writer(
            write.clone(),
            backend,
            ledger.clone(),
            std::sync::Arc::clone(&stats),
            rx,
        ));
        Db { read, write, backend, appender, ledger, stats }
    }

    /// Connects, applies the embedded migrations and readies the ledger: events stored
    /// before the ledger existed are hashed, and a ledger signed by another key than
    /// `ledger` is refused (see [`LedgerKey`] for where the key comes from).
    pub async fn open(url: &str, ledger: LedgerKey) -> Result<Db> {
        let db = Db::connect(url, ledger).await?;
        db.migrate().await?;
        crate::ledger::prepare(&db).await?;
        Ok(db)
    }

    /// Applies the embedded migrations of this backend.
    pub async fn migrate(&self) -> Result<()> {
        self.backend.migrator().run(&self.write).await?;
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Begins a write transaction (see [`begin_write`]).
    pub(crate) async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>> {
        begin_write(&self.write, self.backend).await
    }

    /// The pool for reads (for ad-hoc queries in tests and benchmarks).
    pub fn reader(&self) -> &AnyPool {
        &self.read
    }

    /// The pool for writes.
    pub fn writer(&self) -> &AnyPool {
        &self.write
    }

    pub async fn close(&self) {
        self.write.close().await;
        self.read.close().await;
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.read).await?;
        Ok(())
    }
}

/// Begins a write transaction. On SQLite it takes the write lock at once (`BEGIN
/// IMMEDIATE`): a deferred transaction that reads the ledger head and then writes would
/// fail with "database is locked" at once, without waiting, when another process wrote in
/// between; an immediate one waits for the lock (busy_timeout).
pub(crate) async fn begin_write(pool: &AnyPool, backend: Backend) -> Result<sqlx::Transaction<'static, sqlx::Any>> {
    Ok(match backend {
        Backend::Sqlite => pool.begin_with("BEGIN IMMEDIATE").await?,
        Backend::Postgres => pool.begin().await?,
    })
}
