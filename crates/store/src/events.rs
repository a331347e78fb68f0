//! The append-only event store (rule X-01, database half; rule X-04).
//!
//! Appends are serialised so that positions are gapless and in commit order, the order the
//! Merkle ledger hashes them in. All appends of a process go through one group-commit
//! writer, which commits every append waiting as one transaction:
//! - as one SQL script (`script`), built on the head this writer last committed: one round
//!   trip from BEGIN to COMMIT, a handful of statements whatever the group's size (the
//!   head's UPDATE, every version check, every event, then the projection rows). It locks
//!   the head row first like every write path (its UPDATE; on SQLite, BEGIN IMMEDIATE),
//!   and a stale head (another process appended) fails it on the events' primary key: the
//!   head's size is always the last position stored;
//! - otherwise — no head kept yet, a value a script cannot carry, a version conflict, any
//!   failure of the script — with bound statements, after locking and reading the head
//!   (`SELECT … FOR UPDATE` on PostgreSQL; on SQLite the single write connection is the
//!   lock), each append's version checked by its first insert, so a conflict fails alone.
//!
//! Each event's leaf hash is stored in its row, and the head (size, frontier, signed
//! checkpoint) is rewritten once per transaction (see `ledger`). Each stream's version is
//! checked against what the writer read: a stale writer gets a conflict, never a lost
//! update; the `(stream_id, version)` unique key backs this up in the database itself.
//! A script leaves out the version check of a stream whose version the group writer itself
//! committed since it last read the head ([`KnownVersions`]): the script commits only if
//! nobody appended since (the events' primary key), so that version is still the stream's.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, SecondsFormat, Utc};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AnyPool, Row};
use tokio::sync::{mpsc, oneshot};
use zhifa_core::access::Role;
use zhifa_core::events::{Actor, DomainEvent, RecordedEvent, stream};

use crate::ledger::{self, LeafFields, LedgerKey, LedgerTx, StoredRow};
use crate::script::{Value, Writes, args};
use crate::{Backend, Db, Result, StoreError, projection};
use zhifa_ledger::Hash;

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

pub(crate) fn now_text() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// One caller's append, waiting for the group commit.
pub(crate) struct AppendJob {
    actor: Actor,
    batch: Vec<Append>,
    reply: oneshot::Sender<Result<Vec<RecordedEvent>>>,
}

/// Counts kept by the group-commit writer, for benchmarks and tests.
#[derive(Debug, Default)]
pub struct AppendStats {
    groups: AtomicU64,
    appends: AtomicU64,
    scripts: AtomicU64,
}

/// A reading of [`AppendStats`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AppendCounts {
    /// Transactions committed by the group writer.
    pub groups: u64,
    /// Appends (callers) they carried.
    pub appends: u64,
    /// Of the groups, those committed as one SQL script.
    pub scripts: u64,
}

/// Most appends committed together in one transaction.
const GROUP_MAX: usize = 128;

/// Most stream versions the group writer remembers; past this it forgets them all.
const KNOWN_MAX: usize = 65_536;

/// The versions of the streams the group writer appended to, as of the head it last
/// committed. True exactly as long as that head is: a script built on it commits only if no
/// other writer appended since (their events hold the positions the script inserts), so a
/// version known here need not be checked in the database. Cleared whenever the head is
/// read back instead (another writer may have appended).
#[derive(Debug, Default)]
struct KnownVersions(std::collections::HashMap<String, i64>);

impl KnownVersions {
    fn get(&self, stream: &str) -> Option<i64> {
        self.0.get(stream).copied()
    }

    /// Records the streams' versions after a committed group.
    fn committed(&mut self, outcomes: &[Result<Vec<RecordedEvent>>]) {
        if self.0.len() > KNOWN_MAX {
            self.0.clear();
        }
        for e in outcomes.iter().filter_map(|o| o.as_ref().ok()).flatten() {
            self.0.insert(e.stream_id.clone(), e.version);
        }
    }

    fn forget(&mut self) {
        self.0.clear();
    }
}

