//! Command-line syntax of `dossier`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

const AFTER_HELP: &str = "\
Examples:
  dossier ingest fixtures/articles            load a folder of .json/.jsonl/.md/.txt articles
  cat feed.jsonl | dossier ingest -           load JSON lines from stdin
  dossier ls --source harbour-gazette         list one outlet's documents
  dossier get 01JD3K8Z...                     show one document
  dossier watch add 'Shapovchuk AND Gdynia'   save a search; new matching articles are streamed
  dossier watch follow wt-…                   print a watch's matches as they arrive
  dossier changes --after 120                 follow the change feed from sequence 120
  dossier status                              is everything up?

Exit codes: 0 ok, 1 request refused by a service, 2 usage, 3 not found,
4 service unavailable, 5 some items of a bulk command rejected, 6 unreadable input.";

/// Dossier: load news articles, find who is named where, search them.
#[derive(Debug, Parser)]
#[command(name = "dossier", version, about, after_help = AFTER_HELP)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Address of the storage service.
    #[arg(
        long,
        global = true,
        env = "DOSSIER_STORAGE",
        default_value = "http://127.0.0.1:50051"
    )]
    pub storage: String,

    /// Address of the extraction service.
    #[arg(
        long,
        global = true,
        env = "DOSSIER_EXTRACTION",
        default_value = "http://127.0.0.1:50052"
    )]
    pub extraction: String,

    /// Address of the search service.
    #[arg(
        long,
        global = true,
        env = "DOSSIER_SEARCH",
        default_value = "http://127.0.0.1:50053"
    )]
    pub search: String,

    /// Print machine-readable JSON (the proto3 JSON mapping) instead of text.
    #[arg(long, global = true)]
    pub json: bool,

    /// For lists: print one JSON object per line.
    #[arg(long, global = true)]
    pub jsonl: bool,

    /// Connect over TLS, trusting the PEM CA certificates in this file (the
    /// one that signed the servers' --tls-cert). Addresses without a scheme
    /// then use https://. Without it, https:// addresses trust the public
    /// web PKI.
    #[arg(long, global = true, env = "DOSSIER_TLS_CA", value_name = "FILE")]
    pub tls_ca: Option<PathBuf>,

    /// Send `authorization: Bearer <token>` with the token in this file.
    /// Without it, the token is read from the DOSSIER_AUTH_TOKEN environment
    /// variable when that is set.
    #[arg(
        long,
        global = true,
        env = "DOSSIER_AUTH_TOKEN_FILE",
        value_name = "FILE"
    )]
    pub auth_token_file: Option<PathBuf>,
}

impl GlobalArgs {
    /// The TLS trust and token every connection of this run uses.
    pub fn security(
        &self,
    ) -> Result<dossier_kit::security::ClientSecurity, crate::connect::SecurityError> {
        crate::connect::security(self.tls_ca.as_ref(), self.auth_token_file.as_ref())
    }

