//! Case-file evaluation (案卷评查, V-01) over HTTP, in-process through the real router: the
//! bureau's supervisor creates a batch and picks closed cases, the bureau's legal reviewer
//! scores them (a bad score answered 422 with its Chinese error and nothing stored), a
//! rectification notice goes to the agency, which sees it and answers, and the bureau
//! closes it; a random selection committed, drawn and verified on the page; another
//! agency refused; the CSRF guard on every form.

mod support;

use axum::http::{StatusCode, header};
use support::*;
use uuid::Uuid;
use zhifa_core::supervision::evaluation::{Dimension, Grade, RectificationState};

const AGENCY: &str = "安乡县市场监督管理局";

fn location(r: &Resp) -> String {
    r.headers.get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or("").to_string()
}

fn key(d: Dimension) -> String {
    serde_json::to_value(d).unwrap().as_str().unwrap().to_string()
}

/// The scoring form's fields: full marks but the given deductions.
fn score_fields(deductions: &[(Dimension, &str, &str)]) -> Vec<(String, String)> {
    let sheet = zhifa_core::supervision::evaluation::Scoresheet::STANDARD;
    let mut v = Vec::new();
    for d in Dimension::ALL {
        let (points, comment) = match deductions.iter().find(|x| x.0 == d) {
            Some((_, p, c)) => (p.to_string(), c.to_string()),
            None => (sheet.max(d).to_string(), String::new()),
        };
        v.push((format!("points_{}", key(d)), points));
        v.push((format!("comment_{}", key(d)), comment));
    }
    v
}

fn refs(v: &[(String, String)]) -> Vec<(&str, &str)> {
    v.iter().map(|(k, x)| (k.as_str(), x.as_str())).collect()
}

/// sfj-jd creates a bureau batch over the market regulator, evaluated by sfj-fzsh, through
/// the form; returns its id.
async fn create_batch(t: &TestApp, jd: &Browser) -> Uuid {
    let agency = t.agency_id(AGENCY).await;
    let fz = t.app.db.account_for_login("sfj-fzsh").await.unwrap().unwrap().0;
    let evaluator = zhifa_app::evaluation::evaluator_id(&fz).to_string();
    let form = t.get(Some(jd), "/supervision/evaluations/new").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains(AGENCY) && form.body.contains("评查人员"), "{}", form.body);
    let agency = agency.to_string();
    let fields = [
        ("name", "2026年度行政处罚案卷评查"),
        ("year", "2026"),
        ("agencies", agency.as_str()),
        ("evaluators", evaluator.as_str()),
    ];
    let r = t.post_form(jd, "/supervision/evaluations", &fields, true).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    location(&r).rsplit('/').next().unwrap().parse().unwrap()
}

