//! Chinese full-text search over the portal's publications (issue 5, D-14).
//!
//! The index is **derived data**: every document in it is a publication row that the
//! portal shows today, and the index remembers, in its commit payload, the position of the
//! last event it has taken in ([`SearchIndex::position`]). The application catches it up
//! from the store after each change and at start, and can throw it away and rebuild it from
//! the rows at any time ([`SearchIndex::clear`] + [`SearchIndex::upsert`] +
//! [`SearchIndex::commit`]). Nothing here reads the database: this crate knows tantivy,
//! nothing else does.
//!
//! Chinese has no spaces between words, so the texts are segmented with jieba in its search
//! mode (a long word also yields its dictionary sub-words: 北京大学 → 北京, 大学, 北京大学), through
//! `tantivy-jieba`, and ASCII is lower-cased. The HMM guess of words missing from the
//! dictionary is off: it depends on the surrounding text, so a name segmented one way in a
//! decision could be segmented another way when typed alone; without it such a name is
//! indexed and searched character by character, the same way on both sides. A query is segmented the same way and every
//! word of it must occur in some field of a hit (punctuation is dropped), so a phrase copied
//! out of a decision finds the decision and a word that is in no decision finds nothing.
//! Filters (agency, kind of act, area, decision date) and the takedown date (a publication
//! whose retention has ended is never a hit, even before the hourly takedown removes it) are
//! exact terms and ranges. Hits carry a highlighted fragment as plain text with marked
//! ranges, never HTML, so the page escapes it like any other text.

use std::ops::Bound;
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{Datelike, NaiveDate};
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, Occur, RangeQuery, TermQuery};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TantivyDocument, TextFieldIndexing, TextOptions,
    Value,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::{LowerCaser, TextAnalyzer, TokenStream};
use tantivy::{Index, IndexReader, IndexWriter, Order, ReloadPolicy, Term};
use uuid::Uuid;

#[cfg(test)]
mod tests;

/// The name the jieba analyzer is registered under.
const JIEBA: &str = "zh_jieba";
/// The writer's memory budget: tantivy's minimum per thread is 15 MB.
const WRITER_BUDGET: usize = 50_000_000;
/// The longest query text accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 100;
/// The deepest page: past it a citizen should narrow the filters instead.
pub const MAX_OFFSET: usize = 1_000;
/// Characters of the highlighted fragment.
const FRAGMENT_CHARS: usize = 120;

/// What can go wrong. The query errors are the user's to fix and say how, in Chinese;
/// the index errors are ours.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("{0}")]
    BadQuery(String),
    #[error("全文检索索引出错：{0}")]
    Index(#[from] tantivy::TantivyError),
    #[error("全文检索索引出错：{0}")]
    Directory(String),
}

pub type Result<T> = std::result::Result<T, SearchError>;

/// A publication as the index takes it in: the redacted notice the portal shows, and the
/// facets it is filtered by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Doc {
    /// The decision record id (the publication's key).
    pub record_id: Uuid,
    pub agency_id: Uuid,
    pub agency: String,
    /// The agency's area (管辖区域).
    pub area: String,
    /// The kind of act, as stored (`penalty`, `permit`…).
    pub kind: String,
    /// The kind's label (行政处罚…).
    pub category: String,
    pub party: String,
    pub document_number: String,
    pub facts: String,
    pub basis: String,
    pub conclusion: String,
    pub decided_on: NaiveDate,
    pub takedown_on: NaiveDate,
}

/// A search: the words and the filters. Build it with [`Query::new`], which checks it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Query {
    text: String,
    pub agency: Option<Uuid>,
    pub kind: Option<String>,
    pub area: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Publications whose retention has ended by this day are not hits.
    pub today: NaiveDate,
    pub offset: usize,
    pub limit: usize,
}

