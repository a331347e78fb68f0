//! 双随机、一公开 over HTTP, in-process through the real router (S-01…S-05): the list and
//! its pools kept by an officer, a plan committed and drawn by the head, its tasks, a result
//! recorded and published, the public record of the draw verified live and from its
//! `draw.json`, other agencies refused, and no malformed input ever answered with a 500.

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use support::*;
use uuid::Uuid;
use zhifa_app::cases::beijing_now;
use zhifa_app::demo_inspection::{DEMO_PLAN, DEMO_PUBLIC_INPUT, demo_uscc};
use zhifa_core::inspection::{Plan, PlanEvent, verify_draw};

const AGENCY: &str = "安乡县市场监督管理局";

/// The demo with the market regulator's list, pools and drawn demo plan.
async fn with_inspection() -> TestApp {
    let t = TestApp::with_demo().await;
    t.app.load_demo_inspection().await.unwrap();
    t
}

async fn demo_plan(t: &TestApp) -> Uuid {
    t.app.db.public_plans(10).await.unwrap().into_iter().find(|p| p.name == DEMO_PLAN).unwrap().id
}

/// A multipart upload of `file` to the target import, as its form sends it.
async fn import(t: &TestApp, b: &Browser, name: &str, file: &str) -> Resp {
    let boundary = "----zhifa-test-boundary";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: text/csv\r\n\r\n{file}\r\n\
         --{boundary}--\r\n"
    );
    let req = Request::post(format!("/inspection/targets/import?_csrf={}", b.csrf))
        .header(header::COOKIE, &b.cookie)
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
        .body(Body::from(body))
        .unwrap();
    t.send(req).await
}

fn location(r: &Resp) -> String {
    r.headers.get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or("").to_string()
}

