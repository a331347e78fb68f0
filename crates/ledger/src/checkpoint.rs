//! Checkpoints: the C2SP `tlog-checkpoint` body that a signed note carries.
//!
//! ```text
//! zhifa.example/anxiang            ← origin: the log's unique name (also the key name)
//! 1234                             ← tree size, decimal, no leading zeros
//! 3Q0nHbRyaf3K9l3w/XxvgFQ8hH4Sx9SRqWB8kbTJuXQ=   ← root hash, standard base64
//! [extension lines…]
//! ```
//!
//! Formatting and parsing are `tlog_tiles::Checkpoint` (a port of Go's `sumdb/tlog` and
//! Sunlight); this wrapper adds our [`Hash`](struct@Hash) and keeps extension lines as a list.

use crate::hash::Hash;
use crate::{Error, Result};

/// A tree head: origin, size and root hash, with optional extension lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    pub origin: String,
    pub size: u64,
    pub root: Hash,
    /// Extension lines, each non-empty and without a newline.
    pub extensions: Vec<String>,
}

impl Checkpoint {
    /// A checkpoint without extension lines.
    pub fn new(origin: impl Into<String>, size: u64, root: Hash) -> Checkpoint {
        Checkpoint { origin: origin.into(), size, root, extensions: Vec::new() }
    }

    /// The checkpoint text (the body of the signed note), ending with a newline.
    pub fn to_text(&self) -> Result<String> {
        if self.origin.is_empty() || self.origin.contains('\n') {
            return Err(Error::Malformed { what: "checkpoint", why: "the origin must be one non-empty line".into() });
        }
        let mut ext = String::new();
        for line in &self.extensions {
            ext.push_str(line);
            ext.push('\n');
        }
        let c = tlog_tiles::Checkpoint::new(&self.origin, self.size, self.root.into(), &ext)
            .map_err(|e| Error::Malformed { what: "checkpoint", why: e.to_string() })?;
        String::from_utf8(c.to_bytes()).map_err(|e| Error::Malformed { what: "checkpoint", why: e.to_string() })
    }

    /// Parses checkpoint text (exactly: origin, size, root, extension lines, each ended by
    /// a newline).
    pub fn parse(text: &[u8]) -> Result<Checkpoint> {
        let c = tlog_tiles::Checkpoint::from_bytes(text)
            .map_err(|e| Error::Malformed { what: "checkpoint", why: e.to_string() })?;
        Ok(Checkpoint {
            origin: c.origin().to_string(),
            size: c.size(),
            root: (*c.hash()).into(),
            extensions: c.extension().lines().map(str::to_string).collect(),
        })
    }
}
