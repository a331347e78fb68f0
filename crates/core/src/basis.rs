//! The legal-basis catalogue (法律依据目录) and citations of it (rule G-03).
//!
//! A law is structured 法 → 条 → 款 → 项 → 目. A citation names the law in full and the
//! article, and optionally the paragraph, item and sub-item, e.g.
//! 《中华人民共和国统计法》第三十七条第一款第（一）项.

use std::fmt;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A position in a law: article, paragraph, item, sub-item.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
pub struct Citation {
    /// The full name of the law, without 《》.
    pub law: String,
    pub article: u32,
    pub paragraph: Option<u32>,
    pub item: Option<u32>,
    pub subitem: Option<u32>,
}

impl fmt::Display for Citation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "《{}》第{}条", self.law, to_chinese(self.article))?;
        if let Some(p) = self.paragraph {
            write!(f, "第{}款", to_chinese(p))?;
        }
        if let Some(i) = self.item {
            write!(f, "第（{}）项", to_chinese(i))?;
        }
        if let Some(s) = self.subitem {
            write!(f, "第{}目", s)?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CitationError {
    #[error("法律依据应写明法律全称并加书名号，例如《中华人民共和国行政处罚法》第五十一条")]
    NoLawName,
    #[error("法律依据“{0}”缺少条文序号（第×条）")]
    NoArticle(String),
    #[error("法律依据“{0}”中的“{1}”无法识别")]
    Unparsed(String, String),
}

/// One entry of an agency's basis catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BasisEntry {
    pub id: Uuid,
    pub citation: Citation,
    /// The text of the provision.
    pub text: String,
}

/// Parses a Chinese or Arabic number ("三十七", "一百零二", "37").
pub fn parse_number(s: &str) -> Option<u32> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    if s.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse().ok().filter(|n| *n > 0);
    }
    let digit = |c: char| {
        "零一二三四五六七八九".find(c).map(|i| (i / 3) as u32).or(if c == '〇' {
            Some(0)
        } else if c == '两' {
            Some(2)
        } else {
            None
        })
    };
    let (mut total, mut current) = (0u32, 0u32);
    for c in s.chars() {
        match c {
            '千' => {
                total += current.max(1) * 1000;
                current = 0;
            }
            '百' => {
                total += current.max(1) * 100;
                current = 0;
            }
            '十' => {
                total += current.max(1) * 10;
                current = 0;
            }
            c => current = digit(c)?,
        }
    }
    Some(total + current).filter(|n| *n > 0)
}

/// Writes a number in Chinese (for citations): 37 → 三十七, 110 → 一百一十, 1005 → 一千零五,
/// 1165 → 一千一百六十五, 10 → 十.
pub fn to_chinese(n: u32) -> String {
    const D: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    if n == 0 {
        return D[0].to_string();
    }
    if n >= 10_000 {
        let (high, low) = (n / 10_000, n % 10_000);
        let mut out = format!("{}万", to_chinese(high));
        if low > 0 {
            if low < 1000 {
                out.push('零');
            }
            out.push_str(&below_10000(low, true));
        }
        return out;
    }
    below_10000(n, false)
}

/// 1…9999 in Chinese; `inner` when a higher unit precedes (then 10 is 一十).
fn below_10000(n: u32, inner: bool) -> String {
    const D: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    let digits = [(n / 1000, "千"), ((n / 100) % 10, "百"), ((n / 10) % 10, "十"), (n % 10, "")];
    let mut out = String::new();
    let mut zero = false;
    for (d, unit) in digits {
        if d == 0 {
            zero = !out.is_empty();
            continue;
        }
        if zero {
            out.push('零');
            zero = false;
        }
        if !(d == 1 && unit == "十" && out.is_empty() && !inner) {
            out.push_str(D[d as usize]);
        }
        out.push_str(unit);
    }
    out
}

impl Citation {
    /// Parses a written citation.
    pub fn parse(input: &str) -> Result<Self, CitationError> {
        let s = input.trim();
        let open = s.find('《').ok_or(CitationError::NoLawName)?;
        let close = s.find('》').ok_or(CitationError::NoLawName)?;
        let law = s[open + '《'.len_utf8()..close].trim().to_string();
        if law.is_empty() {
            return Err(CitationError::NoLawName);
        }
        let mut rest = &s[close + '》'.len_utf8()..];
        let mut take = |unit: char| -> Result<Option<u32>, CitationError> {
            let r = rest.trim_start();
            let Some(body) = r.strip_prefix('第') else { return Ok(None) };
            let Some(end) = body.find(unit) else { return Ok(None) };
            let raw = &body[..end];
            let num = raw.trim_matches(|c| matches!(c, '（' | '）' | '(' | ')'));
            let n = parse_number(num)
                .ok_or_else(|| CitationError::Unparsed(input.to_string(), format!("第{raw}{unit}")))?;
            rest = &body[end + unit.len_utf8()..];
            Ok(Some(n))
        };
        let article = take('条')?.ok_or_else(|| CitationError::NoArticle(input.to_string()))?;
        let paragraph = take('款')?;
        let item = take('项')?;
        let subitem = take('目')?;
        let leftover = rest.trim().trim_end_matches(['。', '；', ';', '，', ',']);
        if !leftover.is_empty() {
            return Err(CitationError::Unparsed(input.to_string(), leftover.to_string()));
        }
        Ok(Self { law, article, paragraph, item, subitem })
    }

