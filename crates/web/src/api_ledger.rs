//! The ledger's proofs in the JSON API (rule X-01), for logged-in clients:
//!
//! - `GET /api/v1/ledger/inclusion/{position}[?size=]`: the inclusion proof of one event in
//!   the latest tree, or in the tree of a published checkpoint's size;
//! - `GET /api/v1/ledger/consistency?from=&to=`: the consistency proof between two
//!   published checkpoints (`to` defaults to the latest), with both checkpoints;
//! - `GET /api/v1/ledger/checkpoints[?from=]`: the sizes of published checkpoints.
//!
//! Hashes are standard base64, as in the checkpoint's root line. Proofs carry hashes only,
//! never an event's contents; the public tiles hold the same hashes. Every proof
//! comes with the signed checkpoint it leads to, so a client checks it offline with the
//! verifier key from `/ledger/key`.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};
use zhifa_app::AppError;
use zhifa_ledger::Hash;

use crate::AppState;
use crate::error::{ApiError, ApiErrorBody};
use crate::pages::Parsed;
use crate::session::CurrentUser;

fn not_found(field: &str, message: String) -> ApiError {
    ApiError(
        StatusCode::NOT_FOUND,
        ApiErrorBody { code: "not_found", message, field: Some(field.into()), errors: vec![] },
    )
}

fn internal(e: zhifa_store::StoreError) -> ApiError {
    AppError::Internal(e).into()
}

fn hashes(h: &[Hash]) -> Vec<String> {
    h.iter().map(Hash::to_base64).collect()
}

/// A positive integer parameter.
fn number(field: &str, label: &str, v: &str) -> Result<u64, ApiError> {
    v.trim().parse::<u64>().map_err(|_| ApiError::invalid(field, format!("{label}应为正整数，收到“{v}”")))
}

/// The latest signed checkpoint and its size.
async fn latest(s: &AppState) -> Result<(String, u64), ApiError> {
    let note = s.app.db.ledger_checkpoint().await.map_err(internal)?;
    let cp = s
        .app
        .db
        .ledger_key()
        .verifier()
        .open_checkpoint(note.as_bytes())
        .map_err(|e| internal(zhifa_store::StoreError::Ledger(e.to_string())))?;
    Ok((note, cp.size))
}

/// A published checkpoint of exactly `size`.
async fn published(s: &AppState, field: &str, size: u64) -> Result<String, ApiError> {
    s.app.db.checkpoint_at(size).await.map_err(internal)?.ok_or_else(|| {
        not_found(
            field,
            format!(
                "没有发布过大小为{size}的检查点；已发布的大小见 /api/v1/ledger/checkpoints，或不指定以使用最新检查点"
            ),
        )
    })
}

#[derive(Debug, Deserialize)]
pub struct InclusionQuery {
    size: Option<String>,
}

/// GET /api/v1/ledger/inclusion/{position}
pub async fn inclusion(
    State(s): State<AppState>,
    _user: CurrentUser,
    Parsed(position): Parsed<String>,
    Query(q): Query<InclusionQuery>,
) -> Result<Json<Value>, ApiError> {
    let position = number("position", "事件序号", &position)?;
    let (note, size) = match q.size.as_deref().filter(|v| !v.trim().is_empty()) {
        None => latest(&s).await?,
        Some(v) => {
            let size = number("size", "账本大小", v)?;
            (published(&s, "size", size).await?, size)
        }
    };
    if position == 0 || position > size {
        return Err(not_found("position", format!("第{position}号事件不在大小为{size}的账本中")));
    }
    let proof = s.app.db.inclusion_proof_in(position as i64, size).await.map_err(internal)?;
    Ok(Json(json!({
        "position": position,
        "leaf_index": position - 1,
        "tree_size": size,
        "leaf_hash": proof.leaf_hash.to_base64(),
        "proof": hashes(&proof.proof),
        "checkpoint": note,
    })))
}

#[derive(Debug, Deserialize)]
pub struct ConsistencyQuery {
    from: Option<String>,
    to: Option<String>,
}

/// GET /api/v1/ledger/consistency?from=&to=
pub async fn consistency(
    State(s): State<AppState>,
    _user: CurrentUser,
    Query(q): Query<ConsistencyQuery>,
) -> Result<Json<Value>, ApiError> {
    let from = match q.from.as_deref() {
        Some(v) => number("from", "起始大小", v)?,
        None => return Err(ApiError::invalid("from", "请用 from 指定起始检查点的大小")),
    };
    let (to_note, to) = match q.to.as_deref().filter(|v| !v.trim().is_empty()) {
        None => latest(&s).await?,
        Some(v) => {
            let to = number("to", "目标大小", v)?;
            (published(&s, "to", to).await?, to)
        }
    };
    if from == 0 || from > to {
        return Err(ApiError::invalid("from", format!("起始大小应在1到{to}之间，收到{from}")));
    }
    let from_note = published(&s, "from", from).await?;
    let proof = s.app.db.consistency_proof(from, to).await.map_err(internal)?;
    Ok(Json(json!({
        "from": from,
        "to": to,
        "proof": hashes(&proof),
        "from_checkpoint": from_note,
        "to_checkpoint": to_note,
    })))
}

