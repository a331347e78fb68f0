//! Resumable uploads over a local store: resume across a restart, offsets, sizes, types,
//! checksums, dedupe, abort and sweep, busy and dropped requests.

mod support;

use std::time::Duration;

use support::{Env, MIB, body, broken_body, declare, jpeg, mp4, png, stalled_body};
use zhifa_blob::{AppendOutcome, BlobError, MediaType, Sha256};

const MAX: u64 = 64 << 20;

// rule: R-10 (hashed at ingest), R-11 (resumable storage of recordings)
#[tokio::test]
async fn upload_in_chunks_resumes_after_a_restart() {
    let mut env = Env::local(MAX);
    let video = mp4(3 * MIB + 12_345);
    let id = env.create("执法记录仪_0001.mp4", "video/mp4", &video).await.id;

    let first = env.append(&id, 0, &video[..MIB]).await.unwrap();
    assert_eq!(first, AppendOutcome::InProgress { received: MIB as u64 });
    let second = env.append(&id, MIB as u64, &video[MIB..2 * MIB + 7]).await.unwrap();
    assert_eq!(second, AppendOutcome::InProgress { received: (2 * MIB + 7) as u64 });

    env.restart();
    let status = env.uploads.status(&id).await.unwrap();
    assert_eq!(status.received, (2 * MIB + 7) as u64);
    assert_eq!(status.total_size, video.len() as u64);
    assert_eq!(status.media_type, MediaType::Mp4);
    assert_eq!(status.file_name, "执法记录仪_0001.mp4");
    assert!(status.completed.is_none());

    let done = match env.append(&id, status.received, &video[2 * MIB + 7..]).await.unwrap() {
        AppendOutcome::Completed(done) => done,
        other => panic!("{other:?}"),
    };
    assert_eq!(done.blob.sha256, Sha256::of(&video));
    assert_eq!(done.blob.size, video.len() as u64);
    assert_eq!(done.blob.media_type, MediaType::Mp4);
    assert_eq!(done.blob.key, Sha256::of(&video).blob_key());
    assert_eq!(done.metadata["officer"], 7);
    assert!(!done.deduplicated);
    assert_eq!(done.thumbnail_key, None);

    // Stored whole, read-only, and the staging file is gone (only the receipt is left).
    let blobs = env.local_blob_files();
    assert_eq!(blobs.len(), 1);
    assert_eq!(std::fs::read(&blobs[0]).unwrap(), video);
    assert!(std::fs::metadata(&blobs[0]).unwrap().permissions().readonly());
    assert_eq!(env.staging_files(), vec![format!("{id}.json")]);

    // A client that lost the answer gets the receipt again, also after a restart.
    env.restart();
    let status = env.uploads.status(&id).await.unwrap();
    assert_eq!(status.completed.as_ref(), Some(&done));
    assert_eq!(status.received, video.len() as u64);
    let again = env.append(&id, video.len() as u64, b"").await.unwrap();
    assert_eq!(again, AppendOutcome::Completed(done));
}

// The caller's metadata (here who declared the upload) is what a web layer checks before
// letting anyone continue it, so it must come back from `status` after a restart too.
#[tokio::test]
async fn the_declared_metadata_survives_a_reopen_and_comes_back_with_the_status() {
    let mut env = Env::local(MAX);
    let video = mp4(300_000);
    let metadata = serde_json::json!({
        "account_id": "5f0c2b1e-6d3a-4c8e-9b7f-1a2b3c4d5e6f",
        "file_name": "现场:录像.mp4",
        "meta": { "place": "超市货架" },
    });
    let mut declaration = declare("现场:录像.mp4", "video/mp4", video.len() as u64);
    declaration.metadata = metadata.clone();
    let created = env.uploads.create(declaration).await.unwrap();
    assert_eq!(created.metadata, metadata);
    assert_eq!(created.file_name, "现场:录像.mp4", "the name is kept as given");
    let id = created.id;
    env.append(&id, 0, &video[..100_000]).await.unwrap();

    env.restart();
    let status = env.uploads.status(&id).await.unwrap();
    assert_eq!(status.metadata, metadata);
    assert_eq!(status.received, 100_000);

    // While an append runs, the status still carries it.
    let uploads = env.uploads.clone();
    let head = video[100_000..150_000].to_vec();
    let request = tokio::spawn(async move { uploads.append(&id, 100_000, stalled_body(&head)).await });
    wait_until(|| async { env.uploads.status(&id).await.unwrap().appending }).await;
    assert_eq!(env.uploads.status(&id).await.unwrap().metadata, metadata);
    request.abort();
    wait_until(|| async { !env.uploads.status(&id).await.unwrap().appending }).await;

    // And once finished, in the status and the receipt, again after a restart.
    let received = env.uploads.status(&id).await.unwrap().received;
    assert!(env.upload_rest(&id, &video, received).await);
    env.restart();
    let status = env.uploads.status(&id).await.unwrap();
    assert_eq!(status.metadata, metadata);
    assert_eq!(status.completed.unwrap().metadata, metadata);
}

