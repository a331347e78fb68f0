//! Transfers to criminal justice (V-02): a case flagged as a suspected crime is not closed
//! with a fine until the police have sent it back.

use super::*;
use crate::case::review::Signer;
use crate::case::transfer::{NewTransfer, TransferOutcome, closure_gaps, decide_flag, decide_outcome, decide_transfer};

fn signer() -> Signer {
    Signer { account_id: Uuid::new_v4(), name: "张明".into() }
}

/// The decided case of `decided`, served, executed and with its closing report approved:
/// only the closure stage's completion is left.
fn ready_to_close(w: &World) -> Case {
    let (mut case, doc) = decided(w);
    let mut s = NewRecord::new(
        RecordKind::ServiceDirect,
        &[
            ("document", "决定书"),
            ("served_at", "2025-10-09 10:00"),
            ("place", "超市"),
            ("server", "张明"),
            ("recipient", "刘某"),
        ],
    );
    s.serves = Some(doc);
    s.officers = w.two();
    s.credentials_shown = true;
    s.officers_signed = signers(w);
    s.signature = Some(Signature::Signed { signer: "刘某".into() });
    add(&mut case, s, "2025-10-09");
    case.apply(&decide_complete_stage(&case, Stage::Service, &AvList::new(), stage_policy(), d("2025-10-09")).unwrap());
    add(
        &mut case,
        NewRecord::new(
            RecordKind::VoluntaryPerformance,
            &[("performed", "已缴纳罚款五千元"), ("performed_on", "2025-10-20")],
        ),
        "2025-10-20",
    );
    case.apply(
        &decide_complete_stage(&case, Stage::Execution, &AvList::new(), stage_policy(), d("2025-10-21")).unwrap(),
    );
    let closing = add(
        &mut case,
        NewRecord::new(
            RecordKind::ClosingReport,
            &[("summary", "办理完毕"), ("result", "罚款已缴纳"), ("closed_on", "2025-10-22")],
        ),
        "2025-10-22",
    );
    approve_chain(&mut case, w, closing, "2025-10-22 15:00");
    case
}

fn close(case: &Case) -> Result<CaseEvent, crate::validation::Rejection> {
    decide_complete_stage(case, Stage::Closure, &AvList::new(), stage_policy(), d("2025-10-22"))
}

fn transfer(case: &Case, on: &str) -> CaseEvent {
    let t = NewTransfer {
        transfer_id: Uuid::new_v4(),
        on: d(on),
        receiving_organ: "安乡县公安局".into(),
        materials: vec!["涉嫌犯罪案件移送书".into(), "调查报告".into(), "现场检查笔录及录像".into()],
        case_number: None,
    };
    decide_transfer(case, t, signer(), d(on)).unwrap()
}

// rule: V-02
#[test]
fn a_case_flagged_as_suspected_crime_cannot_be_closed_with_a_fine_until_the_police_send_it_back() {
    let w = World::new();
    let mut case = ready_to_close(&w);
    assert_eq!(crate::case::transfer::fine_imposed(&case), Some(Money::from_yuan(5000)));
    // A transfer needs the flag first, and the flag its reason.
    assert!(
        decide_transfer(
            &case,
            NewTransfer {
                transfer_id: Uuid::new_v4(),
                on: d("2025-10-10"),
                receiving_organ: "安乡县公安局".into(),
                materials: vec!["移送书".into()],
                case_number: None
            },
            signer(),
            d("2025-10-10")
        )
        .is_err()
    );
    assert!(decide_flag(&case, " ", signer(), d("2025-10-10")).is_err());
    case.apply(
        &decide_flag(&case, "过期食品货值金额逾五万元，涉嫌销售不符合安全标准的食品罪", signer(), d("2025-10-10"))
            .unwrap(),
    );
    assert!(decide_flag(&case, "再次标记的理由", signer(), d("2025-10-10")).is_err());

    // Flagged, not transferred: refused, saying why.
    let err = close(&case).unwrap_err().to_string();
    assert!(err.contains("涉嫌犯罪") && err.contains("尚未移送公安机关") && err.contains("V-02"), "{err}");

    // A transfer names the organ and its materials.
    let bad = NewTransfer {
        transfer_id: Uuid::new_v4(),
        on: d("2025-10-11"),
        receiving_organ: " ".into(),
        materials: vec![" ".into()],
        case_number: None,
    };
    let err = decide_transfer(&case, bad, signer(), d("2025-10-11")).unwrap_err();
    assert!(err.message_for("receiving_organ").is_some() && err.message_for("materials").is_some());
    case.apply(&transfer(&case, "2025-10-11"));
    let err = close(&case).unwrap_err().to_string();
    assert!(err.contains("尚无处理结果"), "{err}");

    // The police open a criminal case: still no closing with a fine.
    case.apply(&decide_outcome(&case, d("2025-10-15"), TransferOutcome::Accepted, signer(), d("2025-10-15")).unwrap());
    let err = close(&case).unwrap_err().to_string();
    assert!(err.contains("已立案侦查"), "{err}");
    assert!(case.transfer.describe().contains("公安机关立案侦查"));
}

// rule: V-02
#[test]
fn a_case_returned_by_the_police_for_administrative_handling_may_be_closed_with_its_fine() {
    let w = World::new();
    let mut case = ready_to_close(&w);
    case.apply(&decide_flag(&case, "货值金额较大，涉嫌犯罪", signer(), d("2025-10-10")).unwrap());
    case.apply(&transfer(&case, "2025-10-11"));
    // The answer needs its reason and a date after the transfer.
    let no_reason = TransferOutcome::ReturnedForAdministrativeHandling { reason: " ".into() };
    assert!(decide_outcome(&case, d("2025-10-15"), no_reason, signer(), d("2025-10-15")).is_err());
    let early = TransferOutcome::ReturnedForAdministrativeHandling { reason: "未达立案追诉标准".into() };
    assert!(decide_outcome(&case, d("2025-10-01"), early.clone(), signer(), d("2025-10-15")).is_err());
    case.apply(&decide_outcome(&case, d("2025-10-15"), early, signer(), d("2025-10-15")).unwrap());
    assert!(closure_gaps(&case).is_empty());
    case.apply(&close(&case).unwrap());
    assert_eq!(case.current_stage(), None);
    // The events survive a round trip through JSON like every case event.
    let e = CaseEvent::Transfer {
        event: crate::case::transfer::TransferEvent::OutcomeRecorded {
            transfer_id: Uuid::nil(),
            on: d("2025-10-15"),
            outcome: TransferOutcome::NotAccepted { reason: "不构成犯罪".into() },
            by: signer(),
        },
    };
    let json = serde_json::to_string(&e).unwrap();
    assert!(json.contains("\"type\":\"Transfer\""), "{json}");
    assert_eq!(serde_json::from_str::<CaseEvent>(&json).unwrap(), e);
}

// rule: V-02
#[test]
fn a_case_the_police_did_not_accept_is_the_agencys_again() {
    let w = World::new();
    let mut case = ready_to_close(&w);
    case.apply(&decide_flag(&case, "涉嫌生产销售伪劣产品罪", signer(), d("2025-10-10")).unwrap());
    case.apply(&transfer(&case, "2025-10-11"));
    let o = TransferOutcome::NotAccepted { reason: "不构成犯罪".into() };
    case.apply(&decide_outcome(&case, d("2025-10-16"), o, signer(), d("2025-10-16")).unwrap());
    assert!(close(&case).is_ok());
}
