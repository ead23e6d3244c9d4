"""Reviews and forum posts from CSV, JSONL and XLSX, streamed row by row.

Large files are never loaded whole: CSV is decoded line by line (a stray cp1251 line in a UTF-8
export is decoded and reported, not dropped), JSONL one object at a time, XLSX with openpyxl's
read-only mode.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from nlp_jtbd.errors import InputError
from nlp_jtbd.ingest.textio import (
    bom_encoding,
    check_not_binary,
    guess_legacy_encoding,
    iter_decoded_lines,
)

csv.field_size_limit(2**31 - 1)

_TEXT_NAMES = (
    "text", "review", "review_text", "reviewtext", "content", "body", "comment", "comments",
    "message", "post", "post_text", "feedback", "answer", "response", "verbatim", "description",
    "отзыв", "текст", "комментарий", "сообщение", "содержание", "ответ",
    "yorum", "metin", "içerik", "icerik", "mesaj", "görüş", "gorus",
)  # fmt: skip
_ID_NAMES = ("id", "review_id", "reviewid", "post_id", "comment_id", "message_id", "uuid", "doc_id")
_CUSTOMER_NAMES = (
    "customer_id", "customer", "client_id", "client", "user_id", "userid", "author_id",
    "account_id", "account", "клиент", "id_клиента", "müşteri_id", "musteri_id", "müşteri",
)  # fmt: skip
_DATE_NAMES = (
    "date", "created_at", "created", "timestamp", "time", "published", "published_at",
    "review_date", "posted_at", "дата", "tarih",
)  # fmt: skip
_AUTHOR_NAMES = ("author", "user", "username", "user_name", "reviewer", "name", "автор", "yazar")
_LETTERS = re.compile(r"[^\W\d_]")
CHUNK_BYTES = 1 << 20
_SUSPICIOUS_SPAN = 50  # lines one CSV row may span before we suspect an open quote


def _norm(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


@dataclass
class Columns:
    """Which columns hold what; everything else becomes metadata."""

    text: str
    id: str | None = None
    customer: str | None = None
    date: str | None = None
    author: str | None = None
    others: list[str] = field(default_factory=list)


def detect_columns(
    header: list[str],
    sample: list[dict[str, object]],
    *,
    text_col: str | None = None,
    id_col: str | None = None,
    customer_col: str | None = None,
    date_col: str | None = None,
) -> Columns:
    """Choose columns by name (en/ru/tr), falling back to the column with the longest text."""
    by_norm = {_norm(h): h for h in header}

    def pick(explicit: str | None, names: tuple[str, ...], parameter: str) -> str | None:
        if explicit:
            if explicit in header:
                return explicit
            if _norm(explicit) in by_norm:
                return by_norm[_norm(explicit)]
            raise InputError(
                f"column '{explicit}' (from {parameter}) is not in the file",
                where="header",
                fix=f"use one of the columns: {', '.join(header)}",
            )
        for name in names:
            if name in by_norm:
                return by_norm[name]
        return None

    text = pick(text_col, _TEXT_NAMES, "`text_col`")
    if text is None:
        text = _longest_text_column(header, sample)
    if text is None:
        raise InputError(
            "no column with review text was found",
            where="header",
            fix=f"name it with `text_col`; the columns are: {', '.join(header)}",
        )
    chosen = {text}
    cols = Columns(text=text)
    cols.id = pick(id_col, _ID_NAMES, "`id_col`")
    cols.customer = pick(customer_col, _CUSTOMER_NAMES, "`customer_col`")
    cols.date = pick(date_col, _DATE_NAMES, "`date_col`")
    cols.author = pick(None, _AUTHOR_NAMES, "")
    for name in (cols.id, cols.customer, cols.date, cols.author):
        if name:
            chosen.add(name)
    cols.others = [h for h in header if h not in chosen]
    return cols


def _longest_text_column(header: list[str], sample: list[dict[str, object]]) -> str | None:
    best, best_score = None, 0.0
    for name in header:
        values = [str(r.get(name) or "") for r in sample]
        values = [v for v in values if v.strip()]
        if not values:
            continue
        letters = sum(len(_LETTERS.findall(v)) for v in values) / len(values)
        spaces = sum(v.count(" ") for v in values) / len(values)
        if letters >= 15 and spaces >= 2 and letters > best_score:
            best, best_score = name, letters
    return best


@dataclass
class TableRows:
    """A header and a stream of ``(row number, {column: value})``."""

    header: list[str]
    rows: Iterator[tuple[int, dict[str, object]]]
    warnings: list[str] = field(default_factory=list)  # filled while iterating


def read_rows(
    path: Path, fmt: str, encoding: str | None = None, sheet: str | None = None
) -> TableRows:
    if fmt == "csv":
        return _read_csv(path, encoding)
    if fmt == "jsonl":
        return _read_jsonl(path, encoding)
    if fmt == "xlsx":
        from nlp_jtbd.ingest.readers.xlsx import read_xlsx

        return TableRows(*read_xlsx(path, sheet))
    raise ValueError(fmt)


def _byte_chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            yield chunk


def _text_lines(path: Path, encoding: str | None, warnings: list[str]) -> Iterator[str]:
    """Decoded lines; UTF-16/32 via a text stream, otherwise UTF-8 with a per-line fallback."""
    with path.open("rb") as handle:
        head = handle.read(CHUNK_BYTES)
    check_not_binary(head)
    bom, _ = bom_encoding(head)
    if encoding or (bom and not bom.startswith("utf-8")):
        enc = encoding or bom
        enc = {
            "utf-16-le": "utf-16",
            "utf-16-be": "utf-16",
            "utf-32-le": "utf-32",
            "utf-32-be": "utf-32",
        }.get(enc, enc)
        with path.open("r", encoding=enc, errors="strict", newline="") as handle:
            try:
                yield from handle
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"cannot decode the file as {enc}: {exc.reason}",
                    fix="omit `encoding` to detect it, or re-save the file as UTF-8",
                ) from exc
        return
    fallback: str | None = None
    fallback_lines: list[int] = []
    number, utf8_text = 0, False
    for number, (raw, line) in enumerate(iter_decoded_lines(_byte_chunks(path)), start=1):
        if line is None:
            if fallback is None:
                fallback = guess_legacy_encoding(_non_utf8_sample(path))
            line = raw.decode(fallback, errors="replace")
            fallback_lines.append(number)
        else:
            utf8_text = utf8_text or not line.isascii()
        yield line
    # A file wholly in one code page (its ASCII lines read as UTF-8 too) does not mix encodings.
    if fallback_lines and len(fallback_lines) < number and utf8_text:
        shown = ", ".join(map(str, fallback_lines[:10]))
        warnings.append(
            f"lines {shown}{' …' if len(fallback_lines) > 10 else ''}: not UTF-8, decoded as "
            f"{fallback} (the file mixes encodings; re-save it as UTF-8 to be sure)"
        )


def _non_utf8_sample(path: Path, limit: int = 65536) -> bytes:
    """Up to ``limit`` bytes of the file's non-UTF-8 lines, to guess their code page."""
    out: list[bytes] = []
    size = 0
    for raw, line in iter_decoded_lines(_byte_chunks(path)):
        if line is None:
            out.append(raw)
            size += len(raw)
            if size >= limit:
                break
    return b"\n".join(out)


