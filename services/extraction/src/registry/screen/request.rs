//! What a screening request holds, its limits, and their checks.

use crate::EntityType;
use crate::error::{ExtractionError, Result};

/// Most names in one request: a large sanctions list fits; a longer list
/// is sent in parts (or streamed by search's ScreenNames).
pub const MAX_NAMES: usize = 10_000;
/// Longest name or alias, in bytes. The longest real names (with every
/// patronymic, nasab and legal form) stay far below it.
pub const MAX_NAME_BYTES: usize = 1024;
/// Most aliases of one name.
pub const MAX_ALIASES: usize = 100;
/// Score a match needs when the request leaves `min_score` at 0: the
/// linker's own threshold, under which two spellings are not joined.
pub const DEFAULT_MIN_SCORE: f64 = 0.85;
/// Matches per name when the request leaves `max_matches_per_name` at 0.
pub const DEFAULT_MAX_MATCHES: usize = 5;
/// Most matches per name a request may ask for; more is refused, not
/// silently lowered.
pub const MAX_MATCHES_PER_NAME: usize = 100;

/// One name to screen.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NameQuery {
    pub name: String,
    /// Only entities of this type match; `None`: any type.
    pub entity_type: Option<EntityType>,
    /// Other spellings of the same name; each is matched like the name.
    pub aliases: Vec<String>,
}

impl NameQuery {
    pub fn new(name: impl Into<String>, entity_type: Option<EntityType>) -> NameQuery {
        NameQuery {
            name: name.into(),
            entity_type,
            aliases: Vec::new(),
        }
    }
}

/// How many matches, and how good.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MatchOptions {
    /// 0 means [`DEFAULT_MIN_SCORE`].
    pub min_score: f64,
    /// 0 means [`DEFAULT_MAX_MATCHES`]; above [`MAX_MATCHES_PER_NAME`] is refused
    /// by [`validate`].
    pub max_matches: usize,
}

impl Default for MatchOptions {
    fn default() -> Self {
        MatchOptions {
            min_score: DEFAULT_MIN_SCORE,
            max_matches: DEFAULT_MAX_MATCHES,
        }
    }
}

impl MatchOptions {
    /// Defaults filled in (the request was checked by [`validate`]).
    pub fn effective(&self) -> MatchOptions {
        MatchOptions {
            min_score: if self.min_score == 0.0 {
                DEFAULT_MIN_SCORE
            } else {
                self.min_score
            },
            max_matches: match self.max_matches {
                0 => DEFAULT_MAX_MATCHES,
                n => n,
            },
        }
    }
}

/// Checks a request against the limits; the error names the field and,
/// for a name, its index ("names[3].name").
pub fn validate(names: &[NameQuery], options: &MatchOptions) -> Result<()> {
    if names.len() > MAX_NAMES {
        return Err(ExtractionError::invalid(
            "names",
            format!(
                "{} names, more than the limit of {MAX_NAMES} per request; send the list in parts",
                names.len()
            ),
        ));
    }
    if options.max_matches > MAX_MATCHES_PER_NAME {
        return Err(ExtractionError::invalid(
            "max_matches_per_name",
            format!(
                "{} matches per name, more than the limit of {MAX_MATCHES_PER_NAME}; ask for fewer",
                options.max_matches
            ),
        ));
    }
    if !(0.0..=1.0).contains(&options.min_score) {
        return Err(ExtractionError::invalid(
            "min_score",
            format!(
                "{} is outside 0..1 (0 means the default, {DEFAULT_MIN_SCORE})",
                options.min_score
            ),
        ));
    }
    for (i, q) in names.iter().enumerate() {
        check_name(&format!("names[{i}].name"), &q.name)?;
        if q.aliases.len() > MAX_ALIASES {
            return Err(ExtractionError::element(
                format!("names[{i}].aliases"),
                format!(
                    "{} aliases, more than the limit of {MAX_ALIASES}",
                    q.aliases.len()
                ),
            ));
        }
        for (j, a) in q.aliases.iter().enumerate() {
            check_name(&format!("names[{i}].aliases[{j}]"), a)?;
        }
    }
    Ok(())
}

fn check_name(field: &str, name: &str) -> Result<()> {
    if name.trim().is_empty() {
        return Err(ExtractionError::element(field, "is empty"));
    }
    if name.len() > MAX_NAME_BYTES {
        return Err(ExtractionError::element(
            field,
            format!(
                "is {} bytes, more than the limit of {MAX_NAME_BYTES}",
                name.len()
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(r: Result<()>) -> String {
        match r {
            Err(ExtractionError::InvalidArgument { field, .. }) => field.to_string(),
            Err(ExtractionError::InvalidElement { field, .. }) => field,
            other => panic!("expected an invalid argument, got {other:?}"),
        }
    }

    #[test]
    fn limits_name_the_field() {
        let ok = MatchOptions::default();
        let mut names = vec![NameQuery::new("Ann Smith", None); 4];
        names[3].name = " ".into();
        assert_eq!(field_of(validate(&names, &ok)), "names[3].name");
        names[3].name = "x".repeat(MAX_NAME_BYTES + 1);
        assert_eq!(field_of(validate(&names, &ok)), "names[3].name");
        names[3].name = "Ann".into();
        names[2].aliases = vec!["A. Smith".into(), String::new()];
        assert_eq!(field_of(validate(&names, &ok)), "names[2].aliases[1]");
        names[2].aliases.clear();
        assert!(validate(&names, &ok).is_ok());
        for bad in [-0.1, 1.01, f64::NAN] {
            let o = MatchOptions {
                min_score: bad,
                ..ok
            };
            assert_eq!(field_of(validate(&names, &o)), "min_score");
        }
        let many = vec![NameQuery::new("Ann Smith", None); MAX_NAMES + 1];
        assert_eq!(field_of(validate(&many, &ok)), "names");
    }

    #[test]
    fn defaults_and_bounds() {
        let o = MatchOptions {
            min_score: 0.0,
            max_matches: 0,
        }
        .effective();
        assert_eq!((o.min_score, o.max_matches), (DEFAULT_MIN_SCORE, 5));
        let ok = [NameQuery::new("Ann Smith", None)];
        let at_limit = MatchOptions {
            min_score: 0.9,
            max_matches: MAX_MATCHES_PER_NAME,
        };
        assert!(validate(&ok, &at_limit).is_ok());
        let beyond = MatchOptions {
            max_matches: MAX_MATCHES_PER_NAME + 1,
            ..at_limit
        };
        assert_eq!(field_of(validate(&ok, &beyond)), "max_matches_per_name");
    }
}
