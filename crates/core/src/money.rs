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
}
