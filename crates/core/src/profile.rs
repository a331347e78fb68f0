//! Policy profiles (rule X-03): the parameters on which the seed jurisdictions disagree,
//! as versioned data with an effective date. Anything computed from a profile records the
//! [`ProfileRef`] (id and version) it used.
//!
//! Periods fixed by national law are not here (see [`crate::law`]); the format rejects
//! unknown keys, so a profile cannot re-define a statutory working-day period as natural
//! days (rule N-01).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::calendar::WorkingDays;
use crate::law;
use crate::money::Money;

/// Which profile version a computation used.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ProfileRef {
    pub id: String,
    pub version: u32,
}

impl std::fmt::Display for ProfileRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}@v{}", self.id, self.version)
    }
}

/// When recorded AV material must be in the system (rule R-11).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AvStoreDeadline {
    /// Natural hours after capture (e.g. 24, 48).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<u32>,
    /// Working days after capture (安乡: 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub working_days: Option<WorkingDays>,
    /// For remote work: hours after the officers' return (安乡: 24).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_hours_after_return: Option<u32>,
}

/// The parameters of the table in RULES.md.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileParams {
    pub reason_giving_mandatory: bool,
    pub predisclosure_update_wd: WorkingDays,
    pub decision_publish_wd: WorkingDays,
    pub other_publish_wd: WorkingDays,
    pub inspection_publish_wd: WorkingDays,
    pub retention_days_org: u32,
    pub retention_days_person: u32,
    pub correction_answer_wd: WorkingDays,
    pub publish_minors: bool,
    pub av_store: AvStoreDeadline,
    pub archive_days: u32,
    pub major_fine_person_fen: Money,
    pub major_fine_org_fen: Money,
    pub review_wd: WorkingDays,
    /// None where the profile has no urgent track (白山乡).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review_urgent_wd: Option<WorkingDays>,
    pub review_extension_wd: WorkingDays,
    pub review_all_decisions: bool,
    pub reasons_request_days: u32,
    pub joint_inspection_min_pct: u32,
    /// Natural days from filing to a penalty decision; at least the statutory 90 (N-02).
    #[serde(default = "default_decision_days")]
    pub decision_days: u32,
}

fn default_decision_days() -> u32 {
    law::DECISION_DAYS
}

/// One version of a policy profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyProfile {
    pub id: String,
    pub name: String,
    pub version: u32,
    pub effective_from: NaiveDate,
    /// The document(s) the values come from.
    pub source: String,
    pub params: ProfileParams,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProfileError {
    #[error("策略配置文件格式错误：{0}")]
    Syntax(String),
    #[error("策略配置参数“{field}”不合法：{reason}")]
    Invalid { field: &'static str, reason: String },
}

impl PolicyProfile {
    pub fn reference(&self) -> ProfileRef {
        ProfileRef { id: self.id.clone(), version: self.version }
    }

    /// Parse and validate a profile file; a malformed file is rejected whole.
    pub fn parse_toml(text: &str) -> Result<Self, ProfileError> {
        let p: PolicyProfile = toml::from_str(text).map_err(|e| ProfileError::Syntax(e.to_string()))?;
        p.validate()?;
        Ok(p)
    }

    pub fn to_toml(&self) -> String {
        toml::to_string(self).expect("profile serialises")
    }

    pub fn validate(&self) -> Result<(), ProfileError> {
        let bad = |field, reason: &str| Err(ProfileError::Invalid { field, reason: reason.to_string() });
        if self.id.is_empty() || !self.id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
            return bad("id", "标识只能由小写字母、数字和连字符组成");
        }
        if self.name.trim().is_empty() {
            return bad("name", "请填写配置名称");
        }
        if self.version == 0 {
            return bad("version", "版本号从1开始");
        }
        let p = &self.params;
        for (field, wd) in [
            ("predisclosure_update_wd", p.predisclosure_update_wd),
            ("decision_publish_wd", p.decision_publish_wd),
            ("other_publish_wd", p.other_publish_wd),
            ("inspection_publish_wd", p.inspection_publish_wd),
            ("correction_answer_wd", p.correction_answer_wd),
            ("review_wd", p.review_wd),
        ] {
            if wd.0 == 0 || wd.0 > 60 {
                return bad(field, "工作日数应在1至60之间");
            }
        }
        if p.retention_days_person == 0 || p.retention_days_org == 0 {
            return bad("retention_days_person", "公示期限必须大于0天");
        }
        if p.publish_minors {
            return bad("publish_minors", "未成年人的执法信息依法不予公开，只能为 false");
        }
        match (p.av_store.hours, p.av_store.working_days) {
            (Some(h), None) if h > 0 => {}
            (None, Some(wd)) if wd.0 > 0 => {}
            _ => return bad("av_store", "请在 hours（小时）与 working_days（工作日）中设置且只设置一个正数"),
        }
        if p.archive_days == 0 {
            return bad("archive_days", "归档期限必须大于0天");
        }
        if p.major_fine_person_fen.fen() <= 0 || p.major_fine_org_fen.fen() <= 0 {
            return bad("major_fine_person_fen", "重大罚款数额必须大于0");
        }
        if p.decision_days < law::DECISION_DAYS {
            return bad("decision_days", "行政处罚法第六十条规定的90日期限不得缩短或改为其他计算方式");
        }
        if p.joint_inspection_min_pct > 100 {
            return bad("joint_inspection_min_pct", "百分比不能超过100");
        }
        Ok(())
    }
}

