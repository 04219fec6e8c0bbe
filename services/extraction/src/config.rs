//! Settings of the extraction service: plain [`ExtractionConfig`] for code,
//! and the [`ExtractionArgs`] flags (each with a `DOSSIER_…` env equivalent)
//! for binaries.

use std::path::PathBuf;

/// Default largest accepted text: 2 MiB, far above any news article, small
/// enough that one request cannot hold a core for long.
///
/// It must cover the largest document storage accepts by default, because the
/// search indexer sends `title + "\n\n" + body` of every stored document: a
/// 1 MiB body (storage's `--max-body-bytes`) plus a 1 KiB title
/// (`--max-title-bytes`) plus the 2-byte separator is 1,049,602 bytes, just
/// over 1 MiB. A refused document would be indexed without its entities.
/// [`STORAGE_MAX_DOCUMENT_TEXT_BYTES`] states that relation, checked at
/// compile time.
pub const DEFAULT_MAX_TEXT_BYTES: usize = 2 * 1024 * 1024;

/// The longest text the search indexer sends for a document that storage
/// accepts with its default limits: body (1 MiB) + `"\n\n"` + title (1 KiB).
/// Storage's limits live in another crate; this mirror must follow storage
/// if its defaults grow.
pub const STORAGE_MAX_DOCUMENT_TEXT_BYTES: usize = 1024 * 1024 + 2 + 1024;

// Checked at compile time: a smaller default would refuse stored documents.
const _: () = assert!(DEFAULT_MAX_TEXT_BYTES >= STORAGE_MAX_DOCUMENT_TEXT_BYTES);

/// Default BatchExtract read-ahead: enough requests in flight to keep every
/// core busy while the in-order writer waits for a slow one.
pub const DEFAULT_BATCH_READ_AHEAD: usize = 64;

/// A PostgreSQL URL for the entity registry. It may hold a password, so
/// `Debug` and `Display` show it with the password masked.
#[derive(Clone, PartialEq, Eq)]
pub struct RegistryUrl(String);

impl RegistryUrl {
    pub fn new(url: impl Into<String>) -> Self {
        RegistryUrl(url.into())
    }

    /// The URL as given, password included: only for connecting.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The URL with any password replaced by `***`.
    pub fn redacted(&self) -> String {
        let Some(scheme_end) = self.0.find("://").map(|i| i + 3) else {
            return self.0.clone();
        };
        let rest = &self.0[scheme_end..];
        let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
        let authority = &rest[..authority_end];
        match authority.rfind('@') {
            Some(at) => match authority[..at].find(':') {
                Some(colon) => format!(
                    "{}{}:***{}",
                    &self.0[..scheme_end],
                    &authority[..colon],
                    &rest[at..]
                ),
                None => self.0.clone(),
            },
            None => self.0.clone(),
        }
    }
}

impl std::fmt::Debug for RegistryUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.redacted())
    }
}

impl std::fmt::Display for RegistryUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.redacted())
    }
}

/// The flag parser of `--registry-url`.
pub fn parse_registry_url(value: &str) -> Result<RegistryUrl, String> {
    if value.starts_with("postgres://") || value.starts_with("postgresql://") {
        Ok(RegistryUrl::new(value))
    } else {
        Err("expected a postgres:// or postgresql:// URL".into())
    }
}

/// Everything the extraction service needs to run; `Default` gives settings
/// that work on a laptop (and the model embedded in the binary).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtractionConfig {
    /// Directory of the entity registry (`registry.redb` inside it); unused
    /// for the registry when `registry_url` is set.
    pub data_dir: PathBuf,
    /// Keep the entity registry in this PostgreSQL database instead of
    /// redb, shared by every extraction replica given the same URL.
    pub registry_url: Option<RegistryUrl>,
    /// A model file to load instead of the model embedded in the binary.
    pub model: Option<PathBuf>,
    /// Longest accepted `ExtractRequest.text`, in bytes.
    pub max_text_bytes: usize,
    /// Requests one BatchExtract stream reads ahead of the response it is
    /// waiting to send (bounds memory per stream).
    pub batch_read_ahead: usize,
}

impl Default for ExtractionConfig {
    fn default() -> Self {
        Self {
            data_dir: PathBuf::from("./data/extraction"),
            registry_url: None,
            model: None,
            max_text_bytes: DEFAULT_MAX_TEXT_BYTES,
            batch_read_ahead: DEFAULT_BATCH_READ_AHEAD,
        }
    }
}

