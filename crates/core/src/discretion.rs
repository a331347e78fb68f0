//! Discretion benchmarks (裁量基准, rules B-01 and B-02).
//!
//! An agency keeps, per violation type (违法行为), a [`Benchmark`]: the legal basis of the
//! violation and of the penalty — citations that resolve in the agency's basis catalogue
//! (G-03) — and its tiers (阶次: 轻微/一般/较重/严重 by default, or the agency's own
//! names), each with its circumstances (情形), the penalty types it allows and its fine
//! range in fen, either amounts or multiples of the illegal gains or of the goods' value.
//! Benchmarks are agency data: [`AgencyEvent::BenchmarkSet`] on the agency stream, folded
//! into [`Agency::benchmarks`] (no table); `Agency::decide_set_benchmark` checks one
//! (in `agency.rs`).
//!
//! A penalty proposal names a violation type and a tier; [`assess`] says whether the
//! proposed penalty types and fine stay inside the tier. Outside it, the proposal proceeds
//! only with an explicit deviation reason (B-02), and a placeholder ("无", "同上", …) is no
//! reason. [`check_case_proposal`] is that check for the proposal records of a case
//! (拟决定, 决定书, 当场处罚决定书, in `proposal.rs`); the [`PenaltyAssessment`] it
//! returns is kept on the record for legal review.
//!
//! [`AgencyEvent::BenchmarkSet`]: crate::registry::AgencyEvent::BenchmarkSet
//! [`Agency::benchmarks`]: crate::registry::Agency::benchmarks

mod agency;
mod proposal;

use std::fmt;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::basis::{Citation, CitationError, parse_number};
use crate::money::Money;
use crate::validation::Rejection;
pub use proposal::{PROPOSAL_FIELDS, PROPOSAL_KINDS, PenaltyAssessment, check_case_proposal};

/// The tiers an agency uses unless it names its own.
pub const DEFAULT_TIERS: [&str; 4] = ["轻微", "一般", "较重", "严重"];

/// The kinds of administrative penalty (行政处罚法 Art 9), and the decision not to
/// penalise (不予行政处罚, e.g. for a first minor violation corrected in time).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PenaltyType {
    /// 不予行政处罚
    NoPenalty,
    /// 警告
    Warning,
    /// 通报批评
    PublicCriticism,
    /// 罚款
    Fine,
    /// 没收违法所得
    ConfiscateIllegalGains,
    /// 没收非法财物
    ConfiscateIllegalProperty,
    /// 暂扣许可证件
    SuspendLicence,
    /// 降低资质等级
    LowerQualification,
    /// 吊销许可证件
    RevokeLicence,
    /// 限制开展生产经营活动
    RestrictBusiness,
    /// 责令停产停业
    SuspendBusiness,
    /// 责令关闭
    OrderClosure,
    /// 限制从业
    RestrictPractice,
    /// 行政拘留
    Detention,
}

impl PenaltyType {
    pub const ALL: [PenaltyType; 14] = [
        PenaltyType::NoPenalty,
        PenaltyType::Warning,
        PenaltyType::PublicCriticism,
        PenaltyType::Fine,
        PenaltyType::ConfiscateIllegalGains,
        PenaltyType::ConfiscateIllegalProperty,
        PenaltyType::SuspendLicence,
        PenaltyType::LowerQualification,
        PenaltyType::RevokeLicence,
        PenaltyType::RestrictBusiness,
        PenaltyType::SuspendBusiness,
        PenaltyType::OrderClosure,
        PenaltyType::RestrictPractice,
        PenaltyType::Detention,
    ];

