//! The JSON API under `/api/v1`, and its OpenAPI description.
//!
//! Authentication is the session cookie from `POST /api/v1/session`; every state-changing
//! call sends the session's CSRF token in `X-CSRF-Token`. Errors are
//! `{code, message, field, errors: [{field, message}]}` with messages in Chinese.

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::http::header::SET_COOKIE;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use uuid::Uuid;
use zhifa_app::auth::LoginError;
use zhifa_app::registry::OfficerInput;
use zhifa_core::Rejection;
use zhifa_core::access::Sensitivity;
use zhifa_core::ids::CitizenId;
use zhifa_core::personnel::{Certificate, StaffKind};
use zhifa_store::queries::{AgencyRow, CertificateRow, OfficerRow};

use crate::AppState;
use crate::error::{ApiError, ApiErrorBody};
use crate::pages::Parsed;
use crate::session::{ClientAddr, CurrentUser, SESSION_COOKIE, client_key, set_cookie};

#[derive(Debug, Deserialize)]
pub struct LoginRequest {
    username: String,
    password: String,
}

#[derive(Debug, Serialize)]
struct SessionView {
    csrf_token: String,
    username: String,
    display_name: String,
    role: String,
    agency_id: Option<Uuid>,
}

pub async fn login(
    State(s): State<AppState>,
    addr: ClientAddr,
    headers: HeaderMap,
    Json(req): Json<LoginRequest>,
) -> Result<Response, ApiError> {
    match s.app.login(&req.username, &req.password, &client_key(&headers, &addr)).await {
        Ok(session) => {
            let view = SessionView {
                csrf_token: session.csrf.clone(),
                username: session.account.username.clone(),
                display_name: session.account.display_name.clone(),
                role: session.account.role.as_str().into(),
                agency_id: session.account.agency_id,
            };
            let mut resp = Json(view).into_response();
            let cookie = set_cookie(
                SESSION_COOKIE,
                &session.token,
                s.config.secure_cookies,
                Some(zhifa_app::auth::SESSION_HOURS * 3600),
            );
            resp.headers_mut().append(SET_COOKIE, cookie);
            Ok(resp)
        }
        Err(LoginError::Internal(e)) => Err(e.into()),
        Err(e) => {
            let (status, code) = match e {
                LoginError::Throttled(_) => (axum::http::StatusCode::TOO_MANY_REQUESTS, "throttled"),
                _ => (axum::http::StatusCode::UNAUTHORIZED, "bad_credentials"),
            };
            Err(ApiError(status, ApiErrorBody { code, message: e.to_string(), field: None, errors: vec![] }))
        }
    }
}

pub async fn logout(State(s): State<AppState>, headers: HeaderMap, _user: CurrentUser) -> Result<Response, ApiError> {
    if let Some(token) = crate::session::cookie(&headers, SESSION_COOKIE) {
        s.app.logout(token).await?;
    }
    Ok(axum::http::StatusCode::NO_CONTENT.into_response())
}

#[derive(Debug, Serialize)]
struct AgencyView {
    id: Uuid,
    name: String,
    short_name: String,
    duties: String,
    jurisdiction: String,
    legal_representative: String,
    address: String,
    is_judicial_bureau: bool,
    profile_id: String,
}

impl From<AgencyRow> for AgencyView {
    fn from(a: AgencyRow) -> Self {
        Self {
            id: a.id,
            name: a.info.name,
            short_name: a.info.short_name,
            duties: a.info.duties,
            jurisdiction: a.info.jurisdiction,
            legal_representative: a.info.legal_representative,
            address: a.info.address,
            is_judicial_bureau: a.info.is_judicial_bureau,
            profile_id: a.profile_id,
        }
    }
}

pub async fn agencies(State(s): State<AppState>, user: CurrentUser) -> Result<Json<Vec<Value>>, ApiError> {
    let list = s.app.agencies_for(&user.principal).await?;
    Ok(Json(list.into_iter().map(|a| json!(AgencyView::from(a))).collect()))
}

pub async fn agency(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed(id): Parsed<Uuid>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(json!(AgencyView::from(s.app.agency_for(&user.principal, id).await?))))
}

#[derive(Debug, Serialize)]
struct CertificateView {
    number: String,
    category: String,
    scope: String,
    issued_on: NaiveDate,
    expires_on: NaiveDate,
    revoked_on: Option<NaiveDate>,
    status: &'static str,
}

