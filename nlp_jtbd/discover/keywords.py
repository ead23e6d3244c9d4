"""Keyword choice per cluster: c-TF-IDF candidates, phrase merging, diversification, a label.

Candidates are a cluster's best terms by c-TF-IDF; selection merges words into the phrases
people say them in, then picks by maximal marginal relevance, skipping near-duplicates.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from nlp_jtbd.discover.terms import Terms

_CANDIDATES = 3  # keyword candidates looked at per keyword wanted
_PHRASE_SHARE = 0.6  # a word used inside one phrase this often is shown as the phrase
_LABEL_PARTS = 3
_LABEL_SEPARATOR = " · "


class Candidate:
    """A keyword candidate of one cluster, with what selection compares."""

    __slots__ = ("display", "score", "term", "uses", "words")

    def __init__(self, term: int, score: float, uses: float, terms: Terms) -> None:
        self.term = term
        self.score = score
        self.uses = uses
        self.words = terms.words[term]
        self.display = terms.display(term)


def cluster_keywords(
    terms: Terms,
    counts: sp.csr_matrix,
    weights: sp.csr_matrix,
    k: int,
    top_n: int,
    diversity: float,
) -> list[tuple[int, float]]:
    """Top ``(term, score)`` of cluster ``k``: by c-TF-IDF, diversified, without near-duplicates."""
    start, end = weights.indptr[k], weights.indptr[k + 1]
    if start == end or top_n == 0:
        return []
    ids = weights.indices[start:end]
    scores = weights.data[start:end]
    uses = counts.data[start:end]
    wanted = max(_CANDIDATES * top_n, 10)
    if len(scores) > wanted:  # keep ties at the cut so the order stays stable
        keep = scores >= np.partition(scores, -wanted)[-wanted]
        ids, scores, uses = ids[keep], scores[keep], uses[keep]
    best = np.lexsort((terms.rank[ids], -scores))[:wanted]
    candidates = [Candidate(int(ids[j]), float(scores[j]), float(uses[j]), terms) for j in best]
    return [(c.term, c.score) for c in select(candidates, top_n, diversity)]


def select(candidates: list[Candidate], top_n: int, diversity: float) -> list[Candidate]:
    """Maximal marginal relevance over the candidates (best first), after merging phrases.

    A word used mostly inside a phrase is shown as that phrase (see :func:`_merge_phrases`). A
    candidate is skipped when it reads like a chosen keyword (same text, or the same words up to
    an ending the lemmatiser missed: ``renew``/``renewal``), when it would make a phrase and all
    of its words appear together, or when it is inside a chosen phrase or the other way round.
    Chosen keywords are returned by score, ties in candidate order.
    """
    candidates = _merge_phrases(candidates)
    if not candidates:
        return []
    top = candidates[0].score or 1.0
    remaining = list(range(len(candidates)))
    penalty = [0.0] * len(candidates)
    chosen: list[Candidate] = []
    picked: list[int] = []
    while remaining and len(chosen) < top_n:
        pick = max(
            remaining,
            key=lambda j: (
                (1 - diversity) * candidates[j].score / top - diversity * penalty[j],
                -j,
            ),
        )
        remaining.remove(pick)
        candidate = candidates[pick]
        if any(_same_reading(candidate, other) for other in chosen):
            continue
        if _completes_phrase(candidate, chosen) or any(_nested(candidate, c) for c in chosen):
            continue
        chosen.append(candidate)
        picked.append(pick)
        for j in remaining:
            penalty[j] = max(penalty[j], _overlap(candidates[j].words, candidate.words))
    return [candidates[j] for j in sorted(picked)]


def _merge_phrases(candidates: list[Candidate]) -> list[Candidate]:
    """A word (or shorter phrase) used mostly inside a longer phrase gives way to it.

    ``provider`` that people say in ``SMS provider`` at least ``_PHRASE_SHARE`` of the time is
    better shown as the phrase, which takes the word's score when higher (the phrase with the
    most uses wins). Returned by score, ties in the original order.
    """
    absorbed: set[int] = set()
    by_length = sorted(range(len(candidates)), key=lambda j: len(candidates[j].words))
    for i in by_length:
        part = candidates[i]
        hosts = [
            (-host.uses, j)
            for j, host in enumerate(candidates)
            if j not in absorbed
            and len(host.words) > len(part.words)
            and host.uses >= _PHRASE_SHARE * part.uses
            and _contains(host.words, part.words)
        ]
        if hosts:
            host = candidates[min(hosts)[1]]
            host.score = max(host.score, part.score)
            absorbed.add(i)
    kept = [(j, c) for j, c in enumerate(candidates) if j not in absorbed]
    kept.sort(key=lambda jc: (-jc[1].score, jc[0]))
    return [c for _, c in kept]


def _contains(longer: tuple[str, ...], shorter: tuple[str, ...]) -> bool:
    n = len(shorter)
    return any(longer[i : i + n] == shorter for i in range(len(longer) - n + 1))


def _same_reading(a: Candidate, b: Candidate) -> bool:
    if a.display.casefold() == b.display.casefold():
        return True
    if len(a.words) != len(b.words):
        return False
    if len(a.words) > 1 and sorted(a.words) == sorted(b.words):
        return True  # currency exchange / exchange currency
    return all(x == y or _same_stem(x, y) for x, y in zip(a.words, b.words, strict=True))


def _same_stem(a: str, b: str) -> bool:
    """``renew``/``renewal``, ``ATM``/``ATMs``, ``смс-код``/``смс-коды``: one word, two endings."""
    short, long = sorted((a, b), key=len)
    if len(short) >= 3 and long in (short + "s", short + "es"):
        return True  # plurals the lemmatiser does not know: atm/atms
    longest = len(long)
    common = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        common += 1
    return common >= 4 and longest - common <= 3 and common >= 0.7 * longest


def _completes_phrase(candidate: Candidate, chosen: list[Candidate]) -> bool:
    """Would ``candidate`` make some phrase appear together with all of its words?"""
    keywords = [*chosen, candidate]
    singles = {c.words[0] for c in keywords if len(c.words) == 1}
    return any(
        len(c.words) > 1
        and all(w in singles for w in c.words)
        and (c is candidate or set(candidate.words) <= set(c.words))
        for c in keywords
    )


def _nested(a: Candidate, b: Candidate) -> bool:
    """Phrases inside one another (``broken box`` in ``arrived broken box``)."""
    if len(a.words) < 2 or len(b.words) < 2:
        return False
    return _contains(a.words, b.words) or _contains(b.words, a.words)


def _overlap(a: tuple[str, ...], b: tuple[str, ...]) -> float:
    shared = len(set(a) & set(b))
    return shared / (len(a) * len(b)) ** 0.5 if shared else 0.0


def label(chosen: list[int], terms: Terms) -> str:
    """The top keywords, up to three, that share no word (``work`` and ``work anymore`` do)."""
    parts: list[int] = []
    covered: set[str] = set()
    for term in chosen:
        if len(parts) == _LABEL_PARTS:
            break
        if covered.isdisjoint(terms.words[term]):
            parts.append(term)
            covered.update(terms.words[term])
    return _LABEL_SEPARATOR.join(terms.display(p) for p in parts)
