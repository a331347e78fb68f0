//! Issuing documents against a real database (either backend): document numbers (文号)
//! without gaps or duplicates under concurrent issuing, on one node and on two; the
//! database's own refusal of a duplicate or a skipped number; a real PDF issued, downloaded
//! and proved on its authenticity page.

use std::sync::Arc;

use chrono::Datelike;
use uuid::Uuid;
use zhifa_app::App;
use zhifa_app::cases::{OpenCaseInput, RecordInput, beijing_now};
use zhifa_app::documents::{Documents, Renderer};
use zhifa_blob::{BlobStore, Uploads};
use zhifa_core::access::Principal;
use zhifa_core::case::documents::DocType;
use zhifa_core::case::{Initiation, Party, PartyKind, Procedure, RecordKind};
use zhifa_core::registry::ActKind;
use zhifa_docs::{FontLibrary, Rendered};
use zhifa_store::testing::TestDb;

struct Demo {
    t: TestDb,
    app: App,
    agency: Uuid,
    handling: Uuid,
    officers: Vec<Uuid>,
    zf: Principal,
    _dir: tempfile::TempDir,
}

fn with_memory_files(app: App, dir: &std::path::Path) -> App {
    let store = BlobStore::from_object_store(Arc::new(object_store::memory::InMemory::new()));
    app.with_files(Uploads::new(store, dir.join("uploads"), 1 << 30).unwrap())
}

async fn demo() -> Demo {
    let t = TestDb::new().await;
    let dir = tempfile::tempdir().unwrap();
    let app = with_memory_files(App::new(t.db.clone()), dir.path());
    app.load_demo().await.unwrap();
    let scj = app.db.agencies().await.unwrap().into_iter().find(|a| a.info.name == "安乡县市场监督管理局").unwrap();
    let handling = app
        .db
        .units(scj.id)
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.kind == zhifa_core::registry::UnitKind::Handling)
        .unwrap()
        .id;
    let officers = app.officers_in_post("scj-zf").await.unwrap();
    let zf = app.db.account_for_login("scj-zf").await.unwrap().unwrap().0.principal();
    Demo { t, app, agency: scj.id, handling, officers, zf, _dir: dir }
}

/// A stand-in for the PDF renderer: the number sequence is what is tested, not fonts.
fn fake_renderer() -> Renderer {
    Arc::new(|doc: &zhifa_docs::Document| {
        Ok(Rendered { pdf: format!("%PDF-1.7 {} {:?}", doc.title, doc.number).into_bytes(), pages: 1 })
    })
}

impl Demo {
    /// An urgent case, which may record investigation acts before its filing approval
    /// the coercive-measure decision is a numbered document (强制).
    async fn urgent_case(&self) -> Uuid {
        let input = OpenCaseInput {
            agency_id: self.agency,
            act_kind: ActKind::Coercion,
            procedure: Procedure::Ordinary,
            initiation: Initiation::ExOfficio { urgent: true },
            party: Party {
                kind: PartyKind::Organisation,
                name: "安乡县某某商行".into(),
                id_number: String::new(),
                address: "安乡县深柳镇".into(),
                phone: String::new(),
                representative: "王某".into(),
                minor: false,
            },
            summary: "涉嫌销售不合格商品".into(),
            item_code: None,
            handling_unit: self.handling,
            officers: self.officers[..2].to_vec(),
            auxiliaries: vec![],
            violation_ended_on: Some(beijing_now().date() - chrono::Days::new(3)),
            serious_harm: false,
            limitation_override: String::new(),
        };
        self.app.open_case(&self.zf, input).await.unwrap()
    }

    /// `cases` urgent cases with `per_case` coercive decisions each.
    async fn records(&self, cases: usize, per_case: usize) -> Vec<(Uuid, Uuid)> {
        let mut handles = vec![];
        for _ in 0..cases {
            let case = self.urgent_case().await;
            let d = Demo::handle(self);
            handles.push(tokio::spawn(async move {
                let mut out = vec![];
                for _ in 0..per_case {
                    out.push((case, d.coercive_decision(case).await));
                }
                out
            }));
        }
        let mut all = vec![];
        for h in handles {
            all.extend(h.await.unwrap());
        }
        all
    }

