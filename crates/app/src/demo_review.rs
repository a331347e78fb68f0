//! The demo's legal review (L-01…L-11): 安乡县市场监督管理局's review catalogue, and a
//! major penalty case submitted to its legal unit, so the review queue of `scj-fzsh` is not
//! empty. Every step goes through the services an officer uses.

use uuid::Uuid;
use zhifa_core::access::Principal;
use zhifa_core::case::review::decide::Submission;
use zhifa_core::case::review::{ReviewCatalogueEntry, ReviewCatalogueKind};
use zhifa_core::case::{ApprovalStep, Initiation, Party, PartyKind, Procedure, RecordKind, Stage};
use zhifa_core::money::Money;
use zhifa_core::registry::{ActKind, UnitKind};

use crate::cases::{OpenCaseInput, RecordInput, beijing_now};
use crate::{App, AppError, AppResult};

impl App {
    async fn demo_account(&self, username: &str) -> AppResult<Principal> {
        Ok(self.db.account_for_login(username).await?.ok_or(AppError::NotFound("演示账号"))?.0.principal())
    }

    /// The review catalogue and the case in review (called by `load_demo`).
    pub(crate) async fn load_demo_review(&self) -> AppResult<()> {
        let admin = self.demo_account("scj-admin").await?;
        let zf = self.demo_account("scj-zf").await?;
        let zfb = self.demo_account("scj-zfb").await?;
        let head = self.demo_account("scj-head").await?;
        let agency = zf.agency_id.ok_or(AppError::NotFound("执法机关"))?;
        for what in [
            ReviewCatalogueKind::ConfiscationThreshold { amount: Money::from_yuan(10_000) },
            ReviewCatalogueKind::Item { code: "AX-SC-004".into() },
            ReviewCatalogueKind::Category {
                label: "涉及学校周边食品安全、可能引发群体性事件的".into()
            },
        ] {
            let entry =
                ReviewCatalogueEntry {
                    id: Uuid::new_v4(), what, basis: "本局重大执法决定法制审核目录（演示）".into()
                };
            self.list_review_entry(&admin, agency, entry).await?;
        }
        let unit = self
            .db
            .units(agency)
            .await?
            .into_iter()
            .find(|u| u.kind == UnitKind::Handling)
            .ok_or(AppError::NotFound("承办机构"))?
            .id;
        let officers = self.officers_in_post("scj-zf").await?;
        let now = beijing_now();
        let at = now.format("%Y-%m-%d %H:%M").to_string();
        let today = now.format("%Y-%m-%d").to_string();
        let party = Party {
            kind: PartyKind::Person,
            name: "王某某".into(),
            id_number: String::new(),
            address: "安乡县深柳镇书院洲路".into(),
            phone: String::new(),
            representative: String::new(),
            minor: false,
        };
        let id = self
            .open_case(
                &zf,
                OpenCaseInput {
                    agency_id: agency,
                    act_kind: ActKind::Penalty,
                    procedure: Procedure::Ordinary,
                    initiation: Initiation::ExOfficio { urgent: false },
                    party,
                    summary: "未将营业执照置于经营场所醒目位置，经责令改正拒不改正".into(),
                    item_code: None,
                    handling_unit: unit,
                    officers: officers[..2].to_vec(),
                    auxiliaries: vec![],
                    violation_ended_on: Some(now.date() - chrono::Days::new(10)),
                    serious_harm: false,
                    limitation_override: String::new(),
                },
            )
            .await?;
        let chain = |record: Uuid| {
            let (zf, zfb, head) = (zf.clone(), zfb.clone(), head.clone());
            async move {
                self.give_approval(&zf, id, record, ApprovalStep::Handler, true, "建议同意").await?;
                self.give_approval(&zfb, id, record, ApprovalStep::Reviewer, true, "经审核，同意").await?;
                self.give_approval(&head, id, record, ApprovalStep::Approver, true, "同意").await
            }
        };
        let mut filing = RecordInput::new(
            RecordKind::FilingApproval,
            &[
                ("reason", "经责令改正，当事人拒不将营业执照置于醒目位置"),
                ("party", "王某某"),
                ("handler_opinion", "涉嫌违法，建议立案调查"),
                ("unit_opinion", "同意立案"),
                ("head_approval", "同意"),
                ("approved_at", &at),
            ],
        );
        filing.officers = vec![officers[0]];
        let filing = self.add_record(&zf, id, filing).await?;
        chain(filing).await?;
        self.complete_stage(&zf, id, Stage::Initiation).await?;
        self.add_record(
            &zf,
            id,
            RecordInput::new(
                RecordKind::DocumentaryEvidence,
                &[
                    ("description", "责令改正通知书及送达回证、门店照片说明"),
                    ("source", "本局执法人员制作、收集"),
                    ("collected_on", &today),
                    ("proves", "当事人经责令改正后拒不改正"),
                ],
            ),
        )
        .await?;
        self.add_record(
            &zf,
            id,
            RecordInput::new(
                RecordKind::InvestigationReport,
                &[
                    ("facts", "当事人经营规模较大，经责令改正后仍未将营业执照置于醒目位置"),
                    ("evidence", "责令改正通知书、送达回证、现场照片"),
                    ("proposal", "罚款人民币一万五千元"),
                    ("reported_on", &today),
                ],
            ),
        )
        .await?;
        self.complete_stage(&zf, id, Stage::Investigation).await?;
        let draft = RecordInput::new(
            RecordKind::DecisionDraft,
            &[
                ("drafter", "李建国"),
                ("facts", "当事人经营规模较大，经责令改正后仍未将营业执照置于醒目位置"),
                ("evidence", "责令改正通知书、送达回证、现场照片"),
                ("basis", "《中华人民共和国市场主体登记管理条例》第四十八条第一款"),
                ("considerations", "拒不改正，经营规模较大，属“较重”情形"),
                ("proposal", "罚款人民币一万五千元"),
                ("violation_code", "AX-SC-DJ-001"),
                ("tier", "较重"),
                ("penalty_types", "罚款"),
                ("fine", "15000"),
            ],
        );
        let draft = self.add_record(&zf, id, draft).await?;
        chain(draft).await?;
        // 罚款一万五千元 for a citizen reaches 安乡's threshold (L-01): to the legal unit.
        self.submit_review(
            &zf,
            id,
            Submission { note: "拟罚款达到较大数额标准，提请法制审核".into(), ..Default::default() },
        )
        .await?;
        Ok(())
    }
}

