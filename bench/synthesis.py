"""Benchmark: candidate jobs, triggers and barriers on the team's planted corpus.

`bench/data/planted/` (see `build.py` there): 69 customers of a small-business invoicing and
bookkeeping app, one interview each (plain text, WebVTT, SRT) in Russian, English or Turkish,
30 reviews; every customer says 1 of 4 planted main jobs, 1–2 of 4 triggers and 1–2 of 4
barriers in their own words; `truth.csv` lists the 283 planted sentences. The metrics plant
a high-value segment A (17 customers) that over-represents job J2 and barrier B3 (14 of 17
each, against 10 of 52 among the others).

`jtbd analyze` runs on it (with the manifest and the metrics, default weights, growth column
`tenure`, fixed seed), then per category (main_job, trigger, barrier):

- **ARI** between the synthesis' `candidate_id` and the planted item, over the planted
  sentences the coder put in the right category (an utterance without a candidate counts as a
  candidate of its own);
- **n90**: how many candidates (largest first) hold 90 % of the category's customers, against
  the 4 planted items (the target is at most twice as many);
- **names** of those candidates: 3–20 words and not `·`-joined keywords;
- **findings**: whether segment A × the candidate of J2 and A × the candidate of B3 are
  findings with lift ≥ 1.5 and q < 0.05;
- the coder's category accuracy on the planted sentences, and wall time.

With `--thresholds 0.92 adaptive` it also measures the grouping's cut: the synthesis re-run on
the same analysis' coded utterances at each `distance_threshold` (`adaptive`: chosen per
category from the data, the default; ARI, n90 and the cut per category as above), and on
public labelled intent sets read from `../shared/data` (never copied here), each as one
category of one language, each query its own customer: 1,500 banking77 and 1,500 clinc150
test queries, subsets shaped like a planted category (4 intents × 20 queries and 10 × 15,
three draws each), and multilingual sets (SIB-200 ru/en/tr topics, xSID tr/en intents, each
text in one language only); ARI against the labels (an utterance without a candidate counting
as its own) and the number of candidates.

`bench/data/planted_stock/` is a second corpus of the same layout, also self-written (by another
helper) but blind to the grouping's code and figures: 48 customers of a stock and
supplier-ordering app for small shops and cafés (5 jobs, 4 triggers, 4 barriers; segment A
over-represents job J2 and trigger T4); `--corpus bench/data/planted_stock --record` records it
in its own block.

Usage: .venv/bin/python bench/synthesis.py [--record] [--analysis DIR] [--seed 42] [--corpus DIR]
       [--thresholds T|adaptive ...]
(`--analysis DIR` scores a folder `jtbd analyze` already wrote instead of running it;
`--corpus DIR` measures another corpus laid out the same way: `interviews/` with
`manifest.csv`, `reviews/`, `metrics.csv`, `truth.csv`, `segments_planted.csv` and
`links.csv`, the planted segment × item links.)
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
from _record import record_block
from sklearn.metrics import adjusted_rand_score

REPO = Path(__file__).resolve().parents[1]
PLANTED = REPO / "bench" / "data" / "planted"  # --corpus: another corpus of the same layout
CATEGORIES = ("main_job", "trigger", "barrier")
WEIGHTS = "ltv=3,avg_check=2,purchase_frequency=2,cac=-1"


def run_analyze(out: Path, seed: int, corpus: Path = PLANTED) -> float:
    jtbd = Path(sys.executable).with_name("jtbd")
    command = [
        str(jtbd), "analyze", str(corpus / "interviews"), str(corpus / "reviews"),
        "--meta", str(corpus / "interviews" / "manifest.csv"),
        "--metrics", str(corpus / "metrics.csv"), "--weights", WEIGHTS,
        "--growth-col", "tenure", "--seed", str(seed), "--out", str(out), "--quiet",
    ]  # fmt: skip
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"jtbd analyze failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return seconds


def _norm(text: object) -> str:
    return " ".join(str(text).split()).casefold()


def planted_utterances(folder: Path, corpus: Path = PLANTED) -> pd.DataFrame:
    """truth.csv joined to the analysis' utterances (by document and text) and their codes."""
    truth = pd.read_csv(corpus / "truth.csv", keep_default_na=False, dtype=str)
    utt = pd.read_parquet(folder / "utterances.parquet")
    utt["file"] = utt["source_path"].map(lambda p: Path(str(p)).name)
    utt["key"] = utt["file"] + "|" + utt["text"].map(_norm)
    rid = utt["source_id"] if "source_id" in utt else utt["doc_id"].str.split(":").str[-1]
    reviews = utt["file"] == "reviews.csv"
    utt.loc[reviews, "key"] = (
        "reviews.csv#" + rid[reviews].astype(str) + "|" + utt["text"].map(_norm)
    )
    truth["key"] = [
        (f"reviews.csv#{r.review_id}" if r.source_type == "review" else Path(r.document).name)
        + "|"
        + _norm(r.text)
        for r in truth.itertuples()
    ]
    joined = truth.merge(utt[["key", "utterance_id"]].drop_duplicates("key"), on="key", how="left")
    if joined["utterance_id"].isna().any():
        lost = joined.loc[joined["utterance_id"].isna(), "text"].head(3).tolist()
        sys.exit(f"{joined['utterance_id'].isna().sum()} planted sentences not ingested: {lost}")
    codes = pd.read_csv(
        folder / "predictions.csv", dtype={"utterance_id": str}, keep_default_na=False
    )
    keep = ["utterance_id", "label"] + (["candidate_id"] if "candidate_id" in codes else [])
    return joined.merge(codes[keep], on="utterance_id", how="left")


