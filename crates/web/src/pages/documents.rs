//! Official documents: `/cases/{id}/records/{rid}/pdf` (the record's PDF — as issued, or a
//! draft), `/cases/{id}/records/{rid}/issue` (issue it: number, PDF, hash in the ledger) and
//! the public authenticity page `/d/{id}` the QR code on the paper leads to, which shows the
//! document's SHA-256 and the ledger inclusion proof of the event that issued it — and
//! nothing of its content beyond what the paper's header prints.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use uuid::Uuid;
use zhifa_app::AppError;
use zhifa_app::documents::Authenticity;

use crate::AppState;
use crate::forms::{MessageTemplate, Nav, render};
use crate::pages::cases::back_to_case;
use crate::pages::{Parsed, page_error};
use crate::session::CurrentUser;

/// GET /cases/{id}/records/{rid}/pdf
pub async fn pdf(State(s): State<AppState>, user: CurrentUser, Parsed((id, rid)): Parsed<(Uuid, Uuid)>) -> Response {
    match s.app.record_pdf(&user.principal, id, rid).await {
        Ok(p) => {
            let mut resp = (StatusCode::OK, p.bytes).into_response();
            let h = resp.headers_mut();
            h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/pdf"));
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
            let encoded: String = form_urlencoded::byte_serialize(p.file_name.as_bytes()).collect();
            if let Ok(v) =
                HeaderValue::from_str(&format!("inline; filename=\"document.pdf\"; filename*=UTF-8''{encoded}"))
            {
                h.insert(header::CONTENT_DISPOSITION, v);
            }
            resp
        }
        Err(e) => page_error(&user, e),
    }
}

/// POST /cases/{id}/records/{rid}/issue
pub async fn issue(State(s): State<AppState>, user: CurrentUser, Parsed((id, rid)): Parsed<(Uuid, Uuid)>) -> Response {
    match s.app.issue_document(&user.principal, id, rid).await {
        Ok(d) => {
            let number =
                if d.printed_number.is_empty() { String::new() } else { format!("，文号{}", d.printed_number) };
            back_to_case(id, &format!("已出具{}{number}（SHA-256 {}…）", d.title, &d.sha256[..16]))
        }
        Err(AppError::Conflict(m)) => back_to_case(id, &m),
        Err(AppError::Rejected(r)) => {
            back_to_case(id, &r.errors.iter().map(|e| e.message.clone()).collect::<Vec<_>>().join("；"))
        }
        Err(e) => page_error(&user, e),
    }
}

#[derive(serde::Deserialize, Default)]
pub struct CheckQuery {
    /// A SHA-256 the visitor computed of the file in hand, to compare.
    #[serde(default)]
    sha256: String,
}

#[derive(Template)]
#[template(path = "document_verify.html")]
struct VerifyPage {
    nav: Nav,
    id: String,
    title: String,
    number: String,
    agency: String,
    issued_at: String,
    pages: i64,
    size: i64,
    sha256: String,
    superseded: String,
    ok: bool,
    message: String,
    position: i64,
    leaf: String,
    leaf_hash: String,
    proof: Vec<String>,
    checkpoint: String,
    size_of_tree: u64,
    verifier_key: String,
    asked: String,
    matches: bool,
}

fn page(a: &Authenticity, asked: &str) -> VerifyPage {
    let d = &a.document;
    let asked = asked.trim().to_ascii_lowercase();
    VerifyPage {
        nav: Nav::default(),
        id: d.id.to_string(),
        title: d.title.clone(),
        number: d.number.clone(),
        agency: a.agency.clone(),
        issued_at: d.issued_at.replacen('T', " ", 1),
        pages: d.pages,
        size: d.size,
        sha256: d.sha256.clone(),
        superseded: a
            .superseded_by
            .as_ref()
            .map(|n| {
                format!(
                    "本文书已于{}更正后重新出具，请以新文书（/d/{}）为准。",
                    n.issued_at.replacen('T', " ", 1),
                    n.id
                )
            })
            .unwrap_or_default(),
        ok: a.outcome.is_ok(),
        message: match &a.outcome {
            Ok(()) => "已验证：出具本文书的记录在账本中，且账本检查点的签名有效。".into(),
            Err(e) => e.clone(),
        },
        position: d.position,
        leaf: a.leaf.clone(),
        leaf_hash: a.leaf_hash.map(|h| h.to_base64()).unwrap_or_default(),
        proof: a.proof.iter().map(|h| h.to_base64()).collect(),
        checkpoint: a.checkpoint_note.clone(),
        size_of_tree: a.checkpoint.as_ref().map_or(0, |c| c.size),
        verifier_key: a.verifier_key.clone(),
        matches: !asked.is_empty() && asked == d.sha256,
        asked,
    }
}

/// GET /d/{id}: public, no login.
pub async fn verify(State(s): State<AppState>, Parsed(id): Parsed<Uuid>, Query(q): Query<CheckQuery>) -> Response {
    match s.app.document_authenticity(id).await {
        Ok(a) => render(StatusCode::OK, page(&a, &q.sha256)),
        Err(AppError::NotFound(_)) => render(
            StatusCode::NOT_FOUND,
            MessageTemplate {
                nav: &Nav::default(),
                title: "查无此文书",
                class: "alert",
                message: "查无此文书：本平台没有出具过这一编号的文书。请核对二维码或网址是否完整；\
                          扫码得到的网址与此不同、或纸面文书无法核验的，请向出具机关核实。",
                rows: vec![],
                back: "/",
            },
        ),
        Err(e) => {
            tracing::error!(error = %e, "document authenticity page failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "服务器内部错误，请稍后重试").into_response()
        }
    }
}
