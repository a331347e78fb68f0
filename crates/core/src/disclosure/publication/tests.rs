//! Post-disclosure of decisions (D-05, D-06, D-08, D-09), on decisions made and issued
//! through the case's decide functions (the fixture of the reason-giving tests).

use uuid::Uuid;

use super::*;
use crate::access::Sensitivity;
use crate::calendar::bundled_years;
use crate::case::Party;
use crate::case::decide::decide_correct;
use crate::case::documents::{DocType, DocumentNumber, decide_issue};
use crate::case::reasons::fixtures::BASIS;
use crate::case::reasons::tests::{World, add, d, pdf, profile, t};
use crate::disclosure::FindingKind;
use crate::ids::CitizenId;

fn calendar() -> WorkCalendar {
    WorkCalendar::new(bundled_years())
}

fn citizen(first17: &str) -> String {
    format!("{first17}{}", CitizenId::check_digit(first17.as_bytes()))
}

const PHONE: &str = "13812345678";
const HOME: &str = "安乡县深柳镇建设路12号";

/// 王小明, a stallholder born in 1990 (or, `minor`, in 2010).
fn stallholder(minor: bool) -> Party {
    Party {
        kind: PartyKind::Person,
        name: "王小明".into(),
        id_number: citizen(if minor { "43072120100101003" } else { "43072119900101003" }),
        address: HOME.into(),
        phone: PHONE.into(),
        representative: String::new(),
        minor: false,
    }
}

fn shop() -> Party {
    Party {
        kind: PartyKind::Organisation,
        name: "安乡县某某超市有限公司".into(),
        id_number: "91430721MA4L123456".into(),
        address: "安乡县深柳镇商业街8号".into(),
        phone: String::new(),
        representative: "刘建国".into(),
        minor: false,
    }
}

/// A penalty case against `party` whose decision document (a fine of 8,000 yuan, decided
/// on 2025-09-20) states `facts`, added but not issued; the record has `sensitivity`.
fn decided(w: &World, party: Party, facts: &str, sensitivity: Sensitivity) -> (Case, Uuid) {
    let name = party.name.clone();
    let mut case = w.case_against(party, "8000");
    let mut fields = w.fields("8000");
    fields.insert("party".into(), name);
    fields.insert("facts".into(), facts.into());
    let mut doc = w.document(&fields);
    doc.sensitivity = sensitivity;
    let id = add(&mut case, doc);
    (case, id)
}

/// Issues the decision with the agency's 9th penalty-decision number of 2025.
fn issue(w: &World, case: &mut Case, record: Uuid) {
    let number = DocumentNumber::new(w.agency.id, "安市监", DocType::PenaltyDecision, 2025, 9);
    let e = decide_issue(
        case,
        record,
        "行政处罚决定书",
        Some(number),
        pdf(),
        Uuid::new_v4(),
        t("2025-09-20 16:00"),
        Some(w.policy()),
    )
    .unwrap();
    case.apply(&e);
}

fn person_facts(party: &Party) -> String {
    format!(
        "当事人王小明（公民身份号码{}，联系电话{PHONE}，住址{HOME}）于2025年8月在其经营的摊位销售超过保质期的牛奶十二盒，货值金额人民币360元。王小明对上述事实无异议。",
        party.id_number
    )
}

/// The stallholder's decision, issued and prepared, with the 安乡 World.
fn prepared_person(w: &World) -> Prepared {
    let party = stallholder(false);
    let (mut case, doc) = decided(w, party.clone(), &person_facts(&party), Sensitivity::Public);
    issue(w, &mut case, doc);
    prepare_decision(&case, doc, "安乡县市场监督管理局").unwrap()
}

fn refusal(r: Result<Prepared, Rejection>) -> String {
    r.unwrap_err().to_string()
}

