//! The commands on a case, each a pure check of (case, command, profile, calendar, time)
//! that returns the events to append or a [`Rejection`] listing everything wrong.

use std::collections::BTreeMap;

use chrono::{Datelike, Months, NaiveDate, NaiveDateTime, TimeDelta};
use uuid::Uuid;

use crate::access::{Role, Sensitivity};
use crate::basis::BasisEntry;
use crate::calendar::{CalendarError, WorkCalendar};
use crate::case::RecordState;
use crate::case::defence::{self, StatementPoint};
use crate::case::hearing;
use crate::case::kinds;
use crate::case::reasons::{self, ReasonsPolicy};
use crate::case::requirements::{AvList, missing};
use crate::case::review::{self, ReviewPolicy};
use crate::case::{
    AccessEvent, ActingOfficer, ApprovalStep, AvItem, AvMetadata, Case, CaseEvent, CaseOpening, CatalogueEntry,
    Initiation, LimitationCheck, MediaKind, Party, PartyKind, Procedure, Record, RecordKind, Signature, SpotPenalty,
    Stage, StoredFile,
};
use crate::discretion::{Benchmark, PROPOSAL_FIELDS, PROPOSAL_KINDS, check_case_proposal};
use crate::law;
use crate::personnel::{Officer, check_act_officers};
use crate::profile::PolicyProfile;
use crate::registry::{ActKind, Agency, UnitKind};
use crate::validation::Rejection;

/// At least this many certified officers on a case and on every on-site act (P-02).
pub const MIN_OFFICERS: usize = 2;

/// What an officer typed to open a case. Officers are resolved by the caller.
#[derive(Debug, Clone)]
pub struct OpenCase<'a> {
    pub act_kind: ActKind,
    pub procedure: Procedure,
    pub initiation: Initiation,
    pub party: Party,
    pub summary: String,
    pub item_code: Option<String>,
    pub handling_unit: Uuid,
    pub officers: Vec<&'a Officer>,
    pub auxiliaries: Vec<&'a Officer>,
    pub violation_ended_on: Option<NaiveDate>,
    pub serious_harm: bool,
    pub limitation_override: String,
}

fn acting(officers: &[&Officer], numbers: &[String]) -> Vec<ActingOfficer> {
    officers
        .iter()
        .zip(numbers)
        .map(|(o, n)| ActingOfficer { officer_id: o.id, name: o.profile.name.clone(), certificate_number: n.clone() })
        .collect()
}

fn auxiliaries(aux: &[&Officer]) -> Vec<ActingOfficer> {
    aux.iter()
        .map(|o| ActingOfficer { officer_id: o.id, name: o.profile.name.clone(), certificate_number: String::new() })
        .collect()
}

/// Officers with a declared conflict with the party (N-06).
fn check_conflicts(r: &mut Rejection, field: &str, officers: &[&Officer], party: &Party) {
    for o in officers {
        if let Some(c) = o.conflict_with(&party.conflict_keys()) {
            r.add(
                field,
                format!("{}已申报与当事人{}存在回避事由（{}），不得参与本案", o.profile.name, party.name, c.reason),
            );
        }
    }
}

/// The limitation check at filing (N-07): a violation that ended more than two years ago
/// (five where life, health or financial safety was harmed) is flagged.
pub fn limitation_flag(ended: NaiveDate, serious_harm: bool, today: NaiveDate) -> Option<String> {
    let years = if serious_harm { law::LIMITATION_YEARS_SERIOUS } else { law::LIMITATION_YEARS };
    let limit = ended.checked_add_months(Months::new(12 * years))?;
    (today > limit).then(|| {
        format!("违法行为于{ended}终了，至今已超过{years}年（{limit}届满），依《行政处罚法》第三十六条不再给予行政处罚")
    })
}

/// What the law rules out in the way a case is opened, as (field, message): the
/// simplified procedure is for penalties only and never for an application, and a
/// penalty is never applied for. Empty when the combination may be opened; the
/// published flowcharts ([`crate::case::flow`]) are drawn for exactly those.
pub fn opening_problems(
    act_kind: ActKind,
    procedure: Procedure,
    initiation: Initiation,
) -> Vec<(&'static str, &'static str)> {
    let mut out = Vec::new();
    if procedure == Procedure::Simplified && act_kind != ActKind::Penalty {
        out.push(("procedure", "简易程序只适用于行政处罚"));
    }
    if procedure == Procedure::Simplified && initiation == Initiation::Application {
        out.push(("initiation", "依申请的事项不适用简易程序"));
    }
    if initiation == Initiation::Application && act_kind == ActKind::Penalty {
        out.push(("initiation", "行政处罚不能依申请启动"));
    }
    out
}

/// Opens a case (R-01…R-04, P-02, P-03, N-06, N-07, R-16).
pub fn decide_open(
    agency: &Agency,
    profile: &PolicyProfile,
    cmd: OpenCase<'_>,
    number: String,
    now: NaiveDateTime,
) -> Result<CaseEvent, Rejection> {
    let today = now.date();
    let mut r = Rejection::new();
    r.require("party.name", "当事人名称", &cmd.party.name);
    r.require("summary", "案由", &cmd.summary);
    match agency.unit(cmd.handling_unit) {
        Some(u) if u.kind == UnitKind::Handling => {}
        Some(u) => r.add("handling_unit", format!("“{}”是法制机构，不得承办案件", u.name)),
        None => r.add("handling_unit", "请选择本机关的承办机构"),
    }
    for (field, message) in opening_problems(cmd.act_kind, cmd.procedure, cmd.initiation) {
        r.add(field, message);
    }
    let numbers = match check_act_officers(&cmd.officers, &cmd.auxiliaries, today, MIN_OFFICERS) {
        Ok(n) => n,
        Err(e) => {
            r.errors.extend(e.errors);
            vec![]
        }
    };
    check_conflicts(&mut r, "officers", &cmd.officers, &cmd.party);
    // N-07: the limitation is checked at filing, so a penalty case states when the
    // violation ended.
    if cmd.act_kind == ActKind::Penalty && cmd.violation_ended_on.is_none() {
        r.add("violation_ended_on", "行政处罚案件须填写违法行为终了日期（尚在继续的，填写发现之日），以核对追责时效");
    }
    let mut limitation = LimitationCheck {
        violation_ended_on: cmd.violation_ended_on,
        serious_harm: cmd.serious_harm,
        flagged: None,
        override_reason: None,
    };
    if let Some(ended) = cmd.violation_ended_on {
        if ended > today {
            r.add("violation_ended_on", "违法行为终了日期不能晚于今天");
        }
        limitation.flagged = limitation_flag(ended, cmd.serious_harm, today);
        if limitation.flagged.is_some() && cmd.act_kind == ActKind::Penalty {
            if cmd.limitation_override.trim().is_empty() {
                r.add(
                    "limitation_override",
                    format!("{}；如仍需立案，请说明理由", limitation.flagged.clone().unwrap_or_default()),
                );
            } else {
                limitation.override_reason = Some(cmd.limitation_override.trim().to_string());
            }
        }
    }
    r.into_result()?;
    let mut party = cmd.party;
    party.name = party.name.trim().to_string();
    if party.kind == PartyKind::Person
        && let Ok(id) = crate::ids::CitizenId::parse(&party.id_number)
    {
        party.minor = id.is_minor_on(today);
    }
    Ok(CaseEvent::CaseOpened {
        opening: CaseOpening {
            case_id: Uuid::new_v4(),
            agency_id: agency.id,
            number,
            act_kind: cmd.act_kind,
            procedure: cmd.procedure,
            initiation: cmd.initiation,
            party,
            summary: cmd.summary.trim().to_string(),
            item_code: cmd.item_code.filter(|c| !c.trim().is_empty()),
            handling_unit: cmd.handling_unit,
            opened_at: now,
            officers: acting(&cmd.officers, &numbers),
            auxiliaries: auxiliaries(&cmd.auxiliaries),
            limitation,
            profile: profile.reference(),
        },
    })
}