/// Command-line flags of the extraction service. `dossier-server` flattens
/// them next to the other services' flags.
#[derive(Debug, Clone, clap::Args)]
pub struct ExtractionArgs {
    /// Directory of the entity registry.
    #[arg(long, env = "DOSSIER_DATA_DIR", default_value = "./data/extraction")]
    pub data_dir: PathBuf,

    /// Keep the entity registry in PostgreSQL instead of the data dir, e.g.
    /// postgres://dossier:secret@db:5432/dossier (storage's database will
    /// do: the registry's tables are prefixed registry_). Every extraction
    /// replica given the same URL links against the same registry. The
    /// tables are created and migrated at start-up.
    #[arg(long, env = "DOSSIER_REGISTRY_URL", hide_env_values = true, value_parser = parse_registry_url)]
    pub registry_url: Option<RegistryUrl>,

    /// NER model file (default: the model embedded in this binary).
    #[arg(long, env = "DOSSIER_EXTRACTION_MODEL")]
    pub model: Option<PathBuf>,

    /// Largest accepted text per Extract request, in bytes. The default
    /// (2 MiB) is above the largest document storage accepts by default
    /// (1 MiB body + 1 KiB title, sent by search as title + "\n\n" + body);
    /// if you raise storage's --max-body-bytes or --max-title-bytes, raise
    /// this to at least their sum plus 2.
    #[arg(long, env = "DOSSIER_MAX_TEXT_BYTES", default_value_t = DEFAULT_MAX_TEXT_BYTES)]
    pub max_text_bytes: usize,

    /// Requests one BatchExtract stream reads ahead (flow control).
    #[arg(long, env = "DOSSIER_BATCH_READ_AHEAD", default_value_t = DEFAULT_BATCH_READ_AHEAD)]
    pub batch_read_ahead: usize,
}

impl ExtractionArgs {
    pub fn into_config(self) -> ExtractionConfig {
        let Self {
            data_dir,
            registry_url,
            model,
            max_text_bytes,
            batch_read_ahead,
        } = self;
        ExtractionConfig {
            data_dir,
            registry_url,
            model,
            max_text_bytes,
            batch_read_ahead: batch_read_ahead.max(1),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        extraction: ExtractionArgs,
    }

    #[test]
    fn flag_defaults_match_the_config_defaults() {
        let config = Cli::try_parse_from(["x"]).unwrap().extraction.into_config();
        assert_eq!(config, ExtractionConfig::default());
    }

    #[test]
    fn default_limit_accepts_every_document_storage_accepts() {
        assert_eq!(
            Cli::try_parse_from(["x"])
                .unwrap()
                .extraction
                .max_text_bytes,
            DEFAULT_MAX_TEXT_BYTES
        );
    }

    #[test]
    fn flags_set_the_config() {
        let cli = Cli::try_parse_from([
            "x",
            "--max-text-bytes",
            "10",
            "--data-dir",
            "/tmp/d",
            "--model",
            "m.model",
            "--batch-read-ahead",
            "0",
        ]);
        let config = cli.unwrap().extraction.into_config();
        assert_eq!(config.max_text_bytes, 10);
        assert_eq!(config.data_dir, PathBuf::from("/tmp/d"));
        assert_eq!(config.model, Some(PathBuf::from("m.model")));
        assert_eq!(config.batch_read_ahead, 1);
        assert_eq!(config.registry_url, None);
    }

    #[test]
    fn registry_url_flag_and_redaction() {
        let url = "postgres://dossier:s3cret@db:5432/dossier?sslmode=disable";
        let cli = Cli::try_parse_from(["x", "--registry-url", url]).unwrap();
        let config = cli.extraction.into_config();
        let got = config.registry_url.clone().unwrap();
        assert_eq!(got.expose(), url);
        assert_eq!(
            got.redacted(),
            "postgres://dossier:***@db:5432/dossier?sslmode=disable"
        );
        assert!(!format!("{config:?}").contains("s3cret"));
        assert_eq!(
            RegistryUrl::new("postgres://db/dossier").redacted(),
            "postgres://db/dossier"
        );
        assert!(Cli::try_parse_from(["x", "--registry-url", "mysql://db"]).is_err());
    }
}
