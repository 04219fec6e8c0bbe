//! Drops the bodies of `<script>` and `<style>` elements and the attributes
//! nothing reads before html5ever reads the markup.
//!
//! On the benchmark's pages more than half of the characters are inline
//! scripts and style sheets, and much of the rest is attribute values
//! (`srcset`, `data-*`, inline JSON) that html5ever's tokenizer copies
//! character by character into strings the cleaner then drops. The cleaner never reads them (blocks and stats skip
//! both elements, `Dom::text_of` skips their text) except JSON-LD, whose
//! scripts are kept whole. The scan follows the tokenizer where it matters:
//! comments, quoted attribute values, the other raw-text elements and the
//! appropriate end tag; a script holding `<!--` (the tokenizer's escaped
//! states) and anything inside `<svg>`/`<math>` (where script and style are
//! ordinary elements) are left alone. When in doubt it strips nothing.

/// Elements whose content the tokenizer reads as text up to their end tag;
/// skipped whole.
const OTHER_RAW: &[&[u8]] = &[
    b"textarea",
    b"title",
    b"xmp",
    b"iframe",
    b"noembed",
    b"noframes",
    b"noscript",
];

/// Attributes some pass reads (as `sink::KEPT`) plus those html5ever's tree
/// builder looks at (`input type=hidden`, `font` leaving SVG, MathML
/// `annotation-xml encoding`, declarative shadow roots).
const KEPT_ATTRS: &[&[u8]] = &[
    b"class",
    b"id",
    b"hidden",
    b"aria-hidden",
    b"style",
    b"role",
    b"itemprop",
    b"lang",
    b"rel",
    b"href",
    b"type",
    b"datetime",
    b"content",
    b"property",
    b"name",
    b"http-equiv",
    b"color",
    b"face",
    b"size",
    b"encoding",
    b"shadowrootmode",
    b"shadowrootdelegatesfocus",
    b"shadowrootclonable",
    b"shadowrootserializable",
];

/// Returns the markup without script and style bodies and without the
/// attributes nothing reads, or `None` when there was nothing to drop.
pub fn strip(text: &str) -> Option<String> {
    let b = text.as_bytes();
    // (start, end, replacement) in order.
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    let mut foreign = 0usize;
    let mut i = 0;
    while let Some(off) = memchr::memchr(b'<', &b[i..]) {
        let start = i + off;
        let rest = &b[start + 1..];
        if rest.starts_with(b"!--") {
            i = find(b, b"-->", start + 1).map_or(b.len(), |e| e + 3);
            continue;
        }
        if rest.first().is_some_and(|&c| c == b'!' || c == b'?') {
            i = memchr::memchr(b'>', rest).map_or(b.len(), |e| start + 1 + e + 1);
            continue;
        }
        let closing = rest.first() == Some(&b'/');
        let name_start = start + 1 + usize::from(closing);
        if !b.get(name_start).is_some_and(u8::is_ascii_alphabetic) {
            i = start + 1;
            continue;
        }
        let name_end = name_start
            + b[name_start..]
                .iter()
                .take_while(|&&c| !ends_name(c))
                .count();
        let name = &b[name_start..name_end];
        let Some(tag) = read_tag(b, name_end) else {
            break;
        };
        let end = tag.end;
        i = end;
        if closing {
            if name.eq_ignore_ascii_case(b"svg") || name.eq_ignore_ascii_case(b"math") {
                foreign = foreign.saturating_sub(1);
            }
            continue;
        }
        if let Some(slim) = slim_tag(b, &tag) {
            edits.push((name_end, end, slim));
        }
        let is = |n: &[u8]| name.eq_ignore_ascii_case(n);
        if is(b"svg") || is(b"math") {
            foreign += usize::from(!tag.self_closing);
            continue;
        }
        if foreign > 0 {
            continue;
        }
        if is(b"plaintext") {
            break;
        }
        if OTHER_RAW.iter().any(|n| is(n)) {
            i = end_tag(b, name, end).unwrap_or(b.len());
            continue;
        }
        if !is(b"script") && !is(b"style") {
            continue;
        }
        let Some(close) = end_tag(b, name, end) else {
            break;
        };
        let body = &b[end..close];
        let json_ld = find(&b[start..end].to_ascii_lowercase(), b"ld+json", 0).is_some();
        if is(b"script") && find(body, b"<!--", 0).is_some() {
            break;
        }
        if !json_ld && close > end {
            edits.push((end, close, String::new()));
        }
        i = close;
    }
    if edits.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut from = 0;
    for (s, e, with) in edits {
        out.push_str(&text[from..s]);
        out.push_str(&with);
        from = e;
    }
    out.push_str(&text[from..]);
    Some(out)
}

