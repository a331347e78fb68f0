//! Case services: opening a case, recording acts and AV evidence, approvals, stages,
//! corrections, archiving, and the access log (rules R-01…R-19, P-02, P-03, N-02, N-03,
//! N-06, N-07). Each call authorizes, loads, lets `zhifa_core::case::decide` check the
//! command, and appends the events.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, NaiveDateTime, TimeDelta, Utc};
use uuid::Uuid;
use zhifa_core::Rejection;
use zhifa_core::access::{AccessError, Principal, Role};
use zhifa_core::case::deadlines::{Deadline, deadlines};
use zhifa_core::case::decide::{self, Approver, NewRecord, OpenCase};
use zhifa_core::case::defence::StatementPoint;
use zhifa_core::case::reasons::ReasonsPolicy;
use zhifa_core::case::requirements::missing;
use zhifa_core::case::review::{self, ReviewPolicy};
use zhifa_core::case::{
    AccessEvent, ApprovalStep, AvMetadata, Case, CaseEvent, Initiation, Party, Procedure, RecordKind, Signature,
    SpotPenalty, Stage, StoredFile,
};
use zhifa_core::events::{Actor, DomainEvent, RecordedEvent, stream};
use zhifa_core::personnel::{Conflict, Officer};
use zhifa_core::profile::PolicyProfile;
use zhifa_core::registry::{ActKind, Agency, AvListItem, FormBook};
use zhifa_store::{ExpectedVersion, StoreError};

use crate::{App, AppError, AppResult};

/// Beijing time (UTC+8, no daylight saving), the time every record is kept in.
pub fn beijing_now() -> NaiveDateTime {
    (Utc::now() + TimeDelta::hours(8)).naive_utc()
}

/// What the case-opening form carries.
#[derive(Debug, Clone)]
pub struct OpenCaseInput {
    pub agency_id: Uuid,
    pub act_kind: ActKind,
    pub procedure: Procedure,
    pub initiation: Initiation,
    pub party: Party,
    pub summary: String,
    pub item_code: Option<String>,
    pub handling_unit: Uuid,
    pub officers: Vec<Uuid>,
    pub auxiliaries: Vec<Uuid>,
    pub violation_ended_on: Option<NaiveDate>,
    pub serious_harm: bool,
    pub limitation_override: String,
}

/// What a record form carries.
#[derive(Debug, Clone)]
pub struct RecordInput {
    pub kind: RecordKind,
    pub fields: BTreeMap<String, String>,
    pub officers: Vec<Uuid>,
    pub credentials_shown: bool,
    pub auxiliaries: Vec<Uuid>,
    /// The officers (among `officers`) who signed the record; on-site acts need all.
    pub officers_signed: Vec<Uuid>,
    pub signature: Option<Signature>,
    pub serves: Option<Uuid>,
    pub form_number: Option<String>,
    pub penalty: Option<SpotPenalty>,
    pub sensitivity: zhifa_core::Sensitivity,
    /// The party's points with their answers (G-02): statement and hearing records.
    pub points: Vec<StatementPoint>,
    /// The hearing's host, an officer of the agency (N-05): hearing notices and records.
    pub host: Option<Uuid>,
}

impl RecordInput {
    pub fn new(kind: RecordKind, fields: &[(&str, &str)]) -> Self {
        RecordInput {
            kind,
            fields: fields.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            officers: vec![],
            credentials_shown: false,
            auxiliaries: vec![],
            officers_signed: vec![],
            signature: None,
            serves: None,
            form_number: None,
            penalty: None,
            sensitivity: Default::default(),
            points: vec![],
            host: None,
        }
    }
}

/// A case as its page shows it.
#[derive(Debug, Clone)]
pub struct CaseView {
    pub case: Case,
    pub events: Vec<RecordedEvent>,
    pub agency: Agency,
    pub profile: PolicyProfile,
    pub deadlines: Vec<Deadline>,
    /// What the current stage still lacks (empty when it can be completed).
    pub missing: Vec<String>,
    pub deadline_error: Option<String>,
}

impl App {
    pub(crate) async fn agency_state(&self, id: Uuid) -> AppResult<(Agency, ExpectedVersion)> {
        self.db.load_agency(id).await?.ok_or(AppError::NotFound("执法机关"))
    }

