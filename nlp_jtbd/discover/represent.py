"""Cluster representation: c-TF-IDF keywords, a short label and the most central quotes.

Composes the parts: :mod:`~nlp_jtbd.discover.terms` counts lemma n-grams,
:mod:`~nlp_jtbd.discover.ctfidf` weighs them per cluster, :mod:`~nlp_jtbd.discover.keywords`
picks keywords and a label, :mod:`~nlp_jtbd.discover.quotes` picks representative quotes.
"""

from __future__ import annotations

from collections.abc import Sequence
from numbers import Real

import numpy as np
from sklearn.base import BaseEstimator

from nlp_jtbd.discover.ctfidf import class_tfidf
from nlp_jtbd.discover.keywords import cluster_keywords, label
from nlp_jtbd.discover.quotes import EmbeddingCentrality, KeywordCentrality
from nlp_jtbd.discover.terms import Terms, count_forms
from nlp_jtbd.discover.tokenize import DEFAULT_TOKENIZER, Tokenizer
from nlp_jtbd.errors import UsageError

_WHERE = "ClusterRepresenter"


class ClusterRepresenter(BaseEstimator):
    """Keywords, a readable label and representative quotes for each cluster.

    Parameters
    ----------
    top_n_words: keywords kept per cluster.
    n_representatives: quotes kept per cluster.
    ngram_range: lengths of the lemma n-grams counted, ``(1, 2)``: words and two-word phrases.
    min_df: a term must occur in at least this many texts (of all clusters) to be a keyword.
    diversity: 0 ranks keywords by c-TF-IDF alone; towards 1 it prefers keywords that share no
        words with those already chosen (maximal marginal relevance).
    tokenizer: how texts become lemmas; the default drops spaCy's stop words and fillers.

    Attributes (after ``fit``; keys are cluster ids, ``-1`` and other negative labels left out)
    ----------
    keywords_: ``(keyword, c-TF-IDF score)``, best first, as people write them; a phrase that
        stands in for a word people mostly use inside it (``SMS provider`` for ``provider``)
        carries that word's score when higher.
    labels_text_: the top keywords joined, e.g. ``"SMS provider · outage · codes"``, or
        ``"cluster 7"`` when a cluster has no usable words.
    representatives_: indices into the fitted texts of the most central, mutually distinct quotes.
    sizes_: number of texts per cluster.
    """

    def __init__(
        self,
        top_n_words: int = 10,
        n_representatives: int = 5,
        ngram_range: tuple[int, int] = (1, 2),
        min_df: int = 2,
        diversity: float = 0.3,
        tokenizer: Tokenizer | None = None,
    ) -> None:
        self.top_n_words = top_n_words
        self.n_representatives = n_representatives
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.diversity = diversity
        self.tokenizer = tokenizer

    def fit(
        self,
        texts: Sequence[str],
        langs: Sequence[str] | str,
        labels: np.ndarray | Sequence[int],
        embeddings: np.ndarray | None = None,
    ) -> ClusterRepresenter:
        """Represent the clusters of ``labels`` (one per text; negative = unassigned).

        ``langs`` are ISO 639-1 codes per text (or one code for all); ``und`` is guessed from
        the script. With ``embeddings`` (one row per text), quotes are the members closest to
        the cluster's centroid by cosine; without, those that best match its keywords.
        """
        self._check_params()
        texts, langs, labels, embeddings = _check_inputs(texts, langs, labels, embeddings)
        rows = np.flatnonzero(labels >= 0)
        clusters, member_of = np.unique(labels[rows], return_inverse=True)
        sizes = np.bincount(member_of, minlength=len(clusters))
        self.sizes_ = {int(c): int(n) for c, n in zip(clusters, sizes, strict=True)}

        tokenizer = self.tokenizer or DEFAULT_TOKENIZER
        forms, keys = count_forms(texts, langs, rows, tokenizer, tuple(self.ngram_range))
        terms = Terms(forms, keys, self.min_df)
        counts, weights = class_tfidf(terms.matrix, member_of, len(clusters))

        self.keywords_ = {}
        self.labels_text_ = {}
        for k, cluster in enumerate(clusters.tolist()):
            chosen = cluster_keywords(terms, counts, weights, k, self.top_n_words, self.diversity)
            self.keywords_[cluster] = [(terms.display(t), float(s)) for t, s in chosen]
            self.labels_text_[cluster] = (
                label([t for t, _ in chosen], terms) or f"cluster {cluster}"
            )

        if embeddings is not None:
            centrality = EmbeddingCentrality(embeddings, rows)
        else:
            centrality = KeywordCentrality(terms.matrix, weights, member_of)
        order = np.argsort(member_of, kind="stable")
        bounds = np.concatenate(([0], np.cumsum(sizes)))
        self.representatives_ = {}
        for k, cluster in enumerate(clusters.tolist()):
            members = order[bounds[k] : bounds[k + 1]]
            quotes = [texts[i] for i in rows[members]]
            picked = centrality.pick(members, quotes, self.n_representatives)
            self.representatives_[cluster] = [int(rows[members[j]]) for j in picked]
        return self

    def _check_params(self) -> None:
        def bad(name: str, fix: str) -> UsageError:
            value = getattr(self, name)
            return UsageError(f"{name}={value!r} is not valid", where=_WHERE, fix=fix)

        if not _is_int(self.top_n_words) or self.top_n_words < 0:
            raise bad("top_n_words", "use a whole number >= 0, e.g. 10")
        if not _is_int(self.n_representatives) or self.n_representatives < 0:
            raise bad("n_representatives", "use a whole number >= 0, e.g. 5")
        if not _is_int(self.min_df) or self.min_df < 1:
            raise bad("min_df", "use a whole number >= 1 (texts a keyword must occur in)")
        ngrams = self.ngram_range
        if not (
            isinstance(ngrams, tuple | list)
            and len(ngrams) == 2
            and all(_is_int(n) for n in ngrams)
            and 1 <= ngrams[0] <= ngrams[1]
        ):
            raise bad("ngram_range", "use (min_n, max_n) with 1 <= min_n <= max_n, e.g. (1, 2)")
        diversity = self.diversity
        if (
            not isinstance(diversity, Real)
            or isinstance(diversity, bool)
            or not 0 <= diversity <= 1
        ):
            raise bad("diversity", "use a number from 0 (no diversification) to 1")


