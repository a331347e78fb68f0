//! Technical redaction of a text before publication (rule D-07).
//!
//! Every text bound for the portal passes through [`redact`]. What goes: a natural person's
//! citizen ID number, telephone numbers, bank accounts and home address are replaced by a
//! marker naming what was removed (［已删除：身份证号码］); a natural person's name keeps
//! its surname and loses the given name (王小明 → 王**). What stays, because the law
//! publishes it: an organisation's name, business address and credit code, amounts, dates,
//! document numbers and article numbers.
//!
//! Written by hand, without a regex crate: the core takes no new dependencies, and the
//! decisions are not regular anyway — whether eighteen digits are an ID depends on their
//! check digit, and whether fourteen digits are a bank account or a sample number depends
//! on the word before them.
//!
//! Names are masked only when the [`RedactionContext`] knows them (the party, its legal
//! representative, any person the caller adds); a name cannot be told from other words by
//! its characters alone. Numbers and addresses after their usual words are found in any
//! text. Redacting a redacted text changes nothing: the markers of an earlier pass are
//! left alone.

use std::cmp::Reverse;
use std::ops::Range;

use serde::{Deserialize, Serialize};

use crate::case::{Party, PartyKind};

mod address;
mod numbers;
#[cfg(test)]
mod tests;

/// What a finding removed, for the reviewer's preview.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    /// A natural person's name, masked to the surname.
    PersonName,
    CitizenId,
    Phone,
    BankAccount,
    HomeAddress,
}

impl FindingKind {
    pub const ALL: [FindingKind; 5] = [
        FindingKind::PersonName,
        FindingKind::CitizenId,
        FindingKind::Phone,
        FindingKind::BankAccount,
        FindingKind::HomeAddress,
    ];

    pub fn label(self) -> &'static str {
        match self {
            FindingKind::PersonName => "自然人姓名",
            FindingKind::CitizenId => "身份证号码",
            FindingKind::Phone => "电话号码",
            FindingKind::BankAccount => "银行账号",
            FindingKind::HomeAddress => "住址",
        }
    }

    /// Why the finding is masked, as the preview shows it.
    pub fn reason(self) -> &'static str {
        match self {
            FindingKind::PersonName => "自然人姓名只显示姓氏",
            _ => "属于个人隐私，公开前删除",
        }
    }

    /// The marker left in place of removed content. A name has none: it is masked, so a
    /// reader still sees that a person is meant and which surname.
    pub fn marker(self) -> Option<&'static str> {
        match self {
            FindingKind::PersonName => None,
            FindingKind::CitizenId => Some("［已删除：身份证号码］"),
            FindingKind::Phone => Some("［已删除：电话号码］"),
            FindingKind::BankAccount => Some("［已删除：银行账号］"),
            FindingKind::HomeAddress => Some("［已删除：住址］"),
        }
    }
}

/// One piece of text that was masked or removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub kind: FindingKind,
    /// Offset in characters (not bytes) of the removed text in the input.
    pub offset: usize,
    /// The removed text: for the reviewer's eyes only, never published.
    pub original: String,
    pub replacement: String,
}

impl Finding {
    pub fn label(&self) -> &'static str {
        self.kind.label()
    }
}

/// A redacted text and what was taken out of it, in text order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Redacted {
    pub text: String,
    pub removed: Vec<Finding>,
}

/// What the case knows about the people in a text: names to mask, private values to remove
/// wherever they occur, and published values (an organisation's name, business address and
/// credit code) that must survive.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RedactionContext {
    names: Vec<String>,
    private: Vec<(FindingKind, String)>,
    published: Vec<String>,
    /// Whether 住所 in the text is a natural person's home; an organisation's 住所 is its
    /// registered business address, which is published.
    residence_is_home: bool,
}

impl RedactionContext {
    /// The context of a case with this party.
    pub fn for_party(party: &Party) -> Self {
        Self::default().with_party(party)
    }