// rule: D-06
// rule: D-07
#[test]
fn a_penalty_on_a_person_is_published_with_the_name_masked_and_the_id_and_phone_removed() {
    let w = World::new("anxiang");
    let party = stallholder(false);
    let p = prepared_person(&w);
    let n = &p.notice;
    assert_eq!(n.agency, "安乡县市场监督管理局");
    assert_eq!(n.party, "王**");
    assert_eq!(n.category, "行政处罚");
    assert_eq!(n.document_number, "安市监罚决〔2025〕9号");
    assert_eq!(n.basis, BASIS);
    assert_eq!(n.conclusion, "罚款人民币8000元");
    assert_eq!(n.decided_on, d("2025-09-20"));
    assert_eq!(
        n.facts,
        "当事人王**（公民身份号码［已删除：身份证号码］，联系电话［已删除：电话号码］，住址［已删除：住址］）于2025年8月在其经营的摊位销售超过保质期的牛奶十二盒，货值金额人民币360元。王**对上述事实无异议。"
    );
    for secret in [party.name.as_str(), party.id_number.as_str(), PHONE, HOME] {
        assert!(!serde_json::to_string(n).unwrap().contains(secret), "{secret} leaked");
    }
    // The reviewer's preview lists what was taken out, field by field.
    let found: Vec<(NoticeField, FindingKind)> = p.findings.iter().map(|f| (f.field, f.finding.kind)).collect();
    assert_eq!(
        found,
        [
            (NoticeField::Party, FindingKind::PersonName),
            (NoticeField::Facts, FindingKind::PersonName),
            (NoticeField::Facts, FindingKind::CitizenId),
            (NoticeField::Facts, FindingKind::Phone),
            (NoticeField::Facts, FindingKind::HomeAddress),
            (NoticeField::Facts, FindingKind::PersonName),
        ]
    );
    assert_eq!(p.party_kind, PartyKind::Person);
    assert_eq!(p.act_kind, ActKind::Penalty);
    // The notice round-trips through an event.
    let e = decide_prepare(&p, &w.profile, &calendar()).unwrap();
    let back: PublicationEvent = serde_json::from_str(&serde_json::to_string(&e).unwrap()).unwrap();
    assert_eq!(back, e);
}

// rule: D-13
#[test]
fn the_notice_carries_no_reasons_opinions_or_approval_flow() {
    let w = World::new("anxiang");
    let p = prepared_person(&w);
    let e = decide_prepare(&p, &w.profile, &calendar()).unwrap();
    let json = serde_json::to_string(&e).unwrap();
    // The decision document's own reasons and discretion, the draft's drafter and proposal,
    // and the approval opinions stay in the case.
    let fields = w.fields("8000");
    for internal in [&fields["fact_reasons"], &fields["discretion"], &fields["discretion_reasons"]] {
        assert!(!json.contains(internal.as_str()), "{internal} published");
    }
    for internal in ["张明", "拟处理意见", "同意", "裁量"] {
        assert!(!json.contains(internal), "{internal} published: {json}");
    }
}

// rule: D-07
#[test]
fn an_organisation_keeps_its_name_and_its_representative_is_masked() {
    let w = World::new("anxiang");
    let facts = "当事人安乡县某某超市有限公司（法定代表人刘建国，住所安乡县深柳镇商业街8号）于2025年8月销售超过保质期的牛奶十二盒。";
    let (mut case, doc) = decided(&w, shop(), facts, Sensitivity::Public);
    issue(&w, &mut case, doc);
    let p = prepare_decision(&case, doc, "安乡县市场监督管理局").unwrap();
    assert_eq!(p.notice.party, "安乡县某某超市有限公司");
    assert_eq!(
        p.notice.facts,
        "当事人安乡县某某超市有限公司（法定代表人刘**，住所安乡县深柳镇商业街8号）于2025年8月销售超过保质期的牛奶十二盒。"
    );
    assert_eq!(p.party_kind, PartyKind::Organisation);
    assert!(p.findings.iter().all(|f| f.finding.kind == FindingKind::PersonName && f.field == NoticeField::Facts));
}

