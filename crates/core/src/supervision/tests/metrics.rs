//! The facts of a case read by the rules' own computations, the V-04 metrics on hand-built
//! facts whose answer is known, and B-03's distribution of fines.

use super::*;
use crate::case::review::{DraftStamp, Level, Opinion, ReviewEvent};
use crate::disclosure::feedback::FeedbackKind;
use crate::disclosure::publication::RevocationGround;
use crate::discretion::FineRange;
use crate::inspection::JointShare;
use crate::supervision::facts::*;
use crate::supervision::metrics::*;
use crate::supervision::same_penalty::{self, PenaltyGroup};

fn video_for(record: Uuid, stored: &str) -> AvItem {
    video(Some(record), "2025-09-03 09:10", stored)
}

fn site(on: &str) -> Record {
    record(
        RecordKind::SiteInspection,
        &[("place", "超市"), ("started_at", &format!("{on} 09:00")), ("ended_at", &format!("{on} 10:00"))],
    )
}

/// A tier of 10,000 to 50,000 yuan, and a proposal of `fine` yuan checked against it.
fn assessed(fine: i64, reason: Option<&str>) -> PenaltyAssessment {
    let (min, max) = (Money::from_yuan(10000), Money::from_yuan(50000));
    let fine = Money::from_yuan(fine);
    let mut deviations = vec![];
    if fine > max {
        deviations.push(Deviation::FineAbove { fine, max });
    }
    PenaltyAssessment {
        benchmark_id: Uuid::nil(),
        violation_code: "SP-01".into(),
        violation_name: "销售过期食品".into(),
        tier: Tier {
            name: "较重".into(),
            circumstances: "货值较大".into(),
            penalties: vec![PenaltyType::Fine],
            fine: Some(FineRange::Amount { min, max }),
        },
        proposal: Proposal { penalties: vec![PenaltyType::Fine], fine: Some(fine), base_amount: None },
        deviations,
        deviation_reason: reason.map(String::from),
    }
}

/// A case with a major decision (a fine of 60,000 yuan on an organisation, 白山乡), its
/// review submitted on Monday 2025-09-15 and approved on `concluded`, a site inspection on
/// 2025-09-03 with or without its video, closed, archived, flagged as a suspected crime.
fn decided_case(concluded: &str, with_video: bool) -> Case {
    let mut c = case();
    let inspection = add(&mut c, site("2025-09-03"));
    if with_video {
        c.apply(&CaseEvent::AvAttached { av: video_for(inspection, "2025-09-03 12:00") });
    }
    let draft = add(&mut c, record(RecordKind::DecisionDraft, &[("fine", "60000"), ("proposal", "罚款六万元")]));
    let stamp = DraftStamp { record: draft, corrections: 0 };
    let round = Uuid::new_v4();
    c.apply(&CaseEvent::Review {
        event: ReviewEvent::Submitted {
            round,
            level: Level::Agency,
            urgent: false,
            re_review: None,
            materials: vec![],
            note: String::new(),
            draft: stamp,
            by: signer(),
            at: t("2025-09-15 09:00"),
        },
    });
    c.apply(&CaseEvent::Review {
        event: ReviewEvent::Concluded {
            round,
            checklist: vec![],
            opinion: Opinion::Approve,
            reasons: "事实清楚，证据确凿".into(),
            draft: stamp,
            by: signer(),
            at: t(&format!("{concluded} 16:00")),
        },
    });
    let mut doc = decision("60000");
    doc.assessment = Some(assessed(60000, Some("当事人两年内三次销售过期食品，拒不改正，情节恶劣")));
    add(&mut c, doc);
    c.apply(&CaseEvent::Transfer {
        event: TransferEvent::SuspectedCrime { reason: "货值金额较大".into(), on: d("2025-09-20"), by: signer() },
    });
    complete(&mut c, Stage::Closure, "2025-10-30");
    c.apply(&CaseEvent::CaseArchived { on: d("2025-11-05"), catalogue: vec![], late: None });
    c
}

