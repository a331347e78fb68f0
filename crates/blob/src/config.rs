//! Where evidence files live and how large they may be: typed, parsed once at start.
//!
//! The store is a local directory by default (`<data_dir>/blobs`). A URL selects another:
//! `s3://bucket/prefix` for an S3-compatible store (AWS, MinIO, Ceph, the S3 mode of
//! domestic clouds), whose endpoint and credentials come from the `AWS_*` environment
//! variables (`AWS_ENDPOINT`, `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
//! `AWS_DEFAULT_REGION`, `AWS_ALLOW_HTTP`, …) overridden by explicit options named as
//! object_store's `AmazonS3ConfigKey` (`endpoint`, `region`, `access_key_id`, …).
//! Staging of uploads is always local: `<data_dir>/uploads`.
//!
//! A bad setting is a [`BlobError::Config`] with a Chinese message, so the program stops
//! at start saying what to fix. Secret option values never appear in `Debug` output.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::error::BlobError;

/// Default largest accepted file: 8 GiB (hours of 1080p body-camera video).
pub const DEFAULT_MAX_BYTES: u64 = 8 << 30;

/// The crate's configuration.
#[derive(Clone, Debug)]
pub struct BlobConfig {
    /// The data directory; uploads stage in `<data_dir>/uploads`.
    pub data_dir: PathBuf,
    /// Where finished blobs are stored.
    pub location: StoreLocation,
    /// The largest file accepted, in bytes.
    pub max_bytes: u64,
}

impl BlobConfig {
    /// Local store under `data_dir`, default size limit.
    pub fn new(data_dir: impl Into<PathBuf>) -> BlobConfig {
        BlobConfig { data_dir: data_dir.into(), location: StoreLocation::Local(None), max_bytes: DEFAULT_MAX_BYTES }
    }

    /// `<data_dir>/uploads`.
    pub fn staging_dir(&self) -> PathBuf {
        self.data_dir.join("uploads")
    }
}

/// Where blobs are stored.
#[derive(Clone, Debug)]
pub enum StoreLocation {
    /// A local directory; `None` means `<data_dir>/blobs`.
    Local(Option<PathBuf>),
    /// An S3-compatible bucket.
    S3(S3Location),
}

impl StoreLocation {
    /// Parses a configured store URL: empty or `local` → `<data_dir>/blobs`; an absolute
    /// path or `file:///path` → that directory; `s3://bucket[/prefix]` → S3 with `options`
    /// (key, value) applied over the `AWS_*` environment.
    pub fn parse<I>(url: &str, options: I) -> Result<StoreLocation, BlobError>
    where
        I: IntoIterator<Item = (String, String)>,
    {
        let url = url.trim();
        let options: Vec<(String, String)> = options.into_iter().collect();
        let local_only = |loc: StoreLocation| {
            if options.is_empty() {
                Ok(loc)
            } else {
                Err(BlobError::Config("本地目录存储不接受 S3 配置项，请删除这些配置项或改用 s3:// 地址".into()))
            }
        };
        if url.is_empty() || url == "local" {
            return local_only(StoreLocation::Local(None));
        }
        if let Some(rest) = url.strip_prefix("s3://") {
            let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
            if bucket.is_empty() {
                return Err(BlobError::Config(format!("S3 地址“{url}”缺少桶名，应为 s3://桶名/前缀")));
            }
            let location =
                S3Location { bucket: bucket.to_owned(), prefix: prefix.trim_matches('/').to_owned(), options };
            location.check()?;
            return Ok(StoreLocation::S3(location));
        }
        let path = url.strip_prefix("file://").unwrap_or(url);
        if Path::new(path).is_absolute() {
            return local_only(StoreLocation::Local(Some(PathBuf::from(path))));
        }
        Err(BlobError::Config(format!(
            "无法识别的存储地址“{url}”：应为 local、绝对路径、file:///路径 或 s3://桶名/前缀"
        )))
    }
}

/// An S3-compatible bucket, a key prefix inside it, and explicit client options.
#[derive(Clone)]
pub struct S3Location {
    pub bucket: String,
    /// Key prefix without leading or trailing `/`; empty for the bucket's root.
    pub prefix: String,
    options: Vec<(String, String)>,
}

impl S3Location {
    /// The explicit options (key, value), applied over the `AWS_*` environment.
    pub fn options(&self) -> &[(String, String)] {
        &self.options
    }

    #[cfg(feature = "s3")]
    fn check(&self) -> Result<(), BlobError> {
        use object_store::aws::AmazonS3ConfigKey;
        for (key, _) in &self.options {
            if key.parse::<AmazonS3ConfigKey>().is_err() {
                return Err(BlobError::Config(format!(
                    "未知的 S3 配置项“{key}”：可用 endpoint、region、access_key_id、\
                     secret_access_key、token、allow_http、virtual_hosted_style_request 等"
                )));
            }
        }
        Ok(())
    }

    #[cfg(not(feature = "s3"))]
    fn check(&self) -> Result<(), BlobError> {
        Err(BlobError::Config("此版本编译时未包含 S3 支持（zhifa-blob 的 s3 特性），请改用本地目录存储".into()))
    }
}

impl fmt::Debug for S3Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let options: Vec<(&str, &str)> = self
            .options
            .iter()
            .map(|(k, v)| {
                let lower = k.to_ascii_lowercase();
                let secret = ["secret", "token", "key", "password"].iter().any(|s| lower.contains(s));
                (k.as_str(), if secret { "<redacted>" } else { v.as_str() })
            })
            .collect();
        f.debug_struct("S3Location")
            .field("bucket", &self.bucket)
            .field("prefix", &self.prefix)
            .field("options", &options)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn local_forms() {
        assert!(matches!(StoreLocation::parse("", opts(&[])).unwrap(), StoreLocation::Local(None)));
        match StoreLocation::parse("file:///srv/evidence", opts(&[])).unwrap() {
            StoreLocation::Local(Some(p)) => assert_eq!(p, PathBuf::from("/srv/evidence")),
            other => panic!("{other:?}"),
        }
        let err = StoreLocation::parse("evidence", opts(&[])).unwrap_err();
        assert!(err.to_string().contains("无法识别的存储地址"));
    }

    #[cfg(feature = "s3")]
    #[test]
    fn s3_url_and_options() {
        let loc = StoreLocation::parse(
            "s3://evidence/zhifa/prod/",
            opts(&[("endpoint", "http://127.0.0.1:9000"), ("secret_access_key", "hunter2")]),
        )
        .unwrap();
        let StoreLocation::S3(s3) = loc else { panic!("not s3") };
        assert_eq!(s3.bucket, "evidence");
        assert_eq!(s3.prefix, "zhifa/prod");
        let debug = format!("{s3:?}");
        assert!(!debug.contains("hunter2"), "{debug}");
        assert!(debug.contains("127.0.0.1:9000"));
        let err = StoreLocation::parse("s3://b", opts(&[("endpiont", "x")])).unwrap_err();
        assert!(err.to_string().contains("endpiont"));
        assert!(StoreLocation::parse("s3:///x", opts(&[])).is_err());
    }
}
