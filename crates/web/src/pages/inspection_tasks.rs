//! A drawn plan's tasks inside the application (S-05, D-05…D-07): the task's page
//! `/inspection/plans/{id}/tasks/{n}` (n counts from 1) with the result and the preview of
//! its public notice, redacted as the portal will show it; the result form `…/result`
//! (recorded once, then corrected with a reason); the publication's confirmation
//! `…/publish`, like a decision's in [`super::publications`].

use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;
use uuid::Uuid;
use zhifa_app::AppError;
use zhifa_app::inspection::PlanView;
use zhifa_core::Rejection;
use zhifa_core::disclosure::publication::Status;
use zhifa_core::inspection::{InspectionResult, Task, TaskResult};

use crate::AppState;
use crate::forms::{Field, FormPage, Nav, Section, TablePage, pairs, render_form, render_table, value};
use crate::pages::inspection_plans::{item_names, keeps, publication_label, publication_of, task_items, task_team};
use crate::pages::{Parsed, after_submit, date_field, page_error};
use crate::session::CurrentUser;

/// A plan the user may read and its task `n` (from 1); a task that is not there is not found.
async fn plan_task(s: &AppState, user: &CurrentUser, id: Uuid, n: u32) -> Result<(PlanView, Task), AppError> {
    let view = s.app.plan(&user.principal, id).await?;
    let task = n.checked_sub(1).and_then(|i| view.plan.tasks().get(i as usize)).cloned();
    let task = task.ok_or(AppError::NotFound("检查任务"))?;
    Ok((view, task))
}

/// GET /inspection/plans/{id}/tasks/{n}
pub async fn show(State(s): State<AppState>, user: CurrentUser, Parsed((id, n)): Parsed<(Uuid, u32)>) -> Response {
    let (view, task) = match plan_task(&s, &user, id, n).await {
        Ok(v) => v,
        Err(e) => return page_error(&user, e),
    };
    let plan = &view.plan;
    let names = item_names(&s, plan).await;
    let mut page = TablePage {
        title: format!("{}：第{n}个检查任务", plan.spec.name),
        info: vec![
            ("检查对象".into(), task.target_name.clone()),
            ("统一社会信用代码".into(), task.target_key.clone()),
            ("抽查事项".into(), task_items(&task, &names)),
            ("检查人员（执法证号）".into(), task_team(&task)),
        ],
        ..Default::default()
    };
    let keeper = keeps(&user, plan).is_ok();
    match plan.results.get(&task.index) {
        Some(rec) => {
            let r = &rec.result;
            page.info.push(("检查结果".into(), r.result.label().into()));
            if let TaskResult::CaseOpened { case_id } = &r.result {
                page.info.push(("立案案件".into(), case_id.to_string()));
            }
            page.info.push(("检查完成日期".into(), r.ended_on.to_string()));
            page.info.push(("检查情况".into(), r.summary.clone()));
            let mut corrections = Section::new("更正记录", &["原结果", "原检查情况", "更正理由"]);
            for (old, reason) in &rec.corrected {
                corrections.rows.push(vec![
                    old.result.label().into(),
                    old.summary.clone().into(),
                    reason.clone().into(),
                ]);
            }
            if !rec.corrected.is_empty() {
                page.sections.push(corrections);
            }
            page.actions.push((format!("/inspection/plans/{id}/tasks/{n}/result"), "更正结果".into()));
        }
        None => {
            page.actions.push((format!("/inspection/plans/{id}/tasks/{n}/case"), "开始检查（建立全过程记录）".into()));
            page.actions.push((format!("/inspection/plans/{id}/tasks/{n}/result"), "登记结果".into()));
        }
    }
    match publication_of(&s, id, task.index).await {
        Some((status, pid)) => {
            page.info.push(("公示状态".into(), publication_label(&status).into()));
            if status == Status::Prepared && keeper {
                page.actions.push((format!("/inspection/plans/{id}/tasks/{n}/publish"), "发布公示".into()));
            }
            if matches!(status, Status::Public { .. }) {
                page.actions.push((format!("/gs/decisions/{pid}"), "门户网站上的公示".into()));
            }
        }
        None => page.info.push(("公示状态".into(), "登记结果后生成公示信息".into())),
    }
    if plan.results.contains_key(&task.index) {
        match s.app.inspection_prepared(plan, task.index).await {
            Ok(prepared) => {
                let mut notice = Section::new("公示内容预览（脱敏后，与门户网站一致）", &["栏目", "内容"]);
                for (label, text) in prepared.notice.rows() {
                    notice.rows.push(vec![label.into(), text.into()]);
                }
                page.sections.push(notice);
                let mut removed =
                    Section::new("脱敏处理（仅本机关可见，不予公开）", &["栏目", "类别", "原文", "公开为"]);
                for f in &prepared.findings {
                    removed.rows.push(vec![
                        f.field.label().into(),
                        f.finding.label().into(),
                        f.finding.original.clone().into(),
                        f.finding.replacement.clone().into(),
                    ]);
                }
                if !prepared.findings.is_empty() {
                    page.sections.push(removed);
                }
            }
            Err(e) => return page_error(&user, e),
        }
    }
    page.actions.push((format!("/inspection/plans/{id}"), "返回计划".into()));
    render_table(&Nav::for_user(&user), &page)
}

