"""DOCX transcripts: paragraphs (and two/three-column speaker tables) read as labelled text.

The archive is checked against the limits of :mod:`nlp_jtbd.ingest.limits` and its package
structure (content types, the main document part) before python-docx parses it, so a damaged
or hostile file is that file's :class:`InputError`, with the part at fault and how to fix it.
"""

from __future__ import annotations

import io
import posixpath
import zipfile

from lxml import etree

from nlp_jtbd.errors import InputError
from nlp_jtbd.ingest.limits import office_fix, open_office_archive

_MAIN_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_OFFICE_DOCUMENT = "/officeDocument"  # end of the main relationship's type (transitional/strict)
_CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
# Parse errors python-docx lets through on damaged parts (beyond the package checks below).
_DOCX_ERRORS = (
    zipfile.BadZipFile, KeyError, ValueError, AttributeError, TypeError, IndexError,
    etree.LxmlError, EOFError, NotImplementedError, RuntimeError,
)  # fmt: skip
_FIX = office_fix("docx")


def docx_text(data: bytes) -> tuple[str, dict[str, str]]:
    """Plain text of a Word document, one paragraph a line, plus its core properties.

    A table whose rows are ``speaker | text`` or ``time | speaker | text`` becomes
    ``speaker: text`` lines, so table-style transcripts read like labelled ones.
    """
    with open_office_archive(data, "docx") as archive:
        main = check_package(archive)
    try:
        return _read(data)
    except etree.XMLSyntaxError as exc:
        raise _malformed(main, exc) from exc
    except _DOCX_ERRORS as exc:
        raise InputError(
            f"not a readable Word document (reading '{main}': {exc.__class__.__name__}: {exc})",
            fix=_FIX,
        ) from exc


def check_package(archive: zipfile.ZipFile) -> str:
    """Name of the main document part, after checking that ``[Content_Types].xml`` and
    ``_rels/.rels`` are well-formed and declare it as a Word document."""
    names = set(archive.namelist())
    types = _xml_part(archive, "[Content_Types].xml", names)
    rels = _xml_part(archive, "_rels/.rels", names)
    targets = [
        rel.get("Target", "")
        for rel in rels.iter(f"{_REL}Relationship")
        if rel.get("Type", "").endswith(_OFFICE_DOCUMENT)
    ]
    if not targets:
        raise InputError(
            "not a readable Word document: '_rels/.rels' names no main document part",
            fix=_FIX,
        )
    main = posixpath.normpath(targets[0].lstrip("/"))
    if main not in names:
        raise InputError(
            f"not a readable Word document: its main document part '{main}' is missing",
            fix=_FIX,
        )
    overrides = {
        (o.get("PartName") or "").lstrip("/"): o.get("ContentType")
        for o in types.iter(f"{_CT}Override")
    }
    declared = overrides.get(main)
    if declared is None:
        defaults = {
            (d.get("Extension") or "").lower(): d.get("ContentType")
            for d in types.iter(f"{_CT}Default")
        }
        declared = defaults.get(posixpath.splitext(main)[1].lstrip(".").lower())
    if declared != _MAIN_TYPE:
        found = f"declares it as '{declared}'" if declared else "does not declare it"
        raise InputError(
            f"not a readable Word document: '[Content_Types].xml' {found}, not as the main "
            f"document part '{main}' of a .docx (templates and macro documents are not read)",
            fix=_FIX,
        )
    return main


def _xml_part(archive: zipfile.ZipFile, name: str, names: set[str]) -> etree._Element:
    if name not in names:
        raise InputError(f"not a readable Word document: it has no '{name}'", fix=_FIX)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        return etree.fromstring(archive.read(name), parser)
    except etree.XMLSyntaxError as exc:
        raise _malformed(name, exc) from exc


def _malformed(part: str, exc: etree.XMLSyntaxError) -> InputError:
    """The error for a part of the document that is not well-formed XML."""
    return InputError(
        f"not a readable Word document: '{part}' is not well-formed XML ({exc.msg})",
        where=f"'{part}', line {exc.lineno}" if exc.lineno else None,
        fix=_FIX,
    )


def _read(data: bytes) -> tuple[str, dict[str, str]]:
    from docx import Document as open_docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    doc = open_docx(io.BytesIO(data))
    lines: list[str] = []
    for block in doc.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1] if isinstance(block.tag, str) else ""
        if tag == "p":
            lines.append(Paragraph(block, doc).text)
        elif tag == "tbl":
            for row in Table(block, doc).rows:
                cells = [c.text.strip() for c in row.cells]
                cells = [c for i, c in enumerate(cells) if c and (i == 0 or c != cells[i - 1])]
                if len(cells) == 2 and len(cells[0]) <= 40:
                    lines.append(f"{cells[0]}: {cells[1]}")
                elif len(cells) == 3 and len(cells[1]) <= 40:
                    lines.append(f"[{cells[0]}] {cells[1]}: {cells[2]}")
                else:
                    lines.append(" ".join(cells))
            lines.append("")
    props = doc.core_properties
    meta = {
        key: str(value)
        for key, value in (("title", props.title), ("document_author", props.author))
        if value and value != "python-docx"  # the library's placeholder, not a person
    }
    return "\n".join(lines), meta
