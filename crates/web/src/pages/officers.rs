//! /agencies/{id}/officers and /officers/{id}: people, certificates, leaving the post.

use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;
use uuid::Uuid;
use zhifa_app::registry::OfficerInput;
use zhifa_core::Rejection;
use zhifa_core::access::Sensitivity;
use zhifa_core::ids::{CitizenId, mask_citizen_id};
use zhifa_core::personnel::{Certificate, LeaveReason, StaffKind};

use crate::AppState;
use crate::forms::{Cell, Field, FormPage, Nav, Section, TablePage, pairs, render_form, render_table, value};
use crate::pages::agencies::cert_status;
use crate::pages::{Parsed, admin_form, after_submit, date_field, page_error};
use crate::session::CurrentUser;

fn cert_fields(prefix: &str) -> Vec<Field> {
    let name = |n: &str| format!("{prefix}{n}");
    vec![
        Field::text(&name("number"), "执法证号"),
        Field::text(&name("category"), "执法类别").hint("例如 市场监管、统计、城市管理"),
        Field::text(&name("scope"), "执法区域"),
        Field::new(&name("issued_on"), "发证日期", "date"),
        Field::new(&name("expires_on"), "有效期至", "date"),
    ]
}

async fn officer_form(s: &AppState, agency: Uuid) -> FormPage {
    let units = s.app.db.units(agency).await.unwrap_or_default();
    let mut fields = vec![
        Field::text("name", "姓名").required(),
        Field::text("citizen_id", "身份证号码").required(),
        Field::new("kind", "人员类别", "select")
            .required()
            .options(StaffKind::ALL.iter().map(|k| (k.as_str().into(), k.label().into())).collect()),
        Field::new("unit_id", "内设机构", "select")
            .required()
            .options(units.iter().map(|u| (u.id.to_string(), format!("{}（{}）", u.name, u.kind.label()))).collect()),
        Field::text("position", "职务"),
        Field::text("phone", "联系电话"),
    ];
    fields.extend(cert_fields("certificate."));
    let mut page = FormPage::new("新增人员", &format!("/agencies/{agency}/officers"), fields);
    page.intro = "执法人员须填写执法证信息；执法辅助人员不得持有执法证；法制审核人员应在法制机构。".into();
    page
}

pub async fn new_form(State(s): State<AppState>, user: CurrentUser, Parsed(agency): Parsed<Uuid>) -> Response {
    admin_form(&user, agency, &officer_form(&s, agency).await)
}

/// Reads the certificate fields; None when all are empty.
fn read_certificate(v: &[(String, String)], prefix: &str, r: &mut Rejection, required: bool) -> Option<Certificate> {
    let get = |n: &str| value(v, &format!("{prefix}{n}")).trim().to_string();
    let any = ["number", "category", "scope", "issued_on", "expires_on"].iter().any(|n| !get(n).is_empty());
    if !any && !required {
        return None;
    }
    let issued = date_field(r, &format!("{prefix}issued_on"), "发证日期", &get("issued_on"));
    let expires = date_field(r, &format!("{prefix}expires_on"), "有效期至", &get("expires_on"));
    let cert = Certificate {
        number: get("number"),
        category: get("category"),
        scope: get("scope"),
        issued_on: issued?,
        expires_on: expires?,
        revoked: None,
    };
    if let Err(e) = cert.validate() {
        r.errors.extend(e.errors.into_iter().map(|mut fe| {
            fe.field = fe.field.replacen("certificate.", prefix, 1);
            fe
        }));
    }
    Some(cert)
}

pub async fn create(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed(agency): Parsed<Uuid>,
    body: Bytes,
) -> Response {
    let v = pairs(&body);
    let mut r = Rejection::new();
    let citizen_id = match CitizenId::parse(value(&v, "citizen_id")) {
        Ok(id) => Some(id),
        Err(e) => {
            r.add("citizen_id", e.to_string());
            None
        }
    };
    let kind = StaffKind::parse(value(&v, "kind"));
    if kind.is_none() {
        r.add("kind", "请选择人员类别");
    }
    let unit_id = value(&v, "unit_id").parse::<Uuid>().ok();
    if unit_id.is_none() {
        r.add("unit_id", "请选择内设机构（如无可选项，请先新增内设机构）");
    }
    if value(&v, "name").trim().is_empty() {
        r.add("name", "请填写姓名");
    }
    let certificate = read_certificate(&v, "certificate.", &mut r, kind == Some(StaffKind::Officer));
    let form = officer_form(&s, agency).await;
    let (Some(citizen_id), Some(kind), Some(unit_id), true) = (citizen_id, kind, unit_id, r.is_empty()) else {
        return render_form(&Nav::for_user(&user), &form.fill(&v).with_errors(&r));
    };
    let input = OfficerInput {
        agency_id: agency,
        unit_id,
        name: value(&v, "name").into(),
        citizen_id,
        kind,
        position: value(&v, "position").into(),
        phone: value(&v, "phone").into(),
        certificate,
    };
    let result = s.app.register_officer(&user.principal, input).await;
    after_submit(&user, result, form, &v, |id| format!("/officers/{id}"))
}

