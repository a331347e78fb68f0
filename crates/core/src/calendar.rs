//! The official working-day calendar (rules X-02, N-01).
//!
//! The calendar is data: one TOML file per year transcribing the State Council's annual
//! notice on public holidays (国务院办公厅关于部分节假日安排的通知), with its rest days and
//! make-up working days (调休上班). Weekends are rest days unless declared working days.
//! A date in a year that is not loaded is an error naming the year, never a guess.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

/// A count of working days (工作日), as opposed to natural days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct WorkingDays(pub u32);

impl fmt::Display for WorkingDays {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}个工作日", self.0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("工作日历未载入{0}年：请管理员先载入{0}年的节假日安排")]
    MissingYear(i32),
    #[error("日历文件格式错误：{0}")]
    Syntax(String),
    #[error("日历文件内容错误（{place}）：{reason}")]
    Invalid { place: String, reason: String },
}

/// One holiday period of a year's notice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Holiday {
    pub name: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Weekend days declared working days for this holiday (调休上班).
    #[serde(default)]
    pub makeup_workdays: Vec<NaiveDate>,
}

/// One year's calendar file, as written by a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalendarYear {
    pub year: i32,
    /// The notice this file transcribes, e.g. 国办发明电〔2024〕12号.
    pub source: String,
    pub holidays: Vec<Holiday>,
}

impl CalendarYear {
    /// Parse and validate a year file. A malformed file is rejected whole, with the line
    /// (for syntax) or the holiday and field (for content) that is wrong.
    pub fn parse_toml(text: &str) -> Result<Self, CalendarError> {
        let year: CalendarYear = toml::from_str(text).map_err(|e| CalendarError::Syntax(e.to_string()))?;
        year.validate()?;
        Ok(year)
    }

    pub fn to_toml(&self) -> String {
        toml::to_string(self).expect("calendar serialises")
    }

    pub fn validate(&self) -> Result<(), CalendarError> {
        let invalid = |place: String, reason: String| CalendarError::Invalid { place, reason };
        if !(2000..=2100).contains(&self.year) {
            return Err(invalid("year".into(), format!("年份{}超出范围", self.year)));
        }
        if self.source.trim().is_empty() {
            return Err(invalid("source".into(), "请填写所依据的国务院办公厅通知文号".into()));
        }
        if self.holidays.is_empty() {
            return Err(invalid("holidays".into(), "至少应有一个节假日".into()));
        }
        let mut rest = BTreeSet::new();
        let mut makeup = BTreeSet::new();
        for h in &self.holidays {
            let place = format!("节假日“{}”", h.name);
            if h.name.trim().is_empty() {
                return Err(invalid("holidays.name".into(), "节假日名称不能为空".into()));
            }
            for (field, d) in [("from", h.from), ("to", h.to)] {
                if d.year() != self.year {
                    return Err(invalid(
                        format!("{place}.{field}"),
                        format!("日期{d}不属于{}年（跨年的假期请只列本年的日期）", self.year),
                    ));
                }
            }
            if h.from > h.to {
                return Err(invalid(place, format!("起始日{}晚于结束日{}", h.from, h.to)));
            }
            for d in h.from.iter_days().take_while(|d| *d <= h.to) {
                if !rest.insert(d) {
                    return Err(invalid(place, format!("日期{d}在多个假期中重复出现")));
                }
            }
            for d in &h.makeup_workdays {
                if d.year() != self.year {
                    return Err(invalid(
                        format!("{place}.makeup_workdays"),
                        format!("调休上班日{d}不属于{}年", self.year),
                    ));
                }
                if !is_weekend(*d) {
                    return Err(invalid(
                        format!("{place}.makeup_workdays"),
                        format!("调休上班日{d}不是周末，无需调休"),
                    ));
                }
                if !makeup.insert(*d) {
                    return Err(invalid(place, format!("调休上班日{d}重复")));
                }
            }
        }
        if let Some(d) = rest.intersection(&makeup).next() {
            return Err(invalid("holidays".into(), format!("{d}既是假日又是调休上班日")));
        }
        Ok(())
    }
}

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