const RESULTS: [(&str, &str); 4] = [
    ("no_problem", "未发现问题"),
    ("problem_corrected", "发现问题，已责令整改"),
    ("case_opened", "发现问题，已立案查处"),
    ("target_not_found", "未找到检查对象"),
];

fn result_form(id: Uuid, n: u32, correcting: bool) -> FormPage {
    let options = RESULTS.iter().map(|(k, l)| (k.to_string(), l.to_string())).collect();
    let mut fields = vec![
        Field::new("ended_on", "检查完成日期", "date").required().hint("须在计划期间内，且不晚于今天"),
        Field::new("result", "检查结果", "select").required().options(options),
        Field::text("case_id", "立案案件编号")
            .hint("检查结果为“发现问题，已立案查处”时填写：案件页面地址 /cases/ 后的编号"),
        Field::new("summary", "检查情况", "textarea").required().hint("将按规定脱敏后公示（D-06、D-07）"),
        Field::text("record_id", "检查笔录编号（可不填）"),
    ];
    if correcting {
        fields.push(Field::new("reason", "更正理由", "textarea").required().hint("原结果保留在记录中"));
    }
    let mut page = FormPage::new(
        if correcting { "更正检查结果" } else { "登记检查结果" },
        &format!("/inspection/plans/{id}/tasks/{n}/result"),
        fields,
    );
    page.intro = format!("第{n}个检查任务。登记后即生成公示信息，预览无误后发布（S-05）。");
    page
}

fn result_pairs(r: &InspectionResult) -> Vec<(String, String)> {
    let (code, case) = match &r.result {
        TaskResult::NoProblem => ("no_problem", String::new()),
        TaskResult::ProblemCorrected => ("problem_corrected", String::new()),
        TaskResult::CaseOpened { case_id } => ("case_opened", case_id.to_string()),
        TaskResult::TargetNotFound => ("target_not_found", String::new()),
    };
    vec![
        ("ended_on".into(), r.ended_on.to_string()),
        ("result".into(), code.into()),
        ("case_id".into(), case),
        ("summary".into(), r.summary.clone()),
        ("record_id".into(), r.record_id.map(|x| x.to_string()).unwrap_or_default()),
    ]
}

/// GET /inspection/plans/{id}/tasks/{n}/result
pub async fn result_new(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed((id, n)): Parsed<(Uuid, u32)>,
) -> Response {
    match plan_task(&s, &user, id, n).await {
        Ok((view, task)) => {
            let form = match view.plan.results.get(&task.index) {
                Some(rec) => result_form(id, n, true).fill(&result_pairs(&rec.result)),
                None => result_form(id, n, false),
            };
            render_form(&Nav::for_user(&user), &form)
        }
        Err(e) => page_error(&user, e),
    }
}

fn read_result(v: &[(String, String)]) -> Result<InspectionResult, Rejection> {
    let mut r = Rejection::new();
    let ended_on = date_field(&mut r, "ended_on", "检查完成日期", value(v, "ended_on"));
    let result = match value(v, "result") {
        "no_problem" => Some(TaskResult::NoProblem),
        "problem_corrected" => Some(TaskResult::ProblemCorrected),
        "target_not_found" => Some(TaskResult::TargetNotFound),
        "case_opened" => match value(v, "case_id").trim().parse::<Uuid>() {
            Ok(case_id) => Some(TaskResult::CaseOpened { case_id }),
            Err(_) => {
                r.add("case_id", "请填写立案案件的编号（案件页面地址 /cases/ 后的编号）");
                None
            }
        },
        _ => {
            r.add("result", "请选择检查结果");
            None
        }
    };
    let record_id = match value(v, "record_id").trim() {
        "" => None,
        text => match text.parse::<Uuid>() {
            Ok(x) => Some(x),
            Err(_) => {
                r.add("record_id", "检查笔录编号无效；没有笔录时请留空");
                None
            }
        },
    };
    let summary = value(v, "summary").trim();
    if summary.is_empty() {
        r.add("summary", "请填写检查情况");
    }
    match (ended_on, result) {
        (Some(ended_on), Some(result)) if r.is_empty() => {
            Ok(InspectionResult { ended_on, result, summary: summary.to_string(), record_id })
        }
        _ => Err(r),
    }
}

