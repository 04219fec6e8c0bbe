//! The corpus of `dossier-search-bench`: documents as search's index core
//! takes them, with extraction simulated (each document carries its
//! entities), so the figures are those of search alone.
//!
//! It looks like news to the engine: a Zipf vocabulary of tens of thousands
//! of words, several outlets, dates over six months, and people whose names
//! each outlet spells its own way (as with Gaddafi / Qaddafi / Kadhafi).
//! Unlike the news corpus it has no function words. Documents are drawn one
//! after the other from one generator, so document `n` depends on those
//! before it.

use dossier_proto::v1::EntityType;
use dossier_search::model::{DocEntity, IndexDoc};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::words::{Zipf, capitalize, syllable_word};

/// The outlets (`source`), one per document.
pub const OUTLETS: [&str; 8] = [
    "harbour-gazette",
    "northern-wire",
    "daily-ledger",
    "evening-courier",
    "river-times",
    "capital-herald",
    "coastal-post",
    "metro-observer",
];
const SYLLABLES: [&str; 24] = [
    "ka", "lo", "mi", "ran", "te", "vos", "bel", "dra", "fin", "gu", "hal", "jor", "ke", "lun",
    "mar", "nez", "or", "pra", "qui", "ros", "sta", "tor", "ul", "vek",
];
/// Start of the corpus: 2024-01-01T00:00:00Z.
pub const T0: i64 = 1_704_067_200;
/// Days the corpus spans.
pub const DAYS: i64 = 180;
/// Prominent people, drawn with a Zipf law.
const PEOPLE: usize = 500;
/// Size of the long tail of other entities, and how many each article names.
const OTHER_ENTITIES: usize = 40_000;
const OTHERS_PER_DOC: std::ops::Range<usize> = 4..12;
const OTHER_TYPES: [EntityType; 5] = [
    EntityType::Person,
    EntityType::Org,
    EntityType::Gpe,
    EntityType::Norp,
    EntityType::Misc,
];

/// A person and the spellings outlets use.
pub struct Person {
    pub id: String,
    pub variants: Vec<String>,
}

/// Vocabulary, people and the samplers documents are drawn with.
pub struct IndexCorpus {
    /// Words by Zipf rank.
    pub words: Vec<String>,
    zipf: Zipf,
    pub people: Vec<Person>,
    pub people_zipf: Zipf,
    /// The long tail extraction finds besides the prominent people: minor
    /// people, organisations, places, groups (a facet dictionary of tens of
    /// thousands of entities, as over real news).
    others: Zipf,
    /// Body words per document.
    body_words: usize,
}

impl IndexCorpus {
    /// A corpus of `vocabulary` words and `body_words` words per body; draws
    /// its people from `rng`, which then goes on to draw the documents.
    pub fn new(vocabulary: usize, body_words: usize, rng: &mut ChaCha8Rng) -> Self {
        // Skip the shortest combinations so words look like words.
        let words = (0..vocabulary)
            .map(|i| syllable_word(i + 600, &SYLLABLES))
            .collect();
        let people = (0..PEOPLE)
            .map(|i| {
                let base = format!(
                    "{}{}",
                    capitalize(&syllable_word(rng.random_range(2_000..200_000), &SYLLABLES)),
                    "ov"
                );
                // Transliteration-style variants: k/q/kh, y/i, -ov/-off.
                let variants = vec![
                    base.clone(),
                    base.replacen('k', "q", 1).replacen('y', "i", 1) + "",
                    base.replace("ov", "off"),
                ];
                Person {
                    id: format!("ent_p{i:04}"),
                    variants,
                }
            })
            .collect();
        Self {
            words,
            zipf: Zipf::new(vocabulary, 1.07),
            people,
            people_zipf: Zipf::new(PEOPLE, 1.0),
            others: Zipf::new(OTHER_ENTITIES, 0.9),
            body_words,
        }
    }

    /// The next document, with sequence number `seq`.
    pub fn document(&self, seq: u64, rng: &mut ChaCha8Rng) -> IndexDoc {
        let outlet = rng.random_range(0..OUTLETS.len());
        let mut body: Vec<&str> = (0..self.body_words)
            .map(|_| self.words[self.zipf.sample(rng)].as_str())
            .collect();
        let mut entities = Vec::new();
        for _ in 0..rng.random_range(0..4) {
            let p = &self.people[self.people_zipf.sample(rng)];
            if entities.iter().any(|e: &DocEntity| e.id == p.id) {
                continue;
            }
            // Each outlet has its house spelling.
            let variant = &p.variants[outlet % p.variants.len()];
            for _ in 0..3 {
                let at = rng.random_range(0..body.len());
                body[at] = variant;
            }
            entities.push(DocEntity {
                id: p.id.clone(),
                name: p.variants[0].clone(),
                entity_type: EntityType::Person as i32,
                variants: vec![variant.clone()],
            });
        }
        self.push_others(&mut entities, rng);
        let title: Vec<&str> = (0..8)
            .map(|_| self.words[self.zipf.sample(rng)].as_str())
            .collect();
        IndexDoc {
            id: format!("doc{seq:09}"),
            sequence: seq,
            title: title.join(" "),
            body: body.join(" "),
            source: OUTLETS[outlet].into(),
            url: format!("https://{}.example/{seq}", OUTLETS[outlet]),
            published_at: Some(T0 + rng.random_range(0..DAYS * 86_400)),
            language: "en".into(),
            labels: vec![["politics", "economy", "world", "local"][rng.random_range(0..4)].into()],
            entities,
            ..IndexDoc::default()
        }
    }

    /// The long-tail entities of one document.
    fn push_others(&self, entities: &mut Vec<DocEntity>, rng: &mut ChaCha8Rng) {
        for _ in 0..rng.random_range(OTHERS_PER_DOC) {
            let n = self.others.sample(rng);
            let id = format!("ent_o{n:05}");
            if entities.iter().any(|e: &DocEntity| e.id == id) {
                continue;
            }
            let name = capitalize(&syllable_word(n + 5_000, &SYLLABLES));
            entities.push(DocEntity {
                id,
                name: name.clone(),
                entity_type: OTHER_TYPES[n % OTHER_TYPES.len()] as i32,
                variants: vec![name],
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn documents_follow_the_seed_and_carry_their_people() {
        let draw = |seed| {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let corpus = IndexCorpus::new(2_000, 100, &mut rng);
            (1..=20)
                .map(|seq| corpus.document(seq, &mut rng))
                .collect::<Vec<_>>()
        };
        let docs = draw(42);
        assert_eq!(docs, draw(42));
        assert_ne!(docs, draw(43));
        for doc in &docs {
            assert_eq!(doc.body.split(' ').count(), 100);
            assert!(OUTLETS.contains(&doc.source.as_str()));
            for person in doc.entities.iter().filter(|e| e.id.starts_with("ent_p")) {
                assert!(doc.body.contains(&person.variants[0]));
            }
        }
    }
}
