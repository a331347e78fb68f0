//! Rule tests of the case domain, through the pure decide functions.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use uuid::Uuid;

use super::deadlines::{DeadlineStatus, deadlines};
use super::decide::*;
use super::requirements::{AvList, missing};
use super::*;
use crate::access::Role;
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

fn approve_chain(case: &mut Case, w: &World, record: Uuid, at: &str) {
    let handler = Approver { name: "张明".into(), role: Role::Officer, officer_id: Some(w.officers[0].id) };
    let reviewer = Approver { name: "王队长".into(), role: Role::Head, officer_id: None };
    let head = Approver { name: "局长".into(), role: Role::Head, officer_id: None };
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
    case.apply(&decide_complete_stage(&case, Stage::Initiation, &AvList::new(), d("2025-03-01")).unwrap());

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
    let err = decide_complete_stage(&case, Stage::Initiation, &AvList::new(), d("2025-03-01")).unwrap_err();
    let all = err.to_string();
    assert!(all.contains("缺少投诉举报登记") && all.contains("缺少立案审批表"), "{all}");
    // A stage ahead of the current one is refused.
    let err = decide_complete_stage(&case, Stage::Decision, &AvList::new(), d("2025-03-01")).unwrap_err();
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
    let err = decide_complete_stage(&case, Stage::Initiation, &AvList::new(), d("2025-03-01")).unwrap_err();
    assert!(err.to_string().contains("立案审批表的审批流程未完成（待承办人意见）"), "{err}");
    approve_chain(&mut case, &w, id, "2025-03-01 11:00");
    let err = decide_complete_stage(&case, Stage::Initiation, &AvList::new(), d("2025-03-01")).unwrap_err();
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
    let officer = Approver { name: "张明".into(), role: Role::Officer, officer_id: Some(w.officers[0].id) };
    let head = Approver { name: "局长".into(), role: Role::Head, officer_id: None };
    let now = t("2025-03-01 10:00");
    let err = decide_approval(&case, id, ApprovalStep::Approver, true, "同意", &head, now).unwrap_err();
    assert!(err.to_string().contains("应先由承办人签署"), "{err}");
    case.apply(&decide_approval(&case, id, ApprovalStep::Handler, true, "建议立案", &officer, now).unwrap());
    let err = decide_approval(&case, id, ApprovalStep::Reviewer, true, "同意", &officer, now).unwrap_err();
    assert!(err.to_string().contains("审核人不能与承办人为同一人"));
    case.apply(&decide_approval(&case, id, ApprovalStep::Reviewer, true, "同意", &head, now).unwrap());
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
    case.apply(&decide_complete_stage(&case, Stage::Initiation, &AvList::new(), d("2025-03-01")).unwrap());
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
    let err = decide_complete_stage(&case, Stage::Investigation, &AvList::new(), d("2025-03-05")).unwrap_err();
    assert_eq!(err.to_string(), "现场检查（勘验）笔录须有音像记录（照片、录音或录像），尚未上传");
    // The agency's list may add inquiries.
    let mut list = AvList::new();
    list.insert(RecordKind::Inquiry, AvRequirement::Any);
    let (f, m) = video(Some(site), "2025-03-03 09:30");
    case.apply(&decide_attach_av(&case, &profile("anxiang"), &calendar(), f, m, t("2025-03-03 18:00")).unwrap());
    let err = decide_complete_stage(&case, Stage::Investigation, &list, d("2025-03-05")).unwrap_err();
    assert!(err.to_string().starts_with("询问笔录须有音像记录"), "{err}");
    assert!(decide_complete_stage(&case, Stage::Investigation, &AvList::new(), d("2025-03-05")).is_ok());
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
}

