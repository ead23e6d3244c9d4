"""Benchmark: ABCDX recovers planted value segments; the crossing finds a planted segment × job
association in real texts (and little when there is none).

1. ABCDX: 5 planted metric profiles (60 customers each, log-normal noise) plus 6 extreme
   outliers; ARI of the segments against the profiles (outliers excluded), and whether A is the
   planted top-value profile and X the planted growth profile; 10 seeds.
2. Crossing: 200 customers in 5 segments, 6 banking77 queries each (real texts, 77 human
   intents). Planted: segment A's queries come from one intent with probability 0.3. The texts
   go through the real pipeline (`Discovery` with USE embeddings, then `cross_segments`); the
   planted association must come out with lift ≥ 1.5 and q < 0.01. Null: no planting; the share
   of segment × cluster cells with q < 0.01 is reported. 5 seeds each.

Usage: .venv/bin/python bench/segments.py [--record]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from _datasets import load
from _record import record_block
from sklearn.metrics import adjusted_rand_score

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from test_segments import WEIGHTS, planted_customers

from nlp_jtbd.cross import cross_segments
from nlp_jtbd.discover import Discovery
from nlp_jtbd.segment import ABCDXSegmenter


def abcdx(seeds: int) -> list[str]:
    scores, top_ok, x_ok = [], 0, 0
    for seed in range(seeds):
        customers = planted_customers(seed)
        model = ABCDXSegmenter(WEIGHTS, growth_col="growth", random_state=seed).fit(customers)
        inliers = (customers["truth"] != "outlier").to_numpy()
        scores.append(adjusted_rand_score(customers["truth"][inliers], model.labels_[inliers]))
        named = pd.crosstab(customers["truth"], model.labels_).idxmax(axis=1)
        top_ok += named["top"] == "A"
        x_ok += named["grow"] == "X"
    return [
        f"**ABCDX on planted profiles** ({seeds} seeds, 300 customers + 6 outliers each): "
        f"ARI median {statistics.median(scores):.3f}, min {min(scores):.3f}; A = planted top "
        f"profile in {top_ok}/{seeds}; X = planted growth profile in {x_ok}/{seeds}.",
        "",
    ]


def _customers(texts: list[str], labels: list[str], planted: bool, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    by_intent: dict[str, list[int]] = {}
    for i, label in enumerate(labels):
        by_intent.setdefault(label, []).append(i)
    intents = sorted(by_intent)
    target = intents[seed % len(intents)]
    rows = []
    for segment in "ABCDX":
        for c in range(40):
            for j in range(6):
                boost = planted and segment == "A" and rng.random() < 0.3
                intent = target if boost else intents[rng.integers(len(intents))]
                index = int(rng.choice(by_intent[intent]))
                rows.append(
                    {
                        "utterance_id": f"{segment}{c:03d}-{j}",
                        "customer_id": f"{segment}{c:03d}",
                        "segment": segment,
                        "text": texts[index],
                        "intent": intent,
                        "target": target,
                    }
                )
    return pd.DataFrame(rows)


def crossing(seeds: int) -> list[str]:
    unit = load("banking77")[0]
    found, lifts, qs, null_rates, seconds = 0, [], [], [], []
    for seed in range(seeds):
        for planted in (True, False):
            frame = _customers(unit.texts, unit.labels, planted, seed)
            started = time.perf_counter()
            model = Discovery("use", random_state=seed).fit(frame["text"].tolist())
            frame["cluster_id"] = model.placement_.cluster_id
            frame["cluster_confidence"] = model.placement_.confidence
            segments = frame.drop_duplicates("customer_id").set_index("customer_id")["segment"]
            result = cross_segments(frame, segments)
            seconds.append(time.perf_counter() - started)
            table = result.tables["cluster"]
            if planted:
                # the cluster most of the planted intent's texts landed in
                target = frame.loc[frame["intent"] == frame["target"], "cluster_id"]
                cluster = int(target[target >= 0].mode().iloc[0])
                cell = table[(table["segment"] == "A") & (table["item"] == f"#{cluster}")]
                lift, q = float(cell["lift"].iloc[0]), float(cell["q_value"].iloc[0])
                lifts.append(lift)
                qs.append(q)
                found += lift >= 1.5 and q < 0.01
            else:
                null_rates.append(float((table["q_value"] < 0.01).mean()))
    return [
        f"**Crossing, planted segment × job in banking77 texts** ({seeds} seeds, 200 customers, "
        f"1,200 queries, USE discovery): the planted association found with lift ≥ 1.5 and "
        f"q < 0.01 in {found}/{seeds} (lift median {statistics.median(lifts):.2f}, q max "
        f"{max(qs):.1e}). Without planting, cells with q < 0.01: median "
        f"{statistics.median(null_rates):.2%}, max {max(null_rates):.2%}. Discovery + crossing "
        f"{statistics.median(seconds):.1f} s per run (median).",
        "",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args()
    lines = abcdx(10) + crossing(args.seeds)
    print("\n".join(lines))
    if args.record:
        record_block("segments", "\n".join(lines))


if __name__ == "__main__":
    main()
