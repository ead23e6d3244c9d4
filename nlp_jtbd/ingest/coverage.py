"""How much of a transcript became utterances: the letters inside speaker turns against the
letters of the whole text, so that text left out of every turn shows even when no reader
warned about it.

What is structure, not speech, counts on neither side: speaker labels, timestamps and cue
timings, cue numbers and ids (any token with a digit), markup, and short ``Key: value`` lines
(front matter, a header block). Everything else on a line that holds no turn text (a
preamble, a trailer, a heading, an annotation, a long metadata field) counts as left out.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from nlp_jtbd.ingest.model import Document
from nlp_jtbd.ingest.report import FileCoverage

_LETTER = re.compile(r"[^\W\d_]")
_WITH_DIGIT = re.compile(r"\S*\d\S*")
_TAG = re.compile(r"<[^>\n]{0,200}>|^WEBVTT\b|^NOTE\b|^STYLE$|^REGION$|&[a-z]+;")
_SHORT_FIELD = re.compile(r"^[ \t]*[^\W\d][\w .'’-]{0,40}:[ \t]*(?:\S.{0,79})?$")


def letters(text: str) -> int:
    return len(_LETTER.findall(text))


def document_coverage(doc: Document) -> FileCoverage:
    """The share of ``doc``'s letters that lie in its speaker turns."""
    text = doc.source_text
    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
    spoken = bytearray(len(line_starts))  # lines that hold turn text
    inside = 0
    for turn in doc.turns:
        for piece in turn.pieces:
            start, end = max(piece.src_start, 0), min(piece.src_end, len(text))
            if end <= start:
                continue
            inside += letters(text[start:end])
            first = bisect_right(line_starts, start) - 1
            last = bisect_right(line_starts, end - 1) - 1
            spoken[first : last + 1] = b"\x01" * (last - first + 1)
    names = sorted(
        {n for t in doc.turns for n in (t.speaker, t.label) if n and n.strip()},
        key=len,
        reverse=True,
    )
    label = re.compile("|".join(re.escape(n) for n in names), re.IGNORECASE) if names else None
    left_out = 0
    for index, start in enumerate(line_starts):
        if spoken[index]:
            continue
        end = line_starts[index + 1] - 1 if index + 1 < len(line_starts) else len(text)
        line = text[start:end]
        if not line.strip() or _SHORT_FIELD.match(line):
            continue
        line = _WITH_DIGIT.sub(" ", _TAG.sub(" ", line))
        if label is not None:
            line = label.sub(" ", line)
        left_out += letters(line)
    return FileCoverage(doc.path, inside + left_out, inside)


__all__ = ["document_coverage", "letters"]
