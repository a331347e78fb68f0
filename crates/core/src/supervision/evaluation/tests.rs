//! Tests of case-file evaluation (V-01): fixtures, the fold and the events' stored form,
//! batches, selection by hand and scoring. The random selection is tested in
//! `tests/draw.rs`, rectification and the summary in `tests/rectification.rs`.

use chrono::NaiveDate;
use uuid::Uuid;

use super::*;
use crate::events::{DomainEvent, stream};

mod draw;
mod rectification;

pub(super) fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

pub(super) const EVALUATION: Uuid = Uuid::from_u128(0xE0);
pub(super) const AGENCY_1: Uuid = Uuid::from_u128(0xA1);
pub(super) const AGENCY_2: Uuid = Uuid::from_u128(0xA2);
/// The batch's evaluators.
pub(super) const EVALUATOR: Uuid = Uuid::from_u128(0xB1);
pub(super) const EVALUATOR_2: Uuid = Uuid::from_u128(0xB2);
/// The evaluated case's officer and legal reviewer.
pub(super) const OFFICER: Uuid = Uuid::from_u128(0xC1);
pub(super) const REVIEWER: Uuid = Uuid::from_u128(0xC2);

pub(super) fn spec() -> EvaluationSpec {
    EvaluationSpec {
        name: " 2025年度行政执法案卷评查 ".into(),
        year: 2025,
        kind: EvaluationKind::Bureau,
        agencies: vec![AGENCY_1, AGENCY_2],
        evaluators: vec![EVALUATOR, EVALUATOR_2],
        scoresheet: Scoresheet::STANDARD,
    }
}

pub(super) fn then(mut ev: Evaluation, e: &EvaluationEvent) -> Evaluation {
    ev.apply(e);
    ev
}

pub(super) fn created() -> Evaluation {
    Evaluation::fold([&decide_create(EVALUATION, spec()).unwrap()]).unwrap()
}

/// Case `n` of `agency`, closed on `closed` (or open).
pub(super) fn case(n: u128, agency: Uuid, closed: Option<&str>) -> CaseInput {
    CaseInput {
        case_id: Uuid::from_u128(0x1000 + n),
        number: format!("安市监罚〔2025〕{n}号"),
        agency_id: agency,
        closed_on: closed.map(d),
    }
}

pub(super) fn case_id(n: u128) -> Uuid {
    Uuid::from_u128(0x1000 + n)
}

/// A batch with closed cases 1 (agency 1) and 2 (agency 2) picked by hand.
pub(super) fn picked() -> Evaluation {
    let ev = created();
    let cases = vec![
        (case(1, AGENCY_1, Some("2025-03-01")), "群众投诉较多".to_string()),
        (case(2, AGENCY_2, Some("2025-04-01")), "重大执法决定".to_string()),
    ];
    let e = decide_pick(&ev, cases, d("2025-06-01")).unwrap();
    then(ev, &e)
}

pub(super) fn staff() -> CaseStaff {
    CaseStaff { officers: vec![OFFICER, Uuid::from_u128(0xC3)], legal_reviewers: vec![REVIEWER] }
}

/// A scoring by `EVALUATOR` with the given points in `Dimension::ALL` order, a comment
/// wherever a point is deducted.
pub(super) fn scoring(points: [u32; 7]) -> Scoring {
    let sheet = Scoresheet::STANDARD;
    Scoring {
        evaluator: EVALUATOR,
        on: d("2025-06-10"),
        scores: Dimension::ALL
            .iter()
            .zip(points)
            .map(|(&dimension, points)| DimensionScore {
                dimension,
                points,
                comment: if points < sheet.max(dimension) { "证据目录不全".into() } else { String::new() },
            })
            .collect(),
        vetoes: vec![],
    }
}

pub(super) const FULL: [u32; 7] = [5, 10, 25, 15, 15, 20, 10];

/// `FULL` less `100 − n` points, taken from the procedure first, then the application of
/// law, fact-finding, evidence, materials, effect and subject.
pub(super) fn total(n: u32) -> [u32; 7] {
    let mut p = FULL;
    let mut deficit = 100 - n;
    for i in [2, 5, 3, 4, 1, 6, 0] {
        let cut = deficit.min(p[i]);
        p[i] -= cut;
        deficit -= cut;
    }
    p
}

