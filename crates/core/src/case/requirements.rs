//! What each stage requires before it can be completed (R-01… ): the written
//! records, the approvals, the services (of notices, decisions and coercive-measure
//! decisions) and the AV material. [`missing`] lists everything
//! still missing, in Chinese, so the officer sees the whole list at once.
//!
//! The requirements are data before they are checks: [`stage_records`] lists the records
//! a stage needs and [`stage_conditions`] the other [`Condition`]s, both as functions of the
//! case's [`Route`] (its opening, whether its decision was marked major, whether it ended
//! at initiation). [`missing`] checks those lists against a case; the published procedure
//! flowcharts ([`crate::case::flow`], D-01) are drawn from the very same lists, so what
//! the portal shows and what the system enforces cannot drift apart.

use std::collections::BTreeMap;

use crate::case::{AvRequirement, Case, Initiation, Procedure, RecordKind, Stage};
use crate::registry::ActKind;

/// Extra AV requirements from an agency's AV-item list (音像记录事项清单), by record kind.
pub type AvList = BTreeMap<RecordKind, AvRequirement>;

/// The AV requirement of a kind of act: the law's, or the agency's list's.
pub fn av_requirement(kind: RecordKind, list: &AvList) -> Option<AvRequirement> {
    kind.mandatory_av().or_else(|| list.get(&kind).copied())
}

/// The acts of evidence, at least one of which an investigation records.
pub const EVIDENCE: &[RecordKind] = &[
    RecordKind::Inquiry,
    RecordKind::SiteInspection,
    RecordKind::DocumentaryEvidence,
    RecordKind::PhysicalEvidence,
    RecordKind::Sampling,
    RecordKind::EvidencePreservation,
    RecordKind::ExpertAppraisal,
    RecordKind::CoerciveMeasure,
];

/// The records of the party heard before a penalty, or its waiver (R-12, N-04).
pub const STATEMENT: &[RecordKind] =
    &[RecordKind::StatementDefence, RecordKind::StatementWaiver, RecordKind::HearingRecord];

/// The records of execution, one of which a penalty, coercion or levy needs.
pub const EXECUTION: &[RecordKind] = &[
    RecordKind::VoluntaryPerformance,
    RecordKind::CorrectionVerification,
    RecordKind::CompulsoryExecution,
    RecordKind::RemovalRestoration,
    RecordKind::CourtApplication,
    RecordKind::FineReceipt,
];

/// The labels of `kinds`, joined with 、.
pub fn labels(kinds: &[RecordKind]) -> String {
    kinds.iter().map(|k| k.label()).collect::<Vec<_>>().join("、")
}

/// What a case's requirements turn on: the kind of act, the procedure and the initiation
/// it was opened with, whether its decision was marked major (重大执法决定), and whether
/// the matter ended at initiation without a case ([`Case::ends_at_initiation`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Route {
    pub act_kind: ActKind,
    pub procedure: Procedure,
    pub initiation: Initiation,
    pub major: bool,
    pub ends_at_initiation: bool,
}

impl Route {
    /// The route of a case as it stands.
    pub fn of(case: &Case) -> Route {
        let o = &case.opening;
        Route {
            act_kind: o.act_kind,
            procedure: o.procedure,
            initiation: o.initiation,
            major: case.major.is_some(),
            ends_at_initiation: case.ends_at_initiation(),
        }
    }

    /// A route that runs its whole course, not major.
    pub fn new(act_kind: ActKind, procedure: Procedure, initiation: Initiation) -> Route {
        Route { act_kind, procedure, initiation, major: false, ends_at_initiation: false }
    }

    fn simplified(self) -> bool {
        self.procedure == Procedure::Simplified
    }
}

/// Kinds that must be present (at least one each) to complete `stage` on `route`.
pub fn stage_records(route: Route, stage: Stage) -> Vec<RecordKind> {
    let simplified = route.simplified();
    if route.ends_at_initiation {
        return match stage {
            Stage::Initiation if route.initiation == Initiation::Application => {
                vec![RecordKind::ApplicationRegistration, RecordKind::AcceptanceDecision]
            }
            Stage::Initiation => vec![RecordKind::ComplaintRegistration, RecordKind::ComplaintReply],
            Stage::Closure => vec![RecordKind::ClosingReport],
            _ => vec![],
        };
    }
    match stage {
        Stage::Initiation if simplified => vec![],
        Stage::Initiation => match route.initiation {
            Initiation::Application => {
                vec![
                    RecordKind::ApplicationRegistration,
                    RecordKind::AcceptanceDecision,
                    RecordKind::ApplicationReceipt,
                ]
            }
            Initiation::ExOfficio { .. } => vec![RecordKind::FilingApproval],
            Initiation::Complaint => vec![RecordKind::ComplaintRegistration, RecordKind::FilingApproval],
            Initiation::Inspection => vec![RecordKind::InspectionReferral, RecordKind::FilingApproval],
        },
        Stage::Investigation => {
            let mut v = vec![];
            if route.procedure == Procedure::Ordinary && matches!(route.act_kind, ActKind::Penalty | ActKind::Coercion)
            {
                v.push(RecordKind::InvestigationReport);
            }
            // a coercion case records the measure itself.
            if route.act_kind == ActKind::Coercion {
                v.push(RecordKind::CoerciveMeasure);
            }
            v
        }
        Stage::Decision if simplified => vec![RecordKind::OnTheSpotDecision],
        Stage::Decision => {
            let mut v = vec![RecordKind::DecisionDraft];
            if route.act_kind == ActKind::Penalty {
                v.push(RecordKind::PriorNotice);
            }
            if matches!(route.act_kind, ActKind::Penalty | ActKind::Coercion | ActKind::Permit | ActKind::Levy) {
                v.push(RecordKind::HeadApproval);
            }
            if route.major {
                v.push(RecordKind::LegalReviewOpinion);
                v.push(RecordKind::CollectiveDiscussion);
            }
            v.push(RecordKind::DecisionDocument);
            v
        }
        Stage::Service | Stage::Execution => vec![],
        Stage::Closure if simplified => vec![RecordKind::SimplifiedFiling],
        Stage::Closure => vec![RecordKind::ClosingReport],
    }
}

