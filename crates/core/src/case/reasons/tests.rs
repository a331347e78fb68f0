//! Reason-giving (G-01, G-03…G-06), checked on cases built through the decide functions.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use uuid::Uuid;

use super::*;
use crate::basis::BasisEntry;
use crate::calendar::{WorkCalendar, bundled_years};
use crate::case::deadlines::{DeadlineStatus, deadlines};
use crate::case::decide::{NewRecord, OpenCase, decide_add_record, decide_complete_stage, decide_correct, decide_open};
use crate::case::documents::{DocType, DocumentNumber, IssuedPdf, decide_issue};
use crate::case::kinds;
use crate::case::requirements::{AvList, missing};
use crate::case::review::ReviewPolicy;
use crate::case::{CaseEvent, Initiation, Party, PartyKind, Procedure, Record, Stage};
use crate::discretion::{Benchmark, FineRange, PenaltyType, Tier};
use crate::ids::CitizenId;
use crate::personnel::{Certificate, Officer, OfficerEvent, OfficerProfile, StaffKind};
use crate::profile::{PolicyProfile, bundled_profiles};
use crate::registry::{ActKind, Agency, AgencyEvent, AgencyInfo, Unit, UnitKind};

pub(crate) fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

pub(crate) fn t(s: &str) -> NaiveDateTime {
    kinds::parse_datetime(s).unwrap()
}

pub(crate) fn profile(id: &str) -> PolicyProfile {
    bundled_profiles().into_iter().find(|p| p.id == id).unwrap()
}

fn entry(s: &str) -> BasisEntry {
    BasisEntry { id: Uuid::new_v4(), citation: Citation::parse(s).unwrap(), text: String::new() }
}

const FOOD_34: &str = "《中华人民共和国食品安全法》第三十四条第一款第（十）项";
const FOOD_124: &str = "《中华人民共和国食品安全法》第一百二十四条第一款第（五）项";

/// Four reasons that satisfy even a major decision of the test case (it holds a
/// documentary evidence record and applies the 一般 tier).
const REASONS_OK: [(&str, &str); 4] = [
    (
        "fact_reasons",
        "当事人货架上陈列的十二盒牛奶标注的保质期已于二〇二五年八月届满，进货单据、现场检查笔录与当事人陈述相互印证，足以认定其销售超过保质期的食品",
    ),
    (
        "evidence_reasons",
        "书证进货单据由当事人提供并签字确认，来源合法、内容真实，与现场检查笔录记载的品名、批次一致，予以采信；当事人称不知过期的陈述无其他证据支持，不予采信",
    ),
    (
        "basis_reasons",
        "当事人经营超过保质期的食品，符合食品安全法第三十四条第一款第（十）项禁止情形，第一百二十四条第一款第（五）项是对该行为的处罚规定，故适用上述条款",
    ),
    (
        "discretion_reasons",
        "货值金额不足一万元，违法时间较短，首次被查处且主动下架，属于裁量基准“一般”阶次的情形，在该阶次罚款幅度内从轻确定罚款数额，未见从重情节",
    ),
];

/// An agency of 安乡 with two certified officers, a basis catalogue and a benchmark; the
/// disclosure tests build their decisions on it too.
pub(crate) struct World {
    pub(crate) agency: Agency,
    officers: Vec<Officer>,
    pub(crate) profile: PolicyProfile,
    basis: Vec<BasisEntry>,
    benchmarks: Vec<Benchmark>,
}

impl World {
    pub(crate) fn new(profile_id: &str) -> World {
        let mut agency = Agency { id: Uuid::new_v4(), ..Default::default() };
        agency.info =
            AgencyInfo {
                name: "安乡县市场监督管理局".into(), short_name: "安市监".into(), ..Default::default()
            };
        agency.apply(&AgencyEvent::UnitAdded {
            unit: Unit {
                id: Uuid::new_v4(), name: "执法大队".into(), kind: UnitKind::Handling, duties: String::new()
            },
        });
        let officers = (1..=2)
            .map(|n| {
                let first17 = format!("4307211985031200{n}");
                let id = format!("{first17}{}", CitizenId::check_digit(first17.as_bytes()));
                let profile = OfficerProfile {
                    agency_id: agency.id,
                    unit_id: agency.units[0].id,
                    name: ["张明", "李华"][n - 1].into(),
                    citizen_id: CitizenId::parse(&id).unwrap(),
                    kind: StaffKind::Officer,
                    position: String::new(),
                    phone: String::new(),
                };
                let mut o = Officer::fold([&Officer::decide_register(&agency, profile).unwrap()]).unwrap();
                o.apply(&OfficerEvent::CertificateIssued {
                    certificate: Certificate {
                        number: format!("4307000{n}"),
                        category: "市场监管".into(),
                        scope: "安乡县".into(),
                        issued_on: d("2024-01-01"),
                        expires_on: d("2028-12-31"),
                        revoked: None,
                    },
                });
                o
            })
            .collect();
        let basis = vec![
            entry("《中华人民共和国食品安全法》第三十四条"),
            entry("《中华人民共和国食品安全法》第一百二十四条"),
            entry("《中华人民共和国行政处罚法》第三十二条"),
        ];
        let tier = |name: &str, min: i64, max: i64| Tier {
            name: name.into(),
            circumstances: format!("{name}情形"),
            penalties: vec![PenaltyType::Warning, PenaltyType::Fine],
            fine: Some(FineRange::Amount { min: Money::from_yuan(min), max: Money::from_yuan(max) }),
        };
        let benchmarks = vec![Benchmark {
            id: Uuid::new_v4(),
            code: "SP-01".into(),
            name: "经营超过保质期的食品".into(),
            violation_basis: vec![Citation::parse("《中华人民共和国食品安全法》第三十四条").unwrap()],
            penalty_basis: vec![Citation::parse("《中华人民共和国食品安全法》第一百二十四条").unwrap()],
            tiers: vec![tier("轻微", 1, 5_000), tier("一般", 5_000, 20_000), tier("较重", 20_000, 50_000)],
        }];
        World { agency, officers, profile: profile(profile_id), basis, benchmarks }
    }

