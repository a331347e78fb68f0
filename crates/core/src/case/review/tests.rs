//! The legal review's rules, checked on cases built through the same decide functions the
//! services call.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use uuid::Uuid;

use super::clock::clock;
use super::decide::*;
use super::major::{ReviewCatalogueEntry, ReviewCatalogueKind, requirement};
use super::*;
use crate::access::Role;
use crate::calendar::{WorkCalendar, bundled_years};
use crate::case::decide::{Approver, NewRecord, OpenCase, decide_add_record, decide_complete_stage, decide_open};
use crate::case::kinds;
use crate::case::requirements::AvList;
use crate::case::{CaseEvent, Initiation, Party, PartyKind, Procedure, Record, RecordKind, Stage};
use crate::ids::CitizenId;
use crate::money::Money;
use crate::personnel::{Certificate, Officer, OfficerEvent, OfficerProfile, StaffKind};
use crate::profile::{PolicyProfile, bundled_profiles};
use crate::registry::{ActKind, Agency, AgencyEvent, AgencyInfo, Unit, UnitKind};

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn t(s: &str) -> NaiveDateTime {
    kinds::parse_datetime(s).unwrap()
}

fn profile() -> PolicyProfile {
    bundled_profiles().into_iter().find(|p| p.id == "anxiang").unwrap()
}

fn calendar() -> WorkCalendar {
    WorkCalendar::new(bundled_years())
}

struct World {
    agency: Agency,
    officers: Vec<Officer>,
    profile: PolicyProfile,
    catalogue: Vec<ReviewCatalogueEntry>,
    handler: Approver,
    reviewer: Approver,
    reviewer2: Approver,
    heads: Vec<Approver>,
}

fn account(name: &str, role: Role, officer_id: Option<Uuid>) -> Approver {
    Approver { account_id: Uuid::new_v4(), name: name.into(), role, officer_id }
}

impl World {
    fn new() -> World {
        let mut agency = Agency { id: Uuid::new_v4(), ..Default::default() };
        agency.info =
            AgencyInfo {
                name: "安乡县市场监督管理局".into(), short_name: "安市监".into(), ..Default::default()
            };
        for (name, kind) in [("执法大队", UnitKind::Handling), ("法规股", UnitKind::Legal)] {
            agency.apply(&AgencyEvent::UnitAdded {
                unit: Unit { id: Uuid::new_v4(), name: name.into(), kind, duties: String::new() },
            });
        }
        let officers = (1..=2)
            .map(|n| {
                let first17 = format!("4307211985031200{n}");
                let id = format!("{first17}{}", CitizenId::check_digit(first17.as_bytes()));
                let profile = OfficerProfile {
                    agency_id: agency.id,
                    unit_id: agency.units[0].id,
                    name: ["张明", "李华"][n - 1].into(),
                    citizen_id: CitizenId::parse(&id).unwrap(),
                    kind: StaffKind::Officer,
                    position: String::new(),
                    phone: String::new(),
                };
                let mut o = Officer::fold([&Officer::decide_register(&agency, profile).unwrap()]).unwrap();
                o.apply(&OfficerEvent::CertificateIssued {
                    certificate: Certificate {
                        number: format!("4307000{n}"),
                        category: "市场监管".into(),
                        scope: "安乡县".into(),
                        issued_on: d("2024-01-01"),
                        expires_on: d("2028-12-31"),
                        revoked: None,
                    },
                });
                o
            })
            .collect::<Vec<_>>();
        let handler = account("张明", Role::Officer, Some(officers[0].id));
        World {
            agency,
            officers,
            profile: profile(),
            catalogue: vec![],
            handler,
            reviewer: account("赵静", Role::LegalReviewer, None),
            reviewer2: account("孙磊", Role::LegalReviewer, None),
            heads: vec![account("局长", Role::Head, None), account("副局长", Role::Head, None)],
        }
    }

    fn policy(&self) -> ReviewPolicy<'_> {
        ReviewPolicy { profile: &self.profile, catalogue: &self.catalogue }
    }

    /// What completing the decision stage checks: the review and the fixtures' basis.
    fn stage(&self) -> crate::case::reasons::ReasonsPolicy<'_> {
        crate::case::reasons::ReasonsPolicy {
            review: self.policy(),
            basis: crate::case::reasons::fixtures::catalogue(),
            benchmarks: &[],
        }
    }

    /// A penalty case in its decision stage, with an investigation report and evidence.
    fn case(&self, party: PartyKind) -> Case {
        let party = Party {
            kind: party,
            name: "安乡县某某超市".into(),
            id_number: String::new(),
            address: "安乡县".into(),
            phone: String::new(),
            representative: String::new(),
            minor: false,
        };
        let cmd = OpenCase {
            act_kind: ActKind::Penalty,
            procedure: Procedure::Ordinary,
            initiation: Initiation::ExOfficio { urgent: false },
            party,
            summary: "销售过期食品".into(),
            item_code: Some("AX-SC-001".into()),
            handling_unit: self.agency.units[0].id,
            officers: self.officers.iter().collect(),
            auxiliaries: vec![],
            violation_ended_on: Some(d("2025-08-01")),
            serious_harm: false,
            limitation_override: String::new(),
        };
        let opened =
            decide_open(&self.agency, &self.profile, cmd, "安市监案〔2025〕9号".into(), t("2025-09-01 09:00")).unwrap();
        let mut case = Case::fold([&opened]).unwrap();
        case.apply(&CaseEvent::StageCompleted { stage: Stage::Initiation, on: d("2025-09-01") });
        add(
            &mut case,
            NewRecord::new(
                RecordKind::DocumentaryEvidence,
                &[("description", "进货单据"), ("source", "当事人提供"), ("collected_on", "2025-09-02")],
            ),
        );
        add(
            &mut case,
            NewRecord::new(
                RecordKind::InvestigationReport,
                &[("facts", "销售过期食品"), ("evidence", "单据"), ("proposal", "罚款"), ("reported_on", "2025-09-04")],
            ),
        );
        case.apply(&CaseEvent::StageCompleted { stage: Stage::Investigation, on: d("2025-09-04") });
        case
    }

    /// A case whose draft proposes a fine of `yuan`.
    fn fined(&self, party: PartyKind, yuan: &str) -> Case {
        let mut case = self.case(party);
        draft(&mut case, yuan);
        case
    }
}

