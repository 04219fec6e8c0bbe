//! html5ever's tree builder writing into a lean arena.
//!
//! scraper's tree keeps every attribute in a hash map, copies each string
//! into its own tendril type and wraps elements in lazily-filled caches; the
//! cleaner reads a dozen attributes and walks the tree once. This sink keeps
//! html5ever's own atoms and tendrils, only the attributes in [`KEPT`], and
//! sibling links in plain `u32`s, so `Dom::parse` can flatten it in one loop.
//! The tree it builds is the one scraper built (same text merging, template
//! contents as a fragment child of the `<template>`), so the cleaner's output
//! does not change.
use std::borrow::Cow;
use std::cell::{Ref, RefCell};

use html5ever::tendril::StrTendril;
use html5ever::tree_builder::{ElementFlags, NodeOrText, QuirksMode, TreeSink};
use html5ever::{Attribute, LocalName, QualName, local_name, ns};

/// Attributes some pass reads (`Dom::attr`); all others are dropped at parse.
const KEPT: &[&str] = &[
    "class",
    "id",
    "hidden",
    "aria-hidden",
    "style",
    "role",
    "itemprop",
    "lang",
    "rel",
    "href",
    "type",
    "datetime",
    "content",
    "property",
    "name",
    "http-equiv",
];

/// "No node" in the link fields.
pub const NONE: u32 = u32::MAX;

pub enum Data {
    /// The document; its name answers `elem_name` for non-elements, which
    /// the tree builder never asks about.
    Document(QualName),
    Element {
        name: QualName,
        attrs: Vec<(LocalName, StrTendril)>,
    },
    /// A `<template>`'s contents.
    Fragment,
    Text(StrTendril),
    /// Comments, processing instructions: linked like scraper linked them
    /// (they keep neighbouring texts apart) but never indexed.
    Ignored,
}

pub struct Raw {
    pub data: Data,
    pub parent: u32,
    pub first: u32,
    pub last: u32,
    pub prev: u32,
    pub next: u32,
}

/// The arena the sink builds; node 0 is the document.
pub struct Arena {
    pub nodes: Vec<Raw>,
}

impl Arena {
    fn push(&mut self, data: Data) -> u32 {
        self.nodes.push(Raw {
            data,
            parent: NONE,
            first: NONE,
            last: NONE,
            prev: NONE,
            next: NONE,
        });
        (self.nodes.len() - 1) as u32
    }

    fn detach(&mut self, id: u32) {
        let Raw {
            parent, prev, next, ..
        } = self.nodes[id as usize];
        if parent == NONE {
            return;
        }
        match prev {
            NONE => self.nodes[parent as usize].first = next,
            p => self.nodes[p as usize].next = next,
        }
        match next {
            NONE => self.nodes[parent as usize].last = prev,
            n => self.nodes[n as usize].prev = prev,
        }
        let node = &mut self.nodes[id as usize];
        (node.parent, node.prev, node.next) = (NONE, NONE, NONE);
    }

    fn append_id(&mut self, parent: u32, id: u32) {
        self.detach(id);
        let last = self.nodes[parent as usize].last;
        match last {
            NONE => self.nodes[parent as usize].first = id,
            l => self.nodes[l as usize].next = id,
        }
        self.nodes[parent as usize].last = id;
        let node = &mut self.nodes[id as usize];
        (node.parent, node.prev) = (parent, last);
    }

    fn insert_before(&mut self, sibling: u32, id: u32) {
        self.detach(id);
        let Raw { parent, prev, .. } = self.nodes[sibling as usize];
        match prev {
            NONE => self.nodes[parent as usize].first = id,
            p => self.nodes[p as usize].next = id,
        }
        self.nodes[sibling as usize].prev = id;
        let node = &mut self.nodes[id as usize];
        (node.parent, node.prev, node.next) = (parent, prev, sibling);
    }

    /// Appends text to `parent`, merged into its last child if that is text.
    fn append_text(&mut self, parent: u32, text: StrTendril) {
        let last = self.nodes[parent as usize].last;
        if let Some(Raw {
            data: Data::Text(t),
            ..
        }) = self.nodes.get_mut(last as usize)
        {
            t.push_tendril(&text);
            return;
        }
        let id = self.push(Data::Text(text));
        self.append_id(parent, id);
    }

    /// Inserts text before `sibling`, merged into the text before it if any.
    fn insert_text_before(&mut self, sibling: u32, text: StrTendril) {
        let prev = self.nodes[sibling as usize].prev;
        if let Some(Raw {
            data: Data::Text(t),
            ..
        }) = self.nodes.get_mut(prev as usize)
        {
            t.push_tendril(&text);
            return;
        }
        let id = self.push(Data::Text(text));
        self.insert_before(sibling, id);
    }
}

pub struct Sink {
    arena: RefCell<Arena>,
}

