//! The portal's public forms for correction requests (更正申请, D-10) and complaints
//! (投诉举报, D-12), and the status page by tracking number — without a login and without
//! JavaScript.
//!
//! `GET /gs/feedback/new?kind=correction&publication=<record id>` (linked from a decision's
//! page) or `?kind=complaint` serves the form with a signed form token and a honeypot field
//! (`website`, hidden by the style sheet, labelled for screen readers to leave it empty);
//! `POST /gs/feedback` files it and answers 303 to the status page, or the form again with
//! each error next to its field (422; 429 past the per-client rate limit, saying when to
//! retry). The CSRF token is the pre-session `zhifa_csrf` cookie's, like the login form's,
//! or the session's for a logged-in visitor. `GET /gs/feedback` looks a request up by its
//! tracking number (a mistyped number is refused with what to check) and
//! `GET /gs/feedback/{tracking}` shows where it stands — never who filed it.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use uuid::Uuid;
use zhifa_app::AppError;
use zhifa_app::feedback::Filing;
use zhifa_core::Rejection;
use zhifa_core::disclosure::feedback::{ComplaintTopic, FeedbackKind, FilerInput, PublicStatus};

use crate::AppState;
use crate::forms::{Field, FormPage, Nav, TablePage, pairs, render, render_form, render_table, value};
use crate::pages::Parsed;
use crate::pages::portal::failed;
use crate::session::{ClientAddr, PRE_SESSION_COOKIE, SESSION_COOKIE, client_key, cookie, random_token, set_cookie};

#[derive(Template)]
#[template(path = "portal_feedback_form.html")]
struct FormTemplate<'a> {
    nav: &'a Nav,
    page: &'a FormPage,
    /// What the request is about (the decision to correct), shown above the form.
    about: Vec<(String, String)>,
    csrf: String,
    token: String,
    kind: &'static str,
    publication: String,
}

fn kind_code(kind: FeedbackKind) -> &'static str {
    match kind {
        FeedbackKind::Correction => "correction",
        FeedbackKind::Complaint => "complaint",
    }
}

fn topic_code(t: ComplaintTopic) -> &'static str {
    match t {
        ComplaintTopic::DisclosureLate => "disclosure_late",
        ComplaintTopic::DisclosureInaccurate => "disclosure_inaccurate",
        ComplaintTopic::NotDisclosed => "not_disclosed",
        ComplaintTopic::ImproperlyDisclosed => "improperly_disclosed",
        ComplaintTopic::Enforcement => "enforcement",
    }
}

fn filer_fields(kind: FeedbackKind) -> Vec<Field> {
    let correction = kind == FeedbackKind::Correction;
    let name = Field::text("filer.name", "姓名或单位名称");
    let phone = Field::new("filer.phone", "联系电话", "tel");
    vec![
        if correction {
            name.required()
        } else {
            name.hint("可以匿名投诉举报；留下姓名和联系方式的，办理结果将告知您")
        },
        if correction { phone.hint("联系电话和电子邮箱至少填写一项") } else { phone },
        Field::new("filer.email", "电子邮箱", "email"),
    ]
}

/// The form of `kind`; a complaint's lists the agencies.
fn form(kind: FeedbackKind, agencies: &[(Uuid, String)]) -> FormPage {
    let mut fields = Vec::new();
    let (title, intro) = match kind {
        FeedbackKind::Correction => (
            "申请更正公示信息",
            "有证据证明公示的行政执法信息不准确的，可以申请更正。执法机关自收到申请之日起3个工作日内答复（按本机关适用的配置计算）。",
        ),
        FeedbackKind::Complaint => {
            let mut topics = vec![(String::new(), "请选择".to_string())];
            topics.extend(ComplaintTopic::ALL.iter().map(|t| (topic_code(*t).to_string(), t.label().to_string())));
            fields.push(Field::new("topic", "事项类别", "select").required().options(topics));
            let mut about = vec![(String::new(), "不清楚或不涉及具体机关（由司法局受理）".to_string())];
            about.extend(agencies.iter().map(|(id, name)| (id.to_string(), name.clone())));
            fields.push(Field::new("about", "被投诉举报的执法机关", "select").options(about));
            (
                "投诉举报",
                "对行政执法公示（未按时公示、公示不准确、应公示未公示、公开了不应公开的信息）或行政执法行为，可以投诉举报。每一件都有受理编号，可凭编号查询办理进度。",
            )
        }
    };
    fields.extend(filer_fields(kind));
    let (content, evidence) = match kind {
        FeedbackKind::Correction => (
            Field::new("content", "需要更正的内容", "longtext")
                .required()
                .hint("写明公示的哪一项不准确、准确的应当是什么（10至2000字）"),
            Field::new("evidence", "证据", "longtext")
                .required()
                .hint("说明能证明信息不准确的证据，如决定书原件、缴款凭证、营业执照上记载的内容"),
        ),
        FeedbackKind::Complaint => (
            Field::new("content", "投诉举报内容", "longtext")
                .required()
                .hint("写明何时、何地、哪个单位或人员、什么行为（10至2000字）"),
            Field::new("evidence", "证据或线索", "longtext"),
        ),
    };
    fields.push(content);
    fields.push(evidence);
    let mut page = FormPage::new(title, "/gs/feedback", fields);
    page.intro = intro.into();
    page.submit = "提交".into();
    page
}

