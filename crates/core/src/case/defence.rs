//! The party's right to be heard before a penalty (rules N-04, G-02): the prior notice
//! states the reasons and the party's rights, the party's statements, defence and evidence
//! are answered point by point, and a proposal may not rise because the party defended
//! itself (行政处罚法 Art 44, 45, 62, 63; 000 A4 Art 7).
//!
//! A statement record carries its points as data ([`StatementPoint`]), not prose: each
//! point the party made or piece of evidence it gave is a row with the answer — adopted
//! (采纳) or not adopted (不予采纳) with the reason. Proposals are compared by their fine
//! in fen and the severity of their penalty types ([`PenaltyLevel`]).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::case::review::major;
use crate::case::{Case, RecordKind, RecordState};
use crate::discretion::{PenaltyAssessment, PenaltyType, is_placeholder_reason};
use crate::money::Money;
use crate::profile::PolicyProfile;
use crate::registry::ActKind;
use crate::validation::Rejection;

/// What a point of the party's is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PointKind {
    /// 陈述（事实）
    Statement,
    /// 申辩（理由）
    Defence,
    /// 提交的证据
    Evidence,
}

impl PointKind {
    pub const ALL: [PointKind; 3] = [PointKind::Statement, PointKind::Defence, PointKind::Evidence];

    pub fn label(self) -> &'static str {
        match self {
            PointKind::Statement => "陈述",
            PointKind::Defence => "申辩",
            PointKind::Evidence => "提交的证据",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            PointKind::Statement => "statement",
            PointKind::Defence => "defence",
            PointKind::Evidence => "evidence",
        }
    }

    pub fn parse(s: &str) -> Option<PointKind> {
        PointKind::ALL.into_iter().find(|k| k.as_str() == s.trim())
    }
}

/// The answer to a point (000 A4 Art 7: 成立的应当采纳；不予采纳的，应当说明理由).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PointAnswer {
    /// 采纳
    Adopted,
    /// 不予采纳
    NotAdopted,
}

impl PointAnswer {
    pub const ALL: [PointAnswer; 2] = [PointAnswer::Adopted, PointAnswer::NotAdopted];

    pub fn label(self) -> &'static str {
        match self {
            PointAnswer::Adopted => "采纳",
            PointAnswer::NotAdopted => "不予采纳",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            PointAnswer::Adopted => "adopted",
            PointAnswer::NotAdopted => "not_adopted",
        }
    }

    pub fn parse(s: &str) -> Option<PointAnswer> {
        PointAnswer::ALL.into_iter().find(|a| a.as_str() == s.trim())
    }
}

/// One point of the party's statement, defence or evidence, with its answer (G-02).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatementPoint {
    pub kind: PointKind,
    /// What the party said or submitted.
    pub text: String,
    /// `None` only in input not yet answered; a stored point is always answered.
    pub answer: Option<PointAnswer>,
    /// Why (required when not adopted; may be given when adopted).
    #[serde(default)]
    pub reason: String,
}

impl StatementPoint {
    pub fn new(kind: PointKind, text: &str, answer: Option<PointAnswer>, reason: &str) -> Self {
        StatementPoint { kind, text: text.trim().to_string(), answer, reason: reason.trim().to_string() }
    }

    /// One line: 第1项（申辩）：… —— 不予采纳：…
    pub fn describe(&self, n: usize) -> String {
        let answer = match self.answer {
            None => "（未答复）".to_string(),
            Some(a) if self.reason.is_empty() => a.label().to_string(),
            Some(a) => format!("{}：{}", a.label(), self.reason),
        };
        format!("第{n}项（{}）：{} —— {answer}", self.kind.label(), self.text)
    }
}

/// The kinds of record that carry the party's points: the statement and defence record
/// (with the review, 复核) and the hearing record.
pub fn carries_points(kind: RecordKind) -> bool {
    matches!(kind, RecordKind::StatementDefence | RecordKind::HearingRecord)
}

