//! The party heard before a penalty, through the services on a real database (either
//! backend): the prior notice's rights against the profile's large-fine amount (G-02), the
//! statement answered point by point (G-02), a heavier proposal after it (N-04), and the
//! hearing's request, notice and host (N-05).

use std::sync::Arc;

use uuid::Uuid;
use zhifa_app::App;
use zhifa_app::cases::{OpenCaseInput, RecordInput, beijing_now};
use zhifa_app::documents::Renderer;
use zhifa_blob::{BlobStore, Uploads};
use zhifa_core::access::Principal;
use zhifa_core::case::defence::{PointAnswer, PointKind, StatementPoint};
use zhifa_core::case::{ApprovalStep, Initiation, Party, PartyKind, Procedure, RecordKind, Signature, Stage};
use zhifa_core::law;
use zhifa_core::registry::{ActKind, UnitKind};
use zhifa_store::testing::TestDb;

struct Demo {
    _t: TestDb,
    app: App,
    zf: Principal,
    zfb: Principal,
    head: Principal,
    officers: Vec<Uuid>,
    /// 赵静, a legal reviewer of the agency who has nothing to do with the case.
    outsider: Uuid,
    case: Uuid,
    today: String,
    _dir: tempfile::TempDir,
}

/// A stand-in for the PDF renderer: the number is what is tested here (the hearing
/// notice's PDF itself is tested in zhifa-docs).
fn fake_renderer() -> Renderer {
    Arc::new(|doc: &zhifa_docs::Document| {
        Ok(zhifa_docs::Rendered { pdf: format!("%PDF-1.7 {} {:?}", doc.title, doc.number).into_bytes(), pages: 1 })
    })
}

async fn login(app: &App, user: &str) -> Principal {
    app.db.account_for_login(user).await.unwrap().unwrap().0.principal()
}

/// An ordinary penalty case in its decision stage whose approved draft proposes 罚款1.5万元
/// to a citizen — at 安乡's large-fine amount, so hearing-eligible (Art 63).
async fn demo() -> Demo {
    let t = TestDb::new().await;
    let dir = tempfile::tempdir().unwrap();
    let store = BlobStore::from_object_store(Arc::new(object_store::memory::InMemory::new()));
    let app = App::new(t.db.clone()).with_files(Uploads::new(store, dir.path().join("uploads"), 1 << 30).unwrap());
    app.load_demo().await.unwrap();
    let (zf, zfb, head) = (login(&app, "scj-zf").await, login(&app, "scj-zfb").await, login(&app, "scj-head").await);
    let agency = zf.agency_id.unwrap();
    let unit = app.db.units(agency).await.unwrap().into_iter().find(|u| u.kind == UnitKind::Handling).unwrap().id;
    let officers = app.officers_in_post("scj-zf").await.unwrap();
    let outsider = app.db.officers(agency).await.unwrap().into_iter().find(|o| o.name == "赵静").unwrap().id;
    let now = beijing_now();
    let today = now.format("%Y-%m-%d").to_string();
    let at = now.format("%Y-%m-%d %H:%M").to_string();
    let case = app
        .open_case(
            &zf,
            OpenCaseInput {
                agency_id: agency,
                act_kind: ActKind::Penalty,
                procedure: Procedure::Ordinary,
                initiation: Initiation::ExOfficio { urgent: false },
                party: Party {
                    kind: PartyKind::Person,
                    name: "王某某".into(),
                    id_number: String::new(),
                    address: "安乡县深柳镇".into(),
                    phone: String::new(),
                    representative: String::new(),
                    minor: false,
                },
                summary: "未将营业执照置于醒目位置，经责令改正拒不改正".into(),
                item_code: None,
                handling_unit: unit,
                officers: officers[..2].to_vec(),
                auxiliaries: vec![],
                violation_ended_on: Some(now.date() - chrono::Days::new(10)),
                serious_harm: false,
                limitation_override: String::new(),
            },
        )
        .await
        .unwrap();
    let d = Demo { _t: t, app, zf, zfb, head, officers, outsider, case, today, _dir: dir };
    let mut filing = RecordInput::new(
        RecordKind::FilingApproval,
        &[
            ("reason", "拒不改正"),
            ("party", "王某某"),
            ("handler_opinion", "建议立案"),
            ("unit_opinion", "同意"),
            ("head_approval", "同意"),
            ("approved_at", &at),
        ],
    );
    filing.officers = vec![d.officers[0]];
    let filing = d.app.add_record(&d.zf, case, filing).await.unwrap();
    d.chain(filing).await;
    d.app.complete_stage(&d.zf, case, Stage::Initiation).await.unwrap();
    d.add(RecordInput::new(
        RecordKind::DocumentaryEvidence,
        &[("description", "责令改正通知书"), ("source", "本局"), ("collected_on", &d.today)],
    ))
    .await;
    d.add(RecordInput::new(
        RecordKind::InvestigationReport,
        &[("facts", "拒不改正"), ("evidence", "通知书"), ("proposal", "罚款"), ("reported_on", &d.today)],
    ))
    .await;
    d.app.complete_stage(&d.zf, case, Stage::Investigation).await.unwrap();
    let draft = d.add(d.draft("15000", "")).await;
    d.chain(draft).await;
    d
}