    /// Adds a party: a natural person's name, ID, address and phone are private; an
    /// organisation's name, address and credit code are published, its legal
    /// representative's name is masked. An organisation's telephone is removed like any
    /// number: a decision does not need it, and it is often the representative's mobile.
    pub fn with_party(self, party: &Party) -> Self {
        let ctx = self.with_person(&party.representative);
        match party.kind {
            PartyKind::Person => RedactionContext { residence_is_home: true, ..ctx }
                .with_person(&party.name)
                .with_known(FindingKind::CitizenId, &party.id_number)
                .with_known(FindingKind::HomeAddress, &party.address)
                .with_known(FindingKind::Phone, &party.phone),
            PartyKind::Organisation => {
                ctx.with_published(&party.name).with_published(&party.address).with_published(&party.id_number)
            }
        }
    }

    /// Adds another natural person named in the text (an agent, a guardian, a witness).
    /// A name already masked (王某某, 张*) or of one character is left as it is.
    pub fn with_person(mut self, name: &str) -> Self {
        let name = name.trim();
        let maskable = name.chars().count() >= 2 && !name.contains(['某', '*', '＊', '×']);
        if maskable && !self.names.iter().any(|n| n == name) {
            self.names.push(name.to_string());
        }
        self
    }

    /// Adds a private value known from the case, removed wherever it occurs. Values too short
    /// to be specific (an address of five characters names a town, not a home) are ignored
    /// rather than wiping every mention of the town.
    pub fn with_known(mut self, kind: FindingKind, value: &str) -> Self {
        if kind == FindingKind::PersonName {
            return self.with_person(value);
        }
        let value = value.trim();
        if value.chars().count() >= 6 {
            self.private.push((kind, value.to_string()));
        }
        self
    }

    fn with_published(mut self, value: &str) -> Self {
        let value = value.trim();
        if !value.is_empty() {
            self.published.push(value.to_string());
        }
        self
    }
}

/// Masks the natural persons' names the context knows and removes citizen IDs, telephone
/// numbers, bank accounts and home addresses (D-07).
pub fn redact(text: &str, ctx: &RedactionContext) -> Redacted {
    let text = Text::new(text);
    let published = occurrences(&text, &ctx.published);
    let mut hits = name_hits(&text, &ctx.names, &published);
    hits.extend(known_hits(&text, &ctx.private));
    hits.extend(address::hits(&text, ctx.residence_is_home, &published));
    let codes: Vec<String> =
        ctx.published.iter().map(|p| normalised(p).iter().collect::<String>().to_uppercase()).collect();
    hits.extend(numbers::hits(&text, &codes));
    assemble(&text, resolve(&text, hits))
}

/// Keeps the surname and masks the rest: 张三 → 张*, 欧阳娜娜 → 欧阳**.
pub fn mask_name(name: &str) -> String {
    let chars: Vec<char> = name.trim().chars().collect();
    let surname = if chars.len() >= 3 && is_compound_surname(&chars[..2]) { 2 } else { 1 };
    chars.iter().take(surname).chain(std::iter::repeat_n(&'*', chars.len().saturating_sub(surname))).collect()
}

/// Two-character surnames (复姓): their bearers keep both characters.
const COMPOUND_SURNAMES: [&str; 40] = [
    "欧阳", "司马", "诸葛", "上官", "司徒", "夏侯", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "东方", "令狐",
    "端木", "轩辕", "独孤", "南宫", "西门", "申屠", "万俟", "闻人", "澹台", "公冶", "宗政", "濮阳", "太叔", "仲孙",
    "钟离", "呼延", "拓跋", "百里", "东郭", "左丘", "司空", "司寇", "漆雕", "乐正", "赫连", "第五",
];

fn is_compound_surname(first_two: &[char]) -> bool {
    COMPOUND_SURNAMES.iter().any(|s| s.chars().eq(first_two.iter().copied()))
}

/// A span of the input to replace.
#[derive(Debug)]
struct Hit {
    span: Range<usize>,
    kind: FindingKind,
    replacement: String,
}

impl Hit {
    /// A hit replaced by its kind's marker.
    fn marked(span: Range<usize>, kind: FindingKind) -> Self {
        Hit { span, kind, replacement: kind.marker().unwrap_or_default().to_string() }
    }
}

