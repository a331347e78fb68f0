//! Tracking numbers (受理编号) of correction requests and complaints: short enough to copy
//! from a receipt by hand, and checked so that a mistyped number is refused instead of
//! showing somebody else's request.
//!
//! `GZ-20261129-7K3M9Q2X`: the kind (GZ 更正申请, TS 投诉举报), the filing date, seven
//! random characters and one check character, in Crockford's base-32 alphabet — digits and
//! capitals without I, L, O and U, so 1/I/L and 0/O cannot be confused; when typed, I and L
//! are read as 1 and O as 0, and full-width characters (a Chinese input method's ＧＺ２０…)
//! as their ASCII forms. The check character covers the whole number (kind and date
//! included) with the Luhn mod 32 algorithm, which catches every single wrong character
//! and most swaps of two neighbours.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::FeedbackKind;
use super::contact::half_width;
use crate::validation::Rejection;

/// Crockford's base-32 alphabet: the value of a character is its index.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// The random characters of a number (the eighth is the check character).
const RANDOM_CHARS: usize = 7;

const FIELD: &str = "tracking";

/// A correction request's or a complaint's tracking number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TrackingNumber {
    kind: FeedbackKind,
    filed_on: NaiveDate,
    /// The seven random characters, as values 0..32.
    random: [u8; RANDOM_CHARS],
}

impl TrackingNumber {
    /// The number of a request of `kind` filed on `filed_on`, from five random bytes the
    /// caller draws (35 of their 40 bits are used).
    pub fn new(kind: FeedbackKind, filed_on: NaiveDate, random: [u8; 5]) -> Self {
        let bits = random.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b)) >> 5;
        let mut chars = [0u8; RANDOM_CHARS];
        for (i, c) in chars.iter_mut().enumerate() {
            *c = ((bits >> (5 * (RANDOM_CHARS - 1 - i))) & 31) as u8;
        }
        TrackingNumber { kind, filed_on, random: chars }
    }

    pub fn kind(&self) -> FeedbackKind {
        self.kind
    }

    pub fn filed_on(&self) -> NaiveDate {
        self.filed_on
    }

    /// Reads a number as a person types it: lower case, surrounding spaces, and spaces in
    /// place of the hyphens (or none) are accepted; a wrong character, an impossible date
    /// or a check character that does not match is refused with what to do.
    pub fn parse(text: &str) -> Result<TrackingNumber, Rejection> {
        let compact: Vec<char> = text
            .trim()
            .chars()
            .map(half_width)
            .filter(|c| !matches!(c, '-' | ' ' | '—'))
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let bad = |why: &str| {
            Err(Rejection::one(FIELD, format!("{why}：受理编号形如 GZ-20261129-7K3M9Q2X，请对照回执核对后重新输入")))
        };
        if compact.is_empty() {
            return Err(Rejection::one(FIELD, "请输入受理编号"));
        }
        if compact.len() != 2 + 8 + RANDOM_CHARS + 1 {
            return bad("受理编号的位数不对");
        }
        let prefix: String = compact[..2].iter().collect();
        let Some(kind) = FeedbackKind::from_prefix(&prefix) else {
            return bad("受理编号应以 GZ（更正申请）或 TS（投诉举报）开头");
        };
        let date: String = compact[2..10].iter().map(|c| normalised(*c)).collect();
        if !date.chars().all(|c| c.is_ascii_digit()) {
            return bad("受理编号中的日期应为8位数字");
        }
        let Ok(filed_on) = NaiveDate::parse_from_str(&date, "%Y%m%d") else {
            return bad("受理编号中的日期不存在");
        };
        let mut values = Vec::with_capacity(RANDOM_CHARS + 1);
        for c in &compact[10..] {
            match value_of(*c) {
                Some(v) => values.push(v),
                None => return bad(&format!("受理编号中不会出现字符“{c}”")),
            }
        }
        let mut random = [0u8; RANDOM_CHARS];
        random.copy_from_slice(&values[..RANDOM_CHARS]);
        let number = TrackingNumber { kind, filed_on, random };
        if values[RANDOM_CHARS] != number.check() {
            return bad("受理编号有误（校验位不符），可能有字符输错");
        }
        Ok(number)
    }

    /// The values the check character covers: the prefix, the date digits, the random
    /// characters — every character of the number but the hyphens and the check itself.
    fn payload(&self) -> Vec<u8> {
        let date = self.filed_on.format("%Y%m%d").to_string();
        self.kind
            .prefix()
            .bytes()
            .chain(date.bytes())
            .map(|b| value_of(char::from(b)).expect("prefix and digits are in the alphabet"))
            .chain(self.random.iter().copied())
            .collect()
    }

    /// Luhn mod 32: from the right, every other value is doubled and its base-32 digits
    /// summed; the check value brings the total to a multiple of 32.
    fn check(&self) -> u8 {
        let sum: u32 = self
            .payload()
            .iter()
            .rev()
            .enumerate()
            .map(|(i, v)| {
                let v = u32::from(*v) * if i % 2 == 0 { 2 } else { 1 };
                v / 32 + v % 32
            })
            .sum();
        ((32 - sum % 32) % 32) as u8
    }
}

