//! Rule tests of discretion benchmarks (B-01, B-02), through the pure functions.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use uuid::Uuid;

use super::*;
use crate::basis::BasisEntry;
use crate::case::decide::{NewRecord, decide_add_record, decide_correct};
use crate::case::{
    Case, CaseEvent, CaseOpening, Initiation, LimitationCheck, Party, PartyKind, Procedure, RecordKind, SpotPenalty,
    Stage,
};
use crate::profile::ProfileRef;
use crate::registry::{ActKind, Agency, AgencyEvent};

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn yuan(y: i64) -> Money {
    Money::from_yuan(y)
}

const FOOD: &str = "《中华人民共和国食品安全法》";

/// An agency whose basis catalogue has the two food-safety articles.
fn agency() -> Agency {
    let mut a = Agency { id: Uuid::new_v4(), ..Default::default() };
    for (c, text) in [("第三十四条", "禁止生产经营下列食品……"), ("第一百二十四条", "违反本法规定……")]
    {
        let entry = BasisEntry {
            id: Uuid::new_v4(),
            citation: Citation::parse(&format!("{FOOD}{c}")).unwrap(),
            text: text.into(),
        };
        a.apply(&a.decide_add_basis(entry).unwrap());
    }
    a
}

fn tier(name: &str, penalties: &[PenaltyType], fine: Option<FineRange>) -> Tier {
    Tier { name: name.into(), circumstances: format!("{name}情形"), penalties: penalties.to_vec(), fine }
}

fn amount(min: i64, max: i64) -> Option<FineRange> {
    Some(FineRange::Amount { min: yuan(min), max: yuan(max) })
}

/// 销售超过保质期的食品: four tiers, the last in multiples of the goods' value.
fn expired_food() -> Benchmark {
    use PenaltyType::*;
    Benchmark {
        id: Uuid::new_v4(),
        code: "SC-SP-001".into(),
        name: "销售超过保质期的食品".into(),
        violation_basis: parse_citations(&format!("{FOOD}第三十四条第（十）项")).unwrap(),
        penalty_basis: parse_citations(&format!("{FOOD}第一百二十四条第一款第（五）项")).unwrap(),
        tiers: vec![
            tier("轻微", &[NoPenalty], None),
            tier("一般", &[Warning, Fine, ConfiscateIllegalGains, ConfiscateIllegalProperty], amount(50_000, 70_000)),
            tier("较重", &[Fine, ConfiscateIllegalGains, ConfiscateIllegalProperty], amount(70_000, 100_000)),
            tier(
                "严重",
                &[Fine, ConfiscateIllegalGains, ConfiscateIllegalProperty, RevokeLicence],
                Some(FineRange::Multiple { base: FineBase::GoodsValue, min_percent: 1000, max_percent: 2000 }),
            ),
        ],
    }
}

fn proposal(penalties: &[PenaltyType], fine: Option<i64>) -> Proposal {
    Proposal { penalties: penalties.to_vec(), fine: fine.map(yuan), base_amount: None }
}

