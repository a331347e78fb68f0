//! Content hashes and the keys derived from them.
//!
//! A blob is named by the SHA-256 of its content (R-10: the hash is in the record), so
//! identical content is stored once and a swapped or truncated file is detected by hashing
//! it again. Keys fan out over two directory levels so no directory grows past 65,536
//! entries: `sha256/ab/cd/abcd…` (64 hex digits).
//!
//! Hashing of large content always runs on a blocking thread (`spawn_blocking`), never on
//! the async runtime's workers.

use std::fmt;
use std::io::Read;
use std::path::Path;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::Digest;

use crate::error::BlobError;

/// Read buffer for hashing a file: large reads keep the syscall count low.
pub(crate) const HASH_READ_BUFFER: usize = 1 << 20;

/// A SHA-256 digest, displayed and serialized as 64 lowercase hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Sha256([u8; 32]);

impl Sha256 {
    /// The digest of `data` (for small in-memory content; files go through the store).
    pub fn of(data: &[u8]) -> Sha256 {
        Sha256(sha2::Sha256::digest(data).into())
    }

    pub fn from_bytes(bytes: [u8; 32]) -> Sha256 {
        Sha256(bytes)
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// The object key of the blob: `sha256/ab/cd/<64 hex>`.
    pub fn blob_key(&self) -> String {
        let h = self.to_hex();
        format!("sha256/{}/{}/{}", &h[0..2], &h[2..4], h)
    }

    /// The object key of the blob's JPEG thumbnail: `thumb/ab/cd/<64 hex>.jpg`.
    pub fn thumbnail_key(&self) -> String {
        let h = self.to_hex();
        format!("thumb/{}/{}/{}.jpg", &h[0..2], &h[2..4], h)
    }

    pub(crate) fn from_hasher(hasher: sha2::Sha256) -> Sha256 {
        Sha256(hasher.finalize().into())
    }
}

impl fmt::Display for Sha256 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for Sha256 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Sha256({})", self.to_hex())
    }
}

impl FromStr for Sha256 {
    type Err = BlobError;

    /// Parses 64 hex digits (either case).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut out = [0u8; 32];
        if s.len() != 64 || hex::decode_to_slice(s, &mut out).is_err() {
            return Err(BlobError::InvalidSha256 { given: s.to_owned() });
        }
        Ok(Sha256(out))
    }
}

impl Serialize for Sha256 {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_hex())
    }
}

impl<'de> Deserialize<'de> for Sha256 {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// The SHA-256 and length of what a reader yields, read in large blocks. Blocking.
pub(crate) fn hash_reader(mut reader: impl Read) -> std::io::Result<(sha2::Sha256, u64)> {
    let mut hasher = sha2::Sha256::new();
    let mut buf = vec![0u8; HASH_READ_BUFFER];
    let mut len = 0u64;
    loop {
        match reader.read(&mut buf) {
            Ok(0) => return Ok((hasher, len)),
            Ok(n) => {
                hasher.update(&buf[..n]);
                len += n as u64;
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

/// The running SHA-256 and length of a file's content. Blocking.
pub(crate) fn hash_file(path: &Path) -> std::io::Result<(sha2::Sha256, u64)> {
    hash_reader(std::fs::File::open(path)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_display_and_keys() {
        let h = Sha256::of(b"abc");
        let hex = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        assert_eq!(h.to_hex(), hex);
        assert_eq!(hex.parse::<Sha256>().unwrap(), h);
        assert_eq!(hex.to_uppercase().parse::<Sha256>().unwrap(), h);
        assert_eq!(h.blob_key(), format!("sha256/ba/78/{hex}"));
        assert_eq!(h.thumbnail_key(), format!("thumb/ba/78/{hex}.jpg"));
        assert!("ba78".parse::<Sha256>().is_err());
        assert!("../../etc/passwd".parse::<Sha256>().is_err());
        let json = serde_json::to_string(&h).unwrap();
        assert_eq!(json, format!("\"{hex}\""));
    }

    #[test]
    fn hash_reader_matches_one_shot() {
        let data = vec![7u8; HASH_READ_BUFFER * 2 + 5];
        let (hasher, len) = hash_reader(&data[..]).unwrap();
        assert_eq!(len, data.len() as u64);
        assert_eq!(Sha256::from_hasher(hasher), Sha256::of(&data));
    }
}
