//! How errors become responses.
//!
//! Policy: a refused command (validation) → 422 with every field's Chinese message;
//! refused access → 403; missing → 404; stale write → 409; anything else is logged with
//! its cause and answered as a bare 500 that shows no internals. Pages answer in HTML, the
//! API in JSON `{code, message, field, errors}`.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use zhifa_app::AppError;

use crate::forms::{MessageTemplate, Nav, render};

fn status_of(e: &AppError) -> (StatusCode, &'static str) {
    match e {
        AppError::Rejected(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid"),
        AppError::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
        AppError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
        AppError::Conflict(_) => (StatusCode::CONFLICT, "conflict"),
        AppError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
    }
}

fn public_message(e: &AppError) -> String {
    match e {
        AppError::Internal(cause) => {
            tracing::error!(error = %cause, "internal error");
            "服务器内部错误，请稍后重试；如持续出现请联系管理员".into()
        }
        other => other.to_string(),
    }
}

/// An error of a page handler, rendered as an HTML page.
pub struct PageError(pub AppError, pub Nav);

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let (status, _) = status_of(&self.0);
        let message = public_message(&self.0);
        let rows = match &self.0 {
            AppError::Rejected(r) => r.errors.iter().map(|e| e.message.clone()).collect(),
            _ => vec![],
        };
        let title = match status {
            StatusCode::FORBIDDEN => "无权访问",
            StatusCode::NOT_FOUND => "未找到",
            _ => "操作未完成",
        };
        render(status, MessageTemplate { nav: &self.1, title, class: "alert", message: &message, rows, back: "/" })
    }
}

/// The JSON error body of the API.
#[derive(Debug, Serialize)]
pub struct ApiErrorBody {
    pub code: &'static str,
    pub message: String,
    pub field: Option<String>,
    pub errors: Vec<zhifa_core::FieldError>,
}

/// An error of an API handler.
pub struct ApiError(pub StatusCode, pub ApiErrorBody);

impl ApiError {
    pub fn unauthorized() -> Self {
        ApiError(
            StatusCode::UNAUTHORIZED,
            ApiErrorBody { code: "unauthorized", message: "请先登录".into(), field: None, errors: vec![] },
        )
    }

    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        let r = zhifa_core::Rejection::one(field, message);
        AppError::Rejected(r).into()
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        let (status, code) = status_of(&e);
        let errors = match &e {
            AppError::Rejected(r) => r.errors.clone(),
            _ => vec![],
        };
        let field = errors.first().map(|e| e.field.clone());
        ApiError(status, ApiErrorBody { code, message: public_message(&e), field, errors })
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.0, Json(self.1)).into_response()
    }
}
