#!/usr/bin/env python3
"""Validate the quote-attribution sets and print counts per category.

Usage: python3 check.py [FILE.jsonl ...]   (default: every *.jsonl beside this script)
Exit status 1 when any file breaks a rule of GUIDELINES.md that a script can check.
Python 3 standard library only.
"""
import collections
import json
import os
import re
import sys

# Opening mark -> closing marks it may pair with.
PAIRS = {
    "\u201c": "\u201d",          # “ ”
    '"': '"',
    "\u00ab": "\u00bb",          # « »
    "\u201e": "\u201c\u201d",    # „ “  (and „ ” as in Polish)
    "\u2018": "\u2019",          # ‘ ’
    "'": "'",
    "\u201a": "\u2018\u2019",    # ‚ ‘
    "\u2039": "\u203a",          # ‹ ›
}
MARK_NAMES = {
    "\u201c": "“ ” typographic", '"': '" straight double', "\u00ab": "« » guillemets",
    "\u201e": "„ “ low-high", "\u2018": "‘ ’ single typographic", "'": "' straight single",
    "\u201a": "‚ ‘ low-high single", "\u2039": "‹ › single guillemets",
}
INNER_OPENERS = "\u2018\u201a\u2039\u201c'"
SPACES = " \u00a0\u202f\u2009"
PRONOUNS = {"he", "she", "they", "it", "we", "i", "him", "her"}
DOC_WORDS = re.compile(
    r"\b(statement|readout|ruling|judgment|judgement|filing|decision|report|letter|notice|"
    r"notification|communiqu[eé]|transcript|memo|order|post|press release|guidance|complaint|"
    r"indictment|minutes|resolution|document|bulletin|declaration|summary|message|tweet|email|"
    r"appeal|lawsuit|petition|figure|data)s?\b", re.I)
KEYS = {"id": str, "source": str, "published_at": str, "text": str, "quotes": list}
QKEYS = {"text": str, "start": int, "end": int, "direct": bool, "cue": str}
QOPT = ("speaker", "speaker_phrase", "addressee")
TS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


def paragraphs(text):
    """(start, end) character offsets of each paragraph; the first is the headline."""
    out, pos = [], 0
    for part in text.split("\n\n"):
        out.append((pos, pos + len(part)))
        pos += len(part) + 2
    return out


def para_of(paras, ci):
    for i, (s, e) in enumerate(paras):
        if s <= ci <= e:
            return i
    return len(paras) - 1


