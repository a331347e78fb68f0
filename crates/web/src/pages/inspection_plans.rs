//! Random-inspection plans inside the application (S-02…S-05): the plan form
//! (`/inspection/plans/new`, `…/{id}/edit` before the commitment), the plan's page
//! (`/inspection/plans/{id}`: spec, commitment, draw, live verification, tasks), the head's
//! commitment (`…/commit`) and draw with the public input (`…/draw`). A task's page, its
//! result form and the publication of its result are in [`super::inspection_tasks`].

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;
use uuid::Uuid;
use zhifa_app::AppError;
use zhifa_app::inspection::{PlanView, task_publication_id};
use zhifa_core::Rejection;
use zhifa_core::access::{AccessError, Role};
use zhifa_core::disclosure::publication::Status;
use zhifa_core::inspection::{Plan, PlanSpec, Ratio, Task};

use crate::AppState;
use crate::forms::{Cell, Field, FormPage, Nav, Section, TablePage, pairs, render_form, render_table, value};
use crate::pages::inspection::kept_agency;
use crate::pages::{Parsed, after_submit, date_field, page_error};
use crate::session::CurrentUser;

/// The names of a plan's items: frozen with the commitment, else from the lead's list.
pub(crate) async fn item_names(s: &AppState, plan: &Plan) -> BTreeMap<Uuid, String> {
    if let Some(c) = &plan.commitment {
        return c.pools.items.iter().map(|i| (i.id, i.name.clone())).collect();
    }
    let list = s.app.db.load_random_list(plan.spec.lead_agency).await.map(|l| l.0).unwrap_or_default();
    list.items.iter().map(|i| (i.id, i.name.clone())).collect()
}

/// The items of a task, named.
pub(crate) fn task_items(task: &Task, names: &BTreeMap<Uuid, String>) -> String {
    task.items.iter().map(|i| names.get(i).cloned().unwrap_or_else(|| i.to_string())).collect::<Vec<_>>().join("、")
}

/// A task's team: each inspector with the certificate number (P-02).
pub(crate) fn task_team(task: &Task) -> String {
    task.inspectors.iter().map(|a| format!("{}（{}）", a.name, a.certificate)).collect::<Vec<_>>().join("、")
}

/// The plan's spec and commitment as labelled rows, shown inside and on the portal.
pub(crate) fn plan_info(view: &PlanView) -> Vec<(String, String)> {
    let plan = &view.plan;
    let spec = &plan.spec;
    let name = |a: &Uuid| view.agency_names.get(a).cloned().unwrap_or_else(|| a.to_string());
    let mut info = vec![("计划名称".to_string(), spec.name.clone()), ("牵头机关".into(), name(&spec.lead_agency))];
    if spec.is_joint() {
        let joining: Vec<String> = spec.joining_agencies.iter().map(name).collect();
        info.push(("联合检查参与机关（S-04）".into(), joining.join("、")));
    }
    info.push(("计划期间".into(), format!("{} 至 {}", spec.from, spec.to)));
    info.push((
        "抽查比例".into(),
        spec.ratio.map_or("按各抽查事项的比例".into(), |r| format!("{r}（本计划统一比例）")),
    ));
    info.push(("每个检查对象的检查人员".into(), format!("{}名", spec.team_size())));
    let status = match (&plan.commitment, &plan.drawn) {
        (None, _) => "草拟",
        (Some(_), None) => "已公布承诺",
        (Some(_), Some(_)) => "已抽取",
    };
    info.push(("状态".into(), status.into()));
    if let Some(c) = &plan.commitment {
        info.push(("承诺公布日期".into(), c.on.to_string()));
        info.push(("随机种子承诺值 SHA-256(种子)".into(), c.seed_commitment.clone()));
        info.push(("名录库哈希".into(), c.pools_hash.clone()));
        let mut sizes = format!("检查对象{}个（因本期已检查排除{}个）", c.sizes.targets, c.sizes.excluded);
        for (pool, n) in c.pools.agencies.iter().zip(&c.sizes.inspectors) {
            sizes.push_str(&format!("；{}检查人员{n}名", pool.agency_name));
        }
        info.push(("名录库规模".into(), sizes));
    }
    if let Some(d) = &plan.drawn {
        info.push(("抽取日期".into(), d.on.to_string()));
        info.push(("公开的随机种子".into(), d.seed.clone()));
        info.push(("现场公开输入（监督人员现场报出的数字）".into(), d.public_input.clone()));
        info.push(("抽取种子 SHA-256(\"zhifa-draw-v1\"‖种子‖公开输入)".into(), d.outcome.draw_seed.clone()));
    }
    info
}

