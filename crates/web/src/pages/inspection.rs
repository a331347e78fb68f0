//! 双随机、一公开 inside the application, the list and the pools (S-01): `/inspection` —
//! the agency's random-inspection item list, the sizes of its pools and the plans it leads
//! or joins (every plan for the judicial bureau's supervisors); `/inspection/items/new`;
//! the target pool `/inspection/targets` (first 500 by code, `?q=` a name or code) with its
//! import `/inspection/targets/import` (every bad row listed, nothing stored); the
//! inspector pool `/inspection/inspectors` with its add and remove forms. The plans' pages
//! are in [`super::inspection_plans`].

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::{Multipart, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{Datelike, NaiveDate};
use uuid::Uuid;
use zhifa_app::AppError;
use zhifa_app::import_service::ImportFailure;
use zhifa_core::Rejection;
use zhifa_core::access::{AccessError, Role};
use zhifa_core::inspection::{InspectionItem, Ratio, TargetType};

use crate::AppState;
use crate::forms::{
    Cell, Field, FormPage, MessageTemplate, Nav, Search, Section, TablePage, pairs, render, render_form, render_table,
    value,
};
use crate::pages::{Parsed, after_submit, page_error};
use crate::session::CurrentUser;

/// How many targets the pool's page lists.
const TARGETS_SHOWN: usize = 500;

/// The agency whose list and plans the user keeps: an officer's or head's own (S-01).
pub(crate) fn kept_agency(user: &CurrentUser) -> Result<Uuid, AppError> {
    let p = &user.principal;
    let agency = p.agency_id.ok_or(AccessError::OtherAgency)?;
    match p.role {
        Role::Officer | Role::Head => Ok(agency),
        other => Err(AccessError::Role(other.label()).into()),
    }
}

/// The agency whose list the user reads: its own staff's.
fn read_agency(user: &CurrentUser) -> Result<Uuid, AppError> {
    Ok(user.principal.agency_id.ok_or(AccessError::OtherAgency)?)
}

/// A plan's status as the pages name it.
pub(crate) fn status_label(status: &str) -> &'static str {
    match status {
        "drafted" => "草拟",
        "committed" => "已公布承诺",
        "drawn" => "已抽取",
        _ => "其他",
    }
}

/// The certificate numbers valid on `on` of each officer of an agency, and their names.
pub(crate) async fn officer_names(
    s: &AppState,
    agency: Uuid,
    on: NaiveDate,
) -> Result<BTreeMap<Uuid, (String, Vec<String>)>, AppError> {
    let mut out: BTreeMap<Uuid, (String, Vec<String>)> = BTreeMap::new();
    for o in s.app.db.officers(agency).await? {
        out.insert(o.id, (o.name, vec![]));
    }
    for c in s.app.db.certificates_of_agency(agency).await? {
        if c.revoked_on.is_none()
            && c.issued_on <= on
            && on <= c.expires_on
            && let Some((_, numbers)) = out.get_mut(&c.officer_id)
        {
            numbers.push(c.number);
        }
    }
    Ok(out)
}

fn certificates_text(numbers: &[String]) -> String {
    if numbers.is_empty() { "无有效执法证".into() } else { numbers.join("、") }
}