#[tokio::test]
async fn a_wrong_offset_is_refused_with_the_current_one() {
    let env = Env::local(MAX);
    let video = mp4(200_000);
    let id = env.create("a.mp4", "video/mp4", &video).await.id;
    env.append(&id, 0, &video[..50_000]).await.unwrap();

    for offered in [0, 49_999, 50_001, 200_000] {
        let err = env.append(&id, offered, &video[..10]).await.unwrap_err();
        assert!(matches!(err, BlobError::OffsetMismatch { received: 50_000, offered: o } if o == offered), "{err:?}");
        assert_eq!(err.resume_offset(), Some(50_000));
        assert_eq!(err.to_string(), "续传位置不符：服务器已收到 50000 字节，请从 50000 继续");
    }
    // Nothing was written by the refused appends.
    assert_eq!(env.uploads.status(&id).await.unwrap().received, 50_000);
    assert!(env.upload_rest(&id, &video, 50_000).await);
}

#[tokio::test]
async fn a_broken_body_keeps_what_arrived() {
    let env = Env::local(MAX);
    let video = mp4(500_000);
    let id = env.create("a.mp4", "video/mp4", &video).await.id;
    let err = env.uploads.append(&id, 0, broken_body(&video[..300_000])).await.unwrap_err();
    assert!(matches!(err, BlobError::Interrupted { received: 300_000, .. }), "{err:?}");
    assert_eq!(err.to_string(), "传输中断：服务器已收到 300000 字节，请从 300000 继续");
    assert_eq!(env.uploads.status(&id).await.unwrap().received, 300_000);
    assert!(env.upload_rest(&id, &video, 300_000).await);
}

#[tokio::test]
async fn a_dropped_request_keeps_what_arrived_and_frees_the_upload() {
    let env = Env::local(MAX);
    let video = mp4(400_000);
    let id = env.create("a.mp4", "video/mp4", &video).await.id;

    // The request stalls after 128 KiB; while it runs a second append is refused.
    let uploads = env.uploads.clone();
    let head = video[..128 << 10].to_vec();
    let request = tokio::spawn(async move { uploads.append(&id, 0, stalled_body(&head)).await });
    wait_until(|| async { env.uploads.status(&id).await.unwrap().appending }).await;
    let busy = env.append(&id, 0, &video).await.unwrap_err();
    assert!(matches!(busy, BlobError::UploadBusy), "{busy:?}");

    // The client goes away: the request's future is dropped mid-body.
    request.abort();
    wait_until(|| async { !env.uploads.status(&id).await.unwrap().appending }).await;
    let received = env.uploads.status(&id).await.unwrap().received;
    assert!(received <= 128 << 10, "{received}");
    assert!(env.upload_rest(&id, &video, received).await);
}

