"""On-disk embedding cache keyed by model + text, so re-runs embed only what is new.

One SQLite file holds float16 vectors (half the size of float32, and cosine similarities
change by less than 1e-3). Exact duplicate texts are embedded once.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nlp_jtbd.embed.backends import Embedder

_LOOKUP_CHUNK = 900  # below SQLite's default limit of host parameters


def default_cache_dir() -> Path:
    """``$JTBD_CACHE_DIR`` or the user's cache folder (e.g. ``~/.cache/nlp_jtbd``)."""
    env = os.environ.get("JTBD_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("nlp_jtbd"))


def _key(text: str) -> bytes:
    return hashlib.sha1(text.encode("utf-8")).digest()[:16]


@dataclass(frozen=True)
class EmbeddingStats:
    texts: int
    unique: int
    cached: int
    embedded: int


class EmbeddingCache:
    """Vectors by (model key, text hash) in ``DIR/embeddings.sqlite``."""

    def __init__(self, directory: str | Path | None = None) -> None:
        self.directory = Path(directory) if directory else default_cache_dir()
        self.directory.mkdir(parents=True, exist_ok=True)
        self.path = self.directory / "embeddings.sqlite"
        self._db = sqlite3.connect(self.path)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS vectors (model TEXT, key BLOB, vec BLOB, "
            "PRIMARY KEY (model, key)) WITHOUT ROWID"
        )

    def get(self, model: str, keys: Sequence[bytes]) -> dict[bytes, np.ndarray]:
        found: dict[bytes, np.ndarray] = {}
        for start in range(0, len(keys), _LOOKUP_CHUNK):
            chunk = list(keys[start : start + _LOOKUP_CHUNK])
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT key, vec FROM vectors WHERE model = ? AND key IN ({marks})",
                [model, *chunk],
            )
            for key, blob in rows:
                found[key] = np.frombuffer(blob, dtype=np.float16)
        return found

    def put(self, model: str, keys: Sequence[bytes], vectors: np.ndarray) -> None:
        half = vectors.astype(np.float16)
        self._db.executemany(
            "INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)",
            [(model, key, half[i].tobytes()) for i, key in enumerate(keys)],
        )
        self._db.commit()

    def close(self) -> None:
        self._db.close()


def _encoded_batches(
    embedder: Embedder, batches: list[list[int]], distinct: list[str]
) -> Iterator[tuple[list[int], np.ndarray]]:
    """(batch, vectors) pairs: one batch at a time here, or all at once on a cluster
    (an embedder with ``encode_batches``, see ``nlp_jtbd.embed.distributed``). The batch
    boundaries are the same either way, so the vectors are identical."""
    texts = [[distinct[i] for i in batch] for batch in batches]
    if hasattr(embedder, "encode_batches"):
        for index, encoded in embedder.encode_batches(texts):
            yield batches[index], encoded
        return
    for batch, chunk in zip(batches, texts, strict=True):
        yield batch, embedder.encode(chunk)


def embed_texts(
    texts: Sequence[str],
    embedder: Embedder,
    cache: EmbeddingCache | None = None,
    *,
    batch_size: int = 256,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[np.ndarray, EmbeddingStats]:
    """Embed ``texts`` (float32, normalised), reading and filling ``cache``.

    Each distinct text is embedded at most once; ``progress(done, total)`` is called after
    every batch that had to be embedded.
    """
    unique: dict[str, int] = {}
    inverse = np.fromiter((unique.setdefault(t, len(unique)) for t in texts), np.int64, len(texts))
    distinct = list(unique)
    keys = [_key(t) for t in distinct]
    found = cache.get(embedder.key, keys) if cache else {}
    missing = [i for i, k in enumerate(keys) if k not in found]
    vectors: np.ndarray | None = None
    if found:
        dim = len(next(iter(found.values())))
        vectors = np.empty((len(distinct), dim), dtype=np.float32)
        for i, key in enumerate(keys):
            if key in found:
                vectors[i] = found[key]
    batches = [missing[start : start + batch_size] for start in range(0, len(missing), batch_size)]
    done = 0
    for batch, encoded in _encoded_batches(embedder, batches, distinct):
        if vectors is None:
            vectors = np.empty((len(distinct), encoded.shape[1]), dtype=np.float32)
        if cache:
            cache.put(embedder.key, [keys[i] for i in batch], encoded)
        # Round through float16 so a cached re-run returns exactly the same vectors.
        vectors[batch] = encoded.astype(np.float16) if cache else encoded
        done += len(batch)
        if progress:
            progress(done, len(missing))
    if vectors is None:
        vectors = np.empty((0, 0), dtype=np.float32)
    stats = EmbeddingStats(len(texts), len(distinct), len(distinct) - len(missing), len(missing))
    return vectors[inverse] if len(texts) else vectors, stats
