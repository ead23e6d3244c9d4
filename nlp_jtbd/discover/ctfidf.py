"""Class-based TF-IDF (as in BERTopic): how much a term marks one cluster against the rest."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp


def class_tfidf(
    matrix: sp.csr_matrix, member_of: np.ndarray, n_clusters: int
) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """Per-cluster term counts and c-TF-IDF weights (same sparsity pattern).

    c-TF-IDF (BERTopic): tf of term t in class c, L1-normalised per class, times
    ``log(1 + A / f_t)``, A the average number of terms per class, f_t t's count in all classes.
    """
    n_docs = matrix.shape[0]
    membership = sp.csr_matrix(
        (np.ones(n_docs), (member_of, np.arange(n_docs))), shape=(n_clusters, n_docs)
    )
    counts = (membership @ matrix).tocsr()
    counts.sum_duplicates()
    counts.sort_indices()
    weights = counts.copy()
    if counts.nnz:
        per_term = np.asarray(counts.sum(axis=0)).ravel()
        per_class = np.asarray(counts.sum(axis=1)).ravel()
        idf = np.log1p((per_class.sum() / n_clusters) / np.maximum(per_term, 1e-12))
        class_of = np.repeat(np.arange(n_clusters), np.diff(counts.indptr))
        weights.data = counts.data / per_class[class_of] * idf[counts.indices]
    return counts, weights