/// I and L read as 1, O as 0 (Crockford), wherever digits are expected.
fn normalised(c: char) -> char {
    match c.to_ascii_uppercase() {
        'I' | 'L' => '1',
        'O' => '0',
        c => c,
    }
}

/// A character's value in the alphabet.
fn value_of(c: char) -> Option<u8> {
    let c = normalised(c);
    ALPHABET.iter().position(|a| char::from(*a) == c).map(|p| p as u8)
}

impl fmt::Display for TrackingNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let chars: String = self
            .random
            .iter()
            .chain(std::iter::once(&self.check()))
            .map(|v| char::from(ALPHABET[usize::from(*v)]))
            .collect();
        write!(f, "{}-{}-{chars}", self.kind.prefix(), self.filed_on.format("%Y%m%d"))
    }
}

impl FromStr for TrackingNumber {
    type Err = Rejection;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        TrackingNumber::parse(s)
    }
}

impl Serialize for TrackingNumber {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for TrackingNumber {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        TrackingNumber::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_number_shows_kind_date_and_eight_characters() {
        let n = TrackingNumber::new(FeedbackKind::Correction, day("2026-11-29"), [0x3a, 0x67, 0x4d, 0x9b, 0x21]);
        let text = n.to_string();
        assert!(text.starts_with("GZ-20261129-"), "{text}");
        assert_eq!(text.len(), "GZ-20261129-7K3M9Q2X".len());
        assert_eq!(TrackingNumber::parse(&text).unwrap(), n);
        let t = TrackingNumber::new(FeedbackKind::Complaint, day("2026-01-05"), [0; 5]);
        assert_eq!(t.to_string().chars().take(12).collect::<String>(), "TS-20260105-");
        assert_eq!(t.kind(), FeedbackKind::Complaint);
        assert_eq!(t.filed_on(), day("2026-01-05"));
    }

    #[test]
    fn typing_habits_are_forgiven() {
        let n = TrackingNumber::new(FeedbackKind::Complaint, day("2026-03-15"), [0xff, 0x10, 0x01, 0x80, 0x7e]);
        let text = n.to_string();
        for typed in [
            format!("  {}  ", text.to_lowercase()),
            text.replace('-', ""),
            text.replace('-', " "),
            text.replace('1', "I").replace('0', "o"),
            // Typed with a Chinese input method in full width.
            text.chars().map(|c| char::from_u32(u32::from(c) + 0xFEE0).unwrap()).collect(),
        ] {
            assert_eq!(TrackingNumber::parse(&typed), Ok(n), "{typed}");
        }
    }

