//! `zhifa bench`: measured figures for docs/PERFORMANCE.md.
//!
//! `append`: event append throughput with 1 and 8 concurrent writers, against a raw insert
//! of rows of the same size into a plain table of the same database.

use std::time::Instant;

use zhifa_core::events::{Actor, DomainEvent, stream};
use zhifa_core::registry::{AgencyEvent, Unit, UnitKind};
use zhifa_store::{Db, ExpectedVersion};

use crate::config::Config;

#[derive(Debug, clap::Args)]
pub struct BenchArgs {
    /// Events per writer
    #[arg(long, default_value_t = 2000)]
    pub events: usize,
    /// Database URL to benchmark against (default: a fresh SQLite file in a temporary directory)
    #[arg(long)]
    pub url: Option<String>,
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

pub async fn run(_config: &Config, args: BenchArgs) -> anyhow::Result<()> {
    let dir = tempfile_dir()?;
    let url = args.url.clone().unwrap_or_else(|| zhifa_store::sqlite_url(&dir));
    // Benchmark data is thrown away: the fixed test key signs its checkpoints.
    let db = Db::open(&url, zhifa_store::LedgerKey::for_tests()).await?;
    println!("数据库：{}；每个写入者 {} 个事件", db.backend().name(), args.events);
    println!("{:<10} {:>16} {:>16} {:>8}", "writers", "append ev/s", "raw insert rows/s", "ratio");
    for writers in [1usize, 8] {
        let per = args.events / writers.max(1);
        let append = append_rate(&db, writers, per).await?;
        let raw = raw_rate(&db, writers, per).await?;
        println!("{:<10} {:>16.0} {:>16.0} {:>8.2}", writers, append, raw, append / raw);
    }
    sqlx::query("DROP TABLE bench_raw").execute(db.writer()).await?;
    db.close().await;
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

fn tempfile_dir() -> anyhow::Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("zhifa-bench-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}
