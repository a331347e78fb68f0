//! The pre-disclosure on the portal over HTTP: the procedure flowcharts of an agency, one
//! chart as SVG, the annual statistics with their publish-by day and a bad year explained;
//! content published only once the agency's legal reviewer approved it, no one else
//! approving; a late update after a change of law flagged to the agency and to the
//! judicial bureau's supervisors.

mod support;

use axum::http::{StatusCode, header};
use chrono::Datelike;
use support::*;
use zhifa_app::cases::beijing_now;
use zhifa_core::case::flow::all_flows;
use zhifa_core::case::{AvRequirement, RecordKind};
use zhifa_core::registry::AvListItem;

const AGENCY: &str = "安乡县市场监督管理局";

// rule: D-01
#[tokio::test]
async fn the_flowcharts_page_shows_every_chart_the_agency_can_open_and_each_serves_as_svg() {
    let t = TestApp::with_demo().await;
    let id = t.agency_id(AGENCY).await;
    let page = t.get(None, &format!("/gs/agencies/{id}")).await;
    assert!(page.body.contains(&format!("/gs/agencies/{id}/flowcharts")), "linked from the agency page");
    let charts = t.get(None, &format!("/gs/agencies/{id}/flowcharts")).await;
    assert_eq!(charts.status, StatusCode::OK, "{}", charts.body);
    let (agency, _) = t.app.db.load_agency(id).await.unwrap().unwrap();
    let flows = all_flows(&agency.av_requirements());
    assert!(flows.len() > 3);
    for f in &flows {
        let href = format!("/gs/agencies/{id}/flowcharts/{}/{}.svg", f.act_kind.as_str(), f.procedure.as_str());
        assert!(charts.body.contains(&f.title()) && charts.body.contains(&href), "{}", f.title());
    }
    assert_eq!(charts.body.matches("<svg").count(), flows.len(), "each chart inline");
    assert!(charts.body.contains("流程步骤（文字版）") && charts.body.contains("<ol class=\"steps\">"));
    assert!(charts.body.contains("<li>重大执法决定的：法制审核意见书；集体讨论记录</li>"), "{}", charts.body);
    assert!(charts.body.contains("<li>依申请：不予受理的，直接结案</li>"));

    let svg = t.get(None, &format!("/gs/agencies/{id}/flowcharts/penalty/ordinary.svg")).await;
    assert_eq!(svg.status, StatusCode::OK);
    assert!(svg.headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("image/svg+xml"));
    assert!(svg.body.starts_with("<svg") && svg.body.contains("法制审核"), "{}", svg.body);
    assert!(svg.body.contains("重大执法决定"), "the legal review on its branch");
    // The agency's own AV-item list appears on its charts once approved (D-03).
    let video = |body: &str| body.matches("询问笔录须有音像记录（录像）").count();
    assert_eq!(video(&charts.body), 0);
    let admin = t.app.db.account_for_login("scj-admin").await.unwrap().unwrap().0.principal();
    let item = AvListItem {
        id: uuid::Uuid::new_v4(),
        act: RecordKind::Inquiry,
        place: "办案场所".into(),
        content: "询问全过程".into(),
        method: AvRequirement::Video,
    };
    t.app.list_av_item(&admin, id, item).await.unwrap();
    let path = format!("/gs/agencies/{id}/flowcharts");
    assert_eq!(video(&t.get(None, &path).await.body), 0, "not approved yet");
    t.app.submit_predisclosure(&admin, id, "询问全程录像", None).await.unwrap();
    let reviewer = t.app.db.account_for_login("scj-fzsh").await.unwrap().unwrap().0.principal();
    t.app.approve_predisclosure(&reviewer, id, "同意").await.unwrap();
    assert!(video(&t.get(None, &path).await.body) > 0, "approved: on the charts");

    // The law allows no simplified permit; an unknown act or a missing suffix: 404.
    for path in ["permit/simplified.svg", "fine/ordinary.svg", "penalty/ordinary"] {
        let r = t.get(None, &format!("/gs/agencies/{id}/flowcharts/{path}")).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
    }
}

