//! Supervision (执法监督, V-03): the judicial bureau's dashboard and each agency's own.
//!
//! - `/supervision` — per agency what is overdue, due soon, met late this year and cannot be
//!   told, with the problems the models found; charts; the day's digest; every figure links
//!   to the list behind it.
//! - `/supervision/warnings?agency=&state=&rule=` — the clocks behind a figure, each linking
//!   to its case, publication, request or plan (`/supervision/subject/{kind}/{id}`);
//!   `/supervision/warnings.csv` the same as CSV.
//! - `/supervision/problems?agency=&model=` and `.csv` — the problems found.
//! - `POST /supervision/sweep` — sweep now (the server also sweeps on its own).

use std::collections::BTreeMap;

use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;
use uuid::Uuid;
use zhifa_app::cases::beijing_now;
use zhifa_app::portal_disclosure::bar_chart;
use zhifa_app::supervision::{scope, subject_ref};
use zhifa_app::{AppError, AppResult};
use zhifa_core::access::{Principal, Role};
use zhifa_core::supervision::detectors::Model;
use zhifa_core::supervision::metrics::{AgencyMetrics, Metric, Period};
use zhifa_store::supervision::{ClockQuery, ClockRow, ClockState, ProblemRow, StateCounts};

use crate::AppState;
use crate::forms::{Cell, FormPage, Nav, Section, TablePage, render_form, render_table};
use crate::pages::page_error;
use crate::session::CurrentUser;

/// How many rows a list page shows (the CSV has them all).
const PAGE_ROWS: i64 = 500;
const CSV_ROWS: i64 = 1_000_000;

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    pub agency: Option<String>,
    pub state: Option<String>,
    pub rule: Option<String>,
    pub model: Option<String>,
}

fn parse_state(s: &str) -> Option<ClockState> {
    Some(match s {
        "overdue" => ClockState::Overdue,
        "due_soon" => ClockState::DueSoon,
        "met_late" => ClockState::MetLate,
        "unknown" => ClockState::Unknown,
        "attention" => ClockState::Attention,
        _ => return None,
    })
}

fn state_label(s: ClockState) -> &'static str {
    match s {
        ClockState::Overdue => "已逾期",
        ClockState::DueSoon => "即将到期",
        ClockState::MetLate => "逾期完成",
        ClockState::Unknown => "无法判断",
        ClockState::Attention => "需关注",
    }
}

/// A stored clock's state now, the same rule as the queries'.
fn row_state(c: &ClockRow, now: chrono::NaiveDateTime) -> (&'static str, &'static str) {
    use zhifa_core::supervision::warnings::State;
    if c.unknown.is_some() {
        return ("无法判断", "warn");
    }
    match State::at(c.due, c.met_at, now) {
        State::Overdue => ("已逾期", "bad"),
        State::DueSoon => ("即将到期", "warn"),
        State::MetLate => ("逾期完成", "warn"),
        State::Met => ("按期完成", "ok"),
        _ => ("未到期", "ok"),
    }
}

fn bad_query(field: &str, what: &str) -> AppError {
    AppError::Rejected(zhifa_core::Rejection::one(field, what.to_string()))
}

fn parse_agency(q: &ListQuery) -> AppResult<Option<Uuid>> {
    match q.agency.as_deref().filter(|a| !a.is_empty()) {
        None => Ok(None),
        Some(a) => a.parse().map(Some).map_err(|_| bad_query("agency", "执法机关编号无效，请从监督首页进入")),
    }
}

fn parse_model(q: &ListQuery) -> AppResult<Option<Model>> {
    match q.model.as_deref().filter(|m| !m.is_empty()) {
        None => Ok(None),
        Some(m) => Model::ALL
            .into_iter()
            .find(|x| x.code() == m)
            .map(Some)
            .ok_or_else(|| bad_query("model", "问题模型名称无效，请从监督首页进入")),
    }
}

fn clock_query(q: &ListQuery, limit: i64) -> AppResult<ClockQuery> {
    let state = match q.state.as_deref().filter(|s| !s.is_empty()) {
        None => Some(ClockState::Attention),
        Some(s) => Some(parse_state(s).ok_or_else(|| bad_query("state", "状态无效，请从监督首页进入"))?),
    };
    // Met-late clocks: of this year, as the dashboard counts them.
    let due_from = (state == Some(ClockState::MetLate)).then(|| year_start().and_hms_opt(0, 0, 0).expect("midnight"));
    Ok(ClockQuery {
        agency: parse_agency(q)?,
        rule: q.rule.clone().filter(|r| !r.is_empty()),
        state,
        subject: None,
        due_from,
        limit,
    })
}

fn year_start() -> NaiveDate {
    let today = beijing_now().date();
    NaiveDate::from_ymd_opt(today.year(), 1, 1).expect("1 January")
}