fn add(case: &mut Case, rec: NewRecord<'_>) -> Uuid {
    let e = decide_add_record(case, rec, None, d("2025-09-05")).unwrap();
    let CaseEvent::RecordAdded { record } = &e else { panic!() };
    let id = record.id;
    case.apply(&e);
    id
}

/// A record as stored by an earlier version, without the checks a record made today
/// passes (a hearing's request, host and periods, N-05): the review reads what is there.
fn legacy(case: &mut Case, kind: RecordKind, fields: &[(&str, &str)]) {
    case.apply(&CaseEvent::RecordAdded {
        record: Record {
            id: Uuid::new_v4(),
            kind,
            stage: Stage::Decision,
            fields: fields.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            officers: vec![],
            credentials_shown: false,
            auxiliaries: vec![],
            officers_signed: vec![],
            signature: None,
            serves: None,
            form_number: None,
            penalty: None,
            sensitivity: Default::default(),
            assessment: None,
            entered_on: None,
            points: vec![],
            host: None,
        },
    });
}

fn draft(case: &mut Case, yuan: &str) -> Uuid {
    add(
        case,
        NewRecord::new(
            RecordKind::DecisionDraft,
            &[
                ("drafter", "张明"),
                ("facts", "销售过期食品"),
                ("evidence", "单据"),
                ("basis", "《食品安全法》第一百二十四条"),
                ("considerations", "货值较大"),
                ("proposal", &format!("罚款{yuan}元")),
                ("penalty_types", "罚款"),
                ("fine", yuan),
            ],
        ),
    )
}

fn apply(case: &mut Case, events: Vec<CaseEvent>) {
    for e in &events {
        case.apply(e);
    }
}

fn submit(w: &World, case: &mut Case, at: &str) -> Uuid {
    let e = decide_submit(case, w.policy(), Submission::default(), &w.handler, t(at)).unwrap();
    case.apply(&e);
    case.review.rounds.last().unwrap().id
}

fn all_sound(note: &str) -> Vec<ChecklistAnswer> {
    ChecklistItem::ALL
        .iter()
        .map(|i| ChecklistAnswer { item: *i, answer: i.sound_answer(), note: note.into() })
        .collect()
}

fn with_problem(item: ChecklistItem, note: &str) -> Vec<ChecklistAnswer> {
    let mut c = all_sound("");
    for a in &mut c {
        if a.item == item {
            a.answer = !a.answer;
            a.note = note.into();
        }
    }
    c
}

fn conclude(w: &World, case: &mut Case, round: Uuid, opinion: Opinion, checklist: Vec<ChecklistAnswer>, at: &str) {
    let cmd = Conclude {
        round, checklist, opinion, reasons: "事实清楚，证据确凿，程序合法，裁量适当".into()
    };
    let events = decide_conclude(case, cmd, &w.reviewer, &[], t(at)).unwrap();
    apply(case, events);
}

fn approve(w: &World, case: &mut Case, at: &str) {
    let round = submit(w, case, at);
    conclude(w, case, round, Opinion::Approve, all_sound(""), at);
}

fn decision_document(w: &World) -> NewRecord<'_> {
    let mut doc = NewRecord::new(
        RecordKind::DecisionDocument,
        &[
            ("document_number", "安市监罚决〔2025〕9号"),
            ("party", "安乡县某某超市"),
            ("facts", "销售过期食品，有单据为证"),
            ("basis", "《食品安全法》第一百二十四条"),
            ("discretion", "一般情节"),
            ("conclusion", "罚款"),
            ("performance", "十五日内缴纳"),
            ("remedies", "六十日内复议或六个月内诉讼"),
            ("agency", "安乡县市场监督管理局"),
            ("sealed", "是"),
            ("decided_on", "2025-09-20"),
        ],
    );
    doc.review = Some(w.policy());
    // G-01, G-03: the four reasons, in detail (a major decision), and the basis from the
    // catalogue.
    doc.basis = crate::case::reasons::fixtures::catalogue();
    doc.fields.insert("basis".into(), crate::case::reasons::fixtures::BASIS.into());
    for (k, v) in crate::case::reasons::fixtures::REASONS {
        doc.fields.insert(k.into(), v.into());
    }
    doc
}

