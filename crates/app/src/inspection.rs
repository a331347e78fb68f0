//! Random inspections (双随机、一公开, issue 6, S-01…S-05): the service operations over the
//! core's [`zhifa_core::inspection`].
//!
//! - An agency's list and pools (S-01): items, targets imported from .xlsx/.csv (all or
//!   nothing, every bad row reported), inspectors (certified officers only, P-01).
//! - Plans: created and edited by the lead agency's officers or head; **committed** by its
//!   head — the pools frozen as they stand (S-03 exclusions from earlier plans, each
//!   inspector's certificate and declared conflicts), feasibility checked, 32 random bytes
//!   drawn from the OS as the secret seed and kept in `draw_seeds` (never an event before
//!   the draw), their SHA-256 published —; **drawn** by the head with the public input
//!   announced at the draw, the seed revealed in the `Drawn` event; verified by anyone
//!   from the plan stream alone ([`App::verify_plan`]).
//! - Results (S-04, S-05): an inspector of the task or the head records it; its notice is
//!   prepared for the portal at once (D-06 inspection fields, due in
//!   `inspection_publish_wd` working days, D-05) on the stream `publication:<task id>`,
//!   where the task id is derived from the plan and the task's index
//!   ([`task_publication_id`]), and published after the preview like a decision.

use std::collections::BTreeMap;

use rand::RngCore;
use sha2::{Digest, Sha256};
use uuid::Uuid;
use zhifa_core::access::{AccessError, Role};
use zhifa_core::case::PartyKind;
use zhifa_core::disclosure::RedactionContext;
use zhifa_core::disclosure::publication::{
    DecisionNotice, NoticeField, NoticeKind, NoticeRedactor, Prepared, decide_prepare, decide_publish, decide_reprepare,
};
use zhifa_core::events::{Actor, stream};
use zhifa_core::inspection::{
    DrawOutcome, InspectionItem, InspectionResult, JointShare, Plan, PlanSpec, PoolInputs, RandomList, VerifyError,
    decide_commit, decide_correct_result, decide_create, decide_draw, decide_edit, decide_record_result, exclusions,
    inspection_notice, joint_share, parse_target_rows, seed_commitment, to_hex, verify_draw,
};
use zhifa_core::personnel::Officer;
use zhifa_core::registry::ActKind;
use zhifa_core::{Principal, Rejection};
use zhifa_store::ExpectedVersion;
use zhifa_store::inspection::PlanRow;

use crate::cases::beijing_now;
use crate::import::{RowError, read_table};
use crate::import_service::ImportFailure;
use crate::{App, AppError, AppResult};

/// The id of a task's publication stream: the first 16 bytes of
/// SHA-256("zhifa-task" ‖ plan id ‖ task index, u32 big-endian), as a UUID.
pub fn task_publication_id(plan: Uuid, task: u32) -> Uuid {
    let mut h = Sha256::new();
    h.update(b"zhifa-task");
    h.update(plan.as_bytes());
    h.update(task.to_be_bytes());
    let digest = h.finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_random_bytes(bytes).into_uuid()
}

/// Who keeps an agency's list and plans: its officers and head.
fn can_keep(by: &Principal, agency: Uuid) -> Result<(), AccessError> {
    if by.agency_id != Some(agency) {
        return Err(AccessError::OtherAgency);
    }
    match by.role {
        Role::Officer | Role::Head => Ok(()),
        other => Err(AccessError::Role(other.label())),
    }
}

/// Who commits and draws: the lead agency's head (负责人).
fn can_draw(by: &Principal, agency: Uuid) -> Result<(), AccessError> {
    if by.agency_id != Some(agency) {
        return Err(AccessError::OtherAgency);
    }
    match by.role {
        Role::Head => Ok(()),
        other => Err(AccessError::Role(other.label())),
    }
}

/// Who reads an agency's list and plans: its own staff and the judicial bureau.
fn can_read(by: &Principal, agency: Uuid) -> Result<(), AccessError> {
    if by.role == Role::Supervisor || by.is_platform_admin() {
        return Ok(());
    }
    if by.agency_id == Some(agency) { Ok(()) } else { Err(AccessError::OtherAgency) }
}

