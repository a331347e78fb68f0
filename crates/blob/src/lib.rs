//! zhifa-blob: evidence files (rules R-08…R-11, storage half; X-01 detection of a swapped
//! file).
//!
//! Officers' photos, audio, video and scanned records are stored content-addressed by
//! SHA-256 (R-10: the hash is computed at ingest and goes into the record) in an object
//! store: a local directory by default, S3-compatible by configuration. Large files arrive
//! through resumable streaming uploads whose memory use does not grow with the file; the
//! content's real type is checked against the declared one before anything is stored.
//!
//! - [`config`]: where blobs live and the size limit ([`BlobConfig`]).
//! - [`upload`]: the resumable upload protocol ([`Uploads`]).
//! - [`store`]: reading, range reads, re-hashing, thumbnails ([`BlobStore`]).
//! - [`media`], [`sniff`]: the allowed types and the magic-byte check.
//! - [`hash`]: the [`Sha256`] type and keys.
//! - [`error`]: [`BlobError`], with Chinese messages.
//! - [`bench`]: hooks for `zhifa bench ingest`.
//!
//! This crate knows nothing of HTTP or the database: a web layer maps requests onto
//! [`Uploads`] and [`BlobStore`], an application layer records [`Completed`] in events.

pub mod bench;
pub mod config;
pub mod error;
pub mod hash;
pub mod media;
pub mod sniff;
pub mod store;
mod thumbnail;
pub mod upload;

pub use config::{BlobConfig, DEFAULT_MAX_BYTES, S3Location, StoreLocation};
pub use error::BlobError;
pub use hash::Sha256;
pub use media::{MediaKind, MediaType};
pub use store::{BlobRead, BlobStore, ByteRange, Rehash};
pub use thumbnail::THUMBNAIL_MAX_SIDE;
pub use upload::{
    AppendOutcome, Completed, MAX_FILE_NAME_CHARS, StoredBlob, SweepReport, UploadDeclaration, UploadId, UploadStatus,
    Uploads, WRITE_BUFFER,
};

/// The object_store crate this one is built on, for callers that supply a store
/// ([`BlobStore::from_object_store`], e.g. `object_store::memory::InMemory` in tests).
pub use object_store;
