//! Verifying the whole ledger against the stored rows ([`Db::verify_ledger`]).
//!
//! One read-only snapshot (REPEATABLE READ on PostgreSQL, a read transaction on SQLite),
//! rows streamed in pages of [`PAGE`] by position, memory independent of the log's size.
//! Each row's leaf is re-derived from its columns and fed to a [`Frontier`]; on the way:
//!
//! - a row whose leaf differs from its recorded `leaf_hash` was changed after it was
//!   written (or its hash was): checked against the signed roots to tell which;
//! - a position without a row is a removed event, and the stream's version gap names it;
//! - two changed rows, each holding what the other's position recorded, were swapped;
//! - a row beyond the head's size was inserted without going through the store;
//! - each tree node the log completes (levels 8, 16, …) is compared with `ledger_nodes`;
//! - each published checkpoint's signature is checked and its root compared with the tree
//!   recomputed from the rows at its size, and the head's checkpoint likewise.
//!
//! Consequences of one change (every later root differs, so does the node above it) are
//! not reported again: a node or checkpoint mismatch is reported only when no row issue
//! explains it — as a bad node when the signed roots agree with the rows, else as a range
//! of events one of which was changed along with its recorded hash.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::fmt;

use sqlx::Row;
use zhifa_core::events::RecordedEvent;
use zhifa_ledger::{Checkpoint, Frontier, Hash, NoteVerifier};

use super::{SELECT_ROWS, StoredRow, leaf_hash};
use crate::{Backend, Db, Result};

/// Rows read per query.
const PAGE: i64 = 5000;
/// Most issues listed; the rest are counted.
const MAX_ISSUES: usize = 10_000;
/// Most changed rows kept to look for swaps among them.
const MAX_FLAGGED: usize = 2_000;

/// An event as verification names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRef {
    pub position: i64,
    pub stream_id: String,
    pub version: i64,
    pub event_type: String,
}

impl fmt::Display for EventRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "第{}号事件（{} 第{}版，{}）", self.position, self.stream_id, self.version, self.event_type)
    }
}

/// Something verification found wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Issue {
    /// The row's contents differ from what the ledger recorded for it.
    Changed { event: EventRef },
    /// The row's recorded leaf hash was changed or removed; its contents agree with the
    /// signed checkpoints.
    LeafHashAltered { event: EventRef },
    /// No row at this position: the event was removed.
    Missing { position: i64 },
    /// A stream skips versions `from ..= to` before `next`: those events were removed.
    VersionGap { stream_id: String, from: i64, to: i64, next: EventRef },
    /// The row holds the event the ledger recorded at position `recorded_at` (rows
    /// swapped or moved).
    Moved { event: EventRef, recorded_at: i64 },
    /// A row beyond the ledger's head: inserted into the database directly.
    NotInLedger { event: EventRef },
    /// A stored tree node (`ledger_nodes`) is wrong, missing or superfluous; the events
    /// agree with the signed checkpoints.
    BadNode { level: u8, index: u64, reason: String },
    /// One of the events `first ..= last` was changed together with its recorded leaf
    /// hash (and perhaps the tree nodes): the signed roots say so, the rows cannot say which.
    RangeChanged { first: i64, last: i64 },
    /// A stored checkpoint whose signature or form does not verify.
    BadCheckpoint { size: Option<u64>, reason: String },
    /// The ledger head disagrees with itself or with the rows.
    BadHead { reason: String },
    /// A checkpoint larger than the head was published: the log was rolled back.
    RolledBack { head_size: u64, published_size: u64 },
    /// The row's payload does not decode (reported only when visiting events).
    Undecodable { event: EventRef, error: String },
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Issue::Changed { event } => write!(f, "{event}的内容在写入后被改动"),
            Issue::LeafHashAltered { event } => {
                write!(f, "{event}记录的叶哈希被改动（事件内容与已签名的检查点一致）")
            }
            Issue::Missing { position } => write!(f, "第{position}号事件已被删除"),
            Issue::VersionGap { stream_id, from, to, next } => {
                write!(f, "事件流{stream_id}缺少第{from}至{to}版（在{next}之前被删除）")
            }
            Issue::Moved { event, recorded_at } => write!(f, "{event}原记录于第{recorded_at}号，被移动或调换"),
            Issue::NotInLedger { event } => write!(f, "{event}不在账本中：绕过系统直接写入了数据库"),
            Issue::BadNode { level, index, reason } => write!(f, "账本节点（第{level}层第{index}项）{reason}"),
            Issue::RangeChanged { first, last } => {
                write!(f, "第{first}至{last}号事件中有事件连同其叶哈希被改动，无法确定是哪一个")
            }
            Issue::BadCheckpoint { size: Some(size), reason } => write!(f, "大小为{size}的检查点无效：{reason}"),
            Issue::BadCheckpoint { size: None, reason } => write!(f, "检查点无效：{reason}"),
            Issue::BadHead { reason } => write!(f, "账本头不一致：{reason}"),
            Issue::RolledBack { head_size, published_size } => {
                write!(f, "账本被回退：曾发布大小为{published_size}的检查点，账本头却只有{head_size}")
            }
            Issue::Undecodable { event, error } => write!(f, "{event}无法解码：{error}"),
        }
    }
}

