//! 执法监督 over HTTP (V-03): the bureau's dashboard with every agency and the figures
//! linking to the clocks behind them, the drill-down to a case, the CSV export, an agency's
//! own view, the sweep button kept to supervisors, and bad filters answered in Chinese.

mod support;

use axum::http::{StatusCode, header};
use support::*;

const AGENCY: &str = "安乡县市场监督管理局";

/// The demo, swept once.
async fn swept() -> TestApp {
    let t = TestApp::with_demo().await;
    t.app.sweep("test-node").await.unwrap().expect("no other node");
    t
}

fn location(r: &Resp) -> String {
    r.headers.get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or("").to_string()
}

// rule: V-03
#[tokio::test]
async fn the_bureau_sees_every_agency_and_drills_down_from_a_figure_to_the_case() {
    let t = swept().await;
    let jd = t.login("sfj-jd").await;
    let home = t.get(Some(&jd), "/").await;
    assert!(home.body.contains("href=\"/supervision\""), "the nav links 执法监督");
    let page = t.get(Some(&jd), "/supervision").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("各机关期限预警") && page.body.contains(AGENCY), "{}", page.body);
    assert!(page.body.contains("最近一次扫描") && page.body.contains("日报"));
    assert!(page.body.contains("<svg") && page.body.contains("各机关即将到期期限"));
    for m in zhifa_core::supervision::detectors::Model::ALL {
        assert!(page.body.contains(m.label()), "{}", m.label());
    }

    // Every open clock of the market regulator, a link per subject to where it is handled.
    let agency = t.agency_id(AGENCY).await;
    let list = t.get(Some(&jd), &format!("/supervision/warnings?agency={agency}&state=attention")).await;
    assert_eq!(list.status, StatusCode::OK);
    let q = zhifa_store::supervision::ClockQuery { agency: Some(agency), limit: 10_000, ..Default::default() };
    let now = zhifa_app::cases::beijing_now();
    let all = t.app.db.clocks(&q, now, now + chrono::TimeDelta::days(3)).await.unwrap();
    let case_clock = all.iter().find(|c| c.subject.kind == "case").expect("a case clock");
    let go = t.get(Some(&jd), &format!("/supervision/subject/case/{}", case_clock.subject.id)).await;
    assert_eq!(go.status, StatusCode::SEE_OTHER);
    assert_eq!(location(&go), format!("/cases/{}", case_clock.subject.id));
    let case_page = t.get(Some(&jd), &location(&go)).await;
    assert_eq!(case_page.status, StatusCode::OK);

    // The CSV: a header and one line per clock, each with its state.
    let csv = t.get(Some(&jd), &format!("/supervision/warnings.csv?agency={agency}&state=attention")).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.headers.get(header::CONTENT_TYPE).unwrap().to_str().unwrap().starts_with("text/csv"));
    let lines: Vec<&str> = csv.body.trim_start_matches('\u{feff}').lines().collect();
    assert!(lines[0].starts_with("执法机关,规则,对象类型"), "{}", lines[0]);
    let expected = t
        .app
        .db
        .clocks(
            &zhifa_store::supervision::ClockQuery {
                agency: Some(agency),
                state: Some(zhifa_store::supervision::ClockState::Attention),
                limit: 10_000,
                ..Default::default()
            },
            zhifa_app::cases::beijing_now(),
            zhifa_app::cases::beijing_now() + chrono::TimeDelta::days(3),
        )
        .await
        .unwrap();
    assert_eq!(lines.len() - 1, expected.len());
    assert!(csv.body.contains(AGENCY) || expected.is_empty());
}

// rule: V-03
#[tokio::test]
async fn an_agency_sees_only_its_own_and_only_supervisors_sweep() {
    let t = swept().await;
    let zf = t.login("scj-zf").await;
    let page = t.get(Some(&zf), "/supervision").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("本机关执法监督"));
    assert!(!page.body.contains("莱州市统计局"), "another agency's row is not shown");
    let other = t.agency_id("莱州市统计局").await;
    let refused = t.get(Some(&zf), &format!("/supervision/warnings?agency={other}")).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    assert!(refused.body.contains("无权访问其他执法机关的数据"));
    let sweep = t.post_form(&zf, "/supervision/sweep", &[], true).await;
    assert_eq!(sweep.status, StatusCode::FORBIDDEN);

    let jd = t.login("sfj-jd").await;
    let form = t.get(Some(&jd), "/supervision/sweep").await;
    assert!(form.body.contains("开始扫描"));
    let done = t.post_form(&jd, "/supervision/sweep", &[], true).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(location(&done), "/supervision");
    // A forged request without the form's token sweeps nothing.
    let forged = t.post_form(&jd, "/supervision/sweep", &[], false).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
}

