//! The right edge of the tree (a compact range from 0 to the size): the roots of the
//! perfect subtrees that make up a tree of `n` leaves, one per set bit of `n`, largest
//! first — at most 63 hashes. Enough to append a leaf and to compute the root without
//! reading anything; the store keeps it in one database row.
//!
//! Written by hand: `tlog_tiles::stored_hashes` appends by reading earlier hashes back
//! from storage, which is what the frontier avoids.

use crate::hash::{EMPTY_ROOT, HASH_SIZE, Hash, node_hash};
use crate::tree::{HashSource, MAX_TREE_SIZE, TILE_HEIGHT, read_subtrees};
use crate::{Error, Result};

/// The right edge of a tree: its size and the roots of its maximal perfect subtrees.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Frontier {
    size: u64,
    /// Roots of the perfect subtrees, largest (leftmost) first; `hashes[i]` belongs to the
    /// i-th highest set bit of `size`.
    hashes: Vec<Hash>,
}

impl Frontier {
    /// The empty tree.
    pub fn new() -> Frontier {
        Frontier::default()
    }

    /// Number of leaves.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The perfect-subtree roots, largest first.
    pub fn hashes(&self) -> &[Hash] {
        &self.hashes
    }

    /// Appends a leaf hash. Returns the nodes this completed at stored levels (0, 8, 16, …)
    /// as `(level, index, hash)`, lowest first: always the leaf itself at level 0, and a
    /// level-8·k node each time a block of 256^k leaves fills up — what the store must insert.
    pub fn append(&mut self, leaf: Hash) -> Vec<(u8, u64, Hash)> {
        assert!(self.size < MAX_TREE_SIZE, "the tree is full");
        let mut completed = vec![(0, self.size, leaf)];
        let mut hash = leaf;
        let mut level = 0u8;
        // Each trailing one bit of the old size is a subtree of the same height as `hash`.
        while self.size >> level & 1 == 1 {
            let left = self.hashes.pop().expect("one hash per set bit");
            hash = node_hash(&left, &hash);
            level += 1;
            if level.is_multiple_of(TILE_HEIGHT) {
                completed.push((level, self.size >> level, hash));
            }
        }
        self.hashes.push(hash);
        self.size += 1;
        completed
    }

    /// The root of the tree (RFC 6962 MTH): the subtree roots folded right to left.
    pub fn root(&self) -> Hash {
        let mut it = self.hashes.iter().rev();
        let Some(&last) = it.next() else { return EMPTY_ROOT };
        it.fold(last, |acc, left| node_hash(left, &acc))
    }

    /// The frontier of the tree of `size` leaves, read from a source.
    pub fn from_source<S: HashSource + ?Sized>(source: &S, size: u64) -> Result<Frontier> {
        if size > MAX_TREE_SIZE {
            return Err(Error::OutOfRange(format!("tree size {size} exceeds {MAX_TREE_SIZE}")));
        }
        let subtrees = subtree_positions(size);
        let hashes = read_subtrees(source, &subtrees)?;
        Ok(Frontier { size, hashes })
    }

    /// Compact binary form: the size as 8 bytes big-endian, then the hashes.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(8 + HASH_SIZE * self.hashes.len());
        out.extend_from_slice(&self.size.to_be_bytes());
        for h in &self.hashes {
            out.extend_from_slice(&h.0);
        }
        out
    }

    /// Reads the form written by [`Frontier::encode`]; the number of hashes must match the
    /// size.
    pub fn decode(bytes: &[u8]) -> Result<Frontier> {
        let malformed = |why: String| Error::Malformed { what: "frontier", why };
        let (size, rest) = bytes.split_first_chunk::<8>().ok_or_else(|| malformed("shorter than 8 bytes".into()))?;
        let size = u64::from_be_bytes(*size);
        if size > MAX_TREE_SIZE {
            return Err(malformed(format!("size {size} too large")));
        }
        let want = size.count_ones() as usize;
        if rest.len() != want * HASH_SIZE {
            return Err(malformed(format!("size {size} needs {want} hashes, found {} bytes", rest.len())));
        }
        let hashes = rest.chunks_exact(HASH_SIZE).map(|c| Hash::from_slice(c).expect("32 bytes")).collect();
        Ok(Frontier { size, hashes })
    }
}

/// `(level, index)` of the perfect subtrees of a tree of `size` leaves, largest first.
pub(crate) fn subtree_positions(size: u64) -> Vec<(u8, u64)> {
    (0..64u8).rev().filter(|&l| size >> l & 1 == 1).map(|l| (l, (size >> l) - 1)).collect()
}
