//! Supervision's tests: the warnings read the rules' own clocks ([`warnings`]), and each
//! problem model flags its offending situation and leaves a clean one alone
//! ([`detectors`]). Cases are folded from events directly: the detectors exist for what got
//! past the gates.

use chrono::{NaiveDate, NaiveDateTime};
use uuid::Uuid;

use super::Subject;
use crate::calendar::{WorkCalendar, bundled_years};
use crate::case::review::{ReviewPolicy, Signer};
use crate::case::transfer::{TransferEvent, TransferOutcome};
use crate::case::{
    ActingOfficer, AvItem, AvMetadata, Case, CaseEvent, CaseOpening, Initiation, LimitationCheck, MediaKind, Party,
    PartyKind, Procedure, Record, RecordKind, Stage, StoredFile,
};
use crate::disclosure::publication::{DecisionNotice, NoticeKind, Publication, PublicationEvent};
use crate::discretion::{Deviation, PenaltyAssessment, PenaltyType, Proposal, Tier};
use crate::ids::CitizenId;
use crate::money::Money;
use crate::personnel::{Certificate, Officer, OfficerProfile, StaffKind};
use crate::profile::{PolicyProfile, bundled_profiles};
use crate::registry::{ActKind, Agency};

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn t(s: &str) -> NaiveDateTime {
    crate::case::kinds::parse_datetime(s).unwrap()
}

fn profile(id: &str) -> PolicyProfile {
    bundled_profiles().into_iter().find(|p| p.id == id).unwrap()
}

fn calendar() -> WorkCalendar {
    WorkCalendar::new(bundled_years())
}

/// A video stored at `stored`, captured at `captured`, of the act `record` when given.
fn video(record: Option<Uuid>, captured: &str, stored: &str) -> AvItem {
    AvItem {
        id: Uuid::new_v4(),
        media: MediaKind::Video,
        file: StoredFile {
            sha256: "ab".repeat(32),
            size: 1,
            media_type: "video/mp4".into(),
            file_name: "a.mp4".into(),
            storage_key: "k".into(),
        },
        meta: AvMetadata {
            record_id: record,
            captured_at: t(captured),
            place: "超市".into(),
            captured_by: "张明".into(),
            production_method: "执法记录仪".into(),
            maker: "张明".into(),
            proves: "现场".into(),
            transcript: String::new(),
            interruptions: vec![],
            interruption_explanation: String::new(),
            remote_return_at: None,
            sensitivity: Default::default(),
        },
        stored_at: t(stored),
        late: None,
    }
}

const AGENCY: Uuid = Uuid::from_u128(7);

fn opened(initiation: Initiation, at: &str, p: &PolicyProfile) -> Case {
    let opening = CaseOpening {
        case_id: Uuid::new_v4(),
        agency_id: AGENCY,
        number: "白市监案〔2025〕3号".into(),
        act_kind: ActKind::Penalty,
        procedure: Procedure::Ordinary,
        initiation,
        party: Party {
            kind: PartyKind::Organisation,
            name: "某某超市".into(),
            id_number: String::new(),
            address: String::new(),
            phone: String::new(),
            representative: String::new(),
            minor: false,
        },
        summary: "销售过期食品".into(),
        item_code: None,
        handling_unit: Uuid::nil(),
        opened_at: t(at),
        officers: vec![],
        auxiliaries: vec![],
        limitation: LimitationCheck::default(),
        profile: p.reference(),
    };
    Case::fold([&CaseEvent::CaseOpened { opening }]).unwrap()
}

fn case() -> Case {
    opened(Initiation::ExOfficio { urgent: false }, "2025-09-01 09:00", &profile("baishan"))
}

fn record(kind: RecordKind, fields: &[(&str, &str)]) -> Record {
    Record {
        id: Uuid::new_v4(),
        kind,
        stage: kind.stage(),
        fields: fields.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        officers: vec![],
        credentials_shown: true,
        auxiliaries: vec![],
        officers_signed: vec![],
        signature: None,
        serves: None,
        form_number: None,
        penalty: None,
        sensitivity: Default::default(),
        assessment: None,
        entered_on: None,
        points: vec![],
        host: None,
    }
}

fn add(case: &mut Case, r: Record) -> Uuid {
    let id = r.id;
    case.apply(&CaseEvent::RecordAdded { record: r });
    id
}

fn complete(case: &mut Case, stage: Stage, on: &str) {
    case.apply(&CaseEvent::StageCompleted { stage, on: d(on) });
}

fn decision(fine: &str) -> Record {
    record(RecordKind::DecisionDocument, &[("fine", fine), ("conclusion", "罚款"), ("decided_on", "2025-09-30")])
}

fn signer() -> Signer {
    Signer { account_id: Uuid::new_v4(), name: "张明".into() }
}

mod detectors;
mod metrics;
mod warnings;
