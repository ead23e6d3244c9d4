"""Sentence splitting for Russian, English and Turkish speech transcripts and reviews.

`razdel` handles Russian abbreviations (т.е., ок., руб.), initials and quotes; we add the
English and Turkish abbreviations it does not know, and treat blank lines as hard breaks.
"""

from __future__ import annotations

import re

from razdel import sentenize

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
_LAST_TOKEN = re.compile(r"([^\s(«\"']+)\.$")


def split_sentences(text: str, lang: str = "en") -> list[tuple[int, int]]:
    """Return ``(start, end)`` character spans of the sentences in ``text``.

    Spans never cross a blank line and never include surrounding whitespace.
    """
    spans: list[tuple[int, int]] = []
    pos = 0
    for match in [*_PARAGRAPH.finditer(text), None]:
        end = match.start() if match else len(text)
        spans.extend(_split_paragraph(text, pos, end, lang))
        if match:
            pos = match.end()
    return spans


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
