//! The legal review in the JSON API (L-01…L-11): a case's review, submitting it, the
//! reviewer's conclusion, the review queue, and issuing the decision document — which the
//! gate (L-02) refuses with 422 while review is required and not approved.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;
use zhifa_app::cases::RecordInput;
use zhifa_app::review::{QueueItem, ReviewView, RoundView};
use zhifa_core::case::RecordKind;
use zhifa_core::case::review::clock::ReviewClock;
use zhifa_core::case::review::decide::{Conclude, Submission};
use zhifa_core::case::review::{ChecklistAnswer, ChecklistItem, Level, MaterialKind, MaterialSource, Opinion};

use crate::AppState;
use crate::error::ApiError;
use crate::pages::Parsed;
use crate::session::CurrentUser;

fn clock_json(c: &Result<ReviewClock, String>) -> Value {
    match c {
        Ok(c) => json!({
            "start": c.start, "allowed_working_days": c.allowed.0, "paused_working_days": c.paused_days,
            "paused": c.paused, "due": c.due, "remaining_working_days": c.remaining, "overdue": c.overdue(),
            "ended": c.ended, "text": c.describe()
        }),
        Err(e) => json!({"error": e}),
    }
}

fn round_json(rv: &RoundView) -> Value {
    let r = &rv.round;
    json!({
        "id": r.id, "level": r.level.as_str(), "urgent": r.urgent, "re_review": r.re_review,
        "submitted_at": r.submitted_at, "submitted_by": r.submitted_by.name,
        "materials": rv.materials.iter().map(|m| {
            let (source, text) = match &m.source {
                MaterialSource::Derived { summary, .. } => ("derived", summary.clone()),
                MaterialSource::Declared { text } => ("declared", text.clone()),
                MaterialSource::NotApplicable => ("not_applicable", String::new()),
                MaterialSource::Missing => ("missing", String::new()),
            };
            json!({"kind": m.kind.as_str(), "label": m.kind.label(), "source": source, "text": text})
        }).collect::<Vec<_>>(),
        "missing": rv.missing,
        "notice": r.notice.as_ref().map(|n| json!({"missing": n.missing, "by": n.by.name, "at": n.at})),
        "refused": r.refused.as_ref().map(|x| json!({"reasons": x.text, "by": x.by.name, "at": x.at})),
        "conclusion": r.conclusion.as_ref().map(|c| json!({
            "opinion": c.opinion.as_str(), "label": c.opinion.label(), "reasons": c.reasons, "by": c.by.name, "at": c.at,
            "checklist": c.checklist.iter().map(|a| json!({"item": a.item.as_str(), "question": a.item.question(), "answer": a.answer, "sound": a.sound(), "note": a.note})).collect::<Vec<_>>()
        })),
        "clock": clock_json(&rv.clock),
    })
}

fn review_json(v: &ReviewView) -> Value {
    json!({
        "case_id": v.case.id(),
        "required": v.requirement.required(),
        "major": v.requirement.is_major(),
        "grounds": v.requirement.grounds.iter().map(|g| json!({"text": g.text, "declared": g.declared})).collect::<Vec<_>>(),
        "all_decisions": v.requirement.all_decisions,
        "may_issue": v.standing.allows_issue(),
        "standing": v.standing.describe(),
        "rounds": v.rounds.iter().map(round_json).collect::<Vec<_>>(),
    })
}

/// GET /api/v1/cases/{id}/review
pub async fn show(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed(id): Parsed<Uuid>,
) -> Result<Json<Value>, ApiError> {
    let v = s.app.review_view(&user.principal, id).await?;
    Ok(Json(review_json(&v)))
}

#[derive(Debug, Deserialize)]
pub struct SubmissionRequest {
    #[serde(default)]
    level: Option<String>,
    #[serde(default)]
    urgent: bool,
    #[serde(default)]
    declared: BTreeMap<String, String>,
    #[serde(default)]
    note: String,
}

/// POST /api/v1/cases/{id}/review/submissions
pub async fn submit(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed(id): Parsed<Uuid>,
    Json(req): Json<SubmissionRequest>,
) -> Result<Response, ApiError> {
    let level = match req.level.as_deref() {
        None | Some("") => None,
        Some(l) => Some(Level::parse(l).ok_or_else(|| ApiError::invalid("level", "审核层级只能是 agency 或 bureau"))?),
    };
    let mut declared = BTreeMap::new();
    for (k, v) in req.declared {
        let kind =
            MaterialKind::parse(&k).ok_or_else(|| ApiError::invalid("declared", format!("没有“{k}”这一送审材料")))?;
        declared.insert(kind, v);
    }
    let cmd = Submission { level, urgent: req.urgent, declared, note: req.note };
    let round = s.app.submit_review(&user.principal, id, cmd).await?;
    Ok((StatusCode::CREATED, Json(json!({"round": round}))).into_response())
}

