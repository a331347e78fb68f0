//! The problem models (V-03): each flags its situation and leaves a clean one alone.

use super::*;
use crate::supervision::detectors::*;

fn models(problems: &[Problem]) -> Vec<Model> {
    problems.iter().map(|p| p.model).collect()
}

// rule: V-03
// rule: L-02
#[test]
fn a_major_looking_decision_issued_without_review_is_flagged() {
    let p = profile("baishan");
    let policy = ReviewPolicy { profile: &p, catalogue: &[] };
    // 白山乡: a fine of 10,000 yuan or more on an organisation is major.
    let mut major = case();
    add(&mut major, record(RecordKind::DecisionDraft, &[("fine", "50000"), ("proposal", "罚款五万元")]));
    assert!(major_without_review(&major, policy).is_empty(), "not issued yet");
    add(&mut major, decision("50000"));
    let found = major_without_review(&major, policy);
    assert_eq!(models(&found), [Model::MajorWithoutReview]);
    assert!(found[0].detail.contains("法制审核"), "{}", found[0].detail);
    // A small fine needs no review.
    let mut small = case();
    add(&mut small, record(RecordKind::DecisionDraft, &[("fine", "5000"), ("proposal", "罚款五千元")]));
    add(&mut small, decision("5000"));
    assert!(major_without_review(&small, policy).is_empty());
}

fn assessment(reason: Option<&str>) -> PenaltyAssessment {
    PenaltyAssessment {
        benchmark_id: Uuid::nil(),
        violation_code: "SP-01".into(),
        violation_name: "销售过期食品".into(),
        tier: Tier { name: "一般".into(), circumstances: "初次".into(), penalties: vec![], fine: None },
        proposal: Proposal {
            penalties: vec![PenaltyType::Fine],
            fine: Some(Money::from_yuan(60000)),
            base_amount: None,
        },
        deviations: vec![Deviation::FineAbove { fine: Money::from_yuan(60000), max: Money::from_yuan(50000) }],
        deviation_reason: reason.map(String::from),
    }
}

// rule: V-03
// rule: B-02
#[test]
fn a_penalty_outside_its_tier_without_reason_is_flagged() {
    let mut c = case();
    let mut doc = decision("60000");
    doc.assessment = Some(assessment(None));
    add(&mut c, doc);
    let found = outside_tier_without_reason(&c);
    assert_eq!(models(&found), [Model::OutsideTierWithoutReason]);
    assert!(found[0].detail.contains("高于该阶次的上限"), "{}", found[0].detail);
    // A placeholder is no reason.
    let mut c = case();
    let mut doc = decision("60000");
    doc.assessment = Some(assessment(Some("无")));
    add(&mut c, doc);
    assert_eq!(outside_tier_without_reason(&c).len(), 1);
    // With its reason, or inside the tier, nothing.
    let mut c = case();
    let mut doc = decision("60000");
    doc.assessment = Some(assessment(Some("当事人两年内三次销售过期食品，拒不改正，情节恶劣")));
    add(&mut c, doc);
    let mut inside = decision("40000");
    inside.assessment = Some(PenaltyAssessment { deviations: vec![], ..assessment(None) });
    add(&mut c, inside);
    assert!(outside_tier_without_reason(&c).is_empty());
}

// rule: V-03
// rule: V-02
#[test]
fn a_case_closed_with_a_fine_while_flagged_as_suspected_crime_is_flagged() {
    let flagged_and_closed = |returned: bool| {
        let mut c = case();
        add(&mut c, decision("5000"));
        c.apply(&CaseEvent::Transfer {
            event: TransferEvent::SuspectedCrime {
                reason: "货值金额较大".into(), on: d("2025-09-20"), by: signer()
            },
        });
        if returned {
            let id = Uuid::new_v4();
            c.apply(&CaseEvent::Transfer {
                event: TransferEvent::Transferred {
                    transfer_id: id,
                    on: d("2025-09-21"),
                    receiving_organ: "白山乡派出所".into(),
                    materials: vec!["移送书".into()],
                    case_number: None,
                    by: signer(),
                },
            });
            c.apply(&CaseEvent::Transfer {
                event: TransferEvent::OutcomeRecorded {
                    transfer_id: id,
                    on: d("2025-09-25"),
                    outcome: TransferOutcome::ReturnedForAdministrativeHandling { reason: "未达追诉标准".into() },
                    by: signer(),
                },
            });
        }
        complete(&mut c, Stage::Closure, "2025-10-30");
        c
    };
    let found = fine_while_suspected_crime(&flagged_and_closed(false));
    assert_eq!(models(&found), [Model::FineWhileSuspectedCrime]);
    assert!(found[0].detail.contains("尚未移送公安机关"), "{}", found[0].detail);
    assert!(fine_while_suspected_crime(&flagged_and_closed(true)).is_empty());
    // Not flagged: nothing.
    let mut c = case();
    add(&mut c, decision("5000"));
    complete(&mut c, Stage::Closure, "2025-10-30");
    assert!(fine_while_suspected_crime(&c).is_empty());
}

fn citizen(n: u32) -> CitizenId {
    let first17 = format!("4307211985031200{n}");
    CitizenId::parse(&format!("{first17}{}", CitizenId::check_digit(first17.as_bytes()))).unwrap()
}

fn staff(name: &str, kind: StaffKind, n: u32, expires: &str) -> Officer {
    Officer {
        id: Uuid::new_v4(),
        profile: OfficerProfile {
            agency_id: AGENCY,
            unit_id: Uuid::nil(),
            name: name.into(),
            citizen_id: citizen(n),
            kind,
            position: String::new(),
            phone: String::new(),
        },
        certificates: vec![Certificate {
            number: format!("2207000{n}"),
            category: "市场监管".into(),
            scope: "白山乡".into(),
            issued_on: d("2020-01-01"),
            expires_on: d(expires),
            revoked: None,
        }],
        left_post: None,
        conflicts: vec![],
    }
}

