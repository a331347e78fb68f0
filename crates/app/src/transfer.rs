//! Transfers to criminal justice (行刑衔接, rule V-02): flagging a case as a suspected
//! crime, recording its transfer to the public security organ and the organ's answer, and
//! the list of flagged cases that supervisors and agencies follow. Each write authorizes,
//! loads the case, lets `zhifa_core::case::transfer` decide, and appends to the case's
//! stream with its expected version; the closure gate itself (`closure_gaps`) is the core's,
//! reached through `complete_stage`.
//!
//! Who: the flag is raised by an officer assigned to the case, a head of its agency or one
//! of the agency's legal reviewers (who may see it in review); the transfer and the answer
//! are recorded by the handling side only — an assigned officer or a head.
//!
//! **The list's cost:** no projection records which cases are flagged, so [`App::transfers`]
//! folds every case in the principal's scope (an agency's, or the county's for the judicial
//! bureau) at each request — one stream read per case. Fine for a county's few thousand
//! cases; when that grows, a `transfer_state` column projected on the `cases` rows picks
//! the candidates instead.

use chrono::NaiveDate;
use uuid::Uuid;
use zhifa_core::access::{AccessError, Principal, Role};
use zhifa_core::case::review::Signer;
use zhifa_core::case::transfer::{
    CrimeFlag, NewTransfer, Transfer, TransferOutcome, TransferState, decide_flag, decide_outcome, decide_transfer,
};
use zhifa_core::case::{Case, CaseEvent};
use zhifa_core::events::{Actor, stream};
use zhifa_store::ExpectedVersion;
use zhifa_store::cases::CaseRow;

use crate::cases::beijing_now;
use crate::{App, AppError, AppResult};

/// Where a flagged case's transfer stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransferStatus {
    /// Flagged, not transferred yet.
    Flagged,
    /// Transferred, no answer yet, for this many (natural) days.
    Awaiting { days: i64 },
    /// 立案侦查.
    Accepted,
    /// 不予立案.
    NotAccepted,
    /// 退回依法处理.
    Returned,
}

impl TransferStatus {
    pub fn of(state: &TransferState, today: NaiveDate) -> Self {
        match state.last() {
            None => TransferStatus::Flagged,
            Some(t) => match &t.outcome {
                None => TransferStatus::Awaiting { days: (today - t.on).num_days().max(0) },
                Some((_, TransferOutcome::Accepted)) => TransferStatus::Accepted,
                Some((_, TransferOutcome::NotAccepted { .. })) => TransferStatus::NotAccepted,
                Some((_, TransferOutcome::ReturnedForAdministrativeHandling { .. })) => TransferStatus::Returned,
            },
        }
    }

    /// In Chinese, for the list and its CSV.
    pub fn label(self) -> String {
        match self {
            TransferStatus::Flagged => "已标记涉嫌犯罪，尚未移送".into(),
            TransferStatus::Awaiting { days } => format!("已移送，待公安机关答复（已{days}日）"),
            TransferStatus::Accepted => "公安机关已立案侦查".into(),
            TransferStatus::NotAccepted => "公安机关不予立案".into(),
            TransferStatus::Returned => "退回行政机关依法处理".into(),
        }
    }

    /// Whether the agency still has something to do or wait for: not transferred, or
    /// transferred and unanswered.
    pub fn open(self) -> bool {
        matches!(self, TransferStatus::Flagged | TransferStatus::Awaiting { .. })
    }
}

/// One flagged case in the supervisors' list.
#[derive(Debug, Clone)]
pub struct TransferLine {
    pub case: CaseRow,
    pub agency_name: String,
    pub flag: CrimeFlag,
    /// The last transfer with its answer, if any.
    pub last: Option<Transfer>,
    pub transfers: usize,
    pub status: TransferStatus,
}

