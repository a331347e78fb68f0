//! `zhifa bench`: measured figures for docs/PERFORMANCE.md.
//!
//! - Event append throughput with 1 and 8 concurrent writers (each append also hashes its
//!   leaf, advances the ledger and signs a checkpoint), against a raw insert of rows of the
//!   same size into a plain table of the same database.
//! - Ledger: an inclusion proof in a tree of `--proof-leaves` leaves held in memory (the
//!   proof algorithm over a `HashSource` of every 8th level, without database reads), and
//!   verification of a SQLite database of `--ledger-events` events, with a proof served
//!   from it.

use std::time::Instant;

use zhifa_core::events::{Actor, DomainEvent, stream};
use zhifa_core::registry::{AgencyEvent, Unit, UnitKind};
use zhifa_store::{Db, ExpectedVersion};

use crate::config::Config;

#[derive(Debug, clap::Args)]
pub struct BenchArgs {
    /// Events appended (and raw rows inserted) per round, split among the writers
    #[arg(long, default_value_t = 2000)]
    pub events: usize,
    /// Rounds of append and raw insert, measured alternately so that a drifting disk or a
    /// busy neighbour weighs on both; the medians are reported
    #[arg(long, default_value_t = 5)]
    pub rounds: usize,
    /// Database URL to benchmark against (default: a fresh SQLite file in a temporary directory)
    #[arg(long)]
    pub url: Option<String>,
    /// Leaves of the in-memory tree in which inclusion proofs are timed (0: skip)
    #[arg(long, default_value_t = 10_000_000)]
    pub proof_leaves: u64,
    /// Events of the SQLite database whose ledger verification is timed (0: skip)
    #[arg(long, default_value_t = 1_000_000)]
    pub ledger_events: usize,
}

fn event(i: usize) -> DomainEvent {
    AgencyEvent::UnitAdded {
        unit: Unit {
            id: uuid::Uuid::new_v4(),
            name: format!("基准测试机构{i}"),
            kind: UnitKind::Handling,
            duties: "承办本机关行政执法案件".into(),
        },
    }
    .into()
}

async fn append_rate(db: &Db, writers: usize, per_writer: usize) -> anyhow::Result<f64> {
    let start = Instant::now();
    let mut handles = Vec::new();
    for w in 0..writers {
        let db = db.clone();
        handles.push(tokio::spawn(async move {
            let actor = Actor::system("bench");
            let s = stream::agency(uuid::Uuid::new_v4());
            for i in 0..per_writer {
                let expected = if i == 0 { ExpectedVersion::NoStream } else { ExpectedVersion::Exact(i as i64) };
                db.append_to(&actor, &s, expected, vec![event(w * per_writer + i)]).await?;
            }
            anyhow::Ok(())
        }));
    }
    for h in handles {
        h.await??;
    }
    Ok((writers * per_writer) as f64 / start.elapsed().as_secs_f64())
}

async fn raw_rate(db: &Db, writers: usize, per_writer: usize) -> anyhow::Result<f64> {
    sqlx::query("CREATE TABLE IF NOT EXISTS bench_raw (id BIGINT, stream_id TEXT, version BIGINT, event_type TEXT, payload TEXT, actor_name TEXT, recorded_at TEXT)")
        .execute(db.writer())
        .await?;
    let payload = serde_json::to_string(&event(0))?;
    let start = Instant::now();
    let mut handles = Vec::new();
    for w in 0..writers {
        let pool = db.writer().clone();
        let payload = payload.clone();
        handles.push(tokio::spawn(async move {
            for i in 0..per_writer {
                sqlx::query("INSERT INTO bench_raw VALUES ($1, $2, $3, $4, $5, $6, $7)")
                    .bind((w * per_writer + i) as i64)
                    .bind(format!("agency:{}", uuid::Uuid::new_v4()))
                    .bind(i as i64)
                    .bind("UnitAdded")
                    .bind(&payload)
                    .bind("系统（bench）")
                    .bind(chrono::Utc::now().to_rfc3339())
                    .execute(&pool)
                    .await?;
            }
            anyhow::Ok(())
        }));
    }
    for h in handles {
        h.await??;
    }
    Ok((writers * per_writer) as f64 / start.elapsed().as_secs_f64())
}

/// The median; sorts `v`.
fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or_default()
}

