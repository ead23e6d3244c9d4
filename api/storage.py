"""Turning uploads into stored documents and utterances, and stored rows back into tables."""

from __future__ import annotations

import math
import re
import tempfile
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.db import Document, Utterance
from nlp_jtbd.ingest import IngestOptions, Ingestor

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_filename(name: str | None) -> str:
    """A file name that cannot escape a folder or surprise a shell: ASCII, no separators."""
    base = unicodedata.normalize("NFKD", (name or "upload").replace("\\", "/").split("/")[-1])
    base = _UNSAFE.sub("_", base.encode("ascii", "ignore").decode()).strip("._") or "upload"
    stem, dot, suffix = base.rpartition(".")
    return (f"{stem[:100]}.{suffix[:10]}" if dot and stem else base[:110]).lower()


def jsonable(value: object) -> object:
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        return None if math.isnan(float(value)) else float(value)
    if isinstance(value, (np.bool_,)):
        return bool(value)
    if value is pd.NA or value is pd.NaT:
        return None
    return value


def records(frame: pd.DataFrame) -> list[dict[str, object]]:
    return [
        {k: jsonable(v) for k, v in row.items()}
        for row in frame.astype(object).where(frame.notna(), None).to_dict("records")
    ]


def ingest_upload(filename: str, content: bytes) -> tuple[pd.DataFrame, list[str]]:
    """Ingest one uploaded file in a private temporary folder; (utterances, problems)."""
    with tempfile.TemporaryDirectory(prefix="jtbd-upload-") as folder:
        path = Path(folder) / safe_filename(filename)
        path.write_bytes(content)
        ingestor = Ingestor(IngestOptions())
        frame = ingestor.ingest([path])
        problems = [p.render().replace(str(path), filename) for p in ingestor.report_.problems]
    return frame, problems


def store_utterances(
    session: Session, project_id: str, document: Document, frame: pd.DataFrame
) -> None:
    for row in records(frame):
        row["source_path"] = document.filename
        session.add(
            Utterance(
                project_id=project_id,
                document_id=document.id,
                utterance_id=str(row["utterance_id"]),
                text=str(row["text"]),
                role=row.get("role"),
                lang=row.get("lang"),
                speaker=row.get("speaker"),
                customer_id=None if row.get("customer_id") is None else str(row["customer_id"]),
                row=row,
            )
        )


def project_utterances(session: Session, project_id: str) -> pd.DataFrame:
    rows = session.scalars(
        select(Utterance.row).where(Utterance.project_id == project_id).order_by(Utterance.pk)
    ).all()
    return pd.DataFrame(list(rows))


def project_metrics(session: Session, project_id: str) -> Document | None:
    return session.scalars(
        select(Document)
        .where(Document.project_id == project_id, Document.kind == "metrics")
        .order_by(Document.created.desc())
    ).first()
