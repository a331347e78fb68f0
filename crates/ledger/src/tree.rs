//! The Merkle tree over a tile-structured hash source: roots, perfect-subtree hashes, and
//! RFC 6962 / RFC 9162 inclusion and consistency proofs.
//!
//! Storage keeps only the hashes at tree levels 0, 8, 16, … (the bottom rows of C2SP
//! tlog-tiles tiles): level 0 holds the leaf hashes, level 8 the roots of full 256-leaf
//! subtrees, and so on. A [`HashSource`] serves those rows; every other node is computed
//! from at most 128 hashes of the row below it.
//!
//! The proof algorithms are those of Go's `sumdb/tlog` as ported by Cloudflare's
//! `tlog_tiles` crate (`prove_record`, `prove_tree`, `tree_hash`): they ask their
//! `HashReader` only for roots of perfect subtrees, which `Reader` computes from the
//! source, reading each touched tile once. What is written here by hand is that adapter and
//! the read planning (neither crate knows a storage that keeps only every 8th level).
//!
//! A source may be slow (a database): [`plan_inclusion`], [`plan_consistency`] and
//! [`plan_root`] say which hash ranges a computation will read, so an asynchronous caller
//! can fetch them first and run the computation on a [`Prefetched`] source.

use std::cell::RefCell;
use std::collections::BTreeMap;

use crate::hash::{EMPTY_ROOT, Hash, fold_perfect};
use crate::{Error, Result};

/// Tree levels covered by one tile (C2SP tlog-tiles fixes it at 8).
pub const TILE_HEIGHT: u8 = 8;
/// Hashes in a full tile: 2^8.
pub const TILE_WIDTH: u64 = 1 << TILE_HEIGHT;
/// Largest tree size accepted (event positions are signed 64-bit integers).
pub const MAX_TREE_SIZE: u64 = i64::MAX as u64;

/// Where the stored rows of the tree come from.
///
/// `hashes(L, start, count)` returns the hashes at tree level `8·L` with indices
/// `start .. start + count`, in order: for `L = 0` the leaf hashes, for `L = 1` the roots of
/// the full 256-leaf subtrees, and so on. It is only asked for hashes that exist (a level-8L
/// hash with index `i` exists once the tree has `(i + 1)·256^L` leaves). It must return
/// exactly `count` hashes or an error.
pub trait HashSource {
    fn hashes(&self, tile_level: u8, start: u64, count: u64) -> Result<Vec<Hash>>;
}

impl<S: HashSource + ?Sized> HashSource for &S {
    fn hashes(&self, tile_level: u8, start: u64, count: u64) -> Result<Vec<Hash>> {
        (**self).hashes(tile_level, start, count)
    }
}

/// A contiguous range of stored hashes: tree level `8·tile_level`, indices
/// `start .. start + count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct HashRange {
    pub tile_level: u8,
    pub start: u64,
    pub count: u64,
}

impl HashRange {
    pub fn end(&self) -> u64 {
        self.start + self.count
    }

    fn contains(&self, other: &HashRange) -> bool {
        self.tile_level == other.tile_level && self.start <= other.start && other.end() <= self.end()
    }
}

/// The hash of the perfect subtree at `level` with index `index` (covering leaves
/// `index·2^level .. (index+1)·2^level`). The caller must know the subtree is complete in
/// the source's tree.
pub fn subtree_hash<S: HashSource + ?Sized>(source: &S, level: u8, index: u64) -> Result<Hash> {
    if level > 62 || index.checked_shl(u32::from(level)).is_none_or(|first| first >> level != index) {
        return Err(Error::OutOfRange(format!("no subtree at level {level}, index {index}")));
    }
    Ok(read_subtrees(source, &[(level, index)])?[0])
}

/// The root of the tree of the first `size` leaves (RFC 6962 MTH). The empty tree's root is
/// [`EMPTY_ROOT`].
pub fn root<S: HashSource + ?Sized>(source: &S, size: u64) -> Result<Hash> {
    check_size(size)?;
    if size == 0 {
        return Ok(EMPTY_ROOT);
    }
    let reader = Reader::new(source);
    let h = tlog_tiles::tree_hash(size, &reader);
    reader.finish(h).map(Hash::from)
}

/// The inclusion proof (RFC 9162 §2.1.3.1 audit path) of the leaf at `index` in the tree of
/// `size` leaves, bottom-up.
pub fn inclusion_proof<S: HashSource + ?Sized>(source: &S, index: u64, size: u64) -> Result<Vec<Hash>> {
    check_size(size)?;
    if index >= size {
        return Err(Error::OutOfRange(format!("leaf {index} is not in a tree of size {size}")));
    }
    let reader = Reader::new(source);
    let p = tlog_tiles::prove_record(size, index, &reader);
    Ok(reader.finish(p)?.into_iter().map(Hash::from).collect())
}

