//! The entity names the index knows, per segment, kept in memory.
//!
//! Entity expansion asks for every bare query word whether it spells a known
//! alias, and for each entity it finds, its name, type and spellings.
//! Asking the term dictionaries meant three range scans per segment and
//! word; they were a quarter of a boolean query's time. Segments never
//! change, so each segment's `alias`, `entity_facet` and `entity_alias` terms
//! are read once (by the reader's warmer, or by the first query that needs
//! them) into memory: each field's terms in dictionary order in one buffer,
//! searched by bisection. (Hash maps of one string per name, id and
//! spelling held 150 MB at 100,000 articles, most of search's heap, and grew
//! with the index; issue 19.) Terms outlive deleted documents until a
//! merge, so the caller still checks that an alias is carried by a live
//! document.

use std::collections::BTreeSet;
use std::sync::Arc;

use tantivy::schema::Field;
use tantivy::{Searcher, SearcherGeneration, SegmentReader};

use crate::index::PerSegment;
use crate::packed::PackedStrings;
use crate::schema::{Fields, SEP};

/// The entity names of one segment.
#[derive(Default)]
struct SegmentNames {
    /// "normalized name SEP id" ("iouri chapovtchouk", "e12").
    aliases: SortedTerms,
    /// "id SEP TYPE SEP canonical name"; an id's greatest counts.
    facets: SortedTerms,
    /// "id SEP spelling".
    spellings: SortedTerms,
}

impl SegmentNames {
    /// The ids `name` names.
    fn ids(&self, name: &str) -> impl Iterator<Item = &str> {
        self.aliases.after_key(name)
    }

    /// Whether some name continues `prefix` with another word.
    fn continues(&self, prefix: &str) -> bool {
        let mut words = String::with_capacity(prefix.len() + 1);
        words.push_str(prefix);
        words.push(' ');
        self.aliases.prefixed(&words).next().is_some()
    }

    /// "TYPE SEP canonical name" of entity `id`.
    fn facet(&self, id: &str) -> Option<&str> {
        self.facets.after_key(id).last()
    }

    /// The distinct normalized names, in order.
    fn names(&self) -> impl Iterator<Item = &str> {
        let mut last: Option<&str> = None;
        self.aliases.iter().filter_map(move |term| {
            let name = term.split_once(SEP).map_or(term, |(name, _)| name);
            (last != Some(name)).then(|| {
                last = Some(name);
                name
            })
        })
    }
}

/// One field's UTF-8 terms of one segment, in dictionary order, in one
/// buffer: a few bytes of overhead a term instead of a heap string each.
#[derive(Default)]
struct SortedTerms {
    terms: PackedStrings,
    /// The first bytes of every [`FENCE_STEP`]th term after the prefix
    /// all terms share, as a number ([`prefix_key`]): a search bisects this
    /// small array first, then the few terms between two fences.
    /// Bisecting the whole buffer touched a new cache line and page at
    /// each step, and a query word met for the first time made tens of such
    /// searches per segment (a tenth of a boolean query right after a
    /// start, issue 19).
    fences: Vec<u64>,
    /// Bytes every term starts with (entity ids share `ent_0000`).
    common: usize,
}

/// Terms between two fences of [`SortedTerms`].
const FENCE_STEP: usize = 16;

/// The first eight bytes of `bytes`, zero-padded, big-endian: ordered as
/// byte strings are, ties aside, so a fence below a key's number is below
/// the key and one above it is above.
fn prefix_key(bytes: &[u8]) -> u64 {
    let mut first = [0u8; 8];
    let n = bytes.len().min(8);
    first[..n].copy_from_slice(&bytes[..n]);
    u64::from_be_bytes(first)
}

impl SortedTerms {
    fn read(segment: &SegmentReader, field: Field) -> tantivy::Result<Self> {
        let mut terms = PackedStrings::default();
        let mut too_long = false;
        for_each_term(segment, field, |term| {
            too_long |= terms.push(term).is_err();
        })?;
        if too_long {
            return Err(tantivy::TantivyError::InternalError(format!(
                "the entity names of segment {} exceed 4 GiB",
                segment.segment_id().short_uuid_string()
            )));
        }
        terms.shrink_to_fit();
        Ok(SortedTerms::new(terms))
    }

