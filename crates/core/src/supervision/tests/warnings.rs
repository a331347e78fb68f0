//! The early warning over the rules' clocks (V-03).

use super::*;
use crate::supervision::warnings::*;

// rule: V-03
// rule: N-02
// rule: R-03
#[test]
fn case_clocks_are_the_case_deadlines_with_their_profile_and_state() {
    let p = profile("baishan");
    let cal = calendar();
    let c = case();
    // N-02: 90 days from 2025-09-01 is 2025-11-30.
    let w = case_warnings(&c, &p, &cal, t("2025-11-28 09:00")).unwrap();
    let n02 = w.iter().find(|w| w.rule == "N-02").unwrap();
    assert_eq!(n02.due, t("2025-11-30 23:59:59"));
    assert_eq!(n02.state, State::DueSoon);
    assert_eq!(n02.profile, Some(p.reference()));
    assert_eq!(n02.subject, Subject::Case { id: c.id(), number: "白市监案〔2025〕3号".into() });
    let w = case_warnings(&c, &p, &cal, t("2025-11-01 09:00")).unwrap();
    assert_eq!(w.iter().find(|w| w.rule == "N-02").unwrap().state, State::OnTime);
    let late = case_warnings(&c, &p, &cal, t("2025-12-01 09:00")).unwrap();
    assert_eq!(late.iter().find(|w| w.rule == "N-02").unwrap().state, State::Overdue);
    // an urgent start without its approval after 24 hours.
    let urgent = opened(Initiation::ExOfficio { urgent: true }, "2025-09-01 09:00", &p);
    let mut all = case_warnings(&urgent, &p, &cal, t("2025-09-02 10:00")).unwrap();
    assert_eq!(all.iter().find(|w| w.rule == "R-03").unwrap().state, State::Overdue);
    all.extend(late);
    let s = summarize(&all);
    assert_eq!(s[&AGENCY], Counts { overdue: 2, due_soon: 0, met_late: 0, unknown: 0 });
}

// rule: V-03
// rule: R-11
#[test]
fn av_storage_is_watched_as_met_or_met_late() {
    let p = profile("baishan");
    let mut c = case();
    let av = |captured: &str, stored: &str| video(None, captured, stored);
    // 白山乡: 24 hours.
    c.apply(&CaseEvent::AvAttached { av: av("2025-09-02 09:00", "2025-09-02 18:00") });
    c.apply(&CaseEvent::AvAttached { av: av("2025-09-02 09:00", "2025-09-04 09:00") });
    let w = case_warnings(&c, &p, &calendar(), t("2025-09-05 09:00")).unwrap();
    let r11: Vec<&State> = w.iter().filter(|w| w.rule == "R-11").map(|w| &w.state).collect();
    assert_eq!(r11, [&State::Met, &State::MetLate]);
}

fn notice(kind: NoticeKind) -> DecisionNotice {
    DecisionNotice {
        kind,
        agency: "白山乡人民政府".into(),
        party: "某某超市".into(),
        category: "行政处罚".into(),
        document_number: "白罚决〔2025〕3号".into(),
        facts: "销售过期食品".into(),
        basis: "《食品安全法》第一百二十四条".into(),
        conclusion: "罚款五千元".into(),
        decided_on: d("2025-09-30"),
    }
}

// rule: V-03
// rule: D-05
// rule: D-08
#[test]
fn a_publication_is_due_on_its_prepared_day_and_met_by_its_first_publication() {
    let p = profile("baishan");
    let prepared = PublicationEvent::Prepared {
        case_id: Uuid::new_v4(),
        record_id: Uuid::new_v4(),
        act_kind: ActKind::Penalty,
        party_kind: PartyKind::Organisation,
        notice: notice(NoticeKind::Decision),
        due: d("2025-10-15"),
        profile: p.reference(),
    };
    let mut pub_ = Publication::fold([&prepared]).unwrap();
    let w = publication_warnings(&pub_, AGENCY, d("2025-10-13"));
    assert_eq!((w[0].rule, &w[0].state), ("D-05", &State::DueSoon));
    assert_eq!(w[0].profile, Some(p.reference()));
    let w = publication_warnings(&pub_, AGENCY, d("2025-10-16"));
    assert_eq!(w[0].state, State::Overdue);
    assert!(w[0].what.contains("已逾期"), "{}", w[0].what);
    pub_.apply(&PublicationEvent::Published {
        on: d("2025-10-17"),
        takedown_on: d("2030-10-17"),
        late: Some("逾期2日".into()),
        profile: p.reference(),
    });
    let w = publication_warnings(&pub_, AGENCY, d("2025-12-01"));
    assert_eq!(w[0].state, State::MetLate);
    assert_eq!(w[0].met_at, Some(t("2025-10-17 23:59:59")));
    // rule: D-08 — still public after its retention: the takedown is overdue.
    assert_eq!((w[1].rule, &w[1].state), ("D-08", &State::OnTime));
    let w = publication_warnings(&pub_, AGENCY, d("2030-10-18"));
    assert_eq!(w[1].state, State::Overdue);
    pub_.apply(&PublicationEvent::TakenDown { on: d("2030-10-17"), reason: "公开期限届满".into() });
    assert_eq!(publication_warnings(&pub_, AGENCY, d("2030-10-18")).len(), 1);
}

