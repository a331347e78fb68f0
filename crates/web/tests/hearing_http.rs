//! The statement and hearing forms in-process, on the demo's heard case (赵某某): the
//! statement's numbered point rows with "增加一项" (G-02), each point answered or refused
//! next to its row, the points on the case page, the hearing notice's host chosen among
//! the agency's staff and refused when they investigated the case, the notice period, and
//! the decision stage waiting for the hearing (N-05).

mod support;

use axum::http::StatusCode;
use support::*;
use uuid::Uuid;
use zhifa_app::demo_hearing::DEMO_HEARING_PARTY;

async fn heard_case(t: &TestApp) -> Uuid {
    let agency = t.agency_id("安乡县市场监督管理局").await;
    t.app.db.cases_of_agency(agency).await.unwrap().into_iter().find(|c| c.party_name == DEMO_HEARING_PARTY).unwrap().id
}

async fn record_count(t: &TestApp, case: Uuid) -> usize {
    t.app.db.load_case(case).await.unwrap().unwrap().0.records.len()
}

// rule: G-02
#[tokio::test]
async fn the_statement_form_takes_numbered_points_and_refuses_an_unanswered_one_next_to_its_row() {
    let t = TestApp::with_demo().await;
    let id = heard_case(&t).await;
    let zf = t.login("scj-zf").await;
    let path = format!("/cases/{id}/records?kind=statement_defence");
    let form = t.get(Some(&zf), &format!("/cases/{id}/records/new?kind=statement_defence")).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains(r#"name="points.2.text""#) && !form.body.contains(r#"name="points.3.text""#));
    assert!(form.body.contains(r#"name="_add_point""#) && form.body.contains("增加一项"));

    // "增加一项": the same form with a fourth row, what was typed kept, nothing saved.
    let before = record_count(&t, id).await;
    let typed = [
        ("fields.heard_on", "2026-01-05"),
        ("points.0.kind", "defence"),
        ("points.0.text", "初次违法，已当场改正"),
        ("points.0.answer", ""),
        ("signature.kind", "signed"),
        ("signature.signer", DEMO_HEARING_PARTY),
    ];
    let mut add = typed.to_vec();
    add.push(("_add_point", "1"));
    let r = t.post_form(&zf, &path, &add, true).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains(r#"name="points.3.text""#) && r.body.contains("初次违法，已当场改正"));
    assert_eq!(record_count(&t, id).await, before);

    // Saved with the point unanswered: refused next to its row, nothing stored. The
    // heard_on date is today's, so no other refusal mixes in.
    let today = zhifa_app::cases::beijing_now().format("%Y-%m-%d").to_string();
    let mut unanswered = typed.to_vec();
    unanswered[0] = ("fields.heard_on", &today);
    let r = t.post_form(&zf, &path, &unanswered, true).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let row = r.body.find(r#"id="err-points.0.answer""#).expect("the message next to row 1's answer");
    assert!(r.body[row..].contains("第1项（申辩：初次违法，已当场改正）尚未答复"));
    assert_eq!(record_count(&t, id).await, before);

    // A second row not adopted without a reason is refused on that row.
    let mut no_reason = unanswered.clone();
    no_reason[3] = ("points.0.answer", "adopted");
    no_reason.extend([
        ("points.1.kind", "evidence"),
        ("points.1.text", "整改照片"),
        ("points.1.answer", "not_adopted"),
    ]);
    let r = t.post_form(&zf, &path, &no_reason, true).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains(r#"id="err-points.1.reason""#) && r.body.contains("第2项（提交的证据：整改照片）不予采纳"));

    // Answered: saved, and the case page lists each point with its answer.
    let mut ok = no_reason.clone();
    ok.push(("points.1.reason", "照片拍摄于责令改正期限届满之后"));
    let r = t.post_form(&zf, &path, &ok, true).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(record_count(&t, id).await, before + 1);
    let page = t.get(Some(&zf), &format!("/cases/{id}")).await;
    assert!(page.body.contains(r#"id="statement-points""#));
    assert!(page.body.contains("照片拍摄于责令改正期限届满之后") && page.body.contains("不予采纳"));
}

// rule: N-05
#[tokio::test]
async fn the_hearing_notice_names_a_host_who_did_not_investigate_and_the_decision_waits_for_the_hearing() {
    let t = TestApp::with_demo().await;
    let id = heard_case(&t).await;
    let zf = t.login("scj-zf").await;
    let case = t.app.db.load_case(id).await.unwrap().unwrap().0;
    let agency = case.opening.agency_id;
    let staff = t.app.db.officers(agency).await.unwrap();
    let outsider = staff.iter().find(|o| o.name == "赵静").unwrap().id.to_string();
    let handler = case.officers[0].officer_id.to_string();

    // The requested hearing is on the case page among what the decision stage lacks.
    let page = t.get(Some(&zf), &format!("/cases/{id}")).await;
    assert!(page.body.contains("当事人已要求听证"), "{}", page.body);
    // The form offers the agency's staff who are not on the case.
    let form = t.get(Some(&zf), &format!("/cases/{id}/records/new?kind=hearing_notice")).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains(r#"name="host""#) && form.body.contains(&outsider));
    assert!(!form.body.contains(&format!(r#"value="{handler}""#)));
    assert!(!form.body.contains(r#"name="fields.host""#), "the host is chosen, not typed");

    let calendar = t.app.db.work_calendar().await.unwrap();
    let today = zhifa_app::cases::beijing_now().date();
    let ok = calendar.add_working_days(today, zhifa_core::law::HEARING_NOTICE).unwrap();
    let early = calendar.add_working_days(today, zhifa_core::calendar::WorkingDays(3)).unwrap();
    let path = format!("/cases/{id}/records?kind=hearing_notice");
    let (today, ok_at, early_at) = (today.to_string(), format!("{ok}T09:00"), format!("{early}T09:00"));
    let before = record_count(&t, id).await;
    // The handling officer, posted by hand: refused, naming the acts.
    let r = t
        .post_form(
            &zf,
            &path,
            &[
                ("host", &handler),
                ("fields.noticed_on", &today),
                ("fields.hearing_at", &ok_at),
                ("fields.place", "听证室"),
            ],
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("是本案的承办人员") && r.body.contains("立案审批表"), "{}", r.body);
    // Too soon, and a fee.
    let r = t
        .post_form(
            &zf,
            &path,
            &[
                ("host", &outsider),
                ("fields.noticed_on", &today),
                ("fields.hearing_at", &early_at),
                ("fields.place", "听证室"),
                ("fields.fee", "场地费100元"),
            ],
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains(&format!("听证最早可定于{ok}")), "{}", r.body);
    assert!(r.body.contains("当事人不承担行政机关组织听证的费用"));
    assert_eq!(record_count(&t, id).await, before);
    let r = t
        .post_form(
            &zf,
            &path,
            &[
                ("host", &outsider),
                ("fields.noticed_on", &today),
                ("fields.hearing_at", &ok_at),
                ("fields.place", "听证室"),
            ],
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // The decision stage waits for the hearing record.
    let r = t.post_form(&zf, &format!("/cases/{id}/stages/decision"), &[], true).await;
    assert!(r.body.contains("不能完成") && r.body.contains("缺少听证笔录"), "{}", r.body);
}
