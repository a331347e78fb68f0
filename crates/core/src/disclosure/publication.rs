//! Post-disclosure of decisions (事后公开, rules D-05, D-06, D-08, D-09, D-13).
//!
//! A decision goes to the portal in four steps, each a pure function of what came before:
//!
//! 1. [`prepare_decision`] reads an issued decision out of its case and makes the
//!    [`DecisionNotice`] — exactly the fields D-06 lists, every text passed through
//!    [`redact`] with the party's context (D-07) — or refuses when the record is no issued
//!    decision or when [`withheld`] says the case is never published (a minor, a secret).
//!    The [`Prepared`] result also carries the redaction findings for the reviewer's
//!    preview; they are never stored in an event nor published.
//! 2. [`publish_due`] gives the deadline of D-05 on the official calendar.
//! 3. A publication is an event stream folded into [`Publication`]:
//!    [`PublicationEvent::Prepared`], [`Published`](PublicationEvent::Published),
//!    [`TakenDown`](PublicationEvent::TakenDown) once the retention period of D-08 is over
//!    ([`takedown_on`]), [`Withdrawn`](PublicationEvent::Withdrawn) at once when the
//!    decision is revoked, declared unlawful or must be remade, and
//!    [`Republished`](PublicationEvent::Republished) with the new decision, whose retention
//!    counts from the new decision's date (D-09). The `decide_*` functions check a command
//!    against the state and return the events or a [`Rejection`] in Chinese.
//!
//! Process information (D-13) cannot leak through here: the notice is built field by field
//! from the decision document, never from drafts, approval steps, opinions, legal review or
//! collective discussion, and the event carries nothing but the notice and identifiers.

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Finding, RedactionContext, redact, withheld};
use crate::calendar::{WorkCalendar, WorkingDays};
use crate::case::{Case, PartyKind, RecordKind, RecordState, kinds};
use crate::profile::{PolicyProfile, ProfileRef};
use crate::registry::ActKind;
use crate::validation::Rejection;

#[cfg(test)]
mod tests;

/// What a notice publishes (D-06 lists the fields of each): a decision, the result of a
/// random inspection (S-05), or an execution.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    #[default]
    Decision,
    Inspection,
    Execution,
}

impl NoticeKind {
    pub const ALL: [NoticeKind; 3] = [NoticeKind::Decision, NoticeKind::Inspection, NoticeKind::Execution];

    pub fn label(self) -> &'static str {
        match self {
            NoticeKind::Decision => "行政执法决定",
            NoticeKind::Inspection => "随机抽查结果",
            NoticeKind::Execution => "行政强制执行",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            NoticeKind::Decision => "decision",
            NoticeKind::Inspection => "inspection",
            NoticeKind::Execution => "execution",
        }
    }

    pub fn parse(s: &str) -> Option<NoticeKind> {
        NoticeKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The names D-06 gives the notice's fields for this kind, in the order of
    /// [`DecisionNotice::rows`]: body, party, category, number, facts, basis, conclusion,
    /// date.
    pub fn field_labels(self) -> [&'static str; 8] {
        match self {
            NoticeKind::Decision => {
                ["执法机关", "当事人", "类别", "决定文书号", "违法事实", "执法依据", "处理结果", "决定日期"]
            }
            NoticeKind::Inspection => {
                ["检查机关", "检查对象", "类别", "抽查任务编号", "检查情况", "检查依据", "检查结果", "检查日期"]
            }
            NoticeKind::Execution => {
                ["执行机关", "执行对象", "类别", "执行的决定文书号", "执行方式", "执行依据", "执行结果", "执行日期"]
            }
        }
    }
}

/// The published content of a decision, an inspection result or an execution (D-06), as
/// the portal shows it; the field names are the decision's, [`NoticeKind::field_labels`]
/// says what each holds for the other kinds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionNotice {
    /// What is published; notices stored before there were other kinds are decisions.
    #[serde(default)]
    pub kind: NoticeKind,
    /// The agency that made the decision (执法机关).
    pub agency: String,
    /// The party (执法对象): a natural person's name masked, an organisation's kept (D-07).
    pub party: String,
    /// The category (执法类别): the act kind's label, 行政处罚, 行政许可….
    pub category: String,
    /// The document number (文号) printed on the issued decision.
    pub document_number: String,
    /// The facts found (违法事实), redacted.
    pub facts: String,
    /// The legal basis (执法依据), redacted.
    pub basis: String,
    /// What was decided (执法结论), redacted.
    pub conclusion: String,
    /// The decision date.
    pub decided_on: NaiveDate,
}