#[derive(Debug, Deserialize)]
pub struct CheckpointsQuery {
    from: Option<String>,
}

/// GET /api/v1/ledger/checkpoints?from=
pub async fn checkpoints(
    State(s): State<AppState>,
    _user: CurrentUser,
    Query(q): Query<CheckpointsQuery>,
) -> Result<Json<Value>, ApiError> {
    let from = match q.from.as_deref().filter(|v| !v.trim().is_empty()) {
        Some(v) => number("from", "起始大小", v)?,
        None => 1,
    };
    let (_, latest_size) = latest(&s).await?;
    let sizes = s.app.db.checkpoint_sizes(from, u64::MAX, 1000).await.map_err(internal)?;
    Ok(Json(json!({ "latest": latest_size, "sizes": sizes })))
}

/// Adds the ledger routes to the OpenAPI document.
pub fn describe(doc: &mut Value) {
    let err = json!({"$ref": "#/components/responses/Error"});
    let ok = |schema: &str| json!({"description": "成功", "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}});
    let query = |name: &str, description: &str| json!({"name": name, "in": "query", "required": false, "schema": {"type": "integer", "minimum": 1}, "description": description});
    let hash_list = json!({"type": "array", "items": {"type": "string", "format": "byte"}, "description": "哈希（标准 base64），自下而上"});
    let note = json!({"type": "string", "description": "签名检查点（C2SP tlog-checkpoint，签名格式 C2SP signed-note），用 /ledger/key 的公钥验证"});
    let paths = json!({
        "/api/v1/ledger/inclusion/{position}": {"get": {
            "summary": "某一事件的包含证明（防篡改账本，X-01）",
            "description": "证明第 position 号事件在已签名检查点的默克尔树中。不指定 size 时使用最新检查点；指定时须为已发布检查点的大小。只含哈希，不含事件内容。",
            "parameters": [
                {"name": "position", "in": "path", "required": true, "schema": {"type": "integer", "minimum": 1}, "description": "事件序号（叶序号 + 1）"},
                query("size", "账本大小（已发布检查点的大小）")
            ],
            "responses": {"200": ok("InclusionProof"), "401": err, "404": err, "422": err}}},
        "/api/v1/ledger/consistency": {"get": {
            "summary": "两个检查点之间的一致性证明（防篡改账本，X-01）",
            "description": "证明大小为 from 的树是大小为 to 的树的前缀（账本只增不改）。两者都须为已发布检查点的大小；不指定 to 时使用最新检查点。",
            "parameters": [
                {"name": "from", "in": "query", "required": true, "schema": {"type": "integer", "minimum": 1}, "description": "较早检查点的大小"},
                query("to", "较新检查点的大小")
            ],
            "responses": {"200": ok("ConsistencyProof"), "401": err, "404": err, "422": err}}},
        "/api/v1/ledger/checkpoints": {"get": {
            "summary": "已发布检查点的大小（防篡改账本，X-01）",
            "parameters": [query("from", "只列出不小于此大小的检查点")],
            "responses": {"200": ok("CheckpointSizes"), "401": err, "422": err}}}
    });
    let schemas = json!({
        "InclusionProof": {"type": "object", "required": ["position", "leaf_index", "tree_size", "leaf_hash", "proof", "checkpoint"], "properties": {
            "position": {"type": "integer"}, "leaf_index": {"type": "integer"}, "tree_size": {"type": "integer"},
            "leaf_hash": {"type": "string", "format": "byte", "description": "RFC 6962 叶哈希（标准 base64）"},
            "proof": hash_list.clone(), "checkpoint": note.clone()}},
        "ConsistencyProof": {"type": "object", "required": ["from", "to", "proof", "from_checkpoint", "to_checkpoint"], "properties": {
            "from": {"type": "integer"}, "to": {"type": "integer"}, "proof": hash_list,
            "from_checkpoint": note.clone(), "to_checkpoint": note}},
        "CheckpointSizes": {"type": "object", "properties": {
            "latest": {"type": "integer", "description": "最新检查点的大小"},
            "sizes": {"type": "array", "items": {"type": "integer"}, "description": "已发布检查点的大小（升序，至多1000个）"}}}
    });
    for (section, add) in [("paths", paths), ("components", json!({ "schemas": schemas }))] {
        let (Some(target), Value::Object(add)) = (doc.get_mut(section).and_then(Value::as_object_mut), add) else {
            continue;
        };
        for (k, v) in add {
            match (target.get_mut(&k), v) {
                (Some(Value::Object(existing)), Value::Object(more)) => existing.extend(more),
                (_, v) => {
                    target.insert(k, v);
                }
            }
        }
    }
}
