"""Describing segments: size, share, medians of every parameter, market mix, a short text."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

MARKET_COLUMNS = ("industry", "company_size", "business_model", "region", "country")
_ORDER = "ABCDEFGHIJKLMNOPQRSTUVWYZX"


def segment_order(names: list[str]) -> list[str]:
    """A, B, C, D, then X last (its own kind of segment)."""
    return sorted(set(names), key=lambda n: (_ORDER.index(n) if n in _ORDER else 99, n))


def _fmt(value: float) -> str:
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def profile_segments(
    customers: pd.DataFrame,
    segments: pd.Series,
    metric_cols: list[str],
    market_cols: list[str],
    value_score: pd.Series,
    min_share: float,
) -> pd.DataFrame:
    """One row per segment: ``segment, size, share, too_small, value_score, median_<metric>…,
    <market>_mix`` (JSON of shares) and ``description``."""
    rows = []
    overall = {c: float(customers[c].median()) for c in metric_cols}
    for name in segment_order(list(segments)):
        members = customers[segments.to_numpy() == name]
        share = len(members) / len(customers)
        row: dict[str, object] = {
            "segment": name,
            "size": len(members),
            "share": round(share, 4),
            "too_small": share < min_share,
            "value_score": round(float(value_score[segments.to_numpy() == name].mean()), 3),
        }
        for column in metric_cols:
            row[f"median_{column}"] = float(members[column].median())
        mixes = {}
        for column in market_cols:
            mix = members[column].astype(str).value_counts(normalize=True).round(3)
            mixes[column] = mix
            row[f"{column}_mix"] = json.dumps(mix.to_dict(), ensure_ascii=False)
        row["description"] = _describe(name, row, overall, metric_cols, mixes)
        rows.append(row)
    return pd.DataFrame(rows)


def _describe(
    name: str,
    row: dict[str, object],
    overall: dict[str, float],
    metric_cols: list[str],
    mixes: dict[str, pd.Series],
) -> str:
    parts = [f"Segment {name}: {row['size']} customers ({float(row['share']):.0%})"]
    contrasts = []
    for column in metric_cols:
        median, base = float(row[f"median_{column}"]), overall[column]
        if base > 0 and median > 0:
            ratio = median / base
            if ratio >= 1.5 or ratio <= 1 / 1.5:
                contrasts.append(
                    (
                        abs(np.log(ratio)),
                        f"median {column} {_fmt(median)} ({ratio:.2g}× the overall median)",
                    )
                )
    contrasts.sort(reverse=True)
    if contrasts:
        parts.append("; ".join(text for _, text in contrasts[:3]))
    else:
        parts.append("medians close to the overall ones")
    for column, mix in mixes.items():
        if len(mix) and mix.iloc[0] >= 0.4:
            parts.append(f"mostly {column.replace('_', ' ')} {mix.index[0]} ({mix.iloc[0]:.0%})")
    if row["too_small"]:
        parts.append("too small to act on")
    return "; ".join(parts) + "."
