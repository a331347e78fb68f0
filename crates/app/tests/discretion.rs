//! Discretion benchmarks through the services, against a real database: the import of a
//! benchmark list (all rows or none, with a row-by-row report), and a penalty proposal
//! checked against the agency's benchmark (B-02).

use rust_xlsxwriter::Workbook;
use uuid::Uuid;
use zhifa_app::App;
use zhifa_app::cases::{OpenCaseInput, RecordInput};
use zhifa_app::import_service::ImportFailure;
use zhifa_core::access::Principal;
use zhifa_core::case::{
    ApprovalStep, Initiation, Party, PartyKind, Procedure, RecordKind, Signature, SpotPenalty, Stage,
};
use zhifa_core::discretion::{Deviation, FineBase, FineRange, PenaltyType};
use zhifa_core::money::Money;
use zhifa_core::registry::{ActKind, FormBook, UnitKind};
use zhifa_store::testing::TestDb;

const HEADERS: [&str; 9] = [
    "违法行为编码",
    "违法行为名称",
    "违法依据",
    "处罚依据",
    "裁量阶次",
    "适用情形",
    "处罚种类",
    "罚款下限",
    "罚款上限",
];

fn workbook(rows: &[[&str; 9]]) -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in HEADERS.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(r as u32 + 1, c as u16, *v).unwrap();
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

async fn login(app: &App, user: &str) -> Principal {
    app.db.account_for_login(user).await.unwrap().unwrap().0.principal()
}

const FOOD: &str = "《中华人民共和国食品安全法》";

/// Two violation types of the demo market regulator, one row per tier.
fn good_rows() -> Vec<[&'static str; 9]> {
    vec![
        [
            "AX-SC-CF-101",
            "经营病死、毒死或者死因不明的禽、畜、兽、水产动物肉类",
            "《中华人民共和国食品安全法》第三十四条第（七）项",
            "《中华人民共和国食品安全法》第一百二十四条第一款第（五）项",
            "一般",
            "货值金额不足一万元的",
            "没收违法所得、没收非法财物、罚款",
            "5万元",
            "10万元",
        ],
        [
            "AX-SC-CF-101",
            "经营病死、毒死或者死因不明的禽、畜、兽、水产动物肉类",
            "《中华人民共和国食品安全法》第三十四条第（七）项",
            "《中华人民共和国食品安全法》第一百二十四条第一款第（五）项",
            "严重",
            "货值金额一万元以上的",
            "没收违法所得、没收非法财物、罚款、吊销许可证件",
            "货值金额10倍",
            "货值金额20倍",
        ],
        [
            "AX-SC-DJ-102",
            "未按规定公示营业执照（电子商务经营者）",
            "《中华人民共和国市场主体登记管理条例》第三十六条",
            "《中华人民共和国市场主体登记管理条例》第四十八条第一款",
            "一般",
            "拒不改正的",
            "罚款",
            "",
            "3万元",
        ],
    ]
}

