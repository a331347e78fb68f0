//! What the process-level tests share: a database for the server under test (SQLite in a
//! temporary directory, or a fresh PostgreSQL database when `ZHIFA_TEST_DB=postgres`), the
//! command that starts `zhifa serve` on it, and valid citizen IDs.

#![allow(dead_code)] // each test binary uses its own part of this module

use std::process::{Command, Stdio};

/// Where the server keeps its data; dropping it drops the PostgreSQL database (WITH (FORCE),
/// so a server still connected does not block it).
pub struct TestStore {
    pub dir: tempfile::TempDir,
    /// `ZHIFA_DATABASE_URL` for PostgreSQL; `None` for SQLite in `dir`.
    pub database_url: Option<String>,
    /// (admin URL, database name) to drop at the end.
    pg: Option<(String, String)>,
}

impl TestStore {
    /// A fresh store; PostgreSQL databases are named `<prefix><random>`.
    pub fn new(prefix: &str) -> TestStore {
        let dir = tempfile::tempdir().expect("a temporary data directory");
        match std::env::var("ZHIFA_TEST_DB").as_deref() {
            Err(_) | Ok("" | "sqlite") => TestStore { dir, database_url: None, pg: None },
            Ok("postgres") => {
                let admin = std::env::var("ZHIFA_TEST_PG_URL")
                    .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
                let name = format!("{prefix}{}", &uuid::Uuid::new_v4().simple().to_string()[..12]);
                psql(&admin, &format!("CREATE DATABASE {name}"));
                let url = database_url_for(&admin, &name);
                TestStore { dir, database_url: Some(url), pg: Some((admin, name)) }
            }
            Ok(other) => panic!("ZHIFA_TEST_DB={other}: expected sqlite or postgres"),
        }
    }

    pub fn backend(&self) -> &'static str {
        if self.pg.is_some() { "PostgreSQL" } else { "SQLite" }
    }

    /// `zhifa serve` on this store, listening on a free port, its settings isolated from the
    /// environment; stdout is piped (the start-up line names the URL).
    pub fn serve_command(&self, demo: bool) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_zhifa"));
        cmd.args(["serve", "--bind", "127.0.0.1:0"]);
        if demo {
            cmd.arg("--demo");
        }
        for var in ["ZHIFA_CONFIG", "ZHIFA_DATABASE_URL", "ZHIFA_DATA_DIR", "ZHIFA_BIND"] {
            cmd.env_remove(var);
        }
        cmd.env("ZHIFA_DATA_DIR", self.dir.path());
        if let Some(url) = &self.database_url {
            cmd.env("ZHIFA_DATABASE_URL", url);
        }
        cmd.stdin(Stdio::null()).stdout(Stdio::piped());
        cmd
    }
}

impl Drop for TestStore {
    fn drop(&mut self) {
        if let Some((admin, name)) = &self.pg {
            let status = Command::new("psql")
                .args([admin.as_str(), "-q", "-v", "ON_ERROR_STOP=1", "-c"])
                .arg(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .stdout(Stdio::null())
                .status();
            if !matches!(status, Ok(s) if s.success()) {
                eprintln!("warning: could not drop the test database {name}: {status:?}");
            }
        }
    }
}

fn psql(admin_url: &str, sql: &str) {
    let out = Command::new("psql")
        .args([admin_url, "-q", "-v", "ON_ERROR_STOP=1", "-c", sql])
        .output()
        .expect("psql should be installed (scripts/install-test-deps)");
    assert!(
        out.status.success(),
        "psql `{sql}` on {admin_url} failed (is PostgreSQL running? scripts/install-test-deps starts it): {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The admin URL with its database name replaced by `name` (query string kept).
fn database_url_for(admin_url: &str, name: &str) -> String {
    let (base, query) = match admin_url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (admin_url, None),
    };
    let authority = base.find("://").map_or(0, |i| i + 3);
    let base = match base[authority..].find('/') {
        Some(slash) => &base[..authority + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

/// `zhifa 已启动：http://127.0.0.1:PORT/ （数据库：SQLite，用时 713 毫秒）` → `http://127.0.0.1:PORT`.
pub fn parse_base_url(line: &str) -> Option<String> {
    let start = line.find("http://")?;
    let url: String = line[start..].chars().take_while(|c| !c.is_whitespace() && *c != '（').collect();
    Some(url.trim_end_matches('/').to_string())
}

/// A valid citizen ID: the 17 digits and their GB 11643 check digit.
pub fn citizen_id(first17: &str) -> String {
    format!("{first17}{}", zhifa_core::ids::CitizenId::check_digit(first17.as_bytes()))
}

/// Runs the `zhifa` binary on a data directory with SQLite, as a user at a shell would
/// (no database URL or configuration file from the environment).
pub fn run_zhifa(data: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_zhifa"))
        .args(args)
        .env("ZHIFA_DATA_DIR", data)
        .env_remove("ZHIFA_DATABASE_URL")
        .env_remove("ZHIFA_CONFIG")
        .output()
        .expect("run zhifa")
}
