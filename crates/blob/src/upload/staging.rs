//! The staging directory: `<id>.part` holds the bytes received so far, `<id>.json` the
//! upload's record (declaration, caller's metadata, and once finished the receipt).
//!
//! Order of writes, so any crash leaves a state the next process understands:
//! - create: the empty part file, then the record (atomically: temp file, fsync, rename,
//!   fsync of the directory). A record without its part file is the remains of a failed
//!   create and is dropped on load; a part file without a record is an orphan for `sweep`.
//! - finish: the blob is linked or put into the store, then the record gains its receipt,
//!   then the part file is removed. A record with a receipt and a part file left over has
//!   the part file removed on load.
//!
//! Every function here is blocking; callers run them on a blocking thread.

use std::collections::HashMap;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use super::{Record, UploadId};
use crate::store::sync_dir;

pub(crate) fn part_path(dir: &Path, id: UploadId) -> PathBuf {
    dir.join(format!("{id}.part"))
}

pub(crate) fn record_path(dir: &Path, id: UploadId) -> PathBuf {
    dir.join(format!("{id}.json"))
}

fn temp_path(dir: &Path, id: UploadId) -> PathBuf {
    dir.join(format!("{id}.json.tmp"))
}

/// Creates the empty part file and writes the record.
pub(crate) fn create(dir: &Path, record: &Record) -> io::Result<()> {
    let part = File::create_new(part_path(dir, record.id))?;
    part.sync_all()?;
    write_record(dir, record)
}

/// Replaces the record atomically and durably.
pub(crate) fn write_record(dir: &Path, record: &Record) -> io::Result<()> {
    let json = serde_json::to_vec_pretty(record).map_err(io::Error::other)?;
    let tmp = temp_path(dir, record.id);
    let mut file = File::create(&tmp)?;
    file.write_all(&json)?;
    file.sync_all()?;
    fs::rename(&tmp, record_path(dir, record.id))?;
    sync_dir(dir)
}

/// What is on disk for an upload.
pub(crate) struct Loaded {
    pub record: Record,
    /// Length of the part file (the total, once finished).
    pub received: u64,
}

/// Reads an upload's record and part file length; `None` if there is no such upload.
/// Repairs what an interrupted create or finish left behind.
pub(crate) fn load(dir: &Path, id: UploadId) -> io::Result<Option<Loaded>> {
    let json = match fs::read(record_path(dir, id)) {
        Ok(json) => json,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let record: Record = serde_json::from_slice(&json).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
    let part = part_path(dir, id);
    let part_len = match fs::metadata(&part) {
        Ok(meta) => Some(meta.len()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(e),
    };
    if record.completed.is_some() {
        if part_len.is_some() {
            remove_file(&part)?;
        }
        return Ok(Some(Loaded { received: record.total_size, record }));
    }
    match part_len {
        Some(len) if len <= record.total_size => Ok(Some(Loaded { record, received: len })),
        // No part file (a create cut short), or more bytes than declared (never written
        // by this crate): nothing resumable.
        _ => {
            remove(dir, id)?;
            Ok(None)
        }
    }
}

/// Opens the part file for appending, checking it holds exactly `expected` bytes.
pub(crate) fn open_for_append(dir: &Path, id: UploadId, expected: u64) -> io::Result<File> {
    let file = OpenOptions::new().append(true).open(part_path(dir, id))?;
    let len = file.metadata()?.len();
    if len != expected {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("staging file holds {len} bytes, expected {expected}"),
        ));
    }
    Ok(file)
}

/// The first `n` bytes of the part file (fewer if it is shorter).
pub(crate) fn read_head(dir: &Path, id: UploadId, n: usize) -> io::Result<Vec<u8>> {
    let mut head = Vec::with_capacity(n);
    File::open(part_path(dir, id))?.take(n as u64).read_to_end(&mut head)?;
    Ok(head)
}

/// Removes an upload's files; missing ones are fine.
pub(crate) fn remove(dir: &Path, id: UploadId) -> io::Result<()> {
    remove_file(&part_path(dir, id))?;
    remove_file(&temp_path(dir, id))?;
    remove_file(&record_path(dir, id))
}

pub(crate) fn remove_file(path: &Path) -> io::Result<()> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// One file of the staging directory, grouped by upload.
pub(crate) struct Entry {
    pub id: UploadId,
    pub has_record: bool,
    /// The latest modification time among the upload's files.
    pub last_activity: SystemTime,
    pub paths: Vec<PathBuf>,
}

/// Lists the staging directory by upload. Files whose names are not ours are ignored.
pub(crate) fn list(dir: &Path) -> io::Result<Vec<Entry>> {
    let mut entries: HashMap<UploadId, Entry> = HashMap::new();
    for item in fs::read_dir(dir)? {
        let item = item?;
        let name = item.file_name();
        let Some(name) = name.to_str() else { continue };
        let (stem, is_record) = if let Some(stem) = name.strip_suffix(".json") {
            (stem, true)
        } else if let Some(stem) = name.strip_suffix(".part").or_else(|| name.strip_suffix(".json.tmp")) {
            (stem, false)
        } else {
            continue;
        };
        let Ok(id) = stem.parse::<UploadId>() else { continue };
        let modified = match item.metadata().and_then(|m| m.modified()) {
            Ok(t) => t,
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e),
        };
        let entry = entries.entry(id).or_insert_with(|| Entry {
            id,
            has_record: false,
            last_activity: SystemTime::UNIX_EPOCH,
            paths: Vec::new(),
        });
        entry.has_record |= is_record;
        entry.last_activity = entry.last_activity.max(modified);
        entry.paths.push(item.path());
    }
    Ok(entries.into_values().collect())
}