impl CertificateView {
    fn new(c: &CertificateRow) -> Self {
        use zhifa_core::personnel::CertificateStatus::*;
        let status = match c.certificate().status_on(chrono::Local::now().date_naive()) {
            Valid => "valid",
            Expired => "expired",
            Revoked => "revoked",
            NotYetValid => "not_yet_valid",
        };
        Self {
            number: c.number.clone(),
            category: c.category.clone(),
            scope: c.scope.clone(),
            issued_on: c.issued_on,
            expires_on: c.expires_on,
            revoked_on: c.revoked_on,
            status,
        }
    }
}

#[derive(Debug, Serialize)]
struct OfficerView {
    id: Uuid,
    agency_id: Uuid,
    unit: String,
    name: String,
    /// Full only for roles entitled to personal privacy, else masked.
    citizen_id: String,
    kind: &'static str,
    position: String,
    left_on: Option<NaiveDate>,
    certificates: Vec<CertificateView>,
}

fn officer_view(user: &CurrentUser, o: OfficerRow, certs: &[CertificateRow]) -> OfficerView {
    let privacy = user.principal.can_read(o.agency_id, Sensitivity::PersonalPrivacy).is_ok();
    let citizen_id = if privacy { o.citizen_id } else { zhifa_core::ids::mask_citizen_id(&o.citizen_id) };
    OfficerView {
        id: o.id,
        agency_id: o.agency_id,
        unit: o.unit_name,
        name: o.name,
        citizen_id,
        kind: o.kind.as_str(),
        position: o.position,
        left_on: o.left_on,
        certificates: certs.iter().filter(|c| c.officer_id == o.id).map(CertificateView::new).collect(),
    }
}

pub async fn officers(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed(agency): Parsed<Uuid>,
) -> Result<Json<Vec<Value>>, ApiError> {
    s.app.agency_for(&user.principal, agency).await?;
    let officers = s.app.db.officers(agency).await.map_err(zhifa_app::AppError::from)?;
    let certs = s.app.db.certificates_of_agency(agency).await.map_err(zhifa_app::AppError::from)?;
    Ok(Json(officers.into_iter().map(|o| json!(officer_view(&user, o, &certs))).collect()))
}

pub async fn officer(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed(id): Parsed<Uuid>,
) -> Result<Json<Value>, ApiError> {
    let (o, certs) = s.app.officer_for(&user.principal, id).await?;
    Ok(Json(json!(officer_view(&user, o, &certs))))
}

#[derive(Debug, Deserialize)]
pub struct CertificateRequest {
    number: String,
    category: String,
    scope: String,
    issued_on: String,
    expires_on: String,
}

#[derive(Debug, Deserialize)]
pub struct OfficerRequest {
    unit_id: Uuid,
    name: String,
    citizen_id: String,
    kind: String,
    #[serde(default)]
    position: String,
    #[serde(default)]
    phone: String,
    certificate: Option<CertificateRequest>,
}

fn parse_date(r: &mut Rejection, field: &str, v: &str) -> Option<NaiveDate> {
    v.parse().map_err(|_| r.add(field, format!("日期“{v}”格式应为 YYYY-MM-DD"))).ok()
}

pub async fn create_officer(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed(agency): Parsed<Uuid>,
    Json(req): Json<OfficerRequest>,
) -> Result<Response, ApiError> {
    let mut r = Rejection::new();
    let citizen_id = CitizenId::parse(&req.citizen_id).map_err(|e| r.add("citizen_id", e.to_string())).ok();
    let kind = StaffKind::parse(&req.kind);
    if kind.is_none() {
        r.add("kind", "人员类别应为 officer、auxiliary 或 legal_reviewer");
    }
    let certificate = req.certificate.as_ref().and_then(|c| {
        let issued = parse_date(&mut r, "certificate.issued_on", &c.issued_on);
        let expires = parse_date(&mut r, "certificate.expires_on", &c.expires_on);
        Some(Certificate {
            number: c.number.clone(),
            category: c.category.clone(),
            scope: c.scope.clone(),
            issued_on: issued?,
            expires_on: expires?,
            revoked: None,
        })
    });
    let (Some(citizen_id), Some(kind), true) = (citizen_id, kind, r.is_empty()) else {
        return Err(zhifa_app::AppError::Rejected(r).into());
    };
    let input = OfficerInput {
        agency_id: agency,
        unit_id: req.unit_id,
        name: req.name,
        citizen_id,
        kind,
        position: req.position,
        phone: req.phone,
        certificate,
    };
    let id = s.app.register_officer(&user.principal, input).await?;
    let (o, certs) = s.app.officer_for(&user.principal, id).await?;
    Ok((axum::http::StatusCode::CREATED, Json(json!(officer_view(&user, o, &certs)))).into_response())
}