/// G-02: every point is answered, and a point not adopted says why. A statement record
/// lists at least one point (a party that says nothing waives, 放弃陈述申辩声明). Errors are
/// keyed `points.<i>.<part>` and name the point.
pub fn check_points(kind: RecordKind, points: &[StatementPoint]) -> Rejection {
    let mut r = Rejection::new();
    if !carries_points(kind) {
        if !points.is_empty() {
            r.add("points", format!("{}不记录当事人陈述申辩的逐项内容", kind.label()));
        }
        return r;
    }
    if kind == RecordKind::StatementDefence && points.is_empty() {
        r.add(
            "points",
            "请逐项记录当事人的陈述、申辩及提交的证据，并逐项作出采纳或不予采纳的复核意见；当事人放弃陈述申辩的，请制作放弃陈述申辩声明",
        );
    }
    for (i, p) in points.iter().enumerate() {
        let n = i + 1;
        if p.text.trim().is_empty() {
            r.add(format!("points.{i}.text"), format!("第{n}项：请填写当事人{}的内容", p.kind.label()));
            continue;
        }
        let what = format!("第{n}项（{}：{}）", p.kind.label(), short(&p.text));
        match p.answer {
            None => r.add(
                format!("points.{i}.answer"),
                format!("{what}尚未答复：须逐项说明采纳或不予采纳（000 A4 第七条）"),
            ),
            Some(PointAnswer::NotAdopted) if p.reason.trim().is_empty() || is_placeholder_reason(&p.reason) => r.add(
                format!("points.{i}.reason"),
                format!("{what}不予采纳，须说明不予采纳的理由（000 A4 第七条、《行政处罚法》第四十五条）"),
            ),
            _ => {}
        }
    }
    r
}

fn short(s: &str) -> String {
    let s = s.trim();
    let mut out: String = s.chars().take(20).collect();
    if s.chars().count() > 20 {
        out.push('…');
    }
    out
}

/// Why the intended penalty is one the law makes hearing-eligible (Art 63(1)): large fines
/// (the profile's 较大数额 for the party), confiscation of a large amount (the review
/// catalogue's, when the agency set one), lowering a qualification, revoking a permit or
/// licence, ordering suspension or closure, restricting business or employment, detention.
/// Read from the last decision draft's proposal. Empty when none applies.
pub fn hearing_grounds(case: &Case, profile: &PolicyProfile, catalogue: &[major::ReviewCatalogueEntry]) -> Vec<String> {
    let mut out = Vec::new();
    if case.opening.act_kind != ActKind::Penalty {
        return out;
    }
    let Some(draft) = case.records_of(RecordKind::DecisionDraft).last() else { return out };
    let level = PenaltyLevel::of_record(draft);
    let p = &profile.params;
    let threshold = match case.opening.party.kind {
        crate::case::PartyKind::Person => p.major_fine_person_fen,
        crate::case::PartyKind::Organisation => p.major_fine_org_fen,
    };
    if let Some(fine) = level.fine
        && fine >= threshold
    {
        out.push(format!("拟罚款{fine}，达到较大数额（{threshold}，{}）", profile.reference()));
    }
    if let (Some(c), Some(t)) =
        (major::proposed_penalty(case).and_then(|pp| pp.confiscation), major::confiscation_threshold(catalogue))
        && c >= t
    {
        out.push(format!("拟没收{c}，达到较大数额（{t}）"));
    }
    for t in &level.types {
        if matches!(
            t,
            PenaltyType::LowerQualification
                | PenaltyType::RevokeLicence
                | PenaltyType::SuspendBusiness
                | PenaltyType::OrderClosure
                | PenaltyType::RestrictPractice
                | PenaltyType::RestrictBusiness
                | PenaltyType::Detention
        ) {
            out.push(format!("拟{}", t.label()));
        }
    }
    out
}

/// G-02 / N-04 (Art 44, 63): the prior notice states the reasons of the intended decision
/// and the party's rights — to state and defend (陈述、申辩), and to request a hearing when
/// the intended penalty is hearing-eligible (`grounds` from [`hearing_grounds`]).
pub fn check_prior_notice(r: &mut Rejection, fields: &BTreeMap<String, String>, grounds: &[String]) {
    let get = |k: &str| fields.get(k).map_or("", |v| v.trim());
    let reasons = get("reasons");
    if !reasons.is_empty() && is_placeholder_reason(reasons) {
        r.add("fields.reasons", "事先告知书须说明拟作出决定的理由，“无”“同上”等不算理由（000 A4 第七条）");
    }
    let rights = get("rights");
    if !rights.is_empty() {
        let lacking: Vec<&str> = ["陈述", "申辩"].into_iter().filter(|w| !rights.contains(w)).collect();
        if !lacking.is_empty() {
            r.add(
                "fields.rights",
                format!(
                    "事先告知书须告知当事人享有陈述、申辩的权利（《行政处罚法》第四十四条），“当事人享有的权利”未写明{}",
                    lacking.join("、")
                ),
            );
        }
        if !grounds.is_empty() && !rights.contains("听证") {
            r.add(
                "fields.rights",
                format!(
                    "拟作出的处罚属于应当告知听证权利的情形（{}；《行政处罚法》第六十三条），须告知当事人有要求听证的权利及申请期限（告知后五个工作日内）",
                    grounds.join("；")
                ),
            );
        }
    }
}

