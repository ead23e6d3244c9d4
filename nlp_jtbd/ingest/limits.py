"""Hard limits on what one input file may cost, and the archive checks that enforce them.

A DOCX or XLSX file is a zip archive of XML parts. Before a parser opens one, the archive is
checked from its directory alone (part count, declared sizes, compression ratio; nothing is
inflated for that) and the start of every XML part is read to refuse DTDs. Reading a part never
yields more than its declared size (:mod:`zipfile` stops there and then fails the CRC check), so
the declared sizes are safe upper bounds. Every refusal is an :class:`InputError` that states the
figure found and the limit. (JSON nesting is limited where JSON is parsed:
``nlp_jtbd.ingest.readers.json_text.MAX_DEPTH``.)
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile
from pathlib import Path

from nlp_jtbd.errors import InputError

MAX_ZIP_MEMBERS = 10_000
"""Parts in one DOCX/XLSX archive. Word writes about 20, Excel about 10 plus two or three per
sheet; ten thousand leaves room for documents full of images and still stops an archive built
to exhaust the reader with entries."""

MAX_ZIP_TOTAL_BYTES = 1 << 30
"""Decompressed size of all parts of one archive together (1 GiB)."""

MAX_DOCX_PART_BYTES = 64 << 20
"""Decompressed size of one part of a DOCX (64 MiB). The document XML is parsed whole, into
several times its size in memory; a three-hour transcript's ``word/document.xml`` is a few MB."""

MAX_XLSX_PART_BYTES = 256 << 20
"""Decompressed size of one part of an XLSX (256 MiB). Worksheets are streamed row by row, so a
sheet may be large; shared strings are held in memory."""

MAX_COMPRESSION_RATIO = 100
"""Decompressed : compressed size of one part. Office XML compresses about 5–35 : 1 (Word's
styles are the most repetitive); a zip bomb reaches 1,000 : 1 with deflate and far more with
bzip2. Checked only for parts of at least :data:`RATIO_MIN_BYTES`."""

RATIO_MIN_BYTES = 1 << 20
"""Parts smaller than this (1 MiB decompressed) are not held to the compression ratio: a tiny
part of repeated markup may compress very well and costs nothing."""

XML_PROLOG_BYTES = 64 << 10
"""How much of each XML part is read to find its root element and any ``<!DOCTYPE``/
``<!ENTITY`` declaration before it (64 KiB)."""

MAX_UTTERANCE_CHARS = 1_000
"""Length of one utterance. A sentence longer than this (an unpunctuated dictation, a dump of
auto-captions) is cut into pieces of at most this length, at a comma or a space where there is
one, and the reader says so. About 150 words: longer than any spoken sentence, shorter than
what embedding models read whole."""

_OFFICE_FIX = {
    "docx": "open it in Word or LibreOffice and save it again as .docx",
    "xlsx": "open it in Excel or LibreOffice and save it again as .xlsx",
}
_KIND_NAME = {"docx": "Word document", "xlsx": "Excel workbook"}
_PART_LIMIT = {"docx": MAX_DOCX_PART_BYTES, "xlsx": MAX_XLSX_PART_BYTES}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_XML_SUFFIXES = (".xml", ".rels", ".vml")
_DECLARATION = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_ROOT_START = re.compile(rb"<[A-Za-z_]")


def size_text(size: float) -> str:
    """``314572800`` → ``"300.0 MB"`` (binary megabytes, as file managers show them)."""
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:,.0f} {unit}" if unit == "bytes" else f"{size:,.1f} {unit}"
        size /= 1024
    return f"{size:,.1f} GB"  # pragma: no cover


def office_fix(kind: str) -> str:
    """The advice for a DOCX/XLSX file that cannot be read."""
    return _OFFICE_FIX[kind]