/// Whether a record of `kind` may still be added to `case` once it is closed: a request
/// for written reasons and its reply (G-05), until the file is archived.
fn reasons_after_closure(case: &Case, kind: RecordKind) -> bool {
    !case.is_archived()
        && case.current_stage().is_none()
        && matches!(kind, RecordKind::ReasonsRequest | RecordKind::ReasonsReply)
}

fn check_open(case: &Case) -> Result<Stage, Rejection> {
    if case.is_archived() {
        return Err(Rejection::one("case", "案件已归档，案卷不得再增删；如需更正请由负责人另行处理"));
    }
    case.current_stage().ok_or_else(|| Rejection::one("case", "案件已结案，请办理归档"))
}

/// Re-assigns the case's officers (P-02, P-03, N-06).
pub fn decide_assign(
    case: &Case,
    officers: &[&Officer],
    aux: &[&Officer],
    reason: &str,
    today: NaiveDate,
) -> Result<CaseEvent, Rejection> {
    check_open(case)?;
    let mut r = Rejection::new();
    r.require("reason", "变更理由", reason);
    let numbers = match check_act_officers(officers, aux, today, MIN_OFFICERS) {
        Ok(n) => n,
        Err(e) => {
            r.errors.extend(e.errors);
            vec![]
        }
    };
    check_conflicts(&mut r, "officers", officers, &case.opening.party);
    r.into_result()?;
    Ok(CaseEvent::OfficersAssigned {
        officers: acting(officers, &numbers),
        auxiliaries: auxiliaries(aux),
        reason: reason.trim().to_string(),
    })
}

/// A record as typed, with the officers who performed the act resolved by the caller.
#[derive(Debug, Clone)]
pub struct NewRecord<'a> {
    pub kind: RecordKind,
    pub fields: BTreeMap<String, String>,
    pub officers: Vec<&'a Officer>,
    pub credentials_shown: bool,
    pub auxiliaries: Vec<&'a Officer>,
    /// The officers (ids among `officers`) who signed the record themselves.
    pub officers_signed: Vec<Uuid>,
    pub signature: Option<Signature>,
    pub serves: Option<Uuid>,
    pub form_number: Option<String>,
    pub penalty: Option<SpotPenalty>,
    pub sensitivity: Sensitivity,
    /// The role of the account making the record: head approvals, collective discussion
    /// minutes and legal-review opinions are made by the entitled role only.
    pub by_role: Option<Role>,
    /// The agency's discretion benchmarks, against which a penalty proposal is checked
    /// (B-02); empty for an agency that has none.
    pub benchmarks: &'a [Benchmark],
    /// The case's profile version and the agency's review catalogue: a decision document
    /// is checked against the legal review (L-02), and refused without them; a prior
    /// notice's rights are checked against the hearing-eligible penalties (G-02, N-05).
    pub review: Option<ReviewPolicy<'a>>,
    /// The agency's legal-basis catalogue, against which a decision's citations are
    /// resolved (G-03); with `review` and `benchmarks` it is what the reason checks need.
    pub basis: &'a [BasisEntry],
    /// The party's points with their answers (G-02): statement and hearing records.
    pub points: Vec<StatementPoint>,
    /// The hearing's host, resolved by the caller among the agency's staff (N-05).
    pub host: Option<&'a Officer>,
    /// The working-day calendar, for the hearing's periods (N-05).
    pub calendar: Option<&'a WorkCalendar>,
}

impl<'a> NewRecord<'a> {
    pub fn new(kind: RecordKind, fields: &[(&str, &str)]) -> Self {
        NewRecord {
            kind,
            fields: fields.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            officers: vec![],
            credentials_shown: false,
            auxiliaries: vec![],
            officers_signed: vec![],
            signature: None,
            serves: None,
            form_number: None,
            penalty: None,
            sensitivity: Sensitivity::Internal,
            by_role: None,
            benchmarks: &[],
            review: None,
            basis: &[],
            points: vec![],
            host: None,
            calendar: None,
        }
    }
}

/// Whether a record of `kind` may be made while the case is in `stage`: records of the
/// current or an earlier stage (supplementary evidence), service of notices during the
/// decision stage, and service of a coercive-measure decision whenever it is made.
fn allowed_in(case: &Case, kind: RecordKind, stage: Stage, serves: Option<Uuid>) -> bool {
    if kind.stage() <= stage {
        return true;
    }
    if kind.is_service() && stage >= Stage::Decision {
        return true;
    }
    if kind.is_service()
        && serves.and_then(|id| case.record(id)).is_some_and(|d| d.record.kind == RecordKind::CoerciveDecision)
    {
        return true;
    }
    // an urgent case acts first; its filing approval follows within 24 hours.
    if case.urgent() && stage == Stage::Initiation && kind.stage() == Stage::Investigation {
        return true;
    }
    // Simplified procedure: the on-the-spot decision is made at the scene.
    case.opening.procedure == Procedure::Simplified && kind == RecordKind::OnTheSpotDecision
}

/// The earliest day an act of the case may be dated (P-02): the day the case was opened
/// (立案). An urgent ex-officio case is opened after its officers acted at the scene;
/// its acts may precede the opening by the [`URGENT_APPROVAL_HOURS`] within which its
/// filing approval must follow — which then count from the first act
/// ([`super::deadlines::urgent_start`]).
pub fn earliest_act_date(case: &Case) -> NaiveDate {
    let opened = case.opening.opened_at;
    if case.urgent() { (opened - TimeDelta::hours(URGENT_APPROVAL_HOURS)).date() } else { opened.date() }
}

/// The hours within which an urgent start's filing approval follows.
pub const URGENT_APPROVAL_HOURS: i64 = 24;

fn deadline_of(reminder: &RecordState) -> Option<NaiveDate> {
    kinds::parse_date(reminder.field("deadline"))
}

