//! Reading a package — a directory or a `.tar` — into a [`PackageView`] without extracting
//! anything: each regular file is hashed as it streams by, the head of every file is kept
//! for the format check, small text files are kept whole. Entries that are not regular
//! files, paths that could escape (`..`, absolute, backslashes), and duplicates become
//! security findings instead of being followed.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{self, Read};
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::verify::{Finding, Property};

/// Bytes kept of every file for the format check.
const HEAD: usize = 4096;
/// Text files (JSON, HTML, TXT) up to this size are kept whole.
const TEXT_MAX: u64 = 64 << 20;
/// Most entries a package may have.
const MAX_ENTRIES: usize = 100_000;

/// One regular file of a package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub size: u64,
    pub sha256: String,
    pub head: Vec<u8>,
    /// The whole content, for text files.
    pub content: Option<Vec<u8>>,
}

/// What a package holds, as read.
#[derive(Debug, Clone, Default)]
pub struct PackageView {
    pub entries: BTreeMap<String, Entry>,
    /// Problems met while reading (unsafe entries), reported by the verifier.
    pub findings: Vec<Finding>,
}

/// Whether a path inside a package is safe: relative, `/`-separated, no `.`/`..`
/// components, no backslash or NUL, printable.
pub fn safe_path(p: &str) -> bool {
    !p.is_empty()
        && p.len() <= 255
        && !p.starts_with('/')
        && !p.contains('\\')
        && !p.chars().any(|c| c.is_control())
        && p.split('/').all(|c| !c.is_empty() && c != "." && c != "..")
}

fn is_text(path: &str) -> bool {
    [".json", ".html", ".txt"].iter().any(|x| path.ends_with(x))
}

fn read_entry(path: &str, size_hint: u64, mut r: impl Read) -> io::Result<Entry> {
    let keep = is_text(path) && size_hint <= TEXT_MAX;
    let mut hasher = Sha256::new();
    let mut head = Vec::new();
    let mut content = keep.then(Vec::new);
    let mut size = 0u64;
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = r.read(&mut buf)?;
        if n == 0 {
            break;
        }
        let chunk = &buf[..n];
        hasher.update(chunk);
        size += n as u64;
        if head.len() < HEAD {
            head.extend_from_slice(&chunk[..(HEAD - head.len()).min(n)]);
        }
        if let Some(c) = content.as_mut() {
            if c.len() as u64 + n as u64 > TEXT_MAX {
                content = None;
            } else {
                c.extend_from_slice(chunk);
            }
        }
    }
    Ok(Entry { size, sha256: hex::encode(hasher.finalize()), head, content })
}

fn security(item: &str, message: String) -> Finding {
    Finding::fail(Property::Security, item, message)
}

impl PackageView {
    /// Reads a package: a directory, or a `.tar` file.
    pub fn open(path: &Path) -> io::Result<PackageView> {
        let meta = fs::symlink_metadata(path)?;
        if meta.is_dir() {
            let mut view = PackageView::default();
            view.walk(path, path)?;
            Ok(view)
        } else {
            PackageView::from_tar(File::open(path)?)
        }
    }

    fn add(&mut self, path: String, entry: Entry) {
        match self.entries.entry(path) {
            std::collections::btree_map::Entry::Occupied(o) => {
                let path = o.key().clone();
                self.findings.push(security(&path, "包内有重名文件".into()));
            }
            std::collections::btree_map::Entry::Vacant(v) => {
                v.insert(entry);
            }
        }
    }

    fn walk(&mut self, root: &Path, dir: &Path) -> io::Result<()> {
        let mut names: Vec<_> = fs::read_dir(dir)?.collect::<Result<_, _>>()?;
        names.sort_by_key(|e| e.file_name());
        for e in names {
            let p = e.path();
            let rel = p.strip_prefix(root).unwrap_or(&p).to_string_lossy().replace('\\', "/");
            let meta = fs::symlink_metadata(&p)?;
            if meta.file_type().is_symlink() {
                self.findings.push(security(&rel, "包内含有符号链接，已拒绝跟随".into()));
            } else if meta.is_dir() {
                self.walk(root, &p)?;
            } else if !meta.is_file() {
                self.findings.push(security(&rel, "包内含有非普通文件".into()));
            } else if self.entries.len() >= MAX_ENTRIES {
                self.findings.push(security(&rel, format!("包内文件超过{MAX_ENTRIES}个")));
                return Ok(());
            } else {
                let entry = read_entry(&rel, meta.len(), File::open(&p)?)?;
                self.add(rel, entry);
            }
        }
        Ok(())
    }

    /// Reads a tar stream entry by entry; nothing is written to disk.
    pub fn from_tar(r: impl Read) -> io::Result<PackageView> {
        let mut view = PackageView::default();
        let mut archive = tar::Archive::new(r);
        for entry in archive.entries()? {
            let entry = entry?;
            let raw = entry.path_bytes().into_owned();
            let Ok(path) = String::from_utf8(raw) else {
                view.findings.push(security("（无法识别的文件名）", "包内文件名不是 UTF-8".into()));
                continue;
            };
            let path = path.trim_end_matches('/').to_string();
            match entry.header().entry_type() {
                tar::EntryType::Regular | tar::EntryType::Continuous => {}
                tar::EntryType::Directory => continue,
                other => {
                    view.findings.push(security(&path, format!("包内含有非普通文件（类型 {other:?}），已拒绝")));
                    continue;
                }
            }
            if !safe_path(&path) {
                view.findings.push(security(&path, "文件路径可能越出包目录，已拒绝".into()));
                continue;
            }
            if view.entries.len() >= MAX_ENTRIES {
                view.findings.push(security(&path, format!("包内文件超过{MAX_ENTRIES}个")));
                break;
            }
            let size = entry.header().size().unwrap_or(u64::MAX);
            let e = read_entry(&path, size, entry)?;
            view.add(path, e);
        }
        Ok(view)
    }

    pub fn text(&self, path: &str) -> Option<&[u8]> {
        self.entries.get(path).and_then(|e| e.content.as_deref())
    }
}
