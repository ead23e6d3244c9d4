"""Which reader a file needs: by suffix, confirmed or overridden by its content."""

from __future__ import annotations

import re
from pathlib import Path

from nlp_jtbd.errors import InputError

SUFFIXES = {
    ".txt": "txt", ".text": "txt", ".md": "md", ".markdown": "md", ".vtt": "vtt",
    ".webvtt": "vtt", ".srt": "srt", ".json": "json", ".docx": "docx", ".csv": "csv",
    ".tsv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".xlsx": "xlsx", ".xlsm": "xlsx",
}  # fmt: skip
TRANSCRIPT_FORMATS = ("txt", "md", "vtt", "srt", "json", "docx")
TABLE_FORMATS = ("csv", "jsonl", "xlsx")
_SRT_TIMING = re.compile(rb"^\s*\d{1,2}:\d{2}:\d{2},\d{3}\s*-->", re.MULTILINE)
_IGNORED = {".ds_store", "thumbs.db", "desktop.ini"}


def detect_format(path: Path, head: bytes) -> str:
    """Format of ``path`` from its suffix and first bytes."""
    text_head = head.lstrip(b"\xef\xbb\xbf")
    if text_head.lstrip().startswith(b"WEBVTT"):
        return "vtt"
    suffix = path.suffix.lower()
    fmt = SUFFIXES.get(suffix)
    if fmt in ("txt", None) and _SRT_TIMING.search(head):
        return "srt"
    if fmt in ("txt", None) and re.match(rb"\s*(\{\s*\"|\[\s*\{)", text_head):
        return "json"  # a JSON export saved as .txt (or without a suffix)
    if fmt is None:
        raise InputError(
            f"unknown file type '{suffix or '(no suffix)'}'",
            fix="supported: .txt .md .vtt .srt .json .docx (transcripts), .csv .tsv .jsonl "
            ".xlsx (reviews); or name the format with `format`",
        )
    return fmt


def iter_input_files(paths: list[Path], skip: set[Path]) -> list[Path]:
    """Files under ``paths`` (folders recursively, sorted, hidden files skipped)."""
    files: list[Path] = []
    for path in paths:
        if not path.exists():
            raise InputError(f"{path} does not exist", fix="check the path")
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                hidden = any(part.startswith((".", "~$")) for part in child.relative_to(path).parts)
                if (
                    child.is_file()
                    and not hidden
                    and child.name.lower() not in _IGNORED
                    and child.resolve() not in skip
                ):
                    files.append(child)
        else:
            files.append(path)
    return files
