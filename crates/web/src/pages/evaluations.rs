//! Case-file evaluation (案卷评查, V-01) inside the application: `/supervision/evaluations`
//! (the batches the reader sees, the rectification notices addressed to the reader's
//! agency, the creation form) and a batch's page `/supervision/evaluations/{id}` (its
//! cases with scores, grades and rectification states, the summary per agency, the draw's
//! commitment, seed and a live verification). The forms that change a batch — selection,
//! draw, scores, rectification — are in [`super::evaluation_forms`].

use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;
use chrono::Datelike;
use uuid::Uuid;
use zhifa_app::AppError;
use zhifa_app::cases::beijing_now;
use zhifa_app::evaluation::{EvaluationView, NewEvaluation};
use zhifa_core::Rejection;
use zhifa_core::access::{AccessError, Role};
use zhifa_core::supervision::evaluation::{EvaluatedCase, EvaluationKind, Rectification, Selection, Tally, summary};

use crate::AppState;
use crate::forms::{Cell, Field, FormPage, Nav, Section, TablePage, pairs, render_form, render_table, value, values};
use crate::pages::{Parsed, after_submit, page_error};
use crate::session::CurrentUser;

/// The kind of batch the user creates: a supervisor the bureau's, an agency's head or
/// legal reviewer its self-evaluation; anyone else none.
pub(crate) fn creatable_kind(user: &CurrentUser) -> Option<EvaluationKind> {
    match user.principal.role {
        Role::Supervisor => Some(EvaluationKind::Bureau),
        Role::Head | Role::LegalReviewer if user.principal.agency_id.is_some() => Some(EvaluationKind::SelfEvaluation),
        _ => None,
    }
}

fn status_label(status: &str) -> &'static str {
    match status {
        "created" => "待选取案卷",
        "picked" => "已选取案卷",
        "committed" => "已公布抽取承诺",
        "drawn" => "已随机抽取",
        _ => "—",
    }
}

/// The rectification cell of a case: its state today, linked to what the reader can do.
pub(crate) fn rectification_state(r: &Rectification) -> String {
    r.state(beijing_now().date()).label().to_string()
}

/// GET /supervision/evaluations
pub async fn list(State(s): State<AppState>, user: CurrentUser) -> Response {
    let rows = match s.app.evaluations_for(&user.principal).await {
        Ok(r) => r,
        Err(e) => return page_error(&user, e),
    };
    let mut page = TablePage { title: "案卷评查".into(), ..Default::default() };
    page.notice = Some(
        "司法局对已结案（含已归档）的行政执法案卷进行评查，按卷宗装订、案卷材料、执法程序、事实认定、证据、法律适用、执法效果七个方面评分，评定优秀、合格、不合格，并对发现的问题下发整改通知、跟踪销号（V-01）。".into(),
    );
    if creatable_kind(&user).is_some() {
        page.actions.push(("/supervision/evaluations/new".into(), "新建评查活动".into()));
    }
    let mut batches =
        Section::new("评查活动", &["名称", "类型", "年度", "状态", "案卷数", "已评分", "整改通知", "已销号"]);
    for r in &rows {
        batches.rows.push(vec![
            Cell::link(r.name.clone(), format!("/supervision/evaluations/{}", r.id)),
            r.kind.label().into(),
            r.year.to_string().into(),
            status_label(&r.status).into(),
            r.cases.to_string().into(),
            r.scored.to_string().into(),
            r.rectifications.to_string().into(),
            r.closed.to_string().into(),
        ]);
    }
    page.sections.push(batches);
    if user.principal.agency_id.is_some() && user.principal.role != Role::Supervisor {
        match s.app.rectifications_for(&user.principal).await {
            Ok(list) => {
                let mut section =
                    Section::new("本机关收到的整改通知", &["评查活动", "案件", "通知编号", "整改期限", "状态", "操作"]);
                for a in list {
                    let base = format!("/supervision/evaluations/{}/cases/{}", a.evaluation, a.case_id);
                    let state = rectification_state(&a.rectification);
                    let action = match a.rectification.state(beijing_now().date()) {
                        zhifa_core::supervision::evaluation::RectificationState::Pending
                        | zhifa_core::supervision::evaluation::RectificationState::Overdue => {
                            Cell::link("答复整改情况", format!("{base}/answer"))
                        }
                        _ => "".into(),
                    };
                    section.rows.push(vec![
                        Cell::link(a.evaluation_name, format!("/supervision/evaluations/{}", a.evaluation)),
                        Cell::link(a.case_number, format!("/cases/{}", a.case_id)),
                        a.rectification.notice.number.clone().into(),
                        a.rectification.due().to_string().into(),
                        state.into(),
                        action,
                    ]);
                }
                page.sections.push(section);
            }
            Err(e) => return page_error(&user, e),
        }
    }
    render_table(&Nav::for_user(&user), &page)
}

