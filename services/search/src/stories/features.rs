//! What a document says about its event, as weighted terms: the canonical
//! entities it names, the dates and amounts it gives (normalised values, so
//! "3 March" and "March 3" agree), and the content words of its text.
//!
//! Terms are 64-bit hashes (no interner to grow without bound); weights are
//! set against the document frequencies of the recent window when the
//! document arrives, so a minister named in every article weighs little and
//! a port named only in this week's reports weighs much.

use std::collections::HashMap;

use super::sketch::hash_str;

/// Content words kept per document (its highest-weighted).
const KEYWORDS_KEPT: usize = 120;
/// Entities weigh this much more than a content word of the same rarity:
/// who and where tell events apart better than vocabulary.
const ENTITY_BOOST: f32 = 2.0;
/// Dates and amounts: "12 March" or "€2.3 billion" shared by two reports is
/// strong evidence, though less than a rare name.
const VALUE_BOOST: f32 = 1.5;

/// The kind of a term, which sets its boost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TermKind {
    Entity,
    Value,
    Word,
}

/// A document's raw terms, before weighting: (term, kind, count in text).
#[derive(Debug, Clone, Default)]
pub struct RawTerms {
    pub terms: Vec<(u64, TermKind, u32)>,
}

impl RawTerms {
    /// The terms of one document: each entity id and value once, and every
    /// content word with its count.
    pub fn of(text: &str, title: &str, entities: &[String], values: &[String]) -> Self {
        let mut terms: Vec<(u64, TermKind, u32)> = Vec::new();
        let mut seen: HashMap<u64, usize, BuildFnv> = HashMap::default();
        let mut add = |term: u64, kind: TermKind, terms: &mut Vec<(u64, TermKind, u32)>| match seen
            .get(&term)
        {
            Some(&i) => terms[i].2 += 1,
            None => {
                seen.insert(term, terms.len());
                terms.push((term, kind, 1));
            }
        };
        for id in entities {
            add(
                hash_str(&format!("e\u{1}{id}")),
                TermKind::Entity,
                &mut terms,
            );
        }
        for value in values {
            add(
                hash_str(&format!("v\u{1}{value}")),
                TermKind::Value,
                &mut terms,
            );
        }
        let mut word = String::new();
        for part in [title, text] {
            for w in part.split(|c: char| !c.is_alphanumeric()) {
                // Capitalised words are mostly names, which the entity view
                // holds: the word view keeps to what happened.
                if w.chars().count() < 3
                    || w.bytes().all(|b| b.is_ascii_digit())
                    || w.starts_with(char::is_uppercase)
                {
                    continue;
                }
                word.clear();
                word.extend(w.chars().flat_map(char::to_lowercase));
                if is_stop_word(&word) {
                    continue;
                }
                add(hash_str(&word), TermKind::Word, &mut terms);
            }
        }
        Self { terms }
    }
}

/// A document's weighted terms, sorted by term, with unit length.
///
/// Terms and weights are kept apart, each at its exact length: the story
/// window holds one of these per recent document (tens of thousands at a
/// million articles), and a `Vec<(u64, f32)>` pads each pair to 16 bytes and
/// kept the capacity of every word before the best were kept.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TermVector {
    terms: Box<[u64]>,
    weights: Box<[f32]>,
}

impl TermVector {
    fn unit(mut pairs: Vec<(u64, f32)>) -> Self {
        pairs.sort_unstable_by_key(|t| t.0);
        let norm = pairs.iter().map(|t| t.1 * t.1).sum::<f32>().sqrt();
        if norm > 0.0 {
            for t in &mut pairs {
                t.1 /= norm;
            }
        }
        Self {
            terms: pairs.iter().map(|t| t.0).collect(),
            weights: pairs.iter().map(|t| t.1).collect(),
        }
    }

