//! `zhifa export case` and the offline verifier: an exported case verifies with nothing
//! but the package, and every kind of tampering is named (rules ).

use std::path::{Path, PathBuf};

use bytes::Bytes;
use proptest::prelude::*;
use uuid::Uuid;
use zhifa_app::App;
use zhifa_app::cases::RecordInput;
use zhifa_archive::format::{CATALOGUE, Catalogue, EVENTS, EventsFile, MANIFEST, Manifest};
use zhifa_archive::{PackageView, Property, verify};
use zhifa_blob::{AppendOutcome, BlobStore, UploadDeclaration, Uploads};
use zhifa_core::case::{AvMetadata, RecordKind, StoredFile};
use zhifa_store::testing::TestDb;

struct Fixture {
    _t: TestDb,
    dir: tempfile::TempDir,
    app: App,
    case: Uuid,
    sha: String,
}

fn mp4(size: usize) -> Vec<u8> {
    let mut v = b"\0\0\0\x20ftypisom\0\0\x02\0isomiso2avc1mp41".to_vec();
    let mut x: u32 = 12345;
    while v.len() < size {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
        v.push((x >> 16) as u8);
    }
    v
}

/// The demo, with a video attached to the investigation case's site inspection.
async fn fixture() -> Fixture {
    let t = TestDb::new().await;
    let dir = tempfile::tempdir().unwrap();
    let store = BlobStore::local(dir.path().join("blobs")).unwrap();
    let uploads = Uploads::new(store, dir.path().join("uploads"), 1 << 30).unwrap();
    let app = App::new(t.db.clone()).with_files(uploads.clone());
    app.load_demo().await.unwrap();
    let zf = app.db.account_for_login("scj-zf").await.unwrap().unwrap().0.principal();
    let case = app.cases_for(&zf).await.unwrap().into_iter().find(|c| c.stage == "investigation").unwrap().id;
    let (state, ..) = app.db.load_case(case).await.unwrap().unwrap();
    let site = state.records_of(RecordKind::SiteInspection).next().unwrap().record.id;
    let data = mp4(300_000);
    let status = uploads
        .create(UploadDeclaration {
            file_name: "现场检查.mp4".into(),
            media_type: "video/mp4".into(),
            total_size: data.len() as u64,
            sha256: None,
            metadata: serde_json::Value::Null,
        })
        .await
        .unwrap();
    let body = futures_util::stream::iter(vec![Ok::<_, std::io::Error>(Bytes::from(data))]);
    let AppendOutcome::Completed(done) = uploads.append(&status.id, 0, body).await.unwrap() else { panic!("complete") };
    let file = StoredFile {
        sha256: done.blob.sha256.to_string(),
        size: done.blob.size,
        media_type: "video/mp4".into(),
        file_name: done.file_name.clone(),
        storage_key: done.blob.key.clone(),
    };
    let meta = AvMetadata {
        record_id: Some(site),
        captured_at: zhifa_app::cases::beijing_now() - chrono::TimeDelta::hours(1),
        place: "超市货架".into(),
        captured_by: "李建国".into(),
        production_method: "执法记录仪拍摄".into(),
        maker: "李建国".into(),
        proves: "货架上存放过期食品".into(),
        transcript: String::new(),
        interruptions: vec![],
        interruption_explanation: String::new(),
        remote_return_at: None,
        sensitivity: Default::default(),
    };
    app.attach_av(&zf, case, file.clone(), meta).await.unwrap();
    // Collected today: the demo case was opened today, and no act precedes its case (P-02).
    let today = zhifa_app::cases::beijing_now().format("%Y-%m-%d").to_string();
    app.add_record(
        &zf,
        case,
        RecordInput::new(
            RecordKind::DocumentaryEvidence,
            &[("description", "进货单据<script>alert(1)</script>"), ("source", "当事人提供"), ("collected_on", &today)],
        ),
    )
    .await
    .unwrap();
    Fixture { _t: t, dir, app, case, sha: file.sha256 }
}

