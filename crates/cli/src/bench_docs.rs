//! `zhifa bench docs`: official documents — the penalty decision's PDF rendered N times
//! (p50, p90), and N concurrent issues of numbered documents in one sequence (document
//! numbers 文号) with their throughput, checked afterwards for gaps and duplicates.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, ensure};
use chrono::Datelike;
use uuid::Uuid;
use zhifa_app::App;
use zhifa_app::cases::{OpenCaseInput, RecordInput, beijing_now};
use zhifa_app::documents::{Documents, Renderer};
use zhifa_core::case::documents::DocType;
use zhifa_core::case::{Initiation, Party, PartyKind, Procedure, RecordKind};
use zhifa_core::registry::ActKind;
use zhifa_docs::{FontLibrary, Rendered};

use crate::config::Config;

#[derive(Debug, clap::Args)]
pub struct DocsArgs {
    /// Renderings of the sample penalty decision timed
    #[arg(long, default_value_t = 200)]
    pub renders: usize,
    /// Documents issued at once in one number sequence (0: skip)
    #[arg(long, default_value_t = 1000)]
    pub allocations: usize,
    /// Cases the issued documents are spread over (each issue appends to its case)
    #[arg(long, default_value_t = 20)]
    pub cases: usize,
    /// Issue with a stand-in for the PDF (times the numbering and the append alone)
    #[arg(long)]
    pub fake_pdf: bool,
    /// Database URL (default: a fresh SQLite file in a temporary directory)
    #[arg(long)]
    pub url: Option<String>,
}

fn percentile(v: &mut [Duration], p: f64) -> Duration {
    v.sort();
    v[((v.len() - 1) as f64 * p).round() as usize]
}

pub async fn run(config: &Config, args: DocsArgs) -> anyhow::Result<()> {
    let fonts = FontLibrary::new(&config.fonts_dir);
    let loaded = fonts.fonts().map_err(|e| anyhow::anyhow!("{e}"))?;
    // The decision's PDF.
    let case = zhifa_docs::sample::case();
    let rec = case.records_of(RecordKind::DecisionDocument).next().context("sample decision")?;
    let ctx = zhifa_docs::cases::Context {
        case: &case,
        agency: zhifa_docs::sample::AGENCY,
        qr: Some(zhifa_docs::Qr {
            url: format!("{}/d/{}", config.public_url, Uuid::nil()),
            caption: "扫码核验真伪".into(),
        }),
        issued_on: Some(beijing_now().date()),
        number: None,
    };
    let doc = zhifa_docs::cases::document(&ctx, rec);
    let first = zhifa_docs::render(&doc, &loaded)?;
    let mut times = Vec::with_capacity(args.renders);
    for _ in 0..args.renders.max(1) {
        let t = Instant::now();
        let out = zhifa_docs::render(&doc, &loaded)?;
        times.push(t.elapsed());
        ensure!(out.pdf == first.pdf, "rendering is not deterministic");
    }
    let p50 = percentile(&mut times, 0.5);
    let p90 = percentile(&mut times, 0.9);
    println!(
        "行政处罚决定书 PDF（{} 页，{} 字节）：渲染 {} 次，p50 {:.1} ms，p90 {:.1} ms，最长 {:.1} ms（目标 p50 < 100 ms）",
        first.pages,
        first.pdf.len(),
        times.len(),
        p50.as_secs_f64() * 1e3,
        p90.as_secs_f64() * 1e3,
        times.last().copied().unwrap_or_default().as_secs_f64() * 1e3
    );
    if args.allocations == 0 {
        return Ok(());
    }
    issue_bench(config, &args, fonts).await
}