impl Query {
    /// A checked query: the text at most [`MAX_QUERY_CHARS`] characters, a date range that
    /// is a range, a page not past [`MAX_OFFSET`] and of 1 to 100 hits.
    pub fn new(text: &str, today: NaiveDate) -> Result<Query> {
        let text = text.trim();
        if text.chars().count() > MAX_QUERY_CHARS {
            return Err(SearchError::BadQuery(format!("检索词过长：最多 {MAX_QUERY_CHARS} 个字，请缩短后再检索")));
        }
        if text.chars().any(char::is_control) {
            return Err(SearchError::BadQuery("检索词含有控制字符，请删除后再检索".into()));
        }
        Ok(Query {
            text: text.to_owned(),
            agency: None,
            kind: None,
            area: None,
            from: None,
            to: None,
            today,
            offset: 0,
            limit: 20,
        })
    }

    /// Restricts to decisions made from `from` to `to`, both included.
    pub fn dates(mut self, from: Option<NaiveDate>, to: Option<NaiveDate>) -> Result<Query> {
        if let (Some(a), Some(b)) = (from, to)
            && a > b
        {
            return Err(SearchError::BadQuery(format!("起始日期 {a} 晚于截止日期 {b}，请调换或更正")));
        }
        self.from = from;
        self.to = to;
        Ok(self)
    }

    /// Which page.
    pub fn page(mut self, offset: usize, limit: usize) -> Result<Query> {
        if offset > MAX_OFFSET {
            return Err(SearchError::BadQuery(format!(
                "结果只能翻到第 {MAX_OFFSET} 条，请增加检索词或筛选条件缩小范围"
            )));
        }
        if !(1..=100).contains(&limit) {
            return Err(SearchError::BadQuery("每页条数须在 1 至 100 之间".into()));
        }
        self.offset = offset;
        self.limit = limit;
        Ok(self)
    }

    pub fn text(&self) -> &str {
        &self.text
    }
}

/// A piece of the highlighted fragment: `marked` where a word of the query matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    pub text: String,
    pub marked: bool,
}

/// One hit, with what the result list shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub record_id: Uuid,
    pub agency: String,
    pub category: String,
    pub party: String,
    pub document_number: String,
    pub decided_on: NaiveDate,
    /// A fragment of the facts (or the conclusion, or the basis) around the matched words;
    /// empty when the search had no words.
    pub fragment: Vec<Piece>,
}

/// A page of hits and how many there are in all.
#[derive(Debug, Clone, PartialEq)]
pub struct Results {
    pub total: usize,
    pub hits: Vec<Hit>,
}

#[derive(Clone, Copy)]
struct Fields {
    record_id: Field,
    agency_id: Field,
    kind: Field,
    area: Field,
    category: Field,
    agency: Field,
    party: Field,
    document_number: Field,
    facts: Field,
    basis: Field,
    conclusion: Field,
    decided_on: Field,
    takedown_on: Field,
    /// Every text of the notice in one field, which the words are matched against: one
    /// term lookup per word instead of one per word and field. Not stored.
    all: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let zh = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(JIEBA)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
        .set_stored();
    let f = Fields {
        record_id: b.add_text_field("record_id", STRING | STORED),
        agency_id: b.add_text_field("agency_id", STRING),
        kind: b.add_text_field("kind", STRING),
        area: b.add_text_field("area", STRING),
        category: b.add_text_field("category", STORED),
        agency: b.add_text_field("agency", zh.clone()),
        party: b.add_text_field("party", zh.clone()),
        document_number: b.add_text_field("document_number", zh.clone()),
        facts: b.add_text_field("facts", zh.clone()),
        basis: b.add_text_field("basis", zh.clone()),
        conclusion: b.add_text_field("conclusion", zh),
        decided_on: b.add_i64_field("decided_on", INDEXED | FAST | STORED),
        takedown_on: b.add_i64_field("takedown_on", FAST | STORED),
        all: b.add_text_field(
            "all",
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default().set_tokenizer(JIEBA).set_index_option(IndexRecordOption::WithFreqs),
            ),
        ),
    };
    (b.build(), f)
}

fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(tantivy_jieba::JiebaTokenizer::with_hmm(false)).filter(LowerCaser).build()
}

/// A date as the index keeps it: yyyymmdd, so that the order of numbers is the order of days.
fn day(d: NaiveDate) -> i64 {
    i64::from(d.year()) * 10_000 + i64::from(d.month()) * 100 + i64::from(d.day())
}

fn from_day(n: i64) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(
        i32::try_from(n / 10_000).ok()?,
        u32::try_from(n / 100 % 100).ok()?,
        u32::try_from(n % 100).ok()?,
    )
}

/// The words of a query: segmented as the index segments, without punctuation, each once.
fn words(text: &str) -> Vec<String> {
    let mut a = analyzer();
    let mut stream = a.token_stream(text);
    let mut out: Vec<String> = Vec::new();
    while let Some(t) = stream.next() {
        if t.text.chars().any(char::is_alphanumeric) && !out.contains(&t.text) {
            out.push(t.text.clone());
        }
    }
    out
}

/// The search index of the portal's publications.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    writer: Mutex<Option<IndexWriter>>,
    /// The commit payload, kept in memory: every search asks for it.
    position: AtomicI64,
    f: Fields,
}

impl SearchIndex {
    /// An index in memory, empty: for tests and for a server without a data directory.
    pub fn in_memory() -> Result<SearchIndex> {
        let (schema, f) = schema();
        Self::with(Index::create_in_ram(schema), f)
    }

    /// The index in `dir`, created there if there is none. An index of another schema (an
    /// older version of this program) is derived data: it is removed and made again empty,
    /// at position 0, so the application rebuilds it from the rows.
    pub fn open(dir: &Path) -> Result<SearchIndex> {
        let (schema, f) = schema();
        std::fs::create_dir_all(dir).map_err(|e| SearchError::Directory(format!("{}: {e}", dir.display())))?;
        let open = || -> Result<Index> {
            let mmap = tantivy::directory::MmapDirectory::open(dir)
                .map_err(|e| SearchError::Directory(format!("{}: {e}", dir.display())))?;
            Ok(Index::open_or_create(mmap, schema.clone())?)
        };
        let index = match open() {
            Ok(i) => i,
            Err(SearchError::Index(tantivy::TantivyError::SchemaError(_))) => {
                std::fs::remove_dir_all(dir).map_err(|e| SearchError::Directory(format!("{}: {e}", dir.display())))?;
                std::fs::create_dir_all(dir).map_err(|e| SearchError::Directory(format!("{}: {e}", dir.display())))?;
                open()?
            }
            Err(e) => return Err(e),
        };
        Self::with(index, f)
    }

    fn with(index: Index, f: Fields) -> Result<SearchIndex> {
        index.tokenizers().register(JIEBA, analyzer());
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        let position = index.load_metas()?.payload.and_then(|p| p.parse().ok()).unwrap_or(0);
        Ok(SearchIndex { index, reader, writer: Mutex::new(None), position: AtomicI64::new(position), f })
    }

    /// The position of the last event the index has taken in (0 for a new index).
    pub fn position(&self) -> Result<i64> {
        Ok(self.position.load(Ordering::Acquire))
    }

    /// How many publications the index holds.
    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn write<T>(&self, f: impl FnOnce(&mut IndexWriter) -> Result<T>) -> Result<T> {
        let mut guard = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        if guard.is_none() {
            *guard = Some(self.index.writer_with_num_threads(1, WRITER_BUDGET)?);
        }
        f(guard.as_mut().expect("writer just made"))
    }

    /// Removes every document (staged until [`commit`](Self::commit)): the start of a rebuild.
    pub fn clear(&self) -> Result<()> {
        self.write(|w| {
            w.delete_all_documents()?;
            Ok(())
        })
    }

    /// Puts a publication in, replacing what the index held for it (staged).
    pub fn upsert(&self, doc: &Doc) -> Result<()> {
        self.put(doc, true)
    }

