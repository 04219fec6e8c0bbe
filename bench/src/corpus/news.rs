//! The news corpus of `dossier-bench` and `dossier-load`: deterministic,
//! synthetic, and looking like news to every part of Dossier (see
//! tests/BENCHMARKS.md).
//!
//! - **Vocabulary**: tens of thousands of words drawn with a Zipf law, so a
//!   common term (`minister`) appears in a fraction of the documents and a
//!   mid-ranked one in a few percent; a corpus of a few dozen words would make
//!   every query match every document and measure nothing.
//! - **Stories**: articles come in stories. One event (a day, two people, an
//!   organisation, a place, an amount) is covered by several outlets over the
//!   same days, and some of them reprint the same wire paragraph verbatim.
//! - **Names**: each outlet has a house transliteration style, so the same
//!   person is "Yuri Shapovchuk", "Iouri Chapovtchouk" or "Juri Schapowtschuk"
//!   depending on who writes (what entity linking and name expansion exist
//!   for).
//! - **Dates and amounts** in the text, for the rule-based extractors, and
//!   `published_at` spread over six months, for range filters and histograms.
//! - **Quotes**: every fifth sentence or so is a direct quote attributed to
//!   one of the story's two people by surname (`“…,” said Shapovchuk.`,
//!   `“…,” Chapovtchouk told reporters.`), for quote attribution and
//!   ListQuotes.
//!
//! Article `n` is a pure function of `(seed, n)`: generation can be split
//! over tasks in any order and still give the same corpus.

use dossier_kit::civil::civil_from_days;
use dossier_proto::v1 as pb;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::words::{Zipf, capitalize, syllable_word};

/// Size of the vocabulary (distinct body words).
pub const VOCABULARY: usize = 40_000;
/// Zipf exponent of word frequencies (English text is close to 1).
const ZIPF_EXPONENT: f64 = 1.05;
/// Bytes of body text per article (the body is cut at a sentence end just past it).
const BODY_BYTES: usize = 3_900;
/// Articles per story (each from a different outlet).
pub const STORY_SIZE: u64 = 5;
/// Number of distinct people; stories pick two with a Zipf law, so some are
/// in the news every day and most now and then.
const PEOPLE: usize = 400;
/// `published_at` of the first day: 2025-01-06T00:00:00Z (a Monday).
pub const T0: i64 = 1_736_121_600;
/// Days the corpus spans.
pub const DAYS: i64 = 180;

/// Transliteration styles an outlet may follow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Style {
    English,
    French,
    German,
    /// English with a common misspelling (final -k written -ck).
    Sloppy,
}

/// The outlets and their house styles.
pub const OUTLETS: &[&str] = &[
    "harbour-gazette",
    "northern-wire",
    "le-courrier-du-port",
    "rhein-abendblatt",
    "capital-ledger",
    "evening-courier",
    "coastal-post",
    "metro-observer",
];
const STYLES: [Style; 8] = [
    Style::English,
    Style::English,
    Style::French,
    Style::German,
    Style::Sloppy,
    Style::English,
    Style::French,
    Style::Sloppy,
];

/// First names as (English, French, German) spellings.
const FIRST_NAMES: &[[&str; 3]] = &[
    ["Yuri", "Iouri", "Juri"],
    ["Oleksandr", "Oleksandr", "Oleksandr"],
    ["Mykola", "Mykola", "Mykola"],
    ["Sergei", "Sergueï", "Sergej"],
    ["Dmitry", "Dmitri", "Dmitri"],
    ["Natalya", "Natalia", "Natalja"],
    ["Olena", "Olena", "Olena"],
    ["Viktor", "Viktor", "Wiktor"],
    ["Anna", "Anna", "Anna"],
    ["Pavlo", "Pavlo", "Pawlo"],
    ["Yevhen", "Ievguen", "Jewhen"],
    ["Iryna", "Iryna", "Iryna"],
];
/// Consonant onsets and vowels of the invented (Slavic-looking) surnames.
const ONSETS: &[&str] = &[
    "sh", "ch", "k", "kh", "zh", "v", "p", "b", "d", "m", "n", "l", "r", "t", "s", "g", "kr", "st",
    "pr", "tr",
];
const VOWELS: &[&str] = &["a", "o", "u", "e", "i", "y"];
const SUFFIXES: &[&str] = &["chuk", "enko", "ov", "yov", "in", "sky", "yuk", "ich"];

