"""Plain-text, Markdown and DOCX transcripts with speaker labels at line start.

Reads the layouts of :mod:`~nlp_jtbd.ingest.readers.layouts` (``Интервьюер:``, ``Q:``/``A:``,
``**Name:**``, Rev, Otter, Descript, Google Meet …), YAML front matter and a header block of
``Key: value`` lines. Which labels are speakers is decided by
:func:`nlp_jtbd.ingest.labels.speaker_labels`, so ``Цена: 4 500 руб.`` inside an answer stays
part of the answer and ``**Key insight:**`` is never a speaker. Unlabelled lines continue the
current speaker. What goes into no turn (a preamble, a tool's footer, headings, annotations,
summary sections, long front-matter fields) is reported with its lines and size.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from nlp_jtbd.ingest import speakers
from nlp_jtbd.ingest.labels import LabelUse, is_annotation, speaker_labels
from nlp_jtbd.ingest.model import Piece, Turn
from nlp_jtbd.ingest.readers.header import fields as header_fields
from nlp_jtbd.ingest.readers.header import label_key, listed_people, people
from nlp_jtbd.ingest.readers.layouts import (
    HEADING,
    LEADING_TS,
    QUOTE,
    Line,
    boilerplate_field,
    classify,
    end_time,
)
from nlp_jtbd.ingest.readers.leftout import LeftOut
from nlp_jtbd.ingest.readers.markdown import (
    FIELD_MAX_CHARS,
    FrontMatter,
    parse_front_matter,
    summary_lines,
)
from nlp_jtbd.ingest.readers.markdown import front_matter as read_front_matter
from nlp_jtbd.ingest.timecodes import parse_timecode

# Kept for the subtitle reader: a speaker label at the start of a cue line.
LABEL_PATTERN = (
    r"(?P<label>[^\W\d_][^\W_]*(?:[ .'’_-]{1,2}[^\W_]+\.?){0,4}"
    r"(?:[ \t]*[(\[][^)\]\n]{1,40}[)\]])?)"
)
_MD_PREFIX = re.compile(r"^[ \t]*(?:>[ \t]*)*(?:[-*•+][ \t]+)?")
_INLINE_MARKUP = re.compile(r"\*\*|__")
_SPEAKER_LINES = ("label", "header", "bold")
PREAMBLE = "the preamble before the first speaker"
TOOL_LINES = "the transcription tool's header or footer"
HEADINGS = "headings"
ANNOTATIONS = "the researcher's annotations"
SUMMARY = "a summary section"
ORPHAN = "text with no speaker label (after a heading or an annotation)"

__all__ = ["LABEL_PATTERN", "ParsedTranscript", "parse_front_matter", "parse_transcript"]


@dataclass
class ParsedTranscript:
    turns: list[Turn]
    metadata: dict[str, str]
    warnings: list[str]


def parse_transcript(
    text: str,
    *,
    front_matter: bool = True,
    known_speakers: tuple[str, ...] = (),
) -> ParsedTranscript:
    """Split labelled text into speaker turns; offsets index ``text``."""
    fm = read_front_matter(text) if front_matter else FrontMatter()
    lines = classify(text, fm.body)
    fields = header_fields(lines)
    known = (*known_speakers, *people(fm.metadata), *listed_people(lines, fields))
    accepted = _accepted(lines, fields, set(), known)
    speech = {i for i, ln in enumerate(lines) if ln.label and label_key(ln.label) in accepted}
    summary = summary_lines(lines, speech)
    if summary:
        accepted = _accepted(lines, fields, summary, known)
    walk = _Walk(dict(fm.metadata), accepted, speakers.letter_roles(accepted))
    for first, last, key, value in fm.long_fields:
        walk.left_out.add(f"the front matter field '{key}', longer than a line", first, value, last)
    for index, line in enumerate(lines):
        walk.line(line, index in fields, index in summary)
    return walk.finish(lines)


def _uses(lines: list[Line], fields: set[int], summary: set[int]) -> list[tuple[int, LabelUse]]:
    counts = Counter(label_key(ln.label or "") for ln in lines if ln.kind == "label" and ln.body)
    # Bold lines of their own are speaker headers only where no `Name: text` lines recur.
    bold_headers = not any(n > 1 for n in counts.values())
    uses: list[tuple[int, LabelUse]] = []
    after: Line | None = None  # the next line that is not blank, walking backwards
    for index in range(len(lines) - 1, -1, -1):
        line = lines[index]
        skip = line.kind not in _SPEAKER_LINES or index in fields or index in summary
        if not skip and not (line.kind == "bold" and not bold_headers):
            opens = bool(line.body) or _speech_follows(after)
            timed = line.ts is not None or line.kind == "header"
            uses.append((index, LabelUse(line.label or "", opens, timed, line.bold)))
        if line.kind not in ("blank", "time"):
            after = line
    return uses[::-1]


def _speech_follows(after: Line | None) -> bool:
    """Whether the line after a label with nothing after it can be its text (``Bob (00:05):``
    then ``Price: too high.``), rather than another speaker's label or a heading."""
    if after is None:
        return False
    return after.kind in ("text", "quote") or (after.kind == "label" and after.ts is None)


