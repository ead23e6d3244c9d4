"""Density clustering of reduced vectors (HDBSCAN)."""

from __future__ import annotations

import math

import numpy as np
from sklearn.base import BaseEstimator


def auto_min_cluster_size(n: int) -> int:
    """Small corpora need small clusters (a 60-review app has topics of 3–5 reviews)."""
    return int(min(10, max(3, round(math.sqrt(n) / 5))))


def auto_min_samples(min_cluster_size: int) -> int:
    """Density smoothing: 1 for tiny themes (3-review topics), a third of the size otherwise."""
    return max(1, min_cluster_size // 3)


class HDBSCANClusterer(BaseEstimator):
    """HDBSCAN with corpus-size-aware ``min_cluster_size`` and ``min_samples`` (``None`` = auto)."""

    def __init__(
        self,
        min_cluster_size: int | None = None,
        min_samples: int | None = None,
        cluster_selection_method: str = "eom",
    ) -> None:
        self.min_cluster_size = min_cluster_size
        self.min_samples = min_samples
        self.cluster_selection_method = cluster_selection_method

    def fit(self, reduced: np.ndarray) -> HDBSCANClusterer:
        import hdbscan

        size = self.min_cluster_size or auto_min_cluster_size(len(reduced))
        self.min_cluster_size_ = size
        self.min_samples_ = self.min_samples or auto_min_samples(size)
        model = hdbscan.HDBSCAN(
            min_cluster_size=size,
            min_samples=self.min_samples_,
            cluster_selection_method=self.cluster_selection_method,
        )
        self.labels_ = model.fit_predict(reduced).astype(np.int64)
        return self
