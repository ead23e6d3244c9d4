"""The overview section: counts, languages and sources, what was run, what was left out."""

from __future__ import annotations

from nlp_jtbd.report.context import ReportContext
from nlp_jtbd.report.format import esc, fmt_num
from nlp_jtbd.report.run_info import run_table


def tiles(ctx: ReportContext) -> str:
    """The headline counts as tiles."""
    a = ctx.analysis
    u = a.utterances
    counts: list[tuple[str, object]] = [
        ("documents", u["doc_id"].nunique() if "doc_id" in u else None),
        ("customers", u["customer_id"].dropna().nunique() if "customer_id" in u else None),
        ("utterances", len(u)),
    ]
    if "role" in u:
        counts.append(("respondent utterances", int((u["role"] != "interviewer").sum())))
    counts.append(("clusters", len(ctx.clusters)))
    counts.append(("unassigned (outliers)", int((a.assignments["cluster_id"] < 0).sum())))
    if a.segments is not None:
        counts.append(("customers with a segment", len(a.segments)))
    cells = "".join(
        f'<div class="tile"><b>{fmt_num(v)}</b><span>{esc(k)}</span></div>'
        for k, v in counts
        if v is not None
    )
    return f'<div class="tiles">{cells}</div>'


def mix_table(ctx: ReportContext) -> str:
    """Utterances by language and by source type ('' without those columns)."""
    u = ctx.analysis.utterances
    rows = []
    for column, title in (("lang", "Languages"), ("source_type", "Sources")):
        if column in u:
            values = u[column].fillna("unknown").value_counts()
            rows.append(
                f"<tr><th>{title}</th><td>"
                + ", ".join(f"{esc(k)} {fmt_num(v)}" for k, v in values.items())
                + "</td></tr>"
            )
    return f'<table class="kv">{"".join(rows)}</table>' if rows else ""


def overview(ctx: ReportContext) -> str:
    """The overview; render it after the other sections, as it lists those left out."""
    parts = [tiles(ctx)]
    mix = mix_table(ctx)
    if mix:
        parts.append(mix)
    parts.append(run_table(ctx))
    if ctx.omitted:
        items = "".join(f"<li><b>{esc(s)}</b>: {esc(why)}</li>" for s, why in ctx.omitted)
        parts.append(f'<h3>Sections left out</h3><ul class="muted">{items}</ul>')
    files = ", ".join(esc(name) for name in ctx.analysis.files)
    parts.append(f'<p class="note">Files in {esc(ctx.analysis.root)}: {files}</p>')
    return "\n".join(parts)


__all__ = ["overview"]
