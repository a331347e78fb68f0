//! Legal review of major decisions (rules L-01…L-11): declaring grounds, submission and
//! materials, the notice and supplement, refusal, the reviewer's checklist and opinion,
//! advisers' opinions, extensions, re-review, the heads' collective discussion with
//! re-authenticated signatures, the judicial bureau's review, the review queue with its
//! working-day countdowns, and the legal unit's staffing. Each call authorizes, loads,
//! lets `zhifa_core::case::review` decide, and appends.
//!
//! Who: the handling side is the agency's officers assigned to the case and its heads; the
//! reviewers are the agency's legal reviewers — or, for a round sent to the judicial
//! bureau (L-10), the bureau's; an extension is decided by a head of the reviewing agency;
//! the collective discussion is recorded by a head and signed by each participant with
//! their own password.

use std::collections::BTreeMap;

use uuid::Uuid;
use zhifa_core::Rejection;
use zhifa_core::access::{AccessError, Principal, Role};
use zhifa_core::case::decide::Approver;
use zhifa_core::case::review::clock::{ReviewClock, clock};
use zhifa_core::case::review::decide::{
    self as rd, Conclude, Discussion, Submission, acted_in_case, current_materials, missing_items,
};
use zhifa_core::case::review::major::{ReviewRequirement, available_flags};
use zhifa_core::case::review::staffing::Staffing;
use zhifa_core::case::review::{
    AdviserKind, CollectiveDecision, Level, Material, ReviewCatalogueEntry, ReviewPolicy, Round, Standing, requirement,
    standing,
};
use zhifa_core::case::{Case, CaseEvent, RecordKind, Stage};
use zhifa_core::events::{Actor, DomainEvent, RecordedEvent, stream};
use zhifa_core::personnel::StaffKind;
use zhifa_core::profile::PolicyProfile;
use zhifa_core::registry::Agency;
use zhifa_store::ExpectedVersion;
use zhifa_store::cases::CaseRow;

use crate::cases::beijing_now;
use crate::{App, AppError, AppResult};

/// A case's legal review as its page shows it.
#[derive(Debug, Clone)]
pub struct ReviewView {
    pub case: Case,
    pub agency: Agency,
    pub profile: PolicyProfile,
    pub requirement: ReviewRequirement,
    pub standing: Standing,
    /// Every round, with its clock (or the calendar's error) and its materials as they
    /// stand now.
    pub rounds: Vec<RoundView>,
    /// Flags the handler may still declare: (code, label).
    pub flags: Vec<(String, String)>,
    /// The accounts of the agency that may take part in a collective discussion (heads).
    pub heads: Vec<(Uuid, String)>,
    /// Whether the viewer acted in the case (and so may not review it, L-07).
    pub viewer_acted: Option<String>,
}

/// One round as shown.
#[derive(Debug, Clone)]
pub struct RoundView {
    pub round: Round,
    pub clock: Result<ReviewClock, String>,
    pub materials: Vec<Material>,
    pub missing: Vec<String>,
}

/// A line of the review queue.
#[derive(Debug, Clone)]
pub struct QueueItem {
    pub case: CaseRow,
    pub agency_name: String,
    pub level: Level,
    pub round: Round,
    pub clock: Result<ReviewClock, String>,
    /// What the viewer is expected to do.
    pub task: String,
}

impl App {
    async fn review_load(&self, id: Uuid) -> AppResult<(Case, ExpectedVersion, Vec<RecordedEvent>)> {
        self.db.load_case(id).await?.ok_or(AppError::NotFound("案件"))
    }

    async fn review_agency(&self, id: Uuid) -> AppResult<Agency> {
        Ok(self.db.load_agency(id).await?.ok_or(AppError::NotFound("执法机关"))?.0)
    }

    /// The profile version a case was opened under.
    async fn review_profile(&self, case: &Case) -> AppResult<PolicyProfile> {
        let p = &case.opening.profile;
        self.db
            .profile_versions(&p.id)
            .await?
            .into_iter()
            .find(|v| v.version == p.version)
            .ok_or(AppError::NotFound("策略配置版本"))
    }

    async fn approver(&self, by: &Principal) -> AppResult<Approver> {
        let officer_id = self.db.account(by.account_id).await?.and_then(|a| a.officer_id);
        Ok(Approver { account_id: by.account_id, name: by.display_name.clone(), role: by.role, officer_id })
    }