/// GET /inspection
pub async fn overview(State(s): State<AppState>, user: CurrentUser) -> Response {
    let p = &user.principal;
    let plans = match s.app.inspection_plans(p).await {
        Ok(rows) => rows,
        Err(e) => return page_error(&user, e),
    };
    let supervisor = p.role == Role::Supervisor || p.is_platform_admin();
    let keeper = kept_agency(&user).ok();
    let mut page = TablePage { title: "双随机抽查".into(), ..Default::default() };
    if !supervisor {
        let agency = match read_agency(&user) {
            Ok(a) => a,
            Err(e) => return page_error(&user, e),
        };
        let list = match s.app.random_list(p, agency).await {
            Ok(l) => l,
            Err(e) => return page_error(&user, e),
        };
        let mut items = Section::new(
            "抽查事项清单（S-01）",
            &if keeper.is_some() {
                vec![
                    "检查主体",
                    "抽查事项",
                    "抽查对象类型",
                    "依据",
                    "检查内容",
                    "检查方式",
                    "抽查比例",
                    "抽查频次",
                    "操作",
                ]
            } else {
                vec!["检查主体", "抽查事项", "抽查对象类型", "依据", "检查内容", "检查方式", "抽查比例", "抽查频次"]
            },
        );
        for i in &list.items {
            items.rows.push(vec![
                i.subject.clone().into(),
                if keeper.is_some() {
                    Cell::link(&i.name, format!("/inspection/items/{}/edit", i.id))
                } else {
                    i.name.clone().into()
                },
                i.target_type.label().into(),
                i.basis.clone().into(),
                i.content.clone().into(),
                i.method.clone().into(),
                i.ratio.to_string().into(),
                i.frequency.clone().into(),
            ]);
            if keeper.is_some()
                && let Some(row) = items.rows.last_mut()
            {
                row.push(Cell::link("移出清单", format!("/inspection/items/{}/remove", i.id)));
            }
        }
        let mut targets = Section::new("检查对象名录库", &["对象类型", "数量"]);
        for t in TargetType::ALL {
            let n = list.targets.values().filter(|x| x.target_type == t).count();
            targets.rows.push(vec![t.label().into(), n.to_string().into()]);
        }
        targets.rows.push(vec!["合计".into(), list.targets.len().to_string().into()]);
        targets.actions.push(("/inspection/targets".into(), "查看名录".into()));
        let today = zhifa_app::cases::beijing_now().date();
        let names = match officer_names(&s, agency, today).await {
            Ok(n) => n,
            Err(e) => return page_error(&user, e),
        };
        let mut inspectors = Section::new("执法检查人员名录库", &["姓名", "执法证号"]);
        for o in &list.inspectors {
            let (name, numbers) = names.get(o).cloned().unwrap_or_else(|| (o.to_string(), vec![]));
            inspectors.rows.push(vec![name.into(), certificates_text(&numbers).into()]);
        }
        inspectors.actions.push(("/inspection/inspectors".into(), "管理检查人员".into()));
        if keeper.is_some() {
            items.actions.push(("/inspection/items/new".into(), "增加抽查事项".into()));
            targets.actions.push(("/inspection/targets/import".into(), "导入检查对象".into()));
        }
        page.sections.extend([items, targets, inspectors]);
        // S-04: this year's share of joint tasks against the profile's minimum.
        let year = today.year();
        match s.app.joint_inspection_share(p, agency, year).await {
            Ok((share, min)) => {
                let mut joint = Section::new(
                    &format!("{year}年跨部门联合抽查占比（S-04）"),
                    &["抽查任务", "联合抽查任务", "占比", "要求"],
                );
                let met = share.total > 0 && share.joint * 100 >= min as usize * share.total;
                let pct = Cell::from(format!("{}%", share.percent));
                joint.rows.push(vec![
                    share.total.to_string().into(),
                    share.joint.to_string().into(),
                    if met { pct } else { pct.tagged("bad", "未达到") },
                    format!("不低于{min}%").into(),
                ]);
                page.sections.push(joint);
            }
            Err(e) => return page_error(&user, e),
        }
    }
    let mut headers = vec!["计划名称", "状态", "计划期间", "联合检查", "任务数", "已登记结果"];
    if supervisor {
        headers.insert(0, "牵头机关");
    }
    let mut section =
        Section::new(if supervisor { "各机关的抽查计划" } else { "本机关牵头或参与的抽查计划" }, &headers);
    let mut agency_names: BTreeMap<Uuid, String> = BTreeMap::new();
    for r in &plans {
        let mut row: Vec<Cell> = vec![
            Cell::link(&r.name, format!("/inspection/plans/{}", r.id)),
            status_label(&r.status).into(),
            format!("{} 至 {}", r.from, r.to).into(),
            if r.joint { "是" } else { "否" }.into(),
            r.tasks.to_string().into(),
            r.results.to_string().into(),
        ];
        if supervisor {
            row.insert(0, cached_agency_name(&s, &mut agency_names, r.agency_id).await.into());
        }
        section.rows.push(row);
    }
    if keeper.is_some() {
        section.actions.push(("/inspection/plans/new".into(), "新建抽查计划".into()));
    }
    page.sections.push(section);
    page.notice = Some(
        "随机抽取检查对象、随机选派执法检查人员，抽查情况及查处结果及时向社会公开。抽取前公布随机种子的承诺值，抽取后公开种子，任何人可重新计算核验。"
            .into(),
    );
    render_table(&Nav::for_user(&user), &page)
}

