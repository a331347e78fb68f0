//! A decision's way to the portal over HTTP, in-process (D-05…D-07, D-14): issuing the
//! decision prepares its publication by itself; the agency previews the redacted notice
//! with what was taken out; published, it is on the portal with the party's name masked
//! and no personal numbers; it cannot be published twice.

mod support;

use axum::http::StatusCode;
use support::*;
use uuid::Uuid;
use zhifa_app::cases::beijing_now;
use zhifa_app::demo_penalty::DemoPenalty;

const ID_NUMBER: &str = "430721199001011234";
const MOBILE: &str = "13812345678";

/// A major penalty for 王小明, approved by the legal unit, its decision made (with his ID
/// number and mobile typed into the facts) and issued. Returns the case and the decision.
async fn issued_decision(t: &TestApp) -> (Uuid, Uuid) {
    let case = DemoPenalty { address: "安乡县深柳镇书院洲路8号", ..DemoPenalty::major("王小明") };
    let facts = format!(
        "当事人王小明（身份证号码{ID_NUMBER}，手机{MOBILE}，住址安乡县深柳镇书院洲路8号）经责令改正后仍未将营业执照置于醒目位置，有责令改正通知书及送达回证为证"
    );
    t.app.demo_issued_decision(&case, &facts).await.unwrap()
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
    for gone in ["王小明", ID_NUMBER, MOBILE, "书院洲路8号", "事实清楚，证据确凿，裁量适当"] {
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

/// Issues and publishes the demo decision; returns the case and the decision.
async fn published_decision(t: &TestApp) -> (Uuid, Uuid) {
    let (id, rid) = issued_decision(t).await;
    let zf = t.login("scj-zf").await;
    let r = t.post_form(&zf, &format!("/cases/{id}/publications/{rid}/publish"), &[], true).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    (id, rid)
}

fn search_url(pairs: &[(&str, &str)]) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        s.append_pair(k, v);
    }
    format!("/gs/decisions?{}", s.finish())
}

// rule: D-14
// rule: D-07
#[tokio::test]
async fn a_published_decision_is_found_by_a_chinese_phrase_with_its_words_marked() {
    let t = TestApp::with_demo_and_files().await;
    let (_, rid) = issued_decision(&t).await;
    let link = format!("/gs/decisions/{rid}");
    // Not found before it is published: the index holds only what the portal shows.
    let before = t.get(None, &search_url(&[("q", "营业执照置于醒目位置")])).await;
    assert_eq!(before.status, StatusCode::OK, "{}", before.body);
    assert!(!before.body.contains(&link) && before.body.contains("共 0 条"), "{}", before.body);

    let zf = t.login("scj-zf").await;
    let id = t.app.db.publication_row(rid).await.unwrap().unwrap().case_id;
    let r = t.post_form(&zf, &format!("/cases/{id}/publications/{rid}/publish"), &[], true).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    let found = t.get(None, &search_url(&[("q", "营业执照置于醒目位置")])).await;
    assert_eq!(found.status, StatusCode::OK);
    assert!(found.body.contains(&link) && found.body.contains("共 1 条"), "{}", found.body);
    assert!(found.body.contains("<mark>执照</mark>") || found.body.contains("<mark>营业执照</mark>"), "{}", found.body);
    assert!(found.body.contains("王**") && !found.body.contains("王小明"), "the party masked in the hit");
    assert!(!found.body.contains(ID_NUMBER) && !found.body.contains(MOBILE), "no personal numbers in the hit");
    // The removed ID number cannot be searched for either.
    let by_id = t.get(None, &search_url(&[("q", ID_NUMBER)])).await;
    assert!(!by_id.body.contains(&link), "{}", by_id.body);
    // The document number finds it; words that are in no decision find nothing.
    let number = t.app.db.publication_row(rid).await.unwrap().unwrap().notice.document_number;
    assert!(t.get(None, &search_url(&[("q", &number)])).await.body.contains(&link));
    assert!(!t.get(None, &search_url(&[("q", "无照经营烟草制品")])).await.body.contains(&link));

    // Filters: its agency, kind, area and date find it; others do not.
    let row = t.app.db.publication_row(rid).await.unwrap().unwrap();
    let today = beijing_now().date();
    let agency = row.agency_id.to_string();
    let area = t.app.db.agency(row.agency_id).await.unwrap().unwrap().info.jurisdiction;
    let (d, next) = (today.to_string(), (today + chrono::Days::new(1)).to_string());
    for pairs in [
        vec![("q", "营业执照"), ("agency", agency.as_str())],
        vec![("kind", "penalty")],
        vec![("area", area.as_str())],
        vec![("from", d.as_str()), ("to", d.as_str())],
    ] {
        let r = t.get(None, &search_url(&pairs)).await;
        assert!(r.body.contains(&link), "{pairs:?}: {}", r.body);
    }
    for pairs in [vec![("q", "营业执照"), ("kind", "permit")], vec![("from", next.as_str())]] {
        let r = t.get(None, &search_url(&pairs)).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(!r.body.contains(&link), "{pairs:?}: {}", r.body);
    }
    // The filters typed are kept in the form.
    let kept = t.get(None, &search_url(&[("q", "营业执照"), ("kind", "penalty")])).await;
    assert!(kept.body.contains("value=\"营业执照\"") && kept.body.contains("value=\"penalty\" selected"));
}