// rule: V-03
#[tokio::test]
async fn bad_filters_are_answered_in_chinese_not_with_a_500() {
    let t = swept().await;
    let jd = t.login("sfj-jd").await;
    for (path, says) in [
        ("/supervision/warnings?state=late", "状态无效"),
        ("/supervision/warnings?agency=xyz", "执法机关编号无效"),
        ("/supervision/problems?model=nope", "问题模型名称无效"),
        ("/supervision/problems.csv?model=nope", "问题模型名称无效"),
    ] {
        let r = t.get(Some(&jd), path).await;
        assert!(r.status.is_client_error(), "{path}: {}", r.status);
        assert!(r.body.contains(says), "{path}: {}", r.body);
    }
    let r = t.get(Some(&jd), "/supervision/subject/case/not-a-uuid").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

// rule: V-04
// rule: B-03
// rule: D-11
#[tokio::test]
async fn metrics_penalties_and_the_annual_report_pages_with_their_exports() {
    use chrono::Datelike;
    let t = swept().await;
    let jd = t.login("sfj-jd").await;
    let year = zhifa_app::cases::beijing_now().year();
    let m = t.get(Some(&jd), &format!("/supervision/metrics?year={year}")).await;
    assert_eq!(m.status, StatusCode::OK, "{}", m.body);
    assert!(m.body.contains("全县合计") && m.body.contains(AGENCY) && m.body.contains("<svg"));
    for metric in zhifa_core::supervision::metrics::Metric::ALL {
        assert!(m.body.contains(metric.label()), "{}", metric.label());
    }
    let csv = t.get(Some(&jd), &format!("/supervision/metrics.csv?year={year}")).await;
    let lines: Vec<&str> = csv.body.trim_start_matches('\u{feff}').lines().collect();
    let agencies = t.app.db.agencies().await.unwrap().len();
    let metrics = zhifa_core::supervision::metrics::Metric::ALL.len();
    assert_eq!(lines.len(), 1 + (agencies + 1) * metrics, "{}", csv.body);
    let behind =
        t.get(Some(&jd), &format!("/supervision/metrics/behind?year={year}&metric=disclosure_timeliness")).await;
    assert_eq!(behind.status, StatusCode::OK, "{}", behind.body);
    let bad = t.get(Some(&jd), "/supervision/metrics?year=20x5").await;
    assert!(bad.status.is_client_error() && bad.body.contains("年度无效"));

    let p = t.get(Some(&jd), &format!("/supervision/penalties?year={year}")).await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    assert!(p.body.contains("罚款分布") && p.body.contains("异常值"));

    let r = t.get(Some(&jd), &format!("/supervision/report?year={year}")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("年度行政执法情况报告") && r.body.contains("各执法机关情况") && r.body.contains("<svg"));
    let pdf = t.get(Some(&jd), &format!("/supervision/report.pdf?year={year}")).await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert_eq!(pdf.headers.get(header::CONTENT_TYPE).unwrap(), "application/pdf");
    assert!(pdf.body.starts_with("%PDF-"));
    let zf = t.login("scj-zf").await;
    let own = t.get(Some(&zf), &format!("/supervision/report?year={year}")).await;
    assert!(own.body.contains(AGENCY) && !own.body.contains("各执法机关情况"));
}

// rule: D-14
#[tokio::test]
async fn the_exchange_gives_a_periods_cases_and_publications_as_described_in_openapi() {
    use chrono::Datelike;
    let t = swept().await;
    let year = zhifa_app::cases::beijing_now().year();
    let period = format!("from={year}-01-01&to={year}-12-31");
    let anonymous = t.get(None, &format!("/api/v1/exchange/cases?{period}")).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    let jd = t.login("sfj-jd").await;
    let r = t.get(Some(&jd), &format!("/api/v1/exchange/cases?{period}")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.headers.contains_key("x-zhifa-swept-at"));
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    let cases = v["cases"].as_array().unwrap();
    assert_eq!(v["count"].as_u64().unwrap() as usize, cases.len());
    let all = t.app.db.all_cases().await.unwrap();
    let this_year = all.iter().filter(|c| c.opened_at.starts_with(&year.to_string())).count();
    assert_eq!(cases.len(), this_year, "every case filed this year");
    assert!(!r.body.contains("party"), "no party is exchanged");
    // An agency's account gets its own cases only.
    let zf = t.login("scj-zf").await;
    let own = t.get(Some(&zf), &format!("/api/v1/exchange/cases?{period}")).await;
    let own: serde_json::Value = serde_json::from_str(&own.body).unwrap();
    let agency = t.agency_id(AGENCY).await.to_string();
    assert!(own["cases"].as_array().unwrap().iter().all(|c| c["agency_id"] == agency.as_str()));
    let p = t.get(Some(&jd), &format!("/api/v1/exchange/publications?{period}")).await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    for (q, says) in [
        ("from=2025-13-01&to=2025-12-31", "不是有效日期"),
        ("from=2024-01-01&to=2025-12-31", "最多"),
        ("from=2025-02-01&to=2025-01-01", "不能早于"),
    ] {
        let bad = t.get(Some(&jd), &format!("/api/v1/exchange/cases?{q}")).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{q}");
        assert!(bad.body.contains(says), "{q}: {}", bad.body);
    }
    let doc = t.get(None, "/api/openapi.json").await;
    assert!(doc.body.contains("/api/v1/exchange/cases") && doc.body.contains("ExchangePublication"));
}
