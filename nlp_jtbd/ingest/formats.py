"""Which reader a file needs: by suffix, confirmed or overridden by its content."""

from __future__ import annotations

import re
from pathlib import Path

from nlp_jtbd.errors import InputError
from nlp_jtbd.ingest.textio import bom_encoding, check_not_binary, utf16_without_bom

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
    """Format of ``path`` from its suffix and first bytes.

    Content wins where it is unmistakable: a WebVTT header, SRT timings or a JSON document in
    a ``.txt``/``.md`` file (or one without a suffix), UTF-16 text included; a Word or Excel
    archive saved under another suffix; plain text without a suffix is read as ``txt``.
    """
    suffix = path.suffix.lower()
    fmt = SUFFIXES.get(suffix)
    if head.startswith(b"PK\x03\x04") and fmt not in ("docx", "xlsx"):
        for marker, office in ((b"word/", "docx"), (b"xl/", "xlsx")):
            if marker in head:
                return office
    text_head = _utf8_head(head)
    if text_head.lstrip().startswith(b"WEBVTT"):
        return "vtt"
    if fmt in ("txt", "md", None) and _SRT_TIMING.search(text_head):
        return "srt"
    if fmt in ("txt", None) and re.match(rb"\s*(\{\s*\"|\[\s*\{)", text_head):
        return "json"  # a JSON export saved as .txt (or without a suffix)
    if fmt is None and not suffix and _is_text(head):
        return "txt"
    if fmt is None:
        raise InputError(
            f"unknown file type '{suffix or '(no suffix)'}'",
            fix="supported: .txt .md .vtt .srt .json .docx (transcripts), .csv .tsv .jsonl "
            ".xlsx (reviews); or name the format with `format`",
        )
    return fmt


def _utf8_head(head: bytes) -> bytes:
    """``head`` as UTF-8 bytes for sniffing: without a BOM, and re-encoded if it is UTF-16."""
    encoding, skip = bom_encoding(head)
    if encoding is None and (utf16 := utf16_without_bom(head[:8192])):
        encoding = utf16
    if encoding in ("utf-16-le", "utf-16-be"):
        body = head[skip:]
        return body[: len(body) // 2 * 2].decode(encoding, errors="ignore").encode("utf-8")
    return head[skip:]


def _is_text(head: bytes) -> bool:
    try:
        check_not_binary(head)
    except InputError:
        return False
    return True


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