/// The items section of a plan: name, basis, ratio (frozen or from the list).
pub(crate) async fn items_section(s: &AppState, plan: &Plan) -> Section {
    let mut section = Section::new("抽查事项", &["抽查事项", "抽查对象类型", "依据", "抽查比例"]);
    if let Some(c) = &plan.commitment {
        for i in &c.pools.items {
            section.rows.push(vec![
                i.name.clone().into(),
                i.target_type.label().into(),
                i.basis.clone().into(),
                i.ratio.to_string().into(),
            ]);
        }
        return section;
    }
    let list = s.app.db.load_random_list(plan.spec.lead_agency).await.map(|l| l.0).unwrap_or_default();
    for id in &plan.spec.items {
        if let Some(i) = list.item(*id) {
            let ratio = plan.spec.ratio.unwrap_or(i.ratio);
            section.rows.push(vec![
                i.name.clone().into(),
                i.target_type.label().into(),
                i.basis.clone().into(),
                ratio.to_string().into(),
            ]);
        }
    }
    section
}

/// The verification of a drawn plan, in one sentence.
pub(crate) async fn verification(s: &AppState, plan: &Plan) -> Option<String> {
    plan.drawn.as_ref()?;
    Some(match s.app.verify_plan(plan.id).await {
        Ok(Ok(_)) => "验证结果：一致（按公开的种子和冻结的名录库重新抽取，结果与记录相同）".into(),
        Ok(Err(e)) => format!("验证结果：不一致——{e}"),
        Err(e) => {
            tracing::error!(error = %e, "verifying a plan failed");
            "验证结果：暂时无法验证，请稍后再试".into()
        }
    })
}

/// A task's publication status and the portal's address once it is public.
pub(crate) async fn publication_of(s: &AppState, plan: Uuid, task: u32) -> Option<(Status, Uuid)> {
    let id = task_publication_id(plan, task);
    s.app.db.load_publication(id).await.ok().flatten().map(|(p, _)| (p.status, id))
}

pub(crate) fn publication_label(status: &Status) -> &'static str {
    match status {
        Status::Prepared => "待公示",
        Status::Public { .. } => "公示中",
        Status::TakenDown { .. } => "已撤下",
        Status::Withdrawn { .. } => "已撤回",
    }
}

/// Whether the user is the lead agency's head (commits and draws).
fn is_lead_head(user: &CurrentUser, plan: &Plan) -> bool {
    user.principal.role == Role::Head && user.principal.agency_id == Some(plan.spec.lead_agency)
}

/// Whether the user keeps the lead agency's plans (its officers and head).
pub(crate) fn keeps(user: &CurrentUser, plan: &Plan) -> Result<(), AppError> {
    let agency = kept_agency(user)?;
    if agency == plan.spec.lead_agency { Ok(()) } else { Err(AccessError::OtherAgency.into()) }
}