// rule: R-16
#[test]
fn simplified_procedure_only_within_the_law_and_needs_a_numbered_form() {
    let w = World::new();
    let spot = |fine: i64, form: Option<&str>| {
        let mut r = NewRecord::new(
            RecordKind::OnTheSpotDecision,
            &[
                ("facts", "占道经营"),
                ("basis", "《某条例》第十条"),
                ("statements", "当事人无异议"),
                ("decided_at", "2025-03-01 10:00"),
                ("place", "人民路"),
            ],
        );
        r.penalty = Some(SpotPenalty { warning: false, fine: Some(Money::from_fen(fine)) });
        r.form_number = form.map(str::to_string);
        r.credentials_shown = true;
        r.signature = Some(Signature::Signed { signer: "刘某某".into() });
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
    case.apply(&decide_complete_stage(&case, Stage::Initiation, &none, d("2025-09-01")).unwrap());
    let site = add(&mut case, site_inspection(w), "2025-09-03");
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
    case.apply(&decide_complete_stage(&case, Stage::Investigation, &none, d("2025-09-05")).unwrap());
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
    let err = decide_complete_stage(&case, Stage::Decision, &none, d("2025-09-09")).unwrap_err().to_string();
    for gap in ["事先告知书尚无送达记录", "缺少当事人陈述申辩记录", "缺少负责人审批", "缺少决定书"]
    {
        assert!(err.contains(gap), "{gap} in {err}");
    }
    let mut service = NewRecord::new(
        RecordKind::ServiceMail,
        &[
            ("document", "事先告知书"),
            ("mail_kind", "EMS"),
            ("tracking_number", "1234567890"),
            ("sent_on", "2025-09-09"),
            ("receipt", "已签收"),
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
        NewRecord::new(
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
        ),
        "2025-09-30",
    );
    case.apply(&decide_complete_stage(&case, Stage::Decision, &none, d("2025-09-30")).unwrap());
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
    let err = decide_complete_stage(&case, Stage::Service, &AvList::new(), d("2025-10-09")).unwrap_err();
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
    let err = decide_add_record(&case, lodged.clone(), None, d("2025-10-16")).unwrap_err();
    assert!(err.message_for("serves").is_some());
    lodged.serves = Some(doc);
    let id = add(&mut case, lodged, "2025-10-17");
    let err = decide_complete_stage(&case, Stage::Service, &AvList::new(), d("2025-10-17")).unwrap_err();
    assert!(err.to_string().contains("留置送达记录须有音像记录（录像）"));
    let (mut f, m) = video(Some(id), "2025-10-17 10:00");
    f.media_type = "image/jpeg".into();
    case.apply(&decide_attach_av(&case, &p, &cal, f, m.clone(), t("2025-10-17 12:00")).unwrap());
    assert!(
        decide_complete_stage(&case, Stage::Service, &AvList::new(), d("2025-10-17")).is_err(),
        "a photo is not video"
    );
    let (f, _) = video(Some(id), "2025-10-17 10:00");
    case.apply(&decide_attach_av(&case, &p, &cal, f, m, t("2025-10-17 12:00")).unwrap());
    case.apply(&decide_complete_stage(&case, Stage::Service, &AvList::new(), d("2025-10-17")).unwrap());
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
    s.signature = Some(Signature::Signed { signer: "刘某".into() });
    add(&mut case, s, "2025-10-09");
    case.apply(&decide_complete_stage(&case, Stage::Service, &AvList::new(), d("2025-10-09")).unwrap());
    let mut exec = NewRecord::new(
        RecordKind::CompulsoryExecution,
        &[("means", "加处罚款"), ("executed_at", "2025-11-01 09:00"), ("place", "超市"), ("result", "已缴纳")],
    );
    exec.officers = w.two();
    exec.credentials_shown = true;
    exec.signature = Some(Signature::Signed { signer: "刘某".into() });
    let err = decide_add_record(&case, exec, None, d("2025-11-01")).unwrap_err();
    assert!(err.to_string().contains("须先送达催告书"));
    let err = decide_complete_stage(&case, Stage::Execution, &AvList::new(), d("2025-11-01")).unwrap_err();
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
    let e = decide_correct(&case, paid, "缴款日期笔误", fix).unwrap();
    case.apply(&e);
    let rec = case.record(paid).unwrap();
    assert_eq!(rec.field("performed_on"), "2025-10-21");
    assert_eq!(rec.record.fields["performed_on"], "2025-10-20");
    let mut bad = BTreeMap::new();
    bad.insert("performed_on".to_string(), "十月".to_string());
    assert!(decide_correct(&case, paid, "改", bad).is_err());
    assert!(decide_correct(&case, paid, "", BTreeMap::new()).is_err());

    case.apply(&decide_complete_stage(&case, Stage::Execution, &AvList::new(), d("2025-10-21")).unwrap());
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
    case.apply(&decide_complete_stage(&case, Stage::Closure, &AvList::new(), d("2025-10-22")).unwrap());
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
    inquiry.signature = Some(Signature::Signed { signer: "刘某".into() });
    let err = decide_add_record(&case, inquiry, None, d("2025-03-03")).unwrap_err();
    assert!(err.message_for("fields.rights_notified").is_some());
    filing(&mut case, &w, "2025-03-03 12:00");
    case.apply(&decide_complete_stage(&case, Stage::Initiation, &AvList::new(), d("2025-03-03")).unwrap());
    add(&mut case, site_inspection(&w), "2025-03-03");
    assert!(stage_gaps(&case, Stage::Investigation).contains("缺少行政强制措施现场笔录"));
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
    measure.signature = Some(Signature::Signed { signer: "刘某".into() });
    add(&mut case, measure, "2025-03-03");
    assert!(!stage_gaps(&case, Stage::Investigation).contains("缺少行政强制措施现场笔录"));

    // A hearing that was noticed must be held and recorded.
    let (mut p, _) = decided_until_notice(&w);
    add(
        &mut p,
        NewRecord::new(
            RecordKind::HearingNotice,
            &[
                ("applied_on", "2025-09-10"),
                ("host", "法制股王某"),
                ("hearing_at", "2025-09-25 09:00"),
                ("place", "听证室"),
                ("noticed_on", "2025-09-12"),
            ],
        ),
        "2025-09-12",
    );
    assert!(stage_gaps(&p, Stage::Decision).contains("已通知听证，缺少听证笔录"));
}

/// An ordinary penalty case up to its served prior notice.
fn decided_until_notice(w: &World) -> (Case, Uuid) {
    let mut case =
        w.open(ActKind::Penalty, Procedure::Ordinary, Initiation::ExOfficio { urgent: false }, "2025-09-01 09:00");
    filing(&mut case, w, "2025-09-01 10:00");
    case.apply(&decide_complete_stage(&case, Stage::Initiation, &AvList::new(), d("2025-09-01")).unwrap());
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
    case.apply(&decide_complete_stage(&case, Stage::Investigation, &AvList::new(), d("2025-09-05")).unwrap());
    let notice = add(
        &mut case,
        NewRecord::new(
            RecordKind::PriorNotice,
            &[
                ("document_number", "告〔2025〕1号"),
                ("facts", "x"),
                ("reasons", "y"),
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
    case.apply(&decide_correct(&case, id, "补充立案理由", f).unwrap());
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
