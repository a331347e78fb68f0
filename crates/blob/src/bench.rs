//! What `zhifa bench ingest` needs to measure the upload path against the baseline
//! `tee DEST < FILE | sha256sum`: a sample file of any size with a valid MP4 header, the
//! file as a request-shaped stream of blocks, the baseline done in-process, and an ingest
//! of a file through [`Uploads`] (create, one append, finish).
//!
//! The write path's throughput rests on [`WRITE_BUFFER`] (1 MiB batch writes of the
//! staging file), hashing each batch in parallel with its write, and a finish that links
//! the staged file into a local store instead of copying it.

use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::path::Path;

use bytes::Bytes;
use futures_util::stream::{self, BoxStream, StreamExt};
use sha2::Digest;

use crate::error::BlobError;
use crate::hash::Sha256;
use crate::store::file_blocks;
pub use crate::upload::WRITE_BUFFER;
use crate::upload::{AppendOutcome, Completed, UploadDeclaration, Uploads};

/// The media type of [`write_sample_video`]'s files.
pub const SAMPLE_MEDIA_TYPE: &str = "video/mp4";

/// Writes `size` bytes (at least 32) that sniff as MP4: an `ftyp` box, then pseudo-random
/// bytes (incompressible, like real video). Blocking.
pub fn write_sample_video(path: &Path, size: u64) -> io::Result<()> {
    const FTYP: &[u8; 32] = b"\0\0\0\x20ftypisom\0\0\x02\0isomiso2avc1mp41";
    let mut out = BufWriter::with_capacity(WRITE_BUFFER, File::create(path)?);
    let header = &FTYP[..usize::try_from(size).unwrap_or(usize::MAX).min(FTYP.len())];
    out.write_all(header)?;
    let mut left = size - header.len() as u64;
    let mut state = 0x9E37_79B9_7F4A_7C15_u64;
    let mut block = vec![0u8; 1 << 16];
    while left > 0 {
        for word in block.chunks_exact_mut(8) {
            // xorshift64: fast and good enough to defeat compression.
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            word.copy_from_slice(&state.to_le_bytes());
        }
        let n = usize::try_from(left).unwrap_or(usize::MAX).min(block.len());
        out.write_all(&block[..n])?;
        left -= n as u64;
    }
    out.into_inner().map_err(io::IntoInnerError::into_error)?.sync_all()
}

/// A file as a stream of `block`-byte chunks, the shape of an HTTP request body. The file
/// is read in 1 MiB blocks on blocking threads and cut into `block`-byte slices without
/// copying, so the source costs about what a socket read would.
pub fn file_body(path: &Path, block: usize) -> io::Result<BoxStream<'static, Result<Bytes, BlobError>>> {
    let file = File::open(path)?;
    let size = file.metadata()?.len();
    let block = block.max(1);
    Ok(file_blocks(file, 0..size, WRITE_BUFFER.max(block))
        .flat_map(move |read| {
            let slices: Vec<Result<Bytes, BlobError>> = match read {
                Ok(bytes) => (0..bytes.len())
                    .step_by(block)
                    .map(|at| Ok(bytes.slice(at..(at + block).min(bytes.len()))))
                    .collect(),
                Err(e) => vec![Err(e)],
            };
            stream::iter(slices)
        })
        .boxed())
}

/// The baseline: read `src`, write `dest`, SHA-256 of the bytes — what
/// `tee DEST < SRC | sha256sum` does, in one thread with 1 MiB blocks and, like `tee`,
/// without an fsync (an upload fsyncs at the end of every append). Blocking.
pub fn read_hash_write(src: &Path, dest: &Path) -> io::Result<(Sha256, u64)> {
    let mut input = File::open(src)?;
    let mut output = File::create(dest)?;
    let mut hasher = sha2::Sha256::new();
    let mut buf = vec![0u8; WRITE_BUFFER];
    let mut total = 0u64;
    loop {
        let n = match input.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        hasher.update(&buf[..n]);
        output.write_all(&buf[..n])?;
        total += n as u64;
    }
    Ok((Sha256::from_hasher(hasher), total))
}

/// Uploads a file through `uploads` in one append of `block`-byte chunks.
pub async fn ingest_file(
    uploads: &Uploads,
    path: &Path,
    media_type: &str,
    block: usize,
) -> Result<Completed, BlobError> {
    let size = std::fs::metadata(path).map_err(|e| BlobError::io("读取基准文件", e))?.len();
    let status = uploads
        .create(UploadDeclaration {
            file_name: path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "bench".into()),
            media_type: media_type.to_owned(),
            total_size: size,
            sha256: None,
            metadata: serde_json::Value::Null,
        })
        .await?;
    let body = file_body(path, block).map_err(|e| BlobError::io("读取基准文件", e))?;
    match uploads.append(&status.id, 0, body).await? {
        AppendOutcome::Completed(done) => Ok(done),
        AppendOutcome::InProgress { received } => {
            Err(BlobError::Interrupted { received, source: "the file ended before its size".into() })
        }
    }
}
