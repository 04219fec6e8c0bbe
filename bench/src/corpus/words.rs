//! The pieces every synthetic corpus is built from: a Zipf sampler over
//! word ranks, invented words numbered in a syllable alphabet, and
//! capitalisation.

use rand::Rng;

/// A Zipf(s) sampler over ranks `0..n` by binary search of the cumulative
/// weights.
pub struct Zipf {
    /// Cumulative weights, divided by their total unless built `unscaled`.
    cdf: Vec<f64>,
    /// What a uniform draw in `0..1` is multiplied by before the search:
    /// 1 for normalised weights, the total for unscaled ones.
    scale: f64,
}

impl Zipf {
    /// Normalised cumulative weights (the draw is searched as it is).
    pub fn new(n: usize, exponent: f64) -> Self {
        let (mut cdf, total) = cumulative(n, exponent);
        for c in &mut cdf {
            *c /= total;
        }
        Self { cdf, scale: 1.0 }
    }

    /// The same law with the weights left as sums and the draw scaled by
    /// their total instead: a float or two apart from [`Zipf::new`] at rank
    /// boundaries, so the storage bench's corpus keeps its exact bytes.
    pub fn unscaled(n: usize, exponent: f64) -> Self {
        let (cdf, total) = cumulative(n, exponent);
        Self { cdf, scale: total }
    }

    /// A rank in `0..n`, most often the small ones.
    pub fn sample(&self, rng: &mut impl Rng) -> usize {
        let u = rng.random::<f64>() * self.scale;
        self.cdf.partition_point(|c| *c < u).min(self.cdf.len() - 1)
    }
}

/// Running sums of `1 / rank^exponent` over ranks `1..=n` (at least one
/// rank), and their total.
fn cumulative(n: usize, exponent: f64) -> (Vec<f64>, f64) {
    let mut total = 0.0;
    let cdf = (1..=n.max(1))
        .map(|rank| {
            total += 1.0 / (rank as f64).powf(exponent);
            total
        })
        .collect();
    (cdf, total)
}

/// The `n`-th word of a syllable alphabet (bijective numbering, so every `n`
/// gives a distinct word).
pub fn syllable_word(mut n: usize, syllables: &[&str]) -> String {
    let mut w = String::new();
    loop {
        w.push_str(syllables[n % syllables.len()]);
        n /= syllables.len();
        if n == 0 {
            return w;
        }
        n -= 1;
    }
}

/// `word` with its first letter upper-cased.
pub fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|f| f.to_uppercase().collect::<String>() + chars.as_str())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn zipf_prefers_small_ranks_and_stays_in_range() {
        for zipf in [Zipf::new(1_000, 1.05), Zipf::unscaled(1_000, 1.05)] {
            let mut rng = ChaCha8Rng::seed_from_u64(1);
            let draws: Vec<usize> = (0..10_000).map(|_| zipf.sample(&mut rng)).collect();
            assert!(draws.iter().all(|&r| r < 1_000));
            let top = draws.iter().filter(|&&r| r < 10).count();
            assert!(top > 3_000, "{top}");
        }
    }

    #[test]
    fn syllable_words_are_distinct() {
        let words: std::collections::HashSet<String> = (0..5_000)
            .map(|n| syllable_word(n, &["ka", "lo", "mi"]))
            .collect();
        assert_eq!(words.len(), 5_000);
        assert_eq!(syllable_word(0, &["ka", "lo"]), "ka");
        assert_eq!(syllable_word(2, &["ka", "lo"]), "kaka");
        assert_eq!(capitalize("éa"), "Éa");
        assert_eq!(capitalize(""), "");
    }
}