pub(super) fn scored(ev: Evaluation, case: u128, points: [u32; 7]) -> Evaluation {
    let e = decide_score(&ev, case_id(case), scoring(points), &staff()).unwrap();
    then(ev, &e)
}

// rule: V-01
#[test]
fn a_whole_batch_folds_from_its_stream_and_keeps_every_step() {
    let ev = created();
    let mut events = vec![decide_create(EVALUATION, spec()).unwrap()];
    let mut push = |ev: Evaluation, e: EvaluationEvent| {
        let next = then(ev, &e);
        events.push(e);
        next
    };
    let cases = vec![(case(1, AGENCY_1, Some("2025-03-01")), " 群众投诉较多 ".to_string())];
    let ev = push(ev.clone(), decide_pick(&ev, cases, d("2025-06-01")).unwrap());
    let ev = push(ev.clone(), decide_score(&ev, case_id(1), scoring(total(50)), &staff()).unwrap());
    let mut fixed = scoring(total(55));
    fixed.on = d("2025-06-12");
    let ev = push(ev.clone(), decide_correct_score(&ev, case_id(1), fixed, &staff(), "复核后调整程序分").unwrap());
    let notice = RectificationNotice {
        number: "安司评〔2025〕1号".into(),
        problems: vec!["未告知陈述申辩权利".into(), " ".into()],
        issued_on: d("2025-06-15"),
        due: d("2025-07-15"),
    };
    let ev = push(ev.clone(), decide_issue(&ev, case_id(1), notice).unwrap());
    let ev = push(ev.clone(), decide_answer(&ev, case_id(1), "已补正告知程序", d("2025-07-01")).unwrap());
    let ev =
        push(ev.clone(), decide_return(&ev, case_id(1), "未附整改材料", d("2025-07-03"), d("2025-07-20")).unwrap());
    let ev = push(ev.clone(), decide_answer(&ev, case_id(1), "已附告知书送达回证", d("2025-07-10")).unwrap());
    let ev = push(ev.clone(), decide_accept(&ev, case_id(1), d("2025-07-12"), "同意销号").unwrap());

    let folded = Evaluation::fold(&events).unwrap();
    assert_eq!(folded, ev);
    assert_eq!(folded.spec.name, "2025年度行政执法案卷评查", "trimmed");
    let c = folded.case(case_id(1)).unwrap();
    assert_eq!(c.selection, Selection::Picked { reason: "群众投诉较多".into(), on: d("2025-06-01") });
    let score = c.score.as_ref().unwrap();
    assert_eq!(score.scoring.total(), 55);
    assert_eq!(score.scoring.grade(), Grade::Fail);
    assert_eq!(score.corrected.len(), 1, "the first score stays on record (X-01)");
    assert_eq!(score.corrected[0].0.total(), 50);
    assert_eq!(score.corrected[0].1, "复核后调整程序分");
    let rect = c.rectification.as_ref().unwrap();
    assert_eq!(rect.notice.problems, vec!["未告知陈述申辩权利".to_string()], "blank problems dropped");
    assert_eq!(rect.answers.len(), 2);
    assert_eq!(rect.returns[0].reasons, "未附整改材料");
    assert_eq!(rect.due(), d("2025-07-20"), "the return's due date");
    assert_eq!(rect.state(d("2025-12-31")), RectificationState::Closed);

    // Before its creation event a stream folds to nothing; events before it are ignored.
    assert!(Evaluation::fold(&events[1..]).is_none());
    // Stored form: the stream kind, tags that collide with no other stream, decoding.
    assert_eq!(stream::evaluation(EVALUATION), format!("evaluation:{EVALUATION}"));
    assert_eq!(stream::kind(&stream::evaluation(EVALUATION)), "evaluation");
    for e in &events {
        let de = DomainEvent::from(e.clone());
        assert_eq!(de.stream_kind(), "evaluation");
        let json = serde_json::to_string(e).unwrap();
        assert_eq!(DomainEvent::decode("evaluation", &json).unwrap(), de);
        let untagged: DomainEvent = serde_json::from_str(&json).unwrap();
        assert_eq!(untagged, de, "{json}");
    }
    let types: Vec<String> = events.iter().map(|e| DomainEvent::from(e.clone()).type_name()).collect();
    assert_eq!(
        types,
        [
            "EvaluationCreated",
            "EvaluationCasesPicked",
            "EvaluationCaseScored",
            "EvaluationScoreCorrected",
            "RectificationIssued",
            "RectificationAnswered",
            "RectificationReturned",
            "RectificationAnswered",
            "RectificationAccepted"
        ]
    );
    let json = serde_json::to_value(&events[2]).unwrap();
    assert_eq!(json["scoring"]["scores"][3]["dimension"], "fact_finding");
    let created = serde_json::to_value(&events[0]).unwrap();
    assert_eq!(created["spec"]["kind"], "bureau");
    assert_eq!(created["spec"]["scoresheet"]["law_application"], 20);
}

