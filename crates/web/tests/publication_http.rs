//! A decision's way to the portal over HTTP, in-process (D-05…D-07, D-14): issuing the
//! decision prepares its publication by itself; the agency previews the redacted notice
//! with what was taken out; published, it is on the portal with the party's name masked
//! and no personal numbers; it cannot be published twice.

mod support;

use axum::http::StatusCode;
use support::*;
use uuid::Uuid;
use zhifa_app::cases::{RecordInput, beijing_now};
use zhifa_app::demo_penalty::DemoPenalty;
use zhifa_core::case::RecordKind;
use zhifa_core::case::review::decide::{Conclude, Submission};
use zhifa_core::case::review::{ChecklistAnswer, ChecklistItem, Opinion};

const ID_NUMBER: &str = "430721199001011234";
const MOBILE: &str = "13812345678";

/// A major penalty for 王小明, approved by the legal unit, its decision made (with his ID
/// number and mobile typed into the facts) and issued. Returns the case and the decision.
async fn issued_decision(t: &TestApp) -> (Uuid, Uuid) {
    let app = &t.app;
    let who = |u: &'static str| async move { app.db.account_for_login(u).await.unwrap().unwrap().0.principal() };
    let (zf, fzsh) = (who("scj-zf").await, who("scj-fzsh").await);
    let case = DemoPenalty { address: "安乡县深柳镇书院洲路8号", ..DemoPenalty::major("王小明") };
    let id = app.demo_penalty_in_decision(&case).await.unwrap();
    app.submit_review(&zf, id, Submission::default()).await.unwrap();
    let round = app.db.load_case(id).await.unwrap().unwrap().0.review.rounds[0].id;
    let checklist = ChecklistItem::ALL
        .iter()
        .map(|i| ChecklistAnswer { item: *i, answer: i.sound_answer(), note: String::new() })
        .collect();
    let conclude =
        Conclude { round, checklist, opinion: Opinion::Approve, reasons: "事实清楚，裁量适当".into() };
    app.conclude_review(&fzsh, id, conclude).await.unwrap();
    let today = beijing_now().format("%Y-%m-%d").to_string();
    let mut doc = RecordInput::new(RecordKind::DecisionDocument, &[]);
    for (k, v) in zhifa_app::demo_review::decision_fields("王小明", &today) {
        doc.fields.insert(k.into(), v);
    }
    doc.fields.insert(
        "facts".into(),
        format!(
            "当事人王小明（身份证号码{ID_NUMBER}，手机{MOBILE}，住址安乡县深柳镇书院洲路8号）经责令改正后仍未将营业执照置于醒目位置，有责令改正通知书及送达回证为证"
        ),
    );
    let rid = app.add_record(&zf, id, doc).await.unwrap();
    app.issue_document(&zf, id, rid).await.unwrap();
    (id, rid)
}

// rule: D-14
// rule: D-07
#[tokio::test]
async fn an_issued_decision_is_previewed_redacted_then_published_on_the_portal() {
    let t = TestApp::with_demo_and_files().await;
    let (id, rid) = issued_decision(&t).await;
    // Prepared by the issue itself, not yet public.
    let portal = t.get(None, "/gs/decisions").await;
    assert_eq!(portal.status, StatusCode::OK);
    assert!(!portal.body.contains(&rid.to_string()), "not public before it is published");
    assert_eq!(t.get(None, &format!("/gs/decisions/{rid}")).await.status, StatusCode::NOT_FOUND);

    // The handling officer's preview: the notice as the portal will show it, and what was
    // taken out.
    let zf = t.login("scj-zf").await;
    let case_page = t.get(Some(&zf), &format!("/cases/{id}")).await;
    assert!(case_page.body.contains(&format!("/cases/{id}/publications/{rid}")), "the case page links the publication");
    let preview = t.get(Some(&zf), &format!("/cases/{id}/publications/{rid}")).await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    assert!(preview.body.contains("待公示") && preview.body.contains("王**"), "{}", preview.body);
    assert!(preview.body.contains("［已删除：身份证号码］"), "{}", preview.body);
    assert!(preview.body.contains(ID_NUMBER), "the agency sees what was removed");
    assert!(preview.body.contains("安市监罚决〔") && preview.body.contains("罚款人民币一万五千元"));
    // Another agency's officer sees nothing of it.
    let other = t.login("ltj-zf").await;
    let refused = t.get(Some(&other), &format!("/cases/{id}/publications/{rid}")).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(!refused.body.contains(ID_NUMBER));
    let confirm = t.get(Some(&other), &format!("/cases/{id}/publications/{rid}/publish")).await;
    assert_eq!(confirm.status, StatusCode::FORBIDDEN, "nor the confirmation");

    // Published: on the portal, redacted.
    let action = format!("/cases/{id}/publications/{rid}/publish");
    let r = t.post_form(&zf, &action, &[], true).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let list = t.get(None, "/gs/decisions").await;
    assert!(list.body.contains(&format!("/gs/decisions/{rid}")) && list.body.contains("王**"), "{}", list.body);
    let page = t.get(None, &format!("/gs/decisions/{rid}")).await;
    assert_eq!(page.status, StatusCode::OK);
    for kept in ["王**", "安市监罚决〔", "罚款人民币一万五千元", "行政处罚", "市场主体登记管理条例", "公示期至"]
    {
        assert!(page.body.contains(kept), "{kept}: {}", page.body);
    }
    for gone in ["王小明", ID_NUMBER, MOBILE, "书院洲路8号", "事实清楚，裁量适当"] {
        assert!(!page.body.contains(gone), "{gone} must not be published");
    }
    // Not twice: refused in Chinese, nothing appended.
    let again = t.post_form(&zf, &action, &[], true).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", again.body);
    let events = t.app.db.load_stream(&zhifa_core::events::stream::publication(rid)).await.unwrap();
    assert_eq!(events.len(), 2, "prepared, published");
}

