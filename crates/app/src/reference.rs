//! Reference data: policy profiles and the working-day calendar. The bundled files are
//! loaded at first start; administrators publish new profile versions and load new
//! calendar years at run time, without a rebuild.

use zhifa_core::Rejection;
use zhifa_core::access::Principal;
use zhifa_core::calendar::{CalendarYear, bundled_years};
use zhifa_core::events::{Actor, CalendarEvent, ProfileEvent, stream};
use zhifa_core::profile::{PolicyProfile, bundled_profiles};
use zhifa_store::ExpectedVersion;

use crate::{App, AppResult};

impl App {
    /// Loads the bundled profiles and calendar years that are not in the database yet.
    pub async fn ensure_reference_data(&self) -> AppResult<()> {
        let actor = Actor::system("内置参考数据");
        let have = self.db.profiles().await?;
        for p in bundled_profiles() {
            if !have.iter().any(|h| h.id == p.id) {
                let event = ProfileEvent::ProfileVersionPublished { profile: p.clone() };
                self.db
                    .append_to(&actor, &stream::profile(&p.id), ExpectedVersion::NoStream, vec![event.into()])
                    .await?;
            }
        }
        let years = self.db.calendar_years().await?;
        for y in bundled_years() {
            if !years.iter().any(|h| h.year == y.year) {
                let s = stream::calendar(y.year);
                let version = self.db.stream_version(&s).await?;
                let event = CalendarEvent::CalendarYearLoaded { calendar: y };
                self.db.append_to(&actor, &s, ExpectedVersion::Exact(version), vec![event.into()]).await?;
            }
        }
        Ok(())
    }

    /// Publishes a new version of a profile (or the first version of a new profile).
    /// The version number must follow the last one, and its effective date may not
    /// precede the previous version's.
    pub async fn publish_profile(&self, by: &Principal, text: &str) -> AppResult<PolicyProfile> {
        by.can_administer_platform()?;
        let profile = PolicyProfile::parse_toml(text).map_err(|e| Rejection::one("profile", e.to_string()))?;
        let versions = self.db.profile_versions(&profile.id).await?;
        let last = versions.iter().map(|p| p.version).max().unwrap_or(0);
        if profile.version != last + 1 {
            return Err(Rejection::one("profile", format!("版本号应为{}（当前最新版本为{}）", last + 1, last)).into());
        }
        if let Some(prev) = versions.iter().find(|p| p.version == last)
            && profile.effective_from < prev.effective_from
        {
            return Err(Rejection::one(
                "profile",
                format!("生效日期{}不得早于上一版本的生效日期{}", profile.effective_from, prev.effective_from),
            )
            .into());
        }
        let expected = if last == 0 {
            ExpectedVersion::NoStream
        } else {
            ExpectedVersion::Exact(self.db.stream_version(&stream::profile(&profile.id)).await?)
        };
        let event = ProfileEvent::ProfileVersionPublished { profile: profile.clone() };
        self.db.append_to(&Actor::from(by), &stream::profile(&profile.id), expected, vec![event.into()]).await?;
        Ok(profile)
    }

    /// Loads (or reloads) a calendar year from its file text.
    pub async fn load_calendar_year(&self, by: Option<&Principal>, text: &str) -> AppResult<CalendarYear> {
        if let Some(p) = by {
            p.can_administer_platform()?;
        }
        let year = CalendarYear::parse_toml(text).map_err(|e| Rejection::one("calendar", e.to_string()))?;
        let actor = by.map(Actor::from).unwrap_or_else(|| Actor::system("命令行载入日历"));
        let s = stream::calendar(year.year);
        let version = self.db.stream_version(&s).await?;
        let event = CalendarEvent::CalendarYearLoaded { calendar: year.clone() };
        self.db.append_to(&actor, &s, ExpectedVersion::Exact(version), vec![event.into()]).await?;
        Ok(year)
    }
}
