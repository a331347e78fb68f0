//! The public disclosure portal (行政执法公示) under `/gs`: pages anyone reads without
//! logging in, plain HTML that works without JavaScript. `/gs` lists the agencies and
//! offers the certificate search; `/gs/agencies/{id}` is an agency's pre-disclosure (D-01:
//! subject information, supervision channels, the personnel-qualification list of P-06,
//! the enforcement items) and `/gs/agencies/{id}/benchmarks` its discretion benchmarks
//! (B-01); `/gs/certificates/{number}` verifies a certificate (D-04) and `…/card` prints it
//! as a card whose QR code leads back to that page; `/gs/decisions` (in [`super::portal_search`]) lists and
//! searches the decisions public today and `/gs/decisions/{id}` shows one, redacted
//! (D-05…D-09).

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use uuid::Uuid;
use zhifa_app::AppError;
use zhifa_app::portal::{PublicCertificate, qr_svg};
use zhifa_core::personnel::CertificateStatus;

use crate::AppState;
use crate::forms::{
    Cell, Field, FormPage, MessageTemplate, Nav, Section, TablePage, render, render_form, render_table,
};
use crate::pages::Parsed;
use crate::pages::benchmarks::benchmark_sections;

/// A read that failed: not found is the portal's 404 page; anything else is logged and
/// shown as a Chinese error, never a bare 500 text.
pub(super) fn failed(e: AppError) -> Response {
    let (status, message) = match e {
        AppError::NotFound(what) => (StatusCode::NOT_FOUND, format!("未找到{what}。请核对网址或从公示首页进入。")),
        e => {
            tracing::error!(error = %e, "portal page failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "暂时无法显示该页面，请稍后再试。".to_string())
        }
    };
    let nav = Nav::portal();
    render(
        status,
        MessageTemplate {
            nav: &nav,
            title: "行政执法公示",
            class: "alert",
            message: &message,
            rows: vec![],
            back: "/gs",
        },
    )
}

fn status_tag(status: CertificateStatus) -> (&'static str, &'static str) {
    match status {
        CertificateStatus::Valid => ("ok", "有效"),
        CertificateStatus::Expired => ("bad", "已过期"),
        CertificateStatus::Revoked => ("bad", "已注销"),
        CertificateStatus::NotYetValid => ("warn", "尚未生效"),
    }
}

fn certificate_path(number: &str) -> String {
    let encoded: String = form_urlencoded::byte_serialize(number.as_bytes()).collect();
    format!("/gs/certificates/{encoded}")
}

/// GET /gs
pub async fn home(State(s): State<AppState>) -> Response {
    let agencies = match s.app.portal_agencies().await {
        Ok(a) => a,
        Err(e) => return failed(e),
    };
    let mut list = Section::new("执法主体", &["执法机关", "管辖区域", "法定职责"]);
    for a in &agencies {
        list.rows.push(vec![
            Cell::link(&a.info.name, format!("/gs/agencies/{}", a.id)),
            a.info.jurisdiction.clone().into(),
            a.info.duties.chars().take(80).collect::<String>().into(),
        ]);
    }
    let page = TablePage {
        title: "行政执法公示".into(),
        notice: Some(
            "本页公开行政执法主体、人员、职责、权限、依据、程序和监督方式；执法人员的执法证可按证号查询核验。".into(),
        ),
        actions: vec![("/gs/certificates".into(), "执法证查询".into()), ("/ledger".into(), "执法记录账本验证".into())],
        sections: vec![list],
        ..Default::default()
    };
    render_table(&Nav::portal(), &page)
}

/// GET /gs/agencies/{id}
pub async fn agency(State(s): State<AppState>, Parsed(id): Parsed<Uuid>) -> Response {
    let public = match s.app.portal_agency(id).await {
        Ok(p) => p,
        Err(e) => return failed(e),
    };
    let info = &public.agency.info;
    let sup = &info.supervision;
    let mut officers = Section::new(
        "执法人员（人员资格清单）",
        &["姓名", "执法单位", "职务", "执法证号", "执法类别", "执法区域", "有效期至"],
    );
    for o in &public.officers {
        for c in &o.certificates {
            let (class, label) = status_tag(c.status);
            officers.rows.push(vec![
                o.name.clone().into(),
                o.unit.clone().into(),
                o.position.clone().into(),
                Cell::link(&c.row.number, certificate_path(&c.row.number)).tagged(class, label),
                c.row.category.clone().into(),
                c.row.scope.clone().into(),
                c.row.expires_on.to_string().into(),
            ]);
        }
    }
    let mut items = Section::new("执法事项清单", &["编码", "事项名称", "类别", "依据", "实施主体", "程序"]);
    for i in &public.agency.items {
        items.rows.push(vec![
            i.code.clone().into(),
            i.name.clone().into(),
            i.kind.label().into(),
            i.basis.clone().into(),
            i.competence.clone().into(),
            i.procedure.clone().into(),
        ]);
    }
    let mut units = Section::new("内设执法机构", &["名称", "职责"]);
    for u in &public.agency.units {
        units.rows.push(vec![u.name.clone().into(), u.duties.clone().into()]);
    }
    let row = |k: &str, v: &str| (k.to_string(), if v.trim().is_empty() { "—".to_string() } else { v.to_string() });
    let page = TablePage {
        title: info.name.clone(),
        info: vec![
            row("统一社会信用代码", info.uscc.as_deref().unwrap_or("")),
            row("法定职责", &info.duties),
            row("管辖区域", &info.jurisdiction),
            row("法定代表人", &info.legal_representative),
            row("地址", &info.address),
            row("联系电话", &info.phone),
            row("监督机构", &sup.unit),
            row("监督电话", &sup.phone),
            row("监督地址", &format!("{} {}", sup.address, sup.postcode)),
            row("监督邮箱", &sup.email),
            row("救济途径", "对行政执法决定不服的，可以依法申请行政复议或者提起行政诉讼"),
            row("最近审核通过", &public.agency.predisclosure.approved_on().map(|d| d.to_string()).unwrap_or_default()),
        ],
        actions: vec![
            (format!("/gs/agencies/{id}/benchmarks"), "行政处罚裁量基准".into()),
            (format!("/gs/agencies/{id}/flowcharts"), "执法流程图".into()),
            (format!("/gs/agencies/{id}/statistics"), "年度执法数据统计".into()),
            ("/gs".into(), "返回公示首页".into()),
        ],
        sections: vec![units, officers, items],
        ..Default::default()
    };
    render_table(&Nav::portal(), &page)
}

/// GET /gs/agencies/{id}/benchmarks
pub async fn benchmarks(State(s): State<AppState>, Parsed(id): Parsed<Uuid>) -> Response {
    let agency = match s.app.portal_agency_state(id).await {
        Ok(a) => a,
        Err(e) => return failed(e),
    };
    let page = TablePage {
        title: format!("{}：行政处罚裁量基准", agency.info.name),
        notice: Some("行政处罚在本基准确定的阶次和幅度内作出；偏离基准的，须说明理由并经法制审核。".into()),
        actions: vec![(format!("/gs/agencies/{id}"), "返回执法主体".into())],
        sections: benchmark_sections(&agency.benchmarks),
        ..Default::default()
    };
    render_table(&Nav::portal(), &page)
}

#[derive(Debug, Deserialize, Default)]
pub struct SearchQuery {
    #[serde(default)]
    number: Option<String>,
}

fn search_form() -> FormPage {
    let mut page = FormPage::new(
        "执法证查询",
        "/gs/certificates",
        vec![Field::text("number", "执法证号").required().hint("输入执法证上的证号，或扫描执法证上的二维码")],
    );
    page.intro = "核验行政执法人员的执法证：姓名、单位、证号、执法类别、有效期和是否已注销。".into();
    page.submit = "查询".into();
    page.method = "get";
    page
}

/// GET /gs/certificates?number=…: the search form; a number found leads to its page.
pub async fn certificate_search(State(s): State<AppState>, Query(q): Query<SearchQuery>) -> Response {
    let Some(typed) = q.number else { return render_form(&Nav::portal(), &search_form()) };
    let values = [("number".to_string(), typed.clone())];
    match s.app.portal_certificate(&typed).await {
        Ok(Some(c)) => Redirect::to(&certificate_path(&c.row.number)).into_response(),
        Ok(None) => {
            let r = zhifa_core::Rejection::one(
                "number",
                "查无此执法证：请核对证号；证号无误而查不到的，该证不是本平台登记的执法证，请向发证机关核实",
            );
            let mut resp = render_form(&Nav::portal(), &search_form().fill(&values).with_errors(&r));
            *resp.status_mut() = StatusCode::NOT_FOUND;
            resp
        }
        Err(AppError::Rejected(r)) => render_form(&Nav::portal(), &search_form().fill(&values).with_errors(&r)),
        Err(e) => failed(e),
    }
}

#[derive(Template)]
#[template(path = "portal_certificate.html")]
struct CertificateTemplate<'a> {
    nav: &'a Nav,
    c: &'a PublicCertificate,
    status: (&'static str, &'static str),
    url: String,
    qr: String,
    card: bool,
}