fn ends_name(c: u8) -> bool {
    matches!(c, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ' | b'/' | b'>')
}

/// A start or end tag as the tokenizer reads it.
struct TagSpan {
    /// One past the closing `>`.
    end: usize,
    /// Each attribute from its name to the end of its value.
    attrs: Vec<(usize, usize)>,
    /// `/>` closes the tag (not a `/` ending an unquoted value).
    self_closing: bool,
}

/// Reads the tag whose name ends at `at`, attribute values in quotes as the
/// tokenizer does; `None` if it is never closed.
fn read_tag(b: &[u8], mut at: usize) -> Option<TagSpan> {
    let mut attrs = Vec::new();
    loop {
        let mut slash = false;
        while let Some(&c) = b.get(at).filter(|&&c| c.is_ascii_whitespace() || c == b'/') {
            slash = c == b'/';
            at += 1;
        }
        if *b.get(at)? == b'>' {
            return Some(TagSpan {
                end: at + 1,
                attrs,
                self_closing: slash,
            });
        }
        // Attribute name: its first character may be '='.
        let name_start = at;
        at += 1;
        while b.get(at).is_some_and(|&c| !ends_name(c) && c != b'=') {
            at += 1;
        }
        let name_end = at;
        while b.get(at).is_some_and(u8::is_ascii_whitespace) {
            at += 1;
        }
        if b.get(at) != Some(&b'=') {
            attrs.push((name_start, name_end));
            continue;
        }
        at += 1;
        while b.get(at).is_some_and(u8::is_ascii_whitespace) {
            at += 1;
        }
        match b.get(at)? {
            &q @ (b'"' | b'\'') => at = at + 1 + memchr::memchr(q, &b[at + 1..])? + 1,
            b'>' => {}
            _ => {
                while b
                    .get(at)
                    .is_some_and(|&c| !c.is_ascii_whitespace() && c != b'>')
                {
                    at += 1;
                }
            }
        }
        attrs.push((name_start, at));
    }
}

/// Whether the attribute starting at `span` is one the cleaner or the tree
/// builder reads.
fn kept(b: &[u8], (start, end): (usize, usize)) -> bool {
    let name_end = start
        + 1
        + b[start + 1..end]
            .iter()
            .take_while(|&&c| !ends_name(c) && c != b'=')
            .count();
    let name = &b[start..name_end];
    KEPT_ATTRS.iter().any(|k| name.eq_ignore_ascii_case(k))
}

/// The start tag rewritten after its name with only the kept attributes,
/// or `None` when it keeps them all.
fn slim_tag(b: &[u8], tag: &TagSpan) -> Option<String> {
    if tag.attrs.iter().all(|&a| kept(b, a)) {
        return None;
    }
    let mut out = String::new();
    for &(s, e) in tag.attrs.iter().filter(|&&a| kept(b, a)) {
        out.push(' ');
        // Spans start and end at ASCII bytes of a `str`.
        out.push_str(std::str::from_utf8(&b[s..e]).unwrap_or_default());
    }
    out.push_str(if tag.self_closing { "/>" } else { ">" });
    Some(out)
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    memchr::memmem::find(hay.get(from..)?, needle).map(|p| p + from)
}

/// Position of the end tag `</name` (any case) that the tokenizer accepts
/// (followed by whitespace, `/` or `>`), at or after `from`.
fn end_tag(hay: &[u8], name: &[u8], from: usize) -> Option<usize> {
    let mut at = from;
    while let Some(p) = find(hay, b"</", at) {
        let after = p + 2 + name.len();
        if hay
            .get(p + 2..after)
            .is_some_and(|n| n.eq_ignore_ascii_case(name))
            && hay.get(after).is_some_and(|&c| ends_name(c))
        {
            return Some(p);
        }
        at = p + 2;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_and_style_bodies_go_json_ld_stays() {
        let page = "<style>p{}</style><script>if (a<b) x()</script>\
                    <script type=\"application/ld+json\">{}</script><p>t</p>";
        assert_eq!(
            strip(page).as_deref(),
            Some(
                "<style></style><script></script><script type=\"application/ld+json\">{}</script><p>t</p>"
            )
        );
    }

    #[test]
    fn look_alikes_are_left_alone() {
        for page in [
            "<!-- <script>x</script> --><p>a</p>",
            "<a class='<script>'>x</a>",
            "<textarea><script>x</script></textarea>",
            "<svg><style>a{}</style></svg>",
            "<script><!--<script>x</script>y--></script>",
            "<title></titles><script>x</script></title>",
        ] {
            assert_eq!(strip(page), None, "{page}");
        }
    }

    #[test]
    fn unread_attributes_go_self_closing_stays() {
        let page =
            "<img src=a.jpg class=x /><br data-x=y/><a href=\"/\" onclick='f(\"<\")' id=b>t</a>";
        assert_eq!(
            strip(page).as_deref(),
            Some("<img class=x/><br><a href=\"/\" id=b>t</a>")
        );
    }

    #[test]
    fn end_tag_needs_a_delimiter() {
        let page = "<script>a</scripts>b</script ><p>c</p>";
        assert_eq!(strip(page).as_deref(), Some("<script></script ><p>c</p>"));
    }
}
