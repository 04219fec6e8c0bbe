//! The story stream of `dossier-story-bench`: articles in publication order
//! with the true story of each and the true original of every wire copy,
//! deterministic for its seed (see tests/BENCHMARKS.md, "Stories").
//!
//! It is hard in the ways a news feed is hard for story grouping:
//! - **Events** are covered by 3–6 outlets over 1–3 days, each in its own
//!   words (its own sentences, its house transliteration of names), sharing
//!   only the facts: people, organisation, place, amount, dates and a few
//!   words about the matter at hand. Some outlets quote a wire sentence.
//! - **Siblings**: a third of events reuse the people and place of an event
//!   of the same week but are about something else (another organisation,
//!   amount and matter) — the same prominent minister in two stories.
//! - **Long-running stories**: 20–40 articles over 3–6 weeks, the people,
//!   place and matter stable, amounts, dates and side characters changing.
//! - **Singletons**, about half of all events, whose people are drawn from
//!   the same Zipf law, so they name the prominent people too.
//! - **Wire copies**: some articles come from a wire agency and are
//!   reprinted by other outlets with a new headline, the last paragraph cut
//!   or a byline added (about a tenth of the stream).
//! - **Late arrivals**: one article in twenty arrives hours after its
//!   publication time; the stream is in arrival order.
//!
//! Vocabulary comes from the news corpus ([`Corpus::word`]); people are
//! invented here, with each outlet's transliteration, as in `news`.

use std::collections::HashMap;

use dossier_kit::civil::civil_from_days;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::news::{Corpus, Style, T0, VOCABULARY, transliterate};
use super::words::{Zipf, capitalize, syllable_word};

/// Articles published per day, on average (copies included).
const ARTICLES_PER_DAY: f64 = 300.0;
/// Distinct people; events draw theirs with a Zipf law.
const PEOPLE: usize = 600;
/// Distinct organisations; drawn with a Zipf law as well.
const ORGS: usize = 300;
/// Share of events that reuse the people and place of a recent event.
const SIBLING_SHARE: f64 = 0.35;
/// Share of articles that arrive hours after their publication time.
const LATE_SHARE: f64 = 0.05;

/// What kind of story an article belongs to (for the failure breakdown).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StoryKind {
    /// 3–6 outlets over 1–3 days.
    Event,
    /// An event with the people and place of another event of its week.
    Sibling,
    /// 20–40 articles over 3–6 weeks.
    Running,
    /// One article.
    Singleton,
}

impl StoryKind {
    pub const ALL: [StoryKind; 4] = [
        StoryKind::Event,
        StoryKind::Sibling,
        StoryKind::Running,
        StoryKind::Singleton,
    ];

    pub fn name(self) -> &'static str {
        match self {
            StoryKind::Event => "event",
            StoryKind::Sibling => "sibling event",
            StoryKind::Running => "long-running",
            StoryKind::Singleton => "singleton",
        }
    }
}

/// One article of the stream and its truth.
#[derive(Debug, Clone, PartialEq)]
pub struct StoryArticle {
    /// `doc-{sequence}`.
    pub id: String,
    /// Position in arrival order.
    pub sequence: u64,
    /// Publication time, Unix seconds.
    pub published_at: i64,
    pub source: String,
    pub title: String,
    pub body: String,
    /// The true story.
    pub story: u32,
    pub kind: StoryKind,
    /// The story whose people and place a sibling event reuses.
    pub sibling_of: Option<u32>,
    /// For a copy, the id of the wire report it reprints (which may be
    /// absent from a truncated stream, or arrive after the copy).
    pub original: Option<String>,
    /// The wire report and its copies share a group.
    pub copy_group: Option<u32>,
}