// rule: S-01
#[tokio::test]
async fn an_officer_adds_an_item_a_bad_ratio_comes_back_with_its_error_and_nothing_is_stored() {
    let t = with_inspection().await;
    let agency = t.agency_id(AGENCY).await;
    let zf = t.login("scj-zf").await;
    let home = t.get(Some(&zf), "/").await;
    assert!(home.body.contains("href=\"/inspection\""), "the nav links 双随机抽查");
    let form = t.get(Some(&zf), "/inspection/items/new").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("抽查比例") && form.body.contains("个体工商户") && form.body.contains(AGENCY));
    let before = t.app.db.load_random_list(agency).await.unwrap().0.items.len();
    let mut fields = vec![
        ("item.subject", AGENCY),
        ("item.name", "食品经营许可事项检查"),
        ("item.target_type", "enterprise"),
        ("item.basis", "《中华人民共和国食品安全法》第一百一十条"),
        ("item.content", "许可证是否在有效期内"),
        ("item.method", "现场检查"),
        ("item.ratio", "五成"),
        ("item.frequency", "每年1次"),
    ];
    let bad = t.post_form(&zf, "/inspection/items", &fields, true).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(bad.body.contains("抽查比例“五成”无法识别"), "{}", bad.body);
    assert!(bad.body.contains("食品经营许可事项检查"), "what was typed is kept");
    assert_eq!(t.app.db.load_random_list(agency).await.unwrap().0.items.len(), before, "nothing stored");

    fields[6] = ("item.ratio", "5%");
    let good = t.post_form(&zf, "/inspection/items", &fields, true).await;
    assert_eq!(good.status, StatusCode::SEE_OTHER, "{}", good.body);
    assert_eq!(location(&good), "/inspection");
    let list = t.app.db.load_random_list(agency).await.unwrap().0;
    assert_eq!(list.items.len(), before + 1);
    let page = t.get(Some(&zf), "/inspection").await;
    assert!(page.body.contains("食品经营许可事项检查") && page.body.contains("5%"), "{}", page.body);
    // S-04: the year's joint share against the profile's minimum; no drawn task yet.
    assert!(page.body.contains("跨部门联合抽查占比（S-04）") && page.body.contains("不低于10%"), "{}", page.body);
    // The item changed: the form shows it as it stands, a bad ratio is refused, a good
    // one stored as a change (S-01: every change an event).
    let item = list.items.iter().find(|i| i.name == "食品经营许可事项检查").unwrap().clone();
    let edit = format!("/inspection/items/{}/edit", item.id);
    assert!(page.body.contains(&edit), "the list links the change form");
    let form = t.get(Some(&zf), &edit).await;
    assert!(form.body.contains("修改抽查事项") && form.body.contains("许可证是否在有效期内"), "{}", form.body);
    let mut changed = fields.clone();
    changed[6] = ("item.ratio", "一成");
    let refused = t.post_form(&zf, &edit, &changed, true).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    changed[6] = ("item.ratio", "8%");
    let ok = t.post_form(&zf, &edit, &changed, true).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let now = t.app.db.load_random_list(agency).await.unwrap().0;
    assert_eq!(now.item(item.id).unwrap().ratio.basis_points(), 800);
    assert_eq!(now.items.len(), list.items.len(), "changed, not added");
    let other = t.login("ltj-zf").await;
    // Another agency's officer edits only its own list: this item is not found there.
    let theirs = t.get(Some(&other), &edit).await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND);
    assert!(!theirs.body.contains("许可证是否在有效期内"));

    // A target leaves the pool with its reason; without one it stays.
    let key = list.targets.keys().next().unwrap().clone();
    let remove = format!("/inspection/targets/{key}/remove");
    assert!(t.get(Some(&zf), "/inspection/targets").await.body.contains(&remove));
    let no_reason = t.post_form(&zf, &remove, &[("reason", " ")], true).await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", no_reason.body);
    assert!(t.app.db.load_random_list(agency).await.unwrap().0.targets.contains_key(&key));
    let gone = t.post_form(&zf, &remove, &[("reason", "已注销")], true).await;
    assert_eq!(gone.status, StatusCode::SEE_OTHER, "{}", gone.body);
    assert!(!t.app.db.load_random_list(agency).await.unwrap().0.targets.contains_key(&key));
    assert_eq!(t.get(Some(&zf), &remove).await.status, StatusCode::NOT_FOUND);

    // The same item twice is the service's refusal, next to the name.
    let twice = t.post_form(&zf, "/inspection/items", &fields, true).await;
    assert_eq!(twice.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(twice.body.contains("清单中已有针对企业的抽查事项"), "{}", twice.body);

    // An item leaves the list with its reason.
    let remove_item = format!("/inspection/items/{}/remove", item.id);
    assert!(t.get(Some(&zf), "/inspection").await.body.contains(&remove_item));
    let kept = t.post_form(&zf, &remove_item, &[("reason", "")], true).await;
    assert_eq!(kept.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", kept.body);
    let removed = t.post_form(&zf, &remove_item, &[("reason", "法律修改，不再列入随机抽查")], true).await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER, "{}", removed.body);
    assert!(t.app.db.load_random_list(agency).await.unwrap().0.item(item.id).is_none());
}

// rule: S-01
#[tokio::test]
async fn an_import_with_a_bad_row_lists_every_bad_row_and_stores_nothing() {
    let t = with_inspection().await;
    let agency = t.agency_id(AGENCY).await;
    let zf = t.login("scj-zf").await;
    let before = t.app.db.load_random_list(agency).await.unwrap().0.targets.len();
    let good = demo_uscc(1, 901);
    let csv = format!(
        "统一社会信用代码,名称,对象类型,地址,区域\n{good},安乡县新河商贸有限公司,企业,安乡县深柳镇新河路1号,深柳镇\n\
         91430721MA4L0000XX,安乡县错码有限公司,企业,安乡县深柳镇,深柳镇\n"
    );
    let r = import(&t, &zf, "名录.csv", &csv).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("未导入任何检查对象") && r.body.contains("第3行"), "{}", r.body);
    assert_eq!(t.app.db.load_random_list(agency).await.unwrap().0.targets.len(), before, "nothing stored");
    let no_file = import(&t, &zf, "", "").await;
    assert_eq!(no_file.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_file.body.contains("请选择要导入的文件"));

    let csv = format!(
        "统一社会信用代码,名称,对象类型,地址,区域\n{good},安乡县新河商贸有限公司,企业,安乡县深柳镇新河路1号,深柳镇\n"
    );
    let r = import(&t, &zf, "名录.csv", &csv).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("已导入检查对象1个"));
    let list = t.get(Some(&zf), "/inspection/targets").await;
    assert!(list.body.contains(&format!("名录库共有检查对象{}个", before + 1)), "{}", list.body);
    let found = t.get(Some(&zf), &format!("/inspection/targets?q={}", enc("新河"))).await;
    assert!(found.body.contains("安乡县新河商贸有限公司") && found.body.contains("含“新河”的1个"), "{}", found.body);
    assert!(!found.body.contains("安乡县鑫源商贸有限公司"));
}

