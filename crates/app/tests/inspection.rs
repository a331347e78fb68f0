//! Random inspections through the services, on either backend (issue 6): the list and
//! pools, a plan committed, drawn, verified, its result published; the S-03 exclusions; a
//! plan the pools cannot satisfy; a bad import.

use std::collections::BTreeSet;

use chrono::Datelike;
use uuid::Uuid;
use zhifa_app::App;
use zhifa_app::demo_inspection::{DEMO_PUBLIC_INPUT, demo_uscc};
use zhifa_app::import_service::ImportFailure;
use zhifa_app::inspection::task_publication_id;
use zhifa_core::access::Principal;
use zhifa_core::disclosure::publication::NoticeKind;
use zhifa_core::events::stream;
use zhifa_core::inspection::{InspectionResult, PlanSpec, TaskResult};
use zhifa_store::testing::TestDb;

async fn login(app: &App, user: &str) -> Principal {
    app.db.account_for_login(user).await.unwrap().unwrap().0.principal()
}

struct World {
    _t: TestDb,
    app: App,
    agency: Uuid,
    items: Vec<Uuid>,
    zf: Principal,
    head: Principal,
}

async fn world() -> World {
    let t = TestDb::new().await;
    let app = App::new(t.db.clone());
    app.load_demo().await.unwrap();
    let (agency, items) = app.demo_random_list().await.unwrap();
    World { zf: login(&app, "scj-zf").await, head: login(&app, "scj-head").await, app, agency, items, _t: t }
}

fn spec(w: &World, name: &str, per_target: u32) -> PlanSpec {
    let today = zhifa_app::cases::beijing_now().date();
    PlanSpec {
        name: name.into(),
        lead_agency: w.agency,
        items: w.items.clone(),
        from: today,
        to: today + chrono::Days::new(30),
        ratio: None,
        inspectors_per_target: per_target,
        joining_agencies: vec![],
    }
}

fn refusal<T: std::fmt::Debug>(r: zhifa_app::AppResult<T>) -> String {
    r.unwrap_err().to_string()
}

// rule: S-01
// rule: P-01
#[tokio::test]
async fn the_pools_hold_certified_officers_only_and_a_bad_import_stores_nothing() {
    let w = world().await;
    let list = w.app.random_list(&w.zf, w.agency).await.unwrap();
    assert_eq!((list.items.len(), list.targets.len()), (2, 60));
    let today = zhifa_app::cases::beijing_now().date();
    assert!(list.inspectors.len() >= 2);
    for id in &list.inspectors {
        let (o, _) = w.app.db.load_officer(*id).await.unwrap().unwrap();
        assert!(o.assignable_on(today).is_ok(), "{} in the pool without a valid certificate", o.profile.name);
    }
    // The demo has staff who may not inspect — a certificate lapsed or revoked, an
    // auxiliary, a legal reviewer: each is refused with the reason.
    let mut refused = 0;
    for o in w.app.db.officers(w.agency).await.unwrap() {
        let (officer, _) = w.app.db.load_officer(o.id).await.unwrap().unwrap();
        if let Err(why) = officer.assignable_on(today) {
            let r = refusal(w.app.add_inspector(&w.zf, w.agency, o.id).await);
            assert!(r.contains(&why.to_string()), "{r}");
            refused += 1;
        }
    }
    assert!(refused >= 2, "the demo's uncertified staff");

    // A file with one good row, one with a wrong check character and one already in the
    // pool: nothing is stored, every bad row is named.
    let good = demo_uscc(1, 900);
    let mut bad = demo_uscc(1, 901);
    let last = bad.pop().unwrap();
    bad.push(if last == '0' { '1' } else { '0' });
    let csv = format!(
        "统一社会信用代码,名称,对象类型,地址,区域\n{good},安乡县新开商贸有限公司,企业,深柳镇1号,深柳镇\n\
         {bad},安乡县错码有限公司,企业,深柳镇2号,深柳镇\n{},安乡县重复有限公司,企业,深柳镇3号,深柳镇\n",
        demo_uscc(1, 1)
    );
    let err = w.app.import_targets(&w.zf, w.agency, "新增.csv", csv.as_bytes()).await.unwrap_err();
    let ImportFailure::Rows(rows) = err else { panic!("expected row errors") };
    let numbers: Vec<usize> = rows.iter().map(|r| r.row).collect();
    assert_eq!(numbers, vec![3, 4], "{rows:?}");
    assert_eq!(w.app.random_list(&w.zf, w.agency).await.unwrap().targets.len(), 60, "nothing stored");
    // Another agency's staff cannot touch the list.
    let other = login(&w.app, "ltj-zf").await;
    assert!(w.app.import_targets(&other, w.agency, "x.csv", csv.as_bytes()).await.is_err());
}

