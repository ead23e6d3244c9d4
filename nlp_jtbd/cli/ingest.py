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
    RespondentOption,
    SchedulerOption,
    SpeakersOption,
    validated,
)
from nlp_jtbd.cli.progress import reading_progress
from nlp_jtbd.errors import UsageError
from nlp_jtbd.scheduler import scheduler_address

if TYPE_CHECKING:
    from nlp_jtbd.ingest import IngestReport
    from nlp_jtbd.ingest.report import SpeakerRow

EPILOG = (
    "**Examples**\n\n"
    "  jtbd ingest examples/interviews --meta examples/interviews/manifest.csv "
    "--out work/utterances.parquet\n\n"
    "  jtbd ingest dump.csv --text-col body --customer-col user --out reviews.jsonl\n\n"
    "  jtbd ingest call.json --interviewer SPEAKER_01 --out call.csv\n\n"
    "  jtbd ingest podcast.txt --interviewer 'Lenny' --respondent 'Bob Moesta' --out pod.csv\n\n"
    "  jtbd ingest transcripts/ --speakers work/utterances.speakers.csv "
    "--out work/utterances.parquet\n\n"
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
    respondents: RespondentOption = None,
    speakers: SpeakersOption = None,
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

    The transcripts' speakers, with role, turns, words and how the role was decided, are
    printed and written next to the output (utterances.parquet → utterances.speakers.csv);
    correct roles there and pass the file back with --speakers.
    """
    from nlp_jtbd.ingest import IngestOptions, ingest_to_file
    from nlp_jtbd.ingest.speakers_table import speakers_path_for

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
        respondents=tuple(respondents or ()),
        speakers=speakers,
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
    table_path = speakers_path_for(out_path) if report.speakers else None
    if as_json:  # the speakers table is at speakers_path_for(out) when "speakers" is not empty
        print_json({**report.as_dict(), "out": str(out_path), "seconds": round(elapsed, 2)})
    else:
        print_problems(report.problems)
        if not quiet:
            if table_path:
                print_speakers(report.speakers, table_path)
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
    if report.coverage:
        table.add_row("text in turns", coverage_line(report))
    warnings = sum(1 for p in report.problems if p.severity == "warning")
    table.add_row("problems", f"{len(report.errors)} errors, {warnings} warnings")
    table.add_row("time", f"{elapsed:.1f} s")
    out.print(table)
    out.print(f"Wrote {report.utterances:,} utterances to [bold]{out_path}[/bold]")


def coverage_line(report: IngestReport, below: float = 0.8) -> str:
    """The transcripts whose text went largely into no turn, with their share (or that none)."""
    low = sorted(report.low_coverage(below), key=lambda c: c.share)
    if not low:
        lowest = min(report.coverage, key=lambda c: c.share)
        return f"every transcript ≥ {below:.0%} (lowest {lowest.share:.0%}, {lowest.path})"
    shown = ", ".join(f"{c.path} {c.share:.0%}" for c in low[:5])
    more = f" and {len(low) - 5} more" if len(low) > 5 else ""
    return f"[yellow]{len(low)} below {below:.0%}: {shown}{more}[/yellow]"


def print_speakers(rows: list[SpeakerRow], path: Path, limit: int = 40) -> None:
    """Each transcript's speakers, compactly: role, turns, words, how the role was decided."""
    table = Table(title="Speakers", box=None, title_justify="left", pad_edge=False)
    for column in ("document", "speaker", "role", "turns", "words", "decided by"):
        table.add_column(column, justify="right" if column in ("turns", "words") else "left")
    docs: list[str] = []
    for row in rows:
        first = not docs or docs[-1] != row.doc_id
        if first:
            docs.append(row.doc_id)
        if len(docs) > limit:
            continue
        style = "yellow" if row.role == "unknown" else None
        table.add_row(
            Path(row.source_path).name if first else "",
            row.speaker,
            row.role,
            str(row.turns),
            str(row.words),
            row.role_source,
            style=style,
        )
    out.print(table)
    more = f" ({len(docs) - limit} more documents there)" if len(docs) > limit else ""
    out.print(
        f"Speakers table: [bold]{path}[/bold]{more}; correct a role there and pass it back with "
        "--speakers"
    )


COMMANDS = [(ingest, EPILOG)]
