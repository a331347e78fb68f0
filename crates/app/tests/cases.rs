//! Case services against a real database (either backend): opening, records, form
//! numbers under concurrency, the access log and copy approvals.

use uuid::Uuid;
use zhifa_app::App;
use zhifa_app::cases::{OpenCaseInput, RecordInput};
use zhifa_core::access::Principal;
use zhifa_core::case::{Initiation, Party, PartyKind, Procedure, RecordKind, Signature, SpotPenalty, Stage};
use zhifa_core::money::Money;
use zhifa_core::personnel::Conflict;
use zhifa_core::registry::{ActKind, FormBook};
use zhifa_store::testing::TestDb;

struct Demo {
    _t: TestDb,
    app: App,
    agency: Uuid,
    handling: Uuid,
    officers: Vec<Uuid>,
    zf: Principal,
    head: Principal,
    admin: Principal,
    reviewer: Principal,
}

async fn login(app: &App, user: &str) -> Principal {
    app.db.account_for_login(user).await.unwrap().unwrap().0.principal()
}

async fn demo() -> Demo {
    let t = TestDb::new().await;
    let app = App::new(t.db.clone());
    app.load_demo().await.unwrap();
    let scj = app.db.agencies().await.unwrap().into_iter().find(|a| a.info.name == "安乡县市场监督管理局").unwrap();
    let handling = app
        .db
        .units(scj.id)
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.name.contains("大队") || u.kind == zhifa_core::registry::UnitKind::Handling)
        .unwrap()
        .id;
    let officers = app.officers_in_post("scj-zf").await.unwrap();
    Demo {
        agency: scj.id,
        handling,
        officers,
        zf: login(&app, "scj-zf").await,
        head: login(&app, "scj-head").await,
        admin: login(&app, "scj-admin").await,
        reviewer: login(&app, "scj-fzsh").await,
        app,
        _t: t,
    }
}

fn party() -> Party {
    Party {
        kind: PartyKind::Person,
        name: "刘某某".into(),
        id_number: String::new(),
        address: "安乡县深柳镇".into(),
        phone: String::new(),
        representative: String::new(),
        minor: false,
    }
}

impl Demo {
    fn open(&self, procedure: Procedure) -> OpenCaseInput {
        OpenCaseInput {
            agency_id: self.agency,
            act_kind: ActKind::Penalty,
            procedure,
            initiation: Initiation::ExOfficio { urgent: false },
            party: party(),
            summary: "占道经营".into(),
            item_code: None,
            handling_unit: self.handling,
            officers: self.officers[..2].to_vec(),
            auxiliaries: vec![],
            violation_ended_on: Some(zhifa_app::cases::beijing_now().date() - chrono::Days::new(7)),
            serious_harm: false,
            limitation_override: String::new(),
        }
    }

    fn spot(&self, number: &str) -> RecordInput {
        // Decided now: an act is dated neither before the case was opened nor after today (P-02).
        let now = zhifa_app::cases::beijing_now().format("%Y-%m-%d %H:%M").to_string();
        let mut r = RecordInput::new(
            RecordKind::OnTheSpotDecision,
            &[
                ("facts", "占道经营"),
                ("basis", "《中华人民共和国市场主体登记管理条例》第四十八条第一款"),
                ("statements", "无异议"),
                ("decided_at", &now),
                ("place", "人民路"),
                // The demo agency's benchmark (B-02): 罚款1万元以下 in this tier.
                ("violation_code", "AX-SC-DJ-001"),
                ("tier", "一般"),
            ],
        );
        r.officers = self.officers[..2].to_vec();
        r.officers_signed = self.officers[..2].to_vec();
        r.credentials_shown = true;
        r.signature = Some(Signature::Signed { signer: "刘某某".into() });
        r.form_number = Some(number.into());
        r.penalty = Some(SpotPenalty { warning: false, fine: Some(Money::from_yuan(100)) });
        r
    }
}

