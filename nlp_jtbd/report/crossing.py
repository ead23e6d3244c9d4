"""The crossing section: segment × evidence heatmaps (candidates, JTBD segments, categories;
clusters for an analysis without candidates), the quotes behind the category cells, and the
findings."""

from __future__ import annotations

import pandas as pd

from nlp_jtbd.report.cell_quotes import CellQuotes
from nlp_jtbd.report.context import ReportContext
from nlp_jtbd.report.findings import findings
from nlp_jtbd.report.format import (
    cluster_id,
    esc,
    fmt_num,
    fmt_p,
    fmt_pct,
    lift_color,
    missing,
    number,
    stars,
)
from nlp_jtbd.report.segments import segment_order

TOP_ITEMS = {"candidate": 15, "cluster": 15, "jtbd_segment": 10}
TITLES = {
    "candidate": "Segment × candidate (jobs, triggers, barriers, big jobs, subtasks)",
    "category": "Segment × JTBD category",
    "cluster": "Segment × cluster",
    "jtbd_segment": "Segment × JTBD segment (customers' main candidate job)",
}
_INTRO = (
    '<p class="note">Share of each segment\'s customers with at least one utterance in '
    "the item (count / segment size), coloured by lift = that share ÷ the overall share. "
    "<b>*</b> q &lt; 0.05, <b>**</b> q &lt; 0.01 (chi-square or Fisher test, "
    "Benjamini–Hochberg q over all cells); paler where fewer than 5 customers were "
    "expected. Hover a cell for p, q and the expected count."
)


def pick_items(ctx: ReportContext, dimension: str, table: pd.DataFrame) -> tuple[list[str], str]:
    """The items (rows) to show for DIMENSION, and a note when some are left out: categories
    in codebook order; otherwise the strongest associations (smallest p, then most customers)."""
    table = table.assign(item=table["item"].astype(str))
    if dimension == "category" and ctx.categories is not None:
        order = [n for n in ctx.categories.names if n in set(table["item"])]
        return order + sorted(set(table["item"]) - set(order)), ""
    strength = (
        table.assign(
            p=pd.to_numeric(table["p_value"], errors="coerce").fillna(1.0),
            n=pd.to_numeric(table["count"], errors="coerce").fillna(0),
        )
        .groupby("item")
        .agg(p=("p", "min"), customers=("n", "sum"))
        .sort_values(["p", "customers"], ascending=[True, False], kind="stable")
    )
    limit = TOP_ITEMS.get(dimension, 15)
    items = list(strength.index[:limit])
    if len(strength) <= limit:
        return items, ""
    return items, (
        f"The {limit} of {len(strength)} items with the strongest association (smallest p "
        f"in any segment); all cells are in {ctx.file_name(f'cross_{dimension}')}."
    )


def item_name(ctx: ReportContext, dimension: str, item: str) -> str:
    """A row's heading: a link to the candidate or the cluster's card, a category's title, or
    the item."""
    if item in ctx.candidate_name:
        return (
            f'<a href="#{esc(item)}">{esc(ctx.candidate_name[item])}</a> <code>{esc(item)}</code>'
        )
    cid = cluster_id(item) if dimension in ("cluster", "jtbd_segment") else None
    if cid is not None and cid in ctx.cluster_label:
        return f'<a href="#cluster-{cid}">{esc(item)}</a>'
    if dimension == "category" and ctx.categories is not None:
        return esc(ctx.categories.title(item))
    return esc(item)


