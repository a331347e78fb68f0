//! Platform settings: policy profiles, the working-day calendar, accounts.

use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;
use zhifa_app::auth::AccountInput;
use zhifa_core::Rejection;
use zhifa_core::access::Role;

use crate::AppState;
use crate::forms::{Cell, Field, FormPage, Nav, Section, TablePage, pairs, render_form, render_table, value};
use crate::pages::{Parsed, after_submit, page_error};
use crate::session::CurrentUser;

pub async fn profiles(State(s): State<AppState>, user: CurrentUser) -> Response {
    let all = match s.app.db.profiles().await {
        Ok(p) => p,
        Err(e) => return page_error(&user, e.into()),
    };
    let mut sec = Section::new("策略配置（各地参数不同之处）", &["标识", "名称", "版本", "生效日期", "依据"]);
    for p in &all {
        sec.rows.push(vec![
            Cell::link(p.id.clone(), format!("/profiles/{}", p.id)),
            p.name.clone().into(),
            format!("v{}", p.version).into(),
            p.effective_from.to_string().into(),
            p.source.clone().into(),
        ]);
    }
    let mut page = TablePage { title: "策略配置".into(), sections: vec![sec], ..Default::default() };
    if user.principal.is_platform_admin() {
        page.actions.push(("/profiles/new".into(), "发布新版本".into()));
    }
    render_table(&Nav::for_user(&user), &page)
}

pub async fn profile(State(s): State<AppState>, user: CurrentUser, Parsed(id): Parsed<String>) -> Response {
    let versions = match s.app.db.profile_versions(&id).await {
        Ok(v) if !v.is_empty() => v,
        Ok(_) => return page_error(&user, zhifa_app::AppError::NotFound("策略配置")),
        Err(e) => return page_error(&user, e.into()),
    };
    let latest = versions.last().expect("non-empty");
    let p = &latest.params;
    let wd = |w: zhifa_core::WorkingDays| w.to_string();
    let mut page = TablePage {
        title: format!("{}（{} v{}）", latest.name, latest.id, latest.version),
        info: vec![
            ("生效日期".into(), latest.effective_from.to_string()),
            ("依据".into(), latest.source.clone()),
            ("说明理由制度为必须".into(), if p.reason_giving_mandatory { "是" } else { "否" }.into()),
            ("事前公开更新期限".into(), wd(p.predisclosure_update_wd)),
            ("许可、处罚决定公示期限".into(), wd(p.decision_publish_wd)),
            ("其他决定公示期限".into(), wd(p.other_publish_wd)),
            ("抽查结果公示期限".into(), wd(p.inspection_publish_wd)),
            ("公示期（法人和其他组织）".into(), format!("{}天", p.retention_days_org)),
            ("公示期（自然人）".into(), format!("{}天", p.retention_days_person)),
            ("更正答复期限".into(), wd(p.correction_answer_wd)),
            (
                "音像资料存储期限".into(),
                match (p.av_store.hours, p.av_store.working_days) {
                    (Some(h), _) => format!("{h}小时"),
                    (_, Some(w)) => format!(
                        "{}{}",
                        w,
                        p.av_store
                            .remote_hours_after_return
                            .map(|h| format!("（异地执法返回后{h}小时）"))
                            .unwrap_or_default()
                    ),
                    _ => String::new(),
                },
            ),
            ("归档期限".into(), format!("{}天", p.archive_days)),
            ("重大罚款数额（自然人）".into(), p.major_fine_person_fen.to_string()),
            ("重大罚款数额（法人和其他组织）".into(), p.major_fine_org_fen.to_string()),
            (
                "法制审核期限".into(),
                format!(
                    "{}；紧急{}；延长{}",
                    wd(p.review_wd),
                    p.review_urgent_wd.map(wd).unwrap_or_else(|| "—".into()),
                    wd(p.review_extension_wd)
                ),
            ),
            ("所有决定均须法制审核".into(), if p.review_all_decisions { "是" } else { "否" }.into()),
            ("书面说明理由期限".into(), format!("{}日", p.reasons_request_days)),
            ("联合抽查最低比例".into(), format!("{}%", p.joint_inspection_min_pct)),
            ("处罚决定期限".into(), format!("立案之日起{}日", p.decision_days)),
        ],
        ..Default::default()
    };
    let mut sec = Section::new("版本", &["版本", "生效日期"]);
    for v in &versions {
        sec.rows.push(vec![format!("v{}", v.version).into(), v.effective_from.to_string().into()]);
    }
    page.sections.push(sec);
    render_table(&Nav::for_user(&user), &page)
}

async fn profile_form(s: &AppState) -> FormPage {
    let mut text = Field::new("profile", "配置文件（TOML）", "textarea").required();
    if let Some(p) = s.app.db.profiles().await.ok().and_then(|p| p.into_iter().next()) {
        let mut next = p.clone();
        next.version += 1;
        next.effective_from = chrono::Local::now().date_naive();
        text.value = next.to_toml();
    }
    let mut page = FormPage::new("发布策略配置新版本", "/profiles", vec![text]);
    page.intro = "以现有配置为模板修改参数、版本号和生效日期。金额以分为单位；*_wd 为工作日。".into();
    page.submit = "发布".into();
    page
}

pub async fn profile_new(State(s): State<AppState>, user: CurrentUser) -> Response {
    render_form(&Nav::for_user(&user), &profile_form(&s).await)
}

pub async fn profile_create(State(s): State<AppState>, user: CurrentUser, body: Bytes) -> Response {
    let v = pairs(&body);
    let result = s.app.publish_profile(&user.principal, value(&v, "profile")).await;
    after_submit(&user, result, profile_form(&s).await, &v, |p| format!("/profiles/{}", p.id))
}

