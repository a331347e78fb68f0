//! Correction requests (D-10) and complaints (D-12) over HTTP, in-process: a citizen asks
//! from a published decision's page to correct it and gets a tracking number; the status
//! page shows where it stands and never who filed it; the agency answers; bad forms are
//! explained field by field and store nothing; robots (honeypot, bad token, bursts) are
//! refused; other agencies cannot read the request; the supervisor sees the late ones.

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use support::*;
use uuid::Uuid;
use zhifa_app::cases::beijing_now;
use zhifa_core::disclosure::feedback::spam::FORM_MIN_AGE;
use zhifa_core::disclosure::feedback::{FeedbackEvent, FeedbackInput, FilerInput, Matter, TrackingNumber, decide_file};
use zhifa_core::events::{Actor, stream};
use zhifa_store::ExpectedVersion;
use zhifa_web::{AppState, WebConfig, router};

const PHONE: &str = "13912345678";

/// The demo with files, its router's app reading the form-token clock 3 s ahead so that a
/// form can be submitted at once.
async fn portal_app() -> TestApp {
    let t = TestApp::with_demo_and_files().await;
    let mut app = t.app.clone();
    app.feedback.token_clock_ahead = FORM_MIN_AGE;
    let router = router(AppState::new(app.clone(), WebConfig::default()));
    TestApp { router, app, ..t }
}

/// The demo's on-the-spot decision (prepared when it was issued), published by its officer.
async fn published_decision(t: &TestApp) -> Uuid {
    let rows = t.app.db.publication_changes(0, 100).await.unwrap();
    let p = rows.into_iter().find(|p| p.status == "prepared").expect("the demo's issued decision is prepared");
    let zf = t.app.db.account_for_login("scj-zf").await.unwrap().unwrap().0.principal();
    t.app.publish_decision(&zf, p.case_id, p.record_id).await.unwrap();
    p.record_id
}

/// A public form as a browser without a session gets it: the pre-session cookie, the
/// CSRF token and the form token.
struct PublicForm {
    cookie: String,
    csrf: String,
    token: String,
}

fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker).unwrap_or_else(|| panic!("no {name} in {html}")) + marker.len();
    html[start..].split('"').next().unwrap().to_string()
}

async fn open_form(t: &TestApp, path: &str) -> PublicForm {
    let page = t.get(None, path).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let pre = set_cookie(&page, "zhifa_csrf").expect("pre-session cookie");
    PublicForm {
        cookie: format!("zhifa_csrf={pre}"),
        csrf: csrf_in(&page.body),
        token: hidden(&page.body, "form_token"),
    }
}

