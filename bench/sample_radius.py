"""Benchmark: utterances left unassigned after a sample fit, with and without widening each
cluster's radius for the unseen members (``nlp_jtbd.discover.assign._sample_radius``).

banking77 train (10,003 queries, 77 intents), USE, seed 42: a full fit, then fits on random
samples of 5,000 and 2,500 with the rest assigned. The earlier rule (radius = the lowest sampled
member) is recomputed from the same fitted model, so only the radius differs. NMI counts
unassigned utterances as one more label.

Usage: .venv/bin/python bench/sample_radius.py [--record]
"""

from __future__ import annotations

import argparse
import csv

import numpy as np
from _datasets import DATA
from _record import record_block
from sklearn.metrics import normalized_mutual_info_score

from nlp_jtbd.discover import Discovery


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args()
    with (DATA / "banking77" / "train.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    texts, labels = [r["text"] for r in rows], [r["category"] for r in rows]
    lines = [
        "| fitted on | rule | unassigned: all | sampled | not sampled | clusters | NMI |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for sample in (None, 5000, 2500):
        model = Discovery(fit_sample=sample, random_state=42).fit(texts)
        vectors = model.embed(texts)
        seen = np.zeros(len(texts), dtype=bool)
        seen[model.sample_index_] = True
        widened = model.assigner_.thresholds_.copy()
        rules = [("lowest member", model.assigner_.quantiles_[:, 0].copy())]
        if sample:
            rules.append(("widened for the sample", widened))
        for name, radius in rules:
            model.assigner_.thresholds_ = radius
            placed = model.assigner_.predict(vectors)
            out = placed.is_outlier
            unseen = f"{out[~seen].mean():.1%}" if (~seen).any() else "–"
            lines.append(
                f"| {sample or len(texts):,} | {name} | {out.mean():.1%} | {out[seen].mean():.1%} "
                f"| {unseen} | {len(model.clusters_)} | "
                f"{normalized_mutual_info_score(labels, placed.cluster_id):.3f} |"
            )
        model.assigner_.thresholds_ = widened
        print("\n".join(lines[-len(rules) :]), flush=True)
    table = "\n".join(lines)
    print(table)
    if args.record:
        record_block("sample_radius", table)


if __name__ == "__main__":
    main()
