#!/usr/bin/env python3
"""Checks the screening set is well-formed (README.md says what each file holds).

Reads the files only; it never runs the matcher, so it can be run on the fresh
held-out list without scoring it. Exit status 1 on an error; warnings (facts of
the older files, kept as they were written) are printed and do not fail.

    python3 services/extraction/testdata/screening/check.py
"""
import json
import re
import sys
from collections import Counter
from pathlib import Path

DIR = Path(__file__).resolve().parent
OUTLETS = {"Caspian Daily", "Levant Monitor", "Anatolia Business Review", "Pacific Dispatch",
           "Baltic Wire", "Harbour Ledger", "Gulf Observer", "Meridian Post", "Danube Times",
           "Eastern Courier"}
KINDS = {"variant", "identical", "decoy", "absent"}
NAME_KEYS = {"name", "type", "country", "aliases", "expect", "kind", "note"}
NAME_FILES = ["names.jsonl", "names_heldout.jsonl", "names_fresh.jsonl"]
# The list written after the matcher's last change: held to the strict rules.
FRESH = "names_fresh.jsonl"

errors, warnings = [], []


def err(msg):
    errors.append(msg)


def warn(msg):
    warnings.append(msg)


def read(name):
    rows = []
    for n, line in enumerate((DIR / name).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as e:
            err(f"{name}:{n}: not JSON: {e}")
            continue
        if not isinstance(row, dict):
            err(f"{name}:{n}: not an object")
            continue
        rows.append((n, row))
    return rows


def check_corpus():
    rows = read("corpus.jsonl")
    ids = Counter()
    for n, a in rows:
        where = f"corpus.jsonl:{n}"
        if set(a) != {"id", "source", "published_at", "text"}:
            err(f"{where}: keys {sorted(a)}")
        ids[a.get("id")] += 1
        if not re.fullmatch(r"scr-\d{3}", str(a.get("id"))):
            err(f"{where}: id {a.get('id')!r}")
        if a.get("source") not in OUTLETS:
            err(f"{where}: source {a.get('source')!r}")
        if not re.fullmatch(r"2025-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T[01]\d:[0-5]\d:00Z",
                            str(a.get("published_at"))):
            err(f"{where}: published_at {a.get('published_at')!r}")
        text = a.get("text")
        if not isinstance(text, str) or not re.match(r"[^\n]+\n\n[A-Z][A-Z ]+ — \S", text):
            err(f"{where}: text is not 'Headline\\n\\nCITY — body'")
    for i, c in ids.items():
        if c > 1:
            err(f"corpus.jsonl: id {i} {c} times")
    numbers = sorted(int(a["id"][4:]) for _, a in rows if re.fullmatch(r"scr-\d{3}", str(a.get("id"))))
    if numbers != list(range(1, len(numbers) + 1)):
        err("corpus.jsonl: ids are not scr-001.. without gaps")
    return [a for _, a in rows]


def check_entities(corpus):
    rows = read("entities.jsonl")
    text = "\n".join(a["text"] for a in corpus if isinstance(a.get("text"), str))
    owner = {}
    entities = {}
    for n, e in rows:
        where = f"entities.jsonl:{n}"
        if set(e) != {"id", "type", "spellings"}:
            err(f"{where}: keys {sorted(e)}")
        if not re.fullmatch(r"e\d{3}", str(e.get("id"))) or e.get("id") in entities:
            err(f"{where}: id {e.get('id')!r} malformed or repeated")
        if e.get("type") not in ("PERSON", "ORG"):
            err(f"{where}: type {e.get('type')!r}")
        sp = e.get("spellings")
        if not isinstance(sp, list) or not sp or not all(isinstance(s, str) and s.strip() for s in sp) \
                or len(set(sp)) != len(sp):
            err(f"{where}: spellings {sp!r}")
            continue
        for s in sp:
            if s in owner:
                err(f"{where}: spelling {s!r} also belongs to {owner[s]}")
            owner[s] = e["id"]
            if s not in text:
                warn(f"{where}: {e['id']} spelling {s!r} is in no article")
        entities[e["id"]] = e
    return entities, owner


def check_names(name, entities, owner):
    rows = read(name)
    strict = name == FRESH
    about = set()
    for n, r in rows:
        where = f"{name}:{n}"
        if not {"name", "type", "expect", "kind"} <= set(r) or not set(r) <= NAME_KEYS:
            err(f"{where}: keys {sorted(r)}")
            continue
        if not isinstance(r["name"], str) or not r["name"].strip():
            err(f"{where}: name {r['name']!r}")
            continue
        if r["type"] not in ("PERSON", "ORG", None):
            err(f"{where}: type {r['type']!r}")
        if "country" in r and not re.fullmatch(r"[A-Z]{2}", str(r["country"])):
            err(f"{where}: country {r['country']!r}")
        if "aliases" in r and (not isinstance(r["aliases"], list) or not r["aliases"]
                               or not all(isinstance(a, str) and a.strip() for a in r["aliases"])):
            err(f"{where}: aliases {r['aliases']!r}")
        kind, expect = r["kind"], r["expect"]
        if kind not in KINDS:
            err(f"{where}: kind {kind!r}")
            continue
        if kind in ("variant", "identical"):
            if expect not in owner:
                err(f"{where}: expect {expect!r} is no entity's spelling")
                continue
            e = entities[owner[expect]]
            about.add(e["id"])
            if r["type"] is not None and r["type"] != e["type"]:
                err(f"{where}: typed {r['type']} but {e['id']} is {e['type']}")
            if kind == "identical" and r["name"] != expect:
                err(f"{where}: identical but name != expect")
            if kind == "variant" and r["name"] in e["spellings"]:
                (err if strict else warn)(f"{where}: variant written as the corpus writes it: {r['name']!r}")
            if "note" in r:
                err(f"{where}: a note on a {kind} name")
        else:
            if expect is not None:
                err(f"{where}: {kind} with expect {expect!r}")
            if r["name"] in owner:
                err(f"{where}: {kind} name {r['name']!r} is a corpus spelling of {owner[r['name']]}")
            if kind == "decoy" and not r.get("note"):
                err(f"{where}: decoy without a note")
            if kind == "absent" and "note" in r:
                err(f"{where}: a note on an absent name")
    names = [r["name"] for _, r in rows if isinstance(r.get("name"), str)]
    for s, c in Counter(names).items():
        if c > 1:
            err(f"{name}: {s!r} listed {c} times")
    return [r for _, r in rows], about


def main():
    corpus = check_corpus()
    entities, owner = check_entities(corpus)
    lists = {}
    for name in NAME_FILES:
        if (DIR / name).exists():
            lists[name] = check_names(name, entities, owner)
    # A held-out name is about an entity no dev name is about.
    names = list(lists)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            both = lists[a][1] & lists[b][1]
            if both:
                err(f"{a} and {b} are both about {sorted(both)}")
    if FRESH in lists:
        rows, about = lists[FRESH]
        seen = set()
        older = set()
        for name in NAME_FILES:
            if name != FRESH and name in lists:
                seen |= lists[name][1]
                older |= {r["name"] for r in lists[name][0]}
        if about & seen:
            err(f"{FRESH}: about entities the older lists name: {sorted(about & seen)}")
        text = "\n".join(a["text"] for a in corpus if isinstance(a.get("text"), str))
        for eid in sorted(about):
            for s in entities[eid]["spellings"]:
                if s not in text:
                    err(f"{FRESH}: {eid} spelling {s!r} is in no article")
        for r in rows:
            if r.get("name") in older:
                err(f"{FRESH}: {r['name']!r} is in an older list")
    for w in warnings:
        print("warning:", w)
    for e in errors:
        print("error:", e)
    people = sum(e["type"] == "PERSON" for e in entities.values())
    print(f"corpus: {len(corpus)} articles; entities: {len(entities)} ({people} people, "
          f"{len(entities) - people} organisations, "
          f"{sum(len(e['spellings']) > 1 for e in entities.values())} with two spellings)")
    for name, (rows, about) in lists.items():
        kinds = Counter(r.get("kind") for r in rows)
        print(f"{name}: {len(rows)} names about {len(about)} entities ("
              + ", ".join(f"{k} {kinds[k]}" for k in sorted(kinds))
              + f"); typed null {sum(r.get('type') is None for r in rows)}, "
              f"with aliases {sum('aliases' in r for r in rows)}")
    print(f"{len(errors)} errors, {len(warnings)} warnings")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
