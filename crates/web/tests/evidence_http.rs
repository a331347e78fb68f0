//! Evidence uploads, playback and thumbnails through the real router, with the blob store
//! in a temporary directory: the resumable protocol (offsets, conflicts, a restart), the
//! checks made before anything is stored, content checked against its declared type,
//! range requests, who may read or continue what (uploads staged by an older build too), and
//! the access log.

mod support;

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use support::*;
use tower::ServiceExt;
use uuid::Uuid;
use zhifa_app::App;
use zhifa_app::auth::AccountInput;
use zhifa_blob::{BlobConfig, Sha256, Uploads};
use zhifa_core::access::Role;
use zhifa_core::case::{AccessEvent, RecordKind};
use zhifa_store::testing::TestDb;
use zhifa_web::{AppState, WebConfig, router};

/// The evidence size limit of these tests.
const MAX_BYTES: u64 = 1 << 20;

struct Env {
    t: TestApp,
    dir: tempfile::TempDir,
}

impl Env {
    async fn new() -> Env {
        let db = TestDb::new().await;
        let dir = tempfile::tempdir().unwrap();
        let app = App::new(db.db.clone()).with_files(uploads(&dir));
        app.load_demo().await.unwrap();
        let router = router(AppState::new(app.clone(), WebConfig::default()));
        Env { t: TestApp { _db: db, app, router, _files: None }, dir }
    }

    /// The server after a restart: a new upload manager over the same directories.
    fn restart(&mut self) {
        let app = App::new(self.t.app.db.clone()).with_files(uploads(&self.dir));
        self.t.router = router(AppState::new(app.clone(), WebConfig::default()));
        self.t.app = app;
    }

    /// Every file of the blob store, by path.
    fn blobs(&self) -> Vec<std::path::PathBuf> {
        fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                if e.path().is_dir() {
                    walk(&e.path(), out);
                } else {
                    out.push(e.path());
                }
            }
        }
        let mut out = vec![];
        walk(&self.dir.path().join("blobs"), &mut out);
        out.sort();
        out
    }

    /// Files left in the staging directory.
    fn staged(&self) -> usize {
        std::fs::read_dir(self.dir.path().join("uploads")).map(|d| d.count()).unwrap_or(0)
    }

    /// An upload's record in the staging directory.
    fn staged_record(&self, upload: &str) -> Value {
        let path = self.dir.path().join("uploads").join(format!("{upload}.json"));
        serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
    }

    /// Rewrites an upload's record in the staging directory (as an older build wrote it).
    fn edit_staged_record(&self, upload: &str, edit: impl FnOnce(&mut Value)) {
        let mut record = self.staged_record(upload);
        edit(&mut record);
        let path = self.dir.path().join("uploads").join(format!("{upload}.json"));
        std::fs::write(path, serde_json::to_vec_pretty(&record).unwrap()).unwrap();
    }

    async fn send(&self, req: Request<Body>) -> (StatusCode, HeaderMap, Vec<u8>) {
        let res = self.t.router.clone().oneshot(req).await.unwrap();
        let (status, headers) = (res.status(), res.headers().clone());
        (status, headers, res.into_body().collect().await.unwrap().to_bytes().to_vec())
    }

    async fn api(&self, b: &Browser, method: Method, path: &str, headers: &[(&str, String)], body: Vec<u8>) -> Answer {
        let mut req = Request::builder()
            .method(method)
            .uri(path)
            .header(header::COOKIE, &b.cookie)
            .header("x-csrf-token", &b.csrf);
        for (k, v) in headers {
            req = req.header(*k, v);
        }
        let (status, headers, bytes) = self.send(req.body(Body::from(body)).unwrap()).await;
        let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Answer { status, headers, json }
    }

    async fn create(&self, b: &Browser, case: Uuid, declaration: &Value) -> Answer {
        let body = serde_json::to_vec(declaration).unwrap();
        let headers = [("content-type", "application/json".to_string())];
        self.api(b, Method::POST, &format!("/api/v1/cases/{case}/uploads"), &headers, body).await
    }

    async fn patch(&self, b: &Browser, upload: &str, offset: u64, bytes: &[u8]) -> Answer {
        let headers =
            [("upload-offset", offset.to_string()), ("content-type", "application/offset+octet-stream".to_string())];
        self.api(b, Method::PATCH, &format!("/api/v1/uploads/{upload}"), &headers, bytes.to_vec()).await
    }

    async fn status(&self, b: &Browser, upload: &str) -> Answer {
        self.api(b, Method::GET, &format!("/api/v1/uploads/{upload}"), &[], vec![]).await
    }

    async fn file(&self, b: &Browser, path: &str, range: Option<&str>) -> (StatusCode, HeaderMap, Vec<u8>) {
        let mut req = Request::get(path).header(header::COOKIE, &b.cookie);
        if let Some(r) = range {
            req = req.header(header::RANGE, r);
        }
        self.send(req.body(Body::empty()).unwrap()).await
    }

    /// The demo case in investigation whose site inspection still lacks its AV record, and
    /// that inspection record.
    async fn investigation(&self) -> (Uuid, Uuid) {
        let agency = self.t.agency_id("安乡县市场监督管理局").await;
        let row = self
            .t
            .app
            .db
            .cases_of_agency(agency)
            .await
            .unwrap()
            .into_iter()
            .find(|c| c.summary.contains("保质期"))
            .unwrap();
        let (case, _, _) = self.t.app.db.load_case(row.id).await.unwrap().unwrap();
        let record = case.records_of(RecordKind::SiteInspection).next().unwrap().record.id;
        (row.id, record)
    }

    async fn principal(&self, username: &str) -> zhifa_core::access::Principal {
        self.t.app.db.account_for_login(username).await.unwrap().unwrap().0.principal()
    }

    async fn av_count(&self, case: Uuid) -> usize {
        self.t.app.db.load_case(case).await.unwrap().unwrap().0.av.len()
    }
}