fn item_form(subject: &str) -> FormPage {
    let types = TargetType::ALL.iter().map(|t| (t.as_str().to_string(), t.label().to_string())).collect();
    let mut page = FormPage::new(
        "增加抽查事项",
        "/inspection/items",
        vec![
            Field::text("item.subject", "检查主体").required().value(subject),
            Field::text("item.name", "抽查事项").required(),
            Field::new("item.target_type", "抽查对象类型", "select").required().options(types),
            Field::new("item.basis", "抽查依据", "textarea").required(),
            Field::new("item.content", "检查内容", "textarea").required(),
            Field::text("item.method", "检查方式").required().hint("例如 现场检查、书面检查"),
            Field::text("item.ratio", "抽查比例").required().hint("百分比，例如 5% 或 0.5%（最多两位小数）"),
            Field::text("item.frequency", "抽查频次").required().hint("例如 每年1次"),
        ],
    );
    page.intro =
        "抽查事项清单载明检查主体、抽查事项、对象类型、依据、检查内容、方式、比例和频次；每次改动都有记录（S-01）。"
            .into();
    page
}

async fn agency_name(s: &AppState, agency: Uuid) -> String {
    s.app.db.agency(agency).await.ok().flatten().map(|a| a.info.name).unwrap_or_default()
}

/// An agency's name, read once per page.
pub(crate) async fn cached_agency_name(s: &AppState, names: &mut BTreeMap<Uuid, String>, agency: Uuid) -> String {
    if let Some(name) = names.get(&agency) {
        return name.clone();
    }
    let name = agency_name(s, agency).await;
    names.insert(agency, name.clone());
    name
}

/// GET /inspection/items/new
pub async fn item_new(State(s): State<AppState>, user: CurrentUser) -> Response {
    match kept_agency(&user) {
        Ok(agency) => render_form(&Nav::for_user(&user), &item_form(&agency_name(&s, agency).await)),
        Err(e) => page_error(&user, e),
    }
}

/// The item a form describes, or every field's error.
fn read_item(v: &[(String, String)], id: Uuid) -> Result<InspectionItem, Rejection> {
    let mut r = Rejection::new();
    let target_type = TargetType::parse(value(v, "item.target_type"));
    if target_type.is_none() {
        r.add("item.target_type", "请选择抽查对象类型");
    }
    let ratio = match Ratio::parse(value(v, "item.ratio")) {
        Ok(ratio) => Some(ratio),
        Err(e) => {
            r.add("item.ratio", e);
            None
        }
    };
    let (Some(target_type), Some(ratio), true) = (target_type, ratio, r.is_empty()) else { return Err(r) };
    let get = |k: &str| value(v, k).trim().to_string();
    Ok(InspectionItem {
        id,
        subject: get("item.subject"),
        name: get("item.name"),
        target_type,
        basis: get("item.basis"),
        content: get("item.content"),
        method: get("item.method"),
        ratio,
        frequency: get("item.frequency"),
    })
}

/// POST /inspection/items
pub async fn item_create(State(s): State<AppState>, user: CurrentUser, body: Bytes) -> Response {
    let v = pairs(&body);
    let agency = match kept_agency(&user) {
        Ok(a) => a,
        Err(e) => return page_error(&user, e),
    };
    let item = match read_item(&v, Uuid::new_v4()) {
        Ok(item) => item,
        Err(r) => return render_form(&Nav::for_user(&user), &item_form("").fill(&v).with_errors(&r)),
    };
    let result = s.app.add_inspection_item(&user.principal, agency, item).await;
    after_submit(&user, result, item_form(""), &v, |_| "/inspection".into())
}