impl Issue {
    /// Position the issue is about, for ordering the report.
    fn position(&self) -> i64 {
        match self {
            Issue::Changed { event }
            | Issue::LeafHashAltered { event }
            | Issue::Moved { event, .. }
            | Issue::NotInLedger { event }
            | Issue::Undecodable { event, .. } => event.position,
            Issue::VersionGap { next, .. } => next.position,
            Issue::Missing { position } => *position,
            Issue::RangeChanged { first, .. } => *first,
            Issue::BadNode { level, index, .. } => (index << level) as i64 + 1,
            Issue::BadCheckpoint { size, .. } => size.unwrap_or(0) as i64,
            Issue::BadHead { .. } | Issue::RolledBack { .. } => i64::MAX,
        }
    }
}

/// How far verification has got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VerifyProgress {
    /// Rows read so far.
    pub done: u64,
    /// The last position in the table when verification started.
    pub total: u64,
}

/// What [`Db::verify_ledger`] found.
#[derive(Debug, Clone)]
pub struct VerifyReport {
    /// The latest checkpoint, signature-verified (None if it does not verify).
    pub checkpoint: Option<Checkpoint>,
    /// The ledger's size according to its head.
    pub ledger_size: u64,
    /// The root recomputed from the rows at that size.
    pub root: Hash,
    /// Event rows read.
    pub events_read: u64,
    /// Signed checkpoints compared with the rows (published ones and the head's).
    pub checkpoints_checked: u64,
    /// What is wrong, by position; empty when the ledger is intact.
    pub issues: Vec<Issue>,
    /// Issues beyond the first 10,000, not listed.
    pub issues_not_listed: u64,
}

impl VerifyReport {
    /// Whether nothing was found wrong.
    pub fn is_intact(&self) -> bool {
        self.issues.is_empty() && self.issues_not_listed == 0
    }
}

/// A tree node that did not match: `stored` is None when the row is missing.
struct NodeMismatch {
    level: u8,
    index: u64,
    stored: Option<Hash>,
}

/// The state of one verification run.
struct Run {
    verifier: NoteVerifier,
    head_size: u64,
    head_checkpoint: Option<Checkpoint>,
    frontier: Frontier,
    /// Level-8 nodes read ahead, by index.
    level8: BTreeMap<u64, Hash>,
    /// Level-16-and-up nodes (few), by (level, index).
    upper: HashMap<(u8, u64), Hash>,
    /// Published checkpoints read ahead: size and root (None: did not verify).
    published: VecDeque<(u64, Option<Hash>)>,
    /// Signed roots compared with the rows: (size, agreed), ascending.
    checks: Vec<(u64, bool)>,
    nodes: Vec<NodeMismatch>,
    /// Positions with a row-level issue (changed, missing).
    row_issues: BTreeSet<i64>,
    /// Changed rows, with their recomputed leaf.
    flagged: Vec<(StoredRow, Hash)>,
    flagged_versions: HashSet<(String, i64)>,
    streams: HashMap<String, i64>,
    gaps: Vec<(String, i64, i64, EventRef)>,
    issues: Vec<Issue>,
    not_listed: u64,
}

impl Run {
    fn issue(&mut self, issue: Issue) {
        if self.issues.len() < MAX_ISSUES {
            self.issues.push(issue);
        } else {
            self.not_listed += 1;
        }
    }

