//! Data exchange for upper-level platforms (D-14): the cases and publications of a period
//! as JSON, for an authenticated account (a supervisor sees every agency, an agency's
//! staff their own), from the facts the supervision sweep keeps — so the figures a
//! provincial platform receives are the ones the county's dashboards show. The
//! `X-Zhifa-Swept-At` header says when they were last derived. Natural persons' names
//! never appear: a case's facts name no party.
//!
//! - `GET /api/v1/exchange/cases?from=&to=&agency=` — cases filed in the period;
//! - `GET /api/v1/exchange/publications?from=&to=&agency=` — publications due in the period.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::HeaderValue;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;
use zhifa_app::AppError;
use zhifa_core::Rejection;
use zhifa_core::supervision::metrics::Period;

use crate::AppState;
use crate::error::ApiError;
use crate::session::CurrentUser;

/// The longest period one request may ask for, in days.
const MAX_DAYS: i64 = 366;

#[derive(Debug, Deserialize)]
pub struct PeriodParams {
    pub from: Option<String>,
    pub to: Option<String>,
    pub agency: Option<String>,
}

fn parse(p: &PeriodParams) -> Result<(Period, Option<Uuid>), AppError> {
    let mut r = Rejection::new();
    let date = |name: &str, v: &Option<String>, r: &mut Rejection| match v.as_deref().map(str::trim) {
        None | Some("") => {
            r.add(name, "请填写日期（YYYY-MM-DD）");
            None
        }
        Some(s) => match s.parse::<NaiveDate>() {
            Ok(d) => Some(d),
            Err(_) => {
                r.add(name, format!("“{s}”不是有效日期，请按 YYYY-MM-DD 填写"));
                None
            }
        },
    };
    let from = date("from", &p.from, &mut r);
    let to = date("to", &p.to, &mut r);
    let agency = match p.agency.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
        None => None,
        Some(a) => match a.parse::<Uuid>() {
            Ok(id) => Some(id),
            Err(_) => {
                r.add("agency", "执法机关 id 无效");
                None
            }
        },
    };
    let period = match (from, to) {
        (Some(f), Some(t)) if (t - f).num_days() >= MAX_DAYS => {
            r.add("to", format!("一次最多导出{MAX_DAYS}天"));
            None
        }
        (Some(f), Some(t)) => Period::new(f, t).or_else(|| {
            r.add("to", "结束日期不能早于开始日期");
            None
        }),
        _ => None,
    };
    r.into_result()?;
    Ok((period.expect("checked"), agency))
}

fn with_swept(body: Value, swept: Option<String>) -> Response {
    let mut res = Json(body).into_response();
    if let Some(v) = swept.and_then(|s| HeaderValue::from_str(&s).ok()) {
        res.headers_mut().insert("x-zhifa-swept-at", v);
    }
    res
}

/// `GET /api/v1/exchange/cases`.
pub async fn cases(
    State(s): State<AppState>,
    user: CurrentUser,
    Query(p): Query<PeriodParams>,
) -> Result<Response, ApiError> {
    let (period, agency) = parse(&p)?;
    let (facts, swept) = s.app.exchange_cases(&user.principal, agency, period).await?;
    Ok(with_swept(json!({"from": period.from(), "to": period.to(), "count": facts.len(), "cases": facts}), swept))
}

/// `GET /api/v1/exchange/publications`.
pub async fn publications(
    State(s): State<AppState>,
    user: CurrentUser,
    Query(p): Query<PeriodParams>,
) -> Result<Response, ApiError> {
    let (period, agency) = parse(&p)?;
    let (facts, swept) = s.app.exchange_publications(&user.principal, agency, period).await?;
    Ok(with_swept(
        json!({"from": period.from(), "to": period.to(), "count": facts.len(), "publications": facts}),
        swept,
    ))
}