impl DecisionNotice {
    /// The notice as (name, value) rows in the order D-06 lists them, named for its kind.
    pub fn rows(&self) -> Vec<(&'static str, String)> {
        let values = [
            self.agency.clone(),
            self.party.clone(),
            self.category.clone(),
            self.document_number.clone(),
            self.facts.clone(),
            self.basis.clone(),
            self.conclusion.clone(),
            self.decided_on.to_string(),
        ];
        self.kind.field_labels().into_iter().zip(values).collect()
    }
}

/// Redacts a notice field by field (D-07), keeping what each removal took out for the
/// reviewer's preview.
#[derive(Debug)]
pub struct NoticeRedactor {
    ctx: RedactionContext,
    pub findings: Vec<FieldFinding>,
}

impl NoticeRedactor {
    pub fn new(ctx: RedactionContext) -> Self {
        NoticeRedactor { ctx, findings: Vec::new() }
    }

    /// The field's text, trimmed and redacted.
    pub fn clean(&mut self, field: NoticeField, text: &str) -> String {
        let out = redact(text.trim(), &self.ctx);
        self.findings.extend(out.removed.into_iter().map(|finding| FieldFinding { field, finding }));
        out.text
    }
}

/// A field of the notice that redaction touched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeField {
    Party,
    Facts,
    Basis,
    Conclusion,
}

impl NoticeField {
    pub fn label(self) -> &'static str {
        match self {
            NoticeField::Party => "当事人",
            NoticeField::Facts => "违法事实",
            NoticeField::Basis => "执法依据",
            NoticeField::Conclusion => "执法结论",
        }
    }
}

/// What redaction took out of one field; the finding's offset is within that field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldFinding {
    pub field: NoticeField,
    pub finding: Finding,
}

/// A decision ready for publication: the notice, what it is (for its deadline and
/// retention), and what redaction removed (for the reviewer's preview only — the removed
/// originals are never stored with the publication).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared {
    pub case_id: Uuid,
    /// The decision record published.
    pub record_id: Uuid,
    pub act_kind: ActKind,
    pub party_kind: PartyKind,
    pub notice: DecisionNotice,
    pub findings: Vec<FieldFinding>,
}