fn uploads(dir: &tempfile::TempDir) -> Uploads {
    let mut config = BlobConfig::new(dir.path());
    config.max_bytes = MAX_BYTES;
    Uploads::open(&config).unwrap()
}

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    json: Value,
}

impl Answer {
    fn field_message(&self, field: &str) -> String {
        self.json["errors"]
            .as_array()
            .and_then(|e| e.iter().find(|e| e["field"] == field))
            .and_then(|e| e["message"].as_str())
            .unwrap_or_default()
            .to_string()
    }
}

/// Bytes that sniff as MP4 (an `ftyp` box, then noise).
fn sample_video(size: u64) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.mp4");
    zhifa_blob::bench::write_sample_video(&path, size).unwrap();
    std::fs::read(path).unwrap()
}

fn png(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| image::Rgb([(x * 4) as u8, (y * 4) as u8, 128]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

fn declaration(file_name: &str, media_type: &str, size: u64, record: Option<Uuid>) -> Value {
    json!({
        "file_name": file_name,
        "media_type": media_type,
        "total_size": size,
        "record_id": record,
        "captured_at": "2026-01-05T09:30",
        "place": "安乡县某某超市食品货架",
        "captured_by": "李建国",
        "production_method": "执法记录仪拍摄",
        "maker": "李建国",
        "proves": "货架上陈列超过保质期的纯牛奶",
        "sensitivity": "internal",
    })
}

/// Uploads `bytes` in one go and returns the answer of the last append.
async fn upload(env: &Env, b: &Browser, case: Uuid, declared: &Value, bytes: &[u8]) -> Answer {
    let created = env.create(b, case, declared).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.json);
    let id = created.json["id"].as_str().unwrap().to_string();
    env.patch(b, &id, 0, bytes).await
}

// rule: R-10
// rule: R-08
// rule: R-18
#[tokio::test]
async fn a_video_uploaded_in_chunks_is_attached_with_its_hash_and_plays_back_with_ranges() {
    let env = Env::new().await;
    let (case, record) = env.investigation().await;
    let zf = env.t.login("scj-zf").await;
    let officer = env.principal("scj-zf").await;
    let before = env.t.app.case_after_write(&officer, case).await.unwrap();
    assert!(before.missing.iter().any(|m| m.contains("现场检查")), "{:?}", before.missing);
    let av_before = env.av_count(case).await;
    let video = sample_video(300_000);

    let created = env.create(&zf, case, &declaration("现场录像.mp4", "video/mp4", 300_000, Some(record))).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.json);
    assert_eq!(created.json["offset"], 0);
    let id = created.json["id"].as_str().unwrap().to_string();
    assert_eq!(created.headers["location"], format!("/api/v1/uploads/{id}").as_str());

    let first = env.patch(&zf, &id, 0, &video[..100_000]).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.json);
    assert_eq!(first.json["offset"], 100_000);
    assert_eq!(first.json["complete"], false);

    // The client lost track and sends the first chunk again: the server says where it is.
    let wrong = env.patch(&zf, &id, 0, &video[..100_000]).await;
    assert_eq!(wrong.status, StatusCode::CONFLICT, "{}", wrong.json);
    assert_eq!(wrong.json["offset"], 100_000);
    assert_eq!(wrong.headers["upload-offset"], "100000");
    assert!(wrong.json["message"].as_str().unwrap().contains("请从 100000 继续"), "{}", wrong.json);
    assert_eq!(env.status(&zf, &id).await.json["offset"], 100_000);
    // Nothing is visible in the case while the upload is incomplete.
    assert_eq!(env.av_count(case).await, av_before);

    let second = env.patch(&zf, &id, 100_000, &video[100_000..200_000]).await;
    assert_eq!(second.json["offset"], 200_000, "{}", second.json);
    let last = env.patch(&zf, &id, 200_000, &video[200_000..]).await;
    assert_eq!(last.status, StatusCode::OK, "{}", last.json);
    assert_eq!(last.json["complete"], true);
    let av_id: Uuid = last.json["av_id"].as_str().unwrap().parse().unwrap();

    // the item carries the SHA-256 of exactly these bytes, and its metadata.
    let (c, _, _) = env.t.app.db.load_case(case).await.unwrap().unwrap();
    let item = c.av.iter().find(|a| a.id == av_id).unwrap();
    let sha = Sha256::of(&video).to_hex();
    assert_eq!(item.file.sha256, sha);
    assert_eq!(item.file.size, 300_000);
    assert_eq!(item.file.media_type, "video/mp4");
    assert_eq!(item.file.file_name, "现场录像.mp4");
    assert_eq!(item.meta.record_id, Some(record));
    assert_eq!(item.meta.production_method, "执法记录仪拍摄");
    // the site inspection now has its AV record.
    let after = env.t.app.case_after_write(&officer, case).await.unwrap();
    assert!(!after.missing.iter().any(|m| m.contains("现场检查")), "{:?}", after.missing);

    // A client that lost the answer asks again: the same item, not a second one.
    let again = env.patch(&zf, &id, 300_000, &[]).await;
    assert_eq!(again.json["av_id"], last.json["av_id"], "{}", again.json);
    assert_eq!(env.av_count(case).await, av_before + 1);

    // Playback: the whole file, then a range, as a <video> asks.
    let (status, headers, body) = env.file(&zf, &format!("/files/{sha}"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, video);
    assert_eq!(headers[header::CONTENT_TYPE], "video/mp4");
    assert_eq!(headers[header::ACCEPT_RANGES], "bytes");
    assert_eq!(headers[header::CONTENT_LENGTH], "300000");
    let (status, headers, body) = env.file(&zf, &format!("/files/{sha}"), Some("bytes=10-19")).await;
    assert_eq!(status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(body, &video[10..20]);
    assert_eq!(headers[header::CONTENT_RANGE], "bytes 10-19/300000");
    let (status, _, body) = env.file(&zf, &format!("/files/{sha}"), Some("bytes=299990-")).await;
    assert_eq!(status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(body, &video[299_990..]);
    let (status, headers, _) = env.file(&zf, &format!("/files/{sha}"), Some("bytes=400000-")).await;
    assert_eq!(status, StatusCode::RANGE_NOT_SATISFIABLE);
    assert_eq!(headers[header::CONTENT_RANGE], "bytes */300000");
    // A video has no thumbnail.
    assert_eq!(env.file(&zf, &format!("/files/{sha}/thumbnail"), None).await.0, StatusCode::NOT_FOUND);

    // The case page's player loads nothing until played, so showing the page is not a viewing.
    let case_page = env.t.get(Some(&zf), &format!("/cases/{case}")).await;
    assert!(case_page.body.contains(&format!("<video controls preload=\"none\" src=\"/files/{sha}\"")));

    // the opening was logged once — the whole-file read, not the ranges that seek.
    let head = env.principal("scj-head").await;
    let log = env.t.app.access_log(&head, case).await.unwrap();
    let views: Vec<_> = log
        .iter()
        .filter(
            |(_, e)| matches!(e, AccessEvent::RecordOpened { purpose, .. } if purpose == "查看音像记录 现场录像.mp4"),
        )
        .collect();
    assert_eq!(views.len(), 1, "{log:?}");
    assert_eq!(views[0].0.actor.name, officer.display_name);
    let head_browser = env.t.login("scj-head").await;
    let page = env.t.get(Some(&head_browser), &format!("/cases/{case}/access")).await;
    assert!(page.body.contains("查看音像记录 现场录像.mp4"), "{}", page.body);
}

// rule: R-10
#[tokio::test]
async fn a_declaration_missing_its_metadata_or_too_large_or_of_a_refused_type_stores_nothing() {
    let env = Env::new().await;
    let (case, _) = env.investigation().await;
    let zf = env.t.login("scj-zf").await;
    // What the store holds already (the demo's issued decision PDF).
    let stored = env.blobs();

    let bare = json!({"file_name": "录像.mp4", "media_type": "video/mp4", "total_size": 1000});
    let r = env.create(&zf, case, &bare).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.json);
    assert_eq!(r.field_message("captured_at"), "请填写采集时间");
    assert_eq!(r.field_message("place"), "请填写采集地点");
    assert_eq!(r.field_message("captured_by"), "请填写采集人");
    assert_eq!(r.field_message("production_method"), "请填写制作方法");
    assert_eq!(r.field_message("maker"), "请填写制作人");
    assert_eq!(r.field_message("proves"), "请填写证明对象");

    let mut big = declaration("录像.mp4", "video/mp4", MAX_BYTES + 1, None);
    let r = env.create(&zf, case, &big).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.field_message("total_size").starts_with("文件过大：最大允许 1 MiB"), "{}", r.json);
    big["media_type"] = json!("application/zip");
    big["total_size"] = json!(10);
    let r = env.create(&zf, case, &big).await;
    assert!(r.field_message("media_type").starts_with("不支持的文件类型“application/zip”"), "{}", r.json);

    let audio = declaration("询问录音.mp3", "audio/mpeg", 1000, None);
    let r = env.create(&zf, case, &audio).await;
    assert_eq!(r.field_message("transcript"), "录音须附文字记录（R-10）", "{}", r.json);

    // an interruption without its reason, unrecoverable without an explanation.
    let mut gap = declaration("录像.mp4", "video/mp4", 1000, None);
    gap["interruptions"] = json!([{"from": "2026-01-05T09:40", "resumed_at": null, "reason": ""}]);
    gap["captured_at"] = json!("2026-13-05 09:30");
    let r = env.create(&zf, case, &gap).await;
    assert!(r.field_message("interruptions.0.reason").contains("中断原因"), "{}", r.json);
    assert!(r.field_message("interruption_explanation").contains("书面说明"), "{}", r.json);
    assert!(r.field_message("captured_at").contains("格式应为"), "{}", r.json);

    assert_eq!(env.staged(), 0, "nothing may be staged for a refused declaration");
    assert_eq!(env.blobs(), stored, "nothing may be stored for a refused declaration");
}