// rule: B-01
#[tokio::test]
async fn a_benchmark_import_with_one_bad_row_stores_nothing() {
    let t = TestDb::new().await;
    let app = App::new(t.db.clone());
    app.load_demo().await.unwrap();
    let admin = login(&app, "scj-admin").await;
    let agency = admin.agency_id.unwrap();
    let before = app.benchmarks_for(&admin, agency).await.unwrap().len();

    let mut bad = good_rows();
    // Row 3: a multiple bound next to an amount; row 5: a basis outside the catalogue, a
    // penalty type nobody knows; row 6: a tier listed twice; row 7: an existing code.
    bad[1][7] = "5万元";
    bad.push([
        "AX-SC-ZL-103",
        "生产者、销售者在产品中掺杂、掺假",
        "《中华人民共和国产品质量法》第三十九条",
        "《中华人民共和国产品质量法》第五十条",
        "一般",
        "违法生产、销售产品货值金额不足五千元的",
        "罚款、训诫",
        "",
        "货值金额50%",
    ]);
    bad.push(bad[2]);
    bad.push([
        "AX-SC-DJ-001",
        "未将营业执照置于醒目位置",
        "《中华人民共和国市场主体登记管理条例》第三十六条",
        "《中华人民共和国市场主体登记管理条例》第四十八条第一款",
        "一般",
        "拒不改正的",
        "罚款",
        "",
        "1万元",
    ]);
    let err = app.import_benchmarks(&admin, agency, "裁量基准.xlsx", &workbook(&bad)).await.unwrap_err();
    let ImportFailure::Rows(errors) = err else { panic!("{err:?}") };
    let report: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    let has = |row: usize, column: &str, text: &str| {
        errors.iter().any(|e| e.row == row && e.column.as_deref() == Some(column) && e.message.contains(text))
    };
    assert!(has(6, "裁量阶次", "与第4行重复"), "{report:#?}");
    // The file-level duplicate is found before anything is checked against the agency.
    assert_eq!(errors.len(), 1, "{report:#?}");
    bad.remove(4);
    let err = app.import_benchmarks(&admin, agency, "裁量基准.xlsx", &workbook(&bad)).await.unwrap_err();
    let ImportFailure::Rows(errors) = err else { panic!("{err:?}") };
    let report: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    let has = |row: usize, column: &str, text: &str| {
        errors.iter().any(|e| e.row == row && e.column.as_deref() == Some(column) && e.message.contains(text))
    };
    assert!(has(3, "罚款下限", "无法识别") || has(3, "罚款上限", "无法识别"), "{report:#?}");
    assert!(has(5, "违法依据", "不在本机关法律依据目录中"), "{report:#?}");
    assert!(has(5, "处罚种类", "训诫"), "{report:#?}");
    assert!(has(5, "罚款上限", "货值金额50%"), "{report:#?}");
    assert!(has(5, "处罚依据", "不在本机关法律依据目录中"), "{report:#?}");
    assert!(has(6, "违法行为编码", "已有裁量基准"), "{report:#?}");
    assert_eq!(app.benchmarks_for(&admin, agency).await.unwrap().len(), before, "nothing stored");

    // The good rows go in, grouped by code, money in fen.
    let n = app.import_benchmarks(&admin, agency, "裁量基准.xlsx", &workbook(&good_rows())).await.unwrap();
    assert_eq!(n, 3);
    let all = app.benchmarks_for(&admin, agency).await.unwrap();
    assert_eq!(all.len(), before + 2);
    let meat = all.iter().find(|b| b.code == "AX-SC-CF-101").unwrap();
    assert_eq!(meat.tier_names(), ["一般", "严重"]);
    assert_eq!(meat.violation_basis[0].to_string(), format!("{FOOD}第三十四条第（七）项"));
    assert_eq!(
        meat.tiers[0].fine,
        Some(FineRange::Amount { min: Money::from_fen(5_000_000), max: Money::from_fen(10_000_000) })
    );
    assert_eq!(
        meat.tiers[1].fine,
        Some(FineRange::Multiple { base: FineBase::GoodsValue, min_percent: 1000, max_percent: 2000 })
    );
    assert!(meat.tiers[1].penalties.contains(&PenaltyType::RevokeLicence));
    // A CSV of the same list is refused: those codes now exist.
    let csv = format!(
        "{}\n{}\n",
        HEADERS.join(","),
        good_rows()[2]
            .iter()
            .map(|c| if c.contains(',') { format!("\"{c}\"") } else { c.to_string() })
            .collect::<Vec<_>>()
            .join(",")
    );
    let err = app.import_benchmarks(&admin, agency, "裁量基准.csv", csv.as_bytes()).await.unwrap_err();
    assert!(matches!(err, ImportFailure::Rows(ref e) if e[0].message.contains("已有裁量基准")), "{err:?}");
    // Any account of the agency reads them; only its administrator imports.
    let officer = login(&app, "scj-zf").await;
    assert_eq!(app.benchmarks_for(&officer, agency).await.unwrap().len(), before + 2);
    assert!(matches!(
        app.import_benchmarks(&officer, agency, "裁量基准.xlsx", &workbook(&good_rows())).await,
        Err(ImportFailure::App(_))
    ));
    let other = login(&app, "ltj-zf").await;
    assert!(app.benchmarks_for(&other, agency).await.is_err());
}

struct Cast {
    app: App,
    agency: Uuid,
    handling: Uuid,
    officers: Vec<Uuid>,
    zf: Principal,
    zfb: Principal,
    head: Principal,
}

async fn cast(t: &TestDb) -> Cast {
    let app = App::new(t.db.clone());
    app.load_demo().await.unwrap();
    let zf = login(&app, "scj-zf").await;
    let agency = zf.agency_id.unwrap();
    let handling = app.db.units(agency).await.unwrap().into_iter().find(|u| u.kind == UnitKind::Handling).unwrap().id;
    Cast {
        officers: app.officers_in_post("scj-zf").await.unwrap(),
        zfb: login(&app, "scj-zfb").await,
        head: login(&app, "scj-head").await,
        app,
        agency,
        handling,
        zf,
    }
}