def heat_cell(item: str, segment: str, cell: dict[str, object] | None) -> str:
    """One cell: the segment's share, stars for q, count / size and lift, coloured by lift."""
    if cell is None:
        return '<td class="hc">–</td>'
    lift = number(cell["lift"])
    lift = 1.0 if lift is None else lift
    share = number(cell.get("row_share"))
    if share is None:
        share = (number(cell["count"]) or 0.0) / (number(cell["segment_size"]) or 1.0)
    title = (
        f"{segment} × {item}: {cell['count']} of {cell['segment_size']} customers; "
        f"lift {lift:.2f}; expected {fmt_num(cell.get('expected'))}; "
        f"p {fmt_p(cell['p_value'])}; q {fmt_p(cell['q_value'])}"
        + (f" ({cell['test']})" if not missing(cell.get("test")) else "")
    )
    return (
        f'<td class="hc" style="background:{lift_color(lift, cell.get("expected"))}" '
        f'title="{esc(title)}">'
        f'<b>{fmt_pct(share)}</b><span class="sig">{stars(cell["q_value"])}</span>'
        f"<small>{fmt_num(cell['count'])}/{fmt_num(cell['segment_size'])} · "
        f"×{lift:.2f}</small></td>"
    )


def heatmap(
    ctx: ReportContext, dimension: str, table: pd.DataFrame, items: list[str], segments: list[str]
) -> str:
    """Items × segments of one cross table."""
    cells = {(str(r["item"]), str(r["segment"])): r for r in table.to_dict("records")}
    present = [s for s in segments if any((i, s) in cells for i in items)]
    present += sorted({s for _, s in cells} - set(present))
    sizes: dict[str, object] = {s: r["segment_size"] for (_, s), r in cells.items()}
    head = "".join(
        f'<th class="num">{esc(s)}<br><small>n={fmt_num(sizes.get(s))}</small></th>'
        for s in present
    )
    rows = []
    for item in items:
        tds = "".join(heat_cell(item, s, cells.get((item, s))) for s in present)
        rows.append(f'<tr><th class="item">{item_name(ctx, dimension, item)}</th>{tds}</tr>')
    return (
        f'<div class="wrap"><table class="heat"><thead><tr><th>{esc(dimension)}</th>{head}'
        f"</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


def category_cell_quotes(
    ctx: ReportContext, cells: CellQuotes, items: list[str], segments: list[str]
) -> str:
    """Two quotes per segment × category cell, folded ('' when there are none)."""
    blocks = []
    for item in items:
        if ctx.categories is not None and item == ctx.categories.fallback:
            continue
        for segment in segments:
            ids = cells.ids("category", item, segment, 2)
            if ids:
                quotes = "".join(ctx.quotes.html(uid) for uid in ids)
                blocks.append(f"<h4>{esc(segment)} × {esc(item)}</h4>{quotes}")
    if not blocks:
        return ""
    return (
        "<details><summary>Quotes behind the cells (two per segment × category)</summary>"
        f"{''.join(blocks)}</details>"
    )


def crossing(ctx: ReportContext) -> str:
    """The crossing section; '' without cross tables or findings."""
    a = ctx.analysis
    if not a.cross and a.findings is None:
        cross = ctx.file_name("cross_category").replace("category", "*")
        why = f"no {cross} or {ctx.file_name('findings')} (run the analysis with customer metrics)"
        return ctx.omit("crossing", why)
    scale = "".join(
        f'<span style="background:{lift_color(lift)}" title="lift {lift}"></span>'
        for lift in (0.25, 0.5, 0.8, 1, 1.25, 2, 4)
    )
    parts = [f'{_INTRO}</p><p class="scale">lift ×¼ {scale} ×4</p>']
    segments = segment_order(ctx)
    cells = CellQuotes(ctx)
    for dimension, table in a.cross.items():
        if table.empty:
            continue
        items, note = pick_items(ctx, dimension, table)
        parts.append(f"<h3>{esc(TITLES.get(dimension, 'Segment × ' + dimension))}</h3>")
        if note:
            parts.append(f'<p class="note">{esc(note)}</p>')
        parts.append(heatmap(ctx, dimension, table, items, segments))
        if dimension == "category":
            parts.append(category_cell_quotes(ctx, cells, items, segments))
    parts.append(findings(ctx, cells))
    return "\n".join(parts)


__all__ = ["crossing"]
