//! /cases/{id}/records: making a written record with its kind's form, the approval chain
//! corrections and a record's page (whose opening is logged, R-18).

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::response::Response;
use std::collections::BTreeMap;
use uuid::Uuid;
use zhifa_app::AppError;
use zhifa_app::cases::{CaseView, RecordInput};
use zhifa_core::Rejection;
use zhifa_core::Sensitivity;
use zhifa_core::case::defence::{PointAnswer, PointKind, StatementPoint};
use zhifa_core::case::{ApprovalStep, FieldType, RecordKind, Signature, SpotPenalty, Stage};
use zhifa_core::money::Money;
use zhifa_core::personnel::StaffKind;

use crate::AppState;
use crate::forms::{Cell, Field, FormPage, Nav, Section, TablePage, pairs, render_form, render_table, value};
use crate::pages::cases::back_to_case;
use crate::pages::{Parsed, page_error, person_ids};
use crate::session::CurrentUser;

#[derive(serde::Deserialize, Default)]
pub struct KindQuery {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    purpose: String,
}

fn html_kind(ty: FieldType) -> &'static str {
    match ty {
        FieldType::Text => "text",
        FieldType::LongText => "longtext",
        FieldType::Date => "date",
        FieldType::DateTime => "datetime-local",
        FieldType::YesNo | FieldType::Choice(_) => "select",
    }
}

/// The options of a select field: 是/否, or a fixed list of values (R-14's mail kinds).
fn field_options(ty: FieldType, blank: bool) -> Option<Vec<(String, String)>> {
    let values: &[&str] = match ty {
        FieldType::YesNo => &["是", "否"],
        FieldType::Choice(values) => values,
        _ => return None,
    };
    let mut options = if blank { vec![(String::new(), "请选择".to_string())] } else { vec![] };
    options.extend(values.iter().map(|v| (v.to_string(), v.to_string())));
    Some(options)
}

fn sensitivity_options() -> Vec<(String, String)> {
    [
        Sensitivity::Internal,
        Sensitivity::PersonalPrivacy,
        Sensitivity::CommercialSecret,
        Sensitivity::StateSecret,
        Sensitivity::Public,
    ]
    .iter()
    .map(|s| {
        (
            serde_json::to_value(s).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default(),
            s.label().to_string(),
        )
    })
    .collect()
}

/// The point rows a statement form shows at first (G-02); "增加一项" adds one.
const POINT_ROWS: usize = 3;

/// The rows of points of a statement form (G-02): numbered, each with what the party said
/// or submitted and the answer — 采纳 or 不予采纳 with the reason. Named `points.<i>.<part>`.
fn point_fields(rows: usize) -> Vec<Field> {
    let kinds: Vec<(String, String)> =
        PointKind::ALL.iter().map(|k| (k.as_str().to_string(), k.label().to_string())).collect();
    let mut answers = vec![(String::new(), "请选择".to_string())];
    answers.extend(PointAnswer::ALL.iter().map(|a| (a.as_str().to_string(), a.label().to_string())));
    let mut out = vec![Field::new("points", "当事人陈述、申辩及提交的证据（逐项记录，逐项复核）", "heading")];
    for i in 0..rows {
        let n = i + 1;
        out.push(Field::new(&format!("points.{i}.kind"), &format!("第{n}项：类型"), "select").options(kinds.clone()));
        out.push(
            Field::new(
                &format!("points.{i}.text"),
                &format!("第{n}项：当事人陈述、申辩的内容或提交的证据"),
                "textarea",
            )
            .hint("未使用的行留空"),
        );
        out.push(
            Field::new(&format!("points.{i}.answer"), &format!("第{n}项：复核意见"), "select").options(answers.clone()),
        );
        out.push(
            Field::new(&format!("points.{i}.reason"), &format!("第{n}项：理由"), "textarea")
                .hint("不予采纳的，须说明理由"),
        );
    }
    out.push(Field::new("_add_point", "增加一项", "button"));
    out
}

/// The number of point rows a submitted form used, and one more if "增加一项" was pressed.
fn point_rows(v: &[(String, String)]) -> usize {
    let used = v
        .iter()
        .filter_map(|(k, _)| k.strip_prefix("points.")?.split('.').next()?.parse::<usize>().ok())
        .map(|i| i + 1)
        .max()
        .unwrap_or(0)
        .max(POINT_ROWS);
    if value(v, "_add_point") == "1" { used + 1 } else { used }
}