/// The first `docs` articles (in arrival order) of the stream of `seed`.
pub fn stream(seed: u64, docs: usize) -> Vec<StoryArticle> {
    let mut g = Generator::new(seed);
    // Past the wanted count, so the end of the stream is as dense as the
    // middle (long-running stories reach weeks ahead of their start).
    let target = docs + docs / 5 + 200;
    let mut time = T0 as f64;
    let mut story = 0u32;
    while g.drafts.len() < target {
        g.story(story, time as i64);
        story += 1;
        // Exponential gaps between story starts, at the rate that gives
        // ARTICLES_PER_DAY (about 3.4 articles per story).
        let gap = 86_400.0 * 3.4 / ARTICLES_PER_DAY;
        time += -gap * (1.0 - g.rng.random::<f64>()).ln();
    }
    let mut drafts = std::mem::take(&mut g.drafts);
    for (key, d) in drafts.iter_mut().enumerate() {
        d.key = key;
    }
    drafts.sort_by_key(|d| (d.arrival, d.key));
    drafts.truncate(docs);
    let ids: HashMap<usize, String> = drafts
        .iter()
        .enumerate()
        .map(|(seq, d)| (d.key, format!("doc-{seq}")))
        .collect();
    drafts
        .into_iter()
        .enumerate()
        .map(|(seq, d)| StoryArticle {
            id: format!("doc-{seq}"),
            sequence: seq as u64,
            published_at: d.published,
            source: d.source,
            title: d.title,
            body: d.body,
            story: d.story,
            kind: d.kind,
            sibling_of: d.sibling_of,
            // An original cut from the stream is named by key, never
            // matching an id.
            original: d
                .original
                .map(|k| ids.get(&k).cloned().unwrap_or_else(|| format!("cut-{k}"))),
            copy_group: d.copy_group,
        })
        .collect()
}

/// An article before the stream is ordered.
struct Draft {
    key: usize,
    arrival: i64,
    published: i64,
    source: String,
    title: String,
    body: String,
    story: u32,
    kind: StoryKind,
    sibling_of: Option<u32>,
    /// Index in `drafts` of the wire report (keys equal indices until sorted).
    original: Option<usize>,
    copy_group: Option<u32>,
}

/// Outlets and their house styles; the first two are wire agencies.
const OUTLETS: &[(&str, Style)] = &[
    ("northern-wire", Style::English),
    ("baltic-press-agency", Style::English),
    ("harbour-gazette", Style::English),
    ("le-courrier-du-port", Style::French),
    ("rhein-abendblatt", Style::German),
    ("capital-ledger", Style::Sloppy),
    ("evening-courier", Style::English),
    ("coastal-post", Style::French),
    ("metro-observer", Style::Sloppy),
    ("the-daily-beacon", Style::English),
    ("westfalen-kurier", Style::German),
    ("la-voix-du-nord-est", Style::French),
];
const WIRES: usize = 2;

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
    ["Tetyana", "Tetiana", "Tetjana"],
    ["Andriy", "Andriï", "Andrij"],
];
const ONSETS: &[&str] = &[
    "sh", "ch", "k", "kh", "zh", "v", "p", "b", "d", "m", "n", "l", "r", "t", "s", "g", "kr", "st",
    "pr", "tr", "h", "z",
];
const VOWELS: &[&str] = &["a", "o", "u", "e", "i", "y"];
const SUFFIXES: &[&str] = &[
    "chuk", "enko", "ov", "yov", "in", "sky", "yuk", "ich", "ova",
];
const ROLES: &[&str] = &[
    "Energy Minister",
    "Foreign Minister",
    "Finance Minister",
    "Mayor",
    "union leader",
    "chief executive",
    "deputy prime minister",
    "port director",
    "prosecutor",
    "opposition leader",
    "central bank governor",
];
/// Real places, so the gazetteer knows them.
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
    "Brussels",
    "Berlin",
    "Prague",
    "Vienna",
    "Bucharest",
    "Sofia",
    "Athens",
    "Dublin",
    "Lisbon",
    "Madrid",
    "Geneva",
    "Minsk",
];
const ORG_KINDS: &[&str] = &[
    "Shipping",
    "Energy",
    "Holdings",
    "Bank",
    "Logistics",
    "Steel",
    "Telecom",
    "Airlines",
    "Grain Corporation",
    "Rail",
    "Insurance",
    "Chemicals",
];
const MINISTRIES: &[&str] = &[
    "the Ministry of Energy",
    "the Ministry of Finance",
    "the Ministry of Transport",
    "the Ministry of Defence",
    "the Central Bank",
    "the Harbour Authority",
    "the National Audit Office",
    "the Customs Service",
    "the Competition Authority",
    "the Port Workers' Federation",
];
/// Subjects shared by many events (ranked news words of the corpus and more).
const THEMES: &[&str] = &[
    "strike",
    "contract",
    "tariff",
    "pipeline",
    "lawsuit",
    "subsidy",
    "sanctions",
    "merger",
    "budget",
    "investigation",
    "tender",
    "bailout",
    "privatisation",
    "election",
    "refinery",
    "ferry",
];
const VERBS: &[&str] = &[
    "said",
    "told reporters",
    "announced",
    "warned",
    "confirmed",
    "insisted",
];
const ACTIONS: &[&str] = &[
    "invest",
    "set aside",
    "borrow",
    "pay out",
    "cut spending by",
    "seek damages of",
    "raise",
];
const CURRENCIES: &[&str] = &["$", "€", "£"];
const SCALES: &[&str] = &["million", "billion"];
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
const SYLLABLES: &[&str] = &[
    "ar", "bel", "cor", "dan", "el", "fal", "gor", "hel", "in", "jas", "kor", "lin", "mor", "nor",
    "os", "pel", "ril", "sol", "tar", "ur", "val", "wes",
];

