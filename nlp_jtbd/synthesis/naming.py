"""Naming candidates: a short phrase a researcher can read and repeat.

The default :class:`ExtractiveNamer` takes the members' own words: among the clauses of the
members closest to the candidate's centre (in the candidate's majority language where one has
enough members), the one that says what most members say, cleaned of fillers, hedges,
discourse markers and asides and cut to 3–20 words at a clause boundary
(:mod:`nlp_jtbd.synthesis.phrases`). Any object with a ``name(members)`` method returning a
string is a namer (e.g. :class:`nlp_jtbd.llm.LLMNamer`, which asks a language model to phrase
the candidate); it gets the same :class:`Members`. A namer that also has
``name_and_source(members) -> (name, named_by)`` says who named each candidate (candidates.csv's
``named_by``); otherwise its ``named_by`` attribute does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from nlp_jtbd.synthesis.phrases import (
    MAX_NAME_WORDS,
    MIN_NAME_WORDS,
    SHORT_NAME_WORDS,
    best_phrase,
    clean_phrase,
    reads_whole,
    word_count,
)


@dataclass(frozen=True)
class Members:
    """What a namer sees of one candidate: its category and its members, closest to the
    centre first (``texts``, ``langs``, ``similarity`` to the centre, ``customers``)."""

    category: str
    texts: tuple[str, ...]
    langs: tuple[str, ...]
    similarity: tuple[float, ...]
    customers: tuple[str, ...]


class Namer(Protocol):
    """Names one candidate from its members."""

    def name(self, members: Members) -> str: ...


class ExtractiveNamer:
    """Names a candidate with its members' own words (see the module docstring).

    Of the ``look_at`` members closest to the centre (in the candidate's majority language
    where it has at least ``majority_share`` of the members), every clause, and every run of
    consecutive clauses, is a possible name (cleaned by :func:`clean_phrase`). The one that
    says what most members say wins: its content words are the ones most other members of
    that language use too (:func:`~nlp_jtbd.synthesis.phrases.shared_score`), plus its
    member's closeness to the centre, plus a bonus when it reads as a whole statement
    (:func:`reads_whole`) and a penalty when it opens like a dependent clause ("because…",
    "чтобы…") or runs long. So a story's detail ("Caregivers work different hours every
    week") loses to the job the members share ("Pay everyone the right amount on time").
    ``max_words`` caps a name's length."""

    named_by = "extractive"

    def __init__(
        self, max_words: int = MAX_NAME_WORDS, majority_share: float = 0.34, look_at: int = 8
    ) -> None:
        self.max_words = max_words
        self.majority_share = majority_share
        self.look_at = look_at

    def name(self, members: Members) -> str:
        langs = np.asarray(members.langs, dtype=object)
        values, counts = np.unique(langs, return_counts=True)
        order = np.arange(len(langs))
        if len(values) and counts.max() >= self.majority_share * len(langs):
            major = langs == values[np.argmax(counts)]
            order = order[major]  # closest first
        texts = [members.texts[i] for i in order]
        similarity = [members.similarity[i] for i in order]
        best = best_phrase(texts, similarity, self.look_at, self.max_words)
        if best:
            return best
        # nothing of 3+ words anywhere: the most central member, cleaned
        return clean_phrase(members.texts[0], self.max_words) if members.texts else ""


def name_candidate(namer: Namer, members: Members) -> tuple[str, str]:
    """A candidate's name and who gave it: the namer's ``name_and_source`` where it has one,
    else its ``name`` and its ``named_by`` (default: the class name, lower-cased)."""
    both = getattr(namer, "name_and_source", None)
    if callable(both):
        name, source = both(members)
        return str(name), str(source)
    return str(namer.name(members)), str(getattr(namer, "named_by", type(namer).__name__.lower()))


__all__ = [
    "MAX_NAME_WORDS",
    "MIN_NAME_WORDS",
    "SHORT_NAME_WORDS",
    "ExtractiveNamer",
    "Members",
    "Namer",
    "clean_phrase",
    "name_candidate",
    "reads_whole",
    "word_count",
]