/// The points of a submitted form, blank rows skipped, with the form row of each point.
fn parse_points(v: &[(String, String)], rows: usize, r: &mut Rejection) -> (Vec<StatementPoint>, Vec<usize>) {
    let mut out = Vec::new();
    let mut at = Vec::new();
    for i in 0..rows {
        let get = |part: &str| value(v, &format!("points.{i}.{part}")).trim().to_string();
        let (text, answer, reason) = (get("text"), get("answer"), get("reason"));
        if text.is_empty() && answer.is_empty() && reason.is_empty() {
            continue;
        }
        let Some(kind) = PointKind::parse(&get("kind")) else {
            r.add(format!("points.{i}.kind"), format!("第{}项：请选择陈述、申辩或提交的证据", i + 1));
            continue;
        };
        out.push(StatementPoint::new(kind, &text, PointAnswer::parse(&answer), &reason));
        at.push(i);
    }
    (out, at)
}

/// A rejection's point messages moved from the record's numbering to the form's rows.
fn on_rows(r: Rejection, at: &[usize]) -> Rejection {
    let mut out = Rejection::new();
    for e in r.errors {
        let field = match e.field.strip_prefix("points.").and_then(|x| x.split_once('.')) {
            Some((j, part)) => match j.parse::<usize>().ok().and_then(|j| at.get(j)) {
                Some(i) => format!("points.{i}.{part}"),
                None => e.field.clone(),
            },
            None => e.field.clone(),
        };
        out.add(field, e.message);
    }
    out
}

/// The staff who may host a hearing (N-05): the agency's officers and legal reviewers in
/// post; the services refuse one who investigated the case, naming the acts.
async fn host_options(s: &AppState, view: &CaseView) -> Result<Vec<(String, String)>, AppError> {
    let staff = s.app.db.officers(view.case.opening.agency_id).await?;
    let mut out = vec![(String::new(), "请选择".to_string())];
    out.extend(
        staff
            .iter()
            .filter(|o| o.kind != StaffKind::Auxiliary && o.left_on.is_none())
            .filter(|o| !view.case.officers.iter().any(|a| a.officer_id == o.id))
            .map(|o| (o.id.to_string(), format!("{}（{}）", o.name, o.kind.label()))),
    );
    Ok(out)
}