pub async fn show(State(s): State<AppState>, user: CurrentUser, Parsed(id): Parsed<Uuid>) -> Response {
    let (o, certs) = match s.app.officer_for(&user.principal, id).await {
        Ok(x) => x,
        Err(e) => return page_error(&user, e),
    };
    let privacy_ok = user.principal.can_read(o.agency_id, Sensitivity::PersonalPrivacy).is_ok();
    let today = chrono::Local::now().date_naive();
    let mut page = TablePage {
        title: format!("{}（{}）", o.name, o.kind.label()),
        info: vec![
            ("内设机构".into(), o.unit_name.clone()),
            ("身份证号码".into(), if privacy_ok { o.citizen_id.clone() } else { mask_citizen_id(&o.citizen_id) }),
            ("职务".into(), o.position.clone()),
            ("联系电话".into(), if privacy_ok { o.phone.clone() } else { "（个人隐私，无权查看）".into() }),
            ("在岗状态".into(), o.left_on.map(|d| format!("{d}离岗")).unwrap_or_else(|| "在岗".into())),
        ],
        ..Default::default()
    };
    let admin = user.principal.can_administer_agency(o.agency_id).is_ok();
    let mut cs = Section::new("行政执法证", &["证号", "执法类别", "执法区域", "发证日期", "有效期至", "状态"]);
    for c in &certs {
        let (class, label) = cert_status(c, today);
        let mut status = Cell::from(c.revoke_reason.clone().unwrap_or_default()).tagged(class, &label);
        if admin && c.revoked_on.is_none() {
            status = Cell {
                href: Some(format!("/officers/{id}/certificates/{}/revoke", c.number)),
                text: "注销".into(),
                tag: status.tag,
            };
        }
        cs.rows.push(vec![
            // The certificate's public page (D-04), whose card prints its QR code.
            Cell::link(&c.number, format!("/gs/certificates/{}", c.number)),
            c.category.clone().into(),
            c.scope.clone().into(),
            c.issued_on.to_string().into(),
            c.expires_on.to_string().into(),
            status,
        ]);
    }
    if admin && o.left_on.is_none() {
        if o.kind != StaffKind::Auxiliary {
            cs.actions.push((format!("/officers/{id}/certificates/new"), "发放执法证".into()));
        }
        page.actions.push((format!("/officers/{id}/leave"), "办理离岗".into()));
    }
    page.actions.push((format!("/agencies/{}", o.agency_id), "返回本机关".into()));
    page.sections.push(cs);
    // N-06: declared conflicts with parties.
    let mut conflicts = Section::new("申报的回避事由", &["当事人", "理由", "申报日期"]);
    if let Ok(Some((state, _))) = s.app.db.load_officer(id).await {
        for c in &state.conflicts {
            let party = if c.party_name.is_empty() {
                c.party_key.clone()
            } else {
                format!("{}（{}）", c.party_name, c.party_key)
            };
            conflicts.rows.push(vec![party.into(), c.reason.clone().into(), c.declared_on.to_string().into()]);
        }
    }
    if (admin
        || s.app.db.account(user.principal.account_id).await.ok().flatten().and_then(|a| a.officer_id) == Some(id))
        && o.left_on.is_none()
    {
        conflicts.actions.push((format!("/officers/{id}/conflicts"), "申报回避事由".into()));
    }
    page.sections.push(conflicts);
    render_table(&Nav::for_user(&user), &page)
}

fn issue_form(id: Uuid) -> FormPage {
    let mut fields = cert_fields("certificate.");
    for f in &mut fields {
        f.required = true;
    }
    FormPage::new("发放行政执法证", &format!("/officers/{id}/certificates"), fields)
}

/// Opens a form about an officer only for those who may administer the officer's agency.
async fn may_administer_officer(
    s: &AppState,
    user: &CurrentUser,
    id: Uuid,
) -> Result<zhifa_store::queries::OfficerRow, Response> {
    let officer = s.app.officer_for(&user.principal, id).await.map_err(|e| page_error(user, e))?.0;
    user.principal.can_administer_agency(officer.agency_id).map_err(|e| page_error(user, e.into()))?;
    Ok(officer)
}

pub async fn issue_new(State(s): State<AppState>, user: CurrentUser, Parsed(id): Parsed<Uuid>) -> Response {
    if let Err(r) = may_administer_officer(&s, &user, id).await {
        return r;
    }
    render_form(&Nav::for_user(&user), &issue_form(id))
}

pub async fn issue_create(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed(id): Parsed<Uuid>,
    body: Bytes,
) -> Response {
    let v = pairs(&body);
    let mut r = Rejection::new();
    let cert = read_certificate(&v, "certificate.", &mut r, true);
    let (Some(cert), true) = (cert, r.is_empty()) else {
        return render_form(&Nav::for_user(&user), &issue_form(id).fill(&v).with_errors(&r));
    };
    let result = s.app.issue_certificate(&user.principal, id, cert).await;
    after_submit(&user, result, issue_form(id), &v, |_| format!("/officers/{id}"))
}