async fn certificate_page(s: &AppState, number: &str, card: bool) -> Response {
    let c = match s.app.portal_certificate(number).await {
        Ok(Some(c)) => c,
        Ok(None) => return failed(AppError::NotFound("该执法证")),
        Err(AppError::Rejected(r)) => {
            let values = [("number".to_string(), number.to_string())];
            return render_form(&Nav::portal(), &search_form().fill(&values).with_errors(&r));
        }
        Err(e) => return failed(e),
    };
    let url = s.app.documents.public_url(&certificate_path(&c.row.number));
    let qr = qr_svg(&url, &format!("执法证{}核验二维码", c.row.number)).unwrap_or_default();
    let nav = Nav::portal();
    render(StatusCode::OK, CertificateTemplate { nav: &nav, c: &c, status: status_tag(c.status), url, qr, card })
}

/// GET /gs/certificates/{number}
pub async fn certificate(State(s): State<AppState>, Parsed(number): Parsed<String>) -> Response {
    certificate_page(&s, &number, false).await
}

/// GET /gs/certificates/{number}/card: the printable card.
pub async fn card(State(s): State<AppState>, Parsed(number): Parsed<String>) -> Response {
    certificate_page(&s, &number, true).await
}

/// GET /gs/decisions/{id}
pub async fn decision(State(s): State<AppState>, Parsed(id): Parsed<Uuid>) -> Response {
    let p = match s.app.portal_decision(id).await {
        Ok(p) => p,
        Err(e) => return failed(e),
    };
    let withdrawn = p.status == "withdrawn";
    // A withdrawn decision's content is no longer public (D-09): only which decision it was
    // and why it was withdrawn.
    let info = if withdrawn {
        let labels = p.notice.kind.field_labels();
        vec![
            (labels[3].to_string(), p.notice.document_number.clone()),
            (labels[7].to_string(), p.notice.decided_on.to_string()),
        ]
    } else {
        crate::pages::publications::notice_rows(&p.notice)
    };
    let mut page = TablePage {
        title: if withdrawn {
            format!("{}（已撤回）", p.notice.kind.label())
        } else {
            p.notice.kind.label().into()
        },
        info,
        actions: vec![
            ("/gs/decisions".into(), "返回决定公示".into()),
            (format!("/gs/decisions/{id}/proof"), "核验本公示（账本证明）".into()),
            (format!("/gs/feedback/new?kind=correction&publication={id}"), "申请更正".into()),
        ],
        ..Default::default()
    };
    if let Some(ex) = &p.explanation {
        page.notice =
            Some(if withdrawn { format!("该决定已撤回公示：{ex}") } else { format!("说明：{ex}") });
    }
    if let Some(until) = p.takedown_on.filter(|_| !withdrawn) {
        page.info.push(("公示期至".into(), until.to_string()));
    }
    render_table(&Nav::portal(), &page)
}