/// The change form of an item: the add form, filled with the item, posted to its address.
fn item_edit_form(item: &InspectionItem) -> FormPage {
    let mut form = item_form(&item.subject);
    form.title = "修改抽查事项".into();
    form.action = format!("/inspection/items/{}/edit", item.id);
    let values: Vec<(String, String)> = [
        ("item.subject", item.subject.clone()),
        ("item.name", item.name.clone()),
        ("item.target_type", item.target_type.as_str().to_string()),
        ("item.basis", item.basis.clone()),
        ("item.content", item.content.clone()),
        ("item.method", item.method.clone()),
        ("item.ratio", item.ratio.to_string()),
        ("item.frequency", item.frequency.clone()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    form.fill(&values)
}

/// GET /inspection/items/{id}/edit
pub async fn item_edit(State(s): State<AppState>, user: CurrentUser, Parsed(id): Parsed<Uuid>) -> Response {
    match own_item(&s, &user, id).await {
        Ok(item) => render_form(&Nav::for_user(&user), &item_edit_form(&item)),
        Err(e) => page_error(&user, e),
    }
}

/// Item `id` of the list the user keeps, for the pages that change it; another agency's
/// item is not found there.
async fn own_item(s: &AppState, user: &CurrentUser, id: Uuid) -> Result<InspectionItem, AppError> {
    let agency = kept_agency(user)?;
    let list = s.app.random_list(&user.principal, agency).await?;
    list.item(id).cloned().ok_or(AppError::NotFound("抽查事项"))
}

/// POST /inspection/items/{id}/edit: the change is an event like any other (S-01).
pub async fn item_change(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed(id): Parsed<Uuid>,
    body: Bytes,
) -> Response {
    let v = pairs(&body);
    let agency = match kept_agency(&user) {
        Ok(a) => a,
        Err(e) => return page_error(&user, e),
    };
    let mut form = item_form("");
    form.title = "修改抽查事项".into();
    form.action = format!("/inspection/items/{id}/edit");
    let item = match read_item(&v, id) {
        Ok(item) => item,
        Err(r) => return render_form(&Nav::for_user(&user), &form.fill(&v).with_errors(&r)),
    };
    let result = s.app.change_inspection_item(&user.principal, agency, item).await;
    after_submit(&user, result, form, &v, |_| "/inspection".into())
}

/// The pairs of a query string, read by hand so that no input gets a framework's 400.
pub(crate) fn query_pairs(q: &Option<String>) -> Vec<(String, String)> {
    q.as_deref().map(|q| pairs(q.as_bytes())).unwrap_or_default()
}

/// GET /inspection/targets[?q=]
pub async fn targets(State(s): State<AppState>, user: CurrentUser, RawQuery(q): RawQuery) -> Response {
    let list = match read_agency(&user) {
        Ok(agency) => s.app.random_list(&user.principal, agency).await,
        Err(e) => Err(e),
    };
    let list = match list {
        Ok(l) => l,
        Err(e) => return page_error(&user, e),
    };
    let q = value(&query_pairs(&q), "q").trim().to_string();
    let upper = q.to_uppercase();
    let matching: Vec<_> =
        list.targets.values().filter(|t| q.is_empty() || t.name.contains(&q) || t.key().contains(&upper)).collect();
    let mut section = Section::new("检查对象", &["统一社会信用代码", "名称", "对象类型", "地址", "所属区域", "行业"]);
    for t in matching.iter().take(TARGETS_SHOWN) {
        let keeps = kept_agency(&user).is_ok();
        section.rows.push(vec![
            if keeps {
                Cell::link(t.key(), format!("/inspection/targets/{}/remove", t.key()))
            } else {
                t.key().to_string().into()
            },
            t.name.clone().into(),
            t.target_type.label().into(),
            t.address.clone().into(),
            t.area.clone().into(),
            t.industry.clone().unwrap_or_default().into(),
        ]);
    }
    let shown = matching.len().min(TARGETS_SHOWN);
    let mut notice = format!("名录库共有检查对象{}个", list.targets.len());
    if !q.is_empty() {
        notice.push_str(&format!("，名称或代码含“{q}”的{}个", matching.len()));
    }
    notice.push_str(&format!("；按统一社会信用代码排序，显示前{shown}个。"));
    let mut actions = vec![("/inspection".into(), "返回双随机抽查".into())];
    if kept_agency(&user).is_ok() {
        actions.push(("/inspection/targets/import".into(), "导入检查对象".into()));
    }
    let page = TablePage {
        title: "检查对象名录库".into(),
        notice: Some(notice),
        actions,
        sections: vec![section],
        search: Some(Search {
            action: "/inspection/targets".into(),
            name: "q".into(),
            label: "名称或统一社会信用代码".into(),
            value: q,
        }),
        ..Default::default()
    };
    render_table(&Nav::for_user(&user), &page)
}

fn import_form() -> FormPage {
    let mut page = FormPage::new(
        "导入检查对象",
        "/inspection/targets/import",
        vec![Field::new("file", "文件（.xlsx 或 .csv）", "file").required()],
    );
    page.multipart = true;
    page.submit = "导入".into();
    page.intro = "第一行为表头，列：统一社会信用代码、名称、对象类型（企业、个体工商户、机构场所、社会组织、其他）、地址、区域，可加行业。任何一行有错误时，整个文件都不会导入。".into();
    page
}

/// GET /inspection/targets/import
pub async fn import_page(user: CurrentUser) -> Response {
    match kept_agency(&user) {
        Ok(_) => render_form(&Nav::for_user(&user), &import_form()),
        Err(e) => page_error(&user, e),
    }
}

/// POST /inspection/targets/import (multipart): every row or none (S-01).
pub async fn import_submit(State(s): State<AppState>, user: CurrentUser, mut multipart: Multipart) -> Response {
    let nav = Nav::for_user(&user);
    let agency = match kept_agency(&user) {
        Ok(a) => a,
        Err(e) => return page_error(&user, e),
    };
    let refuse = |message: String| render_form(&nav, &import_form().with_errors(&Rejection::one("file", message)));
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or("").to_string();
                let file_name = field.file_name().unwrap_or("").to_string();
                match field.bytes().await {
                    Ok(bytes) if name == "file" && !file_name.is_empty() => file = Some((file_name, bytes.to_vec())),
                    Ok(_) => {}
                    Err(_) => {
                        let mb = s.config.max_upload_bytes / 1024 / 1024;
                        return refuse(format!("文件过大或上传中断：单个文件不超过{mb}MB"));
                    }
                }
            }
            Ok(None) => break,
            Err(_) => return refuse("上传内容无法读取，请重新选择文件".into()),
        }
    }
    let Some((file_name, bytes)) = file else {
        return refuse("请选择要导入的文件".into());
    };
    match s.app.import_targets(&user.principal, agency, &file_name, &bytes).await {
        Ok(n) => render(
            StatusCode::OK,
            MessageTemplate {
                nav: &nav,
                title: "导入完成",
                class: "notice",
                message: &format!("已导入检查对象{n}个。"),
                rows: vec![],
                back: "/inspection/targets",
            },
        ),
        Err(ImportFailure::Rows(errors)) => render(
            StatusCode::UNPROCESSABLE_ENTITY,
            MessageTemplate {
                nav: &nav,
                title: "导入未完成",
                class: "alert",
                message: &format!(
                    "文件中有{}处错误，未导入任何检查对象。请在Excel中改正下列各行后重新导入：",
                    errors.len()
                ),
                rows: errors.iter().map(|e| e.to_string()).collect(),
                back: "/inspection/targets/import",
            },
        ),
        Err(ImportFailure::App(AppError::Rejected(r))) => render_form(&nav, &import_form().with_errors(&r)),
        Err(ImportFailure::App(e)) => page_error(&user, e),
    }
}

