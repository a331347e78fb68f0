//! `zhifa export case` and `zhifa verify`: the bound case file and its offline check
//! (rules ).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use zhifa_archive::{PackageView, verify};

/// `zhifa export …`
#[derive(Debug, clap::Subcommand)]
pub enum ExportCommand {
    /// Write a case's bound file: events with inclusion proofs, checkpoint, public key,
    /// catalogue, rendered records and AV files (a directory, or one file if OUT ends in .tar)
    Case {
        /// The case id (UUID) or its number, e.g. 安市监案〔2026〕2号
        case: String,
        /// Where to write [default: ./<case number>.tar]
        #[arg(long)]
        out: Option<PathBuf>,
        /// Reference the AV files by storage location instead of including them
        #[arg(long)]
        without_files: bool,
    },
}

/// Arguments of `zhifa verify`.
#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// The package: a directory or a .tar written by `zhifa export case`
    pub package: PathBuf,
    /// The ledger's public key (note verifier key) from an independent source, e.g. the
    /// disclosure portal; without it the package's own key is used and its id printed
    #[arg(long)]
    pub key: Option<String>,
    /// Print the report as JSON
    #[arg(long)]
    pub json: bool,
}

pub async fn export(app: &zhifa_app::App, cmd: ExportCommand) -> anyhow::Result<()> {
    let ExportCommand::Case { case, out, without_files } = cmd;
    let id = match case.parse::<uuid::Uuid>() {
        Ok(id) => id,
        Err(_) => app
            .db
            .case_by_number(&case)
            .await?
            .map(|c| c.id)
            .with_context(|| format!("找不到案件“{case}”（请填写案件编号或ID）"))?,
    };
    let out = match out {
        Some(o) => o,
        None => {
            let row = app.db.case_row(id).await?.context("案件不存在")?;
            PathBuf::from(format!("{}.tar", row.number.replace(['/', '\\'], "_")))
        }
    };
    let s = app.export_case(None, id, &out, !without_files).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    println!(
        "已导出案卷：{}（事件{}条、文字记录{}份、音像记录{}项；检查点规模{}）",
        s.path.display(),
        s.events,
        s.records,
        s.av_items,
        s.tree_size
    );
    Ok(())
}

/// Verifies a package; the exit status is 0 only when all four checks pass.
pub fn verify_package(args: VerifyArgs) -> anyhow::Result<ExitCode> {
    let view = PackageView::open(&args.package).with_context(|| format!("无法读取 {}", args.package.display()))?;
    let report = verify(&view, args.key.as_deref());
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        println!("{report}");
    }
    Ok(if report.passed() { ExitCode::SUCCESS } else { ExitCode::from(2) })
}
