//! Demo cases of 安乡县市场监督管理局 in several stages, so that a newcomer sees the
//! whole-process record at work: one just filed, one in investigation lacking its AV
//! record, one decided and served, one closed under the simplified procedure and archived.
//! Every step goes through the same services an officer uses.

use uuid::Uuid;
use zhifa_core::access::Principal;
use zhifa_core::case::{
    ApprovalStep, Initiation, Party, PartyKind, Procedure, RecordKind, Signature, SpotPenalty, Stage,
};
use zhifa_core::money::Money;
use zhifa_core::personnel::StaffKind;
use zhifa_core::registry::{ActKind, FormBook, UnitKind};

use crate::cases::{OpenCaseInput, RecordInput, beijing_now};
use crate::{App, AppError, AppResult};

/// The demo accounts and officers of 安乡县市场监督管理局 that the demo cases use.
pub(crate) struct Cast {
    pub(crate) agency: Uuid,
    pub(crate) unit: Uuid,
    pub(crate) zf: Principal,
    /// Reviews approval forms: a different account from the handler and the head.
    pub(crate) reviewer: Principal,
    pub(crate) head: Principal,
    pub(crate) officers: Vec<Uuid>,
}

fn org(name: &str, uscc: &str) -> Party {
    Party {
        kind: PartyKind::Organisation,
        name: name.into(),
        id_number: uscc.into(),
        address: "湖南省常德市安乡县深柳镇".into(),
        phone: "0736-4321000".into(),
        representative: "刘建军".into(),
        minor: false,
    }
}

impl App {
    pub(crate) async fn principal(&self, username: &str) -> AppResult<Principal> {
        Ok(self.db.account_for_login(username).await?.ok_or(AppError::NotFound("演示账号"))?.0.principal())
    }

    pub(crate) async fn cast(&self) -> AppResult<Cast> {
        let zf = self.principal("scj-zf").await?;
        let reviewer = self.principal("scj-zfb").await?;
        let head = self.principal("scj-head").await?;
        let agency = zf.agency_id.ok_or(AppError::NotFound("执法机关"))?;
        let unit = self
            .db
            .units(agency)
            .await?
            .into_iter()
            .find(|u| u.kind == UnitKind::Handling)
            .ok_or(AppError::NotFound("承办机构"))?
            .id;
        let officers = self.officers_in_post("scj-zf").await?;
        Ok(Cast { agency, unit, zf, reviewer, head, officers })
    }

    /// The officers in post of a demo account's agency, the account's own officer first —
    /// the pair the demo cases (and the tests built on the demo) assign.
    pub async fn officers_in_post(&self, username: &str) -> AppResult<Vec<Uuid>> {
        let account = self.db.account_for_login(username).await?.ok_or(AppError::NotFound("演示账号"))?.0;
        let agency = account.agency_id.ok_or(AppError::NotFound("执法机关"))?;
        let mut officers: Vec<Uuid> = self
            .db
            .officers(agency)
            .await?
            .into_iter()
            .filter(|o| o.kind == StaffKind::Officer && o.left_on.is_none())
            .map(|o| o.id)
            .collect();
        officers.sort_by_key(|o| Some(*o) != account.officer_id);
        Ok(officers)
    }

    pub(crate) fn demo_open(
        c: &Cast,
        kind: ActKind,
        procedure: Procedure,
        initiation: Initiation,
        party: Party,
        summary: &str,
    ) -> OpenCaseInput {
        OpenCaseInput {
            agency_id: c.agency,
            act_kind: kind,
            procedure,
            initiation,
            party,
            summary: summary.into(),
            item_code: None,
            handling_unit: c.unit,
            officers: c.officers[..2].to_vec(),
            auxiliaries: vec![],
            violation_ended_on: Some(beijing_now().date() - chrono::Days::new(7)),
            serious_harm: false,
            limitation_override: String::new(),
        }
    }

    pub(crate) async fn demo_chain(&self, c: &Cast, case: Uuid, record: Uuid) -> AppResult<()> {
        self.give_approval(&c.zf, case, record, ApprovalStep::Handler, true, "建议同意").await?;
        self.give_approval(&c.reviewer, case, record, ApprovalStep::Reviewer, true, "经审核，同意").await?;
        self.give_approval(&c.head, case, record, ApprovalStep::Approver, true, "同意").await
    }

