"""Broken and hostile input files, built in code so nothing large is committed.

``tests/test_bad_files.py`` builds them small; ``bench/bad_files.py`` builds the zip bomb at
real size (about 1 MB that inflates to 300 MB of XML). Each builder returns the file's bytes.
"""

from __future__ import annotations

import io
import json
import random
import struct
import zipfile
from pathlib import Path

from docx import Document
from openpyxl import Workbook

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_PARAGRAPH = (
    "<w:p><w:r><w:t>I switched because the old tool lost our orders every Friday</w:t></w:r></w:p>"
)
# A good transcript, one line per paragraph, reused by the good DOCX and the hostile ones.
TRANSCRIPT = [
    "Interviewer: When did you first look for another tool?",
    "Respondent: After the third lost order in a month. We could not trust the old one.",
    "Interviewer: What almost stopped you?",
    "Respondent: Moving two years of history. The import took a weekend.",
]


def docx_bytes(paragraphs: list[str] = TRANSCRIPT) -> bytes:
    """A valid Word document with one paragraph per item."""
    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def xlsx_bytes(rows: list[tuple[str, str]]) -> bytes:
    """A valid workbook with an ``id``/``text`` header and one review per row."""
    book = Workbook()
    sheet = book.active
    sheet.append(["id", "text"])
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def replace_member(archive: bytes, name: str, content: bytes | None) -> bytes:
    """``archive`` with member ``name`` replaced by ``content`` (dropped when None)."""
    src = zipfile.ZipFile(io.BytesIO(archive))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            if info.filename != name:
                out.writestr(info.filename, src.read(info.filename))
            elif content is not None:
                out.writestr(name, content)
    return buffer.getvalue()