    pub(crate) fn review(&self) -> ReviewPolicy<'_> {
        ReviewPolicy { profile: &self.profile, catalogue: &[] }
    }

    pub(crate) fn policy(&self) -> ReasonsPolicy<'_> {
        ReasonsPolicy { review: self.review(), basis: &self.basis, benchmarks: &self.benchmarks }
    }

    /// A penalty case against a citizen in its decision stage with documentary evidence and
    /// a draft of a `yuan` fine in the 一般 tier (major from 10,000 yuan under 安乡's profile).
    fn case(&self, yuan: &str) -> Case {
        let party = Party {
            kind: PartyKind::Person,
            name: "刘某".into(),
            id_number: String::new(),
            address: "安乡县".into(),
            phone: String::new(),
            representative: String::new(),
            minor: false,
        };
        self.case_against(party, yuan)
    }

    /// The same case against another party.
    pub(crate) fn case_against(&self, party: Party, yuan: &str) -> Case {
        let cmd = OpenCase {
            act_kind: ActKind::Penalty,
            procedure: Procedure::Ordinary,
            initiation: Initiation::ExOfficio { urgent: false },
            party,
            summary: "销售过期食品".into(),
            item_code: None,
            handling_unit: self.agency.units[0].id,
            officers: self.officers.iter().collect(),
            auxiliaries: vec![],
            violation_ended_on: Some(d("2025-08-01")),
            serious_harm: false,
            limitation_override: String::new(),
        };
        let opened =
            decide_open(&self.agency, &self.profile, cmd, "安市监案〔2025〕9号".into(), t("2025-09-01 09:00")).unwrap();
        let mut case = Case::fold([&opened]).unwrap();
        case.apply(&CaseEvent::StageCompleted { stage: Stage::Initiation, on: d("2025-09-01") });
        add(
            &mut case,
            NewRecord::new(
                RecordKind::DocumentaryEvidence,
                &[("description", "进货单据"), ("source", "当事人提供"), ("collected_on", "2025-09-02")],
            ),
        );
        case.apply(&CaseEvent::StageCompleted { stage: Stage::Investigation, on: d("2025-09-04") });
        let mut draft = NewRecord::new(
            RecordKind::DecisionDraft,
            &[
                ("drafter", "张明"),
                ("facts", "销售过期食品"),
                ("evidence", "单据"),
                ("basis", FOOD_124),
                ("considerations", "一般情节"),
                ("proposal", &format!("罚款{yuan}元")),
                ("violation_code", "SP-01"),
                ("tier", "一般"),
                ("penalty_types", "罚款"),
                ("fine", yuan),
            ],
        );
        draft.benchmarks = &self.benchmarks;
        add(&mut case, draft);
        case
    }

    /// A case of `act_kind` under `procedure`, started ex officio against `party` by the two
    /// officers at `at`; nothing recorded yet.
    pub(crate) fn open(&self, act_kind: ActKind, procedure: Procedure, party: Party, at: &str) -> Case {
        let cmd = OpenCase {
            act_kind,
            procedure,
            initiation: Initiation::ExOfficio { urgent: false },
            party,
            summary: "占道经营".into(),
            item_code: None,
            handling_unit: self.agency.units[0].id,
            officers: self.officers.iter().collect(),
            auxiliaries: vec![],
            violation_ended_on: Some(t(at).date()),
            serious_harm: false,
            limitation_override: String::new(),
        };
        let opened = decide_open(&self.agency, &self.profile, cmd, "安市监简〔2025〕1号".into(), t(at)).unwrap();
        Case::fold([&opened]).unwrap()
    }

    /// `rec` as an on-site act of the two officers, certificates shown, signed by them and
    /// by the party (P-02, R-05).
    pub(crate) fn on_site<'a>(&'a self, mut rec: NewRecord<'a>, party: &str) -> NewRecord<'a> {
        rec.officers = self.officers.iter().collect();
        rec.credentials_shown = true;
        rec.officers_signed = self.officers.iter().map(|o| o.id).collect();
        rec.signature = Some(crate::case::Signature::Signed { signer: party.into() });
        rec
    }

    /// The fields of a decision document of a `yuan` fine in the 一般 tier, with the four
    /// reasons of [`REASONS_OK`].
    pub(crate) fn fields(&self, yuan: &str) -> BTreeMap<String, String> {
        let mut f: BTreeMap<String, String> = [
            ("document_number", "安市监罚决〔2025〕9号"),
            ("party", "安乡县某某超市"),
            ("facts", "2025年8月当事人销售超过保质期的牛奶十二盒"),
            ("basis", &format!("{FOOD_34}\n{FOOD_124}")),
            ("discretion", "《安乡县市场监督管理局行政处罚裁量基准》SP-01 一般阶次"),
            ("conclusion", &format!("罚款人民币{yuan}元")),
            ("performance", "十五日内缴纳"),
            ("remedies", "六十日内复议或六个月内诉讼"),
            ("agency", "安乡县市场监督管理局"),
            ("sealed", "是"),
            ("decided_on", "2025-09-20"),
            ("violation_code", "SP-01"),
            ("tier", "一般"),
            ("penalty_types", "罚款"),
            ("fine", yuan),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        for (k, v) in REASONS_OK {
            f.insert(k.into(), v.into());
        }
        f
    }

    pub(crate) fn document<'a>(&'a self, fields: &BTreeMap<String, String>) -> NewRecord<'a> {
        let mut doc = NewRecord::new(RecordKind::DecisionDocument, &[]);
        doc.fields = fields.clone();
        doc.review = Some(self.review());
        doc.basis = &self.basis;
        doc.benchmarks = &self.benchmarks;
        doc
    }
}

