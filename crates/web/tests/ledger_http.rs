//! The ledger's public endpoints, its proof API and the "verify this record" page through
//! the real router (rule X-01; R-18 for the page): checked the way an outside verifier
//! would, with nothing but what the server publishes and `zhifa-ledger`.

mod support;

use axum::http::{StatusCode, header};
use serde_json::Value;
use support::*;
use uuid::Uuid;
use zhifa_app::App;
use zhifa_core::access::{Principal, Role};
use zhifa_core::events::{Actor, DomainEvent, stream};
use zhifa_core::registry::{Agency, AgencyEvent, AgencyInfo, UnitKind};
use zhifa_ledger::{Checkpoint, Hash, MemorySource, NoteVerifier, TileId, decode_tile};
use zhifa_store::testing::TestDb;
use zhifa_store::{Backend, Db, ExpectedVersion};
use zhifa_web::{AppState, WebConfig, router};

/// A router over a fresh database holding `n` events and nothing else.
async fn with_events(n: usize) -> TestApp {
    let t = TestDb::new().await;
    let actor = Actor { account_id: None, name: "测试".into(), role: Some(Role::Administrator), agency_id: None };
    let mut appended = 0;
    while appended < n {
        let id = Uuid::new_v4();
        let info = AgencyInfo { name: format!("测试机关{id}"), short_name: "测".into(), ..Default::default() };
        let mut events: Vec<DomainEvent> =
            vec![AgencyEvent::AgencyRegistered { agency_id: id, info, profile_id: "anxiang".into() }.into()];
        while events.len() < 100.min(n - appended) {
            let unit = Agency::default().decide_add_unit(&format!("第{}股", events.len()), UnitKind::Handling, "");
            events.push(unit.unwrap().into());
        }
        appended += events.len();
        t.db.append_to(&actor, &stream::agency(id), ExpectedVersion::NoStream, events).await.unwrap();
    }
    let app = App::new(t.db.clone());
    let router = router(AppState::new(app.clone(), WebConfig::default()));
    TestApp { _db: t, app, router, _files: None }
}

/// What an outside verifier trusts: the key served at /ledger/key.
async fn served_key(t: &TestApp) -> NoteVerifier {
    let key = t.get(None, "/ledger/key").await;
    assert_eq!(key.status, StatusCode::OK);
    NoteVerifier::parse(key.body.trim()).expect("a note verifier key")
}

async fn served_checkpoint(t: &TestApp) -> Checkpoint {
    let note = t.get(None, "/ledger/checkpoint").await;
    assert_eq!(note.status, StatusCode::OK);
    served_key(t).await.open_checkpoint(note.body.as_bytes()).expect("the checkpoint verifies with the served key")
}

async fn event_count(db: &Db) -> u64 {
    db.read_all(0, 100_000).await.unwrap().len() as u64
}

/// The raw bytes of a GET.
async fn get_bytes(t: &TestApp, path: &str) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let req = axum::http::Request::get(path).body(axum::body::Body::empty()).unwrap();
    let res = t.router.clone().oneshot(req).await.unwrap();
    let (status, headers) = (res.status(), res.headers().clone());
    (status, headers, res.into_body().collect().await.unwrap().to_bytes().to_vec())
}

fn b64(v: &Value) -> Hash {
    Hash::from_base64(v.as_str().expect("a base64 string")).expect("a 32-byte hash")
}

// rule: X-01
#[tokio::test]
async fn the_public_checkpoint_verifies_with_the_served_key_and_covers_every_event() {
    let t = TestApp::with_demo().await;
    let note = t.get(None, "/ledger/checkpoint").await;
    assert_eq!(note.headers[header::CONTENT_TYPE], "text/plain; charset=utf-8");
    let key = t.get(None, "/ledger/key").await;
    assert_eq!(key.headers[header::CONTENT_TYPE], "text/plain; charset=utf-8");
    assert_eq!(key.body.trim(), t.app.db.ledger_key().verifier_key());
    let cp = served_checkpoint(&t).await;
    assert_eq!(cp.size, event_count(&t.app.db).await, "no login needed, and every event is covered");
    assert_eq!(cp.origin, "zhifa.test/ledger");
    // The public page shows both, and says how to verify.
    let page = t.get(None, "/ledger").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(&t.app.db.ledger_key().verifier_key()), "{}", page.body);
    assert!(page.body.contains("如何验证"));
    assert!(page.body.contains(&cp.root.to_base64()));
    // Every page links to it.
    assert!(t.get(None, "/login").await.body.contains("href=\"/ledger\""));
}

