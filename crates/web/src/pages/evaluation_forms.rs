//! The forms that change a case-file evaluation (V-01), under
//! `/supervision/evaluations/{id}`: `…/pick` (closed cases by hand with the reason),
//! `…/commit` and `…/draw` (the random selection), `…/cases/{case}/score` (seven
//! dimensions with their maxima, a comment per deduction, the vetoes as checkboxes; a
//! second submission is a correction with its reason), and the rectification:
//! `…/cases/{case}/rectification` (the notice), `…/answer` (the agency),
//! `…/accept` and `…/return` (the runner). Bad input is answered 422 with each error
//! next to its field, and nothing is stored.

use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;
use uuid::Uuid;
use zhifa_app::AppError;
use zhifa_app::evaluation::{EvaluationView, ScoreInput};
use zhifa_core::Rejection;
use zhifa_core::access::AccessError;
use zhifa_core::inspection::Ratio;
use zhifa_core::supervision::evaluation::{Dimension, DimensionScore, EvaluatedCase, Veto, VetoFinding};

use crate::AppState;
use crate::forms::{Field, FormPage, Nav, pairs, render_form, value};
use crate::pages::evaluations::ids;
use crate::pages::{Parsed, after_submit, date_field, page_error};
use crate::session::CurrentUser;

fn back(id: Uuid) -> String {
    format!("/supervision/evaluations/{id}")
}

/// The batch, for its runner only.
async fn run_view(s: &AppState, user: &CurrentUser, id: Uuid) -> Result<EvaluationView, AppError> {
    let view = s.app.evaluation(&user.principal, id).await?;
    if !view.runs {
        return Err(AccessError::Role(user.principal.role.label()).into());
    }
    Ok(view)
}

/// The batch and one of its cases the reader sees.
async fn case_view(
    s: &AppState,
    user: &CurrentUser,
    id: Uuid,
    case: Uuid,
) -> Result<(EvaluationView, EvaluatedCase), AppError> {
    let view = s.app.evaluation(&user.principal, id).await?;
    let c = view.evaluation.case(case).filter(|c| view.shows(c.case.agency_id)).cloned();
    let c = c.ok_or(AppError::NotFound("评查案卷"))?;
    Ok((view, c))
}

async fn pick_form(s: &AppState, user: &CurrentUser, id: Uuid) -> Result<FormPage, AppError> {
    run_view(s, user, id).await?;
    let candidates = s.app.evaluation_candidates(&user.principal, id).await?;
    let options = candidates
        .iter()
        .map(|c| {
            (
                c.case_id.to_string(),
                format!("{}（{}结案）", c.number, c.closed_on.map(|d| d.to_string()).unwrap_or_default()),
            )
        })
        .collect();
    let mut page = FormPage::new(
        "人工选取评查案卷",
        &format!("/supervision/evaluations/{id}/pick"),
        vec![
            Field::new("cases", "已结案的案卷", "checks").required().options(options),
            Field::new("reason", "选取理由", "textarea").required().hint("如：群众投诉较多、重大案件、上级交办"),
        ],
    );
    page.intro = "只有被评查机关已结案或已归档的案卷可以评查。人工选取后，本次评查不能再随机抽取。".into();
    page.submit = "选取".into();
    Ok(page)
}

/// GET /supervision/evaluations/{id}/pick
pub async fn pick_new(State(s): State<AppState>, user: CurrentUser, Parsed(id): Parsed<Uuid>) -> Response {
    match pick_form(&s, &user, id).await {
        Ok(f) => render_form(&Nav::for_user(&user), &f),
        Err(e) => page_error(&user, e),
    }
}

/// POST /supervision/evaluations/{id}/pick
pub async fn pick(State(s): State<AppState>, user: CurrentUser, Parsed(id): Parsed<Uuid>, body: Bytes) -> Response {
    let v = pairs(&body);
    let form = match pick_form(&s, &user, id).await {
        Ok(f) => f,
        Err(e) => return page_error(&user, e),
    };
    let mut r = Rejection::new();
    let cases = ids(&v, "cases", &mut r);
    let reason = value(&v, "reason").to_string();
    let result = if r.is_empty() {
        s.app.pick_evaluation_cases(&user.principal, id, cases.into_iter().map(|c| (c, reason.clone())).collect()).await
    } else {
        Err(r.into())
    };
    after_submit(&user, result, form, &v, |_| back(id))
}

