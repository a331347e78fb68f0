//! Transfers to criminal justice (行刑衔接, V-02) over HTTP, in-process through the real
//! router: the three forms on a case with a fine, a bad form back as 422 in Chinese with
//! nothing stored, the closure gate's refusal on the case page, the list of flagged cases
//! and its CSV, and another agency refused.

mod support;

use axum::http::{StatusCode, header};
use support::*;
use uuid::Uuid;
use zhifa_app::cases::beijing_now;

const REASON: &str = "经查当事人另涉嫌使用伪造的营业执照，涉嫌伪造国家机关证件罪";

fn today() -> String {
    beijing_now().format("%Y-%m-%d").to_string()
}

async fn case(t: &TestApp, party: &str, seq: u32) -> Uuid {
    t.app.demo_spot_fine_before_closure(party, seq).await.unwrap()
}

async fn transfer_state(t: &TestApp, id: Uuid) -> zhifa_core::case::transfer::TransferState {
    t.app.db.load_case(id).await.unwrap().unwrap().0.transfer
}

async fn flag(t: &TestApp, b: &Browser, id: Uuid) -> Resp {
    t.post_form(b, &format!("/cases/{id}/transfer/flag"), &[("reason", REASON)], true).await
}

async fn send(t: &TestApp, b: &Browser, id: Uuid) -> Resp {
    let materials = "涉嫌犯罪案件移送书\n涉嫌犯罪案件调查报告\n现场检查笔录";
    let fields = [
        ("on", today()),
        ("receiving_organ", "安乡县公安局".into()),
        ("materials", materials.into()),
        ("case_number", "安公（经）受案字〔2026〕15号".into()),
    ];
    let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    t.post_form(b, &format!("/cases/{id}/transfer/send"), &refs, true).await
}

// rule: V-02
#[tokio::test]
async fn a_case_is_flagged_transferred_and_answered_through_the_forms_and_closes_only_once_sent_back() {
    let t = TestApp::with_demo().await;
    let id = case(&t, "钱某某", 2).await;
    let zf = t.login("scj-zf").await;

    let page = t.get(Some(&zf), &format!("/cases/{id}")).await;
    assert!(page.body.contains("行刑衔接") && page.body.contains("未标记涉嫌犯罪"), "{}", page.body);
    assert!(page.body.contains(&format!("/cases/{id}/transfer/flag")));
    let form = t.get(Some(&zf), &format!("/cases/{id}/transfer/flag")).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("涉嫌犯罪的事实和理由"));

    // Without the CSRF token: refused, nothing stored.
    let r = t.post_form(&zf, &format!("/cases/{id}/transfer/flag"), &[("reason", REASON)], false).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Too short a reason: 422 with the Chinese error, nothing stored.
    let r = t.post_form(&zf, &format!("/cases/{id}/transfer/flag"), &[("reason", "犯罪")], true).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("请写明涉嫌犯罪的事实和理由"), "{}", r.body);
    assert!(!transfer_state(&t, id).await.flagged());

    let r = flag(&t, &zf, id).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(transfer_state(&t, id).await.flagged());

    // The gate: closing with the fine is refused on the stage-completion page, in Chinese.
    let r = t.post_form(&zf, &format!("/cases/{id}/stages/closure"), &[], true).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("不能完成") && r.body.contains("V-02") && r.body.contains("尚未移送公安机关"),
        "{}",
        r.body
    );

    // A bad transfer: the date is no date and the materials are missing.
    let r = t
        .post_form(
            &zf,
            &format!("/cases/{id}/transfer/send"),
            &[("on", "2026-13-45"), ("receiving_organ", "安乡县公安局"), ("materials", " ")],
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("不是有效日期") && r.body.contains("请列明移送的材料"), "{}", r.body);
    assert!(transfer_state(&t, id).await.transfers.is_empty());
    let r = send(&t, &zf, id).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = t.get(Some(&zf), &format!("/cases/{id}")).await.body;
    assert!(page.contains("安乡县公安局") && page.contains("涉嫌犯罪案件调查报告"), "{page}");
    assert!(page.contains("安公（经）受案字〔2026〕15号") && page.contains("尚无结果"));
    assert!(page.contains(&format!("/cases/{id}/transfer/outcome")));
    let r = t.post_form(&zf, &format!("/cases/{id}/stages/closure"), &[], true).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("尚无处理结果"), "{}", r.body);

    // Sent back without the organ's reason: 422, nothing stored.
    let action = format!("/cases/{id}/transfer/outcome");
    let day = today();
    let r = t.post_form(&zf, &action, &[("on", day.as_str()), ("outcome", "returned"), ("reason", "")], true).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("请写明公安机关不予立案或退回的理由"), "{}", r.body);
    assert!(transfer_state(&t, id).await.last().unwrap().outcome.is_none());
    let fields = [("on", today()), ("outcome", "returned".into()), ("reason", "情节显著轻微，不构成犯罪".into())];
    let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = t.post_form(&zf, &action, &refs, true).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(transfer_state(&t, id).await.returned());

    // Sent back: the case closes with its fine.
    let r = t.post_form(&zf, &format!("/cases/{id}/stages/closure"), &[], true).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = t.get(Some(&zf), &format!("/cases/{id}")).await.body;
    assert!(page.contains("退回行政机关依法处理：情节显著轻微，不构成犯罪"), "{page}");
}

