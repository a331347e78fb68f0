//! Rule tests of the case domain, through the pure decide functions.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use uuid::Uuid;

use super::deadlines::{DeadlineStatus, deadlines};
use super::decide::*;
use super::requirements::{AvList, missing};
use super::review::ReviewPolicy;
use super::*;
use crate::access::{Role, Sensitivity};
use crate::calendar::{WorkCalendar, bundled_years};
use crate::ids::CitizenId;
use crate::money::Money;
use crate::personnel::{Certificate, Conflict, Officer, OfficerProfile, StaffKind};
use crate::profile::{PolicyProfile, bundled_profiles};
use crate::registry::{ActKind, Agency, AgencyEvent, AgencyInfo, Unit, UnitKind};

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn t(s: &str) -> NaiveDateTime {
    kinds::parse_datetime(s).unwrap()
}

fn profile(id: &str) -> PolicyProfile {
    bundled_profiles().into_iter().find(|p| p.id == id).unwrap()
}

/// The legal review's policy (L-02): the 安乡 profile and an empty review catalogue.
fn review() -> ReviewPolicy<'static> {
    static ANXIANG: std::sync::LazyLock<PolicyProfile> = std::sync::LazyLock::new(|| profile("anxiang"));
    ReviewPolicy { profile: &ANXIANG, catalogue: &[] }
}

/// What completing a stage checks: the legal review, and the decision's basis against the
/// fixtures' catalogue (no benchmarks).
fn stage_policy() -> crate::case::reasons::ReasonsPolicy<'static> {
    crate::case::reasons::ReasonsPolicy {
        review: review(),
        basis: crate::case::reasons::fixtures::catalogue(),
        benchmarks: &[],
    }
}

/// A decision document checked against the legal review.
fn issued(mut r: NewRecord<'_>) -> NewRecord<'_> {
    r.review = Some(review());
    // G-01, G-03: its four reasons and its basis from the catalogue.
    r.basis = crate::case::reasons::fixtures::catalogue();
    if r.kind == RecordKind::DecisionDocument {
        r.fields.insert("basis".into(), crate::case::reasons::fixtures::BASIS.into());
        for (k, v) in crate::case::reasons::fixtures::REASONS {
            r.fields.entry(k.into()).or_insert_with(|| v.into());
        }
    }
    r
}

fn calendar() -> WorkCalendar {
    WorkCalendar::new(bundled_years())
}

fn citizen(first17: &str) -> String {
    format!("{first17}{}", CitizenId::check_digit(first17.as_bytes()))
}

struct World {
    agency: Agency,
    officers: Vec<Officer>,
    aux: Officer,
}

impl World {
    fn new() -> World {
        let mut agency = Agency { id: Uuid::new_v4(), ..Default::default() };
        agency.info =
            AgencyInfo {
                name: "安乡县市场监督管理局".into(), short_name: "安市监".into(), ..Default::default()
            };
        for (name, kind) in [("执法大队", UnitKind::Handling), ("法制股", UnitKind::Legal)] {
            agency.apply(&AgencyEvent::UnitAdded {
                unit: Unit { id: Uuid::new_v4(), name: name.into(), kind, duties: String::new() },
            });
        }
        let mk = |name: &str, kind: StaffKind, cert: Option<&str>, n: u32| {
            let profile = OfficerProfile {
                agency_id: agency.id,
                unit_id: agency.units[0].id,
                name: name.into(),
                citizen_id: CitizenId::parse(&citizen(&format!("4307211985031200{n}"))).unwrap(),
                kind,
                position: String::new(),
                phone: String::new(),
            };
            let mut o = Officer::fold([&Officer::decide_register(&agency, profile).unwrap()]).unwrap();
            if let Some(c) = cert {
                o.apply(&crate::personnel::OfficerEvent::CertificateIssued {
                    certificate: Certificate {
                        number: c.into(),
                        category: "市场监管".into(),
                        scope: "安乡县".into(),
                        issued_on: d("2024-01-01"),
                        expires_on: d("2028-12-31"),
                        revoked: None,
                    },
                });
            }
            o
        };
        let officers = vec![
            mk("张明", StaffKind::Officer, Some("43070001"), 1),
            mk("李华", StaffKind::Officer, Some("43070002"), 2),
            mk("王强", StaffKind::Officer, Some("43070003"), 3),
            mk("赵无证", StaffKind::Officer, None, 4),
        ];
        let aux = mk("陈辅", StaffKind::Auxiliary, None, 5);
        World { agency, officers, aux }
    }

    fn two(&self) -> Vec<&Officer> {
        vec![&self.officers[0], &self.officers[1]]
    }

    fn open_cmd(&self, kind: ActKind, procedure: Procedure, initiation: Initiation, party: Party) -> OpenCase<'_> {
        OpenCase {
            act_kind: kind,
            procedure,
            initiation,
            party,
            summary: "销售过期食品".into(),
            item_code: None,
            handling_unit: self.agency.units[0].id,
            officers: self.two(),
            auxiliaries: vec![],
            violation_ended_on: Some(d("2025-01-01")),
            serious_harm: false,
            limitation_override: String::new(),
        }
    }

    fn open(&self, kind: ActKind, procedure: Procedure, initiation: Initiation, at: &str) -> Case {
        let e = decide_open(
            &self.agency,
            &profile("anxiang"),
            self.open_cmd(kind, procedure, initiation, shop()),
            "安市监案〔2025〕1号".into(),
            t(at),
        )
        .unwrap();
        Case::fold([&e]).unwrap()
    }
}

fn shop() -> Party {
    Party {
        kind: PartyKind::Organisation,
        name: "安乡县某某超市".into(),
        id_number: "91430721MA4L123456".into(),
        address: "安乡县深柳镇".into(),
        phone: String::new(),
        representative: "刘某".into(),
        minor: false,
    }
}

fn person() -> Party {
    Party {
        kind: PartyKind::Person,
        name: "刘某某".into(),
        id_number: citizen("43072119900101003"),
        address: String::new(),
        phone: String::new(),
        representative: String::new(),
        minor: false,
    }
}

fn add(case: &mut Case, rec: NewRecord<'_>, today: &str) -> Uuid {
    let e = decide_add_record(case, rec, None, d(today)).unwrap();
    let CaseEvent::RecordAdded { record } = &e else { panic!() };
    let id = record.id;
    case.apply(&e);
    id
}

/// The ids of the two officers of [`World::two`], who sign their on-site records.
fn signers(w: &World) -> Vec<Uuid> {
    w.two().iter().map(|o| o.id).collect()
}

fn account(name: &str, role: Role, officer_id: Option<Uuid>) -> Approver {
    Approver { account_id: Uuid::new_v4(), name: name.into(), role, officer_id }
}

fn approve_chain(case: &mut Case, w: &World, record: Uuid, at: &str) {
    let handler = account("张明", Role::Officer, Some(w.officers[0].id));
    let reviewer = account("王队长", Role::Head, None);
    let head = account("局长", Role::Head, None);
    for (step, by) in
        [(ApprovalStep::Handler, handler), (ApprovalStep::Reviewer, reviewer), (ApprovalStep::Approver, head)]
    {
        let e = decide_approval(case, record, step, true, "同意", &by, t(at)).unwrap();
        case.apply(&e);
    }
}

fn filing(case: &mut Case, w: &World, at: &str) -> Uuid {
    let id = add(
        case,
        NewRecord::new(
            RecordKind::FilingApproval,
            &[
                ("reason", "群众举报销售过期食品"),
                ("party", "安乡县某某超市"),
                ("handler_opinion", "建议立案"),
                ("unit_opinion", "同意"),
                ("head_approval", "同意立案"),
                ("approved_at", at),
            ],
        ),
        &at[..10],
    );
    approve_chain(case, w, id, at);
    id
}

fn site_inspection<'a>(w: &'a World) -> NewRecord<'a> {
    let mut r = NewRecord::new(
        RecordKind::SiteInspection,
        &[
            ("place", "超市货架"),
            ("started_at", "2025-03-03 09:00"),
            ("ended_at", "2025-03-03 10:00"),
            ("present", "刘某"),
            ("content", "发现过期牛奶12盒"),
        ],
    );
    r.officers = w.two();
    r.credentials_shown = true;
    r.officers_signed = signers(w);
    r.signature = Some(Signature::Signed { signer: "刘某".into() });
    r
}

fn video(record: Option<Uuid>, captured: &str) -> (StoredFile, AvMetadata) {
    (
        StoredFile {
            sha256: "ab".repeat(32),
            size: 1024,
            media_type: "video/mp4".into(),
            file_name: "现场.mp4".into(),
            storage_key: "sha256/ab/ab/abab".into(),
        },
        AvMetadata {
            record_id: record,
            captured_at: t(captured),
            place: "超市货架".into(),
            captured_by: "张明".into(),
            production_method: "执法记录仪拍摄".into(),
            maker: "张明".into(),
            proves: "现场存放过期食品".into(),
            transcript: String::new(),
            interruptions: vec![],
            interruption_explanation: String::new(),
            remote_return_at: None,
            sensitivity: Default::default(),
        },
    )
}

// rule: P-02
// rule: P-03
#[test]
fn a_case_and_an_on_site_act_need_two_certified_officers_and_auxiliaries_never_count() {
    let w = World::new();
    let mut cmd = w.open_cmd(ActKind::Penalty, Procedure::Ordinary, Initiation::ExOfficio { urgent: false }, shop());
    cmd.officers = vec![&w.officers[0]];
    cmd.auxiliaries = vec![&w.aux];
    let err = decide_open(&w.agency, &profile("anxiang"), cmd, "n".into(), t("2025-03-01 09:00")).unwrap_err();
    assert!(err.to_string().contains("不得少于2人"), "{err}");

    let mut cmd = w.open_cmd(ActKind::Penalty, Procedure::Ordinary, Initiation::ExOfficio { urgent: false }, shop());
    cmd.officers = vec![&w.officers[0], &w.officers[3]];
    let err = decide_open(&w.agency, &profile("anxiang"), cmd, "n".into(), t("2025-03-01 09:00")).unwrap_err();
    assert!(err.to_string().contains("赵无证在2025-03-01没有有效的行政执法证"), "{err}");

    let mut cmd = w.open_cmd(ActKind::Penalty, Procedure::Ordinary, Initiation::ExOfficio { urgent: false }, shop());
    cmd.officers = vec![&w.officers[0], &w.aux];
    let err = decide_open(&w.agency, &profile("anxiang"), cmd, "n".into(), t("2025-03-01 09:00")).unwrap_err();
    assert!(err.to_string().contains("陈辅是执法辅助人员"), "{err}");

    let mut case =
        w.open(ActKind::Penalty, Procedure::Ordinary, Initiation::ExOfficio { urgent: false }, "2025-03-01 09:00");
    filing(&mut case, &w, "2025-03-01 10:00");
    case.apply(
        &decide_complete_stage(&case, Stage::Initiation, &AvList::new(), stage_policy(), d("2025-03-01")).unwrap(),
    );

    let mut rec = site_inspection(&w);
    rec.credentials_shown = false;
    rec.officers = vec![&w.officers[0]];
    rec.auxiliaries = vec![&w.aux];
    let err = decide_add_record(&case, rec, None, d("2025-03-03")).unwrap_err();
    assert!(err.message_for("credentials_shown").is_some());
    assert!(err.message_for("officers").unwrap().contains("不得少于2人"));

    let mut rec = site_inspection(&w);
    rec.officers = vec![&w.officers[0], &w.officers[2]];
    let err = decide_add_record(&case, rec, None, d("2025-03-03")).unwrap_err();
    assert!(err.message_for("officers").unwrap().contains("王强未被指派办理本案"));

    let id = add(&mut case, site_inspection(&w), "2025-03-03");
    let rec = &case.record(id).unwrap().record;
    assert_eq!(
        rec.officers.iter().map(|o| o.certificate_number.as_str()).collect::<Vec<_>>(),
        ["43070001", "43070002"]
    );
    assert!(rec.credentials_shown);
}

// rule: N-06
#[test]
fn an_officer_with_a_declared_conflict_cannot_be_assigned() {
    let mut w = World::new();
    let conflict = Conflict {
        party_key: shop().id_number,
        party_name: shop().name,
        reason: "配偶任该超市股东".into(),
        declared_on: d("2025-01-01"),
    };
    let e = w.officers[1].decide_declare_conflict(conflict).unwrap();
    w.officers[1].apply(&e);
    let cmd = w.open_cmd(ActKind::Penalty, Procedure::Ordinary, Initiation::ExOfficio { urgent: false }, shop());
    let err = decide_open(&w.agency, &profile("anxiang"), cmd, "n".into(), t("2025-03-01 09:00")).unwrap_err();
    assert!(err.to_string().contains("李华已申报与当事人安乡县某某超市存在回避事由（配偶任该超市股东）"), "{err}");
    // A party without the conflict is fine.
    let cmd = w.open_cmd(ActKind::Penalty, Procedure::Ordinary, Initiation::ExOfficio { urgent: false }, person());
    assert!(decide_open(&w.agency, &profile("anxiang"), cmd, "n".into(), t("2025-03-01 09:00")).is_ok());
}

