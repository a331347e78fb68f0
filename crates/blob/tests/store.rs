//! Reading stored blobs: range reads, re-hashing against tampering, and the generic object
//! store path (an in-memory store standing in for S3: multipart put, streamed reads).

mod support;

use std::os::unix::fs::PermissionsExt;

use support::{Env, MIB, body, mp4, png, read_all};
use zhifa_blob::object_store::ObjectStoreExt;
use zhifa_blob::object_store::path::Path as Key;
use zhifa_blob::object_store::{Attribute, ObjectStore};
use zhifa_blob::{AppendOutcome, BlobError, ByteRange, MediaType, Sha256};

const MAX: u64 = 64 << 20;

#[tokio::test]
async fn range_reads_return_exactly_the_requested_bytes() {
    let env = Env::local(MAX);
    let video = mp4(MIB + 777);
    let sha = env.upload("a.mp4", "video/mp4", &video).await.unwrap().blob.sha256;
    let size = video.len() as u64;

    let whole = env.store().get(&sha, None).await.unwrap();
    assert_eq!((whole.total_size, whole.range.clone()), (size, 0..size));
    assert_eq!(whole.media_type, Some(MediaType::Mp4));
    assert_eq!(read_all(whole.stream).await, video);

    let cases = [
        (ByteRange::Bounded(0..1), 0..1),
        (ByteRange::Bounded(1000..300_000), 1000..300_000),
        (ByteRange::Bounded(size - 10..size + 100), size - 10..size),
        (ByteRange::From(MIB as u64), MIB as u64..size),
        (ByteRange::Last(500), size - 500..size),
    ];
    for (asked, expected) in cases {
        let read = env.store().get(&sha, Some(asked.clone())).await.unwrap();
        assert_eq!(read.range, expected, "{asked:?}");
        assert_eq!(read.total_size, size);
        let bytes = read_all(read.stream).await;
        assert_eq!(bytes, &video[expected.start as usize..expected.end as usize], "{asked:?}");
    }
    let err = env.store().get(&sha, Some(ByteRange::From(size))).await.unwrap_err();
    assert!(matches!(err, BlobError::RangeNotSatisfiable { size: s } if s == size));

    let missing = Sha256::of(b"never stored");
    let err = env.store().get(&missing, None).await.unwrap_err();
    assert!(matches!(err, BlobError::BlobNotFound { .. }), "{err:?}");
    assert!(!env.store().exists(&missing).await.unwrap());
}

// rule: X-01 (a swapped or truncated file is detected), R-10
#[tokio::test]
async fn rehash_detects_a_file_swapped_or_truncated_behind_the_stores_back() {
    let env = Env::local(MAX);
    let video = mp4(2 * MIB + 3);
    let stored = env.upload("a.mp4", "video/mp4", &video).await.unwrap().blob;
    let rehash = env.store().rehash(&stored.sha256).await.unwrap();
    assert!(rehash.matches(&stored.sha256, stored.size));

    let file = env.local_blob_files().pop().unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();

    // Swapped: same length, one byte changed.
    let mut swapped = video.clone();
    swapped[MIB] ^= 0xFF;
    std::fs::write(&file, &swapped).unwrap();
    let rehash = env.store().rehash(&stored.sha256).await.unwrap();
    assert!(!rehash.matches(&stored.sha256, stored.size));
    assert_eq!(rehash.sha256, Sha256::of(&swapped));
    assert_eq!(rehash.size, stored.size);

    // Truncated.
    std::fs::write(&file, &video[..MIB]).unwrap();
    let rehash = env.store().rehash(&stored.sha256).await.unwrap();
    assert!(!rehash.matches(&stored.sha256, stored.size));
    assert_eq!(rehash.size, MIB as u64);

    // Removed.
    std::fs::remove_file(&file).unwrap();
    let err = env.store().rehash(&stored.sha256).await.unwrap_err();
    assert!(matches!(err, BlobError::BlobNotFound { .. }), "{err:?}");
}

#[tokio::test]
async fn object_store_path_multipart_put_dedupe_ranges_and_rehash() {
    let mut env = Env::memory(MAX);
    // Three multipart parts (8 MiB each, the last shorter), sent in uneven appends with a
    // restart in the middle.
    let video = mp4(20 * MIB + 4321);
    let id = env.create("长视频.mp4", "video/mp4", &video).await.id;
    let cut = 7 * MIB + 5;
    env.uploads.append(&id, 0, body(&video[..cut], 100_000)).await.unwrap();
    env.restart();
    let received = env.uploads.status(&id).await.unwrap().received;
    assert_eq!(received, cut as u64);
    let done = match env.uploads.append(&id, received, body(&video[cut..], 1 << 20)).await.unwrap() {
        AppendOutcome::Completed(done) => done,
        other => panic!("{other:?}"),
    };
    let sha = Sha256::of(&video);
    assert_eq!(done.blob.sha256, sha);
    assert!(env.unfinished_staging_files().is_empty());

    // One object, whole, with its content type.
    let memory = env.memory_store();
    let got = memory.get(&Key::from(sha.blob_key())).await.unwrap();
    assert_eq!(got.attributes.get(&Attribute::ContentType).map(|v| v.as_ref()), Some("video/mp4"));
    assert_eq!(got.bytes().await.unwrap(), video);
    let keys: Vec<_> = futures_util::StreamExt::collect::<Vec<_>>(memory.list(None)).await;
    assert_eq!(keys.len(), 1, "{keys:?}");

    // Same content again: nothing new.
    let again = env.upload("copy.mp4", "video/mp4", &video).await.unwrap();
    assert!(again.deduplicated);
    let keys: Vec<_> = futures_util::StreamExt::collect::<Vec<_>>(memory.list(None)).await;
    assert_eq!(keys.len(), 1);

    let read = env.store().get(&sha, Some(ByteRange::Bounded(9 * MIB as u64..9 * MIB as u64 + 10))).await.unwrap();
    assert_eq!(read.media_type, Some(MediaType::Mp4));
    assert_eq!(read_all(read.stream).await, &video[9 * MIB..9 * MIB + 10]);

    let rehash = env.store().rehash(&sha).await.unwrap();
    assert!(rehash.matches(&sha, video.len() as u64));

    // Refused content stores nothing there either.
    let photo = png(10, 10);
    let err = env.upload("v.mp4", "video/mp4", &photo).await.unwrap_err();
    assert!(matches!(err, BlobError::ContentMismatch { .. }));
    let keys: Vec<_> = futures_util::StreamExt::collect::<Vec<_>>(memory.list(None)).await;
    assert_eq!(keys.len(), 1);
}

#[tokio::test]
async fn object_store_path_thumbnails() {
    let env = Env::memory(MAX);
    let done = env.upload("p.png", "image/png", &png(640, 640)).await.unwrap();
    let thumb = env.store().thumbnail(&done.blob.sha256).await.unwrap().unwrap();
    let thumb = image::load_from_memory(&thumb).unwrap();
    assert_eq!((thumb.width(), thumb.height()), (320, 320));
}
