//! /cases: the case list per role, opening a case, and the case page with its stages,
//! deadlines, records, AV items and the timeline of the whole-process record.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use uuid::Uuid;
use zhifa_app::AppError;
use zhifa_app::cases::{CaseView, OpenCaseInput};
use zhifa_core::Rejection;
use zhifa_core::access::Role;
use zhifa_core::case::deadlines::DeadlineStatus;
use zhifa_core::case::{AccessEvent, CaseEvent, Initiation, Party, PartyKind, Procedure, RecordKind, Stage};
use zhifa_core::events::{DomainEvent, RecordedEvent};
use zhifa_core::ids::{CitizenId, Uscc};
use zhifa_core::personnel::StaffKind;
use zhifa_core::registry::{ActKind, UnitKind};

use crate::AppState;
use crate::forms::{Cell, Field, FormPage, Nav, Section, TablePage, pairs, render, render_form, render_table, value};
use crate::pages::{Parsed, after_submit, page_error, person_ids};
use crate::session::CurrentUser;

fn stage_label(code: &str) -> &'static str {
    match code {
        "closed" => "已结案待归档",
        "archived" => "已归档",
        other => Stage::parse(other).map(|s| s.label()).unwrap_or("未知"),
    }
}

/// GET /cases
pub async fn list(State(s): State<AppState>, user: CurrentUser) -> Response {
    let rows = match s.app.cases_for(&user.principal).await {
        Ok(r) => r,
        Err(e) => return page_error(&user, e),
    };
    let today = zhifa_app::cases::beijing_now().date();
    let mut section =
        Section::new("案件", &["案件编号", "当事人", "案由", "类别", "程序", "阶段", "立案日期", "办案期限"]);
    for c in &rows {
        let kind = ActKind::parse(&c.act_kind).map(|k| k.label()).unwrap_or("");
        let procedure = Procedure::parse(&c.procedure).map(|p| p.label()).unwrap_or("");
        let opened = c.opened_at.get(..10).unwrap_or("").to_string();
        // N-02: penalty decisions within 90 days of filing (the case page shows the
        // profile's exact figure).
        let due = (c.act_kind == "penalty" && c.procedure != "simplified" && c.decided_on.is_none())
            .then(|| opened.parse::<chrono::NaiveDate>().ok())
            .flatten()
            .map(|d| d + chrono::Days::new(u64::from(zhifa_core::law::DECISION_DAYS)));
        let due_cell = match due {
            Some(d) if d < today => Cell::from(d.to_string()).tagged("bad", "已逾期"),
            Some(d) if (d - today).num_days() <= 10 => Cell::from(d.to_string()).tagged("warn", "即将到期"),
            Some(d) => Cell::from(d.to_string()),
            None => Cell::from("—"),
        };
        let mut stage = Cell::from(stage_label(&c.stage));
        if c.major {
            stage = stage.tagged("warn", "重大");
        }
        section.rows.push(vec![
            Cell::link(&c.number, format!("/cases/{}", c.id)),
            c.party_name.clone().into(),
            c.summary.clone().into(),
            kind.into(),
            procedure.into(),
            stage,
            opened.into(),
            due_cell,
        ]);
    }
    let mut page = TablePage { title: "案件".into(), ..Default::default() };
    if matches!(user.principal.role, Role::Officer | Role::Head) {
        page.actions.push(("/cases/new".into(), "立案 / 启动新案件".into()));
    }
    page.sections.push(section);
    render_table(&Nav::for_user(&user), &page)
}

fn opts<T: Copy>(
    all: &[T],
    code: impl Fn(T) -> &'static str,
    label: impl Fn(T) -> &'static str,
) -> Vec<(String, String)> {
    all.iter().map(|x| (code(*x).to_string(), label(*x).to_string())).collect()
}

