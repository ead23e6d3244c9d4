"""``jtbd ingest``: transcripts and reviews into utterances."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from nlp_jtbd.cli.console import out, print_json, print_problems
from nlp_jtbd.cli.options import (
    InterviewerOption,
    JsonOption,
    QuietOption,
    SchedulerOption,
    validated,
)
from nlp_jtbd.cli.progress import reading_progress
from nlp_jtbd.errors import UsageError
from nlp_jtbd.scheduler import scheduler_address

if TYPE_CHECKING:
    from nlp_jtbd.ingest import IngestReport

EPILOG = (
    "**Examples**\n\n"
    "  jtbd ingest examples/interviews --meta examples/interviews/manifest.csv "
    "--out work/utterances.parquet\n\n"
    "  jtbd ingest dump.csv --text-col body --customer-col user --out reviews.jsonl\n\n"
    "  jtbd ingest call.json --interviewer SPEAKER_01 --out call.csv\n\n"
    "  jtbd ingest transcripts/ --scheduler tcp://10.0.0.5:8786 --out work/utterances.parquet"
)


def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (read recursively).")],
    out_path: Annotated[
        Path, typer.Option("--out", "-o", help="Output file: .parquet, .csv or .jsonl.")
    ],
    fmt: Annotated[
        str | None,
        typer.Option("--format", help="Force a format: txt md vtt srt json docx csv jsonl xlsx."),
    ] = None,
    meta: Annotated[
        Path | None,
        typer.Option(help="CSV of per-file metadata with a 'path' column (customer_id, date…)."),
    ] = None,
    interviewer: InterviewerOption = None,
    text_col: Annotated[str | None, typer.Option(help="Review text column.")] = None,
    id_col: Annotated[str | None, typer.Option(help="Review id column.")] = None,
    customer_col: Annotated[str | None, typer.Option(help="Customer id column.")] = None,
    date_col: Annotated[str | None, typer.Option(help="Date column.")] = None,
    sheet: Annotated[str | None, typer.Option(help="XLSX sheet (default: first).")] = None,
    encoding: Annotated[
        str | None, typer.Option(help="Force an encoding (default: detect per file).")
    ] = None,
    split_reviews: Annotated[
        bool, typer.Option(help="Split reviews into sentences (else one row per review).")
    ] = True,
    scheduler: SchedulerOption = None,
    quiet: QuietOption = False,
    as_json: JsonOption = False,
) -> None:
    """Read transcripts and reviews into utterances (one row per sentence of a speaker turn).

    Transcripts: .txt/.md with speaker labels, WebVTT, SRT, diarized JSON, DOCX. Reviews: CSV,
    JSONL, XLSX. Problems are reported per file; good files are processed regardless. Exit code
    0: everything read; 1: some files or rows could not be read; 2: nothing could be done.
    """
    from nlp_jtbd.ingest import IngestOptions, ingest_to_file

    started = time.perf_counter()
    options = validated(
        IngestOptions,
        "ingest",
        format=fmt,
        encoding=encoding,
        text_col=text_col,
        id_col=id_col,
        customer_col=customer_col,
        date_col=date_col,
        sheet=sheet,
        interviewers=tuple(interviewer or ()),
        meta=meta,
        split_reviews=split_reviews,
    )
    with reading_progress(quiet or as_json) as on_rows:
        report = ingest_to_file(
            paths, out_path, options, scheduler=scheduler_address(scheduler), on_rows=on_rows
        )
    if report.utterances == 0:
        print_problems(report.problems)
        raise UsageError(
            "no utterances were read; nothing was written", fix="see the problems above"
        )
    elapsed = time.perf_counter() - started
    if as_json:
        print_json({**report.as_dict(), "out": str(out_path), "seconds": round(elapsed, 2)})
    else:
        print_problems(report.problems)
        if not quiet:
            print_ingest_summary(report, out_path, elapsed)
    if not report.ok:
        raise typer.Exit(1)


def print_ingest_summary(report: IngestReport, out_path: Path, elapsed: float) -> None:
    table = Table(title="Ingestion", show_header=False, box=None)
    table.add_row("files", f"{report.files} read, {report.files_failed} failed")
    table.add_row("documents", " ".join(f"{k}={v}" for k, v in sorted(report.source_types.items())))
    table.add_row("formats", " ".join(f"{k}={v}" for k, v in sorted(report.formats.items())))
    table.add_row("utterances", f"{report.utterances:,}")
    table.add_row("roles", " ".join(f"{k}={v}" for k, v in sorted(report.roles.items())))
    table.add_row("languages", " ".join(f"{k}={v}" for k, v in report.languages.most_common()))
    warnings = sum(1 for p in report.problems if p.severity == "warning")
    table.add_row("problems", f"{len(report.errors)} errors, {warnings} warnings")
    table.add_row("time", f"{elapsed:.1f} s")
    out.print(table)
    out.print(f"Wrote {report.utterances:,} utterances to [bold]{out_path}[/bold]")


COMMANDS = [(ingest, EPILOG)]
