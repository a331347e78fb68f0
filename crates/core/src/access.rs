//! Roles, principals and who may see what (rule X-05).
//!
//! Two questions are asked of every read: is the data in the account's scope (its own
//! agency, or every agency for the judicial bureau's supervisors and the platform
//! administrator), and is the account's role entitled to the data's sensitivity.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The roles of an account (see GLOSSARY.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 系统管理员: with an agency, administers that agency; without, the whole platform.
    Administrator,
    /// 司法局执法监督人员: supervises every agency of the county.
    Supervisor,
    /// 负责人
    Head,
    /// 法制审核人员
    LegalReviewer,
    /// 执法人员
    Officer,
    /// 执法辅助人员
    Auxiliary,
}

impl Role {
    pub const ALL: [Role; 6] =
        [Role::Administrator, Role::Supervisor, Role::Head, Role::LegalReviewer, Role::Officer, Role::Auxiliary];

    pub fn label(self) -> &'static str {
        match self {
            Role::Administrator => "系统管理员",
            Role::Supervisor => "司法局执法监督人员",
            Role::Head => "负责人",
            Role::LegalReviewer => "法制审核人员",
            Role::Officer => "执法人员",
            Role::Auxiliary => "执法辅助人员",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Administrator => "administrator",
            Role::Supervisor => "supervisor",
            Role::Head => "head",
            Role::LegalReviewer => "legal_reviewer",
            Role::Officer => "officer",
            Role::Auxiliary => "auxiliary",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// How sensitive a piece of content is (密级与隐私标记).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Sensitivity {
    /// May be published.
    Public,
    /// Internal working material (the default).
    #[default]
    Internal,
    /// 个人隐私
    PersonalPrivacy,
    /// 商业秘密
    CommercialSecret,
    /// 国家秘密
    StateSecret,
}

impl Sensitivity {
    pub fn label(self) -> &'static str {
        match self {
            Sensitivity::Public => "可公开",
            Sensitivity::Internal => "内部",
            Sensitivity::PersonalPrivacy => "个人隐私",
            Sensitivity::CommercialSecret => "商业秘密",
            Sensitivity::StateSecret => "国家秘密",
        }
    }

    /// A secret (国家秘密 or 商业秘密): never copied for a party, whoever approves.
    pub fn is_secret(self) -> bool {
        matches!(self, Sensitivity::StateSecret | Sensitivity::CommercialSecret)
    }

    /// Whether content of this sensitivity may ever appear on the public portal.
    pub fn publishable(self) -> bool {
        self == Sensitivity::Public
    }

    /// The roles entitled to content of this sensitivity (within their scope).
    pub fn entitled(self, role: Role) -> bool {
        use Role::*;
        match self {
            Sensitivity::Public | Sensitivity::Internal => true,
            Sensitivity::PersonalPrivacy => !matches!(role, Auxiliary),
            Sensitivity::CommercialSecret => matches!(role, Supervisor | Head | LegalReviewer | Officer),
            Sensitivity::StateSecret => matches!(role, Supervisor | Head | LegalReviewer),
        }
    }
}

/// The account acting: who, in which role, for which agency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Principal {
    pub account_id: Uuid,
    pub display_name: String,
    pub role: Role,
    /// None only for the platform administrator.
    pub agency_id: Option<Uuid>,
}

/// Why access was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccessError {
    #[error("无权访问其他执法机关的数据")]
    OtherAgency,
    #[error("当前角色（{0}）无权查看标记为“{1}”的内容")]
    Sensitivity(&'static str, &'static str),
    #[error("当前角色（{0}）无权执行此操作")]
    Role(&'static str),
}

impl Principal {
    pub fn is_platform_admin(&self) -> bool {
        self.role == Role::Administrator && self.agency_id.is_none()
    }

    /// Read scope: own agency, or everything for supervisors and the platform administrator.
    pub fn can_read_agency(&self, agency: Uuid) -> Result<(), AccessError> {
        if self.role == Role::Supervisor || self.is_platform_admin() || self.agency_id == Some(agency) {
            Ok(())
        } else {
            Err(AccessError::OtherAgency)
        }
    }

    /// Read a piece of content of an agency with a given sensitivity.
    pub fn can_read(&self, agency: Uuid, sensitivity: Sensitivity) -> Result<(), AccessError> {
        self.can_read_agency(agency)?;
        if sensitivity.entitled(self.role) {
            Ok(())
        } else {
            Err(AccessError::Sensitivity(self.role.label(), sensitivity.label()))
        }
    }

    /// Administer an agency's registry (units, officers, certificates, lists): its own
    /// administrator or the platform administrator. Supervisors read but do not edit.
    pub fn can_administer_agency(&self, agency: Uuid) -> Result<(), AccessError> {
        if self.is_platform_admin() || (self.role == Role::Administrator && self.agency_id == Some(agency)) {
            Ok(())
        } else if self.agency_id == Some(agency) {
            Err(AccessError::Role(self.role.label()))
        } else {
            Err(AccessError::OtherAgency)
        }
    }

    /// Platform-wide settings: agencies, profiles, calendars.
    pub fn can_administer_platform(&self) -> Result<(), AccessError> {
        if self.is_platform_admin() { Ok(()) } else { Err(AccessError::Role(self.role.label())) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(role: Role, agency: Option<Uuid>) -> Principal {
        Principal { account_id: Uuid::new_v4(), display_name: "x".into(), role, agency_id: agency }
    }

    // rule: X-05
    #[test]
    fn every_agency_bound_role_is_kept_to_its_agency() {
        let (own, other) = (Uuid::new_v4(), Uuid::new_v4());
        for role in Role::ALL {
            let who = p(role, Some(own));
            assert!(who.can_read_agency(own).is_ok());
            assert!(who.can_administer_agency(other).is_err(), "{role:?} edits another agency");
            if role == Role::Supervisor {
                assert!(who.can_read_agency(other).is_ok());
            } else {
                assert_eq!(who.can_read_agency(other), Err(AccessError::OtherAgency), "{role:?}");
            }
        }
        assert!(p(Role::Administrator, None).can_administer_agency(other).is_ok());
        assert!(p(Role::Administrator, Some(own)).can_administer_platform().is_err());
    }

    // rule: X-05
    #[test]
    fn secrets_and_privacy_only_for_entitled_roles() {
        let a = Uuid::new_v4();
        let read = |role, s| p(role, Some(a)).can_read(a, s).is_ok();
        assert!(!read(Role::Auxiliary, Sensitivity::PersonalPrivacy));
        assert!(read(Role::Officer, Sensitivity::PersonalPrivacy));
        assert!(!read(Role::Officer, Sensitivity::StateSecret));
        assert!(!read(Role::Administrator, Sensitivity::CommercialSecret));
        assert!(read(Role::Head, Sensitivity::StateSecret));
        assert!(read(Role::LegalReviewer, Sensitivity::CommercialSecret));
        for s in [Sensitivity::PersonalPrivacy, Sensitivity::CommercialSecret, Sensitivity::StateSecret] {
            assert!(!s.publishable());
        }
        let msg = p(Role::Auxiliary, Some(a)).can_read(a, Sensitivity::PersonalPrivacy).unwrap_err().to_string();
        assert!(msg.contains("个人隐私"), "{msg}");
    }
}
