//! The `zhifa` binary's calendar and configuration commands, as a user runs them.

mod support;

fn zhifa(data: &std::path::Path, args: &[&str]) -> (bool, String, String) {
    let out = support::run_zhifa(data, args);
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).trim().to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

// rule: X-02
#[test]
fn calendar_commands_print_what_the_issue_says() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert_eq!(zhifa(d, &["calendar", "is-workday", "2025-01-26"]).1, "true");
    assert_eq!(zhifa(d, &["calendar", "is-workday", "2025-01-28"]).1, "false");
    assert_eq!(zhifa(d, &["calendar", "add-workdays", "2025-01-24", "3"]).1, "2025-02-05");
    assert_eq!(zhifa(d, &["calendar", "between", "2025-01-24", "2025-02-10"]).1, "7");
    let (ok, _, err) = zhifa(d, &["calendar", "is-workday", "2027-03-01"]);
    assert!(!ok);
    assert!(err.contains("2027"), "{err}");
    // A new year loads without a rebuild.
    let file = d.join("2027.toml");
    std::fs::write(&file, "year = 2027\nsource = \"国务院办公厅关于2027年部分节假日安排的通知\"\n[[holidays]]\nname = \"元旦\"\nfrom = \"2027-01-01\"\nto = \"2027-01-01\"\n").unwrap();
    let (ok, out, err) = zhifa(d, &["calendar", "load", file.to_str().unwrap()]);
    assert!(ok, "{err}");
    assert!(out.contains("2027"));
    assert_eq!(zhifa(d, &["calendar", "is-workday", "2027-01-01"]).1, "false");
    assert_eq!(zhifa(d, &["calendar", "is-workday", "2027-03-01"]).1, "true");
}

#[test]
fn a_bad_setting_stops_the_program_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let (ok, _, err) = zhifa(dir.path(), &["--database-url", "mysql://x", "migrate"]);
    assert!(!ok);
    assert!(err.contains("database_url"), "{err}");
    let cfg = dir.path().join("zhifa.toml");
    std::fs::write(&cfg, "bind = \"127.0.0.1:8080\"\nunknown_key = 1\n").unwrap();
    let (ok, _, err) = zhifa(dir.path(), &["--config", cfg.to_str().unwrap(), "migrate"]);
    assert!(!ok);
    assert!(err.contains("unknown_key"), "{err}");
    let (ok, out, _) = zhifa(dir.path(), &["migrate"]);
    assert!(ok);
    assert!(out.contains("数据库已是最新结构"));
}
