//! The shared bearer token: read from a file (never from a flag, so it stays
//! out of process listings and shell history), compared in constant time,
//! and never printed.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use subtle::ConstantTimeEq;

/// Tokens shorter than this are accepted but warned about: they can be
/// guessed online.
const MIN_RECOMMENDED_LEN: usize = 16;

/// A bearer token. `Debug` redacts it, so it cannot leak through a log of a
/// config struct; cloning is cheap (shared).
#[derive(Clone)]
pub struct AuthToken(Arc<str>);

/// A token file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("cannot read the auth token file {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the auth token file {} is empty", path.display())]
    Empty { path: PathBuf },
    #[error(
        "the auth token in {} has characters other than printable ASCII without spaces \
         (it travels in an HTTP header)",
        path.display()
    )]
    BadCharacters { path: PathBuf },
}

impl AuthToken {
    /// Reads the token from `path`. Surrounding whitespace (the trailing
    /// newline of `echo secret > file`) is not part of the token.
    pub fn from_file(path: &Path) -> Result<Self, TokenError> {
        let text = std::fs::read_to_string(path).map_err(|source| TokenError::Read {
            path: path.to_owned(),
            source,
        })?;
        warn_if_readable_by_others(path);
        Self::parse(&text).map_err(|err| match err {
            ParseError::Empty => TokenError::Empty {
                path: path.to_owned(),
            },
            ParseError::BadCharacters => TokenError::BadCharacters {
                path: path.to_owned(),
            },
        })
    }

    /// A token from text already in memory (the CLI's `DOSSIER_AUTH_TOKEN`).
    pub fn parse(text: &str) -> Result<Self, ParseError> {
        let token = text.trim();
        if token.is_empty() {
            return Err(ParseError::Empty);
        }
        if !token.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(ParseError::BadCharacters);
        }
        if token.len() < MIN_RECOMMENDED_LEN {
            tracing::warn!(
                length = token.len(),
                "the auth token is short; use at least {MIN_RECOMMENDED_LEN} random characters"
            );
        }
        Ok(Self(token.into()))
    }

    /// Whether `presented` is this token. Constant time in the token's
    /// content, so response timing does not reveal how many leading bytes a
    /// guess got right (only whether its length matched).
    pub fn matches(&self, presented: &[u8]) -> bool {
        self.0.as_bytes().ct_eq(presented).into()
    }

    /// The value of an `authorization` header carrying this token.
    pub fn bearer_header(&self) -> String {
        format!("Bearer {}", self.0)
    }
}

impl std::fmt::Debug for AuthToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AuthToken(<redacted>)")
    }
}

/// Token text that cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("the auth token is empty")]
    Empty,
    #[error("the auth token has characters other than printable ASCII without spaces")]
    BadCharacters,
}

/// A secret readable by every local user is not much of a secret; say so
/// once at start rather than refuse (containers often mount files 0644).
#[cfg(unix)]
fn warn_if_readable_by_others(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    if let Ok(meta) = std::fs::metadata(path)
        && meta.permissions().mode() & 0o004 != 0
    {
        tracing::warn!(path = %path.display(), "the auth token file is world-readable; chmod 600 it");
    }
}

#[cfg(not(unix))]
fn warn_if_readable_by_others(_path: &Path) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_and_matches_exactly() {
        let token = AuthToken::parse("  s3cret-token-0123456789\n").unwrap();
        assert!(token.matches(b"s3cret-token-0123456789"));
        assert!(!token.matches(b"s3cret-token-012345678"));
        assert!(!token.matches(b"s3cret-token-0123456789x"));
        assert!(!token.matches(b""));
        assert_eq!(token.bearer_header(), "Bearer s3cret-token-0123456789");
    }

    #[test]
    fn rejects_empty_and_unprintable_tokens() {
        assert_eq!(AuthToken::parse(" \n").unwrap_err(), ParseError::Empty);
        assert_eq!(
            AuthToken::parse("two words").unwrap_err(),
            ParseError::BadCharacters
        );
        assert_eq!(
            AuthToken::parse("naïve").unwrap_err(),
            ParseError::BadCharacters
        );
    }

    #[test]
    fn debug_never_shows_the_token() {
        let token = AuthToken::parse("do-not-print-me-please").unwrap();
        assert!(!format!("{token:?}").contains("do-not-print"));
    }

    #[test]
    fn reads_a_file_and_names_it_in_errors() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("token");
        std::fs::write(&path, "from-a-file-0123456789\n").unwrap();
        assert!(
            AuthToken::from_file(&path)
                .unwrap()
                .matches(b"from-a-file-0123456789")
        );
        let missing = AuthToken::from_file(&dir.path().join("nope")).unwrap_err();
        assert!(missing.to_string().contains("nope"), "{missing}");
    }
}