// rule: R-10
#[tokio::test]
async fn content_that_is_not_what_was_declared_is_refused_and_attaches_nothing() {
    let env = Env::new().await;
    let (case, _) = env.investigation().await;
    let zf = env.t.login("scj-zf").await;
    let before = env.av_count(case).await;
    let bytes = png(40, 30);
    let declared = declaration("录像.mp4", "video/mp4", bytes.len() as u64, None);
    let r = upload(&env, &zf, case, &declared, &bytes).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.json);
    assert!(
        r.json["message"].as_str().unwrap().contains("文件类型不符：声明为视频 MP4，实际内容为照片 PNG"),
        "{}",
        r.json
    );
    assert_eq!(env.av_count(case).await, before);
    assert!(!env.t.app.blob_store().unwrap().exists(&Sha256::of(&bytes)).await.unwrap());
}

// rule: X-05
#[tokio::test]
async fn a_photo_gets_a_thumbnail_and_is_shown_only_to_those_who_may_read_it() {
    let env = Env::new().await;
    let (case, _) = env.investigation().await;
    let zf = env.t.login("scj-zf").await;
    let photo = png(64, 48);
    let mut declared = declaration("现场照片.png", "image/png", photo.len() as u64, None);
    declared["sensitivity"] = json!("personal_privacy");
    let r = upload(&env, &zf, case, &declared, &photo).await;
    assert_eq!(r.json["complete"], true, "{}", r.json);
    let sha = Sha256::of(&photo).to_hex();

    let (status, headers, thumb) = env.file(&zf, &format!("/files/{sha}/thumbnail"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "image/jpeg");
    assert_eq!(&thumb[..2], &[0xFF, 0xD8], "a JPEG");
    let case_page = env.t.get(Some(&zf), &format!("/cases/{case}")).await;
    assert!(case_page.body.contains(&format!("/files/{sha}/thumbnail")));

    // Another agency: neither the file nor its thumbnail.
    let other = env.t.login("ltj-zf").await;
    assert_eq!(env.file(&other, &format!("/files/{sha}"), None).await.0, StatusCode::FORBIDDEN);
    assert_eq!(env.file(&other, &format!("/files/{sha}/thumbnail"), None).await.0, StatusCode::FORBIDDEN);
    // The agency's auxiliary is not entitled to personal privacy.
    let fj = env.t.login("scj-fj").await;
    let (status, _, body) = env.file(&fj, &format!("/files/{sha}"), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(String::from_utf8_lossy(&body).contains("个人隐私"));
    // The judicial bureau's supervisor reads every agency's evidence.
    let supervisor = env.t.login("sfj-jd").await;
    assert_eq!(env.file(&supervisor, &format!("/files/{sha}"), None).await.0, StatusCode::OK);
    // Unknown or malformed hashes are not found.
    let unknown = Sha256::of(b"nothing").to_hex();
    assert_eq!(env.file(&zf, &format!("/files/{unknown}"), None).await.0, StatusCode::NOT_FOUND);
    assert_eq!(env.file(&zf, "/files/not-a-hash", None).await.0, StatusCode::NOT_FOUND);
}

// rule: X-05
#[tokio::test]
async fn only_the_creator_continues_an_upload_and_only_assigned_officers_upload() {
    let env = Env::new().await;
    let (case, _) = env.investigation().await;
    let zf = env.t.login("scj-zf").await;
    let video = sample_video(50_000);
    let created = env.create(&zf, case, &declaration("录像.mp4", "video/mp4", 50_000, None)).await;
    let id = created.json["id"].as_str().unwrap().to_string();
    env.patch(&zf, &id, 0, &video[..20_000]).await;

    let other = env.t.login("ltj-zf").await;
    assert_eq!(env.status(&other, &id).await.status, StatusCode::NOT_FOUND);
    assert_eq!(env.patch(&other, &id, 20_000, &video[20_000..]).await.status, StatusCode::NOT_FOUND);
    let head = env.t.login("scj-head").await;
    assert_eq!(env.patch(&head, &id, 20_000, &video[20_000..]).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        env.api(&other, Method::DELETE, &format!("/api/v1/uploads/{id}"), &[], vec![]).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(env.status(&zf, &id).await.json["offset"], 20_000, "untouched by the others");
    // Another agency cannot start an upload to the case either.
    let r = env.create(&other, case, &declaration("录像.mp4", "video/mp4", 10, None)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.json);

    // An auxiliary never uploads alone; an officer not assigned to the case cannot.
    let fj = env.t.login("scj-fj").await;
    let r = env.create(&fj, case, &declaration("录像.mp4", "video/mp4", 10, None)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.json);
    assert_eq!(env.t.get(Some(&fj), &format!("/cases/{case}/evidence/new")).await.status, StatusCode::FORBIDDEN);
    let agency = env.t.agency_id("安乡县市场监督管理局").await;
    let (c, _, _) = env.t.app.db.load_case(case).await.unwrap().unwrap();
    let unassigned = env
        .t
        .app
        .db
        .officers(agency)
        .await
        .unwrap()
        .into_iter()
        .find(|o| {
            o.kind == zhifa_core::personnel::StaffKind::Officer && !c.officers.iter().any(|a| a.officer_id == o.id)
        })
        .unwrap();
    let admin = env.principal("scj-admin").await;
    env.t
        .app
        .create_account(
            &admin,
            AccountInput {
                username: "scj-zf2".into(),
                display_name: unassigned.name.clone(),
                password: zhifa_app::demo::DEMO_PASSWORD.into(),
                role: Role::Officer,
                agency_id: Some(agency),
                officer_id: Some(unassigned.id),
            },
        )
        .await
        .unwrap();
    let zf2 = env.t.login("scj-zf2").await;
    let r = env.create(&zf2, case, &declaration("录像.mp4", "video/mp4", 10, None)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.json);
    assert_eq!(r.field_message("case"), "您未被指派办理本案");
    assert_eq!(env.staged(), 2, "only the assigned officer's upload is staged (part file and record)");

    // The creator gives it up: its staged bytes go.
    let gone = env.api(&zf, Method::DELETE, &format!("/api/v1/uploads/{id}"), &[], vec![]).await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT);
    assert_eq!(env.status(&zf, &id).await.status, StatusCode::NOT_FOUND);
    assert_eq!(env.staged(), 0);
}

#[tokio::test]
async fn an_interrupted_upload_resumes_after_a_restart_and_leaves_nothing_visible_meanwhile() {
    let mut env = Env::new().await;
    let (case, _) = env.investigation().await;
    let zf = env.t.login("scj-zf").await;
    let before = env.av_count(case).await;
    let video = sample_video(120_000);
    let created = env.create(&zf, case, &declaration("录像.mp4", "video/mp4", 120_000, None)).await;
    let id = created.json["id"].as_str().unwrap().to_string();
    env.patch(&zf, &id, 0, &video[..70_000]).await;

    env.restart();
    assert_eq!(env.av_count(case).await, before);
    let status = env.status(&zf, &id).await;
    assert_eq!(status.status, StatusCode::OK, "{}", status.json);
    assert_eq!(status.json["offset"], 70_000);
    assert_eq!(status.headers["upload-offset"], "70000");
    let done = env.patch(&zf, &id, 70_000, &video[70_000..]).await;
    assert_eq!(done.json["complete"], true, "{}", done.json);
    assert_eq!(env.av_count(case).await, before + 1);
    // A PATCH without its offset is refused with a field error.
    let r = env.api(&zf, Method::PATCH, &format!("/api/v1/uploads/{id}"), &[], vec![1]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json["field"], "Upload-Offset");
    // Without the CSRF header nothing is appended.
    let req = Request::patch(format!("/api/v1/uploads/{id}"))
        .header(header::COOKIE, &zf.cookie)
        .header("upload-offset", "0")
        .body(Body::from(vec![0u8; 10]))
        .unwrap();
    assert_eq!(env.send(req).await.0, StatusCode::FORBIDDEN);
}

// rule: X-05
#[tokio::test]
async fn uploads_staged_by_an_older_build_resume_for_their_creator_only_under_their_own_name() {
    let mut env = Env::new().await;
    let (case, _) = env.investigation().await;
    let zf = env.t.login("scj-zf").await;
    let other = env.t.login("ltj-zf").await;
    let account = env.principal("scj-zf").await.account_id;
    let before = env.av_count(case).await;
    let video = sample_video(90_000);

    // Now the name is staged as given, a colon included, and shown so.
    let created = env.create(&zf, case, &declaration("现场:录像.mp4", "video/mp4", 90_000, None)).await;
    assert_eq!(created.json["file_name"], "现场:录像.mp4", "{}", created.json);
    let record = env.staged_record(created.json["id"].as_str().unwrap());
    assert_eq!(record["file_name"], "现场:录像.mp4");
    assert_eq!(record["metadata"]["account_id"], account.to_string());

    // What older builds staged: the name `<account>:<file name>`, the account also in the
    // metadata. After the upgrade the creator resumes and finishes it; the name shown and
    // attached is the file's own.
    let created = env.create(&zf, case, &declaration("录像.mp4", "video/mp4", 90_000, None)).await;
    let id = created.json["id"].as_str().unwrap().to_string();
    env.patch(&zf, &id, 0, &video[..40_000]).await;
    env.edit_staged_record(&id, |r| r["file_name"] = json!(format!("{account}:录像.mp4")));
    env.restart();
    assert_eq!(env.status(&other, &id).await.status, StatusCode::NOT_FOUND);
    assert_eq!(env.patch(&other, &id, 40_000, &video[40_000..]).await.status, StatusCode::NOT_FOUND);
    let status = env.status(&zf, &id).await;
    assert_eq!(status.status, StatusCode::OK, "{}", status.json);
    assert_eq!(status.json["file_name"], "录像.mp4");
    assert_eq!(status.json["offset"], 40_000);
    let done = env.patch(&zf, &id, 40_000, &video[40_000..]).await;
    assert_eq!(done.json["complete"], true, "{}", done.json);
    let av_id: Uuid = done.json["av_id"].as_str().unwrap().parse().unwrap();
    let (c, _, _) = env.t.app.db.load_case(case).await.unwrap().unwrap();
    assert_eq!(c.av.iter().find(|a| a.id == av_id).unwrap().file.file_name, "录像.mp4");
    assert_eq!(env.av_count(case).await, before + 1);

    // Staged with the account only in its name: the name is the fallback, for the creator.
    let created = env.create(&zf, case, &declaration("第二段.mp4", "video/mp4", 90_000, None)).await;
    let id = created.json["id"].as_str().unwrap().to_string();
    env.patch(&zf, &id, 0, &video[..30_000]).await;
    env.edit_staged_record(&id, |r| {
        r["file_name"] = json!(format!("{account}:第二段.mp4"));
        r["metadata"].as_object_mut().unwrap().remove("account_id");
    });
    env.restart();
    assert_eq!(env.status(&other, &id).await.status, StatusCode::NOT_FOUND);
    assert_eq!(env.patch(&other, &id, 30_000, &video[30_000..60_000]).await.status, StatusCode::NOT_FOUND);
    let status = env.status(&zf, &id).await;
    assert_eq!(status.json["file_name"], "第二段.mp4", "{}", status.json);
    assert_eq!(env.patch(&zf, &id, 30_000, &video[30_000..60_000]).await.json["offset"], 60_000);
}

#[tokio::test]
async fn the_evidence_page_offers_the_metadata_form_the_camera_and_the_uploader() {
    let env = Env::new().await;
    let (case, record) = env.investigation().await;
    let zf = env.t.login("scj-zf").await;
    let page = env.t.get(Some(&zf), &format!("/cases/{case}/evidence/new?record={record}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    for needle in [
        "capture=\"environment\"",
        "accept=\"image/*,audio/*,video/*\"",
        "<progress",
        "/static/upload.js",
        "name=\"captured_at\"",
        "name=\"proves\"",
        "name=\"transcript\"",
        "name=\"interruption_reason\"",
        "name=\"interruption_explanation\"",
        "name=\"remote_return_at\"",
        "name=\"sensitivity\"",
        "请在浏览器中启用 JavaScript",
        "最大 1 MiB",
    ] {
        assert!(page.body.contains(needle), "{needle} missing");
    }
    assert!(page.body.contains(&format!("<option value=\"{record}\" selected>")), "the record is preselected");
    let js = env.t.get(None, "/static/upload.js").await;
    assert_eq!(js.status, StatusCode::OK);
    assert!(js.headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/javascript"));
    assert!(js.body.contains("Upload-Offset") && js.body.contains("localStorage"));
    // The OpenAPI document describes the protocol.
    let doc: Value = serde_json::from_str(&env.t.get(None, "/api/openapi.json").await.body).unwrap();
    assert!(doc["paths"]["/api/v1/uploads/{upload}"]["patch"]["responses"]["409"].is_object());
}