// rule: S-02
// rule: S-05
// rule: P-02
// rule: D-05
#[tokio::test]
async fn a_plan_is_committed_then_drawn_in_public_verified_and_its_result_published() {
    let w = world().await;
    let plan = w.app.create_plan(&w.zf, spec(&w, "第一批抽查", 2)).await.unwrap();
    // Only the head commits and draws.
    assert!(w.app.commit_plan(&w.zf, plan).await.is_err());
    w.app.commit_plan(&w.head, plan).await.unwrap();
    let view = w.app.public_plan(plan).await.unwrap();
    let commitment = view.plan.commitment.clone().unwrap();
    assert_eq!((commitment.sizes.targets, commitment.seed_commitment.len()), (60, 64));
    // The seed is kept out of the events until the draw.
    let seed = w.app.db.draw_seed(plan, &commitment.seed_commitment).await.unwrap().unwrap();
    let events = w.app.db.load_stream(&stream::inspection_plan(plan)).await.unwrap();
    assert!(events.iter().all(|e| !serde_json::to_string(&e.event).unwrap().contains(&seed)));
    assert!(refusal(w.app.edit_plan(&w.zf, plan, spec(&w, "改名", 2)).await).contains("不能再修改"));

    w.app.draw_plan(&w.head, plan, DEMO_PUBLIC_INPUT).await.unwrap();
    let view = w.app.public_plan(plan).await.unwrap();
    let drawn = view.plan.drawn.clone().unwrap();
    assert_eq!(drawn.seed, seed, "the seed revealed is the one committed");
    // 10% of 48 companies, 20% of 12 shops, rounded up.
    assert_eq!(drawn.outcome.tasks.len(), 5 + 3);
    for t in &drawn.outcome.tasks {
        let ids: BTreeSet<Uuid> = t.inspectors.iter().map(|a| a.officer_id).collect();
        assert!(ids.len() >= 2 && t.inspectors.iter().all(|a| !a.certificate.is_empty()), "{t:?}");
    }
    assert!(refusal(w.app.draw_plan(&w.head, plan, "再抽一次").await).contains("不能再次抽取"));
    assert_eq!(w.app.verify_plan(plan).await.unwrap().unwrap(), drawn.outcome);

    // The result of the first task goes to the portal, due in inspection_publish_wd.
    let today = zhifa_app::cases::beijing_now().date();
    let result = InspectionResult {
        ended_on: today,
        result: TaskResult::ProblemCorrected,
        summary: "营业执照未置于醒目位置，经营者张三（电话13907361234）当场改正".into(),
        record_id: None,
    };
    // The task's whole-process record: an inspection case against the target, handled by
    // the task's inspectors; asked again, the same case.
    let case_id = w.app.start_inspection_case(&w.head, plan, 0).await.unwrap();
    assert_eq!(w.app.start_inspection_case(&w.head, plan, 0).await.unwrap(), case_id);
    let (case, _, _) = w.app.db.load_case(case_id).await.unwrap().unwrap();
    let task = &drawn.outcome.tasks[0];
    assert_eq!(case.opening.act_kind, zhifa_core::registry::ActKind::Inspection);
    assert_eq!(case.opening.party.id_number, task.target_key);
    let officers: BTreeSet<Uuid> = case.opening.officers.iter().map(|o| o.officer_id).collect();
    assert_eq!(officers, task.inspectors.iter().map(|a| a.officer_id).collect());
    assert!(w.app.start_inspection_case(&login(&w.app, "ltj-zf").await, plan, 0).await.is_err());
    w.app.record_inspection_result(&w.head, plan, 0, result.clone()).await.unwrap();
    assert!(w.app.record_inspection_result(&w.head, plan, 0, result).await.is_err(), "recorded once");
    let rid = task_publication_id(plan, 0);
    let (publication, _) = w.app.db.load_publication(rid).await.unwrap().unwrap();
    assert_eq!(publication.notice.kind, NoticeKind::Inspection);
    assert!(!publication.notice.facts.contains("13907361234"), "{}", publication.notice.facts);
    assert_eq!(publication.notice.conclusion, "发现问题，已责令整改");
    assert!(publication.notice.party.contains(&drawn.outcome.tasks[0].target_key));
    let calendar = w.app.db.work_calendar().await.unwrap();
    let profile_id = w.app.db.agency(w.agency).await.unwrap().unwrap().profile_id;
    let profile = zhifa_core::profile::bundled_profiles().into_iter().find(|p| p.id == profile_id).unwrap();
    assert_eq!(publication.due, calendar.add_working_days(today, profile.params.inspection_publish_wd).unwrap());
    w.app.publish_inspection_result(&w.zf, plan, 0).await.unwrap();
    let row = w.app.portal_decision(rid).await.unwrap();
    assert_eq!((row.agency_id, row.notice.kind), (w.agency, NoticeKind::Inspection));
}

