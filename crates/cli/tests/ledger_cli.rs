//! `zhifa ledger` as an operator runs it, against a data directory with the demo loaded and
//! two evidence photos attached to a case, on SQLite or — with `ZHIFA_TEST_DB=postgres` —
//! PostgreSQL (rule X-01). Each tampering is done by hand behind the program's back (the
//! append-only triggers lifted with raw SQL, a blob file rewritten in the store directory)
//! and must make `zhifa ledger verify` exit non-zero naming what was touched.

mod support;

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;
use sqlx::{Connection, Row};
use support::TestStore;
use uuid::Uuid;
use zhifa_app::App;
use zhifa_app::evidence::{AvUpload, UploadProgress};
use zhifa_blob::{BlobConfig, Uploads};
use zhifa_core::case::AvMetadata;
use zhifa_ledger::{Hash, NoteVerifier};
use zhifa_store::{Db, LedgerKey};

/// Two small photos (PNG by their magic bytes; too short to decode, which is allowed).
const PHOTO_1: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR photo one: the shop counter, 2026";
const PHOTO_2: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR photo two: the scales and the sealed goods";

/// A demo data directory and database.
struct Demo {
    store: TestStore,
}

/// What `zhifa` printed and how it ended.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// An evidence file attached by the fixture.
struct Evidence {
    case_id: Uuid,
    case_number: String,
    file_name: &'static str,
    sha256: String,
}

impl Demo {
    fn new() -> Demo {
        let demo = Demo { store: TestStore::new("zhifa_c_") };
        let run = demo.zhifa(&["demo"]);
        assert_eq!(run.code, Some(0), "zhifa demo: {}", run.stderr);
        demo
    }

