//! `zhifa bench ingest`: evidence ingest through the real HTTP upload route against the
//! shell baseline `tee DEST < FILE | sha256sum`, for docs/PERFORMANCE.md.
//!
//! A server runs in this process on a loopback port over a fresh SQLite database (demo
//! data) and a local blob store, both in a scratch directory. A generated file that sniffs
//! as MP4 is declared with its R-10 metadata and sent with one PATCH (or `--chunk-mib`
//! chunks) by a minimal HTTP/1.1 client that streams it from disk; the upload is hashed,
//! written, fsynced, linked into the store and attached to a case. The same file then goes
//! through `sh -c 'tee DEST < FILE | sha256sum'`. Each round prints both throughputs, their
//! ratio (goal ≥ 0.8) and how much this process's resident memory grew during the upload
//! (goal < 64 MiB; VmRSS before, VmHWM reset before and read after, from /proc/self).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, bail, ensure};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use zhifa_app::App;
use zhifa_blob::bench::{SAMPLE_MEDIA_TYPE, write_sample_video};
use zhifa_blob::{BlobConfig, StoreLocation, Uploads};
use zhifa_store::Db;

use crate::config::Config;

/// `zhifa bench`: the event and ledger figures (`bench.rs`), or `zhifa bench ingest`.
#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct BenchCommand {
    #[command(subcommand)]
    pub which: Option<Which>,
    #[command(flatten)]
    pub events: crate::bench::BenchArgs,
}

#[derive(Debug, clap::Subcommand)]
pub enum Which {
    /// Evidence ingest through the HTTP upload route against `tee DEST < FILE | sha256sum`
    Ingest(IngestArgs),
    /// Official documents: the decision's PDF rendering, concurrent numbered issues
    Docs(crate::bench_docs::DocsArgs),
    /// Fill the database with published decisions and rebuild the search index
    /// (scripts/bench-portal then loads the portal)
    PortalData(crate::bench_portal::PortalDataArgs),
    /// The random-inspection draw: commitment, draw and verification over a large pool
    Draw(crate::bench_draw::DrawArgs),
    /// Supervision at county scale: sweeps, dashboard, metrics, annual report
    Supervision(crate::bench_supervision::SupervisionArgs),
}

/// Runs the chosen benchmark.
pub async fn dispatch(config: &Config, cmd: BenchCommand) -> anyhow::Result<()> {
    match cmd.which {
        Some(Which::Ingest(args)) => run(config, args).await,
        Some(Which::Docs(args)) => crate::bench_docs::run(config, args).await,
        Some(Which::PortalData(args)) => crate::bench_portal::run(config, args).await,
        Some(Which::Draw(args)) => crate::bench_draw::run(args),
        Some(Which::Supervision(args)) => crate::bench_supervision::run(config, args).await,
        None => crate::bench::run(config, cmd.events).await,
    }
}

#[derive(Debug, clap::Args)]
pub struct IngestArgs {
    /// Size of the generated file, in MiB
    #[arg(long, default_value_t = 1024)]
    pub size_mib: u64,
    /// Send the file in chunks of this many MiB (0: one PATCH with the whole file)
    #[arg(long, default_value_t = 0)]
    pub chunk_mib: u64,
    /// Rounds (each: upload, then the baseline)
    #[arg(long, default_value_t = 3)]
    pub rounds: u32,
    /// Scratch directory, on the filesystem to measure (removed afterwards) [default: the system temp directory]
    #[arg(long)]
    pub dir: Option<PathBuf>,
}

/// Memory figures of this process, in KiB, from /proc/self/status.
fn proc_status(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Resets VmHWM to the current RSS (Linux: `5` to /proc/self/clear_refs).
fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// Flushes dirty pages, so one measurement's writeback does not slow the next.
fn sync_all() {
    let _ = std::process::Command::new("sync").status();
}

/// A response: status, headers (lower-case names), body.
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
}

/// What a request sends.
enum Payload<'a> {
    Bytes(&'a [u8]),
    /// `len` bytes of a file from `offset`, streamed from disk.
    File {
        path: &'a Path,
        offset: u64,
        len: u64,
    },
}

