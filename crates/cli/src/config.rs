//! Configuration: command-line flags, then environment variables, then an optional TOML
//! file, then defaults — loaded once and validated before anything starts. A bad setting
//! stops the program with a message naming the setting.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use serde::Deserialize;

/// Settings shared by every command (flags and environment; see `--help`).
#[derive(Debug, Clone, clap::Args)]
pub struct GlobalArgs {
    /// Optional TOML configuration file (keys: data_dir, database_url, ledger_origin, ledger_key_file, blob_store, blob_store_options, max_evidence_mb, bind, secure_cookies, max_upload_mb, upload_expiry_days, log, fonts_dir, public_url, smtp_url, mail_from, digest_to)
    #[arg(long, env = "ZHIFA_CONFIG", global = true)]
    pub config: Option<PathBuf>,
    /// Data directory: the SQLite database and local blobs live here [default: ./zhifa-data]
    #[arg(long, env = "ZHIFA_DATA_DIR", global = true)]
    pub data_dir: Option<PathBuf>,
    /// Database URL: sqlite://… or postgres://… [default: SQLite file in the data directory]
    #[arg(long, env = "ZHIFA_DATABASE_URL", global = true, hide_env_values = true)]
    pub database_url: Option<String>,
    /// Log filter, e.g. info or zhifa=debug [default: info]
    #[arg(long, env = "ZHIFA_LOG", global = true)]
    pub log: Option<String>,
    /// Name (origin) of the tamper-evident ledger, e.g. zhifa.example/anxiang; fixed once the
    /// signing key file exists [default: zhifa.example/<host name>]
    #[arg(long, env = "ZHIFA_LEDGER_ORIGIN", global = true)]
    pub ledger_origin: Option<String>,
    /// The ledger's checkpoint signing key (Go note private key), created there on first
    /// start if missing; every app node of one database needs the same key. Back it up
    /// [default: <data directory>/ledger.key]
    #[arg(long, env = "ZHIFA_LEDGER_KEY_FILE", global = true)]
    pub ledger_key_file: Option<PathBuf>,
    /// Where evidence files (photos, audio, video) are stored: `local` (<data directory>/blobs),
    /// an absolute directory, or s3://bucket/prefix with endpoint and credentials from the
    /// AWS_* environment variables [default: local]
    #[arg(long, env = "ZHIFA_BLOB_STORE", global = true)]
    pub blob_store: Option<String>,
    /// Largest evidence file accepted, in MiB [default: 8192]
    #[arg(long, env = "ZHIFA_MAX_EVIDENCE_MB", global = true)]
    pub max_evidence_mb: Option<u64>,
    /// Directory of the fonts official documents (PDF) are set in: Noto Serif CJK SC and Noto
    /// Sans CJK SC, as Debian's fonts-noto-cjk installs them; read at the first rendering
    /// [default: /usr/share/fonts/opentype/noto]
    #[arg(long, env = "ZHIFA_FONTS_DIR", global = true)]
    pub fonts_dir: Option<PathBuf>,
    /// The server's public address, which the QR code on issued documents leads to
    /// (<address>/d/<id>) [default: http://<bind address>]
    #[arg(long, env = "ZHIFA_PUBLIC_URL", global = true)]
    pub public_url: Option<String>,
}

/// Settings of `serve`.
#[derive(Debug, Clone, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on [default: 127.0.0.1:8080]
    #[arg(long, env = "ZHIFA_BIND")]
    pub bind: Option<String>,
    /// Mark cookies Secure (set when served over HTTPS) [default: false]
    #[arg(long, env = "ZHIFA_SECURE_COOKIES")]
    pub secure_cookies: Option<bool>,
    /// Largest accepted upload in MiB [default: 10]
    #[arg(long, env = "ZHIFA_MAX_UPLOAD_MB")]
    pub max_upload_mb: Option<u64>,
    /// Evidence uploads left unfinished this many days are removed from staging [default: 7]
    #[arg(long, env = "ZHIFA_UPLOAD_EXPIRY_DAYS")]
    pub upload_expiry_days: Option<u64>,
    /// SMTP server the daily supervision digest is mailed through: smtp://host:25,
    /// smtp://user:password@host:587?tls=required (STARTTLS) or smtps://user:password@host
    /// [default: no e-mail; the digest is in the application]
    #[arg(long, env = "ZHIFA_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// The digest's sender, e.g. 执法监督平台 <zhifa@sfj.anxiang.gov.cn>
    #[arg(long, env = "ZHIFA_MAIL_FROM")]
    pub mail_from: Option<String>,
    /// Who receives the county's daily digest (the judicial bureau's supervisors), comma-separated
    #[arg(long, env = "ZHIFA_DIGEST_TO")]
    pub digest_to: Option<String>,
    /// Load the demo data set before serving
    #[arg(long)]
    pub demo: bool,
    /// Benchmarks only: also serve this file's bytes at /bench/static, the baseline the
    /// portal's pages are measured against (scripts/bench-portal)
    #[arg(long, hide = true)]
    pub bench_static_file: Option<PathBuf>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    data_dir: Option<PathBuf>,
    database_url: Option<String>,
    ledger_origin: Option<String>,
    ledger_key_file: Option<PathBuf>,
    bind: Option<String>,
    secure_cookies: Option<bool>,
    max_upload_mb: Option<u64>,
    blob_store: Option<String>,
    /// Explicit S3 client options (endpoint, region, allow_http, …) over the AWS_* environment.
    #[serde(default)]
    blob_store_options: std::collections::BTreeMap<String, String>,
    max_evidence_mb: Option<u64>,
    upload_expiry_days: Option<u64>,
    log: Option<String>,
    fonts_dir: Option<PathBuf>,
    public_url: Option<String>,
    smtp_url: Option<String>,
    mail_from: Option<String>,
    digest_to: Option<String>,
}

