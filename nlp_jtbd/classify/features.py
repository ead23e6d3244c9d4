"""Features for coding an utterance: its embedding next to the embedding of its context, its
script group, its length in words and its hashed character n-grams (see :class:`Layout`).

The interviewer's question before an answer often decides the code ("What stopped you?" →
barrier, "What happened then?" → trigger), so the context gets its own block of the feature
vector (zeros when there is none, e.g. reviews) instead of being pasted into the text.
Everything here is computed per text, with nothing learned: what is learned from training data
(centring, n-gram weights) is :class:`~nlp_jtbd.classify.design.UtteranceDesign`'s.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator

from nlp_jtbd.classify.ngrams import (
    NGRAM_COLUMNS,
    SCRIPT_GROUPS,
    char_ngram_counts,
    dense_csr,
    script_group,
)
from nlp_jtbd.classify.rules import content_words
from nlp_jtbd.embed import Embedder, EmbeddingCache, embed_texts
from nlp_jtbd.embed.distributed import embedder_for
from nlp_jtbd.errors import UsageError

META_COLUMNS = len(SCRIPT_GROUPS) + 1  # script group one-hot, content-word count


@dataclass(frozen=True)
class Layout:
    """Where each block sits in a feature row of embedding size ``dim``:
    ``[text | context | script group one-hot | content words | character n-grams]``."""

    dim: int

    @classmethod
    def of(cls, columns: int) -> Layout:
        dim, odd = divmod(columns - META_COLUMNS - NGRAM_COLUMNS, 2)
        if dim <= 0 or odd:
            raise UsageError(
                f"`features` have {columns} columns, which is no layout of featurize()",
                fix="compute them with the classifier's featurize()",
            )
        return cls(dim)

    @property
    def text(self) -> slice:
        return slice(0, self.dim)

    @property
    def context(self) -> slice:
        return slice(self.dim, 2 * self.dim)

    @property
    def groups(self) -> slice:
        return slice(2 * self.dim, 2 * self.dim + len(SCRIPT_GROUPS))

    @property
    def words(self) -> int:
        return 2 * self.dim + len(SCRIPT_GROUPS)

    @property
    def ngrams(self) -> slice:
        return slice(self.words + 1, self.columns)

    @property
    def columns(self) -> int:
        return 2 * self.dim + META_COLUMNS + NGRAM_COLUMNS


class UtteranceFeaturizer(BaseEstimator):
    """``[text vector, context_weight * context vector, script group, content words, character
    n-grams]`` (a sparse row, see :class:`Layout`) from one embedding backend.

    Stateless (nothing to fit): the embedding model is loaded on first use and kept as a
    private cache, which ``clone`` leaves behind.
    """

    def __init__(
        self,
        model: str = "use",
        *,
        context_weight: float = 1.0,
        cache_dir: str | Path | None = None,
        use_cache: bool = True,
        scheduler: str | None = None,
    ) -> None:
        self.model = model
        self.context_weight = context_weight
        self.cache_dir = cache_dir
        self.use_cache = use_cache
        self.scheduler = scheduler

    @property
    def embedder(self) -> Embedder:
        embedder: Embedder | None = getattr(self, "_embedder", None)
        if embedder is None:
            embedder = self._embedder = embedder_for(self.model, self.scheduler)
        return embedder

    def fit(
        self, texts: Sequence[str] | None = None, contexts: Sequence[str] | None = None
    ) -> UtteranceFeaturizer:
        """Nothing to learn: the embedding model is fixed (scikit-learn's transformer API)."""
        return self

    def __sklearn_tags__(self):  # noqa: ANN204 - sklearn.utils.Tags
        tags = super().__sklearn_tags__()
        tags.requires_fit = False
        return tags

    def embed(
        self, texts: Sequence[str], progress: Callable[[int, int], None] | None = None
    ) -> np.ndarray:
        cache = EmbeddingCache(self.cache_dir) if self.use_cache else None
        try:
            return embed_texts(list(texts), self.embedder, cache, progress=progress)[0]
        finally:
            if cache:
                cache.close()

    def transform(
        self,
        texts: Sequence[str],
        contexts: Sequence[str] | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> sp.csr_matrix:
        """``(n, Layout(dim).columns)`` float32 features, sparse (CSR)."""
        texts = [str(t) for t in texts]
        text_vectors = self.embed(texts, progress)
        dim = text_vectors.shape[1]
        context_vectors = np.zeros((len(texts), dim), dtype=np.float32)
        if contexts is not None and self.context_weight:
            present = [i for i, c in enumerate(contexts) if c and str(c).strip()]
            if present:
                vectors = self.embed([str(contexts[i]) for i in present])
                context_vectors[present] = vectors * self.context_weight
        meta = np.zeros((len(texts), META_COLUMNS), dtype=np.float32)
        groups = [SCRIPT_GROUPS.index(script_group(t)) for t in texts]
        meta[np.arange(len(texts)), groups] = 1.0
        meta[:, -1] = [len(content_words(t)) for t in texts]
        block = dense_csr(np.hstack([text_vectors, context_vectors, meta]))
        return sp.hstack([block, char_ngram_counts(texts)], format="csr")