fn issue(w: &World, case: &Case) -> Result<CaseEvent, crate::validation::Rejection> {
    decide_add_record(case, decision_document(w), None, d("2025-09-20"))
}

fn grounds(w: &World, case: &Case) -> String {
    requirement(case, w.policy()).describe()
}

// rule: L-01
#[test]
fn a_fine_at_the_threshold_for_the_party_kind_makes_the_decision_major() {
    let w = World::new();
    // 安乡: 10,000 yuan for a person, 100,000 for an organisation.
    assert!(grounds(&w, &w.fined(PartyKind::Person, "10000")).contains("较大数额罚款"));
    assert!(grounds(&w, &w.fined(PartyKind::Person, "9999.99")).is_empty());
    assert!(grounds(&w, &w.fined(PartyKind::Organisation, "20000")).is_empty());
    assert!(grounds(&w, &w.fined(PartyKind::Organisation, "10万")).contains("较大数额罚款"));
    // Without the structured fields, the amount is read from the proposal text.
    let mut case = w.case(PartyKind::Person);
    add(
        &mut case,
        NewRecord::new(
            RecordKind::DecisionDraft,
            &[
                ("drafter", "张明"),
                ("facts", "f"),
                ("evidence", "e"),
                ("basis", "b"),
                ("considerations", "c"),
                ("proposal", "罚款人民币2万元"),
            ],
        ),
    );
    assert!(grounds(&w, &case).contains("拟罚款20000元"));
}

// rule: L-01
#[test]
fn severe_penalties_large_confiscation_hearings_coercion_items_and_flags_are_major() {
    let mut w = World::new();
    let mut case = w.case(PartyKind::Organisation);
    add(
        &mut case,
        NewRecord::new(
            RecordKind::DecisionDraft,
            &[
                ("drafter", "张明"),
                ("facts", "f"),
                ("evidence", "e"),
                ("basis", "b"),
                ("considerations", "c"),
                ("proposal", "吊销食品经营许可证，没收违法所得12,000元"),
            ],
        ),
    );
    let g = grounds(&w, &case);
    assert!(g.contains("吊销许可证件"), "{g}");
    // Confiscation is large only against the catalogue's threshold.
    assert!(!g.contains("没收"), "{g}");
    w.catalogue.push(ReviewCatalogueEntry {
        id: Uuid::new_v4(),
        what: ReviewCatalogueKind::ConfiscationThreshold { amount: Money::from_yuan(10_000) },
        basis: "省局规定".into(),
    });
    assert!(grounds(&w, &case).contains("拟没收12000元"));
    // The enforcement item is in the catalogue.
    let case = w.case(PartyKind::Person);
    assert!(!requirement(&case, w.policy()).required());
    w.catalogue.push(ReviewCatalogueEntry {
        id: Uuid::new_v4(),
        what: ReviewCatalogueKind::Item { code: "AX-SC-001".into() },
        basis: String::new(),
    });
    assert!(grounds(&w, &case).contains("AX-SC-001"));
    // A hearing was held.
    let mut case = w.fined(PartyKind::Person, "100");
    w.catalogue.clear();
    legacy(
        &mut case,
        RecordKind::HearingRecord,
        &[
            ("host", "法规股长"),
            ("participants", "当事人"),
            ("held_at", "2025-09-05 09:00"),
            ("place", "听证室"),
            ("record", "听证记录"),
        ],
    );
    assert!(grounds(&w, &case).contains("听证"));
    // A declared flag, and the handler's own flag.
    let mut case = w.fined(PartyKind::Person, "100");
    let e =
        decide_flag(&case, &w.catalogue, "social_impact", "涉及上百户居民", &w.handler, t("2025-09-05 10:00")).unwrap();
    case.apply(&e);
    assert!(grounds(&w, &case).contains("重大社会影响"));
    case.apply(&CaseEvent::MarkedMajor { reason: "舆情关注".into() });
    assert!(grounds(&w, &case).contains("舆情关注"));
}

// rule: L-01
#[test]
fn a_ground_cannot_be_unflagged_and_a_ticked_catalogue_category_stays() {
    let mut w = World::new();
    let entry = ReviewCatalogueEntry {
        id: Uuid::new_v4(),
        what: ReviewCatalogueKind::Category { label: "涉及学校周边食品安全".into() },
        basis: String::new(),
    };
    w.catalogue.push(entry.clone());
    let mut case = w.fined(PartyKind::Person, "100");
    let code = format!("catalogue:{}", entry.id);
    assert!(major::available_flags(&case, &w.catalogue).iter().any(|(c, _)| *c == code));
    case.apply(&decide_flag(&case, &w.catalogue, &code, "学校门口", &w.handler, t("2025-09-05 10:00")).unwrap());
    assert!(grounds(&w, &case).contains("学校周边"));
    // Declared once; nothing takes it back, not even a corrected draft or a new one.
    assert!(decide_flag(&case, &w.catalogue, &code, "再次", &w.handler, t("2025-09-05 10:00")).is_err());
    assert!(!major::available_flags(&case, &w.catalogue).iter().any(|(c, _)| *c == code));
    draft(&mut case, "50");
    assert!(requirement(&case, w.policy()).is_major());
    // Auxiliaries or legal reviewers do not flag for the handling unit.
    let err = decide_flag(&case, &w.catalogue, "complex", "复杂", &w.reviewer, t("2025-09-05 10:00")).unwrap_err();
    assert!(err.to_string().contains("承办机构"));
}

