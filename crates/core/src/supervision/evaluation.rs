//! Case-file evaluation (案卷评查, rule V-01): the judicial bureau — or an agency evaluating
//! its own files (自查) — scores closed cases on seven dimensions, grades them 优秀 / 合格 /
//! 不合格, and tracks the rectification of what it found to closure (002 四(十一)).
//!
//! # The stream
//!
//! A batch (评查活动) is the stream `evaluation:<evaluation id>` of [`EvaluationEvent`]s
//! folded into an [`Evaluation`]. Every command is a `decide_*` function returning the
//! event or a [`Rejection`] with Chinese field messages; dates are arguments.
//!
//! 1. `EvaluationCreated` ([`decide_create`]): an [`EvaluationSpec`] — name, year,
//!    [`EvaluationKind`] (`bureau` 评查 or `self_evaluation` 自查, which covers exactly one
//!    agency), the agencies covered, the evaluators (officer ids: the app lets only legal
//!    reviewers and supervisors be named) and the [`Scoresheet`].
//! 2. Selection, one of two ways, never both in one batch:
//!    - by hand ([`decide_pick`], `EvaluationCasesPicked`): cases with the reason each was
//!      chosen, e.g. a complaint;
//!    - at random ([`draw`]): `EvaluationCommitted` then `EvaluationDrawn`.
//!
//!    Only a closed case (结案; an archived case is closed) of an agency the batch covers is
//!    eligible ([`CaseInput`]); anything else is refused by name with the reason.
//! 3. Scoring ([`score`]): `EvaluationCaseScored` once per case, `EvaluationScoreCorrected`
//!    with a reason afterwards (X-01: the first score stays on record).
//! 4. Rectification ([`rectification`]): `RectificationIssued` (the notice),
//!    `RectificationAnswered`, `RectificationAccepted` (销号) or `RectificationReturned`.
//!    [`summary`] counts grades, the average and the rectifications per batch and agency.
//!
//! # The random selection — [`draw`]
//!
//! The commit–reveal draw of random inspections (S-02), reused rather than copied: the
//! seed commitment ([`seed_commitment`](crate::inspection::seed_commitment)), the ChaCha20
//! stream and its unbiased `below` ([`DrawRng`](crate::inspection::DrawRng)), and the
//! partial Fisher–Yates selection (`DrawRng::choose_first`) specified in the
//! [`inspection`](crate::inspection) module documentation.
//!
//! The app builds the candidate list — every case of the covered agencies the caller says
//! is closed, as [`CaseInput`]s —, draws 32 secret random bytes, and passes SHA-256 of them
//! with the list and a [`Ratio`](crate::inspection::Ratio) to [`decide_commit`], which
//! refuses ineligible cases, freezes the candidates and records the commitment and the
//! candidates' hash. [`decide_draw`] takes the revealed seed and a public input (≤ 200
//! characters, e.g. numbers read out by witnesses). **Algorithm**, version 1:
//!
//! 1. `draw_seed = SHA-256("zhifa-evaluation-draw-v1" ‖ seed ‖ public_input as UTF-8)`
//!    (the domain differs from the inspection draw's, so one seed never yields the same
//!    stream for both); the random stream is ChaCha20 keyed by it, exactly as in the
//!    inspection draw.
//! 2. **A percentage per agency**: for each covered agency in the batch's order, its
//!    candidates ordered by case id (the 16 bytes, i.e. the UUID's text order), `n` of
//!    them, `k = max(1, ceil(n × ratio_bp / 10000))` (0 when `n = 0`) — the same rounding
//!    as an inspection ratio, so a small agency is never skipped. For `j` in `0..k`:
//!    `p = j + below(n − j)`, swap positions `j` and `p`; the case at `j` is drawn. One
//!    stream runs through all agencies. A percentage per agency, rather than N over all,
//!    keeps every covered agency in the sample in proportion to its caseload.
//!
//! **Canonical encoding** of the frozen candidates (SHA-256, lower-case hex, the same
//! primitives as the inspection pools: u32 big-endian, a text as its UTF-8 length (u32)
//! and bytes, an id as its 16 bytes, a date as `YYYY-MM-DD`): the 25 bytes
//! `zhifa-evaluation-cases-v1`; the evaluation id; the ratio in basis points; the number of
//! candidates stored (so a candidate of an agency outside the batch, never drawn, still
//! changes the hash); the agency count, then per agency in the batch's order: its id, its
//! candidate count, then per candidate in case-id order: case id, number, closing date.
//!
//! [`verify_draw`] re-runs everything from the stream alone: the candidates against their
//! hash (a case added, removed or altered after the commitment is detected), the seed
//! against its commitment, the drawn cases against a re-run.
//!
//! # Scoring — [`score`]
//!
//! Seven [`Dimension`]s with the maxima of [`Scoresheet::STANDARD`] (5/10/25/15/15/20/10,
//! 100 in all): each scored from 0 to its maximum, a comment required wherever points are
//! deducted. The [`Grade`] is 优秀 at 90 points or more, 合格 at 60 or more, else 不合格 —
//! unless a [`Veto`] (否决项: no legal basis, wrong subject or no jurisdiction, a mandatory
//! legal review skipped) is found, which makes the file 不合格 whatever its points. The seeds
//! name the dimensions and the three grades (002 四(十一): 卷宗装订、卷宗材料、执法程序、事实
//! 认定、证据采信、适用法律、执法效果; 优秀、合格、不合格) but no points, weights, thresholds or
//! vetoes: the weights, 90/60 and the three vetoes are this project's defaults, a common
//! shape of local evaluation standards, not a rule of the seeds. The first dimension is
//! stored as `binding` (RULES.md's word) and labelled 卷宗装订 as the seed names it — see
//! [`Dimension`]. The evaluator must be one of the
//! batch's and must not be one of the case's officers nor its legal reviewer
//! ([`CaseStaff`]); a score is dated no earlier than the case's selection.
//!
//! # Rectification — [`rectification`]
//!
//! A case graded 不合格, or any case with deductions at the bureau's choice, gets a notice
//! (number, the problems, the due date) issued to its agency; the agency answers (what it
//! did, when); the bureau accepts it (销号) or returns it with reasons, which reopens it.
//! [`RectificationState`] as of a `today` argument: 待整改, 已答复, 已销号, 逾期.

