//! Counting a conjunction's matches with a bit per document.
//!
//! A relevance search counts its matches apart from its ranking, unscored
//! (`super::pass`). tantivy runs the count of `(a OR b) AND c AND NOT d` as
//! an intersection that seeks a buffered union to each candidate of `c`,
//! and a seek past the union's window of 4,096 documents refills that
//! window term by term: at 100,000 articles the count was half of a boolean
//! search's own time and the union's seeks and refills most of it (perf,
//! issue 19). Here the cheapest union is read whole, a block of 128
//! documents at a time, into one bit per document of the segment; every
//! other union is read the same way and and-ed in word by word, or, when
//! few candidates are left beside its postings, asked about those
//! candidates alone; an excluded union of terms (`NOT d`) is cleared out
//! the same ways. Filters and other exclusions are asked about the
//! candidates left, in order, as tantivy's intersection asks them. The
//! matches are tantivy's, in the same order. Back to back at 100,000
//! articles, boolean p50 fell in five of five rounds (tests/BENCHMARKS.md).

use tantivy::postings::{BlockSegmentPostings, TermInfo};
use tantivy::query::{
    BooleanQuery, EnableScoring, Explanation, Occur, Query, Scorer, TermQuery, Weight,
};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, Term};

use crate::query::Excluded;

/// A union is asked about each candidate, not read whole, when it holds
/// more than this many postings per candidate left: a seek through its
/// skip data costs about as much as decoding this many postings.
const PROBE_RATIO: u64 = 32;

/// The unscored weight of a conjunction of term unions, with its filters
/// and exclusions: matches as bits (see the module). `inner` is the same
/// query's own weight, which explains.
pub(super) struct BitCountWeight {
    unions: Vec<Vec<Term>>,
    filters: Vec<Box<dyn Weight>>,
    /// Excluded unions of terms (`NOT d`), read as the required ones are.
    excluded_unions: Vec<Vec<Term>>,
    /// Other excluded clauses, asked about each candidate left.
    excluded: Vec<Box<dyn Weight>>,
    inner: Box<dyn Weight>,
}

/// The terms of `query` if it is a term or a union of terms (through the
/// guard of an excluded clause).
fn term_union(query: &dyn Query) -> Option<Vec<Term>> {
    if let Some(excluded) = query.downcast_ref::<Excluded>() {
        return term_union(&*excluded.0);
    }
    if let Some(term) = query.downcast_ref::<TermQuery>() {
        return Some(vec![term.term().clone()]);
    }
    let boolean = query.downcast_ref::<BooleanQuery>()?;
    if boolean.get_minimum_number_should_match() > 1 || boolean.clauses().is_empty() {
        return None;
    }
    let mut terms = Vec::new();
    for (occur, clause) in boolean.clauses() {
        if *occur != Occur::Should {
            return None;
        }
        terms.extend(term_union(&**clause)?);
    }
    Some(terms)
}

impl BitCountWeight {
    /// The unscored weight of the conjunction of `unions` with `filters`
    /// and without `excluded`; `inner` is the query's own.
    pub fn weigh(
        unions: Vec<Vec<Term>>,
        filters: &[Box<dyn Query>],
        excluded: &[Box<dyn Query>],
        inner: Box<dyn Weight>,
        unscored: EnableScoring<'_>,
    ) -> tantivy::Result<Box<dyn Weight>> {
        let mut excluded_unions = Vec::new();
        let mut excluded_weights = Vec::new();
        for query in excluded {
            match term_union(&**query) {
                Some(terms) => excluded_unions.push(terms),
                None => excluded_weights.push(query.weight(unscored)?),
            }
        }
        Ok(Box::new(Self {
            unions,
            filters: filters
                .iter()
                .map(|q| q.weight(unscored))
                .collect::<tantivy::Result<_>>()?,
            excluded_unions,
            excluded: excluded_weights,
            inner,
        }))
    }

    /// Whether counting by bits is worth it for these unions: a lone term
    /// is read as fast by its own postings.
    pub fn worth_it(unions: &[Vec<Term>]) -> bool {
        unions.len() > 1 || unions.iter().any(|terms| terms.len() > 1)
    }

