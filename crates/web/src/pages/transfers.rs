//! Transfers to criminal justice (行刑衔接, V-02) in the application: the case page's
//! section (the flag, each transfer and the organ's answer), the three forms — 标记涉嫌犯罪
//! `/cases/{id}/transfer/flag`, 移送公安机关 `/cases/{id}/transfer/send`, 记录公安机关处理结果
//! `/cases/{id}/transfer/outcome` — each a GET showing the form and a POST calling one
//! service (bad input back as 422 with the errors next to their fields, nothing stored), and
//! the list of flagged cases in the reader's scope, `/supervision/transfers` and its CSV.

use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;
use uuid::Uuid;
use zhifa_app::AppError;
use zhifa_app::cases::beijing_now;
use zhifa_app::transfer::{TransferLine, TransferStatus};
use zhifa_core::Rejection;
use zhifa_core::access::{Principal, Role};
use zhifa_core::case::Case;
use zhifa_core::case::transfer::{NewTransfer, TransferOutcome};

use crate::AppState;
use crate::forms::{Cell, Field, FormPage, Nav, Section, TablePage, pairs, render_form, render_table, value};
use crate::pages::{Parsed, after_submit, date_field, page_error};
use crate::session::CurrentUser;

/// One transfer as the case page shows it.
pub struct TransferRow {
    pub on: String,
    pub organ: String,
    pub materials: String,
    pub case_number: String,
    pub by: String,
    pub outcome: String,
    pub answered: bool,
}

/// The case page's 行刑衔接 section.
pub struct TransferSection {
    /// Where it stands, in one Chinese line.
    pub state: String,
    pub flagged: bool,
    pub rows: Vec<TransferRow>,
    pub can_flag: bool,
    pub can_send: bool,
    pub can_answer: bool,
}

impl TransferSection {
    /// The section for a reader: the actions only for the case's own agency's handling
    /// side (and the flag for its legal reviewers too), while the case is open.
    pub fn of(case: &Case, p: &Principal) -> Self {
        let t = &case.transfer;
        let own = p.agency_id == Some(case.opening.agency_id);
        let open = !case.is_archived() && case.current_stage().is_some();
        let handler = own && matches!(p.role, Role::Officer | Role::Head);
        let waiting = t.last().is_some_and(|x| x.outcome.is_none());
        TransferSection {
            state: t.describe(),
            flagged: t.flagged(),
            rows: t
                .transfers
                .iter()
                .map(|x| TransferRow {
                    on: x.on.to_string(),
                    organ: x.receiving_organ.clone(),
                    materials: x.materials.join("、"),
                    case_number: x.case_number.clone().unwrap_or_default(),
                    by: x.by.name.clone(),
                    outcome: match &x.outcome {
                        None => "尚无结果".into(),
                        Some((on, o)) => match o {
                            TransferOutcome::Accepted => format!("{on} {}", o.label()),
                            TransferOutcome::NotAccepted { reason }
                            | TransferOutcome::ReturnedForAdministrativeHandling { reason } => {
                                format!("{on} {}：{reason}", o.label())
                            }
                        },
                    },
                    answered: x.outcome.is_some(),
                })
                .collect(),
            can_flag: open && !t.flagged() && (handler || (own && p.role == Role::LegalReviewer)),
            can_send: open && handler && t.flagged() && !waiting,
            can_answer: !case.is_archived() && handler && waiting,
        }
    }
}

fn to_case(id: Uuid, notice: &'static str) -> impl FnOnce(()) -> String {
    move |_| {
        let q: String = form_urlencoded::Serializer::new(String::new()).append_pair("notice", notice).finish();
        format!("/cases/{id}?{q}")
    }
}

fn to_case_id(id: Uuid, notice: &'static str) -> impl FnOnce(Uuid) -> String {
    move |_| to_case(id, notice)(())
}

fn show(user: &CurrentUser, form: &FormPage) -> Response {
    render_form(&Nav::for_user(user), form)
}

/// The form's errors found at the edge, before any service is called: 422, nothing stored.
fn refused(user: &CurrentUser, form: FormPage, v: &[(String, String)], r: Rejection) -> Response {
    after_submit::<()>(user, Err(AppError::Rejected(r)), form, v, |_| String::new())
}

// ----- 标记涉嫌犯罪 -----

fn flag_form(id: Uuid) -> FormPage {
    let mut page = FormPage::new(
        "标记涉嫌犯罪",
        &format!("/cases/{id}/transfer/flag"),
        vec![
            Field::new("reason", "涉嫌犯罪的事实和理由", "longtext")
                .required()
                .hint("写明涉嫌的罪名及所依据的事实、数额或情节"),
        ],
    );
    page.intro = "案件涉嫌犯罪的，应当依法移送公安机关（行刑衔接，V-02）。标记后不能撤销；已标记涉嫌犯罪且处以罚款的案件，在公安机关不予立案或退回依法处理之前不能结案。".into();
    page.submit = "标记".into();
    page
}