/// A person and their spellings by style.
struct Person {
    full: [String; 4],
    surname: [String; 4],
}

/// The facts of one event.
#[derive(Clone)]
struct Facts {
    people: Vec<usize>,
    roles: Vec<&'static str>,
    org: usize,
    place: &'static str,
    amount: String,
    /// Day of the event, counted from the Unix epoch.
    day: i64,
    theme: &'static str,
    /// Words about this event's matter (rare ranks of the vocabulary).
    topic: Vec<String>,
    /// Sentences of the agency report other outlets may quote verbatim.
    wire: Vec<String>,
}

struct Generator {
    corpus: Corpus,
    rng: ChaCha8Rng,
    people: Vec<Person>,
    people_zipf: Zipf,
    orgs: Vec<String>,
    orgs_zipf: Zipf,
    word_zipf: Zipf,
    /// Recent events (start time, story, facts) siblings may borrow from.
    recent: Vec<(i64, u32, Facts)>,
    drafts: Vec<Draft>,
    copy_groups: u32,
}

impl Generator {
    fn new(seed: u64) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x0570_91e5);
        let people = (0..PEOPLE).map(|i| person(i, &mut rng)).collect();
        let orgs = (0..ORGS)
            .map(|i| {
                if i % 5 == 0 {
                    MINISTRIES[(i / 5) % MINISTRIES.len()].to_string()
                } else {
                    format!(
                        "{} {}",
                        capitalize(&syllable_word(i * 7 + 40, SYLLABLES)),
                        ORG_KINDS[rng.random_range(0..ORG_KINDS.len())]
                    )
                }
            })
            .collect();
        Self {
            corpus: Corpus::new(seed),
            rng,
            people,
            people_zipf: Zipf::new(PEOPLE, 1.0),
            orgs,
            orgs_zipf: Zipf::new(ORGS, 0.9),
            word_zipf: Zipf::new(VOCABULARY, 1.05),
            recent: Vec::new(),
            drafts: Vec::new(),
            copy_groups: 0,
        }
    }

    /// Adds the articles of story `story`, starting at `start`.
    fn story(&mut self, story: u32, start: i64) {
        let r: f64 = self.rng.random();
        if r < 0.016 {
            self.running(story, start);
        } else if r < 0.48 {
            self.event(story, start);
        } else {
            let facts = self.facts(start, None);
            let outlet = self.rng.random_range(WIRES..OUTLETS.len());
            let published = start + self.rng.random_range(0..12 * 3_600);
            self.article(
                story,
                StoryKind::Singleton,
                None,
                &facts,
                outlet,
                published,
                0,
            );
        }
    }

    /// New facts at `start`, or a sibling of `parent`'s (same people and
    /// place, new matter).
    fn facts(&mut self, start: i64, parent: Option<&Facts>) -> Facts {
        let rng = &mut self.rng;
        let n = rng.random_range(2..=3);
        let (people, roles, place) = match parent {
            Some(p) => (p.people.clone(), p.roles.clone(), p.place),
            None => {
                let mut people: Vec<usize> = Vec::new();
                while people.len() < n {
                    let p = self.people_zipf.sample(rng);
                    if !people.contains(&p) {
                        people.push(p);
                    }
                }
                let roles = (0..n)
                    .map(|_| ROLES[rng.random_range(0..ROLES.len())])
                    .collect();
                (people, roles, PLACES[rng.random_range(0..PLACES.len())])
            }
        };
        let amount = format!(
            "{}{}.{} {}",
            CURRENCIES[rng.random_range(0..CURRENCIES.len())],
            rng.random_range(2..900),
            rng.random_range(1..10),
            SCALES[rng.random_range(0..SCALES.len())]
        );
        // Rare words: ranks 1,500 and up, where a word is in well under one
        // article in a hundred.
        let topic = (0..5)
            .map(|_| {
                self.corpus
                    .word(rng.random_range(1_500..VOCABULARY))
                    .to_string()
            })
            .collect();
        let day = start.div_euclid(86_400) - rng.random_range(0..2);
        let mut facts = Facts {
            people,
            roles,
            org: self.orgs_zipf.sample(rng),
            place,
            amount,
            day,
            theme: THEMES[rng.random_range(0..THEMES.len())],
            topic,
            wire: Vec::new(),
        };
        let org = self.orgs[facts.org].clone();
        facts.wire = vec![
            format!(
                "{{A}} met {{B}} in {} on {} to discuss the {} of {org}.",
                facts.place,
                date_text(facts.day),
                facts.theme
            ),
            format!(
                "The {} {} {} was expected to go before parliament by {}.",
                facts.topic[0],
                facts.topic[1],
                facts.theme,
                MONTHS[(civil_from_days(facts.day).1 % 12) as usize]
            ),
        ];
        facts
    }

    /// An event covered by 3–6 outlets over 1–3 days, possibly a sibling,
    /// possibly with a wire report and its copies.
    fn event(&mut self, story: u32, start: i64) {
        self.recent.retain(|(t, _, _)| start - t < 7 * 86_400);
        let sibling = !self.recent.is_empty() && self.rng.random_bool(SIBLING_SHARE);
        let (facts, kind, parent) = if sibling {
            let i = self.rng.random_range(0..self.recent.len());
            let (_, parent, pf) = self.recent[i].clone();
            (
                self.facts(start, Some(&pf)),
                StoryKind::Sibling,
                Some(parent),
            )
        } else {
            (self.facts(start, None), StoryKind::Event, None)
        };
        self.recent.push((start, story, facts.clone()));
        let outlets = self.rng.random_range(3..=6);
        let days = self.rng.random_range(1..=3);
        let wire = self.rng.random_bool(0.4);
        let chosen = self.outlets(outlets, wire);
        let mut times: Vec<i64> = (0..outlets)
            .map(|_| start + self.rng.random_range(0..days * 86_400))
            .collect();
        times.sort_unstable();
        for (i, (outlet, time)) in chosen.into_iter().zip(times).enumerate() {
            let brief = if self.rng.random_bool(0.08) { 2 } else { 0 };
            let key = self.article(story, kind, parent, &facts, outlet, time, brief);
            if wire && i == 0 {
                let copies = self.rng.random_range(1..=2);
                self.copies(key, copies);
            }
        }
    }

    /// 20–40 articles over 3–6 weeks: stable people, place and matter;
    /// amounts, dates and side characters change week by week.
    fn running(&mut self, story: u32, start: i64) {
        let core = self.facts(start, None);
        let count = self.rng.random_range(20..=40);
        let span = self.rng.random_range(21..=42) * 86_400;
        let mut times: Vec<i64> = (0..count)
            .map(|_| start + self.rng.random_range(0..span))
            .collect();
        times.sort_unstable();
        let mut week = -1;
        let mut facts = core.clone();
        for time in times {
            let w = (time - start) / (7 * 86_400);
            if w != week {
                week = w;
                // This week's developments: a new amount and date, a new
                // side character, new words, on the same core.
                let fresh = self.facts(time, None);
                facts = core.clone();
                facts.amount = fresh.amount;
                facts.day = fresh.day;
                facts.people.push(fresh.people[0]);
                facts.roles.push(fresh.roles[0]);
                facts.topic = core.topic[..3]
                    .iter()
                    .chain(&fresh.topic[..2])
                    .cloned()
                    .collect();
                if self.rng.random_bool(0.3) {
                    facts.org = fresh.org;
                }
                facts.wire = fresh.wire;
            }
            let wire = self.rng.random_bool(0.15);
            let outlet = if wire {
                self.rng.random_range(0..WIRES)
            } else {
                self.rng.random_range(WIRES..OUTLETS.len())
            };
            let key = self.article(story, StoryKind::Running, None, &facts, outlet, time, 0);
            if wire {
                let copies = self.rng.random_range(1..=2);
                self.copies(key, copies);
            }
        }
    }

    /// `n` distinct outlets; the first a wire agency when `wire`, the rest
    /// newspapers.
    fn outlets(&mut self, n: usize, wire: bool) -> Vec<usize> {
        let mut out = Vec::new();
        if wire {
            out.push(self.rng.random_range(0..WIRES));
        }
        while out.len() < n {
            let o = self.rng.random_range(WIRES..OUTLETS.len());
            if !out.contains(&o) {
                out.push(o);
            }
        }
        out
    }

    /// Writes one article of an event in the outlet's own words; `brief`
    /// non-zero makes it a brief of that many sentences. Returns its index.
    #[allow(clippy::too_many_arguments)]
    fn article(
        &mut self,
        story: u32,
        kind: StoryKind,
        sibling_of: Option<u32>,
        facts: &Facts,
        outlet: usize,
        published: i64,
        brief: usize,
    ) -> usize {
        let style = OUTLETS[outlet].1 as usize;
        let rng = &mut self.rng;
        let people: Vec<&Person> = facts.people.iter().map(|&p| &self.people[p]).collect();
        let (a, b) = (people[0], people[1]);
        let org = &self.orgs[facts.org];
        let date = date_text(facts.day);
        let short_date = {
            let (_, m, d) = civil_from_days(facts.day);
            format!("{} {d}", MONTHS[(m - 1) as usize])
        };
        let pick =
            |rng: &mut ChaCha8Rng, list: &[&'static str]| list[rng.random_range(0..list.len())];
        let leads = [
            format!(
                "{} {} {} on {date} that {org} would {} {} in {}.",
                capitalize(facts.roles[0]),
                a.full[style],
                pick(rng, VERBS),
                pick(rng, ACTIONS),
                facts.amount,
                facts.place
            ),
            format!(
                "{org} will {} {} over the {} in {}, {} {} {} on {short_date}.",
                pick(rng, ACTIONS),
                facts.amount,
                facts.theme,
                facts.place,
                facts.roles[0],
                a.full[style],
                pick(rng, VERBS)
            ),
            format!(
                "In {}, {} {} {} the {} of {org} was worth {} as of {date}.",
                facts.place,
                facts.roles[0],
                a.full[style],
                pick(rng, VERBS),
                facts.theme,
                facts.amount
            ),
            format!(
                "A {} worth {} involving {org} was at the centre of talks in {} on {short_date}, according to {} {}.",
                facts.theme, facts.amount, facts.place, facts.roles[0], a.full[style]
            ),
        ];
        let lead = leads[rng.random_range(0..leads.len())].clone();
        let reactions = [
            format!(
                "{} {} {} the {} was \"{} {}\".",
                capitalize(facts.roles[1]),
                b.full[style],
                pick(rng, VERBS),
                facts.theme,
                self.corpus.word(rng.random_range(100..3_000)),
                self.corpus.word(rng.random_range(100..3_000)),
            ),
            format!(
                "{}, the {}, {} {} would not accept the {} without a vote.",
                b.full[style],
                facts.roles[1],
                pick(rng, VERBS),
                facts.place,
                facts.theme
            ),
            format!(
                "Speaking in {}, {} said the {} figure of {} was {}.",
                facts.place,
                b.full[style],
                facts.theme,
                facts.amount,
                self.corpus.word(rng.random_range(100..3_000)),
            ),
        ];
        let reaction = reactions[rng.random_range(0..reactions.len())].clone();
        let mut sentences = vec![lead, reaction];
        if brief == 0 {
            // Background in the outlet's own words, about the matter.
            let n = rng.random_range(10..24);
            for i in 0..n {
                let mut s = filler(
                    &self.corpus,
                    &self.word_zipf,
                    rng,
                    8,
                    20,
                    &facts.topic,
                    facts.theme,
                );
                match i % 6 {
                    1 => {
                        s.pop();
                        s.push_str(&format!(", {} said.", a.surname[style]));
                    }
                    3 => {
                        let p = people[rng.random_range(0..people.len())];
                        s.pop();
                        s.push_str(&format!(", according to {}.", p.full[style]));
                    }
                    4 if rng.random_bool(0.5) => {
                        s = format!(
                            "The {} in {} concerns {org}, which {} {}.",
                            facts.theme,
                            facts.place,
                            pick(rng, &["reported", "disputed", "expected", "disclosed"]),
                            facts.amount
                        );
                    }
                    _ => {}
                }
                sentences.push(s);
            }
            // Some outlets quote a sentence of the agency's report.
            if rng.random_bool(0.4) && !facts.wire.is_empty() {
                let w = &facts.wire[rng.random_range(0..facts.wire.len())];
                let at = rng.random_range(2..sentences.len());
                sentences.insert(
                    at,
                    w.replace("{A}", &a.full[style])
                        .replace("{B}", &b.full[style]),
                );
            }
        }
        // Paragraphs of one to three sentences.
        let mut body = String::new();
        let mut i = 0;
        while i < sentences.len() {
            let take = rng.random_range(1..=3).min(sentences.len() - i);
            if !body.is_empty() {
                body.push_str("\n\n");
            }
            body.push_str(&sentences[i..i + take].join(" "));
            i += take;
        }
        let title = headline(&self.corpus, rng, facts, a, style, org);
        let arrival = published + late(rng);
        self.drafts.push(Draft {
            key: 0,
            arrival,
            published,
            source: OUTLETS[outlet].0.to_string(),
            title,
            body,
            story,
            kind,
            sibling_of,
            original: None,
            copy_group: None,
        });
        self.drafts.len() - 1
    }

    /// `n` reprints of the wire report at `original` by other outlets: a new
    /// headline, the last paragraph cut, or a byline added (sometimes two).
    fn copies(&mut self, original: usize, n: usize) {
        let group = self.copy_groups;
        self.copy_groups += 1;
        self.drafts[original].copy_group = Some(group);
        let mut taken: Vec<String> = vec![self.drafts[original].source.clone()];
        for _ in 0..n {
            let o = &self.drafts[original];
            let (mut title, mut body) = (o.title.clone(), o.body.clone());
            let (story, kind, sibling_of, wire_published) =
                (o.story, o.kind, o.sibling_of, o.published);
            let wire_name = o.source.clone();
            let outlet = loop {
                let x = self.rng.random_range(WIRES..OUTLETS.len());
                if !taken.iter().any(|t| t == OUTLETS[x].0) {
                    break x;
                }
            };
            taken.push(OUTLETS[outlet].0.to_string());
            let edits = if self.rng.random_bool(0.25) { 2 } else { 1 };
            let mut done = [false; 3];
            for _ in 0..edits {
                done[self.rng.random_range(0..3)] = true;
            }
            // A brief keeps its paragraphs: cut to one sentence it would be
            // a summary, not a copy. Its reprint gets a new headline instead.
            if done[1] && body.matches("\n\n").count() < 2 {
                done = [true, false, done[2]];
            }
            // In this order, so a byline is never the paragraph cut.
            if done[0] {
                title = format!(
                    "{}: {}",
                    capitalize(self.corpus.word(self.rng.random_range(100..2_000))),
                    title
                );
            }
            if done[1]
                && let Some(cut) = body.rfind("\n\n")
            {
                body.truncate(cut);
            }
            if done[2] {
                let p = &self.people[self.rng.random_range(0..PEOPLE)];
                body = if self.rng.random_bool(0.5) {
                    format!("By {}, {}\n\n{body}", p.full[0], wire_name)
                } else {
                    format!(
                        "{body}\n\n(Reporting by {}; editing by {})",
                        p.full[0],
                        self.people[self.rng.random_range(0..PEOPLE)].full[0]
                    )
                };
            }
            let published = wire_published + self.rng.random_range(1_800..8 * 3_600);
            let arrival = published + late(&mut self.rng);
            self.drafts.push(Draft {
                key: 0,
                arrival,
                published,
                source: OUTLETS[outlet].0.to_string(),
                title,
                body,
                story,
                kind,
                sibling_of,
                original: Some(original),
                copy_group: Some(group),
            });
        }
    }
}

