//! The events of every stream, and their envelope (rule X-04).
//!
//! Streams are named `<kind>:<key>`: `agency:<uuid>`, `officer:<uuid>`, `account:<uuid>`,
//! `profile:<id>`, `calendar:<year>`, `case:<uuid>`, `access:<case uuid>`,
//! `publication:<record uuid>`, `feedback:<tracking number>`,
//! `randomlist:<agency uuid>`, `plan:<plan uuid>`, `evaluation:<evaluation uuid>`. An
//! event's payload is its JSON form; the store adds the stream version and global position.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::access::{Principal, Role};
use crate::calendar::CalendarYear;
use crate::case::{AccessEvent, CaseEvent};
use crate::disclosure::feedback::FeedbackEvent;
use crate::disclosure::publication::PublicationEvent;
use crate::inspection::{ListEvent, PlanEvent};
use crate::personnel::OfficerEvent;
use crate::profile::PolicyProfile;
use crate::registry::AgencyEvent;
use crate::supervision::evaluation::EvaluationEvent;

/// Who did it, in which role, for which agency, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    /// None for the system itself (migrations, scheduled work, the demo loader).
    pub account_id: Option<Uuid>,
    pub name: String,
    pub role: Option<Role>,
    pub agency_id: Option<Uuid>,
}

impl Actor {
    pub fn system(what: &str) -> Self {
        Self { account_id: None, name: format!("系统（{what}）"), role: None, agency_id: None }
    }
}

impl From<&Principal> for Actor {
    fn from(p: &Principal) -> Self {
        Self {
            account_id: Some(p.account_id),
            name: p.display_name.clone(),
            role: Some(p.role),
            agency_id: p.agency_id,
        }
    }
}

/// Events of account streams. Password hashes are never in events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum AccountEvent {
    AccountCreated {
        account_id: Uuid,
        username: String,
        display_name: String,
        role: Role,
        agency_id: Option<Uuid>,
        officer_id: Option<Uuid>,
    },
    PasswordChanged,
    AccountDisabled {
        reason: String,
    },
}

/// Events of profile streams (`profile:<id>`): each version is published once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum ProfileEvent {
    ProfileVersionPublished { profile: PolicyProfile },
}

/// Events of calendar streams (`calendar:<year>`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum CalendarEvent {
    CalendarYearLoaded { calendar: CalendarYear },
}

/// Any event of the system.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum DomainEvent {
    Agency(AgencyEvent),
    Officer(OfficerEvent),
    Account(AccountEvent),
    Profile(ProfileEvent),
    Calendar(CalendarEvent),
    Case(CaseEvent),
    Access(AccessEvent),
    Publication(PublicationEvent),
    Feedback(FeedbackEvent),
    RandomList(ListEvent),
    Plan(PlanEvent),
    Evaluation(EvaluationEvent),
}

macro_rules! from_event {
    ($($variant:ident($t:ty)),*) => {$(
        impl From<$t> for DomainEvent {
            fn from(e: $t) -> Self { DomainEvent::$variant(e) }
        }
    )*};
}
from_event!(
    Agency(AgencyEvent),
    Officer(OfficerEvent),
    Account(AccountEvent),
    Profile(ProfileEvent),
    Calendar(CalendarEvent),
    Case(CaseEvent),
    Access(AccessEvent),
    Publication(PublicationEvent),
    Feedback(FeedbackEvent),
    RandomList(ListEvent),
    Plan(PlanEvent),
    Evaluation(EvaluationEvent)
);

