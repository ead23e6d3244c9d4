"""Human-coded examples: ``text,label`` tables (CSV, JSONL, XLSX, Parquet, or a folder of them).

Optional columns: ``context`` (the interviewer question before the answer), ``language``/``lang``,
``example_id``/``utterance_id``. Problems name the file and the rows.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from nlp_jtbd.codebook.schema import Codebook
from nlp_jtbd.errors import InputError

SUFFIXES = (".csv", ".jsonl", ".xlsx", ".parquet")
_SHOWN = 8


@dataclass
class CodedExamples:
    """Validated examples: columns ``example_id, text, label, context, lang, file, row``."""

    frame: pd.DataFrame
    warnings: list[str] = field(default_factory=list)

    @property
    def texts(self) -> list[str]:
        return self.frame["text"].tolist()

    @property
    def labels(self) -> list[str]:
        return self.frame["label"].tolist()

    @property
    def contexts(self) -> list[str]:
        return self.frame["context"].tolist()

    def __len__(self) -> int:
        return len(self.frame)


def normalise_label(value: object) -> str:
    """``Main Job`` / ``main-job`` → ``main_job``."""
    return "_".join(str(value).strip().lower().replace("-", " ").split())


def _rows(frame: pd.DataFrame, mask: pd.Series) -> str:
    hit = frame.loc[mask]
    pairs = [f"{f}:{r}" for f, r in zip(hit["file"], hit["row"], strict=True)][:_SHOWN]
    more = f" and {int(mask.sum()) - _SHOWN} more" if mask.sum() > _SHOWN else ""
    return ", ".join(pairs) + more


def _read_one(path: Path) -> pd.DataFrame:
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        elif suffix == ".jsonl":
            frame = pd.read_json(path, lines=True, dtype=False).astype(object)
        elif suffix == ".xlsx":
            frame = pd.read_excel(path, dtype=str, keep_default_na=False)
        elif suffix == ".parquet":
            frame = pd.read_parquet(path)
        else:
            raise InputError(
                f"cannot read coded examples from '{path.name}'",
                fix=f"use one of {', '.join(SUFFIXES)} with columns text,label",
            )
    except (ValueError, OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise InputError(
            f"cannot read {path}: {exc.__class__.__name__}: {str(exc)[:200]}",
            fix="check that the file is complete and in the format its suffix says",
        ) from exc
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    missing = [c for c in ("text", "label") if c not in frame.columns]
    if missing:
        raise InputError(
            f"{path} has no {' or '.join(repr(c) for c in missing)} column",
            where="header",
            fix="coded examples need columns text,label (optional: context, language); "
            "columns are: " + ", ".join(frame.columns),
        )
    header_offset = 2 if suffix in (".csv", ".xlsx") else 1  # row numbers as a user sees them
    frame["file"] = path.name
    frame["row"] = range(header_offset, header_offset + len(frame))
    return frame


def read_examples(
    source: str | Path, codebook: Codebook, *, min_per_label: int = 2
) -> CodedExamples:
    """Read and validate coded examples against ``codebook``.

    Errors (nothing is trained on doubtful data): a missing file or column, empty texts, labels
    the codebook does not have, fewer than ``min_per_label`` examples of a label that occurs.
    Warnings: codebook labels without examples, the same text coded with different labels.
    """
    source = Path(source)
    if source.is_dir():
        files = sorted(p for p in source.iterdir() if p.suffix.lower() in SUFFIXES)
        if not files:
            raise InputError(
                f"{source} holds no coded examples", fix=f"add {' or '.join(SUFFIXES)} files"
            )
    elif source.exists():
        files = [source]
    else:
        raise InputError(f"{source} does not exist", fix="check the path")
    frame = pd.concat([_read_one(p) for p in files], ignore_index=True)
    if frame.empty:
        raise InputError(f"{source} has no coded examples", fix="add rows with text,label")
    frame["text"] = frame["text"].fillna("").astype(str).str.strip()
    empty = frame["text"] == ""
    if empty.any():
        raise InputError(
            f"{int(empty.sum())} coded examples have no text (rows {_rows(frame, empty)})",
            fix="fill in the text or delete those rows",
        )
    frame["label"] = frame["label"].fillna("").map(normalise_label)
    unknown = ~frame["label"].isin(codebook.names)
    if unknown.any():
        values = sorted(set(frame.loc[unknown, "label"]))
        hints = []
        for value in values[:_SHOWN]:
            close = difflib.get_close_matches(value, codebook.names, n=1)
            hints.append(f"'{value}'" + (f" (did you mean '{close[0]}'?)" if close else ""))
        raise InputError(
            f"{int(unknown.sum())} examples have labels that codebook {codebook.ref} does not "
            f"have: {', '.join(hints)} (rows {_rows(frame, unknown)})",
            fix=f"use one of {', '.join(codebook.names)}, or choose another `codebook`",
        )
    counts = frame["label"].value_counts()
    rare = counts[counts < min_per_label]
    if len(rare):
        listed = ", ".join(f"{name} ({n})" for name, n in rare.items())
        raise InputError(
            f"too few examples of {listed}: at least {min_per_label} per label are needed",
            fix="code more utterances with these labels, or remove them",
        )
    warnings = [
        f"label '{name}' has no examples: the model will never predict it"
        for name in codebook.names
        if name not in counts.index
    ]
    conflicting = frame.groupby("text")["label"].transform("nunique") > 1
    if conflicting.any():
        warnings.append(
            f"{int(conflicting.sum())} examples repeat a text with a different label "
            f"(rows {_rows(frame, conflicting)}); check the coding"
        )
    if "context" not in frame.columns:
        frame["context"] = ""
    frame["context"] = frame["context"].fillna("").astype(str).str.strip()
    lang = next((c for c in ("lang", "language") if c in frame.columns), None)
    frame["lang"] = frame[lang].fillna("und").astype(str) if lang else "und"
    ident = next((c for c in ("example_id", "utterance_id", "id") if c in frame.columns), None)
    frame["example_id"] = (
        frame[ident].astype(str)
        if ident
        else [f"{f}:{r}" for f, r in zip(frame.file, frame.row, strict=True)]
    )
    columns = ["example_id", "text", "label", "context", "lang", "file", "row"]
    extra = [c for c in frame.columns if c not in columns]
    return CodedExamples(frame[columns + extra].reset_index(drop=True), warnings)
