//! Case-file evaluation (案卷评查, rule V-01): the service operations over the core's
//! [`zhifa_core::supervision::evaluation`].
//!
//! - **Who runs a batch.** A judicial bureau's supervisor (执法监督人员) creates and runs a
//!   `Bureau` batch over the agencies it supervises; an agency's head or legal reviewer a
//!   `SelfEvaluation` of its own agency. The runner selects the cases, issues the
//!   rectification notices and accepts or returns the answers.
//! - **Evaluators** are accounts named at creation: the bureau's supervisors and legal
//!   reviewers, or the agency's legal reviewers and heads. The core knows them by officer
//!   id; an account without an officer record (a supervisor is usually one) stands for
//!   itself by its account id ([`evaluator_id`]). Only an evaluator of the batch scores,
//!   and never a case they handled or legally reviewed ([`CaseStaff`] from the case fold).
//! - **Selection.** By hand with a reason per case, or at random: the candidates are the
//!   closed (结案) or archived cases of the covered agencies as the `cases` projection
//!   records them; 32 bytes from the OS are the secret seed, kept in `draw_seeds` before the
//!   commitment (its SHA-256) is appended; the draw reveals it with the public input, and
//!   anyone re-runs it ([`App::verify_evaluation`]).
//! - **Rectification.** The notice goes to the case's agency; its head or officers answer.
//!   The agency's staff see the batches covering it and the notices addressed to it, not
//!   the other agencies' cases.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rand::RngCore;
use uuid::Uuid;
use zhifa_core::access::{AccessError, Role};
use zhifa_core::case::{ApprovalStep, Case};
use zhifa_core::events::{Actor, stream};
use zhifa_core::inspection::{Ratio, from_hex, seed_commitment, to_hex};
use zhifa_core::supervision::evaluation::{
    CaseInput, CaseStaff, DimensionScore, Evaluation, EvaluationEvent, EvaluationKind, EvaluationSpec,
    RectificationNotice, Scoresheet, Scoring, VerifyError, VetoFinding, decide_accept, decide_answer, decide_commit,
    decide_correct_score, decide_create, decide_draw, decide_issue, decide_pick, decide_return, decide_score,
    verify_draw,
};
use zhifa_core::{Principal, Rejection};
use zhifa_store::ExpectedVersion;
use zhifa_store::accounts::AccountRow;
use zhifa_store::evaluation::EvaluationRow;

use crate::cases::beijing_now;
use crate::{App, AppError, AppResult};

/// The id an account evaluates under: its officer's id, or its own id when it has no
/// officer record.
pub fn evaluator_id(account: &AccountRow) -> Uuid {
    account.officer_id.unwrap_or(account.id)
}

/// What the creation form gives.
#[derive(Debug, Clone)]
pub struct NewEvaluation {
    pub name: String,
    pub year: i32,
    pub kind: EvaluationKind,
    /// For a self-evaluation, ignored: the creator's own agency.
    pub agencies: Vec<Uuid>,
    /// Evaluator ids ([`evaluator_id`]) of eligible accounts.
    pub evaluators: Vec<Uuid>,
}

/// A scoring as the evaluator fills it in; the evaluator and the day are the caller's.
#[derive(Debug, Clone, Default)]
pub struct ScoreInput {
    pub scores: Vec<DimensionScore>,
    pub vetoes: Vec<VetoFinding>,
}

/// A batch with the names its pages show.
#[derive(Debug, Clone)]
pub struct EvaluationView {
    pub evaluation: Evaluation,
    pub agency_names: BTreeMap<Uuid, String>,
    /// Evaluator id → display name.
    pub evaluator_names: BTreeMap<Uuid, String>,
    /// Whether the reader runs the batch (selects, issues, accepts, returns).
    pub runs: bool,
    /// The reader's evaluator id, when they are one of the batch's evaluators.
    pub evaluator: Option<Uuid>,
    /// The agency whose cases alone the reader sees; `None` for the runner, the bureau and
    /// the evaluators.
    pub only_agency: Option<Uuid>,
}

impl EvaluationView {
    /// Whether the reader sees this agency's cases.
    pub fn shows(&self, agency: Uuid) -> bool {
        self.only_agency.is_none_or(|a| a == agency)
    }
}

/// A rectification notice addressed to an agency, for its list.
#[derive(Debug, Clone)]
pub struct AddressedRectification {
    pub evaluation: Uuid,
    pub evaluation_name: String,
    pub case_id: Uuid,
    pub case_number: String,
    pub rectification: zhifa_core::supervision::evaluation::Rectification,
}

