//! The public's correction requests (更正申请, rule D-10) and complaints and reports
//! (投诉举报, rule D-12) filed on the portal, each tracked to an answer.
//!
//! - A **correction request** names a publication (the decision record id that keys its
//!   stream, see [`publication`](super::publication)), says what in it is inaccurate and
//!   what proves it: "有证据证明公开的行政执法信息不准确的，有权要求…予以更正" (000 A1
//!   Art 24; 003 A3 Art 31). The filer must give a name and a telephone or e-mail, because
//!   the agency answers within `correction_answer_wd` working days of receipt.
//! - A **complaint** is about disclosure (late, inaccurate, missing, or leaking what should
//!   not be public) or about enforcement itself, optionally naming the agency complained
//!   about (000 A1 Art 21(二), A2 Art 10; 003 A3 Art 13). It may be anonymous. The seeds
//!   set no period to answer a complaint; rather than invent one in the profile we use the
//!   correction period for both ([`answer_period`]).
//!
//! Each request is a stream of [`FeedbackEvent`]s folded into a [`Feedback`]: filed with a
//! [`TrackingNumber`] the filer keeps, then answered once with an [`Outcome`]. The
//! `decide_*` functions check a command and return the event or a [`Rejection`] in Chinese.
//! The stream's key is the app's to choose; the tracking number can serve (35 random bits
//! per kind and day), the app drawing again in the rare case it is taken.
//! [`public_status`] is all the public status page may show — never the filer's identity
//! or contact details, and the answer redacted (D-07).
//!
//! The portal works without JavaScript and without any outside service, so spam is kept
//! out by pure rules in [`spam`]: a signed form token with a minimum and maximum age, a
//! honeypot field, a limit on links, and a per-client rate limit.
//!
//! Pure like the rest of the core: the time of filing, today's date and the random bytes
//! of the tracking number are arguments.

use std::ops::RangeInclusive;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{FindingKind, RedactionContext, redact};
use crate::calendar::{CalendarError, WorkCalendar, WorkingDays};
use crate::profile::{PolicyProfile, ProfileRef};
use crate::validation::Rejection;

mod contact;
pub mod spam;
mod tracking;

#[cfg(test)]
mod tests;

pub use contact::{Email, Telephone};
pub use tracking::TrackingNumber;

/// The length of a request's content, in characters.
pub const CONTENT_CHARS: RangeInclusive<usize> = 10..=2000;
/// The longest evidence description, in characters.
pub const EVIDENCE_MAX_CHARS: usize = 2000;
/// The longest answer, in characters.
pub const ANSWER_MAX_CHARS: usize = 2000;
/// The longest filer's name (a person's or an organisation's), in characters.
pub const NAME_MAX_CHARS: usize = 50;

/// A correction request or a complaint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeedbackKind {
    /// 更正申请 (D-10)
    Correction,
    /// 投诉举报 (D-12)
    Complaint,
}

impl FeedbackKind {
    pub fn label(self) -> &'static str {
        match self {
            FeedbackKind::Correction => "更正申请",
            FeedbackKind::Complaint => "投诉举报",
        }
    }

    /// The tracking number's prefix: GZ (更正), TS (投诉).
    pub fn prefix(self) -> &'static str {
        match self {
            FeedbackKind::Correction => "GZ",
            FeedbackKind::Complaint => "TS",
        }
    }

    pub fn from_prefix(prefix: &str) -> Option<FeedbackKind> {
        [FeedbackKind::Correction, FeedbackKind::Complaint].into_iter().find(|k| k.prefix() == prefix)
    }

    fn rule(self) -> &'static str {
        match self {
            FeedbackKind::Correction => "D-10",
            FeedbackKind::Complaint => "D-12",
        }
    }
}

/// What a complaint is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ComplaintTopic {
    /// 公示不及时
    DisclosureLate,
    /// 公示内容不准确
    DisclosureInaccurate,
    /// 应当公示而未公示
    NotDisclosed,
    /// 公示了不应公开的信息（个人隐私、商业秘密等）
    ImproperlyDisclosed,
    /// 执法行为（如未出示执法证件、程序不当）
    Enforcement,
}

impl ComplaintTopic {
    pub const ALL: [ComplaintTopic; 5] = [
        ComplaintTopic::DisclosureLate,
        ComplaintTopic::DisclosureInaccurate,
        ComplaintTopic::NotDisclosed,
        ComplaintTopic::ImproperlyDisclosed,
        ComplaintTopic::Enforcement,
    ];

