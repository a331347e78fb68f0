//! Whether a decision is major (重大执法决定, L-01) or needs review anyway (L-11).
//!
//! The grounds are computed from the case every time they are asked for: the proposed
//! penalty in the decision draft against the profile's thresholds and the catalogue's
//! confiscation amount, the act and its urgency, a hearing held, the enforcement item, and
//! the facts the handler declared ([`super::Flag`]) or the existing `MarkedMajor` flag.
//! Nothing removes a ground: correcting the draft below a threshold removes that ground
//! only because the fact changed.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Flag, ReviewPolicy, simplified};
use crate::case::{Case, Initiation, PartyKind, RecordKind, RecordState};
use crate::money::Money;
use crate::registry::{ActKind, Agency, AgencyEvent};
use crate::validation::Rejection;

/// What a line of an agency's review catalogue (审核目录清单) says is major.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ReviewCatalogueKind {
    /// Every decision on this enforcement item (by the item's code).
    Item { code: String },
    /// A described category; the handler ticks it on the case (a [`Flag::Catalogue`]).
    Category { label: String },
    /// Confiscation at or above this amount is "a large amount" (没收较大数额).
    ConfiscationThreshold { amount: Money },
}

/// A line of the review catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewCatalogueEntry {
    pub id: Uuid,
    pub what: ReviewCatalogueKind,
    /// Where it comes from (a provincial rule, the agency's own decision).
    #[serde(default)]
    pub basis: String,
}

impl ReviewCatalogueEntry {
    pub fn describe(&self) -> String {
        match &self.what {
            ReviewCatalogueKind::Item { code } => format!("执法事项{code}的全部决定"),
            ReviewCatalogueKind::Category { label } => label.clone(),
            ReviewCatalogueKind::ConfiscationThreshold { amount } => format!("没收{amount}以上为较大数额"),
        }
    }
}

impl Agency {
    /// The agency's review catalogue, in the order listed.
    pub fn review_catalogue(&self) -> &[ReviewCatalogueEntry] {
        &self.review_catalogue
    }

    /// Adds a line to the review catalogue (L-01): an item listed once, a category once, one
    /// confiscation threshold (a new one replaces it).
    pub fn decide_list_review_entry(&self, entry: ReviewCatalogueEntry) -> Result<AgencyEvent, Rejection> {
        let mut r = Rejection::new();
        match &entry.what {
            ReviewCatalogueKind::Item { code } => {
                if !self.items.iter().any(|i| i.code == code.trim()) {
                    r.add("code", format!("事项编码“{}”不在本机关的执法事项清单中", code.trim()));
                }
                if self.review_catalogue.iter().any(|e| e.what == entry.what) {
                    r.add("code", format!("事项{}已在审核目录清单中", code.trim()));
                }
            }
            ReviewCatalogueKind::Category { label } => {
                r.require("label", "情形", label);
                if self
                    .review_catalogue
                    .iter()
                    .any(|e| matches!(&e.what, ReviewCatalogueKind::Category { label: l } if l == label.trim()))
                {
                    r.add("label", "该情形已在审核目录清单中");
                }
            }
            ReviewCatalogueKind::ConfiscationThreshold { amount } => {
                if amount.fen() <= 0 {
                    r.add("amount", "较大数额必须大于零");
                }
            }
        }
        r.into_result()?;
        let what = match entry.what {
            ReviewCatalogueKind::Item { code } => ReviewCatalogueKind::Item { code: code.trim().to_string() },
            ReviewCatalogueKind::Category { label } => {
                ReviewCatalogueKind::Category { label: label.trim().to_string() }
            }
            other => other,
        };
        Ok(AgencyEvent::ReviewCatalogueEntryListed {
            entry: ReviewCatalogueEntry { what, basis: entry.basis.trim().to_string(), ..entry },
        })
    }
}

/// The confiscation threshold of a catalogue (the last one listed).
pub fn confiscation_threshold(catalogue: &[ReviewCatalogueEntry]) -> Option<Money> {
    catalogue.iter().rev().find_map(|e| match e.what {
        ReviewCatalogueKind::ConfiscationThreshold { amount } => Some(amount),
        _ => None,
    })
}

/// One reason the decision is major.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MajorGround {
    /// Declared by the handler (flag) rather than computed from the record.
    pub declared: bool,
    pub text: String,
}

/// Why review is required: the grounds of L-01, or the profile's L-11 rule.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct ReviewRequirement {
    pub grounds: Vec<MajorGround>,
    /// The profile requires review of every decision (L-11).
    pub all_decisions: bool,
    /// A proposal heavier after the party's statement than before it (N-04): shown to
    /// legal review, so it requires review without making the decision major.
    pub heavier_after_defence: Option<String>,
}