/// Organisations (invented) and places (real, so the gazetteer knows them).
const ORGS: &[&str] = &[
    "Baltic Shipping Union",
    "Northern Grain Corporation",
    "the Ministry of Energy",
    "the Central Bank",
    "the Harbour Authority",
    "Vostok Logistics",
    "the Port Workers' Federation",
    "Amber Rail",
    "the Coastal Guard",
    "Kestrel Energy",
    "the National Audit Office",
    "Meridian Bank",
    "the Fisheries Council",
    "Polar Freight",
    "the Customs Service",
    "Riverside Steel",
];
const PLACES: &[&str] = &[
    "Riga",
    "Gdynia",
    "Kyiv",
    "Odesa",
    "Tallinn",
    "Gdansk",
    "Warsaw",
    "Vilnius",
    "Helsinki",
    "Rotterdam",
    "Hamburg",
    "Oslo",
    "Stockholm",
    "Klaipeda",
    "Lviv",
    "Kharkiv",
    "Copenhagen",
    "Antwerp",
];
const ROLES: &[&str] = &[
    "Energy Minister",
    "Foreign Minister",
    "Mayor",
    "union leader",
    "chief executive",
    "deputy prime minister",
    "port director",
    "prosecutor",
];
const VERBS: &[&str] = &[
    "said",
    "told reporters",
    "announced",
    "warned",
    "denied",
    "confirmed",
];
const ACTIONS: &[&str] = &[
    "invest",
    "set aside",
    "borrow",
    "pay out",
    "cut spending by",
    "seek damages of",
];
const CURRENCIES: &[&str] = &["$", "€", "£"];
const SCALES: &[&str] = &["million", "billion", "thousand"];
const MONTHS: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const WEEKDAYS: &[&str] = &[
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
/// The most frequent words, ranked first by the Zipf law.
const FUNCTION_WORDS: &[&str] = &[
    "the", "of", "and", "to", "a", "in", "that", "is", "for", "on", "was", "with", "he", "it",
    "as", "at", "by", "from", "his", "an", "were", "are", "which", "this", "be", "has", "had",
    "not", "but", "they", "have", "its", "after", "who", "their", "been", "would", "will", "more",
    "there",
];
/// Newsroom words placed at middle ranks (from rank 100 on, every 37th rank),
/// so `minister` is frequent but not everywhere, and rarer ones are rare.
const NEWS_WORDS: &[&str] = &[
    "minister",
    "government",
    "police",
    "election",
    "budget",
    "harbour",
    "strike",
    "contract",
    "tariff",
    "ferry",
    "pipeline",
    "court",
    "ceasefire",
    "inflation",
    "shipyard",
    "sanctions",
    "refinery",
    "subsidy",
    "lawsuit",
    "embargo",
];
const SYLLABLES: &[&str] = &[
    "ka", "lo", "mi", "ran", "te", "vos", "bel", "dra", "fin", "gu", "hal", "jor", "ke", "lun",
    "mar", "nez", "or", "pra", "qui", "ros", "sta", "tor", "ul", "vek", "ind", "ost", "em", "par",
];

/// One person and how each style spells them.
#[derive(Clone, Debug)]
pub struct Person {
    /// Full names by [`Style`] (English, French, German, Sloppy).
    full: [String; 4],
    /// Surnames by style.
    surname: [String; 4],
}

impl Person {
    /// Every distinct spelling of the surname (the first is the English one).
    pub fn surname_variants(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for s in &self.surname {
            if !out.contains(&s.as_str()) {
                out.push(s);
            }
        }
        out
    }

    /// Every distinct spelling of the full name (the first is the English one).
    pub fn full_name_variants(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for s in &self.full {
            if !out.contains(&s.as_str()) {
                out.push(s);
            }
        }
        out
    }
}

/// The organisations articles name (without a leading "the").
pub fn organisations() -> impl Iterator<Item = &'static str> {
    ORGS.iter().map(|o| o.strip_prefix("the ").unwrap_or(o))
}

/// The event behind a story, shared by all its articles.
struct Story {
    day: i64,
    people: [usize; 2],
    roles: [&'static str; 2],
    org: &'static str,
    place: &'static str,
    amount: String,
    /// The first outlet; article `i` of the story comes from `first + 3i` (mod 8),
    /// so the five articles come from five different outlets.
    first_outlet: usize,
    /// The wire paragraph some outlets reprint verbatim (per style, as the
    /// names in it follow the house style).
    wire_sentences: Vec<String>,
}

/// The corpus: vocabulary, people and the seed every article derives from.
pub struct Corpus {
    seed: u64,
    words: Vec<String>,
    zipf: Zipf,
    people: Vec<Person>,
    people_zipf: Zipf,
}

impl Corpus {
    pub fn new(seed: u64) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(mix(seed, 0x5eed));
        Self {
            seed,
            words: vocabulary(VOCABULARY),
            zipf: Zipf::new(VOCABULARY, ZIPF_EXPONENT),
            people: (0..PEOPLE).map(|i| person(i, &mut rng)).collect(),
            people_zipf: Zipf::new(PEOPLE, 1.0),
        }
    }

