//! The evidence upload protocol under `/api/v1` (tus-like; rules R-08… ):
//!
//! - `POST /api/v1/cases/{id}/uploads` declares the file (name, media type, size) with its
//!   R-10 metadata; everything is checked before anything is stored (422 with field
//!   errors in Chinese), then the upload is created (201).
//! - `GET /api/v1/uploads/{upload}` tells the offset to resume from.
//! - `PATCH /api/v1/uploads/{upload}` with `Upload-Offset` streams the raw body straight
//!   into the store (never buffered whole; the declared size caps it); a wrong offset is a
//!   409 carrying the server's offset. The last byte stores the file and attaches it to the
//!   case; the answer names the AV item.
//! - `DELETE /api/v1/uploads/{upload}` gives the upload up.
//!
//! Only the account that created an upload may continue it; others get 404.

use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::header::LOCATION;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDateTime;
use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;
use zhifa_app::AppError;
use zhifa_app::cases::beijing_now;
use zhifa_app::evidence::{AvUpload, AvUploadState, EvidenceError, UploadProgress};
use zhifa_blob::{BlobError, Sha256, UploadId};
use zhifa_core::Rejection;
use zhifa_core::access::Sensitivity;
use zhifa_core::case::{AvMetadata, Interruption};

use crate::AppState;
use crate::error::{ApiError, ApiErrorBody};
use crate::pages::Parsed;
use crate::session::CurrentUser;

/// The header carrying an append's starting offset, and the server's offset in answers.
pub const UPLOAD_OFFSET: &str = "upload-offset";
/// The chunk size clients are told to send (they may send any size).
pub const CHUNK_SIZE: u64 = 8 << 20;

/// `POST /api/v1/cases/{id}/uploads`: the declaration. Every field defaults, so a missing
/// one is a Chinese field error rather than a parse failure.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct UploadRequest {
    file_name: String,
    media_type: String,
    total_size: Option<u64>,
    sha256: Option<String>,
    record_id: Option<String>,
    captured_at: String,
    place: String,
    captured_by: String,
    production_method: String,
    maker: String,
    proves: String,
    transcript: String,
    interruptions: Vec<InterruptionRequest>,
    interruption_explanation: String,
    remote_return_at: Option<String>,
    sensitivity: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct InterruptionRequest {
    from: String,
    resumed_at: Option<String>,
    reason: String,
}

/// Parses `2026-03-01T09:30`, with seconds or a space as well (what `datetime-local` and
/// people send).
fn parse_time(r: &mut Rejection, field: &str, label: &str, v: &str) -> Option<NaiveDateTime> {
    let v = v.trim();
    if v.is_empty() {
        r.add(field, format!("请填写{label}"));
        return None;
    }
    let t = v.replacen(' ', "T", 1);
    for f in ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(&t, f) {
            return Some(t);
        }
    }
    r.add(field, format!("{label}“{v}”格式应为 年-月-日 时:分，例如 2026-03-01 09:30"));
    None
}

fn optional_time(r: &mut Rejection, field: &str, label: &str, v: Option<&str>) -> Option<NaiveDateTime> {
    v.filter(|v| !v.trim().is_empty()).and_then(|v| parse_time(r, field, label, v))
}

