//! The evidence file store of the server: opened from the configuration (`blob_store`,
//! `max_evidence_mb`), and the server's hourly housekeeping: the sweep of uploads
//! abandoned in staging, and the takedown of publications past their period (D-08).

use std::time::Duration;

use zhifa_blob::Uploads;

use crate::config::Config;

/// How often the staging directory is swept and expired publications taken down.
const SWEEP_EVERY: Duration = Duration::from_secs(3600);

/// Opens the configured store (a local directory is created if missing; S3 is not
/// contacted until used) with staging in `<data dir>/uploads`.
pub fn open_files(config: &Config) -> anyhow::Result<Uploads> {
    Uploads::open(&config.blob).map_err(|e| anyhow::anyhow!("{e}"))
}

/// Sweeps uploads idle for longer than `expiry` at start and then hourly: an abandoned
/// upload's staged bytes go; nothing stored is ever touched.
pub fn spawn_sweep(files: Uploads, expiry: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(SWEEP_EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            match files.sweep(expiry).await {
                Ok(r) if r.unfinished + r.receipts + r.orphan_files > 0 => tracing::info!(
                    unfinished = r.unfinished,
                    receipts = r.receipts,
                    orphan_files = r.orphan_files,
                    "swept abandoned evidence uploads"
                ),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = ?e, "sweeping evidence uploads failed"),
            }
        }
    })
}

/// Takes down, at start and then hourly, the decisions whose time on the portal is over
/// (D-08): each takedown is an event; the notice stays in the record.
pub fn spawn_takedown(app: zhifa_app::App) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(SWEEP_EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            match app.take_down_expired(zhifa_app::cases::beijing_now().date()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(count = n, "took down decisions whose publication period ended"),
                Err(e) => tracing::warn!(error = %e, "taking down expired publications failed"),
            }
        }
    })
}

/// How often the server sweeps for supervision (V-03); the first sweep runs at start.
const SUPERVISION_EVERY: std::time::Duration = std::time::Duration::from_secs(600);

/// Keeps supervision's early warning current: a sweep every [`SUPERVISION_EVERY`], which
/// does nothing while another node holds the sweep's lease (`zhifa_app::supervision`).
pub fn spawn_supervision(app: zhifa_app::App, node: std::sync::Arc<str>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(SUPERVISION_EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            match app.sweep(&node).await {
                Ok(Some(r)) => tracing::info!(
                    streams = r.streams.values().sum::<usize>(),
                    clocks = r.clocks,
                    problems = r.problems,
                    millis = r.millis as u64,
                    "supervision sweep"
                ),
                Ok(None) => tracing::debug!("supervision sweep held by another node"),
                Err(e) => tracing::warn!(error = %e, "supervision sweep failed"),
            }
        }
    })
}

/// How often webhooks are delivered (D-14).
const WEBHOOKS_EVERY: std::time::Duration = std::time::Duration::from_secs(30);

/// Tells upper-level platforms of each publication change (`zhifa_app::webhooks`).
pub fn spawn_webhooks(app: zhifa_app::App, node: std::sync::Arc<str>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(WEBHOOKS_EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            match app.deliver_webhooks(&node).await {
                Ok(Some(n)) if n > 0 => tracing::info!(changes = n, "webhooks delivered"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "webhook delivery failed"),
            }
        }
    })
}
