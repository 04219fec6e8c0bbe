//! Stories as the index holds them: listing the stories a query touches
//! and reading one story whole (outlets, top entities, timeline).
//!
//! Documents carry the id of the story they were assigned to; merged ids
//! resolve through the index's story tracker. A story's figures are always
//! computed from its documents in the last commit, so deletions and
//! curation show at once. Blocking; call through `run_blocking`.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use parking_lot::Mutex;

use tantivy::collector::{Collector, DocSetCollector, SegmentCollector};
use tantivy::{DocAddress, DocId, Score, Searcher, SegmentOrdinal, SegmentReader};

use crate::error::{Error, Result};
use crate::facets::{Bucket, top};
use crate::index::SearchIndex;
use crate::model::{DocEntity, IndexDoc};
use crate::query::{Filter, Syntax, filtered_or_partial, parse_as};
use crate::token::fingerprint;

/// Document ids a story lists at most (its count has the total).
pub const MAX_STORY_DOCUMENT_IDS: usize = 1_000;
/// Documents read to describe a story (label, outlets, entities); larger
/// stories are described by their first ones.
const MAX_DESCRIBED: usize = 500;
/// Entities a story lists.
const TOP_ENTITIES: usize = 20;
/// Timeline entries at most.
const MAX_TIMELINE: usize = 200;
/// Documents read per story in a listing (its label and entities).
const LISTING_DESCRIBED: usize = 24;

/// How a listing is ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub enum StoryOrder {
    /// Newest last article first.
    #[default]
    Recent,
    /// Most articles first.
    Size,
}

/// Which stories to list.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct StoryListing {
    /// Stories with an article matching this query (lenient syntax).
    pub query: String,
    /// Source, published range, entity: as a search filter.
    pub filter: Filter,
    pub order: StoryOrder,
    pub min_documents: u32,
}

/// An outlet that covered a story.
#[derive(Debug, Clone, PartialEq)]
pub struct StorySource {
    pub source: String,
    pub first_document_id: String,
    pub first_published: Option<i64>,
    pub document_count: u32,
}

/// A dated statement of a story.
#[derive(Debug, Clone, PartialEq)]
pub struct TimelineEntry {
    pub date: String,
    pub date_text: String,
    pub sentence: String,
    pub document_id: String,
    pub source: String,
    pub published_at: Option<i64>,
}

/// One story, described.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Story {
    pub id: String,
    pub title: String,
    pub document_ids: Vec<String>,
    pub sources: Vec<StorySource>,
    pub first_published: Option<i64>,
    pub last_published: Option<i64>,
    pub document_count: u32,
    /// (entity, articles naming it), most named first.
    pub top_entities: Vec<(DocEntity, u32)>,
    pub timeline: Vec<TimelineEntry>,
    pub merged_ids: Vec<String>,
    pub duplicate_count: u32,
}

/// A page of stories.
#[derive(Debug, Clone, Default)]
pub struct StoryPage {
    pub stories: Vec<Story>,
    pub next_page_token: String,
    pub total_stories: u64,
}

/// One story by id (a merged id gives the story it was merged into).
pub fn get_story(index: &SearchIndex, id: &str) -> Result<Story> {
    if id.trim().is_empty() {
        return Err(Error::invalid("id", "give a story id, e.g. st-1042"));
    }
    crate::related::check_id("id", id)?;
    let searcher = index.searcher();
    let (survivor, all) = index.story_ids(id);
    let addresses = story_docs(index, &searcher, &all)?;
    if addresses.is_empty() {
        return Err(Error::NotFound(format!(
            "story {id:?} has no documents in the index; list stories with ListStories"
        )));
    }
    describe(
        index,
        &searcher,
        survivor,
        all,
        &addresses,
        true,
        MAX_DESCRIBED,
    )
}