    /// The documents of `reader` that match, deleted ones included (as a
    /// scorer's are).
    fn matches(&self, reader: &SegmentReader) -> tantivy::Result<Vec<u64>> {
        let words = (reader.max_doc() as usize).div_ceil(64);
        let mut unions = Vec::with_capacity(self.unions.len());
        for terms in &self.unions {
            let postings = UnionPostings::open(reader, terms)?;
            if postings.cost == 0 {
                return Ok(vec![0; words]);
            }
            unions.push(postings);
        }
        unions.sort_by_key(|u| u.cost);
        let mut unions = unions.into_iter();
        let mut bits = vec![0u64; words];
        let Some(lead) = unions.next() else {
            return Ok(bits);
        };
        lead.read_into(reader, &mut bits)?;
        let mut other = Vec::new();
        // The required unions, cheapest first, then the excluded ones.
        let mut steps: Vec<(UnionPostings, bool)> = unions.map(|u| (u, true)).collect();
        for terms in &self.excluded_unions {
            steps.push((UnionPostings::open(reader, terms)?, false));
        }
        for (union, required) in steps {
            let left = count_ones(&bits);
            if left == 0 {
                return Ok(bits);
            }
            if union.cost == 0 {
                // Only an excluded union can be empty here.
                continue;
            }
            if union.cost > left.saturating_mul(PROBE_RATIO) {
                union.probe(reader, &mut bits, required)?;
            } else {
                other.clear();
                other.resize(words, 0);
                union.read_into(reader, &mut other)?;
                for (word, theirs) in bits.iter_mut().zip(&other) {
                    *word &= if required { *theirs } else { !*theirs };
                }
            }
        }
        for filter in &self.filters {
            let mut scorer = filter.scorer(reader, 1.0)?;
            retain(&mut bits, |doc| lands_on(&mut scorer, doc));
        }
        for excluded in &self.excluded {
            let mut scorer = excluded.scorer(reader, 1.0)?;
            retain(&mut bits, |doc| !lands_on(&mut scorer, doc));
        }
        Ok(bits)
    }
}

impl Weight for BitCountWeight {
    fn scorer(&self, reader: &SegmentReader, _boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(MatchBits::new(self.matches(reader)?)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.inner.explain(reader, doc)
    }
}

/// One union's terms in a segment, with their postings' total length.
struct UnionPostings<'a> {
    terms: Vec<(&'a Term, TermInfo)>,
    cost: u64,
}

impl<'a> UnionPostings<'a> {
    fn open(reader: &SegmentReader, terms: &'a [Term]) -> tantivy::Result<Self> {
        let mut found = Vec::with_capacity(terms.len());
        for term in terms {
            let inverted = reader.inverted_index(term.field())?;
            if let Some(info) = inverted.get_term_info(term)? {
                found.push((term, info));
            }
        }
        let cost = found.iter().map(|(_, info)| u64::from(info.doc_freq)).sum();
        Ok(Self { terms: found, cost })
    }

    /// Sets the bit of every document of every term.
    fn read_into(&self, reader: &SegmentReader, bits: &mut [u64]) -> tantivy::Result<()> {
        for (term, info) in &self.terms {
            let inverted = reader.inverted_index(term.field())?;
            let mut block: BlockSegmentPostings =
                inverted.read_block_postings_from_terminfo(info, IndexRecordOption::Basic)?;
            while !block.docs().is_empty() {
                for &doc in block.docs() {
                    if let Some(word) = bits.get_mut(doc as usize / 64) {
                        *word |= 1 << (doc % 64);
                    }
                }
                block.advance();
            }
        }
        Ok(())
    }

    /// Clears the bit of every document no term of the union holds (that
    /// one holds, unless `required`), asking each term's postings about the
    /// set documents only.
    fn probe(
        &self,
        reader: &SegmentReader,
        bits: &mut [u64],
        required: bool,
    ) -> tantivy::Result<()> {
        let mut postings = Vec::with_capacity(self.terms.len());
        for (term, info) in &self.terms {
            let inverted = reader.inverted_index(term.field())?;
            postings.push(inverted.read_postings_from_terminfo(info, IndexRecordOption::Basic)?);
        }
        retain(bits, |doc| {
            postings.iter_mut().any(|p| lands_on(p, doc)) == required
        });
        Ok(())
    }
}

/// Whether `docs`, moved forward to `doc` if it is behind, stands on it.
/// Asked in increasing order of `doc`, as a `DocSet` may be.
fn lands_on(docs: &mut impl DocSet, doc: DocId) -> bool {
    let at = docs.doc();
    let at = if at < doc { docs.seek(doc) } else { at };
    at == doc
}

/// Clears the set bits whose document `keep` refuses, in document order.
fn retain(bits: &mut [u64], mut keep: impl FnMut(DocId) -> bool) {
    for (index, word) in bits.iter_mut().enumerate() {
        let mut rest = *word;
        while rest != 0 {
            let bit = rest.trailing_zeros();
            rest &= rest - 1;
            if !keep(index as DocId * 64 + bit) {
                *word &= !(1 << bit);
            }
        }
    }
}

fn count_ones(bits: &[u64]) -> u64 {
    bits.iter().map(|w| u64::from(w.count_ones())).sum()
}

/// The set bits as a scorer (every score 1.0: it only counts).
struct MatchBits {
    bits: Vec<u64>,
    /// Index of the word `rest` was taken from.
    word: usize,
    /// The bits of that word not yet visited.
    rest: u64,
    doc: DocId,
    len: u32,
}

impl MatchBits {
    fn new(bits: Vec<u64>) -> Self {
        let len = count_ones(&bits) as u32;
        let rest = bits.first().copied().unwrap_or(0);
        let mut this = Self {
            bits,
            word: 0,
            rest,
            doc: 0,
            len,
        };
        this.next_set();
        this
    }

