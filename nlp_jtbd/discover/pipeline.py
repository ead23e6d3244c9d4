"""Discovery as one estimator: embed → reduce → cluster → assign → represent.

>>> model = Discovery(model="use", random_state=42).fit(texts, langs)      # doctest: +SKIP
>>> model.clusters_                     # id, size, label, keywords, representative indices
>>> model.transform(new_texts)          # same rule as fit: transform(train) == fit_transform
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, clone

from nlp_jtbd import __version__
from nlp_jtbd.discover.assign import CentroidAssigner, Placement
from nlp_jtbd.discover.cluster import HDBSCANClusterer
from nlp_jtbd.discover.labels import multilingual_labels
from nlp_jtbd.discover.reduce import UMAPReducer
from nlp_jtbd.embed import DEFAULT_MODEL, Embedder, EmbeddingCache, embed_texts
from nlp_jtbd.embed.cache import EmbeddingStats
from nlp_jtbd.embed.distributed import embedder_for
from nlp_jtbd.errors import InputError, UsageError

MIN_UTTERANCES = 10
_FORMAT_VERSION = 1


@dataclass
class DiscoveryStats:
    """What a fit did, and how long each stage took."""

    utterances: int = 0
    embedded: int = 0
    cached: int = 0
    clusters: int = 0
    unassigned: int = 0
    fitted_on: int = 0  # utterances the clusters were found in (a sample of large corpora)
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def outlier_share(self) -> float:
        return self.unassigned / self.utterances if self.utterances else 0.0


# Exact neighbours and UMAP stay fast up to here; larger corpora are fitted on a sample this
# size and the rest assigned (bench/scale.py measures the quality cost).
AUTO_FIT_SAMPLE = 30_000


class Discovery(BaseEstimator):
    """Find recurring themes (candidate jobs, triggers, barriers) among utterances.

    Parameters are the knobs a researcher needs; the stages are swappable estimators
    (``reducer``, ``clusterer``, ``assigner``; None: the default one built from the other
    parameters). Parameters follow scikit-learn: ``__init__`` only stores them, ``fit`` never
    changes them, and the stages given are cloned, so they stay unfitted; the fitted copies are
    ``reducer_``, ``clusterer_`` and ``assigner_``. Learned state ends in ``_``.
    """

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        *,
        min_cluster_size: int | None = None,
        max_clusters: int | None = None,
        merge_threshold: float | None = None,
        random_state: int = 42,
        cache_dir: str | Path | None = None,
        use_cache: bool = True,
        reducer: UMAPReducer | None = None,
        clusterer: HDBSCANClusterer | None = None,
        assigner: CentroidAssigner | None = None,
        top_n_words: int = 10,
        n_representatives: int = 5,
        fit_sample: int | None = AUTO_FIT_SAMPLE,
        scheduler: str | None = None,
    ) -> None:
        self.model = model
        self.min_cluster_size = min_cluster_size
        self.max_clusters = max_clusters
        self.merge_threshold = merge_threshold
        self.random_state = random_state
        self.cache_dir = cache_dir
        self.use_cache = use_cache
        self.reducer = reducer
        self.clusterer = clusterer
        self.assigner = assigner
        self.top_n_words = top_n_words
        self.n_representatives = n_representatives
        self.fit_sample = fit_sample
        self.scheduler = scheduler

    # -- embedding --------------------------------------------------------------------------
    def embed(
        self, texts: Sequence[str], progress: Callable[[int, int], None] | None = None
    ) -> np.ndarray:
        """Normalised float16 vectors for ``texts`` from the configured model (and cache).

        float16 halves the memory of a million utterances; the cache stores float16 anyway,
        and every product with them is computed in float32 blocks."""
        return self._embed(texts, progress)[0]

    def _embed(
        self, texts: Sequence[str], progress: Callable[[int, int], None] | None = None
    ) -> tuple[np.ndarray, EmbeddingStats]:
        cache = EmbeddingCache(self.cache_dir) if self.use_cache else None
        try:
            return embed_texts(
                texts, self._get_embedder(), cache, progress=progress, dtype=np.float16
            )
        finally:
            if cache:
                cache.close()

    def _get_embedder(self) -> Embedder:
        """The embedder of ``model`` (on ``scheduler``), built on first use and kept while
        those parameters stay the same (a cache, not a parameter: ``clone`` drops it)."""
        wanted = (self.model, self.scheduler)
        if getattr(self, "_embedder_for", None) != wanted:
            self._embedder = embedder_for(self.model, self.scheduler)
            self._embedder_for = wanted
        return self._embedder

    # -- fitting ----------------------------------------------------------------------------
    def fit(
        self,
        texts: Sequence[str],
        langs: Sequence[str] | None = None,
        *,
        vectors: np.ndarray | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> Discovery:
        texts = list(texts)
        if len(texts) < MIN_UTTERANCES:
            raise InputError(
                f"{len(texts)} utterances are too few to cluster (at least {MIN_UTTERANCES})",
                fix="add more transcripts or reviews; check that respondents' roles were "
                "recognised, or cluster the interviewers' utterances too "
                "(`include_interviewer=True`)",
            )
        langs = list(langs) if langs is not None else ["und"] * len(texts)
        stats = DiscoveryStats(utterances=len(texts))
        started = time.perf_counter()
        if vectors is None:
            vectors, embedding = self._embed(texts, progress)
            stats.embedded, stats.cached = embedding.embedded, embedding.cached
        if progress:  # embedding is done (also when everything came from the cache)
            progress(stats.embedded, stats.embedded)
        stats.seconds["embed"] = time.perf_counter() - started
        stage = time.perf_counter()
        sample = self._sample(len(texts))
        stats.fitted_on = len(sample)
        fit_vectors = np.asarray(vectors[sample], dtype=np.float32)
        reducer = _stage(self.reducer, lambda: UMAPReducer(random_state=self.random_state))
        reduced = reducer.fit_transform(fit_vectors)
        stats.seconds["reduce"] = time.perf_counter() - stage
        stage = time.perf_counter()
        clusterer = _stage(
            self.clusterer, lambda: HDBSCANClusterer(min_cluster_size=self.min_cluster_size)
        )
        labels = clusterer.fit(reduced).labels_
        merge_threshold = self.merge_threshold or self._get_embedder().duplicate_similarity
        assigner = _stage(
            self.assigner,
            lambda: CentroidAssigner(
                merge_threshold=merge_threshold, max_clusters=self.max_clusters
            ),
        )
        assigner.fit(fit_vectors, labels, population=len(texts))
        self.merge_threshold_ = merge_threshold
        self.reducer_, self.clusterer_, self.assigner_ = reducer, clusterer, assigner
        placement = self._place(vectors)  # the whole corpus, by the rule of transform
        stats.seconds["cluster"] = time.perf_counter() - stage
        stage = time.perf_counter()
        self.sample_index_ = sample
        self.reduced_ = reduced
        self.placement_ = placement
        self.clusters_ = self._represent(texts, langs, placement, vectors)
        stats.seconds["represent"] = time.perf_counter() - stage
        stats.clusters = len(assigner.centroids_)
        stats.unassigned = int(placement.is_outlier.sum())
        self.stats_ = stats
        self.embedder_key_ = self._get_embedder().key
        return self

    def _sample(self, n: int) -> np.ndarray:
        """Which utterances the clusters are found in: all of them, or for corpora larger than
        ``fit_sample`` a seeded random sample of that size (the rest are then assigned to the
        clusters exactly like new utterances, so fit and assign cannot disagree)."""
        if not self.fit_sample or n <= self.fit_sample:
            return np.arange(n)
        rng = np.random.default_rng(self.random_state)
        return np.sort(rng.choice(n, self.fit_sample, replace=False))

    def fit_transform(self, texts: Sequence[str], langs: Sequence[str] | None = None) -> Placement:
        return self.fit(texts, langs).placement_

    def transform(self, texts: Sequence[str], vectors: np.ndarray | None = None) -> Placement:
        """Place utterances in the fitted clusters (nearest centre, same rule as ``fit``).

        With ``vectors`` (rows from :meth:`embed`) the texts are not embedded again; ``texts``
        may then be empty."""
        self._check_fitted()
        texts = list(texts)
        if vectors is None:
            vectors = self.embed(texts)
        elif texts and len(texts) != len(vectors):
            raise UsageError(
                f"{len(texts)} texts but {len(vectors)} vectors",
                fix="give one vector per text, or leave out `vectors`",
            )
        return self._place(vectors)

    def _place(self, vectors: np.ndarray) -> Placement:
        """The one placement rule of ``fit`` and ``transform``: the nearest fitted centre."""
        dim = self.assigner_.centroids_.shape[1]
        if len(vectors) and (np.ndim(vectors) != 2 or np.shape(vectors)[1] != dim):
            raise UsageError(
                f"the vectors have shape {np.shape(vectors)}, the clusters' centres {dim} "
                "dimensions",
                fix="embed the texts with this model's embed()",
            )
        return self.assigner_.predict(vectors)

    def _represent(
        self, texts: list[str], langs: list[str], placement: Placement, vectors: np.ndarray
    ) -> pd.DataFrame:
        from nlp_jtbd.discover.represent import ClusterRepresenter

        rep = ClusterRepresenter(
            top_n_words=self.top_n_words, n_representatives=self.n_representatives
        ).fit(texts, langs, placement.cluster_id, vectors)
        ids = range(len(self.assigner_.centroids_))
        keywords = {c: [w for w, _ in rep.keywords_.get(c, [])] for c in ids}
        keywords, labels = multilingual_labels(keywords, lambda words: self.embed(words))
        sizes = np.bincount(placement.cluster_id[placement.cluster_id >= 0], minlength=len(ids))
        rows = [
            {
                "cluster_id": c,
                "size": int(sizes[c]),
                "label": labels[c],
                "keywords": keywords[c],
                "representatives": list(rep.representatives_.get(c, [])),
            }
            for c in ids
        ]
        return pd.DataFrame(rows)

    # -- persistence ------------------------------------------------------------------------
    def save(self, directory: str | Path) -> Path:
        """Write the fitted model (centres, radii, cluster descriptions) to ``directory``."""
        self._check_fitted()
        path = Path(directory)
        path.mkdir(parents=True, exist_ok=True)
        np.save(path / "centroids.npy", self.assigner_.centroids_)
        np.save(path / "quantiles.npy", self.assigner_.quantiles_)
        np.save(path / "thresholds.npy", self.assigner_.thresholds_)
        clusters = self.clusters_.drop(columns=["representatives"]).to_dict("records")
        meta = {
            "format_version": _FORMAT_VERSION,
            "nlp_jtbd_version": __version__,
            "model": self.model,
            "embedder_key": self.embedder_key_,
            "random_state": self.random_state,
            "min_cluster_size": self.min_cluster_size,
            "max_clusters": self.max_clusters,
            "merge_threshold": self.merge_threshold,
            "merge_threshold_used": getattr(self, "merge_threshold_", self.merge_threshold),
            "clusters": clusters,
        }
        (path / "model.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2), "utf-8")
        return path

    @classmethod
    def load(cls, directory: str | Path, scheduler: str | None = None) -> Discovery:
        """A saved model; with ``scheduler`` its embedding runs on that Dask cluster."""
        path = Path(directory)
        meta_path = path / "model.json"
        if not meta_path.exists():
            raise UsageError(
                f"{path} is not a saved discovery model (no model.json)",
                fix="give the model/ folder that Discovery.save (`jtbd discover`) wrote",
            )
        meta = json.loads(meta_path.read_text("utf-8"))
        if meta.get("format_version") != _FORMAT_VERSION:
            raise UsageError(
                f"{path} was saved in model format {meta.get('format_version')}, this "
                f"nlp_jtbd reads format {_FORMAT_VERSION}",
                fix="re-run `jtbd discover` with this version",
            )
        model = cls(
            meta["model"],
            min_cluster_size=meta["min_cluster_size"],
            max_clusters=meta["max_clusters"],
            merge_threshold=meta["merge_threshold"],
            random_state=meta["random_state"],
            scheduler=scheduler,
        )
        model.merge_threshold_ = meta.get("merge_threshold_used", meta["merge_threshold"])
        assigner = CentroidAssigner(merge_threshold=model.merge_threshold_)
        assigner.centroids_ = np.load(path / "centroids.npy")
        assigner.quantiles_ = np.load(path / "quantiles.npy")
        radii = path / "thresholds.npy"  # older models: each cluster's lowest member
        assigner.thresholds_ = (
            np.load(radii) if radii.exists() else assigner.quantiles_[:, 0].copy()
        )
        model.assigner_ = assigner
        model.embedder_key_ = meta["embedder_key"]
        model.clusters_ = pd.DataFrame(meta["clusters"])
        embedder = model._get_embedder()
        if embedder.key != meta["embedder_key"]:
            raise UsageError(
                f"the model was fitted with embeddings '{meta['embedder_key']}' but "
                f"'{embedder.key}' is installed here",
                fix="install the same embedding model version, or re-run `jtbd discover`",
            )
        return model

    def _check_fitted(self) -> None:
        if not hasattr(self, "assigner_"):
            raise UsageError("the discovery model is not fitted", fix="call fit() first")


def _stage(given: BaseEstimator | None, default: Callable[[], BaseEstimator]) -> BaseEstimator:
    """A fresh, unfitted copy of the stage given as a parameter, or the default stage."""
    return clone(given) if given is not None else default()
