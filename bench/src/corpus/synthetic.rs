//! The synthetic text of the extraction benches (`dossier-extraction-bench`
//! and `dossier-extraction-grpc-bench`): short news articles dense in names,
//! titles, places, organisations, numbers and quotes, over a few hundred
//! words of vocabulary. Deterministic (one fixed seed).

use dossier_extraction::tagger::Rng;
use dossier_extraction::tokenize::tokenize;

/// Synthetic news articles of about `tokens` tokens: varied names, titles,
/// places, numbers and quotes over a few hundred words of vocabulary.
pub fn synthetic(tokens: usize) -> Vec<String> {
    const FIRST: &[&str] = &[
        "Anna", "Yuri", "Mohammed", "Li", "Maria", "John", "Olga", "Pierre", "Kofi", "Sanjay",
        "Elena", "David",
    ];
    const LAST: &[&str] = &[
        "Petrova",
        "Gagarin",
        "Hassan",
        "Wei",
        "Santos",
        "Miller",
        "Tymoshenko",
        "Dubois",
        "Mensah",
        "Gupta",
        "Navalny",
        "Okafor",
    ];
    const PLACES: &[&str] = &[
        "Moscow",
        "Kyiv",
        "Beijing",
        "Paris",
        "Lagos",
        "New Delhi",
        "Brazil",
        "Germany",
        "the Middle East",
        "Texas",
        "Jakarta",
        "Nairobi",
    ];
    const ORGS: &[&str] = &[
        "the United Nations",
        "Gazprom",
        "Reuters",
        "the European Union",
        "Acme Corp.",
        "NATO",
        "the World Bank",
        "Toyota Motor Corp",
        "Barclays",
        "the Kremlin",
    ];
    const TITLES: &[&str] = &[
        "President",
        "Foreign Minister",
        "Mr.",
        "Gen.",
        "Prime Minister",
        "Chief Executive",
        "Dr.",
    ];
    const VERBS: &[&str] = &[
        "said",
        "told reporters",
        "announced",
        "warned",
        "denied",
        "confirmed",
        "added",
    ];
    const TAIL: &[&str] = &[
        "that talks would resume next week",
        "that the deal was worth $2.3 billion",
        "prices rose 3.5 percent in March",
        "the company's shares fell sharply on Tuesday",
        "that 3,000 troops had been sent to the border",
        "the agreement would be signed by the end of the year",
        "it was too early to comment on the outcome of the vote",
        "officials expected growth to slow in the second half",
        "the investigation was continuing",
    ];
    let mut rng = Rng::new(42);
    let mut out = Vec::new();
    let mut count = 0;
    while count < tokens {
        let mut article = String::new();
        for _ in 0..20 {
            let s = format!(
                "{} {} {} of {} {} in {} {}. \"We will not accept this,\" {}'s spokesman said, according to {}.\n",
                rng.pick(TITLES),
                rng.pick(FIRST),
                rng.pick(LAST),
                rng.pick(ORGS),
                rng.pick(VERBS),
                rng.pick(PLACES),
                rng.pick(TAIL),
                rng.pick(LAST),
                rng.pick(ORGS),
            );
            article.push_str(&s);
        }
        count += tokenize(&article).len();
        out.push(article);
    }
    out
}

/// A news-like article of about `bytes` bytes, ending at a sentence end.
pub fn article(bytes: usize) -> String {
    let text = synthetic(2_000).concat();
    let mut out = String::new();
    for line in text.split_inclusive('\n') {
        if out.len() + line.len() > bytes {
            break;
        }
        out.push_str(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn articles_reach_the_token_count_and_end_at_sentences() {
        let texts = synthetic(5_000);
        let tokens: usize = texts.iter().map(|t| tokenize(t).len()).sum();
        assert!(tokens >= 5_000);
        assert_eq!(texts, synthetic(5_000));
        let one = article(4_096);
        assert!(one.len() <= 4_096 && one.len() > 3_000 && one.ends_with('\n'));
    }
}
