//! Tests of the pre-disclosure's approval (D-03) and update tracking (D-02).

use super::*;
use crate::calendar::bundled_years;
use crate::registry::{ActKind, AgencyEvent};

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn who(role: Role, agency: Uuid) -> Principal {
    Principal { account_id: Uuid::new_v4(), display_name: "法制审核员".into(), role, agency_id: Some(agency) }
}

fn agency() -> Agency {
    let id = Uuid::new_v4();
    let info = AgencyInfo { name: "安乡县市场监督管理局".into(), ..Default::default() };
    Agency::fold(&[AgencyEvent::AgencyRegistered { agency_id: id, info, profile_id: "anxiang".into() }])
}

fn item(code: &str) -> EnforcementItem {
    EnforcementItem {
        id: Uuid::new_v4(),
        code: code.into(),
        name: "对未亮照经营的处罚".into(),
        kind: ActKind::Penalty,
        basis: "《无证无照经营查处办法》第十三条".into(),
        competence: "安乡县市场监督管理局".into(),
        procedure: String::new(),
    }
}

fn pre(a: &mut Agency, event: PredisclosureEvent) {
    a.apply(&AgencyEvent::Predisclosure { event });
}

fn submit(a: &mut Agency, today: &str) {
    let e = a.predisclosure.decide_submit(&PublicContent::of(a), "更新事项清单", None, d(today)).unwrap();
    pre(a, e);
}

fn approve(a: &mut Agency, today: &str) {
    let reviewer = who(Role::LegalReviewer, a.id);
    let e = a.predisclosure.decide_approve(&reviewer, "同意公开", d(today)).unwrap();
    pre(a, e);
}

// rule: D-03
#[test]
fn nothing_is_published_before_the_legal_unit_approves_and_later_changes_wait_for_the_next_approval() {
    let mut a = agency();
    a.apply(&a.decide_list_item(item("AX-001")).unwrap());
    assert!(a.published().is_none(), "never approved: nothing on the portal");
    submit(&mut a, "2026-03-02");
    // Listed after the submission: not part of it.
    a.apply(&a.decide_list_item(item("AX-002")).unwrap());
    assert!(a.published().is_none(), "submitted is not approved");
    approve(&mut a, "2026-03-03");
    let p = a.published().unwrap();
    assert_eq!(p.items.iter().map(|i| i.code.as_str()).collect::<Vec<_>>(), ["AX-001"]);
    assert_eq!(a.predisclosure.approved_on(), Some(d("2026-03-03")));
    // The internal state keeps both; the portal shows the approved one until the next.
    assert_eq!(a.items.len(), 2);
    submit(&mut a, "2026-03-04");
    assert_eq!(a.published().unwrap().items.len(), 1);
    approve(&mut a, "2026-03-05");
    assert_eq!(a.published().unwrap().items.len(), 2);
}

// rule: D-03
#[test]
fn only_the_agencys_own_legal_reviewers_approve() {
    let a = agency();
    assert!(check_reviewer(&who(Role::LegalReviewer, a.id), a.id).is_ok());
    for role in [Role::Administrator, Role::Head, Role::Officer, Role::Supervisor, Role::Auxiliary] {
        assert_eq!(check_reviewer(&who(role, a.id), a.id), Err(AccessError::Role(role.label())), "{role:?}");
    }
    let other = who(Role::LegalReviewer, Uuid::new_v4());
    assert_eq!(check_reviewer(&other, a.id), Err(AccessError::OtherAgency));
}

// rule: D-03
#[test]
fn a_rejection_gives_reasons_and_one_submission_waits_at_a_time() {
    let mut a = agency();
    let reviewer = who(Role::LegalReviewer, a.id);
    let none = a.predisclosure.decide_approve(&reviewer, "", d("2026-03-02")).unwrap_err();
    assert_eq!(none.message_for("decision"), Some("没有待审核的事前公开内容"));
    submit(&mut a, "2026-03-02");
    let again = a.predisclosure.decide_submit(&PublicContent::of(&a), "再次提交", None, d("2026-03-02")).unwrap_err();
    assert!(again.message_for("summary").unwrap().contains("尚待法制机构审核"));
    let empty = a.predisclosure.decide_reject(&reviewer, " ", d("2026-03-03")).unwrap_err();
    assert_eq!(empty.message_for("reasons"), Some("请填写不予通过的理由"));
    let e = a.predisclosure.decide_reject(&reviewer, "职责表述与三定方案不符", d("2026-03-03")).unwrap();
    pre(&mut a, e);
    assert!(a.published().is_none() && a.predisclosure.pending.is_none());
    assert_eq!(a.predisclosure.rejected.as_ref().unwrap().reasons, "职责表述与三定方案不符");
    // Approved once, the same content again is nothing to approve.
    submit(&mut a, "2026-03-04");
    approve(&mut a, "2026-03-04");
    let same = a.predisclosure.decide_submit(&PublicContent::of(&a), "无变化", None, d("2026-03-05")).unwrap_err();
    assert!(same.message_for("summary").unwrap().contains("无需提交"));
}