/// Builds the notice of an issued decision (D-06) — a decision document or an on-the-spot
/// decision — redacted with the party's context (D-07). Refused, with every reason, when
/// the record is no decision, is not issued as it now stands, has no number or date, or
/// when the case is never published (a minor party, a secret-marked decision).
pub fn prepare_decision(case: &Case, record_id: Uuid, agency_name: &str) -> Result<Prepared, Rejection> {
    let Some(rec) = case.record(record_id) else {
        return Err(Rejection::one("record", "所公开的决定不存在"));
    };
    let kind = rec.record.kind;
    if !matches!(kind, RecordKind::DecisionDocument | RecordKind::OnTheSpotDecision) {
        return Err(Rejection::one(
            "record",
            format!("{}不是行政执法决定，不在事后公开之列（D-06）：请选择决定书或当场行政处罚决定书", kind.label()),
        ));
    }
    let party = &case.opening.party;
    let mut r = Rejection::new();
    if let Some(reason) = withheld(party, rec.record.sensitivity) {
        r.add("record", format!("{reason}（D-07）"));
    }
    match case.document_of(record_id) {
        None => r.add("record", format!("{}尚未出具，出具后方可公开（D-05）", kind.label())),
        Some(_) if rec.issued_at_correction != Some(rec.corrections.len()) => {
            r.add("record", format!("{}出具后又作了更正，请先重新出具，再按出具的内容公开（D-06）", kind.label()))
        }
        Some(_) => {}
    }
    let number = case.document_number(record_id);
    if number.is_empty() {
        r.add("record", format!("{}没有文号，不能公开（D-06）", kind.label()));
    }
    let fields = rec.current_fields();
    let field = |k: &str| fields.get(k).map(|v| v.trim()).unwrap_or("");
    let (act_kind, decided_on, conclusion) = match kind {
        RecordKind::DecisionDocument => {
            (case.opening.act_kind, kinds::parse_date(field("decided_on")), field("conclusion").to_string())
        }
        _ => (
            // Only penalties are decided on the spot.
            ActKind::Penalty,
            kinds::parse_datetime(field("decided_at")).map(|t| t.date()),
            spot_conclusion(rec),
        ),
    };
    let Some(decided_on) = decided_on else {
        r.add("record", format!("{}的决定日期缺失或格式不对，不能计算公开期限", kind.label()));
        return Err(r);
    };
    for (label, text) in [("违法事实", field("facts")), ("执法依据", field("basis")), ("执法结论", conclusion.trim())]
    {
        if text.is_empty() {
            r.add("record", format!("{}没有{label}，不能公开（D-06）", kind.label()));
        }
    }
    r.into_result()?;

    let mut redactor = NoticeRedactor::new(case_context(case));
    let mut clean = |f: NoticeField, text: &str| redactor.clean(f, text);
    let notice = DecisionNotice {
        kind: NoticeKind::Decision,
        agency: agency_name.trim().to_string(),
        party: clean(NoticeField::Party, &party.name),
        category: act_kind.label().to_string(),
        document_number: number,
        facts: clean(NoticeField::Facts, field("facts")),
        basis: clean(NoticeField::Basis, field("basis")),
        conclusion: clean(NoticeField::Conclusion, &conclusion),
        decided_on,
    };
    Ok(Prepared {
        case_id: case.id(),
        record_id,
        act_kind,
        party_kind: party.kind,
        notice,
        findings: redactor.findings,
    })
}

/// Whether records of this kind are published after the fact (D-05, D-06): decisions, and
/// the compulsory executions that carry them out.
pub fn published_kind(kind: RecordKind) -> bool {
    notice_kind(kind).is_some()
}

fn notice_kind(kind: RecordKind) -> Option<NoticeKind> {
    match kind {
        RecordKind::DecisionDocument | RecordKind::OnTheSpotDecision => Some(NoticeKind::Decision),
        RecordKind::CompulsoryExecution | RecordKind::RemovalRestoration => Some(NoticeKind::Execution),
        _ => None,
    }
}

/// Builds the notice of whatever record of a case is published (D-06): a decision
/// ([`prepare_decision`]) or an execution ([`prepare_execution`]).
pub fn prepare(case: &Case, record_id: Uuid, agency_name: &str) -> Result<Prepared, Rejection> {
    match case.record(record_id).map(|r| notice_kind(r.record.kind)) {
        Some(Some(NoticeKind::Execution)) => prepare_execution(case, record_id, agency_name),
        _ => prepare_decision(case, record_id, agency_name),
    }
}