def _read_csv(path: Path, encoding: str | None) -> TableRows:
    warnings: list[str] = []
    lines = _text_lines(path, encoding, warnings)
    head: list[str] = []
    for line in lines:
        head.append(line)
        if len(head) >= 50:
            break
    sample_text = "".join(head)
    try:
        dialect = csv.Sniffer().sniff(sample_text[:65536], delimiters=",;\t|")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    stream = _chain(head, lines)
    reader = csv.reader(stream, delimiter=delimiter, quotechar='"', doublequote=True)
    try:
        header = next(reader)
    except StopIteration as exc:
        raise InputError(
            "the CSV file is empty", fix="export the table again with a header row"
        ) from exc
    except csv.Error as exc:
        raise InputError(f"the CSV header cannot be read: {exc}", where="line 1") from exc
    header = [h.strip().lstrip("\ufeff") for h in header]
    if len(set(header)) != len(header) or any(not h for h in header):
        header = [h or f"column_{i + 1}" for i, h in enumerate(header)]
        seen: dict[str, int] = {}
        for i, h in enumerate(header):
            seen[h] = seen.get(h, 0) + 1
            if seen[h] > 1:
                header[i] = f"{h}_{seen[h]}"

    def rows() -> Iterator[tuple[int, dict[str, object]]]:
        end = reader.line_num
        while True:
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise InputError(
                    f"broken CSV quoting: {exc}",
                    where=f"line {reader.line_num}",
                    fix="check for an unclosed quote in that row",
                ) from exc
            line, end = end + 1, reader.line_num  # a quoted field may span several lines
            if not any(v.strip() for v in values):
                continue
            if end - line >= _SUSPICIOUS_SPAN:
                warnings.append(
                    f"line {line}: this row runs to line {end}; if that is not one long review, "
                    "a quote was left open there"
                )
            if len(values) != len(header):
                warnings.append(
                    f"line {line}: {len(values)} fields where the header has {len(header)}; "
                    + (
                        "extra fields were joined into the last column"
                        if len(values) > len(header)
                        else "missing fields were left empty"
                    )
                )
                if len(values) > len(header):
                    values = [*values[: len(header) - 1], delimiter.join(values[len(header) - 1 :])]
                else:
                    values = values + [""] * (len(header) - len(values))
            yield line, dict(zip(header, values, strict=True))

    return TableRows(header, rows(), warnings)


def _chain(head: list[str], rest: Iterator[str]) -> Iterator[str]:
    yield from head
    yield from rest


def _read_jsonl(path: Path, encoding: str | None) -> TableRows:
    warnings: list[str] = []
    lines = _text_lines(path, encoding, warnings)
    buffered: list[tuple[int, dict[str, object]]] = []
    header: dict[str, None] = {}
    number = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        obj = _json_line(line, number, warnings)
        if obj is None:
            continue
        buffered.append((number, obj))
        header.update(dict.fromkeys(obj))
        if len(buffered) >= 200:
            break
    start = number

    def rows() -> Iterator[tuple[int, dict[str, object]]]:
        yield from buffered
        for offset, line in enumerate(lines, start=start + 1):
            if line.strip():
                obj = _json_line(line, offset, warnings)
                if obj is not None:
                    yield offset, obj

    if not buffered:
        raise InputError("no JSON objects found", fix="write one JSON object per line")
    return TableRows(list(header), rows(), warnings)


def _json_line(line: str, number: int, warnings: list[str]) -> dict[str, object] | None:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        warnings.append(
            f"line {number}: not valid JSON ({exc.msg}, column {exc.colno}); row skipped"
        )
        return None
    if not isinstance(obj, dict):
        warnings.append(f"line {number}: a JSON {type(obj).__name__}, not an object; row skipped")
        return None
    return {
        k: (json.dumps(v, ensure_ascii=False) if isinstance(v, dict | list) else v)
        for k, v in obj.items()
    }


def as_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value != value:  # NaN
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