/// Adds the exchange routes to the OpenAPI description.
pub fn describe(doc: &mut Value) {
    let err = json!({"$ref": "#/components/responses/Error"});
    let params = json!([
        {"name": "from", "in": "query", "required": true, "schema": {"type": "string", "format": "date"}, "description": "期间起（含）"},
        {"name": "to", "in": "query", "required": true, "schema": {"type": "string", "format": "date"}, "description": "期间止（含），一次最多 366 天"},
        {"name": "agency", "in": "query", "required": false, "schema": {"type": "string"}, "description": "执法机关 id；省略时为可见的全部机关"}]);
    let swept = json!({"X-Zhifa-Swept-At": {"description": "数据截至的最近一次监督扫描时间（UTC）", "schema": {"type": "string"}}});
    let paths = doc["paths"].as_object_mut().expect("paths");
    paths.insert(
        "/api/v1/exchange/cases".into(),
        json!({"get": {"summary": "数据交换：期间内立案的案件（需登录；司法局可见全部机关）", "parameters": params,
            "responses": {"200": {"description": "成功", "headers": swept, "content": {"application/json": {"schema": {"type": "object", "properties": {
                "from": {"type": "string", "format": "date"}, "to": {"type": "string", "format": "date"}, "count": {"type": "integer"},
                "cases": {"type": "array", "items": {"$ref": "#/components/schemas/ExchangeCase"}}}}}}},
                "401": err.clone(), "403": err.clone(), "422": err.clone()}}}),
    );
    paths.insert(
        "/api/v1/exchange/publications".into(),
        json!({"get": {"summary": "数据交换：期间内到期的事后公开（需登录）", "parameters": params,
            "responses": {"200": {"description": "成功", "headers": swept, "content": {"application/json": {"schema": {"type": "object", "properties": {
                "from": {"type": "string", "format": "date"}, "to": {"type": "string", "format": "date"}, "count": {"type": "integer"},
                "publications": {"type": "array", "items": {"$ref": "#/components/schemas/ExchangePublication"}}}}}}},
                "401": err.clone(), "403": err.clone(), "422": err}}}),
    );
    doc["components"]["schemas"]["ExchangeCase"] = json!({"type": "object", "description": "案件要素（不含当事人姓名）",
        "properties": {
            "case_id": {"type": "string"}, "number": {"type": "string", "description": "案号"}, "agency_id": {"type": "string"},
            "act_kind": {"type": "string", "description": "执法类别：penalty、permit、inspection、compulsory_measure…"},
            "procedure": {"type": "string", "description": "程序：ordinary、simplified…"},
            "opened_on": {"type": "string", "format": "date", "description": "立案日期"},
            "decision": {"type": ["object", "null"], "description": "现行决定：decided_on、fine（分）、penalty_types、assessment（裁量基准：violation_code、tier、in_range）"},
            "review": {"type": "object", "description": "法制审核：required、approved、rounds（每轮 concluded_on、approved、on_time）"},
            "av_acts": {"type": "array", "description": "应音像记录的行为：kind、on、av_stored_on"},
            "closed_on": {"type": ["string", "null"], "format": "date"}, "archived_on": {"type": ["string", "null"], "format": "date"},
            "suspected_crime": {"type": "boolean", "description": "涉嫌犯罪（V-02）"}, "transferred": {"type": "boolean", "description": "已移送公安机关"}}});
    doc["components"]["schemas"]["ExchangePublication"] = json!({"type": "object",
        "properties": {
            "record_id": {"type": "string"}, "agency_id": {"type": "string"},
            "kind": {"type": "string", "enum": ["decision", "inspection", "execution"]},
            "decided_on": {"type": "string", "format": "date"}, "due": {"type": "string", "format": "date", "description": "公示期限（D-05）"},
            "published_on": {"type": ["string", "null"], "format": "date"},
            "withdrawn_unpublished": {"type": "boolean"},
            "overturned": {"type": "array", "description": "因撤销、确认违法或重作而撤回（D-09）：record_id、on、ground"}}});
}

#[derive(Debug, Deserialize)]
pub struct WebhookRequest {
    pub url: String,
}

fn webhook_json(w: &zhifa_store::supervision::WebhookRow, with_secret: bool) -> Value {
    let mut v = json!({"id": w.id, "url": w.url, "created_at": w.created_at, "delivered_at": w.delivered_at,
                       "failures": w.failures, "last_error": w.last_error});
    if with_secret {
        v["secret"] = json!(w.secret);
    }
    v
}

/// `GET /api/v1/exchange/webhooks` (the platform administrator).
pub async fn webhooks(State(s): State<AppState>, user: CurrentUser) -> Result<Json<Value>, ApiError> {
    let list = s.app.webhooks(&user.principal).await?;
    Ok(Json(json!(list.iter().map(|w| webhook_json(w, false)).collect::<Vec<_>>())))
}

/// `POST /api/v1/exchange/webhooks {"url": …}`: the secret is in this answer only.
pub async fn register_webhook(
    State(s): State<AppState>,
    user: CurrentUser,
    Json(req): Json<WebhookRequest>,
) -> Result<(axum::http::StatusCode, Json<Value>), ApiError> {
    let w = s.app.register_webhook(&user.principal, &req.url).await?;
    Ok((axum::http::StatusCode::CREATED, Json(webhook_json(&w, true))))
}

/// `DELETE /api/v1/exchange/webhooks/{id}`.
pub async fn remove_webhook(
    State(s): State<AppState>,
    user: CurrentUser,
    crate::pages::Parsed(id): crate::pages::Parsed<Uuid>,
) -> Result<axum::http::StatusCode, ApiError> {
    s.app.remove_webhook(&user.principal, id).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

/// Adds the webhook routes to the OpenAPI description.
pub fn describe_webhooks(doc: &mut Value) {
    let err = json!({"$ref": "#/components/responses/Error"});
    let hook = json!({"type": "object", "properties": {"id": {"type": "string"}, "url": {"type": "string"},
        "secret": {"type": "string", "description": "签名密钥，仅在登记时返回一次"}, "created_at": {"type": "string"},
        "delivered_at": {"type": ["string", "null"]}, "failures": {"type": "integer"}, "last_error": {"type": ["string", "null"]}}});
    let paths = doc["paths"].as_object_mut().expect("paths");
    paths.insert(
        "/api/v1/exchange/webhooks".into(),
        json!({
            "get": {"summary": "上级平台的推送地址（平台管理员）", "responses": {"200": {"description": "成功", "content": {"application/json": {"schema": {"type": "array", "items": hook}}}}, "403": err.clone()}},
            "post": {"summary": "登记推送地址：此后公示的每项变化（发布、撤下、撤回）都推送至该地址",
                "description": "每次推送为一个 POST，JSON 正文 {\"deliveries\": [{id, status, kind, agency_id, document_number, published_on, url}]}，最多 100 项；请求头 X-Zhifa-Signature: sha256=<以密钥对正文计算的 HMAC-SHA256 十六进制>，X-Zhifa-Delivery 为本次推送编号。接收方返回 2xx 即确认；否则下一轮重发（可能重复，不会遗漏）。url 指向该项公示的开放数据。",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["url"], "properties": {"url": {"type": "string"}}}}}},
                "responses": {"201": {"description": "已登记", "content": {"application/json": {"schema": hook}}}, "403": err.clone(), "422": err.clone()}}
        }),
    );
    paths.insert(
        "/api/v1/exchange/webhooks/{id}".into(),
        json!({"delete": {"summary": "删除推送地址", "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": {"204": {"description": "已删除"}, "403": err.clone(), "404": err}}}),
    );
}