/// What compulsory execution still lacks on `act_on`: a reminder (催告书) served
/// whose deadline for performance came after its service and has passed, and — unless
/// only a court is asked — the party's statements on execution heard, after the reminder
/// was served and by `act_on`, and reviewed. Empty when nothing is missing.
pub fn execution_gaps(case: &Case, act_on: NaiveDate, statements_needed: bool) -> Vec<String> {
    let mut out = Vec::new();
    let reminders: Vec<&RecordState> = case.records_of(RecordKind::Reminder).collect();
    let served: Vec<(&RecordState, NaiveDate)> = reminders
        .iter()
        .filter_map(|r| case.served_at(r.record.id).map(|t| (*r, t.date())))
        .filter(|(_, on)| *on <= act_on)
        .collect();
    // A reminder gives the party a period to perform after it is served.
    let timely: Vec<_> = served.iter().filter(|(r, on)| deadline_of(r).is_some_and(|d| d > *on)).collect();
    let passed: Vec<_> = timely.iter().filter(|(r, _)| deadline_of(r).is_some_and(|d| d < act_on)).collect();
    if reminders.is_empty() {
        out.push("缺少催告书：须先送达催告书，载明履行义务和履行期限".to_string());
    } else if served.is_empty() {
        let undated = reminders.iter().any(|r| {
            case.services_of(r.record.id)
                .any(|s| s.record.kind == RecordKind::ServiceMail && s.service_time().is_none())
        });
        let numbers: Vec<String> =
            reminders.iter().map(|r| case.document_number(r.record.id)).filter(|n| !n.is_empty()).collect();
        out.push(format!(
            "催告书{}尚无{}前的送达记录：须先送达催告书（直接、留置、邮寄等方式送达后制作送达记录）{}",
            if numbers.is_empty() { String::new() } else { format!("（{}）", numbers.join("、")) },
            act_on,
            if undated { "；邮寄送达记录未填写签收日期的，请按回执更正补填" } else { "" }
        ));
    } else if timely.is_empty() {
        let which: Vec<_> = served
            .iter()
            .map(|(r, on)| format!("{}履行期限{}、{on}送达", case.document_title(r.record.id), r.field("deadline")))
            .collect();
        out.push(format!(
            "催告书的履行期限不在送达之后（{}），当事人没有履行期间：须重新制作并送达履行期限晚于送达日期的催告书",
            which.join("；")
        ));
    } else if passed.is_empty() {
        let deadlines: Vec<_> = timely.iter().map(|(r, _)| r.field("deadline")).collect();
        out.push(format!(
            "催告书载明的履行期限（{}）至{act_on}尚未届满，期限届满当事人仍不履行的，方可强制执行",
            deadlines.join("、")
        ));
    }
    if statements_needed {
        // Heard after the reminder was served (the one whose deadline passed, if any), and
        // no later than the execution.
        let basis =
            if passed.is_empty() { served.iter().collect::<Vec<_>>() } else { passed.into_iter().copied().collect() };
        let since = basis.iter().map(|(_, on)| *on).min();
        let statements: Vec<&RecordState> = case.records_of(RecordKind::ExecutionStatement).collect();
        let heard = |s: &&RecordState| kinds::parse_date(s.field("heard_on"));
        let counts = statements.iter().filter_map(heard).any(|h| since.is_none_or(|from| from <= h) && h <= act_on);
        let label = RecordKind::ExecutionStatement.label();
        if statements.is_empty() {
            out.push(format!("缺少{label}：须听取当事人的陈述、申辩，并对其事实、理由和证据进行复核"));
        } else if !counts && statements.iter().any(|s| heard(s).is_none()) {
            out.push(format!("{label}未记录听取日期：请更正补填听取日期（须在催告书送达之后）"));
        } else if !counts {
            let dates: Vec<_> = statements.iter().map(|s| s.field("heard_on")).collect();
            let from = since.map(|d| format!("催告书送达（{d}）之后、")).unwrap_or_default();
            out.push(format!(
                "{label}的听取日期（{}）不在{from}{act_on}之前：须在催告书送达后听取当事人的陈述、申辩并复核",
                dates.join("、")
            ));
        }
    }
    out
}

/// A record's content as checked at entry and at every correction: `id` is `None` for a
/// record being made.
struct Content<'a> {
    id: Option<Uuid>,
    kind: RecordKind,
    fields: &'a BTreeMap<String, String>,
    serves: Option<Uuid>,
}

/// The checks on a record's content against the case, the same at entry and at every
/// correction: the act is not dated after today nor before the case was opened
/// (P-02; mail's receipt included, R-14), an inquiry notified the party's rights, a
/// decision is sealed, a service is not dated before the document it serves and a
/// reminder's deadline comes after its service, and compulsory execution
/// follows R-15's order.
fn check_content(r: &mut Rejection, case: &Case, c: &Content<'_>, today: NaiveDate) {
    let kind = c.kind;
    let get = |k: &str| c.fields.get(k).map(String::as_str).unwrap_or("");
    let act_on = kind.act_date(c.fields);
    if let (Some(f), Some(on)) = (kind.act_field(), act_on) {
        let key = format!("fields.{}", f.key);
        if on > today {
            r.add(&key, format!("{}（{on}）晚于今天（{today}）；执法行为应在实施后如实记录，请填写实际日期", f.label));
        }
        let floor = earliest_act_date(case);
        if kind.stage() != Stage::Initiation && on < floor {
            let opened = case.opening.opened_at.date();
            let urgent = if case.urgent() { "；紧急先行的案件可早于立案24小时" } else { "" };
            r.add(
                &key,
                format!("{}（{on}）早于立案日期（{opened}）{urgent}：立案前的行为不能记入本案，请核对日期", f.label),
            );
        }
    }
    if kind == RecordKind::ServiceMail
        && let Some(received) = kinds::parse_date(get("received_on"))
        && received > today
    {
        r.add("fields.received_on", format!("签收日期（{received}）晚于今天（{today}）；请按回执填写实际签收日期"));
    }
    // the party's rights are notified at an inquiry.
    if kind == RecordKind::Inquiry && kinds::parse_yes_no(get("rights_notified")) == Some(false) {
        r.add("fields.rights_notified", "询问前须告知当事人陈述、申辩、申请回避等权利，并在笔录中记明");
    }
    // the decision document bears the agency's seal.
    if kind == RecordKind::DecisionDocument && kinds::parse_yes_no(get("sealed")) == Some(false) {
        r.add("fields.sealed", "决定书须加盖作出决定的行政机关印章");
    }
    // a document is served after it was made; R-15: a reminder's deadline for
    // performance comes after its service.
    if kind.is_service()
        && let Some(doc) = c.serves.and_then(|id| case.record(id))
    {
        if let (Some(f), Some(on), Some(made)) = (kind.act_field(), act_on, doc.act_date())
            && on < made
        {
            r.add(
                format!("fields.{}", f.key),
                format!(
                    "{}（{on}）早于{}的日期（{made}）：文书作出后方能送达，请核对日期",
                    f.label,
                    case.document_title(doc.record.id)
                ),
            );
        }
        // The date service took effect: mail's receipt, 30 days after a public notice.
        let key = if kind == RecordKind::ServiceMail {
            "fields.received_on".to_string()
        } else {
            kind.act_field().map(|f| format!("fields.{}", f.key)).unwrap_or_else(|| "fields".into())
        };
        if doc.record.kind == RecordKind::Reminder
            && let Some(on) = kind.service_time(c.fields).map(|t| t.date())
            && let Some(deadline) = deadline_of(doc)
            && deadline <= on
        {
            r.add(
                &key,
                format!(
                    "{}载明的履行期限（{deadline}）不晚于送达日期（{on}）：当事人须在送达后有履行期间，请重新制作履行期限在送达之后的催告书",
                    case.document_title(doc.record.id)
                ),
            );
        }
    }
    if kind == RecordKind::Reminder
        && let Some(deadline) = kinds::parse_date(get("deadline"))
    {
        if let Some(issued) = kinds::parse_date(get("issued_on"))
            && deadline <= issued
        {
            r.add("fields.deadline", format!("履行期限（{deadline}）须晚于催告日期（{issued}）"));
        }
        for s in c.id.into_iter().flat_map(|id| case.services_of(id)) {
            if let Some(on) = s.service_time().map(|t| t.date())
                && deadline <= on
            {
                r.add(
                    "fields.deadline",
                    format!(
                        "履行期限（{deadline}）不晚于催告书的送达日期（{on}，{}）：当事人须在送达后有履行期间",
                        s.record.kind.label()
                    ),
                );
            }
        }
    }
    // compulsory execution (and removal or restoration) only after a reminder was
    // served and its deadline passed, and the party's statements were heard and reviewed;
    // an application to the court after the reminder's deadline.
    if matches!(kind, RecordKind::CompulsoryExecution | RecordKind::RemovalRestoration | RecordKind::CourtApplication) {
        let what = match kind {
            RecordKind::CompulsoryExecution => "实施强制执行",
            RecordKind::RemovalRestoration => "实施拆除或恢复原状",
            _ => "申请人民法院强制执行",
        };
        for gap in execution_gaps(case, act_on.unwrap_or(today), kind != RecordKind::CourtApplication) {
            r.add("kind", format!("{what}前：{gap}"));
        }
    }
}