/// Builds the notice of a compulsory execution carried out by the agency — 强制执行, or
/// removal and restoration (D-06: the number of the decision executed, the executing
/// body, the target, the basis, the result), redacted like a decision (D-07). It is
/// another enforcement decision for its deadline (`other_publish_wd`, D-05), counted from
/// the day of execution. Refused, with every reason, when the record is no execution, the
/// case holds no issued decision it carries out, a field D-06 needs is empty, or the case
/// is never published.
pub fn prepare_execution(case: &Case, record_id: Uuid, agency_name: &str) -> Result<Prepared, Rejection> {
    let Some(rec) = case.record(record_id) else {
        return Err(Rejection::one("record", "所公开的执行记录不存在"));
    };
    let kind = rec.record.kind;
    if notice_kind(kind) != Some(NoticeKind::Execution) {
        return Err(Rejection::one(
            "record",
            format!("{}不是强制执行记录：请选择强制执行记录或拆除（恢复原状）记录", kind.label()),
        ));
    }
    let party = &case.opening.party;
    let mut r = Rejection::new();
    if let Some(reason) = withheld(party, rec.record.sensitivity) {
        r.add("record", format!("{reason}（D-07）"));
    }
    // The decision executed: the case's last issued decision document with its number.
    let number = case
        .records_of(RecordKind::DecisionDocument)
        .filter(|d| case.document_of(d.record.id).is_some())
        .map(|d| case.document_number(d.record.id))
        .filter(|n| !n.is_empty())
        .last();
    if number.is_none() {
        r.add("record", "案件中没有已出具并编号的决定书，无法写明所执行的决定（D-06）");
    }
    let fields = rec.current_fields();
    let field = |k: &str| fields.get(k).map(|v| v.trim()).unwrap_or("");
    let means = match kind {
        RecordKind::RemovalRestoration => format!("拆除或恢复原状：{}", field("object")),
        _ => field("means").to_string(),
    };
    let executed_on = kinds::parse_datetime(field("executed_at")).map(|t| t.date());
    if executed_on.is_none() {
        r.add("record", format!("{}的执行时间缺失或格式不对，不能计算公开期限", kind.label()));
    }
    for (label, text) in [("执行依据", field("basis")), ("执行结果", field("result"))] {
        if text.is_empty() {
            r.add("record", format!("{}没有{label}，不能公开（D-06）", kind.label()));
        }
    }
    let (Some(number), Some(executed_on)) = (number, executed_on) else { return Err(r) };
    r.into_result()?;

    let mut redactor = NoticeRedactor::new(case_context(case));
    let mut clean = |f: NoticeField, text: &str| redactor.clean(f, text);
    let notice = DecisionNotice {
        kind: NoticeKind::Execution,
        agency: agency_name.trim().to_string(),
        party: clean(NoticeField::Party, &party.name),
        category: NoticeKind::Execution.label().to_string(),
        document_number: number,
        facts: clean(NoticeField::Facts, &means),
        basis: clean(NoticeField::Basis, field("basis")),
        conclusion: clean(NoticeField::Conclusion, field("result")),
        decided_on: executed_on,
    };
    Ok(Prepared {
        case_id: case.id(),
        record_id,
        act_kind: ActKind::Coercion,
        party_kind: party.kind,
        notice,
        findings: redactor.findings,
    })
}

/// The record fields that name private persons other than the party: whoever was
/// questioned, witnessed, received a service, complained, applied or was present. The
/// officers' names are not among them: they are public (P-06).
const PERSON_FIELDS: &[&str] =
    &["interviewee", "witness", "recipient", "receipt", "complainant", "present", "applicant", "requester"];

/// Words that fill those fields without naming anyone.
const NOT_NAMES: &[&str] = &["本人", "当事人", "拒签", "拒绝签收", "无", "其他", "家属", "同住成年家属", "邻居"];

