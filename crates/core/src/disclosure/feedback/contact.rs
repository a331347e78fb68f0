//! How a filer can be reached for the answer: a Chinese telephone number or an e-mail
//! address, checked at the edge so that an agency is never left with a number it cannot
//! call (D-10: the agency answers the request).

use std::fmt;

use serde::{Deserialize, Serialize};

/// A character typed with a Chinese input method in full width (０-９, Ａ-Ｚ, －, ＠…) as
/// its ASCII form; anything else unchanged.
pub(super) fn half_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

/// A mobile number (`13812345678`) or a landline with its area code (`0736-3212345`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Telephone(String);

impl Telephone {
    /// Reads a number as people write it — spaces, hyphens, brackets round the area code,
    /// a leading +86 — and keeps it as `13812345678` or `0736-3212345`. The error says in
    /// Chinese what to fix.
    pub fn parse(text: &str) -> Result<Telephone, String> {
        let kept: String = text.chars().map(half_width).filter(|c| !matches!(c, ' ' | '-' | '(' | ')')).collect();
        let digits = kept.strip_prefix("+86").or_else(|| kept.strip_prefix("0086")).unwrap_or(&kept);
        if digits.is_empty() {
            return Err("请填写电话号码".into());
        }
        if !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err("电话号码只能包含数字、空格、连字符和括号".into());
        }
        let b = digits.as_bytes();
        match b[0] {
            b'1' if b.len() == 11 && (b'3'..=b'9').contains(&b[1]) => Ok(Telephone(digits.to_string())),
            b'1' => Err(format!("手机号码应为以13至19开头的11位数字，“{}”不是", text.trim())),
            b'0' => {
                // 010 and 02x are the three-digit area codes; all others have four digits.
                let area = if matches!(b.get(1), Some(b'1' | b'2')) { 3 } else { 4 };
                let subscriber = &digits[area.min(digits.len())..];
                let ok = b.len() > area
                    && b[1] != b'0'
                    && (7..=8).contains(&subscriber.len())
                    && !subscriber.starts_with(['0', '1']);
                if ok {
                    Ok(Telephone(format!("{}-{subscriber}", &digits[..area])))
                } else {
                    Err("固定电话号码不对：应为区号加7至8位号码，如0736-3212345".into())
                }
            }
            _ => Err("请填写手机号码，或带区号的固定电话（如0736-3212345）".into()),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Telephone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Telephone {
    type Error = String;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        Telephone::parse(&s)
    }
}

impl From<Telephone> for String {
    fn from(t: Telephone) -> String {
        t.0
    }
}

/// An e-mail address of the usual shape, its domain in lower case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    /// A deliberately plain check (one @, a dotted domain, no spaces): the agency writes to
    /// what the filer typed, so the check only catches what cannot be an address.
    pub fn parse(text: &str) -> Result<Email, String> {
        const BAD: &str = "电子邮箱格式不对，应形如 zhangsan@example.com";
        let text: String = text.trim().chars().map(half_width).collect();
        let text = text.as_str();
        if text.is_empty() {
            return Err("请填写电子邮箱".into());
        }
        let Some((local, domain)) = text.split_once('@') else { return Err(BAD.into()) };
        let graphic = |s: &str| s.chars().all(|c| c.is_ascii_graphic() && c != '@');
        let labels_ok = domain.split('.').count() >= 2 && domain.split('.').all(|l| !l.is_empty());
        if local.is_empty() || local.len() > 64 || text.len() > 254 || !graphic(local) || !graphic(domain) || !labels_ok
        {
            return Err(BAD.into());
        }
        Ok(Email(format!("{local}@{}", domain.to_ascii_lowercase())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Email {
    type Error = String;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        Email::parse(&s)
    }
}

impl From<Email> for String {
    fn from(e: Email) -> String {
        e.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mobiles_and_landlines_with_area_code_are_accepted_as_people_write_them() {
        for (typed, kept) in [
            ("13812345678", "13812345678"),
            ("138 1234 5678", "13812345678"),
            ("+86 199-1234-5678", "19912345678"),
            ("0736-3212345", "0736-3212345"),
            ("（0736）32123456", "0736-32123456"),
            ("010-62345678", "010-62345678"),
            ("020 8123 4567", "020-81234567"),
            ("１３８　１２３４　５６７８", "13812345678"),
            ("０７３６－３２１２３４５", "0736-3212345"),
        ] {
            assert_eq!(Telephone::parse(typed).map(|t| t.to_string()), Ok(kept.to_string()), "{typed}");
        }
    }

    #[test]
    fn impossible_numbers_are_refused_with_what_to_fix() {
        assert!(Telephone::parse("12812345678").unwrap_err().contains("13至19开头"));
        assert!(Telephone::parse("1381234567").unwrap_err().contains("11位"));
        assert!(Telephone::parse("3212345").unwrap_err().contains("带区号"));
        assert!(Telephone::parse("0736-012345").unwrap_err().contains("区号加7至8位"));
        assert!(Telephone::parse("0736-321234567").unwrap_err().contains("区号加7至8位"));
        assert!(Telephone::parse("0736").unwrap_err().contains("区号加7至8位"));
        assert!(Telephone::parse("138一二三四").unwrap_err().contains("只能包含数字"));
        assert_eq!(Telephone::parse(" ").unwrap_err(), "请填写电话号码");
    }

    #[test]
    fn e_mail_addresses_are_checked_plainly() {
        assert_eq!(Email::parse(" Li.Ming@QQ.com ").unwrap().as_str(), "Li.Ming@qq.com");
        assert!(Email::parse("zhangsan@163.com").is_ok());
        assert_eq!(Email::parse("zhangsan＠163．com").unwrap().as_str(), "zhangsan@163.com");
        for bad in ["zhangsan", "zhangsan@", "@163.com", "zhang san@163.com", "a@b", "a@b..com", "张三@163.com"] {
            assert!(Email::parse(bad).unwrap_err().contains("格式不对"), "{bad}");
        }
    }

    #[test]
    fn serde_checks_what_it_reads() {
        let t = Telephone::parse("0736-3212345").unwrap();
        assert_eq!(serde_json::to_string(&t).unwrap(), "\"0736-3212345\"");
        assert!(serde_json::from_str::<Telephone>("\"12345\"").is_err());
        assert!(serde_json::from_str::<Email>("\"not an address\"").is_err());
    }
}