pub(crate) fn add(case: &mut Case, rec: NewRecord<'_>) -> Uuid {
    let e = decide_add_record(case, rec, None, d("2025-09-20")).unwrap();
    let CaseEvent::RecordAdded { record } = &e else { panic!() };
    let id = record.id;
    case.apply(&e);
    id
}

fn without(mut f: BTreeMap<String, String>, keys: &[&str]) -> BTreeMap<String, String> {
    for k in keys {
        f.remove(*k);
    }
    f
}

fn with(mut f: BTreeMap<String, String>, pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    for (k, v) in pairs {
        f.insert(k.to_string(), v.to_string());
    }
    f
}

pub(crate) fn pdf() -> IssuedPdf {
    IssuedPdf { sha256: "a".repeat(64), size: 1, pages: 1 }
}

// rule: G-01
#[test]
fn a_decision_states_four_separate_reasons_where_the_profile_makes_it_mandatory() {
    let w = World::new("anxiang");
    let mut case = w.case("8000");
    let bare = without(w.fields("8000"), &["fact_reasons", "evidence_reasons", "basis_reasons", "discretion_reasons"]);
    let err = decide_add_record(&case, w.document(&bare), None, d("2025-09-20")).unwrap_err();
    for (key, label) in REASONS {
        let m = err.message_for(&format!("fields.{key}")).unwrap_or_else(|| panic!("{key}: {err}"));
        assert!(m.contains(&format!("缺少{label}")) && m.contains("G-01"), "{m}");
    }
    // One reason too thin is named alone.
    let thin = with(w.fields("8000"), &[("basis_reasons", "适用正确")]);
    let err = decide_add_record(&case, w.document(&thin), None, d("2025-09-20")).unwrap_err();
    assert_eq!(err.errors.len(), 1, "{err}");
    assert!(err.message_for("fields.basis_reasons").unwrap().contains("适用法律依据的理由只有4个字"), "{err}");
    // With the four reasons the decision is made, and the case page says so.
    add(&mut case, w.document(&w.fields("8000")));
    let line = summary(&case).unwrap();
    assert!(line.contains("认定事实的理由、证据采信的理由、适用法律依据的理由、行使裁量权的理由"), "{line}");
    // Where the profile does not make reasons mandatory (莱州), they may be left out.
    let w = World::new("laizhou");
    assert!(!w.profile.params.reason_giving_mandatory);
    let case = w.case("8000");
    assert!(decide_add_record(&case, w.document(&bare), None, d("2025-09-20")).is_ok());
}

// rule: G-01
#[test]
fn a_major_decision_gives_its_reasons_in_detail() {
    let w = World::new("anxiang");
    // 15,000 yuan reaches the 安乡 threshold for a citizen: a major decision.
    let case = w.case("15000");
    assert!(detailed(&case, w.review()));
    let short = [
        ("fact_reasons", "单据与笔录相互印证，足以认定违法事实"),
        ("evidence_reasons", "进货单据真实合法，予以采信"),
        ("basis_reasons", "符合第三十四条禁止情形"),
        ("discretion_reasons", "属一般阶次，从轻处罚"),
    ];
    let fields = with(w.fields("15000"), &short);
    let err = check_decision(&case, &fields, Some(w.policy())).unwrap_err();
    for (key, label) in REASONS {
        let m = err.message_for(&format!("fields.{key}")).unwrap_or_else(|| panic!("{key}: {err}"));
        assert!(m.contains(label) && m.contains("过于简略") && m.contains("重点、详细"), "{m}");
        assert!(m.contains("拟罚款"), "the ground is named: {m}");
    }
    // The evidence reason of a major decision weighs every kind of evidence in the case.
    let vague = with(
        w.fields("15000"),
        &[(
            "evidence_reasons",
            "本案证据来源合法、内容真实、与待证事实相关联，相互印证形成完整证据链，均予采信，当事人未提出反驳证据",
        )],
    );
    let err = check_decision(&case, &vague, Some(w.policy())).unwrap_err();
    let m = err.message_for("fields.evidence_reasons").unwrap();
    assert!(m.contains("书证") && m.contains("逐项说明"), "{m}");
    // And the discretion reason names the tier applied.
    let untiered = with(
        w.fields("15000"),
        &[(
            "discretion_reasons",
            "当事人违法时间较短，首次被查处且主动下架全部过期食品，综合考虑从轻确定罚款数额，未见从重情节",
        )],
    );
    let err = check_decision(&case, &untiered, Some(w.policy())).unwrap_err();
    assert!(err.message_for("fields.discretion_reasons").unwrap().contains("“一般”"), "{err}");
    // A hearing held or a complex case is major too; the detailed reasons pass.
    assert!(check_decision(&case, &w.fields("15000"), Some(w.policy())).is_ok());
    // The same short reasons do for an ordinary decision.
    let small = w.case("8000");
    assert!(!detailed(&small, w.review()));
    assert!(check_decision(&small, &with(w.fields("8000"), &short), Some(w.policy())).is_ok());
}