fn commit_form(id: Uuid) -> FormPage {
    let mut page = FormPage::new(
        "公布随机抽取承诺",
        &format!("/supervision/evaluations/{id}/commit"),
        vec![
            Field::text("ratio", "抽取比例")
                .required()
                .value("10%")
                .hint("每个被评查机关已结案案卷的抽取比例，如 10%；不足一件的按一件抽取"),
        ],
    );
    page.intro = "公布承诺时冻结各被评查机关已结案的案卷作为候选名单，系统生成保密的随机种子并公布其SHA-256承诺值和名单哈希；抽取时公开种子，任何人都可以重新计算核验。".into();
    page.submit = "确认公布承诺".into();
    page
}

/// GET /supervision/evaluations/{id}/commit
pub async fn commit_new(State(s): State<AppState>, user: CurrentUser, Parsed(id): Parsed<Uuid>) -> Response {
    match run_view(&s, &user, id).await {
        Ok(_) => render_form(&Nav::for_user(&user), &commit_form(id)),
        Err(e) => page_error(&user, e),
    }
}

/// POST /supervision/evaluations/{id}/commit
pub async fn commit(State(s): State<AppState>, user: CurrentUser, Parsed(id): Parsed<Uuid>, body: Bytes) -> Response {
    let v = pairs(&body);
    let result = match Ratio::parse(value(&v, "ratio").trim()) {
        Ok(ratio) => s.app.commit_evaluation(&user.principal, id, ratio).await,
        Err(e) => Err(Rejection::one("ratio", e).into()),
    };
    after_submit(&user, result, commit_form(id), &v, |_| back(id))
}

fn draw_form(id: Uuid) -> FormPage {
    let mut page = FormPage::new(
        "现场随机抽取",
        &format!("/supervision/evaluations/{id}/draw"),
        vec![Field::text("public_input", "监督人员现场报出的数字").required().hint("原样录入，不超过200个字符")],
    );
    page.intro = "抽取时公开承诺时保密的随机种子，与现场公开输入一起决定抽取结果。同一评查活动只能抽取一次。".into();
    page.submit = "抽取".into();
    page
}

/// GET /supervision/evaluations/{id}/draw
pub async fn draw_new(State(s): State<AppState>, user: CurrentUser, Parsed(id): Parsed<Uuid>) -> Response {
    match run_view(&s, &user, id).await {
        Ok(_) => render_form(&Nav::for_user(&user), &draw_form(id)),
        Err(e) => page_error(&user, e),
    }
}

/// POST /supervision/evaluations/{id}/draw
pub async fn draw(State(s): State<AppState>, user: CurrentUser, Parsed(id): Parsed<Uuid>, body: Bytes) -> Response {
    let v = pairs(&body);
    let input = value(&v, "public_input").trim();
    let result = if input.is_empty() {
        Err(Rejection::one("public_input", "请填写监督人员现场报出的数字").into())
    } else {
        s.app.draw_evaluation(&user.principal, id, input).await
    };
    after_submit(&user, result, draw_form(id), &v, |_| back(id))
}

fn key<T: serde::Serialize>(x: T) -> String {
    serde_json::to_value(x).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default()
}

const VETOES: [Veto; 3] = [Veto::NoLegalBasis, Veto::WrongSubjectOrJurisdiction, Veto::MissingLegalReview];