// rule: N-07
#[test]
fn limitation_is_flagged_and_a_penalty_needs_an_override_reason() {
    let w = World::new();
    let mut cmd = w.open_cmd(ActKind::Penalty, Procedure::Ordinary, Initiation::ExOfficio { urgent: false }, shop());
    cmd.violation_ended_on = Some(d("2023-02-28"));
    let err = decide_open(&w.agency, &profile("anxiang"), cmd.clone(), "n".into(), t("2025-03-01 09:00")).unwrap_err();
    assert!(err.message_for("limitation_override").unwrap().contains("已超过2年"));
    // Serious harm: five years, not flagged.
    cmd.serious_harm = true;
    let e = decide_open(&w.agency, &profile("anxiang"), cmd.clone(), "n".into(), t("2025-03-01 09:00")).unwrap();
    let case = Case::fold([&e]).unwrap();
    assert_eq!(case.opening.limitation.flagged, None);
    cmd.serious_harm = false;
    cmd.limitation_override = "违法行为有连续状态，经核实至2024年仍在继续".into();
    let e = decide_open(&w.agency, &profile("anxiang"), cmd, "n".into(), t("2025-03-01 09:00")).unwrap();
    let case = Case::fold([&e]).unwrap();
    assert!(case.opening.limitation.flagged.is_some());
    assert!(case.opening.limitation.override_reason.is_some());
    // Exactly two years is still within the limit.
    assert_eq!(limitation_flag(d("2023-03-01"), false, d("2025-03-01")), None);
    // A penalty case states when the violation ended, so the check cannot be skipped.
    let mut cmd = w.open_cmd(ActKind::Penalty, Procedure::Ordinary, Initiation::ExOfficio { urgent: false }, shop());
    cmd.violation_ended_on = None;
    let err = decide_open(&w.agency, &profile("anxiang"), cmd, "n".into(), t("2025-03-01 09:00")).unwrap_err();
    assert!(err.message_for("violation_ended_on").is_some());
}

// rule: R-01
// rule: R-03
#[test]
fn a_stage_cannot_complete_while_records_are_missing_and_the_refusal_lists_them_all() {
    let w = World::new();
    let mut case = w.open(ActKind::Penalty, Procedure::Ordinary, Initiation::Complaint, "2025-03-01 09:00");
    let err =
        decide_complete_stage(&case, Stage::Initiation, &AvList::new(), stage_policy(), d("2025-03-01")).unwrap_err();
    let all = err.to_string();
    assert!(all.contains("缺少投诉举报登记") && all.contains("缺少立案审批表"), "{all}");
    // A stage ahead of the current one is refused.
    let err =
        decide_complete_stage(&case, Stage::Decision, &AvList::new(), stage_policy(), d("2025-03-01")).unwrap_err();
    assert!(err.to_string().contains("当前阶段是“启动”"));
    // A record of a later stage is refused too.
    let err = decide_add_record(&case, site_inspection(&w), None, d("2025-03-01")).unwrap_err();
    assert!(err.message_for("kind").unwrap().contains("尚不能制作现场检查"));

    // The approval form without the chain still blocks.
    let id = add(
        &mut case,
        NewRecord::new(
            RecordKind::FilingApproval,
            &[
                ("reason", "举报"),
                ("party", "超市"),
                ("handler_opinion", "建议立案"),
                ("unit_opinion", "同意"),
                ("head_approval", "同意"),
                ("approved_at", "2025-03-01 10:00"),
            ],
        ),
        "2025-03-01",
    );
    let err =
        decide_complete_stage(&case, Stage::Initiation, &AvList::new(), stage_policy(), d("2025-03-01")).unwrap_err();
    assert!(err.to_string().contains("立案审批表的审批流程未完成（待承办人意见）"), "{err}");
    approve_chain(&mut case, &w, id, "2025-03-01 11:00");
    let err =
        decide_complete_stage(&case, Stage::Initiation, &AvList::new(), stage_policy(), d("2025-03-01")).unwrap_err();
    assert_eq!(err.errors.len(), 1, "{err}");
}

// rule: R-19
#[test]
fn the_approval_chain_runs_handler_reviewer_approver_and_only_a_head_approves() {
    let w = World::new();
    let mut case =
        w.open(ActKind::Penalty, Procedure::Ordinary, Initiation::ExOfficio { urgent: false }, "2025-03-01 09:00");
    let id = add(
        &mut case,
        NewRecord::new(
            RecordKind::FilingApproval,
            &[
                ("reason", "检查发现"),
                ("party", "超市"),
                ("handler_opinion", "建议立案"),
                ("unit_opinion", "同意"),
                ("head_approval", "同意"),
                ("approved_at", "2025-03-01 10:00"),
            ],
        ),
        "2025-03-01",
    );
    let officer = account("张明", Role::Officer, Some(w.officers[0].id));
    let head = account("局长", Role::Head, None);
    let reviewer = account("王队长", Role::Head, None);
    let now = t("2025-03-01 10:00");
    let err = decide_approval(&case, id, ApprovalStep::Approver, true, "同意", &head, now).unwrap_err();
    assert!(err.to_string().contains("应先由承办人签署"), "{err}");
    case.apply(&decide_approval(&case, id, ApprovalStep::Handler, true, "建议立案", &officer, now).unwrap());
    let err = decide_approval(&case, id, ApprovalStep::Reviewer, true, "同意", &officer, now).unwrap_err();
    assert!(err.to_string().contains("同一账号不能在同一审批流程中签署两个环节"), "{err}");
    case.apply(&decide_approval(&case, id, ApprovalStep::Reviewer, true, "同意", &reviewer, now).unwrap());
    let err = decide_approval(&case, id, ApprovalStep::Approver, true, "同意", &officer, now).unwrap_err();
    assert!(err.to_string().contains("须由负责人签署"));
    // A refusal sends the form back to the handler.
    case.apply(&decide_approval(&case, id, ApprovalStep::Approver, false, "事实不清，补充材料", &head, now).unwrap());
    assert_eq!(case.record(id).unwrap().next_step(), Some(ApprovalStep::Handler));
    approve_chain(&mut case, &w, id, "2025-03-02 09:00");
    assert_eq!(case.record(id).unwrap().approved_at(), Some(t("2025-03-02 09:00")));
    assert_eq!(case.record(id).unwrap().approvals.len(), 6, "every opinion is kept");
}

// rule: R-03
#[test]
fn an_urgent_start_needs_its_approval_within_24_hours() {
    let w = World::new();
    let mut case =
        w.open(ActKind::Penalty, Procedure::Ordinary, Initiation::ExOfficio { urgent: true }, "2025-03-01 22:00");
    let p = profile("anxiang");
    let cal = calendar();
    let dl = deadlines(&case, &p, &cal, t("2025-03-02 23:00")).unwrap();
    let r03 = dl.iter().find(|x| x.rule == "R-03").unwrap();
    assert_eq!(r03.status, DeadlineStatus::Overdue);
    filing(&mut case, &w, "2025-03-03 08:00");
    let dl = deadlines(&case, &p, &cal, t("2025-03-03 09:00")).unwrap();
    assert_eq!(dl.iter().find(|x| x.rule == "R-03").unwrap().status, DeadlineStatus::MetLate);
}

// rule: R-08
#[test]
fn a_stage_whose_act_requires_av_cannot_complete_without_it() {
    let w = World::new();
    let mut case =
        w.open(ActKind::Penalty, Procedure::Ordinary, Initiation::ExOfficio { urgent: false }, "2025-03-01 09:00");
    filing(&mut case, &w, "2025-03-01 10:00");
    case.apply(
        &decide_complete_stage(&case, Stage::Initiation, &AvList::new(), stage_policy(), d("2025-03-01")).unwrap(),
    );
    let site = add(&mut case, site_inspection(&w), "2025-03-03");
    let mut inquiry = NewRecord::new(
        RecordKind::Inquiry,
        &[
            ("interviewee", "刘某"),
            ("place", "执法大队"),
            ("started_at", "2025-03-03 14:00"),
            ("ended_at", "2025-03-03 15:00"),
            ("rights_notified", "是"),
            ("content", "问：……答：……"),
        ],
    );
    inquiry.officers = w.two();
    inquiry.credentials_shown = true;
    inquiry.officers_signed = signers(&w);
    inquiry.signature = Some(Signature::Refused { reason: "拒绝签字".into(), witness: "".into() });
    let err = decide_add_record(&case, inquiry.clone(), None, d("2025-03-03")).unwrap_err();
    assert!(err.message_for("signature.witness").unwrap().contains("见证人")); // rule: R-05
    inquiry.signature =
        Some(Signature::Refused { reason: "拒绝签字".into(), witness: "村委会主任周某".into() });
    let inq = add(&mut case, inquiry, "2025-03-03");
    add(
        &mut case,
        NewRecord::new(
            RecordKind::InvestigationReport,
            &[
                ("facts", "销售过期食品"),
                ("evidence", "笔录、照片"),
                ("proposal", "罚款"),
                ("reported_on", "2025-03-05"),
            ],
        ),
        "2025-03-05",
    );
    let err = decide_complete_stage(&case, Stage::Investigation, &AvList::new(), stage_policy(), d("2025-03-05"))
        .unwrap_err();
    assert_eq!(err.to_string(), "现场检查（勘验）笔录须有音像记录（照片、录音或录像），尚未上传");
    // The agency's list may add inquiries.
    let mut list = AvList::new();
    list.insert(RecordKind::Inquiry, AvRequirement::Any);
    let (f, m) = video(Some(site), "2025-03-03 09:30");
    case.apply(&decide_attach_av(&case, &profile("anxiang"), &calendar(), f, m, t("2025-03-03 18:00")).unwrap());
    let err = decide_complete_stage(&case, Stage::Investigation, &list, stage_policy(), d("2025-03-05")).unwrap_err();
    assert!(err.to_string().starts_with("询问笔录须有音像记录"), "{err}");
    assert!(
        decide_complete_stage(&case, Stage::Investigation, &AvList::new(), stage_policy(), d("2025-03-05")).is_ok()
    );
    let (f, m) = video(Some(inq), "2025-03-03 14:00");
    case.apply(&decide_attach_av(&case, &profile("anxiang"), &calendar(), f, m, t("2025-03-03 18:00")).unwrap());
    assert!(missing(&case, Stage::Investigation, &list).is_empty());
}

// rule: R-09
// rule: R-10
#[test]
fn av_metadata_interruptions_and_transcripts_are_required() {
    let w = World::new();
    let case =
        w.open(ActKind::Penalty, Procedure::Ordinary, Initiation::ExOfficio { urgent: false }, "2025-03-01 09:00");
    let (f, mut m) = video(None, "2025-03-01 09:30");
    m.place = " ".into();
    m.proves = String::new();
    m.interruptions = vec![
        Interruption { from: t("2025-03-01 09:40"), resumed_at: Some(t("2025-03-01 09:45")), reason: "".into() },
        Interruption { from: t("2025-03-01 09:50"), resumed_at: None, reason: "电池耗尽".into() },
    ];
    let err = decide_attach_av(&case, &profile("anxiang"), &calendar(), f.clone(), m.clone(), t("2025-03-01 12:00"))
        .unwrap_err();
    assert!(err.message_for("place").is_some());
    assert!(err.message_for("proves").is_some());
    assert!(err.message_for("interruptions.0.reason").is_some());
    assert!(err.message_for("interruption_explanation").unwrap().contains("书面说明"));
    let audio = StoredFile { media_type: "audio/mpeg".into(), ..f };
    let (_, good) = video(None, "2025-03-01 09:30");
    let err =
        decide_attach_av(&case, &profile("anxiang"), &calendar(), audio.clone(), good.clone(), t("2025-03-01 12:00"))
            .unwrap_err();
    assert!(err.message_for("transcript").is_some());
    let e = decide_attach_av(
        &case,
        &profile("anxiang"),
        &calendar(),
        audio,
        AvMetadata { transcript: "问：……答：……".into(), ..good },
        t("2025-03-01 12:00"),
    )
    .unwrap();
    let CaseEvent::AvAttached { av } = e else { panic!() };
    assert_eq!(av.media, MediaKind::Audio);
    assert_eq!(av.file.sha256, "ab".repeat(32));
}