async fn record_form(s: &AppState, view: &CaseView, kind: RecordKind, rows: usize) -> Result<FormPage, AppError> {
    let c = &view.case;
    let id = c.id();
    let hosted = matches!(kind, RecordKind::HearingNotice | RecordKind::HearingRecord);
    // A number allocated at issue is not asked for (it is printed on the issued PDF).
    let mut fields: Vec<Field> = kind
        .entered_fields()
        // The host is chosen by officer below, never typed (N-05).
        .filter(|f| !(hosted && f.key == "host"))
        .map(|f| {
            let mut field = Field::new(&format!("fields.{}", f.key), f.label, html_kind(f.ty));
            if f.required {
                field = field.required();
            }
            if let Some(options) = field_options(f.ty, true) {
                field = field.options(options);
            }
            field
        })
        .collect();
    let staff = s.app.db.officers(c.opening.agency_id).await?;
    let assigned: Vec<(String, String)> = c
        .officers
        .iter()
        .map(|o| (o.officer_id.to_string(), format!("{}（执法证{}）", o.name, o.certificate_number)))
        .collect();
    if kind.on_site() {
        fields.push(Field::new("_officers", "执法人员", "heading"));
        fields.push(
            Field::new("officers", "实施本行为的执法人员（至少两名）", "checks").required().options(assigned.clone()),
        );
        fields.push(Field::new("credentials_shown", "已向当事人出示执法证件", "checkbox"));
        fields.push(
            Field::new("officers_signed", "已在笔录上签名的执法人员", "checks")
                .required()
                .options(assigned.clone())
                .hint("实施本行为的每名执法人员均须在笔录上签名"),
        );
        let aux = staff
            .iter()
            .filter(|o| o.kind == StaffKind::Auxiliary && o.left_on.is_none())
            .map(|o| (o.id.to_string(), o.name.clone()))
            .collect();
        fields.push(Field::new("auxiliaries", "协助的执法辅助人员（不计入人数）", "checks").options(aux));
    } else if kind.needs_approval_chain() || matches!(kind, RecordKind::DecisionDraft | RecordKind::InvestigationReport)
    {
        fields.push(Field::new("officers", "承办人", "checks").options(assigned));
    }
    if kind.party_signs() {
        fields.push(Field::new("_sign", "当事人签名", "heading"));
        fields.push(Field::new("signature.kind", "签名情况", "select").required().options(vec![
            ("signed".into(), "当事人（或代收人）已签名".into()),
            ("refused".into(), "当事人拒绝签名".into()),
        ]));
        fields.push(Field::text("signature.signer", "签名人"));
        fields.push(Field::text("signature.reason", "拒签情况").hint("拒绝签名的，记明情况"));
        fields.push(Field::text("signature.witness", "见证人").hint("拒绝签名的，须有见证人"));
    }
    if kind.is_service() {
        // During investigation only a coercive-measure decision is served.
        let docs = c
            .records
            .iter()
            .filter(|r| !r.record.kind.is_service())
            .filter(|r| {
                c.current_stage().is_none_or(|s| s >= Stage::Decision) || r.record.kind == RecordKind::CoerciveDecision
            })
            .map(|r| (r.record.id.to_string(), c.document_title(r.record.id)))
            .collect();
        fields.insert(0, Field::new("serves", "所送达的文书", "select").required().options(docs));
    }
    if kind == RecordKind::CoerciveMeasure {
        // the measure is taken under its written decision, made first.
        let decisions = c
            .records_of(RecordKind::CoerciveDecision)
            .map(|r| (r.record.id.to_string(), c.document_title(r.record.id)))
            .collect();
        fields.insert(
            0,
            Field::new("serves", "所依据的行政强制措施决定书", "select")
                .required()
                .options(decisions)
                .hint("请先制作行政强制措施决定书，再记录实施情况"),
        );
    }
    // G-05: a request names the decision it concerns, a reply the request it answers.
    if matches!(kind, RecordKind::ReasonsRequest | RecordKind::ReasonsReply) {
        let (label, targets): (&str, Vec<(String, String)>) = if kind == RecordKind::ReasonsRequest {
            let decisions = c
                .records
                .iter()
                .filter(|r| matches!(r.record.kind, RecordKind::DecisionDocument | RecordKind::OnTheSpotDecision))
                .map(|r| {
                    let n = c.document_number(r.record.id);
                    let n = if n.is_empty() { r.record.form_number.clone().unwrap_or_default() } else { n };
                    (r.record.id.to_string(), format!("{} {n}", r.record.kind.label()))
                })
                .collect();
            ("申请说明理由的决定", decisions)
        } else {
            let open = zhifa_core::case::reasons::unanswered(c)
                .into_iter()
                .map(|r| (r.record.id.to_string(), format!("{}（{}）", r.field("requester"), r.field("requested_on"))))
                .collect();
            ("所答复的说明理由申请", open)
        };
        fields.insert(0, Field::new("serves", label, "select").required().options(targets));
    }
    if kind == RecordKind::DecisionDocument {
        // G-01, G-03, G-06: what each reason field asks for.
        let hints: [(&str, String); 6] = [
            (
                "fields.basis",
                "每行一条，写明法律全称及条、款、项、目，如《中华人民共和国食品安全法》第一百二十四条第一款第（二）项；须为本机关法律依据目录中的条款".into(),
            ),
            ("fields.fact_reasons", "为何认定上述事实：事实与证据之间的关系".into()),
            ("fields.evidence_reasons", "逐项说明证据的合法性、关联性、真实性，采信与不予采信的理由".into()),
            ("fields.basis_reasons", "为何适用上述条款：适用情形与本案事实的对应".into()),
            ("fields.discretion_reasons", "适用的裁量阶次及其情形，从重、从轻、减轻的考虑".into()),
            (
                "fields.reasons_exemption",
                "仅在符合说明理由办法第十六条情形时选择，并写明具体情况；选择后可不填写四项理由".into(),
            ),
        ];
        for f in fields.iter_mut() {
            if let Some((_, h)) = hints.iter().find(|(k, _)| *k == f.name) {
                f.hint = h.clone();
            }
        }
    }
    if kind == RecordKind::OnTheSpotDecision {
        fields.push(Field::new("_penalty", "处罚内容", "heading"));
        fields.push(
            Field::text("form_number", "当场处罚决定书编号")
                .required()
                .hint("预定格式、编有号码的决定书，每个编号只能使用一次"),
        );
        fields.push(Field::new("penalty.warning", "警告", "checkbox"));
        fields.push(Field::text("penalty.fine", "罚款（元）").hint("公民200元以下、法人或者其他组织3000元以下"));
    }
    if hosted {
        let mut host = Field::new("host", "听证主持人（本机关非本案调查人员）", "select")
            .required()
            .options(host_options(s, view).await?)
            .hint("听证由行政机关指定的非本案调查人员主持（《行政处罚法》第六十四条第四项）");
        if kind == RecordKind::HearingRecord
            && let Some(h) = zhifa_core::case::hearing::current_notice(c).and_then(|n| n.record.host.as_ref())
        {
            host = host.value(h.officer_id.to_string());
        }
        fields.insert(0, host);
    }
    if kind == RecordKind::HearingWithdrawal {
        let requests = zhifa_core::case::hearing::open_requests(c)
            .into_iter()
            .map(|r| (r.record.id.to_string(), format!("{} {}", r.field("requested_on"), r.field("applicant"))))
            .collect();
        fields.insert(0, Field::new("serves", "撤回的听证申请", "select").required().options(requests));
    }
    if zhifa_core::case::defence::carries_points(kind) {
        fields.extend(point_fields(rows));
    }
    fields.push(Field::new("sensitivity", "内容密级与隐私标记", "select").options(sensitivity_options()));
    let mut page = FormPage::new(
        &format!("{}：{}", c.opening.number, kind.label()),
        &format!("/cases/{id}/records?kind={}", kind.as_str()),
        fields,
    );
    page.intro = format!("所属阶段：{}。带*的栏目必须填写。", kind.stage().label());
    Ok(page)
}

