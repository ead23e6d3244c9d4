"""Term counting: texts → lemma n-grams of adjacent content words, with their written forms.

Every text is tokenised in its own language, so ``заказ``/``заказы``/``заказов`` count as one
term and a cluster may mix Russian, English and Turkish.
"""

from __future__ import annotations

from array import array
from collections import Counter
from typing import Any

import numpy as np
import scipy.sparse as sp

from nlp_jtbd.discover.tokenize import Token, Tokenizer, choose_form


def count_forms(
    texts: list[str],
    langs: list[str | None],
    rows: np.ndarray,
    tokenizer: Tokenizer,
    ngram_range: tuple[int, int],
) -> tuple[sp.csr_matrix, list[Any]]:
    """Texts × written n-grams (a ``Token`` or a tuple of them) counts, and those n-grams."""
    low, high = ngram_range
    vocabulary: dict[Any, int] = {}
    column = vocabulary.setdefault
    indices = array("q")
    indptr = array("q", [0])
    for i in rows.tolist():
        for run in tokenizer.runs(texts[i], langs[i]):
            if low == 1:
                indices.extend([column(token, len(vocabulary)) for token in run])
            for n in range(max(low, 2), min(high, len(run)) + 1):
                indices.extend(
                    [
                        column(tuple(run[j : j + n]), len(vocabulary))
                        for j in range(len(run) - n + 1)
                    ]
                )
        indptr.append(len(indices))
    index = np.frombuffer(indices, dtype=np.int64) if indices else np.zeros(0, np.int64)
    matrix = sp.csr_matrix(
        (np.ones(len(index)), index, np.frombuffer(indptr, dtype=np.int64)),
        shape=(len(rows), len(vocabulary)),
    )
    matrix.sum_duplicates()
    return matrix, list(vocabulary)


class Terms:
    """Lemma n-grams kept as terms: their document-term counts, order and display forms."""

    def __init__(self, forms: sp.csr_matrix, keys: list[Any], min_df: int) -> None:
        term_ids: dict[str, int] = {}
        term_of_key = np.empty(len(keys), dtype=np.int64)
        for j, key in enumerate(keys):
            lemma = key.lemma if isinstance(key, Token) else " ".join(t.lemma for t in key)
            term_of_key[j] = term_ids.setdefault(lemma, len(term_ids))
        lemmas = list(term_ids)
        matrix = sp.csr_matrix(
            (forms.data, term_of_key[forms.indices], forms.indptr),
            shape=(forms.shape[0], len(lemmas)),
        )
        matrix.sum_duplicates()
        kept = np.bincount(matrix.indices, minlength=len(lemmas)) >= min_df
        new_id = np.cumsum(kept) - 1
        self.matrix: sp.csr_matrix = matrix[:, kept].tocsr()
        self.lemmas = [lemma for lemma, keep in zip(lemmas, kept.tolist(), strict=True) if keep]
        self.words = [tuple(lemma.split(" ")) for lemma in self.lemmas]
        self.rank = np.empty(len(self.lemmas), dtype=np.int64)  # alphabetical: breaks ties
        self.rank[sorted(range(len(self.lemmas)), key=self.lemmas.__getitem__)] = np.arange(
            len(self.lemmas)
        )
        # Written forms of each kept term, to show the term as people write it.
        self._keys = keys
        self._uses = np.asarray(forms.sum(axis=0)).ravel()
        valid = kept[term_of_key]
        key_term = np.where(valid, new_id[term_of_key], -1)
        self._key_order = np.argsort(key_term, kind="stable")
        self._key_bounds = np.searchsorted(
            key_term[self._key_order], np.arange(len(self.lemmas) + 1)
        )
        self._display: dict[int, str] = {}

    def display(self, term: int) -> str:
        """The term as people most often write it."""
        shown = self._display.get(term)
        if shown is None:
            written: Counter[tuple[str, str]] = Counter()
            lo, hi = self._key_bounds[term], self._key_bounds[term + 1]
            for j in self._key_order[lo:hi].tolist():
                key = self._keys[j]
                if isinstance(key, Token):
                    written[key.surface, key.form] += int(self._uses[j])
                else:
                    surface = " ".join(t.surface for t in key)
                    written[surface, " ".join(t.form for t in key)] += int(self._uses[j])
            shown = self._display[term] = choose_form(self.lemmas[term], written)
        return shown
