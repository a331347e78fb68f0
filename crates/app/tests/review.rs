//! Legal review services against a real database (either backend): the gate (L-02) at the
//! service level, submission, notice and supplement, the conclusion, the queue with its
//! countdown, re-authenticated signatures of a collective discussion, the judicial
//! bureau's review and the staffing report.

use uuid::Uuid;
use zhifa_app::App;
use zhifa_app::cases::{RecordInput, beijing_now};
use zhifa_core::access::Principal;
use zhifa_core::case::review::decide::{Conclude, Submission};
use zhifa_core::case::review::{ChecklistAnswer, ChecklistItem, CollectiveDecision, Level, Opinion, Standing};
use zhifa_core::case::{RecordKind, Stage};
use zhifa_store::testing::TestDb;

struct Demo {
    _t: TestDb,
    app: App,
    zf: Principal,
    head: Principal,
    head2: Principal,
    reviewer: Principal,
}

async fn login(app: &App, user: &str) -> Principal {
    app.db.account_for_login(user).await.unwrap().unwrap().0.principal()
}

async fn demo() -> Demo {
    let t = TestDb::new().await;
    let app = App::new(t.db.clone());
    app.load_demo().await.unwrap();
    Demo {
        zf: login(&app, "scj-zf").await,
        head: login(&app, "scj-head").await,
        head2: login(&app, "scj-head2").await,
        reviewer: login(&app, "scj-fzsh").await,
        app,
        _t: t,
    }
}

fn today() -> String {
    beijing_now().format("%Y-%m-%d").to_string()
}

fn sound() -> Vec<ChecklistAnswer> {
    ChecklistItem::ALL
        .iter()
        .map(|i| ChecklistAnswer { item: *i, answer: i.sound_answer(), note: String::new() })
        .collect()
}

fn decision_document() -> RecordInput {
    let mut doc = RecordInput::new(RecordKind::DecisionDocument, &[("document_number", "安市监罚决〔2026〕7号")]);
    // R-13, B-02 and the four reasons of G-01, detailed as a major decision needs them.
    for (k, v) in zhifa_app::demo_review::decision_fields("刘某某", &today()) {
        doc.fields.insert(k.into(), v);
    }
    doc
}

impl Demo {
    /// A penalty case in its decision stage whose draft proposes 罚款15000元 for a citizen:
    /// major under 安乡's profile (L-01).
    async fn major_case(&self) -> Uuid {
        let case = zhifa_app::demo_penalty::DemoPenalty::major("刘某某");
        self.app.demo_penalty_in_decision(&case).await.unwrap()
    }

    async fn round(&self, case: Uuid) -> Uuid {
        self.app.db.load_case(case).await.unwrap().unwrap().0.review.rounds.last().unwrap().id
    }
}

// rule: L-02
#[tokio::test]
async fn the_service_refuses_a_major_decision_until_the_legal_unit_approves() {
    let d = demo().await;
    let id = d.major_case().await;
    let err = d.app.add_record(&d.zf, id, decision_document()).await.unwrap_err().to_string();
    assert!(err.contains("L-02") && err.contains("拟罚款15000元"), "{err}");
    let err = d.app.complete_stage(&d.zf, id, Stage::Decision).await.unwrap_err().to_string();
    assert!(err.contains("L-02"), "{err}");
    d.app.submit_review(&d.zf, id, Submission::default()).await.unwrap();
    let err = d.app.add_record(&d.zf, id, decision_document()).await.unwrap_err().to_string();
    assert!(err.contains("正在审核"), "{err}");
    let round = d.round(id).await;
    // The handler cannot review; the agency's legal reviewer can.
    let cmd = Conclude {
        round,
        checklist: sound(),
        opinion: Opinion::Approve,
        reasons: "事实清楚，证据确凿，裁量适当".into(),
    };
    assert!(d.app.conclude_review(&d.zf, id, cmd.clone()).await.is_err());
    d.app.conclude_review(&d.reviewer, id, cmd).await.unwrap();
    d.app.add_record(&d.zf, id, decision_document()).await.unwrap();
}

// rule: L-03
// rule: L-06
#[tokio::test]
async fn the_queue_counts_down_in_working_days_and_stops_while_materials_are_supplemented() {
    let d = demo().await;
    let id = d.major_case().await;
    d.app.submit_review(&d.zf, id, Submission::default()).await.unwrap();
    let queue = d.app.review_queue(&d.reviewer).await.unwrap();
    let item = queue.iter().find(|i| i.case.id == id).expect("in the queue");
    assert_eq!(item.level, Level::Agency);
    let clock = item.clock.as_ref().unwrap();
    // 安乡: 3 working days; submitted today, on whatever kind of day today is.
    assert!(clock.remaining <= 3 && clock.remaining >= 2, "{clock:?}");
    // The demo's own case waits in the queue too.
    assert!(queue.iter().any(|i| i.case.party_name == "王某某"));
    // Officers have no queue.
    assert!(d.app.review_queue(&d.zf).await.is_err());
    let round = d.round(id).await;
    d.app.notice_materials(&d.reviewer, id, round, &["当事人营业执照复印件".into()]).await.unwrap();
    let queue = d.app.review_queue(&d.reviewer).await.unwrap();
    let item = queue.iter().find(|i| i.case.id == id).unwrap();
    assert!(item.clock.as_ref().unwrap().paused && item.task.contains("补充材料"));
    let err = d.app.notice_materials(&d.reviewer, id, round, &["再要一份".into()]).await.unwrap_err();
    assert!(err.to_string().contains("一次性告知"));
    let declared = [(zhifa_core::case::review::MaterialKind::CaseFile, "营业执照复印件一份".to_string())].into();
    d.app.supplement_materials(&d.zf, id, round, &declared, "已补充营业执照复印件").await.unwrap();
    let view = d.app.review_view(&d.reviewer, id).await.unwrap();
    assert!(!view.rounds[0].clock.as_ref().unwrap().paused);
    assert!(matches!(view.standing, Standing::InReview { .. }));
    // An extension is the head's to approve.
    d.app.request_review_extension(&d.reviewer, id, round, "涉及多个法律关系，需进一步核实").await.unwrap();
    assert!(d.app.decide_review_extension(&d.zf, id, round, true, "同意").await.is_err());
    let heads = d.app.review_queue(&d.head).await.unwrap();
    assert!(heads.iter().any(|i| i.case.id == id && i.task.contains("延长")));
    d.app.decide_review_extension(&d.head, id, round, true, "同意延长").await.unwrap();
    let view = d.app.review_view(&d.reviewer, id).await.unwrap();
    assert_eq!(view.rounds[0].clock.as_ref().unwrap().allowed.0, 5);
}

