"""``jtbd`` commands for segments: abcdx, cross, and the end-to-end analyze."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.table import Table

from nlp_jtbd.cli import SchedulerOption, app, err, out
from nlp_jtbd.errors import InputError, UsageError
from nlp_jtbd.memory import peak_rss_mb

WeightsOption = Annotated[
    str | None,
    typer.Option(
        help="Parameters and weights, e.g. ltv=3,avg_check=2,purchase_frequency=2,cac=-1."
    ),
]
IdColOption = Annotated[str, typer.Option(help="Customer id column.")]
GrowthOption = Annotated[
    str | None, typer.Option(help="Growth signal naming the X segment (e.g. tenure, trend).")
]
DEFAULT_WEIGHTS = "ltv=3,avg_check=2,purchase_frequency=2,cac=-1"


def _write(frame: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() in (".parquet", ".pq"):
        frame.to_parquet(path, index=False)
    else:
        frame.to_csv(path, index=False)


def _sidecar(path: Path, suffix: str) -> Path:
    return path.with_name(f"{path.stem}{suffix}")


def run_abcdx(
    metrics: Path,
    out_path: Path,
    weights: str,
    id_col: str,
    growth_col: str | None,
    clusters: int,
    seed: int,
    min_share: float,
    market_cols: list[str] | None,
) -> dict[str, object]:
    """Segment, write FILE, FILE_profiles.csv and FILE_rules.json; return the summary."""
    from nlp_jtbd.segment import (
        MARKET_COLUMNS,
        ABCDXSegmenter,
        check_metrics,
        parse_weights,
        profile_segments,
        read_table,
    )

    if out_path.suffix.lower() not in (".csv", ".parquet", ".pq"):
        raise UsageError(
            f"cannot tell the output format from '{out_path.name}'",
            fix="end the file name with .csv or .parquet",
        )
    parsed = parse_weights(weights)
    needed = list(parsed) + ([growth_col] if growth_col else [])
    frame = check_metrics(read_table(metrics), id_col, needed, str(metrics), clusters * 3)
    model = ABCDXSegmenter(
        parsed, n_clusters=clusters, growth_col=growth_col, random_state=seed, min_share=min_share
    ).fit(frame)
    customers = pd.DataFrame(
        {
            "customer_id": frame[id_col].to_numpy(),
            "segment": model.labels_,
            "cluster_id": model.cluster_ids_,
            "value_score": model.value_score_.round(4),
            "distance": model.distance_.round(4),
            "is_outlier": model.is_outlier_,
        }
    )
    numeric = [c for c in frame.columns if c != id_col and pd.api.types.is_numeric_dtype(frame[c])]
    metric_cols = list(dict.fromkeys([*parsed, *numeric]))
    markets = market_cols if market_cols else [c for c in MARKET_COLUMNS if c in frame.columns]
    missing = [c for c in markets if c not in frame.columns]
    if missing:
        raise InputError(
            f"{metrics} has no market column {', '.join(missing)}",
            fix="columns are: " + ", ".join(map(str, frame.columns)),
        )
    profiles = profile_segments(
        frame, customers["segment"], metric_cols, markets, customers["value_score"], min_share
    )
    _write(customers, out_path)
    profiles.to_csv(_sidecar(out_path, "_profiles.csv"), index=False)
    rules = {"weights": parsed, "id_col": id_col, "growth_col": growth_col, **model.rules()}
    _sidecar(out_path, "_rules.json").write_text(
        json.dumps(rules, ensure_ascii=False, indent=2), "utf-8"
    )
    return {"customers": len(customers), "rules": rules, "profiles": profiles}


@app.command(
    epilog="**Example**\n\n  jtbd abcdx examples/metrics/customers.csv --weights "
    "ltv=3,avg_check=2,purchase_frequency=2,cac=-1 --growth-col tenure --out work/segments.csv"
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
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only problems.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """ABCDX value segmentation: weighted, standardised metrics clustered by k-means.

    Writes FILE (customer_id, segment, cluster_id, value_score, distance, is_outlier),
    FILE_profiles.csv (size, share, medians, market mix, description per segment) and
    FILE_rules.json (every transformation, weight and naming rule used).
    """
    result = run_abcdx(
        metrics,
        out_path,
        weights or DEFAULT_WEIGHTS,
        id_col,
        growth_col,
        clusters,
        seed,
        min_share,
        market_col,
    )
    if as_json:
        print(
            json.dumps(
                {
                    "out": str(out_path),
                    "customers": result["customers"],
                    "rules": result["rules"],
                    "segments": json.loads(result["profiles"].to_json(orient="records")),
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    if quiet:
        return
    rules = result["rules"]
    out.print("[bold]Rules[/bold]")
    for line in rules["transform_and_scaling"]:
        out.print(f"  {line}", highlight=False, markup=False)
    out.print(f"  {rules['naming']}", highlight=False, markup=False)
    table = Table(box=None)
    for column in ("segment", "size", "share", "value", "description"):
        table.add_column(column, overflow="fold")
    for row in result["profiles"].itertuples():
        table.add_row(
            row.segment,
            str(row.size),
            f"{row.share:.0%}",
            f"{row.value_score:+.2f}",
            row.description,
        )
    out.print(table)
    out.print(f"Wrote [bold]{out_path}[/bold] and its _profiles.csv and _rules.json")


def run_cross(
    segments_path: Path,
    utterances: Path,
    out_dir: Path,
    *,
    assignments: Path | None,
    clusters: Path | None,
    codes: Path | None,
    segment_col: str,
    id_col: str,
    q_max: float,
) -> dict[str, object]:
    from nlp_jtbd.cross import cross_segments, join_evidence, jtbd_profiles
    from nlp_jtbd.segment import read_table
    from nlp_jtbd.tables import read_utterances

    segments = read_table(segments_path)
    for column in (id_col, segment_col):
        if column not in segments.columns:
            raise InputError(
                f"{segments_path} has no column '{column}'",
                where="header",
                fix="name the columns with --id-col and --segment-col; columns are: "
                + ", ".join(map(str, segments.columns)),
            )
    if assignments is None and codes is None:
        raise UsageError(
            "nothing to cross the segments with",
            fix="give --assignments (from `jtbd discover`) and/or --codes (from `jtbd classify`)",
        )
    evidence = join_evidence(
        read_utterances(utterances),
        read_table(assignments) if assignments else None,
        read_table(clusters) if clusters else None,
        read_table(codes) if codes else None,
    )
    by_customer = segments.assign(**{id_col: segments[id_col].astype(str).str.strip()})
    series = by_customer.set_index(id_col)[segment_col]
    profiles = None
    if "cluster_id" in evidence.columns and "category" in evidence.columns:
        profiles = jtbd_profiles(evidence)
    result = cross_segments(evidence, series, profiles, q_max=q_max)
    out_dir.mkdir(parents=True, exist_ok=True)
    for dimension, table in result.tables.items():
        table.to_csv(out_dir / f"cross_{dimension}.csv", index=False)
    result.findings.to_csv(out_dir / "findings.csv", index=False)
    if profiles is not None:
        profiles.to_csv(out_dir / "jtbd_profiles.csv", index=False)
    return {
        "customers": result.customers,
        "findings": result.findings,
        "tables": result.tables,
    }


@app.command(
    epilog="**Example**\n\n  jtbd cross work/segments.csv --utterances work/utterances.parquet "
    "--assignments work/assignments.csv --clusters work/clusters.csv --codes work/codes.csv "
    "--out work/cross"
)
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
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only problems.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Which jobs, triggers and barriers drive which segment: counts, shares, lift, tests.

    Writes cross_cluster.csv, cross_category.csv, cross_jtbd_segment.csv (every segment × item
    cell: count, shares, lift, adjusted residual, chi-square or Fisher p, BH q), jtbd_profiles.csv
    and findings.csv (the strong associations, ranked, with quotes).
    """
    result = run_cross(
        segments,
        utterances,
        out_dir,
        assignments=assignments,
        clusters=clusters,
        codes=codes,
        segment_col=segment_col,
        id_col=id_col,
        q_max=q,
    )
    if as_json:
        print(_findings_json(result, out_dir))
    elif not quiet:
        _print_findings(result["findings"], result["customers"], out_dir, result["tables"])


