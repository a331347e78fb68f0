//! The kinds of written record in a case file (笔录、文书), the stage each belongs to, and
//! the fields each must carry (rules R-02… …R-16).
//!
//! A record's content is a set of named text fields checked against its kind's schema: a
//! required field left empty is refused with the field's Chinese label. Dates and times are
//! checked for format. This keeps one form engine for some forty official forms, each
//! with its own required fields, instead of forty structs that differ only in names.

use serde::{Deserialize, Serialize};

use crate::validation::Rejection;

/// The stages of a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// 启动（受理、立案）
    Initiation,
    /// 调查取证
    Investigation,
    /// 审查决定
    Decision,
    /// 送达
    Service,
    /// 执行
    Execution,
    /// 结案
    Closure,
}

impl Stage {
    pub const ALL: [Stage; 6] =
        [Stage::Initiation, Stage::Investigation, Stage::Decision, Stage::Service, Stage::Execution, Stage::Closure];

    pub fn label(self) -> &'static str {
        match self {
            Stage::Initiation => "启动",
            Stage::Investigation => "调查取证",
            Stage::Decision => "审查决定",
            Stage::Service => "送达",
            Stage::Execution => "执行",
            Stage::Closure => "结案",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Initiation => "initiation",
            Stage::Investigation => "investigation",
            Stage::Decision => "decision",
            Stage::Service => "service",
            Stage::Execution => "execution",
            Stage::Closure => "closure",
        }
    }

    pub fn parse(s: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// The stage after this one; `None` after closure (archiving follows).
    pub fn next(self) -> Option<Stage> {
        let i = Stage::ALL.iter().position(|s| *s == self).expect("listed");
        Stage::ALL.get(i + 1).copied()
    }
}

/// How a field is entered and checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    Text,
    LongText,
    Date,
    DateTime,
    /// 是 / 否
    YesNo,
    /// One of a fixed list of values; anything else is refused (e.g. mail service: 挂号信 or
    /// 快递 only, R-14).
    Choice(&'static [&'static str]),
}

/// One field of a record form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldSpec {
    pub key: &'static str,
    pub label: &'static str,
    pub ty: FieldType,
    pub required: bool,
}

const fn req(key: &'static str, label: &'static str, ty: FieldType) -> FieldSpec {
    FieldSpec { key, label, ty, required: true }
}
const fn opt(key: &'static str, label: &'static str, ty: FieldType) -> FieldSpec {
    FieldSpec { key, label, ty, required: false }
}

use FieldType::{Choice, Date, DateTime, LongText, Text, YesNo};

/// How a party requests a hearing (N-05): in writing, or orally with the request recorded.
pub const REQUEST_FORMS: &[&str] = &["书面", "口头（已记录并由当事人签字）"];
/// A hearing request is withdrawn in writing (N-05).
pub const WITHDRAWAL_FORMS: &[&str] = &["书面"];
/// The label of `document_number` on the kinds whose 文号 is allocated when the document is
/// issued (`documents::DocType`): not asked of the officer — the forms leave it out — and
/// kept optional so that numbers typed into records made before stay readable.
pub const NUMBER_AT_ISSUE: &str = "文书编号（出具时自动编号）";

/// The ways a document may be mailed: registered letter or express mail, nothing else.
pub const MAIL_KINDS: &[&str] = &["挂号信", "快递"];

/// The grounds on which a decision may go without stated reasons (G-06; 000 A4 Art 16).
pub const EXEMPTION_GROUNDS: &[&str] = &[
    "有利于当事人且第三人未提出异议",
    "为避免泄露国家秘密、商业秘密或个人隐私而无法说明",
    "出现紧急事由必须立即处理",
    "法律法规规定可以不说明理由",
];

/// How a party asks for written reasons (G-05).
pub const REQUEST_METHODS: &[&str] = &["书面", "口头"];

/// What AV material a kind of act must carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AvRequirement {
    /// Photo, audio or video.
    Any,
    /// Photo or video (公告送达).
    PhotoOrVideo,
    /// Video (留置送达: continuous video; 强制执行; 拆除恢复).
    Video,
}