// rule: X-01
#[tokio::test]
async fn hash_tiles_recompute_the_signed_root() {
    let t = with_events(300).await;
    let cp = served_checkpoint(&t).await;
    assert_eq!(cp.size, 300);
    // Level 0: one full tile of 256 leaf hashes, then the right edge as a partial tile.
    let (status, headers, full) = get_bytes(&t, "/ledger/tile/0/000").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "application/octet-stream");
    assert_eq!(headers[header::CACHE_CONTROL], "public, max-age=31536000, immutable");
    let edge = TileId::containing(0, 299, 300).unwrap();
    assert_eq!(edge.path(), "tile/0/001.p/44");
    let (status, headers, partial) = get_bytes(&t, &format!("/ledger/{}", edge.path())).await;
    assert_eq!(status, StatusCode::OK);
    assert_ne!(headers[header::CACHE_CONTROL], "public, max-age=31536000, immutable", "a partial tile is short-lived");
    let mut leaves = decode_tile(&full).unwrap();
    leaves.extend(decode_tile(&partial).unwrap());
    assert_eq!(leaves.len(), 300);
    let tree = MemorySource::from_iter(leaves.clone());
    assert_eq!(zhifa_ledger::root(&tree, 300).unwrap(), cp.root, "the tiles recompute the signed root");
    // Level 1 holds the root of each full 256-leaf block.
    let (status, _, level1) = get_bytes(&t, "/ledger/tile/1/000.p/1").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(decode_tile(&level1).unwrap(), [zhifa_ledger::root(&tree, 256).unwrap()]);
    // A narrower partial tile is a prefix of the wider one.
    let (_, _, narrow) = get_bytes(&t, "/ledger/tile/0/001.p/10").await;
    assert_eq!(narrow, partial[..10 * 32]);
    // Tiles the tree does not hold yet.
    for path in ["/ledger/tile/0/001", "/ledger/tile/0/001.p/45", "/ledger/tile/0/002", "/ledger/tile/1/000"] {
        let r = t.get(None, path).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
        assert!(r.body.contains("不在当前账本中"), "{path}: {}", r.body);
    }
}

// rule: X-01
#[tokio::test]
async fn malformed_tile_paths_and_entry_bundles_are_refused_with_a_message() {
    let t = with_events(5).await;
    for path in [
        "/ledger/tile/0/1",
        "/ledger/tile/0/x000/001",
        "/ledger/tile/0/000.p/256",
        "/ledger/tile/0/000.p/0",
        "/ledger/tile/9/000",
        "/ledger/tile/abc",
        "/ledger/tile/0/000.p/",
        "/ledger/tile/8/0/000",
    ] {
        let r = t.get(None, path).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{path}: {}", r.body);
        assert!(
            r.body.contains("瓦片路径无效") && r.body.contains("/ledger/tile/0/x001/234.p/8"),
            "{path}: {}",
            r.body
        );
    }
    assert_eq!(t.get(None, "/ledger/tile/").await.status, StatusCode::NOT_FOUND);
    // Entry bundles would publish the events' contents.
    for path in ["/ledger/tile/entries/000.p/5", "/ledger/tile/entries/000"] {
        let r = t.get(None, path).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
        assert!(r.body.contains("不公开"), "{}", r.body);
    }
    let (status, _, bytes) = get_bytes(&t, "/ledger/tile/0/000.p/5").await;
    assert_eq!((status, bytes.len()), (StatusCode::OK, 5 * 32));
}

