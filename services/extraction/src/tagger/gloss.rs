//! A name given again in another script, in parentheses right after it —
//! "Iouri Chapovtchouk (Юрій Шаповчук)" — names the same entity. The
//! tagger, trained on English text, does not tag the Cyrillic (Greek,
//! Arabic, CJK…) form, so it is added here as a span of the preceding
//! name's type; linking folds it to Latin letters and joins the two.

use super::NameSpan;

/// Longest gloss considered, in bytes: a name, not a parenthetical remark.
const MAX_GLOSS_BYTES: usize = 120;

/// Adds a span for every other-script gloss that directly follows a name,
/// keeping `names` in text order.
pub(crate) fn add_glosses(text: &str, names: &mut Vec<NameSpan>) {
    let glosses: Vec<NameSpan> = names
        .iter()
        .filter_map(|name| {
            let (start, end) = gloss_after(text, name.end)?;
            Some(NameSpan {
                start,
                end,
                entity_type: name.entity_type,
                confidence: name.confidence,
            })
        })
        .collect();
    if glosses.is_empty() {
        return;
    }
    for gloss in glosses {
        if !names
            .iter()
            .any(|n| n.start < gloss.end && gloss.start < n.end)
        {
            names.push(gloss);
        }
    }
    names.sort_by_key(|n| n.start);
}

/// The byte span of the name inside "(…)" right after `at` (spaces
/// allowed before the parenthesis), when it is written in a non-Latin
/// script: letters only, each word capitalised where the script has case.
fn gloss_after(text: &str, at: usize) -> Option<(usize, usize)> {
    let rest = text.get(at..)?;
    let inner = rest.trim_start_matches([' ', '\u{a0}']).strip_prefix('(')?;
    let body = &inner[..inner.find(')')?];
    let trimmed = body.trim();
    if trimmed.is_empty() || trimmed.len() > MAX_GLOSS_BYTES {
        return None;
    }
    let name_like = trimmed.split_whitespace().all(|word| {
        let mut letters = word.chars().filter(|c| c.is_alphabetic());
        let capitalised = letters
            .next()
            .is_some_and(|first| first.is_uppercase() || !first.is_lowercase());
        capitalised
            && word
                .chars()
                .all(|c| (c.is_alphabetic() && !is_latin(c)) || "-'’.".contains(c))
    });
    if !name_like {
        return None;
    }
    let start = text.len() - inner.len() + (body.len() - body.trim_start().len());
    Some((start, start + trimmed.len()))
}

/// Latin letters, with the accented ones of Latin-1 and Latin Extended.
fn is_latin(c: char) -> bool {
    c.is_ascii_alphabetic() || ('\u{c0}'..='\u{24f}').contains(&c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::EntityType;

    fn person(text: &str, name: &str) -> NameSpan {
        let start = text.find(name).unwrap();
        NameSpan {
            start,
            end: start + name.len(),
            entity_type: EntityType::Person,
            confidence: 0.9,
        }
    }

    fn glossed(text: &str, name: &str) -> Vec<String> {
        let mut names = vec![person(text, name)];
        add_glosses(text, &mut names);
        names
            .iter()
            .map(|n| text[n.start..n.end].to_string())
            .collect()
    }

    #[test]
    fn a_parenthesised_cyrillic_name_becomes_a_span_of_the_same_type() {
        let text = "Iouri Chapovtchouk (Юрій Шаповчук), Ukraine’s energy minister, spoke.";
        assert_eq!(
            glossed(text, "Iouri Chapovtchouk"),
            ["Iouri Chapovtchouk", "Юрій Шаповчук"]
        );
        let text = "Ann Lee ( 李安 ) arrived.";
        assert_eq!(glossed(text, "Ann Lee"), ["Ann Lee", "李安"]);
    }

    #[test]
    fn latin_lowercase_and_remarks_in_parentheses_are_not_names() {
        for text in [
            "Ann Smith (the minister) spoke.",
            "Ann Smith (Reuters) spoke.",
            "Ann Smith (в отставке) spoke.",
            "Ann Smith (2019) spoke.",
            "Ann Smith () spoke.",
            "Ann Smith (Юрій spoke.",
            "Ann Smith, (Юрій) spoke.",
        ] {
            assert_eq!(glossed(text, "Ann Smith"), ["Ann Smith"], "{text}");
        }
    }
}
