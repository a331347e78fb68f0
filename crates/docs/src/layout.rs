//! The layout of GB/T 9704-2012 (党政机关公文格式): A4; margins top 37 mm, left 28 mm,
//! right 26 mm, bottom 35 mm, so the type area (版心) is 156 mm × 225 mm; the body in 3号
//! (16 pt) on a grid of 22 lines of 28 characters; the title in 2号 (22 pt), centred; the
//! document number under it; headings in the 黑体 face; page numbers `— 1 —` in 4号
//! (14 pt) 7 mm under the type area, odd pages on the right and even pages on the left,
//! one character in from the edge; the agency's signature centred over the date, the date
//! four characters in from the right, the seal area over both (7.3.5.1).
//!
//! [`layout`] turns a [`Document`] into pages of positioned glyph runs and shapes;
//! [`crate::render`] writes them as PDF. Coordinates are points from the page's top left.

use std::ops::Range;

use skrifa::MetadataProvider;
use skrifa::charmap::Charmap;
use skrifa::instance::{LocationRef, Size};
use skrifa::metrics::GlyphMetrics;

use crate::fonts::{Fonts, Role};
use crate::linebreak;
use crate::model::{Block, Closing, Document, Table};
use crate::qr;

/// One millimetre in points.
pub const MM: f32 = 72.0 / 25.4;
pub const PAGE_W: f32 = 210.0 * MM;
pub const PAGE_H: f32 = 297.0 * MM;
pub const LEFT: f32 = 28.0 * MM;
pub const TOP: f32 = 37.0 * MM;
/// The type area (版心): 156 mm × 225 mm.
pub const WIDTH: f32 = 156.0 * MM;
pub const HEIGHT: f32 = 225.0 * MM;
pub const RIGHT: f32 = LEFT + WIDTH;
pub const BOTTOM: f32 = TOP + HEIGHT;
/// 22 lines a page, 28 characters a line.
pub const LINES: usize = 22;
pub const CHARS: usize = 28;
pub const LINE_PITCH: f32 = HEIGHT / LINES as f32;
pub const CHAR_PITCH: f32 = WIDTH / CHARS as f32;
/// 3号, 2号, 4号 and the table's type size.
pub const BODY_SIZE: f32 = 16.0;
pub const TITLE_SIZE: f32 = 22.0;
pub const PAGE_NUMBER_SIZE: f32 = 14.0;
pub const TABLE_SIZE: f32 = 14.0;
const TABLE_PITCH: f32 = 21.0;
const CELL_PAD: f32 = 4.0;
/// The seal area: a round seal of 42 mm (the size of an agency's seal).
pub const SEAL_RADIUS: f32 = 21.0 * MM;
/// The QR code's side, quiet zone included.
pub const QR_SIDE: f32 = 22.0 * MM;

/// A glyph placed in a run.
#[derive(Debug, Clone, PartialEq)]
pub struct Glyph {
    /// The face it is drawn from (a character the run's face lacks falls back to the body
    /// face).
    pub role: Role,
    pub gid: u32,
    /// The distance to the next glyph, in points.
    pub advance: f32,
    /// Its characters in the run's text.
    pub range: Range<usize>,
}

/// A line of text on a page.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub x: f32,
    pub baseline: f32,
    pub size: f32,
    pub gray: bool,
    pub text: String,
    pub glyphs: Vec<Glyph>,
}

impl Run {
    pub fn width(&self) -> f32 {
        self.glyphs.iter().map(|g| g.advance).sum()
    }
}

/// A shape on a page.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// A filled black rectangle (QR modules).
    Rect { x: f32, y: f32, w: f32, h: f32 },
    /// A stroked line.
    Line { x1: f32, y1: f32, x2: f32, y2: f32, width: f32 },
    /// A dashed grey circle (the seal area).
    SealCircle { cx: f32, cy: f32, r: f32 },
}

/// One laid-out page.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Page {
    pub runs: Vec<Run>,
    pub shapes: Vec<Shape>,
}

impl Page {
    /// The page's text, line by line (for checks and tests).
    pub fn lines(&self) -> Vec<&str> {
        self.runs.iter().map(|r| r.text.as_str()).collect()
    }
}

/// Glyph lookup for the three faces.
struct Measure<'a> {
    faces: [(Role, Charmap<'a>, GlyphMetrics<'a>, f32); 3],
}

