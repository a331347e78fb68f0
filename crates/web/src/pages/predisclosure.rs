//! An agency's pre-disclosure inside the application (D-02, D-03):
//! `/agencies/{id}/predisclosure` says what the portal shows (the last approval), what
//! waits for the legal unit, and each recorded change of law or duties with its due day —
//! late ones flagged; the administrator records a change (`…/changes`) and submits the
//! content for approval (`…/submit`); a legal reviewer of the agency approves or rejects it
//! (`…/review`, anyone else gets 403). `/supervision/predisclosure` lists, for the judicial
//! bureau's supervisors, the agencies they supervise that are late.

use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;
use chrono::Datelike;
use uuid::Uuid;
use zhifa_app::cases::beijing_now;
use zhifa_app::predisclosure::PredisclosureStatus;
use zhifa_core::Rejection;
use zhifa_core::disclosure::predisclosure::{ChangeKind, check_reviewer};

use crate::AppState;
use crate::forms::{Cell, Field, FormPage, Nav, Section, TablePage, pairs, render_form, render_table, value};
use crate::pages::{Parsed, admin_form, after_submit, date_field, page_error};
use crate::session::CurrentUser;

fn base(id: Uuid) -> String {
    format!("/agencies/{id}/predisclosure")
}

/// The lateness line of an agency's status, for its page and the supervisors'.
pub(crate) fn late_summary(st: &PredisclosureStatus) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let late = st.late().count();
    if late > 0 {
        out.push(("事前公开更新（D-02）".into(), format!("逾期{late}项：法律或职责变化后未在{}内更新公开", st.period)));
    }
    if st.statistics_late {
        let when = match st.statistics_published_on {
            Some(on) => format!("{on}发布，已逾期"),
            None => "逾期未发布".into(),
        };
        out.push((
            "年度统计（D-11）".into(),
            format!("{}年度统计数据应于{}年1月31日前发布，{when}", st.statistics_year, st.statistics_year + 1),
        ));
    }
    out
}

/// GET /agencies/{id}/predisclosure
pub async fn show(State(s): State<AppState>, user: CurrentUser, Parsed(id): Parsed<Uuid>) -> Response {
    let st = match s.app.predisclosure_status(&user.principal, id).await {
        Ok(st) => st,
        Err(e) => return page_error(&user, e),
    };
    let pre = &st.agency.predisclosure;
    let mut info = vec![(
        "最近审核通过".to_string(),
        match &pre.approved {
            Some(a) => format!("{}（{}：{}）", a.approved_on, a.reviewer_name, a.opinion),
            None => "尚未审核通过：门户网站不公开本机关信息".into(),
        },
    )];
    if let Some(p) = &pre.pending {
        info.push(("待法制审核".into(), format!("{}提交：{}", p.submitted_on, p.summary)));
    }
    if let Some(r) = &pre.rejected {
        info.push(("最近不予通过".into(), format!("{}（{}）：{}", r.rejected_on, r.reviewer_name, r.reasons)));
    }
    info.push((
        "未审核的修改".into(),
        if st.unapproved_changes {
            "有：门户网站仍显示最近审核通过的版本".into()
        } else {
            "无".into()
        },
    ));
    info.extend(late_summary(&st));
    let mut changes =
        Section::new("法律、职责变化及更新情况（D-02）", &["变化", "内容", "施行日期", "更新期限", "更新日期"]);
    for t in &st.tracking {
        let due = t.due.map_or("（工作日历未载入）".to_string(), |d| d.to_string());
        let mut updated = Cell::from(t.updated_on.map_or("未更新".into(), |d| d.to_string()));
        if t.late {
            updated = updated.tagged("bad", "逾期");
        }
        changes.rows.push(vec![
            t.change.kind.label().into(),
            t.change.description.clone().into(),
            t.change.changed_on.to_string().into(),
            due.into(),
            updated,
        ]);
    }
    let mut page = TablePage {
        title: format!("{}：事前公开审核", st.agency.info.name),
        notice: Some(format!(
            "事前公开内容经本机关法制机构审核通过后方可公开（D-03）；法律或职责变化后应在{}内更新（D-02）。",
            st.period
        )),
        info,
        ..Default::default()
    };
    if user.principal.can_administer_agency(id).is_ok() {
        page.actions.push((format!("{}/submit", base(id)), "提交审核".into()));
        changes.actions.push((format!("{}/changes/new", base(id)), "登记法律或职责变化".into()));
    }
    if pre.pending.is_some() && check_reviewer(&user.principal, id).is_ok() {
        page.actions.push((format!("{}/review", base(id)), "法制审核".into()));
    }
    page.actions.push((format!("/gs/agencies/{id}"), "查看门户网站公开页面".into()));
    page.actions.push((format!("/agencies/{id}"), "返回执法主体".into()));
    page.sections = vec![changes];
    render_table(&Nav::for_user(&user), &page)
}