// rule: S-01
#[tokio::test]
async fn the_inspector_pool_adds_certified_officers_and_removes_them_with_a_reason() {
    let t = with_inspection().await;
    let zf = t.login("scj-zf").await;
    let page = t.get(Some(&zf), "/inspection/inspectors").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("移出名录库"), "{}", page.body);
    let agency = t.agency_id(AGENCY).await;
    let officer = *t.app.db.load_random_list(agency).await.unwrap().0.inspectors.iter().next().unwrap();
    let path = format!("/inspection/inspectors/{officer}/remove");
    let no_reason = t.post_form(&zf, &path, &[("reason", " ")], true).await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_reason.body.contains("请填写移出理由"));
    let r = t.post_form(&zf, &path, &[("reason", "调离执法岗位")], true).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(!t.app.db.load_random_list(agency).await.unwrap().0.inspectors.contains(&officer));
    let form = t.get(Some(&zf), "/inspection/inspectors/new").await;
    assert!(form.body.contains(&officer.to_string()), "offered again");
    let r = t.post_form(&zf, "/inspection/inspectors", &[("officer_id", &officer.to_string())], true).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let again = t.post_form(&zf, "/inspection/inspectors", &[("officer_id", &officer.to_string())], true).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.body.contains("已在执法检查人员名录库中"), "{}", again.body);
}

/// Creates a plan over the demo list through the form; returns its id.
async fn create_plan(t: &TestApp, b: &Browser, per_target: &str) -> Uuid {
    let agency = t.agency_id(AGENCY).await;
    let list = t.app.db.load_random_list(agency).await.unwrap().0;
    let today = beijing_now().date();
    let (from, to) = (today.to_string(), (today + chrono::Days::new(30)).to_string());
    let mut fields: Vec<(&str, String)> = vec![
        ("name", "2026年第二批双随机抽查".into()),
        ("from", from),
        ("to", to),
        ("ratio", "".into()),
        ("inspectors_per_target", per_target.into()),
    ];
    fields.extend(list.items.iter().map(|i| ("items", i.id.to_string())));
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = t.post_form(b, "/inspection/plans", &fields, true).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    location(&r).trim_start_matches("/inspection/plans/").parse().unwrap()
}

