//! Rectification: the notice, the answer, acceptance and return, the tracking state as of
//! a day, and the batch's summary.

use super::super::*;
use super::{AGENCY_1, AGENCY_2, FULL, case_id, d, picked, scored, then, total};

fn notice(due: &str) -> RectificationNotice {
    RectificationNotice {
        number: " 安司评〔2025〕3号 ".into(),
        problems: vec!["未制作听证告知书".into()],
        issued_on: d("2025-06-15"),
        due: d(due),
    }
}

/// Case 1 scored 55 (不合格) with its notice due 2025-07-15.
fn noticed() -> Evaluation {
    let ev = scored(picked(), 1, total(55));
    let e = decide_issue(&ev, case_id(1), notice("2025-07-15")).unwrap();
    then(ev, &e)
}

fn state(ev: &Evaluation, today: &str) -> RectificationState {
    ev.case(case_id(1)).unwrap().rectification.as_ref().unwrap().state(d(today))
}

// rule: V-01
#[test]
fn a_notice_follows_a_score_with_findings_once() {
    let ev = picked();
    let r = decide_issue(&ev, case_id(1), notice("2025-07-15")).unwrap_err();
    assert!(r.to_string().contains("尚未评分，不能下发整改通知"));
    let full = scored(ev.clone(), 1, FULL);
    let r = decide_issue(&full, case_id(1), notice("2025-07-15")).unwrap_err();
    assert!(r.to_string().contains("未扣分、无否决项，无需整改"), "{r}");
    // A passing file with deductions may get one, at the bureau's choice.
    let pass = scored(ev.clone(), 1, total(80));
    assert!(decide_issue(&pass, case_id(1), notice("2025-07-15")).is_ok());
    let bad = RectificationNotice {
        number: " ".into(),
        problems: vec!["  ".into()],
        issued_on: d("2025-06-01"),
        due: d("2025-06-01"),
    };
    let r = decide_issue(&pass, case_id(1), bad).unwrap_err();
    for field in ["number", "problems", "issued_on", "due"] {
        assert!(r.message_for(field).is_some(), "{field}: {r}");
    }
    let ev = noticed();
    assert_eq!(ev.case(case_id(1)).unwrap().rectification.as_ref().unwrap().notice.number, "安司评〔2025〕3号");
    let twice = decide_issue(&ev, case_id(1), notice("2025-08-15")).unwrap_err();
    assert!(twice.to_string().contains("已下发整改通知"));
}

// rule: V-01
#[test]
fn the_agency_answers_only_a_notice_and_the_bureau_closes_it_once() {
    let ev = scored(picked(), 1, total(55));
    let r = decide_answer(&ev, case_id(1), "已整改", d("2025-07-01")).unwrap_err();
    assert_eq!(r.message_for("case_id"), Some("案件安市监罚〔2025〕1号尚未下发整改通知"));
    assert!(decide_accept(&ev, case_id(1), d("2025-07-01"), "").is_err());

    let ev = noticed();
    let r = decide_accept(&ev, case_id(1), d("2025-07-01"), "").unwrap_err();
    assert!(r.to_string().contains("尚未答复整改情况"), "{r}");
    assert!(decide_return(&ev, case_id(1), "不充分", d("2025-07-01"), d("2025-07-30")).is_err());
    let r = decide_answer(&ev, case_id(1), " ", d("2025-06-14")).unwrap_err();
    assert!(r.message_for("what_done").is_some() && r.message_for("on").is_some(), "{r}");

    let ev = then(ev.clone(), &decide_answer(&ev, case_id(1), "已补制听证告知书", d("2025-07-01")).unwrap());
    assert_eq!(state(&ev, "2025-08-01"), RectificationState::Answered, "answered is not overdue");
    let r = decide_answer(&ev, case_id(1), "再答复", d("2025-07-02")).unwrap_err();
    assert!(r.to_string().contains("已答复，正等待评查机关审查"));
    let ev = then(ev.clone(), &decide_accept(&ev, case_id(1), d("2025-07-05"), " 整改到位 ").unwrap());
    assert_eq!(
        ev.case(case_id(1)).unwrap().rectification.as_ref().unwrap().accepted,
        Some((d("2025-07-05"), "整改到位".into()))
    );
    let twice = decide_accept(&ev, case_id(1), d("2025-07-06"), "").unwrap_err();
    assert_eq!(twice.message_for("case_id"), Some("案件安市监罚〔2025〕1号的整改已于2025-07-05销号"));
    assert!(decide_answer(&ev, case_id(1), "补充", d("2025-07-06")).is_err());
    assert!(decide_return(&ev, case_id(1), "不充分", d("2025-07-06"), d("2025-07-30")).is_err());
}

