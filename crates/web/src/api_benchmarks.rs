//! The discretion benchmarks of an agency in the JSON API (rule B-01):
//! `GET /api/v1/agencies/{id}/benchmarks`, for any account that reads the agency. Money
//! is integer fen; each range also comes as the text the page shows.

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use serde_json::{Value, json};
use uuid::Uuid;
use zhifa_core::discretion::{Benchmark, FineBase, FineRange, Tier};

use crate::AppState;
use crate::error::ApiError;
use crate::pages::Parsed;
use crate::session::CurrentUser;

#[derive(Debug, Serialize)]
struct BenchmarkView {
    id: Uuid,
    code: String,
    name: String,
    violation_basis: Vec<String>,
    penalty_basis: Vec<String>,
    tiers: Vec<TierView>,
}

#[derive(Debug, Serialize)]
struct TierView {
    name: String,
    circumstances: String,
    penalties: Vec<PenaltyView>,
    fine: Option<FineView>,
    fine_text: String,
}

#[derive(Debug, Serialize)]
struct PenaltyView {
    code: &'static str,
    label: &'static str,
}

#[derive(Debug, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum FineView {
    Amount { min_fen: i64, max_fen: i64 },
    Multiple { base: &'static str, min_percent: u32, max_percent: u32 },
}

fn tier_view(t: &Tier) -> TierView {
    TierView {
        name: t.name.clone(),
        circumstances: t.circumstances.clone(),
        penalties: t.penalties.iter().map(|p| PenaltyView { code: p.as_str(), label: p.label() }).collect(),
        fine: t.fine.map(|f| match f {
            FineRange::Amount { min, max } => FineView::Amount { min_fen: min.fen(), max_fen: max.fen() },
            FineRange::Multiple { base, min_percent, max_percent } => FineView::Multiple {
                base: match base {
                    FineBase::IllegalGains => "illegal_gains",
                    FineBase::GoodsValue => "goods_value",
                },
                min_percent,
                max_percent,
            },
        }),
        fine_text: t.describe_fine(),
    }
}

fn view(b: &Benchmark) -> BenchmarkView {
    BenchmarkView {
        id: b.id,
        code: b.code.clone(),
        name: b.name.clone(),
        violation_basis: b.violation_basis.iter().map(|c| c.to_string()).collect(),
        penalty_basis: b.penalty_basis.iter().map(|c| c.to_string()).collect(),
        tiers: b.tiers.iter().map(tier_view).collect(),
    }
}

/// GET /api/v1/agencies/{id}/benchmarks
pub async fn list(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed(agency): Parsed<Uuid>,
) -> Result<Json<Vec<Value>>, ApiError> {
    let benchmarks = s.app.benchmarks_for(&user.principal, agency).await?;
    Ok(Json(benchmarks.iter().map(|b| json!(view(b))).collect()))
}

/// Adds the path and its schemas to the OpenAPI document.
pub fn describe(doc: &mut Value) {
    let err = json!({"$ref": "#/components/responses/Error"});
    doc["paths"]["/api/v1/agencies/{id}/benchmarks"] = json!({"get": {
        "summary": "行政处罚裁量基准（B-01）",
        "description": "本机关各违法行为的违法依据、处罚依据和裁量阶次；金额以分为单位的整数，倍数以百分数表示（1000 即 10 倍）。",
        "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
        "responses": {
            "200": {"description": "成功", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Benchmark"}}}}},
            "401": err, "403": err, "404": err
        }
    }});
    doc["components"]["schemas"]["Benchmark"] = json!({"type": "object", "properties": {
        "id": {"type": "string"}, "code": {"type": "string"}, "name": {"type": "string"},
        "violation_basis": {"type": "array", "items": {"type": "string"}},
        "penalty_basis": {"type": "array", "items": {"type": "string"}},
        "tiers": {"type": "array", "items": {"type": "object", "properties": {
            "name": {"type": "string"}, "circumstances": {"type": "string"},
            "penalties": {"type": "array", "items": {"type": "object", "properties": {"code": {"type": "string"}, "label": {"type": "string"}}}},
            "fine": {"oneOf": [
                {"type": "null"},
                {"type": "object", "required": ["kind", "min_fen", "max_fen"], "properties": {"kind": {"const": "amount"}, "min_fen": {"type": "integer"}, "max_fen": {"type": "integer"}}},
                {"type": "object", "required": ["kind", "base", "min_percent", "max_percent"], "properties": {"kind": {"const": "multiple"}, "base": {"type": "string", "enum": ["illegal_gains", "goods_value"]}, "min_percent": {"type": "integer"}, "max_percent": {"type": "integer"}}}
            ]},
            "fine_text": {"type": "string", "description": "以元为单位、保留两位小数的幅度，如 50,000.00元至70,000.00元"}
        }}}
    }});
}
