"""Text that goes into no turn, reported with its lines and size so nothing is lost silently."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_SAMPLE_CHARS = 60


@dataclass
class Span:
    first: int
    last: int
    chars: int
    sample: str


@dataclass
class LeftOut:
    """Collects left-out lines by what they are (``the preamble before the first speaker``,
    ``annotations``); consecutive lines of one kind make one span."""

    spans: dict[str, list[Span]] = field(default_factory=dict)

    def add(
        self, what: str, number: int, text: str, last: int | None = None, chars: int | None = None
    ) -> None:
        """Line ``number`` (to ``last``) holding ``text`` (``chars`` long) is left out as
        ``what``."""
        text = text.strip()
        if not text:
            return
        size = len(text) if chars is None else chars
        spans = self.spans.setdefault(what, [])
        end = number if last is None else last
        if spans and spans[-1].last >= number - 2:  # next line, or after one blank line
            spans[-1].last = max(spans[-1].last, end)
            spans[-1].chars += size
        else:
            spans.append(Span(number, end, size, _sample(text)))

    def discard(self, what: str) -> None:
        self.spans.pop(what, None)

    def warnings(self) -> list[str]:
        """``lines 1-12: left out the preamble before the first speaker, not speech (1,840
        characters): “…”`` — one warning per kind."""
        out: list[str] = []
        for what, spans in sorted(self.spans.items(), key=lambda item: item[1][0].first):
            chars = sum(s.chars for s in spans)
            ranges = ", ".join(_range(s) for s in spans[:8]) + (" …" if len(spans) > 8 else "")
            word = "line" if len(spans) == 1 and spans[0].first == spans[0].last else "lines"
            places = f" in {len(spans)} places" if len(spans) > 1 else ""
            out.append(
                f"{word} {ranges}: left out {what}{places}, not speech "
                f"({chars:,} characters): “{spans[0].sample}”"
            )
        return out


def _range(span: Span) -> str:
    return str(span.first) if span.first == span.last else f"{span.first}-{span.last}"


def _sample(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= _SAMPLE_CHARS else text[: _SAMPLE_CHARS - 3].rstrip() + "…"
