//! Periods fixed by national law (行政处罚法, 2021). They are constants, not profile
//! parameters: a profile may not change them (rule N-01: "二日、三日、五日、七日" are working
//! days, Art 85).

use crate::calendar::WorkingDays;

/// A party may request a hearing within 5 working days of the notice (Art 64(1)).
pub const HEARING_REQUEST: WorkingDays = WorkingDays(5);
/// The hearing is noticed at least 7 working days ahead (Art 64(2)).
pub const HEARING_NOTICE: WorkingDays = WorkingDays(7);
/// A decision not handed over on the spot is served within 7 working days (Art 61).
pub const DECISION_SERVICE: WorkingDays = WorkingDays(7);
/// A penalty decision is made within 90 natural days of filing unless a law says
/// otherwise (Art 60); a profile may only name a longer statutory period.
pub const DECISION_DAYS: u32 = 90;
/// Service by public notice takes effect when 30 days have passed since the notice was
/// published (民事诉讼法 Art 95, applied through 行政处罚法 Art 61).
pub const PUBLIC_NOTICE_DAYS: u64 = 30;
/// Limitation (Art 36): 2 years, 5 years where life, health or financial safety was harmed.
pub const LIMITATION_YEARS: u32 = 2;
pub const LIMITATION_YEARS_SERIOUS: u32 = 5;
/// Simplified procedure ceiling (Art 51): 200 yuan for a citizen, 3,000 for an organisation.
pub const SIMPLIFIED_MAX_PERSON_FEN: i64 = 200 * 100;
pub const SIMPLIFIED_MAX_ORG_FEN: i64 = 3_000 * 100;
