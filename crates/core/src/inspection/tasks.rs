//! Tasks and their results (S-03…S-05): recording what an inspection found, the public
//! notice of the result (D-05/D-06) and its deadline, the targets already inspected (S-03)
//! and the share of joint tasks (S-04).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::draw::Task;
use super::plan::{Plan, PlanEvent, PlanSpec};
use crate::calendar::{CalendarError, WorkCalendar};
use crate::profile::PolicyProfile;
use crate::validation::Rejection;

/// What an inspection concluded (检查结果).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum TaskResult {
    /// 未发现问题
    NoProblem,
    /// 发现问题，已责令整改
    ProblemCorrected,
    /// 发现问题，已立案查处
    CaseOpened { case_id: Uuid },
    /// 未找到检查对象（已关闭、迁出或下落不明）
    TargetNotFound,
}

impl TaskResult {
    pub fn label(&self) -> &'static str {
        match self {
            TaskResult::NoProblem => "未发现问题",
            TaskResult::ProblemCorrected => "发现问题，已责令整改",
            TaskResult::CaseOpened { .. } => "发现问题，已立案查处",
            TaskResult::TargetNotFound => "未找到检查对象",
        }
    }
}

/// The result of one task as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InspectionResult {
    /// The day the inspection ended; the publication deadline counts from it.
    pub ended_on: NaiveDate,
    pub result: TaskResult,
    /// 检查情况
    pub summary: String,
    /// The inspection record (检查笔录/现场检查记录), if one was made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record_id: Option<Uuid>,
}

fn check_result(plan: &Plan, task: u32, result: &InspectionResult, on: NaiveDate, r: &mut Rejection) {
    if plan.drawn.is_none() {
        r.add("task", "计划尚未抽取，没有检查任务");
        return;
    }
    if task as usize >= plan.tasks().len() {
        r.add("task", format!("计划中没有第{}个检查任务", task + 1));
    }
    r.require("summary", "检查情况", &result.summary);
    let spec = &plan.spec;
    if result.ended_on < spec.from || result.ended_on > spec.to {
        r.add(
            "ended_on",
            format!(
                "检查完成日期{}不在计划期间（{}至{}）内（S-03：不得在计划外检查）",
                result.ended_on, spec.from, spec.to
            ),
        );
    }
    if result.ended_on > on {
        r.add("ended_on", format!("检查完成日期{}晚于今天", result.ended_on));
    }
}

fn trimmed(result: InspectionResult) -> InspectionResult {
    InspectionResult { summary: result.summary.trim().to_string(), ..result }
}

/// Records a task's result, once.
pub fn decide_record_result(
    plan: &Plan,
    task: u32,
    result: InspectionResult,
    on: NaiveDate,
) -> Result<PlanEvent, Rejection> {
    let mut r = Rejection::new();
    check_result(plan, task, &result, on, &mut r);
    if plan.results.contains_key(&task) {
        r.add("task", format!("第{}个检查任务的结果已登记；如需更正请填写更正理由", task + 1));
    }
    r.into_result()?;
    Ok(PlanEvent::ResultRecorded { task, result: trimmed(result) })
}

/// Corrects a recorded result, with the reason; the first result stays on record.
pub fn decide_correct_result(
    plan: &Plan,
    task: u32,
    result: InspectionResult,
    reason: &str,
    on: NaiveDate,
) -> Result<PlanEvent, Rejection> {
    let mut r = Rejection::new();
    check_result(plan, task, &result, on, &mut r);
    match plan.results.get(&task) {
        None => r.add("task", format!("第{}个检查任务尚未登记结果，无需更正", task + 1)),
        Some(rec) if rec.result == trimmed(result.clone()) => r.add("result", "更正后的结果与原结果相同"),
        Some(_) => {}
    }
    r.require("reason", "更正理由", reason);
    r.into_result()?;
    Ok(PlanEvent::ResultCorrected { task, result: trimmed(result), reason: reason.trim().to_string() })
}

/// The public notice of an inspection result (抽查结果公示, S-05 per D-06).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InspectionNotice {
    pub plan_name: String,
    /// 检查主体: the lead agency, then the joining agencies (联合检查).
    pub inspecting_body: String,
    pub joint: bool,
    pub target_name: String,
    pub uscc: String,
    /// 抽查事项
    pub items: Vec<String>,
    /// 检查依据
    pub basis: String,
    /// 检查情况
    pub summary: String,
    /// 检查结果
    pub conclusion: String,
    /// 检查日期 (the day the inspection ended)
    pub date: NaiveDate,
}