    /// Adds a leaf to the recomputed tree; compares the nodes and roots it completes.
    fn feed(&mut self, leaf: Hash) {
        for (level, index, hash) in self.frontier.append(leaf) {
            if level == 0 {
                continue;
            }
            let stored = if level == 8 { self.level8.remove(&index) } else { self.upper.remove(&(level, index)) };
            if stored != Some(hash) {
                self.nodes.push(NodeMismatch { level, index, stored });
            }
        }
        let size = self.frontier.size();
        let mut root = None;
        while let Some(&(s, signed)) = self.published.front() {
            if s > size {
                break;
            }
            self.published.pop_front();
            if let (true, Some(signed)) = (s == size, signed) {
                let r = *root.get_or_insert_with(|| self.frontier.root());
                self.checks.push((size, r == signed));
            }
        }
        if let Some(cp) = &self.head_checkpoint
            && cp.size == size
        {
            let r = root.unwrap_or_else(|| self.frontier.root());
            let agreed = r == cp.root;
            if self.checks.last().map(|c| c.0) == Some(size) {
                self.checks.last_mut().expect("just checked").1 &= agreed;
            } else {
                self.checks.push((size, agreed));
            }
        }
    }

    fn missing(&mut self, position: i64) {
        self.row_issues.insert(position);
        self.issue(Issue::Missing { position });
        // Keep the tree aligned; the leaf is unknown.
        self.feed(Hash::default());
    }

    /// Whether the first signed root at or after `size` agrees with the rows.
    fn authority(&self, size: u64) -> Option<bool> {
        self.checks.iter().find(|(s, _)| *s >= size).map(|(_, ok)| *ok)
    }

    fn explained(&self, first: i64, last: i64) -> bool {
        self.row_issues.range(first..=last).next().is_some()
    }

    /// Turns what was collected into issues (see the module documentation).
    fn resolve(&mut self) {
        // Swaps: a changed row whose contents hash, at another changed row's position, to
        // what the ledger recorded there (or to its own recorded hash).
        let mut moved: HashMap<i64, i64> = HashMap::new();
        let flagged = std::mem::take(&mut self.flagged);
        for (a, _) in &flagged {
            for (b, _) in &flagged {
                if a.position == b.position {
                    continue;
                }
                let mut fields = a.fields();
                fields.position = b.position;
                let there = leaf_hash(&fields);
                let recorded = [a.leaf_hash.as_deref(), b.leaf_hash.as_deref()];
                if recorded.iter().flatten().any(|h| Hash::from_slice(h) == Some(there)) {
                    moved.insert(a.position, b.position);
                    break;
                }
            }
        }
        for (row, _) in &flagged {
            let event = row.event_ref();
            let issue = if let Some(&recorded_at) = moved.get(&row.position) {
                Issue::Moved { event, recorded_at }
            } else if self.authority(row.position as u64) == Some(true) {
                Issue::LeafHashAltered { event }
            } else {
                Issue::Changed { event }
            };
            self.issue(issue);
        }
        for (stream_id, from, to, next) in std::mem::take(&mut self.gaps) {
            let explained = (from..=to).all(|v| self.flagged_versions.contains(&(stream_id.clone(), v)));
            if !explained {
                self.issue(Issue::VersionGap { stream_id, from, to, next });
            }
        }
        for node in std::mem::take(&mut self.nodes) {
            let first = (node.index << node.level) as i64 + 1;
            let last = ((node.index + 1) << node.level) as i64;
            if self.explained(first, last) {
                continue;
            }
            if self.authority(last as u64) == Some(true) {
                let reason = match node.stored {
                    Some(_) => "与事件不符（事件与已签名的检查点一致）".to_string(),
                    None => "缺失".to_string(),
                };
                self.issue(Issue::BadNode { level: node.level, index: node.index, reason });
            } else {
                self.row_issues.insert(first);
                self.issue(Issue::RangeChanged { first, last });
            }
        }
        let mut last_ok = 0u64;
        for (size, ok) in self.checks.clone() {
            if ok {
                last_ok = size;
            } else if !self.explained(1, size as i64) {
                self.row_issues.insert(last_ok as i64 + 1);
                self.issue(Issue::RangeChanged { first: last_ok as i64 + 1, last: size as i64 });
            }
        }
    }
}

impl Db {
    /// Verifies the whole ledger against the stored rows and the signed checkpoints (see
    /// the module documentation of `ledger::verify` for what is checked). Streams the rows;
    /// `progress` is called after each page of 5,000.
    pub async fn verify_ledger(&self, mut progress: impl FnMut(VerifyProgress) + Send) -> Result<VerifyReport> {
        self.run_verify(&mut progress, None).await
    }

