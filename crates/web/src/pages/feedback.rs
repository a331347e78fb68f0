//! `/feedback`: the correction requests (D-10) and complaints (D-12) filed on the portal,
//! as the answering agency's staff see them — its queue, open ones first and soonest due
//! first, and for the judicial bureau's supervisors every agency's with the late ones
//! flagged — and `/feedback/{tracking}`: one request with its filer, content and evidence,
//! and the answer form (outcome, the answer published on the status page, what was
//! corrected or why not, or the agency a complaint goes to), errors next to their fields.

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use uuid::Uuid;
use zhifa_app::AppError;
use zhifa_app::feedback::FeedbackItem;
use zhifa_core::Rejection;
use zhifa_core::disclosure::feedback::{AnswerInput, FeedbackKind, FeedbackStatus, Matter, Outcome};

use crate::AppState;
use crate::forms::{Cell, Field, FormPage, Nav, Section, TablePage, pairs, render, render_table, value};
use crate::pages::{Parsed, page_error};
use crate::session::CurrentUser;

fn status_cell(status: FeedbackStatus) -> Cell {
    let class = match status {
        FeedbackStatus::Received => "warn",
        FeedbackStatus::Answered => "ok",
        FeedbackStatus::Overdue => "bad",
    };
    Cell::from("").tagged(class, status.label())
}

/// GET /feedback
pub async fn queue(State(s): State<AppState>, user: CurrentUser) -> Response {
    let q = match s.app.feedback_queue(&user.principal).await {
        Ok(q) => q,
        Err(e) => return page_error(&user, e),
    };
    let today = zhifa_app::cases::beijing_now().date();
    let mut headers = vec!["受理编号", "类别"];
    if q.all_agencies {
        headers.push("答复机关");
    }
    headers.extend(["受理日期", "答复期限", "状态", "处理结果"]);
    let mut list = Section::new(if q.all_agencies { "各机关的更正申请和投诉举报" } else { "本机关的事项" }, &headers);
    let mut late = Section::new("逾期事项（D-10、D-12）", &["受理编号", "答复机关", "逾期情况"]);
    for r in &q.rows {
        let link = Cell::link(r.row.tracking.to_string(), format!("/feedback/{}", r.row.tracking));
        let mut row = vec![link.clone(), r.row.kind.label().into()];
        if q.all_agencies {
            row.push(r.agency_name.clone().into());
        }
        row.extend([
            r.row.filed_on.to_string().into(),
            r.row.due.to_string().into(),
            status_cell(r.row.status(today)),
            r.row.outcome.clone().unwrap_or_default().into(),
        ]);
        list.rows.push(row);
        if let Some(l) = &r.lateness {
            late.rows.push(vec![link, r.agency_name.clone().into(), l.clone().into()]);
        }
    }
    let page = TablePage {
        title: "更正申请与投诉举报".into(),
        notice: Some(
            "公众通过公示平台提交的更正申请和投诉举报，应在答复期限内答复；答复内容经脱敏后在办理进度页面公开。".into(),
        ),
        sections: if q.all_agencies || !late.rows.is_empty() { vec![late, list] } else { vec![list] },
        ..Default::default()
    };
    render_table(&Nav::for_user(&user), &page)
}

#[derive(Template)]
#[template(path = "feedback_item.html")]
struct ItemTemplate<'a> {
    nav: &'a Nav,
    title: String,
    lateness: Option<String>,
    info: Vec<(String, String)>,
    form: Option<FormPage>,
}

