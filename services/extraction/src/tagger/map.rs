//! An open-addressing hash map from pre-hashed `u64` keys to small values.
//!
//! Keys are already well-mixed feature hashes, so the map only masks them to a
//! slot: no hashing, no per-entry allocation, and two flat arrays that are
//! written to and read from the model file as they are.

/// Map from non-zero `u64` keys (0 is mapped to 1) to `V`.
#[derive(Debug, Clone, PartialEq)]
pub struct U64Map<V: Copy + Default> {
    keys: Vec<u64>,
    vals: Vec<V>,
    len: usize,
}

impl<V: Copy + Default> Default for U64Map<V> {
    fn default() -> Self {
        Self::with_capacity(16)
    }
}

#[inline]
fn norm(key: u64) -> u64 {
    if key == 0 { 1 } else { key }
}

impl<V: Copy + Default> U64Map<V> {
    /// A map that holds `n` entries without growing.
    pub fn with_capacity(n: usize) -> Self {
        let cap = (n * 10 / 7 + 16).next_power_of_two();
        U64Map {
            keys: vec![0; cap],
            vals: vec![V::default(); cap],
            len: 0,
        }
    }

    /// Rebuilds a map from its raw arrays (as stored in a model file).
    pub fn from_raw(keys: Vec<u64>, vals: Vec<V>) -> Option<Self> {
        if keys.len() != vals.len() || !keys.len().is_power_of_two() {
            return None;
        }
        let len = keys.iter().filter(|&&k| k != 0).count();
        (len < keys.len()).then_some(U64Map { keys, vals, len })
    }

    /// The raw arrays, for writing.
    pub fn raw(&self) -> (&[u64], &[V]) {
        (&self.keys, &self.vals)
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    #[inline]
    fn slot(&self, key: u64) -> (usize, bool) {
        let mask = self.keys.len() - 1;
        let mut i = (key as usize) & mask;
        loop {
            let k = self.keys[i];
            if k == key {
                return (i, true);
            }
            if k == 0 {
                return (i, false);
            }
            i = (i + 1) & mask;
        }
    }

    #[inline]
    pub fn get(&self, key: u64) -> Option<V> {
        let (i, found) = self.slot(norm(key));
        found.then(|| self.vals[i])
    }

    /// Mutable access to the value of `key`, inserting `V::default()` first.
    pub fn entry(&mut self, key: u64) -> &mut V {
        let key = norm(key);
        if (self.len + 1) * 10 > self.keys.len() * 7 {
            self.grow();
        }
        let (i, found) = self.slot(key);
        if !found {
            self.keys[i] = key;
            self.len += 1;
        }
        &mut self.vals[i]
    }

    pub fn insert(&mut self, key: u64, v: V) {
        *self.entry(key) = v;
    }

    fn grow(&mut self) {
        let mut bigger = U64Map::with_capacity(self.keys.len());
        for (k, v) in self.iter() {
            bigger.insert(k, v);
        }
        *self = bigger;
    }

    /// Entries in slot order (deterministic for a given insertion history).
    pub fn iter(&self) -> impl Iterator<Item = (u64, V)> + '_ {
        self.keys
            .iter()
            .zip(&self.vals)
            .filter(|(k, _)| **k != 0)
            .map(|(k, v)| (*k, *v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insert_get_grow() {
        let mut m: U64Map<u32> = U64Map::with_capacity(1);
        for k in 0..1000u64 {
            m.insert(k.wrapping_mul(0x9E37_79B9_7F4A_7C15), k as u32);
        }
        assert_eq!(m.len(), 1000);
        for k in 0..1000u64 {
            assert_eq!(m.get(k.wrapping_mul(0x9E37_79B9_7F4A_7C15)), Some(k as u32));
        }
        assert_eq!(m.get(12345), None);
        let (k, v) = m.raw();
        let m2 = U64Map::from_raw(k.to_vec(), v.to_vec()).unwrap();
        assert_eq!(m2, m);
    }
}