// rule: D-08
#[tokio::test]
async fn at_the_end_of_its_period_a_publication_is_taken_down_by_an_event_and_the_notice_stays() {
    let t = TestApp::with_demo_and_files().await;
    let (id, rid) = issued_decision(&t).await;
    let zf = t.login("scj-zf").await;
    let r = t.post_form(&zf, &format!("/cases/{id}/publications/{rid}/publish"), &[], true).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let until = t.app.db.publication_row(rid).await.unwrap().unwrap().takedown_on.unwrap();
    // A citizen party: 安乡's retention_days_person (183) from today.
    assert_eq!(until, beijing_now().date() + chrono::Days::new(183));
    // The day before: nothing to take down.
    assert_eq!(t.app.take_down_expired(until - chrono::Days::new(1)).await.unwrap(), 0);
    assert!(t.get(None, "/gs/decisions").await.body.contains(&rid.to_string()));
    // On the day: taken down by a system event; the portal no longer shows it; the notice
    // is still in the record.
    assert_eq!(t.app.take_down_expired(until).await.unwrap(), 1);
    assert_eq!(t.app.take_down_expired(until).await.unwrap(), 0, "once");
    let events = t.app.db.load_stream(&zhifa_core::events::stream::publication(rid)).await.unwrap();
    assert_eq!(events.len(), 3);
    assert_eq!(events[2].event_type, "TakenDown");
    assert!(events[2].actor.name.contains("公示期满撤下"));
    assert_eq!(t.app.db.publication_row(rid).await.unwrap().unwrap().status, "taken_down");
    let (p, _) = t.app.db.load_publication(rid).await.unwrap().unwrap();
    assert!(p.notice.facts.contains("［已删除：身份证号码］"));
    let preview = t.get(Some(&zf), &format!("/cases/{id}/publications/{rid}")).await;
    assert!(preview.body.contains("已于") && preview.body.contains("撤下"), "{}", preview.body);
}

// rule: D-06
#[tokio::test]
async fn a_decision_corrected_after_issue_is_published_only_as_reissued() {
    let t = TestApp::with_demo_and_files().await;
    let (id, rid) = issued_decision(&t).await;
    let zf_p = t.app.db.account_for_login("scj-zf").await.unwrap().unwrap().0.principal();
    let corrected = "当事人经责令改正后逾期仍未将营业执照置于经营场所醒目位置，有责令改正通知书及送达回证为证";
    let fields = std::collections::BTreeMap::from([("facts".to_string(), corrected.to_string())]);
    t.app.correct_record(&zf_p, id, rid, "事实表述更正", fields).await.unwrap();
    // Not published as it was prepared from the first issue.
    let zf = t.login("scj-zf").await;
    let action = format!("/cases/{id}/publications/{rid}/publish");
    let r = t.post_form(&zf, &action, &[], true).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("请先重新出具"), "{}", r.body);
    // Re-issued: the publication is prepared again from the corrected decision.
    t.app.issue_document(&zf_p, id, rid).await.unwrap();
    let (p, _) = t.app.db.load_publication(rid).await.unwrap().unwrap();
    assert_eq!(p.notice.facts, corrected);
    let r = t.post_form(&zf, &action, &[], true).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = t.get(None, &format!("/gs/decisions/{rid}")).await;
    assert!(page.body.contains("逾期仍未将营业执照") && !page.body.contains(ID_NUMBER), "{}", page.body);
}
