//! Direct quotations: the spans between quotation marks, in the marks news
//! uses (“ ” and straight " in English, « » in French and Russian, „ “ in
//! German and Romanian, ‘ ’ and ' for headlines and quotes inside quotes).
//!
//! A mark opens or closes by where it stands (after a space it opens,
//! before one it closes), which reads sloppy typography and „…“ alike.
//! Marks inside an open quote nest; only outermost quotes are returned. A
//! quote left open at the end of a paragraph continues when the next
//! paragraph opens with a mark (the convention for quotes that run over
//! paragraphs); otherwise it ends with its paragraph.

use std::ops::Range;

/// A top-level quotation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// Byte offset of the opening mark.
    pub open: usize,
    /// The words inside the marks.
    pub start: usize,
    pub end: usize,
    /// Byte offset just past the closing mark (== end when the quote ran to
    /// the end of its paragraph unclosed).
    pub close: usize,
    /// Paragraph index where the quote opens and where it closes.
    pub first_paragraph: usize,
    pub last_paragraph: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    Double,
    Guillemet,
    Single,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Open,
    Close,
}

/// What a mark at `i` does, by its char and its neighbours.
fn classify(text: &str, i: usize, c: char) -> Option<(Family, Role)> {
    let prev = text[..i].chars().next_back();
    let next = text[i + c.len_utf8()..].chars().next();
    let space_before = prev.is_none_or(|p| p.is_whitespace() || "([{—–-/:".contains(p));
    let word_after = next.is_some_and(|n| !n.is_whitespace());
    let by_position = |family| {
        if space_before && word_after {
            Some((family, Role::Open))
        } else if !space_before {
            Some((family, Role::Close))
        } else {
            None
        }
    };
    match c {
        '„' => Some((Family::Double, Role::Open)),
        '«' => Some((Family::Guillemet, Role::Open)),
        '»' => Some((Family::Guillemet, Role::Close)),
        '“' | '”' | '"' => by_position(Family::Double),
        '‘' | '’' | '\'' => {
            // An apostrophe between letters ("don't", "O’Brien") is no mark.
            let letter_after = next.is_some_and(char::is_alphanumeric);
            let letter_before = prev.is_some_and(char::is_alphanumeric);
            if letter_before && letter_after {
                None
            } else if space_before && letter_after {
                Some((Family::Single, Role::Open))
            } else if !space_before && !letter_after {
                Some((Family::Single, Role::Close))
            } else {
                None
            }
        }
        _ => None,
    }
}

fn is_mark(c: char) -> bool {
    matches!(c, '„' | '«' | '»' | '“' | '”' | '"' | '‘' | '’' | '\'')
}

/// The top-level quotations of `text`, given its paragraphs.
pub fn segments(text: &str, paragraphs: &[Range<usize>]) -> Vec<Segment> {
    let mut out = Vec::new();
    // An open quote carried over from the previous paragraph.
    let mut carried: Option<(Segment, Family)> = None;
    for (p, para) in paragraphs.iter().enumerate() {
        let mut stack: Vec<(Family, bool)> = Vec::new();
        let mut current: Option<(Segment, Family)> = None;
        if let Some((seg, family)) = carried.take() {
            let first = text[para.clone()].chars().next();
            if first.is_some_and(|c| {
                is_mark(c)
                    && classify(text, para.start, c)
                        .is_some_and(|(f, r)| f == family && r == Role::Open)
            }) {
                stack.push((family, first == Some('"')));
                current = Some((seg, family));
                // Skip the reopening mark itself.
                scan(
                    text,
                    para.start + first.map_or(1, char::len_utf8)..para.end,
                    p,
                    &mut stack,
                    &mut current,
                    &mut out,
                );
            } else {
                let mut seg = seg;
                seg.close = seg.end;
                out.push(seg);
                scan(text, para.clone(), p, &mut stack, &mut current, &mut out);
            }
        } else {
            scan(text, para.clone(), p, &mut stack, &mut current, &mut out);
        }
        if let Some((mut seg, family)) = current.take() {
            let inner = text[seg.start..para.end].trim_end();
            seg.end = seg.start + inner.len();
            seg.close = seg.end;
            seg.last_paragraph = p;
            if family == Family::Single {
                // An unclosed single mark is an apostrophe or a slip, not a
                // quote that runs on.
                continue;
            }
            let next_opens = paragraphs.get(p + 1).is_some_and(|next| {
                text[next.clone()].chars().next().is_some_and(|c| {
                    classify(text, next.start, c)
                        .is_some_and(|(f, r)| f == family && r == Role::Open)
                })
            });
            if next_opens {
                carried = Some((seg, family));
            } else {
                out.push(seg);
            }
        }
    }
    if let Some((mut seg, _)) = carried {
        seg.close = seg.end;
        out.push(seg);
    }
    for s in &mut out {
        // « Nous restons »: the spaces inside French marks are not words.
        let inner = &text[s.start..s.end];
        let lead = inner.len() - inner.trim_start().len();
        s.end = s.start + inner.trim_end().len();
        s.start += lead;
    }
    out.retain(|s| s.start < s.end);
    out
}