#[test]
fn a_batch_needs_a_name_agencies_evaluators_and_a_scoresheet_of_100() {
    let bad = EvaluationSpec {
        name: " ".into(),
        year: 1999,
        kind: EvaluationKind::SelfEvaluation,
        agencies: vec![AGENCY_1, AGENCY_2],
        evaluators: vec![EVALUATOR, EVALUATOR],
        scoresheet: Scoresheet { procedure: 30, effect: 0, ..Scoresheet::STANDARD },
    };
    let r = decide_create(EVALUATION, bad).unwrap_err();
    let text = r.to_string();
    for expected in [
        "请填写评查活动名称",
        "评查年度1999无效",
        "案卷自查只能针对本机关",
        "同一评查人员指定了两次",
        "“执法效果”的分值必须大于0",
    ] {
        assert!(text.contains(expected), "{expected} in {text}");
    }
    assert_eq!(Scoresheet::STANDARD.total(), 100);
    let mut off = spec();
    off.scoresheet.binding = 10;
    assert!(decide_create(EVALUATION, off).unwrap_err().message_for("scoresheet").unwrap().contains("现为105分"));
    let none = EvaluationSpec { agencies: vec![], evaluators: vec![], ..spec() };
    let r = decide_create(EVALUATION, none).unwrap_err();
    assert!(r.message_for("agencies").is_some() && r.message_for("evaluators").is_some());
    let own = EvaluationSpec { kind: EvaluationKind::SelfEvaluation, agencies: vec![AGENCY_1], ..spec() };
    assert!(decide_create(EVALUATION, own).is_ok());
}

// rule: V-01
#[test]
fn only_closed_cases_of_covered_agencies_are_picked_each_with_a_reason() {
    let ev = created();
    let outsider = Uuid::from_u128(0xA9);
    let r = decide_pick(
        &ev,
        vec![
            (case(1, AGENCY_1, None), "抽查".into()),
            (case(2, outsider, Some("2025-03-01")), "抽查".into()),
            (case(3, AGENCY_1, Some("2025-03-01")), " ".into()),
            (case(4, AGENCY_1, Some("2025-03-01")), "抽查".into()),
            (case(4, AGENCY_1, Some("2025-03-01")), "抽查".into()),
            (case(5, AGENCY_2, Some("2025-07-01")), "抽查".into()),
        ],
        d("2025-06-01"),
    )
    .unwrap_err();
    let text = r.to_string();
    assert!(text.contains("案件安市监罚〔2025〕1号尚未结案，只有已结案或已归档的案卷才能评查"), "{text}");
    assert!(text.contains("案件安市监罚〔2025〕2号不属于本次评查的被评查机关"), "{text}");
    assert!(text.contains("请填写选取案件安市监罚〔2025〕3号的理由"), "{text}");
    assert!(text.contains("案件安市监罚〔2025〕4号已在本次评查的案卷中"), "{text}");
    assert!(text.contains("5号的结案日期2025-07-01晚于选取日期"), "{text}");
    assert_eq!(r.errors.len(), 5);
    // A case already in the batch is not picked again.
    let ev = picked();
    let again = decide_pick(&ev, vec![(case(1, AGENCY_1, Some("2025-03-01")), "再评".into())], d("2025-06-02"));
    assert!(again.unwrap_err().to_string().contains("1号已在本次评查的案卷中"));
}

