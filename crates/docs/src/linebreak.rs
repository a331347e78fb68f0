//! Chinese line breaking (禁则, after GB/T 15834-2011 and the JIS X 4051 rules CJK
//! typesetting shares): a line never starts with a closing mark or a mark that follows the
//! text it belongs to (。，、；：？！）」》 …), never ends with an opening mark (（「《“ …);
//! runs of Latin letters and digits (numbers, codes, dates) are not split unless a run is
//! longer than a line; `——` and `……` stay whole.
//!
//! When the next unit does not fit and may not start a line, the unit before it moves to
//! the next line with it (推出); the line left short is justified by spreading its slack
//! over the gaps between its units, so that the right edge stays straight.

use std::ops::Range;

/// Latin runs longer than this (in bytes, all ASCII) may break between any characters.
const LONG_WORD: usize = 10;

/// Marks that may not start a line.
const NO_START: &str = "。，、；：？！）］｝」』》〉】〕〗〙〛”’·…—～%‰℃,.;:?!)]}>％・ー〜";
/// Marks that may not end a line.
const NO_END: &str = "（［｛「『《〈【〔〖〘〚“‘([{<";

/// How a unit behaves at a line edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    Normal,
    NoStart,
    NoEnd,
    /// A space: a break opportunity, dropped at either end of a line.
    Space,
}

/// The smallest piece a line is broken between: one CJK character or mark, a run of
/// Latin letters and digits, a run of a repeated dash or ellipsis, or a space.
#[derive(Debug, Clone, PartialEq)]
pub struct Unit {
    /// Byte range in the text.
    pub range: Range<usize>,
    pub width: f32,
    pub class: Class,
}

fn class_of(c: char) -> Class {
    if c == ' ' || c == '\u{3000}' {
        Class::Space
    } else if NO_START.contains(c) {
        Class::NoStart
    } else if NO_END.contains(c) {
        Class::NoEnd
    } else {
        Class::Normal
    }
}

/// Whether `c` joins a run that is not broken (Latin words, numbers, codes).
fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '/' | '.' | '@' | '#' | '+' | '=' | '&' | '\'')
}

/// Splits `text` into units, measuring each character with `width`.
pub fn units(text: &str, width: &impl Fn(char) -> f32) -> Vec<Unit> {
    let mut out: Vec<Unit> = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let mut end = i + c.len_utf8();
        let mut w = width(c);
        if is_word_char(c) && c.is_ascii_alphanumeric() {
            while let Some(&(j, d)) = chars.peek() {
                if !is_word_char(d) {
                    break;
                }
                chars.next();
                end = j + d.len_utf8();
                w += width(d);
            }
            // A word-final full stop, hyphen or slash may not start the next line: it is a
            // unit of its own that stays with the word.
            let word = &text[i..end];
            let trimmed = word.trim_end_matches(['.', '-', '/']);
            if trimmed.len() < word.len() {
                let cut = i + trimmed.len();
                let tail_w: f32 = text[cut..end].chars().map(width).sum();
                out.push(Unit { range: i..cut, width: w - tail_w, class: Class::Normal });
                out.push(Unit { range: cut..end, width: tail_w, class: Class::NoStart });
                continue;
            }
            if end - i > LONG_WORD {
                // A long code (an identity number, a tracking number) may break anywhere
                // rather than leave a line half empty.
                for (j, d) in text[i..end].char_indices() {
                    out.push(Unit { range: i + j..i + j + d.len_utf8(), width: width(d), class: Class::Normal });
                }
                continue;
            }
            out.push(Unit { range: i..end, width: w, class: Class::Normal });
            continue;
        }
        if c == '—' || c == '…' {
            while let Some(&(j, d)) = chars.peek() {
                if d != c {
                    break;
                }
                chars.next();
                end = j + d.len_utf8();
                w += width(d);
            }
        }
        out.push(Unit { range: i..end, width: w, class: class_of(c) });
    }
    out
}

/// A broken line: the units it holds and whether it is to be justified.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub units: Range<usize>,
    /// The sum of the units' widths (spaces at the ends excluded).
    pub width: f32,
    /// Broken before the end of the paragraph: its slack is spread over its gaps.
    pub justify: bool,
}