/// The CSRF token a public form carries: the session's for a logged-in visitor, else the
/// pre-session cookie's (made now, with its Set-Cookie, when there is none).
async fn form_csrf(s: &AppState, headers: &HeaderMap) -> (String, Option<String>) {
    if let Some(token) = cookie(headers, SESSION_COOKIE)
        && let Ok(Some((_, csrf))) = s.app.session(token).await
    {
        return (csrf, None);
    }
    match cookie(headers, PRE_SESSION_COOKIE).filter(|c| !c.is_empty()) {
        Some(c) => (c.to_string(), None),
        None => {
            let t = random_token();
            (t.clone(), Some(t))
        }
    }
}

/// What a correction is about: the decision's number and agency; `None` when the
/// decision is not on the portal.
async fn publication_rows(s: &AppState, id: Uuid) -> Result<Vec<(String, String)>, AppError> {
    let p = s.app.portal_decision(id).await?;
    let agency = s.app.db.agency(p.agency_id).await.map_err(AppError::from)?.map(|a| a.info.name);
    Ok(vec![
        ("申请更正的决定".into(), p.notice.document_number.clone()),
        ("作出决定的机关".into(), agency.unwrap_or_default()),
        ("决定日期".into(), p.notice.decided_on.to_string()),
    ])
}

struct Shown {
    kind: FeedbackKind,
    publication: Option<Uuid>,
    values: Vec<(String, String)>,
    errors: Option<Rejection>,
    status: StatusCode,
}

async fn show_form(s: &AppState, headers: &HeaderMap, shown: Shown) -> Response {
    let agencies: Vec<(Uuid, String)> = match s.app.portal_agencies().await {
        Ok(a) => a.into_iter().map(|a| (a.id, a.info.name)).collect(),
        Err(e) => return failed(e),
    };
    let mut about = Vec::new();
    if let Some(id) = shown.publication {
        match publication_rows(s, id).await {
            Ok(rows) => about = rows,
            // A decision no longer on the portal is refused by the filing itself.
            Err(AppError::NotFound(_)) if shown.errors.is_some() => {}
            Err(e) => return failed(e),
        }
    }
    let mut page = form(shown.kind, &agencies).fill(&shown.values);
    if let Some(r) = &shown.errors {
        page = page.with_errors(r);
    }
    let token = match s.app.feedback_form_token(shown.kind).await {
        Ok(t) => t,
        Err(e) => return failed(e),
    };
    let (csrf, new_cookie) = form_csrf(s, headers).await;
    let nav = Nav::portal();
    let t = FormTemplate {
        nav: &nav,
        page: &page,
        about,
        csrf,
        token,
        kind: kind_code(shown.kind),
        publication: shown.publication.map(|p| p.to_string()).unwrap_or_default(),
    };
    let mut resp = render(shown.status, t);
    if let Some(c) = new_cookie {
        resp.headers_mut().append(SET_COOKIE, set_cookie(PRE_SESSION_COOKIE, &c, s.config.secure_cookies, None));
    }
    resp
}

fn read_kind(v: &str) -> FeedbackKind {
    if v == "correction" { FeedbackKind::Correction } else { FeedbackKind::Complaint }
}

/// GET /gs/feedback/new?kind=correction&publication=<record id> | ?kind=complaint
pub async fn new_form(State(s): State<AppState>, headers: HeaderMap, RawQuery(q): RawQuery) -> Response {
    let q = pairs(q.unwrap_or_default().as_bytes());
    let kind = read_kind(value(&q, "kind"));
    let publication = match kind {
        FeedbackKind::Correction => match value(&q, "publication").trim().parse::<Uuid>() {
            Ok(id) => Some(id),
            Err(_) => return failed(AppError::NotFound("要求更正的公示信息")),
        },
        FeedbackKind::Complaint => None,
    };
    let shown = Shown { kind, publication, values: vec![], errors: None, status: StatusCode::OK };
    show_form(&s, &headers, shown).await
}