/// The redaction context of a case: its party, and every natural person its records name
/// (D-07) — a witness named in the decision's facts is masked like the party.
fn case_context(case: &Case) -> RedactionContext {
    let mut ctx = RedactionContext::for_party(&case.opening.party);
    for rec in &case.records {
        let fields = rec.current_fields();
        for key in PERSON_FIELDS {
            let Some(value) = fields.get(*key) else { continue };
            for name in value.split(['、', '，', ',', '；', ';', ' ', '　', '和', '及', '（', '）', '(', ')']) {
                let name = name.trim();
                let plausible = (2..=4).contains(&name.chars().count())
                    && name.chars().all(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
                    && !NOT_NAMES.contains(&name);
                if plausible && name != case.opening.party.name {
                    ctx = ctx.with_person(name);
                }
            }
        }
    }
    ctx
}

/// An agency's own text for the portal about a case — a withdrawal's explanation —
/// redacted with the case's persons like the notice (D-07).
pub fn redact_for_case(case: &Case, text: &str) -> String {
    redact(text.trim(), &case_context(case)).text
}

/// The conclusion of an on-the-spot decision, from the penalty it imposed.
fn spot_conclusion(rec: &RecordState) -> String {
    let Some(p) = &rec.record.penalty else { return String::new() };
    let mut parts = Vec::new();
    if p.warning {
        parts.push("警告".to_string());
    }
    if let Some(fine) = p.fine {
        parts.push(format!("罚款{fine}"));
    }
    parts.join("，")
}

/// The working days within which a decision of this kind is published (D-05): permits and
/// penalties `decision_publish_wd`, other enforcement decisions `other_publish_wd`.
pub fn publish_period(kind: ActKind, profile: &PolicyProfile) -> WorkingDays {
    match kind {
        ActKind::Permit | ActKind::Penalty => profile.params.decision_publish_wd,
        _ => profile.params.other_publish_wd,
    }
}

/// The working days within which a notice is published (D-05): a random inspection's
/// result `inspection_publish_wd` from the inspection's end, a decision or an execution
/// by its act ([`publish_period`]).
pub fn notice_period(act: ActKind, notice: NoticeKind, profile: &PolicyProfile) -> WorkingDays {
    match notice {
        NoticeKind::Inspection => profile.params.inspection_publish_wd,
        NoticeKind::Decision | NoticeKind::Execution => publish_period(act, profile),
    }
}

/// The last day to publish a decision made on `decided_on` (D-05), on the official calendar.
pub fn publish_due(
    decided_on: NaiveDate,
    kind: ActKind,
    profile: &PolicyProfile,
    calendar: &WorkCalendar,
) -> Result<NaiveDate, crate::calendar::CalendarError> {
    calendar.add_working_days(decided_on, publish_period(kind, profile))
}

/// Whether publishing on `on` — or being still unpublished on `on` — is past the due date.
pub fn is_late(due: NaiveDate, on: NaiveDate) -> bool {
    on > due
}

/// The natural days a decision stays on the portal (D-08).
pub fn retention_days(party: PartyKind, profile: &PolicyProfile) -> u32 {
    match party {
        PartyKind::Person => profile.params.retention_days_person,
        PartyKind::Organisation => profile.params.retention_days_org,
    }
}

/// The day a publication whose retention starts on `start` is taken down (D-08): its
/// publication day, or for a republication the new decision's date (D-09).
pub fn takedown_on(start: NaiveDate, party: PartyKind, profile: &PolicyProfile) -> NaiveDate {
    start + Days::new(u64::from(retention_days(party, profile)))
}

/// Why a published decision is withdrawn (D-09).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RevocationGround {
    /// 被依法撤销
    Revoked,
    /// 被确认违法
    DeclaredUnlawful,
    /// 被要求重新作出
    Remade,
}

impl RevocationGround {
    pub const ALL: [RevocationGround; 3] =
        [RevocationGround::Revoked, RevocationGround::DeclaredUnlawful, RevocationGround::Remade];

    pub fn as_str(self) -> &'static str {
        match self {
            RevocationGround::Revoked => "revoked",
            RevocationGround::DeclaredUnlawful => "declared_unlawful",
            RevocationGround::Remade => "remade",
        }
    }

    pub fn parse(s: &str) -> Option<RevocationGround> {
        RevocationGround::ALL.into_iter().find(|g| g.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            RevocationGround::Revoked => "被依法撤销",
            RevocationGround::DeclaredUnlawful => "被确认违法",
            RevocationGround::Remade => "被要求重新作出",
        }
    }
}

/// The events of a publication stream (`publication:<decision record id>`), tagged by
/// `type` like every domain event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum PublicationEvent {
    /// The notice was made from the issued decision, with its deadline (D-05, D-06).
    Prepared {
        case_id: Uuid,
        record_id: Uuid,
        act_kind: ActKind,
        party_kind: PartyKind,
        notice: DecisionNotice,
        due: NaiveDate,
        profile: ProfileRef,
    },
    /// Put on the portal until `takedown_on` (D-08); `late` says by how much the deadline
    /// was missed, for supervisors (D-05).
    Published { on: NaiveDate, takedown_on: NaiveDate, late: Option<String>, profile: ProfileRef },
    /// Taken off the portal at the end of the retention period; the record stays (D-08).
    TakenDown { on: NaiveDate, reason: String },
    /// Taken off at once because the decision was revoked, declared unlawful or must be
    /// remade; the explanation is published in its place (D-09).
    Withdrawn { on: NaiveDate, ground: RevocationGround, explanation: String },
    /// The new decision published with the explanation; its retention counts from the new
    /// decision's date (D-09).
    Republished {
        on: NaiveDate,
        case_id: Uuid,
        record_id: Uuid,
        notice: DecisionNotice,
        explanation: String,
        takedown_on: NaiveDate,
        profile: ProfileRef,
    },
}

