//! Resumable streaming uploads: how evidence gets into the store over poor networks.
//!
//! The protocol (a web layer maps it onto HTTP, tus-style):
//! 1. [`Uploads::create`] with an [`UploadDeclaration`] (file name, declared media type,
//!    total size, optional SHA-256, the caller's opaque metadata) checks the size against
//!    `max_bytes` and the type against the allow-list, and returns an [`UploadId`].
//! 2. [`Uploads::append`] streams a body at an offset, which must equal the bytes already
//!    received; otherwise the error carries the current offset. Bytes are hashed on the way
//!    in and written to `<data_dir>/uploads/<id>.part` (1 MiB batches, fsync at the end of
//!    every append); a body that breaks off keeps what arrived.
//! 3. [`Uploads::status`] tells a client where to resume, also after a server restart: the
//!    declaration (the caller's metadata included, so it can check who may continue) is in
//!    `<id>.json` beside the part file, and the hash state is rebuilt by reading the part
//!    file back on the next append.
//! 4. When the last byte arrives the upload is finished: the content's magic bytes must
//!    match the declared type (else it is refused and nothing is stored), the optional
//!    declared SHA-256 must match, a photo gets a thumbnail, and the file moves into the
//!    store unless a blob with the same SHA-256 is already there. The result
//!    ([`Completed`]) is kept as a receipt, so a client that lost the answer asks again.
//! 5. [`Uploads::abort`] and [`Uploads::sweep`] remove staging files; an unfinished upload
//!    never becomes a blob.
//!
//! Concurrency: one append at a time per upload (a second gets `UploadBusy`). Each append
//! runs in a task of its own that holds the upload's lock, so a request dropped midway
//! still leaves the part file, its length and its hash in step. Staging is per process:
//! several app nodes must route one upload's requests to the same node.

mod staging;
mod writer;

use std::collections::HashMap;
use std::error::Error as StdError;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use serde::{Deserialize, Serialize};
use tokio::sync::{OwnedMutexGuard, Semaphore, mpsc};
use uuid::Uuid;

pub use writer::WRITE_BUFFER;
use writer::{End, FEED_DEPTH, Feed};

use crate::config::BlobConfig;
use crate::error::BlobError;
use crate::hash::{self, Sha256};
use crate::media::MediaType;
use crate::sniff::{SNIFF_LEN, sniff};
use crate::store::{BlobStore, Ingested};
use crate::thumbnail;

/// Longest accepted file name, in characters.
pub const MAX_FILE_NAME_CHARS: usize = 255;

/// An upload's identifier (a random UUID); also its staging files' name.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UploadId(Uuid);

impl UploadId {
    fn new() -> UploadId {
        UploadId(Uuid::new_v4())
    }
}

impl fmt::Display for UploadId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.hyphenated().fmt(f)
    }
}

impl fmt::Debug for UploadId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "UploadId({self})")
    }
}

impl FromStr for UploadId {
    type Err = BlobError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Uuid::try_parse(s).map(UploadId).map_err(|_| BlobError::InvalidUploadId { given: s.chars().take(64).collect() })
    }
}

/// What a client declares before sending a file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UploadDeclaration {
    /// The file's name on the officer's device (kept as metadata, never used as a path).
    pub file_name: String,
    /// The declared MIME type, as sent (`video/mp4`, `image/jpeg`, …).
    pub media_type: String,
    /// The file's exact size in bytes.
    pub total_size: u64,
    /// The SHA-256 the client computed, if it did: checked when the upload finishes.
    #[serde(default)]
    pub sha256: Option<Sha256>,
    /// Opaque to this crate (who declared the upload, what it is for…): persisted with the
    /// upload, returned by [`Uploads::status`] and handed back on completion.
    #[serde(default)]
    pub metadata: serde_json::Value,
}

/// A blob as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredBlob {
    pub sha256: Sha256,
    pub size: u64,
    /// The type the content was sniffed as (one the declaration accepted).
    pub media_type: MediaType,
    /// The object key (`sha256/ab/cd/<hex>`).
    pub key: String,
}

