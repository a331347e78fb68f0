//! Officers (执法人员), auxiliaries, legal reviewers and their certificates
//! (rules P-01…P-05).
//!
//! An officer is an event stream (`officer:<id>`); [`Officer`] is its fold. Whether a
//! person may perform an enforcement act on a date is answered by [`Officer::assignable_on`],
//! which every later assignment (cases, inspections) goes through.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::ids::CitizenId;
use crate::registry::{Agency, UnitKind};
use crate::validation::Rejection;

/// What kind of staff a person is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StaffKind {
    /// 行政执法人员: may hold a certificate and act.
    Officer,
    /// 执法辅助人员: may assist, never counts, never acts alone (P-03).
    Auxiliary,
    /// 法制审核人员: reviews; may not perform enforcement (P-05).
    LegalReviewer,
}

impl StaffKind {
    pub const ALL: [StaffKind; 3] = [StaffKind::Officer, StaffKind::Auxiliary, StaffKind::LegalReviewer];

    pub fn label(self) -> &'static str {
        match self {
            StaffKind::Officer => "行政执法人员",
            StaffKind::Auxiliary => "执法辅助人员",
            StaffKind::LegalReviewer => "法制审核人员",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            StaffKind::Officer => "officer",
            StaffKind::Auxiliary => "auxiliary",
            StaffKind::LegalReviewer => "legal_reviewer",
        }
    }

    pub fn parse(s: &str) -> Option<StaffKind> {
        let s = s.trim();
        StaffKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s || k.label() == s || k.label().trim_start_matches("行政") == s)
    }
}

/// Why someone left the post (P-04).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeaveReason {
    Transfer,
    Dismissal,
    Resignation,
    Retirement,
}

impl LeaveReason {
    pub const ALL: [LeaveReason; 4] =
        [LeaveReason::Transfer, LeaveReason::Dismissal, LeaveReason::Resignation, LeaveReason::Retirement];

    pub fn label(self) -> &'static str {
        match self {
            LeaveReason::Transfer => "调离",
            LeaveReason::Dismissal => "辞退或开除",
            LeaveReason::Resignation => "辞职",
            LeaveReason::Retirement => "退休",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            LeaveReason::Transfer => "transfer",
            LeaveReason::Dismissal => "dismissal",
            LeaveReason::Resignation => "resignation",
            LeaveReason::Retirement => "retirement",
        }
    }

    pub fn parse(s: &str) -> Option<LeaveReason> {
        LeaveReason::ALL.into_iter().find(|r| r.as_str() == s || r.label() == s)
    }
}

/// A 行政执法证.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Certificate {
    pub number: String,
    /// 执法类别, e.g. 市场监管、统计.
    pub category: String,
    /// 执法区域/范围.
    pub scope: String,
    pub issued_on: NaiveDate,
    pub expires_on: NaiveDate,
    /// Revoked from this date on (inclusive), with the reason.
    pub revoked: Option<(NaiveDate, String)>,
}

/// The status of a certificate on a date, as the public verification page shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CertificateStatus {
    NotYetValid,
    Valid,
    Expired,
    Revoked,
}

impl CertificateStatus {
    pub fn label(self) -> &'static str {
        match self {
            CertificateStatus::NotYetValid => "尚未生效",
            CertificateStatus::Valid => "有效",
            CertificateStatus::Expired => "已过期",
            CertificateStatus::Revoked => "已注销",
        }
    }
}

impl Certificate {
    pub fn status_on(&self, d: NaiveDate) -> CertificateStatus {
        match &self.revoked {
            Some((from, _)) if *from <= d => CertificateStatus::Revoked,
            _ if d < self.issued_on => CertificateStatus::NotYetValid,
            _ if d > self.expires_on => CertificateStatus::Expired,
            _ => CertificateStatus::Valid,
        }
    }

    pub fn is_valid_on(&self, d: NaiveDate) -> bool {
        self.status_on(d) == CertificateStatus::Valid
    }

