//! The legal review over HTTP, in-process: the gate (L-02) refuses issuing a major decision
//! through the UI and the API until the legal unit approves; the reviewer's queue, the
//! review page, the checklist form with its errors next to the fields.

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::{Value, json};
use support::*;
use uuid::Uuid;
use zhifa_app::cases::beijing_now;
use zhifa_core::case::review::ChecklistItem;

fn today() -> String {
    beijing_now().format("%Y-%m-%d").to_string()
}

/// The decision document's fields (R-13, B-02, G-01), with a typed 文号 as records made
/// before numbering at issue carried.
fn decision_fields() -> Vec<(String, String)> {
    let typed = ("document_number".to_string(), "安市监罚决〔2026〕8号".to_string());
    let fields = zhifa_app::demo_review::decision_fields("王某某", &today());
    std::iter::once(typed).chain(fields.into_iter().map(|(k, v)| (k.to_string(), v))).collect()
}

/// The demo case waiting in the legal unit's queue.
async fn demo_case(t: &TestApp) -> Uuid {
    let agency = t.agency_id("安乡县市场监督管理局").await;
    t.app.db.cases_of_agency(agency).await.unwrap().into_iter().find(|c| c.party_name == "王某某").unwrap().id
}

async fn issue_via_form(t: &TestApp, b: &Browser, id: Uuid) -> Resp {
    let fields: Vec<(String, String)> =
        decision_fields().into_iter().map(|(k, v)| (format!("fields.{k}"), v)).collect();
    let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    t.post_form(b, &format!("/cases/{id}/records?kind=decision_document"), &refs, true).await
}

fn sound_checklist() -> Vec<(String, String)> {
    ChecklistItem::ALL
        .iter()
        .map(|i| (format!("checklist.{}", i.as_str()), if i.sound_answer() { "yes" } else { "no" }.to_string()))
        .collect()
}