/// Adds a written record (R-02… …R-16, P-02, P-03). `form_number_problem` is
/// the caller's finding on a pre-numbered form (not issued to the agency, already used).
/// Officers' certificates are checked on the date of the act the record documents, not
/// on the day it is entered (P-02).
pub fn decide_add_record(
    case: &Case,
    cmd: NewRecord<'_>,
    form_number_problem: Option<String>,
    today: NaiveDate,
) -> Result<CaseEvent, Rejection> {
    let kind = cmd.kind;
    let stage = match check_open(case) {
        Ok(stage) => stage,
        // G-05 (000 附件4第十五条): a party may request written reasons after the decision,
        // also once the case is closed (a simplified case closes at once); the request and
        // its reply join the file until it is archived — the archive seals the file.
        Err(_) if reasons_after_closure(case, kind) => Stage::Closure,
        Err(_) if case.is_archived() && matches!(kind, RecordKind::ReasonsRequest | RecordKind::ReasonsReply) => {
            return Err(Rejection::one(
                "case",
                format!(
                    "案件已归档，案卷不得再增删，不能再登记{}：归档后当事人申请说明理由的，请书面答复当事人，并报负责人按案卷管理规定处理（G-05）",
                    kind.label()
                ),
            ));
        }
        Err(e) => return Err(e),
    };
    let mut r = match kind.check_fields(&cmd.fields) {
        Ok(()) => Rejection::new(),
        Err(e) => e,
    };
    if !allowed_in(case, kind, stage, cmd.serves) {
        r.add(
            "kind",
            format!(
                "案件处于“{}”阶段，尚不能制作{}（属于“{}”阶段）",
                stage.label(),
                kind.label(),
                kind.stage().label()
            ),
        );
    }
    // P-02: certificates are valid on the date of the act. The act's dates, the rights
    // notified, the seal, service after the document and R-15's order are checked the same
    // way at every correction.
    let act_on = kind.act_date(&cmd.fields).unwrap_or(today);
    check_content(&mut r, case, &Content { id: None, kind, fields: &cmd.fields, serves: cmd.serves }, today);
    let mut numbers = vec![];
    if kind.on_site() {
        match check_act_officers(&cmd.officers, &cmd.auxiliaries, act_on, MIN_OFFICERS) {
            Ok(n) => numbers = n,
            Err(e) => r.errors.extend(e.errors),
        }
        if !cmd.credentials_shown {
            r.add("credentials_shown", "现场执法须向当事人出示执法证件，并在笔录中记明");
        }
        for o in &cmd.officers {
            if !case.officers.iter().any(|a| a.officer_id == o.id) {
                r.add("officers", format!("{}未被指派办理本案", o.profile.name));
            }
        }
        check_conflicts(&mut r, "officers", &cmd.officers, &case.opening.party);
    } else if !cmd.officers.is_empty() {
        numbers = cmd
            .officers
            .iter()
            .map(|o| o.assignable_on(act_on).map(|c| c.number.clone()).unwrap_or_default())
            .collect();
    }
    // each officer who performed an on-site act signs its record.
    let mut officers_signed: Vec<Uuid> = Vec::new();
    for id in &cmd.officers_signed {
        if !officers_signed.contains(id) {
            officers_signed.push(*id);
        }
    }
    if kind.officers_sign() {
        for o in &cmd.officers {
            if !officers_signed.contains(&o.id) {
                r.add(
                    "officers_signed",
                    format!("执法人员{}未在{}上签名；实施本行为的每名执法人员均须签名", o.profile.name, kind.label()),
                );
            }
        }
        for id in &officers_signed {
            if !cmd.officers.iter().any(|o| o.id == *id) {
                let name =
                    case.officers.iter().find(|a| a.officer_id == *id).map_or("所选人员", |a| a.name.as_str());
                r.add("officers_signed", format!("{name}不是实施本行为的执法人员，不能作为执法人员签名"));
            }
        }
    } else {
        officers_signed.retain(|id| cmd.officers.iter().any(|o| o.id == *id));
    }
    if kind.party_signs() {
        match &cmd.signature {
            None => r.add("signature", "请记录当事人签名，或记录拒绝签名的情况及见证人"),
            Some(Signature::Signed { signer }) if signer.trim().is_empty() => r.add("signature.signer", "请填写签名人"),
            Some(Signature::Refused { reason, witness }) => {
                if reason.trim().is_empty() {
                    r.add("signature.reason", "当事人拒绝签名的，请记明拒签情况");
                }
                if witness.trim().is_empty() {
                    r.add("signature.witness", "当事人拒绝签名的，须有见证人");
                }
            }
            _ => {}
        }
    }
    if kind.is_service() {
        match cmd.serves.and_then(|id| case.record(id)) {
            None => r.add("serves", "请选择所送达的文书"),
            Some(d) if d.record.kind.is_service() => r.add("serves", "不能送达一份送达记录"),
            Some(_) => {}
        }
    } else if let Some(id) = cmd.serves
        && case.record(id).is_none()
    {
        r.add("serves", "所关联的记录不存在");
    }
    // a coercive measure is taken under its written decision, made first.
    if kind == RecordKind::CoerciveMeasure {
        match cmd.serves.and_then(|id| case.record(id)) {
            None => r.add(
                "serves",
                format!(
                    "请选择本措施所依据的{0}；尚未制作的，请先制作{0}（载明理由、依据、期限及救济途径）",
                    RecordKind::CoerciveDecision.label()
                ),
            ),
            Some(d) if d.record.kind != RecordKind::CoerciveDecision => {
                r.add("serves", format!("{}只能关联{}", kind.label(), RecordKind::CoerciveDecision.label()))
            }
            Some(_) => {}
        }
    }
    if matches!(kind, RecordKind::StatementDefence | RecordKind::StatementWaiver) && !case.has(RecordKind::PriorNotice)
    {
        r.add("kind", "请先制作并送达事先告知书，再记录陈述申辩");
    }
    // G-02: the party's points are answered one by one.
    r.errors.extend(defence::check_points(kind, &cmd.points).errors);
    // G-02, N-04: the prior notice states the reasons and the party's rights, the right to
    // a hearing when the intended penalty is hearing-eligible (Art 44, 63).
    if kind == RecordKind::PriorNotice {
        let grounds = cmd.review.map(|p| defence::hearing_grounds(case, p.profile, p.catalogue)).unwrap_or_default();
        defence::check_prior_notice(&mut r, &cmd.fields, &grounds);
    }
    // N-05: the hearing's request, notice, host and record.
    let mut host = None;
    match kind {
        RecordKind::HearingRequest => hearing::check_request(&mut r, case, &cmd.fields, cmd.calendar),
        RecordKind::HearingWithdrawal => {
            if hearing::open_requests(case).is_empty() {
                r.add("kind", "本案没有尚未撤回的听证申请");
            }
            if let Some(id) = cmd.serves
                && case.record(id).is_some_and(|x| x.record.kind != RecordKind::HearingRequest)
            {
                r.add("serves", "撤回听证申请只能关联听证申请");
            }
        }
        RecordKind::HearingNotice => hearing::check_notice(&mut r, case, &cmd.fields, cmd.host, cmd.calendar),
        RecordKind::HearingRecord => hearing::check_record(&mut r, case, cmd.host),
        _ => {}
    }
    if matches!(kind, RecordKind::HearingNotice | RecordKind::HearingRecord) {
        host = cmd.host.map(hearing::acting_host);
    } else if cmd.host.is_some() {
        r.add("host", format!("{}没有主持人", kind.label()));
    }
    if kind == RecordKind::DecisionDocument && case.opening.procedure == Procedure::Simplified {
        r.add("kind", "简易程序使用当场行政处罚决定书");
    }
    // who makes which decision-stage record.
    let entitled = match kind {
        RecordKind::HeadApproval | RecordKind::CollectiveDiscussion => Some((Role::Head, "负责人")),
        RecordKind::LegalReviewOpinion => Some((Role::LegalReviewer, "法制审核人员")),
        _ => None,
    };
    if let (Some((role, label)), Some(by)) = (entitled, cmd.by_role)
        && by != role
    {
        r.add("kind", format!("{}须由{label}制作", kind.label()));
    }
    // L-02: no decision is issued while legal review is required and not approved.
    if review::issues_decision(kind) {
        let checks =
            [review::check_issue_with(case, cmd.review), review::check_document(case, cmd.review, &cmd.fields)];
        r.errors.extend(checks.into_iter().filter_map(Result::err).flat_map(|e| e.errors));
    }
    // G-01, G-03, G-04, G-06: a decision document states its reasons, cites its basis from
    // the agency's catalogue, and contradicts neither itself nor its benchmark. (Without a
    // policy the L-02 check above refuses already.)
    if kind == RecordKind::DecisionDocument
        && let Some(review) = cmd.review
    {
        let policy = ReasonsPolicy { review, basis: cmd.basis, benchmarks: cmd.benchmarks };
        if let Err(e) = reasons::check_decision(case, &cmd.fields, Some(policy)) {
            r.errors.extend(e.errors);
        }
    }
    // G-03: the basis of an on-the-spot decision is catalogued citations too (its reasons
    // are given orally at the scene and in writing on request, G-05).
    if kind == RecordKind::OnTheSpotDecision && cmd.review.is_some() {
        reasons::check_citations(&mut r, cmd.fields.get("basis").map_or("", |v| v.trim()), cmd.basis);
    }
    // G-05: a request for written reasons names its decision; a reply its request.
    reasons::check_request_or_reply(&mut r, case, kind, &cmd.fields, cmd.serves);
    // G-04: the reason an acceptance (or refusal) or a coercive-measure decision states is
    // a reason, not a placeholder — whatever the profile, the law asks for it.
    if matches!(kind, RecordKind::AcceptanceDecision | RecordKind::CoerciveDecision)
        && let Some(text) = cmd.fields.get("reason").map(|v| v.trim()).filter(|v| !v.is_empty())
        && let Some(problem) = reasons::no_reason(text, "理由")
    {
        r.add("fields.reason", format!("{}的理由不成立：{problem}；请写明作出该决定的具体理由（G-04）", kind.label()));
    }
    // all missing materials are notified at once.
    if kind == RecordKind::MaterialsNotice && case.has(RecordKind::MaterialsNotice) {
        r.add("kind", "补正材料应一次性告知；本案已出具一次性告知书，不得再次要求补正其他材料");
    }
    let mut penalty = None;
    let mut form_number = None;
    if kind == RecordKind::OnTheSpotDecision {
        if case.opening.procedure != Procedure::Simplified {
            r.add("kind", "只有简易程序案件才能当场作出处罚决定");
        }
        check_spot_penalty(&mut r, case.opening.party.kind, cmd.penalty.as_ref());
        penalty = cmd.penalty.clone();
        match cmd.form_number.as_deref().map(str::trim) {
            None | Some("") => r.add("form_number", "请填写预定格式、编有号码的当场处罚决定书编号"),
            Some(n) => {
                if let Some(p) = form_number_problem {
                    r.add("form_number", p);
                }
                if case.records_of(RecordKind::OnTheSpotDecision).next().is_some() {
                    r.add("kind", "本案已作出当场处罚决定；如有错误请更正");
                }
                form_number = Some(n.to_string());
            }
        }
    }
    // B-02: a penalty proposal names its violation type and tier, and stays inside the
    // tier of the agency's benchmark or gives the reason why not.
    let mut assessment = None;
    if case.opening.act_kind == ActKind::Penalty {
        match check_case_proposal(cmd.benchmarks, kind, &cmd.fields, cmd.penalty.as_ref()) {
            Ok(a) => assessment = a,
            Err(e) => r.errors.extend(e.errors),
        }
    }
    // N-04: no heavier penalty because the party defended itself, unless a reason is given.
    if case.opening.act_kind == ActKind::Penalty {
        defence::check_rise(&mut r, case, kind, &cmd.fields, assessment.as_ref());
    }
    r.into_result()?;
    let mut fields: BTreeMap<String, String> =
        cmd.fields.into_iter().map(|(k, v)| (k, v.trim().to_string())).filter(|(_, v)| !v.is_empty()).collect();
    // The host's name is printed from the officer chosen, never typed.
    if let Some(h) = &host {
        fields.insert("host".into(), h.name.clone());
    }
    let points = cmd.points.into_iter().map(|p| StatementPoint::new(p.kind, &p.text, p.answer, &p.reason)).collect();
    Ok(CaseEvent::RecordAdded {
        record: Record {
            id: Uuid::new_v4(),
            kind,
            stage,
            fields,
            officers: acting(&cmd.officers, &numbers),
            credentials_shown: cmd.credentials_shown,
            auxiliaries: auxiliaries(&cmd.auxiliaries),
            officers_signed,
            signature: cmd.signature,
            serves: cmd.serves,
            form_number,
            penalty,
            sensitivity: cmd.sensitivity,
            assessment,
            entered_on: Some(today),
            points,
            host: host.map(Box::new),
        },
    })
}