impl<'a> Measure<'a> {
    fn new(fonts: &'a Fonts) -> Measure<'a> {
        let face = |role: Role| {
            let f = fonts.face(role);
            let r = f.font_ref();
            (role, r.charmap(), r.glyph_metrics(Size::unscaled(), LocationRef::default()), f.units_per_em)
        };
        Measure { faces: [face(Role::Body), face(Role::Title), face(Role::Heading)] }
    }

    fn face(&self, role: Role) -> &(Role, Charmap<'a>, GlyphMetrics<'a>, f32) {
        self.faces.iter().find(|f| f.0 == role).expect("three faces")
    }

    /// The face, glyph and advance (in em) of a character in `role`'s face, falling back
    /// to the body face.
    fn glyph(&self, role: Role, c: char) -> (Role, u32, f32) {
        for r in [role, Role::Body] {
            let (r, cmap, metrics, upem) = self.face(r);
            if let Some(g) = cmap.map(c) {
                return (*r, g.to_u32(), metrics.advance_width(g).unwrap_or(*upem) / upem);
            }
        }
        (role, 0, 1.0)
    }
}

/// A style of text: face, size, and the factor that fits its characters to the grid.
#[derive(Debug, Clone, Copy)]
struct Style {
    role: Role,
    size: f32,
    /// Advances are scaled by this (the body: 28 characters of 16 pt in 156 mm).
    fit: f32,
    gray: bool,
}

const BODY: Style = Style { role: Role::Body, size: BODY_SIZE, fit: CHAR_PITCH / BODY_SIZE, gray: false };
const HEADING: Style = Style { role: Role::Heading, size: BODY_SIZE, fit: CHAR_PITCH / BODY_SIZE, gray: false };
const TITLE: Style = Style { role: Role::Title, size: TITLE_SIZE, fit: 1.0, gray: false };
const CELL: Style = Style { role: Role::Body, size: TABLE_SIZE, fit: 1.0, gray: false };
const CELL_HEAD: Style = Style { role: Role::Heading, size: TABLE_SIZE, fit: 1.0, gray: false };
const PAGE_NUMBER: Style = Style { role: Role::Body, size: PAGE_NUMBER_SIZE, fit: 1.0, gray: false };
const SMALL_GRAY: Style = Style { role: Role::Body, size: 9.0, fit: 1.0, gray: true };
const SEAL_MARK: Style = Style { role: Role::Body, size: 12.0, fit: 1.0, gray: true };

/// The paragraph indent: two characters.
const INDENT: f32 = 2.0 * CHAR_PITCH;

struct Layout<'a> {
    m: Measure<'a>,
    pages: Vec<Page>,
    /// The top of the next line, in points from the page's top.
    y: f32,
}

impl<'a> Layout<'a> {
    fn page(&mut self) -> &mut Page {
        self.pages.last_mut().expect("at least one page")
    }

    fn new_page(&mut self) {
        self.pages.push(Page::default());
        self.y = TOP;
    }

    /// Lines left on this page.
    fn lines_left(&self) -> usize {
        ((BOTTOM - self.y) / LINE_PITCH + 0.01).floor().max(0.0) as usize
    }

    /// The next grid line: its top; a new page when this one is full.
    fn grid_line(&mut self) -> f32 {
        if self.lines_left() == 0 {
            self.new_page();
        }
        let top = self.y;
        self.y += LINE_PITCH;
        top
    }

    /// After a table or anything off the grid: moves to the next grid line.
    fn snap(&mut self) {
        let k = ((self.y - TOP) / LINE_PITCH - 0.01).ceil().max(0.0);
        self.y = TOP + k * LINE_PITCH;
    }

