//! The content-addressed blob store over `object_store`: where finished evidence lives.
//!
//! Two kinds of backend behind one type:
//! - **local** (`LocalFileSystem`, the default, rooted at `<data_dir>/blobs`): a finished
//!   upload staged on the same filesystem is moved in with a hard link (no copy; the blob
//!   appears whole or not at all, and an existing blob is never overwritten), then made
//!   read-only; reads of large ranges go straight to the file in 256 KiB blocks;
//! - **any other object store** (S3 in production, `InMemory` in tests): a streaming
//!   multipart put from the staged file, 8 MiB parts, two in flight, so memory stays bounded
//!   whatever the file size; the object appears when the upload completes.
//!
//! Keys: `sha256/ab/cd/<hex>` for a blob, `thumb/ab/cd/<hex>.jpg` for its thumbnail.
//! Nothing here deletes or overwrites a blob; `rehash` recomputes a stored blob's
//! SHA-256 and size so the ledger verifier can detect a swapped or truncated file.

use std::fmt;
use std::io::{Read, Seek, SeekFrom};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use bytes::Bytes;
use futures_util::stream::{self, BoxStream, StreamExt, TryStreamExt};
use object_store::local::LocalFileSystem;
use object_store::path::Path as Key;
use object_store::{
    Attribute, Attributes, GetOptions, GetRange, GetResultPayload, ObjectStore, ObjectStoreExt, PutMultipartOptions,
    PutPayload, WriteMultipart,
};
use sha2::Digest;

use crate::config::StoreLocation;
use crate::error::BlobError;
use crate::hash::{self, Sha256};
use crate::media::MediaType;
use crate::sniff::{SNIFF_LEN, sniff};

/// Block size of reads served from a local file.
pub const READ_CHUNK: usize = 256 << 10;
/// Block size of reads from a staged file being put into a remote store.
const INGEST_CHUNK: usize = 1 << 20;
/// Multipart part size (S3 requires at least 5 MiB for all but the last part).
pub const PART_SIZE: usize = 8 << 20;
/// Parts in flight at once during a multipart put.
const PART_CONCURRENCY: usize = 2;

/// A requested byte range of a blob (HTTP `Range: bytes=…`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ByteRange {
    /// `start..end`, end exclusive (HTTP `a-b` is `a..b+1`); an end past the blob is cut.
    Bounded(Range<u64>),
    /// From an offset to the end (HTTP `a-`).
    From(u64),
    /// The last n bytes (HTTP `-n`).
    Last(u64),
}

impl ByteRange {
    /// The concrete range within a blob of `size` bytes, or `RangeNotSatisfiable`.
    pub fn resolve(&self, size: u64) -> Result<Range<u64>, BlobError> {
        let bad = || BlobError::RangeNotSatisfiable { size };
        match *self {
            ByteRange::Bounded(ref r) if r.start < r.end && r.start < size => Ok(r.start..r.end.min(size)),
            ByteRange::From(start) if start < size => Ok(start..size),
            ByteRange::Last(n) if n > 0 && size > 0 => Ok(size.saturating_sub(n)..size),
            _ => Err(bad()),
        }
    }
}

/// An open read of a blob.
pub struct BlobRead {
    pub sha256: Sha256,
    /// The blob's whole size.
    pub total_size: u64,
    /// The bytes the stream yields, within `0..total_size`.
    pub range: Range<u64>,
    /// What the content is, sniffed from its first bytes; `None` only if the stored file
    /// was replaced behind the store's back by something unrecognisable.
    pub media_type: Option<MediaType>,
    /// The bytes of `range`, in order.
    pub stream: BoxStream<'static, Result<Bytes, BlobError>>,
}

impl fmt::Debug for BlobRead {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BlobRead")
            .field("sha256", &self.sha256)
            .field("total_size", &self.total_size)
            .field("range", &self.range)
            .field("media_type", &self.media_type)
            .finish_non_exhaustive()
    }
}

/// What a stored blob's content hashes to now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rehash {
    pub sha256: Sha256,
    pub size: u64,
}

