//! Bytes to text: the BOM first, then a charset declared in the page's first
//! bytes (`<meta charset>` or `http-equiv` Content-Type), else detection.
//!
//! One deliberate departure from browsers: bytes that are valid UTF-8 and
//! contain non-ASCII are read as UTF-8 even when the page declares a
//! single-byte charset. Saved pages are often re-encoded to UTF-8 by the tool
//! that saved them while the old declaration stays; valid multi-byte UTF-8 is
//! vanishingly unlikely in real windows-1252 text.
use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_8};

/// How many leading bytes are searched for a declaration. The HTML spec
/// says 1024; real pages put long `<head>` preambles first, so a little more.
const PRESCAN_BYTES: usize = 4096;

/// How the charset was chosen, for the article's flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Bom,
    Declared,
    /// Valid UTF-8 (the declaration, if any, disagreed or was absent).
    Utf8,
    /// Guessed by chardetng.
    Detected,
}

/// Decodes a page; malformed sequences become U+FFFD (never an error).
pub fn decode_html(bytes: &[u8]) -> (Cow<'_, str>, &'static Encoding, Source) {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let (text, _) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        return (text, enc, Source::Bom);
    }
    let declared = prescan(&bytes[..bytes.len().min(PRESCAN_BYTES)]);
    if let Ok(text) = std::str::from_utf8(bytes)
        && (declared.is_none() || !text.is_ascii() || declared == Some(UTF_8))
    {
        return (Cow::Borrowed(text), UTF_8, Source::Utf8);
    }
    if let Some(enc) = declared {
        let (text, _) = enc.decode_without_bom_handling(bytes);
        return (text, enc, Source::Declared);
    }
    let enc = detect(bytes);
    let (text, _) = enc.decode_without_bom_handling(bytes);
    (text, enc, Source::Detected)
}

/// Decodes plain text: BOM, else UTF-8 when valid, else detection.
pub fn decode_text(bytes: &[u8]) -> (Cow<'_, str>, Source) {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        return (
            enc.decode_without_bom_handling(&bytes[bom_len..]).0,
            Source::Bom,
        );
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return (Cow::Borrowed(text), Source::Utf8);
    }
    let enc = detect(bytes);
    (enc.decode_without_bom_handling(bytes).0, Source::Detected)
}

fn detect(bytes: &[u8]) -> &'static Encoding {
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    detector.guess(None, chardetng::Utf8Detection::Allow)
}

/// Finds `charset=` inside a `<meta` tag in the first bytes. UTF-16 labels
/// mean UTF-8 here, as in the HTML spec (the bytes are not UTF-16, or the
/// BOM would have said so).
fn prescan(head: &[u8]) -> Option<&'static Encoding> {
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let mut from = 0;
    while let Some(pos) = find(&lower[from..], b"<meta") {
        let start = from + pos;
        let end = lower[start..]
            .iter()
            .position(|&b| b == b'>')
            .map_or(lower.len(), |e| start + e);
        if let Some(enc) = charset_in(&lower[start..end]) {
            return Some(if enc.name().starts_with("UTF-16") {
                UTF_8
            } else {
                enc
            });
        }
        from = end.max(start + 5);
    }
    None
}

fn charset_in(tag: &[u8]) -> Option<&'static Encoding> {
    let at = find(tag, b"charset")? + "charset".len();
    let rest = &tag[at..];
    let rest = rest.iter().position(|&b| b != b' ').map(|p| &rest[p..])?;
    let rest = rest.strip_prefix(b"=")?;
    let rest: &[u8] = match rest.iter().position(|&b| !matches!(b, b' ' | b'"' | b'\'')) {
        Some(p) => &rest[p..],
        None => return None,
    };
    let len = rest
        .iter()
        .position(|&b| matches!(b, b'"' | b'\'' | b' ' | b';' | b'/' | b'>'))
        .unwrap_or(rest.len());
    Encoding::for_label(&rest[..len])
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_windows_1252() {
        let page = b"<html><head><meta charset=\"windows-1252\"></head><body>caf\xe9</body></html>";
        let (text, enc, source) = decode_html(page);
        assert!(text.contains("café"));
        assert_eq!(enc.name(), "windows-1252");
        assert_eq!(source, Source::Declared);
    }

    #[test]
    fn http_equiv_latin1() {
        let page = b"<meta http-equiv='Content-Type' content='text/html; charset=ISO-8859-1'><p>M\xfcnchen";
        assert!(decode_html(page).0.contains("München"));
    }

    #[test]
    fn bom_wins() {
        let page = b"\xEF\xBB\xBF<meta charset=windows-1252><p>caf\xc3\xa9";
        let (text, _, source) = decode_html(page);
        assert!(text.contains("café"));
        assert_eq!(source, Source::Bom);
    }

    #[test]
    fn valid_utf8_beats_legacy_declaration() {
        let page = "<meta charset=iso-8859-1><p>Zürich".as_bytes();
        assert!(decode_html(page).0.contains("Zürich"));
    }

    #[test]
    fn undeclared_legacy_is_detected() {
        let page = b"<p>Les \xe9l\xe8ves de l'\xe9cole sont all\xe9s \xe0 la mer avec leur professeur d'histoire.";
        let (text, _, source) = decode_html(page);
        assert_eq!(source, Source::Detected);
        assert!(text.contains("élèves"), "{text}");
    }
}
