//! "Did you mean": when a query finds nothing or very little, the closest
//! spellings of its words among the index's words and the entity names it
//! knows, each with the hits the query would have with it.
//!
//! Names from other scripts reach English through several romanisations
//! (Chapovtchouk, Shapovchuk; Lukashenco, Lukashenko; Zelenski, Zelenskiy),
//! so besides the edit distance of the words, candidates are compared by a
//! transliteration key ([`name_key`]) that folds the usual variants
//! together.

use std::collections::HashMap;
use std::sync::LazyLock;

use levenshtein_automata::{DFA, Distance, LevenshteinAutomatonBuilder, SINK_STATE};
use tantivy::Searcher;
use tantivy::collector::Count;
use tantivy_fst::Automaton;

use super::{Filter, Suggestion, Syntax, filter_query, parse_as};
use crate::error::Result;
use crate::index::SearchIndex;
use crate::schema::normalize_name;

/// Fewer hits than this and suggestions are looked for.
pub const SUGGEST_BELOW: u64 = 3;
/// Words of a query looked at (the first ones).
const MAX_WORDS: usize = 4;
/// Candidates per word whose hits are counted.
const MAX_CANDIDATES: usize = 3;
/// Suggestions returned.
const MAX_SUGGESTIONS: usize = 5;
/// Builders of the automata for edit distances 1 and 2, the two
/// [`edit_limit`] gives (building one computes tables; tantivy's fuzzy
/// query keeps them too).
static AUTOMATA: LazyLock<[LevenshteinAutomatonBuilder; 2]> =
    LazyLock::new(|| [1, 2].map(|d| LevenshteinAutomatonBuilder::new(d, false)));
/// Words shorter than this have too many neighbours to suggest from.
const MIN_WORD_CHARS: usize = 4;

/// A spelling close to a query word.
#[derive(Debug, Clone, PartialEq)]
struct Candidate {
    spelling: String,
    /// 0 when the transliteration keys agree, else the edit distance.
    distance: usize,
    /// Documents with the word (or the entity's name) — a tie breaker.
    weight: u64,
}

/// Suggestions for `query` (the query as run, in the strict syntax), which
/// found `hits` documents under `filter`.
pub fn suggest(
    index: &SearchIndex,
    searcher: &Searcher,
    query: &str,
    hits: u64,
    filter: &Filter,
    expand: bool,
) -> Result<Vec<Suggestion>> {
    let words: Vec<&str> = query
        .split_whitespace()
        .filter(|w| w.chars().all(char::is_alphanumeric))
        .filter(|w| w.chars().count() >= MIN_WORD_CHARS)
        .take(MAX_WORDS)
        .collect();
    let mut out = Vec::new();
    for word in words {
        for candidate in candidates(index, searcher, word)? {
            let suggested = replace_word(query, word, &candidate.spelling);
            let Ok(parsed) = parse_as(index, searcher, &suggested, expand, Syntax::Strict) else {
                continue;
            };
            let full = filter_query(index.fields(), parsed.query, filter);
            let found = searcher.search(&*full, &Count)? as u64;
            if found > hits {
                let entity_id = parsed
                    .expansions
                    .first()
                    .map(|e| e.entity_id.clone())
                    .unwrap_or_default();
                out.push(Suggestion {
                    term: word.to_string(),
                    replacement: candidate.spelling,
                    query: suggested,
                    hits: found,
                    entity_id,
                });
            }
        }
    }
    out.sort_by(|a, b| b.hits.cmp(&a.hits).then_with(|| a.query.cmp(&b.query)));
    out.dedup_by(|a, b| a.query == b.query);
    out.truncate(MAX_SUGGESTIONS);
    Ok(out)
}