impl Rehash {
    /// Whether the stored content is still what was recorded.
    pub fn matches(&self, sha256: &Sha256, size: u64) -> bool {
        self.sha256 == *sha256 && self.size == size
    }
}

/// How a staged file went into the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ingested {
    Stored,
    AlreadyPresent,
}

/// The blob store. Cheap to clone.
#[derive(Clone)]
pub struct BlobStore {
    inner: Arc<Inner>,
}

struct Inner {
    store: Arc<dyn ObjectStore>,
    /// Set for the local backend: resolves keys to files for links and direct reads.
    local: Option<Arc<LocalFileSystem>>,
}

impl fmt::Debug for BlobStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BlobStore({})", self.inner.store)
    }
}

impl BlobStore {
    /// Opens the configured store (`Local(None)` is `<data_dir>/blobs`).
    pub fn open(location: &StoreLocation, data_dir: &Path) -> Result<BlobStore, BlobError> {
        match location {
            StoreLocation::Local(None) => BlobStore::local(data_dir.join("blobs")),
            StoreLocation::Local(Some(root)) => BlobStore::local(root),
            #[cfg(feature = "s3")]
            StoreLocation::S3(s3) => BlobStore::s3(s3),
            #[cfg(not(feature = "s3"))]
            StoreLocation::S3(_) => Err(BlobError::Config("此版本编译时未包含 S3 支持，请改用本地目录存储".into())),
        }
    }

    /// A local directory store, created if missing.
    pub fn local(root: impl AsRef<Path>) -> Result<BlobStore, BlobError> {
        let root = root.as_ref();
        std::fs::create_dir_all(root)
            .map_err(|e| BlobError::Config(format!("无法创建证据文件目录 {}：{e}", root.display())))?;
        let fs = LocalFileSystem::new_with_prefix(root)
            .map_err(|e| BlobError::Config(format!("证据文件目录 {} 不可用：{e}", root.display())))?
            .with_fsync(true);
        let fs = Arc::new(fs);
        Ok(BlobStore { inner: Arc::new(Inner { store: fs.clone(), local: Some(fs) }) })
    }

    /// Any object store, used through the generic path (multipart puts, streamed reads):
    /// the one S3 takes, and what tests use with `object_store::memory::InMemory`.
    pub fn from_object_store(store: Arc<dyn ObjectStore>) -> BlobStore {
        BlobStore { inner: Arc::new(Inner { store, local: None }) }
    }

    /// An S3-compatible store: `AWS_*` environment, then the location's options.
    #[cfg(feature = "s3")]
    pub fn s3(location: &crate::config::S3Location) -> Result<BlobStore, BlobError> {
        use object_store::aws::{AmazonS3Builder, AmazonS3ConfigKey};
        use object_store::prefix::PrefixStore;

        // reqwest is built without a default TLS provider (see Cargo.toml): install ring's.
        // An error means one is already installed, which is as good.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut builder = AmazonS3Builder::from_env().with_bucket_name(&location.bucket);
        for (key, value) in location.options() {
            let key: AmazonS3ConfigKey =
                key.parse().map_err(|_| BlobError::Config(format!("未知的 S3 配置项“{key}”")))?;
            builder = builder.with_config(key, value);
        }
        let s3 = builder.build().map_err(|e| BlobError::Config(format!("S3 存储配置不完整或有误：{e}")))?;
        let store: Arc<dyn ObjectStore> = if location.prefix.is_empty() {
            Arc::new(s3)
        } else {
            Arc::new(PrefixStore::new(s3, location.prefix.as_str()))
        };
        Ok(BlobStore::from_object_store(store))
    }

