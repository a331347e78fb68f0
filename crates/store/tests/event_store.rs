//! The event store against a real database (SQLite or PostgreSQL, see `testing`).

use sqlx::Row;
use uuid::Uuid;
use zhifa_core::access::Role;
use zhifa_core::events::{Actor, DomainEvent, stream};
use zhifa_core::registry::{AgencyEvent, AgencyInfo, UnitKind};
use zhifa_store::testing::TestDb;
use zhifa_store::{Append, ExpectedVersion, StoreError};

fn actor() -> Actor {
    Actor {
        account_id: Some(Uuid::new_v4()),
        name: "张管理".into(),
        role: Some(Role::Administrator),
        agency_id: Some(Uuid::new_v4()),
    }
}

fn registered(name: &str) -> (Uuid, DomainEvent) {
    let id = Uuid::new_v4();
    let info = AgencyInfo { name: name.into(), short_name: "安司".into(), ..Default::default() };
    (id, AgencyEvent::AgencyRegistered { agency_id: id, info, profile_id: "anxiang".into() }.into())
}

fn unit(name: &str) -> DomainEvent {
    let a = zhifa_core::registry::Agency::default();
    a.decide_add_unit(name, UnitKind::Handling, "").unwrap().into()
}

// rule: X-04
#[tokio::test]
async fn appended_events_carry_actor_role_agency_and_time() {
    let t = TestDb::new().await;
    let who = actor();
    let (id, ev) = registered("安乡县司法局");
    let before = chrono::Utc::now();
    let rec =
        t.db.append_to(&who, &stream::agency(id), ExpectedVersion::NoStream, vec![ev, unit("执法股")]).await.unwrap();
    assert_eq!(rec.iter().map(|r| r.version).collect::<Vec<_>>(), [1, 2]);
    let loaded = t.db.load_stream(&stream::agency(id)).await.unwrap();
    assert_eq!(loaded, rec);
    assert_eq!(loaded[0].actor, who);
    assert_eq!(loaded[0].actor.role, Some(Role::Administrator));
    assert!(loaded[0].recorded_at >= before - chrono::Duration::seconds(1));
    assert_eq!(loaded[1].event_type, "UnitAdded");
}

#[tokio::test]
async fn a_stale_writer_gets_a_conflict_and_nothing_is_lost() {
    let t = TestDb::new().await;
    let (id, ev) = registered("安乡县市场监督管理局");
    let s = stream::agency(id);
    t.db.append_to(&actor(), &s, ExpectedVersion::NoStream, vec![ev]).await.unwrap();
    // Two writers both read version 1; the second to commit loses.
    t.db.append_to(&actor(), &s, ExpectedVersion::Exact(1), vec![unit("一队")]).await.unwrap();
    let err = t.db.append_to(&actor(), &s, ExpectedVersion::Exact(1), vec![unit("二队")]).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict { expected: 1, actual: 2, .. }), "{err:?}");
    assert!(err.to_string().contains("请刷新后重试"));
    // A second registration of the same stream is a conflict too.
    let (_, again) = registered("另一个名字");
    assert!(matches!(
        t.db.append_to(&actor(), &s, ExpectedVersion::NoStream, vec![again]).await,
        Err(StoreError::Conflict { .. })
    ));
    assert_eq!(t.db.load_stream(&s).await.unwrap().len(), 2);
}