def _findings_json(result: dict[str, object], out_dir: Path) -> str:
    findings = result["findings"]
    return json.dumps(
        {
            "out": str(out_dir),
            "customers": result["customers"],
            "findings": json.loads(findings.to_json(orient="records")),
        },
        ensure_ascii=False,
        indent=2,
    )


def _print_findings(
    findings: pd.DataFrame, customers: int, out_dir: Path, tables: dict[str, pd.DataFrame]
) -> None:
    out.print(f"{customers} customers with segments and evidence; {len(findings)} findings")
    for row in findings.head(10).itertuples():
        out.print(f"  • {row.statement}", highlight=False, markup=False)
    if findings.empty and tables:
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
    out.print(f"Wrote tables and findings to [bold]{out_dir}[/bold]")


STAGES = ("discover", "classify", "abcdx", "cross")


def run_stages(
    utterances: Path,
    out_dir: Path,
    *,
    model: str = "use",
    classifier: str | None = None,
    seed: int = 42,
    min_cluster_size: int | None = None,
    metrics: Path | None = None,
    weights: str = DEFAULT_WEIGHTS,
    id_col: str = "customer_id",
    growth_col: str | None = None,
    scheduler: str | None = None,
    on_start: Callable[[str], None] | None = None,
    on_done: Callable[[str, float], None] | None = None,
) -> dict[str, object] | None:
    """discover → classify (→ abcdx → cross with ``metrics``) on ingested utterances, writing
    every file into ``out_dir``; the analysis behind `jtbd analyze` and the API's jobs.

    ``on_start(stage)`` and ``on_done(stage, seconds)`` report progress; returns the crossing
    (``run_cross``'s result) or None without metrics.
    """
    from nlp_jtbd.cli import discover as discover_cmd
    from nlp_jtbd.cli_coding import classify as classify_cmd

    started = 0.0

    def begin(name: str) -> None:
        nonlocal started
        if on_start:
            on_start(name)
        started = time.perf_counter()

    def end(name: str) -> None:
        if on_done:
            on_done(name, time.perf_counter() - started)

    begin("discover")
    discover_cmd(
        utterances=utterances,
        out_dir=out_dir,
        model=model,
        min_cluster_size=min_cluster_size,
        max_clusters=None,
        merge_threshold=None,
        seed=seed,
        include_interviewer=False,
        cache_dir=None,
        quiet=True,
        as_json=False,
        scheduler=scheduler,
    )
    end("discover")
    begin("classify")
    predictions = out_dir / "predictions.csv"
    classify_cmd(
        utterances=utterances,
        out_path=predictions,
        model=classifier,
        include_interviewer=False,
        cache_dir=None,
        quiet=True,
        scheduler=scheduler,
    )
    end("classify")
    if metrics is None:
        return None
    begin("abcdx")
    run_abcdx(metrics, out_dir / "segments.csv", weights, id_col, growth_col, 5, seed, 0.05, None)
    end("abcdx")
    begin("cross")
    result = run_cross(
        out_dir / "segments.csv",
        utterances,
        out_dir,
        assignments=out_dir / "assignments.csv",
        clusters=out_dir / "clusters.csv",
        codes=predictions,
        segment_col="segment",
        id_col="customer_id",
        q_max=0.05,
    )
    end("cross")
    return result