/// Whether `by` runs a batch of this spec.
fn runs(by: &Principal, spec: &EvaluationSpec) -> bool {
    match spec.kind {
        EvaluationKind::Bureau => by.role == Role::Supervisor,
        EvaluationKind::SelfEvaluation => {
            matches!(by.role, Role::Head | Role::LegalReviewer) && spec.agencies.first() == by.agency_id.as_ref()
        }
    }
}

fn must_run(by: &Principal, spec: &EvaluationSpec) -> Result<(), AccessError> {
    if runs(by, spec) {
        Ok(())
    } else if spec.kind == EvaluationKind::SelfEvaluation && spec.agencies.first() != by.agency_id.as_ref() {
        Err(AccessError::OtherAgency)
    } else {
        Err(AccessError::Role(by.role.label()))
    }
}

impl App {
    async fn evaluator_of(&self, by: &Principal) -> AppResult<Option<Uuid>> {
        Ok(self.db.account(by.account_id).await?.map(|a| evaluator_id(&a)))
    }

    /// The accounts `by` may name as evaluators of a batch of `kind`: the bureau's
    /// supervisors and legal reviewers, or the own agency's legal reviewers and heads —
    /// as (evaluator id, display name).
    pub async fn evaluator_choices(&self, by: &Principal, kind: EvaluationKind) -> AppResult<Vec<(Uuid, String)>> {
        let Some(agency) = by.agency_id else { return Err(AccessError::OtherAgency.into()) };
        let roles: &[Role] = match kind {
            EvaluationKind::Bureau => &[Role::Supervisor, Role::LegalReviewer],
            EvaluationKind::SelfEvaluation => &[Role::LegalReviewer, Role::Head],
        };
        let mut out: Vec<(Uuid, String)> = Vec::new();
        for a in self.db.accounts(Some(agency)).await? {
            if !a.disabled && roles.contains(&a.role) && !out.iter().any(|(id, _)| *id == evaluator_id(&a)) {
                out.push((evaluator_id(&a), format!("{}（{}）", a.display_name, a.role.label())));
            }
        }
        Ok(out)
    }

    /// The agencies a bureau batch may cover: every agency but the judicial bureaus.
    pub async fn evaluable_agencies(&self) -> AppResult<Vec<(Uuid, String)>> {
        Ok(self
            .db
            .agencies()
            .await?
            .into_iter()
            .filter(|a| !a.info.is_judicial_bureau)
            .map(|a| (a.id, a.info.name))
            .collect())
    }

    /// Creates a batch (V-01): a bureau batch by a supervisor over agencies that are not
    /// judicial bureaus, a self-evaluation by an agency's head or legal reviewer over its
    /// own agency; the evaluators among those [`App::evaluator_choices`] offers.
    pub async fn create_evaluation(&self, by: &Principal, new: NewEvaluation) -> AppResult<Uuid> {
        let agencies = match new.kind {
            EvaluationKind::Bureau => {
                if by.role != Role::Supervisor {
                    return Err(AccessError::Role(by.role.label()).into());
                }
                new.agencies
            }
            EvaluationKind::SelfEvaluation => {
                if !matches!(by.role, Role::Head | Role::LegalReviewer) {
                    return Err(AccessError::Role(by.role.label()).into());
                }
                vec![by.agency_id.ok_or(AccessError::OtherAgency)?]
            }
        };
        let mut r = Rejection::new();
        if new.kind == EvaluationKind::Bureau {
            let allowed = self.evaluable_agencies().await?;
            if agencies.iter().any(|a| !allowed.iter().any(|(id, _)| id == a)) {
                r.add("agencies", "被评查机关只能是司法局监督的行政执法机关");
            }
        }
        let choices = self.evaluator_choices(by, new.kind).await?;
        if new.evaluators.iter().any(|e| !choices.iter().any(|(id, _)| id == e)) {
            r.add(
                "evaluators",
                "评查人员只能从本机关的执法监督人员、法制审核人员（自查时为法制审核人员、负责人）中指定",
            );
        }
        let spec = EvaluationSpec {
            name: new.name,
            year: new.year,
            kind: new.kind,
            agencies,
            evaluators: new.evaluators,
            scoresheet: Scoresheet::STANDARD,
        };
        let id = Uuid::new_v4();
        let event = decide_create(id, spec);
        if let Err(e) = &event {
            r.errors.extend(e.errors.iter().cloned());
        }
        r.into_result()?;
        let event = event?;
        self.db
            .append_to(&Actor::from(by), &stream::evaluation(id), ExpectedVersion::NoStream, vec![event.into()])
            .await?;
        Ok(id)
    }

