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

    /// The lower-case word before a name ("with" in "met with Rusu").
    fn word_before(&self, n: &NameRef) -> String {
        let head = &self.text[super::ceil(self.text, n.start.saturating_sub(24))..n.start];
        let head = head.trim_end();
        let from = head.rfind(|c: char| !c.is_alphanumeric()).map_or(0, |p| {
            p + head[p..].chars().next().map_or(1, char::len_utf8)
        });
        head.get(from..).unwrap_or("").to_lowercase()
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

/// The name index a speaker phrase refers to, if any.
pub fn resolve(ctx: &Context<'_>, phrase: Range<usize>) -> Option<usize> {
    let text = ctx.text;
    // A name in the phrase: a person first, then an organisation.
    let inside: Vec<usize> = (0..ctx.names.len())
        .filter(|&i| {
            let n = &ctx.names[i];
            n.start >= phrase.start && n.end <= phrase.end && super::can_speak(n.entity_type)
        })
        .collect();
    if let Some(&i) = inside
        .iter()
        .find(|&&i| is_person(ctx.names[i].entity_type))
    {
        return Some(i);
    }
    let w = words(text, phrase.clone());
    let first = w.first()?.text(text);
    if w.len() == 1
        && let Some(p) = cues::pronoun(first)
    {
        return pronoun(ctx, p, phrase.start);
    }
    let head = head_noun(text, &w);
    let indefinite = cues::is_indefinite(first);
    match head {
        Some((h, NounKind::Person)) => {
            let head_word = w[h].text(text).to_lowercase();
            if let Some(&i) = inside.first() {
                // "Norvik's chief executive": the person with that title
                // at that organisation when named, else the organisation.
                return person_with_title(ctx, &head_word, phrase.start).or(Some(i));
            }
            if indefinite {
                // "a spokesperson for the ministry": the organisation.
                return tail_organisation(ctx, &w, h, phrase.start);
            }
            if matches!(
                head_word.as_str(),
                "officials" | "sources" | "residents" | "people"
            ) {
                return None;
            }
            person_with_title(ctx, &head_word, phrase.start)
                .or_else(|| nearest(ctx, phrase.start, is_person))
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
            // The organisation named shortly before ("The ministry issued
            // a statement. ... the statement said").
            ctx.before(phrase.start)
                .take_while(|(_, n)| phrase.start - n.end < 400)
                .find(|(_, n)| n.entity_type == EntityType::Org)
                .map(|(i, _)| i)
        }
        None => inside.first().copied(),
    }
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

fn nearest(ctx: &Context<'_>, pos: usize, want: fn(EntityType) -> bool) -> Option<usize> {
    ctx.before(pos)
        .find(|(_, n)| want(n.entity_type))
        .map(|(i, _)| i)
}

/// The nearest person named before `pos` with a title matching `head`.
fn person_with_title(ctx: &Context<'_>, head: &str, pos: usize) -> Option<usize> {
    // Titles attach to a person's first (full) mention, which may be far
    // back: look at every earlier person, nearest first, and answer with
    // the nearest mention of the one whose title matches.
    let mut best: Option<(usize, &NameRef)> = None;
    for (i, n) in ctx.before(pos) {
        if is_person(n.entity_type) && same_role(head, &ctx.title_context(n)) {
            best = Some((i, n));
            break;
        }
    }
    let (i, found) = best?;
    // Prefer the nearest later mention of the same person (by last word).
    let surname = ctx.text[found.start..found.end]
        .rsplit(' ')
        .next()
        .unwrap_or("");
    ctx.before(pos)
        .find(|(_, n)| is_person(n.entity_type) && ctx.text[n.start..n.end].ends_with(surname))
        .map(|(j, _)| j)
        .or(Some(i))
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