// rule: R-11
#[test]
fn late_av_storage_is_flagged_per_profile() {
    let w = World::new();
    let case =
        w.open(ActKind::Penalty, Procedure::Ordinary, Initiation::ExOfficio { urgent: false }, "2025-03-01 09:00");
    // 安乡: two working days. Captured Friday 2025-09-26; 2 working days later is Tuesday
    // 09-30 (a Sunday 09-28 is a make-up working day).
    let (f, m) = video(None, "2025-09-26 10:00");
    let av = |p: &str, now: &str| match decide_attach_av(&case, &profile(p), &calendar(), f.clone(), m.clone(), t(now))
        .unwrap()
    {
        CaseEvent::AvAttached { av } => av,
        _ => panic!(),
    };
    assert_eq!(av("anxiang", "2025-09-29 20:00").late, None);
    assert!(av("anxiang", "2025-10-01 09:00").late.unwrap().contains("anxiang@v1"));
    // 白山乡: 24 hours.
    assert_eq!(av("baishan", "2025-09-27 09:59").late, None);
    assert!(av("baishan", "2025-09-27 10:01").late.is_some());
    // Remote work: 24 hours after the officers' return.
    let remote = AvMetadata { remote_return_at: Some(t("2025-10-02 18:00")), ..m.clone() };
    let e =
        decide_attach_av(&case, &profile("anxiang"), &calendar(), f.clone(), remote, t("2025-10-03 17:00")).unwrap();
    assert!(matches!(e, CaseEvent::AvAttached { av } if av.late.is_none()));
    // The case's deadlines show each item's storage deadline, met in time or late.
    let mut case = case.clone();
    case.apply(&CaseEvent::AvAttached { av: av("anxiang", "2025-10-01 09:00") });
    let dl = deadlines(&case, &profile("anxiang"), &calendar(), t("2025-10-02 09:00")).unwrap();
    let r11 = dl.iter().find(|x| x.rule == "R-11").unwrap();
    assert_eq!(r11.due, t("2025-09-29 23:59:59"));
    assert_eq!(r11.status, DeadlineStatus::MetLate);
}

// rule: R-16
// rule: G-03
#[test]
fn simplified_procedure_only_within_the_law_and_needs_a_numbered_form() {
    let w = World::new();
    let spot = |fine: i64, form: Option<&str>| {
        let mut r = NewRecord::new(
            RecordKind::OnTheSpotDecision,
            &[
                ("facts", "占道经营"),
                ("basis", "《中华人民共和国食品安全法》第一百二十四条第一款第（五）项"),
                ("statements", "当事人无异议"),
                ("decided_at", "2025-03-01 10:00"),
                ("place", "人民路"),
            ],
        );
        r.penalty = Some(SpotPenalty { warning: false, fine: Some(Money::from_fen(fine)) });
        r.form_number = form.map(str::to_string);
        r.credentials_shown = true;
        r.officers_signed = signers(&w);
        r.signature = Some(Signature::Signed { signer: "刘某某".into() });
        r.review = Some(review());
        r.basis = crate::case::reasons::fixtures::catalogue();
        r
    };
    // A citizen: 200 yuan at most.
    let e = decide_open(
        &w.agency,
        &profile("anxiang"),
        w.open_cmd(ActKind::Penalty, Procedure::Simplified, Initiation::ExOfficio { urgent: false }, person()),
        "n".into(),
        t("2025-03-01 09:50"),
    )
    .unwrap();
    let case = Case::fold([&e]).unwrap();
    let mut r = spot(20_001, Some("No.000123"));
    r.officers = w.two();
    let err = decide_add_record(&case, r, None, d("2025-03-01")).unwrap_err();
    assert!(err.message_for("penalty.fine").unwrap().contains("超过简易程序的上限（公民二百元以下）"), "{err}");
    let mut r = spot(20_000, None);
    r.officers = w.two();
    let err = decide_add_record(&case, r, None, d("2025-03-01")).unwrap_err();
    assert!(err.message_for("form_number").is_some());
    let mut r = spot(20_000, Some("No.000123"));
    r.officers = w.two();
    let err = decide_add_record(&case, r.clone(), Some("编号No.000123已被使用".into()), d("2025-03-01")).unwrap_err();
    assert_eq!(err.message_for("form_number"), Some("编号No.000123已被使用"));
    assert!(decide_add_record(&case, r, None, d("2025-03-01")).is_ok());
    // An organisation: up to 3,000 yuan.
    let org =
        w.open(ActKind::Penalty, Procedure::Simplified, Initiation::ExOfficio { urgent: false }, "2025-03-01 09:00");
    let mut r = spot(300_000, Some("No.000124"));
    r.officers = w.two();
    assert!(decide_add_record(&org, r, None, d("2025-03-01")).is_ok());
    let mut r = spot(300_001, Some("No.000124"));
    r.officers = w.two();
    assert!(decide_add_record(&org, r, None, d("2025-03-01")).is_err());
    // G-03: its basis cites catalogued provisions, like any decision.
    let mut r = spot(300_000, Some("No.000124"));
    r.officers = w.two();
    r.fields.insert("basis".into(), "《某条例》第十条".into());
    let err = decide_add_record(&org, r, None, d("2025-03-01")).unwrap_err();
    assert!(err.message_for("fields.basis").unwrap().contains("《某条例》第十条不在本机关法律依据目录中"), "{err}");
    // Only penalties use the simplified procedure.
    let cmd = w.open_cmd(ActKind::Permit, Procedure::Simplified, Initiation::Application, shop());
    let err = decide_open(&w.agency, &profile("anxiang"), cmd, "n".into(), t("2025-03-01 09:00")).unwrap_err();
    assert!(err.message_for("procedure").is_some());
}

/// Runs an ordinary penalty case to the end of the decision stage.
fn decided(w: &World) -> (Case, Uuid) {
    let mut case =
        w.open(ActKind::Penalty, Procedure::Ordinary, Initiation::ExOfficio { urgent: false }, "2025-09-01 09:00");
    let none = AvList::new();
    filing(&mut case, w, "2025-09-01 10:00");
    case.apply(&decide_complete_stage(&case, Stage::Initiation, &none, stage_policy(), d("2025-09-01")).unwrap());
    let mut inspection = site_inspection(w);
    inspection.fields.insert("started_at".into(), "2025-09-03 09:00".into());
    inspection.fields.insert("ended_at".into(), "2025-09-03 10:00".into());
    let site = add(&mut case, inspection, "2025-09-03");
    let (f, m) = video(Some(site), "2025-09-03 09:30");
    case.apply(&decide_attach_av(&case, &profile("anxiang"), &calendar(), f, m, t("2025-09-03 18:00")).unwrap());
    add(
        &mut case,
        NewRecord::new(
            RecordKind::InvestigationReport,
            &[
                ("facts", "销售过期食品"),
                ("evidence", "笔录、录像"),
                ("proposal", "罚款"),
                ("reported_on", "2025-09-05"),
            ],
        ),
        "2025-09-05",
    );
    case.apply(&decide_complete_stage(&case, Stage::Investigation, &none, stage_policy(), d("2025-09-05")).unwrap());
    let draft = add(
        &mut case,
        NewRecord::new(
            RecordKind::DecisionDraft,
            &[
                ("drafter", "张明"),
                ("facts", "销售过期食品"),
                ("evidence", "笔录"),
                ("basis", "《食品安全法》第一百二十四条"),
                ("considerations", "初次违法"),
                ("proposal", "罚款五千元"),
            ],
        ),
        "2025-09-08",
    );
    approve_chain(&mut case, w, draft, "2025-09-08 16:00");
    let notice = add(
        &mut case,
        NewRecord::new(
            RecordKind::PriorNotice,
            &[
                ("document_number", "安市监罚告〔2025〕1号"),
                ("facts", "销售过期食品"),
                ("reasons", "违反规定"),
                ("basis", "《食品安全法》"),
                ("intended_decision", "罚款五千元"),
                ("rights", "陈述、申辩、听证"),
                ("issued_on", "2025-09-09"),
            ],
        ),
        "2025-09-09",
    );
    let err =
        decide_complete_stage(&case, Stage::Decision, &none, stage_policy(), d("2025-09-09")).unwrap_err().to_string();
    for gap in ["事先告知书尚无送达记录", "缺少当事人陈述申辩记录", "缺少负责人审批", "缺少决定书"]
    {
        assert!(err.contains(gap), "{gap} in {err}");
    }
    let mut service = NewRecord::new(
        RecordKind::ServiceMail,
        &[
            ("document", "事先告知书"),
            ("mail_kind", "快递"),
            ("tracking_number", "1234567890"),
            ("sent_on", "2025-09-09"),
            ("receipt", "刘某签收"),
            ("received_on", "2025-09-10"),
        ],
    );
    service.serves = Some(notice);
    add(&mut case, service, "2025-09-10");
    let mut waiver = NewRecord::new(RecordKind::StatementWaiver, &[("waived_on", "2025-09-12"), ("form", "书面")]);
    waiver.signature = Some(Signature::Signed { signer: "刘某".into() });
    add(&mut case, waiver, "2025-09-12");
    add(
        &mut case,
        NewRecord::new(
            RecordKind::HeadApproval,
            &[("approver", "局长"), ("opinion", "同意"), ("signed_at", "2025-09-15 09:00")],
        ),
        "2025-09-15",
    );
    let doc = add(
        &mut case,
        issued(NewRecord::new(
            RecordKind::DecisionDocument,
            &[
                ("document_number", "安市监罚决〔2025〕1号"),
                ("party", "安乡县某某超市"),
                ("facts", "销售过期食品，有笔录、录像为证"),
                ("basis", "《食品安全法》第一百二十四条，因……适用"),
                ("discretion", "一般情节"),
                ("conclusion", "罚款五千元"),
                ("performance", "十五日内缴纳"),
                ("remedies", "六十日内复议或六个月内诉讼"),
                ("agency", "安乡县市场监督管理局"),
                ("sealed", "是"),
                ("decided_on", "2025-09-30"),
            ],
        )),
        "2025-09-30",
    );
    case.apply(&decide_complete_stage(&case, Stage::Decision, &none, stage_policy(), d("2025-09-30")).unwrap());
    (case, doc)
}

// rule: N-03
// rule: N-02
// rule: R-14
#[test]
fn the_decision_is_served_within_seven_working_days_counted_on_the_official_calendar() {
    let w = World::new();
    let (mut case, doc) = decided(&w);
    let p = profile("anxiang");
    let cal = calendar();
    let dl = deadlines(&case, &p, &cal, t("2025-10-01 09:00")).unwrap();
    let n02 = dl.iter().find(|x| x.rule == "N-02").unwrap();
    assert_eq!(n02.due.date(), d("2025-11-30"));
    assert_eq!(n02.status, DeadlineStatus::Met);
    // Decided 2025-09-30: the National Day holiday 10-01…10-08 does not count, 10-11 (a
    // Saturday) is a make-up working day: 10-09, 10, 11, 13, 14, 15, 16.
    let n03 = dl.iter().find(|x| x.rule == "N-03").unwrap();
    assert_eq!(n03.due.date(), d("2025-10-16"));
    assert_eq!(n03.status, DeadlineStatus::Open);
    let err =
        decide_complete_stage(&case, Stage::Service, &AvList::new(), stage_policy(), d("2025-10-09")).unwrap_err();
    assert!(err.to_string().contains("尚无送达记录"));
    // Lodged service needs continuous video.
    let mut lodged = NewRecord::new(
        RecordKind::ServiceLodged,
        &[
            ("document", "行政处罚决定书"),
            ("refusal_reason", "当事人拒收"),
            ("served_at", "2025-10-17 10:00"),
            ("place", "超市收银台"),
            ("server", "张明、李华"),
            ("witness", "社区主任周某"),
        ],
    );
    lodged.officers = w.two();
    lodged.credentials_shown = true;
    lodged.officers_signed = signers(&w);
    let err = decide_add_record(&case, lodged.clone(), None, d("2025-10-16")).unwrap_err();
    assert!(err.message_for("serves").is_some());
    lodged.serves = Some(doc);
    let id = add(&mut case, lodged, "2025-10-17");
    let err =
        decide_complete_stage(&case, Stage::Service, &AvList::new(), stage_policy(), d("2025-10-17")).unwrap_err();
    assert!(err.to_string().contains("留置送达记录须有音像记录（录像）"));
    let (mut f, m) = video(Some(id), "2025-10-17 10:00");
    f.media_type = "image/jpeg".into();
    case.apply(&decide_attach_av(&case, &p, &cal, f, m.clone(), t("2025-10-17 12:00")).unwrap());
    assert!(
        decide_complete_stage(&case, Stage::Service, &AvList::new(), stage_policy(), d("2025-10-17")).is_err(),
        "a photo is not video"
    );
    let (f, _) = video(Some(id), "2025-10-17 10:00");
    case.apply(&decide_attach_av(&case, &p, &cal, f, m, t("2025-10-17 12:00")).unwrap());
    case.apply(&decide_complete_stage(&case, Stage::Service, &AvList::new(), stage_policy(), d("2025-10-17")).unwrap());
    let dl = deadlines(&case, &p, &cal, t("2025-10-17 13:00")).unwrap();
    assert_eq!(dl.iter().find(|x| x.rule == "N-03").unwrap().status, DeadlineStatus::MetLate);
}

