//! Open data of the disclosure portal (D-14): what the portal publishes, for upper-level
//! platforms and anyone else, without logging in.
//!
//! - `GET /api/v1/open/decisions` — the portal's search as JSON (same parameters and checks
//!   as `/gs/decisions`);
//! - `GET /api/v1/open/decisions/{id}` — one published decision's notice;
//! - `GET /api/v1/open/export?from=&to=&format=csv|json` — every decision published in a
//!   date range (at most a year), public today or withdrawn (a withdrawn one without its
//!   content, with the explanation), streamed page by page so memory does not grow with
//!   the range; CSV with a byte-order mark so that spreadsheet programs read the Chinese;
//! - `GET /gs/feed.atom` — an Atom feed of the newest publications.
//!
//! Only the redacted notice ever leaves here: these are the same rows the portal pages
//! show.

use askama::Template;
use axum::Json;
use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde::Serialize;
use serde_json::{Value, json};
use uuid::Uuid;
use zhifa_app::App;
use zhifa_app::cases::beijing_now;
use zhifa_core::disclosure::publication::NoticeKind;
use zhifa_store::publications::PublicationRow;

use crate::AppState;
use crate::error::ApiError;
use crate::pages::Parsed;
use crate::pages::portal_search::Params;

/// Rows read per page of an export.
const EXPORT_PAGE: i64 = 1_000;
/// The longest export range, in days.
const EXPORT_MAX_DAYS: i64 = 366;
/// Entries in the feed.
const FEED_ENTRIES: i64 = 50;

/// A published decision as open data.
#[derive(Debug, Serialize)]
pub struct OpenDecision {
    pub id: Uuid,
    pub url: String,
    /// `public`, or `withdrawn` (then only the number, the date and the explanation).
    pub status: &'static str,
    /// `decision`, `inspection` (a random inspection's result) or `execution`: what the
    /// fields hold (D-06).
    pub kind: &'static str,
    pub agency: String,
    pub category: String,
    pub document_number: String,
    pub decided_on: NaiveDate,
    pub published_on: Option<NaiveDate>,
    pub takedown_on: Option<NaiveDate>,
    pub party: Option<String>,
    pub facts: Option<String>,
    pub basis: Option<String>,
    pub conclusion: Option<String>,
    pub explanation: Option<String>,
}

impl OpenDecision {
    fn of(app: &App, p: &PublicationRow) -> Self {
        let withdrawn = p.status == "withdrawn";
        let n = &p.notice;
        let content = |v: &String| (!withdrawn).then(|| v.clone());
        OpenDecision {
            id: p.record_id,
            url: app.documents.public_url(&format!("/gs/decisions/{}", p.record_id)),
            status: if withdrawn { "withdrawn" } else { "public" },
            kind: n.kind.as_str(),
            agency: n.agency.clone(),
            category: n.category.clone(),
            document_number: n.document_number.clone(),
            decided_on: n.decided_on,
            published_on: p.published_on,
            takedown_on: p.takedown_on.filter(|_| !withdrawn),
            party: content(&n.party),
            facts: content(&n.facts),
            basis: content(&n.basis),
            conclusion: content(&n.conclusion),
            explanation: p.explanation.clone(),
        }
    }

    const CSV_HEADER: [&'static str; 15] = [
        "id",
        "公示网址",
        "状态",
        "执法机关",
        "类别",
        "决定文书号",
        "决定日期",
        "公示日期",
        "公示截止",
        "当事人",
        "违法事实",
        "执法依据",
        "处理结果",
        "说明",
        "公示类型",
    ];

