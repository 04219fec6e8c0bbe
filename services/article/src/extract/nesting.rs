//! A cheap pre-pass that bounds nesting before html5ever sees the markup.
//!
//! html5ever checks "is there a `<p>` in button scope" and similar by
//! scanning the stack of open elements, so each start tag costs time in
//! proportion to the current depth: 200,000 nested `<div>`s took minutes.
//! This pass tracks the open elements the way the tree builder roughly
//! will (end tags close the nearest open element of the same name, stray
//! end tags are ignored, elements with optional or no end tags are not
//! counted) and drops start tags that would open more than `max_depth`
//! elements. Real pages stay far below the limit and pass unchanged; on
//! hostile ones the text survives and only the excess tags are lost.

/// Elements never left open: void elements, those whose end tag is
/// optional (closed implicitly by a sibling), and the document's shell.
const NOT_COUNTED: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "thead",
    "tbody", "tfoot", "colgroup", "rb", "rt", "rp", "html", "head", "body", "frame", "keygen",
    "basefont", "bgsound", "image",
];

/// Elements whose content is raw text up to their end tag.
const RAW_TEXT: &[&str] = &[
    "script",
    "style",
    "textarea",
    "title",
    "xmp",
    "iframe",
    "noembed",
    "noframes",
    "plaintext",
];

/// Returns the markup without the start tags beyond `max_depth`, or `None`
/// when nothing had to be dropped.
pub fn limit_nesting(text: &str, max_depth: usize) -> Option<String> {
    let b = text.as_bytes();
    let mut open: Vec<&str> = Vec::new();
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while let Some(off) = memchr::memchr(b'<', &b[i..]) {
        let start = i + off;
        let mut j = start + 1;
        if b[j..].starts_with(b"!--") {
            i = find(b, b"-->", j).map_or(b.len(), |e| e + 3);
            continue;
        }
        let closing = b.get(j) == Some(&b'/');
        if closing {
            j += 1;
        }
        let name_start = j;
        while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'-') {
            j += 1;
        }
        if j == name_start || !b[name_start].is_ascii_alphabetic() {
            i = start + 1;
            continue;
        }
        let name = &text[name_start..j];
        let end = memchr::memchr(b'>', &b[j..]).map_or(b.len(), |e| j + e + 1);
        i = end;
        let is = |list: &[&str]| list.iter().any(|n| n.eq_ignore_ascii_case(name));
        if is(NOT_COUNTED) {
            continue;
        }
        if closing {
            if let Some(k) = open.iter().rposition(|n| n.eq_ignore_ascii_case(name)) {
                open.truncate(k);
            }
            continue;
        }
        if is(RAW_TEXT) {
            i = find_end_tag(b, name.as_bytes(), end);
            continue;
        }
        let self_closing = end >= 2 && b[end - 2] == b'/';
        if self_closing {
            continue;
        }
        if open.len() >= max_depth {
            cuts.push((start, end));
        } else {
            open.push(name);
        }
    }
    if cuts.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut from = 0;
    for (s, e) in cuts {
        out.push_str(&text[from..s]);
        from = e;
    }
    out.push_str(&text[from..]);
    Some(out)
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    memchr::memmem::find(hay.get(from..)?, needle).map(|p| p + from)
}

/// Position of `</name` (any case) at or after `from`, else the end.
fn find_end_tag(hay: &[u8], name: &[u8], from: usize) -> usize {
    let mut at = from;
    while let Some(p) = find(hay, b"</", at) {
        if hay
            .get(p + 2..p + 2 + name.len())
            .is_some_and(|n| n.eq_ignore_ascii_case(name))
        {
            return p;
        }
        at = p + 2;
    }
    hay.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_markup_passes_unchanged() {
        let page = "<html><body><div><p>a<p>b<ul><li>x<li>y</ul><script>if (a<b) {}</script></div></body></html>";
        assert_eq!(limit_nesting(page, 3), None);
    }

    #[test]
    fn excess_start_tags_are_dropped() {
        let page = "<div><div><div><div>text</div></div></div></div>";
        assert_eq!(
            limit_nesting(page, 2).as_deref(),
            Some("<div><div>text</div></div></div></div>")
        );
    }

    #[test]
    fn stray_end_tags_do_not_hide_depth() {
        let page = "<div></span><div></span><div></span>x";
        assert_eq!(
            limit_nesting(page, 2).as_deref(),
            Some("<div></span><div></span></span>x")
        );
    }
}
