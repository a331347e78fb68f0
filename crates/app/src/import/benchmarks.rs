//! Parsing a discretion-benchmark list (裁量基准, rule B-01): one row per tier, the rows of
//! one violation type grouped by its code. Columns: 违法行为编码, 违法行为名称, 违法依据,
//! 处罚依据, 裁量阶次, 适用情形, 处罚种类 (required); 罚款下限, 罚款上限 (amounts such as
//! 5000 or 0.5万元, or multiples such as 货值金额10倍; empty when the tier has no fine).
//!
//! Within the file: the rows of one code agree on name and bases, and a tier is listed
//! once per code. The text of each group is read into a [`Benchmark`] by the caller, who
//! checks it against the agency; the row numbers kept here let it report on the right row.
//!
//! [`Benchmark`]: zhifa_core::discretion::Benchmark

use zhifa_core::discretion::{BenchmarkText, TierText};

use super::{Col, Columns, RowError, Seen, Table, check_duplicate, parse_rows};

mod col {
    use super::Col;

    pub const CODE: Col = Col::required("违法行为编码").or(&["编码", "违法行为代码"]);
    pub const NAME: Col = Col::required("违法行为名称").or(&["违法行为"]);
    pub const VIOLATION_BASIS: Col = Col::required("违法依据").or(&["违法行为依据"]);
    pub const PENALTY_BASIS: Col = Col::required("处罚依据");
    pub const TIER: Col = Col::required("裁量阶次").or(&["阶次", "裁量等级", "违法程度"]);
    pub const CIRCUMSTANCES: Col = Col::required("适用情形").or(&["情形", "具体情形", "违法情节"]);
    pub const PENALTIES: Col = Col::required("处罚种类").or(&["处罚类型"]);
    pub const FINE_MIN: Col = Col::optional("罚款下限").or(&["罚款最低额", "最低罚款"]);
    pub const FINE_MAX: Col = Col::optional("罚款上限").or(&["罚款最高额", "最高罚款"]);

    pub const ALL: [Col; 9] =
        [CODE, NAME, VIOLATION_BASIS, PENALTY_BASIS, TIER, CIRCUMSTANCES, PENALTIES, FINE_MIN, FINE_MAX];
}

/// The column header of a field of [`BenchmarkText::parse`] or of the agency's check, for
/// the report: `violation_basis` → 违法依据, `tiers.0.fine.max` → 罚款上限.
pub fn column_of(field: &str) -> Option<&'static str> {
    let tail = field
        .split_once('.')
        .filter(|(head, _)| *head == "tiers")
        .map_or(field, |(_, rest)| rest.split_once('.').map_or(rest, |(_, after_index)| after_index));
    Some(match tail {
        "code" => col::CODE.name,
        "name" if field.starts_with("tiers.") => col::TIER.name,
        "name" => col::NAME.name,
        "violation_basis" => col::VIOLATION_BASIS.name,
        "penalty_basis" => col::PENALTY_BASIS.name,
        "circumstances" => col::CIRCUMSTANCES.name,
        "penalties" => col::PENALTIES.name,
        "fine.min" => col::FINE_MIN.name,
        "fine.max" => col::FINE_MAX.name,
        _ => return None,
    })
}

/// The rows of one violation type: its text, the row of each tier (in order), the first row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BenchmarkRows {
    pub text: BenchmarkText,
    pub tier_rows: Vec<usize>,
}

impl BenchmarkRows {
    /// The row a field's problem belongs to: the tier's, or the first row of the group.
    pub fn row_of(&self, field: &str) -> usize {
        field
            .strip_prefix("tiers.")
            .and_then(|rest| rest.split('.').next())
            .and_then(|i| i.parse::<usize>().ok())
            .and_then(|i| self.tier_rows.get(i).copied())
            .unwrap_or(self.tier_rows[0])
    }
}

/// Parses a benchmark list into groups of rows, one per violation code, in file order.
pub fn parse_benchmarks(table: &Table) -> Result<Vec<BenchmarkRows>, Vec<RowError>> {
    let columns = Columns::resolve(table, &col::ALL);
    columns.require(&col::ALL).map_err(|e| vec![e.into()])?;
    let mut tiers_seen = Seen::new();
    let rows = parse_rows(table, &columns, |cells| {
        let code = cells.required(&col::CODE);
        let tier = cells.required(&col::TIER);
        if let (Some(code), Some(tier)) = (code, tier) {
            let what = format!("违法行为{code}的“{tier}”阶次");
            check_duplicate(cells, &mut tiers_seen, &col::TIER, (code.to_string(), tier.to_string()), &what);
        }
        let row = (
            code?.to_string(),
            cells.required(&col::NAME)?.to_string(),
            cells.required(&col::VIOLATION_BASIS)?.to_string(),
            cells.required(&col::PENALTY_BASIS)?.to_string(),
            TierText {
                name: tier?.to_string(),
                circumstances: cells.required(&col::CIRCUMSTANCES)?.to_string(),
                penalties: cells.required(&col::PENALTIES)?.to_string(),
                fine_min: cells.get(&col::FINE_MIN).to_string(),
                fine_max: cells.get(&col::FINE_MAX).to_string(),
            },
        );
        Some(row)
    })?;
    let mut groups: Vec<BenchmarkRows> = Vec::new();
    let mut errors = Vec::new();
    for (number, (code, name, violation_basis, penalty_basis, tier)) in rows {
        match groups.iter_mut().find(|g| g.text.code == code) {
            Some(g) => {
                let first = g.tier_rows[0];
                for (col, given, expected) in [
                    (&col::NAME, &name, &g.text.name),
                    (&col::VIOLATION_BASIS, &violation_basis, &g.text.violation_basis),
                    (&col::PENALTY_BASIS, &penalty_basis, &g.text.penalty_basis),
                ] {
                    if given != expected {
                        errors.push(RowError {
                            row: number,
                            column: columns.found.get(col.name).map(|(_, h)| h.to_string()),
                            message: format!("同一违法行为（编码{code}）的{}应与第{first}行一致", col.name),
                        });
                    }
                }
                g.text.tiers.push(tier);
                g.tier_rows.push(number);
            }
            None => groups.push(BenchmarkRows {
                text: BenchmarkText { code, name, violation_basis, penalty_basis, tiers: vec![tier] },
                tier_rows: vec![number],
            }),
        }
    }
    if errors.is_empty() { Ok(groups) } else { Err(errors) }
}
