//! View types shared by pages: the navigation bar, a generic form and a generic
//! table/detail page, rendered by `form.html` and `table.html`.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use zhifa_core::Rejection;
use zhifa_core::access::Role;

use crate::session::CurrentUser;

/// The header: who is logged in, their links, and the CSRF token for the logout form.
#[derive(Debug, Clone, Default)]
pub struct Nav {
    pub user: Option<(String, String)>,
    pub links: Vec<(String, String)>,
    pub csrf: String,
}

impl Nav {
    pub fn anonymous(csrf: &str) -> Self {
        Self { user: None, links: vec![], csrf: csrf.to_string() }
    }

    /// The public portal's navigation, for anyone (no login).
    pub fn portal() -> Self {
        let links = [
            ("/gs", "执法公示"),
            ("/gs/decisions", "执法决定"),
            ("/gs/certificates", "执法证查询"),
            ("/gs/inspections", "双随机抽查"),
            ("/gs/feedback/new?kind=complaint", "投诉举报"),
            ("/gs/feedback", "办理进度查询"),
            ("/ledger", "账本验证"),
            ("/login", "工作人员登录"),
        ];
        Self {
            user: None,
            links: links.iter().map(|(h, t)| (h.to_string(), t.to_string())).collect(),
            csrf: String::new(),
        }
    }

    pub fn for_user(u: &CurrentUser) -> Self {
        let p = &u.principal;
        let mut links = vec![("/".to_string(), "首页".to_string())];
        if p.role != Role::Administrator || p.agency_id.is_some() {
            links.push(("/cases".into(), "案件".into()));
        }
        if matches!(p.role, Role::LegalReviewer | Role::Head) {
            links.push(("/review".into(), "法制审核".into()));
        }
        if p.role != Role::Auxiliary && (p.agency_id.is_some() || p.role == Role::Supervisor) {
            links.push(("/publications".into(), "决定公示".into()));
        }
        if matches!(p.role, Role::Officer | Role::Head | Role::Supervisor) {
            links.push(("/inspection".into(), "双随机抽查".into()));
        }
        if p.role != Role::Auxiliary {
            links.push(("/feedback".into(), "更正与投诉".into()));
        }
        if p.role != Role::Auxiliary && (p.agency_id.is_some() || p.role == Role::Supervisor || p.is_platform_admin()) {
            links.push(("/supervision".into(), "执法监督".into()));
            links.push(("/supervision/evaluations".into(), "案卷评查".into()));
        }
        links.push(("/agencies".into(), "执法主体".into()));
        if p.role == Role::Administrator {
            links.push(("/accounts".into(), "账号".into()));
        }
        links.push(("/profiles".into(), "策略配置".into()));
        links.push(("/calendars".into(), "工作日历".into()));
        Self { user: Some((p.display_name.clone(), p.role.label().to_string())), links, csrf: u.csrf.clone() }
    }
}

/// One input of a form.
#[derive(Debug, Clone)]
pub struct Field {
    pub name: String,
    pub label: String,
    /// text, date, password, select, textarea, checkbox, file
    pub kind: &'static str,
    pub value: String,
    pub options: Vec<(String, String)>,
    pub required: bool,
    pub hint: String,
    pub error: Option<String>,
}

impl Field {
    pub fn new(name: &str, label: &str, kind: &'static str) -> Self {
        Self {
            name: name.into(),
            label: label.into(),
            kind,
            value: String::new(),
            options: vec![],
            required: false,
            hint: String::new(),
            error: None,
        }
    }
    pub fn text(name: &str, label: &str) -> Self {
        Self::new(name, label, "text")
    }
    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }
    pub fn hint(mut self, h: &str) -> Self {
        self.hint = h.into();
        self
    }
    pub fn options(mut self, o: Vec<(String, String)>) -> Self {
        self.options = o;
        self
    }
    pub fn value(mut self, v: impl Into<String>) -> Self {
        self.value = v.into();
        self
    }
    /// For `checks` fields: whether an option is among the (comma-separated) values.
    pub fn is_checked(&self, option: &str) -> bool {
        self.value.split(',').any(|v| v == option)
    }
}

/// A form page.
#[derive(Debug, Clone, Default)]
pub struct FormPage {
    pub title: String,
    pub intro: String,
    pub action: String,
    pub submit: String,
    pub multipart: bool,
    /// `get` for forms that only read (default `post`).
    pub method: &'static str,
    pub alert: Option<String>,
    pub fields: Vec<Field>,
}

impl FormPage {
    pub fn new(title: &str, action: &str, fields: Vec<Field>) -> Self {
        Self { title: title.into(), action: action.into(), submit: "保存".into(), fields, ..Default::default() }
    }

