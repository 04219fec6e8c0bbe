#!/usr/bin/env python3
"""Score Dossier's article cleaner (and trafilatura, if installed) on the
public article-extraction benchmark, with the benchmark's own metric.

Usage:
    python3 services/article/scripts/article_bench.py BENCH_DIR [--no-trafilatura]

BENCH_DIR is a checkout of github.com/scrapinghub/article-extraction-benchmark
(html/*.html.gz, ground-truth.json, evaluate.py). Nothing is fetched: the
script reads that folder, runs the release bench binary (built if missing)
and imports the folder's evaluate.py so the metric is exactly theirs.

Split: a page is in the dev half when the first hex digit of sha256(page id)
is 0-7, else in the held-out half. Chosen once, before any tuning; rules are
developed on the dev half only.
"""
import argparse
import gzip
import hashlib
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]


def split_of(page_id: str) -> str:
    return "dev" if hashlib.sha256(page_id.encode()).hexdigest()[0] in "01234567" else "held-out"


def load_evaluate(bench: Path):
    spec = importlib.util.spec_from_file_location("bench_evaluate", bench / "evaluate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def score(ev, truth, pred, ids):
    """F1/precision/recall over `ids` with evaluate.py's own functions."""
    tp_fp_fns = [ev.string_shingle_matching(true=truth[i].get("articleBody", ""),
                                            pred=pred.get(i, {}).get("articleBody", ""))
                 for i in ids]
    return ev.metrics_from_tp_fp_fns(tp_fp_fns)


def run_dossier(bench: Path, out: Path, passes: int, parse_only: bool):
    binary = REPO / "target" / "release" / "dossier-article-bench"
    subprocess.run(["cargo", "build", "--release", "-q", "-p", "dossier-article"], cwd=REPO, check=True)
    base = ["taskset", "-c", "0"] if shutil_which("taskset") else []
    cmd = base + [str(binary), "--pages", str(bench / "html"), "--ground-truth",
                  str(bench / "ground-truth.json"), "--passes", str(passes)]
    lines = []
    if parse_only:
        r = subprocess.run(cmd + ["--parse-only"], check=True, capture_output=True, text=True)
        lines.extend(r.stdout.strip().splitlines()[:2])
    r = subprocess.run(cmd + ["--out", str(out), "--with-metadata"], check=True, capture_output=True, text=True)
    lines.extend(r.stdout.strip().splitlines()[:2])
    return json.loads(out.read_text()), lines


def shutil_which(name):
    from shutil import which
    return which(name)


def run_trafilatura(bench: Path, ids, passes: int):
    try:
        import trafilatura
    except ImportError as e:
        print(f"trafilatura is not available ({e}; pip install trafilatura lxml_html_clean): "
              "skipping the comparison")
        return None, None
    pages = {}
    for i in ids:
        # As the benchmark's own extractors/run_trafilatura.py: UTF-8 text in.
        with gzip.open(bench / "html" / f"{i}.html.gz", "rt", encoding="utf8", errors="replace") as f:
            pages[i] = f.read()
    times, cpu_times, pred = [], [], {}
    for p in range(passes):
        start = time.perf_counter()
        cpu_start = time.process_time()
        for i, html in pages.items():
            text = trafilatura.extract(html, include_comments=False) or ""
            if p == 0:
                pred[i] = {"articleBody": text}
        times.append(time.perf_counter() - start)
        cpu_times.append(time.process_time() - cpu_start)
    median = statistics.median(times)
    cpu = statistics.median(cpu_times)
    total_mb = sum(len(v.encode("utf8")) for v in pages.values()) / 1e6
    line = (f"trafilatura {trafilatura.__version__}: {len(pages)} pages, median pass {median:.2f} s over "
            f"{passes} passes: {len(pages) / median:.1f} pages/s, {total_mb / median:.1f} MB/s (one thread)\n"
            f"trafilatura (CPU time): median pass {cpu:.3f} s: {len(pages) / cpu:.1f} pages/s, "
            f"{total_mb / cpu:.1f} MB/s")
    return pred, line


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("bench", type=Path, help="article-extraction-benchmark checkout")
    ap.add_argument("--passes", type=int, default=5, help="timed passes for Dossier (median)")
    ap.add_argument("--trafilatura-passes", type=int, default=1)
    ap.add_argument("--no-trafilatura", action="store_true")
    ap.add_argument("--no-parse-only", action="store_true", help="skip the parser-only timing")
    ap.add_argument("--out", type=Path, help="keep Dossier's predictions here")
    ap.add_argument("--worst", type=int, default=0, help="list the N worst dev pages by F1")
    args = ap.parse_args()
    # One core for the Python side too, like the Rust bench.
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})
    ev = load_evaluate(args.bench)
    truth = json.loads((args.bench / "ground-truth.json").read_text())
    ids = sorted(truth)
    halves = {"dev": [i for i in ids if split_of(i) == "dev"],
              "held-out": [i for i in ids if split_of(i) == "held-out"], "all": ids}
    out = args.out or Path(tempfile.mkdtemp()) / "dossier.json"
    dossier, lines = run_dossier(args.bench, out, args.passes, not args.no_parse_only)
    results = [("dossier", dossier)]
    for line in lines:
        print(line)
    if not args.no_trafilatura:
        pred, line = run_trafilatura(args.bench, ids, args.trafilatura_passes)
        if pred is not None:
            results.append(("trafilatura", pred))
            print(line)
    print(f"\n{'':<12} {'half':<9} {'pages':>5}  {'F1':>6} {'prec':>6} {'recall':>6}")
    for name, pred in results:
        for half, hids in halves.items():
            m = score(ev, truth, pred, hids)
            print(f"{name:<12} {half:<9} {len(hids):>5}  {m['f1']:.4f} {m['precision']:.4f} {m['recall']:.4f}")
    if args.worst:
        rows = []
        for i in halves["dev"]:
            tp, fp, fn = ev.string_shingle_matching(truth[i].get("articleBody", ""), dossier[i]["articleBody"])
            p = tp / (tp + fp) if tp + fp else 0
            r = tp / (tp + fn) if tp + fn else 0
            f = 2 * p * r / (p + r) if p + r else 0
            rows.append((f, p, r, i))
        for f, p, r, i in sorted(rows)[: args.worst]:
            print(f"  {f:.3f} p={p:.3f} r={r:.3f} {i}")


if __name__ == "__main__":
    main()
