//! A fresh database per test, on the backend the suite runs against.
//!
//! `ZHIFA_TEST_DB=sqlite` (the default) gives each test a new SQLite file in a temporary
//! directory; `ZHIFA_TEST_DB=postgres` gives each test a new PostgreSQL database cloned from
//! a migrated template (`ZHIFA_TEST_PG_URL`, default
//! `postgres://postgres@127.0.0.1:5432/test`, names the server). Test databases are dropped
//! when the [`TestDb`] is dropped.

use sha2::{Digest, Sha256};
use sqlx::{Connection, Row};

use crate::{Backend, Db, LedgerKey, sqlite_url};

/// The backend the test suite runs against.
pub fn backend() -> Backend {
    match std::env::var("ZHIFA_TEST_DB").as_deref() {
        Ok("postgres") | Ok("postgresql") | Ok("pg") => Backend::Postgres,
        _ => Backend::Sqlite,
    }
}

fn pg_admin_url() -> String {
    std::env::var("ZHIFA_TEST_PG_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

fn pg_url_for(db: &str) -> String {
    let admin = pg_admin_url();
    let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
    format!("{base}/{db}")
}

/// A migrated database that lives as long as this value.
pub struct TestDb {
    pub db: Db,
    pub url: String,
    dir: Option<tempfile::TempDir>,
    pg_name: Option<String>,
}

impl TestDb {
    /// A new, migrated, empty database.
    pub async fn new() -> TestDb {
        match backend() {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = sqlite_url(dir.path());
                let db = Db::open(&url, LedgerKey::for_tests()).await.expect("open sqlite");
                TestDb { db, url, dir: Some(dir), pg_name: None }
            }
            Backend::Postgres => {
                let name = format!("zhifa_t_{}", uuid::Uuid::new_v4().simple());
                create_pg_from_template(&name).await;
                let url = pg_url_for(&name);
                let db = Db::open(&url, LedgerKey::for_tests()).await.expect("open postgres test database");
                TestDb { db, url, dir: None, pg_name: Some(name) }
            }
        }
    }

    /// The data directory of a SQLite test database (None on PostgreSQL).
    pub fn dir(&self) -> Option<&std::path::Path> {
        self.dir.as_ref().map(|d| d.path())
    }
}

async fn create_pg_from_template(name: &str) {
    sqlx::any::install_default_drivers();
    let mut hasher = Sha256::new();
    for m in Backend::Postgres.migrator().iter() {
        hasher.update(m.version.to_le_bytes());
        hasher.update(&*m.checksum);
    }
    let digest = hasher.finalize();
    let template = format!("zhifa_tpl_{}", hex::encode(&digest[..6]));
    let lock_key = i64::from_le_bytes(digest[..8].try_into().expect("8 bytes"));
    let mut admin = sqlx::AnyConnection::connect(&pg_admin_url()).await.expect(
        "PostgreSQL for the test suite is not reachable; start it with \
         `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`",
    );
    sqlx::query("SELECT pg_advisory_lock($1)").bind(lock_key).execute(&mut admin).await.expect("lock");
    let exists = sqlx::query("SELECT COUNT(*) FROM pg_database WHERE datname = $1")
        .bind(&template)
        .fetch_one(&mut admin)
        .await
        .expect("query pg_database")
        .try_get::<i64, _>(0)
        .expect("count");
    if exists == 0 {
        let building = format!("{template}_building");
        let exec = |sql: String| sqlx::raw_sql(sqlx::AssertSqlSafe(sql));
        exec(format!("DROP DATABASE IF EXISTS {building} WITH (FORCE)")).execute(&mut admin).await.expect("drop stale");
        exec(format!("CREATE DATABASE {building}")).execute(&mut admin).await.expect("create template");
        let db = Db::open(&pg_url_for(&building), LedgerKey::for_tests()).await.expect("migrate template");
        db.close().await;
        exec(format!("ALTER DATABASE {building} RENAME TO {template}"))
            .execute(&mut admin)
            .await
            .expect("rename template");
    }
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name} TEMPLATE {template}")))
        .execute(&mut admin)
        .await
        .expect("create test database");
    sqlx::query("SELECT pg_advisory_unlock($1)").bind(lock_key).execute(&mut admin).await.expect("unlock");
    let _ = admin.close().await;
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some(name) = self.pg_name.take() else { return };
        // Drop cannot await: drop the database from a thread with its own runtime. FORCE
        // ends the pool's connections on the server side.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
            rt.block_on(async move {
                if let Ok(mut admin) = sqlx::AnyConnection::connect(&pg_admin_url()).await {
                    let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")))
                        .execute(&mut admin)
                        .await;
                }
            });
        })
        .join();
    }
}
