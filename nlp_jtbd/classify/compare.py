"""Comparing two codings of the same utterances (two coders, or a coder and the model)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from nlp_jtbd.classify.metrics import agreement
from nlp_jtbd.codebook import Codebook
from nlp_jtbd.codebook.examples import normalise_label
from nlp_jtbd.errors import InputError, UsageError

ID_CANDIDATES = ("example_id", "utterance_id", "id")


def read_coding(path: str | Path, id_col: str | None = None) -> pd.DataFrame:
    """A coding file (CSV, JSONL or Parquet) as ``id, label`` text columns; ``id_col`` names
    the id column (default: the first of example_id, utterance_id, id)."""
    from nlp_jtbd.tables import READERS

    path = Path(path)
    if not path.exists():
        raise InputError(f"{path} does not exist", fix="check the path")
    kind = READERS.get(path.suffix.lower())
    if kind is None:
        raise InputError(f"cannot read {path.name}", fix="use .csv, .jsonl or .parquet")
    frame = (
        pd.read_csv(path, dtype=str, keep_default_na=False)
        if kind == "csv"
        else pd.read_parquet(path)
        if kind == "parquet"
        else pd.read_json(path, lines=True)
    )
    candidates = [id_col] if id_col else list(ID_CANDIDATES)
    key = next((c for c in candidates if c in frame.columns), None)
    if key is None or "label" not in frame.columns:
        raise InputError(
            f"{path} needs an id column ({' or '.join(candidates)}) and a 'label' column",
            where="header",
            fix="name the id column with `id_col`; columns are: "
            + ", ".join(map(str, frame.columns)),
        )
    duplicated = frame[key].duplicated()
    if duplicated.any():
        raise UsageError(
            f"{path}: id '{frame.loc[duplicated, key].iloc[0]}' repeats",
            fix="each coded utterance must appear once",
        )
    return frame[[key, "label"]].rename(columns={key: "id"}).astype(str)


def compare_codings(
    first: pd.DataFrame,
    second: pd.DataFrame,
    book: Codebook,
    names: tuple[str, str] = ("A", "B"),
) -> dict[str, object]:
    """Cohen's kappa and Krippendorff's alpha of two ``id, label`` codings, overall and per
    label, with the number of ids each has that the other lacks (``unpaired``)."""
    merged = first.merge(second, on="id", suffixes=("_a", "_b"))
    if merged.empty:
        raise InputError(
            f"no ids in common between {names[0]} and {names[1]}",
            fix="both codings need the same ids in the id column",
        )
    for side, name in zip("ab", names, strict=True):
        labels = merged[f"label_{side}"].map(normalise_label)
        unknown = sorted(set(labels) - set(book.names))
        if unknown:
            raise InputError(
                f"coding {side.upper()} uses labels not in {book.ref}: {', '.join(unknown)}",
                where=name,
                fix=f"use one of {', '.join(book.names)}, or the right `codebook`",
            )
        merged[f"label_{side}"] = labels
    result = agreement(merged["label_a"], merged["label_b"], book.names)
    result["unpaired"] = {
        names[0]: int(len(first) - len(merged)),
        names[1]: int(len(second) - len(merged)),
    }
    return {"codebook": book.ref, **result}


__all__ = ["compare_codings", "read_coding"]