/// GET /inspection/inspectors
pub async fn inspectors(State(s): State<AppState>, user: CurrentUser) -> Response {
    let agency = match read_agency(&user) {
        Ok(a) => a,
        Err(e) => return page_error(&user, e),
    };
    let list = match s.app.random_list(&user.principal, agency).await {
        Ok(l) => l,
        Err(e) => return page_error(&user, e),
    };
    let today = zhifa_app::cases::beijing_now().date();
    let names = match officer_names(&s, agency, today).await {
        Ok(n) => n,
        Err(e) => return page_error(&user, e),
    };
    let keeper = kept_agency(&user).is_ok();
    let mut section = Section::new("执法检查人员名录库", &["姓名", "有效执法证号", "操作"]);
    for o in &list.inspectors {
        let (name, numbers) = names.get(o).cloned().unwrap_or_else(|| (o.to_string(), vec![]));
        let remove = if keeper {
            Cell::link("移出名录库", format!("/inspection/inspectors/{o}/remove"))
        } else {
            "".into()
        };
        section.rows.push(vec![name.into(), certificates_text(&numbers).into(), remove]);
    }
    if keeper {
        section.actions.push(("/inspection/inspectors/new".into(), "加入检查人员".into()));
    }
    let page = TablePage {
        title: "执法检查人员名录库".into(),
        notice: Some("只有持有效执法证的执法人员可以进入名录库（P-01）；抽取时每个检查对象至少随机选派两名（P-02），与检查对象有利害关系的回避（N-06）。".into()),
        actions: vec![("/inspection".into(), "返回双随机抽查".into())],
        sections: vec![section],
        ..Default::default()
    };
    render_table(&Nav::for_user(&user), &page)
}