async fn new_form(s: &AppState, user: &CurrentUser) -> Result<FormPage, AppError> {
    let kind = creatable_kind(user).ok_or(AccessError::Role(user.principal.role.label()))?;
    let evaluators = s.app.evaluator_choices(&user.principal, kind).await?;
    let mut fields = vec![
        Field::text("name", "评查活动名称").required(),
        Field::text("year", "评查年度").required().value(beijing_now().year().to_string()),
    ];
    if kind == EvaluationKind::Bureau {
        let agencies = s.app.evaluable_agencies().await?;
        fields.push(
            Field::new("agencies", "被评查机关", "checks")
                .required()
                .options(agencies.into_iter().map(|(id, n)| (id.to_string(), n)).collect()),
        );
    }
    fields.push(
        Field::new("evaluators", "评查人员", "checks")
            .required()
            .options(evaluators.into_iter().map(|(id, n)| (id.to_string(), n)).collect())
            .hint("评查人员不得评查本人承办或法制审核过的案件"),
    );
    let title = match kind {
        EvaluationKind::Bureau => "新建案卷评查活动",
        EvaluationKind::SelfEvaluation => "新建本机关案卷自查",
    };
    let mut page = FormPage::new(title, "/supervision/evaluations", fields);
    page.intro =
        "评查活动创建后，可人工选取已结案的案卷并说明理由，或公布随机抽取承诺后现场随机抽取（二者只能选其一）。".into();
    Ok(page)
}

/// GET /supervision/evaluations/new
pub async fn new_page(State(s): State<AppState>, user: CurrentUser) -> Response {
    match new_form(&s, &user).await {
        Ok(f) => render_form(&Nav::for_user(&user), &f),
        Err(e) => page_error(&user, e),
    }
}

/// The ids chosen in a checkbox list; one that does not parse is the field's error.
pub(crate) fn ids(v: &[(String, String)], name: &str, r: &mut Rejection) -> Vec<Uuid> {
    let mut out = Vec::new();
    for x in values(v, name) {
        match x.parse() {
            Ok(id) => out.push(id),
            Err(_) => {
                r.add(name, "所选项目无效，请重新选择");
                break;
            }
        }
    }
    out
}

/// POST /supervision/evaluations
pub async fn create(State(s): State<AppState>, user: CurrentUser, body: Bytes) -> Response {
    let v = pairs(&body);
    let form = match new_form(&s, &user).await {
        Ok(f) => f,
        Err(e) => return page_error(&user, e),
    };
    let kind = creatable_kind(&user).unwrap_or(EvaluationKind::SelfEvaluation);
    let mut r = Rejection::new();
    let year = match value(&v, "year").trim().parse::<i32>() {
        Ok(y) => y,
        Err(_) => {
            r.add("year", "评查年度应为四位数字，例如 2026");
            0
        }
    };
    let agencies = ids(&v, "agencies", &mut r);
    let evaluators = ids(&v, "evaluators", &mut r);
    let result = if r.is_empty() {
        let new = NewEvaluation { name: value(&v, "name").to_string(), year, kind, agencies, evaluators };
        s.app.create_evaluation(&user.principal, new).await
    } else {
        Err(r.into())
    };
    after_submit(&user, result, form, &v, |id| format!("/supervision/evaluations/{id}"))
}