    pub fn label(self) -> &'static str {
        match self {
            ComplaintTopic::DisclosureLate => "公示不及时",
            ComplaintTopic::DisclosureInaccurate => "公示内容不准确",
            ComplaintTopic::NotDisclosed => "应当公示而未公示",
            ComplaintTopic::ImproperlyDisclosed => "公示了不应公开的信息",
            ComplaintTopic::Enforcement => "执法行为",
        }
    }

    /// Whether the complaint is about disclosure rather than enforcement itself.
    pub fn is_about_disclosure(self) -> bool {
        self != ComplaintTopic::Enforcement
    }
}

/// What a request is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Matter {
    /// A correction of the publication of this decision record (D-10).
    Correction { publication: Uuid },
    /// A complaint or report (D-12); `about` is the agency complained about, when named.
    Complaint { topic: ComplaintTopic, about: Option<Uuid> },
}

impl Matter {
    pub fn kind(&self) -> FeedbackKind {
        match self {
            Matter::Correction { .. } => FeedbackKind::Correction,
            Matter::Complaint { .. } => FeedbackKind::Complaint,
        }
    }
}

/// The filer as typed into the form: every field may be empty.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FilerInput {
    /// A person's name or an organisation's.
    pub name: String,
    pub phone: String,
    pub email: String,
}

/// The filer as recorded (000 A2 Art 10: the complainant's basic information). Shown to
/// the answering agency, never on the portal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filer {
    pub name: Option<String>,
    pub phone: Option<Telephone>,
    pub email: Option<Email>,
}

impl Filer {
    /// Whether the agency can reach the filer with the answer.
    pub fn reachable(&self) -> bool {
        self.phone.is_some() || self.email.is_some()
    }

    /// A complaint filed without a name or any contact.
    pub fn is_anonymous(&self) -> bool {
        self.name.is_none() && !self.reachable()
    }
}

/// A request as submitted on the portal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedbackInput {
    pub matter: Matter,
    /// The agency that must answer: for a correction the agency that published; for a
    /// complaint the agency complained about, or — none named — the body that supervises
    /// the portal (the judicial bureau, 000 A1 Art 21). The app resolves it.
    pub agency: Uuid,
    pub filer: FilerInput,
    /// What is wrong (a correction) or what happened (a complaint).
    pub content: String,
    /// The evidence, described (required for a correction; attachments are not here).
    pub evidence: String,
}

/// How a request was answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum Outcome {
    /// 已更正 — a correction request: `what` was corrected, before and after. This records
    /// the answer; the publication itself changes on its own stream (prepared again before
    /// it is public, withdrawn and republished with an explanation after, D-09).
    Corrected { what: String },
    /// 不予更正 — a correction request refused, with the reasons.
    NotCorrected { reasons: String },
    /// 属实，已处理 — a complaint found true and dealt with.
    Substantiated,
    /// 经核查不属实 — a complaint found untrue.
    Unfounded,
    /// 转办 — a complaint sent to the agency competent for it.
    Transferred { to: Uuid, to_name: String },
}

impl Outcome {
    pub fn kind(&self) -> FeedbackKind {
        match self {
            Outcome::Corrected { .. } | Outcome::NotCorrected { .. } => FeedbackKind::Correction,
            Outcome::Substantiated | Outcome::Unfounded | Outcome::Transferred { .. } => FeedbackKind::Complaint,
        }
    }

    /// The outcome as the status page shows it.
    pub fn label(&self) -> String {
        match self {
            Outcome::Corrected { .. } => "已更正".into(),
            Outcome::NotCorrected { .. } => "不予更正".into(),
            Outcome::Substantiated => "属实，已处理".into(),
            Outcome::Unfounded => "经核查不属实".into(),
            Outcome::Transferred { to_name, .. } => format!("已转交{to_name}办理"),
        }
    }
}

/// The events of a request's stream, tagged by `type`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum FeedbackEvent {
    /// Received on the portal on the tracking number's date, to be answered by `due`.
    Filed {
        tracking: TrackingNumber,
        matter: Matter,
        agency: Uuid,
        filer: Filer,
        content: String,
        evidence: String,
        filed_at: DateTime<Utc>,
        due: NaiveDate,
        profile: ProfileRef,
    },
    /// Answered by the staff member `by` on `on` (the agency's date of `at`).
    Answered { answer: String, outcome: Outcome, by: Uuid, at: DateTime<Utc>, on: NaiveDate },
}

/// An answer as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Answer {
    pub text: String,
    pub outcome: Outcome,
    pub by: Uuid,
    pub at: DateTime<Utc>,
    pub on: NaiveDate,
}