// rule: V-01
#[test]
fn the_evaluator_is_neither_the_cases_officer_nor_its_legal_reviewer() {
    let ev = picked();
    let officer = CaseStaff { officers: vec![OFFICER, EVALUATOR], legal_reviewers: vec![REVIEWER] };
    let reviewer = CaseStaff { officers: vec![OFFICER], legal_reviewers: vec![EVALUATOR] };
    for (staff, expected) in [
        (&officer, "评查人员系案件安市监罚〔2025〕1号的承办人员，应当回避，不能评查本案"),
        (&reviewer, "评查人员系案件安市监罚〔2025〕1号的法制审核人员，应当回避，不能评查本案"),
    ] {
        let r = decide_score(&ev, case_id(1), scoring(FULL), staff).unwrap_err();
        assert_eq!(r.errors.len(), 1, "{r}");
        assert_eq!(r.message_for("evaluator"), Some(expected), "{r}");
    }
    let mut s = scoring(FULL);
    s.evaluator = Uuid::from_u128(0xFF);
    let r = decide_score(&ev, case_id(1), s, &staff()).unwrap_err();
    assert_eq!(r.message_for("evaluator"), Some("该人员不是本次评查指定的评查人员"));
    // A batch evaluator who is in the case is refused too: being named is not enough.
    let mut staff2 = staff();
    staff2.legal_reviewers.push(EVALUATOR_2);
    let mut s = scoring(FULL);
    s.evaluator = EVALUATOR_2;
    assert!(decide_score(&ev, case_id(1), s.clone(), &staff2).is_err());
    assert!(decide_score(&ev, case_id(1), s, &staff()).is_ok());
    // Corrections are held to the same separation.
    let ev = scored(ev, 1, FULL);
    let r = decide_correct_score(&ev, case_id(1), scoring(total(95)), &officer, "复核").unwrap_err();
    assert!(r.message_for("evaluator").is_some(), "{r}");
}

// rule: V-01
#[test]
fn each_dimension_is_scored_once_within_its_maximum_and_deductions_are_explained() {
    let ev = picked();
    let mut above = scoring(FULL);
    above.scores[0].points = 6;
    let r = decide_score(&ev, case_id(1), above, &staff()).unwrap_err();
    assert_eq!(r.message_for("scores"), Some("“卷宗装订”最高5分，不能评6分"));

    let mut silent = scoring(total(80));
    silent.scores[2].comment = "  ".into();
    let r = decide_score(&ev, case_id(1), silent, &staff()).unwrap_err();
    assert_eq!(r.message_for("scores"), Some("“执法程序”扣了20分，请写明扣分理由"));

    let mut missing = scoring(FULL);
    missing.scores.pop();
    missing.scores.push(missing.scores[0].clone());
    let text = decide_score(&ev, case_id(1), missing, &staff()).unwrap_err().to_string();
    assert!(text.contains("“卷宗装订”评了两次") && text.contains("请为“执法效果”评分"), "{text}");

    let mut early = scoring(FULL);
    early.on = d("2025-05-31");
    let r = decide_score(&ev, case_id(1), early, &staff()).unwrap_err();
    assert_eq!(r.message_for("on"), Some("评查日期不能早于案卷选取日期2025-06-01"));

    let r = decide_score(&ev, Uuid::from_u128(0x9999), scoring(FULL), &staff()).unwrap_err();
    assert_eq!(r.message_for("case_id"), Some("该案件不在本次评查的案卷中"));
    assert!(decide_score(&ev, case_id(1), scoring(FULL), &staff()).is_ok());
}

// rule: V-01
#[test]
fn a_score_is_given_once_and_corrected_only_with_a_reason() {
    let ev = scored(picked(), 1, total(85));
    let twice = decide_score(&ev, case_id(1), scoring(FULL), &staff()).unwrap_err();
    assert!(twice.to_string().contains("已评分；如需更正，请提交评分更正并说明理由"));
    let r = decide_correct_score(&ev, case_id(1), scoring(FULL), &staff(), " ").unwrap_err();
    assert_eq!(r.message_for("reason"), Some("请填写更正理由"));
    let same = decide_correct_score(&ev, case_id(1), scoring(total(85)), &staff(), "复核").unwrap_err();
    assert!(same.to_string().contains("与原评分相同"));
    let unscored = decide_correct_score(&ev, case_id(2), scoring(FULL), &staff(), "复核").unwrap_err();
    assert!(unscored.to_string().contains("尚未评分"));
    let e = decide_correct_score(&ev, case_id(1), scoring(total(92)), &staff(), "复核").unwrap();
    let ev = then(ev, &e);
    let rec = ev.case(case_id(1)).unwrap().score.as_ref().unwrap();
    assert_eq!((rec.scoring.total(), rec.scoring.grade()), (92, Grade::Excellent));
    assert_eq!(rec.corrected[0].0.grade(), Grade::Pass);
}

