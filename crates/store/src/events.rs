//! The append-only event store (rule X-01, database half; rule X-04).
//!
//! Appends take the store's write lock (a transaction-scoped advisory lock on PostgreSQL,
//! the single write connection on SQLite), so positions are gapless and in commit order —
//! the order the Merkle ledger will hash them in. Each stream's version is checked against
//! what the writer read: a stale writer gets a conflict, never a lost update; the
//! `(stream_id, version)` unique key backs this up in the database itself.

use chrono::{DateTime, SecondsFormat, Utc};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AnyPool, Row};
use tokio::sync::{mpsc, oneshot};
use zhifa_core::access::Role;
use zhifa_core::events::{Actor, DomainEvent, RecordedEvent, stream};

use crate::{Backend, Db, Result, StoreError, projection};

/// What the writer believes the stream's version to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpectedVersion {
    /// The stream must not exist yet.
    NoStream,
    /// The stream must be at exactly this version (the last event the writer saw).
    Exact(i64),
}

impl ExpectedVersion {
    fn as_i64(self) -> i64 {
        match self {
            ExpectedVersion::NoStream => 0,
            ExpectedVersion::Exact(v) => v,
        }
    }
}

/// Events to append to one stream.
#[derive(Debug, Clone)]
pub struct Append {
    pub stream_id: String,
    pub expected: ExpectedVersion,
    pub events: Vec<DomainEvent>,
}

impl Append {
    pub fn new(stream_id: impl Into<String>, expected: ExpectedVersion, events: Vec<DomainEvent>) -> Self {
        Self { stream_id: stream_id.into(), expected, events }
    }
}

/// Key of the PostgreSQL advisory lock that serialises appends.
const APPEND_LOCK: i64 = 0x7a68_6966_6100;

pub(crate) fn now_text() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// One caller's append, waiting for the group commit.
pub(crate) struct AppendJob {
    actor: Actor,
    batch: Vec<Append>,
    reply: oneshot::Sender<Result<Vec<RecordedEvent>>>,
}

/// Most appends committed together in one transaction.
const GROUP_MAX: usize = 128;

/// The group-commit writer: takes every append waiting, applies each under its own
/// savepoint (a failing one is rolled back alone and told why), and commits them in one
/// transaction — one fsync for many appends. Runs until every `Db` handle is dropped.
pub(crate) async fn group_commit_writer(pool: AnyPool, backend: Backend, mut rx: mpsc::UnboundedReceiver<AppendJob>) {
    while let Some(first) = rx.recv().await {
        let mut jobs = vec![first];
        while jobs.len() < GROUP_MAX {
            match rx.try_recv() {
                Ok(job) => jobs.push(job),
                Err(_) => break,
            }
        }
        match commit_group(&pool, backend, &jobs).await {
            Ok(outcomes) => {
                for (job, outcome) in jobs.into_iter().zip(outcomes) {
                    let _ = job.reply.send(outcome);
                }
            }
            // Something other than a clean version conflict failed inside the group: the
            // group was rolled back; each append now gets a transaction of its own, so a
            // bad one fails alone with its own error.
            Err(_) => {
                for job in jobs {
                    let outcome = commit_one(&pool, backend, &job).await;
                    let _ = job.reply.send(outcome);
                }
            }
        }
    }
}

/// Commits a group in one transaction. Version conflicts are detected before anything of
/// that append is written, so they fail alone; any other error aborts the group.
async fn commit_group(pool: &AnyPool, backend: Backend, jobs: &[AppendJob]) -> Result<Vec<Result<Vec<RecordedEvent>>>> {
    let mut tx = pool.begin().await?;
    let mut position = lock_and_last_position(&mut tx, backend).await?;
    let mut outcomes = Vec::with_capacity(jobs.len());
    for job in jobs {
        let before = position;
        match append_locked(&mut tx, &mut position, &job.actor, job.batch.clone()).await {
            Ok(recorded) => outcomes.push(Ok(recorded)),
            Err(e @ StoreError::Conflict { .. }) if position == before => outcomes.push(Err(e)),
            Err(e) => {
                let _ = tx.rollback().await;
                return Err(e);
            }
        }
    }
    tx.commit().await?;
    Ok(outcomes)
}

