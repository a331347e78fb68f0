//! The forms of the legal review (L-01…L-11): each a GET showing the form and a POST
//! calling one service, with every refusal next to its field in Chinese.

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;
use uuid::Uuid;
use zhifa_app::AppError;
use zhifa_app::review::ReviewView;
use zhifa_core::Rejection;
use zhifa_core::case::review::decide::{Conclude, Submission};
use zhifa_core::case::review::{
    AdviserKind, ChecklistAnswer, ChecklistItem, CollectiveDecision, Level, MaterialKind, MaterialSource, Opinion,
};

use crate::AppState;
use crate::forms::{Field, FormPage, Nav, pairs, render_form, value};
use crate::pages::{Parsed, after_submit, page_error, person_ids};
use crate::session::CurrentUser;

fn back(id: Uuid) -> impl FnOnce(()) -> String {
    move |_| format!("/cases/{id}/review")
}

async fn view(s: &AppState, user: &CurrentUser, id: Uuid) -> Result<ReviewView, Response> {
    s.app.review_view(&user.principal, id).await.map_err(|e| page_error(user, e))
}

fn show(user: &CurrentUser, form: FormPage) -> Response {
    render_form(&Nav::for_user(user), &form)
}

fn yes_no() -> Vec<(String, String)> {
    vec![("yes".into(), "是".into()), ("no".into(), "否".into())]
}

// ----- Flags (L-01) -----

fn flag_form(id: Uuid, v: &ReviewView) -> FormPage {
    let mut page = FormPage::new(
        "申报重大执法决定情形",
        &format!("/cases/{id}/review/flag"),
        vec![
            Field::new("flag", "情形", "select").required().options(v.flags.clone()),
            Field::new("note", "说明", "longtext").required().hint("写明本案符合该情形的事实"),
        ],
    );
    page.intro = "案卷记录无法反映的情形由承办人申报；申报后不能撤销（L-01）。罚款数额、处罚种类、听证等情形由系统根据案卷自动认定。".into();
    page.submit = "申报".into();
    page
}

pub async fn flag_new(State(s): State<AppState>, user: CurrentUser, Parsed(id): Parsed<Uuid>) -> Response {
    match view(&s, &user, id).await {
        Ok(v) => show(&user, flag_form(id, &v)),
        Err(r) => r,
    }
}

pub async fn flag_create(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed(id): Parsed<Uuid>,
    body: Bytes,
) -> Response {
    let v = pairs(&body);
    let r = s.app.flag_major(&user.principal, id, value(&v, "flag"), value(&v, "note")).await;
    // Only a refused step shows its form again (reading the review is logged, R-18).
    if r.is_ok() {
        return after_submit(&user, r, FormPage::default(), &v, back(id));
    }
    let form = match view(&s, &user, id).await {
        Ok(view) => flag_form(id, &view),
        Err(r) => return r,
    };
    after_submit(&user, r, form, &v, back(id))
}

// ----- Submission and supplement (L-03, L-10) -----

#[derive(Debug, Deserialize, Default)]
pub struct LevelQuery {
    #[serde(default)]
    level: String,
}

/// The material fields: what the case's records already give, and a text to declare the
/// others (a paper report, an assessment).
fn material_fields(v: &ReviewView, level: Level) -> Vec<Field> {
    let current = zhifa_core::case::review::decide::materials(&v.case, level, &BTreeMap::new());
    current
        .iter()
        .filter(|m| m.kind != MaterialKind::LegalUnitOpinion)
        .map(|m| {
            let hint = match &m.source {
                MaterialSource::Derived { summary, .. } => format!("已从案卷中取得：{summary}"),
                MaterialSource::NotApplicable => "本案未经听证或评估；经评估的，请说明评估报告".into(),
                _ => "案卷中没有，请说明所提交的材料（如纸质材料的名称、页数）".into(),
            };
            Field::text(&format!("declared.{}", m.kind.as_str()), m.kind.label()).hint(&hint)
        })
        .collect()
}

fn declared(v: &[(String, String)]) -> BTreeMap<MaterialKind, String> {
    v.iter()
        .filter_map(|(k, x)| {
            let kind = MaterialKind::parse(k.strip_prefix("declared.")?)?;
            (!x.trim().is_empty()).then(|| (kind, x.trim().to_string()))
        })
        .collect()
}