/// How often at most a checkpoint is published in `ledger_checkpoints`.
const ARCHIVE_EVERY: std::time::Duration = std::time::Duration::from_secs(1);

/// The group-commit writer: takes every append waiting and commits them in one
/// transaction — one fsync and one ledger head update for many appends. Publishes a
/// checkpoint with the first group after [`ARCHIVE_EVERY`] has passed, and the head's once
/// the writer has been idle that long. Runs until every `Db` handle is dropped.
pub(crate) async fn group_commit_writer(
    pool: AnyPool,
    backend: Backend,
    key: LedgerKey,
    stats: Arc<AppendStats>,
    mut rx: mpsc::UnboundedReceiver<AppendJob>,
) {
    let mut archived_at: Option<std::time::Instant> = None;
    let mut unarchived = false;
    // The head this writer last committed: saves reading it back per group. Not used for a
    // second after it turned out stale (another writer appended: another process, another
    // app node, or an account written outside the group writer).
    let mut head: Option<zhifa_ledger::Frontier> = None;
    let mut trust_head_after = std::time::Instant::now();
    let mut known = KnownVersions::default();
    loop {
        let first = if unarchived {
            match tokio::time::timeout(ARCHIVE_EVERY, rx.recv()).await {
                Ok(Some(job)) => job,
                Ok(None) => break,
                Err(_) => {
                    if let Err(e) = ledger::archive_head(&pool).await
                        && !pool.is_closed()
                    {
                        tracing::warn!("ledger: could not publish the head checkpoint: {e}");
                    }
                    archived_at = Some(std::time::Instant::now());
                    unarchived = false;
                    continue;
                }
            }
        } else {
            match rx.recv().await {
                Some(job) => job,
                None => break,
            }
        };
        let mut jobs = vec![first];
        // Let the callers just woken by the last group's replies run before the group is
        // closed: tokio runs a task woken by this one next, so the first caller's job would
        // otherwise start a group of its own while the others are still queued to run. Stops
        // as soon as a yield brings nothing new, so a lone writer waits microseconds.
        loop {
            while jobs.len() < GROUP_MAX {
                match rx.try_recv() {
                    Ok(job) => jobs.push(job),
                    Err(_) => break,
                }
            }
            if jobs.len() >= GROUP_MAX {
                break;
            }
            tokio::task::yield_now().await;
            if rx.is_empty() {
                break;
            }
        }
        let archive = archived_at.is_none_or(|t| t.elapsed() >= ARCHIVE_EVERY);
        let cached = head.take().filter(|_| std::time::Instant::now() >= trust_head_after);
        if cached.is_none() {
            known.forget();
        }
        let mut result = Err(StoreError::Batch("no script".into()));
        if let Some(frontier) = &cached {
            result = commit_script(&pool, backend, &key, &jobs, archive, frontier.clone(), &known).await;
            if result.is_ok() {
                stats.scripts.fetch_add(1, Ordering::Relaxed);
            }
        }
        if result.is_err() {
            // The head is read back: what this writer knew of the streams may be stale.
            known.forget();
            // No head kept, a value a script cannot carry, a version conflict or any other
            // failure: the group again with bound statements, from the stored head, which
            // gives each append its own outcome.
            result = commit_group(&pool, backend, &key, &jobs, archive).await;
            if let (Some(kept), Ok((_, _, _, start))) = (&cached, &result)
                && kept.size() != *start
            {
                // The kept head was stale: another process or app node appends too.
                trust_head_after = std::time::Instant::now() + ARCHIVE_EVERY;
            }
        }
        match result {
            Ok((outcomes, appended, frontier, _)) => {
                known.committed(&outcomes);
                stats.groups.fetch_add(1, Ordering::Relaxed);
                stats.appends.fetch_add(jobs.len() as u64, Ordering::Relaxed);
                head = Some(frontier);
                if appended {
                    if archive {
                        archived_at = Some(std::time::Instant::now());
                    }
                    unarchived = !archive;
                }
                for (job, outcome) in jobs.into_iter().zip(outcomes) {
                    let _ = job.reply.send(outcome);
                }
            }
            // Something other than a clean version conflict failed inside the group: the
            // group was rolled back; each append now gets a transaction of its own, so a
            // bad one fails alone with its own error.
            Err(_) => {
                known.forget();
                for job in jobs {
                    let outcome = commit_one(&pool, backend, &key, &job).await;
                    unarchived |= outcome.is_ok();
                    let _ = job.reply.send(outcome);
                }
            }
        }
    }
}

