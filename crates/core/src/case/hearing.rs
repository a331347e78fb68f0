//! Hearings before a penalty (rule N-05; 行政处罚法 Art 63-64): the party requests one
//! within five working days of the prior notice's service, the hearing is noticed at
//! least seven working days ahead, its host is an officer of the agency who did not act in
//! the investigation of the case, and the party bears no cost. A requested hearing is
//! noticed and held — or the request withdrawn in writing — before the decision stage
//! completes.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use uuid::Uuid;

use crate::calendar::WorkCalendar;
use crate::case::kinds::{parse_date, parse_datetime};
use crate::case::{ActingOfficer, Case, RecordKind, RecordState, Stage};
use crate::law;
use crate::personnel::{Officer, StaffKind};
use crate::validation::Rejection;

/// The prior notice a hearing request answers, with the day it was served: the last one
/// served.
fn served_notice(case: &Case) -> Option<(&RecordState, NaiveDate)> {
    case.records_of(RecordKind::PriorNotice).filter_map(|n| case.served_at(n.record.id).map(|t| (n, t.date()))).last()
}

/// The requests not withdrawn in writing.
pub fn open_requests(case: &Case) -> Vec<&RecordState> {
    case.records_of(RecordKind::HearingRequest)
        .filter(|r| {
            !case.records_of(RecordKind::HearingWithdrawal).any(|w| w.record.serves.is_none_or(|id| id == r.record.id))
        })
        .collect()
}

/// The hearing notice in force: the last one made.
pub fn current_notice(case: &Case) -> Option<&RecordState> {
    case.records_of(RecordKind::HearingNotice).last()
}

/// What is wrong with a hearing request (N-05): it needs a served prior notice, and is
/// made within [`law::HEARING_REQUEST`] working days of its service (Art 64(1)).
pub fn check_request(
    r: &mut Rejection,
    case: &Case,
    fields: &BTreeMap<String, String>,
    calendar: Option<&WorkCalendar>,
) {
    let Some(on) = fields.get("requested_on").and_then(|v| parse_date(v)) else { return };
    let Some((notice, served)) = served_notice(case) else {
        r.add(
            "kind",
            if case.has(RecordKind::PriorNotice) {
                "事先告知书尚未送达：听证申请期限自事先告知书送达之日起计算，请先记录事先告知书的送达"
            } else {
                "尚未作出事先告知书：当事人在告知后方可要求听证"
            },
        );
        return;
    };
    if on < served {
        r.add("fields.requested_on", format!("申请日期（{on}）早于事先告知书的送达日期（{served}），请核对日期"));
        return;
    }
    let Some(cal) = calendar else {
        r.add("fields.requested_on", "无法核对听证申请期限：未取得工作日日历，请联系系统管理员");
        return;
    };
    match cal.add_working_days(served, law::HEARING_REQUEST) {
        Err(e) => r.add("fields.requested_on", format!("无法计算听证申请期限：{e}")),
        Ok(last) if on > last => r.add(
            "fields.requested_on",
            format!(
                "听证申请日期（{on}）已超过申请期限：当事人要求听证的，应当在事先告知书（{}）送达（{served}）后{}个工作日内提出，即{last}前（《行政处罚法》第六十四条第一项）；逾期未提出的，视为放弃听证",
                notice.field("document_number"),
                law::HEARING_REQUEST.0
            ),
        ),
        Ok(_) => {}
    }
}

/// The investigation acts of `officer_id` in this case: the records of the initiation and
/// investigation stages they performed or signed, one phrase each.
pub fn investigation_acts(case: &Case, officer_id: Uuid) -> Vec<String> {
    case.records
        .iter()
        .filter(|r| r.record.kind.stage() <= Stage::Investigation)
        .filter(|r| {
            r.record.officers.iter().chain(&r.record.auxiliaries).any(|o| o.officer_id == officer_id)
                || r.record.officers_signed.contains(&officer_id)
        })
        .map(|r| match r.act_date() {
            Some(d) => format!("{}（{d}）", r.record.kind.label()),
            None => r.record.kind.label().to_string(),
        })
        .collect()
}

/// The host of a hearing (Art 64(4)): an officer (or legal reviewer) of the agency, chosen
/// by the caller among its staff, who did not investigate this case — neither assigned to
/// it nor acting in any of its investigation records —, without a declared conflict with
/// the party, and in post on the hearing's day.
pub fn check_host(r: &mut Rejection, case: &Case, host: Option<&Officer>, on: Option<NaiveDate>) {
    let Some(h) = host else {
        r.add("host", "请从本机关人员中选择听证主持人（须为非本案调查人员，《行政处罚法》第六十四条第四项）");
        return;
    };
    let name = &h.profile.name;
    if h.profile.kind == StaffKind::Auxiliary {
        r.add("host", format!("{name}是执法辅助人员，不能主持听证"));
    }
    if let (Some((left, reason, _)), Some(on)) = (&h.left_post, on)
        && *left <= on
    {
        r.add("host", format!("{name}已于{left}离岗（{}），不能主持{on}的听证", reason.label()));
    }
    let assigned = case.officers.iter().chain(&case.auxiliaries).any(|o| o.officer_id == h.id);
    let acts = investigation_acts(case, h.id);
    if assigned || !acts.is_empty() {
        let mut what = Vec::new();
        if assigned {
            what.push("是本案的承办人员".to_string());
        }
        if !acts.is_empty() {
            what.push(format!("参与了本案的调查：{}", acts.join("、")));
        }
        r.add(
            "host",
            format!(
                "{name}{}，不能主持本案听证：听证由行政机关指定的非本案调查人员主持（《行政处罚法》第六十四条第四项），请另行指定",
                what.join("，")
            ),
        );
    }
    if let Some(c) = h.conflict_with(&case.opening.party.conflict_keys()) {
        r.add("host", format!("{name}已申报与当事人存在回避事由（{}），不能主持本案听证", c.reason));
    }
}

