"""What every section of the report reads: the analysis, its labels and quotes, and what the
sections leave behind (notes on omitted sections, data for the page's script)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from nlp_jtbd.analysis.folder import Analysis, AnalysisFolder
from nlp_jtbd.report.format import cluster_color
from nlp_jtbd.report.labels import Labels, Quotes


@dataclass
class ReportContext:
    """The loaded analysis plus what the sections share; build it with :meth:`of`."""

    analysis: Analysis
    quotes: Quotes
    clusters: pd.DataFrame  # largest first
    cluster_color: dict[int, str]
    cluster_label: dict[int, str]
    categories: Labels | None
    forces: Labels | None
    customer_of: dict[str, object]  # utterance id -> customer id
    segment_of: dict[str, str]  # customer id -> ABCDX segment
    candidate_name: dict[str, str] = field(default_factory=dict)  # candidate id -> name
    omitted: list[tuple[str, str]] = field(default_factory=list)  # (section, why)
    data: dict[str, object] = field(default_factory=dict)  # embedded JSON for the script

    @classmethod
    def of(cls, analysis: Analysis) -> ReportContext:
        clusters = analysis.clusters.sort_values(["size", "cluster_id"], ascending=[False, True])
        clusters = clusters.reset_index(drop=True)
        utterances = analysis.utterances
        customers = utterances.get("customer_id")
        segment_of: dict[str, str] = {}
        if analysis.segments is not None:
            seg = analysis.segments.dropna(subset=["customer_id"])
            segment_of = dict(
                zip(seg["customer_id"].str.strip(), seg["segment"].astype(str), strict=True)
            )
        return cls(
            analysis=analysis,
            quotes=Quotes(utterances),
            clusters=clusters,
            cluster_color={
                int(cid): cluster_color(rank) for rank, cid in enumerate(clusters["cluster_id"])
            },
            cluster_label={int(row.cluster_id): str(row.label) for row in clusters.itertuples()},
            categories=Labels.of("jtbd5", analysis.predictions),
            forces=Labels.of("forces4", analysis.forces),
            customer_of=(
                dict(zip(utterances["utterance_id"], customers, strict=True))
                if customers is not None
                else {}
            ),
            segment_of=segment_of,
            candidate_name=(
                dict(
                    zip(
                        analysis.candidates["candidate_id"].astype(str),
                        analysis.candidates["name"].astype(str),
                        strict=True,
                    )
                )
                if analysis.candidates is not None
                else {}
            ),
        )

    @property
    def folder(self) -> AnalysisFolder:
        """The analysis folder, for the names of its files in text shown to people."""
        return AnalysisFolder(self.analysis.root)

    def file_name(self, name: str) -> str:
        """The file name of table or document NAME (e.g. ``predictions``)."""
        return self.folder.path(name).name

    def omit(self, section: str, why: str) -> str:
        """Note that SECTION is left out, and why (shown in the overview); returns ''."""
        self.omitted.append((section, why))
        return ""


def coded(codes: pd.DataFrame) -> pd.DataFrame:
    """Coded utterances (predictions or forces), one row per id, ``confidence`` numeric, and
    ``quote_rank`` for choosing quotes (:func:`quote_rank`)."""
    frame = codes.drop_duplicates("utterance_id").copy()
    if "confidence" not in frame:
        frame["confidence"] = np.nan
    frame["confidence"] = pd.to_numeric(frame["confidence"], errors="coerce")
    frame["quote_rank"] = quote_rank(frame["confidence"], frame.get("coder"), frame.get("unsure"))
    return frame


def quote_rank(
    confidence: pd.Series, coder: pd.Series | None, unsure: pd.Series | None = None
) -> pd.Series:
    """How good a quote a code makes: the model's confidence; codes the model is unsure of come
    after the sure ones, and codes a rule decided (a bare fragment coded ``none`` with
    certainty) after every code the model made."""
    rank = confidence.copy()
    if unsure is not None:
        doubtful = unsure.astype(str).str.lower().isin(("true", "1"))
        rank = rank.where(~doubtful, rank - 1.0)
    if coder is not None:
        by_rule = coder.fillna("").astype(str).str.startswith("rule:")
        rank = rank.where(~by_rule, -2.0)
    return rank


__all__ = ["ReportContext", "coded", "quote_rank"]