pub async fn calendars(State(s): State<AppState>, user: CurrentUser) -> Response {
    let years = match s.app.db.calendar_years().await {
        Ok(y) => y,
        Err(e) => return page_error(&user, e.into()),
    };
    let mut sections = Vec::new();
    for y in years.iter().rev() {
        let mut sec = Section::new(&format!("{}年（{}）", y.year, y.source), &["节假日", "放假", "调休上班"]);
        for h in &y.holidays {
            let makeup: Vec<String> = h.makeup_workdays.iter().map(|d| d.to_string()).collect();
            sec.rows.push(vec![
                h.name.clone().into(),
                format!("{} 至 {}", h.from, h.to).into(),
                makeup.join("、").into(),
            ]);
        }
        sections.push(sec);
    }
    let mut page = TablePage { title: "工作日历".into(), sections, ..Default::default() };
    if user.principal.is_platform_admin() {
        page.actions.push(("/calendars/load".into(), "载入年度日历".into()));
    }
    render_table(&Nav::for_user(&user), &page)
}

fn calendar_form() -> FormPage {
    let mut f = Field::new("calendar", "年度日历（TOML）", "textarea").required();
    f.value = "year = 2027\nsource = \"国务院办公厅关于2027年部分节假日安排的通知\"\n\n[[holidays]]\nname = \"元旦\"\nfrom = \"2027-01-01\"\nto = \"2027-01-01\"\nmakeup_workdays = []\n".into();
    let mut page = FormPage::new("载入年度日历", "/calendars", vec![f]);
    page.intro = "按国务院办公厅年度节假日安排通知填写：每个节假日的放假起止日期和调休上班日（周末）。载入后立即生效，无需重新部署。".into();
    page.submit = "载入".into();
    page
}

pub async fn calendar_new(user: CurrentUser) -> Response {
    render_form(&Nav::for_user(&user), &calendar_form())
}

pub async fn calendar_create(State(s): State<AppState>, user: CurrentUser, body: Bytes) -> Response {
    let v = pairs(&body);
    let result = s.app.load_calendar_year(Some(&user.principal), value(&v, "calendar")).await;
    after_submit(&user, result, calendar_form(), &v, |_| "/calendars".into())
}

pub async fn accounts(State(s): State<AppState>, user: CurrentUser) -> Response {
    let scope = if user.principal.is_platform_admin() { None } else { user.principal.agency_id };
    if user.principal.role != Role::Administrator {
        return page_error(&user, zhifa_core::access::AccessError::Role(user.principal.role.label()).into());
    }
    let (accounts, agencies) = match (s.app.db.accounts(scope).await, s.app.db.agencies().await) {
        (Ok(a), Ok(g)) => (a, g),
        (Err(e), _) | (_, Err(e)) => return page_error(&user, e.into()),
    };
    let mut sec = Section::new("账号", &["用户名", "姓名", "角色", "所属机关", "状态"]);
    for a in accounts {
        let agency = a
            .agency_id
            .and_then(|id| agencies.iter().find(|g| g.id == id))
            .map(|g| g.info.name.clone())
            .unwrap_or_else(|| "（全平台）".into());
        sec.rows.push(vec![
            a.username.into(),
            a.display_name.into(),
            a.role.label().into(),
            agency.into(),
            if a.disabled { "停用" } else { "正常" }.into(),
        ]);
    }
    let page = TablePage {
        title: "账号".into(),
        actions: vec![("/accounts/new".into(), "新建账号".into())],
        sections: vec![sec],
        ..Default::default()
    };
    render_table(&Nav::for_user(&user), &page)
}

async fn account_form(s: &AppState, user: &CurrentUser) -> FormPage {
    let agencies = s.app.agencies_for(&user.principal).await.unwrap_or_default();
    let mut agency_options: Vec<(String, String)> = agencies
        .iter()
        .filter(|a| user.principal.can_administer_agency(a.id).is_ok())
        .map(|a| (a.id.to_string(), a.info.name.clone()))
        .collect();
    if user.principal.is_platform_admin() {
        agency_options.insert(0, (String::new(), "（全平台，仅限平台管理员）".into()));
    }
    FormPage::new(
        "新建账号",
        "/accounts",
        vec![
            Field::text("username", "用户名").required(),
            Field::text("display_name", "姓名").required(),
            Field::new("password", "初始密码", "password").required().hint("至少8位，同时包含字母和数字"),
            Field::new("role", "角色", "select")
                .required()
                .options(Role::ALL.iter().map(|r| (r.as_str().into(), r.label().into())).collect()),
            Field::new("agency_id", "所属机关", "select").options(agency_options),
        ],
    )
}

pub async fn account_new(State(s): State<AppState>, user: CurrentUser) -> Response {
    render_form(&Nav::for_user(&user), &account_form(&s, &user).await)
}

pub async fn account_create(State(s): State<AppState>, user: CurrentUser, body: Bytes) -> Response {
    let v = pairs(&body);
    let form = account_form(&s, &user).await;
    let Some(role) = Role::parse(value(&v, "role")) else {
        return render_form(&Nav::for_user(&user), &form.fill(&v).with_errors(&Rejection::one("role", "请选择角色")));
    };
    let input = AccountInput {
        username: value(&v, "username").into(),
        display_name: value(&v, "display_name").into(),
        password: value(&v, "password").into(),
        role,
        agency_id: value(&v, "agency_id").parse().ok(),
        officer_id: None,
    };
    let result = s.app.create_account(&user.principal, input).await;
    let values: Vec<_> = v.into_iter().filter(|(k, _)| k != "password").collect();
    after_submit(&user, result, form, &values, |_| "/accounts".into())
}
