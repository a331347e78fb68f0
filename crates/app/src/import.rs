//! Spreadsheet import: officer lists, enforcement-item lists, basis catalogues and
//! discretion benchmarks ([`benchmarks`]).
//!
//! Agencies keep their lists in Excel. This module turns an uploaded `.xlsx` or `.csv`
//! file into validated rows, with a row-by-row error report in Chinese, in two steps:
//!
//! 1. [`read_table`] reads the bytes into a [`Table`] of trimmed strings: the first
//!    non-empty row is the header, entirely empty rows are skipped, and every row keeps
//!    its row number as the user sees it in Excel (header in row 1, first data row 2).
//!    File-level problems (format, encoding, no data, missing columns, too many rows)
//!    are an [`ImportError`].
//! 2. [`parse_officers`], [`parse_items`] and [`parse_basis`] validate the rows and return
//!    either every row or every [`RowError`], in row order — never only the first.
//!
//! It is pure parsing: no database and no I/O besides the given bytes. Checks that need
//! the database or other files (unit names exist, certificate numbers unused) are the
//! caller's, which is why parsed rows keep their row number. Duplicates *within* the file
//! (citizen IDs, certificate numbers, item codes, citations) are reported here.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::fmt;
use std::hash::Hash;
use std::io::Cursor;

use calamine::{Data, ExcelDateTime, Reader, Xlsx, XlsxError, open_workbook_from_rs};
use chrono::{Days, NaiveDate};
use zhifa_core::basis::{Citation, parse_number};
use zhifa_core::ids::{CitizenId, CitizenIdError};
use zhifa_core::personnel::{Certificate, StaffKind};
use zhifa_core::registry::ActKind;

pub mod benchmarks;

/// The most data rows one file may hold.
pub const MAX_ROWS: usize = 5000;

// ---------------------------------------------------------------------------------------
// Tables
// ---------------------------------------------------------------------------------------

/// A sheet read from a file: cleaned headers and the non-empty data rows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Table {
    /// Column headers, trimmed, without inner whitespace and without a trailing `*` or `（必填）`.
    pub headers: Vec<String>,
    /// Data rows below the header, entirely empty rows left out.
    pub rows: Vec<TableRow>,
}

/// One data row of a [`Table`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableRow {
    /// 1-based row number as the user sees it in Excel: the header is row 1 (if it is the
    /// first row of the sheet), the first data row is 2.
    pub number: usize,
    /// Trimmed cell texts, in header order; may be shorter or longer than the headers.
    pub cells: Vec<String>,
}

impl Table {
    /// Index of the first column whose header is one of `names`.
    pub fn column(&self, names: &[&str]) -> Option<usize> {
        self.headers.iter().position(|h| names.contains(&h.as_str()))
    }
}

impl TableRow {
    /// The text of cell `index`, `""` when the row is shorter.
    pub fn cell(&self, index: usize) -> &str {
        self.cells.get(index).map_or("", String::as_str)
    }
}

// ---------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------

/// One problem with one row (or, with `row == 0`, with the file as a whole).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// Row number as the user sees it in Excel; 0 means the file as a whole.
    pub row: usize,
    /// The header of the column at fault, as written in the file.
    pub column: Option<String>,
    /// What is wrong and what to do, in Chinese.
    pub message: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.row, &self.column) {
            (0, _) => f.write_str(&self.message),
            (row, Some(column)) => write!(f, "第{row}行“{column}”：{}", self.message),
            (row, None) => write!(f, "第{row}行：{}", self.message),
        }
    }
}

impl From<ImportError> for RowError {
    fn from(e: ImportError) -> Self {
        Self { row: 0, column: None, message: e.to_string() }
    }
}

/// Why a file as a whole cannot be imported.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// Neither `.xlsx` nor `.csv`.
    #[error("不支持文件“{0}”的格式：请上传Excel工作簿（.xlsx）或CSV文件（.csv）")]
    UnknownFormat(String),
    /// An `.xls` file (or an encrypted workbook, which is stored the same way).
    #[error(
        "不支持旧版Excel文件（.xls）或设有打开密码的工作簿：请在Excel中取消密码，“另存为”Excel工作簿（.xlsx）后重新上传"
    )]
    LegacyExcel,
    /// The bytes cannot be read; `detail` is the technical cause, for logs only.
    #[error("无法读取文件：{reason}")]
    Unreadable {
        /// What the user should know, in Chinese.
        reason: &'static str,
        /// The underlying error, not shown to the user.
        detail: String,
    },
    /// No non-empty row at all.
    #[error("文件中没有内容：第一行应为表头，从第二行起每行一条记录")]
    EmptySheet,
    /// A header row and nothing below it.
    #[error("文件只有表头（第{header_row}行），没有数据行")]
    NoDataRows {
        /// Row number of the header.
        header_row: usize,
    },
    /// Required columns not found in the header row: all of them.
    #[error("缺少必填列：{}。请使用导入模板，表头写在第一行且不要改动列名", .0.join("、"))]
    MissingColumns(Vec<String>),
    /// More than [`MAX_ROWS`] data rows.
    #[error("数据行过多：共{count}行，单次最多导入{max}行，请拆分为多个文件分批导入", max = MAX_ROWS)]
    TooManyRows {
        /// Number of non-empty data rows in the file.
        count: usize,
    },
}

// ---------------------------------------------------------------------------------------
// Reading files
// ---------------------------------------------------------------------------------------

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
/// Compound File Binary: `.xls`, and also password-protected `.xlsx`.
const OLE_MAGIC: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Xlsx,
    Csv,
}

/// Reads an uploaded `.xlsx` (first worksheet) or `.csv` (UTF-8, with or without BOM, or
/// GBK/GB18030) file into a [`Table`].
///
/// The format is taken from the content when it is a zip archive (always read as
/// `.xlsx`), otherwise from the extension of `file_name`, case-insensitively.
pub fn read_table(file_name: &str, bytes: &[u8]) -> Result<Table, ImportError> {
    match detect_format(file_name, bytes)? {
        Format::Xlsx => read_xlsx(bytes),
        Format::Csv => read_csv(&decode_text(bytes)?),
    }
}

fn detect_format(file_name: &str, bytes: &[u8]) -> Result<Format, ImportError> {
    if bytes.starts_with(ZIP_MAGIC) {
        return Ok(Format::Xlsx);
    }
    if bytes.starts_with(OLE_MAGIC) {
        return Err(ImportError::LegacyExcel);
    }
    let extension = file_name.rsplit_once('.').map(|(_, ext)| ext.trim().to_ascii_lowercase());
    match extension.as_deref() {
        Some("csv") => Ok(Format::Csv),
        Some("xls") => Err(ImportError::LegacyExcel),
        Some("xlsx") if bytes.is_empty() => Err(ImportError::EmptySheet),
        Some("xlsx") => Err(ImportError::Unreadable {
            reason: "文件扩展名是.xlsx，但内容不是Excel工作簿，请用Excel打开后重新保存",
            detail: "no zip signature".to_string(),
        }),
        _ => Err(ImportError::UnknownFormat(file_name.to_string())),
    }
}

/// Collects rows into a table: the first non-empty row is the header, empty rows are
/// skipped, rows past [`MAX_ROWS`] are only counted.
#[derive(Default)]
struct TableBuilder {
    header: Option<(usize, Vec<String>)>,
    rows: Vec<TableRow>,
    data_rows: usize,
}