    /// [`Db::verify_ledger`], also handing every decodable event to `visit` in position
    /// order — e.g. to collect the evidence files' hashes and check the blobs. A payload
    /// that does not decode is reported as [`Issue::Undecodable`].
    pub async fn verify_ledger_visiting(
        &self,
        mut progress: impl FnMut(VerifyProgress) + Send,
        mut visit: impl FnMut(&RecordedEvent) + Send,
    ) -> Result<VerifyReport> {
        self.run_verify(&mut progress, Some(&mut visit)).await
    }

    async fn run_verify(
        &self,
        progress: &mut (dyn FnMut(VerifyProgress) + Send),
        mut visit: Option<&mut (dyn FnMut(&RecordedEvent) + Send)>,
    ) -> Result<VerifyReport> {
        let mut tx = self.read.begin().await?;
        if self.backend() == Backend::Postgres {
            sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY").execute(&mut *tx).await?;
        }
        let head = sqlx::query("SELECT size, frontier, note FROM ledger_head WHERE id = 1").fetch_one(&mut *tx).await?;
        let head_size = head.try_get::<i64, _>(0)? as u64;
        let head_frontier: Vec<u8> = head.try_get(1)?;
        let head_note: Option<String> = head.try_get(2)?;
        let total = sqlx::query("SELECT COALESCE(MAX(position), 0) FROM events").fetch_one(&mut *tx).await?;
        let total = total.try_get::<i64, _>(0)? as u64;

        let verifier = self.ledger.verifier();
        let mut run = Run {
            verifier,
            head_size,
            head_checkpoint: None,
            frontier: Frontier::new(),
            level8: BTreeMap::new(),
            upper: HashMap::new(),
            published: VecDeque::new(),
            checks: Vec::new(),
            nodes: Vec::new(),
            row_issues: BTreeSet::new(),
            flagged: Vec::new(),
            flagged_versions: HashSet::new(),
            streams: HashMap::new(),
            gaps: Vec::new(),
            issues: Vec::new(),
            not_listed: 0,
        };
        match head_note.as_deref().map(|n| run.verifier.open_checkpoint(n.as_bytes())) {
            Some(Ok(cp)) => {
                if cp.size != head_size {
                    run.issue(Issue::BadHead {
                        reason: format!("大小为{head_size}，其检查点却是{}", cp.size)
                    });
                }
                run.head_checkpoint = Some(cp);
            }
            Some(Err(e)) => run.issue(Issue::BadCheckpoint { size: Some(head_size), reason: e.to_string() }),
            None if head_size > 0 => run.issue(Issue::BadHead { reason: "没有检查点".into() }),
            None => {}
        }
        let published_max =
            sqlx::query("SELECT COALESCE(MAX(size), 0) FROM ledger_checkpoints").fetch_one(&mut *tx).await?;
        let published_max = published_max.try_get::<i64, _>(0)? as u64;
        if published_max > head_size {
            run.issue(Issue::RolledBack { head_size, published_size: published_max });
        }
        // A head far beyond the rows would make the tree walk endless: judge it by the rows.
        let tree_size = if head_size > total.saturating_add(1_000_000) {
            run.issue(Issue::BadHead { reason: format!("大小为{head_size}，远超已存事件（{total}）") });
            total
        } else {
            head_size
        };
        for row in sqlx::query("SELECT level, idx, hash FROM ledger_nodes WHERE level > 8").fetch_all(&mut *tx).await? {
            let (level, index, hash): (i64, i64, Vec<u8>) = (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?);
            let hash = Hash::from_slice(&hash).unwrap_or_default();
            run.upper.insert((level as u8, index as u64), hash);
        }

        let mut after = 0i64;
        let mut nodes_loaded = 0u64;
        let mut published_loaded = 0u64;
        let mut done = 0u64;
        loop {
            let rows = crate::q(format!("{SELECT_ROWS} WHERE position > $1 ORDER BY position LIMIT {PAGE}"))
                .bind(after)
                .fetch_all(&mut *tx)
                .await?;
            let Some(last) = rows.last() else { break };
            let upto = (last.try_get::<i64, _>(0)? as u64).min(tree_size);
            // Nodes and published checkpoints this page can complete.
            if upto / 256 > nodes_loaded {
                let nodes = sqlx::query(
                    "SELECT idx, hash FROM ledger_nodes WHERE level = 8 AND idx >= $1 AND idx < $2 ORDER BY idx",
                )
                .bind(nodes_loaded as i64)
                .bind((upto / 256) as i64)
                .fetch_all(&mut *tx)
                .await?;
                for n in nodes {
                    let hash: Vec<u8> = n.try_get(1)?;
                    run.level8.insert(n.try_get::<i64, _>(0)? as u64, Hash::from_slice(&hash).unwrap_or_default());
                }
                nodes_loaded = upto / 256;
            }
            if upto > published_loaded {
                let cps = sqlx::query(
                    "SELECT size, note FROM ledger_checkpoints WHERE size > $1 AND size <= $2 ORDER BY size",
                )
                .bind(published_loaded as i64)
                .bind(upto as i64)
                .fetch_all(&mut *tx)
                .await?;
                for c in cps {
                    let size = c.try_get::<i64, _>(0)? as u64;
                    let note: String = c.try_get(1)?;
                    match run.verifier.open_checkpoint(note.as_bytes()) {
                        Ok(cp) if cp.size == size => run.published.push_back((size, Some(cp.root))),
                        Ok(cp) => run.issue(Issue::BadCheckpoint {
                            size: Some(size),
                            reason: format!("记录的大小与检查点内容（{}）不符", cp.size),
                        }),
                        Err(e) => run.issue(Issue::BadCheckpoint { size: Some(size), reason: e.to_string() }),
                    }
                }
                published_loaded = upto;
            }
            for row in &rows {
                let row = StoredRow::read(row)?;
                after = row.position;
                done += 1;
                if row.position < 1 || row.position as u64 > tree_size {
                    run.issue(Issue::NotInLedger { event: row.event_ref() });
                    continue;
                }
                while run.frontier.size() + 1 < row.position as u64 {
                    let position = run.frontier.size() as i64 + 1;
                    run.missing(position);
                }
                let leaf = leaf_hash(&row.fields());
                let recorded = row.leaf_hash.as_deref().and_then(Hash::from_slice);
                let changed = recorded != Some(leaf);
                if let Some(visit) = visit.as_deref_mut() {
                    match crate::events::recorded_from_stored(&row) {
                        Ok(event) => visit(&event),
                        Err(e) if !changed => {
                            run.issue(Issue::Undecodable { event: row.event_ref(), error: e.to_string() })
                        }
                        Err(_) => {}
                    }
                }
                if changed {
                    run.row_issues.insert(row.position);
                    run.flagged_versions.insert((row.stream_id.clone(), row.version));
                    if run.flagged.len() < MAX_FLAGGED {
                        run.flagged.push((row, leaf));
                    } else {
                        run.issue(Issue::Changed { event: row.event_ref() });
                    }
                } else {
                    let last = run.streams.entry(row.stream_id.clone()).or_insert(0);
                    if row.version > *last + 1 {
                        run.gaps.push((row.stream_id.clone(), *last + 1, row.version - 1, row.event_ref()));
                    }
                    *last = (*last).max(row.version);
                }
                run.feed(leaf);
            }
            progress(VerifyProgress { done, total });
        }
        while run.frontier.size() < tree_size {
            let position = run.frontier.size() as i64 + 1;
            run.missing(position);
        }
        // Stored nodes the tree never reached.
        let extra = sqlx::query("SELECT idx FROM ledger_nodes WHERE level = 8 AND idx >= $1 ORDER BY idx LIMIT 100")
            .bind((tree_size / 256) as i64)
            .fetch_all(&mut *tx)
            .await?;
        tx.rollback().await?;
        for row in extra {
            let index = row.try_get::<i64, _>(0)? as u64;
            run.issue(Issue::BadNode { level: 8, index, reason: "超出账本范围".into() });
        }
        for (level, index) in run.upper.keys().copied().collect::<Vec<_>>() {
            run.issue(Issue::BadNode { level, index, reason: "超出账本范围".into() });
        }

        let checkpoints_checked = run.checks.len() as u64;
        run.resolve();
        // The head's frontier is what the next append builds on.
        let head_agrees = run.checks.iter().any(|&(s, ok)| s == tree_size && ok);
        match Frontier::decode(&head_frontier) {
            Ok(f) if f == run.frontier => {}
            Ok(_) if !head_agrees => {}
            Ok(_) => run.issue(Issue::BadHead { reason: "右边界（frontier）与事件不符".into() }),
            Err(e) => run.issue(Issue::BadHead { reason: format!("右边界（frontier）无法解码：{e}") }),
        }
        run.issues.sort_by_key(Issue::position);
        Ok(VerifyReport {
            checkpoint: run.head_checkpoint.clone(),
            ledger_size: run.head_size,
            root: run.frontier.root(),
            events_read: done,
            checkpoints_checked,
            issues: run.issues,
            issues_not_listed: run.not_listed,
        })
    }
}