impl AvRequirement {
    pub fn label(self) -> &'static str {
        match self {
            AvRequirement::Any => "照片、录音或录像",
            AvRequirement::PhotoOrVideo => "照片或录像",
            AvRequirement::Video => "录像",
        }
    }

    pub fn accepts(self, media: crate::case::MediaKind) -> bool {
        use crate::case::MediaKind::*;
        match self {
            // A scanned document is not an audio-visual record.
            AvRequirement::Any => matches!(media, Photo | Audio | Video),
            AvRequirement::PhotoOrVideo => matches!(media, Photo | Video),
            AvRequirement::Video => media == Video,
        }
    }
}

macro_rules! record_kinds {
    ($( $variant:ident = $code:literal, $label:literal, $stage:ident, on_site: $on_site:literal, signed: $signed:literal, av: $av:expr, fields: [$($f:expr),* $(,)?] ;)*) => {
        /// The kinds of written record.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum RecordKind { $($variant),* }

        impl RecordKind {
            pub const ALL: &'static [RecordKind] = &[$(RecordKind::$variant),*];

            pub fn as_str(self) -> &'static str {
                match self { $(RecordKind::$variant => $code),* }
            }

            pub fn label(self) -> &'static str {
                match self { $(RecordKind::$variant => $label),* }
            }

            pub fn stage(self) -> Stage {
                match self { $(RecordKind::$variant => Stage::$stage),* }
            }

            /// An on-site act: at least two certified officers, certificates shown (P-02), each
            /// of whom signs the record.
            pub fn on_site(self) -> bool {
                match self { $(RecordKind::$variant => $on_site),* }
            }

            /// Signed by the party (or the refusal recorded with a witness).
            pub fn party_signs(self) -> bool {
                match self { $(RecordKind::$variant => $signed),* }
            }

            /// AV material mandatory by law for this act; an agency's AV-item list
            /// may add more.
            pub fn mandatory_av(self) -> Option<AvRequirement> {
                match self { $(RecordKind::$variant => $av),* }
            }

            pub fn fields(self) -> &'static [FieldSpec] {
                match self { $(RecordKind::$variant => { const F: &[FieldSpec] = &[$($f),*]; F }),* }
            }
        }
    };
}

const NONE: Option<AvRequirement> = None;
const ANY: Option<AvRequirement> = Some(AvRequirement::Any);
const VIDEO: Option<AvRequirement> = Some(AvRequirement::Video);
const PHOTO_OR_VIDEO: Option<AvRequirement> = Some(AvRequirement::PhotoOrVideo);

