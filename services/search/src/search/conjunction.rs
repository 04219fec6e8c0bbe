//! Block-max pruning for conjunctions of word unions.
//!
//! A query word is a union of terms (its body term and the entities it
//! expands to), so `(a OR b) AND c AND NOT d` is a conjunction of unions with
//! an exclusion. tantivy prunes a union of terms (block-max WAND) and a plain
//! intersection of terms, but scores every match of anything else, past
//! the count's bound too (issue 19), and its block maxima can fall short
//! of real scores (below). This query runs every conjunction of unions, a
//! lone term and a lone union included, as Lucene's block-max conjunction
//! does: the documents are cut into windows in which no term leaves its
//! current posting block (128 documents), the sum of those blocks' maximum
//! scores bounds every match in the window, and a window that cannot beat
//! the page's worst hit is skipped without looking for its matches. In a
//! window that is searched, a union's term without which no match could
//! beat the page is required (MaxScore's reasoning): the rarest required term leads instead of its union; and a
//! candidate whose lead's own score cannot make up the difference is passed
//! over before the other clauses are read. Counted in a build with counters
//! at a million articles (tests/BENCHMARKS.md), 95% of the windows past the
//! bound were skipped, and 98% of the candidates a boolean query looked at
//! came before its count reached the bound, where nothing was pruned then;
//! the count now runs apart, unscored, and this runs pruned from the first
//! match (`super::pass`).
//!
//! An exact phrase is a required clause too: its words lead and bound the
//! windows (a phrase occurs at most as often as each of its words), a
//! candidate's bound comes from its words' frequencies, and positions are
//! read only for candidates that can still enter the page (tantivy's phrase
//! query reads them for every match: a phrase of two common words was
//! ranked by every document holding both).
//!
//! Only [`Weight::for_each_pruning`] (the relevance passes of
//! [`super::pass`]) runs the conjunction here. Its unscored weight, which
//! counts a relevance search's matches and feeds its facets, sets a bit per
//! match ([`super::bitcount`]) when the clauses are unions of terms, more
//! than one term in all; date-sorted passes (their facets too) and
//! highlighting use the query it wraps. Every page of a query sorted by
//! relevance is scored by this code, so a page's cursor compares with the
//! next page's scores.
//!
//! Block maxima come from the posting lists' skip data, as tantivy's own
//! pruning reads them. The skip data keeps each block's best (field norm,
//! frequency) pair under the segment's average field length; under the
//! index's another document of the block can score more, which tantivy's
//! pruning accepts (so its pages can lose a hit). Here the stored pair's
//! score under the segment's average is widened into a bound that holds
//! under the index's (`TermCursor::stored_block_max`), so a page loses no
//! hit to another segment layout. Measured at 100,000 articles, a lone
//! word runs here as fast as under tantivy's block-max WAND. A field
//! indexed without frequencies (`entity`, which expanded words reach) has
//! no maxima there: its blocks' maxima are computed from their documents'
//! field norms.

use std::sync::Arc;

use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::{BlockSegmentPostings, Postings, SegmentPostings};
use tantivy::query::{
    AllQuery, Bm25StatisticsProvider, Bm25Weight, BooleanQuery, EnableScoring, Explanation, Occur,
    Query, Scorer, TermQuery, Weight,
};
use tantivy::schema::{Field, IndexRecordOption, Schema};
use tantivy::{
    DocId, DocSet, InvertedIndexReader, Score, Searcher, SegmentReader, TERMINATED, Term,
};

use super::bitcount::BitCountWeight;
use crate::query::{ExactPhrase, FilterClause, gram_run};
use crate::schema::Fields;

/// `query`, run by block-max conjunction in relevance passes when its shape
/// allows it; otherwise `query`.
pub fn prune_conjunctions(fields: &Fields, query: Box<dyn Query>) -> Box<dyn Query> {
    let scored_fields: Vec<Field> = fields
        .default_fields()
        .into_iter()
        .chain([fields.title, fields.entity])
        .collect();
    let mut plan = Plan::default();
    if !plan.require(&scored_fields, &*query) || plan.required.is_empty() {
        return query;
    }
    Box::new(BlockMaxConjunction { inner: query, plan })
}

/// What the conjunction is made of.
#[derive(Default)]
struct Plan {
    /// Each required clause.
    required: Vec<Required>,
    /// Required clauses that add nothing to the score.
    filters: Vec<Box<dyn Query>>,
    /// Clauses a match must not match.
    excluded: Vec<Box<dyn Query>>,
    /// Added to every match's score (match-all clauses).
    constant: Score,
}

impl Clone for Plan {
    fn clone(&self) -> Self {
        Self {
            constant: self.constant,
            required: self.required.clone(),
            filters: self.filters.iter().map(|q| q.box_clone()).collect(),
            excluded: self.excluded.iter().map(|q| q.box_clone()).collect(),
        }
    }
}

/// A required clause of the plan.
#[derive(Clone, Debug)]
enum Required {
    /// A union of terms (a word and what it expands to).
    Union(Vec<Term>),
    /// An exact phrase: its terms at their offsets.
    Phrase(Vec<(usize, Term)>),
}

impl Plan {
    /// The required clauses' terms when every one is a union of terms (no
    /// phrase).
    fn unions(&self) -> Option<Vec<Vec<Term>>> {
        self.required
            .iter()
            .map(|clause| match clause {
                Required::Union(terms) => Some(terms.clone()),
                Required::Phrase(_) => None,
            })
            .collect()
    }