/// Where a publication stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Prepared, not yet on the portal.
    Prepared,
    /// On the portal from `since` until `until`.
    Public { since: NaiveDate, until: NaiveDate },
    /// Taken down at the end of its retention period.
    TakenDown { on: NaiveDate, reason: String },
    /// Withdrawn after a revocation; the explanation is what the portal shows.
    Withdrawn { on: NaiveDate, ground: RevocationGround, explanation: String },
}

/// A withdrawn notice, kept with the reason it was withdrawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Withdrawal {
    pub record_id: Uuid,
    pub notice: DecisionNotice,
    pub on: NaiveDate,
    pub ground: RevocationGround,
    pub explanation: String,
}

/// The fold of a publication stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Publication {
    pub case_id: Uuid,
    /// The decision now published (after a republication, the new one).
    pub record_id: Uuid,
    pub act_kind: ActKind,
    pub party_kind: PartyKind,
    pub notice: DecisionNotice,
    /// The deadline of the first publication (D-05).
    pub due: NaiveDate,
    pub status: Status,
    /// The lateness flag of the first publication (D-05).
    pub late: Option<String>,
    /// The day of the first publication, which answers the deadline (D-05).
    pub published_on: Option<NaiveDate>,
    /// The profile version the deadline was computed under.
    pub profile: ProfileRef,
    /// The explanation published with a republication (D-09).
    pub explanation: Option<String>,
    /// Earlier notices withdrawn, in order.
    pub withdrawn: Vec<Withdrawal>,
}

impl Publication {
    /// Folds a stream; `None` before its `Prepared` event.
    pub fn fold<'a>(events: impl IntoIterator<Item = &'a PublicationEvent>) -> Option<Publication> {
        let mut state: Option<Publication> = None;
        for e in events {
            match (e, state.as_mut()) {
                (
                    PublicationEvent::Prepared { case_id, record_id, act_kind, party_kind, notice, due, profile },
                    None,
                ) => {
                    state = Some(Publication {
                        case_id: *case_id,
                        record_id: *record_id,
                        act_kind: *act_kind,
                        party_kind: *party_kind,
                        notice: notice.clone(),
                        due: *due,
                        status: Status::Prepared,
                        late: None,
                        published_on: None,
                        profile: profile.clone(),
                        explanation: None,
                        withdrawn: vec![],
                    })
                }
                (_, Some(p)) => p.apply(e),
                _ => {}
            }
        }
        state
    }

    pub fn apply(&mut self, e: &PublicationEvent) {
        match e {
            // Prepared again: the decision was corrected and re-issued before it was
            // published; the notice and its deadline are the re-issued decision's.
            PublicationEvent::Prepared { notice, due, profile, .. } if self.status == Status::Prepared => {
                self.notice = notice.clone();
                self.due = *due;
                self.profile = profile.clone();
            }
            PublicationEvent::Prepared { .. } => {}
            PublicationEvent::Published { on, takedown_on, late, .. } => {
                self.status = Status::Public { since: *on, until: *takedown_on };
                self.late = late.clone();
                self.published_on.get_or_insert(*on);
            }
            PublicationEvent::TakenDown { on, reason } => {
                self.status = Status::TakenDown { on: *on, reason: reason.clone() }
            }
            PublicationEvent::Withdrawn { on, ground, explanation } => {
                self.withdrawn.push(Withdrawal {
                    record_id: self.record_id,
                    notice: self.notice.clone(),
                    on: *on,
                    ground: *ground,
                    explanation: explanation.clone(),
                });
                self.status = Status::Withdrawn { on: *on, ground: *ground, explanation: explanation.clone() };
            }
            PublicationEvent::Republished { on, case_id, record_id, notice, explanation, takedown_on, .. } => {
                self.case_id = *case_id;
                self.record_id = *record_id;
                self.notice = notice.clone();
                self.explanation = Some(explanation.clone());
                self.status = Status::Public { since: *on, until: *takedown_on };
            }
        }
    }

    /// The lateness flag shown to supervisors on `today` (D-05): a notice still unpublished
    /// after its due date, or one that was published late.
    pub fn lateness(&self, today: NaiveDate) -> Option<String> {
        match self.status {
            Status::Prepared if is_late(self.due, today) => {
                Some(format!("{}应于{}前公开，至{today}仍未公开，已逾期（D-05）", self.notice.category, self.due))
            }
            _ => self.late.clone(),
        }
    }

    /// Whether the notice is on the portal on `day`.
    pub fn is_public_on(&self, day: NaiveDate) -> bool {
        matches!(self.status, Status::Public { since, until } if since <= day && day < until)
    }
}