pub async fn run(_config: &Config, args: BenchArgs) -> anyhow::Result<()> {
    let dir = tempfile_dir()?;
    let url = args.url.clone().unwrap_or_else(|| zhifa_store::sqlite_url(&dir));
    // Benchmark data is thrown away: the fixed test key signs its checkpoints.
    let db = Db::open(&url, zhifa_store::LedgerKey::for_tests()).await?;
    println!("数据库：{}；每个写入者 {} 个事件", db.backend().name(), args.events);
    println!(
        "{:<10} {:>16} {:>16} {:>8} {:>8} {:>8} {:>12} {:>8}",
        "writers", "append ev/s", "raw insert rows/s", "ratio", "min", "max", "appends/txn", "scripts"
    );
    for writers in [1usize, 8] {
        let per = args.events / writers.max(1);
        let before = db.append_counts();
        let (mut appends, mut raws, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
        for round in 0..args.rounds.max(1) {
            // Alternate which goes first, so that neither always follows the other's
            // checkpoint or cache warm-up.
            let (append, raw) = if round % 2 == 0 {
                let a = append_rate(&db, writers, per).await?;
                (a, raw_rate(&db, writers, per).await?)
            } else {
                let r = raw_rate(&db, writers, per).await?;
                (append_rate(&db, writers, per).await?, r)
            };
            appends.push(append);
            raws.push(raw);
            ratios.push(append / raw);
        }
        let after = db.append_counts();
        let groups = (after.groups - before.groups).max(1) as f64;
        println!(
            "{:<10} {:>16.0} {:>16.0} {:>8.2} {:>8.2} {:>8.2} {:>12.1} {:>7.0}%",
            writers,
            median(&mut appends),
            median(&mut raws),
            median(&mut ratios),
            ratios.first().copied().unwrap_or_default(),
            ratios.last().copied().unwrap_or_default(),
            (after.appends - before.appends) as f64 / groups,
            100.0 * (after.scripts - before.scripts) as f64 / groups
        );
    }
    sqlx::query("DROP TABLE bench_raw").execute(db.writer()).await?;
    db.close().await;
    let _ = std::fs::remove_dir_all(&dir);
    if args.proof_leaves > 0 {
        proof_in_memory(args.proof_leaves)?;
    }
    if args.ledger_events > 0 {
        verify_sqlite(args.ledger_events).await?;
    }
    Ok(())
}

/// Inclusion proofs (and their verification) in a tree of `leaves` leaves held in memory.
fn proof_in_memory(leaves: u64) -> anyhow::Result<()> {
    use zhifa_ledger::{MemorySource, inclusion_proof, leaf_hash, verify_inclusion};
    let start = Instant::now();
    let mut tree = MemorySource::new();
    for i in 0..leaves {
        tree.push(leaf_hash(&i.to_le_bytes()));
    }
    let built = start.elapsed();
    let root = tree.root();
    let indices: Vec<u64> = (0..1000u64).map(|k| k.wrapping_mul(0x9e37_79b9_7f4a_7c15) % leaves).collect();
    let start = Instant::now();
    let proofs: Vec<_> = indices.iter().map(|&i| inclusion_proof(&tree, i, leaves)).collect::<Result<_, _>>()?;
    let prove = start.elapsed() / indices.len() as u32;
    let start = Instant::now();
    for (&i, p) in indices.iter().zip(&proofs) {
        verify_inclusion(&leaf_hash(&i.to_le_bytes()), i, leaves, p, &root)?;
    }
    let check = start.elapsed() / indices.len() as u32;
    println!(
        "账本（内存中的树，{leaves} 个叶）：建树 {built:.1?}；包含证明 {prove:.1?}/个（{} 个哈希），验证 {check:.1?}/个",
        proofs[0].len()
    );
    Ok(())
}

/// Verification of the ledger of a SQLite database of `events` events.
async fn verify_sqlite(events: usize) -> anyhow::Result<()> {
    let dir = tempfile_dir()?;
    let db = Db::open(&zhifa_store::sqlite_url(&dir), zhifa_store::LedgerKey::for_tests()).await?;
    let actor = Actor::system("bench");
    let start = Instant::now();
    let mut done = 0;
    while done < events {
        let n = 1000.min(events - done);
        let batch = (0..n).map(|i| event(done + i)).collect();
        db.append_to(&actor, &stream::agency(uuid::Uuid::new_v4()), ExpectedVersion::NoStream, batch).await?;
        done += n;
    }
    let filled = start.elapsed();
    let start = Instant::now();
    let report = db.verify_ledger(|_| {}).await?;
    let verified = start.elapsed();
    anyhow::ensure!(report.is_intact(), "the benchmark ledger does not verify: {:?}", &report.issues[..1]);
    let start = Instant::now();
    for k in 0..100u64 {
        let position = (k.wrapping_mul(0x9e37_79b9_7f4a_7c15) % events as u64) as i64 + 1;
        db.inclusion_proof(position).await?;
    }
    let proof = start.elapsed() / 100;
    println!(
        "账本（SQLite，{events} 个事件，写入 {filled:.1?}）：全量校验 {verified:.2?}（{:.0} 事件/秒）；从数据库取包含证明 {proof:.2?}/个",
        events as f64 / verified.as_secs_f64()
    );
    db.close().await;
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

pub(crate) fn tempfile_dir() -> anyhow::Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("zhifa-bench-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}