/// A finished upload: the blob, and what the caller gave at creation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Completed {
    pub upload_id: UploadId,
    pub blob: StoredBlob,
    pub file_name: String,
    pub metadata: serde_json::Value,
    /// The same content was already stored; nothing new was written.
    pub deduplicated: bool,
    /// The thumbnail's key, for a photo that could be decoded.
    pub thumbnail_key: Option<String>,
}

/// Where an upload stands.
#[derive(Debug, Clone, PartialEq)]
pub struct UploadStatus {
    pub id: UploadId,
    pub file_name: String,
    pub media_type: MediaType,
    pub total_size: u64,
    /// Bytes received and kept: the offset to resume from.
    pub received: u64,
    /// An append is running now (`received` is then as of its start).
    pub appending: bool,
    /// The declaration's metadata, as persisted (also after a restart).
    pub metadata: serde_json::Value,
    /// The receipt, once finished.
    pub completed: Option<Completed>,
}

/// The result of an append.
#[derive(Debug, Clone, PartialEq)]
pub enum AppendOutcome {
    /// More bytes are expected.
    InProgress { received: u64 },
    /// The last byte arrived and the blob is stored.
    Completed(Completed),
}

/// What [`Uploads::sweep`] removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SweepReport {
    /// Unfinished uploads (part file and record).
    pub unfinished: usize,
    /// Receipts of finished uploads.
    pub receipts: usize,
    /// Staging files without a record.
    pub orphan_files: usize,
}

/// The upload record persisted as `<id>.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Record {
    format: u32,
    id: UploadId,
    file_name: String,
    declared_mime: String,
    media_type: MediaType,
    total_size: u64,
    sha256: Option<Sha256>,
    #[serde(default)]
    metadata: serde_json::Value,
    created_unix_ms: u64,
    completed: Option<Completed>,
}

/// The upload manager. Cheap to clone; one per process over one staging directory.
#[derive(Clone)]
pub struct Uploads {
    shared: Arc<Shared>,
}

impl fmt::Debug for Uploads {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Uploads")
            .field("staging", &self.shared.dir)
            .field("store", &self.shared.store)
            .field("max_bytes", &self.shared.max_bytes)
            .finish()
    }
}

struct Shared {
    store: BlobStore,
    dir: PathBuf,
    max_bytes: u64,
    slots: Mutex<HashMap<UploadId, Arc<Slot>>>,
    /// One thumbnail decode at a time: bounded memory.
    thumbnails: Semaphore,
}

/// An upload known to this process.
struct Slot {
    id: UploadId,
    file_name: String,
    media_type: MediaType,
    total_size: u64,
    /// The declaration's metadata, readable while an append runs.
    metadata: serde_json::Value,
    /// `received` as of the last finished append, readable while one runs.
    received: AtomicU64,
    /// `None` once removed (aborted, swept, refused).
    state: Arc<tokio::sync::Mutex<Option<Staged>>>,
}

struct Staged {
    record: Record,
    received: u64,
    /// Hash of the part file's bytes; `None` until rebuilt after a restart or an error.
    hasher: Option<sha2::Sha256>,
}

impl Slot {
    fn new(record: Record, received: u64, hasher: Option<sha2::Sha256>) -> Slot {
        Slot {
            id: record.id,
            file_name: record.file_name.clone(),
            media_type: record.media_type,
            total_size: record.total_size,
            metadata: record.metadata.clone(),
            received: AtomicU64::new(received),
            state: Arc::new(tokio::sync::Mutex::new(Some(Staged { record, received, hasher }))),
        }
    }

    /// The status from the unlocked state, or (`None`) while an append holds the lock.
    fn status(&self, staged: Option<&Staged>) -> UploadStatus {
        UploadStatus {
            id: self.id,
            file_name: self.file_name.clone(),
            media_type: self.media_type,
            total_size: self.total_size,
            received: staged.map_or_else(|| self.received.load(Ordering::Acquire), |s| s.received),
            appending: staged.is_none(),
            metadata: self.metadata.clone(),
            completed: staged.and_then(|s| s.record.completed.clone()),
        }
    }
}

type Guard = OwnedMutexGuard<Option<Staged>>;

impl Uploads {
    /// The configured store, with staging in `<data_dir>/uploads`.
    pub fn open(config: &BlobConfig) -> Result<Uploads, BlobError> {
        let store = BlobStore::open(&config.location, &config.data_dir)?;
        Uploads::new(store, config.staging_dir(), config.max_bytes)
    }