    /// The profile version in force for an agency on a date.
    pub async fn profile_for(&self, agency: &Agency, on: NaiveDate) -> AppResult<PolicyProfile> {
        let versions = self.db.profile_versions(&agency.profile_id).await?;
        zhifa_core::profile::version_in_force(&versions, on).cloned().ok_or_else(|| {
            Rejection::one("profile", format!("策略配置{}在{on}没有生效的版本", agency.profile_id)).into()
        })
    }

    /// The profile version a case was opened under.
    pub(crate) async fn profile_of(&self, case: &Case) -> AppResult<PolicyProfile> {
        let p = &case.opening.profile;
        self.db
            .profile_versions(&p.id)
            .await?
            .into_iter()
            .find(|v| v.version == p.version)
            .ok_or(AppError::NotFound("策略配置版本"))
    }

    /// Officers of the agency by id; an unknown id or another agency's person is refused.
    async fn officers_by_id(&self, agency: Uuid, ids: &[Uuid], field: &str) -> AppResult<Vec<Officer>> {
        let mut out = Vec::new();
        let mut r = Rejection::new();
        for id in ids {
            match self.db.load_officer(*id).await? {
                Some((o, _)) if o.profile.agency_id == agency => out.push(o),
                _ => r.add(field, "所选人员不属于本机关"),
            }
        }
        r.into_result()?;
        Ok(out)
    }