#[tokio::test]
async fn oversize_declared_is_refused_and_nothing_is_staged() {
    let env = Env::local(10 * MIB as u64);
    let err = env.uploads.create(declare("big.mp4", "video/mp4", 10 * MIB as u64 + 1)).await.unwrap_err();
    assert!(matches!(err, BlobError::TooLarge { .. }), "{err:?}");
    assert_eq!(err.to_string(), "文件过大：最大允许 10 MiB，本文件 10.1 MiB，请压缩或分段后再上传");
    let err = env.uploads.create(declare("big.mp4", "video/mp4", 3 << 30)).await.unwrap_err();
    assert!(err.to_string().contains("本文件 3072 MiB"), "{err}");
    let err = env.uploads.create(declare("empty.mp4", "video/mp4", 0)).await.unwrap_err();
    assert!(matches!(err, BlobError::EmptyFile));
    assert!(env.staging_files().is_empty());
}

#[tokio::test]
async fn more_bytes_than_declared_voids_the_upload() {
    let env = Env::local(MAX);
    let video = mp4(100_000);
    let id = env.uploads.create(declare("a.mp4", "video/mp4", 60_000)).await.unwrap().id;
    env.append(&id, 0, &video[..40_000]).await.unwrap();
    let err = env.append(&id, 40_000, &video[40_000..]).await.unwrap_err();
    assert!(matches!(err, BlobError::ExceedsDeclared { declared: 60_000 }), "{err:?}");
    assert!(env.staging_files().is_empty());
    assert!(env.local_blob_files().is_empty());
    assert!(matches!(env.uploads.status(&id).await.unwrap_err(), BlobError::UploadNotFound));
}

#[tokio::test]
async fn content_of_another_type_is_refused_and_nothing_is_stored() {
    let env = Env::local(MAX);
    let photo = png(64, 48);
    let id = env.create("video.mp4", "video/mp4", &photo).await.id;
    let err = env.append(&id, 0, &photo).await.unwrap_err();
    assert!(matches!(err, BlobError::ContentMismatch { declared: MediaType::Mp4, .. }), "{err:?}");
    assert_eq!(err.to_string(), "文件类型不符：声明为视频 MP4，实际内容为照片 PNG；请选择正确的文件重新上传");
    assert!(env.staging_files().is_empty());
    assert!(env.local_blob_files().is_empty());
    assert!(!env.store().exists(&Sha256::of(&photo)).await.unwrap());

    // Unrecognisable content, and content of a refused format.
    let err = env.upload("notes.pdf", "application/pdf", b"just some text, not a PDF").await.unwrap_err();
    assert!(err.to_string().contains("实际内容为无法识别的格式"), "{err}");
    let zip = b"PK\x03\x04\x14\0\0\0\x08\0rest of a zip archive";
    let err = env.upload("photo.jpg", "image/jpeg", zip).await.unwrap_err();
    assert!(err.to_string().contains("实际内容为ZIP 压缩包"), "{err}");
    assert!(env.local_blob_files().is_empty());
}

#[tokio::test]
async fn types_off_the_allow_list_are_refused_at_declaration() {
    let env = Env::local(MAX);
    for mime in ["application/zip", "video/x-matroska", "image/gif", "text/html", ""] {
        let err = env.uploads.create(declare("x", mime, 10)).await.unwrap_err();
        assert!(matches!(err, BlobError::MediaTypeNotAllowed { .. }), "{mime}: {err:?}");
        assert!(err.to_string().contains("请上传照片（JPEG、PNG"), "{err}");
    }
    let err = env.uploads.create(declare("  ", "image/png", 10)).await.unwrap_err();
    assert!(matches!(err, BlobError::InvalidFileName { .. }));
    assert!(env.staging_files().is_empty());
}

#[tokio::test]
async fn a_declared_checksum_must_match() {
    let env = Env::local(MAX);
    let video = mp4(70_000);
    let mut declaration = declare("a.mp4", "video/mp4", video.len() as u64);
    declaration.sha256 = Some(Sha256::of(b"something else"));
    let id = env.uploads.create(declaration).await.unwrap().id;
    let err = env.append(&id, 0, &video).await.unwrap_err();
    assert!(matches!(err, BlobError::ChecksumMismatch { .. }), "{err:?}");
    assert!(env.staging_files().is_empty());
    assert!(env.local_blob_files().is_empty());

    let mut declaration = declare("a.mp4", "video/mp4", video.len() as u64);
    declaration.sha256 = Some(Sha256::of(&video));
    let id = env.uploads.create(declaration).await.unwrap().id;
    assert!(matches!(env.append(&id, 0, &video).await.unwrap(), AppendOutcome::Completed(_)));
}

