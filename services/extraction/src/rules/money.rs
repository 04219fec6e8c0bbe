//! MONEY: "$2.3 billion", "€5m", "US$1.2bn", "Rs 200 crore", "300 million
//! yuan", "5 million euros". Normalised to `<amount> <ISO 4217 code>`.

use std::sync::LazyLock;

use regex::Regex;

use super::RuleSpan;
use super::numbers::{NUMBER, SCALE, needs_scale, scaled};
use crate::EntityType;

/// Currency written before the number: symbol or code.
const PREFIX: &str = r"(?:US\$|U\.S\.\s?\$|USD|A\$|AU\$|AUD|C\$|CA\$|CAD|HK\$|HKD|NZ\$|NZD|S\$|SGD|R\$|BRL|\$|€|EUR|£|GBP|¥|JPY|CNY|RMB|₹|Rs\.?|INR|₽|RUB|₩|KRW|₺|TRY|₴|UAH|CHF|SEK|NOK|ZAR|MXN|ILS|₪|PLN)";

/// Currency written after the number: words or codes, optionally qualified.
const SUFFIX: &str = r"(?:(?:US|U\.S\.|American|Canadian|Australian|Hong\s+Kong|New\s+Zealand|Singapore|Swiss|Chinese|Japanese|Indian|Russian|Ukrainian|Turkish|Mexican|South\s+African|Saudi|Brazilian|Swedish|Norwegian|Danish|Israeli|Polish|South\s+Korean|Egyptian|Nigerian|British)\s+)?(?:dollars?|euros?|pounds?\s+sterling|pounds?|sterling|yuan|renminbi|yen|rupees?|roubles?|rubles?|hryvnias?|francs?|won|lira|liras|rand|pesos?|reais|riyals?|dirhams?|shekels?|zlotys?|kronor|kroner|kronur|krona|krone|naira|cents?|USD|EUR|GBP|JPY|CNY|INR|RUB|UAH|CHF)";

static PREFIXED: LazyLock<Regex> = LazyLock::new(|| {
    super::rule_regex(&format!(
        r"(?i)(?P<cur>{PREFIX})\s?(?P<num>{NUMBER})(?:\s?(?P<scale>{SCALE})\b)?"
    ))
});

static SUFFIXED: LazyLock<Regex> = LazyLock::new(|| {
    super::rule_regex(&format!(
        r"(?i)(?P<num>{NUMBER})(?:[\s-]?(?P<scale>{SCALE})\b)?\s+(?P<cur>{SUFFIX})\b"
    ))
});

pub(super) fn find(text: &str, out: &mut Vec<RuleSpan>) {
    for c in PREFIXED.captures_iter(text) {
        let (Some(m), Some(cur), Some(num)) = (c.get(0), c.name("cur"), c.name("num")) else {
            continue;
        };
        let scale = c.name("scale").map(|s| s.as_str());
        if needs_scale(num.as_str()) && scale.is_none() {
            continue;
        }
        // A code made of letters must not be the tail of a word ("PLUSD 5").
        let glued = text[..m.start()]
            .chars()
            .next_back()
            .is_some_and(char::is_alphanumeric);
        if cur.as_str().starts_with(char::is_alphabetic) && glued {
            continue;
        }
        let code = prefix_code(cur.as_str());
        push(out, m.start(), m.end(), num.as_str(), scale, code, false);
    }
    for c in SUFFIXED.captures_iter(text) {
        let (Some(m), Some(cur), Some(num)) = (c.get(0), c.name("cur"), c.name("num")) else {
            continue;
        };
        let scale = c.name("scale").map(|s| s.as_str());
        if needs_scale(num.as_str()) && scale.is_none() {
            continue;
        }
        let Some((code, ambiguous)) = suffix_code(cur.as_str()) else {
            continue;
        };
        // "won", "rand" and bare "pounds" are ordinary words or weights unless scaled.
        if ambiguous && scale.is_none() {
            continue;
        }
        let cents = cur.as_str().to_ascii_lowercase().starts_with("cent");
        push(out, m.start(), m.end(), num.as_str(), scale, code, cents);
    }
}

fn push(
    out: &mut Vec<RuleSpan>,
    start: usize,
    end: usize,
    num: &str,
    scale: Option<&str>,
    code: &str,
    cents: bool,
) {
    let value = scaled(num, scale).map(|d| {
        if cents {
            format!("{} {code}", cents_to_units(&d.to_string()))
        } else {
            format!("{d} {code}")
        }
    });
    out.push(RuleSpan {
        start,
        end,
        entity_type: EntityType::Money,
        value,
    });
}

/// "50" cents → "0.5"; "125" → "1.25".
fn cents_to_units(s: &str) -> String {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    let padded = format!("{int:0>3}");
    let (units, hundredths) = padded.split_at(padded.len() - 2);
    let units = units.trim_start_matches('0');
    let frac = format!("{hundredths}{frac}");
    let frac = frac.trim_end_matches('0');
    let units = if units.is_empty() { "0" } else { units };
    if frac.is_empty() {
        units.to_string()
    } else {
        format!("{units}.{frac}")
    }
}

