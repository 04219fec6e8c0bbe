//! Near-duplicate sketches: a bottom-k MinHash of a text's word shingles.
//!
//! Each text becomes the set of its 4-word shingles (lowercased words, so a
//! changed capital or punctuation mark does not count), each hashed once;
//! the sketch keeps the `SKETCH_SIZE` smallest hashes and the size of the
//! set. Two sketches estimate the Jaccard resemblance of the two sets (the
//! share of the union's smallest hashes found in both), and from it the
//! overlap of the smaller set: a wire report reprinted with its last
//! paragraph cut or a byline added is contained in the original almost
//! entirely, though its resemblance falls as the cut grows.

use std::hash::Hasher;

/// Hashes kept per text: the estimate's standard error is about
/// sqrt(J(1-J)/k), 0.035 at J = 0.8.
pub const SKETCH_SIZE: usize = 128;
/// Words per shingle: long enough that two reports of one event in their
/// own words share few shingles, short enough that an edited sentence
/// spoils few.
const SHINGLE_WORDS: usize = 4;
/// Texts with fewer shingles than this are not compared: a two-line brief
/// says too little to call it a copy.
pub const MIN_SHINGLES: u32 = 8;
/// Below this ratio of set sizes, resemblance decides, not overlap: a
/// short brief wholly inside a long report is a summary, not a copy.
const MIN_SIZE_RATIO: f64 = 0.5;

/// The sketch of one text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sketch {
    /// The smallest shingle hashes, ascending, without repeats.
    pub mins: Vec<u32>,
    /// Distinct shingles in the text.
    pub shingles: u32,
}

impl Sketch {
    /// The sketch of `text`.
    pub fn of(text: &str) -> Self {
        // Each word hashed once, lowercased as it is read (no allocation
        // per word); a shingle's hash combines its words' hashes in order.
        let words: Vec<u64> = text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(|w| {
                let mut h = Fnv::default();
                for c in w.chars().flat_map(char::to_lowercase) {
                    let mut buf = [0u8; 4];
                    h.write(c.encode_utf8(&mut buf).as_bytes());
                }
                h.finish()
            })
            .collect();
        if words.len() < SHINGLE_WORDS {
            return Self::default();
        }
        let mut hashes: Vec<u32> = words
            .windows(SHINGLE_WORDS)
            .map(|shingle| {
                let combined = shingle
                    .iter()
                    .fold(0u64, |acc, w| mix64(acc.rotate_left(17) ^ w));
                // The high half of the mixed hash.
                (combined >> 32) as u32
            })
            .collect();
        hashes.sort_unstable();
        hashes.dedup();
        let shingles = hashes.len() as u32;
        hashes.truncate(SKETCH_SIZE);
        // The story window keeps a sketch per recent document: without
        // this it kept the capacity of every shingle (2.4 KB for a 4 KB
        // article) to hold 128 of them.
        hashes.shrink_to_fit();
        Self {
            mins: hashes,
            shingles,
        }
    }

    /// Bytes held on the heap.
    pub fn heap_bytes(&self) -> usize {
        self.mins.capacity() * std::mem::size_of::<u32>()
    }

    /// Whether the text is long enough to be compared.
    pub fn comparable(&self) -> bool {
        self.shingles >= MIN_SHINGLES
    }

    /// The estimated Jaccard resemblance of the two shingle sets.
    pub fn resemblance(&self, other: &Sketch) -> f64 {
        if self.mins.is_empty() || other.mins.is_empty() {
            return 0.0;
        }
        // Walk the union's smallest hashes in order, counting those in both.
        let (mut i, mut j, mut taken, mut both) = (0, 0, 0usize, 0usize);
        let limit = SKETCH_SIZE.min(self.mins.len().max(other.mins.len()));
        while taken < limit && (i < self.mins.len() || j < other.mins.len()) {
            let a = self.mins.get(i).copied().unwrap_or(u32::MAX);
            let b = other.mins.get(j).copied().unwrap_or(u32::MAX);
            // A sketch that ran out covers no more of its set: past its end
            // the union continues with the other's hashes only.
            match a.cmp(&b) {
                std::cmp::Ordering::Equal => {
                    both += 1;
                    i += 1;
                    j += 1;
                }
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
            }
            taken += 1;
        }
        both as f64 / taken.max(1) as f64
    }