/// The law's limits on an on-the-spot penalty (R-16; 行政处罚法 Art 51).
fn check_spot_penalty(r: &mut Rejection, party: PartyKind, p: Option<&SpotPenalty>) {
    let Some(p) = p else {
        r.add("penalty", "请填写处罚内容（警告或罚款）");
        return;
    };
    if !p.warning && p.fine.is_none() {
        r.add("penalty", "简易程序只能给予警告或者罚款");
    }
    if let Some(f) = p.fine {
        let (max, who) = match party {
            PartyKind::Person => (law::SIMPLIFIED_MAX_PERSON_FEN, "公民二百元"),
            PartyKind::Organisation => (law::SIMPLIFIED_MAX_ORG_FEN, "法人或者其他组织三千元"),
        };
        if f.fen() <= 0 {
            r.add("penalty.fine", "罚款金额必须大于零");
        } else if f.fen() > max {
            r.add("penalty.fine", format!("罚款{f}超过简易程序的上限（{who}以下），应适用普通程序"));
        }
    }
}

/// The problems [`check_content`] finds with a record as it stands in `case`.
fn content_problems(case: &Case, rec: &RecordState, today: NaiveDate) -> Vec<(String, String)> {
    let mut r = Rejection::new();
    let fields = rec.current_fields();
    let content =
        Content { id: Some(rec.record.id), kind: rec.record.kind, fields: &fields, serves: rec.record.serves };
    check_content(&mut r, case, &content, today);
    r.errors.into_iter().map(|e| (e.field, e.message)).collect()
}

