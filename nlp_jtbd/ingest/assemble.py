"""Documents → utterance rows: sentences of turns with offsets, timestamps and stable ids."""

from __future__ import annotations

import hashlib
from bisect import bisect_left, bisect_right

from nlp_jtbd.ingest.model import Document, Role
from nlp_jtbd.ingest.normalise import is_speech, tidy
from nlp_jtbd.ingest.sentences import split_sentences

CORE_COLUMNS = (
    "utterance_id", "doc_id", "customer_id", "source_type", "speaker", "role", "turn_index",
    "sentence_index", "text", "lang", "start_s", "end_s", "char_start", "char_end",
    "source_path", "source_format", "source_loc",
)  # fmt: skip


def utterance_id(doc_id: str, turn_index: int, sentence_index: int, text: str) -> str:
    """Stable id: the same document, position and text always give the same id."""
    key = f"{doc_id}\x1f{turn_index}\x1f{sentence_index}\x1f{text}".encode()
    return hashlib.sha1(key).hexdigest()[:16]


def document_rows(
    doc: Document,
    roles: dict[str, Role],
    lang: str,
    customer_id: str | None,
    split: bool = True,
) -> list[dict[str, object]]:
    """One row per sentence of each turn of ``doc``."""
    rows: list[dict[str, object]] = []
    for turn_index, turn in enumerate(doc.turns):
        parts: list[str] = []
        starts: list[int] = []
        length = 0
        for piece in turn.pieces:
            if parts:
                parts.append(piece.joiner)
                length += len(piece.joiner)
            starts.append(length)
            parts.append(piece.text)
            length += len(piece.text)
        merged = "".join(parts)
        spans = split_sentences(merged, lang) if split else [_strip_span(merged)]
        if split and len(turn.pieces) > 1 and turn.pieces[0].start_s is not None:
            spans = _cut_at_cues(merged, spans, starts[1:])
        for sentence_index, (a, b, text) in enumerate(_speech_spans(merged, spans)):
            first = max(bisect_right(starts, a) - 1, 0)
            last = max(bisect_right(starts, b - 1) - 1, 0)
            p, q = turn.pieces[first], turn.pieces[last]
            char_start = p.src_start + min(max(a - starts[first], 0), p.src_end - p.src_start)
            char_end = q.src_start + min(max(b - starts[last], 0), q.src_end - q.src_start)
            rows.append(
                {
                    "utterance_id": utterance_id(doc.doc_id, turn_index, sentence_index, text),
                    "doc_id": doc.doc_id,
                    "customer_id": customer_id,
                    "source_type": doc.source_type,
                    "speaker": turn.speaker,
                    "role": roles.get(turn.speaker, "unknown"),
                    "turn_index": turn_index,
                    "sentence_index": sentence_index,
                    "text": text,
                    "lang": lang,
                    "start_s": p.start_s,
                    "end_s": q.end_s,
                    "char_start": char_start,
                    "char_end": char_end,
                    "source_path": doc.path,
                    "source_format": doc.source_format,
                    "source_loc": p.loc,
                    **doc.metadata,
                }
            )
    return rows


SPOKEN_PIECE_CHARS = 300
"""A timed transcript's sentence longer than this (auto-captions and speech-to-text without
punctuation run for minutes without a sentence end) is cut where its cues or segments begin,
into pieces of at most about this length: the pauses the captioner heard, each with its own
start time. About 50 words, the length of a long spoken sentence."""


def _cut_at_cues(
    merged: str, spans: list[tuple[int, int]], cue_starts: list[int]
) -> list[tuple[int, int]]:
    """Cut spans longer than :data:`SPOKEN_PIECE_CHARS` at the cue starts inside them, each
    piece as long as it can be without passing the limit (a single longer cue stays whole)."""
    out: list[tuple[int, int]] = []
    for a, b in spans:
        if b - a <= SPOKEN_PIECE_CHARS:
            out.append((a, b))
            continue
        start, last = a, a
        for cue in cue_starts[bisect_right(cue_starts, a) : bisect_left(cue_starts, b)]:
            if cue - start > SPOKEN_PIECE_CHARS and last > start:
                out.append((start, last))
                start = last
            last = cue
        if b - start > SPOKEN_PIECE_CHARS and last > start:
            out.append((start, last))
            start = last
        out.append((start, b))
    return [(x, _before_space(merged, x, y)) for x, y in out]


def _before_space(text: str, start: int, end: int) -> int:
    """``end`` moved back over the whitespace that ends ``text[start:end]``."""
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def _speech_spans(merged: str, spans: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
    """Tidy sentence texts; fragments without words ("👍", "!!") join the sentence before them.

    A turn that is nothing but such a fragment (a "👍" review) is kept as it is; pure
    transcription markup ("[laughter]") disappears.
    """
    out: list[tuple[int, int, str]] = []
    pending: int | None = None  # start of leading fragments, joined to the first sentence
    for a, b in spans:
        text = tidy(merged[a:b])
        if not text:
            continue
        if is_speech(text):
            if pending is not None:
                a, pending = pending, None
                text = tidy(merged[a:b])
            out.append((a, b, text))
        elif out:
            start = out[-1][0]
            out[-1] = (start, b, tidy(merged[start:b]))
        elif pending is None:
            pending = a
    if pending is not None:  # nothing but fragments: keep them as they are
        end = spans[-1][1]
        out.append((pending, end, tidy(merged[pending:end])))
    return out


def _strip_span(text: str) -> tuple[int, int]:
    start = len(text) - len(text.lstrip())
    return start, len(text.rstrip())
