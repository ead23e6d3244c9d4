"""Discovery on an utterance table, and the files it writes into the analysis directory."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from nlp_jtbd import __version__
from nlp_jtbd.discover.assign import Placement
from nlp_jtbd.discover.pipeline import Discovery
from nlp_jtbd.errors import InputError
from nlp_jtbd.memory import peak_rss_mb

_QUOTE_COLUMNS = ("doc_id", "speaker", "role", "start_s", "end_s", "source_path", "source_loc")


def select_evidence(utterances: pd.DataFrame, include_interviewer: bool = False) -> pd.DataFrame:
    """Utterances that count as evidence: everything but interviewer questions by default."""
    return evidence_rows(utterances, include_interviewer, require=True)


def evidence_rows(
    utterances: pd.DataFrame, include_interviewer: bool = False, *, require: bool = False
) -> pd.DataFrame:
    """:func:`select_evidence` for one batch of a table: may be empty unless ``require``."""
    rows = utterances
    if not include_interviewer and "role" in rows.columns:
        rows = rows[rows["role"].fillna("unknown") != "interviewer"]
    rows = rows[rows["text"].str.strip() != ""]
    if rows.empty and require:
        raise InputError(
            "no respondent utterances to cluster",
            fix="check the roles in the ingested file, or pass `include_interviewer=True`",
        )
    return rows.reset_index(drop=True)


def assignments_frame(utterances: pd.DataFrame, placement: Placement) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "utterance_id": utterances["utterance_id"].to_numpy(),
            "cluster_id": placement.cluster_id,
            "confidence": placement.confidence.round(4),
            "is_outlier": placement.is_outlier,
            "nearest_cluster": placement.nearest,
            "similarity": placement.similarity.round(4),
        }
    )


def map_coordinates(reduced: np.ndarray) -> np.ndarray:
    """2-D coordinates for a map of the utterances: the two principal axes of the UMAP space
    the clusters were found in (so neighbours on the map are neighbours in the clustering)."""
    centred = reduced - reduced.mean(axis=0)
    _, _, axes = np.linalg.svd(centred, full_matrices=False)
    xy = centred @ axes[:2].T
    return np.round(xy / (np.abs(xy).max() or 1.0), 4)


def discovery_tables(model: Discovery, utterances: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The tables of a fitted discovery on ``utterances`` (the rows it was fitted on):
    ``clusters``, ``representatives`` (quotes with provenance), ``assignments`` and ``map``
    (2-D coordinates of the utterances the clusters were found in)."""
    ids = utterances["utterance_id"].to_numpy()
    clusters = model.clusters_.copy()
    clusters["keywords"] = clusters["keywords"].map("; ".join)
    clusters["representative_ids"] = clusters["representatives"].map(
        lambda idx: "; ".join(ids[i] for i in idx)
    )
    quotes = []
    for row in model.clusters_.itertuples():
        for rank, index in enumerate(row.representatives, start=1):
            record = utterances.iloc[index]
            quote = {"cluster_id": row.cluster_id, "rank": rank, "utterance_id": ids[index]}
            quote.update({c: record[c] for c in _QUOTE_COLUMNS if c in utterances.columns})
            quote["text"] = record["text"]
            quotes.append(quote)
    xy = map_coordinates(model.reduced_)
    fitted = ids[model.sample_index_]
    return {
        "clusters": clusters.drop(columns=["representatives"]),
        "representatives": pd.DataFrame(quotes),
        "assignments": assignments_frame(utterances, model.placement_),
        "map": pd.DataFrame({"utterance_id": fitted, "x": xy[:, 0], "y": xy[:, 1]}),
    }


def discovery_summary(model: Discovery, settings: dict[str, object]) -> dict[str, object]:
    """What a fit did, for summary.json: settings, model, counts, seconds, peak memory."""
    stats = model.stats_
    return {
        "stage": "discover",
        "nlp_jtbd_version": __version__,
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "settings": settings,
        "embedding_model": model.embedder_key_,
        "utterances": stats.utterances,
        "clusters": stats.clusters,
        "unassigned": stats.unassigned,
        "fitted_on": stats.fitted_on,
        "outlier_share": round(stats.outlier_share, 4),
        "embedded": stats.embedded,
        "embeddings_from_cache": stats.cached,
        "seconds": {k: round(v, 2) for k, v in stats.seconds.items()},
        "peak_rss_mb": peak_rss_mb(),
    }


__all__ = [
    "assignments_frame",
    "discovery_summary",
    "discovery_tables",
    "evidence_rows",
    "select_evidence",
]
