//! The tamper-evident ledger in the database (rule X-01): every event is a leaf of an
//! RFC 6962 Merkle log whose state is published as a signed C2SP checkpoint.
//!
//! # What is stored
//!
//! - `events.leaf_hash`: `SHA-256(0x00 ‖ leaf bytes)` of the row, written by the INSERT of
//!   the event itself (see [`leaf_bytes`] for the exact bytes).
//! - `ledger_nodes(level, idx, hash)`: tree nodes at levels 8, 16, …, inserted in the
//!   transaction whose append completes their block of 256^k leaves. With the leaf hashes
//!   they are the rows of C2SP tlog-tiles tiles; every other node is computed
//!   (`zhifa_ledger::tree`).
//! - `ledger_head` (one row): the size, the encoded [`Frontier`] and the latest signed
//!   checkpoint. Every append locks this row first (`SELECT … FOR UPDATE` on PostgreSQL,
//!   which also serialises writers across app nodes; the one write connection on SQLite) and
//!   rewrites it last, in the append's own transaction: every committed event is covered by
//!   a checkpoint committed with it, and a row whose position is beyond the head's size was
//!   inserted outside the store.
//! - `ledger_checkpoints(size, note, created_at)`: published checkpoints, at most about one
//!   a second (the first group after a second has passed, and the head once the writer has
//!   been idle for a second), so consistency proofs between published checkpoints can be
//!   served and verification can tell when a change happened.
//!
//! Tree nodes and archived checkpoints are append-only like the events (triggers).
//!
//! # Keys
//!
//! The checkpoint signer is a [`LedgerKey`]: an Ed25519 key named by the log's origin
//! (e.g. `zhifa.example/anxiang`), kept as a Go `note` private key file
//! (`PRIVATE+KEY+<origin>+<id>+<base64>`) in the data directory. Its verifier key
//! ([`LedgerKey::verifier_key`]) is what the portal publishes. A database whose latest
//! checkpoint was signed by another key refuses to open with this one.
//!
//! # Rows from before the ledger
//!
//! Events stored before migration 0002 have no leaf hash; the migration records the last
//! of them in `ledger_head.backfill_upto`, and the next open hashes them in one transaction
//! that lifts the append-only trigger for the duration. Only those positions are ever
//! backfilled: a row added later without a hash stays outside the ledger and is reported.

use std::path::Path;
use std::sync::Arc;

use sha2::Digest as _;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use zhifa_ledger::tree::{self, HashRange, Prefetched, TILE_WIDTH};
use zhifa_ledger::{Checkpoint, Frontier, Hash, NoteSigner, NoteVerifier, TileId};

use crate::script::{Writes, args};
use crate::{Backend, Db, Result, StoreError};

mod verify;

pub use verify::{EventRef, Issue, VerifyProgress, VerifyReport};

fn ledger_err(e: impl std::fmt::Display) -> StoreError {
    StoreError::Ledger(e.to_string())
}

// ---------------------------------------------------------------------------------------------
// The signing key

/// The key that signs the ledger's checkpoints: an Ed25519 key named by the log's origin.
#[derive(Clone)]
pub struct LedgerKey {
    signer: Arc<NoteSigner>,
}

impl std::fmt::Debug for LedgerKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "LedgerKey({})", self.verifier_key())
    }
}

impl LedgerKey {
    /// The key for `origin` with the Ed25519 secret `seed`.
    pub fn from_seed(origin: &str, seed: &[u8; 32]) -> Result<LedgerKey> {
        Ok(LedgerKey { signer: Arc::new(NoteSigner::from_seed(origin, seed).map_err(ledger_err)?) })
    }

    /// A new random key for `origin`.
    pub fn generate(origin: &str) -> Result<LedgerKey> {
        use rand::RngCore;
        let mut seed = [0u8; 32];
        rand::rng().fill_bytes(&mut seed);
        LedgerKey::from_seed(origin, &seed)
    }

    /// A key from its private key text `PRIVATE+KEY+<origin>+<id>+<base64>` (for a key
    /// given by configuration rather than a file).
    pub fn from_private_key(text: &str) -> Result<LedgerKey> {
        Ok(LedgerKey { signer: Arc::new(NoteSigner::from_private_key(text).map_err(ledger_err)?) })
    }