impl Cast {
    fn open(&self, procedure: Procedure, party: PartyKind) -> OpenCaseInput {
        OpenCaseInput {
            agency_id: self.agency,
            act_kind: ActKind::Penalty,
            procedure,
            initiation: Initiation::ExOfficio { urgent: false },
            party: Party {
                kind: party,
                name: "安乡县某某超市".into(),
                id_number: String::new(),
                address: "安乡县深柳镇".into(),
                phone: String::new(),
                representative: String::new(),
                minor: false,
            },
            summary: "涉嫌销售超过保质期的食品".into(),
            item_code: None,
            handling_unit: self.handling,
            officers: self.officers[..2].to_vec(),
            auxiliaries: vec![],
            violation_ended_on: Some(zhifa_app::cases::beijing_now().date() - chrono::Days::new(7)),
            serious_harm: false,
            limitation_override: String::new(),
        }
    }

    /// An ordinary penalty case brought to the decision stage.
    async fn in_decision(&self) -> Uuid {
        let now = zhifa_app::cases::beijing_now().format("%Y-%m-%d %H:%M").to_string();
        let today = zhifa_app::cases::beijing_now().format("%Y-%m-%d").to_string();
        let id = self.app.open_case(&self.zf, self.open(Procedure::Ordinary, PartyKind::Organisation)).await.unwrap();
        let mut filing = RecordInput::new(
            RecordKind::FilingApproval,
            &[
                ("reason", "涉嫌销售超过保质期的食品"),
                ("party", "安乡县某某超市"),
                ("handler_opinion", "建议立案"),
                ("unit_opinion", "同意"),
                ("head_approval", "同意"),
                ("approved_at", &now),
            ],
        );
        filing.officers = vec![self.officers[0]];
        let rid = self.app.add_record(&self.zf, id, filing).await.unwrap();
        self.app.give_approval(&self.zf, id, rid, ApprovalStep::Handler, true, "建议立案").await.unwrap();
        self.app.give_approval(&self.zfb, id, rid, ApprovalStep::Reviewer, true, "同意").await.unwrap();
        self.app.give_approval(&self.head, id, rid, ApprovalStep::Approver, true, "同意").await.unwrap();
        self.app.complete_stage(&self.zf, id, Stage::Initiation).await.unwrap();
        let report = RecordInput::new(
            RecordKind::InvestigationReport,
            &[
                ("facts", "销售超过保质期的纯牛奶12盒，货值金额360元"),
                ("evidence", "询问笔录、购货凭证"),
                ("proposal", "给予行政处罚"),
                ("reported_on", &today),
            ],
        );
        self.app.add_record(&self.zf, id, report).await.unwrap();
        let receipt = RecordInput::new(
            RecordKind::DocumentaryEvidence,
            &[("description", "购货凭证1张"), ("source", "当事人提供"), ("collected_on", &today)],
        );
        self.app.add_record(&self.zf, id, receipt).await.unwrap();
        self.app.complete_stage(&self.zf, id, Stage::Investigation).await.unwrap();
        id
    }
}

fn draft(extra: &[(&'static str, &'static str)]) -> RecordInput {
    let mut f = vec![
        ("drafter", "李建国"),
        ("facts", "销售超过保质期的纯牛奶12盒"),
        ("evidence", "询问笔录、购货凭证"),
        ("basis", "《中华人民共和国食品安全法》第一百二十四条第一款第（五）项"),
        ("considerations", "货值金额较小"),
        ("proposal", "没收过期食品，罚款"),
    ];
    f.extend_from_slice(extra);
    RecordInput::new(RecordKind::DecisionDraft, &f)
}