// rule: D-08
#[tokio::test]
async fn a_decision_taken_down_leaves_the_search_and_a_rebuilt_index_finds_the_same() {
    let t = TestApp::with_demo_and_files().await;
    let (_, rid) = published_decision(&t).await;
    let link = format!("/gs/decisions/{rid}");
    let url = search_url(&[("q", "营业执照")]);
    assert!(t.get(None, &url).await.body.contains(&link));
    // Rebuilt from the rows: the same hit.
    assert_eq!(t.app.rebuild_search().await.unwrap(), 1);
    assert!(t.get(None, &url).await.body.contains(&link));
    // Taken down at the end of its period: gone from the search too.
    let until = t.app.db.publication_row(rid).await.unwrap().unwrap().takedown_on.unwrap();
    assert_eq!(t.app.take_down_expired(until).await.unwrap(), 1);
    let after = t.get(None, &url).await;
    assert!(!after.body.contains(&link), "{}", after.body);
    assert_eq!(t.app.rebuild_search().await.unwrap(), 0);
}

#[tokio::test]
async fn bad_search_input_is_explained_next_to_its_field_and_never_a_server_error() {
    let t = TestApp::with_demo().await;
    let long = "罚".repeat(101);
    let r = t.get(None, &search_url(&[("q", &long)])).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("检索词过长") && r.body.contains("aria-invalid=\"true\""), "{}", r.body);
    let r = t.get(None, &search_url(&[("from", "2026-13-45")])).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("无法识别") && r.body.contains("2026-13-45"), "{}", r.body);
    let r = t.get(None, &search_url(&[("from", "2026-11-02"), ("to", "2026-11-01")])).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("起始日期"), "{}", r.body);
    let r = t.get(None, &search_url(&[("agency", "not-an-id")])).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("执法机关选择无效"));
    // Whatever the query string: a page, never a 500 nor a bare framework 400, and what
    // was typed comes back escaped.
    let nasty = [
        "q=%ZZ%",
        "q=%FF%FE%00",
        "q=a&q=b&q=%E8%90%A5%E4%B8%9A",
        "page=-1",
        "page=99999999999999999999999",
        "page=abc&kind=",
        "kind=%3Cscript%3Ealert(1)%3C/script%3E",
        "q=%3Cscript%3Ealert(1)%3C/script%3E",
        "area=%3Cb%3E",
        "to=2026-02-30",
        "q=*%3A*%20AND%20(%22",
        "=&&&=&q",
        "q=%E3%80%82%EF%BC%8C",
    ];
    for raw in nasty {
        let r = t.get(None, &format!("/gs/decisions?{raw}")).await;
        assert!(matches!(r.status.as_u16(), 200 | 422), "{raw}: {} {}", r.status, r.body);
        assert!(r.body.contains("<h1>行政执法决定公示</h1>"), "{raw}: {}", r.body);
        assert!(!r.body.contains("<script>"), "{raw}");
    }
    let huge = format!("/gs/decisions?q={}", "%E7%BD%9A".repeat(1_000));
    let r = t.get(None, &huge).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("检索条件过长"), "{}", r.body);
}

