//! The party heard before a penalty: the prior notice's rights, statements answered point
//! by point (G-02), no heavier penalty for defending oneself (N-04), and the hearing
//! (N-05).

use super::*;
use crate::case::defence::{PointAnswer, PointKind, StatementPoint, current_rise};
use crate::case::review::requirement;
use crate::validation::Rejection;

/// An ordinary penalty case in its decision stage, with `fine` (yuan) and `types` proposed
/// in an approved draft.
fn with_draft(w: &World, types: &str, fine: &str) -> Case {
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
    add(&mut case, draft(types, fine, ""), "2025-09-08");
    case
}

fn draft<'a>(types: &str, fine: &str, heavier_reason: &str) -> NewRecord<'a> {
    NewRecord::new(
        RecordKind::DecisionDraft,
        &[
            ("drafter", "张明"),
            ("facts", "销售过期食品"),
            ("evidence", "笔录"),
            ("basis", "《食品安全法》第一百二十四条"),
            ("considerations", "初次违法"),
            ("proposal", "见拟处罚种类及金额"),
            ("penalty_types", types),
            ("fine", fine),
            ("heavier_reason", heavier_reason),
        ],
    )
}

fn notice<'a>(rights: &str) -> NewRecord<'a> {
    let mut n = NewRecord::new(
        RecordKind::PriorNotice,
        &[
            ("document_number", "安市监罚告〔2025〕1号"),
            ("facts", "销售过期食品"),
            ("reasons", "销售超过保质期的食品，违反《食品安全法》第三十四条"),
            ("basis", "《食品安全法》第一百二十四条"),
            ("intended_decision", "警告，罚款"),
            ("rights", rights),
            ("issued_on", "2025-09-09"),
        ],
    );
    n.review = Some(review());
    n
}

/// The notice served by mail, received on 2025-09-10 (a Wednesday).
fn serve(case: &mut Case, notice: Uuid) {
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
    add(case, service, "2025-09-10");
}

fn point(kind: PointKind, text: &str, answer: Option<PointAnswer>, reason: &str) -> StatementPoint {
    StatementPoint::new(kind, text, answer, reason)
}

fn statement<'a>(points: Vec<StatementPoint>) -> NewRecord<'a> {
    let mut s = NewRecord::new(RecordKind::StatementDefence, &[("heard_on", "2025-09-12")]);
    s.signature = Some(Signature::Signed { signer: "刘某".into() });
    s.points = points;
    s
}

fn answered() -> Vec<StatementPoint> {
    vec![
        point(
            PointKind::Statement,
            "过期牛奶系供货商误发",
            Some(PointAnswer::NotAdopted),
            "进货单显示系当事人自行订购",
        ),
        point(PointKind::Evidence, "退货单一份", Some(PointAnswer::Adopted), ""),
    ]
}

/// A case heard: a draft of 警告、罚款 5,000元, the notice served, the statement answered.
fn heard(w: &World) -> Case {
    let mut case = with_draft(w, "警告、罚款", "5000");
    let n = add(&mut case, notice("陈述、申辩"), "2025-09-09");
    serve(&mut case, n);
    add(&mut case, statement(answered()), "2025-09-12");
    case
}

// rule: G-02
#[test]
fn each_point_of_the_party_is_answered_and_a_rejection_gives_its_reason() {
    let w = World::new();
    let mut case = with_draft(&w, "警告、罚款", "5000");
    let n = add(&mut case, notice("陈述、申辩"), "2025-09-09");
    serve(&mut case, n);
    // No point at all: a party that says nothing waives in writing instead.
    let err = decide_add_record(&case, statement(vec![]), None, d("2025-09-12")).unwrap_err();
    assert!(err.message_for("points").unwrap().contains("逐项记录"), "{err}");
    // An unanswered point and a rejection without reasons are named, each on its row.
    let err = decide_add_record(
        &case,
        statement(vec![
            point(PointKind::Defence, "初次违法且已退货", None, ""),
            point(PointKind::Statement, "不知道过期", Some(PointAnswer::NotAdopted), "  "),
            point(PointKind::Evidence, "退货单", Some(PointAnswer::NotAdopted), "无"),
        ]),
        None,
        d("2025-09-12"),
    )
    .unwrap_err();
    assert!(err.message_for("points.0.answer").unwrap().contains("第1项（申辩：初次违法且已退货）尚未答复"), "{err}");
    assert!(err.message_for("points.1.reason").unwrap().contains("第2项（陈述：不知道过期）不予采纳，须说明"));
    assert!(err.message_for("points.2.reason").unwrap().contains("第3项（提交的证据：退货单）"));
    assert!(!case.has(RecordKind::StatementDefence));
    // Answered, each point is kept as data on the record.
    let id = add(&mut case, statement(answered()), "2025-09-12");
    let rec = case.record(id).unwrap();
    assert_eq!(rec.record.points.len(), 2);
    assert_eq!(rec.record.points[0].answer, Some(PointAnswer::NotAdopted));
    assert_eq!(rec.record.points[0].reason, "进货单显示系当事人自行订购");
    // Other records carry no points.
    let mut waiver = NewRecord::new(RecordKind::StatementWaiver, &[("waived_on", "2025-09-12"), ("form", "书面")]);
    waiver.signature = Some(Signature::Signed { signer: "刘某".into() });
    waiver.points = answered();
    assert!(decide_add_record(&case, waiver, None, d("2025-09-12")).unwrap_err().message_for("points").is_some());
}