fn submit_form(id: Uuid, v: &ReviewView, level: Level) -> FormPage {
    let mut fields = vec![
        Field::new("level", "审核机关", "select")
            .required()
            .options(vec![(level.as_str().into(), level.label().into())])
            .value(level.as_str()),
        Field::new("urgent", "情况紧急（适用紧急审核期限）", "checkbox"),
        Field::new("materials", "送审材料（L-03）", "heading"),
    ];
    fields.extend(material_fields(v, level));
    fields.push(Field::new("note", "送审说明", "longtext"));
    let mut page = FormPage::new("提交法制审核", &format!("/cases/{id}/review/submit"), fields);
    page.intro = format!(
        "本案须经法制审核：{}。材料不齐全的，法制机构将一次性告知需补充的全部材料，补充材料期间不计入审核期限。",
        v.requirement.describe()
    );
    page.submit = "提交审核".into();
    page
}

pub async fn submit_new(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed(id): Parsed<Uuid>,
    Query(q): Query<LevelQuery>,
) -> Response {
    let level = Level::parse(&q.level).unwrap_or(Level::Agency);
    match view(&s, &user, id).await {
        Ok(v) => show(&user, submit_form(id, &v, level)),
        Err(r) => r,
    }
}

pub async fn submit_create(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed(id): Parsed<Uuid>,
    body: Bytes,
) -> Response {
    let v = pairs(&body);
    let level = Level::parse(value(&v, "level")).unwrap_or(Level::Agency);
    let cmd = Submission {
        level: Some(level),
        urgent: value(&v, "urgent") == "1",
        declared: declared(&v),
        note: value(&v, "note").into(),
    };
    let r = s.app.submit_review(&user.principal, id, cmd).await.map(|_| ());
    // Only a refused step shows its form again (reading the review is logged, R-18).
    if r.is_ok() {
        return after_submit(&user, r, FormPage::default(), &v, back(id));
    }
    let form = match view(&s, &user, id).await {
        Ok(view) => submit_form(id, &view, level),
        Err(r) => return r,
    };
    after_submit(&user, r, form, &v, back(id))
}

fn supplement_form(id: Uuid, round: Uuid, v: &ReviewView) -> FormPage {
    let level = v.case.review.round(round).map_or(Level::Agency, |r| r.level);
    let mut fields = vec![];
    if let Some(n) = v.case.review.round(round).and_then(|r| r.notice.as_ref()) {
        fields.push(Field::new("missing", &format!("需补充的材料：{}", n.missing.join("；")), "heading"));
    }
    fields.extend(material_fields(v, level));
    fields.push(Field::new("note", "补充说明（补充了哪些材料）", "longtext").required());
    let mut page = FormPage::new("补充送审材料", &format!("/cases/{id}/review/rounds/{round}/supplement"), fields);
    page.intro = "可在案卷中补充制作记录（如调查终结报告），或在下方说明所提交的材料；补充后审核期限继续计算。".into();
    page.submit = "提交补充材料".into();
    page
}

pub async fn supplement_new(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed((id, round)): Parsed<(Uuid, Uuid)>,
) -> Response {
    match view(&s, &user, id).await {
        Ok(v) => show(&user, supplement_form(id, round, &v)),
        Err(r) => r,
    }
}

pub async fn supplement_create(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed((id, round)): Parsed<(Uuid, Uuid)>,
    body: Bytes,
) -> Response {
    let v = pairs(&body);
    let r = s.app.supplement_materials(&user.principal, id, round, &declared(&v), value(&v, "note")).await;
    // Only a refused step shows its form again (reading the review is logged, R-18).
    if r.is_ok() {
        return after_submit(&user, r, FormPage::default(), &v, back(id));
    }
    let form = match view(&s, &user, id).await {
        Ok(view) => supplement_form(id, round, &view),
        Err(r) => return r,
    };
    after_submit(&user, r, form, &v, back(id))
}

// ----- Reviewer: notice, refusal, advisers, extension (L-03, L-06, L-08) -----

fn notice_form(id: Uuid, round: Uuid, v: &ReviewView) -> FormPage {
    let missing = v.rounds.iter().find(|r| r.round.id == round).map(|r| r.missing.clone()).unwrap_or_default();
    let hint = if missing.is_empty() {
        "系统核对送审材料齐全；如需补充其他材料，请逐行填写".to_string()
    } else {
        format!("系统核对缺少：{}（将自动列入告知书）；如需补充其他材料，请逐行填写", missing.join("、"))
    };
    let mut page = FormPage::new(
        "一次性告知补充材料",
        &format!("/cases/{id}/review/rounds/{round}/notice"),
        vec![Field::new("missing", "另需补充的材料（每行一项）", "textarea").hint(&hint)],
    );
    page.intro =
        "送审材料不齐全的，应一次性书面告知需要补充的全部材料；告知后不得再次要求补充其他材料（L-03）。".into();
    page.submit = "出具告知书".into();
    page
}

