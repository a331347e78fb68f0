//! What each stage requires before it can be completed (R-01… ): the written
//! records, the approvals, the services (of notices, decisions and coercive-measure
//! decisions) and the AV material. [`missing`] lists everything
//! still missing, in Chinese, so the officer sees the whole list at once.

use std::collections::BTreeMap;

use crate::case::{AvRequirement, Case, Initiation, Procedure, RecordKind, Stage};
use crate::registry::ActKind;

/// Extra AV requirements from an agency's AV-item list (音像记录事项清单), by record kind.
pub type AvList = BTreeMap<RecordKind, AvRequirement>;

/// The AV requirement of a kind of act: the law's, or the agency's list's.
pub fn av_requirement(kind: RecordKind, list: &AvList) -> Option<AvRequirement> {
    kind.mandatory_av().or_else(|| list.get(&kind).copied())
}

const EVIDENCE: &[RecordKind] = &[
    RecordKind::Inquiry,
    RecordKind::SiteInspection,
    RecordKind::DocumentaryEvidence,
    RecordKind::PhysicalEvidence,
    RecordKind::Sampling,
    RecordKind::EvidencePreservation,
    RecordKind::ExpertAppraisal,
    RecordKind::CoerciveMeasure,
];

const STATEMENT: &[RecordKind] =
    &[RecordKind::StatementDefence, RecordKind::StatementWaiver, RecordKind::HearingRecord];

const EXECUTION: &[RecordKind] = &[
    RecordKind::VoluntaryPerformance,
    RecordKind::CorrectionVerification,
    RecordKind::CompulsoryExecution,
    RecordKind::RemovalRestoration,
    RecordKind::CourtApplication,
    RecordKind::FineReceipt,
];

fn labels(kinds: &[RecordKind]) -> String {
    kinds.iter().map(|k| k.label()).collect::<Vec<_>>().join("、")
}