impl App {
    async fn transfer_load(&self, id: Uuid) -> AppResult<(Case, ExpectedVersion)> {
        let (case, version, _) = self.db.load_case(id).await?.ok_or(AppError::NotFound("案件"))?;
        Ok((case, version))
    }

    fn signer(by: &Principal) -> Signer {
        Signer { account_id: by.account_id, name: by.display_name.clone() }
    }

    async fn append_transfer(&self, by: &Principal, id: Uuid, version: ExpectedVersion, e: CaseEvent) -> AppResult<()> {
        self.db.append_to(&Actor::from(by), &stream::case(id), version, vec![e.into()]).await?;
        Ok(())
    }

    /// Flags the case as a suspected crime (涉嫌犯罪), with the facts and reasons: an
    /// assigned officer, a head or a legal reviewer of the case's agency.
    pub async fn flag_suspected_crime(&self, by: &Principal, case_id: Uuid, reason: &str) -> AppResult<()> {
        let (case, version) = if by.role == Role::LegalReviewer {
            let (case, version) = self.transfer_load(case_id).await?;
            if by.agency_id != Some(case.opening.agency_id) {
                return Err(AccessError::OtherAgency.into());
            }
            (case, version)
        } else {
            self.load_for_write(by, case_id).await?
        };
        let event = decide_flag(&case, reason, Self::signer(by), beijing_now().date())?;
        self.append_transfer(by, case_id, version, event).await
    }

    /// Records the transfer to the public security organ (移送公安机关); returns its id.
    /// An assigned officer or a head of the case's agency.
    pub async fn record_transfer(&self, by: &Principal, case_id: Uuid, t: NewTransfer) -> AppResult<Uuid> {
        let (case, version) = self.load_for_write(by, case_id).await?;
        let id = t.transfer_id;
        let event = decide_transfer(&case, t, Self::signer(by), beijing_now().date())?;
        self.append_transfer(by, case_id, version, event).await?;
        Ok(id)
    }

    /// Records the organ's answer to the last transfer (立案侦查, 不予立案, 退回依法处理).
    /// An assigned officer or a head of the case's agency.
    pub async fn record_transfer_outcome(
        &self,
        by: &Principal,
        case_id: Uuid,
        on: NaiveDate,
        outcome: TransferOutcome,
    ) -> AppResult<()> {
        let (case, version) = self.load_for_write(by, case_id).await?;
        let event = decide_outcome(&case, on, outcome, Self::signer(by), beijing_now().date())?;
        self.append_transfer(by, case_id, version, event).await
    }

    /// The flagged cases in the principal's scope — every agency's for the judicial
    /// bureau's supervisors and the platform administrator, the own agency's for its staff
    /// (not auxiliaries) — open ones first (longest waiting first), then by flag date.
    /// Folds every case in scope: see the module's note on the cost.
    pub async fn transfers(&self, by: &Principal) -> AppResult<Vec<TransferLine>> {
        let rows = match crate::supervision::scope(by)? {
            None => self.db.all_cases().await?,
            Some(agency) => self.db.cases_of_agency(agency).await?,
        };
        let names: std::collections::BTreeMap<Uuid, String> =
            self.db.agencies().await?.into_iter().map(|a| (a.id, a.info.name)).collect();
        let today = beijing_now().date();
        let mut out = Vec::new();
        for row in rows {
            let Some((case, ..)) = self.db.load_case(row.id).await? else { continue };
            let t = &case.transfer;
            let Some(flag) = t.flag.clone() else { continue };
            out.push(TransferLine {
                agency_name: names.get(&row.agency_id).cloned().unwrap_or_default(),
                case: row,
                flag,
                last: t.last().cloned(),
                transfers: t.transfers.len(),
                status: TransferStatus::of(t, today),
            });
        }
        out.sort_by_key(|l| {
            let waited = match l.status {
                TransferStatus::Awaiting { days } => -days,
                _ => 0,
            };
            (!l.status.open(), waited, l.flag.on, l.case.number.clone())
        });
        Ok(out)
    }
}
