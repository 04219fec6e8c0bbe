//! The ways one screened name may be written, each parsed for matching.
//!
//! Lists write people's names in orders news text does not: "SURNAME,
//! Given Patronymic" (a comma), "SURNAME Given" (the surname in capitals),
//! or simply "Surname Given". A comma or capitals say where the surname
//! is, so those readings cost nothing; reading a plain name surname-first
//! is a guess, so it costs a little ([`ROTATED_PENALTY`]) and the name as
//! written wins a tie.

use super::request::NameQuery;
use crate::EntityType;
use crate::link::ParsedName;
use crate::link::chinese::is_family_name;
use crate::link::fold::fold;
use crate::link::name::clean_surface;

/// What reading a plain name surname-first costs.
pub const ROTATED_PENALTY: f64 = 0.02;

/// How a form's word order was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    AsWritten,
    /// "SURNAME, Given": the part before the comma is the surname.
    Comma,
    /// "SURNAME Given": the words in capitals are the surname.
    Capitals,
    /// "Surname Given" read surname-first without a mark saying so.
    Rotated,
}

impl Order {
    pub fn penalty(self) -> f64 {
        match self {
            Order::Rotated => ROTATED_PENALTY,
            _ => 0.0,
        }
    }
}

/// One reading of the name or of one of its aliases.
#[derive(Debug, Clone)]
pub struct Form {
    pub parsed: ParsedName,
    /// Compared with people (true) or with names of other types.
    pub person: bool,
    /// The one type it may match; `None`: any of its side (people, or any
    /// other name type).
    pub required: Option<EntityType>,
    pub order: Order,
    /// 0 for the name, i for the alias `aliases[i - 1]`.
    pub source: usize,
}

impl Form {
    /// Whether this form may match an entity of type `theirs`.
    pub fn accepts(&self, theirs: EntityType) -> bool {
        match self.required {
            Some(t) => t == theirs,
            None => theirs.is_name() && (theirs == EntityType::Person) == self.person,
        }
    }

    /// The type the form was parsed as (for index keys).
    pub fn parsed_type(&self) -> EntityType {
        if self.person {
            EntityType::Person
        } else {
            self.required.unwrap_or(EntityType::Org)
        }
    }
}

/// Every form of one screened name.
#[derive(Debug, Clone)]
pub struct QueryForms {
    pub forms: Vec<Form>,
    /// The name, then its aliases, as sent (for explanations).
    pub texts: Vec<String>,
}

impl QueryForms {
    pub fn new(q: &NameQuery) -> QueryForms {
        let texts: Vec<String> = std::iter::once(&q.name)
            .chain(&q.aliases)
            .cloned()
            .collect();
        let mut forms: Vec<Form> = Vec::new();
        for (source, text) in texts.iter().enumerate() {
            if q.entity_type.is_none_or(|t| t == EntityType::Person) {
                for (s, order) in person_readings(text) {
                    push(&mut forms, person_form(&s, order, source, q.entity_type));
                }
            }
            if q.entity_type != Some(EntityType::Person) {
                let t = q.entity_type.unwrap_or(EntityType::Org);
                push(
                    &mut forms,
                    Form {
                        parsed: ParsedName::parse(text, t),
                        person: false,
                        required: q.entity_type,
                        order: Order::AsWritten,
                        source,
                    },
                );
            }
        }
        QueryForms { forms, texts }
    }
}

fn person_form(s: &str, order: Order, source: usize, required: Option<EntityType>) -> Form {
    Form {
        parsed: ParsedName::parse(s, EntityType::Person),
        person: true,
        required,
        order,
        source,
    }
}

/// Adds a form unless an earlier one reads the same (same side, same
/// words in the same roles): the earlier has the cheaper order.
fn push(forms: &mut Vec<Form>, f: Form) {
    if f.parsed.is_empty() {
        return;
    }
    let same = |g: &Form| {
        g.person == f.person
            && g.parsed.folded == f.parsed.folded
            && g.parsed.surname == f.parsed.surname
    };
    if !forms.iter().any(same) {
        forms.push(f);
    }
}