// rule: L-11
#[test]
fn a_profile_may_require_review_of_every_decision_but_not_on_the_spot() {
    let mut w = World::new();
    let case = w.fined(PartyKind::Person, "100");
    assert_eq!(standing(&case, w.policy()), Standing::NotRequired);
    assert!(issue(&w, &case).is_ok());
    w.profile.params.review_all_decisions = true;
    let req = requirement(&case, w.policy());
    assert!(req.required() && !req.is_major());
    let err = issue(&w, &case).unwrap_err().to_string();
    assert!(err.contains("所有行政执法决定均须法制审核（L-11）"), "{err}");
    let mut spot = case.clone();
    spot.opening.procedure = Procedure::Simplified;
    assert!(!requirement(&spot, w.policy()).required());
}

// rule: L-02
#[test]
fn a_major_decision_cannot_be_issued_or_its_stage_completed_until_review_approves_it() {
    let w = World::new();
    let mut case = w.fined(PartyKind::Person, "20000");
    let err = issue(&w, &case).unwrap_err();
    let msg = err.message_for("review").unwrap();
    assert!(msg.contains("L-02") && msg.contains("拟罚款20000元") && msg.contains("请承办机构提交"), "{msg}");
    let stage = decide_complete_stage(&case, Stage::Decision, &AvList::new(), w.stage(), d("2025-09-20")).unwrap_err();
    assert!(stage.to_string().contains("L-02"), "{stage}");
    // Without the policy the gate stays shut.
    let mut bare = decision_document(&w);
    bare.review = None;
    assert!(decide_add_record(&case, bare, None, d("2025-09-20")).unwrap_err().to_string().contains("L-02"));
    // Submitted but not concluded: still shut.
    let round = submit(&w, &mut case, "2025-09-08 09:00");
    assert!(issue(&w, &case).unwrap_err().to_string().contains("正在审核"));
    conclude(&w, &mut case, round, Opinion::Approve, all_sound(""), "2025-09-09 09:00");
    assert_eq!(standing(&case, w.policy()), Standing::Approved);
    assert!(issue(&w, &case).is_ok());
    // A corrected draft voids the approval.
    let draft = case.records_of(RecordKind::DecisionDraft).last().unwrap().record.id;
    let fields: BTreeMap<String, String> = [("facts".to_string(), "销售过期食品十二盒".to_string())].into();
    case.apply(&crate::case::decide::decide_correct(&case, draft, "补正事实", fields, &[], d("2025-09-10")).unwrap());
    let err = issue(&w, &case).unwrap_err().to_string();
    assert!(err.contains("原审核意见失效"), "{err}");
}

// rule: L-02
// rule: L-05
#[test]
fn an_opinion_other_than_approval_keeps_the_gate_shut() {
    let w = World::new();
    let mut case = w.fined(PartyKind::Person, "20000");
    let round = submit(&w, &mut case, "2025-09-08 09:00");
    let checklist = with_problem(ChecklistItem::Discretion, "罚款明显偏高");
    conclude(&w, &mut case, round, Opinion::ModifyDiscretion, checklist, "2025-09-09 09:00");
    let err = issue(&w, &case).unwrap_err().to_string();
    assert!(err.contains("变更意见（裁量权运用不当）") && err.contains("申请复审"), "{err}");
    // The opinion form joined the case file.
    let form = case.records_of(RecordKind::LegalReviewOpinion).last().unwrap();
    assert!(form.field("opinion").contains("变更意见"));
}

