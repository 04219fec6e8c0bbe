//! The small coreference step: a speaker phrase to a name of the document.
//!
//! A phrase holding a name is that name (a person before an organisation:
//! "Norvik's chief, Lin Wei"). "he"/"she" is the nearest person named
//! before it outside quotations, skipping names after a preposition ("met
//! with Rusu"), which are seldom the next sentence's subject; "they"/"it"
//! the nearest organisation. A description ("the minister", "the Moldovan
//! leader") is the nearest person introduced with that title, else the
//! nearest person; "the company" the nearest organisation whose name has
//! that word, else the nearest organisation; a document ("the statement")
//! its issuer when named in the phrase, else the organisation named
//! shortly before. Indefinite descriptions ("an expert at a university")
//! name no one.

use std::ops::Range;

use super::NameRef;
use super::attribution::head_noun;
use super::cues::{self, NounKind, Pronoun};
use super::text::words;
use crate::EntityType;

/// What the resolver knows about the document.
pub struct Context<'a> {
    pub text: &'a str,
    pub names: &'a [NameRef],
    /// Byte ranges of direct quotations, sorted.
    pub quoted: &'a [Range<usize>],
}

impl Context<'_> {
    /// End of the first paragraph (the headline, in search's texts).
    fn headline_end(&self) -> usize {
        self.text.find('\n').unwrap_or(self.text.len())
    }

    fn in_quote(&self, pos: usize) -> bool {
        let i = self.quoted.partition_point(|q| q.end <= pos);
        self.quoted.get(i).is_some_and(|q| q.start <= pos)
    }

    /// Names before `pos`, nearest first, outside quotations.
    fn before(&self, pos: usize) -> impl Iterator<Item = (usize, &NameRef)> {
        let upto = self.names.partition_point(|n| n.end <= pos);
        self.names[..upto]
            .iter()
            .enumerate()
            .rev()
            .filter(|(_, n)| !self.in_quote(n.start))
    }

    /// The lower-case word governing a name ("with" in "met with Rusu",
    /// "told" in "told the Ledger"), empty when the name opens its
    /// sentence or follows a sentence-opening preposition ("For Hrytsenko,
    /// …" makes him the topic, not an object).
    fn word_before(&self, n: &NameRef) -> String {
        let mut end = n.start;
        for _ in 0..2 {
            let base = super::ceil(self.text, end.saturating_sub(24));
            let head = self.text[base..end].trim_end();
            let from = head.rfind(|c: char| !c.is_alphanumeric()).map_or(0, |p| {
                p + head[p..].chars().next().map_or(1, char::len_utf8)
            });
            let word = head.get(from..).unwrap_or("").to_lowercase();
            let word_start = base + from;
            let opens_sentence = self.text[..word_start]
                .trim_end_matches([' ', '\t'])
                .chars()
                .next_back()
                .is_none_or(|c| matches!(c, '\n' | '.' | '“' | '"'));
            if opens_sentence {
                return String::new();
            }
            if word == "the" || word == "a" {
                end = word_start;
                continue;
            }
            return word;
        }
        String::new()
    }

    /// The words around a person's name that give their title: a few
    /// words before ("Foreign Minister Ana Popescu") and an appositive
    /// after ("Ana Popescu, the foreign minister,").
    fn title_context(&self, n: &NameRef) -> String {
        let mut from = n.start.saturating_sub(48);
        while !self.text.is_char_boundary(from) {
            from += 1;
        }
        // Not past the name before it ("Minister Ana Popescu and Ion
        // Rusu": Rusu is no minister).
        let previous_end = self
            .names
            .iter()
            .take_while(|m| m.end <= n.start)
            .last()
            .map_or(0, |m| m.end);
        let from = from.max(previous_end);
        let before = &self.text[from..n.start];
        let before = before
            .rsplit(['.', '\n', '“', '"', ','])
            .next()
            .unwrap_or("");
        let after = &self.text[n.end..];
        let appositive = after
            .strip_prefix(", ")
            .map(|a| {
                let stop = a
                    .find([',', '.', ';', '\n', '“', '"'])
                    .unwrap_or(a.len())
                    .min(80);
                let mut stop = stop;
                while !a.is_char_boundary(stop) {
                    stop -= 1;
                }
                &a[..stop]
            })
            .unwrap_or("");
        format!("{before} {appositive}").to_lowercase()
    }
}