impl UploadRequest {
    /// The upload as the app takes it, and the problems found parsing it (times, ids,
    /// hashes). Unparsable values are replaced by harmless ones so that the remaining
    /// checks still run and every problem is reported at once.
    fn parse(self) -> (AvUpload, Rejection) {
        let mut r = Rejection::new();
        let captured_at = parse_time(&mut r, "captured_at", "采集时间", &self.captured_at);
        let interruptions = self
            .interruptions
            .into_iter()
            .enumerate()
            .map(|(i, g)| Interruption {
                from: parse_time(&mut r, &format!("interruptions.{i}.from"), "中断时间", &g.from)
                    .unwrap_or_else(beijing_now),
                resumed_at: optional_time(
                    &mut r,
                    &format!("interruptions.{i}.resumed_at"),
                    "恢复时间",
                    g.resumed_at.as_deref(),
                ),
                reason: g.reason,
            })
            .collect();
        let remote_return_at = optional_time(&mut r, "remote_return_at", "返回时间", self.remote_return_at.as_deref());
        let record_id = match self.record_id.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(id) => id.parse::<Uuid>().map_err(|_| r.add("record_id", "所记录的执法行为（笔录）无效")).ok(),
        };
        let sensitivity = match self.sensitivity.as_deref().map(str::trim) {
            None | Some("") => Sensitivity::default(),
            Some(s) => serde_json::from_value(Value::String(s.to_owned()))
                .map_err(|_| r.add("sensitivity", format!("密级标记“{s}”无效")))
                .unwrap_or_default(),
        };
        let sha256 = match self.sha256.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(h) => h.parse::<Sha256>().map_err(|e| r.add("sha256", e.to_string())).ok(),
        };
        if self.total_size.is_none() {
            r.add("total_size", "请提供文件大小（字节）");
        }
        let meta = AvMetadata {
            record_id,
            captured_at: captured_at.unwrap_or_else(beijing_now),
            place: self.place,
            captured_by: self.captured_by,
            production_method: self.production_method,
            maker: self.maker,
            proves: self.proves,
            transcript: self.transcript,
            interruptions,
            interruption_explanation: self.interruption_explanation,
            remote_return_at,
            sensitivity,
        };
        let upload = AvUpload {
            file_name: self.file_name,
            media_type: self.media_type,
            total_size: self.total_size.unwrap_or(1),
            sha256,
            meta,
        };
        (upload, r)
    }
}

fn state_json(s: &AvUploadState) -> Value {
    json!({
        "id": s.id.to_string(),
        "url": format!("/api/v1/uploads/{}", s.id),
        "file_name": s.file_name,
        "media_type": s.media_type.mime(),
        "total_size": s.total_size,
        "offset": s.received,
        "complete": s.complete,
        "chunk_size": CHUNK_SIZE,
    })
}