    /// Adds `query` as a required part; false when its shape is not one
    /// this conjunction runs.
    fn require(&mut self, scored_fields: &[Field], query: &dyn Query) -> bool {
        if let Some(filter) = query.downcast_ref::<FilterClause>() {
            self.filters.push(filter.0.box_clone());
            return true;
        }
        if let Some(run) = gram_run(query) {
            return self.require(scored_fields, run);
        }
        if let Some(phrase) = query.downcast_ref::<ExactPhrase>() {
            let terms = phrase.terms();
            if !terms
                .iter()
                .all(|(_, t)| scored_fields.contains(&t.field()))
            {
                return false;
            }
            self.required.push(Required::Phrase(terms.to_vec()));
            return true;
        }
        if let Some(boolean) = query.downcast_ref::<BooleanQuery>()
            && boolean
                .clauses()
                .iter()
                .any(|(occur, _)| *occur != Occur::Should)
        {
            // `NOT d` is read as `(*:* -d)`: tantivy scores the match-all
            // clause 1.0 when it is its conjunction's only required one,
            // and drops it beside others.
            let mut required = boolean
                .clauses()
                .iter()
                .filter(|(occur, _)| *occur == Occur::Must);
            if required.all(|(_, clause)| clause.downcast_ref::<AllQuery>().is_some())
                && boolean
                    .clauses()
                    .iter()
                    .any(|(occur, _)| *occur == Occur::Must)
            {
                self.constant += 1.0;
            }
            // A conjunction: optional clauses beside required ones would
            // score without being required.
            return boolean.clauses().iter().all(|(occur, clause)| match occur {
                Occur::Must if clause.downcast_ref::<AllQuery>().is_some() => true,
                Occur::Must => self.require(scored_fields, &**clause),
                Occur::MustNot => {
                    self.excluded.push(clause.box_clone());
                    true
                }
                Occur::Should => false,
            });
        }
        let mut terms = Vec::new();
        if !union_terms(scored_fields, query, &mut terms) {
            return false;
        }
        self.required.push(Required::Union(terms));
        true
    }
}

/// Collects the terms of `query` if it is a union of scored terms (sums of
/// BM25 scores, as tantivy's `SumCombiner` adds them).
fn union_terms(scored_fields: &[Field], query: &dyn Query, terms: &mut Vec<Term>) -> bool {
    if let Some(term) = query.downcast_ref::<TermQuery>() {
        // The field decides how the term is scored (frequencies or not):
        // only fields whose terms the query language builds are known.
        if !scored_fields.contains(&term.term().field()) {
            return false;
        }
        terms.push(term.term().clone());
        return true;
    }
    let Some(boolean) = query.downcast_ref::<BooleanQuery>() else {
        return false;
    };
    boolean.get_minimum_number_should_match() <= 1
        && !boolean.clauses().is_empty()
        && boolean.clauses().iter().all(|(occur, clause)| {
            *occur == Occur::Should && union_terms(scored_fields, &**clause, terms)
        })
}

/// Whether `field` is indexed with term frequencies.
fn has_freqs(schema: &Schema, field: Field) -> bool {
    schema
        .get_field_entry(field)
        .field_type()
        .get_index_record_option()
        .is_some_and(|option| option.has_freq())
}

/// A conjunction of term unions, filters and exclusions (see the module).
#[derive(Debug)]
pub struct BlockMaxConjunction {
    inner: Box<dyn Query>,
    plan: Plan,
}

impl std::fmt::Debug for Plan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Plan")
            .field("required", &self.required)
            .field("filters", &self.filters.len())
            .field("excluded", &self.excluded.len())
            .field("constant", &self.constant)
            .finish()
    }
}

impl Clone for BlockMaxConjunction {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.box_clone(),
            plan: self.plan.clone(),
        }
    }
}