// rule: D-14
#[tokio::test]
async fn open_data_the_api_the_export_and_the_feed_carry_the_published_decision_redacted() {
    let t = TestApp::with_demo_and_files().await;
    let (_, rid) = published_decision(&t).await;
    let today = beijing_now().date().to_string();

    let r = t.get(None, "/api/v1/open/decisions?q=%E8%90%A5%E4%B8%9A%E6%89%A7%E7%85%A7").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["total"], 1);
    assert_eq!(v["hits"][0]["id"], rid.to_string());
    assert_eq!(v["hits"][0]["party"], "王**");

    let r = t.get(None, &format!("/api/v1/open/decisions/{rid}")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let d: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(d["status"], "public");
    assert!(d["facts"].as_str().unwrap().contains("［已删除：身份证号码］"));
    assert!(!r.body.contains(ID_NUMBER) && !r.body.contains("王小明"));
    assert_eq!(t.get(None, &format!("/api/v1/open/decisions/{}", Uuid::new_v4())).await.status, StatusCode::NOT_FOUND);

    let r = t.get(None, &format!("/api/v1/open/export?from={today}&to={today}")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let all: Vec<serde_json::Value> = serde_json::from_str(&r.body).unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0]["document_number"], d["document_number"]);
    let csv = t.get(None, &format!("/api/v1/open/export?from={today}&to={today}&format=csv")).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.headers[axum::http::header::CONTENT_TYPE].to_str().unwrap().starts_with("text/csv"));
    assert!(csv.body.starts_with('\u{feff}'), "a BOM for spreadsheet programs");
    let mut reader = csv::Reader::from_reader(csv.body.trim_start_matches('\u{feff}').as_bytes());
    assert!(reader.headers().unwrap().iter().any(|h| h == "决定文书号"));
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1, "{}", csv.body);
    assert_eq!(&rows[0][0], rid.to_string().as_str());
    assert_eq!(&rows[0][9], "王**");
    assert!(rows[0][11].contains("市场主体登记管理条例"), "a basis of several lines stays one field");
    assert_eq!(&rows[0][14], "行政执法决定", "what the notice is");
    assert!(!csv.body.contains(ID_NUMBER));
    // Nothing published on another range.
    let r = t.get(None, "/api/v1/open/export?from=2020-01-01&to=2020-12-31").await;
    assert_eq!(r.body, "[]");
    for (q, field) in [
        ("to=2026-01-01", "from"),
        ("from=2025-01-01&to=2026-06-01", "to"),
        ("from=2026-01-02&to=2026-01-01", "to"),
        ("from=2026-01-01&to=2026-01-02&format=xls", "format"),
        ("from=yesterday&to=2026-01-01", "from"),
    ] {
        let r = t.get(None, &format!("/api/v1/open/export?{q}")).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{q}: {}", r.body);
        let e: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(e["field"], field, "{q}: {}", r.body);
    }

    let feed = t.get(None, "/gs/feed.atom").await;
    assert_eq!(feed.status, StatusCode::OK);
    assert!(feed.headers[axum::http::header::CONTENT_TYPE].to_str().unwrap().starts_with("application/atom+xml"));
    assert!(feed.body.starts_with("<?xml") && feed.body.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\""));
    assert!(feed.body.contains(&format!("<id>urn:uuid:{rid}</id>")) && feed.body.contains("王**"), "{}", feed.body);
    assert!(!feed.body.contains(ID_NUMBER) && !feed.body.contains("王小明"));
    assert_eq!(feed.body.matches("<entry>").count(), 1);
}

