//! Same case, same penalty (同案同罚, B-03): per violation type and tier of the discretion
//! benchmark, the distribution of the fines actually imposed and the outliers.
//!
//! The input is [`CaseFacts`]: a case counts when its decision carries a benchmark
//! assessment (B-02) and a fine — the fine as D-11 reads it, which for an assessed
//! decision is the assessed proposal's. Cases are grouped by the violation type's code and
//! the tier's name (a tier's name is unique within its benchmark).
//!
//! **Quartiles** are by linear interpolation between order statistics (Hyndman & Fan type
//! 7, the default of R's `quantile`, NumPy's `percentile` and Excel's `QUARTILE.INC`): of
//! the sorted fines x₀ … xₙ₋₁, the p-quantile is at position h = (n − 1)·p, between
//! x⌊h⌋ and x⌊h⌋₊₁ in proportion to the fraction of h. For 1, 2, 3, 4 yuan that gives
//! 1.75, 2.5 and 3.25 yuan. They are computed exactly (in quarters of a fen) and shown
//! rounded to the fen, halves up.
//!
//! **Outliers** are the fines outside the tier's own range for that case (B-02's bounds;
//! for a multiple, of the case's base amount), and — when the group has at least
//! [`FENCE_MIN_CASES`] cases — those outside Tukey's fences, more than 1.5 times the
//! interquartile range below the lower quartile or above the upper one, compared exactly.

use std::collections::BTreeMap;

use serde::Serialize;

use super::Subject;
use super::facts::CaseFacts;
use crate::money::Money;

/// The fewest cases in a group for Tukey's fences to be drawn.
pub const FENCE_MIN_CASES: usize = 4;

/// The fines of one violation type and tier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PenaltyGroup {
    pub violation_code: String,
    pub violation_name: String,
    pub tier: String,
    /// The tier's fine range as shown, from the group's latest assessed case.
    pub tier_fine: String,
    pub count: usize,
    pub min: Money,
    pub lower_quartile: Money,
    pub median: Money,
    pub upper_quartile: Money,
    pub max: Money,
    /// Tukey's fences (lower, upper), rounded to the fen; `None` below
    /// [`FENCE_MIN_CASES`] cases.
    pub fences: Option<(Money, Money)>,
    /// In ascending order of fine.
    pub outliers: Vec<Outlier>,
}

/// A fine that stands out in its group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outlier {
    pub subject: Subject,
    pub fine: Money,
    /// Why, in Chinese; several reasons joined with "；".
    pub why: String,
}

/// Four times the type-7 quantile q/4 of the sorted `xs` (q = 1, 2, 3): exact, in
/// quarters of a fen.
fn quartile4(xs: &[i64], q: usize) -> i128 {
    let pos = (xs.len() - 1) * q;
    let (k, r) = (pos / 4, pos % 4);
    let lo = i128::from(xs[k]);
    if r == 0 {
        return 4 * lo;
    }
    4 * lo + r as i128 * (i128::from(xs[k + 1]) - lo)
}

/// `v / d` rounded to the nearest fen, halves up.
fn round_fen(v: i128, d: i128) -> Money {
    let fen = (2 * v + d).div_euclid(2 * d);
    Money::from_fen(i64::try_from(fen).unwrap_or(if fen < 0 { i64::MIN } else { i64::MAX }))
}

/// The type-7 quartiles (lower, median, upper) of fines, rounded to the fen; `None` for
/// none. Sorts `fen`.
pub fn quartiles(fen: &mut [i64]) -> Option<(Money, Money, Money)> {
    if fen.is_empty() {
        return None;
    }
    fen.sort_unstable();
    Some((round_fen(quartile4(fen, 1), 4), round_fen(quartile4(fen, 2), 4), round_fen(quartile4(fen, 3), 4)))
}

