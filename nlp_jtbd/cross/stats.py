"""Association statistics for segment × item tables, one 2×2 table per cell.

The unit is the customer: a customer either mentions an item (has at least one utterance in a
cluster, coded with a category, or belongs to a JTBD segment) or not, so a talkative customer
counts once. For segment ``s`` and item ``i`` with ``n`` customers:

    a = in s and mention i    b = in s, not i    c = not in s, mention i    d = neither
    row share = a / (a + b)   column share = a / (a + c)   lift = row share / ((a + c) / n)
    expected = (a + b)(a + c) / n
    adjusted standardised residual = (a − expected) / sqrt(expected · (1 − (a+b)/n) · (1 − (a+c)/n))

p-value: Fisher's exact test (two-sided) when any expected count of the 2×2 table is below 5,
Pearson's chi-square (1 df, no continuity correction) otherwise. q-values: Benjamini–Hochberg
over all cells of the table.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import chi2, fisher_exact


def benjamini_hochberg(p_values: np.ndarray) -> np.ndarray:
    """BH-adjusted q-values (monotone, capped at 1), in the input order."""
    p = np.asarray(p_values, dtype=float)
    if p.size == 0:
        return p
    order = np.argsort(p)
    ranked = p[order] * len(p) / np.arange(1, len(p) + 1)
    q = np.minimum.accumulate(ranked[::-1])[::-1]
    out = np.empty_like(q)
    out[order] = np.minimum(q, 1.0)
    return out


def two_by_two(a: int, b: int, c: int, d: int) -> dict[str, float | str]:
    """Shares, lift, residual and the test for one cell."""
    n = a + b + c + d
    row, col = a + b, a + c
    expected = row * col / n if n else 0.0
    row_share = a / row if row else 0.0
    overall = col / n if n else 0.0
    lift = row_share / overall if overall else float("nan")
    denominator = expected * (1 - row / n) * (1 - col / n) if n else 0.0
    residual = (a - expected) / np.sqrt(denominator) if denominator > 0 else 0.0
    cells_expected = (
        [row * col / n, row * (n - col) / n, (n - row) * col / n, (n - row) * (n - col) / n]
        if n
        else [0.0]
    )
    if denominator <= 0:
        p_value, test = 1.0, "none"
    elif min(cells_expected) < 5:
        p_value, test = float(fisher_exact([[a, b], [c, d]])[1]), "fisher"
    else:
        p_value, test = float(chi2.sf(residual**2, 1)), "chi2"
    return {
        "row_share": row_share,
        "col_share": a / col if col else 0.0,
        "expected": expected,
        "lift": lift,
        "adj_residual": float(residual),
        "p_value": p_value,
        "test": test,
    }


def cross_table(segments: pd.Series, mentions: pd.DataFrame, dimension: str) -> pd.DataFrame:
    """All segment × item cells.

    ``segments``: customer id → segment. ``mentions``: columns ``customer_id, item`` (one row
    per customer and item; duplicates are ignored). Customers without a segment are left out.
    """
    mentions = mentions.drop_duplicates(["customer_id", "item"])
    mentions = mentions[mentions["customer_id"].isin(segments.index)]
    n = len(segments)
    sizes = segments.value_counts()
    rows = []
    by_item = mentions.groupby("item")["customer_id"].apply(set)
    for item, who in by_item.items():
        seg_of = segments.loc[list(who)]
        for segment, size in sizes.items():
            a = int((seg_of == segment).sum())
            b = int(size - a)
            c = int(len(who) - a)
            d = int(n - a - b - c)
            rows.append(
                {
                    "dimension": dimension,
                    "segment": segment,
                    "item": item,
                    "count": a,
                    "segment_size": int(size),
                    "item_customers": len(who),
                    **two_by_two(a, b, c, d),
                }
            )
    table = pd.DataFrame(rows)
    if table.empty:
        return table
    table["q_value"] = benjamini_hochberg(table["p_value"].to_numpy())
    return table