// rule: V-01
#[test]
fn grades_change_at_90_and_60_points() {
    let ev = picked();
    for (points, grade) in [
        (100, Grade::Excellent),
        (90, Grade::Excellent),
        (89, Grade::Pass),
        (60, Grade::Pass),
        (59, Grade::Fail),
        (0, Grade::Fail),
    ] {
        let p = if points == 0 { [0; 7] } else { total(points) };
        let ev = scored(ev.clone(), 1, p);
        let s = &ev.case(case_id(1)).unwrap().score.as_ref().unwrap().scoring;
        assert_eq!((s.total(), s.grade()), (points, grade));
    }
    assert_eq!(Grade::of(90, false).label(), "优秀");
    assert_eq!(Grade::of(89, false).label(), "合格");
    assert_eq!(Grade::of(59, false).label(), "不合格");
}

// rule: V-01
#[test]
fn a_veto_fails_the_file_whatever_its_points() {
    let ev = picked();
    let mut s = scoring(FULL);
    s.vetoes =
        vec![VetoFinding { veto: Veto::MissingLegalReview, comment: " 罚款5万元未经法制审核 ".into() }];
    let ev2 = then(ev.clone(), &decide_score(&ev, case_id(1), s.clone(), &staff()).unwrap());
    let got = &ev2.case(case_id(1)).unwrap().score.as_ref().unwrap().scoring;
    assert_eq!((got.total(), got.grade()), (100, Grade::Fail));
    assert_eq!(got.vetoes[0].comment, "罚款5万元未经法制审核");
    assert!(got.has_findings(&Scoresheet::STANDARD), "a veto is a finding even at full marks");

    s.vetoes.push(VetoFinding { veto: Veto::NoLegalBasis, comment: "".into() });
    s.vetoes.push(VetoFinding { veto: Veto::MissingLegalReview, comment: "又选一次".into() });
    let text = decide_score(&ev, case_id(1), s, &staff()).unwrap_err().to_string();
    assert!(text.contains("请写明否决项“无法律依据”的具体情形"), "{text}");
    assert!(text.contains("否决项“应当法制审核而未审核”选择了两次"), "{text}");
    assert_eq!(Veto::WrongSubjectOrJurisdiction.label(), "执法主体不适格或无管辖权");
}

// rule: V-01
#[test]
fn a_case_is_eligible_from_the_day_its_closure_stage_is_completed() {
    use crate::case::{Case, CaseEvent, CaseOpening, Initiation, LimitationCheck, Party, PartyKind, Procedure, Stage};
    use crate::profile::bundled_profiles;
    use crate::registry::ActKind;
    let opening = CaseOpening {
        case_id: case_id(1),
        agency_id: AGENCY_1,
        number: "安市监罚〔2025〕1号".into(),
        act_kind: ActKind::Penalty,
        procedure: Procedure::Ordinary,
        initiation: Initiation::ExOfficio { urgent: false },
        party: Party {
            kind: PartyKind::Organisation,
            name: "某某超市".into(),
            id_number: String::new(),
            address: String::new(),
            phone: String::new(),
            representative: String::new(),
            minor: false,
        },
        summary: "销售过期食品".into(),
        item_code: None,
        handling_unit: Uuid::nil(),
        opened_at: crate::case::kinds::parse_datetime("2025-01-06 09:00").unwrap(),
        officers: vec![],
        auxiliaries: vec![],
        limitation: LimitationCheck::default(),
        profile: bundled_profiles().remove(0).reference(),
    };
    let mut c = Case::fold([&CaseEvent::CaseOpened { opening }]).unwrap();
    let open = CaseInput::of(&c);
    assert_eq!((open.case_id, open.agency_id, open.closed_on), (case_id(1), AGENCY_1, None));
    let ev = created();
    assert!(
        decide_pick(&ev, vec![(open, "投诉".into())], d("2025-06-01")).unwrap_err().to_string().contains("尚未结案")
    );
    c.completed.push((Stage::Closure, d("2025-03-01")));
    let closed = CaseInput::of(&c);
    assert_eq!(closed.closed_on, Some(d("2025-03-01")));
    assert!(decide_pick(&ev, vec![(closed, "投诉".into())], d("2025-06-01")).is_ok());
    // An archived case without a recorded closure (older data) counts as closed on its archive day.
    c.completed.clear();
    c.archived = Some((d("2025-03-05"), vec![], None));
    assert_eq!(CaseInput::of(&c).closed_on, Some(d("2025-03-05")));
}
