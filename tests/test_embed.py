"""Embedding backends and the on-disk cache: each distinct text is embedded once, ever."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from nlp_jtbd.embed import EmbeddingCache, embed_texts, get_embedder
from nlp_jtbd.errors import UsageError


class Counting:
    """The real USE model, counting what it is asked to embed."""

    def __init__(self) -> None:
        self.inner = get_embedder("use")
        self.key = self.inner.key
        self.seen: list[str] = []

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.seen.extend(texts)
        return self.inner.encode(texts)


def test_duplicates_are_embedded_once_and_a_rerun_embeds_nothing(tmp_path: Path) -> None:
    texts = [
        "Доставка опять опоздала.",
        "The SMS never arrived.",
        "Доставка опять опоздала.",
        "Kargo geç geldi.",
    ]
    model = Counting()
    first, stats = embed_texts(texts, model, EmbeddingCache(tmp_path))
    assert stats.unique == 3 and stats.embedded == 3 and len(model.seen) == 3
    assert first.shape == (4, 512) and np.allclose(np.linalg.norm(first, axis=1), 1, atol=1e-2)
    assert np.array_equal(first[0], first[2])
    again, stats = embed_texts([*texts, "New one."], model, EmbeddingCache(tmp_path))
    assert stats.cached == 3 and stats.embedded == 1 and model.seen[-1] == "New one."
    assert np.array_equal(again[:4], first)


def test_whitespace_and_unicode_composition_variants_are_embedded_once() -> None:
    composed, decomposed = "Kargo geç geldi.", "Kargo gec\u0327 geldi."
    texts = ["  The SMS   never arrived. ", "The SMS never arrived.", composed, decomposed,
             "the sms never arrived."]  # fmt: skip
    model = Counting()
    vectors, stats = embed_texts(texts, model, None, dtype=np.float16)
    # Case is a different text to the model (its vector moves), so it is embedded on its own.
    assert model.seen == ["The SMS never arrived.", composed, "the sms never arrived."]
    assert stats.unique == 3 and vectors.dtype == np.float16
    assert np.array_equal(vectors[0], vectors[1]) and np.array_equal(vectors[2], vectors[3])


def test_cached_vectors_come_back_in_the_requested_precision(tmp_path: Path) -> None:
    texts = ["Доставка опять опоздала.", "The SMS never arrived."]
    first, _ = embed_texts(texts, Counting(), EmbeddingCache(tmp_path))
    half, stats = embed_texts(texts, Counting(), EmbeddingCache(tmp_path), dtype=np.float16)
    assert stats.cached == 2 and half.dtype == np.float16
    assert np.array_equal(half.astype(np.float32), first)  # the cache holds float16 anyway


def test_multilingual_default_puts_translations_together() -> None:
    vectors = get_embedder("use").encode(
        ["The delivery was late.", "Доставка опоздала.", "I love the new logo."]
    )
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]


@pytest.mark.parametrize("spec", ["word2vec", "st:", "st:/no/such/model-folder"])
def test_unknown_or_missing_models_get_an_actionable_error(spec: str) -> None:
    with pytest.raises(UsageError) as info:
        get_embedder(spec).encode(["text"])
    assert "`model" in (info.value.fix or "") or "st:" in (info.value.fix or "")


def test_the_embedding_progress_bar_renders_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from rich.console import Console

    from nlp_jtbd.cli import console
    from nlp_jtbd.cli.progress import embedding_progress

    screen = io.StringIO()
    monkeypatch.setattr(console, "err", Console(file=screen, force_terminal=True, width=80))
    with embedding_progress(quiet=False) as update:
        assert update is not None
        update(256, 1000)
        update(1000, 1000)
    assert "embedding" in screen.getvalue()
    with embedding_progress(quiet=True) as update:
        assert update is None


def test_a_cache_written_in_the_old_layout_is_moved_not_lost(tmp_path: Path) -> None:
    import sqlite3

    from nlp_jtbd.embed.cache import _key

    vector = np.linspace(-1, 1, 512).astype(np.float16)
    old = sqlite3.connect(tmp_path / "embeddings.sqlite")
    old.execute(
        "CREATE TABLE vectors (model TEXT, key BLOB, vec BLOB, PRIMARY KEY (model, key)) "
        "WITHOUT ROWID"
    )
    old.execute("INSERT INTO vectors VALUES (?, ?, ?)", ("m", _key("hello"), vector.tobytes()))
    old.commit()
    old.close()
    cache = EmbeddingCache(tmp_path)
    assert np.array_equal(cache.get("m", [_key("hello")])[_key("hello")], vector)
    tables = {r[0] for r in cache._db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert tables == {"embeddings"}
