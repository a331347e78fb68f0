//! The commands of a legal review, each a pure check of (case, command, policy, account,
//! time) returning the events to append or a [`Rejection`] listing everything wrong.
//!
//! Who may act: the handling side (an officer of the case or a head) declares flags,
//! submits, supplements and asks for re-review; a legal reviewer who did not act in the case
//! notices, refuses, records advisers' opinions and concludes (L-07, P-05); a head decides
//! an extension and records the collective discussion, whose participants sign it each for
//! themselves. Which agency an account belongs to is checked by the caller.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use uuid::Uuid;

use super::major::{ReviewCatalogueEntry, parse_flag, proposed_penalty, requirement};
use super::{
    AdviserKind, ChecklistAnswer, ChecklistItem, CollectiveDecision, DraftStamp, Flag, Level, Material, MaterialKind,
    MaterialSource, Opinion, ReviewEvent, ReviewPolicy, Round, Signer, Standing, level_standing,
};
use crate::access::Role;
use crate::case::decide::{Approver, NewRecord};
use crate::case::{Case, CaseEvent, RecordKind, Stage};
use crate::validation::Rejection;

fn signer(by: &Approver) -> Signer {
    Signer { account_id: by.account_id, name: by.name.clone() }
}

fn ev(e: ReviewEvent) -> CaseEvent {
    CaseEvent::Review { event: e }
}

/// The written form that joins the case file with a review step (the opinion form, the
/// collective discussion's minutes), made as any record of its kind is.
fn form(
    case: &Case,
    kind: RecordKind,
    role: Role,
    fields: &[(&str, &str)],
    now: NaiveDateTime,
) -> Result<CaseEvent, Rejection> {
    let mut rec = NewRecord::new(kind, fields);
    rec.by_role = Some(role);
    crate::case::decide::decide_add_record(case, rec, None, now.date())
}

/// The review happens in the decision stage, before the decision is made.
fn in_decision_stage(case: &Case) -> Result<(), Rejection> {
    if case.is_archived() {
        return Err(Rejection::one("case", "案件已归档"));
    }
    match case.current_stage() {
        Some(Stage::Decision) => Ok(()),
        Some(s) if s < Stage::Decision => {
            Err(Rejection::one("case", format!("案件处于“{}”阶段；法制审核在调查终结后、作出决定前进行", s.label())))
        }
        _ => Err(Rejection::one("case", "决定已作出，不能再进行法制审核")),
    }
}

fn handler(r: &mut Rejection, by: &Approver) {
    if !matches!(by.role, Role::Officer | Role::Head) {
        r.add("case", "须由承办机构的执法人员或负责人办理");
    }
}

/// A placeholder is no written reason: empty, one or two characters, "无", "同意", "同上"….
fn no_reason(s: &str) -> bool {
    let bare: String = s.chars().filter(|c| c.is_alphanumeric()).collect();
    bare.chars().count() < 2
        || ["无", "没有", "同意", "不同意", "略", "同上", "见上", "如上", "暂无"].contains(&bare.as_str())
}

/// Whether an account acted in the case — assigned to it, named on a record, signed an
/// approval, or wrote any of its records (`actors`: the accounts that appended the case's
/// events other than review events). Such an account may not review it (L-07, P-05).
pub fn acted_in_case(case: &Case, by: &Approver, actors: &[Uuid]) -> Option<String> {
    if let Some(o) = by.officer_id {
        let assigned = case.officers.iter().chain(&case.auxiliaries).chain(&case.opening.officers);
        if assigned.clone().any(|a| a.officer_id == o) {
            return Some("系本案的承办人员".into());
        }
        if case.records.iter().any(|r| r.record.officers.iter().chain(&r.record.auxiliaries).any(|a| a.officer_id == o))
        {
            return Some("参与实施了本案的执法行为".into());
        }
    }
    if case.records.iter().any(|r| r.approvals.iter().any(|a| a.account_id == Some(by.account_id))) {
        return Some("签署过本案的审批".into());
    }
    if actors.contains(&by.account_id) {
        return Some("在本案中制作过记录或办理过案件".into());
    }
    None
}