/// Nouns that describe the same role ("the leader" of a president).
fn same_role(head: &str, context: &str) -> bool {
    let synonyms: &[&str] = match head {
        "leader" => &[
            "leader",
            "president",
            "prime minister",
            "premier",
            "chancellor",
            "head of",
        ],
        "executive" | "chief" | "ceo" | "boss" => &[
            "executive",
            "chief",
            "ceo",
            "boss",
            "head of",
            "founder",
            "managing director",
        ],
        "spokesman" | "spokeswoman" | "spokesperson" => &["spokes"],
        "lawmaker" | "mp" | "senator" => &["lawmaker", "mp", "senator", "deputy", "member of"],
        "prosecutor" => &["prosecutor", "attorney"],
        "premier" => &["premier", "prime minister"],
        "envoy" | "diplomat" => &["envoy", "ambassador", "diplomat"],
        other => return context.contains(other),
    };
    synonyms.iter().any(|s| context.contains(s))
}

fn is_person(t: EntityType) -> bool {
    t == EntityType::Person
}

fn is_organisation(t: EntityType) -> bool {
    matches!(t, EntityType::Org | EntityType::Gpe)
}

/// The name index a speaker phrase refers to, if any, as the fullest
/// form of that name in the document ("Lumora" → "Lumora Labs" named
/// earlier), so the speaker is the entity its full name links to.
pub fn resolve(ctx: &Context<'_>, phrase: Range<usize>) -> Option<usize> {
    resolve_mention(ctx, phrase).map(|i| fullest(ctx, i))
}

fn resolve_mention(ctx: &Context<'_>, phrase: Range<usize>) -> Option<usize> {
    let text = ctx.text;
    let w = words(text, phrase.clone());
    let first = w.first()?.text(text);
    if w.len() == 1
        && let Some(p) = cues::pronoun(first)
    {
        return pronoun(ctx, p, phrase.start);
    }
    // Names in the phrase's head, before a tail such as "at a university
    // in Kraków" (which places the speaker, not names them).
    let tail = w
        .iter()
        .position(|x| {
            matches!(
                x.text(text),
                "at" | "in" | "from" | "near" | "outside" | "on"
            )
        })
        .map_or(phrase.end, |k| w[k].start);
    let in_range = |n: &NameRef, end: usize| {
        n.start >= phrase.start && n.end <= end && super::can_speak(n.entity_type)
    };
    let inside: Vec<usize> = (0..ctx.names.len())
        .filter(|&i| in_range(&ctx.names[i], tail))
        .collect();
    if let Some(&i) = inside
        .iter()
        .find(|&&i| is_person(ctx.names[i].entity_type))
    {
        return Some(i);
    }
    let head = head_noun(text, &w);
    let indefinite = cues::is_indefinite(first);
    let description = describing_words(text, &w);
    match head {
        Some((h, NounKind::Person)) => {
            let head_word = w[h].text(text).to_lowercase();
            if indefinite {
                // "a Norvik spokesperson", "a spokesperson for the
                // ministry": the organisation.
                let speaks_for = matches!(
                    head_word.as_str(),
                    "spokesman" | "spokeswoman" | "spokesperson" | "representative" | "official"
                );
                if speaks_for && let Some(&i) = inside.first() {
                    return Some(i);
                }
                return tail_organisation(ctx, &w, h, phrase.start);
            }
            if matches!(
                head_word.as_str(),
                "spokesman" | "spokeswoman" | "spokesperson"
            ) && let Some(&i) = inside.first()
            {
                return Some(i);
            }
            if matches!(
                head_word.as_str(),
                "officials" | "sources" | "residents" | "people" | "experts" | "analysts"
            ) {
                return None;
            }
            // "Norvik's chief executive", "the mayor", "the 47-year-old
            // coach": the person introduced so, else the most talked-about
            // person so far, else the organisation named.
            person_described(ctx, &head_word, &description, phrase.start)
                .or_else(|| salient_person(ctx, phrase.start))
                .or_else(|| inside.first().copied())
        }
        Some((h, NounKind::Organisation)) => {
            if let Some(&i) = inside.first() {
                return Some(i);
            }
            if indefinite {
                return None;
            }
            organisation_named(ctx, &w[h].text(text).to_lowercase(), phrase.start)
        }
        Some((_, NounKind::Document)) => {
            if let Some(&i) = inside.first() {
                return Some(i);
            }
            // "the ministry's statement": the issuer's description.
            if let Some((h, NounKind::Organisation)) = w
                .iter()
                .position(|x| x.text(text).ends_with("'s") || x.text(text).ends_with("’s"))
                .and_then(|k| head_noun(text, &w[..=k]))
            {
                return organisation_named(
                    ctx,
                    &possessor(&w[h].text(text).to_lowercase()),
                    phrase.start,
                );
            }
            if indefinite {
                return None;
            }
            // A court's ruling; otherwise the organisation named shortly
            // before ("The ministry issued a statement. ... the statement
            // said").
            let judicial = description.iter().any(|d| {
                matches!(
                    d.as_str(),
                    "ruling" | "judgment" | "judgement" | "verdict" | "order"
                )
            });
            let recent = || {
                ctx.before(phrase.start)
                    .take_while(|(_, n)| phrase.start - n.end < 600)
                    .filter(|(_, n)| n.entity_type == EntityType::Org)
            };
            if judicial
                && let Some((i, _)) = recent().find(|(_, n)| {
                    let name = ctx.text[n.start..n.end].to_lowercase();
                    name.contains("court") || name.contains("tribunal")
                })
            {
                return Some(i);
            }
            recent().next().map(|(i, _)| i)
        }
        None => {
            if let Some(&i) = inside.first() {
                return Some(i);
            }
            // "the Moroccan", "the Iranian": a person by nationality.
            let demonym = w.len() == 2
                && first.eq_ignore_ascii_case("the")
                && w[1]
                    .text(text)
                    .chars()
                    .next()
                    .is_some_and(char::is_uppercase);
            if demonym {
                return person_described(ctx, "", &description, phrase.start);
            }
            None
        }
    }
}

