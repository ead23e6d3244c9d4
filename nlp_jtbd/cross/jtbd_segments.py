"""JTBD profiles per customer and JTBD segments around recurring main jobs.

A customer's **main job** is the candidate job (from the synthesis; without candidates, the
discovered cluster) that most of their ``main_job``-coded utterances belong to (ties: the
higher mean confidence, then the candidate with more customers); their **triggers** and
**barriers** are the candidates of their ``trigger``/``barrier``-coded utterances. Customers
whose main job is the same candidate form a **JTBD segment** when at least ``min_customers``
share it (the source method: segments form around recurring main jobs and contexts); the rest
are ``other``, and customers with no main-job utterance in a candidate are ``no main job``.
"""

from __future__ import annotations

import pandas as pd

OTHER = "other"
NO_MAIN_JOB = "no main job"


def _cluster_name(cluster_id: object, label: object) -> str:
    return f"#{int(cluster_id)} {label}" if pd.notna(label) else f"#{int(cluster_id)}"


def _items(evidence: pd.DataFrame) -> pd.DataFrame:
    """The coded rows with an ``_item`` (candidate id, or ``#id label`` of the cluster)."""
    if "candidate_id" in evidence.columns:
        have = evidence.dropna(subset=["category"])
        have = have[have["candidate_id"].fillna("").astype(str) != ""]
        return have.assign(_item=have["candidate_id"].astype(str))
    have = evidence.dropna(subset=["cluster_id", "category"])
    have = have[have["cluster_id"] >= 0]
    label = (
        have["cluster_label"]
        if "cluster_label" in have.columns
        else pd.Series(pd.NA, index=have.index)
    )
    items = [_cluster_name(c, lab) for c, lab in zip(have["cluster_id"], label, strict=True)]
    return have.assign(_item=items)


def jtbd_profiles(
    evidence: pd.DataFrame, min_customers: int = 2, names: dict[str, str] | None = None
) -> pd.DataFrame:
    """One row per customer: ``customer_id, main_job, main_job_name, triggers, barriers,
    main_job_quotes, trigger_quotes, barrier_quotes, utterances, jtbd_segment`` (``names``:
    candidate id → name; items are candidate ids, or clusters without candidates)."""
    names = names or {}
    have = _items(evidence)
    if "category_confidence" not in have.columns:
        have = have.assign(category_confidence=0.0)
    reach = have.groupby("_item")["customer_id"].nunique()
    rows = []
    coded_by = dict(tuple(have.groupby("customer_id", sort=False)))
    for customer, group in evidence.groupby("customer_id", sort=True):
        coded = coded_by.get(customer, have.iloc[:0])
        row: dict[str, object] = {"customer_id": customer}
        jobs = coded[coded["category"] == "main_job"]
        if len(jobs):
            stats = jobs.groupby("_item").agg(
                n=("utterance_id", "size"), conf=("category_confidence", "mean")
            )
            stats["reach"] = reach.reindex(stats.index).to_numpy()
            best = stats.sort_values(["n", "conf", "reach"], ascending=False).index[0]
            row["main_job"] = best
            row["main_job_name"] = names.get(best, "")
            row["main_job_quotes"] = " ".join(
                jobs[jobs["_item"] == best]
                .sort_values("category_confidence", ascending=False)["utterance_id"]
                .head(3)
            )
        else:
            row["main_job"] = ""
            row["main_job_name"] = ""
            row["main_job_quotes"] = ""
        for category in ("trigger", "barrier"):
            part = coded[coded["category"] == category]
            row[f"{category}s"] = "; ".join(pd.unique(part["_item"]))
            row[f"{category}_quotes"] = " ".join(
                part.sort_values("category_confidence", ascending=False)["utterance_id"].head(3)
            )
        row["utterances"] = len(group)
        rows.append(row)
    profiles = pd.DataFrame(rows)
    counts = profiles["main_job"].replace("", pd.NA).value_counts()
    recurring = set(counts[counts >= min_customers].index)
    profiles["jtbd_segment"] = [
        job if job in recurring else (NO_MAIN_JOB if job == "" else OTHER)
        for job in profiles["main_job"]
    ]
    return profiles
