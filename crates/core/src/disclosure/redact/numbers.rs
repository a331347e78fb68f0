//! Numbers in prose: citizen IDs, telephone numbers and bank accounts, told apart from the
//! numbers a decision must keep (amounts, dates, document and article numbers, credit
//! codes, sample and batch numbers).
//!
//! A number is a run of digits (an ID's run may end in X), or several runs an officer split
//! for reading: 138 1234 5678, 6222 0212 3456 7890, 0736-4321000, （0736）4321000. What it
//! is depends on its shape and on the nearest label before it in its clause (身份证, 电话,
//! 账号, 信用代码…). A valid citizen ID (check digit and birth date) is removed wherever it
//! stands, even inside other characters, unless it is a credit code the case publishes:
//! letting one through costs more than masking an odd sample number.

use std::ops::Range;

use chrono::NaiveDate;

use super::{FindingKind, Hit, Text};
use crate::ids::CitizenId;

/// The label before a number that says what it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Clue {
    Id,
    Phone,
    Bank,
    /// A number the decision publishes: a credit code, a registration or batch number.
    Keep,
}

const CLUES: [(&str, Clue); 28] = [
    ("身份证", Clue::Id),
    ("身份号码", Clue::Id),
    ("证件号", Clue::Id),
    ("电话", Clue::Phone),
    ("手机", Clue::Phone),
    ("联系方式", Clue::Phone),
    ("传真", Clue::Phone),
    ("座机", Clue::Phone),
    ("QQ", Clue::Phone),
    ("微信", Clue::Phone),
    ("账号", Clue::Bank),
    ("帐号", Clue::Bank),
    ("卡号", Clue::Bank),
    ("账户", Clue::Bank),
    ("帐户", Clue::Bank),
    ("开户行", Clue::Bank),
    ("银行", Clue::Bank),
    ("信用代码", Clue::Keep),
    ("注册号", Clue::Keep),
    ("编号", Clue::Keep),
    ("批号", Clue::Keep),
    ("执法证", Clue::Keep),
    ("文号", Clue::Keep),
    ("案号", Clue::Keep),
    ("条码", Clue::Keep),
    ("许可证", Clue::Keep),
    ("登记证", Clue::Keep),
    ("营业执照", Clue::Keep),
];

/// How far back a label is looked for; a clause ends at these characters.
const CLUE_WINDOW: usize = 24;
const CLAUSE_ENDS: [char; 6] = [',', '。', ';', '\n', '!', '?'];
/// After a number that is an amount, a date, a document or an article number.
const UNITS: [char; 11] = ['元', '万', '亿', '%', '年', '月', '日', '号', '条', '款', '项'];

/// The most runs one number is split into (+86 138 1234 5678, 6222 0212 3456 7890 123); it
/// also bounds the work on a table of numbers separated by spaces.
const MAX_RUNS: usize = 6;

/// A run of digits in the normalised text.
#[derive(Debug, Clone)]
struct Run {
    span: Range<usize>,
    /// Glued to letters (part of a credit code, a plate or a model number): only a valid
    /// citizen ID is taken out of it.
    embedded: bool,
}

pub(super) fn hits(text: &Text, published_codes: &[String]) -> Vec<Hit> {
    let mut hits = Vec::new();
    for group in groups(text, runs(text)) {
        let mut i = 0;
        while i < group.len() {
            let clue = clue(text, group[i].span.start);
            // The longest window of the group that is something; the rest is read on its own.
            let found = (i + 1..=group.len().min(i + MAX_RUNS))
                .rev()
                .find_map(|j| classify(text, &group[i..j], clue, published_codes).map(|kind| (j, kind)));
            let Some((j, kind)) = found else {
                i += 1;
                continue;
            };
            let span = span_of(text, &group[i..j], kind);
            hits.push(Hit::marked(span.clone(), kind));
            i = j;
            while i < group.len() && group[i].span.start < span.end {
                i += 1;
            }
        }
    }
    hits
}

