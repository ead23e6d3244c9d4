"""Text positions of REFI-QDA selections, in UTF-16 code units.

The standard counts ``startPosition``/``endPosition`` in "characters" from 0, the end after the
last selected one, without saying which characters. The tools that read and write it count
UTF-16 code units: QualCoder highlights with Qt's ``QTextCursor`` (UTF-16 units), NVivo and
ATLAS.ti (.NET) and MAXQDA (Delphi) keep text as UTF-16 strings. Code points and UTF-16 units
differ only for characters outside the Basic Multilingual Plane (emoji such as 🙏, some CJK),
which take two units; Python indexes code points, so every position is converted here.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


class Utf16Index:
    """Converts between Python (code point) indices and UTF-16 positions of one text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._astral = [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF]
        # UTF-16 position just after each astral character (its two code units)
        self._ends = [i + n + 2 for n, i in enumerate(self._astral)]

    def to_utf16(self, index: int) -> int:
        """The UTF-16 position of code point index ``index``."""
        return index + bisect_left(self._astral, index)

    def from_utf16(self, position: int) -> int:
        """The code point index of UTF-16 ``position``; one between the two units of a
        surrogate pair moves to the start of its character."""
        before = bisect_right(self._ends, position)
        inside = before < len(self._ends) and position == self._ends[before] - 1
        return position - before - (1 if inside else 0)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """UTF-16 ``(startPosition, endPosition)`` of the code point span ``[start, end)``."""
        return self.to_utf16(start), self.to_utf16(end)


__all__ = ["Utf16Index", "utf16_len"]
