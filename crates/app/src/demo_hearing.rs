//! The demo's penalty case heard before its decision (G-02, N-04, N-05): 安乡县市场监督管理局
//! proposes 罚款一万五千元 to a citizen — a large fine, so the prior notice tells of the
//! right to a hearing —, the notice is mailed and received, the party's statement and
//! evidence are answered point by point, and the party asks for a hearing. The hearing
//! notice (with its host) is left for the user, so the decision stage shows what it waits
//! for. Every step goes through the services an officer uses.

use zhifa_core::case::defence::{PointAnswer, PointKind, StatementPoint};
use zhifa_core::case::{RecordKind, Signature};

use crate::cases::{RecordInput, beijing_now};
use crate::demo_penalty::{DemoPenalty, prior_notice_fields};
use crate::{App, AppResult};

/// The demo hearing case's party, by which tests and the browser find it.
pub const DEMO_HEARING_PARTY: &str = "赵某某";

impl App {
    /// The heard case (called by `load_demo`).
    pub(crate) async fn load_demo_hearing(&self) -> AppResult<()> {
        let zf = self.principal("scj-zf").await?;
        let today = beijing_now().format("%Y-%m-%d").to_string();
        let id = self
            .demo_penalty_in_decision(&DemoPenalty {
                address: "安乡县深柳镇文化路",
                summary: "未将营业执照置于经营场所醒目位置，经责令改正拒不改正（申请听证）",
                ended_days_ago: 12,
                ..DemoPenalty::major(DEMO_HEARING_PARTY)
            })
            .await?;
        // 罚款一万五千元 reaches 安乡's large fine for a citizen: the notice tells of the
        // right to a hearing (Art 63), and the period to ask for one (Art 64).
        let mut notice = RecordInput::new(RecordKind::PriorNotice, &[("document_number", "（出具时编号）")]);
        notice.fields.extend(prior_notice_fields(&today).map(|(k, v)| (k.to_string(), v)));
        let notice = self.add_record(&zf, id, notice).await?;
        let mut mail = RecordInput::new(
            RecordKind::ServiceMail,
            &[
                ("document", "行政处罚事先告知书"),
                ("mail_kind", "挂号信"),
                ("tracking_number", "XA202611290001CN"),
                ("sent_on", &today),
                ("receipt", DEMO_HEARING_PARTY),
                ("received_on", &today),
            ],
        );
        mail.serves = Some(notice);
        self.add_record(&zf, id, mail).await?;
        let mut statement = RecordInput::new(
            RecordKind::StatementDefence,
            &[("heard_on", &today), ("statements", "当事人对违法事实无异议，对罚款数额提出申辩并提交证据一份")],
        );
        statement.signature = Some(Signature::Signed { signer: DEMO_HEARING_PARTY.into() });
        statement.points = vec![
            StatementPoint::new(
                PointKind::Defence,
                "门店装修，营业执照暂时收起，并非拒不改正",
                Some(PointAnswer::NotAdopted),
                "责令改正通知书送达后十五日复查时门店已正常营业，营业执照仍未悬挂",
            ),
            StatementPoint::new(
                PointKind::Evidence,
                "装修合同一份（证明装修期间）",
                Some(PointAnswer::Adopted),
                "装修期间属实，作为从轻情节考虑",
            ),
        ];
        self.add_record(&zf, id, statement).await?;
        let request = RecordInput::new(
            RecordKind::HearingRequest,
            &[
                ("requested_on", &today),
                ("applicant", DEMO_HEARING_PARTY),
                ("form", "书面"),
                ("content", "对罚款数额有异议，要求举行听证"),
            ],
        );
        self.add_record(&zf, id, request).await?;
        Ok(())
    }
}
