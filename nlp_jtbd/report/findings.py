"""The crossing's findings: significant associations with their quotes, or else the strongest
cells as hypotheses."""

from __future__ import annotations

import pandas as pd

from nlp_jtbd.report.cell_quotes import CellQuotes
from nlp_jtbd.report.context import ReportContext
from nlp_jtbd.report.format import esc, fmt_num, fmt_p, fmt_pct, missing, stars


def finding(
    ctx: ReportContext, cells: CellQuotes, row: dict[str, object], *, significant: bool
) -> str:
    """One finding (a row of the findings or of a cross table) as a list item with quotes."""
    segment, dimension, item = str(row["segment"]), str(row["dimension"]), str(row["item"])
    ids = [] if missing(row.get("quote_ids")) else str(row["quote_ids"]).split()
    texts = [] if missing(row.get("quotes")) else str(row["quotes"]).split(" | ")
    if not ids:
        ids = cells.ids(dimension, item, segment, 3)
    quotes = "".join(
        ctx.quotes.html(uid, text=texts[i] if i < len(texts) else None) for i, uid in enumerate(ids)
    )
    if not quotes and texts:
        quotes = "".join(f'<blockquote class="q"><p>{esc(t)}</p></blockquote>' for t in texts)
    share = row.get("share", row.get("row_share"))
    statement = row.get("statement")
    if missing(statement):
        statement = f"Segment {segment} × {dimension.replace('_', ' ')} '{item}'"
    stats = (
        f"{fmt_num(row.get('count'))} of {fmt_num(row.get('segment_size'))} customers "
        f"({fmt_pct(share)}) · lift {fmt_num(row.get('lift'))} · p {fmt_p(row.get('p_value'))} · "
        f"q {fmt_p(row.get('q_value'))} {stars(row.get('q_value'))}"
    ).strip()
    flag = "" if significant else ' <span class="badge">not significant</span>'
    return (
        f'<li><p class="stmt">{esc(statement)}{flag}</p><p class="stats">{esc(stats)}</p>'
        f"{quotes or '<p class=note>No quotes recorded.</p>'}</li>"
    )


def strongest_cells(cross: dict[str, pd.DataFrame], k: int = 5) -> pd.DataFrame:
    """The K cells of all cross tables with the smallest p among lift > 1 and count ≥ 2."""
    cells = pd.concat(
        [t.assign(dimension=d) for d, t in cross.items() if not t.empty], ignore_index=True
    )
    for column in ("lift", "count", "p_value"):
        cells[column] = pd.to_numeric(cells[column], errors="coerce")
    return cells[(cells["lift"] > 1) & (cells["count"] >= 2)].nsmallest(k, "p_value")


def findings(ctx: ReportContext, cells: CellQuotes) -> str:
    """The findings, ranked by q; without any, the strongest cells ('' without a crossing)."""
    a = ctx.analysis
    table = a.findings
    if table is not None and not table.empty:
        items = [finding(ctx, cells, row, significant=True) for row in table.to_dict("records")]
        return (
            f'<h3>Findings ({len(table)})</h3><p class="note">Associations with q &lt; '
            "0.05 and lift &gt; 1, ranked by q, each with quotes from the segment's "
            f'customers.</p><ol class="findings">{"".join(items)}</ol>'
        )
    if not a.cross:
        return ""
    items = [
        finding(ctx, cells, row, significant=False)
        for row in strongest_cells(a.cross).to_dict("records")
    ]
    strongest = (
        "The strongest cells, as hypotheses to check, not findings:"
        f'</p><ol class="findings">{"".join(items)}</ol>'
        if items
        else "</p>"
    )
    state = "empty" if table is not None else "missing"
    return (
        '<h3>Findings</h3><p class="note">No association reaches q &lt; 0.05 '
        f"({ctx.file_name('findings')} is {state}). {strongest}"
    )


__all__ = ["findings"]
