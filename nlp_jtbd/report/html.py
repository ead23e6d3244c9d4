"""One self-contained HTML report of an analysis folder: the page around the sections.

No external requests: CSS and JS are inline, the map is drawn on a canvas by our own script, and
the data it needs is embedded as JSON. Every piece of user text goes through :func:`esc`.
"""

from __future__ import annotations

import base64
import hashlib
import time
from collections.abc import Callable
from pathlib import Path

from nlp_jtbd import __version__
from nlp_jtbd.analysis.folder import Analysis, AnalysisFolder
from nlp_jtbd.errors import UsageError
from nlp_jtbd.report.assets import CSS, JS
from nlp_jtbd.report.categories import category_section, forces_section
from nlp_jtbd.report.clusters import cluster_cards
from nlp_jtbd.report.context import ReportContext
from nlp_jtbd.report.crossing import crossing
from nlp_jtbd.report.format import embed_json, esc
from nlp_jtbd.report.overview import overview
from nlp_jtbd.report.segments import segments_section
from nlp_jtbd.report.synthesis import synthesis_section
from nlp_jtbd.report.topic_map import topic_map

# Only our own script may run and nothing may be fetched, even if some text escaped escaping.
CSP = (
    "default-src 'none'; script-src 'sha256-"
    + base64.b64encode(hashlib.sha256(JS.encode("utf-8")).digest()).decode("ascii")
    + "'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
)
Section = Callable[[ReportContext], str]
# (id, title, section) in page order: the synthesis leads, then segments × candidates; the
# exploratory topic map and the run details (the overview, rendered last as it lists what was
# left out) come after.
SECTIONS: tuple[tuple[str, str, Section], ...] = (
    ("synthesis", "Candidate jobs, triggers and barriers", synthesis_section),
    ("crossing", "Segments × candidates", crossing),
    ("segments", "Segments", segments_section),
    ("categories", "Categories", category_section),
    ("forces", "Four Forces", forces_section),
    ("map", "Topic map", topic_map),
    ("clusters", "Topic clusters", cluster_cards),
)


def page(ctx: ReportContext, sections: list[tuple[str, str, str]]) -> str:
    """The HTML document: header, table of contents, the (non-empty) SECTIONS, data, script."""
    shown = [(sid, title, content) for sid, title, content in sections if content]
    body = "\n".join(
        f'<section id="{sid}">\n<h2>{esc(title)}</h2>\n{content}\n</section>'
        for sid, title, content in shown
    )
    nav = " ".join(f'<a href="#{sid}">{esc(title)}</a>' for sid, title, _ in shown)
    name = ctx.analysis.root.resolve().name
    created = ctx.analysis.summary.get("created") or ""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        f"<title>JTBD report · {esc(name)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        f'<header class="top"><h1>Jobs-To-Be-Done evidence · {esc(name)}</h1>'
        f"<p>Analysis {esc(created)} · report written "
        f"{esc(time.strftime('%Y-%m-%d %H:%M'))} by nlp_jtbd {esc(__version__)} · "
        "hover the map for quotes; every quote names its document, speaker, time and "
        "utterance id.</p>"
        f'</header>\n<nav class="toc">{nav}</nav>\n<main>\n{body}\n</main>\n'
        f'<script type="application/json" id="report-data">{embed_json(ctx.data)}</script>\n'
        f"<script>{JS}</script>\n</body>\n</html>\n"
    )


def render_report(analysis: Analysis) -> str:
    """The report of ANALYSIS as one HTML string."""
    ctx = ReportContext.of(analysis)
    sections = [(sid, title, build(ctx)) for sid, title, build in SECTIONS]
    sections.append(("overview", "Run details", overview(ctx)))  # last: knows the omissions
    return page(ctx, sections)


def write_report(analysis_dir: Path, out: Path | None = None) -> Path:
    """Write ANALYSIS_DIR's report as one self-contained HTML file (default DIR/report.html)."""
    folder = AnalysisFolder(analysis_dir)
    analysis = folder.load()
    target = Path(out) if out is not None else folder.report_path
    if target.is_dir():
        target = AnalysisFolder(target).report_path
    if target.suffix.lower() not in (".html", ".htm"):
        raise UsageError(
            f"the report is HTML, but '{target.name}' does not end with .html",
            fix="name the output file e.g. report.html",
        )
    text = render_report(analysis)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(
            f"cannot write {target}: {exc.strerror or exc}",
            fix="choose a folder you can write to as `out`",
        ) from exc
    return target


__all__ = ["CSP", "SECTIONS", "render_report", "write_report"]
