"""Sentence splitting for Russian, English and Turkish speech transcripts and reviews.

`razdel` handles Russian abbreviations (т.е., ок., руб.), initials and quotes; we add the
English and Turkish abbreviations it does not know, and treat blank lines as hard breaks.
A sentence longer than :data:`~nlp_jtbd.ingest.limits.MAX_UTTERANCE_CHARS` (an unpunctuated
dictation, auto-captions) is cut into bounded pieces at a comma or a space, and recorded for
whoever reads the file to report (:func:`recording_long_sentences`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from razdel import sentenize

from nlp_jtbd.ingest.limits import MAX_UTTERANCE_CHARS
from nlp_jtbd.ingest.normalise import tidy

# Tokens that end with a period but do not end a sentence (lower-cased, without the period).
ABBREVIATIONS: dict[str, frozenset[str]] = {
    "en": frozenset(
        [
            "approx",
            "appt",
            "apt",
            "assn",
            "ave",
            "avg",
            "bldg",
            "corp",
            "dept",
            "dr",
            "est",
            "etc",
            "inc",
            "jr",
            "ltd",
            "mr",
            "mrs",
            "ms",
            "mt",
            "prof",
            "qty",
            "sr",
            "st",
            "vs",
            "e.g",
            "i.e",
            "a.m",
            "p.m",
            "u.s",
            "u.k",
            "cf",
            "ca",
            "jan",
            "feb",
            "mar",
            "apr",
            "jun",
            "jul",
            "aug",
            "sep",
            "sept",
            "oct",
            "nov",
            "dec",
            "min",
            "max",
            "tel",
            "ext",
            "misc",
        ]
    ),
    "tr": frozenset(
        [
            "dr",
            "prof",
            "doç",
            "doc",
            "yrd",
            "av",
            "müh",
            "öğr",
            "gör",
            "bkz",
            "vb",
            "vs",
            "yy",
            "bşk",
            "cad",
            "sok",
            "mah",
            "apt",
            "no",
            "tel",
            "krş",
            "örn",
            "s",
            "sf",
            "ltd",
            "şti",
            "a.ş",
            "alb",
            "yzb",
            "ord",
            "bn",
            "böl",
        ]
    ),
    "ru": frozenset(
        [
            "г",
            "гг",
            "ул",
            "д",
            "кв",
            "им",
            "проф",
            "акад",
            "доц",
            "тел",
            "стр",
            "рис",
            "см",
            "ср",
            "напр",
            "англ",
        ]
    ),
}
# Abbreviations that only abbreviate before a number: "No. 5", "Vol. 2" (but "Oh no. Do you…").
NUMBER_ABBREVIATIONS = frozenset({"no", "nos", "nr", "vol", "fig", "p", "pp", "№", "s"})
# razdel treats short lower-case words before a period as abbreviations ("Oh no. Do you…");
# outside Russian we split there unless the word is a known abbreviation.
_MISSED_BOUNDARY = re.compile(r"(?<![^\W\d_])([^\W\d_]{2,})[.!?…]+[\"'»”]?\s+(?=[\"'«“]?[^\W\d_])")
_PARAGRAPH = re.compile(r"\n[ \t]*\n+")
_SOFT_BREAKS = (", ", "; ", ": ", " — ", " – ", " - ")
_SPACES = (" ", "\n", "\t", "\u00a0")
_LAST_TOKEN = re.compile(r"([^\s(«\"']+)\.$")


@dataclass(frozen=True)
class LongSentence:
    """A stretch of text without a sentence end, longer than an utterance may be."""

    head: str  # how its first piece's tidied text begins, to find the utterance it became
    chars: int  # its length
    pieces: int  # how many pieces it was cut into


_LONG: ContextVar[list[LongSentence] | None] = ContextVar("long_sentences", default=None)


@contextmanager
def recording_long_sentences() -> Iterator[list[LongSentence]]:
    """Collect the over-long sentences :func:`split_sentences` cuts while the block runs."""
    found: list[LongSentence] = []
    previous = _LONG.get()
    _LONG.set(found)
    try:
        yield found
    finally:
        _LONG.set(previous)


def split_sentences(
    text: str, lang: str = "en", limit: int = MAX_UTTERANCE_CHARS
) -> list[tuple[int, int]]:
    """Return ``(start, end)`` character spans of the sentences in ``text``.

    Spans never cross a blank line, never include surrounding whitespace and are at most
    ``limit`` characters long: a longer sentence is cut into pieces (see the module).
    """
    spans: list[tuple[int, int]] = []
    pos = 0
    for match in [*_PARAGRAPH.finditer(text), None]:
        end = match.start() if match else len(text)
        spans.extend(_split_paragraph(text, pos, end, lang))
        if match:
            pos = match.end()
    if all(b - a <= limit for a, b in spans):
        return spans
    bounded: list[tuple[int, int]] = []
    for a, b in spans:
        if b - a <= limit:
            bounded.append((a, b))
            continue
        pieces = bounded_pieces(text, a, b, limit)
        found = _LONG.get()
        if found is not None:
            first, first_end = pieces[0]
            head = tidy(text[first : min(first_end, first + 200)])[:40]
            found.append(LongSentence(head, b - a, len(pieces)))
        bounded.extend(pieces)
    return bounded


def bounded_pieces(text: str, start: int, end: int, limit: int) -> list[tuple[int, int]]:
    """Cut ``text[start:end]`` into spans of at most ``limit`` characters, each ending at the
    last comma (or dash, colon, semicolon) or else the last space of its second half, and
    nowhere in particular only when there is neither."""
    pieces: list[tuple[int, int]] = []
    while end - start > limit:
        cut = _break_at(text, start + limit // 2, start + limit)
        stop = cut
        while stop > start and text[stop - 1].isspace():
            stop -= 1
        pieces.append((start, stop))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if start < end:
        pieces.append((start, end))
    return pieces


def _break_at(text: str, low: int, high: int) -> int:
    """Where to end a piece that must end by ``high``: after the last comma (dash, colon,
    semicolon) or at the last space from ``low`` on, else at ``high``."""
    soft = [at + len(m) - 1 for m in _SOFT_BREAKS if (at := text.rfind(m, low, high + 1)) >= 0]
    if soft:
        return max(soft)
    space = max(text.rfind(c, low, high) for c in _SPACES)
    return space if space >= low else high


def _split_paragraph(text: str, start: int, end: int, lang: str) -> list[tuple[int, int]]:
    chunk = text[start:end]
    if not chunk.strip():
        return []
    raw = [(start + s.start, start + s.stop) for s in sentenize(chunk)]
    abbreviations = ABBREVIATIONS.get(lang, ABBREVIATIONS["en"])
    if lang != "ru":
        raw = [part for span in raw for part in _resplit(text, span, abbreviations)]
    merged: list[tuple[int, int]] = []
    for span in raw:
        previous = text[merged[-1][0] : merged[-1][1]] if merged else ""
        following = text[span[0] : span[1]]
        if merged and _ends_with_abbreviation(previous, abbreviations, following):
            merged[-1] = (merged[-1][0], span[1])
        else:
            merged.append(span)
    return merged


def _ends_with_abbreviation(sentence: str, abbreviations: frozenset[str], following: str) -> bool:
    match = _LAST_TOKEN.search(sentence)
    if not match:
        return False
    token = match.group(1).lower()
    if token in NUMBER_ABBREVIATIONS:
        return following[:1].isdigit()
    return token in abbreviations


def _resplit(
    text: str, span: tuple[int, int], abbreviations: frozenset[str]
) -> list[tuple[int, int]]:
    start, end = span
    parts: list[tuple[int, int]] = []
    for match in _MISSED_BOUNDARY.finditer(text, start, end):
        word = match.group(1)
        following = text[match.end() : match.end() + 1]
        if word.lower() in abbreviations or not following.isupper():
            continue
        parts.append((start, match.end() - (len(match.group(0)) - len(match.group(0).rstrip()))))
        start = match.end()
    parts.append((start, end))
    return parts