fn scan(
    text: &str,
    range: Range<usize>,
    p: usize,
    stack: &mut Vec<(Family, bool)>,
    current: &mut Option<(Segment, Family)>,
    out: &mut Vec<Segment>,
) {
    for (off, c) in text[range.clone()].char_indices() {
        if !is_mark(c) {
            continue;
        }
        let i = range.start + off;
        let Some((family, role)) = classify(text, i, c) else {
            continue;
        };
        match role {
            Role::Open => {
                if stack.is_empty() {
                    *current = Some((
                        Segment {
                            open: i,
                            start: i + c.len_utf8(),
                            end: i + c.len_utf8(),
                            close: i + c.len_utf8(),
                            first_paragraph: p,
                            last_paragraph: p,
                        },
                        family,
                    ));
                }
                // A straight mark that could open while a straight quote
                // is open is read as its close (sloppy spacing is common;
                // straight quotes nested in straight ones are not). Inside
                // typographic marks it nests.
                let straight = c == '"';
                if straight && stack.last() == Some(&(family, true)) {
                    close(stack, current, out, i, c, p);
                } else {
                    stack.push((family, straight));
                }
            }
            Role::Close => {
                // A close pairs with the nearest open of its family and
                // kind (straight or typographic), else of its family.
                let straight = c == '"';
                let pos = stack
                    .iter()
                    .rposition(|e| {
                        *e == (family, straight) || family == Family::Single && e.0 == family
                    })
                    .or_else(|| stack.iter().rposition(|e| e.0 == family));
                if let Some(pos) = pos
                    && (pos + 1 == stack.len() || family != Family::Single)
                {
                    // Unclosed inner marks end with their outer quote.
                    stack.truncate(pos + 1);
                    close(stack, current, out, i, c, p);
                }
            }
        }
    }
}

fn close(
    stack: &mut Vec<(Family, bool)>,
    current: &mut Option<(Segment, Family)>,
    out: &mut Vec<Segment>,
    i: usize,
    c: char,
    p: usize,
) {
    stack.pop();
    if stack.is_empty()
        && let Some((mut seg, _)) = current.take()
    {
        seg.end = i;
        seg.close = i + c.len_utf8();
        seg.last_paragraph = p;
        out.push(seg);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quotes::text::paragraphs;

    fn quotes(t: &str) -> Vec<&str> {
        segments(t, &paragraphs(t))
            .into_iter()
            .map(|s| &t[s.start..s.end])
            .collect()
    }

    #[test]
    fn typographic_straight_and_foreign_marks() {
        assert_eq!(quotes("“We stay,” she said."), vec!["We stay,"]);
        assert_eq!(quotes("He said: \"No deal.\" Then left."), vec!["No deal."]);
        assert_eq!(
            quotes("« Nous restons », a-t-il dit."),
            vec!["Nous restons"]
        );
        assert_eq!(
            quotes("Er sagte: „Wir bleiben.“ Dann ging er."),
            vec!["Wir bleiben."]
        );
    }

    #[test]
    fn nested_quotes_stay_inside_the_outer_one() {
        let t = "“He told me ‘never again’, and meant it,” she said.";
        assert_eq!(quotes(t), vec!["He told me ‘never again’, and meant it,"]);
        let t = "“They call it the \"shadow fleet\" now,” he said.";
        assert_eq!(quotes(t), vec!["They call it the \"shadow fleet\" now,"]);
    }

    #[test]
    fn quotes_run_over_paragraphs_when_the_next_reopens() {
        let t = "“First part.\n\n“Second part,” she said.\n\nAfter.";
        assert_eq!(quotes(t), vec!["First part.\n\n“Second part,"]);
        let t = "“Never closed\n\nNext paragraph.";
        assert_eq!(quotes(t), vec!["Never closed"]);
    }

    #[test]
    fn apostrophes_are_not_marks() {
        assert_eq!(
            quotes("The ministers’ talks didn't end. 'We will not back down,' says Sarrau"),
            vec!["We will not back down,"]
        );
        assert!(quotes("The ministers' talks ended.").is_empty());
    }
}