// rule: L-03
#[test]
fn missing_materials_are_noticed_once_all_together_then_supplemented_or_refused_in_writing() {
    let w = World::new();
    let mut case = w.fined(PartyKind::Person, "20000");
    // No hearing was noticed: not applicable; everything else derived from the records.
    let round = submit(&w, &mut case, "2025-09-08 09:00");
    let mats = &case.review.round(round).unwrap().materials;
    assert!(mats.iter().all(|m| !m.is_missing()), "{mats:?}");
    assert!(
        mats.iter().any(|m| m.kind == MaterialKind::HearingOrAssessment && m.source == MaterialSource::NotApplicable)
    );

    // A case without its investigation report, with a hearing noticed but not recorded.
    let mut case = w.case(PartyKind::Person);
    case.records.retain(|r| r.record.kind != RecordKind::InvestigationReport);
    draft(&mut case, "20000");
    legacy(
        &mut case,
        RecordKind::HearingNotice,
        &[
            ("applied_on", "2025-09-05"),
            ("host", "法规股长"),
            ("hearing_at", "2025-09-15 09:00"),
            ("place", "听证室"),
            ("noticed_on", "2025-09-05"),
        ],
    );
    let round = submit(&w, &mut case, "2025-09-08 09:00");
    let missing = missing_items(&case.review.round(round).unwrap().materials);
    assert_eq!(missing, vec!["调查终结报告", "听证笔录或评估报告"]);
    // Refusal needs the notice first; the notice lists all, the reviewer's additions too.
    assert!(decide_refuse(&case, round, "材料不全", &w.reviewer, &[], t("2025-09-08 10:00")).is_err());
    let concluded =
        Conclude { round, checklist: all_sound(""), opinion: Opinion::Approve, reasons: "同意作出决定".into() };
    let err = decide_conclude(&case, concluded.clone(), &w.reviewer, &[], t("2025-09-08 10:00")).unwrap_err();
    assert!(err.to_string().contains("送审材料不齐全"), "{err}");
    let extra = vec!["当事人营业执照复印件".to_string()];
    case.apply(&decide_notice(&case, round, &extra, &w.reviewer, &[], t("2025-09-08 10:00")).unwrap());
    let notice = case.review.round(round).unwrap().notice.clone().unwrap();
    assert_eq!(notice.missing, vec!["调查终结报告", "听证笔录或评估报告", "当事人营业执照复印件"]);
    let again = decide_notice(&case, round, &[], &w.reviewer, &[], t("2025-09-09 10:00")).unwrap_err();
    assert!(again.to_string().contains("一次性告知"));
    // Waiting for the supplement: neither conclusion nor refusal.
    assert!(decide_conclude(&case, concluded.clone(), &w.reviewer, &[], t("2025-09-09 10:00")).is_err());
    assert!(decide_refuse(&case, round, "材料不全", &w.reviewer, &[], t("2025-09-09 10:00")).is_err());
    // The handler declares the paper report; the hearing record is still missing.
    let declared: BTreeMap<MaterialKind, String> =
        [(MaterialKind::InvestigationReport, "纸质调查终结报告一份（共5页）".to_string())].into();
    let e = decide_supplement(&case, round, &declared, "补充调查终结报告", &w.handler, t("2025-09-10 09:00")).unwrap();
    case.apply(&e);
    let now = current_materials(&case, case.review.round(round).unwrap());
    assert_eq!(missing_items(&now), vec!["听证笔录或评估报告"]);
    assert!(decide_refuse(&case, round, "", &w.reviewer, &[], t("2025-09-10 10:00")).is_err());
    case.apply(&decide_refuse(&case, round, "补充后仍缺少听证笔录", &w.reviewer, &[], t("2025-09-10 10:00")).unwrap());
    let s = standing(&case, w.policy());
    assert!(matches!(s, Standing::Refused { .. }), "{s:?}");
    assert!(issue(&w, &case).unwrap_err().to_string().contains("不予受理"));
    // A new submission starts over.
    assert!(decide_submit(&case, w.policy(), Submission::default(), &w.handler, t("2025-09-11 09:00")).is_ok());
}

// rule: L-04
// rule: L-05
#[test]
fn every_checklist_item_is_answered_and_the_opinion_follows_from_it_with_reasons() {
    let w = World::new();
    let mut case = w.fined(PartyKind::Person, "20000");
    let round = submit(&w, &mut case, "2025-09-08 09:00");
    let mut partial = all_sound("");
    partial.retain(|a| a.item != ChecklistItem::Transfer && a.item != ChecklistItem::Procedure);
    let cmd = Conclude { round, checklist: partial, opinion: Opinion::Approve, reasons: "同意".into() };
    let err = decide_conclude(&case, cmd, &w.reviewer, &[], t("2025-09-09 09:00")).unwrap_err();
    assert!(err.message_for("checklist.transfer").unwrap().contains("是否需要移送"));
    assert!(err.message_for("checklist.procedure").is_some());
    assert!(err.message_for("reasons").unwrap().contains("理由"));
    // A problem found must be explained, and approval is impossible with it.
    let mut checklist = with_problem(ChecklistItem::Procedure, "");
    let cmd =
        Conclude {
            round, checklist: checklist.clone(), opinion: Opinion::Approve, reasons: "程序瑕疵可补正".into()
        };
    let err = decide_conclude(&case, cmd, &w.reviewer, &[], t("2025-09-09 09:00")).unwrap_err();
    assert!(err.message_for("checklist.procedure.note").is_some());
    assert!(err.message_for("opinion").unwrap().contains("不能出具同意意见"));
    // An opinion rests on an item found wanting: a transfer needs the transfer question.
    checklist[3].note = "未送达事先告知书".into();
    let cmd =
        Conclude { round, checklist: checklist.clone(), opinion: Opinion::Transfer, reasons: "涉嫌犯罪".into() };
    let err = decide_conclude(&case, cmd, &w.reviewer, &[], t("2025-09-09 09:00")).unwrap_err();
    assert!(err.message_for("opinion").unwrap().contains("移送意见"));
    let cmd = Conclude {
        round, checklist, opinion: Opinion::CorrectProcedure, reasons: "请补充送达事先告知书".into()
    };
    let events = decide_conclude(&case, cmd, &w.reviewer, &[], t("2025-09-09 09:00")).unwrap();
    apply(&mut case, events);
    let c = case.review.round(round).unwrap().conclusion.clone().unwrap();
    assert_eq!(c.checklist.len(), 8);
    assert_eq!(c.opinion, Opinion::CorrectProcedure);
    // Only a legal reviewer gives the opinion.
    let round = submit(&w, &mut case, "2025-09-10 09:00");
    let cmd = Conclude { round, checklist: all_sound(""), opinion: Opinion::Approve, reasons: "事实清楚".into() };
    let head = &w.heads[0];
    assert!(
        decide_conclude(&case, cmd, head, &[], t("2025-09-10 10:00")).unwrap_err().to_string().contains("法制审核人员")
    );
}