fn score_form(view: &EvaluationView, c: &EvaluatedCase) -> FormPage {
    let sheet = &view.evaluation.spec.scoresheet;
    let mut fields = vec![Field::new("scores", "评分（每项在0至满分之间；扣分的须写明理由）", "heading")];
    for d in Dimension::ALL {
        let max = sheet.max(d);
        fields.push(
            Field::text(&format!("points_{}", key(d)), &format!("{}（满分{max}分）", d.label()))
                .required()
                .value(max.to_string()),
        );
        fields.push(Field::new(&format!("comment_{}", key(d)), &format!("{}扣分理由", d.label()), "textarea"));
    }
    fields.push(Field::new("vetoes", "否决项（有任一项的，案卷评为不合格）", "heading"));
    for v in VETOES {
        fields.push(Field::new(&format!("veto_{}", key(v)), v.label(), "checkbox"));
        fields.push(Field::new(&format!("veto_comment_{}", key(v)), &format!("“{}”的具体情形", v.label()), "textarea"));
    }
    if c.score.is_some() {
        fields.push(
            Field::new("reason", "更正理由", "textarea").required().hint("已评分的案卷只能更正，原评分保留在记录中"),
        );
    }
    let title = if c.score.is_some() { "更正评分" } else { "案卷评分" };
    let mut page = FormPage::new(
        &format!("{title}：{}", c.case.number),
        &format!("/supervision/evaluations/{}/cases/{}/score", view.evaluation.id, c.case.case_id),
        fields,
    );
    page.intro = "90分以上为优秀，60分以上为合格，不足60分或有否决项的为不合格。".into();
    page
}

/// The current scoring as form values.
fn score_pairs(c: &EvaluatedCase) -> Vec<(String, String)> {
    let Some(s) = &c.score else { return vec![] };
    let mut v = Vec::new();
    for d in &s.scoring.scores {
        v.push((format!("points_{}", key(d.dimension)), d.points.to_string()));
        v.push((format!("comment_{}", key(d.dimension)), d.comment.clone()));
    }
    for f in &s.scoring.vetoes {
        v.push((format!("veto_{}", key(f.veto)), "1".into()));
        v.push((format!("veto_comment_{}", key(f.veto)), f.comment.clone()));
    }
    v
}

async fn evaluator_view(
    s: &AppState,
    user: &CurrentUser,
    id: Uuid,
    case: Uuid,
) -> Result<(EvaluationView, EvaluatedCase), AppError> {
    let (view, c) = case_view(s, user, id, case).await?;
    if view.evaluator.is_none() {
        return Err(AccessError::Role(user.principal.role.label()).into());
    }
    Ok((view, c))
}

/// GET /supervision/evaluations/{id}/cases/{case}/score
pub async fn score_new(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed((id, case)): Parsed<(Uuid, Uuid)>,
) -> Response {
    match evaluator_view(&s, &user, id, case).await {
        Ok((view, c)) => render_form(&Nav::for_user(&user), &score_form(&view, &c).fill(&score_pairs(&c))),
        Err(e) => page_error(&user, e),
    }
}

/// Reads the scoring form: every number that is not one is its field's error.
fn read_scores(v: &[(String, String)]) -> Result<ScoreInput, Rejection> {
    let mut r = Rejection::new();
    let mut input = ScoreInput::default();
    for d in Dimension::ALL {
        let field = format!("points_{}", key(d));
        let text = value(v, &field).trim();
        match text.parse::<u32>() {
            Ok(points) => input.scores.push(DimensionScore {
                dimension: d,
                points,
                comment: value(v, &format!("comment_{}", key(d))).to_string(),
            }),
            Err(_) if text.is_empty() => r.add(&field, format!("请为“{}”评分", d.label())),
            Err(_) => r.add(&field, format!("“{}”的得分“{text}”不是整数", d.label())),
        }
    }
    for veto in VETOES {
        if value(v, &format!("veto_{}", key(veto))) == "1" {
            input
                .vetoes
                .push(VetoFinding { veto, comment: value(v, &format!("veto_comment_{}", key(veto))).to_string() });
        }
    }
    r.into_result().map(|_| input)
}