// rule: V-04
// rule: L-06
// rule: R-08
#[test]
fn case_facts_read_the_decision_review_av_and_transfer_of_the_case() {
    let p = profile("baishan"); // review_wd = 7: from Monday 09-15 the last day is 09-24
    let policy = ReviewPolicy { profile: &p, catalogue: &[] };
    let none = Default::default();
    let c = decided_case("2025-09-24", true);
    let f = CaseFacts::of(&c, policy, &none, &calendar());
    assert_eq!((f.case_id, f.number.as_str(), f.agency_id), (c.id(), "白市监案〔2025〕3号", AGENCY));
    assert_eq!((f.act_kind, f.procedure, f.opened_on), (ActKind::Penalty, Procedure::Ordinary, d("2025-09-01")));
    let dec = f.decision.as_ref().unwrap();
    assert_eq!(dec.kind, RecordKind::DecisionDocument);
    assert_eq!(dec.records, vec![dec.record_id]);
    assert_eq!(dec.decided_on, Some(d("2025-09-30")));
    assert_eq!(dec.fine, Some(Money::from_yuan(60000)));
    assert_eq!(dec.penalty_types, vec![PenaltyType::Fine]);
    // The same reading as the annual statistics (D-11).
    let stats = crate::disclosure::statistics::AnnualStatistics::compute(AGENCY, 2025, [&c]);
    assert_eq!(dec.fine, Some(stats.fines));
    let a = dec.assessment.as_ref().unwrap();
    assert_eq!((a.violation_code.as_str(), a.tier.as_str()), ("SP-01", "较重"));
    assert_eq!(a.tier_bounds, Some((Money::from_yuan(10000), Money::from_yuan(50000))));
    assert!(!a.in_range && a.deviation_reason);
    // Review: required (a fine ≥ 10,000 yuan on an organisation), approved, on time.
    assert!(f.review.required && f.review.approved);
    assert_eq!(f.review.rounds.len(), 1);
    assert_eq!((f.review.rounds[0].concluded_on, f.review.rounds[0].on_time), (d("2025-09-24"), Some(true)));
    assert!(f.review.rounds[0].approved);
    // A day later is late, as the review's own clock says.
    let late = CaseFacts::of(&decided_case("2025-09-25", true), policy, &none, &calendar());
    assert_eq!(late.review.rounds[0].on_time, Some(false));
    // AV: the site inspection needs it and has it.
    assert_eq!(f.av_acts.len(), 1);
    assert_eq!((f.av_acts[0].on, f.av_acts[0].av_stored_on), (Some(d("2025-09-03")), Some(d("2025-09-03"))));
    let without = CaseFacts::of(&decided_case("2025-09-24", false), policy, &none, &calendar());
    assert!(!without.av_acts[0].recorded());
    assert_eq!((f.closed_on, f.archived_on), (Some(d("2025-10-30")), Some(d("2025-11-05"))));
    assert!(f.suspected_crime && !f.transferred);
    // Without a decision: no decision facts; a small fine needs no review.
    let plain = CaseFacts::of(&case(), policy, &none, &calendar());
    assert!(plain.decision.is_none() && !plain.review.required && !plain.review.approved);
}

#[test]
fn case_facts_round_trip_through_json_with_stable_names() {
    let p = profile("baishan");
    let policy = ReviewPolicy { profile: &p, catalogue: &[] };
    let f = CaseFacts::of(&decided_case("2025-09-24", true), policy, &Default::default(), &calendar());
    let json = serde_json::to_string(&f).unwrap();
    assert_eq!(serde_json::from_str::<CaseFacts>(&json).unwrap(), f);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    for key in ["case_id", "number", "agency_id", "decision", "review", "av_acts", "closed_on", "suspected_crime"] {
        assert!(v.get(key).is_some(), "{key} in {json}");
    }
    assert_eq!(v["decision"]["fine"], 6_000_000);
    assert_eq!(v["act_kind"], "penalty");
}

