//! The tamper-evident ledger against a real database (SQLite or PostgreSQL, see `testing`):
//! what an append writes, proofs served from the stored hashes, and verification naming
//! exactly what was tampered with after the append-only triggers were lifted by hand.

use sqlx::Row;
use uuid::Uuid;
use zhifa_core::access::Role;
use zhifa_core::events::{Actor, DomainEvent, RecordedEvent, stream};
use zhifa_core::registry::{AgencyEvent, AgencyInfo, UnitKind};
use zhifa_ledger::{Checkpoint, Hash, NoteVerifier, decode_tile, verify_consistency};
use zhifa_store::ledger::{EventRef, Issue, VerifyReport};
use zhifa_store::testing::TestDb;
use zhifa_store::{Backend, Db, ExpectedVersion, LedgerKey};

fn actor() -> Actor {
    Actor {
        account_id: Some(Uuid::new_v4()),
        name: "李审核".into(),
        role: Some(Role::Administrator),
        agency_id: Some(Uuid::new_v4()),
    }
}

/// Appends `n` events: agencies of up to 50 events each (a registration, then units).
async fn fill(db: &Db, n: usize) -> Vec<RecordedEvent> {
    let mut out = Vec::new();
    let mut agency = 0;
    while out.len() < n {
        agency += 1;
        let id = Uuid::new_v4();
        let info =
            AgencyInfo {
                name: format!("测试机关{}", Uuid::new_v4()), short_name: "测".into(), ..Default::default()
            };
        let mut events: Vec<DomainEvent> =
            vec![AgencyEvent::AgencyRegistered { agency_id: id, info, profile_id: "anxiang".into() }.into()];
        let a = zhifa_core::registry::Agency::default();
        while events.len() < 50.min(n - out.len()) {
            events.push(
                a.decide_add_unit(&format!("第{agency}机关第{}股", events.len()), UnitKind::Handling, "")
                    .unwrap()
                    .into(),
            );
        }
        out.extend(db.append_to(&actor(), &stream::agency(id), ExpectedVersion::NoStream, events).await.unwrap());
    }
    out
}

/// Runs `sql` with the append-only triggers of the events and ledger tables lifted.
async fn tamper(db: &Db, sql: &str) {
    let script = match db.backend() {
        Backend::Sqlite => {
            let mut drop = String::new();
            for t in [
                "events_refuse_update",
                "events_refuse_delete",
                "ledger_nodes_refuse_update",
                "ledger_nodes_refuse_delete",
                "ledger_checkpoints_refuse_update",
                "ledger_checkpoints_refuse_delete",
            ] {
                drop.push_str(&format!("DROP TRIGGER IF EXISTS {t}; "));
            }
            format!("{drop}{sql}")
        }
        Backend::Postgres => {
            let tables = ["events", "ledger_nodes", "ledger_checkpoints"];
            let off: String = tables.iter().map(|t| format!("ALTER TABLE {t} DISABLE TRIGGER USER; ")).collect();
            let on: String = tables.iter().map(|t| format!("ALTER TABLE {t} ENABLE TRIGGER USER; ")).collect();
            format!("{off}{sql}; {on}")
        }
    };
    sqlx::raw_sql(sqlx::AssertSqlSafe(script)).execute(db.writer()).await.expect("tampering SQL");
}

async fn verify(db: &Db) -> VerifyReport {
    db.verify_ledger(|_| {}).await.expect("verification runs")
}

fn named(e: &RecordedEvent) -> EventRef {
    EventRef {
        position: e.position,
        stream_id: e.stream_id.clone(),
        version: e.version,
        event_type: e.event_type.clone(),
    }
}

fn verifier(db: &Db) -> NoteVerifier {
    // What an outside verifier has: the published verifier key text.
    NoteVerifier::parse(&db.ledger_key().verifier_key()).unwrap()
}

async fn latest(db: &Db) -> Checkpoint {
    verifier(db).open_checkpoint(db.ledger_checkpoint().await.unwrap().as_bytes()).unwrap()
}

