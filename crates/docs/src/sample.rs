//! A sample case with one record of every kind that has a document of its own: for the
//! tests, the benchmark (`zhifa bench docs`) and looking at the documents by eye.

use serde_json::json;
use zhifa_core::case::{Case, CaseEvent, RecordKind};

pub const AGENCY: &str = "安乡县市场监督管理局";
pub const CASE_ID: &str = "6b1d7a3c-2f6e-4c1a-9b7e-0c5d2e8f4a10";
const OFFICER_A: &str = "0e6f3c1a-1111-4a1a-8b1b-000000000001";
const OFFICER_B: &str = "0e6f3c1a-2222-4a1a-8b1b-000000000002";

/// The record of `kind` in the sample case has this id (the last 12 hex digits count up).
pub fn record_id(n: usize) -> uuid::Uuid {
    format!("5a000000-0000-4000-8000-{n:012}").parse().expect("valid")
}

fn record(n: usize, kind: RecordKind, fields: serde_json::Value, extra: serde_json::Value) -> CaseEvent {
    let mut r = json!({
        "id": record_id(n),
        "kind": kind,
        "stage": kind.stage(),
        "fields": fields,
    });
    if let (Some(o), Some(e)) = (r.as_object_mut(), extra.as_object()) {
        o.extend(e.clone());
    }
    serde_json::from_value(json!({"type": "RecordAdded", "record": r})).expect("a record")
}

fn officers() -> serde_json::Value {
    json!([
        {"officer_id": OFFICER_A, "name": "李明", "certificate_number": "43070012345"},
        {"officer_id": OFFICER_B, "name": "王芳", "certificate_number": "43070012346"}
    ])
}