// rule: G-03
#[test]
fn the_basis_is_one_citation_a_line_each_resolving_in_the_catalogue() {
    let w = World::new("anxiang");
    let case = w.case("8000");
    let bad = with(
        w.fields("8000"),
        &[("basis", &format!("{FOOD_34}\n食品安全法第一百二十四条\n《中华人民共和国食品安全法》第一百二十四条之规定"))],
    );
    let err = check_decision(&case, &bad, Some(w.policy())).unwrap_err();
    let lines: Vec<&str> =
        err.errors.iter().filter(|e| e.field == "fields.basis").map(|e| e.message.as_str()).collect();
    assert!(
        lines.iter().any(|m| m.starts_with("第2行“食品安全法第一百二十四条”") && m.contains("书名号")),
        "{lines:?}"
    );
    assert!(lines.iter().any(|m| m.starts_with("第3行") && m.contains("之规定")), "{lines:?}");
    let unknown =
        with(w.fields("8000"), &[("basis", &format!("{FOOD_34}\n{FOOD_124}\n《中华人民共和国产品质量法》第四十九条"))]);
    let err = check_decision(&case, &unknown, Some(w.policy())).unwrap_err();
    assert_eq!(
        err.message_for("fields.basis").unwrap(),
        "《中华人民共和国产品质量法》第四十九条不在本机关法律依据目录中：请核对法律名称和条款，或请管理员先将其列入依据目录（G-03）"
    );
    // Arabic numbers are read and printed in full.
    let arabic = with(
        w.fields("8000"),
        &[("basis", "《中华人民共和国食品安全法》第34条第1款第10项；《中华人民共和国食品安全法》第124条第1款第5项")],
    );
    assert!(check_decision(&case, &arabic, Some(w.policy())).is_ok());
    assert_eq!(basis_lines(&arabic["basis"]), [FOOD_34, FOOD_124]);
    // An old record's free text is printed as written.
    assert_eq!(basis_lines("依据食品安全法有关规定"), ["依据食品安全法有关规定"]);
    // Without the catalogue and profile nothing is let through.
    assert!(check_decision(&case, &w.fields("8000"), None).unwrap_err().to_string().contains("无法核对说明理由"));
}

// rule: G-04
#[test]
fn placeholders_are_no_reasons() {
    let w = World::new("anxiang");
    let case = w.case("8000");
    for text in
        ["无", "略", "同上", "见附件", "详见卷宗第3页", "/", "。。。。", "——", "认定事实的理由", "认定事实", "理由同上"]
    {
        let f = with(w.fields("8000"), &[("fact_reasons", text)]);
        let err = check_decision(&case, &f, Some(w.policy())).unwrap_err();
        let m = err.message_for("fields.fact_reasons").unwrap_or_else(|| panic!("{text}: {err}"));
        assert!(m.contains("认定事实的理由不成立") && m.contains("G-01"), "{text}: {m}");
    }
    assert!(no_reason("当事人的陈述与书证相互印证", "证据采信的理由").is_none());
    // The reason of a coercive-measure decision is no placeholder either.
    let coercive = NewRecord::new(
        RecordKind::CoerciveDecision,
        &[
            ("document_number", "安市监强制〔2025〕1号"),
            ("measure", "扣押"),
            ("object", "过期牛奶十二盒"),
            ("reason", "同上"),
            ("basis", "《中华人民共和国食品安全法》第一百一十条"),
            ("period", "三十日"),
            ("remedies", "六十日内复议或六个月内诉讼"),
            ("decided_on", "2025-09-20"),
        ],
    );
    let err = decide_add_record(&case, coercive, None, d("2025-09-20")).unwrap_err();
    assert!(err.message_for("fields.reason").unwrap().contains("行政强制措施决定书的理由不成立"), "{err}");
}