// rule: R-15
// rule: R-17
// rule: X-01
#[test]
fn execution_closure_archive_and_corrections() {
    let w = World::new();
    let (mut case, doc) = decided(&w);
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
    s.officers_signed = signers(&w);
    s.signature = Some(Signature::Signed { signer: "刘某".into() });
    add(&mut case, s, "2025-10-09");
    case.apply(&decide_complete_stage(&case, Stage::Service, &AvList::new(), stage_policy(), d("2025-10-09")).unwrap());
    let mut exec = NewRecord::new(
        RecordKind::CompulsoryExecution,
        &[
            ("means", "加处罚款"),
            ("basis", "《中华人民共和国行政强制法》第四十五条"),
            ("executed_at", "2025-11-01 09:00"),
            ("place", "超市"),
            ("result", "已缴纳"),
        ],
    );
    exec.officers = w.two();
    exec.credentials_shown = true;
    exec.officers_signed = signers(&w);
    exec.signature = Some(Signature::Signed { signer: "刘某".into() });
    let err = decide_add_record(&case, exec, None, d("2025-11-01")).unwrap_err();
    assert!(err.to_string().contains("须先送达催告书"));
    let err =
        decide_complete_stage(&case, Stage::Execution, &AvList::new(), stage_policy(), d("2025-11-01")).unwrap_err();
    assert!(err.to_string().contains("缺少执行记录"));
    let paid = add(
        &mut case,
        NewRecord::new(
            RecordKind::VoluntaryPerformance,
            &[("performed", "已缴纳罚款五千元"), ("performed_on", "2025-10-20")],
        ),
        "2025-10-20",
    );
    // a correction is a new event; the original stays.
    let mut fix = BTreeMap::new();
    fix.insert("performed_on".to_string(), "2025-10-21".to_string());
    let e = decide_correct(&case, paid, "缴款日期笔误", fix, &[], d("2025-10-21")).unwrap();
    case.apply(&e);
    let rec = case.record(paid).unwrap();
    assert_eq!(rec.field("performed_on"), "2025-10-21");
    assert_eq!(rec.record.fields["performed_on"], "2025-10-20");
    let mut bad = BTreeMap::new();
    bad.insert("performed_on".to_string(), "十月".to_string());
    assert!(decide_correct(&case, paid, "改", bad, &[], d("2025-10-21")).is_err());
    assert!(decide_correct(&case, paid, "", BTreeMap::new(), &[], d("2025-10-21")).is_err());

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
    assert!(decide_archive(&case, &profile("anxiang"), d("2025-10-22")).is_err());
    approve_chain(&mut case, &w, closing, "2025-10-22 15:00");
    case.apply(&decide_complete_stage(&case, Stage::Closure, &AvList::new(), stage_policy(), d("2025-10-22")).unwrap());
    assert_eq!(case.current_stage(), None);
    // 安乡: 20 days to archive.
    let late = decide_archive(&case, &profile("anxiang"), d("2025-11-12")).unwrap();
    let CaseEvent::CaseArchived { late: Some(msg), .. } = &late else { panic!("late archiving is flagged") };
    assert!(msg.contains("20日内"));
    let e = decide_archive(&case, &profile("anxiang"), d("2025-11-11")).unwrap();
    let CaseEvent::CaseArchived { catalogue, late: None, .. } = &e else { panic!() };
    let av = catalogue.iter().find(|c| c.item == "av").unwrap();
    assert_eq!(av.sha256.as_deref(), Some("ab".repeat(32).as_str()));
    assert_eq!(catalogue.len(), case.records.len() + case.av.len());
    case.apply(&e);
    let err = decide_add_record(
        &case,
        NewRecord::new(
            RecordKind::DocumentaryEvidence,
            &[("description", "x"), ("source", "y"), ("collected_on", "2025-11-11")],
        ),
        None,
        d("2025-11-11"),
    )
    .unwrap_err();
    assert!(err.to_string().contains("已归档"));
}

fn stage_gaps(case: &Case, stage: Stage) -> String {
    missing(case, stage, &AvList::new()).join("；")
}

// rule: R-02
#[test]
fn an_application_notifies_missing_materials_once_and_a_refusal_ends_at_initiation() {
    let w = World::new();
    let mut case = w.open(ActKind::Permit, Procedure::Ordinary, Initiation::Application, "2025-03-01 09:00");
    assert!(stage_gaps(&case, Stage::Initiation).contains("缺少受理凭证"));
    add(
        &mut case,
        NewRecord::new(
            RecordKind::MaterialsNotice,
            &[("missing", "营业执照复印件、场所平面图"), ("issued_on", "2025-03-01")],
        ),
        "2025-03-01",
    );
    let again = NewRecord::new(RecordKind::MaterialsNotice, &[("missing", "健康证明"), ("issued_on", "2025-03-03")]);
    let err = decide_add_record(&case, again, None, d("2025-03-03")).unwrap_err();
    assert!(err.to_string().contains("一次性告知"), "{err}");
    add(
        &mut case,
        NewRecord::new(
            RecordKind::ApplicationRegistration,
            &[
                ("applicant", "某某餐饮店"),
                ("matter", "食品经营许可"),
                ("materials", "申请书"),
                ("received_at", "2025-03-01 09:00"),
                ("registrar", "窗口"),
            ],
        ),
        "2025-03-01",
    );
    add(
        &mut case,
        NewRecord::new(
            RecordKind::AcceptanceDecision,
            &[("accepted", "否"), ("reason", "不属于本机关职权范围，告知向县卫健局申请"), ("decided_on", "2025-03-02")],
        ),
        "2025-03-02",
    );
    // A refusal needs no receipt, and the later stages need nothing until closure.
    assert!(case.ends_at_initiation());
    assert_eq!(stage_gaps(&case, Stage::Initiation), "");
    for s in [Stage::Investigation, Stage::Decision, Stage::Service, Stage::Execution] {
        assert_eq!(stage_gaps(&case, s), "", "{s:?}");
    }
    assert!(stage_gaps(&case, Stage::Closure).contains("缺少结案报告"));
}

// rule: R-04
#[test]
fn a_real_name_complaint_without_a_case_is_answered() {
    let w = World::new();
    let mut case = w.open(ActKind::Inspection, Procedure::Ordinary, Initiation::Complaint, "2025-03-01 09:00");
    add(
        &mut case,
        NewRecord::new(
            RecordKind::ComplaintRegistration,
            &[
                ("complainant", "王某"),
                ("real_name", "是"),
                ("content", "夜间噪声"),
                ("received_at", "2025-03-01 08:00"),
                ("recorder", "李华"),
                ("handling", "核查后不予立案"),
            ],
        ),
        "2025-03-01",
    );
    assert!(stage_gaps(&case, Stage::Initiation).contains("须答复投诉举报人"));
    add(
        &mut case,
        NewRecord::new(
            RecordKind::ComplaintReply,
            &[("content", "经核查，未发现违法行为，不予立案"), ("replied_on", "2025-03-05"), ("method", "电话并书面")],
        ),
        "2025-03-05",
    );
    assert!(case.ends_at_initiation());
    assert_eq!(stage_gaps(&case, Stage::Initiation), "");
}

// rule: R-03
#[test]
fn an_urgent_case_acts_before_its_filing_approval() {
    let w = World::new();
    let case =
        w.open(ActKind::Penalty, Procedure::Ordinary, Initiation::ExOfficio { urgent: true }, "2025-03-03 08:00");
    assert!(decide_add_record(&case, site_inspection(&w), None, d("2025-03-03")).is_ok());
    let calm =
        w.open(ActKind::Penalty, Procedure::Ordinary, Initiation::ExOfficio { urgent: false }, "2025-03-03 08:00");
    assert!(decide_add_record(&calm, site_inspection(&w), None, d("2025-03-03")).is_err());
}

// rule: R-05
// rule: R-06
// rule: R-07
#[test]
fn inquiries_notify_rights_hearings_are_recorded_and_coercion_records_the_measure() {
    let w = World::new();
    let mut case =
        w.open(ActKind::Coercion, Procedure::Ordinary, Initiation::ExOfficio { urgent: true }, "2025-03-03 08:00");
    let mut inquiry = NewRecord::new(
        RecordKind::Inquiry,
        &[
            ("interviewee", "刘某"),
            ("place", "队部"),
            ("started_at", "2025-03-03 09:00"),
            ("ended_at", "2025-03-03 10:00"),
            ("rights_notified", "否"),
            ("content", "……"),
        ],
    );
    inquiry.officers = w.two();
    inquiry.credentials_shown = true;
    inquiry.officers_signed = signers(&w);
    inquiry.signature = Some(Signature::Signed { signer: "刘某".into() });
    let err = decide_add_record(&case, inquiry, None, d("2025-03-03")).unwrap_err();
    assert!(err.message_for("fields.rights_notified").is_some());
    filing(&mut case, &w, "2025-03-03 12:00");
    case.apply(
        &decide_complete_stage(&case, Stage::Initiation, &AvList::new(), stage_policy(), d("2025-03-03")).unwrap(),
    );
    add(&mut case, site_inspection(&w), "2025-03-03");
    assert!(stage_gaps(&case, Stage::Investigation).contains("缺少行政强制措施现场笔录"));
    let decision = add(&mut case, coercive_decision("安市监强字〔2025〕1号"), "2025-03-03");
    let mut measure = NewRecord::new(
        RecordKind::CoerciveMeasure,
        &[
            ("measure", "扣押"),
            ("reason", "防止证据损毁"),
            ("basis", "《行政强制法》第二十二条"),
            ("party_heard", "当事人表示无异议"),
            ("place", "仓库"),
            ("taken_at", "2025-03-03 11:00"),
            ("approval", "局长批准"),
        ],
    );
    measure.officers = w.two();
    measure.credentials_shown = true;
    measure.officers_signed = signers(&w);
    measure.signature = Some(Signature::Signed { signer: "刘某".into() });
    measure.serves = Some(decision);
    add(&mut case, measure, "2025-03-03");
    assert!(!stage_gaps(&case, Stage::Investigation).contains("缺少行政强制措施现场笔录"));

    // A hearing that was requested and noticed must be held and recorded (R-06, N-05).
    let (mut p, notice) = decided_until_notice(&w);
    let mut service = NewRecord::new(
        RecordKind::ServiceDirect,
        &[
            ("document", "事先告知书"),
            ("served_at", "2025-09-10 10:00"),
            ("place", "超市"),
            ("server", "张明"),
            ("recipient", "刘某"),
        ],
    );
    service.serves = Some(notice);
    service.officers = w.two();
    service.credentials_shown = true;
    service.officers_signed = signers(&w);
    service.signature = Some(Signature::Signed { signer: "刘某".into() });
    add(&mut p, service, "2025-09-10");
    let cal = calendar();
    let mut request = NewRecord::new(
        RecordKind::HearingRequest,
        &[("requested_on", "2025-09-11"), ("applicant", "刘某"), ("form", "书面")],
    );
    request.calendar = Some(&cal);
    add(&mut p, request, "2025-09-11");
    let mut hearing = NewRecord::new(
        RecordKind::HearingNotice,
        &[("hearing_at", "2025-09-25 09:00"), ("place", "听证室"), ("noticed_on", "2025-09-12")],
    );
    hearing.host = Some(&w.officers[2]);
    hearing.calendar = Some(&cal);
    add(&mut p, hearing, "2025-09-12");
    assert!(stage_gaps(&p, Stage::Decision).contains("缺少听证笔录"));
}

/// An ordinary penalty case up to its served prior notice.
fn decided_until_notice(w: &World) -> (Case, Uuid) {
    let mut case =
        w.open(ActKind::Penalty, Procedure::Ordinary, Initiation::ExOfficio { urgent: false }, "2025-09-01 09:00");
    filing(&mut case, w, "2025-09-01 10:00");
    case.apply(
        &decide_complete_stage(&case, Stage::Initiation, &AvList::new(), stage_policy(), d("2025-09-01")).unwrap(),
    );
    add(
        &mut case,
        NewRecord::new(
            RecordKind::DocumentaryEvidence,
            &[("description", "进货单"), ("source", "当事人"), ("collected_on", "2025-09-02")],
        ),
        "2025-09-02",
    );
    add(
        &mut case,
        NewRecord::new(
            RecordKind::InvestigationReport,
            &[("facts", "x"), ("evidence", "y"), ("proposal", "z"), ("reported_on", "2025-09-05")],
        ),
        "2025-09-05",
    );
    case.apply(
        &decide_complete_stage(&case, Stage::Investigation, &AvList::new(), stage_policy(), d("2025-09-05")).unwrap(),
    );
    let notice = add(
        &mut case,
        NewRecord::new(
            RecordKind::PriorNotice,
            &[
                ("document_number", "告〔2025〕1号"),
                ("facts", "x"),
                ("reasons", "销售超过保质期的食品"),
                ("basis", "z"),
                ("intended_decision", "罚款"),
                ("rights", "陈述、申辩、听证"),
                ("issued_on", "2025-09-09"),
            ],
        ),
        "2025-09-09",
    );
    (case, notice)
}