async fn inspector_form(s: &AppState, agency: Uuid) -> Result<FormPage, AppError> {
    let list = s.app.db.load_random_list(agency).await?.0;
    let today = zhifa_app::cases::beijing_now().date();
    let options = officer_names(s, agency, today)
        .await?
        .into_iter()
        .filter(|(id, _)| !list.inspectors.contains(id))
        .map(|(id, (name, numbers))| (id.to_string(), format!("{name}（{}）", certificates_text(&numbers))))
        .collect();
    let mut page = FormPage::new(
        "加入执法检查人员",
        "/inspection/inspectors",
        vec![Field::new("officer_id", "执法人员", "select").required().options(options)],
    );
    page.intro = "只能加入本机关持有效执法证的执法人员（P-01）。".into();
    page.submit = "加入名录库".into();
    Ok(page)
}

/// GET /inspection/inspectors/new
pub async fn inspector_new(State(s): State<AppState>, user: CurrentUser) -> Response {
    let form = match kept_agency(&user) {
        Ok(agency) => inspector_form(&s, agency).await,
        Err(e) => Err(e),
    };
    match form {
        Ok(f) => render_form(&Nav::for_user(&user), &f),
        Err(e) => page_error(&user, e),
    }
}

/// POST /inspection/inspectors
pub async fn inspector_add(State(s): State<AppState>, user: CurrentUser, body: Bytes) -> Response {
    let v = pairs(&body);
    let agency = match kept_agency(&user) {
        Ok(a) => a,
        Err(e) => return page_error(&user, e),
    };
    let form = match inspector_form(&s, agency).await {
        Ok(f) => f,
        Err(e) => return page_error(&user, e),
    };
    let result = match value(&v, "officer_id").trim().parse::<Uuid>() {
        Ok(officer) => s.app.add_inspector(&user.principal, agency, officer).await,
        Err(_) => Err(Rejection::one("officer_id", "请选择执法人员").into()),
    };
    // The service names the field `officer` when the officer is not the agency's.
    let result = result.map_err(|e| match e {
        AppError::Rejected(mut r) => {
            for e in &mut r.errors {
                if e.field == "officer" {
                    e.field = "officer_id".into();
                }
            }
            AppError::Rejected(r)
        }
        e => e,
    });
    after_submit(&user, result, form, &v, |_| "/inspection/inspectors".into())
}

fn remove_form(officer: Uuid, name: &str) -> FormPage {
    let mut page = FormPage::new(
        &format!("将{name}移出执法检查人员名录库"),
        &format!("/inspection/inspectors/{officer}/remove"),
        vec![Field::new("reason", "移出理由", "textarea").required().hint("例如 调离执法岗位、执法证注销")],
    );
    page.submit = "确认移出".into();
    page
}

async fn officer_name(s: &AppState, agency: Uuid, officer: Uuid) -> Result<String, AppError> {
    let list = s.app.db.load_random_list(agency).await?.0;
    if !list.inspectors.contains(&officer) {
        return Err(AppError::NotFound("名录库中的检查人员"));
    }
    let today = zhifa_app::cases::beijing_now().date();
    Ok(officer_names(s, agency, today).await?.remove(&officer).map(|(n, _)| n).unwrap_or_default())
}