// rule: V-01
#[test]
fn a_rectification_is_overdue_after_its_due_date_and_a_return_reopens_it() {
    let ev = noticed();
    assert_eq!(state(&ev, "2025-07-15"), RectificationState::Pending, "due the whole due day");
    assert_eq!(state(&ev, "2025-07-16"), RectificationState::Overdue);
    assert_eq!(RectificationState::Overdue.label(), "逾期");

    let ev = then(ev.clone(), &decide_answer(&ev, case_id(1), "已补制", d("2025-07-10")).unwrap());
    let r = decide_return(&ev, case_id(1), " ", d("2025-07-12"), d("2025-07-12")).unwrap_err();
    assert!(r.message_for("reasons").is_some() && r.message_for("due").is_some(), "{r}");
    let ev =
        then(ev.clone(), &decide_return(&ev, case_id(1), "未附送达回证", d("2025-07-12"), d("2025-07-31")).unwrap());
    assert_eq!(state(&ev, "2025-07-20"), RectificationState::Pending, "reopened with the new due date");
    assert_eq!(state(&ev, "2025-08-01"), RectificationState::Overdue);
    let r = decide_answer(&ev, case_id(1), "补充", d("2025-07-11")).unwrap_err();
    assert!(r.message_for("on").unwrap().contains("2025-07-12"), "not before the return");
    let ev = then(ev.clone(), &decide_answer(&ev, case_id(1), "已附送达回证", d("2025-08-03")).unwrap());
    assert_eq!(state(&ev, "2025-08-04"), RectificationState::Answered);
}

// rule: V-01
#[test]
fn the_summary_counts_grades_average_and_rectifications_per_agency() {
    let ev = scored(picked(), 1, total(55));
    let early = summary(&ev, d("2025-06-20"));
    assert_eq!((early.total.cases, early.total.scored, early.total.average_text()), (2, 1, Some("55.0".into())));
    assert_eq!(early.agencies[&AGENCY_2].average_tenths(), None, "nothing scored yet");

    let ev = scored(ev, 2, total(90));
    let ev = then(ev.clone(), &decide_issue(&ev, case_id(1), notice("2025-07-15")).unwrap());
    let mut second = notice("2025-07-30");
    second.number = "安司评〔2025〕4号".into();
    let ev = then(ev.clone(), &decide_issue(&ev, case_id(2), second).unwrap());
    let ev = then(ev.clone(), &decide_answer(&ev, case_id(2), "已补正", d("2025-07-01")).unwrap());
    let ev = then(ev.clone(), &decide_accept(&ev, case_id(2), d("2025-07-02"), "").unwrap());

    let s = summary(&ev, d("2025-07-20"));
    let t = &s.total;
    assert_eq!((t.cases, t.scored, t.excellent, t.pass, t.fail), (2, 2, 1, 0, 1));
    assert_eq!((t.points, t.average_tenths(), t.average_text()), (145, Some(725), Some("72.5".into())));
    assert_eq!((t.open, t.overdue, t.closed), (1, 1, 1));
    let a1 = &s.agencies[&AGENCY_1];
    assert_eq!((a1.count(Grade::Fail), a1.open, a1.overdue, a1.closed), (1, 1, 1, 0));
    let a2 = &s.agencies[&AGENCY_2];
    assert_eq!((a2.count(Grade::Excellent), a2.open, a2.closed, a2.average_text()), (1, 0, 1, Some("90.0".into())));
    // Before the due date the open one is not overdue.
    let before = summary(&ev, d("2025-07-15"));
    assert_eq!((before.total.open, before.total.overdue), (1, 0));
}

// rule: V-01
// rule: V-03
#[test]
fn an_unanswered_rectification_is_an_early_warning_clock() {
    use crate::supervision::Subject;
    use crate::supervision::warnings::{State, evaluation_warnings};
    let ev = noticed();
    let w = evaluation_warnings(&ev, d("2025-07-13"));
    assert_eq!(w.len(), 1);
    assert_eq!((w[0].rule, &w[0].state), ("V-01", &State::DueSoon));
    assert_eq!(w[0].agency_id, AGENCY_1);
    assert!(matches!(w[0].subject, Subject::Evaluation { case, .. } if case == case_id(1)));
    assert_eq!(evaluation_warnings(&ev, d("2025-07-16"))[0].state, State::Overdue);
    // Answered late, then returned with a new due day: the new round's answer is due.
    let answered = then(ev, &decide_answer(&noticed(), case_id(1), "已补正", d("2025-07-20")).unwrap());
    assert_eq!(evaluation_warnings(&answered, d("2025-07-21"))[0].state, State::MetLate);
    let returned = then(
        answered.clone(),
        &decide_return(&answered, case_id(1), "未附证明材料", d("2025-07-22"), d("2025-08-05")).unwrap(),
    );
    let w = evaluation_warnings(&returned, d("2025-08-06"));
    assert_eq!(w[0].state, State::Overdue, "the returned round waits for its own answer");
    assert_eq!(w[0].due.date(), d("2025-08-05"));
}
