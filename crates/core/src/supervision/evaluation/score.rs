//! Scoring a case file (V-01): the seven dimensions and their maxima, the grade by points
//! and by veto, the evaluator's separation from the case, and corrections on the record.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use chrono::NaiveDate;

use super::{EvaluatedCase, Evaluation, EvaluationEvent};
use crate::validation::Rejection;

/// The lowest total graded 优秀.
pub const EXCELLENT_MIN: u32 = 90;
/// The lowest total graded 合格.
pub const PASS_MIN: u32 = 60;
/// The total of a scoresheet's maxima: the thresholds above are out of it.
pub const FULL_MARKS: u32 = 100;

/// One of the seven aspects a case file is scored on (V-01; 002 四(十一) lists 卷宗装订、
/// 卷宗材料、执法程序、事实认定、证据采信、适用法律、执法效果).
///
/// The first is `binding` (RULES.md's word), labelled as the seed names it: 卷宗装订, the
/// binding of the file (its order, catalogue, page numbers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    Binding,
    Materials,
    Procedure,
    FactFinding,
    Evidence,
    LawApplication,
    Effect,
}

impl Dimension {
    pub const ALL: [Dimension; 7] = [
        Dimension::Binding,
        Dimension::Materials,
        Dimension::Procedure,
        Dimension::FactFinding,
        Dimension::Evidence,
        Dimension::LawApplication,
        Dimension::Effect,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Dimension::Binding => "卷宗装订",
            Dimension::Materials => "案卷材料",
            Dimension::Procedure => "执法程序",
            Dimension::FactFinding => "事实认定",
            Dimension::Evidence => "证据",
            Dimension::LawApplication => "法律适用",
            Dimension::Effect => "执法效果",
        }
    }
}

/// The maximum points of each dimension, 100 in all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scoresheet {
    pub binding: u32,
    pub materials: u32,
    pub procedure: u32,
    pub fact_finding: u32,
    pub evidence: u32,
    pub law_application: u32,
    pub effect: u32,
}

impl Scoresheet {
    /// The default weights: the procedure (25) and the application of law (20) weigh most,
    /// as the parts where a defect makes a decision unlawful; fact-finding and evidence 15
    /// each; the file's materials and the effect 10 each; subject and jurisdiction 5, since
    /// a real defect there is a veto anyway. The seeds give no points; these are a default
    /// a batch may change, as long as they add up to 100.
    pub const STANDARD: Scoresheet = Scoresheet {
        binding: 5,
        materials: 10,
        procedure: 25,
        fact_finding: 15,
        evidence: 15,
        law_application: 20,
        effect: 10,
    };

    pub fn max(&self, d: Dimension) -> u32 {
        match d {
            Dimension::Binding => self.binding,
            Dimension::Materials => self.materials,
            Dimension::Procedure => self.procedure,
            Dimension::FactFinding => self.fact_finding,
            Dimension::Evidence => self.evidence,
            Dimension::LawApplication => self.law_application,
            Dimension::Effect => self.effect,
        }
    }

    pub fn total(&self) -> u32 {
        Dimension::ALL.iter().map(|&d| self.max(d)).sum()
    }

    pub(super) fn validate(&self, r: &mut Rejection) {
        for d in Dimension::ALL {
            if self.max(d) == 0 {
                r.add("scoresheet", format!("“{}”的分值必须大于0", d.label()));
            }
        }
        if self.total() != FULL_MARKS {
            r.add("scoresheet", format!("各项分值合计应为{FULL_MARKS}分，现为{}分", self.total()));
        }
    }
}

impl Default for Scoresheet {
    fn default() -> Self {
        Scoresheet::STANDARD
    }
}

/// A defect that makes a file 不合格 whatever its points (否决项).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Veto {
    /// 无法律依据: the decision rests on no legal basis.
    NoLegalBasis,
    /// 执法主体不适格或无管辖权.
    WrongSubjectOrJurisdiction,
    /// 应当法制审核而未审核 (L-02).
    MissingLegalReview,
}

impl Veto {
    pub fn label(self) -> &'static str {
        match self {
            Veto::NoLegalBasis => "无法律依据",
            Veto::WrongSubjectOrJurisdiction => "执法主体不适格或无管辖权",
            Veto::MissingLegalReview => "应当法制审核而未审核",
        }
    }
}

/// A veto found, with what the evaluator saw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VetoFinding {
    pub veto: Veto,
    pub comment: String,
}

/// The grade of a case file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Grade {
    Excellent,
    Pass,
    Fail,
}

impl Grade {
    pub const ALL: [Grade; 3] = [Grade::Excellent, Grade::Pass, Grade::Fail];

    /// By points: ≥ 90 优秀, ≥ 60 合格, else 不合格; any veto is 不合格.
    pub fn of(total: u32, vetoed: bool) -> Grade {
        if vetoed || total < PASS_MIN {
            Grade::Fail
        } else if total < EXCELLENT_MIN {
            Grade::Pass
        } else {
            Grade::Excellent
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Grade::Excellent => "优秀",
            Grade::Pass => "合格",
            Grade::Fail => "不合格",
        }
    }
}

/// The points of one dimension; the comment says what was deducted and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DimensionScore {
    pub dimension: Dimension,
    pub points: u32,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub comment: String,
}

/// An evaluator's scoring of one case file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scoring {
    /// The evaluator's officer id.
    pub evaluator: Uuid,
    pub on: NaiveDate,
    /// The seven dimensions, each once.
    pub scores: Vec<DimensionScore>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vetoes: Vec<VetoFinding>,
}