    /// A fixed, publicly known key (origin `zhifa.test/ledger`) for tests and benchmarks.
    /// Never for a real database: anyone can sign with it.
    pub fn for_tests() -> LedgerKey {
        let seed: [u8; 32] = sha2::Sha256::digest(b"zhifa test ledger key, not secret").into();
        LedgerKey::from_seed("zhifa.test/ledger", &seed).expect("valid test key")
    }

    /// Reads the key file at `path`.
    pub fn load(path: &Path) -> Result<LedgerKey> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| ledger_err(format!("无法读取账本签名密钥 {}：{e}", path.display())))?;
        LedgerKey::from_private_key(&text).map_err(|e| ledger_err(format!("账本签名密钥 {} 无效：{e}", path.display())))
    }

    /// Reads the key file at `path`, or creates it (owner-only permissions) with a new key
    /// for `origin` on first start. An existing key for another origin is an error: the
    /// origin names the log and cannot change under it.
    pub fn load_or_create(path: &Path, origin: &str) -> Result<LedgerKey> {
        if path.exists() {
            let key = LedgerKey::load(path)?;
            if key.origin() != origin {
                return Err(ledger_err(format!(
                    "账本签名密钥 {} 属于账本“{}”，而配置的账本名称是“{origin}”；账本名称不能更改",
                    path.display(),
                    key.origin()
                )));
            }
            return Ok(key);
        }
        let key = LedgerKey::generate(origin)?;
        write_secret_file(path, &key.signer.to_private_key())
            .map_err(|e| ledger_err(format!("无法创建账本签名密钥 {}：{e}", path.display())))?;
        Ok(key)
    }

    /// The log's origin (the checkpoint's first line and the key's name).
    pub fn origin(&self) -> &str {
        self.signer.name()
    }

    /// The note verifier key `<origin>+<hex key id>+<base64(0x01 ‖ public key)>` to publish.
    pub fn verifier_key(&self) -> String {
        self.signer.verifier_key()
    }

    /// The verifier of this key's checkpoints.
    pub fn verifier(&self) -> NoteVerifier {
        self.signer.verifier()
    }

    /// The signed checkpoint of a tree.
    pub fn sign_checkpoint(&self, size: u64, root: Hash) -> Result<String> {
        self.signer.sign_checkpoint(&Checkpoint::new(self.origin(), size, root)).map_err(ledger_err)
    }
}

/// Writes a new file readable by its owner only; fails if it exists (two processes
/// starting at once cannot both create a key).
fn write_secret_file(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(text.as_bytes())?;
    file.write_all(b"\n")?;
    file.sync_all()
}

// ---------------------------------------------------------------------------------------------
// Leaf bytes

/// The columns of an event row that its leaf covers — exactly what the row holds, as text.
#[derive(Debug, Clone, Copy)]
pub struct LeafFields<'a> {
    pub position: i64,
    pub stream_id: &'a str,
    pub version: i64,
    pub event_type: &'a str,
    /// The payload column exactly as stored (never re-serialised).
    pub payload: &'a str,
    pub actor_account: Option<&'a str>,
    pub actor_name: &'a str,
    pub actor_role: Option<&'a str>,
    pub actor_agency: Option<&'a str>,
    pub recorded_at: &'a str,
}