class Checker:
    def __init__(self):
        self.errors = []
        self.ids = set()
        self.c = collections.Counter()
        self.marks_q = collections.Counter()
        self.marks_art = collections.defaultdict(set)
        self.cues = collections.Counter()
        self.art_flags = collections.defaultdict(set)
        self.sources = set()

    def err(self, where, msg):
        self.errors.append(f"{where}: {msg}")

    def check_file(self, path):
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                where = f"{os.path.basename(path)}:{n}"
                if not line.strip():
                    self.err(where, "empty line")
                    continue
                try:
                    art = json.loads(line)
                except json.JSONDecodeError as e:
                    self.err(where, f"not JSON: {e}")
                    continue
                self.check_article(where, art)

    def check_article(self, where, art):
        for k, t in KEYS.items():
            if not isinstance(art.get(k), t):
                self.err(where, f"missing or mistyped {k}")
                return
        aid = art["id"]
        where = f"{where} {aid}"
        if aid in self.ids:
            self.err(where, "duplicate id")
        self.ids.add(aid)
        stem = os.path.splitext(os.path.basename(where.split(":")[0]))[0]
        if not re.fullmatch(rf"quotes-{re.escape(stem)}-\d+", aid):
            self.err(where, f"id should be quotes-{stem}-NN")
        self.sources.add(art["source"])
        if not TS.match(art["published_at"]):
            self.err(where, "published_at is not RFC 3339 UTC (YYYY-MM-DDTHH:MM:SSZ)")
        text = art["text"]
        raw = text.encode("utf-8")
        paras = paragraphs(text)
        if len(paras) < 3 or "\n" in text[paras[0][0]:paras[0][1]]:
            self.err(where, "text must be headline, blank line, paragraphs")
        if any("\n" in text[s:e] or not text[s:e].strip() for s, e in paras):
            self.err(where, "paragraphs are separated by exactly one blank line")
        words = len(text.split())
        if not 250 <= words <= 700:
            self.err(where, f"{words} words (want 250-700)")
        self.c["articles"] += 1
        self.c["words"] += words
        prev_end = -1
        prev = None
        for qi, q in enumerate(art["quotes"]):
            qw = f"{where} quote {qi}"
            bad = [k for k, t in QKEYS.items() if not isinstance(q.get(k), t)]
            bad += [k for k in QOPT if k not in q or not (q[k] is None or isinstance(q[k], str))]
            if bad:
                self.err(qw, f"missing or mistyped {bad}")
                continue
            s, e = q["start"], q["end"]
            if not 0 <= s < e <= len(raw):
                self.err(qw, "offsets out of range")
                continue
            try:
                span = raw[s:e].decode("utf-8")
            except UnicodeDecodeError:
                self.err(qw, "offsets split a UTF-8 character")
                continue
            if span != q["text"]:
                self.err(qw, f"text[start:end] is {span!r}, not {q['text']!r}")
                continue
            if s < prev_end:
                self.err(qw, "overlaps or precedes the previous quote (quotes are in text order)")
            prev_end = e
            cs, ce = len(raw[:s].decode("utf-8")), len(raw[:e].decode("utf-8"))
            pi = para_of(paras, cs)
            self.check_quote(qw, art, q, text, cs, ce, paras, pi)
            self.count(art, q, text, cs, ce, pi, prev)
            prev = (q, cs, ce, pi)

    def check_quote(self, qw, art, q, text, cs, ce, paras, pi):
        span = text[cs:ce]
        if span != span.strip() or not span.strip():
            self.err(qw, "span has surrounding whitespace")
        if q["cue"] != q["cue"].lower():
            self.err(qw, "cue must be lower case")
        for k in ("speaker", "speaker_phrase", "addressee"):
            if q[k] is not None and (not q[k].strip() or q[k] not in text):
                self.err(qw, f"{k} {q[k]!r} does not occur in the text")
        if q["addressee"] is not None and not q["cue"]:
            self.err(qw, "addressee without a cue")
        # The attribution sits in the quote's paragraph(s) or the one before it.
        end_pi = para_of(paras, ce)
        lo, hi = paras[max(pi - 1, 0)][0], paras[end_pi][1]
        near = text[lo:hi]
        if q["cue"] and q["cue"] not in near.lower():
            self.err(qw, f"cue {q['cue']!r} not in the quote's paragraph or the one before")
        if q["speaker_phrase"] and q["speaker_phrase"] not in near:
            self.err(qw, f"speaker_phrase {q['speaker_phrase']!r} not near the quote")
        if q["direct"]:
            i = cs - 1
            while i >= 0 and text[i] in SPACES:
                i -= 1
            j = ce
            while j < len(text) and text[j] in SPACES:
                j += 1
            opener = text[i] if i >= 0 else ""
            closer = text[j] if j < len(text) else ""
            if opener not in PAIRS or closer not in PAIRS[opener]:
                self.err(qw, f"direct quote not inside marks ({opener!r} … {closer!r})")
                return
            # A quote over paragraphs: every break inside is followed by a reopening mark
            # and the paragraph before it has no closing mark at its end.
            for m in re.finditer("\n\n", span):
                after = span[m.end():m.end() + 1]
                before = span[:m.start()].rstrip()[-1:]
                if after != opener or (before and before in PAIRS[opener] and before != opener):
                    self.err(qw, "paragraph break inside a direct quote without the reopening mark")
        else:
            # A quoted fragment may end the reported clause (… as “a first step”).
            ends_in_fragment = span[-1] in "\"”»“’" and any(o in span[:-1] for o in PAIRS)
            if span[0] in ",;:" or span[-1] in ".,;:«„" or (
                    span[-1] in "\"“”»" and not ends_in_fragment):
                self.err(qw, f"indirect span should run first word to last word: {span!r}")
            if "\n\n" in span:
                self.err(qw, "indirect quote over a paragraph break")

    def count(self, art, q, text, cs, ce, pi, prev):
        c, aid = self.c, art["id"]
        c["quotes"] += 1
        c["direct" if q["direct"] else "indirect"] += 1
        self.cues[q["cue"] or '""'] += 1
        spk, phr = q["speaker"], q["speaker_phrase"]
        if spk is None:
            c["speaker null"] += 1
            if not q["cue"]:
                c["unattributed (no cue, no speaker)"] += 1
                self.art_flags["unattributed"].add(aid)
        elif not q["cue"] and not phr and pi > 0:
            c["continuation (speaker carried over, no cue)"] += 1
            self.art_flags["continuation"].add(aid)
        if phr:
            if phr.lower() in PRONOUNS:
                c["phrase: pronoun" + (" (resolved to a named speaker)" if spk else " (unnamed speaker)")] += 1
            elif DOC_WORDS.search(phr):
                c["phrase: document"] += 1
                self.art_flags["document"].add(aid)
            elif spk and re.sub(r"^the ", "", phr, flags=re.I) in spk:
                c["phrase: name"] += 1
            else:
                c["phrase: nominal/other"] += 1
                if spk:
                    c["phrase: nominal resolved to a named speaker"] += 1
        if q["addressee"]:
            c["with addressee"] += 1
        if pi == 0:
            c["in headline"] += 1
            self.art_flags["headline quote"].add(aid)
        if q["direct"]:
            i = cs - 1
            while text[i] in SPACES:
                i -= 1
            self.marks_q[text[i]] += 1
            self.marks_art[text[i]].add(aid)
            span = text[cs:ce]
            if "\n\n" in span:
                c["over paragraphs"] += 1
                self.art_flags["over paragraphs"].add(aid)
            inner = [ch for ch in INNER_OPENERS if ch != text[i]]
            if any(ch in span for ch in inner if ch != "'") or re.search(r"(^|\s)'\w", span):
                c["with a nested quote"] += 1
                self.art_flags["nested"].add(aid)
            if prev and prev[0]["direct"] and prev[3] == pi and spk and prev[0]["speaker"] == spk \
                    and cs - prev[2] < 120 and q["cue"] and q["cue"] in text[prev[2]:cs].lower():
                c["interrupted (second part)"] += 1
                self.art_flags["interrupted"].add(aid)

    def report(self):
        c = self.c
        print(f"articles {c['articles']}  words {c['words']}  quotes {c['quotes']}  "
              f"sources {len(self.sources)}")
        if c["quotes"]:
            print(f"  direct {c['direct']} ({100 * c['direct'] / c['quotes']:.0f}%)  "
                  f"indirect {c['indirect']} ({100 * c['indirect'] / c['quotes']:.0f}%)")
        for k in ("phrase: name", "phrase: pronoun (resolved to a named speaker)",
                  "phrase: pronoun (unnamed speaker)", "phrase: nominal/other",
                  "phrase: nominal resolved to a named speaker", "phrase: document",
                  "speaker null", "unattributed (no cue, no speaker)",
                  "continuation (speaker carried over, no cue)", "with addressee",
                  "in headline", "over paragraphs", "with a nested quote",
                  "interrupted (second part)"):
            print(f"  {k}: {c[k]}")
        print("  articles with: " + ", ".join(
            f"{k} {len(v)}" for k, v in sorted(self.art_flags.items())))
        print("  marks (quotes / articles): " + ", ".join(
            f"{MARK_NAMES.get(m, m)} {n}/{len(self.marks_art[m])}"
            for m, n in self.marks_q.most_common()))
        print("  cues: " + ", ".join(f"{k} {n}" for k, n in self.cues.most_common()))


def main(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    files = argv or sorted(os.path.join(here, f) for f in os.listdir(here) if f.endswith(".jsonl"))
    total = Checker()
    for path in files:
        ch = Checker()
        ch.ids = total.ids
        ch.check_file(path)
        print(f"== {os.path.basename(path)}")
        ch.report()
        total.errors += ch.errors
    for e in total.errors:
        print("ERROR", e)
    print(f"{len(total.errors)} errors")
    return 1 if total.errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
