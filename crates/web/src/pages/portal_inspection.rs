//! The portal's random inspections (S-02, S-05), without login: `/gs/inspections` lists the
//! plans whose draw commitment is public; `/gs/inspections/{id}` is the public record of a
//! draw — the plan, its items, the seed commitment and pools hash with the day they were
//! published, the pool sizes, then the revealed seed, the public input, the draw seed, the
//! outcome (targets, inspectors' names and certificate numbers: P-06), a live re-run and
//! the links to the published results — with how to verify it oneself from
//! `/gs/inspections/{id}/draw.json`: the plan's events as a JSON array, what
//! `zhifa draw verify --file draw.json` folds and re-runs.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use uuid::Uuid;
use zhifa_core::disclosure::publication::Status;
use zhifa_core::events::{DomainEvent, stream};
use zhifa_core::inspection::PlanEvent;

use crate::AppState;
use crate::forms::{Cell, Nav, Section, TablePage, render_table};
use crate::pages::Parsed;
use crate::pages::inspection::{cached_agency_name, status_label};
use crate::pages::inspection_plans::{
    item_names, items_section, plan_info, publication_of, task_items, task_team, verification,
};
use crate::pages::portal::failed;

/// How many plans the portal lists.
const PLANS_SHOWN: i64 = 500;

/// GET /gs/inspections
pub async fn list(State(s): State<AppState>) -> Response {
    let rows = match s.app.db.public_plans(PLANS_SHOWN).await {
        Ok(r) => r,
        Err(e) => return failed(e.into()),
    };
    let mut names = std::collections::BTreeMap::new();
    let mut section =
        Section::new("抽查计划", &["执法机关", "计划名称", "计划期间", "状态", "承诺公布日期", "抽取日期"]);
    for r in &rows {
        section.rows.push(vec![
            cached_agency_name(&s, &mut names, r.agency_id).await.into(),
            Cell::link(&r.name, format!("/gs/inspections/{}", r.id)),
            format!("{} 至 {}", r.from, r.to).into(),
            status_label(&r.status).into(),
            r.committed_on.map(|d| d.to_string()).unwrap_or_default().into(),
            r.drawn_on.map(|d| d.to_string()).unwrap_or_default().into(),
        ]);
    }
    let page = TablePage {
        title: "双随机抽查".into(),
        notice: Some(
            "随机抽取检查对象、随机选派执法检查人员（双随机），抽查情况及查处结果向社会公开（一公开）。抽取前公布随机种子的承诺值和名录库哈希，抽取后公开种子，任何人都可以重新计算核验抽取结果。"
                .into(),
        ),
        sections: vec![section],
        ..Default::default()
    };
    render_table(&Nav::portal(), &page)
}

/// GET /gs/inspections/{id}
pub async fn show(State(s): State<AppState>, Parsed(id): Parsed<Uuid>) -> Response {
    let view = match s.app.public_plan(id).await {
        Ok(v) => v,
        Err(e) => return failed(e),
    };
    let plan = &view.plan;
    let mut page = TablePage { title: plan.spec.name.clone(), info: plan_info(&view), ..Default::default() };
    page.notice = Some(verification(&s, plan).await.unwrap_or_else(|| {
        "已公布抽取承诺，尚未抽取。抽取时将公开随机种子，届时可核验种子与上列承诺值是否一致。".into()
    }));
    page.actions = vec![
        (format!("/gs/inspections/{id}/draw.json"), "下载抽取记录 draw.json".into()),
        ("/gs/inspections".into(), "返回双随机抽查".into()),
    ];
    page.sections.push(items_section(&s, plan).await);
    if plan.drawn.is_some() {
        let names = item_names(&s, plan).await;
        let mut tasks = Section::new(
            "抽取结果",
            &["序号", "检查对象", "统一社会信用代码", "抽查事项", "检查人员（执法证号）", "检查结果公示"],
        );
        for t in plan.tasks() {
            let published = match publication_of(&s, id, t.index).await {
                Some((Status::Public { .. }, pid)) => Cell::link("查看检查结果", format!("/gs/decisions/{pid}")),
                _ => "尚未公示".into(),
            };
            tasks.rows.push(vec![
                (t.index + 1).to_string().into(),
                t.target_name.clone().into(),
                t.target_key.clone().into(),
                task_items(t, &names).into(),
                task_team(t).into(),
                published,
            ]);
        }
        page.sections.push(tasks);
    }
    page.sections.push(how_to_verify(id));
    render_table(&Nav::portal(), &page)
}

/// The steps of verifying a draw oneself (S-02).
fn how_to_verify(id: Uuid) -> Section {
    let mut steps = Section::new("如何自行验证", &["步骤", "做法"]);
    let rows: [(&str, Cell); 5] = [
        ("1. 下载抽取记录", Cell::link(format!("/gs/inspections/{id}/draw.json"), format!("/gs/inspections/{id}/draw.json"))),
        (
            "2. 核对承诺",
            "draw.json 是本计划事件的JSON数组（计划内容、抽取承诺、抽取记录），其中的种子承诺值和名录库哈希应与本页及承诺公布之日公示的一致。".into(),
        ),
        (
            "3. 重新抽取",
            "运行 zhifa draw verify --file draw.json：程序重新计算名录库哈希和 SHA-256(种子)，与承诺比对，再按公开的种子和现场公开输入重新抽取，逐个任务与记录的结果比对。".into(),
        ),
        (
            "4. 自行实现",
            "算法公开（第1版）：抽取种子 = SHA-256(\"zhifa-draw-v1\" ‖ 种子 ‖ 公开输入)，以 ChaCha20 密钥流为随机数，按事项顺序部分 Fisher–Yates 抽取检查对象，再按各机关的轮转队列选派检查人员并跳过须回避者；也可以按此说明用任何语言重新实现。".into(),
        ),
        ("5. 结果", "重新抽取的结果与本页公示的抽取结果一致，即说明抽取未被事后改动。".into()),
    ];
    for (step, how) in rows {
        steps.rows.push(vec![step.into(), how]);
    }
    steps
}

/// GET /gs/inspections/{id}/draw.json: the plan's events that make up the draw's record, in
/// order, as a JSON array of `PlanEvent` payloads — what `zhifa_core::inspection::verify_draw`
/// needs once folded into a `Plan`. The results recorded after the draw are left out: they
/// are published through their redacted notices (D-07), never as raw events.
pub async fn draw_json(State(s): State<AppState>, Parsed(id): Parsed<Uuid>) -> Response {
    if let Err(e) = s.app.public_plan(id).await {
        return failed(e);
    }
    let events = match s.app.db.load_stream(&stream::inspection_plan(id)).await {
        Ok(e) => e,
        Err(e) => return failed(e.into()),
    };
    let record: Vec<&PlanEvent> = events
        .iter()
        .filter_map(|e| match &e.event {
            DomainEvent::Plan(p) => Some(p),
            _ => None,
        })
        .filter(|p| {
            matches!(
                p,
                PlanEvent::PlanCreated { .. }
                    | PlanEvent::PlanEdited { .. }
                    | PlanEvent::Committed { .. }
                    | PlanEvent::Drawn { .. }
            )
        })
        .collect();
    match serde_json::to_vec_pretty(&record) {
        Ok(body) => (
            StatusCode::OK,
            [
                (header::CONTENT_TYPE, "application/json; charset=utf-8".to_string()),
                (header::CONTENT_DISPOSITION, "inline; filename=\"draw.json\"".to_string()),
            ],
            body,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "serialising a plan's events failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "暂时无法生成抽取记录，请稍后再试。").into_response()
        }
    }
}
