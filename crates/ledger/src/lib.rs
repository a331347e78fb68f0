//! zhifa-ledger: the tamper-evident ledger (rule X-01), pure and without I/O.
//!
//! Every stored event is a leaf of an append-only Merkle log with RFC 6962 hashing. The
//! log's state is published as a C2SP `tlog-checkpoint` inside a C2SP `signed-note` signed
//! with Ed25519, and its hashes are served as C2SP `tlog-tiles` tiles, so that independent
//! tools can check it.
//!
//! - [`hash`]: [`Hash`](struct@Hash), [`leaf_hash`], [`node_hash`].
//! - [`tree`]: the [`HashSource`] that storage implements (leaf hashes and every 8th level),
//!   roots, perfect subtrees, inclusion and consistency proofs, read planning.
//! - [`proof`]: verification of both kinds of proof, strict about sizes and lengths.
//! - [`frontier`]: the right edge of the tree, for appending without reading.
//! - [`checkpoint`], [`note`]: checkpoint bodies, signed notes, signer and verifier keys.
//! - [`tile`]: tile paths and tile bytes.
//!
//! Nothing here does I/O, reads a clock or draws randomness: key generation takes its 32
//! seed bytes from the caller.

pub mod checkpoint;
pub mod frontier;
pub mod hash;
pub mod note;
pub mod proof;
pub mod tile;
pub mod tree;

#[cfg(test)]
mod tests;

pub use checkpoint::Checkpoint;
pub use frontier::Frontier;
pub use hash::{EMPTY_ROOT, HASH_SIZE, Hash, leaf_hash, node_hash};
pub use note::{NoteSigner, NoteVerifier, ParsedNote, parse_note};
pub use proof::{ProofError, verify_consistency, verify_inclusion};
pub use tile::{TileId, decode_tile, encode_tile};
pub use tree::{
    HashRange, HashSource, MemorySource, Prefetched, TILE_HEIGHT, TILE_WIDTH, consistency_proof, inclusion_proof, root,
    subtree_hash,
};

/// Errors of the ledger crate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// A [`HashSource`] failed or returned the wrong number of hashes.
    #[error("hash source: {0}")]
    Source(String),
    /// A request outside the tree (a leaf beyond the size, sizes out of order…).
    #[error("out of range: {0}")]
    OutOfRange(String),
    /// Input that does not parse.
    #[error("malformed {what}: {why}")]
    Malformed { what: &'static str, why: String },
    /// A signed note that does not verify.
    #[error("signature: {0}")]
    Signature(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
