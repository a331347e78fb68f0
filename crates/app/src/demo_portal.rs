//! The demo's published decision (issue 5): a major penalty on a citizen, approved by the
//! legal unit, its decision made with the party's ID number, mobile and home address
//! written into the facts — as officers do —, issued as a PDF and published, so that the
//! portal's list, search, redaction and ledger proof have something real to show. It needs
//! the evidence store and the fonts (the PDF); without them the demo goes on without it.

use uuid::Uuid;
use zhifa_core::case::RecordKind;
use zhifa_core::case::review::decide::{Conclude, Submission};
use zhifa_core::case::review::{ChecklistAnswer, ChecklistItem, Opinion};

use crate::cases::{RecordInput, beijing_now};
use crate::demo_penalty::DemoPenalty;
use crate::{App, AppResult};

/// The published demo decision's party (shown as 周** on the portal).
pub const DEMO_PUBLISHED_PARTY: &str = "周建军";
/// The party's citizen ID number, written into the facts and removed on the portal.
pub const DEMO_PUBLISHED_ID: &str = "430721198805152318";
/// The party's mobile, written into the facts and removed on the portal.
pub const DEMO_PUBLISHED_MOBILE: &str = "13907361234";

impl App {
    /// A major penalty for `party` through legal review to its decision, whose facts are
    /// `facts`, issued. Returns the case and the decision record.
    pub async fn demo_issued_decision(&self, party: &DemoPenalty<'_>, facts: &str) -> AppResult<(Uuid, Uuid)> {
        let (zf, fzsh) = (self.principal("scj-zf").await?, self.principal("scj-fzsh").await?);
        let id = self.demo_penalty_in_decision(party).await?;
        self.submit_review(&zf, id, Submission::default()).await?;
        let round = self.db.load_case(id).await?.map(|c| c.0.review.rounds[0].id).expect("the round just submitted");
        let checklist = ChecklistItem::ALL
            .iter()
            .map(|i| ChecklistAnswer { item: *i, answer: i.sound_answer(), note: String::new() })
            .collect();
        let conclude =
            Conclude {
                round, checklist, opinion: Opinion::Approve, reasons: "事实清楚，证据确凿，裁量适当".into()
            };
        self.conclude_review(&fzsh, id, conclude).await?;
        let today = beijing_now().format("%Y-%m-%d").to_string();
        let mut doc = RecordInput::new(RecordKind::DecisionDocument, &[]);
        for (k, v) in crate::demo_review::decision_fields(party.party, &today) {
            doc.fields.insert(k.into(), v);
        }
        doc.fields.insert("facts".into(), facts.into());
        let rid = self.add_record(&zf, id, doc).await?;
        self.issue_document(&zf, id, rid).await?;
        Ok((id, rid))
    }

    /// The published decision, after [`App::load_demo`] (the server's demo; the tests make
    /// their own). Needs the evidence store; without the fonts it is left out with a warning.
    pub async fn load_demo_publication(&self) -> AppResult<()> {
        let party =
            DemoPenalty { address: "安乡县深柳镇书院洲路8号", ..DemoPenalty::major(DEMO_PUBLISHED_PARTY) };
        let facts = format!(
            "当事人{DEMO_PUBLISHED_PARTY}（身份证号码{DEMO_PUBLISHED_ID}，手机{DEMO_PUBLISHED_MOBILE}，住址安乡县深柳镇书院洲路8号）\
             在深柳镇开设服装店，经责令改正后仍未将营业执照置于经营场所醒目位置，有责令改正通知书及送达回证为证"
        );
        let (id, rid) = match self.demo_issued_decision(&party, &facts).await {
            Ok(x) => x,
            // Fonts missing: the PDF cannot be made; the rest of the demo stands.
            Err(e) => {
                tracing::warn!("the demo's published decision was left out: {e}");
                return Ok(());
            }
        };
        let zf = self.principal("scj-zf").await?;
        self.publish_decision(&zf, id, rid).await
    }
}
