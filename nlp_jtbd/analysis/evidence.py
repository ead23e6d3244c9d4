"""The one join of the stage outputs: each utterance with its discovered cluster, coded
category and candidate (used by the crossing, the exports and the report); and the readable
columns of predictions.csv."""

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
    "candidate_id": "candidate_id",
}
# predictions.csv's columns for people reading it: where each utterance is and what was asked.
READABLE_COLUMNS = ("document", "speaker", "role", "question", "text")


def label_utterances(
    utterances: pd.DataFrame,
    assignments: pd.DataFrame | None = None,
    clusters: pd.DataFrame | None = None,
    predictions: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """``utterances`` (in their order) plus ``cluster_id``, ``cluster_confidence``,
    ``is_outlier`` and ``cluster_label`` from discovery and ``category``,
    ``category_confidence`` (with ``category_unsure`` and ``category_coder`` where the codes
    have them) and ``candidate_id`` (where the synthesis ran) from coding; utterances a stage
    did not cover get NaN."""
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


def readable_predictions(predictions: pd.DataFrame, utterances: pd.DataFrame) -> pd.DataFrame:
    """``predictions`` with, after ``utterance_id``, where each utterance is (``document``:
    its file, else its document id; ``speaker``, ``role``), the interviewer's question before
    it (``question``, empty for reviews) and its ``text``; the code columns follow."""
    from nlp_jtbd.classify.context import interview_context

    source = utterances.astype({"utterance_id": str}).drop_duplicates("utterance_id")
    source = source.set_index("utterance_id", drop=False)
    ids = predictions["utterance_id"].astype(str)
    rows = source.reindex(ids)
    document = rows["source_path"] if "source_path" in rows else rows.get("doc_id")
    if document is not None and "doc_id" in rows:
        document = document.fillna(rows["doc_id"])
    question = pd.Series(interview_context(source), index=source.index).reindex(ids)
    readable = {
        "document": document,
        "speaker": rows.get("speaker"),
        "role": rows.get("role"),
        "question": question,
        "text": rows.get("text"),
    }
    frame = predictions[["utterance_id"]].copy()
    for name in READABLE_COLUMNS:
        value = readable[name]
        frame[name] = "" if value is None else value.fillna("").to_numpy()
    rest = [c for c in predictions.columns if c != "utterance_id" and c not in READABLE_COLUMNS]
    return pd.concat([frame, predictions[rest]], axis=1)


def _part(table: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    keep = ["utterance_id", *(c for c in columns if c in table.columns)]
    part = table[keep].rename(columns=columns).astype({"utterance_id": str})
    return part.drop_duplicates("utterance_id")


__all__ = ["READABLE_COLUMNS", "label_utterances", "readable_predictions"]