// rule: D-07
#[test]
fn a_minor_party_or_a_secret_decision_is_never_published() {
    let w = World::new("anxiang");
    let minor = stallholder(true);
    let (mut case, doc) = decided(&w, minor.clone(), &person_facts(&minor), Sensitivity::Public);
    assert!(case.opening.party.minor, "the filing derives minority from the citizen ID");
    issue(&w, &mut case, doc);
    let m = refusal(prepare_decision(&case, doc, "安乡县市场监督管理局"));
    assert_eq!(m, "当事人为未成年人，依法不予公开（D-07）");

    let adult = stallholder(false);
    for (mark, words) in [(Sensitivity::CommercialSecret, "涉及商业秘密"), (Sensitivity::StateSecret, "涉及国家秘密")]
    {
        let (mut case, doc) = decided(&w, adult.clone(), &person_facts(&adult), mark);
        issue(&w, &mut case, doc);
        let m = refusal(prepare_decision(&case, doc, "安乡县市场监督管理局"));
        assert!(m.contains(words) && m.contains("D-07"), "{m}");
    }
    // Personal privacy is redacted, not withheld.
    let (mut case, doc) = decided(&w, adult.clone(), &person_facts(&adult), Sensitivity::PersonalPrivacy);
    issue(&w, &mut case, doc);
    assert_eq!(prepare_decision(&case, doc, "安乡县市场监督管理局").unwrap().notice.party, "王**");
}

// rule: D-06
#[test]
fn only_an_issued_decision_as_it_stands_is_published() {
    let w = World::new("anxiang");
    let party = stallholder(false);
    let (mut case, doc) = decided(&w, party.clone(), &person_facts(&party), Sensitivity::Public);
    let m = refusal(prepare_decision(&case, doc, "安乡县市场监督管理局"));
    assert_eq!(m, "决定书尚未出具，出具后方可公开（D-05）");
    // The draft is no decision.
    let draft = case.records_of(RecordKind::DecisionDraft).next().unwrap().record.id;
    let m = refusal(prepare_decision(&case, draft, "安乡县市场监督管理局"));
    assert!(m.contains("案件处理审批表（拟决定）不是行政执法决定"), "{m}");
    assert!(refusal(prepare_decision(&case, Uuid::new_v4(), "x")).contains("不存在"));
    // Issued, then corrected: the published text would not be the issued one.
    issue(&w, &mut case, doc);
    assert!(prepare_decision(&case, doc, "安乡县市场监督管理局").is_ok());
    let fix = [("facts".to_string(), person_facts(&party).replace("十二盒", "十三盒"))].into();
    let e = decide_correct(&case, doc, "数量笔误", fix, &[], d("2025-09-21")).unwrap();
    case.apply(&e);
    let m = refusal(prepare_decision(&case, doc, "安乡县市场监督管理局"));
    assert!(m.contains("出具后又作了更正，请先重新出具"), "{m}");
    let e = decide_issue(
        &case,
        doc,
        "行政处罚决定书",
        number_of(&case, doc),
        pdf(),
        Uuid::new_v4(),
        t("2025-09-21 09:00"),
        Some(w.policy()),
    )
    .unwrap();
    case.apply(&e);
    let p = prepare_decision(&case, doc, "安乡县市场监督管理局").unwrap();
    assert!(p.notice.facts.contains("牛奶十三盒"), "{}", p.notice.facts);
    assert_eq!(p.notice.document_number, "安市监罚决〔2025〕9号");
}

fn number_of(case: &Case, doc: Uuid) -> Option<DocumentNumber> {
    crate::case::documents::number_for(case, doc).unwrap()
}

// rule: D-05
#[test]
fn decisions_are_due_within_their_working_days_on_the_official_calendar() {
    let (cal, anxiang, baishan) = (calendar(), profile("anxiang"), profile("baishan"));
    // Decided on Tuesday 29 September 2026: National Day week (1–7 October) does not count,
    // Saturday 10 October (调休上班) does.
    let on = d("2026-09-29");
    assert_eq!(publish_due(on, ActKind::Penalty, &anxiang, &cal).unwrap(), d("2026-10-14"));
    assert_eq!(publish_due(on, ActKind::Permit, &anxiang, &cal).unwrap(), d("2026-10-14"));
    assert_eq!(publish_due(on, ActKind::Coercion, &anxiang, &cal).unwrap(), d("2026-11-02"));
    assert_eq!(publish_due(on, ActKind::Confirmation, &anxiang, &cal).unwrap(), d("2026-11-02"));
    // 白山乡 publishes other decisions within 7 working days as well.
    assert_eq!(publish_due(on, ActKind::Coercion, &baishan, &cal).unwrap(), d("2026-10-14"));
    // A year not loaded is an error, not a guess.
    let missing = publish_due(d("2026-12-30"), ActKind::Penalty, &anxiang, &cal).unwrap_err();
    assert!(missing.to_string().contains("未载入2027年"), "{missing}");
    assert!(!is_late(d("2026-10-14"), d("2026-10-14")));
    assert!(is_late(d("2026-10-14"), d("2026-10-15")));
}