/// The batch's spec, commitment and draw as labelled rows.
fn info(view: &EvaluationView, verification: Option<String>) -> Vec<(String, String)> {
    let ev = &view.evaluation;
    let spec = &ev.spec;
    let agency = |a: &Uuid| view.agency_names.get(a).cloned().unwrap_or_else(|| a.to_string());
    let mut info = vec![
        ("评查活动".to_string(), spec.name.clone()),
        ("类型".into(), spec.kind.label().into()),
        ("评查年度".into(), spec.year.to_string()),
        ("被评查机关".into(), spec.agencies.iter().map(agency).collect::<Vec<_>>().join("、")),
        (
            "评查人员".into(),
            spec.evaluators
                .iter()
                .map(|e| view.evaluator_names.get(e).cloned().unwrap_or_else(|| e.to_string()))
                .collect::<Vec<_>>()
                .join("、"),
        ),
        (
            "评分标准".into(),
            zhifa_core::supervision::evaluation::Dimension::ALL
                .iter()
                .map(|d| format!("{}{}分", d.label(), spec.scoresheet.max(*d)))
                .collect::<Vec<_>>()
                .join("、")
                + "；90分以上为优秀，60分以上为合格，否则或有否决项为不合格",
        ),
    ];
    if let Some(c) = &ev.commitment {
        info.push(("承诺公布日期".into(), c.on.to_string()));
        info.push(("抽取比例（每个被评查机关）".into(), c.ratio.to_string()));
        info.push(("随机种子承诺值 SHA-256(种子)".into(), c.seed_commitment.clone()));
        info.push((format!("候选案卷名单哈希（{}件）", c.candidates.len()), c.candidates_hash.clone()));
    }
    if let Some(d) = &ev.drawn {
        info.push(("抽取日期".into(), d.on.to_string()));
        info.push(("公开的随机种子".into(), d.seed.clone()));
        info.push(("现场公开输入".into(), d.public_input.clone()));
        info.push(("抽取种子".into(), d.draw_seed.clone()));
    }
    if let Some(v) = verification {
        info.push(("抽取验证".into(), v));
    }
    info
}

fn tally_row(name: String, t: &Tally) -> Vec<Cell> {
    vec![
        name.into(),
        t.cases.to_string().into(),
        t.scored.to_string().into(),
        t.excellent.to_string().into(),
        t.pass.to_string().into(),
        t.fail.to_string().into(),
        t.average_text().unwrap_or_else(|| "—".into()).into(),
        t.open.to_string().into(),
        t.overdue.to_string().into(),
        t.closed.to_string().into(),
    ]
}

fn case_row(view: &EvaluationView, id: Uuid, c: &EvaluatedCase) -> Vec<Cell> {
    let base = format!("/supervision/evaluations/{id}/cases/{}", c.case.case_id);
    let agency = view.agency_names.get(&c.case.agency_id).cloned().unwrap_or_default();
    let selection = match &c.selection {
        Selection::Picked { reason, on } => format!("{on}人工选取：{reason}"),
        Selection::Drawn { on } => format!("{on}随机抽取"),
    };
    let (points, grade) = match &c.score {
        Some(s) => (s.scoring.total().to_string(), s.scoring.grade().label().to_string()),
        None => ("—".into(), "未评分".into()),
    };
    let score_cell = match (&c.score, view.evaluator.is_some()) {
        (None, true) => Cell::link("评分", format!("{base}/score")),
        (Some(_), true) => Cell::link(format!("{points}（更正）"), format!("{base}/score")),
        _ => points.into(),
    };
    let sheet = &view.evaluation.spec.scoresheet;
    let findings = c.score.as_ref().is_some_and(|s| s.scoring.has_findings(sheet));
    let deductions = c.score.as_ref().map_or(String::new(), |s| {
        let mut items: Vec<String> = s
            .scoring
            .scores
            .iter()
            .filter(|d| d.points < sheet.max(d.dimension))
            .map(|d| format!("{}扣{}分：{}", d.dimension.label(), sheet.max(d.dimension) - d.points, d.comment))
            .collect();
        items.extend(s.scoring.vetoes.iter().map(|v| format!("否决项“{}”：{}", v.veto.label(), v.comment)));
        items.join("；")
    });
    let today = beijing_now().date();
    let rect = match &c.rectification {
        None if findings && view.runs => Cell::link("下发整改通知", format!("{base}/rectification")),
        None => "".into(),
        Some(r) => {
            use zhifa_core::supervision::evaluation::RectificationState as S;
            let label = format!("{}（{}，期限{}）", r.state(today).label(), r.notice.number, r.due());
            match r.state(today) {
                S::Answered if view.runs => Cell::link(label, format!("{base}/accept")),
                S::Pending | S::Overdue if view.only_agency.is_some() => Cell::link(label, format!("{base}/answer")),
                _ => label.into(),
            }
        }
    };
    vec![
        Cell::link(c.case.number.clone(), format!("/cases/{}", c.case.case_id)),
        agency.into(),
        c.case.closed_on.to_string().into(),
        selection.into(),
        score_cell,
        grade.into(),
        deductions.into(),
        rect,
    ]
}