/// Submits a public form from the client address `client`, with the form's hidden fields
/// (the form token replaced when `token` is given).
async fn submit(t: &TestApp, f: &PublicForm, client: &str, fields: &[(&str, &str)]) -> Resp {
    let mut pairs: Vec<(&str, &str)> = vec![("_csrf", &f.csrf), ("form_token", &f.token)];
    for (k, v) in fields {
        pairs.retain(|(key, _)| key != k);
        pairs.push((k, v));
    }
    let body: String = pairs.iter().map(|(k, v)| format!("{}={}", enc(k), enc(v))).collect::<Vec<_>>().join("&");
    let req = Request::post("/gs/feedback")
        .header(header::COOKIE, &f.cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("x-forwarded-for", client)
        .body(Body::from(body))
        .unwrap();
    t.send(req).await
}

fn correction_fields(rid: &str) -> Vec<(&str, &str)> {
    vec![
        ("kind", "correction"),
        ("publication", rid),
        ("filer.name", "张某某"),
        ("filer.phone", PHONE),
        ("content", "公示的罚款金额为二百元，决定书上写的是一百元，请更正为一百元"),
        ("evidence", "当场处罚决定书原件照片，金额栏为一百元"),
    ]
}

fn complaint_fields() -> Vec<(&'static str, &'static str)> {
    vec![
        ("kind", "complaint"),
        ("topic", "enforcement"),
        ("content", "某日在人民路检查时执法人员未出示执法证件，态度粗暴"),
    ]
}

fn location(r: &Resp) -> String {
    r.headers.get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string()
}

async fn stored(t: &TestApp) -> usize {
    t.app.db.feedback_all().await.unwrap().len()
}

// rule: D-10
#[tokio::test]
async fn a_citizen_asks_to_correct_a_published_decision_and_the_agency_answers() {
    let t = portal_app().await;
    let rid = published_decision(&t).await.to_string();
    let decision = t.get(None, &format!("/gs/decisions/{rid}")).await;
    // The link, its `&` escaped by the template.
    let new = format!("/gs/feedback/new?kind=correction&#38;publication={rid}\">申请更正");
    assert!(decision.body.contains(&new), "{}", decision.body);

    let f = open_form(&t, &format!("/gs/feedback/new?kind=correction&publication={rid}")).await;
    let r = submit(&t, &f, "198.51.100.1", &correction_fields(&rid)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = location(&r);
    let tracking = page.strip_prefix("/gs/feedback/").expect("the status page");
    assert!(tracking.starts_with("GZ-"), "{tracking}");

    // The status page: received, due in 3 working days, nothing of the filer.
    let due = t.app.db.feedback_all().await.unwrap()[0].due.to_string();
    let status = t.get(None, &page).await;
    assert_eq!(status.status, StatusCode::OK);
    for shown in ["已受理", &due, tracking] {
        assert!(status.body.contains(shown), "{shown}: {}", status.body);
    }
    for hidden in [PHONE, "张某某", "一百元"] {
        assert!(!status.body.contains(hidden), "{hidden} must not be on the status page");
    }

    // The agency's queue and the request with the filer's details.
    let zf = t.login("scj-zf").await;
    assert!(t.get(Some(&zf), "/").await.body.contains("href=\"/feedback\""), "the navigation links the queue");
    assert!(t.get(Some(&zf), "/feedback").await.body.contains(tracking));
    let item = t.get(Some(&zf), &format!("/feedback/{tracking}")).await;
    assert_eq!(item.status, StatusCode::OK);
    assert!(item.body.contains(PHONE) && item.body.contains("提交答复"), "{}", item.body);

    // A refusal without reasons is refused.
    let action = format!("/feedback/{tracking}");
    let answer = "经核对，公示信息与决定书一致";
    let r = t.post_form(&zf, &action, &[("outcome", "not_corrected"), ("answer", answer)], true).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("不予更正的，请说明理由"), "{}", r.body);
    let tn: TrackingNumber = tracking.parse().unwrap();
    assert_eq!(t.app.db.load_stream(&stream::feedback(&tn)).await.unwrap().len(), 1, "nothing appended");

    // Corrected: answered, on the status page.
    let fields = [
        ("outcome", "corrected"),
        ("outcome.what", "罚款金额由二百元更正为一百元"),
        ("answer", "经核实，公示的罚款金额有误，已更正为一百元。"),
    ];
    let r = t.post_form(&zf, &action, &fields, true).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let status = t.get(None, &page).await;
    for shown in ["已答复", "已更正", "已更正为一百元"] {
        assert!(status.body.contains(shown), "{shown}: {}", status.body);
    }
    assert!(!status.body.contains(PHONE));
    // Not twice.
    let again = t.post_form(&zf, &action, &fields, true).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", again.body);
    assert_eq!(t.app.db.load_stream(&stream::feedback(&tn)).await.unwrap().len(), 2);
}

// rule: D-10
#[tokio::test]
async fn a_bad_form_is_explained_field_by_field_and_stores_nothing() {
    let t = portal_app().await;
    let rid = published_decision(&t).await.to_string();
    let f = open_form(&t, &format!("/gs/feedback/new?kind=correction&publication={rid}")).await;
    let fields = [
        ("kind", "correction"),
        ("publication", rid.as_str()),
        ("filer.name", ""),
        ("filer.phone", "12345"),
        ("content", "金额错了"),
        ("evidence", "无"),
    ];
    let r = submit(&t, &f, "198.51.100.2", &fields).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    for field in ["filer.name", "filer.phone", "content", "evidence"] {
        assert!(r.body.contains(&format!("id=\"err-{field}\"")), "{field}: {}", r.body);
    }
    assert!(r.body.contains("请填写申请人姓名") && r.body.contains("内容太短") && r.body.contains("请说明证据"));
    assert!(r.body.contains("金额错了"), "what was typed is kept");
    assert_eq!(stored(&t).await, 0);

    // A decision that is not on the portal cannot be corrected.
    let other = Uuid::new_v4().to_string();
    let r = submit(&t, &f, "198.51.100.2", &correction_fields(&other)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("该决定不在公示中"), "{}", r.body);
    assert_eq!(
        t.get(None, &format!("/gs/feedback/new?kind=correction&publication={other}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(stored(&t).await, 0);

    // A mistyped tracking number says so; a number of no request is not found.
    let r = t.get(None, "/gs/feedback?tracking=GZ-20261129-7K3M9Q2").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("位数不对"), "{}", r.body);
    assert_eq!(t.get(None, "/gs/feedback/not-a-number").await.status, StatusCode::NOT_FOUND);
}

// rule: D-12
#[tokio::test]
async fn a_filled_honeypot_or_a_bad_token_is_refused_and_a_complaint_goes_to_the_bureau() {
    let t = portal_app().await;
    let f = open_form(&t, "/gs/feedback/new?kind=complaint").await;
    assert!(f.token.contains('.'), "a signed form token");
    let form = t.get(None, "/gs/feedback/new?kind=complaint").await;
    assert!(form.body.contains("for=\"f-website\"") && form.body.contains("请勿填写"), "the honeypot is labelled");

    let mut honey = complaint_fields();
    honey.push(("website", "http://cheap.example"));
    let r = submit(&t, &f, "198.51.100.3", &honey).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("保持空白"), "{}", r.body);

    let mut forged = complaint_fields();
    forged.push(("form_token", "1700000000.00ff"));
    let r = submit(&t, &f, "198.51.100.3", &forged).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("表单已失效"), "{}", r.body);
    // A correction form's token does not serve a complaint.
    let foreign = complaint_fields();
    let rid = published_decision(&t).await.to_string();
    let cf = open_form(&t, &format!("/gs/feedback/new?kind=correction&publication={rid}")).await;
    let r = submit(&t, &PublicForm { token: cf.token, ..f }, "198.51.100.3", &foreign).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(stored(&t).await, 0);

    // An anonymous complaint naming no agency: received by the judicial bureau.
    let f = open_form(&t, "/gs/feedback/new?kind=complaint").await;
    let r = submit(&t, &f, "198.51.100.3", &complaint_fields()).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(location(&r).starts_with("/gs/feedback/TS-"));
    let rows = t.app.db.feedback_all().await.unwrap();
    assert_eq!(rows[0].agency_id, t.agency_id("安乡县司法局").await);

    // The bureau sends it on to the agency competent for it.
    let head = t.login("sfj-head").await;
    let action = format!("/feedback/{}", rows[0].tracking);
    let scj = t.agency_id("安乡县市场监督管理局").await.to_string();
    let fields = [
        ("outcome", "transferred"),
        ("outcome.to", scj.as_str()),
        ("answer", "该事项属市场监管部门职责，已转交办理。"),
    ];
    let r = t.post_form(&head, &action, &fields, true).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let status = t.get(None, &format!("/gs/feedback/{}", rows[0].tracking)).await;
    assert!(status.body.contains("已转交安乡县市场监督管理局办理"), "{}", status.body);
}

// rule: D-12
#[tokio::test]
async fn a_logged_in_visitor_files_with_the_session_token() {
    let t = portal_app().await;
    let zf = t.login("scj-zf").await;
    let page = t.get(Some(&zf), "/gs/feedback/new?kind=complaint").await;
    assert_eq!(csrf_in(&page.body), zf.csrf, "the form carries the session's token");
    let token = hidden(&page.body, "form_token");
    let fields: Vec<(&str, &str)> = complaint_fields().into_iter().chain([("form_token", token.as_str())]).collect();
    let r = t.post_form(&zf, "/gs/feedback", &fields, true).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}

// rule: D-12
#[tokio::test]
async fn the_sixth_submission_within_the_hour_from_one_client_is_refused_with_when_to_retry() {
    let t = portal_app().await;
    let f = open_form(&t, "/gs/feedback/new?kind=complaint").await;
    for n in 0..5 {
        let r = submit(&t, &f, "203.0.113.7", &complaint_fields()).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{n}: {}", r.body);
    }
    let r = submit(&t, &f, "203.0.113.7", &complaint_fields()).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    assert!(r.body.contains("1小时内最多提交5次") && r.body.contains("分钟后再试"), "{}", r.body);
    assert_eq!(stored(&t).await, 5);
    // Another client is not held back.
    let r = submit(&t, &f, "203.0.113.8", &complaint_fields()).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}

/// Files a correction through the app, as the portal would.
async fn filed(t: &TestApp, client: &str) -> String {
    let rid = published_decision(t).await.to_string();
    let f = open_form(t, &format!("/gs/feedback/new?kind=correction&publication={rid}")).await;
    let r = submit(t, &f, client, &correction_fields(&rid)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    location(&r).trim_start_matches("/gs/feedback/").to_string()
}

// rule: D-10
#[tokio::test]
async fn another_agencys_staff_and_an_auxiliary_can_neither_read_nor_answer() {
    let t = portal_app().await;
    let tracking = filed(&t, "198.51.100.4").await;
    let path = format!("/feedback/{tracking}");
    let answer = [("outcome", "corrected"), ("outcome.what", "罚款金额更正为一百元"), ("answer", "已核实并更正")];
    for who in ["ltj-zf", "scj-fj"] {
        let b = t.login(who).await;
        let r = t.get(Some(&b), &path).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}: {}", r.body);
        assert!(!r.body.contains(PHONE));
        let r = t.post_form(&b, &path, &answer, true).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}: {}", r.body);
        assert!(!t.get(Some(&b), "/feedback").await.body.contains(&tracking), "{who}");
    }
    // The supervisor reads it, but does not answer for the agency.
    let jd = t.login("sfj-jd").await;
    let r = t.get(Some(&jd), &path).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(!r.body.contains("提交答复"));
    assert_eq!(t.post_form(&jd, &path, &answer, true).await.status, StatusCode::FORBIDDEN);
    let tn: TrackingNumber = tracking.parse().unwrap();
    assert_eq!(t.app.db.load_stream(&stream::feedback(&tn)).await.unwrap().len(), 1);
}

