//! Fast, stable 64-bit hashing for feature strings.
//!
//! Features are hashed, never stored as strings: a feature is `mix(template,
//! value_hash)`. The hash must be stable across runs and platforms because the
//! model file stores feature keys.

const K: u64 = 0x9E37_79B9_7F4A_7C15;

/// Finalizer of MurmurHash3: a full avalanche of one word.
#[inline]
pub fn fmix(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// Combines two hashes (order matters).
#[inline]
pub fn mix(a: u64, b: u64) -> u64 {
    fmix(a.rotate_left(23) ^ b.wrapping_mul(K) ^ 0x2545_F491_4F6C_DD1D)
}

/// Hashes bytes, eight at a time.
#[inline]
pub fn hash_bytes(seed: u64, bytes: &[u8]) -> u64 {
    let mut h = seed ^ (bytes.len() as u64).wrapping_mul(K);
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        h = (h ^ u64::from_le_bytes(w)).wrapping_mul(K).rotate_left(29);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut w = [0u8; 8];
        w[..rest.len()].copy_from_slice(rest);
        h = (h ^ u64::from_le_bytes(w)).wrapping_mul(K).rotate_left(29);
    }
    fmix(h)
}

/// Hashes a string.
#[inline]
pub fn hash_str(s: &str) -> u64 {
    hash_bytes(0, s.as_bytes())
}

/// A deterministic pseudo-random generator (SplitMix64) for shuffling.
pub struct SplitMix(pub u64);

impl SplitMix {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(K);
        fmix(self.0)
    }

    /// Fisher-Yates shuffle.
    pub fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = (self.next_u64() % (i as u64 + 1)) as usize;
            v.swap(i, j);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_values() {
        // Model files store these keys: the hash must never change silently.
        assert_eq!(hash_str(""), hash_bytes(0, b""));
        assert_ne!(hash_str("Paris"), hash_str("paris"));
        assert_ne!(mix(1, 2), mix(2, 1));
    }
}
