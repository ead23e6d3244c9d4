"""Grouping one category's utterances into candidates: statements that say the same thing.

- **Language centring.** USE puts each language in its own region of the space; subtracting
  each language's mean vector (over all the utterances synthesised, not one category's, so a
  category's own theme is not centred away) lines the languages up, so a Russian and an
  English barrier about the same fear fall together. Rows are re-normalised afterwards.
- **Agglomerative grouping** (average linkage, cosine distance) cut at ``distance_threshold``.
  Above ``max_points`` rows, k-means (spherical, seeded: :func:`micro_kmeans`) first condenses
  the rows into ``micro_clusters`` micro-clusters, whose centres are then grouped the same
  way; so time and memory stay bounded on 100,000 utterances.
- ``max_candidates`` merges the closest groups that qualify as candidates (by centre cosine)
  until at most that many remain.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.cluster import AgglomerativeClustering
from sklearn.preprocessing import normalize

from nlp_jtbd.errors import UsageError

MIN_LANGUAGE_ROWS = 5  # a language needs this many rows for its own mean


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


class CandidateGrouper(BaseEstimator):
    """Groups (centred, normalised) vectors of one category; ``labels_`` numbers the groups
    from 0 in no particular order, ``centres_`` are their normalised mean vectors."""

    def __init__(
        self,
        distance_threshold: float = 0.92,
        max_points: int = 2000,
        micro_clusters: int = 300,
        random_state: int | None = 0,
    ) -> None:
        self.distance_threshold = distance_threshold
        self.max_points = max_points
        self.micro_clusters = micro_clusters
        self.random_state = random_state

    def fit(self, vectors: np.ndarray) -> CandidateGrouper:
        if not 0.0 < self.distance_threshold < 2.0:
            raise UsageError(
                f"`distance_threshold` must be between 0 and 2 (cosine distance), not "
                f"{self.distance_threshold}",
                fix="use e.g. 0.92 (the default); smaller gives more, narrower candidates",
            )
        vectors = np.asarray(vectors, dtype=np.float32)
        n = len(vectors)
        if n == 0:
            self.labels_ = np.zeros(0, dtype=np.int64)
        elif n == 1:
            self.labels_ = np.zeros(1, dtype=np.int64)
        elif n <= self.max_points:
            self.labels_ = self._agglomerate(vectors)
        else:
            k = min(self.micro_clusters, n)
            micro = micro_kmeans(vectors, k, self.random_state)
            used = np.unique(micro)
            centres = _centres(vectors, micro)[used]
            merged = self._agglomerate(centres) if len(used) > 1 else np.zeros(1, np.int64)
            lookup = np.full(k, -1, dtype=np.int64)
            lookup[used] = merged
            self.labels_ = lookup[micro]
        self.centres_ = _centres(vectors, self.labels_)
        return self

    def _agglomerate(self, vectors: np.ndarray) -> np.ndarray:
        model = AgglomerativeClustering(
            n_clusters=None,
            metric="cosine",
            linkage="average",
            distance_threshold=self.distance_threshold,
        )
        return model.fit_predict(vectors).astype(np.int64)


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


__all__ = ["CandidateGrouper", "centre_languages", "merge_closest"]