/// Seconds an article arrives after its publication: none, or for one in
/// twenty an hour to six.
fn late(rng: &mut ChaCha8Rng) -> i64 {
    if rng.random_bool(LATE_SHARE) {
        rng.random_range(3_600..6 * 3_600)
    } else {
        0
    }
}

/// A headline in the outlet's words.
fn headline(
    corpus: &Corpus,
    rng: &mut ChaCha8Rng,
    facts: &Facts,
    a: &Person,
    style: usize,
    org: &str,
) -> String {
    let topic = &facts.topic[rng.random_range(0..facts.topic.len())];
    match rng.random_range(0..4) {
        0 => format!(
            "{} {} {} {}",
            a.surname[style],
            VERBS[rng.random_range(0..VERBS.len())],
            facts.theme,
            facts.place
        ),
        1 => format!(
            "{}: {} {} {topic}",
            facts.place,
            capitalize(org),
            facts.theme
        ),
        2 => format!(
            "{} {} in {} as {} {}",
            capitalize(facts.theme),
            corpus.word(rng.random_range(100..2_000)),
            facts.place,
            a.surname[style],
            corpus.word(rng.random_range(100..2_000))
        ),
        _ => format!(
            "{} {topic} {} {}",
            capitalize(org),
            facts.theme,
            facts.amount
        ),
    }
}