    /// The handling side: an officer assigned to the case, or a head of its agency.
    async fn check_handler(&self, by: &Principal, case: &Case) -> AppResult<()> {
        if by.agency_id != Some(case.opening.agency_id) {
            return Err(AccessError::OtherAgency.into());
        }
        match by.role {
            Role::Head => Ok(()),
            Role::Officer => {
                let officer = self.db.account(by.account_id).await?.and_then(|a| a.officer_id);
                let assigned = officer.is_some_and(|o| case.officers.iter().any(|a| a.officer_id == o));
                if assigned { Ok(()) } else { Err(Rejection::one("case", "您未被指派办理本案").into()) }
            }
            other => Err(AccessError::Role(other.label()).into()),
        }
    }

    /// The agency that reviews at a level: the case's own, or its supervising judicial
    /// bureau (L-10).
    async fn reviewing_agency(&self, case: &Case, level: Level) -> AppResult<Uuid> {
        match level {
            Level::Agency => Ok(case.opening.agency_id),
            Level::Bureau => {
                let agency = self.review_agency(case.opening.agency_id).await?;
                let bureau = agency.info.supervising_bureau.ok_or_else(|| {
                    Rejection::one("level", format!("{}未登记所属司法局，无法报送司法局审核", agency.info.name))
                })?;
                Ok(bureau)
            }
        }
    }

    /// A reviewer of the level's agency (the role itself is checked by the core).
    async fn check_reviewer(&self, by: &Principal, case: &Case, level: Level) -> AppResult<()> {
        let agency = self.reviewing_agency(case, level).await?;
        if by.agency_id != Some(agency) {
            return Err(AccessError::OtherAgency.into());
        }
        Ok(())
    }

    fn round_level(case: &Case, round: Uuid) -> AppResult<Level> {
        Ok(case.review.round(round).ok_or(AppError::NotFound("审核事项"))?.level)
    }

    async fn append_review(
        &self,
        by: &Principal,
        case: Uuid,
        version: ExpectedVersion,
        events: Vec<CaseEvent>,
    ) -> AppResult<()> {
        let events: Vec<DomainEvent> = events.into_iter().map(Into::into).collect();
        self.db.append_to(&Actor::from(by), &stream::case(case), version, events).await?;
        Ok(())
    }

    /// The policy of the review for a case: its profile version and the agency's catalogue.
    async fn review_parts(&self, case: &Case) -> AppResult<(Agency, PolicyProfile)> {
        Ok((self.review_agency(case.opening.agency_id).await?, self.review_profile(case).await?))
    }

    /// Declares a ground of L-01 the records cannot show (by its code: a fixed flag or
    /// `catalogue:<entry>`).
    pub async fn flag_major(&self, by: &Principal, case_id: Uuid, flag: &str, note: &str) -> AppResult<()> {
        let (case, version, _) = self.review_load(case_id).await?;
        self.check_handler(by, &case).await?;
        let agency = self.review_agency(case.opening.agency_id).await?;
        let event =
            rd::decide_flag(&case, &agency.review_catalogue, flag, note, &self.approver(by).await?, beijing_now())?;
        self.append_review(by, case_id, version, vec![event]).await
    }

    /// Submits the case for review (L-03), to the legal unit or to the judicial bureau
    /// (L-10). Returns the round.
    pub async fn submit_review(&self, by: &Principal, case_id: Uuid, cmd: Submission) -> AppResult<Uuid> {
        let (case, version, _) = self.review_load(case_id).await?;
        self.check_handler(by, &case).await?;
        if cmd.level == Some(Level::Bureau) {
            // The bureau must exist before anything is sent to it.
            self.reviewing_agency(&case, Level::Bureau).await?;
        }
        let (agency, profile) = self.review_parts(&case).await?;
        let policy = ReviewPolicy { profile: &profile, catalogue: &agency.review_catalogue };
        let event = rd::decide_submit(&case, policy, cmd, &self.approver(by).await?, beijing_now())?;
        let CaseEvent::Review { event: zhifa_core::case::review::ReviewEvent::Submitted { round, .. } } = &event else {
            unreachable!("a submission")
        };
        let round = *round;
        self.append_review(by, case_id, version, vec![event]).await?;
        Ok(round)
    }

    /// The accounts that acted in the case, review steps and their forms apart (L-07).
    fn case_actors(events: &[RecordedEvent]) -> Vec<Uuid> {
        events
            .iter()
            .filter(|e| match &e.event {
                DomainEvent::Case(CaseEvent::Review { .. }) => false,
                DomainEvent::Case(CaseEvent::RecordAdded { record }) => {
                    !matches!(record.kind, RecordKind::LegalReviewOpinion | RecordKind::CollectiveDiscussion)
                }
                _ => true,
            })
            .filter_map(|e| e.actor.account_id)
            .collect()
    }