/// The content words of a description, lower case, demonyms by their
/// root ("the 24-year-old Frenchman" → ["frenchman", "french"]).
fn describing_words(text: &str, w: &[super::text::Word]) -> Vec<String> {
    let mut out = Vec::new();
    for x in w {
        let word = x.text(text);
        if !x.is_alnum(text) || cues::is_determiner(word) || word.ends_with("-old") {
            continue;
        }
        let lower = possessor(&word.to_lowercase());
        if matches!(lower.as_str(), "of" | "for" | "at" | "in" | "and" | "s") {
            continue;
        }
        for suffix in ["woman", "man"] {
            if let Some(root) = lower.strip_suffix(suffix)
                && root.len() >= 4
            {
                out.push(root.to_string());
            }
        }
        out.push(lower);
    }
    out
}

/// Given a name's index, the first name of the document of the same kind
/// whose text extends it at a word boundary ("Carvalho Mendes" → "Luiza
/// Carvalho Mendes"; "Commission" → "European Commission").
fn fullest(ctx: &Context<'_>, i: usize) -> usize {
    let n = &ctx.names[i];
    let short = &ctx.text[n.start..n.end];
    let short = short.strip_prefix("the ").unwrap_or(short);
    ctx.names
        .iter()
        .position(|m| {
            let long = &ctx.text[m.start..m.end];
            m.entity_type == n.entity_type
                && long.len() > short.len()
                && (long.ends_with(short) && long[..long.len() - short.len()].ends_with(' ')
                    || long.starts_with(short) && long[short.len()..].starts_with(' '))
        })
        .unwrap_or(i)
}

/// The person a description fits best: the most of its words (and the
/// head's synonyms) in the words introducing them, nearest first on ties;
/// for a headline, someone named later.
fn person_described(ctx: &Context<'_>, head: &str, words: &[String], pos: usize) -> Option<usize> {
    let score = |n: &NameRef| {
        let context = ctx.title_context(n);
        let mut s = usize::from(!head.is_empty() && same_role(head, &context)) * 2;
        for w in words {
            if w != head && w.len() > 2 && context.contains(w.as_str()) {
                s += 1;
            }
        }
        s
    };
    let mut best: Option<(usize, usize)> = None;
    for (i, n) in ctx.before(pos) {
        if !is_person(n.entity_type) {
            continue;
        }
        let s = score(n);
        if s > 0 && best.is_none_or(|(_, b)| s > b) {
            best = Some((i, s));
        }
    }
    if best.is_none() && pos < ctx.headline_end() {
        for (i, n) in ctx.names.iter().enumerate().filter(|(_, n)| n.start > pos) {
            if is_person(n.entity_type) && score(n) > 0 {
                return Some(i);
            }
        }
        return ctx
            .names
            .iter()
            .position(|n| n.start > pos && is_person(n.entity_type));
    }
    let (i, _) = best?;
    Some(nearest_same_person(ctx, i, pos))
}

/// The nearest mention before `pos` of the person named at `i` (by last
/// word), so the speaker is the mention closest to the quote.
fn nearest_same_person(ctx: &Context<'_>, i: usize, pos: usize) -> usize {
    let found = &ctx.names[i];
    let surname = ctx.text[found.start..found.end]
        .rsplit(' ')
        .next()
        .unwrap_or("");
    ctx.before(pos)
        .find(|(_, n)| is_person(n.entity_type) && ctx.text[n.start..n.end].ends_with(surname))
        .map_or(i, |(j, _)| j)
}