    fn zhifa(&self, args: &[&str]) -> Run {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_zhifa"));
        for var in ["ZHIFA_CONFIG", "ZHIFA_DATABASE_URL", "ZHIFA_DATA_DIR", "ZHIFA_LEDGER_KEY_FILE", "ZHIFA_BLOB_STORE"]
        {
            cmd.env_remove(var);
        }
        cmd.env("ZHIFA_DATA_DIR", self.store.dir.path()).env("ZHIFA_LOG", "warn");
        if let Some(url) = &self.store.database_url {
            cmd.env("ZHIFA_DATABASE_URL", url);
        }
        let out = cmd.args(args).output().expect("run zhifa");
        Run {
            code: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    fn url(&self) -> String {
        self.store.database_url.clone().unwrap_or_else(|| zhifa_store::sqlite_url(self.store.dir.path()))
    }

    /// `zhifa ledger verify`, expected to find something: its report.
    fn verify_finds(&self) -> String {
        let run = self.zhifa(&["ledger", "verify"]);
        assert_eq!(run.code, Some(1), "a finding exits with 1\n{}\n{}", run.stdout, run.stderr);
        assert!(run.stdout.contains("结论：发现"), "{}", run.stdout);
        run.stdout
    }

    /// Attaches the two photos to a demo case of `scj-zf` through the application, with
    /// the evidence store in the data directory — as the web upload does.
    async fn attach_photos(&self) -> Vec<Evidence> {
        let key = LedgerKey::load(&self.store.dir.path().join("ledger.key")).unwrap();
        let db = Db::open(&self.url(), key).await.unwrap();
        let uploads = Uploads::open(&BlobConfig::new(self.store.dir.path())).unwrap();
        let app = App::new(db.clone()).with_files(uploads);
        let zf = db.account_for_login("scj-zf").await.unwrap().unwrap().0.principal();
        let case = app
            .cases_for(&zf)
            .await
            .unwrap()
            .into_iter()
            .find(|c| c.stage != "archived" && c.stage != "closed")
            .expect("an open demo case");
        let mut out = Vec::new();
        for (file_name, bytes) in [("现场照片一.png", PHOTO_1), ("现场照片二.png", PHOTO_2)] {
            let meta = AvMetadata {
                record_id: None,
                captured_at: zhifa_app::cases::beijing_now() - chrono::TimeDelta::hours(1),
                place: "安乡县深柳镇".into(),
                captured_by: "执法人员".into(),
                production_method: "执法记录仪拍摄".into(),
                maker: "执法人员".into(),
                proves: "现场情况".into(),
                transcript: String::new(),
                interruptions: vec![],
                interruption_explanation: String::new(),
                remote_return_at: None,
                sensitivity: Default::default(),
            };
            let upload = AvUpload {
                file_name: file_name.into(),
                media_type: "image/png".into(),
                total_size: bytes.len() as u64,
                sha256: None,
                meta,
            };
            let state = app.begin_av_upload(&zf, case.id, upload).await.unwrap();
            let body = axum::body::Body::from(bytes.to_vec()).into_data_stream();
            let done = app.append_av_upload(&zf, &state.id, 0, body).await.unwrap();
            assert!(matches!(done, UploadProgress::Attached { .. }), "{done:?}");
            let sha256 = zhifa_blob::Sha256::of(bytes).to_hex();
            out.push(Evidence { case_id: case.id, case_number: case.number.clone(), file_name, sha256 });
        }
        db.close().await;
        out
    }

    /// The stored blob of a file in the local evidence store.
    fn blob_path(&self, sha256: &str) -> PathBuf {
        let path = self.store.dir.path().join("blobs/sha256").join(&sha256[0..2]).join(&sha256[2..4]).join(sha256);
        assert!(path.is_file(), "{} is stored", path.display());
        // Stored blobs are read-only; the tamperer does not care.
        let mut perms = std::fs::metadata(&path).unwrap().permissions();
        #[allow(clippy::permissions_set_readonly_false)]
        perms.set_readonly(false);
        std::fs::set_permissions(&path, perms).unwrap();
        path
    }

    /// Runs `sql` directly on the database with the append-only triggers of `events`
    /// lifted, as someone with database access could.
    async fn tamper(&self, sql: &str) {
        sqlx::any::install_default_drivers();
        let mut conn = sqlx::AnyConnection::connect(&self.url()).await.unwrap();
        let script = if self.store.database_url.is_some() {
            format!("ALTER TABLE events DISABLE TRIGGER USER; {sql}; ALTER TABLE events ENABLE TRIGGER USER")
        } else {
            format!("DROP TRIGGER IF EXISTS events_refuse_update; DROP TRIGGER IF EXISTS events_refuse_delete; {sql}")
        };
        sqlx::raw_sql(sqlx::AssertSqlSafe(script)).execute(&mut conn).await.expect("tampering SQL");
        conn.close().await.unwrap();
    }

    /// The stored case events: (position, stream, version), by position.
    async fn case_events(&self) -> Vec<(i64, String, i64)> {
        sqlx::any::install_default_drivers();
        let mut conn = sqlx::AnyConnection::connect(&self.url()).await.unwrap();
        let rows = sqlx::query(
            "SELECT position, stream_id, version FROM events WHERE stream_id LIKE 'case:%' ORDER BY position",
        )
        .fetch_all(&mut conn)
        .await
        .unwrap();
        conn.close().await.unwrap();
        rows.iter().map(|r| (r.get(0), r.get(1), r.get(2))).collect()
    }

    /// An event in the middle of the longest case stream (a later version follows it).
    async fn middle_case_event(&self) -> (i64, String, i64) {
        let events = self.case_events().await;
        let mut count = std::collections::HashMap::new();
        for (_, s, _) in &events {
            *count.entry(s.clone()).or_insert(0) += 1;
        }
        let (longest, n) = count.into_iter().max_by_key(|(_, n)| *n).unwrap();
        assert!(n >= 3, "a demo case with several events");
        events.into_iter().filter(|(_, s, _)| *s == longest).nth(n / 2).unwrap()
    }
}

fn b64(v: &Value) -> Hash {
    Hash::from_base64(v.as_str().unwrap()).unwrap()
}

// rule: X-01
#[tokio::test]
async fn an_untouched_ledger_and_its_evidence_verify_and_the_key_checks_the_checkpoint() {
    let demo = Demo::new();
    let files = demo.attach_photos().await;
    let run = demo.zhifa(&["ledger", "verify"]);
    assert_eq!(run.code, Some(0), "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("结论：未发现问题"), "{}", run.stdout);
    assert!(run.stdout.contains("证据文件：案件记录的 2 个，重新计算哈希的 2 个"), "{}", run.stdout);

    // The checkpoint verifies with the printed key, and covers every event.
    let key = demo.zhifa(&["ledger", "key"]);
    assert_eq!(key.code, Some(0));
    let verifier = NoteVerifier::parse(key.stdout.trim()).unwrap();
    let note = demo.zhifa(&["ledger", "checkpoint"]).stdout;
    let cp = verifier.open_checkpoint(note.as_bytes()).unwrap();
    assert!(run.stdout.contains(&format!("最新检查点：大小 {}，根哈希 {}（签名有效）", cp.size, cp.root.to_base64())));

    // An inclusion proof as JSON, checked with nothing but the key.
    let position = demo.case_events().await.last().unwrap().0;
    let proof = demo.zhifa(&["ledger", "prove", &position.to_string()]);
    assert_eq!(proof.code, Some(0), "{}", proof.stderr);
    let v: Value = serde_json::from_str(&proof.stdout).unwrap();
    let cp = verifier.open_checkpoint(v["checkpoint"].as_str().unwrap().as_bytes()).unwrap();
    let leaf = zhifa_ledger::leaf_hash(v["leaf"].as_str().unwrap().as_bytes());
    assert_eq!(leaf, b64(&v["leaf_hash"]), "the leaf bytes hash to the leaf hash");
    let path: Vec<Hash> = v["proof"].as_array().unwrap().iter().map(b64).collect();
    zhifa_ledger::verify_inclusion(&leaf, position as u64 - 1, cp.size, &path, &cp.root).unwrap();
    let leaf: Value = serde_json::from_str(v["leaf"].as_str().unwrap()).unwrap();
    assert_eq!(leaf["stream_id"], format!("case:{}", files[0].case_id), "the evidence was the case's last event");
    // A position beyond the ledger is an error, not a proof.
    let beyond = demo.zhifa(&["ledger", "prove", &(cp.size + 1).to_string()]);
    assert_eq!(beyond.code, Some(2));
    assert!(beyond.stderr.contains("不在大小为"), "{}", beyond.stderr);
}

// rule: X-01
#[tokio::test]
async fn a_changed_row_is_named() {
    let demo = Demo::new();
    let (position, stream, version) = demo.middle_case_event().await;
    demo.tamper(&format!("UPDATE events SET actor_name = '王某' WHERE position = {position}")).await;
    let report = demo.verify_finds();
    assert!(report.contains(&format!("第{position}号事件（{stream} 第{version}版")), "{report}");
    assert!(report.contains("的内容在写入后被改动"), "{report}");
}

// rule: X-01
#[tokio::test]
async fn a_removed_row_is_named() {
    let demo = Demo::new();
    let (position, stream, version) = demo.middle_case_event().await;
    demo.tamper(&format!("DELETE FROM events WHERE position = {position}")).await;
    let report = demo.verify_finds();
    assert!(report.contains(&format!("第{position}号事件已被删除")), "{report}");
    assert!(report.contains(&format!("事件流{stream}缺少第{version}至{version}版")), "{report}");
}

// rule: X-01
#[tokio::test]
async fn two_swapped_rows_are_named() {
    let demo = Demo::new();
    let events = demo.case_events().await;
    let (a, stream_a, version_a) = events[1].clone();
    let (b, stream_b, version_b) = events[events.len() - 2].clone();
    demo.tamper(&format!(
        "UPDATE events SET position = -{a} WHERE position = {a}; \
         UPDATE events SET position = {a} WHERE position = {b}; \
         UPDATE events SET position = {b} WHERE position = -{a}"
    ))
    .await;
    let report = demo.verify_finds();
    // Each row now sits where the other was recorded.
    assert!(report.contains(&format!("第{a}号事件（{stream_b} 第{version_b}版")), "{report}");
    assert!(report.contains(&format!("第{b}号事件（{stream_a} 第{version_a}版")), "{report}");
    assert!(report.contains(&format!("原记录于第{b}号")) && report.contains(&format!("原记录于第{a}号")), "{report}");
}

// rule: X-01
#[tokio::test]
async fn a_row_inserted_directly_is_named() {
    let demo = Demo::new();
    let (last, stream, version) = demo.case_events().await.last().unwrap().clone();
    // A copy of a case event as a new last row with the next version — and a well-formed
    // leaf hash copied along — as if written by the application.
    demo.tamper(&format!(
        "INSERT INTO events (position, stream_id, version, event_type, payload, actor_account, actor_name, \
         actor_role, actor_agency, recorded_at, leaf_hash) \
         SELECT (SELECT MAX(position) + 1 FROM events), stream_id, {next}, event_type, payload, actor_account, \
         actor_name, actor_role, actor_agency, recorded_at, leaf_hash FROM events WHERE position = {last}",
        next = version + 100
    ))
    .await;
    let report = demo.verify_finds();
    assert!(report.contains(&format!("（{stream} 第{}版", version + 100)), "{report}");
    assert!(report.contains("不在账本中：绕过系统直接写入了数据库"), "{report}");
}

// rule: X-01
#[tokio::test]
async fn a_swapped_evidence_file_is_named_with_its_case() {
    let demo = Demo::new();
    let files = demo.attach_photos().await;
    let f = &files[1];
    // Same length, other content.
    let mut forged = PHOTO_2.to_vec();
    let last = forged.len() - 1;
    forged[last] ^= 0x20;
    std::fs::write(demo.blob_path(&f.sha256), &forged).unwrap();
    let report = demo.verify_finds();
    let named = format!("案件{}（case:{}）的证据文件“{}”（SHA-256 {}", f.case_number, f.case_id, f.file_name, f.sha256);
    assert!(report.contains(&named), "{report}");
    let now = zhifa_blob::Sha256::of(&forged).to_hex();
    assert!(report.contains(&format!("被调换或改动：现存内容的 SHA-256 为 {now}")), "{report}");
    assert!(!report.contains(files[0].file_name), "the other file is intact: {report}");
    assert!(report.contains("结论：发现 1 处问题"), "the events are intact: {report}");
}

// rule: X-01
#[tokio::test]
async fn a_truncated_evidence_file_is_named_with_its_case() {
    let demo = Demo::new();
    let files = demo.attach_photos().await;
    let f = &files[0];
    let path = demo.blob_path(&f.sha256);
    std::fs::OpenOptions::new().write(true).open(&path).unwrap().set_len(20).unwrap();
    let report = demo.verify_finds();
    let named = format!("案件{}（case:{}）的证据文件“{}”", f.case_number, f.case_id, f.file_name);
    assert!(report.contains(&named), "{report}");
    assert!(report.contains("被截短：现存20字节"), "{report}");
    // And a file gone altogether.
    std::fs::remove_file(&path).unwrap();
    let report = demo.verify_finds();
    assert!(
        report.contains(&format!("{named}（SHA-256 {}，{}字节）在证据文件存储中缺失", f.sha256, PHOTO_1.len())),
        "{report}"
    );
}

#[test]
fn the_signing_key_file_and_origin_are_configurable() {
    let store = TestStore::new("zhifa_c_");
    let keys = tempfile::tempdir().unwrap();
    let key_file = keys.path().join("signing.key");
    let zhifa = |args: &[&str]| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_zhifa"));
        for var in ["ZHIFA_CONFIG", "ZHIFA_DATABASE_URL", "ZHIFA_DATA_DIR", "ZHIFA_LEDGER_KEY_FILE"] {
            cmd.env_remove(var);
        }
        cmd.env("ZHIFA_DATA_DIR", store.dir.path());
        if let Some(url) = &store.database_url {
            cmd.env("ZHIFA_DATABASE_URL", url);
        }
        cmd.args(args).output().unwrap()
    };
    let out = zhifa(&[
        "--ledger-key-file",
        key_file.to_str().unwrap(),
        "--ledger-origin",
        "zhifa.example/anxiang",
        "ledger",
        "key",
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("zhifa.example/anxiang+"));
    assert!(key_file.is_file(), "created where configured");
    assert!(!store.dir.path().join("ledger.key").exists(), "not in the data directory");
    // A key file in a directory that does not exist stops the program, naming the setting.
    let out = zhifa(&["--ledger-key-file", "/no/such/dir/ledger.key", "ledger", "key"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("ledger_key_file"));
    // Another key for the same database is refused.
    let out = zhifa(&["ledger", "key"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("签名密钥"), "{}", String::from_utf8_lossy(&out.stderr));
}