/// The outcome of a group: each append's, whether anything was appended, the head's
/// frontier after the group, and the head's size before it.
type GroupOutcome = (Vec<Result<Vec<RecordedEvent>>>, bool, zhifa_ledger::Frontier, u64);

/// Commits a group in one transaction of bound statements, reading the head under its
/// lock, with one ledger head update (and, with `archive`, the checkpoint published).
/// Version conflicts are detected before anything of that append is written, so they fail
/// alone; any other error aborts the group.
async fn commit_group(
    pool: &AnyPool,
    backend: Backend,
    key: &LedgerKey,
    jobs: &[AppendJob],
    archive: bool,
) -> Result<GroupOutcome> {
    let mut tx = crate::db::begin_write(pool, backend).await?;
    let mut ledger = ledger::lock_head(&mut tx, backend).await?;
    let start = ledger.last_position();
    let mut outcomes = Vec::with_capacity(jobs.len());
    for job in jobs {
        let before = ledger.last_position();
        match append_locked(&mut tx, &mut ledger, &job.actor, job.batch.clone()).await {
            Ok(recorded) => outcomes.push(Ok(recorded)),
            Err(e @ StoreError::Conflict { .. }) if ledger.last_position() == before => outcomes.push(Err(e)),
            Err(e) => {
                let _ = tx.rollback().await;
                return Err(e);
            }
        }
    }
    let at = archive.then(now_text);
    if let Err(e) = ledger::write_head(&mut tx, key, &ledger, at.as_deref()).await {
        let _ = tx.rollback().await;
        return Err(e);
    }
    tx.commit().await?;
    Ok((outcomes, ledger.last_position() != start, ledger.frontier().clone(), start as u64))
}

/// Commits a group as one SQL script (see `script`): the head's lock, each append's version
/// check, events and projection rows, and the new head with its size check, from BEGIN to
/// COMMIT in one round trip. Built on `cached`, the head this writer last committed; a stale one fails
/// (see [`LedgerTx::cached`]). Any failure — a version conflict among them — rolls the whole
/// group back, and the caller runs it again with bound statements.
async fn commit_script(
    pool: &AnyPool,
    backend: Backend,
    key: &LedgerKey,
    jobs: &[AppendJob],
    archive: bool,
    cached: zhifa_ledger::Frontier,
    known: &KnownVersions,
) -> Result<GroupOutcome> {
    let mut ledger = LedgerTx::cached(cached);
    let start = ledger.last_position();
    let mut parts = ScriptParts::default();
    let mut outcomes = Vec::with_capacity(jobs.len());
    // The versions the group's own appends bring the streams to, over `known`.
    let mut ahead = std::collections::HashMap::new();
    for job in jobs {
        outcomes.push(Ok(append_writes(&mut ledger, &job.actor, job.batch.clone(), known, &mut ahead, &mut parts)?));
    }
    let at = archive.then(now_text);
    // The head's UPDATE first: it takes the head row's lock before anything else, as every
    // other write path locks it first; in any other order a script and a locking
    // transaction could each wait for the other (the script on the head row, the other on
    // a position the script inserted). Then every version check of the group in one
    // statement, every event in one statement, and the projection rows in event order.
    let mut w = ledger::head_writes(key, &ledger, at.as_deref())?;
    w.push_rows("INSERT INTO append_expect (stream_id, version) VALUES ", "($1, $2)", parts.checks);
    w.push_rows(INSERT_EVENTS, EVENT_VALUES, parts.events);
    let mut script = String::from(match backend {
        Backend::Postgres => "BEGIN;\n",
        Backend::Sqlite => "BEGIN IMMEDIATE;\n",
    });
    if !w.render(backend, &mut script) || !parts.projections.render(backend, &mut script) {
        return Err(StoreError::Batch("a value cannot be written as an SQL literal".into()));
    }
    script.push_str("COMMIT;");
    let mut conn = pool.acquire().await?;
    if let Err(e) = sqlx::raw_sql(sqlx::AssertSqlSafe(script)).execute(&mut *conn).await {
        // The script stopped at the failing statement inside its transaction. A conflict
        // is routine (the bound statements then tell which append); anything else is worth
        // a trace. Should the connection have dropped after COMMIT ran, the group's events
        // are stored and the bound run tells their callers "conflict": the usual lost
        // acknowledgement, never a duplicate (every append carries its expected version).
        tracing::debug!("group commit script failed, retrying with bound statements: {e}");
        if sqlx::raw_sql("ROLLBACK").execute(&mut *conn).await.is_err() {
            conn.close_on_drop();
        }
        return Err(e.into());
    }
    Ok((outcomes, ledger.last_position() != start, ledger.frontier().clone(), start as u64))
}