/// How heavy a proposal is: its fine and its penalty types (N-04).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PenaltyLevel {
    pub fine: Option<Money>,
    pub types: Vec<PenaltyType>,
}

/// The severity order of penalty types used to compare proposals (行政处罚法 Art 9, from
/// the lightest): a type replaced by one of the same or a lower rank is not heavier.
fn rank(t: PenaltyType) -> u8 {
    match t {
        PenaltyType::NoPenalty => 0,
        PenaltyType::Warning | PenaltyType::PublicCriticism => 1,
        PenaltyType::Fine => 2,
        PenaltyType::ConfiscateIllegalGains | PenaltyType::ConfiscateIllegalProperty => 3,
        PenaltyType::SuspendLicence => 4,
        PenaltyType::LowerQualification | PenaltyType::RestrictBusiness | PenaltyType::RestrictPractice => 5,
        PenaltyType::SuspendBusiness => 6,
        PenaltyType::RevokeLicence | PenaltyType::OrderClosure => 7,
        PenaltyType::Detention => 8,
    }
}

impl PenaltyLevel {
    /// The level of a proposal: the discretion check's proposal when there is one (B-02),
    /// else the fields `penalty_types` and `fine`, else the proposal's text.
    pub fn of(fields: &BTreeMap<String, String>, assessment: Option<&PenaltyAssessment>) -> PenaltyLevel {
        if let Some(a) = assessment {
            return PenaltyLevel { fine: a.proposal.fine, types: a.proposal.penalties.clone() };
        }
        let get = |k: &str| fields.get(k).map_or("", |v| v.trim());
        let text = [get("penalty_types"), get("proposal"), get("conclusion")].join("；");
        let mut types: Vec<PenaltyType> = match PenaltyType::parse_list(get("penalty_types")) {
            Ok(t) if !t.is_empty() => t,
            _ => PenaltyType::ALL
                .into_iter()
                .filter(|t| *t != PenaltyType::NoPenalty && major::mentions(&text, t.label()))
                .collect(),
        };
        let fine = match get("fine") {
            "" => major::amount_after(&text, "罚款"),
            v => major::parse_amount(v),
        };
        if fine.is_some() && !types.contains(&PenaltyType::Fine) {
            types.push(PenaltyType::Fine);
        }
        types.sort();
        PenaltyLevel { fine, types }
    }

    pub fn of_record(rec: &RecordState) -> PenaltyLevel {
        PenaltyLevel::of(&rec.current_fields(), rec.record.assessment.as_ref())
    }

    pub fn is_empty(&self) -> bool {
        self.fine.is_none() && self.types.is_empty()
    }

    pub fn describe(&self) -> String {
        let mut parts: Vec<String> = self
            .types
            .iter()
            .filter(|t| **t != PenaltyType::Fine || self.fine.is_none())
            .map(|t| t.label().to_string())
            .collect();
        if let Some(f) = self.fine {
            parts.push(format!("罚款{f}"));
        }
        if parts.is_empty() { "（未载明）".into() } else { parts.join("、") }
    }

    /// How `self` is heavier than `before`, one phrase each; empty when it is not.
    pub fn rises_over(&self, before: &PenaltyLevel) -> Vec<String> {
        let mut out = Vec::new();
        let (b, a) = (before.fine.map_or(0, |m| m.fen()), self.fine.map_or(0, |m| m.fen()));
        if a > b {
            out.push(match before.fine {
                Some(f) => format!("罚款由{f}提高至{}", Money::from_fen(a)),
                None => format!("增加罚款{}", Money::from_fen(a)),
            });
        }
        let removed: Vec<PenaltyType> = before.types.iter().copied().filter(|t| !self.types.contains(t)).collect();
        for t in self.types.iter().copied().filter(|t| !before.types.contains(t)) {
            if matches!(t, PenaltyType::Fine | PenaltyType::NoPenalty) {
                continue;
            }
            if !removed.iter().any(|r| rank(*r) >= rank(t)) {
                out.push(format!("增加“{}”", t.label()));
            }
        }
        out
    }
}