fn runs(text: &Text) -> Vec<Run> {
    let norm = &text.norm;
    let mut runs: Vec<Run> = Vec::new();
    let mut i = 0;
    while i < norm.len() {
        if !norm[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        i = digits_end(text, i);
        if ends_in_check_x(norm, start, i) {
            i += 1;
        }
        let letter = |at: Option<usize>| at.and_then(|k| norm.get(k)).is_some_and(char::is_ascii_alphabetic);
        // The X of an ID just before does not glue this run to letters.
        let after_id = runs.last().is_some_and(|r| r.span.end == start);
        let embedded = (letter(start.checked_sub(1)) && !after_id) || letter(Some(i));
        runs.push(Run { span: start..i, embedded });
    }
    runs
}

/// Whether the X after these digits is an ID's check character: always after 17 digits
/// (an ID glued to what follows), otherwise only when it ends a word (430721 19900101 123X).
fn ends_in_check_x(norm: &[char], start: usize, end: usize) -> bool {
    matches!(norm.get(end), Some('X' | 'x'))
        && (end - start == 17 || !norm.get(end + 1).is_some_and(char::is_ascii_alphanumeric))
}

fn digits_end(text: &Text, mut at: usize) -> usize {
    while text.norm.get(at).is_some_and(char::is_ascii_digit) {
        at += 1;
    }
    at
}

/// Consecutive runs split for reading: one space or dash between them, or the closing
/// parenthesis of an area code.
fn groups(text: &Text, runs: Vec<Run>) -> Vec<Vec<Run>> {
    let mut groups: Vec<Vec<Run>> = Vec::new();
    for run in runs {
        match groups.last_mut() {
            Some(group) if joined(text, group.last().expect("groups are never empty"), &run) => group.push(run),
            _ => groups.push(vec![run]),
        }
    }
    groups
}

fn joined(text: &Text, a: &Run, b: &Run) -> bool {
    if a.embedded || b.embedded {
        return false;
    }
    match &text.norm[a.span.end..b.span.start] {
        [' ' | '-'] => true,
        [')'] | [')', ' ' | '-'] => opened_by_parenthesis(text, a),
        _ => false,
    }
}

fn opened_by_parenthesis(text: &Text, run: &Run) -> bool {
    run.span.start > 0 && text.norm[run.span.start - 1] == '('
}

/// What the runs of `window`, read as one number, are; `None` when they are to be kept.
/// `clue` is the label before the window's first run.
fn classify(text: &Text, window: &[Run], clue: Option<Clue>, published_codes: &[String]) -> Option<FindingKind> {
    let digits: String = window.iter().flat_map(|r| &text.norm[r.span.clone()]).map(char::to_ascii_uppercase).collect();
    if published_codes.contains(&digits) || digits[..digits.len() - 1].contains('X') {
        return None;
    }
    if digits.len() == 18 && CitizenId::parse(&digits).is_ok() {
        return Some(FindingKind::CitizenId);
    }
    if window.iter().any(|r| r.embedded) {
        return None;
    }
    let last = window.last()?.span.end;
    let n = digits.len();
    let id_shaped = n == 18 || n == 15;
    if (n == 15 && is_old_citizen_id(&digits) && clue != Some(Clue::Keep)) || (id_shaped && clue == Some(Clue::Id)) {
        return Some(FindingKind::CitizenId);
    }
    if digits.ends_with('X') || clue == Some(Clue::Keep) || followed_by_unit(text, last) {
        return None;
    }
    match clue {
        Some(Clue::Bank) if (8..=30).contains(&n) => return Some(FindingKind::BankAccount),
        Some(Clue::Phone) if (7..=13).contains(&n) => return Some(FindingKind::Phone),
        _ => {}
    }
    if is_mobile(&digits) || is_landline(&digits) {
        Some(FindingKind::Phone)
    } else if (12..=19).contains(&n) && grouped_by_four(window) {
        // An unexplained long number in a decision is treated as an account: removing a
        // stray reference number is the cheaper mistake.
        Some(FindingKind::BankAccount)
    } else {
        None
    }
}

/// The nearest label before `at` in the same clause.
fn clue(text: &Text, at: usize) -> Option<Clue> {
    let from = at.saturating_sub(CLUE_WINDOW);
    let clause = (from..at).rev().find(|&i| CLAUSE_ENDS.contains(&text.norm[i])).map_or(from, |i| i + 1);
    let mut nearest: Option<(usize, Clue)> = None;
    for i in (clause..at).filter(|&i| !text.is_frozen(i)) {
        for (word, clue) in CLUES {
            let end = i + word.chars().count();
            if end <= at && text.at(i, word) && nearest.is_none_or(|(e, _)| end >= e) {
                nearest = Some((end, clue));
            }
        }
    }
    nearest.map(|(_, clue)| clue)
}

fn followed_by_unit(text: &Text, at: usize) -> bool {
    text.norm[at..].iter().find(|c| **c != ' ').is_some_and(|c| UNITS.contains(c))
}

/// A 15-digit ID issued before 1999: six digits of region, then the birth date as YYMMDD
/// in the 1900s, then three digits.
fn is_old_citizen_id(digits: &str) -> bool {
    digits.len() == 15
        && digits.bytes().all(|b| b.is_ascii_digit())
        && NaiveDate::parse_from_str(&format!("19{}", &digits[6..12]), "%Y%m%d").is_ok()
}

/// 11 digits starting 13–19, optionally after the country code 86.
fn is_mobile(digits: &str) -> bool {
    let b = digits.as_bytes();
    match b.len() {
        11 => b[0] == b'1' && (b'3'..=b'9').contains(&b[1]),
        13 => digits.starts_with("86") && is_mobile(&digits[2..]),
        _ => false,
    }
}

/// An area code (0 and two or three digits) and a seven- or eight-digit local number.
fn is_landline(digits: &str) -> bool {
    let b = digits.as_bytes();
    (10..=12).contains(&b.len()) && b[0] == b'0' && b[1] != b'0'
}

/// An account split for reading is split in fours (6222 0212 3456 7890 123).
fn grouped_by_four(window: &[Run]) -> bool {
    window.split_last().is_some_and(|(_, init)| init.iter().all(|r| r.span.len() == 4))
}

/// The span a finding replaces: the runs, the parenthesis of an area code, a leading + of a
/// country code, and a telephone extension (-8001, 转8001, 分机8001).
fn span_of(text: &Text, window: &[Run], kind: FindingKind) -> Range<usize> {
    let mut start = window[0].span.start;
    let mut end = window[window.len() - 1].span.end;
    if window.len() > 1 && opened_by_parenthesis(text, &window[0]) {
        start -= 1;
    }
    if start > 0 && text.norm[start - 1] == '+' {
        start -= 1;
    }
    if kind == FindingKind::Phone {
        end = extension_end(text, end);
    }
    start..end
}

fn extension_end(text: &Text, end: usize) -> usize {
    for prefix in ["-", "转", "分机"] {
        if text.at(end, prefix) {
            let digits = end + prefix.chars().count();
            let ext_end = digits_end(text, digits);
            if (1..=6).contains(&(ext_end - digits)) {
                return ext_end;
            }
        }
    }
    end
}