/// What a correction would newly break (X-01, P-02, R-05, R-13…R-15): the corrected record
/// is checked on a copy of the case as it would be, like a record being made — its dates,
/// the officers' certificates on a changed act date, rights, seal, service and execution
/// order — and so is every record that depends on it (services of a corrected document,
/// executions after a corrected reminder, service or statement). Problems the case had
/// before the correction are not the correction's and do not block it.
fn correction_problems(
    case: &Case,
    after: &Case,
    record_id: Uuid,
    officers: &[&Officer],
    today: NaiveDate,
) -> Rejection {
    let mut r = Rejection::new();
    let (Some(before_rec), Some(after_rec)) = (case.record(record_id), after.record(record_id)) else { return r };
    let old = content_problems(case, before_rec, today);
    for p in content_problems(after, after_rec, today) {
        if !old.contains(&p) {
            r.add(p.0, p.1);
        }
    }
    // P-02: the certificates are checked again on a changed act date, and must be the ones
    // the record names.
    let kind = after_rec.record.kind;
    if kind.on_site()
        && let Some(on) = after_rec.act_date()
        && before_rec.act_date() != Some(on)
    {
        let named: Vec<&Officer> = after_rec
            .record
            .officers
            .iter()
            .filter_map(|a| officers.iter().copied().find(|o| o.id == a.officer_id))
            .collect();
        match check_act_officers(&named, &[], on, MIN_OFFICERS) {
            Err(e) => {
                for e in e.errors {
                    r.add("fields", format!("{}；请核对日期，或重新制作本记录", e.message));
                }
            }
            Ok(numbers) => {
                for (o, n) in named.iter().zip(&numbers) {
                    let recorded = after_rec.record.officers.iter().find(|a| a.officer_id == o.id);
                    if let Some(a) = recorded.filter(|a| a.certificate_number != *n) {
                        r.add(
                            "fields",
                            format!(
                                "执法人员{}在{on}持有的执法证号为{n}，与记录载明的{}不符；请核对日期，或重新制作本记录",
                                a.name, a.certificate_number
                            ),
                        );
                    }
                }
            }
        }
    }
    // The records that depend on this one.
    for dep in after.records.iter().filter(|d| d.record.id != record_id) {
        let Some(before_dep) = case.record(dep.record.id) else { continue };
        let old = content_problems(case, before_dep, today);
        for (_, message) in content_problems(after, dep, today) {
            if old.iter().any(|(_, m)| *m == message) {
                continue;
            }
            let on = dep.act_date().map(|d| format!("（{d}）")).unwrap_or_default();
            r.add(
                "fields",
                format!(
                    "本次更正后，已记录的{}{on}将不再符合规定：{message}。请核对所更正的内容，或先更正该记录",
                    after.document_title(dep.record.id)
                ),
            );
        }
    }
    r
}

/// A correction: new values for fields of a record, with the reason. The original
/// record stays as it was. The corrected record must pass the same checks as a record being
/// made, and may not break the records that depend on it ([`correction_problems`]);
/// `officers` are the record's officers, resolved by the caller, whose certificates are
/// checked again when an on-site act's date changes.
pub fn decide_correct(
    case: &Case,
    record_id: Uuid,
    reason: &str,
    fields: BTreeMap<String, String>,
    officers: &[&Officer],
    today: NaiveDate,
) -> Result<CaseEvent, Rejection> {
    check_open(case)?;
    let rec = case.record(record_id).ok_or_else(|| Rejection::one("record_id", "要更正的记录不存在"))?;
    let mut r = Rejection::new();
    r.require("reason", "更正理由", reason);
    let changed: BTreeMap<String, String> =
        fields.into_iter().map(|(k, v)| (k, v.trim().to_string())).filter(|(k, v)| rec.field(k) != v).collect();
    if changed.is_empty() {
        r.add("fields", "没有任何栏目被更改");
    }
    // B-02: a penalty proposal was checked against the benchmark when made; it changes by
    // a new proposal, checked again, not by a correction.
    if case.opening.act_kind == ActKind::Penalty && PROPOSAL_KINDS.contains(&rec.record.kind) {
        for key in changed.keys().filter(|k| PROPOSAL_FIELDS.contains(&k.as_str())) {
            r.add(
                format!("fields.{key}"),
                format!(
                    "拟处罚的违法行为、阶次、种类、金额和偏离理由不能更正；请重新制作{}，以便重新对照裁量基准",
                    rec.record.kind.label()
                ),
            );
        }
    }
    // G-04: a correction does not turn a decision's reasons into no reasons, nor its basis
    // into something that is not a citation (the catalogue is checked again at issue).
    if matches!(rec.record.kind, RecordKind::DecisionDocument | RecordKind::ReasonsReply) {
        let reason_fields = reasons::REASONS
            .iter()
            .copied()
            .chain([("exemption_detail", "不说明理由的具体情况"), ("reasons", "说明的理由")]);
        for (key, label) in reason_fields {
            let Some(new) = changed.get(key) else { continue };
            if new.is_empty() {
                r.add(
                    format!("fields.{key}"),
                    format!("不能以更正删去已写明的{label}；如需修改，请写明新的理由（G-04）"),
                );
            } else if let Some(problem) = reasons::no_reason(new, label) {
                r.add(format!("fields.{key}"), format!("更正后的{label}不成立：{problem}（G-04）"));
            }
        }
        if rec.record.kind == RecordKind::DecisionDocument
            && let Some(basis) = changed.get("basis")
            && let Err(errors) = reasons::parse_basis(basis)
        {
            for e in errors {
                r.add("fields.basis", format!("{e}（G-03）"));
            }
        }
    }
    // N-04, N-05: the reason for a heavier proposal, and a hearing's dates, host and fee,
    // were checked against the case and the calendar when the record was made; they change
    // by a new record, checked again.
    let fixed: &[&str] = match rec.record.kind {
        RecordKind::DecisionDraft | RecordKind::DecisionDocument => &["heavier_reason"],
        RecordKind::HearingRequest => &["requested_on"],
        RecordKind::HearingNotice => &["noticed_on", "hearing_at", "host", "fee"],
        RecordKind::HearingRecord => &["host"],
        _ => &[],
    };
    for key in changed.keys().filter(|k| fixed.contains(&k.as_str())) {
        let label = rec.record.kind.field(key).map_or(key.as_str(), |f| f.label);
        r.add(
            format!("fields.{key}"),
            format!("“{label}”不能更正；请重新制作{}，以便重新核对", rec.record.kind.label()),
        );
    }
    let mut after = rec.current_fields();
    after.extend(changed.clone());
    after.retain(|_, v| !v.is_empty());
    if let Err(e) = rec.record.kind.check_fields(&after) {
        r.errors.extend(e.errors);
    }
    r.into_result()?;
    let event = CaseEvent::RecordCorrected { record_id, reason: reason.trim().to_string(), fields: changed };
    let mut corrected = case.clone();
    corrected.apply(&event);
    correction_problems(case, &corrected, record_id, officers, today).into_result()?;
    Ok(event)
}

/// When AV material captured at `captured` had to be in the system.
pub fn av_store_deadline(
    profile: &PolicyProfile,
    calendar: &WorkCalendar,
    meta: &AvMetadata,
) -> Result<NaiveDateTime, CalendarError> {
    let d = &profile.params.av_store;
    let captured = meta.captured_at;
    if let (Some(h), Some(back)) = (d.remote_hours_after_return, meta.remote_return_at) {
        return Ok(back + TimeDelta::hours(i64::from(h)));
    }
    if let Some(wd) = d.working_days {
        let day = calendar.add_working_days(captured.date(), wd)?;
        return Ok(day.and_hms_opt(23, 59, 59).expect("valid time"));
    }
    Ok(captured + TimeDelta::hours(i64::from(d.hours.unwrap_or(24))))
}