/// The validated configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub data_dir: PathBuf,
    pub database_url: String,
    /// The ledger's origin when configured; otherwise the key file's, or a default.
    pub ledger_origin: Option<String>,
    /// The ledger's signing key file (configured, or `ledger.key` in the data directory).
    pub ledger_key_file: PathBuf,
    pub bind: SocketAddr,
    pub secure_cookies: bool,
    pub max_upload_bytes: usize,
    /// Evidence files: where they are stored, where uploads stage, the size limit.
    pub blob: zhifa_blob::BlobConfig,
    /// Unfinished evidence uploads idle this long are swept from staging.
    pub upload_expiry: std::time::Duration,
    pub log: String,
    /// Where the fonts of official documents are.
    pub fonts_dir: PathBuf,
    /// The public address in documents' QR codes.
    pub public_url: String,
    /// SMTP for the daily digest, when configured (checked at start).
    pub mail: Option<zhifa_app::mail::MailSettings>,
}

impl Config {
    pub fn load(global: &GlobalArgs, serve: Option<&ServeArgs>) -> anyhow::Result<Config> {
        let file = match &global.config {
            Some(path) => read_file(path)?,
            None => FileConfig::default(),
        };
        let data_dir = global.data_dir.clone().or(file.data_dir).unwrap_or_else(|| PathBuf::from("zhifa-data"));
        let database_url = global.database_url.clone().or(file.database_url);
        let database_url = match database_url {
            Some(url) => {
                if zhifa_store::Backend::from_url(&url).is_none() {
                    bail!("配置项 database_url 无效：“{url}” 应以 sqlite:// 或 postgres:// 开头");
                }
                url
            }
            None => {
                std::fs::create_dir_all(&data_dir)
                    .with_context(|| format!("配置项 data_dir 无效：无法创建数据目录 {}", data_dir.display()))?;
                zhifa_store::sqlite_url(&data_dir)
            }
        };
        let ledger_origin = global.ledger_origin.clone().or(file.ledger_origin);
        if let Some(origin) = &ledger_origin
            && (origin.is_empty() || origin.chars().any(|c| c.is_whitespace() || c == '+'))
        {
            bail!("配置项 ledger_origin 无效：“{origin}” 不能为空，也不能含空白或“+”，例如 zhifa.example/anxiang");
        }
        let ledger_key_file = match global.ledger_key_file.clone().or(file.ledger_key_file) {
            Some(path) => {
                check_key_file(&path)?;
                path
            }
            None => data_dir.join("ledger.key"),
        };
        let blob =
            blob_config(global, &data_dir, file.blob_store.as_deref(), &file.blob_store_options, file.max_evidence_mb)?;
        let bind_text = serve.and_then(|s| s.bind.clone()).or(file.bind).unwrap_or_else(|| "127.0.0.1:8080".into());
        let bind: SocketAddr = bind_text
            .parse()
            .map_err(|_| anyhow::anyhow!("配置项 bind 无效：“{bind_text}” 应为 地址:端口，例如 127.0.0.1:8080"))?;
        let secure_cookies = serve.and_then(|s| s.secure_cookies).or(file.secure_cookies).unwrap_or(false);
        let max_upload_mb = serve.and_then(|s| s.max_upload_mb).or(file.max_upload_mb).unwrap_or(10);
        if !(1..=10_240).contains(&max_upload_mb) {
            bail!("配置项 max_upload_mb 无效：{max_upload_mb} 应在 1 到 10240 之间");
        }
        let upload_expiry_days = serve.and_then(|s| s.upload_expiry_days).or(file.upload_expiry_days).unwrap_or(7);
        if !(1..=365).contains(&upload_expiry_days) {
            bail!("配置项 upload_expiry_days 无效：{upload_expiry_days} 应在 1 到 365 之间（天）");
        }
        let log = global.log.clone().or(file.log).unwrap_or_else(|| "info".into());
        let fonts_dir =
            global.fonts_dir.clone().or(file.fonts_dir).unwrap_or_else(|| PathBuf::from(zhifa_docs::DEFAULT_FONTS_DIR));
        let public_url = global.public_url.clone().or(file.public_url).unwrap_or_else(|| format!("http://{bind}"));
        if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
            bail!(
                "配置项 public_url 无效：“{public_url}” 应以 http:// 或 https:// 开头，例如 https://zhifa.anxiang.gov.cn"
            );
        }
        let smtp_url = serve.and_then(|s| s.smtp_url.clone()).or(file.smtp_url);
        let mail_from = serve.and_then(|s| s.mail_from.clone()).or(file.mail_from);
        let digest_to = serve.and_then(|s| s.digest_to.clone()).or(file.digest_to);
        let mail = match (smtp_url, mail_from, digest_to) {
            (None, None, None) => None,
            (Some(url), Some(from), Some(to)) => {
                Some(zhifa_app::mail::MailSettings::new(&url, &from, &to).map_err(anyhow::Error::msg)?)
            }
            _ => bail!("配置项 smtp_url、mail_from、digest_to 须同时填写（邮件发送执法监督日报），或都不填"),
        };
        Ok(Config {
            mail,
            fonts_dir,
            public_url,
            data_dir,
            database_url,
            ledger_origin,
            ledger_key_file,
            bind,
            secure_cookies,
            max_upload_bytes: (max_upload_mb * 1024 * 1024) as usize,
            blob,
            upload_expiry: std::time::Duration::from_secs(upload_expiry_days * 24 * 3600),
            log,
        })
    }
}