// rule: B-01
#[test]
fn a_benchmark_has_resolving_bases_and_complete_tiers() {
    let mut a = agency();
    let event = a.decide_set_benchmark(expired_food(), false).unwrap();
    a.apply(&event);
    assert_eq!(a.benchmark("SC-SP-001").unwrap().tier_names(), DEFAULT_TIERS);

    // G-03: both bases resolve in the catalogue.
    let mut b = expired_food();
    b.code = "SC-SP-002".into();
    b.penalty_basis = parse_citations("《中华人民共和国产品质量法》第五十条").unwrap();
    b.violation_basis = vec![];
    let err = a.decide_set_benchmark(b, false).unwrap_err();
    assert!(
        err.message_for("penalty_basis")
            .unwrap()
            .contains("《中华人民共和国产品质量法》第五十条不在本机关法律依据目录中")
    );
    assert!(err.message_for("violation_basis").unwrap().contains("请填写违法依据"));

    // Every tier: a name (unique), its circumstances, its penalty types, and a fine range
    // exactly when it allows a fine.
    use PenaltyType::*;
    let mut b = expired_food();
    b.code = "SC-SP-003".into();
    b.tiers = vec![
        Tier { circumstances: String::new(), ..tier("一般", &[Warning, Fine], None) },
        tier("一般", &[Warning], amount(100, 200)),
        tier("较重", &[Fine], amount(3_000, 2_000)),
        tier("严重", &[NoPenalty, Warning], None),
        tier("", &[], None),
    ];
    let err = a.decide_set_benchmark(b, false).unwrap_err();
    let m = |f: &str| err.message_for(f).unwrap_or_else(|| panic!("{f} in {err}")).to_string();
    assert!(m("tiers.0.circumstances").contains("“一般”阶次的适用情形"));
    assert!(m("tiers.0.fine.max").contains("包含罚款，请填写罚款幅度"));
    assert!(m("tiers.1.name").contains("阶次“一般”重复"));
    assert!(m("tiers.1.penalties").contains("处罚种类中应有“罚款”"));
    assert!(m("tiers.2.fine.min").contains("罚款下限（3,000.00元）不能高于上限（2,000.00元）"));
    assert!(m("tiers.3.penalties").contains("不予行政处罚"));
    assert!(m("tiers.4.name").contains("第5个阶次"));
    assert!(m("tiers.4.penalties").contains("请选择第5个阶次的处罚种类"));

    // A code once; a revision replaces the benchmark under the same id.
    let err = a.decide_set_benchmark(expired_food(), false).unwrap_err();
    assert!(err.message_for("code").unwrap().contains("已有裁量基准"));
    let mut revised = expired_food();
    revised.tiers.truncate(2);
    let event = a.decide_set_benchmark(revised, true).unwrap();
    let id = a.benchmark("SC-SP-001").unwrap().id;
    a.apply(&event);
    assert_eq!((a.benchmarks.len(), a.benchmarks[0].id, a.benchmarks[0].tiers.len()), (1, id, 2));
    let mut unknown = expired_food();
    unknown.code = "SC-SP-999".into();
    assert!(a.decide_set_benchmark(unknown, true).unwrap_err().message_for("code").unwrap().contains("没有"));
}

// rule: B-02
#[test]
fn a_proposal_inside_its_tier_is_in_range_and_every_crossed_bound_is_named() {
    use PenaltyType::*;
    let b = expired_food();
    assert_eq!(assess(&b, "一般", &proposal(&[Warning, Fine], Some(50_000))), Assessment::InRange);
    assert_eq!(assess(&b, "一般", &proposal(&[Fine], Some(70_000))), Assessment::InRange);
    assert_eq!(assess(&b, "轻微", &proposal(&[NoPenalty], None)), Assessment::InRange);
    assert_eq!(assess(&b, "特别严重", &proposal(&[Fine], Some(1))), Assessment::UnknownTier);
    // One fen outside either bound is outside.
    let below = Proposal { fine: Some(Money::from_fen(4_999_999)), ..proposal(&[Fine], None) };
    let Assessment::OutOfRange(d) = assess(&b, "一般", &below) else { panic!() };
    assert_eq!(d, [Deviation::FineBelow { fine: Money::from_fen(4_999_999), min: yuan(50_000) }]);
    assert_eq!(d[0].to_string(), "罚款49,999.99元低于该阶次的下限50,000.00元");
    let Assessment::OutOfRange(d) = assess(&b, "一般", &proposal(&[Fine, RevokeLicence], Some(80_000))) else {
        panic!()
    };
    assert_eq!(d.len(), 2);
    assert!(d[0].to_string().starts_with("处罚种类“吊销许可证件”不在该阶次允许的处罚种类（警告、罚款"));
    assert_eq!(d[1].to_string(), "罚款80,000.00元高于该阶次的上限70,000.00元");
    // A fine where the tier allows none.
    let Assessment::OutOfRange(d) = assess(&b, "轻微", &proposal(&[Fine], Some(100))) else { panic!() };
    assert!(matches!(d[..], [Deviation::TypeNotAllowed { penalty: Fine, .. }]));
}