    async fn demo_filed(
        &self,
        c: &Cast,
        initiation: Initiation,
        party: Party,
        summary: &str,
        kind: ActKind,
    ) -> AppResult<Uuid> {
        let now = beijing_now().format("%Y-%m-%d %H:%M").to_string();
        let id = self
            .open_case(&c.zf, Self::demo_open(c, kind, Procedure::Ordinary, initiation, party.clone(), summary))
            .await?;
        if initiation == Initiation::Complaint {
            let r = RecordInput::new(
                RecordKind::ComplaintRegistration,
                &[
                    ("complainant", "王某"),
                    ("real_name", "是"),
                    ("contact", "139****0000"),
                    ("content", summary),
                    ("received_at", &now),
                    ("recorder", "李建国"),
                    ("handling", "转执法大队核查"),
                ],
            );
            self.add_record(&c.zf, id, r).await?;
        }
        let mut approval = RecordInput::new(
            RecordKind::FilingApproval,
            &[
                ("reason", summary),
                ("party", &party.name),
                ("handler_opinion", "涉嫌违法，建议立案调查"),
                ("unit_opinion", "同意立案"),
                ("head_approval", "同意"),
                ("approved_at", &now),
            ],
        );
        approval.officers = vec![c.officers[0]];
        let rid = self.add_record(&c.zf, id, approval).await?;
        self.demo_chain(c, id, rid).await?;
        self.complete_stage(&c.zf, id, Stage::Initiation).await?;
        Ok(id)
    }

