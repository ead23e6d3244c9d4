"""Nearest neighbours by cosine similarity of normalised vectors: exact and blockwise."""

from __future__ import annotations

import numpy as np

_BLOCK = 2048


def exact_knn(vectors: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """``(indices, cosine distances)`` of each row's ``k`` nearest rows (itself first).

    Blockwise matrix products: O(n²·d) flops but no O(n²) memory, and far faster than UMAP's
    own exact path, which calls a Python-level metric per pair below 4,096 points.
    """
    n = len(vectors)
    k = min(k, n)
    indices = np.empty((n, k), dtype=np.int64)
    distances = np.empty((n, k), dtype=np.float32)
    for start in range(0, n, _BLOCK):
        sims = vectors[start : start + _BLOCK] @ vectors.T
        rows = np.arange(len(sims))
        sims[rows, rows + start] = np.inf  # each point is its own nearest neighbour
        part = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        part_sims = np.take_along_axis(sims, part, axis=1)
        order = np.lexsort((part, -part_sims), axis=1)  # by similarity, ties by index
        indices[start : start + _BLOCK] = np.take_along_axis(part, order, axis=1)
        chosen = np.take_along_axis(part_sims, order, axis=1)
        chosen[:, 0] = 1.0
        distances[start : start + _BLOCK] = np.clip(1.0 - chosen, 0.0, 2.0)
    return indices, distances