// rule: X-01
#[tokio::test]
async fn an_untouched_ledger_verifies_and_its_checkpoint_covers_every_event() {
    let t = TestDb::new().await;
    let empty = latest(&t.db).await;
    assert_eq!((empty.size, empty.root), (0, zhifa_ledger::EMPTY_ROOT));
    let events = fill(&t.db, 600).await;
    let cp = latest(&t.db).await;
    assert_eq!(cp.size, 600);
    assert_eq!(cp.origin, "zhifa.test/ledger");
    assert_eq!(t.db.ledger_root(600).await.unwrap(), cp.root);
    let mut pages = 0;
    let mut visited = Vec::new();
    let report =
        t.db.verify_ledger_visiting(|p| pages += u64::from(p.done > 0), |e| visited.push(e.clone())).await.unwrap();
    assert!(report.is_intact(), "{:?}", report.issues);
    assert_eq!((report.ledger_size, report.events_read, report.root), (600, 600, cp.root));
    assert_eq!(report.checkpoint, Some(cp));
    assert!(report.checkpoints_checked >= 1);
    assert!(pages >= 1);
    assert_eq!(visited, events, "the visitor sees every event, decoded, in order");
    // Two full 256-leaf blocks: two level-8 nodes, written as their blocks completed.
    let nodes: i64 = sqlx::query("SELECT COUNT(*) FROM ledger_nodes WHERE level = 8")
        .fetch_one(t.db.reader())
        .await
        .unwrap()
        .try_get(0)
        .unwrap();
    assert_eq!(nodes, 2);
}

// rule: X-01
#[tokio::test]
async fn the_ledger_tables_refuse_update_and_delete() {
    let t = TestDb::new().await;
    fill(&t.db, 300).await;
    tokio::time::sleep(std::time::Duration::from_millis(1300)).await;
    for sql in [
        "UPDATE ledger_nodes SET hash = hash",
        "DELETE FROM ledger_nodes",
        "UPDATE ledger_checkpoints SET note = note",
        "DELETE FROM ledger_checkpoints",
        "UPDATE events SET leaf_hash = NULL",
    ] {
        let err = sqlx::query(sql).execute(t.db.writer()).await.expect_err(sql).to_string();
        assert!(err.contains("append-only"), "{sql}: {err}");
    }
}

#[tokio::test]
async fn every_event_has_an_inclusion_proof_that_verifies_against_the_checkpoint() {
    let t = TestDb::new().await;
    let events = fill(&t.db, 300).await;
    let v = verifier(&t.db);
    for e in &events {
        let proof = t.db.inclusion_proof(e.position).await.unwrap();
        assert_eq!(proof.tree_size, 300);
        proof.verify(&v).unwrap_or_else(|err| panic!("proof of {}: {err}", e.position));
        // The leaf bytes name the event.
        let leaf: serde_json::Value = serde_json::from_slice(&proof.leaf).unwrap();
        assert_eq!(leaf["position"], e.position);
        assert_eq!(leaf["stream_id"], e.stream_id.as_str());
    }
    // A proof in an older tree, and forgeries.
    let old = t.db.inclusion_proof_in(5, 200).await.unwrap();
    assert_eq!(old.tree_size, 200);
    let root_200 = t.db.ledger_root(200).await.unwrap();
    zhifa_ledger::verify_inclusion(&old.leaf_hash, 4, 200, &old.proof, &root_200).unwrap();
    let mut forged = t.db.inclusion_proof(7).await.unwrap();
    forged.leaf = t.db.inclusion_proof(8).await.unwrap().leaf;
    assert!(forged.verify(&v).is_err());
    let mut forged = t.db.inclusion_proof(7).await.unwrap();
    forged.proof[0].0[0] ^= 1;
    assert!(forged.verify(&v).is_err());
    assert!(t.db.inclusion_proof(301).await.is_err());
    assert!(t.db.inclusion_proof(0).await.is_err());
    assert!(t.db.inclusion_proof_in(1, 301).await.is_err());
}

#[tokio::test]
async fn consistency_proofs_link_published_checkpoints() {
    let t = TestDb::new().await;
    fill(&t.db, 120).await;
    let first = latest(&t.db).await;
    fill(&t.db, 400).await;
    let second = latest(&t.db).await;
    assert_eq!((first.size, second.size), (120, 520));
    let proof = t.db.consistency_proof(first.size, second.size).await.unwrap();
    verify_consistency(first.size, second.size, &proof, &first.root, &second.root).unwrap();
    assert!(verify_consistency(first.size, second.size, &proof[1..], &first.root, &second.root).is_err());
    assert!(verify_consistency(first.size + 1, second.size, &proof, &first.root, &second.root).is_err());
    assert!(t.db.consistency_proof(0, 10).await.is_err());
    assert!(t.db.consistency_proof(10, 521).await.is_err());
    // The writer publishes the head's checkpoint after a second without appends.
    tokio::time::sleep(std::time::Duration::from_millis(1600)).await;
    let published = t.db.checkpoint_sizes(1, u64::MAX, 100).await.unwrap();
    assert!(published.contains(&520), "{published:?}");
    for size in published {
        let note = t.db.checkpoint_at(size).await.unwrap().unwrap();
        let cp = verifier(&t.db).open_checkpoint(note.as_bytes()).unwrap();
        let proof = t.db.consistency_proof(size, 520).await.unwrap();
        verify_consistency(size, 520, &proof, &cp.root, &second.root).unwrap();
    }
}