/// Values that state no fee at all.
fn no_fee(v: &str) -> bool {
    matches!(v.trim(), "" | "无" | "不收取" | "0" | "0元" | "零")
}

/// What is wrong with a hearing notice (N-05): it answers a request not withdrawn, is
/// dated at least [`law::HEARING_NOTICE`] working days before the hearing (Art 64(2)),
/// names a host who did not investigate the case, and charges the party nothing (Art 63).
pub fn check_notice(
    r: &mut Rejection,
    case: &Case,
    fields: &BTreeMap<String, String>,
    host: Option<&Officer>,
    calendar: Option<&WorkCalendar>,
) {
    if open_requests(case).is_empty() {
        r.add(
            "kind",
            if case.has(RecordKind::HearingRequest) {
                "当事人已书面撤回听证申请，不再组织听证"
            } else {
                "当事人尚未要求听证：请先记录当事人的听证申请"
            },
        );
    }
    let fee = fields.get("fee").map_or("", |v| v.trim());
    if !no_fee(fee) {
        r.add(
            "fields.fee",
            format!("当事人不承担行政机关组织听证的费用（《行政处罚法》第六十三条第二款），不得收取“{fee}”"),
        );
    }
    let at = fields.get("hearing_at").and_then(|v| parse_datetime(v)).map(|t| t.date());
    check_host(r, case, host, at);
    let (Some(noticed), Some(at)) = (fields.get("noticed_on").and_then(|v| parse_date(v)), at) else { return };
    let Some(cal) = calendar else {
        r.add("fields.hearing_at", "无法核对听证通知期限：未取得工作日日历，请联系系统管理员");
        return;
    };
    match cal.add_working_days(noticed, law::HEARING_NOTICE) {
        Err(e) => r.add("fields.hearing_at", format!("无法计算听证通知期限：{e}")),
        Ok(earliest) if at < earliest => r.add(
            "fields.hearing_at",
            format!(
                "听证时间（{at}）距通知日期（{noticed}）不足{}个工作日：行政机关应当在举行听证的七日前通知当事人（《行政处罚法》第六十四条第二项），听证最早可定于{earliest}",
                law::HEARING_NOTICE.0
            ),
        ),
        Ok(_) => {}
    }
}

/// What is wrong with a hearing record (N-05): it follows the notice, and its host is the
/// host the notice named.
pub fn check_record(r: &mut Rejection, case: &Case, host: Option<&Officer>) {
    let Some(notice) = current_notice(case) else {
        r.add("kind", "尚未制作听证通知书：听证须提前通知当事人，请先制作听证通知书");
        return;
    };
    let noticed = notice.record.host.as_ref();
    match (host, noticed) {
        (None, _) => r.add("host", "请选择主持本次听证的人员"),
        (Some(h), Some(n)) if h.id != n.officer_id => {
            r.add("host", format!("听证通知书指定的主持人是{}，听证笔录的主持人（{}）与之不符", n.name, h.profile.name))
        }
        (Some(h), _) => check_host(r, case, Some(h), None),
    }
}

/// The host as the record keeps it.
pub fn acting_host(host: &Officer) -> ActingOfficer {
    ActingOfficer {
        officer_id: host.id,
        name: host.profile.name.clone(),
        certificate_number: host.certificates.last().map(|c| c.number.clone()).unwrap_or_default(),
    }
}

/// What the decision stage still lacks for a requested hearing (N-05, R-06): a request not
/// withdrawn in writing is noticed, and the hearing held and recorded after the notice.
pub fn gaps(case: &Case) -> Vec<String> {
    let mut out = Vec::new();
    let open = open_requests(case);
    if !open.is_empty() {
        let on = open.iter().map(|r| r.field("requested_on")).collect::<Vec<_>>().join("、");
        match current_notice(case) {
            None => out.push(format!(
                "当事人已要求听证（{on}），缺少{}：须组织听证，或由当事人书面撤回听证申请",
                RecordKind::HearingNotice.label()
            )),
            Some(n) => {
                let pos = |id: Uuid| case.records.iter().position(|r| r.record.id == id);
                let held = case.records_of(RecordKind::HearingRecord).any(|h| pos(h.record.id) > pos(n.record.id));
                if !held {
                    out.push(format!(
                        "当事人已要求听证（{on}），已通知听证（{}），缺少{}",
                        n.field("hearing_at"),
                        RecordKind::HearingRecord.label()
                    ));
                }
            }
        }
    } else if case.has(RecordKind::HearingNotice)
        && !case.has(RecordKind::HearingRecord)
        && !case.has(RecordKind::HearingWithdrawal)
    {
        // a hearing noticed is held and recorded.
        out.push("已通知听证，缺少听证笔录".into());
    }
    out
}