/// A sentence of `min..max` Zipf words, one in eight a word of the event's
/// matter (one of its topic words, or its theme).
fn filler(
    corpus: &Corpus,
    zipf: &Zipf,
    rng: &mut ChaCha8Rng,
    min: usize,
    max: usize,
    topic: &[String],
    theme: &str,
) -> String {
    let n = rng.random_range(min..max);
    let mut out = String::with_capacity(n * 7);
    // An everyday opener: an invented word capitalised at the start of a
    // sentence reads as a name to any tagger, which real prose rarely gives.
    out.push_str(OPENERS[rng.random_range(0..OPENERS.len())]);
    for _ in 1..n {
        out.push(' ');
        out.push_str(match rng.random_range(0..24) {
            0..=1 => &topic[rng.random_range(0..topic.len())],
            2 => theme,
            _ => corpus.word(zipf.sample(rng)),
        });
    }
    out.push('.');
    out
}

/// How background sentences start.
const OPENERS: &[&str] = &[
    "The",
    "It",
    "In",
    "But",
    "A",
    "This",
    "Officials",
    "Analysts",
    "Critics",
    "Residents",
    "Some",
    "Several",
    "Earlier",
    "Meanwhile",
    "However",
    "Under",
    "For",
    "Since",
];

/// An invented person, spelled in each style.
fn person(i: usize, rng: &mut ChaCha8Rng) -> Person {
    let mut stem = String::new();
    for _ in 0..rng.random_range(1..=2) {
        stem.push_str(ONSETS[rng.random_range(0..ONSETS.len())]);
        stem.push_str(VOWELS[rng.random_range(0..VOWELS.len())]);
    }
    stem.push_str(["p", "v", "l", "r", "n", "s", "d"][rng.random_range(0..7)]);
    let english = capitalize(&format!("{stem}{}", SUFFIXES[i % SUFFIXES.len()]));
    let surname = [Style::English, Style::French, Style::German, Style::Sloppy]
        .map(|s| transliterate(&english, s));
    let first = FIRST_NAMES[rng.random_range(0..FIRST_NAMES.len())];
    let first = [first[0], first[1], first[2], first[0]];
    let full = std::array::from_fn(|s| format!("{} {}", first[s], surname[s]));
    Person { full, surname }
}