/// A group writer leaves out the check of a stream version it committed itself; another
/// process appending to that stream in between still makes the stale append a conflict.
#[tokio::test]
async fn a_version_the_writer_knows_goes_stale_when_another_process_appends() {
    let t = TestDb::new().await;
    let other = zhifa_store::Db::open(&t.url, zhifa_store::LedgerKey::for_tests()).await.unwrap();
    let (id, ev) = registered("安乡县市场监督管理局");
    let s = stream::agency(id);
    t.db.append_to(&actor(), &s, ExpectedVersion::NoStream, vec![ev]).await.unwrap();
    t.db.append_to(&actor(), &s, ExpectedVersion::Exact(1), vec![unit("一队")]).await.unwrap();
    // The other process moves the stream to version 3.
    other.append_to(&actor(), &s, ExpectedVersion::Exact(2), vec![unit("二队")]).await.unwrap();
    // This writer last knew version 2: the append expecting it is refused, nothing written.
    let err = t.db.append_to(&actor(), &s, ExpectedVersion::Exact(2), vec![unit("三队")]).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict { expected: 2, actual: 3, .. }), "{err:?}");
    let versions: Vec<i64> = t.db.load_stream(&s).await.unwrap().iter().map(|e| e.version).collect();
    assert_eq!(versions, [1, 2, 3]);
    // Appending at the current version works from either handle, and the log is one chain.
    t.db.append_to(&actor(), &s, ExpectedVersion::Exact(3), vec![unit("四队")]).await.unwrap();
    other.append_to(&actor(), &s, ExpectedVersion::Exact(4), vec![unit("五队")]).await.unwrap();
    let positions: Vec<i64> = t.db.read_all(0, 100).await.unwrap().iter().map(|e| e.position).collect();
    assert_eq!(positions, (1..=5).collect::<Vec<_>>());
    other.close().await;
}

#[tokio::test]
async fn concurrent_writers_on_one_stream_never_lose_an_update() {
    let t = TestDb::new().await;
    let (id, ev) = registered("莱州市统计局");
    let s = stream::agency(id);
    t.db.append_to(&actor(), &s, ExpectedVersion::NoStream, vec![ev]).await.unwrap();
    let mut handles = Vec::new();
    for w in 0..8 {
        let db = t.db.clone();
        let s = s.clone();
        handles.push(tokio::spawn(async move {
            let mut ok = 0;
            for i in 0..10 {
                // Read-modify-write with retry on conflict.
                loop {
                    let v = db.stream_version(&s).await.unwrap();
                    match db.append_to(&actor(), &s, ExpectedVersion::Exact(v), vec![unit(&format!("队{w}-{i}"))]).await
                    {
                        Ok(_) => break,
                        Err(StoreError::Conflict { .. }) => continue,
                        Err(e) => panic!("{e}"),
                    }
                }
                ok += 1;
            }
            ok
        }));
    }
    let mut total = 0;
    for h in handles {
        total += h.await.unwrap();
    }
    let events = t.db.load_stream(&s).await.unwrap();
    assert_eq!(total, 80);
    assert_eq!(events.len(), 81, "every acknowledged append is there");
    let versions: Vec<i64> = events.iter().map(|e| e.version).collect();
    assert_eq!(versions, (1..=81).collect::<Vec<_>>());
    // Global positions are gapless.
    let all = t.db.read_all(0, 1000).await.unwrap();
    assert_eq!(all.iter().map(|e| e.position).collect::<Vec<_>>(), (1..=81).collect::<Vec<_>>());
}

// rule: X-01
#[tokio::test]
async fn the_database_refuses_update_and_delete_of_events() {
    let t = TestDb::new().await;
    let (id, ev) = registered("丰城市城市管理局");
    t.db.append_to(&actor(), &stream::agency(id), ExpectedVersion::NoStream, vec![ev]).await.unwrap();
    let w = t.db.writer();
    let update = sqlx::query("UPDATE events SET payload = '{}' WHERE position = 1").execute(w).await;
    let msg = update.unwrap_err().to_string();
    assert!(msg.contains("append-only"), "{msg}");
    let delete = sqlx::query("DELETE FROM events").execute(w).await;
    assert!(delete.unwrap_err().to_string().contains("append-only"));
    if t.db.backend() == zhifa_store::Backend::Postgres {
        let truncate = sqlx::query("TRUNCATE events").execute(w).await;
        assert!(truncate.unwrap_err().to_string().contains("append-only"));
    }
    let row = sqlx::query("SELECT COUNT(*), MIN(payload) FROM events").fetch_one(t.db.reader()).await.unwrap();
    assert_eq!(row.try_get::<i64, _>(0).unwrap(), 1);
    assert_ne!(row.try_get::<String, _>(1).unwrap(), "{}");
}