    /// Whether the blob is stored.
    pub async fn exists(&self, sha256: &Sha256) -> Result<bool, BlobError> {
        match self.size(sha256).await {
            Ok(_) => Ok(true),
            Err(BlobError::BlobNotFound { .. }) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// The stored size of a blob.
    pub async fn size(&self, sha256: &Sha256) -> Result<u64, BlobError> {
        let key = Key::from(sha256.blob_key());
        match self.inner.store.head(&key).await {
            Ok(meta) => Ok(meta.size),
            Err(e) => Err(not_found_or(e, sha256, "查询证据文件")),
        }
    }

    /// Reads a blob, whole or a range of it, as a stream of blocks.
    pub async fn get(&self, sha256: &Sha256, range: Option<ByteRange>) -> Result<BlobRead, BlobError> {
        let total_size = self.size(sha256).await?;
        let range = match range {
            Some(r) => r.resolve(total_size)?,
            None => 0..total_size,
        };
        let media_type = self.sniff_stored(sha256, total_size).await?;
        let stream =
            if range.is_empty() { stream::empty().boxed() } else { self.stream_range(sha256, range.clone()).await? };
        Ok(BlobRead { sha256: *sha256, total_size, range, media_type, stream })
    }

    /// Recomputes the SHA-256 and size of what is stored under `sha256`'s key, reading it
    /// through (hashing on a blocking thread).
    pub async fn rehash(&self, sha256: &Sha256) -> Result<Rehash, BlobError> {
        let key = Key::from(sha256.blob_key());
        let got = self.inner.store.get(&key).await.map_err(|e| not_found_or(e, sha256, "读取证据文件"))?;
        let (hasher, size) = match got.payload {
            GetResultPayload::File(file, _) => tokio::task::spawn_blocking(move || hash::hash_reader(file))
                .await
                .map_err(|e| BlobError::join("重新计算哈希", e))?
                .map_err(|e| BlobError::io(format!("重新计算 {key} 的哈希"), e))?,
            GetResultPayload::Stream(s) => hash_stream(s.map_err(|e| BlobError::store("读取证据文件", e))).await?,
        };
        Ok(Rehash { sha256: Sha256::from_hasher(hasher), size })
    }

    /// The blob's JPEG thumbnail, if one was made (photos that could be decoded).
    pub async fn thumbnail(&self, sha256: &Sha256) -> Result<Option<Bytes>, BlobError> {
        let key = Key::from(sha256.thumbnail_key());
        match self.inner.store.get(&key).await {
            Ok(got) => got.bytes().await.map(Some).map_err(|e| BlobError::store("读取缩略图", e)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(BlobError::store("读取缩略图", e)),
        }
    }

    pub(crate) async fn has_thumbnail(&self, sha256: &Sha256) -> Result<bool, BlobError> {
        let key = Key::from(sha256.thumbnail_key());
        match self.inner.store.head(&key).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(e) => Err(BlobError::store("查询缩略图", e)),
        }
    }

    /// Stores a small blob held in memory (an issued document's PDF) under its SHA-256,
    /// unless it is already there; never overwrites. Returns the hash.
    pub async fn put_bytes(&self, bytes: Vec<u8>) -> Result<Sha256, BlobError> {
        let sha256 = Sha256::of(&bytes);
        if self.exists(&sha256).await? {
            return Ok(sha256);
        }
        self.inner
            .store
            .put(&Key::from(sha256.blob_key()), PutPayload::from(bytes))
            .await
            .map_err(|e| BlobError::store("保存文书", e))?;
        Ok(sha256)
    }

    pub(crate) async fn put_thumbnail(&self, sha256: &Sha256, jpeg: Vec<u8>) -> Result<String, BlobError> {
        let key = sha256.thumbnail_key();
        self.inner
            .store
            .put(&Key::from(key.as_str()), PutPayload::from(jpeg))
            .await
            .map_err(|e| BlobError::store("保存缩略图", e))?;
        Ok(key)
    }

    /// Moves a fully written, synced staged file into the store under `sha256`, unless the
    /// blob is already there. On the local backend the staged file stays in place (a hard
    /// link was made) for the caller to remove once it has recorded the outcome.
    pub(crate) async fn ingest_file(
        &self,
        staged: &Path,
        sha256: &Sha256,
        media_type: MediaType,
    ) -> Result<Ingested, BlobError> {
        if let Some(fs) = &self.inner.local {
            let key = Key::from(sha256.blob_key());
            let target = fs.path_to_filesystem(&key).map_err(|e| BlobError::store("定位证据文件", e))?;
            let from = staged.to_owned();
            let linked = tokio::task::spawn_blocking(move || link_into_place(&from, &target))
                .await
                .map_err(|e| BlobError::join("存入证据文件", e))?
                .map_err(|e| BlobError::io(format!("存入证据文件 {key}"), e))?;
            match linked {
                Linked::Done => return Ok(Ingested::Stored),
                Linked::Exists => return Ok(Ingested::AlreadyPresent),
                Linked::CrossDevice => {} // a store on another filesystem: copy below
            }
        }
        if self.exists(sha256).await? {
            return Ok(Ingested::AlreadyPresent);
        }
        self.put_multipart_from_file(staged, sha256, media_type).await?;
        Ok(Ingested::Stored)
    }

    async fn put_multipart_from_file(
        &self,
        staged: &Path,
        sha256: &Sha256,
        media_type: MediaType,
    ) -> Result<(), BlobError> {
        let key = Key::from(sha256.blob_key());
        let mut opts = PutMultipartOptions::default();
        if self.inner.local.is_none() {
            let mut attributes = Attributes::new();
            attributes.insert(Attribute::ContentType, media_type.mime().into());
            opts.attributes = attributes;
        }
        let path = staged.to_owned();
        let (file, size) = tokio::task::spawn_blocking(move || {
            let file = std::fs::File::open(&path)?;
            let size = file.metadata()?.len();
            Ok::<_, std::io::Error>((file, size))
        })
        .await
        .map_err(|e| BlobError::join("读取暂存文件", e))?
        .map_err(|e| BlobError::io("读取暂存文件", e))?;

        let upload =
            self.inner.store.put_multipart_opts(&key, opts).await.map_err(|e| BlobError::store("开始分段上传", e))?;
        let mut writer = WriteMultipart::new_with_chunk_size(upload, PART_SIZE);
        let mut blocks = file_blocks(file, 0..size, INGEST_CHUNK);
        let fed: Result<(), BlobError> = async {
            while let Some(block) = blocks.next().await {
                writer.wait_for_capacity(PART_CONCURRENCY).await.map_err(|e| BlobError::store("分段上传", e))?;
                writer.put(block?);
            }
            Ok(())
        }
        .await;
        match fed {
            Ok(()) => {
                writer.finish().await.map_err(|e| BlobError::store("完成分段上传", e))?;
                Ok(())
            }
            Err(e) => {
                if let Err(abort) = writer.abort().await {
                    tracing::warn!(error = %abort, %key, "aborting a multipart upload failed");
                }
                Err(e)
            }
        }
    }

    async fn sniff_stored(&self, sha256: &Sha256, size: u64) -> Result<Option<MediaType>, BlobError> {
        let n = size.min(SNIFF_LEN as u64);
        if n == 0 {
            return Ok(None);
        }
        let key = Key::from(sha256.blob_key());
        let head = self.inner.store.get_range(&key, 0..n).await.map_err(|e| not_found_or(e, sha256, "读取证据文件"))?;
        Ok(sniff(&head).primary())
    }

    async fn stream_range(
        &self,
        sha256: &Sha256,
        range: Range<u64>,
    ) -> Result<BoxStream<'static, Result<Bytes, BlobError>>, BlobError> {
        let key = Key::from(sha256.blob_key());
        let opts = GetOptions::new().with_range(Some(GetRange::Bounded(range)));
        let got = self.inner.store.get_opts(&key, opts).await.map_err(|e| not_found_or(e, sha256, "读取证据文件"))?;
        let range = got.range.clone();
        Ok(match got.payload {
            GetResultPayload::File(file, _) => file_blocks(file, range, READ_CHUNK),
            GetResultPayload::Stream(s) => s.map_err(|e| BlobError::store("读取证据文件", e)).boxed(),
        })
    }
}

fn not_found_or(e: object_store::Error, sha256: &Sha256, context: &str) -> BlobError {
    match e {
        object_store::Error::NotFound { .. } => BlobError::BlobNotFound { sha256: *sha256 },
        e => BlobError::store(context, e),
    }
}

/// Reads `range` of a file in blocks of `block` bytes, each read on a blocking thread.
/// A file shorter than the range (truncated meanwhile) ends the stream with an error.
pub(crate) fn file_blocks(
    file: std::fs::File,
    range: Range<u64>,
    block: usize,
) -> BoxStream<'static, Result<Bytes, BlobError>> {
    stream::try_unfold((file, range.start, range.end), move |(mut file, pos, end)| async move {
        if pos >= end {
            return Ok(None);
        }
        let want = usize::try_from(end - pos).unwrap_or(usize::MAX).min(block);
        let (file, buf) = tokio::task::spawn_blocking(move || {
            file.seek(SeekFrom::Start(pos))?;
            let mut buf = vec![0u8; want];
            file.read_exact(&mut buf)?;
            Ok::<_, std::io::Error>((file, buf))
        })
        .await
        .map_err(|e| BlobError::join("读取文件", e))?
        .map_err(|e| BlobError::io("读取文件", e))?;
        Ok(Some((Bytes::from(buf), (file, pos + want as u64, end))))
    })
    .boxed()
}

