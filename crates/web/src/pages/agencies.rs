//! /agencies: the register of enforcement subjects, their units, lists and imports.

use axum::body::Bytes;
use axum::extract::{Multipart, State};
use axum::response::Response;
use uuid::Uuid;
use zhifa_core::Rejection;
use zhifa_core::registry::{ActKind, AgencyInfo, EnforcementItem, SupervisionContacts, UnitKind};

use crate::AppState;
use crate::forms::{
    Cell, Field, FormPage, MessageTemplate, Nav, Section, TablePage, pairs, render, render_form, render_table, value,
};
use crate::pages::{Parsed, admin_form, after_submit, page_error};
use crate::session::CurrentUser;

pub async fn list(State(s): State<AppState>, user: CurrentUser) -> Response {
    let agencies = match s.app.agencies_for(&user.principal).await {
        Ok(a) => a,
        Err(e) => return page_error(&user, e),
    };
    let mut section = Section::new("执法主体清单", &["名称", "管辖区域", "法定代表人", "策略配置"]);
    for a in agencies {
        let mut name = Cell::link(a.info.name.clone(), format!("/agencies/{}", a.id));
        if a.info.is_judicial_bureau {
            name = name.tagged("ok", "司法局");
        }
        section.rows.push(vec![
            name,
            a.info.jurisdiction.into(),
            a.info.legal_representative.into(),
            a.profile_id.into(),
        ]);
    }
    let mut page = TablePage { title: "执法主体".into(), sections: vec![section], ..Default::default() };
    if user.principal.is_platform_admin() {
        page.actions.push(("/agencies/new".into(), "登记执法主体".into()));
    }
    render_table(&Nav::for_user(&user), &page)
}

async fn agency_form(s: &AppState) -> FormPage {
    let profiles = s.app.db.profiles().await.unwrap_or_default();
    let mut ids: Vec<(String, String)> =
        profiles.iter().map(|p| (p.id.clone(), format!("{}（{}）", p.name, p.id))).collect();
    ids.dedup_by(|a, b| a.0 == b.0);
    let bureaus: Vec<(String, String)> = std::iter::once((String::new(), "（无）".to_string()))
        .chain(
            s.app
                .db
                .agencies()
                .await
                .unwrap_or_default()
                .into_iter()
                .filter(|a| a.info.is_judicial_bureau)
                .map(|a| (a.id.to_string(), a.info.name)),
        )
        .collect();
    FormPage::new(
        "登记执法主体",
        "/agencies",
        vec![
            Field::text("name", "机关名称").required(),
            Field::text("short_name", "机关简称").required().hint("用于执法文书编号，例如 安市监"),
            Field::text("uscc", "统一社会信用代码"),
            Field::new("uscc_confirmed", "统一社会信用代码校验位不符时，确认证照上的号码无误", "checkbox"),
            Field::new("duties", "法定职责", "textarea").required(),
            Field::text("jurisdiction", "管辖区域").required(),
            Field::text("legal_representative", "法定代表人").required(),
            Field::text("address", "办公地址").required(),
            Field::text("phone", "联系电话"),
            Field::text("supervision.unit", "投诉监督受理单位"),
            Field::text("supervision.phone", "监督电话"),
            Field::text("supervision.address", "监督通信地址"),
            Field::text("supervision.postcode", "邮政编码"),
            Field::text("supervision.email", "电子邮箱"),
            Field::new("supervising_bureau", "监督机关（司法局）", "select").options(bureaus),
            Field::new("is_judicial_bureau", "本机关是司法局（负责执法监督）", "checkbox"),
            Field::new("profile_id", "策略配置", "select").required().options(ids),
        ],
    )
}

pub async fn new_form(State(s): State<AppState>, user: CurrentUser) -> Response {
    render_form(&Nav::for_user(&user), &agency_form(&s).await)
}

fn info_from(v: &[(String, String)]) -> AgencyInfo {
    let get = |k| value(v, k).trim().to_string();
    AgencyInfo {
        name: get("name"),
        short_name: get("short_name"),
        uscc: Some(get("uscc")).filter(|u| !u.is_empty()),
        duties: get("duties"),
        jurisdiction: get("jurisdiction"),
        legal_representative: get("legal_representative"),
        address: get("address"),
        phone: get("phone"),
        supervision: SupervisionContacts {
            unit: get("supervision.unit"),
            phone: get("supervision.phone"),
            address: get("supervision.address"),
            postcode: get("supervision.postcode"),
            email: get("supervision.email"),
        },
        supervising_bureau: get("supervising_bureau").parse().ok(),
        is_judicial_bureau: get("is_judicial_bureau") == "1",
    }
}