// rule: R-16
#[tokio::test]
async fn each_form_number_is_used_once_even_under_concurrent_use() {
    let d = demo().await;
    let book = FormBook {
        id: Uuid::new_v4(),
        prefix: "安市监测".into(),
        first: 1,
        last: 50,
        width: 6,
        issued_on: "2026-01-01".parse().unwrap(),
        holder: None,
    };
    d.app.issue_form_book(&d.admin, d.agency, book).await.unwrap();
    let mut cases = vec![];
    for _ in 0..6 {
        cases.push(d.app.open_case(&d.zf, d.open(Procedure::Simplified)).await.unwrap());
    }
    // A number outside every issued book.
    let e = d.app.add_record(&d.zf, cases[0], d.spot("安市监测000051")).await.unwrap_err();
    assert!(e.to_string().contains("不属于本机关已发放"), "{e}");
    // Six officers use form 000007 at the same moment: exactly one succeeds.
    let mut handles = vec![];
    for c in &cases {
        let (app, zf, rec, c) = (d.app.clone(), d.zf.clone(), d.spot("安市监测000007"), *c);
        handles.push(tokio::spawn(async move { app.add_record(&zf, c, rec).await }));
    }
    let mut ok = 0;
    for h in handles {
        match h.await.unwrap() {
            Ok(_) => ok += 1,
            Err(e) => assert!(e.to_string().contains("已被使用"), "{e}"),
        }
    }
    assert_eq!(ok, 1);
    let used = d.app.db.form_number_used_by(d.agency, "安市监测000007").await.unwrap();
    assert!(used.is_some());
}

// rule: R-18
#[tokio::test]
async fn who_has_acted_in_a_case_reads_it_without_a_purpose_and_the_log_says_so() {
    let d = demo().await;
    let id = d.app.open_case(&d.zf, d.open(Procedure::Ordinary)).await.unwrap();
    // The head has not acted in the case yet: a purpose is asked for.
    let e = d.app.open_case_file(&d.head, id, "").await.unwrap_err();
    assert!(e.to_string().contains("调阅事由"), "{e}");
    // Once the head has acted in it (here: flagged the decision as major), the head reads it
    // for that work — after each of their own writes too — and each opening is logged.
    d.app.mark_major(&d.head, id, "涉及学校周边食品安全").await.unwrap();
    d.app.open_case_file(&d.head, id, "").await.unwrap();
    let log = d.app.access_log(&d.head, id).await.unwrap();
    let last = log.last().unwrap();
    assert_eq!(last.0.actor.name, d.head.display_name);
    assert!(
        matches!(&last.1, zhifa_core::case::AccessEvent::RecordOpened { purpose, .. } if purpose.starts_with("参与办案查阅")),
        "{:?}",
        last.1
    );
    // Another reader who has not acted still states a purpose.
    assert!(d.app.open_case_file(&d.reviewer, id, "").await.is_err());
}

// rule: R-18
// rule: X-05
#[tokio::test]
async fn every_opening_is_logged_and_copies_need_the_heads_approval() {
    let d = demo().await;
    let id = d.app.open_case(&d.zf, d.open(Procedure::Ordinary)).await.unwrap();
    // The assigned officer opens it without stating a purpose; others must state one.
    d.app.open_case_file(&d.zf, id, "").await.unwrap();
    let e = d.app.open_case_file(&d.reviewer, id, " ").await.unwrap_err();
    assert!(e.to_string().contains("调阅事由"));
    d.app.open_case_file(&d.reviewer, id, "法制审核").await.unwrap();
    let log = d.app.access_log(&d.head, id).await.unwrap();
    assert_eq!(log.len(), 2);
    assert_eq!(log[1].0.actor.name, d.reviewer.display_name);
    assert!(matches!(&log[1].1, zhifa_core::case::AccessEvent::RecordOpened { purpose, .. } if purpose == "法制审核"));
    // A copy request names records; one marked secret cannot be asked for, and nothing is
    // stored.
    let mut secret = RecordInput::new(
        RecordKind::InspectionReferral,
        &[("inspection", "专项检查"), ("finding", "涉及国家秘密的线索"), ("found_on", "2026-01-05")],
    );
    secret.sensitivity = zhifa_core::Sensitivity::StateSecret;
    let secret = d.app.add_record(&d.zf, id, secret).await.unwrap();
    let open = RecordInput::new(
        RecordKind::InspectionReferral,
        &[("inspection", "日常检查"), ("finding", "占道经营"), ("found_on", "2026-01-05")],
    );
    let open = d.app.add_record(&d.zf, id, open).await.unwrap();
    let e = d.app.request_copy(&d.zf, id, "刘某某", &[open, secret], "申请复议需要").await.unwrap_err();
    assert_eq!(e.to_string(), "检查发现线索登记标记为国家秘密，不得向当事人提供复制，请从申请中去除");
    assert_eq!(d.app.access_log(&d.head, id).await.unwrap().len(), 2, "a refused request is not stored");
    // A copy request waits for the head.
    let req = d.app.request_copy(&d.zf, id, "刘某某", &[open], "申请复议需要").await.unwrap();
    let log = d.app.access_log(&d.head, id).await.unwrap();
    assert!(
        matches!(&log[2].1, zhifa_core::case::AccessEvent::CopyRequested { record_ids, .. } if *record_ids == [open])
    );
    let e = d.app.decide_copy(&d.zf, id, req, true, "同意").await.unwrap_err();
    assert!(e.to_string().contains("无权"), "{e}");
    d.app.decide_copy(&d.head, id, req, true, "同意复制，涉密材料除外").await.unwrap();
    assert!(d.app.decide_copy(&d.head, id, req, true, "再批").await.is_err());
    // Another agency's account cannot open it.
    let other = login(&d.app, "ltj-zf").await;
    assert!(d.app.open_case_file(&other, id, "看看").await.is_err());
}

