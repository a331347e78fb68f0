//! Tasks and results: recording, the public notice and its deadline, S-03 exclusions
//! across plans, the S-04 joint share, and the events in the store's envelope.

use uuid::Uuid;

use super::super::*;
use super::{World, d, then, uscc};
use crate::calendar::{WorkCalendar, bundled_years};
use crate::events::{DomainEvent, stream};
use crate::profile::{PolicyProfile, bundled_profiles};

fn profile() -> PolicyProfile {
    bundled_profiles().into_iter().find(|p| p.id == "anxiang").unwrap()
}

fn drawn(w: &World, spec: PlanSpec) -> Plan {
    let plan = w.committed(spec, &[11; 32]);
    then(plan.clone(), &decide_draw(&plan, [11; 32], "", d("2025-03-02")).unwrap())
}

fn result(ended_on: &str, result: TaskResult) -> InspectionResult {
    InspectionResult {
        ended_on: d(ended_on),
        result,
        summary: "现场核查年报所载经营场所、从业人数，与实际一致".into(),
        record_id: None,
    }
}

// rule: S-03, S-05
#[test]
fn a_result_is_recorded_once_within_the_plan_and_corrected_with_a_reason() {
    let w = World::new(40, "10%", &[3]);
    let plan = drawn(&w, w.spec(2));
    let outside = decide_record_result(&plan, 0, result("2025-12-01", TaskResult::NoProblem), d("2025-12-02"));
    assert!(outside.unwrap_err().to_string().contains("不在计划期间"));
    let future = decide_record_result(&plan, 0, result("2025-04-10", TaskResult::NoProblem), d("2025-04-09"));
    assert!(future.unwrap_err().message_for("ended_on").is_some());
    assert!(decide_record_result(&plan, 99, result("2025-04-10", TaskResult::NoProblem), d("2025-04-10")).is_err());
    let e = decide_record_result(&plan, 0, result("2025-04-10", TaskResult::NoProblem), d("2025-04-11")).unwrap();
    let plan = then(plan, &e);
    let twice = decide_record_result(&plan, 0, result("2025-04-10", TaskResult::NoProblem), d("2025-04-11"));
    assert!(twice.unwrap_err().to_string().contains("已登记"));
    let case = TaskResult::CaseOpened { case_id: Uuid::from_u128(5) };
    assert!(decide_correct_result(&plan, 0, result("2025-04-10", case.clone()), " ", d("2025-04-12")).is_err());
    let e = decide_correct_result(&plan, 0, result("2025-04-10", case.clone()), "误录", d("2025-04-12")).unwrap();
    let plan = then(plan, &e);
    let rec = &plan.results[&0];
    assert_eq!(rec.result.result, case);
    assert_eq!(rec.corrected.len(), 1, "the first result stays on record");
}

// rule: S-05
#[test]
fn the_notice_carries_the_d06_fields_and_is_due_in_working_days() {
    let w = World::new(40, "10%", &[3, 2]);
    let plan = drawn(&w, w.spec(2));
    assert!(inspection_notice(&plan, 0, &w.names).is_err(), "no result yet");
    let e = decide_record_result(&plan, 0, result("2025-09-30", TaskResult::ProblemCorrected), d("2025-09-30"));
    let plan = then(plan, &e.unwrap());
    let n = inspection_notice(&plan, 0, &w.names).unwrap();
    let task = &plan.tasks()[0];
    assert_eq!(n.inspecting_body, "机关1、机关2");
    assert!(n.joint);
    assert_eq!((n.target_name.as_str(), n.uscc.as_str()), (task.target_name.as_str(), task.target_key.as_str()));
    assert_eq!(n.items, ["抽查事项1"]);
    assert!(n.basis.contains("企业信息公示暂行条例"));
    assert_eq!(n.conclusion, "发现问题，已责令整改");
    assert_eq!(n.date, d("2025-09-30"));
    assert!(n.summary.starts_with("现场核查"));
    // 20 working days after 30 September 2025, across the National Day holiday (1–8 Oct,
    // with 11 October a make-up working day).
    let cal = WorkCalendar::new(bundled_years());
    let due = publish_due(d("2025-09-30"), &profile(), &cal).unwrap();
    assert_eq!(due, cal.add_working_days(d("2025-09-30"), profile().params.inspection_publish_wd).unwrap());
    assert!(due > d("2025-10-28"), "{due}: the holiday is not counted");
}