    fn width_fn(&self, style: Style) -> impl Fn(char) -> f32 + '_ {
        move |c| self.m.glyph(style.role, c).2 * style.size * style.fit
    }

    /// A run of `text` at `x` on the line whose top is `top`; `extra` is added after every
    /// unit boundary listed in `gaps` (byte offsets) for justification.
    fn run(&self, style: Style, text: &str, x: f32, baseline: f32, gaps: &[usize], extra: f32) -> Run {
        let mut glyphs = Vec::new();
        for (i, c) in text.char_indices() {
            let (role, gid, em) = self.m.glyph(style.role, c);
            let mut advance = em * style.size * style.fit;
            let end = i + c.len_utf8();
            if gaps.contains(&end) {
                advance += extra;
            }
            glyphs.push(Glyph { role, gid, advance, range: i..end });
        }
        Run { x, baseline, size: style.size, gray: style.gray, text: text.to_string(), glyphs }
    }

    fn measure(&self, style: Style, text: &str) -> f32 {
        let w = self.width_fn(style);
        text.chars().map(w).sum()
    }

    /// The baseline of text of `size` on a line of `pitch` whose top is `top`: the em box
    /// centred on the line (CJK faces put the baseline 0.12 em above the em box's foot).
    fn baseline(top: f32, pitch: f32, size: f32) -> f32 {
        top + (pitch - size) / 2.0 + 0.88 * size
    }

    /// Lays out a paragraph on the grid from `x0` (first line `first_indent` further in),
    /// lines `width` wide; returns where the last line ends (x) and its top.
    fn paragraph(&mut self, style: Style, text: &str, first_indent: f32, width: f32) -> (f32, f32) {
        let units = linebreak::units(text, &self.width_fn(style));
        let lines = linebreak::break_lines(&units, width - first_indent, width);
        let mut end = (LEFT, self.y);
        for (n, line) in lines.iter().enumerate() {
            let top = self.grid_line();
            let x = LEFT + if n == 0 { first_indent } else { 0.0 };
            let avail = if n == 0 { width - first_indent } else { width };
            let run = self.line_run(style, text, &units, line, x, Self::baseline(top, LINE_PITCH, style.size), avail);
            end = (x + run.width(), top);
            self.page().runs.push(run);
        }
        end
    }

    /// The run of one broken line, justified when it was broken early.
    #[allow(clippy::too_many_arguments)]
    fn line_run(
        &self,
        style: Style,
        text: &str,
        units: &[linebreak::Unit],
        line: &linebreak::Line,
        x: f32,
        baseline: f32,
        avail: f32,
    ) -> Run {
        if line.units.is_empty() {
            return self.run(style, "", x, baseline, &[], 0.0);
        }
        let us = &units[line.units.clone()];
        let start = us[0].range.start;
        let slice = &text[start..us[us.len() - 1].range.end];
        let gaps: Vec<usize> = us[..us.len() - 1].iter().map(|u| u.range.end - start).collect();
        let mut extra = 0.0;
        if line.justify && !gaps.is_empty() {
            extra = ((avail - line.width) / gaps.len() as f32).max(0.0);
            if extra > 0.25 * style.size {
                extra = 0.0;
            }
        }
        self.run(style, slice, x, baseline, &gaps, extra)
    }

    /// A centred line (or lines) in the title face.
    fn centred(&mut self, style: Style, text: &str) {
        let units = linebreak::units(text, &self.width_fn(style));
        let lines = linebreak::break_lines(&units, WIDTH, WIDTH);
        for line in &lines {
            let top = self.grid_line();
            let l = linebreak::Line { justify: false, ..line.clone() };
            let mut run =
                self.line_run(style, text, &units, &l, 0.0, Self::baseline(top, LINE_PITCH, style.size), WIDTH);
            run.x = LEFT + (WIDTH - run.width()) / 2.0;
            self.page().runs.push(run);
        }
    }

    /// A right-aligned line, `inset` in from the right edge.
    fn right_aligned(&mut self, style: Style, text: &str, inset: f32) -> Run {
        let top = self.grid_line();
        let w = self.measure(style, text);
        let run = self.run(style, text, RIGHT - inset - w, Self::baseline(top, LINE_PITCH, style.size), &[], 0.0);
        self.page().runs.push(run.clone());
        run
    }

    /// `label：value`, the value running on; an empty value is a line to write on.
    fn field(&mut self, label: &str, value: &str, indent: f32) {
        let value = value.trim();
        let head = format!("{label}：");
        if value.is_empty() {
            let (end_x, top) = self.paragraph(BODY, &head, indent, WIDTH);
            let mut x = end_x;
            let mut line_top = top;
            if RIGHT - x < 6.0 * CHAR_PITCH {
                line_top = self.grid_line();
                x = LEFT + indent;
            }
            let end = (x + 12.0 * CHAR_PITCH).min(RIGHT);
            let y = line_top + LINE_PITCH - 6.0;
            self.page().shapes.push(Shape::Line { x1: x + 2.0, y1: y, x2: end, y2: y, width: 0.6 });
        } else {
            let mut text = head;
            for (i, part) in value.lines().enumerate() {
                if i > 0 {
                    self.paragraph(BODY, &text, indent, WIDTH);
                    text = String::new();
                }
                text.push_str(part.trim_end());
            }
            self.paragraph(BODY, &text, indent, WIDTH);
        }
    }

    fn table(&mut self, t: &Table) {
        if t.columns.is_empty() {
            return;
        }
        let total: f32 = t.columns.iter().map(|c| f32::from(c.width.max(1))).sum();
        let widths: Vec<f32> = t.columns.iter().map(|c| WIDTH * f32::from(c.width.max(1)) / total).collect();
        // Clear of the line above.
        self.y += 6.0;
        // The top border is drawn by each row segment; start on a fresh line.
        for (r, row) in t.rows.iter().enumerate() {
            let style = if t.header && r == 0 { CELL_HEAD } else { CELL };
            // Each cell's lines.
            let cells: Vec<Vec<Run>> = widths
                .iter()
                .enumerate()
                .map(|(c, w)| {
                    let text = row.get(c).map(String::as_str).unwrap_or("");
                    self.cell_lines(style, text, w - 2.0 * CELL_PAD)
                })
                .collect();
            let rows_needed = cells.iter().map(Vec::len).max().unwrap_or(1).max(1);
            let mut done = 0;
            while done < rows_needed {
                let room = ((BOTTOM - self.y - 2.0 * CELL_PAD) / TABLE_PITCH).floor().max(0.0) as usize;
                let left = rows_needed - done;
                // A row that fits on a fresh page moves there whole; a longer one is split.
                if room == 0
                    || (room < left && left as f32 * TABLE_PITCH + 2.0 * CELL_PAD <= HEIGHT && self.y > TOP + 1.0)
                {
                    self.new_page();
                    continue;
                }
                let n = left.min(room);
                let h = n as f32 * TABLE_PITCH + 2.0 * CELL_PAD;
                let y0 = self.y;
                let mut x = LEFT;
                for (c, w) in widths.iter().enumerate() {
                    for (k, line) in cells[c].iter().skip(done).take(n).enumerate() {
                        let mut run = line.clone();
                        run.x += x + CELL_PAD;
                        run.baseline = Self::baseline(y0 + CELL_PAD + k as f32 * TABLE_PITCH, TABLE_PITCH, style.size);
                        self.page().runs.push(run);
                    }
                    self.page().shapes.push(Shape::Line { x1: x, y1: y0, x2: x, y2: y0 + h, width: 0.75 });
                    x += w;
                }
                let shapes = &mut self.page().shapes;
                shapes.push(Shape::Line { x1: RIGHT, y1: y0, x2: RIGHT, y2: y0 + h, width: 0.75 });
                shapes.push(Shape::Line { x1: LEFT, y1: y0, x2: RIGHT, y2: y0, width: 0.75 });
                shapes.push(Shape::Line { x1: LEFT, y1: y0 + h, x2: RIGHT, y2: y0 + h, width: 0.75 });
                self.y = y0 + h;
                done += n;
            }
        }
        self.snap();
    }

    /// A bar chart: its caption centred, then a row per bar — the label (its first line)
    /// in the left 40%, a filled bar scaled to the largest value, the value after it.
    fn bars(&mut self, caption: &str, bars: &[(String, u64)]) {
        self.centred(CELL_HEAD, caption.trim());
        let label_w = WIDTH * 0.4;
        let bar_room = WIDTH - label_w - 4.0 * CHAR_PITCH;
        let max = bars.iter().map(|(_, v)| *v).max().unwrap_or(0).max(1);
        self.y += CELL_PAD;
        if bars.is_empty() {
            self.paragraph(CELL, "无数据", 0.0, WIDTH);
        }
        for (label, value) in bars {
            if self.y + TABLE_PITCH > BOTTOM {
                self.new_page();
            }
            let y0 = self.y;
            let baseline = Self::baseline(y0, TABLE_PITCH, CELL.size);
            if let Some(first) = self.cell_lines(CELL, label.trim(), label_w - 2.0 * CELL_PAD).into_iter().next() {
                let mut run = first;
                run.x += LEFT;
                run.baseline = baseline;
                self.page().runs.push(run);
            }
            let w = bar_room * (*value as f32) / (max as f32);
            let x = LEFT + label_w;
            self.page().shapes.push(Shape::Rect { x, y: y0 + 5.0, w, h: TABLE_PITCH - 10.0 });
            let run = self.run(CELL, &value.to_string(), x + w + CELL_PAD, baseline, &[], 0.0);
            self.page().runs.push(run);
            self.y = y0 + TABLE_PITCH;
        }
        self.snap();
    }

    /// The lines of a table cell, at x = 0 (placed later).
    fn cell_lines(&self, style: Style, text: &str, width: f32) -> Vec<Run> {
        let mut out = Vec::new();
        for para in text.split('\n') {
            let units = linebreak::units(para, &self.width_fn(style));
            for line in linebreak::break_lines(&units, width, width) {
                let l = linebreak::Line { justify: false, ..line };
                out.push(self.line_run(style, para, &units, &l, 0.0, 0.0, width));
            }
        }
        out
    }

    /// The agency's signature and the date, with the seal area (GB/T 9704 7.3.5.1): the
    /// date four characters in from the right, the agency centred over it, the seal
    /// centred on both, their lines in its lower half.
    fn closing(&mut self, c: &Closing) {
        // Two blank lines, so that the seal's top comes just under the body (within one
        // line of it) with the signature and date in its lower half.
        let blank = if c.seal { 2 } else { 1 };
        if self.lines_left() < blank + 2 {
            self.new_page();
        } else {
            for _ in 0..blank {
                self.grid_line();
            }
        }
        let date = if c.date.trim().is_empty() { "    年  月  日".to_string() } else { c.date.clone() };
        let date_w = self.measure(BODY, &date);
        let agency_w = self.measure(BODY, &c.agency);
        let date_x = RIGHT - 4.0 * CHAR_PITCH - date_w;
        let centre = (date_x + date_w / 2.0).min(RIGHT - agency_w / 2.0);
        let agency_top = self.grid_line();
        let run = self.run(
            BODY,
            &c.agency,
            centre - agency_w / 2.0,
            Self::baseline(agency_top, LINE_PITCH, BODY_SIZE),
            &[],
            0.0,
        );
        self.page().runs.push(run);
        let date_top = self.grid_line();
        let run = self.run(BODY, &date, date_x, Self::baseline(date_top, LINE_PITCH, BODY_SIZE), &[], 0.0);
        self.page().runs.push(run);
        if c.seal {
            let cy = agency_top + 3.0;
            self.page().shapes.push(Shape::SealCircle { cx: centre, cy, r: SEAL_RADIUS });
            let mark = "（印章）";
            let w = self.measure(SEAL_MARK, mark);
            let run = self.run(SEAL_MARK, mark, centre - w / 2.0, cy - SEAL_RADIUS / 2.0, &[], 0.0);
            self.page().runs.push(run);
        }
    }
}