/// `query` with the bare word `word` replaced by `by`.
fn replace_word(query: &str, word: &str, by: &str) -> String {
    query
        .split(' ')
        .map(|w| if w == word { by } else { w })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The closest spellings to `word` among entity names (each word of them,
/// by transliteration key or edit distance) and the words of the default
/// fields (by edit distance), best first.
fn candidates(index: &SearchIndex, searcher: &Searcher, word: &str) -> Result<Vec<Candidate>> {
    let norm = normalize_name(word);
    let key = name_key(&norm);
    let mut found: HashMap<String, Candidate> = HashMap::new();
    let mut consider = |spelling: &str, weight: u64| {
        if spelling == norm || spelling.chars().count() < MIN_WORD_CHARS {
            return;
        }
        let Some(distance) = closeness(&norm, &key, spelling) else {
            return;
        };
        let entry = found.entry(spelling.to_string()).or_insert(Candidate {
            spelling: spelling.to_string(),
            distance,
            weight: 0,
        });
        entry.weight += weight;
    };
    // A name comes once per segment that knows it: each word is keyed once.
    let mut name_words: HashMap<String, u64> = HashMap::new();
    index.alias_names().each_name(searcher, |name| {
        for part in name.split(' ') {
            match name_words.get_mut(part) {
                Some(count) => *count += 1,
                None => {
                    name_words.insert(part.to_string(), 1);
                }
            }
        }
    })?;
    for (part, count) in &name_words {
        consider(part, *count);
    }
    // The dictionaries are walked with a Levenshtein automaton, which visits
    // only the terms within the edit distance. Reading and keying every term
    // of every segment, and every name once per segment, made a one-word
    // typo take 0.6–0.8 s at a million articles; 71–110 ms now (issue 19).
    let dfa = AUTOMATA[edit_limit(&norm) - 1].build_dfa(&norm);
    for field in index.fields().default_fields() {
        for segment in searcher.segment_readers() {
            let inverted = segment.inverted_index(field)?;
            let mut stream = inverted
                .terms()
                .search(WithinDistance(&dfa))
                .into_stream()
                .map_err(tantivy::TantivyError::from)?;
            while stream.advance() {
                if let Ok(term) = std::str::from_utf8(stream.key()) {
                    consider(term, u64::from(stream.value().doc_freq));
                }
            }
        }
    }
    let mut out: Vec<Candidate> = found.into_values().collect();
    out.sort_by(|a, b| {
        (a.distance, std::cmp::Reverse(a.weight), &a.spelling).cmp(&(
            b.distance,
            std::cmp::Reverse(b.weight),
            &b.spelling,
        ))
    });
    out.truncate(MAX_CANDIDATES);
    Ok(out)
}

/// 0 when `spelling` has the transliteration key `key` of `word`, else its
/// edit distance to `word` when small enough to be a misspelling (1 for
/// words under 6 characters, 2 beyond).
fn closeness(word: &str, key: &str, spelling: &str) -> Option<usize> {
    let len = word.chars().count();
    let limit = edit_limit(word);
    if spelling.chars().count().abs_diff(len) > limit + 2 {
        return None;
    }
    if name_key(spelling) == key {
        return Some(0);
    }
    let d = levenshtein(word, spelling, limit)?;
    (d <= limit).then_some(d)
}

/// The edit distance a misspelling of `word` may have: 1 under 6
/// characters, 2 beyond.
fn edit_limit(word: &str) -> usize {
    if word.chars().count() < 6 { 1 } else { 2 }
}

/// A term dictionary walk that keeps the terms `DFA` accepts.
struct WithinDistance<'a>(&'a DFA);

impl Automaton for WithinDistance<'_> {
    type State = u32;

    fn start(&self) -> u32 {
        self.0.initial_state()
    }

    fn is_match(&self, state: &u32) -> bool {
        matches!(self.0.distance(*state), Distance::Exact(_))
    }

    fn can_match(&self, state: &u32) -> bool {
        *state != SINK_STATE
    }

    fn accept(&self, state: &u32, byte: u8) -> u32 {
        self.0.transition(*state, byte)
    }
}

/// A key that romanisations of one name share: `ch`/`sh`/`tch`/`shch` →
/// `x`, `c`/`q`/`ck` → `k`, `y`/`j` → `i`, `w` → `v`, `kh` → `h`, `ph` →
/// `f`, `ou` → `u`, doubled letters once. Lukashenco and Lukashenko,
/// Zelenski and Zelenskiy, Chapovtchouk and Shapovchuk meet.
pub fn name_key(word: &str) -> String {
    // One pass without allocating per rule: it runs on every dictionary
    // word of a similar length when a query finds nothing.
    const RULES: [(&str, char); 9] = [
        ("shch", 'x'),
        ("tch", 'x'),
        ("sch", 'x'),
        ("ch", 'x'),
        ("sh", 'x'),
        ("kh", 'h'),
        ("ph", 'f'),
        ("ck", 'k'),
        ("ou", 'u'),
    ];
    let lower = word.to_lowercase();
    let mut out = String::with_capacity(lower.len());
    let mut rest = lower.as_str();
    while let Some(c) = rest.chars().next() {
        let (c, used) = RULES
            .iter()
            .find(|(from, _)| rest.starts_with(from))
            .map_or((c, c.len_utf8()), |(from, to)| (*to, from.len()));
        rest = &rest[used..];
        let c = match c {
            'c' | 'q' => 'k',
            'y' | 'j' => 'i',
            'w' => 'v',
            c => c,
        };
        if !out.ends_with(c) {
            out.push(c);
        }
    }
    out
}