    fn csv_row(&self) -> [String; 15] {
        let o = |v: &Option<String>| v.clone().unwrap_or_default();
        let d = |v: Option<NaiveDate>| v.map(|d| d.to_string()).unwrap_or_default();
        [
            self.id.to_string(),
            self.url.clone(),
            if self.status == "withdrawn" { "已撤回".into() } else { "公示中".into() },
            self.agency.clone(),
            self.category.clone(),
            self.document_number.clone(),
            self.decided_on.to_string(),
            d(self.published_on),
            d(self.takedown_on),
            o(&self.party),
            o(&self.facts),
            o(&self.basis),
            o(&self.conclusion),
            o(&self.explanation),
            NoticeKind::parse(self.kind).unwrap_or_default().label().into(),
        ]
    }
}

/// GET /api/v1/open/decisions
pub async fn search(State(s): State<AppState>, RawQuery(raw): RawQuery) -> Result<Json<Value>, ApiError> {
    let p = Params::read(raw.as_deref()).map_err(|m| ApiError::invalid("q", m))?;
    let mut errors = Vec::new();
    let Some(q) = crate::pages::portal_search::query(&p, beijing_now().date(), &mut errors) else {
        let mut r = zhifa_core::Rejection::new();
        for (field, message) in errors {
            r.add(field, message);
        }
        return Err(zhifa_app::AppError::Rejected(r).into());
    };
    let results = s.app.search_publications(q).await?;
    let hits: Vec<Value> = results
        .hits
        .iter()
        .map(|h| {
            json!({
                "id": h.record_id,
                "url": s.app.documents.public_url(&format!("/gs/decisions/{}", h.record_id)),
                "document_number": h.document_number,
                "party": h.party,
                "category": h.category,
                "agency": h.agency,
                "decided_on": h.decided_on,
                "fragment": h.fragment.iter().map(|p| p.text.as_str()).collect::<String>(),
            })
        })
        .collect();
    Ok(Json(json!({"total": results.total, "page": p.page, "hits": hits})))
}

/// GET /api/v1/open/decisions/{id}
pub async fn decision(State(s): State<AppState>, Parsed(id): Parsed<Uuid>) -> Result<Json<OpenDecision>, ApiError> {
    let p = s.app.portal_decision(id).await?;
    Ok(Json(OpenDecision::of(&s.app, &p)))
}

#[derive(Clone, Copy, PartialEq)]
enum Format {
    Csv,
    Json,
}

fn export_params(raw: Option<&str>) -> Result<(NaiveDate, NaiveDate, Format), ApiError> {
    let (mut from, mut to, mut format) = (None, None, Format::Json);
    for (k, v) in form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
        let date = |field: &str| {
            NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d")
                .map_err(|_| ApiError::invalid(field, format!("日期“{v}”无法识别，请按 2026-01-31 的格式填写")))
        };
        match k.as_ref() {
            "from" => from = Some(date("from")?),
            "to" => to = Some(date("to")?),
            "format" => {
                format = match v.as_ref() {
                    "csv" => Format::Csv,
                    "json" => Format::Json,
                    _ => return Err(ApiError::invalid("format", "格式只能是 csv 或 json")),
                }
            }
            _ => {}
        }
    }
    let from = from.ok_or_else(|| ApiError::invalid("from", "请填写起始日期 from（公示日期，YYYY-MM-DD）"))?;
    let to = to.ok_or_else(|| ApiError::invalid("to", "请填写截止日期 to（公示日期，YYYY-MM-DD）"))?;
    if from > to {
        return Err(ApiError::invalid("to", format!("起始日期 {from} 晚于截止日期 {to}")));
    }
    if (to - from).num_days() >= EXPORT_MAX_DAYS {
        return Err(ApiError::invalid("to", format!("一次最多导出 {EXPORT_MAX_DAYS} 天，请分段导出")));
    }
    Ok((from, to, format))
}