impl Query for BlockMaxConjunction {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let inner = self.inner.weight(enable_scoring)?;
        let EnableScoring::Enabled {
            statistics_provider,
            searcher,
        } = enable_scoring
        else {
            // Unscored: the count of a relevance search (`super::pass`).
            return match self.plan.unions() {
                Some(unions) if BitCountWeight::worth_it(&unions) => BitCountWeight::weigh(
                    unions,
                    &self.plan.filters,
                    &self.plan.excluded,
                    inner,
                    enable_scoring,
                ),
                _ => Ok(inner),
            };
        };
        Ok(Box::new(ConjunctionWeight {
            inner,
            parts: self.parts(statistics_provider, searcher)?,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.inner.query_terms(visitor);
    }
}

impl BlockMaxConjunction {
    /// The plan weighed by `statistics_provider`.
    fn parts(
        &self,
        statistics_provider: &dyn Bm25StatisticsProvider,
        searcher: &Searcher,
    ) -> tantivy::Result<ConjunctionParts> {
        let scored = |terms: &mut dyn Iterator<Item = &Term>| {
            terms
                .map(|term| ScoredTerm::new(statistics_provider, term.clone()))
                .collect::<tantivy::Result<Vec<_>>>()
        };
        let required = self
            .plan
            .required
            .iter()
            .map(|clause| {
                Ok(match clause {
                    Required::Union(terms) => ClauseWeight::Union(scored(&mut terms.iter())?),
                    Required::Phrase(terms) => {
                        let words: Vec<Term> = terms.iter().map(|(_, t)| t.clone()).collect();
                        let last = terms.last().map_or(0, |(offset, _)| *offset);
                        ClauseWeight::Phrase(PhraseWeighing {
                            // As tantivy's phrase query weighs the phrase.
                            bm25: Bm25Weight::for_terms(statistics_provider, &words)?,
                            terms: scored(&mut words.iter())?,
                            shifts: terms
                                .iter()
                                .map(|(offset, _)| (last - offset) as u32)
                                .collect(),
                        })
                    }
                })
            })
            .collect::<tantivy::Result<Vec<_>>>()?;
        let unscored = EnableScoring::disabled_from_searcher(searcher);
        let weights = |queries: &[Box<dyn Query>]| {
            queries
                .iter()
                .map(|q| q.weight(unscored))
                .collect::<tantivy::Result<Vec<_>>>()
        };
        Ok(ConjunctionParts {
            constant: self.plan.constant,
            required,
            filters: weights(&self.plan.filters)?,
            excluded: weights(&self.plan.excluded)?,
        })
    }
}

struct ScoredTerm {
    term: Term,
    bm25: Bm25Weight,
    /// The statistics `bm25` was made from, to weigh the term with a
    /// segment's average field length instead (block maxima).
    doc_freq: u64,
    num_docs: u64,
    average_fieldnorm: Score,
}

impl ScoredTerm {
    /// `term` weighed as tantivy's `TermQuery` weighs it
    /// (`Bm25Weight::for_terms` with one term).
    fn new(statistics: &dyn Bm25StatisticsProvider, term: Term) -> tantivy::Result<Self> {
        let doc_freq = statistics.doc_freq(&term)?;
        let num_docs = statistics.total_num_docs()?;
        let average_fieldnorm =
            statistics.total_num_tokens(term.field())? as Score / num_docs as Score;
        Ok(Self {
            bm25: Bm25Weight::for_one_term(doc_freq, num_docs, average_fieldnorm),
            term,
            doc_freq,
            num_docs,
            average_fieldnorm,
        })
    }
}

/// How a required clause is weighed.
enum ClauseWeight {
    Union(Vec<ScoredTerm>),
    Phrase(PhraseWeighing),
}

/// An exact phrase's weighing: the phrase is scored as one term whose
/// frequency is the phrase's (tantivy's `PhraseScorer`), with the sum of
/// its words' inverse document frequencies.
struct PhraseWeighing {
    bm25: Bm25Weight,
    /// The words, each weighed as a term (for their block maxima).
    terms: Vec<ScoredTerm>,
    /// Added to each word's positions so that a phrase's words line up
    /// (the last offset minus the word's, as tantivy aligns them).
    shifts: Vec<u32>,
}

/// The plan's clauses, weighed.
struct ConjunctionParts {
    constant: Score,
    required: Vec<ClauseWeight>,
    filters: Vec<Box<dyn Weight>>,
    excluded: Vec<Box<dyn Weight>>,
}

/// The query's own weight for everything but ranking; the conjunction's
/// parts for ranking.
struct ConjunctionWeight {
    inner: Box<dyn Weight>,
    parts: ConjunctionParts,
}

impl Weight for ConjunctionWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        self.inner.scorer(reader, boost)
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.inner.explain(reader, doc)
    }

    fn count(&self, reader: &SegmentReader) -> tantivy::Result<u32> {
        self.inner.count(reader)
    }

    fn for_each(
        &self,
        reader: &SegmentReader,
        callback: &mut dyn FnMut(DocId, Score),
    ) -> tantivy::Result<()> {
        self.inner.for_each(reader, callback)
    }

    fn for_each_no_score(
        &self,
        reader: &SegmentReader,
        callback: &mut dyn FnMut(&[DocId]),
    ) -> tantivy::Result<()> {
        self.inner.for_each_no_score(reader, callback)
    }

    fn for_each_pruning(
        &self,
        threshold: Score,
        reader: &SegmentReader,
        callback: &mut dyn FnMut(DocId, Score) -> Score,
    ) -> tantivy::Result<()> {
        match SegmentConjunction::open(&self.parts, reader)? {
            Some(mut conjunction) => conjunction.run(0, threshold, callback),
            None => Ok(()),
        }
    }
}

/// A relevance pass's ranking by the conjunction, which can start from the
/// matches the pass's count found instead of searching for them again.
pub struct Ranking(ConjunctionParts);

impl Ranking {
    /// The ranking of `query` when it runs as a block-max conjunction,
    /// weighed as a search with `statistics` weighs it.
    pub fn of(
        query: &dyn Query,
        statistics: &dyn Bm25StatisticsProvider,
        searcher: &Searcher,
    ) -> tantivy::Result<Option<Self>> {
        let Some(conjunction) = query.downcast_ref::<BlockMaxConjunction>() else {
            return Ok(None);
        };
        Ok(Some(Self(conjunction.parts(statistics, searcher)?)))
    }

    /// Ranks `reader`'s matches as [`Weight::for_each_pruning`] does, given
    /// `counted`: live matches in order, every one of the segment's up to
    /// the last (every one at all when `complete`). Those are scored where
    /// their window's bound can beat the page; the search for matches
    /// starts after them.
    pub fn rank(
        &self,
        reader: &SegmentReader,
        counted: &[DocId],
        complete: bool,
        threshold: Score,
        callback: &mut dyn FnMut(DocId, Score) -> Score,
    ) -> tantivy::Result<()> {
        if complete && counted.is_empty() {
            // No match: no postings to open.
            return Ok(());
        }
        match SegmentConjunction::open(&self.0, reader)? {
            Some(mut conjunction) => {
                conjunction.run_counted(counted, complete, threshold, callback)
            }
            None => Ok(()),
        }
    }
}

/// One term's postings in one segment, read block by block.
struct TermCursor {
    postings: BlockSegmentPostings,
    fieldnorms: FieldNormReader,
    bm25: Bm25Weight,
    /// Position in the loaded block (the block is padded with TERMINATED).
    cursor: usize,
    /// The most the term scores in the current window (0 when it has no
    /// document there).
    window_max: Score,
    /// Whether the field is indexed with frequencies. Without (`entity`),
    /// the skip data holds no block maximum: tantivy reads it as a
    /// frequency of 0, a maximum of 0, while the scorer counts every
    /// occurrence once.
    has_freqs: bool,
    /// A block maximum computed from the block's field norms (terms
    /// without frequencies), and the last document of its block.
    computed_max: Option<(DocId, Score)>,
    /// How the segment's blocks were weighed when their maxima were chosen,
    /// when that differs from the query's weighing (see `stored_block_max`).
    segment: Option<SegmentWeighing>,
}

