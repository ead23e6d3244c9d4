"""Dimension reduction before density clustering: UMAP on precomputed cosine neighbours."""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.base import BaseEstimator

from nlp_jtbd.discover.neighbors import exact_knn

_EXACT_LIMIT = 30_000  # above this, UMAP's approximate (NN-descent) neighbours are used


class UMAPReducer(BaseEstimator):
    """UMAP to a few dimensions, deterministic for a given ``random_state``.

    Exact neighbours are computed with matrix products (fast, and identical across runs);
    UMAP only lays them out. Reduction is used to *find* clusters: new utterances are placed by
    the assigner in the original embedding space, so there is no UMAP ``transform`` to disagree
    with ``fit``.
    """

    def __init__(
        self,
        n_components: int = 5,
        n_neighbors: int = 15,
        min_dist: float = 0.0,
        n_epochs: int | None = 200,
        random_state: int = 42,
    ) -> None:
        self.n_components = n_components
        self.n_neighbors = n_neighbors
        self.min_dist = min_dist
        self.n_epochs = n_epochs
        self.random_state = random_state

    def fit_transform(self, vectors: np.ndarray) -> np.ndarray:
        import umap

        from nlp_jtbd.discover.jit import enable_umap_cache

        enable_umap_cache()
        n = len(vectors)
        neighbors = max(2, min(self.n_neighbors, n - 1))
        components = max(2, min(self.n_components, n - 2))
        knn = None
        if n <= _EXACT_LIMIT:
            indices, distances = exact_knn(vectors, neighbors)
            knn = (indices, distances, None)
        model = umap.UMAP(
            n_components=components,
            n_neighbors=neighbors,
            min_dist=self.min_dist,
            metric="cosine",
            n_epochs=self.n_epochs,
            random_state=self.random_state,
            precomputed_knn=knn or (None, None, None),
            init="spectral" if n > components + 1 else "random",
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # n_jobs overridden by random_state; knn notices
            reduced = model.fit_transform(vectors)
        self.embedding_ = np.asarray(reduced, dtype=np.float32)
        return self.embedding_