/// A plan with what its pages show next to it.
#[derive(Debug, Clone)]
pub struct PlanView {
    pub plan: Plan,
    pub agency_names: BTreeMap<Uuid, String>,
}

impl App {
    /// An agency's list and pools (S-01).
    pub async fn random_list(&self, by: &Principal, agency: Uuid) -> AppResult<RandomList> {
        can_read(by, agency)?;
        Ok(self.db.load_random_list(agency).await?.0)
    }

    async fn append_list(
        &self,
        by: &Principal,
        agency: Uuid,
        version: ExpectedVersion,
        event: zhifa_core::inspection::ListEvent,
    ) -> AppResult<()> {
        self.db.append_to(&Actor::from(by), &stream::random_list(agency), version, vec![event.into()]).await?;
        Ok(())
    }

    /// Adds an item to the agency's random-inspection list (S-01).
    pub async fn add_inspection_item(&self, by: &Principal, agency: Uuid, item: InspectionItem) -> AppResult<Uuid> {
        can_keep(by, agency)?;
        let (list, version) = self.db.load_random_list(agency).await?;
        let id = item.id;
        let event = list.decide_add_item(item)?;
        self.append_list(by, agency, version, event).await?;
        Ok(id)
    }

    /// Changes an item of the list; the change is an event like any other (S-01).
    pub async fn change_inspection_item(&self, by: &Principal, agency: Uuid, item: InspectionItem) -> AppResult<()> {
        can_keep(by, agency)?;
        let (list, version) = self.db.load_random_list(agency).await?;
        let event = list.decide_change_item(item)?;
        self.append_list(by, agency, version, event).await
    }

    /// Takes an item off the list with the reason; plans already committed keep their
    /// frozen copy (S-01).
    pub async fn remove_inspection_item(
        &self,
        by: &Principal,
        agency: Uuid,
        item: Uuid,
        reason: &str,
    ) -> AppResult<()> {
        can_keep(by, agency)?;
        let (list, version) = self.db.load_random_list(agency).await?;
        let event = list.decide_remove_item(item, reason)?;
        self.append_list(by, agency, version, event).await
    }

    /// Imports targets into the agency's pool from an .xlsx or .csv file: every row or
    /// none, every bad row reported with its number (S-01).
    pub async fn import_targets(
        &self,
        by: &Principal,
        agency: Uuid,
        file_name: &str,
        bytes: &[u8],
    ) -> Result<usize, ImportFailure> {
        can_keep(by, agency).map_err(AppError::from)?;
        let table = read_table(file_name, bytes).map_err(|e| ImportFailure::Rows(vec![e.into()]))?;
        let (list, version) = self.db.load_random_list(agency).await?;
        let rows: Vec<Vec<String>> = table.rows.iter().map(|r| r.cells.clone()).collect();
        let targets = parse_target_rows(&rows, &table.headers, &list).map_err(|errors| {
            ImportFailure::Rows(
                errors
                    .into_iter()
                    .map(|e| RowError {
                        // The core counts the header as row 1 and every row after it;
                        // the table knows the rows' numbers in the file.
                        row: e.row.checked_sub(2).and_then(|i| table.rows.get(i)).map_or(e.row, |r| r.number),
                        column: e.column,
                        message: e.message,
                    })
                    .collect(),
            )
        })?;
        let n = targets.len();
        let event = list.decide_import_targets(targets, file_name).map_err(AppError::from)?;
        self.append_list(by, agency, version, event).await?;
        Ok(n)
    }

    /// Removes a target from the pool, with the reason (closed, moved away…).
    pub async fn remove_target(&self, by: &Principal, agency: Uuid, key: &str, reason: &str) -> AppResult<()> {
        can_keep(by, agency)?;
        let (list, version) = self.db.load_random_list(agency).await?;
        let event = list.decide_remove_target(key, reason)?;
        self.append_list(by, agency, version, event).await
    }

    /// Puts an officer of the agency in its inspector pool: only one who may act today
    /// (P-01).
    pub async fn add_inspector(&self, by: &Principal, agency: Uuid, officer: Uuid) -> AppResult<()> {
        can_keep(by, agency)?;
        let officer = match self.db.load_officer(officer).await? {
            Some((o, _)) if o.profile.agency_id == agency => o,
            _ => return Err(Rejection::one("officer", "所选人员不属于本机关").into()),
        };
        let (list, version) = self.db.load_random_list(agency).await?;
        let event = list.decide_add_inspector(&officer, beijing_now().date())?;
        self.append_list(by, agency, version, event).await
    }

