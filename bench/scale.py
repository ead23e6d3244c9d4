"""Benchmark: 10k / 100k / 1M short texts end to end on one small machine.

Corpus: the labelled banking77 (train + test, 77 intents) and CLINC150 (train/val/test in
scope, 150 intents) queries, 36k distinct texts, sampled with replacement (seed 0) up to the
size and lightly perturbed so duplicates do not make it trivial: each copy gets, with fixed
probabilities, a dropped word, two swapped neighbouring words, a lower-cased or capitalised
first letter, a filler prefix ("hi,", "please", "quick question:") or a trailing "?"/"!".
The human intent is kept as the label.

Each size runs `jtbd analyze CORPUS.csv --out DIR` as a fresh process (ingest → embed →
discover: fit on a 30,000-utterance sample and assign the rest → classify → synthesize →
report) with an empty embedding cache, and reports wall time per stage (with the synthesize
stage's share of the whole run, the issue's budget being ≤ 20 %), peak RSS of the process
(the issue's budget: under 3 GB), throughput
and NMI of the discovered clusters against the intents (unassigned utterances count as one
more label). With --full-fit it also fits discovery on all texts in-process (no sample) and
compares NMI on the same texts (only for sizes up to --full-fit-max: a full fit of 1M is what
the sample is there to avoid).

Usage: .venv/bin/python bench/scale.py --sizes 10000 100000 1000000 [--full-fit] [--record]
       [--block NAME] (the BENCHMARKS.md block --record writes; default scale)
       .venv/bin/python bench/scale.py --replay LOG [--record]   (tabulate a run's JSON lines)
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
from _datasets import DATA
from _record import record_block
from sklearn.metrics import normalized_mutual_info_score

FILLERS = ("hi, ", "please ", "quick question: ", "hello, ", "hey ")


def labelled_texts() -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    for split in ("train.csv", "test.csv"):
        with (DATA / "banking77" / split).open(encoding="utf-8", newline="") as handle:
            rows += [(r["text"], "banking:" + r["category"]) for r in csv.DictReader(handle)]
    data = json.loads((DATA / "clinc150" / "data_full.json").read_text(encoding="utf-8"))
    for split in ("train", "val", "test"):
        rows += [(t, "clinc:" + i) for t, i in data[split] if i != "oos"]
    return list(dict.fromkeys(rows))


def perturb(text: str, rng: random.Random) -> str:
    words = text.split()
    if len(words) > 4 and rng.random() < 0.3:
        del words[rng.randrange(len(words))]
    if len(words) > 3 and rng.random() < 0.3:
        i = rng.randrange(len(words) - 1)
        words[i], words[i + 1] = words[i + 1], words[i]
    out = " ".join(words)
    if rng.random() < 0.3:
        out = rng.choice(FILLERS) + out
    if rng.random() < 0.3:
        out = out[:1].swapcase() + out[1:]
    if rng.random() < 0.2:
        out = out.rstrip("?.!") + rng.choice("?!")
    return out


def build(size: int, path: Path) -> list[str]:
    rng = random.Random(0)
    pool = labelled_texts()
    labels = []
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["review_id", "text"])
        for i in range(size):
            text, label = pool[rng.randrange(len(pool))] if i >= len(pool) else pool[i]
            writer.writerow([f"r{i}", perturb(text, rng) if i >= len(pool) else text])
            labels.append(label)
    return labels


def run(size: int, workdir: Path, full_fit: bool) -> dict[str, object]:
    corpus = workdir / f"corpus_{size}.csv"
    labels = build(size, corpus)
    out = workdir / f"analysis_{size}"
    env_cache = workdir / f"cache_{size}"
    jtbd = str(Path(sys.executable).parent / "jtbd")
    started = time.perf_counter()
    result = subprocess.run(
        [jtbd, "analyze", str(corpus), "--out", str(out), "--json"],
        capture_output=True,
        text=True,
        env={**__import__("os").environ, "JTBD_CACHE_DIR": str(env_cache)},
    )
    wall = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"analyze failed for {size}:\n{result.stderr[-2000:]}")
    seconds = json.loads(result.stdout)["seconds"]
    summary = json.loads((out / "summary.json").read_text())
    utterances = pd.read_parquet(out / "utterances.parquet", columns=["utterance_id", "doc_id"])
    row_of = dict(
        zip(
            utterances["utterance_id"],
            utterances["doc_id"].str.rsplit(":r", n=1).str[1].astype(int),
            strict=True,
        )
    )
    assignments = pd.read_csv(out / "assignments.csv")
    assignments["row"] = assignments["utterance_id"].map(row_of)
    truth = [labels[int(r)] for r in assignments["row"]]
    nmi = normalized_mutual_info_score(truth, assignments["cluster_id"])
    record = {
        "size": size,
        "wall": wall,
        "seconds": seconds,
        "nmi": nmi,
        "fitted_on": summary.get("fitted_on"),
        "unassigned": summary.get("outlier_share"),
        "clusters": summary.get("clusters"),
        "utterances": summary.get("utterances"),
        "discover_seconds": summary.get("seconds"),
        "peak_mb_after": summary["analyze"]["peak_rss_mb_after"],
    }
    # The process's own ru_maxrss (RUSAGE_CHILDREN would carry over from an earlier, larger run).
    record["peak_mb"] = max(record["peak_mb_after"].values())
    if full_fit:
        from nlp_jtbd.discover import Discovery

        texts = pd.read_csv(corpus, keep_default_na=False)["text"].tolist()
        model = Discovery(cache_dir=env_cache, fit_sample=None, random_state=42)
        t = time.perf_counter()
        model.fit(texts)
        record["full_fit_seconds"] = time.perf_counter() - t
        record["full_fit_nmi"] = normalized_mutual_info_score(labels, model.placement_.cluster_id)
        sampled = Discovery(cache_dir=env_cache, random_state=42).fit(texts)
        record["sample_fit_nmi_same_texts"] = normalized_mutual_info_score(
            labels, sampled.placement_.cluster_id
        )
    return record


def _share(seconds: dict[str, float], wall: float) -> str:
    """The synthesize stage's seconds and share of the whole run ('–' for runs before it)."""
    if "synthesize" not in seconds:
        return "–"
    return f"{seconds['synthesize']:.0f} s ({seconds['synthesize'] / wall:.1%})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--full-fit", action="store_true")
    parser.add_argument("--full-fit-max", type=int, default=100_000)
    parser.add_argument("--record", action="store_true")
    parser.add_argument(
        "--block", default="scale", help="the BENCHMARKS.md block --record writes (default scale)"
    )
    parser.add_argument(
        "--replay", type=Path, help="tabulate the JSON lines an earlier run printed (no run)"
    )
    args = parser.parse_args()
    rows = []
    if args.replay:
        lines = args.replay.read_text().splitlines()
        rows = [json.loads(line) for line in lines if line.startswith('{"size"')]
    else:
        with tempfile.TemporaryDirectory(prefix="jtbd-scale-") as folder:
            for size in args.sizes:
                full_fit = args.full_fit and size <= args.full_fit_max
                record = run(size, Path(folder), full_fit)
                print(json.dumps(record), flush=True)
                rows.append(record)
    for r in rows:  # lines from runs before the peak came from the process's own summary
        if r.get("peak_mb_after"):
            r["peak_mb"] = max(r["peak_mb_after"].values())
    lines = [
        "| texts | whole run | ingest | discover | classify | synthesize (share) | report "
        "| peak RSS | texts/s | fitted on | unassigned | clusters | NMI |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    rows.sort(key=lambda r: r["size"])
    for r in rows:
        s = r["seconds"]
        lines.append(
            f"| {r['size']:,} | {r['wall']:,.0f} s | {s['ingest']:.0f} s | {s['discover']:.0f} s | "
            f"{s['classify']:.0f} s | {_share(s, r['wall'])} | {s['report']:.0f} s | "
            f"{r['peak_mb']:,.0f} MB | "
            f"{r['size'] / r['wall']:,.0f} | {r['fitted_on']:,} | {r['unassigned']:.1%} | "
            f"{r['clusters']} | {r['nmi']:.3f} |"
        )
    for r in rows:
        if "full_fit_nmi" in r:
            lines.append("")
            lines.append(
                f"{r['size']:,} texts, same texts and seed: full fit NMI {r['full_fit_nmi']:.3f} "
                f"({r['full_fit_seconds']:.0f} s for discovery), sample fit + assign NMI "
                f"{r['sample_fit_nmi_same_texts']:.3f}."
            )
    lines += [
        "",
        "Inside discover, and the process's peak RSS after each stage of `jtbd analyze`:",
        "",
        "| texts | utterances | embed | reduce (sample) | cluster + assign all | keywords + quotes "
        "| peak after ingest | discover | classify | synthesize | report |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        d, m = r["discover_seconds"] or {}, r["peak_mb_after"] or {}
        lines.append(
            f"| {r['size']:,} | {r['utterances']:,} | {d.get('embed', 0):.0f} s | "
            f"{d.get('reduce', 0):.0f} s | {d.get('cluster', 0):.0f} s | "
            f"{d.get('represent', 0):.0f} s | "
            + " | ".join(
                f"{m[k]:,.0f} MB" if k in m else "–"
                for k in ("ingest", "discover", "classify", "synthesize", "report")
            )
            + " |"
        )
    print("\n".join(lines))
    if args.record:
        record_block(args.block, "\n".join(lines))


if __name__ == "__main__":
    main()
