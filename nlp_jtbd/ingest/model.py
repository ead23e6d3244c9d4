"""In-memory shapes shared by the readers: pieces of text, speaker turns, documents."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Role = Literal["interviewer", "respondent", "unknown"]
SourceType = Literal["interview", "review"]


@dataclass
class Piece:
    """A verbatim run of text from the source with its position and timing.

    ``src_start``/``src_end`` index the document's plain text (``Document.source_text``);
    ``joiner`` is what separates this piece from the previous one when a turn is assembled:
    ``""`` (same line), ``" "`` (next line or cue) or ``"\\n\\n"`` (new paragraph: a hard
    sentence break).
    """

    text: str
    src_start: int
    src_end: int
    loc: str
    start_s: float | None = None
    end_s: float | None = None
    joiner: str = " "


@dataclass
class Turn:
    """Consecutive speech of one speaker."""

    speaker: str
    pieces: list[Piece] = field(default_factory=list)
    role_hint: Role | None = None  # from a label such as "Interviewer:" or "Анна (респондент)"
    label: str | None = None  # the raw label as written


@dataclass
class Document:
    """One transcript or one review with its metadata."""

    doc_id: str
    path: str
    source_format: str
    source_type: SourceType
    source_text: str
    turns: list[Turn]
    metadata: dict[str, str] = field(default_factory=dict)
    lang: str | None = None  # declared or detected language
    row: int | None = None  # 1-based data row for tabular sources


def merge_consecutive_turns(turns: list[Turn]) -> list[Turn]:
    """Merge consecutive turns of the same speaker (split cues, segment-per-sentence STT output)."""
    merged: list[Turn] = []
    for turn in turns:
        if not turn.pieces:
            continue
        if merged and merged[-1].speaker == turn.speaker:
            merged[-1].pieces.extend(turn.pieces)
            merged[-1].role_hint = merged[-1].role_hint or turn.role_hint
        else:
            merged.append(turn)
    return merged