    /// Uploads into `store`, staging in `staging_dir` (created if missing). For a local
    /// store, keep both on one filesystem so finishing is a link, not a copy.
    pub fn new(store: BlobStore, staging_dir: impl Into<PathBuf>, max_bytes: u64) -> Result<Uploads, BlobError> {
        let dir = staging_dir.into();
        std::fs::create_dir_all(&dir)
            .map_err(|e| BlobError::Config(format!("无法创建上传暂存目录 {}：{e}", dir.display())))?;
        Ok(Uploads {
            shared: Arc::new(Shared {
                store,
                dir,
                max_bytes,
                slots: Mutex::new(HashMap::new()),
                thumbnails: Semaphore::new(1),
            }),
        })
    }

    /// The blob store uploads finish into.
    pub fn store(&self) -> &BlobStore {
        &self.shared.store
    }

    /// The largest accepted file, in bytes.
    pub fn max_bytes(&self) -> u64 {
        self.shared.max_bytes
    }

    /// Starts an upload after checking the declaration.
    pub async fn create(&self, declared: UploadDeclaration) -> Result<UploadStatus, BlobError> {
        let file_name = check_file_name(&declared.file_name)?;
        let media_type = MediaType::from_mime(&declared.media_type).ok_or_else(|| BlobError::MediaTypeNotAllowed {
            declared: declared.media_type.chars().take(100).collect(),
        })?;
        if declared.total_size == 0 {
            return Err(BlobError::EmptyFile);
        }
        if declared.total_size > self.shared.max_bytes {
            return Err(BlobError::TooLarge { max_bytes: self.shared.max_bytes, declared: declared.total_size });
        }
        let record = Record {
            format: 1,
            id: UploadId::new(),
            file_name,
            declared_mime: declared.media_type,
            media_type,
            total_size: declared.total_size,
            sha256: declared.sha256,
            metadata: declared.metadata,
            created_unix_ms: unix_ms(SystemTime::now()),
            completed: None,
        };
        let dir = self.shared.dir.clone();
        let on_disk = record.clone();
        blocking("创建上传", move || staging::create(&dir, &on_disk)).await?;
        let status = UploadStatus {
            id: record.id,
            file_name: record.file_name.clone(),
            media_type,
            total_size: record.total_size,
            received: 0,
            appending: false,
            metadata: record.metadata.clone(),
            completed: None,
        };
        let slot = Arc::new(Slot::new(record, 0, Some(sha2::Sha256::default())));
        self.shared.slots().insert(slot.id, slot);
        Ok(status)
    }

    /// Where an upload stands: the offset to resume from, or its receipt.
    pub async fn status(&self, id: &UploadId) -> Result<UploadStatus, BlobError> {
        let slot = self.shared.slot(*id).await?;
        match slot.state.try_lock() {
            Ok(guard) => match guard.as_ref() {
                Some(staged) => Ok(slot.status(Some(staged))),
                None => Err(BlobError::UploadNotFound),
            },
            Err(_) => Ok(slot.status(None)),
        }
    }

    /// Appends a body at `offset`, which must equal the bytes received so far. When the
    /// last declared byte arrives, the upload is finished and the blob stored.
    ///
    /// A body that fails midway keeps what arrived (`Interrupted` carries the offset to
    /// resume from); one that goes past the declared size voids the upload. An empty body
    /// at offset `total_size` finishes an upload whose finish failed or was cut short by a
    /// crash (its status shows every byte received but no receipt); on a finished upload it
    /// returns the receipt again.
    pub async fn append<S, E>(&self, id: &UploadId, offset: u64, body: S) -> Result<AppendOutcome, BlobError>
    where
        S: Stream<Item = Result<Bytes, E>>,
        E: Into<Box<dyn StdError + Send + Sync>>,
    {
        let slot = self.shared.slot(*id).await?;
        let mut guard = slot.state.clone().try_lock_owned().map_err(|_| BlobError::UploadBusy)?;
        let Some(staged) = guard.as_mut() else {
            return Err(BlobError::UploadNotFound);
        };
        let total = staged.record.total_size;
        if let Some(done) = &staged.record.completed {
            return if offset == total {
                Ok(AppendOutcome::Completed(done.clone()))
            } else {
                Err(BlobError::OffsetMismatch { received: total, offered: offset })
            };
        }
        self.shared.ensure_hasher(&slot, staged).await?;
        if offset != staged.received {
            return Err(BlobError::OffsetMismatch { received: staged.received, offered: offset });
        }
        let remaining = total - staged.received;

        let (tx, rx) = mpsc::channel(FEED_DEPTH);
        let task = tokio::spawn(self.shared.clone().run_append(slot, guard, rx));
        let (end, broken) = forward(body, &tx, remaining).await;
        // If the writer has gone (an I/O error), its result says why.
        let _ = tx.send(Feed::End(end)).await;
        drop(tx);
        let outcome = task.await.map_err(|e| BlobError::join("写入上传内容", e))??;
        match (outcome, broken) {
            (AppendOutcome::InProgress { received }, Some(source)) => Err(BlobError::Interrupted { received, source }),
            (outcome, _) => Ok(outcome),
        }
    }

