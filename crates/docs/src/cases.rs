//! The documents of a case, built from its records (rules …R-16).
//!
//! A record is a set of named fields (`zhifa_core::case::kinds`); each builder places the
//! fields its document prints, in the order and wording of the usual forms, and adds the
//! case's own facts (case number, party, officers with their certificates, signatures,
//! approvals). A field that is empty or missing prints as a line to fill in — never a
//! panic — and any field of the record the builder does not place is still printed at the
//! end, so that nothing recorded is left off a paper. Kinds without a builder of their own
//! print as a form of all their fields.

use chrono::NaiveDate;
use zhifa_core::case::kinds::{parse_date, parse_datetime};
use zhifa_core::case::{ApprovalStep, Case, PartyKind, RecordKind, RecordState, Signature};

use crate::model::{Block, Closing, Document, Qr, Table, chinese_date, chinese_datetime};

/// What a builder needs besides the record.
#[derive(Debug, Clone)]
pub struct Context<'a> {
    pub case: &'a Case,
    /// The agency's full name.
    pub agency: &'a str,
    /// The QR code to the document's authenticity page, once it is issued.
    pub qr: Option<Qr>,
    /// The day the document is issued (dates a document whose record has no date of its
    /// own, such as a reminder).
    pub issued_on: Option<NaiveDate>,
    /// The number allocated at issue (文号); printed instead of the one typed in the record.
    pub number: Option<String>,
}

/// The document of a record.
pub fn document(ctx: &Context<'_>, rec: &RecordState) -> Document {
    let mut b = Builder { ctx, rec, used: vec![], doc: Document::default() };
    b.doc.agency = ctx.agency.to_string();
    b.doc.title = title(rec.record.kind).to_string();
    b.doc.qr = ctx.qr.clone();
    match rec.record.kind {
        RecordKind::FilingApproval => b.filing_approval(),
        RecordKind::Inquiry => b.inquiry(),
        RecordKind::PriorNotice => b.prior_notice(),
        RecordKind::HearingNotice => b.hearing_notice(),
        RecordKind::LegalReviewOpinion => b.legal_review(),
        RecordKind::CollectiveDiscussion => b.collective_discussion(),
        RecordKind::DecisionDocument => b.decision(),
        RecordKind::OnTheSpotDecision => b.on_the_spot(),
        RecordKind::Reminder => b.reminder(),
        k if k.is_service() => b.service(),
        _ => b.generic(),
    }
    b.rest();
    if let Some(n) = ctx.number.as_ref().filter(|n| !n.trim().is_empty()) {
        b.doc.number = Some(n.clone());
    }
    b.doc
}

/// The catalogue of the case file (卷内目录, R-17): every record and AV item in order.
pub fn catalogue(ctx: &Context<'_>) -> Document {
    let case = ctx.case;
    let mut t = Table::new(&[("序号", 2), ("题名", 9), ("日期", 4), ("备注", 5)]);
    for e in zhifa_core::case::decide::catalogue(case) {
        let note = e.sha256.as_deref().map(|h| format!("SHA-256 {}…", &h[..h.len().min(16)])).unwrap_or_default();
        t.push([e.seq.to_string(), e.title.clone(), e.date.clone(), note]);
    }
    Document {
        agency: ctx.agency.to_string(),
        title: "卷内目录".into(),
        number: None,
        blocks: vec![
            Block::field("案号", &case.opening.number),
            Block::field("案由", &case.opening.summary),
            Block::field("当事人", &case.opening.party.name),
            Block::Table(t),
        ],
        closing: None,
        qr: ctx.qr.clone(),
        note: None,
    }
}

/// The printed title of a kind's document.
pub fn title(kind: RecordKind) -> &'static str {
    match kind {
        RecordKind::DecisionDocument => "行政处罚决定书",
        RecordKind::PriorNotice => "行政处罚事先告知书",
        k if k.is_service() => "送达回证",
        k => k.label(),
    }
}

/// The kinds that have a document built for them (the others print as a form).
pub const BUILT: &[RecordKind] = &[
    RecordKind::FilingApproval,
    RecordKind::Inquiry,
    RecordKind::PriorNotice,
    RecordKind::HearingNotice,
    RecordKind::LegalReviewOpinion,
    RecordKind::CollectiveDiscussion,
    RecordKind::DecisionDocument,
    RecordKind::OnTheSpotDecision,
    RecordKind::ServiceDirect,
    RecordKind::Reminder,
];

