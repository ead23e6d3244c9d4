"""Tabular exports of an analysis: CSV, XLSX, Parquet and JSON, safe to open in a spreadsheet.

Untrusted review text can start with ``=``, ``+``, ``-`` or ``@``, which a spreadsheet runs as a
formula (``=HYPERLINK(…)``). CSV cells like that get a leading apostrophe; XLSX cells are written
as explicit text cells, which spreadsheets never evaluate.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from nlp_jtbd.errors import InputError
from nlp_jtbd.tables import neutralise_formulas

TABLES = ("utterances", "clusters", "segments", "segments_profiles", "findings")


def _read(path: Path) -> pd.DataFrame | None:
    if not path.exists():
        return None
    if path.suffix == ".parquet":
        return pd.read_parquet(path)
    return pd.read_csv(path, keep_default_na=False, na_values=[""])


def analysis_tables(analysis_dir: str | Path) -> dict[str, pd.DataFrame]:
    """The tables people want from an analysis; utterances carry their cluster and category."""
    folder = Path(analysis_dir)
    utterances = _read(folder / "utterances.parquet")
    if utterances is None:
        raise InputError(
            f"{folder} is not an analysis folder (no utterances.parquet)",
            fix="run `jtbd analyze INPUT... --out DIR` first, and export DIR",
        )
    keep = [
        c
        for c in (
            "utterance_id",
            "doc_id",
            "customer_id",
            "source_type",
            "speaker",
            "role",
            "turn_index",
            "sentence_index",
            "lang",
            "start_s",
            "end_s",
            "text",
        )
        if c in utterances.columns
    ]
    table = utterances[keep].copy()
    assignments = _read(folder / "assignments.csv")
    if assignments is not None:
        part = assignments[["utterance_id", "cluster_id", "confidence", "is_outlier"]].rename(
            columns={"confidence": "cluster_confidence"}
        )
        table = table.merge(part, on="utterance_id", how="left")
        clusters = _read(folder / "clusters.csv")
        if clusters is not None:
            table["cluster_label"] = table["cluster_id"].map(
                clusters.set_index("cluster_id")["label"]
            )
    predictions = _read(folder / "predictions.csv")
    if predictions is not None:
        part = predictions[["utterance_id", "label", "confidence"]].rename(
            columns={"label": "category", "confidence": "category_confidence"}
        )
        table = table.merge(part, on="utterance_id", how="left")
    tables = {"utterances": table}
    for name in TABLES[1:]:
        frame = _read(folder / f"{name}.csv")
        if frame is not None:
            tables[name] = frame
    return tables


def _one_file_per_table(
    tables: dict[str, pd.DataFrame],
    out: Path,
    suffix: str,
    write: Callable[[pd.DataFrame, Path], None],
) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in tables.items():
        path = out / f"{name}{suffix}"
        write(frame, path)
        written.append(path)
    return written


def write_csv(tables: dict[str, pd.DataFrame], out: Path) -> list[Path]:
    return _one_file_per_table(
        tables,
        out,
        ".csv",
        lambda frame, path: neutralise_formulas(frame).to_csv(path, index=False),
    )


def write_parquet(tables: dict[str, pd.DataFrame], out: Path) -> list[Path]:
    return _one_file_per_table(
        tables, out, ".parquet", lambda frame, path: frame.to_parquet(path, index=False)
    )


def write_json(tables: dict[str, pd.DataFrame], out: Path) -> list[Path]:
    out.parent.mkdir(parents=True, exist_ok=True)
    data = {
        name: json.loads(frame.to_json(orient="records", force_ascii=False))
        for name, frame in tables.items()
    }
    out.write_text(json.dumps(data, ensure_ascii=False, indent=1), "utf-8")
    return [out]


def write_xlsx(tables: dict[str, pd.DataFrame], out: Path) -> list[Path]:
    """One sheet per table; every text cell is an explicit string (never a formula)."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import TYPE_STRING

    out.parent.mkdir(parents=True, exist_ok=True)
    book = Workbook(write_only=False)
    book.remove(book.active)
    for name, frame in tables.items():
        sheet = book.create_sheet(name[:31])
        sheet.append([str(c) for c in frame.columns])
        for row in frame.itertuples(index=False):
            sheet.append([None if pd.isna(v) else v for v in row])
        for cells in sheet.iter_rows(min_row=2):
            for cell in cells:
                if cell.data_type == "f":  # openpyxl reads a leading "=" as a formula
                    cell.data_type = TYPE_STRING
        sheet.freeze_panes = "A2"
    book.save(out)
    return [out]


WRITERS = {"csv": write_csv, "parquet": write_parquet, "json": write_json, "xlsx": write_xlsx}
