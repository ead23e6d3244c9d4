"""Joining the stage outputs: one row per respondent utterance with its customer, discovered
cluster and coded category (files from `jtbd ingest`, `jtbd discover` and `jtbd classify`)."""

from __future__ import annotations

import pandas as pd

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
            fix="ingest with --meta (a manifest with customer_id per file) or --customer-col",
        )
    frame = utterances.copy()
    frame["customer_id"] = frame["customer_id"].astype("string").str.strip()
    frame = frame[frame["customer_id"].notna() & (frame["customer_id"] != "")]
    if "role" in frame.columns:
        frame = frame[frame["role"].fillna("unknown") != "interviewer"]
    if frame.empty:
        raise InputError(
            "no respondent utterance has a customer_id",
            fix="ingest with --meta or --customer-col so utterances carry customer ids",
        )
    keep = [
        c
        for c in ("utterance_id", "customer_id", "text", "doc_id", "speaker", "start_s")
        if c in frame.columns
    ]
    frame = frame[keep].astype({"utterance_id": str, "customer_id": str})
    if assignments is not None:
        part = assignments[["utterance_id", "cluster_id", "confidence"]].rename(
            columns={"confidence": "cluster_confidence"}
        )
        frame = frame.merge(part.astype({"utterance_id": str}), on="utterance_id", how="left")
        if clusters is not None and "label" in clusters.columns:
            labels = clusters.set_index("cluster_id")["label"]
            frame["cluster_label"] = frame["cluster_id"].map(labels)
    if codes is not None:
        part = codes[["utterance_id", "label", "confidence"]].rename(
            columns={"label": "category", "confidence": "category_confidence"}
        )
        frame = frame.merge(part.astype({"utterance_id": str}), on="utterance_id", how="left")
    return frame.reset_index(drop=True)