/// Statutory remedies when the record states none: 行政复议法 Art 20 (60 days), 行政诉讼法
/// Art 46 (six months).
const REMEDIES: &str = "如不服本决定，可以在收到本决定书之日起六十日内依法申请行政复议，\
    或者在六个月内依法向人民法院提起行政诉讼。";

struct Builder<'a> {
    ctx: &'a Context<'a>,
    rec: &'a RecordState,
    /// Fields already placed.
    used: Vec<&'static str>,
    doc: Document,
}

impl<'a> Builder<'a> {
    fn case(&self) -> &Case {
        self.ctx.case
    }

    /// A field's current value (corrections applied), marked as placed.
    fn f(&mut self, key: &'static str) -> String {
        self.used.push(key);
        self.rec.field(key).trim().to_string()
    }

    /// The document's number as known before this issue (an earlier issue's, or one typed
    /// into an old record), marked as placed; the number allocated now replaces it.
    fn number(&mut self) -> Option<String> {
        self.used.push("document_number");
        Some(self.ctx.case.document_number(self.rec.record.id))
    }

    fn label(&self, key: &str) -> &'static str {
        self.rec.record.kind.field(key).map(|f| f.label).unwrap_or("")
    }

    fn push(&mut self, b: Block) {
        self.doc.blocks.push(b);
    }

    /// `label：value` from a field of the record.
    fn field(&mut self, key: &'static str) {
        let label = self.label(key);
        let v = self.f(key);
        self.push(Block::field(label, v));
    }

    /// A paragraph of `lead` and a field's value; a blank line to fill in when it is empty.
    fn para(&mut self, lead: &str, key: &'static str) {
        let v = self.f(key);
        if v.is_empty() {
            let label = lead.trim_end_matches(['：', '，', ':']);
            let label = if label.is_empty() { self.label(key) } else { label };
            self.push(Block::field(label, ""));
        } else {
            self.push(Block::paragraph(format!("{lead}{v}")));
        }
    }

    fn date(&mut self, key: &'static str) -> String {
        let v = self.f(key);
        parse_date(&v).map(chinese_date).or_else(|| parse_datetime(&v).map(|t| chinese_date(t.date()))).unwrap_or(v)
    }

    fn datetime(&mut self, key: &'static str) -> String {
        let v = self.f(key);
        parse_datetime(&v).map(chinese_datetime).unwrap_or(v)
    }

    fn issued_on(&self) -> String {
        self.ctx.issued_on.map(chinese_date).unwrap_or_default()
    }

    fn closing(&mut self, date: String, seal: bool) {
        self.doc.closing = Some(Closing { agency: self.ctx.agency.to_string(), date, seal });
    }

    /// The party as the top of a document names it (R-13: the party).
    fn party_block(&mut self) {
        let p = self.case().opening.party.clone();
        let (name_label, id_label) = match p.kind {
            PartyKind::Person => ("当事人", "身份证件号码"),
            PartyKind::Organisation => ("当事人", "统一社会信用代码"),
        };
        self.push(Block::field(name_label, p.name));
        self.push(Block::field(id_label, p.id_number));
        if p.kind == PartyKind::Organisation {
            self.push(Block::field("法定代表人（负责人）", p.representative));
        }
        self.push(Block::field("住所（地址）", p.address));
    }

    fn addressee(&mut self) {
        let name = self.case().opening.party.name.clone();
        self.push(Block::Addressee(format!("{name}：")));
    }

    fn officers(&self) -> String {
        self.rec
            .record
            .officers
            .iter()
            .map(|o| {
                if o.certificate_number.is_empty() {
                    o.name.clone()
                } else {
                    format!("{}（执法证号{}）", o.name, o.certificate_number)
                }
            })
            .collect::<Vec<_>>()
            .join("、")
    }

    /// The party's signature, or its refusal with the witness.
    fn party_signature(&self) -> String {
        match &self.rec.record.signature {
            Some(Signature::Signed { signer }) => format!("{signer}（已签名）"),
            Some(Signature::Refused { reason, witness }) => format!("拒绝签名（{reason}），见证人：{witness}"),
            None => String::new(),
        }
    }

    /// The officers who signed the record themselves.
    fn officer_signatures(&self) -> String {
        let r = &self.rec.record;
        r.officers
            .iter()
            .filter(|o| r.officers_signed.contains(&o.officer_id))
            .map(|o| format!("{}（已签名）", o.name))
            .collect::<Vec<_>>()
            .join("、")
    }

    /// The approval step's opinion as the form prints it: who, the opinion, when.
    fn approval(&self, step: ApprovalStep) -> String {
        self.rec
            .current_run()
            .iter()
            .rev()
            .find(|a| a.step == step)
            .map(|a| {
                format!(
                    "{}{}　签名：{}　{}",
                    if a.approved { "同意。" } else { "不同意。" },
                    a.opinion,
                    a.officer_name,
                    chinese_datetime(a.at)
                )
            })
            .unwrap_or_default()
    }

    // -----------------------------------------------------------------------------------
    // The documents

    /// 立案审批表 (R-02… ): a form with the approval chain.
    fn filing_approval(&mut self) {
        let o = self.case().opening.clone();
        let party = &o.party;
        let mut t = Table::form();
        t.push(["案号", o.number.as_str()]);
        t.push(["案由", o.summary.as_str()]);
        t.push(["案件来源", o.initiation.label()]);
        let party_line = format!(
            "{}（{}）\n证件号码：{}\n住所：{}\n联系电话：{}{}",
            party.name,
            party.kind.label(),
            party.id_number,
            party.address,
            party.phone,
            if party.representative.is_empty() {
                String::new()
            } else {
                format!("\n法定代表人：{}", party.representative)
            }
        );
        let recorded_party = self.f("party");
        t.push([
            "当事人".to_string(),
            if recorded_party.is_empty() || recorded_party == party.name {
                party_line
            } else {
                format!("{recorded_party}\n{party_line}")
            },
        ]);
        t.push(["立案理由".to_string(), self.f("reason")]);
        let handler = format!("{}\n{}", self.f("handler_opinion"), self.approval(ApprovalStep::Handler));
        t.push(["承办人意见".to_string(), handler.trim().to_string()]);
        let unit = format!("{}\n{}", self.f("unit_opinion"), self.approval(ApprovalStep::Reviewer));
        t.push(["承办机构意见".to_string(), unit.trim().to_string()]);
        let head = format!("{}\n{}", self.f("head_approval"), self.approval(ApprovalStep::Approver));
        t.push(["负责人审批意见".to_string(), head.trim().to_string()]);
        t.push(["审批时间".to_string(), self.datetime("approved_at")]);
        let officers = o
            .officers
            .iter()
            .map(|a| format!("{}（执法证号{}）", a.name, a.certificate_number))
            .collect::<Vec<_>>()
            .join("、");
        t.push(["承办人员", officers.as_str()]);
        self.push(Block::Table(t));
    }

    /// 询问笔录 (R-05, P-02): who asked whom, where and when, the rights notified, the
    /// questions and answers, the signatures.
    fn inquiry(&mut self) {
        let start = self.datetime("started_at");
        let end = self.datetime("ended_at");
        self.push(Block::field(
            "询问时间",
            if start.is_empty() && end.is_empty() { String::new() } else { format!("{start}至{end}") },
        ));
        self.field("place");
        self.push(Block::field("询问人", self.officers()));
        self.push(Block::field("记录人", ""));
        self.field("interviewee");
        self.push(Block::field("案由", self.case().opening.summary.clone()));
        let shown =
            if self.rec.record.credentials_shown { "已出示执法证件" } else { "出示执法证件：＿＿" };
        let rights = match zhifa_core::case::kinds::parse_yes_no(&self.f("rights_notified")) {
            Some(true) => "已告知",
            Some(false) => "未告知",
            None => "＿＿",
        };
        self.push(Block::paragraph(format!(
            "我们是{}的执法人员，{}。现依法向你进行询问调查，请如实回答。依法告知：你有陈述、申辩和申请执法人员回避的权利（{rights}）。",
            self.ctx.agency, shown
        )));
        let content = self.f("content");
        self.push(qa_table(&content));
        self.push(Block::paragraph("以上笔录已经被询问人核对（或已向其宣读），与所述一致。"));
        self.push(Block::Signatures(vec![
            ("被询问人（签名）".into(), self.party_signature()),
            ("询问人（签名）".into(), self.officer_signatures()),
            ("记录人（签名）".into(), String::new()),
        ]));
    }

    /// 行政处罚事先告知书 (N-04): facts, reasons, basis, the intended decision, the rights.
    fn prior_notice(&mut self) {
        self.doc.number = self.number();
        self.addressee();
        let facts = self.f("facts");
        if facts.is_empty() {
            self.push(Block::field("经查", ""));
        } else {
            self.push(Block::paragraph(format!("经查，{}", strip_lead(&facts, "经查"))));
        }
        self.para("本机关认为：", "reasons");
        self.para("依据：", "basis");
        self.para("本机关拟对你（单位）作出如下行政处罚：", "intended_decision");
        let rights = self.f("rights");
        self.push(Block::paragraph(if rights.is_empty() {
            "根据《中华人民共和国行政处罚法》第四十四条、第四十五条、第六十三条、第六十四条的规定，你（单位）享有陈述、申辩和要求听证的权利。".to_string()
        } else {
            rights
        }));
        let date = self.date("issued_on");
        self.closing(date, true);
    }

    /// 听证通知书 (N-05): when, where, the host, the party's rights at the hearing.
    fn hearing_notice(&mut self) {
        self.addressee();
        // The date of the party's request: the notice's own field, else the request record.
        let mut applied = self.date("applied_on");
        if applied.is_empty()
            && let Some(r) = zhifa_core::case::hearing::open_requests(self.case()).last()
            && let Some(d) = parse_date(r.field("requested_on"))
        {
            applied = chinese_date(d);
        }
        let applied = or_blank(applied);
        let at = or_blank(self.datetime("hearing_at"));
        let place = or_blank(self.f("place"));
        let host = or_blank(self.f("host"));
        self.push(Block::paragraph(format!(
            "根据你（单位）于{applied}提出的听证申请，本机关决定于{at}在{place}举行听证会，由{host}担任听证主持人。"
        )));
        self.push(Block::paragraph(
            "你（单位）可以亲自参加听证，也可以委托一至二人代理；委托代理人参加的，应当提交授权委托书。\
             你（单位）认为主持人与本案有直接利害关系的，有权申请回避。无正当理由拒不出席听证或者未经许可中途退出听证的，视为放弃听证权利。",
        ));
        self.push(Block::paragraph(
            "根据《中华人民共和国行政处罚法》第六十三条第二款的规定，当事人不承担行政机关组织听证的费用。",
        ));
        // A fee is never charged (N-05); a value in the field is the record's, printed as is.
        self.used.push("fee");
        self.push(Block::field("联系人及电话", ""));
        let date = self.date("noticed_on");
        self.closing(date, true);
    }

    /// 法制审核意见书 (L-05): the case, the reviewer, the opinion.
    fn legal_review(&mut self) {
        self.doc.number = self.number();
        let o = self.case().opening.clone();
        let mut t = Table::form();
        t.push(["案号", o.number.as_str()]);
        t.push(["案由", o.summary.as_str()]);
        t.push(["当事人", o.party.name.as_str()]);
        if let Some(reason) = &self.case().major {
            t.push(["重大执法决定情形", reason.as_str()]);
        }
        t.push(["审核意见".to_string(), self.f("opinion")]);
        t.push(["审核人".to_string(), self.f("reviewer")]);
        t.push(["审核日期".to_string(), self.date("reviewed_on")]);
        self.push(Block::Table(t));
        self.push(Block::Signatures(vec![
            ("审核人（签名）".into(), String::new()),
            ("法制审核机构负责人（签名）".into(), String::new()),
        ]));
    }

    /// 集体讨论记录 (R-12, L-09): the minutes signed by every participant.
    fn collective_discussion(&mut self) {
        let o = self.case().opening.clone();
        self.push(Block::field("案号", o.number));
        self.push(Block::field("案由", o.summary));
        let held = self.datetime("held_at");
        self.push(Block::field("讨论时间", held));
        self.push(Block::field("地点", ""));
        self.push(Block::field("主持人", ""));
        self.field("participants");
        self.push(Block::field("记录人", ""));
        self.push(Block::heading("讨论记录"));
        self.para("", "minutes");
        self.push(Block::heading("讨论结论"));
        self.para("", "conclusion");
        let participants = self.rec.field("participants").to_string();
        let mut lines: Vec<(String, String)> = participants
            .split(['、', '，', ',', '\n'])
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| (format!("参加人{p}（签名）"), String::new()))
            .collect();
        if lines.is_empty() {
            lines.push(("参加人（签名）".into(), String::new()));
        }
        lines.push(("记录人（签名）".into(), String::new()));
        self.push(Block::Signatures(lines));
    }

    /// 行政处罚决定书: the party; the facts found, the evidence adopted and why; the
    /// legal basis and why it applies; the discretion benchmark applied and why; the
    /// conclusion, the manner and the deadline of performance; the remedies and their
    /// deadlines; the agency, its seal, the date.
    fn decision(&mut self) {
        self.doc.number = self.number();
        self.party_block();
        let named = self.f("party");
        if !named.is_empty() && named != self.case().opening.party.name {
            self.push(Block::field("决定书载明的当事人", named));
        }
        self.push(Block::heading("一、认定的违法事实、采纳的证据及理由"));
        self.para("", "facts");
        self.reason("认定事实的理由：", "fact_reasons");
        self.reason("证据采信的理由：", "evidence_reasons");
        self.push(Block::heading("二、适用的法律依据及理由"));
        // G-03: each citation in full, 《…》第…条第…款第（…）项, one a line.
        let basis = self.f("basis");
        let lines = zhifa_core::case::reasons::basis_lines(&basis);
        if lines.is_empty() {
            self.push(Block::field("法律依据", ""));
        }
        let n = lines.len();
        for (i, line) in lines.into_iter().enumerate() {
            let end = if line.ends_with(['。', '；', ';', '，']) {
                ""
            } else if i + 1 == n {
                "。"
            } else {
                "；"
            };
            self.push(Block::paragraph(format!("{line}{end}")));
        }
        self.reason("适用法律依据的理由：", "basis_reasons");
        self.push(Block::heading("三、适用的裁量基准及理由"));
        self.para("", "discretion");
        self.reason("行使裁量权的理由：", "discretion_reasons");
        for key in ["violation_code", "tier", "penalty_types", "fine", "fine_base", "deviation_reason"] {
            if self.rec.record.kind.field(key).is_some() && !self.rec.field(key).trim().is_empty() {
                self.field(key);
            }
        }
        // G-06: a decision without reasons says on which ground.
        let ground = self.f("reasons_exemption");
        if !ground.is_empty() {
            let detail = self.f("exemption_detail");
            let basis = self.f("exemption_basis");
            let mut text = format!("本决定依法不说明理由（{ground}）");
            if !detail.is_empty() {
                text.push_str(&format!("：{detail}"));
            }
            if !basis.is_empty() {
                text.push_str(&format!("；依据{basis}"));
            }
            self.used.push("third_party_objection");
            self.push(Block::paragraph(format!("{text}。")));
        }
        self.push(Block::heading("四、处罚决定"));
        self.para("", "conclusion");
        self.push(Block::heading("五、履行方式和期限"));
        self.para("", "performance");
        self.push(Block::heading("六、救济途径和期限"));
        let remedies = self.f("remedies");
        self.push(Block::paragraph(if remedies.is_empty() { REMEDIES.to_string() } else { remedies }));
        let agency = self.f("agency");
        let date = self.date("decided_on");
        self.used.push("sealed");
        self.closing(date, true);
        if let Some(c) = self.doc.closing.as_mut()
            && !agency.is_empty()
        {
            c.agency = agency;
        }
    }

    /// A reason of G-01 as a paragraph led by its name; nothing when not given (a decision
    /// exempt from reason-giving, or made before the reasons had fields of their own).
    fn reason(&mut self, lead: &str, key: &'static str) {
        let v = self.f(key);
        if !v.is_empty() {
            self.push(Block::paragraph(format!("{lead}{v}")));
        }
    }

    /// 当场行政处罚决定书: the pre-numbered form's number, the party, the facts,
    /// basis, penalty, the party's statements and their review, how to pay, the remedies,
    /// the officers with their certificates, the party's signature.
    fn on_the_spot(&mut self) {
        self.doc.number = self.rec.record.form_number.clone().map(|n| format!("编号：{n}"));
        self.party_block();
        let facts = self.f("facts");
        self.push(Block::field("违法事实", facts));
        // G-03: each citation in full.
        let basis = zhifa_core::case::reasons::basis_lines(&self.f("basis")).join("；");
        self.push(Block::field("处罚依据", basis));
        let penalty = match &self.rec.record.penalty {
            Some(p) => {
                let mut parts = vec![];
                if p.warning {
                    parts.push("警告".to_string());
                }
                if let Some(f) = p.fine {
                    parts.push(format!("罚款{f}"));
                }
                parts.join("，")
            }
            None => String::new(),
        };
        self.push(Block::field("处罚决定", penalty));
        let statements = self.f("statements");
        self.push(Block::field("当事人陈述、申辩及复核意见", statements));
        for key in ["violation_code", "tier", "fine_base", "deviation_reason"] {
            if self.rec.record.kind.field(key).is_some() && !self.rec.field(key).trim().is_empty() {
                self.field(key);
            }
        }
        self.push(Block::paragraph(
            "罚款应当自收到本决定书之日起十五日内缴纳；依法当场收缴的，执法人员当场出具罚款收据。到期不缴纳罚款的，每日按罚款数额的百分之三加处罚款。",
        ));
        self.push(Block::paragraph(REMEDIES));
        let place = self.f("place");
        self.push(Block::field("决定地点", place));
        self.push(Block::Signatures(vec![
            ("执法人员".into(), self.officers()),
            ("执法人员（签名）".into(), self.officer_signatures()),
            ("当事人（签名）".into(), self.party_signature()),
        ]));
        let at = self.f("decided_at");
        let date = parse_datetime(&at).map(|t| chinese_date(t.date())).unwrap_or(at);
        self.closing(date, true);
    }

    /// 送达回证: what was served on whom, how, where, when, by whom, and the
    /// recipient's signature or the refusal with its witness.
    fn service(&mut self) {
        let kind = self.rec.record.kind;
        let method = match kind {
            RecordKind::ServiceDirect => "直接送达",
            RecordKind::ServiceLodged => "留置送达",
            RecordKind::ServiceMail => "邮寄送达",
            RecordKind::ServiceEntrusted => "委托（转交）送达",
            _ => "公告送达",
        };
        let doc_number = (self.rec.record.serves.and_then(|id| self.case().record(id)))
            .map(|d| self.case().document_number(d.record.id))
            .unwrap_or_default();
        let doc_name = self.f("document");
        let mut t = Table::form();
        t.push(["案号", self.case().opening.number.as_str()]);
        t.push([
            "送达文书名称及文号".to_string(),
            format!("{doc_name}{}", if doc_number.is_empty() { String::new() } else { format!("（{doc_number}）") }),
        ]);
        t.push(["受送达人", self.case().opening.party.name.as_str()]);
        t.push(["送达方式", method]);
        for f in kind.fields() {
            if f.key == "document" {
                continue;
            }
            let v = self.rec.field(f.key).to_string();
            let v = parse_datetime(&v).map(chinese_datetime).or_else(|| parse_date(&v).map(chinese_date)).unwrap_or(v);
            self.used.push(f.key);
            t.push([f.label.to_string(), v]);
        }
        if kind.party_signs() || self.rec.record.signature.is_some() {
            t.push(["受送达人（代收人）签名".to_string(), self.party_signature()]);
        }
        if kind.officers_sign() {
            t.push(["送达人（签名）".to_string(), self.officer_signatures()]);
        }
        t.push(["备注", ""]);
        self.push(Block::Table(t));
    }

    /// 催告书 (R-15, 行政强制法 Art 35): the obligation, the deadline, the party's right to
    /// state its case, what follows if it does not perform.
    fn reminder(&mut self) {
        self.doc.number = self.number();
        self.addressee();
        let decision = self
            .case()
            .records_of(RecordKind::DecisionDocument)
            .last()
            .map(|d| {
                let on = parse_date(d.field("decided_on")).map(chinese_date).unwrap_or_default();
                let n = self.case().document_number(d.record.id);
                let n = if n.is_empty() { String::new() } else { format!("（{n}）") };
                format!("本机关于{on}对你（单位）作出《行政处罚决定书》{n}，")
            })
            .unwrap_or_else(|| "本机关依法对你（单位）作出行政决定，".into());
        let obligation = or_blank(self.f("obligation"));
        let deadline = or_blank(self.date("deadline"));
        self.push(Block::paragraph(format!(
            "{decision}你（单位）至今未履行。根据《中华人民共和国行政强制法》第三十五条的规定，现催告你（单位）于{deadline}前履行下列义务：{obligation}"
        )));
        self.push(Block::paragraph(
            "你（单位）有权进行陈述和申辩，可以在收到本催告书之日起三日内向本机关提出。逾期仍不履行的，本机关将依法强制执行或者申请人民法院强制执行。",
        ));
        let date = self.issued_on();
        self.closing(date, true);
    }

    /// Any other record: a form of all its fields.
    fn generic(&mut self) {
        let kind = self.rec.record.kind;
        // A numbered document (行政强制措施决定书) prints its number under the title.
        if kind.numbered_at_issue() {
            self.doc.number = self.number();
        }
        let mut t = Table::form();
        t.push(["案号", self.case().opening.number.as_str()]);
        t.push(["当事人", self.case().opening.party.name.as_str()]);
        for f in kind.fields() {
            if self.used.contains(&f.key) {
                continue;
            }
            let v = self.rec.field(f.key).to_string();
            self.used.push(f.key);
            t.push([f.label.to_string(), v]);
        }
        if !self.rec.record.officers.is_empty() {
            t.push(["执法人员".to_string(), self.officers()]);
        }
        if self.rec.record.signature.is_some() {
            t.push(["当事人签名".to_string(), self.party_signature()]);
        }
        self.push(Block::Table(t));
    }

    /// Fields the builder did not place (added to the kind later, or optional ones).
    fn rest(&mut self) {
        let kind = self.rec.record.kind;
        let left: Vec<_> = kind
            .fields()
            .iter()
            .filter(|f| !self.used.contains(&f.key) && !self.rec.field(f.key).trim().is_empty())
            .collect();
        if left.is_empty() {
            return;
        }
        // Before the signatures if there are any, else at the end of the body.
        let at =
            self.doc.blocks.iter().position(|b| matches!(b, Block::Signatures(_))).unwrap_or(self.doc.blocks.len());
        let blocks: Vec<Block> = left.iter().map(|f| Block::field(f.label, self.rec.field(f.key).trim())).collect();
        self.doc.blocks.splice(at..at, blocks);
    }
}

