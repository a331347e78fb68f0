//! The public disclosure portal's reads (行政执法公示, D-01, D-04, P-06): what anyone may see
//! without logging in — an agency's subject information, its officers with their
//! certificates, its enforcement items and discretion benchmarks, and any certificate by
//! its number. Nothing here is personal beyond what the rules publish: an officer's name,
//! unit, post and certificate — never the citizen ID or telephone.

use uuid::Uuid;
use zhifa_core::personnel::{CertificateStatus, StaffKind};
use zhifa_core::registry::Agency;
use zhifa_store::queries::{AgencyRow, CertificateRow};

use crate::cases::beijing_now;
use crate::{App, AppError, AppResult};

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

impl App {
    /// Every agency, for the portal's home page.
    pub async fn portal_agencies(&self) -> AppResult<Vec<AgencyRow>> {
        Ok(self.db.agencies().await?)
    }

    /// An agency's public page (D-01, P-06): its officers and legal reviewers in post with
    /// their certificates; auxiliary staff enforce nothing and are not listed (P-03).
    pub async fn portal_agency(&self, id: Uuid) -> AppResult<PublicAgency> {
        let (agency, _) = self.db.load_agency(id).await?.ok_or(AppError::NotFound("执法机关"))?;
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

    /// A certificate by its number (D-04); `None` when no certificate has that number.
    /// A number that cannot be one is refused with what to fix.
    pub async fn portal_certificate(&self, number: &str) -> AppResult<Option<PublicCertificate>> {
        let number = check_certificate_number(number)?;
        Ok(self.db.certificate(&number).await?.map(PublicCertificate::new))
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
