"""The one join of the stage outputs: each utterance with its discovered cluster and coded
category (used by the crossing, the exports and the report)."""

from __future__ import annotations

import pandas as pd

_ASSIGNMENT_COLUMNS = {
    "cluster_id": "cluster_id",
    "confidence": "cluster_confidence",
    "is_outlier": "is_outlier",
}
_PREDICTION_COLUMNS = {
    "label": "category",
    "confidence": "category_confidence",
    "unsure": "category_unsure",
    "coder": "category_coder",
}


def label_utterances(
    utterances: pd.DataFrame,
    assignments: pd.DataFrame | None = None,
    clusters: pd.DataFrame | None = None,
    predictions: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """``utterances`` (in their order) plus ``cluster_id``, ``cluster_confidence``,
    ``is_outlier`` and ``cluster_label`` from discovery and ``category``,
    ``category_confidence`` (with ``category_unsure`` and ``category_coder`` where the codes
    have them) from coding; utterances a stage did not cover get NaN."""
    frame = utterances.astype({"utterance_id": str})
    if assignments is not None:
        part = _part(assignments, _ASSIGNMENT_COLUMNS)
        frame = frame.merge(part, on="utterance_id", how="left")
        if clusters is not None and "label" in clusters.columns:
            frame["cluster_label"] = frame["cluster_id"].map(
                clusters.set_index("cluster_id")["label"]
            )
    if predictions is not None:
        frame = frame.merge(_part(predictions, _PREDICTION_COLUMNS), on="utterance_id", how="left")
    return frame.reset_index(drop=True)


def _part(table: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    keep = ["utterance_id", *(c for c in columns if c in table.columns)]
    part = table[keep].rename(columns=columns).astype({"utterance_id": str})
    return part.drop_duplicates("utterance_id")


__all__ = ["label_utterances"]