// rule: L-02
// rule: L-04
// rule: L-06
#[tokio::test]
async fn the_ui_refuses_to_issue_before_approval_and_the_reviewer_answers_every_item() {
    let t = TestApp::with_demo().await;
    let id = demo_case(&t).await;
    let zf = t.login("scj-zf").await;
    // The decision document cannot be made, nor the stage completed, with the reason.
    let r = issue_via_form(&t, &zf, id).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("L-02") && r.body.contains("法制机构正在审核"), "{}", r.body);
    let r = t.post_form(&zf, &format!("/cases/{id}/stages/decision"), &[], true).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("L-02"), "{}", r.body);
    // The case page lists the review among what the stage lacks, and leads to it.
    let case_page = t.get(Some(&zf), &format!("/cases/{id}")).await.body;
    assert!(case_page.contains(&format!("/cases/{id}/review")));
    let missing = case_page.split("id=\"missing\"").nth(1).expect("a missing list");
    assert!(missing.contains("L-02") && missing.contains("集体讨论"), "{missing}");
    let page = t.get(Some(&zf), &format!("/cases/{id}/review")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("拟罚款15000元") && page.body.contains("正在审核"), "{}", page.body);

    // The reviewer's queue, with its countdown in working days.
    let fzsh = t.login("scj-fzsh").await;
    let queue = t.get(Some(&fzsh), "/review").await;
    assert_eq!(queue.status, StatusCode::OK);
    assert!(queue.body.contains(&format!("/cases/{id}/review")), "{}", queue.body);
    assert!(queue.body.contains("个工作日"), "{}", queue.body);
    assert!(queue.body.contains("法制审核人员配备"));
    let round = t.app.db.load_case(id).await.unwrap().unwrap().0.review.rounds[0].id;
    let action = format!("/cases/{id}/review/rounds/{round}/conclude");
    let form = t.get(Some(&fzsh), &action).await;
    assert!(form.body.contains("行政裁量权运用是否适当") && form.body.contains("较重"), "{}", form.body);
    // An unanswered item and a missing reason: errors next to their fields; nothing stored.
    let mut partial: Vec<(String, String)> =
        sound_checklist().into_iter().filter(|(k, _)| k != "checklist.transfer").collect();
    partial.push(("opinion".into(), "approve".into()));
    let refs: Vec<(&str, &str)> = partial.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let r = t.post_form(&fzsh, &action, &refs, true).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains(r#"id="err-checklist.transfer""#), "{}", r.body);
    assert!(r.body.contains("请回答审核事项：是否需要移送司法机关或其他机关"));
    assert!(r.body.contains(r#"id="err-reasons""#));
    assert!(t.app.db.load_case(id).await.unwrap().unwrap().0.review.rounds[0].conclusion.is_none());
    // The handler cannot give the opinion.
    let mut full = sound_checklist();
    full.push(("opinion".into(), "approve".into()));
    full.push(("reasons".into(), "事实清楚，证据确凿，程序合法，裁量适当".into()));
    let refs: Vec<(&str, &str)> = full.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let r = t.post_form(&zf, &action, &refs, true).await;
    assert_ne!(r.status, StatusCode::SEE_OTHER);
    let r = t.post_form(&fzsh, &action, &refs, true).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // Now the decision is made.
    let r = issue_via_form(&t, &zf, id).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}

async fn api_login(t: &TestApp, user: &str) -> (String, String) {
    let body = json!({"username": user, "password": zhifa_app::demo::DEMO_PASSWORD}).to_string();
    let login = t
        .send(
            Request::post("/api/v1/session")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
    assert_eq!(login.status, StatusCode::OK);
    let csrf = serde_json::from_str::<Value>(&login.body).unwrap()["csrf_token"].as_str().unwrap().to_string();
    (format!("zhifa_session={}", set_cookie(&login, "zhifa_session").unwrap()), csrf)
}

async fn api_post(t: &TestApp, who: &(String, String), path: &str, body: Value) -> Resp {
    t.send(
        Request::post(path)
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::COOKIE, &who.0)
            .header("x-csrf-token", &who.1)
            .body(Body::from(body.to_string()))
            .unwrap(),
    )
    .await
}

/// A second major case, in its decision stage, not yet submitted.
async fn major_case(t: &TestApp) -> Uuid {
    let terms = DraftTerms {
        party: "赵某某",
        considerations: "经营规模较大",
        proposal: "罚款一万五千元",
        tier: "较重",
        fine: "15000",
    };
    penalty_case_in_decision(t, &terms).await
}

// rule: L-02
// rule: L-03
#[tokio::test]
async fn the_api_refuses_to_issue_before_approval_and_issues_after_it() {
    let t = TestApp::with_demo().await;
    let id = major_case(&t).await;
    let zf = api_login(&t, "scj-zf").await;
    let decision =
        json!({"fields": decision_fields().into_iter().collect::<std::collections::BTreeMap<String, String>>()});
    let r = api_post(&t, &zf, &format!("/api/v1/cases/{id}/decision"), decision.clone()).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let err: Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(err["code"], "invalid");
    assert!(err["message"].as_str().unwrap().contains("L-02"), "{err}");
    assert!(err["message"].as_str().unwrap().contains("请承办机构提交本机关法制机构审核"), "{err}");
    // Submitted through the API, with a declared material.
    let bad = api_post(&t, &zf, &format!("/api/v1/cases/{id}/review/submissions"), json!({"level": "county"})).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let body = json!({"declared": {"hearing_or_assessment": "风险评估报告（纸质，共3页）"}, "note": "提请审核"});
    let r = api_post(&t, &zf, &format!("/api/v1/cases/{id}/review/submissions"), body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let round = serde_json::from_str::<Value>(&r.body).unwrap()["round"].as_str().unwrap().to_string();
    let reviewer = api_login(&t, "scj-fzsh").await;
    let queue = t
        .send(Request::get("/api/v1/review/queue").header(header::COOKIE, &reviewer.0).body(Body::empty()).unwrap())
        .await;
    let queue: Value = serde_json::from_str(&queue.body).unwrap();
    let item = queue.as_array().unwrap().iter().find(|i| i["case_id"] == id.to_string()).expect("queued");
    assert!(item["clock"]["remaining_working_days"].as_i64().unwrap() >= 2, "{item}");
    // A conclusion with an item missing is refused with the item named.
    let checklist: Vec<Value> =
        ChecklistItem::ALL.iter().map(|i| json!({"item": i.as_str(), "answer": i.sound_answer()})).collect();
    let path = format!("/api/v1/cases/{id}/review/rounds/{round}/conclusion");
    let r = api_post(
        &t,
        &reviewer,
        &path,
        json!({"checklist": checklist[..7], "opinion": "approve", "reasons": "同意作出"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("checklist.transfer"), "{}", r.body);
    let r = api_post(
        &t,
        &reviewer,
        &path,
        json!({"checklist": checklist, "opinion": "approve", "reasons": "事实清楚，裁量适当"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let review: Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(review["may_issue"], true);
    assert_eq!(review["rounds"][0]["materials"][4]["source"], "declared");
    let r = api_post(&t, &zf, &format!("/api/v1/cases/{id}/decision"), decision).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
}

// rule: L-09
#[tokio::test]
async fn a_participant_signs_the_collective_discussion_with_their_password_in_the_form() {
    use zhifa_core::case::review::decide::{Conclude, Submission};
    use zhifa_core::case::review::{ChecklistAnswer, CollectiveDecision, Opinion};
    let t = TestApp::with_demo().await;
    let id = major_case(&t).await;
    let app = &t.app;
    let who = |u: &'static str| async move { app.db.account_for_login(u).await.unwrap().unwrap().0.principal() };
    let (zf, fzsh, head, head2) =
        (who("scj-zf").await, who("scj-fzsh").await, who("scj-head").await, who("scj-head2").await);
    app.submit_review(&zf, id, Submission::default()).await.unwrap();
    let checklist: Vec<ChecklistAnswer> = ChecklistItem::ALL
        .iter()
        .map(|i| {
            let wanting = *i == ChecklistItem::Discretion;
            ChecklistAnswer {
                item: *i,
                answer: i.sound_answer() != wanting,
                note: if wanting { "罚款偏高".into() } else { String::new() },
            }
        })
        .collect();
    let round = || async move { app.db.load_case(id).await.unwrap().unwrap().0.review.rounds.last().unwrap().id };
    let modify = |r| Conclude {
        round: r,
        checklist: checklist.clone(),
        opinion: Opinion::ModifyDiscretion,
        reasons: "宜从轻".into(),
    };
    app.conclude_review(&fzsh, id, modify(round().await)).await.unwrap();
    app.request_re_review(&zf, id, "情节突出，维持拟定罚款").await.unwrap();
    app.conclude_review(&fzsh, id, modify(round().await)).await.unwrap();
    let d = app
        .record_collective(
            &head,
            id,
            &[head.account_id, head2.account_id],
            "局长：……",
            CollectiveDecision::AdoptDraft,
            "维持拟定决定",
        )
        .await
        .unwrap();
    // The review page shows the discussion against the legal unit's opinion, awaiting signatures.
    let b = t.login("scj-head").await;
    let page = t.get(Some(&b), &format!("/cases/{id}/review")).await.body;
    assert!(page.contains("与法制机构审核意见不一致") && page.contains("待签名"), "{page}");
    let action = format!("/cases/{id}/review/collective/{d}/sign");
    assert!(page.contains(&action));
    let r = t.post_form(&b, &action, &[("password", "not-my-password9")], true).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains(r#"id="err-password""#) && r.body.contains("密码不正确"), "{}", r.body);
    assert!(!r.body.contains("not-my-password9"), "the password is not sent back");
    let r = t.post_form(&b, &action, &[("password", zhifa_app::demo::DEMO_PASSWORD)], true).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let signed = app.db.load_case(id).await.unwrap().unwrap().0.review.collectives[0].signatures.len();
    assert_eq!(signed, 1);
}
