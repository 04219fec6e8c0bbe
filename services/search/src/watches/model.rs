//! What a watch is, as the store keeps it and the RPCs show it, and the
//! checks a new one passes before it is compiled.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result, echo};
use crate::query::Filter;
use crate::related::check_id;

/// Longest watch name, in characters.
pub const MAX_NAME_CHARS: usize = 200;

/// A saved search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Watch {
    /// "wt-" and a ULID, so ids sort in creation order.
    pub id: String,
    pub name: String,
    /// As the client wrote it; read leniently, as Search reads queries.
    pub query: String,
    #[serde(default)]
    pub filter: Filter,
    /// Unix time of creation (seconds, nanoseconds).
    pub create_time: (i64, i32),
    /// The index's sequence when the watch was created.
    pub create_sequence: u64,
    /// The idempotency key it was created with (empty: none).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub request_id: String,
}

impl Watch {
    /// Whether `spec` asks for this very watch (a retried create).
    pub fn same_as(&self, spec: &WatchSpec) -> bool {
        self.query == spec.query
            && self.filter == spec.filter
            && (spec.name.is_empty() || self.name == spec.name)
    }
}

/// A watch as a client asks for it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WatchSpec {
    pub name: String,
    pub query: String,
    pub filter: Filter,
    pub request_id: String,
}

impl WatchSpec {
    /// Checks what can be checked without the index: the name, the
    /// request id, and that the watch asks for something. The query's
    /// length and reading are checked by the caller and the compiler.
    pub fn validate(&self) -> Result<()> {
        let chars = self.name.chars().count();
        if chars > MAX_NAME_CHARS {
            return Err(Error::invalid(
                "watch.name",
                format!("is {chars} characters; at most {MAX_NAME_CHARS}"),
            ));
        }
        if self.name.chars().any(char::is_control) {
            return Err(Error::invalid(
                "watch.name",
                format!("{} contains control characters", echo(&self.name)),
            ));
        }
        if !self.request_id.is_empty() {
            check_id("request_id", &self.request_id)?;
        }
        if self.query.trim().is_empty() && self.filter.is_empty() {
            return Err(Error::invalid(
                "watch.query",
                "required: a watch with neither a query nor a filter would match every new \
                 document (to follow them all, use storage's WatchChanges)",
            ));
        }
        Ok(())
    }

    /// The name shown for the watch: the one given, or the query.
    pub fn display_name(&self) -> String {
        if !self.name.is_empty() {
            return self.name.clone();
        }
        let label = if self.query.trim().is_empty() {
            "(filter only)"
        } else {
            self.query.trim()
        };
        label
            .chars()
            .filter(|c| !c.is_control())
            .take(MAX_NAME_CHARS)
            .collect()
    }
}

/// One document a watch matched, as a stream sends it.
#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    pub watch_id: String,
    pub document_id: String,
    pub sequence: u64,
    pub title: String,
    pub source: String,
    /// Unix seconds.
    pub published_at: Option<i64>,
    pub matched_variants: Vec<crate::search::MatchedVariant>,
    pub snippets: Vec<crate::search::Snippet>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(query: &str) -> WatchSpec {
        WatchSpec {
            query: query.into(),
            ..WatchSpec::default()
        }
    }

    #[test]
    fn a_watch_must_ask_for_something() {
        let err = spec("  ").validate().unwrap_err();
        assert!(err.to_string().contains("watch.query"), "{err}");
        let filtered = WatchSpec {
            filter: Filter {
                sources: vec!["harbour-gazette".into()],
                ..Filter::default()
            },
            ..spec("")
        };
        filtered.validate().unwrap();
        assert_eq!(filtered.display_name(), "(filter only)");
    }

    #[test]
    fn names_and_request_ids_are_checked() {
        let long = WatchSpec {
            name: "n".repeat(MAX_NAME_CHARS + 1),
            ..spec("harbour")
        };
        assert!(
            long.validate()
                .unwrap_err()
                .to_string()
                .contains("watch.name")
        );
        let control = WatchSpec {
            name: "a\u{7}b".into(),
            ..spec("harbour")
        };
        assert!(control.validate().is_err());
        let request = WatchSpec {
            request_id: "r".repeat(200),
            ..spec("harbour")
        };
        assert!(
            request
                .validate()
                .unwrap_err()
                .to_string()
                .contains("request_id")
        );
        assert_eq!(
            spec(" Gdynia\tport ").display_name(),
            "Gdynia\tport".replace('\t', "")
        );
    }

    #[test]
    fn a_retry_is_the_same_watch() {
        let watch = Watch {
            id: "wt-1".into(),
            name: "harbour".into(),
            query: "harbour".into(),
            filter: Filter::default(),
            create_time: (0, 0),
            create_sequence: 0,
            request_id: "r1".into(),
        };
        assert!(watch.same_as(&spec("harbour")));
        assert!(!watch.same_as(&spec("ferry")));
    }
}