/// Picks the version of a profile in force on `on`: the latest whose effective date is not
/// after it.
pub fn version_in_force(versions: &[PolicyProfile], on: NaiveDate) -> Option<&PolicyProfile> {
    versions.iter().filter(|p| p.effective_from <= on).max_by_key(|p| (p.effective_from, p.version))
}

/// The profiles shipped with the program, one per seed jurisdiction.
pub fn bundled_profiles() -> Vec<PolicyProfile> {
    BUNDLED.iter().map(|t| PolicyProfile::parse_toml(t).expect("bundled profile is valid")).collect()
}

const BUNDLED: &[&str] = &[
    include_str!("../../../data/profiles/anxiang.toml"),
    include_str!("../../../data/profiles/laizhou.toml"),
    include_str!("../../../data/profiles/fengcheng.toml"),
    include_str!("../../../data/profiles/baishan.toml"),
    include_str!("../../../data/profiles/lingchuan.toml"),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn get(id: &str) -> PolicyProfile {
        bundled_profiles().into_iter().find(|p| p.id == id).unwrap()
    }

    // rule: X-03
    #[test]
    fn bundled_profiles_carry_the_table_of_rules_md() {
        let all = bundled_profiles();
        let ids: Vec<_> = all.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["anxiang", "laizhou", "fengcheng", "baishan", "lingchuan"]);
        let a = get("anxiang").params;
        assert!(a.reason_giving_mandatory);
        assert_eq!(a.predisclosure_update_wd, WorkingDays(15));
        assert_eq!(a.retention_days_person, 183);
        assert_eq!(a.av_store.working_days, Some(WorkingDays(2)));
        assert_eq!(a.av_store.remote_hours_after_return, Some(24));
        assert_eq!(
            (a.review_wd, a.review_urgent_wd, a.review_extension_wd),
            (WorkingDays(3), Some(WorkingDays(1)), WorkingDays(2))
        );
        let b = get("baishan").params;
        assert!(!b.reason_giving_mandatory);
        assert_eq!(b.major_fine_person_fen, Money::from_yuan(2_000));
        assert_eq!(b.major_fine_org_fen, Money::from_yuan(10_000));
        assert_eq!(b.review_urgent_wd, None);
        assert_eq!(b.other_publish_wd, WorkingDays(7));
        assert_eq!(b.av_store.hours, Some(24));
        assert_eq!(b.archive_days, 30);
        let l = get("lingchuan").params;
        assert_eq!((l.retention_days_org, l.retention_days_person), (1095, 365));
        assert_eq!(l.av_store.hours, Some(48));
    }

    // rule: X-03
    #[test]
    fn the_version_in_force_follows_the_effective_date() {
        let v1 = get("baishan");
        let mut v2 = v1.clone();
        v2.version = 2;
        v2.effective_from = "2026-01-01".parse().unwrap();
        v2.params.review_wd = WorkingDays(5);
        let versions = [v1.clone(), v2.clone()];
        assert_eq!(version_in_force(&versions, "2025-12-31".parse().unwrap()).unwrap().version, 1);
        assert_eq!(version_in_force(&versions, "2026-01-01".parse().unwrap()).unwrap().version, 2);
        assert!(version_in_force(&versions, "2000-01-01".parse().unwrap()).is_none());
        assert_eq!(v2.reference().to_string(), "baishan@v2");
    }

    // rule: N-01
    #[test]
    fn a_profile_cannot_turn_statutory_periods_into_natural_days() {
        let base = get("anxiang").to_toml();
        // Any attempt to redefine the law's working-day periods is an unknown key: rejected.
        for key in ["hearing_request_days = 5", "service_natural_days = 7", "decision_service_wd = 10"] {
            let text = base.replacen("[params]", &format!("[params]\n{key}"), 1);
            let err = PolicyProfile::parse_toml(&text).unwrap_err();
            assert!(matches!(err, ProfileError::Syntax(_)), "{key}: {err:?}");
        }
        let shorter = base.replace("decision_days = 90", "decision_days = 60");
        assert!(PolicyProfile::parse_toml(&shorter).unwrap_err().to_string().contains("90日"));
        // The statutory periods themselves are working days.
        assert_eq!(law::HEARING_REQUEST, WorkingDays(5));
        assert_eq!(law::DECISION_SERVICE, WorkingDays(7));
    }

    #[test]
    fn invalid_values_name_the_parameter() {
        let text = get("laizhou").to_toml().replace("publish_minors = false", "publish_minors = true");
        let err = PolicyProfile::parse_toml(&text).unwrap_err();
        assert_eq!(
            err,
            ProfileError::Invalid {
                field: "publish_minors",
                reason: "未成年人的执法信息依法不予公开，只能为 false".into()
            }
        );
        let both = get("laizhou")
            .to_toml()
            .replace("[params.av_store]\nhours = 48", "[params.av_store]\nhours = 48\nworking_days = 2");
        assert!(PolicyProfile::parse_toml(&both).unwrap_err().to_string().contains("av_store"));
    }
}