pub mod draw;
pub mod rectification;
pub mod score;

#[cfg(test)]
mod tests;

use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::case::{Case, Stage};
use crate::validation::Rejection;

pub use draw::{
    DrawCommitment, EVALUATION_DRAW_DOMAIN, EvaluationDraw, VerifyError, candidates_hash, decide_commit, decide_draw,
    run_draw, verify_draw,
};
pub use rectification::{
    Rectification, RectificationAnswer, RectificationNotice, RectificationState, Returned, Summary, Tally,
    decide_accept, decide_answer, decide_issue, decide_return, summary,
};
pub use score::{
    CaseStaff, Dimension, DimensionScore, EXCELLENT_MIN, Grade, PASS_MIN, ScoreRecord, Scoresheet, Scoring, Veto,
    VetoFinding, decide_correct_score, decide_score,
};

/// Who runs the batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvaluationKind {
    /// 案卷评查 by the judicial bureau (司法局) over the agencies it supervises.
    Bureau,
    /// 自查自评: an agency over its own files.
    SelfEvaluation,
}

impl EvaluationKind {
    pub fn label(self) -> &'static str {
        match self {
            EvaluationKind::Bureau => "案卷评查",
            EvaluationKind::SelfEvaluation => "案卷自查",
        }
    }
}

