"""Bytes → text: BOMs, UTF-8, legacy Cyrillic/Turkish code pages, mixed encodings, binary files."""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from dataclasses import dataclass, field

from charset_normalizer import from_bytes

from nlp_jtbd.errors import InputError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Legacy code pages our users' files really come in, most likely first.
LEGACY_ENCODINGS = ("cp1251", "cp1254", "koi8-r", "cp1252", "iso-8859-9", "cp866", "mac-cyrillic")
_BINARY_MAGIC = {
    b"%PDF": "a PDF document",
    b"PK\x03\x04": "a ZIP archive (DOCX/XLSX files are read only with a .docx/.xlsx suffix)",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"ID3": "an MP3 audio file",
    b"RIFF": "a RIFF (WAV/AVI) media file",
    b"\x1f\x8b": "a gzip archive",
    b"PAR1": "a Parquet file",
}


@dataclass
class Decoded:
    """Decoded text and how it was decoded."""

    text: str
    encoding: str
    fallback_lines: list[int] = field(default_factory=list)  # 1-based lines decoded with a fallback

    def warning(self) -> str | None:
        if not self.fallback_lines:
            return None
        shown = ", ".join(str(n) for n in self.fallback_lines[:10])
        more = f" and {len(self.fallback_lines) - 10} more" if len(self.fallback_lines) > 10 else ""
        return (
            f"mixed encodings: lines {shown}{more} are not UTF-8 and were decoded as "
            f"{self.encoding}"
        )


def bom_encoding(data: bytes) -> tuple[str | None, int]:
    """Return (encoding, BOM length) when ``data`` starts with a byte-order mark."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name, len(bom)
    return None, 0


def check_not_binary(head: bytes) -> None:
    """Raise if ``head`` (the first bytes of a file) is not text."""
    if not head.strip():
        raise InputError("the file is empty", fix="check that the export finished; remove the file")
    if bom_encoding(head)[0]:
        return
    for magic, what in _BINARY_MAGIC.items():
        if head.startswith(magic):
            raise InputError(
                f"this is {what}, not a text transcript or table",
                fix="export the transcript as .txt, .md, .vtt, .srt, .json, .docx, .csv, "
                ".jsonl or .xlsx",
            )
    sample = head[:8192]
    if b"\x00" in sample:
        # UTF-16 without a BOM has NULs in every other byte of ASCII text.
        even, odd = sample[0::2].count(0), sample[1::2].count(0)
        if max(even, odd) < len(sample) // 4:
            raise InputError(
                "this looks like a binary file (it contains NUL bytes)",
                fix="export the transcript as text (UTF-8) or one of the supported formats",
            )


def _utf16_without_bom(data: bytes) -> str | None:
    sample = data[:8192]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd > len(sample) // 4 and even == 0:
        return "utf-16-le"
    if even > len(sample) // 4 and odd == 0:
        return "utf-16-be"
    return None


def guess_legacy_encoding(data: bytes) -> str:
    """Best legacy single-byte code page for non-UTF-8 bytes (cp1251, cp1254, …)."""
    best = from_bytes(data[:200_000], cp_isolation=list(LEGACY_ENCODINGS)).best()
    if best is not None:
        return codecs.lookup(best.encoding).name
    return "cp1251"


def decode_bytes(data: bytes, encoding: str | None = None) -> Decoded:
    """Decode a whole file.

    Order: explicit ``encoding``; BOM; strict UTF-8; UTF-16 without BOM; otherwise line by line,
    UTF-8 where a line is valid UTF-8 and the detected legacy code page elsewhere (mixed files
    are reported, not silently mangled).
    """
    check_not_binary(data[:8192])
    if encoding:
        try:
            return Decoded(_normalise_newlines(data.decode(encoding)), encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise InputError(
                f"cannot decode the file as {encoding}: {exc}",
                fix="omit `encoding` to detect it automatically, or name the right one",
            ) from exc
    enc, skip = bom_encoding(data)
    if enc:
        try:
            return Decoded(_normalise_newlines(data[skip:].decode(enc)), enc)
        except UnicodeDecodeError as exc:
            raise InputError(
                f"the file starts with a {enc} byte-order mark but is not valid {enc}",
                fix="re-save the file as UTF-8",
            ) from exc
    try:
        return Decoded(_normalise_newlines(data.decode("utf-8")), "utf-8")
    except UnicodeDecodeError:
        pass
    enc16 = _utf16_without_bom(data)
    if enc16:
        try:
            return Decoded(_normalise_newlines(data.decode(enc16)), enc16)
        except UnicodeDecodeError:
            pass
    legacy = guess_legacy_encoding(_non_utf8_lines(data))
    lines, fallback = [], []
    for number, raw in enumerate(data.splitlines(keepends=True), start=1):
        try:
            lines.append(raw.decode("utf-8"))
        except UnicodeDecodeError:
            lines.append(raw.decode(legacy, errors="replace"))
            fallback.append(number)
    total = data.count(b"\n") + 1
    decoded = Decoded(_normalise_newlines("".join(lines)), legacy)
    # A file that is wholly in a legacy code page is not "mixed"; report only real mixtures.
    if len(fallback) < total and any(_has_non_ascii(raw) for raw in _utf8_lines(data)):
        decoded.fallback_lines = fallback
    return decoded


def iter_decoded_lines(chunks: Iterator[bytes]) -> Iterator[tuple[bytes, str | None]]:
    """Split a byte stream into lines (keeping ``\\n``) and decode each as UTF-8.

    Yields ``(raw line, text)``; ``text`` is ``None`` where the line is not valid UTF-8, so the
    caller can decode it with a legacy code page and report it. A UTF-8 BOM is dropped.
    """
    pending = b""
    first = True
    for chunk in chunks:
        if first:
            if chunk.startswith(codecs.BOM_UTF8):
                chunk = chunk[len(codecs.BOM_UTF8) :]
            first = False
        pending += chunk
        *complete, pending = pending.split(b"\n")
        for raw in complete:
            yield _decode_line(raw + b"\n")
    if pending:
        yield _decode_line(pending)


def _decode_line(raw: bytes) -> tuple[bytes, str | None]:
    raw = raw.replace(b"\r\n", b"\n")
    try:
        return raw, raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw, None


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _has_non_ascii(raw: bytes) -> bool:
    return any(b > 127 for b in raw)


def _utf8_lines(data: bytes) -> Iterator[bytes]:
    for raw in data.splitlines():
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            continue
        yield raw


def _non_utf8_lines(data: bytes) -> bytes:
    out = []
    for raw in data.splitlines():
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            out.append(raw)
    return b"\n".join(out) or data