    /// Loads the demo cases (called by `load_demo` on a fresh database).
    pub async fn load_demo_cases(&self) -> AppResult<()> {
        let c = self.cast().await?;
        let now = beijing_now();
        let at = now.format("%Y-%m-%d %H:%M").to_string();
        let today = now.format("%Y-%m-%d").to_string();

        // 1. Just opened from a complaint: the initiation stage lists what is missing.
        let id = self
            .open_case(
                &c.zf,
                Self::demo_open(
                    &c,
                    ActKind::Inspection,
                    Procedure::Ordinary,
                    Initiation::Complaint,
                    org("安乡县某某KTV", "91430721MA4L000018"),
                    "夜间噪声扰民投诉核查",
                ),
            )
            .await?;
        let _ = id;

        // 2. In investigation: a site inspection without its AV record yet.
        let id = self
            .demo_filed(
                &c,
                Initiation::ExOfficio { urgent: false },
                org("安乡县某某超市", "91430721MA4L000026"),
                "涉嫌销售超过保质期的食品",
                ActKind::Penalty,
            )
            .await?;
        let mut site = RecordInput::new(
            RecordKind::SiteInspection,
            &[
                ("place", "安乡县某某超市食品货架"),
                ("started_at", &at),
                ("ended_at", &at),
                ("present", "店长刘建军"),
                ("content", "货架上发现超过保质期的纯牛奶12盒，已拍照并先行登记保存"),
            ],
        );
        site.officers = c.officers[..2].to_vec();
        site.officers_signed = c.officers[..2].to_vec();
        site.credentials_shown = true;
        site.signature = Some(Signature::Signed { signer: "刘建军".into() });
        self.add_record(&c.zf, id, site).await?;
        let mut inquiry = RecordInput::new(
            RecordKind::Inquiry,
            &[
                ("interviewee", "刘建军（店长）"),
                ("place", "安乡县市场监督管理局询问室"),
                ("started_at", &at),
                ("ended_at", &at),
                ("rights_notified", "是"),
                ("content", "问：货架上的过期牛奶是何时进货的？答：上月进货，未及时下架。"),
            ],
        );
        inquiry.officers = c.officers[..2].to_vec();
        inquiry.officers_signed = c.officers[..2].to_vec();
        inquiry.credentials_shown = true;
        inquiry.signature = Some(Signature::Refused {
            reason: "当事人拒绝在笔录上签字".into(),
            witness: "社区网格员周某".into(),
        });
        self.add_record(&c.zf, id, inquiry).await?;

        // 3. Simplified procedure: decided on the spot, paid, filed, closed and archived.
        let book = FormBook {
            id: Uuid::new_v4(),
            prefix: "安市监简".into(),
            first: 1,
            last: 500,
            width: 6,
            issued_on: now.date(),
            holder: None,
        };
        self.issue_form_book(&self.principal("scj-admin").await?, c.agency, book).await?;
        let person = Party {
            kind: PartyKind::Person,
            name: "张某某".into(),
            id_number: String::new(),
            address: "安乡县深柳镇人民路".into(),
            phone: String::new(),
            representative: String::new(),
            minor: false,
        };
        let id = self
            .open_case(
                &c.zf,
                Self::demo_open(
                    &c,
                    ActKind::Penalty,
                    Procedure::Simplified,
                    Initiation::ExOfficio { urgent: false },
                    person,
                    "未将营业执照置于经营场所醒目位置，经责令改正拒不改正",
                ),
            )
            .await?;
        self.complete_stage(&c.zf, id, Stage::Initiation).await?;
        self.complete_stage(&c.zf, id, Stage::Investigation).await?;
        let mut spot = RecordInput::new(
            RecordKind::OnTheSpotDecision,
            &[
                ("facts", "当事人在人民路经营的个体门店未将营业执照置于醒目位置，经当场责令改正后拒不改正"),
                ("basis", "《中华人民共和国市场主体登记管理条例》第四十八条第一款"),
                ("statements", "当事人无异议，未提出陈述申辩"),
                ("decided_at", &at),
                ("place", "安乡县深柳镇人民路"),
                // B-02: inside the 一般 tier of the agency's benchmark (罚款1万元以下).
                ("violation_code", "AX-SC-DJ-001"),
                ("tier", "一般"),
            ],
        );
        spot.officers = c.officers[..2].to_vec();
        spot.officers_signed = c.officers[..2].to_vec();
        spot.credentials_shown = true;
        spot.signature = Some(Signature::Signed { signer: "张某某".into() });
        spot.form_number = Some("安市监简000001".into());
        spot.penalty = Some(SpotPenalty { warning: false, fine: Some(Money::from_yuan(200)) });
        let spot = self.add_record(&c.zf, id, spot).await?;
        // The decision as the party got it, when this server can render and store PDFs: its
        // paper's QR code leads to /d/<id>, and the archive package carries the PDF.
        if self.blob_store().is_ok() && self.documents.fonts().check().is_ok() {
            self.issue_document(&c.zf, id, spot).await?;
        }
        self.complete_stage(&c.zf, id, Stage::Decision).await?;
        // G-05: the reasons were given orally at the scene (000 附件4 Art 15); the party
        // asks for them in writing and is answered the same day, within the 7 days.
        let mut request = RecordInput::new(
            RecordKind::ReasonsRequest,
            &[
                ("requested_on", &today),
                ("requester", "张某某"),
                ("about", "请书面说明当场罚款二百元的理由"),
                ("method", "书面"),
            ],
        );
        request.serves = Some(spot);
        let request = self.add_record(&c.zf, id, request).await?;
        let mut reply = RecordInput::new(
            RecordKind::ReasonsReply,
            &[
                ("replied_on", &today),
                (
                    "reasons",
                    "执法人员当场查看门店并经当事人确认，营业执照未置于醒目位置，经当场责令改正后拒不改正，违反《中华人民共和国市场主体登记管理条例》第三十六条；依第四十八条第一款及本局裁量基准“一般”阶次（罚款一万元以下），考虑到个体门店经营场所较小、初次被查处，罚款二百元，适用简易程序当场作出决定",
                ),
            ],
        );
        reply.serves = Some(request);
        self.add_record(&c.zf, id, reply).await?;
        self.complete_stage(&c.zf, id, Stage::Service).await?;
        self.add_record(
            &c.zf,
            id,
            RecordInput::new(RecordKind::FineReceipt, &[("receipt_number", "湘财罚00012345"), ("paid_on", &today)]),
        )
        .await?;
        self.complete_stage(&c.zf, id, Stage::Execution).await?;
        self.add_record(
            &c.zf,
            id,
            RecordInput::new(
                RecordKind::SimplifiedFiling,
                &[("filed_with", "安乡县市场监督管理局法制股"), ("filed_on", &today)],
            ),
        )
        .await?;
        self.complete_stage(&c.zf, id, Stage::Closure).await?;
        self.archive_case(&c.zf, id).await?;
        Ok(())
    }
}