    /// The reviewer's one notice of every missing material (L-03).
    pub async fn notice_materials(
        &self,
        by: &Principal,
        case_id: Uuid,
        round: Uuid,
        extra: &[String],
    ) -> AppResult<()> {
        let (case, version, events) = self.review_load(case_id).await?;
        self.check_reviewer(by, &case, Self::round_level(&case, round)?).await?;
        let actors = Self::case_actors(&events);
        let event = rd::decide_notice(&case, round, extra, &self.approver(by).await?, &actors, beijing_now())?;
        self.append_review(by, case_id, version, vec![event]).await
    }

    /// The handling unit supplements the materials; the clock runs again.
    pub async fn supplement_materials(
        &self,
        by: &Principal,
        case_id: Uuid,
        round: Uuid,
        declared: &BTreeMap<zhifa_core::case::review::MaterialKind, String>,
        note: &str,
    ) -> AppResult<()> {
        let (case, version, _) = self.review_load(case_id).await?;
        self.check_handler(by, &case).await?;
        let event = rd::decide_supplement(&case, round, declared, note, &self.approver(by).await?, beijing_now())?;
        self.append_review(by, case_id, version, vec![event]).await
    }

    /// The written refusal of a submission still incomplete after its supplement (L-03).
    pub async fn refuse_review(&self, by: &Principal, case_id: Uuid, round: Uuid, reasons: &str) -> AppResult<()> {
        let (case, version, events) = self.review_load(case_id).await?;
        self.check_reviewer(by, &case, Self::round_level(&case, round)?).await?;
        let actors = Self::case_actors(&events);
        let event = rd::decide_refuse(&case, round, reasons, &self.approver(by).await?, &actors, beijing_now())?;
        self.append_review(by, case_id, version, vec![event]).await
    }

    /// The reviewer asks the head for more time (L-06).
    pub async fn request_review_extension(
        &self,
        by: &Principal,
        case_id: Uuid,
        round: Uuid,
        reason: &str,
    ) -> AppResult<()> {
        let (case, version, events) = self.review_load(case_id).await?;
        self.check_reviewer(by, &case, Self::round_level(&case, round)?).await?;
        let actors = Self::case_actors(&events);
        let event =
            rd::decide_request_extension(&case, round, reason, &self.approver(by).await?, &actors, beijing_now())?;
        self.append_review(by, case_id, version, vec![event]).await
    }

    /// A head of the reviewing agency decides the extension (L-06).
    pub async fn decide_review_extension(
        &self,
        by: &Principal,
        case_id: Uuid,
        round: Uuid,
        approved: bool,
        opinion: &str,
    ) -> AppResult<()> {
        let (case, version, _) = self.review_load(case_id).await?;
        let agency = self.reviewing_agency(&case, Self::round_level(&case, round)?).await?;
        if by.agency_id != Some(agency) {
            return Err(AccessError::OtherAgency.into());
        }
        let event = rd::decide_extension(&case, round, approved, opinion, &self.approver(by).await?, beijing_now())?;
        self.append_review(by, case_id, version, vec![event]).await
    }

    /// Records a legal adviser's or public lawyer's written opinion (L-08).
    pub async fn add_adviser_opinion(
        &self,
        by: &Principal,
        case_id: Uuid,
        round: Uuid,
        adviser: &str,
        capacity: AdviserKind,
        opinion: &str,
    ) -> AppResult<()> {
        let (case, version, events) = self.review_load(case_id).await?;
        self.check_reviewer(by, &case, Self::round_level(&case, round)?).await?;
        let actors = Self::case_actors(&events);
        let me = self.approver(by).await?;
        let event = rd::decide_adviser_opinion(&case, round, adviser, capacity, opinion, &me, &actors, beijing_now())?;
        self.append_review(by, case_id, version, vec![event]).await
    }

    /// The legal unit's official opinion (L-04, L-05).
    pub async fn conclude_review(&self, by: &Principal, case_id: Uuid, cmd: Conclude) -> AppResult<()> {
        let (case, version, events) = self.review_load(case_id).await?;
        self.check_reviewer(by, &case, Self::round_level(&case, cmd.round)?).await?;
        let actors = Self::case_actors(&events);
        let events = rd::decide_conclude(&case, cmd, &self.approver(by).await?, &actors, beijing_now())?;
        self.append_review(by, case_id, version, events).await
    }