// rule: D-05
#[test]
fn a_late_publication_is_flagged_and_a_decision_is_published_once() {
    let w = World::new("anxiang");
    let p = prepared_person(&w);
    let e = decide_prepare(&p, &w.profile, &calendar()).unwrap();
    let mut publication = Publication::fold([&e]).unwrap();
    // Decided on Saturday 20 September 2025; Sunday 28 September is a make-up working day.
    assert_eq!(publication.due, d("2025-09-29"));
    assert_eq!(publication.status, Status::Prepared);
    assert_eq!(publication.lateness(d("2025-09-29")), None);
    assert_eq!(
        publication.lateness(d("2025-09-30")).as_deref(),
        Some("行政处罚应于2025-09-29前公开，至2025-09-30仍未公开，已逾期（D-05）")
    );
    let err = decide_publish(&publication, d("2025-09-19"), &w.profile).unwrap_err();
    assert!(err.message_for("on").unwrap().contains("早于决定日期"), "{err}");
    let PublicationEvent::Published { late: None, .. } =
        decide_publish(&publication, d("2025-09-29"), &w.profile).unwrap()
    else {
        panic!("published on the due day is in time")
    };
    let e = decide_publish(&publication, d("2025-10-09"), &w.profile).unwrap();
    let PublicationEvent::Published { late: Some(flag), .. } = &e else { panic!("{e:?}") };
    assert_eq!(flag, "行政处罚应于2025-09-29前公开（决定之日起7个工作日），2025-10-09才公开，已逾期（D-05）");
    publication.apply(&e);
    assert_eq!(publication.lateness(d("2025-10-09")).as_deref(), Some(flag.as_str()));
    let err = decide_publish(&publication, d("2025-10-10"), &w.profile).unwrap_err();
    assert_eq!(err.to_string(), "该决定已于2025-10-09公开，不能重复公开");
}

// rule: D-08
#[test]
fn retention_depends_on_the_party_and_the_profile() {
    let on = d("2026-01-10");
    let (anxiang, laizhou) = (profile("anxiang"), profile("laizhou"));
    assert_eq!(takedown_on(on, PartyKind::Person, &anxiang), d("2026-07-12"));
    assert_eq!(takedown_on(on, PartyKind::Organisation, &anxiang), d("2028-01-10"));
    assert_eq!(takedown_on(on, PartyKind::Person, &laizhou), d("2027-01-10"));
    assert_eq!(takedown_on(on, PartyKind::Organisation, &laizhou), d("2029-01-09"));
}

// rule: D-08
#[test]
fn a_publication_is_taken_down_when_its_retention_ends_and_not_before() {
    let w = World::new("anxiang");
    let p = prepared_person(&w);
    let mut publication = Publication::fold([&decide_prepare(&p, &w.profile, &calendar()).unwrap()]).unwrap();
    let e = decide_publish(&publication, d("2025-09-25"), &w.profile).unwrap();
    let PublicationEvent::Published { takedown_on: until, .. } = &e else { panic!() };
    assert_eq!(*until, d("2026-03-27"), "183 days for a person under 安乡's profile");
    publication.apply(&e);
    assert!(publication.is_public_on(d("2026-03-26")));
    assert!(!publication.is_public_on(d("2026-03-27")));
    let err = decide_take_down(&publication, d("2026-03-26")).unwrap_err();
    assert!(err.to_string().contains("2025-09-25起公示至2026-03-27，期满前不能撤下（D-08）"), "{err}");
    let e = decide_take_down(&publication, d("2026-03-27")).unwrap();
    assert_eq!(
        e,
        PublicationEvent::TakenDown {
            on: d("2026-03-27"),
            reason: "公示期满（当事人为自然人，公示183日，2025-09-25至2026-03-27）".into()
        }
    );
    publication.apply(&e);
    // The record stays: the notice is still in the fold, only no longer public.
    assert_eq!(publication.notice, p.notice);
    assert!(matches!(publication.status, Status::TakenDown { .. }));
    assert!(decide_take_down(&publication, d("2026-03-28")).is_err());
    assert!(decide_publish(&publication, d("2026-03-28"), &w.profile).unwrap_err().to_string().contains("期满撤下"));
}

