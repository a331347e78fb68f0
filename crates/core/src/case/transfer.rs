//! Transfers to criminal justice (行刑衔接, rule V-02; 002 三(九)).
//!
//! A case whose facts suggest a crime is flagged ([`TransferEvent::SuspectedCrime`]: who,
//! why, when), transferred to the public security organ ([`TransferEvent::Transferred`]:
//! the date, the receiving organ, the materials handed over, the organ's case number when
//! known) and tracked to the organ's answer ([`TransferEvent::OutcomeRecorded`]: accepted,
//! not accepted with its reason, or returned for administrative handling). The events are
//! carried on the case stream as [`CaseEvent::Transfer`] and folded into
//! [`Case::transfer`].
//!
//! **The gate:** [`closure_gaps`], called by `decide_complete_stage` when the closure stage
//! completes: a flagged case that imposed a fine cannot be closed while the police have
//! not sent it back — not transferred, transferred and unanswered, or accepted as a
//! criminal case. A case the police did not accept, or returned for administrative
//! handling, is the agency's again and may be closed with its fine (行政执法机关移送涉嫌
//! 犯罪案件的规定 Art 9, 13). A flag is never withdrawn: the stream keeps it, and only the
//! police's answer releases the gate.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::case::review::{Signer, major};
use crate::case::{Case, CaseEvent, RecordKind};
use crate::money::Money;
use crate::validation::Rejection;

/// What the public security organ answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TransferOutcome {
    /// 立案侦查: the criminal case proceeds.
    Accepted,
    /// 不予立案, with the organ's reason; the case comes back to the agency.
    NotAccepted { reason: String },
    /// 退回行政机关依法处理.
    ReturnedForAdministrativeHandling { reason: String },
}

impl TransferOutcome {
    pub fn label(&self) -> &'static str {
        match self {
            TransferOutcome::Accepted => "公安机关立案侦查",
            TransferOutcome::NotAccepted { .. } => "公安机关不予立案",
            TransferOutcome::ReturnedForAdministrativeHandling { .. } => "退回行政机关依法处理",
        }
    }

    /// Whether the matter is back with the agency, which may then impose its penalty.
    pub fn returned(&self) -> bool {
        !matches!(self, TransferOutcome::Accepted)
    }
}

/// The events of V-02, carried on the case stream as [`CaseEvent::Transfer`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TransferEvent {
    /// The case is flagged as a suspected crime (涉嫌犯罪).
    SuspectedCrime { reason: String, on: NaiveDate, by: Signer },
    /// The case was transferred to the public security organ (移送公安机关).
    Transferred {
        transfer_id: uuid::Uuid,
        on: NaiveDate,
        receiving_organ: String,
        /// The materials handed over, one per entry (移送书、调查报告、证据材料……).
        materials: Vec<String>,
        /// The receiving organ's case number, when it gave one.
        #[serde(default)]
        case_number: Option<String>,
        by: Signer,
    },
    /// The organ's answer to a transfer.
    OutcomeRecorded { transfer_id: uuid::Uuid, on: NaiveDate, outcome: TransferOutcome, by: Signer },
}

impl TransferEvent {
    /// The line of the case's history.
    pub fn title(&self) -> String {
        match self {
            TransferEvent::SuspectedCrime { .. } => "标记为涉嫌犯罪".into(),
            TransferEvent::Transferred { .. } => "移送公安机关".into(),
            TransferEvent::OutcomeRecorded { outcome, .. } => format!("移送结果：{}", outcome.label()),
        }
    }

    pub fn summary(&self) -> String {
        match self {
            TransferEvent::SuspectedCrime { reason, on, by } => format!("{on}，{}：{reason}", by.name),
            TransferEvent::Transferred { on, receiving_organ, materials, case_number, by, .. } => format!(
                "{on}，{}移送{receiving_organ}；材料：{}{}",
                by.name,
                materials.join("、"),
                case_number.as_deref().map(|n| format!("；受案编号{n}")).unwrap_or_default()
            ),
            TransferEvent::OutcomeRecorded { on, outcome, .. } => match outcome {
                TransferOutcome::Accepted => format!("{on}，公安机关立案侦查"),
                TransferOutcome::NotAccepted { reason } => format!("{on}，公安机关不予立案：{reason}"),
                TransferOutcome::ReturnedForAdministrativeHandling { reason } => {
                    format!("{on}，退回行政机关依法处理：{reason}")
                }
            },
        }
    }
}