// rule: D-10
#[tokio::test]
async fn an_overdue_request_is_flagged_to_the_judicial_bureau_supervisor() {
    let t = portal_app().await;
    let rid = published_decision(&t).await;
    // Filed two weeks ago and never answered.
    let agency = t.agency_id("安乡县市场监督管理局").await;
    let then = beijing_now().date() - chrono::Days::new(14);
    let filed_at = chrono::Utc::now() - chrono::Days::new(14);
    let profile_id = t.app.db.agency(agency).await.unwrap().unwrap().profile_id;
    let profile = t.app.db.profile_versions(&profile_id).await.unwrap().pop().unwrap();
    let input = FeedbackInput {
        matter: Matter::Correction { publication: rid },
        agency,
        filer: FilerInput { name: "李某某".into(), phone: PHONE.into(), email: String::new() },
        content: "公示的决定日期有误，应为前一日".into(),
        evidence: "决定书原件上的日期".into(),
    };
    let calendar = t.app.db.work_calendar().await.unwrap();
    let event = decide_file(&input, filed_at, then, &calendar, &profile, [1, 2, 3, 4, 5]).unwrap();
    let FeedbackEvent::Filed { tracking, due, .. } = &event else { unreachable!() };
    let (tracking, due) = (*tracking, *due);
    let actor = Actor::system("测试：两周前提交");
    t.app
        .db
        .append_to(&actor, &stream::feedback(&tracking), ExpectedVersion::NoStream, vec![event.into()])
        .await
        .unwrap();

    let jd = t.login("sfj-jd").await;
    let queue = t.get(Some(&jd), "/feedback").await;
    assert_eq!(queue.status, StatusCode::OK);
    let flag = format!("应于{due}前答复");
    for shown in [tracking.to_string().as_str(), "逾期事项", &flag, "已逾期（D-10）", "安乡县市场监督管理局"]
    {
        assert!(queue.body.contains(shown), "{shown}: {}", queue.body);
    }
    // And on the supervisor's home page, as a to-do.
    let home = t.get(Some(&jd), "/").await;
    assert!(home.body.contains(&flag) && home.body.contains("待答复的更正与投诉"), "{}", home.body);
    let status = t.get(None, &format!("/gs/feedback/{tracking}")).await;
    assert!(status.body.contains("逾期未答复"), "{}", status.body);
}