/// Where a subject is handled.
pub fn subject_href(kind: &str, id: &str) -> String {
    format!("/supervision/subject/{kind}/{id}")
}

async fn agency_names(s: &AppState) -> BTreeMap<Uuid, String> {
    s.app.db.agencies().await.unwrap_or_default().into_iter().map(|a| (a.id, a.info.name)).collect()
}

fn link(path: &str, agency: Option<Uuid>, extra: &[(&str, &str)]) -> String {
    let mut q: Vec<String> = agency.map(|a| format!("agency={a}")).into_iter().collect();
    q.extend(extra.iter().map(|(k, v)| format!("{k}={v}")));
    if q.is_empty() { path.to_string() } else { format!("{path}?{}", q.join("&")) }
}

/// A stored UTC instant (RFC 3339) as Beijing time, `2026-11-30 13:57`.
fn beijing_time(utc: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(utc)
        .map(|t| (t.with_timezone(&chrono::Utc) + chrono::TimeDelta::hours(8)).format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|_| utc.to_string())
}

/// The page, or the error page for what went wrong.
fn table_or_error(user: &CurrentUser, page: AppResult<TablePage>) -> Response {
    match page {
        Ok(p) => render_table(&Nav::for_user(user), &p),
        Err(e) => page_error(user, e),
    }
}

fn can_sweep(p: &Principal) -> bool {
    p.role == Role::Supervisor || p.is_platform_admin()
}

/// `/supervision`: the dashboard.
pub async fn dashboard(State(s): State<AppState>, user: CurrentUser) -> Response {
    let page = dashboard_page(&s, &user.principal).await;
    table_or_error(&user, page)
}

async fn dashboard_page(s: &AppState, p: &Principal) -> AppResult<TablePage> {
    let own = scope(p)?;
    let now = beijing_now();
    let counts = s.app.warning_counts(p, now, year_start()).await?;
    let problems = s.app.problem_counts(p).await?;
    let names = agency_names(s).await;
    let mut page = TablePage {
        title: if own.is_some() { "本机关执法监督".into() } else { "执法监督".into() },
        ..Default::default()
    };
    match s.app.sweep_info().await? {
        Some(info) => {
            page.info.push((
                "最近一次扫描".into(),
                info.finished_at.as_deref().map(beijing_time).unwrap_or_else(|| "进行中".into()),
            ));
            if let Some(h) = info.holder {
                page.info.push(("正在扫描的节点".into(), h));
            }
        }
        None => page.notice = Some("尚未进行过监督扫描：服务器启动后会自动扫描，也可点击“立即扫描”".into()),
    }
    page.info.push(("即将到期".into(), format!("{}天内到期且未完成", zhifa_core::case::deadlines::DUE_SOON_DAYS)));
    if can_sweep(p) {
        page.actions.push(("/supervision/sweep".into(), "立即扫描".into()));
    }
    page.actions.push((link("/supervision/warnings", own, &[]), "预警清单".into()));
    page.actions.push((link("/supervision/warnings.csv", own, &[]), "导出预警（CSV）".into()));
    page.actions.push((link("/supervision/problems", own, &[]), "问题清单".into()));
    page.actions.push((link("/supervision/problems.csv", own, &[]), "导出问题（CSV）".into()));
    page.actions.push(("/supervision/metrics".into(), "监督指标".into()));
    page.actions.push(("/supervision/penalties".into(), "同案同罚".into()));
    page.actions.push(("/supervision/report".into(), "年度执法报告".into()));
    page.actions.push(("/supervision/transfers".into(), "行刑衔接".into()));
    page.actions.push(("/supervision/evaluations".into(), "案卷评查".into()));

    // The digest of the day.
    if let Some(d) = s.app.latest_digest(p).await? {
        page.info.push((
            format!("{}日报", d.day),
            format!("已逾期{}项，即将到期{}项，无法判断{}项", d.overdue, d.due_soon, d.unknown),
        ));
    }

    let mut problem_by_agency: BTreeMap<Uuid, i64> = BTreeMap::new();
    let mut by_model: BTreeMap<String, i64> = BTreeMap::new();
    for (a, m, n) in &problems {
        *problem_by_agency.entry(*a).or_default() += n;
        *by_model.entry(m.clone()).or_default() += n;
    }
    let mut table = Section::new(
        "各机关期限预警（V-03）",
        &["执法机关", "已逾期", "即将到期", "本年逾期完成", "无法判断", "监测期限", "问题"],
    );
    let mut agencies: Vec<(Uuid, StateCounts)> = counts.clone();
    for a in problem_by_agency.keys() {
        if !agencies.iter().any(|(x, _)| x == a) {
            agencies.push((*a, StateCounts::default()));
        }
    }
    agencies.sort_by_key(|(a, c)| (-c.overdue, -c.due_soon, names.get(a).cloned().unwrap_or_default()));
    let mut total = StateCounts::default();
    for (a, c) in &agencies {
        total.overdue += c.overdue;
        total.due_soon += c.due_soon;
        total.met_late += c.met_late;
        total.unknown += c.unknown;
        total.watched += c.watched;
        let name = names.get(a).cloned().unwrap_or_else(|| a.to_string());
        let fig = |n: i64, state: &str| {
            Cell::link(n.to_string(), link("/supervision/warnings", Some(*a), &[("state", state)]))
        };
        table.rows.push(vec![
            name.into(),
            fig(c.overdue, "overdue"),
            fig(c.due_soon, "due_soon"),
            fig(c.met_late, "met_late"),
            fig(c.unknown, "unknown"),
            c.watched.to_string().into(),
            Cell::link(
                problem_by_agency.get(a).copied().unwrap_or(0).to_string(),
                link("/supervision/problems", Some(*a), &[]),
            ),
        ]);
    }
    if agencies.len() > 1 {
        let fig =
            |n: i64, state: &str| Cell::link(n.to_string(), link("/supervision/warnings", None, &[("state", state)]));
        table.rows.push(vec![
            "合计".into(),
            fig(total.overdue, "overdue"),
            fig(total.due_soon, "due_soon"),
            fig(total.met_late, "met_late"),
            fig(total.unknown, "unknown"),
            total.watched.to_string().into(),
            Cell::link(problem_by_agency.values().sum::<i64>().to_string(), "/supervision/problems"),
        ]);
    }
    page.sections.push(table);

    let mut models = Section::new("问题模型", &["模型", "规则", "发现问题"]);
    for m in Model::ALL {
        let n = by_model.get(m.code()).copied().unwrap_or(0);
        models.rows.push(vec![
            m.label().into(),
            m.rule().into(),
            Cell::link(n.to_string(), link("/supervision/problems", own, &[("model", m.code())])),
        ]);
    }
    page.sections.push(models);

    let bars = |f: fn(&StateCounts) -> i64| -> Vec<(String, u64)> {
        agencies.iter().map(|(a, c)| (names.get(a).cloned().unwrap_or_default(), f(c).max(0) as u64)).collect()
    };
    page.charts.push(bar_chart("各机关已逾期期限", &bars(|c| c.overdue)));
    page.charts.push(bar_chart("各机关即将到期期限", &bars(|c| c.due_soon)));
    Ok(page)
}

