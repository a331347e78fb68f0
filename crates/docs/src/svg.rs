//! Charts for the public portal as SVG: the procedure flowcharts of the pre-disclosure
//! (D-01), drawn from the core's [`Flow`] — itself derived from what the system enforces —
//! and the bar charts of the annual statistics (D-11).
//!
//! Text is measured, not guessed at by the browser: a CJK character is about 1 em wide and
//! an ASCII one about 0.55 em, so boxes are sized from the characters they hold and text
//! never runs out of them; long lines are wrapped. Every text is XML-escaped ([`escape`]);
//! the charts carry `role="img"`, a `<title>` and a `<desc>` that says in words what the
//! picture shows, for screen readers and for search. Coordinates are whole pixels and
//! nothing depends on a clock or on hashing order: the same input gives the same bytes.

use std::fmt::Write;

use zhifa_core::case::flow::{Branch, Flow, FlowStage, Step};

/// The font of every chart.
pub const FONT_FAMILY: &str = "Noto Sans CJK SC, sans-serif";

/// The text size of steps, in pixels.
const SIZE: u32 = 14;
/// The text size of notes.
const NOTE: u32 = 12;
/// The text size of titles.
const TITLE: u32 = 18;
/// The line height, as a multiple of the text size, in tenths.
const LEADING: u32 = 15;
/// Inner padding of a box, and the margin of the chart.
const PAD: u32 = 12;
/// The vertical arrow between stages.
const GAP: u32 = 36;
/// Lines wrap beyond this many em.
const WRAP_EM: f64 = 26.0;

/// `s` with the five XML special characters escaped, for text and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// How wide a character is, in em: ASCII (and other narrow Latin) about 0.55, everything
/// else — CJK ideographs, fullwidth punctuation — 1.
fn char_em(c: char) -> f64 {
    if (c as u32) < 0x2E80 { 0.55 } else { 1.0 }
}

/// The width of `s` in em.
pub fn text_em(s: &str) -> f64 {
    s.chars().map(char_em).sum()
}

/// The width of `s` at `size` pixels, rounded up.
fn width(s: &str, size: u32) -> u32 {
    (text_em(s) * f64::from(size)).ceil() as u32
}

fn line_height(size: u32) -> u32 {
    size * LEADING / 10
}