    fn handle(&self) -> Arc<DemoHandle> {
        Arc::new(DemoHandle { app: self.app.clone(), zf: self.zf.clone() })
    }
}

struct DemoHandle {
    app: App,
    zf: Principal,
}

impl DemoHandle {
    async fn coercive_decision(&self, case: Uuid) -> Uuid {
        let today = beijing_now().date().to_string();
        let r = RecordInput::new(
            RecordKind::CoerciveDecision,
            &[
                ("document_number", "（出具时编号）"),
                ("measure", "扣押"),
                ("object", "涉嫌不合格的电线20卷"),
                ("reason", "涉嫌销售不合格商品，防止证据损毁"),
                ("basis", "《中华人民共和国产品质量法》第十八条"),
                ("period", "三十日"),
                ("remedies", "可在六十日内申请行政复议或六个月内提起行政诉讼"),
                ("decided_on", &today),
            ],
        );
        self.app.add_record(&self.zf, case, r).await.unwrap()
    }
}

/// Issues every record concurrently on `app`; returns the numbers' sequence values.
async fn issue_all(app: &App, by: &Principal, records: &[(Uuid, Uuid)]) -> Vec<u32> {
    let mut handles = vec![];
    for (case, rec) in records {
        let (app, by, case, rec) = (app.clone(), by.clone(), *case, *rec);
        handles.push(tokio::spawn(async move { app.issue_with(&by, case, rec, fake_renderer()).await }));
    }
    let mut seqs = vec![];
    for h in handles {
        let d = h.await.unwrap().unwrap();
        seqs.push(d.number.expect("a coercive decision is numbered").seq);
    }
    seqs
}

fn assert_gapless(mut seqs: Vec<u32>, n: usize) {
    seqs.sort_unstable();
    assert_eq!(seqs, (1..=n as u32).collect::<Vec<_>>(), "numbers 1..={n}, no gap, no duplicate");
}

#[tokio::test]
async fn a_thousand_concurrent_issues_get_numbers_without_gaps_or_duplicates() {
    let d = demo().await;
    let records = d.records(20, 50).await;
    assert_eq!(records.len(), 1000);
    let started = std::time::Instant::now();
    let seqs = issue_all(&d.app, &d.zf, &records).await;
    eprintln!("1000 concurrent issues: {:?}", started.elapsed());
    assert_gapless(seqs, 1000);
    let year = beijing_now().date().year();
    let stored = d.app.db.document_numbers(d.agency, DocType::CoerciveDecision, year).await.unwrap();
    assert_eq!(stored.len(), 1000);
    assert_eq!(stored[11].1, format!("安市监强制〔{year}〕12号"));
    // Each record has its own number, printed on its PDF.
    for (case, rec) in records.iter().take(20) {
        let (c, _, _) = d.app.db.load_case(*case).await.unwrap().unwrap();
        let doc = c.document_of(*rec).unwrap();
        assert_eq!(c.documents.iter().filter(|x| x.record_id == *rec).count(), 1);
        let pdf = d.app.record_pdf(&d.zf, *case, *rec).await.unwrap();
        assert!(String::from_utf8_lossy(&pdf.bytes).contains(&doc.printed_number));
    }
    // The same content is not issued twice: refused before anything is numbered.
    let (case, rec) = records[0];
    let first = load_doc(&d.app, case, rec).await;
    let version = d.app.db.stream_version(&zhifa_core::events::stream::case(case)).await.unwrap();
    let e = d.app.issue_with(&d.zf, case, rec, fake_renderer()).await.unwrap_err().to_string();
    assert!(e.contains("不能重复出具") && e.contains(&first.printed_number), "{e}");
    assert_eq!(d.app.db.stream_version(&zhifa_core::events::stream::case(case)).await.unwrap(), version);
    // After a correction, a re-issue keeps the number and takes none.
    let fix = [("period".to_string(), "二十日".to_string())].into_iter().collect();
    d.app.correct_record(&d.zf, case, rec, "期限笔误", fix).await.unwrap();
    let again = d.app.issue_with(&d.zf, case, rec, fake_renderer()).await.unwrap();
    assert_eq!(again.number, first.number);
    assert_eq!(again.supersedes, Some(first.id));
    assert_eq!(d.app.db.document_numbers(d.agency, DocType::CoerciveDecision, year).await.unwrap().len(), 1000);
}

