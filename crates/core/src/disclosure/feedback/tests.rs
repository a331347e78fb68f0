//! Correction requests (D-10) and complaints (D-12) from filing to the public status page.

use chrono::{NaiveDateTime, TimeZone};

use super::*;
use crate::calendar::bundled_years;
use crate::profile::bundled_profiles;

fn calendar() -> WorkCalendar {
    WorkCalendar::new(bundled_years())
}

/// 安乡: `correction_answer_wd = 3`.
fn profile() -> PolicyProfile {
    bundled_profiles().into_iter().find(|p| p.id == "anxiang").unwrap()
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn t(s: &str) -> DateTime<Utc> {
    Utc.from_utc_datetime(&NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap())
}

const RANDOM: [u8; 5] = [0x3a, 0x67, 0x4d, 0x9b, 0x21];

fn market_bureau() -> Uuid {
    Uuid::from_u128(0xa9e1)
}

fn judicial_bureau() -> Uuid {
    Uuid::from_u128(0x5f01)
}

fn publication() -> Uuid {
    Uuid::from_u128(0xdec1)
}

/// 安乡县某某超市有限公司 says the published fine is wrong.
fn fine_is_wrong() -> FeedbackInput {
    FeedbackInput {
        matter: Matter::Correction { publication: publication() },
        agency: market_bureau(),
        filer: FilerInput {
            name: "安乡县某某超市有限公司".into(),
            phone: "0736-4321234".into(),
            email: "caiwu@moumou-chaoshi.cn".into(),
        },
        content: "贵局公示的安市监罚决〔2026〕9号行政处罚决定书中罚款金额为一万五千元，实际决定书载明的罚款金额为五千元，请予更正。"
            .into(),
        evidence: "行政处罚决定书原件第2页“罚款人民币伍仟元整”；2026年11月20日的缴款凭证，金额5000.00元。".into(),
    }
}

/// A citizen complains, anonymously, that the officers did not show their certificates.
fn no_certificate_shown() -> FeedbackInput {
    FeedbackInput {
        matter: Matter::Complaint { topic: ComplaintTopic::Enforcement, about: Some(market_bureau()) },
        agency: market_bureau(),
        filer: FilerInput::default(),
        content: "2026年11月26日上午，两名自称市场监管局的工作人员到深柳镇农贸市场检查，未出示执法证件，也未告知身份，要求摊主签字。"
            .into(),
        evidence: String::new(),
    }
}

/// Filed on Friday 27 November 2026 at 09:30 Beijing time.
fn file(input: &FeedbackInput) -> Result<FeedbackEvent, Rejection> {
    decide_file(input, t("2026-11-27 01:30"), d("2026-11-27"), &calendar(), &profile(), RANDOM)
}

fn filed(input: &FeedbackInput) -> Feedback {
    Feedback::fold([&file(input).unwrap()]).unwrap()
}

fn answer(fb: &Feedback, text: &str, outcome: Outcome, on: &str) -> Result<FeedbackEvent, Rejection> {
    let at = t(&format!("{on} 08:00"));
    decide_answer(fb, &AnswerInput { answer: text.into(), outcome }, Uuid::from_u128(0x0ff1), at, d(on))
}

fn answered(fb: &Feedback, text: &str, outcome: Outcome, on: &str) -> Feedback {
    let mut fb = fb.clone();
    fb.apply(&answer(&fb, text, outcome, on).unwrap());
    fb
}

fn corrected() -> Outcome {
    Outcome::Corrected { what: "罚款金额由“一万五千元”更正为“五千元”".into() }
}

// rule: D-10
#[test]
fn a_company_asks_to_correct_the_published_fine_and_is_due_an_answer_in_three_working_days() {
    let e = file(&fine_is_wrong()).unwrap();
    let FeedbackEvent::Filed { tracking, matter, agency, filer, due, profile: used, content, .. } = &e else {
        panic!("{e:?}")
    };
    assert_eq!(
        tracking.to_string(),
        TrackingNumber::new(FeedbackKind::Correction, d("2026-11-27"), RANDOM).to_string()
    );
    assert!(tracking.to_string().starts_with("GZ-20261127-"));
    assert_eq!(*matter, Matter::Correction { publication: publication() });
    assert_eq!(*agency, market_bureau());
    assert_eq!(filer.phone.as_ref().map(|p| p.as_str()), Some("0736-4321234"));
    assert!(content.starts_with("贵局公示的"));
    // Friday, then Monday, Tuesday, Wednesday.
    assert_eq!(*due, d("2026-12-02"));
    assert_eq!(used.to_string(), "anxiang@v1");
}

// rule: D-10
#[test]
fn the_answer_period_skips_the_national_day_holiday_and_counts_the_make_up_saturday() {
    let e =
        decide_file(&fine_is_wrong(), t("2026-09-30 02:00"), d("2026-09-30"), &calendar(), &profile(), RANDOM).unwrap();
    let FeedbackEvent::Filed { due, .. } = e else { panic!() };
    // 1–7 October are holidays; Thursday 8, Friday 9 and the make-up Saturday 10 work.
    assert_eq!(due, d("2026-10-10"));
    let mut longer = profile();
    longer.params.correction_answer_wd = WorkingDays(5);
    assert_eq!(answer_due(d("2026-09-30"), FeedbackKind::Correction, &longer, &calendar()), Ok(d("2026-10-13")));
}

// rule: D-10
#[test]
fn a_correction_needs_evidence_a_name_and_a_way_to_answer() {
    let mut input = fine_is_wrong();
    input.evidence = "无".into();
    input.filer = FilerInput { name: "  ".into(), phone: String::new(), email: " ".into() };
    let r = file(&input).unwrap_err();
    assert!(r.message_for("evidence").unwrap().contains("有证据证明公开的信息不准确的，方可要求更正"));
    assert!(r.message_for("filer.name").unwrap().contains("请填写申请人姓名或单位名称"));
    assert!(r.message_for("filer.phone").unwrap().contains("联系电话或电子邮箱（至少一项）"));
    assert_eq!(r.errors.len(), 3, "{r}");
    // Either contact will do.
    input.evidence = fine_is_wrong().evidence;
    input.filer = FilerInput { name: "李明".into(), phone: String::new(), email: "liming@163.com".into() };
    assert!(file(&input).is_ok());
    // The publication must be named.
    input.matter = Matter::Correction { publication: Uuid::nil() };
    assert!(file(&input).unwrap_err().message_for("publication").unwrap().contains("要求更正的公开信息"));
}

// rule: D-12
#[test]
fn an_anonymous_citizen_complains_that_the_officers_showed_no_certificate() {
    let fb = filed(&no_certificate_shown());
    assert_eq!(fb.kind(), FeedbackKind::Complaint);
    assert!(fb.filer.is_anonymous());
    assert!(fb.tracking.to_string().starts_with("TS-20261127-"));
    assert_eq!(fb.matter, Matter::Complaint { topic: ComplaintTopic::Enforcement, about: Some(market_bureau()) });
    assert!(!ComplaintTopic::Enforcement.is_about_disclosure());
    // No period in the seeds for complaints: the correction period is used.
    assert_eq!(answer_period(FeedbackKind::Complaint, &profile()), profile().params.correction_answer_wd);
    assert_eq!(fb.due, d("2026-12-02"));
    assert_eq!(fb.status(d("2026-11-30")), FeedbackStatus::Received);
}

// rule: D-12
#[test]
fn a_complaint_about_late_disclosure_may_name_no_agency_and_goes_to_the_supervisor() {
    let input = FeedbackInput {
        matter: Matter::Complaint { topic: ComplaintTopic::DisclosureLate, about: None },
        agency: judicial_bureau(),
        filer: FilerInput { name: "周女士".into(), phone: "139 0736 1234".into(), email: String::new() },
        content: "10月份的行政处罚决定至今未在公示平台公示，已超过7个工作日。".into(),
        evidence: String::new(),
    };
    let fb = filed(&input);
    assert_eq!(fb.agency, judicial_bureau());
    assert_eq!(fb.filer.phone.as_ref().unwrap().as_str(), "13907361234");
    assert!(ComplaintTopic::DisclosureLate.is_about_disclosure());
    assert_eq!(ComplaintTopic::ALL.map(|t| t.label())[..2], ["公示不及时", "公示内容不准确"]);
}

#[test]
fn lengths_are_counted_in_characters_not_bytes() {
    let mut input = no_certificate_shown();
    input.content = "执法人员未出示证件态度".into(); // ten characters, thirty bytes
    assert!(file(&input).is_ok());
    input.content = "执法人员未出示证件".into();
    assert_eq!(
        file(&input).unwrap_err().message_for("content"),
        Some("内容太短（9个字）：请写明投诉举报的事项：何时、何地、哪个单位或人员、什么行为，至少10个字")
    );
    input.content = "罚".repeat(2000);
    assert!(file(&input).is_ok());
    input.content = "罚".repeat(2001);
    assert!(file(&input).unwrap_err().message_for("content").unwrap().contains("内容过长（2001个字）"));
    input.content = "  ".into();
    assert!(file(&input).unwrap_err().message_for("content").unwrap().starts_with("请写明投诉举报的事项"));
    let mut c = fine_is_wrong();
    c.evidence = "证".repeat(2001);
    assert!(file(&c).unwrap_err().message_for("evidence").unwrap().contains("证据说明过长（2001个字）"));
}

#[test]
fn contacts_given_are_checked_even_on_an_anonymous_complaint() {
    let mut input = no_certificate_shown();
    input.filer = FilerInput { name: "王".repeat(51), phone: "0736-12345".into(), email: "wang@".into() };
    let r = file(&input).unwrap_err();
    assert!(r.message_for("filer.name").unwrap().contains("不超过50个字"));
    assert!(r.message_for("filer.phone").unwrap().contains("区号加7至8位"));
    assert!(r.message_for("filer.email").unwrap().contains("格式不对"));
}

#[test]
fn content_full_of_links_is_refused() {
    let mut input = no_certificate_shown();
    input.content = "低价代办营业执照 www.a.cn www.b.cn http://c.cn https://d.cn 欢迎咨询".into();
    assert!(file(&input).unwrap_err().message_for("content").unwrap().contains("网址过多（4个）"));
}

#[test]
fn a_calendar_without_the_year_is_said_plainly() {
    let r = decide_file(&fine_is_wrong(), t("2031-01-06 02:00"), d("2031-01-06"), &calendar(), &profile(), RANDOM)
        .unwrap_err();
    assert!(r.message_for("calendar").unwrap().contains("2031年"));
}

// rule: D-10
#[test]
fn an_unanswered_request_becomes_overdue_and_is_flagged() {
    let fb = filed(&fine_is_wrong());
    assert_eq!(fb.status(d("2026-12-02")), FeedbackStatus::Received);
    assert_eq!(fb.lateness(d("2026-12-02")), None);
    assert_eq!(fb.status(d("2026-12-03")), FeedbackStatus::Overdue);
    assert_eq!(FeedbackStatus::Overdue.label(), "逾期未答复");
    assert_eq!(
        fb.lateness(d("2026-12-03")),
        Some(format!("更正申请{}应于2026-12-02前答复，至2026-12-03仍未答复，已逾期（D-10）", fb.tracking))
    );
    // Answered late: answered, and still flagged.
    let late = answered(&fb, "经核查，公示的罚款金额录入有误，已予更正。", corrected(), "2026-12-04");
    assert_eq!(late.status(d("2026-12-10")), FeedbackStatus::Answered);
    assert!(late.lateness(d("2026-12-10")).unwrap().contains("2026-12-04才答复，已逾期（D-10）"));
    let on_time = answered(&fb, "经核查，公示的罚款金额录入有误，已予更正。", corrected(), "2026-12-01");
    assert_eq!(on_time.lateness(d("2026-12-10")), None);
}

// rule: D-10
#[test]
fn a_correction_is_answered_once_with_what_was_corrected() {
    let fb = filed(&fine_is_wrong());
    let e = answer(&fb, "经核查，公示的罚款金额录入有误，已予更正。", corrected(), "2026-11-30").unwrap();
    let done = Feedback::fold([&file(&fine_is_wrong()).unwrap(), &e]).unwrap();
    let a = done.answer.as_ref().unwrap();
    assert_eq!((a.on, a.outcome.label()), (d("2026-11-30"), "已更正".to_string()));
    assert_eq!(done.status(d("2026-11-30")), FeedbackStatus::Answered);
    // Not twice.
    let again = answer(&done, "再次答复：维持原答复意见。", corrected(), "2026-12-01").unwrap_err();
    assert_eq!(again.message_for("answer"), Some("该更正申请已于2026-11-30答复（已更正），不能重复答复"));
    // A second answer in the stream does not replace the first.
    let mut twice = done.clone();
    twice.apply(&FeedbackEvent::Answered {
        answer: "另一答复".into(),
        outcome: Outcome::NotCorrected { reasons: "不属实".into() },
        by: Uuid::nil(),
        at: t("2026-12-01 08:00"),
        on: d("2026-12-01"),
    });
    assert_eq!(twice, done);
}

// rule: D-10
#[test]
fn a_correction_answer_must_say_what_was_corrected_or_why_not() {
    let fb = filed(&fine_is_wrong());
    let r = answer(&fb, "已处理。", Outcome::Corrected { what: "  ".into() }, "2026-11-30").unwrap_err();
    assert!(r.message_for("outcome.what").unwrap().contains("请写明更正了什么"));
    let r =
        answer(&fb, "经核查，不予更正。", Outcome::NotCorrected { reasons: "无".into() }, "2026-11-30").unwrap_err();
    assert_eq!(r.message_for("outcome.reasons"), Some("不予更正的，请说明理由（D-10）"));
    let reasons = "决定书载明的罚款金额为一万五千元，所附缴款凭证为分期缴纳的第一期".to_string();
    assert!(answer(&fb, "经核查，公示信息与决定书一致。", Outcome::NotCorrected { reasons }, "2026-11-30").is_ok());
    // A complaint's outcome does not answer a correction.
    let r = answer(&fb, "经核查，情况属实，已处理。", Outcome::Substantiated, "2026-11-30").unwrap_err();
    assert_eq!(r.message_for("outcome"), Some("更正申请的处理结果只能是已更正或不予更正"));
}

// rule: D-12
#[test]
fn a_complaint_is_answered_as_found_true_untrue_or_transferred() {
    let fb = filed(&no_certificate_shown());
    for (text, outcome, label) in [
        ("经调查，两名执法人员确未出示执法证件，已责令书面检查并通报批评。", Outcome::Substantiated, "属实，已处理"),
        ("经调取执法记录仪视频，执法人员已出示执法证件并告知身份。", Outcome::Unfounded, "经核查不属实"),
        (
            "经核实，当日检查系县农业农村局组织，已转交该局办理。",
            Outcome::Transferred { to: Uuid::from_u128(0xa9e2), to_name: " 安乡县农业农村局 ".into() },
            "已转交安乡县农业农村局办理",
        ),
    ] {
        let done = answered(&fb, text, outcome, "2026-12-01");
        assert_eq!(done.answer.unwrap().outcome.label(), label);
    }
    let r = answer(&fb, "经核查，已予更正。", corrected(), "2026-12-01").unwrap_err();
    assert_eq!(r.message_for("outcome"), Some("投诉举报的处理结果只能是属实已处理、不属实或转办"));
    let to_self = Outcome::Transferred { to: market_bureau(), to_name: "安乡县市场监督管理局".into() };
    let r = answer(&fb, "转交本局稽查大队办理。", to_self, "2026-12-01").unwrap_err();
    assert!(r.message_for("outcome.to").unwrap().contains("不能转交本机关"));
    let nowhere = Outcome::Transferred { to: Uuid::nil(), to_name: String::new() };
    assert!(
        answer(&fb, "已转交有关部门办理。", nowhere, "2026-12-01").unwrap_err().message_for("outcome.to").is_some()
    );
}

// rule: D-12
#[test]
fn an_answer_is_no_placeholder_and_not_dated_before_the_filing() {
    let fb = filed(&no_certificate_shown());
    let r = answer(&fb, "   ", Outcome::Unfounded, "2026-11-30").unwrap_err();
    assert_eq!(r.message_for("answer"), Some("请填写答复内容：投诉举报须有答复（D-12）"));
    let r = answer(&fb, "已阅。", Outcome::Unfounded, "2026-11-30").unwrap_err();
    assert!(r.message_for("answer").unwrap().contains("过于简单"));
    let r = answer(&fb, &"查".repeat(2001), Outcome::Unfounded, "2026-11-30").unwrap_err();
    assert!(r.message_for("answer").unwrap().contains("答复内容过长"));
    let r = answer(&fb, "经调取执法记录仪视频，执法人员已出示证件。", Outcome::Unfounded, "2026-11-26").unwrap_err();
    assert!(r.message_for("on").unwrap().contains("早于受理时间"));
}

// rule: D-10
#[test]
fn the_public_status_shows_the_answer_but_never_the_filer() {
    let mut input = fine_is_wrong();
    input.filer = FilerInput { name: "李明".into(), phone: "138 1234 5678".into(), email: "liming@163.com".into() };
    let fb = filed(&input);
    let before = public_status(&fb, d("2026-11-30"));
    assert_eq!(
        (before.kind, before.filed_on, before.due, before.status),
        (FeedbackKind::Correction, d("2026-11-27"), d("2026-12-02"), FeedbackStatus::Received)
    );
    assert_eq!((before.answer, before.answered_on, before.outcome), (None, None, None));
    let text = "李明先生：经核查，公示的罚款金额录入有误，已更正。如有疑问请回电13812345678或来信liming@163.com。";
    let done = answered(&fb, text, corrected(), "2026-12-01");
    let shown = public_status(&done, d("2026-12-10"));
    assert_eq!(shown.status.label(), "已答复");
    assert_eq!(shown.outcome.as_deref(), Some("已更正"));
    assert_eq!(shown.answered_on, Some(d("2026-12-01")));
    let json = serde_json::to_string(&shown).unwrap();
    for private in ["李明", "13812345678", "liming@163.com", "0736", "贵局公示的", "缴款凭证"] {
        assert!(!json.contains(private), "{private} in {json}");
    }
    assert!(shown.answer.unwrap().starts_with("李*先生：经核查"));
    assert!(json.contains(&format!("\"tracking\":\"{}\"", fb.tracking)));
}

#[test]
fn events_are_tagged_in_snake_case_and_round_trip() {
    let filed = file(&fine_is_wrong()).unwrap();
    let json = serde_json::to_value(&filed).unwrap();
    assert_eq!(json["type"], "Filed");
    assert_eq!(json["matter"]["kind"], "correction");
    assert_eq!(json["filer"]["phone"], "0736-4321234");
    assert_eq!(serde_json::from_value::<FeedbackEvent>(json).unwrap(), filed);
    let fb = Feedback::fold([&filed]).unwrap();
    let e = answer(&fb, "经核查，公示的罚款金额录入有误，已予更正。", corrected(), "2026-11-30").unwrap();
    let json = serde_json::to_value(&e).unwrap();
    assert_eq!(json["type"], "Answered");
    assert_eq!(json["outcome"]["result"], "corrected");
    assert_eq!(serde_json::from_value::<FeedbackEvent>(json).unwrap(), e);
    let transferred = Outcome::Transferred { to: Uuid::from_u128(1), to_name: "安乡县农业农村局".into() };
    let back: Outcome = serde_json::from_str(&serde_json::to_string(&transferred).unwrap()).unwrap();
    assert_eq!(back, transferred);
}
