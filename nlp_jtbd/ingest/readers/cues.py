"""WebVTT and SRT files → cues (timing, id, text lines); every line outside a cue accounted for.

Blocks are separated by blank lines; a block may hold several cues when blank lines are missing
(each timing line starts a cue, and a cue number or id right above it belongs to that cue).
``STYLE``/``REGION`` blocks, header fields (``Kind: captions``) and one-line metadata notes
(``NOTE Confidence: 0.91``) are markup. A ``NOTE`` with text and text before the first cue go into
no turn: they are reported as left out, with their lines and size.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from nlp_jtbd.errors import InputError
from nlp_jtbd.ingest.readers.leftout import LeftOut

Line = tuple[str, int, int]  # text, offset in the source, 1-based line number

_TIME = r"(?:\d{1,3}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?"
_TIMING = re.compile(rf"^\s*(?P<start>{_TIME})\s*-->\s*(?P<end>{_TIME})(?:\s+.*)?$")
# A damaged timing (``00:00:06 -> 9``, ``00:01 - 00:04``): only numbers around an arrow or a dash.
_TIMING_DAMAGED = re.compile(r"^\s*[\d:.,]{2,}\s*(?:-{1,2}>?|–|to)\s*[\d:.,]+\s*$")
_CUE_ID = re.compile(
    r"^(?:\d{1,6}|[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}(?:/\d+-\d+)?)$", re.IGNORECASE
)
_MARKUP_BLOCK = re.compile(r"^(STYLE|REGION)(\s|$)")
_NOTE = re.compile(r"^NOTE(?:\s+|$)")
_FIELD = re.compile(r"^[\w-]{1,40}\s*[:=]\s*\S.{0,80}$")  # Kind: captions, X-TIMESTAMP-MAP=…


@dataclass
class Cue:
    number: int  # ordinal, 1-based
    line: int  # line of the timing (or first text line)
    start_s: float | None
    end_s: float | None
    lines: list[Line] = field(default_factory=list)
    timed: bool = True  # False: text found outside any cue, kept without times

    @property
    def loc(self) -> str:
        return f"cue {self.number}, line {self.line}"


@dataclass
class ParsedCues:
    cues: list[Cue]
    warnings: list[str]
    left_out: LeftOut  # lines that go into no turn, by what they are
    markup: list[int]  # lines that are structure, not text: header fields, STYLE, REGION, ids


def seconds(text: str) -> float:
    """``01:02:03,500`` → 3723.5."""
    value = 0.0
    for part in text.replace(",", ".").split(":"):
        value = value * 60 + float(part)
    return round(value, 3)


def _blocks(text: str) -> list[list[Line]]:
    blocks: list[list[Line]] = []
    block: list[Line] = []
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
    return blocks


def _is_timing(line: str, index: int) -> bool:
    """A timing line: a valid one anywhere, a damaged one only where a timing belongs."""
    if _TIMING.match(line):
        return True
    return index <= 1 and ("-->" in line or bool(_TIMING_DAMAGED.match(line)))


def _is_cue_id(line: str, fmt: str, alone: bool) -> bool:
    """A cue number, a Teams GUID, or (WebVTT, first in its block) a short word: ``intro-1``."""
    text = line.lstrip("\ufeff").strip()
    return bool(_CUE_ID.match(text)) or (fmt == "vtt" and alone and len(text.split()) == 1)


def _size(lines: list[Line]) -> int:
    return sum(len(t.strip()) for t, _, _ in lines)


class _Reader:
    def __init__(self, fmt: str) -> None:
        self.fmt = fmt
        self.cues: list[Cue] = []
        self.warnings: list[str] = []
        self.left_out = LeftOut()
        self.markup: list[int] = []

    def header(self, blocks: list[list[Line]]) -> None:
        """The ``WEBVTT`` header block: its fields are markup; cues right under it are read."""
        first = blocks[0][0][0].lstrip("\ufeff").strip() if blocks else ""
        if not first.startswith("WEBVTT"):
            self.warnings.append("line 1: the file does not start with 'WEBVTT'; read it anyway")
            return
        header = blocks.pop(0)
        timing_at = next((i for i, (t, _, _) in enumerate(header) if _TIMING.match(t)), None)
        fields = header[1:timing_at] if timing_at is not None else header[1:]
        if timing_at is not None:
            at = (
                timing_at - 1
                if timing_at > 1 and _CUE_ID.match(header[timing_at - 1][0].strip())
                else timing_at
            )
            fields = header[1:at]
            blocks.insert(0, header[at:])
        text = [line for line in fields if not _FIELD.match(_NOTE.sub("", line[0].strip()))]
        self.markup.extend(line[2] for line in header[:1] + fields if line not in text)
        if text:
            self.leave_out("text in the WEBVTT header", text)

    def block(self, block: list[Line]) -> None:
        first = block[0][0].lstrip("\ufeff").strip()
        if self.fmt == "vtt" and _MARKUP_BLOCK.match(first):
            self.markup.extend(n for _, _, n in block)
            return
        if self.fmt == "vtt" and _NOTE.match(first):
            self.note(block)
            return
        timings = [i for i, (t, _, _) in enumerate(block) if _is_timing(t, i)]
        if not timings:
            self.untimed(block)
            return
        head = block[: timings[0]]
        if head and _is_cue_id(head[-1][0], self.fmt, alone=len(head) == 1):
            self.markup.append(head.pop()[2])  # the cue's number or id
        if head:
            self.untimed(head)
        for k, at in enumerate(timings):
            stop = timings[k + 1] if k + 1 < len(timings) else len(block)
            body = block[at + 1 : stop]
            if k + 1 < len(timings) and body and _CUE_ID.match(body[-1][0].strip()):
                self.markup.append(body.pop()[2])  # the next cue's number (no blank line)
            self.timed(block[at], body)

    def timed(self, timing: Line, body: list[Line]) -> None:
        line, _, number = timing
        match = _TIMING.match(line)
        start = end = None
        if match:
            start, end = seconds(match.group("start")), seconds(match.group("end"))
            if end < start:
                self.warnings.append(f"line {number}: cue ends before it starts ({line.strip()})")
        else:
            self.warnings.append(
                f"line {number}: cannot read the cue timing '{line.strip()}' "
                "(expected HH:MM:SS.mmm --> HH:MM:SS.mmm); kept the text without timestamps"
            )
        self.cues.append(Cue(len(self.cues) + 1, number, start, end, body))

    def untimed(self, lines: list[Line]) -> None:
        """Text outside any cue: before the first cue it is left out, later it continues."""
        if self.fmt == "srt" and len(lines) == 1 and lines[0][0].lstrip("\ufeff").strip().isdigit():
            self.markup.append(lines[0][2])
            return  # a stray cue number
        if not self.cues:
            self.leave_out("text before the first cue", lines)
            return
        first, last = lines[0][2], lines[-1][2]
        where = f"line {first}" if first == last else f"lines {first}-{last}"
        self.warnings.append(
            f"{where}: text without a cue timing line; kept it, "
            "without timestamps, as part of the previous speaker's turn"
        )
        self.cues.append(Cue(len(self.cues) + 1, lines[0][2], None, None, list(lines), timed=False))

    def note(self, block: list[Line]) -> None:
        """A ``NOTE`` comment: one-line metadata (``NOTE language:en-us``) is markup."""
        raw, offset, number = block[0]
        rest = raw.lstrip("\ufeff").strip()[4:].strip()
        lines = ([(rest, offset, number)] if rest else []) + block[1:]
        if not lines or (len(lines) == 1 and _FIELD.match(lines[0][0].strip())):
            self.markup.extend(n for _, _, n in block)
            return
        self.leave_out("NOTE comments", lines, first=number, last=block[-1][2])

    def leave_out(
        self, what: str, lines: list[Line], first: int | None = None, last: int | None = None
    ) -> None:
        text = " ".join(t.strip() for t, _, _ in lines)
        number = lines[0][2] if first is None else first
        end = lines[-1][2] if last is None else last
        self.left_out.add(what, number, text, last=end, chars=_size(lines))


def parse_cues(text: str, fmt: str) -> ParsedCues:
    """Cues of a WebVTT (``fmt="vtt"``) or SRT (``"srt"``) text; raises when none has text."""
    reader = _Reader(fmt)
    blocks = _blocks(text)
    if fmt == "vtt":
        reader.header(blocks)
    for block in blocks:
        reader.block(block)
    if not any(c.lines for c in reader.cues):
        raise InputError(
            f"no {fmt.upper()} cues with text were found",
            fix="check that the file is a complete subtitle export (cues are separated by "
            "blank lines and each has a 'start --> end' timing line)",
        )
    reader.warnings.extend(reader.left_out.warnings())
    return ParsedCues(reader.cues, reader.warnings, reader.left_out, sorted(reader.markup))
