//! Keeping automated submissions out of the portal's public forms without JavaScript,
//! CAPTCHAs or any outside service — pure rules the web layer applies before
//! [`decide_file`](super::decide_file).
//!
//! - A **form token** ([`FormToken`]) is put into the form page as a hidden field: the time
//!   the page was served and an HMAC-SHA256 over it and the form's kind under a server key.
//!   A submission needs a token the server made, for this form, at least
//!   [`FORM_MIN_AGE`] old (a person reads and types; a bot posts at once) and at most
//!   [`FORM_MAX_AGE`] (an old page is refreshed, not replayed forever). A token can be
//!   reused within those two hours; the per-client [`RateLimit`] bounds that.
//! - A **honeypot** field ([`HONEYPOT_FIELD`]), hidden by the style sheet, must stay empty;
//!   form-filling robots fill every field.
//! - **Links**: more than [`MAX_LINKS`] addresses in a text is advertising, not a
//!   complaint.
//! - A **rate limit** per client ([`RateLimit::allows`]) over the times of its earlier
//!   submissions, which the app stores.
//!
//! The key is a secret of the server ([`FormKey`]); its `Debug` does not print it.

use std::fmt;

use chrono::{DateTime, TimeDelta, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::FeedbackKind;
use crate::validation::Rejection;

/// The youngest token accepted: people take more than this to fill a form.
pub const FORM_MIN_AGE: TimeDelta = TimeDelta::seconds(3);
/// The oldest token accepted.
pub const FORM_MAX_AGE: TimeDelta = TimeDelta::hours(2);
/// How far a token's time may be ahead of `now` (clocks of several app nodes) before it
/// is taken as forged.
const CLOCK_SKEW: TimeDelta = TimeDelta::seconds(60);

/// The field carrying the form token.
pub const TOKEN_FIELD: &str = "form_token";
/// The hidden field that must stay empty.
pub const HONEYPOT_FIELD: &str = "website";
/// The most web addresses a text may contain.
pub const MAX_LINKS: usize = 2;

/// Separates the MAC's input from anything else the key might ever sign.
const CONTEXT: &[u8] = b"zhifa feedback form token v1\0";

const REFRESH: &str = "表单已失效，请刷新页面后重新提交";

/// The server's secret for form tokens.
#[derive(Clone)]
pub struct FormKey([u8; 32]);

impl FormKey {
    pub fn new(bytes: [u8; 32]) -> Self {
        FormKey(bytes)
    }

    fn mac(&self, issued_at: i64, kind: FeedbackKind) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes a key of any length");
        mac.update(CONTEXT);
        mac.update(&issued_at.to_be_bytes());
        mac.update(kind.prefix().as_bytes());
        mac
    }
}

impl fmt::Debug for FormKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("FormKey(***)")
    }
}

/// A form token: `<issued at, Unix seconds>.<HMAC-SHA256, hex>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormToken {
    issued_at: i64,
    mac: [u8; 32],
}

impl FormToken {
    /// The token of a `kind` form served at `issued_at`.
    pub fn issue(key: &FormKey, issued_at: DateTime<Utc>, kind: FeedbackKind) -> FormToken {
        let secs = issued_at.timestamp();
        FormToken { issued_at: secs, mac: key.mac(secs, kind).finalize().into_bytes().into() }
    }

    /// Reads a token's text; `None` when it is not one.
    pub fn parse(text: &str) -> Option<FormToken> {
        let (secs, hex) = text.trim().split_once('.')?;
        if secs.is_empty() || !secs.bytes().all(|b| b.is_ascii_digit()) || hex.len() != 64 {
            return None;
        }
        let mut mac = [0u8; 32];
        for (i, byte) in mac.iter_mut().enumerate() {
            *byte = u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()?;
        }
        Some(FormToken { issued_at: secs.parse().ok()?, mac })
    }

    pub fn issued_at(&self) -> Option<DateTime<Utc>> {
        DateTime::from_timestamp(self.issued_at, 0)
    }
}

impl fmt::Display for FormToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.", self.issued_at)?;
        self.mac.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