// rule: X-01
#[tokio::test]
async fn the_inclusion_api_gives_proofs_that_verify_against_the_signed_checkpoint() {
    let t = TestApp::with_demo().await;
    let b = t.login("scj-zf").await;
    let key = served_key(&t).await;
    let size = event_count(&t.app.db).await;
    for position in [1, 2, size / 2, size] {
        let r = t.get(Some(&b), &format!("/api/v1/ledger/inclusion/{position}")).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let v: Value = serde_json::from_str(&r.body).unwrap();
        let cp = key.open_checkpoint(v["checkpoint"].as_str().unwrap().as_bytes()).unwrap();
        assert_eq!((v["position"].as_u64(), v["leaf_index"].as_u64()), (Some(position), Some(position - 1)));
        assert_eq!(v["tree_size"].as_u64(), Some(cp.size));
        let proof: Vec<Hash> = v["proof"].as_array().unwrap().iter().map(b64).collect();
        zhifa_ledger::verify_inclusion(&b64(&v["leaf_hash"]), position - 1, cp.size, &proof, &cp.root)
            .unwrap_or_else(|e| panic!("position {position}: {e}"));
        // The proof carries hashes only, never the event's contents.
        assert!(v.get("leaf").is_none());
    }
    // In the tree of the latest size given explicitly.
    let r = t.get(Some(&b), &format!("/api/v1/ledger/inclusion/1?size={size}")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // Refusals, each with a message.
    for (path, status) in [
        ("/api/v1/ledger/inclusion/0".to_string(), StatusCode::NOT_FOUND),
        (format!("/api/v1/ledger/inclusion/{}", size + 1), StatusCode::NOT_FOUND),
        ("/api/v1/ledger/inclusion/abc".to_string(), StatusCode::UNPROCESSABLE_ENTITY),
        ("/api/v1/ledger/inclusion/1?size=x".to_string(), StatusCode::UNPROCESSABLE_ENTITY),
        (format!("/api/v1/ledger/inclusion/1?size={}", size + 5), StatusCode::NOT_FOUND),
    ] {
        let r = t.get(Some(&b), &path).await;
        assert_eq!(r.status, status, "{path}: {}", r.body);
        let v: Value = serde_json::from_str(&r.body).unwrap();
        assert!(!v["message"].as_str().unwrap().is_empty());
    }
    // Logged-in clients only.
    assert_eq!(t.get(None, "/api/v1/ledger/inclusion/1").await.status, StatusCode::UNAUTHORIZED);
}

// rule: X-01
#[tokio::test]
async fn consistency_proofs_link_published_checkpoints() {
    let t = with_events(40).await;
    t.app.bootstrap_admin("admin", zhifa_app::demo::DEMO_PASSWORD).await.unwrap();
    let b = t.login("admin").await;
    let actor = Actor { account_id: None, name: "测试".into(), role: Some(Role::Administrator), agency_id: None };
    let register = || {
        let id = Uuid::new_v4();
        let info = AgencyInfo { name: format!("测试机关{id}"), short_name: "测".into(), ..Default::default() };
        let event: DomainEvent =
            AgencyEvent::AgencyRegistered { agency_id: id, info, profile_id: "anxiang".into() }.into();
        (stream::agency(id), vec![event])
    };
    let (s1, e1) = register();
    t.app.db.append_to(&actor, &s1, ExpectedVersion::NoStream, e1).await.unwrap();
    // The writer publishes the head after a second without appends.
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    let first = served_checkpoint(&t).await;
    let (s2, e2) = register();
    t.app.db.append_to(&actor, &s2, ExpectedVersion::NoStream, e2).await.unwrap();
    let second = served_checkpoint(&t).await;
    let (m, n) = (first.size, second.size);
    assert_eq!(n, m + 1);
    let list: Value = serde_json::from_str(&t.get(Some(&b), "/api/v1/ledger/checkpoints").await.body).unwrap();
    assert!(list["sizes"].as_array().unwrap().contains(&Value::from(m)), "{list}");
    assert_eq!(list["latest"].as_u64(), Some(n));
    let r = t.get(Some(&b), &format!("/api/v1/ledger/consistency?from={m}")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v: Value = serde_json::from_str(&r.body).unwrap();
    let key = served_key(&t).await;
    let old = key.open_checkpoint(v["from_checkpoint"].as_str().unwrap().as_bytes()).unwrap();
    let new = key.open_checkpoint(v["to_checkpoint"].as_str().unwrap().as_bytes()).unwrap();
    assert_eq!((&old, &new), (&first, &second));
    let proof: Vec<Hash> = v["proof"].as_array().unwrap().iter().map(b64).collect();
    zhifa_ledger::verify_consistency(m, n, &proof, &old.root, &new.root).unwrap();
    assert!(zhifa_ledger::verify_consistency(m - 1, n, &proof, &old.root, &new.root).is_err());
    // Sizes never published, and sizes out of order.
    let sizes = list["sizes"].as_array().unwrap();
    let never = (1..m).find(|s| !sizes.contains(&Value::from(*s))).expect("a size inside a group is never published");
    for path in [
        format!("/api/v1/ledger/consistency?from={never}&to={n}"),
        format!("/api/v1/ledger/consistency?from={n}&to={m}"),
    ] {
        let r = t.get(Some(&b), &path).await;
        assert!(matches!(r.status, StatusCode::NOT_FOUND | StatusCode::UNPROCESSABLE_ENTITY), "{path}: {}", r.body);
    }
    assert_eq!(t.get(Some(&b), "/api/v1/ledger/consistency").await.status, StatusCode::UNPROCESSABLE_ENTITY);
}

async fn principal(t: &TestApp, username: &str) -> Principal {
    t.app.db.account_for_login(username).await.unwrap().unwrap().0.principal()
}

/// A demo case the officer `scj-zf` handles, and its events.
async fn a_case(t: &TestApp) -> (Uuid, Vec<zhifa_core::events::RecordedEvent>) {
    let zf = principal(t, "scj-zf").await;
    let case = t.app.cases_for(&zf).await.unwrap().into_iter().next().expect("demo cases").id;
    let events = t.app.db.load_stream(&stream::case(case)).await.unwrap();
    (case, events)
}

/// Runs `sql` with the append-only triggers of `events` lifted.
async fn tamper(db: &Db, sql: &str) {
    let script = match db.backend() {
        Backend::Sqlite => format!("DROP TRIGGER IF EXISTS events_refuse_update; {sql}"),
        Backend::Postgres => {
            format!("ALTER TABLE events DISABLE TRIGGER USER; {sql}; ALTER TABLE events ENABLE TRIGGER USER")
        }
    };
    sqlx::raw_sql(sqlx::AssertSqlSafe(script)).execute(db.writer()).await.expect("tampering SQL");
}

// rule: X-01
// rule: R-18
#[tokio::test]
async fn the_verify_page_shows_every_event_of_an_untouched_case_verified_and_logs_the_opening() {
    let t = TestApp::with_demo().await;
    let (case, events) = a_case(&t).await;
    let b = t.login("scj-zf").await;
    let before = t.app.db.load_stream(&stream::access(case)).await.unwrap().len();
    let page = t.get(Some(&b), &format!("/cases/{case}/verify")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("✔ 本案全部"), "{}", page.body);
    assert!(!page.body.contains("✘"), "{}", page.body);
    for e in &events {
        assert!(page.body.contains(&format!("id=\"event-{}\"", e.position)), "event {} is listed", e.position);
    }
    // The proof of each event, collapsible; the checkpoint and the key; what was checked.
    assert!(page.body.contains("<details><summary>包含证明"));
    assert!(page.body.contains(&t.app.db.ledger_key().verifier_key()));
    assert!(page.body.contains("验证了什么"));
    // Opening the page is a reading of the case, logged, and listed on it.
    let after = t.app.db.load_stream(&stream::access(case)).await.unwrap();
    assert_eq!(after.len(), before + 1);
    assert!(page.body.contains(&format!("id=\"event-{}\"", after.last().unwrap().position)));
}

// rule: R-18
#[tokio::test]
async fn a_reader_not_assigned_states_a_purpose_before_verifying() {
    let t = TestApp::with_demo().await;
    let (case, _) = a_case(&t).await;
    let b = t.login("sfj-jd").await;
    let form = t.get(Some(&b), &format!("/cases/{case}/verify")).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("调阅事由"), "{}", form.body);
    assert!(!form.body.contains("验证了什么"));
    let page = t.get(Some(&b), &format!("/cases/{case}/verify?purpose={}", enc("执法监督检查"))).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("✔ 本案全部"), "{}", page.body);
    let log = t.app.db.access_log(case).await.unwrap();
    assert!(log.iter().any(
        |(_, a)| matches!(a, zhifa_core::case::AccessEvent::RecordOpened { purpose, .. } if purpose == "执法监督检查")
    ));
    // Another agency's officer is refused.
    let other = t.login("ltj-zf").await;
    assert_eq!(t.get(Some(&other), &format!("/cases/{case}/verify?purpose=x")).await.status, StatusCode::FORBIDDEN);
}