/// The groups of `cases` (filter them by agency or period first), ordered by violation
/// code and tier.
pub fn groups<'a>(cases: impl IntoIterator<Item = &'a CaseFacts>) -> Vec<PenaltyGroup> {
    let mut by_key: BTreeMap<(String, String), Vec<&CaseFacts>> = BTreeMap::new();
    for c in cases {
        let Some(d) = &c.decision else { continue };
        let (Some(a), Some(_)) = (&d.assessment, d.fine) else { continue };
        by_key.entry((a.violation_code.clone(), a.tier.clone())).or_default().push(c);
    }
    by_key.into_values().map(|cases| group(&cases)).collect()
}

fn fine(c: &CaseFacts) -> Money {
    c.decision.as_ref().and_then(|d| d.fine).unwrap_or(Money::ZERO)
}

fn group(cases: &[&CaseFacts]) -> PenaltyGroup {
    let mut fen: Vec<i64> = cases.iter().map(|c| fine(c).fen()).collect();
    fen.sort_unstable();
    let (q1_4, q2_4, q3_4) = (quartile4(&fen, 1), quartile4(&fen, 2), quartile4(&fen, 3));
    // Fences in eighths of a fen: 8·(Q1 − 1.5·IQR) = 2·(4Q1) − 3·(4Q3 − 4Q1).
    let fences8 = (fen.len() >= FENCE_MIN_CASES).then(|| {
        let iqr4 = q3_4 - q1_4;
        (2 * q1_4 - 3 * iqr4, 2 * q3_4 + 3 * iqr4)
    });
    let latest = cases
        .iter()
        .filter_map(|c| c.decision.as_ref()?.assessment.as_ref().map(|a| (c.decided_on(), a)))
        .max_by_key(|(on, _)| *on)
        .map(|(_, a)| a)
        .expect("every case of a group is assessed");

    let mut outliers: Vec<Outlier> = cases
        .iter()
        .filter_map(|c| {
            let fine = fine(c);
            let a = c.decision.as_ref()?.assessment.as_ref()?;
            let mut why = Vec::new();
            if let Some((min, max)) = a.tier_bounds {
                if fine < min {
                    why.push(format!("罚款{}低于该阶次罚款下限{}", fine.yuan_2dp(), min.yuan_2dp()));
                }
                if fine > max {
                    why.push(format!("罚款{}高于该阶次罚款上限{}", fine.yuan_2dp(), max.yuan_2dp()));
                }
            }
            if let Some((lo8, hi8)) = fences8 {
                let x8 = 8 * i128::from(fine.fen());
                if x8 < lo8 {
                    why.push(format!(
                        "罚款{}明显低于同类案件（低于下四分位数减1.5倍四分位距，即{}）",
                        fine.yuan_2dp(),
                        round_fen(lo8, 8).yuan_2dp()
                    ));
                }
                if x8 > hi8 {
                    why.push(format!(
                        "罚款{}明显高于同类案件（高于上四分位数加1.5倍四分位距，即{}）",
                        fine.yuan_2dp(),
                        round_fen(hi8, 8).yuan_2dp()
                    ));
                }
            }
            (!why.is_empty()).then(|| Outlier { subject: c.subject(), fine, why: why.join("；") })
        })
        .collect();
    outliers.sort_by(|a, b| (a.fine, &a.subject).cmp(&(b.fine, &b.subject)));

    PenaltyGroup {
        violation_code: latest.violation_code.clone(),
        violation_name: latest.violation_name.clone(),
        tier: latest.tier.clone(),
        tier_fine: latest.tier_fine.clone(),
        count: fen.len(),
        min: Money::from_fen(fen[0]),
        lower_quartile: round_fen(q1_4, 4),
        median: round_fen(q2_4, 4),
        upper_quartile: round_fen(q3_4, 4),
        max: Money::from_fen(fen[fen.len() - 1]),
        fences: fences8.map(|(lo, hi)| (round_fen(lo, 8), round_fen(hi, 8))),
        outliers,
    }
}
