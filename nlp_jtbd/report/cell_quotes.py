"""The quotes behind a segment × item cell of the crossing."""

from __future__ import annotations

import pandas as pd

from nlp_jtbd.report.context import ReportContext, coded
from nlp_jtbd.report.format import cluster_id


class CellQuotes:
    """Utterances by segment and item (category, candidate or cluster), surest first."""

    def __init__(self, ctx: ReportContext) -> None:
        self.ctx = ctx
        self._cache: dict[str, pd.DataFrame | None] = {}

    def evidence(self, dimension: str) -> pd.DataFrame | None:
        """Utterances with their item, score and segment for DIMENSION (cached), surest first;
        None for a dimension without utterance-level evidence."""
        if dimension in self._cache:
            return self._cache[dimension]
        a = self.ctx.analysis
        frame = None
        if dimension == "category" and a.predictions is not None:
            codes = coded(a.predictions)
            frame = pd.DataFrame(
                {
                    "utterance_id": codes["utterance_id"],
                    "item": codes["label"].astype(str),
                    "score": codes["confidence"].fillna(0.0),
                }
            )
        elif (
            dimension == "candidate"
            and a.predictions is not None
            and "candidate_id" in a.predictions
        ):
            codes = coded(a.predictions)
            codes = codes[codes["candidate_id"].fillna("").astype(str) != ""]
            frame = pd.DataFrame(
                {
                    "utterance_id": codes["utterance_id"],
                    "item": codes["candidate_id"].astype(str),
                    "score": codes["confidence"].fillna(0.0),
                }
            )
        elif dimension == "cluster":
            assign = a.assignments
            score = assign.get("confidence", 0.0)
            frame = pd.DataFrame(
                {
                    "utterance_id": assign["utterance_id"],
                    "item": assign["cluster_id"].astype(int),
                    "score": pd.to_numeric(score, errors="coerce"),
                }
            )
        if frame is not None:
            customer = frame["utterance_id"].map(self.ctx.customer_of)
            frame = frame.assign(customer=customer, segment=customer.map(self.ctx.segment_of))
            frame = frame.dropna(subset=["segment"])
            frame = frame.sort_values("score", ascending=False, kind="stable")
        self._cache[dimension] = frame
        return frame

    def ids(self, dimension: str, item: str, segment: str, k: int) -> list[str]:
        """Utterance ids behind a segment × item cell: different customers first, surest first."""
        frame = self.evidence(dimension)
        key: object = item if dimension != "cluster" else cluster_id(item)
        if frame is None or key is None:
            return []
        hits = frame[(frame["item"] == key) & (frame["segment"] == segment)]
        first = hits.drop_duplicates("customer")
        return list(pd.concat([first, hits.drop(first.index)])["utterance_id"].head(k))


__all__ = ["CellQuotes"]