/// Where a request stands, as the public status page says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FeedbackStatus {
    /// 已受理: filed, due date not passed.
    Received,
    /// 已答复
    Answered,
    /// 逾期未答复: not answered and the due date passed.
    Overdue,
}

impl FeedbackStatus {
    pub fn label(self) -> &'static str {
        match self {
            FeedbackStatus::Received => "已受理",
            FeedbackStatus::Answered => "已答复",
            FeedbackStatus::Overdue => "逾期未答复",
        }
    }
}

/// The fold of a request's stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feedback {
    pub tracking: TrackingNumber,
    pub matter: Matter,
    pub agency: Uuid,
    pub filer: Filer,
    pub content: String,
    pub evidence: String,
    pub filed_at: DateTime<Utc>,
    pub due: NaiveDate,
    pub profile: ProfileRef,
    pub answer: Option<Answer>,
}

impl Feedback {
    /// Folds a stream; `None` before its `Filed` event.
    pub fn fold<'a>(events: impl IntoIterator<Item = &'a FeedbackEvent>) -> Option<Feedback> {
        let mut state: Option<Feedback> = None;
        for e in events {
            match (e, state.as_mut()) {
                (
                    FeedbackEvent::Filed { tracking, matter, agency, filer, content, evidence, filed_at, due, profile },
                    None,
                ) => {
                    state = Some(Feedback {
                        tracking: *tracking,
                        matter: matter.clone(),
                        agency: *agency,
                        filer: filer.clone(),
                        content: content.clone(),
                        evidence: evidence.clone(),
                        filed_at: *filed_at,
                        due: *due,
                        profile: profile.clone(),
                        answer: None,
                    })
                }
                (_, Some(f)) => f.apply(e),
                _ => {}
            }
        }
        state
    }

    pub fn apply(&mut self, e: &FeedbackEvent) {
        match e {
            FeedbackEvent::Filed { .. } => {}
            // A request is answered once; decide_answer refuses a second answer.
            FeedbackEvent::Answered { .. } if self.answer.is_some() => {}
            FeedbackEvent::Answered { answer, outcome, by, at, on } => {
                self.answer = Some(Answer { text: answer.clone(), outcome: outcome.clone(), by: *by, at: *at, on: *on })
            }
        }
    }

    pub fn kind(&self) -> FeedbackKind {
        self.matter.kind()
    }

    /// The date of receipt, from which the answer period counts.
    pub fn filed_on(&self) -> NaiveDate {
        self.tracking.filed_on()
    }

    pub fn status(&self, today: NaiveDate) -> FeedbackStatus {
        match &self.answer {
            Some(_) => FeedbackStatus::Answered,
            None if today > self.due => FeedbackStatus::Overdue,
            None => FeedbackStatus::Received,
        }
    }

    /// The lateness flag for supervisors on `today`: a request still unanswered after its
    /// due date, or one answered late.
    pub fn lateness(&self, today: NaiveDate) -> Option<String> {
        let kind = self.kind();
        let what = format!("{}{}应于{}前答复", kind.label(), self.tracking, self.due);
        match &self.answer {
            Some(a) if a.on > self.due => Some(format!("{what}，{}才答复，已逾期（{}）", a.on, kind.rule())),
            Some(_) => None,
            None if today > self.due => Some(format!("{what}，至{today}仍未答复，已逾期（{}）", kind.rule())),
            None => None,
        }
    }
}

/// The working days within which a request is answered. Corrections: the profile's
/// `correction_answer_wd` (D-10). Complaints: the seeds set no period (000 A2 Art 10 only
/// says the handling and the notice to the complainant are recorded; 003 A3 Art 13 that a
/// feedback procedure is published), so rather than add a profile parameter no seed gives
/// a value for, a complaint is due in the same period as a correction.
pub fn answer_period(_kind: FeedbackKind, profile: &PolicyProfile) -> WorkingDays {
    profile.params.correction_answer_wd
}

/// The last day to answer a request received on `received_on`, on the official calendar.
pub fn answer_due(
    received_on: NaiveDate,
    kind: FeedbackKind,
    profile: &PolicyProfile,
    calendar: &WorkCalendar,
) -> Result<NaiveDate, CalendarError> {
    calendar.add_working_days(received_on, answer_period(kind, profile))
}

/// The characters of a text that carry meaning: a placeholder (无, 略, ……) has fewer
/// than four.
fn substance(s: &str) -> usize {
    s.chars().filter(|c| c.is_alphanumeric()).count()
}

