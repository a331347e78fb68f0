//! The portal's full-text search (issue 5, D-14): the index of [`zhifa_search`] kept in
//! step with the `publications` rows, which are themselves projected from the publication
//! events.
//!
//! The index is derived data and may lag, be lost or be thrown away: [`App::sync_search`]
//! takes in every row changed after the position the index remembers (a public row is put
//! in, any other taken out), and an index at position 0 — new, or of an older schema — is
//! rebuilt from the rows ([`App::rebuild_search`]). A search syncs first, so a decision
//! published on this node is found at once; other nodes' publications arrive at their next
//! search. Writes to the index are serialized by one async lock; tantivy's work runs on the
//! blocking pool.

use std::collections::HashMap;
use std::sync::Arc;

use uuid::Uuid;
use zhifa_core::Rejection;
use zhifa_search::{Doc, Query, Results, SearchError, SearchIndex};
use zhifa_store::publications::PublicationRow;

use crate::cases::beijing_now;
use crate::{App, AppError, AppResult};

/// Rows taken in per round trip.
const PAGE: i64 = 1_000;

/// Results kept per query; past this many the cache starts afresh.
const CACHED_QUERIES: usize = 4_096;

/// The search index, the lock that serializes its writers, and the results of recent
/// queries at the index's position: the index changes only when a publication does (a
/// few times an hour), while the same searches come again and again, and a search whose
/// words occur in most of a million decisions costs tens of milliseconds to score.
#[derive(Clone)]
pub struct Search {
    index: Arc<SearchIndex>,
    writing: Arc<tokio::sync::Mutex<()>>,
    cache: Arc<std::sync::Mutex<(i64, HashMap<Query, Pending>)>>,
}

/// A query's results at one index position: computed by the first to ask, awaited by the
/// rest.
type Pending = Arc<tokio::sync::OnceCell<Results>>;

impl std::fmt::Debug for Search {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Search").field("documents", &self.index.len()).finish()
    }
}

impl Search {
    pub fn new(index: SearchIndex) -> Self {
        Search { index: Arc::new(index), writing: Arc::default(), cache: Arc::default() }
    }

    /// An empty index in memory (tests, tools that never search).
    pub fn in_memory() -> Self {
        Search::new(SearchIndex::in_memory().expect("an empty index in memory"))
    }
}

impl From<SearchError> for AppError {
    fn from(e: SearchError) -> Self {
        match e {
            SearchError::BadQuery(m) => AppError::Rejected(Rejection::one("q", m)),
            other => AppError::Internal(zhifa_store::StoreError::Corrupt(other.to_string())),
        }
    }
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T, SearchError> + Send + 'static) -> AppResult<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| AppError::Internal(zhifa_store::StoreError::Corrupt(format!("search task: {e}"))))?
        .map_err(AppError::from)
}

impl App {
    /// Uses `search` as the portal's index (the server's, on disk).
    pub fn with_search(mut self, search: Search) -> Self {
        self.search = search;
        self
    }

    /// Takes the rows changed since the index's position into the index; rebuilds it when
    /// it is at 0 and there are rows. Returns how many rows were taken in.
    pub async fn sync_search(&self) -> AppResult<usize> {
        let index = self.search.index.clone();
        if index.position()? == 0 && self.db.publications_position().await? > 0 {
            return self.rebuild_search().await;
        }
        let _writing = self.search.writing.lock().await;
        let mut areas = Areas::default();
        let mut done = 0;
        loop {
            let position = index.position()?;
            let rows = self.db.publication_changes(position, PAGE).await?;
            let Some(last) = rows.last().map(|r| r.changed_at) else { break };
            let mut changes = Vec::with_capacity(rows.len());
            for row in &rows {
                changes.push(match row.status.as_str() {
                    "public" => Some(self.doc(row, &mut areas).await?),
                    _ => None,
                });
            }
            done += rows.len();
            let ids: Vec<Uuid> = rows.iter().map(|r| r.record_id).collect();
            let index = index.clone();
            blocking(move || {
                for (id, change) in ids.into_iter().zip(changes) {
                    match change {
                        Some(doc) => index.upsert(&doc)?,
                        None => index.remove(id)?,
                    }
                }
                index.commit(last)
            })
            .await?;
        }
        Ok(done)
    }

