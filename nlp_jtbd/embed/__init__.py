"""Sentence embeddings behind one interface, with an on-disk cache."""

from nlp_jtbd.embed.backends import DEFAULT_MODEL, Embedder, get_embedder
from nlp_jtbd.embed.cache import EmbeddingCache, default_cache_dir, embed_texts

__all__ = [
    "DEFAULT_MODEL",
    "Embedder",
    "EmbeddingCache",
    "default_cache_dir",
    "embed_texts",
    "get_embedder",
]
