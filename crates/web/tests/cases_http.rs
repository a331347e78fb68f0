//! The case pages in-process: opening a case through the form, stage refusals that list
//! what is missing, the approval chain, the purpose asked before reading, and bad input.

mod support;

use axum::http::StatusCode;
use support::*;
use uuid::Uuid;

/// The demo officers in post at the market regulator, scj-zf's own first.
async fn officers(t: &TestApp, _agency: Uuid) -> Vec<String> {
    t.app.officers_in_post("scj-zf").await.unwrap().into_iter().map(|i| i.to_string()).collect()
}

/// The case-opening form: an ordinary procedure in the handling unit, with the given
/// officers and party, plus any other fields.
#[allow(clippy::too_many_arguments)]
fn case_form<'a>(
    unit: &'a str,
    officers: &[&'a str],
    act_kind: &'a str,
    initiation: &'a str,
    summary: &'a str,
    party_kind: &'a str,
    party_name: &'a str,
    extra: &[(&'a str, &'a str)],
) -> Vec<(&'a str, &'a str)> {
    let mut v = vec![
        ("act_kind", act_kind),
        ("procedure", "ordinary"),
        ("initiation", initiation),
        ("summary", summary),
        ("handling_unit", unit),
        ("party.kind", party_kind),
        ("party.name", party_name),
    ];
    if act_kind == "penalty" {
        v.push(("violation_ended_on", "2026-01-01"));
    }
    v.extend(officers.iter().map(|o| ("officers", *o)));
    v.extend_from_slice(extra);
    v
}

fn case_id_from(location: &str) -> Uuid {
    location.trim_start_matches("/cases/").split(['?', '/']).next().unwrap().parse().unwrap()
}

// rule: R-01
// rule: R-19
// rule: P-02
#[tokio::test]
async fn an_officer_opens_a_case_and_the_stage_refuses_until_the_filing_is_approved() {
    let t = TestApp::with_demo().await;
    let agency = t.agency_id("安乡县市场监督管理局").await;
    let unit = t
        .app
        .db
        .units(agency)
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.kind == zhifa_core::registry::UnitKind::Handling)
        .unwrap()
        .id
        .to_string();
    let ids = officers(&t, agency).await;
    let zf = t.login("scj-zf").await;
    let before = t.app.db.cases_of_agency(agency).await.unwrap().len();

    // Bad input: one officer, a wrong citizen ID. Errors next to the fields; nothing stored.
    let r = t
        .post_form(
            &zf,
            "/cases",
            &case_form(
                &unit,
                &[&ids[0]],
                "penalty",
                "ex_officio",
                "销售过期食品",
                "person",
                "刘某某",
                &[("party.id_number", "430721199001010010")],
            ),
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("身份证号码校验位错误"), "{}", r.body);
    assert_eq!(t.app.db.cases_of_agency(agency).await.unwrap().len(), before);
    let r = t
        .post_form(
            &zf,
            "/cases",
            &case_form(
                &unit,
                &[&ids[0]],
                "penalty",
                "ex_officio",
                "销售过期食品",
                "organisation",
                "安乡县某某超市",
                &[],
            ),
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("执法人员不得少于2人"), "{}", r.body);
    assert_eq!(t.app.db.cases_of_agency(agency).await.unwrap().len(), before);

    let r = t
        .post_form(
            &zf,
            "/cases",
            &case_form(
                &unit,
                &[&ids[0], &ids[1]],
                "penalty",
                "ex_officio",
                "销售过期食品",
                "organisation",
                "安乡县某某超市",
                &[],
            ),
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id = case_id_from(r.headers["location"].to_str().unwrap());
    let page = t.get(Some(&zf), &format!("/cases/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("缺少立案审批表"));
    assert!(page.body.contains("立案之日起90日内作出行政处罚决定"), "N-02 deadline shown");

    let r = t.post_form(&zf, &format!("/cases/{id}/stages/initiation"), &[], true).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("“启动”阶段不能完成：缺少立案审批表"), "{}", r.body);

    // The filing approval form: a missing field is named.
    let path = format!("/cases/{id}/records?kind=filing_approval");
    let r = t.post_form(&zf, &path, &[("fields.reason", "检查发现"), ("fields.party", "超市")], true).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("请填写承办人意见"));
    let r = t
        .post_form(
            &zf,
            &path,
            &[
                ("fields.reason", "检查发现销售过期食品"),
                ("fields.party", "安乡县某某超市"),
                ("fields.handler_opinion", "建议立案"),
                ("fields.unit_opinion", "同意"),
                ("fields.head_approval", "同意立案"),
                ("fields.approved_at", "2026-01-05T10:00"),
                ("officers", &ids[0]),
            ],
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let (case, ..) = t.app.db.load_case(id).await.unwrap().unwrap();
    let rid = case.records[0].record.id;
    assert_eq!(case.records[0].field("approved_at"), "2026-01-05 10:00");
    let r = t.post_form(&zf, &format!("/cases/{id}/stages/initiation"), &[], true).await;
    assert!(r.body.contains("立案审批表的审批流程未完成（待承办人意见）"), "{}", r.body);

    let approve = |who: &'static str, step: &'static str| {
        let t = &t;
        let path = format!("/cases/{id}/records/{rid}/approve");
        async move {
            let b = t.login(who).await;
            t.post_form(&b, &path, &[("step", step), ("approved", "1"), ("opinion", "同意")], true).await
        }
    };
    // The head cannot skip the handler.
    let r = approve("scj-head", "approver").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("应先由承办人签署"), "{}", r.body);
    assert_eq!(approve("scj-zf", "handler").await.status, StatusCode::SEE_OTHER);
    // The handler does not review their own proposal; another account does.
    let r = approve("scj-zf", "reviewer").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("同一账号不能在同一审批流程中签署两个环节"), "{}", r.body);
    assert_eq!(approve("scj-zfb", "reviewer").await.status, StatusCode::SEE_OTHER);
    // The reviewer cannot also approve (R-19: one account, one step).
    let r = approve("scj-zfb", "approver").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("审核意见已由本账号签署"), "{}", r.body);
    let (case, ..) = t.app.db.load_case(id).await.unwrap().unwrap();
    assert_eq!(case.records[0].approvals.len(), 2, "a refused step stores nothing");
    assert_eq!(
        case.records[0].approvals[1].account_id,
        Some(t.app.db.account_for_login("scj-zfb").await.unwrap().unwrap().0.principal().account_id),
        "the step records the account, not only a name"
    );
    assert_eq!(approve("scj-head", "approver").await.status, StatusCode::SEE_OTHER);
    let r = t.post_form(&zf, &format!("/cases/{id}/stages/initiation"), &[], true).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = t.get(Some(&zf), &format!("/cases/{id}")).await;
    assert!(page.body.contains("当前阶段：调查取证"));
    assert!(page.body.contains("完成“启动”阶段"), "the timeline shows it");
}