/// The stories whose articles match `listing`, one page.
pub fn list_stories(
    index: &SearchIndex,
    listing: &StoryListing,
    page_size: usize,
    page_token: &str,
) -> Result<StoryPage> {
    let fp = fingerprint(&serde_json::to_vec(listing).unwrap_or_default());
    let offset = decode_token(page_token, fp)?;
    let searcher = index.searcher();
    let parsed = parse_as(index, &searcher, &listing.query, true, Syntax::Lenient)?;
    let (query, _) =
        filtered_or_partial(index, &searcher, parsed.query, None, &listing.filter, true)?;
    // Every matched story (resolved), with its figures over all its
    // documents, from the commit's story table.
    let table = story_table(index, &searcher)?;
    let matched = searcher.search(&*query, &MatchedStories(Arc::clone(&table)))?;
    let mut rows: Vec<(&String, &Figures)> = matched
        .ones()
        .map(|i| (&table.ids[i], &table.figures[i]))
        .filter(|(_, f)| f.count >= listing.min_documents.max(1))
        .collect();
    let total_stories = rows.len() as u64;
    let end = (offset + page_size).min(rows.len());
    // Only the rows up to the page's end need their order: a common word
    // matches tens of thousands of stories.
    let order = |a: &(&String, &Figures), b: &(&String, &Figures)| match listing.order {
        StoryOrder::Recent => b.1.last.cmp(&a.1.last).then(a.0.cmp(b.0)),
        StoryOrder::Size => {
            b.1.count
                .cmp(&a.1.count)
                .then(b.1.last.cmp(&a.1.last))
                .then(a.0.cmp(b.0))
        }
    };
    if end > 0 && end < rows.len() {
        rows.select_nth_unstable_by(end - 1, order);
        rows.truncate(end);
    }
    rows.sort_unstable_by(order);
    let mut page = Vec::with_capacity(end.saturating_sub(offset));
    for (id, _) in rows.get(offset..end).unwrap_or_default() {
        if let Some(story) = table.listed(id) {
            page.push(story);
            continue;
        }
        let (survivor, all) = index.story_ids(id);
        let addresses = story_docs(index, &searcher, &all)?;
        let story = describe(
            index,
            &searcher,
            survivor,
            all,
            &addresses,
            false,
            LISTING_DESCRIBED,
        )?;
        table.remember_listed(id, &story);
        page.push(story);
    }
    let next_page_token = if (end as u64) < total_stories {
        encode_token(end, fp)
    } else {
        String::new()
    };
    Ok(StoryPage {
        stories: page,
        next_page_token,
        total_stories,
    })
}

/// Story facet buckets: counts of merged stories added to their
/// survivor's, each named by its story's title.
pub fn story_buckets(
    index: &SearchIndex,
    searcher: &Searcher,
    buckets: Vec<Bucket>,
    limit: usize,
) -> Result<Vec<Bucket>> {
    let mut merged: BTreeMap<String, u64> = BTreeMap::new();
    for b in buckets {
        *merged.entry(index.resolve_story(&b.value)).or_default() += b.count;
    }
    let mut out = Vec::with_capacity(merged.len());
    for (id, count) in merged {
        out.push(Bucket {
            value: id,
            count,
            display_name: String::new(),
            entity_type: 0,
        });
    }
    let mut out = top(out, limit);
    for bucket in &mut out {
        let (survivor, all) = index.story_ids(&bucket.value);
        let addresses = story_docs(index, searcher, &all)?;
        let story = describe(
            index,
            searcher,
            survivor,
            all,
            &addresses,
            false,
            FACET_DESCRIBED,
        )?;
        bucket.display_name = story.title;
    }
    Ok(out)
}

/// Documents read to name a story in a facet.
const FACET_DESCRIBED: usize = 8;

/// A story's count and newest article, for ordering a listing.
#[derive(Debug, Clone, Copy, Default)]
pub struct Figures {
    count: u32,
    last: Option<i64>,
}

