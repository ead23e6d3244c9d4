"""``jtbd export`` (spreadsheets, Parquet, JSON, REFI-QDA) and ``jtbd report`` (HTML)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from nlp_jtbd.cli.console import out, print_json
from nlp_jtbd.cli.options import JsonOption, QuietOption
from nlp_jtbd.errors import UsageError

EXPORT_EPILOG = (
    "**Examples**\n\n"
    "  jtbd export work/analysis --format xlsx --out work/analysis.xlsx\n\n"
    "  jtbd export work/analysis --format csv --out work/csv\n\n"
    "  jtbd export work/analysis --format qdpx --out work/project.qdpx  (ATLAS.ti, MAXQDA, "
    "NVivo, QualCoder)\n\n"
    "  jtbd export work/analysis --format qdc --out work/jtbd5.qdc  (the codebook)"
)


class ExportFormat(StrEnum):
    csv = "csv"
    xlsx = "xlsx"
    parquet = "parquet"
    json = "json"
    qdpx = "qdpx"
    qdc = "qdc"


_SUFFIX = {"xlsx": ".xlsx", "json": ".json", "qdpx": ".qdpx", "qdc": ".qdc"}


def export(
    analysis_dir: Annotated[Path, typer.Argument(help="A folder written by `jtbd analyze`.")],
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f", help="Export format.")],
    out_path: Annotated[
        Path,
        typer.Option("--out", "-o", help="File (xlsx, json, qdpx, qdc) or folder (csv, parquet)."),
    ],
    codebook: Annotated[
        str, typer.Option(help="Codebook of the categories (qdpx, qdc).")
    ] = "jtbd5",
    quiet: QuietOption = False,
    as_json: JsonOption = False,
) -> None:
    """Utterances with cluster, category and confidence; clusters; segments; findings.

    Spreadsheet formulas in review text (`=`, `+`, `-`, `@` at the start of a cell) are made
    inert in CSV and XLSX.
    """
    kind = fmt.value
    suffix = _SUFFIX.get(kind)
    if suffix and out_path.suffix.lower() != suffix:
        raise UsageError(
            f"--format {kind} writes a {suffix} file, but --out is '{out_path.name}'",
            fix=f"end the output name with {suffix}",
        )
    if kind in ("qdpx", "qdc"):
        from nlp_jtbd.analysis import AnalysisFolder
        from nlp_jtbd.codebook import load_codebook
        from nlp_jtbd.export import refi

        if kind == "qdpx":
            written = [refi.write_qdpx(analysis_dir, out_path, codebook=codebook)]
        else:
            clusters = AnalysisFolder(analysis_dir).read("clusters")
            written = [refi.write_qdc(load_codebook(codebook), out_path, clusters)]
    else:
        from nlp_jtbd.export.tables import WRITERS, analysis_tables

        written = WRITERS[kind](analysis_tables(analysis_dir), out_path)
    if as_json:
        print_json({"format": kind, "written": [str(p) for p in written]})
    elif not quiet:
        for path in written:
            out.print(f"Wrote [bold]{escape(str(path))}[/bold]", highlight=False)


def report(
    analysis_dir: Annotated[
        Path, typer.Argument(help="Analysis folder written by `jtbd analyze`.")
    ],
    out_path: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="HTML file to write (default: FOLDER/report.html)."),
    ] = None,
    quiet: QuietOption = False,
) -> None:
    """Write a self-contained HTML report that leads with the candidate jobs, triggers and barriers.

    One file with everything inline (no internet needed), in this order: the candidate jobs as
    cards (name, customers, quotes, their triggers, barriers, big jobs and subtasks), then the
    candidate triggers and barriers; segments × candidates with the ranked findings and their
    quotes; the ABCDX segment profiles; the JTBD category mix by language and source; the Four
    Forces (when forces.csv exists); the topic map and topic cluster cards (the exploratory
    map); and the run details (inputs, settings, timings, what was left out). Sections whose
    files are missing are left out.
    """
    from nlp_jtbd.report import write_report

    path = write_report(analysis_dir, out_path)
    if not quiet:
        out.print(f"Wrote [bold]{escape(str(path))}[/bold]", highlight=False)


COMMANDS = [(export, EXPORT_EPILOG), (report, "**Example**\n\n  jtbd report work/analysis")]
