//! /agencies/{id}/benchmarks: the agency's discretion benchmarks (裁量基准, rule B-01) —
//! violation types with their bases and tiers, fine ranges in 元 with two decimals —
//! readable by every account of the agency; a form to add or revise one (administrators).
//! The import of a list goes through /agencies/{id}/import?kind=benchmarks.

use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;
use uuid::Uuid;
use zhifa_app::AppError;
use zhifa_core::Rejection;
use zhifa_core::discretion::{
    Benchmark, BenchmarkText, DEFAULT_TIERS, PenaltyType, TierText, describe_citations, labels,
};

use crate::AppState;
use crate::forms::{Field, FormPage, Nav, Section, TablePage, pairs, render_table, value, values};
use crate::pages::{Parsed, admin_form, after_submit, page_error};
use crate::session::CurrentUser;

/// Tiers the form offers; a tier left without circumstances and penalty types is skipped.
const FORM_TIERS: usize = 4;

/// GET /agencies/{id}/benchmarks
pub async fn list(State(s): State<AppState>, user: CurrentUser, Parsed(id): Parsed<Uuid>) -> Response {
    let (agency, benchmarks) =
        match (s.app.agency_for(&user.principal, id).await, s.app.benchmarks_for(&user.principal, id).await) {
            (Ok(a), Ok(b)) => (a, b),
            (Err(e), _) | (_, Err(e)) => return page_error(&user, e),
        };
    let mut sections = benchmark_sections(&benchmarks);
    let overview = &mut sections[0];
    if user.principal.can_administer_agency(id).is_ok() {
        overview.actions.push((format!("/agencies/{id}/benchmarks/new"), "添加裁量基准".into()));
        overview.actions.push((format!("/agencies/{id}/import?kind=benchmarks"), "从Excel导入裁量基准".into()));
    }
    let page = TablePage {
        title: format!("{}：行政处罚裁量基准", agency.info.name),
        notice: Some(
            "拟处罚须写明违法行为编码和裁量阶次；超出该阶次处罚种类或罚款幅度的，须写明偏离裁量基准的理由，法制审核时予以审查。"
                .into(),
        ),
        actions: vec![(format!("/agencies/{id}"), "返回执法主体".into())],
        sections,
        ..Default::default()
    };
    render_table(&Nav::for_user(&user), &page)
}

/// The benchmarks as tables: an overview of the violation types, then each type's tiers
/// (the staff's page and the public portal's, B-01).
pub fn benchmark_sections(benchmarks: &[Benchmark]) -> Vec<Section> {
    let mut overview = Section::new("违法行为", &["编码", "违法行为", "违法依据", "处罚依据", "裁量阶次"]);
    let mut sections = Vec::new();
    for b in benchmarks {
        overview.rows.push(vec![
            b.code.clone().into(),
            b.name.clone().into(),
            describe_citations(&b.violation_basis).into(),
            describe_citations(&b.penalty_basis).into(),
            b.tier_names().join("、").into(),
        ]);
        let mut tiers =
            Section::new(&format!("{} {}", b.code, b.name), &["裁量阶次", "适用情形", "处罚种类", "罚款幅度"]);
        for t in &b.tiers {
            tiers.rows.push(vec![
                t.name.clone().into(),
                t.circumstances.clone().into(),
                labels(&t.penalties).into(),
                t.describe_fine().into(),
            ]);
        }
        sections.push(tiers);
    }
    sections.insert(0, overview);
    sections
}

fn penalty_options() -> Vec<(String, String)> {
    PenaltyType::ALL.iter().map(|t| (t.as_str().to_string(), t.label().to_string())).collect()
}