// rule: X-01
#[tokio::test]
async fn a_changed_payload_is_named() {
    let t = TestDb::new().await;
    let events = fill(&t.db, 300).await;
    tamper(&t.db, "UPDATE events SET payload = REPLACE(payload, '股', '科') WHERE position = 123").await;
    let report = verify(&t.db).await;
    assert_eq!(report.issues, [Issue::Changed { event: named(&events[122]) }]);
    assert!(report.issues[0].to_string().contains("第123号事件"), "{}", report.issues[0]);
}

// rule: X-01
#[tokio::test]
async fn a_changed_actor_or_time_is_named() {
    let t = TestDb::new().await;
    let events = fill(&t.db, 60).await;
    tamper(&t.db, "UPDATE events SET actor_name = '王某' WHERE position = 2").await;
    tamper(&t.db, "UPDATE events SET recorded_at = '2020-01-01T00:00:00.000000Z' WHERE position = 59").await;
    let report = verify(&t.db).await;
    assert_eq!(
        report.issues,
        [Issue::Changed { event: named(&events[1]) }, Issue::Changed { event: named(&events[58]) }]
    );
}

// rule: X-01
#[tokio::test]
async fn a_removed_row_is_named_by_position_stream_and_version() {
    let t = TestDb::new().await;
    let events = fill(&t.db, 300).await;
    tamper(&t.db, "DELETE FROM events WHERE position = 77").await;
    let report = verify(&t.db).await;
    let gone = &events[76];
    assert_eq!(
        report.issues,
        [
            Issue::Missing { position: 77 },
            Issue::VersionGap {
                stream_id: gone.stream_id.clone(),
                from: gone.version,
                to: gone.version,
                next: named(&events[77]),
            },
        ]
    );
    // The last event removed: only its position can be named.
    tamper(&t.db, "DELETE FROM events WHERE position = 300").await;
    let report = verify(&t.db).await;
    assert!(report.issues.contains(&Issue::Missing { position: 300 }), "{:?}", report.issues);
}

// rule: X-01
#[tokio::test]
async fn two_swapped_rows_are_named() {
    let t = TestDb::new().await;
    let events = fill(&t.db, 300).await;
    // Rows 50 and 160 trade places (everything moves with the position).
    tamper(
        &t.db,
        "UPDATE events SET position = -50 WHERE position = 50; \
         UPDATE events SET position = 50 WHERE position = 160; \
         UPDATE events SET position = 160 WHERE position = -50",
    )
    .await;
    let report = verify(&t.db).await;
    let mut at_50 = named(&events[159]);
    at_50.position = 50;
    let mut at_160 = named(&events[49]);
    at_160.position = 160;
    assert_eq!(
        report.issues,
        [Issue::Moved { event: at_50, recorded_at: 160 }, Issue::Moved { event: at_160, recorded_at: 50 }]
    );
}

// rule: X-01
#[tokio::test]
async fn a_row_inserted_directly_is_named() {
    let t = TestDb::new().await;
    let events = fill(&t.db, 100).await;
    // A copy of event 100 as a new row 101, with a well-formed leaf hash.
    tamper(
        &t.db,
        "INSERT INTO events (position, stream_id, version, event_type, payload, actor_account, actor_name, \
         actor_role, actor_agency, recorded_at, leaf_hash) \
         SELECT 101, stream_id, version + 1, event_type, payload, actor_account, actor_name, actor_role, \
         actor_agency, recorded_at, leaf_hash FROM events WHERE position = 100",
    )
    .await;
    let report = verify(&t.db).await;
    let last = &events[99];
    let inserted = EventRef {
        position: 101,
        stream_id: last.stream_id.clone(),
        version: last.version + 1,
        event_type: last.event_type.clone(),
    };
    assert_eq!(report.issues, [Issue::NotInLedger { event: inserted }]);
}