pub async fn notice_new(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed((id, round)): Parsed<(Uuid, Uuid)>,
) -> Response {
    match view(&s, &user, id).await {
        Ok(v) => show(&user, notice_form(id, round, &v)),
        Err(r) => r,
    }
}

pub async fn notice_create(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed((id, round)): Parsed<(Uuid, Uuid)>,
    body: Bytes,
) -> Response {
    let v = pairs(&body);
    let extra: Vec<String> =
        value(&v, "missing").lines().map(|l| l.trim().to_string()).filter(|l| !l.is_empty()).collect();
    let r = s.app.notice_materials(&user.principal, id, round, &extra).await;
    // Only a refused step shows its form again (reading the review is logged, R-18).
    if r.is_ok() {
        return after_submit(&user, r, FormPage::default(), &v, back(id));
    }
    let form = match view(&s, &user, id).await {
        Ok(view) => notice_form(id, round, &view),
        Err(r) => return r,
    };
    after_submit(&user, r, form, &v, back(id))
}

fn text_form(title: &str, action: String, name: &str, label: &str, hint: &str, submit: &str) -> FormPage {
    let mut page = FormPage::new(title, &action, vec![Field::new(name, label, "longtext").required().hint(hint)]);
    page.submit = submit.into();
    page
}

fn refuse_form(id: Uuid, round: Uuid) -> FormPage {
    text_form(
        "不予受理",
        format!("/cases/{id}/review/rounds/{round}/refuse"),
        "reasons",
        "不予受理的理由",
        "补充材料后仍不齐备的，书面决定不予受理并说明理由（L-03）",
        "作出不予受理决定",
    )
}

pub async fn refuse_new(user: CurrentUser, Parsed((id, round)): Parsed<(Uuid, Uuid)>) -> Response {
    show(&user, refuse_form(id, round))
}

pub async fn refuse_create(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed((id, round)): Parsed<(Uuid, Uuid)>,
    body: Bytes,
) -> Response {
    let v = pairs(&body);
    let r = s.app.refuse_review(&user.principal, id, round, value(&v, "reasons")).await;
    after_submit(&user, r, refuse_form(id, round), &v, back(id))
}

fn adviser_form(id: Uuid, round: Uuid) -> FormPage {
    let mut page = FormPage::new(
        "法律顾问、公职律师书面意见",
        &format!("/cases/{id}/review/rounds/{round}/advisers"),
        vec![
            Field::text("adviser", "姓名").required(),
            Field::new("capacity", "身份", "select").required().options(vec![
                (AdviserKind::LegalAdviser.as_str().into(), AdviserKind::LegalAdviser.label().into()),
                (AdviserKind::PublicLawyer.as_str().into(), AdviserKind::PublicLawyer.label().into()),
            ]),
            Field::new("opinion", "书面意见", "longtext").required(),
        ],
    );
    page.intro = "法律顾问、公职律师的书面意见供法制机构复核参考；法制机构的审核意见为正式意见（L-08）。".into();
    page
}

pub async fn adviser_new(user: CurrentUser, Parsed((id, round)): Parsed<(Uuid, Uuid)>) -> Response {
    show(&user, adviser_form(id, round))
}

pub async fn adviser_create(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed((id, round)): Parsed<(Uuid, Uuid)>,
    body: Bytes,
) -> Response {
    let v = pairs(&body);
    let capacity = AdviserKind::parse(value(&v, "capacity")).unwrap_or(AdviserKind::LegalAdviser);
    let r = s
        .app
        .add_adviser_opinion(&user.principal, id, round, value(&v, "adviser"), capacity, value(&v, "opinion"))
        .await;
    after_submit(&user, r, adviser_form(id, round), &v, back(id))
}

fn extension_form(id: Uuid, round: Uuid) -> FormPage {
    text_form(
        "申请延长审核期限",
        format!("/cases/{id}/review/rounds/{round}/extension"),
        "reason",
        "延长理由",
        "案件复杂的，经负责人批准可以延长（L-06）",
        "提交负责人审批",
    )
}

pub async fn extension_new(user: CurrentUser, Parsed((id, round)): Parsed<(Uuid, Uuid)>) -> Response {
    show(&user, extension_form(id, round))
}