/// One HTTP/1.1 request on its own connection (`Connection: close`), the body streamed.
async fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, String)],
    payload: Payload<'_>,
) -> anyhow::Result<Answer> {
    let mut stream = TcpStream::connect(addr).await?;
    stream.set_nodelay(true)?;
    let len = match &payload {
        Payload::Bytes(b) => b.len() as u64,
        Payload::File { len, .. } => *len,
    };
    let mut head =
        format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: {len}\r\nConnection: close\r\n");
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await?;
    let sent = match payload {
        Payload::Bytes(b) => stream.write_all(b).await,
        Payload::File { path, offset, len } => {
            let mut file = tokio::fs::File::open(path).await?;
            file.seek(std::io::SeekFrom::Start(offset)).await?;
            let mut body = BufReader::with_capacity(1 << 20, file.take(len));
            tokio::io::copy_buf(&mut body, &mut stream).await.map(|_| ())
        }
    };
    // A server that answered early (an error) may have closed its side: read the answer.
    if let Err(e) = sent {
        tracing::warn!(error = %e, "sending the body failed");
    }
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await?;
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").context("no HTTP answer")?;
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.lines();
    let status = lines.next().and_then(|l| l.split_whitespace().nth(1)).and_then(|s| s.parse().ok()).unwrap_or(0);
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    Ok(Answer { status, headers, body: raw[split + 4..].to_vec() })
}

/// The in-process server and a logged-in officer.
struct Server {
    addr: SocketAddr,
    app: App,
    cookie: String,
    csrf: String,
    case_id: uuid::Uuid,
    blobs: PathBuf,
}

async fn start_server(dir: &Path, max_bytes: u64) -> anyhow::Result<Server> {
    let data = dir.join("data");
    std::fs::create_dir_all(&data)?;
    // Benchmark data is thrown away: the fixed test key signs its checkpoints.
    let db = Db::open(&zhifa_store::sqlite_url(&data), zhifa_store::LedgerKey::for_tests()).await?;
    let blob = BlobConfig { data_dir: data.clone(), location: StoreLocation::Local(None), max_bytes };
    let app = App::new(db).with_files(Uploads::open(&blob)?);
    app.ensure_reference_data().await.map_err(|e| anyhow::anyhow!("{e}"))?;
    app.load_demo().await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let officer = app.db.account_for_login("scj-zf").await?.context("demo officer")?.0.principal();
    let case_id = app
        .cases_for(&officer)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .into_iter()
        .find(|c| c.stage == "investigation")
        .context("a demo case in investigation")?
        .id;
    let state = zhifa_web::AppState::new(app.clone(), zhifa_web::WebConfig::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        let service = zhifa_web::router(state).into_make_service_with_connect_info::<SocketAddr>();
        if let Err(e) = axum::serve(listener, service).await {
            tracing::error!(error = %e, "bench server stopped");
        }
    });
    let login = json!({"username": "scj-zf", "password": zhifa_app::demo::DEMO_PASSWORD}).to_string();
    let headers = [("Content-Type", "application/json".to_string())];
    let answer = request(addr, "POST", "/api/v1/session", &headers, Payload::Bytes(login.as_bytes())).await?;
    ensure!(answer.status == 200, "login failed: {}", String::from_utf8_lossy(&answer.body));
    let cookie = answer.header("set-cookie").and_then(|c| c.split(';').next()).context("session cookie")?.to_owned();
    let csrf = answer.json()["csrf_token"].as_str().context("csrf token")?.to_owned();
    Ok(Server { addr, app, cookie, csrf, case_id, blobs: data.join("blobs") })
}