    pub fn label(self) -> &'static str {
        match self {
            PenaltyType::NoPenalty => "不予行政处罚",
            PenaltyType::Warning => "警告",
            PenaltyType::PublicCriticism => "通报批评",
            PenaltyType::Fine => "罚款",
            PenaltyType::ConfiscateIllegalGains => "没收违法所得",
            PenaltyType::ConfiscateIllegalProperty => "没收非法财物",
            PenaltyType::SuspendLicence => "暂扣许可证件",
            PenaltyType::LowerQualification => "降低资质等级",
            PenaltyType::RevokeLicence => "吊销许可证件",
            PenaltyType::RestrictBusiness => "限制开展生产经营活动",
            PenaltyType::SuspendBusiness => "责令停产停业",
            PenaltyType::OrderClosure => "责令关闭",
            PenaltyType::RestrictPractice => "限制从业",
            PenaltyType::Detention => "行政拘留",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            PenaltyType::NoPenalty => "no_penalty",
            PenaltyType::Warning => "warning",
            PenaltyType::PublicCriticism => "public_criticism",
            PenaltyType::Fine => "fine",
            PenaltyType::ConfiscateIllegalGains => "confiscate_illegal_gains",
            PenaltyType::ConfiscateIllegalProperty => "confiscate_illegal_property",
            PenaltyType::SuspendLicence => "suspend_licence",
            PenaltyType::LowerQualification => "lower_qualification",
            PenaltyType::RevokeLicence => "revoke_licence",
            PenaltyType::RestrictBusiness => "restrict_business",
            PenaltyType::SuspendBusiness => "suspend_business",
            PenaltyType::OrderClosure => "order_closure",
            PenaltyType::RestrictPractice => "restrict_practice",
            PenaltyType::Detention => "detention",
        }
    }

    /// From the code, the label, or the names found in benchmark spreadsheets
    /// (不予处罚, 没收违法物品, 吊销营业执照, 停产停业, 拘留…).
    pub fn parse(s: &str) -> Option<PenaltyType> {
        let s = s.trim();
        if let Some(t) = PenaltyType::ALL.into_iter().find(|t| t.as_str() == s || t.label() == s) {
            return Some(t);
        }
        let t = match s {
            "不予处罚" | "免予处罚" | "免于处罚" | "不处罚" => PenaltyType::NoPenalty,
            "没收非法所得" => PenaltyType::ConfiscateIllegalGains,
            "没收违法物品" | "没收违法财物" | "没收非法物品" | "没收违法生产经营的食品" | "没收物品" => {
                PenaltyType::ConfiscateIllegalProperty
            }
            "暂扣许可证" | "暂扣执照" | "暂扣营业执照" | "暂扣许可证件、执照" => {
                PenaltyType::SuspendLicence
            }
            "吊销许可证" | "吊销执照" | "吊销营业执照" | "吊销许可证件、执照" => {
                PenaltyType::RevokeLicence
            }
            "停产停业" | "责令停业整顿" | "停业整顿" => PenaltyType::SuspendBusiness,
            "关闭" => PenaltyType::OrderClosure,
            "拘留" => PenaltyType::Detention,
            _ => return None,
        };
        Some(t)
    }

    /// A list as written in a form or a cell: "警告、罚款", "警告,罚款", one per line.
    /// The error names every word not understood.
    pub fn parse_list(s: &str) -> Result<Vec<PenaltyType>, String> {
        let mut out = Vec::new();
        let mut unknown = Vec::new();
        for word in
            s.split(['、', ',', '，', ';', '；', '/', '\n', '和', '及']).map(str::trim).filter(|w| !w.is_empty())
        {
            match PenaltyType::parse(word) {
                Some(t) if !out.contains(&t) => out.push(t),
                Some(_) => {}
                None => unknown.push(word.to_string()),
            }
        }
        if !unknown.is_empty() {
            return Err(format!(
                "处罚种类“{}”无法识别：应为{}等，多个用顿号分隔",
                unknown.join("、"),
                ["警告", "通报批评", "罚款", "没收违法所得", "没收非法财物", "吊销许可证件", "责令停产停业"].join("、")
            ));
        }
        out.sort();
        Ok(out)
    }
}

/// The labels of penalty types, joined with 、.
pub fn labels(types: &[PenaltyType]) -> String {
    types.iter().map(|t| t.label()).collect::<Vec<_>>().join("、")
}

