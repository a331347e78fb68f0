//! Verification of inclusion and consistency proofs: pure functions of hashes and sizes.
//!
//! A verifier that can be fooled is worse than none (immudb once shipped one that crafted
//! proofs fooled), so every input is checked before any hashing: the index lies in the
//! tree, `1 ≤ m ≤ n`, sizes fit, and the proof has exactly the number of hashes RFC 9162
//! prescribes for those sizes — no more, no fewer. The hash walk itself is `tlog_tiles`'s
//! port of Go's `sumdb/tlog` (`check_record`, `check_tree`), which consumes the proof
//! exactly and recomputes both roots of a consistency proof.

use crate::hash::Hash;
use crate::tree::MAX_TREE_SIZE;

/// Why a proof was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    #[error("tree size {0} is larger than any ledger")]
    SizeTooLarge(u64),
    #[error("leaf {index} is not in a tree of size {size}")]
    IndexOutOfRange { index: u64, size: u64 },
    #[error("no consistency proof from size {m} to size {n} (need 1 ≤ m ≤ n)")]
    BadSizes { m: u64, n: u64 },
    #[error("the proof has {got} hashes; these sizes need exactly {expected}")]
    WrongLength { expected: usize, got: usize },
    #[error("the proof does not lead to the given root")]
    RootMismatch,
}

/// The number of hashes in the inclusion proof of leaf `index` in a tree of `size`.
pub fn inclusion_proof_len(index: u64, size: u64) -> Result<usize, ProofError> {
    if size > MAX_TREE_SIZE {
        return Err(ProofError::SizeTooLarge(size));
    }
    if index >= size {
        return Err(ProofError::IndexOutOfRange { index, size });
    }
    // RFC 9162 §2.1.3.1: split at the largest power of two below the width, descend on the
    // side holding the leaf, one hash per split.
    let (mut lo, mut hi, mut len) = (0u64, size, 0usize);
    while hi - lo > 1 {
        let k = split(hi - lo);
        if index < lo + k {
            hi = lo + k;
        } else {
            lo += k;
        }
        len += 1;
    }
    Ok(len)
}

/// The number of hashes in the consistency proof from size `m` to size `n`.
pub fn consistency_proof_len(m: u64, n: u64) -> Result<usize, ProofError> {
    if n > MAX_TREE_SIZE {
        return Err(ProofError::SizeTooLarge(n));
    }
    if m == 0 || m > n {
        return Err(ProofError::BadSizes { m, n });
    }
    // RFC 9162 §2.1.4.1 SUBPROOF(m, D[lo:hi], b).
    let (mut lo, mut hi, mut len) = (0u64, n, 0usize);
    loop {
        if m == hi {
            return Ok(len + usize::from(lo != 0));
        }
        let k = split(hi - lo);
        if m <= lo + k {
            hi = lo + k;
        } else {
            lo += k;
        }
        len += 1;
    }
}

/// The largest power of two strictly less than `width` (`width ≥ 2`).
fn split(width: u64) -> u64 {
    1 << (width - 1).ilog2()
}

/// Checks that `proof` shows the leaf hash `leaf` at `index` in the tree of `size` leaves
/// whose root is `root`.
pub fn verify_inclusion(leaf: &Hash, index: u64, size: u64, proof: &[Hash], root: &Hash) -> Result<(), ProofError> {
    let expected = inclusion_proof_len(index, size)?;
    if proof.len() != expected {
        return Err(ProofError::WrongLength { expected, got: proof.len() });
    }
    let p: Vec<tlog_tiles::Hash> = proof.iter().map(|&h| h.into()).collect();
    tlog_tiles::check_record(&p, size, (*root).into(), index, (*leaf).into()).map_err(|_| ProofError::RootMismatch)
}

/// Checks that `proof` shows the tree of `m` leaves with root `root_m` to be a prefix of
/// the tree of `n` leaves with root `root_n`. For `m == n` the proof must be empty and the
/// roots equal.
pub fn verify_consistency(m: u64, n: u64, proof: &[Hash], root_m: &Hash, root_n: &Hash) -> Result<(), ProofError> {
    let expected = consistency_proof_len(m, n)?;
    if proof.len() != expected {
        return Err(ProofError::WrongLength { expected, got: proof.len() });
    }
    let p: Vec<tlog_tiles::Hash> = proof.iter().map(|&h| h.into()).collect();
    tlog_tiles::check_tree(&p, n, (*root_n).into(), m, (*root_m).into()).map_err(|_| ProofError::RootMismatch)
}