/// Edit distance of `a` and `b`, or `None` once it must exceed `limit`.
fn levenshtein(a: &str, b: &str, limit: usize) -> Option<usize> {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        if current.iter().min().is_some_and(|m| *m > limit) {
            return None;
        }
        previous = current;
    }
    previous.last().copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn romanisations_share_a_key() {
        for (a, b) in [
            ("lukashenco", "lukashenko"),
            ("zelenski", "zelenskiy"),
            ("chapovtchouk", "shapovchuk"),
            ("shapovchuck", "shapovchuk"),
            ("qaddafi", "kaddafi"),
        ] {
            assert_eq!(name_key(a), name_key(b), "{a} {b}");
        }
    }

    #[test]
    fn edit_distance_stops_early() {
        assert_eq!(levenshtein("kolobev", "kolobyov", 2), Some(2));
        assert_eq!(levenshtein("harbour", "harbor", 2), Some(1));
        assert_eq!(levenshtein("abcdef", "uvwxyz", 2), None);
        assert_eq!(closeness("gdinya", &name_key("gdinya"), "gdynia"), Some(0));
        assert_eq!(
            closeness("harbour", &name_key("harbour"), "harbor"),
            Some(1)
        );
        assert_eq!(closeness("riga", &name_key("riga"), "rigs"), Some(1));
        assert_eq!(closeness("riga", &name_key("riga"), "ring"), None);
    }

    #[test]
    fn dictionary_words_within_the_edit_distance_are_found_in_every_segment() {
        use crate::index::{Checkpoint, IndexOp};
        use crate::model::IndexDoc;

        let index = SearchIndex::in_memory().unwrap();
        // One document per commit: a segment each, so every segment's
        // dictionary is walked.
        let bodies = [
            "Dockworkers struck in the harbor",
            "The harbour master resigned",
            "A hardboard factory closed",
            "Stevedores walked out in Gdynia",
            "Gdynia stevedores went back",
        ];
        for (i, body) in bodies.iter().enumerate() {
            let doc = IndexDoc {
                id: format!("doc{i}"),
                sequence: i as u64 + 1,
                body: body.to_string(),
                ..Default::default()
            };
            index.apply(vec![IndexOp::Upsert(Box::new(doc))]).unwrap();
            let checkpoint = Checkpoint {
                sequence: i as u64 + 1,
                entity_sequence: 0,
            };
            index.commit(checkpoint).unwrap();
        }
        let searcher = index.searcher();
        assert!(searcher.segment_readers().len() > 1);
        let spellings = |word: &str| -> Vec<(String, usize, u64)> {
            candidates(&index, &searcher, word)
                .unwrap()
                .into_iter()
                .map(|c| (c.spelling, c.distance, c.weight))
                .collect()
        };
        // Seven letters: distance 2 allowed ("hardboard" is 3 away).
        assert_eq!(
            spellings("harbpur"),
            [("harbour".into(), 1, 1), ("harbor".into(), 2, 1)]
        );
        // Two segments' counts add up; the transliteration key agrees too.
        assert_eq!(spellings("gdinya"), [("gdynia".into(), 0, 2)]);
        // Five letters: one edit at most.
        assert_eq!(spellings("harbr"), [("harbor".into(), 1, 1)]);
        assert!(spellings("zzyzx").is_empty());
    }

    #[test]
    fn words_are_replaced_whole() {
        assert_eq!(
            replace_word("Lukashenco visit", "Lukashenco", "lukashenko"),
            "lukashenko visit"
        );
        assert_eq!(replace_word("a ab", "a", "x"), "x ab");
    }
}