impl Demo {
    async fn add(&self, r: RecordInput) -> Uuid {
        self.app.add_record(&self.zf, self.case, r).await.unwrap()
    }

    async fn chain(&self, record: Uuid) {
        self.app.give_approval(&self.zf, self.case, record, ApprovalStep::Handler, true, "建议").await.unwrap();
        self.app.give_approval(&self.zfb, self.case, record, ApprovalStep::Reviewer, true, "同意").await.unwrap();
        self.app.give_approval(&self.head, self.case, record, ApprovalStep::Approver, true, "同意").await.unwrap();
    }

    fn draft(&self, fine: &str, heavier_reason: &str) -> RecordInput {
        RecordInput::new(
            RecordKind::DecisionDraft,
            &[
                ("drafter", "李建国"),
                ("facts", "拒不改正"),
                ("evidence", "通知书"),
                ("basis", "《中华人民共和国市场主体登记管理条例》第四十八条第一款"),
                ("considerations", "较重"),
                ("proposal", "罚款"),
                ("violation_code", "AX-SC-DJ-001"),
                ("tier", "较重"),
                ("penalty_types", "罚款"),
                ("fine", fine),
                ("deviation_reason", ""),
                ("heavier_reason", heavier_reason),
            ],
        )
    }

    async fn events(&self) -> usize {
        self.app.db.load_case(self.case).await.unwrap().unwrap().0.records.len()
    }
}

