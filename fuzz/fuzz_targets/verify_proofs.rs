//! Proof verification on arbitrary input: never panics, and never accepts a proof for a
//! tree that the input did not build.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zhifa_ledger::{Hash, MemorySource, inclusion_proof, leaf_hash, verify_consistency, verify_inclusion};

fuzz_target!(|data: &[u8]| {
    if data.len() < 16 {
        return;
    }
    let a = u64::from_le_bytes(data[0..8].try_into().unwrap());
    let b = u64::from_le_bytes(data[8..16].try_into().unwrap());
    let rest = &data[16..];
    let hashes: Vec<Hash> = rest.chunks_exact(32).map(|c| Hash::from_slice(c).unwrap()).collect();
    let (first, proof) = match hashes.split_first() {
        Some((f, p)) => (*f, p),
        None => (Hash::default(), &[][..]),
    };
    let root = proof.last().copied().unwrap_or_default();
    // Arbitrary claims: no panic.
    let _ = verify_inclusion(&first, a, b, proof, &root);
    let _ = verify_consistency(a, b, proof, &first, &root);
    let _ = verify_inclusion(&first, a % 1024, b % 1024, proof, &root);
    let _ = verify_consistency(a % 1024, b % 1024, proof, &first, &root);

    // A real tree of up to 64 leaves: its honest proof verifies; the fuzzer's proof is
    // accepted only if it is exactly the honest one.
    let size = b % 64 + 1;
    let index = a % size;
    let tree: MemorySource = (0..size).map(|i| leaf_hash(&i.to_le_bytes())).collect();
    let honest = inclusion_proof(&tree, index, size).unwrap();
    let leaf = leaf_hash(&index.to_le_bytes());
    assert!(verify_inclusion(&leaf, index, size, &honest, &tree.root()).is_ok());
    if verify_inclusion(&leaf, index, size, proof, &tree.root()).is_ok() {
        assert_eq!(proof, &honest[..], "accepted a proof that is not the honest one");
    }
});