/// The reviewer's checks: the role, and no part in the case (L-07, P-05).
fn reviewer(r: &mut Rejection, case: &Case, by: &Approver, actors: &[Uuid]) {
    if by.role != Role::LegalReviewer {
        r.add("case", "法制审核须由法制审核人员办理");
    }
    if let Some(why) = acted_in_case(case, by, actors) {
        r.add(
            "case",
            format!(
                "{}{why}，不得审核本案（法制审核人员不得审核其参与执法的案件，L-07、P-05），请由其他法制审核人员审核",
                by.name
            ),
        );
    }
}

fn open_round(case: &Case, round: Uuid) -> Result<&Round, Rejection> {
    let r = case.review.round(round).ok_or_else(|| Rejection::one("round", "审核事项不存在"))?;
    if let Some(c) = &r.conclusion {
        return Err(Rejection::one("round", format!("本次审核已于{}出具意见", c.at.format("%Y-%m-%d"))));
    }
    if r.refused.is_some() {
        return Err(Rejection::one("round", "本次送审已决定不予受理"));
    }
    Ok(r)
}

/// The investigation records that make up the case file.
fn evidence(case: &Case) -> Vec<Uuid> {
    case.records.iter().filter(|r| r.record.kind.stage() == Stage::Investigation).map(|r| r.record.id).collect()
}

/// The materials of L-03 for a submission at `level`: from the case's records where they
/// exist, else as declared, else missing.
pub fn materials(case: &Case, level: Level, declared: &BTreeMap<MaterialKind, String>) -> Vec<Material> {
    let decl = |k: MaterialKind| {
        declared
            .get(&k)
            .map(|t| t.trim())
            .filter(|t| !t.is_empty())
            .map(|t| MaterialSource::Declared { text: t.into() })
    };
    let ids = |kind: RecordKind| case.records_of(kind).map(|r| r.record.id).collect::<Vec<_>>();
    let derived = |records: Vec<Uuid>, summary: String| MaterialSource::Derived { records, summary };
    let draft = case.records_of(RecordKind::DecisionDraft).last();
    let mut out = Vec::new();
    for kind in MaterialKind::ALL {
        let source = match kind {
            MaterialKind::InvestigationReport => match ids(RecordKind::InvestigationReport) {
                v if !v.is_empty() => derived(v, RecordKind::InvestigationReport.label().into()),
                _ => decl(kind).unwrap_or(MaterialSource::Missing),
            },
            MaterialKind::SubjectQualification => {
                let officers: Vec<String> =
                    case.officers.iter().map(|o| format!("{}（执法证{}）", o.name, o.certificate_number)).collect();
                derived(vec![], format!("执法主体为本机关（主体信息已登记）；承办人员：{}", officers.join("、")))
            }
            MaterialKind::CaseFile => match evidence(case) {
                v if !v.is_empty() => {
                    let summary = format!("调查取证等记录{}份、音像记录{}件", v.len(), case.av.len());
                    derived(v, summary)
                }
                _ => decl(kind).unwrap_or(MaterialSource::Missing),
            },
            MaterialKind::DraftDecision => match draft {
                Some(d) => derived(
                    vec![d.record.id],
                    format!("{}（拟处理意见：{}）", d.record.kind.label(), d.field("proposal")),
                ),
                None => decl(kind).unwrap_or(MaterialSource::Missing),
            },
            MaterialKind::HearingOrAssessment => {
                let held: Vec<Uuid> =
                    ids(RecordKind::HearingRecord).into_iter().chain(ids(RecordKind::ExpertOpinion)).collect();
                if !held.is_empty() {
                    derived(held, "听证笔录、专家论证（评估）意见".into())
                } else if case.has(RecordKind::HearingNotice) {
                    decl(kind).unwrap_or(MaterialSource::Missing)
                } else {
                    decl(kind).unwrap_or(MaterialSource::NotApplicable)
                }
            }
            MaterialKind::DiscretionReasons => match draft {
                Some(d) => {
                    let mut text = format!("裁量考虑：{}", d.field("considerations"));
                    if let Some(reason) = proposed_penalty(case).and_then(|p| p.deviation_reason) {
                        text.push_str(&format!("；偏离裁量基准的理由：{reason}"));
                    }
                    derived(vec![d.record.id], text)
                }
                None => decl(kind).unwrap_or(MaterialSource::Missing),
            },
            MaterialKind::LegalUnitOpinion if level == Level::Bureau => {
                let agency = case.review.last(Level::Agency).and_then(|r| r.conclusion.as_ref());
                match agency {
                    Some(c) => derived(
                        vec![],
                        format!(
                            "{}于{}出具“{}”意见：{}",
                            c.by.name,
                            c.at.format("%Y-%m-%d"),
                            c.opinion.label(),
                            c.reasons
                        ),
                    ),
                    None => MaterialSource::Missing,
                }
            }
            MaterialKind::LegalUnitOpinion => continue,
        };
        out.push(Material { kind, source });
    }
    out
}