// rule: G-02
#[test]
fn an_old_statement_record_without_points_still_reads() {
    let json = r#"{"id":"00000000-0000-0000-0000-000000000001","kind":"statement_defence","stage":"decision",
        "fields":{"statements":"不服","review":"不予采纳","heard_on":"2025-09-12"}}"#;
    let rec: Record = serde_json::from_str(json).unwrap();
    assert!(rec.points.is_empty() && rec.host.is_none());
    // New fields are left out of a record that has none, so old payloads keep their form.
    let back = serde_json::to_value(&rec).unwrap();
    assert!(back.get("points").is_none() && back.get("host").is_none());
}

// rule: G-02
// rule: N-04
#[test]
fn the_prior_notice_states_reasons_and_rights_and_the_hearing_right_when_the_penalty_is_hearing_eligible() {
    let w = World::new();
    // 罚款15万元 to an organisation reaches 安乡's large-fine amount (10万元): Art 63.
    let case = with_draft(&w, "罚款", "150000");
    let err = decide_add_record(&case, notice("陈述、申辩"), None, d("2025-09-09")).unwrap_err();
    let m = err.message_for("fields.rights").unwrap();
    assert!(m.contains("要求听证") && m.contains("拟罚款150000元"), "{m}");
    let err = decide_add_record(&case, notice("听证"), None, d("2025-09-09")).unwrap_err();
    assert!(err.message_for("fields.rights").unwrap().contains("未写明陈述、申辩"), "{err}");
    let mut placeholder = notice("陈述、申辩、听证");
    placeholder.fields.insert("reasons".into(), "无".into());
    let err = decide_add_record(&case, placeholder, None, d("2025-09-09")).unwrap_err();
    assert!(err.message_for("fields.reasons").unwrap().contains("理由"));
    decide_add_record(&case, notice("陈述、申辩、听证"), None, d("2025-09-09")).unwrap();
    // Revoking a licence is hearing-eligible whatever the fine; a warning is not.
    let revoke = with_draft(&w, "吊销许可证件", "");
    assert!(decide_add_record(&revoke, notice("陈述、申辩"), None, d("2025-09-09")).is_err());
    let warning = with_draft(&w, "警告", "");
    decide_add_record(&warning, notice("陈述、申辩"), None, d("2025-09-09")).unwrap();
}

// rule: N-04
#[test]
fn a_proposal_heavier_after_the_statement_needs_a_reason_and_goes_to_legal_review() {
    let w = World::new();
    let mut case = heard(&w);
    assert!(current_rise(&case).is_none());
    assert!(!requirement(&case, review()).required());
    // A higher fine without a reason is refused, naming what rose.
    let err = decide_add_record(&case, draft("警告、罚款", "8000", ""), None, d("2025-09-15")).unwrap_err();
    let m = err.message_for("fields.heavier_reason").unwrap();
    assert!(m.contains("罚款由5000元提高至8000元") && m.contains("第四十五条"), "{m}");
    // A placeholder is no reason; another, heavier kind of penalty also needs one.
    assert!(decide_add_record(&case, draft("警告、罚款", "8000", "无"), None, d("2025-09-15")).is_err());
    let err =
        decide_add_record(&case, draft("警告、罚款、吊销许可证件", "5000", ""), None, d("2025-09-15")).unwrap_err();
    assert!(err.message_for("fields.heavier_reason").unwrap().contains("增加“吊销许可证件”"));
    // The same or a lighter proposal needs none.
    decide_add_record(&case, draft("警告、罚款", "5000", ""), None, d("2025-09-15")).unwrap();
    decide_add_record(&case, draft("警告", "", ""), None, d("2025-09-15")).unwrap();
    // With a reason it is accepted, shown on the case and required to pass legal review.
    add(&mut case, draft("警告、罚款", "8000", "复核中查明违法所得系此前认定的两倍"), "2025-09-15");
    let rise = current_rise(&case).unwrap();
    assert_eq!(rise.what, vec!["罚款由5000元提高至8000元".to_string()]);
    assert!(rise.describe().contains("复核中查明违法所得"));
    let req = requirement(&case, review());
    assert!(req.required() && !req.is_major());
    assert!(req.describe().contains("N-04"), "{}", req.describe());
    // The reason is not corrected away: a new proposal is made instead.
    let last = case.records_of(RecordKind::DecisionDraft).last().unwrap().record.id;
    let fields = BTreeMap::from([("heavier_reason".to_string(), "笔误".to_string())]);
    let err = decide_correct(&case, last, "更正", fields, &[], d("2025-09-16")).unwrap_err();
    assert!(err.message_for("fields.heavier_reason").unwrap().contains("不能更正"));
    // Back to the notified penalty: no rise any more.
    add(&mut case, draft("警告、罚款", "5000", ""), "2025-09-16");
    assert!(current_rise(&case).is_none());
}