/// `/supervision/warnings`: the clocks behind a figure.
pub async fn warnings(State(s): State<AppState>, user: CurrentUser, Query(q): Query<ListQuery>) -> Response {
    let page = async {
        let cq = clock_query(&q, PAGE_ROWS)?;
        let rows = s.app.warning_list(&user.principal, cq.clone(), beijing_now()).await?;
        let names = agency_names(&s).await;
        let what = cq.state.map(state_label).unwrap_or("需关注");
        let agency = cq.agency.and_then(|a| names.get(&a).cloned());
        let mut page = TablePage {
            title: format!("{}{what}的期限", agency.as_deref().map(|a| format!("{a}：")).unwrap_or_default()),
            ..Default::default()
        };
        page.actions.push(("/supervision".into(), "返回监督首页".into()));
        for st in ["overdue", "due_soon", "met_late", "unknown", "attention"] {
            let label = state_label(parse_state(st).expect("known state"));
            page.actions.push((link("/supervision/warnings", cq.agency, &[("state", st)]), label.into()));
        }
        let mut extra = vec![("state", q.state.as_deref().unwrap_or("attention"))];
        if let Some(r) = cq.rule.as_deref() {
            extra.push(("rule", r));
        }
        page.actions.push((link("/supervision/warnings.csv", cq.agency, &extra), "导出CSV".into()));
        if rows.len() as i64 >= PAGE_ROWS {
            page.notice = Some(format!("仅显示前{PAGE_ROWS}项，全部请导出CSV"));
        }
        let mut t = Section::new("期限", &["执法机关", "规则", "对象", "事项", "期限", "完成时间", "状态", "配置版本"]);
        let now = beijing_now();
        for c in &rows {
            let (label, class) = row_state(c, now);
            let state = match &c.unknown {
                Some(why) => Cell::from(why.clone()).tagged(class, label),
                None => Cell::from("").tagged(class, label),
            };
            t.rows.push(vec![
                names.get(&c.agency_id).cloned().unwrap_or_default().into(),
                Cell::link(
                    &c.rule,
                    link(
                        "/supervision/warnings",
                        cq.agency,
                        &[("state", q.state.as_deref().unwrap_or("attention")), ("rule", &c.rule)],
                    ),
                ),
                Cell::link(&c.subject.label, subject_href(&c.subject.kind, &c.subject.id)),
                c.what.clone().into(),
                c.due.format("%Y-%m-%d %H:%M").to_string().into(),
                c.met_at.map(|m| m.format("%Y-%m-%d %H:%M").to_string()).unwrap_or_default().into(),
                state,
                c.profile.clone().unwrap_or_else(|| "法定".into()).into(),
            ]);
        }
        page.sections.push(t);
        AppResult::Ok(page)
    }
    .await;
    table_or_error(&user, page)
}