/// GET /cases/{id}/records/new?kind=…
pub async fn new_form(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed(id): Parsed<Uuid>,
    Query(q): Query<KindQuery>,
) -> Response {
    let Some(kind) = RecordKind::parse(&q.kind) else { return page_error(&user, AppError::NotFound("记录类型")) };
    let view = match s.app.case_after_write(&user.principal, id).await {
        Ok(v) => v,
        Err(e) => return page_error(&user, e),
    };
    match record_form(&s, &view, kind, POINT_ROWS).await {
        Ok(page) => render_form(&Nav::for_user(&user), &page),
        Err(e) => page_error(&user, e),
    }
}

/// Datetime inputs send `2026-03-01T09:30`; keep the record's own format.
fn normalise(kind: RecordKind, key: &str, v: &str) -> String {
    match kind.field(key).map(|f| f.ty) {
        Some(FieldType::DateTime) => v.trim().replacen('T', " ", 1),
        _ => v.trim().to_string(),
    }
}

/// POST /cases/{id}/records?kind=…
pub async fn create(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed(id): Parsed<Uuid>,
    Query(q): Query<KindQuery>,
    body: Bytes,
) -> Response {
    let Some(kind) = RecordKind::parse(&q.kind) else { return page_error(&user, AppError::NotFound("记录类型")) };
    let view = match s.app.case_after_write(&user.principal, id).await {
        Ok(v) => v,
        Err(e) => return page_error(&user, e),
    };
    let v = pairs(&body);
    let rows = point_rows(&v);
    let form = match record_form(&s, &view, kind, rows).await {
        Ok(f) => f,
        Err(e) => return page_error(&user, e),
    };
    // "增加一项": the same form with one more row, nothing saved.
    if value(&v, "_add_point") == "1" {
        return render_form(&Nav::for_user(&user), &form.fill(&v));
    }
    let mut r = Rejection::new();
    let (points, point_rows_at) = parse_points(&v, rows, &mut r);
    let fields: BTreeMap<String, String> = v
        .iter()
        .filter_map(|(k, x)| k.strip_prefix("fields.").map(|k| (k.to_string(), normalise(kind, k, x))))
        .filter(|(_, x)| !x.is_empty())
        .collect();
    let signature = kind.party_signs().then(|| match value(&v, "signature.kind") {
        "refused" => Some(Signature::Refused {
            reason: value(&v, "signature.reason").into(),
            witness: value(&v, "signature.witness").into(),
        }),
        "signed" => Some(Signature::Signed { signer: value(&v, "signature.signer").into() }),
        _ => None,
    });
    let penalty = (kind == RecordKind::OnTheSpotDecision).then(|| {
        let fine = match value(&v, "penalty.fine").trim() {
            "" => None,
            x => match Money::parse_yuan(x) {
                Ok(m) => Some(m),
                Err(e) => {
                    r.add("penalty.fine", e.to_string());
                    None
                }
            },
        };
        SpotPenalty { warning: value(&v, "penalty.warning") == "1", fine }
    });
    let serves = match value(&v, "serves") {
        "" => None,
        x => x.parse().ok(),
    };
    let sensitivity =
        serde_json::from_value(serde_json::Value::String(value(&v, "sensitivity").into())).unwrap_or_default();
    let officers = person_ids(&v, "officers", &mut r);
    let auxiliaries = person_ids(&v, "auxiliaries", &mut r);
    let officers_signed = person_ids(&v, "officers_signed", &mut r);
    if !r.is_empty() {
        return render_form(&Nav::for_user(&user), &form.fill(&v).with_errors(&r));
    }
    let input = RecordInput {
        kind,
        fields,
        officers,
        credentials_shown: value(&v, "credentials_shown") == "1",
        auxiliaries,
        officers_signed,
        signature: signature.flatten(),
        serves,
        form_number: Some(value(&v, "form_number").to_string()).filter(|n| !n.trim().is_empty()),
        penalty,
        sensitivity,
        points,
        host: match value(&v, "host") {
            "" => None,
            x => x.parse().ok(),
        },
    };
    match s.app.add_record(&user.principal, id, input).await {
        Ok(_) => back_to_case(id, &format!("{}已保存", kind.label())),
        Err(AppError::Rejected(r)) => {
            render_form(&Nav::for_user(&user), &form.fill(&v).with_errors(&on_rows(r, &point_rows_at)))
        }
        Err(e) => page_error(&user, e),
    }
}