    /// The handling unit asks for re-review with its written reasons (L-09).
    pub async fn request_re_review(&self, by: &Principal, case_id: Uuid, reasons: &str) -> AppResult<()> {
        let (case, version, _) = self.review_load(case_id).await?;
        self.check_handler(by, &case).await?;
        let event = rd::decide_re_review(&case, reasons, &self.approver(by).await?, beijing_now())?;
        self.append_review(by, case_id, version, vec![event]).await
    }

    /// A head records the heads' collective discussion (L-09); the participants are
    /// accounts of the agency. Returns the discussion's id.
    pub async fn record_collective(
        &self,
        by: &Principal,
        case_id: Uuid,
        participants: &[Uuid],
        minutes: &str,
        decision: CollectiveDecision,
        reasons: &str,
    ) -> AppResult<Uuid> {
        let (case, version, _) = self.review_load(case_id).await?;
        if by.agency_id != Some(case.opening.agency_id) {
            return Err(AccessError::OtherAgency.into());
        }
        let mut people = Vec::new();
        for id in participants {
            match self.db.account(*id).await? {
                Some(a) if a.agency_id == Some(case.opening.agency_id) && !a.disabled => people.push(Approver {
                    account_id: a.id,
                    name: a.display_name,
                    role: a.role,
                    officer_id: a.officer_id,
                }),
                _ => return Err(Rejection::one("participants", "参加人须为本机关的在用账号").into()),
            }
        }
        let cmd = Discussion { participants: people, minutes: minutes.into(), decision, reasons: reasons.into() };
        let events = rd::decide_collective(&case, cmd, &self.approver(by).await?, beijing_now())?;
        let id = events
            .iter()
            .find_map(|e| match e {
                CaseEvent::Review {
                    event: zhifa_core::case::review::ReviewEvent::CollectiveRecorded { discussion, .. },
                } => Some(*discussion),
                _ => None,
            })
            .expect("a discussion");
        self.append_review(by, case_id, version, events).await?;
        Ok(id)
    }

    /// A participant signs the collective discussion's minutes: a re-authenticated act of
    /// that account — the password is asked for again (L-09).
    pub async fn sign_collective(
        &self,
        by: &Principal,
        case_id: Uuid,
        discussion: Uuid,
        password: &str,
    ) -> AppResult<()> {
        self.reauthenticate(by, password).await?;
        let (case, version, _) = self.review_load(case_id).await?;
        let event = rd::decide_sign(&case, discussion, &self.approver(by).await?, beijing_now())?;
        self.append_review(by, case_id, version, vec![event]).await
    }

    /// Whether `by` may read the review of a case: those who read the agency's cases, and
    /// the judicial bureau's reviewers once a round was sent to it (L-10).
    async fn can_read_review(&self, by: &Principal, case: &Case) -> AppResult<()> {
        if by.can_read_agency(case.opening.agency_id).is_ok() {
            return Ok(());
        }
        if case.review.rounds.iter().any(|r| r.level == Level::Bureau)
            && by.agency_id.is_some()
            && self.reviewing_agency(case, Level::Bureau).await.ok() == by.agency_id
        {
            return Ok(());
        }
        Err(AccessError::OtherAgency.into())
    }

    /// The review of a case for its page; the opening is logged.
    pub async fn review_view(&self, by: &Principal, case_id: Uuid) -> AppResult<ReviewView> {
        let (case, _, events) = self.review_load(case_id).await?;
        self.can_read_review(by, &case).await?;
        self.log_access(by, case_id, None, "法制审核").await?;
        let (agency, profile) = self.review_parts(&case).await?;
        let policy = ReviewPolicy { profile: &profile, catalogue: &agency.review_catalogue };
        let calendar = self.db.work_calendar().await?;
        let today = beijing_now().date();
        let rounds = case
            .review
            .rounds
            .iter()
            .map(|r| {
                let materials = current_materials(&case, r);
                RoundView {
                    clock: clock(r, &profile, &calendar, today).map_err(|e| e.to_string()),
                    missing: missing_items(&materials),
                    materials,
                    round: r.clone(),
                }
            })
            .collect();
        let heads = self
            .db
            .accounts(Some(case.opening.agency_id))
            .await?
            .into_iter()
            .filter(|a| a.role == Role::Head && !a.disabled)
            .map(|a| (a.id, a.display_name))
            .collect();
        let viewer_acted = if by.role == Role::LegalReviewer {
            acted_in_case(&case, &self.approver(by).await?, &Self::case_actors(&events))
        } else {
            None
        };
        Ok(ReviewView {
            requirement: requirement(&case, policy),
            standing: standing(&case, policy),
            flags: available_flags(&case, &agency.review_catalogue),
            rounds,
            heads,
            viewer_acted,
            case,
            agency,
            profile,
        })
    }

