//! The one error type of this crate.
//!
//! Policy: every variant's `Display` is a Chinese sentence a user can act on (what is
//! wrong and what to do). Variants fall in three groups, told apart by
//! [`BlobError::is_internal`] and [`BlobError::is_not_found`]:
//! - the client's doing (a web layer answers 4xx with the message): size, type, offset,
//!   checksum, busy, bad identifiers, bad range;
//! - not found: an unknown upload or blob (404);
//! - internal (`Io`, `Store`, `Config`): the message says only "try again later"; the
//!   cause is kept as `source()` and in `Debug` for the log, never shown to a user.
//!
//! Variants that let a client resume (`OffsetMismatch`, `Interrupted`) carry the number of
//! bytes the server holds.

use std::error::Error as StdError;

use crate::hash::Sha256;
use crate::media::MediaType;

/// Something that went wrong storing or reading evidence files.
#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    #[error("文件过大：最大允许 {} MiB，本文件 {} MiB，请压缩或分段后再上传", mib(*.max_bytes), mib(*.declared))]
    TooLarge { max_bytes: u64, declared: u64 },

    #[error("文件为空：请选择有内容的文件后重新上传")]
    EmptyFile,

    #[error("文件名无效：{reason}")]
    InvalidFileName { reason: &'static str },

    #[error("不支持的文件类型“{declared}”：请上传{}", MediaType::allowed_summary())]
    MediaTypeNotAllowed { declared: String },

    #[error("文件类型不符：声明为{}，实际内容为{actual}；请选择正确的文件重新上传", .declared.label())]
    ContentMismatch { declared: MediaType, actual: String },

    #[error("续传位置不符：服务器已收到 {received} 字节，请从 {received} 继续")]
    OffsetMismatch { received: u64, offered: u64 },

    #[error("上传的内容超过了声明的大小（{declared} 字节）：本次上传已作废，请重新开始上传")]
    ExceedsDeclared { declared: u64 },

    #[error("文件校验失败：内容的 SHA-256 为 {actual}，与声明的 {expected} 不符，传输可能出错，请重新上传")]
    ChecksumMismatch { expected: Sha256, actual: Sha256 },

    #[error("传输中断：服务器已收到 {received} 字节，请从 {received} 继续")]
    Interrupted {
        received: u64,
        #[source]
        source: Box<dyn StdError + Send + Sync>,
    },

    #[error("上传不存在或已过期：请重新开始上传")]
    UploadNotFound,

    #[error("该文件正在上传中：请等当前传输结束或中断后再续传")]
    UploadBusy,

    #[error("上传编号格式错误：“{given}”")]
    InvalidUploadId { given: String },

    #[error("SHA-256 格式错误：应为 64 位十六进制数字，收到“{given}”")]
    InvalidSha256 { given: String },

    #[error("证据文件不存在：SHA-256 {sha256}")]
    BlobNotFound { sha256: Sha256 },

    #[error("请求的范围无效：文件共 {size} 字节")]
    RangeNotSatisfiable { size: u64 },

    #[error("证据文件存储配置错误：{0}")]
    Config(String),

    #[error("证据文件读写出错，请稍后重试")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },

    #[error("证据文件存储服务出错，请稍后重试")]
    Store {
        context: String,
        #[source]
        source: object_store::Error,
    },
}

impl BlobError {
    /// A fault of the server or its storage, not of the request: log it with its cause.
    pub fn is_internal(&self) -> bool {
        matches!(self, Self::Io { .. } | Self::Store { .. } | Self::Config(_))
    }

    /// An unknown upload or blob.
    pub fn is_not_found(&self) -> bool {
        matches!(self, Self::UploadNotFound | Self::BlobNotFound { .. })
    }

    /// How many bytes the server holds, when the client should resume from there.
    pub fn resume_offset(&self) -> Option<u64> {
        match self {
            Self::OffsetMismatch { received, .. } | Self::Interrupted { received, .. } => Some(*received),
            _ => None,
        }
    }

    pub(crate) fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Self::Io { context: context.into(), source }
    }

    pub(crate) fn store(context: impl Into<String>, source: object_store::Error) -> Self {
        Self::Store { context: context.into(), source }
    }

    /// A blocking task that panicked or was cancelled at shutdown.
    pub(crate) fn join(context: &str, e: tokio::task::JoinError) -> Self {
        Self::io(context, std::io::Error::other(e))
    }
}

/// Bytes as MiB for messages: whole when exact, else rounded up to a tenth (so a file one
/// byte over a 10 MiB limit reads "10.1", not "10.0").
fn mib(bytes: u64) -> String {
    const MIB: u128 = 1 << 20;
    let bytes = u128::from(bytes);
    if bytes % MIB == 0 {
        (bytes / MIB).to_string()
    } else {
        let tenths = (bytes * 10).div_ceil(MIB);
        format!("{}.{}", tenths / 10, tenths % 10)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_say_what_to_fix() {
        let e = BlobError::TooLarge { max_bytes: 2048 << 20, declared: (3 << 30) + (1 << 19) };
        assert_eq!(e.to_string(), "文件过大：最大允许 2048 MiB，本文件 3072.5 MiB，请压缩或分段后再上传");
        let e = BlobError::ContentMismatch { declared: MediaType::Mp4, actual: MediaType::Png.label() };
        assert_eq!(e.to_string(), "文件类型不符：声明为视频 MP4，实际内容为照片 PNG；请选择正确的文件重新上传");
        let e = BlobError::OffsetMismatch { received: 1024, offered: 0 };
        assert_eq!(e.to_string(), "续传位置不符：服务器已收到 1024 字节，请从 1024 继续");
        assert_eq!(e.resume_offset(), Some(1024));
        let e = BlobError::io("x", std::io::Error::other("disk on fire"));
        assert!(e.is_internal());
        assert!(!e.to_string().contains("fire"));
    }
}
