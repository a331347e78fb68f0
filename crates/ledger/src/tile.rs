//! Hash tiles as C2SP `tlog-tiles` serves them.
//!
//! A tile at level `L` with index `N` holds the hashes at tree level `8·L` with indices
//! `256·N .. 256·N + W`, concatenated (32 bytes each). A full tile has `W = 256`; the right
//! edge of the tree is served as a partial tile of width `1..=255`. Paths:
//!
//! ```text
//! tile/<L>/<N>[.p/<W>]      e.g. tile/0/x001/x234/067.p/8  (L = 0, N = 1234067, W = 8)
//! ```
//!
//! `<N>` is written in zero-padded 3-digit groups, all but the last prefixed with `x`.
//! This is NOT the Go sumdb layout `tile/<H>/<L>/<N>` that `tlog_tiles::Tile::path()` emits,
//! which is why formatting and parsing are written here.

use crate::hash::{HASH_SIZE, Hash};
use crate::tree::{HashRange, MAX_TREE_SIZE, TILE_HEIGHT, TILE_WIDTH};
use crate::{Error, Result};

/// Highest tile level with any hash in a tree of at most [`MAX_TREE_SIZE`] leaves.
const MAX_TILE_LEVEL: u8 = 7;

/// A hash tile: level, index within the level, width (`1..=256`; 256 = full).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TileId {
    pub level: u8,
    pub index: u64,
    pub width: u16,
}

fn bad_path(path: &str, why: &str) -> Error {
    Error::Malformed { what: "tile path", why: format!("{why}: {path:?}") }
}

impl TileId {
    /// A tile; `None` if the level, index or width cannot occur in a ledger.
    pub fn new(level: u8, index: u64, width: u16) -> Option<TileId> {
        let tile = TileId { level, index, width };
        (level <= MAX_TILE_LEVEL && (1..=TILE_WIDTH as u16).contains(&width) && tile.fits()).then_some(tile)
    }

    /// Whether the tile's last hash can exist in a tree of at most MAX_TREE_SIZE leaves.
    fn fits(&self) -> bool {
        let shift = u32::from(self.level) * u32::from(TILE_HEIGHT);
        let Some(first) = self.index.checked_mul(TILE_WIDTH) else { return false };
        let Some(end) = first.checked_add(u64::from(self.width)) else { return false };
        end <= MAX_TREE_SIZE >> shift
    }

    pub fn is_full(&self) -> bool {
        u64::from(self.width) == TILE_WIDTH
    }

    /// The stored hashes the tile holds.
    pub fn hash_range(&self) -> HashRange {
        HashRange { tile_level: self.level, start: self.index * TILE_WIDTH, count: u64::from(self.width) }
    }

    /// Whether every hash of the tile exists in a tree of `size` leaves.
    pub fn exists_in(&self, size: u64) -> bool {
        self.hash_range().end() <= size >> (u32::from(self.level) * u32::from(TILE_HEIGHT))
    }

    /// The tile at `level` holding stored hash `index` as a tree of `size` leaves serves
    /// it: full if complete, else partial with the hashes that exist. `None` if the hash
    /// does not exist in that tree.
    pub fn containing(level: u8, index: u64, size: u64) -> Option<TileId> {
        if level > MAX_TILE_LEVEL {
            return None;
        }
        let stored = size >> (u32::from(level) * u32::from(TILE_HEIGHT));
        if index >= stored {
            return None;
        }
        let n = index / TILE_WIDTH;
        let width = (stored - n * TILE_WIDTH).min(TILE_WIDTH) as u16;
        TileId::new(level, n, width)
    }

    /// The path `tile/<L>/<N>[.p/<W>]`.
    pub fn path(&self) -> String {
        let mut path = format!("tile/{}/", self.level);
        let digits = format!("{}", self.index);
        let groups = digits.len().div_ceil(3);
        let padded = format!("{:0>width$}", digits, width = groups * 3);
        for (i, chunk) in padded.as_bytes().chunks(3).enumerate() {
            if i + 1 < groups {
                path.push('x');
            }
            path.push_str(std::str::from_utf8(chunk).expect("ASCII digits"));
            path.push(if i + 1 < groups { '/' } else { '.' });
        }
        path.pop();
        if !self.is_full() {
            path.push_str(&format!(".p/{}", self.width));
        }
        path
    }