/// What a batch is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvaluationSpec {
    pub name: String,
    pub year: i32,
    pub kind: EvaluationKind,
    /// The agencies whose files are evaluated, in the order the draw takes them.
    pub agencies: Vec<Uuid>,
    /// Officer ids of the evaluators (legal reviewers or supervisors; the app checks the
    /// role).
    pub evaluators: Vec<Uuid>,
    pub scoresheet: Scoresheet,
}

impl EvaluationSpec {
    fn validate(&self, r: &mut Rejection) {
        r.require("name", "评查活动名称", &self.name);
        if !(2000..=2100).contains(&self.year) {
            r.add("year", format!("评查年度{}无效", self.year));
        }
        if self.agencies.is_empty() {
            r.add("agencies", "请至少选择一个被评查机关");
        }
        if self.agencies.iter().collect::<BTreeSet<_>>().len() != self.agencies.len() {
            r.add("agencies", "同一被评查机关选择了两次");
        }
        if self.kind == EvaluationKind::SelfEvaluation && self.agencies.len() > 1 {
            r.add("agencies", "案卷自查只能针对本机关一个机关");
        }
        if self.evaluators.is_empty() {
            r.add("evaluators", "请至少指定一名评查人员");
        }
        if self.evaluators.iter().collect::<BTreeSet<_>>().len() != self.evaluators.len() {
            r.add("evaluators", "同一评查人员指定了两次");
        }
        self.scoresheet.validate(r);
    }

    pub fn covers(&self, agency: Uuid) -> bool {
        self.agencies.contains(&agency)
    }
}

/// A case as the caller describes it for selection. Only a closed one is eligible.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseInput {
    pub case_id: Uuid,
    pub number: String,
    pub agency_id: Uuid,
    /// The day the closure stage (结案) was completed; `None` for a case still open.
    pub closed_on: Option<NaiveDate>,
}

impl CaseInput {
    /// From a case's fold: the closure stage's date, else the archive's (an archived case
    /// is closed).
    pub fn of(case: &Case) -> CaseInput {
        let closed = case.completed.iter().find(|(s, _)| *s == Stage::Closure).map(|(_, d)| *d);
        CaseInput {
            case_id: case.opening.case_id,
            number: case.opening.number.clone(),
            agency_id: case.opening.agency_id,
            closed_on: closed.or(case.archived.as_ref().map(|a| a.0)),
        }
    }

    /// The eligible case, or why it is not: still open, or of an agency the batch does
    /// not cover.
    fn eligible(&self, spec: &EvaluationSpec) -> Result<CaseRef, String> {
        let number = self.number.trim();
        let Some(closed_on) = self.closed_on else {
            return Err(format!("案件{number}尚未结案，只有已结案或已归档的案卷才能评查"));
        };
        if !spec.covers(self.agency_id) {
            return Err(format!("案件{number}不属于本次评查的被评查机关"));
        }
        Ok(CaseRef { case_id: self.case_id, number: number.to_string(), agency_id: self.agency_id, closed_on })
    }
}

/// A closed case, as selected or as a frozen candidate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseRef {
    pub case_id: Uuid,
    pub number: String,
    pub agency_id: Uuid,
    pub closed_on: NaiveDate,
}

/// A case picked by hand, with why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PickedCase {
    pub case: CaseRef,
    pub reason: String,
}

/// How a case came into the batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Selection {
    Picked { reason: String, on: NaiveDate },
    Drawn { on: NaiveDate },
}

/// A case of the batch with its score and rectification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvaluatedCase {
    pub case: CaseRef,
    pub selection: Selection,
    pub score: Option<ScoreRecord>,
    pub rectification: Option<Rectification>,
}

