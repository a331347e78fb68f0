//! Supervision (执法监督, rules V-01…V-04, B-03): what supervisors see of every agency —
//! the early warning over the clocks of RULES.md, the problem models beyond deadlines, the
//! metrics per agency and period, the distribution of penalties, and the evaluation of
//! closed case files.
//!
//! Apart from [`evaluation`], nothing here computes a rule of its own. Each clock is
//! computed where its rule lives, and [`warnings`] only reads them into one shape,
//! [`warnings::Warning`] — the rule, the agency, the [`Subject`], what is due, when it was
//! due and met, its [`warnings::State`] and the profile version it used:
//!
//! | rule | clock | computed by |
//! |---|---|---|
//! | R-03 | filing approval within 24 h of an urgent start | `case::deadlines` |
//! | N-02 | penalty decision within 90 days of filing | `case::deadlines` |
//! | N-03 | decision served within 7 working days | `case::deadlines` |
//! | G-05 | written reasons within `reasons_request_days` | `case::deadlines` |
//! | R-11 | AV material stored within `av_store` of capture | `case::deadlines` (`decide::av_store_deadline`) |
//! | R-17 | archived within `archive_days` of closing | `case::deadlines` |
//! | L-06 | legal review within `review_wd` working days | `case::review::clock` |
//! | D-05 | publication within `*_publish_wd` working days | `disclosure::publication` (`Publication::due`) |
//! | S-05 | an inspection result's notice prepared and published | `inspection::publish_due` |
//! | D-10, D-12 | correction or complaint answered within `correction_answer_wd` | `disclosure::feedback` |
//! | D-02 | pre-disclosure updated within `predisclosure_update_wd` | `disclosure::predisclosure` (`tracking`) |
//! | D-11 | annual statistics by 31 January | `disclosure::statistics` (`publish_by`) |
//! | V-01 | a rectification answered by its due day (the notice's, or the last return's) | `evaluation::Rectification::due` |
//!
//! "Due soon" is [`crate::case::deadlines::DUE_SOON_DAYS`] (3 days), the same threshold as
//! the case page's. [`warnings::summarize`] counts, per agency, what is overdue, due soon,
//! met late or unknown (V-03).
//!
//! [`detectors`] are the problem models: each a named function over the state it needs,
//! returning [`detectors::Problem`]s that say in Chinese what is wrong and what to do — a
//! decision issued without the review it needed (L-02), a penalty outside its benchmark
//! tier without reason (B-02), a case closed with a fine while flagged as a suspected
//! crime (V-02), an on-site act by an officer without a valid certificate on its date
//! (P-01), an agency short of legal reviewers (L-07), a mandatory-AV act without AV.
//! The gates stop most of these at the command; the detectors catch what got past them —
//! imported records, corrections, data older than a gate.
//!
//! The aggregates read [`facts`], not folds: [`facts::CaseFacts`] is what they need of one
//! case, read once by the rules' own computations and serializable, so that the app can
//! keep it per case stream version and aggregate a county's cases without folding them
//! again; [`facts::PublicationFacts`] and [`facts::FeedbackFacts`] do the same for a
//! publication stream and a correction request or complaint. From them:
//!
//! | rule | aggregate | reads |
//! |---|---|---|
//! | V-04 | disclosure timeliness | `PublicationFacts` (`Publication::due`, first publication; D-05) |
//! | V-04 | legal-review coverage | `CaseFacts` (`review::requirement`, `review::standing`; L-02) |
//! | V-04 | legal-review timeliness | `CaseFacts` (each concluded round's `review::clock`; L-06) |
//! | V-04 | AV coverage of mandatory acts | `CaseFacts` (`requirements::av_requirement`; R-08) |
//! | V-04 | 被纠错率 | `CaseFacts` decisions, `PublicationFacts` withdrawals (D-09) |
//! | V-04 | correction and complaint handling | `FeedbackFacts` (D-10, D-12) |
//! | V-04 | joint-inspection share | `inspection::JointShare` against `joint_inspection_min_pct` (S-04) |
//! | B-03 | fines per violation type and tier, outliers | `CaseFacts` (the decision's B-02 assessment, D-11's fine) |
//!
//! [`metrics::AgencyMetrics`] holds each V-04 metric as a [`metrics::Ratio`] — met over
//! due in a [`metrics::Period`], with the subjects behind the shortfall for drill-down —,
//! gives fixed Chinese rows for tables, charts and CSV, and sums agencies into a county
//! total. [`same_penalty::groups`] gives, per violation type and tier, the minimum,
//! quartiles (linear interpolation, documented there), maximum and the outliers: fines
//! outside the tier's own range, or outside Tukey's fences once a group has four cases.

//!
//! [`evaluation`] is case-file evaluation (案卷评查, V-01), the one part here that records
//! events of its own: a batch by the judicial bureau, or an agency's self-evaluation, is
//! the stream `evaluation:<id>`. Its closed cases are picked by hand with a reason or
//! drawn at random with the commit–reveal draw of [`inspection`](crate::inspection) — a
//! percentage per agency, verifiable from the stream alone —; each is scored by an
//! evaluator who is neither its officer nor its legal reviewer on seven dimensions
//! (5/10/25/15/15/20/10 points, a comment for every deduction) and graded 优秀 ≥ 90, 合格
//! ≥ 60, else 不合格, any veto (否决项) failing it outright; a score is changed only by a
//! correction with its reason. A file with findings gets a rectification notice to its
//! agency, answered, then accepted (销号) or returned, and tracked as 待整改 / 已答复 /
//! 已销号 / 逾期 as of a given day; `summary` counts grades, the average and the
//! rectifications per batch and agency.

pub mod detectors;
pub mod evaluation;
pub mod facts;
pub mod metrics;
pub mod same_penalty;
pub mod warnings;

#[cfg(test)]
mod tests;

use serde::Serialize;
use uuid::Uuid;

/// What a warning or a problem is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Subject {
    Case {
        id: Uuid,
        number: String,
    },
    /// A publication stream (`publication:<record_id>`).
    Publication {
        record_id: Uuid,
    },
    /// A correction request or complaint, by its tracking number.
    Feedback {
        tracking: String,
    },
    Agency {
        id: Uuid,
    },
    /// A random-inspection plan, or one of its tasks.
    Plan {
        id: Uuid,
        task: Option<u32>,
    },
    /// A case's rectification in a case-file evaluation (V-01).
    Evaluation {
        id: Uuid,
        case: Uuid,
        number: String,
    },
}

impl Subject {
    pub fn of_case(case: &crate::case::Case) -> Subject {
        Subject::Case { id: case.id(), number: case.opening.number.clone() }
    }

    /// How a supervisor's list names it.
    pub fn describe(&self) -> String {
        match self {
            Subject::Case { number, .. } => format!("案件{number}"),
            Subject::Publication { record_id } => format!("公开事项{record_id}"),
            Subject::Feedback { tracking } => format!("受理编号{tracking}"),
            Subject::Agency { .. } => "本机关".into(),
            Subject::Plan { task: Some(t), .. } => format!("抽查计划第{}个任务", t + 1),
            Subject::Plan { task: None, .. } => "抽查计划".into(),
            Subject::Evaluation { number, .. } => format!("案件{number}的评查整改"),
        }
    }
}