// rule: G-04
#[test]
fn contradictory_reasons_are_no_reasons() {
    let w = World::new("anxiang");
    let case = w.case("8000");
    // The discretion reason names another tier than the one applied.
    let f = with(
        w.fields("8000"),
        &[("discretion_reasons", "当事人首次违法且危害后果轻微，属于“轻微”阶次，依法从轻处罚，罚款数额适当")],
    );
    let err = check_decision(&case, &f, Some(w.policy())).unwrap_err();
    let m = err.message_for("fields.discretion_reasons").unwrap();
    assert!(m.contains("“轻微”阶次") && m.contains("“一般”阶次") && m.contains("G-04"), "{m}");
    // The fine written in the decision differs from the fine decided.
    let f = with(w.fields("8000"), &[("conclusion", "罚款人民币6000元")]);
    let err = check_decision(&case, &f, Some(w.policy())).unwrap_err();
    assert!(
        err.message_for("fields.conclusion").unwrap().contains("6,000.00元，与罚款金额栏的8,000.00元不一致"),
        "{err}"
    );
    let f = with(w.fields("8000"), &[("conclusion", "责令改正，并处罚款")]);
    assert!(check_decision(&case, &f, Some(w.policy())).unwrap_err().to_string().contains("决定内容未写明罚款金额"));
    // The basis is not the violation type's.
    let f = with(w.fields("8000"), &[("basis", "《中华人民共和国行政处罚法》第三十二条")]);
    let err = check_decision(&case, &f, Some(w.policy())).unwrap_err();
    let all = err.to_string();
    assert!(
        all.contains("违法依据是《中华人民共和国食品安全法》第三十四条")
            && all.contains("处罚依据是《中华人民共和国食品安全法》第一百二十四条"),
        "{all}"
    );
    // Consistent: ok, including in Chinese numerals.
    let f = with(w.fields("8000"), &[("conclusion", "罚款八千元")]);
    assert!(check_decision(&case, &f, Some(w.policy())).is_ok());
}

// rule: G-04
#[test]
fn a_decision_without_reasons_is_neither_issued_nor_completes_its_stage() {
    let w = World::new("anxiang");
    let mut case = w.case("8000");
    // A decision document stored before reasons had fields of their own.
    let old = without(w.fields("8000"), &["fact_reasons", "evidence_reasons", "basis_reasons", "discretion_reasons"]);
    let record = Record {
        id: Uuid::new_v4(),
        kind: RecordKind::DecisionDocument,
        stage: Stage::Decision,
        fields: old,
        officers: vec![],
        credentials_shown: false,
        auxiliaries: vec![],
        officers_signed: vec![],
        signature: None,
        serves: None,
        form_number: None,
        penalty: None,
        sensitivity: Default::default(),
        assessment: None,
        entered_on: None,
        points: vec![],
        host: None,
    };
    let id = record.id;
    case.apply(&CaseEvent::RecordAdded { record });
    let err =
        decide_issue(&case, id, "行政处罚决定书", None, pdf(), Uuid::new_v4(), t("2025-09-21 09:00"), Some(w.policy()))
            .unwrap_err();
    assert!(err.to_string().contains("决定书不能出具：缺少认定事实的理由"), "{err}");
    let err = decide_issue(&case, id, "行政处罚决定书", None, pdf(), Uuid::new_v4(), t("2025-09-21 09:00"), None)
        .unwrap_err();
    assert!(err.to_string().contains("无法核对说明理由"), "{err}");
    let gaps = decide_complete_stage(&case, Stage::Decision, &AvList::new(), w.policy(), d("2025-09-21")).unwrap_err();
    assert!(gaps.to_string().contains("决定书说明理由不足：缺少证据采信的理由"), "{gaps}");
    // A correction cannot turn reasons into a placeholder, nor delete them.
    let fixed: BTreeMap<String, String> = REASONS_OK.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let e = decide_correct(&case, id, "补充说明理由", fixed, &[], d("2025-09-21")).unwrap();
    case.apply(&e);
    let number = DocumentNumber::new(w.agency.id, "安市监", DocType::PenaltyDecision, 2025, 1);
    let issued = decide_issue(
        &case,
        id,
        "行政处罚决定书",
        Some(number),
        pdf(),
        Uuid::new_v4(),
        t("2025-09-21 09:00"),
        Some(w.policy()),
    );
    assert!(issued.is_ok(), "{issued:?}");
    for (value, what) in [("略", "占位用语"), ("", "不能以更正删去")] {
        let f = BTreeMap::from([("fact_reasons".to_string(), value.to_string())]);
        let err = decide_correct(&case, id, "改", f, &[], d("2025-09-21")).unwrap_err();
        assert!(err.to_string().contains(what), "{value}: {err}");
    }
}

// rule: G-03
// rule: G-04
#[test]
fn a_basis_corrected_out_of_the_catalogue_or_against_the_benchmark_stops_the_decision_stage() {
    let w = World::new("anxiang");
    let mut case = w.case("8000");
    let doc = add(&mut case, w.document(&w.fields("8000")));
    let complete =
        |case: &Case| decide_complete_stage(case, Stage::Decision, &AvList::new(), w.policy(), d("2025-09-21"));
    let before = complete(&case).map_err(|e| e.to_string()).err().unwrap_or_default();
    assert!(!before.contains("法律依据"), "{before}");
    // A citation that reads but is not in the agency's catalogue: the correction itself
    // only checks that it reads; the stage does not complete with it.
    let outside = BTreeMap::from([(
        "basis".to_string(),
        format!("{FOOD_34}\n{FOOD_124}\n《中华人民共和国产品质量法》第四十九条"),
    )]);
    case.apply(&decide_correct(&case, doc, "补充依据", outside, &[], d("2025-09-21")).unwrap());
    let err = complete(&case).unwrap_err().to_string();
    assert!(err.contains("决定书说明理由不足") && err.contains("不在本机关法律依据目录中"), "{err}");
    // A basis without the benchmark's penalty basis contradicts the benchmark applied.
    let partial = BTreeMap::from([("basis".to_string(), FOOD_34.to_string())]);
    case.apply(&decide_correct(&case, doc, "改依据", partial, &[], d("2025-09-21")).unwrap());
    let err = complete(&case).unwrap_err().to_string();
    assert!(err.contains("与适用的裁量基准矛盾") && err.contains("处罚依据"), "{err}");
}

