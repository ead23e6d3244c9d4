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

from nlp_jtbd.analysis.evidence import label_utterances
from nlp_jtbd.analysis.folder import AnalysisFolder
from nlp_jtbd.errors import InputError
from nlp_jtbd.tables import neutralise_formulas

# The tables exported, in this order; the utterances carry their cluster and category.
TABLES = ("utterances", "clusters", "segments", "segments_profiles", "findings")
_UTTERANCE_COLUMNS = (
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


def analysis_tables(analysis_dir: str | Path) -> dict[str, pd.DataFrame]:
    """The tables people want from an analysis; utterances carry their cluster and category."""
    folder = AnalysisFolder(analysis_dir)
    utterances = folder.read("utterances")
    if utterances is None:
        raise InputError(
            f"{folder.root} is not an analysis folder (no {folder.path('utterances').name})",
            fix="run `jtbd analyze INPUT... --out DIR` first, and export DIR",
        )
    keep = [c for c in _UTTERANCE_COLUMNS if c in utterances.columns]
    clusters = folder.read("clusters")
    labelled = label_utterances(
        utterances[keep], folder.read("assignments"), clusters, folder.read("predictions")
    )
    tables = {"utterances": labelled}
    for name in TABLES[1:]:
        frame = clusters if name == "clusters" else folder.read(name)
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
