//! Case-file evaluation (案卷评查, V-01) through the services, on either backend: a bureau
//! batch picked, scored, graded and rectified to closure; a random selection committed,
//! drawn and verified; the refusals — an open case, an evaluator who handled the case,
//! another agency's staff.

use uuid::Uuid;
use zhifa_app::auth::AccountInput;
use zhifa_app::evaluation::{NewEvaluation, ScoreInput, evaluator_id};
use zhifa_app::{App, AppError};
use zhifa_core::access::{Principal, Role};
use zhifa_core::inspection::Ratio;
use zhifa_core::supervision::evaluation::{
    Dimension, DimensionScore, EvaluationKind, Grade, RectificationState, Scoresheet, Veto, VetoFinding, summary,
};
use zhifa_store::testing::TestDb;

async fn login(app: &App, user: &str) -> Principal {
    app.db.account_for_login(user).await.unwrap().unwrap().0.principal()
}

async fn demo() -> (TestDb, App) {
    let t = TestDb::new().await;
    let app = App::new(t.db.clone());
    app.load_demo().await.unwrap();
    (t, app)
}

async fn evaluator(app: &App, user: &str) -> Uuid {
    evaluator_id(&app.db.account_for_login(user).await.unwrap().unwrap().0)
}

async fn scj(app: &App) -> Uuid {
    login(app, "scj-zf").await.agency_id.unwrap()
}

/// A bureau batch of sfj-jd over 安乡县市场监督管理局, evaluated by sfj-fzsh.
async fn bureau_batch(app: &App) -> Uuid {
    let jd = login(app, "sfj-jd").await;
    let new = NewEvaluation {
        name: "2026年度行政处罚案卷评查".into(),
        year: 2026,
        kind: EvaluationKind::Bureau,
        agencies: vec![scj(app).await],
        evaluators: vec![evaluator(app, "sfj-fzsh").await],
    };
    app.create_evaluation(&jd, new).await.unwrap()
}

fn marks(deductions: &[(Dimension, u32, &str)]) -> ScoreInput {
    let sheet = Scoresheet::STANDARD;
    ScoreInput {
        scores: Dimension::ALL
            .iter()
            .map(|&d| match deductions.iter().find(|x| x.0 == d) {
                Some((_, p, c)) => DimensionScore { dimension: d, points: *p, comment: (*c).into() },
                None => DimensionScore { dimension: d, points: sheet.max(d), comment: String::new() },
            })
            .collect(),
        vetoes: vec![],
    }
}

fn rejected(r: Result<(), AppError>, field: &str, contains: &str) {
    match r {
        Err(AppError::Rejected(rej)) => {
            let m = rej.message_for(field).unwrap_or_else(|| panic!("no error on {field}: {rej:?}"));
            assert!(m.contains(contains), "{m}");
        }
        other => panic!("expected a rejection on {field}, got {other:?}"),
    }
}

