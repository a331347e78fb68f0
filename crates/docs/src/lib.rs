//! zhifa-docs: official documents (公文、执法文书) as PDF.
//!
//! - [`model`]: what a document says — agency, title, document number (文号), body
//!   blocks (headings, paragraphs, labelled items, tables, signature lines), the closing
//!   with the seal area, the QR code;
//! - [`layout`]: the GB/T 9704-2012 layout — A4, margins 37/28/26/35 mm, the 22 × 28
//!   grid of 3号 body text, 2号 title, page numbers `— 1 —` — with Chinese line breaking
//!   ([`linebreak`]);
//! - [`render`]: PDF through krilla, with subsets of the fonts ([`fonts`]);
//! - [`qr`]: the QR code of the public authenticity page, as vector rectangles;
//! - [`cases`]: the documents of a case built from its records (立案审批表, 询问笔录,
//!   事先告知书, 听证通知书, 法制审核意见书, 集体讨论记录, 行政处罚决定书, 当场行政处罚决定书,
//!   送达回证, 催告书, 卷内目录);
//! - [`svg`]: the portal's charts as SVG — the procedure flowcharts drawn from the core's
//!   `case::flow` (D-01) and the bar charts of the annual statistics (D-11).
//!
//! **Why krilla.** Three ways were weighed (2026-11): typst as a library sets CJK best
//! and keeps templates as files, but adds about five minutes to a clean build on the two
//! cores CI has; printpdf is light but leaves font subsetting of CFF-based CJK fonts and
//! ToUnicode maps to the caller; krilla (the PDF writer typst itself uses) embeds subsets
//! of OpenType/CFF fonts from a TrueType collection with their ToUnicode maps, and with
//! its default features off (no raster images, no shaping engine) adds about 40 small
//! crates to the build (skrifa/read-fonts, subsetter, pdf-writer, flate2, qrcode; no C, no
//! build scripts of note), compiled in parallel with the rest (its clean build time was
//! not measured apart). A document needs no shaping: CJK text maps character to glyph, and the layout
//! here places every glyph on the grid itself, which is also what Chinese line breaking
//! and justification need.
//!
//! **Fonts.** See [`fonts`]: Noto Serif/Sans CJK SC from Debian's `fonts-noto-cjk`,
//! found at run time in a configurable directory; a missing font fails rendering with a
//! Chinese error naming the font and the package, and nothing else.
//!
//! Invariants: no I/O besides reading the font files; the same document and fonts give
//! the same bytes (no clock, no random document id); a field left empty is printed as a
//! blank line to fill in, never omitted and never a panic.

pub mod cases;
pub mod fonts;
pub mod layout;
pub mod linebreak;
pub mod model;
pub mod qr;
pub mod render;
pub mod sample;
pub mod svg;

pub use fonts::{DEFAULT_FONTS_DIR, FONTS_PACKAGE, FontLibrary, Fonts};
pub use model::{Block, Closing, Column, Document, Qr, Table};

/// What can go wrong when making a document; the messages are for users, in Chinese.
#[derive(Debug, Clone, thiserror::Error)]
pub enum DocError {
    #[error(
        "无法生成 PDF 文书：缺少字体“{font}”（在 {dir} 中找不到 {files} 中的任何一个）。\
         请安装 Debian 软件包 {package}（以 root 运行 apt-get install {package}，或运行 scripts/install-deps），\
         或用 --fonts-dir（ZHIFA_FONTS_DIR）指定含有该字体的目录。系统其他功能不受影响。"
    )]
    MissingFont { font: String, dir: String, files: String, package: &'static str },
    #[error("无法生成 PDF 文书：字体文件 {path} {why}")]
    BadFont { path: String, why: String },
    #[error("无法生成 PDF 文书：{0}")]
    Pdf(String),
}

/// A rendered document.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub pdf: Vec<u8>,
    pub pages: usize,
}

/// Lays out and writes a document.
pub fn render(doc: &Document, fonts: &Fonts) -> Result<Rendered, DocError> {
    let pages = layout::layout(doc, fonts);
    let pdf = render::write_pdf(doc, &pages, fonts)?;
    Ok(Rendered { pdf, pages: pages.len() })
}

/// Lays out and writes a document with the library's fonts.
pub fn render_with(doc: &Document, library: &FontLibrary) -> Result<Rendered, DocError> {
    let fonts = library.fonts()?;
    render(doc, &fonts)
}
