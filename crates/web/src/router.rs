//! Every route of the server, in one place.

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware;
use axum::routing::{get, post};

use crate::pages::{agencies, cases, evidence, files, home, officers, records, settings};
use crate::{AppState, api, api_uploads, session};

pub fn router(state: AppState) -> Router {
    let upload_limit = state.config.max_upload_bytes;
    // An evidence upload's body streams into the store: its declared size caps it, not a
    // body limit.
    let upload = get(api_uploads::status)
        .patch(api_uploads::append)
        .delete(api_uploads::abort)
        .layer(DefaultBodyLimit::disable());
    Router::new()
        .route("/", get(home::home))
        .route("/login", get(session::login_page).post(session::login_submit))
        .route("/logout", post(session::logout))
        .route("/agencies", get(agencies::list).post(agencies::create))
        .route("/agencies/new", get(agencies::new_form))
        .route("/agencies/{id}", get(agencies::show))
        .route("/agencies/{id}/edit", get(agencies::edit_page).post(agencies::edit_submit))
        .route("/agencies/{id}/units/new", get(agencies::unit_new))
        .route("/agencies/{id}/units", post(agencies::unit_create))
        .route("/agencies/{id}/officers/new", get(officers::new_form))
        .route("/agencies/{id}/officers", post(officers::create))
        .route("/agencies/{id}/items/new", get(agencies::item_new))
        .route("/agencies/{id}/items", post(agencies::item_create))
        .route("/agencies/{id}/basis/new", get(agencies::basis_new))
        .route("/agencies/{id}/basis", post(agencies::basis_create))
        .route("/agencies/{id}/import", get(agencies::import_page).post(agencies::import_submit))
        .route("/officers/{id}", get(officers::show))
        .route("/officers/{id}/certificates/new", get(officers::issue_new))
        .route("/officers/{id}/certificates", post(officers::issue_create))
        .route("/officers/{id}/certificates/{number}/revoke", get(officers::revoke_new).post(officers::revoke_create))
        .route("/officers/{id}/leave", get(officers::leave_new).post(officers::leave_create))
        .route("/cases", get(cases::list).post(cases::create))
        .route("/cases/new", get(cases::new_form))
        .route("/cases/{id}", get(cases::show))
        .route("/cases/{id}/records/new", get(records::new_form))
        .route("/cases/{id}/records", post(records::create))
        .route("/cases/{id}/records/{rid}", get(records::show))
        .route("/cases/{id}/records/{rid}/approve", get(records::approve_page).post(records::approve))
        .route("/cases/{id}/records/{rid}/correct", get(records::correct_page).post(records::correct))
        .route("/cases/{id}/stages/{stage}", post(cases::complete_stage))
        .route("/cases/{id}/archive", post(cases::archive))
        .route("/cases/{id}/major", get(cases::major_new).post(cases::major_create))
        .route("/cases/{id}/access", get(cases::access_log))
        .route("/cases/{id}/copies/new", get(cases::copy_new))
        .route("/cases/{id}/copies", post(cases::copy_create))
        .route("/cases/{id}/copies/{req}", get(cases::copy_decide_page).post(cases::copy_decide))
        .route("/cases/{id}/evidence/new", get(evidence::new_form))
        .route("/files/{sha256}", get(files::file))
        .route("/files/{sha256}/thumbnail", get(files::thumbnail))
        .route("/static/upload.js", get(evidence::upload_js))
        .route("/profiles", get(settings::profiles).post(settings::profile_create))
        .route("/profiles/new", get(settings::profile_new))
        .route("/profiles/{id}", get(settings::profile))
        .route("/calendars", get(settings::calendars).post(settings::calendar_create))
        .route("/calendars/load", get(settings::calendar_new))
        .route("/accounts", get(settings::accounts).post(settings::account_create))
        .route("/accounts/new", get(settings::account_new))
        .route("/api/v1/session", post(api::login).delete(api::logout))
        .route("/api/v1/agencies", get(api::agencies))
        .route("/api/v1/agencies/{id}", get(api::agency))
        .route("/api/v1/agencies/{id}/officers", get(api::officers).post(api::create_officer))
        .route("/api/v1/officers/{id}", get(api::officer))
        .route("/api/v1/certificates/{number}", get(api::certificate))
        .route("/api/v1/calendar/{date}", get(api::workday))
        .route("/api/v1/profiles", get(api::profiles))
        .route("/api/v1/cases/{id}/uploads", post(api_uploads::create))
        .route("/api/v1/uploads/{upload}", upload)
        .route("/api/openapi.json", get(api::openapi))
        .route("/healthz", get(api::health))
        .fallback(agencies::not_found)
        .method_not_allowed_fallback(agencies::use_the_form)
        .layer(middleware::from_fn_with_state(state.clone(), session::csrf_guard))
        .layer(DefaultBodyLimit::max(upload_limit))
        .with_state(state)
}