/// The evidence store: its location (parsed and checked now; nothing is opened) and the
/// size limit.
fn blob_config(
    global: &GlobalArgs,
    data_dir: &Path,
    file_url: Option<&str>,
    file_options: &std::collections::BTreeMap<String, String>,
    file_max_mb: Option<u64>,
) -> anyhow::Result<zhifa_blob::BlobConfig> {
    let url = global.blob_store.as_deref().or(file_url).unwrap_or("local");
    let options = file_options.iter().map(|(k, v)| (k.clone(), v.clone()));
    let location = zhifa_blob::StoreLocation::parse(url, options).map_err(|e| {
        anyhow::anyhow!("配置项 blob_store 无效：{}", e.to_string().trim_start_matches("证据文件存储配置错误："))
    })?;
    let max_mb = global.max_evidence_mb.or(file_max_mb).unwrap_or(8192);
    if !(1..=1_048_576).contains(&max_mb) {
        bail!("配置项 max_evidence_mb 无效：{max_mb} 应在 1 到 1048576 之间（MiB）");
    }
    Ok(zhifa_blob::BlobConfig { data_dir: data_dir.to_path_buf(), location, max_bytes: max_mb << 20 })
}

/// A configured key file must be a file, or not exist yet in an existing directory (it is
/// created there on first start).
fn check_key_file(path: &Path) -> anyhow::Result<()> {
    let shown = path.display();
    if path.as_os_str().is_empty() {
        bail!("配置项 ledger_key_file 无效：路径不能为空");
    }
    match std::fs::metadata(path) {
        Ok(m) if m.is_file() => Ok(()),
        Ok(_) => bail!("配置项 ledger_key_file 无效：{shown} 不是文件"),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
            if dir.is_dir() {
                Ok(())
            } else {
                bail!("配置项 ledger_key_file 无效：目录 {} 不存在（首次启动时会在该目录创建密钥文件）", dir.display())
            }
        }
        Err(e) => bail!("配置项 ledger_key_file 无效：无法读取 {shown}：{e}"),
    }
}

fn read_file(path: &Path) -> anyhow::Result<FileConfig> {
    let text = std::fs::read_to_string(path).with_context(|| format!("无法读取配置文件 {}", path.display()))?;
    toml::from_str(&text).map_err(|e| anyhow::anyhow!("配置文件 {} 有误：{e}", path.display()))
}