/// Starts a publication: the prepared notice with its deadline (D-05).
pub fn decide_prepare(
    prepared: &Prepared,
    profile: &PolicyProfile,
    calendar: &WorkCalendar,
) -> Result<PublicationEvent, Rejection> {
    let period = notice_period(prepared.act_kind, prepared.notice.kind, profile);
    let due = calendar
        .add_working_days(prepared.notice.decided_on, period)
        .map_err(|e| Rejection::one("calendar", e.to_string()))?;
    Ok(PublicationEvent::Prepared {
        case_id: prepared.case_id,
        record_id: prepared.record_id,
        act_kind: prepared.act_kind,
        party_kind: prepared.party_kind,
        notice: prepared.notice.clone(),
        due,
        profile: profile.reference(),
    })
}

/// Publishes a prepared notice on `on`, until the end of its retention period (D-08); a
/// publication after the deadline is published, and flagged (D-05).
pub fn decide_publish(p: &Publication, on: NaiveDate, profile: &PolicyProfile) -> Result<PublicationEvent, Rejection> {
    match &p.status {
        Status::Prepared => {}
        Status::Public { since, .. } => {
            return Err(Rejection::one("publication", format!("该决定已于{since}公开，不能重复公开")));
        }
        Status::TakenDown { on, .. } => {
            return Err(Rejection::one("publication", format!("该决定已于{on}公示期满撤下，不再公开（D-08）")));
        }
        Status::Withdrawn { on, .. } => {
            return Err(Rejection::one(
                "publication",
                format!("该决定已于{on}撤回（D-09），不能再公开；重新作出的决定请作为变更后的信息公开"),
            ));
        }
    }
    if on < p.notice.decided_on {
        return Err(Rejection::one("on", format!("公开日期{on}早于决定日期{}", p.notice.decided_on)));
    }
    let late = is_late(p.due, on).then(|| {
        format!(
            "{}应于{}前公开（决定之日起{}），{on}才公开，已逾期（D-05）",
            p.notice.category,
            p.due,
            notice_period(p.act_kind, p.notice.kind, profile)
        )
    });
    Ok(PublicationEvent::Published {
        on,
        takedown_on: takedown_on(on, p.party_kind, profile),
        late,
        profile: profile.reference(),
    })
}

/// Takes a publication down at the end of its retention period (D-08). Before it, a
/// decision leaves the portal only by withdrawal after a revocation (D-09).
/// A decision corrected and re-issued after its publication was prepared (D-06): before
/// publication the notice is prepared again (`None` when it did not change); once public,
/// the published notice changes only by withdrawal and republication (D-09).
pub fn decide_reprepare(
    p: &Publication,
    prepared: &Prepared,
    profile: &PolicyProfile,
    cal: &WorkCalendar,
) -> Result<Option<PublicationEvent>, Rejection> {
    if p.notice == prepared.notice {
        return Ok(None);
    }
    if p.status != Status::Prepared {
        return Err(Rejection::one(
            "publication",
            "该决定已公示后又更正：已公示的内容须撤回并说明后重新公示（D-09），不能直接替换",
        ));
    }
    decide_prepare(prepared, profile, cal).map(Some)
}

pub fn decide_take_down(p: &Publication, on: NaiveDate) -> Result<PublicationEvent, Rejection> {
    let Status::Public { since, until } = p.status else {
        return Err(Rejection::one("publication", "该决定不在公示中，无需撤下"));
    };
    if on < until {
        return Err(Rejection::one(
            "on",
            format!(
                "该决定自{since}起公示至{until}，期满前不能撤下（D-08）；决定被撤销、确认违法或者要求重新作出的，请撤回并说明（D-09）"
            ),
        ));
    }
    let who = match p.party_kind {
        PartyKind::Person => "当事人为自然人",
        PartyKind::Organisation => "当事人为法人或其他组织",
    };
    let days = (until - since).num_days();
    Ok(PublicationEvent::TakenDown {
        on, reason: format!("公示期满（{who}，公示{days}日，{since}至{until}）")
    })
}

