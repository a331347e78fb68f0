//! Tests of the whole crate: known-answer vectors (transparency-dev/merkle's RFC 6962 test
//! tree, Go `sumdb/note`'s example key), agreement with a naive RFC 6962 reference,
//! property tests of proof soundness, and parsers fed arbitrary input.

use std::sync::OnceLock;

use proptest::prelude::*;

use crate::*;

fn h(hex: &str) -> Hash {
    Hash::from_hex(hex).expect("64 hex digits")
}

// ------------------------------------------------------------------------------------------
// Known answers: the 8-leaf reference tree of transparency-dev/merkle (testonly/constants.go,
// proof/verify_test.go), the same tree as the Certificate Transparency reference tests.

fn kat_leaves() -> Vec<Vec<u8>> {
    ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"]
        .iter()
        .map(|s| hex::decode(s).expect("hex"))
        .collect()
}

const KAT_ROOTS: [&str; 8] = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];

fn kat_tree() -> MemorySource {
    kat_leaves().iter().map(|d| leaf_hash(d)).collect()
}

#[test]
fn known_leaf_and_root_hashes() {
    assert_eq!(leaf_hash(b""), h("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"));
    assert_eq!(EMPTY_ROOT, h("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
    let tree = kat_tree();
    assert_eq!(root(&tree, 0).unwrap(), EMPTY_ROOT);
    let mut frontier = Frontier::new();
    for (n, leaf) in kat_leaves().iter().enumerate() {
        frontier.append(leaf_hash(leaf));
        assert_eq!(root(&tree, n as u64 + 1).unwrap(), h(KAT_ROOTS[n]), "root of size {}", n + 1);
        assert_eq!(frontier.root(), h(KAT_ROOTS[n]), "frontier root of size {}", n + 1);
    }
    assert_eq!(
        subtree_hash(&tree, 1, 3).unwrap(),
        h("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0")
    );
    assert_eq!(
        subtree_hash(&tree, 2, 1).unwrap(),
        h("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4")
    );
    assert_eq!(subtree_hash(&tree, 3, 0).unwrap(), h(KAT_ROOTS[7]));
}

#[test]
fn known_inclusion_proofs() {
    let tree = kat_tree();
    // (leaf index, size, proof) — the vectors number leaves from 1; these from 0.
    let vectors: [(u64, u64, &[&str]); 5] = [
        (0, 1, &[]),
        (
            0,
            8,
            &[
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
            ],
        ),
        (
            5,
            8,
            &[
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ],
        ),
        (2, 3, &["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
        (
            1,
            5,
            &[
                "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            ],
        ),
    ];
    let leaves = kat_leaves();
    for (index, size, expected) in vectors {
        let expected: Vec<Hash> = expected.iter().map(|s| h(s)).collect();
        let proof = inclusion_proof(&tree, index, size).unwrap();
        assert_eq!(proof, expected, "inclusion proof of {index} in {size}");
        let leaf = leaf_hash(&leaves[index as usize]);
        let root = h(KAT_ROOTS[size as usize - 1]);
        verify_inclusion(&leaf, index, size, &proof, &root).unwrap();
        assert_inclusion_forgeries_rejected(&leaf, index, size, &proof, &root, &|s| h(KAT_ROOTS[s as usize - 1]), 8);
    }
}

#[test]
fn known_consistency_proofs() {
    let tree = kat_tree();
    let vectors: [(u64, u64, &[&str]); 5] = [
        (1, 1, &[]),
        (
            1,
            8,
            &[
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
            ],
        ),
        (
            6,
            8,
            &[
                "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ],
        ),
        (
            2,
            5,
            &[
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            ],
        ),
        (
            6,
            7,
            &[
                "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ],
        ),
    ];
    let r = |s: u64| h(KAT_ROOTS[s as usize - 1]);
    for (m, n, expected) in vectors {
        let expected: Vec<Hash> = expected.iter().map(|s| h(s)).collect();
        let proof = consistency_proof(&tree, m, n).unwrap();
        assert_eq!(proof, expected, "consistency proof {m} → {n}");
        verify_consistency(m, n, &proof, &r(m), &r(n)).unwrap();
        assert_consistency_forgeries_rejected(m, n, &proof, &r(m), &r(n), &r, 8);
    }
}

#[test]
fn degenerate_requests_are_refused() {
    let tree = kat_tree();
    let some = h(KAT_ROOTS[0]);
    assert!(inclusion_proof(&tree, 0, 0).is_err());
    assert!(inclusion_proof(&tree, 8, 8).is_err());
    assert!(consistency_proof(&tree, 0, 8).is_err());
    assert!(consistency_proof(&tree, 5, 4).is_err());
    assert!(inclusion_proof(&tree, 0, 9).is_err(), "the source lacks leaf 8");
    assert_eq!(verify_inclusion(&some, 0, 0, &[], &some), Err(ProofError::IndexOutOfRange { index: 0, size: 0 }));
    assert_eq!(verify_inclusion(&some, 3, 2, &[], &some), Err(ProofError::IndexOutOfRange { index: 3, size: 2 }));
    assert_eq!(verify_consistency(0, 0, &[], &EMPTY_ROOT, &EMPTY_ROOT), Err(ProofError::BadSizes { m: 0, n: 0 }));
    assert_eq!(verify_consistency(2, 1, &[], &some, &some), Err(ProofError::BadSizes { m: 2, n: 1 }));
    assert_eq!(verify_consistency(1, 1, &[some], &some, &some), Err(ProofError::WrongLength { expected: 0, got: 1 }));
    assert_eq!(verify_consistency(1, 1, &[], &some, &EMPTY_ROOT), Err(ProofError::RootMismatch));
    assert_eq!(verify_inclusion(&some, 0, 1, &[], &some), Ok(()));
    assert_eq!(verify_inclusion(&some, 0, u64::MAX, &[], &some), Err(ProofError::SizeTooLarge(u64::MAX)));
    assert!(verify_inclusion(&some, u64::MAX - 1, tree::MAX_TREE_SIZE, &[some; 70], &some).is_err());
}

// ------------------------------------------------------------------------------------------
// Forgeries: every change to a good proof or its claims must be rejected.

fn flip(hash: &Hash, bit: usize) -> Hash {
    let mut out = *hash;
    out.0[bit / 8 % 32] ^= 1 << (bit % 8);
    out
}

/// `root_of(s)` gives the true root of size `s` of the same tree, for claims of another
/// size that are themselves honest (a checkpoint always pairs a size with its root).
fn assert_inclusion_forgeries_rejected(
    leaf: &Hash,
    index: u64,
    size: u64,
    proof: &[Hash],
    root: &Hash,
    root_of: &dyn Fn(u64) -> Hash,
    tree_size: u64,
) {
    let reject = |leaf: &Hash, index: u64, size: u64, proof: &[Hash], root: &Hash, what: &str| {
        assert!(verify_inclusion(leaf, index, size, proof, root).is_err(), "accepted a forgery: {what}");
    };
    for i in 0..proof.len() {
        for bit in [0, 77, 255] {
            let mut p = proof.to_vec();
            p[i] = flip(&p[i], bit);
            reject(leaf, index, size, &p, root, &format!("bit {bit} of element {i} flipped"));
        }
    }
    reject(&flip(leaf, 3), index, size, proof, root, "other leaf");
    reject(leaf, index, size, proof, &flip(root, 9), "other root");
    reject(leaf, index, size, proof, &EMPTY_ROOT, "empty root");
    if !proof.is_empty() {
        reject(leaf, index, size, &proof[..proof.len() - 1], root, "truncated");
        reject(leaf, index, size, &proof[1..], root, "first element removed");
        let mut p = proof.to_vec();
        p.swap(0, proof.len() - 1);
        if p != proof {
            reject(leaf, index, size, &p, root, "elements swapped");
        }
    }
    for extra in [*root, *leaf, Hash::default()] {
        let mut p = proof.to_vec();
        p.push(extra);
        reject(leaf, index, size, &p, root, "extended at the end");
        let mut p = vec![extra];
        p.extend_from_slice(proof);
        reject(leaf, index, size, &p, root, "extended at the front");
    }
    for other in [index.wrapping_sub(1), index + 1, index ^ 2, index + size, u64::MAX] {
        if other != index {
            reject(leaf, other, size, proof, root, &format!("index {other} instead of {index}"));
        }
    }
    for other in [size - 1, size + 1, size * 2, size / 2, u64::MAX] {
        if other != size && other > index && other <= tree_size {
            reject(leaf, index, other, proof, &root_of(other), &format!("size {other} instead of {size}"));
        }
    }
}

fn assert_consistency_forgeries_rejected(
    m: u64,
    n: u64,
    proof: &[Hash],
    root_m: &Hash,
    root_n: &Hash,
    root_of: &dyn Fn(u64) -> Hash,
    tree_size: u64,
) {
    let reject = |m: u64, n: u64, proof: &[Hash], rm: &Hash, rn: &Hash, what: &str| {
        assert!(verify_consistency(m, n, proof, rm, rn).is_err(), "accepted a forgery: {what} ({m} → {n})");
    };
    for i in 0..proof.len() {
        for bit in [0, 100, 255] {
            let mut p = proof.to_vec();
            p[i] = flip(&p[i], bit);
            reject(m, n, &p, root_m, root_n, &format!("bit {bit} of element {i} flipped"));
        }
    }
    reject(m, n, proof, &flip(root_m, 1), root_n, "other old root");
    reject(m, n, proof, root_m, &flip(root_n, 1), "other new root");
    if root_m != root_n {
        reject(m, n, proof, root_n, root_m, "roots swapped");
    }
    if !proof.is_empty() {
        reject(m, n, &proof[..proof.len() - 1], root_m, root_n, "truncated");
        reject(m, n, &proof[1..], root_m, root_n, "first element removed");
        reject(m, n, &[], root_m, root_n, "emptied");
    }
    for extra in [*root_m, *root_n, Hash::default()] {
        let mut p = proof.to_vec();
        p.push(extra);
        reject(m, n, &p, root_m, root_n, "extended at the end");
        let mut p = vec![extra];
        p.extend_from_slice(proof);
        reject(m, n, &p, root_m, root_n, "extended at the front");
    }
    for other in [m - 1, m + 1, m ^ 2, m * 2, u64::MAX] {
        if other != m && (1..=n).contains(&other) {
            reject(other, n, proof, &root_of(other), root_n, &format!("old size {other} instead of {m}"));
        }
    }
    for other in [n - 1, n + 1, n * 2, u64::MAX] {
        if other != n && other >= m && other <= tree_size && other > 0 {
            reject(m, other, proof, root_m, &root_of(other), &format!("new size {other} instead of {n}"));
        }
    }
}

// ------------------------------------------------------------------------------------------
// A naive RFC 6962 reference over all leaf hashes (§2.1, §2.1.1, §2.1.2).

fn k_split(n: usize) -> usize {
    1 << (n - 1).ilog2()
}

fn ref_root(leaves: &[Hash]) -> Hash {
    match leaves.len() {
        0 => EMPTY_ROOT,
        1 => leaves[0],
        n => {
            let k = k_split(n);
            node_hash(&ref_root(&leaves[..k]), &ref_root(&leaves[k..]))
        }
    }
}

fn ref_path(m: usize, leaves: &[Hash]) -> Vec<Hash> {
    if leaves.len() <= 1 {
        return vec![];
    }
    let k = k_split(leaves.len());
    if m < k {
        let mut p = ref_path(m, &leaves[..k]);
        p.push(ref_root(&leaves[k..]));
        p
    } else {
        let mut p = ref_path(m - k, &leaves[k..]);
        p.push(ref_root(&leaves[..k]));
        p
    }
}

fn ref_subproof(m: usize, leaves: &[Hash], whole: bool) -> Vec<Hash> {
    let n = leaves.len();
    if m == n {
        return if whole { vec![] } else { vec![ref_root(leaves)] };
    }
    let k = k_split(n);
    if m <= k {
        let mut p = ref_subproof(m, &leaves[..k], whole);
        p.push(ref_root(&leaves[k..]));
        p
    } else {
        let mut p = ref_subproof(m - k, &leaves[k..], false);
        p.push(ref_root(&leaves[..k]));
        p
    }
}

fn synthetic_leaf(i: u64) -> Hash {
    leaf_hash(&i.to_be_bytes())
}

#[test]
fn small_trees_agree_with_the_reference_exhaustively() {
    let leaves: Vec<Hash> = (0..70).map(synthetic_leaf).collect();
    let tree: MemorySource = leaves.iter().copied().collect();
    for n in 1..=leaves.len() {
        let r = ref_root(&leaves[..n]);
        assert_eq!(root(&tree, n as u64).unwrap(), r);
        for i in 0..n {
            let p = inclusion_proof(&tree, i as u64, n as u64).unwrap();
            assert_eq!(p, ref_path(i, &leaves[..n]), "path {i} in {n}");
            verify_inclusion(&leaves[i], i as u64, n as u64, &p, &r).unwrap();
        }
        for m in 1..=n {
            let p = consistency_proof(&tree, m as u64, n as u64).unwrap();
            assert_eq!(p, ref_subproof(m, &leaves[..n], true), "consistency {m} → {n}");
            verify_consistency(m as u64, n as u64, &p, &ref_root(&leaves[..m]), &r).unwrap();
        }
    }
}

// ------------------------------------------------------------------------------------------
// A tree large enough to cross stored levels 8 and 16 (65,536 leaves per level-16 node).

const BIG: u64 = 140_000;

fn big_leaves() -> &'static [Hash] {
    static LEAVES: OnceLock<Vec<Hash>> = OnceLock::new();
    LEAVES.get_or_init(|| (0..BIG).map(synthetic_leaf).collect())
}

fn big_tree() -> &'static MemorySource {
    static TREE: OnceLock<MemorySource> = OnceLock::new();
    TREE.get_or_init(|| big_leaves().iter().copied().collect())
}

/// Roots of every size of the big tree, from a frontier (checked against `root` below).
fn big_roots() -> &'static [Hash] {
    static ROOTS: OnceLock<Vec<Hash>> = OnceLock::new();
    ROOTS.get_or_init(|| {
        let mut f = Frontier::new();
        let mut roots = vec![EMPTY_ROOT];
        for &leaf in big_leaves() {
            f.append(leaf);
            roots.push(f.root());
        }
        roots
    })
}

/// Another tree of the same sizes, with other leaves.
fn other_tree() -> &'static MemorySource {
    static TREE: OnceLock<MemorySource> = OnceLock::new();
    TREE.get_or_init(|| (0..BIG).map(|i| leaf_hash(&(i + 1).to_le_bytes())).collect())
}

#[test]
fn frontier_reports_stored_nodes_and_round_trips() {
    let mut f = Frontier::new();
    let mut stored = Vec::new();
    for i in 0..65_536u64 {
        for (level, index, hash) in f.append(synthetic_leaf(i)) {
            if level > 0 {
                stored.push((level, index, hash));
            }
        }
        if i % 997 == 0 || i > 65_530 {
            assert_eq!(Frontier::decode(&f.encode()).unwrap(), f);
            assert_eq!(f.encode().len(), 8 + 32 * f.size().count_ones() as usize);
        }
    }
    assert_eq!(stored.len(), 256 + 1);
    assert_eq!((stored[0].0, stored[0].1), (8, 0));
    assert_eq!((stored[255].0, stored[255].1), (8, 255));
    assert_eq!((stored[256].0, stored[256].1), (16, 0));
    assert_eq!(stored[256].2, f.root(), "a full 65,536-leaf tree's root is its level-16 node");
    let tree = big_tree();
    for size in [0, 1, 255, 256, 257, 65_535, 65_536, 65_537, 131_072, BIG] {
        let from = Frontier::from_source(tree, size).unwrap();
        assert_eq!(from.root(), big_roots()[size as usize]);
        assert_eq!(root(tree, size).unwrap(), big_roots()[size as usize]);
    }
    assert!(Frontier::decode(&[0; 7]).is_err());
    assert!(Frontier::decode(&[0, 0, 0, 0, 0, 0, 0, 3]).is_err(), "size 3 needs two hashes");
    assert!(Frontier::decode(&[0xff; 8]).is_err());
}

#[test]
fn planned_reads_are_exactly_what_a_proof_reads() {
    let tree = big_tree();
    for (i, n) in [(0u64, 1u64), (5, 300), (70_000, 139_999), (BIG - 1, BIG), (1234, 65_536)] {
        let mut pre = Prefetched::new();
        for r in tree::plan_inclusion(i, n).unwrap() {
            pre.insert(r, tree.hashes(r.tile_level, r.start, r.count).unwrap()).unwrap();
        }
        assert_eq!(inclusion_proof(&pre, i, n).unwrap(), inclusion_proof(tree, i, n).unwrap());
        let mut pre = Prefetched::new();
        for r in tree::plan_consistency(i + 1, n).unwrap() {
            pre.insert(r, tree.hashes(r.tile_level, r.start, r.count).unwrap()).unwrap();
        }
        assert_eq!(consistency_proof(&pre, i + 1, n).unwrap(), consistency_proof(tree, i + 1, n).unwrap());
        let mut pre = Prefetched::new();
        for r in tree::plan_root(n).unwrap() {
            pre.insert(r, tree.hashes(r.tile_level, r.start, r.count).unwrap()).unwrap();
        }
        assert_eq!(root(&pre, n).unwrap(), big_roots()[n as usize]);
    }
    // A proof deep in a large tree reads a few tiles, not the tree.
    let reads = tree::plan_inclusion(70_000, 139_999).unwrap();
    assert!(reads.iter().map(|r| r.count).sum::<u64>() < 4 * 256, "{reads:?}");
    assert!(reads.len() <= 8, "{reads:?}");
}

#[test]
fn a_failing_source_is_an_error_not_a_panic() {
    struct Broken;
    impl HashSource for Broken {
        fn hashes(&self, _: u8, _: u64, count: u64) -> Result<Vec<Hash>> {
            Ok(vec![Hash::default(); count as usize / 2])
        }
    }
    assert!(matches!(root(&Broken, 10), Err(Error::Source(_))));
    assert!(matches!(inclusion_proof(&Broken, 3, 10), Err(Error::Source(_))));
    assert!(matches!(consistency_proof(&Broken, 3, 10), Err(Error::Source(_))));
    assert!(Frontier::from_source(&Broken, 10).is_err());
}

#[test]
fn tiles_of_a_tree() {
    let tree = big_tree();
    let t = TileId::containing(0, 300, 1000).unwrap();
    assert_eq!((t.level, t.index, t.width), (0, 1, 256));
    let t = TileId::containing(0, 999, 1000).unwrap();
    assert_eq!((t.level, t.index, t.width), (0, 3, 1000 - 768));
    assert_eq!(t.path(), "tile/0/003.p/232");
    let t = TileId::containing(1, 2, 1000).unwrap();
    assert_eq!((t.level, t.index, t.width), (1, 0, 3));
    assert!(TileId::containing(1, 3, 1000).is_none());
    assert!(TileId::containing(2, 0, 65_535).is_none());
    let full = TileId::new(1, 0, 256).unwrap();
    assert!(full.exists_in(65_536) && !full.exists_in(65_535));
    let r = full.hash_range();
    let bytes = encode_tile(&tree.hashes(r.tile_level, r.start, r.count).unwrap());
    assert_eq!(bytes.len(), 256 * 32);
    let hashes = decode_tile(&bytes).unwrap();
    // The level-8 row of a full tile folds to the level-16 node.
    assert_eq!(hash::fold_perfect(&hashes), subtree_hash(tree, 16, 0).unwrap());
    assert!(decode_tile(&bytes[..33]).is_err());
    assert!(decode_tile(&[]).is_err());
    assert!(decode_tile(&[0; 257 * 32]).is_err());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn every_inclusion_proof_verifies_and_no_forgery_does(size in 1..=BIG, seed in any::<u64>()) {
        let index = seed % size;
        let tree = big_tree();
        let roots = big_roots();
        let leaf = big_leaves()[index as usize];
        let proof = inclusion_proof(tree, index, size).unwrap();
        prop_assert_eq!(proof.len(), proof::inclusion_proof_len(index, size).unwrap());
        verify_inclusion(&leaf, index, size, &proof, &roots[size as usize]).unwrap();
        assert_inclusion_forgeries_rejected(&leaf, index, size, &proof, &roots[size as usize], &|s| roots[s as usize], BIG);
        // The same position in another tree of the same size: its proof proves nothing here.
        let other = inclusion_proof(other_tree(), index, size).unwrap();
        prop_assert!(verify_inclusion(&leaf, index, size, &other, &roots[size as usize]).is_err());
    }

    #[test]
    fn every_consistency_proof_verifies_and_no_forgery_does(n in 1..=BIG, seed in any::<u64>()) {
        let m = seed % n + 1;
        let tree = big_tree();
        let roots = big_roots();
        let proof = consistency_proof(tree, m, n).unwrap();
        prop_assert_eq!(proof.len(), proof::consistency_proof_len(m, n).unwrap());
        verify_consistency(m, n, &proof, &roots[m as usize], &roots[n as usize]).unwrap();
        assert_consistency_forgeries_rejected(m, n, &proof, &roots[m as usize], &roots[n as usize], &|s| roots[s as usize], BIG);
        if m < n {
            let other = consistency_proof(other_tree(), m, n).unwrap();
            prop_assert!(verify_consistency(m, n, &other, &roots[m as usize], &roots[n as usize]).is_err());
        }
    }

    #[test]
    fn random_proofs_are_rejected(
        index in any::<u64>(), size in any::<u64>(), proof in prop::collection::vec(any::<[u8; 32]>(), 0..70),
        a in any::<[u8; 32]>(), b in any::<[u8; 32]>(),
    ) {
        let proof: Vec<Hash> = proof.into_iter().map(Hash).collect();
        prop_assert!(verify_inclusion(&Hash(a), index, size, &proof, &Hash(b)).is_err());
        prop_assert!(verify_consistency(index, size, &proof, &Hash(a), &Hash(b)).is_err() || (index == size && a == b && proof.is_empty()));
        let _ = verify_inclusion(&Hash(a), index % 1000, size % 1000, &proof, &Hash(b));
        let _ = verify_consistency(index % 1000, size % 1000, &proof, &Hash(a), &Hash(b));
    }
}

// ------------------------------------------------------------------------------------------
// Notes, keys and checkpoints.

/// Go `sumdb/note`'s documented example key and note.
const GO_SKEY: &str = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
const GO_VKEY: &str = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
const GO_TEXT: &str =
    "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const GO_NOTE: &str = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n\n\
— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

#[test]
fn go_note_known_answers() {
    let signer = NoteSigner::from_private_key(GO_SKEY).unwrap();
    assert_eq!(signer.key_id(), 0xc74f20a3);
    assert_eq!(signer.verifier_key(), GO_VKEY);
    assert_eq!(signer.to_private_key(), GO_SKEY);
    assert_eq!(signer.sign(GO_TEXT).unwrap(), GO_NOTE, "Ed25519 is deterministic");
    let verifier = NoteVerifier::parse(GO_VKEY).unwrap();
    assert_eq!(verifier.to_vkey(), GO_VKEY);
    assert_eq!(verifier.open(GO_NOTE.as_bytes()).unwrap(), GO_TEXT);
    let parsed = parse_note(GO_NOTE.as_bytes()).unwrap();
    assert_eq!(parsed.text, GO_TEXT);
    assert_eq!(parsed.signatures.len(), 1);
    assert_eq!((parsed.signatures[0].name.as_str(), parsed.signatures[0].key_id), ("PeterNeumann", 0xc74f20a3));
    // Tampered text, tampered signature, another key: refused.
    assert!(verifier.open(GO_NOTE.replace("answer", "Answer").as_bytes()).is_err());
    assert!(verifier.open(GO_NOTE.replace("x08go", "x08gp").as_bytes()).is_err());
    let other = NoteSigner::from_seed("PeterNeumann", &[7; 32]).unwrap().verifier();
    assert!(other.open(GO_NOTE.as_bytes()).is_err(), "same name, other key id: no known signature");
}

#[test]
fn key_encodings_are_checked() {
    let signer = NoteSigner::from_seed("zhifa.example/anxiang", &[1; 32]).unwrap();
    let vkey = signer.verifier_key();
    let (prefix, key64) = vkey.rsplit_once('+').unwrap();
    assert_eq!(prefix, format!("zhifa.example/anxiang+{:08x}", signer.key_id()));
    use base64::Engine;
    let key = base64::prelude::BASE64_STANDARD.decode(key64).unwrap();
    assert_eq!((key[0], &key[1..]), (0x01, &signer.public_key()[..]));
    assert_eq!(NoteVerifier::parse(&vkey).unwrap(), signer.verifier());
    assert_eq!(NoteSigner::from_private_key(&signer.to_private_key()).unwrap().public_key(), signer.public_key());
    // The key id is SHA-256(name ‖ 0x0A ‖ 0x01 ‖ key)[..4].
    use sha2::Digest;
    let mut d = sha2::Sha256::new();
    d.update(b"zhifa.example/anxiang\n\x01");
    d.update(signer.public_key());
    assert_eq!(signer.key_id().to_be_bytes(), d.finalize()[..4]);
    let bad_id = vkey.replacen(&format!("{:08x}", signer.key_id()), "00000000", 1);
    assert!(NoteVerifier::parse(&bad_id).is_err());
    for bad in [
        "",
        "a+b",
        "a+0000000+AQ==",
        "name+12345678+",
        "na me+12345678+AQ==",
        "a+b+c+d",
        "+12345678+AQ==",
        "a+1234567g+AQ==",
        "a++2345678+AQ==",
    ] {
        assert!(NoteVerifier::parse(bad).is_err(), "{bad:?}");
    }
    assert!(NoteSigner::from_seed("bad name", &[1; 32]).is_err());
    assert!(NoteSigner::from_seed("a+b", &[1; 32]).is_err());
    assert!(NoteSigner::from_private_key(&signer.verifier_key()).is_err());
    assert!(format!("{signer:?}").contains("secret hidden"));
}

#[test]
fn signed_checkpoints() {
    let signer = NoteSigner::from_seed("zhifa.example/test", &[2; 32]).unwrap();
    let verifier = NoteVerifier::parse(&signer.verifier_key()).unwrap();
    let cp = Checkpoint::new("zhifa.example/test", 8, h(KAT_ROOTS[7]));
    let text = cp.to_text().unwrap();
    assert_eq!(text, format!("zhifa.example/test\n8\n{}\n", h(KAT_ROOTS[7]).to_base64()));
    assert_eq!(Checkpoint::parse(text.as_bytes()).unwrap(), cp);
    let note = signer.sign_checkpoint(&cp).unwrap();
    assert!(note.starts_with(&text) && note[text.len()..].starts_with("\n— zhifa.example/test "));
    assert_eq!(verifier.open_checkpoint(note.as_bytes()).unwrap(), cp);
    // A changed size or root, or another origin, does not verify.
    assert!(verifier.open_checkpoint(note.replacen("\n8\n", "\n9\n", 1).as_bytes()).is_err());
    let other = Checkpoint::new("zhifa.example/other", 8, h(KAT_ROOTS[7]));
    assert!(signer.sign_checkpoint(&other).is_err());
    let forged = signer.sign(&other.to_text().unwrap()).unwrap();
    assert!(verifier.open_checkpoint(forged.as_bytes()).is_err(), "origin must be the key name");
    // Extensions.
    let mut ext = cp.clone();
    ext.extensions = vec!["witness a".into(), "b".into()];
    let text = ext.to_text().unwrap();
    assert!(text.ends_with("\nwitness a\nb\n"));
    assert_eq!(Checkpoint::parse(text.as_bytes()).unwrap(), ext);
    ext.extensions = vec!["".into()];
    assert!(ext.to_text().is_err());
    for bad in ["", "o\n8\n", "o\n08\nAA==\n", "o\n-1\nAA==\n", "o\n8\nAA==\n", "\n8\nxxx\n", "o\n8\n+xxx\n"] {
        assert!(Checkpoint::parse(bad.as_bytes()).is_err(), "{bad:?}");
    }
}

// ------------------------------------------------------------------------------------------
// Tile paths.

#[test]
fn tile_paths_known_answers() {
    let cases: [(u8, u64, u16, &str); 7] = [
        (0, 0, 256, "tile/0/000"),
        (0, 1_234_067, 256, "tile/0/x001/x234/067"),
        (0, 1_234_067, 8, "tile/0/x001/x234/067.p/8"),
        (1, 999, 256, "tile/1/999"),
        (1, 1000, 1, "tile/1/x001/000.p/1"),
        (3, 12, 255, "tile/3/012.p/255"),
        (0, 1_000_000, 256, "tile/0/x001/x000/000"),
    ];
    for (level, index, width, path) in cases {
        let t = TileId::new(level, index, width).unwrap();
        assert_eq!(t.path(), path);
        assert_eq!(TileId::parse_path(path).unwrap(), t);
    }
    let t = TileId::parse_path("/ledger/tile/0/x001/067.p/12").unwrap();
    assert_eq!((t.level, t.index, t.width), (0, 1067, 12));
    assert_eq!(TileId::parse_path("https://zhifa.example/ledger/tile/2/005").unwrap(), TileId::new(2, 5, 256).unwrap());
    for bad in [
        "tile/0/x000/067",
        "tile/0/67",
        "tile/0/0067",
        "tile/0/x01/067",
        "tile/0/067.p/0",
        "tile/0/067.p/256",
        "tile/0/067.p/012",
        "tile/0/067.p/",
        "tile/0/067.p",
        "tile/00/067",
        "tile/8/000",
        "tile/0/x001",
        "tile/0/001/002",
        "tile/0/",
        "tile/0",
        "tile",
        "tile/entries/000",
        "tile/8/0/000",
        "tile/0/x001/067/",
        "tile/+1/000",
        "tile/0/-01",
        "/ledger/tiles/0/000",
        "tile/0/x999/x999/x999/x999/x999/x999/x999/999",
        "tile/7/128",
    ] {
        assert!(TileId::parse_path(bad).is_err(), "accepted {bad:?}");
    }
    assert!(TileId::new(0, 0, 0).is_none());
    assert!(TileId::new(0, 0, 257).is_none());
    assert!(TileId::new(8, 0, 1).is_none());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn tile_paths_round_trip(level in 0u8..=7, index in any::<u64>(), width in 1u16..=256) {
        let index = index >> (8 * u32::from(level) + 9).min(63);
        if let Some(t) = TileId::new(level, index, width) {
            prop_assert_eq!(TileId::parse_path(&t.path()).unwrap(), t);
            prop_assert_eq!(TileId::parse_path(&format!("/ledger/{}", t.path())).unwrap(), t);
        }
    }

    // Parsers never panic, whatever they are fed.
    #[test]
    fn parsers_never_panic_on_bytes(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let text = String::from_utf8_lossy(&bytes);
        let _ = parse_note(&bytes);
        let _ = Checkpoint::parse(&bytes);
        let _ = NoteVerifier::parse(&text);
        let _ = NoteSigner::from_private_key(&text);
        let _ = TileId::parse_path(&text);
        let _ = Frontier::decode(&bytes);
        let _ = decode_tile(&bytes);
        let _ = NoteVerifier::parse(GO_VKEY).unwrap().open(&bytes);
        let _ = NoteVerifier::parse(GO_VKEY).unwrap().open_checkpoint(&bytes);
    }

    #[test]
    fn parsers_never_panic_on_near_misses(
        parts in prop::collection::vec(prop::sample::select(vec![
            "tile", "/", "x", "0", "1", "9", "00", "067", "x001", ".p", "/12", "256", "\n", "\n\n", "— ", " ",
            "+", "PRIVATE+KEY+", "PeterNeumann", "c74f20a3", "AQ==", "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=",
            "ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "18446744073709551615", "é", "\u{2014}",
        ]), 0..24),
    ) {
        let text: String = parts.concat();
        let _ = parse_note(text.as_bytes());
        let _ = Checkpoint::parse(text.as_bytes());
        let _ = NoteVerifier::parse(&text);
        let _ = NoteSigner::from_private_key(&text);
        let _ = TileId::parse_path(&text);
        let _ = NoteVerifier::parse(GO_VKEY).unwrap().open(text.as_bytes());
    }
}