def zip_of(members: dict[str, bytes]) -> bytes:
    """A plain zip archive (not an Office file) of ``members``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for name, content in members.items():
            out.writestr(name, content)
    return buffer.getvalue()


def content_types_without_overrides_docx() -> bytes:
    """``[Content_Types].xml`` with its defaults but no ``Override`` entries."""
    types = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        b'<Default Extension="rels" '
        b'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        b'<Default Extension="xml" ContentType="application/xml"/></Types>'
    )
    return replace_member(docx_bytes(), "[Content_Types].xml", types)


def broken_content_types_docx() -> bytes:
    """``[Content_Types].xml`` cut off in the middle of a tag."""
    return replace_member(docx_bytes(), "[Content_Types].xml", b'<?xml version="1.0"?><Types x')


def broken_xml_docx() -> bytes:
    """``word/document.xml`` that is not well-formed (an unclosed element)."""
    xml = f'<w:document xmlns:w="{_W}"><w:body><w:p><w:r><w:t>Hello</w:t></w:body>'
    return replace_member(docx_bytes(), "word/document.xml", xml.encode())


def missing_document_docx() -> bytes:
    """A DOCX whose main part ``word/document.xml`` is gone."""
    return replace_member(docx_bytes(), "word/document.xml", None)


def billion_laughs_docx() -> bytes:
    """``word/document.xml`` with nested entity declarations (10^9 "lol"s when expanded)."""
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    ]
    xml = (
        f'<?xml version="1.0"?><!DOCTYPE w:document [{"".join(entities)}]>'
        f'<w:document xmlns:w="{_W}"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p>'
        "</w:body></w:document>"
    )
    return replace_member(docx_bytes(), "word/document.xml", xml.encode())


def zip_bomb_docx(xml_mb: int) -> bytes:
    """A DOCX whose ``word/document.xml`` inflates to ``xml_mb`` MB of repeated paragraphs
    (about 300:1, so 300 MB of XML fits in about 1 MB)."""
    base = zipfile.ZipFile(io.BytesIO(docx_bytes()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        for info in base.infolist():
            if info.filename != "word/document.xml":
                out.writestr(info.filename, base.read(info.filename))
                continue
            with out.open("word/document.xml", "w", force_zip64=True) as part:
                part.write(f'<w:document xmlns:w="{_W}"><w:body>'.encode())
                block = (_PARAGRAPH * 1000).encode()
                for _ in range(xml_mb * 2**20 // len(block) + 1):
                    part.write(block)
                part.write(b"</w:body></w:document>")
    return buffer.getvalue()


def claimed_size_docx(claimed: int = 3_000_000_000, compressed: int | None = None) -> bytes:
    """A small DOCX whose central directory claims ``word/document.xml`` inflates to
    ``claimed`` bytes (from ``compressed`` bytes, when given): the archive's directory is all
    the limits look at, so a lie there is refused as if it were true."""
    data = bytearray(docx_bytes())
    name = b"word/document.xml"
    pos = data.find(b"PK\x01\x02")
    while pos != -1:
        length = struct.unpack_from("<H", data, pos + 28)[0]
        if data[pos + 46 : pos + 46 + length] == name:
            struct.pack_into("<I", data, pos + 24, claimed)
            if compressed is not None:
                struct.pack_into("<I", data, pos + 20, compressed)
        pos = data.find(b"PK\x01\x02", pos + 4)
    return bytes(data)


def many_members_docx(count: int) -> bytes:
    """A DOCX with ``count`` extra empty parts."""
    base = zipfile.ZipFile(io.BytesIO(docx_bytes()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as out:
        for info in base.infolist():
            out.writestr(info.filename, base.read(info.filename))
        for i in range(count):
            out.writestr(f"word/media/empty{i}.bin", b"")
    return buffer.getvalue()


def deep_json(depth: int = 100_000) -> bytes:
    """A diarized-JSON-looking file nested ``depth`` lists deep."""
    return b'{"segments": ' + b"[" * depth + b"]" * depth + b"}"


def malformed_xlsx() -> bytes:
    """A workbook whose ``xl/workbook.xml`` is not well-formed XML."""
    good = xlsx_bytes([("1", "Great app, I switched from a spreadsheet.")])
    return replace_member(good, "xl/workbook.xml", b"<workbook><sheets><sheet name=")


def truncated_xlsx() -> bytes:
    """A workbook cut off halfway (an interrupted download)."""
    good = xlsx_bytes([("1", "Great app, I switched from a spreadsheet.")])
    return good[: len(good) // 2]


def utf16le_without_bom(text: str) -> bytes:
    return text.encode("utf-16-le")


def utf16be_without_bom(text: str) -> bytes:
    return text.encode("utf-16-be")


def random_bytes_without_nul(size: int = 4096, seed: int = 7) -> bytes:
    """Random bytes with every NUL replaced (so the NUL test alone cannot catch them)."""
    data = random.Random(seed).randbytes(size)
    return data.replace(b"\x00", b"\x01")


def unpunctuated_line(size: int) -> bytes:
    """One line of ``size`` bytes of words without any punctuation (a dictation dump)."""
    words = "so we kept the old spreadsheet and every week someone copied orders by hand "
    return b"Respondent: " + (words * (size // len(words) + 1)).encode()[:size] + b"\n"


GOOD_FILES: dict[str, str | bytes] = {
    "good/interview_en.txt": "Interviewer: Why did you switch?\n"
    "Respondent: Our old provider failed twice. We lost orders.\n",
    "good/interview_ru.txt": "Интервьюер: Почему вы ушли от прежнего банка?\n"
    "Респондент: Потому что там всё было дорого и медленно.\n",
    "good/call.vtt": "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Anna>Why did you look?\n\n"
    "00:00:04.500 --> 00:00:09.000\n<v Ben>The invoices kept bouncing back.\n\n"
    "00:00:09.500 --> 00:00:12.000\n<v Anna>And then?\n\n"
    "00:00:12.500 --> 00:00:15.000\n<v Ben>We moved in a week.\n",
    "good/reviews.csv": "id,text\n1,Switched from Excel and never looked back.\n"
    "2,Too expensive for a small shop.\n",
    "good/segments.json": json.dumps(
        {
            "segments": [
                {"speaker": "SPEAKER_00", "start": 0.0, "end": 2.0, "text": "Why now?"},
                {"speaker": "SPEAKER_01", "start": 2.5, "end": 6.0, "text": "Fees went up."},
            ]
        }
    ),
}


def write_good_files(folder: Path) -> list[str]:
    """Write the good files (and a good DOCX and XLSX) under ``folder``; return their names."""
    files: dict[str, str | bytes] = {
        **GOOD_FILES,
        "good/interview.docx": docx_bytes(),
        "good/reviews.xlsx": xlsx_bytes([("1", "Great app, I switched from a spreadsheet.")]),
    }
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode() if isinstance(content, str) else content)
    return sorted(Path(name).name for name in files)


def write_bad_files(folder: Path, bomb_mb: int = 8, long_line_mb: int = 10) -> dict[str, str]:
    """Write every bad file of the issue under ``folder``; return ``{name: words its error
    must contain}`` (files that are read despite being odd map to an empty string)."""
    files: dict[str, tuple[bytes, str]] = {
        "bad/content_types_without_overrides.docx": (
            content_types_without_overrides_docx(),
            "main document",
        ),
        "bad/broken_content_types.docx": (broken_content_types_docx(), "[Content_Types].xml"),
        "bad/broken_xml.docx": (broken_xml_docx(), "not well-formed"),
        "bad/missing_document.docx": (missing_document_docx(), "word/document.xml"),
        "bad/billion_laughs.docx": (billion_laughs_docx(), "entity"),
        "bad/zip_bomb.docx": (zip_bomb_docx(bomb_mb), "zip bomb"),
        "bad/claims_3gb.docx": (claimed_size_docx(), "limit"),
        "bad/deep.json": (deep_json(), "nest"),
        "bad/malformed.xlsx": (malformed_xlsx(), "Excel"),
        "bad/truncated.xlsx": (truncated_xlsx(), "Excel"),
        "bad/random_bytes.txt": (random_bytes_without_nul(), "binary"),
        "bad/photo.txt": (b"\xff\xd8\xff\xe0\x00\x10JFIF" + bytes(range(1, 200)), "JPEG"),
    }
    for name, (content, _) in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    odd = {
        "odd/utf16le_no_bom.txt": utf16le_without_bom(
            "Интервьюер: Почему вы сменили поставщика?\n"
            "Респондент: Старый поставщик дважды сорвал сроки.\n"
        ),
        "odd/long_line.txt": unpunctuated_line(long_line_mb * 2**20),
    }
    for name, content in odd.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return {Path(k).name: v for k, (_, v) in files.items()} | {Path(k).name: "" for k in odd}
