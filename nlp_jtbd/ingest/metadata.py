"""Per-document metadata: manifests, customer ids, declared languages, named interviewers."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from nlp_jtbd.errors import InputError
from nlp_jtbd.ingest.assemble import CORE_COLUMNS

CUSTOMER_KEYS = ("customer_id", "customer", "client_id", "customer_code", "account_id")
INTERVIEWER_KEYS = ("interviewer", "moderator", "интервьюер", "ведущий", "görüşmeci")
RESPONDENT_KEYS = ("interviewee", "respondent", "респондент", "katılımcı")
LANG_KEYS = ("lang", "language", "язык", "dil")


def load_manifest(path: Path) -> dict[str, dict[str, str]]:
    """Per-file metadata: a CSV with a ``path`` (or ``file``) column and any other columns."""
    if not path.exists():
        raise InputError(f"metadata file {path} does not exist", fix="check the `meta` path")
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(
            f"cannot read metadata file {path}: {exc}", fix="save it as a UTF-8 CSV"
        ) from exc
    key = next(
        (c for c in frame.columns if c.strip().lower() in ("path", "file", "filename", "doc")), None
    )
    if key is None:
        raise InputError(
            f"metadata file {path} has no 'path' column",
            where="header",
            fix=f"add a 'path' column with the file names; columns are: {', '.join(frame.columns)}",
        )
    manifest: dict[str, dict[str, str]] = {}
    for record in frame.to_dict("records"):
        name = str(record.pop(key)).strip()
        manifest[name] = {k.strip(): str(v).strip() for k, v in record.items() if str(v).strip()}
    return manifest


def declared_lang(metadata: dict[str, str]) -> str | None:
    for key in LANG_KEYS:
        value = metadata.get(key, "").strip().lower()
        if re.fullmatch(r"[a-z]{2}", value):
            return value
    return None


def pop_first(meta: dict[str, str], keys: tuple[str, ...]) -> str | None:
    for key in keys:
        for actual in list(meta):
            if actual.lower() == key and meta[actual].strip():
                return meta.pop(actual).strip()
    return None


def names_under(meta: dict[str, str], keys: tuple[str, ...]) -> list[str]:
    """Names listed under ``keys``; ``"Иван Смирнов; Елена Ким"`` is two names."""
    names = [v for k, v in meta.items() if k.lower() in keys and v]
    return [n.strip() for value in names for n in re.split(r"[;,]", value) if n.strip()]


def safe_metadata(meta: dict[str, str]) -> dict[str, str]:
    """Metadata columns never overwrite core columns: ``text`` becomes ``meta_text``."""
    return {(f"meta_{k}" if k in CORE_COLUMNS else k): v for k, v in meta.items()}