pub async fn create(State(s): State<AppState>, user: CurrentUser, body: Bytes) -> Response {
    let v = pairs(&body);
    let confirmed = value(&v, "uscc_confirmed") == "1";
    let result = s.app.register_agency(&user.principal, info_from(&v), value(&v, "profile_id"), confirmed).await;
    after_submit(&user, result, agency_form(&s).await, &v, |id| format!("/agencies/{id}"))
}

/// The values of an agency as form pairs, to pre-fill the edit form.
fn info_pairs(a: &zhifa_store::queries::AgencyRow) -> Vec<(String, String)> {
    let i = &a.info;
    [
        ("name", i.name.clone()),
        ("short_name", i.short_name.clone()),
        ("uscc", i.uscc.clone().unwrap_or_default()),
        ("duties", i.duties.clone()),
        ("jurisdiction", i.jurisdiction.clone()),
        ("legal_representative", i.legal_representative.clone()),
        ("address", i.address.clone()),
        ("phone", i.phone.clone()),
        ("supervision.unit", i.supervision.unit.clone()),
        ("supervision.phone", i.supervision.phone.clone()),
        ("supervision.address", i.supervision.address.clone()),
        ("supervision.postcode", i.supervision.postcode.clone()),
        ("supervision.email", i.supervision.email.clone()),
        ("supervising_bureau", i.supervising_bureau.map(|b| b.to_string()).unwrap_or_default()),
        ("profile_id", a.profile_id.clone()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

async fn edit_form(s: &AppState, user: &CurrentUser, id: Uuid) -> FormPage {
    let mut page = agency_form(s).await;
    page.title = "修改执法主体信息".into();
    page.action = format!("/agencies/{id}/edit");
    page.fields
        .retain(|f| f.name != "is_judicial_bureau" && (f.name != "profile_id" || user.principal.is_platform_admin()));
    page
}

pub async fn edit_page(State(s): State<AppState>, user: CurrentUser, Parsed(id): Parsed<Uuid>) -> Response {
    if let Err(e) = user.principal.can_administer_agency(id) {
        return page_error(&user, e.into());
    }
    match s.app.agency_for(&user.principal, id).await {
        Ok(a) => render_form(&Nav::for_user(&user), &edit_form(&s, &user, id).await.fill(&info_pairs(&a))),
        Err(e) => page_error(&user, e),
    }
}

pub async fn edit_submit(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed(id): Parsed<Uuid>,
    body: Bytes,
) -> Response {
    let v = pairs(&body);
    let confirmed = value(&v, "uscc_confirmed") == "1";
    let mut result = s.app.update_agency(&user.principal, id, info_from(&v), confirmed).await;
    let profile = value(&v, "profile_id");
    if result.is_ok() && user.principal.is_platform_admin() && !profile.is_empty() {
        let current = s.app.agency_for(&user.principal, id).await.map(|a| a.profile_id);
        if current.as_deref().is_ok_and(|c| c != profile) {
            result = s.app.bind_profile(&user.principal, id, profile).await;
        }
    }
    after_submit(&user, result, edit_form(&s, &user, id).await, &v, |_| format!("/agencies/{id}"))
}

pub async fn show(State(s): State<AppState>, user: CurrentUser, Parsed(id): Parsed<Uuid>) -> Response {
    let a = match s.app.agency_for(&user.principal, id).await {
        Ok(a) => a,
        Err(e) => return page_error(&user, e),
    };
    let db = &s.app.db;
    let (units, officers, certs, items, basis) = match (
        db.units(id).await,
        db.officers(id).await,
        db.certificates_of_agency(id).await,
        db.items(id).await,
        db.basis_entries(id).await,
    ) {
        (Ok(u), Ok(o), Ok(c), Ok(i), Ok(b)) => (u, o, c, i, b),
        _ => return page_error(&user, zhifa_app::AppError::NotFound("执法机关数据")),
    };
    let today = chrono::Local::now().date_naive();
    let info = &a.info;
    let mut page = TablePage {
        title: info.name.clone(),
        info: vec![
            ("简称".into(), info.short_name.clone()),
            ("统一社会信用代码".into(), info.uscc.clone().unwrap_or_default()),
            ("法定职责".into(), info.duties.clone()),
            ("管辖区域".into(), info.jurisdiction.clone()),
            ("法定代表人".into(), info.legal_representative.clone()),
            ("地址".into(), info.address.clone()),
            ("电话".into(), info.phone.clone()),
            (
                "监督渠道".into(),
                format!(
                    "{} 电话{} {} {} {}",
                    info.supervision.unit,
                    info.supervision.phone,
                    info.supervision.address,
                    info.supervision.postcode,
                    info.supervision.email
                ),
            ),
            ("策略配置".into(), a.profile_id.clone()),
        ],
        ..Default::default()
    };
    let admin = user.principal.can_administer_agency(id).is_ok();
    if admin {
        page.actions.push((format!("/agencies/{id}/edit"), "修改机关信息".into()));
    }
    page.actions.push((format!("/agencies/{id}/av-items"), "音像记录事项清单".into()));
    page.actions.push((format!("/agencies/{id}/form-books"), "当场处罚决定书".into()));
    page.actions.push((format!("/agencies/{id}/benchmarks"), "裁量基准".into()));
    page.actions.push((format!("/agencies/{id}/review-catalogue"), "重大执法决定法制审核目录".into()));
    page.actions.push((format!("/agencies/{id}/predisclosure"), "事前公开审核".into()));
    if let Ok(st) = s.app.predisclosure_status(&user.principal, id).await {
        page.info.extend(crate::pages::predisclosure::late_summary(&st));
    }
    if info.is_judicial_bureau {
        page.actions.push(("/supervision/predisclosure".into(), "事前公开与年度统计监督".into()));
    }
    // L-07: the legal reviewers against max(2, 5% of the officers).
    if !info.is_judicial_bureau
        && let Ok(staffing) = s.app.review_staffing(&user.principal, id).await
    {
        page.info.push(("法制审核人员配备（L-07）".into(), staffing.describe()));
    }
    let mut us = Section::new("内设机构", &["名称", "类别", "职责"]);
    for u in &units {
        us.rows.push(vec![u.name.clone().into(), u.kind.label().into(), u.duties.clone().into()]);
    }
    let mut os = Section::new("人员", &["姓名", "类别", "内设机构", "职务", "执法证"]);
    for o in &officers {
        let mut name = Cell::link(o.name.clone(), format!("/officers/{}", o.id));
        if let Some(left) = o.left_on {
            name = name.tagged("bad", &format!("{left}离岗"));
        }
        let cert = certs.iter().find(|c| c.officer_id == o.id);
        let cert_cell = match cert {
            None => Cell::from("—"),
            Some(c) => {
                let (class, label) = cert_status(c, today);
                Cell::from(c.number.clone()).tagged(class, &label)
            }
        };
        os.rows.push(vec![
            name,
            o.kind.label().into(),
            o.unit_name.clone().into(),
            o.position.clone().into(),
            cert_cell,
        ]);
    }
    let mut is = Section::new("行政执法事项清单", &["编码", "名称", "类别", "实施依据", "实施主体"]);
    for i in &items {
        is.rows.push(vec![
            i.code.clone().into(),
            i.name.clone().into(),
            i.kind.label().into(),
            i.basis.clone().into(),
            i.competence.clone().into(),
        ]);
    }
    let mut bs = Section::new("法律依据目录", &["条文", "内容"]);
    for b in &basis {
        bs.rows.push(vec![b.citation.clone().into(), b.text.clone().into()]);
    }
    if admin {
        us.actions.push((format!("/agencies/{id}/units/new"), "新增内设机构".into()));
        os.actions.push((format!("/agencies/{id}/officers/new"), "新增人员".into()));
        os.actions.push((format!("/agencies/{id}/import?kind=officers"), "从Excel导入人员".into()));
        is.actions.push((format!("/agencies/{id}/items/new"), "新增事项".into()));
        is.actions.push((format!("/agencies/{id}/import?kind=items"), "从Excel导入事项".into()));
        bs.actions.push((format!("/agencies/{id}/basis/new"), "新增依据".into()));
        bs.actions.push((format!("/agencies/{id}/import?kind=basis"), "从Excel导入依据".into()));
    }
    page.sections = vec![us, os, is, bs];
    render_table(&Nav::for_user(&user), &page)
}

/// The status tag of a certificate today.
pub fn cert_status(c: &zhifa_store::queries::CertificateRow, today: chrono::NaiveDate) -> (&'static str, String) {
    use zhifa_core::personnel::CertificateStatus::*;
    match c.certificate().status_on(today) {
        Revoked => ("bad", format!("已注销（{}）", c.revoked_on.map(|d| d.to_string()).unwrap_or_default())),
        Expired => ("bad", Expired.label().into()),
        NotYetValid => ("warn", NotYetValid.label().into()),
        Valid if (c.expires_on - today).num_days() <= 30 => ("warn", format!("{}到期", c.expires_on)),
        Valid => ("ok", Valid.label().into()),
    }
}

async fn unit_form(id: Uuid) -> FormPage {
    FormPage::new(
        "新增内设机构",
        &format!("/agencies/{id}/units"),
        vec![
            Field::text("name", "机构名称").required(),
            Field::new("kind", "类别", "select").required().options(vec![
                ("handling".into(), UnitKind::Handling.label().into()),
                ("legal".into(), UnitKind::Legal.label().into()),
            ]),
            Field::text("duties", "职责"),
        ],
    )
}

pub async fn unit_new(user: CurrentUser, Parsed(id): Parsed<Uuid>) -> Response {
    admin_form(&user, id, &unit_form(id).await)
}

pub async fn unit_create(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed(id): Parsed<Uuid>,
    body: Bytes,
) -> Response {
    let v = pairs(&body);
    let kind = if value(&v, "kind") == "legal" { UnitKind::Legal } else { UnitKind::Handling };
    let result = s.app.add_unit(&user.principal, id, value(&v, "name"), kind, value(&v, "duties")).await;
    after_submit(&user, result, unit_form(id).await, &v, |_| format!("/agencies/{id}"))
}

fn item_form(id: Uuid) -> FormPage {
    FormPage::new(
        "新增行政执法事项",
        &format!("/agencies/{id}/items"),
        vec![
            Field::text("code", "事项编码").required(),
            Field::text("name", "事项名称").required(),
            Field::new("kind", "事项类别", "select")
                .required()
                .options(ActKind::ALL.iter().map(|k| (k.as_str().to_string(), k.label().to_string())).collect()),
            Field::text("basis", "实施依据")
                .required()
                .hint("写明法律全称及条款，例如《中华人民共和国食品安全法》第一百二十四条"),
            Field::text("competence", "实施主体").required(),
            Field::new("procedure", "办理流程", "textarea"),
        ],
    )
}

pub async fn item_new(user: CurrentUser, Parsed(id): Parsed<Uuid>) -> Response {
    admin_form(&user, id, &item_form(id))
}

pub async fn item_create(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed(id): Parsed<Uuid>,
    body: Bytes,
) -> Response {
    let v = pairs(&body);
    let Some(kind) = ActKind::parse(value(&v, "kind")) else {
        return render_form(
            &Nav::for_user(&user),
            &item_form(id).fill(&v).with_errors(&Rejection::one("kind", "请选择事项类别")),
        );
    };
    let item = EnforcementItem {
        id: Uuid::new_v4(),
        code: value(&v, "code").trim().into(),
        name: value(&v, "name").trim().into(),
        kind,
        basis: value(&v, "basis").trim().into(),
        competence: value(&v, "competence").trim().into(),
        procedure: value(&v, "procedure").trim().into(),
    };
    let result = s.app.list_item(&user.principal, id, item).await;
    after_submit(&user, result, item_form(id), &v, |_| format!("/agencies/{id}"))
}

fn basis_form(id: Uuid) -> FormPage {
    FormPage::new(
        "新增法律依据",
        &format!("/agencies/{id}/basis"),
        vec![
            Field::text("citation", "条文")
                .required()
                .hint("法律全称加书名号及条、款、项、目，例如《中华人民共和国统计法》第三十七条第一款第（一）项"),
            Field::new("text", "条文内容", "textarea").required(),
        ],
    )
}

pub async fn basis_new(user: CurrentUser, Parsed(id): Parsed<Uuid>) -> Response {
    admin_form(&user, id, &basis_form(id))
}

pub async fn basis_create(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed(id): Parsed<Uuid>,
    body: Bytes,
) -> Response {
    let v = pairs(&body);
    let result = s.app.add_basis(&user.principal, id, value(&v, "citation"), value(&v, "text")).await;
    after_submit(&user, result, basis_form(id), &v, |_| format!("/agencies/{id}"))
}

fn import_form(id: Uuid, kind: &str) -> FormPage {
    let mut page = FormPage::new(
        "从Excel导入",
        &format!("/agencies/{id}/import"),
        vec![
            Field::new("kind", "导入内容", "select").required().options(vec![
                ("officers".into(), "人员及执法证".into()),
                ("items".into(), "行政执法事项".into()),
                ("basis".into(), "法律依据".into()),
                ("benchmarks".into(), "裁量基准".into()),
            ]),
            Field::new("file", "文件（.xlsx 或 .csv）", "file").required(),
        ],
    );
    page.fields[0].value = kind.to_string();
    page.multipart = true;
    page.submit = "导入".into();
    page.intro = "人员表列：姓名、身份证号码、人员类别、内设机构、职务、联系电话、执法证号、执法类别、执法区域、发证日期、有效期至。事项表列：事项编码、事项名称、事项类别、实施依据、实施主体、办理流程。依据表列：法律依据、条文内容。裁量基准表每个阶次一行，列：违法行为编码、违法行为名称、违法依据、处罚依据、裁量阶次、适用情形、处罚种类、罚款下限、罚款上限（如 5000、0.5万元 或 货值金额10倍）。任何一行有错误时，整个文件都不会导入。".into();
    page
}

#[derive(serde::Deserialize)]
pub struct KindQuery {
    #[serde(default)]
    kind: String,
}

pub async fn import_page(
    user: CurrentUser,
    Parsed(id): Parsed<Uuid>,
    axum::extract::Query(q): axum::extract::Query<KindQuery>,
) -> Response {
    admin_form(&user, id, &import_form(id, &q.kind))
}

pub async fn import_submit(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed(id): Parsed<Uuid>,
    mut multipart: Multipart,
) -> Response {
    let nav = Nav::for_user(&user);
    let mut kind = String::new();
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or("").to_string();
                let file_name = field.file_name().unwrap_or("").to_string();
                match field.bytes().await {
                    Ok(bytes) if name == "kind" => kind = String::from_utf8_lossy(&bytes).into_owned(),
                    Ok(bytes) if name == "file" && !file_name.is_empty() => file = Some((file_name, bytes.to_vec())),
                    Ok(_) => {}
                    Err(_) => {
                        return render_form(
                            &nav,
                            &import_form(id, &kind).with_errors(&Rejection::one(
                                "file",
                                format!(
                                    "文件过大或上传中断：单个文件不超过{}MB",
                                    s.config.max_upload_bytes / 1024 / 1024
                                ),
                            )),
                        );
                    }
                }
            }
            Ok(None) => break,
            Err(_) => {
                return render_form(
                    &nav,
                    &import_form(id, &kind).with_errors(&Rejection::one("file", "上传内容无法读取，请重新选择文件")),
                );
            }
        }
    }
    let Some((file_name, bytes)) = file else {
        return render_form(&nav, &import_form(id, &kind).with_errors(&Rejection::one("file", "请选择要导入的文件")));
    };
    let result = match kind.as_str() {
        "officers" => s.app.import_officers(&user.principal, id, &file_name, &bytes).await,
        "items" => s.app.import_items(&user.principal, id, &file_name, &bytes).await,
        "basis" => s.app.import_basis(&user.principal, id, &file_name, &bytes).await,
        "benchmarks" => s.app.import_benchmarks(&user.principal, id, &file_name, &bytes).await,
        _ => return render_form(&nav, &import_form(id, &kind).with_errors(&Rejection::one("kind", "请选择导入内容"))),
    };
    let back = format!("/agencies/{id}");
    match result {
        Ok(n) => render(
            axum::http::StatusCode::OK,
            MessageTemplate {
                nav: &nav,
                title: "导入完成",
                class: "notice",
                message: &format!("已导入{n}行。"),
                rows: vec![],
                back: &back,
            },
        ),
        Err(zhifa_app::import_service::ImportFailure::Rows(errors)) => render(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            MessageTemplate {
                nav: &nav,
                title: "导入未完成",
                class: "alert",
                message: &format!(
                    "文件中有{}处错误，未导入任何数据。请在Excel中改正下列各行后重新导入：",
                    errors.len()
                ),
                rows: errors.iter().map(|e| e.to_string()).collect(),
                back: &format!("/agencies/{id}/import?kind={kind}"),
            },
        ),
        Err(zhifa_app::import_service::ImportFailure::App(e)) => page_error(&user, e),
    }
}

/// A known path opened with the wrong method — typically the address of a form's target
/// reloaded after a rejected submission.
pub async fn use_the_form() -> Response {
    let nav = Nav::default();
    render(
        axum::http::StatusCode::METHOD_NOT_ALLOWED,
        MessageTemplate {
            nav: &nav,
            title: "请通过页面操作",
            class: "alert",
            message: "此地址只接受表单提交，不能直接打开。请返回上一页重新填写并提交表单。",
            rows: vec![],
            back: "/",
        },
    )
}

/// Unknown paths: a 404 page.
pub async fn not_found() -> Response {
    let nav = Nav::default();
    render(
        axum::http::StatusCode::NOT_FOUND,
        MessageTemplate {
            nav: &nav,
            title: "未找到",
            class: "alert",
            message: "您访问的页面不存在。",
            rows: vec![],
            back: "/",
        },
    )
}
