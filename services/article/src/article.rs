//! The cleaner's output.

/// A cleaned article: its body text and the metadata its page states.
/// Every field but `text` is `None` when the input does not say.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Article {
    /// The headline, without the outlet's suffix (`" | Outlet"`).
    pub title: Option<String>,
    /// The byline's name(s), comma-separated.
    pub author: Option<String>,
    /// Publication time, UTC seconds since the Unix epoch.
    pub published_at: Option<i64>,
    /// The canonical URL of the page.
    pub url: Option<String>,
    /// ISO 639-1 code (`en`, `de`): the page's `lang`, else detected.
    pub language: Option<String>,
    /// The outlet: `og:site_name`, else the URL's host.
    pub source: Option<String>,
    /// The body: paragraphs separated by a blank line, list items and quotes
    /// as lines of their own; no headline, no markup.
    pub text: String,
    /// [`crate::CLEANER_VERSION`] that produced this article.
    pub cleaner_version: u32,
    /// What the cleaner noticed or had to do, in a fixed order.
    pub flags: Vec<Flag>,
}

/// Notes on how an article was cleaned, for callers to store or report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Flag {
    /// No body text was found (the document should be stored and reported).
    EmptyText,
    /// The markup was over [`crate::Limits::max_nodes`]; the rest was ignored.
    Truncated,
    /// Elements deeper than [`crate::Limits::max_depth`] were skipped.
    TooDeep,
    /// The charset was guessed from the bytes, not declared.
    CharsetDetected,
    /// `language` was detected from the text, not declared by the page.
    LanguageDetected,
    /// No known content container: the body came from density scoring.
    ScoredContainer,
    /// The precise extraction was too short; a recall-oriented one was used.
    RecallFallback,
}

impl Article {
    /// `published_at` as RFC 3339 (`2019-11-19T08:00:00Z`).
    pub fn published_at_rfc3339(&self) -> Option<String> {
        self.published_at.map(crate::date::to_rfc3339)
    }

    /// Fills what every article gets regardless of input kind: the version,
    /// a detected language, the empty-text flag; sorts flags.
    pub(crate) fn finish(&mut self) {
        self.cleaner_version = crate::CLEANER_VERSION;
        if self.language.is_none()
            && let Some(lang) = crate::lang::detect(&self.text)
        {
            self.language = Some(lang);
            self.flags.push(Flag::LanguageDetected);
        }
        if self.text.trim().is_empty() {
            self.text.clear();
            self.flags.push(Flag::EmptyText);
        }
        self.flags.sort();
        self.flags.dedup();
    }
}