/// What a fine counted in multiples is a multiple of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FineBase {
    /// 违法所得
    IllegalGains,
    /// 货值金额 (the value of the goods)
    GoodsValue,
}

impl FineBase {
    pub fn label(self) -> &'static str {
        match self {
            FineBase::IllegalGains => "违法所得",
            FineBase::GoodsValue => "货值金额",
        }
    }
}

/// A tier's fine range: amounts in fen, or multiples (in percent, so that 0.5倍 is exact)
/// of the illegal gains or of the goods' value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FineRange {
    Amount { min: Money, max: Money },
    Multiple { base: FineBase, min_percent: u32, max_percent: u32 },
}

/// 1000 → "10倍", 50 → "0.5倍".
fn times(percent: u32) -> String {
    match percent % 100 {
        0 => format!("{}倍", percent / 100),
        r if r % 10 == 0 => format!("{}.{}倍", percent / 100, r / 10),
        r => format!("{}.{r:02}倍", percent / 100),
    }
}

impl FineRange {
    /// The range in fen: for multiples, of the stated base amount (lower bound rounded up,
    /// upper bound down, so both are inside the law's range). `None` when the base is needed
    /// and not stated.
    pub fn bounds(&self, base_amount: Option<Money>) -> Option<(Money, Money)> {
        match *self {
            FineRange::Amount { min, max } => Some((min, max)),
            FineRange::Multiple { min_percent, max_percent, .. } => {
                let base = i128::from(base_amount?.fen());
                let min = (base * i128::from(min_percent) + 99) / 100;
                let max = base * i128::from(max_percent) / 100;
                let fen = |v: i128| Money::from_fen(i64::try_from(v).unwrap_or(i64::MAX));
                Some((fen(min), fen(max)))
            }
        }
    }

    /// As shown in tables: "5,000.00元至10,000.00元", "3,000.00元以下", "货值金额10倍至20倍".
    pub fn describe(&self) -> String {
        match *self {
            FineRange::Amount { min, max } if min == Money::ZERO => format!("{}以下", max.yuan_2dp()),
            FineRange::Amount { min, max } if min == max => min.yuan_2dp(),
            FineRange::Amount { min, max } => format!("{}至{}", min.yuan_2dp(), max.yuan_2dp()),
            FineRange::Multiple { base, min_percent: 0, max_percent } => {
                format!("{}{}以下", base.label(), times(max_percent))
            }
            FineRange::Multiple { base, min_percent, max_percent } => {
                format!("{}{}至{}", base.label(), times(min_percent), times(max_percent))
            }
        }
    }

    /// Parses the lower and upper bound as written in a form or a spreadsheet: amounts
    /// ("5000", "0.5万元"; an empty lower bound is 0) or multiples ("10倍", "货值金额十倍",
    /// "违法所得0.5倍"; a bare multiple is of the illegal gains). Errors are
    /// `(bound, message)` with bound `"min"` or `"max"`.
    pub fn parse(min: &str, max: &str) -> Result<FineRange, Vec<(&'static str, String)>> {
        let (min, max) = (min.trim(), max.trim());
        let mut errors = Vec::new();
        if max.is_empty() {
            errors.push(("max", "请填写罚款上限（如 10000、1万元，或 违法所得5倍）".to_string()));
            return Err(errors);
        }
        if max.contains('倍') || min.contains('倍') {
            let upper = parse_multiple(max).map_err(|e| errors.push(("max", e))).ok();
            let lower = if min.is_empty() || min == "0" {
                Some((upper.map_or(FineBase::IllegalGains, |(b, _)| b), 0))
            } else {
                parse_multiple(min).map_err(|e| errors.push(("min", e))).ok()
            };
            let (Some((base, max_percent)), Some((lower_base, min_percent))) = (upper, lower) else {
                return Err(errors);
            };
            if lower_base != base {
                errors.push((
                    "min",
                    format!("罚款下限按{}计算，上限按{}计算，两者应一致", lower_base.label(), base.label()),
                ));
                return Err(errors);
            }
            return Ok(FineRange::Multiple { base, min_percent, max_percent });
        }
        let upper = Money::parse_amount(max).map_err(|e| errors.push(("max", e.to_string()))).ok();
        let lower = if min.is_empty() {
            Some(Money::ZERO)
        } else {
            Money::parse_amount(min).map_err(|e| errors.push(("min", e.to_string()))).ok()
        };
        match (lower, upper) {
            (Some(min), Some(max)) => Ok(FineRange::Amount { min, max }),
            _ => Err(errors),
        }
    }