/// The canonical bytes of an event row, the data of its leaf: one line of JSON with the
/// keys in this fixed order and no spaces,
///
/// ```text
/// {"position":7,"stream_id":"agency:…","version":2,"event_type":"UnitAdded",
///  "payload":"{\"…\"}","actor_account":"…"|null,"actor_name":"…","actor_role":"…"|null,
///  "actor_agency":"…"|null,"recorded_at":"2026-01-02T03:04:05.000006Z"}
/// ```
///
/// Integers in decimal; every text column, the payload included, as a JSON string: UTF-8
/// as is, with only `"`, `\` and control characters below U+0020 escaped (`\b \t \n \f \r`,
/// others `\u00xx` in lower-case hex). A verifier re-derives it from the row alone.
pub fn leaf_bytes(f: &LeafFields<'_>) -> Vec<u8> {
    fn text(out: &mut Vec<u8>, key: &str, value: &str) {
        out.extend_from_slice(key.as_bytes());
        serde_json::to_writer(&mut *out, value).expect("writing to a Vec cannot fail");
    }
    fn opt(out: &mut Vec<u8>, key: &str, value: Option<&str>) {
        match value {
            Some(v) => text(out, key, v),
            None => {
                out.extend_from_slice(key.as_bytes());
                out.extend_from_slice(b"null");
            }
        }
    }
    let mut out = Vec::with_capacity(256 + f.payload.len() + f.payload.len() / 8);
    out.extend_from_slice(format!("{{\"position\":{}", f.position).as_bytes());
    text(&mut out, ",\"stream_id\":", f.stream_id);
    out.extend_from_slice(format!(",\"version\":{}", f.version).as_bytes());
    text(&mut out, ",\"event_type\":", f.event_type);
    text(&mut out, ",\"payload\":", f.payload);
    opt(&mut out, ",\"actor_account\":", f.actor_account);
    text(&mut out, ",\"actor_name\":", f.actor_name);
    opt(&mut out, ",\"actor_role\":", f.actor_role);
    opt(&mut out, ",\"actor_agency\":", f.actor_agency);
    text(&mut out, ",\"recorded_at\":", f.recorded_at);
    out.push(b'}');
    out
}

/// The leaf hash of an event row.
pub fn leaf_hash(f: &LeafFields<'_>) -> Hash {
    zhifa_ledger::leaf_hash(&leaf_bytes(f))
}

/// An event row as text, owned (what verification and proofs read back).
#[derive(Debug, Clone)]
pub(crate) struct StoredRow {
    pub position: i64,
    pub stream_id: String,
    pub version: i64,
    pub event_type: String,
    pub payload: String,
    pub actor_account: Option<String>,
    pub actor_name: String,
    pub actor_role: Option<String>,
    pub actor_agency: Option<String>,
    pub recorded_at: String,
    pub leaf_hash: Option<Vec<u8>>,
}

pub(crate) const SELECT_ROWS: &str = "SELECT position, stream_id, version, event_type, payload, actor_account, \
     actor_name, actor_role, actor_agency, recorded_at, leaf_hash FROM events";

impl StoredRow {
    pub(crate) fn read(row: &AnyRow) -> Result<StoredRow> {
        Ok(StoredRow {
            position: row.try_get(0)?,
            stream_id: row.try_get(1)?,
            version: row.try_get(2)?,
            event_type: row.try_get(3)?,
            payload: row.try_get(4)?,
            actor_account: row.try_get(5)?,
            actor_name: row.try_get(6)?,
            actor_role: row.try_get(7)?,
            actor_agency: row.try_get(8)?,
            recorded_at: row.try_get(9)?,
            leaf_hash: row.try_get(10)?,
        })
    }

