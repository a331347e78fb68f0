//! A decision's publication as its agency handles it (D-05…D-07, D-14):
//! `/cases/{id}/publications/{rid}` previews the notice exactly as the portal will show
//! it — redacted — with what redaction took out and why, the deadline and any lateness;
//! `…/publish` confirms and publishes it.

use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;
use uuid::Uuid;
use zhifa_app::portal::PublicationPreview;
use zhifa_core::disclosure::publication::{DecisionNotice, NoticeKind, RevocationGround, Status};

use crate::AppState;
use crate::forms::{Field, FormPage, Nav, Section, TablePage, pairs, render_form, render_table};
use crate::pages::{Parsed, after_submit, page_error};
use crate::session::CurrentUser;

/// The D-06 fields of a notice, labelled as the portal shows them.
pub fn notice_rows(n: &DecisionNotice) -> Vec<(String, String)> {
    n.rows().into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

fn status_label(s: &Status) -> String {
    match s {
        Status::Prepared => "待公示".into(),
        Status::Public { since, until } => format!("公示中：{since}起，{until}撤下"),
        Status::TakenDown { on, reason } => format!("已于{on}撤下（{reason}）"),
        Status::Withdrawn { on, ground, explanation } => format!("已于{on}撤回：{}。{explanation}", ground.label()),
    }
}

fn preview_page(id: Uuid, rid: Uuid, v: &PublicationPreview) -> TablePage {
    let today = zhifa_app::cases::beijing_now().date();
    let kind = match (&v.publication, &v.prepared) {
        (Some(p), _) => p.notice.kind,
        (None, Ok(p)) => p.notice.kind,
        (None, Err(_)) => Default::default(),
    };
    let what = if kind == NoticeKind::Decision { "决定" } else { kind.label() };
    let mut page = TablePage { title: format!("{}：{what}公示", v.case.opening.number), ..Default::default() };
    match (&v.publication, &v.prepared) {
        (Some(p), _) => {
            page.info.push(("公示状态".into(), status_label(&p.status)));
            page.info.push(("公示期限".into(), format!("{}前（D-05）", p.due)));
            if let Some(late) = p.lateness(today).or_else(|| p.late.clone()) {
                page.notice = Some(late);
            }
            page.info.extend(notice_rows(&p.notice));
            if p.status == Status::Prepared {
                page.actions.push((format!("/cases/{id}/publications/{rid}/publish"), "发布公示".into()));
            }
            if matches!(p.status, Status::Prepared | Status::Public { .. }) {
                page.actions.push((format!("/cases/{id}/publications/{rid}/withdraw"), "撤回公示".into()));
            }
        }
        (None, Ok(prepared)) => {
            // Issued, but its publication was not prepared then: it is prepared on publishing.
            page.info.push(("公示状态".into(), "尚未生成公示信息（发布时生成）".into()));
            page.info.extend(notice_rows(&prepared.notice));
            page.actions.push((format!("/cases/{id}/publications/{rid}/publish"), "发布公示".into()));
        }
        (None, Err(why)) => {
            let reasons: Vec<String> = why.errors.iter().map(|e| e.message.clone()).collect();
            page.notice = Some(format!("本决定不予公示或暂不能公示：{}", reasons.join("；")));
        }
    }
    if let Ok(prepared) = &v.prepared {
        let mut removed =
            Section::new("脱敏处理（仅本机关可见，不予公开）", &["栏目", "类别", "原文", "公开为", "依据"]);
        for f in &prepared.findings {
            removed.rows.push(vec![
                f.field.label().into(),
                f.finding.label().into(),
                f.finding.original.clone().into(),
                f.finding.replacement.clone().into(),
                f.finding.kind.reason().into(),
            ]);
        }
        page.sections.push(removed);
    }
    page.actions.push((format!("/cases/{id}"), "返回案件".into()));
    page
}

/// GET /cases/{id}/publications/{rid}
pub async fn show(State(s): State<AppState>, user: CurrentUser, Parsed((id, rid)): Parsed<(Uuid, Uuid)>) -> Response {
    match s.app.publication_preview(&user.principal, id, rid).await {
        Ok(v) => render_table(&Nav::for_user(&user), &preview_page(id, rid, &v)),
        Err(e) => page_error(&user, e),
    }
}

fn publish_form(id: Uuid, rid: Uuid) -> FormPage {
    let mut page = FormPage::new("发布决定公示", &format!("/cases/{id}/publications/{rid}/publish"), vec![]);
    page.intro = "发布后，公示信息即在门户网站公开，至公示期满自动撤下。请确认已核对脱敏后的内容。".into();
    page.submit = "确认发布".into();
    page
}

/// A publication's confirmation form, shown to those who may publish the case's decisions.
async fn confirmation(s: &AppState, user: &CurrentUser, case_id: Uuid, form: FormPage) -> Response {
    match s.app.may_publish(&user.principal, case_id).await {
        Ok(()) => render_form(&Nav::for_user(user), &form),
        Err(e) => page_error(user, e),
    }
}

/// GET /cases/{id}/publications/{rid}/publish: the confirmation.
pub async fn publish_new(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed((id, rid)): Parsed<(Uuid, Uuid)>,
) -> Response {
    confirmation(&s, &user, id, publish_form(id, rid)).await
}

/// POST /cases/{id}/publications/{rid}/publish
pub async fn publish(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed((id, rid)): Parsed<(Uuid, Uuid)>,
    body: Bytes,
) -> Response {
    let v = pairs(&body);
    let r = s.app.publish_decision(&user.principal, id, rid).await;
    after_submit(&user, r, publish_form(id, rid), &v, |_| format!("/cases/{id}/publications/{rid}"))
}

fn withdraw_form(id: Uuid, rid: Uuid) -> FormPage {
    let grounds = RevocationGround::ALL.iter().map(|g| (g.as_str().to_string(), g.label().to_string())).collect();
    let mut page = FormPage::new(
        "撤回决定公示",
        &format!("/cases/{id}/publications/{rid}/withdraw"),
        vec![
            Field::new("ground", "撤回原因", "select").options(grounds).required(),
            Field::new("explanation", "公开的说明", "textarea").required().hint(
                "写明决定被撤销、确认违法或重新作出的情况及依据，将在门户网站原公示处公开（D-09）；个人信息会自动脱敏",
            ),
        ],
    );
    page.intro = "决定被依法撤销、确认违法或要求重新作出的，应立即撤回原公示；重新作出的决定另行公示。".into();
    page.submit = "确认撤回".into();
    page
}

/// GET /cases/{id}/publications/{rid}/withdraw
pub async fn withdraw_new(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed((id, rid)): Parsed<(Uuid, Uuid)>,
) -> Response {
    confirmation(&s, &user, id, withdraw_form(id, rid)).await
}

/// POST /cases/{id}/publications/{rid}/withdraw (D-09)
pub async fn withdraw(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed((id, rid)): Parsed<(Uuid, Uuid)>,
    body: Bytes,
) -> Response {
    let v = pairs(&body);
    let r = match RevocationGround::parse(crate::forms::value(&v, "ground")) {
        Some(ground) => {
            s.app.withdraw_publication(&user.principal, id, rid, ground, crate::forms::value(&v, "explanation")).await
        }
        None => Err(zhifa_core::Rejection::one("ground", "请选择撤回原因").into()),
    };
    after_submit(&user, r, withdraw_form(id, rid), &v, |_| format!("/cases/{id}/publications/{rid}"))
}

#[derive(serde::Deserialize)]
pub struct OverviewQuery {
    #[serde(default)]
    late: Option<String>,
}

/// GET /publications[?late=1]: the agency's publications — the judicial bureau's
/// supervisors see every agency's — with what is late flagged (D-05).
pub async fn overview(
    State(s): State<AppState>,
    user: CurrentUser,
    axum::extract::Query(q): axum::extract::Query<OverviewQuery>,
) -> Response {
    let late_only = q.late.is_some_and(|v| !v.is_empty() && v != "0");
    let lines = match s.app.publication_overview(&user.principal, late_only).await {
        Ok(l) => l,
        Err(e) => return page_error(&user, e),
    };
    let supervisor = user.principal.role == zhifa_core::access::Role::Supervisor;
    let mut headers = vec!["文书号或任务编号", "类型", "当事人或检查对象", "状态", "公示期限", "公示日期", "逾期"];
    if supervisor {
        headers.insert(0, "执法机关");
    }
    let title = if late_only { "逾期的事后公开" } else { "事后公开情况" };
    let mut list = Section::new(title, &headers);
    let late_count = lines.iter().filter(|l| l.late.is_some()).count();
    for l in &lines {
        let r = &l.row;
        let status = match r.status.as_str() {
            "prepared" => "待公示",
            "public" => "公示中",
            "taken_down" => "已撤下",
            "withdrawn" => "已撤回",
            _ => "其他",
        };
        let mut row: Vec<crate::forms::Cell> = vec![
            crate::forms::Cell::link(
                &r.notice.document_number,
                // An inspection result is handled on its plan's page (S-05).
                if r.notice.kind == NoticeKind::Inspection {
                    format!("/inspection/plans/{}", r.case_id)
                } else {
                    format!("/cases/{}/publications/{}", r.case_id, r.record_id)
                },
            ),
            r.notice.kind.label().into(),
            r.notice.party.clone().into(),
            status.into(),
            r.due.to_string().into(),
            r.published_on.map(|d| d.to_string()).unwrap_or_default().into(),
            match &l.late {
                Some(why) => crate::forms::Cell::from(why.clone()).tagged("bad", "逾期"),
                None => "".into(),
            },
        ];
        if supervisor {
            row.insert(0, l.agency.clone().into());
        }
        list.rows.push(row);
    }
    let page = TablePage {
        title: title.into(),
        notice: Some(format!(
            "行政许可、行政处罚决定须在作出之日起按策略配置规定的工作日内公示，其他决定和强制执行在规定期限内公示，\
             随机抽查结果自检查结束之日起在规定期限内公示（D-05）。\
             本列表中逾期 {late_count} 项。"
        )),
        actions: vec![("/publications".into(), "全部".into()), ("/publications?late=1".into(), "仅看逾期".into())],
        sections: vec![list],
        ..Default::default()
    };
    render_table(&Nav::for_user(&user), &page)
}
