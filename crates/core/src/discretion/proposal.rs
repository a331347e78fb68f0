//! The discretion check of a case's penalty proposal (B-02) and what the record keeps of it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{
    Assessment, Benchmark, Deviation, PenaltyType, Proposal, Tier, assess, describe_tier, is_placeholder_reason,
};
use crate::case::{RecordKind, SpotPenalty};
use crate::money::Money;
use crate::validation::Rejection;

/// What a case record keeps of the discretion check, for legal review: the tier as it
/// was when checked (a benchmark may be revised later), the proposal, every deviation, and
/// the reason given for them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PenaltyAssessment {
    pub benchmark_id: Uuid,
    pub violation_code: String,
    pub violation_name: String,
    pub tier: Tier,
    pub proposal: Proposal,
    /// Empty when the proposal is inside the tier.
    pub deviations: Vec<Deviation>,
    /// Given when the proposal deviates; may also be given inside the tier.
    pub deviation_reason: Option<String>,
}

impl PenaltyAssessment {
    pub fn in_range(&self) -> bool {
        self.deviations.is_empty()
    }

    /// One line for a reviewer.
    pub fn summary(&self) -> String {
        let what = format!("{}（{}）“{}”阶次", self.violation_name, self.violation_code, self.tier.name);
        if self.in_range() {
            return format!("在裁量基准{what}范围内");
        }
        let crossed: Vec<String> = self.deviations.iter().map(|d| d.to_string()).collect();
        format!(
            "偏离裁量基准{what}：{}；偏离理由：{}",
            crossed.join("；"),
            self.deviation_reason.as_deref().unwrap_or("（未说明）")
        )
    }
}

/// The record kinds that carry a penalty proposal.
pub const PROPOSAL_KINDS: [RecordKind; 3] =
    [RecordKind::DecisionDraft, RecordKind::DecisionDocument, RecordKind::OnTheSpotDecision];

/// The record fields of a proposal; they are set when the record is made and not
/// corrected afterwards (a new proposal is made instead, and checked again).
pub const PROPOSAL_FIELDS: [&str; 6] =
    ["violation_code", "tier", "penalty_types", "fine", "fine_base", "deviation_reason"];