fn form(id: Uuid) -> FormPage {
    let mut fields = vec![
        Field::text("code", "违法行为编码").required().hint("本机关内唯一，例如 AX-SC-CF-001"),
        Field::text("name", "违法行为名称").required(),
        Field::new("violation_basis", "违法依据", "textarea")
            .required()
            .hint("法律全称及条款，须在本机关法律依据目录中，例如《中华人民共和国食品安全法》第三十四条第（十）项；多条用分号分隔"),
        Field::new("penalty_basis", "处罚依据", "textarea")
            .required()
            .hint("例如《中华人民共和国食品安全法》第一百二十四条第一款第（五）项"),
        Field::new("revise", "修订已有基准（替换同一编码的基准；已作出的评估不受影响）", "checkbox"),
    ];
    for (i, default) in DEFAULT_TIERS.iter().enumerate().take(FORM_TIERS) {
        fields.push(Field::new(&format!("tier{i}"), &format!("第{}阶次", i + 1), "heading"));
        fields.push(Field::text(&format!("tiers.{i}.name"), "阶次名称").value(*default));
        fields.push(Field::new(&format!("tiers.{i}.circumstances"), "适用情形", "textarea"));
        fields.push(Field::new(&format!("tiers.{i}.penalties"), "处罚种类", "checks").options(penalty_options()));
        fields.push(
            Field::text(&format!("tiers.{i}.fine.min"), "罚款下限")
                .hint("例如 5000、0.5万元 或 货值金额10倍；不罚款的留空"),
        );
        fields.push(Field::text(&format!("tiers.{i}.fine.max"), "罚款上限").hint("例如 1万元、违法所得3倍"));
    }
    let mut page = FormPage::new("添加裁量基准", &format!("/agencies/{id}/benchmarks"), fields);
    page.intro = "每个违法行为设定若干裁量阶次（默认为轻微、一般、较重、严重，可改用本机关的名称），写明适用情形、可处的处罚种类和罚款幅度。未填写适用情形和处罚种类的阶次不保存。".into();
    page
}

/// GET /agencies/{id}/benchmarks/new
pub async fn new_form(user: CurrentUser, Parsed(id): Parsed<Uuid>) -> Response {
    admin_form(&user, id, &form(id))
}

/// POST /agencies/{id}/benchmarks
pub async fn create(State(s): State<AppState>, user: CurrentUser, Parsed(id): Parsed<Uuid>, body: Bytes) -> Response {
    let v = pairs(&body);
    let mut text = BenchmarkText {
        code: value(&v, "code").into(),
        name: value(&v, "name").into(),
        violation_basis: value(&v, "violation_basis").into(),
        penalty_basis: value(&v, "penalty_basis").into(),
        tiers: vec![],
    };
    // The form's tier of each submitted tier, to put messages next to the right inputs.
    let mut shown = Vec::new();
    for i in 0..FORM_TIERS {
        let field = |k: &str| value(&v, &format!("tiers.{i}.{k}")).to_string();
        let penalties = values(&v, &format!("tiers.{i}.penalties")).join("、");
        if field("circumstances").trim().is_empty() && penalties.is_empty() {
            continue;
        }
        text.tiers.push(TierText {
            name: field("name"),
            circumstances: field("circumstances"),
            penalties,
            fine_min: field("fine.min"),
            fine_max: field("fine.max"),
        });
        shown.push(i);
    }
    let result = s.app.set_benchmark(&user.principal, id, &text, value(&v, "revise") == "1").await;
    let result = result.map_err(|e| match e {
        AppError::Rejected(r) => AppError::Rejected(renumber(r, &shown)),
        other => other,
    });
    after_submit(&user, result, form(id), &v, |_| format!("/agencies/{id}/benchmarks"))
}

/// `tiers.<k>.…` of the k-th submitted tier → `tiers.<form tier>.…`.
fn renumber(r: Rejection, shown: &[usize]) -> Rejection {
    let mut out = Rejection::new();
    for e in r.errors {
        let field = match e.field.strip_prefix("tiers.").and_then(|rest| rest.split_once('.')) {
            Some((k, tail)) => match k.parse::<usize>().ok().and_then(|k| shown.get(k)) {
                Some(i) => format!("tiers.{i}.{tail}"),
                None => e.field,
            },
            None => e.field,
        };
        out.add(field, e.message);
    }
    out
}
