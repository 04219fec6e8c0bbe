//! Block emission: the page's text as a sequence of blocks, one per
//! paragraph, heading, list item, quote line or run of loose text, each with
//! the element it came from and its link share.
use crate::dom::{Dom, Tag};
use crate::text::{push_collapsed, word_chars};

/// What a block is, from the elements around its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Para,
    Heading,
    Item,
    Quote,
    Pre,
    Cell,
    /// Text directly inside a `<div>`, `<section>` or similar.
    Loose,
}

#[derive(Debug, Clone)]
pub struct Block {
    pub text: String,
    pub kind: Kind,
    /// Slot of the innermost block element around the text.
    pub elem: u32,
    /// Slot of the block's first text node: decides which container holds it.
    pub first: u32,
    /// Letters and digits, and those inside links.
    pub chars: u32,
    pub link_chars: u32,
    /// Slot of the enclosing list (`ul`/`ol`), if any.
    pub list: Option<u32>,
    /// Ended by a `<br>`: joined to the next block by a line break only.
    pub soft_break: bool,
}

impl Block {
    pub fn link_density(&self) -> f32 {
        self.link_chars as f32 / self.chars.max(1) as f32
    }
}

struct Open {
    end: usize,
    slot: usize,
    tag: Tag,
}

/// Emits the blocks of the subtree at `root`, skipping pruned subtrees.
pub fn emit(dom: &Dom, pruned: &[bool], root: usize) -> Vec<Block> {
    let mut out = Vec::new();
    let mut stack: Vec<Open> = Vec::new();
    let mut cur = Pending::default();
    let mut a_end = 0usize;
    let end = dom.nodes.get(root).map_or(0, |n| n.end as usize);
    let mut i = root;
    while i < end {
        while stack.last().is_some_and(|o| o.end <= i) {
            cur.flush(&stack, false, &mut out);
            stack.pop();
        }
        let node = &dom.nodes[i];
        if pruned[i] {
            i = node.end as usize;
            continue;
        }
        match node.tag {
            Tag::Text => cur.push(dom.text(i), i, i < a_end),
            Tag::Br if cur.chars == 0 => {
                // A second <br> in a row: a paragraph break.
                if let Some(last) = out.last_mut() {
                    last.soft_break = false;
                }
            }
            Tag::Br => cur.flush(&stack, true, &mut out),
            Tag::Hr => cur.flush(&stack, false, &mut out),
            Tag::A => a_end = a_end.max(node.end as usize),
            // Cells stay on their row's line, a space apart.
            Tag::Td | Tag::Th => push_collapsed(&mut cur.text, " "),
            tag if tag.is_block() => {
                cur.flush(&stack, false, &mut out);
                stack.push(Open {
                    end: node.end as usize,
                    slot: i,
                    tag,
                });
            }
            _ => {}
        }
        i += 1;
    }
    while !stack.is_empty() {
        cur.flush(&stack, false, &mut out);
        stack.pop();
    }
    cur.flush(&stack, false, &mut out);
    out
}

#[derive(Default)]
struct Pending {
    text: String,
    first: Option<usize>,
    chars: u32,
    link_chars: u32,
}

impl Pending {
    fn push(&mut self, s: &str, slot: usize, in_link: bool) {
        push_collapsed(&mut self.text, s);
        let c = word_chars(s) as u32;
        if c > 0 && self.first.is_none() {
            self.first = Some(slot);
        }
        self.chars += c;
        if in_link {
            self.link_chars += c;
        }
    }

    fn flush(&mut self, stack: &[Open], soft_break: bool, out: &mut Vec<Block>) {
        let pending = std::mem::take(self);
        let text = pending.text.trim();
        if pending.chars == 0 {
            return;
        }
        let innermost = stack.last().map_or(Tag::Body, |o| o.tag);
        let inside = |t: Tag| stack.iter().any(|o| o.tag == t);
        let kind = if innermost.is_heading() {
            Kind::Heading
        } else if inside(Tag::Pre) {
            Kind::Pre
        } else if inside(Tag::Blockquote) {
            Kind::Quote
        } else if inside(Tag::Li) || innermost == Tag::Dd || innermost == Tag::Dt {
            Kind::Item
        } else if innermost == Tag::P {
            Kind::Para
        } else if innermost == Tag::Tr {
            Kind::Cell
        } else {
            Kind::Loose
        };
        let list = stack
            .iter()
            .rev()
            .find(|o| matches!(o.tag, Tag::Ul | Tag::Ol))
            .map(|o| o.slot as u32);
        out.push(Block {
            text: text.to_string(),
            kind,
            elem: stack.last().map_or(0, |o| o.slot as u32),
            first: pending.first.unwrap_or(0) as u32,
            chars: pending.chars,
            link_chars: pending.link_chars,
            list,
            soft_break,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_items_and_loose_text() {
        let dom = Dom::parse(
            "<div>intro<p>One <a href=x>link</a>.</p><ul><li>a</li><li>b</li></ul>tail<br>more</div>",
            100,
        );
        let pruned = vec![false; dom.len()];
        let blocks = emit(&dom, &pruned, 0);
        let texts: Vec<(&str, Kind)> = blocks.iter().map(|b| (b.text.as_str(), b.kind)).collect();
        assert_eq!(
            texts,
            vec![
                ("intro", Kind::Loose),
                ("One link.", Kind::Para),
                ("a", Kind::Item),
                ("b", Kind::Item),
                ("tail", Kind::Loose),
                ("more", Kind::Loose)
            ]
        );
        assert_eq!(blocks[1].link_chars, 4);
        assert!(blocks[4].soft_break);
    }
}