    /// Puts a publication in that the index does not hold (staged): a rebuild after
    /// [`clear`](Self::clear), saving a delete per document.
    pub fn add(&self, doc: &Doc) -> Result<()> {
        self.put(doc, false)
    }

    fn put(&self, doc: &Doc, replace: bool) -> Result<()> {
        let f = self.f;
        let mut d = TantivyDocument::default();
        d.add_text(f.record_id, doc.record_id.to_string());
        d.add_text(f.agency_id, doc.agency_id.to_string());
        d.add_text(f.kind, &doc.kind);
        d.add_text(f.area, &doc.area);
        d.add_text(f.category, &doc.category);
        d.add_text(f.agency, &doc.agency);
        d.add_text(f.party, &doc.party);
        d.add_text(f.document_number, &doc.document_number);
        d.add_text(f.facts, &doc.facts);
        d.add_text(f.basis, &doc.basis);
        d.add_text(f.conclusion, &doc.conclusion);
        d.add_i64(f.decided_on, day(doc.decided_on));
        d.add_i64(f.takedown_on, day(doc.takedown_on));
        for text in [&doc.party, &doc.facts, &doc.conclusion, &doc.basis, &doc.document_number, &doc.agency] {
            d.add_text(f.all, text);
        }
        self.write(|w| {
            if replace {
                w.delete_term(Term::from_field_text(f.record_id, &doc.record_id.to_string()));
            }
            w.add_document(d)?;
            Ok(())
        })
    }

    /// Takes a publication out (staged): it was taken down or withdrawn.
    pub fn remove(&self, record_id: Uuid) -> Result<()> {
        let term = Term::from_field_text(self.f.record_id, &record_id.to_string());
        self.write(|w| {
            w.delete_term(term);
            Ok(())
        })
    }

    /// Commits what was staged, remembering `position` as the last event taken in, and
    /// makes it visible to searches.
    pub fn commit(&self, position: i64) -> Result<()> {
        self.write(|w| {
            let mut prepared = w.prepare_commit()?;
            prepared.set_payload(&position.to_string());
            prepared.commit()?;
            self.position.store(position, Ordering::Release);
            Ok(())
        })?;
        self.reader.reload()?;
        Ok(())
    }