fn site(officers: &[&Officer]) -> Record {
    let mut r = record(
        RecordKind::SiteInspection,
        &[("place", "超市"), ("started_at", "2025-09-03 09:00"), ("ended_at", "2025-09-03 10:00")],
    );
    r.officers = officers
        .iter()
        .map(|o| ActingOfficer {
            officer_id: o.id,
            name: o.profile.name.clone(),
            certificate_number: o.certificates[0].number.clone(),
        })
        .collect();
    r
}

// rule: V-03
// rule: P-01
#[test]
fn an_act_by_an_officer_whose_certificate_had_expired_is_flagged() {
    let a = staff("张明", StaffKind::Officer, 1, "2028-12-31");
    let b = staff("李华", StaffKind::Officer, 2, "2025-08-31");
    let staff_list = [a.clone(), b.clone()];
    let mut c = case();
    add(&mut c, site(&[&a, &b]));
    let found = uncertified_act(&c, &staff_list);
    assert_eq!(models(&found), [Model::UncertifiedAct]);
    assert!(found[0].detail.contains("李华") && found[0].detail.contains("已过期"), "{}", found[0].detail);
    // Valid on the act's date: nothing, whenever the record was entered.
    let b = staff("李华", StaffKind::Officer, 2, "2025-09-03");
    let mut c = case();
    add(&mut c, site(&[&a, &b]));
    assert!(uncertified_act(&c, &[a, b]).is_empty());
}

// rule: V-03
// rule: L-07
#[test]
fn an_agency_below_reviewer_staffing_is_flagged() {
    let mut people: Vec<Officer> =
        (1..=3).map(|n| staff(&format!("执法{n}"), StaffKind::Officer, n, "2028-12-31")).collect();
    people.push(staff("法制1", StaffKind::LegalReviewer, 4, "2028-12-31"));
    let found = reviewer_staffing(AGENCY, &people, d("2025-10-01"));
    assert_eq!(models(&found), [Model::ReviewerStaffing]);
    assert_eq!(found[0].subject, Subject::Agency { id: AGENCY });
    assert!(found[0].detail.contains("缺1人"), "{}", found[0].detail);
    people.push(staff("法制2", StaffKind::LegalReviewer, 5, "2028-12-31"));
    assert!(reviewer_staffing(AGENCY, &people, d("2025-10-01")).is_empty());
    // A reviewer who left no longer counts.
    people.last_mut().unwrap().left_post =
        Some((d("2025-09-01"), crate::personnel::LeaveReason::Transfer, String::new()));
    assert_eq!(reviewer_staffing(AGENCY, &people, d("2025-10-01")).len(), 1);
}

// rule: V-03
// rule: R-08
#[test]
fn a_mandatory_av_act_without_av_is_flagged_once_its_stage_is_done() {
    let a = staff("张明", StaffKind::Officer, 1, "2028-12-31");
    let none = crate::case::requirements::AvList::new();
    let mut c = case();
    let id = add(&mut c, site(&[&a]));
    // Just done, the upload may be on its way.
    assert!(av_missing(&c, &none, d("2025-09-04")).is_empty());
    complete(&mut c, Stage::Investigation, "2025-09-04");
    let found = av_missing(&c, &none, d("2025-09-04"));
    assert_eq!(models(&found), [Model::AvMissing]);
    assert!(found[0].detail.contains("现场检查"), "{}", found[0].detail);
    // Old enough, even in an open stage.
    let mut open = case();
    add(&mut open, site(&[&a]));
    assert_eq!(av_missing(&open, &none, d("2025-09-10")).len(), 1);
    // With its video: nothing.
    let mut meta_case = c.clone();
    meta_case.apply(&CaseEvent::AvAttached { av: video(Some(id), "2025-09-03 09:10", "2025-09-03 12:00") });
    assert!(av_missing(&meta_case, &none, d("2025-09-10")).is_empty());
}

#[test]
fn every_model_has_a_label_a_code_and_a_rule() {
    let codes: std::collections::BTreeSet<_> = Model::ALL.iter().map(|m| m.code()).collect();
    assert_eq!(codes.len(), Model::ALL.len());
    for m in Model::ALL {
        assert!(!m.label().is_empty() && m.rule().len() == 4);
    }
}

// rule: V-03
// rule: R-08
#[test]
fn the_recheck_day_is_the_first_day_time_alone_could_flag_a_missing_av() {
    let a = staff("张明", StaffKind::Officer, 1, "2028-12-31");
    let none = crate::case::requirements::AvList::new();
    let mut open = case();
    add(&mut open, site(&[&a]));
    // The act of 2025-09-03 waits for its AV: flagged from the day after it is three days old.
    let day = recheck_on(&open, &none, d("2025-09-04")).expect("a day to look again");
    assert!(av_missing(&open, &none, day.pred_opt().unwrap()).is_empty(), "not the day before");
    assert_eq!(av_missing(&open, &none, day).len(), 1, "flagged on that day");
    // Once that day has come, or the stage is done, time changes nothing more.
    assert_eq!(recheck_on(&open, &none, day), None);
    let mut done = case();
    add(&mut done, site(&[&a]));
    complete(&mut done, Stage::Investigation, "2025-09-04");
    assert_eq!(recheck_on(&done, &none, d("2025-09-04")), None);
}