// --- The metrics on hand-built facts ---------------------------------------------------

const OTHER: Uuid = Uuid::from_u128(8);

fn march() -> Period {
    Period::month(2025, 3).unwrap()
}

fn facts(n: u32, decided: Option<&str>) -> CaseFacts {
    let decision = decided.map(|on| DecisionFacts {
        record_id: Uuid::from_u128(1000 + u128::from(n)),
        kind: RecordKind::DecisionDocument,
        records: vec![Uuid::from_u128(1000 + u128::from(n))],
        decided_on: Some(d(on)),
        fine: None,
        penalty_types: vec![],
        assessment: None,
    });
    CaseFacts {
        case_id: Uuid::from_u128(u128::from(n)),
        number: format!("白市监案〔2025〕{n}号"),
        agency_id: AGENCY,
        act_kind: ActKind::Penalty,
        procedure: Procedure::Ordinary,
        opened_on: d("2025-01-02"),
        decision,
        review: ReviewFacts::default(),
        av_acts: vec![],
        closed_on: None,
        archived_on: None,
        suspected_crime: false,
        transferred: false,
    }
}

fn round(concluded: &str, on_time: Option<bool>) -> RoundFacts {
    RoundFacts { round_id: Uuid::new_v4(), level: Level::Agency, concluded_on: d(concluded), approved: true, on_time }
}

fn av_act(on: Option<&str>, recorded: bool) -> AvAct {
    AvAct {
        record_id: Uuid::new_v4(),
        kind: RecordKind::SiteInspection,
        on: on.map(d),
        av_stored_on: recorded.then(|| d("2025-03-01")),
    }
}

fn publication(n: u128, due: &str, published: Option<&str>) -> PublicationFacts {
    PublicationFacts {
        record_id: Uuid::from_u128(5000 + n),
        agency_id: AGENCY,
        kind: NoticeKind::Decision,
        decided_on: d("2025-02-20"),
        due: d(due),
        published_on: published.map(d),
        withdrawn_unpublished: false,
        overturned: vec![],
    }
}

fn request(kind: FeedbackKind, n: u32, due: &str, answered: Option<&str>) -> FeedbackFacts {
    FeedbackFacts {
        tracking: format!("{}-{n}", kind.prefix()),
        agency_id: AGENCY,
        kind,
        filed_on: d("2025-02-25"),
        due: d(due),
        answered_on: answered.map(d),
    }
}

fn case_subject(n: u32) -> Subject {
    facts(n, None).subject()
}

fn pub_subject(n: u128) -> Subject {
    Subject::Publication { record_id: Uuid::from_u128(5000 + n) }
}