/// The missing materials, each named (for the one notice of L-03).
pub fn missing_items(materials: &[Material]) -> Vec<String> {
    materials.iter().filter(|m| m.is_missing()).map(|m| m.kind.label().to_string()).collect()
}

/// The materials of a round as they stand now: the case's records, and what was declared.
pub fn current_materials(case: &Case, round: &Round) -> Vec<Material> {
    materials(case, round.level, &round.declared())
}

/// The handler declares a ground of L-01 the records cannot show. Declared grounds stay.
pub fn decide_flag(
    case: &Case,
    catalogue: &[ReviewCatalogueEntry],
    flag_code: &str,
    note: &str,
    by: &Approver,
    now: NaiveDateTime,
) -> Result<CaseEvent, Rejection> {
    if case.is_archived() || case.current_stage().is_none_or(|s| s > Stage::Decision) {
        return Err(Rejection::one("flag", "决定已作出，不能再申报重大执法决定情形"));
    }
    let mut r = Rejection::new();
    handler(&mut r, by);
    let flag = parse_flag(flag_code, catalogue);
    match &flag {
        None => r.add("flag", "请选择重大执法决定情形"),
        Some(f) if case.review.has_flag(f) => r.add("flag", format!("已申报“{}”", f.label())),
        Some(_) => {}
    }
    r.require("note", "说明", note);
    r.into_result()?;
    Ok(ev(ReviewEvent::Flagged { flag: flag.expect("checked"), note: note.trim().into(), by: signer(by), at: now }))
}

/// What a submission carries.
#[derive(Debug, Clone, Default)]
pub struct Submission {
    pub level: Option<Level>,
    pub urgent: bool,
    /// Materials not in the case's records, described (a paper report, an assessment).
    pub declared: BTreeMap<MaterialKind, String>,
    pub note: String,
}

/// The handling unit submits the case for review (L-03), to its legal unit or — after the
/// legal unit's approval of a decision in the government's name — to the judicial bureau
/// (L-10). Incomplete materials are accepted; the reviewer then notices them all at once.
pub fn decide_submit(
    case: &Case,
    policy: ReviewPolicy<'_>,
    cmd: Submission,
    by: &Approver,
    now: NaiveDateTime,
) -> Result<CaseEvent, Rejection> {
    in_decision_stage(case)?;
    let level = cmd.level.unwrap_or(Level::Agency);
    let mut r = Rejection::new();
    handler(&mut r, by);
    if !requirement(case, policy).required() {
        r.add(
            "case",
            "本案不属于重大执法决定，策略配置也未要求所有决定均须审核；如认为属于重大执法决定，请先申报相应情形（L-01）",
        );
    }
    let Some(draft) = DraftStamp::of(case) else {
        r.add("case", "请先制作案件处理审批表（拟决定），作为行政执法决定代拟稿送审");
        return Err(r);
    };
    if let Some(open) = case.review.open(level) {
        r.add("case", format!("已于{}提交{}审核，尚未办结", open.submitted_at.format("%Y-%m-%d"), level.label()));
    }
    let agency = level_standing(&case.review, Level::Agency, None, Some(draft));
    match level {
        Level::Agency if agency == Standing::Approved => {
            r.add("case", "本机关法制机构已审核同意当前拟决定，无需再次送审")
        }
        Level::Bureau if !case.review.has_flag(&Flag::GovernmentName) => {
            r.add("level", "只有以县人民政府名义作出的决定才报司法局审核（L-10）")
        }
        Level::Bureau if agency != Standing::Approved => {
            r.add("level", "须先经本机关法制机构审核同意，再报司法局审核（L-10）")
        }
        _ => {}
    }
    if cmd.urgent && policy.profile.params.review_urgent_wd.is_none() {
        r.add("urgent", format!("适用的策略配置（{}）没有紧急审核期限", policy.profile.reference()));
    }
    r.into_result()?;
    Ok(ev(ReviewEvent::Submitted {
        round: Uuid::new_v4(),
        level,
        urgent: cmd.urgent,
        re_review: None,
        materials: materials(case, level, &cmd.declared),
        note: cmd.note.trim().into(),
        draft,
        by: signer(by),
        at: now,
    }))
}