// rule: R-12
// rule: R-13
#[test]
fn head_approvals_and_legal_review_opinions_are_made_by_their_roles_and_decisions_are_sealed() {
    let w = World::new();
    let (case, _) = decided_until_notice(&w);
    let mut approval = NewRecord::new(
        RecordKind::HeadApproval,
        &[("approver", "局长"), ("opinion", "同意"), ("signed_at", "2025-09-15 09:00")],
    );
    approval.by_role = Some(Role::Officer);
    let err = decide_add_record(&case, approval.clone(), None, d("2025-09-15")).unwrap_err();
    assert!(err.to_string().contains("负责人审批须由负责人制作"), "{err}");
    approval.by_role = Some(Role::Head);
    assert!(decide_add_record(&case, approval, None, d("2025-09-15")).is_ok());
    let mut review = NewRecord::new(
        RecordKind::LegalReviewOpinion,
        &[("reviewer", "彭丽"), ("opinion", "同意"), ("reviewed_on", "2025-09-14")],
    );
    review.by_role = Some(Role::Head);
    assert!(decide_add_record(&case, review.clone(), None, d("2025-09-14")).is_err());
    review.by_role = Some(Role::LegalReviewer);
    assert!(decide_add_record(&case, review, None, d("2025-09-14")).is_ok());
    let doc = NewRecord::new(
        RecordKind::DecisionDocument,
        &[
            ("document_number", "决〔2025〕1号"),
            ("party", "超市"),
            ("facts", "x"),
            ("basis", "y"),
            ("discretion", "z"),
            ("conclusion", "罚款"),
            ("performance", "十五日内"),
            ("remedies", "复议、诉讼"),
            ("agency", "安乡县市场监督管理局"),
            ("sealed", "否"),
            ("decided_on", "2025-09-30"),
        ],
    );
    let err = decide_add_record(&case, doc, None, d("2025-09-30")).unwrap_err();
    assert!(err.message_for("fields.sealed").unwrap().contains("印章"));
    let mut bare = NewRecord::new(RecordKind::DecisionDocument, &[("document_number", "决〔2025〕1号")]);
    bare.by_role = Some(Role::Officer);
    let err = decide_add_record(&case, bare, None, d("2025-09-30")).unwrap_err();
    for f in ["facts", "basis", "discretion", "conclusion", "performance", "remedies", "agency", "decided_on"] {
        assert!(err.message_for(&format!("fields.{f}")).is_some(), "{f}");
    }
}

// rule: R-08
#[test]
fn a_scanned_document_is_not_an_av_record() {
    assert!(!AvRequirement::Any.accepts(MediaKind::Document));
    assert!(AvRequirement::Any.accepts(MediaKind::Audio));
    assert!(!AvRequirement::PhotoOrVideo.accepts(MediaKind::Audio));
}

// rule: R-19
#[test]
fn correcting_an_approved_form_sends_it_through_the_chain_again() {
    let w = World::new();
    let mut case =
        w.open(ActKind::Penalty, Procedure::Ordinary, Initiation::ExOfficio { urgent: false }, "2025-03-01 09:00");
    let id = filing(&mut case, &w, "2025-03-01 10:00");
    assert!(case.record(id).unwrap().approved_at().is_some());
    let mut f = BTreeMap::new();
    f.insert("reason".to_string(), "检查发现销售过期食品及无证经营".to_string());
    case.apply(&decide_correct(&case, id, "补充立案理由", f, &[], d("2025-03-02")).unwrap());
    let r = case.record(id).unwrap();
    assert_eq!(r.approved_at(), None);
    assert_eq!(r.superseded_approvals, 3);
    assert!(stage_gaps(&case, Stage::Initiation).contains("审批流程未完成"));
}

// rule: N-06
#[test]
fn a_conflict_declared_by_name_or_by_number_matches_either() {
    let mut w = World::new();
    let by_name = Conflict {
        party_key: "安乡县某某超市".into(),
        party_name: String::new(),
        reason: "亲属经营".into(),
        declared_on: d("2025-01-01"),
    };
    let e = w.officers[0].decide_declare_conflict(by_name).unwrap();
    w.officers[0].apply(&e);
    // The party has a USCC; the conflict named it by name.
    let cmd = w.open_cmd(ActKind::Penalty, Procedure::Ordinary, Initiation::ExOfficio { urgent: false }, shop());
    assert!(decide_open(&w.agency, &profile("anxiang"), cmd, "n".into(), t("2025-03-01 09:00")).is_err());
    let by_number = Conflict {
        party_key: shop().id_number.to_lowercase(),
        party_name: "别名".into(),
        reason: "股东".into(),
        declared_on: d("2025-01-01"),
    };
    let e = w.officers[1].decide_declare_conflict(by_number).unwrap();
    w.officers[1].apply(&e);
    assert!(w.officers[1].conflict_with(&shop().conflict_keys()).is_some());
}

// rule: R-11
#[test]
fn a_return_time_cannot_hide_late_storage() {
    let w = World::new();
    let case =
        w.open(ActKind::Penalty, Procedure::Ordinary, Initiation::ExOfficio { urgent: false }, "2025-03-01 09:00");
    let (f, m) = video(None, "2025-03-01 10:00");
    let future = AvMetadata { remote_return_at: Some(t("2025-03-20 10:00")), ..m.clone() };
    let err = decide_attach_av(&case, &profile("anxiang"), &calendar(), f.clone(), future, t("2025-03-10 10:00"))
        .unwrap_err();
    assert!(err.message_for("remote_return_at").is_some());
    let before = AvMetadata { remote_return_at: Some(t("2025-03-01 09:00")), ..m };
    assert!(decide_attach_av(&case, &profile("anxiang"), &calendar(), f, before, t("2025-03-10 10:00")).is_err());
}

/// An ordinary penalty case with its filing approved and the initiation stage completed.
fn filed(w: &World, at: &str) -> Case {
    let mut case = w.open(ActKind::Penalty, Procedure::Ordinary, Initiation::ExOfficio { urgent: false }, at);
    filing(&mut case, w, at);
    case.apply(&decide_complete_stage(&case, Stage::Initiation, &AvList::new(), stage_policy(), d(&at[..10])).unwrap());
    case
}

// rule: R-05
#[test]
fn every_officer_of_an_on_site_act_signs_its_record() {
    let w = World::new();
    let mut case = filed(&w, "2025-03-01 09:00");
    let (zhang, li) = (w.officers[0].id, w.officers[1].id);
    // Nobody signed: both officers are named.
    let mut rec = site_inspection(&w);
    rec.officers_signed = vec![];
    let err = decide_add_record(&case, rec, None, d("2025-03-03")).unwrap_err();
    let all = err.to_string();
    assert!(all.contains("执法人员张明未在现场检查（勘验）笔录上签名"), "{all}");
    assert!(all.contains("执法人员李华未在现场检查（勘验）笔录上签名"), "{all}");
    // One signature is not enough.
    let mut rec = site_inspection(&w);
    rec.officers_signed = vec![zhang];
    let err = decide_add_record(&case, rec, None, d("2025-03-03")).unwrap_err();
    assert_eq!(
        err.message_for("officers_signed"),
        Some("执法人员李华未在现场检查（勘验）笔录上签名；实施本行为的每名执法人员均须签名")
    );
    // Someone who did not take part cannot sign as an officer.
    let mut rec = site_inspection(&w);
    rec.officers_signed = vec![zhang, li, w.officers[2].id];
    let err = decide_add_record(&case, rec, None, d("2025-03-03")).unwrap_err();
    assert!(err.message_for("officers_signed").unwrap().contains("不是实施本行为的执法人员"), "{err}");
    // The party's signature is still required besides the officers'.
    let mut rec = site_inspection(&w);
    rec.signature = None;
    let err = decide_add_record(&case, rec, None, d("2025-03-03")).unwrap_err();
    assert!(err.message_for("signature").is_some());
    // Both signed: which officers signed is recorded.
    let id = add(&mut case, site_inspection(&w), "2025-03-03");
    assert_eq!(case.record(id).unwrap().record.officers_signed, vec![zhang, li]);
}

// rule: R-05
// rule: P-02
#[test]
fn the_records_officers_sign_are_those_the_rules_name() {
    // inspections, inquiries, sampling, evidence preservation, coercive measures and
    // hearings are signed by the officers; so are the on-site acts of service,
    // execution and the on-the-spot decision.
    let must_sign = [
        RecordKind::Inquiry,
        RecordKind::SiteInspection,
        RecordKind::Sampling,
        RecordKind::EvidencePreservation,
        RecordKind::CoerciveMeasure,
        RecordKind::HearingRecord,
        RecordKind::ServiceDirect,
        RecordKind::ServiceLodged,
        RecordKind::CorrectionVerification,
        RecordKind::CompulsoryExecution,
        RecordKind::RemovalRestoration,
        RecordKind::OnTheSpotDecision,
    ];
    let signing: Vec<RecordKind> = RecordKind::ALL.iter().copied().filter(|k| k.officers_sign()).collect();
    assert_eq!(signing, must_sign, "the kinds signed by their officers");
    // Those are the on-site acts that need two certified officers (P-02), and nothing else
    // is: written documents and mailed or published service are not on-site acts.
    let on_site: Vec<RecordKind> = RecordKind::ALL.iter().copied().filter(|k| k.on_site()).collect();
    assert_eq!(on_site, must_sign);
}

/// The fields of a coercive-measure record as typed on site.
fn measure_fields() -> Vec<(&'static str, &'static str)> {
    vec![
        ("measure", "扣押"),
        ("reason", "防止证据损毁"),
        ("basis", "《行政强制法》第二十二条"),
        ("party_heard", "当事人称货物系代他人保管"),
        ("place", "仓库"),
        ("taken_at", "2025-03-03 11:00"),
        ("approval", "局长批准"),
    ]
}

/// A coercive-measure decision numbered `number`, made on 2025-03-03.
fn coercive_decision(number: &str) -> NewRecord<'static> {
    NewRecord::new(
        RecordKind::CoerciveDecision,
        &[
            ("document_number", number),
            ("measure", "扣押"),
            ("object", "过期牛奶12盒"),
            ("reason", "防止证据损毁"),
            ("basis", "《行政强制法》第二十二条"),
            ("period", "三十日"),
            ("remedies", "六十日内申请行政复议或六个月内提起行政诉讼"),
            ("decided_on", "2025-03-03"),
        ],
    )
}

// rule: R-07
#[test]
fn a_coercive_measure_hears_the_party_and_its_decision_is_served_before_the_stage_completes() {
    let w = World::new();
    let mut case =
        w.open(ActKind::Coercion, Procedure::Ordinary, Initiation::ExOfficio { urgent: false }, "2025-03-01 09:00");
    filing(&mut case, &w, "2025-03-01 10:00");
    case.apply(
        &decide_complete_stage(&case, Stage::Initiation, &AvList::new(), stage_policy(), d("2025-03-01")).unwrap(),
    );
    // The party heard is a required field of the measure, as are reason and basis.
    let mut fields = measure_fields();
    fields.retain(|(k, _)| !matches!(*k, "party_heard" | "reason" | "basis"));
    let mut measure = NewRecord::new(RecordKind::CoerciveMeasure, &fields);
    measure.officers = w.two();
    measure.credentials_shown = true;
    measure.officers_signed = signers(&w);
    measure.signature = Some(Signature::Signed { signer: "刘某".into() });
    let err = decide_add_record(&case, measure.clone(), None, d("2025-03-03")).unwrap_err();
    assert_eq!(err.message_for("fields.party_heard"), Some("请填写当事人陈述、申辩情况"));
    assert!(err.message_for("fields.reason").is_some() && err.message_for("fields.basis").is_some());
    // The measure names its written decision, made first.
    assert!(err.message_for("serves").unwrap().contains("请先制作行政强制措施决定书"), "{err}");
    let decision = add(&mut case, coercive_decision("安市监强字〔2025〕1号"), "2025-03-03");
    measure.fields = NewRecord::new(RecordKind::CoerciveMeasure, &measure_fields()).fields;
    measure.serves = Some(decision);
    let m = add(&mut case, measure, "2025-03-03");
    let (f, meta) = video(Some(m), "2025-03-03 11:00");
    case.apply(&decide_attach_av(&case, &profile("anxiang"), &calendar(), f, meta, t("2025-03-03 18:00")).unwrap());
    add(
        &mut case,
        NewRecord::new(
            RecordKind::InvestigationReport,
            &[("facts", "x"), ("evidence", "y"), ("proposal", "z"), ("reported_on", "2025-03-05")],
        ),
        "2025-03-05",
    );
    // Made, but not served: the stage still refuses, naming the decision.
    let err = decide_complete_stage(&case, Stage::Investigation, &AvList::new(), stage_policy(), d("2025-03-05"))
        .unwrap_err();
    assert_eq!(err.to_string(), "行政强制措施决定书（安市监强字〔2025〕1号）尚无送达记录，须当场交付或依法送达当事人");
    // Service of the decision is allowed during investigation, and completes the stage.
    let mut service = NewRecord::new(
        RecordKind::ServiceDirect,
        &[
            ("document", "行政强制措施决定书"),
            ("served_at", "2025-03-03 11:30"),
            ("place", "仓库"),
            ("server", "张明、李华"),
            ("recipient", "刘某"),
        ],
    );
    service.serves = Some(decision);
    service.officers = w.two();
    service.credentials_shown = true;
    service.officers_signed = signers(&w);
    service.signature = Some(Signature::Signed { signer: "刘某".into() });
    add(&mut case, service, "2025-03-05");
    assert!(
        decide_complete_stage(&case, Stage::Investigation, &AvList::new(), stage_policy(), d("2025-03-05")).is_ok()
    );
}