// rule: X-01
#[tokio::test]
async fn a_changed_ledger_node_is_named() {
    let t = TestDb::new().await;
    fill(&t.db, 600).await;
    let zero = match t.db.backend() {
        Backend::Sqlite => "zeroblob(32)",
        Backend::Postgres => "decode(repeat('00', 32), 'hex')",
    };
    tamper(&t.db, &format!("UPDATE ledger_nodes SET hash = {zero} WHERE level = 8 AND idx = 1")).await;
    let report = verify(&t.db).await;
    assert_eq!(report.issues.len(), 1, "{:?}", report.issues);
    assert!(matches!(&report.issues[0], Issue::BadNode { level: 8, index: 1, .. }), "{:?}", report.issues);
    // Proofs through that node now fail instead of proving something false.
    let proof = t.db.inclusion_proof(10).await.unwrap();
    assert!(proof.verify(&verifier(&t.db)).is_err());
    tamper(&t.db, "DELETE FROM ledger_nodes WHERE level = 8 AND idx = 0").await;
    let report = verify(&t.db).await;
    assert!(
        report.issues.iter().any(|i| matches!(i, Issue::BadNode { level: 8, index: 0, .. })),
        "{:?}",
        report.issues
    );
    assert!(t.db.inclusion_proof(600).await.is_err(), "a missing node is an error, not a wrong proof");
}

// rule: X-01
#[tokio::test]
async fn a_changed_leaf_hash_alone_is_told_apart_from_a_changed_event() {
    let t = TestDb::new().await;
    let events = fill(&t.db, 300).await;
    let zero = match t.db.backend() {
        Backend::Sqlite => "zeroblob(32)",
        Backend::Postgres => "decode(repeat('00', 32), 'hex')",
    };
    tamper(&t.db, &format!("UPDATE events SET leaf_hash = {zero} WHERE position = 280")).await;
    tamper(&t.db, "UPDATE events SET leaf_hash = NULL WHERE position = 20").await;
    let report = verify(&t.db).await;
    assert_eq!(
        report.issues,
        [Issue::LeafHashAltered { event: named(&events[19]) }, Issue::LeafHashAltered { event: named(&events[279]) },]
    );
}

// rule: X-01
#[tokio::test]
async fn an_event_changed_with_its_leaf_hash_is_caught_by_the_signed_tree() {
    let t = TestDb::new().await;
    fill(&t.db, 300).await;
    // Change event 100 and recompute its leaf hash, as an attacker who knows the format would.
    tamper(&t.db, "UPDATE events SET actor_name = '王某' WHERE position = 100").await;
    let row = sqlx::query(
        "SELECT position, stream_id, version, event_type, payload, actor_account, actor_name, actor_role, \
         actor_agency, recorded_at FROM events WHERE position = 100",
    )
    .fetch_one(t.db.reader())
    .await
    .unwrap();
    let (account, role, agency): (Option<String>, Option<String>, Option<String>) =
        (row.try_get(5).unwrap(), row.try_get(7).unwrap(), row.try_get(8).unwrap());
    let fields = zhifa_store::ledger::LeafFields {
        position: 100,
        stream_id: &row.try_get::<String, _>(1).unwrap(),
        version: row.try_get(2).unwrap(),
        event_type: &row.try_get::<String, _>(3).unwrap(),
        payload: &row.try_get::<String, _>(4).unwrap(),
        actor_account: account.as_deref(),
        actor_name: &row.try_get::<String, _>(6).unwrap(),
        actor_role: role.as_deref(),
        actor_agency: agency.as_deref(),
        recorded_at: &row.try_get::<String, _>(9).unwrap(),
    };
    let forged = zhifa_store::ledger::leaf_hash(&fields);
    tamper(&t.db, &format!("UPDATE events SET leaf_hash = {} WHERE position = 100", hex_literal(&t.db, &forged))).await;
    let report = verify(&t.db).await;
    // The level-8 node of events 1–256 no longer matches, and the signed root says the
    // events are at fault.
    assert_eq!(report.issues, [Issue::RangeChanged { first: 1, last: 256 }]);
}

fn hex_literal(db: &Db, h: &Hash) -> String {
    match db.backend() {
        Backend::Sqlite => format!("X'{}'", h.to_hex()),
        Backend::Postgres => format!("decode('{}', 'hex')", h.to_hex()),
    }
}

