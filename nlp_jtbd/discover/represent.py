"""Cluster representation: c-TF-IDF keywords, a short label and the most central quotes.

Keywords are class-based TF-IDF (as in BERTopic) over lemma n-grams of adjacent content words,
so ``заказ``/``заказы``/``заказов`` count as one term, and every text is tokenised in its own
language, so a cluster may mix Russian, English and Turkish.
"""

from __future__ import annotations

import re
from array import array
from collections import Counter
from collections.abc import Sequence
from numbers import Real
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator

from nlp_jtbd.discover.tokenize import DEFAULT_TOKENIZER, Token, Tokenizer, choose_form
from nlp_jtbd.errors import UsageError

NEAR_DUPLICATE_COSINE = 0.98  # quotes this similar (embeddings) say the same thing
_CANDIDATES = 3  # keyword candidates looked at per keyword wanted
_PHRASE_SHARE = 0.6  # a word used inside one phrase this often is shown as the phrase
_LABEL_PARTS = 3
_LABEL_SEPARATOR = " · "
_QUOTE_WORDS = re.compile(r"\w+")
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
        forms, keys = _count_forms(texts, langs, rows, tokenizer, tuple(self.ngram_range))
        terms = _Terms(forms, keys, self.min_df)
        counts, weights = _class_tfidf(terms.matrix, member_of, len(clusters))

        self.keywords_ = {}
        self.labels_text_ = {}
        for k, cluster in enumerate(clusters.tolist()):
            chosen = self._keywords(terms, counts, weights, k)
            self.keywords_[cluster] = [(terms.display(t), float(s)) for t, s in chosen]
            self.labels_text_[cluster] = (
                _label([t for t, _ in chosen], terms) or f"cluster {cluster}"
            )

        if embeddings is not None:
            centrality = _EmbeddingCentrality(embeddings, rows)
        else:
            centrality = _KeywordCentrality(terms.matrix, weights, member_of)
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

    def _keywords(
        self, terms: _Terms, counts: sp.csr_matrix, weights: sp.csr_matrix, k: int
    ) -> list[tuple[int, float]]:
        """Top terms of cluster ``k``: by c-TF-IDF, diversified, without near-duplicates."""
        start, end = weights.indptr[k], weights.indptr[k + 1]
        if start == end or self.top_n_words == 0:
            return []
        ids = weights.indices[start:end]
        scores = weights.data[start:end]
        uses = counts.data[start:end]
        wanted = max(_CANDIDATES * self.top_n_words, 10)
        if len(scores) > wanted:  # keep ties at the cut so the order stays stable
            keep = scores >= np.partition(scores, -wanted)[-wanted]
            ids, scores, uses = ids[keep], scores[keep], uses[keep]
        best = np.lexsort((terms.rank[ids], -scores))[:wanted]
        candidates = [
            _Candidate(int(ids[j]), float(scores[j]), float(uses[j]), terms) for j in best
        ]
        return [(c.term, c.score) for c in _select(candidates, self.top_n_words, self.diversity)]


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


