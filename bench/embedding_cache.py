"""Benchmark: size on disk and write/read speed of the embedding cache, against the earlier
layout (a keyed WITHOUT ROWID table on 4 KB pages, which spilled each 1 KB vector into an
overflow page).

Writes N random 512-dimension float16 vectors in batches of 256 (as embedding does), then
reads them all back. Usage: .venv/bin/python bench/embedding_cache.py [--n 50000] [--record]
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
import time
from pathlib import Path

import numpy as np
from _record import record_block

from nlp_jtbd.embed.cache import EmbeddingCache, _key

BATCH = 256


def old_layout(path: Path, keys: list[bytes], vectors: np.ndarray) -> float:
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute(
        "CREATE TABLE vectors (model TEXT, key BLOB, vec BLOB, PRIMARY KEY (model, key)) "
        "WITHOUT ROWID"
    )
    started = time.perf_counter()
    for start in range(0, len(keys), BATCH):
        rows = [
            ("use", k, vectors[start + i].tobytes())
            for i, k in enumerate(keys[start : start + BATCH])
        ]
        db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)", rows)
        db.commit()
    seconds = time.perf_counter() - started
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=50_000)
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args()
    vectors = np.random.default_rng(0).normal(size=(args.n, 512)).astype(np.float16)
    keys = [_key(f"text {i}") for i in range(args.n)]
    with tempfile.TemporaryDirectory() as folder:
        old_path = Path(folder) / "old.sqlite"
        old_seconds = old_layout(old_path, keys, vectors)
        cache = EmbeddingCache(Path(folder) / "new")
        started = time.perf_counter()
        for start in range(0, args.n, BATCH):
            cache.put("use", keys[start : start + BATCH], vectors[start : start + BATCH])
        new_seconds = time.perf_counter() - started
        cache._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        started = time.perf_counter()
        back, found = cache.read("use", keys)
        read_seconds = time.perf_counter() - started
        assert found.all() and np.array_equal(back, vectors)
        new_bytes = cache.path.stat().st_size / args.n
        cache.close()
        old_bytes = old_path.stat().st_size / args.n
    line = (
        f"{args.n:,} vectors of 512 float16 dimensions (1,024 bytes each): the cache takes "
        f"{new_bytes:,.0f} bytes per vector on disk (old layout {old_bytes:,.0f}, "
        f"{old_bytes / new_bytes:.1f}× more); writing in batches of {BATCH} takes "
        f"{new_seconds:.1f} s (old layout {old_seconds:.1f} s); reading all back "
        f"{read_seconds:.2f} s."
    )
    print(line)
    if args.record:
        record_block("embedding_cache", line)


if __name__ == "__main__":
    main()