/// The consistency proof (RFC 9162 §2.1.4.1) that the tree of `m` leaves is a prefix of the
/// tree of `n` leaves, for `1 ≤ m ≤ n`; empty when `m == n`.
pub fn consistency_proof<S: HashSource + ?Sized>(source: &S, m: u64, n: u64) -> Result<Vec<Hash>> {
    check_size(n)?;
    if m == 0 || m > n {
        return Err(Error::OutOfRange(format!("no consistency proof from size {m} to size {n} (need 1 ≤ m ≤ n)")));
    }
    let reader = Reader::new(source);
    let p = tlog_tiles::prove_tree(n, m, &reader);
    Ok(reader.finish(p)?.into_iter().map(Hash::from).collect())
}

/// The ranges [`inclusion_proof`] reads for `(index, size)`.
pub fn plan_inclusion(index: u64, size: u64) -> Result<Vec<HashRange>> {
    plan(|s| inclusion_proof(s, index, size).map(drop))
}

/// The ranges [`consistency_proof`] reads for `(m, n)`.
pub fn plan_consistency(m: u64, n: u64) -> Result<Vec<HashRange>> {
    plan(|s| consistency_proof(s, m, n).map(drop))
}

/// The ranges [`root`] reads for `size`.
pub fn plan_root(size: u64) -> Result<Vec<HashRange>> {
    plan(|s| root(s, size).map(drop))
}

fn plan(run: impl FnOnce(&Recorder) -> Result<()>) -> Result<Vec<HashRange>> {
    let recorder = Recorder::default();
    run(&recorder)?;
    let mut ranges = recorder.ranges.into_inner();
    ranges.sort();
    ranges.dedup();
    Ok(ranges)
}

/// Records what is asked of it and answers with zero hashes (which hashes a computation
/// reads depends only on sizes and indices, never on hash values).
#[derive(Default)]
struct Recorder {
    ranges: RefCell<Vec<HashRange>>,
}

impl HashSource for Recorder {
    fn hashes(&self, tile_level: u8, start: u64, count: u64) -> Result<Vec<Hash>> {
        self.ranges.borrow_mut().push(HashRange { tile_level, start, count });
        Ok(vec![Hash::default(); count as usize])
    }
}

/// A source holding hashes fetched beforehand (see the module documentation). A request
/// outside what was inserted is an error.
#[derive(Debug, Default, Clone)]
pub struct Prefetched {
    ranges: Vec<(HashRange, Vec<Hash>)>,
}

impl Prefetched {
    pub fn new() -> Prefetched {
        Prefetched::default()
    }

    /// Adds the hashes of `range`; `hashes.len()` must equal `range.count`.
    pub fn insert(&mut self, range: HashRange, hashes: Vec<Hash>) -> Result<()> {
        if hashes.len() as u64 != range.count {
            return Err(Error::Source(format!("{} hashes given for a range of {}", hashes.len(), range.count)));
        }
        self.ranges.push((range, hashes));
        Ok(())
    }
}

impl HashSource for Prefetched {
    fn hashes(&self, tile_level: u8, start: u64, count: u64) -> Result<Vec<Hash>> {
        let want = HashRange { tile_level, start, count };
        self.ranges
            .iter()
            .find(|(r, _)| r.contains(&want))
            .map(|(r, h)| h[(start - r.start) as usize..(start - r.start + count) as usize].to_vec())
            .ok_or_else(|| Error::Source(format!("hashes not prefetched: {want:?}")))
    }
}

fn check_size(size: u64) -> Result<()> {
    if size > MAX_TREE_SIZE {
        return Err(Error::OutOfRange(format!("tree size {size} exceeds {MAX_TREE_SIZE}")));
    }
    Ok(())
}

/// Computes the roots of the perfect subtrees `(level, index)` from the stored rows, reading
/// each needed stretch of a row once (stretches less than a tile apart are read together).
pub(crate) fn read_subtrees<S: HashSource + ?Sized>(source: &S, subtrees: &[(u8, u64)]) -> Result<Vec<Hash>> {
    let wanted: Vec<HashRange> = subtrees
        .iter()
        .map(|&(level, index)| {
            let rise = level % TILE_HEIGHT;
            HashRange { tile_level: level / TILE_HEIGHT, start: index << rise, count: 1 << rise }
        })
        .collect();
    let mut sorted = wanted.clone();
    sorted.sort();
    let mut reads: Vec<HashRange> = Vec::new();
    for r in sorted {
        match reads.last_mut() {
            Some(last) if last.tile_level == r.tile_level && r.start <= last.end() + TILE_WIDTH => {
                last.count = last.count.max(r.end() - last.start);
            }
            _ => reads.push(r),
        }
    }
    let mut fetched: BTreeMap<(u8, u64), (HashRange, Vec<Hash>)> = BTreeMap::new();
    for r in reads {
        let hashes = source.hashes(r.tile_level, r.start, r.count)?;
        if hashes.len() as u64 != r.count {
            return Err(Error::Source(format!("asked for {} hashes of {r:?}, got {}", r.count, hashes.len())));
        }
        fetched.insert((r.tile_level, r.start), (r, hashes));
    }
    wanted
        .iter()
        .map(|w| {
            let (r, hashes) = fetched
                .range(..=(w.tile_level, w.start))
                .next_back()
                .map(|(_, v)| v)
                .filter(|(r, _)| r.contains(w))
                .ok_or_else(|| Error::Source(format!("internal: no read covers {w:?}")))?;
            let from = (w.start - r.start) as usize;
            Ok(fold_perfect(&hashes[from..from + w.count as usize]))
        })
        .collect()
}