// rule: V-01
#[tokio::test]
async fn a_batch_is_picked_scored_and_its_rectification_answered_and_closed_over_http() {
    let t = TestApp::with_demo().await;
    let first = t.app.demo_closed_case("钱某某", 2).await.unwrap();
    let second = t.app.demo_closed_case("孔某某", 3).await.unwrap();
    let jd = t.login("sfj-jd").await;
    let list = t.get(Some(&jd), "/supervision/evaluations").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("新建评查活动"));
    let id = create_batch(&t, &jd).await;
    let base = format!("/supervision/evaluations/{id}");

    // Without the CSRF token nothing is picked.
    let (a, b) = (first.to_string(), second.to_string());
    let pick = [("cases", a.as_str()), ("cases", b.as_str()), ("reason", "群众反映")];
    let r = t.post_form(&jd, &format!("{base}/pick"), &pick, false).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let form = t.get(Some(&jd), &format!("{base}/pick")).await;
    assert!(form.body.contains("结案"), "{}", form.body);
    let r = t.post_form(&jd, &format!("{base}/pick"), &pick, true).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    // A deduction without its reason: 422, the error in Chinese, nothing stored.
    let fz = t.login("sfj-fzsh").await;
    let score = format!("{base}/cases/{second}/score");
    let form = t.get(Some(&fz), &score).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("卷宗装订（满分5分）") && form.body.contains("无法律依据"), "{}", form.body);
    let bad = score_fields(&[(Dimension::Procedure, "5", "")]);
    let r = t.post_form(&fz, &score, &refs(&bad), true).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("“执法程序”扣了20分，请写明扣分理由"), "{}", r.body);
    let not_a_number = score_fields(&[(Dimension::Evidence, "十", "")]);
    let r = t.post_form(&fz, &score, &refs(&not_a_number), true).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("不是整数"), "{}", r.body);
    let ev = t.app.db.load_evaluation(id).await.unwrap().unwrap().0;
    assert!(ev.case(second).unwrap().score.is_none(), "nothing stored");

    let good = score_fields(&[]);
    let r = t.post_form(&fz, &format!("{base}/cases/{first}/score"), &refs(&good), true).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let mut vetoed = score_fields(&[(Dimension::Procedure, "5", "未告知陈述申辩权利")]);
    vetoed.push(("veto_no_legal_basis".into(), "1".into()));
    vetoed.push(("veto_comment_no_legal_basis".into(), "决定书未引用处罚依据".into()));
    let r = t.post_form(&fz, &score, &refs(&vetoed), true).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let ev = t.app.db.load_evaluation(id).await.unwrap().unwrap().0;
    assert_eq!(ev.case(first).unwrap().score.as_ref().unwrap().scoring.grade(), Grade::Excellent);
    assert_eq!(ev.case(second).unwrap().score.as_ref().unwrap().scoring.grade(), Grade::Fail);

    // The rectification notice: a bad due date is the field's error.
    let notice = format!("{base}/cases/{second}/rectification");
    let fields = [("number", "安司评查〔2026〕1号"), ("problems", "缺少处罚依据\n程序记录不完整"), ("due", "明天")];
    let r = t.post_form(&jd, &notice, &fields, true).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("不是有效日期"), "{}", r.body);
    let due = (zhifa_app::cases::beijing_now().date() + chrono::Days::new(30)).to_string();
    let fields =
        [("number", "安司评查〔2026〕1号"), ("problems", "缺少处罚依据\n程序记录不完整"), ("due", due.as_str())];
    let r = t.post_form(&jd, &notice, &fields, true).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = t.get(Some(&jd), &base).await;
    assert!(
        page.body.contains("优秀") && page.body.contains("不合格") && page.body.contains("待整改"),
        "{}",
        page.body
    );
    assert!(page.body.contains("评查结果汇总") && page.body.contains("缺少处罚依据"));
    assert!(page.body.contains("执法程序扣20分：未告知陈述申辩权利") && page.body.contains("否决项“无法律依据”"));

    // The agency sees the notice addressed to it and answers.
    let zf = t.login("scj-zf").await;
    let list = t.get(Some(&zf), "/supervision/evaluations").await;
    assert!(list.body.contains("本机关收到的整改通知") && list.body.contains("安司评查〔2026〕1号"), "{}", list.body);
    let answer = format!("{base}/cases/{second}/answer");
    let r = t.post_form(&zf, &answer, &[("what_done", "")], true).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("整改情况"), "{}", r.body);
    let r = t.post_form(&zf, &answer, &[("what_done", "已补充处罚依据并组织全员培训")], true).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    // Another agency's staff neither see the batch nor answer.
    let ltj = t.login("ltj-head").await;
    assert_eq!(t.get(Some(&ltj), &base).await.status, StatusCode::FORBIDDEN);
    let r = t.post_form(&ltj, &answer, &[("what_done", "x")], true).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let list = t.get(Some(&ltj), "/supervision/evaluations").await;
    assert!(!list.body.contains("2026年度行政处罚案卷评查"));
    // The agency does not close its own rectification.
    let r = t.post_form(&zf, &format!("{base}/cases/{second}/accept"), &[("comment", "")], true).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    let r = t.post_form(&jd, &format!("{base}/cases/{second}/accept"), &[("comment", "整改到位")], true).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let ev = t.app.db.load_evaluation(id).await.unwrap().unwrap().0;
    let state = ev.case(second).unwrap().rectification.as_ref().unwrap().state(zhifa_app::cases::beijing_now().date());
    assert_eq!(state, RectificationState::Closed);
    assert!(t.get(Some(&jd), &base).await.body.contains("已销号"));
}

// rule: V-01
#[tokio::test]
async fn a_random_selection_is_committed_drawn_and_verified_on_the_page() {
    let t = TestApp::with_demo().await;
    t.app.demo_closed_case("钱某某", 2).await.unwrap();
    let jd = t.login("sfj-jd").await;
    let id = create_batch(&t, &jd).await;
    let base = format!("/supervision/evaluations/{id}");
    let r = t.post_form(&jd, &format!("{base}/commit"), &[("ratio", "一半")], true).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(t.app.db.load_evaluation(id).await.unwrap().unwrap().0.commitment.is_none(), "nothing stored");
    let r = t.post_form(&jd, &format!("{base}/commit"), &[("ratio", "50%")], true).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = t.get(Some(&jd), &base).await;
    assert!(page.body.contains("随机种子承诺值") && page.body.contains("现场随机抽取"), "{}", page.body);
    let r = t.post_form(&jd, &format!("{base}/draw"), &[("public_input", "")], true).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = t.post_form(&jd, &format!("{base}/draw"), &[("public_input", "27 18 28")], true).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = t.get(Some(&jd), &base).await;
    assert!(page.body.contains("验证结果：一致"), "{}", page.body);
    assert!(page.body.contains("27 18 28") && page.body.contains("随机抽取"));
    // The agency's head runs no bureau batch.
    let head = t.login("scj-head").await;
    assert_eq!(t.get(Some(&head), &format!("{base}/draw")).await.status, StatusCode::FORBIDDEN);
}
