//! The public disclosure portal's reads (行政执法公示, D-01, D-04, P-06): what anyone may see
//! without logging in — an agency's subject information, its officers with their
//! certificates, its enforcement items and discretion benchmarks, and any certificate by
//! its number. The agency's own content is shown as its legal unit last approved it
//! (D-03); the officers and certificates are live. Nothing here is personal beyond what the
//! rules publish: an officer's name, unit, post and certificate — never the citizen ID or
//! telephone.

use uuid::Uuid;
use zhifa_core::access::Principal;
use zhifa_core::case::Case;
use zhifa_core::disclosure::publication::{
    Prepared, Publication, RevocationGround, decide_prepare, decide_publish, decide_reprepare, decide_take_down,
    decide_withdraw, prepare, published_kind, redact_for_case,
};
use zhifa_core::events::{Actor, stream};
use zhifa_core::personnel::{CertificateStatus, StaffKind};
use zhifa_core::registry::Agency;
use zhifa_store::ExpectedVersion;
use zhifa_store::publications::PublicationRow;
use zhifa_store::queries::{AgencyRow, CertificateRow};

use crate::cases::beijing_now;
use crate::{App, AppError, AppResult};

/// A decision's publication as its agency sees it before and after publishing: the
/// publication if one was prepared, and the notice as the decision stands now with what
/// redaction removed — or why it cannot be published (D-06, D-07).
#[derive(Debug, Clone)]
pub struct PublicationPreview {
    pub case: Case,
    pub publication: Option<Publication>,
    pub prepared: Result<Prepared, zhifa_core::Rejection>,
}

/// Longest certificate number the portal looks up; anything longer is refused with a
/// message instead of reaching the database.
pub const MAX_CERTIFICATE_NUMBER: usize = 40;

/// An officer on the personnel-qualification list (人员资格清单, P-06).
#[derive(Debug, Clone)]
pub struct PublicOfficer {
    pub name: String,
    pub unit: String,
    pub position: String,
    pub certificates: Vec<PublicCertificate>,
}

/// A certificate as the public sees it (D-04), with its status today.
#[derive(Debug, Clone)]
pub struct PublicCertificate {
    pub row: CertificateRow,
    pub status: CertificateStatus,
}

impl PublicCertificate {
    fn new(row: CertificateRow) -> Self {
        let status = row.certificate().status_on(beijing_now().date());
        PublicCertificate { row, status }
    }
}

/// An agency's public page: its state (subject information, items, benchmarks) and its
/// officers in post, those with a certificate first.
#[derive(Debug, Clone)]
pub struct PublicAgency {
    pub agency: Agency,
    pub officers: Vec<PublicOfficer>,
}

/// How long the portal's agency list is kept: another node's approval shows here after it.
pub const AGENCIES_KEPT: std::time::Duration = std::time::Duration::from_secs(30);

/// The approved agencies the portal lists, kept because every search page's filter needs
/// them and each is a fold of the agency's stream.
#[derive(Debug, Clone, Default)]
pub struct PortalCache(std::sync::Arc<std::sync::Mutex<Option<KeptAgencies>>>);

/// The agency list and when it was read.
type KeptAgencies = (std::time::Instant, Vec<AgencyRow>);

impl PortalCache {
    fn agencies(&self) -> Option<Vec<AgencyRow>> {
        let kept = self.0.lock().unwrap_or_else(|p| p.into_inner());
        kept.as_ref().filter(|(at, _)| at.elapsed() < AGENCIES_KEPT).map(|(_, rows)| rows.clone())
    }

    fn keep(&self, rows: &[AgencyRow]) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = Some((std::time::Instant::now(), rows.to_vec()));
    }

    /// Forgets the list: a pre-disclosure event was appended.
    pub fn forget(&self) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }
}

/// One line of the publications overview (D-05).
#[derive(Debug, Clone)]
pub struct PublicationLine {
    pub row: PublicationRow,
    pub agency: String,
    /// Why the deadline was missed, when it was: not published by it, or published after.
    pub late: Option<String>,
}

/// Whether a publication missed its deadline of D-05, on `today`, and how.
pub fn lateness(row: &PublicationRow, today: chrono::NaiveDate) -> Option<String> {
    match (row.status.as_str(), row.published_on) {
        ("prepared", _) if today > row.due => Some(format!("逾期未公示：应于{}前公示", row.due)),
        (_, Some(on)) if on > row.due => Some(format!("逾期公示：应于{}前公示，实际{}公示", row.due, on)),
        _ => None,
    }
}