    /// Validates the fields a person typed.
    pub fn validate(&self) -> Result<(), Rejection> {
        let mut r = Rejection::new();
        let n = self.number.trim();
        if n.is_empty() {
            r.add("certificate.number", "请填写执法证号");
        } else if n.chars().count() > 32 || !n.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            r.add("certificate.number", "执法证号只能由字母、数字和连字符组成，最长32位");
        }
        r.require("certificate.category", "执法类别", &self.category);
        r.require("certificate.scope", "执法区域", &self.scope);
        if self.expires_on <= self.issued_on {
            r.add(
                "certificate.expires_on",
                format!("有效期至（{}）必须晚于发证日期（{}）", self.expires_on, self.issued_on),
            );
        }
        r.into_result()
    }
}

/// Who a person is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfficerProfile {
    pub agency_id: Uuid,
    pub unit_id: Uuid,
    pub name: String,
    pub citizen_id: CitizenId,
    pub kind: StaffKind,
    /// 职务 / 岗位
    pub position: String,
    pub phone: String,
}

/// Events of an officer stream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum OfficerEvent {
    OfficerRegistered {
        officer_id: Uuid,
        profile: OfficerProfile,
    },
    CertificateIssued {
        certificate: Certificate,
    },
    CertificateRevoked {
        number: String,
        on: NaiveDate,
        reason: String,
    },
    OfficerLeftPost {
        on: NaiveDate,
        reason: LeaveReason,
        note: String,
    },
    /// The officer declared a conflict of interest with a party (回避, N-06).
    ConflictDeclared {
        conflict: Conflict,
    },
}

/// A declared conflict of interest with a party (N-06): the party's identity number (or
/// name when it has none), and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conflict {
    pub party_key: String,
    pub party_name: String,
    pub reason: String,
    pub declared_on: NaiveDate,
}

/// Why a person may not perform an enforcement act.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AssignError {
    #[error("{0}是执法辅助人员，不能作为执法人员实施执法行为，只能协助")]
    Auxiliary(String),
    #[error("{0}是法制审核人员，不得从事执法工作")]
    LegalReviewer(String),
    #[error("{name}已于{on}离岗（{reason}），执法证自该日起注销")]
    LeftPost { name: String, on: NaiveDate, reason: &'static str },
    #[error("{name}在{on}没有有效的行政执法证（{detail}）")]
    NoValidCertificate { name: String, on: NaiveDate, detail: String },
}

/// An officer: the fold of the stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Officer {
    pub id: Uuid,
    pub profile: OfficerProfile,
    pub certificates: Vec<Certificate>,
    pub left_post: Option<(NaiveDate, LeaveReason, String)>,
    pub conflicts: Vec<Conflict>,
}

