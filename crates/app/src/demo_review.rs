//! The demo's legal review (L-01…L-11): 安乡县市场监督管理局's review catalogue, and a
//! major penalty case submitted to its legal unit, so the review queue of `scj-fzsh` is not
//! empty, and a second one waiting for its prior notice. Every step goes through the services an officer uses.

use uuid::Uuid;
use zhifa_core::case::review::decide::Submission;
use zhifa_core::case::review::{ReviewCatalogueEntry, ReviewCatalogueKind};
use zhifa_core::money::Money;

use crate::demo_penalty::DemoPenalty;
use crate::{App, AppError, AppResult};

impl App {
    /// The review catalogue and the case in review (called by `load_demo`).
    pub(crate) async fn load_demo_review(&self) -> AppResult<()> {
        let admin = self.principal("scj-admin").await?;
        let zf = self.principal("scj-zf").await?;
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
        let id = self
            .demo_penalty_in_decision(&DemoPenalty {
                address: "安乡县深柳镇书院洲路",
                ended_days_ago: 10,
                ..DemoPenalty::major("王某某")
            })
            .await?;
        // 罚款一万五千元 for a citizen reaches 安乡's threshold (L-01): to the legal unit.
        self.submit_review(
            &zf,
            id,
            Submission { note: "拟罚款达到较大数额标准，提请法制审核".into(), ..Default::default() },
        )
        .await?;
        // A second major case, its draft approved, for the user (and the browser test) to
        // take through the prior notice, the statement, the review and the collective
        // discussion to its decision.
        self.demo_penalty_in_decision(&DemoPenalty {
            address: "安乡县深柳镇应星路",
            summary: "未将营业执照置于经营场所醒目位置，经责令改正拒不改正（待事先告知）",
            ended_days_ago: 8,
            ..DemoPenalty::major(DEMO_MAJOR_PARTY)
        })
        .await?;
        Ok(())
    }
}

/// The party of the demo's major case waiting for its prior notice, by which the browser
/// test finds it.
pub const DEMO_MAJOR_PARTY: &str = "孙某某";

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

/// The fields an officer types to decide one of the demo's major cases for `party`, dated
/// `decided_on`: the decision document's elements, the discretion benchmark applied
/// (B-02) and the four reasons (G-01). Its 文号 is allocated when it is issued.
pub fn decision_fields(party: &str, decided_on: &str) -> Vec<(&'static str, String)> {
    let mut out: Vec<(&'static str, String)> = [
        ("party", party),
        ("facts", "经责令改正后仍未将营业执照置于醒目位置，有责令改正通知书及送达回证为证"),
        ("basis", DECISION_BASIS),
        ("discretion", "拒不改正且经营规模较大，属较重情形"),
        ("conclusion", "罚款人民币一万五千元"),
        ("performance", "自收到本决定书之日起十五日内缴纳"),
        ("remedies", "六十日内申请行政复议或六个月内提起行政诉讼"),
        ("agency", "安乡县市场监督管理局"),
        ("sealed", "是"),
        ("decided_on", decided_on),
        ("violation_code", "AX-SC-DJ-001"),
        ("tier", "较重"),
        ("penalty_types", "罚款"),
        ("fine", "15000"),
    ]
    .iter()
    .map(|(k, v)| (*k, v.to_string()))
    .collect();
    out.extend(DECISION_REASONS.iter().map(|(k, v)| (*k, v.to_string())));
    out
}
