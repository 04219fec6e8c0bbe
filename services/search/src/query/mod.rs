//! From a query string to a tantivy query.
//!
//! The string is parsed with tantivy's own grammar (so the syntax is exactly
//! tantivy's), and the tree is then converted leaf by leaf: ordinary leaves go
//! through tantivy's `QueryParser`, while we take over three cases it does not
//! cover — `term~N` fuzzy terms, entity expansion of bare terms and phrases,
//! and friendlier errors that say where the query is wrong.
//!
//! Queries are read in one of two syntaxes ([`Syntax`]): strict, tantivy's
//! grammar exactly; or lenient (the default), where [`lenient`] first
//! repairs what a person typed into a well-formed query and every leaf the
//! index cannot take is read as text, so nothing typed is refused.

pub(crate) mod aliases;
mod depth;
mod exclusion;
mod expand;
mod filter;
pub mod interpret;
pub mod lenient;
mod partial;
mod phrase;
mod suggest;

use std::collections::VecDeque;

use tantivy::Searcher;
use tantivy::Term;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, EmptyQuery, FuzzyTermQuery, Occur, Query, QueryParser,
    QueryParserError,
};
use tantivy::query_grammar::{
    Delimiter, UserInputAst, UserInputBound, UserInputLeaf, UserInputLiteral,
};
use tantivy::schema::{Field, FieldType};

pub use exclusion::Excluded;
pub use expand::{Expansion, ExpansionMemo, REMEMBERED_TERMS};
pub(crate) use filter::any_of;
pub use filter::{Filter, FilterClause, filter_query};
pub use interpret::{Interpretation, Note, NoteKind, Suggestion, Syntax};
pub use partial::filtered_or_partial;
pub use phrase::ExactPhrase;
pub(crate) use phrase::gram_run;
pub use suggest::{SUGGEST_BELOW, suggest};

use crate::error::{Error, MAX_ECHO_CHARS, Result, echo};
use crate::index::SearchIndex;
use crate::schema::normalize_name;
use dossier_proto::v1::EntityType;

/// Largest edit distance `term~N` accepts; beyond 2 every short word matches.
pub(crate) const MAX_FUZZY_DISTANCE: u32 = 2;
/// Most words of a name found among bare query words ("Mu'ammar Muhammad
/// Abu Minyar al-Gaddafi" is six); bounds the dictionary probes per word.
const MAX_NAME_WORDS: usize = 8;

/// A parsed query, the entity spellings it was expanded with, and how it
/// was read.
pub struct ParsedQuery {
    pub query: Box<dyn Query>,
    pub expansions: Vec<Expansion>,
    pub interpretation: Interpretation,
    /// For a lenient query of plain words only: the words, whose best
    /// partial matches stand in when all of them together find nothing.
    pub partial_words: Option<Vec<String>>,
    /// The entity names the reading asked the index about, and what it
    /// found: a watch's query is read again when a new spelling changes
    /// one of these answers.
    pub consulted: Consulted,
}

/// The questions a query's reading asked of the index's entity names.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Consulted {
    /// Normalized names looked up, each with the ids of the live entities
    /// found (empty: none).
    pub names: Vec<(String, Vec<String>)>,
    /// Normalized word runs that no known name continued, so the reading
    /// did not try a longer name ("iouri" before "Iouri Chapovtchouk" was
    /// known).
    pub open_prefixes: Vec<String>,
}

impl Consulted {
    fn looked_up(&mut self, phrase: &str, found: &[Expansion]) {
        let name = normalize_name(phrase);
        if name.is_empty() {
            return;
        }
        let ids = found.iter().map(|e| e.entity_id.clone()).collect();
        self.names.push((name, ids));
    }
}

/// Parses `text` strictly for `searcher`'s index. `expand` turns on entity
/// expansion.
pub fn parse(
    index: &SearchIndex,
    searcher: &Searcher,
    text: &str,
    expand: bool,
) -> Result<ParsedQuery> {
    parse_as(index, searcher, text, expand, Syntax::Strict)
}

