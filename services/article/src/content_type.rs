//! What kind of input the cleaner is given, from a MIME type or by sniffing.

/// The two inputs the cleaner understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ContentType {
    /// Text as typed or scraped from a page: cleaned conservatively.
    PlainText,
    /// A saved web page in any charset.
    Html,
}

impl ContentType {
    /// The MIME type stored with a document.
    pub fn as_mime(self) -> &'static str {
        match self {
            ContentType::PlainText => "text/plain",
            ContentType::Html => "text/html",
        }
    }

    /// Parses a MIME type (parameters such as `; charset=` are ignored).
    /// Unknown types give `None`, so callers can reject them by field name.
    pub fn from_mime(mime: &str) -> Option<ContentType> {
        let base = mime.split(';').next().unwrap_or("").trim();
        match base.to_ascii_lowercase().as_str() {
            "" | "text/plain" => Some(ContentType::PlainText),
            "text/html" | "application/xhtml+xml" => Some(ContentType::Html),
            _ => None,
        }
    }

    /// Guesses the type from a file name's extension, else from the first
    /// bytes: a doctype, `<html`, `<head`, `<body` or `<meta` (after a BOM and
    /// whitespace) means HTML; so do several common tags in the first 1 KB.
    pub fn sniff(bytes: &[u8], file_name: Option<&str>) -> ContentType {
        if let Some(ext) = file_name.and_then(|n| n.rsplit_once('.')).map(|(_, e)| e) {
            match ext.to_ascii_lowercase().as_str() {
                "html" | "htm" | "xhtml" | "shtml" => return ContentType::Html,
                "txt" | "text" | "md" => return ContentType::PlainText,
                _ => {}
            }
        }
        let head = &bytes[..bytes.len().min(1024)];
        let head = strip_bom(head);
        let start = head
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .map_or(&[][..], |p| &head[p..]);
        let lower: Vec<u8> = start.iter().take(512).map(u8::to_ascii_lowercase).collect();
        const OPENERS: [&[u8]; 6] = [
            b"<!doctype html",
            b"<html",
            b"<head",
            b"<body",
            b"<meta",
            b"<!--",
        ];
        if OPENERS.iter().any(|o| lower.starts_with(o)) {
            return ContentType::Html;
        }
        const TAGS: [&[u8]; 6] = [b"<p>", b"<div", b"<br", b"<title>", b"<a href", b"<script"];
        let hits = TAGS.iter().filter(|t| contains(&lower, t)).count();
        if start.first() == Some(&b'<') && hits >= 1 || hits >= 2 {
            ContentType::Html
        } else {
            ContentType::PlainText
        }
    }
}

fn strip_bom(bytes: &[u8]) -> &[u8] {
    for bom in [&b"\xEF\xBB\xBF"[..], b"\xFF\xFE", b"\xFE\xFF"] {
        if let Some(rest) = bytes.strip_prefix(bom) {
            return rest;
        }
    }
    bytes
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_by_extension_then_content() {
        assert_eq!(
            ContentType::sniff(b"plain", Some("a.HTM")),
            ContentType::Html
        );
        assert_eq!(
            ContentType::sniff(b"<html>", Some("a.txt")),
            ContentType::PlainText
        );
        assert_eq!(
            ContentType::sniff(b"\xEF\xBB\xBF  <!DOCTYPE html><p>x", None),
            ContentType::Html
        );
        assert_eq!(
            ContentType::sniff(b"<div class=a>text</div>", None),
            ContentType::Html
        );
        assert_eq!(
            ContentType::sniff(b"A story. 3 < 4 and more.", None),
            ContentType::PlainText
        );
        assert_eq!(ContentType::sniff(b"", None), ContentType::PlainText);
    }

    #[test]
    fn parses_mime() {
        assert_eq!(
            ContentType::from_mime("text/html; charset=utf-8"),
            Some(ContentType::Html)
        );
        assert_eq!(ContentType::from_mime(""), Some(ContentType::PlainText));
        assert_eq!(ContentType::from_mime("image/png"), None);
        assert_eq!(ContentType::Html.as_mime(), "text/html");
    }
}