impl TableBuilder {
    fn push(&mut self, number: usize, cells: Vec<String>) {
        if cells.iter().all(String::is_empty) {
            return;
        }
        if self.header.is_none() {
            self.header = Some((number, cells.iter().map(|c| clean_header(c)).collect()));
            return;
        }
        self.data_rows += 1;
        if self.data_rows <= MAX_ROWS {
            self.rows.push(TableRow { number, cells });
        }
    }

    fn finish(self) -> Result<Table, ImportError> {
        let (header_row, headers) = self.header.ok_or(ImportError::EmptySheet)?;
        if self.data_rows == 0 {
            return Err(ImportError::NoDataRows { header_row });
        }
        if self.data_rows > MAX_ROWS {
            return Err(ImportError::TooManyRows { count: self.data_rows });
        }
        Ok(Table { headers, rows: self.rows })
    }
}

/// Removes whitespace (also inside: "姓 名" is 姓名) and a trailing required mark.
fn clean_header(raw: &str) -> String {
    let mut header: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
    for mark in ["*", "＊", "（必填）", "(必填)"] {
        if let Some(stripped) = header.strip_suffix(mark) {
            header = stripped.to_string();
        }
    }
    header
}

fn read_xlsx(bytes: &[u8]) -> Result<Table, ImportError> {
    let unreadable = |detail: String| ImportError::Unreadable {
        reason: "文件已损坏或不是有效的Excel工作簿（.xlsx），请用Excel打开后重新保存",
        detail,
    };
    let mut workbook: Xlsx<Cursor<&[u8]>> =
        open_workbook_from_rs(Cursor::new(bytes)).map_err(|e: XlsxError| unreadable(e.to_string()))?;
    let range =
        workbook.worksheet_range_at(0).ok_or(ImportError::EmptySheet)?.map_err(|e| unreadable(e.to_string()))?;
    // Rows of a range are relative to its first used cell.
    let first_row = range.start().map_or(0, |(row, _)| row as usize);
    let mut builder = TableBuilder::default();
    for (i, cells) in range.rows().enumerate() {
        builder.push(first_row + i + 1, cells.iter().map(cell_text).collect());
    }
    builder.finish()
}

/// The text of an Excel cell as the user reads it.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_string(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number_text(*f),
        Data::Bool(b) => if *b { "是" } else { "否" }.to_string(),
        Data::DateTime(dt) if dt.is_datetime() => {
            excel_date(dt).map_or_else(|| number_text(dt.as_f64()), |d| d.to_string())
        }
        Data::DateTimeIso(s) => iso_date_prefix(s).map_or_else(|| s.trim().to_string(), |d| d.to_string()),
        other => other.to_string().trim().to_string(),
    }
}

/// Integral numbers print without decimals or exponent, so that an ID-like 4307211985 or
/// a phone number stored as a number reads as typed.
fn number_text(f: f64) -> String {
    if f == 0.0 {
        "0".to_string()
    } else if f.is_finite() && f.fract() == 0.0 {
        format!("{f:.0}")
    } else {
        f.to_string()
    }
}

/// The calendar date of a date/datetime cell (time of day dropped).
fn excel_date(dt: &ExcelDateTime) -> Option<NaiveDate> {
    let (year, month, day, ..) = dt.to_ymd_hms_milli();
    // Excel's fictitious 1900-02-29 is not a date; fall back to plain serial arithmetic.
    NaiveDate::from_ymd_opt(year.into(), month.into(), day.into()).or_else(|| excel_serial_date(dt.as_f64()))
}

/// The date of an Excel serial day number (1900 date system: day 0 = 1899-12-30).
fn excel_serial_date(serial: f64) -> Option<NaiveDate> {
    // 2958465 is 9999-12-31, the last day Excel knows.
    if !(0.0..2_958_466.0).contains(&serial) {
        return None;
    }
    NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_days(Days::new(serial.floor() as u64))
}

fn iso_date_prefix(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim().get(..10)?, "%Y-%m-%d").ok()
}

/// UTF-8 (BOM stripped) if valid, else GB18030 (a superset of GBK, as Excel in China saves).
fn decode_text(bytes: &[u8]) -> Result<String, ImportError> {
    let bytes = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(text.to_string());
    }
    let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
    if had_errors {
        return Err(ImportError::Unreadable {
            reason: "文件编码无法识别，请在Excel中另存为“CSV UTF-8（逗号分隔）”或Excel工作簿（.xlsx）",
            detail: "neither UTF-8 nor GB18030".to_string(),
        });
    }
    Ok(text.into_owned())
}

fn read_csv(text: &str) -> Result<Table, ImportError> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut builder = TableBuilder::default();
    // Line breaks inside quoted cells: Excel shows such a record as one row.
    let mut inner_breaks = 0usize;
    for record in reader.records() {
        let record = record.map_err(|e| ImportError::Unreadable {
            reason: "CSV文件格式错误，请用Excel打开后重新保存",
            detail: e.to_string(),
        })?;
        let line = record.position().map_or(0, |p| record_line(text, p));
        let number = line.saturating_sub(inner_breaks);
        inner_breaks += record.iter().map(|field| field.matches('\n').count()).sum::<usize>();
        builder.push(number, record.iter().map(|field| field.trim().to_string()).collect());
    }
    builder.finish()
}

/// The line a record starts on. The csv crate skips blank lines but reports the position
/// of the first of them, so count those that precede the record.
fn record_line(text: &str, position: &csv::Position) -> usize {
    let blank_lines = usize::try_from(position.byte())
        .ok()
        .and_then(|start| text.as_bytes().get(start..))
        .map_or(0, |rest| rest.iter().take_while(|b| matches!(b, b'\n' | b'\r')).filter(|b| **b == b'\n').count());
    usize::try_from(position.line()).unwrap_or(usize::MAX).saturating_add(blank_lines)
}

// ---------------------------------------------------------------------------------------
// Columns and rows
// ---------------------------------------------------------------------------------------

/// A column a parser reads: its name in the import template and other accepted headers.
#[derive(Debug, Clone, Copy)]
struct Col {
    name: &'static str,
    aliases: &'static [&'static str],
    required: bool,
}

impl Col {
    const fn required(name: &'static str) -> Self {
        Self { name, aliases: &[], required: true }
    }

    const fn optional(name: &'static str) -> Self {
        Self { name, aliases: &[], required: false }
    }

    const fn or(self, aliases: &'static [&'static str]) -> Self {
        Self { aliases, ..self }
    }

    fn matches(&self, header: &str) -> bool {
        self.name == header || self.aliases.contains(&header)
    }
}

/// Where the columns of a schema are in a table: index and header as written.
struct Columns<'t> {
    found: HashMap<&'static str, (usize, &'t str)>,
}

impl<'t> Columns<'t> {
    fn resolve(table: &'t Table, schema: &[Col]) -> Self {
        let found = schema
            .iter()
            .filter_map(|col| {
                let index = table.headers.iter().position(|h| col.matches(h))?;
                Some((col.name, (index, table.headers[index].as_str())))
            })
            .collect();
        Self { found }
    }

    fn has(&self, col: &Col) -> bool {
        self.found.contains_key(col.name)
    }

