//! Procedure flowcharts (流程图) for the pre-disclosure on the portal (D-01), drawn from the
//! workflow the system enforces.
//!
//! A published chart that differs from practice misleads the party it is meant to inform.
//! So the chart is not written by hand: [`flow`] asks [`crate::case::requirements`] — the
//! same [`stage_records`] and [`stage_conditions`] that `requirements::missing` checks before
//! a stage can be completed — what each stage needs on every route a case of the kind can
//! take (each way of starting it, a major decision, a matter that ends at initiation), and
//! which openings the law allows at all ([`opening_problems`], the check of `decide_open`).
//! What every route needs is a step of the stage; what only some need is a branch beside
//! it, with the circumstance on the arrow. The AV and approval requirements are notes on
//! the steps they concern. Pure: rendering is the docs crate's (`zhifa_docs::svg`).

use crate::case::decide::opening_problems;
use crate::case::requirements::{
    AvList, Condition, EVIDENCE, EXECUTION, Route, STATEMENT, av_requirement, labels, stage_conditions, stage_records,
};
use crate::case::{ApprovalStep, Initiation, Procedure, RecordKind, Stage};
use crate::law;
use crate::registry::ActKind;

/// The chart of one kind of act under one procedure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flow {
    pub act_kind: ActKind,
    pub procedure: Procedure,
    /// The ways a case of this kind may start under this procedure.
    pub initiations: Vec<Initiation>,
    /// The stages in the order a case runs through them.
    pub stages: Vec<FlowStage>,
}

/// One stage of a chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowStage {
    pub stage: Stage,
    /// The stage's Chinese name.
    pub label: &'static str,
    /// What every case on the chart does in this stage, in order.
    pub steps: Vec<Step>,
    /// What only some cases do, each with its circumstance.
    pub branches: Vec<Branch>,
}

/// One thing a stage needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub label: String,
    /// The record the step is, where it is a required record.
    pub record: Option<RecordKind>,
    /// The records of which one will do (evidence, statement, execution, service).
    pub alternatives: Vec<RecordKind>,
    /// The condition the step is, where it is one.
    pub condition: Option<Condition>,
    /// What else the law asks of it: AV material, the approval chain, a served decision.
    pub notes: Vec<String>,
}

/// What a stage needs in a circumstance only some cases meet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Branch {
    /// The circumstance, written on the arrow (e.g. 重大执法决定, 当事人要求听证).
    pub condition: String,
    pub steps: Vec<Step>,
    /// The case then goes straight to closure (a refused application, a complaint answered).
    pub to_closure: bool,
}

/// The circumstance of a major decision's branch.
pub const MAJOR: &str = "重大执法决定";

impl Flow {
    /// The chart's title, e.g. 行政处罚（普通程序）流程图.
    pub fn title(&self) -> String {
        format!("{}（{}）流程图", self.act_kind.label(), self.procedure.label())
    }

    pub fn stage(&self, stage: Stage) -> Option<&FlowStage> {
        self.stages.iter().find(|s| s.stage == stage)
    }
}

impl FlowStage {
    /// Every step of the stage, its branches' included.
    pub fn all_steps(&self) -> impl Iterator<Item = &Step> {
        self.steps.iter().chain(self.branches.iter().flat_map(|b| b.steps.iter()))
    }

    /// The required records of the stage, on any route.
    pub fn records(&self) -> Vec<RecordKind> {
        self.all_steps().filter_map(|s| s.record).collect()
    }

    /// The conditions of the stage, on any route.
    pub fn conditions(&self) -> Vec<Condition> {
        self.all_steps().filter_map(|s| s.condition).collect()
    }
}

/// The circumstance in which a case ends at initiation, by how it started; `None` for the
/// initiations that always lead to a case.
fn ending(initiation: Initiation) -> Option<&'static str> {
    match initiation {
        Initiation::Application => Some("依申请：不予受理"),
        Initiation::Complaint => Some("投诉举报：不予立案"),
        Initiation::ExOfficio { .. } | Initiation::Inspection => None,
    }
}