/// The legal basis of the demo review case's decision, one citation a line (G-03): the
/// violation type's violation and penalty bases, both in 安乡's basis catalogue.
pub const DECISION_BASIS: &str =
    "《中华人民共和国市场主体登记管理条例》第三十六条\n《中华人民共和国市场主体登记管理条例》第四十八条第一款";

/// The four reasons of the demo review case's decision (G-01), detailed as a major decision
/// needs them (Art 5): the evidence reason names the case's documentary evidence (书证), the
/// discretion reason the tier applied (较重).
pub const DECISION_REASONS: [(&str, &str); 4] = [
    (
        "fact_reasons",
        "本局责令当事人限期将营业执照置于经营场所醒目位置，期满复查时当事人仍未改正，责令改正通知书、送达回证与复查情况相互印证，足以认定当事人拒不改正",
    ),
    (
        "evidence_reasons",
        "书证责令改正通知书及送达回证由本局依法制作并送达，来源合法、内容真实，与拒不改正的事实直接关联，予以采信；当事人未提出相反证据",
    ),
    (
        "basis_reasons",
        "当事人未将营业执照置于主要经营场所醒目位置，违反市场主体登记管理条例第三十六条；经责令改正拒不改正，符合第四十八条第一款规定的处罚情形",
    ),
    (
        "discretion_reasons",
        "当事人拒不改正且经营规模较大，属于本局裁量基准“较重”阶次的情形，该阶次罚款幅度为一万元至二万元，未见从轻情节，确定罚款一万五千元",
    ),
];