/// The proposal kinds compared for N-04.
pub fn is_proposal(kind: RecordKind) -> bool {
    matches!(kind, RecordKind::DecisionDraft | RecordKind::DecisionDocument)
}

/// A proposal heavier after the party's statement than the one before it (N-04).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rise {
    pub record_id: Uuid,
    pub kind: RecordKind,
    pub before: PenaltyLevel,
    pub after: PenaltyLevel,
    pub what: Vec<String>,
    /// The reason the record gives (`heavier_reason`).
    pub reason: String,
}

impl Rise {
    pub fn describe(&self) -> String {
        format!(
            "当事人陈述申辩后，{}拟处罚（{}）重于此前告知的（{}）：{}；加重理由：{}",
            self.kind.label(),
            self.after.describe(),
            self.before.describe(),
            self.what.join("、"),
            if self.reason.is_empty() { "（未说明）" } else { &self.reason }
        )
    }
}

/// The position of the first record in which the party defended itself: a statement and
/// defence record or a hearing record.
fn defended_at(case: &Case) -> Option<usize> {
    case.records.iter().position(|r| carries_points(r.record.kind))
}

/// The last proposal before the party defended itself — the one its prior notice
/// announced — when the party has defended itself.
pub fn baseline(case: &Case) -> Option<&RecordState> {
    let at = defended_at(case)?;
    case.records[..at].iter().rev().find(|r| is_proposal(r.record.kind))
}

/// How a new proposal (`fields`, with its discretion `assessment`) rises over the baseline
/// when it is made after the party's statement; `None` when it does not rise, or the party
/// has not defended itself.
pub fn rise_of(
    case: &Case,
    kind: RecordKind,
    fields: &BTreeMap<String, String>,
    assessment: Option<&PenaltyAssessment>,
) -> Option<(PenaltyLevel, PenaltyLevel, Vec<String>)> {
    if !is_proposal(kind) || case.opening.act_kind != ActKind::Penalty {
        return None;
    }
    let before = PenaltyLevel::of_record(baseline(case)?);
    let after = PenaltyLevel::of(fields, assessment);
    let what = after.rises_over(&before);
    (!what.is_empty()).then_some((before, after, what))
}

/// N-04: a proposal made after the party's statement that is heavier than the one before
/// it needs an explicit reason (`heavier_reason`), which may not be a placeholder.
pub fn check_rise(
    r: &mut Rejection,
    case: &Case,
    kind: RecordKind,
    fields: &BTreeMap<String, String>,
    assessment: Option<&PenaltyAssessment>,
) {
    let Some((before, after, what)) = rise_of(case, kind, fields, assessment) else { return };
    let reason = fields.get("heavier_reason").map_or("", |v| v.trim());
    if reason.is_empty() || is_placeholder_reason(reason) {
        r.add(
            "fields.heavier_reason",
            format!(
                "当事人陈述申辩后，拟处罚（{}）重于事先告知的（{}）：{}。行政机关不得因当事人陈述、申辩而给予更重的处罚（《行政处罚法》第四十五条）；如因新的事实或证据确需加重，请在“加重理由”中说明，并将提交法制审核",
                after.describe(),
                before.describe(),
                what.join("、")
            ),
        );
    }
}

/// The current rise (N-04): the last proposal made after the party's statement, if it is
/// heavier than the baseline. Shown on the case page and to legal review.
pub fn current_rise(case: &Case) -> Option<Rise> {
    let at = defended_at(case)?;
    let last = case.records[at..].iter().rev().find(|r| is_proposal(r.record.kind))?;
    let before = PenaltyLevel::of_record(baseline(case)?);
    let after = PenaltyLevel::of_record(last);
    let what = after.rises_over(&before);
    (!what.is_empty()).then(|| Rise {
        record_id: last.record.id,
        kind: last.record.kind,
        before,
        after,
        what,
        reason: last.field("heavier_reason").trim().to_string(),
    })
}