/// GET /inspection/inspectors/{officer}/remove
pub async fn remove_new(State(s): State<AppState>, user: CurrentUser, Parsed(officer): Parsed<Uuid>) -> Response {
    let name = match kept_agency(&user) {
        Ok(agency) => officer_name(&s, agency, officer).await,
        Err(e) => Err(e),
    };
    match name {
        Ok(name) => render_form(&Nav::for_user(&user), &remove_form(officer, &name)),
        Err(e) => page_error(&user, e),
    }
}

/// POST /inspection/inspectors/{officer}/remove
pub async fn remove(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed(officer): Parsed<Uuid>,
    body: Bytes,
) -> Response {
    let v = pairs(&body);
    let agency = match kept_agency(&user) {
        Ok(a) => a,
        Err(e) => return page_error(&user, e),
    };
    let reason = value(&v, "reason").trim();
    let result = if reason.is_empty() {
        Err(Rejection::one("reason", "请填写移出理由").into())
    } else {
        s.app.remove_inspector(&user.principal, agency, officer, reason).await
    };
    let name = officer_name(&s, agency, officer).await.unwrap_or_default();
    after_submit(&user, result, remove_form(officer, &name), &v, |_| "/inspection/inspectors".into())
}

/// The confirmation of taking something off the list or out of the pool: the reason is
/// required and kept with the removal (S-01).
fn removal_form(title: &str, action: String, hint: &str, intro: String) -> FormPage {
    let mut page =
        FormPage::new(title, &action, vec![Field::new("reason", "移出原因", "textarea").required().hint(hint)]);
    page.intro = intro;
    page.submit = "确认移出".into();
    page
}

fn remove_target_form(key: &str, name: &str) -> FormPage {
    removal_form(
        "移出检查对象名录库",
        format!("/inspection/targets/{key}/remove"),
        "例如 已注销、已迁出本辖区",
        format!("将{name}（{key}）移出检查对象名录库；移出记录和原因永久保留（S-01）。"),
    )
}

/// GET /inspection/targets/{key}/remove
pub async fn remove_target_new(State(s): State<AppState>, user: CurrentUser, Parsed(key): Parsed<String>) -> Response {
    let agency = match kept_agency(&user) {
        Ok(a) => a,
        Err(e) => return page_error(&user, e),
    };
    match s.app.random_list(&user.principal, agency).await {
        Ok(list) => match list.targets.get(&key) {
            Some(t) => render_form(&Nav::for_user(&user), &remove_target_form(&key, &t.name)),
            None => page_error(&user, AppError::NotFound("检查对象")),
        },
        Err(e) => page_error(&user, e),
    }
}

/// POST /inspection/targets/{key}/remove
pub async fn remove_target(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed(key): Parsed<String>,
    body: Bytes,
) -> Response {
    let v = pairs(&body);
    let agency = match kept_agency(&user) {
        Ok(a) => a,
        Err(e) => return page_error(&user, e),
    };
    let result = s.app.remove_target(&user.principal, agency, &key, value(&v, "reason")).await;
    after_submit(&user, result, remove_target_form(&key, ""), &v, |_| "/inspection/targets".into())
}

fn remove_item_form(id: Uuid, name: &str) -> FormPage {
    removal_form(
        "移出抽查事项清单",
        format!("/inspection/items/{id}/remove"),
        "例如 法律修改，该事项不再列入随机抽查",
        format!("将抽查事项“{name}”移出清单；已公布承诺的计划保留其冻结的事项，移出记录和原因永久保留（S-01）。"),
    )
}

/// GET /inspection/items/{id}/remove
pub async fn remove_item_new(State(s): State<AppState>, user: CurrentUser, Parsed(id): Parsed<Uuid>) -> Response {
    match own_item(&s, &user, id).await {
        Ok(item) => render_form(&Nav::for_user(&user), &remove_item_form(id, &item.name)),
        Err(e) => page_error(&user, e),
    }
}

/// POST /inspection/items/{id}/remove
pub async fn remove_item(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed(id): Parsed<Uuid>,
    body: Bytes,
) -> Response {
    let v = pairs(&body);
    let agency = match kept_agency(&user) {
        Ok(a) => a,
        Err(e) => return page_error(&user, e),
    };
    let result = s.app.remove_inspection_item(&user.principal, agency, id, value(&v, "reason")).await;
    after_submit(&user, result, remove_item_form(id, ""), &v, |_| "/inspection".into())
}
