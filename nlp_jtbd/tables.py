"""Reading and writing the tables that stages pass on (utterances, assignments, clusters)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from nlp_jtbd.errors import InputError, UsageError

READERS = {".parquet": "parquet", ".pq": "parquet", ".csv": "csv", ".jsonl": "jsonl"}


def read_utterances(path: str | Path) -> pd.DataFrame:
    """An utterance table from `jtbd ingest`, or any CSV/JSONL/Parquet with a ``text`` column.

    Rows without an ``utterance_id`` get ``row-<n>`` (their 1-based row number).
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path} does not exist", fix="check the path")
    kind = READERS.get(path.suffix.lower())
    if kind is None:
        raise InputError(
            f"cannot read '{path.name}': expected .parquet, .csv or .jsonl",
            fix="write the utterances with `jtbd ingest ... --out FILE.parquet`",
        )
    try:
        if kind == "parquet":
            frame = pd.read_parquet(path)
        elif kind == "csv":
            frame = pd.read_csv(
                path,
                dtype={"utterance_id": str},
                keep_default_na=False,
                na_values=[""],
                encoding="utf-8-sig",
            )
        else:
            frame = pd.read_json(path, lines=True, dtype={"utterance_id": str})
    except (ValueError, OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise InputError(
            f"cannot read {path}: {exc.__class__.__name__}: {str(exc)[:200]}",
            fix="check that the file is complete and in the format its suffix says",
        ) from exc
    if frame.empty:
        raise InputError(f"{path} has no rows", fix="ingest some transcripts or reviews first")
    if "text" not in frame.columns:
        raise InputError(
            f"{path} has no 'text' column",
            where="header",
            fix="rename the text column to 'text'; columns are: "
            + ", ".join(map(str, frame.columns)),
        )
    frame["text"] = frame["text"].fillna("").astype(str)
    if "utterance_id" not in frame.columns:
        frame.insert(0, "utterance_id", [f"row-{i + 1}" for i in range(len(frame))])
    frame["utterance_id"] = frame["utterance_id"].astype(str)
    duplicated = frame["utterance_id"].duplicated()
    if duplicated.any():
        first = frame.loc[duplicated, "utterance_id"].iloc[0]
        raise InputError(
            f"{int(duplicated.sum())} utterance ids repeat (e.g. '{first}')",
            fix="ids must be unique; drop the utterance_id column to number the rows instead",
        )
    return frame


def table_format(path: str | Path) -> str:
    """``parquet``, ``csv`` or ``jsonl`` from the file name; check it before doing the work."""
    kind = READERS.get(Path(path).suffix.lower())
    if kind is None:
        raise UsageError(
            f"cannot tell the output format from '{Path(path).name}'",
            fix="end the file name with .parquet, .csv or .jsonl",
        )
    return kind


def write_table(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write by suffix: .csv, .parquet or .jsonl."""
    path = Path(path)
    kind = table_format(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "parquet":
        frame.to_parquet(path, index=False)
    elif kind == "csv":
        frame.to_csv(path, index=False)
    else:
        frame.to_json(path, orient="records", lines=True, force_ascii=False)
    return path


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells that a spreadsheet would run as a formula (``=HYPERLINK(…)`` in a review)
    get a leading apostrophe; numbers are left alone."""
    frame = frame.copy()
    for column in frame.columns:
        if frame[column].dtype == object or pd.api.types.is_string_dtype(frame[column]):
            frame[column] = frame[column].map(
                lambda v: "'" + v if isinstance(v, str) and v.startswith(_FORMULA_START) else v
            )
    return frame