fn change_form(id: Uuid) -> FormPage {
    let kinds = ChangeKind::ALL.into_iter().map(|k| (k.as_str().to_string(), k.label().to_string())).collect();
    let mut page = FormPage::new(
        "登记法律或职责变化",
        &format!("{}/changes", base(id)),
        vec![
            Field::new("kind", "变化类别", "select").required().options(kinds),
            Field::new("description", "变化内容", "textarea").required().hint("例如：《某某条例》修订，自某日起施行"),
            Field::new("changed_on", "施行（调整）日期", "date").required().hint("更新期限自该日起按工作日计算"),
        ],
    );
    page.intro =
        "法律、法规、规章或本机关职责发生变化的，登记后系统按策略配置的工作日期限跟踪事前公开内容的更新。".into();
    page
}

/// GET /agencies/{id}/predisclosure/changes/new
pub async fn change_new(user: CurrentUser, Parsed(id): Parsed<Uuid>) -> Response {
    admin_form(&user, id, &change_form(id))
}

/// POST /agencies/{id}/predisclosure/changes
pub async fn change_create(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed(id): Parsed<Uuid>,
    body: Bytes,
) -> Response {
    let v = pairs(&body);
    let mut r = Rejection::new();
    let kind = ChangeKind::parse(value(&v, "kind"));
    if kind.is_none() {
        r.add("kind", "请选择变化类别");
    }
    let changed_on = date_field(&mut r, "changed_on", "施行（调整）日期", value(&v, "changed_on"));
    let result = match (kind, changed_on, r.is_empty()) {
        (Some(kind), Some(on), true) => {
            s.app.record_predisclosure_change(&user.principal, id, kind, value(&v, "description"), on).await
        }
        _ => {
            r.require("description", "变化内容", value(&v, "description"));
            Err(r.into())
        }
    };
    after_submit(&user, result, change_form(id), &v, |_| base(id))
}

fn submit_form(id: Uuid) -> FormPage {
    let last = beijing_now().date().year() - 1;
    let years = vec![(String::new(), "不发布".to_string()), (last.to_string(), format!("{last}年度"))];
    let mut page = FormPage::new(
        "提交事前公开内容审核",
        &format!("{}/submit", base(id)),
        vec![
            Field::new("summary", "变更说明", "textarea")
                .required()
                .hint("说明本次公开或更新的内容，以及对应的法律或职责变化"),
            Field::new("statistics_year", "同时发布年度统计数据", "select").options(years),
        ],
    );
    page.intro = "提交本机关当前的主体信息、内设机构、执法事项清单、音像记录事项清单和裁量基准；法制机构审核通过后在门户网站公开，此前公开的仍为最近审核通过的版本。".into();
    page.submit = "提交审核".into();
    page
}

/// GET /agencies/{id}/predisclosure/submit
pub async fn submit_new(user: CurrentUser, Parsed(id): Parsed<Uuid>) -> Response {
    admin_form(&user, id, &submit_form(id))
}

