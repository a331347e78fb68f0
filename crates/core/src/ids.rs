//! Identity numbers of parties: the citizen ID (GB 11643-1999) and the unified social
//! credit code (GB 32100-2015), parsed at the edge into types that cannot hold an invalid
//! value (rule N-08).
//!
//! Written by hand on purpose: the crates.io ID crates reject valid credit codes, and each
//! check is a weighted sum of a few lines. Property tests below cover both directions.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Why a citizen ID failed to parse. Each message says, in Chinese, what to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CitizenIdError {
    #[error("身份证号码应为18位（当前{0}位）；15位旧号码请换用18位号码")]
    Length(usize),
    #[error("身份证号码前17位只能是数字，第18位为数字或X")]
    Charset,
    #[error("身份证号码中的出生日期{0}不是有效日期")]
    BirthDate(String),
    #[error("身份证号码校验位错误：应为{expected}，实际为{actual}（请核对号码）")]
    CheckDigit { expected: char, actual: char },
}

/// A citizen ID number (居民身份证号码) whose check digit is correct (ISO 7064 MOD 11-2).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CitizenId(String);

const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

impl CitizenId {
    /// The check digit for the first 17 digits.
    pub fn check_digit(first17: &[u8]) -> char {
        let sum: u32 = first17.iter().zip(ID_WEIGHTS).map(|(d, w)| u32::from(d - b'0') * w).sum();
        ID_CHECK[(sum % 11) as usize]
    }

    pub fn parse(input: &str) -> Result<Self, CitizenIdError> {
        let s = input.trim().to_ascii_uppercase();
        let n = s.chars().count();
        if n != 18 {
            return Err(CitizenIdError::Length(n));
        }
        let b = s.as_bytes();
        if !b[..17].iter().all(u8::is_ascii_digit) || !(b[17].is_ascii_digit() || b[17] == b'X') {
            return Err(CitizenIdError::Charset);
        }
        let birth = &s[6..14];
        if NaiveDate::parse_from_str(birth, "%Y%m%d").is_err() || &s[6..8] < "18" {
            return Err(CitizenIdError::BirthDate(birth.to_string()));
        }
        let expected = Self::check_digit(&b[..17]);
        let actual = b[17] as char;
        if expected != actual {
            return Err(CitizenIdError::CheckDigit { expected, actual });
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Date of birth encoded in the number.
    pub fn birth_date(&self) -> NaiveDate {
        NaiveDate::parse_from_str(&self.0[6..14], "%Y%m%d").expect("validated at parse")
    }

    /// Whether the holder is under 18 on `on` (a minor is never published, D-07).
    pub fn is_minor_on(&self, on: NaiveDate) -> bool {
        on.years_since(self.birth_date()).is_none_or(|y| y < 18)
    }
}

/// A citizen ID with the date of birth hidden (430721********0012), for readers not entitled
/// to personal privacy.
pub fn mask_citizen_id(id: &str) -> String {
    id.chars().enumerate().map(|(i, c)| if (6..14).contains(&i) { '*' } else { c }).collect()
}

impl TryFrom<String> for CitizenId {
    type Error = CitizenIdError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<CitizenId> for String {
    fn from(id: CitizenId) -> Self {
        id.0
    }
}

impl fmt::Display for CitizenId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Why a unified social credit code failed. A bad check character alone is a warning the
/// user may confirm (some early codes fail it); everything else is an error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UsccError {
    #[error("统一社会信用代码应为18位（当前{0}位）")]
    Length(usize),
    #[error("统一社会信用代码第{position}位字符“{ch}”不合法（不得使用I、O、Z、S、V）")]
    Charset { position: usize, ch: char },
    #[error(
        "统一社会信用代码校验位不符：按GB 32100-2015应为{expected}，实际为{actual}。若证照上确为此号码，请勾选“确认无误”后再提交"
    )]
    CheckCharacter { expected: char, actual: char },
}

impl UsccError {
    /// A failed check character may be confirmed by the user (N-08).
    pub fn is_warning(&self) -> bool {
        matches!(self, Self::CheckCharacter { .. })
    }
}

/// A unified social credit code (统一社会信用代码).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Uscc {
    code: String,
    /// False when the user confirmed a code whose check character does not match.
    checksum_ok: bool,
}

const USCC_CHARS: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const USCC_WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

impl Uscc {
    fn value(c: char) -> Option<u32> {
        USCC_CHARS.find(c).map(|i| i as u32)
    }

    /// The check character for the first 17 characters (all already in the charset).
    pub fn check_character(first17: &str) -> char {
        let sum: u32 = first17.chars().zip(USCC_WEIGHTS).map(|(c, w)| Self::value(c).unwrap_or(0) * w).sum();
        let v = (31 - sum % 31) % 31;
        USCC_CHARS.as_bytes()[v as usize] as char
    }