/// The reviewer's one written notice of every missing material (L-03): those the system
/// finds missing, and any the reviewer adds. The clock stops until the supplement.
pub fn decide_notice(
    case: &Case,
    round: Uuid,
    extra: &[String],
    by: &Approver,
    actors: &[Uuid],
    now: NaiveDateTime,
) -> Result<CaseEvent, Rejection> {
    in_decision_stage(case)?;
    let rd = open_round(case, round)?;
    let mut r = Rejection::new();
    reviewer(&mut r, case, by, actors);
    if rd.notice.is_some() {
        r.add(
            "missing",
            "已一次性告知需补充的材料，不得再次要求补充其他材料；补充后仍不齐备的，请书面决定不予受理（L-03）",
        );
    }
    let mut missing = missing_items(&current_materials(case, rd));
    for e in extra.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        if !missing.iter().any(|m| m == e) {
            missing.push(e.to_string());
        }
    }
    if missing.is_empty() {
        r.add("missing", "送审材料齐全，无需告知补充；请填写需补充的材料，或直接审核");
    }
    r.into_result()?;
    Ok(ev(ReviewEvent::MaterialsNoticed { round, missing, by: signer(by), at: now }))
}

/// The handling unit supplements the materials (new records in the case, declarations);
/// the clock runs again.
pub fn decide_supplement(
    case: &Case,
    round: Uuid,
    declared: &BTreeMap<MaterialKind, String>,
    note: &str,
    by: &Approver,
    now: NaiveDateTime,
) -> Result<CaseEvent, Rejection> {
    in_decision_stage(case)?;
    let rd = open_round(case, round)?;
    let mut r = Rejection::new();
    handler(&mut r, by);
    if rd.notice.is_none() {
        r.add("round", "法制机构未告知补充材料");
    } else if !rd.awaiting_supplement() {
        r.add("round", "已补充过材料；仍不齐备的，由法制机构决定不予受理");
    }
    r.require("note", "补充说明（补充了哪些材料）", note);
    r.into_result()?;
    let mut all = rd.declared();
    all.extend(declared.iter().map(|(k, v)| (*k, v.clone())));
    Ok(ev(ReviewEvent::MaterialsSupplemented {
        round,
        materials: materials(case, rd.level, &all),
        note: note.trim().into(),
        by: signer(by),
        at: now,
    }))
}

/// Still incomplete after the supplement: the written refusal with its reasons (L-03).
pub fn decide_refuse(
    case: &Case,
    round: Uuid,
    reasons: &str,
    by: &Approver,
    actors: &[Uuid],
    now: NaiveDateTime,
) -> Result<CaseEvent, Rejection> {
    in_decision_stage(case)?;
    let rd = open_round(case, round)?;
    let mut r = Rejection::new();
    reviewer(&mut r, case, by, actors);
    if rd.notice.is_none() {
        r.add("reasons", "材料不齐全的，应先一次性书面告知需补充的全部材料（L-03）");
    } else if rd.awaiting_supplement() {
        r.add("reasons", "承办机构尚未补充材料；补充后仍不齐备的，方可决定不予受理");
    }
    if no_reason(reasons) {
        r.add("reasons", "请写明不予受理的理由（仍缺少哪些材料）");
    }
    r.into_result()?;
    Ok(ev(ReviewEvent::SubmissionRefused { round, reasons: reasons.trim().into(), by: signer(by), at: now }))
}

