//! The pages of the internal application, one module per part of the URL tree.

pub mod agencies;
pub mod benchmarks;
pub mod cases;
pub mod documents;
pub mod evaluation_forms;
pub mod evaluations;
pub mod evidence;
pub mod feedback;
pub mod files;
pub mod home;
pub mod inspection;
pub mod inspection_plans;
pub mod inspection_tasks;
pub mod lists;
pub mod officers;
pub mod portal;
pub mod portal_disclosure;
pub mod portal_feedback;
pub mod portal_inspection;
pub mod portal_search;
pub mod predisclosure;
pub mod publications;
pub mod records;
pub mod review;
pub mod review_forms;
pub mod settings;
pub mod supervision;
pub mod transfers;
pub mod verify;

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

/// A path parameter that failed to parse (a mistyped id in the address) answers with the
/// Chinese 404 page, or a JSON error under `/api`, instead of axum's plain-text 400.
pub struct Parsed<T>(pub T);

impl<T, S> axum::extract::FromRequestParts<S> for Parsed<T>
where
    T: serde::de::DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &S) -> Result<Self, Response> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(Parsed(v)),
            Err(_) if parts.uri.path().starts_with("/api/") => {
                Err(crate::error::ApiError::from(AppError::NotFound("所请求的资源")).into_response())
            }
            Err(_) => Err(crate::pages::agencies::not_found().await),
        }
    }
}

/// Shows a form about an agency to those who may administer it, else the refusal page.
pub fn admin_form(user: &CurrentUser, agency: uuid::Uuid, form: &FormPage) -> Response {
    match user.principal.can_administer_agency(agency) {
        Ok(()) => render_form(&Nav::for_user(user), form),
        Err(e) => page_error(user, e.into()),
    }
}

/// The people chosen in a checkbox list (officers, auxiliaries); an id that does not parse
/// is recorded against the field.
pub fn person_ids(v: &[(String, String)], name: &str, r: &mut Rejection) -> Vec<uuid::Uuid> {
    crate::forms::values(v, name)
        .into_iter()
        .filter_map(|x| match x.parse() {
            Ok(id) => Some(id),
            Err(_) => {
                r.add(name, "所选人员无效");
                None
            }
        })
        .collect()
}

/// A page error with the user's navigation.
pub fn page_error(user: &CurrentUser, e: AppError) -> Response {
    PageError(e, Nav::for_user(user)).into_response()
}
