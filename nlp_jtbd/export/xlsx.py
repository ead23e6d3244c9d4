"""XLSX workbooks people read: a sheet per table with a bold frozen header and an autofilter,
columns as wide as their content (long text wrapped), whole numbers as integers, fractions with
two decimals, and every text cell an explicit string, never a formula (``=HYPERLINK(…)`` in a
review stays text)."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

# Columns holding sentences: wide and wrapped.
WRAPPED = {"text", "question", "quotes", "quote", "representatives", "description", "statement"}
_WRAP_WIDTH = 50
_MAX_WIDTH = 30
_LINE_HEIGHT = 15  # points per line of wrapped text
_MIN_WIDTH = 6


def _value(value: object) -> object:
    """A cell value openpyxl writes: None for missing, plain Python numbers and booleans."""
    if value is None or (not isinstance(value, str | list | dict) and pd.isna(value)):
        return None
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    if isinstance(value, list | dict | tuple):
        return str(value)
    return value


def _width(frame: pd.DataFrame, name: str) -> float:
    if name in WRAPPED:
        return _WRAP_WIDTH
    sample = frame[name].dropna().astype(str).head(2000)
    longest = int(sample.str.len().quantile(0.95)) if len(sample) else 0
    return float(min(_MAX_WIDTH, max(_MIN_WIDTH, len(str(name)) + 3, longest + 2)))


def _row_heights(sheet: object, frame: pd.DataFrame) -> None:
    """Rows tall enough for their wrapped text (spreadsheets do not grow them on opening)."""
    wrapped = [c for c in frame.columns if c in WRAPPED]
    if not wrapped:
        return
    chars = _WRAP_WIDTH * 1.1  # characters per line of a column that wide, roughly
    lines = pd.concat(
        [frame[c].fillna("").astype(str).str.len().div(chars).apply(math.ceil) for c in wrapped],
        axis=1,
    ).max(axis=1)
    for row, count in enumerate(lines, start=2):
        if count > 1:
            sheet.row_dimensions[row].height = _LINE_HEIGHT * min(int(count), 15)


def write_workbook(tables: dict[str, pd.DataFrame], out: Path) -> Path:
    """Write ``tables`` to ``out``, one sheet each (names cut to Excel's 31 characters)."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import TYPE_STRING
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    out.parent.mkdir(parents=True, exist_ok=True)
    book = Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    for name, frame in tables.items():
        sheet = book.create_sheet(name[:31])
        sheet.append([str(c) for c in frame.columns])
        for cell in sheet[1]:
            cell.font = bold
        for row in frame.itertuples(index=False):
            sheet.append([_value(v) for v in row])
        for index, column in enumerate(frame.columns, start=1):
            letter = get_column_letter(index)
            sheet.column_dimensions[letter].width = _width(frame, str(column))
            dtype = frame[column].dtype
            number = (
                "0"
                if pd.api.types.is_integer_dtype(dtype)
                else "0.00"
                if pd.api.types.is_float_dtype(dtype)
                else None
            )
            align = wrap if column in WRAPPED else top
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                if cell.data_type == "f":  # openpyxl reads a leading "=" as a formula
                    cell.data_type = TYPE_STRING
                if number and isinstance(cell.value, int | float):
                    cell.number_format = number
                cell.alignment = align
        _row_heights(sheet, frame)
        sheet.freeze_panes = "A2"
        sheet.print_title_rows = "1:1"
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.scale = 60
        if len(frame.columns):
            sheet.auto_filter.ref = f"A1:{get_column_letter(len(frame.columns))}{len(frame) + 1}"
    book.save(out)
    return out


__all__ = ["WRAPPED", "write_workbook"]