/// Lays a document out on pages.
pub fn layout(doc: &Document, fonts: &Fonts) -> Vec<Page> {
    let mut l = Layout { m: Measure::new(fonts), pages: vec![Page::default()], y: TOP };
    if let Some(q) = &doc.qr {
        let x = RIGHT - QR_SIDE;
        let y = 8.0 * MM;
        l.page().shapes.extend(qr::modules(&q.url, x, y, QR_SIDE));
        let w = l.measure(SMALL_GRAY, &q.caption);
        let run = l.run(SMALL_GRAY, &q.caption, x + (QR_SIDE - w) / 2.0, y + QR_SIDE + 9.0, &[], 0.0);
        l.page().runs.push(run);
    }
    if !doc.agency.trim().is_empty() {
        l.centred(TITLE, doc.agency.trim());
    }
    l.centred(TITLE, doc.title.trim());
    if let Some(n) = doc.number.as_deref().filter(|n| !n.trim().is_empty()) {
        l.right_aligned(BODY, n.trim(), 0.0);
    }
    for b in &doc.blocks {
        match b {
            Block::Heading(t) => {
                l.paragraph(HEADING, t.trim(), INDENT, WIDTH);
            }
            Block::Paragraph(t) => {
                for p in t.split('\n').map(str::trim).filter(|p| !p.is_empty()) {
                    l.paragraph(BODY, p, INDENT, WIDTH);
                }
            }
            Block::Field { label, value } => l.field(label, value, 0.0),
            Block::Addressee(t) => {
                l.paragraph(BODY, t.trim(), 0.0, WIDTH);
            }
            Block::Table(t) => l.table(t),
            Block::Bars { caption, bars } => l.bars(caption, bars),
            Block::Signatures(lines) => {
                for (label, value) in lines {
                    l.field(label, value, INDENT);
                }
            }
            Block::Blank => {
                l.grid_line();
            }
        }
    }
    if let Some(c) = &doc.closing {
        l.closing(c);
    }
    // Page numbers: — 1 —, odd pages right, even pages left, one character in.
    let count = l.pages.len();
    for i in 0..count {
        let text = format!("— {} —", i + 1);
        let w = l.measure(PAGE_NUMBER, &text);
        let x = if i % 2 == 0 { RIGHT - PAGE_NUMBER_SIZE - w } else { LEFT + PAGE_NUMBER_SIZE };
        let run = l.run(PAGE_NUMBER, &text, x, BOTTOM + 7.0 * MM + PAGE_NUMBER_SIZE * 0.6, &[], 0.0);
        l.pages[i].runs.push(run);
    }
    l.pages
}

/// Whether a laid-out line breaks a line-breaking rule (for checks and tests).
pub fn breaks_rules(line: &str) -> bool {
    linebreak::violates(line)
}