def _is_int(value: object) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool)


_CHECK_BLOCK = 65_536


def _check_inputs(
    texts: Sequence[str],
    langs: Sequence[str] | str,
    labels: np.ndarray | Sequence[int],
    embeddings: np.ndarray | None,
) -> tuple[list[str], list[str | None], np.ndarray, np.ndarray | None]:
    texts = [t if isinstance(t, str) else "" for t in texts]
    n = len(texts)
    if isinstance(langs, str):
        langs = [langs] * n
    langs = [lang if isinstance(lang, str) else None for lang in langs]
    if len(langs) != n:
        raise UsageError(
            f"{len(langs)} languages for {n} texts",
            where=f"{_WHERE}.fit",
            fix="pass one language code per text (or one code for all), e.g. the `lang` column",
        )
    labels = np.asarray(labels)
    if labels.ndim != 1 or len(labels) != n:
        raise UsageError(
            f"labels have shape {labels.shape}, expected ({n},): one cluster id per text",
            where=f"{_WHERE}.fit",
            fix="pass the clusterer's labels_ for exactly these texts",
        )
    if labels.dtype.kind == "f" and n and not np.all(np.isfinite(labels) & (labels % 1 == 0)):
        raise UsageError(
            "labels contain non-integer values",
            where=f"{_WHERE}.fit",
            fix="use whole-number cluster ids, with -1 for texts in no cluster",
        )
    if n and labels.dtype.kind not in "iuf":
        raise UsageError(
            f"labels must be integer cluster ids, got dtype {labels.dtype}",
            where=f"{_WHERE}.fit",
            fix="use whole-number cluster ids, with -1 for texts in no cluster",
        )
    labels = labels.astype(np.int64)
    if embeddings is not None:
        embeddings = np.asarray(embeddings)
        if embeddings.dtype.kind != "f":  # float16/32/64 stay as they are: no full copy
            embeddings = embeddings.astype(np.float32)
        if embeddings.ndim != 2 or embeddings.shape[0] != n:
            raise UsageError(
                f"embeddings have shape {embeddings.shape}, expected ({n}, dimensions)",
                where=f"{_WHERE}.fit",
                fix="pass one embedding row per text, in the same order as the texts",
            )
        if not all(
            np.isfinite(embeddings[start : start + _CHECK_BLOCK]).all()
            for start in range(0, n, _CHECK_BLOCK)
        ):
            raise UsageError(
                "embeddings contain NaN or infinite values",
                where=f"{_WHERE}.fit",
                fix="re-embed the affected texts or drop them before clustering",
            )
    return texts, langs, labels, embeddings