/// Kinds that must be present (at least one each) to complete `stage`.
fn required_records(case: &Case, stage: Stage) -> Vec<RecordKind> {
    let o = &case.opening;
    let simplified = o.procedure == Procedure::Simplified;
    if case.ends_at_initiation() {
        return match stage {
            Stage::Initiation if o.initiation == Initiation::Application => {
                vec![RecordKind::ApplicationRegistration, RecordKind::AcceptanceDecision]
            }
            Stage::Initiation => vec![RecordKind::ComplaintRegistration, RecordKind::ComplaintReply],
            Stage::Closure => vec![RecordKind::ClosingReport],
            _ => vec![],
        };
    }
    match stage {
        Stage::Initiation if simplified => vec![],
        Stage::Initiation => match o.initiation {
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
            if o.procedure == Procedure::Ordinary && matches!(o.act_kind, ActKind::Penalty | ActKind::Coercion) {
                v.push(RecordKind::InvestigationReport);
            }
            // a coercion case records the measure itself.
            if o.act_kind == ActKind::Coercion {
                v.push(RecordKind::CoerciveMeasure);
            }
            v
        }
        Stage::Decision if simplified => vec![RecordKind::OnTheSpotDecision],
        Stage::Decision => {
            let mut v = vec![RecordKind::DecisionDraft];
            if o.act_kind == ActKind::Penalty {
                v.push(RecordKind::PriorNotice);
            }
            if matches!(o.act_kind, ActKind::Penalty | ActKind::Coercion | ActKind::Permit | ActKind::Levy) {
                v.push(RecordKind::HeadApproval);
            }
            if case.major.is_some() {
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

/// Everything still missing before `stage` can be completed, in Chinese; empty when
/// complete. `av_list` is the agency's AV-item list.
pub fn missing(case: &Case, stage: Stage, av_list: &AvList) -> Vec<String> {
    let o = &case.opening;
    let simplified = o.procedure == Procedure::Simplified;
    let mut out = Vec::new();
    for kind in required_records(case, stage) {
        if !case.has(kind) {
            out.push(format!("缺少{}", kind.label()));
        }
    }
    let ends = case.ends_at_initiation();
    match stage {
        // a real-name complaint that leads to no case is answered.
        Stage::Initiation
            if o.initiation == Initiation::Complaint
                && !case.has(RecordKind::FilingApproval)
                && !case.has(RecordKind::ComplaintReply)
                && case
                    .records_of(RecordKind::ComplaintRegistration)
                    .any(|r| crate::case::kinds::parse_yes_no(r.field("real_name")) == Some(true)) =>
        {
            out.push(
                "实名投诉举报不予立案的，须答复投诉举报人（缺少投诉举报答复）；予以立案的，须制作立案审批表".into(),
            );
        }
        Stage::Investigation if !ends && !simplified && !EVIDENCE.iter().any(|k| case.has(*k)) => {
            out.push(format!("至少需要一项调查取证记录（{}）", labels(EVIDENCE)));
        }
        Stage::Decision if !ends && !simplified && o.act_kind == ActKind::Penalty => {
            // N-04 / R-12: the prior notice is served, and the party heard or waived.
            for notice in case.records_of(RecordKind::PriorNotice) {
                if !case.records.iter().any(|r| r.record.kind.is_service() && r.record.serves == Some(notice.record.id))
                {
                    out.push(format!("{}尚无送达记录", RecordKind::PriorNotice.label()));
                }
            }
            if !STATEMENT.iter().any(|k| case.has(*k)) {
                out.push(format!("缺少当事人陈述申辩记录或书面放弃声明（{}）", labels(STATEMENT)));
            }
            // N-05, R-06: a requested hearing is noticed and held, or the request
            // withdrawn in writing; a hearing noticed is held and recorded.
            out.extend(crate::case::hearing::gaps(case));
        }
        Stage::Service if !ends && !simplified => {
            for d in case.records_of(RecordKind::DecisionDocument) {
                if !case.records.iter().any(|r| r.record.kind.is_service() && r.record.serves == Some(d.record.id)) {
                    out.push(format!("{}尚无送达记录", case.document_title(d.record.id)));
                }
            }
        }
        Stage::Execution if !ends && matches!(o.act_kind, ActKind::Penalty | ActKind::Coercion | ActKind::Levy) => {
            let fined = case
                .records_of(RecordKind::OnTheSpotDecision)
                .any(|r| r.record.penalty.as_ref().is_some_and(|p| p.fine.is_some()));
            let warning_only = simplified && !fined;
            if !warning_only && !EXECUTION.iter().any(|k| case.has(*k)) {
                out.push(format!("缺少执行记录（{}之一）", labels(EXECUTION)));
            }
            if simplified && fined && !case.has(RecordKind::FineReceipt) && !case.has(RecordKind::VoluntaryPerformance)
            {
                out.push(format!("缺少{}", RecordKind::FineReceipt.label()));
            }
        }
        _ => {}
    }
    // each coercive measure rests on its written decision (the decision it names;
    // a measure recorded before measures named theirs rests on any of the case's), and the
    // decision is served (a service record pointing at it) before any stage completes.
    // A decision is not evidence: the investigation still needs a real act of evidence.
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
            out.push(format!("{}尚无送达记录，须当场交付或依法送达当事人", case.document_title(d.record.id)));
        }
    }
    // G-05: a request for written reasons is answered before the case is closed.
    if stage == Stage::Closure {
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
    // approval forms of this stage need the whole chain.
    for r in case.records.iter().filter(|r| r.record.kind.needs_approval_chain() && r.record.kind.stage() == stage) {
        if r.approved_at().is_none() {
            let next = r.next_step().map(|s| s.label()).unwrap_or("");
            out.push(format!("{}的审批流程未完成（待{}）", r.record.kind.label(), next));
        }
    }
    // acts of this stage that require AV have it.
    for r in case.records.iter().filter(|r| r.record.stage == stage) {
        if let Some(req) = av_requirement(r.record.kind, av_list)
            && !case.av_for(r.record.id).any(|a| req.accepts(a.media))
        {
            out.push(format!("{}须有音像记录（{}），尚未上传", r.record.kind.label(), req.label()));
        }
    }
    out
}
