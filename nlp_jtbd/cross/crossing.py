"""Segments × (candidates, coded categories, JTBD segments): tables and findings.

Where the codes carry candidates (the synthesis stage's ``candidate_id``), the crossing runs
over candidates and the discovered clusters stay the exploratory map; without them it runs
over clusters as before. Findings quote three different customers in distinct words, and no
quote is used by two findings while another quote of the cell is free. A JTBD segment is the
customers whose main job is one candidate job, so a segment × JTBD-segment cell whose segment ×
candidate cell is already a finding says the same thing again: it stays in the table but is not
listed as a second finding."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from nlp_jtbd.cross.stats import cross_table
from nlp_jtbd.errors import InputError, UsageError

FINDING_COLUMNS = [
    "segment", "dimension", "item", "item_name", "direction", "count", "segment_size", "share",
    "lift", "p_value", "q_value", "quote_ids", "quotes", "statement",
]  # fmt: skip


@dataclass
class Crossing:
    """``tables[dimension]``: every segment × item cell; ``findings``: the ranked strong ones."""

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    findings: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=FINDING_COLUMNS))
    customers: int = 0
    profiles: pd.DataFrame | None = None  # customer → JTBD segment, when clusters and codes
    names: dict[str, str] = field(default_factory=dict)  # item → readable name


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
    names: dict[str, str] | None = None,
) -> Crossing:
    """Cross customer ``segments`` (customer id → name) with what the customers said: over
    candidates where ``evidence`` has ``candidate_id`` (``names``: candidate id → name),
    else over discovered clusters; and over categories and JTBD segments (``profiles``)."""
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
    names = dict(names or {})
    if "candidate_id" in evidence.columns:
        placed = evidence[evidence["candidate_id"].fillna("").astype(str) != ""].copy()
        placed["item"] = placed["candidate_id"].astype(str)
        mentions["candidate"] = placed
    elif "cluster_id" in evidence.columns:
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
    result = Crossing(customers=len(segments), names=names)
    for dimension, rows in mentions.items():
        result.tables[dimension] = cross_table(segments, rows[["customer_id", "item"]], dimension)
    result.findings = _findings(result.tables, mentions, segments, q_max, min_count, quotes, names)
    return result


def _direction(dimension: str, item: str, rows: pd.DataFrame) -> str:
    if dimension == "candidate":
        return (
            "held back by" if item.startswith(("barrier-", "anxiety-", "habit-")) else "driven by"
        )
    if dimension == "category":
        return "held back by" if item == "barrier" else "driven by"
    if dimension == "jtbd_segment":  # customers grouped by their main job
        return "driven by"
    if "category" in rows.columns:
        categories = rows.loc[rows["item"] == item, "category"].dropna()
        categories = categories[categories != "none"]
        if len(categories) and categories.value_counts().index[0] == "barrier":
            return "held back by"
    return "driven by"


def _quotes(
    rows: pd.DataFrame, members: set[str], item: str, n: int, used: set[str]
) -> pd.DataFrame:
    """Up to ``n`` quotes of ``item`` by ``members``: different customers and different words
    first, quotes no earlier finding used first, statements of the item itself first (for a
    JTBD segment, its job), then the most confident."""
    hits = rows[(rows["item"] == item) & rows["customer_id"].isin(members)].copy()
    confidence = [c for c in ("category_confidence", "cluster_confidence") if c in hits.columns]
    hits["_conf"] = hits[confidence].mean(axis=1) if confidence else 0.0
    hits["_used"] = hits["utterance_id"].isin(used)
    # a JTBD segment's quotes are its customers' statements of the job itself
    own = hits["candidate_id"] if "candidate_id" in hits.columns else None
    hits["_other"] = own.astype(str) != str(item) if own is not None else False
    hits = hits.sort_values(
        ["_used", "_other", "_conf"], ascending=[True, True, False], kind="stable"
    )
    said = (
        hits["text"].astype(str).str.lower().str.split().str.join(" ") if "text" in hits else None
    )
    first = hits.drop_duplicates("customer_id")  # different customers first
    if said is not None:
        first = first[~said.loc[first.index].duplicated()]
    rest = hits.drop(first.index)
    return pd.concat([first, rest]).head(n)


def _findings(
    tables: dict[str, pd.DataFrame],
    mentions: dict[str, pd.DataFrame],
    segments: pd.Series,
    q_max: float,
    min_count: int,
    n_quotes: int,
    names: dict[str, str],
) -> pd.DataFrame:
    rows = []
    used: set[str] = set()
    said: set[tuple[str, str]] = set()  # (segment, candidate) cells already findings
    order = {d: i for i, d in enumerate(("candidate", "jtbd_segment", "category", "cluster"))}
    for dimension, table in sorted(tables.items(), key=lambda kv: order.get(kv[0], 9)):
        if table.empty:
            continue
        strong = table[
            (table["q_value"] < q_max) & (table["lift"] > 1) & (table["count"] >= min_count)
        ].sort_values(["q_value", "lift"], ascending=[True, False], kind="stable")
        for cell in strong.itertuples(index=False):
            key = (str(cell.segment), str(cell.item))
            if dimension == "jtbd_segment" and key in said:
                continue  # the same segment × job, already a finding over candidates
            if dimension == "candidate":
                said.add(key)
            members = set(segments.index[segments == cell.segment])
            picked = _quotes(mentions[dimension], members, cell.item, n_quotes, used)
            used.update(picked["utterance_id"])
            direction = _direction(dimension, cell.item, mentions[dimension])
            name = names.get(str(cell.item), "")
            what = (
                f"'{name}' ({cell.item})"
                if name
                else f"{dimension.replace('_', ' ')} '{cell.item}'"
            )
            if dimension == "jtbd_segment" and name:
                what = f"the JTBD segment whose main job is '{name}' ({cell.item})"
            rows.append(
                {
                    "segment": cell.segment,
                    "dimension": dimension,
                    "item": cell.item,
                    "item_name": name,
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
                        f"Segment {cell.segment} is {direction} {what}: "
                        f"{cell.count} of {cell.segment_size} customers "
                        f"({cell.row_share:.0%}), {cell.lift:.1f}× the overall rate "
                        f"(q = {cell.q_value:.2g})"
                    ),
                }
            )
    findings = pd.DataFrame(rows, columns=FINDING_COLUMNS)
    return findings.sort_values(
        ["q_value", "lift"], ascending=[True, False], kind="stable"
    ).reset_index(drop=True)


def cross_analysis(
    segments: pd.DataFrame,
    utterances: pd.DataFrame,
    *,
    assignments: pd.DataFrame | None = None,
    clusters: pd.DataFrame | None = None,
    codes: pd.DataFrame | None = None,
    candidates: pd.DataFrame | None = None,
    segment_col: str = "segment",
    id_col: str = "customer_id",
    q_max: float = 0.05,
    source: str = "the segments",
) -> Crossing:
    """The crossing of a segments table (``id_col`` → ``segment_col``; ``source`` names it in
    errors) with the utterances, their clusters and their codes (with ``candidate_id`` from the
    synthesis: over candidates, named by ``candidates``); ``profiles`` holds the customers'
    JTBD segments when candidates, or clusters and codes, are given."""
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
    names: dict[str, str] = {}
    if candidates is not None and {"candidate_id", "name"} <= set(candidates.columns):
        names = dict(
            zip(
                candidates["candidate_id"].astype(str),
                candidates["name"].astype(str),
                strict=True,
            )
        )
    if "candidate_id" in evidence.columns and not evidence["candidate_id"].fillna("").ne("").any():
        evidence = evidence.drop(columns="candidate_id")  # codes without candidates
    profiles = None
    if "category" in evidence.columns and (
        "candidate_id" in evidence.columns or "cluster_id" in evidence.columns
    ):
        profiles = jtbd_profiles(evidence, names=names)
    result = cross_segments(evidence, series, profiles, q_max=q_max, names=names)
    result.profiles = profiles
    return result