/// A value inline in a sentence, or a blank to fill in.
fn or_blank(v: String) -> String {
    if v.trim().is_empty() { "＿＿＿＿＿＿".to_string() } else { v }
}

fn strip_lead<'s>(s: &'s str, lead: &str) -> &'s str {
    s.strip_prefix(lead).map(|r| r.trim_start_matches(['，', ',', '：', ':'])).unwrap_or(s)
}

/// The questions and answers of an inquiry as a table: lines starting with 问 or 答 open
/// a row; other lines continue the row before them. Without any, the content is one row.
pub fn qa_table(content: &str) -> Block {
    let mut t = Table::new(&[("", 1), ("", 11)]);
    t.header = false;
    t.rows.clear();
    for line in content.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let (who, rest) = ["问", "答"]
            .iter()
            .find_map(|w| line.strip_prefix(w).map(|r| (*w, r.trim_start_matches(['：', ':', ' ', '　']))))
            .unwrap_or(("", line));
        match (who, t.rows.last_mut()) {
            ("", Some(last)) => {
                last[1].push('\n');
                last[1].push_str(rest);
            }
            _ => t.rows.push(vec![who.to_string(), rest.to_string()]),
        }
    }
    if t.rows.is_empty() {
        t.rows.push(vec!["问".into(), String::new()]);
        t.rows.push(vec!["答".into(), String::new()]);
    }
    Block::Table(t)
}