fn filing(v: &[(String, String)]) -> Filing {
    let kind = read_kind(value(v, "kind"));
    let opt_uuid = |name: &str| {
        let t = value(v, name).trim();
        // A value that is no id names nothing that exists: the app says so for the field.
        (!t.is_empty()).then(|| t.parse::<Uuid>().unwrap_or(Uuid::nil()))
    };
    Filing {
        kind,
        publication: opt_uuid("publication").filter(|p| !p.is_nil()),
        topic: ComplaintTopic::ALL.into_iter().find(|t| topic_code(*t) == value(v, "topic")),
        about: opt_uuid("about"),
        filer: FilerInput {
            name: value(v, "filer.name").into(),
            phone: value(v, "filer.phone").into(),
            email: value(v, "filer.email").into(),
        },
        content: value(v, "content").into(),
        evidence: value(v, "evidence").into(),
        form_token: value(v, "form_token").into(),
        honeypot: value(v, "website").into(),
    }
}

/// POST /gs/feedback
pub async fn create(State(s): State<AppState>, addr: ClientAddr, headers: HeaderMap, body: Bytes) -> Response {
    let v = pairs(&body);
    let f = filing(&v);
    match s.app.file_feedback(&f, &client_key(&headers, &addr)).await {
        Ok(tracking) => Redirect::to(&format!("/gs/feedback/{tracking}")).into_response(),
        Err(AppError::Rejected(r)) => {
            let status = match r.message_for("rate_limit") {
                Some(_) => StatusCode::TOO_MANY_REQUESTS,
                None => StatusCode::UNPROCESSABLE_ENTITY,
            };
            let values: Vec<_> = v.into_iter().filter(|(k, _)| k != "website" && k != "form_token").collect();
            let shown = Shown { kind: f.kind, publication: f.publication, values, errors: Some(r), status };
            show_form(&s, &headers, shown).await
        }
        Err(e) => failed(e),
    }
}

fn lookup_form() -> FormPage {
    let mut page = FormPage::new(
        "办理进度查询",
        "/gs/feedback",
        vec![
            Field::text("tracking", "受理编号")
                .required()
                .hint("提交更正申请或投诉举报后获得的编号，形如 GZ-20261129-7K3M9Q2X"),
        ],
    );
    page.intro = "输入受理编号，查询更正申请、投诉举报的办理进度和答复。".into();
    page.submit = "查询".into();
    page.method = "get";
    page
}

/// GET /gs/feedback?tracking=…: the lookup form; a request found leads to its page.
pub async fn lookup(State(s): State<AppState>, RawQuery(q): RawQuery) -> Response {
    let q = pairs(q.unwrap_or_default().as_bytes());
    let Some((_, typed)) = q.iter().find(|(k, _)| k == "tracking") else {
        return render_form(&Nav::portal(), &lookup_form());
    };
    let values = [("tracking".to_string(), typed.clone())];
    match s.app.feedback_status(typed).await {
        Ok(Some(st)) => Redirect::to(&format!("/gs/feedback/{}", st.tracking)).into_response(),
        Ok(None) => {
            let r = Rejection::one("tracking", "查无此受理编号：请对照提交后显示的编号核对");
            let mut resp = render_form(&Nav::portal(), &lookup_form().fill(&values).with_errors(&r));
            *resp.status_mut() = StatusCode::NOT_FOUND;
            resp
        }
        Err(AppError::Rejected(r)) => render_form(&Nav::portal(), &lookup_form().fill(&values).with_errors(&r)),
        Err(e) => failed(e),
    }
}

fn status_page(st: &PublicStatus) -> TablePage {
    let mut info = vec![
        ("受理编号".to_string(), st.tracking.to_string()),
        ("类别".into(), st.kind.label().into()),
        ("受理日期".into(), st.filed_on.to_string()),
        ("答复期限".into(), format!("{}前", st.due)),
        ("办理状态".into(), st.status.label().into()),
    ];
    if let Some(on) = st.answered_on {
        info.push(("答复日期".into(), on.to_string()));
    }
    if let Some(o) = &st.outcome {
        info.push(("处理结果".into(), o.clone()));
    }
    if let Some(a) = &st.answer {
        info.push(("答复内容".into(), a.clone()));
    }
    TablePage {
        title: format!("{}办理进度", st.kind.label()),
        notice: Some(
            "请保存受理编号，凭编号查询办理进度和答复。为保护个人信息，本页不显示提交人的姓名、联系方式和提交的内容。"
                .into(),
        ),
        info,
        actions: vec![("/gs/feedback".into(), "查询其他编号".into()), ("/gs".into(), "返回公示首页".into())],
        ..Default::default()
    }
}

/// GET /gs/feedback/{tracking}
pub async fn status(State(s): State<AppState>, Parsed(typed): Parsed<String>) -> Response {
    match s.app.feedback_status(&typed).await {
        Ok(Some(st)) => render_table(&Nav::portal(), &status_page(&st)),
        Ok(None) | Err(AppError::Rejected(_)) => failed(AppError::NotFound("该受理编号的事项")),
        Err(e) => failed(e),
    }
}