def n90(candidates: pd.DataFrame, members: pd.DataFrame) -> int:
    """Candidates, largest first, needed to hold 90 % of the category's customers."""
    customers = set(members["customer_id"])
    held: set[str] = set()
    for k, cid in enumerate(candidates.sort_values("customers", ascending=False)["candidate_id"]):
        held |= set(members.loc[members["candidate_id"] == cid, "customer_id"])
        if len(held) >= 0.9 * len(customers):
            return k + 1
    return len(candidates)


def name_ok(name: str) -> bool:
    """A readable phrase: 3–20 words (dashes and other bare punctuation are not words), and
    not keywords joined by `·`."""
    words = [w for w in str(name).split() if any(ch.isalnum() for ch in w)]
    return "·" not in str(name) and 3 <= len(words) <= 20


def link_finding(folder: Path, segment: str, candidate_ids: list[str]) -> dict[str, object]:
    """The best segment × candidate cell among ``candidate_ids``; whether it is a finding."""
    findings = pd.read_csv(folder / "findings.csv", keep_default_na=False)
    cells = folder / "cross_candidate.csv"
    best: dict[str, object] = {"candidate_id": None, "finding": False}
    if cells.exists():
        table = pd.read_csv(cells, keep_default_na=False)
        table = table[(table["segment"] == segment) & table["item"].isin(candidate_ids)]
        if len(table):
            row = table.sort_values(["q_value", "count"], ascending=[True, False]).iloc[0]
            best.update(
                candidate_id=row["item"],
                count=int(row["count"]),
                segment_size=int(row["segment_size"]),
                lift=round(float(row["lift"]), 2),
                q_value=float(f"{float(row['q_value']):.2g}"),
            )
    hit = findings[
        (findings["segment"] == segment)
        & findings["item"].astype(str).isin(candidate_ids)
        & (findings["lift"].astype(float) >= 1.5)
        & (findings["q_value"].astype(float) < 0.05)
    ]
    best["finding"] = bool(len(hit))
    return best


def _name_on_item(
    name: str, cid: str, placed: pd.DataFrame, here: pd.DataFrame, majority: pd.Series
) -> bool:
    """Whether the member statement a candidate's name was taken from is a planted sentence of
    the candidate's majority planted item (not a side remark or another item)."""
    words = set(re.findall(r"\w+", _norm(name)))  # the name's words, in its member's text
    members = placed[placed["candidate_id"] == cid]
    share = members["text"].map(lambda t: len(words & set(re.findall(r"\w+", _norm(t)))))
    source = members[share >= max(0.8 * len(words), 1)]
    item = here.drop_duplicates("utterance_id").set_index("utterance_id")["item_id"]
    items = {item.get(u) for u in source["utterance_id"]} - {None}
    return bool(items) and str(majority.get(cid, "-")).split(" ")[0] in items