/// Parses `text` in `syntax`.
pub fn parse_as(
    index: &SearchIndex,
    searcher: &Searcher,
    text: &str,
    expand: bool,
    syntax: Syntax,
) -> Result<ParsedQuery> {
    if text.trim().is_empty() {
        return Ok(ParsedQuery {
            query: Box::new(AllQuery),
            expansions: Vec::new(),
            interpretation: Interpretation::new(text, String::new(), Vec::new()),
            partial_words: None,
            consulted: Consulted::default(),
        });
    }
    if syntax == Syntax::Strict {
        let ast = strict_ast(text)?;
        let mut converter = Converter::new(index, searcher, text, expand, false);
        let query = converter.convert(ast)?;
        return Ok(ParsedQuery {
            query,
            expansions: converter.expansions,
            interpretation: Interpretation::new(text, text.trim().to_string(), Vec::new()),
            partial_words: None,
            consulted: converter.consulted,
        });
    }
    let repaired = lenient::repair(text, &|name| field_named(index, name));
    let fallback = lenient::as_plain_words(text, repaired.notes.clone());
    for candidate in [repaired, fallback] {
        if candidate.text.is_empty() {
            return Ok(ParsedQuery {
                query: Box::new(EmptyQuery),
                expansions: Vec::new(),
                interpretation: Interpretation::new(text, candidate.text, candidate.notes),
                partial_words: None,
                consulted: Consulted::default(),
            });
        }
        let Ok(ast) = strict_ast(&candidate.text) else {
            continue;
        };
        let partial_words = partial::plain_words(&ast);
        let mut converter = Converter::new(index, searcher, &candidate.text, expand, true);
        let query = converter.convert(ast)?;
        let mut notes = candidate.notes;
        notes.append(&mut converter.notes);
        return Ok(ParsedQuery {
            query,
            expansions: converter.expansions,
            consulted: converter.consulted,
            interpretation: Interpretation::new(text, candidate.text, notes),
            partial_words,
        });
    }
    Err(Error::Internal(format!(
        "the lenient reading of {} did not parse",
        echo(text)
    )))
}

/// The schema's spelling of field `name` (any case), if it is an indexed
/// field.
fn field_named(index: &SearchIndex, name: &str) -> Option<String> {
    let schema = &index.fields().schema;
    let field = schema
        .get_field(name)
        .ok()
        .or_else(|| schema.get_field(&name.to_ascii_lowercase()).ok())?;
    let entry = schema.get_field_entry(field);
    let internal = INTERNAL_FIELDS.contains(&entry.name());
    (entry.is_indexed() && !internal).then(|| entry.name().to_string())
}

/// Fields the index keeps for its own use: the strict syntax accepts them,
/// the lenient one reads `alias:` as text like any other word.
const INTERNAL_FIELDS: [&str; 5] = [
    "alias",
    "entity_alias",
    "entity_facet",
    "title_grams",
    "body_grams",
];

/// `text` through tantivy's grammar, refused with where it goes wrong.
fn strict_ast(text: &str) -> Result<UserInputAst> {
    let depth::Parsed {
        ast,
        errors,
        strict_ok,
    } = depth::parse_bounded(text)?;
    if let Some(err) = errors.first() {
        return Err(Error::InvalidQuery(format!(
            "{} at byte {} (near {:?})",
            err.message,
            err.pos,
            near(text, err.pos)
        )));
    }
    if !strict_ok {
        let at = syntax_error_at(text);
        return Err(Error::InvalidQuery(format!(
            "syntax error at byte {at} (near {:?}); check parentheses, quotes and \
             field:value pairs",
            near(text, at)
        )));
    }
    Ok(ast)
}

/// Most word boundaries tried when placing a syntax error.
const MAX_ERROR_PROBES: usize = 256;

/// Where a query the strict grammar refuses goes wrong: the start of the
/// first word after the longest run of whole words that still parses
/// (`Riga AND` → 5). Only on the error path.
fn syntax_error_at(text: &str) -> usize {
    let starts: Vec<usize> = text
        .char_indices()
        .filter(|&(i, c)| {
            !c.is_whitespace() && (i == 0 || text[..i].ends_with(char::is_whitespace))
        })
        .map(|(i, _)| i)
        .take(MAX_ERROR_PROBES)
        .collect();
    for pair in starts.windows(2).rev() {
        if tantivy::query_grammar::parse_query(text[..pair[1]].trim_end()).is_ok() {
            return pair[1];
        }
    }
    0
}

struct Converter<'a> {
    index: &'a SearchIndex,
    searcher: &'a Searcher,
    parser: QueryParser,
    text: &'a str,
    expand: bool,
    /// Leaves the index cannot take are read as text (and noted) rather
    /// than refused.
    lenient: bool,
    expansions: Vec<Expansion>,
    notes: Vec<Note>,
    consulted: Consulted,
}