/// Attaches AV material (R-08…R-11). The file was stored and hashed by the caller.
pub fn decide_attach_av(
    case: &Case,
    profile: &PolicyProfile,
    calendar: &WorkCalendar,
    file: StoredFile,
    meta: AvMetadata,
    now: NaiveDateTime,
) -> Result<CaseEvent, Rejection> {
    check_open(case)?;
    let mut r = check_av_metadata(case, &meta, now);
    let media = check_av_media(&mut r, "file", &file.media_type, &meta);
    if file.sha256.len() != 64 || !file.sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
        r.add("file", "文件摘要（SHA-256）无效");
    }
    let deadline =
        av_store_deadline(profile, calendar, &meta).map_err(|e| Rejection::one("captured_at", e.to_string()));
    r.into_result()?;
    let deadline = deadline?;
    let late = (now > deadline).then(|| {
        format!(
            "超过存储期限：{}采集，应于{}前存入系统，实际{}存入（{}）",
            meta.captured_at.format("%Y-%m-%d %H:%M"),
            deadline.format("%Y-%m-%d %H:%M"),
            now.format("%Y-%m-%d %H:%M"),
            profile.reference()
        )
    });
    Ok(CaseEvent::AvAttached {
        av: AvItem {
            id: Uuid::new_v4(),
            media: media.expect("checked"),
            file,
            meta: trim_meta(meta),
            stored_at: now,
            late,
        },
    })
}

fn trim_meta(mut m: AvMetadata) -> AvMetadata {
    for s in [
        &mut m.place,
        &mut m.captured_by,
        &mut m.production_method,
        &mut m.maker,
        &mut m.proves,
        &mut m.transcript,
        &mut m.interruption_explanation,
    ] {
        *s = s.trim().to_string();
    }
    m
}

/// The kind of AV material a media type carries, checked against its metadata: the type
/// must be one AV evidence may have, and audio needs its transcript. Used at attach
/// and before an upload starts, with the declared type, so nothing is uploaded in vain.
pub fn check_av_media(r: &mut Rejection, field: &str, media_type: &str, meta: &AvMetadata) -> Option<MediaKind> {
    let media = MediaKind::from_media_type(media_type);
    if media.is_none() {
        r.add(field, format!("不支持的文件类型：{media_type}"));
    }
    if media == Some(MediaKind::Audio) && meta.transcript.trim().is_empty() {
        r.add("transcript", "录音须附文字记录（R-10）");
    }
    media
}

/// Checks the metadata of R-09/R-10 (the same checks for a correction).
pub fn check_av_metadata(case: &Case, meta: &AvMetadata, now: NaiveDateTime) -> Rejection {
    let mut r = Rejection::new();
    r.require("place", "采集地点", &meta.place);
    r.require("captured_by", "采集人", &meta.captured_by);
    r.require("production_method", "制作方法", &meta.production_method);
    r.require("maker", "制作人", &meta.maker);
    r.require("proves", "证明对象", &meta.proves);
    if meta.captured_at > now + TimeDelta::minutes(5) {
        r.add("captured_at", "采集时间不能晚于当前时间");
    }
    if let Some(back) = meta.remote_return_at
        && (back < meta.captured_at || back > now + TimeDelta::minutes(5))
    {
        r.add("remote_return_at", "返回时间应在采集时间之后、当前时间之前");
    }
    if let Some(id) = meta.record_id
        && case.record(id).is_none()
    {
        r.add("record_id", "所记录的执法行为（笔录）不存在");
    }
    for (i, gap) in meta.interruptions.iter().enumerate() {
        if gap.reason.trim().is_empty() {
            r.add(format!("interruptions.{i}.reason"), "音像记录中断的，须说明中断原因（R-09）");
        }
        if let Some(back) = gap.resumed_at
            && back < gap.from
        {
            r.add(format!("interruptions.{i}.resumed_at"), "恢复时间不能早于中断时间");
        }
    }
    if meta.interruptions.iter().any(|g| g.resumed_at.is_none()) && meta.interruption_explanation.trim().is_empty() {
        r.add("interruption_explanation", "音像记录中断且无法恢复的，须作出书面说明（R-09）");
    }
    r
}

/// Corrects the metadata of an AV item; the file itself never changes.
pub fn decide_correct_av(
    case: &Case,
    av_id: Uuid,
    reason: &str,
    meta: AvMetadata,
    now: NaiveDateTime,
) -> Result<CaseEvent, Rejection> {
    check_open(case)?;
    let item = case.av.iter().find(|a| a.id == av_id).ok_or_else(|| Rejection::one("av_id", "音像记录不存在"))?;
    let mut r = check_av_metadata(case, &meta, now);
    r.require("reason", "更正理由", reason);
    if item.media == MediaKind::Audio && meta.transcript.trim().is_empty() {
        r.add("transcript", "录音须附文字记录（R-10）");
    }
    r.into_result()?;
    Ok(CaseEvent::AvMetadataCorrected { av_id, reason: reason.trim().to_string(), meta: trim_meta(meta) })
}

/// Who is giving an approval step: identified by the account, the name is for display.
#[derive(Debug, Clone)]
pub struct Approver {
    pub account_id: Uuid,
    pub name: String,
    pub role: Role,
    pub officer_id: Option<Uuid>,
}

/// One step of the approval chain handler → reviewer → approver. Each step is
/// given by a different account: nobody reviews or approves their own proposal.
pub fn decide_approval(
    case: &Case,
    record_id: Uuid,
    step: ApprovalStep,
    approved: bool,
    opinion: &str,
    by: &Approver,
    now: NaiveDateTime,
) -> Result<CaseEvent, Rejection> {
    check_open(case)?;
    let rec = case.record(record_id).ok_or_else(|| Rejection::one("record_id", "审批的记录不存在"))?;
    let mut r = Rejection::new();
    if !rec.record.kind.needs_approval_chain() {
        r.add("record_id", format!("{}不需要审批", rec.record.kind.label()));
    }
    match rec.next_step() {
        None => r.add("step", "审批流程已完成"),
        Some(next) if next != step => r.add("step", format!("应先由{}签署", next.label().trim_end_matches("意见"))),
        Some(_) => {}
    }
    r.require("opinion", "意见", opinion);
    // The same person cannot sign two steps of one run of the chain: not with the same
    // account, nor as the same officer with another account. Steps recorded before
    // accounts were kept are matched by name.
    let same_account = |a: &&crate::case::Approval| match a.account_id {
        Some(id) => id == by.account_id,
        None => a.officer_name == by.name,
    };
    let same_officer = |a: &&crate::case::Approval| a.officer_id.is_some() && a.officer_id == by.officer_id;
    if let Some(earlier) = rec.current_run().iter().find(same_account) {
        r.add(
            "step",
            format!(
                "同一账号不能在同一审批流程中签署两个环节：{}已由本账号签署，{}须由其他人员签署",
                earlier.step.label(),
                step.label()
            ),
        );
    } else if let Some(earlier) = rec.current_run().iter().find(same_officer) {
        r.add(
            "step",
            format!(
                "同一人员不能在同一审批流程中签署两个环节：{}已由您以另一账号（{}）签署，{}须由其他人员签署",
                earlier.step.label(),
                earlier.officer_name,
                step.label()
            ),
        );
    }
    match step {
        ApprovalStep::Handler => {
            let assigned = by.officer_id.is_some_and(|id| case.officers.iter().any(|o| o.officer_id == id));
            if !assigned {
                r.add("step", "承办人意见须由本案承办的执法人员签署");
            }
        }
        ApprovalStep::Reviewer => {
            if !matches!(by.role, Role::Officer | Role::Head) {
                r.add("step", "审核意见须由承办机构负责人或执法人员签署");
            }
        }
        ApprovalStep::Approver => {
            if by.role != Role::Head {
                r.add("step", "审批意见须由负责人签署");
            }
        }
    }
    r.into_result()?;
    Ok(CaseEvent::ApprovalGiven {
        record_id,
        step,
        officer_name: by.name.clone(),
        account_id: Some(by.account_id),
        officer_id: by.officer_id,
        approved,
        opinion: opinion.trim().to_string(),
        at: now,
    })
}