// rule: V-03
// rule: D-11
#[test]
fn last_years_statistics_are_due_by_31_january() {
    let p = profile("baishan");
    let agency = Agency { id: AGENCY, ..Default::default() };
    let w = agency_warnings(&agency, &p, &calendar(), d("2026-01-29"));
    let d11 = w.iter().find(|w| w.rule == "D-11").unwrap();
    assert_eq!(d11.due, t("2026-01-31 23:59:59"));
    assert_eq!(d11.state, State::DueSoon);
    assert_eq!(d11.profile, None);
    let w = agency_warnings(&agency, &p, &calendar(), d("2026-02-02"));
    let d11 = w.iter().find(|w| w.rule == "D-11").unwrap();
    assert_eq!(d11.state, State::Overdue);
    // The same judgement as the predisclosure's own flag.
    assert!(agency.predisclosure.statistics_late(2025, d("2026-02-02")));
}

// rule: V-03
// rule: L-06
#[test]
fn each_review_round_is_watched_on_its_working_day_clock_and_stops_for_supplements() {
    use crate::case::review::{Level, ReviewEvent};
    let p = profile("baishan"); // 7 working days
    let cal = calendar();
    let mut c = case();
    let draft = add(&mut c, record(RecordKind::DecisionDraft, &[("fine", "50000")]));
    let round = Uuid::new_v4();
    c.apply(&CaseEvent::Review {
        event: ReviewEvent::Submitted {
            round,
            level: Level::Agency,
            urgent: false,
            re_review: None,
            materials: vec![],
            note: String::new(),
            draft: crate::case::review::DraftStamp { record: draft, corrections: 0 },
            by: signer(),
            at: t("2025-09-15 09:00"),
        },
    });
    // Monday 09-15 + 7 working days = Wednesday 09-24.
    let l06 = |c: &Case, now: &str| {
        case_warnings(c, &p, &cal, t(now)).unwrap().into_iter().find(|w| w.rule == "L-06").unwrap()
    };
    let w = l06(&c, "2025-09-22 09:00");
    assert_eq!(w.due, t("2025-09-24 23:59:59"));
    assert_eq!(w.state, State::DueSoon);
    assert_eq!(l06(&c, "2025-09-25 09:00").state, State::Overdue);
    // The notice of missing materials stops the clock: its state cannot be told.
    c.apply(&CaseEvent::Review {
        event: ReviewEvent::MaterialsNoticed {
            round,
            missing: vec!["调查终结报告".into()],
            by: signer(),
            at: t("2025-09-16 09:00"),
        },
    });
    let w = l06(&c, "2025-09-25 09:00");
    assert!(matches!(&w.state, State::Unknown { reason } if reason.contains("计时暂停")), "{:?}", w.state);
    assert_eq!(summarize(&[w])[&AGENCY].unknown, 1);
}

// rule: V-03
// rule: D-10
#[test]
fn a_correction_request_is_due_its_answer_in_correction_answer_wd() {
    use crate::disclosure::feedback::{Feedback, FeedbackEvent, FeedbackKind, Filer, Matter, Outcome, TrackingNumber};
    let p = profile("baishan");
    let filed = FeedbackEvent::Filed {
        tracking: TrackingNumber::new(FeedbackKind::Correction, d("2025-09-15"), [1, 2, 3, 4, 5]),
        matter: Matter::Correction { publication: Uuid::nil() },
        agency: AGENCY,
        filer: Filer { name: Some("王某".into()), phone: None, email: None },
        content: "当事人名称有误".into(),
        evidence: "营业执照".into(),
        filed_at: "2025-09-15T01:00:00Z".parse().unwrap(),
        due: d("2025-09-18"),
        profile: p.reference(),
    };
    let mut f = Feedback::fold([&filed]).unwrap();
    let w = feedback_warnings(&f, d("2025-09-17"));
    assert_eq!((w[0].rule, &w[0].state), ("D-10", &State::DueSoon));
    assert!(matches!(&w[0].subject, Subject::Feedback { tracking } if tracking.starts_with("GZ-20250915")));
    assert_eq!(feedback_warnings(&f, d("2025-09-19"))[0].state, State::Overdue);
    f.apply(&FeedbackEvent::Answered {
        answer: "已更正".into(),
        outcome: Outcome::Corrected { what: "名称".into() },
        by: Uuid::nil(),
        at: "2025-09-15T01:00:00Z".parse().unwrap(),
        on: d("2025-09-18"),
    });
    assert_eq!(feedback_warnings(&f, d("2025-09-19"))[0].state, State::Met);
}