pub async fn certificate(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed(number): Parsed<String>,
) -> Result<Json<Value>, ApiError> {
    let c = s
        .app
        .db
        .certificate(&number)
        .await
        .map_err(zhifa_app::AppError::from)?
        .ok_or(zhifa_app::AppError::NotFound("执法证"))?;
    user.principal.can_read_agency(c.agency_id).map_err(zhifa_app::AppError::from)?;
    let mut v = json!(CertificateView::new(&c));
    v["officer"] = json!(c.officer_name);
    v["agency"] = json!(c.agency_name);
    Ok(Json(v))
}

pub async fn workday(
    State(s): State<AppState>,
    _user: CurrentUser,
    Parsed(date): Parsed<String>,
) -> Result<Json<Value>, ApiError> {
    let d: NaiveDate =
        date.parse().map_err(|_| ApiError::invalid("date", format!("日期“{date}”格式应为 YYYY-MM-DD")))?;
    let cal = s.app.db.work_calendar().await.map_err(zhifa_app::AppError::from)?;
    let working = cal.is_working_day(d).map_err(|e| ApiError::invalid("date", e.to_string()))?;
    Ok(Json(json!({ "date": d, "working_day": working })))
}

pub async fn profiles(State(s): State<AppState>, _user: CurrentUser) -> Result<Json<Value>, ApiError> {
    let all = s.app.db.profiles().await.map_err(zhifa_app::AppError::from)?;
    Ok(Json(json!(all)))
}

pub async fn health(State(s): State<AppState>) -> Response {
    match s.app.db.ping().await {
        Ok(()) => Json(json!({"status": "ok", "database": s.app.db.backend().name()})).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (axum::http::StatusCode::SERVICE_UNAVAILABLE, Json(json!({"status": "unavailable"}))).into_response()
        }
    }
}