/// The reviewer asks for the extension of a complex case (L-06).
pub fn decide_request_extension(
    case: &Case,
    round: Uuid,
    reason: &str,
    by: &Approver,
    actors: &[Uuid],
    now: NaiveDateTime,
) -> Result<CaseEvent, Rejection> {
    in_decision_stage(case)?;
    let rd = open_round(case, round)?;
    let mut r = Rejection::new();
    reviewer(&mut r, case, by, actors);
    if rd.extension_request.is_some() {
        r.add("reason", "已申请过延长审核期限");
    }
    if no_reason(reason) {
        r.add("reason", "请说明案件复杂、需要延长的理由");
    }
    r.into_result()?;
    Ok(ev(ReviewEvent::ExtensionRequested { round, reason: reason.trim().into(), by: signer(by), at: now }))
}

/// The head approves or refuses the extension (L-06).
pub fn decide_extension(
    case: &Case,
    round: Uuid,
    approved: bool,
    opinion: &str,
    by: &Approver,
    now: NaiveDateTime,
) -> Result<CaseEvent, Rejection> {
    in_decision_stage(case)?;
    let rd = open_round(case, round)?;
    let mut r = Rejection::new();
    if by.role != Role::Head {
        r.add("approved", "延长审核期限须经负责人批准");
    }
    if rd.extension_request.is_none() {
        r.add("approved", "法制机构未申请延长审核期限");
    }
    if rd.extension.is_some() {
        r.add("approved", "已审批过延长申请");
    }
    r.require("opinion", "审批意见", opinion);
    r.into_result()?;
    Ok(ev(ReviewEvent::ExtensionDecided { round, approved, opinion: opinion.trim().into(), by: signer(by), at: now }))
}

/// A legal adviser's or public lawyer's written opinion, recorded by the legal unit; it
/// informs the review but is never the official opinion (L-08).
#[allow(clippy::too_many_arguments)]
pub fn decide_adviser_opinion(
    case: &Case,
    round: Uuid,
    adviser: &str,
    capacity: AdviserKind,
    opinion: &str,
    by: &Approver,
    actors: &[Uuid],
    now: NaiveDateTime,
) -> Result<CaseEvent, Rejection> {
    in_decision_stage(case)?;
    open_round(case, round)?;
    let mut r = Rejection::new();
    reviewer(&mut r, case, by, actors);
    r.require("adviser", "法律顾问或公职律师姓名", adviser);
    r.require("opinion", "书面意见", opinion);
    r.into_result()?;
    Ok(ev(ReviewEvent::AdviserOpinionAdded {
        round,
        adviser: adviser.trim().into(),
        capacity,
        opinion: opinion.trim().into(),
        by: signer(by),
        at: now,
    }))
}

/// Checks a checklist: each item of L-04 answered once; a problem found is explained.
fn check_checklist(r: &mut Rejection, checklist: &[ChecklistAnswer]) {
    for item in ChecklistItem::ALL {
        match checklist.iter().filter(|a| a.item == item).count() {
            0 => r.add(format!("checklist.{}", item.as_str()), format!("请回答审核事项：{}", item.question())),
            1 => {}
            _ => r.add(format!("checklist.{}", item.as_str()), format!("审核事项“{}”重复回答", item.question())),
        }
    }
    for a in checklist.iter().filter(|a| !a.sound() && a.note.trim().is_empty()) {
        r.add(format!("checklist.{}.note", a.item.as_str()), format!("请写明“{}”存在的问题", a.item.question()));
    }
}

/// The opinion must follow from the checklist (L-05): approval only with every item in
/// order; any other opinion rests on an item found wanting.
fn check_opinion(r: &mut Rejection, opinion: Opinion, checklist: &[ChecklistAnswer]) {
    let wanting: Vec<&ChecklistAnswer> = checklist.iter().filter(|a| !a.sound()).collect();
    if opinion == Opinion::Approve {
        for a in &wanting {
            r.add("opinion", format!("审核事项“{}”存在问题（{}），不能出具同意意见", a.item.question(), a.note.trim()));
        }
    } else if !wanting.iter().any(|a| opinion.grounds().contains(&a.item)) {
        let grounds: Vec<&str> = opinion.grounds().iter().map(|i| i.question()).collect();
        r.add(
            "opinion",
            format!(
                "“{}”须以审核事项中存在的问题为依据（{}），请在审核事项中写明问题",
                opinion.label(),
                grounds.join("；")
            ),
        );
    }
}