// rule: D-09
#[test]
fn a_revoked_decision_is_withdrawn_at_once_and_the_new_one_runs_from_its_own_date() {
    let w = World::new("anxiang");
    let p = prepared_person(&w);
    let mut publication = Publication::fold([&decide_prepare(&p, &w.profile, &calendar()).unwrap()]).unwrap();
    publication.apply(&decide_publish(&publication, d("2025-09-25"), &w.profile).unwrap());
    // Remade on 2 March 2026 after the reconsideration body ordered it; recorded the 3rd.
    let mut remade = p.clone();
    remade.record_id = Uuid::new_v4();
    remade.notice.conclusion = "罚款人民币5000元".into();
    remade.notice.decided_on = d("2026-03-02");
    let explanation = "原处罚决定经行政复议被撤销并责令重新作出，现公示重新作出的决定";

    // Without an explanation nothing happens.
    let mut revocation = Revocation {
        on: d("2026-03-03"),
        ground: RevocationGround::Remade,
        explanation: "无",
        replacement: Some(&remade),
    };
    let err = decide_revoke(&publication, &revocation, &w.profile).unwrap_err();
    assert!(err.message_for("explanation").unwrap().contains("D-09"), "{err}");

    revocation.explanation = explanation;
    let events = decide_revoke(&publication, &revocation, &w.profile).unwrap();
    assert_eq!(
        events[0],
        PublicationEvent::Withdrawn {
            on: d("2026-03-03"),
            ground: RevocationGround::Remade,
            explanation: explanation.into()
        }
    );
    let PublicationEvent::Republished { on, record_id, takedown_on: until, .. } = &events[1] else { panic!() };
    assert_eq!((*on, *record_id), (d("2026-03-03"), remade.record_id));
    // 183 days from the new decision, not from the republication nor the first publication.
    assert_eq!(*until, d("2026-09-01"));
    for e in &events {
        publication.apply(e);
    }
    assert_eq!(publication.notice.conclusion, "罚款人民币5000元");
    assert_eq!(publication.explanation.as_deref(), Some(explanation));
    assert_eq!(publication.withdrawn.len(), 1);
    assert_eq!(publication.withdrawn[0].notice, p.notice);
    assert!(publication.is_public_on(d("2026-08-31")) && !publication.is_public_on(d("2026-09-01")));
}

// rule: D-09
#[test]
fn a_decision_revoked_outright_is_withdrawn_and_its_replacement_published_later() {
    let w = World::new("laizhou");
    let p = prepared_person(&w);
    let mut publication = Publication::fold([&decide_prepare(&p, &w.profile, &calendar()).unwrap()]).unwrap();
    publication.apply(&decide_publish(&publication, d("2025-09-25"), &w.profile).unwrap());
    let mut remade = p.clone();
    remade.record_id = Uuid::new_v4();
    remade.notice.decided_on = d("2026-04-01");
    // Republishing needs the withdrawal first.
    let err = decide_republish(&publication, &remade, d("2026-04-02"), "重新作出的处罚决定", &w.profile).unwrap_err();
    assert!(err.to_string().contains("请先撤回原决定"), "{err}");

    let revocation = Revocation {
        on: d("2026-03-10"),
        ground: RevocationGround::DeclaredUnlawful,
        explanation: "原处罚决定经人民法院判决确认违法",
        replacement: None,
    };
    let events = decide_revoke(&publication, &revocation, &w.profile).unwrap();
    assert_eq!(events.len(), 1);
    publication.apply(&events[0]);
    assert!(!publication.is_public_on(d("2026-03-10")), "withdrawn the day it is recorded");
    assert!(decide_withdraw(&publication, d("2026-03-11"), RevocationGround::Revoked, "再次撤回原决定").is_err());
    // The withdrawn decision is not published again; the new one is, later.
    let err = decide_republish(&publication, &p, d("2026-04-02"), "重新作出的处罚决定", &w.profile).unwrap_err();
    assert!(err.to_string().contains("不能是已撤回的原决定"), "{err}");
    let e = decide_republish(&publication, &remade, d("2026-04-02"), "原决定被确认违法后重新作出的决定", &w.profile)
        .unwrap();
    let PublicationEvent::Republished { takedown_on: until, .. } = &e else { panic!() };
    assert_eq!(*until, d("2027-04-01"), "365 days from the new decision under 莱州's profile");
    publication.apply(&e);
    assert!(publication.is_public_on(d("2026-04-02")));
}