    #[test]
    fn malformed_numbers_say_what_is_wrong() {
        let msg = |s: &str| TrackingNumber::parse(s).unwrap_err().message_for(FIELD).unwrap().to_string();
        assert_eq!(msg("   "), "请输入受理编号");
        assert!(msg("GZ-2026").contains("位数不对"));
        assert!(msg("XX-20261129-7K3M9Q2X").contains("GZ（更正申请）或 TS（投诉举报）"));
        assert!(msg("GZ-20261332-7K3M9Q2X").contains("日期不存在"));
        assert!(msg("GZ-2026112A-7K3M9Q2X").contains("8位数字"));
        assert!(msg("GZ-20261129-7K3M9Q2U").contains("“U”"));
    }

    #[test]
    fn serde_is_the_display_string() {
        let n = TrackingNumber::new(FeedbackKind::Correction, day("2026-11-29"), [1, 2, 3, 4, 5]);
        let json = serde_json::to_string(&n).unwrap();
        assert_eq!(json, format!("\"{n}\""));
        assert_eq!(serde_json::from_str::<TrackingNumber>(&json).unwrap(), n);
        let mut wrong = n.to_string();
        let last = wrong.pop().unwrap();
        wrong.push(if last == '0' { '1' } else { '0' });
        assert!(serde_json::from_str::<TrackingNumber>(&format!("\"{wrong}\"")).is_err());
    }

    fn kind() -> impl Strategy<Value = FeedbackKind> {
        prop_oneof![Just(FeedbackKind::Correction), Just(FeedbackKind::Complaint)]
    }

    proptest! {
        #[test]
        fn display_and_parse_round_trip(k in kind(), days in 0i64..36_500, random in any::<[u8; 5]>()) {
            let on = day("2000-01-01") + chrono::Days::new(days as u64);
            let n = TrackingNumber::new(k, on, random);
            prop_assert_eq!(TrackingNumber::parse(&n.to_string()), Ok(n));
            prop_assert_eq!(TrackingNumber::parse(&n.to_string().to_lowercase()), Ok(n));
        }

        /// Any one character replaced by another of the alphabet — in the prefix, the date,
        /// the random part or the check character — is refused.
        #[test]
        fn any_single_wrong_character_is_detected(
            k in kind(),
            days in 0i64..36_500,
            random in any::<[u8; 5]>(),
            pos in 0usize..20,
            with in 0usize..32,
        ) {
            let on = day("2000-01-01") + chrono::Days::new(days as u64);
            let text = TrackingNumber::new(k, on, random).to_string();
            let mut chars: Vec<char> = text.chars().collect();
            prop_assume!(chars[pos] != '-');
            let replacement = char::from(ALPHABET[with]);
            prop_assume!(chars[pos] != replacement);
            chars[pos] = replacement;
            let typo: String = chars.into_iter().collect();
            prop_assert!(TrackingNumber::parse(&typo).is_err(), "{} accepted as {}", typo, text);
        }

        /// Swapping two different neighbours in the random part and check is caught too,
        /// except in the rare pairs Luhn cannot tell apart.
        #[test]
        fn most_swaps_are_detected(random in any::<[u8; 5]>(), pos in 12usize..19) {
            let text = TrackingNumber::new(FeedbackKind::Correction, day("2026-11-29"), random).to_string();
            let mut chars: Vec<char> = text.chars().collect();
            prop_assume!(chars[pos] != chars[pos + 1]);
            let (a, b) = (value_of(chars[pos]).unwrap(), value_of(chars[pos + 1]).unwrap());
            // Luhn mod 32 misses only the swap of 0 and 31 (both sum to 31 either way).
            prop_assume!(!matches!((a.min(b), a.max(b)), (0, 31)));
            chars.swap(pos, pos + 1);
            let swapped: String = chars.into_iter().collect();
            prop_assert!(TrackingNumber::parse(&swapped).is_err(), "{} accepted as {}", swapped, text);
        }
    }
}
