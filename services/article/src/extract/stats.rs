//! Per-element text counts in one forward and one backward pass.
use crate::dom::{Dom, Tag};
use crate::text::word_chars;

/// Letters and digits below each node (index = node slot), skipping pruned
/// subtrees when `pruned` is given.
pub struct Stats {
    /// All text.
    pub chars: Vec<u32>,
    /// Text inside links.
    pub link_chars: Vec<u32>,
    /// Text inside `<p>`.
    pub para_chars: Vec<u32>,
}

impl Stats {
    pub fn compute(dom: &Dom, pruned: Option<&[bool]>) -> Stats {
        let n = dom.len();
        let mut chars = vec![0u32; n];
        let mut link_chars = vec![0u32; n];
        let mut para_chars = vec![0u32; n];
        // Ends of the innermost open <a> and <p>; nesting does not matter,
        // only whether the current node is inside one.
        let (mut a_end, mut p_end) = (0usize, 0usize);
        let mut i = 0;
        while i < n {
            let node = &dom.nodes[i];
            let never_text = matches!(
                node.tag,
                Tag::Head | Tag::Script | Tag::Style | Tag::Noscript | Tag::Template
            );
            if never_text || pruned.is_some_and(|p| p[i]) {
                i = node.end as usize;
                continue;
            }
            match node.tag {
                Tag::A => a_end = a_end.max(node.end as usize),
                Tag::P => p_end = p_end.max(node.end as usize),
                Tag::Text => {
                    let c = word_chars(dom.text(i)) as u32;
                    chars[i] = c;
                    if i < a_end {
                        link_chars[i] = c;
                    }
                    if i < p_end {
                        para_chars[i] = c;
                    }
                }
                _ => {}
            }
            i += 1;
        }
        for j in (1..n).rev() {
            let parent = dom.nodes[j].parent as usize;
            if parent < n {
                chars[parent] += chars[j];
                link_chars[parent] += link_chars[j];
                para_chars[parent] += para_chars[j];
            }
        }
        Stats {
            chars,
            link_chars,
            para_chars,
        }
    }

    /// Share of an element's text that is link text.
    pub fn link_density(&self, i: usize) -> f32 {
        self.link_chars[i] as f32 / self.chars[i].max(1) as f32
    }
}