/// A CSV download of `rows` (the first the header), with a byte-order mark so that
/// spreadsheet programs read the UTF-8 Chinese.
pub(crate) fn csv_response(name: &str, rows: Vec<Vec<String>>) -> Response {
    let mut w = csv::Writer::from_writer(Vec::new());
    // A byte-order mark so that spreadsheet programs read the UTF-8 Chinese.
    let mut out = "\u{feff}".as_bytes().to_vec();
    for r in rows {
        if w.write_record(&r).is_err() {
            return (StatusCode::INTERNAL_SERVER_ERROR, "导出失败").into_response();
        }
    }
    out.extend(w.into_inner().unwrap_or_default());
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
        ],
        out,
    )
        .into_response()
}

/// `/supervision/warnings.csv`.
pub async fn warnings_csv(State(s): State<AppState>, user: CurrentUser, Query(q): Query<ListQuery>) -> Response {
    let rows = async {
        let cq = clock_query(&q, CSV_ROWS)?;
        s.app.warning_list(&user.principal, cq, beijing_now()).await
    }
    .await;
    let rows = match rows {
        Ok(r) => r,
        Err(e) => return page_error(&user, e),
    };
    let names = agency_names(&s).await;
    let now = beijing_now();
    let mut out = vec![
        ["执法机关", "规则", "对象类型", "对象编号", "对象", "事项", "期限", "完成时间", "状态", "说明", "配置版本"]
            .map(String::from)
            .to_vec(),
    ];
    for c in rows {
        out.push(vec![
            names.get(&c.agency_id).cloned().unwrap_or_default(),
            c.rule.clone(),
            c.subject.kind.clone(),
            c.subject.id.clone(),
            c.subject.label.clone(),
            c.what.clone(),
            c.due.format("%Y-%m-%d %H:%M:%S").to_string(),
            c.met_at.map(|m| m.format("%Y-%m-%d %H:%M:%S").to_string()).unwrap_or_default(),
            row_state(&c, now).0.to_string(),
            c.unknown.clone().unwrap_or_default(),
            c.profile.clone().unwrap_or_default(),
        ]);
    }
    csv_response(&format!("warnings-{}.csv", now.date()), out)
}

async fn problem_rows(s: &AppState, p: &Principal, q: &ListQuery, limit: i64) -> AppResult<Vec<ProblemRow>> {
    s.app.problem_list(p, parse_agency(q)?, parse_model(q)?, limit).await
}

/// `/supervision/problems`.
pub async fn problems(State(s): State<AppState>, user: CurrentUser, Query(q): Query<ListQuery>) -> Response {
    let rows = match problem_rows(&s, &user.principal, &q, PAGE_ROWS).await {
        Ok(r) => r,
        Err(e) => return page_error(&user, e),
    };
    let names = agency_names(&s).await;
    let model = parse_model(&q).ok().flatten();
    let agency = parse_agency(&q).ok().flatten();
    let mut page = TablePage {
        title: format!("问题清单{}", model.map(|m| format!("：{}", m.label())).unwrap_or_default()),
        ..Default::default()
    };
    page.actions.push(("/supervision".into(), "返回监督首页".into()));
    let mut extra = vec![];
    if let Some(m) = model {
        extra.push(("model", m.code()));
    }
    page.actions.push((link("/supervision/problems.csv", agency, &extra), "导出CSV".into()));
    if rows.len() as i64 >= PAGE_ROWS {
        page.notice = Some(format!("仅显示前{PAGE_ROWS}项，全部请导出CSV"));
    }
    let mut t = Section::new("问题", &["执法机关", "模型", "规则", "对象", "问题与处理建议"]);
    for r in &rows {
        let label = Model::ALL.iter().find(|m| m.code() == r.model).map(|m| m.label()).unwrap_or(&r.model);
        t.rows.push(vec![
            names.get(&r.agency_id).cloned().unwrap_or_default().into(),
            label.into(),
            r.rule.clone().into(),
            Cell::link(&r.subject.label, subject_href(&r.subject.kind, &r.subject.id)),
            r.detail.clone().into(),
        ]);
    }
    page.sections.push(t);
    render_table(&Nav::for_user(&user), &page)
}