// rule: V-03
// rule: D-02
#[test]
fn a_change_of_law_is_due_its_predisclosure_update_in_working_days() {
    use crate::disclosure::predisclosure::{Change, ChangeKind};
    let p = profile("baishan"); // 20 working days
    let mut agency = Agency { id: AGENCY, ..Default::default() };
    let id = Uuid::new_v4();
    agency.predisclosure.changes.push(Change {
        id,
        kind: ChangeKind::Law,
        description: "《食品安全法实施条例》修订施行".into(),
        changed_on: d("2025-09-01"),
        recorded_on: d("2025-09-02"),
    });
    let d02 = |a: &Agency, today: &str| {
        agency_warnings(a, &p, &calendar(), d(today)).into_iter().find(|w| w.rule == "D-02").unwrap()
    };
    // 20 working days from Monday 09-01, across the National Day holiday: 10-11 (a make-up
    // Saturday) counts. The same day as the predisclosure's own tracking.
    let w = d02(&agency, "2025-09-10");
    let tracked = agency.predisclosure.tracking(p.params.predisclosure_update_wd, &calendar(), d("2025-09-10"));
    assert_eq!(w.due.date(), tracked[0].due.unwrap());
    assert_eq!(w.state, State::OnTime);
    let after = w.due.date().succ_opt().unwrap().to_string();
    assert_eq!(d02(&agency, &after).state, State::Overdue);
    assert!(agency.predisclosure.tracking(p.params.predisclosure_update_wd, &calendar(), d(&after))[0].late);
    agency.predisclosure.updated.push((id, d("2025-09-20")));
    assert_eq!(d02(&agency, &after).state, State::Met);
}

// rule: V-03
// rule: S-05
#[test]
fn an_inspection_result_without_its_notice_is_due_in_inspection_publish_wd() {
    use crate::inspection::{InspectionResult, Plan, PlanSpec, TaskRecord, TaskResult};
    let p = profile("baishan");
    let mut plan = Plan {
        id: Uuid::new_v4(),
        spec: PlanSpec {
            name: "2025年食品销售抽查".into(),
            lead_agency: AGENCY,
            items: vec![],
            from: d("2025-09-01"),
            to: d("2025-09-30"),
            ratio: None,
            inspectors_per_target: 2,
            joining_agencies: vec![],
        },
        commitment: None,
        drawn: None,
        results: Default::default(),
    };
    let result = InspectionResult {
        ended_on: d("2025-09-01"),
        result: TaskResult::NoProblem,
        summary: "未发现问题".into(),
        record_id: None,
    };
    plan.results.insert(0, TaskRecord { result, corrected: vec![] });
    let w = plan_warnings(&plan, &p, &calendar(), d("2025-10-20"), |_| false).unwrap();
    assert_eq!(w[0].due.date(), crate::inspection::publish_due(d("2025-09-01"), &p, &calendar()).unwrap());
    assert_eq!(w[0].subject, Subject::Plan { id: plan.id, task: Some(0) });
    assert_eq!(w[0].state, State::Overdue);
    // Once its notice is prepared, the publication's own clock watches it.
    assert!(plan_warnings(&plan, &p, &calendar(), d("2025-10-20"), |_| true).unwrap().is_empty());
}

// rule: V-03
// rule: D-02
// rule: N-01
#[test]
fn a_working_day_clock_across_national_day_counts_the_make_up_days_and_skips_the_holiday() {
    use crate::disclosure::predisclosure::{Change, ChangeKind};
    let p = profile("baishan"); // 20 working days
    let mut agency = Agency { id: AGENCY, ..Default::default() };
    agency.predisclosure.changes.push(Change {
        id: Uuid::new_v4(),
        kind: ChangeKind::Duties,
        description: "职责调整".into(),
        changed_on: d("2025-09-24"),
        recorded_on: d("2025-09-24"),
    });
    // From Wednesday 24 September 2025: 25, 26, Sunday 28 (调休上班), 29, 30; 1–8 October
    // are the holiday; 9, 10, Saturday 11 (调休上班), 13–17, 20–24, 27, 28: the 20th is
    // 28 October — 34 calendar days, not 28.
    let w = agency_warnings(&agency, &p, &calendar(), d("2025-10-27")).into_iter().find(|w| w.rule == "D-02").unwrap();
    assert_eq!(w.due, t("2025-10-28 23:59:59"));
    assert_eq!(w.state, State::DueSoon);
    let on = |day: &str| {
        agency_warnings(&agency, &p, &calendar(), d(day)).into_iter().find(|w| w.rule == "D-02").unwrap().state
    };
    assert_eq!(on("2025-10-28"), State::DueSoon, "due at the end of its last day");
    assert_eq!(on("2025-10-29"), State::Overdue);
}