/// The weighing a segment's skip data assumed: the postings serializer
/// picks each block's best (field norm, frequency) pair under the
/// segment's own average field length, not the index's.
struct SegmentWeighing {
    /// The query's term weight with the segment's average field length.
    bm25: Bm25Weight,
    /// The segment's average field length over the index's, at most 1.
    shorter: Score,
}

impl SegmentWeighing {
    /// None when the segment's average is the index's: the stored pairs
    /// are then the blocks' best under the query's weighing too.
    fn new(scored: &ScoredTerm, tokens: u64, num_docs: u32) -> Option<Self> {
        // As the serializer computes it (tokens over the field norms' count).
        let average = tokens as Score / num_docs as Score;
        if average == scored.average_fieldnorm {
            return None;
        }
        Some(Self {
            bm25: Bm25Weight::for_one_term(scored.doc_freq, scored.num_docs, average),
            shorter: (average / scored.average_fieldnorm).min(1.0),
        })
    }
}

impl TermCursor {
    /// `scored`'s postings in `reader` (None when the segment lacks it).
    fn open(reader: &SegmentReader, scored: &ScoredTerm) -> tantivy::Result<Option<Self>> {
        let field = scored.term.field();
        let inverted_index = reader.inverted_index(field)?;
        let Some(postings) =
            inverted_index.read_block_postings(&scored.term, IndexRecordOption::WithFreqs)?
        else {
            return Ok(None);
        };
        let fieldnorms = match reader.fieldnorms_readers().get_field(field)? {
            Some(fieldnorms) => fieldnorms,
            None => FieldNormReader::constant(reader.max_doc(), 1),
        };
        let has_freqs = has_freqs(reader.schema(), field);
        let segment = has_freqs
            .then(|| {
                SegmentWeighing::new(
                    scored,
                    inverted_index.total_num_tokens(),
                    fieldnorms.num_docs(),
                )
            })
            .flatten();
        Ok(Some(Self {
            postings,
            fieldnorms,
            bm25: scored.bm25.clone(),
            cursor: 0,
            window_max: 0.0,
            has_freqs,
            computed_max: None,
            segment,
        }))
    }

    fn doc(&self) -> DocId {
        self.postings.doc(self.cursor)
    }

    /// Moves to the first document at or after `target`.
    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc() < target {
            self.cursor = self.postings.seek(target);
        }
        self.doc()
    }

    /// The term's score in the document it is on (as `TermScorer` scores).
    fn score(&self) -> Score {
        let doc = self.doc();
        self.bm25.score(
            self.fieldnorms.fieldnorm_id(doc),
            self.postings.freq(self.cursor),
        )
    }

    /// The last document of the loaded block.
    fn block_end(&self) -> DocId {
        match self.postings.block_len() {
            0 => TERMINATED,
            len => self.postings.doc(len - 1),
        }
    }

    fn block_max(&mut self) -> Score {
        if self.has_freqs {
            return self.stored_block_max();
        }
        // Every occurrence counts once: the block's shortest field scores
        // highest. Windows are often shorter than a block: computed once.
        let end = self.block_end();
        if let Some((block_end, max)) = self.computed_max
            && block_end == end
        {
            return max;
        }
        let shortest = (0..self.postings.block_len())
            .map(|i| self.fieldnorms.fieldnorm_id(self.postings.doc(i)))
            .min();
        let max = shortest.map_or(0.0, |norm| self.bm25.score(norm, 1));
        self.computed_max = Some((end, max));
        max
    }

    /// The block's maximum from its skip data. The pair stored there is
    /// the block's best under the segment's average length; under the
    /// index's another document of the block may score more (tantivy's own
    /// pruning accepts that; a page here must not lose its hits).
    ///
    /// With `K(f) = k1 (1 - b + b f / avg)` and `m` the stored pair's
    /// frequency factor under the segment's average, every document of the
    /// block has `K_seg(f) >= t (1 - m) / m`. With `r` the segment's
    /// average over the index's, `K_index(f) = k1 (1 - b) (1 - r) + r
    /// K_seg(f)`, at least `min(r, 1) K_seg(f)`, so its factor `t / (t +
    /// K_index)` is at most `1 / (1 + min(r, 1) (1 - m) / m)`.
    fn stored_block_max(&mut self) -> Score {
        let Some(segment) = &self.segment else {
            return self.postings.block_max_score(&self.fieldnorms, &self.bm25);
        };
        let most = self
            .postings
            .block_max_score(&self.fieldnorms, &segment.bm25);
        let full = self.bm25.max_score();
        if most >= full {
            return full;
        }
        full * most / (most + segment.shorter * (full - most))
    }

    fn cost(&self) -> u64 {
        u64::from(self.postings.doc_freq())
    }
}

/// A union of terms: matches where one of them does; scores the sum.
struct TermUnion {
    terms: Vec<TermCursor>,
    /// The most the union scores in the current window.
    window_max: Score,
}

impl TermUnion {
    fn seek(&mut self, target: DocId) -> DocId {
        self.terms
            .iter_mut()
            .map(|term| term.seek(target))
            .min()
            .unwrap_or(TERMINATED)
    }

    /// The sum, in the plan's order, of the terms on `doc` (every term
    /// must have been moved to `doc` or past it).
    fn score(&self, doc: DocId) -> Score {
        self.terms
            .iter()
            .filter(|term| term.doc() == doc)
            .fold(0.0, |sum, term| sum + term.score())
    }

    fn cost(&self) -> u64 {
        self.terms.iter().map(TermCursor::cost).sum()
    }
}

