//! Official documents over HTTP, through the real router on either backend: the record's
//! PDF (a real PDF, for those who may read the case only), 出具文书 (numbers in turn without
//! gaps; the same content not issued twice; a refusal changes nothing) and the public
//! authenticity page `/d/<id>` the QR code on the paper leads to.

mod support;

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use chrono::Datelike;
use http_body_util::BodyExt;
use support::*;
use tower::ServiceExt;
use uuid::Uuid;
use zhifa_app::cases::{OpenCaseInput, RecordInput, beijing_now};
use zhifa_core::case::documents::DocType;
use zhifa_core::case::{Initiation, Party, PartyKind, Procedure, RecordKind};
use zhifa_core::events::stream;
use zhifa_core::registry::{ActKind, UnitKind};

struct Env {
    t: TestApp,
    agency: Uuid,
}

struct Raw {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Env {
    /// The demo over a fresh database, with an evidence store for the issued PDFs.
    async fn new() -> Env {
        let t = TestApp::with_demo_and_files().await;
        let agency = t.agency_id("安乡县市场监督管理局").await;
        Env { t, agency }
    }

    async fn raw(&self, b: Option<&Browser>, path: &str) -> Raw {
        let mut req = Request::get(path);
        if let Some(b) = b {
            req = req.header(header::COOKIE, &b.cookie);
        }
        let res = self.t.router.clone().oneshot(req.body(Body::empty()).unwrap()).await.unwrap();
        let (status, headers) = (res.status(), res.headers().clone());
        Raw { status, headers, body: res.into_body().collect().await.unwrap().to_bytes().to_vec() }
    }

    async fn principal(&self, username: &str) -> zhifa_core::access::Principal {
        self.t.app.db.account_for_login(username).await.unwrap().unwrap().0.principal()
    }

    /// An urgent coercion case of 安乡县市场监督管理局 with `n` coercive-measure decisions
    /// (行政强制措施决定书, numbered 强制 at issue).
    async fn case_with_decisions(&self, n: usize) -> (Uuid, Vec<Uuid>) {
        let app = &self.t.app;
        let zf = self.principal("scj-zf").await;
        let handling =
            app.db.units(self.agency).await.unwrap().into_iter().find(|u| u.kind == UnitKind::Handling).unwrap().id;
        let officers = app.officers_in_post("scj-zf").await.unwrap();
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
            handling_unit: handling,
            officers: officers[..2].to_vec(),
            auxiliaries: vec![],
            violation_ended_on: Some(beijing_now().date() - chrono::Days::new(3)),
            serious_harm: false,
            limitation_override: String::new(),
        };
        let case = app.open_case(&zf, input).await.unwrap();
        let today = beijing_now().date().to_string();
        let mut records = vec![];
        for i in 0..n {
            let object = format!("涉嫌不合格的电线{}卷", 20 + i);
            let r = RecordInput::new(
                RecordKind::CoerciveDecision,
                &[
                    ("measure", "扣押"),
                    ("object", &object),
                    ("reason", "涉嫌销售不合格商品，防止证据损毁"),
                    ("basis", "《中华人民共和国产品质量法》第十八条"),
                    ("period", "三十日"),
                    ("remedies", "可在六十日内申请行政复议或六个月内提起行政诉讼"),
                    ("decided_on", &today),
                ],
            );
            records.push(app.add_record(&zf, case, r).await.unwrap());
        }
        (case, records)
    }

    async fn version(&self, case: Uuid) -> i64 {
        self.t.app.db.stream_version(&stream::case(case)).await.unwrap()
    }

    async fn numbers(&self) -> Vec<(u32, String)> {
        let year = beijing_now().date().year();
        self.t.app.db.document_numbers(self.agency, DocType::CoerciveDecision, year).await.unwrap()
    }

    async fn issue(&self, b: &Browser, case: Uuid, rec: Uuid) -> Resp {
        self.t.post_form(b, &format!("/cases/{case}/records/{rec}/issue"), &[], true).await
    }
}

/// The notice a redirect back to the case page carries.
fn notice(r: &Resp) -> String {
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let location = r.headers.get(header::LOCATION).unwrap().to_str().unwrap();
    let query = location.split_once('?').map(|(_, q)| q).unwrap_or("");
    form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == "notice")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

fn content_type(r: &Raw) -> &str {
    r.headers.get(header::CONTENT_TYPE).map(|v| v.to_str().unwrap()).unwrap_or("")
}