/// GET /inspection/plans/{id}
pub async fn show(State(s): State<AppState>, user: CurrentUser, Parsed(id): Parsed<Uuid>) -> Response {
    let view = match s.app.plan(&user.principal, id).await {
        Ok(v) => v,
        Err(e) => return page_error(&user, e),
    };
    let plan = &view.plan;
    let mut page = TablePage { title: plan.spec.name.clone(), info: plan_info(&view), ..Default::default() };
    page.notice = verification(&s, plan).await;
    let keeper = keeps(&user, plan).is_ok();
    if plan.is_editable() && keeper {
        page.actions.push((format!("/inspection/plans/{id}/edit"), "修改计划".into()));
    }
    if is_lead_head(&user, plan) {
        match (&plan.commitment, &plan.drawn) {
            (None, _) => page.actions.push((format!("/inspection/plans/{id}/commit"), "公布抽取承诺".into())),
            (Some(_), None) => page.actions.push((format!("/inspection/plans/{id}/draw"), "现场抽取".into())),
            _ => {}
        }
    }
    if plan.commitment.is_some() {
        page.actions.push((format!("/gs/inspections/{id}"), "公示页面".into()));
    }
    page.actions.push(("/inspection".into(), "返回双随机抽查".into()));
    page.sections.push(items_section(&s, plan).await);
    if plan.drawn.is_some() {
        let names = item_names(&s, plan).await;
        let mut tasks = Section::new(
            "检查任务",
            &["序号", "检查对象", "统一社会信用代码", "抽查事项", "检查人员（执法证号）", "检查结果", "结果公示"],
        );
        for t in plan.tasks() {
            let n = t.index + 1;
            let result = match plan.results.get(&t.index) {
                Some(r) => Cell::link(r.result.result.label(), format!("/inspection/plans/{id}/tasks/{n}/result")),
                None => Cell::link("登记结果", format!("/inspection/plans/{id}/tasks/{n}/result")),
            };
            let publication = match publication_of(&s, id, t.index).await {
                Some((Status::Prepared, _)) if keeper => {
                    Cell::link("发布公示", format!("/inspection/plans/{id}/tasks/{n}/publish"))
                }
                Some((status @ Status::Public { .. }, pid)) => {
                    Cell::link(publication_label(&status), format!("/gs/decisions/{pid}"))
                }
                Some((status, _)) => publication_label(&status).into(),
                None => "".into(),
            };
            tasks.rows.push(vec![
                Cell::link(n.to_string(), format!("/inspection/plans/{id}/tasks/{n}")),
                t.target_name.clone().into(),
                t.target_key.clone().into(),
                task_items(t, &names).into(),
                task_team(t).into(),
                result,
                publication,
            ]);
        }
        page.sections.push(tasks);
    }
    render_table(&Nav::for_user(&user), &page)
}

async fn plan_form(s: &AppState, agency: Uuid, action: &str, title: &str) -> Result<FormPage, AppError> {
    let list = s.app.db.load_random_list(agency).await?.0;
    let items = list
        .items
        .iter()
        .map(|i| (i.id.to_string(), format!("{}（{}，{}）", i.name, i.target_type.label(), i.ratio)))
        .collect();
    let others = s
        .app
        .db
        .agencies()
        .await?
        .into_iter()
        .filter(|a| a.id != agency && !a.info.is_judicial_bureau)
        .map(|a| (a.id.to_string(), a.info.name))
        .collect();
    let mut page = FormPage::new(
        title,
        action,
        vec![
            Field::text("name", "计划名称").required(),
            Field::new("items", "抽查事项（本机关清单）", "checks").required().options(items),
            Field::new("from", "计划开始日期", "date").required(),
            Field::new("to", "计划结束日期", "date").required(),
            Field::text("ratio", "统一抽查比例")
                .hint("留空则按各抽查事项的比例；填写则本计划各事项统一按此比例，如 5%"),
            Field::text("inspectors_per_target", "每个检查对象的检查人员数")
                .required()
                .value("2")
                .hint("不少于2名（P-02）"),
            Field::new("joining_agencies", "联合检查的参与机关（S-04，可不选）", "checks").options(others),
        ],
    );
    page.intro = "计划在公布抽取承诺前可以修改；公布后冻结名录库，不能再改。".into();
    Ok(page)
}

/// The ids chosen in a checkbox list; an id that does not parse is the field's error.
fn chosen_ids(v: &[(String, String)], name: &str, r: &mut Rejection) -> Vec<Uuid> {
    let mut out = Vec::new();
    for x in crate::forms::values(v, name) {
        match x.parse() {
            Ok(id) => out.push(id),
            Err(_) => {
                r.add(name, "所选项目无效，请重新选择");
                break;
            }
        }
    }
    out
}