impl ReviewRequirement {
    pub fn required(&self) -> bool {
        !self.grounds.is_empty() || self.all_decisions || self.heavier_after_defence.is_some()
    }

    pub fn is_major(&self) -> bool {
        !self.grounds.is_empty()
    }

    pub fn describe(&self) -> String {
        let mut parts: Vec<String> = self.grounds.iter().map(|g| g.text.clone()).collect();
        if self.all_decisions {
            parts.push("本机关策略配置规定所有行政执法决定均须法制审核（L-11）".into());
        }
        if let Some(r) = &self.heavier_after_defence {
            parts.push(format!("{r}（N-04，须经法制审核）"));
        }
        parts.join("；")
    }
}

/// The penalty a decision draft proposes, as far as review needs it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProposedPenalty {
    /// Penalty kinds that make a decision major: 责令停产停业, 责令关闭, 吊销, 拘留.
    pub severe: Vec<&'static str>,
    pub fine: Option<Money>,
    pub confiscation: Option<Money>,
    /// Why the proposal leaves its discretion benchmark, if it does (B-02).
    pub deviation_reason: Option<String>,
}

pub(super) const SEVERE: &[(&[&str], &str)] = &[
    (&["责令停产停业", "停产停业", "停业整顿", "suspend_business"], "责令停产停业"),
    (&["责令关闭", "关闭", "取缔", "order_closure"], "责令关闭、取缔"),
    (&["吊销", "revoke_licence"], "吊销许可证件或执照"),
    (&["拘留", "detention"], "行政拘留"),
];

/// The proposed penalty of the current decision draft. The structured fields of the
/// discretion benchmark (`penalty_types`, `fine`, `deviation_reason`) are read when present;
/// otherwise the proposal text is read for the kinds and amounts.
pub fn proposed_penalty(case: &Case) -> Option<ProposedPenalty> {
    let draft = case.records_of(RecordKind::DecisionDraft).last()?;
    Some(extract(draft))
}

fn extract(draft: &RecordState) -> ProposedPenalty {
    let proposal = draft.field("proposal");
    // The proposal as checked against the discretion benchmark (B-02), else the fields.
    let checked = draft.record.assessment.as_ref().map(|a| &a.proposal);
    let kinds_text = match checked {
        Some(p) => p.penalties.iter().map(|t| t.as_str()).collect::<Vec<_>>().join("、"),
        None if !draft.field("penalty_types").trim().is_empty() => draft.field("penalty_types").to_string(),
        None => proposal.to_string(),
    };
    let severe = SEVERE
        .iter()
        .filter(|(words, _)| words.iter().any(|w| mentions(&kinds_text, w)))
        .map(|(_, label)| *label)
        .collect();
    let fine = match (checked, draft.field("fine").trim()) {
        (Some(p), _) => p.fine,
        (None, "") => amount_after(proposal, "罚款"),
        (None, v) => parse_amount(v),
    };
    let confiscation = amount_after(proposal, "没收");
    let deviation_reason = Some(draft.field("deviation_reason").trim().to_string()).filter(|s| !s.is_empty());
    ProposedPenalty { severe, fine, confiscation, deviation_reason }
}

/// Whether `text` mentions `word` other than negated (不予吊销, 不责令关闭).
pub(crate) fn mentions(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(i, _)| {
        let before: String = text[..i].chars().rev().take(3).collect::<Vec<_>>().into_iter().rev().collect();
        !(before.ends_with("不予") || before.ends_with('不') || before.ends_with("不责令") || before.ends_with("免予"))
    })
}

/// An amount written in yuan or 万元 ("2000", "2,000.50", "0.5万元", "人民币3万元"), exact in
/// fen.
pub fn parse_amount(s: &str) -> Option<Money> {
    let s: String = s.chars().filter(|c| !c.is_whitespace() && !matches!(c, ',' | '，')).collect();
    let s = s.trim_start_matches("人民币").trim_start_matches(['￥', '¥']);
    let s = s.strip_suffix('元').unwrap_or(s);
    let (number, unit, decimals) = match s.strip_suffix('万') {
        Some(n) => (n, 1_000_000_i64, 6usize),
        None => (s, 100, 2),
    };
    let (int, frac) = number.split_once('.').unwrap_or((number, ""));
    if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if frac.len() > decimals {
        return None;
    }
    let whole: i64 = int.parse().ok()?;
    let mut part: i64 = if frac.is_empty() { 0 } else { frac.parse().ok()? };
    for _ in frac.len()..decimals {
        part *= 10;
    }
    whole.checked_mul(unit)?.checked_add(part).map(Money::from_fen)
}

