"""WebVTT and SRT transcripts.

Speakers come from WebVTT voice tags (``<v Sarah Chen>``, as MS Teams writes them) or from a
prefix inside the cue text (``Иван Смирнов: …``, as Zoom and most SRT files do); a cue without
a speaker continues the previous speaker. Consecutive cues of one speaker become one turn, so a
sentence split over two cues is one sentence.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from nlp_jtbd.errors import InputError
from nlp_jtbd.ingest import labels, speakers
from nlp_jtbd.ingest.model import Piece, Turn
from nlp_jtbd.ingest.readers.plaintext import LABEL_PATTERN

_TIME = r"(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?"
_TIMING = re.compile(rf"^\s*(?P<start>{_TIME})\s*-->\s*(?P<end>{_TIME})(?:\s+.*)?$")
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?(?:\s+(?P<name>[^>]*))?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>|\{\\[^}]*\}")
_PREFIX = re.compile(
    r"^(?:[-–—]\s*|>>\s*)?(?:\[)?" + LABEL_PATTERN + r"(?:\])?\s*:\s*(?P<text>.*)$"
)
_TIMING_LIKE = re.compile(r"-->|\d\s*-{1,2}>|^\s*\d{1,2}:\d{2}\S*\s*(?:-|–|to)\s*\d")
_SQUARE_PREFIX = re.compile(r"^\[(?P<label>[^\]\n]{1,40})\]\s*(?P<text>.*)$")


@dataclass
class Cue:
    number: int  # ordinal, 1-based
    line: int  # line of the timing (or first text line)
    start_s: float | None
    end_s: float | None
    lines: list[tuple[str, int, int]] = field(default_factory=list)  # text, offset, line number

    @property
    def loc(self) -> str:
        return f"cue {self.number}, line {self.line}"


@dataclass
class ParsedSubtitles:
    turns: list[Turn]
    warnings: list[str]


def _seconds(text: str) -> float:
    parts = text.replace(",", ".").split(":")
    value = 0.0
    for part in parts:
        value = value * 60 + float(part)
    return round(value, 3)


def parse_cues(text: str, fmt: str) -> tuple[list[Cue], list[str]]:
    """Blocks separated by blank lines → cues; NOTE/STYLE/REGION blocks are skipped."""
    warnings: list[str] = []
    cues: list[Cue] = []
    blocks: list[list[tuple[str, int, int]]] = []
    block: list[tuple[str, int, int]] = []
    pos = 0
    for number, raw in enumerate(text.split("\n"), start=1):
        if raw.strip():
            block.append((raw, pos, number))
        elif block:
            blocks.append(block)
            block = []
        pos += len(raw) + 1
    if block:
        blocks.append(block)
    if fmt == "vtt":
        if not blocks or not blocks[0][0][0].lstrip("\ufeff").startswith("WEBVTT"):
            warnings.append("line 1: the file does not start with 'WEBVTT'; read it anyway")
        else:
            header = blocks.pop(0)
            # Cue timings directly under the header (no blank line) belong to a cue.
            rest = [i for i, (t, _, _) in enumerate(header) if "-->" in t]
            if rest:
                blocks.insert(0, header[rest[0] - (1 if rest[0] > 1 else 0) :])
    for block in blocks:
        first = block[0][0].strip()
        if fmt == "vtt" and re.match(r"^(NOTE|STYLE|REGION)(\s|$)", first):
            continue
        timing_at = next(
            (i for i, (t, _, _) in enumerate(block[:3]) if _TIMING_LIKE.search(t)), None
        )
        if timing_at is None:
            line = block[0][2]
            if fmt == "srt" and len(block) == 1 and first.isdigit():
                continue  # a stray cue number
            warnings.append(
                f"line {line}: text without a cue timing line; kept it, without timestamps, as "
                "part of the previous speaker's turn"
            )
            cue = Cue(len(cues) + 1, line, None, None, list(block))
            cues.append(cue)
            continue
        timing_line, _, line_no = block[timing_at]
        match = _TIMING.match(timing_line)
        start = end = None
        if match:
            start, end = _seconds(match.group("start")), _seconds(match.group("end"))
            if end < start:
                warnings.append(
                    f"line {line_no}: cue ends before it starts ({timing_line.strip()})"
                )
        else:
            warnings.append(
                f"line {line_no}: cannot read the cue timing '{timing_line.strip()}' "
                "(expected HH:MM:SS.mmm --> HH:MM:SS.mmm); kept the text without timestamps"
            )
        cues.append(Cue(len(cues) + 1, line_no, start, end, block[timing_at + 1 :]))
    if not any(c.lines for c in cues):
        raise InputError(
            f"no {fmt.upper()} cues with text were found",
            fix="check that the file is a complete subtitle export (cues are separated by "
            "blank lines and each has a 'start --> end' timing line)",
        )
    return cues, warnings


def _line_pieces(text: str, offset: int, cue: Cue, joiner: str, line_no: int) -> list[Piece]:
    """Text of one cue line without tags, as pieces with exact offsets."""
    pieces: list[Piece] = []
    pos = 0
    gap = False
    for match in [*_TAG.finditer(text), None]:
        end = match.start() if match else len(text)
        chunk = text[pos:end]
        if chunk.strip():
            lead = len(chunk) - len(chunk.lstrip())
            clean = html.unescape(chunk.strip())
            start = offset + pos + lead
            pieces.append(
                Piece(
                    text=clean,
                    src_start=start,
                    src_end=start + len(chunk.strip()),
                    loc=f"cue {cue.number}, line {line_no}",
                    start_s=cue.start_s,
                    end_s=cue.end_s,
                    joiner=joiner if not pieces else (" " if gap or lead else ""),
                )
            )
            gap = chunk != chunk.rstrip()
        elif chunk:
            gap = True
        if match:
            pos = match.end()
    return pieces


def parse_subtitles(text: str, fmt: str, known_speakers: tuple[str, ...] = ()) -> ParsedSubtitles:
    cues, warnings = parse_cues(text, fmt)
    candidates: list[str] = []
    prefixed_cues = 0
    for cue in cues:
        for index, (line, _, _) in enumerate(cue.lines):
            if _VOICE.search(line):
                continue
            match = _PREFIX.match(_TAG.sub("", line).strip()) or _SQUARE_PREFIX.match(line.strip())
            if match:
                candidates.append(match.group("label"))
                prefixed_cues += index == 0
    # Zoom-style files prefix (nearly) every cue: then every prefix is a speaker, even one-off.
    always = candidates if prefixed_cues >= 0.5 * len(cues) else []
    accepted = labels.accept_labels(candidates, known_speakers, always=always)
    letters = speakers.letter_roles(candidates)
    turns: list[Turn] = []
    speaker: str | None = None
    label: str | None = None
    for cue in cues:
        for line, offset, line_no in cue.lines:
            joiner = " "
            voice = list(_VOICE.finditer(line))
            segments: list[tuple[int, int, str | None]] = []  # (start, end, new label) in line
            if voice:
                if voice[0].start() > 0 and line[: voice[0].start()].strip():
                    segments.append((0, voice[0].start(), None))
                for i, v in enumerate(voice):
                    stop = voice[i + 1].start() if i + 1 < len(voice) else len(line)
                    segments.append((v.end(), stop, (v.group("name") or "").strip() or None))
            else:
                bare = line.strip()
                lead = len(line) - len(line.lstrip())
                match = _PREFIX.match(bare) or _SQUARE_PREFIX.match(bare)
                if (
                    match
                    and not _TAG.match(bare)
                    and speakers.normalise_label(match.group("label")) in accepted
                ):
                    segments.append((lead + match.start("text"), len(line), match.group("label")))
                else:
                    segments.append((0, len(line), None))
            for start, stop, new_label in segments:
                if new_label is not None:
                    label = new_label
                    speaker = speakers.speaker_name(new_label)
                pieces = _line_pieces(line[start:stop], offset + start, cue, joiner, line_no)
                if not pieces:
                    continue
                if (
                    not turns
                    or new_label is not None
                    or turns[-1].speaker != (speaker or "unknown")
                ):
                    turns.append(
                        Turn(
                            speaker=speaker or "unknown",
                            label=label,
                            role_hint=(
                                speakers.role_from_label(label)
                                or letters.get(speakers.normalise_label(label))
                            )
                            if label
                            else None,
                        )
                    )
                turns[-1].pieces.extend(pieces)
    return ParsedSubtitles(turns=turns, warnings=warnings)