/// Reads the plan form into a spec, or every field's error.
fn read_spec(v: &[(String, String)], agency: Uuid) -> Result<PlanSpec, Rejection> {
    let mut r = Rejection::new();
    let items = chosen_ids(v, "items", &mut r);
    let from = date_field(&mut r, "from", "计划开始日期", value(v, "from"));
    let to = date_field(&mut r, "to", "计划结束日期", value(v, "to"));
    let ratio = match value(v, "ratio").trim() {
        "" => None,
        text => match Ratio::parse(text) {
            Ok(ratio) => Some(ratio),
            Err(e) => {
                r.add("ratio", e);
                None
            }
        },
    };
    let per = match value(v, "inspectors_per_target").trim().parse::<u32>() {
        Ok(n) if n <= 50 => Some(n),
        _ => {
            r.add("inspectors_per_target", "每个检查对象的检查人员数应为2至50之间的整数");
            None
        }
    };
    let joining = chosen_ids(v, "joining_agencies", &mut r);
    match (from, to, per) {
        (Some(from), Some(to), Some(inspectors_per_target)) if r.is_empty() => Ok(PlanSpec {
            name: value(v, "name").trim().to_string(),
            lead_agency: agency,
            items,
            from,
            to,
            ratio,
            inspectors_per_target,
            joining_agencies: joining,
        }),
        _ => Err(r),
    }
}

/// GET /inspection/plans/new
pub async fn new_form(State(s): State<AppState>, user: CurrentUser) -> Response {
    let form = match kept_agency(&user) {
        Ok(agency) => plan_form(&s, agency, "/inspection/plans", "新建抽查计划").await,
        Err(e) => Err(e),
    };
    match form {
        Ok(f) => render_form(&Nav::for_user(&user), &f),
        Err(e) => page_error(&user, e),
    }
}

/// POST /inspection/plans
pub async fn create(State(s): State<AppState>, user: CurrentUser, body: Bytes) -> Response {
    let v = pairs(&body);
    let agency = match kept_agency(&user) {
        Ok(a) => a,
        Err(e) => return page_error(&user, e),
    };
    let form = match plan_form(&s, agency, "/inspection/plans", "新建抽查计划").await {
        Ok(f) => f,
        Err(e) => return page_error(&user, e),
    };
    let result = match read_spec(&v, agency) {
        Ok(spec) => s.app.create_plan(&user.principal, spec).await,
        Err(r) => Err(r.into()),
    };
    after_submit(&user, result, form, &v, |id| format!("/inspection/plans/{id}"))
}

fn spec_pairs(spec: &PlanSpec) -> Vec<(String, String)> {
    let mut v = vec![
        ("name".to_string(), spec.name.clone()),
        ("from".into(), spec.from.to_string()),
        ("to".into(), spec.to.to_string()),
        ("ratio".into(), spec.ratio.map(|r| r.to_string()).unwrap_or_default()),
        ("inspectors_per_target".into(), spec.inspectors_per_target.to_string()),
    ];
    v.extend(spec.items.iter().map(|i| ("items".to_string(), i.to_string())));
    v.extend(spec.joining_agencies.iter().map(|a| ("joining_agencies".to_string(), a.to_string())));
    v
}

/// The edit form of a plan the user keeps, before its commitment.
async fn edit_form(s: &AppState, user: &CurrentUser, id: Uuid) -> Result<(FormPage, Plan), AppError> {
    let view = s.app.plan(&user.principal, id).await?;
    keeps(user, &view.plan)?;
    if !view.plan.is_editable() {
        return Err(Rejection::one("plan", "抽取承诺已公布，计划不能再修改").into());
    }
    let form =
        plan_form(s, view.plan.spec.lead_agency, &format!("/inspection/plans/{id}/edit"), "修改抽查计划").await?;
    Ok((form, view.plan))
}

/// GET /inspection/plans/{id}/edit
pub async fn edit_page(State(s): State<AppState>, user: CurrentUser, Parsed(id): Parsed<Uuid>) -> Response {
    match edit_form(&s, &user, id).await {
        Ok((form, plan)) => render_form(&Nav::for_user(&user), &form.fill(&spec_pairs(&plan.spec))),
        Err(e) => page_error(&user, e),
    }
}