/// Completes the current stage; refused with everything still missing, the
/// decision stage while legal review is required and not approved (L-02) or the
/// decision's reasons and basis do not hold (G-01, G-03, G-04), and the closure of a case
/// flagged as a suspected crime with a fine while the police have not sent it back (V-02).
pub fn decide_complete_stage(
    case: &Case,
    stage: Stage,
    av_list: &AvList,
    policy: ReasonsPolicy<'_>,
    today: NaiveDate,
) -> Result<CaseEvent, Rejection> {
    let current = check_open(case)?;
    if stage != current {
        return Err(Rejection::one(
            "stage",
            format!("当前阶段是“{}”，不能完成“{}”阶段", current.label(), stage.label()),
        ));
    }
    let mut r = Rejection::new();
    for g in missing(case, stage, av_list) {
        r.add("stage", g);
    }
    if stage == Stage::Decision {
        for g in review::stage_gaps(case, policy.review) {
            r.add("stage", g);
        }
        // G-01, G-03, G-04: the decision as corrected still states its reasons and basis.
        for g in reasons::stage_gaps(case, policy) {
            r.add("stage", g);
        }
    }
    // V-02: a case flagged as a suspected crime is not closed with a fine while the police
    // have not sent it back.
    if stage == Stage::Closure {
        for g in crate::case::transfer::closure_gaps(case) {
            r.add("stage", g);
        }
    }
    if !r.is_empty() {
        return Err(r);
    }
    Ok(CaseEvent::StageCompleted { stage, on: today })
}

/// Marks the decision as major; legal review is then required before it is issued.
pub fn decide_mark_major(case: &Case, reason: &str) -> Result<CaseEvent, Rejection> {
    let stage = check_open(case)?;
    if stage > Stage::Decision {
        return Err(Rejection::one("reason", "决定已作出，不能再标记为重大执法决定"));
    }
    if reason.trim().is_empty() {
        return Err(Rejection::one("reason", "请填写认定为重大执法决定的理由"));
    }
    Ok(CaseEvent::MarkedMajor { reason: reason.trim().to_string() })
}

/// The records of a copy request that may not be copied for a party: those marked state or
/// commercial secret, each named with what to do. Unknown ids are named too.
pub fn check_copy_records(case: &Case, record_ids: &[Uuid]) -> Rejection {
    let mut r = Rejection::new();
    if record_ids.is_empty() {
        r.add("record_ids", "请选择申请复制的记录");
    }
    for id in record_ids {
        match case.record(*id) {
            None => r.add("record_ids", "所选记录不属于本案"),
            Some(rec) if rec.record.sensitivity.is_secret() => r.add(
                "record_ids",
                format!(
                    "{}标记为{}，不得向当事人提供复制，请从申请中去除",
                    rec.record.kind.label(),
                    rec.record.sensitivity.label()
                ),
            ),
            Some(_) => {}
        }
    }
    r
}

/// A party's request for copies of named records of the case. It then waits for the
/// head's approval; records marked secret cannot be requested at all.
pub fn decide_copy_request(
    case: &Case,
    requester: &str,
    record_ids: &[Uuid],
    reason: &str,
) -> Result<AccessEvent, Rejection> {
    let mut ids: Vec<Uuid> = Vec::new();
    for id in record_ids {
        if !ids.contains(id) {
            ids.push(*id);
        }
    }
    let mut r = Rejection::new();
    r.require("requester", "申请人", requester);
    r.require("reason", "申请理由", reason);
    r.errors.extend(check_copy_records(case, &ids).errors);
    r.into_result()?;
    let titles: Vec<String> =
        ids.iter().filter_map(|id| case.record(*id)).map(|rec| case.document_title(rec.record.id)).collect();
    Ok(AccessEvent::CopyRequested {
        case_id: case.id(),
        request_id: Uuid::new_v4(),
        requester: requester.trim().to_string(),
        records: titles.join("、"),
        reason: reason.trim().to_string(),
        record_ids: ids,
    })
}

/// The catalogue (目录) of a case file: every record and AV item in order.
pub fn catalogue(case: &Case) -> Vec<CatalogueEntry> {
    let mut out = Vec::new();
    let mut seq = 0;
    for rec in &case.records {
        seq += 1;
        let date = rec
            .record
            .kind
            .fields()
            .iter()
            .filter(|f| matches!(f.ty, crate::case::FieldType::Date | crate::case::FieldType::DateTime))
            .map(|f| rec.field(f.key))
            .find(|v| !v.is_empty())
            .unwrap_or("")
            .to_string();
        out.push(CatalogueEntry {
            seq,
            title: rec.record.kind.label().to_string(),
            item: "record".into(),
            id: rec.record.id,
            sha256: None,
            storage_key: None,
            date,
        });
        for av in case.av_for(rec.record.id) {
            seq += 1;
            out.push(av_entry(seq, av));
        }
    }
    for av in case.av.iter().filter(|a| a.meta.record_id.is_none()) {
        seq += 1;
        out.push(av_entry(seq, av));
    }
    out
}

fn av_entry(seq: u32, av: &AvItem) -> CatalogueEntry {
    CatalogueEntry {
        seq,
        title: format!("{}：{}", av.media.label(), av.file.file_name),
        item: "av".into(),
        id: av.id,
        sha256: Some(av.file.sha256.clone()),
        storage_key: Some(av.file.storage_key.clone()),
        date: av.meta.captured_at.format("%Y-%m-%d").to_string(),
    }
}

/// Archives a closed case into a bound file with its catalogue; late archiving
/// against the profile's `archive_days` is recorded.
pub fn decide_archive(case: &Case, profile: &PolicyProfile, today: NaiveDate) -> Result<CaseEvent, Rejection> {
    if case.is_archived() {
        return Err(Rejection::one("case", "案件已归档"));
    }
    let Some(closed) = case.completed_on(Stage::Closure) else {
        return Err(Rejection::one("case", "案件尚未结案，不能归档"));
    };
    // G-05: a request for written reasons made after closure is answered before the file
    // is sealed.
    if let Some(q) = crate::case::reasons::unanswered(case).first() {
        return Err(Rejection::one(
            "case",
            format!(
                "{}（{}，{}）尚未书面说明理由：请先制作{}，再行归档（G-05）",
                RecordKind::ReasonsRequest.label(),
                q.field("requester"),
                q.field("requested_on"),
                RecordKind::ReasonsReply.label()
            ),
        ));
    }
    let due = closed + chrono::Days::new(u64::from(profile.params.archive_days));
    let late = (today > due).then(|| {
        format!(
            "{closed}结案，应于{}日内（{due}前）归档，实际{today}归档（{}）",
            profile.params.archive_days,
            profile.reference()
        )
    });
    Ok(CaseEvent::CaseArchived { on: today, catalogue: catalogue(case), late })
}

/// The case number: `<agency short name>案〔<year>〕<n>号`.
pub fn case_number(agency: &Agency, year_date: NaiveDate, n: u32) -> String {
    let short = if agency.info.short_name.trim().is_empty() { &agency.info.name } else { &agency.info.short_name };
    format!("{short}案〔{}〕{n}号", year_date.year())
}