async fn open_form(s: &AppState, user: &CurrentUser) -> Result<FormPage, AppError> {
    let agency = user.principal.agency_id.ok_or(AppError::NotFound("所属执法机关"))?;
    let units = s.app.db.units(agency).await?;
    let officers = s.app.db.officers(agency).await?;
    let items = s.app.db.items(agency).await?;
    let person = |k: StaffKind| {
        officers
            .iter()
            .filter(|o| o.kind == k && o.left_on.is_none())
            .map(|o| (o.id.to_string(), o.name.clone()))
            .collect::<Vec<_>>()
    };
    let mut items_opts = vec![(String::new(), "（不关联事项）".to_string())];
    items_opts.extend(items.iter().map(|i| (i.code.clone(), format!("{} {}", i.code, i.name))));
    let fields = vec![
        Field::new("act_kind", "执法行为类别", "select").required().options(opts(
            &ActKind::ALL,
            ActKind::as_str,
            ActKind::label,
        )),
        Field::new("procedure", "适用程序", "select").required().options(opts(
            &Procedure::ALL,
            Procedure::as_str,
            Procedure::label,
        )),
        Field::new("initiation", "启动方式", "select")
            .required()
            .options(opts(&Initiation::ALL, Initiation::as_str, Initiation::label))
            .hint("依职权紧急先行的，须在24小时内补办立案审批"),
        Field::new("summary", "案由", "text").required(),
        Field::new("item_code", "执法事项", "select").options(items_opts),
        Field::new("handling_unit", "承办机构", "select").required().options(
            units.iter().filter(|u| u.kind == UnitKind::Handling).map(|u| (u.id.to_string(), u.name.clone())).collect(),
        ),
        Field::new("officers", "承办执法人员（至少两名持有效执法证的执法人员）", "checks")
            .required()
            .options(person(StaffKind::Officer)),
        Field::new("auxiliaries", "协助的执法辅助人员（不计入执法人员人数）", "checks")
            .options(person(StaffKind::Auxiliary)),
        Field::new("_party", "当事人", "heading"),
        Field::new("party.kind", "当事人类型", "select").required().options(vec![
            ("organisation".into(), PartyKind::Organisation.label().into()),
            ("person".into(), PartyKind::Person.label().into()),
        ]),
        Field::text("party.name", "当事人名称或姓名").required(),
        Field::text("party.id_number", "统一社会信用代码或身份证号码").hint("不明时可暂不填写"),
        Field::new("uscc_confirmed", "统一社会信用代码校验位不符时，确认证照上的号码无误", "checkbox"),
        Field::text("party.representative", "法定代表人（负责人）"),
        Field::text("party.address", "住所或地址"),
        Field::text("party.phone", "联系电话"),
        Field::new("_limitation", "违法行为时间（追责时效）", "heading"),
        Field::new("violation_ended_on", "违法行为终了日期", "date")
            .hint("超过2年（危害生命健康、金融安全的5年）未被发现的，系统将提示不再处罚"),
        Field::new("serious_harm", "涉及公民生命健康安全、金融安全且有危害后果", "checkbox"),
        Field::new("limitation_override", "超过时效仍立案的理由", "longtext"),
    ];
    let mut page = FormPage::new("立案 / 启动新案件", "/cases", fields);
    page.submit = "启动案件".into();
    Ok(page)
}

/// GET /cases/new
pub async fn new_form(State(s): State<AppState>, user: CurrentUser) -> Response {
    match open_form(&s, &user).await {
        Ok(page) => render_form(&Nav::for_user(&user), &page),
        Err(e) => page_error(&user, e),
    }
}

/// POST /cases
pub async fn create(State(s): State<AppState>, user: CurrentUser, body: Bytes) -> Response {
    let v = pairs(&body);
    let form = match open_form(&s, &user).await {
        Ok(f) => f,
        Err(e) => return page_error(&user, e),
    };
    let mut r = Rejection::new();
    let act_kind = ActKind::parse(value(&v, "act_kind"));
    let procedure = Procedure::parse(value(&v, "procedure"));
    let initiation = Initiation::parse(value(&v, "initiation"));
    let party_kind = PartyKind::parse(value(&v, "party.kind"));
    for (ok, field, msg) in [
        (act_kind.is_some(), "act_kind", "请选择执法行为类别"),
        (procedure.is_some(), "procedure", "请选择适用程序"),
        (initiation.is_some(), "initiation", "请选择启动方式"),
        (party_kind.is_some(), "party.kind", "请选择当事人类型"),
    ] {
        if !ok {
            r.add(field, msg);
        }
    }
    let id_number = value(&v, "party.id_number").trim().to_uppercase();
    if !id_number.is_empty() {
        match party_kind {
            Some(PartyKind::Person) => {
                if let Err(e) = CitizenId::parse(&id_number) {
                    r.add("party.id_number", e.to_string());
                }
            }
            Some(PartyKind::Organisation) => {
                if let Err(e) = Uscc::parse_confirmed(&id_number, value(&v, "uscc_confirmed") == "1") {
                    r.add("party.id_number", e.to_string());
                }
            }
            None => {}
        }
    }
    let handling_unit = value(&v, "handling_unit").parse::<Uuid>().ok();
    if handling_unit.is_none() {
        r.add("handling_unit", "请选择承办机构");
    }
    let violation_ended_on = match value(&v, "violation_ended_on").trim() {
        "" => None,
        d => crate::pages::date_field(&mut r, "violation_ended_on", "违法行为终了日期", d),
    };
    let officers = person_ids(&v, "officers", &mut r);
    let auxiliaries = person_ids(&v, "auxiliaries", &mut r);
    let (Some(act_kind), Some(procedure), Some(initiation), Some(kind), Some(handling_unit), true) =
        (act_kind, procedure, initiation, party_kind, handling_unit, r.is_empty())
    else {
        return render_form(&Nav::for_user(&user), &form.fill(&v).with_errors(&r));
    };
    let Some(agency_id) = user.principal.agency_id else {
        return page_error(&user, AppError::NotFound("所属执法机关"));
    };
    let input = OpenCaseInput {
        agency_id,
        act_kind,
        procedure,
        initiation,
        party: Party {
            kind,
            name: value(&v, "party.name").into(),
            id_number,
            address: value(&v, "party.address").trim().into(),
            phone: value(&v, "party.phone").trim().into(),
            representative: value(&v, "party.representative").trim().into(),
            minor: false,
        },
        summary: value(&v, "summary").into(),
        item_code: Some(value(&v, "item_code").to_string()),
        handling_unit,
        officers,
        auxiliaries,
        violation_ended_on,
        serious_harm: value(&v, "serious_harm") == "1",
        limitation_override: value(&v, "limitation_override").into(),
    };
    let result = s.app.open_case(&user.principal, input).await;
    after_submit(&user, result, form, &v, |id| format!("/cases/{id}"))
}