    fn index(&self, col: &Col) -> Option<usize> {
        self.found.get(col.name).map(|(index, _)| *index)
    }

    /// Names of the given columns that are not in the table.
    fn missing<'c>(&self, cols: impl IntoIterator<Item = &'c Col>) -> Vec<String> {
        cols.into_iter().filter(|c| !self.has(c)).map(|c| c.name.to_string()).collect()
    }

    fn require(&self, schema: &[Col]) -> Result<(), ImportError> {
        let missing = self.missing(schema.iter().filter(|c| c.required));
        if missing.is_empty() { Ok(()) } else { Err(ImportError::MissingColumns(missing)) }
    }
}

/// One row being parsed: reads cells by column and collects that row's errors.
struct Cells<'a> {
    columns: &'a Columns<'a>,
    row: &'a TableRow,
    errors: Vec<RowError>,
}

impl<'a> Cells<'a> {
    fn new(columns: &'a Columns<'a>, row: &'a TableRow) -> Self {
        Self { columns, row, errors: Vec::new() }
    }

    fn number(&self) -> usize {
        self.row.number
    }

    /// The cell text, `""` when the column is absent.
    fn get(&self, col: &Col) -> &'a str {
        self.columns.index(col).map_or("", |index| self.row.cell(index))
    }

    /// The header as the file writes it, so the user finds the column.
    fn header(&self, col: &Col) -> String {
        self.columns.found.get(col.name).map_or(col.name, |(_, header)| header).to_string()
    }

    fn fail(&mut self, col: &Col, message: impl Into<String>) {
        let column = Some(self.header(col));
        self.errors.push(RowError { row: self.row.number, column, message: message.into() });
    }

    /// The cell text, or an error when it is empty.
    fn required(&mut self, col: &Col) -> Option<&'a str> {
        let value = self.get(col);
        if value.is_empty() {
            self.fail(col, format!("请填写{}", col.name));
            return None;
        }
        Some(value)
    }

    /// A required cell parsed by `parse`, whose error message is reported on failure.
    fn parsed<T, E: fmt::Display>(&mut self, col: &Col, parse: impl FnOnce(&str) -> Result<T, E>) -> Option<T> {
        let value = self.required(col)?;
        parse(value).map_err(|e| self.fail(col, e.to_string())).ok()
    }
}

/// First row number of each key seen so far, for "与第N行重复".
struct Seen<K> {
    first: HashMap<K, usize>,
}

impl<K: Hash + Eq> Seen<K> {
    fn new() -> Self {
        Self { first: HashMap::new() }
    }

    /// The earlier row with the same key, or `None` (and the key is remembered).
    fn earlier(&mut self, key: K, row: usize) -> Option<usize> {
        match self.first.entry(key) {
            Entry::Occupied(e) => Some(*e.get()),
            Entry::Vacant(e) => {
                e.insert(row);
                None
            }
        }
    }
}

/// Reports `key` as a duplicate of an earlier row, if it is one; `what` names it in the message.
fn check_duplicate<K: Hash + Eq>(cells: &mut Cells<'_>, seen: &mut Seen<K>, col: &Col, key: K, what: &str) {
    if let Some(first) = seen.earlier(key, cells.number()) {
        cells.fail(col, format!("{what}与第{first}行重复"));
    }
}

/// Runs `parse_row` on every row: all rows, or every error of every row in row order.
fn parse_rows<T>(
    table: &Table,
    columns: &Columns<'_>,
    mut parse_row: impl FnMut(&mut Cells<'_>) -> Option<T>,
) -> Result<Vec<(usize, T)>, Vec<RowError>> {
    let mut parsed = Vec::with_capacity(table.rows.len());
    let mut errors = Vec::new();
    for row in &table.rows {
        let mut cells = Cells::new(columns, row);
        let value = parse_row(&mut cells);
        match value {
            Some(value) if cells.errors.is_empty() => parsed.push((row.number, value)),
            _ => errors.append(&mut cells.errors),
        }
    }
    if errors.is_empty() { Ok(parsed) } else { Err(errors) }
}

/// Parses a date as people type it: 2025-01-31, 2025/1/31, 2025.1.31, 2025年1月31日,
/// 20250131, an ISO date-time (time dropped), or an Excel serial day number (45688).
pub fn parse_date(input: &str) -> Option<NaiveDate> {
    let s = input.trim();
    if s.bytes().all(|b| b.is_ascii_digit()) {
        return match s.len() {
            8 => NaiveDate::parse_from_str(s, "%Y%m%d").ok(),
            5 => excel_serial_date(s.parse().ok()?),
            _ => None,
        };
    }
    let date_part = s.split([' ', 'T']).next().unwrap_or(s);
    let normalized: String = date_part
        .trim_end_matches('日')
        .chars()
        .map(|c| if matches!(c, '年' | '月' | '/' | '.') { '-' } else { c })
        .collect();
    let mut parts = normalized.split('-').map(|p| p.parse::<u32>().ok());
    let (year, month, day) = (parts.next()??, parts.next()??, parts.next()??);
    if parts.next().is_some() || year < 1000 {
        return None;
    }
    NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)
}

/// An 11-digit mobile number (1xxxxxxxxxx) or a landline with area code
/// (0736-1234567, 07361234567, 010-12345678).
pub fn is_valid_phone(input: &str) -> bool {
    let digits =
        |p: &str, len: std::ops::RangeInclusive<usize>| len.contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit());
    let s = input.trim();
    if let Some((area, local)) = s.split_once('-') {
        return area.starts_with('0') && digits(area, 3..=4) && digits(local, 7..=8);
    }
    let mobile = s.starts_with('1') && digits(s, 11..=11);
    let landline = s.starts_with('0') && digits(s, 10..=12);
    mobile || landline
}

// ---------------------------------------------------------------------------------------
// Officers
// ---------------------------------------------------------------------------------------

/// One row of an officer list (执法人员名单).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficerImport {
    /// 姓名
    pub name: String,
    /// 身份证号码
    pub citizen_id: CitizenId,
    /// 人员类别
    pub kind: StaffKind,
    /// 内设机构, by name: the caller resolves it to a unit.
    pub unit_name: String,
    /// 职务, may be empty.
    pub position: String,
    /// 联系电话, may be empty.
    pub phone: String,
    /// 行政执法证, when 执法证号 is filled (never revoked).
    pub certificate: Option<Certificate>,
}

mod officer {
    use super::Col;

    pub const NAME: Col = Col::required("姓名");
    pub const CITIZEN_ID: Col = Col::required("身份证号码").or(&["身份证号"]);
    pub const KIND: Col = Col::required("人员类别");
    pub const UNIT: Col = Col::required("内设机构");
    pub const POSITION: Col = Col::optional("职务");
    pub const PHONE: Col = Col::optional("联系电话");
    pub const CERT_NUMBER: Col = Col::optional("执法证号");
    pub const CERT_CATEGORY: Col = Col::optional("执法类别");
    pub const CERT_SCOPE: Col = Col::optional("执法区域");
    pub const CERT_ISSUED: Col = Col::optional("发证日期");
    pub const CERT_EXPIRES: Col = Col::optional("有效期至").or(&["有效期截止日期"]);

