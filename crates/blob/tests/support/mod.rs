//! Helpers for the upload and store tests: a store in a temporary data directory (local)
//! or in memory (standing in for S3), small generated sample files, and bodies.

#![allow(dead_code)]

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use bytes::Bytes;
use futures_util::stream::{self, Stream, StreamExt};
use zhifa_blob::object_store::memory::InMemory;
use zhifa_blob::{
    AppendOutcome, BlobConfig, BlobError, BlobStore, Completed, UploadDeclaration, UploadId, UploadStatus, Uploads,
};

pub const MIB: usize = 1 << 20;

/// A data directory with an upload manager over it.
pub struct Env {
    pub dir: tempfile::TempDir,
    pub uploads: Uploads,
    memory: Option<Arc<InMemory>>,
}

impl Env {
    /// Local store under a fresh data directory.
    pub fn local(max_bytes: u64) -> Env {
        let dir = tempfile::tempdir().unwrap();
        let uploads = open_local(dir.path(), max_bytes);
        Env { dir, uploads, memory: None }
    }

    /// An in-memory object store: the generic (S3) code path.
    pub fn memory(max_bytes: u64) -> Env {
        let dir = tempfile::tempdir().unwrap();
        let memory = Arc::new(InMemory::new());
        let store = BlobStore::from_object_store(memory.clone());
        let uploads = Uploads::new(store, dir.path().join("uploads"), max_bytes).unwrap();
        Env { dir, uploads, memory: Some(memory) }
    }

    /// A new manager over the same directories, as after a server restart.
    pub fn restart(&mut self) {
        let max = self.uploads.max_bytes();
        self.uploads = match &self.memory {
            None => open_local(self.dir.path(), max),
            Some(memory) => {
                Uploads::new(BlobStore::from_object_store(memory.clone()), self.dir.path().join("uploads"), max)
                    .unwrap()
            }
        };
    }

    pub fn store(&self) -> &BlobStore {
        self.uploads.store()
    }

    pub fn memory_store(&self) -> Arc<InMemory> {
        self.memory.clone().expect("an in-memory env")
    }

    pub fn staging_dir(&self) -> PathBuf {
        self.dir.path().join("uploads")
    }

    /// Names of the files in the staging directory, sorted.
    pub fn staging_files(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.staging_dir())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    /// Staging files other than finished uploads' receipts (`.json` with `completed`).
    pub fn unfinished_staging_files(&self) -> Vec<String> {
        self.staging_files()
            .into_iter()
            .filter(|name| {
                let json = name.ends_with(".json")
                    && std::fs::read_to_string(self.staging_dir().join(name)).unwrap().contains("\"blob\"");
                !json
            })
            .collect()
    }

    /// Blob files under the local store (`<data_dir>/blobs/sha256/…`).
    pub fn local_blob_files(&self) -> Vec<PathBuf> {
        let mut found = Vec::new();
        walk(&self.dir.path().join("blobs/sha256"), &mut found);
        found
    }

    /// Creates an upload for `data` declared as `mime`.
    pub async fn create(&self, name: &str, mime: &str, data: &[u8]) -> UploadStatus {
        self.uploads.create(declare(name, mime, data.len() as u64)).await.unwrap()
    }

    /// Uploads `data` in one append of 64 KiB blocks.
    pub async fn upload(&self, name: &str, mime: &str, data: &[u8]) -> Result<Completed, BlobError> {
        let id = self.create(name, mime, data).await.id;
        match self.uploads.append(&id, 0, body(data, 64 << 10)).await? {
            AppendOutcome::Completed(done) => Ok(done),
            other => panic!("expected completion, got {other:?}"),
        }
    }

    pub async fn append(&self, id: &UploadId, offset: u64, data: &[u8]) -> Result<AppendOutcome, BlobError> {
        self.uploads.append(id, offset, body(data, 64 << 10)).await
    }
}

fn open_local(data_dir: &Path, max_bytes: u64) -> Uploads {
    let mut config = BlobConfig::new(data_dir);
    config.max_bytes = max_bytes;
    Uploads::open(&config).unwrap()
}

fn walk(dir: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            walk(&path, found);
        } else {
            found.push(path);
        }
    }
}

pub fn declare(name: &str, mime: &str, total_size: u64) -> UploadDeclaration {
    UploadDeclaration {
        file_name: name.to_owned(),
        media_type: mime.to_owned(),
        total_size,
        sha256: None,
        metadata: serde_json::json!({ "case": "湘乡执法〔2026〕1号", "officer": 7 }),
    }
}

/// `data` as a body of `block`-byte chunks.
pub fn body(data: &[u8], block: usize) -> impl Stream<Item = Result<Bytes, std::io::Error>> + use<> {
    let chunks: Vec<Result<Bytes, std::io::Error>> =
        data.chunks(block.max(1)).map(|c| Ok(Bytes::copy_from_slice(c))).collect();
    stream::iter(chunks)
}

/// `data` as a body, then the connection breaks.
pub fn broken_body(data: &[u8]) -> impl Stream<Item = Result<Bytes, std::io::Error>> + use<> {
    body(data, 64 << 10).chain(stream::iter([Err(std::io::Error::new(
        std::io::ErrorKind::ConnectionReset,
        "connection reset by peer",
    ))]))
}

/// `data` as a body that then never ends (a stalled client).
pub fn stalled_body(data: &[u8]) -> impl Stream<Item = Result<Bytes, std::io::Error>> + use<> {
    body(data, 64 << 10).chain(stream::pending())
}

/// An MP4 (ISO `ftyp` box, brand `isom`) of `size` bytes, the rest pseudo-random.
pub fn mp4(size: usize) -> Vec<u8> {
    let mut v = b"\0\0\0\x20ftypisom\0\0\x02\0isomiso2avc1mp41".to_vec();
    let mut state = 0x2545_F491_4F6C_DD1D_u64 ^ size as u64;
    while v.len() < size {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        v.extend_from_slice(&state.to_le_bytes());
    }
    v.truncate(size);
    v
}

/// A PNG photo of `w`×`h` pixels.
pub fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([x as u8, y as u8, 128]));
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// A JPEG photo of `w`×`h` pixels.
pub fn jpeg(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([y as u8, x as u8, 60]));
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Jpeg).unwrap();
    out.into_inner()
}

/// Collects a read's stream.
pub async fn read_all(mut stream: impl Stream<Item = Result<Bytes, BlobError>> + Unpin) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(block) = stream.next().await {
        out.extend_from_slice(&block.unwrap());
    }
    out
}
