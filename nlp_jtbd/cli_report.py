"""``jtbd report``: one offline HTML file from an analysis folder."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from nlp_jtbd.cli import app, out


@app.command(epilog="**Example**\n\n  jtbd report work/analysis")
def report(
    analysis_dir: Annotated[
        Path, typer.Argument(help="Analysis folder written by `jtbd analyze`.")
    ],
    out_path: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="HTML file to write (default: FOLDER/report.html)."),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False,
) -> None:
    """Write a self-contained HTML report: map, clusters, categories, segments and crossing.

    One file with everything inline (no internet needed): overview and settings, a map of the
    utterances, cluster cards with quotes, the JTBD category mix by language and source, the
    Four Forces (when forces.csv exists), ABCDX segment profiles and the segment × evidence
    heatmaps with the ranked findings and their quotes. Sections whose files are missing are
    left out.
    """
    from nlp_jtbd.report import write_report

    path = write_report(analysis_dir, out_path)
    if not quiet:
        out.print(f"Wrote [bold]{escape(str(path))}[/bold]", highlight=False)