    /// Searches: by relevance when there are words, newest decision first otherwise.
    pub fn search(&self, q: &Query) -> Result<Results> {
        let f = self.f;
        let words = words(&q.text);
        let mut must: Vec<(Occur, Box<dyn tantivy::query::Query>)> = Vec::new();
        if !q.text.is_empty() && words.is_empty() {
            // Only punctuation: nothing can match, and nothing should be listed as if it did.
            return Ok(Results { total: 0, hits: vec![] });
        }
        for w in &words {
            must.push((
                Occur::Must,
                Box::new(TermQuery::new(Term::from_field_text(f.all, w), IndexRecordOption::WithFreqs)),
            ));
        }
        let exact = |field: Field, v: &str| -> (Occur, Box<dyn tantivy::query::Query>) {
            (Occur::Must, Box::new(TermQuery::new(Term::from_field_text(field, v), IndexRecordOption::Basic)))
        };
        if let Some(a) = q.agency {
            must.push(exact(f.agency_id, &a.to_string()));
        }
        if let Some(k) = &q.kind {
            must.push(exact(f.kind, k));
        }
        if let Some(a) = &q.area {
            must.push(exact(f.area, a));
        }
        let i64_range = |field: Field, lo: Bound<i64>, hi: Bound<i64>| -> (Occur, Box<dyn tantivy::query::Query>) {
            let t = |b: Bound<i64>| b.map(|v| Term::from_field_i64(field, v));
            (Occur::Must, Box::new(RangeQuery::new(t(lo), t(hi))))
        };
        if q.from.is_some() || q.to.is_some() {
            let lo = q.from.map_or(Bound::Unbounded, |d| Bound::Included(day(d)));
            let hi = q.to.map_or(Bound::Unbounded, |d| Bound::Included(day(d)));
            must.push(i64_range(f.decided_on, lo, hi));
        }
        // No filter on the takedown date here: it matches nearly every document and would
        // be intersected with every search. The hourly takedown removes a publication from
        // the index; a hit past its date in the hour before is dropped below.
        if must.is_empty() {
            must.push((Occur::Must, Box::new(tantivy::query::AllQuery)));
        }
        let query = BooleanQuery::new(must);

        let searcher = self.reader.searcher();
        let page = TopDocs::with_limit(q.limit).and_offset(q.offset);
        let (addresses, mut total): (Vec<tantivy::DocAddress>, usize) = if words.is_empty() {
            let (top, total) =
                searcher.search(&query, &(page.order_by_fast_field::<i64>("decided_on", Order::Desc), Count))?;
            (top.into_iter().map(|(_, a)| a).collect(), total)
        } else {
            let (top, total) = searcher.search(&query, &(page.order_by_score(), Count))?;
            (top.into_iter().map(|(_, a)| a).collect(), total)
        };

        // The words are matched in `all`; the fragment is cut from the field they occur in.
        let terms: std::collections::BTreeMap<String, f32> = words.iter().map(|w| (w.clone(), 1.0)).collect();
        let snippets: Vec<(Field, SnippetGenerator)> = if words.is_empty() {
            vec![]
        } else {
            [f.facts, f.conclusion, f.basis, f.party]
                .iter()
                .map(|field| (*field, SnippetGenerator::new(terms.clone(), analyzer(), *field, FRAGMENT_CHARS)))
                .collect()
        };
        let mut hits = Vec::with_capacity(addresses.len());
        for a in addresses {
            let d: TantivyDocument = searcher.doc(a)?;
            let text = |field: Field| d.get_first(field).and_then(|v| v.as_str()).unwrap_or_default().to_owned();
            // Segmenting a text is the costly part of a snippet: only the first field that
            // holds one of the words (lower-cased, as indexed) is segmented.
            let fragment = snippets
                .iter()
                .map(|(field, g)| (g, text(*field)))
                .filter(|(_, t)| {
                    let lower = t.to_lowercase();
                    words.iter().any(|w| lower.contains(w.as_str()))
                })
                .map(|(g, t)| g.snippet(&t))
                .find(|s| !s.highlighted().is_empty())
                .map(|s| pieces(s.fragment(), s.highlighted()))
                .unwrap_or_default();
            let takedown = d.get_first(f.takedown_on).and_then(|v| v.as_i64()).unwrap_or(i64::MAX);
            if takedown <= day(q.today) {
                total = total.saturating_sub(1);
                continue;
            }
            let decided = d.get_first(f.decided_on).and_then(|v| v.as_i64()).and_then(from_day);
            hits.push(Hit {
                record_id: text(f.record_id).parse().map_err(|e| SearchError::Directory(format!("record_id: {e}")))?,
                agency: text(f.agency),
                category: text(f.category),
                party: text(f.party),
                document_number: text(f.document_number),
                decided_on: decided.ok_or_else(|| SearchError::Directory("decided_on".into()))?,
                fragment,
            });
        }
        Ok(Results { total, hits })
    }
}

/// A fragment cut into plain and marked pieces (the ranges are byte ranges, sorted).
fn pieces(fragment: &str, marked: &[std::ops::Range<usize>]) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut at = 0;
    for r in marked {
        if r.start < at || r.end > fragment.len() {
            continue;
        }
        if r.start > at {
            out.push(Piece { text: fragment[at..r.start].to_owned(), marked: false });
        }
        out.push(Piece { text: fragment[r.clone()].to_owned(), marked: true });
        at = r.end;
    }
    if at < fragment.len() {
        out.push(Piece { text: fragment[at..].to_owned(), marked: false });
    }
    out
}
