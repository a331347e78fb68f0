//! /review and /cases/{id}/review: the legal review of major decisions (重大执法决定法制审核,
//! rules L-01…L-11) — the queue of legal reviewers and heads with working-day countdowns,
//! the review page of a case (grounds, where it stands, every submission with its
//! materials, the notice, the checklist and opinion, the collective discussion), and the
//! agency's review catalogue. The forms are in `review_forms`.

use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;
use uuid::Uuid;
use zhifa_app::AppError;
use zhifa_app::review::{ReviewView, RoundView};
use zhifa_core::Rejection;
use zhifa_core::access::Role;
use zhifa_core::case::review::clock::ReviewClock;
use zhifa_core::case::review::major::proposed_penalty;
use zhifa_core::case::review::{Level, MaterialSource, ReviewCatalogueEntry, ReviewCatalogueKind, Standing};
use zhifa_core::money::Money;

use crate::AppState;
use crate::forms::{Cell, Field, FormPage, Nav, Section, TablePage, pairs, render_table, value};
use crate::pages::{Parsed, admin_form, after_submit, page_error};
use crate::session::CurrentUser;

/// The countdown of a round as a table cell (L-06).
pub fn clock_cell(clock: &Result<ReviewClock, String>) -> Cell {
    match clock {
        Err(e) => Cell::from(format!("期限无法计算：{e}")).tagged("bad", "日历缺失"),
        Ok(c) if c.ended.is_some() => Cell::from(c.describe()),
        Ok(c) if c.paused => Cell::from(c.describe()).tagged("", "计时暂停"),
        Ok(c) if c.overdue() => Cell::from(c.describe()).tagged("bad", "已逾期"),
        Ok(c) if c.remaining <= 1 => Cell::from(c.describe()).tagged("warn", "即将到期"),
        Ok(c) => Cell::from(c.describe()),
    }
}

/// GET /review: the review queue of a legal reviewer (their agency's submissions, and for
/// a judicial bureau those of the agencies it supervises, L-10) or a head (extensions and
/// signatures waiting for them), soonest due first.
pub async fn queue(State(s): State<AppState>, user: CurrentUser) -> Response {
    let items = match s.app.review_queue(&user.principal).await {
        Ok(i) => i,
        Err(e) => return page_error(&user, e),
    };
    let mut section = Section::new("待办", &["案件编号", "当事人", "执法主体", "审核层级", "送审", "审核期限", "待办"]);
    for i in &items {
        section.rows.push(vec![
            Cell::link(&i.case.number, format!("/cases/{}/review", i.case.id)),
            i.case.party_name.clone().into(),
            i.agency_name.clone().into(),
            i.level.label().into(),
            format!("{} {}", i.round.submitted_at.format("%Y-%m-%d %H:%M"), i.round.submitted_by.name).into(),
            clock_cell(&i.clock),
            i.task.clone().into(),
        ]);
    }
    let mut page = TablePage {
        title: if user.principal.role == Role::Head {
            "法制审核：负责人待办".into()
        } else {
            "法制审核待办".into()
        },
        notice: Some("审核期限按工作日计算，自送审材料齐全之日起算；补充材料期间不计入（L-03、L-06）。".into()),
        sections: vec![section],
        ..Default::default()
    };
    if let Some(agency) = user.principal.agency_id
        && let Ok(staffing) = s.app.review_staffing(&user.principal, agency).await
    {
        page.info.push(("法制审核人员配备（L-07）".into(), staffing.describe()));
    }
    render_table(&Nav::for_user(&user), &page)
}

fn source_cells(source: &MaterialSource) -> (Cell, Cell) {
    match source {
        MaterialSource::Derived { summary, .. } => {
            (Cell::from("案卷中已有").tagged("ok", "已取得"), summary.clone().into())
        }
        MaterialSource::Declared { text } => (Cell::from("承办机构说明").tagged("ok", "已提交"), text.clone().into()),
        MaterialSource::NotApplicable => (Cell::from("本案未经听证或评估"), Cell::from("—")),
        MaterialSource::Missing => (Cell::from("缺少").tagged("bad", "缺少"), Cell::from("—")),
    }
}