    fn depth(&self) -> usize {
        1 + usize::from(self.paragraph.is_some())
            + usize::from(self.item.is_some())
            + usize::from(self.subitem.is_some())
    }

    /// Whether `self` is `other` or contains it (an article contains its paragraphs).
    pub fn contains(&self, other: &Citation) -> bool {
        self.law == other.law
            && self.article == other.article
            && (self.paragraph.is_none() || self.paragraph == other.paragraph)
            && (self.item.is_none() || self.item == other.item)
            && (self.subitem.is_none() || self.subitem == other.subitem)
    }
}

/// Resolves a citation against a catalogue: the entry at exactly that position, or the
/// nearest enclosing entry when the catalogue does not break that provision down further.
pub fn resolve<'a>(catalogue: &'a [BasisEntry], citation: &Citation) -> Option<&'a BasisEntry> {
    if let Some(exact) = catalogue.iter().find(|e| &e.citation == citation) {
        return Some(exact);
    }
    let parent = catalogue.iter().filter(|e| e.citation.contains(citation)).max_by_key(|e| e.citation.depth())?;
    // The parent is broken down into finer entries, none of which is the one cited.
    let broken_down =
        catalogue.iter().any(|e| e.citation.depth() > parent.citation.depth() && parent.citation.contains(&e.citation));
    (!broken_down).then_some(parent)
}

#[cfg(test)]
mod tests {
    use super::*;

    // rule: G-03
    #[test]
    fn article_numbers_are_written_in_full_chinese() {
        for (n, s) in [
            (10, "十"),
            (37, "三十七"),
            (101, "一百零一"),
            (110, "一百一十"),
            (1005, "一千零五"),
            (1010, "一千零一十"),
            (1165, "一千一百六十五"),
            (1260, "一千二百六十"),
        ] {
            assert_eq!(to_chinese(n), s, "{n}");
        }
    }

    #[test]
    fn numbers_both_ways() {
        for (s, n) in [
            ("一", 1),
            ("十", 10),
            ("十二", 12),
            ("三十七", 37),
            ("一百零二", 102),
            ("一百一十", 110),
            ("二百三十五", 235),
            ("37", 37),
        ] {
            assert_eq!(parse_number(s), Some(n), "{s}");
        }
        for n in 1..400 {
            assert_eq!(parse_number(&to_chinese(n)), Some(n), "{n} {}", to_chinese(n));
        }
        assert_eq!(parse_number("abc"), None);
        assert_eq!(parse_number("零"), None);
    }

    #[test]
    fn parses_citations_at_every_depth() {
        let c = Citation::parse("《中华人民共和国统计法》第三十七条第一款第（一）项").unwrap();
        assert_eq!((c.law.as_str(), c.article, c.paragraph, c.item), ("中华人民共和国统计法", 37, Some(1), Some(1)));
        assert_eq!(Citation::parse(&c.to_string()).unwrap(), c);
        let a = Citation::parse("《中华人民共和国行政处罚法》第51条").unwrap();
        assert_eq!((a.article, a.paragraph), (51, None));
        assert_eq!(Citation::parse("统计法第三十七条"), Err(CitationError::NoLawName));
        assert!(matches!(Citation::parse("《统计法》第一款"), Err(CitationError::NoArticle(_))));
        assert!(matches!(Citation::parse("《统计法》第三十七条之规定"), Err(CitationError::Unparsed(..))));
    }

    #[test]
    fn resolution_follows_the_structure_of_the_law() {
        let entry =
            |s: &str| BasisEntry { id: Uuid::new_v4(), citation: Citation::parse(s).unwrap(), text: String::new() };
        let cat = vec![
            entry("《中华人民共和国统计法》第三十七条"),
            entry("《中华人民共和国统计法》第三十七条第一款"),
            entry("《中华人民共和国行政处罚法》第五十一条"),
        ];
        let r = |s: &str| resolve(&cat, &Citation::parse(s).unwrap()).map(|e| e.citation.to_string());
        assert_eq!(
            r("《中华人民共和国统计法》第三十七条第一款").as_deref(),
            Some("《中华人民共和国统计法》第三十七条第一款")
        );
        // Article 37 is broken down, and paragraph 2 is not in the catalogue.
        assert_eq!(r("《中华人民共和国统计法》第三十七条第二款"), None);
        // Article 51 is not broken down: its paragraphs resolve to it.
        assert!(r("《中华人民共和国行政处罚法》第五十一条第一款").is_some());
        assert_eq!(r("《中华人民共和国统计法》第三十八条"), None);
    }
}
