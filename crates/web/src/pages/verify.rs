//! /cases/{id}/verify: "verify this record" (rules ). Each event of the case and
//! of its access log, its leaf hash recomputed from the stored row and its inclusion proof
//! checked against the signed checkpoint, shown as ✔/✘ with the proof in a collapsible
//! block; then the checkpoint, the verifier key, and what was checked, in Chinese. Opening
//! the page is a reading of the case and is logged like one.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use uuid::Uuid;
use zhifa_app::AppError;
use zhifa_app::ledger::{CaseVerification, EventCheck};

use crate::AppState;
use crate::forms::{Field, FormPage, Nav, render, render_form};
use crate::pages::cases::describe;
use crate::pages::{Parsed, page_error};
use crate::session::CurrentUser;

#[derive(serde::Deserialize, Default)]
pub struct VerifyQuery {
    #[serde(default)]
    purpose: String,
}

/// One row of the page.
struct Row {
    position: i64,
    version: i64,
    what: String,
    when: String,
    leaf_hash: String,
    ok: bool,
    message: String,
    proof: Vec<String>,
}

impl Row {
    fn new(c: &EventCheck) -> Row {
        let e = &c.event;
        Row {
            position: e.position,
            version: e.version,
            what: describe(e, None).0,
            when: (e.recorded_at + chrono::TimeDelta::hours(8)).format("%Y-%m-%d %H:%M:%S").to_string(),
            leaf_hash: c.leaf_hash.map(|h| h.to_base64()).unwrap_or_else(|| "—".into()),
            ok: c.verified(),
            message: match &c.outcome {
                Ok(()) => "已验证".into(),
                Err(e) => e.clone(),
            },
            proof: c.proof.iter().map(|h| h.to_base64()).collect(),
        }
    }
}

#[derive(Template)]
#[template(path = "verify.html")]
struct VerifyTemplate {
    nav: Nav,
    id: Uuid,
    number: String,
    all_ok: bool,
    failed: usize,
    total: usize,
    checkpoint: String,
    checkpoint_ok: bool,
    checkpoint_error: String,
    size: u64,
    root: String,
    verifier_key: String,
    sections: Vec<Section>,
}

/// A table of events: the case's, or its access log's.
struct Section {
    title: &'static str,
    id: &'static str,
    hint: &'static str,
    rows: Vec<Row>,
}

fn page(user: &CurrentUser, v: &CaseVerification) -> Response {
    let events: Vec<Row> = v.events.iter().map(Row::new).collect();
    let access: Vec<Row> = v.access.iter().map(Row::new).collect();
    let failed = events.iter().chain(&access).filter(|r| !r.ok).count();
    render(
        StatusCode::OK,
        VerifyTemplate {
            nav: Nav::for_user(user),
            id: v.case_id,
            number: v.case_number.clone(),
            all_ok: v.all_verified(),
            failed,
            total: events.len() + access.len(),
            checkpoint: v.checkpoint_note.clone(),
            checkpoint_ok: v.checkpoint.is_some(),
            checkpoint_error: v.checkpoint_error.clone().unwrap_or_default(),
            size: v.checkpoint.as_ref().map_or(0, |c| c.size),
            root: v.checkpoint.as_ref().map(|c| c.root.to_base64()).unwrap_or_default(),
            verifier_key: v.verifier_key.clone(),
            sections: vec![
                Section { title: "本案记录", id: "events", hint: "", rows: events },
                Section {
                    title: "调阅记录",
                    id: "access",
                    hint: "调阅本案（包括打开本页）也是记录，同样写入账本。",
                    rows: access,
                },
            ],
        },
    )
}

/// GET /cases/{id}/verify
pub async fn verify(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed(id): Parsed<Uuid>,
    Query(q): Query<VerifyQuery>,
) -> Response {
    match s.app.verify_case(&user.principal, id, &q.purpose).await {
        Ok(v) => page(&user, &v),
        Err(AppError::Rejected(r)) if r.message_for("purpose").is_some() => {
            let mut form = FormPage::new(
                "验证本案记录",
                &format!("/cases/{id}/verify"),
                vec![
                    Field::text("purpose", "调阅事由")
                        .required()
                        .hint("调阅记录将被记录（调阅人、时间、事由），供监督检查"),
                ],
            );
            form.submit = "调阅并验证".into();
            form.intro = "您不是本案承办人员。验证本案记录需要读取案卷，按照调阅监督制度，请先说明调阅事由。".into();
            form.method = "get";
            render_form(&Nav::for_user(&user), &form)
        }
        Err(e) => page_error(&user, e),
    }
}