// rule: R-14
// rule: N-03
#[test]
fn mail_is_registered_or_express_with_its_receipt_and_service_counts_from_the_receipt() {
    let w = World::new();
    let (mut case, doc) = decided(&w);
    let mail = |kind: &str, received: &str| {
        let mut fields = vec![
            ("document", "行政处罚决定书"),
            ("mail_kind", kind),
            ("tracking_number", "EMS1234567890"),
            ("sent_on", "2025-10-09"),
            ("receipt", "刘某签收"),
        ];
        if !received.is_empty() {
            fields.push(("received_on", received));
        }
        let mut r = NewRecord::new(RecordKind::ServiceMail, &fields);
        r.serves = Some(doc);
        r
    };
    // Ordinary mail is not a lawful way of service.
    let err = decide_add_record(&case, mail("平信", "2025-10-10"), None, d("2025-10-20")).unwrap_err();
    assert_eq!(err.message_for("fields.mail_kind"), Some("邮寄方式只能选择挂号信或快递（填写的是“平信”）"));
    // The receipt's date is required, and cannot precede the mailing.
    let err = decide_add_record(&case, mail("挂号信", ""), None, d("2025-10-20")).unwrap_err();
    assert!(err.message_for("fields.received_on").unwrap().contains("签收日期"), "{err}");
    let err = decide_add_record(&case, mail("挂号信", "2025-10-08"), None, d("2025-10-20")).unwrap_err();
    assert!(err.message_for("fields.received_on").unwrap().contains("不能早于寄出日期"), "{err}");
    // Mailed 10-09, inside the 7 working days (due 10-16), but received 10-17: the date of
    // service is the receipt's, so N-03 was met late.
    add(&mut case, mail("快递", "2025-10-17"), "2025-10-20");
    let dl = deadlines(&case, &profile("anxiang"), &calendar(), t("2025-10-20 09:00")).unwrap();
    let n03 = dl.iter().find(|x| x.rule == "N-03").unwrap();
    assert_eq!(n03.due.date(), d("2025-10-16"));
    assert_eq!(n03.met_at.map(|m| m.date()), Some(d("2025-10-17")));
    assert_eq!(n03.status, DeadlineStatus::MetLate);
}

/// A decided, served penalty case in execution.
fn in_execution(w: &World) -> Case {
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
    case
}

// rule: R-15
#[test]
fn compulsory_execution_needs_a_served_reminder_past_its_deadline_and_the_party_heard() {
    let w = World::new();
    let mut case = in_execution(&w);
    let exec = |at: &str| {
        let mut e = NewRecord::new(
            RecordKind::CompulsoryExecution,
            &[
                ("means", "加处罚款"),
                ("basis", "《中华人民共和国行政强制法》第四十五条"),
                ("executed_at", at),
                ("place", "超市"),
                ("result", "已缴纳"),
            ],
        );
        e.officers = w.two();
        e.credentials_shown = true;
        e.officers_signed = signers(&w);
        e.signature = Some(Signature::Signed { signer: "刘某".into() });
        e
    };
    // Nothing yet: the refusal lists both the reminder and the statements.
    let err = decide_add_record(&case, exec("2025-11-20 09:00"), None, d("2025-11-20")).unwrap_err();
    let all = err.to_string();
    assert!(all.contains("实施强制执行前：缺少催告书：须先送达催告书"), "{all}");
    assert!(all.contains("缺少执行陈述申辩及复核"), "{all}");
    assert_eq!(err.errors.len(), 2, "{all}");
    let reminder = add(
        &mut case,
        NewRecord::new(
            RecordKind::Reminder,
            &[
                ("document_number", "安市监催〔2025〕1号"),
                ("obligation", "缴纳罚款五千元"),
                ("issued_on", "2025-10-31"),
                ("deadline", "2025-11-10"),
            ],
        ),
        "2025-10-31",
    );
    // A reminder made but not served does not count.
    let err = decide_add_record(&case, exec("2025-11-20 09:00"), None, d("2025-11-20")).unwrap_err();
    assert!(err.to_string().contains("催告书（安市监催〔2025〕1号）尚无2025-11-20前的送达记录"), "{err}");
    let mut served = NewRecord::new(
        RecordKind::ServiceMail,
        &[
            ("document", "催告书"),
            ("mail_kind", "挂号信"),
            ("tracking_number", "XA123"),
            ("sent_on", "2025-10-31"),
            ("receipt", "刘某"),
            ("received_on", "2025-11-03"),
        ],
    );
    served.serves = Some(reminder);
    add(&mut case, served, "2025-11-04");
    let mut statement = NewRecord::new(
        RecordKind::ExecutionStatement,
        &[("statements", "经营困难，请求分期缴纳"), ("review", "不符合分期条件，不予采纳"), ("heard_on", "2025-11-05")],
    );
    statement.signature = Some(Signature::Signed { signer: "刘某".into() });
    // Served, heard, but executed before the deadline for performance has passed.
    add(&mut case, statement, "2025-11-05");
    let err = decide_add_record(&case, exec("2025-11-10 09:00"), None, d("2025-11-10")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "实施强制执行前：催告书载明的履行期限（2025-11-10）至2025-11-10尚未届满，期限届满当事人仍不履行的，方可强制执行"
    );
    // After the deadline: accepted.
    assert!(decide_add_record(&case, exec("2025-11-11 09:00"), None, d("2025-11-11")).is_ok());
}

// rule: R-15
#[test]
fn statements_on_execution_are_required_even_after_a_served_reminder() {
    let w = World::new();
    let mut case = in_execution(&w);
    let reminder = add(
        &mut case,
        NewRecord::new(
            RecordKind::Reminder,
            &[
                ("document_number", "催〔2025〕2号"),
                ("obligation", "拆除违法广告牌"),
                ("issued_on", "2025-10-31"),
                ("deadline", "2025-11-10"),
            ],
        ),
        "2025-10-31",
    );
    let mut s = NewRecord::new(
        RecordKind::ServiceEntrusted,
        &[
            ("document", "催告书"),
            ("reason", "当事人在外地"),
            ("entrusted_to", "某镇政府"),
            ("served_on", "2025-11-01"),
        ],
    );
    s.serves = Some(reminder);
    add(&mut case, s, "2025-11-02");
    let mut removal = NewRecord::new(
        RecordKind::RemovalRestoration,
        &[
            ("object", "广告牌"),
            ("basis", "《中华人民共和国行政强制法》第四十四条"),
            ("executed_at", "2025-11-20 09:00"),
            ("place", "人民路"),
            ("result", "已拆除"),
        ],
    );
    removal.officers = w.two();
    removal.credentials_shown = true;
    removal.officers_signed = signers(&w);
    removal.signature = Some(Signature::Signed { signer: "刘某".into() });
    let err = decide_add_record(&case, removal, None, d("2025-11-20")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "实施拆除或恢复原状前：缺少执行陈述申辩及复核：须听取当事人的陈述、申辩，并对其事实、理由和证据进行复核"
    );
    // An application to the court needs the served reminder past its deadline, not the
    // statements.
    let court =
        |on: &str| NewRecord::new(RecordKind::CourtApplication, &[("court", "安乡县人民法院"), ("applied_on", on)]);
    assert!(decide_add_record(&case, court("2025-11-05"), None, d("2025-11-05")).is_err());
    assert!(decide_add_record(&case, court("2025-11-20"), None, d("2025-11-20")).is_ok());
}

// rule: R-18
// rule: X-05
#[test]
fn a_copy_request_names_its_records_and_cannot_include_secrets() {
    let w = World::new();
    let mut case = filed(&w, "2025-03-01 09:00");
    let open = add(&mut case, site_inspection(&w), "2025-03-03");
    let mut secret = NewRecord::new(
        RecordKind::DocumentaryEvidence,
        &[("description", "配方及工艺文件"), ("source", "当事人"), ("collected_on", "2025-03-03")],
    );
    secret.sensitivity = Sensitivity::CommercialSecret;
    let secret = add(&mut case, secret, "2025-03-03");
    let err = decide_copy_request(&case, "刘某", &[open, secret], "申请复议需要").unwrap_err();
    assert_eq!(err.message_for("record_ids"), Some("书证标记为商业秘密，不得向当事人提供复制，请从申请中去除"));
    let err = decide_copy_request(&case, "刘某", &[], "申请复议需要").unwrap_err();
    assert_eq!(err.message_for("record_ids"), Some("请选择申请复制的记录"));
    assert!(decide_copy_request(&case, "刘某", &[Uuid::new_v4()], "x").is_err(), "another case's record");
    let AccessEvent::CopyRequested { record_ids, records, .. } =
        decide_copy_request(&case, "刘某", &[open, open], "申请复议需要").unwrap()
    else {
        panic!()
    };
    assert_eq!(record_ids, vec![open]);
    assert_eq!(records, "现场检查（勘验）笔录");
    assert!(Sensitivity::StateSecret.is_secret() && !Sensitivity::Internal.is_secret());
}

// rule: R-19
#[test]
fn the_chain_knows_its_signers_by_account_and_nobody_approves_their_own_proposal() {
    let w = World::new();
    let mut case =
        w.open(ActKind::Penalty, Procedure::Ordinary, Initiation::ExOfficio { urgent: false }, "2025-03-01 09:00");
    let id = add(
        &mut case,
        NewRecord::new(
            RecordKind::FilingApproval,
            &[
                ("reason", "检查发现"),
                ("party", "超市"),
                ("handler_opinion", "建议立案"),
                ("unit_opinion", "同意"),
                ("head_approval", "同意"),
                ("approved_at", "2025-03-01 10:00"),
            ],
        ),
        "2025-03-01",
    );
    let now = t("2025-03-01 10:00");
    // A head who is also an officer on the case proposes as handler…
    let head_on_case = account("张明", Role::Head, Some(w.officers[0].id));
    case.apply(&decide_approval(&case, id, ApprovalStep::Handler, true, "建议立案", &head_on_case, now).unwrap());
    // …another person of the same name reviews: names do not identify, accounts do.
    let namesake = account("张明", Role::Officer, Some(w.officers[1].id));
    case.apply(&decide_approval(&case, id, ApprovalStep::Reviewer, true, "同意", &namesake, now).unwrap());
    // The handler cannot approve their own proposal.
    let err = decide_approval(&case, id, ApprovalStep::Approver, true, "同意", &head_on_case, now).unwrap_err();
    assert_eq!(
        err.to_string(),
        "同一账号不能在同一审批流程中签署两个环节：承办人意见已由本账号签署，审批意见须由其他人员签署"
    );
    let head = account("局长", Role::Head, None);
    case.apply(&decide_approval(&case, id, ApprovalStep::Approver, false, "补充材料", &head, now).unwrap());
    // A refusal restarts the chain: the same handler proposes again, and the head who
    // refused may approve this time.
    case.apply(&decide_approval(&case, id, ApprovalStep::Handler, true, "已补充", &head_on_case, now).unwrap());
    case.apply(&decide_approval(&case, id, ApprovalStep::Reviewer, true, "同意", &namesake, now).unwrap());
    case.apply(&decide_approval(&case, id, ApprovalStep::Approver, true, "同意", &head, now).unwrap());
    let rec = case.record(id).unwrap();
    assert!(rec.approved_at().is_some());
    let accounts: Vec<_> = rec.current_run().iter().map(|a| a.account_id.unwrap()).collect();
    assert_eq!(accounts, vec![head_on_case.account_id, namesake.account_id, head.account_id]);
}

// rule: P-02
#[test]
fn certificates_are_checked_on_the_date_of_the_act_not_the_day_it_is_recorded() {
    let mut w = World::new();
    // 李华's certificate expires on 2025-03-05.
    w.officers[1].certificates[0].expires_on = d("2025-03-05");
    let mut case = filed(&w, "2025-03-01 09:00");
    let dated = |start: &str| {
        let mut r = site_inspection(&w);
        r.fields.insert("started_at".into(), start.into());
        r
    };
    // Inspected on 03-04 with valid certificates, written up on 03-10 after the expiry:
    // accepted, with the certificate numbers of the act's date.
    let id = add(&mut case, dated("2025-03-04 09:00"), "2025-03-10");
    assert_eq!(case.record(id).unwrap().record.officers[1].certificate_number, "43070002");
    // Inspected on 03-06: 李华's certificate had expired, even if recorded the same day.
    let err = decide_add_record(&case, dated("2025-03-06 09:00"), None, d("2025-03-06")).unwrap_err();
    assert!(err.message_for("officers").unwrap().contains("李华在2025-03-06没有有效的行政执法证"), "{err}");
    // Certificates issued 2024-01-01: an act dated before is refused though they are valid today.
    let err = decide_add_record(&case, dated("2023-12-31 09:00"), None, d("2025-03-04")).unwrap_err();
    assert!(err.message_for("officers").unwrap().contains("在2023-12-31没有有效的行政执法证"), "{err}");
    // An act is recorded after it happened.
    let err = decide_add_record(&case, dated("2025-03-08 09:00"), None, d("2025-03-04")).unwrap_err();
    assert!(err.message_for("fields.started_at").unwrap().contains("晚于今天"), "{err}");
    // Every on-site act has a date of its own to check against.
    for k in RecordKind::ALL.iter().filter(|k| k.on_site()) {
        assert!(k.act_field().is_some(), "{k:?}");
    }
    assert_eq!(RecordKind::Inquiry.act_field().unwrap().key, "started_at");
    assert_eq!(RecordKind::CompulsoryExecution.act_field().unwrap().key, "executed_at");
}