/// `s` broken into lines of at most [`WRAP_EM`] em (a character is never split); the
/// continuation lines start with `indent`.
fn wrap(s: &str, indent: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut em = 0.0;
    for c in s.chars() {
        if em + char_em(c) > WRAP_EM && !line.trim().is_empty() {
            lines.push(std::mem::take(&mut line));
            line.push_str(indent);
            em = text_em(indent);
        }
        line.push(c);
        em += char_em(c);
    }
    if !line.trim().is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// A line of a box: its text and size.
#[derive(Debug, Clone)]
struct Line {
    text: String,
    size: u32,
    bold: bool,
}

impl Line {
    fn width(&self) -> u32 {
        width(&self.text, self.size)
    }
}

fn lines_height(lines: &[Line]) -> u32 {
    lines.iter().map(|l| line_height(l.size)).sum::<u32>() + 2 * PAD
}

fn lines_width(lines: &[Line]) -> u32 {
    lines.iter().map(Line::width).max().unwrap_or(0) + 2 * PAD
}

fn step_lines(step: &Step, out: &mut Vec<Line>) {
    for t in wrap(&format!("· {}", step.label), "  ") {
        out.push(Line { text: t, size: SIZE, bold: false });
    }
    for n in &step.notes {
        for t in wrap(&format!("  {n}"), "  ") {
            out.push(Line { text: t, size: NOTE, bold: false });
        }
    }
}

fn stage_lines(n: usize, s: &FlowStage) -> Vec<Line> {
    let mut out = vec![Line { text: format!("{} {}", n + 1, s.label), size: SIZE, bold: true }];
    for step in &s.steps {
        step_lines(step, &mut out);
    }
    if s.steps.is_empty() {
        let text = if s.branches.is_empty() {
            "（本阶段无须制作专门文书）"
        } else {
            "（按右侧情形办理）"
        };
        out.push(Line { text: text.into(), size: SIZE, bold: false });
    }
    out
}

fn branch_lines(b: &Branch) -> Vec<Line> {
    let mut out = Vec::new();
    for step in &b.steps {
        step_lines(step, &mut out);
    }
    if b.to_closure {
        out.push(Line { text: "→ 直接结案".into(), size: SIZE, bold: true });
    }
    out
}

/// Writes the lines of a box whose top left corner is (`x`, `y`).
fn write_lines(svg: &mut String, lines: &[Line], x: u32, y: u32) {
    let mut baseline = y + PAD;
    for l in lines {
        let h = line_height(l.size);
        // The baseline sits at about four fifths of the line.
        let base = baseline + h * 4 / 5;
        let weight = if l.bold { r#" font-weight="bold""# } else { "" };
        let fill = if l.size == NOTE { r##" fill="#555""## } else { "" };
        let _ = writeln!(
            svg,
            r#"<text x="{}" y="{base}" font-size="{}"{weight}{fill} xml:space="preserve">{}</text>"#,
            x + PAD,
            l.size,
            escape(&l.text)
        );
        baseline += h;
    }
}

/// The prefix of a chart's element ids: several charts inlined in one page must not share
/// ids, and the same chart must keep its own (FNV-1a of its title and description).
fn id_prefix(title: &str, desc: &str) -> String {
    let mut h: u32 = 0x811c_9dc5;
    for b in title.bytes().chain([0]).chain(desc.bytes()) {
        h = (h ^ u32::from(b)).wrapping_mul(0x0100_0193);
    }
    format!("chart-{h:08x}")
}

/// Opens a chart: the root element and its accessible name and description. Returns the
/// chart's id prefix.
fn open_svg(svg: &mut String, w: u32, h: u32, title: &str, desc: &str) -> String {
    let id = id_prefix(title, desc);
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" aria-labelledby="{id}-title {id}-desc" font-family="{}">"#,
        escape(FONT_FAMILY)
    );
    let _ = writeln!(svg, r#"<title id="{id}-title">{}</title>"#, escape(title));
    let _ = writeln!(svg, r#"<desc id="{id}-desc">{}</desc>"#, escape(desc));
    let _ = writeln!(svg, r##"<rect x="0" y="0" width="{w}" height="{h}" fill="#fff"/>"##);
    id
}

fn title_text(svg: &mut String, title: &str, w: u32) {
    let _ = writeln!(
        svg,
        r#"<text x="{}" y="{}" font-size="{TITLE}" font-weight="bold" text-anchor="middle">{}</text>"#,
        w / 2,
        PAD + TITLE,
        escape(title)
    );
}

/// The flowchart's description in words: each stage with its steps and branches.
fn describe(flow: &Flow) -> String {
    let stages: Vec<String> = flow
        .stages
        .iter()
        .map(|s| {
            let mut t = s.label.to_string();
            let steps: Vec<&str> = s.steps.iter().map(|x| x.label.as_str()).collect();
            if !steps.is_empty() {
                t.push_str(&format!("：{}", steps.join("、")));
            }
            for b in &s.branches {
                let steps: Vec<&str> = b.steps.iter().map(|x| x.label.as_str()).collect();
                t.push_str(&format!("；{}的，{}", b.condition, steps.join("、")));
                if b.to_closure {
                    t.push_str("，直接结案");
                }
            }
            t
        })
        .collect();
    format!("{}{}，依次为：{}。", flow.act_kind.label(), flow.procedure.label(), stages.join("。"))
}

/// The arrowhead of the chart whose ids start with `id`.
fn arrow_defs(id: &str) -> String {
    format!(
        r##"<defs><marker id="{id}-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#333"/></marker></defs>"##
    )
}

/// A vertical flowchart of `flow` under `title`: the stages as boxes from top to bottom
/// joined by arrows, each listing its steps with their notes; each branch a box to the
/// right of its stage, the circumstance written on the arrow that leads to it.
pub fn flowchart(flow: &Flow, title: &str) -> String {
    let stages: Vec<(Vec<Line>, Vec<Vec<Line>>)> = flow
        .stages
        .iter()
        .enumerate()
        .map(|(n, s)| (stage_lines(n, s), s.branches.iter().map(branch_lines).collect()))
        .collect();
    let main_w = stages.iter().map(|(l, _)| lines_width(l)).max().unwrap_or(0).max(width(title, TITLE) / 2);
    let branch_w = stages.iter().flat_map(|(_, bs)| bs.iter().map(|b| lines_width(b))).max().unwrap_or(0);
    let cond_w = flow.stages.iter().flat_map(|s| s.branches.iter()).map(|b| width(&b.condition, NOTE)).max();
    let arrow_w = cond_w.map_or(0, |w| w + 2 * PAD);
    let top = 2 * PAD + TITLE + PAD;
    // Each stage's row is as tall as its box or its branches, whichever is taller.
    let rows: Vec<u32> = stages
        .iter()
        .map(|(l, bs)| {
            let branches = bs.iter().map(|b| lines_height(b) + PAD).sum::<u32>().saturating_sub(PAD);
            lines_height(l).max(branches)
        })
        .collect();
    let w = (PAD + main_w + arrow_w + branch_w + PAD).max(width(title, TITLE) + 2 * PAD);
    let h = top + rows.iter().sum::<u32>() + GAP * (rows.len().saturating_sub(1) as u32) + PAD;
    let mut svg = String::new();
    let id = open_svg(&mut svg, w, h, title, &describe(flow));
    svg.push_str(&arrow_defs(&id));
    svg.push('\n');
    title_text(&mut svg, title, w);
    let x = PAD;
    let mut y = top;
    for (i, ((lines, branches), row)) in stages.iter().zip(&rows).enumerate() {
        // The stage's box runs the height of its row, so that every branch's arrow leaves it.
        let box_h = *row;
        let _ = writeln!(
            svg,
            r##"<rect x="{x}" y="{y}" width="{main_w}" height="{box_h}" rx="6" fill="#eef4fb" stroke="#2b5d8c"/>"##
        );
        write_lines(&mut svg, lines, x, y);
        let mut by = y;
        for (b, blines) in flow.stages[i].branches.iter().zip(branches) {
            let bh = lines_height(blines);
            let bx = x + main_w + arrow_w;
            let ay = by + PAD + line_height(SIZE) / 2;
            let _ = writeln!(
                svg,
                r##"<line x1="{}" y1="{ay}" x2="{bx}" y2="{ay}" stroke="#333" marker-end="url(#{id}-arrow)"/>"##,
                x + main_w
            );
            let _ = writeln!(
                svg,
                r#"<text x="{}" y="{}" font-size="{NOTE}" text-anchor="middle">{}</text>"#,
                x + main_w + arrow_w / 2,
                ay - 4,
                escape(&b.condition)
            );
            let _ = writeln!(
                svg,
                r##"<rect x="{bx}" y="{by}" width="{branch_w}" height="{bh}" rx="6" fill="#fff8e6" stroke="#b07d12" stroke-dasharray="4 2"/>"##
            );
            write_lines(&mut svg, blines, bx, by);
            by += bh + PAD;
        }
        y += row;
        if i + 1 < stages.len() {
            let cx = x + main_w / 2;
            let _ = writeln!(
                svg,
                r##"<line x1="{cx}" y1="{y}" x2="{cx}" y2="{}" stroke="#333" marker-end="url(#{id}-arrow)"/>"##,
                y + GAP
            );
            y += GAP;
        }
    }
    svg.push_str("</svg>\n");
    svg
}

/// The width of the longest bar, in pixels.
pub const BAR_WIDTH: u32 = 400;
const BAR_ROW: u32 = 28;
const BAR_HEIGHT: u32 = 18;

/// A horizontal bar chart under `title`: one row per (label, value), the bars scaled so
/// that the largest is [`BAR_WIDTH`] wide, the value written after each. Without bars, a
/// chart that says 无数据.
pub fn bar_chart(title: &str, bars: &[(String, u64)]) -> String {
    let top = 2 * PAD + TITLE + PAD;
    if bars.is_empty() {
        let w = (width(title, TITLE) + 2 * PAD).max(BAR_WIDTH / 2);
        let h = top + BAR_ROW + PAD;
        let mut svg = String::new();
        let _ = open_svg(&mut svg, w, h, title, &format!("{title}：无数据。"));
        title_text(&mut svg, title, w);
        let _ = writeln!(
            svg,
            r##"<text x="{}" y="{}" font-size="{SIZE}" text-anchor="middle" fill="#555">无数据</text>"##,
            w / 2,
            top + SIZE
        );
        svg.push_str("</svg>\n");
        return svg;
    }
    let label_w = bars.iter().map(|(l, _)| width(l, SIZE)).max().unwrap_or(0);
    let value_w = bars.iter().map(|(_, v)| width(&v.to_string(), SIZE)).max().unwrap_or(0);
    let max = bars.iter().map(|(_, v)| *v).max().unwrap_or(0);
    let w = (PAD + label_w + PAD + BAR_WIDTH + PAD + value_w + PAD).max(width(title, TITLE) + 2 * PAD);
    let h = top + BAR_ROW * bars.len() as u32 + PAD;
    let desc: Vec<String> = bars.iter().map(|(l, v)| format!("{l}：{v}")).collect();
    let mut svg = String::new();
    let _ = open_svg(&mut svg, w, h, title, &format!("{title}。{}。", desc.join("；")));
    title_text(&mut svg, title, w);
    let bar_x = PAD + label_w + PAD;
    for (i, (label, value)) in bars.iter().enumerate() {
        let y = top + BAR_ROW * i as u32;
        let len = if max == 0 { 0 } else { (u128::from(*value) * u128::from(BAR_WIDTH) / u128::from(max)) as u32 };
        let text_y = y + (BAR_ROW + SIZE) / 2 - 2;
        let _ = writeln!(
            svg,
            r#"<text x="{}" y="{text_y}" font-size="{SIZE}" text-anchor="end">{}</text>"#,
            bar_x - PAD / 2,
            escape(label)
        );
        let _ = writeln!(
            svg,
            r##"<rect x="{bar_x}" y="{}" width="{len}" height="{BAR_HEIGHT}" fill="#2b5d8c"><title>{}：{value}</title></rect>"##,
            y + (BAR_ROW - BAR_HEIGHT) / 2,
            escape(label)
        );
        let _ = writeln!(svg, r#"<text x="{}" y="{text_y}" font-size="{SIZE}">{value}</text>"#, bar_x + len + PAD / 2);
    }
    svg.push_str("</svg>\n");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;
    use zhifa_core::case::Procedure;
    use zhifa_core::case::requirements::AvList;
    use zhifa_core::registry::ActKind;

    /// Checks that the tags of `svg` are balanced and its character data well formed
    /// (every `&` starts one of the five entities); returns the element names in order.
    fn check_xml(svg: &str) -> Vec<String> {
        let mut stack: Vec<String> = Vec::new();
        let mut names = Vec::new();
        let mut rest = svg;
        while let Some(open) = rest.find('<') {
            check_text(&rest[..open]);
            let close = rest[open..].find('>').expect("unclosed tag") + open;
            let tag = &rest[open + 1..close];
            if let Some(name) = tag.strip_prefix('/') {
                assert_eq!(stack.pop().as_deref(), Some(name), "mismatched </{name}>");
            } else {
                let name: String = tag.chars().take_while(|c| !c.is_whitespace() && *c != '/').collect();
                assert!(!name.is_empty(), "empty tag");
                // Attribute values are quoted and carry no raw < or &.
                assert_eq!(tag.matches('"').count() % 2, 0, "unbalanced quotes in <{tag}>");
                check_text(tag);
                names.push(name.clone());
                if !tag.ends_with('/') {
                    stack.push(name);
                }
            }
            rest = &rest[close + 1..];
        }
        check_text(rest);
        assert!(stack.is_empty(), "unclosed {stack:?}");
        names
    }

    fn check_text(t: &str) {
        for (i, _) in t.match_indices('&') {
            let entity = &t[i..];
            assert!(
                ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;"].iter().any(|e| entity.starts_with(e)),
                "raw & in {t}"
            );
        }
        assert!(!t.contains('<'));
    }

    #[test]
    fn escape_replaces_the_five_special_characters() {
        assert_eq!(escape(r#"<&"'>"#), "&lt;&amp;&quot;&apos;&gt;");
        assert_eq!(escape("罚款<200>元 & 警告"), "罚款&lt;200&gt;元 &amp; 警告");
        assert_eq!(escape("立案审批表"), "立案审批表");
    }

    #[test]
    fn cjk_is_one_em_and_ascii_about_half() {
        assert_eq!(text_em("立案"), 2.0);
        assert!((text_em("AV") - 1.1).abs() < 1e-9);
        assert!(wrap(&"字".repeat(60), "").iter().all(|l| text_em(l) <= WRAP_EM));
        assert_eq!(wrap(&"字".repeat(60), "").concat(), "字".repeat(60));
    }

    // rule: D-01
    #[test]
    fn every_chart_is_well_formed_accessible_and_lists_every_step() {
        let mut ids = std::collections::BTreeSet::new();
        for flow in zhifa_core::case::flow::all_flows(&AvList::new()) {
            let title = format!("某局<{}>", flow.title());
            let svg = flowchart(&flow, &title);
            let names = check_xml(&svg);
            assert_eq!(names[..3], ["svg", "title", "desc"]);
            assert!(svg.contains(r#"role="img""#) && svg.contains("Noto Sans CJK SC, sans-serif"));
            // The accessible name and description are the chart's own title and desc.
            let labelled = svg.split("aria-labelledby=\"").nth(1).unwrap().split('"').next().unwrap();
            for id in labelled.split(' ') {
                assert!(svg.contains(&format!("id=\"{id}\"")), "{id}");
            }
            assert!(ids.insert(labelled.to_string()), "two charts share the ids {labelled}");
            assert!(svg.contains(&escape(&title)));
            for stage in &flow.stages {
                assert!(svg.contains(stage.label));
                for step in stage.all_steps() {
                    // Wrapped lines are separate texts: every piece is there, escaped.
                    for piece in wrap(&format!("· {}", step.label), "  ") {
                        assert!(svg.contains(&escape(&piece)), "{}: {piece}", flow.title());
                    }
                }
                for b in &stage.branches {
                    assert!(svg.contains(&escape(&b.condition)));
                }
            }
            assert_eq!(flowchart(&flow, &title), svg, "deterministic");
        }
    }

    /// The `width` attributes of the elements named `name`.
    fn widths(svg: &str, name: &str) -> Vec<u32> {
        svg.split(&format!("<{name} "))
            .skip(1)
            .filter_map(|t| t.split("width=\"").nth(1)?.split('"').next()?.parse().ok())
            .collect()
    }

    // rule: D-01
    #[test]
    fn boxes_are_wide_enough_for_their_text() {
        let flow = zhifa_core::case::flow::flow(ActKind::Penalty, Procedure::Ordinary, &AvList::new()).unwrap();
        let svg = flowchart(&flow, "行政处罚（普通程序）流程图");
        let longest = flow
            .stages
            .iter()
            .flat_map(|s| s.steps.iter())
            .flat_map(|s| wrap(&format!("· {}", s.label), "  "))
            .map(|l| width(&l, SIZE))
            .max()
            .unwrap();
        let stage_box = widths(&svg, "rect")[1];
        assert!(stage_box >= longest + 2 * PAD, "{stage_box} < {longest}");
        let total = widths(&svg, "svg")[0];
        assert!(widths(&svg, "rect").iter().all(|w| *w <= total));
    }

    // rule: D-11
    #[test]
    fn the_largest_bar_takes_the_full_width_and_the_others_scale() {
        let bars = vec![("行政处罚".to_string(), 40), ("行政许可".to_string(), 10), ("警告 & 罚款".to_string(), 0)];
        let svg = bar_chart("2025年执法统计", &bars);
        check_xml(&svg);
        let w = widths(&svg, "rect");
        // The background, then the three bars.
        assert_eq!(w[1..], [BAR_WIDTH, BAR_WIDTH / 4, 0]);
        assert!(svg.contains("警告 &amp; 罚款") && svg.contains(">40<") && svg.contains(r#"role="img""#));
        assert!(svg.contains("-desc\">2025年执法统计。行政处罚：40；行政许可：10；警告 &amp; 罚款：0。</desc>"));
        assert_eq!(bar_chart("2025年执法统计", &bars), svg);
    }

    // rule: D-11
    #[test]
    fn the_annual_statistics_chart_shows_every_row_of_the_table() {
        let s = zhifa_core::disclosure::statistics::AnnualStatistics::compute(uuid::Uuid::nil(), 2025, []);
        let svg = bar_chart(&s.title(), &s.rows());
        check_xml(&svg);
        assert!(svg.contains("2025年度行政执法数据统计"));
        for (label, value) in s.rows() {
            assert!(svg.contains(&format!("<title>{}：{value}</title>", escape(&label))), "{label}");
        }
    }

    // rule: D-11
    #[test]
    fn a_chart_without_bars_says_there_is_no_data() {
        let svg = bar_chart("2025年<统计>", &[]);
        check_xml(&svg);
        assert!(svg.contains(">无数据</text>") && svg.contains("2025年&lt;统计&gt;"));
        let zero = bar_chart("零", &[("罚款".into(), 0)]);
        check_xml(&zero);
        assert_eq!(widths(&zero, "rect")[1], 0);
    }
}
