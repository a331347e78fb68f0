//! A demo penalty case of 安乡县市场监督管理局 brought to its decision stage: opened ex officio
//! by scj-zf for failing to display the business licence after an order to correct, its
//! filing approved along the R-19 chain, investigated (documentary evidence and the final
//! report), and a draft decision with the proposal of [`DemoPenalty`] approved. The demo's
//! review and hearing cases start here, and so do the tests that need such a case. Every
//! step goes through the services an officer uses.

use uuid::Uuid;
use zhifa_core::case::{Initiation, Party, PartyKind, Procedure, RecordKind, Stage};
use zhifa_core::registry::ActKind;

use crate::cases::{RecordInput, beijing_now};
use crate::{App, AppResult};

/// What distinguishes one demo penalty case from another: the party (a citizen) and the
/// draft's proposal under the violation type AX-SC-DJ-001 of 安乡's discretion benchmark.
#[derive(Debug, Clone)]
pub struct DemoPenalty<'a> {
    pub party: &'a str,
    pub address: &'a str,
    pub summary: &'a str,
    /// How many days ago the violation ended (the limitation clock, N-07).
    pub ended_days_ago: u64,
    pub considerations: &'a str,
    pub proposal: &'a str,
    pub tier: &'a str,
    /// The fine in yuan, as an officer types it.
    pub fine: &'a str,
}

impl<'a> DemoPenalty<'a> {
    /// 罚款人民币一万五千元 to the citizen `party` in the 较重 tier — a large fine, so the
    /// decision is major under 安乡's profile (L-01) and the party may ask for a hearing.
    pub fn major(party: &'a str) -> Self {
        DemoPenalty {
            party,
            address: "安乡县",
            summary: "未将营业执照置于经营场所醒目位置，经责令改正拒不改正",
            ended_days_ago: 5,
            considerations: "拒不改正，经营规模较大，属“较重”情形",
            proposal: "罚款人民币一万五千元",
            tier: "较重",
            fine: "15000",
        }
    }
}

/// The facts found by the demo penalty cases' investigation.
pub const DEMO_FACTS: &str = "当事人经营规模较大，经责令改正后仍未将营业执照置于醒目位置";

/// The prior notice of the demo's 罚款一万五千元 to a citizen, issued on `issued_on`
/// (N-04, G-02): facts, reasons, basis, the intended decision, and the party's rights —
/// a large fine, so the hearing too (Art 63) and the period to ask for it (Art 64).
pub fn prior_notice_fields(issued_on: &str) -> [(&'static str, String); 6] {
    [
        ("facts", DEMO_FACTS.into()),
        ("reasons", "当事人经责令改正拒不改正，违反《中华人民共和国市场主体登记管理条例》第三十六条".into()),
        ("basis", "《中华人民共和国市场主体登记管理条例》第四十八条第一款".into()),
        ("intended_decision", "罚款人民币一万五千元".into()),
        (
            "rights",
            "你享有陈述、申辩的权利；拟作出的罚款属较大数额，你有权要求听证，可在收到本告知书之日起五个工作日内提出，逾期视为放弃"
                .into(),
        ),
        ("issued_on", issued_on.into()),
    ]
}

impl App {
    /// Opens the case of `d` and brings it to its decision stage with the draft approved;
    /// returns its id. Needs the demo data (`load_demo`).
    pub async fn demo_penalty_in_decision(&self, d: &DemoPenalty<'_>) -> AppResult<Uuid> {
        let c = self.cast().await?;
        let now = beijing_now();
        let (today, at) = (now.format("%Y-%m-%d").to_string(), now.format("%Y-%m-%d %H:%M").to_string());
        let party = Party {
            kind: PartyKind::Person,
            name: d.party.into(),
            id_number: String::new(),
            address: d.address.into(),
            phone: String::new(),
            representative: String::new(),
            minor: false,
        };
        let initiation = Initiation::ExOfficio { urgent: false };
        let mut input = Self::demo_open(&c, ActKind::Penalty, Procedure::Ordinary, initiation, party, d.summary);
        input.violation_ended_on = Some(now.date() - chrono::Days::new(d.ended_days_ago));
        let id = self.open_case(&c.zf, input).await?;
        let mut filing = RecordInput::new(
            RecordKind::FilingApproval,
            &[
                ("reason", "经责令改正，当事人拒不将营业执照置于醒目位置"),
                ("party", d.party),
                ("handler_opinion", "涉嫌违法，建议立案调查"),
                ("unit_opinion", "同意立案"),
                ("head_approval", "同意"),
                ("approved_at", &at),
            ],
        );
        filing.officers = vec![c.officers[0]];
        let filing = self.add_record(&c.zf, id, filing).await?;
        self.demo_chain(&c, id, filing).await?;
        self.complete_stage(&c.zf, id, Stage::Initiation).await?;
        let evidence = RecordInput::new(
            RecordKind::DocumentaryEvidence,
            &[
                ("description", "责令改正通知书及送达回证、复查时的门店照片说明"),
                ("source", "本局执法人员制作、收集"),
                ("collected_on", &today),
                ("proves", "当事人经责令改正后拒不改正"),
            ],
        );
        self.add_record(&c.zf, id, evidence).await?;
        let report = RecordInput::new(
            RecordKind::InvestigationReport,
            &[
                ("facts", DEMO_FACTS),
                ("evidence", "责令改正通知书、送达回证、现场照片"),
                ("proposal", d.proposal),
                ("reported_on", &today),
            ],
        );
        self.add_record(&c.zf, id, report).await?;
        self.complete_stage(&c.zf, id, Stage::Investigation).await?;
        let draft = RecordInput::new(
            RecordKind::DecisionDraft,
            &[
                ("drafter", "李建国"),
                ("facts", DEMO_FACTS),
                ("evidence", "责令改正通知书、送达回证、现场照片"),
                ("basis", "《中华人民共和国市场主体登记管理条例》第四十八条第一款"),
                ("considerations", d.considerations),
                ("proposal", d.proposal),
                ("violation_code", "AX-SC-DJ-001"),
                ("tier", d.tier),
                ("penalty_types", "罚款"),
                ("fine", d.fine),
            ],
        );
        let draft = self.add_record(&c.zf, id, draft).await?;
        self.demo_chain(&c, id, draft).await?;
        Ok(id)
    }
}