fn fields(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

/// Whether a refusal has a message on `field` containing `text`.
fn refuses(err: &crate::validation::Rejection, field: &str, text: &str) -> bool {
    err.errors.iter().any(|e| e.field == field && e.message.contains(text))
}

/// A reminder (催告书, R-15) issued on `issued` with a deadline for performance.
fn reminder(number: &str, issued: &str, deadline: &str) -> NewRecord<'static> {
    NewRecord::new(
        RecordKind::Reminder,
        &[("document_number", number), ("obligation", "缴纳罚款五千元"), ("issued_on", issued), ("deadline", deadline)],
    )
}

/// Registered mail serving `document`, sent and received on the days given.
fn mail_service(document: Uuid, sent: &str, received: &str) -> NewRecord<'static> {
    let mut r = NewRecord::new(
        RecordKind::ServiceMail,
        &[
            ("document", "文书"),
            ("mail_kind", "挂号信"),
            ("tracking_number", "XA123"),
            ("sent_on", sent),
            ("receipt", "刘某"),
            ("received_on", received),
        ],
    );
    r.serves = Some(document);
    r
}

/// The party's statements on execution, heard on `heard` and reviewed.
fn statement(heard: &str) -> NewRecord<'static> {
    let mut r = NewRecord::new(
        RecordKind::ExecutionStatement,
        &[("statements", "经营困难，请求分期缴纳"), ("review", "不符合分期条件，不予采纳"), ("heard_on", heard)],
    );
    r.signature = Some(Signature::Signed { signer: "刘某".into() });
    r
}

/// Compulsory execution at `at` by the two officers of the case.
fn execution<'a>(w: &'a World, at: &str) -> NewRecord<'a> {
    let mut e = NewRecord::new(
        RecordKind::CompulsoryExecution,
        &[
            ("means", "加处罚款"),
            ("basis", "《中华人民共和国行政强制法》第四十五条"),
            ("executed_at", at),
            ("place", "超市"),
            ("result", "已缴纳"),
        ],
    );
    e.officers = w.two();
    e.credentials_shown = true;
    e.officers_signed = signers(w);
    e.signature = Some(Signature::Signed { signer: "刘某".into() });
    e
}

// rule: P-02
// rule: R-05
// rule: X-01
#[test]
fn a_correction_is_checked_like_a_new_record() {
    let mut w = World::new();
    // 李华's certificate expires on 2025-03-05.
    w.officers[1].certificates[0].expires_on = d("2025-03-05");
    let mut case = filed(&w, "2025-03-01 09:00");
    let site = add(&mut case, site_inspection(&w), "2025-03-03");
    let officers = w.two();
    let today = d("2025-03-10");
    let correct = |case: &Case, id, key: &str, value: &str| {
        decide_correct(case, id, "日期笔误", fields(&[(key, value)]), &officers, today)
    };
    // To a day when 李华's certificate had expired: refused, saying what to do.
    let err = correct(&case, site, "started_at", "2025-03-06 09:00").unwrap_err();
    assert_eq!(
        err.to_string(),
        "李华在2025-03-06没有有效的行政执法证（证号43070002：已过期）；请核对日期，或重新制作本记录"
    );
    // Into the future, or before the case was opened.
    let err = correct(&case, site, "started_at", "2025-03-12 09:00").unwrap_err();
    assert!(refuses(&err, "fields.started_at", "晚于今天（2025-03-10）"), "{err}");
    let err = correct(&case, site, "started_at", "2025-02-27 09:00").unwrap_err();
    assert!(refuses(&err, "fields.started_at", "早于立案日期（2025-03-01）"), "{err}");
    // A day on which both certificates were valid is a correction like any other.
    assert!(correct(&case, site, "started_at", "2025-03-04 09:00").is_ok());
    // an inquiry cannot be corrected to say the rights were not notified.
    let mut inquiry = NewRecord::new(
        RecordKind::Inquiry,
        &[
            ("interviewee", "刘某"),
            ("place", "执法大队"),
            ("started_at", "2025-03-03 14:00"),
            ("ended_at", "2025-03-03 15:00"),
            ("rights_notified", "是"),
            ("content", "问：……答：……"),
        ],
    );
    inquiry.officers = w.two();
    inquiry.credentials_shown = true;
    inquiry.officers_signed = signers(&w);
    inquiry.signature = Some(Signature::Signed { signer: "刘某".into() });
    let inq = add(&mut case, inquiry, "2025-03-03");
    let err = correct(&case, inq, "rights_notified", "否").unwrap_err();
    assert_eq!(
        err.message_for("fields.rights_notified"),
        Some("询问前须告知当事人陈述、申辩、申请回避等权利，并在笔录中记明")
    );
    assert!(correct(&case, inq, "content", "问：……答：……（补记）").is_ok());
}

// rule: R-13
// rule: R-14
// rule: N-03
// rule: X-01
#[test]
fn a_correction_keeps_the_decision_sealed_and_served_after_it_was_made() {
    let w = World::new();
    let case = in_execution(&w);
    let doc = case.records_of(RecordKind::DecisionDocument).next().unwrap().record.id;
    let today = d("2025-10-20");
    let correct = |id, key: &str, value: &str| decide_correct(&case, id, "笔误", fields(&[(key, value)]), &[], today);
    let err = correct(doc, "sealed", "否").unwrap_err();
    assert_eq!(err.message_for("fields.sealed"), Some("决定书须加盖作出决定的行政机关印章"));
    // Moving the decision after its service (10-09) would have it served before it was made.
    let err = correct(doc, "decided_on", "2025-10-10").unwrap_err();
    assert_eq!(
        err.to_string(),
        "本次更正后，已记录的送达回证（直接送达）（2025-10-09）将不再符合规定：送达时间（2025-10-09）早于决定书（安市监罚决〔2025〕1号）的日期（2025-10-10）：文书作出后方能送达，请核对日期。请核对所更正的内容，或先更正该记录"
    );
    let err = correct(doc, "decided_on", "2025-10-21").unwrap_err();
    assert!(refuses(&err, "fields.decided_on", "晚于今天"), "{err}");
    assert!(correct(doc, "decided_on", "2025-09-29").is_ok());
    // The receipt of mail, the date of service, is not moved into the future.
    let mail = case.records_of(RecordKind::ServiceMail).next().unwrap().record.id;
    let err = correct(mail, "received_on", "2025-10-25").unwrap_err();
    assert_eq!(
        err.message_for("fields.received_on"),
        Some("签收日期（2025-10-25）晚于今天（2025-10-20）；请按回执填写实际签收日期")
    );
}

// rule: R-15
// rule: X-01
#[test]
fn a_correction_cannot_undo_the_order_an_execution_rests_on() {
    let w = World::new();
    let mut case = in_execution(&w);
    let rem = add(&mut case, reminder("催〔2025〕1号", "2025-10-31", "2025-11-10"), "2025-10-31");
    let mail = add(&mut case, mail_service(rem, "2025-10-31", "2025-11-03"), "2025-11-04");
    let heard = add(&mut case, statement("2025-11-05"), "2025-11-05");
    add(&mut case, execution(&w, "2025-11-11 09:00"), "2025-11-11");
    let today = d("2025-11-12");
    let correct = |id, key: &str, value: &str| decide_correct(&case, id, "笔误", fields(&[(key, value)]), &[], today);
    // The reminder's deadline moved past the execution.
    let err = correct(rem, "deadline", "2025-11-15").unwrap_err();
    assert_eq!(
        err.to_string(),
        "本次更正后，已记录的强制执行记录（2025-11-11）将不再符合规定：实施强制执行前：催告书载明的履行期限（2025-11-15）至2025-11-11尚未届满，期限届满当事人仍不履行的，方可强制执行。请核对所更正的内容，或先更正该记录"
    );
    // The reminder received after its deadline, and after the execution.
    let err = correct(mail, "received_on", "2025-11-12").unwrap_err();
    assert!(refuses(&err, "fields.received_on", "履行期限（2025-11-10）不晚于送达日期（2025-11-12）"), "{err}");
    assert!(err.to_string().contains("尚无2025-11-11前的送达记录"), "{err}");
    // The statements moved before the reminder was served.
    let err = correct(heard, "heard_on", "2025-11-02").unwrap_err();
    assert!(err.to_string().contains("不在催告书送达（2025-11-03）之后、2025-11-11之前"), "{err}");
    // A correction that keeps the order passes.
    assert!(correct(rem, "deadline", "2025-11-09").is_ok());
    assert!(correct(heard, "heard_on", "2025-11-04").is_ok());
}

// rule: R-15
#[test]
fn a_reminder_gives_the_party_time_to_perform_after_it_is_served() {
    let w = World::new();
    let mut case = in_execution(&w);
    let err = decide_add_record(&case, reminder("催〔2025〕3号", "2025-11-02", "2025-11-01"), None, d("2025-11-02"))
        .unwrap_err();
    assert_eq!(err.message_for("fields.deadline"), Some("履行期限（2025-11-01）须晚于催告日期（2025-11-02）"));
    let rem = add(&mut case, reminder("催〔2025〕3号", "2025-10-30", "2025-11-01"), "2025-10-30");
    // Deadline 11-01, served 11-05: refused when the service is recorded.
    let err =
        decide_add_record(&case, mail_service(rem, "2025-10-31", "2025-11-05"), None, d("2025-11-05")).unwrap_err();
    assert_eq!(
        err.message_for("fields.received_on"),
        Some(
            "催告书（催〔2025〕3号）载明的履行期限（2025-11-01）不晚于送达日期（2025-11-05）：当事人须在送达后有履行期间，请重新制作履行期限在送达之后的催告书"
        )
    );
    // A service recorded before this was checked: execution on 11-06 is refused.
    let mail = add(&mut case, mail_service(rem, "2025-10-31", "2025-10-31"), "2025-10-31");
    case.apply(&CaseEvent::RecordCorrected {
        record_id: mail,
        reason: "旧数据".into(),
        fields: fields(&[("received_on", "2025-11-05")]),
    });
    add(&mut case, statement("2025-11-05"), "2025-11-05");
    let err = decide_add_record(&case, execution(&w, "2025-11-06 09:00"), None, d("2025-11-06")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "实施强制执行前：催告书的履行期限不在送达之后（催告书（催〔2025〕3号）履行期限2025-11-01、2025-11-05送达），当事人没有履行期间：须重新制作并送达履行期限晚于送达日期的催告书"
    );
}

// rule: P-02
// rule: R-14
// rule: R-15
#[test]
fn no_act_or_service_is_dated_after_today_whatever_its_kind() {
    let w = World::new();
    let mut case = in_execution(&w);
    let today = d("2025-11-20");
    let court =
        NewRecord::new(RecordKind::CourtApplication, &[("court", "安乡县人民法院"), ("applied_on", "2025-11-25")]);
    let err = decide_add_record(&case, court, None, today).unwrap_err();
    assert!(refuses(&err, "fields.applied_on", "申请日期（2025-11-25）晚于今天（2025-11-20）"), "{err}");
    let rem = add(&mut case, reminder("催〔2025〕1号", "2025-10-31", "2025-11-10"), "2025-10-31");
    let err = decide_add_record(&case, mail_service(rem, "2025-10-31", "2025-11-21"), None, today).unwrap_err();
    assert!(refuses(&err, "fields.received_on", "晚于今天"), "{err}");
    let mut entrusted = NewRecord::new(
        RecordKind::ServiceEntrusted,
        &[
            ("document", "催告书"),
            ("reason", "当事人在外地"),
            ("entrusted_to", "某镇政府"),
            ("served_on", "2025-11-21"),
        ],
    );
    entrusted.serves = Some(rem);
    let err = decide_add_record(&case, entrusted, None, today).unwrap_err();
    assert!(refuses(&err, "fields.served_on", "晚于今天"), "{err}");
    let mut notice = NewRecord::new(
        RecordKind::ServicePublicNotice,
        &[("document", "催告书"), ("why", "下落不明"), ("medium", "政府网站"), ("published_on", "2025-11-21")],
    );
    notice.serves = Some(rem);
    let err = decide_add_record(&case, notice, None, today).unwrap_err();
    assert!(refuses(&err, "fields.published_on", "晚于今天"), "{err}");
    let evidence = NewRecord::new(
        RecordKind::DocumentaryEvidence,
        &[("description", "银行流水"), ("source", "银行"), ("collected_on", "2025-11-21")],
    );
    let err = decide_add_record(&case, evidence, None, today).unwrap_err();
    assert!(refuses(&err, "fields.collected_on", "晚于今天"), "{err}");
}