// rule: R-18
// rule: X-05
#[tokio::test]
async fn a_reader_not_on_the_case_states_a_purpose_and_other_agencies_are_refused() {
    let t = TestApp::with_demo().await;
    let agency = t.agency_id("安乡县市场监督管理局").await;
    let unit = t
        .app
        .db
        .units(agency)
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.kind == zhifa_core::registry::UnitKind::Handling)
        .unwrap()
        .id
        .to_string();
    let ids = officers(&t, agency).await;
    let zf = t.login("scj-zf").await;
    let r = t
        .post_form(
            &zf,
            "/cases",
            &case_form(
                &unit,
                &[&ids[0], &ids[1]],
                "inspection",
                "complaint",
                "噪声扰民",
                "organisation",
                "某某KTV",
                &[],
            ),
            true,
        )
        .await;
    let id = case_id_from(r.headers["location"].to_str().unwrap());
    let reviewer = t.login("scj-fzsh").await;
    let page = t.get(Some(&reviewer), &format!("/cases/{id}")).await;
    assert!(page.body.contains("请先说明调阅事由"), "{}", page.body);
    let page = t.get(Some(&reviewer), &format!("/cases/{id}?purpose=%E6%B3%95%E5%88%B6%E5%AE%A1%E6%A0%B8")).await;
    assert_eq!(page.status, StatusCode::OK);
    let log = t.get(Some(&zf), &format!("/cases/{id}/access")).await;
    assert!(log.body.contains("法制审核"), "{}", log.body);
    let other = t.login("ltj-zf").await;
    let page = t.get(Some(&other), &format!("/cases/{id}?purpose=x")).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    let list = t.get(Some(&other), "/cases").await;
    assert!(!list.body.contains("某某KTV"));
}