async fn commit_one(pool: &AnyPool, backend: Backend, key: &LedgerKey, job: &AppendJob) -> Result<Vec<RecordedEvent>> {
    let mut tx = crate::db::begin_write(pool, backend).await?;
    let recorded = append_in(&mut tx, backend, key, &job.actor, job.batch.clone()).await?;
    tx.commit().await?;
    Ok(recorded)
}

impl Db {
    /// What the group-commit writer has committed so far (groups of appends that failed
    /// as a group and were retried one by one are not counted).
    pub fn append_counts(&self) -> AppendCounts {
        let s = &self.stats;
        AppendCounts {
            groups: s.groups.load(Ordering::Relaxed),
            appends: s.appends.load(Ordering::Relaxed),
            scripts: s.scripts.load(Ordering::Relaxed),
        }
    }

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

/// Appends in an open transaction: takes the append lock (the ledger head) itself and
/// writes the new head, publishing its checkpoint, before returning; the caller commits.
pub(crate) async fn append_in(
    conn: &mut AnyConnection,
    backend: Backend,
    key: &LedgerKey,
    actor: &Actor,
    batch: Vec<Append>,
) -> Result<Vec<RecordedEvent>> {
    let mut ledger = ledger::lock_head(conn, backend).await?;
    let recorded = append_locked(conn, &mut ledger, actor, batch).await?;
    // Published at once: these appends (account writes) are rare and come outside the
    // group writer, which would otherwise publish the checkpoint only with its next group.
    ledger::write_head(conn, key, &ledger, Some(&now_text())).await?;
    Ok(recorded)
}

/// An event numbered for insertion, with its row's text and its leaf.
struct EventRow {
    rec: RecordedEvent,
    payload: String,
    leaf: Hash,
    /// On the first event of each stream: the version the stream must be at.
    expected: Option<i64>,
}

/// The actor's columns and the time, shared by every row of one append.
struct RowContext {
    at: String,
    account: Option<String>,
    role: Option<&'static str>,
    agency: Option<String>,
}

impl EventRow {
    /// The arguments of [`INSERT_EVENT`].
    fn insert_args(&self, c: &RowContext) -> Vec<Value> {
        let r = &self.rec;
        args![
            r.position,
            &r.stream_id,
            r.version,
            &r.event_type,
            &self.payload,
            c.account.clone(),
            &r.actor.name,
            c.role,
            c.agency.clone(),
            &c.at,
            self.leaf.0.to_vec(),
        ]
    }
}

/// Numbers the events of `batch` from `next_position` and hashes their leaves.
fn event_rows(next_position: i64, actor: &Actor, batch: Vec<Append>) -> Result<(RowContext, Vec<EventRow>)> {
    let at = now_text();
    let recorded_at: DateTime<Utc> = at.parse().expect("own format");
    let c = RowContext {
        account: actor.account_id.map(|u| u.to_string()),
        role: actor.role.map(|r| r.as_str()),
        agency: actor.agency_id.map(|u| u.to_string()),
        at,
    };
    let mut rows = Vec::new();
    for append in batch {
        let expected = append.expected.as_i64();
        for (i, event) in append.events.into_iter().enumerate() {
            let position = next_position + rows.len() as i64;
            let version = expected + 1 + i as i64;
            let payload = serde_json::to_string(&event).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            let event_type = event.type_name();
            let leaf = ledger::leaf_hash(&LeafFields {
                position,
                stream_id: &append.stream_id,
                version,
                event_type: &event_type,
                payload: &payload,
                actor_account: c.account.as_deref(),
                actor_name: &actor.name,
                actor_role: c.role,
                actor_agency: c.agency.as_deref(),
                recorded_at: &c.at,
            });
            let rec = RecordedEvent {
                position,
                stream_id: append.stream_id.clone(),
                version,
                event_type,
                event,
                actor: actor.clone(),
                recorded_at,
            };
            rows.push(EventRow { rec, payload, leaf, expected: (i == 0).then_some(expected) });
        }
    }
    Ok((c, rows))
}

/// Appends in a transaction that already holds the append lock, one bound statement at a
/// time; each inserted event's leaf is added to `ledger`, whose size is the last position
/// used.
pub(crate) async fn append_locked(
    conn: &mut AnyConnection,
    ledger: &mut LedgerTx,
    actor: &Actor,
    batch: Vec<Append>,
) -> Result<Vec<RecordedEvent>> {
    let (c, rows) = event_rows(ledger.last_position() + 1, actor, batch)?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        // The first event of each stream carries the version check: it is inserted only
        // if the stream is still at the version the writer saw (one statement, no race:
        // the append lock is held).
        let mut w = Writes::default();
        match row.expected {
            Some(expected) => {
                let mut a = row.insert_args(&c);
                a.push(Value::from(expected));
                w.push(INSERT_IF_AT_VERSION, a);
            }
            None => w.push(INSERT_EVENT, row.insert_args(&c)),
        }
        if w.run_counting(&mut *conn).await? == 0 {
            let actual: i64 = sqlx::query("SELECT COALESCE(MAX(version), 0) FROM events WHERE stream_id = $1")
                .bind(&row.rec.stream_id)
                .fetch_one(&mut *conn)
                .await?
                .try_get(0)?;
            let expected = row.expected.unwrap_or_default();
            return Err(StoreError::Conflict { stream: row.rec.stream_id, expected, actual });
        }
        ledger.push(row.leaf);
        let mut w = Writes::default();
        projection::apply(&mut w, &row.rec)?;
        w.run(&mut *conn).await?;
        out.push(row.rec);
    }
    Ok(out)
}