/// The hand-built set: what each metric of March 2025 should be is written beside it.
fn hand_built() -> (Vec<CaseFacts>, Vec<PublicationFacts>, Vec<FeedbackFacts>) {
    // Decisions of March: 1, 2, 3 (5 is of 1 April, 6 of 28 February).
    let mut c1 = facts(1, Some("2025-03-01"));
    c1.review = ReviewFacts { required: true, approved: true, rounds: vec![round("2025-03-01", Some(true))] };
    c1.av_acts = vec![av_act(Some("2025-03-01"), true), av_act(Some("2025-03-31"), false)];
    let mut c2 = facts(2, Some("2025-03-31"));
    c2.review = ReviewFacts {
        required: true,
        approved: false,
        rounds: vec![round("2025-03-31", Some(false)), round("2025-02-28", Some(false))],
    };
    c2.av_acts = vec![av_act(Some("2025-04-01"), false), av_act(None, false)];
    // Remade: the earlier decision record 2 was withdrawn; the case's decision is a new one.
    let earlier = Uuid::from_u128(9002);
    c2.decision.as_mut().unwrap().records.insert(0, earlier);
    let mut c3 = facts(3, Some("2025-03-15"));
    c3.review.rounds = vec![round("2025-03-15", None)];
    let mut c5 = facts(5, Some("2025-04-01"));
    c5.review = ReviewFacts { required: true, approved: false, rounds: vec![] };
    let c6 = facts(6, Some("2025-02-28"));
    let mut other = facts(7, Some("2025-03-10"));
    other.agency_id = OTHER;
    other.review = ReviewFacts { required: true, approved: false, rounds: vec![] };
    let cases = vec![c1, c2, c3, c5, c6, other];

    let mut withdrawn_unpublished = publication(7, "2025-03-20", None);
    withdrawn_unpublished.withdrawn_unpublished = true;
    let mut overturning = publication(8, "2025-01-10", Some("2025-01-10"));
    overturning.record_id = earlier;
    overturning.overturned =
        vec![Overturn { record_id: earlier, on: d("2025-04-10"), ground: RevocationGround::DeclaredUnlawful }];
    let mut others = publication(9, "2025-03-10", Some("2025-03-12"));
    others.agency_id = OTHER;
    let pubs = vec![
        publication(1, "2025-03-10", Some("2025-03-10")), // on the due day: on time
        publication(2, "2025-03-10", Some("2025-03-11")), // a day later: late
        publication(3, "2025-03-31", None),               // last day of the period, unpublished: late on 04-01
        publication(4, "2025-03-01", Some("2025-02-27")), // first day of the period, early: on time
        publication(5, "2025-02-28", None),               // due before the period
        publication(6, "2025-04-01", Some("2025-03-20")), // due after the period
        withdrawn_unpublished,                            // nothing left to publish
        overturning,                                      // due in January
        others,                                           // another agency's
    ];

    let feedback = vec![
        request(FeedbackKind::Correction, 1, "2025-03-05", Some("2025-03-05")), // on the due day
        request(FeedbackKind::Correction, 2, "2025-03-06", Some("2025-03-07")), // a day late
        request(FeedbackKind::Correction, 3, "2025-04-02", None),               // due after March
        request(FeedbackKind::Complaint, 4, "2025-03-15", Some("2025-03-10")),  // early
        request(FeedbackKind::Complaint, 5, "2025-03-31", None),                // unanswered
    ];
    (cases, pubs, feedback)
}

// rule: V-04
// rule: D-05
// rule: D-10
// rule: D-12
#[test]
fn timeliness_counts_what_was_due_in_the_period_and_met_by_its_due_day() {
    let (cases, pubs, feedback) = hand_built();
    let m = AgencyMetrics::compute(AGENCY, march(), d("2025-04-01"), &cases, &pubs, &feedback, None);
    // Publications 1 and 4 on time; 2 a day late; 3 still unpublished after its day.
    assert_eq!((m.disclosure_timeliness.met, m.disclosure_timeliness.of), (2, 4));
    assert_eq!(m.disclosure_timeliness.behind, vec![pub_subject(2), pub_subject(3)]);
    assert_eq!(m.disclosure_timeliness.pct(), Some(50.0));
    // On 31 March, publication 3 still has its day: not judged yet.
    let on_the_day = AgencyMetrics::compute(AGENCY, march(), d("2025-03-31"), &cases, &pubs, &feedback, None);
    assert_eq!((on_the_day.disclosure_timeliness.met, on_the_day.disclosure_timeliness.of), (2, 3));
    // Corrections: 1 answered on its day, 2 a day late (3 is due in April).
    assert_eq!((m.correction_handling.met, m.correction_handling.of), (1, 2));
    assert_eq!(m.correction_handling.behind, vec![request(FeedbackKind::Correction, 2, "2025-03-06", None).subject()]);
    // Complaints: 4 answered early, 5 unanswered after its day.
    assert_eq!((m.complaint_handling.met, m.complaint_handling.of), (1, 2));
    assert_eq!(on_the_day.complaint_handling.of, 1);
}