    pub fn output(&self) -> crate::output::Format {
        if self.jsonl {
            crate::output::Format::JsonLines
        } else if self.json {
            crate::output::Format::Json
        } else {
            crate::output::Format::Text
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Load articles from files, folders, globs or stdin ("-", JSON lines).
    ///
    /// .json files hold one document or an array of them; .jsonl files one per
    /// line; .md and .txt files have the title on the first line and the body
    /// after it; .html and .htm files are saved web pages (any charset), whose
    /// title, author, date and clean text storage takes from the page. A file
    /// named with another extension is sniffed. Re-running the same input
    /// creates nothing twice.
    Ingest(IngestArgs),

    /// Show one document: title, metadata and the clean article text.
    Get {
        /// The document id.
        id: String,
        /// Print the stored body as it was sent (e.g. the page's HTML)
        /// instead of the clean text.
        #[arg(long)]
        raw: bool,
    },

    /// List documents, oldest first.
    Ls(ListArgs),

    /// Delete a document.
    Rm {
        /// The document id.
        id: String,
    },

    /// Follow the change feed: replay after a sequence, then tail live.
    Changes(ChangesArgs),

    /// Saved searches that stream new matching articles: add, ls, rm,
    /// follow.
    ///
    /// A watch is a query (the search language, entity-aware: a name
    /// matches every spelling of its entities) with optional filters.
    /// `follow` prints every article indexed after a sequence that matches,
    /// in order, then new ones as they are indexed; resume with --after
    /// the last sequence printed to miss nothing and see nothing twice.
    /// Without a subcommand, `watch` still follows the change feed, as it
    /// did before `changes` (deprecated).
    Watch(WatchArgs),

    /// Find the entities in a text (a file, or stdin when omitted or "-").
    Extract(ExtractArgs),

    /// Browse and curate the entity registry.
    #[command(subcommand)]
    Entities(EntitiesCommand),

    /// Search the indexed documents.
    Search(SearchArgs),

    /// List stories: the articles of several outlets about one event.
    Stories(StoriesArgs),

    /// Show one story: outlets, entities and its timeline of dated events.
    Story {
        /// The story id (st-…), e.g. from `dossier stories` or a search hit.
        id: String,
    },

    /// What a person or organisation said, newest first: each quote with
    /// the speaker as written and as known, the outlet and the date.
    ///
    /// The speaker is an entity id (ent_…) or a name in any spelling the
    /// registry has seen ("Gritsenko" finds Oleksii Hrytsenko's quotes in
    /// every outlet, however each spelled him).
    Quotes(QuotesArgs),

    /// Check a list of names against everything indexed (screening).
    ///
    /// LIST is a CSV file with a header row (a `name` column; optional
    /// `type` (PERSON, ORG…), `country` and `aliases` separated by `;`) or a
    /// JSON-lines file ({"name", "type", "country", "aliases"}); `-` reads
    /// stdin. Each listed name is matched with the transliteration-aware
    /// name matching that links entities ("GRITSENKO, Alexei" finds Oleksii
    /// Hrytsenko), and printed with the spellings that matched, the number
    /// of articles and the newest of them as evidence.
    Screen(ScreenArgs),

    /// Health of each service.
    Status,

    /// Probe one server's gRPC health; exit 0 only when it is SERVING (for
    /// container health checks).
    Health {
        /// The server's address, e.g. http://127.0.0.1:50051.
        address: String,

        /// The service to ask about; empty asks about the server as a whole.
        #[arg(long, default_value = "")]
        service: String,
    },

    /// Print a shell completion script.
    Completions {
        /// bash, zsh, fish, elvish or powershell.
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, Args)]
pub struct ChangesArgs {
    /// Start after this sequence (0 replays everything).
    #[arg(long, default_value_t = 0)]
    pub after: u64,

    /// Stop after this many changes.
    #[arg(long)]
    pub limit: Option<u64>,
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct WatchArgs {
    #[command(subcommand)]
    pub command: Option<WatchCommand>,

    /// Deprecated: `dossier watch --after N` is `dossier changes --after N`.
    #[arg(long, hide = true)]
    pub after: Option<u64>,

    /// Deprecated: see `dossier changes --limit`.
    #[arg(long, hide = true)]
    pub limit: Option<u64>,
}

#[derive(Debug, Subcommand)]
pub enum WatchCommand {
    /// Save a search; prints the new watch's id. Adding the same watch
    /// again returns the one already saved.
    Add {
        /// The query (the search language; names match every spelling).
        query: String,
        /// A label for people (default: the query).
        #[arg(long)]
        name: Option<String>,
        /// Only articles from these outlets.
        #[arg(long = "source")]
        sources: Vec<String>,
    },
    /// List the saved watches, oldest first.
    Ls,
    /// Delete a watch; its followers stop.
    Rm {
        /// The watch id (wt-…).
        id: String,
    },
    /// Print a watch's matches as they arrive: every article indexed after
    /// --after that matches, in sequence order, then new ones live.
    /// Reconnects when search restarts, resuming after the last sequence
    /// printed. With --jsonl, one JSON object per line (with its sequence).
    Follow {
        /// The watch id (wt-…).
        id: String,
        /// Start after this sequence (0: every match in the index).
        #[arg(long, default_value_t = 0, value_name = "SEQ")]
        after: u64,
        /// Stop after this many matches.
        #[arg(long)]
        limit: Option<u64>,
    },
}

#[derive(Debug, Args)]
pub struct IngestArgs {
    /// Files, folders or glob patterns; "-" reads JSON lines from stdin.
    #[arg(required = true)]
    pub paths: Vec<String>,

    /// Source (outlet) for documents that do not name one.
    #[arg(long)]
    pub source: Option<String>,

    /// Label added to every document.
    #[arg(long = "label")]
    pub labels: Vec<String>,

    /// Language for documents that do not name one.
    #[arg(long)]
    pub language: Option<String>,

    /// Never show a progress bar.
    #[arg(long)]
    pub no_progress: bool,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Documents per page.
    #[arg(long, default_value_t = 50)]
    pub page_size: i32,

    /// Continue from a previous page.
    #[arg(long, default_value = "")]
    pub page_token: String,

    /// Fetch every page.
    #[arg(long)]
    pub all: bool,

    /// Only these sources.
    #[arg(long = "source")]
    pub sources: Vec<String>,

    /// Only documents published at or after this time (RFC 3339).
    #[arg(long)]
    pub after: Option<String>,

    /// Only documents published before this time (RFC 3339).
    #[arg(long)]
    pub before: Option<String>,

    /// Include each document's body.
    #[arg(long)]
    pub full: bool,
}

#[derive(Debug, Args)]
pub struct ExtractArgs {
    /// The file to read; stdin when omitted or "-".
    pub file: Option<PathBuf>,

    /// Offsets in the JSON output: utf8 (bytes), utf16 or utf32 (code points).
    #[arg(long, default_value = "utf8", value_parser = ["utf8", "utf16", "utf32"])]
    pub offsets: String,

    /// Only these types (PERSON, ORG, GPE, ...).
    #[arg(long = "type")]
    pub types: Vec<String>,
}

#[derive(Debug, Subcommand)]
pub enum EntitiesCommand {
    /// List entities, most mentioned first.
    List {
        /// Only this type (PERSON, ORG, GPE, ...).
        #[arg(long = "type")]
        entity_type: Option<String>,
        /// Only names starting with this.
        #[arg(long)]
        prefix: Option<String>,
        #[arg(long, default_value_t = 50)]
        page_size: i32,
        #[arg(long, default_value = "")]
        page_token: String,
    },
    /// Show one entity with its aliases and documents.
    Show { id: String },
    /// Merge entities into the first one.
    Merge {
        #[arg(required = true, num_args = 2..)]
        ids: Vec<String>,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Move aliases of an entity to a new entity.
    Split {
        id: String,
        /// The aliases to move (exact names).
        #[arg(long = "alias", required = true)]
        aliases: Vec<String>,
    },
    /// Record that entities are different, so they are never joined.
    Distinct {
        #[arg(required = true, num_args = 2..)]
        ids: Vec<String>,
    },
    /// Undo a merge, split or distinct judgement.
    Undo { curation_id: String },
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// The query (tantivy syntax: terms, "phrases", AND/OR/NOT, field:value, entity:ID).
    #[arg(default_value = "")]
    pub query: String,
    #[arg(long, default_value_t = 10)]
    pub page_size: i32,
    #[arg(long, default_value = "")]
    pub page_token: String,
    /// Only these sources.
    #[arg(long = "source")]
    pub sources: Vec<String>,
    /// Only documents mentioning this entity (repeat: all of them).
    #[arg(long = "entity")]
    pub entities: Vec<String>,
    /// Only documents published at or after this time (RFC 3339).
    #[arg(long)]
    pub after: Option<String>,
    /// Only documents published before this time (RFC 3339).
    #[arg(long)]
    pub before: Option<String>,
    /// Newest first instead of by relevance.
    #[arg(long)]
    pub newest: bool,
    /// Add facets: source, label, language, story, entity, entity:PERSON, date:day|week|month.
    #[arg(long = "facet")]
    pub facets: Vec<String>,
    /// Match only the spelling typed, not other spellings of a known entity.
    #[arg(long)]
    pub exact: bool,
    /// Read the query strictly: a syntax error is refused with its byte
    /// offset instead of repaired (for scripts that build queries).
    #[arg(long)]
    pub strict: bool,
    /// One hit per wire report and its near-duplicate copies.
    #[arg(long)]
    pub collapse: bool,
    /// Count every match: by default the count stops at 10,000 ("at least
    /// 10000 hits"), which keeps large result sets fast.
    #[arg(long)]
    pub count_all: bool,
}

#[derive(Debug, Args)]
pub struct StoriesArgs {
    /// Stories with an article matching this query (the search language).
    #[arg(default_value = "")]
    pub query: String,
    /// Only stories naming this entity id.
    #[arg(long)]
    pub entity: Option<String>,
    /// Only stories with an article published since: a duration back from
    /// now (7d, 24h, 90m), a day (2026-11-18) or an RFC 3339 time.
    #[arg(long)]
    pub since: Option<String>,
    /// Only stories with an article from this outlet.
    #[arg(long)]
    pub source: Option<String>,
    /// Largest first instead of most recent first.
    #[arg(long)]
    pub largest: bool,
    /// Only stories of at least this many articles.
    #[arg(long, default_value_t = 0)]
    pub min_articles: u32,
    #[arg(long, default_value_t = 20)]
    pub page_size: i32,
    #[arg(long, default_value = "")]
    pub page_token: String,
}

#[derive(Debug, Args)]
pub struct QuotesArgs {
    /// The speaker: an entity id (ent_…) or a name.
    pub speaker: String,
    /// Only quotes whose own words match this query (the search language).
    #[arg(default_value = "")]
    pub query: String,
    /// Only quotes in articles published since: a duration back from now
    /// (7d, 24h, 90m), a day (2026-11-18) or an RFC 3339 time.
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Only quotes in articles published before: a day (up to its end), an
    /// RFC 3339 time, or a duration back from now.
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
    /// Only quotes in articles from this outlet.
    #[arg(long)]
    pub source: Option<String>,
    /// Only direct quotes (inside quotation marks), not reported speech.
    #[arg(long)]
    pub direct: bool,
    /// Print at most this many quotes (0: all of them).
    #[arg(long, default_value_t = 50)]
    pub limit: usize,
}

#[derive(Debug, Args)]
pub struct ScreenArgs {
    /// The list: a .csv or .jsonl file, or `-` for stdin.
    pub list: PathBuf,
    /// Report matches scoring at least this (0 to 1; default 0.85).
    #[arg(long, value_parser = score)]
    pub min_score: Option<f32>,
    /// Entities reported per name (0: the server's default, 5; at most 100).
    #[arg(long, default_value_t = 0)]
    pub max_matches: u32,
    /// Evidence articles per match (0: the server's default, 3; at most 20).
    #[arg(long, default_value_t = 0)]
    pub evidence: u32,
    /// Print the names that matched nothing too.
    #[arg(long)]
    pub all: bool,
}

fn score(text: &str) -> Result<f32, String> {
    match text.parse::<f32>() {
        Ok(s) if (0.0..=1.0).contains(&s) => Ok(s),
        _ => Err(format!("{text:?} is not a score from 0 to 1")),
    }
}

/// Where ingest reads from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputPath {
    Stdin,
    Path(PathBuf),
}
