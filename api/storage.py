"""Uploads into tables and back, without the database: safe file names, size limits, per-file
metadata manifests, ingestion of one upload, and frames as JSON rows."""

from __future__ import annotations

import math
import re
import tempfile
import unicodedata
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd
from fastapi import UploadFile

from api.problems import Problem
from nlp_jtbd.errors import JTBDError
from nlp_jtbd.ingest import IngestOptions, Ingestor
from nlp_jtbd.ingest.metadata import load_manifest

_UNSAFE = re.compile(r"[^\w.-]+")  # \w: letters and digits of every script, and _
MANIFEST = "manifest.csv"


def _cut(text: str, max_bytes: int) -> str:
    """``text`` cut to at most ``max_bytes`` of UTF-8, at a character boundary."""
    return text.encode("utf-8")[:max_bytes].decode("utf-8", "ignore")


def safe_filename(name: str | None) -> str:
    """A file name that cannot escape a folder or surprise a shell: the last path part,
    letters and digits of any script, ``.``, ``-`` and ``_`` (anything else, spaces included,
    becomes ``_``), lower case, its suffix kept, at most 170 bytes of UTF-8."""
    base = unicodedata.normalize("NFKC", (name or "upload").replace("\\", "/").split("/")[-1])
    base = _UNSAFE.sub("_", base).strip(".") or "upload"
    stem, dot, suffix = base.rpartition(".")
    if dot and suffix.strip("_"):
        stem = stem.strip("._") or "upload"
        return f"{_cut(stem, 150)}.{_cut(suffix, 16)}".lower()
    return _cut(base, 160).lower()


async def read_limited(upload: UploadFile, limit: int) -> bytes:
    """The upload's bytes; 413 when it is larger than ``limit``."""
    content = await upload.read(limit + 1)
    if len(content) > limit:
        raise Problem(
            413,
            "Payload too large",
            f"'{upload.filename}' is larger than {limit / 1e6:g} MB",
            "split the file, or raise JTBD_MAX_UPLOAD_MB",
        )
    return content


# -- rows -------------------------------------------------------------------------------------
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
    """The rows of ``frame`` as JSON objects (missing values are null)."""
    return [
        {k: jsonable(v) for k, v in row.items()}
        for row in frame.astype(object).where(frame.notna(), None).to_dict("records")
    ]


# -- per-file metadata ------------------------------------------------------------------------
def write_manifest(rows: Iterable[tuple[str, Mapping[str, str]]], path: Path) -> Path:
    """A manifest as the ingestion reads it: a ``path`` column, then one column per key."""
    table = [{"path": name, **meta} for name, meta in rows]
    columns = ["path", *dict.fromkeys(k for row in table for k in row if k != "path")]
    pd.DataFrame(table, columns=columns, dtype=object).to_csv(path, index=False)
    return path


def read_manifest(name: str, content: bytes) -> dict[str, dict[str, str]]:
    """An uploaded manifest (CSV with a ``path`` or ``file`` column): metadata by file name."""
    with tempfile.TemporaryDirectory(prefix="jtbd-meta-") as folder:
        path = Path(folder) / safe_filename(name)
        path.write_bytes(content)
        try:
            return load_manifest(path)
        except JTBDError as exc:
            raise renamed(exc, {str(path): name}) from exc


class ManifestMatch:
    """Finds each uploaded file's row of a manifest by the names ``Ingestor`` matches on (the
    path as given, the file name, the stem), on both sides also after :func:`safe_filename`."""

    def __init__(self, manifest: Mapping[str, Mapping[str, str]]) -> None:
        self.manifest = {key: dict(row) for key, row in manifest.items()}
        self.index: dict[str, str] = {}
        for key in manifest:
            safe = safe_filename(key)
            for alias in (key, Path(key).name, Path(key).stem, safe, Path(safe).stem):
                self.index.setdefault(alias, key)
        self.used: set[str] = set()

    def meta_for(self, *names: str | None) -> dict[str, str] | None:
        """The row of the first of ``names`` (as uploaded, as stored) the manifest names."""
        for name in filter(None, names):
            for alias in (name, Path(name).name, Path(name).stem):
                key = self.index.get(alias)
                if key is not None:
                    self.used.add(key)
                    return dict(self.manifest[key])
        return None

    def unused(self) -> list[str]:
        return [key for key in self.manifest if key not in self.used]


# -- ingestion of one upload ------------------------------------------------------------------
def ingest_upload(
    filename: str, content: bytes, meta: Mapping[str, str] | None = None
) -> tuple[pd.DataFrame, list[str]]:
    """Ingest one uploaded file (with its metadata, as an analysis reads it) in a private
    temporary folder; (utterances, problems)."""
    with tempfile.TemporaryDirectory(prefix="jtbd-upload-") as folder:
        root = Path(folder)
        path = root / "file" / safe_filename(filename)
        path.parent.mkdir()
        path.write_bytes(content)
        manifest = write_manifest([(str(path), meta)], root / MANIFEST) if meta else None
        ingestor = Ingestor(IngestOptions(meta=manifest))
        frame = ingestor.ingest([path])
        names = {str(path): filename, str(root / MANIFEST): "the metadata"}
        problems = [local_names(p.render(), names) for p in ingestor.report_.problems]
    return frame, problems


def local_names(text: str, names: Mapping[str, str]) -> str:
    """``text`` with the temporary paths in ``names`` replaced by what the user knows them by
    (longest first, so a folder does not cut into the paths under it)."""
    for path in sorted(names, key=len, reverse=True):
        text = text.replace(path, names[path])
    return text


def renamed(exc: JTBDError, names: Mapping[str, str]) -> JTBDError:
    """``exc`` with the temporary paths in ``names`` replaced by the upload's names."""

    def rename(text: str | None) -> str | None:
        return None if text is None else local_names(text, names)

    return type(exc)(rename(exc.what) or "", where=rename(exc.where), fix=rename(exc.fix))


__all__ = [
    "MANIFEST",
    "ManifestMatch",
    "ingest_upload",
    "jsonable",
    "local_names",
    "read_limited",
    "read_manifest",
    "records",
    "renamed",
    "safe_filename",
    "write_manifest",
]