// rule: B-02
#[tokio::test]
async fn a_penalty_proposal_outside_its_tier_is_refused_without_a_deviation_reason() {
    let t = TestDb::new().await;
    let c = cast(&t).await;
    let id = c.in_decision().await;
    // The demo benchmark: 一般 tier of AX-SC-CF-001 fines 5万 to 7万元.
    let below = [
        ("violation_code", "AX-SC-CF-001"),
        ("tier", "一般"),
        ("penalty_types", "没收非法财物、罚款"),
        ("fine", "2万元"),
    ];
    let e = c.app.add_record(&c.zf, id, draft(&below)).await.unwrap_err();
    let message = e.to_string();
    assert!(message.contains("罚款20,000.00元低于该阶次的下限50,000.00元"), "{message}");
    assert!(message.contains("偏离裁量基准的理由"), "{message}");
    let e = c.app.add_record(&c.zf, id, draft(&[("violation_code", "AX-SC-XX-404"), ("tier", "一般")])).await;
    assert!(e.unwrap_err().to_string().contains("没有编码为“AX-SC-XX-404”的违法行为"));
    let e = c.app.add_record(&c.zf, id, draft(&[])).await.unwrap_err();
    assert!(e.to_string().contains("裁量基准中的编码"), "{e}");
    let placeholder = [below.as_slice(), &[("deviation_reason", "同上")]].concat();
    assert!(c.app.add_record(&c.zf, id, draft(&placeholder)).await.is_err());
    let case = c.app.case_after_write(&c.zf, id).await.unwrap().case;
    assert!(case.penalty_assessment().is_none(), "nothing stored");

    let reasoned = [
        below.as_slice(),
        &[("deviation_reason", "货值金额仅360元，当事人主动召回并全部销毁，依《行政处罚法》第三十二条减轻处罚")],
    ]
    .concat();
    c.app.add_record(&c.zf, id, draft(&reasoned)).await.unwrap();
    let case = c.app.case_after_write(&c.zf, id).await.unwrap().case;
    let a = case.penalty_assessment().expect("the draft's assessment, for legal review");
    assert_eq!(a.deviations, [Deviation::FineBelow { fine: Money::from_yuan(20_000), min: Money::from_yuan(50_000) }]);
    assert!(a.deviation_reason.as_deref().unwrap().contains("减轻处罚"));
    assert_eq!(a.tier.name, "一般");

    // Inside the tier, no reason is needed.
    let inside = [("violation_code", "AX-SC-CF-001"), ("tier", "一般"), ("penalty_types", "罚款"), ("fine", "60000")];
    c.app.add_record(&c.zf, id, draft(&inside)).await.unwrap();
    let case = c.app.case_after_write(&c.zf, id).await.unwrap().case;
    assert!(case.penalty_assessment().unwrap().in_range());
}

// rule: B-02
#[tokio::test]
async fn an_on_the_spot_penalty_is_checked_against_the_benchmark_too() {
    let t = TestDb::new().await;
    let c = cast(&t).await;
    let admin = login(&c.app, "scj-admin").await;
    let book = FormBook {
        id: Uuid::new_v4(),
        prefix: "安市监裁".into(),
        first: 1,
        last: 10,
        width: 4,
        issued_on: "2026-01-01".parse().unwrap(),
        holder: None,
    };
    c.app.issue_form_book(&admin, c.agency, book).await.unwrap();
    let id = c.app.open_case(&c.zf, c.open(Procedure::Simplified, PartyKind::Person)).await.unwrap();
    let now = zhifa_app::cases::beijing_now().format("%Y-%m-%d %H:%M").to_string();
    let spot = |tier: &'static str, reason: &'static str| {
        let mut r = RecordInput::new(
            RecordKind::OnTheSpotDecision,
            &[
                ("facts", "未将营业执照置于醒目位置，经责令改正拒不改正"),
                ("basis", "《中华人民共和国市场主体登记管理条例》第四十八条第一款"),
                ("statements", "无异议"),
                ("decided_at", &now),
                ("place", "人民路"),
                ("violation_code", "AX-SC-DJ-001"),
                ("tier", tier),
                ("deviation_reason", reason),
            ],
        );
        r.officers = c.officers[..2].to_vec();
        r.officers_signed = c.officers[..2].to_vec();
        r.credentials_shown = true;
        r.signature = Some(Signature::Signed { signer: "张某某".into() });
        r.form_number = Some("安市监裁0001".into());
        r.penalty = Some(SpotPenalty { warning: false, fine: Some(Money::from_yuan(200)) });
        r
    };
    // 轻微 allows no penalty at all: a fine deviates.
    let e = c.app.add_record(&c.zf, id, spot("轻微", "")).await.unwrap_err();
    assert!(e.to_string().contains("处罚种类“罚款”不在该阶次允许的处罚种类（不予行政处罚）之内"), "{e}");
    c.app.add_record(&c.zf, id, spot("一般", "")).await.unwrap();
    let case = c.app.case_after_write(&c.zf, id).await.unwrap().case;
    assert!(case.penalty_assessment().unwrap().in_range());
}