impl<'a> Converter<'a> {
    fn new(
        index: &'a SearchIndex,
        searcher: &'a Searcher,
        text: &'a str,
        expand: bool,
        lenient: bool,
    ) -> Self {
        // The parser behind the leaves: every default field, AND by default.
        let mut parser = QueryParser::for_index(index.index(), index.fields().default_fields());
        parser.set_conjunction_by_default();
        Self {
            index,
            searcher,
            parser,
            text,
            expand,
            lenient,
            expansions: Vec::new(),
            notes: Vec::new(),
            consulted: Consulted::default(),
        }
    }

    fn convert(&mut self, ast: UserInputAst) -> Result<Box<dyn Query>> {
        match ast {
            UserInputAst::Clause(children) => {
                let mut clauses = Vec::with_capacity(children.len() + 1);
                let mut children: VecDeque<_> = children.into();
                while !children.is_empty() {
                    if let Some((used, name)) = self.known_name(&children)? {
                        children.drain(..used);
                        clauses.push((Occur::Must, name));
                        continue;
                    }
                    let Some((occur, child)) = children.pop_front() else {
                        break;
                    };
                    // Bare clauses are required: analysts expect `a b` to
                    // mean both, as web search engines do.
                    let occur = occur.unwrap_or(Occur::Must);
                    let query = self.convert(child)?;
                    let query: Box<dyn Query> = match occur {
                        Occur::MustNot => Box::new(exclusion::Excluded(query)),
                        _ => query,
                    };
                    clauses.push((occur, query));
                }
                if clauses.iter().all(|(o, _)| *o == Occur::MustNot) {
                    // `-foo` alone means "everything but foo".
                    clauses.push((Occur::Must, Box::new(AllQuery)));
                }
                Ok(Box::new(BooleanQuery::new(clauses)))
            }
            UserInputAst::Boost(inner, boost) => Ok(Box::new(BoostQuery::new(
                self.convert(*inner)?,
                boost.into_inner() as f32,
            ))),
            UserInputAst::Leaf(leaf) => self.leaf(*leaf),
        }
    }

    fn leaf(&mut self, leaf: UserInputLeaf) -> Result<Box<dyn Query>> {
        if !self.lenient {
            return self.exact_leaf(leaf);
        }
        match self.exact_leaf(leaf.clone()) {
            Err(Error::InvalidQuery(message)) => self.leaf_as_text(leaf, message),
            other => other,
        }
    }

    /// A leaf the index cannot take (`seq:abc`, `published_at:[yesterday
    /// TO *]`, `person:*`), read as its words on the default fields.
    fn leaf_as_text(&mut self, leaf: UserInputLeaf, message: String) -> Result<Box<dyn Query>> {
        let bound = |b: UserInputBound| match b {
            UserInputBound::Inclusive(v) | UserInputBound::Exclusive(v) => v,
            UserInputBound::Unbounded => String::new(),
        };
        let text = match leaf {
            UserInputLeaf::Literal(lit) => lit.phrase,
            UserInputLeaf::Range { lower, upper, .. } => {
                format!("{} {}", bound(lower), bound(upper))
            }
            UserInputLeaf::Set { elements, .. } => elements.join(" "),
            UserInputLeaf::Regex { pattern, .. } => pattern,
            UserInputLeaf::All | UserInputLeaf::Exists { .. } => String::new(),
        };
        let words = lenient::plain_words(&text);
        let read_as = if words.is_empty() {
            "dropped".to_string()
        } else {
            format!("read as the words {words}")
        };
        self.notes.push(Note::new(
            NoteKind::BadValue,
            (0, 0),
            format!("{}; {read_as}", cut(&message)),
        ));
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for word in words.split(' ').filter(|w| !w.is_empty()) {
            let leaf = UserInputLeaf::Literal(UserInputLiteral {
                field_name: None,
                phrase: word.to_string(),
                delimiter: Delimiter::None,
                slop: 0,
                prefix: false,
            });
            clauses.push((Occur::Must, self.tantivy_leaf(leaf)?));
        }
        if clauses.is_empty() {
            // Dropped: neutral wherever it stands.
            return Ok(Box::new(AllQuery));
        }
        Ok(Box::new(BooleanQuery::new(clauses)))
    }