/// Hashes a stream on a blocking thread, handing blocks over a bounded channel.
pub(crate) async fn hash_stream<S>(mut blocks: S) -> Result<(sha2::Sha256, u64), BlobError>
where
    S: futures_util::Stream<Item = Result<Bytes, BlobError>> + Unpin,
{
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Bytes>(8);
    let hasher = tokio::task::spawn_blocking(move || {
        let mut hasher = sha2::Sha256::new();
        let mut size = 0u64;
        while let Some(block) = rx.blocking_recv() {
            hasher.update(&block);
            size += block.len() as u64;
        }
        (hasher, size)
    });
    while let Some(block) = blocks.next().await {
        if tx.send(block?).await.is_err() {
            break;
        }
    }
    drop(tx);
    hasher.await.map_err(|e| BlobError::join("计算哈希", e))
}

enum Linked {
    Done,
    Exists,
    CrossDevice,
}

/// Puts a staged file in place under `target` without copying: a hard link, which never
/// replaces an existing blob and makes the blob appear whole. The content is made
/// read-only first (the permission belongs to the file, so the blob has it as it appears).
/// Where hard links are unsupported, a rename after checking that no blob is there.
fn link_into_place(staged: &Path, target: &Path) -> std::io::Result<Linked> {
    let dir: PathBuf = target
        .parent()
        .map(Path::to_owned)
        .ok_or_else(|| std::io::Error::other("blob path without a parent directory"))?;
    std::fs::create_dir_all(&dir)?;
    let mut perms = std::fs::metadata(staged)?.permissions();
    perms.set_readonly(true);
    std::fs::set_permissions(staged, perms)?;
    match std::fs::hard_link(staged, target) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Ok(Linked::Exists),
        Err(e) if e.kind() == std::io::ErrorKind::CrossesDevices => {
            return Ok(Linked::CrossDevice);
        }
        Err(_) if target.exists() => return Ok(Linked::Exists),
        Err(_) => std::fs::rename(staged, target)?,
    }
    sync_dir(&dir)?;
    Ok(Linked::Done)
}

/// Makes a directory's entries durable (a new link or rename in it).
pub(crate) fn sync_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::File::open(dir)?.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_resolve_like_http() {
        assert_eq!(ByteRange::Bounded(0..500).resolve(1000).unwrap(), 0..500);
        assert_eq!(ByteRange::Bounded(900..2000).resolve(1000).unwrap(), 900..1000);
        assert_eq!(ByteRange::From(10).resolve(1000).unwrap(), 10..1000);
        assert_eq!(ByteRange::Last(100).resolve(1000).unwrap(), 900..1000);
        assert_eq!(ByteRange::Last(5000).resolve(1000).unwrap(), 0..1000);
        for bad in [ByteRange::Bounded(1000..1001), ByteRange::Bounded(5..5), ByteRange::From(1000), ByteRange::Last(0)]
        {
            assert!(matches!(bad.resolve(1000), Err(BlobError::RangeNotSatisfiable { size: 1000 })));
        }
    }
}