/// Kinds that must be present (at least one each) to complete `stage`.
fn required_records(case: &Case, stage: Stage) -> Vec<RecordKind> {
    stage_records(Route::of(case), stage)
}

/// A requirement of a stage besides "a record of this kind" (R-04…R-19). Some apply only
/// when something happened (a hearing requested, an on-the-spot fine); [`missing`]
/// checks each against a case. The chart draws every one ([`crate::case::flow`]): a new
/// condition cannot be added without saying how it is published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Condition {
    /// a real-name complaint that leads to no case is answered.
    ComplaintAnswered,
    /// at least one act of evidence ([`EVIDENCE`]).
    Evidence,
    /// N-04: the prior notice is served.
    NoticeServed,
    /// the party heard, or its waiver in writing ([`STATEMENT`]).
    Statement,
    /// N-05, R-06: a requested hearing is noticed and held, or the request withdrawn in
    /// writing; a hearing noticed is held and recorded.
    HearingIfRequested,
    /// each decision document is served.
    DecisionServed,
    /// an execution record ([`EXECUTION`]).
    Execution,
    /// an on-the-spot fine is executed and its payment recorded; a warning
    /// alone needs nothing.
    SpotFinePaid,
    /// each coercive measure rests on its written decision, which is served. Checked
    /// at every stage.
    MeasuresDecided,
    /// G-05: a request for written reasons is answered before the case is closed.
    ReasonsAnswered,
    /// the stage's approval forms are approved through the whole chain. Checked at
    /// every stage.
    ApprovalChains,
    /// the stage's acts that require AV material have it. Checked at every stage.
    Av,
}

impl Condition {
    /// Whether the condition is checked at every stage, on whatever records the stage
    /// holds, rather than being a step of one stage.
    pub fn is_general(self) -> bool {
        matches!(self, Condition::MeasuresDecided | Condition::ApprovalChains | Condition::Av)
    }

