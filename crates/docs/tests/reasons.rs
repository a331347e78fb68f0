//! The decision document's reasons and legal basis as printed (G-01, G-03, G-06): the
//! four reasons each under its name, every citation in full — 《…》第…条第…款第（…）项 —
//! however it was typed, and the ground of an exemption.

use std::sync::Arc;

use zhifa_core::case::{Case, RecordKind};
use zhifa_docs::cases::{self, Context};
use zhifa_docs::{FontLibrary, Fonts, render, sample};

fn fonts() -> Arc<Fonts> {
    FontLibrary::default().fonts().expect("fonts-noto-cjk is installed (scripts/install-test-deps)")
}

fn text_of(pdf: &[u8]) -> String {
    let doc = lopdf::Document::load_mem(pdf).expect("the PDF parses");
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    let text = doc.extract_text(&pages).expect("its text can be extracted");
    let mut text: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    for n in (1..50).rev() {
        text = text.replace(&format!("—{n}—"), "");
    }
    text
}

/// The sample case's decision with `fields` replaced, rendered, as text.
fn decision_text(fields: &[(&str, &str)]) -> String {
    let mut case: Case = sample::case();
    let rec = case.records.iter_mut().find(|r| r.record.kind == RecordKind::DecisionDocument).unwrap();
    for (k, v) in fields {
        rec.record.fields.insert(k.to_string(), v.to_string());
    }
    let ctx = Context { case: &case, agency: sample::AGENCY, qr: None, issued_on: None, number: None };
    let rec = case.records_of(RecordKind::DecisionDocument).next().unwrap();
    let out = render(&cases::document(&ctx, rec), &fonts()).unwrap();
    // ZHIFA_DOCS_OUT=<dir> keeps the PDF for looking at (pdftoppm -png -r 60).
    if let Ok(dir) = std::env::var("ZHIFA_DOCS_OUT") {
        std::fs::create_dir_all(&dir).unwrap();
        let name = if fields.iter().any(|(k, _)| *k == "reasons_exemption") { "exempt" } else { "reasons" };
        std::fs::write(format!("{dir}/decision-{name}.pdf"), &out.pdf).unwrap();
    }
    text_of(&out.pdf)
}

// rule: G-01
// rule: G-03
#[test]
fn the_decision_prints_its_four_reasons_and_every_citation_in_full() {
    let text = decision_text(&[
        ("basis", "《中华人民共和国食品安全法》第34条第1款第10项\n《中华人民共和国食品安全法》第124条第1款第5项"),
        ("fact_reasons", "货架陈列的牛肉干已超过保质期，进货单据与销售记录相互印证"),
        ("evidence_reasons", "现场检查笔录、询问笔录和进货单据来源合法，予以采信"),
        ("basis_reasons", "销售超过保质期的食品属第三十四条禁止情形，第一百二十四条规定其处罚"),
        ("discretion_reasons", "属裁量基准一般阶次，当事人主动下架，在该阶次内从轻处罚"),
    ]);
    for needle in [
        "《中华人民共和国食品安全法》第三十四条第一款第（十）项",
        "《中华人民共和国食品安全法》第一百二十四条第一款第（五）项",
        "认定事实的理由：货架陈列的牛肉干已超过保质期",
        "证据采信的理由：现场检查笔录、询问笔录和进货单据来源合法",
        "适用法律依据的理由：销售超过保质期的食品属第三十四条禁止情形",
        "行使裁量权的理由：属裁量基准一般阶次",
    ] {
        assert!(text.contains(needle), "“{needle}” missing from {text}");
    }
    assert!(!text.contains("第34条"), "the typed form is not printed");
}

// rule: G-06
#[test]
fn an_exempt_decision_prints_its_ground() {
    let text = decision_text(&[
        ("reasons_exemption", "出现紧急事由必须立即处理"),
        ("exemption_detail", "过期食品正在销售，须立即处理"),
    ]);
    assert!(
        text.contains("本决定依法不说明理由（出现紧急事由必须立即处理）：过期食品正在销售，须立即处理。"),
        "{text}"
    );
}