/// Events of the stream `evaluation:<evaluation id>`, tagged by `type`. The type names
/// carry `Evaluation` or `Rectification` so that none collides with another stream's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum EvaluationEvent {
    EvaluationCreated {
        evaluation_id: Uuid,
        spec: EvaluationSpec,
    },
    EvaluationCasesPicked {
        cases: Vec<PickedCase>,
        on: NaiveDate,
    },
    EvaluationCommitted {
        commitment: Box<DrawCommitment>,
    },
    EvaluationDrawn {
        drawn: Box<EvaluationDraw>,
    },
    EvaluationCaseScored {
        case_id: Uuid,
        scoring: Scoring,
    },
    /// A score replaced, with the reason (X-01: the earlier one stays on record).
    EvaluationScoreCorrected {
        case_id: Uuid,
        scoring: Scoring,
        reason: String,
    },
    RectificationIssued {
        case_id: Uuid,
        notice: RectificationNotice,
    },
    RectificationAnswered {
        case_id: Uuid,
        answer: RectificationAnswer,
    },
    /// The bureau accepts the answer: the rectification is closed (销号).
    RectificationAccepted {
        case_id: Uuid,
        on: NaiveDate,
        #[serde(default)]
        comment: String,
    },
    /// The bureau returns the answer: the rectification is open again, due on `due`.
    RectificationReturned {
        case_id: Uuid,
        returned: Returned,
    },
}

/// The fold of an evaluation stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    pub id: Uuid,
    pub spec: EvaluationSpec,
    pub commitment: Option<DrawCommitment>,
    pub drawn: Option<EvaluationDraw>,
    /// The selected cases, in order of selection.
    pub cases: Vec<EvaluatedCase>,
}

impl Evaluation {
    /// Folds a stream; `None` before its `EvaluationCreated` event.
    pub fn fold<'a>(events: impl IntoIterator<Item = &'a EvaluationEvent>) -> Option<Evaluation> {
        let mut ev: Option<Evaluation> = None;
        for e in events {
            match (e, ev.as_mut()) {
                (EvaluationEvent::EvaluationCreated { evaluation_id, spec }, None) => {
                    ev = Some(Evaluation {
                        id: *evaluation_id,
                        spec: spec.clone(),
                        commitment: None,
                        drawn: None,
                        cases: vec![],
                    })
                }
                (_, Some(x)) => x.apply(e),
                _ => {}
            }
        }
        ev
    }

    pub fn apply(&mut self, e: &EvaluationEvent) {
        match e {
            EvaluationEvent::EvaluationCreated { .. } => {}
            EvaluationEvent::EvaluationCasesPicked { cases, on } => {
                for p in cases {
                    if self.case(p.case.case_id).is_none() {
                        self.cases.push(EvaluatedCase {
                            case: p.case.clone(),
                            selection: Selection::Picked { reason: p.reason.clone(), on: *on },
                            score: None,
                            rectification: None,
                        });
                    }
                }
            }
            EvaluationEvent::EvaluationCommitted { commitment } if self.commitment.is_none() => {
                self.commitment = Some((**commitment).clone())
            }
            EvaluationEvent::EvaluationCommitted { .. } => {}
            EvaluationEvent::EvaluationDrawn { drawn } if self.drawn.is_none() => {
                let candidates = self.commitment.as_ref().map(|c| c.candidates.as_slice()).unwrap_or(&[]);
                for id in &drawn.cases {
                    if let Some(c) = candidates.iter().find(|c| c.case_id == *id) {
                        self.cases.push(EvaluatedCase {
                            case: c.clone(),
                            selection: Selection::Drawn { on: drawn.on },
                            score: None,
                            rectification: None,
                        });
                    }
                }
                self.drawn = Some((**drawn).clone());
            }
            EvaluationEvent::EvaluationDrawn { .. } => {}
            EvaluationEvent::EvaluationCaseScored { case_id, scoring } => {
                if let Some(c) = self.case_mut(*case_id) {
                    c.score.get_or_insert_with(|| ScoreRecord { scoring: scoring.clone(), corrected: vec![] });
                }
            }
            EvaluationEvent::EvaluationScoreCorrected { case_id, scoring, reason } => {
                if let Some(rec) = self.case_mut(*case_id).and_then(|c| c.score.as_mut()) {
                    let old = std::mem::replace(&mut rec.scoring, scoring.clone());
                    rec.corrected.push((old, reason.clone()));
                }
            }
            EvaluationEvent::RectificationIssued { case_id, notice } => {
                if let Some(c) = self.case_mut(*case_id) {
                    c.rectification.get_or_insert_with(|| Rectification::new(notice.clone()));
                }
            }
            EvaluationEvent::RectificationAnswered { case_id, answer } => {
                if let Some(r) = self.rectification_mut(*case_id) {
                    r.answers.push(answer.clone());
                }
            }
            EvaluationEvent::RectificationAccepted { case_id, on, comment } => {
                if let Some(r) = self.rectification_mut(*case_id) {
                    r.accepted.get_or_insert((*on, comment.clone()));
                }
            }
            EvaluationEvent::RectificationReturned { case_id, returned } => {
                if let Some(r) = self.rectification_mut(*case_id) {
                    r.returns.push(returned.clone());
                }
            }
        }
    }

    pub fn case(&self, case_id: Uuid) -> Option<&EvaluatedCase> {
        self.cases.iter().find(|c| c.case.case_id == case_id)
    }

    fn case_mut(&mut self, case_id: Uuid) -> Option<&mut EvaluatedCase> {
        self.cases.iter_mut().find(|c| c.case.case_id == case_id)
    }

    fn rectification_mut(&mut self, case_id: Uuid) -> Option<&mut Rectification> {
        self.case_mut(case_id).and_then(|c| c.rectification.as_mut())
    }

    /// Whether the batch selects at random (a commitment was made).
    pub fn is_random(&self) -> bool {
        self.commitment.is_some()
    }

    /// The selected case, or a rejection naming it.
    fn selected(&self, case_id: Uuid) -> Result<&EvaluatedCase, Rejection> {
        self.case(case_id).ok_or_else(|| Rejection::one("case_id", "该案件不在本次评查的案卷中"))
    }
}