fn filer(input: &FilerInput, kind: FeedbackKind, r: &mut Rejection) -> Filer {
    let name = input.name.trim();
    if name.chars().count() > NAME_MAX_CHARS {
        r.add("filer.name", format!("姓名或单位名称过长，请不超过{NAME_MAX_CHARS}个字"));
    }
    let phone = input.phone.trim();
    let email = input.email.trim();
    let filer = Filer {
        name: (!name.is_empty()).then(|| name.to_string()),
        phone: (!phone.is_empty()).then(|| Telephone::parse(phone).map_err(|e| r.add("filer.phone", e)).ok()).flatten(),
        email: (!email.is_empty()).then(|| Email::parse(email).map_err(|e| r.add("filer.email", e)).ok()).flatten(),
    };
    if kind == FeedbackKind::Correction {
        if filer.name.is_none() {
            r.add("filer.name", "请填写申请人姓名或单位名称：执法机关须对更正申请作出答复（D-10）");
        }
        if phone.is_empty() && email.is_empty() {
            r.add("filer.phone", "请填写联系电话或电子邮箱（至少一项），以便执法机关答复您的更正申请（D-10）");
        }
    }
    filer
}

/// Checks a request and records it as filed on `today` (the agency's date of `filed_at`),
/// with its tracking number drawn from `random` and its due date (D-10, D-12). Every
/// problem is reported, field by field.
pub fn decide_file(
    input: &FeedbackInput,
    filed_at: DateTime<Utc>,
    today: NaiveDate,
    calendar: &WorkCalendar,
    profile: &PolicyProfile,
    random: [u8; 5],
) -> Result<FeedbackEvent, Rejection> {
    let kind = input.matter.kind();
    let mut r = Rejection::new();
    match input.matter {
        Matter::Correction { publication } if publication.is_nil() => {
            r.add("publication", "请指明要求更正的公开信息（在该决定的公示页面点击“申请更正”）")
        }
        _ => {}
    }
    if input.agency.is_nil() {
        r.add("agency", "请选择受理的行政执法机关");
    }
    let filer = filer(&input.filer, kind, &mut r);

    let content = input.content.trim();
    let n = content.chars().count();
    let what = match kind {
        FeedbackKind::Correction => "公开的信息哪里不准确、准确的应当是什么",
        FeedbackKind::Complaint => "投诉举报的事项：何时、何地、哪个单位或人员、什么行为",
    };
    if n == 0 {
        r.add("content", format!("请写明{what}"));
    } else if n < *CONTENT_CHARS.start() {
        r.add("content", format!("内容太短（{n}个字）：请写明{what}，至少{}个字", CONTENT_CHARS.start()));
    } else if n > *CONTENT_CHARS.end() {
        r.add("content", format!("内容过长（{n}个字），请精简到{}个字以内", CONTENT_CHARS.end()));
    }
    let evidence = input.evidence.trim();
    let m = evidence.chars().count();
    if m > EVIDENCE_MAX_CHARS {
        r.add("evidence", format!("证据说明过长（{m}个字），请精简到{EVIDENCE_MAX_CHARS}个字以内"));
    } else if kind == FeedbackKind::Correction && substance(evidence) < 4 {
        r.add(
            "evidence",
            "请说明证据：有证据证明公开的信息不准确的，方可要求更正（D-10），如决定书原件、缴款凭证、营业执照上记载的内容",
        );
    }
    for (field, text) in [("content", content), ("evidence", evidence)] {
        if let Err(e) = spam::check_links(text) {
            r.add(field, e);
        }
    }
    let due = match answer_due(today, kind, profile, calendar) {
        Ok(due) => due,
        Err(e) => {
            r.add("calendar", e.to_string());
            return Err(r);
        }
    };
    r.into_result()?;
    Ok(FeedbackEvent::Filed {
        tracking: TrackingNumber::new(kind, today, random),
        matter: input.matter.clone(),
        agency: input.agency,
        filer,
        content: content.to_string(),
        evidence: evidence.to_string(),
        filed_at,
        due,
        profile: profile.reference(),
    })
}

/// An answer as the agency's staff writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerInput {
    /// The answer to the filer, published on the status page (redacted).
    pub answer: String,
    pub outcome: Outcome,
}