#[derive(Debug, Clone, Default)]
struct YearDays {
    rest: BTreeSet<NaiveDate>,
    makeup: BTreeSet<NaiveDate>,
}

/// The loaded calendar: the years an administrator has loaded, looked up by date.
#[derive(Debug, Clone, Default)]
pub struct WorkCalendar {
    years: BTreeMap<i32, YearDays>,
}

impl WorkCalendar {
    pub fn new(years: impl IntoIterator<Item = CalendarYear>) -> Self {
        let mut cal = Self::default();
        for y in years {
            cal.insert(&y);
        }
        cal
    }

    /// Loads (or replaces) one year.
    pub fn insert(&mut self, year: &CalendarYear) {
        let mut days = YearDays::default();
        for h in &year.holidays {
            days.rest.extend(h.from.iter_days().take_while(|d| *d <= h.to));
            days.makeup.extend(h.makeup_workdays.iter().copied());
        }
        self.years.insert(year.year, days);
    }

    pub fn loaded_years(&self) -> Vec<i32> {
        self.years.keys().copied().collect()
    }

    /// Whether `d` is a working day on the official calendar.
    pub fn is_working_day(&self, d: NaiveDate) -> Result<bool, CalendarError> {
        let y = self.years.get(&d.year()).ok_or(CalendarError::MissingYear(d.year()))?;
        if y.makeup.contains(&d) {
            return Ok(true);
        }
        Ok(!is_weekend(d) && !y.rest.contains(&d))
    }

    /// The date `n` working days after `from` (the deadline of "within n working days of
    /// `from`"). `n = 0` gives `from` itself.
    pub fn add_working_days(&self, from: NaiveDate, n: WorkingDays) -> Result<NaiveDate, CalendarError> {
        let mut d = from;
        let mut left = n.0;
        while left > 0 {
            d = next_day(d)?;
            if self.is_working_day(d)? {
                left -= 1;
            }
        }
        Ok(d)
    }

    /// Working days after `from` up to and including `to`; negative when `to` is earlier.
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> Result<i64, CalendarError> {
        if to < from {
            return self.working_days_between(to, from).map(|n| -n);
        }
        let mut count = 0;
        let mut d = from;
        while d < to {
            d = next_day(d)?;
            if self.is_working_day(d)? {
                count += 1;
            }
        }
        Ok(count)
    }
}

fn next_day(d: NaiveDate) -> Result<NaiveDate, CalendarError> {
    d.checked_add_days(Days::new(1)).ok_or(CalendarError::MissingYear(d.year() + 1))
}

/// The calendar files shipped with the program, 2019 through 2026.
pub fn bundled_years() -> Vec<CalendarYear> {
    BUNDLED.iter().map(|text| CalendarYear::parse_toml(text).expect("bundled calendar is valid")).collect()
}