    /// The terms, ascending.
    pub fn terms(&self) -> &[u64] {
        &self.terms
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Bytes held on the heap.
    pub fn heap_bytes(&self) -> usize {
        std::mem::size_of_val(&*self.terms) + std::mem::size_of_val(&*self.weights)
    }

    /// The weight of `term`, if the vector has it.
    pub fn weight(&self, term: u64) -> Option<f32> {
        let at = self.terms.binary_search(&term).ok()?;
        Some(self.weights[at])
    }

    /// Cosine similarity (both vectors have unit length).
    pub fn cosine(&self, other: &TermVector) -> f32 {
        let (a, b) = (&self.terms, &other.terms);
        let (mut i, mut j, mut sum) = (0, 0, 0.0f32);
        while i < a.len() && j < b.len() {
            match a[i].cmp(&b[j]) {
                std::cmp::Ordering::Equal => {
                    sum += self.weights[i] * other.weights[j];
                    i += 1;
                    j += 1;
                }
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
            }
        }
        sum
    }
}

/// A document's two views: who and when (entities, dates, amounts) and
/// what (content words). Kept apart because two events of one week often
/// share their people and places but rarely their vocabulary.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DocVector {
    pub names: TermVector,
    pub words: TermVector,
}

impl DocVector {
    /// Weighs `raw` by inverse document frequency in a window of `docs`
    /// documents (`df` gives each term's frequency there, this document
    /// included), keeping every entity and value and the best content words.
    pub fn weigh(raw: &RawTerms, docs: usize, df: impl Fn(u64) -> u32) -> DocVector {
        let n = docs.max(1) as f32;
        // Smoothed so that a word in every document weighs next to nothing
        // while the second report of an event still counts the words it
        // shares with the first.
        let idf = |term: u64| ((n + 1.0) / df(term).max(1) as f32).ln();
        let mut words: Vec<(u64, f32)> = Vec::new();
        let mut names: Vec<(u64, f32)> = Vec::new();
        for &(term, kind, count) in &raw.terms {
            match kind {
                TermKind::Entity => names.push((term, ENTITY_BOOST * idf(term))),
                TermKind::Value => names.push((term, VALUE_BOOST * idf(term))),
                TermKind::Word => words.push((term, (1.0 + (count as f32).ln()) * idf(term))),
            }
        }
        // Highest weight first; the term breaks ties, so the cut is the same
        // on every run.
        words.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        words.truncate(KEYWORDS_KEPT);
        DocVector {
            names: TermVector::unit(names),
            words: TermVector::unit(words),
        }
    }

    /// Bytes held on the heap.
    pub fn heap_bytes(&self) -> usize {
        self.names.heap_bytes() + self.words.heap_bytes()
    }

    /// How alike two documents are (see [`combine`]).
    pub fn similarity(&self, other: &DocVector, min_words: f32) -> f32 {
        let (names, words) = self.cosines(other);
        combine(names, words, min_words)
    }

    /// The cosines of the two views; names are None when either document
    /// has none.
    pub fn cosines(&self, other: &DocVector) -> (Option<f32>, f32) {
        let words = self.words.cosine(&other.words);
        let names = (!self.names.is_empty() && !other.names.is_empty())
            .then(|| self.names.cosine(&other.names));
        (names, words)
    }

    /// Every term of both views.
    pub fn terms(&self) -> impl Iterator<Item = u64> + '_ {
        self.names.terms().iter().chain(self.words.terms()).copied()
    }
}

/// How alike two documents are from their views' cosines: the geometric
/// mean, so that neither shared names without shared substance nor shared
/// vocabulary about other people makes one event of two; 0 when the words
/// are less alike than `min_words` (below it, word overlap is the noise of
/// any two news reports). Without names, the words alone.
pub fn combine(names: Option<f32>, words: f32, min_words: f32) -> f32 {
    if words < min_words {
        return 0.0;
    }
    match names {
        Some(names) => (names.max(0.0) * words).sqrt(),
        None => words,
    }
}

/// A fixed-seed hasher for maps whose iteration order must not change from
/// run to run.
pub type BuildFnv = std::hash::BuildHasherDefault<super::sketch::Fnv>;