#[tokio::test]
async fn a_multi_stream_append_is_all_or_nothing() {
    let t = TestDb::new().await;
    let (a, ev_a) = registered("白山乡人民政府");
    let (b, ev_b) = registered("白山乡人民政府"); // same name: the projection's unique key refuses
    let err =
        t.db.append(
            &actor(),
            vec![
                Append::new(stream::agency(a), ExpectedVersion::NoStream, vec![ev_a]),
                Append::new(stream::agency(b), ExpectedVersion::NoStream, vec![ev_b]),
            ],
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Duplicate(_)), "{err:?}");
    assert_eq!(t.db.event_count().await.unwrap(), 0);
    assert!(t.db.agencies().await.unwrap().is_empty());
}

#[tokio::test]
async fn projections_rebuild_to_the_same_state() {
    let t = TestDb::new().await;
    for name in ["陵川县民政局", "安乡县司法局"] {
        let (id, ev) = registered(name);
        t.db.append_to(
            &actor(),
            &stream::agency(id),
            ExpectedVersion::NoStream,
            vec![ev, unit("执法股"), unit("综合股")],
        )
        .await
        .unwrap();
    }
    let before: Vec<_> =
        t.db.agencies().await.unwrap().into_iter().map(|a| (a.id, a.info.name, a.info.short_name)).collect();
    // Damage a projection; the rebuild restores it from the events.
    sqlx::query("DELETE FROM units").execute(t.db.writer()).await.unwrap();
    sqlx::query("UPDATE agencies SET short_name = 'x'").execute(t.db.writer()).await.unwrap();
    assert_eq!(t.db.rebuild_projections().await.unwrap(), 6);
    let after: Vec<_> =
        t.db.agencies().await.unwrap().into_iter().map(|a| (a.id, a.info.name, a.info.short_name)).collect();
    assert_eq!(before, after);
    assert_eq!(t.db.units(after[0].0).await.unwrap().len(), 2);
}

#[tokio::test]
async fn in_a_group_commit_a_failing_append_fails_alone() {
    let t = TestDb::new().await;
    let (contested, _) = registered("x");
    let mut handles = Vec::new();
    for i in 0..20 {
        let db = t.db.clone();
        handles.push(tokio::spawn(async move {
            // Even tasks race for one new stream; odd tasks each create their own.
            let (own, ev) = registered(&format!("安乡县第{i}执法队"));
            let s = if i % 2 == 0 { stream::agency(contested) } else { stream::agency(own) };
            db.append_to(&actor(), &s, ExpectedVersion::NoStream, vec![ev]).await
        }));
    }
    let mut ok = 0;
    let mut conflicts = 0;
    for h in handles {
        match h.await.unwrap() {
            Ok(_) => ok += 1,
            Err(StoreError::Conflict { .. }) => conflicts += 1,
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!((ok, conflicts), (11, 9));
    assert_eq!(t.db.event_count().await.unwrap(), 11);
    assert_eq!(t.db.agencies().await.unwrap().len(), 11);
}

#[tokio::test]
async fn a_failing_append_in_a_group_does_not_take_the_others_down() {
    let t = TestDb::new().await;
    let mut handles = Vec::new();
    for i in 0..16 {
        let db = t.db.clone();
        handles.push(tokio::spawn(async move {
            // Tasks 0 and 1 register the same agency name: the projection refuses the second.
            let name = if i < 2 { "重名执法机关".to_string() } else { format!("陵川县第{i}执法队") };
            let (id, ev) = registered(&name);
            db.append_to(&actor(), &stream::agency(id), ExpectedVersion::NoStream, vec![ev]).await
        }));
    }
    let results: Vec<_> = futures_results(handles).await;
    let duplicates = results.iter().filter(|r| matches!(r, Err(StoreError::Duplicate(_)))).count();
    assert_eq!(duplicates, 1, "{results:?}");
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 15);
    assert_eq!(t.db.event_count().await.unwrap(), 15);
    let positions: Vec<i64> = t.db.read_all(0, 100).await.unwrap().iter().map(|e| e.position).collect();
    assert_eq!(positions, (1..=15).collect::<Vec<_>>(), "gapless after a rolled-back group");
}

async fn futures_results<T>(handles: Vec<tokio::task::JoinHandle<T>>) -> Vec<T> {
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}

/// Appends after the first are written as one SQL script with the values as literals
/// (src/script.rs): text of any shape must be stored exactly as given, in the event, its
/// projection and its leaf.
// rule: X-01
#[tokio::test]
async fn text_of_any_shape_is_stored_exactly() {
    let t = TestDb::new().await;
    let (id, ev) = registered("安乡县市场监督管理局");
    let s = stream::agency(id);
    t.db.append_to(&actor(), &s, ExpectedVersion::NoStream, vec![ev]).await.unwrap();
    let names = [
        "O'Brien执法队",
        r"反斜杠\队",
        r"\'); DROP TABLE events; --",
        "E'\\x00' $1 $$ ?1 :a @b",
        "换行\n制表\t回车\r队",
        "表情😀与全角＇引号",
        "",
    ];
    for (i, name) in names.iter().enumerate() {
        let unit = zhifa_core::registry::Unit {
            id: Uuid::new_v4(),
            name: name.to_string(),
            kind: UnitKind::Handling,
            duties: format!("{name}的职责"),
        };
        let ev: DomainEvent = AgencyEvent::UnitAdded { unit }.into();
        t.db.append_to(&actor(), &s, ExpectedVersion::Exact(i as i64 + 1), vec![ev]).await.unwrap();
    }
    let mut stored: Vec<String> = t.db.units(id).await.unwrap().into_iter().map(|u| u.name).collect();
    let mut expected: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    stored.sort();
    expected.sort();
    assert_eq!(stored, expected);
    let events = t.db.load_stream(&s).await.unwrap();
    for (ev, name) in events[1..].iter().zip(names) {
        let DomainEvent::Agency(AgencyEvent::UnitAdded { unit }) = &ev.event else { panic!("{ev:?}") };
        assert_eq!(unit.name, name);
        assert_eq!(unit.duties, format!("{name}的职责"));
    }
    let counts = t.db.append_counts();
    assert!(counts.scripts >= names.len() as u64, "appends after the first travel as scripts: {counts:?}");
    let report = t.db.verify_ledger(|_| {}).await.unwrap();
    assert!(report.is_intact(), "{:?}", report.issues);
    assert_eq!(report.events_read, 1 + names.len() as u64);
    // A stale writer is still refused when its append travels in a script.
    let err = t.db.append_to(&actor(), &s, ExpectedVersion::Exact(2), vec![unit("迟到队")]).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict { expected: 2, actual: 8, .. }), "{err:?}");
}

