//! Small text helpers shared by the HTML and plain-text paths.

/// Appends `s` to `out` with runs of whitespace collapsed to one space
/// (none at the start of `out`). NUL and other control characters count as
/// whitespace, so they never reach the output.
pub fn push_collapsed(out: &mut String, s: &str) {
    let mut space = out.ends_with(' ') || out.is_empty();
    for c in s.chars() {
        if c.is_whitespace() || c.is_control() || c == '\u{200b}' || c == '\u{feff}' {
            if !space {
                out.push(' ');
                space = true;
            }
        } else {
            out.push(c);
            space = false;
        }
    }
}

/// Whitespace-collapsed, trimmed copy.
pub fn collapse(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_collapsed(&mut out, s);
    out.trim_end().to_string()
}

/// Number of characters that are letters or digits: the measure of "how much
/// text" used throughout (markup-free, language-neutral).
pub fn word_chars(s: &str) -> usize {
    if s.is_ascii() {
        return s.bytes().filter(u8::is_ascii_alphanumeric).count();
    }
    s.chars().filter(|c| c.is_alphanumeric()).count()
}
