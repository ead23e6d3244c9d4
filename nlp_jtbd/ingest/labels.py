"""Which ``Word:`` at the start of a line names a speaker: labels that behave like speakers."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from nlp_jtbd.ingest.speakers import (
    is_anonymous,
    letter_roles,
    normalise_label,
    role_from_label,
    speaker_name,
)


def recurring_labels(labels: Iterable[str], minimum: int = 2) -> set[str]:
    """Labels seen at least ``minimum`` times (real speakers recur; ``Цена:`` does not)."""
    counts = Counter(normalise_label(label) for label in labels)
    return {label for label, n in counts.items() if n >= minimum}


def accept_labels(
    candidates: list[str], known: Iterable[str] = (), always: Iterable[str] = ()
) -> set[str]:
    """Normalised labels that really name a speaker.

    A ``Word:`` at line start is a speaker when it is a role word (``Ведущий``), a one-letter
    label with its partner (``Q``/``A``), a diarization label (``SPEAKER_01``), a name the user
    or metadata gave, or a capitalised name that recurs. ``Цена: 4 500 руб.`` is none of these.
    """
    recurring = recurring_labels(candidates) | {normalise_label(a) for a in always}
    letters = letter_roles(candidates)
    known_norm = {normalise_label(k) for k in known if k}
    accepted: set[str] = set()
    for label in candidates:
        norm = normalise_label(label)
        if (
            role_from_label(label)
            or norm in letters
            or norm in known_norm
            or normalise_label(speaker_name(label)) in known_norm
            or (is_anonymous(label) and len(norm) > 1)
            or (norm in recurring and _looks_like_name(label))
        ):
            accepted.add(norm)
    return accepted


def _looks_like_name(label: str) -> bool:
    first = label.strip().strip("*_")[:1]
    return first.isupper() or is_anonymous(label)