/// The writes of a group's appends for a script, collected by kind (see [`commit_script`]).
#[derive(Default)]
struct ScriptParts {
    /// `(stream_id, version)`: the version each stream must be at, for `append_expect`.
    checks: Vec<Vec<Value>>,
    /// The arguments of [`EVENT_VALUES`], one per event.
    events: Vec<Vec<Value>>,
    projections: Writes,
}

/// Adds an append's writes to `parts`: each stream's version check (through the
/// `append_expect` view, which raises on a mismatch) unless the stream is known to be at
/// the version expected — from `known`, or from an earlier append of the same group, whose
/// versions `ahead` keeps —, the events and their projection rows. Adds the leaves to
/// `ledger`.
fn append_writes(
    ledger: &mut LedgerTx,
    actor: &Actor,
    batch: Vec<Append>,
    known: &KnownVersions,
    ahead: &mut std::collections::HashMap<String, i64>,
    parts: &mut ScriptParts,
) -> Result<Vec<RecordedEvent>> {
    let (c, rows) = event_rows(ledger.last_position() + 1, actor, batch)?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let stream = &row.rec.stream_id;
        if let Some(expected) = row.expected
            && ahead.get(stream).copied().or_else(|| known.get(stream)) != Some(expected)
        {
            parts.checks.push(args![stream, expected]);
        }
        ahead.insert(stream.clone(), row.rec.version);
        parts.events.push(row.insert_args(&c));
        projection::apply(&mut parts.projections, &row.rec)?;
        ledger.push(row.leaf);
        out.push(row.rec);
    }
    Ok(out)
}