/// The first amount written after `keyword` in `text` (within a few characters, e.g.
/// "罚款人民币2万元", "没收违法所得12,000元"), with Chinese numerals, plain or 大写
/// ("罚款五千元", "罚款二万元", "罚款人民币伍仟元整", "壹万贰仟叁佰元伍角").
pub(crate) fn amount_after(text: &str, keyword: &str) -> Option<Money> {
    text.match_indices(keyword).find_map(|(i, _)| {
        let rest: String = text[i + keyword.len()..].chars().take(32).collect();
        let start =
            rest.find(|c: char| c.is_ascii_digit() || chinese_digit(c).is_some() || matches!(c, '十' | '拾'))?;
        let tail = &rest[start..];
        if tail.starts_with(|c: char| c.is_ascii_digit()) {
            let end = tail.find(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | ',' | '，'))).unwrap_or(tail.len());
            let after = &tail[end..];
            let unit = if after.starts_with("万") { "万元" } else { "元" };
            if !(after.starts_with('元') || after.starts_with('万')) {
                return None;
            }
            parse_amount(&format!("{}{unit}", &tail[..end]))
        } else {
            chinese_amount(tail)
        }
    })
}

/// A Chinese digit, plain or 大写.
fn chinese_digit(c: char) -> Option<i64> {
    Some(match c {
        '零' | '〇' => 0,
        '一' | '壹' => 1,
        '二' | '两' | '贰' | '貳' => 2,
        '三' | '叁' | '參' => 3,
        '四' | '肆' => 4,
        '五' | '伍' => 5,
        '六' | '陆' | '陸' => 6,
        '七' | '柒' => 7,
        '八' | '捌' => 8,
        '九' | '玖' => 9,
        _ => return None,
    })
}

/// An amount in Chinese numerals, plain or 大写, up to 亿, in 元 with optional 角 and 分
/// ("五千元", "一万五千元", "伍仟元整", "壹拾贰万叁仟肆佰伍拾陆元柒角捌分"); `None` when
/// it is no amount or too large.
fn chinese_amount(s: &str) -> Option<Money> {
    let mut total = 0i64;
    let mut section = 0i64;
    let mut digit = 0i64;
    let mut seen = false;
    let mut chars = s.chars();
    let yuan = loop {
        let c = chars.next()?;
        if let Some(d) = chinese_digit(c) {
            digit = d;
            seen = true;
            continue;
        }
        match c {
            '十' | '拾' => {
                seen = true;
                section = section.checked_add(digit.max(1) * 10)?;
            }
            '百' | '佰' => section = section.checked_add(digit * 100)?,
            '千' | '仟' => section = section.checked_add(digit * 1000)?,
            '万' => {
                total = total.checked_add(section.checked_add(digit)?.checked_mul(10_000)?)?;
                section = 0;
            }
            '亿' => {
                total = total.checked_add(section)?.checked_add(digit)?.checked_mul(100_000_000)?;
                section = 0;
            }
            '元' | '圆' => break total.checked_add(section)?.checked_add(digit)?,
            _ => return None,
        }
        digit = 0;
    };
    if !seen {
        return None;
    }
    // 角 and 分, until 整 or anything else.
    let mut fen = 0i64;
    let mut digit = None;
    for c in chars {
        if let Some(d) = chinese_digit(c) {
            digit = Some(d);
            continue;
        }
        match (c, digit.take()) {
            ('角', Some(d)) => fen += d * 10,
            ('分', Some(d)) => fen += d,
            _ => break,
        }
    }
    yuan.checked_mul(100)?.checked_add(fen).map(Money::from_fen)
}

/// The grounds of L-01 the case meets now.
pub fn major_grounds(case: &Case, policy: ReviewPolicy<'_>) -> Vec<MajorGround> {
    let computed = |text: String| MajorGround { declared: false, text };
    let mut out = Vec::new();
    let p = &policy.profile.params;
    if let Some(penalty) = proposed_penalty(case) {
        let (threshold, who) = match case.opening.party.kind {
            PartyKind::Person => (p.major_fine_person_fen, "公民"),
            PartyKind::Organisation => (p.major_fine_org_fen, "法人或者其他组织"),
        };
        if let Some(fine) = penalty.fine
            && fine >= threshold
        {
            out.push(computed(format!(
                "拟罚款{fine}，达到对{who}较大数额罚款的标准（{threshold}，{}）",
                policy.profile.reference()
            )));
        }
        for s in &penalty.severe {
            out.push(computed(format!("拟{s}")));
        }
        if let (Some(c), Some(t)) = (penalty.confiscation, confiscation_threshold(policy.catalogue))
            && c >= t
        {
            out.push(computed(format!("拟没收{c}，达到审核目录清单规定的较大数额（{t}）")));
        }
    }
    let o = &case.opening;
    if o.act_kind == ActKind::Coercion && o.initiation != (Initiation::ExOfficio { urgent: true }) {
        out.push(computed("非紧急情况下实施的行政强制措施".into()));
    }
    if case.has(RecordKind::CompulsoryExecution) || case.has(RecordKind::RemovalRestoration) {
        out.push(computed("行政强制执行".into()));
    }
    if case.has(RecordKind::HearingRecord) {
        out.push(computed("经听证程序作出的决定".into()));
    }
    if let Some(code) = &o.item_code
        && policy.catalogue.iter().any(|e| matches!(&e.what, ReviewCatalogueKind::Item { code: c } if c == code))
    {
        out.push(computed(format!("执法事项{code}列入本机关审核目录清单")));
    }
    for f in &case.review.flags {
        out.push(MajorGround {
            declared: true, text: format!("{}（{}申报：{}）", f.flag.label(), f.by.name, f.note)
        });
    }
    if let Some(reason) = &case.major {
        out.push(MajorGround { declared: true, text: format!("承办人认定为重大执法决定：{reason}") });
    }
    out
}