/// GET /api/v1/open/export?from=&to=&format=csv|json
pub async fn export(State(s): State<AppState>, RawQuery(raw): RawQuery) -> Result<Response, ApiError> {
    let (from, to, format) = export_params(raw.as_deref())?;
    let today = beijing_now().date();
    // The first page is read before answering, so that a failing database is an error
    // status, not a cut-off download.
    let first = s.app.db.open_decisions(from, to, today, None, EXPORT_PAGE).await.map_err(zhifa_app::AppError::from)?;
    struct Pages {
        app: App,
        rows: Option<Vec<PublicationRow>>,
        first: bool,
    }
    let state = Pages { app: s.app.clone(), rows: Some(first), first: true };
    let stream = futures_util::stream::unfold(state, move |mut st| async move {
        let rows = st.rows.take()?;
        let mut out = Vec::new();
        if st.first {
            match format {
                Format::Csv => {
                    out.extend_from_slice("\u{feff}".as_bytes());
                    out.extend(csv_line(&OpenDecision::CSV_HEADER));
                }
                Format::Json => out.push(b'['),
            }
        }
        let full = rows.len() as i64 == EXPORT_PAGE;
        for (i, p) in rows.iter().enumerate() {
            let d = OpenDecision::of(&st.app, p);
            match format {
                Format::Csv => out.extend(csv_line(&d.csv_row())),
                Format::Json => {
                    if !(st.first && i == 0) {
                        out.push(b',');
                    }
                    out.extend(serde_json::to_vec(&d).expect("serialises"));
                }
            }
        }
        st.first = false;
        let last = rows.last().and_then(|p| p.published_on.map(|d| (d, p.record_id)));
        if full {
            match st.app.db.open_decisions(from, to, today, last, EXPORT_PAGE).await {
                Ok(next) => st.rows = Some(next),
                // Cut off: the client sees a broken body rather than a silently short file.
                Err(e) => {
                    tracing::error!(error = %e, "export failed after its first page");
                    return Some((Err(std::io::Error::other("export failed")), st));
                }
            }
        }
        if st.rows.is_none() && format == Format::Json {
            out.push(b']');
        }
        Some((Ok::<_, std::io::Error>(bytes::Bytes::from(out)), st))
    });
    let (content_type, ext) = match format {
        Format::Csv => ("text/csv; charset=utf-8", "csv"),
        Format::Json => ("application/json", "json"),
    };
    let disposition = format!("attachment; filename=\"decisions-{from}-{to}.{ext}\"");
    Ok((
        StatusCode::OK,
        [(header::CONTENT_TYPE, content_type.to_string()), (header::CONTENT_DISPOSITION, disposition)],
        Body::from_stream(stream),
    )
        .into_response())
}

fn csv_line<S: AsRef<str>>(fields: &[S]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(fields.iter().map(|f| f.as_ref())).expect("writes to memory");
    w.into_inner().expect("writes to memory")
}

struct FeedEntry {
    id: Uuid,
    url: String,
    title: String,
    updated: String,
    summary: String,
    agency: String,
}

#[derive(Template)]
#[template(path = "portal_feed.xml")]
struct FeedTemplate {
    self_url: String,
    portal_url: String,
    updated: String,
    entries: Vec<FeedEntry>,
}

/// A date as an Atom timestamp: midnight in Beijing.
fn atom_time(d: NaiveDate) -> String {
    format!("{d}T00:00:00+08:00")
}