// rule: V-04
// rule: L-02
// rule: L-06
// rule: R-08
// rule: D-09
#[test]
fn review_av_and_overturned_count_the_periods_decisions_rounds_and_acts() {
    let (cases, pubs, feedback) = hand_built();
    let m = AgencyMetrics::compute(AGENCY, march(), d("2025-04-01"), &cases, &pubs, &feedback, None);
    // Decisions of March needing review: 1 (approved) and 2 (not); 5 is April's, 7 another
    // agency's.
    assert_eq!((m.review_coverage.met, m.review_coverage.of), (1, 2));
    assert_eq!(m.review_coverage.behind, vec![case_subject(2)]);
    // Rounds concluded in March: case 1's on time, case 2's late; case 3's cannot be told,
    // case 2's of February is outside.
    assert_eq!((m.review_timeliness.met, m.review_timeliness.of), (1, 2));
    assert_eq!(m.review_timeliness.behind, vec![case_subject(2)]);
    // Acts of March needing AV: case 1's of 1 March (with AV) and 31 March (without).
    assert_eq!((m.av_coverage.met, m.av_coverage.of), (1, 2));
    assert_eq!(m.av_coverage.behind, vec![case_subject(1)]);
    // Decisions of March: 1, 2, 3; case 2's earlier decision was declared unlawful.
    assert_eq!((m.not_overturned.met, m.not_overturned.of), (2, 3));
    assert_eq!(m.not_overturned.behind, vec![case_subject(2)]);
    let row = m.rows().into_iter().find(|r| r.metric == Metric::Overturned).unwrap();
    assert_eq!((row.count, row.of), (1, 3));
    assert!((row.pct.unwrap() - 100.0 / 3.0).abs() < 1e-9);
    assert_eq!(row.pct_text(), "33.3%");
}

// rule: V-04
// rule: S-04
#[test]
fn the_joint_share_is_shown_against_the_profile_minimum() {
    let p = profile("baishan"); // 10%
    let share = |joint, total| JointShare { joint, total, percent: 0 };
    let m = AgencyMetrics::compute(AGENCY, march(), d("2025-04-01"), &[], &[], &[], Some((share(1, 12), &p)));
    let row = m.rows().into_iter().find(|r| r.metric == Metric::JointInspection).unwrap();
    assert_eq!((row.count, row.of, row.target_pct, row.meets_target), (1, 12, Some(10), Some(false)));
    let m = AgencyMetrics::compute(AGENCY, march(), d("2025-04-01"), &[], &[], &[], Some((share(2, 20), &p)));
    let row = m.rows().into_iter().find(|r| r.metric == Metric::JointInspection).unwrap();
    assert_eq!((row.pct, row.meets_target), (Some(10.0), Some(true)));
    assert_eq!(row.meets_target, Some(share(2, 20).meets(&p)));
}

// rule: V-04
#[test]
fn nothing_due_has_no_percentage_and_rows_keep_a_fixed_order() {
    let m = AgencyMetrics::compute(OTHER, Period::month(2025, 5).unwrap(), d("2025-06-01"), &[], &[], &[], None);
    let rows = m.rows();
    assert_eq!(rows.iter().map(|r| r.metric).collect::<Vec<_>>(), Metric::ALL);
    for r in &rows {
        assert_eq!((r.of, r.pct, r.pct_text()), (0, None, "—".to_string()), "{}", r.label);
        assert_eq!(r.label, r.metric.label());
    }
    assert_eq!(m.csv_rows()[0], ["行政执法信息按期公开率", "disclosure_timeliness", "0", "0", "—", ""]);
    let codes: std::collections::BTreeSet<_> = Metric::ALL.iter().map(|m| m.code()).collect();
    assert_eq!(codes.len(), Metric::ALL.len());
    for metric in Metric::ALL {
        assert_eq!(Metric::parse(metric.code()), Some(metric));
        assert_eq!(metric.rule().len(), 4);
    }
}

