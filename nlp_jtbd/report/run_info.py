"""The "What was run" table: inputs, models, settings, sizes and timings from the summary."""

from __future__ import annotations

from nlp_jtbd.report.context import ReportContext
from nlp_jtbd.report.format import as_dict, esc, fmt_num


def run_rows(ctx: ReportContext) -> list[tuple[str, str]]:
    """(what, value) rows of how the analysis was made, as plain text."""
    summary = ctx.analysis.summary
    rows: list[tuple[str, str]] = []
    analyze = as_dict(summary.get("analyze"))
    if analyze.get("inputs"):
        inputs = analyze["inputs"]
        rows.append(
            ("inputs", ", ".join(map(str, inputs)) if isinstance(inputs, list) else str(inputs))
        )
    if analyze.get("metrics"):
        rows.append(("customer metrics", str(analyze["metrics"])))
    if summary.get("embedding_model"):
        rows.append(("embedding model", str(summary["embedding_model"])))
    if ctx.categories is not None:
        rows.append(("classifier", "jtbd5 categories: " + ", ".join(ctx.categories.names)))
    if ctx.forces is not None:
        rows.append(("forces", "forces4: " + ", ".join(ctx.forces.names)))
    settings = as_dict(summary.get("settings"))
    if settings:
        shown = ", ".join(f"{k}={v}" for k, v in settings.items() if k != "input")
        rows.append(("discover settings", shown))
    for key in ("utterances", "clusters", "unassigned", "outlier_share", "peak_rss_mb"):
        if key in summary:
            rows.append((f"discover {key.replace('_', ' ')}", fmt_num(summary[key])))
    for label, seconds in (
        ("seconds per stage", as_dict(analyze.get("seconds"))),
        ("discover seconds", as_dict(summary.get("seconds"))),
    ):
        if seconds:
            rows.append((label, ", ".join(f"{k} {fmt_num(v)} s" for k, v in seconds.items())))
    if summary.get("nlp_jtbd_version"):
        rows.append(("nlp_jtbd", f"{summary['nlp_jtbd_version']}, {summary.get('created')}"))
    weights = as_dict((ctx.analysis.rules or {}).get("weights"))
    if weights:
        rows.append(("ABCDX weights", ", ".join(f"{k}={v}" for k, v in weights.items())))
    return rows


def run_table(ctx: ReportContext) -> str:
    """The table of :func:`run_rows`, or a note that the summary is missing."""
    rows = run_rows(ctx)
    if not rows:
        summary = esc(ctx.file_name("summary"))
        return f'<p class="note">No {summary}: settings and timings are unknown.</p>'
    body = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in rows)
    return f'<h3>What was run</h3><table class="kv">{body}</table>'


__all__ = ["run_rows", "run_table"]