    /// Takes an officer out of the inspector pool, with the reason.
    pub async fn remove_inspector(&self, by: &Principal, agency: Uuid, officer: Uuid, reason: &str) -> AppResult<()> {
        can_keep(by, agency)?;
        let (list, version) = self.db.load_random_list(agency).await?;
        let event = list.decide_remove_inspector(officer, reason)?;
        self.append_list(by, agency, version, event).await
    }

    /// The plans an agency leads or joins; every plan for the judicial bureau.
    pub async fn inspection_plans(&self, by: &Principal) -> AppResult<Vec<PlanRow>> {
        let agency = match by.role {
            Role::Supervisor => None,
            _ if by.is_platform_admin() => None,
            _ => Some(by.agency_id.ok_or(AccessError::OtherAgency)?),
        };
        Ok(self.db.inspection_plans(agency).await?)
    }

    /// Creates a plan led by `by`'s agency (S-02…S-04).
    pub async fn create_plan(&self, by: &Principal, spec: PlanSpec) -> AppResult<Uuid> {
        can_keep(by, spec.lead_agency)?;
        let (list, _) = self.db.load_random_list(spec.lead_agency).await?;
        let id = Uuid::new_v4();
        let event = decide_create(&list, id, spec)?;
        self.db
            .append_to(&Actor::from(by), &stream::inspection_plan(id), ExpectedVersion::NoStream, vec![event.into()])
            .await?;
        Ok(id)
    }

    /// Edits a plan before its commitment.
    pub async fn edit_plan(&self, by: &Principal, id: Uuid, spec: PlanSpec) -> AppResult<()> {
        let (plan, version) = self.db.load_plan(id).await?.ok_or(AppError::NotFound("抽查计划"))?;
        can_keep(by, plan.spec.lead_agency)?;
        let (list, _) = self.db.load_random_list(plan.spec.lead_agency).await?;
        let event = decide_edit(&plan, &list, spec)?;
        self.db.append_to(&Actor::from(by), &stream::inspection_plan(id), version, vec![event.into()]).await?;
        Ok(())
    }

    /// A plan and the names of its agencies, for those who may read it; the public reads
    /// a committed plan through [`App::public_plan`].
    pub async fn plan(&self, by: &Principal, id: Uuid) -> AppResult<PlanView> {
        let (plan, _) = self.db.load_plan(id).await?.ok_or(AppError::NotFound("抽查计划"))?;
        let agencies = plan.spec.agencies();
        if !agencies.iter().any(|a| can_read(by, *a).is_ok()) {
            return Err(AccessError::OtherAgency.into());
        }
        self.plan_view(plan).await
    }

    /// A plan whose commitment is public (S-02): its inputs, seed and outcome are for
    /// anyone to check. A plan not yet committed is not found.
    pub async fn public_plan(&self, id: Uuid) -> AppResult<PlanView> {
        let (plan, _) = self
            .db
            .load_plan(id)
            .await?
            .filter(|(p, _)| p.commitment.is_some())
            .ok_or(AppError::NotFound("抽查计划"))?;
        self.plan_view(plan).await
    }

    async fn plan_view(&self, plan: Plan) -> AppResult<PlanView> {
        let agency_names = self.agency_names(&plan.spec.agencies()).await?;
        Ok(PlanView { plan, agency_names })
    }

    async fn agency_names(&self, ids: &[Uuid]) -> AppResult<BTreeMap<Uuid, String>> {
        let mut names = BTreeMap::new();
        for id in ids {
            let name = self.db.agency(*id).await?.map(|a| a.info.name).unwrap_or_else(|| id.to_string());
            names.insert(*id, name);
        }
        Ok(names)
    }