#[test]
fn an_on_the_spot_decision_is_a_penalty_whose_conclusion_is_its_penalty() {
    let mut rec = RecordState {
        record: crate::case::Record {
            id: Uuid::new_v4(),
            kind: RecordKind::OnTheSpotDecision,
            stage: crate::case::Stage::Decision,
            fields: Default::default(),
            officers: vec![],
            credentials_shown: true,
            auxiliaries: vec![],
            officers_signed: vec![],
            signature: None,
            serves: None,
            form_number: None,
            penalty: Some(crate::case::SpotPenalty { warning: true, fine: Some(crate::money::Money::from_yuan(200)) }),
            sensitivity: Sensitivity::Public,
            assessment: None,
            entered_on: None,
            points: vec![],
            host: None,
        },
        corrections: vec![],
        approvals: vec![],
        superseded_approvals: 0,
        issued_at_correction: None,
    };
    assert_eq!(spot_conclusion(&rec), "警告，罚款200元");
    rec.record.penalty = None;
    assert_eq!(spot_conclusion(&rec), "");
}

// rule: D-07
#[test]
fn every_natural_person_the_case_names_is_masked_not_only_the_party() {
    let w = World::new("anxiang");
    let party = stallholder(false);
    let facts = format!("{}责令改正通知书由其妻李红梅代为签收，在场人员赵大勇证实上述情况。", person_facts(&party));
    let (mut case, doc) = decided(&w, party, &facts, Sensitivity::Public);
    let mut service = w.on_site(
        crate::case::decide::NewRecord::new(
            RecordKind::ServiceDirect,
            &[
                ("document", "责令改正通知书"),
                ("served_at", "2025-09-20 17:00"),
                ("place", "当事人摊位"),
                ("server", "张明"),
                ("recipient", "李红梅（当事人之妻）、赵大勇"),
            ],
        ),
        "李红梅",
    );
    service.serves = Some(doc);
    add(&mut case, service);
    issue(&w, &mut case, doc);
    let p = prepare_decision(&case, doc, "安乡县市场监督管理局").unwrap();
    let f = &p.notice.facts;
    assert!(f.contains("其妻李**代为签收") && f.contains("在场人员赵**证实"), "{f}");
    assert!(!f.contains("李红梅") && !f.contains("赵大勇"), "{f}");
    assert!(p.findings.iter().any(|x| x.finding.kind == FindingKind::PersonName && x.finding.original == "李红梅"));
}

/// A compulsory execution record with `fields`, put on the case as recorded (the rules of
/// execution itself — reminder served, party heard — are the case's, tested there).
fn executed(case: &mut Case, kind: RecordKind, fields: &[(&str, &str)]) -> Uuid {
    let id = Uuid::new_v4();
    let record = crate::case::Record {
        id,
        kind,
        stage: crate::case::Stage::Execution,
        fields: fields.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        officers: vec![],
        credentials_shown: true,
        auxiliaries: vec![],
        officers_signed: vec![],
        signature: None,
        serves: None,
        form_number: None,
        penalty: None,
        sensitivity: Sensitivity::Public,
        assessment: None,
        entered_on: None,
        points: vec![],
        host: None,
    };
    case.apply(&crate::case::CaseEvent::RecordAdded { record });
    id
}

