//! A flat, pre-order index over html5ever's tree.
//!
//! Every element and text node gets a slot in `nodes`, in document order; a
//! node's subtree is the index range `i..nodes[i].end`. Passes over the page
//! (aggregating text per element, emitting blocks) are then loops over
//! ranges: no recursion, so deep nesting cannot overflow the stack, and
//! per-node data lives in plain vectors indexed like `nodes`.
mod rawtext;
mod sink;

use html5ever::tendril::TendrilSink;
use sink::{Arena, Data, NONE, Sink};

/// Tags the cleaner distinguishes; everything else is `Other`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tag {
    Text,
    Html,
    Head,
    Body,
    Title,
    Meta,
    Link,
    Script,
    Style,
    Noscript,
    Template,
    A,
    P,
    Br,
    Div,
    Span,
    Section,
    Article,
    Main,
    Header,
    Footer,
    Nav,
    Aside,
    H1,
    H2,
    H3,
    H4,
    H5,
    H6,
    Ul,
    Ol,
    Li,
    Dl,
    Dt,
    Dd,
    Blockquote,
    Pre,
    Table,
    Tr,
    Td,
    Th,
    Figure,
    Figcaption,
    Img,
    Picture,
    Video,
    Audio,
    Form,
    Input,
    Button,
    Select,
    Textarea,
    Label,
    Iframe,
    Svg,
    Math,
    Canvas,
    Time,
    Address,
    Hr,
    Object,
    Embed,
    Dialog,
    Menu,
    Center,
    Font,
    B,
    I,
    Em,
    Strong,
    Other,
}

impl Tag {
    fn from_name(name: &str) -> Tag {
        use Tag::*;
        match name {
            "html" => Html,
            "head" => Head,
            "body" => Body,
            "title" => Title,
            "meta" => Meta,
            "link" => Link,
            "script" => Script,
            "style" => Style,
            "noscript" => Noscript,
            "template" => Template,
            "a" => A,
            "p" => P,
            "br" => Br,
            "div" => Div,
            "span" => Span,
            "section" => Section,
            "article" => Article,
            "main" => Main,
            "header" => Header,
            "footer" => Footer,
            "nav" => Nav,
            "aside" => Aside,
            "h1" => H1,
            "h2" => H2,
            "h3" => H3,
            "h4" => H4,
            "h5" => H5,
            "h6" => H6,
            "ul" => Ul,
            "ol" => Ol,
            "li" => Li,
            "dl" => Dl,
            "dt" => Dt,
            "dd" => Dd,
            "blockquote" => Blockquote,
            "pre" => Pre,
            "table" => Table,
            "tr" => Tr,
            "td" => Td,
            "th" => Th,
            "figure" => Figure,
            "figcaption" => Figcaption,
            "img" => Img,
            "picture" => Picture,
            "video" => Video,
            "audio" => Audio,
            "form" => Form,
            "input" => Input,
            "button" => Button,
            "select" => Select,
            "textarea" => Textarea,
            "label" => Label,
            "iframe" => Iframe,
            "svg" => Svg,
            "math" => Math,
            "canvas" => Canvas,
            "time" => Time,
            "address" => Address,
            "hr" => Hr,
            "object" => Object,
            "embed" => Embed,
            "dialog" => Dialog,
            "menu" => Menu,
            "center" => Center,
            "font" => Font,
            "b" => B,
            "i" => I,
            "em" => Em,
            "strong" => Strong,
            _ => Other,
        }
    }

    /// Elements that start a new block of text (a line or paragraph break).
    pub fn is_block(self) -> bool {
        use Tag::*;
        matches!(
            self,
            P | Div
                | Section
                | Article
                | Main
                | Header
                | Footer
                | Nav
                | Aside
                | H1
                | H2
                | H3
                | H4
                | H5
                | H6
                | Ul
                | Ol
                | Li
                | Dl
                | Dt
                | Dd
                | Blockquote
                | Pre
                | Table
                | Tr
                | Td
                | Th
                | Figure
                | Figcaption
                | Form
                | Address
                | Hr
                | Br
                | Center
                | Body
                | Dialog
                | Menu
                | Html
                | Title
        )
    }

    pub fn is_heading(self) -> bool {
        matches!(
            self,
            Tag::H1 | Tag::H2 | Tag::H3 | Tag::H4 | Tag::H5 | Tag::H6
        )
    }
}

/// One indexed node.
#[derive(Debug, Clone)]
pub struct Slot {
    /// The node in the parser's arena.
    sid: u32,
    pub parent: u32,
    /// One past the last node of this node's subtree.
    pub end: u32,
    pub tag: Tag,
}