// rule: G-05
#[test]
fn a_request_for_written_reasons_is_answered_within_seven_natural_days() {
    let w = World::new("anxiang");
    let mut case = w.case("8000");
    let doc = add(&mut case, w.document(&w.fields("8000")));
    let mut req = NewRecord::new(
        RecordKind::ReasonsRequest,
        &[("requested_on", "2025-09-30"), ("requester", "安乡县某某超市"), ("about", "为何适用一般阶次")],
    );
    // A request names the decision it concerns.
    let err = decide_add_record(&case, req.clone(), None, d("2025-09-30")).unwrap_err();
    assert!(err.message_for("serves").unwrap().contains("申请说明理由的决定"));
    req.serves = Some(doc);
    let e = decide_add_record(&case, req, None, d("2025-09-30")).unwrap();
    let CaseEvent::RecordAdded { record } = &e else { panic!() };
    let request = record.id;
    case.apply(&e);
    let cal = WorkCalendar::new(bundled_years());
    let g05 = |case: &Case, now: &str| {
        deadlines(case, &w.profile, &cal, t(now)).unwrap().into_iter().find(|x| x.rule == "G-05").unwrap()
    };
    // Natural days: 7 days after 09-30 is 10-07, inside the National Day holiday — working
    // days would have run to mid-October.
    let dl = g05(&case, "2025-10-03 09:00");
    assert_eq!(dl.due, t("2025-10-07 23:59:59"));
    assert_eq!(dl.status, DeadlineStatus::Open);
    assert_eq!(g05(&case, "2025-10-06 09:00").status, DeadlineStatus::DueSoon);
    assert_eq!(g05(&case, "2025-10-08 09:00").status, DeadlineStatus::Overdue);
    // The case is not closed with the request unanswered.
    let gaps = missing(&case, Stage::Closure, &AvList::new());
    assert!(gaps.iter().any(|g| g.contains("尚未书面说明理由") && g.contains("G-05")), "{gaps:?}");
    // A reply of no reasons is no reply.
    let mut reply = NewRecord::new(RecordKind::ReasonsReply, &[("replied_on", "2025-10-09"), ("reasons", "同上")]);
    reply.serves = Some(request);
    let err = decide_add_record(&case, reply.clone(), None, d("2025-10-09")).unwrap_err();
    assert!(err.message_for("fields.reasons").unwrap().contains("占位用语"), "{err}");
    reply.fields.insert("reasons".into(), REASONS_OK[3].1.into());
    let e = decide_add_record(&case, reply.clone(), None, d("2025-10-09")).unwrap();
    case.apply(&e);
    assert_eq!(g05(&case, "2025-10-10 09:00").status, DeadlineStatus::MetLate);
    assert!(missing(&case, Stage::Closure, &AvList::new()).iter().all(|g| !g.contains("G-05")));
    assert!(summary(&case).unwrap().contains("申请书面说明理由1次，均已答复"));
    // Answered once.
    let err = decide_add_record(&case, reply, None, d("2025-10-09")).unwrap_err();
    assert!(err.message_for("serves").unwrap().contains("已书面说明理由"));
}