fn prefix_code(cur: &str) -> &'static str {
    let c = cur.to_ascii_uppercase().replace(' ', "");
    match c.as_str() {
        "A$" | "AU$" | "AUD" => "AUD",
        "C$" | "CA$" | "CAD" => "CAD",
        "HK$" | "HKD" => "HKD",
        "NZ$" | "NZD" => "NZD",
        "S$" | "SGD" => "SGD",
        "R$" | "BRL" => "BRL",
        "€" | "EUR" => "EUR",
        "£" | "GBP" => "GBP",
        "¥" | "JPY" => "JPY",
        "CNY" | "RMB" => "CNY",
        "₹" | "RS" | "RS." | "INR" => "INR",
        "₽" | "RUB" => "RUB",
        "₩" | "KRW" => "KRW",
        "₺" | "TRY" => "TRY",
        "₴" | "UAH" => "UAH",
        "₪" | "ILS" => "ILS",
        "CHF" => "CHF",
        "SEK" => "SEK",
        "NOK" => "NOK",
        "ZAR" => "ZAR",
        "MXN" => "MXN",
        "PLN" => "PLN",
        // "$", "US$", "U.S.$", "USD": news convention reads a bare $ as US dollars.
        _ => "USD",
    }
}

/// ISO code for a currency written after the number, and whether the word is
/// ambiguous without a scale word.
fn suffix_code(cur: &str) -> Option<(&'static str, bool)> {
    let lower = cur.to_ascii_lowercase();
    let words: Vec<&str> = lower.split_whitespace().collect();
    let (qualifier, unit) = match words.as_slice() {
        [] => return None,
        [u] => ("", *u),
        [q @ .., u] if *u == "sterling" && q.last() == Some(&"pounds") => ("", "sterling"),
        [q @ .., u] => (q[0], *u),
    };
    let unit = unit.trim_end_matches('s');
    let code = match unit {
        "dollar" | "cent" => match qualifier {
            "canadian" => "CAD",
            "australian" => "AUD",
            "hong" => "HKD",
            "new" => "NZD",
            "singapore" => "SGD",
            _ => "USD",
        },
        "euro" | "eur" => "EUR",
        "pound" => return Some(("GBP", true)),
        "sterling" | "gbp" => "GBP",
        "yuan" | "renminbi" | "cny" => "CNY",
        "yen" | "jpy" => "JPY",
        "rupee" | "inr" => "INR",
        "ruble" | "rouble" | "rub" => "RUB",
        "hryvnia" | "uah" => "UAH",
        "franc" | "chf" => "CHF",
        "won" => return Some(("KRW", true)),
        "lira" => "TRY",
        "rand" => return Some(("ZAR", true)),
        "peso" => "MXN",
        "reai" => "BRL",
        "riyal" => "SAR",
        "dirham" => "AED",
        "shekel" => "ILS",
        "zloty" => "PLN",
        "kronor" | "krona" => "SEK",
        "kroner" | "krone" => match qualifier {
            "danish" => "DKK",
            _ => "NOK",
        },
        "kronur" => "ISK",
        "naira" => "NGN",
        "usd" => "USD",
        _ => return None,
    };
    Some((code, false))
}

#[cfg(test)]
mod tests {
    use super::super::recognize;
    use crate::EntityType;

    fn money(text: &str) -> Vec<(String, Option<String>)> {
        recognize(text, None)
            .into_iter()
            .filter(|s| s.entity_type == EntityType::Money)
            .map(|s| (text[s.start..s.end].to_string(), s.value))
            .collect()
    }

    fn one(text: &str, span: &str, value: &str) {
        assert_eq!(
            money(text),
            vec![(span.to_string(), Some(value.to_string()))],
            "{text}"
        );
    }

    #[test]
    fn prefixed_amounts() {
        one("a loss of $2.3 billion", "$2.3 billion", "2300000000 USD");
        one("fined €5m last", "€5m", "5000000 EUR");
        one("tickets cost £40 each", "£40", "40 GBP");
        one("raised US$1.2bn", "US$1.2bn", "1200000000 USD");
        one("a Rs 200 crore project", "Rs 200 crore", "2000000000 INR");
        one("worth $5,000.", "$5,000", "5000 USD");
        one("sold for HK$3.5 million", "HK$3.5 million", "3500000 HKD");
        one("a C$ 12 fee", "C$ 12", "12 CAD");
        one("USD 40 million in aid", "USD 40 million", "40000000 USD");
        one("it costs ¥300", "¥300", "300 JPY");
        one("about ₹500 crore", "₹500 crore", "5000000000 INR");
    }

    #[test]
    fn suffixed_amounts() {
        one(
            "300 million yuan in loans",
            "300 million yuan",
            "300000000 CNY",
        );
        one("paid 5 million euros", "5 million euros", "5000000 EUR");
        one("ten dollars each", "ten dollars", "10 USD");
        one("a billion dollars", "a billion dollars", "1000000000 USD");
        one(
            "2 billion Canadian dollars",
            "2 billion Canadian dollars",
            "2000000000 CAD",
        );
        one(
            "3.5 million pounds sterling",
            "3.5 million pounds sterling",
            "3500000 GBP",
        );
        one("40 million pounds", "40 million pounds", "40000000 GBP");
        one("just 50 cents", "50 cents", "0.5 USD");
        one("5 trillion won", "5 trillion won", "5000000000000 KRW");
        one("200 roubles", "200 roubles", "200 RUB");
    }

    #[test]
    fn non_matches() {
        assert!(money("The party won 5 seats").is_empty());
        assert!(money("in 2019 won the cup").is_empty());
        assert!(money("a 200 pounds weight").is_empty());
        assert!(money("price: $").is_empty());
        assert!(money("ten people").is_empty());
        assert!(money("a dollar store").is_empty());
        assert!(money("often dollars").is_empty());
    }
}