async fn commit_one(pool: &AnyPool, backend: Backend, job: &AppendJob) -> Result<Vec<RecordedEvent>> {
    let mut tx = pool.begin().await?;
    let recorded = append_in(&mut tx, backend, &job.actor, job.batch.clone()).await?;
    tx.commit().await?;
    Ok(recorded)
}

impl Db {
    /// Appends to one or more streams atomically, updating the projections in the same
    /// transaction. All or nothing; acknowledged only once committed.
    pub async fn append(&self, actor: &Actor, batch: Vec<Append>) -> Result<Vec<RecordedEvent>> {
        let (reply, answer) = oneshot::channel();
        self.appender
            .send(AppendJob { actor: actor.clone(), batch, reply })
            .map_err(|_| StoreError::Batch("the writer has stopped".into()))?;
        answer.await.map_err(|_| StoreError::Batch("the writer has stopped".into()))?
    }

    /// Appends to one stream.
    pub async fn append_to(
        &self,
        actor: &Actor,
        stream_id: &str,
        expected: ExpectedVersion,
        events: Vec<DomainEvent>,
    ) -> Result<Vec<RecordedEvent>> {
        self.append(actor, vec![Append::new(stream_id, expected, events)]).await
    }

    /// Every event of a stream, in order.
    pub async fn load_stream(&self, stream_id: &str) -> Result<Vec<RecordedEvent>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!("{SELECT_EVENTS} WHERE stream_id = $1 ORDER BY version")))
            .bind(stream_id)
            .fetch_all(&self.read)
            .await?;
        rows.iter().map(decode_row).collect()
    }

    /// Events after a global position, in order, at most `limit`.
    pub async fn read_all(&self, after: i64, limit: i64) -> Result<Vec<RecordedEvent>> {
        let rows =
            sqlx::query(sqlx::AssertSqlSafe(format!("{SELECT_EVENTS} WHERE position > $1 ORDER BY position LIMIT $2")))
                .bind(after)
                .bind(limit)
                .fetch_all(&self.read)
                .await?;
        rows.iter().map(decode_row).collect()
    }

    /// The number of stored events.
    pub async fn event_count(&self) -> Result<i64> {
        Ok(sqlx::query("SELECT COUNT(*) FROM events").fetch_one(&self.read).await?.try_get(0)?)
    }
}

pub(crate) const SELECT_EVENTS: &str = "SELECT position, stream_id, version, event_type, payload, actor_account, \
     actor_name, actor_role, actor_agency, recorded_at FROM events";

/// Takes the append lock for the rest of the transaction and reads the last position.
pub(crate) async fn lock_and_last_position(conn: &mut AnyConnection, backend: Backend) -> Result<i64> {
    if backend == Backend::Postgres {
        sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(APPEND_LOCK).execute(&mut *conn).await?;
    }
    Ok(sqlx::query("SELECT COALESCE(MAX(position), 0) FROM events").fetch_one(&mut *conn).await?.try_get(0)?)
}

/// Appends in an open transaction, taking the append lock itself.
pub(crate) async fn append_in(
    conn: &mut AnyConnection,
    backend: Backend,
    actor: &Actor,
    batch: Vec<Append>,
) -> Result<Vec<RecordedEvent>> {
    let mut position = lock_and_last_position(conn, backend).await?;
    append_locked(conn, &mut position, actor, batch).await
}