@app.command(
    epilog="**Example**\n\n  jtbd analyze examples/interviews examples/reviews --meta "
    "examples/interviews/manifest.csv --metrics examples/metrics/customers.csv --growth-col "
    "tenure --out work/analysis"
)
def analyze(
    inputs: Annotated[list[Path], typer.Argument(help="Transcripts and review files or folders.")],
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Analysis folder.")],
    meta: Annotated[Path | None, typer.Option(help="Per-file metadata CSV (customer_id…).")] = None,
    metrics: Annotated[
        Path | None, typer.Option(help="Customer metrics for ABCDX (then also cross).")
    ] = None,
    weights: WeightsOption = DEFAULT_WEIGHTS,
    id_col: IdColOption = "customer_id",
    growth_col: GrowthOption = None,
    model: Annotated[str, typer.Option(help="Embeddings for discovery.")] = "use",
    classifier: Annotated[
        str | None, typer.Option(help="Trained classifier (default: shipped jtbd5).")
    ] = None,
    scheduler: SchedulerOption = None,
    seed: Annotated[int, typer.Option(help="Random seed for every stage.")] = 42,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only problems.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Ingest → discover → classify (→ abcdx → cross with --metrics) → report.html, in one
    folder."""
    from nlp_jtbd.cli import ingest as ingest_cmd

    out_dir.mkdir(parents=True, exist_ok=True)
    seconds: dict[str, float] = {}
    utterances = out_dir / "utterances.parquet"

    peak_mb: dict[str, float] = {}

    def done(name: str, elapsed: float) -> None:
        seconds[name] = round(elapsed, 2)
        # The process's peak so far: a stage that raises it is the one that needs the memory.
        peak_mb[name] = peak_rss_mb()
        if not (quiet or as_json):
            err.print(f"[green]✓[/green] {name} ({seconds[name]:.1f} s)")

    started = time.perf_counter()
    try:
        ingest_cmd(
            paths=inputs,
            out_path=utterances,
            fmt=None,
            meta=meta,
            interviewer=None,
            text_col=None,
            id_col=None,
            customer_col=None,
            date_col=None,
            sheet=None,
            encoding=None,
            split_reviews=True,
            scheduler=scheduler,
            quiet=True,
            as_json=False,
        )
    except typer.Exit as exc:  # some files failed: their problems were printed; go on
        if exc.exit_code not in (0, 1):
            raise
    done("ingest", time.perf_counter() - started)
    result = run_stages(
        utterances,
        out_dir,
        model=model,
        classifier=classifier,
        seed=seed,
        metrics=metrics,
        weights=weights or DEFAULT_WEIGHTS,
        id_col=id_col,
        growth_col=growth_col,
        scheduler=scheduler,
        on_done=done,
    )
    findings = result["findings"] if result else None
    started = time.perf_counter()
    from nlp_jtbd.report import write_report

    report = write_report(out_dir)
    done("report", time.perf_counter() - started)
    summary_path = out_dir / "summary.json"
    summary = json.loads(summary_path.read_text("utf-8")) if summary_path.exists() else {}
    summary["analyze"] = {
        "inputs": [str(p) for p in inputs],
        "metrics": str(metrics) if metrics else None,
        "seconds": seconds,
        "peak_rss_mb_after": peak_mb,
        "files": sorted(p.name for p in out_dir.iterdir() if p.is_file()),
    }
    summary_path.write_text(json.dumps(summary, ensure_ascii=False, indent=2), "utf-8")
    if as_json:
        print(json.dumps(summary["analyze"] | {"out": str(out_dir)}, ensure_ascii=False, indent=2))
    elif not quiet:
        if result is not None:
            _print_findings(findings, result["customers"], out_dir, result["tables"])
        out.print(f"Analysis written to [bold]{out_dir}[/bold]")
        out.print(f"Report: [bold]{report}[/bold]")