impl App {
    /// The overview of publications: an agency's own for its staff, every agency's for the
    /// judicial bureau's supervisors, with lateness flagged (D-05). `late_only` keeps the
    /// late ones.
    pub async fn publication_overview(&self, by: &Principal, late_only: bool) -> AppResult<Vec<PublicationLine>> {
        use zhifa_core::access::Role;
        let agency = match (by.role, by.agency_id) {
            (Role::Supervisor, _) => None,
            (Role::Auxiliary, _) | (_, None) => {
                return Err(zhifa_core::access::AccessError::Role(by.role.label()).into());
            }
            (_, Some(a)) => Some(a),
        };
        let today = beijing_now().date();
        let names: std::collections::HashMap<Uuid, String> =
            self.db.agencies().await?.into_iter().map(|a| (a.id, a.info.name)).collect();
        let rows = self.db.publications_of(agency, 2_000).await?;
        Ok(rows
            .into_iter()
            .map(|row| PublicationLine {
                agency: names.get(&row.agency_id).cloned().unwrap_or_default(),
                late: lateness(&row, today),
                row,
            })
            .filter(|l| !late_only || l.late.is_some())
            .collect())
    }

    /// Every agency whose pre-disclosure the legal unit approved, with its subject
    /// information as approved (D-03), for the portal's home page.
    pub async fn portal_agencies(&self) -> AppResult<Vec<AgencyRow>> {
        if let Some(kept) = self.portal_cache.agencies() {
            return Ok(kept);
        }
        let mut out = Vec::new();
        for mut row in self.db.agencies().await? {
            if let Some(published) = self.db.load_agency(row.id).await?.and_then(|(a, _)| a.published()) {
                row.info = published.info;
                out.push(row);
            }
        }
        self.portal_cache.keep(&out);
        Ok(out)
    }

    /// An agency's public page (D-01, P-06): its officers and legal reviewers in post with
    /// their certificates; auxiliary staff enforce nothing and are not listed (P-03).
    pub async fn portal_agency(&self, id: Uuid) -> AppResult<PublicAgency> {
        let agency = self.portal_agency_state(id).await?;
        let mut certificates = self.db.certificates_of_agency(id).await?;
        let mut officers: Vec<PublicOfficer> = self
            .db
            .officers(id)
            .await?
            .into_iter()
            .filter(|o| o.kind != StaffKind::Auxiliary && o.left_on.is_none())
            .map(|o| {
                let (mine, rest) = certificates.drain(..).partition(|c| c.officer_id == o.id);
                certificates = rest;
                PublicOfficer {
                    name: o.name,
                    unit: o.unit_name,
                    position: o.position,
                    certificates: mine.into_iter().map(PublicCertificate::new).collect(),
                }
            })
            .collect();
        officers.sort_by_key(|o| o.certificates.is_empty());
        Ok(PublicAgency { agency, officers })
    }

    /// An agency's state as its legal unit last approved it (subject information, units,
    /// items, AV list, benchmarks: D-03), for the pages that need no staff list; an agency
    /// never approved is not on the portal.
    pub async fn portal_agency_state(&self, id: Uuid) -> AppResult<Agency> {
        let (agency, _) = self.db.load_agency(id).await?.ok_or(AppError::NotFound("执法机关"))?;
        agency.published().ok_or(AppError::NotFound("执法机关经法制审核的公开信息"))
    }

    /// A certificate by its number (D-04); `None` when no certificate has that number.
    /// A number that cannot be one is refused with what to fix.
    pub async fn portal_certificate(&self, number: &str) -> AppResult<Option<PublicCertificate>> {
        let number = check_certificate_number(number)?;
        Ok(self.db.certificate(&number).await?.map(PublicCertificate::new))
    }
}

impl App {
    async fn agency_name(&self, case: &Case) -> AppResult<String> {
        Ok(self.db.agency(case.opening.agency_id).await?.ok_or(AppError::NotFound("执法机关"))?.info.name)
    }

    /// [`App::prepare_publication`] after a change that stands whatever happens to its
    /// publication: a failure is logged, not returned.
    pub(crate) async fn prepare_publication_logged(&self, by: &Principal, case_id: Uuid, record_id: Uuid) {
        if let Err(e) = self.prepare_publication(by, case_id, record_id).await {
            tracing::warn!(case = %case_id, record = %record_id, "publication not prepared: {e}");
        }
    }