/// Appends in a transaction that already holds the append lock; `position` is the last
/// position used and is advanced past the new events.
pub(crate) async fn append_locked(
    conn: &mut AnyConnection,
    position: &mut i64,
    actor: &Actor,
    batch: Vec<Append>,
) -> Result<Vec<RecordedEvent>> {
    let at = now_text();
    let recorded_at: DateTime<Utc> = at.parse().expect("own format");
    let mut out = Vec::new();
    for append in batch {
        let expected = append.expected.as_i64();
        for (i, event) in append.events.into_iter().enumerate() {
            *position += 1;
            let version = expected + 1 + i as i64;
            let payload = serde_json::to_string(&event).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            let rec = RecordedEvent {
                position: *position,
                stream_id: append.stream_id.clone(),
                version,
                event_type: event.type_name(),
                event,
                actor: actor.clone(),
                recorded_at,
            };
            // The first event of each stream carries the version check: it is inserted only
            // if the stream is still at the version the writer saw (one statement, no race:
            // the append lock is held).
            let sql = if i == 0 { INSERT_IF_AT_VERSION } else { INSERT_EVENT };
            let mut query = sqlx::query(sql)
                .bind(rec.position)
                .bind(&rec.stream_id)
                .bind(version)
                .bind(&rec.event_type)
                .bind(payload)
                .bind(actor.account_id.map(|u| u.to_string()))
                .bind(&actor.name)
                .bind(actor.role.map(|r| r.as_str().to_string()))
                .bind(actor.agency_id.map(|u| u.to_string()))
                .bind(&at);
            if i == 0 {
                query = query.bind(expected);
            }
            let inserted = query.execute(&mut *conn).await.map_err(StoreError::from_db)?.rows_affected();
            if inserted == 0 {
                *position -= 1;
                let actual: i64 = sqlx::query("SELECT COALESCE(MAX(version), 0) FROM events WHERE stream_id = $1")
                    .bind(&rec.stream_id)
                    .fetch_one(&mut *conn)
                    .await?
                    .try_get(0)?;
                return Err(StoreError::Conflict { stream: rec.stream_id, expected, actual });
            }
            projection::apply(&mut *conn, &rec).await?;
            out.push(rec);
        }
    }
    Ok(out)
}

const INSERT_EVENT: &str = "INSERT INTO events (position, stream_id, version, event_type, payload, actor_account, \
     actor_name, actor_role, actor_agency, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";

const INSERT_IF_AT_VERSION: &str = "INSERT INTO events (position, stream_id, version, event_type, payload, \
     actor_account, actor_name, actor_role, actor_agency, recorded_at) \
     SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10 \
     WHERE (SELECT COALESCE(MAX(version), 0) FROM events WHERE stream_id = $2) = $11";

pub(crate) fn decode_row(row: &AnyRow) -> Result<RecordedEvent> {
    let corrupt = |what: &str, e: &dyn std::fmt::Display| StoreError::Corrupt(format!("{what}: {e}"));
    let stream_id: String = row.try_get("stream_id")?;
    let payload: String = row.try_get("payload")?;
    let event = DomainEvent::decode(stream::kind(&stream_id), &payload).map_err(|e| corrupt(&stream_id, &e))?;
    let uuid = |col: &str| -> Result<Option<uuid::Uuid>> {
        let v: Option<String> = row.try_get(col)?;
        v.map(|s| s.parse().map_err(|e| corrupt(col, &e))).transpose()
    };
    let role: Option<String> = row.try_get("actor_role")?;
    let at: String = row.try_get("recorded_at")?;
    Ok(RecordedEvent {
        position: row.try_get("position")?,
        version: row.try_get("version")?,
        event_type: row.try_get("event_type")?,
        event,
        actor: Actor {
            account_id: uuid("actor_account")?,
            name: row.try_get("actor_name")?,
            role: role.as_deref().and_then(Role::parse),
            agency_id: uuid("actor_agency")?,
        },
        recorded_at: at.parse().map_err(|e| corrupt("recorded_at", &e))?,
        stream_id,
    })
}