// rule: V-04
#[test]
fn the_county_total_sums_the_agencies() {
    let (cases, pubs, feedback) = hand_built();
    let p = profile("baishan");
    let share = JointShare { joint: 1, total: 12, percent: 8 };
    let ours = AgencyMetrics::compute(AGENCY, march(), d("2025-04-01"), &cases, &pubs, &feedback, Some((share, &p)));
    let share = JointShare { joint: 2, total: 8, percent: 25 };
    let theirs = AgencyMetrics::compute(OTHER, march(), d("2025-04-01"), &cases, &pubs, &feedback, Some((share, &p)));
    let total = AgencyMetrics::combine(march(), &[ours.clone(), theirs.clone()]);
    assert_eq!(total.agency_id, None);
    for metric in Metric::ALL {
        let (a, b, t) = (ours.ratio(metric), theirs.ratio(metric), total.ratio(metric));
        assert_eq!((t.met, t.of), (a.met + b.met, a.of + b.of), "{}", metric.label());
    }
    // Another agency's decision 7 needing review and its late publication 9.
    assert_eq!((total.review_coverage.met, total.review_coverage.of), (1, 3));
    assert_eq!((total.disclosure_timeliness.met, total.disclosure_timeliness.of), (2, 5));
    let joint = total.rows().into_iter().find(|r| r.metric == Metric::JointInspection).unwrap();
    assert_eq!((joint.count, joint.of, joint.target_pct, joint.meets_target), (3, 20, Some(10), Some(true)));
}

#[test]
fn periods_are_inclusive_months_and_years_with_chinese_labels() {
    let feb = Period::month(2024, 2).unwrap();
    assert_eq!((feb.from(), feb.to()), (d("2024-02-01"), d("2024-02-29")));
    assert!(feb.contains(d("2024-02-01")) && feb.contains(d("2024-02-29")) && !feb.contains(d("2024-03-01")));
    assert_eq!(feb.label(), "2024年2月");
    let dec = Period::month(2025, 12).unwrap();
    assert_eq!(dec.to(), d("2025-12-31"));
    assert_eq!(Period::year(2025).unwrap().label(), "2025年");
    assert_eq!(Period::new(d("2025-01-01"), d("2025-03-31")).unwrap().label(), "2025-01-01至2025-03-31");
    assert!(Period::new(d("2025-03-01"), d("2025-02-01")).is_none());
    assert!(Period::month(2025, 13).is_none());
}

// --- B-03 ------------------------------------------------------------------------------

/// A case decided with `fine` yuan, assessed under `tier` whose range is `min`..`max` yuan.
fn fined(n: u32, tier: &str, fine: i64, (min, max): (i64, i64)) -> CaseFacts {
    let mut f = facts(n, Some("2025-03-10"));
    let dec = f.decision.as_mut().unwrap();
    dec.fine = Some(Money::from_yuan(fine));
    dec.penalty_types = vec![PenaltyType::Fine];
    let bounds = (Money::from_yuan(min), Money::from_yuan(max));
    dec.assessment = Some(AssessmentFacts {
        benchmark_id: Uuid::nil(),
        violation_code: "SP-01".into(),
        violation_name: "销售过期食品".into(),
        tier: tier.into(),
        tier_fine: FineRange::Amount { min: bounds.0, max: bounds.1 }.describe(),
        tier_bounds: Some(bounds),
        in_range: (min..=max).contains(&fine),
        deviation_reason: false,
    });
    f
}

#[test]
fn quartiles_interpolate_between_order_statistics() {
    let q = |xs: &[i64]| {
        let (a, b, c) = same_penalty::quartiles(&mut xs.to_vec()).unwrap();
        (a.fen(), b.fen(), c.fen())
    };
    // Type 7: for 1, 2, 3, 4 the quartiles are 1.75, 2.5, 3.25.
    assert_eq!(q(&[400, 100, 300, 200]), (175, 250, 325));
    assert_eq!(q(&[1, 2, 3, 4, 5, 6, 7, 8, 9]), (3, 5, 7));
    // 1.25, 1.5 and 1.75 fen, rounded halves up.
    assert_eq!(q(&[1, 2]), (1, 2, 2));
    assert_eq!(q(&[7]), (7, 7, 7));
    assert!(same_penalty::quartiles(&mut []).is_none());
}

