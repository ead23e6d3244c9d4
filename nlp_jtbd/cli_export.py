"""``jtbd export``: an analysis as spreadsheets, Parquet, JSON or REFI-QDA (qdpx, qdc)."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from nlp_jtbd.cli import app, out
from nlp_jtbd.errors import UsageError


class ExportFormat(StrEnum):
    csv = "csv"
    xlsx = "xlsx"
    parquet = "parquet"
    json = "json"
    qdpx = "qdpx"
    qdc = "qdc"


_SUFFIX = {"xlsx": ".xlsx", "json": ".json", "qdpx": ".qdpx", "qdc": ".qdc"}


@app.command(
    epilog=(
        "**Examples**\n\n"
        "  jtbd export work/analysis --format xlsx --out work/analysis.xlsx\n\n"
        "  jtbd export work/analysis --format csv --out work/csv\n\n"
        "  jtbd export work/analysis --format qdpx --out work/project.qdpx  (ATLAS.ti, MAXQDA, "
        "NVivo, QualCoder)\n\n"
        "  jtbd export work/analysis --format qdc --out work/jtbd5.qdc  (the codebook)"
    )
)
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
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only problems.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
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
        from nlp_jtbd.codebook import load_codebook
        from nlp_jtbd.export import refi

        if kind == "qdpx":
            written = [refi.write_qdpx(analysis_dir, out_path, codebook=codebook)]
        else:
            import pandas as pd

            clusters_csv = analysis_dir / "clusters.csv"
            clusters = pd.read_csv(clusters_csv) if clusters_csv.exists() else None
            written = [refi.write_qdc(load_codebook(codebook), out_path, clusters)]
    else:
        from nlp_jtbd.export.tables import WRITERS, analysis_tables

        written = WRITERS[kind](analysis_tables(analysis_dir), out_path)
    if as_json:
        print(json.dumps({"format": kind, "written": [str(p) for p in written]}, indent=2))
    elif not quiet:
        for path in written:
            out.print(f"Wrote [bold]{path}[/bold]")
