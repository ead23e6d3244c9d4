"""WebVTT and SRT transcripts → speaker turns.

Speakers come from WebVTT voice tags (``<v Sarah Chen>``, ``<v.loud Sarah Chen>``, as Microsoft
Teams writes them) or from a prefix inside the cue text: ``Иван Смирнов: …`` on every cue (Zoom),
``JOHN: …`` only on the cue that opens a turn (SRT), ``- MARY: …`` dialogue dashes, ``[Ann] …``.
A cue without a speaker continues the previous speaker; consecutive cues of one speaker become
one turn, so a sentence split over two cues is one sentence. Every piece carries its cue's times.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass, field

from nlp_jtbd.ingest import labels, speakers
from nlp_jtbd.ingest.model import Piece, Turn
from nlp_jtbd.ingest.normalise import is_speech, tidy
from nlp_jtbd.ingest.readers.cues import Cue, parse_cues
from nlp_jtbd.ingest.readers.leftout import LeftOut

_LABEL = (
    r"(?P<label>[^\W\d_][^\W_]{0,40}(?:[ .'’_-]{1,2}[^\W_]{1,40}\.?){0,4}"
    r"(?:[ \t]*[(\[][^)\]\n]{1,40}[)\]])?)"
)
# Before a label: formatting tags, and events such as ``[laughs]`` (checked in ``_find_prefix``).
_LEAD = r"^(?P<lead>\s*(?:(?:<[^>/][^>]{0,200}>|\{\\[^}]{0,200}\}|[\[(][^\])\n]{1,30}[\])])\s*)*?)"
_DASH = r"(?P<dash>[-–—]\s*|>>\s*)?"
_CLOSE = r"(?:\s*</[^>]{0,40}>)?"
_PREFIX = re.compile(_LEAD + _DASH + r"\[?" + _LABEL + r"\]?" + _CLOSE + r"\s*:" + _CLOSE + r"\s*")
_SQUARE = re.compile(_LEAD + _DASH + r"\[(?P<label>[^\]\n]{1,40})\]\s*(?=\S)")
# Zoom writes any display name ("Ivan - Sales", "iPhone de Ana"): on cue starts, anything short.
_LOOSE = re.compile(_LEAD + _DASH + r"(?P<label>[^:<>\[\]{}\n]{1,50}?)\s*:\s+(?=\S)")
_VOICE = re.compile(r"<v(?:\.[^\s>]{0,80})?(?:\s+(?P<name>[^>]{0,200}))?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]{0,200}>|\{\\[^}]{0,200}\}")
_SENTENCE_END = re.compile(r"[.!?…\"»”')\]]\s*$")
# Words that open a line with a colon without naming a speaker.
_NOT_SPEAKERS = {
    "note", "notes", "ps", "p.s", "update", "example", "e.g", "price", "total", "warning", "tip",
    "step", "ok", "okay", "so", "well", "yes", "no", "and", "but", "then", "now", "first",
    "примечание", "заметка", "цена", "итого", "пример", "шаг", "да", "нет", "так", "ну", "итак",
    "not", "fiyat", "toplam", "örnek", "uyarı", "uyari", "adım", "adim", "evet", "hayır", "hayir",
    "tamam", "yani",
}  # fmt: skip


@dataclass
class ParsedSubtitles:
    turns: list[Turn]
    warnings: list[str]
    left_out: LeftOut = field(default_factory=LeftOut)  # lines that went into no turn
    markup: list[int] = field(default_factory=list)  # structure lines: header, STYLE, ids


@dataclass
class _Prefix:
    label: str
    end: int  # where the text after the label starts, within the line
    opener: bool  # on the first line of a cue or after a dialogue dash: a turn may start here
    kind: str  # "strict" | "square" | "loose"


def _find_prefix(line: str, opener: bool) -> _Prefix | None:
    for kind, pattern in (("strict", _PREFIX), ("square", _SQUARE), ("loose", _LOOSE)):
        match = pattern.match(line)
        if not match:
            continue
        label = match.group("label").strip()
        if is_speech(tidy(_TAG.sub(" ", match.group("lead")))):
            continue  # "[Tom] [laughs] …": the brackets before the label are no event
        if kind == "square" and not tidy(f"[{label}]"):
            continue  # [laughs], [music]: an event, not a speaker
        if kind == "loose" and not _loose_name(label):
            continue
        return _Prefix(label, match.end(), opener or bool(match.group("dash")), kind)
    return None


def _loose_name(label: str) -> bool:
    words = label.split()
    return (
        0 < len(words) <= 6
        and any(ch.isalpha() for ch in label)
        and not re.search(r"[?!;\"«»“”]|https?$", label)
        and not _not_a_speaker(label)
    )


def _norm(label: str) -> str:
    return speakers.normalise_label(label)


def _not_a_speaker(label: str) -> bool:
    """``Note:``, ``Цена:``, ``FİYAT:``: a word that opens a line without naming anyone."""
    return _norm(label).replace("\u0307", "") in _NOT_SPEAKERS


def _style_fits(label: str, established: list[str]) -> bool:
    """A one-off label written like the recurring ones: ``DENİZ`` among ``AYŞE``, ``MEHMET``."""
    letters = [ch for ch in label if ch.isalpha()]
    words = label.split()
    if len(letters) < 2 or _not_a_speaker(label) or len(words) > 3:
        return False
    if all(not ch.islower() for lab in established for ch in lab if ch.isalpha()):
        return all(ch.isupper() for ch in letters)
    return all(w[:1].isupper() for w in words if w[:1].isalpha())


class _Speakers:
    """Which prefixes in the cues name a speaker."""

    def __init__(self, cues: list[Cue], known: tuple[str, ...]) -> None:
        self.found: dict[tuple[int, int], _Prefix] = {}
        for cue in cues:
            for index, (line, _, _) in enumerate(cue.lines):
                if not _VOICE.search(line):
                    prefix = _find_prefix(line, opener=index == 0)
                    if prefix:
                        self.found[(cue.number, index)] = prefix
        with_text = [c for c in cues if c.lines]
        openers = [p for (_, i), p in self.found.items() if i == 0 and not _not_a_speaker(p.label)]
        # Zoom names the speaker on every cue: a name seen once is a speaker there (see ``at``).
        # Where most cues open with a name, one that recurs is a speaker however it is
        # written ("ivan - sales", "iPhone de Ana").
        share = len(openers) / max(len(with_text), 1)
        self.zoom = share >= 0.95
        strict = [p.label for p in self.found.values() if p.kind != "loose"]
        self.accepted = labels.accept_labels(strict, known)
        if share >= 0.5:
            counts = Counter(_norm(p.label) for p in openers)
            self.accepted |= {norm for norm, n in counts.items() if n >= 2}
        self.established = [p.label for p in self.found.values() if _norm(p.label) in self.accepted]
        self.letters = speakers.letter_roles(strict)

    def at(self, cue: Cue, index: int, before: str) -> _Prefix | None:
        """The speaker prefix of a cue line, given the text that came before it."""
        prefix = self.found.get((cue.number, index))
        if prefix is None:
            return None
        if _norm(prefix.label) in self.accepted:
            return prefix
        if not prefix.opener or prefix.kind == "loose" or _not_a_speaker(prefix.label):
            return None
        if self.zoom and index == 0:
            return prefix
        # Elsewhere a name seen once opens a turn only where a sentence ended ("[Door slams]"
        # and "Price: 40 $" mid-sentence are no speakers), written like the file's speakers.
        if (
            prefix.kind == "strict"
            and self.established
            and (not before.strip() or _SENTENCE_END.search(before))
            and _style_fits(prefix.label, self.established)
        ):
            return prefix
        return None

    def role_hint(self, label: str) -> speakers.Role | None:
        return speakers.role_from_label(label) or self.letters.get(_norm(label))


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
            clean = html.unescape(chunk.strip()).replace("\xa0", " ")
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


def _segments(
    line: str, cue: Cue, index: int, found: _Speakers, before: str
) -> list[tuple[int, int, str | None]]:
    """``(start, end, new label)`` spans of a cue line: voice tags or a speaker prefix."""
    voice = list(_VOICE.finditer(line))
    if voice:
        segments: list[tuple[int, int, str | None]] = []
        if line[: voice[0].start()].strip():
            segments.append((0, voice[0].start(), None))
        for i, v in enumerate(voice):
            stop = voice[i + 1].start() if i + 1 < len(voice) else len(line)
            name = html.unescape(v.group("name") or "").replace("\xa0", " ").strip()
            segments.append((v.end(), stop, name or None))
        return segments
    prefix = found.at(cue, index, before)
    if prefix:
        return [(prefix.end, len(line), prefix.label)]
    return [(0, len(line), None)]


def parse_subtitles(text: str, fmt: str, known_speakers: tuple[str, ...] = ()) -> ParsedSubtitles:
    """Turns of a WebVTT (``fmt="vtt"``) or SRT (``"srt"``) transcript."""
    parsed = parse_cues(text, fmt)
    found = _Speakers(parsed.cues, known_speakers)
    turns: list[Turn] = []
    speaker: str | None = None
    label: str | None = None
    for cue in parsed.cues:
        for index, (line, offset, line_no) in enumerate(cue.lines):
            before = " ".join(p.text for p in turns[-1].pieces[-1:]) if turns else ""
            for start, stop, new_label in _segments(line, cue, index, found, before):
                if new_label is not None:
                    label = new_label
                    speaker = speakers.speaker_name(new_label)
                pieces = _line_pieces(line[start:stop], offset + start, cue, " ", line_no)
                if not pieces:
                    continue
                if (
                    not turns
                    or new_label is not None
                    or turns[-1].speaker != (speaker or "unknown")
                ):
                    hint = found.role_hint(label) if label else None
                    turns.append(Turn(speaker=speaker or "unknown", label=label, role_hint=hint))
                turns[-1].pieces.extend(pieces)
    return ParsedSubtitles(turns, parsed.warnings, parsed.left_out, parsed.markup)