    pub const ALL: [Col; 11] = [
        NAME,
        CITIZEN_ID,
        KIND,
        UNIT,
        POSITION,
        PHONE,
        CERT_NUMBER,
        CERT_CATEGORY,
        CERT_SCOPE,
        CERT_ISSUED,
        CERT_EXPIRES,
    ];
    /// Required on a row whose 执法证号 is filled.
    pub const CERT_DETAILS: [Col; 4] = [CERT_CATEGORY, CERT_SCOPE, CERT_ISSUED, CERT_EXPIRES];
}

/// Parses an officer list. Columns: 姓名, 身份证号码 (or 身份证号), 人员类别, 内设机构
/// (required); 职务, 联系电话; 执法证号 with 执法类别, 执法区域, 发证日期, 有效期至 (or
/// 有效期截止日期), all required on a row with a certificate number.
pub fn parse_officers(table: &Table) -> Result<Vec<(usize, OfficerImport)>, Vec<RowError>> {
    let columns = Columns::resolve(table, &officer::ALL);
    columns.require(&officer::ALL).map_err(|e| vec![e.into()])?;
    let has_certificates = columns
        .index(&officer::CERT_NUMBER)
        .is_some_and(|index| table.rows.iter().any(|row| !row.cell(index).is_empty()));
    let missing = columns.missing(&officer::CERT_DETAILS);
    if has_certificates && !missing.is_empty() {
        return Err(vec![ImportError::MissingColumns(missing).into()]);
    }
    let mut seen = OfficerKeys { ids: Seen::new(), numbers: Seen::new() };
    parse_rows(table, &columns, |cells| officer_row(cells, &mut seen))
}

/// Citizen IDs and certificate numbers already in the file.
struct OfficerKeys {
    ids: Seen<String>,
    numbers: Seen<String>,
}

fn officer_row(cells: &mut Cells<'_>, seen: &mut OfficerKeys) -> Option<OfficerImport> {
    let name = cells.required(&officer::NAME);
    let citizen_id = cells.required(&officer::CITIZEN_ID).and_then(|value| {
        CitizenId::parse(value).map_err(|e| cells.fail(&officer::CITIZEN_ID, citizen_id_message(value, &e))).ok()
    });
    if let Some(id) = &citizen_id {
        // The number itself is not repeated in the message: it is personal data.
        check_duplicate(cells, &mut seen.ids, &officer::CITIZEN_ID, id.to_string(), "身份证号码");
    }
    let kind = cells.parsed(&officer::KIND, |v| {
        StaffKind::parse(v)
            .ok_or_else(|| format!("人员类别“{v}”无法识别：应为行政执法人员、执法辅助人员或法制审核人员"))
    });
    let unit_name = cells.required(&officer::UNIT);
    let phone = cells.get(&officer::PHONE);
    if !phone.is_empty() && !is_valid_phone(phone) {
        cells.fail(
            &officer::PHONE,
            format!("联系电话“{phone}”格式不正确：应为11位手机号码或带区号的固定电话（如0736-1234567）"),
        );
    }
    let certificate = certificate(cells);
    let number = cells.get(&officer::CERT_NUMBER);
    if !number.is_empty() {
        let what = format!("执法证号{number}");
        check_duplicate(cells, &mut seen.numbers, &officer::CERT_NUMBER, number.to_ascii_uppercase(), &what);
        if kind == Some(StaffKind::Auxiliary) {
            cells.fail(&officer::CERT_NUMBER, "执法辅助人员不得持有行政执法证");
        }
    }
    Some(OfficerImport {
        name: name?.to_string(),
        citizen_id: citizen_id?,
        kind: kind?,
        unit_name: unit_name?.to_string(),
        position: cells.get(&officer::POSITION).to_string(),
        phone: phone.to_string(),
        certificate: certificate?,
    })
}

/// The error, with a hint when Excel has mangled a long number.
fn citizen_id_message(value: &str, error: &CitizenIdError) -> String {
    let mangled = value.contains(['E', 'e']) && value.contains('+');
    let rounded = matches!(error, CitizenIdError::CheckDigit { .. }) && value.ends_with("000");
    if mangled || rounded {
        format!("{error}。号码可能被Excel当作数字处理而失真，请将该列设置为“文本”格式后重新填写")
    } else {
        error.to_string()
    }
}

/// `Some(None)`: no certificate; `Some(Some(_))`: a valid one; `None`: errors reported.
fn certificate(cells: &mut Cells<'_>) -> Option<Option<Certificate>> {
    let number = cells.get(&officer::CERT_NUMBER);
    if number.is_empty() {
        if officer::CERT_DETAILS.iter().any(|col| !cells.get(col).is_empty()) {
            cells.fail(&officer::CERT_NUMBER, "填写了执法证信息但缺少执法证号");
            return None;
        }
        return Some(None);
    }
    let issued_on = date_cell(cells, &officer::CERT_ISSUED);
    let expires_on = date_cell(cells, &officer::CERT_EXPIRES);
    let certificate = Certificate {
        number: number.to_string(),
        category: cells.get(&officer::CERT_CATEGORY).to_string(),
        scope: cells.get(&officer::CERT_SCOPE).to_string(),
        // Placeholders when a date is bad (already reported): the other fields still get checked.
        issued_on: issued_on.unwrap_or(NaiveDate::MIN),
        expires_on: expires_on.unwrap_or(NaiveDate::MAX),
        revoked: None,
    };
    let rejection = match certificate.validate() {
        Ok(()) => return issued_on.and(expires_on).map(|_| Some(certificate)),
        Err(rejection) => rejection,
    };
    for error in rejection.errors {
        cells.fail(certificate_column(&error.field), error.message);
    }
    None
}

/// The column of a field of [`Certificate::validate`].
fn certificate_column(field: &str) -> &'static Col {
    match field {
        "certificate.category" => &officer::CERT_CATEGORY,
        "certificate.scope" => &officer::CERT_SCOPE,
        "certificate.issued_on" => &officer::CERT_ISSUED,
        "certificate.expires_on" => &officer::CERT_EXPIRES,
        _ => &officer::CERT_NUMBER,
    }
}

fn date_cell(cells: &mut Cells<'_>, col: &Col) -> Option<NaiveDate> {
    cells.parsed(col, |v| parse_date(v).ok_or_else(|| format!("日期“{v}”无法识别，请按2025-01-31的格式填写")))
}

// ---------------------------------------------------------------------------------------
// Enforcement items
// ---------------------------------------------------------------------------------------

/// One row of an enforcement-item list (行政执法事项清单).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemImport {
    /// 事项编码
    pub code: String,
    /// 事项名称
    pub name: String,
    /// 事项类别
    pub kind: ActKind,
    /// 实施依据, as written.
    pub basis: String,
    /// 实施主体
    pub competence: String,
    /// 办理流程, may be empty.
    pub procedure: String,
}

mod item {
    use super::Col;

    pub const CODE: Col = Col::required("事项编码");
    pub const NAME: Col = Col::required("事项名称");
    pub const KIND: Col = Col::required("事项类别");
    pub const BASIS: Col = Col::required("实施依据");
    pub const COMPETENCE: Col = Col::required("实施主体");
    pub const PROCEDURE: Col = Col::optional("办理流程");

    pub const ALL: [Col; 6] = [CODE, NAME, KIND, BASIS, COMPETENCE, PROCEDURE];
}

