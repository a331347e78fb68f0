//! Reading a target pool import (检查对象名录库导入): rows of text as the app decoded them
//! from a .csv or .xlsx file, with Chinese column headers, into [`Target`]s — or every bad
//! row with its row number and what is wrong.

use std::collections::HashMap;

use serde::Serialize;

use super::list::{RandomList, Target, TargetType};
use crate::ids::{Uscc, UsccError};

/// A bad row of an import file. `row` is the row number the user sees in the spreadsheet:
/// the header is row 1, the first data row is row 2.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    pub row: usize,
    /// The column header concerned, when one is.
    pub column: Option<String>,
    pub message: String,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
enum Column {
    Uscc,
    Name,
    Type,
    Address,
    Area,
    Industry,
}

impl Column {
    const ALL: [Column; 6] =
        [Column::Uscc, Column::Name, Column::Type, Column::Address, Column::Area, Column::Industry];

    fn label(self) -> &'static str {
        match self {
            Column::Uscc => "统一社会信用代码",
            Column::Name => "名称",
            Column::Type => "对象类型",
            Column::Address => "地址",
            Column::Area => "区域",
            Column::Industry => "行业",
        }
    }

    fn synonyms(self) -> &'static [&'static str] {
        match self {
            Column::Uscc => &["统一社会信用代码", "社会信用代码", "信用代码", "注册号/统一社会信用代码", "USCC"],
            Column::Name => &["名称", "对象名称", "单位名称", "企业名称", "检查对象名称", "字号名称"],
            Column::Type => &["对象类型", "类型", "主体类型", "检查对象类型"],
            Column::Address => &["地址", "住所", "经营场所", "住所（经营场所）", "注册地址"],
            Column::Area => &["区域", "所属区域", "辖区", "所属辖区", "乡镇"],
            Column::Industry => &["行业", "所属行业", "行业类别"],
        }
    }

    fn required(self) -> bool {
        self != Column::Industry
    }
}

/// Maps the header to columns; header cells are compared trimmed, without a trailing `*`
/// (the "required" mark many templates carry).
fn map_header(header: &[String]) -> Result<HashMap<Column, usize>, Vec<RowError>> {
    let mut map = HashMap::new();
    let mut errors = Vec::new();
    for (i, h) in header.iter().enumerate() {
        let h = h.trim().trim_end_matches(['*', '＊']).trim();
        let column = Column::ALL.into_iter().find(|c| c.synonyms().iter().any(|s| s.eq_ignore_ascii_case(h)));
        if let Some(c) = column
            && map.insert(c, i).is_some()
        {
            errors.push(RowError {
                row: 1,
                column: Some(h.to_string()),
                message: format!("表头中“{}”列出现了两次", c.label()),
            });
        }
    }
    for c in Column::ALL.into_iter().filter(|c| c.required() && !map.contains_key(c)) {
        errors.push(RowError {
            row: 1,
            column: Some(c.label().to_string()),
            message: format!("表头缺少“{}”列（可用名称：{}）", c.label(), c.synonyms().join("、")),
        });
    }
    if errors.is_empty() { Ok(map) } else { Err(errors) }
}

/// Reads the data rows of an import file against its header. Every bad row is returned —
/// a bad or missing code (with the check character GB 32100-2015 expects), a missing name
/// or area, an unknown target type, a code repeated in the file or already in `pool` —
/// so the user corrects the file once. Blank rows are skipped. A batch with any error
/// is not imported (see [`RandomList::decide_import_targets`]).
pub fn parse_target_rows(
    rows: &[Vec<String>],
    header: &[String],
    pool: &RandomList,
) -> Result<Vec<Target>, Vec<RowError>> {
    let columns = map_header(header)?;
    let mut errors = Vec::new();
    let mut targets = Vec::new();
    let mut first_seen: HashMap<String, usize> = HashMap::new();
    for (i, row) in rows.iter().enumerate() {
        let n = i + 2;
        if row.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let cell = |c: Column| columns.get(&c).and_then(|&j| row.get(j)).map(|s| s.trim()).unwrap_or("");
        let mut err = |c: Column, message: String| {
            errors.push(RowError {
                row: n,
                column: Some(c.label().to_string()),
                message: format!("第{n}行：{message}"),
            })
        };
        let code = cell(Column::Uscc);
        let uscc = if code.is_empty() {
            err(Column::Uscc, "缺少统一社会信用代码".into());
            None
        } else {
            match Uscc::parse(code) {
                Ok(u) => Some(u),
                Err(UsccError::CheckCharacter { expected, actual }) => {
                    err(
                        Column::Uscc,
                        format!("统一社会信用代码{code}校验位不符：按GB 32100-2015应为{expected}，实际为{actual}"),
                    );
                    None
                }
                Err(e) => {
                    err(Column::Uscc, format!("{e}（{code}）"));
                    None
                }
            }
        };
        let name = cell(Column::Name);
        if name.is_empty() {
            err(Column::Name, "缺少名称".into());
        }
        let kind = cell(Column::Type);
        let target_type = TargetType::parse(kind);
        if target_type.is_none() {
            let known: Vec<_> = TargetType::ALL.iter().map(|t| t.label()).collect();
            let what = if kind.is_empty() {
                "缺少对象类型".to_string()
            } else {
                format!("对象类型“{kind}”无法识别")
            };
            err(Column::Type, format!("{what}，应为{}之一", known.join("、")));
        }
        let area = cell(Column::Area);
        if area.is_empty() {
            err(Column::Area, "缺少所属区域".into());
        }
        let Some(uscc) = uscc else { continue };
        if let Some(first) = first_seen.get(uscc.as_str()) {
            err(Column::Uscc, format!("统一社会信用代码{uscc}与第{first}行重复"));
            continue;
        }
        first_seen.insert(uscc.as_str().to_string(), n);
        if pool.targets.contains_key(uscc.as_str()) {
            err(Column::Uscc, format!("统一社会信用代码{uscc}已在检查对象名录库中"));
            continue;
        }
        if let (false, Some(target_type), false) = (name.is_empty(), target_type, area.is_empty()) {
            let industry = cell(Column::Industry);
            targets.push(Target {
                uscc,
                name: name.to_string(),
                target_type,
                address: cell(Column::Address).to_string(),
                area: area.to_string(),
                industry: (!industry.is_empty()).then(|| industry.to_string()),
            });
        }
    }
    if targets.is_empty() && errors.is_empty() {
        errors.push(RowError { row: 1, column: None, message: "文件中没有检查对象数据".into() });
    }
    if errors.is_empty() { Ok(targets) } else { Err(errors) }
}
