"""JTBD profiles per customer and JTBD segments around recurring main jobs.

A customer's **main job** is the discovered cluster that most of their ``main_job``-coded
utterances fall in (ties: the higher mean confidence); their **triggers** and **barriers** are
the clusters of their ``trigger``/``barrier``-coded utterances. Customers whose main job is the
same cluster form a **JTBD segment** when at least ``min_customers`` share it (the source method:
segments form around recurring main jobs and contexts); the rest are ``other``, and customers
with no main-job utterance are ``no main job``.
"""

from __future__ import annotations

import pandas as pd

OTHER = "other"
NO_MAIN_JOB = "no main job"


def _cluster_name(cluster_id: object, label: object) -> str:
    return f"#{int(cluster_id)} {label}" if pd.notna(label) else f"#{int(cluster_id)}"


def jtbd_profiles(evidence: pd.DataFrame, min_customers: int = 2) -> pd.DataFrame:
    """One row per customer: ``customer_id, main_job, main_job_cluster, triggers, barriers,
    main_job_quotes, trigger_quotes, barrier_quotes, jtbd_segment``."""
    have = evidence.dropna(subset=["cluster_id", "category"])
    have = have[have["cluster_id"] >= 0]
    if "cluster_label" not in have.columns:
        have = have.assign(cluster_label=pd.NA)
    rows = []
    for customer, group in evidence.groupby("customer_id", sort=True):
        coded = have[have["customer_id"] == customer]
        row: dict[str, object] = {"customer_id": customer}
        jobs = coded[coded["category"] == "main_job"]
        if len(jobs):
            stats = jobs.groupby("cluster_id").agg(
                n=("utterance_id", "size"), conf=("category_confidence", "mean")
            )
            best = stats.sort_values(["n", "conf"], ascending=False).index[0]
            label = jobs.loc[jobs["cluster_id"] == best, "cluster_label"].iloc[0]
            row["main_job_cluster"] = int(best)
            row["main_job"] = _cluster_name(best, label)
            row["main_job_quotes"] = " ".join(
                jobs[jobs["cluster_id"] == best]
                .sort_values("category_confidence", ascending=False)["utterance_id"]
                .head(3)
            )
        else:
            row["main_job_cluster"] = pd.NA
            row["main_job"] = ""
            row["main_job_quotes"] = ""
        for category in ("trigger", "barrier"):
            part = coded[coded["category"] == category]
            names = [
                _cluster_name(c, lab)
                for c, lab in part.drop_duplicates("cluster_id")[
                    ["cluster_id", "cluster_label"]
                ].itertuples(index=False)
            ]
            row[f"{category}s"] = "; ".join(names)
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