// rule: D-06
// rule: D-07
#[test]
fn a_compulsory_execution_is_published_with_the_decision_it_carries_out() {
    let w = World::new("anxiang");
    let party = stallholder(false);
    let (mut case, doc) = decided(&w, party.clone(), &person_facts(&party), Sensitivity::Public);
    let fields = [
        ("means", "加处罚款"),
        ("basis", "《中华人民共和国行政强制法》第四十五条、《中华人民共和国行政处罚法》第七十二条"),
        ("executed_at", "2025-11-03 09:30"),
        ("place", "当事人摊位"),
        ("result", "王小明（电话13812345678）已缴纳罚款及加处罚款共计人民币8240元"),
    ];
    let exec = executed(&mut case, RecordKind::CompulsoryExecution, &fields);
    // The decision it carries out is not issued yet: nothing to name.
    assert!(refusal(prepare(&case, exec, "安乡县市场监督管理局")).contains("没有已出具并编号的决定书"));

    issue(&w, &mut case, doc);
    let p = prepare(&case, exec, "安乡县市场监督管理局").unwrap();
    let n = &p.notice;
    assert_eq!(n.kind, NoticeKind::Execution);
    assert_eq!(n.document_number, case.document_number(doc), "the number of the decision executed");
    assert_eq!((n.party.as_str(), n.facts.as_str(), n.decided_on), ("王**", "加处罚款", d("2025-11-03")));
    assert!(n.basis.contains("行政强制法》第四十五条"), "{}", n.basis);
    assert!(n.conclusion.contains("王**") && !n.conclusion.contains(PHONE), "{}", n.conclusion);
    assert_eq!(p.act_kind, ActKind::Coercion);
    let rows = n.rows();
    assert_eq!(rows[0], ("执行机关", "安乡县市场监督管理局".to_string()));
    assert_eq!(rows[3].0, "执行的决定文书号");
    assert_eq!(rows[6].0, "执行结果");

    // An execution is another enforcement decision: `other_publish_wd` working days (D-05).
    let profile = profile("anxiang");
    let due = match decide_prepare(&p, &profile, &calendar()).unwrap() {
        PublicationEvent::Prepared { due, .. } => due,
        e => panic!("{e:?}"),
    };
    let other = calendar().add_working_days(d("2025-11-03"), profile.params.other_publish_wd).unwrap();
    assert_eq!(due, other);
}

// rule: D-06
#[test]
fn an_execution_without_basis_or_result_or_of_a_minor_is_not_published() {
    let w = World::new("anxiang");
    let party = stallholder(false);
    let (mut case, doc) = decided(&w, party.clone(), &person_facts(&party), Sensitivity::Public);
    issue(&w, &mut case, doc);
    let removal = executed(
        &mut case,
        RecordKind::RemovalRestoration,
        &[("object", "违章广告牌"), ("executed_at", "2025-11-20 09:00"), ("place", "人民路"), ("result", " ")],
    );
    let why = refusal(prepare(&case, removal, "安乡县市场监督管理局"));
    assert!(why.contains("没有执行依据") && why.contains("没有执行结果"), "{why}");
    // A record that is no execution is not an execution notice.
    assert!(refusal(prepare_execution(&case, doc, "安乡县市场监督管理局")).contains("不是强制执行记录"));
    assert!(published_kind(RecordKind::RemovalRestoration) && !published_kind(RecordKind::Reminder));

    let minor = stallholder(true);
    let (mut case, doc) = decided(&w, minor.clone(), &person_facts(&minor), Sensitivity::Public);
    issue(&w, &mut case, doc);
    let exec = executed(
        &mut case,
        RecordKind::CompulsoryExecution,
        &[
            ("means", "加处罚款"),
            ("basis", "行政强制法第四十五条"),
            ("executed_at", "2025-11-03 09:30"),
            ("result", "已缴纳"),
        ],
    );
    assert!(refusal(prepare(&case, exec, "安乡县市场监督管理局")).contains("未成年"));
}
