//! Demo case-file evaluation (V-01): two more closed cases of 安乡县市场监督管理局 under the
//! simplified procedure, and a bureau batch of the judicial bureau over that agency with
//! both picked and scored — one 优秀, one 不合格 with a rectification notice issued — for
//! `serve --demo`. [`App::demo_closed_case`] is also what the tests close cases with.

use uuid::Uuid;
use zhifa_core::case::Stage;
use zhifa_core::supervision::evaluation::{Dimension, DimensionScore, EvaluationKind, Scoresheet};

use crate::cases::beijing_now;
use crate::evaluation::{NewEvaluation, ScoreInput, evaluator_id};
use crate::{App, AppError, AppResult};

impl App {
    /// A penalty case of 安乡县市场监督管理局 (demo data) against `party`, decided on the
    /// spot under the simplified procedure with the form number 安市监简`n` (six digits; the
    /// demo uses 1), paid, filed and closed by scj-zf. Not archived.
    pub async fn demo_closed_case(&self, party: &str, n: u32) -> AppResult<Uuid> {
        let id = self.demo_spot_case(party, n, 100).await?;
        let zf = self.cast().await?.zf;
        self.complete_stage(&zf, id, Stage::Closure).await?;
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
