//! The corpus of `dossier-storage-bench`: ~4 KB articles that look like news
//! to a storage engine: Zipf-distributed words from a vocabulary of tens of
//! thousands, names with spelling variants, several outlets, dates over
//! months. Articles are drawn one after the other from one generator.

use dossier_proto::v1 as pb;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::words::Zipf;

const VOCABULARY: usize = 40_000;
const ZIPF_EXPONENT: f64 = 1.05;
const OUTLETS: &[&str] = &[
    "harbour-gazette",
    "northern-courier",
    "capital-ledger",
    "river-times",
    "evening-dispatch",
    "coastal-herald",
    "metro-observer",
    "valley-post",
];
/// One person as different outlets spell them.
const NAMES: &[&[&str]] = &[
    &["Muammar Gaddafi", "Moammar Qaddafi", "Mouammar Kadhafi"],
    &["Yulia Tymoshenko", "Yulia Timoshenko"],
    &["Alexei Navalny", "Aleksei Navalnyi", "Alexey Navalny"],
    &["Yuri Gagarin", "Yury Gagarin", "Iouri Gagarine"],
    &["Angela Merkel", "Merkel", "Chancellor Merkel"],
];
const SYLLABLES: &[&str] = &[
    "ka", "lo", "mi", "ne", "ra", "to", "su", "ve", "di", "an", "or", "el", "in", "us", "port",
    "min", "ster", "gov", "ern", "trade", "mar", "ket", "coun", "cil", "vote", "tax", "bank",
];
const COMMON: &[&str] = &[
    "the",
    "of",
    "and",
    "to",
    "in",
    "a",
    "said",
    "on",
    "for",
    "was",
    "minister",
    "government",
    "president",
    "council",
    "market",
    "police",
    "budget",
    "election",
];

/// The vocabulary, drawn from the seed; articles come from a generator the
/// caller seeds and passes in.
pub struct StorageCorpus {
    words: Vec<String>,
    zipf: Zipf,
}

impl StorageCorpus {
    pub fn new(seed: u64) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5eed);
        let mut words: Vec<String> = COMMON.iter().map(|w| w.to_string()).collect();
        while words.len() < VOCABULARY {
            let parts = rng.random_range(2..=4);
            let word: String = (0..parts)
                .map(|_| SYLLABLES[rng.random_range(0..SYLLABLES.len())])
                .collect();
            words.push(word);
        }
        Self {
            zipf: Zipf::unscaled(words.len(), ZIPF_EXPONENT),
            words,
        }
    }

    fn word(&self, rng: &mut ChaCha8Rng) -> &str {
        &self.words[self.zipf.sample(rng)]
    }

    /// The next article, number `n` (0-based), drawn from `rng`.
    pub fn article(&self, rng: &mut ChaCha8Rng, n: usize) -> pb::Document {
        let outlet = OUTLETS[rng.random_range(0..OUTLETS.len())];
        let person = NAMES[rng.random_range(0..NAMES.len())];
        let mut body = String::with_capacity(4300);
        let mut sentence = 0;
        while body.len() < 4000 {
            if sentence % 4 == 0 {
                body.push_str(person[rng.random_range(0..person.len())]);
                body.push_str(" said ");
            }
            for _ in 0..rng.random_range(8..20) {
                body.push_str(self.word(rng));
                body.push(' ');
            }
            body.pop();
            body.push_str(". ");
            sentence += 1;
        }
        let title: Vec<&str> = (0..rng.random_range(5..10))
            .map(|_| self.word(rng))
            .collect();
        let published = 1_700_000_000 + rng.random_range(0..180 * 86_400);
        pb::Document {
            title: format!("{} ({n})", title.join(" ")),
            body,
            source: outlet.to_string(),
            url: format!("https://{outlet}.example/articles/{n}"),
            author: "Staff reporter".into(),
            published_at: Some(prost_types::Timestamp {
                seconds: published,
                nanos: 0,
            }),
            language: "en".into(),
            labels: vec!["news".into()],
            ..Default::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn articles_are_about_four_kilobytes_and_follow_the_seed() {
        let draw = |seed| {
            let corpus = StorageCorpus::new(seed);
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            (0..20)
                .map(|n| corpus.article(&mut rng, n))
                .collect::<Vec<_>>()
        };
        let docs = draw(7);
        assert_eq!(docs, draw(7));
        assert_ne!(docs, draw(8));
        for doc in &docs {
            assert!(
                (4_000..4_400).contains(&doc.body.len()),
                "{}",
                doc.body.len()
            );
        }
    }
}
