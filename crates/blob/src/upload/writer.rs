//! The write half of an append: one blocking thread that takes the body's blocks from a
//! bounded channel, hashes them and writes them through a 1 MiB buffer, then fsyncs.
//!
//! Memory is bounded whatever the file size: at most [`FEED_DEPTH`] blocks wait in the
//! channel and [`WRITE_BUFFER`] bytes in the buffer. The thread owns the file and the hash
//! state, and always runs to the end of what it was sent, so a request future dropped
//! midway (a client that went away) cannot leave the hash and the file out of step.

use std::fs::File;
use std::io::{self, BufWriter, Write};

use bytes::Bytes;
use sha2::Digest;
use tokio::sync::mpsc::Receiver;

/// Size of the staging file's write buffer: large writes keep throughput near the disk's.
pub const WRITE_BUFFER: usize = 1 << 20;
/// Body blocks that may wait between the request and the writer.
pub(crate) const FEED_DEPTH: usize = 16;

/// What the request side sends to the writer.
pub(crate) enum Feed {
    Data(Bytes),
    End(End),
}

/// How the body ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum End {
    /// The body ended normally.
    Finished,
    /// The body went past the declared size; the last block was not sent.
    Overflow,
    /// The body failed (or the request went away): keep what arrived.
    Broken,
}

/// What the writer did.
pub(crate) struct Written {
    /// The hash of the whole part file so far; `None` after an I/O error (rebuild it).
    pub hasher: Option<sha2::Sha256>,
    /// Bytes in the part file.
    pub received: u64,
    pub end: End,
    pub error: Option<io::Error>,
}

/// Appends what arrives on `feed` to `file` (holding `received` bytes hashed by `hasher`),
/// then flushes and fsyncs. Blocking.
pub(crate) fn write_loop(file: File, mut hasher: sha2::Sha256, mut received: u64, mut feed: Receiver<Feed>) -> Written {
    let mut out = BufWriter::with_capacity(WRITE_BUFFER, file);
    let end = loop {
        match feed.blocking_recv() {
            Some(Feed::Data(block)) => {
                if let Err(e) = out.write_all(&block) {
                    return failed(out.get_ref(), received, End::Broken, e);
                }
                hasher.update(&block);
                received += block.len() as u64;
            }
            Some(Feed::End(end)) => break end,
            None => break End::Broken,
        }
    };
    drop(feed);
    let file = match out.into_inner() {
        Ok(file) => file,
        Err(e) => {
            let (error, out) = e.into_parts();
            return failed(out.get_ref(), received, end, error);
        }
    };
    if let Err(e) = file.sync_data() {
        return failed(&file, received, end, e);
    }
    Written { hasher: Some(hasher), received, end, error: None }
}

/// How a body that must carry no bytes ended (the upload already holds them all).
pub(crate) async fn wait_for_end(mut feed: Receiver<Feed>) -> End {
    match feed.recv().await {
        Some(Feed::End(end)) => end,
        // The request side never sends data past the declared size; it signals overflow.
        Some(Feed::Data(_)) => End::Overflow,
        None => End::Broken,
    }
}

fn failed(file: &File, received: u64, end: End, error: io::Error) -> Written {
    Written { hasher: None, received: file.metadata().map(|m| m.len()).unwrap_or(received), end, error: Some(error) }
}