/// The person mentioned most before `pos` (by last word), nearest first on
/// ties.
fn salient_person(ctx: &Context<'_>, pos: usize) -> Option<usize> {
    let mut counts: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    let persons: Vec<(usize, &str)> = ctx
        .before(pos)
        .filter(|(_, n)| is_person(n.entity_type))
        .map(|(i, n)| (i, ctx.text[n.start..n.end].rsplit(' ').next().unwrap_or("")))
        .collect();
    for (_, surname) in &persons {
        *counts.entry(surname).or_default() += 1;
    }
    persons
        .iter()
        .max_by_key(|(i, surname)| (counts[surname], *i))
        .map(|(i, _)| *i)
}

fn possessor(word: &str) -> String {
    word.trim_end_matches("'s")
        .trim_end_matches("’s")
        .to_string()
}

fn pronoun(ctx: &Context<'_>, p: Pronoun, pos: usize) -> Option<usize> {
    match p {
        Pronoun::He | Pronoun::She => {
            let mut fallback = None;
            for (i, n) in ctx.before(pos) {
                if !is_person(n.entity_type) {
                    continue;
                }
                let before = ctx.word_before(n);
                let object = matches!(
                    before.as_str(),
                    "with"
                        | "to"
                        | "for"
                        | "by"
                        | "from"
                        | "against"
                        | "about"
                        | "on"
                        | "at"
                        | "of"
                        | "and"
                        | "met"
                        | "called"
                        | "told"
                        | "thanked"
                        | "criticised"
                        | "criticized"
                        | "replaced"
                        | "succeeded"
                        | "defeated"
                        | "beat"
                );
                if !object {
                    return Some(i);
                }
                fallback.get_or_insert(i);
            }
            fallback
        }
        Pronoun::They | Pronoun::It => ctx
            .before(pos)
            .take_while(|(_, n)| pos - n.end < 1500)
            .find(|(_, n)| n.entity_type == EntityType::Org)
            .map(|(i, _)| i),
    }
}

/// The nearest organisation whose name has `head` ("the ministry" →
/// "Ministry of Energy"), else the nearest organisation.
fn organisation_named(ctx: &Context<'_>, head: &str, pos: usize) -> Option<usize> {
    let by_word = ctx.before(pos).find(|(_, n)| {
        is_organisation(n.entity_type) && ctx.text[n.start..n.end].to_lowercase().contains(head)
    });
    if let Some((i, _)) = by_word {
        return Some(i);
    }
    if matches!(head, "government" | "administration" | "cabinet") {
        return ctx
            .before(pos)
            .find(|(_, n)| n.entity_type == EntityType::Gpe || n.entity_type == EntityType::Org)
            .map(|(i, _)| i);
    }
    // "the company" is whichever company the article is about; "the
    // ministry" or "the police" must be named as such, or it is none.
    let generic = matches!(
        head,
        "company"
            | "firm"
            | "group"
            | "startup"
            | "retailer"
            | "carrier"
            | "airline"
            | "operator"
            | "insurer"
            | "lender"
            | "manufacturer"
            | "maker"
            | "club"
            | "team"
            | "bank"
            | "utility"
            | "broadcaster"
            | "newspaper"
            | "network"
            | "campaign"
            | "charity"
            | "consortium"
            | "fund"
            | "union"
    );
    if !generic {
        return None;
    }
    ctx.before(pos)
        .find(|(_, n)| n.entity_type == EntityType::Org)
        .map(|(i, _)| i)
}

/// "a spokesperson for the ministry" → the ministry; "an official at
/// Norvik" → Norvik (a name inside the phrase is handled by the caller).
fn tail_organisation(
    ctx: &Context<'_>,
    w: &[super::text::Word],
    head: usize,
    pos: usize,
) -> Option<usize> {
    let text = ctx.text;
    let head_word = w[head].text(text).to_lowercase();
    if !matches!(
        head_word.as_str(),
        "spokesman"
            | "spokeswoman"
            | "spokesperson"
            | "representative"
            | "official"
            | "officials"
            | "source"
            | "sources"
            | "aide"
            | "executive"
    ) {
        return None;
    }
    let tail = &w[head + 1..];
    if !tail
        .first()
        .is_some_and(|x| matches!(x.text(text), "for" | "of" | "at" | "from"))
    {
        // "a ministry spokesperson": the noun before the head.
        let before = w[..head].iter().rev().find_map(|x| {
            match cues::noun_kind(&x.text(text).to_lowercase()) {
                Some(NounKind::Organisation) => Some(x.text(text).to_lowercase()),
                _ => None,
            }
        })?;
        return organisation_named(ctx, &before, pos);
    }
    let (h, kind) = head_noun(text, &tail[1..])?;
    (kind == NounKind::Organisation && !cues::is_indefinite(tail[1].text(text)))
        .then(|| organisation_named(ctx, &tail[1..][h].text(text).to_lowercase(), pos))
        .flatten()
}
