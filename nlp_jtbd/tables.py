"""Reading and writing the tables that stages pass on (utterances, assignments, clusters)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from nlp_jtbd.errors import InputError, UsageError

READERS = {".parquet": "parquet", ".pq": "parquet", ".csv": "csv", ".jsonl": "jsonl"}


def read_utterances(path: str | Path) -> pd.DataFrame:
    """An utterance table from `jtbd ingest`, or any CSV/JSONL/Parquet with a ``text`` column.

    Rows without an ``utterance_id`` get ``row-<n>`` (their 1-based row number).
    """
    path = _readable(path)
    kind = READERS[path.suffix.lower()]
    try:
        if kind == "parquet":
            frame = pd.read_parquet(path)
        elif kind == "csv":
            frame = pd.read_csv(path, **_CSV)
        else:
            frame = pd.read_json(path, lines=True, dtype={"utterance_id": str})
    except _READ_ERRORS as exc:
        raise _unreadable(path, exc) from exc
    if frame.empty:
        raise InputError(f"{path} has no rows", fix="ingest some transcripts or reviews first")
    return _checked(frame, path, 0, None)


def iter_utterances(path: str | Path, batch_rows: int = 50_000) -> Iterator[pd.DataFrame]:
    """The same table as :func:`read_utterances`, ``batch_rows`` rows at a time, so a table of
    millions of utterances never has to fit in memory at once. Ids are checked across batches."""
    path = _readable(path)
    kind = READERS[path.suffix.lower()]
    seen: set[str] = set()
    offset = 0
    try:
        if kind == "parquet":
            batches: Iterable[pd.DataFrame] = (
                batch.to_pandas()
                for batch in pq.ParquetFile(path).iter_batches(batch_size=batch_rows)
            )
        elif kind == "csv":
            batches = pd.read_csv(path, chunksize=batch_rows, **_CSV)
        else:
            batches = pd.read_json(
                path, lines=True, dtype={"utterance_id": str}, chunksize=batch_rows
            )
        for frame in batches:
            if frame.empty:
                continue
            yield _checked(frame, path, offset, seen)
            offset += len(frame)
    except _READ_ERRORS as exc:
        raise _unreadable(path, exc) from exc
    if offset == 0:
        raise InputError(f"{path} has no rows", fix="ingest some transcripts or reviews first")


def count_rows(path: str | Path) -> int | None:
    """Rows of a Parquet table from its footer (None for other formats: unknown until read)."""
    path = Path(path)
    if READERS.get(path.suffix.lower()) != "parquet":
        return None
    return pq.ParquetFile(path).metadata.num_rows


_CSV: dict[str, Any] = {
    "dtype": {"utterance_id": str},
    "keep_default_na": False,
    "na_values": [""],
    "encoding": "utf-8-sig",
}
_READ_ERRORS = (ValueError, OSError, UnicodeDecodeError, pd.errors.ParserError)


def _readable(path: str | Path) -> Path:
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path} does not exist", fix="check the path")
    if READERS.get(path.suffix.lower()) is None:
        raise InputError(
            f"cannot read '{path.name}': expected .parquet, .csv or .jsonl",
            fix="write the utterances to a .parquet file (write_table, or `jtbd ingest`)",
        )
    return path


def _unreadable(path: Path, exc: Exception) -> InputError:
    return InputError(
        f"cannot read {path}: {exc.__class__.__name__}: {str(exc)[:200]}",
        fix="check that the file is complete and in the format its suffix says",
    )


def _checked(frame: pd.DataFrame, path: Path, offset: int, seen: set[str] | None) -> pd.DataFrame:
    """``text`` and ``utterance_id`` present and clean; ids unique (also against ``seen``)."""
    if "text" not in frame.columns:
        raise InputError(
            f"{path} has no 'text' column",
            where="header",
            fix="rename the text column to 'text'; columns are: "
            + ", ".join(map(str, frame.columns)),
        )
    frame["text"] = frame["text"].fillna("").astype(str)
    if "utterance_id" not in frame.columns:
        numbers = range(offset + 1, offset + len(frame) + 1)
        frame.insert(0, "utterance_id", [f"row-{i}" for i in numbers])
    frame["utterance_id"] = frame["utterance_id"].astype(str)
    duplicated = frame["utterance_id"].duplicated()
    if seen is not None:
        duplicated |= frame["utterance_id"].isin(seen)
        seen.update(frame["utterance_id"])
    if duplicated.any():
        first = frame.loc[duplicated, "utterance_id"].iloc[0]
        raise InputError(
            f"{int(duplicated.sum())} utterance ids repeat (e.g. '{first}')",
            fix="ids must be unique; drop the utterance_id column to number the rows instead",
        )
    return frame


def read_table(path: str | Path) -> pd.DataFrame:
    """Any table a user hands over (customer metrics, segments, stage outputs): CSV, TSV,
    XLSX or Parquet by suffix, types inferred."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path} does not exist", fix="check the path")
    suffix = path.suffix.lower()
    try:
        if suffix in (".csv", ".tsv"):
            return pd.read_csv(path, sep="\t" if suffix == ".tsv" else ",", encoding="utf-8-sig")
        if suffix in (".xlsx", ".xls"):
            return pd.read_excel(path)
        if suffix in (".parquet", ".pq"):
            return pd.read_parquet(path)
    except (ValueError, OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise InputError(
            f"cannot read {path}: {exc.__class__.__name__}: {str(exc)[:200]}",
            fix="check that the file is complete and in the format its suffix says",
        ) from exc
    raise InputError(
        f"cannot read '{path.name}': expected .csv, .tsv, .xlsx or .parquet",
        fix="save the metrics as CSV, XLSX or Parquet",
    )


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


class TableAppender:
    """Write a table by suffix (.csv, .parquet, .jsonl) one frame at a time; the file appears
    complete on ``close()`` (written beside it, then renamed), never half-written."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.kind = table_format(self.path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.")
        os.close(fd)
        self._tmp = Path(name)
        self._parquet: pq.ParquetWriter | None = None
        self.rows = 0

    def write(self, frame: pd.DataFrame) -> None:
        if self.kind == "parquet":
            table = pa.Table.from_pandas(frame, preserve_index=False)
            if self._parquet is None:
                self._parquet = pq.ParquetWriter(self._tmp, table.schema)
            self._parquet.write_table(table.cast(self._parquet.schema))
        elif self.kind == "csv":
            frame.to_csv(self._tmp, mode="a", index=False, header=self.rows == 0)
        else:
            text = (
                frame.to_json(orient="records", lines=True, force_ascii=False) if len(frame) else ""
            )
            with self._tmp.open("a", encoding="utf-8") as out:
                out.write(text if not text or text.endswith("\n") else text + "\n")
        self.rows += len(frame)

    def close(self) -> Path:
        if self._parquet is not None:
            self._parquet.close()
        self._tmp.replace(self.path)
        return self.path

    def abort(self) -> None:
        if self._parquet is not None:
            self._parquet.close()
        self._tmp.unlink(missing_ok=True)


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
