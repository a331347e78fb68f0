//! Reason-giving over HTTP, in-process, on either database: the decision form refuses a
//! decision without its four reasons or with a basis that is not a catalogued citation,
//! naming each next to its field (G-01, G-03, G-04); issuing a decision document stored
//! without reasons is refused (G-04); an exemption shows on the case (G-06); a party's
//! request for written reasons is tracked to its deadline on the case page and answered
//! with real reasons (G-05).

mod support;

use axum::http::StatusCode;
use support::*;
use uuid::Uuid;
use zhifa_app::cases::beijing_now;
use zhifa_core::case::{CaseEvent, RecordKind, Stage};
use zhifa_core::events::{Actor, stream};

fn today() -> String {
    beijing_now().format("%Y-%m-%d").to_string()
}

/// A penalty case in its decision stage whose draft proposes 罚款5000元 for a citizen: in
/// the 一般 tier, below 安乡's threshold, so no legal review is needed.
async fn ordinary_case(t: &TestApp) -> Uuid {
    let terms = DraftTerms {
        party: "钱某某",
        considerations: "个体门店，经营场所较小",
        proposal: "罚款五千元",
        tier: "一般",
        fine: "5000",
    };
    penalty_case_in_decision(t, &terms).await
}

/// The decision form's fields, with the four reasons unless `reasons` is false.
fn decision(reasons: bool) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = [
        ("document_number", "安市监罚决〔2026〕21号"),
        ("party", "钱某某"),
        ("facts", "经责令改正后仍未将营业执照置于醒目位置"),
        ("basis", zhifa_app::demo_review::DECISION_BASIS),
        ("discretion", "个体门店，属一般情形"),
        ("conclusion", "罚款人民币五千元"),
        ("performance", "自收到本决定书之日起十五日内缴纳"),
        ("remedies", "六十日内申请行政复议或六个月内提起行政诉讼"),
        ("agency", "安乡县市场监督管理局"),
        ("sealed", "是"),
        ("violation_code", "AX-SC-DJ-001"),
        ("tier", "一般"),
        ("penalty_types", "罚款"),
        ("fine", "5000"),
    ]
    .iter()
    .map(|(k, v)| (format!("fields.{k}"), v.to_string()))
    .chain([("fields.decided_on".to_string(), today())])
    .collect();
    if reasons {
        v.extend(
            [
                ("fields.fact_reasons", "复查时营业执照仍未置于醒目位置，与责令改正通知书相互印证"),
                ("fields.evidence_reasons", "责令改正通知书由本局依法制作送达，来源合法、内容真实，予以采信"),
                ("fields.basis_reasons", "违反条例第三十六条，经责令改正拒不改正，符合第四十八条第一款"),
                ("fields.discretion_reasons", "个体门店经营场所较小，属一般阶次，在该阶次幅度内确定罚款"),
            ]
            .map(|(k, v)| (k.to_string(), v.to_string())),
        );
    }
    v
}

fn set(fields: &mut [(String, String)], key: &str, value: &str) {
    fields.iter_mut().find(|(k, _)| k == key).unwrap().1 = value.to_string();
}

async fn post(t: &TestApp, b: &Browser, path: &str, fields: &[(String, String)]) -> Resp {
    let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    t.post_form(b, path, &refs, true).await
}

async fn records_of(t: &TestApp, id: Uuid, kind: RecordKind) -> Vec<Uuid> {
    let (case, ..) = t.app.db.load_case(id).await.unwrap().unwrap();
    case.records_of(kind).map(|r| r.record.id).collect()
}