fn with_offset(mut resp: Response, offset: u64) -> Response {
    resp.headers_mut().insert(UPLOAD_OFFSET, HeaderValue::from(offset));
    resp.headers_mut().insert(axum::http::header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

fn plain(status: StatusCode, code: &'static str, message: String) -> Response {
    ApiError(status, ApiErrorBody { code, message, field: None, errors: vec![] }).into_response()
}

/// An error of this protocol as a response: the app's errors by the common policy, the
/// file store's by what the client can do about them.
fn failure(e: EvidenceError) -> Response {
    let b = match e {
        EvidenceError::App(a) => return ApiError::from(a).into_response(),
        EvidenceError::File(b) => b,
    };
    if let Some(offset) = b.resume_offset() {
        let message = b.to_string();
        let body = json!({
            "code": "conflict", "message": message, "field": "Upload-Offset",
            "errors": [{"field": "Upload-Offset", "message": message}], "offset": offset,
        });
        return with_offset((StatusCode::CONFLICT, Json(body)).into_response(), offset);
    }
    if b.is_internal() {
        tracing::error!(error = ?b, "evidence file store failed");
        return plain(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "服务器内部错误，请稍后重试；如持续出现请联系管理员".into(),
        );
    }
    let field = match &b {
        BlobError::UploadNotFound | BlobError::InvalidUploadId { .. } | BlobError::BlobNotFound { .. } => {
            return plain(StatusCode::NOT_FOUND, "not_found", b.to_string());
        }
        BlobError::UploadBusy => {
            return ApiError::from(AppError::Conflict(b.to_string())).into_response();
        }
        BlobError::TooLarge { .. } | BlobError::EmptyFile => "total_size",
        BlobError::InvalidFileName { .. } => "file_name",
        BlobError::MediaTypeNotAllowed { .. } => "media_type",
        BlobError::ChecksumMismatch { .. } | BlobError::InvalidSha256 { .. } => "sha256",
        _ => "file",
    };
    ApiError::invalid(field, b.to_string()).into_response()
}

/// POST /api/v1/cases/{id}/uploads
pub async fn create(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed(case_id): Parsed<Uuid>,
    body: axum::body::Bytes,
) -> Response {
    let req: UploadRequest = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => return ApiError::invalid("body", format!("请求内容不是有效的 JSON 声明：{e}")).into_response(),
    };
    let (upload, mut problems) = req.parse();
    if !problems.is_empty() {
        // Report the other problems too, still without storing anything.
        return match s.app.check_av_upload(&user.principal, case_id, &upload).await {
            Ok(more) => {
                problems.errors.extend(more.errors);
                ApiError::from(AppError::Rejected(problems)).into_response()
            }
            Err(e) => failure(e),
        };
    }
    match s.app.begin_av_upload(&user.principal, case_id, upload).await {
        Ok(state) => {
            let mut resp = (StatusCode::CREATED, Json(state_json(&state))).into_response();
            if let Ok(url) = HeaderValue::from_str(&format!("/api/v1/uploads/{}", state.id)) {
                resp.headers_mut().insert(LOCATION, url);
            }
            with_offset(resp, 0)
        }
        Err(e) => failure(e),
    }
}

fn upload_id(raw: &str) -> Result<UploadId, EvidenceError> {
    raw.parse().map_err(EvidenceError::File)
}

/// GET /api/v1/uploads/{upload}
pub async fn status(State(s): State<AppState>, user: CurrentUser, Parsed(raw): Parsed<String>) -> Response {
    let id = match upload_id(&raw) {
        Ok(id) => id,
        Err(e) => return failure(e),
    };
    match s.app.av_upload_status(&user.principal, &id).await {
        Ok(state) => with_offset(Json(state_json(&state)).into_response(), state.received),
        Err(e) => failure(e),
    }
}

/// PATCH /api/v1/uploads/{upload}: the body goes straight into the store.
pub async fn append(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed(raw): Parsed<String>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let id = match upload_id(&raw) {
        Ok(id) => id,
        Err(e) => return failure(e),
    };
    let Some(offset) = headers.get(UPLOAD_OFFSET).and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse().ok())
    else {
        return ApiError::invalid("Upload-Offset", "请在 Upload-Offset 请求头中给出本段数据的起始位置（字节数）")
            .into_response();
    };
    match s.app.append_av_upload(&user.principal, &id, offset, body.into_data_stream()).await {
        Ok(UploadProgress::InProgress { received, total_size }) => with_offset(
            Json(json!({"id": id.to_string(), "offset": received, "total_size": total_size, "complete": false}))
                .into_response(),
            received,
        ),
        Ok(UploadProgress::Attached { case_id, av_id, total_size }) => with_offset(
            Json(json!({
                "id": id.to_string(), "offset": total_size, "total_size": total_size, "complete": true,
                "case_id": case_id, "av_id": av_id, "case_url": format!("/cases/{case_id}"),
            }))
            .into_response(),
            total_size,
        ),
        Err(e) => failure(e),
    }
}

/// DELETE /api/v1/uploads/{upload}
pub async fn abort(State(s): State<AppState>, user: CurrentUser, Parsed(raw): Parsed<String>) -> Response {
    let id = match upload_id(&raw) {
        Ok(id) => id,
        Err(e) => return failure(e),
    };
    match s.app.abort_av_upload(&user.principal, &id).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => failure(e),
    }
}