    /// The word of Zipf rank `rank` (0 is the most frequent).
    pub fn word(&self, rank: usize) -> &str {
        &self.words[rank.min(self.words.len() - 1)]
    }

    pub fn people(&self) -> &[Person] {
        &self.people
    }

    /// The people most often in the news (by their Zipf rank).
    pub fn prominent_people(&self, n: usize) -> &[Person] {
        &self.people[..n.min(self.people.len())]
    }

    /// Article `n` (0-based) of the corpus.
    pub fn article(&self, n: u64) -> pb::Document {
        let story = self.story(n / STORY_SIZE);
        let position = (n % STORY_SIZE) as usize;
        let outlet = (story.first_outlet + 3 * position) % OUTLETS.len();
        let style = STYLES[outlet];
        let mut rng = ChaCha8Rng::seed_from_u64(mix(self.seed, n.wrapping_mul(2) + 1));

        let [a, b] = story.people.map(|p| &self.people[p]);
        let mut sentences = vec![format!(
            "{} {} {} on {} that {} would {} {} in {}.",
            capitalize(story.roles[0]),
            a.full[style as usize],
            VERBS[rng.random_range(0..VERBS.len())],
            WEEKDAYS[(story.day % 7) as usize],
            story.org,
            ACTIONS[rng.random_range(0..ACTIONS.len())],
            story.amount,
            story.place,
        )];
        // Half of the outlets reprint the agency's paragraph word for word.
        if rng.random_bool(0.5) {
            sentences.extend(story.wire_sentences.iter().map(|s| {
                s.replace("{A}", &a.full[style as usize])
                    .replace("{B}", &b.full[style as usize])
            }));
        }
        let mut body = sentences.join(" ");
        let mut count = 0;
        while body.len() < BODY_BYTES {
            body.push(' ');
            count += 1;
            match count % 5 {
                0 => body.push_str(&format!(
                    "{} {}.",
                    self.filler(&mut rng, 6, 14),
                    [&a.surname, &b.surname][rng.random_range(0..2)][style as usize],
                )),
                2 if count % 3 == 0 => body.push_str(&format!(
                    "{} {} {} the figure of {} in {}.",
                    capitalize(story.roles[1]),
                    b.full[style as usize],
                    VERBS[rng.random_range(0..VERBS.len())],
                    story.amount,
                    date_text(story.day - rng.random_range(0..30)),
                )),
                3 => {
                    let speaker = [&a.surname, &b.surname][rng.random_range(0..2)];
                    body.push_str(&self.quote(&mut rng, &speaker[style as usize]));
                }
                _ => body.push_str(&format!("{}.", self.filler(&mut rng, 8, 22))),
            }
        }

        let published = T0
            + story.day * 86_400
            + (position as i64 / 2) * 86_400
            + rng.random_range(6 * 3_600..22 * 3_600);
        let title = format!(
            "{} {} {} {}",
            a.surname[style as usize],
            VERBS[rng.random_range(0..VERBS.len())],
            self.filler(&mut rng, 3, 6).to_lowercase(),
            story.place
        );
        pb::Document {
            title,
            body,
            source: OUTLETS[outlet].to_string(),
            url: format!("https://{}.example/{}/{n}", OUTLETS[outlet], story.day),
            author: format!("{} desk", OUTLETS[outlet]),
            published_at: Some(prost_types::Timestamp {
                seconds: published,
                nanos: 0,
            }),
            language: "en".into(),
            labels: vec![["politics", "economy", "world", "local"][n as usize % 4].into()],
            ..Default::default()
        }
    }