def _accepted(
    lines: list[Line], fields: set[int], summary: set[int], known: tuple[str, ...]
) -> set[str]:
    return speaker_labels([u for _, u in _uses(lines, fields, summary)], known)


class _Walk:
    """Turns, metadata and left-out text, line by line."""

    def __init__(
        self, metadata: dict[str, str], accepted: set[str], letters: dict[str, speakers.Role]
    ) -> None:
        self.metadata = metadata
        self.accepted = accepted
        self.letters = letters
        self.left_out = LeftOut()
        self.turns: list[Turn] = []
        self.current: Turn | None = None
        self.preamble: list[Line] = []
        self.gap = False
        self.annotation = False  # inside an annotation's paragraph
        self.quoted = False  # the current turn opened inside a block quote
        self.block_ts: float | None = None
        self.block_end: float | None = None
        self.pending_ts: float | None = None

    def line(self, line: Line, field: bool, summary: bool) -> None:
        kind = line.kind
        norm = label_key(line.label) if line.label else None
        if kind in _SPEAKER_LINES and norm in self.accepted and not field and not summary:
            self.open(line, norm)
        elif kind in ("blank", "rule"):
            self.gap, self.annotation = True, False
        elif kind == "time":
            self.pending_ts = line.ts
        elif kind == "boilerplate":
            credit = boilerplate_field(line.text)
            if credit:
                self.metadata.setdefault(*credit)
            self.left_out.add(TOOL_LINES, line.number, line.text)
        elif summary:
            self.end_turn()
            self.left_out.add(SUMMARY, line.number, line.text)
        elif field:
            value = line.body
            key = (norm or "field").replace(" ", "_")
            self.metadata.setdefault(key, value)
        elif kind == "heading":
            self.heading(line)
        elif not self.turns:
            self.preamble.append(line)
        elif kind == "quote" and self.quoted and self.current is not None:
            self.continuation(line)  # the next line of a quoted dialogue (``> **Anna:** …``)
        elif kind == "quote" or (kind in _SPEAKER_LINES and self._annotation(line)):
            self.end_turn()
            self.annotation = True
            self.left_out.add(ANNOTATIONS, line.number, line.text)
        elif self.annotation:
            self.left_out.add(ANNOTATIONS, line.number, line.text)
        elif self.current is None:
            self.left_out.add(ORPHAN, line.number, line.text)
        else:
            self.continuation(line)

    def open(self, line: Line, norm: str) -> None:
        label = line.label or ""
        self.current = Turn(
            speaker=speakers.speaker_name(label),
            label=label,
            role_hint=speakers.role_from_label(label) or self.letters.get(norm),
        )
        self.turns.append(self.current)
        self.gap = self.annotation = False
        self.quoted = bool(QUOTE.match(line.text))
        self.block_ts = line.ts if line.ts is not None else self.pending_ts
        self.block_end = line.end_ts if line.ts is not None else None
        self.pending_ts = None
        if line.kind == "label":
            _add_pieces(self.current, line, line.body_start, "\n\n", self.times)

    def heading(self, line: Line) -> None:
        match = HEADING.match(line.text)
        title = match.group("title") if match else line.text.strip()
        if not self.turns and not self.preamble and "title" not in self.metadata:
            self.metadata["title"] = title
        else:
            self.left_out.add(HEADINGS, line.number, line.text)
            self.end_turn()
        self.gap = True
        self.annotation = False

    @staticmethod
    def _annotation(line: Line) -> bool:
        """A bold label or a quoted line that names no speaker, or a researcher's word
        (``Note:``, ``Key takeaways:``, ``Önemli:``)."""
        if line.bold or line.kind == "bold" or QUOTE.match(line.text):
            return True
        return is_annotation(line.label or "")

    def end_turn(self) -> None:
        self.current = None

    def continuation(self, line: Line) -> None:
        assert self.current is not None
        offset, start, end = _leading_time(line)
        if start is not None:
            self.block_ts, self.block_end = start, end
        elif self.pending_ts is not None:
            self.block_ts, self.block_end = self.pending_ts, None
        self.pending_ts = None
        joiner = "\n\n" if self.gap or not self.current.pieces else " "
        _add_pieces(self.current, line, offset, joiner, self.times)
        self.gap = False

    @property
    def times(self) -> tuple[float | None, float | None]:
        """Start and end of the current block: every utterance in it carries them."""
        return self.block_ts, self.block_end

    def finish(self, lines: list[Line]) -> ParsedTranscript:
        for turn in self.turns:
            turn.pieces = [p for p in turn.pieces if p.text.strip()]
        turns = [t for t in self.turns if t.pieces]
        warnings: list[str] = []
        preamble = [ln for ln in self.preamble if ln.text.strip()]
        if not turns:
            turns = _unlabelled(lines)
            for what in (PREAMBLE, ANNOTATIONS, ORPHAN, SUMMARY):
                self.left_out.discard(what)
            if turns:
                warnings.append(
                    "no speaker labels found: the whole text is kept as one turn by an "
                    "unknown speaker"
                )
        elif len(preamble) == 1 and len(preamble[0].text.strip()) <= FIELD_MAX_CHARS:
            self.metadata.setdefault("preamble", preamble[0].text.strip())
        elif preamble:
            size = sum(len(ln.text.strip()) for ln in preamble)
            first, last = preamble[0].number, preamble[-1].number
            self.left_out.add(PREAMBLE, first, preamble[0].text, last, chars=size)
        warnings += self.left_out.warnings()
        return ParsedTranscript(turns=turns, metadata=self.metadata, warnings=warnings)