def score(folder: Path, corpus: Path = PLANTED) -> dict[str, object]:
    rows = planted_utterances(folder, corpus)
    result: dict[str, object] = {
        "planted_sentences": len(rows),
        "category_accuracy": round(float((rows["label"] == rows["category"]).mean()), 3),
        "category_accuracy_by_lang": {
            lang: round(float((g["label"] == g["category"]).mean()), 3)
            for lang, g in rows.groupby("lang")
        },
    }
    if not (folder / "candidates.csv").exists() or "candidate_id" not in rows:
        result["synthesis"] = None
        result["message"] = (
            "no candidates.csv in the analysis folder: the synthesis stage (nlp_jtbd/synthesis) "
            "has not run, so only the coder's accuracy is reported"
        )
        return result
    candidates = pd.read_csv(folder / "candidates.csv", keep_default_na=False)
    codes = pd.read_csv(folder / "predictions.csv", keep_default_na=False, dtype=str)
    utt = pd.read_parquet(
        folder / "utterances.parquet", columns=["utterance_id", "customer_id", "text"]
    )
    placed = codes.drop(columns=["customer_id", "text"], errors="ignore").merge(
        utt, on="utterance_id"
    )
    words = placed["text"].map(lambda t: sum(any(ch.isalnum() for ch in w) for w in str(t).split()))
    in_candidate = placed["candidate_id"] != ""
    longest = words[in_candidate].groupby(placed.loc[in_candidate, "candidate_id"]).max()
    result["filler_candidates"] = sorted(longest[longest <= 3].index)  # only ≤3-word members
    segments = pd.read_csv(folder / "segments.csv", dtype={"customer_id": str})
    planted = pd.read_csv(corpus / "segments_planted.csv", dtype=str).merge(segments)
    links = pd.read_csv(corpus / "links.csv", dtype=str)  # planted segment, item
    category_of = dict(zip(rows["item_id"], rows["category"], strict=False))
    per: dict[str, object] = {}
    for category in CATEGORIES:
        here = rows[(rows["category"] == category) & (rows["label"] == category)].copy()
        found = here["candidate_id"].fillna("").astype(str)
        unplaced = found == ""
        found[unplaced] = [f"none-{i}" for i in range(int(unplaced.sum()))]
        ari = adjusted_rand_score(here["item_id"], found) if len(here) > 1 else float("nan")
        cands = candidates[candidates["category"] == category]
        members = placed[placed["candidate_id"].isin(cands["candidate_id"])]
        k90 = n90(cands, members)
        top = cands.sort_values("customers", ascending=False).head(k90)
        majority = (
            here[~unplaced]
            .groupby("candidate_id")["item_id"]
            .agg(lambda s: f"{s.value_counts().index[0]} ({s.value_counts().iloc[0]}/{len(s)})")
        )
        names = [
            {
                "candidate_id": r.candidate_id,
                "name": r.name,
                "customers": int(r.customers),
                "planted": majority.get(r.candidate_id, "-"),
                "readable": name_ok(r.name),
                "on_item": _name_on_item(r.name, r.candidate_id, placed, here, majority),
            }
            for r in top.itertuples()
        ]
        entry: dict[str, object] = {
            "coded_right": len(here),
            "planted_sentences": int((rows["category"] == category).sum()),
            "without_candidate": int(unplaced.sum()),
            "ari": round(float(ari), 3),
            "candidates": len(cands),
            "n90": k90,
            "planted_items": int(rows.loc[rows["category"] == category, "item_id"].nunique()),
            "names_readable": sum(n["readable"] for n in names),
            "names_on_item": sum(n["on_item"] for n in names),
            "names": names,
        }
        for link in links.itertuples():
            if category_of.get(link.item_id) != category:
                continue
            ids = [c for c, m in majority.items() if m.startswith(link.item_id + " ")]
            mine = planted.loc[planted["planted_segment"] == link.segment, "segment"]
            segment = str(mine.value_counts().index[0])  # the ABCDX segment it became
            entry["link"] = {
                "item": link.item_id,
                "segment": segment,
                **link_finding(folder, segment, ids),
            }
        per[category] = entry
    result["synthesis"] = per
    result["mean_ari"] = round(sum(per[c]["ari"] for c in CATEGORIES) / 3, 3)  # type: ignore[misc]
    result["candidates_total"] = len(candidates)
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    stages = summary.get("analyze", {}).get("seconds", {})
    result["stage_seconds"] = stages
    return result