/// GET /cases/{id}/records/{rid}: a record with its corrections and approvals; the
/// opening is logged.
pub async fn show(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed((id, rid)): Parsed<(Uuid, Uuid)>,
    Query(q): Query<KindQuery>,
) -> Response {
    let view = match s.app.open_case_file(&user.principal, id, &q.purpose).await {
        Ok(v) => v,
        // Not assigned and no purpose: the case page asks for it first.
        Err(AppError::Rejected(_)) => {
            return axum::response::IntoResponse::into_response(axum::response::Redirect::to(&format!("/cases/{id}")));
        }
        Err(e) => return page_error(&user, e),
    };
    let Some(rec) = view.case.record(rid) else { return page_error(&user, AppError::NotFound("记录")) };
    if let Err(e) = user.principal.can_read(view.case.opening.agency_id, rec.record.sensitivity) {
        return page_error(&user, e.into());
    }
    // A record is shown only once its opening is on the access log.
    if let Err(e) = s
        .app
        .log_access(&user.principal, id, Some(rid), if q.purpose.is_empty() { "查看记录" } else { &q.purpose })
        .await
    {
        return page_error(&user, e);
    }
    let k = rec.record.kind;
    let mut info: Vec<(String, String)> =
        k.fields().iter().map(|f| (f.label.to_string(), view.case.shown_field(rec, f.key))).collect();
    if !rec.record.officers.is_empty() {
        info.push((
            "执法人员".into(),
            rec.record
                .officers
                .iter()
                .map(|o| format!("{}（执法证{}）", o.name, o.certificate_number))
                .collect::<Vec<_>>()
                .join("、"),
        ));
        info.push(("出示证件".into(), if rec.record.credentials_shown { "已出示".into() } else { "—".into() }));
        let signed: Vec<_> = rec
            .record
            .officers
            .iter()
            .filter(|o| rec.record.officers_signed.contains(&o.officer_id))
            .map(|o| o.name.as_str())
            .collect();
        if k.officers_sign() || !signed.is_empty() {
            info.push((
                "执法人员签名".into(),
                if signed.is_empty() { "—".into() } else { format!("{}已签名", signed.join("、")) },
            ));
        }
    }
    if !rec.record.auxiliaries.is_empty() {
        info.push((
            "执法辅助人员".into(),
            rec.record.auxiliaries.iter().map(|o| o.name.as_str()).collect::<Vec<_>>().join("、"),
        ));
    }
    if let Some(sig) = &rec.record.signature {
        info.push((
            "当事人签名".into(),
            match sig {
                Signature::Signed { signer } => format!("{signer}已签名"),
                Signature::Refused { reason, witness } => format!("拒绝签名（{reason}），见证人：{witness}"),
            },
        ));
    }
    if let Some(n) = &rec.record.form_number {
        info.push(("决定书编号".into(), n.clone()));
    }
    if let Some(p) = &rec.record.penalty {
        info.push((
            "处罚".into(),
            format!(
                "{}{}",
                if p.warning { "警告 " } else { "" },
                p.fine.map(|f| format!("罚款{f}")).unwrap_or_default()
            ),
        ));
    }
    info.push(("密级与隐私".into(), rec.record.sensitivity.label().into()));
    let mut corrections = Section::new("更正记录（原记录保持不变）", &["理由", "更正内容"]);
    for (reason, f) in &rec.corrections {
        let changes = f
            .iter()
            .map(|(key, v)| format!("{}：{}", k.field(key).map(|x| x.label).unwrap_or(key), v))
            .collect::<Vec<_>>()
            .join("；");
        corrections.rows.push(vec![reason.clone().into(), changes.into()]);
    }
    let mut approvals = Section::new("审批流程", &["环节", "签署人", "结论", "意见", "时间"]);
    for a in &rec.approvals {
        approvals.rows.push(vec![
            a.step.label().into(),
            a.officer_name.clone().into(),
            if a.approved { Cell::from("同意") } else { Cell::from("不同意").tagged("bad", "退回") },
            a.opinion.clone().into(),
            a.at.format("%Y-%m-%d %H:%M").to_string().into(),
        ]);
    }
    let mut av = Section::new("音像记录", &["类型", "文件", "SHA-256"]);
    for a in view.case.av_for(rid) {
        av.rows.push(vec![
            a.media.label().into(),
            Cell::link(a.file.file_name.clone(), format!("/files/{}", a.file.sha256)),
            a.file.sha256.clone().into(),
        ]);
    }
    let mut sections = vec![];
    if !rec.record.points.is_empty() {
        let mut points =
            Section::new("陈述申辩及复核意见（逐项，G-02）", &["序号", "类型", "内容", "复核意见", "理由"]);
        for (i, p) in rec.record.points.iter().enumerate() {
            let answer = match p.answer {
                Some(PointAnswer::Adopted) => Cell::from("采纳").tagged("ok", "采纳"),
                Some(PointAnswer::NotAdopted) => Cell::from("不予采纳").tagged("warn", "不予采纳"),
                None => Cell::from("未答复").tagged("bad", "未答复"),
            };
            points.rows.push(vec![
                (i + 1).to_string().into(),
                p.kind.label().into(),
                p.text.clone().into(),
                answer,
                p.reason.clone().into(),
            ]);
        }
        sections.push(points);
    }
    sections.push(corrections);
    if k.needs_approval_chain() {
        sections.push(approvals);
    }
    sections.push(av);
    let page = TablePage {
        title: format!("{}：{}", view.case.opening.number, k.label()),
        info,
        actions: vec![
            (format!("/cases/{id}"), "返回案件".into()),
            (format!("/cases/{id}/records/{rid}/correct"), "更正".into()),
        ],
        sections,
        ..Default::default()
    };
    render_table(&Nav::for_user(&user), &page)
}