/// An exact phrase in one segment. Its words lead and bound the search as
/// terms do; a phrase's frequency is at most each word's, so with the
/// same field norm (one field) its score is at most each word's score
/// times the phrase's weight over the word's: the least of those bounds
/// a window, and the phrase's score at its words' least frequency bounds a
/// candidate. Positions are read only for candidates that can still enter
/// the page, and opened only when the first one comes.
struct PhraseClause {
    words: Vec<TermCursor>,
    /// Each word's weight over the phrase's (to bound by its scores).
    ratios: Vec<Score>,
    shifts: Vec<u32>,
    bm25: Bm25Weight,
    fieldnorms: FieldNormReader,
    /// The words' postings with positions, once a candidate needs them.
    positions: Option<Vec<SegmentPostings>>,
    inverted_index: Arc<InvertedIndexReader>,
    terms: Vec<Term>,
    window_max: Score,
    /// The phrase's positions so far, and the next word's.
    matched: Vec<u32>,
    next: Vec<u32>,
}

impl PhraseClause {
    /// None when a word is not in the segment.
    fn open(reader: &SegmentReader, weighing: &PhraseWeighing) -> tantivy::Result<Option<Self>> {
        let mut words = Vec::with_capacity(weighing.terms.len());
        for scored in &weighing.terms {
            match TermCursor::open(reader, scored)? {
                Some(cursor) => words.push(cursor),
                None => return Ok(None),
            }
        }
        let Some(field) = weighing.terms.first().map(|t| t.term.field()) else {
            return Ok(None);
        };
        let fieldnorms = match reader.fieldnorms_readers().get_field(field)? {
            Some(fieldnorms) => fieldnorms,
            None => FieldNormReader::constant(reader.max_doc(), 1),
        };
        let phrase_max = weighing.bm25.max_score();
        Ok(Some(Self {
            ratios: weighing
                .terms
                .iter()
                .map(|scored| phrase_max / scored.bm25.max_score())
                .collect(),
            words,
            shifts: weighing.shifts.clone(),
            bm25: weighing.bm25.clone(),
            fieldnorms,
            positions: None,
            inverted_index: reader.inverted_index(field)?,
            terms: weighing.terms.iter().map(|t| t.term.clone()).collect(),
            window_max: 0.0,
            matched: Vec::new(),
            next: Vec::new(),
        }))
    }

    /// The most the phrase can score in `doc`, from its words' frequencies
    /// (None when a word is not there). Every word must have been moved to
    /// `doc` or past it.
    fn bound(&self, doc: DocId) -> Option<Score> {
        let mut least = u32::MAX;
        for word in &self.words {
            if word.doc() != doc {
                return None;
            }
            least = least.min(word.postings.freq(word.cursor));
        }
        Some(self.bm25.score(self.fieldnorms.fieldnorm_id(doc), least))
    }

    /// The phrase's score in `doc`, None when its words do not follow each
    /// other there (as tantivy's `PhraseScorer` counts: the positions at
    /// which every word stands at its offset).
    fn score(&mut self, doc: DocId) -> tantivy::Result<Option<Score>> {
        if self.positions.is_none() {
            let mut opened = Vec::with_capacity(self.terms.len());
            for term in &self.terms {
                let Some(postings) = self
                    .inverted_index
                    .read_postings(term, IndexRecordOption::WithFreqsAndPositions)?
                else {
                    return Ok(None);
                };
                opened.push(postings);
            }
            self.positions = Some(opened);
        }
        let Some(positions) = &mut self.positions else {
            return Ok(None);
        };
        for (i, postings) in positions.iter_mut().enumerate() {
            if postings.doc() < doc {
                postings.seek(doc);
            }
            if postings.doc() != doc {
                return Ok(None);
            }
            let shift = self.shifts[i];
            if i == 0 {
                postings.positions_with_offset(shift, &mut self.matched);
            } else {
                postings.positions_with_offset(shift, &mut self.next);
                keep_common(&mut self.matched, &self.next);
            }
            if self.matched.is_empty() {
                return Ok(None);
            }
        }
        let count = self.matched.len() as u32;
        Ok(Some(
            self.bm25.score(self.fieldnorms.fieldnorm_id(doc), count),
        ))
    }
}

/// Keeps in `left` the values also in `right` (both sorted).
fn keep_common(left: &mut Vec<u32>, right: &[u32]) {
    let mut kept = 0;
    let mut j = 0;
    for i in 0..left.len() {
        let value = left[i];
        while j < right.len() && right[j] < value {
            j += 1;
        }
        if j == right.len() {
            break;
        }
        if right[j] == value {
            left[kept] = value;
            kept += 1;
            j += 1;
        }
    }
    left.truncate(kept);
}

/// A required clause in one segment.
enum Clause {
    Union(TermUnion),
    Phrase(Box<PhraseClause>),
}

impl Clause {
    fn terms_mut(&mut self) -> &mut [TermCursor] {
        match self {
            Clause::Union(union) => &mut union.terms,
            Clause::Phrase(phrase) => &mut phrase.words,
        }
    }

    fn window_max(&self) -> Score {
        match self {
            Clause::Union(union) => union.window_max,
            Clause::Phrase(phrase) => phrase.window_max,
        }
    }

    /// Moves the clause to its first possible match at or after `target`
    /// (for a phrase, the first document of its rarest word: the other
    /// words are drivers of their own).
    fn seek(&mut self, target: DocId) -> DocId {
        match self {
            Clause::Union(union) => union.seek(target),
            Clause::Phrase(phrase) => {
                let rarest = (0..phrase.words.len())
                    .min_by_key(|&i| phrase.words[i].cost())
                    .unwrap_or(0);
                phrase.words[rarest].seek(target)
            }
        }
    }