/// Parses an enforcement-item list. Columns: 事项编码, 事项名称, 事项类别, 实施依据,
/// 实施主体 (required), 办理流程 (optional).
pub fn parse_items(table: &Table) -> Result<Vec<(usize, ItemImport)>, Vec<RowError>> {
    let columns = Columns::resolve(table, &item::ALL);
    columns.require(&item::ALL).map_err(|e| vec![e.into()])?;
    let mut codes = Seen::new();
    parse_rows(table, &columns, |cells| {
        let code = cells.required(&item::CODE);
        if let Some(code) = code {
            check_duplicate(cells, &mut codes, &item::CODE, code.to_string(), &format!("事项编码{code}"));
        }
        let name = cells.required(&item::NAME);
        let kind = cells.parsed(&item::KIND, |v| ActKind::parse(v).ok_or_else(|| unknown_act_kind(v)));
        let basis = cells.required(&item::BASIS);
        let competence = cells.required(&item::COMPETENCE);
        Some(ItemImport {
            code: code?.to_string(),
            name: name?.to_string(),
            kind: kind?,
            basis: basis?.to_string(),
            competence: competence?.to_string(),
            procedure: cells.get(&item::PROCEDURE).to_string(),
        })
    })
}

fn unknown_act_kind(value: &str) -> String {
    let labels: Vec<&str> = ActKind::ALL.iter().map(|k| k.label()).collect();
    format!("事项类别“{value}”无法识别：应为{}之一", labels.join("、"))
}

// ---------------------------------------------------------------------------------------
// Legal basis catalogue
// ---------------------------------------------------------------------------------------

/// One row of a basis catalogue (法律依据目录).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BasisImport {
    /// The provision.
    pub citation: Citation,
    /// 条文内容
    pub text: String,
}

mod basis {
    use super::Col;

    pub const CITATION: Col = Col::optional("法律依据");
    pub const LAW: Col = Col::optional("法律法规名称");
    pub const ARTICLE: Col = Col::optional("条");
    pub const PARAGRAPH: Col = Col::optional("款");
    pub const ITEM: Col = Col::optional("项");
    pub const SUBITEM: Col = Col::optional("目");
    pub const TEXT: Col = Col::required("条文内容");

    pub const ALL: [Col; 7] = [CITATION, LAW, ARTICLE, PARAGRAPH, ITEM, SUBITEM, TEXT];
}

/// How a basis file writes the provision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CitationStyle {
    /// One column 法律依据: 《…》第三十七条第一款.
    Whole,
    /// Columns 法律法规名称, 条, 款, 项, 目.
    Parts,
}

/// Parses a basis catalogue. The provision is either one column 法律依据 holding a full
/// citation (《中华人民共和国统计法》第三十七条第一款), or columns 法律法规名称 and 条 with
/// optional 款, 项, 目, whose numbers may be Chinese or Arabic, with or without 第…条
/// (第三十七条, 三十七, 37, （一）). Column 条文内容 is required.
pub fn parse_basis(table: &Table) -> Result<Vec<(usize, BasisImport)>, Vec<RowError>> {
    let columns = Columns::resolve(table, &basis::ALL);
    let style = citation_style(&columns).map_err(|e| vec![e.into()])?;
    let mut citations = Seen::new();
    parse_rows(table, &columns, |cells| {
        let citation = match style {
            CitationStyle::Whole => cells.parsed(&basis::CITATION, Citation::parse),
            CitationStyle::Parts => citation_from_parts(cells),
        };
        if let Some(citation) = &citation {
            let col = if style == CitationStyle::Whole { &basis::CITATION } else { &basis::LAW };
            check_duplicate(cells, &mut citations, col, citation.clone(), &citation.to_string());
        }
        let text = cells.required(&basis::TEXT);
        Some(BasisImport { citation: citation?, text: text?.to_string() })
    })
}

/// Which style the headers use, or every missing column.
fn citation_style(columns: &Columns<'_>) -> Result<CitationStyle, ImportError> {
    let (style, mut missing) = if columns.has(&basis::CITATION) {
        (CitationStyle::Whole, Vec::new())
    } else if columns.has(&basis::LAW) || columns.has(&basis::ARTICLE) {
        (CitationStyle::Parts, columns.missing([&basis::LAW, &basis::ARTICLE]))
    } else {
        (CitationStyle::Whole, vec!["法律依据（或“法律法规名称”和“条”两列）".to_string()])
    };
    missing.extend(columns.missing([&basis::TEXT]));
    if missing.is_empty() { Ok(style) } else { Err(ImportError::MissingColumns(missing)) }
}

fn citation_from_parts(cells: &mut Cells<'_>) -> Option<Citation> {
    let law = cells.required(&basis::LAW).map(|v| v.trim_matches(['《', '》', ' ']).to_string());
    let article = cells.parsed(&basis::ARTICLE, |v| provision_number(v, '条'));
    let paragraph = optional_provision(cells, &basis::PARAGRAPH, '款');
    let item = optional_provision(cells, &basis::ITEM, '项');
    let subitem = optional_provision(cells, &basis::SUBITEM, '目');
    Some(Citation { law: law?, article: article?, paragraph: paragraph?, item: item?, subitem: subitem? })
}

/// `Some(None)` when empty, `None` when not a number (reported).
fn optional_provision(cells: &mut Cells<'_>, col: &Col, unit: char) -> Option<Option<u32>> {
    let value = cells.get(col);
    if value.is_empty() {
        return Some(None);
    }
    provision_number(value, unit).map(Some).map_err(|message| cells.fail(col, message)).ok()
}

/// A provision number: 第三十七条, 三十七, 37, 第（一）项, （一）, (1).
fn provision_number(value: &str, unit: char) -> Result<u32, String> {
    let bare = value
        .trim()
        .trim_start_matches('第')
        .trim_end_matches(unit)
        .trim_matches(|c: char| matches!(c, '（' | '）' | '(' | ')') || c.is_whitespace());
    parse_number(bare).ok_or_else(|| format!("“{value}”不是有效的序号：可写作“第三{unit}”、“三”或“3”"))
}