/// The OpenAPI 3.1 description of the API.
///
/// Written as data rather than derived: the API is small, and a derive crate would add a
/// heavy proc-macro build to every CI run. `api_tests` checks that every route is described.
pub async fn openapi() -> Json<Value> {
    let err = json!({"$ref": "#/components/responses/Error"});
    let ok = |schema: Value| json!({"description": "成功", "content": {"application/json": {"schema": schema}}});
    let id_param = |name: &str| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}});
    let mut doc = json!({
        "openapi": "3.1.0",
        "info": {"title": "zhifa 行政执法综合管理平台 API", "version": env!("CARGO_PKG_VERSION"),
                  "description": "会话以 POST /api/v1/session 建立（Cookie）；所有写操作须在 X-CSRF-Token 请求头中携带会话返回的 csrf_token。"},
        "paths": {
            "/api/v1/session": {
                "post": {"summary": "登录", "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/LoginRequest"}}}},
                          "responses": {"200": ok(json!({"$ref": "#/components/schemas/Session"})), "401": err, "429": err}},
                "delete": {"summary": "退出", "responses": {"204": {"description": "已退出"}, "401": err}}
            },
            "/api/v1/agencies": {"get": {"summary": "可见的执法主体", "responses": {"200": ok(json!({"type": "array", "items": {"$ref": "#/components/schemas/Agency"}})), "401": err}}},
            "/api/v1/agencies/{id}": {"get": {"summary": "执法主体", "parameters": [id_param("id")], "responses": {"200": ok(json!({"$ref": "#/components/schemas/Agency"})), "403": err, "404": err}}},
            "/api/v1/agencies/{id}/officers": {
                "get": {"summary": "人员及执法证", "parameters": [id_param("id")], "responses": {"200": ok(json!({"type": "array", "items": {"$ref": "#/components/schemas/Officer"}})), "403": err}},
                "post": {"summary": "新增人员（可同时发放执法证）", "parameters": [id_param("id")],
                          "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/OfficerRequest"}}}},
                          "responses": {"201": ok(json!({"$ref": "#/components/schemas/Officer"})), "403": err, "409": err, "422": err}}
            },
            "/api/v1/officers/{id}": {"get": {"summary": "人员", "parameters": [id_param("id")], "responses": {"200": ok(json!({"$ref": "#/components/schemas/Officer"})), "403": err, "404": err}}},
            "/api/v1/certificates/{number}": {"get": {"summary": "执法证", "parameters": [id_param("number")], "responses": {"200": ok(json!({"$ref": "#/components/schemas/Certificate"})), "403": err, "404": err}}},
            "/api/v1/calendar/{date}": {"get": {"summary": "是否工作日", "parameters": [id_param("date")], "responses": {"200": ok(json!({"type": "object", "properties": {"date": {"type": "string", "format": "date"}, "working_day": {"type": "boolean"}}})), "422": err}}},
            "/api/v1/profiles": {"get": {"summary": "策略配置（全部版本）", "responses": {"200": ok(json!({"type": "array", "items": {"type": "object"}}))}}},
            "/healthz": {"get": {"summary": "健康检查", "responses": {"200": ok(json!({"type": "object"})), "503": {"description": "数据库不可用"}}}}
        },
        "components": {
            "responses": {"Error": {"description": "错误", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}},
            "schemas": {
                "Error": {"type": "object", "required": ["code", "message"], "properties": {
                    "code": {"type": "string", "enum": ["invalid", "forbidden", "not_found", "conflict", "internal", "unauthorized", "bad_credentials", "throttled", "csrf"]},
                    "message": {"type": "string"}, "field": {"type": ["string", "null"]},
                    "errors": {"type": "array", "items": {"type": "object", "properties": {"field": {"type": "string"}, "message": {"type": "string"}}}}}},
                "LoginRequest": {"type": "object", "required": ["username", "password"], "properties": {"username": {"type": "string"}, "password": {"type": "string"}}},
                "Session": {"type": "object", "properties": {"csrf_token": {"type": "string"}, "username": {"type": "string"}, "display_name": {"type": "string"}, "role": {"type": "string"}, "agency_id": {"type": ["string", "null"]}}},
                "Agency": {"type": "object", "properties": {"id": {"type": "string"}, "name": {"type": "string"}, "short_name": {"type": "string"}, "duties": {"type": "string"}, "jurisdiction": {"type": "string"}, "legal_representative": {"type": "string"}, "address": {"type": "string"}, "is_judicial_bureau": {"type": "boolean"}, "profile_id": {"type": "string"}}},
                "Certificate": {"type": "object", "properties": {"number": {"type": "string"}, "category": {"type": "string"}, "scope": {"type": "string"}, "issued_on": {"type": "string", "format": "date"}, "expires_on": {"type": "string", "format": "date"}, "revoked_on": {"type": ["string", "null"], "format": "date"}, "status": {"type": "string", "enum": ["valid", "expired", "revoked", "not_yet_valid"]}}},
                "Officer": {"type": "object", "properties": {"id": {"type": "string"}, "agency_id": {"type": "string"}, "unit": {"type": "string"}, "name": {"type": "string"}, "citizen_id": {"type": "string", "description": "无个人隐私查看权限的角色只能看到遮蔽后的号码"}, "kind": {"type": "string", "enum": ["officer", "auxiliary", "legal_reviewer"]}, "position": {"type": "string"}, "left_on": {"type": ["string", "null"], "format": "date"}, "certificates": {"type": "array", "items": {"$ref": "#/components/schemas/Certificate"}}}},
                "OfficerRequest": {"type": "object", "required": ["unit_id", "name", "citizen_id", "kind"], "properties": {"unit_id": {"type": "string"}, "name": {"type": "string"}, "citizen_id": {"type": "string"}, "kind": {"type": "string"}, "position": {"type": "string"}, "phone": {"type": "string"},
                    "certificate": {"type": "object", "required": ["number", "category", "scope", "issued_on", "expires_on"], "properties": {"number": {"type": "string"}, "category": {"type": "string"}, "scope": {"type": "string"}, "issued_on": {"type": "string", "format": "date"}, "expires_on": {"type": "string", "format": "date"}}}}}
            }
        }
    });
    crate::api_uploads::describe(&mut doc);
    crate::api_ledger::describe(&mut doc);
    crate::api_benchmarks::describe(&mut doc);
    crate::api_review::describe(&mut doc);
    crate::api_open::describe(&mut doc);
    crate::api_exchange::describe(&mut doc);
    crate::api_exchange::describe_webhooks(&mut doc);
    Json(doc)
}