    /// Strict parse: a wrong check character is an error the caller may downgrade with
    /// [`Uscc::parse_confirmed`].
    pub fn parse(input: &str) -> Result<Self, UsccError> {
        Self::parse_confirmed(input, false)
    }

    /// Parse, accepting a wrong check character when the user has confirmed it.
    pub fn parse_confirmed(input: &str, confirmed: bool) -> Result<Self, UsccError> {
        let s = input.trim().to_ascii_uppercase();
        let n = s.chars().count();
        if n != 18 {
            return Err(UsccError::Length(n));
        }
        if let Some((i, ch)) = s.chars().enumerate().find(|(_, c)| Self::value(*c).is_none()) {
            return Err(UsccError::Charset { position: i + 1, ch });
        }
        let expected = Self::check_character(&s[..17]);
        let actual = s.chars().last().expect("18 chars");
        let checksum_ok = expected == actual;
        if !checksum_ok && !confirmed {
            return Err(UsccError::CheckCharacter { expected, actual });
        }
        Ok(Self { code: s, checksum_ok })
    }

    pub fn as_str(&self) -> &str {
        &self.code
    }

    pub fn checksum_ok(&self) -> bool {
        self.checksum_ok
    }
}

impl fmt::Display for Uscc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    // rule: N-08
    #[test]
    fn known_citizen_ids() {
        // The worked examples of GB 11643-1999.
        assert!(CitizenId::parse("11010519491231002X").is_ok());
        assert!(CitizenId::parse("11010519491231002x").is_ok(), "lower-case x accepted");
        assert!(CitizenId::parse("440524188001010014").is_ok());
        assert_eq!(
            CitizenId::parse("110105194912310021"),
            Err(CitizenIdError::CheckDigit { expected: 'X', actual: '1' })
        );
        assert_eq!(CitizenId::parse("110105491231002"), Err(CitizenIdError::Length(15)));
        assert!(matches!(CitizenId::parse("110105194902301234"), Err(CitizenIdError::BirthDate(_))));
        let msg = CitizenId::parse("110105194912310021").unwrap_err().to_string();
        assert!(msg.contains("校验位"), "{msg}");
    }

    // rule: N-08
    #[test]
    fn uscc_check_is_a_warning_that_can_be_confirmed() {
        assert!(Uscc::parse("91350100M000100Y43").is_ok());
        let err = Uscc::parse("91350100M000100Y44").unwrap_err();
        assert!(err.is_warning());
        assert!(err.to_string().contains("确认无误"));
        let confirmed = Uscc::parse_confirmed("91350100M000100Y44", true).unwrap();
        assert!(!confirmed.checksum_ok());
        // Structural errors can never be confirmed away.
        let bad = Uscc::parse_confirmed("91350100M000100O43", true).unwrap_err();
        assert!(!bad.is_warning());
        assert!(Uscc::parse_confirmed("9135", true).is_err());
    }

    #[test]
    fn minors() {
        let first17 = "11010520100101001";
        let id = format!("{first17}{}", CitizenId::check_digit(first17.as_bytes()));
        let id = CitizenId::parse(&id).unwrap();
        assert!(id.is_minor_on(NaiveDate::from_ymd_opt(2025, 1, 1).unwrap()));
        assert!(!id.is_minor_on(NaiveDate::from_ymd_opt(2028, 1, 1).unwrap()));
    }

    proptest! {
        // rule: N-08
        #[test]
        fn any_citizen_id_with_computed_check_digit_parses(
            region in 110000u32..659999, y in 1900i32..2020, doy in 0u32..365, seq in 0u32..999
        ) {
            let birth = NaiveDate::from_yo_opt(y, doy + 1).unwrap();
            let first17 = format!("{region:06}{}{seq:03}", birth.format("%Y%m%d"));
            let id = format!("{first17}{}", CitizenId::check_digit(first17.as_bytes()));
            prop_assert!(CitizenId::parse(&id).is_ok());
            // Changing any one of the first 17 digits breaks the check.
            for i in 0..17 {
                let mut b = id.clone().into_bytes();
                b[i] = if b[i] == b'9' { b'0' } else { b[i] + 1 };
                let s = String::from_utf8(b).unwrap();
                prop_assert!(CitizenId::parse(&s).is_err(), "{} accepted", s);
            }
        }

        // rule: N-08
        #[test]
        fn any_uscc_with_computed_check_parses(body in "[0-9A-HJ-NP-RTUWXY]{17}", pos in 0usize..17) {
            let code = format!("{body}{}", Uscc::check_character(&body));
            prop_assert!(Uscc::parse(&code).is_ok());
            let mut chars: Vec<char> = code.chars().collect();
            let i = USCC_CHARS.find(chars[pos]).unwrap();
            chars[pos] = USCC_CHARS.chars().nth((i + 1) % 31).unwrap();
            let changed: String = chars.into_iter().collect();
            prop_assert!(Uscc::parse(&changed).unwrap_err().is_warning());
        }
    }
}
