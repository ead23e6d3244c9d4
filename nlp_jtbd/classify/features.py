"""Features for coding an utterance: its embedding next to the embedding of its context.

The interviewer's question before an answer often decides the code ("What stopped you?" →
barrier, "What happened then?" → trigger), so the context gets its own block of the feature
vector (zeros when there is none, e.g. reviews) instead of being pasted into the text.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator

from nlp_jtbd.embed import Embedder, EmbeddingCache, embed_texts
from nlp_jtbd.embed.distributed import embedder_for


class UtteranceFeaturizer(BaseEstimator):
    """``[text vector, context_weight * context vector]`` from one embedding backend.

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
    ) -> np.ndarray:
        """``(n, 2 * dim)`` float32 features."""
        text_vectors = self.embed(texts, progress)
        dim = text_vectors.shape[1]
        context_vectors = np.zeros((len(texts), dim), dtype=np.float32)
        if contexts is not None and self.context_weight:
            present = [i for i, c in enumerate(contexts) if c and str(c).strip()]
            if present:
                vectors = self.embed([str(contexts[i]) for i in present])
                context_vectors[present] = vectors * self.context_weight
        return np.hstack([text_vectors, context_vectors])