// rule: X-01
#[tokio::test]
async fn the_verify_page_marks_a_changed_event() {
    let t = TestApp::with_demo().await;
    let (case, events) = a_case(&t).await;
    let changed = &events[events.len() / 2];
    tamper(&t.app.db, &format!("UPDATE events SET actor_name = '王某' WHERE position = {}", changed.position)).await;
    let b = t.login("scj-zf").await;
    let page = t.get(Some(&b), &format!("/cases/{case}/verify")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("✘ 有 1 条记录未通过验证"), "{}", page.body);
    let row = page.body.split(&format!("id=\"event-{}\"", changed.position)).nth(1).unwrap();
    let row = row.split("</tr>").next().unwrap();
    assert!(row.contains("✘") && row.contains("写入后被改动"), "{row}");
}

// rule: X-01
#[tokio::test]
async fn anyone_checks_online_that_a_saved_checkpoint_is_a_prefix_of_todays_ledger() {
    let t = with_events(300).await;
    let saved = t.get(None, "/ledger/checkpoint").await.body;
    let actor = Actor { account_id: None, name: "测试".into(), role: Some(Role::Administrator), agency_id: None };
    let id = Uuid::new_v4();
    let info = AgencyInfo { name: format!("后来的机关{id}"), short_name: "后".into(), ..Default::default() };
    let event: DomainEvent = AgencyEvent::AgencyRegistered { agency_id: id, info, profile_id: "anxiang".into() }.into();
    t.app.db.append_to(&actor, &stream::agency(id), ExpectedVersion::NoStream, vec![event]).await.unwrap();
    let enc = |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let page = t.get(None, &format!("/ledger/consistency?old={}", enc(&saved))).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("✔ 一致"), "{}", page.body);
    // A checkpoint signed by someone else is not this ledger's.
    let other = zhifa_store::ledger::LedgerKey::generate(t.app.db.ledger_key().origin()).unwrap();
    let cp = served_checkpoint(&t).await;
    let forged = other.sign_checkpoint(cp.size, cp.root).unwrap();
    let page = t.get(None, &format!("/ledger/consistency?old={}", enc(&forged))).await;
    assert!(page.body.contains("不是本账本签发的"), "{}", page.body);
    let page = t.get(None, "/ledger/consistency?from=abc").await;
    assert!(page.body.contains("应为正整数"), "{}", page.body);
    // The first 256 events rewritten behind the ledger's back (their subtree node replaced)
    // break the proof.
    let rewrite = match t.app.db.backend() {
        Backend::Sqlite => "DROP TRIGGER IF EXISTS ledger_nodes_refuse_update; \
             UPDATE ledger_nodes SET hash = (SELECT leaf_hash FROM events WHERE position = 1) WHERE level = 8 AND idx = 0"
            .to_string(),
        Backend::Postgres => "ALTER TABLE ledger_nodes DISABLE TRIGGER USER; \
             UPDATE ledger_nodes SET hash = (SELECT leaf_hash FROM events WHERE position = 1) WHERE level = 8 AND idx = 0; \
             ALTER TABLE ledger_nodes ENABLE TRIGGER USER"
            .to_string(),
    };
    sqlx::raw_sql(sqlx::AssertSqlSafe(rewrite)).execute(t.app.db.writer()).await.unwrap();
    let page = t.get(None, &format!("/ledger/consistency?old={}", enc(&saved))).await;
    assert!(page.body.contains("✘ 不一致") || page.body.contains("账本"), "{}", page.body);
    assert!(!page.body.contains("✔ 一致"), "{}", page.body);
}