/// Recomputes the manifest after a deliberate change, as a forger who knows the format would.
fn reseal(dir: &Path) {
    let path = dir.join(MANIFEST);
    let mut m: Manifest = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    for f in &mut m.files {
        let bytes = std::fs::read(dir.join(&f.path)).unwrap();
        f.sha256 = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&bytes));
        f.size = bytes.len() as u64;
    }
    std::fs::write(path, serde_json::to_vec_pretty(&m).unwrap()).unwrap();
}

fn check(dir: &Path, key: Option<&str>) -> zhifa_archive::Report {
    verify(&PackageView::open(dir).unwrap(), key)
}

fn failing(r: &zhifa_archive::Report) -> Vec<(Property, String)> {
    r.failures().map(|f| (f.property, f.item.clone())).collect()
}

async fn export(f: &Fixture, name: &str) -> PathBuf {
    let out = f.dir.path().join(name);
    f.app.export_case(None, f.case, &out, true).await.unwrap();
    out
}

// rule: R-17
// rule: X-01
#[tokio::test]
async fn an_exported_case_verifies_offline_as_a_directory_and_as_a_tar() {
    let f = fixture().await;
    let dir = export(&f, "case").await;
    let report = check(&dir, None);
    assert!(report.passed(), "{report}");
    assert!(report.events_checked >= 10, "{report}");
    assert!(dir.join(format!("files/{}.mp4", f.sha)).exists());
    let catalogue = std::fs::read_to_string(dir.join("catalogue.json")).unwrap();
    assert!(catalogue.contains(&f.sha), "the catalogue names the AV item by hash");
    let doc = std::fs::read_dir(dir.join("documents")).unwrap().count();
    assert!(doc >= 4);
    // Record content is escaped in the rendered documents.
    let all: String = std::fs::read_dir(dir.join("documents"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    assert!(all.contains("&lt;script&gt;") && !all.contains("<script"));
    let tar = export(&f, "case.tar").await;
    let report = check(&tar, Some(&f.app.db.ledger_key().verifier_key()));
    assert!(report.passed(), "{report}");
    // Exporting is itself recorded in the access log.
    assert!(f.app.db.access_log(f.case).await.unwrap().len() >= 2);
}

// rule: R-17
// rule: X-01
#[tokio::test]
async fn the_issued_pdfs_are_packed_under_the_hashes_their_events_recorded_and_a_changed_one_is_named() {
    let f = fixture().await;
    let zf = f.app.db.account_for_login("scj-zf").await.unwrap().unwrap().0.principal();
    let (state, ..) = f.app.db.load_case(f.case).await.unwrap().unwrap();
    let site = state.records_of(RecordKind::SiteInspection).next().unwrap().record.id;
    let issued = f.app.issue_document(&zf, f.case, site).await.unwrap();
    let dir = export(&f, "case").await;
    let report = check(&dir, None);
    assert!(report.passed(), "{report}");
    let catalogue: Catalogue = serde_json::from_slice(&std::fs::read(dir.join(CATALOGUE)).unwrap()).unwrap();
    let item = catalogue.items.iter().find(|i| i.id == site.to_string()).unwrap();
    assert_eq!(item.issued.len(), 1);
    let packed = &item.issued[0];
    assert_eq!((packed.document_id.clone(), packed.sha256.clone()), (issued.id.to_string(), issued.sha256.clone()));
    let pdf = std::fs::read(dir.join(&packed.path)).unwrap();
    assert!(pdf.starts_with(b"%PDF-") && packed.path.ends_with(".pdf"));
    assert_eq!(hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&pdf)), issued.sha256);
    // The record's page is still there beside it.
    assert!(item.path.as_deref().is_some_and(|p| p.ends_with(".html")));

    // A changed byte: the manifest's hash names it; recomputed, the signed event's does.
    let mut bad = pdf.clone();
    let at = bad.len() / 2;
    bad[at] ^= 0x01;
    std::fs::write(dir.join(&packed.path), &bad).unwrap();
    assert!(failing(&check(&dir, None)).contains(&(Property::Integrity, packed.path.clone())));
    reseal(&dir);
    let report = check(&dir, None);
    assert!(failing(&report).contains(&(Property::Authenticity, packed.path.clone())), "{report}");
    assert!(report.to_string().contains("与账本记录的"), "{report}");

    // A package that leaves the issued PDF out altogether is incomplete.
    let dir = export(&f, "case2").await;
    let path = dir.join(CATALOGUE);
    let mut catalogue: Catalogue = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let item = catalogue.items.iter_mut().find(|i| i.id == site.to_string()).unwrap();
    let dropped = item.issued.remove(0);
    std::fs::write(&path, serde_json::to_vec_pretty(&catalogue).unwrap()).unwrap();
    std::fs::remove_file(dir.join(&dropped.path)).unwrap();
    let manifest_path = dir.join(MANIFEST);
    let mut m: Manifest = serde_json::from_slice(&std::fs::read(&manifest_path).unwrap()).unwrap();
    m.files.retain(|x| x.path != dropped.path);
    std::fs::write(&manifest_path, serde_json::to_vec_pretty(&m).unwrap()).unwrap();
    reseal(&dir);
    let report = check(&dir, None);
    assert!(failing(&report).contains(&(Property::Integrity, CATALOGUE.into())), "{report}");
    assert!(report.to_string().contains(&issued.id.to_string()), "{report}");
}