    /// Gives up an upload: its staging files are removed. For a finished upload only the
    /// receipt goes; the stored blob stays.
    pub async fn abort(&self, id: &UploadId) -> Result<(), BlobError> {
        let slot = self.shared.slot(*id).await?;
        let mut guard = slot.state.clone().try_lock_owned().map_err(|_| BlobError::UploadBusy)?;
        if guard.is_none() {
            return Err(BlobError::UploadNotFound);
        }
        self.shared.discard(&slot, &mut guard).await
    }

    /// Removes uploads idle for longer than `older_than` (unfinished ones and receipts of
    /// finished ones) and orphaned staging files. Uploads with an append running are left.
    pub async fn sweep(&self, older_than: Duration) -> Result<SweepReport, BlobError> {
        let dir = self.shared.dir.clone();
        let entries = blocking("清理上传暂存", move || staging::list(&dir)).await?;
        let now = SystemTime::now();
        let mut report = SweepReport::default();
        for entry in entries {
            let idle = now.duration_since(entry.last_activity).unwrap_or(Duration::ZERO);
            if idle < older_than {
                continue;
            }
            if !entry.has_record {
                let paths = entry.paths;
                let n = paths.len();
                blocking("清理上传暂存", move || paths.iter().try_for_each(|p| staging::remove_file(p))).await?;
                report.orphan_files += n;
                continue;
            }
            let slot = match self.shared.slot(entry.id).await {
                Ok(slot) => slot,
                Err(BlobError::UploadNotFound) => continue,
                Err(e) => return Err(e),
            };
            let Ok(mut guard) = slot.state.clone().try_lock_owned() else {
                continue;
            };
            let finished = match guard.as_ref() {
                None => continue,
                Some(staged) => staged.record.completed.is_some(),
            };
            self.shared.discard(&slot, &mut guard).await?;
            if finished {
                report.receipts += 1;
            } else {
                report.unfinished += 1;
            }
        }
        Ok(report)
    }
}

impl Shared {
    fn slots(&self) -> MutexGuard<'_, HashMap<UploadId, Arc<Slot>>> {
        self.slots.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The upload's slot, loading it from the staging directory if this process has not
    /// seen it (after a restart).
    async fn slot(&self, id: UploadId) -> Result<Arc<Slot>, BlobError> {
        if let Some(slot) = self.slots().get(&id) {
            return Ok(slot.clone());
        }
        let dir = self.dir.clone();
        let loaded = blocking("读取上传记录", move || staging::load(&dir, id)).await?;
        let Some(loaded) = loaded else {
            return Err(BlobError::UploadNotFound);
        };
        let slot = Arc::new(Slot::new(loaded.record, loaded.received, None));
        Ok(self.slots().entry(id).or_insert(slot).clone())
    }