// rule: N-05
#[test]
fn a_hearing_is_requested_within_five_working_days_of_the_notices_service() {
    let w = World::new();
    let mut case = with_draft(&w, "罚款", "150000");
    let request = |on: &str| {
        NewRecord::new(RecordKind::HearingRequest, &[("requested_on", on), ("applicant", "刘某"), ("form", "书面")])
    };
    let cal = calendar();
    // Before any notice, and before its service.
    let mut r = request("2025-09-09");
    r.calendar = Some(&cal);
    assert!(decide_add_record(&case, r, None, d("2025-09-09")).unwrap_err().to_string().contains("尚未作出事先告知书"));
    let n = add(&mut case, notice("陈述、申辩、听证"), "2025-09-09");
    let mut r = request("2025-09-09");
    r.calendar = Some(&cal);
    assert!(decide_add_record(&case, r, None, d("2025-09-09")).unwrap_err().to_string().contains("尚未送达"));
    serve(&mut case, n);
    // Served Wed 2025-09-10: the fifth working day after is Wed 2025-09-17.
    let mut late = request("2025-09-18");
    late.calendar = Some(&cal);
    let err = decide_add_record(&case, late, None, d("2025-09-18")).unwrap_err();
    let m = err.message_for("fields.requested_on").unwrap();
    assert!(m.contains("2025-09-17前") && m.contains("第六十四条第一项"), "{m}");
    // Without the calendar the period cannot be checked: refused, not let through.
    assert!(decide_add_record(&case, request("2025-09-17"), None, d("2025-09-17")).is_err());
    let mut ok = request("2025-09-17");
    ok.calendar = Some(&cal);
    add(&mut case, ok, "2025-09-17");
    let gaps = missing(&case, Stage::Decision, &AvList::new()).join("；");
    assert!(gaps.contains("当事人已要求听证（2025-09-17），缺少听证通知书"), "{gaps}");
}

/// A case with a hearing requested on 2025-09-12.
fn requested(w: &World) -> (Case, Uuid) {
    let mut case = with_draft(w, "罚款", "150000");
    let n = add(&mut case, notice("陈述、申辩、听证"), "2025-09-09");
    serve(&mut case, n);
    let cal = calendar();
    let mut r = NewRecord::new(
        RecordKind::HearingRequest,
        &[("requested_on", "2025-09-12"), ("applicant", "刘某"), ("form", "书面")],
    );
    r.calendar = Some(&cal);
    let id = add(&mut case, r, "2025-09-12");
    (case, id)
}

fn hearing_notice<'a>(cal: &'a WorkCalendar, at: &str, host: &'a Officer) -> NewRecord<'a> {
    let mut n = NewRecord::new(
        RecordKind::HearingNotice,
        &[("noticed_on", "2025-09-18"), ("hearing_at", at), ("place", "本局听证室")],
    );
    n.calendar = Some(cal);
    n.host = Some(host);
    n
}

