//! `zhifa draw verify`: anyone re-runs a random-inspection draw (S-02) and compares it with
//! the recorded outcome — from the server's database by plan id, or from the `draw.json`
//! the portal publishes for each plan (`/gs/inspections/{id}/draw.json`: the plan's events
//! in order), with nothing but that file.
//!
//! The check is `zhifa_core::inspection::verify_draw`: the frozen pools re-hashed against
//! the committed hash, the revealed seed against its commitment, the draw re-run by the
//! documented algorithm and compared task by task. Exit status 0 when everything agrees,
//! 1 with what differs, 2 when the input cannot be read.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use uuid::Uuid;
use zhifa_core::inspection::{DrawOutcome, Plan, PlanEvent, VerifyError, verify_draw};

#[derive(Debug, Subcommand)]
pub enum DrawCommand {
    /// Re-run a plan's draw and compare it with the recorded outcome: by PLAN id from the
    /// database (every drawn plan without one), or from a draw.json downloaded from the
    /// portal (--file, no database)
    Verify {
        /// The plan's id
        plan: Option<Uuid>,
        /// The plan's draw.json from the portal
        #[arg(long, conflicts_with = "plan")]
        file: Option<PathBuf>,
    },
    /// Print a plan's draw.json (its events as the portal publishes them)
    Export {
        /// The plan's id
        plan: Uuid,
    },
}

/// Reads a draw.json: the plan's events as a JSON array.
pub fn plan_from_file(path: &std::path::Path) -> anyhow::Result<Plan> {
    let bytes = std::fs::read(path).map_err(|e| anyhow::anyhow!("无法读取 {}：{e}", path.display()))?;
    let events: Vec<PlanEvent> = serde_json::from_slice(&bytes)
        .map_err(|e| anyhow::anyhow!("{} 不是抽查计划的 draw.json（计划事件的 JSON 数组）：{e}", path.display()))?;
    Plan::fold(&events).ok_or_else(|| anyhow::anyhow!("{} 中没有创建计划的事件（PlanCreated）", path.display()))
}

/// Prints the verification of `plan` and returns the exit status.
pub fn report(plan: &Plan) -> ExitCode {
    println!("抽查计划：{}（{}）", plan.spec.name, plan.id);
    if let Some(c) = &plan.commitment {
        println!("承诺公布于 {}：种子承诺 {}，名录库哈希 {}", c.on, c.seed_commitment, c.pools_hash);
        println!("检查对象 {} 个，排除 {} 个，检查人员 {:?}", c.sizes.targets, c.sizes.excluded, c.sizes.inspectors);
    }
    if let Some(d) = &plan.drawn {
        println!("抽取于 {}：种子 {}，公开输入“{}”", d.on, d.seed, d.public_input);
    }
    match verify_draw(plan) {
        Ok(DrawOutcome { tasks, draw_seed }) => {
            println!(
                "验证结果：一致。按公布的种子和名录库重新抽取，得到相同的 {} 个检查任务（抽取密钥 {draw_seed}）",
                tasks.len()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            println!("验证结果：不一致。{e}");
            ExitCode::from(match e {
                VerifyError::NotCommitted | VerifyError::NotDrawn => 2,
                _ => 1,
            })
        }
    }
}

/// `zhifa draw verify --file F`: needs no configuration or database.
pub fn verify_file(path: &std::path::Path) -> ExitCode {
    match plan_from_file(path) {
        Ok(plan) => report(&plan),
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(2)
        }
    }
}

/// `zhifa draw verify [PLAN]` and `zhifa draw export PLAN` against the database.
pub async fn run(app: &zhifa_app::App, cmd: DrawCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        DrawCommand::Verify { file: Some(file), .. } => Ok(verify_file(&file)),
        DrawCommand::Verify { plan: Some(id), .. } => {
            let plan = app.db.load_plan(id).await?.ok_or_else(|| anyhow::anyhow!("没有编号为 {id} 的抽查计划"))?.0;
            Ok(report(&plan))
        }
        DrawCommand::Verify { .. } => {
            let drawn: Vec<_> =
                app.db.public_plans(i64::MAX).await?.into_iter().filter(|p| p.status == "drawn").collect();
            if drawn.is_empty() {
                println!("没有已抽取的抽查计划");
            }
            let mut status = ExitCode::SUCCESS;
            for row in drawn {
                let plan =
                    app.db.load_plan(row.id).await?.ok_or_else(|| anyhow::anyhow!("抽查计划 {} 缺失", row.id))?.0;
                if report(&plan) != ExitCode::SUCCESS {
                    status = ExitCode::FAILURE;
                }
                println!();
            }
            Ok(status)
        }
        DrawCommand::Export { plan } => {
            let events = app.db.load_stream(&zhifa_core::events::stream::inspection_plan(plan)).await?;
            if events.is_empty() {
                anyhow::bail!("没有编号为 {plan} 的抽查计划");
            }
            let payloads: Vec<&PlanEvent> = events
                .iter()
                .filter_map(|e| match &e.event {
                    zhifa_core::events::DomainEvent::Plan(p) => Some(p),
                    _ => None,
                })
                .collect();
            println!("{}", serde_json::to_string(&payloads)?);
            Ok(ExitCode::SUCCESS)
        }
    }
}
