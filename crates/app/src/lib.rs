//! zhifa-app: application services.
//!
//! A service method is the one place a command passes through: authorize the principal,
//! load state, call the pure decision in `zhifa-core`, append the events through
//! `zhifa-store`. The web layer and the CLI call these and nothing below them for writes.
//!
//! Error policy ([`AppError`]): a refused command carries a [`Rejection`] with field-level
//! Chinese messages; access is refused with the reason; a stale write is a conflict; a
//! store failure is internal and logged by the caller.

pub mod annual_report;
pub mod auth;
pub mod cases;
pub mod demo;
mod demo_benchmarks;
mod demo_cases;
mod demo_evaluation;
pub mod demo_hearing;
pub mod demo_inspection;
pub mod demo_penalty;
pub mod demo_portal;
pub mod demo_review;
pub mod demo_transfer;
pub mod discretion;
pub mod documents;
pub mod evaluation;
pub mod evidence;
pub mod export;
pub mod feedback;
pub mod import;
pub mod import_service;
pub mod inspection;
pub mod ledger;
pub mod mail;
pub mod portal;
pub mod portal_disclosure;
pub mod predisclosure;
pub mod reference;
pub mod registry;
pub mod review;
pub mod search;
pub mod supervision;
pub mod supervision_metrics;
pub mod transfer;
pub mod webhooks;

use zhifa_core::Rejection;
use zhifa_core::access::AccessError;
use zhifa_store::{Db, StoreError};

/// The application: the database, the evidence file store, and the services over them.
#[derive(Clone, Debug)]
pub struct App {
    pub db: Db,
    /// Evidence files: resumable uploads and the blob store behind them. `None` where
    /// no file store is configured (some tests, the calendar commands).
    pub files: Option<zhifa_blob::Uploads>,
    /// Official documents: fonts, the public address in QR codes, number sequences.
    pub documents: documents::Documents,
    /// The portal's full-text search index (derived from the publication rows).
    pub search: search::Search,
    /// The portal's correction requests and complaints: rate limit, form-token clock, the
    /// cached form key.
    pub feedback: feedback::FeedbackSettings,
    /// The agencies as the portal shows them, read again after a pre-disclosure event
    /// here or after [`portal::AGENCIES_KEPT`] (another node's approval).
    pub portal_cache: portal::PortalCache,
    /// The supervision sweep's case facts, decoded once per sweep.
    pub facts_cache: supervision_metrics::FactsCache,
    /// SMTP for the daily digest, when configured.
    pub mail: Option<mail::MailSettings>,
}

impl App {
    pub fn new(db: Db) -> Self {
        Self {
            db,
            files: None,
            documents: documents::Documents::default(),
            search: search::Search::in_memory(),
            portal_cache: portal::PortalCache::default(),
            facts_cache: Default::default(),
            mail: None,
            feedback: feedback::FeedbackSettings::default(),
        }
    }

    /// With an evidence file store.
    pub fn with_files(mut self, files: zhifa_blob::Uploads) -> Self {
        self.files = Some(files);
        self
    }

    /// The blob store, or an error saying none is configured.
    pub fn blob_store(&self) -> AppResult<&zhifa_blob::BlobStore> {
        self.files.as_ref().map(|f| f.store()).ok_or(AppError::NotFound("证据文件存储"))
    }
}

/// What can go wrong with a command.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    Rejected(Rejection),
    #[error("{0}")]
    Forbidden(#[from] AccessError),
    #[error("{0}不存在")]
    NotFound(&'static str),
    #[error("{0}")]
    Conflict(String),
    #[error("internal error: {0}")]
    Internal(#[source] StoreError),
}

impl From<Rejection> for AppError {
    fn from(r: Rejection) -> Self {
        AppError::Rejected(r)
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict { .. } => AppError::Conflict(e.to_string()),
            StoreError::Duplicate(m) => {
                tracing::info!(constraint = %m, "refused as a duplicate");
                AppError::Conflict("与已有数据重复（编号或名称已被使用），请核对后重试".into())
            }
            other => AppError::Internal(other),
        }
    }
}

pub type AppResult<T> = Result<T, AppError>;
