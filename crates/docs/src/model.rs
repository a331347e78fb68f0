//! The document model: what an official document says, in the order it says it, without
//! any layout. [`crate::render`] lays it out on the GB/T 9704-2012 grid.
//!
//! Values are plain text; an empty value is printed as a blank line to be filled by hand
//! (`＿＿＿＿`), never left out, so that a form shows every item it must carry.

/// An official document (公文 or 执法文书).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Document {
    /// The issuing agency (发文机关), printed above the title and in the signature block.
    pub agency: String,
    /// The title (标题), e.g. 行政处罚决定书.
    pub title: String,
    /// The document number (发文字号, 文号), e.g. 安市监罚决〔2026〕12号; `None` for forms
    /// that carry none (they name the case number in their body instead).
    pub number: Option<String>,
    /// The body, in order.
    pub blocks: Vec<Block>,
    /// The closing: the agency's signature, the date and the seal area. `None` for forms
    /// whose signatures are all in the body (records, approval forms).
    pub closing: Option<Closing>,
    /// The QR code that leads to the document's public authenticity page.
    pub qr: Option<Qr>,
    /// A line printed in small type at the foot of the last page (e.g. how many copies).
    pub note: Option<String>,
}

/// One block of the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A heading on its own line (一级标题, 黑体-style).
    Heading(String),
    /// A paragraph, first line indented by two characters. `\n` starts a new paragraph.
    Paragraph(String),
    /// A labelled item: `label：value`, the value running on; blank when empty.
    Field { label: String, value: String },
    /// Text flush left, not indented (the addressee line, 主送机关: `张三：`).
    Addressee(String),
    /// A table (forms, the inquiry's questions and answers, the catalogue).
    Table(Table),
    /// Signature lines: each `label：value` (or a blank to be signed by hand).
    Signatures(Vec<(String, String)>),
    /// A horizontal bar chart under a caption: one row per (label, value), the bars
    /// scaled to the largest, the value after each (the same figures as the table the
    /// document gives with it).
    Bars { caption: String, bars: Vec<(String, u64)> },
    /// One empty grid line.
    Blank,
}

impl Block {
    pub fn heading(s: impl Into<String>) -> Block {
        Block::Heading(s.into())
    }
    pub fn paragraph(s: impl Into<String>) -> Block {
        Block::Paragraph(s.into())
    }
    pub fn field(label: impl Into<String>, value: impl Into<String>) -> Block {
        Block::Field { label: label.into(), value: value.into() }
    }
}

/// A table: columns with relative widths, an optional header row, rows of cells.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    pub columns: Vec<Column>,
    /// Whether the first row is a header (printed in the heading face).
    pub header: bool,
    pub rows: Vec<Vec<String>>,
}

/// A table column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub title: String,
    /// The share of the table's width, relative to the other columns.
    pub width: u16,
}

impl Table {
    /// A table with these columns (title, relative width) and a header row.
    pub fn new(columns: &[(&str, u16)]) -> Table {
        let columns: Vec<Column> = columns.iter().map(|(t, w)| Column { title: t.to_string(), width: *w }).collect();
        let header = columns.iter().any(|c| !c.title.is_empty());
        let rows = if header { vec![columns.iter().map(|c| c.title.clone()).collect()] } else { vec![] };
        Table { columns, header, rows }
    }

    /// A form of two columns, label and value, without a header.
    pub fn form() -> Table {
        Table {
            columns: vec![Column { title: String::new(), width: 3 }, Column { title: String::new(), width: 8 }],
            header: false,
            rows: vec![],
        }
    }

    pub fn row<S: Into<String>>(mut self, cells: impl IntoIterator<Item = S>) -> Table {
        self.rows.push(cells.into_iter().map(Into::into).collect());
        self
    }

    pub fn push<S: Into<String>>(&mut self, cells: impl IntoIterator<Item = S>) {
        self.rows.push(cells.into_iter().map(Into::into).collect());
    }
}

/// The closing of a document: agency, date, seal area (GB/T 9704-2012 7.3.5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Closing {
    /// The agency's name as signed (发文机关署名).
    pub agency: String,
    /// The date written in full (成文日期), e.g. 2026年3月1日; blank when unknown.
    pub date: String,
    /// Whether a seal goes here: a marked area reading （印章）. The system never draws a
    /// seal itself; the agency seals the printed document.
    pub seal: bool,
}

/// The QR code: the URL it encodes and a caption under it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Qr {
    pub url: String,
    pub caption: String,
}

/// A date as official documents write it: 2026年3月1日 (years in full, no leading zeros).
pub fn chinese_date(d: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// A date and time as records write it: 2026年3月1日9时30分.
pub fn chinese_datetime(t: chrono::NaiveDateTime) -> String {
    use chrono::Timelike;
    format!("{}{}时{:02}分", chinese_date(t.date()), t.hour(), t.minute())
}
