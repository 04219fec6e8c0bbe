//! Settings of the storage service: plain `StorageConfig` for code, and the
//! `StorageArgs` flags (each with a `DOSSIER_…` env equivalent) for binaries.

use std::path::PathBuf;
use std::time::Duration;

/// Default largest "text/html" body (2 MiB): real saved pages reach 1.5 MB,
/// and a document of a 2 MiB page plus its text (at most
/// `max_body_bytes`, 1 MiB) and fields stays under the 4 MiB receive limit
/// gRPC clients have by default, so GetDocument and WatchChanges work for
/// every client without configuration. Raise it for pages with inlined
/// images, together with the clients' receive limits.
pub const DEFAULT_MAX_HTML_BYTES: usize = 2 * 1024 * 1024;

/// Size and count limits on documents. Each has a flag, and every violation
/// message names the flag so an operator knows which knob to turn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Largest plain-text body.
    pub max_body_bytes: usize,
    /// Largest "text/html" body: saved pages carry markup, scripts and
    /// styles around a much smaller article (real pages reach 1.5 MB).
    pub max_html_bytes: usize,
    pub max_title_bytes: usize,
    pub max_labels: usize,
    pub max_label_bytes: usize,
    pub max_source_bytes: usize,
    pub max_url_bytes: usize,
    pub max_author_bytes: usize,
    pub max_language_bytes: usize,
    pub max_request_id_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_body_bytes: 1024 * 1024,
            max_html_bytes: DEFAULT_MAX_HTML_BYTES,
            max_title_bytes: 1024,
            max_labels: 32,
            max_label_bytes: 128,
            max_source_bytes: 256,
            max_url_bytes: 2048,
            max_author_bytes: 512,
            max_language_bytes: 35,
            max_request_id_bytes: 128,
        }
    }
}

/// A `postgres://` connection URL. Its `Debug` and `Display` hide the
/// password, so the effective config can be logged safely.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    pub fn new(url: impl Into<String>) -> Self {
        Self(url.into())
    }

    /// The URL as given, password included: only for connecting.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The URL with any password replaced by `***`.
    pub fn redacted(&self) -> String {
        let url = &self.0;
        let Some(scheme_end) = url.find("://").map(|i| i + 3) else {
            return url.clone();
        };
        let authority_end = url[scheme_end..]
            .find(['/', '?'])
            .map_or(url.len(), |i| scheme_end + i);
        let authority = &url[scheme_end..authority_end];
        match (authority.rfind('@'), authority.find(':')) {
            (Some(at), Some(colon)) if colon < at => format!(
                "{}{}:***{}",
                &url[..scheme_end],
                &authority[..colon],
                &url[scheme_end + at..]
            ),
            _ => url.clone(),
        }
    }
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.redacted())
    }
}

impl std::fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.redacted())
    }
}

/// Everything the storage service needs to run; `Default` gives settings that
/// work on a laptop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorageConfig {
    /// Directory of the embedded store (`documents.redb` inside it); unused
    /// when `database_url` is set.
    pub data_dir: PathBuf,
    /// Store documents in this PostgreSQL database instead of the embedded
    /// store.
    pub database_url: Option<DatabaseUrl>,
    pub limits: Limits,
    /// Page sizes above this are lowered to it.
    pub max_page_size: usize,
    /// How many documents one import stream keeps in flight to the writer
    /// before it stops reading the client's requests.
    pub import_window: usize,
    /// Most writes the writer commits in one transaction (one fsync).
    pub max_batch: usize,
    /// How long request_ids are remembered for idempotent retries.
    pub request_id_retention: Duration,
}

impl Default for StorageConfig {
    fn default() -> Self {
        Self {
            data_dir: PathBuf::from("./data/storage"),
            database_url: None,
            limits: Limits::default(),
            max_page_size: 1000,
            import_window: 512,
            max_batch: 2048,
            request_id_retention: Duration::from_secs(24 * 60 * 60),
        }
    }
}

/// Command-line flags of the storage service. `dossier-server` flattens them
/// next to the other services' flags.
#[derive(Debug, Clone, clap::Args)]
pub struct StorageArgs {
    /// Directory of the document store.
    #[arg(long, env = "DOSSIER_DATA_DIR", default_value = "./data/storage")]
    pub data_dir: PathBuf,

    /// Keep documents in PostgreSQL instead of the embedded store, e.g.
    /// postgres://dossier:secret@db:5432/dossier. The schema is created and
    /// migrated at start-up.
    #[arg(long, env = "DOSSIER_DATABASE_URL", hide_env_values = true, value_parser = parse_database_url)]
    pub database_url: Option<DatabaseUrl>,

    /// Largest accepted plain-text document body, in bytes.
    #[arg(long, env = "DOSSIER_MAX_BODY_BYTES", default_value_t = 1024 * 1024)]
    pub max_body_bytes: usize,

    /// Largest accepted body of content type text/html (a saved web page), in
    /// bytes. Pages carry markup, scripts and styles around the article, so
    /// this is larger than --max-body-bytes; the gRPC message limit follows
    /// the larger of the two. A document with a larger page can exceed the
    /// 4 MiB receive limit gRPC clients have by default: raise theirs too.
    #[arg(long, env = "DOSSIER_MAX_HTML_BYTES", default_value_t = DEFAULT_MAX_HTML_BYTES)]
    pub max_html_bytes: usize,

