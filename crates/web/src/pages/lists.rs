//! /agencies/{id}/av-items and /agencies/{id}/form-books: the agency's AV-item list
//! (音像记录事项清单, rule R-08: the law's mandatory acts first, then the agency's own
//! lines) and its books of pre-numbered on-the-spot decision forms.

use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;
use uuid::Uuid;
use zhifa_app::AppError;
use zhifa_core::Rejection;
use zhifa_core::case::{AvRequirement, RecordKind};
use zhifa_core::registry::{AvListItem, FormBook};

use crate::AppState;
use crate::forms::{Cell, Field, FormPage, Nav, Section, TablePage, pairs, render_form, render_table, value};
use crate::pages::{Parsed, admin_form, after_submit, date_field, page_error};
use crate::session::CurrentUser;

fn method_label(m: AvRequirement) -> &'static str {
    m.label()
}

/// The agency's state, for a reader within its scope.
async fn readable_agency(s: &AppState, user: &CurrentUser, id: Uuid) -> Result<zhifa_core::registry::Agency, AppError> {
    user.principal.can_read_agency(id)?;
    Ok(s.app.db.load_agency(id).await?.ok_or(AppError::NotFound("执法机关"))?.0)
}

/// GET /agencies/{id}/av-items
pub async fn av_list(State(s): State<AppState>, user: CurrentUser, Parsed(id): Parsed<Uuid>) -> Response {
    let agency = match readable_agency(&s, &user, id).await {
        Ok(a) => a,
        Err(e) => return page_error(&user, e),
    };
    let mut law = Section::new("法定必须音像记录的执法行为（R-08）", &["执法行为", "阶段", "记录方式", "来源"]);
    for k in RecordKind::ALL.iter().filter(|k| k.mandatory_av().is_some()) {
        let m = k.mandatory_av().expect("filtered");
        law.rows.push(vec![
            k.label().into(),
            k.stage().label().into(),
            method_label(m).into(),
            Cell::from("法定").tagged("ok", "不可删除"),
        ]);
    }
    let mut own = Section::new("本机关增列的事项", &["执法行为", "阶段", "场所", "记录内容", "记录方式"]);
    for i in &agency.av_list {
        own.rows.push(vec![
            i.act.label().into(),
            i.act.stage().label().into(),
            i.place.clone().into(),
            i.content.clone().into(),
            method_label(i.method).into(),
        ]);
    }
    if user.principal.can_administer_agency(id).is_ok() {
        own.actions.push((format!("/agencies/{id}/av-items/new"), "增列事项".into()));
    }
    let page = TablePage {
        title: format!("{}：音像记录事项清单", agency.info.name),
        notice: Some("清单中的执法行为所在阶段，未上传相应音像记录的不能完成。".into()),
        actions: vec![(format!("/agencies/{id}"), "返回执法主体".into())],
        sections: vec![law, own],
        ..Default::default()
    };
    render_table(&Nav::for_user(&user), &page)
}

fn av_form(id: Uuid) -> FormPage {
    let acts = RecordKind::ALL
        .iter()
        .filter(|k| k.mandatory_av().is_none())
        .map(|k| (k.as_str().to_string(), format!("{}（{}）", k.label(), k.stage().label())))
        .collect();
    FormPage::new(
        "增列音像记录事项",
        &format!("/agencies/{id}/av-items"),
        vec![
            Field::new("act", "执法行为", "select").required().options(acts),
            Field::text("place", "场所").hint("例如 办案场所询问室"),
            Field::new("content", "记录内容", "longtext").required(),
            Field::new("method", "记录方式", "select").required().options(vec![
                ("any".into(), AvRequirement::Any.label().into()),
                ("photo_or_video".into(), AvRequirement::PhotoOrVideo.label().into()),
                ("video".into(), AvRequirement::Video.label().into()),
            ]),
        ],
    )
}

pub async fn av_new(user: CurrentUser, Parsed(id): Parsed<Uuid>) -> Response {
    admin_form(&user, id, &av_form(id))
}

