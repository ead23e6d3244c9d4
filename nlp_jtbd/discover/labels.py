"""Cluster labels that read well in a multilingual corpus.

A theme discussed in three languages yields keywords like ``customer``, ``клиент``,
``müşteri``. With a multilingual embedding model these translations sit close together, so
they are grouped (``customer / клиент / müşteri``) and the label uses each group once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

TRANSLATION_SIMILARITY = 0.8  # USE: translations ≥ 0.85, related words (week/month) ≤ 0.72
LABEL_TERMS = 3


def group_translations(
    keywords: Sequence[str], vectors: np.ndarray, threshold: float = TRANSLATION_SIMILARITY
) -> list[list[str]]:
    """Greedy grouping in rank order: a keyword joins the first group whose head it matches."""
    groups: list[list[int]] = []
    for i in range(len(keywords)):
        for group in groups:
            if float(vectors[group[0]] @ vectors[i]) >= threshold:
                group.append(i)
                break
        else:
            groups.append([i])
    return [[keywords[i] for i in group] for group in groups]


def label_from_groups(groups: Sequence[Sequence[str]], fallback: str) -> str:
    """Up to three group heads that share no word, joined with `` · ``."""
    chosen: list[str] = []
    seen: set[str] = set()
    for group in groups:
        words = set(group[0].lower().split())
        if words & seen:
            continue
        chosen.append(group[0])
        seen |= words
        if len(chosen) == LABEL_TERMS:
            break
    return " · ".join(chosen) or fallback


def multilingual_labels(
    keywords: dict[int, list[str]], encode: Callable[[list[str]], np.ndarray]
) -> tuple[dict[int, list[str]], dict[int, str]]:
    """``(grouped keywords, labels)`` per cluster; ``encode`` embeds keyword strings."""
    vocabulary = sorted({k for words in keywords.values() for k in words})
    if not vocabulary:
        return {c: [] for c in keywords}, {c: f"cluster {c}" for c in keywords}
    index = {word: i for i, word in enumerate(vocabulary)}
    vectors = encode(vocabulary)
    grouped: dict[int, list[str]] = {}
    labels: dict[int, str] = {}
    for cluster, words in keywords.items():
        groups = group_translations(words, vectors[[index[w] for w in words]])
        grouped[cluster] = [" / ".join(group) for group in groups]
        labels[cluster] = label_from_groups(groups, f"cluster {cluster}")
    return grouped, labels