fn group<'a>(groups: &'a [PenaltyGroup], tier: &str) -> &'a PenaltyGroup {
    groups.iter().find(|g| g.tier == tier).unwrap()
}

// rule: B-03
#[test]
fn fines_are_grouped_by_violation_and_tier_with_their_outliers() {
    let general = (5000, 30000);
    let heavy = (10000, 30000);
    let cases = vec![
        fined(1, "一般", 5600, general),
        fined(2, "一般", 5000, general),
        fined(3, "一般", 20000, general), // inside the tier, far above the others
        fined(4, "一般", 5400, general),
        fined(5, "一般", 5200, general),
        fined(6, "较重", 10000, heavy),
        fined(7, "较重", 40000, heavy), // above the tier: an outlier even in a small group
        fined(8, "较重", 12000, heavy),
        facts(9, Some("2025-03-10")), // no assessment, no fine: not counted
    ];
    let groups = same_penalty::groups(&cases);
    assert_eq!(groups.len(), 2);
    let g = group(&groups, "一般");
    assert_eq!((g.violation_code.as_str(), g.count), ("SP-01", 5));
    // Sorted: 5000, 5200, 5400, 5600, 20000 yuan; h = 1, 2, 3 fall on order statistics.
    let yuan = |m: Money| m.fen() / 100;
    assert_eq!(
        (yuan(g.min), yuan(g.lower_quartile), yuan(g.median), yuan(g.upper_quartile), yuan(g.max)),
        (5000, 5200, 5400, 5600, 20000)
    );
    // IQR 400 yuan: fences 5200 − 600 and 5600 + 600.
    assert_eq!(g.fences.map(|(lo, hi)| (yuan(lo), yuan(hi))), Some((4600, 6200)));
    assert_eq!(g.outliers.len(), 1);
    assert_eq!(g.outliers[0].subject, case_subject(3));
    assert!(g.outliers[0].why.contains("明显高于同类案件"), "{}", g.outliers[0].why);
    assert!(!g.outliers[0].why.contains("阶次"), "inside its tier: {}", g.outliers[0].why);

    let h = group(&groups, "较重");
    assert_eq!((h.count, yuan(h.median)), (3, 12000));
    assert_eq!(h.fences, None, "three cases are too few for fences");
    assert_eq!(h.outliers.iter().map(|o| o.subject.clone()).collect::<Vec<_>>(), vec![case_subject(7)]);
    assert!(h.outliers[0].why.contains("高于该阶次罚款上限30,000.00元"), "{}", h.outliers[0].why);
}

// rule: B-03
#[test]
fn a_fine_outside_both_its_tier_and_the_fences_gives_both_reasons() {
    let tier = (5000, 10000);
    let cases: Vec<CaseFacts> =
        [5000, 5200, 5400, 5600, 30000].iter().enumerate().map(|(i, f)| fined(i as u32, "一般", *f, tier)).collect();
    let groups = same_penalty::groups(&cases);
    let o = &groups[0].outliers;
    assert_eq!(o.len(), 1);
    assert_eq!(o[0].fine, Money::from_yuan(30000));
    assert!(o[0].why.contains("高于该阶次罚款上限") && o[0].why.contains("明显高于同类案件"), "{}", o[0].why);
}