pub async fn flag_new(user: CurrentUser, Parsed(id): Parsed<Uuid>) -> Response {
    show(&user, &flag_form(id))
}

pub async fn flag_create(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed(id): Parsed<Uuid>,
    body: Bytes,
) -> Response {
    let v = pairs(&body);
    let r = s.app.flag_suspected_crime(&user.principal, id, value(&v, "reason")).await;
    after_submit(&user, r, flag_form(id), &v, to_case(id, "已标记为涉嫌犯罪"))
}

// ----- 移送公安机关 -----

fn send_form(id: Uuid) -> FormPage {
    let mut page = FormPage::new(
        "移送公安机关",
        &format!("/cases/{id}/transfer/send"),
        vec![
            Field::new("on", "移送日期", "date").required().value(beijing_now().date().to_string()),
            Field::text("receiving_organ", "接收机关").required().hint("例如：安乡县公安局"),
            Field::new("materials", "移送材料", "longtext")
                .required()
                .hint("每行一项，例如：涉嫌犯罪案件移送书、涉嫌犯罪案件调查报告、涉案物品清单、有关检验报告或鉴定意见"),
            Field::text("case_number", "公安机关受案编号").hint("公安机关出具受案回执的，填写其编号；可暂不填写"),
        ],
    );
    page.submit = "记录移送".into();
    page
}

pub async fn send_new(user: CurrentUser, Parsed(id): Parsed<Uuid>) -> Response {
    show(&user, &send_form(id))
}

/// The materials, one per line (a list typed on one line with 、 is split too).
fn materials(v: &str) -> Vec<String> {
    v.lines().flat_map(|l| l.split('、')).map(|m| m.trim().to_string()).filter(|m| !m.is_empty()).collect()
}

pub async fn send_create(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed(id): Parsed<Uuid>,
    body: Bytes,
) -> Response {
    let v = pairs(&body);
    let mut r = Rejection::new();
    let on = date_field(&mut r, "on", "移送日期", value(&v, "on"));
    let Some(on) = on.filter(|_| r.is_empty()) else {
        r.require("receiving_organ", "接收机关", value(&v, "receiving_organ"));
        if materials(value(&v, "materials")).is_empty() {
            r.add("materials", "请列明移送的材料（移送书、调查报告、证据材料等）");
        }
        return refused(&user, send_form(id), &v, r);
    };
    let case_number = value(&v, "case_number").trim();
    let t = NewTransfer {
        transfer_id: Uuid::new_v4(),
        on,
        receiving_organ: value(&v, "receiving_organ").into(),
        materials: materials(value(&v, "materials")),
        case_number: (!case_number.is_empty()).then(|| case_number.to_string()),
    };
    let result = s.app.record_transfer(&user.principal, id, t).await;
    after_submit(&user, result, send_form(id), &v, to_case_id(id, "已记录移送公安机关"))
}

// ----- 记录公安机关处理结果 -----

const OUTCOMES: [(&str, &str); 3] =
    [("accepted", "立案侦查"), ("not_accepted", "不予立案"), ("returned", "退回行政机关依法处理")];

fn outcome_form(id: Uuid) -> FormPage {
    let mut page = FormPage::new(
        "记录公安机关处理结果",
        &format!("/cases/{id}/transfer/outcome"),
        vec![
            Field::new("on", "结果日期", "date").required().value(beijing_now().date().to_string()),
            Field::new("outcome", "处理结果", "select")
                .required()
                .options(OUTCOMES.iter().map(|(k, l)| (k.to_string(), l.to_string())).collect()),
            Field::new("reason", "理由", "longtext").hint("不予立案或退回依法处理的，必须写明公安机关的理由"),
        ],
    );
    page.intro =
        "公安机关不予立案或退回依法处理的，本机关可依法作出行政处罚并结案；立案侦查的，不得仅以罚款结案。".into();
    page.submit = "记录结果".into();
    page
}

pub async fn outcome_new(user: CurrentUser, Parsed(id): Parsed<Uuid>) -> Response {
    show(&user, &outcome_form(id))
}