/// Builds the notice of task `task`'s result. The summary is as recorded: the app runs
/// it through [`redact`](crate::disclosure::redact) (D-07) before publishing.
pub fn inspection_notice(
    plan: &Plan,
    task: u32,
    agency_names: &BTreeMap<Uuid, String>,
) -> Result<InspectionNotice, Rejection> {
    let Some(t) = plan.tasks().get(task as usize) else {
        return Err(Rejection::one("task", format!("计划中没有第{}个检查任务", task + 1)));
    };
    let Some(rec) = plan.results.get(&task) else {
        return Err(Rejection::one("task", format!("第{}个检查任务尚未登记结果", task + 1)));
    };
    let name = |id: &Uuid| agency_names.get(id).cloned().unwrap_or_else(|| id.to_string());
    let body: Vec<String> = plan.spec.agencies().iter().map(name).collect();
    let frozen = plan.commitment.as_ref().map(|c| c.pools.items.as_slice()).unwrap_or(&[]);
    let items: Vec<_> = t.items.iter().filter_map(|id| frozen.iter().find(|i| i.id == *id)).collect();
    let mut basis: Vec<&str> = items.iter().map(|i| i.basis.as_str()).collect();
    basis.dedup();
    Ok(InspectionNotice {
        plan_name: plan.spec.name.clone(),
        inspecting_body: body.join("、"),
        joint: plan.spec.is_joint(),
        target_name: t.target_name.clone(),
        uscc: t.target_key.clone(),
        items: items.iter().map(|i| i.name.clone()).collect(),
        basis: basis.join("；"),
        summary: rec.result.summary.clone(),
        conclusion: rec.result.result.label().to_string(),
        date: rec.result.ended_on,
    })
}

/// The last day to publish a result of an inspection ended on `ended_on`: the profile's
/// `inspection_publish_wd` working days later, on the official calendar (S-05, D-05).
pub fn publish_due(
    ended_on: NaiveDate,
    profile: &PolicyProfile,
    calendar: &WorkCalendar,
) -> Result<NaiveDate, CalendarError> {
    calendar.add_working_days(ended_on, profile.params.inspection_publish_wd)
}

/// The keys of targets drawn for `item` in plans whose period overlaps [from, to] (S-03).
/// A drawn task counts whether or not its result is in yet: a target drawn by a plan that
/// is still running is not drawn again by another.
pub fn inspected_keys(plans: &[Plan], item: Uuid, from: NaiveDate, to: NaiveDate) -> BTreeSet<String> {
    plans
        .iter()
        .filter(|p| p.spec.overlaps(from, to))
        .flat_map(|p| p.tasks())
        .filter(|t| t.items.contains(&item))
        .map(|t| t.target_key.clone())
        .collect()
}

/// The exclusion set of every item of `spec` (S-03), for [`PoolInputs`](super::PoolInputs).
pub fn exclusions(plans: &[Plan], spec: &PlanSpec) -> BTreeMap<Uuid, BTreeSet<String>> {
    spec.items.iter().map(|&i| (i, inspected_keys(plans, i, spec.from, spec.to))).collect()
}

/// The share of joint tasks in an agency's tasks of a year (S-04).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct JointShare {
    pub joint: usize,
    pub total: usize,
    /// Rounded down.
    pub percent: u32,
}

impl JointShare {
    /// Whether the share reaches the profile's `joint_inspection_min_pct` (exactly, without
    /// rounding). A year without tasks does not.
    pub fn meets(&self, profile: &PolicyProfile) -> bool {
        self.meets_pct(profile.params.joint_inspection_min_pct)
    }

    /// Whether the share reaches `min_pct` percent (exactly, without rounding); the test
    /// behind [`Self::meets`], for a total over agencies that share one profile value.
    pub fn meets_pct(&self, min_pct: u32) -> bool {
        self.total > 0 && self.joint * 100 >= min_pct as usize * self.total
    }
}

/// Counts the tasks of the drawn plans an agency led or joined whose period starts in
/// `year`, and those of joint plans among them (S-04).
pub fn joint_share(plans: &[Plan], agency: Uuid, year: i32) -> JointShare {
    let (mut joint, mut total) = (0, 0);
    for p in plans.iter().filter(|p| p.spec.from.year() == year && p.spec.agencies().contains(&agency)) {
        let n = p.tasks().len();
        total += n;
        if p.spec.is_joint() {
            joint += n;
        }
    }
    let percent = (joint * 100).checked_div(total).unwrap_or(0) as u32;
    JointShare { joint, total, percent }
}

/// Tasks of a plan an officer is assigned to, e.g. for the officer's work list.
pub fn tasks_of(plan: &Plan, officer: Uuid) -> Vec<&Task> {
    plan.tasks().iter().filter(|t| t.inspectors.iter().any(|a| a.officer_id == officer)).collect()
}
