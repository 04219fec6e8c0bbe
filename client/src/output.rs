//! Printing results: human-readable text, or the proto3 JSON mapping (the
//! same JSON grpcurl and other gRPC clients use, with proto field names).
//!
//! Everything goes to stdout through [`outln!`] rather than `println!`, which
//! panics when the reader has gone (`dossier ls | head`). The error travels
//! up to `main`, where a closed pipe ends the program quietly with status 0,
//! as ripgrep and ls do (see [`crate::exit::report`]).

use std::io::{ErrorKind, Write};
use std::sync::LazyLock;

use prost_reflect::{DescriptorPool, DynamicMessage, SerializeOptions};

/// Stdout could not be written to.
#[derive(Debug, thiserror::Error)]
#[error("cannot write to stdout: {0}")]
pub struct WriteError(#[from] pub std::io::Error);

impl WriteError {
    /// The reader of a pipe has gone (`| head` has all it wants): nothing
    /// went wrong, and there is no one left to tell.
    pub fn is_closed_pipe(&self) -> bool {
        self.0.kind() == ErrorKind::BrokenPipe
    }
}

/// What printing returns.
pub type Printed = Result<(), WriteError>;

/// Writes `args` and a newline to stdout; see [`outln!`].
pub fn write_line(args: std::fmt::Arguments<'_>) -> Printed {
    let mut out = std::io::stdout().lock();
    out.write_fmt(args)?;
    out.write_all(b"\n")?;
    Ok(())
}

/// `println!` that returns the write error instead of panicking.
macro_rules! outln {
    () => {
        $crate::output::write_line(format_args!(""))
    };
    ($($arg:tt)*) => {
        $crate::output::write_line(format_args!($($arg)*))
    };
}
pub(crate) use outln;

/// How a command prints its results.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    JsonLines,
}

impl Format {
    pub fn is_json(self) -> bool {
        !matches!(self, Format::Text)
    }
}

static POOL: LazyLock<DescriptorPool> = LazyLock::new(|| {
    DescriptorPool::decode(dossier_proto::FILE_DESCRIPTOR_SET)
        .expect("the descriptor set compiled into dossier-proto is valid")
});

/// Names the proto message a generated type encodes, for JSON printing.
pub trait ProtoName: prost::Message + Sized {
    const FULL_NAME: &'static str;
}

macro_rules! proto_names {
    ($($ty:ident),* $(,)?) => {
        $(impl ProtoName for dossier_proto::v1::$ty {
            const FULL_NAME: &'static str = concat!("dossier.v1.", stringify!($ty));
        })*
    };
}

proto_names!(
    Document,
    ImportDocumentsResponse,
    Change,
    StorageStatus,
    ExtractResponse,
    Entity,
    ListEntitiesResponse,
    CurationResponse,
    SearchResponse,
    SearchHit,
    IndexStatus,
    ListStoriesResponse,
    Story,
    ListQuotesResponse,
    QuoteRecord,
    Watch,
    ListWatchesResponse,
    WatchMatch,
    ScreenResult,
    ScreenNamesResponse,
);

/// The proto3 JSON form of a message.
pub fn to_json<M: ProtoName>(message: &M) -> serde_json::Value {
    let descriptor = POOL
        .get_message_by_name(M::FULL_NAME)
        .expect("every ProtoName is in the descriptor set");
    let dynamic = DynamicMessage::decode(descriptor, message.encode_to_vec().as_slice())
        .expect("a message re-decodes with its own descriptor");
    let options = SerializeOptions::new().use_proto_field_name(true);
    dynamic
        .serialize_with_options(serde_json::value::Serializer, &options)
        .expect("proto messages serialise to JSON")
}

/// Prints one message as pretty JSON.
pub fn print_json<M: ProtoName>(message: &M) -> Printed {
    outln!(
        "{}",
        serde_json::to_string_pretty(&to_json(message)).unwrap_or_default()
    )
}

/// Prints one message as a single JSON line.
pub fn print_json_line<M: ProtoName>(message: &M) -> Printed {
    outln!("{}", to_json(message))
}

/// RFC 3339 text of a timestamp, or "-" when unset.
pub fn timestamp(ts: Option<&prost_types::Timestamp>) -> String {
    ts.map(ToString::to_string)
        .unwrap_or_else(|| "-".to_string())
}

/// Shortens text to at most `max` characters for a table column.
pub fn truncate(text: &str, max: usize) -> String {
    let mut chars = text.chars();
    let head: String = chars.by_ref().take(max).collect();
    if chars.next().is_some() {
        let mut head: String = head.chars().take(max.saturating_sub(1)).collect();
        head.push('…');
        head
    } else {
        head
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dossier_proto::v1::Document;

    #[test]
    fn json_uses_proto_field_names_and_rfc3339() {
        let doc = Document {
            id: "01J".into(),
            content_sha256: "ab".into(),
            published_at: Some(prost_types::Timestamp {
                seconds: 1_772_529_300,
                nanos: 0,
            }),
            sequence: 7,
            ..Document::default()
        };
        let json = to_json(&doc);
        assert_eq!(json["content_sha256"], "ab");
        assert_eq!(json["published_at"], "2026-03-03T09:15:00Z");
        assert_eq!(json["sequence"], "7", "uint64 is a string in proto3 JSON");
    }

    #[test]
    fn truncation_counts_characters() {
        assert_eq!(truncate("Tymoshenko", 20), "Tymoshenko");
        assert_eq!(truncate("Тимошенко говорит", 5), "Тимо…");
    }
}