/// An expected version ahead of the stream (a writer claiming events that do not exist)
/// would leave a gap in the stream if only the unique key guarded it: the script's check
/// (the `append_expect` view) and the bound insert's both refuse it.
#[tokio::test]
async fn an_expected_version_ahead_of_the_stream_is_a_conflict_and_leaves_no_gap() {
    let t = TestDb::new().await;
    let (id, ev) = registered("安乡县市场监督管理局");
    let s = stream::agency(id);
    t.db.append_to(&actor(), &s, ExpectedVersion::NoStream, vec![ev]).await.unwrap();
    t.db.append_to(&actor(), &s, ExpectedVersion::Exact(1), vec![unit("一队")]).await.unwrap();
    let scripts = t.db.append_counts().scripts;
    let err = t.db.append_to(&actor(), &s, ExpectedVersion::Exact(10), vec![unit("幽灵队")]).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict { expected: 10, actual: 2, .. }), "{err:?}");
    assert_eq!(t.db.append_counts().scripts, scripts, "the script was refused, not committed");
    // And on a brand-new stream.
    let (fresh, _) = registered("x");
    let err =
        t.db.append_to(&actor(), &stream::agency(fresh), ExpectedVersion::Exact(3), vec![unit("幽灵队")])
            .await
            .unwrap_err();
    assert!(matches!(err, StoreError::Conflict { expected: 3, actual: 0, .. }), "{err:?}");
    let versions: Vec<i64> = t.db.load_stream(&s).await.unwrap().iter().map(|e| e.version).collect();
    assert_eq!(versions, [1, 2]);
    assert_eq!(t.db.event_count().await.unwrap(), 2);
    let report = t.db.verify_ledger(|_| {}).await.unwrap();
    assert!(report.is_intact(), "{:?}", report.issues);
}