def markdown(result: dict[str, object], seconds: float | None, command: str) -> str:
    lines = [f"`{command}`", ""]
    if result.get("synthesis") is None:
        return "\n".join([*lines, f"Not measured: {result['message']}."])
    per = result["synthesis"]
    assert isinstance(per, dict)
    lines += [
        "| category | planted items | coded right | ARI | candidates | n90 | readable names "
        "| names from the majority item | planted link in A |",
        "|---|---|---|---|---|---|---|---|---|",
    ]  # fmt: skip
    for category in CATEGORIES:
        e = per[category]
        link = e.get("link")
        shown = "–"
        if link:
            lift = link.get("lift", "–")
            shown = (
                f"{link['item']}: {'finding' if link['finding'] else 'not a finding'}, "
                f"{link.get('count', '–')}/{link.get('segment_size', '–')}, lift {lift}, "
                f"q {link.get('q_value', '–')}"
            )
        lines.append(
            f"| {category} | {e['planted_items']} | {e['coded_right']}/{e['planted_sentences']} "
            f"| {e['ari']:.3f} | {e['candidates']} | {e['n90']} | {e['names_readable']}/{e['n90']} "
            f"| {e['names_on_item']}/{e['n90']} | {shown} |"
        )
    lines += [
        "",
        f"Mean ARI {result['mean_ari']:.3f}; category accuracy of the coder on the planted "
        f"sentences {result['category_accuracy']:.3f} "
        f"({', '.join(f'{k} {v:.3f}' for k, v in result['category_accuracy_by_lang'].items())}); "  # type: ignore[union-attr]
        f"{result['candidates_total']} candidates in all, "
        f"{len(result['filler_candidates'])} of them made of fillers (no member over 3 words)"
        + (
            f"; `jtbd analyze` wall time {seconds:.1f} s on {os.cpu_count()} CPU cores"
            if seconds
            else ""
        )
        + f" (synthesis stage {result['stage_seconds'].get('synthesize', '–')} s).",  # type: ignore[union-attr]
        "",
        "Names of the candidates holding 90 % of each category's customers (planted item: "
        "majority of its planted sentences):",
        "",
    ]
    for category in CATEGORIES:
        for n in per[category]["names"]:
            lines.append(
                f"- {category} `{n['candidate_id']}` ({n['customers']} customers, "
                f"{n['planted']}): {n['name']}"
            )
    return "\n".join(lines)


def _threshold(text: str) -> float | None:
    return None if text == "adaptive" else float(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--record", action="store_true", help="update BENCHMARKS.md")
    parser.add_argument("--analysis", type=Path, help="score this analysis folder instead")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--corpus", type=Path, default=PLANTED, help="a corpus laid out like it")
    parser.add_argument(
        "--thresholds",
        type=_threshold,
        nargs="*",
        help="also measure these grouping thresholds ('adaptive': chosen from the data)",
    )
    args = parser.parse_args()
    os.environ.setdefault("JTBD_CACHE_DIR", str(Path(tempfile.gettempdir()) / "jtbd_bench_cache"))
    seconds = None
    if args.analysis:
        folder = args.analysis
    else:
        folder = Path(tempfile.mkdtemp(prefix="jtbd_synthesis_")) / "analysis"
        seconds = run_analyze(folder, args.seed, args.corpus)
    result = score(folder, args.corpus)
    result["analyze_seconds"] = round(seconds, 1) if seconds else None
    result["analysis"] = str(folder)
    print(json.dumps(result, ensure_ascii=False, indent=1))
    if args.record and not (args.analysis and args.thresholds):  # a grid alone: its block only
        other = args.corpus.resolve() != PLANTED
        command = ".venv/bin/python bench/synthesis.py --record" + (
            f" --corpus {args.corpus}" if other else ""
        )
        block = f"synthesis_{args.corpus.name}" if other else "synthesis"
        record_block(block, markdown(result, seconds, command))
    if result.get("synthesis") is None:
        print(result["message"], file=sys.stderr)
        sys.exit(3)
    if args.thresholds:
        from _synthesis_grid import grid_markdown, threshold_grid

        grid = threshold_grid(folder, args.thresholds, args.corpus)
        print(json.dumps(grid))
        if args.record:
            command = ".venv/bin/python bench/synthesis.py --analysis DIR --thresholds " + " ".join(
                str(t or "adaptive") for t in args.thresholds
            )
            record_block("synthesis_grouping", grid_markdown(grid, command))


if __name__ == "__main__":
    main()