pub async fn av_create(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed(id): Parsed<Uuid>,
    body: Bytes,
) -> Response {
    let v = pairs(&body);
    let act = RecordKind::parse(value(&v, "act"));
    let method = match value(&v, "method") {
        "photo_or_video" => Some(AvRequirement::PhotoOrVideo),
        "video" => Some(AvRequirement::Video),
        "any" => Some(AvRequirement::Any),
        _ => None,
    };
    let (Some(act), Some(method)) = (act, method) else {
        return render_form(
            &Nav::for_user(&user),
            &av_form(id).fill(&v).with_errors(&Rejection::one("act", "请选择执法行为和记录方式")),
        );
    };
    let item = AvListItem {
        id: Uuid::new_v4(),
        act,
        place: value(&v, "place").trim().into(),
        content: value(&v, "content").trim().into(),
        method,
    };
    let r = s.app.list_av_item(&user.principal, id, item).await;
    after_submit(&user, r, av_form(id), &v, |_| format!("/agencies/{id}/av-items"))
}

/// GET /agencies/{id}/form-books
pub async fn form_books(State(s): State<AppState>, user: CurrentUser, Parsed(id): Parsed<Uuid>) -> Response {
    let agency = match readable_agency(&s, &user, id).await {
        Ok(a) => a,
        Err(e) => return page_error(&user, e),
    };
    let mut books = Section::new("当场处罚决定书（预定格式、编有号码）", &["起始编号", "终止编号", "份数", "发放日期"]);
    for b in &agency.form_books {
        books.rows.push(vec![
            b.number(b.first).into(),
            b.number(b.last).into(),
            (b.last - b.first + 1).to_string().into(),
            b.issued_on.to_string().into(),
        ]);
    }
    if user.principal.can_administer_agency(id).is_ok() {
        books.actions.push((format!("/agencies/{id}/form-books/new"), "发放决定书".into()));
    }
    let page = TablePage {
        title: format!("{}：当场处罚决定书", agency.info.name),
        notice: Some("简易程序当场处罚须使用本机关发放的、编有号码的决定书；每个编号只能使用一次。".into()),
        actions: vec![(format!("/agencies/{id}"), "返回执法主体".into())],
        sections: vec![books],
        ..Default::default()
    };
    render_table(&Nav::for_user(&user), &page)
}

fn book_form(id: Uuid) -> FormPage {
    FormPage::new(
        "发放当场处罚决定书",
        &format!("/agencies/{id}/form-books"),
        vec![
            Field::text("prefix", "编号前缀").required().hint("例如 安市监简"),
            Field::text("first", "起始号").required(),
            Field::text("last", "终止号").required(),
            Field::text("width", "编号位数").required().value("6"),
            Field::new("issued_on", "发放日期", "date").required(),
        ],
    )
}

pub async fn book_new(user: CurrentUser, Parsed(id): Parsed<Uuid>) -> Response {
    admin_form(&user, id, &book_form(id))
}

pub async fn book_create(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed(id): Parsed<Uuid>,
    body: Bytes,
) -> Response {
    let v = pairs(&body);
    let mut r = Rejection::new();
    let mut num = |field: &str, label: &str| match value(&v, field).trim().parse::<u32>() {
        Ok(n) => Some(n),
        Err(_) => {
            r.add(field, format!("{label}应为正整数"));
            None
        }
    };
    let (first, last, width) = (num("first", "起始号"), num("last", "终止号"), num("width", "编号位数"));
    let issued = date_field(&mut r, "issued_on", "发放日期", value(&v, "issued_on"));
    let (Some(first), Some(last), Some(width), Some(issued_on), true) = (first, last, width, issued, r.is_empty())
    else {
        return render_form(&Nav::for_user(&user), &book_form(id).fill(&v).with_errors(&r));
    };
    let book = FormBook {
        id: Uuid::new_v4(),
        prefix: value(&v, "prefix").trim().into(),
        first,
        last,
        width: u8::try_from(width).unwrap_or(u8::MAX),
        issued_on,
        holder: None,
    };
    let res = s.app.issue_form_book(&user.principal, id, book).await;
    after_submit(&user, res, book_form(id), &v, |_| format!("/agencies/{id}/form-books"))
}
