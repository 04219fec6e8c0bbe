#!/usr/bin/env python3
"""Checks dev.jsonl and heldout.jsonl: JSON per line, fields, unique ids, RFC 3339 UTC times,
150-450 words with blank-line paragraphs, duplicate_of -> earlier original in the same story.
Run from this folder: python3 check.py"""
import json, os, re, sys
HERE = os.path.dirname(os.path.abspath(__file__))
from datetime import datetime
ok = True
def err(m):
    global ok; ok = False; print("ERROR", m)
rfc = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
allids = set()
for name in ("dev.jsonl", "heldout.jsonl"):
    raw = open(os.path.join(HERE, name), "rb").read()
    raw.decode("utf-8")
    arts = [json.loads(l) for l in raw.decode().splitlines()]
    byid = {}
    for a in arts:
        assert set(a) == {"id","source","published_at","title","text","story","duplicate_of"}, a["id"]
        if a["id"] in byid or a["id"] in allids: err(f"dup id {a['id']}")
        byid[a["id"]] = a; allids.add(a["id"])
        if not rfc.match(a["published_at"]): err(f"bad ts {a['id']}")
        datetime.strptime(a["published_at"], "%Y-%m-%dT%H:%M:%SZ")
        n = len(a["text"].split())
        if not 150 <= n <= 450: err(f"{a['id']} words {n}")
        if "\n\n" not in a["text"] or "\n\n\n" in a["text"]: err(f"{a['id']} paragraphs")
        if not a["title"].strip(): err("title")
    for a in arts:
        d = a["duplicate_of"]
        if d is None: continue
        o = byid.get(d)
        if o is None: err(f"{a['id']} -> missing {d}"); continue
        if o["story"] != a["story"]: err(f"{a['id']} story mismatch")
        if not o["published_at"] < a["published_at"]: err(f"{a['id']} not later")
        if o["duplicate_of"] is not None: err(f"{a['id']} points at a copy")
    stories = {}
    for a in arts: stories.setdefault(a["story"], []).append(a)
    print(name, len(arts), "articles,", len(stories), "stories,", sum(a["duplicate_of"] is not None for a in arts), "copies")
    for s, xs in stories.items():
        srcs = {x["source"] for x in xs}; days = sorted({x["published_at"][:10] for x in xs})
        print(f"  {s}: {len(xs)} articles, {len(srcs)} outlets, days {days[0]}..{days[-1]}")
print("OK" if ok else "FAIL"); sys.exit(0 if ok else 1)