fn round_sections(id: Uuid, n: usize, rv: &RoundView) -> Vec<Section> {
    let r = &rv.round;
    let kind = if r.re_review.is_some() { "复审" } else { "送审" };
    let title = format!(
        "第{n}次{kind}（{}）：{} {}",
        r.level.label(),
        r.submitted_at.format("%Y-%m-%d %H:%M"),
        r.submitted_by.name
    );
    let mut materials = Section::new(&format!("{title} · 送审材料（L-03）"), &["材料", "状态", "说明"]);
    for m in &rv.materials {
        let (state, text) = source_cells(&m.source);
        materials.rows.push(vec![m.kind.label().into(), state, text]);
    }
    let mut steps = Section::new(&format!("{title} · 审核过程"), &["事项", "时间", "经办人", "内容"]);
    let mut step = |what: &str, at: chrono::NaiveDateTime, by: &str, text: String| {
        steps.rows.push(vec![what.into(), at.format("%Y-%m-%d %H:%M").to_string().into(), by.into(), text.into()]);
    };
    step(if r.re_review.is_some() { "申请复审" } else { "提交审核" }, r.submitted_at, &r.submitted_by.name, {
        let mut t = r.re_review.clone().map(|x| format!("复审理由：{x}")).unwrap_or_else(|| r.note.clone());
        if r.urgent {
            t.push_str("（情况紧急）");
        }
        t
    });
    if let Some(nt) = &r.notice {
        step("一次性告知补充材料", nt.at, &nt.by.name, nt.missing.join("；"));
    }
    for sp in &r.supplements {
        step("补充材料", sp.at, &sp.by.name, sp.note.clone());
    }
    if let Some(x) = &r.extension_request {
        step("申请延长审核期限", x.at, &x.by.name, x.text.clone());
    }
    if let Some(x) = &r.extension {
        let what = if x.approved { "负责人批准延长" } else { "负责人不批准延长" };
        step(what, x.at, &x.by.name, x.opinion.clone());
    }
    for a in &r.advisers {
        step(
            &format!("{}书面意见（参考）", a.capacity.label()),
            a.at,
            &a.by.name,
            format!("{}：{}", a.adviser, a.opinion),
        );
    }
    if let Some(x) = &r.refused {
        step("不予受理", x.at, &x.by.name, x.text.clone());
    }
    if let Some(c) = &r.conclusion {
        step("出具审核意见（正式意见）", c.at, &c.by.name, format!("{}。{}", c.opinion.label(), c.reasons));
    }
    let mut out = vec![materials, steps];
    if let Some(c) = &r.conclusion {
        let mut checklist = Section::new(&format!("{title} · 审核事项（L-04）"), &["审核事项", "结论", "说明"]);
        for a in &c.checklist {
            let answer = if a.answer { "是" } else { "否" };
            let cell = if a.sound() {
                Cell::from(answer).tagged("ok", "无问题")
            } else {
                Cell::from(answer).tagged("bad", "有问题")
            };
            checklist.rows.push(vec![a.item.question().into(), cell, a.note.clone().into()]);
        }
        out.push(checklist);
    } else {
        let mut clock = Section::new(&format!("{title} · 审核期限（L-06）"), &["期限"]);
        clock.rows.push(vec![clock_cell(&rv.clock)]);
        if r.refused.is_none() {
            clock.actions.push((format!("/cases/{id}/review"), "刷新".into()));
        }
        out.push(clock);
    }
    out
}