    /// D-14: prepares the publication of an issued decision or of an execution (its
    /// redacted notice and its deadline, D-05, D-06) — again when the record was corrected
    /// (and a decision re-issued) before publication. Nothing for other records, or for
    /// one that may not be published (a minor party, a secret: D-07).
    pub(crate) async fn prepare_publication(&self, by: &Principal, case_id: Uuid, record_id: Uuid) -> AppResult<()> {
        let (case, _, _) = self.db.load_case(case_id).await?.ok_or(AppError::NotFound("案件"))?;
        if !case.record(record_id).is_some_and(|r| published_kind(r.record.kind)) {
            return Ok(());
        }
        let prepared = match prepare(&case, record_id, &self.agency_name(&case).await?) {
            Ok(p) => p,
            Err(why) => {
                tracing::info!(case = %case_id, "record not for publication: {why}");
                return Ok(());
            }
        };
        let profile = self.profile_of(&case).await?;
        let calendar = self.db.work_calendar().await?;
        let (event, version) = match self.db.load_publication(record_id).await? {
            None => (decide_prepare(&prepared, &profile, &calendar)?, ExpectedVersion::NoStream),
            Some((p, version)) => match decide_reprepare(&p, &prepared, &profile, &calendar)? {
                Some(event) => (event, version),
                None => return Ok(()),
            },
        };
        let stream = stream::publication(record_id);
        self.db.append_to(&Actor::from(by), &stream, version, vec![event.into()]).await?;
        Ok(())
    }

    /// The preview of a decision's publication for those who handle the case.
    pub async fn publication_preview(
        &self,
        by: &Principal,
        case_id: Uuid,
        record_id: Uuid,
    ) -> AppResult<PublicationPreview> {
        let (case, _) = self.load_for_write(by, case_id).await?;
        if case.record(record_id).is_none() {
            return Err(AppError::NotFound("记录"));
        }
        // The preview shows what redaction removed, the decision's personal data: a reading
        // of the record, logged.
        self.log_access(by, case_id, Some(record_id), "核对决定公示内容").await?;
        let publication = self.db.load_publication(record_id).await?.map(|(p, _)| p);
        let prepared = prepare(&case, record_id, &self.agency_name(&case).await?);
        Ok(PublicationPreview { case, publication, prepared })
    }

    /// Whether `by` may publish the case's decisions: who may write to the case.
    pub async fn may_publish(&self, by: &Principal, case_id: Uuid) -> AppResult<()> {
        self.load_for_write(by, case_id).await.map(drop)
    }

    /// Publishes a prepared decision on the portal today, with its takedown date (D-08)
    /// and, past its deadline, the lateness supervisors see (D-05).
    pub async fn publish_decision(&self, by: &Principal, case_id: Uuid, record_id: Uuid) -> AppResult<()> {
        let (case, _) = self.load_for_write(by, case_id).await?;
        if case.record(record_id).is_none() {
            return Err(AppError::NotFound("记录"));
        }
        // Not prepared when it was issued (the calendar of the year missing, say): now.
        if self.db.load_publication(record_id).await?.is_none() {
            self.prepare_publication(by, case_id, record_id).await?;
        }
        let (publication, version) = self
            .db
            .load_publication(record_id)
            .await?
            .filter(|(p, _)| p.case_id == case_id)
            .ok_or(AppError::NotFound("待公示的决定"))?;
        // What is published is the decision as it stands: one withheld since (marked
        // secret) or corrected without being re-issued is not published (D-06, D-07).
        let now = prepare(&case, record_id, &self.agency_name(&case).await?)?;
        if now.notice != publication.notice {
            return Err(zhifa_core::Rejection::one(
                "publication",
                "决定书在生成公示信息后已更正：请重新出具决定书，公示信息随之更新后再发布（D-06）",
            )
            .into());
        }
        let profile = self.profile_of(&case).await?;
        let event = decide_publish(&publication, beijing_now().date(), &profile)?;
        let stream = stream::publication(record_id);
        self.db.append_to(&Actor::from(by), &stream, version, vec![event.into()]).await?;
        Ok(())
    }

