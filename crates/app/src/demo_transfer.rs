//! A case for the transfer tests (行刑衔接, V-02): a simplified-procedure case of
//! 安乡县市场监督管理局 decided on the spot with a fine, served, paid and filed, so that only
//! the closure stage is left — the case the V-02 gate is about. Every step goes through the
//! services an officer uses.

use uuid::Uuid;
use zhifa_core::case::{Initiation, Party, PartyKind, Procedure, RecordKind, Signature, SpotPenalty, Stage};
use zhifa_core::money::Money;
use zhifa_core::registry::ActKind;

use crate::cases::{RecordInput, beijing_now};
use crate::{App, AppResult};

impl App {
    /// Opens a simplified case against the citizen `party` by scj-zf, decides it on the spot
    /// with a fine of 200 yuan on the demo form book's number `form_seq` (the demo uses 1),
    /// records the payment and the filing, and leaves it in its closure stage. Needs the
    /// demo data (`load_demo`).
    pub async fn demo_spot_fine_before_closure(&self, party: &str, form_seq: u32) -> AppResult<Uuid> {
        self.demo_spot_case(party, form_seq, 200).await
    }

    /// The same case with a fine of `fine_yuan`, up to its closure stage (also what
    /// `demo_closed_case` closes).
    pub(crate) async fn demo_spot_case(&self, party: &str, form_seq: u32, fine_yuan: i64) -> AppResult<Uuid> {
        let c = self.cast().await?;
        let now = beijing_now();
        let (today, at) = (now.format("%Y-%m-%d").to_string(), now.format("%Y-%m-%d %H:%M").to_string());
        let person = Party {
            kind: PartyKind::Person,
            name: party.into(),
            id_number: String::new(),
            address: "安乡县深柳镇人民路".into(),
            phone: String::new(),
            representative: String::new(),
            minor: false,
        };
        let input = Self::demo_open(
            &c,
            ActKind::Penalty,
            Procedure::Simplified,
            Initiation::ExOfficio { urgent: false },
            person,
            "未将营业执照置于经营场所醒目位置，经责令改正拒不改正",
        );
        let id = self.open_case(&c.zf, input).await?;
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
                ("violation_code", "AX-SC-DJ-001"),
                ("tier", "一般"),
            ],
        );
        spot.officers = c.officers[..2].to_vec();
        spot.officers_signed = c.officers[..2].to_vec();
        spot.credentials_shown = true;
        spot.signature = Some(Signature::Signed { signer: party.into() });
        spot.form_number = Some(format!("安市监简{form_seq:06}"));
        spot.penalty = Some(SpotPenalty { warning: false, fine: Some(Money::from_yuan(fine_yuan)) });
        self.add_record(&c.zf, id, spot).await?;
        self.complete_stage(&c.zf, id, Stage::Decision).await?;
        self.complete_stage(&c.zf, id, Stage::Service).await?;
        let receipt = format!("湘财罚{:08}", 20_000 + form_seq);
        self.add_record(
            &c.zf,
            id,
            RecordInput::new(RecordKind::FineReceipt, &[("receipt_number", &receipt), ("paid_on", &today)]),
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
        Ok(id)
    }
}
