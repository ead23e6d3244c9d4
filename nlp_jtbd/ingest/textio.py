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
    b"PK\x03\x04": "a ZIP archive",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1": "an old-format Office file (.doc/.xls/.msg)",
    b"{\\rtf": "an RTF document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"II*\x00": "a TIFF image",
    b"MM\x00*": "a TIFF image",
    b"ID3": "an MP3 audio file",
    b"OggS": "an Ogg audio file",
    b"fLaC": "a FLAC audio file",
    b"RIFF": "a RIFF (WAV/AVI) media file",
    b"\x1a\x45\xdf\xa3": "a Matroska/WebM video",
    b"\x1f\x8b": "a gzip archive",
    b"BZh91AY&SY": "a bzip2 archive",
    b"\xfd7zXZ\x00": "an xz archive",
    b"7z\xbc\xaf\x27\x1c": "a 7-Zip archive",
    b"Rar!\x1a\x07": "a RAR archive",
    b"PAR1": "a Parquet file",
    b"SQLite format 3\x00": "an SQLite database",
    b"\x7fELF": "a program (ELF executable)",
    b"MZ\x90\x00": "a Windows program",
}
_TURKISH_ONLY = frozenset(b"\xd0\xdd\xde\xf0\xfd\xfe")
_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\v\f\r\x1b") + b"\x7f"
MAX_CONTROL_SHARE = 0.02
"""Share of control bytes (other than tab, newlines, form feed, escape) above which a file is
binary: text has none, random or compressed bytes about 11 %."""


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
    if head[4:8] == b"ftyp":
        raise InputError(
            "this is an MP4/M4A/MOV media file, not a text transcript or table",
            fix="transcribe the recording first, then pass the transcript",
        )
    sample = head[:8192]
    if utf16_without_bom(sample):
        return
    if b"\x00" in sample:
        raise InputError(
            "this looks like a binary file (it contains NUL bytes and is not UTF-16 text)",
            fix="export the transcript as text (UTF-8) or one of the supported formats",
        )
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    if controls > MAX_CONTROL_SHARE * len(sample):
        raise InputError(
            f"this looks like a binary file: {controls / len(sample):.0%} of its first "
            f"{len(sample):,} bytes are control characters, which text does not have",
            fix="export the transcript as text (UTF-8) or one of the supported formats",
        )


def utf16_without_bom(sample: bytes) -> str | None:
    """``"utf-16-le"``/``"utf-16-be"`` when ``sample`` reads as UTF-16 text without a BOM.

    Text in one or two scripts has few distinct high bytes (0x00 for ASCII spaces, digits and
    punctuation, 0x04 for Cyrillic, 0x01 for Turkish letters), NULs only among them, and decodes
    to printable characters, most of them letters.
    """
    sample = sample[: len(sample) // 2 * 2]
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    for encoding, high, low in (
        ("utf-16-le", sample[1::2], sample[0::2]),
        ("utf-16-be", sample[0::2], sample[1::2]),
    ):
        if high.count(0) < 0.05 * pairs or low.count(0) > 0.02 * pairs:
            continue
        top = sorted((high.count(b) for b in set(high)), reverse=True)[:3]
        if sum(top) < 0.95 * pairs:
            continue
        text = sample.decode(encoding, errors="replace")
        printable = sum(ch.isprintable() or ch in "\n\r\t" for ch in text)
        letters = sum(ch.isalpha() for ch in text)
        if (
            "\ufffd" not in text[:-1]
            and printable >= 0.98 * len(text)
            and letters >= 0.4 * len(text)
        ):
            return encoding
    return None


def guess_legacy_encoding(data: bytes) -> str:
    """Best legacy single-byte code page for non-UTF-8 bytes (cp1251, cp1254, …)."""
    return plausible_legacy_encoding(data) or "cp1251"


def plausible_legacy_encoding(data: bytes) -> str | None:
    """The legacy code page ``data`` reads as plausible text in, or None (random bytes)."""
    best = from_bytes(data[:200_000], cp_isolation=list(LEGACY_ENCODINGS)).best()
    if best is None:
        return None
    name = codecs.lookup(best.encoding).name
    # cp1254 differs from cp1252 only in six letters (Ğ İ Ş ğ ı ş where cp1252 has Icelandic
    # Ð Ý Þ ð ý þ); text that uses them is Turkish far more often than Icelandic.
    if name == "cp1252" and any(b in _TURKISH_ONLY for b in data[:200_000]):
        return "cp1254"
    return name


def decode_bytes(data: bytes, encoding: str | None = None) -> Decoded:
    """Decode a whole file.

    Order: explicit ``encoding``; BOM; UTF-16 without BOM; strict UTF-8; otherwise line by line,
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
    # Before UTF-8: UTF-16 of Cyrillic text is all bytes under 0x80, valid (if absurd) UTF-8.
    enc16 = utf16_without_bom(data[:8192])
    if enc16:
        return Decoded(_normalise_newlines(data.decode(enc16, errors="replace")), enc16)
    try:
        return Decoded(_normalise_newlines(data.decode("utf-8")), "utf-8")
    except UnicodeDecodeError:
        pass
    foreign = _non_utf8_lines(data)
    legacy = plausible_legacy_encoding(foreign)
    if legacy is None:
        if len(foreign) > len(data) // 2:
            raise InputError(
                "this looks like a binary file: it is not UTF-8 and reads as no known code "
                f"page ({', '.join(LEGACY_ENCODINGS)})",
                fix="export the transcript as text (UTF-8), or name its code page with `encoding`",
            )
        legacy = "cp1251"
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
