//! Writing a package: files go into a fresh directory, each hashed as it is written; the
//! manifest is written last. `pack_tar` then binds the directory into one `.tar` file
//! (uncompressed: video does not compress, and a plain tar is readable everywhere).

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::format::{MANIFEST, Manifest, ManifestFile};
use crate::read::safe_path;

/// A package being written into a directory.
#[derive(Debug)]
pub struct PackageWriter {
    root: PathBuf,
    files: Vec<ManifestFile>,
}

/// A file of the package being written in pieces (large AV files).
pub struct FileSink {
    out: BufWriter<File>,
    hasher: Sha256,
    size: u64,
    path: String,
    media_type: String,
}

impl FileSink {
    pub fn write(&mut self, data: &[u8]) -> io::Result<()> {
        self.hasher.update(data);
        self.size += data.len() as u64;
        self.out.write_all(data)
    }
}

fn invalid(msg: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, msg)
}

impl PackageWriter {
    /// Starts a package in `root`, which must not exist or be empty.
    pub fn create(root: &Path) -> io::Result<PackageWriter> {
        if root.exists() && fs::read_dir(root)?.next().is_some() {
            return Err(invalid(format!("输出目录 {} 已存在且不为空", root.display())));
        }
        fs::create_dir_all(root)?;
        Ok(PackageWriter { root: root.to_path_buf(), files: vec![] })
    }

    fn target(&self, path: &str) -> io::Result<PathBuf> {
        if !safe_path(path) || path == MANIFEST {
            return Err(invalid(format!("包内路径不合法：{path}")));
        }
        if self.files.iter().any(|f| f.path == path) {
            return Err(invalid(format!("包内路径重复：{path}")));
        }
        let target = self.root.join(path);
        if let Some(dir) = target.parent() {
            fs::create_dir_all(dir)?;
        }
        Ok(target)
    }

    /// Adds a small file.
    pub fn add_bytes(&mut self, path: &str, bytes: &[u8], media_type: &str) -> io::Result<()> {
        let mut sink = self.start(path, media_type)?;
        sink.write(bytes)?;
        self.finish_file(sink)
    }

    /// Starts a file written in pieces.
    pub fn start(&self, path: &str, media_type: &str) -> io::Result<FileSink> {
        let target = self.target(path)?;
        Ok(FileSink {
            out: BufWriter::with_capacity(1 << 20, File::create(target)?),
            hasher: Sha256::new(),
            size: 0,
            path: path.to_string(),
            media_type: media_type.to_string(),
        })
    }

    /// Completes a file started with [`PackageWriter::start`].
    pub fn finish_file(&mut self, sink: FileSink) -> io::Result<()> {
        let FileSink { out, hasher, size, path, media_type } = sink;
        let file = out.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        self.files.push(ManifestFile { path, sha256: hex::encode(hasher.finalize()), size, media_type });
        Ok(())
    }

    /// Writes the manifest (its `files` are the files written) and returns the directory.
    pub fn finish(self, mut manifest: Manifest) -> io::Result<PathBuf> {
        manifest.files = self.files;
        let text = serde_json::to_vec_pretty(&manifest).map_err(|e| invalid(e.to_string()))?;
        fs::write(self.root.join(MANIFEST), text)?;
        Ok(self.root)
    }
}

/// Binds a package directory into one `.tar` file: regular files only, in sorted order,
/// with fixed metadata so the same package gives the same bytes.
pub fn pack_tar(dir: &Path, tar_path: &Path) -> io::Result<()> {
    let mut paths = Vec::new();
    collect(dir, dir, &mut paths)?;
    paths.sort();
    let mut builder = tar::Builder::new(BufWriter::with_capacity(1 << 20, File::create(tar_path)?));
    for rel in paths {
        let file = File::open(dir.join(&rel))?;
        let mut header = tar::Header::new_ustar();
        header.set_size(file.metadata()?.len());
        header.set_mode(0o644);
        header.set_mtime(0);
        header.set_entry_type(tar::EntryType::Regular);
        builder.append_data(&mut header, &rel, file)?;
    }
    let out = builder.into_inner()?;
    out.into_inner().map_err(|e| e.into_error())?.sync_all()
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<String>) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        if kind.is_dir() {
            collect(root, &entry.path(), out)?;
        } else if kind.is_file() {
            let rel = entry.path().strip_prefix(root).map_err(|e| invalid(e.to_string()))?.to_path_buf();
            out.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
    Ok(())
}
