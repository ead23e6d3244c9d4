"""Plain-text and Markdown transcripts with speaker labels at line start.

Handles ``Интервьюер:``, ``Q:``/``A:``, ``**Name:**``, ``Name (Role):``, ``[00:01:02] Name:``,
``Name: (00:01:15)``, Otter-style ``Name  0:03`` header lines, continuation lines, YAML
front matter and a preamble of ``Key: value`` lines. A word followed by a colon counts as a
speaker only when it is a known role, an anonymous diarization label, or recurs as a label;
so ``Цена: 4 500 руб.`` inside an answer stays part of the answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

import yaml

from nlp_jtbd.errors import InputError
from nlp_jtbd.ingest import labels, speakers
from nlp_jtbd.ingest.model import Piece, Turn
from nlp_jtbd.ingest.timecodes import TIMECODE, parse_timecode

LABEL_PATTERN = (
    r"(?P<label>[^\W\d_][^\W_]*(?:[ .'’_-]{1,2}[^\W_]+\.?){0,4}"
    r"(?:[ \t]*[(\[][^)\]\n]{1,40}[)\]])?)"
)


def _ts(name: str) -> str:
    return rf"[\[(]?(?P<{name}>{TIMECODE})[\])]?"


_LABEL_LINE = re.compile(
    r"^(?P<indent>[ \t]*(?:>[ \t]*)?(?:[-*•][ \t]+)?)"
    + rf"(?:{_ts('ts1')}[ \t]+)?"
    + r"(?:\*\*|__)?"
    + LABEL_PATTERN
    + r"(?:\*\*|__)?[ \t]*"
    + rf"(?:{_ts('ts2')}[ \t]*)?"
    + r"(?:\*\*|__)?:(?:\*\*|__)?(?!//)[ \t]*"
    + rf"(?:{_ts('ts3')}(?:[ \t]+|$))?"
    + r"(?P<text>.*)$"
)
_HEADER_LINE = re.compile(r"^[ \t]*" + LABEL_PATTERN + rf"[ \t]{{1,}}(?P<ts>{TIMECODE})[ \t]*$")
_LEADING_TS = re.compile(rf"^[ \t]*[\[(](?P<ts>{TIMECODE})[\])][ \t]*")
_MD_PREFIX = re.compile(r"^[ \t]*(?:>[ \t]*)*(?:[-*•+][ \t]+)?")
_HEADING = re.compile(r"^[ \t]*#{1,6}[ \t]+(?P<title>.+?)[ \t#]*$")
_RULE = re.compile(r"^[ \t]*([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_INLINE_MARKUP = re.compile(r"\*\*|__")
_MAX_LABEL_WORDS = 5
# Footers that transcription services append; kept as metadata, not as speech.
_BOILERPLATE = re.compile(
    r"^[ \t]*(?P<key>transcribed by|transcription by|transcript by|powered by)\b"
    r"[ \t:]*(?P<value>.+)$",
    re.IGNORECASE,
)


@dataclass
class _Line:
    number: int
    start: int  # offset of the line in the source text
    text: str
    kind: str  # blank | heading | rule | boilerplate | label | header | text
    label: str | None = None
    body_start: int = 0  # offset of the body (after the label) within the line
    ts: float | None = None


@dataclass
class ParsedTranscript:
    turns: list[Turn]
    metadata: dict[str, str]
    warnings: list[str]


def parse_front_matter(text: str) -> tuple[dict[str, str], int]:
    """YAML front matter → (metadata, offset where the body starts)."""
    if not text.startswith("---\n"):
        return {}, 0
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
    return {str(k).strip(): _scalar(v) for k, v in data.items() if v is not None}, body


def _scalar(value: object) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)


def parse_transcript(
    text: str,
    *,
    front_matter: bool = True,
    known_speakers: tuple[str, ...] = (),
) -> ParsedTranscript:
    """Split labelled text into speaker turns; offsets index ``text``."""
    metadata, body = parse_front_matter(text) if front_matter else ({}, 0)
    lines = _classify(text, body)
    accepted = _accepted_labels(lines, known_speakers)
    letter_roles = speakers.letter_roles(accepted)
    turns: list[Turn] = []
    preamble: list[str] = []
    warnings: list[str] = []
    current: Turn | None = None
    gap = False
    pending_ts: float | None = None
    for line in lines:
        if (
            line.kind in ("label", "header")
            and speakers.normalise_label(line.label or "") in accepted
        ):
            label = line.label or ""
            norm = speakers.normalise_label(label)
            current = Turn(
                speaker=speakers.speaker_name(label),
                label=label,
                role_hint=speakers.role_from_label(label) or letter_roles.get(norm),
            )
            turns.append(current)
            gap = False
            if line.kind == "label":
                _add_pieces(current, line, line.body_start, "\n\n", line.ts)
                pending_ts = None
            else:
                pending_ts = line.ts
            continue
        if line.kind == "blank":
            gap = True
            continue
        if line.kind == "boilerplate":
            match = _BOILERPLATE.match(line.text)
            if match:
                key = match.group("key").lower().replace(" ", "_")
                metadata.setdefault(key, match.group("value").strip())
            continue
        if line.kind in ("heading", "rule"):
            if line.kind == "heading" and current is None:
                title = _HEADING.match(line.text)
                metadata.setdefault("title", title.group("title") if title else line.text.strip())
            gap = True
            continue
        # Plain text: continuation of the current turn, or preamble before the first speaker.
        if current is None:
            if line.kind == "label" and line.label and line.text[line.body_start :].strip():
                key = speakers.normalise_label(line.label).replace(" ", "_")
                metadata.setdefault(key, line.text[line.body_start :].strip())
            else:
                preamble.append(line.text.strip())
            continue
        ts_match = _LEADING_TS.match(line.text)
        offset = ts_match.end() if ts_match else 0
        ts = parse_timecode(ts_match.group("ts")) if ts_match else pending_ts
        _add_pieces(current, line, offset, "\n\n" if gap or not current.pieces else " ", ts)
        gap = False
        pending_ts = None
    for turn in turns:
        turn.pieces = [p for p in turn.pieces if p.text.strip()]
    turns = [t for t in turns if t.pieces]
    if preamble and [p for p in preamble if p]:
        metadata.setdefault("preamble", " ".join(p for p in preamble if p))
    if not turns:
        body_lines = [ln for ln in lines if ln.kind in ("text", "label", "header")]
        if body_lines:
            warnings.append(
                "no speaker labels found: the whole text is kept as one turn by an unknown speaker"
            )
            current = Turn(speaker="unknown")
            for ln in body_lines:
                _add_pieces(current, ln, 0, " ", None)
            turns = [current]
            metadata.pop("preamble", None)
    return ParsedTranscript(turns=turns, metadata=metadata, warnings=warnings)


def _classify(text: str, body: int) -> list[_Line]:
    lines: list[_Line] = []
    pos = body
    number = text.count("\n", 0, body) + 1
    for raw in text[body:].split("\n"):
        line = _Line(number=number, start=pos, text=raw, kind="text")
        if not raw.strip():
            line.kind = "blank"
        elif _RULE.match(raw):
            line.kind = "rule"
        elif _HEADING.match(raw):
            line.kind = "heading"
        elif _BOILERPLATE.match(raw):
            line.kind = "boilerplate"
        elif match := _HEADER_LINE.match(raw):
            line.kind = "header"
            line.label = match.group("label")
            line.ts = parse_timecode(match.group("ts"))
        elif match := _LABEL_LINE.match(raw):
            label = match.group("label")
            if len(label.split()) <= _MAX_LABEL_WORDS:
                line.kind = "label"
                line.label = label
                line.body_start = match.start("text")
                ts = match.group("ts1") or match.group("ts2") or match.group("ts3")
                line.ts = parse_timecode(ts) if ts else None
        lines.append(line)
        pos += len(raw) + 1
        number += 1
    return lines


def _accepted_labels(lines: list[_Line], known: tuple[str, ...]) -> set[str]:
    candidates = [ln.label for ln in lines if ln.kind in ("label", "header") and ln.label]
    headers = [ln.label for ln in lines if ln.kind == "header" and ln.label]
    # "Name  0:03" lines are a transcript export's speaker headers when there are several.
    return labels.accept_labels(candidates, known, always=headers if len(headers) >= 2 else ())


def _add_pieces(turn: Turn, line: _Line, offset: int, joiner: str, ts: float | None) -> None:
    """Add the text of ``line`` from ``offset`` as pieces, dropping Markdown markup."""
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
                    start_s=ts if first else None,
                    joiner=joiner if first else (" " if spaced or lead else ""),
                )
            )
            first = False
            spaced = chunk != chunk.rstrip()
        elif chunk:
            spaced = True
        if match:
            pos = match.end()
