"""Benchmark: streaming ingestion of large review dumps (throughput and peak memory).

Builds CSV review dumps of the requested sizes from the public, human-labelled datasets in
``../shared/data`` (English, Russian and Turkish app reviews, tweets, forum posts, queries),
with seeded sampling and light perturbation so rows are not exact repeats, then runs
``jtbd ingest`` on each in a fresh process and reports wall time, rows/s and peak RSS.

    python bench/ingest_stream.py --sizes 10000 100000 1000000 --record
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _record import record_block

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
SOURCES = [  # (file, text column, delimiter)
    ("clap_app_reviews/rq1-raw-data.csv", "review", ","),
    ("urr_app_reviews/golden_set.csv", "reviewText", ","),
    ("sentirueval2016_ru/banks_test_etalon.tsv", "text", "\t"),
    ("sentirueval2016_ru/tkk_test_etalon.tsv", "text", "\t"),
    ("xsid_tr/tr.test.tsv", "text", "\t"),
    ("tizard_vlc_forum/labelled_sentences.tsv", "sentence", "\t"),
    ("banking77/test.csv", "text", ","),
]
_FILLERS = ["", "", "", " Thanks.", " Спасибо.", " Teşekkürler.", " !!", " 👍", " (edited)"]


def load_texts() -> list[str]:
    texts: list[str] = []
    for name, column, delimiter in SOURCES:
        path = DATA / name
        with path.open(encoding="utf-8", errors="replace", newline="") as handle:
            for row in csv.DictReader(handle, delimiter=delimiter):
                text = (row.get(column) or "").strip()
                if text:
                    texts.append(text)
    return texts


def perturb(text: str, rng: random.Random) -> str:
    words = text.split()
    if len(words) > 4 and rng.random() < 0.5:
        i = rng.randrange(len(words) - 1)
        words[i], words[i + 1] = words[i + 1], words[i]
    return re.sub(r"\s+", " ", " ".join(words)) + rng.choice(_FILLERS)


def build_corpus(size: int, path: Path, seed: int = 13) -> int:
    rng = random.Random(seed)
    texts = load_texts()
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["review_id", "customer_id", "rating", "text"])
        for i in range(size):
            writer.writerow(
                [
                    f"R{i}",
                    f"C{rng.randrange(size // 5 + 1)}",
                    rng.randint(1, 5),
                    perturb(rng.choice(texts), rng),
                ]
            )
    return path.stat().st_size


def run(size: int, workdir: Path) -> dict[str, float]:
    src = workdir / f"reviews_{size}.csv"
    size_bytes = build_corpus(size, src)
    out = workdir / f"utterances_{size}.parquet"
    started = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    proc = subprocess.run(
        [sys.executable, "-m", "nlp_jtbd.cli", "ingest", str(src), "--out", str(out), "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if proc.returncode not in (0, 1):
        raise SystemExit(proc.stderr)
    report = json.loads(proc.stdout)
    return {
        "rows": size,
        "input_mb": size_bytes / 2**20,
        "utterances": report["utterances"],
        "seconds": wall,
        "rows_per_s": size / wall,
        "peak_rss_mb": max(peak, before) / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--record", action="store_true", help="update BENCHMARKS.md")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory(prefix="jtbd-bench-") as tmp:
        for size in args.sizes:
            result = run(size, Path(tmp))
            results.append(result)
            print(
                f"{result['rows']:>9,} rows  {result['input_mb']:7.1f} MB  "
                f"{result['utterances']:>9,} utterances  {result['seconds']:7.1f} s  "
                f"{result['rows_per_s']:8,.0f} rows/s  peak RSS {result['peak_rss_mb']:7.0f} MB",
                flush=True,
            )
    if args.record:
        record(results)


def record(results: list[dict[str, float]]) -> None:
    lines = [
        "| reviews | CSV size | utterances | wall time | reviews/s | peak RSS |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['rows']:,} | {r['input_mb']:.1f} MB | {r['utterances']:,} "
            f"| {r['seconds']:.1f} s | {r['rows_per_s']:,.0f} | {r['peak_rss_mb']:.0f} MB |"
        )
    record_block("ingest_stream", "\n".join(lines))


if __name__ == "__main__":
    main()
