"""``jtbd discover`` (themes with quotes) and ``jtbd assign`` (new utterances into them)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from nlp_jtbd.analysis import AnalysisFolder, AnalysisSettings
from nlp_jtbd.cli.console import out, print_json
from nlp_jtbd.cli.options import (
    CacheOption,
    FitSampleOption,
    IncludeInterviewerOption,
    JsonOption,
    MinClusterSizeOption,
    ModelOption,
    QuietOption,
    SchedulerOption,
    SeedOption,
    validated,
)
from nlp_jtbd.cli.progress import embedding_progress
from nlp_jtbd.scheduler import scheduler_address

if TYPE_CHECKING:
    from nlp_jtbd.discover import Discovery

DISCOVER_EPILOG = (
    "**Examples**\n\n"
    "  jtbd discover work/utterances.parquet --out work/discovery\n\n"
    "  jtbd discover reviews.csv --out work/reviews --model st:minilm --min-cluster-size 5\n\n"
    "  jtbd discover work/utterances.parquet --out work/d --max-clusters 30 --seed 7"
)
ASSIGN_EPILOG = (
    "**Example**\n\n  jtbd assign new.parquet --model work/discovery/model --out new.csv"
)


def discover(
    utterances: Annotated[
        Path, typer.Argument(help="Utterances from `jtbd ingest`, or any CSV with a 'text' column.")
    ],
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Analysis directory to write.")],
    model: ModelOption = "use",
    min_cluster_size: MinClusterSizeOption = None,
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
    seed: SeedOption = 42,
    fit_sample: FitSampleOption = 30_000,
    include_interviewer: IncludeInterviewerOption = False,
    scheduler: SchedulerOption = None,
    cache_dir: CacheOption = None,
    quiet: QuietOption = False,
    as_json: JsonOption = False,
) -> None:
    """Cluster utterances into candidate jobs, triggers and barriers, with quotes.

    Writes DIR/clusters.csv, DIR/representatives.csv (quotes with document, speaker and time),
    DIR/assignments.csv (every utterance: cluster, confidence, outlier flag, nearest cluster),
    DIR/map.csv, DIR/model/ (for `jtbd assign`) and DIR/summary.json. Interviewer questions
    are context, not evidence, and are left out unless --include-interviewer.
    """
    from nlp_jtbd.analysis.stages import discover_into
    from nlp_jtbd.tables import read_utterances

    settings = validated(
        AnalysisSettings,
        "discover",
        model=model,
        min_cluster_size=min_cluster_size,
        max_clusters=max_clusters,
        merge_threshold=merge_threshold,
        seed=seed,
        fit_sample=fit_sample,
        include_interviewer=include_interviewer,
    )
    with embedding_progress(quiet or as_json, then="clustering (UMAP + HDBSCAN)") as progress:
        estimator, summary = discover_into(
            AnalysisFolder(out_dir),
            read_utterances(utterances),
            settings,
            source=str(utterances),
            scheduler=scheduler_address(scheduler),
            cache_dir=cache_dir,
            progress=progress,
        )
    if as_json:
        print_json(summary)
    elif not quiet:
        print_discovery(estimator, summary, out_dir)


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
    quiet: QuietOption = False,
) -> None:
    """Place new utterances in the clusters of a saved discovery model (nearest theme centre).

    The table is read, embedded, placed and written in batches of 50,000 utterances, so memory
    stays flat however many there are.
    """
    from nlp_jtbd.discover.pipeline import Discovery
    from nlp_jtbd.discover.place_file import assign_file
    from nlp_jtbd.tables import table_format

    table_format(out_path)
    estimator = Discovery.load(model_dir, scheduler=scheduler_address(scheduler))
    estimator.cache_dir = cache_dir
    with embedding_progress(quiet) as progress:
        placed = assign_file(
            estimator,
            utterances,
            out_path,
            include_interviewer=include_interviewer,
            progress=progress,
        )
    if not quiet:
        out.print(
            f"Placed {placed.rows:,} utterances in {estimator.clusters_.shape[0]} clusters "
            f"({placed.unassigned:,} unassigned, {placed.unassigned_share:.1%}); "
            f"wrote [bold]{out_path}[/bold]"
        )


def print_discovery(estimator: Discovery, summary: dict[str, Any], out_dir: Path) -> None:
    clusters = estimator.clusters_
    table = Table(title=f"{summary['clusters']} clusters", box=None)
    table.add_column("id", justify="right")
    table.add_column("size", justify="right")
    table.add_column("label")
    for row in clusters.head(15).itertuples():
        table.add_row(str(row.cluster_id), str(row.size), str(row.label))
    out.print(table)
    if len(clusters) > 15:
        path = AnalysisFolder(out_dir).path("clusters")
        out.print(f"… and {len(clusters) - 15} more in {path}")
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


COMMANDS = [(discover, DISCOVER_EPILOG), (assign, ASSIGN_EPILOG)]