pub async fn outcome_create(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed(id): Parsed<Uuid>,
    body: Bytes,
) -> Response {
    let v = pairs(&body);
    let mut r = Rejection::new();
    let on = date_field(&mut r, "on", "结果日期", value(&v, "on"));
    let reason = value(&v, "reason").trim().to_string();
    let outcome = match value(&v, "outcome") {
        "accepted" => Some(TransferOutcome::Accepted),
        "not_accepted" => Some(TransferOutcome::NotAccepted { reason: reason.clone() }),
        "returned" => Some(TransferOutcome::ReturnedForAdministrativeHandling { reason: reason.clone() }),
        _ => {
            r.add("outcome", "请选择公安机关的处理结果");
            None
        }
    };
    if outcome.as_ref().is_some_and(|o| o.returned()) && reason.is_empty() {
        r.add("reason", "请写明公安机关不予立案或退回的理由");
    }
    let (Some(on), Some(outcome), true) = (on, outcome, r.is_empty()) else {
        return refused(&user, outcome_form(id), &v, r);
    };
    let result = s.app.record_transfer_outcome(&user.principal, id, on, outcome).await;
    after_submit(&user, result, outcome_form(id), &v, to_case(id, "已记录公安机关处理结果"))
}

// ----- /supervision/transfers -----

fn status_class(s: TransferStatus) -> &'static str {
    match s {
        TransferStatus::Flagged => "bad",
        TransferStatus::Awaiting { .. } => "warn",
        TransferStatus::Accepted | TransferStatus::NotAccepted | TransferStatus::Returned => "ok",
    }
}

fn transferred(l: &TransferLine) -> String {
    l.last.as_ref().map(|t| format!("{} {}", t.on, t.receiving_organ)).unwrap_or_else(|| "—".into())
}

fn answer(l: &TransferLine) -> String {
    match l.last.as_ref().and_then(|t| t.outcome.as_ref()) {
        None => "—".into(),
        Some((on, TransferOutcome::Accepted)) => format!("{on} {}", TransferOutcome::Accepted.label()),
        Some((on, o @ TransferOutcome::NotAccepted { reason }))
        | Some((on, o @ TransferOutcome::ReturnedForAdministrativeHandling { reason })) => {
            format!("{on} {}：{reason}", o.label())
        }
    }
}

/// GET /supervision/transfers: the flagged cases in the reader's scope with where each
/// stands, open ones first.
pub async fn list(State(s): State<AppState>, user: CurrentUser) -> Response {
    let lines = match s.app.transfers(&user.principal).await {
        Ok(l) => l,
        Err(e) => return page_error(&user, e),
    };
    let open = lines.iter().filter(|l| l.status.open()).count();
    let mut section = Section::new(
        "涉嫌犯罪案件",
        &["案号", "执法机关", "当事人", "标记涉嫌犯罪", "移送", "受案编号", "公安机关处理结果", "状态"],
    );
    for l in &lines {
        section.rows.push(vec![
            Cell::link(l.case.number.clone(), format!("/cases/{}", l.case.id)),
            l.agency_name.clone().into(),
            l.case.party_name.clone().into(),
            format!("{} {}：{}", l.flag.on, l.flag.by.name, l.flag.reason).into(),
            transferred(l).into(),
            l.last.as_ref().and_then(|t| t.case_number.clone()).unwrap_or_default().into(),
            answer(l).into(),
            Cell::default().tagged(status_class(l.status), &l.status.label()),
        ]);
    }
    let page = TablePage {
        title: "行刑衔接".into(),
        notice: Some(format!(
            "共{}件标记为涉嫌犯罪的案件，其中{open}件尚未移送或待公安机关答复（V-02）。",
            lines.len()
        )),
        actions: vec![("/supervision/transfers.csv".into(), "导出CSV".into())],
        sections: vec![section],
        ..Default::default()
    };
    render_table(&Nav::for_user(&user), &page)
}

/// GET /supervision/transfers.csv: the same list, one row per case.
pub async fn csv(State(s): State<AppState>, user: CurrentUser) -> Response {
    let lines = match s.app.transfers(&user.principal).await {
        Ok(l) => l,
        Err(e) => return page_error(&user, e),
    };
    let titles = [
        "案号",
        "执法机关",
        "当事人",
        "标记日期",
        "标记人",
        "涉嫌犯罪理由",
        "移送次数",
        "移送日期",
        "接收机关",
        "移送材料",
        "受案编号",
        "公安机关处理结果",
        "状态",
    ];
    let mut rows = vec![titles.map(String::from).to_vec()];
    for l in &lines {
        let t = l.last.as_ref();
        rows.push(vec![
            l.case.number.clone(),
            l.agency_name.clone(),
            l.case.party_name.clone(),
            l.flag.on.to_string(),
            l.flag.by.name.clone(),
            l.flag.reason.clone(),
            l.transfers.to_string(),
            t.map(|t| t.on.to_string()).unwrap_or_default(),
            t.map(|t| t.receiving_organ.clone()).unwrap_or_default(),
            t.map(|t| t.materials.join("、")).unwrap_or_default(),
            t.and_then(|t| t.case_number.clone()).unwrap_or_default(),
            answer(l),
            l.status.label().to_string(),
        ]);
    }
    crate::pages::supervision::csv_response(&format!("transfers-{}.csv", beijing_now().date()), rows)
}