// rule: G-06
#[test]
fn an_exemption_is_recorded_with_its_ground_and_skips_the_reasons() {
    let w = World::new("anxiang");
    let mut case = w.case("8000");
    let bare = without(w.fields("8000"), &["fact_reasons", "evidence_reasons", "basis_reasons", "discretion_reasons"]);
    // A penalty is never favourable to the party.
    let f = with(
        bare.clone(),
        &[
            ("reasons_exemption", Exemption::Favourable.label()),
            ("exemption_detail", "当事人对处罚无异议，且无第三人"),
            ("third_party_objection", "否"),
        ],
    );
    let err = check_decision(&case, &f, Some(w.policy())).unwrap_err();
    assert!(err.message_for("fields.reasons_exemption").unwrap().contains("不属于有利于当事人"), "{err}");
    let f = with(
        f,
        &[
            ("penalty_types", "不予行政处罚"),
            ("fine", ""),
            ("conclusion", "不予行政处罚"),
            ("third_party_objection", "是"),
        ],
    );
    let f = without(f, &["fine", "tier"]);
    let err = check_decision(&case, &f, Some(w.policy())).unwrap_err();
    assert!(err.message_for("fields.third_party_objection").unwrap().contains("第三人提出异议"), "{err}");
    // The ground is justified.
    let f = with(bare.clone(), &[("reasons_exemption", Exemption::Emergency.label()), ("exemption_detail", "无")]);
    let err = check_decision(&case, &f, Some(w.policy())).unwrap_err();
    assert!(err.message_for("fields.exemption_detail").unwrap().contains("须写明具体情况"), "{err}");
    // "The law says so" cites the law, from the catalogue.
    let f = with(
        bare.clone(),
        &[("reasons_exemption", Exemption::Law.label()), ("exemption_detail", "法律规定此类决定可以不说明理由")],
    );
    let err = check_decision(&case, &f, Some(w.policy())).unwrap_err();
    assert!(err.message_for("fields.exemption_basis").unwrap().contains("请引用该规定"), "{err}");
    let f = with(f, &[("exemption_basis", "《中华人民共和国保守国家秘密法》第九条")]);
    let err = check_decision(&case, &f, Some(w.policy())).unwrap_err();
    assert!(err.message_for("fields.exemption_basis").unwrap().contains("不在本机关法律依据目录中"), "{err}");
    // An emergency decision goes without reasons; the case shows the ground, and a
    // request for reasons is then due within the profile's days.
    let f = with(
        bare,
        &[
            ("reasons_exemption", Exemption::Emergency.label()),
            ("exemption_detail", "过期食品正在销售，须立即处理以防流入消费者手中"),
        ],
    );
    let doc = add(&mut case, w.document(&f));
    let line = summary(&case).unwrap();
    assert!(line.contains("依法不说明理由（出现紧急事由必须立即处理）：过期食品正在销售"), "{line}");
    assert_eq!(exemption_of(case.record(doc).unwrap()), Some(Exemption::Emergency));
    assert!(
        decide_complete_stage(&case, Stage::Decision, &AvList::new(), w.policy(), d("2025-09-21"))
            .map_err(|e| e.to_string())
            .err()
            .is_none_or(|e| !e.contains("说明理由"))
    );
    let mut req = NewRecord::new(
        RecordKind::ReasonsRequest,
        &[("requested_on", "2025-09-20"), ("requester", "刘某"), ("about", "要求说明处罚理由")],
    );
    req.serves = Some(doc);
    add(&mut case, req);
    let cal = WorkCalendar::new(bundled_years());
    let dl = deadlines(&case, &w.profile, &cal, t("2025-09-21 09:00")).unwrap();
    let g05 = dl.iter().find(|x| x.rule == "G-05").unwrap();
    assert!(g05.what.contains("紧急情况下作出的决定"), "{}", g05.what);
    assert_eq!(g05.due, t("2025-09-27 23:59:59"));
}

/// Puts a record of `kind` straight into the case's file (as if made in investigation).
fn put(case: &mut Case, kind: RecordKind, fields: &[(&str, &str)]) -> Uuid {
    let mut record = case.records[0].record.clone();
    record.id = Uuid::new_v4();
    record.kind = kind;
    record.stage = Stage::Investigation;
    record.serves = None;
    record.fields = fields.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let id = record.id;
    case.apply(&CaseEvent::RecordAdded { record });
    id
}

/// Attaches a video made with a body camera to `record`.
fn put_video(case: &mut Case, record: Uuid) {
    use crate::case::{AvItem, AvMetadata, MediaKind, StoredFile};
    case.apply(&CaseEvent::AvAttached {
        av: AvItem {
            id: Uuid::new_v4(),
            media: MediaKind::Video,
            file: StoredFile {
                sha256: "ab".repeat(32),
                size: 10,
                media_type: "video/mp4".into(),
                file_name: "现场.mp4".into(),
                storage_key: "k".into(),
            },
            meta: AvMetadata {
                record_id: Some(record),
                captured_at: t("2025-09-03 10:00"),
                place: "超市".into(),
                captured_by: "张明".into(),
                production_method: "执法记录仪拍摄".into(),
                maker: "张明".into(),
                proves: "货架陈列情况".into(),
                transcript: String::new(),
                interruptions: vec![],
                interruption_explanation: String::new(),
                remote_return_at: None,
                sensitivity: Default::default(),
            },
            stored_at: t("2025-09-03 12:00"),
            late: None,
        },
    });
}

// rule: G-01
#[test]
fn a_detailed_evidence_reason_may_name_the_evidence_as_officers_do() {
    let w = World::new("anxiang");
    let mut case = w.case("15000");
    assert!(detailed(&case, w.review()));
    put(
        &mut case,
        RecordKind::DocumentaryEvidence,
        &[("description", "营业执照复印件"), ("source", "当事人提供"), ("collected_on", "2025-09-02")],
    );
    let site =
        put(&mut case, RecordKind::SiteInspection, &[("place", "超市"), ("content", "货架上陈列过期牛奶十二盒")]);
    put_video(&mut case, site);
    put(&mut case, RecordKind::Sampling, &[("place", "超市"), ("items", "牛奶两盒"), ("method", "随机抽取")]);
    // A coercive measure is no evidence: the reason need not weigh it.
    put(&mut case, RecordKind::CoerciveMeasure, &[("measure", "扣押"), ("reason", "防止转移")]);
    let evidence = "进货单据、营业执照复印件由当事人提供并签字确认，来源合法；现场笔录与执法记录仪拍摄的画面一致，如实记载货架陈列情况；抽检结果表明牛奶已过保质期，均予采信";
    let f = with(w.fields("15000"), &[("evidence_reasons", evidence)]);
    assert!(check_decision(&case, &f, Some(w.policy())).is_ok(), "{:?}", check_decision(&case, &f, Some(w.policy())));
    // Leaving out the inspection and its video is still refused, naming both.
    let partial = "进货单据、营业执照复印件由当事人提供并签字确认，来源合法，内容真实；抽检结果表明牛奶已过保质期，均予采信，当事人无异议";
    let err = check_decision(&case, &with(w.fields("15000"), &[("evidence_reasons", partial)]), Some(w.policy()))
        .unwrap_err();
    let m = err.message_for("fields.evidence_reasons").unwrap();
    assert!(m.contains("现场检查（勘验）笔录、音像资料") && !m.contains("强制措施"), "{m}");
}