impl DomainEvent {
    /// The stream kind this event belongs to (the prefix of its stream id).
    pub fn stream_kind(&self) -> &'static str {
        match self {
            DomainEvent::Agency(_) => "agency",
            DomainEvent::Officer(_) => "officer",
            DomainEvent::Account(_) => "account",
            DomainEvent::Profile(_) => "profile",
            DomainEvent::Calendar(_) => "calendar",
            DomainEvent::Case(_) => "case",
            DomainEvent::Access(_) => "access",
            DomainEvent::Publication(_) => "publication",
            DomainEvent::Feedback(_) => "feedback",
            DomainEvent::RandomList(_) => "randomlist",
            DomainEvent::Plan(_) => "plan",
            DomainEvent::Evaluation(_) => "evaluation",
        }
    }

    /// The event's type name, e.g. `CertificateIssued`.
    pub fn type_name(&self) -> String {
        let v = serde_json::to_value(self).expect("events serialise");
        v.get("type").and_then(|t| t.as_str()).unwrap_or("Unknown").to_string()
    }

    /// Decodes a stored payload given its stream kind.
    pub fn decode(stream_kind: &str, payload: &str) -> Result<Self, serde_json::Error> {
        Ok(match stream_kind {
            "agency" => DomainEvent::Agency(serde_json::from_str(payload)?),
            "officer" => DomainEvent::Officer(serde_json::from_str(payload)?),
            "account" => DomainEvent::Account(serde_json::from_str(payload)?),
            "profile" => DomainEvent::Profile(serde_json::from_str(payload)?),
            "calendar" => DomainEvent::Calendar(serde_json::from_str(payload)?),
            "case" => DomainEvent::Case(serde_json::from_str(payload)?),
            "access" => DomainEvent::Access(serde_json::from_str(payload)?),
            "publication" => DomainEvent::Publication(serde_json::from_str(payload)?),
            "feedback" => DomainEvent::Feedback(serde_json::from_str(payload)?),
            "randomlist" => DomainEvent::RandomList(serde_json::from_str(payload)?),
            "plan" => DomainEvent::Plan(serde_json::from_str(payload)?),
            "evaluation" => DomainEvent::Evaluation(serde_json::from_str(payload)?),
            other => return Err(serde::de::Error::custom(format!("unknown stream kind {other}"))),
        })
    }
}

/// An event as stored: envelope plus payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedEvent {
    /// Global position in the store (1-based, gapless order of commit).
    pub position: i64,
    pub stream_id: String,
    /// Version within the stream (1-based).
    pub version: i64,
    pub event_type: String,
    pub event: DomainEvent,
    pub actor: Actor,
    pub recorded_at: DateTime<Utc>,
}

/// Stream ids.
pub mod stream {
    use uuid::Uuid;

    pub fn agency(id: Uuid) -> String {
        format!("agency:{id}")
    }
    pub fn officer(id: Uuid) -> String {
        format!("officer:{id}")
    }
    pub fn account(id: Uuid) -> String {
        format!("account:{id}")
    }
    pub fn profile(id: &str) -> String {
        format!("profile:{id}")
    }
    pub fn calendar(year: i32) -> String {
        format!("calendar:{year}")
    }
    pub fn case(id: Uuid) -> String {
        format!("case:{id}")
    }
    /// The openings of a case's records, apart from the case so reading never
    /// conflicts with writing.
    pub fn access(case: Uuid) -> String {
        format!("access:{case}")
    }
    /// A decision's publication on the portal (D-05…D-09), by the decision's record id.
    pub fn publication(record: Uuid) -> String {
        format!("publication:{record}")
    }
    /// A correction request or complaint from the portal (D-10, D-12), by its tracking
    /// number, so the status page loads the stream directly; a number already taken is an
    /// append conflict and the app draws another.
    pub fn feedback(tracking: &crate::disclosure::feedback::TrackingNumber) -> String {
        format!("feedback:{tracking}")
    }
    /// An agency's random-inspection list and pools (S-01), by agency id.
    pub fn random_list(agency: Uuid) -> String {
        format!("randomlist:{agency}")
    }
    /// A random-inspection plan with its draw and tasks (S-02…S-05), by plan id.
    pub fn inspection_plan(plan: Uuid) -> String {
        format!("plan:{plan}")
    }
    /// A case-file evaluation batch with its selection, scores and rectifications (V-01),
    /// by evaluation id.
    pub fn evaluation(id: Uuid) -> String {
        format!("evaluation:{id}")
    }
    /// The kind prefix of a stream id.
    pub fn kind(stream_id: &str) -> &str {
        stream_id.split(':').next().unwrap_or("")
    }
}
