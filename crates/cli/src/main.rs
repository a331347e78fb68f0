//! `zhifa`: the one binary. Its subcommands are the process roles.

mod bench;
mod bench_docs;
mod bench_draw;
mod bench_ingest;
mod bench_portal;
mod bench_supervision;
mod config;
mod draw;
mod evidence;
mod ledger;
mod package;

use std::process::ExitCode;

use anyhow::Context;
use chrono::NaiveDate;
use clap::{Parser, Subcommand};
use zhifa_app::App;
use zhifa_core::WorkingDays;
use zhifa_store::{Db, LedgerKey};

use crate::config::{Config, GlobalArgs, ServeArgs};

/// 行政执法综合管理平台 zhifa
#[derive(Debug, Parser)]
#[command(name = "zhifa", version, about)]
struct Cli {
    #[command(flatten)]
    global: GlobalArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the web server (internal application, API, health check)
    Serve(ServeArgs),
    /// Load the demo data set and print the demo accounts
    Demo,
    /// Apply the embedded database migrations and the bundled reference data
    Migrate,
    /// The working-day calendar
    #[command(subcommand)]
    Calendar(CalendarCommand),
    /// Administration
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Benchmarks (figures for docs/PERFORMANCE.md)
    Bench(bench_ingest::BenchCommand),
    /// Export a bound case file (案卷) that verifies offline
    #[command(subcommand)]
    Export(package::ExportCommand),
    /// Check an exported case file with nothing but the file: authenticity, integrity,
    /// usability, security (DA/T 70-2018)
    Verify(package::VerifyArgs),
    /// The tamper-evident ledger: verify everything, print the checkpoint, the key, proofs
    #[command(subcommand)]
    Ledger(ledger::LedgerCommand),
    /// Random inspections: re-run a plan's draw and compare (S-02)
    #[command(subcommand)]
    Draw(draw::DrawCommand),
}

#[derive(Debug, Subcommand)]
enum CalendarCommand {
    /// Print true if DATE is a working day, else false
    IsWorkday { date: NaiveDate },
    /// Print the date N working days after DATE
    AddWorkdays { date: NaiveDate, n: u32 },
    /// Print the number of working days after FROM up to and including TO
    Between { from: NaiveDate, to: NaiveDate },
    /// Load (or replace) a year from a calendar TOML file
    Load { file: std::path::PathBuf },
    /// List the loaded years
    Years,
}

#[derive(Debug, Subcommand)]
enum AdminCommand {
    /// Rebuild every projection (read model) from the event log
    Rebuild,
    /// Rebuild the portal's full-text search index from the publications (the server
    /// must be stopped: it holds the index)
    RebuildSearch,
    /// Create a platform administrator account (password from ZHIFA_ADMIN_PASSWORD)
    CreateAdmin {
        username: String,
        #[arg(long, env = "ZHIFA_ADMIN_PASSWORD", hide_env_values = true)]
        password: String,
    },
}

fn init_tracing(filter: &str) {
    let filter =
        tracing_subscriber::EnvFilter::try_new(filter).unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).try_init();
}

/// The ledger's signing key: the configured key file (`ledger.key` in the data directory by
/// default), created on first start.
fn ledger_key(config: &Config) -> anyhow::Result<LedgerKey> {
    let path = &config.ledger_key_file;
    let key = match &config.ledger_origin {
        Some(origin) => LedgerKey::load_or_create(path, origin)?,
        None if path.exists() => LedgerKey::load(path)?,
        None => {
            let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
                .ok()
                .map(|h| h.trim().to_string())
                .filter(|h| !h.is_empty() && !h.contains(|c: char| c.is_whitespace() || c == '+'))
                .unwrap_or_else(|| "localhost".into());
            LedgerKey::load_or_create(path, &format!("zhifa.example/{host}"))?
        }
    };
    Ok(key)
}