// rule: G-04
#[test]
fn a_tier_denied_in_the_reasons_is_no_contradiction() {
    let mut w = World::new("anxiang");
    w.benchmarks[0].tiers.push(Tier {
        name: "严重".into(),
        circumstances: "严重情形".into(),
        penalties: vec![PenaltyType::Fine],
        fine: Some(FineRange::Amount { min: Money::from_yuan(50_000), max: Money::from_yuan(100_000) }),
    });
    let case = w.case("8000");
    let heavy = |reason: &str| {
        with(
            w.fields("30000"),
            &[
                ("tier", "较重"),
                ("conclusion", "罚款人民币30000元"),
                ("discretion", "《安乡县市场监督管理局行政处罚裁量基准》SP-01"),
                ("discretion_reasons", reason),
            ],
        )
    };
    let ok = heavy("当事人销售过期食品货值较大且持续三个月，违法情节较重，但不属于严重情节，在相应幅度内确定罚款数额");
    assert!(check_decision(&case, &ok, Some(w.policy())).is_ok(), "{:?}", check_decision(&case, &ok, Some(w.policy())));
    let f = with(
        w.fields("8000"),
        &[(
            "discretion_reasons",
            "当事人首次违法，违法情节一般，无较重情节，主动下架全部过期食品，在幅度内确定罚款数额",
        )],
    );
    assert!(check_decision(&case, &f, Some(w.policy())).is_ok(), "{:?}", check_decision(&case, &f, Some(w.policy())));
    // An affirmed other tier is still a contradiction, negations notwithstanding.
    let bad = heavy("当事人销售过期食品货值较大且持续三个月，属于严重情节，并非一般违法，在相应幅度内确定罚款数额");
    let err = check_decision(&case, &bad, Some(w.policy())).unwrap_err();
    let m = err.message_for("fields.discretion_reasons").unwrap();
    assert!(m.contains("“严重”阶次") && !m.contains("一般") && m.contains("“较重”阶次"), "{m}");
}

// rule: G-04
#[test]
fn a_fine_written_in_capital_numerals_is_read() {
    let w = World::new("anxiang");
    let case = w.case("8000");
    let f = with(w.fields("8000"), &[("conclusion", "罚款人民币捌仟元整")]);
    assert!(check_decision(&case, &f, Some(w.policy())).is_ok(), "{:?}", check_decision(&case, &f, Some(w.policy())));
    let f = with(w.fields("8000"), &[("conclusion", "罚款人民币伍仟元整")]);
    let err = check_decision(&case, &f, Some(w.policy())).unwrap_err();
    assert!(
        err.message_for("fields.conclusion").unwrap().contains("5,000.00元，与罚款金额栏的8,000.00元不一致"),
        "{err}"
    );
}

// rule: G-05
#[test]
fn written_reasons_may_be_requested_after_the_case_is_closed_until_it_is_archived() {
    let w = World::new("anxiang");
    let mut case = w.case("8000");
    let doc = add(&mut case, w.document(&w.fields("8000")));
    for stage in Stage::ALL {
        if !case.is_completed(stage) {
            case.apply(&CaseEvent::StageCompleted { stage, on: d("2025-09-25") });
        }
    }
    assert!(case.current_stage().is_none());
    // Other records are refused on a closed case as before.
    let other = NewRecord::new(
        RecordKind::DocumentaryEvidence,
        &[("description", "发票"), ("source", "当事人"), ("collected_on", "2025-09-26")],
    );
    assert!(decide_add_record(&case, other, None, d("2025-09-26")).unwrap_err().to_string().contains("已结案"));
    let mut req = NewRecord::new(
        RecordKind::ReasonsRequest,
        &[("requested_on", "2025-09-30"), ("requester", "安乡县某某超市"), ("about", "为何适用一般阶次")],
    );
    req.serves = Some(doc);
    let e = decide_add_record(&case, req.clone(), None, d("2025-09-30")).unwrap();
    let CaseEvent::RecordAdded { record } = &e else { panic!() };
    let request = record.id;
    case.apply(&e);
    // The file is not sealed with the request unanswered.
    let err = crate::case::decide::decide_archive(&case, &w.profile, d("2025-10-01")).unwrap_err();
    assert!(err.to_string().contains("尚未书面说明理由") && err.to_string().contains("G-05"), "{err}");
    let mut reply =
        NewRecord::new(RecordKind::ReasonsReply, &[("replied_on", "2025-10-03"), ("reasons", REASONS_OK[3].1)]);
    reply.serves = Some(request);
    case.apply(&decide_add_record(&case, reply, None, d("2025-10-03")).unwrap());
    let e = crate::case::decide::decide_archive(&case, &w.profile, d("2025-10-04")).unwrap();
    case.apply(&e);
    // Once archived, the file is sealed.
    let err = decide_add_record(&case, req, None, d("2025-10-05")).unwrap_err();
    assert!(err.to_string().contains("案件已归档") && err.to_string().contains("G-05"), "{err}");
}
