"""On-disk embedding cache keyed by model + text, so re-runs embed only what is new.

One SQLite file holds float16 vectors (half the size of float32, and cosine similarities
change by less than 1e-3). Exact duplicate texts are embedded once. A cache may be bounded
(``max_vectors``, kept in the file): beyond the bound the oldest vectors are evicted first.
Whoever can time lookups in a cache learns which texts are in it, so a service keeps one cache
folder per tenant (the API: one per project).
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import unicodedata
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


def canonical(text: str) -> str:
    """The form a text is embedded in: Unicode NFC, whitespace runs as one space, no spaces at
    the ends. Every backend's tokenizer sees the same input either way (USE: cosine 1.0), so
    these near-duplicates are embedded once. Case and punctuation are kept: they do move the
    vectors (USE: "Great app!" vs "great app" 0.85)."""
    if text.isascii() and " ".join(text.split()) == text:
        return text
    return " ".join(unicodedata.normalize("NFC", text).split())


def _key(text: str) -> bytes:
    return hashlib.sha1(text.encode("utf-8")).digest()[:16]


@dataclass(frozen=True)
class EmbeddingStats:
    texts: int
    unique: int
    cached: int
    embedded: int


class EmbeddingCache:
    """Vectors by (model key, text hash) in ``DIR/embeddings.sqlite`` (about 1.1 KB each for
    512 dimensions).

    ``max_vectors`` bounds the cache and is stored in it (later openers without a bound keep
    it); ``None`` keeps the stored bound (none: unbounded). Past the bound, the vectors written
    first are evicted first.
    """

    def __init__(self, directory: str | Path | None = None, max_vectors: int | None = None) -> None:
        self.directory = Path(directory) if directory else default_cache_dir()
        self.directory.mkdir(parents=True, exist_ok=True)
        self.path = self.directory / "embeddings.sqlite"
        self._db = sqlite3.connect(self.path)
        # Large pages first (only a new file takes them; WAL then fixes the size): a 1 KB vector
        # fills 4 KB pages badly, 16 KB pages hold 15 of them.
        self._db.execute("PRAGMA page_size=16384")
        self._db.execute("PRAGMA journal_mode=WAL")
        # A rowid table keeps each vector in its leaf page; keyed (WITHOUT ROWID) tables spill
        # rows over ~1 KB into overflow pages, which made the file 4-5x the vectors' size.
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS embeddings (model TEXT NOT NULL, key BLOB NOT NULL, "
            "vec BLOB NOT NULL)"
        )
        self._db.execute(
            "CREATE UNIQUE INDEX IF NOT EXISTS embeddings_key ON embeddings (model, key)"
        )
        self._migrate()
        # The bound lives in the file's header (SQLite's user_version; 0: none), so every opener
        # of a bounded cache keeps to it.
        if max_vectors is not None:
            if max_vectors < 1:
                raise ValueError("`max_vectors` must be ≥ 1")
            self._db.execute(f"PRAGMA user_version = {int(max_vectors)}")
        bound = int(self._db.execute("PRAGMA user_version").fetchone()[0])
        self.max_vectors: int | None = bound or None
        self._evict()

    def count(self) -> int:
        """How many vectors the cache holds (a method, not ``len``: an empty cache is still
        a cache, and callers test ``if cache``)."""
        return int(self._db.execute("SELECT count(*) FROM embeddings").fetchone()[0])

    def _evict(self) -> None:
        """Drop the oldest vectors beyond the bound. Rowids grow with every write (a replaced
        vector gets a new one), so the newest ``max_vectors`` rowids are at most that many rows;
        the range query uses the rowid order and costs no scan of the table."""
        if self.max_vectors is None:
            return
        newest = self._db.execute("SELECT max(rowid) FROM embeddings").fetchone()[0]
        if newest is not None and newest > self.max_vectors:
            with self._db:
                self._db.execute(
                    "DELETE FROM embeddings WHERE rowid <= ?", (newest - self.max_vectors,)
                )

    def _migrate(self) -> None:
        """Move the vectors of a cache written in the earlier layout (table `vectors`)."""
        old = self._db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'vectors'"
        ).fetchone()
        if old:
            with self._db:
                self._db.execute(
                    "INSERT OR IGNORE INTO embeddings SELECT model, key, vec FROM vectors"
                )
                self._db.execute("DROP TABLE vectors")

    def get(self, model: str, keys: Sequence[bytes]) -> dict[bytes, np.ndarray]:
        """The cached vectors among ``keys``, by key."""
        vectors, found = self.read(model, keys)
        return {keys[i]: vectors[i] for i in np.flatnonzero(found)} if vectors is not None else {}

    def read(
        self, model: str, keys: Sequence[bytes], dtype: np.dtype | type = np.float16
    ) -> tuple[np.ndarray | None, np.ndarray]:
        """``(vectors, found)``: one row per key (rows of keys not cached are left unset; None
        when nothing is cached) and which keys were found. Rows are written straight into one
        array, so reading a million vectors costs the array, not a million small objects."""
        found = np.zeros(len(keys), dtype=bool)
        vectors: np.ndarray | None = None
        position = {key: i for i, key in enumerate(keys)}
        for start in range(0, len(keys), _LOOKUP_CHUNK):
            chunk = list(keys[start : start + _LOOKUP_CHUNK])
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT key, vec FROM embeddings WHERE model = ? AND key IN ({marks})",
                [model, *chunk],
            )
            for key, blob in rows:
                vector = np.frombuffer(blob, dtype=np.float16)
                if vectors is None:
                    vectors = np.empty((len(keys), len(vector)), dtype=dtype)
                i = position[key]
                vectors[i] = vector
                found[i] = True
        return vectors, found

    def put(self, model: str, keys: Sequence[bytes], vectors: np.ndarray) -> None:
        half = vectors.astype(np.float16)
        self._db.executemany(
            "INSERT OR REPLACE INTO embeddings VALUES (?, ?, ?)",
            [(model, key, half[i].tobytes()) for i, key in enumerate(keys)],
        )
        self._db.commit()
        self._evict()

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
    dtype: np.dtype | type = np.float32,
) -> tuple[np.ndarray, EmbeddingStats]:
    """Embed ``texts`` (normalised rows of ``dtype``), reading and filling ``cache``.

    Each distinct text is embedded at most once (texts that differ only in whitespace or
    Unicode composition count as one: see :func:`canonical`); ``progress(done, total)`` is
    called after every batch that had to be embedded. ``dtype=np.float16`` halves the memory
    of large corpora; with a cache the values are the same either way (the cache stores
    float16).
    """
    unique: dict[str, int] = {}
    inverse = np.fromiter(
        (unique.setdefault(canonical(t), len(unique)) for t in texts), np.int64, len(texts)
    )
    distinct = list(unique)
    del unique
    keys = [_key(t) for t in distinct]
    vectors, found = cache.read(embedder.key, keys, dtype) if cache else (None, None)
    missing = np.flatnonzero(~found).tolist() if found is not None else list(range(len(keys)))
    batches = [missing[start : start + batch_size] for start in range(0, len(missing), batch_size)]
    done = 0
    for batch, encoded in _encoded_batches(embedder, batches, distinct):
        if vectors is None:
            vectors = np.empty((len(distinct), encoded.shape[1]), dtype=dtype)
        if cache:
            cache.put(embedder.key, [keys[i] for i in batch], encoded)
        # Round through float16 so a cached re-run returns exactly the same vectors.
        vectors[batch] = encoded.astype(np.float16) if cache else encoded
        done += len(batch)
        if progress:
            progress(done, len(missing))
    if vectors is None:
        vectors = np.empty((0, 0), dtype=dtype)
    stats = EmbeddingStats(len(texts), len(distinct), len(distinct) - len(missing), len(missing))
    if len(distinct) == len(texts):  # no duplicates: rows are already in order
        return vectors, stats
    return vectors[inverse], stats