    /// Parses `tile/<L>/<N>[.p/<W>]`, also behind a URL prefix (`/ledger/tile/0/067` or
    /// `https://host/ledger/tile/0/067`): everything up to the first path segment `tile`
    /// is skipped. Only the canonical form is accepted — no extra leading zeros or `x`
    /// groups, no `.p/256`, no `.p/0` — so each tile has exactly one path.
    pub fn parse_path(path: &str) -> Result<TileId> {
        if path.len() > 256 {
            return Err(bad_path(&path.chars().take(64).collect::<String>(), "too long"));
        }
        let mut segments = path.split('/');
        if !segments.by_ref().any(|s| s == "tile") {
            return Err(bad_path(path, "no “tile” segment"));
        }
        let rest: Vec<&str> = segments.collect();
        let (level_text, index_parts, width) = match rest.as_slice() {
            [level, index @ ..] if !index.is_empty() => {
                let (last, before) = index.split_last().expect("non-empty");
                match before.split_last() {
                    Some((p, groups)) if p.ends_with(".p") => {
                        let mut parts: Vec<&str> = groups.to_vec();
                        parts.push(p.strip_suffix(".p").expect("checked"));
                        (level, parts, Some(*last))
                    }
                    _ => (level, index.to_vec(), None),
                }
            }
            _ => return Err(bad_path(path, "expected tile/<L>/<N>[.p/<W>]")),
        };
        let decimal = |s: &str| -> Option<u64> {
            let canonical = !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && (s == "0" || !s.starts_with('0'));
            canonical.then(|| s.parse().ok()).flatten()
        };
        let level = decimal(level_text)
            .filter(|&l| l <= u64::from(MAX_TILE_LEVEL))
            .ok_or_else(|| bad_path(path, "bad level"))? as u8;
        let width = match width {
            None => TILE_WIDTH as u16,
            Some(w) => {
                decimal(w).filter(|w| (1..TILE_WIDTH).contains(w)).ok_or_else(|| bad_path(path, "bad width"))? as u16
            }
        };
        let mut index: u64 = 0;
        for (i, group) in index_parts.iter().enumerate() {
            let last = i + 1 == index_parts.len();
            let digits = if last { Some(*group) } else { group.strip_prefix('x') };
            let digits = digits
                .filter(|d| d.len() == 3 && d.bytes().all(|b| b.is_ascii_digit()))
                .ok_or_else(|| bad_path(path, "bad index group"))?;
            index = index
                .checked_mul(1000)
                .and_then(|n| n.checked_add(digits.parse::<u64>().expect("3 digits")))
                .ok_or_else(|| bad_path(path, "index too large"))?;
        }
        let tile = TileId::new(level, index, width).ok_or_else(|| bad_path(path, "no such tile"))?;
        // Rejects redundant leading groups such as x000/067.
        if tile.path() != format!("tile/{}", rest.join("/")) {
            return Err(bad_path(path, "not in canonical form"));
        }
        Ok(tile)
    }
}

/// The bytes of a hash tile: the hashes concatenated.
pub fn encode_tile(hashes: &[Hash]) -> Vec<u8> {
    hashes.iter().flat_map(|h| h.0).collect()
}

/// The hashes of a tile's bytes; the length must be a multiple of 32, at most 256 hashes.
pub fn decode_tile(bytes: &[u8]) -> Result<Vec<Hash>> {
    if bytes.is_empty() || !bytes.len().is_multiple_of(HASH_SIZE) || bytes.len() / HASH_SIZE > TILE_WIDTH as usize {
        return Err(Error::Malformed {
            what: "tile",
            why: format!("{} bytes is not 1 to 256 hashes of 32 bytes", bytes.len()),
        });
    }
    Ok(bytes.chunks_exact(HASH_SIZE).map(|c| Hash::from_slice(c).expect("32 bytes")).collect())
}