fn approve_form(id: Uuid, rid: Uuid, next: Option<ApprovalStep>) -> FormPage {
    let step = next.unwrap_or(ApprovalStep::Handler);
    let mut page = FormPage::new(
        &format!("审批：{}", step.label()),
        &format!("/cases/{id}/records/{rid}/approve"),
        vec![
            Field::new("step", "环节", "select").required().options(vec![(step.as_str().into(), step.label().into())]),
            Field::new("approved", "结论", "select")
                .required()
                .options(vec![("1".into(), "同意".into()), ("0".into(), "不同意（退回承办人）".into())]),
            Field::new("opinion", "意见", "longtext").required(),
        ],
    );
    page.intro = "审批流程依次为：承办人提出意见 → 审核 → 负责人审批，每一环节的意见均记入案卷。".into();
    page
}

pub async fn approve_page(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed((id, rid)): Parsed<(Uuid, Uuid)>,
) -> Response {
    match s.app.case_after_write(&user.principal, id).await {
        Ok(v) => match v.case.record(rid) {
            Some(r) => render_form(&Nav::for_user(&user), &approve_form(id, rid, r.next_step())),
            None => page_error(&user, AppError::NotFound("记录")),
        },
        Err(e) => page_error(&user, e),
    }
}

pub async fn approve(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed((id, rid)): Parsed<(Uuid, Uuid)>,
    body: Bytes,
) -> Response {
    let v = pairs(&body);
    let Some(step) = ApprovalStep::parse(value(&v, "step")) else {
        return render_form(
            &Nav::for_user(&user),
            &approve_form(id, rid, None).with_errors(&Rejection::one("step", "请选择环节")),
        );
    };
    match s.app.give_approval(&user.principal, id, rid, step, value(&v, "approved") == "1", value(&v, "opinion")).await
    {
        Ok(()) => back_to_case(id, &format!("{}已签署", step.label())),
        Err(AppError::Rejected(r)) => {
            render_form(&Nav::for_user(&user), &approve_form(id, rid, Some(step)).fill(&v).with_errors(&r))
        }
        Err(e) => page_error(&user, e),
    }
}