/// Accepts a submission's form token when the server made it for a `kind` form between
/// [`FORM_MIN_AGE`] and [`FORM_MAX_AGE`] before `now`.
pub fn check_form_token(key: &FormKey, token: &str, now: DateTime<Utc>, kind: FeedbackKind) -> Result<(), Rejection> {
    let refuse = |m: &str| Err(Rejection::one(TOKEN_FIELD, m));
    let Some(t) = FormToken::parse(token) else { return refuse(REFRESH) };
    // Constant-time comparison, by the hmac crate.
    if key.mac(t.issued_at, kind).verify_slice(&t.mac).is_err() {
        return refuse(REFRESH);
    }
    let Some(issued_at) = t.issued_at() else { return refuse(REFRESH) };
    let age = now - issued_at;
    if age < -CLOCK_SKEW {
        return refuse(REFRESH);
    }
    if age < FORM_MIN_AGE {
        return refuse("提交太快：请核对填写的内容，稍等几秒后再提交");
    }
    if age > FORM_MAX_AGE {
        return refuse("表单打开已超过2小时，已失效：请刷新页面后重新提交");
    }
    Ok(())
}

/// The honeypot field must be empty.
pub fn check_honeypot(value: &str) -> Result<(), Rejection> {
    if value.trim().is_empty() {
        Ok(())
    } else {
        Err(Rejection::one(HONEYPOT_FIELD, "“网址”一栏用于识别自动提交，请保持空白：清空后重新提交"))
    }
}

/// The web addresses in a text: `http://…`, `https://…` and `www.…` not already counted.
pub fn count_links(text: &str) -> usize {
    let lower = text.to_lowercase();
    let schemes = lower.matches("http://").count() + lower.matches("https://").count();
    let bare = lower.match_indices("www.").filter(|(i, _)| !lower[..*i].ends_with("//")).count();
    schemes + bare
}

/// Refuses a text with more than [`MAX_LINKS`] web addresses; the message is for the field.
pub fn check_links(text: &str) -> Result<(), String> {
    let n = count_links(text);
    if n > MAX_LINKS {
        Err(format!("内容中的网址过多（{n}个）：请删去网址，用文字说明，网址最多{MAX_LINKS}个"))
    } else {
        Ok(())
    }
}

/// At most `max` submissions from one client within `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub max: usize,
    pub window: TimeDelta,
}

impl RateLimit {
    /// Whether one more submission at `now` is allowed after those at `previous` (in any
    /// order; older ones are ignored). When not, the message says how long to wait.
    pub fn allows(&self, previous: &[DateTime<Utc>], now: DateTime<Utc>) -> Result<(), Rejection> {
        let mut recent: Vec<DateTime<Utc>> = previous.iter().copied().filter(|t| now - *t < self.window).collect();
        if recent.len() < self.max {
            return Ok(());
        }
        recent.sort();
        // Allowed again once all but max - 1 of the recent submissions are out of the window.
        let frees = recent.get(recent.len() - self.max).copied().unwrap_or(now) + self.window;
        let wait = (frees - now).num_seconds().max(1);
        let minutes = (wait + 59) / 60;
        Err(Rejection::one(
            "rate_limit",
            format!("提交过于频繁：{}内最多提交{}次，请{minutes}分钟后再试", describe(self.window), self.max),
        ))
    }
}