    /// Moves to the lowest bit left in `rest` or a later word.
    fn next_set(&mut self) -> DocId {
        while self.rest == 0 {
            self.word += 1;
            match self.bits.get(self.word) {
                Some(&word) => self.rest = word,
                None => {
                    self.doc = TERMINATED;
                    return self.doc;
                }
            }
        }
        let bit = self.rest.trailing_zeros();
        self.rest &= self.rest - 1;
        self.doc = self.word as DocId * 64 + bit;
        self.doc
    }
}

impl DocSet for MatchBits {
    fn advance(&mut self) -> DocId {
        if self.doc == TERMINATED {
            return TERMINATED;
        }
        self.next_set()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        let word = target as usize / 64;
        if word != self.word {
            match self.bits.get(word) {
                Some(&bits) => {
                    self.word = word;
                    self.rest = bits;
                }
                None => {
                    self.word = self.bits.len();
                    self.rest = 0;
                    self.doc = TERMINATED;
                    return TERMINATED;
                }
            }
        }
        // Drop the bits below the target in its word.
        self.rest &= !0u64 << (target % 64);
        self.next_set()
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.len
    }
}

impl Scorer for MatchBits {
    fn score(&mut self) -> Score {
        1.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn docs_of(bits: Vec<u64>) -> Vec<DocId> {
        let mut set = MatchBits::new(bits);
        let mut out = Vec::new();
        while set.doc() != TERMINATED {
            out.push(set.doc());
            set.advance();
        }
        out
    }

    #[test]
    fn match_bits_visit_every_set_bit_in_order() {
        let mut bits = vec![0u64; 4];
        for doc in [0u32, 1, 63, 64, 130, 255] {
            bits[doc as usize / 64] |= 1 << (doc % 64);
        }
        assert_eq!(docs_of(bits.clone()), vec![0, 1, 63, 64, 130, 255]);
        assert_eq!(MatchBits::new(bits).size_hint(), 6);
        assert!(docs_of(vec![0; 3]).is_empty());
        assert!(docs_of(Vec::new()).is_empty());
    }

    #[test]
    fn match_bits_seek_to_the_first_set_bit_at_or_after_the_target() {
        let mut bits = vec![0u64; 4];
        for doc in [3u32, 70, 71, 200] {
            bits[doc as usize / 64] |= 1 << (doc % 64);
        }
        let mut set = MatchBits::new(bits);
        assert_eq!(set.doc(), 3);
        assert_eq!(set.seek(3), 3, "a seek to the current document stays");
        assert_eq!(set.seek(4), 70);
        assert_eq!(set.seek(71), 71);
        assert_eq!(set.advance(), 200);
        assert_eq!(set.seek(201), TERMINATED);
        assert_eq!(set.advance(), TERMINATED);
        assert_eq!(set.seek(5_000), TERMINATED);
    }

    #[test]
    fn retain_clears_only_the_refused_documents() {
        let mut bits = vec![u64::MAX, 0b1011];
        let mut asked = Vec::new();
        retain(&mut bits, |doc| {
            asked.push(doc);
            doc % 2 == 0
        });
        assert_eq!(asked.len(), 67, "every set bit asked once");
        assert!(asked.windows(2).all(|w| w[0] < w[1]), "in document order");
        assert_eq!(bits[0], 0x5555_5555_5555_5555);
        assert_eq!(bits[1], 0b0001);
    }
}