    /// Commits a plan (S-02): freezes the pools as they stand now, checks the draw can be
    /// made, keeps a fresh secret seed and publishes its hash. Refused with every reason
    /// when the pools cannot satisfy the plan — before anything is stored.
    pub async fn commit_plan(&self, by: &Principal, id: Uuid) -> AppResult<()> {
        let (plan, version) = self.db.load_plan(id).await?.ok_or(AppError::NotFound("抽查计划"))?;
        can_draw(by, plan.spec.lead_agency)?;
        let agencies = plan.spec.agencies();
        let (lead, _) = self.db.load_random_list(plan.spec.lead_agency).await?;
        let mut joining = Vec::new();
        for a in &plan.spec.joining_agencies {
            joining.push(self.db.load_random_list(*a).await?.0);
        }
        let agency_names = self.agency_names(&agencies).await?;
        let mut officers: Vec<Officer> = Vec::new();
        for list in std::iter::once(&lead).chain(joining.iter()) {
            for o in &list.inspectors {
                if let Some((officer, _)) = self.db.load_officer(*o).await? {
                    officers.push(officer);
                }
            }
        }
        // S-03: targets drawn for the same items by this agency's other plans of an
        // overlapping period.
        let mut earlier = Vec::new();
        for row in self.db.inspection_plans(Some(plan.spec.lead_agency)).await? {
            if row.id != id
                && row.status == "drawn"
                && let Some((p, _)) = self.db.load_plan(row.id).await?
            {
                earlier.push(p);
            }
        }
        let excluded = exclusions(&earlier, &plan.spec);
        let input = PoolInputs {
            lead: &lead,
            joining: joining.iter().collect(),
            agency_names: &agency_names,
            officers: &officers,
            exclusions: &excluded,
        };
        let (frozen, _notes) = zhifa_core::inspection::FrozenPools::build(&plan.spec, &input)?;
        let mut seed = [0u8; 32];
        rand::rng().fill_bytes(&mut seed);
        let commitment = seed_commitment(&seed);
        let event = decide_commit(&plan, frozen, &commitment, beijing_now().date())?;
        // The seed first: a commitment appended without its seed could never be drawn.
        self.db.put_draw_seed(id, &commitment, &to_hex(&seed)).await?;
        self.db.append_to(&Actor::from(by), &stream::inspection_plan(id), version, vec![event.into()]).await?;
        Ok(())
    }

    /// Draws a committed plan (S-02): reveals the seed kept at commitment, mixed with the
    /// public input announced at the draw. Once per plan.
    pub async fn draw_plan(&self, by: &Principal, id: Uuid, public_input: &str) -> AppResult<()> {
        let (plan, version) = self.db.load_plan(id).await?.ok_or(AppError::NotFound("抽查计划"))?;
        can_draw(by, plan.spec.lead_agency)?;
        let Some(commitment) = &plan.commitment else {
            return Err(Rejection::one("plan", "计划尚未公布抽取承诺，请先提交承诺再抽取").into());
        };
        if plan.drawn.is_some() {
            return Err(Rejection::one("plan", "该计划已经抽取，同一计划不能再次抽取").into());
        }
        let seed = self
            .db
            .draw_seed(id, &commitment.seed_commitment)
            .await?
            .and_then(|s| zhifa_core::inspection::from_hex(&s))
            .and_then(|b| <[u8; 32]>::try_from(b).ok())
            .ok_or_else(|| AppError::Conflict("找不到该计划承诺时保存的随机种子，无法抽取；请联系系统管理员".into()))?;
        let event = decide_draw(&plan, seed, public_input, beijing_now().date())?;
        self.db.append_to(&Actor::from(by), &stream::inspection_plan(id), version, vec![event.into()]).await?;
        Ok(())
    }

    /// Re-runs a plan's draw from its stream alone and compares (S-02): anyone may.
    pub async fn verify_plan(&self, id: Uuid) -> AppResult<Result<DrawOutcome, VerifyError>> {
        let (plan, _) = self.db.load_plan(id).await?.ok_or(AppError::NotFound("抽查计划"))?;
        Ok(verify_draw(&plan))
    }

