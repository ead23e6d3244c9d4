"""``jtbd abcdx`` (value segments) and ``jtbd cross`` (segments × evidence)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from nlp_jtbd.analysis import DEFAULT_WEIGHTS, AnalysisFolder
from nlp_jtbd.cli.console import out, print_json
from nlp_jtbd.cli.flags import to_flags
from nlp_jtbd.cli.options import GrowthOption, IdColOption, JsonOption, QuietOption, WeightsOption

if TYPE_CHECKING:
    import pandas as pd

    from nlp_jtbd.cross import Crossing
    from nlp_jtbd.segment.segmentation import Segmentation

ABCDX_EPILOG = (
    "**Example**\n\n  jtbd abcdx examples/metrics/customers.csv --weights "
    "ltv=3,avg_check=2,purchase_frequency=2,cac=-1 --growth-col tenure --out work/segments.csv"
)
CROSS_EPILOG = (
    "**Example**\n\n  jtbd cross work/segments.csv --utterances work/utterances.parquet "
    "--assignments work/assignments.csv --clusters work/clusters.csv --codes work/codes.csv "
    "--out work/cross"
)


def abcdx(
    metrics: Annotated[Path, typer.Argument(help="One row per customer: CSV, XLSX or Parquet.")],
    out_path: Annotated[Path, typer.Option("--out", "-o", help="Segments: .csv or .parquet.")],
    weights: WeightsOption = DEFAULT_WEIGHTS,
    id_col: IdColOption = "customer_id",
    growth_col: GrowthOption = None,
    clusters: Annotated[int, typer.Option(min=2, max=26, help="k of k-means (ABCDX: 5).")] = 5,
    seed: Annotated[int, typer.Option(help="k-means random state.")] = 42,
    min_share: Annotated[
        float, typer.Option(min=0.0, max=1.0, help="Flag smaller segments as too small.")
    ] = 0.05,
    market_col: Annotated[
        list[str] | None,
        typer.Option(
            help="Market parameter to profile (repeatable; default: industry, "
            "company_size, business_model, region, country when present)."
        ),
    ] = None,
    quiet: QuietOption = False,
    as_json: JsonOption = False,
) -> None:
    """ABCDX value segmentation: weighted, standardised metrics clustered by k-means.

    Writes FILE (customer_id, segment, cluster_id, value_score, distance, is_outlier),
    FILE_profiles.csv (size, share, medians, market mix, description per segment) and
    FILE_rules.json (every transformation, weight and naming rule used).
    """
    from nlp_jtbd.segment.segmentation import (
        check_segments_path,
        segment_customers,
        write_segmentation,
    )
    from nlp_jtbd.tables import read_table

    check_segments_path(out_path)
    result = segment_customers(
        read_table(metrics),
        weights or DEFAULT_WEIGHTS,
        id_col=id_col,
        growth_col=growth_col,
        n_clusters=clusters,
        random_state=seed,
        min_share=min_share,
        market_cols=market_col,
        source=str(metrics),
    )
    write_segmentation(result, out_path)
    if as_json:
        print_json(
            {
                "out": str(out_path),
                "customers": len(result.customers),
                "rules": result.rules,
                "segments": json.loads(result.profiles.to_json(orient="records")),
            }
        )
    elif not quiet:
        print_segments(result, out_path)


def print_segments(result: Segmentation, out_path: Path) -> None:
    rules = result.rules
    out.print("[bold]Rules[/bold]")
    for line in rules["transform_and_scaling"]:
        out.print(f"  {line}", highlight=False, markup=False)
    out.print(f"  {to_flags(rules['naming'])}", highlight=False, markup=False)
    table = Table(box=None)
    for column in ("segment", "size", "share", "value", "description"):
        table.add_column(column, overflow="fold")
    for row in result.profiles.itertuples():
        table.add_row(
            row.segment, str(row.size), f"{row.share:.0%}", f"{row.value_score:+.2f}",
            row.description,
        )  # fmt: skip
    out.print(table)
    out.print(f"Wrote [bold]{out_path}[/bold] and its _profiles.csv and _rules.json")


def cross(
    segments: Annotated[
        Path,
        typer.Argument(help="Customer segments (`jtbd abcdx` output or any id,segment table)."),
    ],
    utterances: Annotated[Path, typer.Option(help="Utterances from `jtbd ingest`.")],
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Folder for tables and findings.")],
    assignments: Annotated[Path | None, typer.Option(help="assignments.csv from discover.")] = None,
    clusters: Annotated[Path | None, typer.Option(help="clusters.csv from discover.")] = None,
    codes: Annotated[Path | None, typer.Option(help="Codes from `jtbd classify`.")] = None,
    segment_col: Annotated[
        str, typer.Option(help="Segment column (e.g. a classic segmentation: region).")
    ] = "segment",
    id_col: IdColOption = "customer_id",
    q: Annotated[float, typer.Option(min=0.0, max=1.0, help="Findings need q below this.")] = 0.05,
    quiet: QuietOption = False,
    as_json: JsonOption = False,
) -> None:
    """Which jobs, triggers and barriers drive which segment: counts, shares, lift, tests.

    Writes cross_cluster.csv, cross_category.csv, cross_jtbd_segment.csv (every segment × item
    cell: count, shares, lift, adjusted residual, chi-square or Fisher p, BH q), jtbd_profiles.csv
    and findings.csv (the strong associations, ranked, with quotes).
    """
    from nlp_jtbd.analysis.stages import write_crossing
    from nlp_jtbd.cross import cross_analysis
    from nlp_jtbd.tables import read_table, read_utterances

    result = cross_analysis(
        read_table(segments),
        read_utterances(utterances),
        assignments=read_table(assignments) if assignments else None,
        clusters=read_table(clusters) if clusters else None,
        codes=read_table(codes) if codes else None,
        segment_col=segment_col,
        id_col=id_col,
        q_max=q,
        source=str(segments),
    )
    write_crossing(AnalysisFolder(out_dir), result)
    if as_json:
        print_json(
            {
                "out": str(out_dir),
                "customers": result.customers,
                "findings": json.loads(result.findings.to_json(orient="records")),
            }
        )
    elif not quiet:
        print_findings(result, out_dir)


def print_findings(result: Crossing, out_dir: Path) -> None:
    findings = result.findings
    out.print(f"{result.customers} customers with segments and evidence; {len(findings)} findings")
    for row in findings.head(10).itertuples():
        out.print(f"  • {row.statement}", highlight=False, markup=False)
    if findings.empty and result.tables:
        _print_strongest(result.tables)
    out.print(f"Wrote tables and findings to [bold]{out_dir}[/bold]")


def _print_strongest(tables: dict[str, pd.DataFrame]) -> None:
    import pandas as pd

    cells = pd.concat(tables.values(), ignore_index=True)
    cells = cells[(cells["lift"] > 1) & (cells["count"] >= 2)].nsmallest(3, "p_value")
    if len(cells):
        out.print("  No association reaches q < 0.05; the strongest (not significant):")
    for cell in cells.itertuples():
        out.print(
            f"    {cell.segment} × {cell.dimension} '{cell.item}': {cell.count} of "
            f"{cell.segment_size} customers, lift {cell.lift:.1f}, p {cell.p_value:.2g}, "
            f"q {cell.q_value:.2g}",
            highlight=False,
            markup=False,
        )


COMMANDS = [(abcdx, ABCDX_EPILOG), (cross, CROSS_EPILOG)]