#[tokio::test]
async fn identical_content_is_stored_once() {
    let env = Env::local(MAX);
    let video = mp4(300_000);
    let first = env.upload("a.mp4", "video/mp4", &video).await.unwrap();
    let second = env.upload("copy of a.mp4", "video/mp4", &video).await.unwrap();
    assert!(!first.deduplicated);
    assert!(second.deduplicated);
    assert_eq!(first.blob, second.blob);
    assert_eq!(second.file_name, "copy of a.mp4");
    assert_ne!(first.upload_id, second.upload_id);
    assert_eq!(env.local_blob_files().len(), 1);
    assert!(env.unfinished_staging_files().is_empty());
}

#[tokio::test]
async fn abort_and_sweep_leave_no_partial_blob() {
    let env = Env::local(MAX);
    let video = mp4(500_000);

    let aborted = env.create("a.mp4", "video/mp4", &video).await.id;
    env.append(&aborted, 0, &video[..100_000]).await.unwrap();
    env.uploads.abort(&aborted).await.unwrap();
    assert!(env.staging_files().is_empty());
    assert!(matches!(env.uploads.status(&aborted).await.unwrap_err(), BlobError::UploadNotFound));
    assert!(matches!(env.append(&aborted, 100_000, &video[100_000..]).await.unwrap_err(), BlobError::UploadNotFound));

    let stale = env.create("b.mp4", "video/mp4", &video).await.id;
    env.append(&stale, 0, &video[..200_000]).await.unwrap();
    let finished = env.upload("c.mp4", "video/mp4", &mp4(1000)).await.unwrap();
    std::fs::write(env.staging_dir().join(format!("{}.part", uuid_like())), b"orphan").unwrap();

    // Nothing is idle for an hour yet.
    let report = env.uploads.sweep(Duration::from_secs(3600)).await.unwrap();
    assert_eq!(report, Default::default());
    assert_eq!(env.uploads.status(&stale).await.unwrap().received, 200_000);

    let report = env.uploads.sweep(Duration::ZERO).await.unwrap();
    assert_eq!((report.unfinished, report.receipts, report.orphan_files), (1, 1, 1));
    assert!(env.staging_files().is_empty());
    assert!(matches!(env.uploads.status(&stale).await.unwrap_err(), BlobError::UploadNotFound));
    // Only the finished upload's blob exists; sweeping its receipt kept it.
    assert_eq!(env.local_blob_files().len(), 1);
    assert!(env.store().exists(&finished.blob.sha256).await.unwrap());
    assert!(!env.store().exists(&Sha256::of(&video)).await.unwrap());
}

#[tokio::test]
async fn photos_get_a_thumbnail_and_undecodable_ones_are_still_stored() {
    let env = Env::local(MAX);
    let photo = jpeg(1200, 900);
    let done = env.upload("现场照片.jpg", "image/jpeg", &photo).await.unwrap();
    assert_eq!(done.blob.media_type, MediaType::Jpeg);
    assert_eq!(done.thumbnail_key, Some(done.blob.sha256.thumbnail_key()));
    let thumb = env.store().thumbnail(&done.blob.sha256).await.unwrap().unwrap();
    let thumb = image::load_from_memory(&thumb).unwrap();
    assert_eq!((thumb.width(), thumb.height()), (320, 240));

    let done = env.upload("small.png", "image/png", &png(100, 50)).await.unwrap();
    assert!(done.thumbnail_key.is_some());

    // A PNG signature over garbage: stored (the hash is what matters), no thumbnail.
    let mut broken = b"\x89PNG\r\n\x1a\n".to_vec();
    broken.extend_from_slice(&[0x42; 5000]);
    let done = env.upload("broken.png", "image/png", &broken).await.unwrap();
    assert_eq!(done.thumbnail_key, None);
    assert!(env.store().exists(&done.blob.sha256).await.unwrap());
    assert!(env.store().thumbnail(&done.blob.sha256).await.unwrap().is_none());
}