/// POST /inspection/plans/{id}/tasks/{n}/result: recorded, or corrected with the reason.
pub async fn result_submit(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed((id, n)): Parsed<(Uuid, u32)>,
    body: Bytes,
) -> Response {
    let v = pairs(&body);
    let (view, task) = match plan_task(&s, &user, id, n).await {
        Ok(v) => v,
        Err(e) => return page_error(&user, e),
    };
    let correcting = view.plan.results.contains_key(&task.index);
    let reason = value(&v, "reason").trim();
    let result = match read_result(&v) {
        Err(mut r) => {
            if correcting && reason.is_empty() {
                r.add("reason", "请填写更正理由");
            }
            Err(r.into())
        }
        Ok(_) if correcting && reason.is_empty() => Err(Rejection::one("reason", "请填写更正理由").into()),
        Ok(res) if correcting => s.app.correct_inspection_result(&user.principal, id, task.index, res, reason).await,
        Ok(res) => s.app.record_inspection_result(&user.principal, id, task.index, res).await,
    };
    after_submit(&user, result, result_form(id, n, correcting), &v, |_| format!("/inspection/plans/{id}/tasks/{n}"))
}

fn publish_form(id: Uuid, n: u32) -> FormPage {
    let mut page = FormPage::new("发布检查结果公示", &format!("/inspection/plans/{id}/tasks/{n}/publish"), vec![]);
    page.intro = "发布后，检查结果即在门户网站公开（S-05）。请确认已在任务页面核对脱敏后的公示内容。".into();
    page.submit = "确认发布".into();
    page
}

/// GET /inspection/plans/{id}/tasks/{n}/publish: the confirmation.
pub async fn publish_new(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed((id, n)): Parsed<(Uuid, u32)>,
) -> Response {
    let allowed = match plan_task(&s, &user, id, n).await {
        Ok((view, _)) => keeps(&user, &view.plan),
        Err(e) => Err(e),
    };
    match allowed {
        Ok(()) => render_form(&Nav::for_user(&user), &publish_form(id, n)),
        Err(e) => page_error(&user, e),
    }
}

/// POST /inspection/plans/{id}/tasks/{n}/publish
pub async fn publish(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed((id, n)): Parsed<(Uuid, u32)>,
    body: Bytes,
) -> Response {
    let v = pairs(&body);
    let result = match plan_task(&s, &user, id, n).await {
        Ok((_, task)) => s.app.publish_inspection_result(&user.principal, id, task.index).await,
        Err(e) => Err(e),
    };
    after_submit(&user, result, publish_form(id, n), &v, |_| format!("/inspection/plans/{id}/tasks/{n}"))
}

fn case_form(id: Uuid, n: u32) -> FormPage {
    let mut page = FormPage::new("开始检查", &format!("/inspection/plans/{id}/tasks/{n}/case"), vec![]);
    page.intro = "以本任务的检查对象为当事人、本机关的检查人员为承办人，建立行政检查案件，在其中制作现场检查笔录并上传音像记录（全过程记录）；\
                  检查结束后回到本任务登记结果，并填写现场检查笔录的记录编号。同一任务只建立一个案件。"
        .into();
    page.submit = "建立检查案件".into();
    page
}

/// GET /inspection/plans/{id}/tasks/{n}/case: the confirmation.
pub async fn case_new(State(s): State<AppState>, user: CurrentUser, Parsed((id, n)): Parsed<(Uuid, u32)>) -> Response {
    match plan_task(&s, &user, id, n).await {
        Ok(_) => render_form(&Nav::for_user(&user), &case_form(id, n)),
        Err(e) => page_error(&user, e),
    }
}

/// POST /inspection/plans/{id}/tasks/{n}/case: opens (or finds) the task's inspection case
/// and goes to it.
pub async fn case_open(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed((id, n)): Parsed<(Uuid, u32)>,
    body: Bytes,
) -> Response {
    let v = pairs(&body);
    let result = match plan_task(&s, &user, id, n).await {
        Ok((_, task)) => s.app.start_inspection_case(&user.principal, id, task.index).await,
        Err(e) => Err(e),
    };
    after_submit(&user, result, case_form(id, n), &v, |case| format!("/cases/{case}"))
}
