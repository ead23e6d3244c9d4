"""What each line of a text transcript is, in the layouts researchers export.

Speaker lines: ``Name: text``, Rev ``Name (00:01:23):`` / ``Name (01:23):`` (text on the same
or the next lines), Descript ``Name: [00:01:23] text``, ``[00:01:02] Name: text``, Markdown
``**Name:** text``, Otter ``Name  0:03`` header lines, bold-only lines (``**Anna**``) and
rows of a transcript pasted as a Markdown table (``| 00:00:04 | Host | text |``).
Structure: headings, rules, time markers (``00:15:00`` alone on a line, as Google Meet writes
them), block quotes, and the tools' own header and footer lines (``Transcribed by
https://otter.ai``, ``Meeting ended after 00:42:18``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nlp_jtbd.ingest.timecodes import TIMECODE, parse_timecode

# A speaker name of up to five words (of up to 40 letters), optionally with a role in
# parentheses; a timestamp in parentheses (Rev's ``Name (00:01:23):``) is not part of it.
NAME = (
    r"(?P<label>[^\W\d_][^\W_]{0,39}(?:[ .'’_-]{1,2}[^\W_]{1,40}\.?){0,4}"
    rf"(?:[ \t]*[(\[](?![ \t]*{TIMECODE}[ \t]*[)\]])[^)\]\n]{{1,40}}[)\]])?)"
)
MAX_LABEL_WORDS = 5
_LABEL_REACH = 400  # a label's colon is never further into the line than this
_COLON = re.compile("[:：]")
_TIME_END = set("0123456789)]")


_TO = r"(?:-->|[-–—])"
_HMS = r"\d{1,2}:\d{2}:\d{2}(?:[.,]\d{1,3})?"


def _ts(name: str, bare: str = TIMECODE) -> str:
    """A timestamp in brackets (``[00:01:23]``, ``(01:23)``, ``[00:00:01.000 --> 00:00:04.000]``)
    or bare (``00:01:23``); groups ``name``, ``name_end`` and ``name_bare``."""
    return (
        rf"(?:[\[(](?P<{name}>{TIMECODE})(?:[ \t]*{_TO}[ \t]*(?P<{name}_end>{TIMECODE}))?[\])]"
        rf"|(?P<{name}_bare>{bare})(?![:.,]?\d))"
    )


_BOLD = r"(?:\*\*|__)"
_EMPHASIS = r"(?:\*\*|__|\*|_)"  # ``**Name:**``, ``*Name:*``, ``_Name_:``
_SEP = r"[-–—|•]"
LABEL_LINE = re.compile(
    r"^(?P<indent>[ \t]*(?P<quote>>[ \t]*)?(?:[-*•][ \t]+)?)"
    + rf"(?:{_ts('ts1')}[ \t]*(?:{_SEP}[ \t]*)?)?"
    + rf"(?P<bold>{_EMPHASIS})?"
    + NAME
    + rf"{_EMPHASIS}?[ \t]*"
    + rf"(?:{_ts('ts2')}[ \t]*)?"
    + rf"{_EMPHASIS}?[:：]{_EMPHASIS}?(?!//)[ \t]*"
    + rf"(?:{_ts('ts3', bare=_HMS)}(?:[ \t]+|$))?"
    + r"(?P<text>.*)$"
)
# Otter ``Name  0:03``, Zoom ``[Name] 14:03:22``, ``Name | 00:01:23``: the text follows below.
HEADER_LINE = re.compile(rf"^[ \t]*\[?{NAME}\]?[ \t]*(?:[ \t]|{_SEP}|,)[ \t]*{_ts('ts')}[ \t]*$")
# ``00:01:23 - Anna Kim`` (time first), text below.
TIME_FIRST_HEADER = re.compile(rf"^[ \t]*{_ts('ts')}[ \t]*(?:{_SEP}[ \t]*)?{NAME}[ \t]*$")
BOLD_LINE = re.compile(
    rf"^[ \t]*{_BOLD}(?P<label>[^*_\n:：]{{1,60}}?){_BOLD}[ \t]*(?:{_ts('ts')}[ \t]*)?$"
)
# A time marker alone on a line (Google Meet's ``00:15:00``, ``## 00:10:00``, ``**00:10**``)
# or a cue timing (``00:00:01.000 --> 00:00:04.000``).
TIME_LINE = re.compile(
    rf"^[ \t]*(?:#{{1,6}}[ \t]+)?{_BOLD}?"
    rf"(?:{_ts('ts')}|(?P<cue>{TIMECODE})[ \t]*-->[ \t]*{TIMECODE}(?:[ \t]+\w+:\S+)*)"
    rf"{_BOLD}?[ \t]*$"
)
# A transcript pasted as a Markdown table: ``| 00:00:04 | Host | text |`` or ``| Host | text |``
# (the speaker cell is at most five words; the header row and ``|---|`` are structure).
TABLE_ROW = re.compile(
    rf"^[ \t]*\|[ \t]*(?:{_ts('ts')}[ \t]*\|[ \t]*)?"
    r"(?P<label>[^|\n]{1,60}?)[ \t]*\|[ \t]*(?P<text>[^|\n]*?)[ \t]*\|?[ \t]*$"
)
TABLE_RULE = re.compile(r"^[ \t]*\|?[ \t]*:?-{3,}:?[ \t]*(?:\|[ \t]*:?-{3,}:?[ \t]*)+\|?[ \t]*$")
LEADING_TS = re.compile(rf"^[ \t]*{_ts('ts', bare='(?!)')}[ \t]*")
HEADING = re.compile(r"^[ \t]*#{1,6}[ \t]+(?P<title>.+?)[ \t#]*$")
RULE = re.compile(r"^[ \t]*([-*_=])(?:[ \t]*\1){2,}[ \t]*$")
QUOTE = re.compile(r"^[ \t]*>")
# Lines that transcription and meeting tools write around the speech (whole lines only, so
# that speech which happens to start with the same words stays speech).
BOILERPLATE = re.compile(
    r"^[ \t]*(?:"
    r"(?P<key>transcribed by|transcription by|transcript by|transcribed with|powered by)"
    r"[ \t:]+(?P<value>\S+(?:[ \t]+\S+){0,3})"
    r"|this (?:editable )?transcript was (?:computer[- ]generated|exported|generated)\b.*"
    r"|meeting ended after:? \d{1,2}:\d{2}(?::\d{2})?\W*"
    r"|[^:\n]{1,60} (?:started|stopped) transcription\W*"
    r"|recording (?:started|stopped|ended)\W*|end of (?:the )?transcript\W*"
    r"|(?:встреча|запись) (?:завершена|завершилась|закончилась|окончена)\W*"
    r"|(?:конец|окончание) (?:записи|расшифровки|транскрипта|стенограммы)\W*"
    r"|расшифровано (?:с помощью|сервисом|в) \S+(?: \S+)?"
    r"|toplantı (?:\d{1,2}:\d{2}(?::\d{2})? )?(?:sonra )?(?:sona erdi|bitti)\W*"
    r"|(?:transkript|döküm|kayıt)(?:in)? sonu\W*"
    r"|bu (?:düzenlenebilir )?(?:transkript|döküm) bilgisayar tarafından\b.*"
    r")[ \t]*$",
    re.IGNORECASE,
)


@dataclass
class Line:
    """One source line and what it is."""

    number: int
    start: int  # offset of the line in the source text
    text: str
    # blank | rule | heading | boilerplate | time | header | label | bold | quote | text
    kind: str
    label: str | None = None
    body_start: int = 0  # offset of the text after the label, within the line
    ts: float | None = None
    end_ts: float | None = None  # the end of a timestamp range
    bold: bool = False  # the label is bold (``**Name:**``) or the whole line is (``**Name**``)

    @property
    def body(self) -> str:
        return self.text[self.body_start :].strip()


def classify(text: str, body: int) -> list[Line]:
    """The lines of ``text`` from offset ``body`` (after front matter), each with its kind."""
    lines: list[Line] = []
    pos = body
    number = text.count("\n", 0, body) + 1
    for raw in text[body:].split("\n"):
        line = classify_line(raw, number, pos)
        if line.kind == "rule" and TABLE_RULE.match(raw) and lines and lines[-1].kind != "blank":
            lines[-1].kind, lines[-1].label = "heading", None  # a table's header row
        lines.append(line)
        pos += len(raw) + 1
        number += 1
    return lines


def classify_line(raw: str, number: int, start: int) -> Line:
    line = Line(number=number, start=start, text=raw, kind="text")
    if not raw.strip():
        line.kind = "blank"
    elif RULE.match(raw) or TABLE_RULE.match(raw):
        line.kind = "rule"
    elif raw.lstrip().startswith("|") and (match := TABLE_ROW.match(raw)):
        line.kind = "label"
        line.label = match.group("label").strip().strip("*_")
        line.body_start = match.start("text")
        line.text = raw[: match.end("text")]  # the closing ``|`` is not speech
        line.ts = _time(match, "ts")
        line.end_ts = end_time(match, "ts")
    elif match := TIME_LINE.match(raw):
        line.kind = "time"
        line.ts = parse_timecode(match.group("cue")) if match.group("cue") else _time(match, "ts")
    elif HEADING.match(raw):
        line.kind = "heading"
    elif BOILERPLATE.match(raw):
        line.kind = "boilerplate"
    elif raw.rstrip()[-1:] in _TIME_END and (match := HEADER_LINE.match(raw)):
        line.kind = "header"
        line.label = match.group("label")
        line.body_start = len(raw)
        line.ts = _time(match, "ts")
    elif (
        _COLON.search(raw, 0, _LABEL_REACH)
        and (match := LABEL_LINE.match(raw))
        and len(match.group("label").split()) <= MAX_LABEL_WORDS
    ):
        line.kind = "label"
        line.label = match.group("label")
        line.bold = bool(match.group("bold"))
        line.body_start = _skip_colons(raw, match.start("text"))
        line.ts = _time(match, "ts1", "ts2", "ts3")
        line.end_ts = end_time(match, "ts1", "ts2", "ts3")
    elif match := BOLD_LINE.match(raw):
        line.kind = "bold"
        line.label = match.group("label").strip()
        line.bold = True
        line.body_start = len(raw)
        line.ts = _time(match, "ts")
    elif match := TIME_FIRST_HEADER.match(raw):
        line.kind = "header"
        line.label = match.group("label")
        line.body_start = len(raw)
        line.ts = _time(match, "ts")
    elif QUOTE.match(raw):
        line.kind = "quote"
    return line


def _time(match: re.Match[str], *names: str) -> float | None:
    """Start of the first timestamp among groups ``names`` that matched."""
    for name in names:
        text = match.group(name) or match.group(f"{name}_bare")
        if text:
            return parse_timecode(text)
    return None


def end_time(match: re.Match[str], *names: str) -> float | None:
    """End of a timestamp range (``[00:00:01.000 --> 00:00:04.000]``) among groups ``names``."""
    for name in names:
        if match.group(name) or match.group(f"{name}_bare"):
            text = match.group(f"{name}_end")
            return parse_timecode(text) if text else None
    return None


def _skip_colons(raw: str, pos: int) -> int:
    """Past stray colons after a label (``Name:: text``), so no quote starts with ``:``."""
    while pos < len(raw) and raw[pos] in ":： \t":
        pos += 1
    return pos


def boilerplate_field(text: str) -> tuple[str, str] | None:
    """``("transcribed_by", "https://otter.ai")`` for a tool's credit line, else None."""
    match = BOILERPLATE.match(text)
    if match and match.group("key"):
        return match.group("key").lower().replace(" ", "_"), match.group("value").strip()
    return None