// rule: X-01
#[tokio::test]
async fn a_swapped_or_truncated_av_file_is_named() {
    let f = fixture().await;
    let dir = export(&f, "case").await;
    let file = dir.join(format!("files/{}.mp4", f.sha));
    let mut bytes = std::fs::read(&file).unwrap();
    bytes[1000] ^= 0xff;
    std::fs::write(&file, &bytes).unwrap();
    let name = format!("files/{}.mp4", f.sha);
    assert!(failing(&check(&dir, None)).contains(&(Property::Integrity, name.clone())));
    // Even with the manifest recomputed, the hash recorded in the signed event decides.
    reseal(&dir);
    assert!(failing(&check(&dir, None)).contains(&(Property::Authenticity, name.clone())));
    std::fs::write(&file, &bytes[..5000]).unwrap();
    reseal(&dir);
    assert!(failing(&check(&dir, None)).contains(&(Property::Authenticity, name)));
}

// rule: X-01
#[tokio::test]
async fn a_changed_event_a_foreign_key_a_missing_document_and_executables_are_named() {
    let f = fixture().await;
    let dir = export(&f, "case").await;
    let events_path = dir.join(EVENTS);
    let original = std::fs::read(&events_path).unwrap();
    let mut ev: EventsFile = serde_json::from_slice(&original).unwrap();
    let victim = ev.events.iter().position(|e| e.leaf.contains("RecordAdded")).unwrap();
    let position = ev.events[victim].position;
    ev.events[victim].leaf = ev.events[victim].leaf.replacen("李建国", "王某某", 1);
    std::fs::write(&events_path, serde_json::to_vec_pretty(&ev).unwrap()).unwrap();
    reseal(&dir);
    let bad = failing(&check(&dir, None));
    assert!(bad.contains(&(Property::Authenticity, format!("第{position}号事件"))), "{bad:?}");
    std::fs::write(&events_path, &original).unwrap();
    reseal(&dir);
    assert!(check(&dir, None).passed());

    // A checkpoint re-signed with another key passes only against that key.
    let other = zhifa_store::ledger::LedgerKey::generate(f.app.db.ledger_key().origin()).unwrap();
    let cp =
        f.app.db.ledger_key().verifier().open_checkpoint(&std::fs::read(dir.join("checkpoint.txt")).unwrap()).unwrap();
    std::fs::write(dir.join("checkpoint.txt"), other.sign_checkpoint(cp.size, cp.root).unwrap()).unwrap();
    std::fs::write(dir.join("key.txt"), other.verifier_key()).unwrap();
    reseal(&dir);
    let trusted = f.app.db.ledger_key().verifier_key();
    let bad = failing(&check(&dir, Some(&trusted)));
    assert!(bad.contains(&(Property::Authenticity, "checkpoint.txt".into())), "{bad:?}");

    // A document removed, an executable added.
    let dir = export(&f, "case2").await;
    let doc = std::fs::read_dir(dir.join("documents")).unwrap().next().unwrap().unwrap().path();
    let doc_name = format!("documents/{}", doc.file_name().unwrap().to_string_lossy());
    std::fs::remove_file(&doc).unwrap();
    std::fs::write(dir.join("files/run.bin"), b"\x7fELF\x02\x01\x01rest").unwrap();
    let bad = failing(&check(&dir, None));
    assert!(bad.contains(&(Property::Integrity, doc_name)), "{bad:?}");
    assert!(bad.contains(&(Property::Security, "files/run.bin".into())), "{bad:?}");
}