// rule: V-02
#[tokio::test]
async fn the_list_and_its_csv_show_the_transfers_in_scope_and_another_agency_is_refused() {
    let t = TestApp::with_demo().await;
    let waiting = case(&t, "孔某某", 3).await;
    let flagged = case(&t, "周某某", 4).await;
    let zf = t.login("scj-zf").await;
    assert_eq!(flag(&t, &zf, waiting).await.status, StatusCode::SEE_OTHER);
    assert_eq!(send(&t, &zf, waiting).await.status, StatusCode::SEE_OTHER);
    assert_eq!(flag(&t, &zf, flagged).await.status, StatusCode::SEE_OTHER);
    let number = |id: Uuid| {
        let db = t.app.db.clone();
        async move { db.case_row(id).await.unwrap().unwrap().number }
    };
    let (n_waiting, n_flagged) = (number(waiting).await, number(flagged).await);

    // The judicial bureau's supervisor: every agency's flagged cases, with their state.
    let jd = t.login("sfj-jd").await;
    let list = t.get(Some(&jd), "/supervision/transfers").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains(&n_waiting) && list.body.contains(&n_flagged), "{}", list.body);
    assert!(list.body.contains("已移送，待公安机关答复（已0日）") && list.body.contains("尚未移送"));
    assert!(list.body.contains("安乡县市场监督管理局") && list.body.contains("/supervision/transfers.csv"));
    let csv = t.get(Some(&jd), "/supervision/transfers.csv").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/csv"));
    assert!(csv.body.contains("案号,执法机关,当事人") && csv.body.contains(&n_waiting));
    assert!(csv.body.contains("安乡县公安局") && csv.body.contains("涉嫌犯罪案件移送书、涉嫌犯罪案件调查报告"));

    // The agency's own head sees them; another agency's officer neither sees nor records.
    let head = t.login("scj-head").await;
    assert!(t.get(Some(&head), "/supervision/transfers").await.body.contains(&n_waiting));
    let other = t.login("ltj-zf").await;
    let list = t.get(Some(&other), "/supervision/transfers").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(!list.body.contains(&n_waiting) && !list.body.contains(&n_flagged));
    assert!(!t.get(Some(&other), "/supervision/transfers.csv").await.body.contains(&n_waiting));
    let unflagged = case(&t, "吴某某", 5).await;
    let r = flag(&t, &other, unflagged).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert!(!transfer_state(&t, unflagged).await.flagged());
    let day = today();
    let action = format!("/cases/{waiting}/transfer/outcome");
    let r = t.post_form(&other, &action, &[("on", day.as_str()), ("outcome", "accepted")], true).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert!(transfer_state(&t, waiting).await.last().unwrap().outcome.is_none());
}
