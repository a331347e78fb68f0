//! /cases/{id}/evidence/new: the page where an officer uploads AV material (photos, audio,
//! video) with its metadata. The upload itself is the JSON protocol of
//! `api_uploads`, driven by `/static/upload.js`: chunks with `Upload-Offset`, a progress
//! bar, and resumption after a network error or a reload.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use uuid::Uuid;
use zhifa_app::AppError;
use zhifa_core::Sensitivity;
use zhifa_core::access::{AccessError, Role};
use zhifa_core::case::requirements::av_requirement;

use crate::AppState;
use crate::api_uploads::CHUNK_SIZE;
use crate::forms::{Nav, render};
use crate::pages::{Parsed, page_error};
use crate::session::CurrentUser;

/// The uploader, served from the binary.
const UPLOAD_JS: &str = include_str!("../../static/upload.js");

#[derive(serde::Deserialize, Default)]
pub struct EvidenceQuery {
    #[serde(default)]
    record: String,
}

/// A `<select>` option: value, label, selected.
struct Choice {
    value: String,
    label: String,
    selected: bool,
}

#[derive(Template)]
#[template(path = "evidence.html")]
struct EvidenceTemplate {
    nav: Nav,
    case_id: Uuid,
    number: String,
    party: String,
    records: Vec<Choice>,
    officers: Vec<String>,
    sensitivities: Vec<Choice>,
    max_mib: u64,
    chunk: u64,
}

fn sensitivity_choices() -> Vec<Choice> {
    [
        Sensitivity::Internal,
        Sensitivity::PersonalPrivacy,
        Sensitivity::CommercialSecret,
        Sensitivity::StateSecret,
        Sensitivity::Public,
    ]
    .into_iter()
    .map(|s| Choice {
        value: serde_json::to_value(s).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default(),
        label: s.label().to_string(),
        selected: s == Sensitivity::default(),
    })
    .collect()
}

/// GET /cases/{id}/evidence/new[?record=…]
pub async fn new_form(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed(id): Parsed<Uuid>,
    Query(q): Query<EvidenceQuery>,
) -> Response {
    let Some(files) = s.app.files.as_ref() else {
        return page_error(&user, AppError::NotFound("证据文件存储"));
    };
    let view = match s.app.case_after_write(&user.principal, id).await {
        Ok(v) => v,
        Err(e) => return page_error(&user, e),
    };
    let c = &view.case;
    let p = &user.principal;
    if p.agency_id != Some(c.opening.agency_id) || !matches!(p.role, Role::Officer | Role::Head) {
        return page_error(&user, AccessError::Role(p.role.label()).into());
    }
    let av_list = view.agency.av_requirements();
    let mut records =
        vec![Choice { value: String::new(), label: "（不关联具体笔录）".into(), selected: false }];
    records.extend(c.records.iter().map(|r| {
        let mut label = r.record.kind.label().to_string();
        for key in ["place", "started_at"] {
            let v = r.field(key);
            if !v.is_empty() {
                label.push_str(&format!("　{v}"));
            }
        }
        if let Some(req) = av_requirement(r.record.kind, &av_list) {
            label.push_str(&format!("（须{}）", req.label()));
        }
        let value = r.record.id.to_string();
        Choice { selected: value == q.record.trim(), value, label }
    }));
    if !records.iter().any(|r| r.selected) {
        records[0].selected = true;
    }
    let page = EvidenceTemplate {
        nav: Nav::for_user(&user),
        case_id: id,
        number: c.opening.number.clone(),
        party: c.opening.party.name.clone(),
        records,
        officers: c.officers.iter().map(|o| o.name.clone()).collect(),
        sensitivities: sensitivity_choices(),
        max_mib: files.max_bytes() >> 20,
        chunk: CHUNK_SIZE,
    };
    render(StatusCode::OK, page)
}

/// GET /static/upload.js
pub async fn upload_js() -> Response {
    ([(CONTENT_TYPE, "text/javascript; charset=utf-8"), (CACHE_CONTROL, "public, max-age=3600")], UPLOAD_JS)
        .into_response()
}
