//! Padding a registry with synthetic strangers for the screening speed
//! figure (`dossier-extraction screen --pad N --repeat M`): people of
//! common given names and surnames (so a screened name meets many people
//! of its surname, as in a large registry) and companies.

use std::time::{Duration, Instant};

use super::screen_eval::NameRow;
use crate::EntityType;
use crate::registry::{NameQuery, Registry};

/// Common given names and surnames of several origins, for padding a
/// registry with plausible strangers: a screened name meets many people
/// of its surname, as it would in a large registry.
#[rustfmt::skip]
const PAD_GIVEN: &[&str] = &[
    "John", "Maria", "Anna", "Peter", "Ivan", "Olga", "Sergei", "Elena", "Mohammed", "Fatima",
    "Ahmed", "Wei", "Li", "Mehmet", "Ayse", "Jose", "Carlos", "Ana", "Michael", "Sarah", "David",
    "Laura", "Andrei", "Natalia", "Oleksandr", "Iryna", "Hassan", "Omar", "Yusuf", "Khaled", "Jan",
    "Piotr", "Katarzyna", "Thomas", "Stefan", "Martin", "Eva", "Pierre", "Marie", "Luca", "Giulia",
    "Hans", "Ali", "Emre", "Zeynep", "Dmitry", "Tatiana", "Viktor", "Pavel", "Igor", "Nikolai",
    "Yulia",
];
#[rustfmt::skip]
const PAD_SURNAMES: &[&str] = &[
    "Smith", "Muller", "Ivanov", "Petrov", "Kovalenko", "Shevchenko", "Wang", "Zhang", "Chen",
    "Liu", "Haddad", "Mansour", "Yilmaz", "Kaya", "Demir", "Garcia", "Martinez", "Rossi",
    "Kowalski", "Nowak", "Novak", "Horvat", "Popescu", "Nagy", "Jensen", "Hansen", "Dubois",
    "Martin", "Schmidt", "Schneider", "Kuznetsov", "Sokolov", "Volkov", "Bondarenko", "Tkachenko",
    "Kravchenko", "Khoury", "Saleh", "Hussein", "Ibrahim", "Celik", "Sahin", "Ozturk", "Lopez",
    "Gonzalez", "Silva", "Santos", "Costa",
];

/// A tiny deterministic generator, so padding needs no extra crate.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    /// Zipf-like: small indices much more often than large ones.
    fn skewed(&mut self, n: usize) -> usize {
        let u = (self.next() % 1_000_000) as f64 / 1_000_000.0;
        ((n as f64).powf(u) as usize).saturating_sub(1).min(n - 1)
    }
}

#[rustfmt::skip]
const SYLLABLES: &[&str] = &[
    "ka", "lo", "mi", "ra", "ten", "vo", "sha", "el", "dor", "ni", "ber", "gu", "fa", "zel", "tor",
    "an", "ri", "mo", "ste", "vin", "ko", "la", "ha", "sem", "yu", "ol", "pa", "dre", "ki", "no",
];

fn invented(rng: &mut Lcg, syllables: usize) -> String {
    let mut w = String::new();
    for _ in 0..syllables {
        w.push_str(SYLLABLES[rng.below(SYLLABLES.len())]);
    }
    let mut c = w.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => w,
    }
}

/// One padding mention: 80% people (a common given name; a surname from a
/// skewed draw over common surnames and 40,000 invented ones), 20%
/// organisations.
fn pad_mention(rng: &mut Lcg) -> crate::link::NameMention {
    let (text, entity_type) = if rng.below(10) < 8 {
        let given = PAD_GIVEN[rng.below(PAD_GIVEN.len())];
        let i = rng.skewed(PAD_SURNAMES.len() + 40_000);
        let surname = match PAD_SURNAMES.get(i) {
            Some(s) => s.to_string(),
            None => invented(&mut Lcg(i as u64 * 7 + 3), 3),
        };
        (format!("{given} {surname}"), EntityType::Person)
    } else {
        let a = invented(&mut Lcg(rng.below(30_000) as u64 + 11), 3);
        let b = [
            "Trading",
            "Shipping",
            "Holdings",
            "Energy",
            "Capital",
            "Logistics",
        ][rng.below(6)];
        (format!("{a} {b}"), EntityType::Org)
    };
    crate::link::NameMention {
        start: 0,
        end: text.len(),
        text,
        entity_type,
    }
}

/// Adds synthetic entities until the registry holds at least `entities`;
/// returns the time taken.
pub fn pad_registry(registry: &Registry, entities: usize) -> Result<Duration, String> {
    use crate::link::DocumentMeta;
    let t0 = Instant::now();
    let mut rng = Lcg(0x5c4ee9);
    let mut doc = 0usize;
    while registry.entity_count() < entities {
        let batch: Vec<(DocumentMeta, Vec<crate::link::NameMention>)> = (0..64)
            .map(|_| {
                doc += 1;
                let meta = DocumentMeta {
                    document_id: Some(format!("pad-{doc:07}")),
                    source: Some(format!("outlet-{}", doc % 7)),
                    published_at: Some(1_700_000_000 + doc as i64 * 600),
                };
                (meta, (0..30).map(|_| pad_mention(&mut rng)).collect())
            })
            .collect();
        registry.link_batch(&batch).map_err(|e| e.to_string())?;
    }
    Ok(t0.elapsed())
}

/// `rows`' queries repeated in turn until there are `n`.
pub fn repeated_queries(rows: &[NameRow], n: usize) -> Result<Vec<NameQuery>, String> {
    let queries = rows
        .iter()
        .map(NameRow::query)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(queries.iter().cycle().take(n).cloned().collect())
}
