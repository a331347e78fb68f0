//! `zhifa export case` and `zhifa verify` as a user runs them: the exit status says
//! whether the four checks passed, and the report names what failed (rules ).

mod support;

fn zhifa(data: &std::path::Path, args: &[&str]) -> (i32, String) {
    let out = support::run_zhifa(data, args);
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.code().unwrap_or(-1), text)
}

// rule: R-17
// rule: X-01
#[test]
fn an_exported_case_verifies_and_a_changed_byte_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (code, out) = zhifa(d, &["demo"]);
    assert_eq!(code, 0, "{out}");
    let tar = d.join("case.tar");
    // The demo numbers cases by the current year, Beijing time.
    let year = (chrono::Utc::now() + chrono::TimeDelta::hours(8)).format("%Y").to_string();
    let number = format!("安市监案〔{year}〕3号");
    let (code, out) = zhifa(d, &["export", "case", &number, "--out", tar.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    let (code, out) = zhifa(d, &["verify", tar.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("四性检测通过"), "{out}");
    // The verifier needs no data directory at all.
    let elsewhere = tempfile::tempdir().unwrap();
    let (code, _) = zhifa(&elsewhere.path().join("none"), &["verify", tar.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(!elsewhere.path().join("none").exists(), "verify created nothing");

    // The on-the-spot decision issued in the demo is in the package as its PDF.
    assert!(out.contains("四性检测通过"), "{out}");
    let original = std::fs::read(&tar).unwrap();
    let pdf = original.windows(5).position(|w| w == b"%PDF-").expect("the issued decision's PDF is packed");
    // One changed byte inside the PDF: named, and the package fails.
    let mut bytes = original.clone();
    bytes[pdf + 600] ^= 1;
    let tampered = d.join("tampered-pdf.tar");
    std::fs::write(&tampered, &bytes).unwrap();
    let (code, out) = zhifa(d, &["verify", tampered.to_str().unwrap()]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("【完整性】不通过") && out.contains(".pdf"), "{out}");
    assert!(out.contains("四性检测不通过"), "{out}");

    let mut bytes = original;
    let at = bytes.windows(11).position(|w| w == b"RecordAdded").unwrap() + 100;
    bytes[at] ^= 1;
    let bad = d.join("bad.tar");
    std::fs::write(&bad, &bytes).unwrap();
    let (code, out) = zhifa(d, &["verify", bad.to_str().unwrap()]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("【真实性】不通过") && out.contains("号事件"), "{out}");
    assert!(out.contains("events.json"), "{out}");
}