/// [`INSERT_EVENT`] for many rows: this followed by [`EVENT_VALUES`] per row.
const INSERT_EVENTS: &str = "INSERT INTO events (position, stream_id, version, event_type, payload, actor_account, \
     actor_name, actor_role, actor_agency, recorded_at, leaf_hash) VALUES ";

const EVENT_VALUES: &str = "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";

const INSERT_EVENT: &str = "INSERT INTO events (position, stream_id, version, event_type, payload, actor_account, \
     actor_name, actor_role, actor_agency, recorded_at, leaf_hash) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";

const INSERT_IF_AT_VERSION: &str = "INSERT INTO events (position, stream_id, version, event_type, payload, \
     actor_account, actor_name, actor_role, actor_agency, recorded_at, leaf_hash) \
     SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11 \
     WHERE (SELECT COALESCE(MAX(version), 0) FROM events WHERE stream_id = $2) = $12";

pub(crate) fn decode_row(row: &AnyRow) -> Result<RecordedEvent> {
    let stream_id: String = row.try_get("stream_id")?;
    let payload: String = row.try_get("payload")?;
    let account: Option<String> = row.try_get("actor_account")?;
    let role: Option<String> = row.try_get("actor_role")?;
    let agency: Option<String> = row.try_get("actor_agency")?;
    let at: String = row.try_get("recorded_at")?;
    decode_text(
        row.try_get("position")?,
        stream_id,
        row.try_get("version")?,
        row.try_get("event_type")?,
        &payload,
        Actor { account_id: None, name: row.try_get("actor_name")?, role: None, agency_id: None },
        [account.as_deref(), role.as_deref(), agency.as_deref()],
        &at,
    )
}

/// The event a row read for the ledger holds.
pub(crate) fn recorded_from_stored(row: &StoredRow) -> Result<RecordedEvent> {
    decode_text(
        row.position,
        row.stream_id.clone(),
        row.version,
        row.event_type.clone(),
        &row.payload,
        Actor { account_id: None, name: row.actor_name.clone(), role: None, agency_id: None },
        [row.actor_account.as_deref(), row.actor_role.as_deref(), row.actor_agency.as_deref()],
        &row.recorded_at,
    )
}

/// Decodes an event from its columns; `actor_ids` are the account, role and agency text.
#[allow(clippy::too_many_arguments)]
fn decode_text(
    position: i64,
    stream_id: String,
    version: i64,
    event_type: String,
    payload: &str,
    mut actor: Actor,
    [account, role, agency]: [Option<&str>; 3],
    recorded_at: &str,
) -> Result<RecordedEvent> {
    let corrupt = |what: &str, e: &dyn std::fmt::Display| StoreError::Corrupt(format!("{what}: {e}"));
    let event = DomainEvent::decode(stream::kind(&stream_id), payload).map_err(|e| corrupt(&stream_id, &e))?;
    let uuid = |col: &str, v: Option<&str>| -> Result<Option<uuid::Uuid>> {
        v.map(|s| s.parse().map_err(|e| corrupt(col, &e))).transpose()
    };
    actor.account_id = uuid("actor_account", account)?;
    actor.role = role.and_then(Role::parse);
    actor.agency_id = uuid("actor_agency", agency)?;
    Ok(RecordedEvent {
        position,
        version,
        event_type,
        event,
        actor,
        recorded_at: recorded_at.parse().map_err(|e| corrupt("recorded_at", &e))?,
        stream_id,
    })
}
