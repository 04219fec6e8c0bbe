//! OntoNotes puts a value's modifiers inside its span: "[about $31
//! billion]", "[more than 25%]", "[up to 600 megawatts]". The value rules
//! find the amount; this moves the start back over the modifier before it.

use super::words::word_before;

/// Modifiers, as word sequences, longest first within a shared last word.
const MODIFIERS: &[&[&str]] = &[
    &["as", "much", "as"],
    &["as", "many", "as"],
    &["as", "little", "as"],
    &["as", "few", "as"],
    &["more", "than"],
    &["less", "than"],
    &["fewer", "than"],
    &["just", "over"],
    &["just", "under"],
    &["well", "over"],
    &["well", "above"],
    &["up", "to"],
    &["at", "least"],
    &["at", "most"],
    &["close", "to"],
    &["an", "estimated"],
    &["about"],
    &["around"],
    &["roughly"],
    &["nearly"],
    &["almost"],
    &["approximately"],
    &["some"],
    &["over"],
];

/// The start of a value span once the modifier before `start` is inside it.
pub fn modifier_start(text: &str, start: usize) -> usize {
    'next: for modifier in MODIFIERS {
        let mut at = start;
        for (k, want) in modifier.iter().rev().enumerate() {
            let Some(w) = word_before(text, at) else {
                continue 'next;
            };
            // Only spaces between the words: never across punctuation.
            if text[w.end..at].trim() != "" || (k == 0 && w.end == at) {
                continue 'next;
            }
            if !w.text.eq_ignore_ascii_case(want) {
                continue 'next;
            }
            at = w.start;
        }
        return at;
    }
    start
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_modifier(text: &str, amount: &str) -> String {
        let start = text.find(amount).unwrap();
        text[modifier_start(text, start)..start + amount.len()].to_string()
    }

    #[test]
    fn modifiers_join_the_value() {
        assert_eq!(
            with_modifier("worth about $31 billion.", "$31 billion"),
            "about $31 billion"
        );
        assert_eq!(
            with_modifier("rose more than 25% in", "25%"),
            "more than 25%"
        );
        assert_eq!(
            with_modifier("Up to 600 megawatts", "600 megawatts"),
            "Up to 600 megawatts"
        );
        assert_eq!(with_modifier("as much as 3% now", "3%"), "as much as 3%");
        assert_eq!(with_modifier("cost $5 million", "$5 million"), "$5 million");
        assert_eq!(
            with_modifier("it was over. $5 million", "$5 million"),
            "$5 million"
        );
        assert_eq!(with_modifier("the than 5%", "5%"), "5%");
    }
}