// rule: L-06
#[test]
fn the_deadline_counts_working_days_from_complete_materials_and_the_head_extends_it() {
    let w = World::new();
    let cal = calendar();
    let mut case = w.fined(PartyKind::Person, "20000");
    // Monday 2025-09-08; 安乡: 3 working days.
    let round = submit(&w, &mut case, "2025-09-08 09:00");
    let c = clock(case.review.round(round).unwrap(), &w.profile, &cal, d("2025-09-08")).unwrap();
    assert_eq!((c.due, c.remaining), (Some(d("2025-09-11")), 3));
    // Notice on Monday, supplement on Wednesday: two working days do not count.
    case.apply(&decide_notice(&case, round, &["营业执照".into()], &w.reviewer, &[], t("2025-09-08 10:00")).unwrap());
    let c = clock(case.review.round(round).unwrap(), &w.profile, &cal, d("2025-09-09")).unwrap();
    assert!(c.paused && c.due.is_none(), "{c:?}");
    assert!(c.describe().contains("计时暂停"));
    let e =
        decide_supplement(&case, round, &BTreeMap::new(), "已补充营业执照", &w.handler, t("2025-09-10 09:00")).unwrap();
    case.apply(&e);
    let c = clock(case.review.round(round).unwrap(), &w.profile, &cal, d("2025-09-11")).unwrap();
    assert_eq!((c.due, c.remaining, c.paused_days), (Some(d("2025-09-15")), 2, 2), "{c:?}");
    // Overdue after the due date.
    let c = clock(case.review.round(round).unwrap(), &w.profile, &cal, d("2025-09-16")).unwrap();
    assert!(c.overdue() && c.describe().contains("已逾期1个工作日"), "{c:?}");
    // The extension: requested by the reviewer, approved by a head only.
    let e =
        decide_request_extension(&case, round, "涉及多个法律关系，案情复杂", &w.reviewer, &[], t("2025-09-11 09:00"))
            .unwrap();
    case.apply(&e);
    let err = decide_extension(&case, round, true, "同意", &w.handler, t("2025-09-11 10:00")).unwrap_err();
    assert!(err.to_string().contains("负责人批准"));
    case.apply(&decide_extension(&case, round, true, "同意延长", &w.heads[0], t("2025-09-11 10:00")).unwrap());
    let c = clock(case.review.round(round).unwrap(), &w.profile, &cal, d("2025-09-11")).unwrap();
    assert_eq!((c.due, c.remaining), (Some(d("2025-09-17")), 4));
    // An urgent submission has a day.
    let mut urgent = w.fined(PartyKind::Person, "20000");
    let cmd = Submission { urgent: true, ..Default::default() };
    urgent.apply(&decide_submit(&urgent, w.policy(), cmd, &w.handler, t("2025-09-12 09:00")).unwrap());
    let c = clock(urgent.review.rounds.last().unwrap(), &w.profile, &cal, d("2025-09-12")).unwrap();
    // Friday 2025-09-12 + 1 working day = Monday.
    assert_eq!(c.due, Some(d("2025-09-15")));
}

// rule: L-07
#[test]
fn a_reviewer_who_acted_in_the_case_cannot_review_it() {
    let w = World::new();
    let mut case = w.fined(PartyKind::Person, "20000");
    let round = submit(&w, &mut case, "2025-09-08 09:00");
    let cmd = Conclude { round, checklist: all_sound(""), opinion: Opinion::Approve, reasons: "事实清楚".into() };
    // Assigned to the case (an officer account given the reviewer role).
    let assigned = Approver { role: Role::LegalReviewer, ..w.handler.clone() };
    let err = decide_conclude(&case, cmd.clone(), &assigned, &[], t("2025-09-09 09:00")).unwrap_err();
    assert!(err.to_string().contains("系本案的承办人员"), "{err}");
    // Wrote a record of the case.
    let err =
        decide_conclude(&case, cmd.clone(), &w.reviewer, &[w.reviewer.account_id], t("2025-09-09 09:00")).unwrap_err();
    assert!(err.to_string().contains("L-07"), "{err}");
    assert!(
        decide_notice(&case, round, &["x".into()], &w.reviewer, &[w.reviewer.account_id], t("2025-09-09 09:00"))
            .is_err()
    );
    // Signed an approval of the case.
    let draft = case.records_of(RecordKind::DecisionDraft).last().unwrap().record.id;
    let step = crate::case::decide::decide_approval(
        &case,
        draft,
        crate::case::ApprovalStep::Handler,
        true,
        "同意",
        &w.handler,
        t("2025-09-08 09:00"),
    )
    .unwrap();
    case.apply(&step);
    let signed = Approver { role: Role::LegalReviewer, officer_id: None, ..w.handler.clone() };
    assert!(acted_in_case(&case, &signed, &[]).is_some());
    // Another reviewer may.
    assert!(decide_conclude(&case, cmd, &w.reviewer2, &[w.reviewer.account_id], t("2025-09-09 09:00")).is_ok());
}

