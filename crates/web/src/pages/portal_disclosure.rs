//! The portal's procedure flowcharts (D-01) and annual statistics (D-11) of an agency, as
//! its legal unit approved them (D-03): `/gs/agencies/{id}/flowcharts` lists every chart of
//! an act and procedure the agency can open, each inline as SVG and as a text list of its
//! steps (readable without the image); `/gs/agencies/{id}/flowcharts/{act}/{procedure}.svg`
//! serves one chart as `image/svg+xml`; `/gs/agencies/{id}/statistics?year=YYYY` the
//! statistics of a year (last year by default) with their table, bar chart, publish-by day
//! and lateness. The SVG is built by `zhifa_docs::svg` (through the app), which escapes every text: it is the
//! only markup the templates take unescaped.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Datelike;
use serde::Deserialize;
use uuid::Uuid;
use zhifa_app::AppError;
use zhifa_app::cases::beijing_now;
use zhifa_app::portal_disclosure::{PortalStatistics, bar_chart, flowchart, statistics_year};
use zhifa_core::case::flow::{Flow, Step};

use crate::AppState;
use crate::forms::{Field, FormPage, Nav, render, render_form};
use crate::pages::Parsed;
use crate::pages::portal::failed;

/// A stage of a chart as text: its steps, and each branch as one sentence.
struct StageView {
    label: &'static str,
    steps: String,
    branches: Vec<String>,
}

struct ChartView {
    anchor: String,
    title: String,
    href: String,
    svg: String,
    stages: Vec<StageView>,
}

#[derive(Template)]
#[template(path = "portal_flowcharts.html")]
struct FlowchartsTemplate<'a> {
    nav: &'a Nav,
    title: String,
    intro: &'static str,
    back: String,
    charts: Vec<ChartView>,
}

fn step_text(s: &Step) -> String {
    if s.notes.is_empty() { s.label.clone() } else { format!("{}（{}）", s.label, s.notes.join("，")) }
}

fn steps_text(steps: &[Step]) -> String {
    steps.iter().map(step_text).collect::<Vec<_>>().join("；")
}

fn chart_path(agency: Uuid, f: &Flow) -> String {
    format!("/gs/agencies/{agency}/flowcharts/{}/{}.svg", f.act_kind.as_str(), f.procedure.as_str())
}

fn chart_view(agency: Uuid, f: &Flow) -> ChartView {
    let title = f.title();
    let stages = f
        .stages
        .iter()
        .map(|s| StageView {
            label: s.label,
            steps: steps_text(&s.steps),
            branches: s
                .branches
                .iter()
                .map(|b| {
                    let end = if b.to_closure { "，直接结案" } else { "" };
                    match steps_text(&b.steps) {
                        steps if steps.is_empty() => format!("{}的{end}", b.condition),
                        steps => format!("{}的：{steps}{end}", b.condition),
                    }
                })
                .collect(),
        })
        .collect();
    ChartView {
        anchor: format!("{}-{}", f.act_kind.as_str(), f.procedure.as_str()),
        href: chart_path(agency, f),
        svg: flowchart(f, &title),
        title,
        stages,
    }
}

/// GET /gs/agencies/{id}/flowcharts
pub async fn flowcharts(State(s): State<AppState>, Parsed(id): Parsed<Uuid>) -> Response {
    let (agency, flows) = match s.app.portal_flowcharts(id).await {
        Ok(x) => x,
        Err(e) => return failed(e),
    };
    let nav = Nav::portal();
    let page = FlowchartsTemplate {
        nav: &nav,
        title: format!("{}：行政执法流程图", agency.info.name),
        intro: "以下流程图由本平台据以办案的程序要求生成，与实际执法程序一致；每张图下附文字版步骤。",
        back: format!("/gs/agencies/{id}"),
        charts: flows.iter().map(|f| chart_view(id, f)).collect(),
    };
    render(StatusCode::OK, page)
}