    /// The review queue (L-06): for a legal reviewer, the open rounds of their agency's
    /// cases — and of the agencies a judicial bureau supervises, at the bureau's level;
    /// for a head, the extensions and signatures that wait for them. Soonest due first.
    pub async fn review_queue(&self, by: &Principal) -> AppResult<Vec<QueueItem>> {
        let agency = by.agency_id.ok_or(AccessError::Role(by.role.label()))?;
        if !matches!(by.role, Role::LegalReviewer | Role::Head) {
            return Err(AccessError::Role(by.role.label()).into());
        }
        let mut sources: Vec<(Uuid, Level)> = vec![(agency, Level::Agency)];
        for a in self.db.agencies().await? {
            if a.info.supervising_bureau == Some(agency) {
                sources.push((a.id, Level::Bureau));
            }
        }
        let calendar = self.db.work_calendar().await?;
        let today = beijing_now().date();
        let mut out = Vec::new();
        for (agency_id, level) in sources {
            let agency_name = self.db.agency(agency_id).await?.map(|a| a.info.name).unwrap_or_default();
            for row in self.db.cases_of_agency(agency_id).await? {
                if row.stage != Stage::Decision.as_str() {
                    continue;
                }
                let Some((case, ..)) = self.db.load_case(row.id).await? else { continue };
                let Some(round) = case.review.open(level) else { continue };
                let task = match by.role {
                    Role::LegalReviewer if round.awaiting_supplement() => "待承办机构补充材料".to_string(),
                    Role::LegalReviewer => "待审核".to_string(),
                    _ => match (&round.extension_request, &round.extension) {
                        (Some(_), None) => "待负责人批准延长审核期限".to_string(),
                        _ => continue,
                    },
                };
                let profile = self.review_profile(&case).await?;
                let clock = clock(round, &profile, &calendar, today).map_err(|e| e.to_string());
                out.push(QueueItem {
                    case: row,
                    agency_name: agency_name.clone(),
                    level,
                    round: round.clone(),
                    clock,
                    task,
                });
            }
        }
        if by.role == Role::Head {
            for row in self.db.cases_of_agency(agency).await? {
                if row.stage != Stage::Decision.as_str() {
                    continue;
                }
                let Some((case, ..)) = self.db.load_case(row.id).await? else { continue };
                let waiting =
                    case.review.collectives.iter().any(|c| c.unsigned().iter().any(|s| s.account_id == by.account_id));
                if let (true, Some(round)) = (waiting, case.review.last(Level::Agency)) {
                    let profile = self.review_profile(&case).await?;
                    out.push(QueueItem {
                        clock: clock(round, &profile, &calendar, today).map_err(|e| e.to_string()),
                        agency_name: String::new(),
                        level: Level::Agency,
                        round: round.clone(),
                        task: "待签名：负责人集体讨论记录".into(),
                        case: row,
                    });
                }
            }
        }
        out.sort_by_key(|i| i.clock.as_ref().map(|c| (c.paused, c.remaining)).unwrap_or((false, i64::MIN)));
        Ok(out)
    }

    /// The legal unit's staffing against max(2, 5% of the officers) (L-07).
    pub async fn review_staffing(&self, by: &Principal, agency: Uuid) -> AppResult<Staffing> {
        by.can_read_agency(agency)?;
        let people = self.db.officers(agency).await?;
        let in_post = |k: StaffKind| people.iter().filter(|o| o.kind == k && o.left_on.is_none()).count();
        Ok(Staffing::new(in_post(StaffKind::Officer), in_post(StaffKind::LegalReviewer)))
    }

    /// Adds a line to the agency's review catalogue (L-01); the agency's administrator.
    pub async fn list_review_entry(&self, by: &Principal, agency: Uuid, entry: ReviewCatalogueEntry) -> AppResult<()> {
        by.can_administer_agency(agency)?;
        let (state, version) = self.db.load_agency(agency).await?.ok_or(AppError::NotFound("执法机关"))?;
        let event = state.decide_list_review_entry(entry)?;
        self.db.append_to(&Actor::from(by), &stream::agency(agency), version, vec![event.into()]).await?;
        Ok(())
    }
}