    fn exact_leaf(&mut self, leaf: UserInputLeaf) -> Result<Box<dyn Query>> {
        match leaf {
            UserInputLeaf::Literal(mut lit) if lit.delimiter == Delimiter::None && !lit.prefix => {
                // tantivy's grammar keeps `~N` inside a bare word.
                match split_fuzzy(&lit.phrase) {
                    Some((word, distance)) => {
                        lit.phrase = word.to_string();
                        lit.slop = distance;
                        self.fuzzy(lit)
                    }
                    None => self.literal(lit),
                }
            }
            UserInputLeaf::Literal(lit) => self.literal(lit),
            UserInputLeaf::Exists { field } => {
                self.check_exists_field(&field)?;
                self.tantivy_leaf(UserInputLeaf::Exists { field })
            }
            other => self.tantivy_leaf(other),
        }
    }

    /// A word or phrase, expanded to the entities it spells when asked to.
    fn literal(&mut self, lit: UserInputLiteral) -> Result<Box<dyn Query>> {
        if lit.field_name.as_deref() == Some("story") && !lit.prefix {
            return Ok(self.story(&lit.phrase));
        }
        if lit.field_name.as_deref() == Some("quote") && !lit.prefix {
            return self.quoted(&lit.phrase);
        }
        match lit {
            lit if self.expand && lit.field_name.is_none() && !lit.prefix => {
                let base = self.text_literal(lit.clone())?;
                let found = expand::lookup(self.index, self.searcher, &lit.phrase)?;
                self.consulted.looked_up(&lit.phrase, &found);
                if found.is_empty() {
                    return Ok(base);
                }
                let mut clauses = vec![(Occur::Should, base)];
                for expansion in found {
                    clauses.push((Occur::Should, expansion.query(self.index.fields())));
                    self.expansions.push(expansion);
                }
                Ok(Box::new(BooleanQuery::new(clauses)))
            }
            lit if !lit.prefix && self.renamed_type(&lit).is_some() => {
                let base = self.text_literal(lit.clone())?;
                let entity_type = self.renamed_type(&lit).unwrap_or_default();
                let norm = normalize_name(&lit.phrase);
                let ids = self.index.renames().ids_named(&norm, Some(entity_type));
                match filter::any_of(self.index.fields().entity, &ids) {
                    Some(renamed) => Ok(Box::new(BooleanQuery::new(vec![
                        (Occur::Should, base),
                        (Occur::Should, renamed),
                    ]))),
                    None => Ok(base),
                }
            }
            lit => self.text_literal(lit),
        }
    }

    /// The type of a `person:`, `org:`, … literal while some entity was
    /// renamed: its articles keep the name they were indexed with, so the
    /// name now is looked up in the rename table as well.
    fn renamed_type(&self, lit: &UserInputLiteral) -> Option<i32> {
        if self.index.renames().is_empty() {
            return None;
        }
        let name = lit.field_name.as_deref()?;
        let entity_type = EntityType::from_str_name(&name.to_ascii_uppercase())?;
        self.index.fields().name_field(entity_type)?;
        Some(entity_type as i32)
    }

    /// `story:<id>`: the documents of that story, including those of the
    /// stories merged into it (or, for a merged id, into which it was
    /// merged).
    fn story(&self, id: &str) -> Box<dyn Query> {
        let (_, ids) = self.index.story_ids(id.trim());
        filter::any_of(self.index.fields().story, &ids).unwrap_or_else(|| Box::new(EmptyQuery))
    }

    /// `quote:<entity id or name>`: the documents quoting that entity. A
    /// name stands for every entity it spells in the index, as a bare word
    /// does (so `quote:Kadhafi` finds the documents quoting Gaddafi however
    /// they spell him); an id stands for itself. Speaker ids are those of
    /// the document's last extraction, which follows curated merges, as
    /// `entity:` does.
    fn quoted(&mut self, phrase: &str) -> Result<Box<dyn Query>> {
        let phrase = phrase.trim();
        let mut ids = vec![phrase.to_string()];
        let found = expand::lookup(self.index, self.searcher, phrase)?;
        self.consulted.looked_up(phrase, &found);
        for expansion in found {
            if !ids.contains(&expansion.entity_id) {
                ids.push(expansion.entity_id.clone());
            }
            self.expansions.push(expansion);
        }
        let quote = self.index.fields().quote;
        Ok(filter::any_of(quote, &ids).unwrap_or_else(|| Box::new(EmptyQuery)))
    }