/// POST /supervision/evaluations/{id}/cases/{case}/score
pub async fn score(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed((id, case)): Parsed<(Uuid, Uuid)>,
    body: Bytes,
) -> Response {
    let v = pairs(&body);
    let (view, c) = match evaluator_view(&s, &user, id, case).await {
        Ok(x) => x,
        Err(e) => return page_error(&user, e),
    };
    let form = score_form(&view, &c);
    let result = match read_scores(&v) {
        Ok(input) if c.score.is_some() => {
            s.app.correct_evaluation_score(&user.principal, id, case, input, value(&v, "reason")).await
        }
        Ok(input) => s.app.score_evaluation_case(&user.principal, id, case, input).await,
        Err(r) => Err(r.into()),
    };
    after_submit(&user, result, form, &v, |_| back(id))
}

fn notice_form(id: Uuid, c: &EvaluatedCase) -> FormPage {
    let mut page = FormPage::new(
        &format!("下发整改通知：{}", c.case.number),
        &format!("/supervision/evaluations/{id}/cases/{}/rectification", c.case.case_id),
        vec![
            Field::text("number", "通知编号").required().hint("如 安司评查〔2026〕1号"),
            Field::new("problems", "发现的问题（每行一项）", "longtext").required(),
            Field::new("due", "整改期限", "date").required(),
        ],
    );
    page.submit = "下发".into();
    page
}

/// GET /supervision/evaluations/{id}/cases/{case}/rectification
pub async fn notice_new(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed((id, case)): Parsed<(Uuid, Uuid)>,
) -> Response {
    runner_form(&s, &user, id, case, notice_form).await
}

/// POST /supervision/evaluations/{id}/cases/{case}/rectification
pub async fn notice(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed((id, case)): Parsed<(Uuid, Uuid)>,
    body: Bytes,
) -> Response {
    let v = pairs(&body);
    let c = match run_view(&s, &user, id)
        .await
        .and_then(|v| v.evaluation.case(case).cloned().ok_or(AppError::NotFound("评查案卷")))
    {
        Ok(c) => c,
        Err(e) => return page_error(&user, e),
    };
    let mut r = Rejection::new();
    r.require("number", "通知编号", value(&v, "number"));
    let problems: Vec<String> =
        value(&v, "problems").lines().map(str::trim).filter(|l| !l.is_empty()).map(String::from).collect();
    if problems.is_empty() {
        r.add("problems", "请至少写明一项发现的问题");
    }
    let due = date_field(&mut r, "due", "整改期限", value(&v, "due"));
    let result = match due {
        Some(due) if r.is_empty() => {
            s.app.issue_rectification(&user.principal, id, case, value(&v, "number"), problems, due).await
        }
        _ => Err(r.into()),
    };
    after_submit(&user, result, notice_form(id, &c), &v, |_| back(id))
}

fn answer_form(id: Uuid, c: &EvaluatedCase) -> FormPage {
    let problems = c.rectification.as_ref().map(|r| r.notice.problems.join("；")).unwrap_or_default();
    let mut page = FormPage::new(
        &format!("答复整改情况：{}", c.case.number),
        &format!("/supervision/evaluations/{id}/cases/{}/answer", c.case.case_id),
        vec![Field::new("what_done", "整改情况", "longtext").required()],
    );
    page.intro = format!("整改通知指出的问题：{problems}");
    page.submit = "提交答复".into();
    page
}

/// GET /supervision/evaluations/{id}/cases/{case}/answer
pub async fn answer_new(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed((id, case)): Parsed<(Uuid, Uuid)>,
) -> Response {
    match case_view(&s, &user, id, case).await {
        Ok((_, c)) if user.principal.agency_id == Some(c.case.agency_id) => {
            render_form(&Nav::for_user(&user), &answer_form(id, &c))
        }
        Ok(_) => page_error(&user, AccessError::OtherAgency.into()),
        Err(e) => page_error(&user, e),
    }
}

/// POST /supervision/evaluations/{id}/cases/{case}/answer
pub async fn answer(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed((id, case)): Parsed<(Uuid, Uuid)>,
    body: Bytes,
) -> Response {
    let v = pairs(&body);
    let c = match case_view(&s, &user, id, case).await {
        Ok((_, c)) => c,
        Err(e) => return page_error(&user, e),
    };
    let result = s.app.answer_rectification(&user.principal, id, case, value(&v, "what_done")).await;
    after_submit(&user, result, answer_form(id, &c), &v, |_| "/supervision/evaluations".into())
}