/// `/supervision/problems.csv`.
pub async fn problems_csv(State(s): State<AppState>, user: CurrentUser, Query(q): Query<ListQuery>) -> Response {
    let rows = match problem_rows(&s, &user.principal, &q, CSV_ROWS).await {
        Ok(r) => r,
        Err(e) => return page_error(&user, e),
    };
    let names = agency_names(&s).await;
    let mut out =
        vec![["执法机关", "模型", "规则", "对象类型", "对象编号", "对象", "问题与处理建议"].map(String::from).to_vec()];
    for r in rows {
        let label = Model::ALL.iter().find(|m| m.code() == r.model).map(|m| m.label()).unwrap_or(&r.model).to_string();
        out.push(vec![
            names.get(&r.agency_id).cloned().unwrap_or_default(),
            label,
            r.rule,
            r.subject.kind,
            r.subject.id,
            r.subject.label,
            r.detail,
        ]);
    }
    csv_response(&format!("problems-{}.csv", beijing_now().date()), out)
}

/// `/supervision/subject/{kind}/{id}`: where a clock's or problem's subject is handled.
pub async fn subject(
    State(s): State<AppState>,
    user: CurrentUser,
    axum::extract::Path((kind, id)): axum::extract::Path<(String, String)>,
) -> Response {
    let target = async {
        let uuid = || id.parse::<Uuid>().map_err(|_| AppError::NotFound("监督对象"));
        Ok::<_, AppError>(match kind.as_str() {
            "case" => format!("/cases/{}", uuid()?),
            "publication" => {
                let row = s.app.db.publication_row(uuid()?).await?.ok_or(AppError::NotFound("公示"))?;
                if row.notice.kind == zhifa_core::disclosure::publication::NoticeKind::Inspection {
                    format!("/inspection/plans/{}", row.case_id)
                } else {
                    format!("/cases/{}/publications/{}", row.case_id, row.record_id)
                }
            }
            "feedback" => format!("/feedback/{id}"),
            "evaluation" => {
                let ev = id.split(':').next().unwrap_or("");
                format!("/supervision/evaluations/{}", ev.parse::<Uuid>().map_err(|_| AppError::NotFound("案卷评查"))?)
            }
            "agency" => format!("/agencies/{}", uuid()?),
            "plan" => {
                let (plan, task) = id.split_once(':').unwrap_or((&id, ""));
                let plan: Uuid = plan.parse().map_err(|_| AppError::NotFound("抽查计划"))?;
                match task.parse::<u32>() {
                    Ok(t) => format!("/inspection/plans/{plan}/tasks/{t}"),
                    Err(_) => format!("/inspection/plans/{plan}"),
                }
            }
            _ => return Err(AppError::NotFound("监督对象")),
        })
    }
    .await;
    match target {
        Ok(t) => Redirect::to(&t).into_response(),
        Err(e) => page_error(&user, e),
    }
}

/// `GET /supervision/sweep`: the confirmation.
pub async fn sweep_confirm(user: CurrentUser) -> Response {
    if !can_sweep(&user.principal) {
        return page_error(&user, zhifa_core::access::AccessError::Role(user.principal.role.label()).into());
    }
    let mut form = FormPage::new("立即扫描", "/supervision/sweep", vec![]);
    form.intro =
        "重新计算自上次扫描以来有变化的案件、公示、更正投诉、机关和抽查计划的期限与问题。服务器也会定时自动扫描。"
            .into();
    form.submit = "开始扫描".into();
    render_form(&Nav::for_user(&user), &form)
}

/// `POST /supervision/sweep`: sweep now (supervisors and the platform administrator).
pub async fn sweep_now(State(s): State<AppState>, user: CurrentUser) -> Response {
    if !can_sweep(&user.principal) {
        return page_error(&user, zhifa_core::access::AccessError::Role(user.principal.role.label()).into());
    }
    match s.app.sweep(&s.node).await {
        Ok(_) => Redirect::to("/supervision").into_response(),
        Err(e) => page_error(&user, e),
    }
}

// ----- V-04 metrics and B-03 same case, same penalty --------------------------------------

#[derive(Debug, Default, Deserialize)]
pub struct PeriodQuery {
    pub year: Option<String>,
    pub month: Option<String>,
    pub agency: Option<String>,
    pub metric: Option<String>,
}

impl PeriodQuery {
    fn list(&self) -> ListQuery {
        ListQuery { agency: self.agency.clone(), ..Default::default() }
    }