/// Serves `tlog_tiles`'s stored-hash reads (perfect subtrees at any level) from a
/// [`HashSource`], keeping the source's error.
struct Reader<'a, S: ?Sized> {
    source: &'a S,
    error: RefCell<Option<Error>>,
}

impl<'a, S: HashSource + ?Sized> Reader<'a, S> {
    fn new(source: &'a S) -> Self {
        Reader { source, error: RefCell::new(None) }
    }

    fn finish<T>(self, result: std::result::Result<T, tlog_tiles::Error>) -> Result<T> {
        match (result, self.error.into_inner()) {
            (Ok(v), None) => Ok(v),
            (_, Some(e)) => Err(e),
            (Err(e), None) => Err(Error::OutOfRange(e.to_string())),
        }
    }
}

impl<S: HashSource + ?Sized> tlog_tiles::HashReader for Reader<'_, S> {
    fn read_hashes(&self, indexes: &[u64]) -> std::result::Result<Vec<tlog_tiles::Hash>, tlog_tiles::Error> {
        let subtrees: Vec<(u8, u64)> = indexes.iter().map(|&i| tlog_tiles::split_stored_hash_index(i)).collect();
        match read_subtrees(self.source, &subtrees) {
            Ok(hashes) => Ok(hashes.into_iter().map(Into::into).collect()),
            Err(e) => {
                *self.error.borrow_mut() = Some(e);
                Err(tlog_tiles::Error::IndexesNotInTree)
            }
        }
    }
}

/// A tree held in memory, level by stored level: for tests, tools and benchmarks
/// (`zhifa bench` measures an inclusion proof at 10M leaves on it).
#[derive(Debug, Default, Clone)]
pub struct MemorySource {
    /// `levels[L]` holds the hashes at tree level 8·L.
    levels: Vec<Vec<Hash>>,
    frontier: crate::Frontier,
}

impl MemorySource {
    pub fn new() -> MemorySource {
        MemorySource::default()
    }

    /// Appends a leaf hash, storing every completed node at a stored level.
    pub fn push(&mut self, leaf: Hash) {
        for (level, index, hash) in self.frontier.append(leaf) {
            let l = usize::from(level / TILE_HEIGHT);
            if self.levels.len() <= l {
                self.levels.resize(l + 1, Vec::new());
            }
            debug_assert_eq!(self.levels[l].len() as u64, index);
            self.levels[l].push(hash);
        }
    }

    /// Number of leaves.
    pub fn size(&self) -> u64 {
        self.frontier.size()
    }

    /// The current root (from the frontier, without reading).
    pub fn root(&self) -> Hash {
        self.frontier.root()
    }

    /// The right edge of the tree.
    pub fn frontier(&self) -> &crate::Frontier {
        &self.frontier
    }

    /// Replaces one stored hash (for tests of tampering).
    pub fn set(&mut self, tile_level: u8, index: u64, hash: Hash) {
        self.levels[usize::from(tile_level)][index as usize] = hash;
    }
}

impl FromIterator<Hash> for MemorySource {
    fn from_iter<I: IntoIterator<Item = Hash>>(leaves: I) -> Self {
        let mut m = MemorySource::new();
        for leaf in leaves {
            m.push(leaf);
        }
        m
    }
}

impl HashSource for MemorySource {
    fn hashes(&self, tile_level: u8, start: u64, count: u64) -> Result<Vec<Hash>> {
        let row = self.levels.get(usize::from(tile_level)).map(Vec::as_slice).unwrap_or(&[]);
        let end = start.checked_add(count).filter(|&e| e <= row.len() as u64).ok_or_else(|| {
            Error::Source(format!("level {} holds {} hashes; asked for {start}+{count}", 8 * tile_level, row.len()))
        })?;
        Ok(row[start as usize..end as usize].to_vec())
    }
}
