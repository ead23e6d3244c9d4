"""Grouping one category's utterances into candidates: statements that say the same thing.

- **Language centring.** USE puts each language in its own region of the space; subtracting
  each language's mean vector (over all the utterances synthesised, not one category's, so a
  category's own theme is not centred away) lines the languages up, so a Russian and an
  English barrier about the same fear fall together. Rows are re-normalised afterwards.
- **Category centring** (:func:`centre_category`): within a category, its own mean is taken
  away too (and rows re-normalised), so what every statement of the category shares (a main
  job's "I want … to …", a trigger's "then one day …") no longer makes unrelated statements
  look alike: two statements are as alike as their cosine, and unrelated ones lie at a cosine
  distance of about 1, which is where the cut's grid ends (:mod:`nlp_jtbd.synthesis.cut`).
  On the team's planted corpus the mean ARI rose from 0.778 to 0.849 (BENCHMARKS.md).
- **Agglomerative grouping** (average linkage, cosine distance) cut at ``distance_threshold``
  or, where it is None (the default), at the cut :func:`~nlp_jtbd.synthesis.cut.choose_cut`
  picks from the category's own data (a cross-language silhouette over a grid of cuts).
  Above ``max_points`` rows, k-means (spherical, seeded: :func:`micro_kmeans`) first condenses
  the rows into ``micro_clusters`` micro-clusters, whose centres are then grouped the same
  way (the cut chosen on the centres, weighted by their rows); so time and memory stay bounded
  on 100,000 utterances.
- **Refinement**: the members of the groups of at least three rows then move to the nearest of
  those groups' centres, a few rounds (:func:`refine_groups`), undoing average linkage's early
  chaining mistakes (on the team's planted corpus the mean ARI rose from 0.739 to 0.778 with
  the same coder, and no public intent set lost; BENCHMARKS.md).
- ``max_candidates`` merges the closest groups that qualify as candidates (by centre cosine)
  until at most that many remain.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.preprocessing import normalize

from nlp_jtbd.errors import UsageError
from nlp_jtbd.synthesis.cut import MIN_CORE, choose_cut, dendrogram, groups_at

MIN_LANGUAGE_ROWS = 5  # a language needs this many rows for its own mean
MIN_CATEGORY_ROWS = 10  # a category needs this many rows to be centred on its own mean
MIN_READABLE, MAX_READABLE = 4, 30  # bounds of the default cap on a category's groups


def centre_languages(vectors: np.ndarray, langs: np.ndarray) -> np.ndarray:
    """``vectors`` (float32) minus their language's mean (languages with fewer than
    :data:`MIN_LANGUAGE_ROWS` rows: the overall mean), re-normalised."""
    vectors = np.asarray(vectors, dtype=np.float32)
    if not len(vectors):
        return vectors
    langs = np.asarray(langs, dtype=object)
    overall = vectors.mean(axis=0)
    centred = np.empty_like(vectors)
    for lang in np.unique(langs):
        rows = langs == lang
        mean = vectors[rows].mean(axis=0) if rows.sum() >= MIN_LANGUAGE_ROWS else overall
        centred[rows] = vectors[rows] - mean
    return normalize(centred).astype(np.float32)


def centre_category(vectors: np.ndarray) -> np.ndarray:
    """One category's (language-centred) ``vectors`` minus their mean, re-normalised; fewer
    than :data:`MIN_CATEGORY_ROWS` rows are returned as they are (the mean of a handful is
    mostly the rows themselves, and taking it away would push them apart)."""
    vectors = np.asarray(vectors, dtype=np.float32)
    if len(vectors) < MIN_CATEGORY_ROWS:
        return vectors
    return normalize(vectors - vectors.mean(axis=0)).astype(np.float32)


class CandidateGrouper(BaseEstimator):
    """Groups (centred, normalised) vectors of one category; ``labels_`` numbers the groups
    from 0 in no particular order, ``centres_`` are their normalised mean vectors and
    ``distance_threshold_`` is the cut used (``distance_threshold``, or the one chosen from the
    data where that is None; ``cut_scores_`` then holds each grid cut's score).
    ``max_groups`` caps the groups of several members a chosen cut may leave."""

    def __init__(
        self,
        distance_threshold: float | None = None,
        max_points: int = 2000,
        micro_clusters: int = 300,
        max_groups: int | None = None,
        refine: int = 10,
        random_state: int | None = 0,
    ) -> None:
        self.distance_threshold = distance_threshold
        self.max_points = max_points
        self.micro_clusters = micro_clusters
        self.max_groups = max_groups
        self.refine = refine
        self.random_state = random_state

    def fit(self, vectors: np.ndarray, langs: np.ndarray | None = None) -> CandidateGrouper:
        """``langs``: each row's language (where known), for choosing the cut."""
        if self.distance_threshold is not None and not 0.0 < self.distance_threshold < 2.0:
            raise UsageError(
                f"`distance_threshold` must be between 0 and 2 (cosine distance), not "
                f"{self.distance_threshold}",
                fix="leave it out (None) to choose the cut from the data, or give e.g. 0.9; "
                "smaller gives more, narrower candidates",
            )
        vectors = np.asarray(vectors, dtype=np.float32)
        n = len(vectors)
        self.cut_scores_: dict[float, float] = {}
        self.distance_threshold_ = self.distance_threshold
        if n <= 1:
            self.labels_ = np.zeros(n, dtype=np.int64)
        elif n <= self.max_points:
            self.labels_ = self._agglomerate(vectors, langs, None)
        else:
            k = min(self.micro_clusters, n)
            micro = micro_kmeans(vectors, k, self.random_state)
            used = np.unique(micro)
            centres = _centres(vectors, micro)[used]
            weights = np.bincount(micro, minlength=k)[used]
            major = _majority(micro, langs, k)[used] if langs is not None else None
            merged = (
                self._agglomerate(centres, major, weights)
                if len(used) > 1
                else np.zeros(1, np.int64)
            )
            lookup = np.full(k, -1, dtype=np.int64)
            lookup[used] = merged
            self.labels_ = lookup[micro]
        if n > 1 and self.refine:
            self.labels_ = refine_groups(vectors, self.labels_, self.refine)
        self.centres_ = _centres(vectors, self.labels_)
        return self

    def _agglomerate(
        self, vectors: np.ndarray, langs: np.ndarray | None, weights: np.ndarray | None
    ) -> np.ndarray:
        tree = dendrogram(vectors)  # built once: the cut is chosen and made on the same tree
        threshold = self.distance_threshold
        if threshold is None:
            total = float(len(vectors) if weights is None else np.sum(weights))
            threshold, self.cut_scores_ = choose_cut(
                vectors, langs, weights, self.max_groups, readable_groups(total), tree=tree
            )
        self.distance_threshold_ = threshold
        return groups_at(tree[1], threshold)


def readable_groups(rows: float) -> int:
    """How many groups may hold 90 % of a category of ``rows`` statements at a chosen cut:
    about the square root of the rows, between :data:`MIN_READABLE` and :data:`MAX_READABLE`.
    The silhouette of statements is small and flat (0.03–0.1 on interviews: customers' stories
    differ in every detail), so on its own it may pick a fine cut from noise and spread a
    category over dozens of two-customer candidates nobody reads."""
    return int(min(max(round(float(np.sqrt(max(rows, 0.0)))), MIN_READABLE), MAX_READABLE))


def refine_groups(
    vectors: np.ndarray, labels: np.ndarray, rounds: int, min_size: float = MIN_CORE
) -> np.ndarray:
    """Move each member of a group of at least ``min_size`` rows to the group (of those) whose
    centre is nearest, and repeat, at most ``rounds`` times (spherical k-means started from the
    dendrogram's groups). Average linkage decides once and never revisits: a statement that
    chained into the wrong group early stays there; this lets it move. Members of smaller
    groups stay where they are (their fate is decided with the candidates'), and groups keep
    their numbers (one may end empty)."""
    labels = labels.copy()
    for _ in range(rounds):
        sizes = np.bincount(labels)
        big = np.flatnonzero(sizes >= min_size)
        if len(big) < 2:
            break
        inside = np.isin(labels, big)
        moved = big[_nearest(vectors[inside], _centres(vectors, labels)[big])]
        if np.array_equal(moved, labels[inside]):
            break
        labels[inside] = moved
    return labels


def _majority(micro: np.ndarray, langs: np.ndarray, k: int) -> np.ndarray:
    """The most frequent language of each micro-cluster."""
    values, index = np.unique(np.asarray(langs, dtype=object), return_inverse=True)
    counts = np.zeros((k, len(values)), dtype=np.int64)
    np.add.at(counts, (micro, index), 1)
    return values[counts.argmax(axis=1)]


def _centres(vectors: np.ndarray, labels: np.ndarray, k: int | None = None) -> np.ndarray:
    """The normalised mean vector of each label 0…k-1 (zeros for a label without rows)."""
    if not len(labels):
        return np.zeros((0, vectors.shape[1] if vectors.ndim == 2 else 0), dtype=np.float32)
    k = int(labels.max()) + 1 if k is None else k
    member = sp.csr_matrix(
        (np.ones(len(labels), dtype=np.float32), (labels, np.arange(len(labels)))),
        shape=(k, len(labels)),
    )
    return normalize(np.asarray(member @ vectors)).astype(np.float32)


def micro_kmeans(
    vectors: np.ndarray, k: int, random_state: int | None, iterations: int = 6
) -> np.ndarray:
    """Spherical k-means into ``k`` micro-clusters: ``k`` random rows as the first centres,
    ``iterations`` rounds of assignment (one matrix product per block of rows) and re-centring.
    Cheaper than scikit-learn's mini-batch k-means on hundreds of centres, and deterministic
    given ``random_state``. Returns each row's micro-cluster."""
    rng = np.random.default_rng(random_state)
    centres = vectors[np.sort(rng.choice(len(vectors), k, replace=False))].astype(np.float32)
    labels = _nearest(vectors, centres)
    for _ in range(iterations):
        centres = _centres(vectors, labels, k)
        empty = ~centres.any(axis=1)
        if empty.any():  # a centre that lost every row restarts at a random row
            centres[empty] = vectors[rng.choice(len(vectors), int(empty.sum()), replace=False)]
        moved = _nearest(vectors, centres)
        if np.array_equal(moved, labels):
            break
        labels = moved
    return labels


def _nearest(vectors: np.ndarray, centres: np.ndarray, block: int = 16384) -> np.ndarray:
    """Each row's nearest centre (squared Euclidean), in blocks of rows."""
    norms = (centres**2).sum(axis=1)
    out = np.empty(len(vectors), dtype=np.int64)
    for start in range(0, len(vectors), block):
        part = vectors[start : start + block]
        out[start : start + block] = np.argmin(norms - 2.0 * part @ centres.T, axis=1)
    return out


def merge_closest(
    labels: np.ndarray, vectors: np.ndarray, keep: list[int], limit: int
) -> np.ndarray:
    """Merge the closest of the groups ``keep`` (by centre cosine, recomputed after every
    merge) until at most ``limit`` remain; returns the new labels."""
    labels = labels.copy()
    groups = list(keep)
    while len(groups) > max(limit, 1):
        centres = normalize(np.stack([vectors[labels == g].sum(axis=0) for g in groups]))
        similarity = centres @ centres.T
        np.fill_diagonal(similarity, -np.inf)
        i, j = np.unravel_index(int(np.argmax(similarity)), similarity.shape)
        into, gone = groups[min(i, j)], groups[max(i, j)]
        labels[labels == gone] = into
        groups.remove(gone)
    return labels


__all__ = [
    "CandidateGrouper",
    "centre_category",
    "centre_languages",
    "merge_closest",
    "refine_groups",
]