/// What a conclusion carries.
#[derive(Debug, Clone)]
pub struct Conclude {
    pub round: Uuid,
    pub checklist: Vec<ChecklistAnswer>,
    pub opinion: Opinion,
    pub reasons: String,
}

/// The legal unit's official opinion (L-04, L-05): materials complete, every checklist item
/// answered, the opinion following from them, written reasons. The opinion form
/// (法制审核意见书) is added to the case file with it.
pub fn decide_conclude(
    case: &Case,
    cmd: Conclude,
    by: &Approver,
    actors: &[Uuid],
    now: NaiveDateTime,
) -> Result<Vec<CaseEvent>, Rejection> {
    in_decision_stage(case)?;
    let rd = open_round(case, cmd.round)?;
    let mut r = Rejection::new();
    reviewer(&mut r, case, by, actors);
    if rd.awaiting_supplement() {
        r.add("round", "已告知补充材料，承办机构补充后方可审核");
    } else {
        let missing = missing_items(&current_materials(case, rd));
        if !missing.is_empty() {
            r.add(
                "round",
                format!(
                    "送审材料不齐全（缺少{}）：请一次性告知补充，补充后仍不齐备的决定不予受理（L-03)",
                    missing.join("、")
                ),
            );
        }
    }
    let Some(draft) = DraftStamp::of(case) else {
        return Err(Rejection::one("round", "案件没有拟决定"));
    };
    check_checklist(&mut r, &cmd.checklist);
    check_opinion(&mut r, cmd.opinion, &cmd.checklist);
    if no_reason(&cmd.reasons) {
        r.add("reasons", "请写明审核意见的理由（L-05：各项意见均须书面说明理由）");
    }
    r.into_result()?;
    let mut checklist = cmd.checklist;
    checklist.sort_by_key(|a| a.item);
    for a in &mut checklist {
        a.note = a.note.trim().into();
    }
    let reasons = cmd.reasons.trim().to_string();
    let record = form(
        case,
        RecordKind::LegalReviewOpinion,
        Role::LegalReviewer,
        &[
            ("reviewer", &format!("{}（{}）", by.name, rd.level.label())),
            ("opinion", &format!("{}。{reasons}", cmd.opinion.label())),
            ("reviewed_on", &now.format("%Y-%m-%d").to_string()),
        ],
        now,
    )?;
    Ok(vec![
        ev(ReviewEvent::Concluded {
            round: cmd.round,
            checklist,
            opinion: cmd.opinion,
            reasons,
            draft,
            by: signer(by),
            at: now,
        }),
        record,
    ])
}

/// The handling unit disagrees with the legal unit's opinion and asks, once, for re-review
/// with its written reasons (L-09). The materials are those of the round reviewed.
pub fn decide_re_review(case: &Case, reasons: &str, by: &Approver, now: NaiveDateTime) -> Result<CaseEvent, Rejection> {
    in_decision_stage(case)?;
    let mut r = Rejection::new();
    handler(&mut r, by);
    let last = case.review.last(Level::Agency);
    match last {
        Some(l) if l.conclusion.as_ref().is_some_and(|c| c.opinion != Opinion::Approve) => {
            if l.re_review.is_some() {
                r.add("reasons", "已复审过一次；仍有异议的，由负责人集体讨论决定（L-09）");
            }
        }
        _ => r.add("reasons", "只有对法制机构未同意的审核意见才能申请复审"),
    }
    if no_reason(reasons) {
        r.add("reasons", "申请复审须书面说明理由（L-09）");
    }
    let Some(draft) = DraftStamp::of(case) else {
        r.add("reasons", "案件没有拟决定");
        return Err(r);
    };
    r.into_result()?;
    let last = last.expect("checked");
    Ok(ev(ReviewEvent::Submitted {
        round: Uuid::new_v4(),
        level: Level::Agency,
        urgent: last.urgent,
        re_review: Some(reasons.trim().into()),
        materials: current_materials(case, last),
        note: String::new(),
        draft,
        by: signer(by),
        at: now,
    }))
}

/// What the heads' collective discussion recorded.
#[derive(Debug, Clone)]
pub struct Discussion {
    pub participants: Vec<Approver>,
    pub minutes: String,
    pub decision: CollectiveDecision,
    pub reasons: String,
}