record_kinds! {
    // Initiation.
    ApplicationRegistration = "application_registration", "申请登记", Initiation, on_site: false, signed: false, av: NONE,
        fields: [req("applicant", "申请人", Text), req("matter", "申请事项", Text), req("materials", "提交的材料", LongText), req("received_at", "接收时间", DateTime), req("registrar", "登记人", Text)];
    MaterialsNotice = "materials_notice", "一次性告知补正材料通知书", Initiation, on_site: false, signed: false, av: NONE,
        fields: [req("missing", "需补正的全部材料", LongText), req("issued_on", "告知日期", Date), opt("corrected_on_spot", "是否当场更正", YesNo)];
    AcceptanceDecision = "acceptance_decision", "受理（不予受理）决定", Initiation, on_site: false, signed: false, av: NONE,
        fields: [req("accepted", "是否受理", YesNo), req("reason", "理由", LongText), req("decided_on", "决定日期", Date)];
    ApplicationReceipt = "application_receipt", "受理凭证（回执）", Initiation, on_site: false, signed: false, av: NONE,
        fields: [req("receipt_number", "凭证编号", Text), req("issued_on", "出具日期", Date)];
    FilingApproval = "filing_approval", "立案审批表", Initiation, on_site: false, signed: false, av: NONE,
        fields: [req("reason", "立案理由", LongText), req("party", "当事人", Text), req("handler_opinion", "承办人意见", LongText), req("unit_opinion", "承办机构意见", LongText), req("head_approval", "负责人审批意见", LongText), req("approved_at", "审批时间", DateTime)];
    ComplaintRegistration = "complaint_registration", "投诉举报登记", Initiation, on_site: false, signed: false, av: NONE,
        fields: [req("complainant", "投诉举报人", Text), req("real_name", "是否实名", YesNo), opt("contact", "联系方式", Text), req("content", "投诉举报内容", LongText), req("received_at", "接收时间", DateTime), req("recorder", "记录人", Text), req("handling", "处理情况", LongText)];
    ComplaintReply = "complaint_reply", "投诉举报答复", Initiation, on_site: false, signed: false, av: NONE,
        fields: [req("content", "答复内容", LongText), req("replied_on", "答复日期", Date), req("method", "答复方式", Text)];
    InspectionReferral = "inspection_referral", "检查发现线索登记", Initiation, on_site: false, signed: false, av: NONE,
        fields: [req("inspection", "检查任务或记录", Text), req("finding", "发现的问题", LongText), req("found_on", "发现日期", Date)];

    // Investigation and evidence.
    Inquiry = "inquiry", "询问笔录", Investigation, on_site: true, signed: true, av: NONE,
        fields: [req("interviewee", "被询问人", Text), req("place", "询问地点", Text), req("started_at", "开始时间", DateTime), req("ended_at", "结束时间", DateTime), req("rights_notified", "已告知陈述、申辩、申请回避等权利", YesNo), req("content", "询问内容", LongText)];
    SiteInspection = "site_inspection", "现场检查（勘验）笔录", Investigation, on_site: true, signed: true, av: ANY,
        fields: [req("place", "检查地点", Text), req("started_at", "开始时间", DateTime), req("ended_at", "结束时间", DateTime), req("present", "在场人员", Text), req("content", "检查情况", LongText)];
    DocumentaryEvidence = "documentary_evidence", "书证", Investigation, on_site: false, signed: false, av: NONE,
        fields: [req("description", "证据名称及内容", LongText), req("source", "来源", Text), req("collected_on", "收集日期", Date), opt("proves", "证明对象", Text)];
    PhysicalEvidence = "physical_evidence", "物证", Investigation, on_site: false, signed: false, av: NONE,
        fields: [req("description", "物品名称、数量、特征", LongText), req("source", "来源", Text), req("collected_on", "收集日期", Date), opt("proves", "证明对象", Text)];
    Sampling = "sampling", "抽样取证记录", Investigation, on_site: true, signed: true, av: ANY,
        fields: [req("place", "抽样地点", Text), req("sampled_at", "抽样时间", DateTime), req("items", "样品名称、数量", LongText), req("method", "抽样方法", Text)];
    EvidencePreservation = "evidence_preservation", "证据先行登记保存", Investigation, on_site: true, signed: true, av: ANY,
        fields: [req("approval", "负责人批准", Text), req("items", "保存物品清单", LongText), req("place", "保存地点", Text), req("preserved_at", "保存时间", DateTime), req("deadline", "处理期限", Date)];
    ExpertAppraisal = "expert_appraisal", "鉴定意见", Investigation, on_site: false, signed: false, av: NONE,
        fields: [req("appraiser", "鉴定机构及人员", Text), req("subject", "鉴定事项", Text), req("conclusion", "鉴定意见", LongText), req("issued_on", "出具日期", Date)];
    CoerciveDecision = "coercive_decision", "行政强制措施决定书", Investigation, on_site: false, signed: false, av: NONE,
        fields: [opt("document_number", NUMBER_AT_ISSUE, Text), req("measure", "措施（查封、扣押、冻结等）", Text), req("object", "对象（场所、设施、财物或存款等及其数量）", LongText), req("reason", "理由", LongText), req("basis", "依据", Text), req("period", "期限", Text), req("remedies", "申请行政复议或提起行政诉讼的途径和期限", LongText), req("decided_on", "决定日期", Date)];
    CoerciveMeasure = "coercive_measure", "行政强制措施现场笔录", Investigation, on_site: true, signed: true, av: ANY,
        fields: [req("measure", "措施（查封、扣押、冻结等）", Text), req("reason", "理由", LongText), req("basis", "依据", Text), req("party_heard", "当事人陈述、申辩情况", LongText), req("place", "地点", Text), req("taken_at", "实施时间", DateTime), req("approval", "负责人批准", Text)];
    InvestigationReport = "investigation_report", "调查终结报告", Investigation, on_site: false, signed: false, av: NONE,
        fields: [req("facts", "调查认定的事实", LongText), req("evidence", "证据", LongText), req("proposal", "处理建议", LongText), req("reported_on", "报告日期", Date)];

    // Review and decision.
    DecisionDraft = "decision_draft", "案件处理审批表（拟决定）", Decision, on_site: false, signed: false, av: NONE,
        fields: [req("drafter", "拟稿人", Text), req("facts", "违法事实", LongText), req("evidence", "证据", LongText), req("basis", "法律依据", LongText), req("considerations", "裁量考虑", LongText), req("proposal", "拟处理意见", LongText),
            opt("violation_code", "违法行为编码（本机关裁量基准）", Text), opt("tier", "裁量阶次", Text), opt("penalty_types", "拟处罚种类（顿号分隔）", Text), opt("fine", "罚款金额（元）", Text), opt("fine_base", "违法所得或货值金额（元，按倍数罚款时填写）", Text), opt("deviation_reason", "偏离裁量基准的理由", LongText),
            opt("heavier_reason", "加重理由（当事人陈述申辩后拟处罚重于事先告知的，须说明）", LongText)];
    ExpertOpinion = "expert_opinion", "专家论证意见", Decision, on_site: false, signed: false, av: NONE,
        fields: [req("experts", "专家", Text), req("opinion", "论证意见", LongText), req("given_on", "日期", Date)];
    PriorNotice = "prior_notice", "事先告知书", Decision, on_site: false, signed: false, av: NONE,
        fields: [opt("document_number", NUMBER_AT_ISSUE, Text), req("facts", "违法事实", LongText), req("reasons", "理由", LongText), req("basis", "依据", LongText), req("intended_decision", "拟作出的决定", LongText), req("rights", "当事人享有的权利", LongText), req("issued_on", "告知日期", Date)];
    StatementDefence = "statement_defence", "陈述申辩笔录（复核意见）", Decision, on_site: false, signed: true, av: NONE,
        fields: [req("heard_on", "日期", Date), opt("statements", "陈述申辩情况概述（逐项内容及答复见下表）", LongText), opt("review", "复核意见（综合）", LongText)];
    HearingRequest = "hearing_request", "听证申请", Decision, on_site: false, signed: false, av: NONE,
        fields: [req("requested_on", "申请日期", Date), req("applicant", "申请人", Text), req("form", "申请方式", Choice(REQUEST_FORMS)), opt("content", "申请事项及理由", LongText)];
    HearingWithdrawal = "hearing_withdrawal", "撤回听证申请（书面）", Decision, on_site: false, signed: true, av: NONE,
        fields: [req("withdrawn_on", "撤回日期", Date), req("form", "撤回方式", Choice(WITHDRAWAL_FORMS)), opt("reason", "撤回理由", LongText)];
    StatementWaiver = "statement_waiver", "放弃陈述申辩声明", Decision, on_site: false, signed: true, av: NONE,
        fields: [req("waived_on", "日期", Date), req("form", "放弃方式（书面）", Text)];
    HearingNotice = "hearing_notice", "听证通知书", Decision, on_site: false, signed: false, av: NONE,
        fields: [req("noticed_on", "通知日期", Date), req("hearing_at", "听证时间", DateTime), req("place", "听证地点", Text), opt("applied_on", "申请日期", Date), opt("host", "主持人", Text), opt("fee", "向当事人收取的听证费用（依法不得收取，请留空）", Text)];
    HearingRecord = "hearing_record", "听证笔录", Decision, on_site: true, signed: true, av: ANY,
        fields: [req("held_at", "听证时间", DateTime), req("participants", "参加人", LongText), req("place", "听证地点", Text), req("record", "听证记录", LongText), opt("host", "主持人", Text)];
    LegalReviewOpinion = "legal_review_opinion", "法制审核意见书", Decision, on_site: false, signed: false, av: NONE,
        fields: [req("reviewer", "审核人", Text), req("opinion", "审核意见", LongText), req("reviewed_on", "审核日期", Date)];
    CollectiveDiscussion = "collective_discussion", "集体讨论记录", Decision, on_site: false, signed: false, av: NONE,
        fields: [req("participants", "参加人（签名）", LongText), req("held_at", "讨论时间", DateTime), req("minutes", "讨论记录", LongText), req("conclusion", "讨论结论", LongText)];
    HeadApproval = "head_approval", "负责人审批", Decision, on_site: false, signed: false, av: NONE,
        fields: [req("approver", "负责人", Text), req("opinion", "审批意见", LongText), req("signed_at", "签批时间", DateTime)];
    DecisionDocument = "decision_document", "决定书", Decision, on_site: false, signed: false, av: NONE,
        fields: [opt("document_number", NUMBER_AT_ISSUE, Text), req("party", "当事人", Text), req("facts", "认定的事实及采纳的证据", LongText), opt("fact_reasons", "认定事实的理由", LongText), opt("evidence_reasons", "证据采信的理由", LongText), req("basis", "适用的法律依据（每行一条）", LongText), opt("basis_reasons", "适用法律依据的理由", LongText), req("discretion", "适用的裁量基准", LongText), opt("discretion_reasons", "行使裁量权的理由", LongText), req("conclusion", "决定内容", LongText), req("performance", "履行方式和期限", LongText), req("remedies", "救济途径和期限", LongText), req("agency", "作出决定的行政机关", Text), req("sealed", "已加盖行政机关印章", YesNo), req("decided_on", "决定日期", Date),
            opt("violation_code", "违法行为编码（本机关裁量基准）", Text), opt("tier", "裁量阶次", Text), opt("penalty_types", "处罚种类（顿号分隔）", Text), opt("fine", "罚款金额（元）", Text), opt("fine_base", "违法所得或货值金额（元，按倍数罚款时填写）", Text), opt("deviation_reason", "偏离裁量基准的理由", LongText),
            opt("heavier_reason", "加重理由（当事人陈述申辩后处罚重于事先告知的，须说明）", LongText),
            opt("reasons_exemption", "不说明理由的情形（G-06）", Choice(EXEMPTION_GROUNDS)), opt("exemption_detail", "不说明理由的具体情况", LongText), opt("third_party_objection", "第三人是否提出异议", YesNo), opt("exemption_basis", "规定可以不说明理由的法律法规条款", Text)];
    ReasonsRequest = "reasons_request", "书面说明理由申请", Decision, on_site: false, signed: false, av: NONE,
        fields: [req("requested_on", "申请日期", Date), req("requester", "申请人", Text), req("about", "申请说明理由的事项", LongText), opt("method", "申请方式", Choice(REQUEST_METHODS))];
    ReasonsReply = "reasons_reply", "书面说明理由书", Decision, on_site: false, signed: false, av: NONE,
        fields: [req("replied_on", "说明日期", Date), req("reasons", "说明的理由（事实、证据、依据、裁量）", LongText)];

    // Service.
    ServiceDirect = "service_direct", "送达回证（直接送达）", Service, on_site: true, signed: true, av: NONE,
        fields: [req("document", "送达文书", Text), req("served_at", "送达时间", DateTime), req("place", "送达地点", Text), req("server", "送达人", Text), req("recipient", "受送达人或代收人", Text)];
    ServiceLodged = "service_lodged", "留置送达记录", Service, on_site: true, signed: false, av: VIDEO,
        fields: [req("document", "送达文书", Text), req("refusal_reason", "拒收理由", LongText), req("served_at", "送达时间", DateTime), req("place", "留置地点", Text), req("server", "送达人", Text), req("witness", "见证人", Text)];
    ServiceMail = "service_mail", "邮寄送达记录", Service, on_site: false, signed: false, av: NONE,
        fields: [req("document", "送达文书", Text), req("mail_kind", "邮寄方式", Choice(MAIL_KINDS)), req("tracking_number", "邮件单号", Text), req("sent_on", "寄出日期", Date), req("receipt", "签收回执（签收人）", Text), req("received_on", "签收日期（以回执为准）", Date)];
    ServiceEntrusted = "service_entrusted", "委托（转交）送达记录", Service, on_site: false, signed: false, av: NONE,
        fields: [req("document", "送达文书", Text), req("reason", "委托或转交理由", LongText), req("entrusted_to", "受委托或转交单位", Text), req("served_on", "送达日期", Date)];
    ServicePublicNotice = "service_public_notice", "公告送达记录", Service, on_site: false, signed: false, av: PHOTO_OR_VIDEO,
        fields: [req("document", "送达文书", Text), req("why", "其他方式无法送达的原因", LongText), req("medium", "公告载体", Text), req("published_on", "公告日期", Date)];

    // Execution.
    VoluntaryPerformance = "voluntary_performance", "自觉履行记录", Execution, on_site: false, signed: false, av: NONE,
        fields: [req("performed", "履行情况", LongText), req("performed_on", "履行日期", Date), opt("receipt", "缴款凭证", Text)];
    CorrectionVerification = "correction_verification", "整改复查记录", Execution, on_site: true, signed: true, av: NONE,
        fields: [req("result", "复查结果", LongText), req("checked_on", "复查日期", Date)];
    Reminder = "reminder", "催告书", Execution, on_site: false, signed: false, av: NONE,
        fields: [opt("document_number", NUMBER_AT_ISSUE, Text), req("obligation", "履行义务", LongText), req("issued_on", "催告日期", Date), req("deadline", "履行期限（须晚于送达日期）", Date), opt("served_on", "送达日期（以送达记录为准）", Date)];
    ExecutionStatement = "execution_statement", "执行陈述申辩及复核", Execution, on_site: false, signed: true, av: NONE,
        fields: [req("statements", "当事人陈述、申辩", LongText), req("review", "复核意见", LongText), req("heard_on", "听取陈述、申辩日期（催告书送达后）", Date)];
    CompulsoryExecution = "compulsory_execution", "强制执行记录", Execution, on_site: true, signed: true, av: VIDEO,
        fields: [req("means", "执行方式（加处罚款、划拨、拍卖、代履行等）", Text), req("basis", "执行依据（法律条款）", Text), req("executed_at", "执行时间", DateTime), req("place", "地点", Text), req("result", "执行结果", LongText)];
    RemovalRestoration = "removal_restoration", "拆除（恢复原状）记录", Execution, on_site: true, signed: true, av: VIDEO,
        fields: [req("object", "拆除或恢复对象", Text), req("basis", "执行依据（法律条款）", Text), req("executed_at", "实施时间", DateTime), req("place", "地点", Text), req("result", "结果", LongText)];
    CourtApplication = "court_application", "申请人民法院强制执行", Execution, on_site: false, signed: false, av: NONE,
        fields: [req("court", "人民法院", Text), req("applied_on", "申请日期", Date), opt("result", "法院裁定及执行结果", LongText)];

    // Closure.
    ClosingReport = "closing_report", "结案报告（审批表）", Closure, on_site: false, signed: false, av: NONE,
        fields: [req("summary", "案件办理情况", LongText), req("result", "处理结果及执行情况", LongText), req("closed_on", "结案日期", Date)];
    OnTheSpotDecision = "on_the_spot_decision", "当场行政处罚决定书", Decision, on_site: true, signed: true, av: NONE,
        fields: [req("facts", "违法事实", LongText), req("basis", "处罚依据", Text), req("statements", "当事人陈述、申辩及复核", LongText), req("decided_at", "决定时间", DateTime), req("place", "地点", Text),
            opt("violation_code", "违法行为编码（本机关裁量基准）", Text), opt("tier", "裁量阶次", Text), opt("fine_base", "违法所得或货值金额（元，按倍数罚款时填写）", Text), opt("deviation_reason", "偏离裁量基准的理由", LongText)];
    FineReceipt = "fine_receipt", "罚款收据", Execution, on_site: false, signed: false, av: NONE,
        fields: [req("receipt_number", "收据编号", Text), req("paid_on", "缴款日期", Date)];
    SimplifiedFiling = "simplified_filing", "简易程序备案", Closure, on_site: false, signed: false, av: NONE,
        fields: [req("filed_with", "备案机构", Text), req("filed_on", "备案日期", Date)];
}