fn describe(window: TimeDelta) -> String {
    let m = window.num_minutes();
    match m {
        _ if m >= 60 && m % 60 == 0 => format!("{}小时", m / 60),
        _ => format!("{m}分钟"),
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn at(h: u32, m: u32, s: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 29, h, m, s).unwrap()
    }

    fn key() -> FormKey {
        FormKey::new([7; 32])
    }

    fn refused(r: Result<(), Rejection>) -> String {
        r.unwrap_err().message_for(TOKEN_FIELD).unwrap().to_string()
    }

    #[test]
    fn a_token_is_accepted_after_a_few_seconds_and_within_two_hours() {
        let t = FormToken::issue(&key(), at(10, 0, 0), FeedbackKind::Complaint).to_string();
        assert!(check_form_token(&key(), &t, at(10, 0, 30), FeedbackKind::Complaint).is_ok());
        assert!(check_form_token(&key(), &t, at(10, 0, 3), FeedbackKind::Complaint).is_ok());
        assert!(check_form_token(&key(), &t, at(12, 0, 0), FeedbackKind::Complaint).is_ok());
        assert!(refused(check_form_token(&key(), &t, at(10, 0, 1), FeedbackKind::Complaint)).contains("提交太快"));
        assert!(refused(check_form_token(&key(), &t, at(12, 0, 1), FeedbackKind::Complaint)).contains("超过2小时"));
        assert_eq!(FormToken::parse(&t).unwrap().issued_at(), Some(at(10, 0, 0)));
    }

    #[test]
    fn forged_altered_or_foreign_tokens_are_refused() {
        let now = at(10, 5, 0);
        let t = FormToken::issue(&key(), at(10, 0, 0), FeedbackKind::Correction).to_string();
        // Another form's token, another server's key.
        assert_eq!(refused(check_form_token(&key(), &t, now, FeedbackKind::Complaint)), REFRESH);
        assert_eq!(refused(check_form_token(&FormKey::new([8; 32]), &t, now, FeedbackKind::Correction)), REFRESH);
        // The time moved back to dodge the age limit, without the key.
        let (_, mac) = t.split_once('.').unwrap();
        let older = format!("{}.{mac}", at(9, 0, 0).timestamp());
        assert_eq!(refused(check_form_token(&key(), &older, now, FeedbackKind::Correction)), REFRESH);
        // One hex digit changed, garbage, empty.
        let mut flipped = t.clone();
        let last = flipped.pop().unwrap();
        flipped.push(if last == '0' { '1' } else { '0' });
        for bad in [flipped.as_str(), "", "abc", "123.xyz", &t[..t.len() - 2]] {
            assert_eq!(refused(check_form_token(&key(), bad, now, FeedbackKind::Correction)), REFRESH, "{bad}");
        }
        // A token from the future is forged (or the clocks are badly off).
        let future = FormToken::issue(&key(), at(11, 0, 0), FeedbackKind::Correction).to_string();
        assert_eq!(refused(check_form_token(&key(), &future, now, FeedbackKind::Correction)), REFRESH);
    }

    #[test]
    fn the_key_is_not_printed() {
        assert_eq!(format!("{:?}", key()), "FormKey(***)");
    }

    #[test]
    fn the_honeypot_must_stay_empty() {
        assert!(check_honeypot("").is_ok());
        assert!(check_honeypot("  ").is_ok());
        let r = check_honeypot("http://cheap-pills.example").unwrap_err();
        assert!(r.message_for(HONEYPOT_FIELD).unwrap().contains("保持空白"));
    }

    #[test]
    fn more_than_two_links_is_advertising() {
        assert_eq!(count_links("处罚决定书文号见 https://www.example.gov.cn/gs/decisions/1"), 1);
        assert_eq!(count_links("www.a.com 和 WWW.B.COM 以及 http://c.cn"), 3);
        assert!(check_links("公示的罚款金额有误，见 https://gs.example.gov.cn/d/1 与 http://x.cn").is_ok());
        let spam = "代开发票 www.a.com www.b.com https://c.com 联系我";
        assert_eq!(check_links(spam).unwrap_err(), "内容中的网址过多（3个）：请删去网址，用文字说明，网址最多2个");
    }

    #[test]
    fn the_rate_limit_says_when_to_retry() {
        let limit = RateLimit { max: 3, window: TimeDelta::hours(1) };
        let now = at(10, 0, 0);
        assert!(limit.allows(&[], now).is_ok());
        let two = [at(9, 30, 0), at(9, 50, 0)];
        assert!(limit.allows(&two, now).is_ok());
        // Three within the hour (given out of order), one older that no longer counts.
        let three = [at(9, 50, 0), at(8, 0, 0), at(9, 20, 0), at(9, 40, 0)];
        let r = limit.allows(&three, now).unwrap_err();
        assert_eq!(r.message_for("rate_limit"), Some("提交过于频繁：1小时内最多提交3次，请20分钟后再试"));
        // Free again when the 9:20 submission leaves the window.
        assert!(limit.allows(&three, at(10, 20, 0)).is_ok());
        assert!(limit.allows(&three, at(10, 19, 59)).is_err());
        let burst = RateLimit { max: 1, window: TimeDelta::minutes(10) };
        let r = burst.allows(&[at(9, 59, 50)], now).unwrap_err();
        assert_eq!(r.message_for("rate_limit"), Some("提交过于频繁：10分钟内最多提交1次，请10分钟后再试"));
    }
}