// rule: V-01
#[tokio::test]
async fn a_bureau_batch_is_picked_scored_graded_and_rectified_to_closure() {
    let (_t, app) = demo().await;
    let first = app.demo_closed_case("钱某某", 2).await.unwrap();
    let second = app.demo_closed_case("孔某某", 3).await.unwrap();
    let id = bureau_batch(&app).await;
    let jd = login(&app, "sfj-jd").await;
    let candidates = app.evaluation_candidates(&jd, id).await.unwrap();
    assert!(candidates.iter().any(|c| c.case_id == first) && candidates.iter().any(|c| c.case_id == second));
    assert!(candidates.iter().all(|c| c.closed_on.is_some()));
    app.pick_evaluation_cases(&jd, id, vec![(first, "抽样".into()), (second, "群众反映".into())]).await.unwrap();

    let fz = login(&app, "sfj-fzsh").await;
    app.score_evaluation_case(&fz, id, first, marks(&[(Dimension::Binding, 3, "页码缺失")])).await.unwrap();
    // Points alone would pass; the veto fails the file.
    let mut vetoed = marks(&[(Dimension::LawApplication, 15, "引用条款不准确")]);
    vetoed.vetoes.push(VetoFinding { veto: Veto::NoLegalBasis, comment: "处罚决定未引用处罚依据".into() });
    app.score_evaluation_case(&fz, id, second, vetoed).await.unwrap();
    // Scored once; afterwards only a correction with a reason.
    rejected(app.score_evaluation_case(&fz, id, first, marks(&[])).await, "case_id", "已评分");
    rejected(app.correct_evaluation_score(&fz, id, first, marks(&[]), " ").await, "reason", "更正理由");
    app.correct_evaluation_score(&fz, id, first, marks(&[]), "复核后页码齐全").await.unwrap();

    let view = app.evaluation(&jd, id).await.unwrap();
    let ev = &view.evaluation;
    let grade = |c: Uuid| ev.case(c).unwrap().score.as_ref().unwrap().scoring.grade();
    assert_eq!(grade(first), Grade::Excellent);
    assert_eq!(ev.case(first).unwrap().score.as_ref().unwrap().corrected.len(), 1, "the first score stays");
    assert_eq!(grade(second), Grade::Fail);

    // The notice to the agency; its officer answers, the bureau returns, the head answers
    // again, the bureau accepts (销号).
    let today = zhifa_app::cases::beijing_now().date();
    let due = today + chrono::Days::new(30);
    app.issue_rectification(&jd, id, second, "安司评查〔2026〕1号", vec!["缺少处罚依据".into()], due).await.unwrap();
    let zf = login(&app, "scj-zf").await;
    let addressed = app.rectifications_for(&zf).await.unwrap();
    assert_eq!(addressed.len(), 1);
    assert_eq!(addressed[0].rectification.state(today), RectificationState::Pending);
    // Another agency's staff neither reads the batch nor answers.
    let ltj = login(&app, "ltj-head").await;
    assert!(matches!(app.evaluation(&ltj, id).await, Err(AppError::Forbidden(_))));
    assert!(matches!(app.answer_rectification(&ltj, id, second, "已整改").await, Err(AppError::Forbidden(_))));
    assert!(app.rectifications_for(&ltj).await.unwrap().is_empty());
    // The agency sees only its own cases of the batch.
    assert_eq!(app.evaluation(&zf, id).await.unwrap().only_agency, zf.agency_id);
    app.answer_rectification(&zf, id, second, "已补充处罚依据并组织培训").await.unwrap();
    // Only the runner accepts or returns.
    assert!(matches!(app.accept_rectification(&zf, id, second, "").await, Err(AppError::Forbidden(_))));
    app.return_rectification(&jd, id, second, "培训记录未附", due).await.unwrap();
    let head = login(&app, "scj-head").await;
    app.answer_rectification(&head, id, second, "已附培训签到表").await.unwrap();
    app.accept_rectification(&jd, id, second, "整改到位").await.unwrap();

    let ev = app.evaluation(&jd, id).await.unwrap().evaluation;
    let s = summary(&ev, today);
    assert_eq!((s.total.cases, s.total.scored, s.total.excellent, s.total.fail), (2, 2, 1, 1));
    assert_eq!((s.total.open, s.total.closed), (0, 1));
    assert_eq!(s.agencies[&scj(&app).await].cases, 2);

    // The list's projection, and the same rows after a rebuild.
    let rows = app.evaluations_for(&jd).await.unwrap();
    let row = rows.iter().find(|r| r.id == id).unwrap();
    assert_eq!((row.status.as_str(), row.cases, row.scored, row.rectifications, row.closed), ("picked", 2, 2, 1, 1));
    assert!(app.evaluations_for(&zf).await.unwrap().iter().any(|r| r.id == id));
    assert!(!app.evaluations_for(&ltj).await.unwrap().iter().any(|r| r.id == id));
    app.db.rebuild_projections().await.unwrap();
    assert_eq!(app.db.evaluations(None).await.unwrap(), rows);
}

// rule: V-01
#[tokio::test]
async fn a_random_selection_is_committed_drawn_and_verified() {
    let (_t, app) = demo().await;
    app.demo_closed_case("钱某某", 2).await.unwrap();
    app.demo_closed_case("孔某某", 3).await.unwrap();
    let id = bureau_batch(&app).await;
    let jd = login(&app, "sfj-jd").await;
    let candidates = app.evaluation_candidates(&jd, id).await.unwrap();
    assert!(candidates.len() >= 3, "the demo's archived case and the two closed ones");
    // Nothing to draw before the commitment.
    rejected(app.draw_evaluation(&jd, id, "123").await, "evaluation", "尚未公布");
    app.commit_evaluation(&jd, id, Ratio::parse("50%").unwrap()).await.unwrap();
    let ev = app.evaluation(&jd, id).await.unwrap().evaluation;
    let c = ev.commitment.clone().unwrap();
    assert_eq!(c.candidates.len(), candidates.len());
    // The seed is secret until the draw: kept outside the stream under its commitment.
    let seed = app.db.draw_seed(id, &c.seed_commitment).await.unwrap().expect("seed kept");
    let bytes: [u8; 32] = zhifa_core::inspection::from_hex(&seed).unwrap().try_into().unwrap();
    assert_eq!(zhifa_core::inspection::seed_commitment(&bytes), c.seed_commitment);
    // A random batch is not picked by hand.
    let one = candidates[0].case_id;
    rejected(app.pick_evaluation_cases(&jd, id, vec![(one, "指定".into())]).await, "cases", "随机抽取");

    app.draw_evaluation(&jd, id, "3 14 15 92").await.unwrap();
    let ev = app.evaluation(&jd, id).await.unwrap().evaluation;
    let drawn = ev.drawn.clone().unwrap();
    assert_eq!(drawn.seed, seed, "the seed revealed is the one committed to");
    let k = candidates.len().div_ceil(2);
    assert_eq!(ev.cases.len(), k);
    assert!(ev.cases.iter().all(|x| candidates.iter().any(|c| c.case_id == x.case.case_id)));
    assert_eq!(app.verify_evaluation(id).await.unwrap().unwrap(), drawn.cases);
    rejected(app.draw_evaluation(&jd, id, "again").await, "evaluation", "已经抽取");
    let row = app.evaluations_for(&jd).await.unwrap().into_iter().find(|r| r.id == id).unwrap();
    assert_eq!((row.status.as_str(), row.cases), ("drawn", k as i64));
}