// ---------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;
    use rust_xlsxwriter::{ExcelDateTime as XlsxDate, Format, Workbook, Worksheet, XlsxError};

    /// A valid citizen ID from its first 17 digits.
    fn valid_id(first17: &str) -> String {
        format!("{first17}{}", CitizenId::check_digit(first17.as_bytes()))
    }

    /// The same ID with a wrong check digit.
    fn wrong_check_digit(first17: &str) -> String {
        let right = CitizenId::check_digit(first17.as_bytes());
        format!("{first17}{}", if right == '1' { '2' } else { '1' })
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().expect("test date")
    }

    fn xlsx(write: impl FnOnce(&mut Worksheet) -> Result<(), XlsxError>) -> Vec<u8> {
        let mut workbook = Workbook::new();
        write(workbook.add_worksheet()).expect("write sheet");
        workbook.save_to_buffer().expect("save workbook")
    }

    fn write_row(ws: &mut Worksheet, row: u32, cells: &[&str]) -> Result<(), XlsxError> {
        for (col, text) in (0u16..).zip(cells) {
            if !text.is_empty() {
                ws.write_string(row, col, *text)?;
            }
        }
        Ok(())
    }

    fn csv(text: &str) -> Table {
        read_table("名单.csv", text.as_bytes()).expect("csv table")
    }

    /// (row, column) of each error, for exact comparison.
    fn places(errors: &[RowError]) -> Vec<(usize, Option<&str>)> {
        errors.iter().map(|e| (e.row, e.column.as_deref())).collect()
    }

    const OFFICER_HEADER: &str =
        "姓名,身份证号码,人员类别,内设机构,职务,联系电话,执法证号,执法类别,执法区域,发证日期,有效期至";

    #[test]
    fn xlsx_cells_become_text_as_the_user_reads_them() {
        let bytes = xlsx(|ws| {
            write_row(
                ws,
                0,
                &["姓名*", " 身份证号码（必填） ", "联系电话", "发证日期", "在岗", "编号", "分值", "填表时间"],
            )?;
            write_row(ws, 1, &["  李明  "])?;
            ws.write_number(1, 1, 4_307_211_985.0)?;
            ws.write_number(1, 2, 13_807_360_001.0)?;
            let date = Format::new().set_num_format("yyyy-mm-dd");
            ws.write_datetime_with_format(1, 3, &XlsxDate::from_ymd(2024, 1, 15)?, &date)?;
            ws.write_boolean(1, 4, true)?;
            ws.write_number(1, 5, 0.0)?;
            ws.write_number(1, 6, 3.5)?;
            let datetime = Format::new().set_num_format("yyyy/m/d hh:mm");
            ws.write_datetime_with_format(1, 7, &XlsxDate::from_ymd(2025, 3, 1)?.and_hms(16, 45, 0)?, &datetime)?;
            // Row 3 is left blank; row 4 holds the next record.
            write_row(ws, 3, &["王芳"])?;
            ws.write_boolean(3, 4, false)?;
            Ok(())
        });
        let table = read_table("人员名单.xlsx", &bytes).expect("read xlsx");
        assert_eq!(table.headers, ["姓名", "身份证号码", "联系电话", "发证日期", "在岗", "编号", "分值", "填表时间"]);
        assert_eq!(table.rows.len(), 2);
        assert_eq!(table.rows[0].number, 2);
        assert_eq!(
            table.rows[0].cells,
            ["李明", "4307211985", "13807360001", "2024-01-15", "是", "0", "3.5", "2025-03-01"]
        );
        assert_eq!(table.rows[1].number, 4, "the blank row 3 is skipped but still counted");
        assert_eq!(table.rows[1].cell(0), "王芳");
        assert_eq!(table.rows[1].cell(4), "否");
        assert_eq!(table.rows[1].cell(40), "", "cells past the end read as empty");
    }

    #[test]
    fn xlsx_header_need_not_be_in_the_first_row() {
        let bytes = xlsx(|ws| {
            write_row(ws, 2, &["事项编码", "事项名称"])?;
            write_row(ws, 3, &["XK-001", "食品经营许可"])
        });
        // The content is sniffed: the name says nothing.
        let table = read_table("upload", &bytes).expect("read xlsx");
        assert_eq!(table.headers, ["事项编码", "事项名称"]);
        assert_eq!(table.rows[0].number, 4);
    }

    #[test]
    fn a_good_officer_workbook_parses_into_the_right_values() {
        let (li, wang) = (valid_id("43072119850312001"), valid_id("43072119900708002"));
        let bytes = xlsx(|ws| {
            write_row(ws, 0, &OFFICER_HEADER.split(',').collect::<Vec<_>>())?;
            write_row(
                ws,
                1,
                &["李明", &li, "行政执法人员", "执法大队", "副大队长", "", "43070012345", "市场监管", "安乡县"],
            )?;
            ws.write_number(1, 5, 13_807_360_001.0)?;
            let date = Format::new().set_num_format("yyyy年m月d日");
            ws.write_datetime_with_format(1, 9, &XlsxDate::from_ymd(2024, 1, 15)?, &date)?;
            ws.write_string(1, 10, "2027/1/14")?;
            write_row(ws, 3, &["王芳", &wang, "执法辅助人员", "综合执法一中队", "协管员", "0736-4321567"])
        });
        let officers = parse_officers(&read_table("执法人员.XLSX", &bytes).expect("read")).expect("valid rows");
        assert_eq!(officers.len(), 2);
        let (row, li_ming) = &officers[0];
        assert_eq!(*row, 2);
        assert_eq!(li_ming.name, "李明");
        assert_eq!(li_ming.citizen_id.as_str(), li);
        assert_eq!(li_ming.kind, StaffKind::Officer);
        assert_eq!(li_ming.unit_name, "执法大队");
        assert_eq!(li_ming.position, "副大队长");
        assert_eq!(li_ming.phone, "13807360001", "a phone stored as a number reads without decimals");
        let certificate = Certificate {
            number: "43070012345".into(),
            category: "市场监管".into(),
            scope: "安乡县".into(),
            issued_on: d("2024-01-15"),
            expires_on: d("2027-01-14"),
            revoked: None,
        };
        assert_eq!(li_ming.certificate, Some(certificate));
        let (row, wang_fang) = &officers[1];
        assert_eq!(*row, 4, "row number as in Excel, after the blank row 3");
        assert_eq!(wang_fang.kind, StaffKind::Auxiliary);
        assert_eq!(wang_fang.phone, "0736-4321567");
        assert_eq!(wang_fang.certificate, None);
    }

    #[test]
    fn every_bad_officer_row_is_reported_with_row_and_column() {
        let ids: Vec<String> = (1..=7).map(|i| valid_id(&format!("4307211985031200{i}"))).collect();
        let bad = wrong_check_digit("43072119850312009");
        let text = [
            OFFICER_HEADER.to_string(),
            format!("张三,{bad},行政执法人员,执法大队,,13807360002,43070010001,市场监管,安乡县,2024-01-01,2026-12-31"),
            format!("李四,{},临时工,执法大队,,,,,,,", ids[1]),
            format!("王五,{},执法人员,执法大队,,,43070010003,市场监管,安乡县,2025-06-01,2025-01-01", ids[2]),
            format!("赵六,{},法制审核人员,法制股,,,,市场监管,,,", ids[3]),
            String::new(),
            format!("钱七,{},行政执法人员,执法大队,,12345,43070010001,市场监管,安乡县,2024-01-01,2026-12-31", ids[4]),
            format!("孙八,{},执法辅助人员,执法大队,,,,,,,", ids[1]),
            format!(",{},行政执法人员,,,,A-1,,安乡县,2024-13-01,2026-12-31", ids[6]),
            format!("周九,{},法制审核人员,法制股,审核员,0736-1234567,,,,,", ids[5]),
            format!("吴十,{},执法辅助人员,执法大队,,,43070010011,市场监管,安乡县,2024-01-01,2026-12-31", ids[0]),
        ]
        .join("\n");
        let errors = parse_officers(&csv(&text)).expect_err("bad rows");
        assert_eq!(
            places(&errors),
            [
                (2, Some("身份证号码")),
                (3, Some("人员类别")),
                (4, Some("有效期至")),
                (5, Some("执法证号")),
                // Row 6 is an empty line.
                (7, Some("联系电话")),
                (7, Some("执法证号")),
                (8, Some("身份证号码")),
                (9, Some("姓名")),
                (9, Some("内设机构")),
                (9, Some("发证日期")),
                (9, Some("执法类别")),
                (11, Some("执法证号")),
            ]
        );
        let message = |i: usize| errors[i].message.as_str();
        assert!(message(0).contains("校验位错误"), "{}", message(0));
        assert!(message(1).contains("临时工"), "{}", message(1));
        assert!(message(2).contains("必须晚于发证日期"), "{}", message(2));
        assert_eq!(message(3), "填写了执法证信息但缺少执法证号");
        assert!(message(4).contains("12345"), "{}", message(4));
        assert_eq!(message(5), "执法证号43070010001与第2行重复");
        assert_eq!(message(6), "身份证号码与第3行重复", "the ID itself is not echoed");
        assert_eq!(message(7), "请填写姓名");
        assert!(message(9).contains("2024-13-01"), "{}", message(9));
        assert_eq!(message(10), "请填写执法类别");
        assert_eq!(message(11), "执法辅助人员不得持有行政执法证");
        assert_eq!(errors[0].to_string(), format!("第2行“身份证号码”：{}", message(0)));
    }

    #[test]
    fn missing_columns_are_reported_all_at_once() {
        let errors = parse_officers(&csv("姓名,职务\n李明,科员\n")).expect_err("missing columns");
        assert_eq!(errors.len(), 1);
        assert_eq!((errors[0].row, errors[0].column.as_deref()), (0, None));
        let message = errors[0].to_string();
        assert!(message.contains("身份证号码、人员类别、内设机构"), "{message}");
        assert!(!message.contains("第0行"), "file-level errors have no row: {message}");

        // Certificate numbers without the certificate columns.
        let id = valid_id("43072119850312001");
        let text = format!(
            "姓名,身份证号码,人员类别,内设机构,执法证号,发证日期\n李明,{id},执法人员,执法大队,43070012345,2024-01-01\n"
        );
        let errors = parse_officers(&csv(&text)).expect_err("certificate columns missing");
        assert!(errors[0].message.contains("执法类别、执法区域、有效期至"), "{}", errors[0].message);
    }

    #[test]
    fn gbk_csv_with_alternative_headers_and_chinese_dates() {
        let id = valid_id("43072119850312001");
        let text = format!(
            "姓名,身份证号,人员类别（必填）,内设机构,执法证号,执法类别,执法区域,发证日期,有效期截止日期\n\
             李明,{},行政执法人员,执法大队,43070012345,统计,全县,2024年3月1日,20270228\n",
            id.to_lowercase()
        );
        let (bytes, _, had_errors) = encoding_rs::GBK.encode(&text);
        assert!(!had_errors);
        assert!(std::str::from_utf8(&bytes).is_err(), "really GBK");
        let officers = parse_officers(&read_table("人员.csv", &bytes).expect("gbk")).expect("valid");
        let certificate = officers[0].1.certificate.as_ref().expect("certificate");
        assert_eq!((certificate.issued_on, certificate.expires_on), (d("2024-03-01"), d("2027-02-28")));
        assert_eq!(officers[0].1.citizen_id.as_str(), id);

        // Errors name the header the file uses.
        let bad = text.replace("20270228", "2023.1.1");
        let (bytes, _, _) = encoding_rs::GBK.encode(&bad);
        let errors = parse_officers(&read_table("人员.csv", &bytes).expect("gbk")).expect_err("expiry first");
        assert_eq!(places(&errors), [(2, Some("有效期截止日期"))]);
    }

    #[test]
    fn utf8_csv_with_bom_and_quoted_line_breaks() {
        let text = "\u{FEFF}事项编码,事项名称,事项类别,实施依据,实施主体,办理流程\n\
                    XK-001,食品经营许可,行政许可,\"《中华人民共和国食品安全法》第三十五条\n《食品经营许可管理办法》\",安乡县市场监督管理局,受理\n\
                    CF-001,对未取得食品经营许可从事食品经营活动的处罚,处罚,《中华人民共和国食品安全法》第一百二十二条,安乡县市场监督管理局,\n";
        let table = read_table("事项清单.CSV", text.as_bytes()).expect("utf-8 with BOM");
        assert_eq!(table.headers[0], "事项编码", "BOM stripped");
        assert_eq!(table.rows.iter().map(|r| r.number).collect::<Vec<_>>(), [2, 3], "one row per record");
        let items = parse_items(&table).expect("valid items");
        assert_eq!(items[0].1.kind, ActKind::Permit);
        assert!(items[0].1.basis.contains('\n'));
        assert_eq!(items[0].1.procedure, "受理");
        assert_eq!(items[1].1.kind, ActKind::Penalty);
        assert_eq!(items[1].1.procedure, "");
    }

    #[test]
    fn csv_row_numbers_match_excel_rows() {
        // Excel saves CSV with CRLF; blank lines are rows too when Excel opens the file.
        let text = "\r\n事项编码,事项名称\r\nXK-001,许可\r\n\r\n,\r\nXK-002,\"多行\r\n名称\"\r\n\r\nXK-003,许可\r\n";
        let table = csv(text);
        assert_eq!(table.headers, ["事项编码", "事项名称"]);
        let numbers: Vec<usize> = table.rows.iter().map(|r| r.number).collect();
        assert_eq!(numbers, [3, 6, 8]);
        assert_eq!(table.rows[1].cell(1), "多行\r\n名称");
    }

    #[test]
    fn bad_item_rows() {
        let text = "事项编码,事项名称,事项类别,实施依据,实施主体\n\
                    JC-001,食品安全监督检查,行政检查,《中华人民共和国食品安全法》第一百一十条,安乡县市场监督管理局\n\
                    ZD-001,食品安全行政指导,行政指导,《中华人民共和国食品安全法》第一百一十条,安乡县市场监督管理局\n\
                    JC-001,特种设备监督检查,检查,《中华人民共和国特种设备安全法》第五十七条,\n";
        let errors = parse_items(&csv(text)).expect_err("bad items");
        assert_eq!(places(&errors), [(3, Some("事项类别")), (4, Some("事项编码")), (4, Some("实施主体"))]);
        assert!(errors[0].message.contains("行政指导") && errors[0].message.contains("行政处罚"));
        assert_eq!(errors[1].message, "事项编码JC-001与第2行重复");
        assert_eq!(errors[2].message, "请填写实施主体");

        let errors = parse_items(&csv("事项名称,事项类别\n检查,行政检查\n")).expect_err("missing columns");
        assert!(errors[0].message.contains("事项编码、实施依据、实施主体"), "{}", errors[0].message);
    }

    #[test]
    fn basis_with_whole_citations() {
        let text = "法律依据,条文内容\n\
                    《中华人民共和国统计法》第三十七条第一款第（一）项,拒绝提供统计资料或者经催报后仍未按时提供统计资料的\n\
                    《中华人民共和国行政处罚法》第51条,违法事实确凿并有法定依据……可以当场作出行政处罚决定\n";
        let entries = parse_basis(&csv(text)).expect("valid basis");
        let statistics = &entries[0].1.citation;
        assert_eq!((statistics.law.as_str(), statistics.article), ("中华人民共和国统计法", 37));
        assert_eq!((statistics.paragraph, statistics.item, statistics.subitem), (Some(1), Some(1), None));
        assert_eq!(entries[1].1.citation.to_string(), "《中华人民共和国行政处罚法》第五十一条");

        let text = "法律依据,条文内容\n\
                    统计法第三十七条,拒绝提供统计资料\n\
                    《中华人民共和国统计法》第三十七条,\n\
                    《中华人民共和国统计法》第37条,作出统计违法行为\n";
        let errors = parse_basis(&csv(text)).expect_err("bad basis");
        assert_eq!(places(&errors), [(2, Some("法律依据")), (3, Some("条文内容")), (4, Some("法律依据"))]);
        assert!(errors[0].message.contains("书名号"), "{}", errors[0].message);
        assert_eq!(errors[2].message, "《中华人民共和国统计法》第三十七条与第3行重复");
    }

    #[test]
    fn basis_in_separate_columns() {
        let text = "法律法规名称,条,款,项,目,条文内容\n\
                    中华人民共和国统计法,第三十七条,第一款,第（一）项,,拒绝提供统计资料\n\
                    《中华人民共和国统计法》,37,2,,,企业事业单位……\n\
                    中华人民共和国行政处罚法,五十一,,（一）,1,违法事实确凿\n";
        let entries = parse_basis(&csv(text)).expect("valid basis");
        let citations: Vec<String> = entries.iter().map(|(_, e)| e.citation.to_string()).collect();
        assert_eq!(
            citations,
            [
                "《中华人民共和国统计法》第三十七条第一款第（一）项",
                "《中华人民共和国统计法》第三十七条第二款",
                "《中华人民共和国行政处罚法》第五十一条第（一）项第1目",
            ]
        );

        let text = "法律法规名称,条,款,条文内容\n\
                    中华人民共和国统计法,第X条,,内容\n\
                    中华人民共和国统计法,37,一,内容\n\
                    ,38,甲,内容\n\
                    中华人民共和国统计法,三十七,第一款,内容\n";
        let errors = parse_basis(&csv(text)).expect_err("bad basis");
        assert_eq!(
            places(&errors),
            [(2, Some("条")), (4, Some("法律法规名称")), (4, Some("款")), (5, Some("法律法规名称"))]
        );
        assert!(errors[0].message.contains("第X条"), "{}", errors[0].message);
        assert!(errors[3].message.ends_with("与第3行重复"), "{}", errors[3].message);

        let errors = parse_basis(&csv("法律法规名称,款,条文内容\n统计法,一,内容\n")).expect_err("no 条");
        assert!(errors[0].message.contains("缺少必填列：条。"), "{}", errors[0].message);
        let errors = parse_basis(&csv("名称,内容\n统计法,内容\n")).expect_err("no citation");
        assert!(errors[0].message.contains("法律依据（或"), "{}", errors[0].message);
        assert!(errors[0].message.contains("条文内容"), "{}", errors[0].message);
    }

    #[test]
    fn file_formats_are_checked() {
        let legacy = read_table("名单.xls", b"anything").expect_err("xls");
        assert!(matches!(legacy, ImportError::LegacyExcel));
        assert!(legacy.to_string().contains(".xlsx"), "{legacy}");
        let ole = [OLE_MAGIC, b"rest"].concat();
        assert!(matches!(read_table("名单.xlsx", &ole), Err(ImportError::LegacyExcel)), "encrypted or renamed .xls");
        let unknown = read_table("名单.pdf", b"%PDF-1.7").expect_err("pdf");
        let message = unknown.to_string();
        assert!(message.contains(".xlsx") && message.contains(".csv") && message.contains("名单.pdf"), "{message}");
        assert!(matches!(read_table("名单.xlsx", b"not a zip"), Err(ImportError::Unreadable { .. })));
        assert!(matches!(read_table("名单.xlsx", b"PK\x03\x04broken"), Err(ImportError::Unreadable { .. })));
        assert!(matches!(read_table("名单.csv", b"\xFF\xFE\x00"), Err(ImportError::Unreadable { .. })));
    }

    #[test]
    fn empty_files_and_row_limit() {
        assert!(matches!(read_table("a.csv", b""), Err(ImportError::EmptySheet)));
        assert!(matches!(read_table("a.csv", b",,\n\n ,\n"), Err(ImportError::EmptySheet)));
        assert!(matches!(read_table("a.xlsx", &xlsx(|_| Ok(()))), Err(ImportError::EmptySheet)));
        let header_only = read_table("a.csv", "\n姓名,身份证号码\n,\n".as_bytes()).expect_err("no data");
        assert!(matches!(header_only, ImportError::NoDataRows { header_row: 2 }), "{header_only:?}");

        let rows = |n: usize| format!("事项编码\n{}", (1..=n).map(|i| format!("XK-{i}\n")).collect::<String>());
        assert_eq!(csv(&rows(MAX_ROWS)).rows.len(), MAX_ROWS);
        let too_many = read_table("a.csv", rows(MAX_ROWS + 1).as_bytes()).expect_err("too many");
        assert!(matches!(too_many, ImportError::TooManyRows { count: 5001 }));
        assert!(too_many.to_string().contains("5000"), "{too_many}");
    }

    #[test]
    fn dates_phones_and_numbers() {
        for s in ["2025-01-31", "2025/1/31", "2025.1.31", "2025年1月31日", "20250131", "2025-01-31 00:00:00", "45688"]
        {
            assert_eq!(parse_date(s), Some(d("2025-01-31")), "{s}");
        }
        for s in ["2025-02-30", "31/01/2025", "2025-1", "明天", "", "25-1-31", "2025131"] {
            assert_eq!(parse_date(s), None, "{s}");
        }
        for s in ["13807360001", "0736-1234567", "07361234567", "010-12345678"] {
            assert!(is_valid_phone(s), "{s}");
        }
        for s in ["12345", "7361234567", "1380736000", "0736-123", "138-07360001", "电话"] {
            assert!(!is_valid_phone(s), "{s}");
        }
        assert_eq!(number_text(430_721_198_503_120_000.0), "430721198503120000");
        assert_eq!(number_text(-2.0), "-2");
        assert_eq!(number_text(0.25), "0.25");
        assert_eq!(excel_serial_date(0.0), Some(d("1899-12-30")));
        assert_eq!(excel_serial_date(45_688.75), Some(d("2025-01-31")));
    }

    #[test]
    fn id_mangled_by_excel_gets_a_hint() {
        let rounded =
            parse_officers(&csv("姓名,身份证号码,人员类别,内设机构\n李明,430721198503120000,执法人员,执法大队\n"));
        let errors = rounded.expect_err("rounded id");
        assert!(errors[0].message.contains("文本"), "{}", errors[0].message);
        let scientific =
            parse_officers(&csv("姓名,身份证号码,人员类别,内设机构\n李明,4.30721E+17,执法人员,执法大队\n"));
        assert!(scientific.expect_err("scientific").iter().any(|e| e.message.contains("文本")));
    }

    #[test]
    fn row_error_display() {
        let whole = RowError { row: 0, column: None, message: "缺少必填列：姓名".into() };
        assert_eq!(whole.to_string(), "缺少必填列：姓名");
        let row = RowError { row: 5, column: None, message: "数据有误".into() };
        assert_eq!(row.to_string(), "第5行：数据有误");
        let cell = RowError { row: 3, column: Some("联系电话".into()), message: "格式不正确".into() };
        assert_eq!(cell.to_string(), "第3行“联系电话”：格式不正确");
    }
}