/// The actions the viewer may take now (the services check again).
fn actions(user: &CurrentUser, v: &ReviewView) -> Vec<(String, String)> {
    let id = v.case.id();
    let p = &user.principal;
    let own = p.agency_id == Some(v.case.opening.agency_id);
    let mut out = vec![(format!("/cases/{id}"), "返回案件".to_string())];
    let in_decision = v.case.current_stage() == Some(zhifa_core::case::Stage::Decision);
    if own && matches!(p.role, Role::Officer | Role::Head) && !v.case.is_archived() {
        out.push((format!("/cases/{id}/review/flag"), "申报重大执法决定情形".into()));
        if in_decision {
            match &v.standing {
                Standing::NotSubmitted { level: Level::Bureau } => {
                    out.push((format!("/cases/{id}/review/submit?level=bureau"), "报送司法局审核".into()))
                }
                Standing::NotSubmitted { .. }
                | Standing::Refused { .. }
                | Standing::Voided { .. }
                | Standing::CollectiveFollowedLegalUnit
                | Standing::NotApproved { .. }
                | Standing::CollectiveNeeded { .. } => {
                    let level = match &v.standing {
                        Standing::Refused { level, .. } | Standing::Voided { level } => *level,
                        _ => Level::Agency,
                    };
                    out.push((format!("/cases/{id}/review/submit?level={}", level.as_str()), "提交法制审核".into()))
                }
                Standing::AwaitingSupplement { round, .. } => {
                    out.push((format!("/cases/{id}/review/rounds/{round}/supplement"), "补充送审材料".into()))
                }
                _ => {}
            }
            if matches!(v.standing, Standing::NotApproved { re_review_possible: true, .. }) {
                out.push((format!("/cases/{id}/review/re-review"), "申请复审".into()));
            }
            if p.role == Role::Head && matches!(v.standing, Standing::CollectiveNeeded { .. }) {
                out.push((format!("/cases/{id}/review/collective"), "负责人集体讨论决定".into()));
            }
        }
    }
    for c in &v.case.review.collectives {
        if c.unsigned().iter().any(|s| s.account_id == p.account_id) {
            out.push((format!("/cases/{id}/review/collective/{}/sign", c.id), "在集体讨论记录上签名".into()));
        }
    }
    for rv in v.rounds.iter().filter(|r| r.round.is_open()) {
        let r = &rv.round;
        let base = format!("/cases/{id}/review/rounds/{}", r.id);
        if p.role == Role::LegalReviewer {
            if r.notice.is_none() {
                out.push((format!("{base}/notice"), "一次性告知补充材料".into()));
            }
            if r.notice.is_some() && !r.awaiting_supplement() {
                out.push((format!("{base}/refuse"), "不予受理".into()));
            }
            out.push((format!("{base}/advisers"), "录入法律顾问、公职律师意见".into()));
            if r.extension_request.is_none() {
                out.push((format!("{base}/extension"), "申请延长审核期限".into()));
            }
            if !r.awaiting_supplement() {
                out.push((format!("{base}/conclude"), "出具审核意见".into()));
            }
        }
        if p.role == Role::Head && r.extension_request.is_some() && r.extension.is_none() {
            out.push((format!("{base}/extension/decide"), "审批延长审核期限".into()));
        }
    }
    out
}

/// GET /cases/{id}/review
pub async fn show(State(s): State<AppState>, user: CurrentUser, Parsed(id): Parsed<Uuid>) -> Response {
    let v = match s.app.review_view(&user.principal, id).await {
        Ok(v) => v,
        Err(e) => return page_error(&user, e),
    };
    let o = &v.case.opening;
    let p = &v.profile.params;
    let mut info = vec![
        ("案件".to_string(), format!("{} {}（{}）", o.number, o.party.name, o.summary)),
        ("是否须法制审核".into(), if v.requirement.required() { "须经法制审核".into() } else { "无需法制审核".into() }),
    ];
    if v.requirement.required() {
        info.push(("情形（L-01、L-11）".into(), v.requirement.describe()));
    }
    info.push(("审核状态".into(), v.standing.describe()));
    // N-04: a proposal that rose after the party's statement is for the reviewer to weigh.
    if let Some(rise) = zhifa_core::case::defence::current_rise(&v.case) {
        info.push(("陈述申辩后加重（N-04）".into(), rise.describe()));
    }
    if let Some(a) = v.case.penalty_assessment() {
        info.push(("裁量基准（B-02）".into(), a.summary()));
    } else if let Some(pp) = proposed_penalty(&v.case) {
        let mut parts = vec![];
        if let Some(f) = pp.fine {
            parts.push(format!("罚款{f}"));
        }
        parts.extend(pp.severe.iter().map(|s| s.to_string()));
        if let Some(c) = pp.confiscation {
            parts.push(format!("没收{c}"));
        }
        if let Some(r) = &pp.deviation_reason {
            parts.push(format!("偏离裁量基准的理由：{r}"));
        }
        info.push(("拟处罚".into(), if parts.is_empty() { "（拟决定未载明）".into() } else { parts.join("；") }));
    }
    info.push((
        "审核期限（L-06）".into(),
        format!(
            "{}个工作日{}；案件复杂的经负责人批准可延长{}个工作日（{}）",
            p.review_wd.0,
            p.review_urgent_wd.map(|u| format!("，紧急的{}个工作日", u.0)).unwrap_or_default(),
            p.review_extension_wd.0,
            v.profile.reference()
        ),
    ));
    let mut sections = Vec::new();
    for (n, rv) in v.rounds.iter().enumerate().rev() {
        sections.extend(round_sections(id, n + 1, rv));
    }
    for c in &v.case.review.collectives {
        let mut sec = Section::new(
            &format!("负责人集体讨论（L-09）：{}，{}", c.at.format("%Y-%m-%d %H:%M"), c.decision.label()),
            &["参加人", "签名"],
        );
        for part in &c.participants {
            let signed = c.signatures.iter().find(|(s, _)| s.account_id == part.account_id);
            let cell = match signed {
                Some((_, at)) => Cell::from(at.format("%Y-%m-%d %H:%M").to_string()).tagged("ok", "已签名"),
                None => Cell::from("").tagged("warn", "待签名"),
            };
            sec.rows.push(vec![part.name.clone().into(), cell]);
        }
        let mut note = format!("讨论记录：{}；决定理由：{}", c.minutes, c.reasons);
        if c.against_legal_unit {
            note.push_str("【本决定与法制机构审核意见不一致，已在记录中注明】");
        }
        sec.rows.push(vec![note.into(), "".into()]);
        sections.push(sec);
    }
    let page = TablePage {
        title: format!("法制审核：{}", o.number),
        notice: v.viewer_acted.as_ref().map(|w| format!("您{w}，不得审核本案（L-07）；请由其他法制审核人员审核。")),
        info,
        actions: actions(&user, &v),
        sections,
        ..Default::default()
    };
    render_table(&Nav::for_user(&user), &page)
}