// rule: X-01
#[tokio::test]
async fn anyone_verifies_a_publication_against_the_signed_ledger() {
    let t = TestApp::with_demo_and_files().await;
    let (_, rid) = issued_decision(&t).await;
    // Not public yet: nothing to verify.
    assert_eq!(t.get(None, &format!("/gs/decisions/{rid}/proof")).await.status, StatusCode::NOT_FOUND);
    let zf = t.login("scj-zf").await;
    let id = t.app.db.publication_row(rid).await.unwrap().unwrap().case_id;
    let r = t.post_form(&zf, &format!("/cases/{id}/publications/{rid}/publish"), &[], true).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = t.get(None, &format!("/gs/decisions/{rid}")).await;
    assert!(page.body.contains(&format!("/gs/decisions/{rid}/proof")));
    let proof = t.get(None, &format!("/gs/decisions/{rid}/proof")).await;
    assert_eq!(proof.status, StatusCode::OK, "{}", proof.body);
    assert!(proof.body.contains("✔ 已验证"), "{}", proof.body);
    assert!(proof.body.contains("生成公示信息") && proof.body.contains("第 2 步：发布"), "{}", proof.body);
    assert!(proof.body.contains("王**") && !proof.body.contains(ID_NUMBER) && !proof.body.contains("王小明"));
    let key = t.get(None, "/ledger/key").await.body;
    assert!(proof.body.contains(key.trim()), "the published key");
}

// rule: D-05
#[tokio::test]
async fn the_agency_and_the_supervisors_see_what_waits_for_publication_and_what_is_late() {
    let t = TestApp::with_demo_and_files().await;
    let (_, rid) = issued_decision(&t).await;
    let row = t.app.db.publication_row(rid).await.unwrap().unwrap();
    let zf = t.login("scj-zf").await;
    let own = t.get(Some(&zf), "/publications").await;
    assert_eq!(own.status, StatusCode::OK, "{}", own.body);
    assert!(own.body.contains(&row.notice.document_number) && own.body.contains("待公示"), "{}", own.body);
    assert!(own.body.contains(&row.due.to_string()));
    // Not late yet: on time today, late the day after the deadline.
    assert!(zhifa_app::portal::lateness(&row, row.due).is_none());
    let late = zhifa_app::portal::lateness(&row, row.due + chrono::Days::new(1)).unwrap();
    assert!(late.contains("逾期未公示") && late.contains(&row.due.to_string()), "{late}");
    let mut published_late = row.clone();
    published_late.status = "public".into();
    published_late.published_on = Some(row.due + chrono::Days::new(2));
    assert!(
        zhifa_app::portal::lateness(&published_late, row.due + chrono::Days::new(30)).unwrap().contains("逾期公示")
    );
    // The judicial bureau sees every agency's, with the agency named; another agency's
    // officer sees none of this one's; an auxiliary is refused.
    let sfj = t.login("sfj-jd").await;
    let all = t.get(Some(&sfj), "/publications").await;
    assert_eq!(all.status, StatusCode::OK);
    assert!(
        all.body.contains(&row.notice.document_number) && all.body.contains("安乡县市场监督管理局"),
        "{}",
        all.body
    );
    let other = t.login("ltj-zf").await;
    assert!(!t.get(Some(&other), "/publications").await.body.contains(&row.notice.document_number));
    let late_only = t.get(Some(&sfj), "/publications?late=1").await;
    assert!(!late_only.body.contains(&row.notice.document_number), "on time: not among the late");
}

