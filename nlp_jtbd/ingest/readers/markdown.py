"""Markdown research notes: YAML front matter, and the sections that hold the researcher's own
words rather than speech (``## Summary``, ``## Key takeaways``, ``## Выводы``, ``## Özet``)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

import yaml

from nlp_jtbd.errors import InputError
from nlp_jtbd.ingest.readers.layouts import HEADING, Line

# A front-matter value longer than this (or on several lines) is text, not a field.
FIELD_MAX_CHARS = 200
_SUMMARY_HEADINGS = (
    # en
    "summary", "key takeaways", "takeaways", "key insights", "insights", "key findings",
    "findings", "notes", "my notes", "researcher notes", "observations", "conclusion",
    "conclusions", "next steps", "action items", "highlights", "tl;dr", "tldr", "recap",
    "key quotes", "quotes", "analysis", "synthesis", "forces",
    # ru
    "итоги", "итог", "выводы", "основные выводы", "ключевые выводы", "резюме", "саммари",
    "краткое содержание", "инсайты", "ключевые инсайты", "заметки", "наблюдения",
    "следующие шаги", "цитаты", "ключевые цитаты", "анализ", "силы", "главное",
    # tr
    "özet", "sonuç", "sonuçlar", "çıkarımlar", "temel çıkarımlar", "notlar", "gözlemler",
    "içgörüler", "önemli noktalar", "sonraki adımlar", "alıntılar", "analiz",
)  # fmt: skip
_NUMBERING = re.compile(r"^[\W\d_]+")


@dataclass
class FrontMatter:
    """Fields of a YAML front matter, where the body starts, and the fields too long to keep."""

    metadata: dict[str, str] = field(default_factory=dict)
    body: int = 0
    # (first line, last line, key, value) of the values longer than a line
    long_fields: list[tuple[int, int, str, str]] = field(default_factory=list)


def parse_front_matter(text: str) -> tuple[dict[str, str], int]:
    """YAML front matter → (metadata, offset where the body starts)."""
    fm = front_matter(text)
    return fm.metadata, fm.body


def front_matter(text: str) -> FrontMatter:
    """The front matter of ``text``; values longer than a line are listed, not kept."""
    if not text.startswith("---\n"):
        return FrontMatter()
    end = re.search(r"^(?:---|\.\.\.)[ \t]*$", text[4:], re.MULTILINE)
    if not end:
        raise InputError(
            "the YAML front matter opened on line 1 is never closed",
            where="line 1",
            fix="end the front matter with a line containing only '---'",
        )
    block = text[4 : 4 + end.start()]
    try:
        data = yaml.safe_load(block) or {}
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", 0) + 2
        raise InputError(
            f"the YAML front matter is not valid YAML: {getattr(exc, 'problem', exc)}",
            where=f"line {line}",
            fix="check indentation and quote values that contain ':'",
        ) from exc
    if not isinstance(data, dict):
        raise InputError(
            "the YAML front matter must be a mapping of keys to values",
            where="line 2",
            fix="write it as 'key: value' lines, e.g. 'customer_id: C0001'",
        )
    body = 4 + end.end()
    if text[body : body + 1] == "\n":
        body += 1
    result = FrontMatter(body=body)
    spans = _key_lines(block)
    for key, value in data.items():
        if value is None:
            continue
        name, text_value = str(key).strip(), _scalar(value)
        first, last = spans.get(name, (2, 1 + block.count("\n")))
        several_lines = isinstance(value, str) and last > first  # a block scalar: ``|`` or ``>``
        if several_lines or "\n" in text_value.strip() or len(text_value) > FIELD_MAX_CHARS:
            result.long_fields.append((first, last, name, text_value.strip()))
        else:
            result.metadata[name] = text_value
    return result


def _key_lines(block: str) -> dict[str, tuple[int, int]]:
    """Line range (1-based in the file; the block starts on line 2) of each top-level key."""
    starts: list[tuple[str, int]] = []
    rows = block.split("\n")
    for index, row in enumerate(rows):
        match = re.match(r"^([^\s#:][^:]*?)\s*:", row)
        if match:
            starts.append((match.group(1).strip().strip("'\""), index + 2))
    last_row = len(rows) + 1 if rows and rows[-1].strip() else len(rows)
    spans: dict[str, tuple[int, int]] = {}
    for i, (key, first) in enumerate(starts):
        last = starts[i + 1][1] - 1 if i + 1 < len(starts) else last_row
        spans[key] = (first, max(first, last))
    return spans


def _scalar(value: object) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)


def is_summary_heading(title: str) -> bool:
    """``## Summary``, ``### 3. Key takeaways:``, ``## Выводы и гипотезы``: not speech below."""
    text = _NUMBERING.sub("", title.strip().lower()).strip(" :.-–—*_")
    return any(
        text == word or text.startswith((word + " ", word + ":", word + " —", word + " -"))
        for word in _SUMMARY_HEADINGS
    )


def summary_lines(lines: list[Line], speech: set[int]) -> set[int]:
    """Indexes of the lines of ``## Summary``-like sections (the heading included) in which no
    line of ``speech`` (indexes of lines opening a speaker's turn) falls."""
    out: set[int] = set()
    section: list[int] | None = None
    spoken = False
    for index, line in enumerate([*lines, None]):
        if line is None or line.kind == "heading":
            if section is not None and not spoken:
                out.update(section)
            section, spoken = None, False
            title = HEADING.match(line.text) if line is not None else None
            if title and is_summary_heading(title.group("title")):
                section = [index]
        elif section is not None:
            section.append(index)
            spoken = spoken or index in speech
    return out