// rule: V-01
#[tokio::test]
async fn open_cases_handlers_and_other_agencies_are_refused() {
    let (_t, app) = demo().await;
    let closed = app.demo_closed_case("钱某某", 2).await.unwrap();
    let scj_id = scj(&app).await;
    let open = app
        .db
        .cases_of_agency(scj_id)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.closed_on.is_none() && c.archived_on.is_none())
        .expect("a demo case still open");
    let id = bureau_batch(&app).await;
    let jd = login(&app, "sfj-jd").await;
    rejected(app.pick_evaluation_cases(&jd, id, vec![(open.id, "抽样".into())]).await, "cases", "尚未结案");
    assert!(app.evaluation(&jd, id).await.unwrap().evaluation.cases.is_empty(), "nothing stored");

    // Another agency's head neither selects in the bureau's batch nor scores.
    let ltj = login(&app, "ltj-head").await;
    assert!(matches!(
        app.pick_evaluation_cases(&ltj, id, vec![(closed, "抽样".into())]).await,
        Err(AppError::Forbidden(_))
    ));
    app.pick_evaluation_cases(&jd, id, vec![(closed, "抽样".into())]).await.unwrap();
    let ltj_fz = login(&app, "ltj-fzsh").await;
    rejected(app.score_evaluation_case(&ltj_fz, id, closed, marks(&[])).await, "evaluator", "不是本次评查");
    // Only supervisors create a bureau batch; a self-evaluation covers the own agency.
    let zf = login(&app, "scj-zf").await;
    let new = NewEvaluation {
        name: "自查".into(),
        year: 2026,
        kind: EvaluationKind::Bureau,
        agencies: vec![scj_id],
        evaluators: vec![],
    };
    assert!(matches!(app.create_evaluation(&zf, new).await, Err(AppError::Forbidden(_))));

    // The officer who handled the case, holding a legal reviewer's account too, is named
    // evaluator of the agency's self-evaluation: refused on the case they handled.
    let admin = login(&app, "admin").await;
    let zf_officer = app.db.account_for_login("scj-zf").await.unwrap().unwrap().0.officer_id.unwrap();
    let input = AccountInput {
        username: "scj-zf-fz".into(),
        display_name: "李建国（兼法制审核）".into(),
        password: zhifa_app::demo::DEMO_PASSWORD.into(),
        role: Role::LegalReviewer,
        agency_id: Some(scj_id),
        officer_id: Some(zf_officer),
    };
    app.create_account(&admin, input).await.unwrap();
    let head = login(&app, "scj-head").await;
    let new = NewEvaluation {
        name: "2026年度案卷自查".into(),
        year: 2026,
        kind: EvaluationKind::SelfEvaluation,
        agencies: vec![],
        evaluators: vec![zf_officer],
    };
    let own = app.create_evaluation(&head, new).await.unwrap();
    app.pick_evaluation_cases(&head, own, vec![(closed, "自查抽样".into())]).await.unwrap();
    let dual = login(&app, "scj-zf-fz").await;
    rejected(app.score_evaluation_case(&dual, own, closed, marks(&[])).await, "evaluator", "承办人员");
    let ev = app.evaluation(&head, own).await.unwrap().evaluation;
    assert!(ev.case(closed).unwrap().score.is_none(), "nothing stored");
    // The other agency does not run the self-evaluation.
    assert!(matches!(
        app.issue_rectification(&ltj, own, closed, "1", vec!["x".into()], chrono::NaiveDate::MAX).await,
        Err(AppError::Forbidden(_))
    ));
}

#[tokio::test]
async fn the_demo_batch_has_two_scored_cases_and_a_notice() {
    let (_t, app) = demo().await;
    let id = app.load_demo_evaluation().await.unwrap();
    let jd = login(&app, "sfj-jd").await;
    let ev = app.evaluation(&jd, id).await.unwrap().evaluation;
    let s = summary(&ev, zhifa_app::cases::beijing_now().date());
    assert_eq!((s.total.cases, s.total.scored, s.total.excellent, s.total.fail, s.total.open), (2, 2, 1, 1, 1));
}
