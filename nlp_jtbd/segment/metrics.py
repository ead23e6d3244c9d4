"""Reading and checking a customer metrics table (one row per customer)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from nlp_jtbd.errors import InputError, UsageError

_SHOWN = 8


def parse_weights(spec: str) -> dict[str, float]:
    """``ltv=3,avg_check=2,cac=-1`` → ``{"ltv": 3.0, "avg_check": 2.0, "cac": -1.0}``."""
    weights: dict[str, float] = {}
    for part in (p.strip() for p in spec.split(",")):
        if not part:
            continue
        name, sep, value = part.partition("=")
        try:
            number = float(value)
        except ValueError:
            number = float("nan")
        if not sep or not name.strip() or not np.isfinite(number):
            raise UsageError(
                f"cannot read the weight '{part}'",
                fix="write weights as column=number pairs, e.g. `weights=ltv=3,avg_check=2,cac=-1`",
            )
        if number == 0:
            raise UsageError(
                f"the weight of '{name.strip()}' is 0", fix="drop it or give it a weight"
            )
        weights[name.strip()] = number
    if not weights:
        raise UsageError("no weights given", fix="e.g. `weights=ltv=3,avg_check=2,cac=-1`")
    return weights


def _rows(frame: pd.DataFrame, mask: pd.Series, id_col: str) -> str:
    shown = [f"row {i + 2} ({frame.at[i, id_col]})" for i in frame.index[mask][:_SHOWN]]
    more = f" and {int(mask.sum()) - _SHOWN} more" if mask.sum() > _SHOWN else ""
    return ", ".join(shown) + more


def check_metrics(
    frame: pd.DataFrame, id_col: str, columns: list[str], source: str, min_rows: int
) -> pd.DataFrame:
    """The id and numeric metric columns, validated; row numbers in errors are file lines."""
    frame = frame.reset_index(drop=True)
    missing = [c for c in [id_col, *columns] if c not in frame.columns]
    if missing:
        raise InputError(
            f"{source} has no column {', '.join(repr(c) for c in missing)}",
            where="header",
            fix="columns are: "
            + ", ".join(map(str, frame.columns))
            + ("; name the id column with `id_col`" if id_col in missing else ""),
        )
    ids = frame[id_col]
    blank = ids.isna() | (ids.astype(str).str.strip() == "")
    if blank.any():
        raise InputError(
            f"{int(blank.sum())} customers have no id in '{id_col}' ("
            + ", ".join(f"row {i + 2}" for i in frame.index[blank][:_SHOWN])
            + ")",
            where=source,
            fix="fill in the customer ids or remove those rows",
        )
    frame[id_col] = ids.astype(str).str.strip()
    duplicated = frame[id_col].duplicated(keep=False)
    if duplicated.any():
        groups = frame.index[duplicated].groupby(frame.loc[duplicated, id_col])
        listed = [
            f"{name} (rows {', '.join(str(i + 2) for i in rows)})"
            for name, rows in sorted(groups.items(), key=lambda kv: kv[1][0])
        ]
        more = f" and {len(listed) - _SHOWN} more" if len(listed) > _SHOWN else ""
        raise InputError(
            f"{len(listed)} customer ids repeat: {', '.join(listed[:_SHOWN])}{more}",
            where=source,
            fix="one row per customer: aggregate repeated customers first",
        )
    for column in columns:
        values = pd.to_numeric(frame[column], errors="coerce")
        bad = values.isna() & frame[column].notna() & (frame[column].astype(str).str.strip() != "")
        if bad.any():
            example = frame.loc[bad, column].iloc[0]
            raise InputError(
                f"column '{column}' is not numeric: {_rows(frame, bad, id_col)}, e.g. '{example}'",
                where=source,
                fix="use plain numbers (no currency signs or thousands separators)",
            )
        empty = values.isna()
        if empty.any():
            raise InputError(
                f"column '{column}' is empty for {_rows(frame, empty, id_col)}",
                where=source,
                fix="fill in the values, or drop those customers",
            )
        if values.nunique() < 2:
            raise InputError(
                f"column '{column}' has the same value ({values.iloc[0]}) for every customer",
                where=source,
                fix="a constant parameter cannot separate segments: drop it from `weights`",
            )
        frame[column] = values.astype(float)
    if len(frame) < min_rows:
        raise InputError(
            f"{len(frame)} customers are too few for this segmentation (at least {min_rows})",
            where=source,
            fix="add customers, or lower `n_clusters`",
        )
    return frame