// rule: D-09
#[tokio::test]
async fn a_revoked_decision_is_withdrawn_at_once_and_only_its_explanation_stays_public() {
    let t = TestApp::with_demo_and_files().await;
    let (id, rid) = published_decision(&t).await;
    let zf = t.login("scj-zf").await;
    let preview = t.get(Some(&zf), &format!("/cases/{id}/publications/{rid}")).await;
    assert!(preview.body.contains(&format!("/cases/{id}/publications/{rid}/withdraw")), "{}", preview.body);
    let form = t.get(Some(&zf), &format!("/cases/{id}/publications/{rid}/withdraw")).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("被依法撤销") && form.body.contains("被要求重新作出"));
    let action = format!("/cases/{id}/publications/{rid}/withdraw");
    // No explanation, or no ground: refused next to the field, nothing stored.
    let r = t.post_form(&zf, &action, &[("ground", "revoked"), ("explanation", "无")], true).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("请说明撤回的原因"), "{}", r.body);
    let r = t
        .post_form(&zf, &action, &[("ground", "cancelled"), ("explanation", "行政复议决定撤销原处罚决定")], true)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("请选择撤回原因"));
    let events = || async { t.app.db.load_stream(&zhifa_core::events::stream::publication(rid)).await.unwrap().len() };
    assert_eq!(events().await, 2, "nothing stored by the refusals");
    // Another agency cannot withdraw it.
    let other = t.login("ltj-zf").await;
    let why = "安乡县人民政府行政复议决定书撤销了对王小明的原处罚决定，本机关将重新作出决定";
    let r = t.post_form(&other, &action, &[("ground", "revoked"), ("explanation", why)], true).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    let r = t.post_form(&zf, &action, &[("ground", "revoked"), ("explanation", why)], true).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(events().await, 3);
    // The portal: withdrawn, the explanation with the name masked, no content.
    let page = t.get(None, &format!("/gs/decisions/{rid}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("已撤回") && page.body.contains("行政复议决定书撤销了对王**的原处罚决定"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("王小明") && !page.body.contains("营业执照置于醒目位置"), "{}", page.body);
    // Out of the search and the feed at once; the export says it was withdrawn.
    assert!(!t.get(None, &search_url(&[("q", "营业执照")])).await.body.contains(&format!("/gs/decisions/{rid}")));
    assert!(!t.get(None, "/gs/feed.atom").await.body.contains(&rid.to_string()));
    let today = beijing_now().date();
    let export = t.get(None, &format!("/api/v1/open/export?from={today}&to={today}")).await;
    let all: Vec<serde_json::Value> = serde_json::from_str(&export.body).unwrap();
    assert_eq!(all[0]["status"], "withdrawn");
    assert!(all[0]["facts"].is_null() && all[0]["explanation"].as_str().unwrap().contains("王**"));
    // Not twice.
    let r = t.post_form(&zf, &action, &[("ground", "revoked"), ("explanation", why)], true).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("不能重复撤回"), "{}", r.body);
}

// rule: D-09
#[tokio::test]
async fn a_decision_withdrawn_before_it_was_published_never_appears_on_the_portal() {
    let t = TestApp::with_demo_and_files().await;
    let (id, rid) = issued_decision(&t).await;
    let zf = t.login("scj-zf").await;
    let why = "该决定经复核认定事实不清，已由本机关撤销，不再公示";
    let r = t
        .post_form(
            &zf,
            &format!("/cases/{id}/publications/{rid}/withdraw"),
            &[("ground", "revoked"), ("explanation", why)],
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(t.get(None, &format!("/gs/decisions/{rid}")).await.status, StatusCode::NOT_FOUND);
    let publish = t.post_form(&zf, &format!("/cases/{id}/publications/{rid}/publish"), &[], true).await;
    assert_eq!(
        publish.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a withdrawn notice is not published: {}",
        publish.body
    );
}
