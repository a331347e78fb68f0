//! Inspection plans (抽查计划, S-02…S-04): the stream `plan:<plan id>` of [`PlanEvent`]s
//! folded into a [`Plan`] — created and edited until the commitment, committed, drawn, and
//! then the result of each task.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::draw::DrawOutcome;
use super::list::{RandomList, Ratio};
use super::pools::{FrozenPools, PoolSizes};
use super::tasks::InspectionResult;
use crate::validation::Rejection;

/// At least two officers per on-site act (P-02).
pub const MIN_INSPECTORS: u32 = 2;

/// What a plan says before it is drawn.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanSpec {
    pub name: String,
    pub lead_agency: Uuid,
    /// Items of the lead agency's list, in the order they are drawn.
    pub items: Vec<Uuid>,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Overrides every item's ratio when set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ratio: Option<Ratio>,
    pub inspectors_per_target: u32,
    /// Joint inspection (联合抽查, S-04): each joining agency sends one inspector per task.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub joining_agencies: Vec<Uuid>,
}

impl PlanSpec {
    /// The lead agency, then the joining agencies.
    pub fn agencies(&self) -> Vec<Uuid> {
        std::iter::once(self.lead_agency).chain(self.joining_agencies.iter().copied()).collect()
    }

    pub fn is_joint(&self) -> bool {
        !self.joining_agencies.is_empty()
    }

    /// Inspectors per task: the plan's number, but at least one per agency.
    pub fn team_size(&self) -> usize {
        (self.inspectors_per_target as usize).max(1 + self.joining_agencies.len())
    }

    /// Whether the plan's period overlaps [from, to].
    pub fn overlaps(&self, from: NaiveDate, to: NaiveDate) -> bool {
        self.from <= to && from <= self.to
    }

    fn validate(&self, list: &RandomList, r: &mut Rejection) {
        r.require("name", "计划名称", &self.name);
        if list.agency_id != self.lead_agency {
            r.add("lead_agency", "抽查事项清单不是牵头机关的");
        }
        if self.items.is_empty() {
            r.add("items", "请至少选择一个抽查事项");
        }
        let mut seen = BTreeSet::new();
        for id in &self.items {
            if !seen.insert(id) {
                r.add("items", "同一抽查事项选择了两次");
            } else if list.item(*id).is_none() {
                r.add("items", format!("抽查事项{id}不在本机关的抽查事项清单中（S-03：不得在计划外检查）"));
            }
        }
        if self.to < self.from {
            r.add("to", format!("计划结束日期（{}）不能早于开始日期（{}）", self.to, self.from));
        }
        if self.inspectors_per_target < MIN_INSPECTORS {
            r.add("inspectors_per_target", format!("每个检查对象的检查人员不得少于{MIN_INSPECTORS}名（P-02）"));
        }
        let mut joining = BTreeSet::new();
        for a in &self.joining_agencies {
            if *a == self.lead_agency {
                r.add("joining_agencies", "牵头机关不能同时作为参与机关");
            } else if !joining.insert(a) {
                r.add("joining_agencies", "同一参与机关选择了两次");
            }
        }
    }
}

/// What is committed before the draw (S-02): the hash of the secret seed, the hash of the
/// frozen pools and the pools themselves.
///
/// The pools are stored inline so the draw can be re-run from the plan stream alone. At a
/// million targets that is an event of the order of 100 MB of JSON; if the store cannot
/// take that, it may keep `pools` in blob storage — verification needs only that the
/// pools it is given hash to `pools_hash`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Commitment {
    /// SHA-256 of the 32-byte secret seed, lower-case hex: published before the draw.
    pub seed_commitment: String,
    /// SHA-256 of the canonical encoding of the pools, lower-case hex: published too.
    pub pools_hash: String,
    pub sizes: PoolSizes,
    pub pools: FrozenPools,
    pub on: NaiveDate,
}

/// The draw as recorded: the revealed seed, the public input and the outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Drawn {
    /// The secret seed revealed, lower-case hex.
    pub seed: String,
    pub public_input: String,
    pub on: NaiveDate,
    pub outcome: DrawOutcome,
}

/// Events of the stream `plan:<plan id>`, tagged by `type`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum PlanEvent {
    PlanCreated {
        plan_id: Uuid,
        spec: PlanSpec,
    },
    PlanEdited {
        spec: PlanSpec,
    },
    Committed {
        commitment: Box<Commitment>,
    },
    Drawn {
        drawn: Box<Drawn>,
    },
    /// The result of task `task` (its index in the outcome).
    ResultRecorded {
        task: u32,
        result: InspectionResult,
    },
    /// A recorded result corrected, with the reason (X-01: the first stays on record).
    ResultCorrected {
        task: u32,
        result: InspectionResult,
        reason: String,
    },
}

/// A task's result, with the results it replaced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskRecord {
    pub result: InspectionResult,
    /// Earlier results and the reason each was corrected, oldest first.
    pub corrected: Vec<(InspectionResult, String)>,
}

/// The fold of a plan stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub id: Uuid,
    pub spec: PlanSpec,
    pub commitment: Option<Commitment>,
    pub drawn: Option<Drawn>,
    pub results: BTreeMap<u32, TaskRecord>,
}

