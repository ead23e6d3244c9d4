"""The grouping-cut part of bench/synthesis.py (`--thresholds`): the planted corpus' coded
utterances re-synthesised at each cut, and public labelled intent sets (banking77, clinc150,
read from ../shared/data) as one category each; see bench/synthesis.py's docstring."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pandas as pd
from sklearn.metrics import adjusted_rand_score
from synthesis import CATEGORIES, PLANTED, n90, planted_utterances


def _ari(truth: pd.Series, found: pd.Series) -> float:
    placed = found.fillna("").astype(str).tolist()
    placed = [c or f"none-{i}" for i, c in enumerate(placed)]
    return round(float(adjusted_rand_score(truth, placed)), 3)


def _intents(frame: pd.DataFrame) -> pd.DataFrame:
    """Labelled texts as one category, each text its own customer (language: ``lang``, else
    English)."""
    n = len(frame)
    return pd.DataFrame(
        {
            "utterance_id": [f"b{i}" for i in range(n)],
            "text": frame["text"].astype(str).to_numpy(),
            "category": "main_job",
            "lang": frame["lang"].to_numpy() if "lang" in frame else "en",
            "doc_id": [f"q{i}" for i in range(n)],
        }
    )


def multilingual_sets() -> dict[str, pd.DataFrame]:
    """Labelled sets in several languages, each text in one language only (not parallel): the
    SIB-200 test and train splits (7 topics; each sentence id given to ru, en or tr at random,
    seed 0) and the xSID test split (15 intents; each id given to tr or en)."""
    import numpy as np
    from _datasets import DATA

    out = {}
    names = {"en": "eng_Latn", "ru": "rus_Cyrl", "tr": "tur_Latn"}
    for split in ("test", "train"):
        frames = {
            lang: pd.read_csv(DATA / "sib200" / folder / f"{split}.tsv", sep="\t")
            for lang, folder in names.items()
        }
        ids = frames["en"]["index_id"].to_numpy()
        owner = np.random.default_rng(0).integers(0, 3, len(ids))
        out[f"sib200 {split} ru/en/tr"] = pd.concat(
            frames[lang][frames[lang]["index_id"].isin(ids[owner == i])].assign(lang=lang)
            for i, lang in enumerate(names)
        )
    tr = pd.read_csv(DATA / "xsid_tr" / "tr.test.tsv", sep="\t")  # text_en: its English
    owner = np.random.default_rng(0).integers(0, 2, len(tr))
    english = tr[owner == 1].assign(text=tr["text_en"][owner == 1], lang="en")
    xsid = pd.concat([tr[owner == 0].assign(lang="tr"), english])
    out["xsid test tr/en"] = xsid.rename(columns={"intent": "category"})
    return out


def public_sets() -> dict[str, pd.DataFrame]:
    """English intent sets read from ../shared/data, each a sample (seed 0) of its test split:
    1,500 banking77 queries (77 intents), 1,500 clinc150 queries (150 intents), and small
    subsets shaped like a planted category (4 and 10 intents, 20 and 15 queries each, three
    draws per data set)."""
    import numpy as np
    from _datasets import DATA

    bank = pd.read_csv(DATA / "banking77" / "test.csv")
    clinc = json.loads((DATA / "clinc150" / "data_full.json").read_text(encoding="utf-8"))
    clinc = pd.DataFrame(clinc["test"], columns=["text", "category"])
    out = {
        "banking77 1500": bank.sample(1500, random_state=0),
        "clinc150 1500": clinc.sample(1500, random_state=0),
    }
    for name, frame in (("banking77", bank), ("clinc150", clinc)):
        for k, per in ((4, 20), (10, 15)):
            for draw in range(3):
                rng = np.random.default_rng(draw)
                picked = rng.choice(sorted(frame["category"].unique()), k, replace=False)
                part = frame[frame["category"].isin(picked)].groupby("category")
                out[f"{name} {k}x{per} #{draw}"] = pd.concat(
                    g.sample(min(per, len(g)), random_state=draw) for _, g in part
                )
    return out


def threshold_grid(
    folder: Path, thresholds: list[float | None], corpus: Path = PLANTED
) -> list[dict]:
    """ARI per category on the planted corpus and on the public intent sets at each threshold
    (None: the cut chosen per category from the data, the default)."""
    from nlp_jtbd.synthesis import Synthesis
    from nlp_jtbd.synthesis.pipeline import coded_evidence
    from nlp_jtbd.tables import read_utterances

    utt = read_utterances(folder / "utterances.parquet")
    codes = pd.read_csv(folder / "predictions.csv", dtype=str, keep_default_na=False)
    evidence = coded_evidence(utt, codes.drop(columns="candidate_id", errors="ignore"))
    rows = planted_utterances(folder, corpus).drop(columns="candidate_id", errors="ignore")
    public = {**public_sets(), **multilingual_sets()}
    out = []
    for threshold in thresholds:
        start = time.perf_counter()
        model = Synthesis(distance_threshold=threshold, random_state=42).fit(evidence)
        placed = rows.merge(
            model.assignments_[["utterance_id", "candidate_id"]].drop_duplicates("utterance_id"),
            on="utterance_id",
            how="left",
        )
        entry: dict[str, object] = {"threshold": threshold or "adaptive"}
        for category in CATEGORIES:
            here = placed[(placed["category"] == category) & (placed["label"] == category)]
            entry[category] = _ari(here["item_id"], here["candidate_id"])
            entry[f"{category}_cut"] = model.thresholds_.get(category)
            cands = model.candidates_[model.candidates_["category"] == category]
            members = model.assignments_[model.assignments_["category"] == category]
            members = members.merge(
                utt[["utterance_id", "customer_id"]].astype({"utterance_id": str}),
                on="utterance_id",
            )
            entry[f"{category}_n90"] = n90(cands, members)
        entry["mean"] = round(sum(entry[c] for c in CATEGORIES) / 3, 3)  # type: ignore[misc]
        entry["planted_seconds"] = round(time.perf_counter() - start, 2)
        for name, frame in public.items():
            queries = _intents(frame)
            fitted = Synthesis(distance_threshold=threshold, min_words=1, random_state=0)
            fitted.fit(queries)
            entry[name] = {
                "ari": _ari(frame["category"], fitted.assignments_["candidate_id"]),
                "candidates": len(fitted.candidates_),
                "intents": int(frame["category"].nunique()),
            }
        out.append(entry)
    return out


def grid_markdown(grid: list[dict], command: str) -> str:
    lines = [
        f"`{command}`",
        "",
        "Planted corpus, the same coded utterances re-synthesised (ARI; n90; the cut used):",
        "",
        "| cut | main_job | trigger | barrier | mean |",
        "|---|---:|---:|---:|---:|",
    ]
    for g in grid:
        cells = [f"{g[c]:.3f} (n90 {g[f'{c}_n90']}, cut {g[f'{c}_cut']})" for c in CATEGORIES]
        lines.append(f"| {g['threshold']} | {' | '.join(cells)} | {g['mean']:.3f} |")
    names = [k for k in grid[0] if isinstance(grid[0][k], dict)]
    lines += [
        "",
        "Public intent sets as one category (ARI / candidates; intents in brackets):",
        "",
        "| set | " + " | ".join(str(g["threshold"]) for g in grid) + " |",
        "|---|" + "---:|" * len(grid),
    ]
    for name in names:
        cells = [f"{g[name]['ari']:.3f} / {g[name]['candidates']}" for g in grid]
        lines.append(f"| {name} ({grid[0][name]['intents']}) | {' | '.join(cells)} |")
    means = [sum(g[n]["ari"] for n in names) / len(names) for g in grid]
    lines.append("| mean ARI | " + " | ".join(f"{m:.3f}" for m in means) + " |")
    return "\n".join(lines)