// rule: R-08
// rule: R-16
// rule: N-06
#[tokio::test]
async fn administrators_keep_the_av_list_and_form_books_and_officers_declare_conflicts() {
    let t = TestApp::with_demo().await;
    let agency = t.agency_id("安乡县市场监督管理局").await;
    let admin = t.login("scj-admin").await;
    let page = t.get(Some(&admin), &format!("/agencies/{agency}/av-items")).await;
    assert!(page.body.contains("留置送达记录") && page.body.contains("不可删除"), "the law's acts are pre-filled");
    // A mandatory act cannot be listed again; an inquiry can.
    let r = t
        .post_form(
            &admin,
            &format!("/agencies/{agency}/av-items"),
            &[("act", "site_inspection"), ("content", "全程"), ("method", "video")],
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("依法必须全程音像记录"), "{}", r.body);
    let r = t
        .post_form(
            &admin,
            &format!("/agencies/{agency}/av-items"),
            &[("act", "inquiry"), ("place", "询问室"), ("content", "询问全过程"), ("method", "video")],
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let (state, _) = t.app.db.load_agency(agency).await.unwrap().unwrap();
    assert_eq!(
        state.av_requirements().get(&zhifa_core::case::RecordKind::Inquiry),
        Some(&zhifa_core::case::AvRequirement::Video)
    );
    // The demo's investigation case now also lacks its inquiry's video.
    let zf = t.login("scj-zf").await;
    let zf_principal = t.app.db.account_for_login("scj-zf").await.unwrap().unwrap().0.principal();
    let case =
        t.app.cases_for(&zf_principal).await.unwrap().into_iter().find(|c| c.stage == "investigation").unwrap().id;
    let page = t.get(Some(&zf), &format!("/cases/{case}")).await;
    assert!(page.body.contains("询问笔录须有音像记录（录像）"), "{}", page.body);

    // Form books: overlapping ranges are refused.
    let book = |first: &'static str, last: &'static str| {
        [("prefix", "安市监测"), ("first", first), ("last", last), ("width", "6"), ("issued_on", "2026-01-01")]
    };
    let r = t.post_form(&admin, &format!("/agencies/{agency}/form-books"), &book("1", "100"), true).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = t.post_form(&admin, &format!("/agencies/{agency}/form-books"), &book("50", "150"), true).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("重叠"));
    let r = t.post_form(&admin, &format!("/agencies/{agency}/form-books"), &book("x", "150"), true).await;
    assert!(r.body.contains("起始号应为正整数"));

    // A conflict declared by an officer keeps them off that party's cases.
    let officer =
        zf_principal.agency_id.and(t.app.db.account_for_login("scj-zf").await.unwrap().unwrap().0.officer_id).unwrap();
    let r = t
        .post_form(
            &zf,
            &format!("/officers/{officer}/conflicts"),
            &[("party_key", "安乡县某某酒楼"), ("reason", "本人亲属经营"), ("declared_on", "2026-01-02")],
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = t.get(Some(&zf), &format!("/officers/{officer}")).await;
    assert!(page.body.contains("本人亲属经营"));
    let ids = officers(&t, agency).await;
    let unit = t
        .app
        .db
        .units(agency)
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.kind == zhifa_core::registry::UnitKind::Handling)
        .unwrap()
        .id
        .to_string();
    let r = t
        .post_form(
            &zf,
            "/cases",
            &case_form(
                &unit,
                &[&ids[0], &ids[1]],
                "penalty",
                "ex_officio",
                "无证经营",
                "organisation",
                "安乡县某某酒楼",
                &[],
            ),
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("回避事由（本人亲属经营）"), "{}", r.body);
}

// rule: R-18
// rule: X-05
#[tokio::test]
async fn the_correction_form_opens_only_for_those_who_may_correct_and_is_logged() {
    let t = TestApp::with_demo().await;
    let zf_principal = t.app.db.account_for_login("scj-zf").await.unwrap().unwrap().0.principal();
    let case =
        t.app.cases_for(&zf_principal).await.unwrap().into_iter().find(|c| c.stage == "investigation").unwrap().id;
    let (state, ..) = t.app.db.load_case(case).await.unwrap().unwrap();
    let inquiry = state.records_of(zhifa_core::case::RecordKind::Inquiry).next().unwrap();
    let secret = inquiry.field("content").to_string();
    let path = format!("/cases/{case}/records/{}/correct", inquiry.record.id);
    for who in ["sfj-jd", "scj-fzsh", "ltj-zf"] {
        let b = t.login(who).await;
        let page = t.get(Some(&b), &path).await;
        assert_ne!(page.status, StatusCode::OK, "{who}");
        assert!(!page.body.contains(&secret), "{who} must not see the record");
    }
    let before = t.app.db.access_log(case).await.unwrap().len();
    let zf = t.login("scj-zf").await;
    let page = t.get(Some(&zf), &path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(&secret));
    assert_eq!(t.app.db.access_log(case).await.unwrap().len(), before + 1, "opening the form is logged");
}