// rule: R-18
// rule: X-05
#[tokio::test]
async fn a_copy_request_that_names_no_records_cannot_be_approved() {
    let d = demo().await;
    let id = d.app.open_case(&d.zf, d.open(Procedure::Ordinary)).await.unwrap();
    // A request as made before requests named their records: nothing the system could check.
    let request = Uuid::new_v4();
    let old = zhifa_core::case::AccessEvent::CopyRequested {
        case_id: id,
        request_id: request,
        requester: "刘某某".into(),
        records: "全部案卷材料".into(),
        reason: "申请复议需要".into(),
        record_ids: vec![],
    };
    let s = zhifa_core::events::stream::access(id);
    let v = d.app.db.stream_version(&s).await.unwrap();
    let expected = if v == 0 { zhifa_store::ExpectedVersion::NoStream } else { zhifa_store::ExpectedVersion::Exact(v) };
    d.app.db.append_to(&zhifa_core::events::Actor::from(&d.zf), &s, expected, vec![old.into()]).await.unwrap();
    let logged = d.app.access_log(&d.head, id).await.unwrap().len();
    let e = d.app.decide_copy(&d.head, id, request, true, "同意").await.unwrap_err();
    assert!(e.to_string().contains("未逐项列明申请复制的记录，系统无法排除涉密内容，不能同意"), "{e}");
    assert_eq!(d.app.access_log(&d.head, id).await.unwrap().len(), logged, "a refused approval stores nothing");
    // It is refused, and the party asked to request again naming the records.
    d.app.decide_copy(&d.head, id, request, false, "请重新登记复制申请并逐项选择记录").await.unwrap();
}

// rule: N-06
// rule: R-01
#[tokio::test]
async fn conflicts_block_assignment_and_stages_refuse_with_what_is_missing() {
    let d = demo().await;
    let conflict = Conflict {
        party_key: "刘某某".into(),
        party_name: "刘某某".into(),
        reason: "近亲属".into(),
        declared_on: "2026-01-01".parse().unwrap(),
    };
    d.app.declare_conflict(&d.admin, d.officers[1], conflict).await.unwrap();
    let e = d.app.open_case(&d.zf, d.open(Procedure::Ordinary)).await.unwrap_err();
    assert!(e.to_string().contains("回避事由（近亲属）"), "{e}");
    let mut input = d.open(Procedure::Ordinary);
    input.officers = vec![d.officers[0], d.officers[2]];
    let id = d.app.open_case(&d.zf, input).await.unwrap();
    let e = d.app.complete_stage(&d.zf, id, Stage::Initiation).await.unwrap_err();
    assert_eq!(e.to_string(), "缺少立案审批表");
    let view = d.app.case_after_write(&d.zf, id).await.unwrap();
    assert_eq!(view.missing, vec!["缺少立案审批表".to_string()]);
    assert!(view.deadlines.iter().any(|x| x.rule == "N-02"));
    let row = d.app.db.case_row(id).await.unwrap().unwrap();
    assert!(row.number.starts_with("安乡市监案〔") || row.number.contains("案〔"), "{}", row.number);
    // Rebuilding the projections gives the same case rows.
    d.app.db.rebuild_projections().await.unwrap();
    assert_eq!(d.app.db.case_row(id).await.unwrap().unwrap().number, row.number);
}