    /// Rebuilds the hash state by reading the part file back (after a restart or an error).
    async fn ensure_hasher(&self, slot: &Slot, staged: &mut Staged) -> Result<(), BlobError> {
        if staged.hasher.is_some() {
            return Ok(());
        }
        let part = staging::part_path(&self.dir, slot.id);
        let (hasher, len) = match tokio::task::spawn_blocking(move || hash::hash_file(&part))
            .await
            .map_err(|e| BlobError::join("重建上传哈希", e))?
        {
            Ok(done) => done,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(BlobError::UploadNotFound);
            }
            Err(e) => return Err(BlobError::io("重建上传哈希", e)),
        };
        staged.hasher = Some(hasher);
        staged.received = len;
        slot.received.store(len, Ordering::Release);
        Ok(())
    }

    /// The task of one append: runs the writer, then finishes the upload if it is whole.
    /// Holds the upload's lock throughout, whether or not the request is still there.
    async fn run_append(
        self: Arc<Self>,
        slot: Arc<Slot>,
        mut guard: Guard,
        feed: mpsc::Receiver<Feed>,
    ) -> Result<AppendOutcome, BlobError> {
        let staged = guard.as_mut().ok_or(BlobError::UploadNotFound)?;
        let total = staged.record.total_size;
        let start = staged.received;
        let hasher = staged.hasher.take().unwrap_or_default();
        let dir = self.dir.clone();
        let id = slot.id;
        let written = if start == total {
            // All bytes are here (a finish that failed is being retried): nothing to write,
            // and the part file may already be read-only.
            let end = writer::wait_for_end(feed).await;
            writer::Written { hasher: Some(hasher), received: start, end, error: None }
        } else {
            let part = staging::part_path(&dir, id);
            let opened = tokio::task::spawn_blocking(move || staging::open_for_append(&dir, id, start))
                .await
                .map_err(|e| BlobError::join("写入上传内容", e))?;
            match opened {
                Ok(file) => writer::write_feed(part, file, hasher, start, feed).await,
                Err(error) => writer::Written { hasher: None, received: start, end: End::Broken, error: Some(error) },
            }
        };
        staged.received = written.received;
        staged.hasher = written.hasher;
        slot.received.store(written.received, Ordering::Release);
        if let Some(e) = written.error {
            return Err(BlobError::io(format!("写入暂存文件 {id}"), e));
        }
        if written.end == End::Overflow {
            self.discard(&slot, &mut guard).await?;
            return Err(BlobError::ExceedsDeclared { declared: total });
        }
        if written.received < total {
            return Ok(AppendOutcome::InProgress { received: written.received });
        }
        self.finish(&slot, &mut guard).await.map(AppendOutcome::Completed)
    }

    /// Checks a whole upload and moves it into the store.
    async fn finish(&self, slot: &Slot, guard: &mut Guard) -> Result<Completed, BlobError> {
        let id = slot.id;
        let staged = guard.as_mut().ok_or(BlobError::UploadNotFound)?;
        self.ensure_hasher(slot, staged).await?;
        let sha256 = Sha256::from_hasher(staged.hasher.clone().unwrap_or_default());
        let declared = staged.record.media_type;
        let expected = staged.record.sha256;

        let dir = self.dir.clone();
        let head = blocking("读取暂存文件", move || staging::read_head(&dir, id, SNIFF_LEN)).await?;
        let sniffed = sniff(&head);
        if !sniffed.accepts(declared) {
            self.discard(slot, guard).await?;
            return Err(BlobError::ContentMismatch { declared, actual: sniffed.describe() });
        }
        if let Some(expected) = expected.filter(|e| *e != sha256) {
            self.discard(slot, guard).await?;
            return Err(BlobError::ChecksumMismatch { expected, actual: sha256 });
        }
        let media_type = sniffed.primary().unwrap_or(declared);
        let part = staging::part_path(&self.dir, id);
        let thumbnail_key = if media_type.has_thumbnail() { self.thumbnail(&part, &sha256).await } else { None };
        let ingested = self.store.ingest_file(&part, &sha256, media_type).await?;

        let staged = guard.as_mut().ok_or(BlobError::UploadNotFound)?;
        let completed = Completed {
            upload_id: id,
            blob: StoredBlob { sha256, size: staged.record.total_size, media_type, key: sha256.blob_key() },
            file_name: staged.record.file_name.clone(),
            metadata: staged.record.metadata.clone(),
            deduplicated: ingested == Ingested::AlreadyPresent,
            thumbnail_key,
        };
        let mut record = staged.record.clone();
        record.completed = Some(completed.clone());
        let dir = self.dir.clone();
        let on_disk = record.clone();
        blocking("保存上传回执", move || staging::write_record(&dir, &on_disk)).await?;
        staged.record = record;
        // The receipt is written: a part file left behind now is removed on the next load.
        if let Err(e) = blocking("删除暂存文件", move || staging::remove_file(&part)).await {
            tracing::warn!(error = ?e, upload = %id, "staging file of a finished upload not removed");
        }
        tracing::info!(
            upload = %id,
            sha256 = %completed.blob.sha256,
            size = completed.blob.size,
            media_type = %media_type,
            deduplicated = completed.deduplicated,
            "evidence file stored"
        );
        Ok(completed)
    }

    /// Makes and stores a photo's thumbnail unless it exists. Failures only cost the
    /// thumbnail.
    async fn thumbnail(&self, part: &Path, sha256: &Sha256) -> Option<String> {
        match self.store.has_thumbnail(sha256).await {
            Ok(true) => return Some(sha256.thumbnail_key()),
            Ok(false) => {}
            Err(e) => {
                tracing::warn!(error = ?e, %sha256, "cannot check for a thumbnail");
                return None;
            }
        }
        let _permit = self.thumbnails.acquire().await.ok()?;
        let path = part.to_owned();
        let jpeg = match tokio::task::spawn_blocking(move || thumbnail::make_jpeg(&path)).await {
            Ok(Ok(jpeg)) => jpeg,
            Ok(Err(e)) => {
                tracing::info!(error = %e, %sha256, "photo stored without a thumbnail");
                return None;
            }
            Err(e) => {
                tracing::warn!(error = %e, %sha256, "thumbnail task failed");
                return None;
            }
        };
        match self.store.put_thumbnail(sha256, jpeg).await {
            Ok(key) => Some(key),
            Err(e) => {
                tracing::warn!(error = ?e, %sha256, "cannot store a thumbnail");
                None
            }
        }
    }

    /// Removes an upload's staging files and forgets it.
    async fn discard(&self, slot: &Slot, guard: &mut Guard) -> Result<(), BlobError> {
        let dir = self.dir.clone();
        let id = slot.id;
        blocking("删除上传暂存", move || staging::remove(&dir, id)).await?;
        **guard = None;
        self.slots().remove(&id);
        Ok(())
    }
}