    fn story(&self, k: u64) -> Story {
        let mut rng = ChaCha8Rng::seed_from_u64(mix(self.seed, k.wrapping_mul(2)));
        let a = self.people_zipf.sample(&mut rng);
        let mut b = self.people_zipf.sample(&mut rng);
        if b == a {
            b = (a + 1) % self.people.len();
        }
        let amount = format!(
            "{}{}.{} {}",
            CURRENCIES[rng.random_range(0..CURRENCIES.len())],
            rng.random_range(1..900),
            rng.random_range(0..10),
            SCALES[rng.random_range(0..SCALES.len())]
        );
        let mut story = Story {
            // Stories follow the article order through the months, with noise.
            day: ((k as i64 * 37) % DAYS + rng.random_range(0..5)).min(DAYS - 2),
            people: [a, b],
            roles: [
                ROLES[rng.random_range(0..ROLES.len())],
                ROLES[rng.random_range(0..ROLES.len())],
            ],
            org: ORGS[rng.random_range(0..ORGS.len())],
            place: PLACES[rng.random_range(0..PLACES.len())],
            amount,
            first_outlet: rng.random_range(0..OUTLETS.len()),
            wire_sentences: Vec::new(),
        };
        story.wire_sentences = vec![
            format!(
                "{{A}} met {{B}} in {} on {}.",
                story.place,
                date_text(story.day)
            ),
            format!("{}.", self.filler(&mut rng, 10, 20)),
            format!(
                "According to {}, talks will resume in {}.",
                story.org,
                MONTHS[((story.day / 30 + 1) % 12) as usize]
            ),
        ];
        story
    }

    /// A direct quote of Zipf words attributed to `speaker` after it, in
    /// one of the two commonest shapes of news attribution.
    fn quote(&self, rng: &mut ChaCha8Rng, speaker: &str) -> String {
        let words = self.filler(rng, 6, 14);
        if rng.random_bool(0.5) {
            format!("“{words},” said {speaker}.")
        } else {
            format!("“{words},” {speaker} told reporters.")
        }
    }