    /// `terms`, which must be in order, with their fences.
    fn new(terms: PackedStrings) -> Self {
        // Sorted: what the first and last terms share, all share.
        let first = terms.get(0).unwrap_or_default().as_bytes();
        let last = terms
            .get(terms.len().max(1) - 1)
            .unwrap_or_default()
            .as_bytes();
        let common = first.iter().zip(last).take_while(|(a, b)| a == b).count();
        let fences = (0..terms.len())
            .step_by(FENCE_STEP)
            .map(|i| prefix_key(&terms.get(i).unwrap_or_default().as_bytes()[common..]))
            .collect();
        SortedTerms {
            terms,
            fences,
            common,
        }
    }

    /// The position of the first term not below `key`.
    fn lower_bound(&self, key: &str) -> usize {
        let first = self.get(0).as_bytes();
        let Some(rest) = key
            .as_bytes()
            .strip_prefix(&first[..self.common.min(first.len())])
        else {
            // Not sharing the terms' prefix: below or above all of them.
            return partition_point(self.len(), |i| self.get(i) < key);
        };
        let k = prefix_key(rest);
        // Fences under the key's prefix are under the key: the answer is
        // past the last of them. A fence over it is over the key.
        let under = self.fences.partition_point(|&f| f < k);
        let not_over = under + self.fences[under..].partition_point(|&f| f <= k);
        let lo = under.saturating_sub(1) * FENCE_STEP;
        let hi = (not_over * FENCE_STEP).min(self.len());
        lo + partition_point(hi - lo, |i| self.get(lo + i) < key)
    }

    fn len(&self) -> usize {
        self.terms.len()
    }

    fn get(&self, i: usize) -> &str {
        self.terms.get(i).unwrap_or_default()
    }

    fn iter(&self) -> impl Iterator<Item = &str> {
        self.terms.iter()
    }

    /// The terms that start with `prefix`, in order.
    fn prefixed<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = &'a str> {
        let first = self.lower_bound(prefix);
        (first..self.len())
            .map(|i| self.get(i))
            .take_while(move |term| term.starts_with(prefix))
    }

    /// For terms "key SEP rest": the rests of `key`, in order.
    fn after_key<'a>(&'a self, key: &str) -> impl Iterator<Item = &'a str> {
        let mut prefix = String::with_capacity(key.len() + SEP.len_utf8());
        prefix.push_str(key);
        prefix.push(SEP);
        let first = self.lower_bound(&prefix);
        (first..self.len())
            .map(|i| self.get(i))
            .map_while(move |term| term.strip_prefix(prefix.as_str()))
    }
}