fn name_hits(text: &Text, names: &[String], published: &[Range<usize>]) -> Vec<Hit> {
    let mut hits = Vec::new();
    for name in names {
        let needle = normalised(name);
        for at in text.find_all(&needle) {
            let span = at..at + needle.len();
            // The name inside a published organisation name (张三餐馆) is published with it.
            if !overlaps_any(&span, published) {
                hits.push(Hit { span, kind: FindingKind::PersonName, replacement: mask_name(name) });
            }
        }
    }
    hits
}

fn known_hits(text: &Text, private: &[(FindingKind, String)]) -> Vec<Hit> {
    let mut hits = Vec::new();
    for (kind, value) in private {
        let needle = normalised(value);
        hits.extend(text.find_all(&needle).map(|at| Hit::marked(at..at + needle.len(), *kind)));
    }
    hits
}

fn occurrences(text: &Text, values: &[String]) -> Vec<Range<usize>> {
    let mut spans = Vec::new();
    for value in values {
        let needle = normalised(value);
        spans.extend(text.find_all(&needle).map(|at| at..at + needle.len()));
    }
    spans
}

/// Drops hits inside an earlier pass's markers, then keeps the earliest of overlapping
/// hits (the longest when they start together), so each character is replaced at most once.
fn resolve(text: &Text, mut hits: Vec<Hit>) -> Vec<Hit> {
    hits.retain(|h| !overlaps_any(&h.span, &text.frozen));
    hits.sort_by_key(|h| (h.span.start, Reverse(h.span.end)));
    let mut kept: Vec<Hit> = Vec::new();
    for hit in hits {
        if kept.last().is_none_or(|last| hit.span.start >= last.span.end) {
            kept.push(hit);
        }
    }
    kept
}

fn assemble(text: &Text, hits: Vec<Hit>) -> Redacted {
    let mut out = String::new();
    let mut removed = Vec::with_capacity(hits.len());
    let mut at = 0;
    for hit in hits {
        out.extend(&text.chars[at..hit.span.start]);
        out.push_str(&hit.replacement);
        at = hit.span.end;
        removed.push(Finding {
            kind: hit.kind,
            offset: hit.span.start,
            original: text.chars[hit.span].iter().collect(),
            replacement: hit.replacement,
        });
    }
    out.extend(&text.chars[at..]);
    Redacted { text: out, removed }
}

fn overlaps_any(span: &Range<usize>, others: &[Range<usize>]) -> bool {
    others.iter().any(|o| span.start < o.end && o.start < span.end)
}

/// The input as characters, with a normalised copy for matching in which full-width forms
/// (０-９, Ｘ, ：, （）, －, ，, ；) and the ideographic space are their ASCII counterparts.
/// The copy maps one character to one, so an offset in it is an offset in the input.
struct Text {
    chars: Vec<char>,
    norm: Vec<char>,
    /// The markers an earlier pass left: never matched again, so redaction is idempotent.
    frozen: Vec<Range<usize>>,
}

impl Text {
    fn new(input: &str) -> Self {
        let chars: Vec<char> = input.chars().collect();
        let norm = chars.iter().map(|&c| normalise(c)).collect();
        let mut text = Text { chars, norm, frozen: Vec::new() };
        let markers: Vec<String> = FindingKind::ALL.iter().filter_map(|k| k.marker()).map(String::from).collect();
        text.frozen = occurrences(&text, &markers);
        text
    }

    fn len(&self) -> usize {
        self.norm.len()
    }

    fn is_frozen(&self, at: usize) -> bool {
        self.frozen.iter().any(|f| f.contains(&at))
    }

    /// Whether `word` (already normalised) starts at `at`.
    fn at(&self, at: usize, word: &str) -> bool {
        word.chars().enumerate().all(|(k, c)| self.norm.get(at + k) == Some(&c))
    }

    fn find_all<'a>(&'a self, needle: &'a [char]) -> impl Iterator<Item = usize> + 'a {
        let last = self.len().checked_sub(needle.len()).filter(|_| !needle.is_empty());
        last.into_iter().flat_map(move |last| (0..=last).filter(move |&i| self.norm[i..].starts_with(needle)))
    }
}

fn normalise(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        // Dashes typed between an area code and the number.
        '\u{2013}' | '\u{2014}' => '-',
        _ => c,
    }
}

fn normalised(s: &str) -> Vec<char> {
    s.trim().chars().map(normalise).collect()
}