def _unlabelled(lines: list[Line]) -> list[Turn]:
    """The whole text as one turn of an unknown speaker (no label names a speaker)."""
    turn = Turn(speaker="unknown")
    for line in lines:
        if line.kind in ("text", "label", "header", "bold", "quote"):
            offset, start, end = _leading_time(line)
            _add_pieces(turn, line, offset, " ", (start, end))
    return [turn] if turn.pieces else []


def _leading_time(line: Line) -> tuple[int, float | None, float | None]:
    """(offset past it, start, end) of a ``[00:00:05]`` or ``[00:00:05.0 --> 00:00:09.0]`` that
    opens an unlabelled line; ``(0, None, None)`` without one."""
    match = LEADING_TS.match(line.text)
    if not match:
        return 0, None, None
    return match.end(), parse_timecode(match.group("ts")), end_time(match, "ts")


def _add_pieces(
    turn: Turn,
    line: Line,
    offset: int,
    joiner: str,
    times: tuple[float | None, float | None],
) -> None:
    """Add the text of ``line`` from ``offset`` as pieces, dropping Markdown markup; every
    piece carries the time of its block."""
    segment = line.text[offset:]
    prefix = _MD_PREFIX.match(segment)
    start = offset + (prefix.end() if prefix else 0)
    loc = f"line {line.number}"
    first = True
    spaced = False  # whitespace seen since the last piece
    pos = start
    for match in [*_INLINE_MARKUP.finditer(line.text, start), None]:
        end = match.start() if match else len(line.text)
        chunk = line.text[pos:end]
        stripped = chunk.strip()
        if stripped:
            lead = len(chunk) - len(chunk.lstrip())
            s = line.start + pos + lead
            turn.pieces.append(
                Piece(
                    text=stripped,
                    src_start=s,
                    src_end=s + len(stripped),
                    loc=loc,
                    start_s=times[0],
                    end_s=times[1],
                    joiner=joiner if first else (" " if spaced or lead else ""),
                )
            )
            first = False
            spaced = chunk != chunk.rstrip()
        elif chunk:
            spaced = True
        if match:
            pos = match.end()
