"""Streaming output of utterance chunks to Parquet, CSV or JSONL.

Chunks are spooled to temporary Parquet parts first, because metadata columns differ between
files and are only all known at the end; the final file is then written part by part, so
memory stays bounded by one chunk. The output appears atomically (temp file + rename).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from nlp_jtbd.ingest.assemble import CORE_COLUMNS
from nlp_jtbd.tables import table_format

_TYPES: dict[str, pa.DataType] = {
    "turn_index": pa.int32(),
    "sentence_index": pa.int32(),
    "start_s": pa.float64(),
    "end_s": pa.float64(),
    "char_start": pa.int64(),
    "char_end": pa.int64(),
}


def _field(name: str) -> pa.Field:
    return pa.field(name, _TYPES.get(name, pa.string()))


class UtteranceWriter:
    """Collect utterance chunks and write them to ``path`` on ``close()``."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.format = table_format(self.path)
        self._tmp = Path(tempfile.mkdtemp(prefix="jtbd-ingest-"))
        self._parts: list[Path] = []
        self._columns: dict[str, None] = dict.fromkeys(CORE_COLUMNS)
        self.rows = 0

    def write(self, rows: list[dict[str, object]]) -> None:
        if not rows:
            return
        names: dict[str, None] = dict.fromkeys(CORE_COLUMNS)
        for row in rows:
            names.update(dict.fromkeys(row))
        self._columns.update(names)
        schema = pa.schema([_field(n) for n in names])
        columns = {n: [row.get(n) for row in rows] for n in names}
        table = pa.Table.from_pydict(columns, schema=schema)
        part = self._tmp / f"part-{len(self._parts):05d}.parquet"
        pq.write_table(table, part)
        self._parts.append(part)
        self.rows += len(rows)

    def close(self) -> Path:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            schema = pa.schema([_field(n) for n in self._columns])
            fd, tmp_name = tempfile.mkstemp(
                dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".tmp"
            )
            os.close(fd)
            tmp = Path(tmp_name)
            try:
                self._finalise(tmp, schema)
                tmp.replace(self.path)
            finally:
                tmp.unlink(missing_ok=True)
        finally:
            shutil.rmtree(self._tmp, ignore_errors=True)
        return self.path

    def _finalise(self, tmp: Path, schema: pa.Schema) -> None:
        if self.format == "parquet":
            with pq.ParquetWriter(tmp, schema) as out:
                for table in self._tables(schema):
                    out.write_table(table)
            return
        with tmp.open("w", encoding="utf-8", newline="") as out:
            first = True
            for table in self._tables(schema):
                frame = table.to_pandas()
                if self.format == "csv":
                    frame.to_csv(out, index=False, header=first)
                else:
                    frame.to_json(out, orient="records", lines=True, force_ascii=False)
                first = False
            if first and self.format == "csv":
                pd.DataFrame(columns=schema.names).to_csv(out, index=False)

    def _tables(self, schema: pa.Schema) -> Iterator[pa.Table]:
        if not self._parts:
            yield pa.Table.from_pylist([], schema=schema)
            return
        for part in self._parts:
            table = pq.read_table(part)
            arrays = [
                table.column(n)
                if n in table.column_names
                else pa.nulls(len(table), schema.field(n).type)
                for n in schema.names
            ]
            yield pa.Table.from_arrays(arrays, schema=schema)

    def abort(self) -> None:
        shutil.rmtree(self._tmp, ignore_errors=True)