/// The chart of `act_kind` under `procedure`, with the agency's AV-item list (`av_list`)
/// on top of the law's AV requirements; `None` when the law allows no case of the kind
/// under the procedure (e.g. the simplified procedure for anything but a penalty).
pub fn flow(act_kind: ActKind, procedure: Procedure, av_list: &AvList) -> Option<Flow> {
    let initiations: Vec<Initiation> =
        Initiation::ALL.into_iter().filter(|i| opening_problems(act_kind, procedure, *i).is_empty()).collect();
    if initiations.is_empty() {
        return None;
    }
    let stages = Stage::ALL.into_iter().map(|s| flow_stage(act_kind, procedure, &initiations, s, av_list)).collect();
    Some(Flow { act_kind, procedure, initiations, stages })
}

/// The charts of every kind of act under every procedure the law allows it.
pub fn all_flows(av_list: &AvList) -> Vec<Flow> {
    ActKind::ALL.into_iter().flat_map(|a| Procedure::ALL.into_iter().filter_map(move |p| flow(a, p, av_list))).collect()
}

fn flow_stage(
    act_kind: ActKind,
    procedure: Procedure,
    initiations: &[Initiation],
    stage: Stage,
    av_list: &AvList,
) -> FlowStage {
    let base = |i: Initiation| Route::new(act_kind, procedure, i);
    let records_of = |i: Initiation| stage_records(base(i), stage);
    // What every way of starting needs is the main line.
    let first = records_of(initiations[0]);
    let common: Vec<RecordKind> =
        first.into_iter().filter(|k| initiations.iter().all(|i| records_of(*i).contains(k))).collect();
    let mut out = FlowStage { stage, label: stage.label(), steps: Vec::new(), branches: Vec::new() };
    out.steps = common.iter().map(|k| record_step(*k, stage, av_list)).collect();
    // The rest, grouped by the ways of starting that need the same.
    let mut groups: Vec<(Vec<Initiation>, Vec<RecordKind>)> = Vec::new();
    for i in initiations {
        let extra: Vec<RecordKind> = records_of(*i).into_iter().filter(|k| !common.contains(k)).collect();
        if extra.is_empty() {
            continue;
        }
        match groups.iter_mut().find(|(_, e)| *e == extra) {
            Some((is, _)) => is.push(*i),
            None => groups.push((vec![*i], extra)),
        }
    }
    for (is, extra) in groups {
        let condition = is.iter().map(|i| i.label()).collect::<Vec<_>>().join("、");
        let b = branch(&mut out.branches, &condition);
        for k in extra {
            push_step(&mut b.steps, record_step(k, stage, av_list));
        }
    }
    // The routes only some cases take: a major decision, a matter ending at initiation.
    for i in initiations {
        let normal = records_of(*i);
        for (route, condition, to_closure) in alternates(base(*i)) {
            let extra: Vec<RecordKind> =
                stage_records(route, stage).into_iter().filter(|k| !normal.contains(k)).collect();
            let to_closure = to_closure && stage == Stage::Initiation;
            if extra.is_empty() && !to_closure {
                continue;
            }
            let b = branch(&mut out.branches, condition);
            b.to_closure |= to_closure;
            for k in extra {
                push_step(&mut b.steps, record_step(k, stage, av_list));
            }
        }
    }
    // The conditions besides records: a case's on the main line, unless they apply only in
    // a circumstance of their own; an alternate route's own in its branch.
    let mut seen: Vec<Condition> = Vec::new();
    for i in initiations {
        let normal = stage_conditions(base(*i), stage);
        let mut placed: Vec<(Condition, Option<&str>)> = normal.iter().map(|c| (*c, None)).collect();
        for (route, condition, _) in alternates(base(*i)) {
            for c in stage_conditions(route, stage).into_iter().filter(|c| !normal.contains(c)) {
                placed.push((c, Some(condition)));
            }
        }
        for (c, route_branch) in placed {
            if c.is_general() || seen.contains(&c) {
                continue;
            }
            seen.push(c);
            let (when, steps) = describe(c, procedure, av_list);
            match when.or(route_branch) {
                None => insert_at_anchor(&mut out.steps, anchor(c), steps),
                Some(when) => {
                    let b = branch(&mut out.branches, when);
                    for s in steps {
                        push_step(&mut b.steps, s);
                    }
                }
            }
        }
    }
    out
}