/// After re-review still ends without approval, the heads decide collectively (L-09): the
/// minutes, the decision, marked when it goes against the legal unit's opinion. The
/// minutes join the case file; every participant then signs them.
pub fn decide_collective(
    case: &Case,
    cmd: Discussion,
    by: &Approver,
    now: NaiveDateTime,
) -> Result<Vec<CaseEvent>, Rejection> {
    in_decision_stage(case)?;
    let mut r = Rejection::new();
    if by.role != Role::Head {
        r.add("case", "集体讨论记录由负责人制作");
    }
    let last = case.review.last(Level::Agency);
    let ready = last
        .is_some_and(|l| l.re_review.is_some() && l.conclusion.as_ref().is_some_and(|c| c.opinion != Opinion::Approve));
    if !ready {
        r.add("case", "复审后仍不能达成一致的，方提交负责人集体讨论决定（L-09）");
    } else if last.and_then(|l| case.review.collective_after(l.id)).is_some() {
        r.add("case", "已就复审意见集体讨论过");
    }
    let mut seen = Vec::new();
    for p in &cmd.participants {
        if seen.contains(&p.account_id) {
            r.add("participants", format!("{}重复列出", p.name));
        }
        seen.push(p.account_id);
    }
    if cmd.participants.iter().filter(|p| p.role == Role::Head).count() < 2 {
        r.add("participants", "集体讨论须有两名以上负责人参加");
    }
    r.require("minutes", "讨论记录（参会人员发言）", &cmd.minutes);
    if no_reason(&cmd.reasons) {
        r.add("reasons", "请写明决定的理由");
    }
    let Some(draft) = DraftStamp::of(case) else {
        r.add("case", "案件没有拟决定");
        return Err(r);
    };
    r.into_result()?;
    let last = last.expect("checked");
    let opinion = last.conclusion.as_ref().expect("checked").opinion;
    let against = cmd.decision == CollectiveDecision::AdoptDraft;
    let participants: Vec<Signer> = cmd.participants.iter().map(signer).collect();
    let names: Vec<&str> = participants.iter().map(|p| p.name.as_str()).collect();
    let mut conclusion = format!("{}：{}", cmd.decision.label(), cmd.reasons.trim());
    if against {
        conclusion.push_str(&format!("（本决定与法制机构审核意见“{}”不一致）", opinion.label()));
    }
    let record = form(
        case,
        RecordKind::CollectiveDiscussion,
        Role::Head,
        &[
            ("participants", &format!("{}（各自在系统中签名确认）", names.join("、"))),
            ("held_at", &now.format("%Y-%m-%d %H:%M").to_string()),
            ("minutes", cmd.minutes.trim()),
            ("conclusion", &conclusion),
        ],
        now,
    )?;
    Ok(vec![
        ev(ReviewEvent::CollectiveRecorded {
            discussion: Uuid::new_v4(),
            round: last.id,
            participants,
            minutes: cmd.minutes.trim().into(),
            decision: cmd.decision,
            reasons: cmd.reasons.trim().into(),
            against_legal_unit: against,
            draft,
            by: signer(by),
            at: now,
        }),
        record,
    ])
}

/// A participant signs the minutes of a collective discussion, as that account (the caller
/// re-authenticated it): each signs once, only those who took part (L-09).
pub fn decide_sign(case: &Case, discussion: Uuid, by: &Approver, now: NaiveDateTime) -> Result<CaseEvent, Rejection> {
    if case.is_archived() {
        return Err(Rejection::one("case", "案件已归档"));
    }
    let c = case.review.collective(discussion).ok_or_else(|| Rejection::one("discussion", "集体讨论记录不存在"))?;
    if !c.participants.iter().any(|p| p.account_id == by.account_id) {
        return Err(Rejection::one("discussion", format!("{}未参加本次集体讨论，不能签名", by.name)));
    }
    if c.signatures.iter().any(|(s, _)| s.account_id == by.account_id) {
        return Err(Rejection::one("discussion", format!("{}已签名", by.name)));
    }
    Ok(ev(ReviewEvent::CollectiveSigned { discussion, by: signer(by), at: now }))
}