// rule: R-15
#[test]
fn statements_on_execution_are_heard_after_the_reminder_is_served_and_before_execution() {
    let w = World::new();
    let mut case = in_execution(&w);
    let rem = add(&mut case, reminder("催〔2025〕1号", "2025-10-31", "2025-11-10"), "2025-10-31");
    add(&mut case, mail_service(rem, "2025-10-31", "2025-11-03"), "2025-11-04");
    // Heard before the reminder reached the party: it does not count.
    let early = add(&mut case, statement("2025-11-01"), "2025-11-04");
    let err = decide_add_record(&case, execution(&w, "2025-11-11 09:00"), None, d("2025-11-12")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "实施强制执行前：执行陈述申辩及复核的听取日期（2025-11-01）不在催告书送达（2025-11-03）之后、2025-11-11之前：须在催告书送达后听取当事人的陈述、申辩并复核"
    );
    // Heard after the execution: it does not count for it either.
    add(&mut case, statement("2025-11-12"), "2025-11-12");
    let err = decide_add_record(&case, execution(&w, "2025-11-11 09:00"), None, d("2025-11-12")).unwrap_err();
    assert!(err.to_string().contains("听取日期（2025-11-01、2025-11-12）"), "{err}");
    // A statement recorded before its date was asked for: the date is to be added.
    let mut undated = case.clone();
    undated.apply(&CaseEvent::RecordCorrected {
        record_id: early,
        reason: "旧数据".into(),
        fields: fields(&[("heard_on", "")]),
    });
    let err = decide_add_record(&undated, execution(&w, "2025-11-11 09:00"), None, d("2025-11-12")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "实施强制执行前：执行陈述申辩及复核未记录听取日期：请更正补填听取日期（须在催告书送达之后）"
    );
    // Heard in between: the execution may proceed.
    add(&mut case, statement("2025-11-05"), "2025-11-05");
    assert!(decide_add_record(&case, execution(&w, "2025-11-11 09:00"), None, d("2025-11-12")).is_ok());
}

// rule: P-02
// rule: R-03
#[test]
fn acts_are_not_dated_before_the_case_was_opened_and_late_entries_are_flagged() {
    let w = World::new();
    let mut case = filed(&w, "2025-03-01 09:00");
    let dated = |start: &str| {
        let mut r = site_inspection(&w);
        r.fields.insert("started_at".into(), start.into());
        r
    };
    let err = decide_add_record(&case, dated("2025-02-28 15:00"), None, d("2025-03-01")).unwrap_err();
    assert_eq!(
        err.message_for("fields.started_at"),
        Some("开始时间（2025-02-28）早于立案日期（2025-03-01）：立案前的行为不能记入本案，请核对日期")
    );
    // What led to the case is recorded at initiation and may precede it.
    let mut complaint = w.open(ActKind::Penalty, Procedure::Ordinary, Initiation::Complaint, "2025-03-01 09:00");
    let registration = NewRecord::new(
        RecordKind::ComplaintRegistration,
        &[
            ("complainant", "王某"),
            ("real_name", "是"),
            ("content", "销售过期食品"),
            ("received_at", "2025-02-27 10:00"),
            ("recorder", "李华"),
            ("handling", "转执法大队核查"),
        ],
    );
    add(&mut complaint, registration, "2025-03-01");
    // An urgent start is opened after the officers acted at the scene: up to the 24 hours
    // of R-03, which then count from the act.
    let mut urgent =
        w.open(ActKind::Penalty, Procedure::Ordinary, Initiation::ExOfficio { urgent: true }, "2025-03-02 08:00");
    add(&mut urgent, dated("2025-03-01 22:00"), "2025-03-02");
    let err = decide_add_record(&urgent, dated("2025-02-28 22:00"), None, d("2025-03-02")).unwrap_err();
    assert!(refuses(&err, "fields.started_at", "紧急先行的案件可早于立案24小时"), "{err}");
    let dl = deadlines(&urgent, &profile("anxiang"), &calendar(), t("2025-03-02 09:00")).unwrap();
    assert_eq!(dl.iter().find(|x| x.rule == "R-03").unwrap().due, t("2025-03-02 22:00"));
    // Entered three days after the act: no flag; four days: flagged, not refused.
    let on_time = add(&mut case, dated("2025-03-03 09:00"), "2025-03-06");
    assert_eq!(case.record(on_time).unwrap().late_entry(), None);
    let late = add(&mut case, dated("2025-03-03 09:00"), "2025-03-07");
    assert_eq!(
        case.record(late).unwrap().late_entry().as_deref(),
        Some("2025-03-03实施，2025-03-07才录入系统（相隔4日，超过3日），请核实是否及时记录")
    );
}

// rule: N-03
// rule: R-14
#[test]
fn a_mailed_decision_without_its_receipt_date_is_not_called_overdue() {
    let w = World::new();
    let (mut case, doc) = decided(&w);
    let mail = add(&mut case, mail_service(doc, "2025-10-09", "2025-10-10"), "2025-10-10");
    // As recorded before the receipt's date was asked for.
    case.apply(&CaseEvent::RecordCorrected {
        record_id: mail,
        reason: "旧数据".into(),
        fields: fields(&[("received_on", "")]),
    });
    let n03 = |case: &Case| {
        let dl = deadlines(case, &profile("anxiang"), &calendar(), t("2025-11-01 09:00")).unwrap();
        dl.into_iter().find(|x| x.rule == "N-03").unwrap()
    };
    assert_eq!(n03(&case).status, DeadlineStatus::ReceiptDateMissing);
    assert_eq!(n03(&case).status.label(), "签收日期未记录，请更正");
    // Corrected with the receipt's date, it is met.
    let e = decide_correct(&case, mail, "补填签收日期", fields(&[("received_on", "2025-10-10")]), &[], d("2025-11-01"))
        .unwrap();
    case.apply(&e);
    assert_eq!(n03(&case).status, DeadlineStatus::Met);
    // A decision not served at all is overdue as before.
    let (unserved, _) = decided(&w);
    assert_eq!(n03(&unserved).status, DeadlineStatus::Overdue);
}

// rule: R-07
#[test]
fn a_coercive_decision_is_not_evidence_and_each_measure_names_its_decision() {
    let w = World::new();
    let mut case = filed(&w, "2025-03-01 09:00");
    let report = add(
        &mut case,
        NewRecord::new(
            RecordKind::InvestigationReport,
            &[("facts", "x"), ("evidence", "y"), ("proposal", "z"), ("reported_on", "2025-03-05")],
        ),
        "2025-03-05",
    );
    let first = add(&mut case, coercive_decision("安市监强字〔2025〕1号"), "2025-03-05");
    let gaps = stage_gaps(&case, Stage::Investigation);
    assert!(gaps.contains("至少需要一项调查取证记录"), "{gaps}");
    let measure = |decision: Uuid| {
        let mut m = NewRecord::new(RecordKind::CoerciveMeasure, &measure_fields());
        m.officers = w.two();
        m.credentials_shown = true;
        m.officers_signed = signers(&w);
        m.signature = Some(Signature::Signed { signer: "刘某".into() });
        m.serves = Some(decision);
        m
    };
    let err = decide_add_record(&case, measure(report), None, d("2025-03-05")).unwrap_err();
    assert_eq!(err.message_for("serves"), Some("行政强制措施现场笔录只能关联行政强制措施决定书"));
    // Two measures, each under its own decision: each decision is served.
    let second = add(&mut case, coercive_decision("安市监强字〔2025〕2号"), "2025-03-05");
    add(&mut case, measure(first), "2025-03-05");
    add(&mut case, measure(second), "2025-03-05");
    let mut service = NewRecord::new(
        RecordKind::ServiceDirect,
        &[
            ("document", "行政强制措施决定书"),
            ("served_at", "2025-03-03 11:30"),
            ("place", "仓库"),
            ("server", "张明、李华"),
            ("recipient", "刘某"),
        ],
    );
    service.serves = Some(first);
    service.officers = w.two();
    service.credentials_shown = true;
    service.officers_signed = signers(&w);
    service.signature = Some(Signature::Signed { signer: "刘某".into() });
    add(&mut case, service, "2025-03-05");
    let gaps = stage_gaps(&case, Stage::Investigation);
    assert!(!gaps.contains("至少需要一项调查取证记录"), "the measures are evidence: {gaps}");
    assert!(gaps.contains("安市监强字〔2025〕2号）尚无送达记录"), "{gaps}");
    assert!(!gaps.contains("安市监强字〔2025〕1号）尚无送达记录"), "{gaps}");
}

// rule: R-19
#[test]
fn one_officer_signs_one_step_of_a_run_whichever_account_they_use() {
    let w = World::new();
    let mut case =
        w.open(ActKind::Penalty, Procedure::Ordinary, Initiation::ExOfficio { urgent: false }, "2025-03-01 09:00");
    let id = add(
        &mut case,
        NewRecord::new(
            RecordKind::FilingApproval,
            &[
                ("reason", "检查发现"),
                ("party", "超市"),
                ("handler_opinion", "建议立案"),
                ("unit_opinion", "同意"),
                ("head_approval", "同意"),
                ("approved_at", "2025-03-01 10:00"),
            ],
        ),
        "2025-03-01",
    );
    let now = t("2025-03-01 10:00");
    // 张明 holds two accounts: an officer's and a head's.
    let officer = account("张明", Role::Officer, Some(w.officers[0].id));
    let as_head = account("张明（副局长）", Role::Head, Some(w.officers[0].id));
    case.apply(&decide_approval(&case, id, ApprovalStep::Handler, true, "建议立案", &officer, now).unwrap());
    assert_eq!(case.record(id).unwrap().approvals[0].officer_id, Some(w.officers[0].id));
    let err = decide_approval(&case, id, ApprovalStep::Reviewer, true, "同意", &as_head, now).unwrap_err();
    assert_eq!(
        err.to_string(),
        "同一人员不能在同一审批流程中签署两个环节：承办人意见已由您以另一账号（张明）签署，审核意见须由其他人员签署"
    );
    // Heads without an officer record are told apart by their accounts.
    let reviewer = account("王队长", Role::Head, None);
    let head = account("局长", Role::Head, None);
    case.apply(&decide_approval(&case, id, ApprovalStep::Reviewer, true, "同意", &reviewer, now).unwrap());
    case.apply(&decide_approval(&case, id, ApprovalStep::Approver, true, "同意", &head, now).unwrap());
    assert!(case.record(id).unwrap().approved_at().is_some());
}

// rule: R-14
// rule: N-03
// rule: R-15
#[test]
fn service_by_public_notice_takes_effect_thirty_days_after_publication() {
    let w = World::new();
    let (mut case, doc) = decided(&w);
    let mut notice = NewRecord::new(
        RecordKind::ServicePublicNotice,
        &[
            ("document", "行政处罚决定书"),
            ("why", "当事人下落不明，直接、邮寄送达均未成功"),
            ("medium", "安乡县人民政府网站"),
            ("published_on", "2025-10-09"),
        ],
    );
    notice.serves = Some(doc);
    let id = add(&mut case, notice.clone(), "2025-10-09");
    assert_eq!(case.record(id).unwrap().service_time(), Some(t("2025-11-08 23:59:59")));
    let dl = deadlines(&case, &profile("anxiang"), &calendar(), t("2025-11-10 09:00")).unwrap();
    let n03 = dl.iter().find(|x| x.rule == "N-03").unwrap();
    assert_eq!(n03.met_at, Some(t("2025-11-08 23:59:59")));
    assert_eq!(n03.status, DeadlineStatus::MetLate);
    // A reminder published on 10-31 is served on 11-30, after a deadline of 11-20.
    let mut case = in_execution(&w);
    let rem = add(&mut case, reminder("催〔2025〕1号", "2025-10-31", "2025-11-20"), "2025-10-31");
    notice.serves = Some(rem);
    notice.fields.insert("published_on".into(), "2025-10-31".into());
    let err = decide_add_record(&case, notice, None, d("2025-10-31")).unwrap_err();
    assert!(refuses(&err, "fields.published_on", "不晚于送达日期（2025-11-30）"), "{err}");
}

// rule: P-02
// rule: R-15
#[test]
fn a_reminder_is_dated_by_its_issue_not_its_deadline() {
    assert_eq!(RecordKind::Reminder.act_field().unwrap().key, "issued_on");
    assert_eq!(RecordKind::ExecutionStatement.act_field().unwrap().key, "heard_on");
    let mut w = World::new();
    // 李华's certificate expires on 2025-11-05, between the reminder's issue and deadline.
    w.officers[1].certificates[0].expires_on = d("2025-11-05");
    let mut case = in_execution(&w);
    let mut r = reminder("催〔2025〕9号", "2025-10-31", "2025-11-10");
    r.officers = w.two();
    let id = add(&mut case, r, "2025-10-31");
    assert_eq!(case.record(id).unwrap().record.officers[1].certificate_number, "43070002");
}

mod heard;
mod transfer;