/// Whether the decision needs review, and why (L-01, L-11). L-11 does not reach decisions
/// made on the spot under the simplified procedure.
pub fn requirement(case: &Case, policy: ReviewPolicy<'_>) -> ReviewRequirement {
    ReviewRequirement {
        grounds: major_grounds(case, policy),
        all_decisions: policy.profile.params.review_all_decisions && !simplified(case),
        heavier_after_defence: crate::case::defence::current_rise(case).map(|r| r.describe()),
    }
}

/// The flags a handler may still declare: the fixed ones and the catalogue's categories
/// not yet declared.
pub fn available_flags(case: &Case, catalogue: &[ReviewCatalogueEntry]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Flag::FIXED
        .iter()
        .filter(|(code, _)| Flag::parse_fixed(code).is_some_and(|f| !case.review.has_flag(&f)))
        .map(|(code, label)| (code.to_string(), label.to_string()))
        .collect();
    for e in catalogue {
        if let ReviewCatalogueKind::Category { label } = &e.what
            && !case.review.flags.iter().any(|f| matches!(&f.flag, Flag::Catalogue { entry, .. } if *entry == e.id))
        {
            out.push((format!("catalogue:{}", e.id), format!("审核目录：{label}")));
        }
    }
    out
}

/// The flag a form's code names: a fixed flag or `catalogue:<entry id>`.
pub fn parse_flag(code: &str, catalogue: &[ReviewCatalogueEntry]) -> Option<Flag> {
    if let Some(id) = code.strip_prefix("catalogue:") {
        let id: Uuid = id.parse().ok()?;
        return catalogue.iter().find(|e| e.id == id).and_then(|e| match &e.what {
            ReviewCatalogueKind::Category { label } => Some(Flag::Catalogue { entry: id, label: label.clone() }),
            _ => None,
        });
    }
    Flag::parse_fixed(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_read_from_digits_and_chinese_numerals() {
        assert_eq!(parse_amount("2,000.50"), Some(Money::from_fen(200_050)));
        assert_eq!(parse_amount("0.5万元"), Some(Money::from_yuan(5000)));
        assert_eq!(parse_amount("abc"), None);
        assert_eq!(amount_after("罚款人民币2万元", "罚款"), Some(Money::from_yuan(20_000)));
        assert_eq!(amount_after("罚款五千元", "罚款"), Some(Money::from_yuan(5000)));
        assert_eq!(amount_after("罚款一万五千元", "罚款"), Some(Money::from_yuan(15_000)));
        assert_eq!(amount_after("没收违法所得12,000元并罚款", "没收"), Some(Money::from_yuan(12_000)));
        assert_eq!(amount_after("罚款", "罚款"), None);
        // rule: G-04 — amounts in 大写 are read (a decision states its fine so).
        assert_eq!(amount_after("罚款人民币伍仟元整", "罚款"), Some(Money::from_yuan(5000)));
        assert_eq!(amount_after("罚款人民币壹万贰仟叁佰元整", "罚款"), Some(Money::from_yuan(12_300)));
        assert_eq!(amount_after("罚款壹拾贰万零伍拾元柒角捌分", "罚款"), Some(Money::from_fen(12_005_078)));
        assert_eq!(amount_after("罚款拾万元", "罚款"), Some(Money::from_yuan(100_000)));
        assert_eq!(amount_after("罚款两千元", "罚款"), Some(Money::from_yuan(2000)));
        assert_eq!(amount_after("罚款壹亿贰仟万元", "罚款"), Some(Money::from_yuan(120_000_000)));
        assert_eq!(amount_after("罚款伍角", "罚款"), None);
        assert_eq!(amount_after("罚款玖玖玖亿亿亿亿元", "罚款"), None);
        assert!(mentions("吊销食品经营许可证", "吊销"));
        assert!(!mentions("不予吊销许可证", "吊销"));
    }
}