    /// Fills values from submitted pairs.
    pub fn fill(mut self, values: &[(String, String)]) -> Self {
        for f in &mut self.fields {
            if f.kind == "checks" {
                let all: Vec<_> = values.iter().filter(|(k, _)| *k == f.name).map(|(_, v)| v.as_str()).collect();
                f.value = all.join(",");
            } else if f.kind == "checkbox" {
                f.value = if value(values, &f.name) == "1" { "1".into() } else { String::new() };
            } else if let Some((_, v)) = values.iter().find(|(k, _)| *k == f.name) {
                f.value = v.clone();
            }
        }
        self
    }

    /// Puts each rejection message next to its field; messages for unknown fields go on top.
    pub fn with_errors(mut self, r: &Rejection) -> Self {
        let mut general = Vec::new();
        for e in &r.errors {
            match self.fields.iter_mut().find(|f| f.name == e.field) {
                Some(f) if f.error.is_none() => f.error = Some(e.message.clone()),
                Some(f) => f.error = Some(format!("{}；{}", f.error.take().unwrap_or_default(), e.message)),
                None => general.push(e.message.clone()),
            }
        }
        if !general.is_empty() {
            self.alert = Some(general.join("；"));
        } else if self.alert.is_none() {
            self.alert = Some("提交的内容有误，请按提示修改后重新提交。".into());
        }
        self
    }
}

#[derive(Template)]
#[template(path = "form.html")]
struct FormTemplate<'a> {
    nav: &'a Nav,
    page: &'a FormPage,
}

/// Renders a form page with a status (422 when it shows errors).
pub fn render_form(nav: &Nav, page: &FormPage) -> Response {
    let status = if page.alert.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    render(status, FormTemplate { nav, page })
}

/// A table cell: text, an optional link and an optional tag (class, label).
#[derive(Debug, Clone, Default)]
pub struct Cell {
    pub text: String,
    pub href: Option<String>,
    pub tag: Option<(String, String)>,
}

impl Cell {
    pub fn link(text: impl Into<String>, href: impl Into<String>) -> Self {
        Self { text: text.into(), href: Some(href.into()), tag: None }
    }
    pub fn tagged(mut self, class: &str, label: &str) -> Self {
        self.tag = Some((class.into(), label.into()));
        self
    }
}

impl<T: Into<String>> From<T> for Cell {
    fn from(t: T) -> Self {
        Self { text: t.into(), href: None, tag: None }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Section {
    pub title: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    pub actions: Vec<(String, String)>,
}

impl Section {
    pub fn new(title: &str, headers: &[&str]) -> Self {
        Self { title: title.into(), headers: headers.iter().map(|h| h.to_string()).collect(), ..Default::default() }
    }
}

/// A one-field search box above a list, sent with GET.
#[derive(Debug, Clone, Default)]
pub struct Search {
    pub action: String,
    pub name: String,
    pub label: String,
    pub value: String,
}

/// A detail or list page: info rows, actions, an optional search box, tables.
#[derive(Debug, Clone, Default)]
pub struct TablePage {
    pub title: String,
    pub notice: Option<String>,
    pub info: Vec<(String, String)>,
    pub actions: Vec<(String, String)>,
    pub search: Option<Search>,
    /// Charts drawn on the server (`zhifa_docs::svg`), shown before the tables.
    pub charts: Vec<String>,
    pub sections: Vec<Section>,
}

#[derive(Template)]
#[template(path = "table.html")]
struct TableTemplate<'a> {
    nav: &'a Nav,
    page: &'a TablePage,
}

pub fn render_table(nav: &Nav, page: &TablePage) -> Response {
    render(StatusCode::OK, TableTemplate { nav, page })
}

#[derive(Template)]
#[template(path = "message.html")]
pub struct MessageTemplate<'a> {
    pub nav: &'a Nav,
    pub title: &'a str,
    pub class: &'a str,
    pub message: &'a str,
    pub rows: Vec<String>,
    pub back: &'a str,
}

/// Renders any template; a template error is logged and answered as a bare 500.
pub fn render<T: Template>(status: StatusCode, t: T) -> Response {
    match t.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template rendering failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "服务器内部错误").into_response()
        }
    }
}

/// Reads a submitted form body into pairs (keeps order and repeated keys).
pub fn pairs(body: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(body).map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

/// Every value of a repeated field (checkbox lists).
pub fn values<'a>(pairs: &'a [(String, String)], name: &str) -> Vec<&'a str> {
    pairs.iter().filter(|(k, _)| k == name).map(|(_, v)| v.as_str()).collect()
}

/// The value of a field in submitted pairs ("" when absent).
pub fn value<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).unwrap_or("")
}