#[derive(serde::Deserialize, Default)]
pub struct PurposeQuery {
    #[serde(default)]
    purpose: String,
    #[serde(default)]
    notice: String,
}

/// A row of the records table.
struct RecordLine {
    id: String,
    title: String,
    stage: String,
    summary: String,
    officers: String,
    approval: String,
    approval_next: bool,
    av: usize,
    needs_av: bool,
    corrected: usize,
    /// Entered long after the act (P-02): a flag for the reader, not a refusal.
    late_entry: String,
    /// The latest issue of its document: (id for `/d/<id>`, what the tag says).
    issued: Option<(String, String)>,
    /// Whether the viewer may issue it now (never issued, or corrected since).
    issuable: bool,
    /// An issued decision, whose publication (D-14) the case page links to.
    publication: bool,
}

struct AvLine {
    sha256: String,
    media: String,
    file_name: String,
    captured: String,
    record: String,
    late: String,
    photo: bool,
    video: bool,
    /// Players load nothing until played: playing is what the access log records.
    audio: bool,
}

/// A point of the party's statement and its answer (G-02).
struct PointLine {
    record: String,
    n: usize,
    kind: String,
    text: String,
    answer: String,
    adopted: bool,
    reason: String,
}

struct TimelineLine {
    when: String,
    who: String,
    what: String,
    detail: String,
    position: i64,
}