// rule: B-02
#[test]
fn fines_in_multiples_are_computed_exactly_from_the_base() {
    use PenaltyType::*;
    let b = expired_food();
    // 货值金额 12,345.67元 × 10 to 20.
    let base = Some(Money::from_fen(1_234_567));
    let p = |fen: i64| Proposal { penalties: vec![Fine], fine: Some(Money::from_fen(fen)), base_amount: base };
    assert_eq!(assess(&b, "严重", &p(12_345_670)), Assessment::InRange);
    assert_eq!(assess(&b, "严重", &p(24_691_340)), Assessment::InRange);
    assert!(matches!(assess(&b, "严重", &p(12_345_669)), Assessment::OutOfRange(_)));
    assert!(matches!(assess(&b, "严重", &p(24_691_341)), Assessment::OutOfRange(_)));
    let no_base = proposal(&[Fine], Some(200_000));
    assert_eq!(assess(&b, "严重", &no_base), Assessment::BaseMissing(FineBase::GoodsValue));
    // Half a time, rounded inward to the fen.
    let half = FineRange::Multiple { base: FineBase::IllegalGains, min_percent: 50, max_percent: 150 };
    assert_eq!(half.bounds(Some(Money::from_fen(101))), Some((Money::from_fen(51), Money::from_fen(151))));
    assert_eq!(half.describe(), "违法所得0.5倍至1.5倍");
}

// rule: B-01
#[test]
fn fine_ranges_and_penalty_types_parse_as_benchmarks_write_them() {
    assert_eq!(FineRange::parse("5万元", "7万元"), Ok(FineRange::Amount { min: yuan(50_000), max: yuan(70_000) }));
    assert_eq!(FineRange::parse("", "3,000"), Ok(FineRange::Amount { min: Money::ZERO, max: yuan(3_000) }));
    assert_eq!(
        FineRange::parse("2000.5", "0.5万"),
        Ok(FineRange::Amount { min: Money::from_fen(200_050), max: yuan(5_000) })
    );
    assert_eq!(
        FineRange::parse("货值金额十倍", "货值金额20倍"),
        Ok(FineRange::Multiple { base: FineBase::GoodsValue, min_percent: 1000, max_percent: 2000 })
    );
    assert_eq!(
        FineRange::parse("0.5倍", "违法所得3倍以下"),
        Ok(FineRange::Multiple { base: FineBase::IllegalGains, min_percent: 50, max_percent: 300 })
    );
    assert_eq!(
        FineRange::parse("", "5倍"),
        Ok(FineRange::Multiple { base: FineBase::IllegalGains, min_percent: 0, max_percent: 500 })
    );
    let bad = |min, max| FineRange::parse(min, max).unwrap_err();
    assert_eq!(bad("1000", "").len(), 1);
    assert_eq!(bad("abc", "1000")[0].0, "min");
    assert_eq!(bad("1000", "1000.001")[0].0, "max");
    assert!(bad("违法所得1倍", "货值金额3倍")[0].1.contains("两者应一致"));
    assert!(bad("1倍", "3.456倍")[0].1.contains("无法识别"));
    assert_eq!(FineRange::Amount { min: Money::ZERO, max: yuan(30_000) }.describe(), "30,000.00元以下");
    assert_eq!(FineRange::Amount { min: yuan(50_000), max: yuan(70_000) }.describe(), "50,000.00元至70,000.00元");

    use PenaltyType::*;
    assert_eq!(PenaltyType::parse_list("罚款、警告，没收违法所得"), Ok(vec![Warning, Fine, ConfiscateIllegalGains]));
    assert_eq!(
        PenaltyType::parse_list("吊销营业执照;停产停业\n不予处罚"),
        Ok(vec![NoPenalty, RevokeLicence, SuspendBusiness])
    );
    assert!(PenaltyType::parse_list("警告、训诫、记过").unwrap_err().contains("训诫、记过"));
    for t in PenaltyType::ALL {
        assert_eq!(PenaltyType::parse(t.as_str()), Some(t));
        assert_eq!(PenaltyType::parse(t.label()), Some(t));
    }
}