async fn open(config: &Config) -> anyhow::Result<App> {
    let db = Db::open(&config.database_url, ledger_key(config)?)
        .await
        .with_context(|| format!("无法打开数据库（{}）", redact(&config.database_url)))?;
    let fonts = zhifa_docs::FontLibrary::new(&config.fonts_dir);
    // Documents cannot be rendered without their fonts; everything else works.
    if let Err(e) = fonts.check() {
        tracing::warn!("{e}");
    }
    let mut app = App::new(db)
        .with_files(evidence::open_files(config)?)
        .with_documents(zhifa_app::documents::Documents::new(fonts, &config.public_url));
    if let Some(mail) = &config.mail {
        app = app.with_mail(mail.clone());
    }
    app.ensure_reference_data().await.map_err(|e| anyhow::anyhow!("载入内置参考数据失败：{e}"))?;
    Ok(app)
}

/// The portal's search index in the data directory (derived data: deleting the directory
/// only makes the server rebuild it).
fn search_index(config: &Config) -> anyhow::Result<zhifa_app::search::Search> {
    let dir = config.data_dir.join("search");
    let index = zhifa_search::SearchIndex::open(&dir)
        .with_context(|| format!("无法打开全文检索索引 {}（可删除该目录后重启，索引会自动重建）", dir.display()))?;
    Ok(zhifa_app::search::Search::new(index))
}

/// Hides a password in a database URL for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => match url[s + 3..at].split_once(':') {
            Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
            None => url.to_string(),
        },
        _ => url.to_string(),
    }
}

