//! Word properties and word scores kept across documents, per thread.
//!
//! A word's [`WordInfo`] and the summed weights of its word features depend
//! only on the word and the model. Within one document the tagger computes
//! them once per distinct word; news articles share most of their words
//! with the articles before them ("the", "said", "minister", "Ukraine"), so
//! a thread that tags many documents keeps them here and computes only the
//! words it has not met. On the modern-news set about half the tokens of a
//! document are the first use of a word in it (48–58%), which is why the
//! tagger was slower there than on synthetic text with a small vocabulary.
//!
//! Results are the same with or without the cache: an entry is the value a
//! fresh computation gives, found by the word's exact text (a hash finds the
//! candidate, the texts are compared), and it belongs to one loaded model
//! (a cache filled for another model is emptied first). The cache is
//! bounded: when full it is emptied and refilled from the next documents.

use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};

use super::hash::hash_str;
use super::labels::N_TAGS;
use super::map::U64Map;
use super::word::WordInfo;

/// Words kept per thread: about 190 bytes each, so a few megabytes; enough
/// for the everyday vocabulary of news, which is where repeats come from.
const CAPACITY: usize = 1 << 14;

/// A fresh identity for a loaded model (see [`with`]).
pub(crate) fn new_owner() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// What the tagger computes once per word.
#[derive(Debug, Clone, Copy)]
pub(crate) struct WordEntry {
    pub info: WordInfo,
    pub scores: [f32; N_TAGS],
}

/// One thread's words of one model.
pub(crate) struct WordCache {
    owner: u64,
    /// Word hash -> index in `entries` plus one.
    index: U64Map<u32>,
    entries: Vec<(Box<str>, WordEntry)>,
}

impl WordCache {
    fn new(owner: u64) -> WordCache {
        WordCache {
            owner,
            index: U64Map::with_capacity(CAPACITY),
            entries: Vec::with_capacity(CAPACITY),
        }
    }

    /// The entry of `word` (whose [`hash_str`] is `hash`), if kept.
    pub(crate) fn get(&self, word: &str, hash: u64) -> Option<&WordEntry> {
        let at = self.index.get(hash)?;
        let (text, entry) = self.entries.get(at.checked_sub(1)? as usize)?;
        (**text == *word).then_some(entry)
    }

    /// Keeps `entry` as the value of `word` (whose [`hash_str`] is `hash`;
    /// a word whose hash another word holds is not kept; a full cache is
    /// emptied first).
    pub(crate) fn insert(&mut self, word: &str, hash: u64, entry: WordEntry) {
        if self.entries.len() >= CAPACITY {
            *self = WordCache::new(self.owner);
        }
        debug_assert_eq!(hash, hash_str(word));
        let slot = self.index.entry(hash);
        if *slot == 0 {
            self.entries.push((word.into(), entry));
            *slot = self.entries.len() as u32;
        }
    }
}

thread_local! {
    static CACHE: RefCell<Option<WordCache>> = const { RefCell::new(None) };
}

/// Runs `f` with this thread's cache for the model `owner` (emptied if it
/// held another model's words). `None`, with `f` not run, if the cache is
/// in use further up this thread's stack (callers never hold it across
/// other work, so this is a guard, not a path taken).
pub(crate) fn with<R>(owner: u64, f: impl FnOnce(&mut WordCache) -> R) -> Option<R> {
    CACHE.with(|cell| {
        let mut slot = cell.try_borrow_mut().ok()?;
        let cache = match slot.as_mut() {
            Some(c) if c.owner == owner => c,
            _ => slot.insert(WordCache::new(owner)),
        };
        Some(f(cache))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tagger::lexicon::Lexicon;

    fn entry(word: &str, x: f32) -> WordEntry {
        WordEntry {
            info: WordInfo::new(word, &Lexicon::default()),
            scores: [x; N_TAGS],
        }
    }

    #[test]
    fn keeps_words_by_text_and_model() {
        let owner = new_owner();
        with(owner, |c| {
            assert!(c.get("Paris", hash_str("Paris")).is_none());
            c.insert("Paris", hash_str("Paris"), entry("Paris", 1.0));
            assert_eq!(
                c.get("Paris", hash_str("Paris")).map(|e| e.scores[0]),
                Some(1.0)
            );
            assert!(c.get("paris", hash_str("paris")).is_none());
        });
        with(owner, |c| {
            assert!(c.get("Paris", hash_str("Paris")).is_some())
        });
        // Another model's words are not kept.
        with(new_owner(), |c| {
            assert!(c.get("Paris", hash_str("Paris")).is_none())
        });
    }

    #[test]
    fn a_cache_in_use_is_not_lent_twice() {
        let owner = new_owner();
        let inner = with(owner, |_| with(owner, |_| ()));
        assert_eq!(inner, Some(None));
    }

    #[test]
    fn a_full_cache_starts_again() {
        with(new_owner(), |c| {
            for k in 0..CAPACITY + 10 {
                let w = format!("w{k}");
                c.insert(&w, hash_str(&w), entry(&w, k as f32));
            }
            assert!(c.entries.len() <= CAPACITY);
            let last = format!("w{}", CAPACITY + 9);
            assert!(c.get(&last, hash_str(&last)).is_some());
            assert!(c.get("w0", hash_str("w0")).is_none());
        });
    }
}