    fn check(&self, r: &mut Rejection, field: &str) {
        match *self {
            FineRange::Amount { min, max } => {
                if max.fen() <= 0 {
                    r.add(format!("{field}.max"), "罚款上限必须大于零");
                } else if min > max {
                    r.add(
                        format!("{field}.min"),
                        format!("罚款下限（{}）不能高于上限（{}）", min.yuan_2dp(), max.yuan_2dp()),
                    );
                }
            }
            FineRange::Multiple { min_percent, max_percent, .. } => {
                if max_percent == 0 {
                    r.add(format!("{field}.max"), "罚款上限倍数必须大于零");
                } else if min_percent > max_percent {
                    r.add(
                        format!("{field}.min"),
                        format!("罚款下限（{}）不能高于上限（{}）", times(min_percent), times(max_percent)),
                    );
                }
            }
        }
    }
}

/// "10倍", "货值金额10倍以上", "违法所得十倍", "0.5倍" → (base, percent).
fn parse_multiple(s: &str) -> Result<(FineBase, u32), String> {
    let err = || format!("罚款倍数“{s}”无法识别：应写作“违法所得5倍”“货值金额十倍”或“0.5倍”");
    let t: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    let t = t.trim_end_matches("罚款").trim_end_matches("以上").trim_end_matches("以下");
    let (base, rest) = if let Some(r) = t.strip_prefix("货值金额") {
        (FineBase::GoodsValue, r)
    } else if let Some(r) = t.strip_prefix("违法所得") {
        (FineBase::IllegalGains, r)
    } else {
        (FineBase::IllegalGains, t)
    };
    let number = rest.strip_suffix('倍').ok_or_else(err)?;
    let digits = |d: &str| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit());
    let percent = match number.split_once('.') {
        Some((int, frac)) if digits(int) && digits(frac) && frac.len() <= 2 => {
            let whole: u32 = int.parse().map_err(|_| err())?;
            let part: u32 = frac.parse::<u32>().map_err(|_| err())? * if frac.len() == 1 { 10 } else { 1 };
            whole.checked_mul(100).and_then(|v| v.checked_add(part))
        }
        Some(_) => None,
        None => parse_number(number).and_then(|n| n.checked_mul(100)),
    };
    Ok((base, percent.ok_or_else(err)?))
}

/// One tier of a benchmark.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tier {
    /// 轻微 / 一般 / 较重 / 严重, or the agency's own name.
    pub name: String,
    /// 适用情形
    pub circumstances: String,
    /// The penalty types this tier allows.
    pub penalties: Vec<PenaltyType>,
    /// The fine range, when the tier allows a fine.
    pub fine: Option<FineRange>,
}

impl Tier {
    /// The fine range as shown, "—" when the tier allows no fine.
    pub fn describe_fine(&self) -> String {
        self.fine.map_or_else(|| "—".to_string(), |f| f.describe())
    }
}

/// The benchmark of one violation type (B-01).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Benchmark {
    pub id: Uuid,
    /// The agency's code for the violation type, unique within the agency.
    pub code: String,
    /// 违法行为名称
    pub name: String,
    /// 违法依据: the provisions the conduct violates.
    pub violation_basis: Vec<Citation>,
    /// 处罚依据: the provisions that set the penalty.
    pub penalty_basis: Vec<Citation>,
    pub tiers: Vec<Tier>,
}

