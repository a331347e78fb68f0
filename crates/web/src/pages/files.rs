//! /files/{sha256}: playback of evidence files with HTTP range requests (what `<video>`
//! and `<audio>` use to seek), and /files/{sha256}/thumbnail for photos. A file is served
//! only to those who may read one of the cases holding it; opening it is logged
//! — the first request of a playback (no range, or a range from byte 0), not every
//! range a player asks for while seeking.

use axum::body::Body;
use axum::extract::State;
use axum::http::header::{
    ACCEPT_RANGES, CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_LENGTH, CONTENT_RANGE, CONTENT_TYPE, ETAG, RANGE,
};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use zhifa_app::AppError;
use zhifa_blob::{BlobError, ByteRange, Sha256};

use crate::AppState;
use crate::pages::{Parsed, page_error};
use crate::session::CurrentUser;

/// Parses a `Range` header. `None` when it is absent, not in bytes, malformed or asks for
/// several ranges: the whole file is then served, as RFC 9110 allows.
pub fn parse_range(header: &str) -> Option<ByteRange> {
    let spec = header.trim().strip_prefix("bytes=")?.trim();
    if spec.contains(',') {
        return None;
    }
    let (first, last) = spec.split_once('-')?;
    let (first, last) = (first.trim(), last.trim());
    match (first.is_empty(), last.is_empty()) {
        (true, false) => last.parse().ok().map(ByteRange::Last),
        (false, true) => first.parse().ok().map(ByteRange::From),
        (false, false) => {
            let (a, b): (u64, u64) = (first.parse().ok()?, last.parse().ok()?);
            (a <= b).then(|| ByteRange::Bounded(a..b.saturating_add(1)))
        }
        (true, true) => None,
    }
}

/// Whether a request starts a playback (so it is logged).
fn opens(method: &Method, range: Option<&ByteRange>) -> bool {
    *method != Method::HEAD
        && match range {
            None => true,
            Some(ByteRange::Bounded(r)) => r.start == 0,
            Some(ByteRange::From(start)) => *start == 0,
            Some(ByteRange::Last(_)) => false,
        }
}

/// `inline; filename*=UTF-8''…` (RFC 6266 / 8187), with an ASCII fallback.
pub(crate) fn disposition(file_name: &str) -> HeaderValue {
    let mut encoded = String::new();
    for b in file_name.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            encoded.push(b as char);
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    let ascii: String =
        file_name.chars().map(|c| if c.is_ascii_alphanumeric() || ".-_".contains(c) { c } else { '_' }).collect();
    HeaderValue::from_str(&format!("inline; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"))
        .unwrap_or_else(|_| HeaderValue::from_static("inline"))
}

fn parse_sha(raw: &str) -> Result<Sha256, AppError> {
    raw.parse().map_err(|_| AppError::NotFound("证据文件"))
}

fn file_error(user: &CurrentUser, e: BlobError) -> Response {
    match e {
        BlobError::RangeNotSatisfiable { size } => {
            let mut resp = (StatusCode::RANGE_NOT_SATISFIABLE, e.to_string()).into_response();
            if let Ok(v) = HeaderValue::from_str(&format!("bytes */{size}")) {
                resp.headers_mut().insert(CONTENT_RANGE, v);
            }
            resp
        }
        e if e.is_not_found() => page_error(user, AppError::NotFound("证据文件")),
        e => {
            tracing::error!(error = ?e, "reading an evidence file failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "服务器内部错误，请稍后重试").into_response()
        }
    }
}

/// GET /files/{sha256}
pub async fn file(
    State(s): State<AppState>,
    user: CurrentUser,
    method: Method,
    headers: HeaderMap,
    Parsed(raw): Parsed<String>,
) -> Response {
    let sha = match parse_sha(&raw) {
        Ok(sha) => sha,
        Err(e) => return page_error(&user, e),
    };
    let range = headers.get(RANGE).and_then(|v| v.to_str().ok()).and_then(parse_range);
    let row = match s.app.av_file(&user.principal, &sha, opens(&method, range.as_ref())).await {
        Ok(row) => row,
        Err(e) => return page_error(&user, e),
    };
    let store = match s.app.blob_store() {
        Ok(store) => store,
        Err(e) => return page_error(&user, e),
    };
    let partial = range.is_some();
    let read = match store.get(&sha, range).await {
        Ok(read) => read,
        Err(e) => return file_error(&user, e),
    };
    let content_type = read.media_type.map_or("application/octet-stream", |t| t.mime());
    let length = read.range.end - read.range.start;
    let mut resp = Response::new(Body::from_stream(read.stream));
    *resp.status_mut() = if partial { StatusCode::PARTIAL_CONTENT } else { StatusCode::OK };
    let h = resp.headers_mut();
    h.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(CONTENT_LENGTH, HeaderValue::from(length));
    h.insert(ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    if partial
        && let Ok(v) =
            HeaderValue::from_str(&format!("bytes {}-{}/{}", read.range.start, read.range.end - 1, read.total_size))
    {
        h.insert(CONTENT_RANGE, v);
    }
    if let Ok(v) = HeaderValue::from_str(&format!("\"{}\"", read.sha256)) {
        h.insert(ETAG, v);
    }
    h.insert(CONTENT_DISPOSITION, disposition(&row.file_name));
    // Evidence is not left in shared caches or on shared computers.
    h.insert(CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    h.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    resp
}

/// GET /files/{sha256}/thumbnail: the JPEG thumbnail of a photo, or 404.
pub async fn thumbnail(State(s): State<AppState>, user: CurrentUser, Parsed(raw): Parsed<String>) -> Response {
    let sha = match parse_sha(&raw) {
        Ok(sha) => sha,
        Err(e) => return page_error(&user, e),
    };
    if let Err(e) = s.app.av_file(&user.principal, &sha, false).await {
        return page_error(&user, e);
    }
    let store = match s.app.blob_store() {
        Ok(store) => store,
        Err(e) => return page_error(&user, e),
    };
    match store.thumbnail(&sha).await {
        Ok(Some(jpeg)) => (
            [
                (CONTENT_TYPE, HeaderValue::from_static("image/jpeg")),
                (CACHE_CONTROL, HeaderValue::from_static("private, max-age=86400")),
                ("x-content-type-options".parse().expect("header name"), HeaderValue::from_static("nosniff")),
            ],
            jpeg,
        )
            .into_response(),
        Ok(None) => (StatusCode::NOT_FOUND, "没有缩略图").into_response(),
        Err(e) => file_error(&user, e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        assert_eq!(parse_range("bytes=10-19"), Some(ByteRange::Bounded(10..20)));
        assert_eq!(parse_range("bytes=10-"), Some(ByteRange::From(10)));
        assert_eq!(parse_range("bytes=-5"), Some(ByteRange::Last(5)));
        assert_eq!(parse_range("bytes=0-0,5-6"), None);
        assert_eq!(parse_range("bytes=9-3"), None);
        assert_eq!(parse_range("items=1-2"), None);
        assert_eq!(parse_range("bytes=x-2"), None);
        assert!(opens(&Method::GET, Some(&ByteRange::From(0))));
        assert!(!opens(&Method::GET, Some(&ByteRange::From(100))));
        assert!(!opens(&Method::HEAD, None));
    }

    #[test]
    fn disposition_keeps_chinese_names() {
        let v = disposition("现场 录像.mp4");
        let s = v.to_str().unwrap();
        assert!(s.contains("filename*=UTF-8''%E7%8E%B0"), "{s}");
        assert!(s.contains("filename=\"_____.mp4\""), "{s}");
    }
}
