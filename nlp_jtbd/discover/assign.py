"""Place utterances in clusters by their nearest cluster centre in embedding space.

The same rule labels the training utterances (``fit``) and new ones (``predict``), so
``transform`` on the training data reproduces ``fit_transform`` exactly, prediction is a matrix
product, and nothing depends on UMAP at prediction time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.base import BaseEstimator

from nlp_jtbd.errors import InputError

_BLOCK = 16_384  # rows per product: 16k × 1,000 centres is 64 MB of similarities
_QUANTILES = 101
# Float32 products differ in the last bits with the block shape: a member exactly on its
# cluster's radius must not flip to unassigned because it was placed in a smaller batch.
_TOLERANCE = 1e-5


@dataclass
class Placement:
    """Per-utterance result of :meth:`CentroidAssigner.predict`."""

    cluster_id: np.ndarray  # -1 where unassigned
    nearest: np.ndarray  # nearest cluster, also for unassigned utterances
    similarity: np.ndarray  # cosine similarity to the nearest centre
    confidence: np.ndarray  # 0..1, see CentroidAssigner
    is_outlier: np.ndarray


def _centroids(vectors: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    sums = np.zeros((k, vectors.shape[1]), dtype=np.float64)
    np.add.at(sums, labels[labels >= 0], vectors[labels >= 0])
    norms = np.linalg.norm(sums, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (sums / norms).astype(np.float32)


class CentroidAssigner(BaseEstimator):
    """Cluster centres from density clusters, refined, merged, with an outlier radius.

    ``fit(vectors, labels)`` takes HDBSCAN labels (``-1`` = noise), moves every utterance to its
    nearest centre and recomputes the centres ``refine_iter`` times (a few spherical k-means
    steps seeded by the density clusters), merges clusters whose centres are more similar than
    ``merge_threshold`` and, if needed, the closest ones until at most ``max_clusters`` remain.

    An utterance is *unassigned* (``cluster_id`` -1) when it is farther from its nearest centre
    than every core member of that cluster (the points HDBSCAN itself put there). ``confidence``
    is the share of the cluster's core members that are farther from the centre than the
    utterance: 0.9 means it is more central than 90 % of the cluster.
    """

    def __init__(
        self,
        refine_iter: int = 3,
        merge_threshold: float = 0.95,
        max_clusters: int | None = None,
    ) -> None:
        self.refine_iter = refine_iter
        self.merge_threshold = merge_threshold
        self.max_clusters = max_clusters

    def fit(
        self, vectors: np.ndarray, labels: np.ndarray, population: int | None = None
    ) -> CentroidAssigner:
        """``population``: how many utterances the fitted ones are a random sample of (None: no
        sample). A cluster's radius is then widened to where its lowest member would be among
        that many (see :func:`_sample_radius`)."""
        labels = np.asarray(labels, dtype=np.int64)
        k = int(labels.max()) + 1 if len(labels) else 0
        if k == 0:
            raise InputError(
                "no clusters were found: every utterance looks unique at this cluster size",
                fix="lower `min_cluster_size`, or add more utterances",
            )
        centres = _centroids(vectors, labels, k)
        assigned = self._nearest(vectors, centres)[0]
        for _ in range(self.refine_iter):
            centres = _centroids(vectors, assigned, k)
            assigned = self._nearest(vectors, centres)[0]
        assigned, centres = self._merge(vectors, assigned, k)
        assigned, centres = _renumber_by_size(vectors, assigned, centres)
        # The same computation as predict(), so a core member is never below its own radius.
        assigned, sims = self._nearest(vectors, centres)
        core = labels >= 0
        self.quantiles_ = np.empty((len(centres), _QUANTILES), dtype=np.float32)
        self.thresholds_ = np.empty(len(centres), dtype=np.float32)
        scale = population / len(vectors) if population and population > len(vectors) else 1.0
        for c in range(len(centres)):
            member = assigned == c
            pool = np.sort(sims[member & core] if (member & core).any() else sims[member])
            self.quantiles_[c] = np.quantile(pool, np.linspace(0, 1, _QUANTILES))
            self.thresholds_[c] = _sample_radius(pool, scale)
        self.centroids_ = centres
        # Final numbering: cluster 0 has the most assigned (non-outlier) utterances.
        placed = self.predict(vectors).cluster_id
        sizes = np.bincount(placed[placed >= 0], minlength=len(centres))
        order = np.lexsort((np.arange(len(centres)), -sizes))
        self.centroids_ = self.centroids_[order]
        self.quantiles_ = self.quantiles_[order]
        self.thresholds_ = self.thresholds_[order]
        return self

    def predict(self, vectors: np.ndarray) -> Placement:
        nearest, similarity = self._nearest(vectors, self.centroids_)
        outlier = similarity < self.thresholds_[nearest] - _TOLERANCE
        rank = np.empty(len(vectors), dtype=np.float32)
        for c in np.unique(nearest):
            rows = nearest == c
            rank[rows] = np.searchsorted(self.quantiles_[c], similarity[rows], side="right")
        confidence = np.clip((rank - 1) / (_QUANTILES - 1), 0.0, 1.0)
        confidence[outlier] = 0.0
        cluster_id = np.where(outlier, -1, nearest)
        return Placement(cluster_id, nearest, similarity, confidence, outlier)

    @staticmethod
    def _nearest(vectors: np.ndarray, centres: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        nearest = np.empty(len(vectors), dtype=np.int64)
        best = np.empty(len(vectors), dtype=np.float32)
        for start in range(0, len(vectors), _BLOCK):
            block = np.asarray(vectors[start : start + _BLOCK], dtype=np.float32)
            sims = block @ centres.T
            nearest[start : start + _BLOCK] = sims.argmax(axis=1)
            best[start : start + _BLOCK] = sims.max(axis=1)
        return nearest, best

    def _merge(
        self, vectors: np.ndarray, assigned: np.ndarray, k: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """Merge near-duplicate clusters, then the closest pairs down to ``max_clusters``."""
        sizes = np.bincount(assigned, minlength=k).astype(np.float64)
        alive = sizes > 0
        centres = _centroids(vectors, assigned, k)
        parent = np.arange(k)
        limit = self.max_clusters or k
        while alive.sum() > 1:
            sim = centres @ centres.T
            sim[~alive, :] = -np.inf
            sim[:, ~alive] = -np.inf
            np.fill_diagonal(sim, -np.inf)
            a, b = np.unravel_index(np.argmax(sim), sim.shape)
            if sim[a, b] < self.merge_threshold and alive.sum() <= limit:
                break
            keep, gone = (a, b) if sizes[a] >= sizes[b] else (b, a)
            merged = centres[keep] * sizes[keep] + centres[gone] * sizes[gone]
            centres[keep] = merged / max(np.linalg.norm(merged), 1e-12)
            sizes[keep] += sizes[gone]
            sizes[gone] = 0
            alive[gone] = False
            parent[parent == gone] = keep
        assigned = parent[assigned]
        if alive.sum() < k:  # re-place everyone with the merged centres
            live = np.flatnonzero(alive)
            nearest = self._nearest(vectors, centres[live])[0]
            assigned = live[nearest]
            centres = _centroids(vectors, assigned, k)
        return assigned, centres


def _renumber_by_size(
    vectors: np.ndarray, assigned: np.ndarray, centres: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Cluster 0 is the largest; empty clusters disappear; ties keep their first appearance."""
    sizes = np.bincount(assigned, minlength=len(centres))
    first = np.full(len(centres), len(assigned))
    np.minimum.at(first, assigned, np.arange(len(assigned)))
    order = [c for c in np.lexsort((first, -sizes)) if sizes[c] > 0]
    mapping = np.full(len(centres), -1)
    mapping[order] = np.arange(len(order))
    new_assigned = mapping[assigned]
    return new_assigned, _centroids(vectors, new_assigned, len(order))


_TAIL = 10  # lowest members that describe how a cluster's similarity tails off


def _sample_radius(pool: np.ndarray, scale: float) -> float:
    """The lowest similarity a member of the cluster is expected to have when the ``len(pool)``
    members seen stand for ``scale`` times as many (a sample fit).

    The lowest of m members sits near quantile 1/(m+1), so about 1/(m+1) of the cluster's
    unseen members would fall below it and be left unassigned. Instead the quantile function
    is extrapolated, linear in log level through the lowest and the 10th lowest member, down to
    level 1/(scale·m+1). Without a sample (``scale`` 1) it is the lowest member itself.
    bench/sample_radius.py measures both rules.
    """
    m = len(pool)
    k = min(_TAIL, m)
    if scale <= 1.0 or k < 2:
        return float(pool[0])
    slope = (pool[k - 1] - pool[0]) / np.log(k)
    return float(pool[0] - slope * np.log((scale * m + 1) / (m + 1)))