    /// Sets the most the clause scores in the window ending at `end` (every
    /// term moved to the window's start); false when it has no match there.
    fn weigh_window(&mut self, end: DocId) -> bool {
        match self {
            Clause::Union(union) => {
                union.window_max = 0.0;
                let mut any = false;
                for term in &mut union.terms {
                    // A term whose next document is past the window adds nothing.
                    term.window_max = if term.doc() <= end {
                        any = true;
                        term.block_max()
                    } else {
                        0.0
                    };
                    union.window_max += term.window_max;
                }
                any
            }
            Clause::Phrase(phrase) => {
                phrase.window_max = Score::MAX;
                for (word, ratio) in phrase.words.iter_mut().zip(&phrase.ratios) {
                    if word.doc() > end {
                        return false;
                    }
                    word.window_max = word.block_max();
                    phrase.window_max = phrase.window_max.min(word.window_max * ratio);
                }
                true
            }
        }
    }

    /// The bound of the clause in the window and its real score, or for a
    /// phrase a bound of it, on the document `lead` is on.
    fn lead_scores(&self, lead: Option<usize>, doc: DocId) -> (Score, Score) {
        match (self, lead) {
            (Clause::Union(union), Some(term)) => {
                (union.terms[term].window_max, union.terms[term].score())
            }
            (Clause::Union(union), None) => (union.window_max, union.score(doc)),
            (Clause::Phrase(phrase), Some(word)) => (
                phrase.window_max,
                phrase.words[word].score() * phrase.ratios[word],
            ),
            (Clause::Phrase(phrase), None) => (phrase.window_max, phrase.window_max),
        }
    }
}

/// What leads or checks the search for matches: a required clause (any of
/// its terms), or one term of a clause that every competitive match in the
/// window contains (every word of a phrase).
#[derive(Clone, Copy)]
struct Driver {
    clause: usize,
    term: Option<usize>,
    cost: u64,
}

/// The conjunction over one segment.
struct SegmentConjunction {
    constant: Score,
    /// In the plan's order, which is the order scores are summed in.
    required: Vec<Clause>,
    /// Every clause as a driver, rarest first (the rarest leads): used
    /// outside windows.
    clauses: Vec<Driver>,
    /// The current window's drivers, rarest first.
    drivers: Vec<Driver>,
    filters: Vec<Box<dyn Scorer>>,
    excluded: Vec<Box<dyn Scorer>>,
}

/// Adds `clause`'s drivers: the clause as a whole, or each word of a phrase.
fn push_drivers(drivers: &mut Vec<Driver>, index: usize, clause: &Clause) {
    match clause {
        Clause::Union(union) => drivers.push(Driver {
            clause: index,
            term: None,
            cost: union.cost(),
        }),
        Clause::Phrase(phrase) => drivers.extend(phrase.words.iter().enumerate().map(
            |(word, cursor)| Driver {
                clause: index,
                term: Some(word),
                cost: cursor.cost(),
            },
        )),
    }
}

/// A stretch of documents, up to `end`, in which no term leaves its
/// posting block, and the most a match in it can score.
#[derive(Clone, Copy)]
struct Window {
    end: DocId,
    most: Score,
}

impl Window {
    /// Whether a match in the window, with one part of `most` (`bound`)
    /// known to score `real` instead, cannot beat `threshold`. Sums of
    /// floats in another order differ in the last bits: the answer is yes
    /// only with a margin.
    fn cannot_beat(&self, bound: Score, real: Score, threshold: Score) -> bool {
        self.most - bound + real + self.most.abs() * 1e-5 <= threshold
    }
}

impl SegmentConjunction {
    /// None when a required clause matches nothing in the segment.
    fn open(weight: &ConjunctionParts, reader: &SegmentReader) -> tantivy::Result<Option<Self>> {
        let mut required = Vec::with_capacity(weight.required.len());
        for clause in &weight.required {
            match clause {
                ClauseWeight::Union(terms) => {
                    let mut cursors = Vec::with_capacity(terms.len());
                    for scored in terms {
                        cursors.extend(TermCursor::open(reader, scored)?);
                    }
                    if cursors.is_empty() {
                        return Ok(None);
                    }
                    required.push(Clause::Union(TermUnion {
                        terms: cursors,
                        window_max: 0.0,
                    }));
                }
                ClauseWeight::Phrase(weighing) => match PhraseClause::open(reader, weighing)? {
                    Some(phrase) => required.push(Clause::Phrase(Box::new(phrase))),
                    None => return Ok(None),
                },
            }
        }
        let mut clauses: Vec<Driver> = Vec::new();
        for (index, clause) in required.iter().enumerate() {
            push_drivers(&mut clauses, index, clause);
        }
        clauses.sort_by_key(|driver| driver.cost);
        let scorers = |weights: &[Box<dyn Weight>]| {
            weights
                .iter()
                .map(|w| w.scorer(reader, 1.0))
                .collect::<tantivy::Result<Vec<_>>>()
        };
        Ok(Some(Self {
            constant: weight.constant,
            required,
            drivers: clauses.clone(),
            clauses,
            filters: scorers(&weight.filters)?,
            excluded: scorers(&weight.excluded)?,
        }))
    }

    /// The window `target` is in: `window` while `target` is not past its
    /// end, otherwise a new one cut from `target` (and kept in `window`).
    fn window_at(
        &mut self,
        window: &mut Option<Window>,
        target: DocId,
        threshold: Score,
    ) -> Window {
        match *window {
            Some(cut) if target <= cut.end => cut,
            _ => *window.insert(self.cut_window(target, threshold)),
        }
    }

