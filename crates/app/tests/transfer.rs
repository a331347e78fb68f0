//! Transfers to criminal justice (行刑衔接, V-02) through the services against a real
//! database (either backend): flag → transfer → outcome, the refusals, the closure gate on
//! a case with a fine, and the supervisors' list.

use chrono::Days;
use uuid::Uuid;
use zhifa_app::App;
use zhifa_app::cases::beijing_now;
use zhifa_app::transfer::TransferStatus;
use zhifa_core::access::Principal;
use zhifa_core::case::Stage;
use zhifa_core::case::transfer::{NewTransfer, TransferOutcome};
use zhifa_store::testing::TestDb;

struct Demo {
    _t: TestDb,
    app: App,
    zf: Principal,
    head: Principal,
    reviewer: Principal,
    other: Principal,
    supervisor: Principal,
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
        reviewer: login(&app, "scj-fzsh").await,
        other: login(&app, "ltj-zf").await,
        supervisor: login(&app, "sfj-jd").await,
        app,
        _t: t,
    }
}

const REASON: &str = "经查当事人另涉嫌使用伪造的营业执照，涉嫌伪造国家机关证件罪";

fn transfer_on(on: chrono::NaiveDate) -> NewTransfer {
    NewTransfer {
        transfer_id: Uuid::new_v4(),
        on,
        receiving_organ: "安乡县公安局".into(),
        materials: vec!["涉嫌犯罪案件移送书".into(), "涉嫌犯罪案件调查报告".into(), "现场检查笔录".into()],
        case_number: Some("安公（经）受案字〔2026〕15号".into()),
    }
}

fn today() -> chrono::NaiveDate {
    beijing_now().date()
}

impl Demo {
    async fn case(&self, party: &str, seq: u32) -> Uuid {
        self.app.demo_spot_fine_before_closure(party, seq).await.unwrap()
    }

    async fn status(&self, id: Uuid) -> TransferStatus {
        let lines = self.app.transfers(&self.supervisor).await.unwrap();
        lines.into_iter().find(|l| l.case.id == id).expect("the case is listed").status
    }
}

// rule: V-02
#[tokio::test]
async fn a_flagged_case_is_transferred_and_answered_and_closes_with_its_fine_only_once_sent_back() {
    let d = demo().await;
    let id = d.case("钱某某", 2).await;
    d.app.flag_suspected_crime(&d.zf, id, REASON).await.unwrap();
    assert_eq!(d.status(id).await, TransferStatus::Flagged);

    // Not transferred: the closure is refused with the gate's Chinese reason.
    let err = d.app.complete_stage(&d.zf, id, Stage::Closure).await.unwrap_err().to_string();
    assert!(err.contains("V-02") && err.contains("尚未移送公安机关"), "{err}");

    let transfer = d.app.record_transfer(&d.zf, id, transfer_on(today())).await.unwrap();
    assert_eq!(d.status(id).await, TransferStatus::Awaiting { days: 0 });
    let case = d.app.db.load_case(id).await.unwrap().unwrap().0;
    assert_eq!(case.transfer.last().unwrap().id, transfer);
    assert_eq!(case.transfer.last().unwrap().case_number.as_deref(), Some("安公（经）受案字〔2026〕15号"));

    // Awaiting the answer: still refused, and the case page's list of what is missing says so.
    let err = d.app.complete_stage(&d.zf, id, Stage::Closure).await.unwrap_err().to_string();
    assert!(err.contains("尚无处理结果"), "{err}");
    let view = d.app.case_after_write(&d.zf, id).await.unwrap();
    assert!(view.missing.iter().any(|m| m.contains("V-02")), "{:?}", view.missing);

    // The organ's answer needs a reason when it sends the case back.
    let err = d
        .app
        .record_transfer_outcome(
            &d.zf,
            id,
            today(),
            TransferOutcome::ReturnedForAdministrativeHandling { reason: "  ".into() },
        )
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("请写明公安机关不予立案或退回的理由"), "{err}");
    d.app
        .record_transfer_outcome(
            &d.head,
            id,
            today(),
            TransferOutcome::ReturnedForAdministrativeHandling {
                reason: "情节显著轻微，不构成犯罪".into()
            },
        )
        .await
        .unwrap();
    assert_eq!(d.status(id).await, TransferStatus::Returned);

    // Sent back: the agency closes its case with the fine.
    d.app.complete_stage(&d.zf, id, Stage::Closure).await.unwrap();
    let case = d.app.db.load_case(id).await.unwrap().unwrap().0;
    assert!(case.current_stage().is_none());
}

