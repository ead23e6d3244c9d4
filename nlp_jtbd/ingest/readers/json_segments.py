"""Segments read from a speech-to-text JSON → speaker turns with timed pieces.

Each tool's layout (``json_formats``) is reduced to :class:`Segment` objects; this module gives
them speakers (the words' majority, else the previous speaker) and cuts each segment into pieces
that end at sentence punctuation, timed by the tool's word timings, so every sentence gets the
start of its own first word rather than the start of its segment.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise

from nlp_jtbd.ingest import speakers
from nlp_jtbd.ingest.model import Piece, Turn

_TOKEN = re.compile(r"\S+")
_SENTENCE_END = re.compile(r"[.!?…。？！]+[\"'»”’)\]]*$")
_NOT_ALNUM = re.compile(r"[\W_]+")
_LOOKAHEAD = 4  # words a text token may skip to find its timing (fillers the text left out)


@dataclass
class Word:
    """One timed word as the tool wrote it."""

    text: str
    start: float | None = None
    end: float | None = None
    speaker: str | None = None


@dataclass
class Segment:
    """A run of speech from the JSON: one segment, utterance, monologue or paragraph.

    ``words`` time the text's tokens; ``sentences`` (Deepgram's paragraphs) are already timed
    pieces of ``text`` and take precedence over ``words``.
    """

    text: str
    loc: str
    speaker: str | None = None
    start: float | None = None
    end: float | None = None
    words: list[Word] = field(default_factory=list)
    sentences: list[tuple[str, float | None, float | None]] = field(default_factory=list)


@dataclass
class Built:
    turns: list[Turn]
    source_text: str
    warnings: list[str]


def words_speaker(words: list[Word]) -> str | None:
    """The speaker most of ``words`` carry (the first such in a tie), or None."""
    counts = Counter(w.speaker for w in words if w.speaker is not None)
    if not counts:
        return None
    best = max(counts.values())
    return next(w.speaker for w in words if w.speaker is not None and counts[w.speaker] == best)


def build_turns(segments: list[Segment]) -> Built:
    """Turns (one per segment; the pipeline merges a speaker's consecutive ones) and the plain
    text they index: the segment texts joined by newlines."""
    warnings = _fill_speakers(segments)
    turns: list[Turn] = []
    parts: list[str] = []
    pos = 0
    for segment in segments:
        if parts:
            parts.append("\n")
            pos += 1
        pieces = [
            Piece(p.text, pos + p.a, pos + p.b, segment.loc, p.start, p.end, " ")
            for p in _pieces(segment)
        ]
        parts.append(segment.text)
        pos += len(segment.text)
        label = segment.speaker or "unknown"
        hint = None
        if len(speakers.normalise_label(label)) > 1 and not speakers.is_anonymous(label):
            hint = speakers.role_from_label(label)
        turns.append(
            Turn(speaker=speakers.speaker_name(label), pieces=pieces, role_hint=hint, label=label)
        )
    return Built(turns, "".join(parts), warnings)


def _fill_speakers(segments: list[Segment]) -> list[str]:
    """Give speaker-less segments their words' majority speaker, else the previous speaker."""
    by_words = []
    for segment in segments:
        if segment.speaker is None and (majority := words_speaker(segment.words)):
            segment.speaker = majority
            by_words.append(segment)
    warnings = []
    if by_words:
        warnings.append(
            f"{_locs(by_words)}: {_count(len(by_words))} no speaker; "
            f"{_each(len(by_words))} given the speaker of most of its words"
        )
    missing = [s for s in segments if s.speaker is None]
    if not missing:
        return warnings
    if len(missing) == len(segments):
        warnings.append(
            "no segment names a speaker (the transcript was made without speaker diarization); "
            "all text is attributed to one speaker, 'unknown'"
        )
        return warnings
    previous = next(s.speaker for s in segments if s.speaker is not None)
    for segment in segments:
        if segment.speaker is None:
            segment.speaker = previous
        previous = segment.speaker
    warnings.append(
        f"{_locs(missing)}: {_count(len(missing))} no speaker and no word with one; "
        f"{_each(len(missing))} given to the speaker before it"
    )
    return warnings


def _count(n: int) -> str:
    return "the segment names" if n == 1 else f"{n} segments name"


def _each(n: int) -> str:
    return "it was" if n == 1 else "each was"


def _locs(segments: list[Segment]) -> str:
    """``segment 3, 7, 12 …`` for a warning's location."""
    numbers = [s.loc.removeprefix("segment ") for s in segments[:5]]
    return "segment " + ", ".join(numbers) + (" …" if len(segments) > 5 else "")


@dataclass
class _Span:
    text: str
    a: int
    b: int
    start: float | None
    end: float | None


def _pieces(segment: Segment) -> list[_Span]:
    """The segment cut at sentence punctuation, each piece timed by its words."""
    text = segment.text
    if segment.sentences:
        spans = _sentence_pieces(segment)
        if spans:
            return spans
    tokens = [(m.start(), m.end()) for m in _TOKEN.finditer(text)]
    timed = _align(text, tokens, segment.words) if segment.words else []
    if not timed or len(tokens) < 2:
        return [_Span(text, 0, len(text), segment.start, segment.end)]
    spans = []
    first = 0
    for index, (a, b) in enumerate(tokens):
        if index == len(tokens) - 1 or _SENTENCE_END.search(text[a:b]):
            starts = [t[0] for t in timed[first : index + 1] if t[0] is not None]
            ends = [t[1] for t in timed[first : index + 1] if t[1] is not None]
            begin = tokens[first][0]
            spans.append(
                _Span(
                    text[begin:b],
                    begin,
                    b,
                    starts[0] if starts else None,
                    ends[-1] if ends else None,
                )
            )
            first = index + 1
    _bound(spans, segment.start, segment.end)
    return spans


def _sentence_pieces(segment: Segment) -> list[_Span]:
    """Deepgram's timed sentences located in the paragraph text built from them."""
    spans = []
    cursor = 0
    for sentence, start, end in segment.sentences:
        a = segment.text.find(sentence, cursor)
        if a < 0:
            return []
        cursor = a + len(sentence)
        spans.append(_Span(sentence, a, cursor, start, end))
    return spans


def _bound(spans: list[_Span], start: float | None, end: float | None) -> None:
    """The segment's own times open its first piece and close its last; a piece without a
    timed word borrows the neighbouring piece's time."""
    if start is not None:
        spans[0].start = start
    if end is not None:
        spans[-1].end = end
    for before, after in pairwise(spans):
        if after.start is None:
            after.start = before.end
    for before, after in reversed(list(pairwise(spans))):
        if before.end is None:
            before.end = after.start


def norm_token(token: str) -> str:
    """A word as compared across texts: case-folded letters and digits only."""
    return _NOT_ALNUM.sub("", token.casefold())


def _align(
    text: str, tokens: list[tuple[int, int]], words: list[Word]
) -> list[tuple[float | None, float | None]]:
    """Per text token, the timing of the word it matches (None where none matches).

    Returns an empty list when fewer than half of the tokens find their word: the words then
    belong to another text (a tool that rewrote numbers or casing) and the segment's own times
    are used.
    """
    keys = [norm_token(w.text) for w in words]
    out: list[tuple[float | None, float | None]] = []
    j = 0
    matched = 0
    for a, b in tokens:
        key = norm_token(text[a:b])
        hit = None
        if key:
            for k in range(j, min(j + _LOOKAHEAD, len(words))):
                if keys[k] == key:
                    hit = k
                    break
        if hit is None:
            out.append((None, None))
            continue
        out.append((words[hit].start, words[hit].end))
        matched += 1
        j = hit + 1
    return out if matched * 2 >= len(tokens) else []