fn revoke_form(id: Uuid, number: &str) -> FormPage {
    let mut on = Field::new("on", "注销日期", "date").required();
    on.value = chrono::Local::now().date_naive().to_string();
    FormPage::new(
        &format!("注销执法证 {number}"),
        &format!("/officers/{id}/certificates/{number}/revoke"),
        vec![on, Field::text("reason", "注销原因").required()],
    )
}

pub async fn revoke_new(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed((id, number)): Parsed<(Uuid, String)>,
) -> Response {
    if let Err(r) = may_administer_officer(&s, &user, id).await {
        return r;
    }
    match s.app.db.certificate(&number).await {
        Ok(Some(c)) if c.officer_id == id => render_form(&Nav::for_user(&user), &revoke_form(id, &number)),
        Ok(_) => page_error(&user, zhifa_app::AppError::NotFound("该人员的此执法证")),
        Err(e) => page_error(&user, e.into()),
    }
}

pub async fn revoke_create(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed((id, number)): Parsed<(Uuid, String)>,
    body: Bytes,
) -> Response {
    let v = pairs(&body);
    let mut r = Rejection::new();
    let Some(on) = date_field(&mut r, "on", "注销日期", value(&v, "on")) else {
        return render_form(&Nav::for_user(&user), &revoke_form(id, &number).fill(&v).with_errors(&r));
    };
    let result = s.app.revoke_certificate(&user.principal, id, &number, on, value(&v, "reason")).await;
    after_submit(&user, result, revoke_form(id, &number), &v, |_| format!("/officers/{id}"))
}

fn leave_form(id: Uuid) -> FormPage {
    let mut page = FormPage::new(
        "办理离岗",
        &format!("/officers/{id}/leave"),
        vec![
            Field::new("on", "离岗日期", "date").required(),
            Field::new("reason", "离岗原因", "select")
                .required()
                .options(LeaveReason::ALL.iter().map(|r| (r.as_str().into(), r.label().into())).collect()),
            Field::text("note", "说明"),
        ],
    );
    page.intro = "离岗后，其全部执法证自离岗之日起注销。".into();
    page
}

pub async fn leave_new(State(s): State<AppState>, user: CurrentUser, Parsed(id): Parsed<Uuid>) -> Response {
    if let Err(r) = may_administer_officer(&s, &user, id).await {
        return r;
    }
    render_form(&Nav::for_user(&user), &leave_form(id))
}

pub async fn leave_create(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed(id): Parsed<Uuid>,
    body: Bytes,
) -> Response {
    let v = pairs(&body);
    let mut r = Rejection::new();
    let on = date_field(&mut r, "on", "离岗日期", value(&v, "on"));
    let reason = LeaveReason::parse(value(&v, "reason"));
    if reason.is_none() {
        r.add("reason", "请选择离岗原因");
    }
    let (Some(on), Some(reason)) = (on, reason) else {
        return render_form(&Nav::for_user(&user), &leave_form(id).fill(&v).with_errors(&r));
    };
    let result = s.app.officer_leaves(&user.principal, id, on, reason, value(&v, "note")).await;
    after_submit(&user, result, leave_form(id), &v, |_| format!("/officers/{id}"))
}

fn conflict_form(id: Uuid) -> FormPage {
    let mut page = FormPage::new(
        "申报回避事由",
        &format!("/officers/{id}/conflicts"),
        vec![
            Field::text("party_key", "当事人身份证号码、统一社会信用代码或名称").required(),
            Field::text("party_name", "当事人名称"),
            Field::new("reason", "回避理由（与当事人有直接利害关系或其他关系）", "longtext").required(),
            Field::new("declared_on", "申报日期", "date").required(),
        ],
    );
    page.intro = "申报后，本人不能被指派办理该当事人的案件或检查任务（《行政处罚法》第四十三条）。".into();
    page
}

/// GET /officers/{id}/conflicts: the officer (or an administrator) declares a conflict (N-06).
pub async fn conflict_new(user: CurrentUser, Parsed(id): Parsed<Uuid>) -> Response {
    render_form(&Nav::for_user(&user), &conflict_form(id))
}

pub async fn conflict_create(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed(id): Parsed<Uuid>,
    body: Bytes,
) -> Response {
    let v = pairs(&body);
    let mut r = Rejection::new();
    let Some(declared_on) = date_field(&mut r, "declared_on", "申报日期", value(&v, "declared_on")) else {
        return render_form(&Nav::for_user(&user), &conflict_form(id).fill(&v).with_errors(&r));
    };
    let conflict = zhifa_core::personnel::Conflict {
        party_key: value(&v, "party_key").into(),
        party_name: value(&v, "party_name").into(),
        reason: value(&v, "reason").into(),
        declared_on,
    };
    let result = s.app.declare_conflict(&user.principal, id, conflict).await;
    after_submit(&user, result, conflict_form(id), &v, |_| format!("/officers/{id}"))
}
