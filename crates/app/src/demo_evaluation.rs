//! Demo case-file evaluation (V-01): two more closed cases of 安乡县市场监督管理局 under the
//! simplified procedure, and a bureau batch of the judicial bureau over that agency with
//! both picked and scored — one 优秀, one 不合格 with a rectification notice issued — for
//! `serve --demo`. [`App::demo_closed_case`] is also what the tests close cases with.

use uuid::Uuid;
use zhifa_core::case::{Initiation, Party, PartyKind, Procedure, RecordKind, Signature, SpotPenalty, Stage};
use zhifa_core::money::Money;
use zhifa_core::registry::ActKind;
use zhifa_core::supervision::evaluation::{Dimension, DimensionScore, EvaluationKind, Scoresheet};

use crate::cases::{RecordInput, beijing_now};
use crate::evaluation::{NewEvaluation, ScoreInput, evaluator_id};
use crate::{App, AppError, AppResult};

impl App {
    /// A penalty case of 安乡县市场监督管理局 (demo data) against `party`, decided on the
    /// spot under the simplified procedure with the form number 安市监简`n` (six digits; the
    /// demo uses 1), paid, filed and closed by scj-zf. Not archived.
    pub async fn demo_closed_case(&self, party: &str, n: u32) -> AppResult<Uuid> {
        let c = self.cast().await?;
        let now = beijing_now();
        let at = now.format("%Y-%m-%d %H:%M").to_string();
        let today = now.format("%Y-%m-%d").to_string();
        let person = Party {
            kind: PartyKind::Person,
            name: party.into(),
            id_number: String::new(),
            address: "安乡县深柳镇人民路".into(),
            phone: String::new(),
            representative: String::new(),
            minor: false,
        };
        let open = Self::demo_open(
            &c,
            ActKind::Penalty,
            Procedure::Simplified,
            Initiation::ExOfficio { urgent: false },
            person,
            "未将营业执照置于经营场所醒目位置，经责令改正拒不改正",
        );
        let id = self.open_case(&c.zf, open).await?;
        self.complete_stage(&c.zf, id, Stage::Initiation).await?;
        self.complete_stage(&c.zf, id, Stage::Investigation).await?;
        let mut spot = RecordInput::new(
            RecordKind::OnTheSpotDecision,
            &[
                ("facts", "当事人经营的个体门店未将营业执照置于醒目位置，经当场责令改正后拒不改正"),
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
        spot.form_number = Some(format!("安市监简{n:06}"));
        spot.penalty = Some(SpotPenalty { warning: false, fine: Some(Money::from_yuan(100)) });
        self.add_record(&c.zf, id, spot).await?;
        self.complete_stage(&c.zf, id, Stage::Decision).await?;
        self.complete_stage(&c.zf, id, Stage::Service).await?;
        let receipt = format!("湘财罚{:08}", 20_000 + n);
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
        self.complete_stage(&c.zf, id, Stage::Closure).await?;
        Ok(id)
    }

    /// The demo's evaluation batch (after [`App::load_demo`]): returns its id.
    pub async fn load_demo_evaluation(&self) -> AppResult<Uuid> {
        let first = self.demo_closed_case("蒋某某", 2).await?;
        let second = self.demo_closed_case("韩某某", 3).await?;
        let jd = self.principal("sfj-jd").await?;
        let reviewer = self.db.account_for_login("sfj-fzsh").await?.ok_or(AppError::NotFound("演示账号"))?.0;
        let agency = self.cast().await?.agency;
        let year = beijing_now().date().format("%Y").to_string().parse().unwrap_or(2026);
        let id = self
            .create_evaluation(
                &jd,
                NewEvaluation {
                    name: format!("{year}年度行政处罚案卷评查"),
                    year,
                    kind: EvaluationKind::Bureau,
                    agencies: vec![agency],
                    evaluators: vec![evaluator_id(&reviewer)],
                },
            )
            .await?;
        self.pick_evaluation_cases(
            &jd,
            id,
            vec![(first, "简易程序案件抽样".into()), (second, "群众反映执法不规范".into())],
        )
        .await?;
        let by = reviewer.principal();
        self.score_evaluation_case(&by, id, first, full_marks(&[])).await?;
        let poor = full_marks(&[
            (Dimension::Materials, 4, "缺少当事人身份证明材料"),
            (Dimension::Procedure, 5, "未告知当事人陈述申辩权利的记录不完整"),
            (Dimension::Evidence, 3, "现场照片未标注拍摄时间和地点"),
            (Dimension::Effect, 5, "未跟踪当事人改正情况"),
        ]);
        self.score_evaluation_case(&by, id, second, poor).await?;
        let due = beijing_now().date() + chrono::Days::new(30);
        let problems = vec!["案卷材料不齐全，缺少当事人身份证明".to_string(), "执法程序记录不完整".to_string()];
        self.issue_rectification(&jd, id, second, &format!("安司评查〔{year}〕1号"), problems, due).await?;
        Ok(id)
    }
}

/// Full marks but the given (dimension, points, comment) deductions.
fn full_marks(deductions: &[(Dimension, u32, &str)]) -> ScoreInput {
    let sheet = Scoresheet::STANDARD;
    ScoreInput {
        scores: Dimension::ALL
            .iter()
            .map(|&d| match deductions.iter().find(|x| x.0 == d) {
                Some((_, points, comment)) => {
                    DimensionScore { dimension: d, points: *points, comment: (*comment).into() }
                }
                None => DimensionScore { dimension: d, points: sheet.max(d), comment: String::new() },
            })
            .collect(),
        vetoes: vec![],
    }
}