impl Officer {
    /// Folds a stream; `None` before the registration event.
    pub fn fold<'a>(events: impl IntoIterator<Item = &'a OfficerEvent>) -> Option<Self> {
        let mut me: Option<Officer> = None;
        for e in events {
            match (e, me.as_mut()) {
                (OfficerEvent::OfficerRegistered { officer_id, profile }, None) => {
                    me = Some(Officer {
                        id: *officer_id,
                        profile: profile.clone(),
                        certificates: vec![],
                        left_post: None,
                        conflicts: vec![],
                    });
                }
                (_, Some(o)) => o.apply(e),
                _ => {}
            }
        }
        me
    }

    pub fn apply(&mut self, event: &OfficerEvent) {
        match event {
            OfficerEvent::OfficerRegistered { profile, .. } => self.profile = profile.clone(),
            OfficerEvent::CertificateIssued { certificate } => self.certificates.push(certificate.clone()),
            OfficerEvent::CertificateRevoked { number, on, reason } => {
                if let Some(c) = self.certificates.iter_mut().find(|c| &c.number == number) {
                    c.revoked = Some((*on, reason.clone()));
                }
            }
            OfficerEvent::OfficerLeftPost { on, reason, note } => self.left_post = Some((*on, *reason, note.clone())),
            OfficerEvent::ConflictDeclared { conflict } => self.conflicts.push(conflict.clone()),
        }
    }

    /// The certificate that lets this person act on `on`, or why there is none
    /// (P-01, P-03, P-04, P-05).
    pub fn assignable_on(&self, on: NaiveDate) -> Result<&Certificate, AssignError> {
        let name = self.profile.name.clone();
        match self.profile.kind {
            StaffKind::Auxiliary => return Err(AssignError::Auxiliary(name)),
            StaffKind::LegalReviewer => return Err(AssignError::LegalReviewer(name)),
            StaffKind::Officer => {}
        }
        if let Some((left, reason, _)) = &self.left_post
            && *left <= on
        {
            return Err(AssignError::LeftPost { name, on: *left, reason: reason.label() });
        }
        if let Some(c) = self.certificates.iter().find(|c| c.is_valid_on(on)) {
            return Ok(c);
        }
        let detail = match self.certificates.last() {
            None => "未持证".to_string(),
            Some(c) => format!("证号{}：{}", c.number, c.status_on(on).label()),
        };
        Err(AssignError::NoValidCertificate { name, on, detail })
    }

    /// Validates a registration against the agency (P-05: reviewers sit in the legal unit,
    /// officers and auxiliaries in handling units).
    pub fn decide_register(agency: &Agency, profile: OfficerProfile) -> Result<OfficerEvent, Rejection> {
        let mut r = Rejection::new();
        r.require("name", "姓名", &profile.name);
        match agency.unit(profile.unit_id) {
            None => r.add("unit_id", "请选择本机关的内设机构"),
            Some(u) => match (profile.kind, u.kind) {
                (StaffKind::LegalReviewer, UnitKind::Handling) => {
                    r.add("unit_id", format!("法制审核人员应在法制机构，“{}”是承办机构", u.name))
                }
                (StaffKind::Officer | StaffKind::Auxiliary, UnitKind::Legal) => {
                    r.add("unit_id", format!("“{}”是法制机构，不得承担执法工作；请选择承办机构", u.name))
                }
                _ => {}
            },
        }
        if profile.agency_id != agency.id {
            r.add("agency_id", "所属机关与内设机构不一致");
        }
        r.into_result()?;
        Ok(OfficerEvent::OfficerRegistered { officer_id: Uuid::new_v4(), profile })
    }

    /// Issues a certificate. `number_taken` says whether the number is already in use.
    pub fn decide_issue(&self, certificate: Certificate, number_taken: bool) -> Result<OfficerEvent, Rejection> {
        let mut r = match certificate.validate() {
            Ok(()) => Rejection::new(),
            Err(r) => r,
        };
        if self.profile.kind == StaffKind::Auxiliary {
            r.add("certificate.number", "执法辅助人员不得持有行政执法证");
        }
        if number_taken {
            r.add("certificate.number", format!("执法证号{}已被使用", certificate.number.trim()));
        }
        if let Some((left, ..)) = &self.left_post {
            r.add("certificate.issued_on", format!("{}已于{}离岗，不能再发证", self.profile.name, left));
        }
        r.into_result()?;
        Ok(OfficerEvent::CertificateIssued {
            certificate: Certificate { number: certificate.number.trim().to_string(), ..certificate },
        })
    }

    pub fn decide_revoke(&self, number: &str, on: NaiveDate, reason: &str) -> Result<OfficerEvent, Rejection> {
        let Some(c) = self.certificates.iter().find(|c| c.number == number) else {
            return Err(Rejection::one("number", format!("{}没有证号为{}的执法证", self.profile.name, number)));
        };
        if c.revoked.is_some() {
            return Err(Rejection::one("number", format!("执法证{number}已注销")));
        }
        if reason.trim().is_empty() {
            return Err(Rejection::one("reason", "请填写注销原因"));
        }
        Ok(OfficerEvent::CertificateRevoked { number: number.to_string(), on, reason: reason.trim().to_string() })
    }

    /// The declared conflict naming the party by any of these keys (identity number or
    /// name), if any (N-06).
    pub fn conflict_with<S: AsRef<str>>(&self, party_keys: &[S]) -> Option<&Conflict> {
        self.conflicts.iter().find(|c| {
            let declared = c.party_key.trim().to_uppercase();
            let name = c.party_name.trim();
            party_keys
                .iter()
                .map(|k| k.as_ref().trim().to_uppercase())
                .any(|k| !k.is_empty() && (k == declared || (!name.is_empty() && k == name.to_uppercase())))
        })
    }

    /// Declares a conflict with a party (N-06).
    pub fn decide_declare_conflict(&self, conflict: Conflict) -> Result<OfficerEvent, Rejection> {
        let mut r = Rejection::new();
        r.require("party_key", "当事人身份证号码、统一社会信用代码或名称", &conflict.party_key);
        r.require("reason", "回避理由", &conflict.reason);
        if self.conflict_with(&[conflict.party_key.as_str()]).is_some() {
            r.add("party_key", format!("{}已申报与该当事人的回避事由", self.profile.name));
        }
        r.into_result()?;
        Ok(OfficerEvent::ConflictDeclared {
            conflict: Conflict {
                party_key: conflict.party_key.trim().to_string(),
                party_name: conflict.party_name.trim().to_string(),
                reason: conflict.reason.trim().to_string(),
                ..conflict
            },
        })
    }

    /// Leaving the post revokes every certificate not yet revoked, from that date (P-04).
    pub fn decide_leave(&self, on: NaiveDate, reason: LeaveReason, note: &str) -> Result<Vec<OfficerEvent>, Rejection> {
        if self.left_post.is_some() {
            return Err(Rejection::one("on", format!("{}已办理离岗", self.profile.name)));
        }
        let mut events = vec![OfficerEvent::OfficerLeftPost { on, reason, note: note.trim().to_string() }];
        for c in self.certificates.iter().filter(|c| c.revoked.is_none()) {
            events.push(OfficerEvent::CertificateRevoked {
                number: c.number.clone(),
                on,
                reason: format!("{}，执法证自{}起注销", reason.label(), on),
            });
        }
        Ok(events)
    }
}

