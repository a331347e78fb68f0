//! The random selection of case files: eligibility of the candidates, commitment and
//! reveal, reproducibility, the share per agency, tampering, and one pinned draw.

use uuid::Uuid;

use super::super::*;
use super::{AGENCY_1, AGENCY_2, case, case_id, created, d, then};
use crate::inspection::{Ratio, seed_commitment, to_hex};

/// 12 closed cases of agency 1 (1…12) and 5 of agency 2 (101…105).
fn candidates() -> Vec<CaseInput> {
    let a1 = (1..=12).map(|n| case(n, AGENCY_1, Some("2025-03-01")));
    let a2 = (101..=105).map(|n| case(n, AGENCY_2, Some("2025-04-01")));
    // Given out of order: the commitment orders them.
    a2.chain(a1).rev().collect()
}

fn committed(seed: &[u8; 32], ratio: &str) -> Evaluation {
    let ev = created();
    let e = decide_commit(&ev, candidates(), Ratio::parse(ratio).unwrap(), &seed_commitment(seed), d("2025-06-01"))
        .unwrap();
    then(ev, &e)
}

fn drawn(seed: [u8; 32], public_input: &str) -> Evaluation {
    let ev = committed(&seed, "25%");
    let e = decide_draw(&ev, seed, public_input, d("2025-06-02")).unwrap();
    then(ev, &e)
}

fn drawn_numbers(ev: &Evaluation) -> Vec<u128> {
    ev.cases.iter().map(|c| c.case.case_id.as_u128() - 0x1000).collect()
}

// rule: V-01
#[test]
fn only_closed_cases_of_covered_agencies_can_be_candidates() {
    let ev = created();
    let mut list = candidates();
    list.push(case(50, AGENCY_1, None));
    list.push(case(51, Uuid::from_u128(0xA9), Some("2025-03-01")));
    list.push(case(1, AGENCY_1, Some("2025-03-01")));
    list.push(case(52, AGENCY_2, Some("2025-06-05")));
    let r = decide_commit(&ev, list, Ratio::parse("10%").unwrap(), "not hex", d("2025-06-01")).unwrap_err();
    let text = r.to_string();
    assert!(text.contains("案件安市监罚〔2025〕50号尚未结案"), "{text}");
    assert!(text.contains("案件安市监罚〔2025〕51号不属于本次评查的被评查机关"), "{text}");
    assert!(text.contains("案件安市监罚〔2025〕1号在候选名单中出现了两次"), "{text}");
    assert!(text.contains("52号的结案日期2025-06-05晚于承诺日期"), "{text}");
    assert_eq!(r.message_for("seed_commitment"), Some("种子承诺值应为64位十六进制的SHA-256摘要"));
    let empty = decide_commit(&ev, vec![], Ratio::parse("10%").unwrap(), &seed_commitment(&[1; 32]), d("2025-06-01"));
    assert!(empty.unwrap_err().to_string().contains("没有可供抽取的已结案案卷"));
}

// rule: V-01
#[test]
fn the_draw_reveals_the_committed_seed_once_and_verifies() {
    let seed = [7; 32];
    let ev = committed(&seed, "25%");
    let c = ev.commitment.as_ref().unwrap();
    let order: Vec<(Uuid, Uuid)> = c.candidates.iter().map(|c| (c.agency_id, c.case_id)).collect();
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(order, sorted, "frozen by agency in the batch's order, then by case id");
    assert!(
        decide_draw(&ev, [8; 32], "", d("2025-06-02"))
            .unwrap_err()
            .to_string()
            .contains("种子与抽取前公布的承诺值不符")
    );
    assert!(decide_draw(&ev, seed, "", d("2025-05-31")).unwrap_err().message_for("on").is_some());
    let e = decide_draw(&ev, seed, " 17 03 29 ", d("2025-06-02")).unwrap();
    let ev = then(ev, &e);
    let d_ = ev.drawn.as_ref().unwrap();
    assert_eq!((d_.public_input.as_str(), d_.seed.clone()), ("17 03 29", to_hex(&seed)));
    // 25 % per agency: ceil(12 × 0.25) = 3 of agency 1, ceil(5 × 0.25) = 2 of agency 2.
    let per_agency = |a: Uuid| ev.cases.iter().filter(|c| c.case.agency_id == a).count();
    assert_eq!((per_agency(AGENCY_1), per_agency(AGENCY_2)), (3, 2));
    assert!(ev.cases[..3].iter().all(|c| c.case.agency_id == AGENCY_1), "agencies in the batch's order");
    assert!(ev.cases.iter().all(|c| c.selection == Selection::Drawn { on: d("2025-06-02") }));
    assert_eq!(verify_draw(&ev).unwrap(), d_.cases);
    assert!(decide_draw(&ev, seed, "17 03 29", d("2025-06-03")).unwrap_err().to_string().contains("不能重复抽取"));
    // Same seed and input, same cases; another public input, another draw.
    assert_eq!(drawn_numbers(&drawn(seed, "17 03 29")), drawn_numbers(&ev));
    assert_ne!(drawn_numbers(&drawn(seed, "99")), drawn_numbers(&ev));
    // Not the inspection draw's stream for the same seed: the domain differs.
    assert_ne!(d_.draw_seed, to_hex(&crate::inspection::draw_seed(&seed, "17 03 29")));
    // The commitment and the draw decode from their stored form, tagged or not.
    let committed_event =
        decide_commit(&created(), candidates(), Ratio::parse("25%").unwrap(), &seed_commitment(&seed), d("2025-06-01"))
            .unwrap();
    for event in [committed_event, e] {
        let json = serde_json::to_string(&event).unwrap();
        let de = crate::events::DomainEvent::from(event);
        assert_eq!(crate::events::DomainEvent::decode("evaluation", &json).unwrap(), de);
        assert_eq!(serde_json::from_str::<crate::events::DomainEvent>(&json).unwrap(), de, "{json}");
    }
}