    /// The batches `by` sees: every batch for supervisors and the platform administrator,
    /// else those covering the own agency or naming `by` as an evaluator.
    pub async fn evaluations_for(&self, by: &Principal) -> AppResult<Vec<EvaluationRow>> {
        if by.role == Role::Supervisor || by.is_platform_admin() {
            return Ok(self.db.evaluations(None).await?);
        }
        let agency = by.agency_id.ok_or(AccessError::OtherAgency)?;
        let me = self.evaluator_of(by).await?;
        let mut rows = Vec::new();
        for row in self.db.evaluations(None).await? {
            let evaluator = match me {
                Some(me) if !row.agencies.contains(&agency) => {
                    self.db.load_evaluation(row.id).await?.is_some_and(|(ev, _)| ev.spec.evaluators.contains(&me))
                }
                _ => false,
            };
            if row.agencies.contains(&agency) || evaluator {
                rows.push(row);
            }
        }
        Ok(rows)
    }

    async fn load_ev(&self, id: Uuid) -> AppResult<(Evaluation, ExpectedVersion)> {
        self.db.load_evaluation(id).await?.ok_or(AppError::NotFound("评查活动"))
    }

    /// A batch as `by` may read it: the runner, supervisors and the evaluators all of it,
    /// a covered agency's staff their own agency's cases; anyone else is refused.
    pub async fn evaluation(&self, by: &Principal, id: Uuid) -> AppResult<EvaluationView> {
        let (evaluation, _) = self.load_ev(id).await?;
        let me = self.evaluator_of(by).await?.filter(|e| evaluation.spec.evaluators.contains(e));
        let runs = runs(by, &evaluation.spec);
        let only_agency = if runs || me.is_some() || by.role == Role::Supervisor || by.is_platform_admin() {
            None
        } else {
            match by.agency_id {
                Some(a) if evaluation.spec.covers(a) => Some(a),
                _ => return Err(AccessError::OtherAgency.into()),
            }
        };
        let mut agency_names = BTreeMap::new();
        for a in &evaluation.spec.agencies {
            let name = self.db.agency(*a).await?.map(|x| x.info.name).unwrap_or_else(|| a.to_string());
            agency_names.insert(*a, name);
        }
        let mut evaluator_names = BTreeMap::new();
        for acc in self.db.accounts(None).await? {
            let e = evaluator_id(&acc);
            if evaluation.spec.evaluators.contains(&e) {
                evaluator_names.entry(e).or_insert(acc.display_name);
            }
        }
        Ok(EvaluationView { evaluation, agency_names, evaluator_names, runs, evaluator: me, only_agency })
    }

    /// The closed or archived cases of the batch's agencies not yet selected, from the
    /// `cases` projection, by number.
    pub async fn evaluation_candidates(&self, by: &Principal, id: Uuid) -> AppResult<Vec<CaseInput>> {
        let (ev, _) = self.load_ev(id).await?;
        must_run(by, &ev.spec)?;
        self.closed_cases(&ev).await
    }

    async fn closed_cases(&self, ev: &Evaluation) -> AppResult<Vec<CaseInput>> {
        let mut out = Vec::new();
        for agency in &ev.spec.agencies {
            for row in self.db.cases_of_agency(*agency).await? {
                let closed = row.closed_on.as_deref().or(row.archived_on.as_deref());
                let Some(closed_on) = closed.and_then(|d| d.parse::<NaiveDate>().ok()) else { continue };
                if ev.case(row.id).is_none() {
                    out.push(CaseInput {
                        case_id: row.id,
                        number: row.number,
                        agency_id: row.agency_id,
                        closed_on: Some(closed_on),
                    });
                }
            }
        }
        out.sort_by(|a, b| a.number.cmp(&b.number));
        Ok(out)
    }

    async fn append_ev(&self, by: &Principal, id: Uuid, version: ExpectedVersion, e: EvaluationEvent) -> AppResult<()> {
        self.db.append_to(&Actor::from(by), &stream::evaluation(id), version, vec![e.into()]).await?;
        Ok(())
    }

    /// Selects cases by hand, each with its reason (V-01): every case as its fold says —
    /// an open case or another agency's is refused by number.
    pub async fn pick_evaluation_cases(&self, by: &Principal, id: Uuid, cases: Vec<(Uuid, String)>) -> AppResult<()> {
        let (ev, version) = self.load_ev(id).await?;
        must_run(by, &ev.spec)?;
        let mut inputs = Vec::with_capacity(cases.len());
        for (case_id, reason) in cases {
            let (case, _, _) =
                self.db.load_case(case_id).await?.ok_or_else(|| Rejection::one("cases", "所选案件不存在"))?;
            inputs.push((CaseInput::of(&case), reason));
        }
        let event = decide_pick(&ev, inputs, beijing_now().date())?;
        self.append_ev(by, id, version, event).await
    }

