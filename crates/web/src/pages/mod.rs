//! The pages of the internal application, one module per part of the URL tree.

pub mod agencies;
pub mod home;
pub mod officers;
pub mod settings;

use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use zhifa_app::AppError;
use zhifa_core::Rejection;

use crate::error::PageError;
use crate::forms::{FormPage, Nav, render_form};
use crate::session::CurrentUser;

/// After a service call from a form: redirect on success, the form with its errors on a
/// rejection, an error page otherwise.
pub fn after_submit<T>(
    user: &CurrentUser,
    result: Result<T, AppError>,
    form: FormPage,
    values: &[(String, String)],
    next: impl FnOnce(T) -> String,
) -> Response {
    let nav = Nav::for_user(user);
    match result {
        Ok(v) => Redirect::to(&next(v)).into_response(),
        Err(AppError::Rejected(r)) => render_form(&nav, &form.fill(values).with_errors(&r)),
        Err(e) => PageError(e, nav).into_response(),
    }
}

/// Parses a date field; records a Chinese error when it is not a date.
pub fn date_field(r: &mut Rejection, field: &str, label: &str, v: &str) -> Option<NaiveDate> {
    let v = v.trim();
    if v.is_empty() {
        r.add(field, format!("请填写{label}"));
        return None;
    }
    match NaiveDate::parse_from_str(v, "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            r.add(field, format!("{label}“{v}”不是有效日期，请按 年-月-日 填写，例如 2025-03-01"));
            None
        }
    }
}

/// A page error with the user's navigation.
pub fn page_error(user: &CurrentUser, e: AppError) -> Response {
    PageError(e, Nav::for_user(user)).into_response()
}