/// The sample case's events: opening and one record of each documented kind.
pub fn events() -> Vec<CaseEvent> {
    let opened = serde_json::from_value(json!({
        "type": "CaseOpened",
        "opening": {
            "case_id": CASE_ID,
            "agency_id": "7c9e6679-7425-40de-944b-e07fc1f90ae7",
            "number": "安市监案〔2026〕12号",
            "act_kind": "penalty",
            "procedure": "ordinary",
            "initiation": "inspection",
            "party": {
                "kind": "organisation",
                "name": "安乡县禾丰食品有限公司",
                "id_number": "91430721MA4L0000XY",
                "address": "湖南省常德市安乡县深柳镇安澧路188号",
                "phone": "0736-4321000",
                "representative": "张建国",
                "minor": false
            },
            "summary": "涉嫌销售超过保质期的食品",
            "item_code": null,
            "handling_unit": "9b2e6679-7425-40de-944b-e07fc1f90ae7",
            "opened_at": "2026-03-02T09:30:00",
            "officers": officers(),
            "auxiliaries": [],
            "limitation": {"violation_ended_on": "2026-03-01", "serious_harm": false, "flagged": null, "override_reason": null},
            "profile": {"id": "anxiang", "version": 1}
        }
    }))
    .expect("an opening");
    let signed = json!({"kind": "signed", "signer": "张建国"});
    let facts = "2026年3月1日，本局执法人员在当事人经营场所进行检查，发现当事人货架上陈列销售的“禾丰牌”牛肉干（规格：200克/袋，生产日期：2025年8月20日，保质期：6个月）共计35袋已超过保质期，标价每袋28元。经查，当事人于2025年12月购进该批牛肉干60袋，已售出25袋，违法所得共计700元（25袋×28元）。\n上述事实，有现场检查笔录、询问笔录、进货单据、销售记录及现场照片等证据证实，证据来源合法、内容真实，与本案事实相互印证，本局予以采纳。";
    vec![
        opened,
        record(
            1,
            RecordKind::FilingApproval,
            json!({
                "reason": "当事人涉嫌销售超过保质期的食品，违反《中华人民共和国食品安全法》第三十四条第（十）项的规定，符合立案条件。",
                "party": "安乡县禾丰食品有限公司",
                "handler_opinion": "建议立案调查。",
                "unit_opinion": "同意立案，由李明、王芳承办。",
                "head_approval": "同意立案。",
                "approved_at": "2026-03-02 15:00"
            }),
            json!({}),
        ),
        record(
            2,
            RecordKind::Inquiry,
            json!({
                "interviewee": "张建国（当事人法定代表人，身份证号码430721197501010000）",
                "place": "安乡县市场监督管理局询问室",
                "started_at": "2026-03-03 09:00",
                "ended_at": "2026-03-03 10:10",
                "rights_notified": "是",
                "content": "问：我们是安乡县市场监督管理局的执法人员，这是我们的执法证件，请过目。你是否看清楚了？\n答：看清楚了。\n问：你对我们两人有无申请回避的要求？\n答：没有。\n问：请介绍一下你单位的基本情况。\n答：我公司成立于2019年，主要经营预包装食品的批发和零售，我是法定代表人。\n问：3月1日我局执法人员在你单位货架上发现的35袋“禾丰牌”牛肉干是什么时候进的货？\n答：是去年12月从常德市某食品批发部进的，一共60袋，进价每袋18元，卖了25袋，每袋卖28元。\n问：你是否知道这批牛肉干已经超过保质期？\n答：因为店里人手少，没有及时检查，不知道已经过期了。\n问：你还有什么需要补充的吗？\n答：没有了，我们愿意积极配合，马上整改。"
            }),
            json!({"officers": officers(), "credentials_shown": true, "officers_signed": [OFFICER_A, OFFICER_B], "signature": signed}),
        ),
        record(
            3,
            RecordKind::PriorNotice,
            json!({
                "document_number": "安市监罚告〔2026〕7号",
                "facts": "你单位于2025年12月购进“禾丰牌”牛肉干60袋，至2026年3月1日仍有35袋超过保质期的牛肉干在货架上陈列销售，已售出25袋，违法所得700元。",
                "reasons": "你单位销售超过保质期的食品，违反了《中华人民共和国食品安全法》第三十四条第（十）项的规定。",
                "basis": "《中华人民共和国食品安全法》第一百二十四条第一款第（五）项；《湖南省市场监督管理行政处罚裁量权基准》。",
                "intended_decision": "1.没收违法所得700元；2.没收超过保质期的牛肉干35袋；3.罚款人民币伍万元整（50000元）。",
                "rights": "根据《中华人民共和国行政处罚法》第四十四条、第四十五条、第六十三条、第六十四条的规定，你单位享有陈述、申辩和要求听证的权利。你单位对上述拟作出的行政处罚如有异议，可在收到本告知书之日起五个工作日内向本局提出陈述、申辩或者书面要求听证；逾期未提出的，视为放弃上述权利。",
                "issued_on": "2026-03-20"
            }),
            json!({}),
        ),
        record(
            4,
            RecordKind::HearingNotice,
            json!({
                "applied_on": "2026-03-23",
                "host": "陈静（本局法制审核机构工作人员）",
                "hearing_at": "2026-04-08 09:30",
                "place": "安乡县市场监督管理局三楼听证室",
                "noticed_on": "2026-03-25"
            }),
            json!({}),
        ),
        record(
            5,
            RecordKind::LegalReviewOpinion,
            json!({
                "reviewer": "陈静、刘洋",
                "opinion": "经审核，本案执法主体合法，案件事实清楚，证据确凿，适用法律正确，程序合法，处罚幅度在裁量基准规定的范围内，同意承办机构的处理意见。建议在决定书中完整引用裁量基准的条款。",
                "reviewed_on": "2026-04-12"
            }),
            json!({}),
        ),
        record(
            6,
            RecordKind::CollectiveDiscussion,
            json!({
                "participants": "赵刚、孙丽、周华、吴军、陈静",
                "held_at": "2026-04-14 15:00",
                "minutes": "承办人李明汇报了案件调查情况、听证情况和拟处理意见，法制审核机构陈静汇报了法制审核意见。与会人员一致认为，当事人销售超过保质期的食品，事实清楚，证据确凿，当事人在听证中提出的“主观上无故意”的意见不能免除其法定责任，但当事人积极配合调查、主动下架全部过期食品，可在裁量基准的一般阶次内从轻处罚。",
                "conclusion": "同意没收违法所得700元、没收超过保质期的牛肉干35袋、罚款人民币伍万元整的处理意见。"
            }),
            json!({}),
        ),
        record(
            7,
            RecordKind::DecisionDocument,
            json!({
                "document_number": "安市监罚决〔2026〕12号",
                "party": "安乡县禾丰食品有限公司",
                "facts": facts,
                "basis": "当事人销售超过保质期的食品的行为，违反了《中华人民共和国食品安全法》第三十四条第（十）项“禁止生产经营超过保质期的食品”的规定。依据《中华人民共和国食品安全法》第一百二十四条第一款第（五）项的规定，应当没收违法所得和违法经营的食品，并处罚款；违法生产经营的食品货值金额不足一万元的，并处五万元以上十万元以下罚款。本案货值金额为980元，不足一万元，适用该项规定。",
                "discretion": "依据《湖南省市场监督管理行政处罚裁量权基准》食品安全类第12项，本案违法行为属“一般”阶次（货值金额不足一万元，首次违法，主动配合调查），对应罚款幅度为五万元以上七万元以下。当事人积极配合调查，主动下架全部过期食品，本局在该阶次内从轻处罚。",
                "conclusion": "1.没收违法所得人民币柒佰元整（700元）；\n2.没收超过保质期的“禾丰牌”牛肉干35袋；\n3.罚款人民币伍万元整（50000元）。",
                "performance": "当事人应当自收到本决定书之日起十五日内，将罚没款缴至本局指定的代收银行（中国农业银行安乡县支行）或通过“湖南省非税收入缴款”平台缴纳。到期不缴纳罚款的，本局可以根据《中华人民共和国行政处罚法》第七十二条的规定，每日按罚款数额的百分之三加处罚款，并依法申请人民法院强制执行。",
                "remedies": "当事人如不服本处罚决定，可以在收到本决定书之日起六十日内向安乡县人民政府申请行政复议，也可以在六个月内依法向安乡县人民法院提起行政诉讼。申请行政复议或者提起行政诉讼的，不停止本决定的执行，法律另有规定的除外。",
                "agency": AGENCY,
                "sealed": "是",
                "decided_on": "2026-04-15"
            }),
            json!({}),
        ),
        record(
            8,
            RecordKind::OnTheSpotDecision,
            json!({
                "facts": "当事人在经营场所未按规定公示营业执照。",
                "basis": "《中华人民共和国市场主体登记管理条例》第四十八条第一款",
                "statements": "当事人陈述系装修时取下未及时悬挂，当场已改正；经复核，陈述属实，予以采纳，从轻处罚。",
                "decided_at": "2026-03-05 10:20",
                "place": "安乡县深柳镇安澧路188号"
            }),
            json!({"officers": officers(), "credentials_shown": true, "officers_signed": [OFFICER_A, OFFICER_B], "signature": signed, "form_number": "DC-2026-000123", "penalty": {"warning": true, "fine": 20000}}),
        ),
        record(
            9,
            RecordKind::ServiceDirect,
            json!({
                "document": "行政处罚决定书",
                "served_at": "2026-04-16 10:00",
                "place": "安乡县禾丰食品有限公司经营场所",
                "server": "李明、王芳",
                "recipient": "张建国（法定代表人）"
            }),
            json!({"officers": officers(), "credentials_shown": true, "officers_signed": [OFFICER_A, OFFICER_B], "signature": signed, "serves": record_id(7)}),
        ),
        record(
            10,
            RecordKind::Reminder,
            json!({
                "document_number": "安市监催〔2026〕3号",
                "obligation": "缴纳罚款人民币伍万元整（50000元）及没收违法所得人民币柒佰元整（700元）。",
                "deadline": "2026-05-20"
            }),
            json!({}),
        ),
    ]
}

/// The sample case, folded.
pub fn case() -> Case {
    Case::fold(&events()).expect("opened")
}
