//! Money in fen (分): an integer, never a float.

use std::fmt;

use serde::{Deserialize, Serialize};

/// An amount of money in fen. Parsing accepts yuan with up to two decimals ("1,234.5").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default)]
#[serde(transparent)]
pub struct Money(i64);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("金额“{0}”格式不正确：请填写以元为单位的数字，最多两位小数，例如 2000 或 150.50")]
pub struct MoneyError(pub String);

impl Money {
    pub const ZERO: Money = Money(0);

    pub const fn from_fen(fen: i64) -> Self {
        Self(fen)
    }

    pub const fn from_yuan(yuan: i64) -> Self {
        Self(yuan * 100)
    }

    pub const fn fen(self) -> i64 {
        self.0
    }

    /// Parse an amount written in yuan.
    pub fn parse_yuan(input: &str) -> Result<Self, MoneyError> {
        let err = || MoneyError(input.to_string());
        let s: String = input.trim().trim_end_matches('元').chars().filter(|c| *c != ',' && *c != '，').collect();
        let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
        if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) || frac.len() > 2 {
            return Err(err());
        }
        if !frac.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err());
        }
        let yuan: i64 = int.parse().map_err(|_| err())?;
        let mut fen: i64 = if frac.is_empty() { 0 } else { frac.parse().map_err(|_| err())? };
        if frac.len() == 1 {
            fen *= 10;
        }
        yuan.checked_mul(100).and_then(|v| v.checked_add(fen)).map(Self).ok_or_else(err)
    }

    /// Parses an amount as written in Chinese documents and spreadsheets: yuan with up to
    /// two decimals ("2000", "2,000.50", "2000元", "人民币2000元", "￥2000"), or ten
    /// thousands (万元) with up to six decimals ("0.5万元", "3万"). The result is exact:
    /// "0.5万元" is 500,000 fen, never a float.
    pub fn parse_amount(input: &str) -> Result<Self, MoneyError> {
        let err = || MoneyError(input.to_string());
        let s: String = input.chars().filter(|c| !c.is_whitespace() && !matches!(c, ',' | '，')).collect();
        let s = s.trim_start_matches("人民币").trim_start_matches(['￥', '¥']);
        let s = s.strip_suffix('元').unwrap_or(s);
        let (number, fen_per_unit, max_decimals) = match s.strip_suffix('万') {
            Some(n) => (n, 1_000_000_i64, 6),
            None => (s, 100, 2),
        };
        let (int, frac) = number.split_once('.').unwrap_or((number, ""));
        let digits = |d: &str| d.bytes().all(|b| b.is_ascii_digit());
        if int.is_empty() || !digits(int) || !digits(frac) || frac.len() > max_decimals {
            return Err(err());
        }
        if number.ends_with('.') {
            return Err(err());
        }
        let whole: i64 = int.parse().map_err(|_| err())?;
        let mut part: i64 = if frac.is_empty() { 0 } else { frac.parse().map_err(|_| err())? };
        // Scale the decimals to fen: with max_decimals digits, one unit of the last digit is a fen.
        for _ in frac.len()..max_decimals {
            part *= 10;
        }
        whole.checked_mul(fen_per_unit).and_then(|v| v.checked_add(part)).map(Self).ok_or_else(err)
    }

    /// Yuan with two decimals and thousands separators, as amounts are shown in tables:
    /// 5,000.00元.
    pub fn yuan_2dp(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let a = self.0.unsigned_abs();
        let int = (a / 100).to_string();
        let mut grouped = String::new();
        for (i, c) in int.chars().enumerate() {
            if i > 0 && (int.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(c);
        }
        format!("{sign}{grouped}.{:02}元", a % 100)
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let a = self.0.unsigned_abs();
        if a.is_multiple_of(100) {
            write!(f, "{sign}{}元", a / 100)
        } else {
            write!(f, "{sign}{}.{:02}元", a / 100, a % 100)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_yuan_into_fen() {
        assert_eq!(Money::parse_yuan("2000").unwrap().fen(), 200_000);
        assert_eq!(Money::parse_yuan("1,234.5").unwrap().fen(), 123_450);
        assert_eq!(Money::parse_yuan("0.05元").unwrap().fen(), 5);
        for bad in ["", "1.234", "-5", "abc", "1e3", ".5"] {
            assert!(Money::parse_yuan(bad).is_err(), "{bad}");
        }
        assert_eq!(Money::from_fen(123_450).to_string(), "1234.50元");
        assert_eq!(Money::from_yuan(200).to_string(), "200元");
    }

    // rule: B-01
    #[test]
    fn amounts_in_yuan_and_wan_parse_into_exact_fen() {
        for (s, fen) in [
            ("2000", 200_000),
            ("2,000.50", 200_050),
            ("2000元", 200_000),
            ("2，000元", 200_000),
            ("人民币2000元", 200_000),
            ("￥0.05", 5),
            ("0.5万元", 500_000),
            ("3万", 3_000_000),
            ("1.234567万元", 1_234_567),
            ("0.000001万元", 1),
            ("10 万元", 10_000_000),
            ("0", 0),
        ] {
            assert_eq!(Money::parse_amount(s).map(Money::fen), Ok(fen), "{s}");
        }
        for bad in ["", "万元", "1.234", "0.0000001万", "-5", "5.", "abc", "1e3", ".5", "5千元", "2000美元"] {
            assert!(Money::parse_amount(bad).is_err(), "{bad}");
        }
        assert_eq!(Money::from_fen(500_000_000).yuan_2dp(), "5,000,000.00元");
        assert_eq!(Money::from_fen(123_456).yuan_2dp(), "1,234.56元");
        assert_eq!(Money::from_fen(5).yuan_2dp(), "0.05元");
        assert_eq!(Money::from_yuan(100).yuan_2dp(), "100.00元");
    }
}