fn accept_form(id: Uuid, c: &EvaluatedCase) -> FormPage {
    let answer =
        c.rectification.as_ref().and_then(|r| r.answers.last()).map(|a| a.what_done.clone()).unwrap_or_default();
    let mut page = FormPage::new(
        &format!("整改销号：{}", c.case.number),
        &format!("/supervision/evaluations/{id}/cases/{}/accept", c.case.case_id),
        vec![Field::new("comment", "审查意见", "textarea")],
    );
    page.intro = format!("被评查机关的答复：{answer}。整改不到位的，请改为退回。");
    page.submit = "销号".into();
    page
}

fn return_form(id: Uuid, c: &EvaluatedCase) -> FormPage {
    let mut page = FormPage::new(
        &format!("退回整改：{}", c.case.number),
        &format!("/supervision/evaluations/{id}/cases/{}/return", c.case.case_id),
        vec![
            Field::new("reasons", "退回理由", "textarea").required(),
            Field::new("due", "新的整改期限", "date").required(),
        ],
    );
    page.submit = "退回".into();
    page
}

async fn runner_case(s: &AppState, user: &CurrentUser, id: Uuid, case: Uuid) -> Result<EvaluatedCase, AppError> {
    run_view(s, user, id).await?.evaluation.case(case).cloned().ok_or(AppError::NotFound("评查案卷"))
}

/// A rectification step's form for the batch's runner, or the refusal page.
async fn runner_form(
    s: &AppState,
    user: &CurrentUser,
    id: Uuid,
    case: Uuid,
    form: fn(Uuid, &EvaluatedCase) -> FormPage,
) -> Response {
    match runner_case(s, user, id, case).await {
        Ok(c) => render_form(&Nav::for_user(user), &form(id, &c)),
        Err(e) => page_error(user, e),
    }
}

/// GET /supervision/evaluations/{id}/cases/{case}/accept
pub async fn accept_new(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed((id, case)): Parsed<(Uuid, Uuid)>,
) -> Response {
    runner_form(&s, &user, id, case, accept_form).await
}

/// POST /supervision/evaluations/{id}/cases/{case}/accept
pub async fn accept(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed((id, case)): Parsed<(Uuid, Uuid)>,
    body: Bytes,
) -> Response {
    let v = pairs(&body);
    let c = match runner_case(&s, &user, id, case).await {
        Ok(c) => c,
        Err(e) => return page_error(&user, e),
    };
    let result = s.app.accept_rectification(&user.principal, id, case, value(&v, "comment")).await;
    after_submit(&user, result, accept_form(id, &c), &v, |_| back(id))
}

/// GET /supervision/evaluations/{id}/cases/{case}/return
pub async fn return_new(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed((id, case)): Parsed<(Uuid, Uuid)>,
) -> Response {
    runner_form(&s, &user, id, case, return_form).await
}

/// POST /supervision/evaluations/{id}/cases/{case}/return
pub async fn return_answer(
    State(s): State<AppState>,
    user: CurrentUser,
    Parsed((id, case)): Parsed<(Uuid, Uuid)>,
    body: Bytes,
) -> Response {
    let v = pairs(&body);
    let c = match runner_case(&s, &user, id, case).await {
        Ok(c) => c,
        Err(e) => return page_error(&user, e),
    };
    let mut r = Rejection::new();
    let due = date_field(&mut r, "due", "新的整改期限", value(&v, "due"));
    let result = match due {
        Some(due) => s.app.return_rectification(&user.principal, id, case, value(&v, "reasons"), due).await,
        None => {
            r.require("reasons", "退回理由", value(&v, "reasons"));
            Err(r.into())
        }
    };
    after_submit(&user, result, return_form(id, &c), &v, |_| back(id))
}