// rule: S-02
// rule: S-05
#[tokio::test]
async fn the_head_commits_and_draws_a_plan_then_a_result_is_recorded_and_published() {
    let t = with_inspection().await;
    let zf = t.login("scj-zf").await;
    let head = t.login("scj-head").await;
    // A bad period comes back with its error; nothing is created.
    let bad = t.post_form(&zf, "/inspection/plans", &[("name", "x"), ("from", "2026-13-01")], true).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("不是有效日期") && bad.body.contains("请填写计划结束日期"), "{}", bad.body);

    // A plan the pools cannot satisfy is refused with the reasons, and stays a draft.
    let big = create_plan(&t, &zf, "40").await;
    let r = t.post_form(&head, &format!("/inspection/plans/{big}/commit"), &[], true).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("检查人员"), "{}", r.body);
    assert!(t.app.db.load_plan(big).await.unwrap().unwrap().0.commitment.is_none());

    let id = create_plan(&t, &zf, "2").await;
    let page = t.get(Some(&zf), &format!("/inspection/plans/{id}")).await;
    assert!(page.body.contains("草拟") && page.body.contains("修改计划"), "{}", page.body);
    assert!(!page.body.contains("公布抽取承诺"), "only the head commits");
    let edit = t.get(Some(&zf), &format!("/inspection/plans/{id}/edit")).await;
    assert!(edit.body.contains("2026年第二批双随机抽查"), "the edit form is filled");
    assert_eq!(t.get(Some(&zf), &format!("/inspection/plans/{id}/commit")).await.status, StatusCode::FORBIDDEN);

    let r = t.post_form(&head, &format!("/inspection/plans/{id}/commit"), &[], true).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = t.get(Some(&head), &format!("/inspection/plans/{id}")).await;
    let plan = t.app.db.load_plan(id).await.unwrap().unwrap().0;
    let c = plan.commitment.clone().unwrap();
    assert!(page.body.contains("已公布承诺") && page.body.contains(&c.seed_commitment), "{}", page.body);
    assert!(page.body.contains(&c.pools_hash) && page.body.contains("现场抽取"));
    assert_eq!(
        t.get(Some(&zf), &format!("/inspection/plans/{id}/edit")).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );

    let draw = format!("/inspection/plans/{id}/draw");
    let empty = t.post_form(&head, &draw, &[("public_input", "  ")], true).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.body.contains("请填写监督人员现场报出的数字"));
    let r = t.post_form(&head, &draw, &[("public_input", "308152、774019")], true).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let again = t.post_form(&head, &draw, &[("public_input", "1")], true).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY, "drawn once");

    let plan = t.app.db.load_plan(id).await.unwrap().unwrap().0;
    let first = plan.tasks()[0].clone();
    let page = t.get(Some(&zf), &format!("/inspection/plans/{id}")).await;
    assert!(page.body.contains("已抽取") && page.body.contains("验证结果：一致"), "{}", page.body);
    assert!(page.body.contains(&plan.drawn.as_ref().unwrap().seed));
    for task in plan.tasks() {
        assert!(page.body.contains(&task.target_name) && page.body.contains(&task.target_key));
        for a in &task.inspectors {
            assert!(page.body.contains(&format!("{}（{}）", a.name, a.certificate)), "P-02: names and numbers");
        }
    }
    assert!(page.body.contains(&format!("/inspection/plans/{id}/tasks/1/result")));

    // Task 1's whole-process record: the task page offers it, the head opens the
    // inspection case and lands on it; asked again, the same case.
    let before = t.get(Some(&head), &format!("/inspection/plans/{id}/tasks/1")).await;
    assert!(before.body.contains(&format!("/inspection/plans/{id}/tasks/1/case")), "{}", before.body);
    let opened = t.post_form(&head, &format!("/inspection/plans/{id}/tasks/1/case"), &[], true).await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER, "{}", opened.body);
    assert!(location(&opened).starts_with("/cases/"));
    let again = t.post_form(&head, &format!("/inspection/plans/{id}/tasks/1/case"), &[], true).await;
    assert_eq!(location(&again), location(&opened));
    let case_page = t.get(Some(&head), &location(&opened)).await;
    assert!(case_page.body.contains(&plan.tasks()[0].target_name), "{}", case_page.body);

    // The result of task 1: a bad form first, then recorded, previewed, published.
    let result = format!("/inspection/plans/{id}/tasks/1/result");
    let today = beijing_now().date().to_string();
    let bad =
        t.post_form(&head, &result, &[("ended_on", &today), ("result", "case_opened"), ("summary", "")], true).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("请填写立案案件的编号") && bad.body.contains("请填写检查情况"), "{}", bad.body);
    let fields =
        [("ended_on", today.as_str()), ("result", "problem_corrected"), ("summary", "营业执照未悬挂，已责令当场整改")];
    let r = t.post_form(&head, &result, &fields, true).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let task_page = t.get(Some(&zf), &format!("/inspection/plans/{id}/tasks/1")).await;
    assert!(task_page.body.contains("公示内容预览") && task_page.body.contains("已责令当场整改"), "{}", task_page.body);
    assert!(task_page.body.contains("待公示") && task_page.body.contains("发布公示"));
    // Recorded once; a correction needs its reason.
    let form = t.get(Some(&head), &result).await;
    assert!(form.body.contains("更正理由") && form.body.contains("已责令当场整改"), "{}", form.body);
    let no_reason = t.post_form(&head, &result, &fields, true).await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_reason.body.contains("请填写更正理由"));

    let publish = format!("/inspection/plans/{id}/tasks/1/publish");
    assert_eq!(t.get(Some(&zf), &publish).await.status, StatusCode::OK);
    let r = t.post_form(&zf, &publish, &[], true).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let pid = zhifa_app::inspection::task_publication_id(id, 0);
    let public = t.get(None, &format!("/gs/decisions/{pid}")).await;
    assert_eq!(public.status, StatusCode::OK);
    assert!(public.body.contains(&first.target_name) && public.body.contains("已责令当场整改"), "{}", public.body);
    let portal = t.get(None, &format!("/gs/inspections/{id}")).await;
    assert!(portal.body.contains(&format!("/gs/decisions/{pid}")), "the portal links the result");
}