/// Forwards a body's blocks to the writer, stopping before the declared size is exceeded.
/// Returns how the body ended and, if it failed, its error.
async fn forward<S, E>(
    body: S,
    feed: &mpsc::Sender<Feed>,
    remaining: u64,
) -> (End, Option<Box<dyn StdError + Send + Sync>>)
where
    S: Stream<Item = Result<Bytes, E>>,
    E: Into<Box<dyn StdError + Send + Sync>>,
{
    let mut body = std::pin::pin!(body);
    let mut sent = 0u64;
    while let Some(item) = body.next().await {
        match item {
            Ok(block) if block.is_empty() => {}
            Ok(block) => {
                sent += block.len() as u64;
                if sent > remaining {
                    return (End::Overflow, None);
                }
                if feed.send(Feed::Data(block)).await.is_err() {
                    return (End::Broken, None);
                }
            }
            Err(e) => return (End::Broken, Some(e.into())),
        }
    }
    (End::Finished, None)
}

fn check_file_name(name: &str) -> Result<String, BlobError> {
    let name = name.trim();
    let reason = if name.is_empty() {
        "文件名不能为空"
    } else if name.chars().count() > MAX_FILE_NAME_CHARS {
        "文件名过长，最多 255 个字符"
    } else if name.chars().any(char::is_control) {
        "文件名不能含有控制字符"
    } else {
        return Ok(name.to_owned());
    };
    Err(BlobError::InvalidFileName { reason })
}

fn unix_ms(t: SystemTime) -> u64 {
    t.duration_since(SystemTime::UNIX_EPOCH).map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)).unwrap_or(0)
}

/// Runs blocking file work off the async workers.
async fn blocking<T, F>(context: &'static str, f: F) -> Result<T, BlobError>
where
    F: FnOnce() -> std::io::Result<T> + Send + 'static,
    T: Send + 'static,
{
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| BlobError::join(context, e))?
        .map_err(|e| BlobError::io(context, e))
}