// rule: B-02
#[test]
fn placeholders_are_no_deviation_reason() {
    for r in ["", "  ", "无", "无。", "同上", "见上", "如上", "略", "/", "——", "…", "N/A", "无无无", "。。。"]
    {
        assert!(is_placeholder_reason(r), "{r:?}");
    }
    for r in ["当事人系初次违法且主动召回全部问题食品，依法减轻处罚", "涉案货值仅12元，主动退赔"]
    {
        assert!(!is_placeholder_reason(r), "{r:?}");
    }
}

fn fields(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

// rule: B-02
#[test]
fn a_case_proposal_outside_its_tier_needs_a_deviation_reason() {
    let benchmarks = [expired_food()];
    let check =
        |pairs: &[(&str, &str)]| check_case_proposal(&benchmarks, RecordKind::DecisionDraft, &fields(pairs), None);
    let inside =
        [("violation_code", "SC-SP-001"), ("tier", "一般"), ("penalty_types", "警告、罚款"), ("fine", "6万元")];
    let a = check(&inside).unwrap().unwrap();
    assert!(a.in_range());
    assert_eq!(a.proposal.fine, Some(yuan(60_000)));
    assert_eq!(a.summary(), "在裁量基准销售超过保质期的食品（SC-SP-001）“一般”阶次范围内");

    let above = [("violation_code", "SC-SP-001"), ("tier", "一般"), ("penalty_types", "罚款"), ("fine", "80000")];
    let err = check(&above).unwrap_err();
    let m = err.message_for("fields.deviation_reason").unwrap();
    assert!(m.contains("罚款80,000.00元高于该阶次的上限70,000.00元"), "{m}");
    assert!(m.contains("偏离裁量基准的理由"), "{m}");
    for placeholder in ["无", "同上", "  见上。 "] {
        let mut with = above.to_vec();
        with.push(("deviation_reason", placeholder));
        let err = check(&with).unwrap_err();
        assert!(err.message_for("fields.deviation_reason").unwrap().contains("不能作为理由"), "{placeholder}");
    }
    let mut with = above.to_vec();
    with.push(("deviation_reason", "当事人拒不配合调查并转移问题食品，依法从重处罚"));
    let a = check(&with).unwrap().unwrap();
    assert!(!a.in_range());
    assert!(a.summary().contains("偏离理由：当事人拒不配合调查"), "{}", a.summary());

    // Unknown violation type and tier, and a proposal that is not consistent in itself.
    let err = check(&[("violation_code", "SC-XX-9"), ("tier", "一般")]).unwrap_err();
    assert!(
        err.message_for("fields.violation_code")
            .unwrap()
            .contains("没有编码为“SC-XX-9”的违法行为（现有：SC-SP-001 销售超过保质期的食品）")
    );
    let err = check(&[("violation_code", "SC-SP-001"), ("tier", "特别严重"), ("penalty_types", "警告")]).unwrap_err();
    assert!(err.message_for("fields.tier").unwrap().contains("应为：轻微、一般、较重、严重"));
    let err = check(&[("violation_code", "SC-SP-001"), ("tier", "一般"), ("penalty_types", "警告"), ("fine", "100")])
        .unwrap_err();
    assert!(err.message_for("fields.penalty_types").unwrap().contains("处罚种类中应有“罚款”"));
    let err = check(&[("violation_code", "SC-SP-001"), ("tier", "严重"), ("penalty_types", "罚款"), ("fine", "20万")])
        .unwrap_err();
    assert!(err.message_for("fields.fine_base").unwrap().contains("请填写货值金额"));
    // A penalty case of an agency with benchmarks names its violation type.
    let err = check(&[("drafter", "张明")]).unwrap_err();
    assert!(err.message_for("fields.violation_code").unwrap().contains("SC-SP-001 销售超过保质期的食品"));
    // An agency without any benchmark: nothing to check unless a code is named.
    assert_eq!(check_case_proposal(&[], RecordKind::DecisionDraft, &fields(&[]), None), Ok(None));
    assert!(check_case_proposal(&[], RecordKind::DecisionDraft, &fields(&[("violation_code", "X")]), None).is_err());
    // On the spot, the typed penalty is the proposal.
    let spot = SpotPenalty { warning: true, fine: Some(yuan(100)) };
    let f = fields(&[("violation_code", "SC-SP-001"), ("tier", "较重")]);
    let err = check_case_proposal(&benchmarks, RecordKind::OnTheSpotDecision, &f, Some(&spot)).unwrap_err();
    let m = err.message_for("fields.deviation_reason").unwrap();
    assert!(m.contains("“警告”不在") && m.contains("低于该阶次的下限70,000.00元"), "{m}");
}

/// A penalty case in the decision stage, of an agency with the benchmark.
fn case_in_decision() -> Case {
    let opening = CaseOpening {
        case_id: Uuid::new_v4(),
        agency_id: Uuid::new_v4(),
        number: "安市监案〔2026〕1号".into(),
        act_kind: ActKind::Penalty,
        procedure: Procedure::Ordinary,
        initiation: Initiation::ExOfficio { urgent: false },
        party: Party {
            kind: PartyKind::Organisation,
            name: "安乡县某某超市".into(),
            id_number: String::new(),
            address: String::new(),
            phone: String::new(),
            representative: String::new(),
            minor: false,
        },
        summary: "销售过期食品".into(),
        item_code: None,
        handling_unit: Uuid::new_v4(),
        opened_at: d("2026-03-02").and_hms_opt(9, 0, 0).unwrap(),
        officers: vec![],
        auxiliaries: vec![],
        limitation: LimitationCheck::default(),
        profile: ProfileRef { id: "anxiang".into(), version: 1 },
    };
    let events = [
        CaseEvent::CaseOpened { opening },
        CaseEvent::StageCompleted { stage: Stage::Initiation, on: d("2026-03-02") },
        CaseEvent::StageCompleted { stage: Stage::Investigation, on: d("2026-03-10") },
    ];
    Case::fold(&events).unwrap()
}

fn draft(extra: &[(&'static str, &'static str)]) -> Vec<(&'static str, &'static str)> {
    let mut f = vec![
        ("drafter", "张明"),
        ("facts", "销售超过保质期的纯牛奶12盒"),
        ("evidence", "现场检查笔录、询问笔录、照片"),
        ("basis", "《中华人民共和国食品安全法》第一百二十四条第一款第（五）项"),
        ("considerations", "货值金额较小，初次违法"),
        ("proposal", "罚款"),
    ];
    f.extend_from_slice(extra);
    f
}

// rule: B-02
#[test]
fn decide_add_record_keeps_the_assessment_and_refuses_a_deviation_without_reason() {
    let mut case = case_in_decision();
    let benchmarks = [expired_food()];
    let record = |pairs: &[(&str, &str)]| {
        let mut r = NewRecord::new(RecordKind::DecisionDraft, pairs);
        r.benchmarks = &benchmarks;
        r
    };
    let above =
        draft(&[("violation_code", "SC-SP-001"), ("tier", "一般"), ("penalty_types", "罚款"), ("fine", "75000")]);
    let err = decide_add_record(&case, record(&above), None, d("2026-03-11")).unwrap_err();
    assert!(err.message_for("fields.deviation_reason").unwrap().contains("高于该阶次的上限70,000.00元"), "{err}");
    // Without the agency's benchmarks the same draft passes unchecked: the check is the rule.
    let unchecked =
        decide_add_record(&case, NewRecord::new(RecordKind::DecisionDraft, &draft(&[])), None, d("2026-03-11"));
    assert!(unchecked.is_ok());
    let err = decide_add_record(&case, record(&draft(&[])), None, d("2026-03-11")).unwrap_err();
    assert!(err.message_for("fields.violation_code").is_some(), "{err}");

    let mut with_reason = above.clone();
    with_reason.push(("deviation_reason", "当事人拒不配合调查并转移问题食品，依法从重处罚"));
    let e = decide_add_record(&case, record(&with_reason), None, d("2026-03-11")).unwrap();
    case.apply(&e);
    let a = case.penalty_assessment().expect("kept on the record");
    assert_eq!(a.deviations, [Deviation::FineAbove { fine: yuan(75_000), max: yuan(70_000) }]);
    assert_eq!(a.deviation_reason.as_deref(), Some("当事人拒不配合调查并转移问题食品，依法从重处罚"));
    assert_eq!(a.tier.fine, amount(50_000, 70_000), "the tier as it was when checked");

    // The proposal is not changed by a correction: a new draft is checked again.
    let id = case.records[0].record.id;
    let err = decide_correct(&case, id, "改正金额", fields(&[("fine", "90000")]), &[], d("2026-03-11")).unwrap_err();
    assert!(err.message_for("fields.fine").unwrap().contains("不能更正"), "{err}");
    let inside =
        draft(&[("violation_code", "SC-SP-001"), ("tier", "较重"), ("penalty_types", "罚款"), ("fine", "75000")]);
    case.apply(&decide_add_record(&case, record(&inside), None, d("2026-03-12")).unwrap());
    assert!(case.penalty_assessment().unwrap().in_range());
    assert_eq!(case.penalty_assessment().unwrap().tier.name, "较重");
}

// rule: B-01
#[test]
fn a_benchmark_typed_as_text_reports_every_problem_once() {
    let a = agency();
    let tier = |name: &str, penalties: &str, min: &str, max: &str| TierText {
        name: name.into(),
        circumstances: "情形".into(),
        penalties: penalties.into(),
        fine_min: min.into(),
        fine_max: max.into(),
    };
    let text = BenchmarkText {
        code: "SC-SP-009".into(),
        name: "销售超过保质期的食品".into(),
        violation_basis: format!("{FOOD}第三十四条第（十）项"),
        penalty_basis: "食品安全法第一百二十四条".into(),
        tiers: vec![
            tier("一般", "警告、训诫", "", ""),
            tier("较重", "罚款", "7万元", "十万"),
            tier("严重", "罚款", "", ""),
        ],
    };
    let err = a.decide_set_benchmark_text(&text, false).unwrap_err();
    let fields: Vec<&str> = err.errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["penalty_basis", "tiers.0.penalties", "tiers.1.fine.max", "tiers.2.fine.max"], "{err}");
    assert!(err.message_for("penalty_basis").unwrap().contains("书名号"));
    assert!(err.message_for("tiers.2.fine.max").unwrap().contains("“严重”阶次的处罚种类包含罚款"));

    let text = BenchmarkText {
        penalty_basis: format!("{FOOD}第一百二十四条第一款第（五）项、{FOOD}第一百二十四条第二款"),
        tiers: vec![tier("一般", "警告、罚款", "5万", "7万元")],
        ..text
    };
    let AgencyEvent::BenchmarkSet { benchmark } = a.decide_set_benchmark_text(&text, false).unwrap() else { panic!() };
    assert_eq!(benchmark.penalty_basis.len(), 2);
    assert_eq!(benchmark.tiers[0].fine, amount(50_000, 70_000));
}