    /// Commits a random selection (V-01): freezes the closed cases of the covered agencies
    /// as candidates, keeps a fresh secret seed and publishes its SHA-256.
    pub async fn commit_evaluation(&self, by: &Principal, id: Uuid, ratio: Ratio) -> AppResult<()> {
        let (ev, version) = self.load_ev(id).await?;
        must_run(by, &ev.spec)?;
        let candidates = self.closed_cases(&ev).await?;
        let mut seed = [0u8; 32];
        rand::rng().fill_bytes(&mut seed);
        let commitment = seed_commitment(&seed);
        let event = decide_commit(&ev, candidates, ratio, &commitment, beijing_now().date())?;
        // The seed first: a commitment appended without its seed could never be drawn.
        self.db.put_draw_seed(id, &commitment, &to_hex(&seed)).await?;
        self.append_ev(by, id, version, event).await
    }

    /// Draws the committed selection with the public input announced at the draw. Once.
    pub async fn draw_evaluation(&self, by: &Principal, id: Uuid, public_input: &str) -> AppResult<()> {
        let (ev, version) = self.load_ev(id).await?;
        must_run(by, &ev.spec)?;
        let Some(c) = &ev.commitment else {
            return Err(Rejection::one("evaluation", "本次评查尚未公布抽取承诺，不能抽取").into());
        };
        if ev.drawn.is_some() {
            return Err(Rejection::one("evaluation", "本次评查已经抽取，不能重复抽取").into());
        }
        let seed = self
            .db
            .draw_seed(id, &c.seed_commitment)
            .await?
            .and_then(|s| from_hex(&s))
            .and_then(|b| <[u8; 32]>::try_from(b).ok())
            .ok_or_else(|| AppError::Conflict("找不到承诺时保存的随机种子，无法抽取；请联系系统管理员".into()))?;
        let event = decide_draw(&ev, seed, public_input, beijing_now().date())?;
        self.append_ev(by, id, version, event).await
    }

    /// Re-runs a batch's draw from its stream alone (anyone may check it).
    pub async fn verify_evaluation(&self, id: Uuid) -> AppResult<Result<Vec<Uuid>, VerifyError>> {
        let (ev, _) = self.load_ev(id).await?;
        Ok(verify_draw(&ev))
    }

    /// The people of a case none of whom may evaluate it: its officers and auxiliaries
    /// and the handler of each approval; the legal reviewers who noticed, refused or
    /// concluded a review round, and the reviewer step of each approval.
    async fn case_staff(&self, case: &Case) -> AppResult<CaseStaff> {
        let mut staff = CaseStaff::default();
        staff
            .officers
            .extend(case.opening.officers.iter().chain(&case.officers).chain(&case.auxiliaries).map(|o| o.officer_id));
        let mut reviewer_accounts = Vec::new();
        for r in &case.records {
            for a in &r.approvals {
                let who = a.officer_id;
                match a.step {
                    ApprovalStep::Handler => staff.officers.extend(who),
                    ApprovalStep::Reviewer => staff.legal_reviewers.extend(who),
                    ApprovalStep::Approver => {}
                }
            }
        }
        for round in &case.review.rounds {
            reviewer_accounts.extend(round.notice.iter().map(|n| n.by.account_id));
            reviewer_accounts.extend(round.refused.iter().map(|s| s.by.account_id));
            reviewer_accounts.extend(round.conclusion.iter().map(|c| c.by.account_id));
        }
        for account in reviewer_accounts {
            if let Some(a) = self.db.account(account).await? {
                staff.legal_reviewers.push(evaluator_id(&a));
            }
        }
        Ok(staff)
    }

    async fn scoring_parts(
        &self,
        by: &Principal,
        id: Uuid,
        case_id: Uuid,
    ) -> AppResult<(Evaluation, ExpectedVersion, Uuid, CaseStaff)> {
        let (ev, version) = self.load_ev(id).await?;
        let me = self.evaluator_of(by).await?.ok_or(AccessError::Role(by.role.label()))?;
        if !ev.spec.evaluators.contains(&me) {
            return Err(Rejection::one("evaluator", "您不是本次评查指定的评查人员，不能评分").into());
        }
        let (case, _, _) = self.db.load_case(case_id).await?.ok_or(AppError::NotFound("案件"))?;
        let staff = self.case_staff(&case).await?;
        Ok((ev, version, me, staff))
    }