    /// A digest (FNV-1a) of the first `n` articles: which corpus an index
    /// was built from. A change to the generator changes it; the test
    /// `the_corpus_is_the_published_one` pins it, so such a change is made
    /// on purpose (and published figures re-measured), never by accident.
    pub fn fingerprint(&self, n: u64) -> u64 {
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        let mut eat = |bytes: &[u8]| {
            for b in bytes {
                hash = (hash ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
            }
        };
        for i in 0..n {
            let doc = self.article(i);
            eat(doc.title.as_bytes());
            eat(doc.body.as_bytes());
            eat(doc.source.as_bytes());
            let published = doc.published_at.map_or(0, |t| t.seconds);
            eat(&published.to_le_bytes());
        }
        hash
    }

    /// A capitalised run of `min..max` Zipf words.
    fn filler(&self, rng: &mut ChaCha8Rng, min: usize, max: usize) -> String {
        let n = rng.random_range(min..max);
        let mut out = String::with_capacity(n * 7);
        for i in 0..n {
            if i > 0 {
                out.push(' ');
            }
            let w = &self.words[self.zipf.sample(rng)];
            if i == 0 {
                out.push_str(&capitalize(w));
            } else {
                out.push_str(w);
            }
        }
        out
    }
}

/// Ranked vocabulary: function words first, newsroom words at middle ranks,
/// invented syllable words everywhere else.
fn vocabulary(size: usize) -> Vec<String> {
    let mut words: Vec<String> = FUNCTION_WORDS.iter().map(|w| w.to_string()).collect();
    let mut next = 0usize;
    while words.len() < size {
        let rank = words.len();
        let news = rank
            .checked_sub(100)
            .filter(|r| r % 37 == 0)
            .map(|r| r / 37);
        match news.and_then(|i| NEWS_WORDS.get(i)) {
            Some(w) => words.push(w.to_string()),
            None => {
                // Skip the shortest syllable combinations so words look like words.
                words.push(syllable_word(next + 800, SYLLABLES));
                next += 1;
            }
        }
    }
    words
}

/// An invented person with a Slavic-looking surname, spelled in each style.
fn person(i: usize, rng: &mut ChaCha8Rng) -> Person {
    let syllables = rng.random_range(1..=2);
    let mut stem = String::new();
    for _ in 0..syllables {
        stem.push_str(ONSETS[rng.random_range(0..ONSETS.len())]);
        stem.push_str(VOWELS[rng.random_range(0..VOWELS.len())]);
    }
    stem.push_str(["p", "v", "l", "r", "n", "s"][rng.random_range(0..6)]);
    let english = capitalize(&format!("{stem}{}", SUFFIXES[i % SUFFIXES.len()]));
    let surname = [
        english.clone(),
        transliterate(&english, Style::French),
        transliterate(&english, Style::German),
        transliterate(&english, Style::Sloppy),
    ];
    let first = FIRST_NAMES[rng.random_range(0..FIRST_NAMES.len())];
    let first_by_style = [first[0], first[1], first[2], first[0]];
    let full = std::array::from_fn(|s| format!("{} {}", first_by_style[s], surname[s]));
    Person { full, surname }
}

/// Spells an English-transliterated name in another house style, the way
/// French and German papers render Ukrainian and Russian names
/// (Shapovchuk → Chapovtchouk, Schapowtschuk; sloppy: Shapovchuck).
pub(super) fn transliterate(english: &str, style: Style) -> String {
    let lower = english.to_lowercase();
    let out = match style {
        Style::English => lower,
        Style::French => lower
            .replace("ch", "tch")
            .replace("sh", "ch")
            .replace("zh", "j")
            .replace('u', "ou")
            .replace('y', "i"),
        Style::German => lower
            .replace("ch", "tsch")
            .replace("sh", "sch")
            .replace("zh", "sch")
            .replace('v', "w")
            .replace('y', "j"),
        Style::Sloppy => {
            if let Some(stem) = lower.strip_suffix('k') {
                format!("{stem}ck")
            } else {
                lower.replace("ov", "off")
            }
        }
    };
    capitalize(&out)
}

/// "14 March 2025" for a day of the corpus.
fn date_text(day: i64) -> String {
    let (y, m, d) = civil_from_days((T0 / 86_400) + day.max(0));
    format!("{d} {} {y}", MONTHS[(m - 1) as usize])
}

/// SplitMix64 of `seed` and `n`: independent streams per article and story.
fn mix(seed: u64, n: u64) -> u64 {
    let mut z = seed ^ n.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn articles_are_a_function_of_seed_and_index() {
        let a = Corpus::new(7);
        let b = Corpus::new(7);
        for n in [0, 1, 4, 5, 999] {
            assert_eq!(a.article(n), b.article(n));
        }
        assert_ne!(a.article(3), Corpus::new(8).article(3));
        assert_ne!(a.article(3), a.article(4));
    }

    #[test]
    fn articles_are_about_four_kilobytes_from_distinct_outlets_per_story() {
        let corpus = Corpus::new(1);
        let story: Vec<_> = (10..15).map(|n| corpus.article(n)).collect();
        for doc in &story {
            assert!(
                (3_900..4_400).contains(&doc.body.len()),
                "{}",
                doc.body.len()
            );
        }
        let mut outlets: Vec<_> = story.iter().map(|d| d.source.clone()).collect();
        outlets.dedup();
        outlets.sort();
        outlets.dedup();
        assert_eq!(outlets.len(), STORY_SIZE as usize);
    }

    #[test]
    fn word_frequencies_follow_zipf() {
        let corpus = Corpus::new(3);
        let docs: Vec<String> = (0..400).map(|n| corpus.article(n).body).collect();
        let share = |word: &str| {
            docs.iter()
                .filter(|d| d.split(|c: char| !c.is_alphanumeric()).any(|w| w == word))
                .count() as f64
                / docs.len() as f64
        };
        // "the" is everywhere; "minister" (rank 100) is common but not
        // universal; a word of rank ~2000 is in a few percent of documents.
        assert!(share("the") > 0.99);
        let minister = share("minister");
        assert!((0.2..0.95).contains(&minister), "minister in {minister}");
        let rare = share(corpus.word(2_000));
        assert!(rare < 0.1 && rare > 0.0, "rank 2000 in {rare}");
    }

    /// The corpus of the published figures (README, tests/BENCHMARKS.md).
    /// Changing the generator changes this digest: update it in the same
    /// commit, say so in the message, and re-measure what is published.
    #[test]
    fn the_corpus_is_the_published_one() {
        assert_eq!(
            format!("{:016x}", Corpus::new(42).fingerprint(200)),
            "f6da4a8f505b0f29"
        );
    }

    #[test]
    fn every_article_quotes_its_people() {
        let corpus = Corpus::new(9);
        for n in 0..50 {
            let doc = corpus.article(n);
            let quotes = doc.body.matches('“').count();
            assert!((2..12).contains(&quotes), "{quotes} quotes in {n}");
            assert_eq!(doc.body.matches('”').count(), quotes);
            assert!(
                doc.body.contains(",” said ") || doc.body.contains(" told reporters."),
                "{}",
                doc.body
            );
        }
    }

    #[test]
    fn names_have_transliteration_variants() {
        assert_eq!(transliterate("Shapovchuk", Style::French), "Chapovtchouk");
        assert_eq!(transliterate("Shapovchuk", Style::Sloppy), "Shapovchuck");
        assert_eq!(transliterate("Shapovchuk", Style::German), "Schapowtschuk");
        let corpus = Corpus::new(5);
        assert!(
            corpus
                .people()
                .iter()
                .filter(|p| p.surname_variants().len() >= 3)
                .count()
                > PEOPLE / 2
        );
    }
}