#[derive(Debug, Deserialize)]
pub struct AnswerRequest {
    item: String,
    answer: bool,
    #[serde(default)]
    note: String,
}

#[derive(Debug, Deserialize)]
pub struct ConclusionRequest {
    checklist: Vec<AnswerRequest>,
    opinion: String,
    #[serde(default)]
    reasons: String,
}

/// POST /api/v1/cases/{id}/review/rounds/{round}/conclusion
pub async fn conclude(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed((id, round)): Parsed<(Uuid, Uuid)>,
    Json(req): Json<ConclusionRequest>,
) -> Result<Json<Value>, ApiError> {
    let opinion = Opinion::parse(&req.opinion).ok_or_else(|| {
        let all: Vec<&str> = Opinion::ALL.iter().map(|o| o.as_str()).collect();
        ApiError::invalid("opinion", format!("审核意见应为：{}", all.join("、")))
    })?;
    let mut checklist = Vec::new();
    for a in req.checklist {
        let item = ChecklistItem::parse(&a.item)
            .ok_or_else(|| ApiError::invalid("checklist", format!("没有“{}”这一审核事项", a.item)))?;
        checklist.push(ChecklistAnswer { item, answer: a.answer, note: a.note });
    }
    s.app.conclude_review(&user.principal, id, Conclude { round, checklist, opinion, reasons: req.reasons }).await?;
    let v = s.app.review_view(&user.principal, id).await?;
    Ok(Json(review_json(&v)))
}

#[derive(Debug, Deserialize)]
pub struct DecisionRequest {
    fields: BTreeMap<String, String>,
}

/// POST /api/v1/cases/{id}/decision: issues the decision document, refused while
/// legal review is required and not approved (L-02).
pub async fn issue(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed(id): Parsed<Uuid>,
    Json(req): Json<DecisionRequest>,
) -> Result<Response, ApiError> {
    let mut input = RecordInput::new(RecordKind::DecisionDocument, &[]);
    input.fields = req.fields;
    let record = s.app.add_record(&user.principal, id, input).await?;
    Ok((StatusCode::CREATED, Json(json!({"record_id": record}))).into_response())
}

fn queue_json(i: &QueueItem) -> Value {
    json!({
        "case_id": i.case.id, "number": i.case.number, "party": i.case.party_name, "agency": i.agency_name,
        "level": i.level.as_str(), "round": i.round.id, "submitted_at": i.round.submitted_at, "task": i.task,
        "clock": clock_json(&i.clock)
    })
}

/// GET /api/v1/review/queue
pub async fn queue(State(s): State<AppState>, user: CurrentUser) -> Result<Json<Value>, ApiError> {
    let items = s.app.review_queue(&user.principal).await?;
    Ok(Json(Value::Array(items.iter().map(queue_json).collect())))
}