    /// Scores a selected case (V-01): by an evaluator of the batch who neither handled nor
    /// legally reviewed the case.
    pub async fn score_evaluation_case(
        &self,
        by: &Principal,
        id: Uuid,
        case_id: Uuid,
        input: ScoreInput,
    ) -> AppResult<()> {
        let (ev, version, me, staff) = self.scoring_parts(by, id, case_id).await?;
        let scoring = Scoring { evaluator: me, on: beijing_now().date(), scores: input.scores, vetoes: input.vetoes };
        let event = decide_score(&ev, case_id, scoring, &staff)?;
        self.append_ev(by, id, version, event).await
    }

    /// Corrects a case's score with the reason; the first stays on record.
    pub async fn correct_evaluation_score(
        &self,
        by: &Principal,
        id: Uuid,
        case_id: Uuid,
        input: ScoreInput,
        reason: &str,
    ) -> AppResult<()> {
        let (ev, version, me, staff) = self.scoring_parts(by, id, case_id).await?;
        let scoring = Scoring { evaluator: me, on: beijing_now().date(), scores: input.scores, vetoes: input.vetoes };
        let event = decide_correct_score(&ev, case_id, scoring, &staff, reason)?;
        self.append_ev(by, id, version, event).await
    }

    /// Issues the rectification notice of a scored case to its agency.
    pub async fn issue_rectification(
        &self,
        by: &Principal,
        id: Uuid,
        case_id: Uuid,
        number: &str,
        problems: Vec<String>,
        due: NaiveDate,
    ) -> AppResult<()> {
        let (ev, version) = self.load_ev(id).await?;
        must_run(by, &ev.spec)?;
        let notice =
            RectificationNotice { number: number.trim().to_string(), problems, issued_on: beijing_now().date(), due };
        let event = decide_issue(&ev, case_id, notice)?;
        self.append_ev(by, id, version, event).await
    }

    /// The agency answers a notice addressed to it: its head or officers.
    pub async fn answer_rectification(
        &self,
        by: &Principal,
        id: Uuid,
        case_id: Uuid,
        what_done: &str,
    ) -> AppResult<()> {
        let (ev, version) = self.load_ev(id).await?;
        let case = ev.case(case_id).ok_or(AppError::NotFound("评查案卷"))?;
        if by.agency_id != Some(case.case.agency_id) {
            return Err(AccessError::OtherAgency.into());
        }
        if !matches!(by.role, Role::Head | Role::Officer) {
            return Err(AccessError::Role(by.role.label()).into());
        }
        let event = decide_answer(&ev, case_id, what_done, beijing_now().date())?;
        self.append_ev(by, id, version, event).await
    }

    /// Accepts an answer: the rectification is closed (销号).
    pub async fn accept_rectification(&self, by: &Principal, id: Uuid, case_id: Uuid, comment: &str) -> AppResult<()> {
        let (ev, version) = self.load_ev(id).await?;
        must_run(by, &ev.spec)?;
        let event = decide_accept(&ev, case_id, beijing_now().date(), comment)?;
        self.append_ev(by, id, version, event).await
    }

    /// Returns an answer with the reasons and a new due date.
    pub async fn return_rectification(
        &self,
        by: &Principal,
        id: Uuid,
        case_id: Uuid,
        reasons: &str,
        due: NaiveDate,
    ) -> AppResult<()> {
        let (ev, version) = self.load_ev(id).await?;
        must_run(by, &ev.spec)?;
        let event = decide_return(&ev, case_id, reasons, beijing_now().date(), due)?;
        self.append_ev(by, id, version, event).await
    }

    /// The rectification notices addressed to `by`'s agency, over every batch covering it.
    pub async fn rectifications_for(&self, by: &Principal) -> AppResult<Vec<AddressedRectification>> {
        let Some(agency) = by.agency_id else { return Ok(vec![]) };
        let mut out = Vec::new();
        for row in self.db.evaluations(Some(agency)).await? {
            if row.rectifications == 0 {
                continue;
            }
            let Some((ev, _)) = self.db.load_evaluation(row.id).await? else { continue };
            for c in &ev.cases {
                if c.case.agency_id == agency
                    && let Some(r) = &c.rectification
                {
                    out.push(AddressedRectification {
                        evaluation: ev.id,
                        evaluation_name: ev.spec.name.clone(),
                        case_id: c.case.case_id,
                        case_number: c.case.number.clone(),
                        rectification: r.clone(),
                    });
                }
            }
        }
        Ok(out)
    }
}
