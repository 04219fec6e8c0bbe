//! Answers remembered for one version of the index.
//!
//! Some answers a query needs are the same for every query of one searcher
//! generation (the segments and their deletes): which entities a word
//! names, how many documents carry a term. Query words repeat from one
//! query to the next, and each answer walks every segment's dictionaries,
//! so they are remembered until the version changes. A query on an older
//! version (a query that took its searcher before a reload another query
//! has already seen) computes its answers without them.

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::Hash;

use parking_lot::Mutex;

/// What the answers were computed from, newer versions greater: the
/// searcher generation first, then whatever else they read.
pub type Version = (u64, u64);

/// Answers by key for the newest version seen, at most `capacity` of them
/// (all are dropped when full: the next queries fill it again).
pub struct Memo<K, V> {
    capacity: usize,
    state: Mutex<State<K, V>>,
}

struct State<K, V> {
    version: Version,
    answers: HashMap<K, V>,
}

impl<K: Hash + Eq, V: Clone> Memo<K, V> {
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity,
            state: Mutex::new(State {
                version: (0, 0),
                answers: HashMap::new(),
            }),
        }
    }

    /// The answer for `key` remembered at exactly `version`.
    pub fn get<Q>(&self, version: Version, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let state = self.state.lock();
        (state.version == version).then(|| state.answers.get(key).cloned())?
    }

    /// Remembers `value` for `key` at `version`, forgetting the answers of
    /// an older version; an answer of an older version is not kept.
    pub fn put(&self, version: Version, key: K, value: V) {
        let mut state = self.state.lock();
        if version < state.version {
            return;
        }
        if version != state.version || state.answers.len() >= self.capacity {
            state.version = version;
            state.answers.clear();
        }
        state.answers.insert(key, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_last_for_their_version_only() {
        let memo: Memo<String, u64> = Memo::new(2);
        memo.put((1, 0), "a".into(), 10);
        assert_eq!(memo.get((1, 0), "a"), Some(10));
        assert_eq!(memo.get((1, 1), "a"), None);
        assert_eq!(memo.get((2, 0), "a"), None);
        // A newer version starts afresh; an older one is not kept.
        memo.put((2, 0), "b".into(), 20);
        assert_eq!(memo.get((1, 0), "a"), None);
        memo.put((1, 0), "a".into(), 10);
        assert_eq!(memo.get((1, 0), "a"), None);
        assert_eq!(memo.get((2, 0), "b"), Some(20));
        // Full: cleared before the next answer goes in.
        memo.put((2, 0), "c".into(), 30);
        memo.put((2, 0), "d".into(), 40);
        assert_eq!(memo.get((2, 0), "b"), None);
        assert_eq!(memo.get((2, 0), "d"), Some(40));
    }
}
