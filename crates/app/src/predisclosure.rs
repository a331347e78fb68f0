//! The pre-disclosure's approval (D-03) and update tracking (D-02) as services: an
//! agency's administrator records a change of law or duties and submits the content for
//! approval; only the agency's legal reviewers approve or reject it
//! ([`zhifa_core::disclosure::predisclosure::check_reviewer`]); anyone who reads the agency
//! sees where it stands, and the judicial bureau's supervisors see which of the agencies
//! they supervise are late — with an update past its due day (D-02) or last year's
//! statistics not published by 31 January (D-11).

use chrono::{Datelike, NaiveDate};
use uuid::Uuid;
use zhifa_core::access::{Principal, Role};
use zhifa_core::calendar::WorkingDays;
use zhifa_core::disclosure::predisclosure::{
    ChangeKind, ChangeTracking, PredisclosureEvent, PublicContent, check_reviewer,
};
use zhifa_core::events::stream;
use zhifa_core::registry::{Agency, AgencyEvent};
use zhifa_store::{Append, ExpectedVersion};

use crate::cases::beijing_now;
use crate::{App, AppError, AppResult};

/// Where an agency's pre-disclosure stands today, for its internal page.
#[derive(Debug, Clone)]
pub struct PredisclosureStatus {
    pub agency: Agency,
    /// The profile's `predisclosure_update_wd`.
    pub period: WorkingDays,
    pub tracking: Vec<ChangeTracking>,
    /// Last year, whether its statistics were published and whether that is late (D-11).
    pub statistics_year: i32,
    pub statistics_published_on: Option<NaiveDate>,
    pub statistics_late: bool,
    /// Whether the content differs from the last approved version.
    pub unapproved_changes: bool,
}

impl PredisclosureStatus {
    /// The late updates (D-02).
    pub fn late(&self) -> impl Iterator<Item = &ChangeTracking> {
        self.tracking.iter().filter(|t| t.late)
    }
}

/// An agency with something late, for the judicial bureau's supervisors.
#[derive(Debug, Clone)]
pub struct Lateness {
    pub status: PredisclosureStatus,
}

impl App {
    async fn predisclosure_of(&self, agency: Agency) -> AppResult<PredisclosureStatus> {
        let today = beijing_now().date();
        let profile = self.profile_for(&agency, today).await?;
        let calendar = self.db.work_calendar().await?;
        let period = profile.params.predisclosure_update_wd;
        let pre = &agency.predisclosure;
        let tracking = pre.tracking(period, &calendar, today);
        let year = today.year() - 1;
        let unapproved_changes =
            pre.approved.as_ref().is_none_or(|a| a.submission.content != PublicContent::of(&agency));
        Ok(PredisclosureStatus {
            period,
            tracking,
            statistics_year: year,
            statistics_published_on: pre.statistics_published_on(year),
            statistics_late: pre.statistics_late(year, today),
            unapproved_changes,
            agency,
        })
    }

    /// An agency's pre-disclosure status, for whoever reads the agency.
    pub async fn predisclosure_status(&self, by: &Principal, agency: Uuid) -> AppResult<PredisclosureStatus> {
        by.can_read_agency(agency)?;
        let (state, _) = self.agency_state(agency).await?;
        self.predisclosure_of(state).await
    }

    async fn append_predisclosure(
        &self,
        by: &Principal,
        agency: Uuid,
        version: ExpectedVersion,
        event: PredisclosureEvent,
    ) -> AppResult<()> {
        let event = AgencyEvent::Predisclosure { event };
        self.append_all(by, vec![Append::new(stream::agency(agency), version, vec![event.into()])]).await?;
        // What the portal shows may have changed with this event.
        self.portal_cache.forget();
        Ok(())
    }

    /// Records a change of law or duties that took effect on `changed_on` (D-02): the
    /// agency's administrators.
    pub async fn record_predisclosure_change(
        &self,
        by: &Principal,
        agency: Uuid,
        kind: ChangeKind,
        description: &str,
        changed_on: NaiveDate,
    ) -> AppResult<()> {
        by.can_administer_agency(agency)?;
        let (state, version) = self.agency_state(agency).await?;
        let event = state.predisclosure.decide_record_change(kind, description, changed_on, beijing_now().date())?;
        self.append_predisclosure(by, agency, version, event).await
    }

    /// Submits the agency's content as it stands for the legal unit's approval (D-03),
    /// with last year's statistics if asked (D-11): the agency's administrators.
    pub async fn submit_predisclosure(
        &self,
        by: &Principal,
        agency: Uuid,
        summary: &str,
        statistics_year: Option<i32>,
    ) -> AppResult<()> {
        by.can_administer_agency(agency)?;
        let (state, version) = self.agency_state(agency).await?;
        let content = PublicContent::of(&state);
        let event = state.predisclosure.decide_submit(&content, summary, statistics_year, beijing_now().date())?;
        self.append_predisclosure(by, agency, version, event).await
    }

    /// Approves the waiting submission: only a legal reviewer of the agency (D-03).
    pub async fn approve_predisclosure(&self, by: &Principal, agency: Uuid, opinion: &str) -> AppResult<()> {
        check_reviewer(by, agency)?;
        let (state, version) = self.agency_state(agency).await?;
        let event = state.predisclosure.decide_approve(by, opinion, beijing_now().date())?;
        self.append_predisclosure(by, agency, version, event).await
    }

    /// Rejects the waiting submission with reasons: only a legal reviewer of the agency.
    pub async fn reject_predisclosure(&self, by: &Principal, agency: Uuid, reasons: &str) -> AppResult<()> {
        check_reviewer(by, agency)?;
        let (state, version) = self.agency_state(agency).await?;
        let event = state.predisclosure.decide_reject(by, reasons, beijing_now().date())?;
        self.append_predisclosure(by, agency, version, event).await
    }

    /// The agencies a supervisor watches with a late update or late statistics: those
    /// their judicial bureau supervises (every agency for the platform administrator).
    pub async fn predisclosure_lateness(&self, by: &Principal) -> AppResult<Vec<Lateness>> {
        let bureau = match (by.role, by.agency_id) {
            (Role::Supervisor, Some(bureau)) => Some(bureau),
            _ if by.is_platform_admin() => None,
            _ => return Err(zhifa_core::access::AccessError::Role(by.role.label()).into()),
        };
        let mut out = Vec::new();
        for row in self.db.agencies().await? {
            if row.info.is_judicial_bureau || bureau.is_some_and(|b| row.info.supervising_bureau != Some(b)) {
                continue;
            }
            let Some((state, _)) = self.db.load_agency(row.id).await? else { continue };
            let status = match self.predisclosure_of(state).await {
                Ok(s) => s,
                // An agency whose profile has no version in force: nothing to compute.
                Err(AppError::Rejected(_)) => continue,
                Err(e) => return Err(e),
            };
            if status.statistics_late || status.late().next().is_some() {
                out.push(Lateness { status });
            }
        }
        Ok(out)
    }
}