// rule: V-02
#[tokio::test]
async fn a_case_accepted_by_the_police_is_not_closed_with_a_fine() {
    let d = demo().await;
    let id = d.case("孔某某", 3).await;
    // A legal reviewer of the agency may raise the flag too.
    d.app.flag_suspected_crime(&d.reviewer, id, REASON).await.unwrap();
    d.app.record_transfer(&d.head, id, transfer_on(today())).await.unwrap();
    d.app.record_transfer_outcome(&d.zf, id, today(), TransferOutcome::Accepted).await.unwrap();
    assert_eq!(d.status(id).await, TransferStatus::Accepted);
    let err = d.app.complete_stage(&d.zf, id, Stage::Closure).await.unwrap_err().to_string();
    assert!(err.contains("已立案侦查"), "{err}");
}

// rule: V-02
#[tokio::test]
async fn a_transfer_needs_the_flag_and_an_answer_needs_a_transfer() {
    let d = demo().await;
    let id = d.case("周某某", 4).await;
    let err = d.app.record_transfer(&d.zf, id, transfer_on(today())).await.unwrap_err().to_string();
    assert!(err.contains("请先将本案标记为涉嫌犯罪"), "{err}");
    let err = d.app.record_transfer_outcome(&d.zf, id, today(), TransferOutcome::Accepted).await.unwrap_err();
    assert!(err.to_string().contains("本案没有待答复的移送"), "{err}");
    // Too short a reason is refused; nothing is stored.
    assert!(d.app.flag_suspected_crime(&d.zf, id, "犯罪").await.is_err());
    d.app.flag_suspected_crime(&d.zf, id, REASON).await.unwrap();
    // A transfer dated before the flag, or without materials, is refused.
    let mut t = transfer_on(today() - Days::new(3));
    t.materials = vec![" ".into()];
    let err = d.app.record_transfer(&d.zf, id, t).await.unwrap_err().to_string();
    assert!(err.contains("移送日期不能早于") && err.contains("请列明移送的材料"), "{err}");
    let case = d.app.db.load_case(id).await.unwrap().unwrap().0;
    assert!(case.transfer.flagged() && case.transfer.transfers.is_empty());
    // A flag is raised once.
    assert!(d.app.flag_suspected_crime(&d.head, id, REASON).await.unwrap_err().to_string().contains("已标记"));
}

// rule: V-02
#[tokio::test]
async fn another_agency_sees_and_records_nothing_of_the_transfer() {
    let d = demo().await;
    let id = d.case("吴某某", 5).await;
    assert!(d.app.flag_suspected_crime(&d.other, id, REASON).await.is_err());
    d.app.flag_suspected_crime(&d.zf, id, REASON).await.unwrap();
    assert!(d.app.record_transfer(&d.other, id, transfer_on(today())).await.is_err());
    d.app.record_transfer(&d.zf, id, transfer_on(today())).await.unwrap();
    assert!(d.app.record_transfer_outcome(&d.other, id, today(), TransferOutcome::Accepted).await.is_err());
    let case = d.app.db.load_case(id).await.unwrap().unwrap().0;
    assert!(case.transfer.last().unwrap().outcome.is_none());
    // The other agency's list does not show it; the agency's own and the bureau's do.
    assert!(d.app.transfers(&d.other).await.unwrap().iter().all(|l| l.case.id != id));
    assert!(d.app.transfers(&d.head).await.unwrap().iter().any(|l| l.case.id == id));
    let line = d.app.transfers(&d.supervisor).await.unwrap().into_iter().find(|l| l.case.id == id).unwrap();
    assert_eq!(line.agency_name, "安乡县市场监督管理局");
    assert_eq!(line.status.label(), "已移送，待公安机关答复（已0日）");
}