/// A record's latest issued document.
async fn load_doc(app: &App, case: Uuid, rec: Uuid) -> zhifa_core::case::documents::IssuedDocument {
    let (c, _, _) = app.db.load_case(case).await.unwrap().unwrap();
    c.document_of(rec).unwrap().clone()
}

#[tokio::test]
async fn two_nodes_issuing_at_once_share_one_sequence() {
    let d = demo().await;
    let records = d.records(10, 10).await;
    // A second app node on the same database: its own writer and its own locks, so only
    // the database's key and gap check keep the sequence.
    let db2 = zhifa_store::Db::open(&d.t.url, zhifa_store::LedgerKey::for_tests()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let app2 = with_memory_files(App::new(db2), dir.path());
    let (a, b) = records.split_at(50);
    let (s1, s2) = tokio::join!(issue_all(&d.app, &d.zf, a), issue_all(&app2, &d.zf, b));
    assert_gapless(s1.into_iter().chain(s2).collect(), 100);
}

#[tokio::test]
async fn the_database_refuses_a_duplicate_or_a_skipped_number() {
    let d = demo().await;
    let records = d.records(1, 2).await;
    issue_all(&d.app, &d.zf, &records[..1]).await;
    let year = i64::from(beijing_now().date().year());
    let insert = |seq: i64| {
        sqlx::query(
            "INSERT INTO document_numbers (agency_id, doc_type, year, seq, number, case_id, document_id) \
             VALUES ($1, 'coercive_decision', $2, $3, 'x', 'c', 'd')",
        )
        .bind(d.agency.to_string())
        .bind(year)
        .bind(seq)
    };
    let dup = insert(1).execute(d.app.db.writer()).await.unwrap_err().to_string();
    assert!(dup.to_lowercase().contains("unique") || dup.contains("duplicate"), "{dup}");
    let gap = insert(3).execute(d.app.db.writer()).await.unwrap_err().to_string();
    assert!(gap.contains("document number out of sequence"), "{gap}");
    insert(2).execute(d.app.db.writer()).await.unwrap();
}

#[tokio::test]
async fn an_issued_pdf_is_stored_downloaded_and_proved_on_its_public_page() {
    let d = demo().await;
    let app = d.app.clone().with_documents(Documents::new(FontLibrary::default(), "https://zhifa.example.cn/"));
    let records = d.records(1, 1).await;
    let (case, rec) = records[0];
    // Before issue: a draft made on the fly.
    let draft = app.record_pdf(&d.zf, case, rec).await.unwrap();
    assert!(draft.issued.is_none() && draft.file_name.contains("草稿") && draft.bytes.starts_with(b"%PDF-"));
    let doc = app.issue_document(&d.zf, case, rec).await.unwrap();
    assert_eq!(doc.printed_number, format!("安市监强制〔{}〕1号", beijing_now().date().year()));
    let pdf = app.record_pdf(&d.zf, case, rec).await.unwrap();
    assert_eq!(zhifa_blob::Sha256::of(&pdf.bytes).to_string(), doc.sha256);
    assert_eq!(pdf.file_name, format!("{}.pdf", doc.printed_number));
    let page = app.document_authenticity(doc.id).await.unwrap();
    assert_eq!(page.outcome, Ok(()), "the issuing event is proved against the signed checkpoint");
    assert_eq!(page.document.sha256, doc.sha256);
    assert_eq!(page.agency, "安乡县市场监督管理局");
    // The public page's leaf carries the document's facts, nothing of the party.
    assert!(page.leaf.contains(&doc.sha256) && !page.leaf.contains("安乡县某某商行"), "{}", page.leaf);
    // Fonts missing: a Chinese error naming the font and the package; nothing issued.
    let broken = d.app.clone().with_documents(Documents::new(FontLibrary::new("/nonexistent"), "http://x"));
    let records = d.records(1, 1).await;
    let e = broken.issue_document(&d.zf, records[0].0, records[0].1).await.unwrap_err().to_string();
    assert!(e.contains("fonts-noto-cjk") && e.contains("Noto Serif CJK SC"), "{e}");
    let (c, _, _) = d.app.db.load_case(records[0].0).await.unwrap().unwrap();
    assert!(c.documents.is_empty());
}