impl Benchmark {
    pub fn tier(&self, name: &str) -> Option<&Tier> {
        self.tiers.iter().find(|t| t.name == name.trim())
    }

    pub fn tier_names(&self) -> Vec<&str> {
        self.tiers.iter().map(|t| t.name.as_str()).collect()
    }
}

/// Citations as written in one text: separated by ；, ; or line breaks, or by 、 before
/// the next 《…》. Each names its law in full.
pub fn parse_citations(text: &str) -> Result<Vec<Citation>, CitationError> {
    let normalized = text.replace("、《", "；《").replace("，《", "；《");
    normalized.split(['；', ';', '\n']).map(str::trim).filter(|p| !p.is_empty()).map(Citation::parse).collect()
}

/// Citations joined for display.
pub fn describe_citations(citations: &[Citation]) -> String {
    citations.iter().map(|c| c.to_string()).collect::<Vec<_>>().join("；")
}

/// A benchmark as typed in a form or a spreadsheet row set, all text; [`BenchmarkText::parse`]
/// turns it into a [`Benchmark`] or names every field it cannot read (`code`, `name`,
/// `violation_basis`, `penalty_basis`, `tiers.<i>.penalties`, `tiers.<i>.fine.min`, …).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BenchmarkText {
    pub code: String,
    pub name: String,
    pub violation_basis: String,
    pub penalty_basis: String,
    pub tiers: Vec<TierText>,
}

/// One tier as typed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TierText {
    pub name: String,
    pub circumstances: String,
    /// "警告、罚款"
    pub penalties: String,
    /// "5000", "0.5万元", "货值金额10倍"; empty when the tier has no fine.
    pub fine_min: String,
    pub fine_max: String,
}

impl BenchmarkText {
    pub fn parse(&self) -> Result<Benchmark, Rejection> {
        let (benchmark, r) = self.read();
        r.into_result().map(|()| benchmark)
    }

    /// What can be read, with the problems of what cannot: an unreadable basis, penalty
    /// list or fine range is left empty, so that the rest can still be checked.
    fn read(&self) -> (Benchmark, Rejection) {
        let mut r = Rejection::new();
        let mut citations = |field: &str, label: &str, text: &str| match parse_citations(text) {
            Ok(c) => c,
            Err(e) => {
                r.add(field, format!("{label}：{e}"));
                vec![]
            }
        };
        let violation_basis = citations("violation_basis", "违法依据", &self.violation_basis);
        let penalty_basis = citations("penalty_basis", "处罚依据", &self.penalty_basis);
        let mut tiers = Vec::new();
        for (i, t) in self.tiers.iter().enumerate() {
            let penalties = PenaltyType::parse_list(&t.penalties).unwrap_or_else(|e| {
                r.add(format!("tiers.{i}.penalties"), e);
                vec![]
            });
            let fine = if t.fine_min.trim().is_empty() && t.fine_max.trim().is_empty() {
                None
            } else {
                FineRange::parse(&t.fine_min, &t.fine_max)
                    .map_err(|errors| {
                        for (bound, message) in errors {
                            r.add(format!("tiers.{i}.fine.{bound}"), message);
                        }
                    })
                    .ok()
            };
            tiers.push(Tier {
                name: t.name.trim().to_string(),
                circumstances: t.circumstances.trim().to_string(),
                penalties,
                fine,
            });
        }
        let benchmark = Benchmark {
            id: Uuid::new_v4(),
            code: self.code.trim().to_string(),
            name: self.name.trim().to_string(),
            violation_basis,
            penalty_basis,
            tiers,
        };
        (benchmark, r)
    }
}

// ---------------------------------------------------------------------------------------
// Assessment (B-02)
// ---------------------------------------------------------------------------------------

/// A proposed penalty: its types and fine, and the base amount of a fine in multiples.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Proposal {
    pub penalties: Vec<PenaltyType>,
    pub fine: Option<Money>,
    /// 违法所得 or 货值金额, for a tier whose fine is a multiple of it.
    pub base_amount: Option<Money>,
}