    pub(crate) fn fields(&self) -> LeafFields<'_> {
        LeafFields {
            position: self.position,
            stream_id: &self.stream_id,
            version: self.version,
            event_type: &self.event_type,
            payload: &self.payload,
            actor_account: self.actor_account.as_deref(),
            actor_name: &self.actor_name,
            actor_role: self.actor_role.as_deref(),
            actor_agency: self.actor_agency.as_deref(),
            recorded_at: &self.recorded_at,
        }
    }

    pub(crate) fn event_ref(&self) -> EventRef {
        EventRef {
            position: self.position,
            stream_id: self.stream_id.clone(),
            version: self.version,
            event_type: self.event_type.clone(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The append path

/// The ledger inside an append transaction: the head as read under its lock, advanced by
/// each event inserted.
pub(crate) struct LedgerTx {
    frontier: Frontier,
    start: u64,
    /// Completed nodes at levels 8, 16, … to insert.
    nodes: Vec<(u8, u64, Hash)>,
}

impl LedgerTx {
    /// The position of the last event (the tree size).
    pub(crate) fn last_position(&self) -> i64 {
        self.frontier.size() as i64
    }

    /// The head as this writer last wrote it, used instead of reading the head back. A
    /// stale copy — another process or app node appended since —
    /// fails the transaction instead of forking the log: the head's size is always the last
    /// position stored (both change in the same transaction, positions are gapless), so the
    /// first insert hits an existing position; and the head's UPDATE only replaces the head
    /// at the size it started from.
    pub(crate) fn cached(frontier: Frontier) -> LedgerTx {
        LedgerTx { start: frontier.size(), frontier, nodes: Vec::new() }
    }

    /// The frontier after the events added so far.
    pub(crate) fn frontier(&self) -> &Frontier {
        &self.frontier
    }

    /// Adds the leaf of an inserted event.
    pub(crate) fn push(&mut self, leaf: Hash) {
        for (level, index, hash) in self.frontier.append(leaf) {
            if level > 0 {
                self.nodes.push((level, index, hash));
            }
        }
    }
}

/// Locks the ledger head for the rest of the transaction and reads it — one statement.
pub(crate) async fn lock_head(conn: &mut AnyConnection, backend: Backend) -> Result<LedgerTx> {
    let sql = match backend {
        Backend::Postgres => "SELECT frontier FROM ledger_head WHERE id = 1 FOR UPDATE",
        Backend::Sqlite => "SELECT frontier FROM ledger_head WHERE id = 1",
    };
    let row = sqlx::query(sql).fetch_one(&mut *conn).await?;
    let frontier = Frontier::decode(&row.try_get::<Vec<u8>, _>(0)?).map_err(ledger_err)?;
    Ok(LedgerTx { start: frontier.size(), frontier, nodes: Vec::new() })
}

/// The writes of the new head with a freshly signed checkpoint and of the new nodes; with
/// `archive_at`, also publishing that checkpoint in `ledger_checkpoints`. Nothing if
/// nothing was appended. The head's UPDATE comes first, so a script takes the head's row
/// lock before anything else, as every write path does; it replaces the head only at the
/// size the transaction started from, and a transaction built on a stale head fails on
/// the first event it inserts (see [`LedgerTx::cached`]).
pub(crate) fn head_writes(key: &LedgerKey, ledger: &LedgerTx, archive_at: Option<&str>) -> Result<Writes> {
    let mut w = Writes::default();
    let size = ledger.frontier.size();
    if size == ledger.start {
        return Ok(w);
    }
    let note = key.sign_checkpoint(size, ledger.frontier.root())?;
    w.push(
        "UPDATE ledger_head SET size = $1, frontier = $2, note = $3 WHERE id = 1 AND size = $4",
        args![size as i64, ledger.frontier.encode(), &note, ledger.start as i64],
    );
    w.push_rows(
        "INSERT INTO ledger_nodes (level, idx, hash) VALUES ",
        "($1, $2, $3)",
        ledger
            .nodes
            .iter()
            .map(|(level, index, hash)| args![i64::from(*level), *index as i64, hash.0.to_vec()])
            .collect(),
    );
    if let Some(at) = archive_at {
        w.push(
            "INSERT INTO ledger_checkpoints (size, note, created_at) VALUES ($1, $2, $3) ON CONFLICT (size) DO NOTHING",
            args![size as i64, note, at],
        );
    }
    Ok(w)
}

/// Runs [`head_writes`] in a transaction that read the head under its lock.
pub(crate) async fn write_head(
    conn: &mut AnyConnection,
    key: &LedgerKey,
    ledger: &LedgerTx,
    archive_at: Option<&str>,
) -> Result<()> {
    head_writes(key, ledger, archive_at)?.run(conn).await
}

/// Publishes the head's checkpoint in `ledger_checkpoints` unless it is there already.
pub(crate) async fn archive_head(pool: &sqlx::AnyPool) -> Result<()> {
    sqlx::query(
        "INSERT INTO ledger_checkpoints (size, note, created_at) SELECT size, note, $1 FROM ledger_head \
         WHERE id = 1 AND size > 0 AND note IS NOT NULL ON CONFLICT (size) DO NOTHING",
    )
    .bind(crate::events::now_text())
    .execute(pool)
    .await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Opening: backfill and key check

/// The append-only triggers of `events` as migration 0001 creates them, lifted for the
/// backfill and restored in the same transaction.
const SQLITE_DROP_TRIGGER: &str = "DROP TRIGGER events_refuse_update";
const SQLITE_CREATE_TRIGGER: &str = "CREATE TRIGGER events_refuse_update BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only: UPDATE refused (rule X-01)');
END";
const PG_DISABLE_TRIGGER: &str = "ALTER TABLE events DISABLE TRIGGER events_refuse_update_delete";
const PG_ENABLE_TRIGGER: &str = "ALTER TABLE events ENABLE TRIGGER events_refuse_update_delete";

/// Run by [`Db::open`] after the migrations: hashes rows stored before the ledger existed,
/// then checks that the latest checkpoint was signed by this database's key.
pub(crate) async fn prepare(db: &Db) -> Result<()> {
    let row =
        sqlx::query("SELECT size, backfill_upto, note FROM ledger_head WHERE id = 1").fetch_one(&db.write).await?;
    let (size, upto, note): (i64, i64, Option<String>) = (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?);
    if upto > 0 && size == 0 {
        backfill(db, upto).await?;
    } else if let Some(note) = note {
        db.ledger.verifier().open_checkpoint(note.as_bytes()).map_err(|e| {
            ledger_err(format!(
                "数据库中的账本检查点不是由本机的账本签名密钥（{}）签署的：{e}。请使用创建该账本时的密钥",
                db.ledger.verifier_key()
            ))
        })?;
    }
    Ok(())
}

async fn backfill(db: &Db, upto: i64) -> Result<()> {
    let mut tx = db.begin_write().await?;
    let mut ledger = lock_head(&mut tx, db.backend()).await?;
    let (lift, restore) = match db.backend() {
        Backend::Sqlite => (SQLITE_DROP_TRIGGER, SQLITE_CREATE_TRIGGER),
        Backend::Postgres => (PG_DISABLE_TRIGGER, PG_ENABLE_TRIGGER),
    };
    sqlx::raw_sql(lift).execute(&mut *tx).await?;
    loop {
        let rows =
            crate::q(format!("{SELECT_ROWS} WHERE position > $1 AND position <= $2 ORDER BY position LIMIT 2000"))
                .bind(ledger.last_position())
                .bind(upto)
                .fetch_all(&mut *tx)
                .await?;
        if rows.is_empty() {
            break;
        }
        for row in &rows {
            let row = StoredRow::read(row)?;
            if row.position != ledger.last_position() + 1 {
                return Err(ledger_err(format!(
                    "账本补记失败：事件序号不连续（第{}号之后是第{}号）",
                    ledger.last_position(),
                    row.position
                )));
            }
            let leaf = leaf_hash(&row.fields());
            sqlx::query("UPDATE events SET leaf_hash = $1 WHERE position = $2")
                .bind(leaf.0.to_vec())
                .bind(row.position)
                .execute(&mut *tx)
                .await?;
            ledger.push(leaf);
        }
    }
    if ledger.last_position() != upto {
        return Err(ledger_err(format!("账本补记失败：应有{upto}个事件，只找到{}个", ledger.last_position())));
    }
    sqlx::raw_sql(restore).execute(&mut *tx).await?;
    write_head(&mut tx, &db.ledger, &ledger, Some(&crate::events::now_text())).await?;
    sqlx::query("UPDATE ledger_head SET backfill_upto = 0 WHERE id = 1").execute(&mut *tx).await?;
    tx.commit().await?;
    tracing::info!(events = upto, "ledger: hashed the events stored before the ledger existed");
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Reading the tree

/// An inclusion proof of one event, with everything needed to check it offline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InclusionProof {
    /// The event's position; its leaf index is `position - 1`.
    pub position: i64,
    /// The leaf bytes re-derived from the stored row ([`leaf_bytes`]).
    pub leaf: Vec<u8>,
    /// The leaf hash the ledger holds for the row.
    pub leaf_hash: Hash,
    /// The size of the tree the proof is for.
    pub tree_size: u64,
    /// The audit path, bottom-up.
    pub proof: Vec<Hash>,
    /// The signed checkpoint of `tree_size`, when one was published at that size.
    pub checkpoint: Option<String>,
}

impl InclusionProof {
    /// Checks the proof the way an outside verifier would: the checkpoint's signature and
    /// size, the leaf bytes against the leaf hash, and the audit path against the root.
    pub fn verify(&self, verifier: &NoteVerifier) -> std::result::Result<(), String> {
        let note = self.checkpoint.as_deref().ok_or("no checkpoint at this size")?;
        let cp = verifier.open_checkpoint(note.as_bytes()).map_err(|e| e.to_string())?;
        if cp.size != self.tree_size {
            return Err(format!("the checkpoint is for size {}, the proof for {}", cp.size, self.tree_size));
        }
        if zhifa_ledger::leaf_hash(&self.leaf) != self.leaf_hash {
            return Err("the leaf bytes do not hash to the leaf hash".into());
        }
        let index = u64::try_from(self.position - 1).map_err(|_| "bad position")?;
        zhifa_ledger::verify_inclusion(&self.leaf_hash, index, self.tree_size, &self.proof, &cp.root)
            .map_err(|e| e.to_string())
    }
}

/// The head as stored: size and note.
async fn head(db: &Db) -> Result<(u64, Option<String>)> {
    let row = sqlx::query("SELECT size, note FROM ledger_head WHERE id = 1").fetch_one(&db.read).await?;
    Ok((row.try_get::<i64, _>(0)? as u64, row.try_get(1)?))
}

/// Reads stored hashes: leaf hashes from `events`, higher levels from `ledger_nodes`.
async fn read_range(db: &Db, r: HashRange) -> Result<Vec<Hash>> {
    let rows = if r.tile_level == 0 {
        sqlx::query("SELECT position, leaf_hash FROM events WHERE position > $1 AND position <= $2 ORDER BY position")
            .bind(r.start as i64)
            .bind(r.end() as i64)
            .fetch_all(&db.read)
            .await?
    } else {
        sqlx::query("SELECT idx, hash FROM ledger_nodes WHERE level = $1 AND idx >= $2 AND idx < $3 ORDER BY idx")
            .bind(8 * i64::from(r.tile_level))
            .bind(r.start as i64)
            .bind(r.end() as i64)
            .fetch_all(&db.read)
            .await?
    };
    let first = if r.tile_level == 0 { r.start as i64 + 1 } else { r.start as i64 };
    let mut out = Vec::with_capacity(rows.len());
    for (i, row) in rows.iter().enumerate() {
        let at: i64 = row.try_get(0)?;
        let hash: Option<Vec<u8>> = row.try_get(1)?;
        match hash.as_deref().and_then(Hash::from_slice) {
            Some(h) if at == first + i as i64 => out.push(h),
            _ => break,
        }
    }
    if out.len() as u64 != r.count {
        return Err(ledger_err(format!(
            "账本数据不完整：第{}层第{}项起的{}个哈希缺失或损坏，请运行账本校验",
            8 * r.tile_level,
            r.start,
            r.count
        )));
    }
    Ok(out)
}

async fn prefetch(db: &Db, ranges: Vec<HashRange>) -> Result<Prefetched> {
    let mut pre = Prefetched::new();
    for r in ranges {
        let hashes = read_range(db, r).await?;
        pre.insert(r, hashes).map_err(ledger_err)?;
    }
    Ok(pre)
}

impl Db {
    /// The key that signs this database's checkpoints.
    pub fn ledger_key(&self) -> &LedgerKey {
        &self.ledger
    }

    /// The latest signed checkpoint (C2SP tlog-checkpoint in a signed note), covering every
    /// committed event. For an empty ledger, a checkpoint of size 0 signed now.
    pub async fn ledger_checkpoint(&self) -> Result<String> {
        match head(self).await? {
            (_, Some(note)) => Ok(note),
            (0, None) => self.ledger.sign_checkpoint(0, zhifa_ledger::EMPTY_ROOT),
            (size, None) => Err(ledger_err(format!("账本头缺少检查点（大小{size}）"))),
        }
    }

    /// The published checkpoint of tree size `size`: the head's, or one archived in
    /// `ledger_checkpoints`.
    pub async fn checkpoint_at(&self, size: u64) -> Result<Option<String>> {
        if let (head_size, Some(note)) = head(self).await?
            && head_size == size
        {
            return Ok(Some(note));
        }
        let row = sqlx::query("SELECT note FROM ledger_checkpoints WHERE size = $1")
            .bind(size as i64)
            .fetch_optional(&self.read)
            .await?;
        Ok(row.map(|r| r.try_get(0)).transpose()?)
    }

    /// The sizes of archived checkpoints in `from ..= to`, ascending, at most `limit`.
    pub async fn checkpoint_sizes(&self, from: u64, to: u64, limit: i64) -> Result<Vec<u64>> {
        let rows =
            sqlx::query("SELECT size FROM ledger_checkpoints WHERE size >= $1 AND size <= $2 ORDER BY size LIMIT $3")
                .bind(from as i64)
                .bind(to.min(i64::MAX as u64) as i64)
                .bind(limit)
                .fetch_all(&self.read)
                .await?;
        rows.iter().map(|r| Ok(r.try_get::<i64, _>(0)? as u64)).collect()
    }

    /// The inclusion proof of the event at `position` in the latest checkpoint's tree.
    pub async fn inclusion_proof(&self, position: i64) -> Result<InclusionProof> {
        let (size, note) = head(self).await?;
        let mut proof = self.inclusion_proof_in(position, size).await?;
        if proof.checkpoint.is_none() {
            proof.checkpoint = note;
        }
        Ok(proof)
    }

    /// The inclusion proof of the event at `position` in the tree of `tree_size` events
    /// (which must not exceed the latest checkpoint's size).
    pub async fn inclusion_proof_in(&self, position: i64, tree_size: u64) -> Result<InclusionProof> {
        let (head_size, _) = head(self).await?;
        if position < 1 || position as u64 > tree_size || tree_size > head_size {
            return Err(ledger_err(format!(
                "第{position}号事件不在大小为{tree_size}的账本树中（当前大小{head_size}）"
            )));
        }
        let index = position as u64 - 1;
        let plan = tree::plan_inclusion(index, tree_size).map_err(ledger_err)?;
        let source = prefetch(self, plan).await?;
        let proof = tree::inclusion_proof(&source, index, tree_size).map_err(ledger_err)?;
        let row = crate::q(format!("{SELECT_ROWS} WHERE position = $1"))
            .bind(position)
            .fetch_optional(&self.read)
            .await?
            .ok_or_else(|| ledger_err(format!("第{position}号事件不存在")))?;
        let row = StoredRow::read(&row)?;
        let leaf_hash = row
            .leaf_hash
            .as_deref()
            .and_then(Hash::from_slice)
            .ok_or_else(|| ledger_err(format!("第{position}号事件没有叶哈希")))?;
        Ok(InclusionProof {
            position,
            leaf: leaf_bytes(&row.fields()),
            leaf_hash,
            tree_size,
            proof,
            checkpoint: self.checkpoint_at(tree_size).await?,
        })
    }

    /// The consistency proof that the tree of `m` events is a prefix of the tree of `n`
    /// (`1 ≤ m ≤ n ≤` the latest checkpoint's size).
    pub async fn consistency_proof(&self, m: u64, n: u64) -> Result<Vec<Hash>> {
        let (head_size, _) = head(self).await?;
        if n > head_size {
            return Err(ledger_err(format!("账本当前大小为{head_size}，小于{n}")));
        }
        let plan = tree::plan_consistency(m, n).map_err(ledger_err)?;
        let source = prefetch(self, plan).await?;
        tree::consistency_proof(&source, m, n).map_err(ledger_err)
    }

    /// The root of the tree of the first `size` events (at most the latest size).
    pub async fn ledger_root(&self, size: u64) -> Result<Hash> {
        let (head_size, _) = head(self).await?;
        if size > head_size {
            return Err(ledger_err(format!("账本当前大小为{head_size}，小于{size}")));
        }
        let plan = tree::plan_root(size).map_err(ledger_err)?;
        let source = prefetch(self, plan).await?;
        tree::root(&source, size).map_err(ledger_err)
    }

    /// The bytes of the hash tile `tile/<level>/<index>[.p/<width>]` (C2SP tlog-tiles), or
    /// `None` if the latest tree does not (yet) hold all its hashes. Full tiles never
    /// change; a partial tile is a prefix of every later version of it.
    pub async fn tile(&self, level: u8, index: u64, width: u16) -> Result<Option<Vec<u8>>> {
        let Some(tile) = TileId::new(level, index, width) else { return Ok(None) };
        let (size, _) = head(self).await?;
        if !tile.exists_in(size) {
            return Ok(None);
        }
        let hashes = read_range(self, tile.hash_range()).await?;
        debug_assert!(hashes.len() as u64 <= TILE_WIDTH);
        Ok(Some(zhifa_ledger::encode_tile(&hashes)))
    }
}