/// POST /inspection/plans/{id}/edit
pub async fn edit_submit(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed(id): Parsed<Uuid>,
    body: Bytes,
) -> Response {
    let v = pairs(&body);
    let (form, plan) = match edit_form(&s, &user, id).await {
        Ok(f) => f,
        Err(e) => return page_error(&user, e),
    };
    let result = match read_spec(&v, plan.spec.lead_agency) {
        Ok(spec) => s.app.edit_plan(&user.principal, id, spec).await,
        Err(r) => Err(r.into()),
    };
    after_submit(&user, result, form, &v, |_| format!("/inspection/plans/{id}"))
}

/// The lead head's confirmation forms (commit, draw): the plan must be readable and the
/// user its lead agency's head.
async fn head_form(s: &AppState, user: &CurrentUser, id: Uuid) -> Result<Plan, AppError> {
    let view = s.app.plan(&user.principal, id).await?;
    if user.principal.agency_id != Some(view.plan.spec.lead_agency) {
        return Err(AccessError::OtherAgency.into());
    }
    if !is_lead_head(user, &view.plan) {
        return Err(AccessError::Role(user.principal.role.label()).into());
    }
    Ok(view.plan)
}

fn commit_form(id: Uuid) -> FormPage {
    let mut page = FormPage::new("公布抽取承诺", &format!("/inspection/plans/{id}/commit"), vec![]);
    page.intro = "公布承诺时冻结检查对象名录库和执法检查人员名录库，系统生成保密的随机种子并公布其SHA-256承诺值和名录库哈希（S-02）。公布后计划不能修改；名录库不能满足计划时不予公布，并逐项说明原因。".into();
    page.submit = "确认公布承诺".into();
    page
}

/// GET /inspection/plans/{id}/commit
pub async fn commit_new(State(s): State<AppState>, user: CurrentUser, Parsed(id): Parsed<Uuid>) -> Response {
    match head_form(&s, &user, id).await {
        Ok(_) => render_form(&Nav::for_user(&user), &commit_form(id)),
        Err(e) => page_error(&user, e),
    }
}

/// POST /inspection/plans/{id}/commit
pub async fn commit(State(s): State<AppState>, user: CurrentUser, Parsed(id): Parsed<Uuid>, body: Bytes) -> Response {
    let v = pairs(&body);
    let r = s.app.commit_plan(&user.principal, id).await;
    after_submit(&user, r, commit_form(id), &v, |_| format!("/inspection/plans/{id}"))
}

fn draw_form(id: Uuid) -> FormPage {
    let mut page = FormPage::new(
        "现场抽取",
        &format!("/inspection/plans/{id}/draw"),
        vec![Field::text("public_input", "监督人员现场报出的数字").required().hint(
            "由在场的监督人员当场随意报出若干数字，原样录入（不超过200个字符）；抽取结果取决于承诺的种子和这一公开输入",
        )],
    );
    page.intro = "抽取时公开承诺时保密的随机种子，与现场公开输入一起决定抽取结果，任何人都可以重新计算核验（S-02）。同一计划只能抽取一次。".into();
    page.submit = "抽取".into();
    page
}

/// GET /inspection/plans/{id}/draw
pub async fn draw_new(State(s): State<AppState>, user: CurrentUser, Parsed(id): Parsed<Uuid>) -> Response {
    match head_form(&s, &user, id).await {
        Ok(_) => render_form(&Nav::for_user(&user), &draw_form(id)),
        Err(e) => page_error(&user, e),
    }
}

/// POST /inspection/plans/{id}/draw
pub async fn draw(State(s): State<AppState>, user: CurrentUser, Parsed(id): Parsed<Uuid>, body: Bytes) -> Response {
    let v = pairs(&body);
    let input = value(&v, "public_input").trim();
    let r = if input.is_empty() {
        Err(Rejection::one("public_input", "请填写监督人员现场报出的数字").into())
    } else {
        s.app.draw_plan(&user.principal, id, input).await
    };
    after_submit(&user, r, draw_form(id), &v, |_| format!("/inspection/plans/{id}"))
}