/// Adds the protocol to the OpenAPI description.
pub fn describe(doc: &mut Value) {
    let err = json!({"$ref": "#/components/responses/Error"});
    let upload = json!({"description": "上传状态", "headers": {"Upload-Offset": {"description": "服务器已收到的字节数", "schema": {"type": "integer"}}},
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Upload"}}}});
    let upload_param =
        json!({"name": "upload", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}});
    let offset_conflict = json!({"description": "续传位置不符：offset 为服务器已收到的字节数，请从该处继续",
                                 "headers": {"Upload-Offset": {"schema": {"type": "integer"}}},
                                 "content": {"application/json": {"schema": {"allOf": [{"$ref": "#/components/schemas/Error"},
                                     {"type": "object", "properties": {"offset": {"type": "integer"}}}]}}}});
    doc["paths"]["/api/v1/cases/{id}/uploads"] = json!({
        "post": {"summary": "开始上传音像记录：先校验 R-10 元数据、文件类型与大小和办案权限，通过后才创建上传",
                 "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}, "description": "案件"}],
                 "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/UploadRequest"}}}},
                 "responses": {"201": upload.clone(), "401": err, "403": err, "404": err, "422": err}}
    });
    doc["paths"]["/api/v1/uploads/{upload}"] = json!({
        "get": {"summary": "上传进度（断点续传的位置）", "parameters": [upload_param],
                "responses": {"200": upload, "401": err, "404": err}},
        "patch": {"summary": "从 Upload-Offset 处追加文件内容（原始字节流）；收到最后一个字节后存储文件并附入案件，返回音像记录编号",
                  "parameters": [upload_param, {"name": "Upload-Offset", "in": "header", "required": true, "schema": {"type": "integer", "minimum": 0}}],
                  "requestBody": {"required": true, "content": {"application/offset+octet-stream": {"schema": {"type": "string", "format": "binary"}}}},
                  "responses": {"200": {"description": "已接收", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AppendResult"}}}},
                                "401": err, "403": err, "404": err, "409": offset_conflict, "422": err}},
        "delete": {"summary": "放弃上传（删除已暂存的内容）", "parameters": [upload_param],
                   "responses": {"204": {"description": "已放弃"}, "401": err, "404": err, "409": err}}
    });
    let schemas = &mut doc["components"]["schemas"];
    schemas["UploadRequest"] = json!({"type": "object", "required": ["file_name", "media_type", "total_size", "captured_at", "place", "captured_by", "production_method", "maker", "proves"],
        "properties": {
            "file_name": {"type": "string"}, "media_type": {"type": "string", "description": "如 video/mp4、image/jpeg、audio/mpeg"},
            "total_size": {"type": "integer", "description": "文件大小（字节）"}, "sha256": {"type": "string", "description": "可选：客户端计算的 SHA-256，完成时核对"},
            "record_id": {"type": ["string", "null"], "description": "所记录的执法行为（笔录）"},
            "captured_at": {"type": "string", "description": "采集时间，北京时间 YYYY-MM-DDTHH:MM"}, "place": {"type": "string"}, "captured_by": {"type": "string"},
            "production_method": {"type": "string"}, "maker": {"type": "string"}, "proves": {"type": "string", "description": "证明对象"},
            "transcript": {"type": "string", "description": "录音的文字记录（录音必填）"},
            "interruptions": {"type": "array", "items": {"type": "object", "required": ["from", "reason"], "properties": {"from": {"type": "string"}, "resumed_at": {"type": ["string", "null"], "description": "无法恢复的留空"}, "reason": {"type": "string"}}}},
            "interruption_explanation": {"type": "string", "description": "中断无法恢复时的书面说明"},
            "remote_return_at": {"type": ["string", "null"], "description": "异地执法返回时间"},
            "sensitivity": {"type": "string", "enum": ["public", "internal", "personal_privacy", "commercial_secret", "state_secret"]}}});
    schemas["Upload"] = json!({"type": "object", "properties": {
        "id": {"type": "string"}, "url": {"type": "string"}, "file_name": {"type": "string"}, "media_type": {"type": "string"},
        "total_size": {"type": "integer"}, "offset": {"type": "integer", "description": "已收到的字节数：从此处续传"},
        "complete": {"type": "boolean", "description": "已全部收到；以空内容 PATCH 到末尾即返回音像记录"}, "chunk_size": {"type": "integer", "description": "建议的分段大小"}}});
    schemas["AppendResult"] = json!({"type": "object", "properties": {
        "id": {"type": "string"}, "offset": {"type": "integer"}, "total_size": {"type": "integer"}, "complete": {"type": "boolean"},
        "case_id": {"type": "string", "description": "完成时"}, "av_id": {"type": "string", "description": "完成时：音像记录编号"}, "case_url": {"type": "string"}}});
}