def open_office_archive(source: bytes | Path, kind: str) -> zipfile.ZipFile:
    """Open a DOCX (``kind="docx"``) or XLSX (``"xlsx"``) archive after checking its limits.

    Raises :class:`InputError` for a file that is not a zip archive, an encrypted or legacy
    (.doc/.xls) Office file, too many parts, parts too large or too compressed, or XML parts that
    declare a DTD or entities (entity expansion, "billion laughs").
    """
    if isinstance(source, bytes):
        head, target = source[:8], io.BytesIO(source)
    else:
        with source.open("rb") as handle:
            head, target = handle.read(8), source
    what = _KIND_NAME[kind]
    if not head:
        raise InputError("the file is empty", fix="check that the export finished; remove the file")
    if head.startswith(_OLE_MAGIC):
        raise InputError(
            f"this is not a {what} but a password-protected or old-format (.doc/.xls) Office file",
            fix=f"remove the password, or {office_fix(kind)}",
        )
    try:
        archive = zipfile.ZipFile(target)  # owns the file it opens from a path
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise InputError(
            f"not a readable {what}: the zip archive is damaged or cut off ({exc})",
            fix=office_fix(kind),
        ) from exc
    try:
        check_archive(archive, kind)
    except BaseException:
        archive.close()
        raise
    return archive


def check_archive(archive: zipfile.ZipFile, kind: str) -> None:
    """Refuse an archive over the limits or with XML that declares a DTD (see the module)."""
    what = _KIND_NAME[kind]
    members = archive.infolist()
    fix = office_fix(kind)
    bomb_fix = f"{fix}; if it came from outside, do not open it: it is built to exhaust memory"
    if len(members) > MAX_ZIP_MEMBERS:
        raise InputError(
            f"the {what} holds {len(members):,} parts; the limit is {MAX_ZIP_MEMBERS:,}",
            fix=bomb_fix,
        )
    total = 0
    part_limit = _PART_LIMIT[kind]
    for info in members:
        if info.flag_bits & 0x1:
            raise InputError(f"part '{info.filename}' of the {what} is encrypted", fix=fix)
        size = info.file_size
        total += size
        ratio = size / max(info.compress_size, 1)
        if size >= RATIO_MIN_BYTES and ratio > MAX_COMPRESSION_RATIO:
            raise InputError(
                f"part '{info.filename}' inflates {ratio:,.0f} times "
                f"({size_text(info.compress_size)} → {size_text(size)}); the limit is "
                f"{MAX_COMPRESSION_RATIO} times: this is a zip bomb, not a real {what}",
                fix=bomb_fix,
            )
        if size > part_limit:
            raise InputError(
                f"part '{info.filename}' decompresses to {size_text(size)}; the limit for one "
                f"part of a {what} is {size_text(part_limit)} (a zip bomb or a damaged file)",
                fix=bomb_fix,
            )
    if total > MAX_ZIP_TOTAL_BYTES:
        raise InputError(
            f"the {what} decompresses to {size_text(total)} in all; the limit is "
            f"{size_text(MAX_ZIP_TOTAL_BYTES)}",
            fix=bomb_fix,
        )
    for info in members:
        if info.filename.lower().endswith(_XML_SUFFIXES) or info.filename == "[Content_Types].xml":
            _check_xml_prolog(archive, info, what, fix)


def _check_xml_prolog(archive: zipfile.ZipFile, info: zipfile.ZipInfo, what: str, fix: str) -> None:
    """Refuse a part whose prolog declares a DTD or entities; Office never writes one."""
    try:
        with archive.open(info) as part:
            head = part.read(XML_PROLOG_BYTES)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
        raise InputError(
            f"part '{info.filename}' of the {what} cannot be decompressed ({exc})", fix=fix
        ) from exc
    head = _as_utf8(head)
    root = _ROOT_START.search(head)
    prolog = head[: root.start()] if root else head
    if _DECLARATION.search(prolog):
        raise InputError(
            f"part '{info.filename}' declares a DTD or entities (<!DOCTYPE>/<!ENTITY>); Office "
            "never writes them and expanding them can take gigabytes of memory "
            "(a 'billion laughs' file)",
            fix=f"{fix}; if it came from outside, do not open it",
        )


def _as_utf8(head: bytes) -> bytes:
    """The start of an XML part as UTF-8, whether it was written in UTF-8 or UTF-16."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or head[:2] in (b"<\0", b"\0<"):
        encoding = "utf-16-be" if head.startswith((codecs.BOM_UTF16_BE, b"\0<")) else "utf-16-le"
        return head[: len(head) // 2 * 2].decode(encoding, errors="replace").encode("utf-8")
    return head