    /// Ranks the counted matches (see [`Ranking::rank`]), then searches
    /// past them unless they were every match.
    fn run_counted(
        &mut self,
        counted: &[DocId],
        complete: bool,
        mut threshold: Score,
        callback: &mut dyn FnMut(DocId, Score) -> Score,
    ) -> tantivy::Result<()> {
        let mut window: Option<Window> = None;
        for &doc in counted {
            if threshold > Score::MIN {
                let cut = self.window_at(&mut window, doc, threshold);
                if cut.most <= threshold {
                    continue;
                }
            }
            if let Some(score) = self.score(doc, threshold)? {
                threshold = callback(doc, score);
            }
        }
        match counted.last() {
            _ if complete => Ok(()),
            Some(&last) => self.run(last + 1, threshold, callback),
            None => self.run(0, threshold, callback),
        }
    }

    fn run(
        &mut self,
        mut target: DocId,
        mut threshold: Score,
        callback: &mut dyn FnMut(DocId, Score) -> Score,
    ) -> tantivy::Result<()> {
        // Recut once `target` passes its end; none until there is a
        // threshold to prune by.
        let mut window: Option<Window> = None;
        loop {
            let mut current = None;
            if threshold > Score::MIN {
                let cut = self.window_at(&mut window, target, threshold);
                if cut.most <= threshold {
                    if cut.end == TERMINATED {
                        return Ok(());
                    }
                    target = cut.end + 1;
                    continue;
                }
                current = Some(cut);
            }
            let doc = self.next_match(target, threshold, current);
            if let Some(cut) = current
                && doc > cut.end
            {
                // Past the window: its bounds and drivers end there. A
                // union's term required in the window is not required
                // past it, so what lies between is searched again, even
                // when that term has no documents left.
                target = cut.end + 1;
                continue;
            }
            if doc == TERMINATED {
                return Ok(());
            }
            target = doc + 1;
            if self.is_excluded(doc) {
                continue;
            }
            if let Some(score) = self.score(doc, threshold)? {
                threshold = callback(doc, score);
            }
        }
    }

    /// `doc`'s score when it matches and beats `threshold`. A phrase's
    /// positions are read only when its bound could beat it.
    fn score(&mut self, doc: DocId, threshold: Score) -> tantivy::Result<Option<Score>> {
        let mut most = 0.0;
        let mut phrases = false;
        for clause in &mut self.required {
            // Drivers moved some terms to `doc`; the rest may be behind.
            for term in clause.terms_mut() {
                term.seek(doc);
            }
            most += match clause {
                Clause::Union(union) => union.score(doc),
                Clause::Phrase(phrase) => {
                    phrases = true;
                    match phrase.bound(doc) {
                        Some(bound) => bound,
                        None => return Ok(None),
                    }
                }
            };
        }
        most += self.constant;
        if most <= threshold || !phrases {
            return Ok((most > threshold).then_some(most));
        }
        let mut score = 0.0;
        for clause in &mut self.required {
            score += match clause {
                Clause::Union(union) => union.score(doc),
                Clause::Phrase(phrase) => match phrase.score(doc)? {
                    Some(score) => score,
                    None => return Ok(None),
                },
            };
        }
        score += self.constant;
        Ok((score > threshold).then_some(score))
    }

    /// The window from `target` to the first end of a block any term is in,
    /// and the most a match in it can score (`Score::MIN` when a clause has
    /// no document in it; TERMINATED as the end when a clause has none left).
    /// Sets the window's drivers: a clause's term becomes one when no match
    /// without it could beat `threshold` (Lucene's MaxScore reasoning, per
    /// block), so that the rarest such term leads instead of its union.
    fn cut_window(&mut self, target: DocId, threshold: Score) -> Window {
        let mut end = TERMINATED;
        for clause in &mut self.required {
            // A union has no match left when none of its terms has; a
            // phrase when one of its words has none.
            let phrase = matches!(clause, Clause::Phrase(_));
            let mut none_left = !phrase;
            for term in clause.terms_mut() {
                let doc = term.seek(target);
                if doc == TERMINATED {
                    none_left |= phrase;
                } else {
                    none_left &= phrase;
                    end = end.min(term.block_end());
                }
            }
            if none_left {
                return Window {
                    end: TERMINATED,
                    most: Score::MIN,
                };
            }
        }
        let mut most = self.constant;
        for clause in &mut self.required {
            if !clause.weigh_window(end) {
                return Window {
                    end,
                    most: Score::MIN,
                };
            }
            most += clause.window_max();
        }
        let window = Window { end, most };
        self.drivers.clear();
        for (index, clause) in self.required.iter().enumerate() {
            let before = self.drivers.len();
            if let Clause::Union(union) = clause
                && union.terms.len() > 1
            {
                for (term_index, term) in union.terms.iter().enumerate() {
                    if term.window_max > 0.0 && window.cannot_beat(term.window_max, 0.0, threshold)
                    {
                        self.drivers.push(Driver {
                            clause: index,
                            term: Some(term_index),
                            cost: term.cost(),
                        });
                    }
                }
            }
            if self.drivers.len() == before {
                push_drivers(&mut self.drivers, index, clause);
            }
        }
        self.drivers.sort_by_key(|driver| driver.cost);
        window
    }

    /// Moves `driver` to its first document at or after `target`.
    fn seek_driver(&mut self, driver: Driver, target: DocId) -> DocId {
        let clause = &mut self.required[driver.clause];
        match driver.term {
            Some(term) => clause.terms_mut()[term].seek(target),
            None => clause.seek(target),
        }
    }

    /// The first document at or after `target` that every driver and
    /// filter matches, or, in `window`, the first document past its end
    /// the lead is on (the window's drivers and bounds say nothing there).
    fn next_match(&mut self, target: DocId, threshold: Score, window: Option<Window>) -> DocId {
        let windowed = window.is_some();
        let drivers = std::mem::take(self.drivers_for(windowed));
        let found = self.find(&drivers, target, threshold, window);
        *self.drivers_for(windowed) = drivers;
        found
    }