/// Every story of one commit: its (resolved) id and figures, and for each
/// segment the story of each ordinal of its `story` column. Built once per
/// commit (one pass over the columns and their dictionaries, in order), so
/// a listing reads one column value per matching document and no string.
#[derive(Debug, Default)]
pub struct StoryTable {
    ids: Vec<String>,
    figures: Vec<Figures>,
    segments: HashMap<tantivy::index::SegmentId, Arc<[u32]>>,
    /// Stories as a listing describes them, by id, for this commit: a
    /// story is the same in every listing until the next commit, and
    /// describing one reads up to [`LISTING_DESCRIBED`] stored documents.
    listed: Mutex<HashMap<String, Story>>,
}

/// Most listing descriptions a story table keeps (a few MB).
const MAX_LISTED: usize = 4_096;

impl StoryTable {
    fn listed(&self, id: &str) -> Option<Story> {
        self.listed.lock().get(id).cloned()
    }

    fn remember_listed(&self, id: &str, story: &Story) {
        let mut listed = self.listed.lock();
        if listed.len() < MAX_LISTED {
            listed.insert(id.to_string(), story.clone());
        }
    }
}

/// The story table of `searcher`'s commit.
fn story_table(index: &SearchIndex, searcher: &Searcher) -> Result<Arc<StoryTable>> {
    let generation = searcher.generation().generation_id();
    if let Some(cached) = index.story_table_cache(generation) {
        return Ok(cached);
    }
    let mut table = StoryTable::default();
    let mut by_id: HashMap<String, u32> = HashMap::new();
    for segment in searcher.segment_readers() {
        let Some(stories) = segment.fast_fields().str("story")? else {
            continue;
        };
        let published = segment.fast_fields().date("published_at")?;
        // Ordinal → story, reading the dictionary once in order.
        let mut map = Vec::with_capacity(stories.num_terms());
        let mut stream = stories
            .dictionary()
            .stream()
            .map_err(|e| Error::Internal(format!("cannot read story ids: {e}")))?;
        while stream.advance() {
            let stored = String::from_utf8_lossy(stream.key());
            let id = index.resolve_story(&stored);
            let next = table.ids.len() as u32;
            let at = *by_id.entry(id.clone()).or_insert_with(|| {
                table.ids.push(id);
                table.figures.push(Figures::default());
                next
            });
            map.push(at);
        }
        for doc in segment.doc_ids_alive() {
            let Some(at) = stories
                .term_ords(doc)
                .next()
                .and_then(|ord| map.get(ord as usize))
            else {
                continue;
            };
            let f = &mut table.figures[*at as usize];
            f.count += 1;
            let t = published.first(doc).map(|d| d.into_timestamp_secs());
            f.last = f.last.max(t);
        }
        table.segments.insert(segment.segment_id(), map.into());
    }
    let table = Arc::new(table);
    index.set_story_table_cache(generation, Arc::clone(&table));
    Ok(table)
}

/// Which stories of a [`StoryTable`] the matching documents belong to.
struct MatchedStories(Arc<StoryTable>);

struct MatchedInSegment {
    column: Option<tantivy::columnar::StrColumn>,
    map: Option<Arc<[u32]>>,
    hit: StorySet,
}

/// A set of story table rows, one bit each: a few kilobytes where a
/// `Vec<bool>` per segment and query would fault in fresh pages.
#[derive(Debug, Clone, Default)]
pub(crate) struct StorySet(Vec<u64>);

impl StorySet {
    fn new(len: usize) -> Self {
        Self(vec![0; len.div_ceil(64)])
    }

    fn insert(&mut self, at: u32) {
        if let Some(word) = self.0.get_mut(at as usize / 64) {
            *word |= 1 << (at % 64);
        }
    }

    fn union(&mut self, other: &StorySet) {
        for (a, b) in self.0.iter_mut().zip(&other.0) {
            *a |= b;
        }
    }

    /// The rows in the set, in order.
    fn ones(&self) -> impl Iterator<Item = usize> + '_ {
        self.0.iter().enumerate().flat_map(|(w, &word)| {
            let mut bits = word;
            std::iter::from_fn(move || {
                (bits != 0).then(|| {
                    let bit = bits.trailing_zeros() as usize;
                    bits &= bits - 1;
                    w * 64 + bit
                })
            })
        })
    }
}