impl RecordKind {
    pub fn parse(s: &str) -> Option<RecordKind> {
        RecordKind::ALL.iter().copied().find(|k| k.as_str() == s)
    }

    pub fn field(self, key: &str) -> Option<&'static FieldSpec> {
        self.fields().iter().find(|f| f.key == key)
    }

    /// Whether this kind's document gets its 文号 when it is issued (`documents::DocType`).
    pub fn numbered_at_issue(self) -> bool {
        super::documents::DocType::of(self).is_some()
    }

    /// The fields an officer enters in the forms: all but a number allocated at issue.
    pub fn entered_fields(self) -> impl Iterator<Item = &'static FieldSpec> {
        let numbered = self.numbered_at_issue();
        self.fields().iter().filter(move |f| !(numbered && f.key == "document_number"))
    }

    /// Whether this kind is an approval form that needs the handler → reviewer → approver
    /// chain before its stage completes.
    pub fn needs_approval_chain(self) -> bool {
        matches!(self, RecordKind::FilingApproval | RecordKind::DecisionDraft | RecordKind::ClosingReport)
    }

    /// The service methods.
    pub fn is_service(self) -> bool {
        matches!(
            self,
            RecordKind::ServiceDirect
                | RecordKind::ServiceLodged
                | RecordKind::ServiceMail
                | RecordKind::ServiceEntrusted
                | RecordKind::ServicePublicNotice
        )
    }

    /// Whether each officer who performed the act signs the record: every on-site
    /// act, besides the party's signature or its refusal with a witness.
    pub fn officers_sign(self) -> bool {
        self.on_site()
    }

    /// The field that dates the act a record documents: its first date or time field
    /// (an inquiry's start, a sampling's time, a service's time, a decision's date, a
    /// reminder's issue — not its deadline for performance). The officers' certificates are
    /// checked on that date (P-02); it is never later than the day the record is made.
    pub fn act_field(self) -> Option<&'static FieldSpec> {
        self.fields().iter().find(|f| matches!(f.ty, FieldType::Date | FieldType::DateTime))
    }

    /// For a service record, when service takes effect, from its fields: the time of
    /// direct or lodged service; for mail the date of the receipt (签收), not of mailing; the
    /// date of entrusted service; for a public notice the end of the notice period, 30 days
    /// after publication (民事诉讼法 Art 95). End of day where only a date is known.
    pub fn service_time(self, fields: &std::collections::BTreeMap<String, String>) -> Option<chrono::NaiveDateTime> {
        let get = |k: &str| fields.get(k).map(String::as_str).unwrap_or("");
        let end_of = |d: chrono::NaiveDate| d.and_hms_opt(23, 59, 59);
        match self {
            RecordKind::ServiceDirect | RecordKind::ServiceLodged => parse_datetime(get("served_at")),
            RecordKind::ServiceMail => parse_date(get("received_on")).and_then(end_of),
            RecordKind::ServiceEntrusted => parse_date(get("served_on")).and_then(end_of),
            RecordKind::ServicePublicNotice => parse_date(get("published_on"))
                .and_then(|d| d.checked_add_days(chrono::Days::new(crate::law::PUBLIC_NOTICE_DAYS)))
                .and_then(end_of),
            _ => None,
        }
    }

    /// The date of the act, read from the record's fields; `None` when absent or malformed.
    pub fn act_date(self, fields: &std::collections::BTreeMap<String, String>) -> Option<chrono::NaiveDate> {
        let f = self.act_field()?;
        let v = fields.get(f.key)?;
        match f.ty {
            FieldType::DateTime => parse_datetime(v).map(|t| t.date()),
            _ => parse_date(v),
        }
    }

    /// Checks the fields of a record of this kind; every problem is reported.
    pub fn check_fields(self, fields: &std::collections::BTreeMap<String, String>) -> Result<(), Rejection> {
        let mut r = Rejection::new();
        for key in fields.keys() {
            if self.field(key).is_none() {
                r.add(format!("fields.{key}"), format!("{}没有“{key}”这一栏", self.label()));
            }
        }
        for f in self.fields() {
            let v = fields.get(f.key).map(|s| s.trim()).unwrap_or("");
            let name = format!("fields.{}", f.key);
            if v.is_empty() {
                if f.required {
                    r.add(name, format!("请填写{}", f.label));
                }
                continue;
            }
            match f.ty {
                FieldType::Date if parse_date(v).is_none() => {
                    r.add(name, format!("{}应为日期，例如 2026-03-01", f.label));
                }
                FieldType::DateTime if parse_datetime(v).is_none() => {
                    r.add(name, format!("{}应为日期和时间，例如 2026-03-01 09:30", f.label));
                }
                FieldType::YesNo if parse_yes_no(v).is_none() => {
                    r.add(name, format!("{}应填“是”或“否”", f.label));
                }
                FieldType::Choice(options) if !options.contains(&v) => {
                    r.add(name, format!("{}只能选择{}（填写的是“{v}”）", f.label, options.join("或")));
                }
                _ => {}
            }
        }
        // mail is served when the receipt comes back, never before it was sent.
        if self == RecordKind::ServiceMail
            && let (Some(sent), Some(received)) = (
                fields.get("sent_on").and_then(|v| parse_date(v)),
                fields.get("received_on").and_then(|v| parse_date(v)),
            )
            && received < sent
        {
            r.add("fields.received_on", format!("签收日期（{received}）不能早于寄出日期（{sent}）"));
        }
        r.into_result()
    }
}

