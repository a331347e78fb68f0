//! Every document of the sample case rendered to PDF, read back with a PDF parser and its
//! text checked; the layout checked against GB/T 9704-2012 and the line-breaking rules.
//! Set ZHIFA_DOCS_OUT=<dir> to keep the PDFs for looking at (pdftoppm -png -r 60).

use std::collections::BTreeMap;
use std::sync::Arc;

use zhifa_core::case::{RecordKind, RecordState};
use zhifa_docs::cases::{self, Context};
use zhifa_docs::layout::{self, BOTTOM, LEFT, RIGHT, Shape, TOP};
use zhifa_docs::model::Qr;
use zhifa_docs::{Block, DocError, Document, FontLibrary, Fonts, render, sample};

fn fonts() -> Arc<Fonts> {
    FontLibrary::default().fonts().expect("fonts-noto-cjk is installed (scripts/install-test-deps)")
}

fn context(case: &zhifa_core::case::Case) -> Context<'_> {
    Context {
        case,
        agency: sample::AGENCY,
        qr: Some(Qr {
            url: "https://zhifa.example.cn/d/5a000000-0000-4000-8000-000000000007".into(),
            caption: "扫码核验真伪".into(),
        }),
        issued_on: chrono::NaiveDate::from_ymd_opt(2026, 5, 6),
        number: None,
    }
}