/// The routes a case started in the way of `base` may take besides it, each with the
/// circumstance of its branch and whether the case then goes straight to closure: a major
/// decision (legal review, collective discussion), a matter that ends at initiation.
fn alternates(base: Route) -> Vec<(Route, &'static str, bool)> {
    let mut out = vec![(Route { major: true, ..base }, MAJOR, false)];
    if let Some(condition) = ending(base.initiation) {
        out.push((Route { ends_at_initiation: true, ..base }, condition, true));
    }
    out
}

/// Inserts a condition's `steps` among the stage's where its anchor says.
fn insert_at_anchor(steps: &mut Vec<Step>, a: Anchor, new: Vec<Step>) {
    let at = match a {
        Anchor::Start => 0,
        Anchor::End => steps.len(),
        // After the record, and after the conditions anchored there before.
        Anchor::After(kind) => steps
            .iter()
            .rposition(|s| s.record == Some(kind) || s.condition.is_some_and(|c| anchor(c) == a))
            .map_or(steps.len(), |p| p + 1),
    };
    for (n, s) in new.into_iter().enumerate() {
        steps.insert(at + n, s);
    }
}

/// The branch of `condition`, made if there is none yet.
fn branch<'a>(branches: &'a mut Vec<Branch>, condition: &str) -> &'a mut Branch {
    let at = match branches.iter().position(|b| b.condition == condition) {
        Some(p) => p,
        None => {
            branches.push(Branch { condition: condition.to_string(), steps: Vec::new(), to_closure: false });
            branches.len() - 1
        }
    };
    &mut branches[at]
}

fn push_step(steps: &mut Vec<Step>, step: Step) {
    if !steps.iter().any(|s| s.label == step.label) {
        steps.push(step);
    }
}

/// The notes the conditions checked at every stage put on a record of `kind`: its AV
/// material, its approval chain, the decision a coercive measure rests on
///
fn notes_for(kind: RecordKind, stage: Stage, av_list: &AvList) -> Vec<String> {
    let mut notes = Vec::new();
    for c in [Condition::MeasuresDecided, Condition::ApprovalChains, Condition::Av] {
        match c {
            Condition::MeasuresDecided if kind == RecordKind::CoerciveMeasure => {
                notes.push(format!("依据{}实施，决定书须当场交付或依法送达", RecordKind::CoerciveDecision.label()))
            }
            Condition::ApprovalChains if kind.needs_approval_chain() && kind.stage() == stage => {
                let chain = [ApprovalStep::Handler, ApprovalStep::Reviewer, ApprovalStep::Approver]
                    .map(|s| s.label())
                    .join("→");
                notes.push(format!("审批：{chain}"));
            }
            Condition::Av => {
                if let Some(req) = av_requirement(kind, av_list) {
                    notes.push(format!("须有音像记录（{}）", req.label()));
                }
            }
            _ => {}
        }
    }
    notes
}

fn record_step(kind: RecordKind, stage: Stage, av_list: &AvList) -> Step {
    Step {
        label: kind.label().to_string(),
        record: Some(kind),
        alternatives: vec![],
        condition: None,
        notes: notes_for(kind, stage, av_list),
    }
}