    /// How alike the two texts are, from 0 to 1: the estimated share of the
    /// smaller text found in the larger when their sizes are comparable,
    /// else their resemblance.
    pub fn similarity(&self, other: &Sketch) -> f64 {
        if !self.comparable() || !other.comparable() {
            return 0.0;
        }
        let j = self.resemblance(other);
        let (a, b) = (f64::from(self.shingles), f64::from(other.shingles));
        let (small, large) = (a.min(b), a.max(b));
        if small / large < MIN_SIZE_RATIO {
            return j;
        }
        let shared = j / (1.0 + j) * (a + b);
        (shared / small).min(1.0)
    }

    /// The first `n` hashes: two texts alike enough to be copies share one
    /// of them with near certainty, so they index the candidates.
    pub fn keys(&self, n: usize) -> &[u32] {
        &self.mins[..n.min(self.mins.len())]
    }
}

/// FNV-1a: stable across runs and platforms (the sketch must not change
/// with a process's random hash seed).
pub struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// A stable 64-bit hash of `s`, for term ids.
pub fn hash_str(s: &str) -> u64 {
    let mut h = Fnv::default();
    h.write(s.as_bytes());
    mix64(h.finish())
}

/// The murmur3 finaliser: spreads FNV's weak low bits over the word.
fn mix64(mut x: u64) -> u64 {
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    x ^ (x >> 33)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(paragraphs: &[&str]) -> String {
        paragraphs.join("\n\n")
    }

    const WIRE: [&str; 5] = [
        "The harbour board of Tallinn voted on Tuesday to lease the northern quay to a \
         grain trader for twelve years, ending a dispute that had idled the docks since spring.",
        "Board chair Marta Kask said the lease would bring the port forty new jobs and \
         a steady income while the city repairs the breakwater damaged in the winter storms.",
        "Opponents on the council argued that the quay should stay open to the fishing \
         fleet, whose catch has been landed further south since the dispute began.",
        "The grain trader, which ships to buyers across the Baltic, plans to build two \
         silos on the quay and to dredge the approach channel at its own cost.",
        "A final vote by the city council is expected next month, and the fishing \
         cooperative has said it will ask a court to review the decision.",
    ];

    #[test]
    fn a_copy_with_its_last_paragraph_cut_is_alike() {
        let original = Sketch::of(&report(&WIRE));
        let cut = Sketch::of(&report(&WIRE[..4]));
        assert!(
            original.similarity(&cut) >= 0.9,
            "{}",
            original.similarity(&cut)
        );
    }

    #[test]
    fn a_copy_with_a_byline_and_changed_case_is_alike() {
        let original = Sketch::of(&report(&WIRE));
        let copy = format!(
            "By a staff reporter\n\n{}",
            report(&WIRE).replace("Tuesday", "TUESDAY")
        );
        assert!(original.similarity(&Sketch::of(&copy)) >= 0.9);
    }

    #[test]
    fn a_different_report_of_the_same_event_is_not() {
        let original = Sketch::of(&report(&WIRE));
        let other = Sketch::of(
            "Fishermen in Tallinn reacted with anger after the harbour board handed the \
             northern quay to a grain company on Tuesday. Marta Kask, who chairs the \
             board, defended the twelve-year lease as the only way to pay for the \
             breakwater. The fishing cooperative's lawyer told reporters that a court \
             challenge was being prepared and that the council's vote next month would \
             decide whether the boats could ever return to their old berths.",
        );
        assert!(
            original.similarity(&other) < 0.3,
            "{}",
            original.similarity(&other)
        );
    }

    #[test]
    fn a_short_brief_inside_a_long_report_is_not_a_copy() {
        let original = Sketch::of(&report(&WIRE));
        let brief = Sketch::of(WIRE[0]);
        assert!(original.similarity(&brief) < 0.5);
    }

    #[test]
    fn tiny_texts_are_not_compared() {
        let a = Sketch::of("Talks resumed on Monday.");
        assert!(!a.comparable());
        assert_eq!(a.similarity(&a), 0.0);
    }

    #[test]
    fn identical_texts_are_fully_alike_and_sketches_are_stable() {
        let a = Sketch::of(&report(&WIRE));
        assert_eq!(a, Sketch::of(&report(&WIRE)));
        assert!((a.similarity(&a) - 1.0).abs() < 1e-9);
        assert!(a.mins.windows(2).all(|w| w[0] < w[1]));
        assert!(a.mins.len() <= SKETCH_SIZE);
    }
}
