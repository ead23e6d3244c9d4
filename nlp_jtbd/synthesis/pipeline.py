"""The synthesis entry point on tables: utterances and their codes in, candidates out."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from nlp_jtbd.errors import InputError
from nlp_jtbd.synthesis.estimator import Synthesis
from nlp_jtbd.synthesis.naming import Namer

_UTTERANCE_COLUMNS = ("utterance_id", "text", "lang", "customer_id", "doc_id")


@dataclass
class SynthesisResult:
    """``candidates`` (candidates.csv), ``candidate_of`` (utterance id → candidate id of its
    JTBD code, '' where none) and ``coverage`` (per category: coded, without content, in
    candidates, in no candidate)."""

    candidates: pd.DataFrame
    candidate_of: pd.Series
    forces_of: pd.Series | None = None  # the same for the Four Forces codes, where given
    coverage: dict[str, dict[str, int]] = field(default_factory=dict)
    cuts: dict[str, float | None] = field(default_factory=dict)  # grouping cut per category
    models: list[str] = field(default_factory=list)  # the embedding models grouped on


def coded_evidence(
    utterances: pd.DataFrame, codes: pd.DataFrame, *, codebook: str = "jtbd5"
) -> pd.DataFrame:
    """One row per coded utterance: its text, language, customer and document, with the code
    as ``category`` (and ``coder`` where the codes have it)."""
    if "utterance_id" not in codes.columns or "label" not in codes.columns:
        raise InputError(
            "the codes have no 'utterance_id' and 'label' columns",
            fix="give the predictions the coding wrote (predictions.csv)",
        )
    keep = [c for c in _UTTERANCE_COLUMNS if c in utterances.columns]
    part = codes[["utterance_id", "label", *(["coder"] if "coder" in codes else [])]]
    part = part.astype({"utterance_id": str}).drop_duplicates("utterance_id")
    frame = part.merge(
        utterances[keep].astype({"utterance_id": str}).drop_duplicates("utterance_id"),
        on="utterance_id",
        how="inner",
    )
    frame = frame.rename(columns={"label": "category"})
    frame["codebook"] = codebook
    return frame


def synthesize(
    utterances: pd.DataFrame,
    predictions: pd.DataFrame,
    *,
    forces: pd.DataFrame | None = None,
    vectors: np.ndarray | None = None,
    max_candidates: int | None = None,
    namer: Namer | None = None,
    model: str = "use",
    cache_dir: str | Path | None = None,
    scheduler: str | None = None,
    random_state: int | None = 0,
) -> SynthesisResult:
    """Candidates from ``predictions`` (jtbd5 codes) and, where given, ``forces`` (forces4
    codes) of ``utterances``. ``vectors``: embeddings of the evidence rows (tests and
    benchmarks); otherwise the texts are embedded with ``model`` through the cache."""
    parts = [coded_evidence(utterances, predictions)]
    if forces is not None and not forces.empty:
        parts.append(coded_evidence(utterances, forces, codebook="forces4"))
    evidence = pd.concat(parts, ignore_index=True)
    estimator = Synthesis(
        max_candidates=max_candidates,
        namer=namer,
        model=model,
        cache_dir=cache_dir,
        scheduler=scheduler,
        random_state=random_state,
    ).fit(evidence, vectors)
    codebook = evidence["codebook"].to_numpy()
    of = {
        book: estimator.assignments_[codebook == book]
        .drop_duplicates("utterance_id")
        .set_index("utterance_id")["candidate_id"]
        for book in ("jtbd5", "forces4")
    }
    return SynthesisResult(
        estimator.candidates_,
        of["jtbd5"],
        of["forces4"] if len(parts) > 1 else None,
        estimator.coverage_,
        dict(estimator.thresholds_),
        list(estimator.models_),
    )


__all__ = ["SynthesisResult", "coded_evidence", "synthesize"]