// rule: S-03
#[tokio::test]
async fn a_target_drawn_for_an_item_is_not_drawn_again_in_an_overlapping_period() {
    let w = world().await;
    let first = w.app.create_plan(&w.zf, spec(&w, "第一批", 2)).await.unwrap();
    w.app.commit_plan(&w.head, first).await.unwrap();
    w.app.draw_plan(&w.head, first, "第一批公开数").await.unwrap();
    let drawn: BTreeSet<String> = w
        .app
        .public_plan(first)
        .await
        .unwrap()
        .plan
        .drawn
        .unwrap()
        .outcome
        .tasks
        .iter()
        .map(|t| t.target_key.clone())
        .collect();
    let second = w.app.create_plan(&w.zf, spec(&w, "第二批", 2)).await.unwrap();
    w.app.commit_plan(&w.head, second).await.unwrap();
    let frozen = w.app.public_plan(second).await.unwrap().plan.commitment.unwrap().pools;
    let excluded: BTreeSet<String> = frozen.items.iter().flat_map(|i| i.excluded.iter().cloned()).collect();
    assert_eq!(excluded, drawn, "the first plan's targets are excluded");
    w.app.draw_plan(&w.head, second, "第二批公开数").await.unwrap();
    let again = w.app.public_plan(second).await.unwrap().plan.drawn.unwrap().outcome;
    assert!(again.tasks.iter().all(|t| !drawn.contains(&t.target_key)));
}

// rule: S-02
#[tokio::test]
async fn a_plan_the_pools_cannot_satisfy_is_refused_with_the_reason_and_nothing_stored() {
    let w = world().await;
    let plan = w.app.create_plan(&w.zf, spec(&w, "人手不足", 40)).await.unwrap();
    let why = refusal(w.app.commit_plan(&w.head, plan).await);
    assert!(why.contains("检查人员"), "{why}");
    let view = w.app.plan(&w.zf, plan).await.unwrap();
    assert!(view.plan.commitment.is_none());
    assert!(refusal(w.app.draw_plan(&w.head, plan, "x").await).contains("尚未公布抽取承诺"));
}

// rule: S-04
#[tokio::test]
async fn joint_plans_send_an_inspector_of_each_agency_and_count_towards_the_joint_share() {
    let w = world().await;
    // The transport bureau's inspector pool.
    let ltj = login(&w.app, "ltj-zf").await;
    let ltj_agency = ltj.agency_id.unwrap();
    for officer in w.app.officers_in_post("ltj-zf").await.unwrap() {
        let _ = w.app.add_inspector(&ltj, ltj_agency, officer).await;
    }
    let ltj_pool = w.app.random_list(&ltj, ltj_agency).await.unwrap().inspectors;
    assert!(!ltj_pool.is_empty());

    let solo = w.app.create_plan(&w.zf, spec(&w, "本部门抽查", 2)).await.unwrap();
    let mut joint_spec = spec(&w, "跨部门联合抽查", 2);
    joint_spec.joining_agencies = vec![ltj_agency];
    joint_spec.items = vec![w.items[1]];
    let joint = w.app.create_plan(&w.zf, joint_spec).await.unwrap();
    for (plan, input) in [(solo, "11"), (joint, "22")] {
        w.app.commit_plan(&w.head, plan).await.unwrap();
        w.app.draw_plan(&w.head, plan, input).await.unwrap();
    }
    let tasks = w.app.public_plan(joint).await.unwrap().plan.drawn.unwrap().outcome.tasks;
    for t in &tasks {
        assert!(t.inspectors.iter().any(|a| a.agency_id == ltj_agency), "{t:?}");
        assert!(t.inspectors.iter().any(|a| a.agency_id == w.agency), "{t:?}");
    }
    let year = zhifa_app::cases::beijing_now().date().year();
    let (share, min) = w.app.joint_inspection_share(&w.head, w.agency, year).await.unwrap();
    // The solo plan drew 8 tasks (48 companies at 10%, 12 shops at 20%); the joint one 2:
    // 20% of the 9 shops the solo plan left (S-03).
    assert_eq!((share.joint, share.total, min), (2, 10, 10));
    assert_eq!(share.percent, 20);
    // The joining agency counts the joint tasks too.
    let (theirs, _) = w.app.joint_inspection_share(&ltj, ltj_agency, year).await.unwrap();
    assert_eq!((theirs.joint, theirs.total), (2, 2));
}