// rule: V-04
// rule: D-09
#[test]
fn publication_facts_keep_the_first_decision_and_every_withdrawal() {
    use crate::disclosure::publication::{DecisionNotice, PublicationEvent};
    let p = profile("baishan");
    let (first, remade) = (Uuid::new_v4(), Uuid::new_v4());
    let notice = |decided: &str| DecisionNotice {
        kind: NoticeKind::Decision,
        agency: "白山乡人民政府".into(),
        party: "某某超市".into(),
        category: "行政处罚".into(),
        document_number: "白罚决〔2025〕3号".into(),
        facts: "销售过期食品".into(),
        basis: "《食品安全法》第一百二十四条".into(),
        conclusion: "罚款五千元".into(),
        decided_on: d(decided),
    };
    let events = [
        PublicationEvent::Prepared {
            case_id: Uuid::new_v4(),
            record_id: first,
            act_kind: ActKind::Penalty,
            party_kind: PartyKind::Organisation,
            notice: notice("2025-03-03"),
            due: d("2025-03-12"),
            profile: p.reference(),
        },
        PublicationEvent::Published {
            on: d("2025-03-12"),
            takedown_on: d("2028-03-12"),
            late: None,
            profile: p.reference(),
        },
        PublicationEvent::Withdrawn {
            on: d("2025-05-06"),
            ground: RevocationGround::Remade,
            explanation: "复议决定责令重新作出".into(),
        },
        PublicationEvent::Republished {
            on: d("2025-06-02"),
            case_id: Uuid::new_v4(),
            record_id: remade,
            notice: notice("2025-06-01"),
            explanation: "重新作出的处罚决定".into(),
            takedown_on: d("2028-06-01"),
            profile: p.reference(),
        },
    ];
    let publication = Publication::fold(&events).unwrap();
    let f = PublicationFacts::of(&publication, AGENCY);
    assert_eq!((f.record_id, f.agency_id, f.decided_on), (first, AGENCY, d("2025-03-03")));
    assert_eq!((f.due, f.published_on, f.on_time()), (d("2025-03-12"), Some(d("2025-03-12")), Some(true)));
    assert_eq!(
        f.overturned,
        vec![Overturn { record_id: first, on: d("2025-05-06"), ground: RevocationGround::Remade }]
    );
    assert!(!f.withdrawn_unpublished);
    // Withdrawn before it was ever published: nothing is left to publish.
    let never = Publication::fold([&events[0], &events[2]]).unwrap();
    assert!(PublicationFacts::of(&never, AGENCY).withdrawn_unpublished);
}

// rule: V-04
// rule: D-12
#[test]
fn feedback_facts_are_the_requests_due_day_and_answer_day() {
    use crate::disclosure::feedback::{
        ComplaintTopic, Feedback, FeedbackEvent, Filer, Matter, Outcome, TrackingNumber,
    };
    let p = profile("baishan");
    let tracking = TrackingNumber::new(FeedbackKind::Complaint, d("2025-09-15"), [1, 2, 3, 4, 5]);
    let filed = FeedbackEvent::Filed {
        tracking,
        matter: Matter::Complaint { topic: ComplaintTopic::DisclosureLate, about: None },
        agency: AGENCY,
        filer: Filer { name: None, phone: None, email: None },
        content: "执法人员未出示证件".into(),
        evidence: String::new(),
        filed_at: "2025-09-15T01:00:00Z".parse().unwrap(),
        due: d("2025-09-18"),
        profile: p.reference(),
    };
    let answered = FeedbackEvent::Answered {
        answer: "经核查属实，已责令改正".into(),
        outcome: Outcome::Substantiated,
        by: Uuid::nil(),
        at: "2025-09-19T01:00:00Z".parse().unwrap(),
        on: d("2025-09-19"),
    };
    let f = FeedbackFacts::of(&Feedback::fold([&filed, &answered]).unwrap());
    assert_eq!((f.kind, f.agency_id, f.filed_on), (FeedbackKind::Complaint, AGENCY, d("2025-09-15")));
    assert_eq!((f.due, f.answered_on), (d("2025-09-18"), Some(d("2025-09-19"))));
    assert_eq!(f.subject(), Subject::Feedback { tracking: tracking.to_string() });
    // Answered a day late: behind in its period.
    let sept = Period::month(2025, 9).unwrap();
    let m = AgencyMetrics::compute(AGENCY, sept, d("2025-10-01"), &[], &[], std::slice::from_ref(&f), None);
    assert_eq!((m.complaint_handling.met, m.complaint_handling.of), (0, 1));
    assert_eq!(m.complaint_handling.behind, vec![f.subject()]);
}