/// POST /agencies/{id}/predisclosure/submit
pub async fn submit_create(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed(id): Parsed<Uuid>,
    body: Bytes,
) -> Response {
    let v = pairs(&body);
    let raw_year = value(&v, "statistics_year").trim();
    let result = match raw_year.parse::<i32>() {
        Err(_) if !raw_year.is_empty() => Err(Rejection::one("statistics_year", "请选择统计年度").into()),
        year => s.app.submit_predisclosure(&user.principal, id, value(&v, "summary"), year.ok()).await,
    };
    after_submit(&user, result, submit_form(id), &v, |_| base(id))
}

fn review_form(id: Uuid, st: Option<&PredisclosureStatus>) -> FormPage {
    let decisions =
        vec![("approve".to_string(), "审核通过，同意公开".to_string()), ("reject".to_string(), "不予通过".to_string())];
    let mut page = FormPage::new(
        "事前公开内容法制审核",
        &format!("{}/review", base(id)),
        vec![
            Field::new("decision", "审核结论", "select").required().options(decisions),
            Field::new("opinion", "审核意见", "textarea").hint("审核通过时填写，可不填"),
            Field::new("reasons", "不予通过的理由", "textarea").hint("不予通过时必须填写"),
        ],
    );
    if let Some(p) = st.and_then(|s| s.agency.predisclosure.pending.as_ref()) {
        page.intro = format!("{}提交：{}。审核通过后门户网站即公开所提交的内容。", p.submitted_on, p.summary);
    }
    page.submit = "提交审核结论".into();
    page
}

/// GET /agencies/{id}/predisclosure/review: the agency's legal reviewers only.
pub async fn review_new(State(s): State<AppState>, user: CurrentUser, Parsed(id): Parsed<Uuid>) -> Response {
    if let Err(e) = check_reviewer(&user.principal, id) {
        return page_error(&user, e.into());
    }
    match s.app.predisclosure_status(&user.principal, id).await {
        Ok(st) => render_form(&Nav::for_user(&user), &review_form(id, Some(&st))),
        Err(e) => page_error(&user, e),
    }
}

/// POST /agencies/{id}/predisclosure/review
pub async fn review_create(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed(id): Parsed<Uuid>,
    body: Bytes,
) -> Response {
    let v = pairs(&body);
    let result = match value(&v, "decision") {
        "approve" => s.app.approve_predisclosure(&user.principal, id, value(&v, "opinion")).await,
        "reject" => s.app.reject_predisclosure(&user.principal, id, value(&v, "reasons")).await,
        _ => match check_reviewer(&user.principal, id) {
            Err(e) => Err(e.into()),
            Ok(()) => Err(Rejection::one("decision", "请选择审核结论").into()),
        },
    };
    after_submit(&user, result, review_form(id, None), &v, |_| base(id))
}

/// GET /supervision/predisclosure: the supervised agencies that are late (D-02, D-11).
pub async fn supervision(State(s): State<AppState>, user: CurrentUser) -> Response {
    let late = match s.app.predisclosure_lateness(&user.principal).await {
        Ok(l) => l,
        Err(e) => return page_error(&user, e),
    };
    let mut section = Section::new("逾期情况", &["执法机关", "事项", "情况"]);
    for l in &late {
        let st = &l.status;
        for (what, text) in late_summary(st) {
            let name = Cell::link(st.agency.info.name.clone(), base(st.agency.id)).tagged("bad", "逾期");
            section.rows.push(vec![name, what.into(), text.into()]);
        }
        for t in st.late() {
            let due = t.due.map(|d| d.to_string()).unwrap_or_default();
            section.rows.push(vec![
                st.agency.info.name.clone().into(),
                t.change.kind.label().into(),
                format!("{}（{}施行），应于{due}前更新", t.change.description, t.change.changed_on).into(),
            ]);
        }
    }
    let page = TablePage {
        title: "事前公开与年度统计监督".into(),
        notice: Some(
            "所监督执法机关法律或职责变化后逾期未更新事前公开内容，或上一年度统计数据逾期未发布的，列于下表。".into(),
        ),
        sections: vec![section],
        ..Default::default()
    };
    render_table(&Nav::for_user(&user), &page)
}