/// One way a proposal leaves its tier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Deviation {
    /// A penalty type the tier does not allow.
    TypeNotAllowed { penalty: PenaltyType, allowed: Vec<PenaltyType> },
    /// A fine below the tier's lower bound.
    FineBelow { fine: Money, min: Money },
    /// A fine above the tier's upper bound.
    FineAbove { fine: Money, max: Money },
}

impl fmt::Display for Deviation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Deviation::TypeNotAllowed { penalty, allowed } => {
                write!(f, "处罚种类“{}”不在该阶次允许的处罚种类（{}）之内", penalty.label(), labels(allowed))
            }
            Deviation::FineBelow { fine, min } => {
                write!(f, "罚款{}低于该阶次的下限{}", fine.yuan_2dp(), min.yuan_2dp())
            }
            Deviation::FineAbove { fine, max } => {
                write!(f, "罚款{}高于该阶次的上限{}", fine.yuan_2dp(), max.yuan_2dp())
            }
        }
    }
}

/// What [`assess`] finds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Assessment {
    /// Every type allowed, the fine inside the range.
    InRange,
    /// Outside the tier: every bound crossed. Proceeds only with a deviation reason.
    OutOfRange(Vec<Deviation>),
    /// The benchmark has no tier of that name.
    UnknownTier,
    /// The tier's fine is a multiple of this, and the proposal does not state it.
    BaseMissing(FineBase),
}

/// Checks a proposed penalty against a tier of a benchmark (B-02).
pub fn assess(benchmark: &Benchmark, tier: &str, proposal: &Proposal) -> Assessment {
    let Some(tier) = benchmark.tier(tier) else {
        return Assessment::UnknownTier;
    };
    let mut deviations: Vec<Deviation> = proposal
        .penalties
        .iter()
        .filter(|p| !tier.penalties.contains(p))
        .map(|p| Deviation::TypeNotAllowed { penalty: *p, allowed: tier.penalties.clone() })
        .collect();
    if let (Some(fine), Some(range)) = (proposal.fine, tier.fine) {
        let Some((min, max)) = range.bounds(proposal.base_amount) else {
            let FineRange::Multiple { base, .. } = range else { unreachable!("amounts need no base") };
            return Assessment::BaseMissing(base);
        };
        if fine < min {
            deviations.push(Deviation::FineBelow { fine, min });
        }
        if fine > max {
            deviations.push(Deviation::FineAbove { fine, max });
        }
    }
    if deviations.is_empty() { Assessment::InRange } else { Assessment::OutOfRange(deviations) }
}

/// Placeholders that are no reason (B-02, G-04): "无", "同上", "见上", "略", dashes,
/// punctuation or whitespace only, one character repeated.
pub fn is_placeholder_reason(reason: &str) -> bool {
    const PLACEHOLDERS: &[&str] = &[
        "无",
        "没有",
        "暂无",
        "同上",
        "见上",
        "如上",
        "详见上文",
        "略",
        "无理由",
        "理由",
        "不详",
        "见附件",
        "na",
        "n/a",
        "none",
        "null",
        "无偏离理由",
        "偏离",
        "偏离理由",
    ];
    let bare: String = reason.chars().filter(|c| c.is_alphanumeric()).collect::<String>().to_lowercase();
    if bare.is_empty() || PLACEHOLDERS.contains(&bare.as_str()) {
        return true;
    }
    let mut chars = bare.chars();
    let first = chars.next().expect("not empty");
    chars.all(|c| c == first)
}

/// "警告、罚款；罚款5,000.00元至10,000.00元".
pub fn describe_tier(tier: &Tier) -> String {
    match tier.fine {
        Some(f) => format!("{}；罚款{}", labels(&tier.penalties), f.describe()),
        None => labels(&tier.penalties),
    }
}

#[cfg(test)]
mod tests;