#[tokio::test]
async fn concurrent_appends_keep_the_ledger_consistent() {
    let t = TestDb::new().await;
    let mut handles = Vec::new();
    for _ in 0..8 {
        let db = t.db.clone();
        handles.push(tokio::spawn(async move {
            for _ in 0..10 {
                fill(&db, 7).await;
            }
        }));
    }
    // Accounts append in transactions of their own, outside the group writer.
    for i in 0..5 {
        let new = zhifa_store::accounts::NewAccount {
            username: format!("user{i}"),
            display_name: format!("用户{i}"),
            role: Role::Auxiliary,
            agency_id: None,
            officer_id: None,
            password_hash: "x".into(),
        };
        t.db.create_account(&actor(), new).await.unwrap();
    }
    for h in handles {
        h.await.unwrap();
    }
    let report = verify(&t.db).await;
    assert!(report.is_intact(), "{:?}", report.issues);
    assert_eq!(report.ledger_size, 8 * 10 * 7 + 5);
    assert_eq!(latest(&t.db).await.size, 8 * 10 * 7 + 5);
    let positions: Vec<i64> = t.db.read_all(0, 1000).await.unwrap().iter().map(|e| e.position).collect();
    assert_eq!(positions, (1..=565).collect::<Vec<_>>());
}

#[tokio::test]
async fn two_handles_on_one_database_keep_one_ledger() {
    // Two processes (two pools, two group writers) appending in turn: each must notice the
    // other's appends instead of writing from a stale head.
    let t = TestDb::new().await;
    let other = Db::open(&t.url, LedgerKey::for_tests()).await.unwrap();
    for round in 0..6 {
        let db = if round % 2 == 0 { &t.db } else { &other };
        fill(db, 5).await;
        fill(db, 3).await;
    }
    let report = verify(&t.db).await;
    assert!(report.is_intact(), "{:?}", report.issues);
    assert_eq!(report.ledger_size, 48);
    let positions: Vec<i64> = t.db.read_all(0, 100).await.unwrap().iter().map(|e| e.position).collect();
    assert_eq!(positions, (1..=48).collect::<Vec<_>>());
    other.close().await;
}

#[tokio::test]
async fn tiles_hold_the_stored_hashes() {
    let t = TestDb::new().await;
    fill(&t.db, 300).await;
    let full = decode_tile(&t.db.tile(0, 0, 256).await.unwrap().unwrap()).unwrap();
    let leaves: Vec<Hash> = sqlx::query("SELECT leaf_hash FROM events ORDER BY position LIMIT 256")
        .fetch_all(t.db.reader())
        .await
        .unwrap()
        .iter()
        .map(|r| Hash::from_slice(&r.try_get::<Vec<u8>, _>(0).unwrap()).unwrap())
        .collect();
    assert_eq!(full, leaves);
    let partial = decode_tile(&t.db.tile(0, 1, 44).await.unwrap().unwrap()).unwrap();
    assert_eq!(partial.len(), 44);
    assert_eq!(decode_tile(&t.db.tile(0, 1, 10).await.unwrap().unwrap()).unwrap(), partial[..10]);
    assert!(t.db.tile(0, 1, 45).await.unwrap().is_none(), "hashes not yet in the tree");
    assert!(t.db.tile(0, 1, 256).await.unwrap().is_none());
    let level1 = decode_tile(&t.db.tile(1, 0, 1).await.unwrap().unwrap()).unwrap();
    assert_eq!(level1[0], zhifa_ledger::tree::root(&zhifa_ledger::MemorySource::from_iter(leaves), 256).unwrap());
    assert!(t.db.tile(1, 0, 2).await.unwrap().is_none());
}

// rule: X-01
#[tokio::test]
async fn events_from_before_the_ledger_are_hashed_at_open() {
    let t = TestDb::new().await;
    let events = fill(&t.db, 270).await;
    let before = latest(&t.db).await;
    // Back to the state migration 0002 leaves on a database that already had events.
    tamper(
        &t.db,
        "UPDATE events SET leaf_hash = NULL; DELETE FROM ledger_nodes; DELETE FROM ledger_checkpoints; \
         UPDATE ledger_head SET size = 0, note = NULL, backfill_upto = 270",
    )
    .await;
    sqlx::query("UPDATE ledger_head SET frontier = $1").bind(vec![0u8; 8]).execute(t.db.writer()).await.unwrap();
    if t.db.backend() == Backend::Sqlite {
        // `tamper` dropped the trigger; the backfill expects the migration's one.
        sqlx::raw_sql(
            "CREATE TRIGGER events_refuse_update BEFORE UPDATE ON events \
             BEGIN SELECT RAISE(ABORT, 'events are append-only: UPDATE refused (rule X-01)'); END",
        )
        .execute(t.db.writer())
        .await
        .unwrap();
    }
    let db = Db::open(&t.url, LedgerKey::for_tests()).await.unwrap();
    let after = latest(&db).await;
    assert_eq!((after.size, after.root), (before.size, before.root), "the same events give the same tree");
    let report = verify(&db).await;
    assert!(report.is_intact(), "{:?}", report.issues);
    // The trigger is back.
    let err = sqlx::query("UPDATE events SET leaf_hash = NULL").execute(db.writer()).await.unwrap_err();
    assert!(err.to_string().contains("append-only"), "{err}");
    // And appends go on from there.
    let more = fill(&db, 3).await;
    assert_eq!(more[0].position, events.len() as i64 + 1);
    assert!(verify(&db).await.is_intact());
}