/// The discretion check of a penalty case's proposal record (B-02): the violation type (by
/// code) and tier it names, and its penalty types and fine — from the record's fields, or
/// for an on-the-spot decision from its typed penalty. `Ok(None)` when the record carries
/// no proposal to check: another kind of record, or an agency that has no benchmark and a
/// record that names no violation type. Every problem is reported, with the record field.
pub fn check_case_proposal(
    benchmarks: &[Benchmark],
    kind: RecordKind,
    fields: &BTreeMap<String, String>,
    spot: Option<&SpotPenalty>,
) -> Result<Option<PenaltyAssessment>, Rejection> {
    if !PROPOSAL_KINDS.contains(&kind) {
        return Ok(None);
    }
    let get = |k: &str| fields.get(k).map_or("", |v| v.trim());
    let code = get("violation_code");
    let mut r = Rejection::new();
    if code.is_empty() {
        if benchmarks.is_empty() {
            return Ok(None);
        }
        let examples: Vec<String> = benchmarks.iter().take(3).map(|b| format!("{} {}", b.code, b.name)).collect();
        r.add(
            "fields.violation_code",
            format!(
                "行政处罚的{}须写明违法行为在本机关裁量基准中的编码（如：{}），以对照裁量基准（B-02）",
                kind.label(),
                examples.join("；")
            ),
        );
        if get("tier").is_empty() {
            r.add("fields.tier", "请填写适用的裁量阶次");
        }
        return Err(r);
    }
    let Some(benchmark) = benchmarks.iter().find(|b| b.code == code) else {
        let known: Vec<String> = benchmarks.iter().map(|b| format!("{} {}", b.code, b.name)).collect();
        let message = if known.is_empty() {
            format!("本机关尚未制定裁量基准，没有编码为“{code}”的违法行为；请先在“裁量基准”中添加")
        } else {
            format!("本机关裁量基准中没有编码为“{code}”的违法行为（现有：{}）", known.join("；"))
        };
        return Err(Rejection::one("fields.violation_code", message));
    };
    let tier_name = get("tier");
    let tiers = benchmark.tier_names().join("、");
    let tier = match benchmark.tier(tier_name) {
        Some(t) => Some(t),
        None if tier_name.is_empty() => {
            r.add("fields.tier", format!("请填写适用的裁量阶次（{}的阶次：{tiers}）", benchmark.name));
            None
        }
        None => {
            r.add("fields.tier", format!("“{tier_name}”不是{}的裁量阶次（应为：{tiers}）", benchmark.name));
            None
        }
    };
    let mut proposal = Proposal::default();
    match (kind, spot) {
        (RecordKind::OnTheSpotDecision, Some(p)) => {
            if p.warning {
                proposal.penalties.push(PenaltyType::Warning);
            }
            if p.fine.is_some() {
                proposal.penalties.push(PenaltyType::Fine);
            }
            proposal.fine = p.fine;
        }
        // The on-the-spot decision's own check asks for its penalty.
        (RecordKind::OnTheSpotDecision, None) => {}
        _ => {
            match get("penalty_types") {
                "" => r.add("fields.penalty_types", "请填写拟处罚种类（如 警告、罚款），多个用顿号分隔"),
                v => match PenaltyType::parse_list(v) {
                    Ok(list) => proposal.penalties = list,
                    Err(e) => r.add("fields.penalty_types", e),
                },
            }
            match get("fine") {
                "" => {}
                v => match Money::parse_amount(v) {
                    Ok(m) if m.fen() > 0 => proposal.fine = Some(m),
                    Ok(_) => r.add("fields.fine", "罚款金额必须大于零；不罚款的请留空"),
                    Err(e) => r.add("fields.fine", e.to_string()),
                },
            }
            let fined = proposal.penalties.contains(&PenaltyType::Fine);
            if fined && proposal.fine.is_none() && !r.errors.iter().any(|e| e.field == "fields.fine") {
                r.add("fields.fine", "处罚种类包含罚款，请填写罚款金额（元）");
            }
            if !fined && proposal.fine.is_some() {
                r.add("fields.penalty_types", "填写了罚款金额，处罚种类中应有“罚款”");
            }
        }
    }
    if proposal.penalties.contains(&PenaltyType::NoPenalty) && proposal.penalties.len() > 1 {
        r.add("fields.penalty_types", "“不予行政处罚”不能与其他处罚种类同时适用");
    }
    match get("fine_base") {
        "" => {}
        v => match Money::parse_amount(v) {
            Ok(m) => proposal.base_amount = Some(m),
            Err(e) => r.add("fields.fine_base", e.to_string()),
        },
    }
    let (Some(tier), true) = (tier, r.is_empty()) else {
        return Err(r);
    };
    let reason = get("deviation_reason");
    let deviations = match assess(benchmark, &tier.name, &proposal) {
        Assessment::InRange => vec![],
        Assessment::OutOfRange(d) => d,
        Assessment::UnknownTier => unreachable!("the tier was found"),
        Assessment::BaseMissing(base) => {
            let range = tier.describe_fine();
            return Err(Rejection::one(
                "fields.fine_base",
                format!(
                    "“{}”阶次的罚款按{}的倍数计算（{range}），请填写{}（元）",
                    tier.name,
                    base.label(),
                    base.label()
                ),
            ));
        }
    };
    if !deviations.is_empty() && is_placeholder_reason(reason) {
        let crossed: Vec<String> = deviations.iter().map(|d| d.to_string()).collect();
        let given = if reason.is_empty() { String::new() } else { format!("（“{reason}”不能作为理由）") };
        return Err(Rejection::one(
            "fields.deviation_reason",
            format!(
                "拟处罚超出裁量基准“{}”阶次（{}）：{}。须在“偏离裁量基准的理由”中写明具体理由{given}，法制审核时将予审查（B-02）",
                tier.name,
                describe_tier(tier),
                crossed.join("；")
            ),
        ));
    }
    Ok(Some(PenaltyAssessment {
        benchmark_id: benchmark.id,
        violation_code: benchmark.code.clone(),
        violation_name: benchmark.name.clone(),
        tier: tier.clone(),
        proposal,
        deviations,
        deviation_reason: (!reason.is_empty()).then(|| reason.to_string()),
    }))
}
