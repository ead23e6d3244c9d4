"""Segments × (discovered clusters, coded categories, JTBD segments): tables and findings."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from nlp_jtbd.cross.stats import cross_table
from nlp_jtbd.errors import InputError, UsageError

FINDING_COLUMNS = [
    "segment", "dimension", "item", "direction", "count", "segment_size", "share", "lift",
    "p_value", "q_value", "quote_ids", "quotes", "statement",
]  # fmt: skip


@dataclass
class Crossing:
    """``tables[dimension]``: every segment × item cell; ``findings``: the ranked strong ones."""

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    findings: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=FINDING_COLUMNS))
    customers: int = 0
    profiles: pd.DataFrame | None = None  # customer → JTBD segment, when clusters and codes


def _cluster_items(evidence: pd.DataFrame) -> pd.Series:
    label = evidence.get("cluster_label", pd.Series(pd.NA, index=evidence.index))
    return pd.Series(
        [
            f"#{int(c)} {lab}" if pd.notna(lab) else f"#{int(c)}"
            for c, lab in zip(evidence["cluster_id"], label, strict=True)
        ],
        index=evidence.index,
    )


def cross_segments(
    evidence: pd.DataFrame,
    segments: pd.Series,
    profiles: pd.DataFrame | None = None,
    *,
    q_max: float = 0.05,
    min_count: int = 2,
    quotes: int = 3,
) -> Crossing:
    """Cross customer ``segments`` (customer id → name) with what the customers said."""
    segments = segments.dropna().astype(str)
    segments.index = segments.index.astype(str)
    spoken = set(evidence["customer_id"])
    segments = segments[segments.index.isin(spoken)]
    if segments.empty:
        raise InputError(
            "no customer with a segment has any respondent utterance",
            fix="check that the segment file's customer ids match the utterances' customer_id",
        )
    evidence = evidence[evidence["customer_id"].isin(segments.index)].copy()
    mentions: dict[str, pd.DataFrame] = {}
    if "cluster_id" in evidence.columns:
        placed = evidence[evidence["cluster_id"].fillna(-1) >= 0].copy()
        placed["item"] = _cluster_items(placed)
        mentions["cluster"] = placed
    if "category" in evidence.columns:
        coded = evidence[evidence["category"].notna() & (evidence["category"] != "none")].copy()
        coded["item"] = coded["category"]
        mentions["category"] = coded
    if profiles is not None and "jtbd_segment" in profiles.columns:
        joined = evidence.merge(
            profiles[["customer_id", "jtbd_segment"]], on="customer_id", how="inner"
        )
        joined["item"] = joined["jtbd_segment"]
        mentions["jtbd_segment"] = joined
    result = Crossing(customers=len(segments))
    for dimension, rows in mentions.items():
        result.tables[dimension] = cross_table(segments, rows[["customer_id", "item"]], dimension)
    result.findings = _findings(result.tables, mentions, segments, q_max, min_count, quotes)
    return result


def _direction(dimension: str, item: str, rows: pd.DataFrame) -> str:
    if dimension == "category":
        return "held back by" if item == "barrier" else "driven by"
    if "category" in rows.columns:
        categories = rows.loc[rows["item"] == item, "category"].dropna()
        categories = categories[categories != "none"]
        if len(categories) and categories.value_counts().index[0] == "barrier":
            return "held back by"
    return "driven by"


def _quotes(rows: pd.DataFrame, members: set[str], item: str, n: int) -> pd.DataFrame:
    hits = rows[(rows["item"] == item) & rows["customer_id"].isin(members)].copy()
    confidence = [c for c in ("category_confidence", "cluster_confidence") if c in hits.columns]
    hits["_conf"] = hits[confidence].mean(axis=1) if confidence else 0.0
    hits = hits.sort_values("_conf", ascending=False)
    first = hits.drop_duplicates("customer_id")  # different customers first
    return pd.concat([first, hits.drop(first.index)]).head(n)


def _findings(
    tables: dict[str, pd.DataFrame],
    mentions: dict[str, pd.DataFrame],
    segments: pd.Series,
    q_max: float,
    min_count: int,
    n_quotes: int,
) -> pd.DataFrame:
    rows = []
    for dimension, table in tables.items():
        if table.empty:
            continue
        strong = table[
            (table["q_value"] < q_max) & (table["lift"] > 1) & (table["count"] >= min_count)
        ]
        for cell in strong.itertuples(index=False):
            members = set(segments.index[segments == cell.segment])
            picked = _quotes(mentions[dimension], members, cell.item, n_quotes)
            direction = _direction(dimension, cell.item, mentions[dimension])
            rows.append(
                {
                    "segment": cell.segment,
                    "dimension": dimension,
                    "item": cell.item,
                    "direction": direction,
                    "count": cell.count,
                    "segment_size": cell.segment_size,
                    "share": round(cell.row_share, 4),
                    "lift": round(cell.lift, 3),
                    "p_value": cell.p_value,
                    "q_value": cell.q_value,
                    "quote_ids": " ".join(picked["utterance_id"]),
                    "quotes": " | ".join(picked["text"].str.slice(0, 200))
                    if "text" in picked
                    else "",
                    "statement": (
                        f"Segment {cell.segment} is {direction} {dimension.replace('_', ' ')} "
                        f"'{cell.item}': {cell.count} of {cell.segment_size} customers "
                        f"({cell.row_share:.0%}), {cell.lift:.1f}× the overall rate "
                        f"(q = {cell.q_value:.2g})"
                    ),
                }
            )
    findings = pd.DataFrame(rows, columns=FINDING_COLUMNS)
    return findings.sort_values(["q_value", "lift"], ascending=[True, False]).reset_index(drop=True)


def cross_analysis(
    segments: pd.DataFrame,
    utterances: pd.DataFrame,
    *,
    assignments: pd.DataFrame | None = None,
    clusters: pd.DataFrame | None = None,
    codes: pd.DataFrame | None = None,
    segment_col: str = "segment",
    id_col: str = "customer_id",
    q_max: float = 0.05,
    source: str = "the segments",
) -> Crossing:
    """The crossing of a segments table (``id_col`` → ``segment_col``; ``source`` names it in
    errors) with the utterances, their clusters and their codes; ``profiles`` holds the
    customers' JTBD segments when both clusters and codes are given."""
    from nlp_jtbd.cross.evidence import join_evidence
    from nlp_jtbd.cross.jtbd_segments import jtbd_profiles

    for column in (id_col, segment_col):
        if column not in segments.columns:
            raise InputError(
                f"{source} has no column '{column}'",
                where="header",
                fix="name the columns with `id_col` and `segment_col`; columns are: "
                + ", ".join(map(str, segments.columns)),
            )
    if assignments is None and codes is None:
        raise UsageError(
            "nothing to cross the segments with",
            fix="give `assignments` (from discovery) and/or `codes` (from coding)",
        )
    evidence = join_evidence(utterances, assignments, clusters, codes)
    by_customer = segments.assign(**{id_col: segments[id_col].astype(str).str.strip()})
    series = by_customer.set_index(id_col)[segment_col]
    profiles = None
    if "cluster_id" in evidence.columns and "category" in evidence.columns:
        profiles = jtbd_profiles(evidence)
    result = cross_segments(evidence, series, profiles, q_max=q_max)
    result.profiles = profiles
    return result