/// Creates a batch. The evaluation id is the caller's.
pub fn decide_create(evaluation_id: Uuid, spec: EvaluationSpec) -> Result<EvaluationEvent, Rejection> {
    let mut r = Rejection::new();
    spec.validate(&mut r);
    r.into_result()?;
    Ok(EvaluationEvent::EvaluationCreated {
        evaluation_id,
        spec: EvaluationSpec { name: spec.name.trim().to_string(), ..spec },
    })
}

/// Selects cases by hand, each with the reason it was chosen. Refused in a batch that
/// selects at random, for a case not closed or of an agency not covered, a case already
/// selected, or a missing reason — every problem, each naming its case.
pub fn decide_pick(
    ev: &Evaluation,
    cases: Vec<(CaseInput, String)>,
    on: NaiveDate,
) -> Result<EvaluationEvent, Rejection> {
    let mut r = Rejection::new();
    if ev.is_random() {
        r.add("cases", "本次评查已公布随机抽取承诺，案卷由随机抽取确定，不能再人工选取");
    }
    if cases.is_empty() {
        r.add("cases", "请至少选择一个案卷");
    }
    let mut seen = BTreeSet::new();
    let mut picked = Vec::with_capacity(cases.len());
    for (input, reason) in cases {
        let number = input.number.trim().to_string();
        if !seen.insert(input.case_id) || ev.case(input.case_id).is_some() {
            r.add("cases", format!("案件{number}已在本次评查的案卷中"));
            continue;
        }
        match input.eligible(&ev.spec) {
            Ok(case) => {
                if reason.trim().is_empty() {
                    r.add("reason", format!("请填写选取案件{number}的理由"));
                }
                if case.closed_on > on {
                    r.add("cases", format!("案件{number}的结案日期{}晚于选取日期", case.closed_on));
                }
                picked.push(PickedCase { case, reason: reason.trim().to_string() });
            }
            Err(why) => r.add("cases", why),
        }
    }
    r.into_result()?;
    Ok(EvaluationEvent::EvaluationCasesPicked { cases: picked, on })
}