/// The PDF parsed back, and its text with all whitespace removed.
fn text_of(pdf: &[u8]) -> String {
    let doc = lopdf::Document::load_mem(pdf).expect("the PDF parses");
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    let text = doc.extract_text(&pages).expect("its text can be extracted");
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The text without the page numbers, so that a paragraph running over a page reads on.
fn body_text(pdf: &[u8]) -> String {
    let mut text = text_of(pdf);
    for n in (1..50).rev() {
        text = text.replace(&format!("—{n}—"), "");
    }
    text
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn keep(name: &str, pdf: &[u8]) {
    if let Ok(dir) = std::env::var("ZHIFA_DOCS_OUT") {
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(format!("{dir}/{name}.pdf"), pdf).unwrap();
    }
}

fn record(case: &zhifa_core::case::Case, kind: RecordKind) -> &RecordState {
    case.records_of(kind).next().unwrap_or_else(|| panic!("the sample has a {kind:?}"))
}

#[test]
fn every_document_renders_parses_and_says_what_it_must() {
    let fonts = fonts();
    let case = sample::case();
    let ctx = context(&case);
    let expect: &[(RecordKind, &[&str])] = &[
        (RecordKind::FilingApproval, &["立案审批表", "安市监案〔2026〕12号", "立案理由", "负责人审批意见", "同意立案"]),
        (
            RecordKind::Inquiry,
            &["询问笔录", "询问时间", "2026年3月3日9时00分", "张建国", "是否看清楚了", "被询问人（签名）"],
        ),
        (
            RecordKind::PriorNotice,
            &["行政处罚事先告知书", "安市监罚告〔2026〕7号", "陈述、申辩和要求听证", "（印章）", "2026年3月20日"],
        ),
        (
            RecordKind::HearingNotice,
            &[
                "听证通知书",
                "2026年4月8日9时30分",
                "三楼听证室",
                "由陈静（本局法制审核机构工作人员）担任听证主持人",
                "当事人不承担行政机关组织听证的费用",
                "视为放弃听证权利",
                "（印章）",
            ],
        ),
        (RecordKind::LegalReviewOpinion, &["法制审核意见书", "审核意见", "陈静、刘洋", "2026年4月12日"]),
        (RecordKind::CollectiveDiscussion, &["集体讨论记录", "讨论结论", "参加人赵刚（签名）", "记录人（签名）"]),
        (RecordKind::DecisionDocument, &["行政处罚决定书", "安市监罚决〔2026〕12号", "（印章）", "2026年4月15日"]),
        (
            RecordKind::OnTheSpotDecision,
            &["当场行政处罚决定书", "DC-2026-000123", "警告", "43070012345", "当事人（签名）"],
        ),
        (RecordKind::ServiceDirect, &["送达回证", "直接送达", "安市监罚决〔2026〕12号", "2026年4月16日10时00分"]),
        (RecordKind::Reminder, &["催告书", "安市监催〔2026〕3号", "2026年5月20日", "行政强制法", "2026年5月6日"]),
    ];
    for (kind, needles) in expect {
        let doc = cases::document(&ctx, record(&case, *kind));
        let out = render(&doc, &fonts).unwrap_or_else(|e| panic!("{kind:?}: {e}"));
        keep(kind.as_str(), &out.pdf);
        assert!(out.pdf.starts_with(b"%PDF-"), "{kind:?}");
        assert!(text_of(&out.pdf).contains("—1—"), "{kind:?}: page number");
        let text = body_text(&out.pdf);
        for n in needles.iter().chain(&[sample::AGENCY]) {
            assert!(text.contains(&squash(n)), "{kind:?}: “{n}” missing from\n{text}");
        }
    }
    let out = render(&cases::catalogue(&ctx), &fonts).unwrap();
    keep("catalogue", &out.pdf);
    let text = text_of(&out.pdf);
    assert!(text.contains("卷内目录") && text.contains("询问笔录") && text.contains("行政处罚决定书"), "{text}");
}

// rule: N-05
#[test]
fn the_hearing_notice_prints_its_number_its_host_and_that_the_party_bears_no_cost() {
    let fonts = fonts();
    let case = sample::case();
    let mut ctx = context(&case);
    ctx.number = Some("安市监听通〔2026〕2号".into());
    let doc = cases::document(&ctx, record(&case, RecordKind::HearingNotice));
    assert_eq!(doc.number.as_deref(), Some("安市监听通〔2026〕2号"));
    let out = render(&doc, &fonts).unwrap();
    keep("hearing_notice_numbered", &out.pdf);
    let text = body_text(&out.pdf);
    for needle in ["安市监听通〔2026〕2号", "陈静", "当事人不承担行政机关组织听证的费用", "第六十三条第二款"]
    {
        assert!(text.contains(&squash(needle)), "“{needle}” missing from\n{text}");
    }
}

// rule: R-13
#[test]
fn the_penalty_decision_carries_every_element_of_r13() {
    let fonts = fonts();
    let case = sample::case();
    let ctx = context(&case);
    let rec = record(&case, RecordKind::DecisionDocument);
    let doc = cases::document(&ctx, rec);
    let out = render(&doc, &fonts).unwrap();
    let text = body_text(&out.pdf);
    // Party; facts, evidence and why; basis and why; discretion and why; conclusion;
    // manner and deadline of performance; remedies and deadlines; agency, seal, date.
    for (element, needle) in [
        ("当事人", "当事人：安乡县禾丰食品有限公司".to_string()),
        ("统一社会信用代码", "91430721MA4L0000XY".to_string()),
        ("事实、证据及理由", "一、认定的违法事实、采纳的证据及理由".to_string()),
        ("事实", rec.field("facts").lines().next().unwrap().to_string()),
        ("法律依据及理由", "二、适用的法律依据及理由".to_string()),
        ("依据", rec.field("basis").to_string()),
        ("裁量基准及理由", "三、适用的裁量基准及理由".to_string()),
        ("裁量", rec.field("discretion").to_string()),
        ("决定", "罚款人民币伍万元整（50000元）".to_string()),
        ("履行方式和期限", rec.field("performance").to_string()),
        ("救济途径和期限", rec.field("remedies").to_string()),
        ("机关", sample::AGENCY.to_string()),
        ("印章", "（印章）".to_string()),
        ("日期", "2026年4月15日".to_string()),
        ("文号", "安市监罚决〔2026〕12号".to_string()),
    ] {
        assert!(text.contains(&squash(&needle)), "R-13 {element}: “{needle}” missing");
    }
    // The seal area is over the signature and the date on the last page.
    let pages = layout::layout(&doc, &fonts);
    let last = pages.last().unwrap();
    assert!(last.shapes.iter().any(|s| matches!(s, Shape::SealCircle { .. })), "seal area drawn");
}

#[test]
fn a_record_with_every_field_missing_prints_blanks_and_never_panics() {
    let fonts = fonts();
    let mut case = sample::case();
    for r in &mut case.records {
        r.record.fields = BTreeMap::new();
        r.record.signature = None;
        r.record.officers.clear();
        r.record.penalty = None;
    }
    let ctx = Context { qr: None, issued_on: None, ..context(&case) };
    for r in &case.records {
        let doc = cases::document(&ctx, r);
        let out = render(&doc, &fonts).unwrap_or_else(|e| panic!("{:?}: {e}", r.record.kind));
        let pages = layout::layout(&doc, &fonts);
        let blanks = pages.iter().flat_map(|p| &p.shapes).filter(|s| matches!(s, Shape::Line { .. })).count()
            + pages.iter().flat_map(|p| &p.runs).filter(|r| r.text.contains('＿')).count();
        assert!(blanks > 0, "{:?}: blank lines or table rules drawn", r.record.kind);
        assert!(text_of(&out.pdf).contains(&squash(cases::title(r.record.kind))));
    }
    // Every kind of record, not only the sample's, has a document.
    for kind in RecordKind::ALL {
        let mut rec = case.records[0].clone();
        rec.record.kind = *kind;
        let doc = cases::document(&ctx, &rec);
        render(&doc, &fonts).unwrap_or_else(|e| panic!("{kind:?}: {e}"));
    }
}

#[test]
fn the_layout_follows_gb_t_9704_and_the_line_breaking_rules() {
    let fonts = fonts();
    let case = sample::case();
    let ctx = context(&case);
    for rec in &case.records {
        let doc = cases::document(&ctx, rec);
        let pages = layout::layout(&doc, &fonts);
        for (n, page) in pages.iter().enumerate() {
            for run in &page.runs {
                let t = run.text.as_str();
                if t.starts_with('—') || t.contains("印章") || t.contains("扫码") {
                    continue;
                }
                // Inside the type area: 28 mm from the left, 26 mm from the right, the
                // body between 37 mm from the top and 35 mm from the bottom.
                assert!(run.x >= LEFT - 0.01 && run.x + run.width() <= RIGHT + 0.5, "{t:?} outside the type area");
                assert!(run.baseline > TOP && run.baseline < BOTTOM, "{t:?} above or below the type area");
                assert!(!layout::breaks_rules(t), "{:?} page {}: line “{t}” breaks the rules", rec.record.kind, n + 1);
            }
            // The page number: — n —, odd pages right, even pages left, under the type area.
            let number = page.runs.iter().find(|r| r.text == format!("— {} —", n + 1)).expect("page number");
            assert!(number.baseline > BOTTOM);
            if n % 2 == 0 {
                assert!(number.x > (LEFT + RIGHT) / 2.0);
            } else {
                assert!(number.x < (LEFT + RIGHT) / 2.0);
            }
        }
    }
    // The grid: 22 lines of 28 characters of 3号 type.
    let line: String = "字".repeat(60);
    let doc = Document { title: "标题".into(), blocks: vec![Block::Addressee(line)], ..Default::default() };
    let pages = layout::layout(&doc, &fonts);
    let body: Vec<_> = pages[0].runs.iter().filter(|r| r.text.starts_with('字')).collect();
    assert_eq!(body[0].text.chars().count(), 28);
    assert!((body[1].baseline - body[0].baseline - layout::LINE_PITCH).abs() < 0.01);
    let many = Document { blocks: (0..30).map(|_| Block::Addressee("字".into())).collect(), ..Default::default() };
    let pages = layout::layout(&many, &fonts);
    let on_first = pages[0].runs.iter().filter(|r| r.text == "字").count();
    assert_eq!(on_first, layout::LINES - 1, "22 lines a page, the title taking one");
}

#[test]
fn the_qr_code_encodes_the_authenticity_url() {
    let url = "https://zhifa.example.cn/d/5a000000-0000-4000-8000-000000000007";
    let m = zhifa_docs::qr::matrix(url).unwrap();
    // Version 4 (33 modules) or less keeps modules above 0.5 mm in a 22 mm square.
    assert!(m.len() <= 33, "{} modules", m.len());
    // The three finder patterns.
    for (r, c) in [(0, 0), (0, m.len() - 7), (m.len() - 7, 0)] {
        assert!((0..7).all(|i| m[r][c + i] && m[r + 6][c + i] && m[r + i][c] && m[r + i][c + 6]));
    }
    let rects = zhifa_docs::qr::modules(url, 0.0, 0.0, layout::QR_SIDE);
    assert!(!rects.is_empty());
}

#[test]
fn a_missing_font_is_a_clear_chinese_error() {
    let lib = FontLibrary::new("/nonexistent/fonts");
    let e = lib.fonts().unwrap_err();
    assert!(matches!(e, DocError::MissingFont { .. }));
    let msg = e.to_string();
    assert!(
        msg.contains("Noto Serif CJK SC") && msg.contains("fonts-noto-cjk") && msg.contains("/nonexistent/fonts"),
        "{msg}"
    );
    assert!(lib.check().is_err());
    assert!(FontLibrary::default().check().is_ok());
}

#[test]
fn rendering_is_deterministic() {
    let fonts = fonts();
    let case = sample::case();
    let ctx = context(&case);
    let doc = cases::document(&ctx, record(&case, RecordKind::DecisionDocument));
    assert_eq!(render(&doc, &fonts).unwrap().pdf, render(&doc, &fonts).unwrap().pdf);
}

// rule: D-11
// rule: V-04
#[test]
fn a_bar_chart_scales_its_bars_to_the_largest_and_prints_every_label_and_value() {
    let bars = vec![("行政处罚决定".to_string(), 40), ("当场处罚".to_string(), 10), ("听证".to_string(), 0)];
    let doc = Document {
        title: "年度行政执法情况报告".into(),
        blocks: vec![
            Block::Bars { caption: "2026年度行政执法数据统计".into(), bars },
            Block::Bars { caption: "空".into(), bars: vec![] },
        ],
        ..Default::default()
    };
    let pages = layout::layout(&doc, &fonts());
    let rects: Vec<f32> = pages[0]
        .shapes
        .iter()
        .filter_map(|s| match s {
            Shape::Rect { w, x, .. } => {
                assert!(*x >= LEFT && x + w <= RIGHT, "inside the margins");
                Some(*w)
            }
            _ => None,
        })
        .collect();
    assert_eq!(rects.len(), 3);
    assert!((rects[0] - 4.0 * rects[1]).abs() < 0.01, "{rects:?}");
    assert_eq!(rects[2], 0.0);
    let lines = pages[0].lines().join("|");
    for t in ["2026年度行政执法数据统计", "行政处罚决定", "40", "当场处罚", "10", "听证", "无数据"]
    {
        assert!(lines.contains(t), "{t}: {lines}");
    }
    let pdf = render(&doc, &fonts()).unwrap().pdf;
    assert!(body_text(&pdf).contains("行政处罚决定40"));
}
