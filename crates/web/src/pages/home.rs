//! The home page: what this role should look at first.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use zhifa_core::access::Role;

use crate::AppState;
use crate::forms::{Nav, render};
use crate::pages::page_error;
use crate::session::CurrentUser;

#[derive(Template)]
#[template(path = "home.html")]
struct HomeTemplate {
    nav: Nav,
    greeting: String,
    scope: String,
    cards: Vec<(String, usize, String)>,
    todo: Vec<String>,
}

pub async fn home(State(s): State<AppState>, user: CurrentUser) -> Response {
    let p = &user.principal;
    let agencies = match s.app.agencies_for(p).await {
        Ok(a) => a,
        Err(e) => return page_error(&user, e),
    };
    let today = chrono::Local::now().date_naive();
    let mut officers = 0;
    let mut certs_valid = 0;
    let mut todo = Vec::new();
    for a in &agencies {
        let (Ok(os), Ok(cs)) = (s.app.db.officers(a.id).await, s.app.db.certificates_of_agency(a.id).await) else {
            continue;
        };
        officers += os.len();
        for c in &cs {
            if c.certificate().is_valid_on(today) {
                certs_valid += 1;
                if (c.expires_on - today).num_days() <= 30 {
                    todo.push(format!(
                        "{}：{}的执法证{}将于{}到期",
                        a.info.name, c.officer_name, c.number, c.expires_on
                    ));
                }
            }
        }
    }
    let scope = match (p.role, p.agency_id) {
        (Role::Supervisor, _) => "您可查看本县全部执法机关的数据。".to_string(),
        (_, None) => "您是平台管理员，负责执法主体、策略配置和工作日历。".to_string(),
        (_, Some(_)) => format!("您所在机关：{}", agencies.first().map(|a| a.info.name.as_str()).unwrap_or("")),
    };
    // The portal's correction requests and complaints: those open, the late ones as to-dos
    // (D-10, D-12); an auxiliary has none.
    let open_feedback = match s.app.feedback_queue(p).await {
        Ok(q) => {
            todo.extend(q.rows.iter().filter_map(|r| r.lateness.as_ref().map(|l| format!("{}：{l}", r.agency_name))));
            q.rows.iter().filter(|r| r.row.answered_on.is_none()).count()
        }
        Err(_) => 0,
    };
    let mut cards = vec![
        ("执法主体".to_string(), agencies.len(), "/agencies".to_string()),
        (
            "人员".into(),
            officers,
            agencies.first().map(|a| format!("/agencies/{}", a.id)).unwrap_or_else(|| "/agencies".into()),
        ),
        ("有效执法证".into(), certs_valid, "/agencies".into()),
    ];
    if p.role != Role::Auxiliary {
        cards.push(("待答复的更正与投诉".into(), open_feedback, "/feedback".into()));
    }
    render(
        StatusCode::OK,
        HomeTemplate {
            greeting: format!("您好，{}（{}）", p.display_name, p.role.label()),
            scope,
            cards,
            todo,
            nav: Nav::for_user(&user),
        },
    )
}
