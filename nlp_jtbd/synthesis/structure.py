"""Job structure: for each candidate job, the other candidates of the customers who have it.

The seed method reads a job with its context: what triggered the search, what held the
customer back, the bigger job it serves and the steps inside it (and, with the Four Forces
codebook, its push, pull, anxiety and habit). Customers are the unit: a link counts the
customers who have both the job and the other candidate.
"""

from __future__ import annotations

import pandas as pd

JOB = "main_job"
# The column a category's links go in: jtbd5's categories in the plural, others by name.
LINK_COLUMNS = {
    "trigger": "triggers",
    "barrier": "barriers",
    "big_job": "big_jobs",
    "subtask": "subtasks",
}


def link_column(category: str) -> str:
    return LINK_COLUMNS.get(category, category)


def job_links(
    candidates: pd.DataFrame, members: pd.DataFrame, categories: list[str]
) -> pd.DataFrame:
    """``candidates`` with one column per other category in ``categories``: for main-job rows
    the linked candidates as ``id:customers;id:customers`` (most customers first), else empty.

    ``members``: ``candidate_id, category, customer`` (one row per member utterance)."""
    table = candidates.copy()
    others = [c for c in categories if c != JOB]
    for category in others:
        table[link_column(category)] = ""
    if table.empty or members.empty:
        return table
    owners = members.drop_duplicates(["candidate_id", "customer"])
    jobs = owners[owners["category"] == JOB]
    for category in others:
        column = link_column(category)
        linked = owners[owners["category"] == category]
        if linked.empty:
            continue
        pairs = jobs[["candidate_id", "customer"]].merge(
            linked[["candidate_id", "customer"]], on="customer", suffixes=("", "_other")
        )
        if pairs.empty:
            continue
        counts = (
            pairs.groupby(["candidate_id", "candidate_id_other"]).size().rename("n").reset_index()
        )
        counts["_order"] = counts["candidate_id_other"].map(_number)
        counts = counts.sort_values(["candidate_id", "n", "_order"], ascending=[True, False, True])
        counts["pair"] = counts["candidate_id_other"] + ":" + counts["n"].astype(str)
        joined = counts.groupby("candidate_id", sort=False)["pair"].agg(";".join)
        table[column] = table["candidate_id"].map(joined).fillna("")
    return table


def _number(candidate_id: str) -> int:
    tail = str(candidate_id).rsplit("-", 1)[-1]
    return int(tail) if tail.isdigit() else 0


def parse_links(value: object) -> list[tuple[str, int]]:
    """``"trigger-1:4;trigger-3:2"`` → ``[("trigger-1", 4), ("trigger-3", 2)]``."""
    if not isinstance(value, str) or not value.strip():
        return []
    pairs = []
    for part in value.split(";"):
        cid, _, count = part.rpartition(":")
        if cid and count.isdigit():
            pairs.append((cid, int(count)))
    return pairs


__all__ = ["JOB", "LINK_COLUMNS", "job_links", "link_column", "parse_links"]
