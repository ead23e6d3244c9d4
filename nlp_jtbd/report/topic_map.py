"""The map section: every utterance as a dot placed by its meaning, drawn by the page's script
from data embedded as JSON (``ctx.data["map"]``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from nlp_jtbd.analysis.evidence import label_utterances
from nlp_jtbd.report.context import ReportContext
from nlp_jtbd.report.format import OUTLIER, esc, fmt_num, fmt_time, missing

MAX_POINTS = 20_000


def placed(ctx: ReportContext) -> tuple[pd.DataFrame, int]:
    """The dots to draw (at most MAX_POINTS, a sample by id hash) with ``cluster_id`` (-1 when
    unassigned) and ``g`` (the category's index, -1 when uncoded); and how many there are."""
    a = ctx.analysis
    assert a.map is not None
    frame = a.map[["utterance_id", "x", "y"]].copy()
    frame["x"] = pd.to_numeric(frame["x"], errors="coerce")
    frame["y"] = pd.to_numeric(frame["y"], errors="coerce")
    frame = frame.dropna(subset=["x", "y"]).drop_duplicates("utterance_id")
    total = len(frame)
    if total > MAX_POINTS:  # a deterministic sample, independent of row order
        hashes = pd.util.hash_pandas_object(frame["utterance_id"], index=False).to_numpy()
        frame = frame.iloc[np.sort(np.argsort(hashes, kind="stable")[:MAX_POINTS])]
    frame = label_utterances(frame, a.assignments, predictions=a.predictions)
    frame["cluster_id"] = frame["cluster_id"].fillna(-1).astype(int)
    if ctx.categories is not None:
        index = {name: i for i, name in enumerate(ctx.categories.names)}
        frame["g"] = [index.get(str(v), -1) for v in frame["category"]]
    else:
        frame["g"] = -1
    return frame, total


def map_data(ctx: ReportContext, frame: pd.DataFrame, total: int) -> dict[str, object]:
    """The script's data for the dots of FRAME: positions, clusters, categories and quotes."""
    limit = 240 if len(frame) <= 5000 else 140
    texts, who, stamps = [], [], []
    who_index: dict[str, int] = {}
    for uid in frame["utterance_id"]:
        row = ctx.quotes.rows.get(uid, {})
        text = "" if missing(row.get("text")) else str(row["text"])
        texts.append(text if len(text) <= limit else text[: limit - 1] + "…")
        label = ctx.quotes.who(uid)
        who.append(who_index.setdefault(label, len(who_index)))
        stamps.append(fmt_time(row.get("start_s")))
    labelled = set(ctx.clusters["cluster_id"].head(30))
    categories = ctx.categories
    return {
        "total": total,
        "x": [round(float(v) * 1000) for v in frame["x"].clip(-1, 1)],
        "y": [round(float(v) * 1000) for v in frame["y"].clip(-1, 1)],
        "k": frame["cluster_id"].tolist(),
        "g": frame["g"].astype(int).tolist(),
        "t": texts,
        "u": frame["utterance_id"].tolist(),
        "w": who,
        "who": list(who_index),
        "s": stamps,
        "clusters": [
            [cid, ctx.cluster_label[cid], ctx.cluster_color[cid], cid in labelled]
            for cid in ctx.cluster_label
        ],
        "categories": [
            [name, categories.title(name), categories.colors[name]]
            for name in (categories.names if categories else [])
        ],
    }


def legends(ctx: ReportContext) -> str:
    """The colour switch and the cluster and category legends (their buttons pick out one)."""
    sizes = dict(zip(ctx.clusters["cluster_id"], ctx.clusters["size"], strict=True))
    buttons = "".join(
        f'<button type="button" data-key="{cid}"><i style="background:'
        f'{ctx.cluster_color[cid]}"></i>#{cid} {esc(label)} '
        f"({fmt_num(sizes.get(cid))})</button>"
        for cid, label in ctx.cluster_label.items()
    )
    outliers = int((ctx.analysis.assignments["cluster_id"] < 0).sum())
    if outliers:
        buttons += (
            f'<button type="button" data-key="-1"><i style="background:{OUTLIER}"></i>'
            f"unassigned ({outliers})</button>"
        )
    mode = ""
    category_legend = ""
    categories = ctx.categories
    if categories is not None:
        mode = (
            '<label>Colour by <select id="map-mode"><option value="cluster">cluster</option>'
            '<option value="category">JTBD category</option></select></label>'
        )
        category_legend = (
            '<div class="legend" id="map-legend-category" hidden>'
            + "".join(
                f'<button type="button" data-key="{i}"><i style="background:'
                f'{categories.colors[n]}"></i>{esc(categories.title(n))}</button>'
                for i, n in enumerate(categories.names)
            )
            + "</div>"
        )
    return (
        f'<div class="maptools">{mode}</div>'
        '<figure class="map"><canvas id="map-canvas" role="img" aria-label="Utterance map">'
        '</canvas><div id="map-tip" class="tip" hidden><div class="tip-t"></div>'
        '<div class="tip-m"></div></div></figure>'
        f'<div class="legend" id="map-legend-cluster">{buttons}</div>{category_legend}'
    )


def topic_map(ctx: ReportContext) -> str:
    """The map section ('' without a map); puts the dots' data in ``ctx.data["map"]``."""
    if ctx.analysis.map is None:
        return ctx.omit("map", f"no {ctx.file_name('map')} (written by `jtbd discover`)")
    frame, total = placed(ctx)
    ctx.data["map"] = map_data(ctx, frame, total)
    shown = len(frame)
    sample = (
        f"all {fmt_num(total)} utterances"
        if shown == total
        else f"{fmt_num(shown)} of {fmt_num(total)} utterances, a fixed sample by id hash"
    )
    return (
        f'<p class="note">Each dot is one utterance placed by its meaning ({sample}); '
        "nearby dots say similar things. Hover a dot for its quote, document and speaker; "
        f"click a legend entry to pick out one cluster.</p>{legends(ctx)}"
    )


__all__ = ["MAX_POINTS", "topic_map"]