    /// Records a task's result (S-05): by an inspector of the task or the lead agency's
    /// head; its notice is prepared for the portal at once (D-14).
    pub async fn record_inspection_result(
        &self,
        by: &Principal,
        id: Uuid,
        task: u32,
        result: InspectionResult,
    ) -> AppResult<()> {
        let (plan, version) = self.db.load_plan(id).await?.ok_or(AppError::NotFound("抽查计划"))?;
        self.may_record(by, &plan, task).await?;
        let event = match plan.results.contains_key(&task) {
            false => decide_record_result(&plan, task, result, beijing_now().date())?,
            true => return Err(Rejection::one("task", "该任务已登记结果；如需更正，请填写更正理由").into()),
        };
        self.db.append_to(&Actor::from(by), &stream::inspection_plan(id), version, vec![event.into()]).await?;
        self.prepare_inspection_publication(by, id, task).await
    }

    /// Corrects a recorded result with the reason; the first stays in the stream.
    pub async fn correct_inspection_result(
        &self,
        by: &Principal,
        id: Uuid,
        task: u32,
        result: InspectionResult,
        reason: &str,
    ) -> AppResult<()> {
        let (plan, version) = self.db.load_plan(id).await?.ok_or(AppError::NotFound("抽查计划"))?;
        self.may_record(by, &plan, task).await?;
        let event = decide_correct_result(&plan, task, result, reason, beijing_now().date())?;
        self.db.append_to(&Actor::from(by), &stream::inspection_plan(id), version, vec![event.into()]).await?;
        self.prepare_inspection_publication(by, id, task).await
    }

    async fn may_record(&self, by: &Principal, plan: &Plan, task: u32) -> AppResult<()> {
        let Some(t) = plan.tasks().get(task as usize) else { return Err(AppError::NotFound("检查任务")) };
        let head = by.role == Role::Head && by.agency_id == Some(plan.spec.lead_agency);
        let me = self.db.account(by.account_id).await?.and_then(|a| a.officer_id);
        let inspector = me.is_some_and(|me| t.inspectors.iter().any(|a| a.officer_id == me));
        if head || inspector {
            Ok(())
        } else {
            Err(Rejection::one("task", "只有该任务的检查人员或牵头机关负责人可以登记检查结果").into())
        }
    }

    /// The redacted notice of a task's result (D-06, D-07), as [`Prepared`] for the
    /// publication machinery; the plan id stands in the case's place.
    pub async fn inspection_prepared(&self, plan: &Plan, task: u32) -> AppResult<Prepared> {
        let names = self.agency_names(&plan.spec.agencies()).await?;
        let n = inspection_notice(plan, task, &names)?;
        let mut redactor = NoticeRedactor::new(RedactionContext::default());
        let mut clean = |f: NoticeField, text: &str| redactor.clean(f, text);
        let notice = DecisionNotice {
            kind: NoticeKind::Inspection,
            agency: n.inspecting_body.clone(),
            party: format!("{}（统一社会信用代码{}）", n.target_name, n.uscc),
            category: if n.joint { "双随机抽查（跨部门联合）".into() } else { "双随机抽查".into() },
            document_number: format!("{}第{}号", n.plan_name, task + 1),
            facts: clean(NoticeField::Facts, &format!("抽查事项：{}。{}", n.items.join("、"), n.summary)),
            basis: clean(NoticeField::Basis, &n.basis),
            conclusion: n.conclusion.clone(),
            decided_on: n.date,
        };
        Ok(Prepared {
            case_id: plan.id,
            record_id: task_publication_id(plan.id, task),
            act_kind: ActKind::Inspection,
            party_kind: PartyKind::Organisation,
            notice,
            findings: redactor.findings,
        })
    }

    async fn prepare_inspection_publication(&self, by: &Principal, id: Uuid, task: u32) -> AppResult<()> {
        let (plan, _) = self.db.load_plan(id).await?.ok_or(AppError::NotFound("抽查计划"))?;
        let prepared = self.inspection_prepared(&plan, task).await?;
        let profile = self.lead_profile(&plan).await?;
        let calendar = self.db.work_calendar().await?;
        let record = prepared.record_id;
        let (event, version) = match self.db.load_publication(record).await? {
            None => (decide_prepare(&prepared, &profile, &calendar)?, ExpectedVersion::NoStream),
            Some((p, version)) => match decide_reprepare(&p, &prepared, &profile, &calendar)? {
                Some(event) => (event, version),
                None => return Ok(()),
            },
        };
        self.db.append_to(&Actor::from(by), &stream::publication(record), version, vec![event.into()]).await?;
        Ok(())
    }

