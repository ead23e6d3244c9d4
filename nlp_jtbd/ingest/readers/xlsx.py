"""Reviews from XLSX, read with openpyxl's read-only (streaming) mode.

The archive is checked against :mod:`nlp_jtbd.ingest.limits` first; whatever openpyxl raises
on a damaged workbook becomes an :class:`InputError` naming the row where it happened.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

from nlp_jtbd.errors import InputError
from nlp_jtbd.ingest.limits import office_fix, open_office_archive


def read_xlsx(
    path: Path, sheet: str | None
) -> tuple[list[str], Iterator[tuple[int, dict[str, object]]]]:
    """The header and the rows (numbered as Excel numbers them) of ``sheet`` (default: the
    first), after the archive passed the limits; damage is an :class:`InputError`."""
    from openpyxl import load_workbook

    open_office_archive(path, "xlsx").close()  # limits first: nothing inflated yet
    try:
        book = load_workbook(path, read_only=True, data_only=True)
        if sheet and sheet not in book.sheetnames:
            raise InputError(
                f"no sheet named '{sheet}'", fix=f"sheets are: {', '.join(book.sheetnames)}"
            )
        it = (book[sheet] if sheet else book.worksheets[0]).iter_rows(values_only=True)
        header: list[str] = []
        header_row = 0
        for header_row, values in enumerate(it, start=1):  # noqa: B007
            if values and any(v is not None and str(v).strip() for v in values):
                header = [
                    str(v).strip() if v is not None else f"column_{i + 1}"
                    for i, v in enumerate(values)
                ]
                break
    except _XLSX_ERRORS as exc:
        raise _xlsx_error(exc) from exc
    if not header:
        book.close()
        raise InputError("the sheet is empty", fix="put a header row and one review per row")

    def rows() -> Iterator[tuple[int, dict[str, object]]]:
        number = header_row
        try:
            for number, values in enumerate(it, start=header_row + 1):
                if values and any(v is not None and str(v).strip() for v in values):
                    padded = [*values, *[None] * len(header)][: len(header)]
                    yield number, dict(zip(header, padded, strict=True))
        except _XLSX_ERRORS as exc:
            raise _xlsx_error(exc, f"row {number + 1}") from exc
        finally:
            book.close()

    return header, rows()


# What openpyxl raises on damaged parts: zip errors, XML parse errors (SyntaxError subclasses
# from both ElementTree and lxml), and lookups of parts or attributes that are not there.
_XLSX_ERRORS = (
    zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, AttributeError, IndexError,
    SyntaxError, EOFError,
)  # fmt: skip


def _xlsx_error(exc: Exception, where: str | None = None) -> InputError:
    return InputError(
        f"not a readable Excel workbook ({exc.__class__.__name__}: {exc})",
        where=where,
        fix=office_fix("xlsx"),
    )