impl Plan {
    /// Folds a stream; `None` before its `PlanCreated` event.
    pub fn fold<'a>(events: impl IntoIterator<Item = &'a PlanEvent>) -> Option<Plan> {
        let mut plan: Option<Plan> = None;
        for e in events {
            match (e, plan.as_mut()) {
                (PlanEvent::PlanCreated { plan_id, spec }, None) => {
                    plan = Some(Plan {
                        id: *plan_id,
                        spec: spec.clone(),
                        commitment: None,
                        drawn: None,
                        results: BTreeMap::new(),
                    })
                }
                (_, Some(p)) => p.apply(e),
                _ => {}
            }
        }
        plan
    }

    pub fn apply(&mut self, e: &PlanEvent) {
        match e {
            PlanEvent::PlanCreated { .. } => {}
            PlanEvent::PlanEdited { spec } if self.commitment.is_none() => self.spec = spec.clone(),
            PlanEvent::PlanEdited { .. } => {}
            PlanEvent::Committed { commitment } if self.commitment.is_none() => {
                self.commitment = Some((**commitment).clone())
            }
            PlanEvent::Committed { .. } => {}
            PlanEvent::Drawn { drawn } if self.drawn.is_none() => self.drawn = Some((**drawn).clone()),
            PlanEvent::Drawn { .. } => {}
            PlanEvent::ResultRecorded { task, result } => {
                self.results.entry(*task).or_insert_with(|| TaskRecord { result: result.clone(), corrected: vec![] });
            }
            PlanEvent::ResultCorrected { task, result, reason } => {
                if let Some(rec) = self.results.get_mut(task) {
                    let old = std::mem::replace(&mut rec.result, result.clone());
                    rec.corrected.push((old, reason.clone()));
                }
            }
        }
    }

    /// Whether the plan can still be edited: not yet committed.
    pub fn is_editable(&self) -> bool {
        self.commitment.is_none()
    }

    /// The drawn tasks; empty before the draw.
    pub fn tasks(&self) -> &[super::Task] {
        self.drawn.as_ref().map(|d| d.outcome.tasks.as_slice()).unwrap_or(&[])
    }
}

/// Creates a plan over the lead agency's list. The plan id is the caller's.
pub fn decide_create(list: &RandomList, plan_id: Uuid, spec: PlanSpec) -> Result<PlanEvent, Rejection> {
    let mut r = Rejection::new();
    spec.validate(list, &mut r);
    r.into_result()?;
    Ok(PlanEvent::PlanCreated { plan_id, spec: trimmed(spec) })
}

/// Edits a plan: only before its commitment.
pub fn decide_edit(plan: &Plan, list: &RandomList, spec: PlanSpec) -> Result<PlanEvent, Rejection> {
    let mut r = Rejection::new();
    if !plan.is_editable() {
        r.add("plan", "抽取承诺已公布，计划不能再修改");
    }
    if spec.lead_agency != plan.spec.lead_agency {
        r.add("lead_agency", "不能更换牵头机关");
    }
    spec.validate(list, &mut r);
    if r.is_empty() && spec == plan.spec {
        r.add("plan", "计划没有变化");
    }
    r.into_result()?;
    Ok(PlanEvent::PlanEdited { spec: trimmed(spec) })
}

fn trimmed(spec: PlanSpec) -> PlanSpec {
    PlanSpec { name: spec.name.trim().to_string(), ..spec }
}

/// Commits the plan to its frozen pools and to the hash of a secret seed (S-02), after
/// checking that the draw can be made (every reason it cannot, in Chinese).
/// `seed_commitment` is SHA-256 of the 32 random bytes the app drew, in hex.
pub fn decide_commit(
    plan: &Plan,
    frozen: FrozenPools,
    seed_commitment: &str,
    on: NaiveDate,
) -> Result<PlanEvent, Rejection> {
    let mut r = Rejection::new();
    if plan.commitment.is_some() {
        r.add("plan", "该计划已公布抽取承诺，不能再次提交");
        return Err(r);
    }
    let seed_commitment = seed_commitment.trim().to_ascii_lowercase();
    if seed_commitment.len() != 64 || !seed_commitment.bytes().all(|b| b.is_ascii_hexdigit()) {
        r.add("seed_commitment", "种子承诺值应为64位十六进制的SHA-256摘要");
    }
    if plan.spec.inspectors_per_target < MIN_INSPECTORS {
        r.add("inspectors_per_target", format!("每个检查对象的检查人员不得少于{MIN_INSPECTORS}名（P-02）"));
    }
    if on > plan.spec.to {
        r.add("on", format!("计划期间已于{}结束，不能再提交抽取", plan.spec.to));
    }
    r.errors.extend(frozen.feasibility(&plan.spec).errors);
    r.into_result()?;
    let commitment = Commitment {
        seed_commitment,
        pools_hash: frozen.hash(plan.id, &plan.spec),
        sizes: frozen.sizes(),
        pools: frozen,
        on,
    };
    Ok(PlanEvent::Committed { commitment: Box::new(commitment) })
}