def _count_forms(
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


class _Terms:
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


def _class_tfidf(
    matrix: sp.csr_matrix, member_of: np.ndarray, n_clusters: int
) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """Per-cluster term counts and c-TF-IDF weights (same sparsity pattern).

    c-TF-IDF (BERTopic): tf of term t in class c, L1-normalised per class, times
    ``log(1 + A / f_t)``, A the average number of terms per class, f_t t's count in all classes.
    """
    n_docs = matrix.shape[0]
    membership = sp.csr_matrix(
        (np.ones(n_docs), (member_of, np.arange(n_docs))), shape=(n_clusters, n_docs)
    )
    counts = (membership @ matrix).tocsr()
    counts.sum_duplicates()
    counts.sort_indices()
    weights = counts.copy()
    if counts.nnz:
        per_term = np.asarray(counts.sum(axis=0)).ravel()
        per_class = np.asarray(counts.sum(axis=1)).ravel()
        idf = np.log1p((per_class.sum() / n_clusters) / np.maximum(per_term, 1e-12))
        class_of = np.repeat(np.arange(n_clusters), np.diff(counts.indptr))
        weights.data = counts.data / per_class[class_of] * idf[counts.indices]
    return counts, weights


class _Candidate:
    """A keyword candidate of one cluster, with what selection compares."""

    __slots__ = ("display", "score", "term", "uses", "words")

    def __init__(self, term: int, score: float, uses: float, terms: _Terms) -> None:
        self.term = term
        self.score = score
        self.uses = uses
        self.words = terms.words[term]
        self.display = terms.display(term)


def _select(candidates: list[_Candidate], top_n: int, diversity: float) -> list[_Candidate]:
    """Maximal marginal relevance over the candidates (best first), after merging phrases.

    A word used mostly inside a phrase is shown as that phrase (see :func:`_merge_phrases`). A
    candidate is skipped when it reads like a chosen keyword (same text, or the same words up to
    an ending the lemmatiser missed: ``renew``/``renewal``), when it would make a phrase and all
    of its words appear together, or when it is inside a chosen phrase or the other way round.
    Chosen keywords are returned by score, ties in candidate order.
    """
    candidates = _merge_phrases(candidates)
    if not candidates:
        return []
    top = candidates[0].score or 1.0
    remaining = list(range(len(candidates)))
    penalty = [0.0] * len(candidates)
    chosen: list[_Candidate] = []
    picked: list[int] = []
    while remaining and len(chosen) < top_n:
        pick = max(
            remaining,
            key=lambda j: (
                (1 - diversity) * candidates[j].score / top - diversity * penalty[j],
                -j,
            ),
        )
        remaining.remove(pick)
        candidate = candidates[pick]
        if any(_same_reading(candidate, other) for other in chosen):
            continue
        if _completes_phrase(candidate, chosen) or any(_nested(candidate, c) for c in chosen):
            continue
        chosen.append(candidate)
        picked.append(pick)
        for j in remaining:
            penalty[j] = max(penalty[j], _overlap(candidates[j].words, candidate.words))
    return [candidates[j] for j in sorted(picked)]


def _merge_phrases(candidates: list[_Candidate]) -> list[_Candidate]:
    """A word (or shorter phrase) used mostly inside a longer phrase gives way to it.

    ``provider`` that people say in ``SMS provider`` at least ``_PHRASE_SHARE`` of the time is
    better shown as the phrase, which takes the word's score when higher (the phrase with the
    most uses wins). Returned by score, ties in the original order.
    """
    absorbed: set[int] = set()
    by_length = sorted(range(len(candidates)), key=lambda j: len(candidates[j].words))
    for i in by_length:
        part = candidates[i]
        hosts = [
            (-host.uses, j)
            for j, host in enumerate(candidates)
            if j not in absorbed
            and len(host.words) > len(part.words)
            and host.uses >= _PHRASE_SHARE * part.uses
            and _contains(host.words, part.words)
        ]
        if hosts:
            host = candidates[min(hosts)[1]]
            host.score = max(host.score, part.score)
            absorbed.add(i)
    kept = [(j, c) for j, c in enumerate(candidates) if j not in absorbed]
    kept.sort(key=lambda jc: (-jc[1].score, jc[0]))
    return [c for _, c in kept]


def _contains(longer: tuple[str, ...], shorter: tuple[str, ...]) -> bool:
    n = len(shorter)
    return any(longer[i : i + n] == shorter for i in range(len(longer) - n + 1))


def _same_reading(a: _Candidate, b: _Candidate) -> bool:
    if a.display.casefold() == b.display.casefold():
        return True
    if len(a.words) != len(b.words):
        return False
    if len(a.words) > 1 and sorted(a.words) == sorted(b.words):
        return True  # currency exchange / exchange currency
    return all(x == y or _same_stem(x, y) for x, y in zip(a.words, b.words, strict=True))


def _same_stem(a: str, b: str) -> bool:
    """``renew``/``renewal``, ``ATM``/``ATMs``, ``смс-код``/``смс-коды``: one word, two endings."""
    short, long = sorted((a, b), key=len)
    if len(short) >= 3 and long in (short + "s", short + "es"):
        return True  # plurals the lemmatiser does not know: atm/atms
    longest = len(long)
    common = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        common += 1
    return common >= 4 and longest - common <= 3 and common >= 0.7 * longest


def _completes_phrase(candidate: _Candidate, chosen: list[_Candidate]) -> bool:
    """Would ``candidate`` make some phrase appear together with all of its words?"""
    keywords = [*chosen, candidate]
    singles = {c.words[0] for c in keywords if len(c.words) == 1}
    return any(
        len(c.words) > 1
        and all(w in singles for w in c.words)
        and (c is candidate or set(candidate.words) <= set(c.words))
        for c in keywords
    )


def _nested(a: _Candidate, b: _Candidate) -> bool:
    """Phrases inside one another (``broken box`` in ``arrived broken box``)."""
    if len(a.words) < 2 or len(b.words) < 2:
        return False
    return _contains(a.words, b.words) or _contains(b.words, a.words)


def _overlap(a: tuple[str, ...], b: tuple[str, ...]) -> float:
    shared = len(set(a) & set(b))
    return shared / (len(a) * len(b)) ** 0.5 if shared else 0.0


def _label(chosen: list[int], terms: _Terms) -> str:
    """The top keywords, up to three, that share no word (``work`` and ``work anymore`` do)."""
    parts: list[int] = []
    covered: set[str] = set()
    for term in chosen:
        if len(parts) == _LABEL_PARTS:
            break
        if covered.isdisjoint(terms.words[term]):
            parts.append(term)
            covered.update(terms.words[term])
    return _LABEL_SEPARATOR.join(terms.display(p) for p in parts)


def _quote_key(text: str) -> str:
    """Text up to case, punctuation and spacing: equal keys are the same quote."""
    return " ".join(_QUOTE_WORDS.findall(text.casefold()))


class _EmbeddingCentrality:
    """Members closest (cosine) to their cluster's centroid; near-identical quotes skipped."""

    def __init__(self, embeddings: np.ndarray, rows: np.ndarray) -> None:
        """``rows`` of ``embeddings`` are the clustered texts; one cluster is read at a time,
        in float32, so no copy of the whole matrix is made."""
        self.embeddings = embeddings
        self.rows = rows

    def pick(self, members: np.ndarray, texts: list[str], n: int) -> list[int]:
        vectors = np.asarray(self.embeddings[self.rows[members]], dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        vectors /= np.where(norms > 0, norms, 1.0)
        centroid = vectors.mean(axis=0)
        length = float(np.linalg.norm(centroid))
        similarity = vectors @ (centroid / length) if length > 0 else np.zeros(len(members))
        order = np.lexsort((members, -similarity))
        return _distinct(order, texts, n, vectors)


class _KeywordCentrality:
    """Members whose terms best match their cluster's c-TF-IDF (cosine)."""

    def __init__(
        self, matrix: sp.csr_matrix, weights: sp.csr_matrix, member_of: np.ndarray
    ) -> None:
        self.score = _row_cosines(matrix, weights, member_of)

    def pick(self, members: np.ndarray, texts: list[str], n: int) -> list[int]:
        order = np.lexsort((members, -self.score[members]))
        return _distinct(order, texts, n, None)


def _row_cosines(
    matrix: sp.csr_matrix, weights: sp.csr_matrix, member_of: np.ndarray
) -> np.ndarray:
    """Cosine of each text's term counts with its cluster's c-TF-IDF row, without densifying."""
    n_docs, n_terms = matrix.shape
    if matrix.nnz == 0:
        return np.zeros(n_docs)
    doc_of = np.repeat(np.arange(n_docs), np.diff(matrix.indptr))
    doc_norm = np.sqrt(np.bincount(doc_of, weights=matrix.data**2, minlength=n_docs))
    class_of = np.repeat(np.arange(weights.shape[0]), np.diff(weights.indptr))
    class_norm = np.sqrt(np.bincount(class_of, weights=weights.data**2, minlength=weights.shape[0]))
    # Every term of a text is in its cluster's row: find it by (cluster, term) in sorted order.
    weight_keys = class_of * n_terms + weights.indices
    doc_keys = member_of[doc_of] * n_terms + matrix.indices
    found = weights.data[np.searchsorted(weight_keys, doc_keys)]
    dots = np.bincount(doc_of, weights=matrix.data * found, minlength=n_docs)
    norms = doc_norm * class_norm[member_of]
    return np.divide(dots, norms, out=np.zeros(n_docs), where=norms > 0)


def _near(similarities: np.ndarray) -> bool:
    return float(np.max(similarities)) >= NEAR_DUPLICATE_COSINE


def _distinct(order: np.ndarray, texts: list[str], n: int, vectors: np.ndarray | None) -> list[int]:
    """The first ``n`` of ``order`` that are neither the same quote nor (by embedding) a
    near-identical one as a quote already picked."""
    picked: list[int] = []
    seen: set[str] = set()
    for j in order.tolist():
        if len(picked) >= n:
            break
        key = _quote_key(texts[j])
        if key in seen:
            continue
        if picked and vectors is not None and _near(vectors[picked] @ vectors[j]):
            continue
        seen.add(key)
        picked.append(j)
    return picked