    async fn lead_profile(&self, plan: &Plan) -> AppResult<zhifa_core::profile::PolicyProfile> {
        let (agency, _) = self.agency_state(plan.spec.lead_agency).await?;
        self.profile_for(&agency, beijing_now().date()).await
    }

    /// Publishes a task's prepared result on the portal today (S-05, D-05: late ones
    /// flagged), by the lead agency's officers or head.
    pub async fn publish_inspection_result(&self, by: &Principal, id: Uuid, task: u32) -> AppResult<()> {
        let (plan, _) = self.db.load_plan(id).await?.ok_or(AppError::NotFound("抽查计划"))?;
        can_keep(by, plan.spec.lead_agency)?;
        let record = task_publication_id(id, task);
        let (publication, version) =
            self.db.load_publication(record).await?.ok_or(AppError::NotFound("待公示的检查结果"))?;
        let profile = self.lead_profile(&plan).await?;
        let event = decide_publish(&publication, beijing_now().date(), &profile)?;
        self.db.append_to(&Actor::from(by), &stream::publication(record), version, vec![event.into()]).await?;
        Ok(())
    }

    /// The share of joint tasks in an agency's tasks of `year` (S-04), with the profile's
    /// `joint_inspection_min_pct` it is held against.
    pub async fn joint_inspection_share(
        &self,
        by: &Principal,
        agency: Uuid,
        year: i32,
    ) -> AppResult<(JointShare, u32)> {
        can_read(by, agency)?;
        let mut plans = Vec::new();
        for row in self.db.inspection_plans(Some(agency)).await? {
            if row.status == "drawn"
                && let Some((p, _)) = self.db.load_plan(row.id).await?
            {
                plans.push(p);
            }
        }
        let (state, _) = self.agency_state(agency).await?;
        let profile = self.profile_for(&state, beijing_now().date()).await?;
        Ok((joint_share(&plans, agency, year), profile.params.joint_inspection_min_pct))
    }

    /// Starts the whole-process record of a task (S-04, R-01…): an inspection case of the
    /// lead agency against the task's target, handled by the task's inspectors of that
    /// agency, in which the site-inspection record (with its AV where mandatory) is made
    /// and to which the result then points. By an inspector of the task or the head; once
    /// per task — a second call returns the case already opened.
    pub async fn start_inspection_case(&self, by: &Principal, id: Uuid, task: u32) -> AppResult<Uuid> {
        let (plan, _) = self.db.load_plan(id).await?.ok_or(AppError::NotFound("抽查计划"))?;
        self.may_record(by, &plan, task).await?;
        let t = plan.tasks().get(task as usize).cloned().ok_or(AppError::NotFound("检查任务"))?;
        let summary = format!("{}第{}号随机抽查任务：{}", plan.spec.name, task + 1, t.target_name);
        let lead = plan.spec.lead_agency;
        if let Some(c) = self.db.cases_with_summary(lead, &summary).await?.first() {
            return Ok(c.id);
        }
        let officers: Vec<Uuid> = t.inspectors.iter().filter(|a| a.agency_id == lead).map(|a| a.officer_id).collect();
        let first = officers.first().copied().ok_or(AppError::NotFound("本机关检查人员"))?;
        let (officer, _) = self.db.load_officer(first).await?.ok_or(AppError::NotFound("检查人员"))?;
        let (list, _) = self.db.load_random_list(lead).await?;
        let address = list.targets.get(&t.target_key).map(|x| x.address.clone()).unwrap_or_default();
        let input = crate::cases::OpenCaseInput {
            agency_id: lead,
            act_kind: ActKind::Inspection,
            procedure: zhifa_core::case::Procedure::Ordinary,
            initiation: zhifa_core::case::Initiation::ExOfficio { urgent: false },
            party: zhifa_core::case::Party {
                kind: PartyKind::Organisation,
                name: t.target_name.clone(),
                id_number: t.target_key.clone(),
                address,
                phone: String::new(),
                representative: String::new(),
                minor: false,
            },
            summary,
            item_code: None,
            handling_unit: officer.profile.unit_id,
            officers,
            auxiliaries: vec![],
            violation_ended_on: None,
            serious_harm: false,
            limitation_override: String::new(),
        };
        self.open_case(by, input).await
    }
}