// rule: S-03
#[test]
fn targets_drawn_for_an_item_are_excluded_from_overlapping_plans() {
    let w = World::new(20, "50%", &[4]);
    let first = drawn(&w, w.spec(2));
    let item = w.lists[0].items[0].id;
    let taken = inspected_keys(std::slice::from_ref(&first), item, d("2025-06-01"), d("2025-12-31"));
    assert_eq!(taken.len(), 10);
    assert!(inspected_keys(std::slice::from_ref(&first), item, d("2026-01-01"), d("2026-12-31")).is_empty());
    assert!(
        inspected_keys(std::slice::from_ref(&first), Uuid::from_u128(1), d("2025-06-01"), d("2025-12-31")).is_empty()
    );
    // A second plan in the same period draws only from the other ten.
    let mut spec = w.spec(2);
    spec.name = "第二批".into();
    let excl = exclusions(std::slice::from_ref(&first), &spec);
    let created = decide_create(&w.lists[0], Uuid::from_u128(78), spec).unwrap();
    let second = Plan::fold([&created]).unwrap();
    let frozen = w.freeze(&second.spec, &excl);
    assert_eq!(frozen.sizes().excluded, 10);
    let c = decide_commit(&second, frozen, &seed_commitment(&[2; 32]), d("2025-06-01")).unwrap();
    let second = then(second, &c);
    let second = then(second.clone(), &decide_draw(&second, [2; 32], "", d("2025-06-01")).unwrap());
    assert_eq!(second.tasks().len(), 5, "half of the ten left");
    assert!(second.tasks().iter().all(|t| !taken.contains(&t.target_key)));
}

// rule: S-04
#[test]
fn the_joint_share_of_an_agency_is_compared_with_the_profile_minimum() {
    let alone = World::new(100, "18%", &[4]);
    let joint = World::new(100, "2%", &[4, 2]);
    let plans = [drawn(&alone, alone.spec(2)), drawn(&joint, joint.spec(2))];
    let lead = agency_of(&alone);
    let share = joint_share(&plans, lead, 2025);
    assert_eq!(share, JointShare { joint: 2, total: 20, percent: 10 });
    assert!(share.meets(&profile()), "10% reaches joint_inspection_min_pct");
    let fewer = joint_share(&plans[..1], lead, 2025);
    assert_eq!((fewer.joint, fewer.percent), (0, 0));
    assert!(!fewer.meets(&profile()));
    assert_eq!(joint_share(&plans, Uuid::from_u128(2), 2025).total, 2, "the joining agency counts its joint tasks");
    assert_eq!(joint_share(&plans, lead, 2024).total, 0);
    let officer = plans[1].tasks()[0].inspectors[0].officer_id;
    assert!(!tasks_of(&plans[1], officer).is_empty());
}

fn agency_of(w: &World) -> Uuid {
    w.lists[0].agency_id
}

#[test]
fn list_and_plan_events_round_trip_through_the_store_envelope() {
    let w = World::new(10, "50%", &[2]);
    let plan = drawn(&w, w.spec(2));
    assert_eq!(stream::random_list(agency_of(&w)), format!("randomlist:{}", agency_of(&w)));
    assert_eq!(stream::kind(&stream::inspection_plan(plan.id)), "plan");
    let list_event = ListEvent::TargetRemoved { key: uscc(1), reason: "注销".into() };
    let plan_event = PlanEvent::Drawn { drawn: Box::new(plan.drawn.clone().unwrap()) };
    for (kind, e) in [("randomlist", DomainEvent::from(list_event)), ("plan", DomainEvent::from(plan_event))] {
        assert_eq!(e.stream_kind(), kind);
        let json = serde_json::to_string(&e).unwrap();
        assert_eq!(DomainEvent::decode(kind, &json).unwrap(), e);
        assert_eq!(serde_json::from_str::<DomainEvent>(&json).unwrap(), e, "untagged decoding finds it too");
    }
    let committed = DomainEvent::from(PlanEvent::Committed { commitment: Box::new(plan.commitment.unwrap()) });
    assert_eq!(committed.type_name(), "Committed");
    let json = serde_json::to_string(&committed).unwrap();
    assert_eq!(DomainEvent::decode("plan", &json).unwrap(), committed);
}
