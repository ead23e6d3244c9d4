"""The clusters section: one card per cluster, largest first, with its reach, keywords, JTBD
category mix and representative quotes."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from nlp_jtbd.analysis.evidence import label_utterances
from nlp_jtbd.report.context import ReportContext, quote_rank
from nlp_jtbd.report.format import esc, fmt_num, missing
from nlp_jtbd.report.labels import Labels, Quotes


def assigned(ctx: ReportContext) -> pd.DataFrame:
    """One row per assigned utterance: ``cluster_id``, ``customer_id``, ``doc_id``."""
    a = ctx.analysis
    assign = a.assignments[["utterance_id", "cluster_id"]].drop_duplicates("utterance_id")
    doc_of = (
        dict(zip(a.utterances["utterance_id"], a.utterances["doc_id"], strict=True))
        if "doc_id" in a.utterances
        else {}
    )
    return assign.assign(
        customer_id=assign["utterance_id"].map(ctx.customer_of),
        doc_id=assign["utterance_id"].map(doc_of),
    )


def category_mixes(ctx: ReportContext, assign: pd.DataFrame) -> dict[int, str]:
    """The category bar of each cluster, by cluster id ({} without predictions)."""
    if ctx.analysis.predictions is None or ctx.categories is None:
        return {}
    labelled = label_utterances(assign, predictions=ctx.analysis.predictions)
    confidence = labelled.get("category_confidence", pd.Series(np.nan, index=labelled.index))
    coded = labelled.assign(
        label=labelled["category"], confidence=pd.to_numeric(confidence, errors="coerce")
    ).dropna(subset=["label"])
    coded["label"] = coded["label"].astype(str)
    counts = coded.groupby(["cluster_id", "label"]).size()
    coded["quote_rank"] = quote_rank(
        coded["confidence"], coded.get("category_coder"), coded.get("category_unsure")
    )
    best = coded.sort_values("quote_rank", ascending=False, kind="stable")
    best = best.drop_duplicates(["cluster_id", "label"])
    return {
        int(cid): mix(ctx.categories, ctx.quotes, counts.loc[cid], group)
        for cid, group in best.groupby("cluster_id")
    }


def mix(labels: Labels, quotes: Quotes, counts: pd.Series, best: pd.DataFrame) -> str:
    """The category bar of one cluster (COUNTS by label) and its surest quote per label."""
    n = max(int(counts.sum()), 1)
    spans, legend = [], []
    for name in labels.names:
        count = int(counts.get(name, 0))
        if not count:
            continue
        title = f"{labels.title(name)}: {count} ({count / n:.0%})"
        color = labels.colors[name]
        spans.append(
            f'<span style="width:{100 * count / n:.2f}%;background:{color}" '
            f'title="{esc(title)}"></span>'
        )
        legend.append(f'<i style="background:{color}"></i>{esc(name)} {count}')
    top = dict(
        zip(best["label"], zip(best["utterance_id"], best["confidence"], strict=True), strict=True)
    )
    examples = []
    for name in labels.names:
        if name == labels.fallback or name not in top:
            continue
        uid, confidence = top[name]
        conf = "" if missing(confidence) else f" {float(confidence):.2f}"
        examples.append(quotes.html(str(uid), extra=f"<b>{esc(name)}</b>{conf}"))
    details = (
        f"<details><summary>Example per category ({len(examples)})</summary>"
        f"{''.join(examples)}</details>"
        if examples
        else ""
    )
    return (
        f'<div class="mix">{"".join(spans)}</div>'
        f'<div class="mixlegend">{" · ".join(legend)}</div>{details}'
    )


def representatives(ctx: ReportContext) -> dict[int, list[tuple[str, object]]]:
    """(utterance id, text) of each cluster's representatives, in rank order."""
    reps: dict[int, list[tuple[str, object]]] = {}
    ordered = ctx.analysis.representatives
    if ordered is None:
        return reps
    if "rank" in ordered:
        ordered = ordered.sort_values(["cluster_id", "rank"], kind="stable")
    texts = ordered["text"] if "text" in ordered else [None] * len(ordered)
    for cid, uid, text in zip(ordered["cluster_id"], ordered["utterance_id"], texts, strict=True):
        reps.setdefault(int(cid), []).append((str(uid), text))
    return reps


def cluster_cards(ctx: ReportContext) -> str:
    """The clusters section."""
    assign = assigned(ctx)
    reach = assign.groupby("cluster_id").agg(
        customers=("customer_id", "nunique"), documents=("doc_id", "nunique")
    )
    mixes = category_mixes(ctx, assign)
    reps = representatives(ctx)
    cards = []
    total = max(len(assign), 1)
    for row in ctx.clusters.itertuples(index=False):
        cid = int(row.cluster_id)
        ids = reps.get(cid)
        if ids is None:
            raw = getattr(row, "representative_ids", None)
            ids = [(i, None) for i in re.split(r"[;\s]+", "" if missing(raw) else str(raw))]
        keywords = "" if missing(getattr(row, "keywords", None)) else str(row.keywords)
        chips = "".join(f"<span>{esc(k.strip())}</span>" for k in keywords.split(";") if k)
        size = int(row.size)
        customers, documents = reach.loc[cid].tolist() if cid in reach.index else (0, 0)
        sub = (
            f"{fmt_num(size)} utterances ({size / total:.1%}) · "
            f"{fmt_num(customers)} customers · {fmt_num(documents)} documents"
        )
        quotes = "".join(ctx.quotes.html(uid, text=text) for uid, text in ids if uid)
        cards.append(
            f'<div class="card" id="cluster-{cid}" style="--c:{ctx.cluster_color[cid]}">'
            f'<h3>#{cid} {esc(row.label)}</h3><div class="sub">{sub}</div>'
            f'<div class="chips">{chips}</div>{mixes.get(cid, "")}'
            f'<div class="reps">{quotes}</div></div>'
        )
    outliers = int((assign["cluster_id"] < 0).sum())
    note = (
        f'<p class="note">{fmt_num(outliers)} utterances fit no cluster (outliers); they are '
        "grey on the map.</p>"
        if outliers
        else ""
    )
    return (
        '<p class="note">Clusters of similar utterances, largest first. Keywords and label '
        "come from the cluster's own words; quotes are its most representative members "
        "(document · speaker · time · utterance id). The bar is the JTBD category mix of "
        f'its utterances.</p>{note}<div class="grid">{"".join(cards)}</div>'
    )


__all__ = ["cluster_cards"]