/// The flag as raised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrimeFlag {
    pub reason: String,
    pub on: NaiveDate,
    pub by: Signer,
}

/// One transfer and its answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transfer {
    pub id: uuid::Uuid,
    pub on: NaiveDate,
    pub receiving_organ: String,
    pub materials: Vec<String>,
    pub case_number: Option<String>,
    pub by: Signer,
    pub outcome: Option<(NaiveDate, TransferOutcome)>,
}

/// The fold of a case's transfer events.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TransferState {
    pub flag: Option<CrimeFlag>,
    pub transfers: Vec<Transfer>,
}

impl TransferState {
    pub fn apply(&mut self, e: &TransferEvent) {
        match e.clone() {
            TransferEvent::SuspectedCrime { reason, on, by } => {
                if self.flag.is_none() {
                    self.flag = Some(CrimeFlag { reason, on, by });
                }
            }
            TransferEvent::Transferred { transfer_id, on, receiving_organ, materials, case_number, by } => self
                .transfers
                .push(Transfer { id: transfer_id, on, receiving_organ, materials, case_number, by, outcome: None }),
            TransferEvent::OutcomeRecorded { transfer_id, on, outcome, .. } => {
                if let Some(t) = self.transfers.iter_mut().find(|t| t.id == transfer_id && t.outcome.is_none()) {
                    t.outcome = Some((on, outcome));
                }
            }
        }
    }

    pub fn flagged(&self) -> bool {
        self.flag.is_some()
    }

    /// The last transfer.
    pub fn last(&self) -> Option<&Transfer> {
        self.transfers.last()
    }

    /// Whether the police sent the matter back: the last transfer was answered with other
    /// than acceptance.
    pub fn returned(&self) -> bool {
        self.last().and_then(|t| t.outcome.as_ref()).is_some_and(|(_, o)| o.returned())
    }

    /// Where the transfer stands, in Chinese, for the case page and supervisors.
    pub fn describe(&self) -> String {
        let Some(flag) = &self.flag else { return "未标记涉嫌犯罪".into() };
        let head = format!("{}由{}标记为涉嫌犯罪（{}）", flag.on, flag.by.name, flag.reason);
        match self.last() {
            None => format!("{head}，尚未移送公安机关"),
            Some(t) => match &t.outcome {
                None => format!("{head}，{}已移送{}，尚无结果", t.on, t.receiving_organ),
                Some((on, o)) => format!("{head}，{}已移送{}，{on}{}", t.on, t.receiving_organ, o.label()),
            },
        }
    }
}

/// The fine the case imposed, if any: a decision document's fine (its field, else its
/// conclusion's "罚款……"), an on-the-spot fine, or — when the document states neither — the
/// fine of the reviewed draft.
pub fn fine_imposed(case: &Case) -> Option<Money> {
    let positive = |m: Option<Money>| m.filter(|m| m.fen() > 0);
    for d in case.records_of(RecordKind::DecisionDocument) {
        let fine = positive(major::parse_amount(d.field("fine")))
            .or_else(|| positive(major::amount_after(d.field("conclusion"), "罚款")));
        if fine.is_some() {
            return fine;
        }
    }
    let spot = case.records_of(RecordKind::OnTheSpotDecision).find_map(|r| positive(r.record.penalty.as_ref()?.fine));
    if spot.is_some() {
        return spot;
    }
    if case.has(RecordKind::DecisionDocument) {
        return positive(major::proposed_penalty(case).and_then(|p| p.fine));
    }
    None
}

/// **The gate (V-02)**: what keeps a flagged case from being closed with a fine, in
/// Chinese; empty when it may close.
pub fn closure_gaps(case: &Case) -> Vec<String> {
    let t = &case.transfer;
    if !t.flagged() || t.returned() {
        return vec![];
    }
    let Some(fine) = fine_imposed(case) else { return vec![] };
    let why = match t.last() {
        None => "尚未移送公安机关：请先移送并记录移送情况".to_string(),
        Some(x) => match &x.outcome {
            None => format!("已于{}移送{}，尚无处理结果：请待公安机关答复并记录", x.on, x.receiving_organ),
            Some(_) => format!("{}已立案侦查：不得仅以罚款结案", x.receiving_organ),
        },
    };
    vec![format!(
        "本案已标记为涉嫌犯罪（{}），不能以罚款{}结案（V-02，行刑衔接）；{why}。公安机关不予立案或退回依法处理的，记录其结果后方可结案",
        t.flag.as_ref().map(|f| f.reason.as_str()).unwrap_or(""),
        fine
    )]
}

