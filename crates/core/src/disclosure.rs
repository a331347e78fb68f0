//! What the public disclosure portal may publish, and in which form (rules D-06, D-07, D-13);
//! how and until when decisions are published ([`publication`]: D-05, D-08, D-09); the
//! public's correction requests and complaints about what is published ([`feedback`]: D-10,
//! D-12); the annual statistics generated from the record ([`statistics`]: D-11); the
//! legal unit's approval of the pre-disclosure and its updates after a change of law or
//! duties ([`predisclosure`]: D-02, D-03).
//!
//! Two questions are asked before anything leaves for the portal. First, may this case be
//! published at all ([`withheld`]): a minor party and secret content are never published,
//! whatever is redacted. Second, what must be taken out of a text that is published
//! ([`redact`]): a natural person's ID number, telephone, home address and bank account, and
//! the given name of every natural person. Both are pure so that the reviewer's preview and
//! the publication itself cannot disagree.
//!
//! Process information (internal discussion, approval flow, letters between agencies, D-13)
//! is not a matter of redaction: the portal publishes only the documents D-06 lists, so it
//! never receives them.

use crate::access::Sensitivity;
use crate::case::Party;

pub mod feedback;
pub mod predisclosure;
pub mod publication;
pub mod redact;
pub mod statistics;

pub use redact::{Finding, FindingKind, Redacted, RedactionContext, redact};

/// Why a case's decision must not be published at all, or `None` when it may be published
/// after redaction.
///
/// `sensitivity` is the mark of the content to publish. Personal privacy is no reason to
/// withhold: D-07 allows publication after technical redaction. Secrets are: redacting a
/// state or commercial secret out of a decision would leave a decision that no longer says
/// what was decided, so the law says it is not published.
pub fn withheld(party: &Party, sensitivity: Sensitivity) -> Option<&'static str> {
    if party.minor {
        return Some("当事人为未成年人，依法不予公开");
    }
    match sensitivity {
        Sensitivity::StateSecret => Some("涉及国家秘密，依法不予公开"),
        Sensitivity::CommercialSecret => Some("涉及商业秘密，依法不予公开"),
        Sensitivity::Public | Sensitivity::Internal | Sensitivity::PersonalPrivacy => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::PartyKind;

    fn party(minor: bool) -> Party {
        Party {
            kind: PartyKind::Person,
            name: "张三".into(),
            id_number: String::new(),
            address: String::new(),
            phone: String::new(),
            representative: String::new(),
            minor,
        }
    }

    // rule: D-07
    #[test]
    fn a_minor_party_is_never_published_whatever_the_sensitivity() {
        for s in [Sensitivity::Public, Sensitivity::Internal, Sensitivity::PersonalPrivacy] {
            assert_eq!(withheld(&party(true), s), Some("当事人为未成年人，依法不予公开"));
        }
        assert_eq!(withheld(&party(false), Sensitivity::Public), None);
    }

    // rule: D-07
    #[test]
    fn secrets_are_withheld_but_privacy_is_redacted() {
        assert_eq!(withheld(&party(false), Sensitivity::StateSecret), Some("涉及国家秘密，依法不予公开"));
        assert_eq!(withheld(&party(false), Sensitivity::CommercialSecret), Some("涉及商业秘密，依法不予公开"));
        assert_eq!(withheld(&party(false), Sensitivity::PersonalPrivacy), None);
        assert_eq!(withheld(&party(false), Sensitivity::Internal), None);
    }
}
