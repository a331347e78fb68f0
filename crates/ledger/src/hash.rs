//! Hashes of the log: RFC 6962 §2.1 leaf and interior-node hashing with SHA-256.
//!
//! `leaf = SHA-256(0x00 ‖ data)`, `node = SHA-256(0x01 ‖ left ‖ right)`, and the empty tree
//! hashes to `SHA-256("")`. The 0x00/0x01 prefixes keep a leaf from ever being mistaken for
//! an interior node (second-preimage resistance of the tree).

use std::fmt;

use base64::Engine;
use base64::prelude::BASE64_STANDARD;
use sha2::{Digest, Sha256};

/// Size of a hash in bytes.
pub const HASH_SIZE: usize = 32;

/// A SHA-256 hash: a leaf hash, an interior node or a tree root.
///
/// Displayed (and parsed by [`Hash::from_base64`]) as standard base64, the encoding C2SP
/// checkpoints use; `Debug` shows hex.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Hash(pub [u8; HASH_SIZE]);

impl Hash {
    /// The hash as bytes.
    pub fn as_bytes(&self) -> &[u8; HASH_SIZE] {
        &self.0
    }

    /// A hash from exactly 32 bytes; `None` for any other length.
    pub fn from_slice(bytes: &[u8]) -> Option<Hash> {
        bytes.try_into().ok().map(Hash)
    }

    /// Lower-case hex.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// A hash from 64 hex digits.
    pub fn from_hex(s: &str) -> Option<Hash> {
        let mut out = [0u8; HASH_SIZE];
        hex::decode_to_slice(s, &mut out).ok()?;
        Some(Hash(out))
    }

    /// Standard base64 (with padding), as in a checkpoint's root line.
    pub fn to_base64(&self) -> String {
        BASE64_STANDARD.encode(self.0)
    }

    /// A hash from standard base64 of exactly 32 bytes.
    pub fn from_base64(s: &str) -> Option<Hash> {
        let bytes = BASE64_STANDARD.decode(s).ok()?;
        Hash::from_slice(&bytes)
    }
}

impl fmt::Display for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_base64())
    }
}

impl fmt::Debug for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Hash({})", self.to_hex())
    }
}

impl From<tlog_tiles::Hash> for Hash {
    fn from(h: tlog_tiles::Hash) -> Hash {
        Hash(h.0)
    }
}

impl From<Hash> for tlog_tiles::Hash {
    fn from(h: Hash) -> tlog_tiles::Hash {
        tlog_tiles::Hash(h.0)
    }
}

/// The root of the empty tree: `SHA-256("")`.
pub const EMPTY_ROOT: Hash = Hash([
    0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24, 0x27, 0xae, 0x41,
    0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55,
]);

/// The hash of a leaf: `SHA-256(0x00 ‖ data)`.
pub fn leaf_hash(data: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0x00]);
    h.update(data);
    Hash(h.finalize().into())
}

/// The hash of an interior node: `SHA-256(0x01 ‖ left ‖ right)`.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([0x01]);
    h.update(left.0);
    h.update(right.0);
    Hash(h.finalize().into())
}

/// The root of a perfect subtree whose bottom row is `hashes` (a power-of-two count, at
/// least one): pairs are combined level by level.
pub(crate) fn fold_perfect(hashes: &[Hash]) -> Hash {
    debug_assert!(hashes.len().is_power_of_two());
    let mut row = hashes.to_vec();
    while row.len() > 1 {
        row = row.chunks_exact(2).map(|p| node_hash(&p[0], &p[1])).collect();
    }
    row[0]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_root_is_sha256_of_nothing() {
        assert_eq!(EMPTY_ROOT, Hash(Sha256::digest(b"").into()));
    }

    #[test]
    fn encodings_round_trip() {
        let h = leaf_hash(b"zhifa");
        assert_eq!(Hash::from_hex(&h.to_hex()), Some(h));
        assert_eq!(Hash::from_base64(&h.to_base64()), Some(h));
        assert_eq!(Hash::from_slice(&h.0[..31]), None);
        assert_eq!(Hash::from_base64("AAAA"), None);
        assert_eq!(Hash::from_hex("zz"), None);
    }
}