impl Sink {
    pub fn new() -> Sink {
        let mut arena = Arena {
            nodes: Vec::with_capacity(4096),
        };
        arena.push(Data::Document(QualName::new(
            None,
            ns!(html),
            local_name!("html"),
        )));
        Sink {
            arena: RefCell::new(arena),
        }
    }
}

impl TreeSink for Sink {
    type Handle = u32;
    type Output = Arena;
    type ElemName<'a> = Ref<'a, QualName>;

    fn finish(self) -> Arena {
        self.arena.into_inner()
    }

    fn parse_error(&self, _msg: Cow<'static, str>) {}

    fn get_document(&self) -> u32 {
        0
    }

    fn elem_name<'a>(&'a self, target: &'a u32) -> Ref<'a, QualName> {
        Ref::map(self.arena.borrow(), |a| {
            match a.nodes.get(*target as usize).map(|n| &n.data) {
                Some(Data::Element { name, .. }) => name,
                _ => match &a.nodes[0].data {
                    Data::Document(name) | Data::Element { name, .. } => name,
                    _ => unreachable_name(),
                },
            }
        })
    }

    fn create_element(&self, name: QualName, attrs: Vec<Attribute>, flags: ElementFlags) -> u32 {
        let attrs = attrs
            .into_iter()
            .filter(|a| KEPT.contains(&&*a.name.local))
            .map(|a| (a.name.local, a.value))
            .collect();
        let mut arena = self.arena.borrow_mut();
        let id = arena.push(Data::Element { name, attrs });
        if flags.template {
            let contents = arena.push(Data::Fragment);
            arena.append_id(id, contents);
        }
        id
    }

    fn create_comment(&self, _text: StrTendril) -> u32 {
        self.arena.borrow_mut().push(Data::Ignored)
    }

    fn create_pi(&self, _target: StrTendril, _data: StrTendril) -> u32 {
        self.arena.borrow_mut().push(Data::Ignored)
    }

    fn append(&self, parent: &u32, child: NodeOrText<u32>) {
        let mut arena = self.arena.borrow_mut();
        match child {
            NodeOrText::AppendNode(id) => arena.append_id(*parent, id),
            NodeOrText::AppendText(text) => arena.append_text(*parent, text),
        }
    }

    fn append_based_on_parent_node(&self, element: &u32, prev: &u32, child: NodeOrText<u32>) {
        let has_parent = self.arena.borrow().nodes[*element as usize].parent != NONE;
        if has_parent {
            self.append_before_sibling(element, child);
        } else {
            self.append(prev, child);
        }
    }

    fn append_doctype_to_document(&self, _: StrTendril, _: StrTendril, _: StrTendril) {
        let mut arena = self.arena.borrow_mut();
        let id = arena.push(Data::Ignored);
        arena.append_id(0, id);
    }

    fn get_template_contents(&self, target: &u32) -> u32 {
        let first = self.arena.borrow().nodes[*target as usize].first;
        // Templates are created with their contents fragment as first child.
        if first == NONE { *target } else { first }
    }

    fn same_node(&self, x: &u32, y: &u32) -> bool {
        x == y
    }

    fn set_quirks_mode(&self, _mode: QuirksMode) {}

    fn append_before_sibling(&self, sibling: &u32, new_node: NodeOrText<u32>) {
        let mut arena = self.arena.borrow_mut();
        if let NodeOrText::AppendNode(id) = new_node {
            arena.detach(id);
        }
        if arena.nodes[*sibling as usize].parent == NONE {
            return;
        }
        match new_node {
            NodeOrText::AppendNode(id) => arena.insert_before(*sibling, id),
            NodeOrText::AppendText(text) => arena.insert_text_before(*sibling, text),
        }
    }

    fn add_attrs_if_missing(&self, target: &u32, attrs: Vec<Attribute>) {
        let mut arena = self.arena.borrow_mut();
        if let Some(Raw {
            data: Data::Element { attrs: have, .. },
            ..
        }) = arena.nodes.get_mut(*target as usize)
        {
            for a in attrs {
                if KEPT.contains(&&*a.name.local) && !have.iter().any(|(n, _)| *n == a.name.local) {
                    have.push((a.name.local, a.value));
                }
            }
        }
    }

    fn remove_from_parent(&self, target: &u32) {
        self.arena.borrow_mut().detach(*target);
    }

    fn reparent_children(&self, node: &u32, new_parent: &u32) {
        let mut arena = self.arena.borrow_mut();
        let mut child = arena.nodes[*node as usize].first;
        while child != NONE {
            let next = arena.nodes[child as usize].next;
            arena.append_id(*new_parent, child);
            child = next;
        }
    }
}

/// Node 0 is always the document, created with a name in `Sink::new`.
fn unreachable_name() -> &'static QualName {
    static NAME: std::sync::OnceLock<QualName> = std::sync::OnceLock::new();
    NAME.get_or_init(|| QualName::new(None, ns!(html), local_name!("html")))
}