// rule: N-05
#[test]
fn a_hearing_is_noticed_seven_working_days_ahead_by_a_host_who_did_not_investigate_at_no_cost() {
    let w = World::new();
    let cal = calendar();
    let (mut case, _) = requested(&w);
    let outsider = &w.officers[2];
    // Noticed Thu 2025-09-18: the seventh working day after is Sun 2025-09-28, a make-up
    // working day before the National Day holiday.
    let err = decide_add_record(&case, hearing_notice(&cal, "2025-09-26 09:00", outsider), None, d("2025-09-18"))
        .unwrap_err();
    let m = err.message_for("fields.hearing_at").unwrap();
    assert!(m.contains("最早可定于2025-09-28") && m.contains("第六十四条第二项"), "{m}");
    // The handling officer, who investigated, cannot host: the acts are named.
    let err = decide_add_record(&case, hearing_notice(&cal, "2025-09-29 09:00", &w.officers[0]), None, d("2025-09-18"))
        .unwrap_err();
    let m = err.message_for("host").unwrap();
    assert!(m.contains("张明是本案的承办人员") && m.contains("第六十四条第四项"), "{m}");
    // No host at all, and a fee, are refused.
    let mut none = hearing_notice(&cal, "2025-09-29 09:00", outsider);
    none.host = None;
    none.fields.insert("fee".into(), "听证费200元".into());
    let err = decide_add_record(&case, none, None, d("2025-09-18")).unwrap_err();
    assert!(err.message_for("host").is_some());
    assert!(err.message_for("fields.fee").unwrap().contains("不承担"), "{err}");
    // An officer of the agency who did not act in the case hosts; the record keeps them.
    let id = add(&mut case, hearing_notice(&cal, "2025-09-29 09:00", outsider), "2025-09-18");
    let rec = case.record(id).unwrap();
    assert_eq!(rec.record.host.as_ref().map(|h| h.officer_id), Some(outsider.id));
    assert_eq!(rec.field("host"), "王强");
    let gaps = missing(&case, Stage::Decision, &AvList::new()).join("；");
    assert!(gaps.contains("缺少听证笔录"), "{gaps}");
    // An officer who acted in the investigation without being assigned cannot host either.
    let mut acted = case.clone();
    let mut evidence = NewRecord::new(
        RecordKind::DocumentaryEvidence,
        &[("description", "销售记录"), ("source", "收银系统"), ("collected_on", "2025-09-03")],
    );
    evidence.officers = vec![outsider];
    add(&mut acted, evidence, "2025-09-18");
    let mut r = Rejection::new();
    crate::case::hearing::check_host(&mut r, &acted, Some(outsider), None);
    assert!(r.message_for("host").unwrap().contains("参与了本案的调查：书证（2025-09-03）"), "{r}");
}

fn hearing_record<'a>(w: &'a World, host: &'a Officer) -> NewRecord<'a> {
    let mut h = NewRecord::new(
        RecordKind::HearingRecord,
        &[
            ("held_at", "2025-09-29 09:00"),
            ("participants", "刘某、张明、李华"),
            ("place", "本局听证室"),
            ("record", "调查人员提出违法事实、证据和处罚建议，当事人申辩和质证"),
        ],
    );
    h.officers = w.two();
    h.credentials_shown = true;
    h.officers_signed = signers(w);
    h.signature = Some(Signature::Signed { signer: "刘某".into() });
    h.host = Some(host);
    h
}

// rule: N-05
#[test]
fn the_hearing_record_is_hosted_by_the_noticed_host_and_a_withdrawn_request_needs_no_hearing() {
    let w = World::new();
    let cal = calendar();
    let (mut case, request) = requested(&w);
    // No record of a hearing that was never noticed.
    let err = decide_add_record(&case, hearing_record(&w, &w.officers[2]), None, d("2025-09-29")).unwrap_err();
    assert!(err.to_string().contains("请先制作听证通知书"), "{err}");
    let mut withdrawn = case.clone();
    add(&mut case, hearing_notice(&cal, "2025-09-29 09:00", &w.officers[2]), "2025-09-18");
    let err = decide_add_record(&case, hearing_record(&w, &w.officers[3]), None, d("2025-09-29")).unwrap_err();
    assert!(err.message_for("host").unwrap().contains("听证通知书指定的主持人是王强"), "{err}");
    add(&mut case, hearing_record(&w, &w.officers[2]), "2025-09-29");
    let gaps = missing(&case, Stage::Decision, &AvList::new()).join("；");
    assert!(!gaps.contains("要求听证") && !gaps.contains("缺少听证"), "{gaps}");

    // Withdrawn in writing: no hearing is due, and none can be noticed.
    let mut w_rec = NewRecord::new(RecordKind::HearingWithdrawal, &[("withdrawn_on", "2025-09-15"), ("form", "书面")]);
    w_rec.signature = Some(Signature::Signed { signer: "刘某".into() });
    w_rec.serves = Some(request);
    add(&mut withdrawn, w_rec, "2025-09-15");
    let gaps = missing(&withdrawn, Stage::Decision, &AvList::new()).join("；");
    assert!(!gaps.contains("要求听证") && !gaps.contains("缺少听证"), "{gaps}");
    let err =
        decide_add_record(&withdrawn, hearing_notice(&cal, "2025-09-29 09:00", &w.officers[2]), None, d("2025-09-18"))
            .unwrap_err();
    assert!(err.to_string().contains("已书面撤回"), "{err}");
}
