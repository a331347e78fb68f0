//! `zhifa ledger`: the tamper-evident ledger from the command line (rule X-01).
//!
//! `verify` is the operator's audit: every stored event re-derived and checked against the
//! log and its signed checkpoints (`Db::verify_ledger`), and every evidence file re-hashed
//! in the blob store. It prints a report in Chinese and exits with status 1 when anything
//! was found (2 when it could not run), so that it can run from cron or a monitoring
//! check. `checkpoint`, `key` and `prove` print what the public endpoints serve.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Subcommand;
use serde_json::json;
use zhifa_app::App;
use zhifa_app::ledger::{AuditProgress, LedgerAudit};
use zhifa_blob::{BlobStore, StoreLocation};
use zhifa_ledger::NoteVerifier;

use crate::config::Config;

#[derive(Debug, Subcommand)]
pub enum LedgerCommand {
    /// Verify every stored event against the ledger and its signed checkpoints, and re-hash
    /// every evidence file; prints a report, exit status 1 on any finding
    Verify,
    /// Print the latest signed checkpoint (C2SP tlog-checkpoint in a signed note)
    Checkpoint,
    /// Print the note verifier key that checks the checkpoints (publish it)
    Key,
    /// Print the inclusion proof of the event at POSITION as JSON
    Prove {
        /// The event's position (its leaf index + 1)
        position: i64,
        /// Prove it in the tree of this size (a published checkpoint's) instead of the latest
        #[arg(long)]
        size: Option<u64>,
    },
}

pub async fn run(app: &App, config: &Config, command: LedgerCommand) -> anyhow::Result<ExitCode> {
    match command {
        LedgerCommand::Verify => return verify(app, config).await,
        LedgerCommand::Checkpoint => print!("{}", app.db.ledger_checkpoint().await?),
        LedgerCommand::Key => println!("{}", app.db.ledger_key().verifier_key()),
        LedgerCommand::Prove { position, size } => return prove(app, position, size).await,
    }
    Ok(ExitCode::SUCCESS)
}

/// The evidence file store: the application's, else the default local one in the data
/// directory.
fn evidence_store(app: &App, config: &Config) -> anyhow::Result<BlobStore> {
    match app.blob_store() {
        Ok(store) => Ok(store.clone()),
        Err(_) => BlobStore::open(&StoreLocation::Local(None), &config.data_dir)
            .map_err(|e| anyhow::anyhow!("无法打开证据文件存储：{e}")),
    }
}

/// Progress on stderr, only for logs that take a while: rewritten in place on a terminal,
/// else a line every few seconds.
struct Progress {
    terminal: bool,
    last: Instant,
    shown: bool,
}

impl Progress {
    fn new() -> Progress {
        Progress { terminal: std::io::stderr().is_terminal(), last: Instant::now(), shown: false }
    }

    fn show(&mut self, line: String, done: bool) {
        let every = if self.terminal { Duration::from_millis(250) } else { Duration::from_secs(5) };
        if self.last.elapsed() < every && !(done && self.shown) {
            return;
        }
        self.last = Instant::now();
        self.shown = true;
        let mut err = std::io::stderr().lock();
        if self.terminal {
            let _ = write!(err, "\r\x1b[K{line}");
            if done {
                let _ = writeln!(err);
            }
        } else {
            let _ = writeln!(err, "{line}");
        }
    }

    /// Leaves the terminal's line clean for the report.
    fn finish(&self) {
        if self.terminal && self.shown {
            let _ = write!(std::io::stderr().lock(), "\r\x1b[K");
        }
    }
}

async fn verify(app: &App, config: &Config) -> anyhow::Result<ExitCode> {
    let store = evidence_store(app, config)?;
    let mut progress = Progress::new();
    let audit = app
        .audit_ledger(&store, |p| match p {
            AuditProgress::Events(p) => progress.show(
                format!("已校验事件 {} / {}（{}%）", p.done, p.total, p.done * 100 / p.total.max(1)),
                p.done >= p.total,
            ),
            AuditProgress::Files { done, total } => {
                progress.show(format!("已重新计算证据文件哈希 {done} / {total}"), done >= total)
            }
        })
        .await
        .map_err(|e| anyhow::anyhow!("账本校验无法完成：{e}"))?;
    progress.finish();
    print!("{}", report(app, &audit));
    Ok(if audit.is_intact() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// The report in Chinese.
fn report(app: &App, audit: &LedgerAudit) -> String {
    let key = app.db.ledger_key();
    let l = &audit.ledger;
    let mut out = String::from("账本校验报告\n");
    out.push_str(&format!("  账本名称：{}\n  验证公钥：{}\n", key.origin(), key.verifier_key()));
    match &l.checkpoint {
        Some(cp) => {
            out.push_str(&format!("  最新检查点：大小 {}，根哈希 {}（签名有效）\n", cp.size, cp.root.to_base64()))
        }
        None => out.push_str("  最新检查点：缺失或签名无效\n"),
    }
    out.push_str(&format!("  由存储的事件重新计算的根哈希：{}（账本大小 {}）\n", l.root.to_base64(), l.ledger_size));
    out.push_str(&format!(
        "  已校验事件：{} 个；已与事件核对的已签名检查点：{} 个\n",
        l.events_read, l.checkpoints_checked
    ));
    out.push_str(&format!(
        "  证据文件：案件记录的 {} 个，重新计算哈希的 {} 个\n",
        audit.files_recorded, audit.blobs_hashed
    ));
    let findings: Vec<String> =
        l.issues.iter().map(ToString::to_string).chain(audit.files.iter().map(ToString::to_string)).collect();
    let total = findings.len() as u64 + l.issues_not_listed;
    if total == 0 {
        out.push_str(
            "结论：未发现问题。每个事件都与账本一致，已签名的检查点覆盖全部事件，证据文件与记录的哈希一致。\n",
        );
    } else {
        out.push_str(&format!("结论：发现 {total} 处问题：\n"));
        for (i, f) in findings.iter().enumerate() {
            out.push_str(&format!("  {}. {f}\n", i + 1));
        }
        if l.issues_not_listed > 0 {
            out.push_str(&format!("  ……另有 {} 处问题未列出\n", l.issues_not_listed));
        }
    }
    out
}

async fn prove(app: &App, position: i64, size: Option<u64>) -> anyhow::Result<ExitCode> {
    let proof = match size {
        Some(size) => app.db.inclusion_proof_in(position, size).await,
        None => app.db.inclusion_proof(position).await,
    }
    .with_context(|| format!("无法取得第{position}号事件的包含证明"))?;
    let Some(checkpoint) = proof.checkpoint.clone() else {
        anyhow::bail!(
            "大小为{}的检查点未发布，请用 --size 指定已发布检查点的大小，或不指定以使用最新检查点",
            proof.tree_size
        );
    };
    let out = json!({
        "position": proof.position,
        "leaf_index": proof.position - 1,
        "tree_size": proof.tree_size,
        "leaf": String::from_utf8_lossy(&proof.leaf),
        "leaf_hash": proof.leaf_hash.to_base64(),
        "proof": proof.proof.iter().map(|h| h.to_base64()).collect::<Vec<_>>(),
        "checkpoint": checkpoint,
    });
    println!("{}", serde_json::to_string_pretty(&out)?);
    // Checked as an outside verifier would, with the published key text.
    let verifier = NoteVerifier::parse(&app.db.ledger_key().verifier_key())?;
    if let Err(e) = proof.verify(&verifier) {
        eprintln!("警告：该包含证明未通过验证（{e}），账本可能被篡改，请运行 zhifa ledger verify");
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}
