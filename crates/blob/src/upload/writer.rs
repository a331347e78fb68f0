//! The write half of an append, run in the append's own task: the body's blocks arrive
//! over a bounded channel, are gathered into 1 MiB batches, and each batch is written to
//! the part file and hashed at the same time on two blocking threads, while the next batch
//! gathers. The file is fsynced when the body ends.
//!
//! Blocking threads are taken only for the I/O and hashing of a full batch, never to wait
//! on a slow network, so hundreds of officers uploading over poor connections do not tie
//! up the blocking pool. Memory is bounded whatever the file size: [`FEED_DEPTH`] blocks in
//! the channel, one batch gathering and one in flight. The task owns the file and the hash
//! state and runs to the end of what it was sent, so a request dropped midway (a client
//! that went away) cannot leave the hash and the file out of step.

use std::fs::File;
use std::io::{self, Write};
use std::path::PathBuf;

use bytes::{Bytes, BytesMut};
use sha2::Digest;
use tokio::sync::mpsc::Receiver;
use tokio::task::{JoinHandle, spawn_blocking};

/// Size of the batches written to the staging file: large writes keep throughput near the
/// disk's.
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

/// Appends what arrives on `feed` to `file` (at `part`, holding `received` bytes hashed by
/// `hasher`), then fsyncs.
pub(crate) async fn write_feed(
    part: PathBuf,
    file: File,
    hasher: sha2::Sha256,
    received: u64,
    mut feed: Receiver<Feed>,
) -> Written {
    let mut pipe = Pipeline { part, file: Some(file), hasher: Some(hasher), received, in_flight: None };
    let mut batch = BytesMut::new();
    let end = loop {
        match feed.recv().await {
            Some(Feed::Data(block)) => {
                let full = if batch.is_empty() && block.len() >= WRITE_BUFFER {
                    Some(block)
                } else {
                    if batch.is_empty() {
                        // One allocation per batch rather than doublings as it fills.
                        batch.reserve(WRITE_BUFFER);
                    }
                    batch.extend_from_slice(&block);
                    (batch.len() >= WRITE_BUFFER).then(|| batch.split().freeze())
                };
                if let Some(full) = full
                    && let Err(e) = pipe.submit(full).await
                {
                    return pipe.failed(End::Broken, e);
                }
            }
            Some(Feed::End(end)) => break end,
            None => break End::Broken,
        }
    };
    drop(feed);
    if !batch.is_empty()
        && let Err(e) = pipe.submit(batch.freeze()).await
    {
        return pipe.failed(end, e);
    }
    match pipe.sync().await {
        Ok(()) => Written { hasher: pipe.hasher, received: pipe.received, end, error: None },
        Err(e) => pipe.failed(end, e),
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

/// The file and hash state, each either here or with the batch in flight.
struct Pipeline {
    part: PathBuf,
    file: Option<File>,
    hasher: Option<sha2::Sha256>,
    /// Bytes written, not counting the batch in flight.
    received: u64,
    in_flight: Option<InFlight>,
}

/// One batch being written and hashed, on two blocking threads.
struct InFlight {
    len: u64,
    write: JoinHandle<io::Result<File>>,
    hash: JoinHandle<sha2::Sha256>,
}

impl Pipeline {
    /// Waits for the batch in flight, then starts writing and hashing `batch`.
    async fn submit(&mut self, batch: Bytes) -> io::Result<()> {
        self.settle().await?;
        let (Some(mut file), Some(mut hasher)) = (self.file.take(), self.hasher.take()) else {
            return Err(io::Error::other("writer state lost"));
        };
        let to_write = batch.clone();
        self.in_flight = Some(InFlight {
            len: batch.len() as u64,
            write: spawn_blocking(move || file.write_all(&to_write).map(|()| file)),
            hash: spawn_blocking(move || {
                hasher.update(&batch);
                hasher
            }),
        });
        Ok(())
    }

    /// Waits for the batch in flight, taking back the file and the hash state.
    async fn settle(&mut self) -> io::Result<()> {
        if let Some(job) = self.in_flight.take() {
            let file = job.write.await.map_err(io::Error::other)??;
            let hasher = job.hash.await.map_err(io::Error::other)?;
            self.file = Some(file);
            self.hasher = Some(hasher);
            self.received += job.len;
        }
        Ok(())
    }

    /// Waits for the last batch and makes the file durable.
    async fn sync(&mut self) -> io::Result<()> {
        self.settle().await?;
        let file = self.file.take().ok_or_else(|| io::Error::other("writer state lost"))?;
        let file = spawn_blocking(move || file.sync_data().map(|()| file)).await.map_err(io::Error::other)??;
        self.file = Some(file);
        Ok(())
    }

    /// After an I/O error the hash no longer matches a known prefix of the file: it is
    /// dropped (rebuilt from the file on the next append) and the file's length reported.
    fn failed(self, end: End, error: io::Error) -> Written {
        let received = std::fs::metadata(&self.part).map(|m| m.len()).unwrap_or(self.received);
        Written { hasher: None, received, end, error: Some(error) }
    }
}