pub async fn extension_create(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed((id, round)): Parsed<(Uuid, Uuid)>,
    body: Bytes,
) -> Response {
    let v = pairs(&body);
    let r = s.app.request_review_extension(&user.principal, id, round, value(&v, "reason")).await;
    after_submit(&user, r, extension_form(id, round), &v, back(id))
}

fn extension_decide_form(id: Uuid, round: Uuid) -> FormPage {
    FormPage::new(
        "审批延长审核期限",
        &format!("/cases/{id}/review/rounds/{round}/extension/decide"),
        vec![
            Field::new("approved", "是否批准", "select")
                .required()
                .options(vec![("1".into(), "批准延长".into()), ("0".into(), "不批准".into())]),
            Field::new("opinion", "审批意见", "longtext").required(),
        ],
    )
}

pub async fn extension_decide_new(user: CurrentUser, Parsed((id, round)): Parsed<(Uuid, Uuid)>) -> Response {
    show(&user, extension_decide_form(id, round))
}

pub async fn extension_decide(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed((id, round)): Parsed<(Uuid, Uuid)>,
    body: Bytes,
) -> Response {
    let v = pairs(&body);
    let r = s
        .app
        .decide_review_extension(&user.principal, id, round, value(&v, "approved") == "1", value(&v, "opinion"))
        .await;
    after_submit(&user, r, extension_decide_form(id, round), &v, back(id))
}

// ----- The opinion (L-04, L-05) -----

fn conclude_form(id: Uuid, round: Uuid, v: Option<&ReviewView>) -> FormPage {
    let mut fields = vec![Field::new("checklist", "审核事项（L-04，逐项回答）", "heading")];
    let deviation = v.and_then(|v| {
        v.case.penalty_assessment().map(|a| a.summary()).or_else(|| {
            zhifa_core::case::review::major::proposed_penalty(&v.case)?
                .deviation_reason
                .map(|r| format!("偏离裁量基准的理由：{r}"))
        })
    });
    for item in ChecklistItem::ALL {
        let sound = if item.sound_answer() { "yes" } else { "no" };
        let mut answer = Field::new(&format!("checklist.{}", item.as_str()), item.question(), "select")
            .required()
            .options(yes_no())
            .value(sound);
        if item == ChecklistItem::Discretion
            && let Some(d) = &deviation
        {
            answer = answer.hint(d);
        }
        fields.push(answer);
        fields.push(Field::text(&format!("checklist.{}.note", item.as_str()), "说明").hint("存在问题的，写明问题"));
    }
    fields.push(
        Field::new("opinion", "审核意见（L-05）", "select")
            .required()
            .options(Opinion::ALL.iter().map(|o| (o.as_str().to_string(), o.label().to_string())).collect()),
    );
    fields.push(Field::new("reasons", "理由", "longtext").required().hint("各项意见均须书面说明理由"));
    let mut page = FormPage::new("出具法制审核意见", &format!("/cases/{id}/review/rounds/{round}/conclude"), fields);
    if let Some(v) = v {
        page.intro = format!("{}。{}", v.requirement.describe(), v.standing.describe());
    }
    page.submit = "出具审核意见".into();
    page
}

pub async fn conclude_new(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed((id, round)): Parsed<(Uuid, Uuid)>,
) -> Response {
    match view(&s, &user, id).await {
        Ok(v) => show(&user, conclude_form(id, round, Some(&v))),
        Err(r) => r,
    }
}

/// The checklist as submitted; an item left unanswered is simply absent (the core names it).
pub fn checklist(v: &[(String, String)]) -> Vec<ChecklistAnswer> {
    ChecklistItem::ALL
        .iter()
        .filter_map(|item| {
            let answer = match value(v, &format!("checklist.{}", item.as_str())) {
                "yes" | "是" | "1" | "true" => true,
                "no" | "否" | "0" | "false" => false,
                _ => return None,
            };
            Some(ChecklistAnswer {
                item: *item,
                answer,
                note: value(v, &format!("checklist.{}.note", item.as_str())).into(),
            })
        })
        .collect()
}

pub async fn conclude_create(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed((id, round)): Parsed<(Uuid, Uuid)>,
    body: Bytes,
) -> Response {
    let v = pairs(&body);
    let r = match Opinion::parse(value(&v, "opinion")) {
        None => Err(AppError::Rejected(Rejection::one("opinion", "请选择审核意见"))),
        Some(opinion) => {
            let cmd = Conclude { round, checklist: checklist(&v), opinion, reasons: value(&v, "reasons").into() };
            s.app.conclude_review(&user.principal, id, cmd).await
        }
    };
    let form = if r.is_err() {
        match view(&s, &user, id).await {
            Ok(v) => conclude_form(id, round, Some(&v)),
            Err(resp) => return resp,
        }
    } else {
        conclude_form(id, round, None)
    };
    after_submit(&user, r, form, &v, back(id))
}