    /// What `case` still lacks of this condition at `stage`, in Chinese.
    fn gaps(self, case: &Case, stage: Stage, av_list: &AvList, out: &mut Vec<String>) {
        match self {
            Condition::ComplaintAnswered => {
                if !case.has(RecordKind::FilingApproval)
                    && !case.has(RecordKind::ComplaintReply)
                    && case
                        .records_of(RecordKind::ComplaintRegistration)
                        .any(|r| crate::case::kinds::parse_yes_no(r.field("real_name")) == Some(true))
                {
                    out.push(
                        "实名投诉举报不予立案的，须答复投诉举报人（缺少投诉举报答复）；予以立案的，须制作立案审批表"
                            .into(),
                    );
                }
            }
            Condition::Evidence => {
                if !EVIDENCE.iter().any(|k| case.has(*k)) {
                    out.push(format!("至少需要一项调查取证记录（{}）", labels(EVIDENCE)));
                }
            }
            Condition::NoticeServed => {
                for notice in case.records_of(RecordKind::PriorNotice) {
                    if !case
                        .records
                        .iter()
                        .any(|r| r.record.kind.is_service() && r.record.serves == Some(notice.record.id))
                    {
                        out.push(format!("{}尚无送达记录", RecordKind::PriorNotice.label()));
                    }
                }
            }
            Condition::Statement => {
                if !STATEMENT.iter().any(|k| case.has(*k)) {
                    out.push(format!("缺少当事人陈述申辩记录或书面放弃声明（{}）", labels(STATEMENT)));
                }
            }
            Condition::HearingIfRequested => out.extend(crate::case::hearing::gaps(case)),
            Condition::DecisionServed => {
                for d in case.records_of(RecordKind::DecisionDocument) {
                    if !case.records.iter().any(|r| r.record.kind.is_service() && r.record.serves == Some(d.record.id))
                    {
                        out.push(format!("{}尚无送达记录", case.document_title(d.record.id)));
                    }
                }
            }
            Condition::Execution => {
                if !EXECUTION.iter().any(|k| case.has(*k)) {
                    out.push(format!("缺少执行记录（{}之一）", labels(EXECUTION)));
                }
            }
            Condition::SpotFinePaid => {
                let fined = case
                    .records_of(RecordKind::OnTheSpotDecision)
                    .any(|r| r.record.penalty.as_ref().is_some_and(|p| p.fine.is_some()));
                if fined && !EXECUTION.iter().any(|k| case.has(*k)) {
                    out.push(format!("缺少执行记录（{}之一）", labels(EXECUTION)));
                }
                if fined && !case.has(RecordKind::FineReceipt) && !case.has(RecordKind::VoluntaryPerformance) {
                    out.push(format!("缺少{}", RecordKind::FineReceipt.label()));
                }
            }
            // Each measure rests on the decision it names (a measure recorded before measures
            // named theirs rests on any of the case's), and the decision is served (a service
            // record pointing at it) before any stage completes. A decision is not evidence:
            // the investigation still needs a real act of evidence.
            Condition::MeasuresDecided => {
                for m in case.records_of(RecordKind::CoerciveMeasure) {
                    let decision = match m.record.serves {
                        Some(id) => case.record(id).filter(|d| d.record.kind == RecordKind::CoerciveDecision),
                        None => case.records_of(RecordKind::CoerciveDecision).next(),
                    };
                    if decision.is_none() {
                        out.push(format!(
                            "已实施行政强制措施（{}，{}），缺少其{}（载明理由、依据、期限及救济途径）",
                            m.field("measure"),
                            m.field("taken_at"),
                            RecordKind::CoerciveDecision.label()
                        ));
                    }
                }
                for d in case.records_of(RecordKind::CoerciveDecision) {
                    if case.services_of(d.record.id).next().is_none() {
                        out.push(format!(
                            "{}尚无送达记录，须当场交付或依法送达当事人",
                            case.document_title(d.record.id)
                        ));
                    }
                }
            }
            Condition::ReasonsAnswered => {
                for q in crate::case::reasons::unanswered(case) {
                    out.push(format!(
                        "{}（{}，{}）尚未书面说明理由：须在结案前制作{}（G-05）",
                        RecordKind::ReasonsRequest.label(),
                        q.field("requester"),
                        q.field("requested_on"),
                        RecordKind::ReasonsReply.label()
                    ));
                }
            }
            Condition::ApprovalChains => {
                for r in case
                    .records
                    .iter()
                    .filter(|r| r.record.kind.needs_approval_chain() && r.record.kind.stage() == stage)
                {
                    if r.approved_at().is_none() {
                        let next = r.next_step().map(|s| s.label()).unwrap_or("");
                        out.push(format!("{}的审批流程未完成（待{}）", r.record.kind.label(), next));
                    }
                }
            }
            Condition::Av => {
                for r in case.records.iter().filter(|r| r.record.stage == stage) {
                    if let Some(req) = av_requirement(r.record.kind, av_list)
                        && !case.av_for(r.record.id).any(|a| req.accepts(a.media))
                    {
                        out.push(format!("{}须有音像记录（{}），尚未上传", r.record.kind.label(), req.label()));
                    }
                }
            }
        }
    }
}

/// The conditions besides records that completing `stage` on `route` checks, in the
/// order [`missing`] reports them.
pub fn stage_conditions(route: Route, stage: Stage) -> Vec<Condition> {
    let ends = route.ends_at_initiation;
    let simplified = route.simplified();
    let mut v = Vec::new();
    match stage {
        Stage::Initiation if route.initiation == Initiation::Complaint => v.push(Condition::ComplaintAnswered),
        Stage::Investigation if !ends && !simplified => v.push(Condition::Evidence),
        Stage::Decision if !ends && !simplified && route.act_kind == ActKind::Penalty => {
            v.extend([Condition::NoticeServed, Condition::Statement, Condition::HearingIfRequested])
        }
        Stage::Service if !ends && !simplified => v.push(Condition::DecisionServed),
        Stage::Execution if !ends && matches!(route.act_kind, ActKind::Penalty | ActKind::Coercion | ActKind::Levy) => {
            v.push(if simplified { Condition::SpotFinePaid } else { Condition::Execution })
        }
        _ => {}
    }
    v.push(Condition::MeasuresDecided);
    if stage == Stage::Closure {
        v.push(Condition::ReasonsAnswered);
    }
    v.extend([Condition::ApprovalChains, Condition::Av]);
    v
}

/// Everything still missing before `stage` can be completed, in Chinese; empty when
/// complete. `av_list` is the agency's AV-item list.
pub fn missing(case: &Case, stage: Stage, av_list: &AvList) -> Vec<String> {
    let mut out = Vec::new();
    for kind in required_records(case, stage) {
        if !case.has(kind) {
            out.push(format!("缺少{}", kind.label()));
        }
    }
    for c in stage_conditions(Route::of(case), stage) {
        c.gaps(case, stage, av_list, &mut out);
    }
    out
}