fn outcome_options(kind: FeedbackKind) -> Vec<(String, String)> {
    let mut o = vec![(String::new(), "请选择".to_string())];
    let items: &[(&str, &str)] = match kind {
        FeedbackKind::Correction => &[("corrected", "已更正"), ("not_corrected", "不予更正")],
        FeedbackKind::Complaint => {
            &[("substantiated", "属实，已处理"), ("unfounded", "经核查不属实"), ("transferred", "转交其他机关办理")]
        }
    };
    o.extend(items.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    o
}

fn answer_form(item: &FeedbackItem) -> FormPage {
    let fb = &item.feedback;
    let tracking = fb.tracking;
    let mut fields = vec![
        Field::new("outcome", "处理结果", "select").required().options(outcome_options(fb.kind())),
        Field::new("answer", "答复内容", "longtext")
            .required()
            .hint("答复提交人的内容，经脱敏后在公示平台的办理进度页面公开"),
    ];
    match fb.kind() {
        FeedbackKind::Correction => {
            fields.push(
                Field::new("outcome.what", "更正了什么", "longtext").hint("已更正的填写：更正前后的内容（D-10）"),
            );
            fields.push(Field::new("outcome.reasons", "不予更正的理由", "longtext").hint("不予更正的填写"));
        }
        FeedbackKind::Complaint => {
            let mut to = vec![(String::new(), "请选择".to_string())];
            to.extend(item.transfer_to.iter().map(|(id, n)| (id.to_string(), n.clone())));
            fields.push(Field::new("outcome.to", "转交的机关", "select").options(to).hint("转交其他机关办理的选择"));
        }
    }
    let mut page = FormPage::new("答复", &format!("/feedback/{tracking}"), fields);
    page.intro = format!("请在{}前答复。答复后不能修改。", fb.due);
    page.submit = "提交答复".into();
    page
}

fn item_info(item: &FeedbackItem) -> Vec<(String, String)> {
    let fb = &item.feedback;
    let or_dash = |s: Option<String>| s.filter(|s| !s.is_empty()).unwrap_or_else(|| "—".into());
    let mut info = vec![
        ("受理编号".to_string(), fb.tracking.to_string()),
        ("类别".into(), fb.kind().label().into()),
        ("答复机关".into(), item.agency_name.clone()),
        (
            "受理时间".into(),
            fb.filed_at
                .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8"))
                .format("%Y-%m-%d %H:%M")
                .to_string(),
        ),
        ("答复期限".into(), format!("{}前", fb.due)),
        ("办理状态".into(), item.status.status.label().into()),
    ];
    match &fb.matter {
        Matter::Correction { publication } => info.push((
            "申请更正的决定".into(),
            item.publication
                .as_ref()
                .map(|p| format!("{}（/gs/decisions/{publication}）", p.notice.document_number))
                .unwrap_or_else(|| publication.to_string()),
        )),
        Matter::Complaint { topic, .. } => {
            info.push(("事项类别".into(), topic.label().into()));
            info.push(("被投诉举报的机关".into(), or_dash(item.about_name.clone())));
        }
    }
    info.extend([
        ("提交人".into(), or_dash(fb.filer.name.clone())),
        ("联系电话".into(), or_dash(fb.filer.phone.as_ref().map(|p| p.to_string()))),
        ("电子邮箱".into(), or_dash(fb.filer.email.as_ref().map(|e| e.to_string()))),
        ("内容".into(), fb.content.clone()),
        ("证据".into(), or_dash(Some(fb.evidence.clone()))),
    ]);
    if let Some(a) = &fb.answer {
        info.push(("答复日期".into(), a.on.to_string()));
        info.push(("处理结果".into(), a.outcome.label()));
        match &a.outcome {
            Outcome::Corrected { what } => info.push(("更正内容".into(), what.clone())),
            Outcome::NotCorrected { reasons } => info.push(("不予更正的理由".into(), reasons.clone())),
            _ => {}
        }
        info.push(("答复内容".into(), a.text.clone()));
    }
    info
}

fn item_page(user: &CurrentUser, item: &FeedbackItem, form: Option<FormPage>, status: StatusCode) -> Response {
    let nav = Nav::for_user(user);
    let t = ItemTemplate {
        nav: &nav,
        title: format!("{} {}", item.feedback.kind().label(), item.feedback.tracking),
        lateness: item.lateness.clone(),
        info: item_info(item),
        form,
    };
    render(status, t)
}

/// GET /feedback/{tracking}
pub async fn show(State(s): State<AppState>, user: CurrentUser, Parsed(tracking): Parsed<String>) -> Response {
    match s.app.feedback_item(&user.principal, &tracking).await {
        Ok(item) => {
            let form = item.may_answer.then(|| answer_form(&item));
            item_page(&user, &item, form, StatusCode::OK)
        }
        Err(e) => page_error(&user, e),
    }
}

/// The answer as submitted; an outcome not chosen is refused for its field.
fn answer_input(v: &[(String, String)]) -> Result<AnswerInput, Rejection> {
    let text = |k: &str| value(v, k).to_string();
    let outcome = match value(v, "outcome") {
        "corrected" => Outcome::Corrected { what: text("outcome.what") },
        "not_corrected" => Outcome::NotCorrected { reasons: text("outcome.reasons") },
        "substantiated" => Outcome::Substantiated,
        "unfounded" => Outcome::Unfounded,
        "transferred" => Outcome::Transferred {
            to: value(v, "outcome.to").parse::<Uuid>().unwrap_or(Uuid::nil()),
            to_name: String::new(),
        },
        _ => return Err(Rejection::one("outcome", "请选择处理结果")),
    };
    Ok(AnswerInput { answer: text("answer"), outcome })
}

/// POST /feedback/{tracking}
pub async fn answer(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed(tracking): Parsed<String>,
    body: Bytes,
) -> Response {
    let v = pairs(&body);
    let result = match answer_input(&v) {
        Ok(input) => s.app.answer_feedback(&user.principal, &tracking, input).await,
        Err(r) => Err(AppError::Rejected(r)),
    };
    match result {
        Ok(()) => Redirect::to(&format!("/feedback/{tracking}")).into_response(),
        Err(AppError::Rejected(r)) => match s.app.feedback_item(&user.principal, &tracking).await {
            Ok(item) if !item.may_answer => page_error(&user, AppError::Rejected(r)),
            Ok(item) => {
                let form = answer_form(&item).fill(&v).with_errors(&r);
                item_page(&user, &item, Some(form), StatusCode::UNPROCESSABLE_ENTITY)
            }
            Err(e) => page_error(&user, e),
        },
        Err(e) => page_error(&user, e),
    }
}