/// Checks the officers named for an on-site act: at least `min` distinct people who may act
/// on that date (P-01, P-02), auxiliaries attached but not counted (P-03). Returns the
/// certificate numbers to record.
pub fn check_act_officers(
    officers: &[&Officer],
    auxiliaries: &[&Officer],
    on: NaiveDate,
    min: usize,
) -> Result<Vec<String>, Rejection> {
    let mut r = Rejection::new();
    let mut numbers = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for o in officers {
        if !seen.insert(o.id) {
            r.add("officers", format!("{}重复列出", o.profile.name));
            continue;
        }
        match o.assignable_on(on) {
            Ok(c) => numbers.push(c.number.clone()),
            Err(e) => r.add("officers", e.to_string()),
        }
    }
    for a in auxiliaries {
        if a.profile.kind != StaffKind::Auxiliary {
            r.add("auxiliaries", format!("{}不是执法辅助人员", a.profile.name));
        }
    }
    if r.is_empty() && numbers.len() < min {
        r.add("officers", format!("执法人员不得少于{min}人且须持有有效执法证；执法辅助人员不计入人数"));
    }
    r.into_result().map(|()| numbers)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::{AgencyEvent, Unit};

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn agency() -> Agency {
        let mut a = Agency { id: Uuid::new_v4(), ..Default::default() };
        for (name, kind) in [("执法大队", UnitKind::Handling), ("法制股", UnitKind::Legal)] {
            a.apply(&AgencyEvent::UnitAdded {
                unit: Unit { id: Uuid::new_v4(), name: name.into(), kind, duties: String::new() },
            });
        }
        a
    }

    fn person(a: &Agency, name: &str, kind: StaffKind) -> Officer {
        let unit = if kind == StaffKind::LegalReviewer { a.units[1].id } else { a.units[0].id };
        let first17 = "43072119850312001";
        let id = format!("{first17}{}", CitizenId::check_digit(first17.as_bytes()));
        let profile = OfficerProfile {
            agency_id: a.id,
            unit_id: unit,
            name: name.into(),
            citizen_id: CitizenId::parse(&id).unwrap(),
            kind,
            position: String::new(),
            phone: String::new(),
        };
        Officer::fold([&Officer::decide_register(a, profile).unwrap()]).unwrap()
    }

    fn cert(number: &str) -> Certificate {
        Certificate {
            number: number.into(),
            category: "市场监管".into(),
            scope: "安乡县".into(),
            issued_on: d("2024-01-01"),
            expires_on: d("2026-12-31"),
            revoked: None,
        }
    }

    // rule: P-01
    #[test]
    fn only_a_valid_certificate_holder_may_act() {
        let a = agency();
        let mut o = person(&a, "李明", StaffKind::Officer);
        assert!(matches!(o.assignable_on(d("2025-03-01")), Err(AssignError::NoValidCertificate { .. })));
        o.apply(&o.decide_issue(cert("43070012345"), false).unwrap());
        assert_eq!(o.assignable_on(d("2025-03-01")).unwrap().number, "43070012345");
        assert!(o.assignable_on(d("2023-12-31")).is_err(), "before issue");
        let expired = o.assignable_on(d("2027-01-01")).unwrap_err().to_string();
        assert!(expired.contains("已过期"), "{expired}");
        o.apply(&o.decide_revoke("43070012345", d("2025-06-01"), "违纪").unwrap());
        assert!(o.assignable_on(d("2025-05-31")).is_ok(), "valid until revocation");
        assert!(o.assignable_on(d("2025-06-01")).unwrap_err().to_string().contains("已注销"));
        // Duplicate numbers and bad dates are refused.
        assert!(o.decide_issue(cert("43070012345"), true).unwrap_err().to_string().contains("已被使用"));
        let mut bad = cert("X1");
        bad.expires_on = d("2023-01-01");
        assert!(o.decide_issue(bad, false).unwrap_err().message_for("certificate.expires_on").is_some());
    }

    // rule: P-02, P-03
    #[test]
    fn auxiliaries_never_count_nor_hold_certificates() {
        let a = agency();
        let aux = person(&a, "王辅", StaffKind::Auxiliary);
        assert!(matches!(aux.assignable_on(d("2025-03-01")), Err(AssignError::Auxiliary(_))));
        assert!(aux.decide_issue(cert("A1"), false).is_err());
        let mut o = person(&a, "李明", StaffKind::Officer);
        o.apply(&o.decide_issue(cert("C1"), false).unwrap());
        // One officer plus one auxiliary is not two officers.
        let err = check_act_officers(&[&o], &[&aux], d("2025-03-01"), 2).unwrap_err();
        assert!(err.to_string().contains("执法辅助人员不计入"), "{err}");
        // Listing the auxiliary as an officer is refused outright.
        assert!(check_act_officers(&[&o, &aux], &[], d("2025-03-01"), 2).is_err());
        let mut o2 = person(&a, "张华", StaffKind::Officer);
        o2.apply(&o2.decide_issue(cert("C2"), false).unwrap());
        assert_eq!(check_act_officers(&[&o, &o2], &[&aux], d("2025-03-01"), 2).unwrap(), ["C1", "C2"]);
    }

    // rule: P-04
    #[test]
    fn leaving_the_post_revokes_from_that_date() {
        let a = agency();
        let mut o = person(&a, "李明", StaffKind::Officer);
        o.apply(&o.decide_issue(cert("C1"), false).unwrap());
        let events = o.decide_leave(d("2025-07-01"), LeaveReason::Retirement, "").unwrap();
        assert_eq!(events.len(), 2, "left post + certificate revoked");
        for e in &events {
            o.apply(e);
        }
        assert!(o.assignable_on(d("2025-06-30")).is_ok());
        assert!(matches!(o.assignable_on(d("2025-07-01")), Err(AssignError::LeftPost { .. })));
        assert_eq!(o.certificates[0].status_on(d("2025-07-01")), CertificateStatus::Revoked);
        assert!(o.decide_issue(cert("C9"), false).is_err(), "no new certificate after leaving");
    }

    // rule: P-05
    #[test]
    fn legal_reviewers_do_not_enforce_and_sit_in_the_legal_unit() {
        let a = agency();
        let mut r = person(&a, "赵审", StaffKind::LegalReviewer);
        r.apply(&r.decide_issue(cert("L1"), false).unwrap());
        assert!(matches!(r.assignable_on(d("2025-03-01")), Err(AssignError::LegalReviewer(_))));
        let mut profile = r.profile.clone();
        profile.unit_id = a.units[0].id;
        let err = Officer::decide_register(&a, profile).unwrap_err();
        assert!(err.message_for("unit_id").unwrap().contains("法制机构"));
        let mut officer = person(&a, "李明", StaffKind::Officer).profile;
        officer.unit_id = a.units[1].id;
        assert!(
            Officer::decide_register(&a, officer).unwrap_err().message_for("unit_id").unwrap().contains("不得承担执法")
        );
    }
}