// rule: D-11
#[tokio::test]
async fn the_statistics_page_counts_the_demo_cases_and_explains_a_bad_year() {
    let t = TestApp::with_demo().await;
    let id = t.agency_id(AGENCY).await;
    let year = beijing_now().date().year();
    let penalties = t
        .app
        .db
        .cases_of_agency(id)
        .await
        .unwrap()
        .into_iter()
        .filter(|c| c.act_kind == "penalty" && c.opened_at.starts_with(&year.to_string()))
        .count();
    assert!(penalties > 0, "the demo has penalty cases this year");
    let page = t.get(None, &format!("/gs/agencies/{id}/statistics?year={year}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains(&format!("<td>行政处罚案件</td><td>{penalties}</td>")), "{}", page.body);
    assert!(page.body.contains("罚款金额合计") && page.body.contains("role=\"img\""), "the table and the chart");
    assert!(page.body.contains(&format!("{}-01-31", year + 1)), "the publish-by day");
    // By default last year, which nobody published: late after 31 January.
    let last = t.get(None, &format!("/gs/agencies/{id}/statistics")).await;
    assert_eq!(last.status, StatusCode::OK);
    assert!(last.body.contains(&format!("{}年度行政执法数据统计", year - 1)), "{}", last.body);
    if beijing_now().date().ordinal() > 31 {
        assert!(last.body.contains("已逾期未发布"), "{}", last.body);
    }
    assert!(!last.body.contains("statistics-table"), "not published, not shown");
    assert!(t.get(None, &format!("/gs/agencies/{id}")).await.body.contains(&format!("/gs/agencies/{id}/statistics")));
    for (year, message) in [("abc", "四位数字"), ("1999", "年度应在2000至"), (&(year + 1).to_string(), "年度应在")]
    {
        let r = t.get(None, &format!("/gs/agencies/{id}/statistics?year={year}")).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{year}");
        assert!(r.body.contains("id=\"err-year\"") && r.body.contains(message), "{year}: {}", r.body);
    }
}

// rule: D-03
#[tokio::test]
async fn a_change_reaches_the_portal_only_after_the_legal_reviewer_approves_it() {
    let t = TestApp::with_demo().await;
    let id = t.agency_id(AGENCY).await;
    let admin = t.login("scj-admin").await;
    let item = [
        ("code", "AX-SC-NEW-01"),
        ("name", "对未按规定公示年度报告的处罚"),
        ("kind", "penalty"),
        ("basis", "《企业信息公示暂行条例》第十八条"),
        ("competence", AGENCY),
        ("procedure", "立案—调查—决定—送达"),
    ];
    let r = t.post_form(&admin, &format!("/agencies/{id}/items"), &item, true).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let portal = format!("/gs/agencies/{id}");
    assert!(!t.get(None, &portal).await.body.contains("AX-SC-NEW-01"), "not approved: the approved version shows");
    let status = t.get(Some(&admin), &format!("/agencies/{id}/predisclosure")).await;
    assert!(status.body.contains("门户网站仍显示最近审核通过的版本"), "{}", status.body);

    let submit = format!("/agencies/{id}/predisclosure/submit");
    let empty = t.post_form(&admin, &submit, &[("summary", " ")], true).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.body.contains("id=\"err-summary\"") && empty.body.contains("请填写变更说明"));
    let r = t.post_form(&admin, &submit, &[("summary", "新增执法事项AX-SC-NEW-01")], true).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(!t.get(None, &portal).await.body.contains("AX-SC-NEW-01"), "submitted is not approved");

    // Only the agency's legal reviewer: not an officer, a head, the administrator, nor
    // another agency's reviewer.
    let review = format!("/agencies/{id}/predisclosure/review");
    for user in ["scj-zf", "scj-head", "scj-admin", "sfj-fzsh"] {
        let b = t.login(user).await;
        let r = t.post_form(&b, &review, &[("decision", "approve"), ("opinion", "同意")], true).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{user}: {}", r.body);
        assert_eq!(t.get(Some(&b), &review).await.status, StatusCode::FORBIDDEN, "{user}");
    }
    let reviewer = t.login("scj-fzsh").await;
    let form = t.get(Some(&reviewer), &review).await;
    assert!(form.status == StatusCode::OK && form.body.contains("新增执法事项AX-SC-NEW-01"), "{}", form.body);
    let r = t.post_form(&reviewer, &review, &[("decision", "reject"), ("reasons", "")], true).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("id=\"err-reasons\"") && r.body.contains("请填写不予通过的理由"), "{}", r.body);
    let r = t.post_form(&reviewer, &review, &[("decision", "approve"), ("opinion", "同意公开")], true).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = t.get(None, &portal).await;
    let today = beijing_now().date().to_string();
    assert!(page.body.contains("AX-SC-NEW-01") && page.body.contains("最近审核通过"), "{}", page.body);
    assert!(page.body.contains(&today));

    // An agency never approved is not on the portal at all.
    let platform = t.login("admin").await;
    let fields = [
        ("name", "安乡县文化旅游广电体育局"),
        ("short_name", "安文旅"),
        ("duties", "文化市场综合执法"),
        ("jurisdiction", "安乡县"),
        ("legal_representative", "李某"),
        ("address", "安乡县深柳镇"),
        ("profile_id", "anxiang"),
    ];
    let r = t.post_form(&platform, "/agencies", &fields, true).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let new = r.headers["location"].to_str().unwrap().trim_start_matches("/agencies/").to_string();
    assert!(!t.get(None, "/gs").await.body.contains("安乡县文化旅游广电体育局"));
    assert_eq!(t.get(None, &format!("/gs/agencies/{new}")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(t.get(None, &format!("/gs/agencies/{new}/flowcharts")).await.status, StatusCode::NOT_FOUND);
}

// rule: D-02
#[tokio::test]
async fn an_update_late_after_a_change_of_law_is_flagged_to_the_agency_and_the_judicial_bureau() {
    let t = TestApp::with_demo().await;
    let id = t.agency_id(AGENCY).await;
    let admin = t.login("scj-admin").await;
    let changes = format!("/agencies/{id}/predisclosure/changes");
    let bad = t
        .post_form(
            &admin,
            &changes,
            &[("kind", "law"), ("description", "条例修订"), ("changed_on", "2026-02-30")],
            true,
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("id=\"err-changed_on\"") && bad.body.contains("不是有效日期"), "{}", bad.body);
    let officer = t.login("scj-zf").await;
    let r =
        t.post_form(&officer, &changes, &[("kind", "law"), ("description", "x"), ("changed_on", "2026-01-05")], true);
    assert_eq!(r.await.status, StatusCode::FORBIDDEN);
    let long_ago = (beijing_now().date() - chrono::Days::new(60)).to_string();
    let fields =
        [("kind", "law"), ("description", "《湖南省市场监督管理条例》修订施行"), ("changed_on", long_ago.as_str())];
    let r = t.post_form(&admin, &changes, &fields, true).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = t.get(Some(&admin), &format!("/agencies/{id}/predisclosure")).await;
    assert!(page.body.contains("《湖南省市场监督管理条例》修订施行") && page.body.contains("逾期1项"), "{}", page.body);
    assert!(page.body.contains("<span class=\"tag bad\">逾期</span>"));
    let agency_page = t.get(Some(&admin), &format!("/agencies/{id}")).await;
    assert!(agency_page.body.contains("事前公开更新（D-02）") && agency_page.body.contains("逾期1项"));
    let supervisor = t.login("sfj-jd").await;
    let sup = t.get(Some(&supervisor), "/supervision/predisclosure").await;
    assert_eq!(sup.status, StatusCode::OK);
    assert!(sup.body.contains(AGENCY) && sup.body.contains("《湖南省市场监督管理条例》修订施行"), "{}", sup.body);
    assert_eq!(t.get(Some(&officer), "/supervision/predisclosure").await.status, StatusCode::FORBIDDEN);

    // Updated and approved: answered, late; still flagged as late in its row.
    let submit = format!("/agencies/{id}/predisclosure/submit");
    let r = t.post_form(&admin, &submit, &[("summary", "依条例修订更新")], true).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let reviewer = t.login("scj-fzsh").await;
    let review = format!("/agencies/{id}/predisclosure/review");
    let r = t.post_form(&reviewer, &review, &[("decision", "approve"), ("opinion", "")], true).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = t.get(Some(&admin), &format!("/agencies/{id}/predisclosure")).await;
    assert!(page.body.contains(&beijing_now().date().to_string()) && page.body.contains("逾期1项"));
}
