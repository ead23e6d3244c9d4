"""ABCDX segmentation of a customer metrics table: customers, segment profiles and rules.

The stage entry point behind `jtbd abcdx`, the analysis and the API: it takes a table and
returns tables; :func:`write_segmentation` writes them beside each other.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from nlp_jtbd.errors import InputError, UsageError
from nlp_jtbd.segment.abcdx import ABCDXSegmenter
from nlp_jtbd.segment.metrics import check_metrics, parse_weights
from nlp_jtbd.segment.profiles import MARKET_COLUMNS, profile_segments

SEGMENT_SUFFIXES = (".csv", ".parquet", ".pq")


@dataclass
class Segmentation:
    """``customers``: customer_id, segment, cluster_id, value_score, distance, is_outlier;
    ``profiles``: one row per segment; ``rules``: every transformation, weight and naming rule."""

    customers: pd.DataFrame
    profiles: pd.DataFrame
    rules: dict[str, object]


def segment_customers(
    metrics: pd.DataFrame,
    weights: str | dict[str, float],
    *,
    id_col: str = "customer_id",
    growth_col: str | None = None,
    n_clusters: int = 5,
    random_state: int = 42,
    min_share: float = 0.05,
    market_cols: list[str] | None = None,
    source: str = "the metrics",
) -> Segmentation:
    """Validate ``metrics`` (one row per customer; ``source`` names it in errors), fit the
    ABCDX segmenter and profile the segments."""
    parsed = parse_weights(weights) if isinstance(weights, str) else dict(weights)
    needed = list(parsed) + ([growth_col] if growth_col else [])
    frame = check_metrics(metrics, id_col, needed, source, n_clusters * 3)
    model = ABCDXSegmenter(
        parsed,
        n_clusters=n_clusters,
        growth_col=growth_col,
        random_state=random_state,
        min_share=min_share,
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
            f"{source} has no market column {', '.join(missing)}",
            fix="name `market_cols` among the columns: " + ", ".join(map(str, frame.columns)),
        )
    profiles = profile_segments(
        frame, customers["segment"], metric_cols, markets, customers["value_score"], min_share
    )
    rules = {"weights": parsed, "id_col": id_col, "growth_col": growth_col, **model.rules()}
    return Segmentation(customers, profiles, rules)


def check_segments_path(path: str | Path) -> Path:
    """A segments file name the writer understands (check it before doing the work)."""
    path = Path(path)
    if path.suffix.lower() not in SEGMENT_SUFFIXES:
        raise UsageError(
            f"cannot tell the output format from '{path.name}'",
            fix="end the file name with .csv or .parquet",
        )
    return path


def sidecar(path: Path, suffix: str) -> Path:
    """``segments.csv`` → ``segments_profiles.csv`` (suffix ``_profiles.csv``)."""
    return path.with_name(f"{path.stem}{suffix}")


def write_segmentation(result: Segmentation, path: str | Path) -> list[Path]:
    """Write FILE (customers; .csv or .parquet), FILE_profiles.csv and FILE_rules.json."""
    path = check_segments_path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() in (".parquet", ".pq"):
        result.customers.to_parquet(path, index=False)
    else:
        result.customers.to_csv(path, index=False)
    profiles = sidecar(path, "_profiles.csv")
    result.profiles.to_csv(profiles, index=False)
    rules = sidecar(path, "_rules.json")
    rules.write_text(json.dumps(result.rules, ensure_ascii=False, indent=2), "utf-8")
    return [path, profiles, rules]


__all__ = [
    "Segmentation",
    "check_segments_path",
    "segment_customers",
    "sidecar",
    "write_segmentation",
]
