"""Surface features of a text that the embedding misses: its script group and its character
n-grams, hashed (no vocabulary, so they are computed before any fit, like the embeddings).

Hashing is vectorised numpy over all texts at once (about 10x faster than a per-text Python
analyzer), so 10,000 utterances take a fraction of a second.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

_BITS = 20
NGRAM_COLUMNS = 2**_BITS  # hash buckets of character n-grams
SCRIPT_GROUPS = ("en", "ru", "tr")  # groups of the per-language centring of embeddings
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
# no re.I: under Unicode case folding "I" would match the Turkish dotless "ı"
_TURKISH = re.compile(
    r"[ğĞışŞİçÇöÖüÜ]|(?<![\w'’])(?:[Vv]e|[Bb]ir|[Bb]u|[Çç]ok|için|[Aa]ma|değil|gibi|daha|yok)\b"
)
_SPACES = re.compile(r"\s+")
_MIX = np.uint64(0x9E3779B97F4A7C15)  # golden-ratio multiplier of Fibonacci hashing


def script_group(text: str) -> str:
    """``ru`` for mostly Cyrillic text, ``tr`` for Latin text with Turkish letters or function
    words, else ``en``: the group whose training-set mean centres the text's embedding. Decided
    by the text alone, so a code never depends on what else is in the batch."""
    cyrillic = len(_CYRILLIC.findall(text))
    if cyrillic and cyrillic >= len(_LATIN.findall(text)):
        return "ru"
    return "tr" if _TURKISH.search(text) else "en"


def char_ngram_counts(texts: Sequence[str], low: int = 2, high: int = 5) -> sp.csr_matrix:
    """``(len(texts), NGRAM_COLUMNS)`` sublinear counts (1 + log count) of the lower-cased,
    whitespace-collapsed character ``low``..``high``-grams of each text."""
    cleaned = [_SPACES.sub(" ", str(t).lower()) for t in texts]
    lengths = np.fromiter((len(t) for t in cleaned), dtype=np.int64, count=len(cleaned))
    codes = np.frombuffer("".join(cleaned).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    row_of = np.repeat(np.arange(len(cleaned)), lengths)
    ends = np.cumsum(lengths)  # position just past each text's last character
    rows_parts, cols_parts = [], []
    for n in range(low, high + 1):
        starts = np.arange(max(len(codes) - n + 1, 0))
        starts = starts[starts + n <= ends[row_of[starts]]] if len(starts) else starts
        digest = np.full(len(starts), np.uint64(n))
        with np.errstate(over="ignore"):
            for offset in range(n):
                digest = (digest ^ codes[starts + offset]) * _MIX
        rows_parts.append(row_of[starts])
        cols_parts.append((digest >> np.uint64(64 - _BITS)).astype(np.int64))
    rows = np.concatenate(rows_parts) if rows_parts else np.empty(0, np.int64)
    cols = np.concatenate(cols_parts) if cols_parts else np.empty(0, np.int64)
    counts = sp.csr_matrix(
        (np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(texts), NGRAM_COLUMNS)
    )
    counts.sum_duplicates()
    counts.data = 1.0 + np.log(counts.data)
    return counts


def dense_csr(values: np.ndarray) -> sp.csr_matrix:
    """``values`` as CSR with every value stored, zeros too (no scan for non-zeros: fast)."""
    values = np.ascontiguousarray(values, dtype=np.float32)
    rows, width = values.shape
    columns = np.tile(np.arange(width, dtype=np.int32), rows)
    starts = np.arange(0, rows * width + 1, width, dtype=np.int64)
    return sp.csr_matrix((values.ravel(), columns, starts), shape=values.shape)
