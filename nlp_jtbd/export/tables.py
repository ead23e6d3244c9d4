"""Tabular exports of an analysis: CSV, XLSX, Parquet and JSON, safe to open in a spreadsheet.

The utterances table is the one people read: each utterance with where it is (document, file,
line or cue, time), who said it, the interviewer's question before it, its category (with
confidence, the unsure flag and the coder), its job candidate and its theme; ids come last.
Every other result table of the analysis follows, one file (or sheet) each. Whole numbers are
integers and flags booleans, also where a stage wrote them as floats.

Untrusted review text can start with ``=``, ``+``, ``-`` or ``@``, which a spreadsheet runs as a
formula (``=HYPERLINK(…)``). CSV cells like that get a leading apostrophe; XLSX cells are written
as explicit text cells, which spreadsheets never evaluate (see :mod:`nlp_jtbd.export.xlsx`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from nlp_jtbd.analysis.evidence import label_utterances
from nlp_jtbd.analysis.folder import TABLES as FOLDER_TABLES
from nlp_jtbd.analysis.folder import AnalysisFolder
from nlp_jtbd.errors import InputError
from nlp_jtbd.tables import neutralise_formulas

# The result tables after the utterances, in this order when present (then any other).
TABLES = ("utterances", "clusters", "candidates", "segments", "segments_profiles", "findings")
# Tables already joined into the utterances sheet (or only for machines).
_JOINED = {"utterances", "assignments", "predictions", "map", "representatives"}
# The utterances sheet: what people read first, ids and positions last.
UTTERANCE_COLUMNS = (
    "text",
    "speaker",
    "role",
    "document",
    "file",
    "location",
    "time",
    "question",
    "category",
    "category_confidence",
    "category_unsure",
    "category_coder",
    "candidate_id",
    "candidate",
    "cluster_id",
    "cluster_label",
    "cluster_confidence",
    "is_outlier",
    "customer_id",
    "source_type",
    "lang",
    "turn_index",
    "sentence_index",
    "start_s",
    "end_s",
    "utterance_id",
)


# Float columns that stay floats even when every value is whole (a confidence of 1.0).
_MEASURES = ("confidence", "score", "share", "lift", "p_value", "q_value", "rate", "_s", "ratio")


def _clock(seconds: object) -> str | None:
    """``m:ss`` (or ``h:mm:ss``) of a time in seconds; None without one."""
    if seconds is None or pd.isna(seconds):
        return None
    total = int(float(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Whole-number float columns as integers, ``True``/``False`` columns as booleans (with
    missing values kept missing)."""
    frame = frame.copy()
    for name in frame.columns:
        column = frame[name]
        values = column.dropna()
        if values.empty:
            continue
        if pd.api.types.is_bool_dtype(column):
            continue
        measured = any(part in str(name) for part in _MEASURES)
        if pd.api.types.is_float_dtype(column) and not measured and (values % 1 == 0).all():
            frame[name] = column.astype("Int64")
        elif not pd.api.types.is_numeric_dtype(column):
            text = values.astype(str).str.lower()
            if text.isin({"true", "false"}).all():
                frame[name] = column.map(
                    lambda v: pd.NA if pd.isna(v) else str(v).lower() == "true"
                ).astype("boolean")
    return frame


def readable_utterances(folder: AnalysisFolder, utterances: pd.DataFrame) -> pd.DataFrame:
    """The utterances sheet (see :data:`UTTERANCE_COLUMNS`): utterances joined with their theme,
    category and candidate, their place in the source and the interviewer's question."""
    from nlp_jtbd.classify.context import interview_context

    clusters = folder.read("clusters")
    frame = label_utterances(
        utterances, folder.read("assignments"), clusters, folder.read("predictions")
    )
    frame["document"] = frame.get("doc_id")
    if "source_path" in frame:
        frame["file"] = frame["source_path"].map(
            lambda p: None if pd.isna(p) or not str(p) else Path(str(p)).name
        )
    if "source_loc" in frame:
        frame["location"] = frame["source_loc"]
    if "start_s" in frame:
        frame["time"] = frame["start_s"].map(_clock)
    question = pd.Series(interview_context(frame.drop(columns="context", errors="ignore")))
    frame["question"] = question.replace("", None).to_numpy()
    candidates = folder.read("candidates") if "candidates" in FOLDER_TABLES else None
    if candidates is not None and "candidate_id" in frame and "name" in candidates:
        names = candidates.drop_duplicates("candidate_id").set_index("candidate_id")["name"]
        frame["candidate"] = frame["candidate_id"].map(names)
    for column in ("category_confidence", "cluster_confidence"):
        if column in frame:
            frame[column] = pd.to_numeric(frame[column], errors="coerce").round(3)
    keep = [c for c in UTTERANCE_COLUMNS if c in frame.columns and frame[c].notna().any()]
    return typed(frame[keep])


def analysis_tables(analysis_dir: str | Path) -> dict[str, pd.DataFrame]:
    """The tables people want from an analysis: the readable utterances first, then every
    other result table present (clusters, candidates, segments, findings, crossings…)."""
    folder = AnalysisFolder(analysis_dir)
    utterances = folder.read("utterances")
    if utterances is None:
        raise InputError(
            f"{folder.root} is not an analysis folder (no {folder.path('utterances').name})",
            fix="run `jtbd analyze INPUT... --out DIR` first, and export DIR",
        )
    tables = {"utterances": readable_utterances(folder, utterances)}
    names = [*TABLES[1:], *(n for n in FOLDER_TABLES if n not in TABLES and n not in _JOINED)]
    for name in names:
        if name not in FOLDER_TABLES:
            continue
        frame = folder.read(name)
        if frame is not None:
            tables[name] = typed(frame)
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
    """One sheet per table, laid out for reading (see :mod:`nlp_jtbd.export.xlsx`)."""
    from nlp_jtbd.export.xlsx import write_workbook

    return [write_workbook(tables, out)]


WRITERS = {"csv": write_csv, "parquet": write_parquet, "json": write_json, "xlsx": write_xlsx}