/// A placeholder is no explanation: fewer than four characters of substance, or 无, 略….
fn no_explanation(s: &str) -> bool {
    let bare: String = s.chars().filter(|c| c.is_alphanumeric()).collect();
    bare.chars().count() < 4
}

/// Withdraws a prepared or published notice at once (D-09), with the explanation the
/// portal shows in its place.
pub fn decide_withdraw(
    p: &Publication,
    on: NaiveDate,
    ground: RevocationGround,
    explanation: &str,
) -> Result<PublicationEvent, Rejection> {
    let mut r = Rejection::new();
    match &p.status {
        Status::Prepared => {}
        Status::Public { since, .. } if on < *since => {
            r.add("on", format!("撤回日期{on}早于公开日期{since}"));
        }
        Status::Public { .. } => {}
        Status::TakenDown { on, .. } => {
            r.add("publication", format!("该决定已于{on}公示期满撤下，无需撤回"));
        }
        Status::Withdrawn { on, .. } => r.add("publication", format!("该决定已于{on}撤回，不能重复撤回")),
    }
    if no_explanation(explanation) {
        r.add(
            "explanation",
            format!("请说明撤回的原因（决定{}的情况及依据）：撤回后须公示必要的说明（D-09）", ground.label()),
        );
    }
    r.into_result()?;
    Ok(PublicationEvent::Withdrawn { on, ground, explanation: explanation.trim().to_string() })
}

/// Publishes the new decision after a withdrawal, with the explanation; its retention
/// counts from the new decision's date (D-09).
pub fn decide_republish(
    p: &Publication,
    replacement: &Prepared,
    on: NaiveDate,
    explanation: &str,
    profile: &PolicyProfile,
) -> Result<PublicationEvent, Rejection> {
    let mut r = Rejection::new();
    if !matches!(p.status, Status::Withdrawn { .. }) {
        r.add("publication", "原决定尚未撤回：请先撤回原决定，再公示重新作出的决定（D-09）");
    }
    if replacement.record_id == p.record_id || p.withdrawn.iter().any(|w| w.record_id == replacement.record_id) {
        r.add("record", "重新公示的须是重新作出的决定，不能是已撤回的原决定");
    }
    if on < replacement.notice.decided_on {
        r.add("on", format!("公开日期{on}早于重新作出决定的日期{}", replacement.notice.decided_on));
    }
    if no_explanation(explanation) {
        r.add("explanation", "请说明变更的情况：公示变更后的信息须作出必要说明（D-09）");
    }
    r.into_result()?;
    Ok(PublicationEvent::Republished {
        on,
        case_id: replacement.case_id,
        record_id: replacement.record_id,
        notice: replacement.notice.clone(),
        explanation: explanation.trim().to_string(),
        takedown_on: takedown_on(replacement.notice.decided_on, replacement.party_kind, profile),
        profile: profile.reference(),
    })
}

/// A revocation of a published decision, as the agency records it (D-09).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revocation<'a> {
    pub on: NaiveDate,
    pub ground: RevocationGround,
    pub explanation: &'a str,
    /// The new decision, when it was already made.
    pub replacement: Option<&'a Prepared>,
}

/// A revocation: the withdrawal on the day it is recorded and, when the new decision is
/// already made, its publication the same day (D-09). Without one, the new decision is
/// published later with [`decide_republish`].
pub fn decide_revoke(
    p: &Publication,
    revocation: &Revocation<'_>,
    profile: &PolicyProfile,
) -> Result<Vec<PublicationEvent>, Rejection> {
    let withdrawn = decide_withdraw(p, revocation.on, revocation.ground, revocation.explanation)?;
    let Some(replacement) = revocation.replacement else { return Ok(vec![withdrawn]) };
    let mut after = p.clone();
    after.apply(&withdrawn);
    let republished = decide_republish(&after, replacement, revocation.on, revocation.explanation, profile)?;
    Ok(vec![withdrawn, republished])
}