// rule: R-05
// rule: R-14
// rule: R-18
#[tokio::test]
async fn record_forms_ask_for_the_officers_signatures_mail_kinds_and_copies_without_secrets() {
    let t = TestApp::with_demo().await;
    let zf_principal = t.app.db.account_for_login("scj-zf").await.unwrap().unwrap().0.principal();
    let case =
        t.app.cases_for(&zf_principal).await.unwrap().into_iter().find(|c| c.stage == "investigation").unwrap().id;
    let (state, ..) = t.app.db.load_case(case).await.unwrap().unwrap();
    let officers: Vec<String> = state.officers.iter().map(|o| o.officer_id.to_string()).collect();
    let zf = t.login("scj-zf").await;

    // the inquiry form asks which officers signed; a missing signature is refused.
    let form = t.get(Some(&zf), &format!("/cases/{case}/records/new?kind=inquiry")).await;
    assert!(form.body.contains("已在笔录上签名的执法人员"), "{}", form.body);
    // Now: an act is dated neither after today nor before the case was opened (P-02).
    let at = zhifa_app::cases::beijing_now().format("%Y-%m-%dT%H:%M").to_string();
    // The form as posted, with the first `signed` officers' signatures.
    let inquiry = |signed: usize| {
        let mut v = vec![
            ("fields.interviewee", "刘建军"),
            ("fields.place", "询问室"),
            ("fields.started_at", at.as_str()),
            ("fields.ended_at", at.as_str()),
            ("fields.rights_notified", "是"),
            ("fields.content", "问：……答：……"),
            ("officers", officers[0].as_str()),
            ("officers", officers[1].as_str()),
            ("credentials_shown", "1"),
            ("signature.kind", "signed"),
            ("signature.signer", "刘建军"),
        ];
        v.extend(officers[..signed].iter().map(|o| ("officers_signed", o.as_str())));
        v
    };
    let before = state.records.len();
    let path = format!("/cases/{case}/records?kind=inquiry");
    let r = t.post_form(&zf, &path, &inquiry(1), true).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("未在询问笔录上签名；实施本行为的每名执法人员均须签名"), "{}", r.body);
    assert_eq!(t.app.db.load_case(case).await.unwrap().unwrap().0.records.len(), before, "nothing stored");
    let r = t.post_form(&zf, &path, &inquiry(2), true).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let (state, ..) = t.app.db.load_case(case).await.unwrap().unwrap();
    assert_eq!(state.records.last().unwrap().record.officers_signed.len(), 2);

    // the mail form offers registered and express mail only; other values are refused.
    let form = t.get(Some(&zf), &format!("/cases/{case}/records/new?kind=service_mail")).await;
    assert!(form.body.contains("<option value=\"挂号信\"") && form.body.contains("<option value=\"快递\""));
    assert!(form.body.contains("签收日期（以回执为准）"));
    let r = t
        .post_form(
            &zf,
            &format!("/cases/{case}/records?kind=service_mail"),
            &[("fields.mail_kind", "平信"), ("fields.tracking_number", "X1")],
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("邮寄方式只能选择挂号信或快递"), "{}", r.body);
    assert!(r.body.contains("请填写签收日期（以回执为准）"), "{}", r.body);

    // a secret record is not offered for copying, and naming it is refused.
    let mut secret = zhifa_app::cases::RecordInput::new(
        zhifa_core::case::RecordKind::DocumentaryEvidence,
        &[("description", "涉密文件"), ("source", "上级交办"), ("collected_on", &at[..10])],
    );
    secret.sensitivity = zhifa_core::Sensitivity::StateSecret;
    let secret = t.app.add_record(&zf_principal, case, secret).await.unwrap().to_string();
    let open = state.records[0].record.id.to_string();
    let form = t.get(Some(&zf), &format!("/cases/{case}/copies/new")).await;
    assert!(form.body.contains(&open) && !form.body.contains(&secret), "{}", form.body);
    let copies = format!("/cases/{case}/copies");
    let r = t
        .post_form(
            &zf,
            &copies,
            &[("requester", "刘建军"), ("record_ids", &open), ("record_ids", &secret), ("reason", "申请复议")],
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("书证标记为国家秘密，不得向当事人提供复制"), "{}", r.body);
    let requests = |log: &[(zhifa_core::events::RecordedEvent, zhifa_core::case::AccessEvent)]| {
        log.iter().filter(|(_, e)| matches!(e, zhifa_core::case::AccessEvent::CopyRequested { .. })).count()
    };
    assert_eq!(requests(&t.app.db.access_log(case).await.unwrap()), 0, "nothing stored");
    let r = t
        .post_form(&zf, &copies, &[("requester", "刘建军"), ("record_ids", &open), ("reason", "申请复议")], true)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(requests(&t.app.db.access_log(case).await.unwrap()), 1);
}