/// The readings of a person's name: (text in given-names-first order, how
/// its order was read).
pub fn person_readings(text: &str) -> Vec<(String, Order)> {
    let cleaned = clean_surface(text, EntityType::Person);
    if let Some((surname, given)) = cleaned.split_once(',') {
        let (surname, given) = (surname.trim(), given.trim());
        if !surname.is_empty() && !given.is_empty() && !given.contains(',') {
            // A Chinese family name stays first, where a Chinese name has it.
            let text = if is_family_name(&fold(surname)) {
                format!("{surname} {given}")
            } else {
                format!("{given} {surname}")
            };
            return vec![(titled(&text), Order::Comma)];
        }
    }
    let words: Vec<&str> = cleaned.split_whitespace().collect();
    let mut out = Vec::new();
    let caps: Vec<bool> = words.iter().map(|w| is_capitals(w)).collect();
    let n_caps = caps.iter().filter(|&&c| c).count();
    if n_caps > 0 && n_caps < words.len() {
        let given = words
            .iter()
            .zip(&caps)
            .filter(|(_, c)| !**c)
            .map(|(w, _)| *w);
        let surname = words
            .iter()
            .zip(&caps)
            .filter(|(_, c)| **c)
            .map(|(w, _)| *w);
        let reordered: Vec<&str> = given.chain(surname).collect();
        out.push((titled(&reordered.join(" ")), Order::Capitals));
    }
    out.push((titled(&words.join(" ")), Order::AsWritten));
    if (2..=4).contains(&words.len()) {
        let mut rotated: Vec<&str> = words[1..].to_vec();
        rotated.push(words[0]);
        out.push((titled(&rotated.join(" ")), Order::Rotated));
    }
    out
}

/// A word written in capitals (two letters or more, no lowercase letter).
fn is_capitals(word: &str) -> bool {
    let letters = word.chars().filter(|c| c.is_alphabetic()).count();
    letters >= 2 && !word.chars().any(char::is_lowercase)
}

/// Words in capitals in title case, so a person's "PUTIN" is not read as
/// an acronym.
fn titled(s: &str) -> String {
    s.split_whitespace()
        .map(|w| {
            if is_capitals(w) {
                let mut chars = w.chars();
                let first = chars.next().map(|c| c.to_string()).unwrap_or_default();
                first + &chars.as_str().to_lowercase()
            } else {
                w.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn readings(s: &str) -> Vec<(String, Order)> {
        person_readings(s)
    }

    #[test]
    fn sanctions_list_orders() {
        assert_eq!(
            readings("HRYTSENKO, Oleksii Petrovych"),
            vec![("Oleksii Petrovych Hrytsenko".to_string(), Order::Comma)]
        );
        let r = readings("KUZNETSOV Sergei");
        assert_eq!(r[0], ("Sergei Kuznetsov".to_string(), Order::Capitals));
        assert!(r.contains(&("Kuznetsov Sergei".to_string(), Order::AsWritten)));
        let r = readings("Anna Maria Kowalczyk");
        assert_eq!(r[0].1, Order::AsWritten);
        assert_eq!(r[1], ("Maria Kowalczyk Anna".to_string(), Order::Rotated));
        assert_eq!(
            readings("XIAO, Rong-jing"),
            vec![("Xiao Rong-jing".to_string(), Order::Comma)]
        );
        assert_eq!(
            readings("PUTIN")[0],
            ("Putin".to_string(), Order::AsWritten)
        );
        assert_eq!(
            readings("President Ann Smith")[0],
            ("Ann Smith".to_string(), Order::AsWritten)
        );
    }

    #[test]
    fn forms_of_an_untyped_name_cover_both_sides() {
        let q = NameQuery::new("Northwind Shipping", None);
        let f = QueryForms::new(&q);
        assert!(f.forms.iter().any(|f| f.person));
        assert!(f.forms.iter().any(|f| !f.person));
        let q = NameQuery::new("Northwind Shipping", Some(EntityType::Org));
        assert!(QueryForms::new(&q).forms.iter().all(|f| !f.person));
    }
}