/// The parsed page and its index.
pub struct Dom {
    arena: Arena,
    pub nodes: Vec<Slot>,
    /// Some elements were deeper than the depth limit and were skipped.
    pub too_deep: bool,
}

impl Dom {
    /// Parses `text` and indexes it; elements deeper than `max_depth` are
    /// left out with their content.
    pub fn parse(text: &str, max_depth: usize) -> Dom {
        let stripped = rawtext::strip(text);
        let text = stripped.as_deref().unwrap_or(text);
        let arena = html5ever::parse_document(Sink::new(), Default::default()).one(text);
        let mut nodes = Vec::with_capacity(arena.nodes.len() / 2 + 1);
        let mut too_deep = false;
        // Pre-order walk along sibling links: (node, parent slot, depth) of
        // the next node to visit, and the stack of open ancestors' next siblings.
        let mut stack: Vec<(u32, u32, usize)> = vec![(0, u32::MAX, 0)];
        while let Some((id, parent, depth)) = stack.pop() {
            let raw = &arena.nodes[id as usize];
            if raw.next != NONE {
                stack.push((raw.next, parent, depth));
            }
            let tag = match &raw.data {
                Data::Element { name, .. } => Tag::from_name(&name.local),
                Data::Text(_) => Tag::Text,
                Data::Document(_) | Data::Fragment => Tag::Other,
                Data::Ignored => continue,
            };
            if depth > max_depth {
                too_deep = true;
                continue;
            }
            let slot = nodes.len() as u32;
            nodes.push(Slot {
                sid: id,
                parent,
                end: slot + 1,
                tag,
            });
            if raw.first != NONE {
                stack.push((raw.first, slot, depth + 1));
            }
        }
        for i in (1..nodes.len()).rev() {
            let (end, parent) = (nodes[i].end, nodes[i].parent as usize);
            if parent < nodes.len() && nodes[parent].end < end {
                nodes[parent].end = end;
            }
        }
        Dom {
            arena,
            nodes,
            too_deep,
        }
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    fn data(&self, i: usize) -> &Data {
        // Slots are only created from ids of this arena.
        &self.arena.nodes[self.nodes[i].sid as usize].data
    }

    /// The text of a text node, "" for elements.
    pub fn text(&self, i: usize) -> &str {
        match self.data(i) {
            Data::Text(t) => t,
            _ => "",
        }
    }

    /// An attribute of an element (ASCII case-insensitive name), if present
    /// and one the sink keeps (`sink::KEPT`).
    pub fn attr(&self, i: usize, name: &str) -> Option<&str> {
        match self.data(i) {
            Data::Element { attrs, .. } => {
                attrs.iter().find(|(n, _)| &**n == name).map(|(_, v)| &**v)
            }
            _ => None,
        }
    }

    /// The element's tag name as written (lowercase), "" for text.
    pub fn name(&self, i: usize) -> &str {
        match self.data(i) {
            Data::Element { name, .. } => &name.local,
            _ => "",
        }
    }

    /// All text below node `i` as written (for script bodies such as JSON-LD).
    pub fn text_of_raw(&self, i: usize) -> String {
        (i..self.nodes[i].end as usize)
            .filter(|&j| self.nodes[j].tag == Tag::Text)
            .map(|j| self.text(j))
            .collect()
    }

    /// All text below node `i` that a reader sees (not inside scripts or
    /// style sheets, whose bodies the parse drops anyway), whitespace collapsed.
    pub fn text_of(&self, i: usize) -> String {
        let mut out = String::new();
        let mut j = i;
        while j < self.nodes[i].end as usize {
            match self.nodes[j].tag {
                Tag::Script | Tag::Style if j > i => {
                    j = self.nodes[j].end as usize;
                    continue;
                }
                Tag::Text => crate::text::push_collapsed(&mut out, self.text(j)),
                _ => {}
            }
            j += 1;
        }
        out.trim().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subtrees_are_ranges() {
        let dom = Dom::parse("<p>a<b>b</b></p><div>c</div>", 100);
        let p = dom.nodes.iter().position(|n| n.tag == Tag::P).unwrap();
        assert_eq!(dom.text_of(p), "ab");
        let div = dom.nodes.iter().position(|n| n.tag == Tag::Div).unwrap();
        assert_eq!(dom.nodes[p].end as usize, div);
    }

    #[test]
    fn deep_nesting_is_cut_not_recursed() {
        let page = "<div>".repeat(2_000) + "x";
        let dom = Dom::parse(&page, 256);
        assert!(dom.too_deep);
        assert!(dom.len() < 400);
    }
}