const BUNDLED: &[&str] = &[
    include_str!("../../../data/calendars/2019.toml"),
    include_str!("../../../data/calendars/2020.toml"),
    include_str!("../../../data/calendars/2021.toml"),
    include_str!("../../../data/calendars/2022.toml"),
    include_str!("../../../data/calendars/2023.toml"),
    include_str!("../../../data/calendars/2024.toml"),
    include_str!("../../../data/calendars/2025.toml"),
    include_str!("../../../data/calendars/2026.toml"),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn cal() -> WorkCalendar {
        WorkCalendar::new(bundled_years())
    }

    // rule: X-02
    #[test]
    fn make_up_days_holidays_and_weekends() {
        let c = cal();
        assert!(c.is_working_day(d("2025-01-26")).unwrap(), "Sunday 调休上班");
        assert!(!c.is_working_day(d("2025-01-28")).unwrap(), "Spring Festival eve");
        assert!(!c.is_working_day(d("2025-02-04")).unwrap());
        assert!(c.is_working_day(d("2025-02-08")).unwrap(), "Saturday 调休上班");
        assert!(!c.is_working_day(d("2025-02-09")).unwrap(), "plain Sunday");
        assert!(c.is_working_day(d("2025-02-10")).unwrap());
        assert!(!c.is_working_day(d("2024-10-07")).unwrap());
        assert!(c.is_working_day(d("2024-10-12")).unwrap());
        assert!(!c.is_working_day(d("2020-01-31")).unwrap(), "2020 Spring Festival extension");
        assert!(c.is_working_day(d("2026-01-04")).unwrap());
        assert!(!c.is_working_day(d("2026-02-23")).unwrap());
    }

    // rule: X-02
    #[test]
    fn adding_and_counting_working_days() {
        let c = cal();
        assert_eq!(c.add_working_days(d("2025-01-24"), WorkingDays(3)).unwrap(), d("2025-02-05"));
        assert_eq!(c.working_days_between(d("2025-01-24"), d("2025-02-10")).unwrap(), 7);
        assert_eq!(c.working_days_between(d("2025-02-10"), d("2025-01-24")).unwrap(), -7);
        assert_eq!(c.add_working_days(d("2025-03-03"), WorkingDays(0)).unwrap(), d("2025-03-03"));
        // Across the National Day week of 2023 (Sept 29 – Oct 6, Oct 7/8 worked).
        assert_eq!(c.add_working_days(d("2023-09-28"), WorkingDays(2)).unwrap(), d("2023-10-08"));
        // Across a year boundary.
        assert_eq!(c.add_working_days(d("2024-12-31"), WorkingDays(1)).unwrap(), d("2025-01-02"));
    }

    // rule: X-02
    #[test]
    fn a_missing_year_is_an_error_naming_it() {
        let c = cal();
        assert_eq!(c.is_working_day(d("2027-03-01")), Err(CalendarError::MissingYear(2027)));
        let err = c.add_working_days(d("2026-12-30"), WorkingDays(5)).unwrap_err();
        assert_eq!(err, CalendarError::MissingYear(2027));
        assert!(err.to_string().contains("2027"));
        assert_eq!(c.is_working_day(d("2018-12-29")), Err(CalendarError::MissingYear(2018)));
    }

    // rule: X-02
    #[test]
    fn malformed_year_files_are_rejected_with_the_place() {
        let weekday_makeup = r#"
            year = 2027
            source = "test"
            [[holidays]]
            name = "元旦"
            from = "2027-01-01"
            to = "2027-01-01"
            makeup_workdays = ["2027-01-04"]
        "#;
        let err = CalendarYear::parse_toml(weekday_makeup).unwrap_err().to_string();
        assert!(err.contains("元旦") && err.contains("不是周末"), "{err}");
        let syntax = CalendarYear::parse_toml("year = 2027\nsource = \"x\"\n[[holidays]\n").unwrap_err();
        assert!(matches!(syntax, CalendarError::Syntax(ref m) if m.contains("line")), "{syntax:?}");
        let wrong_year = r#"
            year = 2027
            source = "x"
            [[holidays]]
            name = "春节"
            from = "2026-02-15"
            to = "2027-02-21"
        "#;
        assert!(CalendarYear::parse_toml(wrong_year).unwrap_err().to_string().contains("2026-02-15"));
        let bad_date =
            "year = 2027\nsource = \"x\"\n[[holidays]]\nname = \"a\"\nfrom = \"2027-02-30\"\nto = \"2027-03-01\"\n";
        assert!(CalendarYear::parse_toml(bad_date).is_err());
    }

    #[test]
    fn bundled_years_round_trip() {
        for y in bundled_years() {
            assert_eq!(CalendarYear::parse_toml(&y.to_toml()).unwrap(), y);
        }
        assert_eq!(cal().loaded_years(), (2019..=2026).collect::<Vec<_>>());
    }
}