    /// A word or phrase without expansion. Exact phrases on the text fields
    /// are answered from common grams where those can answer them, and
    /// otherwise by a phrase the pruned relevance pass can read.
    fn text_literal(&self, lit: UserInputLiteral) -> Result<Box<dyn Query>> {
        if !lit.prefix && lit.slop == 0 {
            let fields = self.index.fields();
            let targets = match &lit.field_name {
                None => Some(fields.default_fields()),
                Some(name) => fields
                    .schema
                    .get_field(name)
                    .ok()
                    .filter(|f| fields.grams_of(*f).is_some())
                    .map(|f| vec![f]),
            };
            if let Some(query) = targets.and_then(|t| phrase::exact_phrase(fields, &t, &lit.phrase))
            {
                return Ok(query);
            }
        }
        self.tantivy_leaf(UserInputLeaf::Literal(lit))
    }

    /// A known multi-word name spelled by the bare words at the front of
    /// `children` (`Iouri Chapovtchouk`, unquoted), expanded as a unit, and
    /// how many children it takes. The longest known name wins.
    ///
    /// The unit keeps the words' meaning — every word is still required,
    /// anywhere in the document — and adds the documents linked to the
    /// entities the name spells. Word by word, the first name alone could
    /// expand to every Iouri in the index, and the other spellings of the
    /// whole name ("Yuri Shapovchuk") would not be found at all.
    fn known_name(
        &mut self,
        children: &VecDeque<(Option<Occur>, UserInputAst)>,
    ) -> Result<Option<(usize, Box<dyn Query>)>> {
        if !self.expand {
            return Ok(None);
        }
        let words: Vec<&UserInputLiteral> = children
            .iter()
            .take(MAX_NAME_WORDS)
            .map_while(|(occur, child)| bare_word(*occur, child))
            .collect();
        if words.len() < 2 {
            return Ok(None);
        }
        // Grow the candidate while some alias continues it, so a long run
        // of ordinary words costs one dictionary probe per word.
        let mut normalized = normalize_name(&words[0].phrase);
        let mut longest = 1;
        for word in &words[1..] {
            let next = normalize_name(&word.phrase);
            if next.is_empty() {
                break;
            }
            if !expand::some_alias_continues(self.index, self.searcher, &normalized)? {
                self.consulted.open_prefixes.push(normalized.clone());
                break;
            }
            normalized.push(' ');
            normalized.push_str(&next);
            longest += 1;
        }
        for n in (2..=longest).rev() {
            let name = words[..n]
                .iter()
                .map(|w| w.phrase.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            let found = expand::lookup(self.index, self.searcher, &name)?;
            self.consulted.looked_up(&name, &found);
            if found.is_empty() {
                continue;
            }
            let mut all_words = Vec::with_capacity(n);
            for word in &words[..n] {
                let leaf = UserInputLeaf::Literal((*word).clone());
                all_words.push((Occur::Must, self.tantivy_leaf(leaf)?));
            }
            let mut clauses: Vec<(Occur, Box<dyn Query>)> =
                vec![(Occur::Should, Box::new(BooleanQuery::new(all_words)))];
            for expansion in found {
                clauses.push((Occur::Should, expansion.query(self.index.fields())));
                self.expansions.push(expansion);
            }
            return Ok(Some((n, Box::new(BooleanQuery::new(clauses)))));
        }
        Ok(None)
    }

    /// `field:*` is answered from a column, which only some fields keep;
    /// tantivy would accept the query and fail only when it runs.
    fn check_exists_field(&self, name: &str) -> Result<()> {
        let schema = &self.index.fields().schema;
        let Ok(field) = schema.get_field(name) else {
            return Err(Error::InvalidQuery(describe(
                self.index,
                self.text,
                QueryParserError::FieldDoesNotExist(name.into()),
            )));
        };
        if schema.get_field_entry(field).is_fast() {
            return Ok(());
        }
        let columns: Vec<&str> = schema
            .fields()
            .filter(|(_, e)| e.is_fast() && e.is_indexed())
            .map(|(_, e)| e.name())
            .filter(|n| !matches!(*n, "entity_facet"))
            .collect();
        Err(Error::InvalidQuery(format!(
            "`field:*` (has a value) works only on the fields {}; \
             {} is not one of them",
            columns.join(", "),
            echo(name)
        )))
    }

    fn tantivy_leaf(&self, leaf: UserInputLeaf) -> Result<Box<dyn Query>> {
        self.parser
            .build_query_from_user_input_ast(UserInputAst::Leaf(Box::new(leaf)))
            .map_err(|e| Error::InvalidQuery(describe(self.index, self.text, e)))
    }

    /// `term~N`: a fuzzy term query on the named field or every default field.
    fn fuzzy(&self, lit: UserInputLiteral) -> Result<Box<dyn Query>> {
        if lit.slop > MAX_FUZZY_DISTANCE {
            return Err(Error::InvalidQuery(format!(
                "fuzzy distance {} in {} is too large; use at most {MAX_FUZZY_DISTANCE}",
                lit.slop,
                echo(&lit.phrase)
            )));
        }
        let word = normalize_name(&lit.phrase);
        if word.contains(' ') || word.is_empty() {
            // Not one word: tantivy treats it as a phrase with slop.
            return self.tantivy_leaf(UserInputLeaf::Literal(lit));
        }
        let fields = match &lit.field_name {
            None => self.index.fields().default_fields(),
            Some(name) => vec![self.text_field(name)?],
        };
        let clauses = fields
            .into_iter()
            .map(|field| {
                let term = Term::from_field_text(field, &word);
                let q: Box<dyn Query> = Box::new(FuzzyTermQuery::new(term, lit.slop as u8, true));
                (Occur::Should, q)
            })
            .collect();
        Ok(Box::new(BooleanQuery::new(clauses)))
    }

    fn text_field(&self, name: &str) -> Result<Field> {
        let schema = &self.index.fields().schema;
        let field = schema.get_field(name).map_err(|_| {
            Error::InvalidQuery(describe(
                self.index,
                self.text,
                QueryParserError::FieldDoesNotExist(name.into()),
            ))
        })?;
        match schema.get_field_entry(field).field_type() {
            FieldType::Str(_) => Ok(field),
            _ => Err(Error::InvalidQuery(format!(
                "fuzzy terms need a text field; {} is not one",
                echo(name)
            ))),
        }
    }
}

/// A readable message for a parser error, with the position of the field it
/// names when we can find it.
fn describe(index: &SearchIndex, text: &str, err: QueryParserError) -> String {
    match err {
        QueryParserError::FieldDoesNotExist(name) => {
            let at = text
                .find(&format!("{name}:"))
                .map(|p| format!(" at byte {p}"))
                .unwrap_or_default();
            let known: Vec<&str> = index
                .fields()
                .schema
                .fields()
                .filter(|(_, e)| e.is_indexed())
                .map(|(_, e)| e.name())
                .filter(|n| !INTERNAL_FIELDS.contains(n))
                .collect();
            format!(
                "unknown field {}{at}; searchable fields: {}",
                echo(&name),
                known.join(", ")
            )
        }
        QueryParserError::DateFormatError(_) => {
            "published_at needs RFC 3339 times, e.g. published_at:[2024-01-01T00:00:00Z TO *]"
                .into()
        }
        other => cut(&other.to_string()),
    }
}

/// A plain word of the query with the default occurrence: no field, quotes,
/// prefix `*`, fuzzy `~N`, boost or `+`/`-`. Only those may be read together
/// as a name without changing what the query asks for.
fn bare_word(occur: Option<Occur>, child: &UserInputAst) -> Option<&UserInputLiteral> {
    match (occur, child) {
        (None, UserInputAst::Leaf(leaf)) => match leaf.as_ref() {
            UserInputLeaf::Literal(lit)
                if lit.field_name.is_none()
                    && lit.delimiter == Delimiter::None
                    && !lit.prefix
                    && lit.slop == 0
                    && split_fuzzy(&lit.phrase).is_none() =>
            {
                Some(lit)
            }
            _ => None,
        },
        _ => None,
    }
}

/// "word~2" → ("word", 2).
fn split_fuzzy(word: &str) -> Option<(&str, u32)> {
    let (stem, distance) = word.rsplit_once('~')?;
    if stem.is_empty() || distance.is_empty() || !distance.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((stem, distance.parse().unwrap_or(u32::MAX)))
}

/// A message of tantivy's, which may quote any part of the query, cut to a
/// few hundred characters.
fn cut(message: &str) -> String {
    match message.char_indices().nth(2 * MAX_ECHO_CHARS) {
        None => message.to_string(),
        Some((end, _)) => format!("{}…", &message[..end]),
    }
}

/// Up to 20 bytes of `text` from `pos`, cut at char boundaries.
fn near(text: &str, pos: usize) -> &str {
    let mut start = pos.min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (start + 20).min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[start..end]
}

#[cfg(test)]
mod tests;
