//! Annual statistics (D-11) of cases built through the case's decide functions (the fixture
//! of the reason-giving tests), across a year's end.

use super::*;
use crate::case::decide::{NewRecord, decide_add_record, decide_correct};
use crate::case::reasons::fixtures::catalogue;
use crate::case::reasons::tests::{World, add, d};
use crate::case::{CaseEvent, Party, PartyKind, Record, SpotPenalty};

fn person(name: &str) -> Party {
    Party {
        kind: PartyKind::Person,
        name: name.into(),
        id_number: String::new(),
        address: "安乡县".into(),
        phone: String::new(),
        representative: String::new(),
        minor: false,
    }
}

fn shop() -> Party {
    Party {
        kind: PartyKind::Organisation,
        name: "安乡县某某超市有限公司".into(),
        id_number: "91430721MA4L123456".into(),
        address: "安乡县深柳镇商业街8号".into(),
        phone: String::new(),
        representative: "刘建国".into(),
        minor: false,
    }
}

fn made(case: &mut Case, rec: NewRecord<'_>, today: &str) -> Uuid {
    let e = decide_add_record(case, rec, None, d(today)).unwrap();
    let CaseEvent::RecordAdded { record } = &e else { panic!() };
    let id = record.id;
    case.apply(&e);
    id
}