// rule: D-11
// rule: D-03
#[test]
fn statistics_of_a_finished_year_are_published_with_an_approval_and_late_after_31_january() {
    let mut a = agency();
    let this_year = a.predisclosure.decide_submit(&PublicContent::of(&a), "发布统计", Some(2026), d("2026-03-02"));
    assert!(this_year.unwrap_err().message_for("statistics_year").unwrap().contains("2025年及以前"));
    let e = a.predisclosure.decide_submit(&PublicContent::of(&a), "发布统计", Some(2025), d("2026-02-02")).unwrap();
    pre(&mut a, e);
    assert!(a.predisclosure.statistics_late(2025, d("2026-02-02")), "not published by 31 January");
    approve(&mut a, "2026-02-03");
    assert_eq!(a.predisclosure.statistics_published_on(2025), Some(d("2026-02-03")));
    assert!(a.predisclosure.statistics_late(2025, d("2026-03-01")), "published, but late");
    assert!(!a.predisclosure.statistics_late(2026, d("2026-03-01")));
}

// rule: D-02
#[test]
fn a_change_of_law_is_due_within_the_profiles_working_days_and_late_after() {
    let cal = WorkCalendar::new(bundled_years());
    let mut a = agency();
    submit(&mut a, "2026-01-05");
    approve(&mut a, "2026-01-05");
    let future = a.predisclosure.decide_record_change(ChangeKind::Law, "条例修订", d("2026-03-10"), d("2026-03-02"));
    assert!(future.unwrap_err().message_for("changed_on").unwrap().contains("不能晚于今天"));
    let blank = a.predisclosure.decide_record_change(ChangeKind::Law, "", d("2026-03-02"), d("2026-03-02"));
    assert_eq!(blank.unwrap_err().message_for("description"), Some("请填写变化内容"));
    // 2026-03-02 is a Monday: 15 working days later is Monday 23 March.
    let e =
        a.predisclosure.decide_record_change(ChangeKind::Law, "《某某条例》修订施行", d("2026-03-02"), d("2026-03-02"));
    pre(&mut a, e.unwrap());
    let t = a.predisclosure.tracking(WorkingDays(15), &cal, d("2026-03-23"));
    assert_eq!(t[0].due, Some(d("2026-03-23")));
    assert!(!t[0].late && t[0].updated_on.is_none());
    let t = a.predisclosure.tracking(WorkingDays(15), &cal, d("2026-03-24"));
    assert!(t[0].late, "still open the day after the due day");
    // A change open is itself a reason to submit, even with the content unchanged; the
    // approval answers it, late.
    submit(&mut a, "2026-03-24");
    approve(&mut a, "2026-03-25");
    let t = a.predisclosure.tracking(WorkingDays(15), &cal, d("2026-04-30"));
    assert_eq!(t[0].updated_on, Some(d("2026-03-25")));
    assert!(t[0].late, "answered after its due day");
    // Answered in time: not late. The profile's 20 days.
    let e = a.predisclosure.decide_record_change(ChangeKind::Duties, "职责调整", d("2026-04-01"), d("2026-04-01"));
    pre(&mut a, e.unwrap());
    submit(&mut a, "2026-04-10");
    approve(&mut a, "2026-04-10");
    let t = a.predisclosure.tracking(WorkingDays(20), &cal, d("2026-06-30"));
    assert!(!t[1].late && t[1].updated_on == Some(d("2026-04-10")));
    assert!(is_late(d("2026-03-23"), None, d("2026-03-24")));
    assert!(!is_late(d("2026-03-23"), Some(d("2026-03-23")), d("2026-12-31")));
}

// rule: D-02
#[test]
fn a_rejected_submission_answers_no_change() {
    let cal = WorkCalendar::new(bundled_years());
    let mut a = agency();
    let e = a.predisclosure.decide_record_change(ChangeKind::Law, "条例废止", d("2026-03-02"), d("2026-03-02"));
    pre(&mut a, e.unwrap());
    submit(&mut a, "2026-03-03");
    let reviewer = who(Role::LegalReviewer, a.id);
    let e = a.predisclosure.decide_reject(&reviewer, "依据未更新", d("2026-03-04")).unwrap();
    pre(&mut a, e);
    assert_eq!(a.predisclosure.open_changes().count(), 1);
    let t = a.predisclosure.tracking(WorkingDays(15), &cal, d("2026-04-30"));
    assert!(t[0].late && t[0].updated_on.is_none());
}

#[test]
fn events_keep_their_shape_on_the_stream() {
    let e = AgencyEvent::Predisclosure {
        event: PredisclosureEvent::Submitted {
            submission_id: Uuid::nil(),
            summary: "更新".into(),
            statistics_year: Some(2025),
            submitted_on: d("2026-01-05"),
        },
    };
    let json = serde_json::to_string(&e).unwrap();
    assert!(json.contains(r#""type":"Predisclosure""#) && json.contains(r#""type":"Submitted""#), "{json}");
    assert_eq!(serde_json::from_str::<AgencyEvent>(&json).unwrap(), e);
}