// rule: L-08
#[test]
fn advisers_opinions_are_attached_but_only_the_legal_unit_concludes() {
    let w = World::new();
    let mut case = w.fined(PartyKind::Person, "20000");
    let round = submit(&w, &mut case, "2025-09-08 09:00");
    let e = decide_adviser_opinion(
        &case,
        round,
        "王律师",
        AdviserKind::LegalAdviser,
        "同意拟处罚意见",
        &w.reviewer,
        &[],
        t("2025-09-08 15:00"),
    )
    .unwrap();
    case.apply(&e);
    assert_eq!(case.review.round(round).unwrap().advisers.len(), 1);
    // The adviser's agreement is no approval.
    assert!(matches!(standing(&case, w.policy()), Standing::InReview { .. }));
    assert!(issue(&w, &case).is_err());
    assert!(
        decide_adviser_opinion(
            &case,
            round,
            "",
            AdviserKind::PublicLawyer,
            "",
            &w.reviewer,
            &[],
            t("2025-09-08 15:00")
        )
        .is_err()
    );
    conclude(&w, &mut case, round, Opinion::Approve, all_sound(""), "2025-09-09 09:00");
    assert!(issue(&w, &case).is_ok());
}

/// A case where the re-review did not approve either.
fn disputed(w: &World) -> Case {
    let mut case = w.fined(PartyKind::Person, "20000");
    let round = submit(w, &mut case, "2025-09-08 09:00");
    let problem = with_problem(ChecklistItem::Discretion, "罚款偏高");
    conclude(w, &mut case, round, Opinion::ModifyDiscretion, problem.clone(), "2025-09-09 09:00");
    assert!(decide_re_review(&case, "", &w.handler, t("2025-09-10 09:00")).is_err());
    let e = decide_re_review(&case, "货值金额较大，罚款在基准范围内", &w.handler, t("2025-09-10 09:00")).unwrap();
    case.apply(&e);
    let re = case.review.rounds.last().unwrap().id;
    assert!(
        decide_collective(&case, discussion(w, CollectiveDecision::AdoptDraft), &w.heads[0], t("2025-09-10 10:00"))
            .is_err()
    );
    conclude(w, &mut case, re, Opinion::ModifyDiscretion, problem, "2025-09-11 09:00");
    assert!(decide_re_review(&case, "仍有异议", &w.handler, t("2025-09-12 09:00")).is_err());
    case
}

fn discussion(w: &World, decision: CollectiveDecision) -> Discussion {
    Discussion {
        participants: w.heads.clone(),
        minutes: "局长：……；副局长：……".into(),
        decision,
        reasons: "当事人货值金额较大，按拟定决定作出".into(),
    }
}

// rule: L-09
#[test]
fn after_re_review_the_heads_decide_collectively_and_every_participant_signs() {
    let w = World::new();
    let mut case = disputed(&w);
    assert!(matches!(standing(&case, w.policy()), Standing::CollectiveNeeded { .. }));
    // Two heads at least; the recorder is a head.
    let mut one = discussion(&w, CollectiveDecision::AdoptDraft);
    one.participants.truncate(1);
    let err = decide_collective(&case, one, &w.heads[0], t("2025-09-12 09:00")).unwrap_err();
    assert!(err.message_for("participants").unwrap().contains("两名以上负责人"));
    assert!(
        decide_collective(&case, discussion(&w, CollectiveDecision::AdoptDraft), &w.handler, t("2025-09-12 09:00"))
            .is_err()
    );
    let events =
        decide_collective(&case, discussion(&w, CollectiveDecision::AdoptDraft), &w.heads[0], t("2025-09-12 09:00"))
            .unwrap();
    apply(&mut case, events);
    let c = case.review.collectives[0].clone();
    assert!(c.against_legal_unit);
    let minutes = case.records_of(RecordKind::CollectiveDiscussion).last().unwrap();
    assert!(minutes.field("conclusion").contains("与法制机构审核意见“变更意见（裁量权运用不当）”不一致"));
    // Until every participant signed, the gate stays shut.
    assert!(issue(&w, &case).unwrap_err().to_string().contains("尚待签名：局长、副局长"));
    assert!(decide_sign(&case, c.id, &w.handler, t("2025-09-12 10:00")).is_err());
    case.apply(&decide_sign(&case, c.id, &w.heads[0], t("2025-09-12 10:00")).unwrap());
    assert!(decide_sign(&case, c.id, &w.heads[0], t("2025-09-12 10:00")).is_err());
    assert!(issue(&w, &case).unwrap_err().to_string().contains("尚待签名：副局长"));
    case.apply(&decide_sign(&case, c.id, &w.heads[1], t("2025-09-12 11:00")).unwrap());
    assert_eq!(standing(&case, w.policy()), Standing::Approved);
    assert!(issue(&w, &case).is_ok());
}