/// Breaks units into lines: the first `first` wide (a paragraph's indent taken off), the
/// others `rest` wide.
pub fn break_lines(units: &[Unit], first: f32, rest: f32) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut i = 0;
    let n = units.len();
    while i < n {
        // Spaces do not start a line.
        while i < n && units[i].class == Class::Space && !lines.is_empty() {
            i += 1;
        }
        if i >= n {
            break;
        }
        let max = if lines.is_empty() { first } else { rest };
        let start = i;
        let mut w = 0.0;
        while i < n && w + units[i].width <= max + 0.01 {
            w += units[i].width;
            i += 1;
        }
        if i == start {
            // A unit wider than the line (a very long code): it takes a line of its own.
            i += 1;
        } else if i < n {
            // Push back (推出) until the next line does not start with a mark that may not
            // start one and this line does not end with an opening mark.
            let mut end = i;
            loop {
                let before = end;
                while end > start + 1 && units[end].class == Class::NoStart {
                    end -= 1;
                }
                while end > start + 1 && units[end - 1].class == Class::NoEnd {
                    end -= 1;
                }
                if end == before || end <= start + 1 {
                    break;
                }
            }
            i = end;
        }
        let mut last = i;
        while last > start + 1 && units[last - 1].class == Class::Space {
            last -= 1;
        }
        let width = units[start..last].iter().map(|u| u.width).sum();
        lines.push(Line { units: start..last, width, justify: i < n });
    }
    if lines.is_empty() {
        lines.push(Line { units: 0..0, width: 0.0, justify: false });
    }
    lines
}

/// The text of each line, for tests and checks.
pub fn line_texts<'a>(text: &'a str, units: &[Unit], lines: &[Line]) -> Vec<&'a str> {
    lines
        .iter()
        .map(|l| {
            if l.units.is_empty() {
                ""
            } else {
                &text[units[l.units.start].range.start..units[l.units.end - 1].range.end]
            }
        })
        .collect()
}

/// Whether a line of text starts or ends against the rules (for tests and for the checks
/// on rendered documents).
pub fn violates(line: &str) -> bool {
    let first = line.chars().next();
    let last = line.chars().last();
    first.is_some_and(|c| NO_START.contains(c)) || last.is_some_and(|c| NO_END.contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(c: char) -> f32 {
        if c.is_ascii() { 0.5 } else { 1.0 }
    }

    fn lines_of(text: &str, width: f32) -> Vec<String> {
        let u = units(text, &w);
        let l = break_lines(&u, width, width);
        line_texts(text, &u, &l).into_iter().map(String::from).collect()
    }

    #[test]
    fn a_line_never_starts_with_a_closing_mark() {
        // Ten characters a line; the comma would be the 11th.
        let lines = lines_of("一二三四五六七八九十，甲乙丙丁。", 10.0);
        assert_eq!(lines, ["一二三四五六七八九", "十，甲乙丙丁。"]);
        for text in [
            "当事人：张三（身份证号码略），于二〇二六年三月一日在本县。",
            "依据《中华人民共和国行政处罚法》第五十一条之规定。",
        ] {
            for width in 3..12 {
                for l in lines_of(text, width as f32) {
                    assert!(!violates(&l), "{l:?} at width {width}");
                }
            }
        }
    }

    #[test]
    fn a_line_never_ends_with_an_opening_mark() {
        let lines = lines_of("一二三四五六七八九《法》。", 10.0);
        assert_eq!(lines, ["一二三四五六七八九", "《法》。"]);
    }

    #[test]
    fn numbers_and_codes_stay_whole_and_dashes_are_one_unit() {
        let lines = lines_of("一二三四五六七八电话0736-4321。", 12.0);
        assert!(lines.iter().any(|l| l.contains("0736-4321")), "{lines:?}");
        // A long code breaks rather than leave half a line empty.
        let lines = lines_of("一二三四五六七八统一社会信用代码91430721MA4L0000XY。", 12.0);
        assert!(lines[1].starts_with("信用代码91430721M"), "{lines:?}");
        let u = units("甲——乙……丙", &w);
        assert_eq!(u.len(), 5);
    }

    #[test]
    fn short_lines_are_justified_and_the_last_is_not() {
        let u = units("一二三四五六七八九十，甲乙", &w);
        let l = break_lines(&u, 10.0, 10.0);
        assert!(l[0].justify && !l[1].justify);
        assert!(l[0].width < 10.0);
    }
}