struct ProofStep {
    label: &'static str,
    position: i64,
    ok: bool,
    message: String,
    leaf: String,
    leaf_hash: String,
    proof: Vec<String>,
}

#[derive(Template)]
#[template(path = "publication_proof.html")]
struct ProofTemplate<'a> {
    nav: &'a Nav,
    id: Uuid,
    number: String,
    ok: bool,
    problem: String,
    events: Vec<ProofStep>,
    size: u64,
    checkpoint: String,
    verifier_key: String,
}

fn step_label(event_type: &str) -> &'static str {
    match event_type {
        "Prepared" => "生成公示信息",
        "Published" => "发布",
        "TakenDown" => "公示期满撤下",
        "Withdrawn" => "撤回",
        "Republished" => "重新公示",
        _ => "其他",
    }
}

/// GET /gs/decisions/{id}/proof: "verify this publication" (X-01, D-14).
pub async fn decision_proof(State(s): State<AppState>, Parsed(id): Parsed<Uuid>) -> Response {
    let p = match s.app.publication_proof(id).await {
        Ok(p) => p,
        Err(e) => return failed(e),
    };
    let problem = p
        .checkpoint_error
        .clone()
        .or_else(|| p.events.iter().find_map(|e| e.outcome.clone().err()))
        .unwrap_or_default();
    let nav = Nav::portal();
    let t = ProofTemplate {
        nav: &nav,
        id,
        number: p.row.notice.document_number.clone(),
        ok: p.all_verified(),
        problem,
        events: p
            .events
            .iter()
            .map(|e| ProofStep {
                label: step_label(&e.event.event_type),
                position: e.event.position,
                ok: e.verified(),
                message: e.outcome.clone().err().unwrap_or_default(),
                leaf: e.leaf.clone(),
                leaf_hash: e.leaf_hash.map(|h| h.to_base64()).unwrap_or_default(),
                proof: e.proof.iter().map(|h| h.to_base64()).collect(),
            })
            .collect(),
        size: p.checkpoint.as_ref().map_or(0, |c| c.size),
        checkpoint: p.checkpoint_note.clone(),
        verifier_key: p.verifier_key.clone(),
    };
    render(StatusCode::OK, t)
}
