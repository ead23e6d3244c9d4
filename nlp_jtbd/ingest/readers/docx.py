"""DOCX transcripts: paragraphs (and two/three-column speaker tables) read as labelled text."""

from __future__ import annotations

import io
import zipfile

from nlp_jtbd.errors import InputError


def docx_text(data: bytes) -> tuple[str, dict[str, str]]:
    """Plain text of a Word document, one paragraph a line, plus its core properties.

    A table whose rows are ``speaker | text`` or ``time | speaker | text`` becomes
    ``speaker: text`` lines, so table-style transcripts read like labelled ones.
    """
    from docx import Document as open_docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        doc = open_docx(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise InputError(
            f"not a readable Word document ({exc.__class__.__name__}: {exc})",
            fix="open it in Word or LibreOffice and save it again as .docx",
        ) from exc
    lines: list[str] = []
    for block in doc.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
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
