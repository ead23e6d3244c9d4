"""JSON text → Python objects, with a nesting-depth limit checked before parsing.

``json.loads`` recurses once per level, so a file of 100,000 ``[`` ends in a ``RecursionError``.
The brackets outside strings are counted first, at C speed, and a file nested deeper than
:data:`MAX_DEPTH` is refused with the line and column where the limit is passed.
"""

from __future__ import annotations

import json
import re
from array import array
from itertools import accumulate

from nlp_jtbd.errors import InputError

MAX_DEPTH = 64  # transcript exports need about 12 levels (Deepgram's paragraphs go deepest)
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_STEP = str.maketrans({"[": "\x01", "{": "\x01", "]": "\xff", "}": "\xff"})
_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.S)


def parse_json_text(text: str, max_depth: int = MAX_DEPTH) -> object:
    """Parse ``text``; malformed or too deeply nested JSON raises :class:`InputError`."""
    if max_depth_of(text) > max_depth:
        raise InputError(
            f"the JSON is nested deeper than {max_depth} levels",
            where=_where_depth_passes(text, max_depth),
            fix="this is not a transcript export (they nest about 12 levels); check that the "
            "file is the tool's JSON output and was not generated or corrupted",
        )
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"malformed JSON: {exc.msg}",
            where=f"line {exc.lineno}, column {exc.colno}",
            fix="the file may be truncated or hand-edited; validate it with a JSON linter",
        ) from exc
    except RecursionError as exc:  # a deeper stack than the bracket count saw; never expected
        raise InputError(
            f"the JSON is nested deeper than {max_depth} levels",
            fix="this is not a transcript export; check the file",
        ) from exc


def max_depth_of(text: str) -> int:
    """Deepest nesting of ``[``/``{`` outside strings (an upper bound for broken files)."""
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    if not brackets:
        return 0
    steps = array("b", brackets.translate(_STEP).encode("latin-1"))
    return max(accumulate(steps))


def _where_depth_passes(text: str, max_depth: int) -> str | None:
    depth = 0
    for match in _TOKEN.finditer(text):
        token = match.group()
        if token in ("[", "{"):
            depth += 1
            if depth > max_depth:
                pos = match.start()
                line = text.count("\n", 0, pos) + 1
                column = pos - (text.rfind("\n", 0, pos) + 1) + 1
                return f"line {line}, column {column}"
        elif token in ("]", "}"):
            depth -= 1
    return None
