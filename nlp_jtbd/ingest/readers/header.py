"""The header block of a text transcript: ``Key: value`` fields before the dialogue
(``Date: 2025-03-14``, ``Interviewer: Jane Doe``) and the people a tool or the researcher lists
(Google Meet's ``Attendees``, Otter's ``SPEAKERS``, ``participants:`` in front matter)."""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from nlp_jtbd.ingest import speakers
from nlp_jtbd.ingest.metadata import INTERVIEWER_KEYS, RESPONDENT_KEYS
from nlp_jtbd.ingest.readers.layouts import Line

# Header lines that list the people in the call (Google Meet, Otter, a researcher's header).
_PEOPLE_KEYS = {
    *INTERVIEWER_KEYS, *RESPONDENT_KEYS, "participant", "participants", "attendees", "speakers",
    "guests", "researcher", "исследователь", "модератор", "участник", "araştırmacı",
    "guest", "host", "hosts", "interviewers", "interviewees", "respondents", "участники",
    "спикеры", "гость", "интервьюеры", "katılımcılar", "konuşmacılar", "katılanlar", "konuk",
}  # fmt: skip

_HEADER_LINES = 40  # a header block is never longer than this (blank lines aside)
label_key = lru_cache(maxsize=4096)(speakers.normalise_label)


def fields(lines: list[Line]) -> set[int]:
    """Indexes of ``Key: value`` lines in the header block (its first lines, before any label
    recurs), such as ``Date: 2025-03-14`` or ``Interviewer: Jane Doe``: metadata, not speech."""
    counts = Counter(label_key(ln.label) for ln in lines if ln.label)
    found: set[int] = set()
    seen = 0
    for index, line in enumerate(lines):
        if line.kind == "blank":
            continue
        seen += 1
        if seen > _HEADER_LINES:
            break
        if line.kind not in ("label", "header", "bold"):
            continue
        norm = label_key(line.label or "")
        if line.kind != "label" or counts[norm] > 1 or line.ts is not None:
            break
        body = line.body
        if body and len(body) <= 120 and len(norm.split()) <= 3 and not _sentence(body):
            found.add(index)
    return found


def _sentence(text: str) -> bool:
    """Whether ``text`` ends like a spoken sentence (``Hi, thanks for joining.``), not like a
    field value (``Northline Logistics Ltd.``, ``12.04.2025``)."""
    if text.endswith(("?", "!", "…")):
        return True
    return text.endswith(".") and len(text.split()[-1].rstrip(".")) > 4


def people(metadata: dict[str, str]) -> list[str]:
    names = [v for k, v in metadata.items() if label_key(k) in _PEOPLE_KEYS]
    return [n for value in names for n in _names(value)]


def _names(value: str) -> list[str]:
    parts = re.split(r"[,;]|\s+(?:and|и|ve)\s+", value)
    names = [speakers.speaker_name(p) for p in parts if p.strip()]
    return [n for n in names if 0 < len(n.split()) <= 5]


def listed_people(lines: list[Line], fields: set[int]) -> list[str]:
    """Names in ``Participants: A, B`` fields and under a lone ``Attendees``/``SPEAKERS`` line."""
    found: list[str] = []
    for index, line in enumerate(lines):
        if index in fields and label_key(line.label or "") in _PEOPLE_KEYS:
            found += _names(line.body)
        elif line.kind == "text" and len(line.text) <= 40 and label_key(line.text) in _PEOPLE_KEYS:
            after = next((ln for ln in lines[index + 1 :] if ln.kind != "blank"), None)
            if after is not None and after.kind == "text" and len(after.text) <= 300:
                found += _names(after.text)
    return found