    /// Largest accepted document title, in bytes.
    #[arg(long, env = "DOSSIER_MAX_TITLE_BYTES", default_value_t = 1024)]
    pub max_title_bytes: usize,

    /// Most labels on one document.
    #[arg(long, env = "DOSSIER_MAX_LABELS", default_value_t = 32)]
    pub max_labels: usize,

    /// Longest label, in bytes.
    #[arg(long, env = "DOSSIER_MAX_LABEL_BYTES", default_value_t = 128)]
    pub max_label_bytes: usize,

    /// Longest source (outlet) name, in bytes.
    #[arg(long, env = "DOSSIER_MAX_SOURCE_BYTES", default_value_t = 256)]
    pub max_source_bytes: usize,

    /// Longest url, in bytes.
    #[arg(long, env = "DOSSIER_MAX_URL_BYTES", default_value_t = 2048)]
    pub max_url_bytes: usize,

    /// Longest author (byline), in bytes.
    #[arg(long, env = "DOSSIER_MAX_AUTHOR_BYTES", default_value_t = 512)]
    pub max_author_bytes: usize,

    /// Longest request_id, in bytes.
    #[arg(long, env = "DOSSIER_MAX_REQUEST_ID_BYTES", default_value_t = 128)]
    pub max_request_id_bytes: usize,

    /// Largest ListDocuments page; larger page_size values are lowered to it.
    #[arg(long, env = "DOSSIER_MAX_PAGE_SIZE", default_value_t = 1000)]
    pub max_page_size: usize,

    /// Documents one ImportDocuments stream keeps in flight before it stops
    /// reading requests (flow control).
    #[arg(long, env = "DOSSIER_IMPORT_WINDOW", default_value_t = 512)]
    pub import_window: usize,

    /// Most writes committed together in one transaction (one fsync).
    #[arg(long, env = "DOSSIER_MAX_COMMIT_BATCH", default_value_t = 2048)]
    pub max_commit_batch: usize,

    /// How long request_ids are remembered for idempotent retries (at least
    /// 24h is recommended), e.g. "24h" or "7d".
    #[arg(long, env = "DOSSIER_REQUEST_ID_RETENTION", default_value = "24h", value_parser = humantime::parse_duration)]
    pub request_id_retention: Duration,
}

impl StorageArgs {
    pub fn into_config(self) -> StorageConfig {
        let Self {
            data_dir,
            database_url,
            max_body_bytes,
            max_html_bytes,
            max_title_bytes,
            max_labels,
            max_label_bytes,
            max_source_bytes,
            max_url_bytes,
            max_author_bytes,
            max_request_id_bytes,
            max_page_size,
            import_window,
            max_commit_batch,
            request_id_retention,
        } = self;
        StorageConfig {
            data_dir,
            database_url,
            limits: Limits {
                max_body_bytes,
                max_html_bytes,
                max_title_bytes,
                max_labels,
                max_label_bytes,
                max_source_bytes,
                max_url_bytes,
                max_author_bytes,
                max_request_id_bytes,
                ..Limits::default()
            },
            max_page_size: max_page_size.max(1),
            import_window: import_window.max(1),
            max_batch: max_commit_batch.max(1),
            request_id_retention,
        }
    }
}

/// The flag parser of `--database-url`, shared with `dossier-server`.
pub fn parse_database_url(value: &str) -> Result<DatabaseUrl, String> {
    if value.starts_with("postgres://") || value.starts_with("postgresql://") {
        Ok(DatabaseUrl::new(value))
    } else {
        Err("expected a postgres:// or postgresql:// URL".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        storage: StorageArgs,
    }

    #[test]
    fn flag_defaults_match_the_config_defaults() {
        let config = Cli::try_parse_from(["x"]).unwrap().storage.into_config();
        assert_eq!(config, StorageConfig::default());
    }

    #[test]
    fn flags_set_the_limits() {
        let cli = Cli::try_parse_from(["x", "--max-body-bytes", "10", "--data-dir", "/tmp/d"]);
        let config = cli.unwrap().storage.into_config();
        assert_eq!(config.limits.max_body_bytes, 10);
        assert_eq!(config.data_dir, PathBuf::from("/tmp/d"));
    }

    #[test]
    fn database_url_flag_and_redaction() {
        let url = "postgres://dossier:s3cret@db:5432/dossier?sslmode=disable";
        let cli = Cli::try_parse_from(["x", "--database-url", url]).unwrap();
        let config = cli.storage.into_config();
        let got = config.database_url.clone().unwrap();
        assert_eq!(got.expose(), url);
        assert_eq!(
            got.redacted(),
            "postgres://dossier:***@db:5432/dossier?sslmode=disable"
        );
        assert!(!format!("{config:?}").contains("s3cret"));
        let plain = DatabaseUrl::new("postgres://db/dossier");
        assert_eq!(plain.redacted(), "postgres://db/dossier");
        assert!(Cli::try_parse_from(["x", "--database-url", "mysql://db"]).is_err());
    }
}
