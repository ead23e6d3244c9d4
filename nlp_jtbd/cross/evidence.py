"""Joining the stage outputs: one row per respondent utterance with its customer, discovered
cluster and coded category (files from `jtbd ingest`, `jtbd discover` and `jtbd classify`)."""

from __future__ import annotations

import pandas as pd

from nlp_jtbd.analysis.evidence import label_utterances
from nlp_jtbd.errors import InputError


def join_evidence(
    utterances: pd.DataFrame,
    assignments: pd.DataFrame | None = None,
    clusters: pd.DataFrame | None = None,
    codes: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """``utterance_id, customer_id, text, doc_id, speaker, start_s, cluster_id, cluster_label,
    cluster_confidence, category, category_confidence`` for utterances with a customer."""
    if "customer_id" not in utterances.columns:
        raise InputError(
            "the utterances have no customer_id column, so they cannot be tied to segments",
            fix="ingest with `meta` (a manifest with customer_id per file) or `customer_col`",
        )
    frame = utterances.copy()
    frame["customer_id"] = frame["customer_id"].astype("string").str.strip()
    frame = frame[frame["customer_id"].notna() & (frame["customer_id"] != "")]
    if "role" in frame.columns:
        frame = frame[frame["role"].fillna("unknown") != "interviewer"]
    if frame.empty:
        raise InputError(
            "no respondent utterance has a customer_id",
            fix="ingest with `meta` or `customer_col` so utterances carry customer ids",
        )
    keep = [
        c
        for c in ("utterance_id", "customer_id", "text", "doc_id", "speaker", "start_s")
        if c in frame.columns
    ]
    frame = frame[keep].astype({"utterance_id": str, "customer_id": str})
    return label_utterances(frame, assignments, clusters, codes)