/// The first index in `0..len` for which `before` is false (it must be
/// true, then false, along the range).
fn partition_point(len: usize, before: impl Fn(usize) -> bool) -> usize {
    let (mut lo, mut hi) = (0, len);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if before(mid) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

/// What the index says of one entity.
#[derive(Debug, Default)]
pub struct EntityNames {
    /// "TYPE SEP canonical name" (the greatest over segments), if known.
    pub facet: Option<String>,
    /// Every spelling, sorted.
    pub variants: BTreeSet<String>,
}

/// Entity names per segment, shared by the reader's warmer and the queries.
pub struct AliasNames {
    alias: Field,
    entity_facet: Field,
    entity_alias: Field,
    segments: PerSegment<Arc<SegmentNames>>,
}

impl AliasNames {
    /// Tables of the `alias` ("normalized name SEP id"), `entity_facet`
    /// ("id SEP TYPE SEP name") and `entity_alias` ("id SEP spelling") terms.
    pub fn new(fields: &Fields) -> Self {
        Self {
            alias: fields.alias,
            entity_facet: fields.entity_facet,
            entity_alias: fields.entity_alias,
            segments: PerSegment::default(),
        }
    }

    /// The ids of the entities some segment of `searcher` has an alias
    /// spelled `name` for, sorted.
    pub fn ids_named(&self, searcher: &Searcher, name: &str) -> tantivy::Result<BTreeSet<String>> {
        let mut out = BTreeSet::new();
        for segment in searcher.segment_readers() {
            out.extend(self.segment(segment)?.ids(name).map(str::to_string));
        }
        Ok(out)
    }

    /// The name, type and first `max_variants` spellings of entity `id`
    /// over the segments. Strings are copied only for what is returned: a
    /// well-known entity has its spellings in every segment.
    pub fn entity(
        &self,
        searcher: &Searcher,
        id: &str,
        max_variants: usize,
    ) -> tantivy::Result<EntityNames> {
        let segments = searcher
            .segment_readers()
            .iter()
            .map(|segment| self.segment(segment))
            .collect::<tantivy::Result<Vec<_>>>()?;
        let mut facet: Option<&str> = None;
        let mut variants: BTreeSet<&str> = BTreeSet::new();
        for names in &segments {
            // An article naming the entity indexes its facet and its
            // spellings together: a segment without the one lacks the other.
            let Some(f) = names.facet(id) else {
                continue;
            };
            if facet < Some(f) {
                facet = Some(f);
            }
            variants.extend(names.spellings.after_key(id));
        }
        Ok(EntityNames {
            facet: facet.map(str::to_string),
            variants: variants
                .into_iter()
                .take(max_variants)
                .map(str::to_string)
                .collect(),
        })
    }

    /// Calls `each` with every normalized name some segment of `searcher`
    /// knows (a name known to several segments comes once per segment).
    pub fn each_name(
        &self,
        searcher: &Searcher,
        mut each: impl FnMut(&str),
    ) -> tantivy::Result<()> {
        for segment in searcher.segment_readers() {
            for name in self.segment(segment)?.names() {
                each(name);
            }
        }
        Ok(())
    }

    /// Whether some segment of `searcher` has an alias that continues the
    /// words `prefix` with at least one more word.
    pub fn may_continue(&self, searcher: &Searcher, prefix: &str) -> tantivy::Result<bool> {
        self.any_segment(searcher, |names| names.continues(prefix))
    }

    fn any_segment(
        &self,
        searcher: &Searcher,
        test: impl Fn(&SegmentNames) -> bool,
    ) -> tantivy::Result<bool> {
        for segment in searcher.segment_readers() {
            if test(&*self.segment(segment)?) {
                return Ok(true);
            }
        }
        Ok(false)
    }

    fn segment(&self, segment: &SegmentReader) -> tantivy::Result<Arc<SegmentNames>> {
        self.segments
            .get_or_read(segment, |segment| Ok(Arc::new(self.read_names(segment)?)))
    }

    fn read_names(&self, segment: &SegmentReader) -> tantivy::Result<SegmentNames> {
        Ok(SegmentNames {
            aliases: SortedTerms::read(segment, self.alias)?,
            facets: SortedTerms::read(segment, self.entity_facet)?,
            spellings: SortedTerms::read(segment, self.entity_alias)?,
        })
    }

    /// Reads the names of every segment of `searcher` not read yet.
    pub fn warm_all(&self, searcher: &Searcher) -> tantivy::Result<()> {
        for segment in searcher.segment_readers() {
            self.segment(segment)?;
        }
        Ok(())
    }

    /// Forgets segments no searcher uses any more.
    pub(crate) fn collect_garbage(&self, live: &[&SearcherGeneration]) {
        self.segments.collect_garbage(live);
    }
}

/// Calls `each` with every UTF-8 term of `field` in `segment`, in order.
fn for_each_term(
    segment: &SegmentReader,
    field: Field,
    mut each: impl FnMut(&str),
) -> tantivy::Result<()> {
    let inverted = segment.inverted_index(field)?;
    let mut stream = inverted.terms().stream()?;
    while stream.advance() {
        if let Ok(term) = std::str::from_utf8(stream.key()) {
            each(term);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(terms: &[&str]) -> SortedTerms {
        let mut sorted: Vec<&str> = terms.to_vec();
        sorted.sort_unstable();
        let mut terms = PackedStrings::default();
        for term in sorted {
            terms.push(term).unwrap();
        }
        SortedTerms::new(terms)
    }

    #[test]
    fn fenced_bisection_finds_what_a_plain_one_finds() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand::rngs::StdRng::seed_from_u64(19);
        // Short and long terms over a small alphabet (many shared
        // prefixes, ties in the fences' first eight bytes), with SEP.
        let alphabet = ['a', 'b', ' ', SEP, 'é'];
        // Some or all words share a long prefix, as entity ids do.
        let word = |rng: &mut rand::rngs::StdRng, shared: f64| -> String {
            let len = rng.random_range(0..14);
            let mut word: String = if rng.random_bool(shared) {
                "ent_0000".into()
            } else {
                String::new()
            };
            word.extend((0..len).map(|_| alphabet[rng.random_range(0..alphabet.len())]));
            word
        };
        let tables = [0, 1, 15, 16, 17, 33, 500]
            .into_iter()
            .flat_map(|size| [(size, 0.0), (size, 0.5), (size, 1.0)]);
        for (size, shared) in tables {
            let mut words: Vec<String> = (0..size).map(|_| word(&mut rng, shared)).collect();
            words.sort_unstable();
            words.dedup();
            let refs: Vec<&str> = words.iter().map(String::as_str).collect();
            let terms = sorted(&refs);
            for _ in 0..400 {
                let key = word(&mut rng, 0.9);
                let plain = partition_point(terms.len(), |i| terms.get(i) < key.as_str());
                assert_eq!(terms.lower_bound(&key), plain, "{key:?} among {size}");
            }
            for (i, w) in words.iter().enumerate() {
                assert_eq!(terms.lower_bound(w), i);
            }
        }
    }

    fn names() -> SegmentNames {
        let s = SEP;
        SegmentNames {
            aliases: sorted(&[
                &format!("iouri{s}e1"),
                &format!("iouri chapovtchouk{s}e1"),
                &format!("iouri chapovtchouk{s}e7"),
                &format!("iouri c{s}e9"),
                &format!("ivan{s}e2"),
            ]),
            facets: sorted(&[
                &format!("e1{s}PERSON{s}Iouri Chapovtchouk"),
                &format!("e1{s}PERSON{s}Yuri Shapovchuk"),
                &format!("e10{s}ORG{s}Board"),
            ]),
            spellings: sorted(&[
                &format!("e1{s}Chapovtchouk"),
                &format!("e1{s}Shapovchuk"),
                &format!("e10{s}Board"),
            ]),
        }
    }

    #[test]
    fn names_are_found_by_bisection_with_nothing_from_their_neighbours() {
        let n = names();
        assert_eq!(
            n.ids("iouri chapovtchouk").collect::<Vec<_>>(),
            ["e1", "e7"]
        );
        assert_eq!(n.ids("iouri").collect::<Vec<_>>(), ["e1"]);
        assert_eq!(n.ids("iouri c").collect::<Vec<_>>(), ["e9"]);
        assert_eq!(n.ids("iour").count(), 0);
        assert_eq!(n.ids("zed").count(), 0);
        assert!(n.continues("iouri"));
        assert!(!n.continues("iouri chapovtchouk"));
        assert!(!n.continues("ivan"));
        // The greatest facet of an id, and not those of "e10".
        assert_eq!(n.facet("e1"), Some(&*format!("PERSON{SEP}Yuri Shapovchuk")));
        assert_eq!(n.facet("e2"), None);
        assert_eq!(
            n.spellings.after_key("e1").collect::<Vec<_>>(),
            ["Chapovtchouk", "Shapovchuk"]
        );
        assert_eq!(
            n.names().collect::<Vec<_>>(),
            ["iouri", "iouri c", "iouri chapovtchouk", "ivan"]
        );
        assert_eq!(SegmentNames::default().ids("iouri").count(), 0);
    }
}
