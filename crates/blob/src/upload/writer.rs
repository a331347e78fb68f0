//! The write half of an append: a blocking thread that takes the body's blocks from a
//! bounded channel and writes them through a 1 MiB buffer, then fsyncs, and a second one
//! that hashes the blocks written.
//!
//! Memory is bounded whatever the file size: at most [`FEED_DEPTH`] blocks wait before
//! the writer, as many before the hasher, and [`WRITE_BUFFER`] bytes in the buffer. The
//! threads own the file and the hash state, and always run to the end of what they were
//! sent, so a request future dropped midway (a client that went away) cannot leave the
//! hash and the file out of step.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::sync::mpsc::SyncSender;

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
///
/// Hashing runs on a second thread, fed the blocks the writer has written, in order:
/// SHA-256 and the write plus fsync overlap instead of adding up (on two cores, roughly
/// halving the time of a large append), and the hash still covers exactly the bytes in
/// the file.
pub(crate) fn write_loop(file: File, hasher: sha2::Sha256, received: u64, feed: Receiver<Feed>) -> Written {
    let (to_hasher, written_blocks) = std::sync::mpsc::sync_channel::<Bytes>(FEED_DEPTH);
    std::thread::scope(|scope| {
        let hashing = std::thread::Builder::new().name("blob-hash".into()).spawn_scoped(scope, move || {
            let mut hasher = hasher;
            for block in written_blocks {
                hasher.update(&block);
            }
            hasher
        });
        let hashing = match hashing {
            Ok(thread) => thread,
            Err(error) => return Written { hasher: None, received, end: End::Broken, error: Some(error) },
        };
        let (received, end, error) = write_blocks(file, received, feed, to_hasher);
        let hasher = hashing.join().ok().filter(|_| error.is_none());
        let error = match (error, &hasher) {
            (Some(e), _) => Some(e),
            (None, None) => Some(io::Error::other("the hashing thread panicked")),
            (None, Some(_)) => None,
        };
        Written { hasher, received, end, error }
    })
}

/// The writer's half: writes blocks through the buffer, hands each written block to the
/// hasher, and fsyncs at the end. Returns the bytes in the file, how the body ended, and
/// the I/O error that stopped it, if any.
fn write_blocks(
    file: File,
    mut received: u64,
    mut feed: Receiver<Feed>,
    to_hasher: SyncSender<Bytes>,
) -> (u64, End, Option<io::Error>) {
    let mut out = BufWriter::with_capacity(WRITE_BUFFER, file);
    let end = loop {
        match feed.blocking_recv() {
            Some(Feed::Data(block)) => {
                if let Err(e) = out.write_all(&block) {
                    return failed(out.get_ref(), received, End::Broken, e);
                }
                received += block.len() as u64;
                if to_hasher.send(block).is_err() {
                    let e = io::Error::other("the hashing thread stopped");
                    return failed(out.get_ref(), received, End::Broken, e);
                }
            }
            Some(Feed::End(end)) => break end,
            None => break End::Broken,
        }
    };
    drop(feed);
    drop(to_hasher);
    let file = match out.into_inner() {
        Ok(file) => file,
        Err(e) => {
            let (error, out) = e.into_parts();
            return failed(out.get_ref(), received, end, error);
        }
    };
    match file.sync_data() {
        Ok(()) => (received, end, None),
        Err(e) => failed(&file, received, end, e),
    }
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

fn failed(file: &File, received: u64, end: End, error: io::Error) -> (u64, End, Option<io::Error>) {
    (file.metadata().map(|m| m.len()).unwrap_or(received), end, Some(error))
}