    /// The window's drivers, or every clause outside windows.
    fn drivers_for(&mut self, windowed: bool) -> &mut Vec<Driver> {
        if windowed {
            &mut self.drivers
        } else {
            &mut self.clauses
        }
    }

    fn find(
        &mut self,
        drivers: &[Driver],
        mut target: DocId,
        threshold: Score,
        window: Option<Window>,
    ) -> DocId {
        let end = window.map_or(TERMINATED, |window| window.end);
        'candidates: loop {
            let lead = drivers[0];
            let doc = self.seek_driver(lead, target);
            if doc == TERMINATED || doc > end {
                return doc;
            }
            if let Some(window) = window {
                // Lucene's check: the lead's real score in place of its
                // bound passes over candidates before the others are read.
                let (bound, real) = self.required[lead.clause].lead_scores(lead.term, doc);
                if window.cannot_beat(bound, real, threshold) {
                    target = doc + 1;
                    continue 'candidates;
                }
            }
            for &other in &drivers[1..] {
                let found = self.seek_driver(other, doc);
                if found > doc {
                    target = found;
                    continue 'candidates;
                }
            }
            for filter in &mut self.filters {
                let found = if filter.doc() < doc {
                    filter.seek(doc)
                } else {
                    filter.doc()
                };
                if found > doc {
                    target = found;
                    continue 'candidates;
                }
            }
            return doc;
        }
    }

    fn is_excluded(&mut self, doc: DocId) -> bool {
        self.excluded.iter_mut().any(|excluded| {
            if excluded.doc() < doc {
                excluded.seek(doc);
            }
            excluded.doc() == doc
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::{Checkpoint, IndexOp, SearchIndex};
    use crate::model::{DocEntity, IndexDoc};

    /// A term's block maximum bounds the score of every document of its
    /// block, for a body term and for an entity term, whose field is
    /// indexed without frequencies (full blocks hold no maximum then).
    #[test]
    fn block_maxima_bound_every_score_of_their_block() {
        let index = SearchIndex::in_memory().unwrap();
        let ops = (0..600u64)
            .map(|n| {
                IndexOp::Upsert(Box::new(IndexDoc {
                    id: format!("d{n}"),
                    sequence: n,
                    body: format!("ferry {}", "word ".repeat((n % 17) as usize)),
                    entities: (0..1 + n % 3)
                        .map(|k| DocEntity {
                            id: format!("e{k}"),
                            name: format!("Name {k}"),
                            entity_type: 1,
                            variants: vec![format!("Name {k}")],
                        })
                        .collect(),
                    ..IndexDoc::default()
                }))
            })
            .collect();
        index.apply(ops).unwrap();
        index.commit(Checkpoint::default()).unwrap();
        let searcher = index.searcher();
        let fields = index.fields();
        for term in [
            Term::from_field_text(fields.entity, "e0"),
            Term::from_field_text(fields.body, "ferry"),
        ] {
            let scored = ScoredTerm::new(&searcher, term).unwrap();
            let seen = assert_block_maxima_bound_scores(&searcher.segment_readers()[0], &scored);
            assert_eq!(seen, 600, "every document has the term");
        }
    }

    /// Walks `scored`'s postings in `reader`, checking every score against
    /// its block's maximum; returns how many documents it saw.
    fn assert_block_maxima_bound_scores(reader: &SegmentReader, scored: &ScoredTerm) -> usize {
        let Some(mut cursor) = TermCursor::open(reader, scored).unwrap() else {
            return 0;
        };
        let mut seen = 0;
        while cursor.doc() != TERMINATED {
            let (score, max) = (cursor.score(), cursor.block_max());
            assert!(score > 0.0 && score <= max, "{score} > {max}");
            seen += 1;
            cursor.seek(cursor.doc() + 1);
        }
        seen
    }

    fn body_doc(n: u64, body: String) -> IndexOp {
        IndexOp::Upsert(Box::new(IndexDoc {
            id: format!("d{n}"),
            sequence: n,
            body,
            ..IndexDoc::default()
        }))
    }

    /// A segment's skip data picks each block's best document under the
    /// segment's average length, and the index's differs. In the segment
    /// of long articles, a long one that says "ferry" ten times is its
    /// blocks' best, yet under the index's shorter average a short one
    /// that says it once scores more; in the segment of short articles a
    /// one-word article is the best, yet under the longer average one of
    /// twenty words that says it five times scores more. Both times the
    /// block maximum must bound them.
    #[test]
    fn block_maxima_bound_scores_under_the_index_average_length() {
        let index = SearchIndex::in_memory().unwrap();
        let filler = |words: usize| "tide ".repeat(words);
        let long = (0..300u64).map(|n| match n % 3 {
            0 => body_doc(n, format!("ferry {}", filler(3))),
            1 => body_doc(n, format!("{}{}", "ferry ".repeat(10), filler(390))),
            _ => body_doc(n, filler(400)),
        });
        index.apply(long.collect()).unwrap();
        index.commit(Checkpoint::default()).unwrap();
        let short = (300..3300u64).map(|n| match n % 10 {
            0 => body_doc(n, "ferry".to_string()),
            5 => body_doc(n, format!("{}{}", "ferry ".repeat(5), filler(15))),
            _ => body_doc(n, filler(2)),
        });
        index.apply(short.collect()).unwrap();
        index.commit(Checkpoint::default()).unwrap();
        let searcher = index.searcher();
        assert!(searcher.segment_readers().len() >= 2, "two segments");
        let term = Term::from_field_text(index.fields().body, "ferry");
        let scored = ScoredTerm::new(&searcher, term).unwrap();
        let seen: usize = searcher
            .segment_readers()
            .iter()
            .map(|reader| assert_block_maxima_bound_scores(reader, &scored))
            .sum();
        assert_eq!(seen, 200 + 600);
    }
}