#[tokio::test]
async fn the_pdf_downloads_for_the_case_agency_only() {
    let env = Env::new().await;
    let (case, recs) = env.case_with_decisions(1).await;
    let path = format!("/cases/{case}/records/{}/pdf", recs[0]);
    let zf = env.t.login("scj-zf").await;
    // Never issued: a draft, made on the fly, a real PDF.
    let draft = env.raw(Some(&zf), &path).await;
    assert_eq!(draft.status, StatusCode::OK);
    assert_eq!(content_type(&draft), "application/pdf");
    assert!(draft.body.starts_with(b"%PDF-"), "a PDF");
    let disposition = draft.headers.get(header::CONTENT_DISPOSITION).unwrap().to_str().unwrap();
    let encoded: String = form_urlencoded::byte_serialize("草稿".as_bytes()).collect();
    assert!(disposition.contains("filename*=UTF-8''") && disposition.contains(&encoded), "{disposition}");
    assert_eq!(draft.headers.get(header::CACHE_CONTROL).unwrap(), "private, no-store");
    // rule: X-05
    // Another agency's officer is refused and gets no PDF; the reading is not logged as theirs.
    let other = env.t.login("ltj-zf").await;
    let refused = env.raw(Some(&other), &path).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(!refused.body.starts_with(b"%PDF"));
    assert!(String::from_utf8_lossy(&refused.body).contains("无权"), "a Chinese refusal");
    // Nobody logged in: to the login page.
    let anon = env.raw(None, &path).await;
    assert!(!anon.body.starts_with(b"%PDF") && anon.status != StatusCode::OK, "{}", anon.status);
    // An unknown record is a 404 page, not a PDF.
    let missing = env.raw(Some(&zf), &format!("/cases/{case}/records/{}/pdf", Uuid::new_v4())).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    // After issue: the issued PDF as stored, whose hash its authenticity page shows.
    let issued = env.issue(&zf, case, recs[0]).await;
    assert!(notice(&issued).contains("已出具"), "{}", notice(&issued));
    let (c, _, _) = env.t.app.db.load_case(case).await.unwrap().unwrap();
    let doc = c.document_of(recs[0]).unwrap().clone();
    let pdf = env.raw(Some(&zf), &path).await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert!(pdf.body.starts_with(b"%PDF-"));
    assert_eq!(zhifa_blob::Sha256::of(&pdf.body).to_string(), doc.sha256);
    let disposition = pdf.headers.get(header::CONTENT_DISPOSITION).unwrap().to_str().unwrap();
    let encoded: String = form_urlencoded::byte_serialize(doc.printed_number.as_bytes()).collect();
    assert!(disposition.contains(&encoded), "{disposition}");
    assert_eq!(env.raw(Some(&other), &path).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn issuing_numbers_in_turn_refuses_the_same_content_twice_and_a_refusal_changes_nothing() {
    let env = Env::new().await;
    let (case, recs) = env.case_with_decisions(3).await;
    let year = beijing_now().date().year();
    let zf = env.t.login("scj-zf").await;
    // Another agency's officer cannot issue: nothing numbered, nothing appended.
    let other = env.t.login("ltj-zf").await;
    let before = env.version(case).await;
    let r = env.issue(&other, case, recs[0]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    // Without the CSRF token: refused too.
    let r = env.t.post_form(&zf, &format!("/cases/{case}/records/{}/issue", recs[0]), &[], false).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(env.version(case).await, before);
    assert!(env.numbers().await.is_empty());
    // Issued in turn: 1号, 2号.
    let first = notice(&env.issue(&zf, case, recs[0]).await);
    assert!(first.contains(&format!("文号安市监强制〔{year}〕1号")), "{first}");
    let second = notice(&env.issue(&zf, case, recs[1]).await);
    assert!(second.contains(&format!("文号安市监强制〔{year}〕2号")), "{second}");
    // The same record again, unchanged: refused with the reason, before anything is
    // numbered, rendered or appended.
    let before = env.version(case).await;
    let again = notice(&env.issue(&zf, case, recs[0]).await);
    assert!(again.contains("不能重复出具") && again.contains(&format!("安市监强制〔{year}〕1号")), "{again}");
    assert_eq!(env.version(case).await, before);
    assert_eq!(env.numbers().await.len(), 2);
    // The reason shows on the case page it leads back to.
    let page = env.t.get(Some(&zf), &format!("/cases/{case}?notice={}", enc(&again))).await;
    assert!(page.body.contains("不能重复出具"), "{}", page.body);
    // So the next number follows without a gap.
    let third = notice(&env.issue(&zf, case, recs[2]).await);
    assert!(third.contains(&format!("文号安市监强制〔{year}〕3号")), "{third}");
    let numbers = env.numbers().await;
    assert_eq!(numbers.iter().map(|n| n.0).collect::<Vec<_>>(), vec![1, 2, 3]);
    // After a correction the record is issued again under the number it has.
    let fix = [("period".to_string(), "二十日".to_string())].into_iter().collect();
    let who = env.principal("scj-zf").await;
    env.t.app.correct_record(&who, case, recs[0], "期限笔误", fix).await.unwrap();
    let reissued = notice(&env.issue(&zf, case, recs[0]).await);
    assert!(reissued.contains(&format!("文号安市监强制〔{year}〕1号")), "{reissued}");
    assert_eq!(env.numbers().await.len(), 3);
    let (c, _, _) = env.t.app.db.load_case(case).await.unwrap().unwrap();
    assert_eq!(c.documents.len(), 4);
    assert_eq!(c.document_of(recs[0]).unwrap().supersedes, Some(c.documents[0].id));
}

#[tokio::test]
async fn the_public_page_shows_the_hash_and_the_ledger_proof_and_an_unknown_document_is_a_404() {
    let env = Env::new().await;
    let (case, recs) = env.case_with_decisions(1).await;
    let zf = env.principal("scj-zf").await;
    let doc = env.t.app.issue_document(&zf, case, recs[0]).await.unwrap();
    // No login: the page is public.
    let page = env.t.get(None, &format!("/d/{}", doc.id)).await;
    assert_eq!(page.status, StatusCode::OK);
    let body = &page.body;
    assert!(body.contains("✔ 真实") && body.contains("已验证"), "{body}");
    assert!(body.contains(&format!(r#"<td class="mono" id="sha256">{}</td>"#, doc.sha256)), "{body}");
    assert!(body.contains(&doc.printed_number) && body.contains("安乡县市场监督管理局"));
    // The inclusion proof: the leaf, its hash, the hashes up to the signed checkpoint.
    let proof = body.split("<summary>包含证明（").nth(1).expect("the proof");
    let hashes = proof.split("</ol>").next().unwrap().matches("<li>").count();
    assert!(hashes > 0, "{proof}");
    assert!(proof.contains(&format!("{hashes} 个哈希")));
    assert!(body.contains("叶哈希") && body.contains("检查点"));
    let cp = env.t.app.db.ledger_checkpoint().await.unwrap();
    assert!(body.contains(cp.lines().next().unwrap()), "the signed checkpoint's origin line");
    // The leaf is the issuing event, which carries no personal data (X-05).
    assert!(!body.contains("安乡县某某商行") && !body.contains("涉嫌不合格的电线"), "{body}");
    // A visitor's hash is compared.
    let same = env.t.get(None, &format!("/d/{}?sha256={}", doc.id, doc.sha256.to_uppercase())).await;
    assert!(same.body.contains("一致") && !same.body.contains("不一致"), "{}", same.body);
    let other = env.t.get(None, &format!("/d/{}?sha256={}", doc.id, "0".repeat(64))).await;
    assert!(other.body.contains("不一致"));
    // An unknown document: a clear 404 page in Chinese; a malformed id too.
    let unknown = env.t.get(None, &format!("/d/{}", Uuid::new_v4())).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert!(unknown.body.contains("查无此文书") && unknown.body.contains("<title>"), "{}", unknown.body);
    let bad = env.t.get(None, "/d/not-a-document").await;
    assert_eq!(bad.status, StatusCode::NOT_FOUND);
    // A corrected and re-issued document's old page says so and leads to the new one.
    let fix = [("period".to_string(), "二十日".to_string())].into_iter().collect();
    env.t.app.correct_record(&zf, case, recs[0], "期限笔误", fix).await.unwrap();
    let new = env.t.app.issue_document(&zf, case, recs[0]).await.unwrap();
    let old = env.t.get(None, &format!("/d/{}", doc.id)).await.body;
    assert!(old.contains("已更正") && old.contains(&format!("/d/{}", new.id)), "{old}");
}

#[tokio::test]
async fn a_numbered_document_is_made_without_a_typed_number_and_goes_by_the_allocated_one() {
    let env = Env::new().await;
    let (case, _) = env.case_with_decisions(0).await;
    let zf = env.t.login("scj-zf").await;
    // The form does not ask for the number: it is allocated when the document is issued.
    let form = env.t.get(Some(&zf), &format!("/cases/{case}/records/new?kind=coercive_decision")).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("fields.measure") && !form.body.contains("fields.document_number"), "{}", form.body);
    let today = beijing_now().date().to_string();
    let fields = [
        ("fields.measure", "扣押"),
        ("fields.object", "涉嫌不合格的电线20卷"),
        ("fields.reason", "涉嫌销售不合格商品，防止证据损毁"),
        ("fields.basis", "《中华人民共和国产品质量法》第十八条"),
        ("fields.period", "三十日"),
        ("fields.remedies", "可在六十日内申请行政复议或六个月内提起行政诉讼"),
        ("fields.decided_on", today.as_str()),
    ];
    let r = env.t.post_form(&zf, &format!("/cases/{case}/records?kind=coercive_decision"), &fields, true).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let (c, _, _) = env.t.app.db.load_case(case).await.unwrap().unwrap();
    let rec = c.records_of(RecordKind::CoerciveDecision).next().unwrap().record.id;
    // Before issue the record says the number comes at issue; what lacks service names it
    // without a number.
    let page = env.t.get(Some(&zf), &format!("/cases/{case}/records/{rec}")).await.body;
    assert!(page.contains("出具时自动编号"), "{page}");
    let r = env.issue(&zf, case, rec).await;
    let year = beijing_now().date().year();
    let number = format!("安市监强制〔{year}〕1号");
    assert!(notice(&r).contains(&number), "{}", notice(&r));
    // After issue, the record, the case page and the service form name it by its number.
    let page = env.t.get(Some(&zf), &format!("/cases/{case}/records/{rec}")).await.body;
    assert!(page.contains(&number), "{page}");
    let case_page = env.t.get(Some(&zf), &format!("/cases/{case}")).await.body;
    assert!(case_page.contains(&number) && case_page.contains("/d/"), "{case_page}");
    assert!(case_page.contains(&format!("行政强制措施决定书（{number}）尚无送达记录")), "{case_page}");
    let service = env.t.get(Some(&zf), &format!("/cases/{case}/records/new?kind=service_direct")).await.body;
    assert!(service.contains(&format!("行政强制措施决定书（{number}）")), "{service}");
    // The case page no longer offers to issue it again (it would be refused).
    assert!(!case_page.contains(&format!("/cases/{case}/records/{rec}/issue")), "{case_page}");
    // The PDF prints the allocated number.
    let pdf = env.raw(Some(&zf), &format!("/cases/{case}/records/{rec}/pdf")).await;
    assert!(pdf.body.starts_with(b"%PDF-"));
}

// rule: L-05
#[tokio::test]
async fn the_legal_review_opinion_gets_its_own_number_issued_by_the_reviewer() {
    use zhifa_core::case::review::ChecklistItem;
    use zhifa_core::case::review::decide::Conclude;
    use zhifa_core::case::review::{ChecklistAnswer, Opinion};
    let env = Env::new().await;
    let app = &env.t.app;
    // The demo case waiting in the legal unit's queue.
    let case =
        app.db.cases_of_agency(env.agency).await.unwrap().into_iter().find(|c| c.party_name == "王某某").unwrap().id;
    let fzsh = env.principal("scj-fzsh").await;
    let round = app.db.load_case(case).await.unwrap().unwrap().0.review.rounds[0].id;
    let checklist = ChecklistItem::ALL
        .iter()
        .map(|i| ChecklistAnswer { item: *i, answer: i.sound_answer(), note: String::new() })
        .collect();
    let conclude =
        Conclude { round, checklist, opinion: Opinion::Approve, reasons: "事实清楚，证据确凿".into() };
    app.conclude_review(&fzsh, case, conclude).await.unwrap();
    let (c, _, _) = app.db.load_case(case).await.unwrap().unwrap();
    let opinion = c.records_of(RecordKind::LegalReviewOpinion).last().unwrap().record.id;
    // The reviewer issues it from the case page; another agency's reviewer cannot.
    let other = env.t.login("ltj-fzsh").await;
    assert_eq!(env.issue(&other, case, opinion).await.status, StatusCode::FORBIDDEN);
    let b = env.t.login("scj-fzsh").await;
    // Not assigned to the case, the reviewer states why the file is opened (R-18).
    let page = env.t.get(Some(&b), &format!("/cases/{case}?purpose={}", enc("法制审核"))).await.body;
    assert!(page.contains(&format!("/cases/{case}/records/{opinion}/issue")), "{page}");
    let year = beijing_now().date().year();
    let first = notice(&env.issue(&b, case, opinion).await);
    assert!(first.contains(&format!("文号安市监法审〔{year}〕1号")), "{first}");
    let stored = app.db.document_numbers(env.agency, DocType::LegalReviewOpinion, year).await.unwrap();
    assert_eq!(stored, vec![(1, format!("安市监法审〔{year}〕1号"))]);
    // Its own sequence: the coercive decisions still start at 1.
    let (case2, recs) = env.case_with_decisions(1).await;
    let zf = env.t.login("scj-zf").await;
    assert!(notice(&env.issue(&zf, case2, recs[0]).await).contains(&format!("安市监强制〔{year}〕1号")));
    // The reviewer issues nothing else.
    let (c, _, _) = app.db.load_case(case).await.unwrap().unwrap();
    let draft = c.records_of(RecordKind::DecisionDraft).next().unwrap().record.id;
    assert_eq!(env.issue(&b, case, draft).await.status, StatusCode::FORBIDDEN);
}
