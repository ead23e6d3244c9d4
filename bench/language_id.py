"""Benchmark: per-row language identification on short and full texts (ru/en/tr).

Uses the human-translated, parallel SIB-200 sentences in ``../shared/data/sib200`` (1,004 per
language). Texts are cut to their first N words to imitate short reviews, then identified one by
one (no context) and as one mixed batch with the batch-mix prior that ingestion uses.

    python bench/language_id.py --record
"""

from __future__ import annotations

import argparse
import csv
import time
from pathlib import Path

from _record import record_block

from nlp_jtbd.ingest.language import UNDETERMINED, LanguageDetector

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "sib200"
LANGS = {"eng_Latn": "en", "rus_Cyrl": "ru", "tur_Latn": "tr"}
CUTS = (1, 2, 3, 5, None)


def load() -> list[tuple[str, str]]:
    rows = []
    for folder, code in LANGS.items():
        for split in ("train", "dev", "test"):
            with (DATA / folder / f"{split}.tsv").open(encoding="utf-8", newline="") as handle:
                rows.extend((r["text"], code) for r in csv.DictReader(handle, delimiter="\t"))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--record", action="store_true", help="update BENCHMARKS.md")
    args = parser.parse_args()
    rows = load()
    detector = LanguageDetector()
    detector.guess("warm up the models")
    lines = [
        "| words kept | texts | alone: accuracy | alone: `und` | in batch: accuracy "
        "| in batch: `und` | texts/s (batch) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for cut in CUTS:
        texts = [" ".join(t.split()[:cut]) if cut else t for t, _ in rows]
        gold = [g for _, g in rows]
        alone = [g.lang for g in detector.guess_many(texts)]
        started = time.perf_counter()
        batch = detector.detect_many(texts)
        speed = len(texts) / (time.perf_counter() - started)
        row = (
            f"| {cut or 'all'} | {len(texts):,} | {_acc(alone, gold):.3f} | {_und(alone):.3f} "
            f"| {_acc(batch, gold):.3f} | {_und(batch):.3f} | {speed:,.0f} |"
        )
        lines.append(row)
        print(row, flush=True)
    if args.record:
        record_block("language_id", "\n".join(lines))


def _acc(pred: list[str], gold: list[str]) -> float:
    return sum(p == g for p, g in zip(pred, gold, strict=True)) / len(gold)


def _und(pred: list[str]) -> float:
    return sum(p == UNDETERMINED for p in pred) / len(pred)


if __name__ == "__main__":
    main()
