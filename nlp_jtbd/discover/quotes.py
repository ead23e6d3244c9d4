"""Representative quotes: the most central members of a cluster, each saying something new.

Centrality is cosine to the cluster's embedding centroid (:class:`EmbeddingCentrality`) or,
without embeddings, to its c-TF-IDF keyword weights (:class:`KeywordCentrality`).
"""

from __future__ import annotations

import re

import numpy as np
import scipy.sparse as sp

NEAR_DUPLICATE_COSINE = 0.98  # quotes this similar (embeddings) say the same thing
_QUOTE_WORDS = re.compile(r"\w+")


class EmbeddingCentrality:
    """Members closest (cosine) to their cluster's centroid; near-identical quotes skipped."""

    def __init__(self, embeddings: np.ndarray, rows: np.ndarray) -> None:
        """``rows`` of ``embeddings`` are the clustered texts; one cluster is read at a time,
        in float32, so no copy of the whole matrix is made."""
        self.embeddings = embeddings
        self.rows = rows

    def pick(self, members: np.ndarray, texts: list[str], n: int) -> list[int]:
        """Positions in ``members`` (and ``texts``) of up to ``n`` distinct central quotes."""
        vectors = np.asarray(self.embeddings[self.rows[members]], dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        vectors /= np.where(norms > 0, norms, 1.0)
        centroid = vectors.mean(axis=0)
        length = float(np.linalg.norm(centroid))
        similarity = vectors @ (centroid / length) if length > 0 else np.zeros(len(members))
        order = np.lexsort((members, -similarity))
        return _distinct(order, texts, n, vectors)


class KeywordCentrality:
    """Members whose terms best match their cluster's c-TF-IDF (cosine)."""

    def __init__(
        self, matrix: sp.csr_matrix, weights: sp.csr_matrix, member_of: np.ndarray
    ) -> None:
        self.score = _row_cosines(matrix, weights, member_of)

    def pick(self, members: np.ndarray, texts: list[str], n: int) -> list[int]:
        """Positions in ``members`` (and ``texts``) of up to ``n`` distinct central quotes."""
        order = np.lexsort((members, -self.score[members]))
        return _distinct(order, texts, n, None)


def _row_cosines(
    matrix: sp.csr_matrix, weights: sp.csr_matrix, member_of: np.ndarray
) -> np.ndarray:
    """Cosine of each text's term counts with its cluster's c-TF-IDF row, without densifying."""
    n_docs, n_terms = matrix.shape
    if matrix.nnz == 0:
        return np.zeros(n_docs)
    doc_of = np.repeat(np.arange(n_docs), np.diff(matrix.indptr))
    doc_norm = np.sqrt(np.bincount(doc_of, weights=matrix.data**2, minlength=n_docs))
    class_of = np.repeat(np.arange(weights.shape[0]), np.diff(weights.indptr))
    class_norm = np.sqrt(np.bincount(class_of, weights=weights.data**2, minlength=weights.shape[0]))
    # Every term of a text is in its cluster's row: find it by (cluster, term) in sorted order.
    weight_keys = class_of * n_terms + weights.indices
    doc_keys = member_of[doc_of] * n_terms + matrix.indices
    found = weights.data[np.searchsorted(weight_keys, doc_keys)]
    dots = np.bincount(doc_of, weights=matrix.data * found, minlength=n_docs)
    norms = doc_norm * class_norm[member_of]
    return np.divide(dots, norms, out=np.zeros(n_docs), where=norms > 0)


def _quote_key(text: str) -> str:
    """Text up to case, punctuation and spacing: equal keys are the same quote."""
    return " ".join(_QUOTE_WORDS.findall(text.casefold()))


def _near(similarities: np.ndarray) -> bool:
    return float(np.max(similarities)) >= NEAR_DUPLICATE_COSINE


def _distinct(order: np.ndarray, texts: list[str], n: int, vectors: np.ndarray | None) -> list[int]:
    """The first ``n`` of ``order`` that are neither the same quote nor (by embedding) a
    near-identical one as a quote already picked."""
    picked: list[int] = []
    seen: set[str] = set()
    for j in order.tolist():
        if len(picked) >= n:
            break
        key = _quote_key(texts[j])
        if key in seen:
            continue
        if picked and vectors is not None and _near(vectors[picked] @ vectors[j]):
            continue
        seen.add(key)
        picked.append(j)
    return picked