fn print_demo_accounts(accounts: &[zhifa_app::demo::DemoAccount]) {
    println!("演示账号（密码均为 {}）：", zhifa_app::demo::DEMO_PASSWORD);
    for a in accounts {
        println!("  {:<14} {:<10} {}", a.username, a.role.label(), a.agency);
    }
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    // The offline verifier needs nothing but the package: no configuration, no database.
    let cli = match cli.command {
        Command::Verify(args) => return package::verify_package(args),
        Command::Draw(draw::DrawCommand::Verify { file: Some(file), .. }) => return Ok(draw::verify_file(&file)),
        command => Cli { command, ..cli },
    };
    let serve_args = match &cli.command {
        Command::Serve(s) => Some(s),
        _ => None,
    };
    let config = Config::load(&cli.global, serve_args)?;
    init_tracing(&config.log);
    match cli.command {
        Command::Serve(args) => {
            let started = std::time::Instant::now();
            let app = open(&config).await?;
            if args.demo {
                let accounts = app.load_demo().await.map_err(|e| anyhow::anyhow!("载入演示数据失败：{e}"))?;
                app.load_demo_publication().await.map_err(|e| anyhow::anyhow!("载入演示公示失败：{e}"))?;
                app.load_demo_inspection().await.map_err(|e| anyhow::anyhow!("载入演示双随机抽查失败：{e}"))?;
                app.load_demo_evaluation().await.map_err(|e| anyhow::anyhow!("载入演示案卷评查失败：{e}"))?;
                print_demo_accounts(&accounts);
            }
            if let Some(files) = app.files.clone() {
                evidence::spawn_sweep(files, config.upload_expiry);
            }
            let app = app.with_search(search_index(&config)?);
            // Derived data: caught up (or rebuilt) before the first search, then at each search.
            let n = app.sync_search().await.map_err(|e| anyhow::anyhow!("全文检索索引同步失败：{e}"))?;
            tracing::info!(publications = n, "search index caught up");
            evidence::spawn_takedown(app.clone());
            let state = zhifa_web::AppState::new(
                app,
                zhifa_web::WebConfig {
                    secure_cookies: config.secure_cookies,
                    max_upload_bytes: config.max_upload_bytes,
                },
            );
            let listener = tokio::net::TcpListener::bind(config.bind)
                .await
                .with_context(|| format!("无法监听 {}（端口被占用或无权限）", config.bind))?;
            let addr = listener.local_addr()?;
            println!(
                "zhifa 已启动：http://{addr}/ （数据库：{}，用时 {} 毫秒）",
                app_backend(&state),
                started.elapsed().as_millis()
            );
            evidence::spawn_supervision(state.app.clone(), state.node.clone());
            evidence::spawn_webhooks(state.app.clone(), state.node.clone());
            let mut router = zhifa_web::router(state);
            if let Some(path) = &args.bench_static_file {
                let body = bytes::Bytes::from(std::fs::read(path).with_context(|| format!("{}", path.display()))?);
                router = router.route(
                    "/bench/static",
                    axum::routing::get(move || {
                        let body = body.clone();
                        async move { ([(axum::http::header::CONTENT_TYPE, "text/html; charset=utf-8")], body) }
                    }),
                );
            }
            axum::serve(listener, router.into_make_service_with_connect_info::<std::net::SocketAddr>())
                .with_graceful_shutdown(shutdown())
                .await?;
        }
        Command::Demo => {
            let app = open(&config).await?;
            let accounts = app.load_demo().await.map_err(|e| anyhow::anyhow!("载入演示数据失败：{e}"))?;
            app.load_demo_publication().await.map_err(|e| anyhow::anyhow!("载入演示公示失败：{e}"))?;
            app.load_demo_inspection().await.map_err(|e| anyhow::anyhow!("载入演示双随机抽查失败：{e}"))?;
            app.load_demo_evaluation().await.map_err(|e| anyhow::anyhow!("载入演示案卷评查失败：{e}"))?;
            print_demo_accounts(&accounts);
        }
        Command::Migrate => {
            open(&config).await?;
            println!("数据库已是最新结构：{}（数据目录 {}）", redact(&config.database_url), config.data_dir.display());
        }
        Command::Calendar(c) => {
            let app = open(&config).await?;
            let cal = app.db.work_calendar().await?;
            match c {
                CalendarCommand::IsWorkday { date } => println!("{}", cal.is_working_day(date)?),
                CalendarCommand::AddWorkdays { date, n } => println!("{}", cal.add_working_days(date, WorkingDays(n))?),
                CalendarCommand::Between { from, to } => println!("{}", cal.working_days_between(from, to)?),
                CalendarCommand::Load { file } => {
                    let text =
                        std::fs::read_to_string(&file).with_context(|| format!("无法读取 {}", file.display()))?;
                    let year = app.load_calendar_year(None, &text).await.map_err(|e| anyhow::anyhow!("{e}"))?;
                    println!("已载入{}年工作日历（{}个节假日）", year.year, year.holidays.len());
                }
                CalendarCommand::Years => {
                    for y in cal.loaded_years() {
                        println!("{y}");
                    }
                }
            }
        }
        Command::Admin(AdminCommand::Rebuild) => {
            let app = open(&config).await?;
            let n = app.db.rebuild_projections().await?;
            println!("已从{n}个事件重建全部读模型");
        }
        Command::Admin(AdminCommand::RebuildSearch) => {
            let app = open(&config).await?.with_search(search_index(&config)?);
            let started = std::time::Instant::now();
            let n = app.rebuild_search().await.map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("已重建全文检索索引：{n} 条公示，用时 {} 毫秒", started.elapsed().as_millis());
        }
        Command::Admin(AdminCommand::CreateAdmin { username, password }) => {
            let app = open(&config).await?;
            app.bootstrap_admin(&username, &password).await.map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("已创建平台管理员 {username}");
        }
        Command::Bench(args) => bench_ingest::dispatch(&config, args).await?,
        Command::Export(c) => package::export(&open(&config).await?, c).await?,
        Command::Verify(_) => unreachable!("handled before the configuration is loaded"),
        Command::Ledger(c) => {
            let app = open(&config).await?;
            return ledger::run(&app, &config, c).await;
        }
        Command::Draw(c) => return draw::run(&open(&config).await?, c).await,
    }
    Ok(ExitCode::SUCCESS)
}

fn app_backend(state: &zhifa_web::AppState) -> &'static str {
    state.app.db.backend().name()
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let rt = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("错误：无法启动运行时：{e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("错误：{e:#}");
            ExitCode::from(2)
        }
    }
}