    /// Opens a case; the officer or head of the agency files it (R-01…R-04).
    pub async fn open_case(&self, by: &Principal, input: OpenCaseInput) -> AppResult<Uuid> {
        can_handle(by, input.agency_id)?;
        let (agency, _) = self.agency_state(input.agency_id).await?;
        let now = beijing_now();
        let profile = self.profile_for(&agency, now.date()).await?;
        let officers = self.officers_by_id(agency.id, &input.officers, "officers").await?;
        let aux = self.officers_by_id(agency.id, &input.auxiliaries, "auxiliaries").await?;
        if let Some(code) = input.item_code.as_deref().filter(|c| !c.trim().is_empty())
            && !agency.items.iter().any(|i| i.code == code.trim())
        {
            return Err(Rejection::one("item_code", format!("事项编码“{code}”不在本机关的执法事项清单中")).into());
        }
        for attempt in 0..5 {
            let n = self.db.count_cases_in_year(agency.id, now.year()).await? + 1 + attempt;
            let number = decide::case_number(&agency, now.date(), u32::try_from(n).unwrap_or(u32::MAX));
            let cmd = OpenCase {
                act_kind: input.act_kind,
                procedure: input.procedure,
                initiation: input.initiation,
                party: input.party.clone(),
                summary: input.summary.clone(),
                item_code: input.item_code.clone(),
                handling_unit: input.handling_unit,
                officers: officers.iter().collect(),
                auxiliaries: aux.iter().collect(),
                violation_ended_on: input.violation_ended_on,
                serious_harm: input.serious_harm,
                limitation_override: input.limitation_override.clone(),
            };
            let event = decide::decide_open(&agency, &profile, cmd, number, now)?;
            let CaseEvent::CaseOpened { opening } = &event else { unreachable!("decide_open opens") };
            let id = opening.case_id;
            match self
                .db
                .append_to(&Actor::from(by), &stream::case(id), ExpectedVersion::NoStream, vec![event.into()])
                .await
            {
                Ok(_) => return Ok(id),
                // Another case took the number meanwhile: take the next one.
                Err(StoreError::Duplicate(_)) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(AppError::Conflict("案件编号冲突，请重试".into()))
    }

    async fn load(&self, id: Uuid) -> AppResult<(Case, ExpectedVersion, Vec<RecordedEvent>)> {
        self.db.load_case(id).await?.ok_or(AppError::NotFound("案件"))
    }

    async fn append_case(&self, by: &Principal, id: Uuid, version: ExpectedVersion, event: CaseEvent) -> AppResult<()> {
        self.db.append_to(&Actor::from(by), &stream::case(id), version, vec![event.into()]).await?;
        Ok(())
    }

    /// Opens a case for reading and records the opening (who, when, why: R-18). Reading
    /// needs a stated purpose unless the reader is assigned to the case or has acted in it.
    pub async fn open_case_file(&self, by: &Principal, id: Uuid, purpose: &str) -> AppResult<CaseView> {
        let (case, _, events) = self.load(id).await?;
        by.can_read_agency(case.opening.agency_id)?;
        let purpose = purpose.trim();
        // Who handles the case or has acted in it (a head who approved, a reviewer who
        // reviewed, a head who recorded the collective discussion) reads it for that work;
        // anyone else states why. Either way the opening is logged.
        let purpose = match purpose {
            "" if self.is_assigned(by, &case).await? => "承办人办案查阅",
            "" if events.iter().any(|e| e.actor.account_id == Some(by.account_id)) => {
                "参与办案查阅（曾在本案中审批、审核或制作记录）"
            }
            "" => return Err(Rejection::one("purpose", "请填写调阅事由").into()),
            given => given,
        };
        self.log_access(by, id, None, purpose).await?;
        self.case_view(case, events).await
    }

    /// The case view without logging (used right after a write by the same person).
    pub async fn case_after_write(&self, by: &Principal, id: Uuid) -> AppResult<CaseView> {
        let (case, _, events) = self.load(id).await?;
        by.can_read_agency(case.opening.agency_id)?;
        self.case_view(case, events).await
    }

    async fn case_view(&self, case: Case, events: Vec<RecordedEvent>) -> AppResult<CaseView> {
        let (agency, _) = self.agency_state(case.opening.agency_id).await?;
        let profile = self.profile_of(&case).await?;
        let calendar = self.db.work_calendar().await?;
        let (deadlines, deadline_error) = match deadlines(&case, &profile, &calendar, beijing_now()) {
            Ok(d) => (d, None),
            Err(e) => (vec![], Some(e.to_string())),
        };
        let mut missing =
            case.current_stage().map(|s| missing(&case, s, &agency.av_requirements())).unwrap_or_default();
        // The legal review's gate and the heads' discussion of a major decision (L-02, R-12).
        if case.current_stage() == Some(Stage::Decision) {
            let review = ReviewPolicy { profile: &profile, catalogue: &agency.review_catalogue };
            missing.extend(review::stage_gaps(&case, review));
        }
        // V-02: a flagged case with a fine waits for the police's answer before it closes.
        if case.current_stage() == Some(Stage::Closure) {
            missing.extend(zhifa_core::case::transfer::closure_gaps(&case));
        }
        Ok(CaseView { case, events, agency, profile, deadlines, missing, deadline_error })
    }

    /// Records that a record (or the whole case) was opened, and why.
    pub async fn log_access(&self, by: &Principal, case: Uuid, record: Option<Uuid>, purpose: &str) -> AppResult<()> {
        self.log_access_as(&Actor::from(by), case, record, purpose).await
    }

    /// [`App::log_access`] for any actor, the system included (command-line export).
    pub async fn log_access_as(&self, actor: &Actor, case: Uuid, record: Option<Uuid>, purpose: &str) -> AppResult<()> {
        let event = AccessEvent::RecordOpened { case_id: case, record_id: record, purpose: purpose.to_string() };
        self.append_access(actor, case, event).await
    }

    async fn append_access(&self, actor: &Actor, case: Uuid, event: AccessEvent) -> AppResult<()> {
        // The access stream only grows; a concurrent reader may have taken the next
        // version, so retry on a conflict.
        let s = stream::access(case);
        for _ in 0..5 {
            let v = self.db.stream_version(&s).await?;
            let expected = if v == 0 { ExpectedVersion::NoStream } else { ExpectedVersion::Exact(v) };
            match self.db.append_to(actor, &s, expected, vec![event.clone().into()]).await {
                Ok(_) => return Ok(()),
                Err(StoreError::Conflict { .. }) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(AppError::Conflict("调阅记录写入冲突，请重试".into()))
    }

    /// The access log of a case.
    pub async fn access_log(&self, by: &Principal, case: Uuid) -> AppResult<Vec<(RecordedEvent, AccessEvent)>> {
        let row = self.db.case_row(case).await?.ok_or(AppError::NotFound("案件"))?;
        by.can_read_agency(row.agency_id)?;
        Ok(self.db.access_log(case).await?)
    }

    /// A party's request for copies of named records; it waits for the head's approval, and
    /// records marked secret cannot be requested.
    pub async fn request_copy(
        &self,
        by: &Principal,
        case: Uuid,
        requester: &str,
        records: &[Uuid],
        reason: &str,
    ) -> AppResult<Uuid> {
        let (state, ..) = self.load(case).await?;
        can_handle(by, state.opening.agency_id)?;
        let event = decide::decide_copy_request(&state, requester, records, reason)?;
        let AccessEvent::CopyRequested { request_id, .. } = &event else { unreachable!("a copy request") };
        let request_id = *request_id;
        self.append_access(&Actor::from(by), case, event).await?;
        Ok(request_id)
    }

    /// The head approves or refuses a copy request; secrets are never copied.
    pub async fn decide_copy(
        &self,
        by: &Principal,
        case: Uuid,
        request: Uuid,
        approved: bool,
        opinion: &str,
    ) -> AppResult<()> {
        let (state, ..) = self.load(case).await?;
        by.can_read_agency(state.opening.agency_id)?;
        if by.role != Role::Head || by.agency_id != Some(state.opening.agency_id) {
            return Err(AccessError::Role(by.role.label()).into());
        }
        let log = self.db.access_log(case).await?;
        let Some(asked) = log.iter().find_map(|(_, e)| match e {
            AccessEvent::CopyRequested { request_id, record_ids, .. } if *request_id == request => Some(record_ids),
            _ => None,
        }) else {
            return Err(AppError::NotFound("复制申请"));
        };
        let decided =
            log.iter().any(|(_, e)| matches!(e, AccessEvent::CopyDecided { request_id, .. } if *request_id == request));
        if decided {
            return Err(Rejection::one("request", "该申请已审批").into());
        }
        if opinion.trim().is_empty() {
            return Err(Rejection::one("opinion", "请填写审批意见").into());
        }
        // Secrets are excluded by the system, not by the head's judgement: the records
        // asked for are checked again. A request made before records were named by id names
        // none the system could check, so it cannot be approved; it may be refused.
        if approved && asked.is_empty() {
            return Err(Rejection::one(
                "approved",
                "该申请未逐项列明申请复制的记录，系统无法排除涉密内容，不能同意；请选择“不同意”，并请申请人重新登记复制申请、逐项选择记录",
            )
            .into());
        }
        if approved {
            decide::check_copy_records(&state, asked).into_result()?;
        }
        let event = AccessEvent::CopyDecided { request_id: request, approved, opinion: opinion.trim().into() };
        self.append_access(&Actor::from(by), case, event).await
    }

    async fn is_assigned(&self, by: &Principal, case: &Case) -> AppResult<bool> {
        let officer = self.db.account(by.account_id).await?.and_then(|a| a.officer_id);
        Ok(officer.is_some_and(|o| case.officers.iter().chain(&case.auxiliaries).any(|a| a.officer_id == o)))
    }

    /// Loads a case for a write by an officer assigned to it, or the agency's head.
    pub(crate) async fn load_for_write(&self, by: &Principal, id: Uuid) -> AppResult<(Case, ExpectedVersion)> {
        let (case, version, _) = self.load(id).await?;
        can_handle(by, case.opening.agency_id)?;
        if by.role == Role::Officer && !self.is_assigned(by, &case).await? {
            return Err(Rejection::one("case", "您未被指派办理本案").into());
        }
        Ok((case, version))
    }

    /// Adds a written record to the case.
    pub async fn add_record(&self, by: &Principal, case_id: Uuid, input: RecordInput) -> AppResult<Uuid> {
        let (case, version) = self.load_for_write(by, case_id).await?;
        let agency_id = case.opening.agency_id;
        let officers = self.officers_by_id(agency_id, &input.officers, "officers").await?;
        let aux = self.officers_by_id(agency_id, &input.auxiliaries, "auxiliaries").await?;
        let mut form_problem = None;
        // The agency's discretion benchmarks, for a penalty proposal (B-02).
        let proposal =
            case.opening.act_kind == ActKind::Penalty && zhifa_core::discretion::PROPOSAL_KINDS.contains(&input.kind);
        let benchmarks = if proposal { self.agency_state(agency_id).await?.0.benchmarks } else { vec![] };
        if let Some(n) = input.form_number.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
            let (agency, _) = self.agency_state(agency_id).await?;
            if agency.form_book_of(n).is_none() {
                form_problem = Some(format!("编号{n}不属于本机关已发放的当场处罚决定书"));
            } else if self.db.form_number_used_by(agency_id, n).await?.is_some() {
                form_problem = Some(used(n));
            }
        }
        // A decision document is checked against the legal review (L-02): the case's
        // profile version and the agency's review catalogue.
        let review_parts = if review::issues_decision(input.kind) || input.kind == RecordKind::PriorNotice {
            Some((self.agency_state(agency_id).await?.0, self.profile_of(&case).await?))
        } else {
            None
        };
        // N-05: the hearing's host among the agency's staff, and the working-day calendar.
        let host = match input.host {
            Some(h) => self.officers_by_id(agency_id, &[h], "host").await?.pop(),
            None => None,
        };
        let hearing = matches!(input.kind, RecordKind::HearingRequest | RecordKind::HearingNotice);
        let calendar = if hearing { Some(self.db.work_calendar().await?) } else { None };
        let today = beijing_now().date();
        let cmd = NewRecord {
            kind: input.kind,
            fields: input.fields,
            officers: officers.iter().collect(),
            credentials_shown: input.credentials_shown,
            auxiliaries: aux.iter().collect(),
            officers_signed: input.officers_signed,
            signature: input.signature,
            serves: input.serves,
            form_number: input.form_number.clone(),
            penalty: input.penalty,
            sensitivity: input.sensitivity,
            by_role: Some(by.role),
            benchmarks: &benchmarks,
            review: review_parts.as_ref().map(|(a, p)| ReviewPolicy { profile: p, catalogue: &a.review_catalogue }),
            // G-03: a decision's citations resolve in the agency's basis catalogue.
            basis: review_parts.as_ref().map_or(&[], |(a, _)| &a.basis),
            points: input.points,
            host: host.as_ref(),
            calendar: calendar.as_ref(),
        };
        let event = decide::decide_add_record(&case, cmd, form_problem, today)?;
        let CaseEvent::RecordAdded { record } = &event else { unreachable!("adds a record") };
        let id = record.id;
        match self.db.append_to(&Actor::from(by), &stream::case(case_id), version, vec![event.into()]).await {
            Ok(_) => {
                // D-14: an execution goes to the portal by itself like a decision: prepared
                // now, published after the preview (a decision waits for its issue).
                if input.kind.stage() == zhifa_core::case::Stage::Execution {
                    self.prepare_publication_logged(by, case_id, id).await;
                }
                Ok(id)
            }
            // Two officers used the same form at the same moment: the database's key on
            // form numbers let only one through.
            Err(StoreError::Duplicate(m)) if m.contains("form_numbers_used") => {
                let n = input.form_number.unwrap_or_default();
                Err(Rejection::one("form_number", used(n.trim())).into())
            }
            Err(e) => Err(e.into()),
        }
    }

    /// A record as its correction form shows it: only to those who may correct it (an
    /// assigned officer or the head), only if entitled to its sensitivity, and the opening
    /// is logged.
    pub async fn record_for_correction(
        &self,
        by: &Principal,
        case_id: Uuid,
        record: Uuid,
    ) -> AppResult<zhifa_core::case::RecordState> {
        let (case, _) = self.load_for_write(by, case_id).await?;
        let rec = case.record(record).cloned().ok_or(AppError::NotFound("记录"))?;
        by.can_read(case.opening.agency_id, rec.record.sensitivity)?;
        self.log_access(by, case_id, Some(record), "更正记录").await?;
        Ok(rec)
    }

    /// Corrects a record's fields; the original stays.
    pub async fn correct_record(
        &self,
        by: &Principal,
        case_id: Uuid,
        record: Uuid,
        reason: &str,
        fields: BTreeMap<String, String>,
    ) -> AppResult<()> {
        let (case, version) = self.load_for_write(by, case_id).await?;
        // The record's officers, whose certificates are checked again if the act's date
        // changes (P-02).
        let ids: Vec<Uuid> =
            case.record(record).map(|r| r.record.officers.iter().map(|o| o.officer_id).collect()).unwrap_or_default();
        let officers = self.officers_by_id(case.opening.agency_id, &ids, "officers").await?;
        let officers: Vec<&Officer> = officers.iter().collect();
        let event = decide::decide_correct(&case, record, reason, fields, &officers, beijing_now().date())?;
        self.append_case(by, case_id, version, event).await?;
        // A corrected execution's notice follows it until published (a decision's waits
        // for the corrected decision to be issued again).
        if case.record(record).is_some_and(|r| r.record.kind.stage() == zhifa_core::case::Stage::Execution) {
            self.prepare_publication_logged(by, case_id, record).await;
        }
        Ok(())
    }

    /// Attaches a stored file as AV evidence with its metadata (R-08…R-11).
    pub async fn attach_av(
        &self,
        by: &Principal,
        case_id: Uuid,
        file: StoredFile,
        meta: AvMetadata,
    ) -> AppResult<Uuid> {
        let (case, version) = self.load_for_write(by, case_id).await?;
        let profile = self.profile_of(&case).await?;
        let calendar = self.db.work_calendar().await?;
        let event = decide::decide_attach_av(&case, &profile, &calendar, file, meta, beijing_now())?;
        let CaseEvent::AvAttached { av } = &event else { unreachable!("attaches") };
        let id = av.id;
        self.append_case(by, case_id, version, event).await?;
        Ok(id)
    }

    /// Checks AV metadata before an upload starts, so that nothing is uploaded in vain.
    pub async fn check_av_metadata(&self, by: &Principal, case_id: Uuid, meta: &AvMetadata) -> AppResult<()> {
        let (case, _) = self.load_for_write(by, case_id).await?;
        if case.is_archived() {
            return Err(Rejection::one("case", "案件已归档").into());
        }
        decide::check_av_metadata(&case, meta, beijing_now()).into_result()?;
        Ok(())
    }

    pub async fn correct_av(
        &self,
        by: &Principal,
        case_id: Uuid,
        av: Uuid,
        reason: &str,
        meta: AvMetadata,
    ) -> AppResult<()> {
        let (case, version) = self.load_for_write(by, case_id).await?;
        let event = decide::decide_correct_av(&case, av, reason, meta, beijing_now())?;
        self.append_case(by, case_id, version, event).await
    }

    /// One step of an approval chain.
    pub async fn give_approval(
        &self,
        by: &Principal,
        case_id: Uuid,
        record: Uuid,
        step: ApprovalStep,
        approved: bool,
        opinion: &str,
    ) -> AppResult<()> {
        let (case, version, _) = self.load(case_id).await?;
        can_handle(by, case.opening.agency_id)?;
        let officer_id = self.db.account(by.account_id).await?.and_then(|a| a.officer_id);
        let approver = Approver { account_id: by.account_id, name: by.display_name.clone(), role: by.role, officer_id };
        let event = decide::decide_approval(&case, record, step, approved, opinion, &approver, beijing_now())?;
        self.append_case(by, case_id, version, event).await
    }

    /// Completes the current stage, or lists everything missing.
    pub async fn complete_stage(&self, by: &Principal, case_id: Uuid, stage: Stage) -> AppResult<()> {
        let (case, version) = self.load_for_write(by, case_id).await?;
        let (agency, _) = self.agency_state(case.opening.agency_id).await?;
        let profile = self.profile_of(&case).await?;
        let policy = ReasonsPolicy {
            review: ReviewPolicy { profile: &profile, catalogue: &agency.review_catalogue },
            basis: &agency.basis,
            benchmarks: &agency.benchmarks,
        };
        let event =
            decide::decide_complete_stage(&case, stage, &agency.av_requirements(), policy, beijing_now().date())?;
        self.append_case(by, case_id, version, event).await
    }

    /// Flags the decision as major (the legal review then gates it).
    pub async fn mark_major(&self, by: &Principal, case_id: Uuid, reason: &str) -> AppResult<()> {
        let (case, version) = self.load_for_write(by, case_id).await?;
        let event = decide::decide_mark_major(&case, reason)?;
        self.append_case(by, case_id, version, event).await
    }

    /// Re-assigns the officers of a case (P-02, P-03, N-06).
    pub async fn assign_officers(
        &self,
        by: &Principal,
        case_id: Uuid,
        officers: &[Uuid],
        auxiliaries: &[Uuid],
        reason: &str,
    ) -> AppResult<()> {
        let (case, version, _) = self.load(case_id).await?;
        if by.role != Role::Head || by.agency_id != Some(case.opening.agency_id) {
            return Err(AccessError::Role(by.role.label()).into());
        }
        let o = self.officers_by_id(case.opening.agency_id, officers, "officers").await?;
        let a = self.officers_by_id(case.opening.agency_id, auxiliaries, "auxiliaries").await?;
        let event = decide::decide_assign(
            &case,
            &o.iter().collect::<Vec<_>>(),
            &a.iter().collect::<Vec<_>>(),
            reason,
            beijing_now().date(),
        )?;
        self.append_case(by, case_id, version, event).await
    }

    /// Archives a closed case with its catalogue.
    pub async fn archive_case(&self, by: &Principal, case_id: Uuid) -> AppResult<()> {
        let (case, version) = self.load_for_write(by, case_id).await?;
        let profile = self.profile_of(&case).await?;
        let event = decide::decide_archive(&case, &profile, beijing_now().date())?;
        self.append_case(by, case_id, version, event).await
    }

    /// The cases a principal sees: an officer or auxiliary their own, others their
    /// agency's, supervisors every agency's.
    pub async fn cases_for(&self, by: &Principal) -> AppResult<Vec<zhifa_store::cases::CaseRow>> {
        if by.role == Role::Supervisor || by.is_platform_admin() {
            return Ok(self.db.all_cases().await?);
        }
        let agency = by.agency_id.ok_or(AccessError::OtherAgency)?;
        if matches!(by.role, Role::Officer | Role::Auxiliary) {
            if let Some(officer) = self.db.account(by.account_id).await?.and_then(|a| a.officer_id) {
                return Ok(self.db.cases_of_officer(officer).await?);
            }
            return Ok(vec![]);
        }
        Ok(self.db.cases_of_agency(agency).await?)
    }

    /// An officer declares a conflict with a party (N-06); the officer or an administrator.
    pub async fn declare_conflict(&self, by: &Principal, officer: Uuid, conflict: Conflict) -> AppResult<()> {
        let (o, version) = self.db.load_officer(officer).await?.ok_or(AppError::NotFound("人员"))?;
        let own = self.db.account(by.account_id).await?.and_then(|a| a.officer_id) == Some(officer);
        if !own {
            by.can_administer_agency(o.profile.agency_id)?;
        }
        let event = o.decide_declare_conflict(conflict)?;
        self.db
            .append_to(&Actor::from(by), &stream::officer(officer), version, vec![DomainEvent::Officer(event)])
            .await?;
        Ok(())
    }

    /// Adds a line to the agency's AV-item list.
    pub async fn list_av_item(&self, by: &Principal, agency: Uuid, item: AvListItem) -> AppResult<()> {
        by.can_administer_agency(agency)?;
        let (state, version) = self.agency_state(agency).await?;
        let event = state.decide_list_av_item(item)?;
        self.db.append_to(&Actor::from(by), &stream::agency(agency), version, vec![event.into()]).await?;
        Ok(())
    }

    /// Issues a book of pre-numbered on-the-spot decision forms.
    pub async fn issue_form_book(&self, by: &Principal, agency: Uuid, book: FormBook) -> AppResult<()> {
        by.can_administer_agency(agency)?;
        let (state, version) = self.agency_state(agency).await?;
        let event = state.decide_issue_form_book(book)?;
        self.db.append_to(&Actor::from(by), &stream::agency(agency), version, vec![event.into()]).await?;
        Ok(())
    }
}

fn used(n: &str) -> String {
    format!("编号{n}已被使用，每份当场处罚决定书编号只能使用一次")
}

/// Handling a case: the agency's officers and heads.
fn can_handle(by: &Principal, agency: Uuid) -> Result<(), AccessError> {
    if by.agency_id != Some(agency) {
        return Err(AccessError::OtherAgency);
    }
    match by.role {
        Role::Officer | Role::Head => Ok(()),
        other => Err(AccessError::Role(other.label())),
    }
}