// rule: S-02
#[tokio::test]
async fn the_public_record_of_the_draw_shows_seed_and_outcome_and_verifies_from_draw_json() {
    let t = with_inspection().await;
    let id = demo_plan(&t).await;
    let plan = t.app.db.load_plan(id).await.unwrap().unwrap().0;
    let drawn = plan.drawn.clone().unwrap();
    let c = plan.commitment.clone().unwrap();

    let list = t.get(None, "/gs/inspections").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains(DEMO_PLAN) && list.body.contains(&format!("/gs/inspections/{id}")), "{}", list.body);
    assert!(t.get(None, "/gs").await.body.contains("href=\"/gs/inspections\""), "the portal's nav links it");

    let page = t.get(None, &format!("/gs/inspections/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    for text in [
        &drawn.seed,
        DEMO_PUBLIC_INPUT,
        &drawn.outcome.draw_seed,
        &c.seed_commitment,
        &c.pools_hash,
        &c.on.to_string(),
        "验证结果：一致",
        "zhifa draw verify --file draw.json",
        "经营主体登记事项检查",
    ] {
        assert!(page.body.contains(text), "{text}: {}", page.body);
    }
    for task in plan.tasks() {
        assert!(page.body.contains(&task.target_name));
        for a in &task.inspectors {
            assert!(page.body.contains(&a.name) && page.body.contains(&a.certificate), "P-06: names are public");
        }
    }
    let pid = zhifa_app::inspection::task_publication_id(id, 0);
    assert!(page.body.contains(&format!("/gs/decisions/{pid}")), "the demo's published result is linked");
    assert_eq!(t.get(None, &format!("/gs/decisions/{pid}")).await.status, StatusCode::OK);

    let json = t.get(None, &format!("/gs/inspections/{id}/draw.json")).await;
    assert_eq!(json.status, StatusCode::OK);
    assert!(json.headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("application/json"));
    let events: Vec<PlanEvent> = serde_json::from_str(&json.body).unwrap();
    assert!(matches!(events.first(), Some(PlanEvent::PlanCreated { .. })));
    assert!(
        !events.iter().any(|e| matches!(e, PlanEvent::ResultRecorded { .. } | PlanEvent::ResultCorrected { .. })),
        "results are published through their redacted notices only"
    );
    let folded = Plan::fold(&events).unwrap();
    assert_eq!(verify_draw(&folded).unwrap(), drawn.outcome, "the download verifies by itself");

    // A draft is not public.
    let zf = t.login("scj-zf").await;
    let draft = create_plan(&t, &zf, "2").await;
    assert_eq!(t.get(None, &format!("/gs/inspections/{draft}")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(t.get(None, &format!("/gs/inspections/{draft}/draw.json")).await.status, StatusCode::NOT_FOUND);
    assert!(!t.get(None, "/gs/inspections").await.body.contains(&draft.to_string()));
}

// rule: S-02
#[tokio::test]
async fn another_agencys_officer_is_refused_and_the_judicial_bureau_sees_every_plan() {
    let t = with_inspection().await;
    let id = demo_plan(&t).await;
    let other = t.login("ltj-zf").await;
    for path in [
        format!("/inspection/plans/{id}"),
        format!("/inspection/plans/{id}/edit"),
        format!("/inspection/plans/{id}/commit"),
        format!("/inspection/plans/{id}/draw"),
        format!("/inspection/plans/{id}/tasks/1"),
        format!("/inspection/plans/{id}/tasks/1/result"),
        format!("/inspection/plans/{id}/tasks/1/publish"),
    ] {
        let r = t.get(Some(&other), &path).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}");
        assert!(r.body.contains("无权"), "{path}: {}", r.body);
        let plan = t.app.db.load_plan(id).await.unwrap().unwrap().0;
        assert!(!r.body.contains(&plan.tasks()[0].target_name));
    }
    for path in [
        format!("/inspection/plans/{id}/commit"),
        format!("/inspection/plans/{id}/draw"),
        format!("/inspection/plans/{id}/tasks/2/result"),
        format!("/inspection/plans/{id}/tasks/2/publish"),
    ] {
        let r = t.post_form(&other, &path, &[("public_input", "1"), ("ended_on", "2026-01-01")], true).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}: {}", r.body);
    }
    let own = t.get(Some(&other), "/inspection").await;
    assert_eq!(own.status, StatusCode::OK);
    assert!(!own.body.contains(DEMO_PLAN), "another agency's plans are not listed");
    let events = t.app.db.load_stream(&zhifa_core::events::stream::inspection_plan(id)).await.unwrap();
    assert_eq!(events.len(), 4, "created, committed, drawn, one result: nothing appended");

    let sfj = t.login("sfj-jd").await;
    let all = t.get(Some(&sfj), "/inspection").await;
    assert_eq!(all.status, StatusCode::OK);
    assert!(all.body.contains(DEMO_PLAN) && all.body.contains(AGENCY), "{}", all.body);
    assert_eq!(t.get(Some(&sfj), &format!("/inspection/plans/{id}")).await.status, StatusCode::OK);
}