#[tokio::test]
async fn a_ledger_signed_by_another_key_is_refused_at_open() {
    let t = TestDb::new().await;
    fill(&t.db, 5).await;
    let other = LedgerKey::from_seed("zhifa.test/ledger", &[9; 32]).unwrap();
    let err = Db::open(&t.url, other).await.unwrap_err().to_string();
    assert!(err.contains("签名密钥"), "{err}");
    Db::open(&t.url, LedgerKey::for_tests()).await.unwrap();
}

#[tokio::test]
async fn the_key_file_is_created_once_and_bound_to_its_origin() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.key");
    let key = LedgerKey::load_or_create(&path, "zhifa.example/anxiang").unwrap();
    let again = LedgerKey::load_or_create(&path, "zhifa.example/anxiang").unwrap();
    assert_eq!(key.verifier_key(), again.verifier_key());
    assert_eq!(LedgerKey::load(&path).unwrap().verifier_key(), key.verifier_key());
    assert!(key.verifier_key().starts_with("zhifa.example/anxiang+"));
    let err = LedgerKey::load_or_create(&path, "zhifa.example/other").unwrap_err().to_string();
    assert!(err.contains("不能更改"), "{err}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
    }
    assert!(LedgerKey::load_or_create(&dir.path().join("k2"), "bad origin").is_err());
}

/// Two processes appending at the same time, while accounts are written outside the group
/// writers: every write succeeds (no deadlock between a script and a locking transaction:
/// both take the head row first) and the log stays one gapless chain.
// rule: X-01
#[tokio::test]
async fn two_handles_appending_at_once_keep_one_ledger() {
    let t = TestDb::new().await;
    let other = Db::open(&t.url, LedgerKey::for_tests()).await.unwrap();
    let mut tasks = Vec::new();
    for w in 0..8 {
        let db = if w % 2 == 0 { t.db.clone() } else { other.clone() };
        tasks.push(tokio::spawn(async move {
            for _ in 0..10 {
                fill(&db, 2).await;
            }
        }));
    }
    for i in 0..10 {
        let db = if i % 2 == 0 { t.db.clone() } else { other.clone() };
        tasks.push(tokio::spawn(async move {
            let new = zhifa_store::accounts::NewAccount {
                username: format!("concurrent{i}"),
                display_name: format!("并发账户{i}"),
                role: Role::Officer,
                agency_id: None,
                officer_id: None,
                password_hash: "x".into(),
            };
            db.create_account(&actor(), new).await.expect("an account write is never a deadlock victim");
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    // An account write publishes its checkpoint at once, not with the next group.
    let new = zhifa_store::accounts::NewAccount {
        username: "last".into(),
        display_name: "最后账户".into(),
        role: Role::Officer,
        agency_id: None,
        officer_id: None,
        password_hash: "x".into(),
    };
    t.db.create_account(&actor(), new).await.unwrap();
    let published: i64 = sqlx::query("SELECT COUNT(*) FROM ledger_checkpoints WHERE size = 171")
        .fetch_one(t.db.reader())
        .await
        .unwrap()
        .try_get(0)
        .unwrap();
    assert_eq!(published, 1, "published with the account write");
    let report = verify(&t.db).await;
    assert!(report.is_intact(), "{:?}", report.issues);
    assert_eq!(report.ledger_size, 8 * 10 * 2 + 10 + 1);
    let positions: Vec<i64> = t.db.read_all(0, 1000).await.unwrap().iter().map(|e| e.position).collect();
    assert_eq!(positions, (1..=171).collect::<Vec<_>>());
    other.close().await;
}