/// The notes of alternatives that need AV material.
fn av_notes(kinds: &[RecordKind], av_list: &AvList) -> Vec<String> {
    kinds
        .iter()
        .filter_map(|k| av_requirement(*k, av_list).map(|req| format!("{}须有音像记录（{}）", k.label(), req.label())))
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Anchor {
    Start,
    End,
    After(RecordKind),
}

/// Where a condition's step stands among the stage's records.
fn anchor(c: Condition) -> Anchor {
    match c {
        Condition::Evidence => Anchor::Start,
        Condition::NoticeServed | Condition::Statement => Anchor::After(RecordKind::PriorNotice),
        _ => Anchor::End,
    }
}

fn condition_step(c: Condition, label: String, alternatives: Vec<RecordKind>, notes: Vec<String>) -> Step {
    Step { label, record: None, alternatives, condition: Some(c), notes }
}

/// How a condition is shown: the circumstance it applies in (`None`: always) and its steps.
fn describe(c: Condition, procedure: Procedure, av_list: &AvList) -> (Option<&'static str>, Vec<Step>) {
    let services: Vec<RecordKind> = RecordKind::ALL.iter().copied().filter(|k| k.is_service()).collect();
    match c {
        Condition::ComplaintAnswered => (
            ending(Initiation::Complaint),
            vec![condition_step(c, "实名投诉举报人须获答复".into(), vec![RecordKind::ComplaintReply], vec![])],
        ),
        Condition::Evidence => (
            None,
            vec![condition_step(
                c,
                "调查取证（至少一项调查取证记录）".into(),
                EVIDENCE.to_vec(),
                [vec![labels(EVIDENCE)], av_notes(EVIDENCE, av_list)].concat(),
            )],
        ),
        Condition::NoticeServed => (
            None,
            vec![condition_step(
                c,
                format!("送达{}", RecordKind::PriorNotice.label()),
                services.clone(),
                [vec![labels(&services)], av_notes(&services, av_list)].concat(),
            )],
        ),
        Condition::Statement => (
            None,
            vec![condition_step(
                c,
                "听取当事人陈述、申辩，或当事人书面放弃".into(),
                STATEMENT.to_vec(),
                vec![format!("{}之一", labels(STATEMENT))],
            )],
        ),
        Condition::HearingIfRequested => (
            Some("当事人要求听证"),
            vec![
                condition_step(
                    c,
                    format!(
                        "告知书送达后{}个工作日内申请；提前{}个工作日送达{}，由未参与调查的人员主持，不收取费用",
                        law::HEARING_REQUEST.0,
                        law::HEARING_NOTICE.0,
                        RecordKind::HearingNotice.label()
                    ),
                    vec![RecordKind::HearingNotice],
                    vec![],
                ),
                condition_step(
                    c,
                    format!(
                        "举行听证并制作{}，或当事人{}",
                        RecordKind::HearingRecord.label(),
                        RecordKind::HearingWithdrawal.label()
                    ),
                    vec![RecordKind::HearingRecord, RecordKind::HearingWithdrawal],
                    av_notes(&[RecordKind::HearingRecord], av_list),
                ),
            ],
        ),
        Condition::DecisionServed => (
            None,
            vec![condition_step(
                c,
                format!("送达{}", RecordKind::DecisionDocument.label()),
                services.clone(),
                [vec![labels(&services)], av_notes(&services, av_list)].concat(),
            )],
        ),
        Condition::Execution => (
            None,
            vec![condition_step(
                c,
                "执行（至少一项执行记录）".into(),
                EXECUTION.to_vec(),
                [vec![labels(EXECUTION)], av_notes(EXECUTION, av_list)].concat(),
            )],
        ),
        Condition::SpotFinePaid => (
            Some("当场处以罚款"),
            vec![condition_step(
                c,
                format!(
                    "缴纳罚款（{}或{}）",
                    RecordKind::FineReceipt.label(),
                    RecordKind::VoluntaryPerformance.label()
                ),
                vec![RecordKind::FineReceipt, RecordKind::VoluntaryPerformance],
                vec![format!("{}仅处警告的，无须执行记录", procedure.label())],
            )],
        ),
        Condition::ReasonsAnswered => (
            Some("当事人申请书面说明理由"),
            vec![condition_step(
                c,
                format!("结案前制作{}", RecordKind::ReasonsReply.label()),
                vec![RecordKind::ReasonsReply],
                vec![],
            )],
        ),
        // Checked at every stage: shown as notes on the records they concern.
        Condition::MeasuresDecided | Condition::ApprovalChains | Condition::Av => (None, vec![]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn routes(f: &Flow) -> Vec<Route> {
        let mut out = Vec::new();
        for i in &f.initiations {
            for major in [false, true] {
                for ends in [false, true] {
                    if ends && ending(*i).is_none() {
                        continue;
                    }
                    out.push(Route { major, ends_at_initiation: ends, ..Route::new(f.act_kind, f.procedure, *i) });
                }
            }
        }
        out
    }

    // rule: D-01
    #[test]
    fn every_record_and_condition_the_system_demands_is_on_the_chart_in_its_stage() {
        let none = AvList::new();
        let mut charts = 0;
        for act in ActKind::ALL {
            for procedure in Procedure::ALL {
                let allowed = Initiation::ALL.into_iter().any(|i| opening_problems(act, procedure, i).is_empty());
                let Some(f) = flow(act, procedure, &none) else {
                    assert!(!allowed, "{act:?} {procedure:?}: a case may be opened but has no chart");
                    continue;
                };
                charts += 1;
                let order: Vec<Stage> = f.stages.iter().map(|s| s.stage).collect();
                assert_eq!(order, Stage::ALL.to_vec());
                for route in routes(&f) {
                    for stage in Stage::ALL {
                        let on_chart = f.stage(stage).unwrap();
                        for k in stage_records(route, stage) {
                            assert!(
                                on_chart.records().contains(&k),
                                "{}: {route:?} needs {} in {}, the chart does not show it there",
                                f.title(),
                                k.label(),
                                stage.label()
                            );
                        }
                        for c in stage_conditions(route, stage).into_iter().filter(|c| !c.is_general()) {
                            assert!(
                                on_chart.conditions().contains(&c),
                                "{}: {route:?} {c:?} in {}",
                                f.title(),
                                stage.label()
                            );
                        }
                    }
                }
                // And nothing the system does not demand: every record on the chart is
                // required in that stage on some route.
                for s in &f.stages {
                    for k in s.records() {
                        assert!(
                            routes(&f).iter().any(|r| stage_records(*r, s.stage).contains(&k)),
                            "{}: {} shown in {} but never required there",
                            f.title(),
                            k.label(),
                            s.label
                        );
                    }
                }
            }
        }
        // Eight kinds of act under the ordinary and the quick procedure, penalties simplified.
        assert_eq!(charts, 17);
        assert_eq!(all_flows(&none).len(), 17);
    }

    // rule: D-01
    #[test]
    fn a_simplified_penalty_is_decided_on_the_spot_without_legal_review() {
        let f = flow(ActKind::Penalty, Procedure::Simplified, &AvList::new()).unwrap();
        let decision = f.stage(Stage::Decision).unwrap();
        assert!(decision.steps.iter().any(|s| s.label == "当场行政处罚决定书"), "{decision:?}");
        let all: Vec<&str> = f
            .stages
            .iter()
            .flat_map(|s| s.all_steps())
            .map(|s| s.label.as_str())
            .chain(f.stages.iter().flat_map(|s| s.branches.iter()).map(|b| b.condition.as_str()))
            .collect();
        assert!(!all.iter().any(|l| l.contains("法制审核") || l.contains(MAJOR)), "{all:?}");
        assert!(!f.initiations.contains(&Initiation::Application));
        // A fine on the spot is paid and receipted; the branch says when.
        let execution = f.stage(Stage::Execution).unwrap();
        assert_eq!(execution.branches[0].condition, "当场处以罚款");
        assert_eq!(f.stage(Stage::Closure).unwrap().steps[0].label, "简易程序备案");
        assert_eq!(f.title(), "行政处罚（简易程序）流程图");
        assert!(flow(ActKind::Permit, Procedure::Simplified, &AvList::new()).is_none());
    }

    // rule: D-01
    #[test]
    fn an_ordinary_penalty_shows_review_of_a_major_decision_and_the_hearing_as_branches() {
        let f = flow(ActKind::Penalty, Procedure::Ordinary, &AvList::new()).unwrap();
        let decision = f.stage(Stage::Decision).unwrap();
        let labels: Vec<&str> = decision.steps.iter().map(|s| s.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "案件处理审批表（拟决定）",
                "事先告知书",
                "送达事先告知书",
                "听取当事人陈述、申辩，或当事人书面放弃",
                "负责人审批",
                "决定书"
            ]
        );
        let major = decision.branches.iter().find(|b| b.condition == MAJOR).unwrap();
        let kinds: Vec<_> = major.steps.iter().filter_map(|s| s.record).collect();
        assert_eq!(kinds, [RecordKind::LegalReviewOpinion, RecordKind::CollectiveDiscussion]);
        assert!(decision.branches.iter().any(|b| b.condition == "当事人要求听证"));
        // The filing approval is common to every way of starting, with its approval chain.
        let start = f.stage(Stage::Initiation).unwrap();
        assert_eq!(start.steps[0].label, "立案审批表");
        assert!(start.steps[0].notes.iter().any(|n| n.contains("承办人意见→审核意见→审批意见")));
        let complaint = start.branches.iter().find(|b| b.condition == "投诉举报").unwrap();
        assert_eq!(complaint.steps[0].label, "投诉举报登记");
        let answered = start.branches.iter().find(|b| b.condition == "投诉举报：不予立案").unwrap();
        assert!(answered.to_closure && answered.steps.iter().any(|s| s.record == Some(RecordKind::ComplaintReply)));
        // Evidence comes before the investigation report; the AV the law requires is noted.
        let inv = f.stage(Stage::Investigation).unwrap();
        assert_eq!(inv.steps[0].condition, Some(Condition::Evidence));
        assert_eq!(inv.steps[1].record, Some(RecordKind::InvestigationReport));
        assert!(inv.steps[0].notes.iter().any(|n| n == "现场检查（勘验）笔录须有音像记录（照片、录音或录像）"));
    }

    // rule: D-01
    #[test]
    fn the_agencys_av_list_is_on_its_chart() {
        let mut list = AvList::new();
        list.insert(RecordKind::FilingApproval, crate::case::AvRequirement::Video);
        let f = flow(ActKind::Penalty, Procedure::Ordinary, &list).unwrap();
        let filing = &f.stage(Stage::Initiation).unwrap().steps[0];
        assert!(filing.notes.contains(&"须有音像记录（录像）".to_string()), "{filing:?}");
    }

    // rule: D-01
    #[test]
    fn a_permit_starts_by_application_or_otherwise_and_a_refusal_ends_it() {
        let f = flow(ActKind::Permit, Procedure::Ordinary, &AvList::new()).unwrap();
        let start = f.stage(Stage::Initiation).unwrap();
        assert!(start.steps.is_empty());
        let applied = start.branches.iter().find(|b| b.condition == "依申请").unwrap();
        let kinds: Vec<_> = applied.steps.iter().filter_map(|s| s.record).collect();
        assert_eq!(
            kinds,
            [RecordKind::ApplicationRegistration, RecordKind::AcceptanceDecision, RecordKind::ApplicationReceipt]
        );
        assert!(start.branches.iter().any(|b| b.condition == "依职权、依职权（紧急先行）"));
        assert!(start.branches.iter().any(|b| b.condition == "依申请：不予受理" && b.to_closure));
        // No prior notice outside penalties.
        assert!(!f.stage(Stage::Decision).unwrap().records().contains(&RecordKind::PriorNotice));
    }
}