/// Words too common in news to say what an article is about.
fn is_stop_word(w: &str) -> bool {
    const STOP: &[&str] = &[
        "about",
        "after",
        "again",
        "against",
        "all",
        "also",
        "and",
        "any",
        "are",
        "around",
        "because",
        "been",
        "before",
        "being",
        "between",
        "both",
        "but",
        "can",
        "could",
        "did",
        "does",
        "down",
        "during",
        "each",
        "either",
        "even",
        "ever",
        "every",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "her",
        "here",
        "hers",
        "him",
        "his",
        "how",
        "into",
        "its",
        "just",
        "last",
        "later",
        "least",
        "less",
        "like",
        "many",
        "may",
        "might",
        "more",
        "most",
        "much",
        "must",
        "new",
        "news",
        "next",
        "nor",
        "not",
        "now",
        "off",
        "once",
        "one",
        "only",
        "other",
        "our",
        "ours",
        "out",
        "over",
        "own",
        "said",
        "same",
        "say",
        "says",
        "see",
        "she",
        "should",
        "since",
        "some",
        "still",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "though",
        "through",
        "told",
        "too",
        "two",
        "under",
        "until",
        "upon",
        "very",
        "was",
        "way",
        "week",
        "well",
        "were",
        "what",
        "when",
        "where",
        "whether",
        "which",
        "while",
        "who",
        "whom",
        "whose",
        "why",
        "will",
        "with",
        "within",
        "without",
        "would",
        "year",
        "years",
        "yet",
        "you",
        "your",
        "yours",
        "per",
        "three",
        "four",
        "five",
        "according",
        "reported",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ];
    static SET: std::sync::LazyLock<std::collections::HashSet<&'static str>> =
        std::sync::LazyLock::new(|| STOP.iter().copied().collect());
    SET.contains(w)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_words_are_known() {
        for w in [
            "the",
            "and",
            "said",
            "monday",
            "according",
            "yours",
            "about",
        ] {
            assert!(is_stop_word(w), "{w}");
        }
        assert!(!is_stop_word("harbour"));
    }

    #[test]
    fn entities_and_values_outweigh_words_of_equal_rarity() {
        let raw = RawTerms::of(
            "The quay lease.",
            "",
            &["ent_1".to_string()],
            &["2025-03-04".to_string()],
        );
        let v = DocVector::weigh(&raw, 100, |_| 1);
        let weight = |kind| {
            raw.terms
                .iter()
                .find(|t| t.1 == kind)
                .and_then(|t| v.names.weight(t.0))
                .unwrap()
        };
        // Names are weighed among themselves; words among themselves.
        assert!(weight(TermKind::Entity) > weight(TermKind::Value));
        assert!(v.words.terms().len() == 2);
    }

    #[test]
    fn same_names_without_shared_words_are_not_alike() {
        let a = DocVector::weigh(
            &RawTerms::of("grain quay lease dispute", "", &["ent_1".into()], &[]),
            10,
            |_| 1,
        );
        let b = DocVector::weigh(
            &RawTerms::of("orchestra concert season", "", &["ent_1".into()], &[]),
            10,
            |_| 1,
        );
        assert_eq!(a.similarity(&b, 0.0), 0.0);
    }

    #[test]
    fn cosine_of_a_vector_with_itself_is_one_and_disjoint_is_zero() {
        let a = DocVector::weigh(
            &RawTerms::of("grain quay lease dispute", "", &[], &[]),
            10,
            |_| 1,
        );
        let b = DocVector::weigh(
            &RawTerms::of("orchestra concert season", "", &[], &[]),
            10,
            |_| 1,
        );
        assert!((a.similarity(&a, 0.0) - 1.0).abs() < 1e-5);
        assert_eq!(a.similarity(&b, 0.0), 0.0);
    }

    #[test]
    fn common_terms_weigh_less_than_rare_ones() {
        let raw = RawTerms::of("harbour minister", "", &[], &[]);
        let harbour = hash_str("harbour");
        let v = DocVector::weigh(&raw, 1000, |t| if t == harbour { 2 } else { 900 });
        let w = |t| v.words.weight(t).unwrap();
        assert!(w(harbour) > 3.0 * w(hash_str("minister")));
    }
}