/// The rectifications in full: problems, answers, returns.
fn rectification_section(view: &EvaluationView) -> Option<Section> {
    let mut section = Section::new("整改情况", &["案件", "通知编号", "发现的问题", "答复与审查", "状态"]);
    for c in view.evaluation.cases.iter().filter(|c| view.shows(c.case.agency_id)) {
        let Some(r) = &c.rectification else { continue };
        let mut history = Vec::new();
        for (i, a) in r.answers.iter().enumerate() {
            history.push(format!("{}答复：{}", a.on, a.what_done));
            if let Some(ret) = r.returns.get(i) {
                history.push(format!("{}退回：{}（新期限{}）", ret.on, ret.reasons, ret.due));
            }
        }
        if let Some((on, comment)) = &r.accepted {
            history
                .push(format!("{on}销号{}", if comment.is_empty() { String::new() } else { format!("：{comment}") }));
        }
        section.rows.push(vec![
            c.case.number.clone().into(),
            format!("{}（{}下发）", r.notice.number, r.notice.issued_on).into(),
            r.notice.problems.join("；").into(),
            history.join("；").into(),
            rectification_state(r).into(),
        ]);
    }
    (!section.rows.is_empty()).then_some(section)
}

/// GET /supervision/evaluations/{id}
pub async fn show(State(s): State<AppState>, user: CurrentUser, Parsed(id): Parsed<Uuid>) -> Response {
    let view = match s.app.evaluation(&user.principal, id).await {
        Ok(v) => v,
        Err(e) => return page_error(&user, e),
    };
    let ev = &view.evaluation;
    let verification = match ev.drawn {
        None => None,
        Some(_) => Some(match s.app.verify_evaluation(id).await {
            Ok(Ok(_)) => "验证结果：一致（按公开的种子和冻结的候选名单重新抽取，结果与记录相同）".to_string(),
            Ok(Err(e)) => format!("验证结果：不一致——{e}"),
            Err(e) => {
                tracing::error!(error = %e, "verifying an evaluation draw failed");
                "验证结果：暂时无法验证，请稍后再试".into()
            }
        }),
    };
    let mut page = TablePage { title: ev.spec.name.clone(), info: info(&view, verification), ..Default::default() };
    if view.runs {
        if ev.commitment.is_none() {
            page.actions.push((format!("/supervision/evaluations/{id}/pick"), "人工选取案卷".into()));
            if ev.cases.is_empty() {
                page.actions.push((format!("/supervision/evaluations/{id}/commit"), "公布随机抽取承诺".into()));
            }
        } else if ev.drawn.is_none() {
            page.actions.push((format!("/supervision/evaluations/{id}/draw"), "现场随机抽取".into()));
        }
    }
    page.actions.push(("/supervision/evaluations".into(), "返回案卷评查".into()));
    let mut cases = Section::new(
        "评查案卷",
        &["案号", "被评查机关", "结案日期", "选取方式", "得分", "等次", "扣分与否决项", "整改"],
    );
    for c in ev.cases.iter().filter(|c| view.shows(c.case.agency_id)) {
        cases.rows.push(case_row(&view, id, c));
        let answered = c.rectification.as_ref().is_some_and(|r| {
            r.state(beijing_now().date()) == zhifa_core::supervision::evaluation::RectificationState::Answered
        });
        if view.runs && answered {
            let base = format!("/supervision/evaluations/{id}/cases/{}", c.case.case_id);
            page.actions.push((format!("{base}/accept"), format!("整改销号：{}", c.case.number)));
            page.actions.push((format!("{base}/return"), format!("退回整改：{}", c.case.number)));
        }
    }
    page.sections.push(cases);
    let sum = summary(ev, beijing_now().date());
    let mut table = Section::new(
        "评查结果汇总",
        &["被评查机关", "案卷数", "已评分", "优秀", "合格", "不合格", "平均分", "整改中", "其中逾期", "已销号"],
    );
    for (agency, t) in &sum.agencies {
        if view.shows(*agency) {
            table.rows.push(tally_row(view.agency_names.get(agency).cloned().unwrap_or_default(), t));
        }
    }
    if view.only_agency.is_none() {
        table.rows.push(tally_row("合计".into(), &sum.total));
    }
    page.sections.push(table);
    if let Some(section) = rectification_section(&view) {
        page.sections.push(section);
    }
    render_table(&Nav::for_user(&user), &page)
}