async fn correct_form(s: &AppState, user: &CurrentUser, id: Uuid, rid: Uuid) -> Result<FormPage, AppError> {
    let rec = s.app.record_for_correction(&user.principal, id, rid).await?;
    let k = rec.record.kind;
    let mut fields = vec![Field::new("reason", "更正理由", "longtext").required()];
    for f in k.entered_fields() {
        // A datetime input shows only `2026-03-01T09:30`.
        let current = if f.ty == FieldType::DateTime {
            rec.field(f.key).replacen(' ', "T", 1)
        } else {
            rec.field(f.key).to_string()
        };
        let mut field = Field::new(&format!("fields.{}", f.key), f.label, html_kind(f.ty)).value(current.clone());
        if let Some(mut options) = field_options(f.ty, false) {
            // A value no longer allowed stays shown as it is, so that nothing changes
            // unnoticed; the correction then asks for an allowed one.
            if !current.is_empty() && !options.iter().any(|(v, _)| *v == current) {
                options.insert(0, (current.clone(), current));
            }
            field = field.options(options);
        }
        fields.push(field);
    }
    let mut page = FormPage::new(&format!("更正{}", k.label()), &format!("/cases/{id}/records/{rid}/correct"), fields);
    page.intro = "更正作为新的记录保存，原记录不会被修改或删除。".into();
    Ok(page)
}

pub async fn correct_page(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed((id, rid)): Parsed<(Uuid, Uuid)>,
) -> Response {
    match correct_form(&s, &user, id, rid).await {
        Ok(p) => render_form(&Nav::for_user(&user), &p),
        Err(e) => page_error(&user, e),
    }
}

pub async fn correct(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed((id, rid)): Parsed<(Uuid, Uuid)>,
    body: Bytes,
) -> Response {
    let form = match correct_form(&s, &user, id, rid).await {
        Ok(p) => p,
        Err(e) => return page_error(&user, e),
    };
    let v = pairs(&body);
    let view = match s.app.case_after_write(&user.principal, id).await {
        Ok(v) => v,
        Err(e) => return page_error(&user, e),
    };
    let Some(kind) = view.case.record(rid).map(|r| r.record.kind) else {
        return page_error(&user, AppError::NotFound("记录"));
    };
    let fields = v
        .iter()
        .filter_map(|(k, x)| k.strip_prefix("fields.").map(|k| (k.to_string(), normalise(kind, k, x))))
        .collect();
    match s.app.correct_record(&user.principal, id, rid, value(&v, "reason"), fields).await {
        Ok(()) => back_to_case(id, "更正已记录"),
        Err(AppError::Rejected(r)) => render_form(&Nav::for_user(&user), &form.fill(&v).with_errors(&r)),
        Err(e) => page_error(&user, e),
    }
}
