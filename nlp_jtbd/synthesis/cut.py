"""Choosing where to cut a category's average-linkage dendrogram, from the category's own data.

One fixed cut cannot suit every corpus: statements of four planted jobs in three languages lie
far apart (after language centring, members of one job are on average only a little more
similar than unrelated statements), while the 77 intents of a banking help desk form tight,
close groups. So the cut is chosen per category:

- every cut of :data:`CUT_GRID` (cosine distances up to :data:`CUT_MAX`, 1: the statements
  are centred on their language's and their category's mean, so unrelated statements lie at
  a distance of about 1, and a group cut any higher would hold members less alike than
  unrelated ones) is scored by a **silhouette** over the groups of at least :data:`MIN_CORE`
  members (smaller groups score 0: they are not candidates). Where the category is said in
  several languages (each at least :data:`LANGUAGE_SHARE` of it), a statement is compared with
  the members of **other** languages only, so a cut that keeps each language apart scores low
  (a candidate is one statement whatever the language);
- the cut chosen is the **coarsest** one scoring within one standard error of the best (the
  standard error of the best cut's mean silhouette, over the points): where the score is flat
  within its noise, fewer candidates that a researcher can read beat many near-equal ones
  (the one-standard-error rule). Small, loosely grouped categories thus get the coarser cuts
  their noise allows; large, tightly grouped ones the cut that fits best.

- only cuts that leave 90 % of the category's rows in at most ``readable`` groups compete (the
  caller gives about √rows, :func:`nlp_jtbd.synthesis.grouping.readable_groups`): statement
  silhouettes are small and flat, and a fine cut chosen from noise would spread the category
  over dozens of candidates of two customers each.

Points may carry weights (micro-clusters stand for their rows) and a language each.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import pdist, squareform

CUT_MAX = 1.0
CUT_GRID = tuple(round(0.5 + 0.02 * i, 2) for i in range(26))  # 0.50, 0.52, …, 1.00
MIN_CORE = 3.0  # a group of fewer (weighted) members is not scored as a group
LANGUAGE_SHARE = 0.1  # languages holding at least this share make a category multilingual
FALLBACK_CUT = CUT_MAX  # no cut gives two scored groups: one theme (or none), cut high


def choose_cut(
    vectors: np.ndarray,
    langs: np.ndarray | None = None,
    weights: np.ndarray | None = None,
    max_groups: int | None = None,
    readable: int | None = None,
    tree: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[float, dict[float, float]]:
    """The chosen cut (cosine distance) for average linkage over ``vectors`` and each grid
    cut's score (``-inf`` where fewer than two groups are scored, more than ``max_groups``
    groups of :data:`MIN_CORE` members remain, or more than ``readable`` groups are needed to
    hold 90 % of the rows). ``weights``: how many rows each point stands for (its standard
    error counts the points' effective number). ``tree``: :func:`dendrogram` of ``vectors``,
    where the caller has it already."""
    n = len(vectors)
    weights = np.ones(n) if weights is None else np.asarray(weights, dtype=np.float64)
    if n < 4:
        return FALLBACK_CUT, {}
    distances, tree = dendrogram(vectors) if tree is None else tree
    mask = _comparable(langs, weights, n)
    pairs = np.where(mask, squareform(distances), 0.0)  # the distances a silhouette compares
    compared = mask.astype(np.float64)
    scores: dict[float, float] = {}
    errors: dict[float, float] = {}
    for cut in CUT_GRID:
        labels = groups_at(tree, cut)
        if readable is not None and holding(labels, weights, 0.9) > readable:
            scores[cut], errors[cut] = float("-inf"), 0.0
            continue
        scores[cut], errors[cut] = _score(pairs, compared, labels, weights, max_groups)
    finite = [c for c, s in scores.items() if np.isfinite(s)]
    if not finite:
        return FALLBACK_CUT, scores
    best = max(finite, key=lambda c: (scores[c], -c))
    floor = scores[best] - errors[best]
    return max(c for c in finite if scores[c] >= floor), scores


def dendrogram(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The condensed cosine distances of ``vectors`` and their average-linkage tree."""
    distances = pdist(np.asarray(vectors, dtype=np.float64), "cosine")
    return distances, linkage(np.clip(distances, 0.0, 2.0), "average")


def groups_at(tree: np.ndarray, cut: float) -> np.ndarray:
    """Each point's group (0, 1, …) when ``tree`` is cut at cosine distance ``cut``."""
    return (fcluster(tree, cut, "distance") - 1).astype(np.int64)


def holding(labels: np.ndarray, weights: np.ndarray, share: float) -> int:
    """How many of the largest groups hold ``share`` of the (weighted) rows."""
    sizes = np.sort(np.bincount(labels, weights=weights))[::-1]
    return int(np.searchsorted(np.cumsum(sizes), share * sizes.sum() - 1e-9) + 1)


def _comparable(langs: np.ndarray | None, weights: np.ndarray, n: int) -> np.ndarray:
    """Which pairs a silhouette compares: other-language pairs in a multilingual category,
    otherwise every pair of distinct points."""
    if langs is not None:
        langs = np.asarray(langs, dtype=object)
        _, index = np.unique(langs, return_inverse=True)
        share = np.bincount(index, weights=weights) / weights.sum()
        if (share >= LANGUAGE_SHARE).sum() >= 2:
            return index[:, None] != index[None, :]
    return ~np.eye(n, dtype=bool)


def _score(
    pairs: np.ndarray,
    mask: np.ndarray,
    labels: np.ndarray,
    weights: np.ndarray,
    max_groups: int | None,
) -> tuple[float, float]:
    """Weighted silhouette over the members of groups of :data:`MIN_CORE` (weighted) members,
    summed and divided by the total weight (others count 0), and its standard error."""
    k = int(labels.max()) + 1
    size = np.bincount(labels, weights=weights, minlength=k)
    core = size >= MIN_CORE
    if core.sum() < 2 or (max_groups is not None and core.sum() > max_groups):
        return float("-inf"), 0.0
    member = sp.csr_matrix((weights, (np.arange(len(labels)), labels)), shape=(len(labels), k))
    total = np.asarray(pairs @ member)  # point × group: weighted distance sums
    count = np.asarray(mask @ member)  # point × group: weights compared
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = total / count
    rows = np.arange(len(labels))
    own = mean[rows, labels]
    mean[rows, labels] = np.inf
    mean[np.isnan(mean)] = np.inf
    other = mean.min(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        silhouette = (other - own) / np.maximum(own, other)
    silhouette[~np.isfinite(silhouette) | ~core[labels]] = 0.0
    mean = float((silhouette * weights).sum() / weights.sum())
    spread = float((weights * (silhouette - mean) ** 2).sum() / weights.sum())
    effective = weights.sum() ** 2 / (weights**2).sum()
    return mean, float(np.sqrt(spread / effective))


__all__ = ["CUT_GRID", "CUT_MAX", "MIN_CORE", "choose_cut", "dendrogram", "groups_at", "holding"]