async fn issue_bench(config: &Config, args: &DocsArgs, fonts: FontLibrary) -> anyhow::Result<()> {
    let dir = std::env::temp_dir().join(format!("zhifa-bench-docs-{}", Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir)?;
    let url = args.url.clone().unwrap_or_else(|| zhifa_store::sqlite_url(&dir));
    let db = zhifa_store::Db::open(&url, zhifa_store::LedgerKey::for_tests()).await?;
    let blob = zhifa_blob::BlobConfig {
        data_dir: dir.clone(),
        location: zhifa_blob::StoreLocation::Local(None),
        max_bytes: 1 << 30,
    };
    let app = App::new(db)
        .with_files(zhifa_blob::Uploads::open(&blob)?)
        .with_documents(Documents::new(fonts, &config.public_url));
    app.load_demo().await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let agency =
        app.db.agencies().await?.into_iter().find(|a| a.info.name == "安乡县市场监督管理局").context("demo agency")?;
    let handling = app
        .db
        .units(agency.id)
        .await?
        .into_iter()
        .find(|u| u.kind == zhifa_core::registry::UnitKind::Handling)
        .context("handling unit")?
        .id;
    let officers = app.officers_in_post("scj-zf").await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let zf = app.db.account_for_login("scj-zf").await?.context("scj-zf")?.0.principal();
    let year = beijing_now().date().year();
    let before = app.db.document_numbers(agency.id, DocType::CoerciveDecision, year).await?.len();
    // Urgent cases may record a coercive-measure decision (numbered 强制) at once.
    let per_case = args.allocations.div_ceil(args.cases.max(1));
    let mut setups = vec![];
    for c in 0..args.cases.max(1) {
        let n = per_case.min(args.allocations.saturating_sub(c * per_case));
        if n == 0 {
            break;
        }
        let input = OpenCaseInput {
            agency_id: agency.id,
            act_kind: ActKind::Coercion,
            procedure: Procedure::Ordinary,
            initiation: Initiation::ExOfficio { urgent: true },
            party: Party {
                kind: PartyKind::Organisation,
                name: format!("基准测试商行{c}"),
                id_number: String::new(),
                address: "安乡县深柳镇".into(),
                phone: String::new(),
                representative: "王某".into(),
                minor: false,
            },
            summary: "涉嫌销售不合格商品".into(),
            item_code: None,
            handling_unit: handling,
            officers: officers[..2].to_vec(),
            auxiliaries: vec![],
            violation_ended_on: Some(beijing_now().date() - chrono::Days::new(3)),
            serious_harm: false,
            limitation_override: String::new(),
        };
        // Cases are opened one after another (their numbers are taken in turn).
        let case = app.open_case(&zf, input).await.map_err(|e| anyhow::anyhow!("{e}"))?;
        let (app, zf) = (app.clone(), zf.clone());
        setups.push(tokio::spawn(async move {
            let today = beijing_now().date().to_string();
            let mut out = vec![];
            for _ in 0..n {
                let r = RecordInput::new(
                    RecordKind::CoerciveDecision,
                    &[
                        ("document_number", "（出具时编号）"),
                        ("measure", "扣押"),
                        ("object", "涉嫌不合格的电线20卷"),
                        ("reason", "涉嫌销售不合格商品，防止证据损毁"),
                        ("basis", "《中华人民共和国产品质量法》第十八条"),
                        ("period", "三十日"),
                        ("remedies", "可在六十日内申请行政复议或六个月内提起行政诉讼"),
                        ("decided_on", &today),
                    ],
                );
                out.push((case, app.add_record(&zf, case, r).await.map_err(|e| anyhow::anyhow!("{e}"))?));
            }
            anyhow::Ok(out)
        }));
    }
    let mut records = vec![];
    for s in setups {
        records.extend(s.await??);
    }
    let render: Renderer = if args.fake_pdf {
        Arc::new(|d: &zhifa_docs::Document| Ok(Rendered { pdf: format!("%PDF {:?}", d.number).into_bytes(), pages: 1 }))
    } else {
        app.documents.renderer()
    };
    let started = Instant::now();
    let mut handles = vec![];
    for (case, rec) in records.iter().copied() {
        let (app, zf, render) = (app.clone(), zf.clone(), Arc::clone(&render));
        handles.push(tokio::spawn(async move { app.issue_with(&zf, case, rec, render).await }));
    }
    for h in handles {
        h.await?.map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    let took = started.elapsed();
    let numbers = app.db.document_numbers(agency.id, DocType::CoerciveDecision, year).await?;
    let seqs: Vec<u32> = numbers.iter().map(|(s, _)| *s).collect();
    let expected: Vec<u32> = (1..=(before + records.len()) as u32).collect();
    ensure!(seqs == expected, "文号有缺号或重号：{} 个，应为 1..={}", seqs.len(), expected.len());
    println!(
        "{} 份文书同时出具（{}，{} 个案件，{}）：{:.2} s，{:.0} 份/s；文号 1..={} 无缺号、无重号",
        records.len(),
        app.db.backend().name(),
        args.cases,
        if args.fake_pdf { "PDF 以占位内容代替" } else { "真实 PDF，存入文件存储" },
        took.as_secs_f64(),
        records.len() as f64 / took.as_secs_f64(),
        seqs.len()
    );
    app.db.close().await;
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
