//! `/gs/decisions`: the decisions public today, searched in Chinese (issue 5, D-14).
//!
//! One page serves the list and the search: without words it lists the newest decisions,
//! with words the most relevant, each with the fragment where the words matched. Filters:
//! agency, kind of act, area, decision dates. The query string is read by hand, the last
//! value of a repeated key winning, so that no query string — malformed, repeated, oversize
//! — is answered with a framework's bare 400: a value that cannot be used is shown next to
//! its field with what to fix (422), and the page never fails with a 500 for bad input.

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use uuid::Uuid;
use zhifa_app::AppError;
use zhifa_core::registry::ActKind;
use zhifa_search::{Hit, Query};

use crate::AppState;
use crate::forms::{Nav, render};

/// Hits per page.
const PER_PAGE: usize = 20;
/// The longest query string read; past it the request is refused with a message.
const MAX_QUERY_STRING: usize = 2_048;

/// The search as typed, echoed back into the form.
#[derive(Debug, Default, Clone)]
pub struct Params {
    pub q: String,
    pub agency: String,
    pub kind: String,
    pub area: String,
    pub from: String,
    pub to: String,
    pub page: usize,
}

impl Params {
    pub(crate) fn read(raw: Option<&str>) -> Result<Params, String> {
        let raw = raw.unwrap_or_default();
        if raw.len() > MAX_QUERY_STRING {
            return Err("检索条件过长，请缩短检索词后重试".into());
        }
        let mut p = Params { page: 1, ..Default::default() };
        for (k, v) in form_urlencoded::parse(raw.as_bytes()) {
            let v = v.trim().to_string();
            match k.as_ref() {
                "q" => p.q = v,
                "agency" => p.agency = v,
                "kind" => p.kind = v,
                "area" => p.area = v,
                "from" => p.from = v,
                "to" => p.to = v,
                "page" => p.page = v.parse().ok().filter(|n| (1..=1_000).contains(n)).unwrap_or(1),
                _ => {}
            }
        }
        Ok(p)
    }

    /// The query string of this search on another page.
    fn link(&self, page: usize) -> String {
        let mut s = form_urlencoded::Serializer::new(String::new());
        for (k, v) in [
            ("q", &self.q),
            ("agency", &self.agency),
            ("kind", &self.kind),
            ("area", &self.area),
            ("from", &self.from),
            ("to", &self.to),
        ] {
            if !v.is_empty() {
                s.append_pair(k, v);
            }
        }
        s.append_pair("page", &page.to_string());
        format!("/gs/decisions?{}", s.finish())
    }
}

/// One field's complaint.
pub(crate) type Errors = Vec<(&'static str, String)>;

pub(crate) fn query(p: &Params, today: NaiveDate, errors: &mut Errors) -> Option<Query> {
    let mut q = match Query::new(&p.q, today) {
        Ok(q) => q,
        Err(e) => {
            errors.push(("q", e.to_string()));
            return None;
        }
    };
    if !p.agency.is_empty() {
        match p.agency.parse::<Uuid>() {
            Ok(a) => q.agency = Some(a),
            Err(_) => errors.push(("agency", "执法机关选择无效，请从列表中选择".into())),
        }
    }
    if !p.kind.is_empty() {
        match ActKind::parse(&p.kind) {
            Some(k) => q.kind = Some(k.as_str().into()),
            None => errors.push(("kind", "执法类别选择无效，请从列表中选择".into())),
        }
    }
    if !p.area.is_empty() {
        if p.area.chars().count() > 50 {
            errors.push(("area", "区域名称过长，请从列表中选择".into()));
        } else {
            q.area = Some(p.area.clone());
        }
    }
    let date = |v: &str, field: &'static str, errors: &mut Errors| -> Option<NaiveDate> {
        if v.is_empty() {
            return None;
        }
        match NaiveDate::parse_from_str(v, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                errors.push((field, format!("日期“{v}”无法识别，请按 2026-01-31 的格式填写")));
                None
            }
        }
    };
    let from = date(&p.from, "from", errors);
    let to = date(&p.to, "to", errors);
    if !errors.is_empty() {
        return None;
    }
    let q = q.dates(from, to).map_err(|e| errors.push(("to", e.to_string()))).ok()?;
    q.page((p.page - 1) * PER_PAGE, PER_PAGE).map_err(|e| errors.push(("q", e.to_string()))).ok()
}

#[derive(Template)]
#[template(path = "portal_search.html")]
struct SearchTemplate<'a> {
    nav: &'a Nav,
    p: &'a Params,
    agencies: Vec<(String, String)>,
    kinds: Vec<(&'static str, &'static str)>,
    areas: Vec<String>,
    errors: Errors,
    searched: bool,
    total: usize,
    hits: Vec<Hit>,
    prev: Option<String>,
    next: Option<String>,
}

impl SearchTemplate<'_> {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| *f == field).map(|(_, m)| m.as_str())
    }
}

/// GET /gs/decisions[?q=…&agency=…&kind=…&area=…&from=…&to=…&page=…]
pub async fn decisions(State(s): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    let nav = Nav::portal();
    let mut errors = Errors::new();
    let p = Params::read(raw.as_deref()).unwrap_or_else(|e| {
        errors.push(("q", e));
        Params { page: 1, ..Default::default() }
    });
    let agencies = match s.app.portal_agencies().await {
        Ok(a) => a,
        Err(e) => return super::portal::failed(e),
    };
    let mut areas: Vec<String> = agencies.iter().map(|a| a.info.jurisdiction.clone()).collect();
    areas.sort();
    areas.dedup();
    let today = zhifa_app::cases::beijing_now().date();
    let mut t = SearchTemplate {
        nav: &nav,
        p: &p,
        agencies: agencies.iter().map(|a| (a.id.to_string(), a.info.name.clone())).collect(),
        kinds: ActKind::ALL.iter().map(|k| (k.as_str(), k.label())).collect(),
        areas,
        errors: vec![],
        searched: [&p.q, &p.agency, &p.kind, &p.area, &p.from, &p.to].iter().any(|v| !v.is_empty()),
        total: 0,
        hits: vec![],
        prev: None,
        next: None,
    };
    let status = match (errors.is_empty(), query(&p, today, &mut errors)) {
        (true, Some(q)) => match s.app.search_publications(q).await {
            Ok(r) => {
                t.total = r.total;
                t.hits = r.hits;
                t.prev = (p.page > 1).then(|| p.link(p.page - 1));
                t.next =
                    (p.page * PER_PAGE < t.total.min(zhifa_search::MAX_OFFSET + PER_PAGE)).then(|| p.link(p.page + 1));
                StatusCode::OK
            }
            Err(AppError::Rejected(r)) => {
                errors.extend(r.errors.into_iter().map(|e| ("q", e.message)));
                StatusCode::UNPROCESSABLE_ENTITY
            }
            Err(e) => return super::portal::failed(e),
        },
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    };
    t.errors = errors;
    render(status, t)
}