#[tokio::test]
async fn heif_declared_for_heic_content_is_accepted_as_heic() {
    let env = Env::local(MAX);
    let mut heic = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic".to_vec();
    heic.extend_from_slice(&[0; 1000]);
    let done = env.upload("IMG_0001.HEIC", "image/heif", &heic).await.unwrap();
    assert_eq!(done.blob.media_type, MediaType::Heic);
    assert_eq!(done.thumbnail_key, None);
}

#[tokio::test]
async fn a_finish_that_failed_is_retried_with_an_empty_append() {
    let mut env = Env::local(MAX);
    let video = mp4(100_000);
    let total = video.len() as u64;
    // A file where the blob's directory must go makes storing fail.
    let hex = Sha256::of(&video).to_hex();
    let blocker = env.dir.path().join("blobs/sha256").join(&hex[..2]);
    std::fs::create_dir_all(blocker.parent().unwrap()).unwrap();
    std::fs::write(&blocker, b"in the way").unwrap();

    let id = env.create("a.mp4", "video/mp4", &video).await.id;
    let err = env.append(&id, 0, &video).await.unwrap_err();
    assert!(err.is_internal(), "{err:?}");
    assert_eq!(err.to_string(), "证据文件读写出错，请稍后重试");
    let status = env.uploads.status(&id).await.unwrap();
    assert_eq!((status.received, status.completed), (total, None));

    std::fs::remove_file(&blocker).unwrap();
    env.restart();
    let err = env.append(&id, total, &video[..1]).await.unwrap_err();
    assert!(matches!(err, BlobError::ExceedsDeclared { .. }), "{err:?}");
    // That voided the upload; a fresh one completes, and so does a retried finish.
    let id = env.create("a.mp4", "video/mp4", &video).await.id;
    std::fs::write(&blocker, b"in the way").unwrap();
    env.append(&id, 0, &video).await.unwrap_err();
    std::fs::remove_file(&blocker).unwrap();
    env.restart();
    match env.append(&id, total, b"").await.unwrap() {
        AppendOutcome::Completed(done) => assert_eq!(done.blob.sha256, Sha256::of(&video)),
        other => panic!("{other:?}"),
    }
    assert_eq!(env.local_blob_files().len(), 1);
    assert!(env.unfinished_staging_files().is_empty());
}

#[tokio::test]
async fn unknown_ids_are_not_found() {
    let env = Env::local(MAX);
    let id = "7d0c7c39-8f71-4f4e-9f67-0f3c8b6e2a11".parse().unwrap();
    assert!(env.uploads.status(&id).await.unwrap_err().is_not_found());
    assert!(env.uploads.abort(&id).await.unwrap_err().is_not_found());
    assert!(env.uploads.append(&id, 0, body(b"x", 1)).await.unwrap_err().is_not_found());
    assert!(matches!("../../etc/passwd".parse::<zhifa_blob::UploadId>(), Err(BlobError::InvalidUploadId { .. })));
}

impl Env {
    /// Sends the rest of `data` from `offset` and checks the stored blob.
    async fn upload_rest(&self, id: &zhifa_blob::UploadId, data: &[u8], offset: u64) -> bool {
        match self.append(id, offset, &data[offset as usize..]).await.unwrap() {
            AppendOutcome::Completed(done) => {
                done.blob.sha256 == Sha256::of(data) && done.blob.size == data.len() as u64
            }
            AppendOutcome::InProgress { .. } => false,
        }
    }
}

fn uuid_like() -> &'static str {
    "0b1e8f5e-3d8c-4a51-a1c9-6f1f7a1b2c3d"
}

async fn wait_until<F, Fut>(mut condition: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..500 {
        if condition().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("condition not reached in 5 s");
}