/// GET /gs/feed.atom
pub async fn feed(State(s): State<AppState>) -> Response {
    let today = beijing_now().date();
    let rows = match s.app.db.public_decisions(today, FEED_ENTRIES).await {
        Ok(r) => r,
        Err(e) => {
            tracing::error!(error = %e, "feed failed");
            return (StatusCode::SERVICE_UNAVAILABLE, "暂时无法生成订阅内容，请稍后再试").into_response();
        }
    };
    let entries: Vec<FeedEntry> = rows
        .iter()
        .map(|p| {
            let n = &p.notice;
            FeedEntry {
                id: p.record_id,
                url: s.app.documents.public_url(&format!("/gs/decisions/{}", p.record_id)),
                title: format!("{} {}（{}）", n.document_number, n.party, n.category),
                updated: atom_time(p.published_on.unwrap_or(n.decided_on)),
                summary: n.conclusion.clone(),
                agency: n.agency.clone(),
            }
        })
        .collect();
    let updated = entries.first().map(|e| e.updated.clone()).unwrap_or_else(|| atom_time(today));
    let t = FeedTemplate {
        self_url: s.app.documents.public_url("/gs/feed.atom"),
        portal_url: s.app.documents.public_url("/gs/decisions"),
        updated,
        entries,
    };
    match t.render() {
        Ok(body) => ([(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")], body).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "feed template failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// Adds the open-data routes to the OpenAPI description.
pub fn describe(doc: &mut Value) {
    let err = json!({"$ref": "#/components/responses/Error"});
    let q = |name: &str, description: &str| json!({"name": name, "in": "query", "required": false, "schema": {"type": "string"}, "description": description});
    let paths = doc["paths"].as_object_mut().expect("paths");
    paths.insert(
        "/api/v1/open/decisions".into(),
        json!({"get": {"summary": "检索公示的执法决定（公开，无需登录）",
            "parameters": [q("q", "检索词，最多 100 字"), q("agency", "执法机关 id"), q("kind", "执法类别：penalty、permit…"),
                           q("area", "区域"), q("from", "决定日期自 YYYY-MM-DD"), q("to", "决定日期至 YYYY-MM-DD"), q("page", "页码，从 1 起")],
            "responses": {"200": {"description": "成功", "content": {"application/json": {"schema": {"type": "object", "properties": {
                "total": {"type": "integer"}, "page": {"type": "integer"},
                "hits": {"type": "array", "items": {"type": "object", "properties": {"id": {"type": "string"}, "url": {"type": "string"}, "document_number": {"type": "string"}, "party": {"type": "string"}, "category": {"type": "string"}, "agency": {"type": "string"}, "decided_on": {"type": "string", "format": "date"}, "fragment": {"type": "string"}}}}}}}}},
                "422": err.clone()}}}),
    );
    paths.insert(
        "/api/v1/open/decisions/{id}".into(),
        json!({"get": {"summary": "一项公示的执法决定（公开）",
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "成功", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/OpenDecision"}}}}, "404": err.clone()}}}),
    );
    paths.insert(
        "/api/v1/open/export".into(),
        json!({"get": {"summary": "按公示日期批量导出执法决定（公开，一次最多 366 天）",
            "parameters": [
                {"name": "from", "in": "query", "required": true, "schema": {"type": "string", "format": "date"}},
                {"name": "to", "in": "query", "required": true, "schema": {"type": "string", "format": "date"}},
                {"name": "format", "in": "query", "required": false, "schema": {"type": "string", "enum": ["json", "csv"]}}],
            "responses": {"200": {"description": "成功", "content": {
                "application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/OpenDecision"}}},
                "text/csv": {"schema": {"type": "string"}}}}, "422": err}}}),
    );
    doc["components"]["schemas"]["OpenDecision"] = json!({"type": "object", "properties": {
        "id": {"type": "string"}, "url": {"type": "string"}, "status": {"type": "string", "enum": ["public", "withdrawn"]},
        "kind": {"type": "string", "enum": ["decision", "inspection", "execution"], "description": "决定、随机抽查结果或强制执行：执行的 document_number 为所执行决定的文号，facts 为执行方式，conclusion 为执行结果；抽查结果的 facts 为检查情况"},
        "agency": {"type": "string"}, "category": {"type": "string"}, "document_number": {"type": "string"},
        "decided_on": {"type": "string", "format": "date"}, "published_on": {"type": ["string", "null"], "format": "date"},
        "takedown_on": {"type": ["string", "null"], "format": "date"}, "party": {"type": ["string", "null"], "description": "自然人姓名已遮蔽"},
        "facts": {"type": ["string", "null"]}, "basis": {"type": ["string", "null"]}, "conclusion": {"type": ["string", "null"]},
        "explanation": {"type": ["string", "null"], "description": "撤回或重新公示的说明"}}});
}