/// A record whose own rules are tested with its kind (the hearing in `case::tests::heard`,
/// the review opinion in `case::review::tests`): here only its date matters.
fn recorded(case: &mut Case, kind: RecordKind, fields: &[(&str, &str)]) {
    let record = Record {
        id: Uuid::new_v4(),
        kind,
        stage: Stage::Decision,
        fields: fields.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
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
    case.apply(&CaseEvent::RecordAdded { record });
}

/// The agency's year across its end:
/// - 刘某 (ordinary, opened 2025-09-01): fined 8,000 yuan on 2025-09-20, closed by a report
///   dated 2025-12-30 whose closure stage was completed on 2026-01-04;
/// - the 超市 (ordinary, opened 2025-09-01): fined 6,000 yuan on 2026-01-05;
/// - 赵某 (ordinary, opened 2025-09-01): heard on 2025-12-20, and so major, its review
///   concluded on 2026-01-03, not yet decided;
/// - 陈某 (simplified, opened 2025-12-31): warned and fined 200 yuan on the spot at 22:30
///   on 31 December, entered on 2 January;
/// - a permit case opened on 2026-02-01;
/// - and a case of another agency, which does not count.
fn year_end() -> (World, Vec<Case>) {
    let w = World::new("anxiang");
    let mut fined = w.case_against(person("刘某"), "8000");
    let mut f = w.fields("8000");
    f.insert("party".into(), "刘某".into());
    add(&mut fined, w.document(&f));
    for stage in [Stage::Decision, Stage::Service, Stage::Execution] {
        fined.apply(&CaseEvent::StageCompleted { stage, on: d("2025-12-01") });
    }
    made(
        &mut fined,
        NewRecord::new(
            RecordKind::ClosingReport,
            &[("summary", "已按期缴纳罚款"), ("result", "罚款8000元已缴纳"), ("closed_on", "2025-12-30")],
        ),
        "2026-01-04",
    );
    fined.apply(&CaseEvent::StageCompleted { stage: Stage::Closure, on: d("2026-01-04") });

    let mut later = w.case_against(shop(), "6000");
    let mut f = w.fields("6000");
    f.insert("decided_on".into(), "2026-01-05".into());
    made(&mut later, w.document(&f), "2026-01-05");

    // Heard, and so major (L-01): its review concluded, the decision still to be made.
    let mut heard = w.case_against(person("赵某"), "9000");
    recorded(
        &mut heard,
        RecordKind::HearingRecord,
        &[("held_at", "2025-12-20 09:00"), ("participants", "当事人"), ("place", "听证室"), ("record", "听证记录")],
    );
    recorded(
        &mut heard,
        RecordKind::LegalReviewOpinion,
        &[("reviewer", "法制股"), ("opinion", "同意"), ("reviewed_on", "2026-01-03")],
    );

    let mut spot = w.open(ActKind::Penalty, Procedure::Simplified, person("陈某"), "2025-12-31 22:00");
    let mut r = NewRecord::new(
        RecordKind::OnTheSpotDecision,
        &[
            ("facts", "占道经营"),
            ("basis", "《中华人民共和国食品安全法》第一百二十四条第一款第（五）项"),
            ("statements", "当事人无异议"),
            ("decided_at", "2025-12-31 22:30"),
            ("place", "人民路"),
        ],
    );
    r.penalty = Some(SpotPenalty { warning: true, fine: Some(Money::from_yuan(200)) });
    r.form_number = Some("No.000125".into());
    r.review = Some(w.review());
    r.basis = catalogue();
    let r = w.on_site(r, "陈某");
    made(&mut spot, r, "2026-01-02");

    let permit = w.open(ActKind::Permit, Procedure::Ordinary, shop(), "2026-02-01 09:00");
    let elsewhere = World::new("anxiang").case_against(person("外某"), "8000");
    (w, vec![fined, later, heard, spot, permit, elsewhere])
}

fn value(s: &AnnualStatistics, label: &str) -> u64 {
    s.rows().into_iter().find(|(l, _)| l == label).unwrap_or_else(|| panic!("no row {label}")).1
}

// rule: D-11
#[test]
fn a_year_counts_what_its_records_say_by_the_dates_of_the_acts() {
    let (w, cases) = year_end();
    let s = AnnualStatistics::compute(w.agency.id, 2025, &cases);
    assert_eq!(value(&s, "行政处罚案件"), 4);
    assert_eq!(value(&s, "行政许可案件"), 0);
    assert_eq!(value(&s, "适用普通程序的案件"), 3);
    assert_eq!(value(&s, "适用简易程序的案件"), 1);
    // The fine of 20 September and the on-the-spot decision of 31 December, entered on
    // 2 January; not the decision of 5 January.
    assert_eq!(s.penalty_decisions, 2);
    assert_eq!(value(&s, "处罚种类：罚款"), 2);
    assert_eq!(value(&s, "处罚种类：警告"), 1);
    assert_eq!(value(&s, "处罚种类：吊销许可证件"), 0);
    assert_eq!(s.fines, Money::from_yuan(8_200));
    assert_eq!(s.fines_row(), ("罚款金额合计".to_string(), "8,200.00元".to_string()));
    assert_eq!(value(&s, "当场作出行政处罚决定"), 1);
    // Closed by the report of 30 December, though the stage was completed on 4 January.
    assert_eq!(value(&s, "结案"), 1);
    assert_eq!(value(&s, "举行听证"), 1);
    assert_eq!(value(&s, "重大执法决定法制审核"), 0);
    assert_eq!(s.title(), "2025年度行政执法数据统计");

    let next = AnnualStatistics::compute(w.agency.id, 2026, &cases);
    assert_eq!(value(&next, "行政处罚案件"), 0);
    assert_eq!(value(&next, "行政许可案件"), 1);
    assert_eq!(next.penalty_decisions, 1);
    assert_eq!(value(&next, "处罚种类：罚款"), 1);
    assert_eq!(next.fines, Money::from_yuan(6_000));
    assert_eq!((next.on_the_spot, next.closed, next.hearings_held, next.major_reviewed), (0, 0, 0, 1));
}

// rule: D-11
#[test]
fn the_rows_are_the_same_every_year_and_the_table_shows_them_with_the_fines() {
    let (w, cases) = year_end();
    let empty = AnnualStatistics::compute(w.agency.id, 2024, &cases);
    let full = AnnualStatistics::compute(w.agency.id, 2025, &cases);
    let labels = |s: &AnnualStatistics| s.rows().into_iter().map(|(l, _)| l).collect::<Vec<_>>();
    assert_eq!(labels(&empty), labels(&full));
    assert!(empty.rows().iter().all(|(_, n)| *n == 0));
    assert_eq!(full.rows()[..2], [("行政许可案件".to_string(), 0), ("行政处罚案件".to_string(), 4)]);
    let table = full.table();
    assert_eq!(table.len(), full.rows().len() + 1);
    assert_eq!(table.last().unwrap(), &full.fines_row());
    assert!(table.contains(&("作出行政处罚决定".to_string(), "2".to_string())));
    // Another agency's statistics do not see these cases.
    let other = AnnualStatistics::compute(Uuid::new_v4(), 2025, &cases);
    assert!(other.rows().iter().all(|(_, n)| *n == 0) && other.fines == Money::ZERO);
}

// rule: D-11
#[test]
fn the_statistics_are_due_by_31_january_and_lateness_is_flagged() {
    assert_eq!(publish_by(2025), d("2026-01-31"));
    assert!(!is_late(2025, d("2026-01-31"), None));
    assert!(is_late(2025, d("2026-02-01"), None));
    assert!(!is_late(2025, d("2026-06-01"), Some(d("2026-01-30"))));
    assert!(is_late(2025, d("2026-06-01"), Some(d("2026-02-03"))));
    assert_eq!(publish_by(2027), d("2028-01-31"));
}

// rule: D-11
#[test]
fn a_decision_counts_as_corrected() {
    let (w, mut cases) = year_end();
    let later = &mut cases[1];
    let doc = later.records_of(RecordKind::DecisionDocument).last().unwrap().record.id;
    let fix = [("decided_on".to_string(), "2025-12-29".to_string())].into();
    let e = decide_correct(later, doc, "决定日期笔误", fix, &[], d("2026-01-06")).unwrap();
    later.apply(&e);
    let s = AnnualStatistics::compute(w.agency.id, 2025, &cases);
    assert_eq!(s.penalty_decisions, 3);
    assert_eq!(s.fines, Money::from_yuan(14_200));
    assert_eq!(AnnualStatistics::compute(w.agency.id, 2026, &cases).penalty_decisions, 0);
}

// rule: D-11
// rule: V-04
#[test]
fn each_cases_share_added_up_is_the_agencys_statistics() {
    let (w, cases) = year_end();
    for year in [2025, 2026] {
        let whole = AnnualStatistics::compute(w.agency.id, year, &cases);
        let mut summed = AnnualStatistics::compute(w.agency.id, year, []);
        for c in cases.iter().filter(|c| c.opening.agency_id == w.agency.id) {
            for share in AnnualStatistics::of_case(c, 2026).iter().filter(|s| s.year == year) {
                summed.add(share);
            }
        }
        assert_eq!(summed, whole, "{year}");
        assert!(!whole.is_empty());
        // Stored as JSON and read back unchanged.
        let back: AnnualStatistics = serde_json::from_str(&serde_json::to_string(&whole).unwrap()).unwrap();
        assert_eq!(back, whole);
    }
    // A case counts only in the years it did something.
    let permit = &cases[4];
    let years: Vec<i32> = AnnualStatistics::of_case(permit, 2027).iter().map(|s| s.year).collect();
    assert_eq!(years, vec![2026]);
}