    /// Withdraws a decision's publication at once because the decision was revoked,
    /// declared unlawful or must be remade (D-09): the portal then shows only its number,
    /// date and the explanation (redacted like the notice). A decision remade in the case is
    /// published through its own publication, its retention counting from itself.
    pub async fn withdraw_publication(
        &self,
        by: &Principal,
        case_id: Uuid,
        record_id: Uuid,
        ground: RevocationGround,
        explanation: &str,
    ) -> AppResult<()> {
        let (case, _) = self.load_for_write(by, case_id).await?;
        let (publication, version) = self
            .db
            .load_publication(record_id)
            .await?
            .filter(|(p, _)| p.case_id == case_id)
            .ok_or(AppError::NotFound("公示信息"))?;
        let explanation = redact_for_case(&case, explanation);
        let event = decide_withdraw(&publication, beijing_now().date(), ground, &explanation)?;
        self.db.append_to(&Actor::from(by), &stream::publication(record_id), version, vec![event.into()]).await?;
        Ok(())
    }

    /// Takes down every decision whose retention ended by `today` (D-08): a `TakenDown`
    /// event each, by the system; the notice stays in its stream. Returns how many.
    pub async fn take_down_expired(&self, today: chrono::NaiveDate) -> AppResult<usize> {
        let mut done = 0;
        for record in self.db.publications_due_down(today).await? {
            // One that fails (another node took it down meanwhile) does not stop the rest.
            match self.take_down(record, today).await {
                Ok(()) => done += 1,
                Err(e) => tracing::warn!(record = %record, "publication not taken down: {e}"),
            }
        }
        Ok(done)
    }

    async fn take_down(&self, record: Uuid, today: chrono::NaiveDate) -> AppResult<()> {
        let (publication, version) = self.db.load_publication(record).await?.ok_or(AppError::NotFound("公示信息"))?;
        let event = decide_take_down(&publication, today)?;
        let actor = Actor::system("公示期满撤下");
        self.db.append_to(&actor, &stream::publication(record), version, vec![event.into()]).await?;
        Ok(())
    }

    /// One decision on the portal: public today, or withdrawn with its explanation (D-09);
    /// one prepared but not published, or past its takedown, is not found.
    pub async fn portal_decision(&self, record_id: Uuid) -> AppResult<PublicationRow> {
        let today = beijing_now().date();
        self.db
            .publication_row(record_id)
            .await?
            .filter(|p| match p.status.as_str() {
                "public" => p.takedown_on.is_some_and(|t| t > today),
                // Withdrawn after it was public: its explanation stays public (D-09); one
                // withdrawn before it was ever published was never public.
                "withdrawn" => p.published_on.is_some(),
                _ => false,
            })
            .ok_or(AppError::NotFound("该公示信息"))
    }
}

/// The QR code of a public page's address as an SVG image (D-04: a certificate's card).
pub fn qr_svg(url: &str, title: &str) -> Option<String> {
    zhifa_docs::qr::svg(url, title)
}

/// A certificate number as typed: trimmed, full-width digits and letters made half-width,
/// at most [`MAX_CERTIFICATE_NUMBER`] characters of letters, digits and dashes.
pub fn check_certificate_number(raw: &str) -> Result<String, zhifa_core::Rejection> {
    let number: String = raw
        .trim()
        .chars()
        .map(|c| match c {
            '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' | '－' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            c => c,
        })
        .collect();
    let bad = if number.is_empty() {
        Some("请输入执法证号".to_string())
    } else if number.chars().count() > MAX_CERTIFICATE_NUMBER {
        Some(format!("执法证号不超过{MAX_CERTIFICATE_NUMBER}个字符，请核对后重新输入"))
    } else if !number.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        Some("执法证号只含数字、字母和连字符，请核对后重新输入".to_string())
    } else {
        None
    };
    match bad {
        Some(message) => Err(zhifa_core::Rejection::one("number", message)),
        None => Ok(number),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // rule: D-04
    #[test]
    fn a_typed_certificate_number_is_normalised_or_refused_with_what_to_fix() {
        assert_eq!(check_certificate_number(" 43070001 ").unwrap(), "43070001");
        assert_eq!(check_certificate_number("４３０７０００１").unwrap(), "43070001");
        assert_eq!(check_certificate_number("ＨＮ－0012").unwrap(), "HN-0012");
        let e = check_certificate_number("").unwrap_err();
        assert_eq!(e.message_for("number"), Some("请输入执法证号"));
        let e = check_certificate_number(&"9".repeat(41)).unwrap_err();
        assert!(e.message_for("number").unwrap().contains("不超过40个字符"));
        let e = check_certificate_number("4307' OR 1=1").unwrap_err();
        assert!(e.message_for("number").unwrap().contains("只含数字、字母和连字符"));
    }
}