// rule: V-01
#[test]
fn selection_is_by_hand_or_at_random_never_both() {
    let ev = committed(&[1; 32], "10%");
    let r = decide_pick(&ev, vec![(case(1, AGENCY_1, Some("2025-03-01")), "投诉".into())], d("2025-06-02"));
    assert!(r.unwrap_err().to_string().contains("案卷由随机抽取确定，不能再人工选取"));
    let again =
        decide_commit(&ev, candidates(), Ratio::parse("10%").unwrap(), &seed_commitment(&[1; 32]), d("2025-06-02"));
    assert!(again.unwrap_err().to_string().contains("不能再次提交"));
    let hand = super::picked();
    let r =
        decide_commit(&hand, candidates(), Ratio::parse("10%").unwrap(), &seed_commitment(&[1; 32]), d("2025-06-02"));
    assert!(r.unwrap_err().to_string().contains("已人工选取案卷，不能再随机抽取"));
    assert!(
        decide_draw(&created(), [1; 32], "", d("2025-06-02")).unwrap_err().to_string().contains("尚未公布抽取承诺")
    );
}

// rule: V-01
#[test]
fn a_tampered_candidate_list_or_outcome_is_detected() {
    let seed = [3; 32];
    let ev = drawn(seed, "42");
    // A candidate dropped after the commitment: verification and the draw both notice.
    let mut dropped = ev.clone();
    dropped.commitment.as_mut().unwrap().candidates.retain(|c| c.case_id != case_id(4));
    assert!(matches!(verify_draw(&dropped), Err(VerifyError::CandidatesChanged { .. })));
    let mut undrawn = dropped.clone();
    undrawn.drawn = None;
    assert!(
        decide_draw(&undrawn, seed, "42", d("2025-06-02"))
            .unwrap_err()
            .to_string()
            .contains("候选案卷名单与承诺时不一致")
    );
    // A candidate's number altered, or one of an agency outside the batch slipped in.
    let mut renamed = ev.clone();
    renamed.commitment.as_mut().unwrap().candidates[0].number = "安市监罚〔2025〕999号".into();
    assert!(matches!(verify_draw(&renamed), Err(VerifyError::CandidatesChanged { .. })));
    let mut extra = ev.clone();
    let mut stranger = extra.commitment.as_ref().unwrap().candidates[0].clone();
    stranger.agency_id = Uuid::from_u128(0xA9);
    stranger.case_id = case_id(77);
    extra.commitment.as_mut().unwrap().candidates.push(stranger);
    assert!(matches!(verify_draw(&extra), Err(VerifyError::CandidatesChanged { .. })));
    // A drawn case swapped for another.
    let mut swapped = ev.clone();
    swapped.drawn.as_mut().unwrap().cases[0] = case_id(12);
    swapped.drawn.as_mut().unwrap().cases[1] = case_id(11);
    let err = verify_draw(&swapped).unwrap_err().to_string();
    assert!(err.contains("记录抽中安市监罚〔2025〕12号、安市监罚〔2025〕11号"), "{err}");
    let mut other_seed = ev.clone();
    other_seed.drawn.as_mut().unwrap().seed = to_hex(&[4; 32]);
    assert!(matches!(verify_draw(&other_seed), Err(VerifyError::SeedMismatch { .. })));
    assert!(matches!(verify_draw(&created()), Err(VerifyError::NotCommitted)));
    assert!(matches!(verify_draw(&committed(&seed, "25%")), Err(VerifyError::NotDrawn)));
}

// rule: V-01
#[test]
fn a_small_draw_is_pinned() {
    // The whole algorithm, pinned: a change to the ordering, the rounding or the stream
    // makes every published draw unverifiable, so it must be a new version, not an edit.
    // Both values were reproduced by an independent reimplementation of the module
    // documentation's text (Python, with the `cryptography` package's ChaCha20).
    let ev = drawn([0; 32], "");
    assert_eq!(drawn_numbers(&ev), GOLDEN);
    assert_eq!(ev.commitment.as_ref().unwrap().candidates_hash, GOLDEN_HASH);
}

const GOLDEN: [u128; 5] = [9, 10, 8, 103, 104];
const GOLDEN_HASH: &str = "d91fb0503340efb529f0ded99c40f7793b70841877816d72e3a70e9abfe5d9b3";
