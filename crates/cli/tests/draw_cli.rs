//! `zhifa draw verify` as a citizen or an auditor runs it (S-02): the demo's plan verified
//! from the database, exported as the portal's draw.json and verified from the file alone,
//! and the same file with one target renamed after the commitment, or another seed,
//! refused with what differs.

mod support;

use std::process::Command;

use support::TestStore;

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn zhifa(store: &TestStore, args: &[&str]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_zhifa"));
    for var in ["ZHIFA_CONFIG", "ZHIFA_DATABASE_URL", "ZHIFA_DATA_DIR", "ZHIFA_LEDGER_KEY_FILE", "ZHIFA_BLOB_STORE"] {
        cmd.env_remove(var);
    }
    cmd.env("ZHIFA_DATA_DIR", store.dir.path()).env("ZHIFA_LOG", "warn");
    if let Some(url) = &store.database_url {
        cmd.env("ZHIFA_DATABASE_URL", url);
    }
    let out = cmd.args(args).output().expect("run zhifa");
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

// rule: S-02
#[test]
fn a_published_draw_verifies_from_its_file_and_a_changed_file_does_not() {
    let store = TestStore::new("zhifa_c_");
    let run = zhifa(&store, &["demo"]);
    assert_eq!(run.code, Some(0), "zhifa demo: {}", run.stderr);

    // Every drawn plan in the database.
    let run = zhifa(&store, &["draw", "verify"]);
    assert_eq!(run.code, Some(0), "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("验证结果：一致"), "{}", run.stdout);
    let id = run.stdout.split('（').nth(1).and_then(|s| s.split('）').next()).expect("the plan's id").to_string();

    let export = zhifa(&store, &["draw", "export", &id]);
    assert_eq!(export.code, Some(0), "{}", export.stderr);
    let file = store.dir.path().join("draw.json");
    std::fs::write(&file, &export.stdout).unwrap();
    let path = file.to_str().unwrap();
    let run = zhifa(&store, &["draw", "verify", "--file", path]);
    assert_eq!(run.code, Some(0), "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("一致") && run.stdout.contains("个检查任务"), "{}", run.stdout);

    // A target renamed in the frozen pool after the commitment.
    let mut events: Vec<serde_json::Value> = serde_json::from_str(&export.stdout).unwrap();
    let committed = events.iter_mut().find(|e| e["type"] == "Committed").expect("a commitment");
    let target = &mut committed["commitment"]["pools"]["targets"][3]["name"];
    *target = serde_json::Value::String("安乡县改名有限公司".into());
    std::fs::write(&file, serde_json::to_vec(&events).unwrap()).unwrap();
    let run = zhifa(&store, &["draw", "verify", "--file", path]);
    assert_eq!(run.code, Some(1), "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("名录库在承诺后被改动"), "{}", run.stdout);

    // Another seed revealed than the one committed.
    let mut events: Vec<serde_json::Value> = serde_json::from_str(&export.stdout).unwrap();
    let drawn = events.iter_mut().find(|e| e["type"] == "Drawn").expect("a draw");
    drawn["drawn"]["seed"] = serde_json::Value::String("00".repeat(32));
    std::fs::write(&file, serde_json::to_vec(&events).unwrap()).unwrap();
    let run = zhifa(&store, &["draw", "verify", "--file", path]);
    assert_eq!(run.code, Some(1));
    assert!(run.stdout.contains("公开的种子与承诺不符"), "{}", run.stdout);

    // Not a draw.json at all.
    std::fs::write(&file, "<html>").unwrap();
    let run = zhifa(&store, &["draw", "verify", "--file", path]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("不是抽查计划的 draw.json"), "{}", run.stderr);
}