impl Collector for MatchedStories {
    type Fruit = StorySet;
    type Child = MatchedInSegment;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<MatchedInSegment> {
        Ok(MatchedInSegment {
            column: reader.fast_fields().str("story")?,
            map: self.0.segments.get(&reader.segment_id()).cloned(),
            hit: StorySet::new(self.0.ids.len()),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<StorySet>) -> tantivy::Result<StorySet> {
        let mut all = StorySet::new(self.0.ids.len());
        for fruit in &fruits {
            all.union(fruit);
        }
        Ok(all)
    }
}

impl SegmentCollector for MatchedInSegment {
    type Fruit = StorySet;

    fn collect(&mut self, doc: DocId, _: Score) {
        let (Some(column), Some(map)) = (&self.column, &self.map) else {
            return;
        };
        for ord in column.term_ords(doc) {
            if let Some(&at) = map.get(ord as usize) {
                self.hit.insert(at);
            }
        }
    }

    fn harvest(self) -> StorySet {
        self.hit
    }
}

/// Addresses of the documents stored under any of `ids`, oldest first.
fn story_docs(index: &SearchIndex, searcher: &Searcher, ids: &[String]) -> Result<Vec<DocAddress>> {
    let Some(query) = crate::query::any_of(index.fields().story, ids) else {
        return Ok(Vec::new());
    };
    let seqs = segment_columns(searcher, |s| s.fast_fields().u64("seq"))?;
    let mut addresses: Vec<(u64, DocAddress)> = Vec::new();
    for address in searcher.search(&*query, &DocSetCollector)? {
        let seq = seqs[address.segment_ord as usize]
            .first(address.doc_id)
            .unwrap_or(0);
        addresses.push((seq, address));
    }
    addresses.sort_unstable();
    Ok(addresses.into_iter().map(|(_, a)| a).collect())
}

/// Describes the story of `addresses` (oldest first).
fn describe(
    index: &SearchIndex,
    searcher: &Searcher,
    id: String,
    all_ids: Vec<String>,
    addresses: &[DocAddress],
    with_timeline: bool,
    described: usize,
) -> Result<Story> {
    let fields = index.fields();
    let mut story = Story {
        merged_ids: all_ids.into_iter().filter(|a| *a != id).collect(),
        id,
        document_count: addresses.len() as u32,
        ..Story::default()
    };
    let mut docs: Vec<IndexDoc> = Vec::new();
    let mut entity_counts: HashMap<String, (DocEntity, u32)> = HashMap::new();
    let mut sources: BTreeMap<String, StorySource> = BTreeMap::new();
    // Every document's date from its column; the first `listed` are read
    // for their ids, the first `described` of those for the rest.
    let dates = segment_columns(searcher, |s| s.fast_fields().date("published_at"))?;
    let listed = if with_timeline {
        MAX_STORY_DOCUMENT_IDS.max(described)
    } else {
        described
    };
    for (i, &address) in addresses.iter().enumerate() {
        let published = dates[address.segment_ord as usize]
            .first(address.doc_id)
            .map(|d| d.into_timestamp_secs());
        story.first_published = min_some(story.first_published, published);
        story.last_published = story.last_published.max(published);
        if i >= listed {
            continue;
        }
        let stored = searcher.doc(address)?;
        // Only a timeline reads the dates and amounts; no description reads
        // the quotes.
        let doc = if with_timeline {
            IndexDoc::from_stored(stored, fields, index.renames())
        } else {
            IndexDoc::hit_from_stored(stored, fields, index.renames(), false)
        };
        story.document_ids.push(doc.id.clone());
        if i >= described {
            continue;
        }
        if doc.story.as_ref().is_some_and(|m| m.duplicate_of.is_some()) {
            story.duplicate_count += 1;
        }
        let source = sources
            .entry(doc.source.clone())
            .or_insert_with(|| StorySource {
                source: doc.source.clone(),
                first_document_id: doc.id.clone(),
                first_published: doc.published_at,
                document_count: 0,
            });
        source.document_count += 1;
        if doc.published_at < source.first_published && doc.published_at.is_some()
            || source.first_published.is_none()
        {
            source.first_document_id.clone_from(&doc.id);
            source.first_published = doc.published_at;
        }
        for e in &doc.entities {
            entity_counts
                .entry(e.id.clone())
                .or_insert_with(|| (e.clone(), 0))
                .1 += 1;
        }
        docs.push(doc);
    }
    let mut top: Vec<(DocEntity, u32)> = entity_counts.into_values().collect();
    top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.name.cmp(&b.0.name)));
    story.title = central_title(&docs, &top);
    top.truncate(TOP_ENTITIES);
    for (e, _) in &mut top {
        e.variants.clear();
    }
    story.top_entities = top;
    let mut sources: Vec<StorySource> = sources.into_values().collect();
    sources.sort_by(|a, b| {
        (a.first_published.is_none(), a.first_published, &a.source).cmp(&(
            b.first_published.is_none(),
            b.first_published,
            &b.source,
        ))
    });
    story.sources = sources;
    if with_timeline {
        story.timeline = timeline(&docs);
    }
    Ok(story)
}