    /// Throws the index's content away and puts in every row public today; the index's
    /// position becomes the newest change read before the rows, so that a change made
    /// during the rebuild is taken in again by the next sync. Returns how many rows.
    pub async fn rebuild_search(&self) -> AppResult<usize> {
        let _writing = self.search.writing.lock().await;
        let index = self.search.index.clone();
        let position = self.db.publications_position().await?;
        let today = beijing_now().date();
        {
            let index = index.clone();
            blocking(move || index.clear()).await?;
        }
        let mut areas = Areas::default();
        let mut after = None;
        let mut done = 0;
        loop {
            let rows = self.db.publication_rows_page(after, PAGE).await?;
            let Some(last) = rows.last() else { break };
            after = Some(last.record_id);
            let mut docs = Vec::with_capacity(rows.len());
            for row in rows.iter().filter(|r| zhifa_store::Db::is_public_row(r, today)) {
                docs.push(self.doc(row, &mut areas).await?);
            }
            done += docs.len();
            let index = index.clone();
            // The index was cleared: each document goes in without a delete of its id.
            blocking(move || docs.iter().try_for_each(|d| index.add(d))).await?;
        }
        blocking(move || index.commit(position)).await?;
        tracing::info!(publications = done, position, "search index rebuilt");
        Ok(done)
    }

    /// Searches the decisions public today (D-14), after taking in the latest changes.
    pub async fn search_publications(&self, query: Query) -> AppResult<Results> {
        // The common case, nothing new: one indexed MAX() and no lock, so that concurrent
        // searches do not queue behind each other.
        if self.db.publications_position().await? > self.search.index.position()? {
            self.sync_search().await?;
        }
        let position = self.search.index.position()?;
        // One computation per query and position, however many ask at once: the others
        // wait for its result rather than score the same million documents side by side
        // (after a new publication every popular query misses at the same moment).
        let cell = {
            let mut cache = self.search.cache.lock().unwrap_or_else(|p| p.into_inner());
            if cache.0 != position {
                *cache = (position, HashMap::new());
            }
            if cache.1.len() >= CACHED_QUERIES && !cache.1.contains_key(&query) {
                cache.1.clear();
            }
            cache.1.entry(query.clone()).or_default().clone()
        };
        let index = self.search.index.clone();
        let results = cell.get_or_try_init(|| blocking(move || index.search(&query))).await?;
        Ok(results.clone())
    }

    async fn doc(&self, row: &PublicationRow, areas: &mut Areas) -> AppResult<Doc> {
        let area = match areas.0.get(&row.agency_id) {
            Some(a) => a.clone(),
            None => {
                let a = self.db.agency(row.agency_id).await?.map(|a| a.info.jurisdiction).unwrap_or_default();
                areas.0.insert(row.agency_id, a.clone());
                a
            }
        };
        let n = &row.notice;
        Ok(Doc {
            record_id: row.record_id,
            agency_id: row.agency_id,
            agency: n.agency.clone(),
            area,
            kind: row.act_kind.clone(),
            category: n.category.clone(),
            party: n.party.clone(),
            document_number: n.document_number.clone(),
            facts: n.facts.clone(),
            basis: n.basis.clone(),
            conclusion: n.conclusion.clone(),
            decided_on: n.decided_on,
            // A public row always has its takedown date; one without is never a hit.
            takedown_on: row.takedown_on.unwrap_or(n.decided_on),
        })
    }
}

/// The agencies' areas met during one sync.
#[derive(Default)]
struct Areas(HashMap<Uuid, String>);