    /// The period asked for: a year (this year by default), or a month of it.
    fn period(&self) -> AppResult<Period> {
        let year = match self.year.as_deref().map(str::trim).filter(|y| !y.is_empty()) {
            None => beijing_now().date().year(),
            Some(y) => y
                .parse::<i32>()
                .ok()
                .filter(|y| (2000..=2100).contains(y))
                .ok_or_else(|| bad_query("year", "年度无效，请填写四位年份，例如 2025"))?,
        };
        let p = match self.month.as_deref().map(str::trim).filter(|m| !m.is_empty()) {
            None => Period::year(year),
            Some(m) => Period::month(
                year,
                m.parse::<u32>()
                    .ok()
                    .filter(|m| (1..=12).contains(m))
                    .ok_or_else(|| bad_query("month", "月份无效，请填写 1 至 12"))?,
            ),
        };
        p.ok_or_else(|| bad_query("year", "统计期间无效"))
    }

    fn params(&self, p: Period) -> Vec<(String, String)> {
        let mut out = vec![("year".to_string(), p.from().year().to_string())];
        if let Some(m) = self.month.as_deref().filter(|m| !m.trim().is_empty()) {
            out.push(("month".into(), m.trim().to_string()));
        }
        out
    }
}

fn with_params(path: &str, agency: Option<Uuid>, params: &[(String, String)], extra: &[(&str, &str)]) -> String {
    let mut all: Vec<(&str, &str)> = params.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    all.extend_from_slice(extra);
    link(path, agency, &all)
}

fn period_form(action: &str, q: &PeriodQuery, p: Period) -> crate::forms::Search {
    let _ = q;
    crate::forms::Search {
        action: action.into(),
        name: "year".into(),
        label: "统计年度".into(),
        value: p.from().year().to_string(),
    }
}

/// `/supervision/metrics`: V-04 per agency and period, with the county's total.
pub async fn metrics(State(s): State<AppState>, user: CurrentUser, Query(q): Query<PeriodQuery>) -> Response {
    let page = async {
        let period = q.period()?;
        let report = s.app.metrics(&user.principal, period).await?;
        let params = q.params(period);
        let mut page = TablePage { title: format!("执法监督指标（{}）", period.label()), ..Default::default() };
        page.search = Some(period_form("/supervision/metrics", &q, period));
        page.info.push(("统计期间".into(), format!("{}至{}", period.from(), period.to())));
        page.info.push(("口径".into(), "期间内到期或发生的事项；截至今日仍在期限内的不计入".into()));
        page.actions.push(("/supervision".into(), "返回监督首页".into()));
        page.actions.push((with_params("/supervision/metrics.csv", None, &params, &[]), "导出CSV".into()));
        page.actions.push((with_params("/supervision/penalties", None, &params, &[]), "同案同罚".into()));
        let headers = ["指标", "数量", "总数", "比率", "目标"];
        let several = report.agencies.len() > 1;
        let mut blocks: Vec<(Option<Uuid>, String, &AgencyMetrics)> =
            report.agencies.iter().map(|(id, name, m)| (Some(*id), name.clone(), m)).collect();
        if several {
            blocks.insert(0, (None, "全县合计".into(), &report.total));
        }
        for (agency, name, m) in &blocks {
            let mut t = Section::new(name, &headers);
            for r in m.rows() {
                let behind = m.ratio(r.metric).behind.len();
                let count = if behind > 0 {
                    Cell::link(
                        r.count.to_string(),
                        with_params("/supervision/metrics/behind", *agency, &params, &[("metric", r.metric.code())]),
                    )
                } else {
                    r.count.to_string().into()
                };
                let target = match (r.target_pct, r.meets_target) {
                    (Some(t), Some(true)) => Cell::from(format!("≥{t}%")).tagged("ok", "达标"),
                    (Some(t), _) => Cell::from(format!("≥{t}%")).tagged("bad", "未达标"),
                    _ => Cell::from(""),
                };
                t.rows.push(vec![r.label.into(), count, r.of.to_string().into(), r.pct_text().into(), target]);
            }
            page.sections.push(t);
        }
        // One chart per rate metric across agencies.
        for metric in [Metric::ALL[0], Metric::ALL[1], Metric::ALL[3]] {
            let bars: Vec<(String, u64)> = report
                .agencies
                .iter()
                .map(|(_, name, m)| (name.clone(), m.ratio(metric).pct().map(|p| p.round() as u64).unwrap_or(0)))
                .collect();
            page.charts.push(bar_chart(&format!("{}（%）", metric.label()), &bars));
        }
        AppResult::Ok(page)
    }
    .await;
    table_or_error(&user, page)
}

