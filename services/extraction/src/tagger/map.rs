//! An open-addressing hash map from pre-hashed `u64` keys to small values.
//!
//! Keys are already well-mixed feature hashes, so the map only masks them to a
//! slot: no hashing, no per-entry allocation. A slot holds its key and value
//! side by side, so a lookup in a table too big for the cache (the model's
//! rows, the lexicon) waits for one memory read, not for the key's and then
//! the value's; the model file stores keys and values as two arrays.

/// Map from non-zero `u64` keys (0 is mapped to 1) to `V`.
#[derive(Debug, Clone, PartialEq)]
pub struct U64Map<V: Copy + Default> {
    slots: Vec<(u64, V)>,
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
            slots: vec![(0, V::default()); cap],
            len: 0,
        }
    }

    /// Rebuilds a map from its raw arrays (as stored in a model file).
    pub fn from_raw(keys: Vec<u64>, vals: Vec<V>) -> Option<Self> {
        if keys.len() != vals.len() || !keys.len().is_power_of_two() {
            return None;
        }
        let len = keys.iter().filter(|&&k| k != 0).count();
        let slots = keys.into_iter().zip(vals).collect::<Vec<_>>();
        (len < slots.len()).then_some(U64Map { slots, len })
    }

    /// The raw arrays (keys, values in slot order), for writing.
    pub fn raw(&self) -> (Vec<u64>, Vec<V>) {
        self.slots.iter().copied().unzip()
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    #[inline]
    fn slot(&self, key: u64) -> (usize, bool) {
        let mask = self.slots.len() - 1;
        let mut i = (key as usize) & mask;
        loop {
            let k = self.slots[i].0;
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
        found.then(|| self.slots[i].1)
    }

    /// Mutable access to the value of `key`, inserting `V::default()` first.
    pub fn entry(&mut self, key: u64) -> &mut V {
        let key = norm(key);
        if (self.len + 1) * 10 > self.slots.len() * 7 {
            self.grow();
        }
        let (i, found) = self.slot(key);
        if !found {
            self.slots[i].0 = key;
            self.len += 1;
        }
        &mut self.slots[i].1
    }

    pub fn insert(&mut self, key: u64, v: V) {
        *self.entry(key) = v;
    }

    fn grow(&mut self) {
        let mut bigger = U64Map::with_capacity(self.slots.len());
        for (k, v) in self.iter() {
            bigger.insert(k, v);
        }
        *self = bigger;
    }

    /// Entries in slot order (deterministic for a given insertion history).
    pub fn iter(&self) -> impl Iterator<Item = (u64, V)> + '_ {
        self.slots.iter().copied().filter(|&(k, _)| k != 0)
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