// ----- Disagreement (L-09) -----

fn re_review_form(id: Uuid) -> FormPage {
    text_form(
        "申请复审",
        format!("/cases/{id}/review/re-review"),
        "reasons",
        "申请复审的理由",
        "对法制机构审核意见有异议的，可以申请复审一次，并书面说明理由（L-09）",
        "申请复审",
    )
}

pub async fn re_review_new(user: CurrentUser, Parsed(id): Parsed<Uuid>) -> Response {
    show(&user, re_review_form(id))
}

pub async fn re_review_create(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed(id): Parsed<Uuid>,
    body: Bytes,
) -> Response {
    let v = pairs(&body);
    let r = s.app.request_re_review(&user.principal, id, value(&v, "reasons")).await;
    after_submit(&user, r, re_review_form(id), &v, back(id))
}

fn collective_form(id: Uuid, v: &ReviewView) -> FormPage {
    let mut page = FormPage::new(
        "负责人集体讨论决定",
        &format!("/cases/{id}/review/collective"),
        vec![
            Field::new("participants", "参加人（负责人）", "checks")
                .required()
                .options(v.heads.iter().map(|(id, name)| (id.to_string(), name.clone())).collect()),
            Field::new("minutes", "讨论记录（参会人员发言）", "longtext").required(),
            Field::new("decision", "决定", "select").required().options(
                [CollectiveDecision::FollowLegalUnit, CollectiveDecision::AdoptDraft]
                    .iter()
                    .map(|d| (d.as_str().to_string(), d.label().to_string()))
                    .collect(),
            ),
            Field::new("reasons", "决定理由", "longtext").required(),
        ],
    );
    page.intro = "复审后仍不能达成一致的，由负责人集体讨论决定；决定与法制机构意见不一致的，系统在记录中注明。每名参加人须本人输入密码签名（L-09）。".into();
    page.submit = "保存讨论记录".into();
    page
}

pub async fn collective_new(State(s): State<AppState>, user: CurrentUser, Parsed(id): Parsed<Uuid>) -> Response {
    match view(&s, &user, id).await {
        Ok(v) => show(&user, collective_form(id, &v)),
        Err(r) => r,
    }
}

pub async fn collective_create(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed(id): Parsed<Uuid>,
    body: Bytes,
) -> Response {
    let v = pairs(&body);
    let mut bad = Rejection::new();
    let participants = person_ids(&v, "participants", &mut bad);
    let decision = CollectiveDecision::parse(value(&v, "decision"));
    let r = match (decision, bad.is_empty()) {
        (Some(d), true) => s
            .app
            .record_collective(&user.principal, id, &participants, value(&v, "minutes"), d, value(&v, "reasons"))
            .await
            .map(|_| ()),
        (None, _) => Err(AppError::Rejected(Rejection::one("decision", "请选择决定"))),
        (_, false) => Err(AppError::Rejected(bad)),
    };
    // Only a refused step shows its form again (reading the review is logged, R-18).
    if r.is_ok() {
        return after_submit(&user, r, FormPage::default(), &v, back(id));
    }
    let form = match view(&s, &user, id).await {
        Ok(view) => collective_form(id, &view),
        Err(r) => return r,
    };
    after_submit(&user, r, form, &v, back(id))
}

fn sign_form(id: Uuid, discussion: Uuid) -> FormPage {
    let mut page = FormPage::new(
        "在集体讨论记录上签名",
        &format!("/cases/{id}/review/collective/{discussion}/sign"),
        vec![
            Field::new("password", "本人登录密码", "password")
                .required()
                .hint("签名须由参加人本人输入本账号的登录密码确认"),
        ],
    );
    page.submit = "签名".into();
    page
}

pub async fn sign_new(user: CurrentUser, Parsed((id, discussion)): Parsed<(Uuid, Uuid)>) -> Response {
    show(&user, sign_form(id, discussion))
}

pub async fn sign_create(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed((id, discussion)): Parsed<(Uuid, Uuid)>,
    body: Bytes,
) -> Response {
    let v = pairs(&body);
    let r = s.app.sign_collective(&user.principal, id, discussion, value(&v, "password")).await;
    // The password never comes back into the form.
    let v: Vec<(String, String)> = v.into_iter().filter(|(k, _)| k != "password").collect();
    after_submit(&user, r, sign_form(id, discussion), &v, back(id))
}