pub fn parse_date(s: &str) -> Option<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

/// Accepts `2026-03-01 09:30`, `2026-03-01T09:30` and with seconds.
pub fn parse_datetime(s: &str) -> Option<chrono::NaiveDateTime> {
    let s = s.trim();
    ["%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"]
        .iter()
        .find_map(|f| chrono::NaiveDateTime::parse_from_str(s, f).ok())
}

pub fn parse_yes_no(s: &str) -> Option<bool> {
    match s.trim() {
        "是" | "yes" | "true" | "1" => Some(true),
        "否" | "no" | "false" | "0" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn codes_round_trip_and_every_kind_has_required_fields() {
        for k in RecordKind::ALL {
            assert_eq!(RecordKind::parse(k.as_str()), Some(*k));
            assert!(k.fields().iter().any(|f| f.required), "{k:?}");
        }
    }

    // rule: R-14
    #[test]
    fn lodged_service_needs_witness_and_reason() {
        let mut f = BTreeMap::new();
        f.insert("document".to_string(), "行政处罚决定书".to_string());
        f.insert("served_at".to_string(), "2026-03-01 09:30".to_string());
        let err = RecordKind::ServiceLodged.check_fields(&f).unwrap_err();
        assert!(err.message_for("fields.witness").unwrap().contains("见证人"));
        assert!(err.message_for("fields.refusal_reason").unwrap().contains("拒收理由"));
        assert_eq!(RecordKind::ServiceLodged.mandatory_av(), Some(AvRequirement::Video));
    }

    #[test]
    fn bad_dates_and_unknown_fields_are_named() {
        let mut f = BTreeMap::new();
        f.insert("received_at".to_string(), "昨天".to_string());
        f.insert("colour".to_string(), "红".to_string());
        let err = RecordKind::ApplicationRegistration.check_fields(&f).unwrap_err();
        assert!(err.message_for("fields.received_at").unwrap().contains("日期和时间"));
        assert!(err.message_for("fields.colour").is_some());
    }
}