// rule: L-09
#[test]
fn heads_who_follow_the_legal_unit_send_the_draft_back() {
    let w = World::new();
    let mut case = disputed(&w);
    let events = decide_collective(
        &case,
        discussion(&w, CollectiveDecision::FollowLegalUnit),
        &w.heads[0],
        t("2025-09-12 09:00"),
    )
    .unwrap();
    apply(&mut case, events);
    assert!(!case.review.collectives[0].against_legal_unit);
    for h in &w.heads {
        case.apply(&decide_sign(&case, case.review.collectives[0].id, h, t("2025-09-12 10:00")).unwrap());
    }
    assert_eq!(standing(&case, w.policy()), Standing::CollectiveFollowedLegalUnit);
    assert!(issue(&w, &case).is_err());
}

// rule: L-10
#[test]
fn a_decision_in_the_governments_name_goes_to_the_judicial_bureau_after_the_legal_unit() {
    let w = World::new();
    let mut case = w.fined(PartyKind::Person, "100");
    let e =
        decide_flag(&case, &w.catalogue, "government_name", "依法由县人民政府作出", &w.handler, t("2025-09-05 09:00"))
            .unwrap();
    case.apply(&e);
    let bureau = Submission { level: Some(Level::Bureau), ..Default::default() };
    let err = decide_submit(&case, w.policy(), bureau.clone(), &w.handler, t("2025-09-08 09:00")).unwrap_err();
    assert!(err.to_string().contains("须先经本机关法制机构审核同意"), "{err}");
    approve(&w, &mut case, "2025-09-08 09:00");
    assert_eq!(standing(&case, w.policy()), Standing::NotSubmitted { level: Level::Bureau });
    let err = issue(&w, &case).unwrap_err().to_string();
    assert!(err.contains("司法局") && err.contains("L-10"), "{err}");
    case.apply(&decide_submit(&case, w.policy(), bureau, &w.handler, t("2025-09-09 09:00")).unwrap());
    let round = case.review.rounds.last().unwrap();
    assert_eq!(round.level, Level::Bureau);
    assert!(round.materials.iter().any(|m| m.kind == MaterialKind::LegalUnitOpinion && !m.is_missing()));
    let round = round.id;
    assert!(issue(&w, &case).unwrap_err().to_string().contains("司法局正在审核"));
    let judicial = account("彭丽", Role::LegalReviewer, None);
    let cmd = Conclude {
        round, checklist: all_sound(""), opinion: Opinion::Approve, reasons: "合法适当，同意".into()
    };
    let events = decide_conclude(&case, cmd, &judicial, &[], t("2025-09-10 09:00")).unwrap();
    apply(&mut case, events);
    assert!(issue(&w, &case).is_ok());
}

// rule: L-02
#[test]
fn the_decision_document_issues_the_penalty_the_review_approved() {
    let w = World::new();
    let mut case = w.fined(PartyKind::Person, "20000");
    approve(&w, &mut case, "2025-09-08 09:00");
    let mut heavier = decision_document(&w);
    heavier.fields.insert("fine".into(), "30000".into());
    heavier.fields.insert("penalty_types".into(), "罚款、吊销许可证件".into());
    let err = decide_add_record(&case, heavier, None, d("2025-09-20")).unwrap_err();
    assert!(err.message_for("fields.fine").unwrap().contains("与经法制审核的拟决定（罚款20000元）不一致"), "{err}");
    assert!(err.message_for("fields.penalty_types").unwrap().contains("吊销"), "{err}");
    let mut same = decision_document(&w);
    same.fields.insert("fine".into(), "2万元".into());
    same.fields.insert("penalty_types".into(), "罚款".into());
    assert!(decide_add_record(&case, same, None, d("2025-09-20")).is_ok());
}

// rule: L-02
// rule: R-12
#[test]
fn a_major_decision_stage_lists_the_review_and_the_heads_discussion_it_lacks() {
    let w = World::new();
    let mut case = w.fined(PartyKind::Person, "20000");
    let gaps = stage_gaps(&case, w.policy()).join("；");
    assert!(gaps.contains("L-02") && gaps.contains("集体讨论"), "{gaps}");
    approve(&w, &mut case, "2025-09-08 09:00");
    let gaps = stage_gaps(&case, w.policy());
    assert_eq!(gaps.len(), 1, "{gaps:?}");
    assert!(gaps[0].contains("集体讨论记录"));
    let err = decide_complete_stage(&case, Stage::Decision, &AvList::new(), w.stage(), d("2025-09-20")).unwrap_err();
    assert!(err.to_string().contains("集体讨论") && !err.to_string().contains("L-02"), "{err}");
    // Not major: nothing from the review.
    let small = w.fined(PartyKind::Person, "100");
    assert!(stage_gaps(&small, w.policy()).is_empty());
}