/// GET /gs/agencies/{id}/flowcharts/{act}/{procedure}.svg
pub async fn flowchart_svg(
    State(s): State<AppState>,
    Parsed((id, act, file)): Parsed<(Uuid, String, String)>,
) -> Response {
    let Some(procedure) = file.strip_suffix(".svg") else { return failed(AppError::NotFound("该流程图")) };
    match s.app.portal_flowchart(id, &act, procedure).await {
        Ok((_, f)) => {
            let svg = flowchart(&f, &f.title());
            ([(header::CONTENT_TYPE, "image/svg+xml; charset=utf-8")], svg).into_response()
        }
        Err(e) => failed(e),
    }
}

#[derive(Debug, Deserialize, Default)]
pub struct YearQuery {
    #[serde(default)]
    year: Option<String>,
}

#[derive(Template)]
#[template(path = "portal_statistics.html")]
struct StatisticsTemplate<'a> {
    nav: &'a Nav,
    title: String,
    notice: Option<String>,
    notice_class: &'static str,
    info: Vec<(String, String)>,
    action: String,
    year: i32,
    actions: Vec<(String, String)>,
    table: Vec<(String, String)>,
    chart: String,
}

fn year_form(id: Uuid) -> FormPage {
    let mut page = FormPage::new(
        "行政执法数据年度统计",
        &format!("/gs/agencies/{id}/statistics"),
        vec![Field::text("year", "统计年度").hint("四位数字的年份，例如 2025；不填则为上一年度")],
    );
    page.method = "get";
    page.submit = "查看".into();
    page
}

/// The status line of a year's statistics and its class.
fn status_of(p: &PortalStatistics) -> (String, &'static str) {
    let due = p.publish_by;
    match (p.running, p.published_on) {
        (true, _) => (
            format!("{}年度尚未结束：以下为截至今日根据执法记录生成的数据，年度统计数据应于{due}前发布。", p.year),
            "notice",
        ),
        (false, Some(on)) if p.late => (format!("已于{on}经法制审核发布（逾期：应于{due}前发布）。"), "alert"),
        (false, Some(on)) => (format!("已于{on}经法制审核发布。"), "notice"),
        (false, None) if p.late => (format!("{}年度统计数据应于{due}前发布，已逾期未发布。", p.year), "alert"),
        (false, None) => (format!("{}年度统计数据尚未发布，应于{due}前发布。", p.year), "notice"),
    }
}

/// GET /gs/agencies/{id}/statistics?year=YYYY
pub async fn statistics(State(s): State<AppState>, Parsed(id): Parsed<Uuid>, Query(q): Query<YearQuery>) -> Response {
    let today = beijing_now().date();
    let year = match statistics_year(q.year.as_deref(), today) {
        Ok(y) => y,
        Err(r) => {
            let values = [("year".to_string(), q.year.unwrap_or_default())];
            return render_form(&Nav::portal(), &year_form(id).fill(&values).with_errors(&r));
        }
    };
    let p = match s.app.portal_statistics(id, year).await {
        Ok(p) => p,
        Err(e) => return failed(e),
    };
    let (status, class) = status_of(&p);
    let (table, chart) = match &p.statistics {
        Some(st) => (st.table(), bar_chart(&format!("{}{}", p.agency.info.name, st.title()), &st.rows())),
        None => (vec![], String::new()),
    };
    let base = format!("/gs/agencies/{id}/statistics");
    let mut actions: Vec<(String, String)> = [year - 1, year + 1]
        .into_iter()
        .filter(|y| *y <= today.year() && *y >= zhifa_app::portal_disclosure::FIRST_YEAR)
        .map(|y| (format!("{base}?year={y}"), format!("{y}年度")))
        .collect();
    actions.push((format!("/gs/agencies/{id}"), "返回执法主体".into()));
    let nav = Nav::portal();
    let page = StatisticsTemplate {
        nav: &nav,
        title: format!("{}：{}年度行政执法数据统计", p.agency.info.name, year),
        notice: Some(status),
        notice_class: class,
        info: vec![
            ("统计年度".into(), format!("{year}年")),
            ("发布期限".into(), format!("{}（次年1月31日）", p.publish_by)),
            ("发布日期".into(), p.published_on.map_or("未发布".into(), |d| d.to_string())),
        ],
        action: base,
        year,
        actions,
        table,
        chart,
    };
    render(StatusCode::OK, page)
}