#[tokio::test]
async fn malformed_ids_queries_and_fields_never_give_a_500() {
    let t = with_inspection().await;
    let id = demo_plan(&t).await;
    let head = t.login("scj-head").await;
    let zf = t.login("scj-zf").await;
    let ids = [
        "x".to_string(),
        "0".into(),
        "-1".into(),
        "%ZZ".into(),
        "%E4%B8%AD".into(),
        "9".repeat(400),
        Uuid::new_v4().to_string(),
        id.to_string(),
    ];
    let tails =
        ["", "/edit", "/commit", "/draw", "/tasks/0", "/tasks/x/result", "/tasks/99999999999/publish", "/tasks/1"];
    let garbage: &[(&str, &str)] = &[
        ("name", "<script>alert(1)</script>"),
        ("items", "not-a-uuid"),
        ("from", "2026-02-30"),
        ("to", "0000-00-00"),
        ("ratio", "1e9%"),
        ("inspectors_per_target", "-3"),
        ("joining_agencies", "%"),
        ("public_input", &"数".repeat(500)),
        ("ended_on", "tomorrow"),
        ("result", "case_opened"),
        ("case_id", "../../etc"),
        ("record_id", "'; DROP TABLE events; --"),
        ("summary", "\u{0}"),
        ("reason", ""),
        ("officer_id", "0"),
        ("item.ratio", "100.001%"),
        ("item.target_type", "robot"),
    ];
    let mut paths = vec![
        "/inspection".to_string(),
        "/inspection/items/new".into(),
        "/inspection/targets?q=%FF%FE".into(),
        "/inspection/targets?q=&q=1&x=%".into(),
        "/inspection/inspectors".into(),
        "/inspection/inspectors/new".into(),
        "/inspection/plans/new".into(),
        "/gs/inspections?page=-1".into(),
    ];
    for i in &ids {
        paths.push(format!("/gs/inspections/{i}"));
        paths.push(format!("/gs/inspections/{i}/draw.json"));
        paths.push(format!("/inspection/inspectors/{i}/remove"));
        for tail in tails {
            paths.push(format!("/inspection/plans/{i}{tail}"));
        }
    }
    for path in &paths {
        for b in [None, Some(&head), Some(&zf)] {
            let r = t.get(b, path).await;
            assert!(
                r.status != StatusCode::INTERNAL_SERVER_ERROR && r.status != StatusCode::BAD_REQUEST,
                "GET {path}: {}",
                r.status
            );
        }
    }
    let mut posts = vec![
        "/inspection/items".to_string(),
        "/inspection/plans".into(),
        "/inspection/inspectors".into(),
        "/inspection/targets/import".into(),
    ];
    for i in &ids {
        posts.push(format!("/inspection/inspectors/{i}/remove"));
        for tail in ["/edit", "/commit", "/draw", "/tasks/1/result", "/tasks/0/result", "/tasks/1/publish"] {
            posts.push(format!("/inspection/plans/{i}{tail}"));
        }
    }
    for path in &posts {
        for b in [&head, &zf] {
            let r = t.post_form(b, path, garbage, true).await;
            assert_ne!(r.status, StatusCode::INTERNAL_SERVER_ERROR, "POST {path}: {}", r.body);
        }
    }
    // The demo plan is untouched by all that.
    let events = t.app.db.load_stream(&zhifa_core::events::stream::inspection_plan(id)).await.unwrap();
    assert_eq!(events.len(), 4);
}