/// `/supervision/metrics.csv`: every agency's rows, then the total.
pub async fn metrics_csv(State(s): State<AppState>, user: CurrentUser, Query(q): Query<PeriodQuery>) -> Response {
    let report = async {
        let period = q.period()?;
        s.app.metrics(&user.principal, period).await
    }
    .await;
    let report = match report {
        Ok(r) => r,
        Err(e) => return page_error(&user, e),
    };
    let mut head = vec!["执法机关".to_string(), "统计期间".to_string()];
    head.extend(AgencyMetrics::CSV_HEADER.iter().map(|h| h.to_string()));
    let mut out = vec![head];
    let label = report.period.label();
    let mut all: Vec<(String, &AgencyMetrics)> = report.agencies.iter().map(|(_, n, m)| (n.clone(), m)).collect();
    all.push(("合计".into(), &report.total));
    for (name, m) in all {
        for r in m.csv_rows() {
            let mut line = vec![name.clone(), label.clone()];
            line.extend(r);
            out.push(line);
        }
    }
    csv_response(&format!("metrics-{}-{}.csv", report.period.from(), report.period.to()), out)
}

/// `/supervision/metrics/behind?metric=…`: the cases, publications or requests behind a
/// metric's shortfall (the drill-down from a figure).
pub async fn metric_behind(State(s): State<AppState>, user: CurrentUser, Query(q): Query<PeriodQuery>) -> Response {
    let page = async {
        let period = q.period()?;
        let metric = q
            .metric
            .as_deref()
            .and_then(Metric::parse)
            .ok_or_else(|| bad_query("metric", "指标名称无效，请从指标页进入"))?;
        let agency = parse_agency(&q.list())?;
        let rows = s.app.metric_behind(&user.principal, period, metric, agency).await?;
        let names = agency_names(&s).await;
        let mut page = TablePage {
            title: format!("{}：未达要求的事项（{}）", metric.label(), period.label()),
            ..Default::default()
        };
        page.actions.push((with_params("/supervision/metrics", None, &q.params(period), &[]), "返回指标".into()));
        let mut t = Section::new("事项", &["执法机关", "对象"]);
        for (a, subject) in &rows {
            let r = subject_ref(subject, None);
            t.rows.push(vec![
                names.get(a).cloned().unwrap_or_default().into(),
                Cell::link(r.label, subject_href(&r.kind, &r.id)),
            ]);
        }
        page.sections.push(t);
        AppResult::Ok(page)
    }
    .await;
    table_or_error(&user, page)
}

/// `/supervision/penalties`: same case, same penalty (B-03) — per violation type and tier
/// the fines imposed, their spread and the outliers, each linking to its case.
pub async fn penalties(State(s): State<AppState>, user: CurrentUser, Query(q): Query<PeriodQuery>) -> Response {
    let page = async {
        let period = q.period()?;
        let agency = parse_agency(&q.list())?;
        let groups = s.app.penalty_groups(&user.principal, agency, Some(period)).await?;
        let names = agency_names(&s).await;
        let mut page = TablePage { title: format!("同案同罚（{}）", period.label()), ..Default::default() };
        page.search = Some(period_form("/supervision/penalties", &q, period));
        page.info.push((
            "说明".into(),
            "按违法行为类型和裁量阶次统计实际罚款；超出阶次范围或四分位距1.5倍之外的为异常值".into(),
        ));
        page.actions.push(("/supervision".into(), "返回监督首页".into()));
        let mut t = Section::new(
            "罚款分布",
            &[
                "执法机关",
                "违法行为",
                "阶次",
                "阶次罚款",
                "案件数",
                "最低",
                "下四分位",
                "中位数",
                "上四分位",
                "最高",
                "异常值",
            ],
        );
        let mut out = Section::new("异常值", &["执法机关", "违法行为", "阶次", "案件", "罚款", "原因"]);
        for (a, g) in &groups {
            let name = names.get(a).cloned().unwrap_or_default();
            t.rows.push(vec![
                name.clone().into(),
                format!("{}（{}）", g.violation_name, g.violation_code).into(),
                g.tier.clone().into(),
                g.tier_fine.clone().into(),
                g.count.to_string().into(),
                g.min.to_string().into(),
                g.lower_quartile.to_string().into(),
                g.median.to_string().into(),
                g.upper_quartile.to_string().into(),
                g.max.to_string().into(),
                g.outliers.len().to_string().into(),
            ]);
            for o in &g.outliers {
                let r = subject_ref(&o.subject, None);
                out.rows.push(vec![
                    name.clone().into(),
                    g.violation_name.clone().into(),
                    g.tier.clone().into(),
                    Cell::link(r.label, subject_href(&r.kind, &r.id)),
                    o.fine.to_string().into(),
                    o.why.clone().into(),
                ]);
            }
        }
        let bars: Vec<(String, u64)> =
            groups.iter().map(|(_, g)| (format!("{}·{}", g.violation_name, g.tier), g.count as u64)).collect();
        page.charts.push(bar_chart("各违法行为与阶次的案件数", &bars));
        page.sections.push(t);
        page.sections.push(out);
        AppResult::Ok(page)
    }
    .await;
    table_or_error(&user, page)
}