// rule: L-09
#[tokio::test]
async fn each_participant_signs_the_collective_discussion_with_their_own_password() {
    let d = demo().await;
    let id = d.major_case().await;
    d.app.submit_review(&d.zf, id, Submission::default()).await.unwrap();
    let mut wanting = sound();
    wanting[5].answer = false;
    wanting[5].note = "罚款偏高".into();
    let modify = |round| Conclude {
        round,
        checklist: wanting.clone(),
        opinion: Opinion::ModifyDiscretion,
        reasons: "宜在较重阶次下限处罚".into(),
    };
    d.app.conclude_review(&d.reviewer, id, modify(d.round(id).await)).await.unwrap();
    d.app.request_re_review(&d.zf, id, "当事人经营规模较大，拒不改正情节突出").await.unwrap();
    d.app.conclude_review(&d.reviewer, id, modify(d.round(id).await)).await.unwrap();
    let participants = [d.head.account_id, d.head2.account_id];
    let discussion = d
        .app
        .record_collective(
            &d.head,
            id,
            &participants,
            "局长：……；副局长：……",
            CollectiveDecision::AdoptDraft,
            "情节突出，维持拟定决定",
        )
        .await
        .unwrap();
    // A wrong password is no signature; another's account cannot sign for a participant.
    let err = d.app.sign_collective(&d.head, id, discussion, "wrong-password1").await.unwrap_err();
    assert!(err.to_string().contains("密码不正确"), "{err}");
    assert!(d.app.sign_collective(&d.zf, id, discussion, zhifa_app::demo::DEMO_PASSWORD).await.is_err());
    d.app.sign_collective(&d.head, id, discussion, zhifa_app::demo::DEMO_PASSWORD).await.unwrap();
    let err = d.app.add_record(&d.zf, id, decision_document()).await.unwrap_err().to_string();
    assert!(err.contains("尚待签名"), "{err}");
    let head2 = d.head2.clone();
    assert!(d.app.review_queue(&head2).await.unwrap().iter().any(|i| i.case.id == id && i.task.contains("签名")));
    d.app.sign_collective(&head2, id, discussion, zhifa_app::demo::DEMO_PASSWORD).await.unwrap();
    d.app.add_record(&d.zf, id, decision_document()).await.unwrap();
}

// rule: L-10
// rule: L-07
#[tokio::test]
async fn the_judicial_bureau_reviews_a_decision_in_the_governments_name_and_staffing_is_reported() {
    let d = demo().await;
    let id = d.major_case().await;
    d.app.flag_major(&d.zf, id, "government_name", "依法以县人民政府名义作出").await.unwrap();
    d.app.submit_review(&d.zf, id, Submission::default()).await.unwrap();
    let cmd =
        |round| Conclude {
            round, checklist: sound(), opinion: Opinion::Approve, reasons: "合法、适当，同意".into()
        };
    d.app.conclude_review(&d.reviewer, id, cmd(d.round(id).await)).await.unwrap();
    let err = d.app.add_record(&d.zf, id, decision_document()).await.unwrap_err().to_string();
    assert!(err.contains("司法局"), "{err}");
    let bureau = Submission { level: Some(Level::Bureau), ..Default::default() };
    d.app.submit_review(&d.zf, id, bureau).await.unwrap();
    let sfj = login(&d.app, "sfj-fzsh").await;
    let queue = d.app.review_queue(&sfj).await.unwrap();
    assert!(queue.iter().any(|i| i.case.id == id && i.level == Level::Bureau));
    // The agency's reviewer is not the bureau's.
    assert!(d.app.conclude_review(&d.reviewer, id, cmd(d.round(id).await)).await.is_err());
    d.app.review_view(&sfj, id).await.unwrap();
    d.app.conclude_review(&sfj, id, cmd(d.round(id).await)).await.unwrap();
    d.app.add_record(&d.zf, id, decision_document()).await.unwrap();
    // 安乡县市场监督管理局: 3 officers in post, 2 legal reviewers: enough; 莱州市统计局 has 1.
    let scj = d.app.review_staffing(&d.head, d.zf.agency_id.unwrap()).await.unwrap();
    assert!(!scj.short(), "{scj:?}");
    let ltj = login(&d.app, "ltj-head").await;
    let short = d.app.review_staffing(&ltj, ltj.agency_id.unwrap()).await.unwrap();
    assert!(short.short() && short.describe().contains("缺1人"), "{short:?}");
}