/// Adds the paths and schemas to the OpenAPI document.
pub fn describe(doc: &mut Value) {
    let err = json!({"$ref": "#/components/responses/Error"});
    let ok = |schema: Value| json!({"description": "成功", "content": {"application/json": {"schema": schema}}});
    let id = json!({"name": "id", "in": "path", "required": true, "schema": {"type": "string"}});
    let round = json!({"name": "round", "in": "path", "required": true, "schema": {"type": "string"}});
    let body = |schema: &str| json!({"required": true, "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}});
    let review = json!({"$ref": "#/components/schemas/Review"});
    doc["paths"]["/api/v1/cases/{id}/review"] = json!({"get": {
        "summary": "案件的法制审核（L-01…L-11）",
        "description": "是否须经法制审核及其情形、能否作出决定、每次送审的材料、期限和审核意见。",
        "parameters": [id], "responses": {"200": ok(review.clone()), "401": err, "403": err, "404": err}
    }});
    doc["paths"]["/api/v1/cases/{id}/review/submissions"] = json!({"post": {
        "summary": "提交法制审核（L-03；以县人民政府名义作出的决定报司法局审核，L-10）",
        "parameters": [id], "requestBody": body("ReviewSubmission"),
        "responses": {"201": ok(json!({"type": "object", "properties": {"round": {"type": "string"}}})), "401": err, "403": err, "404": err, "409": err, "422": err}
    }});
    doc["paths"]["/api/v1/cases/{id}/review/rounds/{round}/conclusion"] = json!({"post": {
        "summary": "出具法制审核意见（L-04 审核事项逐项回答，L-05 意见及理由）",
        "parameters": [id, round], "requestBody": body("ReviewConclusion"),
        "responses": {"200": ok(review), "401": err, "403": err, "404": err, "409": err, "422": err}
    }});
    doc["paths"]["/api/v1/cases/{id}/decision"] = json!({"post": {
        "summary": "作出决定（制作决定书，R-13）",
        "description": "须经法制审核而未审核同意的，返回422，说明依据（L-02）和应当如何办理。",
        "parameters": [id], "requestBody": body("DecisionDocument"),
        "responses": {"201": ok(json!({"type": "object", "properties": {"record_id": {"type": "string"}}})), "401": err, "403": err, "404": err, "409": err, "422": err}
    }});
    doc["paths"]["/api/v1/review/queue"] = json!({"get": {
        "summary": "法制审核待办（法制审核人员、负责人），含工作日倒计时（L-06）",
        "responses": {"200": ok(json!({"type": "array", "items": {"$ref": "#/components/schemas/ReviewQueueItem"}})), "401": err, "403": err}
    }});
    let clock = json!({"type": "object", "properties": {
        "start": {"type": "string", "format": "date"}, "allowed_working_days": {"type": "integer"},
        "paused_working_days": {"type": "integer"}, "paused": {"type": "boolean"},
        "due": {"type": ["string", "null"], "format": "date"}, "remaining_working_days": {"type": "integer"},
        "overdue": {"type": "boolean"}, "ended": {"type": ["string", "null"], "format": "date"}, "text": {"type": "string"}}});
    let schemas = &mut doc["components"]["schemas"];
    schemas["ReviewClock"] = clock;
    schemas["Review"] = json!({"type": "object", "properties": {
        "case_id": {"type": "string"}, "required": {"type": "boolean"}, "major": {"type": "boolean"},
        "grounds": {"type": "array", "items": {"type": "object", "properties": {"text": {"type": "string"}, "declared": {"type": "boolean"}}}},
        "all_decisions": {"type": "boolean"}, "may_issue": {"type": "boolean"}, "standing": {"type": "string"},
        "rounds": {"type": "array", "items": {"type": "object", "properties": {
            "id": {"type": "string"}, "level": {"type": "string", "enum": ["agency", "bureau"]}, "urgent": {"type": "boolean"},
            "re_review": {"type": ["string", "null"]}, "submitted_at": {"type": "string"}, "submitted_by": {"type": "string"},
            "materials": {"type": "array", "items": {"type": "object", "properties": {"kind": {"type": "string"}, "label": {"type": "string"}, "source": {"type": "string", "enum": ["derived", "declared", "not_applicable", "missing"]}, "text": {"type": "string"}}}},
            "missing": {"type": "array", "items": {"type": "string"}},
            "notice": {"type": ["object", "null"]}, "refused": {"type": ["object", "null"]}, "conclusion": {"type": ["object", "null"]},
            "clock": {"$ref": "#/components/schemas/ReviewClock"}}}}}});
    schemas["ReviewSubmission"] = json!({"type": "object", "properties": {
        "level": {"type": "string", "enum": ["agency", "bureau"], "description": "默认 agency（本机关法制机构）"},
        "urgent": {"type": "boolean"},
        "declared": {"type": "object", "additionalProperties": {"type": "string"}, "description": "案卷中没有的送审材料的说明，键为 investigation_report、subject_qualification、case_file、draft_decision、hearing_or_assessment、discretion_reasons"},
        "note": {"type": "string"}}});
    schemas["ReviewConclusion"] = json!({"type": "object", "required": ["checklist", "opinion", "reasons"], "properties": {
        "checklist": {"type": "array", "items": {"type": "object", "required": ["item", "answer"], "properties": {
            "item": {"type": "string", "enum": ChecklistItem::ALL.iter().map(|i| i.as_str()).collect::<Vec<_>>()},
            "answer": {"type": "boolean", "description": "对审核事项的回答（是/否）；transfer 问的是是否需要移送"},
            "note": {"type": "string", "description": "存在问题的须说明"}}}},
        "opinion": {"type": "string", "enum": Opinion::ALL.iter().map(|o| o.as_str()).collect::<Vec<_>>()},
        "reasons": {"type": "string"}}});
    schemas["DecisionDocument"] = json!({"type": "object", "required": ["fields"], "properties": {
        "fields": {"type": "object", "additionalProperties": {"type": "string"}, "description": "决定书各栏：party、facts、basis、discretion、conclusion、performance、remedies、agency、sealed（是/否）、decided_on，以及裁量基准各栏"}}});
    schemas["ReviewQueueItem"] = json!({"type": "object", "properties": {
        "case_id": {"type": "string"}, "number": {"type": "string"}, "party": {"type": "string"}, "agency": {"type": "string"},
        "level": {"type": "string"}, "round": {"type": "string"}, "submitted_at": {"type": "string"}, "task": {"type": "string"},
        "clock": {"$ref": "#/components/schemas/ReviewClock"}}});
}