// ----- The annual report (D-11, V-04) ------------------------------------------------------

fn report_year(q: &PeriodQuery) -> AppResult<i32> {
    let today = beijing_now().date();
    zhifa_app::portal_disclosure::statistics_year(q.year.as_deref(), today).map_err(AppError::Rejected)
}

/// `/supervision/report?year=&agency=`: the annual report as a page with charts.
pub async fn report(State(s): State<AppState>, user: CurrentUser, Query(q): Query<PeriodQuery>) -> Response {
    let page = async {
        let year = report_year(&q)?;
        let agency = parse_agency(&q.list())?;
        let r = s.app.annual_report(&user.principal, agency, year).await?;
        let mut page = TablePage { title: r.title(), ..Default::default() };
        page.search = Some(crate::forms::Search {
            action: "/supervision/report".into(),
            name: "year".into(),
            label: "报告年度".into(),
            value: year.to_string(),
        });
        page.notice = Some(r.summary());
        page.info.push((
            "统计数据公开期限".into(),
            format!("{}前（D-11）", zhifa_core::disclosure::statistics::publish_by(year)),
        ));
        page.info.push(("生成日期".into(), r.generated_on.to_string()));
        let y = year.to_string();
        page.actions.push((link("/supervision/report.pdf", agency, &[("year", &y)]), "下载PDF".into()));
        page.actions.push((link("/supervision/metrics", None, &[("year", &y)]), "监督指标".into()));
        page.actions.push(("/supervision".into(), "返回监督首页".into()));
        let mut stats = Section::new("执法数据统计", &["项目", "数量"]);
        for (label, v) in r.statistics.table() {
            stats.rows.push(vec![label.into(), v.into()]);
        }
        page.sections.push(stats);
        let mut m = Section::new("执法监督指标", &["指标", "数量", "总数", "比率"]);
        for row in r.metrics.rows() {
            m.rows.push(vec![
                row.label.into(),
                row.count.to_string().into(),
                row.of.to_string().into(),
                row.pct_text().into(),
            ]);
        }
        page.sections.push(m);
        if r.county {
            let mut t = Section::new(
                "各执法机关情况",
                &["执法机关", "立案", "处罚决定", "罚款（元）", "公示及时率", "涉嫌犯罪/移送", "统计公开"],
            );
            for p in &r.parts {
                let opened: u64 = p.statistics.opened.iter().map(|(_, n)| n).sum();
                t.rows.push(vec![
                    Cell::link(&p.name, link("/supervision/report", Some(p.id), &[("year", &y)])),
                    opened.to_string().into(),
                    p.statistics.penalty_decisions.to_string().into(),
                    p.statistics.fines.yuan_2dp().into(),
                    zhifa_core::supervision::metrics::pct_text(p.metrics.disclosure_timeliness.pct()).into(),
                    format!("{}/{}", p.flagged, p.transferred).into(),
                    match p.published_on {
                        Some(d) => d.to_string().into(),
                        None => Cell::from("").tagged("warn", "尚未公开"),
                    },
                ]);
            }
            page.sections.push(t);
            let bars: Vec<(String, u64)> =
                r.parts.iter().map(|p| (p.name.clone(), p.statistics.penalty_decisions)).collect();
            page.charts.push(bar_chart(&format!("{year}年各执法机关行政处罚决定数"), &bars));
        }
        page.charts.insert(0, bar_chart(&r.statistics.title(), &r.statistics.rows()));
        let mut problems = Section::new("执法监督发现的问题", &["问题模型", "依据", "数量"]);
        for (model, n) in &r.problems {
            problems.rows.push(vec![
                model.label().into(),
                model.rule().into(),
                Cell::link(n.to_string(), link("/supervision/problems", agency, &[("model", model.code())])),
            ]);
        }
        page.sections.push(problems);
        AppResult::Ok(page)
    }
    .await;
    table_or_error(&user, page)
}

/// `/supervision/report.pdf?year=&agency=`.
pub async fn report_pdf(State(s): State<AppState>, user: CurrentUser, Query(q): Query<PeriodQuery>) -> Response {
    let r = async {
        let year = report_year(&q)?;
        let agency = parse_agency(&q.list())?;
        s.app.annual_report_pdf(&user.principal, agency, year).await
    }
    .await;
    match r {
        Ok((name, pdf)) => (
            StatusCode::OK,
            [
                (header::CONTENT_TYPE, axum::http::HeaderValue::from_static("application/pdf")),
                (header::CONTENT_DISPOSITION, crate::pages::files::disposition(&name)),
            ],
            pdf,
        )
            .into_response(),
        Err(e) => page_error(&user, e),
    }
}