// rule: G-02
// rule: N-04
// rule: N-05
#[tokio::test]
async fn the_party_is_notified_heard_point_by_point_and_a_requested_hearing_is_noticed_before_the_decision() {
    let d = demo().await;
    let notice = |rights: &str| {
        RecordInput::new(
            RecordKind::PriorNotice,
            &[
                ("document_number", "（出具时编号）"),
                ("facts", "拒不改正"),
                ("reasons", "经责令改正仍未将营业执照置于醒目位置，违反条例第三十六条"),
                ("basis", "条例第四十八条第一款"),
                ("intended_decision", "罚款人民币一万五千元"),
                ("rights", rights),
                ("issued_on", &d.today),
            ],
        )
    };
    // 罚款1.5万元 to a citizen reaches the profile's large-fine amount: the notice must
    // tell of the right to a hearing (G-02, Art 63).
    let before = d.events().await;
    let e = d.app.add_record(&d.zf, d.case, notice("陈述、申辩")).await.unwrap_err().to_string();
    assert!(e.contains("要求听证的权利") && e.contains("anxiang@v1"), "{e}");
    assert_eq!(d.events().await, before, "a refusal stores nothing");
    let n = d.add(notice("陈述、申辩、要求听证")).await;
    let mut service = RecordInput::new(
        RecordKind::ServiceMail,
        &[
            ("document", "事先告知书"),
            ("mail_kind", "挂号信"),
            ("tracking_number", "XA123456789CN"),
            ("sent_on", &d.today),
            ("receipt", "王某某"),
            ("received_on", &d.today),
        ],
    );
    service.serves = Some(n);
    d.add(service).await;

    // G-02: an unanswered point is refused, naming it; answered, the points are stored.
    let statement = |points: Vec<StatementPoint>| {
        let mut s = RecordInput::new(RecordKind::StatementDefence, &[("heard_on", &d.today)]);
        s.signature = Some(Signature::Signed { signer: "王某某".into() });
        s.points = points;
        s
    };
    let e = d
        .app
        .add_record(&d.zf, d.case, statement(vec![StatementPoint::new(PointKind::Defence, "已改正", None, "")]))
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("第1项（申辩：已改正）尚未答复"), "{e}");
    let s = d
        .add(statement(vec![
            StatementPoint::new(PointKind::Defence, "已改正", Some(PointAnswer::NotAdopted), "复查时仍未改正"),
            StatementPoint::new(PointKind::Evidence, "整改照片", Some(PointAnswer::Adopted), ""),
        ]))
        .await;
    let (case, ..) = d.app.db.load_case(d.case).await.unwrap().unwrap();
    let points = &case.record(s).unwrap().record.points;
    assert_eq!(points.len(), 2);
    assert_eq!(points[0].reason, "复查时仍未改正");

    // N-04: a higher fine after the statement needs its reason, and goes to legal review.
    let e = d.app.add_record(&d.zf, d.case, d.draft("20000", "")).await.unwrap_err().to_string();
    assert!(e.contains("罚款由15000元提高至20000元"), "{e}");
    d.add(d.draft("20000", "复查发现当事人另有两处门店同样拒不改正")).await;
    let review = d.app.review_view(&d.zf, d.case).await.unwrap();
    assert!(review.requirement.describe().contains("N-04"), "{}", review.requirement.describe());

    // N-05: the request within five working days of service; the notice seven working
    // days ahead, hosted by someone who did not investigate.
    let mut request = RecordInput::new(
        RecordKind::HearingRequest,
        &[("requested_on", &d.today), ("applicant", "王某某"), ("form", "书面")],
    );
    request.signature = None;
    d.add(request).await;
    let calendar = d.app.db.work_calendar().await.unwrap();
    let today = beijing_now().date();
    let early = calendar.add_working_days(today, zhifa_core::calendar::WorkingDays(law::HEARING_NOTICE.0 - 1)).unwrap();
    let ok = calendar.add_working_days(today, law::HEARING_NOTICE).unwrap();
    let hearing = |at: chrono::NaiveDate, host: Uuid| {
        let at = format!("{at} 09:00");
        let mut r = RecordInput::new(
            RecordKind::HearingNotice,
            &[("noticed_on", &d.today), ("hearing_at", &at), ("place", "本局听证室")],
        );
        r.host = Some(host);
        r
    };
    let e = d.app.add_record(&d.zf, d.case, hearing(early, d.outsider)).await.unwrap_err().to_string();
    assert!(e.contains(&format!("听证最早可定于{ok}")), "{e}");
    let e = d.app.add_record(&d.zf, d.case, hearing(ok, d.officers[0])).await.unwrap_err().to_string();
    assert!(e.contains("是本案的承办人员") && e.contains("立案审批表"), "{e}");
    let hn = d.add(hearing(ok, d.outsider)).await;
    let (case, ..) = d.app.db.load_case(d.case).await.unwrap().unwrap();
    assert_eq!(case.record(hn).unwrap().field("host"), "赵静");
    // The hearing notice is numbered in its own sequence (听通), like the prior notice.
    let issued = d.app.issue_with(&d.zf, d.case, hn, fake_renderer()).await.unwrap();
    let year = beijing_now().format("%Y").to_string();
    assert_eq!(issued.printed_number, format!("安市监听通〔{year}〕1号"));
    let notice_doc = d.app.issue_with(&d.zf, d.case, n, fake_renderer()).await.unwrap();
    assert!(notice_doc.printed_number.contains("罚告"), "{}", notice_doc.printed_number);
    // The decision stage waits for the hearing.
    let e = d.app.complete_stage(&d.zf, d.case, Stage::Decision).await.unwrap_err().to_string();
    assert!(e.contains("缺少听证笔录"), "{e}");
}