// rule: X-01
#[tokio::test]
async fn proofs_for_another_tree_and_hostile_tars_are_refused() {
    let f = fixture().await;
    let early = export(&f, "early").await;
    // More events later: a package mixing the later checkpoint with the earlier proofs.
    let zf = f.app.db.account_for_login("scj-zf").await.unwrap().unwrap().0.principal();
    f.app.log_access(&zf, f.case, None, "再次查阅").await.unwrap();
    let late = export(&f, "late").await;
    std::fs::copy(early.join(EVENTS), late.join(EVENTS)).unwrap();
    reseal(&late);
    let report = check(&late, None);
    assert!(!report.passed());
    assert!(report.failures().any(|x| x.item == EVENTS && x.property == Property::Authenticity), "{report}");

    // A tar whose entry climbs out of the package, and a symbolic link.
    let tar_path = f.dir.path().join("evil.tar");
    {
        let mut b = tar::Builder::new(std::fs::File::create(&tar_path).unwrap());
        let mut h = tar::Header::new_gnu();
        let data = b"owned";
        h.set_size(data.len() as u64);
        h.set_entry_type(tar::EntryType::Regular);
        h.as_gnu_mut().unwrap().name[..10].copy_from_slice(b"../escaped");
        h.set_cksum();
        b.append(&h, &data[..]).unwrap();
        let mut l = tar::Header::new_gnu();
        l.set_entry_type(tar::EntryType::Symlink);
        l.set_size(0);
        b.append_link(&mut l, "manifest.json", "/etc/passwd").unwrap();
        b.finish().unwrap();
    }
    let report = check(&tar_path, None);
    let bad = failing(&report);
    assert!(bad.contains(&(Property::Security, "../escaped".into())), "{bad:?}");
    assert!(bad.contains(&(Property::Security, "manifest.json".into())), "{bad:?}");
    assert!(!report.passed());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Arbitrary bytes as a package never panic the reader or the verifier, and never pass.
    #[test]
    fn garbage_never_passes(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        if let Ok(view) = PackageView::from_tar(&bytes[..]) {
            prop_assert!(!verify(&view, None).passed());
        }
    }
}

/// Any single changed byte of any leaf or proof hash fails, wherever it is.
#[tokio::test]
async fn every_flipped_byte_of_a_leaf_or_proof_fails() {
    let f = fixture().await;
    let dir = export(&f, "case").await;
    let original: EventsFile = serde_json::from_slice(&std::fs::read(dir.join(EVENTS)).unwrap()).unwrap();
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig { cases: 48, ..ProptestConfig::default() });
    runner
        .run(&(0..original.events.len(), any::<usize>(), 1u8..=255, any::<bool>()), |(i, at, xor, in_proof)| {
            let mut ev = original.clone();
            let e = &mut ev.events[i];
            if in_proof && !e.proof.is_empty() {
                let k = at % e.proof.len();
                let h = &mut e.proof[k];
                let mut raw = hex::decode(&*h).unwrap();
                let n = raw.len();
                raw[at % n] ^= xor;
                *h = hex::encode(raw);
            } else {
                let mut raw = e.leaf.clone().into_bytes();
                let n = raw.len();
                raw[at % n] ^= xor;
                e.leaf = String::from_utf8_lossy(&raw).into_owned();
            }
            std::fs::write(dir.join(EVENTS), serde_json::to_vec_pretty(&ev).unwrap()).unwrap();
            reseal(&dir);
            let r = check(&dir, None);
            prop_assert!(!r.passed(), "a changed byte passed: event {i}");
            Ok(())
        })
        .unwrap();
}
