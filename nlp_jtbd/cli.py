"""The ``jtbd`` command line: one command per stage, thin over the library."""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

from nlp_jtbd import __version__
from nlp_jtbd.errors import JTBDError, Problem, UsageError

if TYPE_CHECKING:
    from nlp_jtbd.ingest import IngestReport

app = typer.Typer(
    name="jtbd",
    help="Jobs-To-Be-Done evidence from customer interviews, reviews and forum posts.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",
)
out = Console()
err = Console(stderr=True, soft_wrap=True)


def _version(value: bool) -> None:
    if value:
        print(f"nlp_jtbd {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Jobs-To-Be-Done evidence from customer interviews, reviews and forum posts."""


@app.command(
    epilog=(
        "**Examples**\n\n"
        "  jtbd ingest examples/interviews --meta examples/interviews/manifest.csv "
        "--out work/utterances.parquet\n\n"
        "  jtbd ingest dump.csv --text-col body --customer-col user --out reviews.jsonl\n\n"
        "  jtbd ingest call.json --interviewer SPEAKER_01 --out call.csv"
    )
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
    interviewer: Annotated[
        list[str] | None,
        typer.Option(help="Speaker who is the interviewer (repeatable), e.g. SPEAKER_01."),
    ] = None,
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
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only problems.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Read transcripts and reviews into utterances (one row per sentence of a speaker turn).

    Transcripts: .txt/.md with speaker labels, WebVTT, SRT, diarized JSON, DOCX. Reviews: CSV,
    JSONL, XLSX. Problems are reported per file; good files are processed regardless. Exit code
    0: everything read; 1: some files or rows could not be read; 2: nothing could be done.
    """
    from nlp_jtbd.ingest import IngestOptions, Ingestor, UtteranceWriter

    started = time.perf_counter()
    try:
        options = IngestOptions(
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
    except ValidationError as exc:
        raise UsageError(_validation_message(exc), fix="see `jtbd ingest --help`") from exc
    writer = UtteranceWriter(out_path)
    ingestor = Ingestor(options)
    try:
        for chunk in _progress(ingestor.iter_chunks(paths), quiet or as_json):
            writer.write(chunk)
    except BaseException:
        writer.abort()
        raise
    report = ingestor.report_
    if report.utterances == 0:
        writer.abort()
        _print_problems(report.problems)
        raise UsageError(
            "no utterances were read; nothing was written", fix="see the problems above"
        )
    writer.close()
    elapsed = time.perf_counter() - started
    if as_json:
        print(
            json.dumps(
                {**report.as_dict(), "out": str(out_path), "seconds": round(elapsed, 2)},
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        _print_problems(report.problems)
        if not quiet:
            _print_summary(report, out_path, elapsed)
    if not report.ok:
        raise typer.Exit(1)


def _progress(
    chunks: Iterator[list[dict[str, object]]], quiet: bool
) -> Iterator[list[dict[str, object]]]:
    if quiet or not err.is_terminal:
        yield from chunks
        return
    with err.status("reading files…") as status:
        total = 0
        for chunk in chunks:
            total += len(chunk)
            status.update(f"reading files… {total:,} utterances")
            yield chunk


def _print_problems(problems: list[Problem]) -> None:
    for problem in problems:
        style = "red" if problem.severity == "error" else "yellow"
        err.print(problem.render(), style=style, highlight=False, markup=False)


def _print_summary(report: IngestReport, out_path: Path, elapsed: float) -> None:
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


def _validation_message(exc: ValidationError) -> str:
    first = exc.errors()[0]
    field = ".".join(str(p) for p in first["loc"])
    return f"invalid value for {field}: {first['msg']}"


def main(argv: list[str] | None = None) -> None:
    """Console entry point: user errors are printed without a traceback."""
    try:
        app(args=argv, standalone_mode=True)
    except JTBDError as exc:
        err.print(f"error: {exc.message}", style="red", highlight=False, markup=False)
        sys.exit(2)
    except KeyboardInterrupt:
        err.print("interrupted", style="red")
        sys.exit(130)
    except Exception as exc:  # a bug: say so plainly, show the traceback only on request
        if os.environ.get("JTBD_DEBUG"):
            raise
        err.print(
            f"internal error: {exc.__class__.__name__}: {exc}\n"
            "This is a bug in nlp_jtbd. Re-run with JTBD_DEBUG=1 to see the traceback and "
            "report it.",
            style="red",
            highlight=False,
            markup=False,
        )
        sys.exit(3)


if __name__ == "__main__":
    main()