/// Uploads `file` through the HTTP route; returns the stored SHA-256 (hex).
async fn upload(server: &Server, file: &Path, size: u64, chunk: u64, round: u32) -> anyhow::Result<String> {
    let auth = |extra: &[(&'static str, String)]| {
        let mut h = vec![("Cookie", server.cookie.clone()), ("X-CSRF-Token", server.csrf.clone())];
        h.extend_from_slice(extra);
        h
    };
    let now = zhifa_app::cases::beijing_now().format("%Y-%m-%dT%H:%M").to_string();
    let declaration = json!({
        "file_name": format!("基准测试录像-{round}.mp4"), "media_type": SAMPLE_MEDIA_TYPE, "total_size": size,
        "captured_at": now, "place": "基准测试", "captured_by": "李建国", "production_method": "执法记录仪拍摄",
        "maker": "李建国", "proves": "入库吞吐量", "sensitivity": "internal",
    })
    .to_string();
    let path = format!("/api/v1/cases/{}/uploads", server.case_id);
    let created = request(
        server.addr,
        "POST",
        &path,
        &auth(&[("Content-Type", "application/json".into())]),
        Payload::Bytes(declaration.as_bytes()),
    )
    .await?;
    ensure!(created.status == 201, "declaration refused: {}", String::from_utf8_lossy(&created.body));
    let url = created.json()["url"].as_str().context("upload url")?.to_owned();
    let mut offset = 0;
    loop {
        let len = if chunk == 0 { size - offset } else { chunk.min(size - offset) };
        let headers =
            auth(&[("Upload-Offset", offset.to_string()), ("Content-Type", "application/offset+octet-stream".into())]);
        let answer = request(server.addr, "PATCH", &url, &headers, Payload::File { path: file, offset, len }).await?;
        ensure!(answer.status == 200, "append refused ({}): {}", answer.status, String::from_utf8_lossy(&answer.body));
        let body = answer.json();
        offset = body["offset"].as_u64().context("offset")?;
        if body["complete"] == true {
            let av: uuid::Uuid = body["av_id"].as_str().context("av id")?.parse()?;
            let (case, _, _) = server.app.db.load_case(server.case_id).await?.context("case")?;
            let item = case.av.iter().find(|a| a.id == av).context("the attached item")?;
            return Ok(item.file.sha256.clone());
        }
    }
}

/// `tee DEST < SRC | sha256sum`: its time and the hash it printed.
fn shell_baseline(src: &Path, dest: &Path) -> anyhow::Result<(Duration, String)> {
    let t = Instant::now();
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(r#"tee "$1" < "$2" | sha256sum"#)
        .arg("sh")
        .arg(dest)
        .arg(src)
        .output()
        .context("cannot run sh")?;
    let elapsed = t.elapsed();
    if !out.status.success() {
        bail!("tee | sha256sum failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    let sha = String::from_utf8_lossy(&out.stdout).split_whitespace().next().unwrap_or_default().to_owned();
    Ok((elapsed, sha))
}

pub async fn run(_config: &Config, args: IngestArgs) -> anyhow::Result<()> {
    ensure!(args.size_mib > 0, "--size-mib 应大于 0");
    let size = args.size_mib << 20;
    let base = args.dir.clone().unwrap_or_else(std::env::temp_dir);
    let dir = base.join(format!("zhifa-bench-ingest-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).with_context(|| format!("无法创建 {}", dir.display()))?;
    let result = measure(&dir, size, &args).await;
    let _ = std::fs::remove_dir_all(&dir);
    result
}

async fn measure(dir: &Path, size: u64, args: &IngestArgs) -> anyhow::Result<()> {
    let src = dir.join("sample.mp4");
    let path = src.clone();
    tokio::task::spawn_blocking(move || write_sample_video(&path, size)).await??;
    let server = start_server(dir, size.max(1)).await?;
    let chunk = args.chunk_mib << 20;
    let how = if chunk == 0 { "一次 PATCH".to_owned() } else { format!("{} MiB 分段", args.chunk_mib) };
    println!("证据入库基准：{} MiB 样本录像，经本机回环 HTTP 上传（{how}），目录 {}", args.size_mib, dir.display());
    let mib = args.size_mib as f64;
    let mut ratios = Vec::new();
    let mut growths = Vec::new();
    for round in 1..=args.rounds {
        sync_all();
        let rss_before = proc_status("VmRSS:").unwrap_or(0);
        let peak_reset = reset_peak();
        let t = Instant::now();
        let stored = upload(&server, &src, size, chunk, round).await?;
        let ingest = t.elapsed();
        let peak = if peak_reset { proc_status("VmHWM:").unwrap_or(0) } else { proc_status("VmRSS:").unwrap_or(0) };
        let growth_mib = peak.saturating_sub(rss_before) as f64 / 1024.0;
        // The next round stores the file again rather than finding it stored.
        let blob = server.blobs.join(stored.parse::<zhifa_blob::Sha256>()?.blob_key());
        std::fs::remove_file(&blob).with_context(|| format!("cannot remove {}", blob.display()))?;

        sync_all();
        let dest = dir.join("baseline.out");
        let (baseline, sha) = shell_baseline(&src, &dest)?;
        std::fs::remove_file(&dest)?;
        ensure!(sha == stored, "the upload stored SHA-256 {stored}, sha256sum printed {sha}");

        let (up, base) = (mib / ingest.as_secs_f64(), mib / baseline.as_secs_f64());
        ratios.push(up / base);
        growths.push(growth_mib);
        println!(
            "第 {round} 轮：HTTP 上传 {up:.0} MiB/s（{ingest:.2?}，含 fsync）  tee|sha256sum {base:.0} MiB/s（{baseline:.2?}）  \
             比值 {:.2}  上传期间 RSS 增长 {growth_mib:.1} MiB（之前 {:.1} MiB）",
            up / base,
            rss_before as f64 / 1024.0,
        );
    }
    ratios.sort_by(f64::total_cmp);
    let worst_growth = growths.iter().copied().fold(0.0, f64::max);
    println!(
        "中位比值 {:.2}（目标 ≥ 0.8）；RSS 最大增长 {worst_growth:.1} MiB（目标 < 64 MiB；{}）",
        ratios[ratios.len() / 2],
        if reset_peak() { "峰值取自 VmHWM" } else { "无法重置 VmHWM，按上传后的 VmRSS 计" }
    );
    Ok(())
}