/// "14 March 2025" for a day counted from the Unix epoch.
fn date_text(day: i64) -> String {
    let (y, m, d) = civil_from_days(day);
    format!("{d} {} {y}", MONTHS[(m - 1) as usize])
}

/// B³ precision, recall and F1 of a predicted clustering against the truth:
/// each item's precision is the share of its predicted cluster in its true
/// one, its recall the share of its true cluster in its predicted one; both
/// are averaged over items.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BCubed {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

/// B³ of `predicted[i]` against `truth[i]` (cluster labels per item).
pub fn b_cubed<P, T>(predicted: &[P], truth: &[T]) -> BCubed
where
    P: std::hash::Hash + Eq,
    T: std::hash::Hash + Eq,
{
    assert_eq!(predicted.len(), truth.len(), "one label each");
    let n = predicted.len();
    if n == 0 {
        return BCubed {
            precision: 1.0,
            recall: 1.0,
            f1: 1.0,
        };
    }
    let mut pred_size: HashMap<&P, f64> = HashMap::new();
    let mut true_size: HashMap<&T, f64> = HashMap::new();
    let mut both: HashMap<(&P, &T), f64> = HashMap::new();
    for (p, t) in predicted.iter().zip(truth) {
        *pred_size.entry(p).or_default() += 1.0;
        *true_size.entry(t).or_default() += 1.0;
        *both.entry((p, t)).or_default() += 1.0;
    }
    // Items sharing both labels each see `k` of their kind in either cluster.
    let (mut precision, mut recall) = (0.0, 0.0);
    for ((p, t), k) in &both {
        precision += k * k / pred_size[p];
        recall += k * k / true_size[t];
    }
    let (precision, recall) = (precision / n as f64, recall / n as f64);
    BCubed {
        precision,
        recall,
        f1: 2.0 * precision * recall / (precision + recall),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn b_cubed_of_a_perfect_clustering_is_one() {
        let s = b_cubed(&[1, 1, 2, 3], &["a", "a", "b", "c"]);
        assert!(close(s.precision, 1.0) && close(s.recall, 1.0) && close(s.f1, 1.0));
    }

    #[test]
    fn b_cubed_by_hand() {
        // Truth {0,1,2} {3,4}; predicted {0,1} {2,3,4}.
        // Precision: items 0,1: 2/2; items 2: 1/3; items 3,4: 2/3 → (1+1+1/3+2/3+2/3)/5 = 11/15.
        // Recall: items 0,1: 2/3; item 2: 1/3; items 3,4: 2/2 → (2/3+2/3+1/3+1+1)/5 = 11/15.
        let s = b_cubed(&["x", "x", "y", "y", "y"], &[0, 0, 0, 1, 1]);
        assert!(close(s.precision, 11.0 / 15.0), "{s:?}");
        assert!(close(s.recall, 11.0 / 15.0), "{s:?}");
        assert!(close(s.f1, 11.0 / 15.0));
    }

    #[test]
    fn b_cubed_of_one_cluster_and_of_singletons() {
        // Everything lumped: precision is the mean share of each item's
        // true cluster in the whole, recall 1. Truth {0,1,2} {3}.
        let lumped = b_cubed(&[0, 0, 0, 0], &[7, 7, 7, 8]);
        assert!(close(lumped.precision, (3.0 * 0.75 + 0.25) / 4.0));
        assert!(close(lumped.recall, 1.0));
        // Everything split: precision 1, recall the mean 1/|true cluster|.
        let split = b_cubed(&[0, 1, 2, 3], &[7, 7, 7, 8]);
        assert!(close(split.precision, 1.0));
        assert!(close(split.recall, (3.0 / 3.0 + 1.0) / 4.0));
        let f1 = 2.0 * split.recall / (1.0 + split.recall);
        assert!(close(split.f1, f1));
    }

    #[test]
    fn the_stream_is_a_function_of_the_seed() {
        let a = stream(11, 800);
        assert_eq!(a, stream(11, 800));
        assert_ne!(a, stream(12, 800));
        // A shorter stream is a prefix of a longer one only up to the
        // generation margin; the count is exact.
        assert_eq!(a.len(), 800);
        assert!(a.iter().enumerate().all(|(i, d)| d.sequence == i as u64));
    }

    #[test]
    fn the_stream_has_every_kind_of_story_and_about_a_tenth_copies() {
        let docs = stream(3, 4_000);
        for kind in StoryKind::ALL {
            assert!(docs.iter().any(|d| d.kind == kind), "{kind:?}");
        }
        let copies = docs.iter().filter(|d| d.original.is_some()).count();
        let share = copies as f64 / docs.len() as f64;
        assert!((0.05..0.16).contains(&share), "copies {share}");
        // Copies keep their original's story; the original is mostly in
        // the stream, earlier.
        let by_id: HashMap<&str, &StoryArticle> = docs.iter().map(|d| (d.id.as_str(), d)).collect();
        for d in docs.iter().filter(|d| d.original.is_some()) {
            if let Some(o) = by_id.get(d.original.as_deref().unwrap_or_default()) {
                assert_eq!(o.story, d.story);
                assert_eq!(o.copy_group, d.copy_group);
            }
        }
        // Long-running stories hold 20–40 articles (fewer if cut by the end).
        let mut sizes: HashMap<u32, usize> = HashMap::new();
        for d in docs.iter().filter(|d| d.kind == StoryKind::Running) {
            *sizes.entry(d.story).or_default() += 1;
        }
        assert!(sizes.values().any(|&n| n >= 20), "{sizes:?}");
        assert!(sizes.values().all(|&n| n <= 40 + 40 * 2));
    }

    #[test]
    fn outlets_spell_names_their_own_way() {
        assert_eq!(transliterate("Shapovchuk", Style::French), "Chapovtchouk");
        assert_eq!(transliterate("Shapovchuk", Style::German), "Schapowtschuk");
        assert_eq!(transliterate("Shapovchuk", Style::Sloppy), "Shapovchuck");
    }
}