/// One fast-field column per segment of `searcher`, by segment ordinal,
/// opened once per call rather than once per document.
fn segment_columns<T>(
    searcher: &Searcher,
    open: impl Fn(&SegmentReader) -> tantivy::Result<T>,
) -> Result<Vec<T>> {
    Ok(searcher
        .segment_readers()
        .iter()
        .map(open)
        .collect::<tantivy::Result<_>>()?)
}

fn min_some(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// The headline of the most central article: the one naming most of the
/// story's common entities (each weighed by how many articles name it),
/// per entity it names, so a long list of asides does not win. Copies do
/// not vote twice; ties go to the earliest.
fn central_title(docs: &[IndexDoc], top: &[(DocEntity, u32)]) -> String {
    let counts: HashMap<&str, u32> = top.iter().map(|(e, n)| (e.id.as_str(), *n)).collect();
    let mut best: Option<(f64, &IndexDoc)> = None;
    for doc in docs.iter().filter(|d| !d.title.trim().is_empty()) {
        let is_copy = doc.story.as_ref().is_some_and(|m| m.duplicate_of.is_some());
        if is_copy {
            continue;
        }
        let sum: u32 = doc
            .entities
            .iter()
            .map(|e| counts.get(e.id.as_str()).copied().unwrap_or(0))
            .sum();
        let score = f64::from(sum) / (doc.entities.len() as f64 + 2.0).sqrt();
        if best.is_none_or(|(b, _)| score > b) {
            best = Some((score, doc));
        }
    }
    best.or_else(|| docs.first().map(|d| (0.0, d)))
        .map(|(_, d)| d.title.clone())
        .unwrap_or_default()
}

/// The dated statements of `docs`: each resolved DATE with its sentence,
/// in date order; a statement repeated by a copy is listed once.
fn timeline(docs: &[IndexDoc]) -> Vec<TimelineEntry> {
    let date_type = dossier_proto::v1::EntityType::Date as i32;
    let mut entries: Vec<TimelineEntry> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for doc in docs {
        for value in doc.values.iter().filter(|v| v.value_type == date_type) {
            let (start, end) = (value.start as usize, value.end as usize);
            let Some(date_text) = doc.body.get(start..end) else {
                continue;
            };
            let sentence = sentence_around(&doc.body, start, end);
            if !seen.insert((value.value.clone(), sentence.to_lowercase())) {
                continue;
            }
            entries.push(TimelineEntry {
                date: value.value.clone(),
                date_text: date_text.to_string(),
                sentence,
                document_id: doc.id.clone(),
                source: doc.source.clone(),
                published_at: doc.published_at,
            });
        }
    }
    entries.sort_by(|a, b| {
        a.date
            .cmp(&b.date)
            .then(a.published_at.cmp(&b.published_at))
            .then(a.document_id.cmp(&b.document_id))
    });
    entries.truncate(MAX_TIMELINE);
    entries
}

/// Longest sentence shown in a timeline, in bytes (cut at a word).
const MAX_SENTENCE_BYTES: usize = 400;

/// The sentence of `text` holding bytes `start..end`.
pub fn sentence_around(text: &str, start: usize, end: usize) -> String {
    let before = &text[..start.min(text.len())];
    let from = before
        .char_indices()
        .rev()
        .find(|&(i, c)| {
            c == '\n'
                || (matches!(c, '.' | '!' | '?')
                    && text[i + c.len_utf8()..].starts_with(char::is_whitespace))
        })
        .map_or(0, |(i, c)| i + c.len_utf8());
    let after = &text[end.min(text.len())..];
    let to = after
        .char_indices()
        .find(|&(i, c)| {
            c == '\n'
                || (matches!(c, '.' | '!' | '?')
                    && after[i + c.len_utf8()..]
                        .chars()
                        .next()
                        .is_none_or(char::is_whitespace))
        })
        .map_or(text.len(), |(i, c)| {
            end + i + if c == '\n' { 0 } else { c.len_utf8() }
        });
    let sentence = text[from..to].trim();
    if sentence.len() <= MAX_SENTENCE_BYTES {
        return sentence.to_string();
    }
    let mut cut = MAX_SENTENCE_BYTES;
    while !sentence.is_char_boundary(cut) {
        cut -= 1;
    }
    let cut = sentence[..cut].rfind(' ').unwrap_or(cut);
    format!("{}…", &sentence[..cut])
}

fn encode_token(offset: usize, fp: u64) -> String {
    format!("{fp:016x}{offset:x}")
}

fn decode_token(token: &str, fp: u64) -> Result<usize> {
    if token.is_empty() {
        return Ok(0);
    }
    let bad = || {
        Error::invalid(
            "page_token",
            "not a token from this listing; pass next_page_token unchanged with the same request",
        )
    };
    if token.len() <= 16 || !token.is_char_boundary(16) {
        return Err(bad());
    }
    let (fp_hex, offset) = token.split_at(16);
    if u64::from_str_radix(fp_hex, 16).ok() != Some(fp) {
        return Err(bad());
    }
    usize::from_str_radix(offset, 16).map_err(|_| bad())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_story_set_lists_its_rows_in_order() {
        let mut set = StorySet::new(200);
        for at in [130, 0, 63, 64, 199, 63] {
            set.insert(at);
        }
        // Out of range: ignored, not a panic.
        set.insert(500);
        let mut other = StorySet::new(200);
        other.insert(5);
        set.union(&other);
        assert_eq!(set.ones().collect::<Vec<_>>(), vec![0, 5, 63, 64, 130, 199]);
        assert_eq!(StorySet::new(0).ones().count(), 0);
    }

    #[test]
    fn a_sentence_is_cut_at_its_ends() {
        let text = "The board met. On Tuesday, 3 March, it voted to lease the quay. Then it rose.";
        let start = text.find("Tuesday").unwrap();
        assert_eq!(
            sentence_around(text, start, start + 7),
            "On Tuesday, 3 March, it voted to lease the quay."
        );
        let start = text.find("Then").unwrap();
        assert_eq!(sentence_around(text, start, start + 4), "Then it rose.");
        assert_eq!(sentence_around(text, 0, 3), "The board met.");
    }

    #[test]
    fn decimal_points_and_lines_bound_sentences_rightly() {
        let text = "Headline line\nPrices rose 2.5 percent on Monday in Riga. Next.";
        let start = text.find("Monday").unwrap();
        assert_eq!(
            sentence_around(text, start, start + 6),
            "Prices rose 2.5 percent on Monday in Riga."
        );
    }

    #[test]
    fn tokens_are_bound_to_their_listing() {
        let token = encode_token(40, 7);
        assert_eq!(decode_token(&token, 7).unwrap(), 40);
        assert!(decode_token(&token, 8).is_err());
        assert!(decode_token("junk", 7).is_err());
        assert!(decode_token("é", 7).is_err());
        assert_eq!(decode_token("", 7).unwrap(), 0);
    }
}