/// Records the answer given by `by` at `at`, on the agency's date `today` (D-10, D-12).
/// Refused: a second answer, an empty or placeholder answer, an outcome of the other kind
/// of request, a correction made without saying what was corrected, a refusal to correct
/// without reasons, a transfer without the agency it goes to.
pub fn decide_answer(
    fb: &Feedback,
    input: &AnswerInput,
    by: Uuid,
    at: DateTime<Utc>,
    today: NaiveDate,
) -> Result<FeedbackEvent, Rejection> {
    let kind = fb.kind();
    if let Some(a) = &fb.answer {
        return Err(Rejection::one(
            "answer",
            format!("该{}已于{}答复（{}），不能重复答复", kind.label(), a.on, a.outcome.label()),
        ));
    }
    let mut r = Rejection::new();
    if today < fb.filed_on() || at < fb.filed_at {
        r.add("on", format!("答复时间早于受理时间（{}）", fb.filed_on()));
    }
    let answer = input.answer.trim();
    let n = answer.chars().count();
    if n == 0 {
        r.add("answer", format!("请填写答复内容：{}须有答复（{}）", kind.label(), kind.rule()));
    } else if substance(answer) < 4 {
        r.add("answer", "答复内容过于简单：请写明处理结果和理由");
    } else if n > ANSWER_MAX_CHARS {
        r.add("answer", format!("答复内容过长（{n}个字），请精简到{ANSWER_MAX_CHARS}个字以内"));
    }
    if input.outcome.kind() != kind {
        let allowed = match kind {
            FeedbackKind::Correction => "已更正或不予更正",
            FeedbackKind::Complaint => "属实已处理、不属实或转办",
        };
        r.add("outcome", format!("{}的处理结果只能是{allowed}", kind.label()));
    }
    match &input.outcome {
        Outcome::Corrected { what } if substance(what) < 4 => {
            r.add("outcome.what", "已更正的，请写明更正了什么（更正前后的内容），更正须有记录（D-10）")
        }
        Outcome::NotCorrected { reasons } if substance(reasons) < 4 => {
            r.add("outcome.reasons", "不予更正的，请说明理由（D-10）")
        }
        Outcome::Transferred { to, to_name } => {
            if to.is_nil() || to_name.trim().is_empty() {
                r.add("outcome.to", "转办的，请选择转交的机关");
            } else if *to == fb.agency {
                r.add("outcome.to", "不能转交本机关：本机关有权处理的，请直接答复");
            }
        }
        _ => {}
    }
    r.into_result()?;
    let outcome = match &input.outcome {
        Outcome::Corrected { what } => Outcome::Corrected { what: what.trim().to_string() },
        Outcome::NotCorrected { reasons } => Outcome::NotCorrected { reasons: reasons.trim().to_string() },
        Outcome::Transferred { to, to_name } => Outcome::Transferred { to: *to, to_name: to_name.trim().to_string() },
        o => o.clone(),
    };
    Ok(FeedbackEvent::Answered { answer: answer.to_string(), outcome, by, at, on: today })
}

/// What the public status page shows of a request, looked up by its tracking number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicStatus {
    pub tracking: TrackingNumber,
    pub kind: FeedbackKind,
    pub filed_on: NaiveDate,
    pub due: NaiveDate,
    pub status: FeedbackStatus,
    /// The outcome's label (已更正, 不予更正, 已转交…办理…), once answered.
    pub outcome: Option<String>,
    /// The answer, redacted (D-07), once answered.
    pub answer: Option<String>,
    pub answered_on: Option<NaiveDate>,
}

/// The public view of a request on `today`: no name, telephone or e-mail of the filer, not
/// the content they wrote (it may name others), and the answer redacted with the filer's
/// name and contacts known, in case the answer repeats them (D-07).
pub fn public_status(fb: &Feedback, today: NaiveDate) -> PublicStatus {
    let answer = fb.answer.as_ref().map(|a| {
        let mut ctx = RedactionContext::default();
        if let Some(name) = &fb.filer.name {
            ctx = ctx.with_person(name);
        }
        if let Some(phone) = &fb.filer.phone {
            ctx = ctx.with_known(FindingKind::Phone, phone.as_str());
        }
        let text = redact(&a.text, &ctx).text;
        match &fb.filer.email {
            Some(e) => text.replace(e.as_str(), "［已删除：电子邮箱］"),
            None => text,
        }
    });
    PublicStatus {
        tracking: fb.tracking,
        kind: fb.kind(),
        filed_on: fb.filed_on(),
        due: fb.due,
        status: fb.status(today),
        outcome: fb.answer.as_ref().map(|a| a.outcome.label()),
        answer,
        answered_on: fb.answer.as_ref().map(|a| a.on),
    }
}