#[derive(Template)]
#[template(path = "case.html")]
struct CaseTemplate {
    nav: Nav,
    id: String,
    title: String,
    notice: String,
    info: Vec<(String, String)>,
    flags: Vec<String>,
    statements: Vec<PointLine>,
    stages: Vec<(String, &'static str)>,
    current: Option<(String, String)>,
    missing: Vec<String>,
    deadlines: Vec<(String, String, String, String, &'static str)>,
    records: Vec<RecordLine>,
    av: Vec<AvLine>,
    timeline: Vec<TimelineLine>,
    kinds: Vec<(String, String)>,
    can_write: bool,
    can_archive: bool,
    archived: Option<String>,
    /// 行刑衔接 (V-02).
    transfer: crate::pages::transfers::TransferSection,
}

/// What an event means, in one Chinese line (the timeline).
pub fn describe(ev: &RecordedEvent, view: Option<&CaseView>) -> (String, String) {
    let label = |id: &Uuid| {
        view.and_then(|v| v.case.record(*id))
            .map(|r| r.record.kind.label().to_string())
            .unwrap_or_else(|| "记录".into())
    };
    match &ev.event {
        DomainEvent::Case(e) => match e {
            CaseEvent::CaseOpened { opening } => (
                format!("启动案件（{}，{}）", opening.initiation.label(), opening.procedure.label()),
                format!("案号{}；当事人{}；案由{}", opening.number, opening.party.name, opening.summary),
            ),
            CaseEvent::OfficersAssigned { officers, reason, .. } => (
                "变更承办人员".into(),
                format!("{}；理由：{reason}", officers.iter().map(|o| o.name.as_str()).collect::<Vec<_>>().join("、")),
            ),
            CaseEvent::RecordAdded { record } => (
                format!("制作{}", record.kind.label()),
                record
                    .officers
                    .iter()
                    .map(|o| format!("{}（证号{}）", o.name, o.certificate_number))
                    .collect::<Vec<_>>()
                    .join("、"),
            ),
            CaseEvent::RecordCorrected { record_id, reason, fields } => (
                format!("更正{}", label(record_id)),
                format!("理由：{reason}；更正栏目：{}", fields.keys().cloned().collect::<Vec<_>>().join("、")),
            ),
            CaseEvent::AvAttached { av } => (
                format!("存入{}", av.media.label()),
                format!(
                    "{}（SHA-256 {}…）{}",
                    av.file.file_name,
                    &av.file.sha256[..12.min(av.file.sha256.len())],
                    av.late.as_deref().map(|l| format!("；{l}")).unwrap_or_default()
                ),
            ),
            CaseEvent::AvMetadataCorrected { reason, .. } => ("更正音像记录信息".into(), format!("理由：{reason}")),
            CaseEvent::ApprovalGiven { record_id, step, officer_name, approved, opinion, .. } => (
                format!("{}：{}", label(record_id), step.label()),
                format!("{officer_name}{}：{opinion}", if *approved { "同意" } else { "不同意" }),
            ),
            CaseEvent::MarkedMajor { reason } => ("认定为重大执法决定".into(), reason.clone()),
            CaseEvent::Review { event } => (event.title(), event.summary()),
            CaseEvent::Transfer { event } => (event.title(), event.summary()),
            CaseEvent::StageCompleted { stage, on } => (format!("完成“{}”阶段", stage.label()), on.to_string()),
            CaseEvent::CaseArchived { on, catalogue, late } => (
                "立卷归档".into(),
                format!(
                    "{on}；目录{}项{}",
                    catalogue.len(),
                    late.as_deref().map(|l| format!("；{l}")).unwrap_or_default()
                ),
            ),
            CaseEvent::DocumentIssued { document: d } => (
                format!("出具{}", d.title),
                format!(
                    "{}SHA-256 {}…{}",
                    if d.printed_number.is_empty() { String::new() } else { format!("{}；", d.printed_number) },
                    &d.sha256[..16.min(d.sha256.len())],
                    if d.supersedes.is_some() { "；更正后重新出具" } else { "" }
                ),
            ),
        },
        DomainEvent::Access(a) => match a {
            AccessEvent::RecordOpened { purpose, record_id, .. } => (
                format!("调阅{}", record_id.as_ref().map(label).unwrap_or_else(|| "案卷".into())),
                format!("事由：{purpose}"),
            ),
            AccessEvent::CopyRequested { requester, records, reason, .. } => {
                ("申请复制材料".into(), format!("{requester}申请复制{records}；理由：{reason}"))
            }
            AccessEvent::CopyDecided { approved, opinion, .. } => {
                ("负责人审批复制申请".into(), format!("{}：{opinion}", if *approved { "同意" } else { "不同意" }))
            }
        },
        _ => (ev.event_type.clone(), String::new()),
    }
}

/// Record kinds an officer may add now, for the "add a record" menu.
fn addable(view: &CaseView) -> Vec<(String, String)> {
    let Some(stage) = view.case.current_stage() else { return vec![] };
    let simplified = view.case.opening.procedure == Procedure::Simplified;
    // A coercive-measure decision is served as soon as it is made.
    let coercive = view.case.has(RecordKind::CoerciveDecision);
    let mut kinds: Vec<&RecordKind> = RecordKind::ALL.iter().collect();
    // The current stage's own records first.
    kinds.sort_by_key(|k| k.stage() != stage);
    kinds
        .into_iter()
        .filter(|k| {
            let s = k.stage();
            (s <= stage
                || (k.is_service() && (stage >= Stage::Decision || coercive))
                || (simplified && **k == RecordKind::OnTheSpotDecision))
                && (simplified || !matches!(k, RecordKind::OnTheSpotDecision | RecordKind::SimplifiedFiling))
        })
        .map(|k| (k.as_str().to_string(), format!("{}（{}）", k.label(), k.stage().label())))
        .collect()
}

pub fn case_page(user: &CurrentUser, view: &CaseView, notice: &str) -> Response {
    let c = &view.case;
    let o = &c.opening;
    let av_list = view.agency.av_requirements();
    let privacy = user.principal.can_read(o.agency_id, zhifa_core::Sensitivity::PersonalPrivacy).is_ok();
    let id_number = if privacy || o.party.kind == PartyKind::Organisation {
        o.party.id_number.clone()
    } else {
        zhifa_core::ids::mask_citizen_id(&o.party.id_number)
    };
    let info = vec![
        (
            "当事人".to_string(),
            format!("{}（{}）{}", o.party.name, o.party.kind.label(), if o.party.minor { "【未成年人】" } else { "" }),
        ),
        ("证件号码".into(), if id_number.is_empty() { "（未填写）".into() } else { id_number }),
        ("案由".into(), o.summary.clone()),
        ("执法行为".into(), format!("{} · {} · {}", o.act_kind.label(), o.procedure.label(), o.initiation.label())),
        ("启动时间".into(), o.opened_at.format("%Y-%m-%d %H:%M").to_string()),
        (
            "承办人员".into(),
            c.officers
                .iter()
                .map(|a| format!("{}（执法证{}）", a.name, a.certificate_number))
                .chain(c.auxiliaries.iter().map(|a| format!("{}（辅助人员）", a.name)))
                .collect::<Vec<_>>()
                .join("、"),
        ),
        ("适用策略配置".into(), o.profile.to_string()),
    ];
    let mut info = info;
    // G-01, G-05, G-06: how the decision gives its reasons, and the party's requests.
    if let Some(line) = zhifa_core::case::reasons::summary(c) {
        info.push(("说明理由".into(), line));
    }
    let mut flags = vec![];
    if let Some(m) = &c.major {
        flags.push(format!("重大执法决定：{m}（须经法制审核）"));
    }
    if let Some(f) = &o.limitation.flagged {
        flags
            .push(format!("时效提示：{f}；继续办理理由：{}", o.limitation.override_reason.clone().unwrap_or_default()));
    }
    if let Some(e) = &view.deadline_error {
        flags.push(format!("期限无法计算：{e}"));
    }
    // N-04: a proposal that rose after the party's statement, shown to the reader as it
    // is to legal review.
    if let Some(rise) = zhifa_core::case::defence::current_rise(c) {
        flags.push(format!("陈述申辩后加重（N-04）：{}", rise.describe()));
    }
    // G-02: the party's points and their answers, one row each.
    let mut statements = Vec::new();
    for r in c.records.iter().filter(|r| !r.record.points.is_empty()) {
        if user.principal.can_read(o.agency_id, r.record.sensitivity).is_err() {
            continue;
        }
        for (i, p) in r.record.points.iter().enumerate() {
            statements.push(PointLine {
                record: r.record.kind.label().to_string(),
                n: i + 1,
                kind: p.kind.label().to_string(),
                text: p.text.clone(),
                answer: p.answer.map(|a| a.label()).unwrap_or("未答复").to_string(),
                adopted: p.answer == Some(zhifa_core::case::defence::PointAnswer::Adopted),
                reason: p.reason.clone(),
            });
        }
    }
    let current = c.current_stage();
    let stages = Stage::ALL
        .iter()
        .map(|s| {
            let class = if c.is_completed(*s) {
                "done"
            } else if Some(*s) == current {
                "current"
            } else {
                "todo"
            };
            (s.label().to_string(), class)
        })
        .collect();
    let deadlines = view
        .deadlines
        .iter()
        .map(|d| {
            let class = match d.status {
                DeadlineStatus::Overdue | DeadlineStatus::MetLate => "bad",
                DeadlineStatus::DueSoon | DeadlineStatus::ReceiptDateMissing => "warn",
                DeadlineStatus::Met => "ok",
                DeadlineStatus::Open => "",
            };
            let met = d.met_at.map(|m| format!("（{}）", m.format("%Y-%m-%d %H:%M"))).unwrap_or_default();
            (
                d.rule.to_string(),
                d.what.clone(),
                d.due.format("%Y-%m-%d %H:%M").to_string(),
                format!("{}{met}", d.status.label()),
                class,
            )
        })
        .collect();
    let can_write = matches!(user.principal.role, Role::Officer | Role::Head)
        && user.principal.agency_id == Some(o.agency_id)
        && !c.is_archived();
    let records = c
        .records
        .iter()
        .map(|r| {
            let k = r.record.kind;
            let approval = if k.needs_approval_chain() {
                match r.approved_at() {
                    Some(t) => format!("已审批（{}）", t.format("%m-%d %H:%M")),
                    None => format!("待{}", r.next_step().map(|s| s.label()).unwrap_or("")),
                }
            } else {
                String::new()
            };
            // Only what the reader is entitled to see of the record.
            let entitled = user.principal.can_read(o.agency_id, r.record.sensitivity).is_ok();
            let summary = if !entitled {
                format!("（{}，无权查看）", r.record.sensitivity.label())
            } else {
                // A numbered document's number first, then its first required fields.
                let number = c.document_number(r.record.id);
                (!number.is_empty())
                    .then_some(number)
                    .into_iter()
                    .chain(
                        k.entered_fields()
                            .filter(|f| f.required)
                            .take(2)
                            .map(|f| r.field(f.key).chars().take(30).collect::<String>()),
                    )
                    .collect::<Vec<_>>()
                    .join("；")
            };
            RecordLine {
                id: r.record.id.to_string(),
                title: k.label().into(),
                stage: r.record.stage.label().into(),
                summary,
                officers: r.record.officers.iter().map(|o| o.name.as_str()).collect::<Vec<_>>().join("、"),
                approval_next: k.needs_approval_chain() && r.approved_at().is_none(),
                approval,
                av: c.av_for(r.record.id).count(),
                needs_av: zhifa_core::case::requirements::av_requirement(k, &av_list).is_some(),
                corrected: r.corrections.len(),
                late_entry: r.late_entry().unwrap_or_default(),
                issued: c.document_of(r.record.id).map(|d| {
                    let n =
                        if d.printed_number.is_empty() { "已出具".to_string() } else { d.printed_number.clone() };
                    (d.id.to_string(), n)
                }),
                // A decision once issued, an execution once recorded (D-14).
                publication: can_write
                    && zhifa_core::disclosure::publication::published_kind(k)
                    && (k.stage() == zhifa_core::case::Stage::Execution || c.document_of(r.record.id).is_some()),
                issuable: zhifa_core::case::documents::may_issue(c, r.record.id).is_ok()
                    && (can_write
                        || (k == RecordKind::LegalReviewOpinion
                            && user.principal.role == Role::LegalReviewer
                            && user.principal.agency_id == Some(o.agency_id)
                            && !c.is_archived())),
            }
        })
        .collect();
    let av =
        c.av.iter()
            .map(|a| AvLine {
                sha256: a.file.sha256.clone(),
                media: a.media.label().into(),
                file_name: a.file.file_name.clone(),
                captured: a.meta.captured_at.format("%Y-%m-%d %H:%M").to_string(),
                record: a
                    .meta
                    .record_id
                    .and_then(|id| c.record(id))
                    .map(|r| r.record.kind.label().to_string())
                    .unwrap_or_default(),
                late: a.late.clone().unwrap_or_default(),
                photo: a.media == zhifa_core::case::MediaKind::Photo,
                video: a.media == zhifa_core::case::MediaKind::Video,
                audio: a.media == zhifa_core::case::MediaKind::Audio,
            })
            .collect();
    let timeline = view
        .events
        .iter()
        .rev()
        .map(|ev| {
            let (what, detail) = describe(ev, Some(view));
            TimelineLine {
                when: (ev.recorded_at + chrono::TimeDelta::hours(8)).format("%Y-%m-%d %H:%M:%S").to_string(),
                who: format!(
                    "{}{}",
                    ev.actor.name,
                    ev.actor.role.map(|r| format!("（{}）", r.label())).unwrap_or_default()
                ),
                what,
                detail,
                position: ev.position,
            }
        })
        .collect();
    render(
        StatusCode::OK,
        CaseTemplate {
            nav: Nav::for_user(user),
            id: c.id().to_string(),
            title: format!("{} {}", o.number, o.party.name),
            notice: notice.to_string(),
            info,
            flags,
            statements,
            stages,
            current: current.map(|s| (s.as_str().to_string(), s.label().to_string())),
            missing: view.missing.clone(),
            deadlines,
            records,
            av,
            timeline,
            kinds: if can_write { addable(view) } else { vec![] },
            transfer: crate::pages::transfers::TransferSection::of(c, &user.principal),
            can_archive: can_write && current.is_none(),
            can_write,
            archived: c.archived.as_ref().map(|(d, cat, late)| {
                format!("{d}归档，目录{}项{}", cat.len(), late.as_deref().map(|l| format!("；{l}")).unwrap_or_default())
            }),
        },
    )
}

/// GET /cases/{id}: opening the case is logged; a reader not assigned to it states
/// the purpose first.
pub async fn show(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed(id): Parsed<Uuid>,
    Query(q): Query<PurposeQuery>,
) -> Response {
    match s.app.open_case_file(&user.principal, id, &q.purpose).await {
        Ok(view) => case_page(&user, &view, &q.notice),
        Err(AppError::Rejected(r)) if r.message_for("purpose").is_some() => {
            let mut page = FormPage::new(
                "调阅案卷",
                &format!("/cases/{id}"),
                vec![
                    Field::text("purpose", "调阅事由")
                        .required()
                        .hint("调阅记录将被记录（调阅人、时间、事由），供监督检查"),
                ],
            );
            page.submit = "调阅".into();
            page.intro = "您不是本案承办人员。按照调阅监督制度，请先说明调阅事由。".into();
            // Reading changes nothing: the purpose comes back as a query parameter.
            page.method = "get";
            render_form(&Nav::for_user(&user), &page)
        }
        Err(e) => page_error(&user, e),
    }
}

/// After a write on a case: back to the case page with a notice.
pub fn back_to_case(id: Uuid, notice: &str) -> Response {
    let q: String = form_urlencoded::Serializer::new(String::new()).append_pair("notice", notice).finish();
    Redirect::to(&format!("/cases/{id}?{q}")).into_response()
}

/// GET /cases/{id}/access: the access log.
pub async fn access_log(State(s): State<AppState>, user: CurrentUser, Parsed(id): Parsed<Uuid>) -> Response {
    let log = match s.app.access_log(&user.principal, id).await {
        Ok(l) => l,
        Err(e) => return page_error(&user, e),
    };
    let mut opened = Section::new("调阅记录", &["时间", "调阅人", "角色", "内容", "事由"]);
    let mut copies = Section::new("复制申请", &["时间", "申请", "审批"]);
    for (ev, a) in &log {
        let when = (ev.recorded_at + chrono::TimeDelta::hours(8)).format("%Y-%m-%d %H:%M:%S").to_string();
        match a {
            AccessEvent::RecordOpened { .. } => {
                let (what, detail) = describe(ev, None);
                opened.rows.push(vec![
                    when.into(),
                    ev.actor.name.clone().into(),
                    ev.actor.role.map(|r| r.label()).unwrap_or("").into(),
                    what.into(),
                    detail.trim_start_matches("事由：").to_string().into(),
                ]);
            }
            AccessEvent::CopyRequested { request_id, requester, records, reason, .. } => {
                let decision = log.iter().find_map(|(_, e)| match e {
                    AccessEvent::CopyDecided { request_id: r, approved, opinion } if r == request_id => {
                        Some(format!("{}：{opinion}", if *approved { "同意" } else { "不同意" }))
                    }
                    _ => None,
                });
                let cell = match decision {
                    Some(d) => Cell::from(d),
                    None if user.principal.role == Role::Head => {
                        Cell::link("待审批（审批）", format!("/cases/{id}/copies/{request_id}"))
                    }
                    None => Cell::from("待负责人审批"),
                };
                copies.rows.push(vec![when.into(), format!("{requester}申请复制{records}（{reason}）").into(), cell]);
            }
            AccessEvent::CopyDecided { .. } => {}
        }
    }
    copies.actions.push((format!("/cases/{id}/copies/new"), "登记复制申请".into()));
    let page = TablePage {
        title: "调阅监督".into(),
        notice: Some(
            "每一次打开案卷或记录都会记录调阅人、时间和事由；当事人申请复制须经负责人批准，涉密内容不得复制。".into(),
        ),
        actions: vec![(format!("/cases/{id}"), "返回案件".into())],
        sections: vec![opened, copies],
        ..Default::default()
    };
    render_table(&Nav::for_user(&user), &page)
}

/// The copy-request form: the case's records to choose from. Records marked state or
/// commercial secret are not offered, and the service refuses them anyway.
async fn copy_form(s: &AppState, user: &CurrentUser, id: Uuid) -> Result<FormPage, AppError> {
    let view = s.app.case_after_write(&user.principal, id).await?;
    let records = view
        .case
        .records
        .iter()
        .filter(|r| !r.record.sensitivity.is_secret())
        .map(|r| (r.record.id.to_string(), view.case.document_title(r.record.id)))
        .collect();
    Ok(FormPage::new(
        "登记复制申请",
        &format!("/cases/{id}/copies"),
        vec![
            Field::text("requester", "申请人").required(),
            Field::new("record_ids", "申请复制的记录", "checks")
                .required()
                .options(records)
                .hint("标记为国家秘密、商业秘密的记录不得复制，不在此列出"),
            Field::new("reason", "申请理由", "longtext").required(),
        ],
    ))
}

pub async fn copy_new(State(s): State<AppState>, user: CurrentUser, Parsed(id): Parsed<Uuid>) -> Response {
    match copy_form(&s, &user, id).await {
        Ok(form) => render_form(&Nav::for_user(&user), &form),
        Err(e) => page_error(&user, e),
    }
}

pub async fn copy_create(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed(id): Parsed<Uuid>,
    body: Bytes,
) -> Response {
    let v = pairs(&body);
    let form = match copy_form(&s, &user, id).await {
        Ok(f) => f,
        Err(e) => return page_error(&user, e),
    };
    let mut bad = Rejection::new();
    let records: Vec<Uuid> = crate::forms::values(&v, "record_ids")
        .into_iter()
        .filter_map(|x| x.parse().map_err(|_| bad.add("record_ids", "所选记录无效")).ok())
        .collect();
    if !bad.is_empty() {
        return render_form(&Nav::for_user(&user), &form.fill(&v).with_errors(&bad));
    }
    let r = s.app.request_copy(&user.principal, id, value(&v, "requester"), &records, value(&v, "reason")).await;
    after_submit(&user, r, form, &v, |_| format!("/cases/{id}/access"))
}

fn copy_decide_form(id: Uuid, req: Uuid) -> FormPage {
    FormPage::new(
        "审批复制申请",
        &format!("/cases/{id}/copies/{req}"),
        vec![
            Field::new("approved", "审批结果", "select")
                .required()
                .options(vec![("1".into(), "同意复制".into()), ("0".into(), "不同意".into())])
                .hint("同意前系统逐项核对所申请的记录，标记为国家秘密、商业秘密的不得复制；未逐项列明记录的申请不能同意，请申请人重新登记"),
            Field::new("opinion", "审批意见", "longtext").required(),
        ],
    )
}

pub async fn copy_decide_page(user: CurrentUser, Parsed((id, req)): Parsed<(Uuid, Uuid)>) -> Response {
    render_form(&Nav::for_user(&user), &copy_decide_form(id, req))
}

pub async fn copy_decide(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed((id, req)): Parsed<(Uuid, Uuid)>,
    body: Bytes,
) -> Response {
    let v = pairs(&body);
    let r = s.app.decide_copy(&user.principal, id, req, value(&v, "approved") == "1", value(&v, "opinion")).await;
    after_submit(&user, r, copy_decide_form(id, req), &v, |_| format!("/cases/{id}/access"))
}

/// POST /cases/{id}/stages/{stage}: complete the current stage, or show what is missing.
pub async fn complete_stage(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed((id, stage)): Parsed<(Uuid, String)>,
) -> Response {
    let Some(stage) = Stage::parse(&stage) else {
        return page_error(&user, AppError::NotFound("阶段"));
    };
    match s.app.complete_stage(&user.principal, id, stage).await {
        Ok(()) => back_to_case(id, &format!("“{}”阶段已完成", stage.label())),
        // What the stage lacks is shown on the case page; any other refusal (not assigned,
        // another agency) is an error page that shows nothing of the case.
        Err(AppError::Rejected(r)) if r.errors.iter().all(|e| e.field == "stage") => {
            match s.app.case_after_write(&user.principal, id).await {
                Ok(view) => {
                    let msg = format!(
                        "“{}”阶段不能完成：{}",
                        stage.label(),
                        r.errors.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join("；")
                    );
                    let mut resp = case_page(&user, &view, &msg);
                    *resp.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
                    resp
                }
                Err(e) => page_error(&user, e),
            }
        }
        Err(e) => page_error(&user, e),
    }
}

/// POST /cases/{id}/archive
pub async fn archive(State(s): State<AppState>, user: CurrentUser, Parsed(id): Parsed<Uuid>) -> Response {
    match s.app.archive_case(&user.principal, id).await {
        Ok(()) => back_to_case(id, "案件已立卷归档"),
        Err(e) => page_error(&user, e),
    }
}

fn major_form(id: Uuid) -> FormPage {
    FormPage::new(
        "认定为重大执法决定",
        &format!("/cases/{id}/major"),
        vec![Field::new("reason", "认定理由（对照本机关重大执法决定目录）", "longtext").required()],
    )
}

pub async fn major_new(user: CurrentUser, Parsed(id): Parsed<Uuid>) -> Response {
    render_form(&Nav::for_user(&user), &major_form(id))
}

pub async fn major_create(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed(id): Parsed<Uuid>,
    body: Bytes,
) -> Response {
    let v = pairs(&body);
    let r = s.app.mark_major(&user.principal, id, value(&v, "reason")).await;
    after_submit(&user, r, major_form(id), &v, |_| format!("/cases/{id}"))
}