impl Scoring {
    pub fn total(&self) -> u32 {
        self.scores.iter().map(|s| s.points).sum()
    }

    pub fn grade(&self) -> Grade {
        Grade::of(self.total(), !self.vetoes.is_empty())
    }

    pub fn points(&self, d: Dimension) -> Option<u32> {
        self.scores.iter().find(|s| s.dimension == d).map(|s| s.points)
    }

    /// Whether any point was deducted or any veto found: what a rectification may follow.
    pub fn has_findings(&self, sheet: &Scoresheet) -> bool {
        !self.vetoes.is_empty() || self.scores.iter().any(|s| s.points < sheet.max(s.dimension))
    }

    fn trimmed(self) -> Scoring {
        Scoring {
            scores: self
                .scores
                .into_iter()
                .map(|s| DimensionScore { comment: s.comment.trim().to_string(), ..s })
                .collect(),
            vetoes: self
                .vetoes
                .into_iter()
                .map(|v| VetoFinding { comment: v.comment.trim().to_string(), ..v })
                .collect(),
            ..self
        }
    }
}

/// A case's current score with the scores it replaced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScoreRecord {
    pub scoring: Scoring,
    /// Earlier scorings and the reason each was corrected, oldest first.
    pub corrected: Vec<(Scoring, String)>,
}

/// The people of the evaluated case, as the caller knows them: its enforcement officers
/// and its legal reviewer(s), by officer id. None of them may evaluate it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseStaff {
    pub officers: Vec<Uuid>,
    pub legal_reviewers: Vec<Uuid>,
}

/// Every problem with a scoring of `case` in `ev`.
fn check(ev: &Evaluation, case: &EvaluatedCase, s: &Scoring, staff: &CaseStaff, r: &mut Rejection) {
    if !ev.spec.evaluators.contains(&s.evaluator) {
        r.add("evaluator", "该人员不是本次评查指定的评查人员");
    }
    if staff.officers.contains(&s.evaluator) {
        r.add("evaluator", format!("评查人员系案件{}的承办人员，应当回避，不能评查本案", case.case.number));
    }
    if staff.legal_reviewers.contains(&s.evaluator) {
        r.add("evaluator", format!("评查人员系案件{}的法制审核人员，应当回避，不能评查本案", case.case.number));
    }
    let selected_on = match &case.selection {
        super::Selection::Picked { on, .. } | super::Selection::Drawn { on } => *on,
    };
    if s.on < selected_on {
        r.add("on", format!("评查日期不能早于案卷选取日期{selected_on}"));
    }
    let sheet = &ev.spec.scoresheet;
    let mut seen = BTreeSet::new();
    for d in &s.scores {
        let label = d.dimension.label();
        if !seen.insert(d.dimension) {
            r.add("scores", format!("“{label}”评了两次"));
            continue;
        }
        let max = sheet.max(d.dimension);
        if d.points > max {
            r.add("scores", format!("“{label}”最高{max}分，不能评{}分", d.points));
        } else if d.points < max && d.comment.trim().is_empty() {
            r.add("scores", format!("“{label}”扣了{}分，请写明扣分理由", max - d.points));
        }
    }
    for d in Dimension::ALL {
        if !seen.contains(&d) {
            r.add("scores", format!("请为“{}”评分", d.label()));
        }
    }
    let mut vetoes = BTreeSet::new();
    for v in &s.vetoes {
        if !vetoes.insert(v.veto) {
            r.add("vetoes", format!("否决项“{}”选择了两次", v.veto.label()));
        } else if v.comment.trim().is_empty() {
            r.add("vetoes", format!("请写明否决项“{}”的具体情形", v.veto.label()));
        }
    }
}

/// Scores a selected case once. The evaluator must be one of the batch's and not one of
/// the case's officers nor its legal reviewer; every dimension from 0 to its maximum, with
/// a comment wherever points are deducted; each veto with what was found.
pub fn decide_score(
    ev: &Evaluation,
    case_id: Uuid,
    scoring: Scoring,
    staff: &CaseStaff,
) -> Result<EvaluationEvent, Rejection> {
    let case = ev.selected(case_id)?;
    if case.score.is_some() {
        return Err(Rejection::one(
            "case_id",
            format!("案件{}已评分；如需更正，请提交评分更正并说明理由", case.case.number),
        ));
    }
    let mut r = Rejection::new();
    check(ev, case, &scoring, staff, &mut r);
    r.into_result()?;
    Ok(EvaluationEvent::EvaluationCaseScored { case_id, scoring: scoring.trimmed() })
}

/// Replaces a case's score with a corrected one and the reason (X-01: the earlier score
/// stays on record). The same checks as [`decide_score`].
pub fn decide_correct_score(
    ev: &Evaluation,
    case_id: Uuid,
    scoring: Scoring,
    staff: &CaseStaff,
    reason: &str,
) -> Result<EvaluationEvent, Rejection> {
    let case = ev.selected(case_id)?;
    let Some(current) = &case.score else {
        return Err(Rejection::one("case_id", format!("案件{}尚未评分，无可更正", case.case.number)));
    };
    let mut r = Rejection::new();
    r.require("reason", "更正理由", reason);
    check(ev, case, &scoring, staff, &mut r);
    let scoring = scoring.trimmed();
    if r.is_empty() && scoring.scores == current.scoring.scores && scoring.vetoes == current.scoring.vetoes {
        r.add("scores", "更正后的评分与原评分相同");
    }
    r.into_result()?;
    Ok(EvaluationEvent::EvaluationScoreCorrected { case_id, scoring, reason: reason.trim().to_string() })
}