// rule: G-01
// rule: G-03
// rule: G-04
#[tokio::test]
async fn the_decision_form_names_each_missing_reason_and_each_bad_citation() {
    let t = TestApp::with_demo().await;
    let id = ordinary_case(&t).await;
    let zf = t.login("scj-zf").await;
    let form = t.get(Some(&zf), &format!("/cases/{id}/records/new?kind=decision_document")).await;
    assert_eq!(form.status, StatusCode::OK);
    for label in
        ["认定事实的理由", "证据采信的理由", "适用法律依据的理由", "行使裁量权的理由", "不说明理由的情形（G-06）"]
    {
        assert!(form.body.contains(label), "{label}");
    }
    assert!(form.body.contains("每行一条，写明法律全称及条、款、项、目"));
    let path = format!("/cases/{id}/records?kind=decision_document");
    // No reasons: each of the four is named.
    let r = post(&t, &zf, &path, &decision(false)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    for label in ["缺少认定事实的理由", "缺少证据采信的理由", "缺少适用法律依据的理由", "缺少行使裁量权的理由"]
    {
        assert!(r.body.contains(label), "{label}");
    }
    // A placeholder is no reason; a line that is no citation and one not in the catalogue
    // are named; the fine in the decision differs from the fine decided.
    let mut bad = decision(true);
    set(&mut bad, "fields.evidence_reasons", "详见卷宗");
    set(
        &mut bad,
        "fields.basis",
        "《中华人民共和国市场主体登记管理条例》第三十六条\n市场主体登记管理条例第四十八条\n《中华人民共和国食品安全法》第九十九条",
    );
    set(&mut bad, "fields.conclusion", "罚款人民币六千元");
    let r = post(&t, &zf, &path, &bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    for m in [
        "证据采信的理由不成立",
        "第2行“市场主体登记管理条例第四十八条”",
        "《中华人民共和国食品安全法》第九十九条不在本机关法律依据目录中",
        "与罚款金额栏的5,000.00元不一致",
    ] {
        assert!(r.body.contains(m), "{m}");
    }
    assert!(records_of(&t, id, RecordKind::DecisionDocument).await.is_empty(), "nothing stored");
    // With the four reasons and a catalogued basis, the decision is made; the case shows it.
    let r = post(&t, &zf, &path, &decision(true)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = t.get(Some(&zf), &format!("/cases/{id}")).await;
    assert!(page.body.contains("决定书已说明认定事实的理由、证据采信的理由、适用法律依据的理由、行使裁量权的理由"));
}

// rule: G-04
#[tokio::test]
async fn a_decision_document_stored_without_reasons_is_not_issued() {
    let t = TestApp::with_demo().await;
    let id = ordinary_case(&t).await;
    let zf = t.login("scj-zf").await;
    // A decision document as stored before the reasons had fields of their own.
    let (case, version, _) = t.app.db.load_case(id).await.unwrap().unwrap();
    let fields = decision(false).into_iter().map(|(k, v)| (k.trim_start_matches("fields.").to_string(), v)).collect();
    let record = zhifa_core::case::Record {
        id: Uuid::new_v4(),
        kind: RecordKind::DecisionDocument,
        stage: Stage::Decision,
        fields,
        officers: vec![],
        credentials_shown: false,
        auxiliaries: vec![],
        officers_signed: vec![],
        signature: None,
        serves: None,
        form_number: None,
        penalty: None,
        sensitivity: Default::default(),
        assessment: None,
        entered_on: None,
        points: vec![],
        host: None,
    };
    let rid = record.id;
    assert_eq!(case.current_stage(), Some(Stage::Decision));
    t.app
        .db
        .append_to(
            &Actor::system("迁移前的旧记录"),
            &stream::case(id),
            version,
            vec![CaseEvent::RecordAdded { record }.into()],
        )
        .await
        .unwrap();
    let r = t.post_form(&zf, &format!("/cases/{id}/records/{rid}/issue"), &[], true).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let location = r.headers["location"].to_str().unwrap();
    let notice: String = form_urlencoded::parse(location.split_once('?').unwrap().1.as_bytes())
        .find(|(k, _)| k == "notice")
        .unwrap()
        .1
        .into_owned();
    assert!(notice.contains("决定书不能出具：缺少认定事实的理由"), "{notice}");
    let (case, ..) = t.app.db.load_case(id).await.unwrap().unwrap();
    assert!(case.documents.is_empty(), "nothing issued");
    // Nor does the decision stage complete with it.
    let r = t.post_form(&zf, &format!("/cases/{id}/stages/decision"), &[], true).await;
    let (case, ..) = t.app.db.load_case(id).await.unwrap().unwrap();
    assert_eq!(case.current_stage(), Some(Stage::Decision), "{}", r.body);
}

// rule: G-05
// rule: G-06
#[tokio::test]
async fn a_request_for_reasons_is_tracked_on_the_case_and_answered_with_reasons() {
    let t = TestApp::with_demo().await;
    let id = ordinary_case(&t).await;
    let zf = t.login("scj-zf").await;
    // An emergency decision without reasons: the ground shows on the case.
    let mut fields = decision(false);
    fields.extend(
        [
            ("fields.reasons_exemption", "出现紧急事由必须立即处理"),
            ("fields.exemption_detail", "门店即将转让，须当即作出决定以免当事人逃避处罚"),
        ]
        .map(|(k, v)| (k.to_string(), v.to_string())),
    );
    let r = post(&t, &zf, &format!("/cases/{id}/records?kind=decision_document"), &fields).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let doc = records_of(&t, id, RecordKind::DecisionDocument).await[0];
    let page = t.get(Some(&zf), &format!("/cases/{id}")).await;
    assert!(page.body.contains("依法不说明理由（出现紧急事由必须立即处理）：门店即将转让"), "{}", page.body);
    // The request names the decision; the case page shows its deadline.
    let form = t.get(Some(&zf), &format!("/cases/{id}/records/new?kind=reasons_request")).await;
    assert!(form.body.contains(&doc.to_string()) && form.body.contains("申请说明理由的决定"));
    let day = today();
    let request = [
        ("serves", doc.to_string()),
        ("fields.requested_on", day.clone()),
        ("fields.requester", "钱某某".to_string()),
        ("fields.about", "为何不说明处罚理由".to_string()),
        ("fields.method", "书面".to_string()),
    ]
    .map(|(k, v)| (k.to_string(), v));
    let r = post(&t, &zf, &format!("/cases/{id}/records?kind=reasons_request"), &request).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let due = (beijing_now().date() + chrono::Days::new(7)).format("%Y-%m-%d 23:59").to_string();
    let page = t.get(Some(&zf), &format!("/cases/{id}")).await;
    assert!(page.body.contains("G-05"), "{}", page.body);
    assert!(page.body.contains("紧急情况下作出的决定，当事人钱某某申请说明理由，7日内书面说明"));
    assert!(page.body.contains(&due), "due {due}");
    assert!(page.body.contains("1次尚未答复"));
    // A reply of no reasons is refused next to its field; a real one meets the deadline.
    let req = records_of(&t, id, RecordKind::ReasonsRequest).await[0];
    let mut reply = [("serves", req.to_string()), ("fields.replied_on", day), ("fields.reasons", "见附件".to_string())]
        .map(|(k, v)| (k.to_string(), v));
    let r = post(&t, &zf, &format!("/cases/{id}/records?kind=reasons_reply"), &reply).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("书面说明的理由不成立"), "{}", r.body);
    reply[2].1 = "当事人门店即将转让，经现场核实其拒不改正，依条例第四十八条第一款在一般阶次内罚款五千元".into();
    let r = post(&t, &zf, &format!("/cases/{id}/records?kind=reasons_reply"), &reply).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = t.get(Some(&zf), &format!("/cases/{id}")).await;
    assert!(page.body.contains("按期完成") && page.body.contains("均已答复"), "{}", page.body);
}