fn open(case: &Case) -> Result<(), Rejection> {
    if case.is_archived() || case.current_stage().is_none() {
        return Err(Rejection::one("case", "案件已结案，不能再记录移送事项"));
    }
    Ok(())
}

/// Flags the case as a suspected crime (who, why, when).
pub fn decide_flag(case: &Case, reason: &str, by: Signer, today: NaiveDate) -> Result<CaseEvent, Rejection> {
    open(case)?;
    if case.transfer.flagged() {
        return Err(Rejection::one("reason", "本案已标记为涉嫌犯罪"));
    }
    let reason = reason.trim();
    if reason.chars().count() < 4 {
        return Err(Rejection::one("reason", "请写明涉嫌犯罪的事实和理由"));
    }
    Ok(CaseEvent::Transfer { event: TransferEvent::SuspectedCrime { reason: reason.into(), on: today, by } })
}

/// What a transfer records.
#[derive(Debug, Clone)]
pub struct NewTransfer {
    pub transfer_id: uuid::Uuid,
    pub on: NaiveDate,
    pub receiving_organ: String,
    pub materials: Vec<String>,
    pub case_number: Option<String>,
}

/// Records the transfer to the public security organ.
pub fn decide_transfer(case: &Case, t: NewTransfer, by: Signer, today: NaiveDate) -> Result<CaseEvent, Rejection> {
    open(case)?;
    let mut r = Rejection::new();
    let Some(flag) = &case.transfer.flag else {
        return Err(Rejection::one("case", "请先将本案标记为涉嫌犯罪，写明理由"));
    };
    if case.transfer.last().is_some_and(|x| x.outcome.is_none()) {
        r.add("case", "上一次移送尚无结果，请先记录公安机关的处理结果");
    }
    r.require("receiving_organ", "接收机关", &t.receiving_organ);
    let materials: Vec<String> = t.materials.iter().map(|m| m.trim().to_string()).filter(|m| !m.is_empty()).collect();
    if materials.is_empty() {
        r.add("materials", "请列明移送的材料（移送书、调查报告、证据材料等）");
    }
    if t.on > today {
        r.add("on", "移送日期不能晚于今天");
    }
    if t.on < flag.on {
        r.add("on", format!("移送日期不能早于标记涉嫌犯罪的日期（{}）", flag.on));
    }
    r.into_result()?;
    Ok(CaseEvent::Transfer {
        event: TransferEvent::Transferred {
            transfer_id: t.transfer_id,
            on: t.on,
            receiving_organ: t.receiving_organ.trim().into(),
            materials,
            case_number: t.case_number.map(|n| n.trim().to_string()).filter(|n| !n.is_empty()),
            by,
        },
    })
}

/// Records the organ's answer to the last transfer.
pub fn decide_outcome(
    case: &Case,
    on: NaiveDate,
    outcome: TransferOutcome,
    by: Signer,
    today: NaiveDate,
) -> Result<CaseEvent, Rejection> {
    if case.is_archived() {
        return Err(Rejection::one("case", "案件已归档，不能再记录移送结果"));
    }
    let Some(t) = case.transfer.last().filter(|t| t.outcome.is_none()) else {
        return Err(Rejection::one("case", "本案没有待答复的移送"));
    };
    let mut r = Rejection::new();
    if on > today || on < t.on {
        r.add("on", format!("结果日期应在移送日期（{}）与今天之间", t.on));
    }
    let outcome = match outcome {
        TransferOutcome::NotAccepted { reason } => TransferOutcome::NotAccepted { reason: reason.trim().into() },
        TransferOutcome::ReturnedForAdministrativeHandling { reason } => {
            TransferOutcome::ReturnedForAdministrativeHandling { reason: reason.trim().into() }
        }
        o => o,
    };
    if let TransferOutcome::NotAccepted { reason } | TransferOutcome::ReturnedForAdministrativeHandling { reason } =
        &outcome
        && reason.is_empty()
    {
        r.add("reason", "请写明公安机关不予立案或退回的理由");
    }
    r.into_result()?;
    Ok(CaseEvent::Transfer { event: TransferEvent::OutcomeRecorded { transfer_id: t.id, on, outcome, by } })
}
