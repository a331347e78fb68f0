//! Home addresses named in prose: the words officers write before a natural person's
//! address (住址, 家庭住址, 户籍地…) and the text after them up to the next punctuation.
//!
//! 住所 is ambiguous: for a natural person it is the home, for an organisation the
//! registered business address, which is published. It counts as a home only when the
//! context has a natural person, and never when what follows is a published address.

use std::ops::Range;

use super::{FindingKind, Hit, Text, overlaps_any};

/// Longest first, so that 家庭住址 is read as one word rather than as 住址.
const HOME_WORDS: [&str; 10] =
    ["家庭住址", "家庭地址", "户籍所在地", "户籍地址", "居住地址", "现住址", "户籍地", "居住地", "住址", "现住"];
const RESIDENCE_WORDS: [&str; 2] = ["住所地", "住所"];

/// Between the word and the address: 住址：, 住址为, 现住在.
const FILLERS: [char; 6] = [':', ' ', '为', '在', '于', '是'];
/// Where an address ends (after normalisation, so ， is ',').
const ENDS: [char; 8] = [',', '。', ';', '、', '\n', ')', '!', '?'];
/// Words that start the next item when an officer wrote no punctuation before it.
const NEXT_ITEM: [&str; 6] = ["电话", "手机", "联系", "身份证", "邮编", "邮政编码"];

pub(super) fn hits(text: &Text, residence_is_home: bool, published: &[Range<usize>]) -> Vec<Hit> {
    let mut hits = Vec::new();
    let mut i = 0;
    while i < text.len() {
        let Some((word, residence)) = keyword_at(text, i, residence_is_home) else {
            i += 1;
            continue;
        };
        let start = skip_fillers(text, i + word.chars().count());
        let end = value_end(text, start);
        let business_address = residence && overlaps_any(&(start..end), published);
        if end > start && !business_address {
            hits.push(Hit::marked(start..end, FindingKind::HomeAddress));
        }
        i = end.max(i + 1);
    }
    hits
}

/// The address word at `at`, and whether it is 住所 (a home only for a natural person).
fn keyword_at(text: &Text, at: usize, residence_is_home: bool) -> Option<(&'static str, bool)> {
    if text.is_frozen(at) {
        return None;
    }
    let home = HOME_WORDS.into_iter().find(|w| text.at(at, w)).map(|w| (w, false));
    let residence = || RESIDENCE_WORDS.into_iter().find(|w| text.at(at, w)).map(|w| (w, true));
    home.or_else(|| residence().filter(|_| residence_is_home))
}

fn skip_fillers(text: &Text, mut at: usize) -> usize {
    while at < text.len() && FILLERS.contains(&text.norm[at]) {
        at += 1;
    }
    at
}

fn value_end(text: &Text, start: usize) -> usize {
    (start..text.len())
        .find(|&i| ENDS.contains(&text.norm[i]) || NEXT_ITEM.iter().any(|w| text.at(i, w)))
        .unwrap_or(text.len())
}