/// GET /agencies/{id}/review-catalogue: the agency's review catalogue (审核目录清单, L-01).
pub async fn catalogue(State(s): State<AppState>, user: CurrentUser, Parsed(id): Parsed<Uuid>) -> Response {
    let agency = match s.app.agency_for(&user.principal, id).await {
        Ok(a) => a,
        Err(e) => return page_error(&user, e),
    };
    let state = match s.app.db.load_agency(id).await {
        Ok(Some((a, _))) => a,
        Ok(None) => return page_error(&user, AppError::NotFound("执法机关")),
        Err(e) => return page_error(&user, e.into()),
    };
    let mut section = Section::new("审核目录清单", &["情形", "依据"]);
    for e in &state.review_catalogue {
        section.rows.push(vec![e.describe().into(), e.basis.clone().into()]);
    }
    if user.principal.can_administer_agency(id).is_ok() {
        section.actions.push((format!("/agencies/{id}/review-catalogue/new"), "添加目录条目".into()));
    }
    let page = TablePage {
        title: format!("{}：重大执法决定法制审核目录", agency.info.name),
        notice: Some(
            "除列入目录的情形外，以本级人民政府名义作出、达到策略配置规定的较大数额罚款、责令停产停业、关闭、吊销许可证件、行政拘留、非紧急情况下的行政强制、经听证的决定等，系统均自动认定为重大执法决定（L-01）。"
                .into(),
        ),
        actions: vec![(format!("/agencies/{id}"), "返回执法主体".into())],
        sections: vec![section],
        ..Default::default()
    };
    render_table(&Nav::for_user(&user), &page)
}

fn catalogue_form(id: Uuid) -> FormPage {
    FormPage::new(
        "添加审核目录条目",
        &format!("/agencies/{id}/review-catalogue"),
        vec![
            Field::new("kind", "类型", "select").required().options(vec![
                ("item".into(), "执法事项（该事项的全部决定）".into()),
                ("category".into(), "情形（由承办人对照勾选）".into()),
                ("confiscation".into(), "没收较大数额的标准".into()),
            ]),
            Field::text("code", "执法事项编码").hint("类型为执法事项时填写"),
            Field::text("label", "情形").hint("类型为情形时填写，例如：涉及学校周边食品安全的"),
            Field::text("amount", "较大数额（元）").hint("类型为没收较大数额的标准时填写"),
            Field::text("basis", "依据").hint("例如：省市场监管局规定、本机关审核目录"),
        ],
    )
}

pub async fn catalogue_new(user: CurrentUser, Parsed(id): Parsed<Uuid>) -> Response {
    admin_form(&user, id, &catalogue_form(id))
}

/// POST /agencies/{id}/review-catalogue
pub async fn catalogue_create(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed(id): Parsed<Uuid>,
    body: Bytes,
) -> Response {
    let v = pairs(&body);
    let what = match value(&v, "kind") {
        "item" => Ok(ReviewCatalogueKind::Item { code: value(&v, "code").into() }),
        "category" => Ok(ReviewCatalogueKind::Category { label: value(&v, "label").into() }),
        "confiscation" => Money::parse_yuan(value(&v, "amount"))
            .map(|amount| ReviewCatalogueKind::ConfiscationThreshold { amount })
            .map_err(|e| Rejection::one("amount", e.to_string())),
        _ => Err(Rejection::one("kind", "请选择类型")),
    };
    let r = match what {
        Ok(what) => {
            let entry = ReviewCatalogueEntry { id: Uuid::new_v4(), what, basis: value(&v, "basis").into() };
            s.app.list_review_entry(&user.principal, id, entry).await
        }
        Err(e) => Err(AppError::Rejected(e)),
    };
    after_submit(&user, r, catalogue_form(id), &v, |_| format!("/agencies/{id}/review-catalogue"))
}
