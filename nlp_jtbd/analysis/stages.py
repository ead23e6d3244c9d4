"""Each stage run into an analysis folder: the stage's library entry point, then its tables
written by :class:`AnalysisFolder`. ``run_analysis`` chains them; the single-stage commands
call them one at a time."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from nlp_jtbd.analysis.folder import AnalysisFolder
from nlp_jtbd.analysis.settings import AnalysisSettings

if TYPE_CHECKING:
    from nlp_jtbd.classify import UtteranceClassifier
    from nlp_jtbd.cross import Crossing
    from nlp_jtbd.discover import Discovery
    from nlp_jtbd.llm import LLMCoder
    from nlp_jtbd.segment.segmentation import Segmentation
    from nlp_jtbd.synthesis import Namer, SynthesisResult

EmbeddingProgress = Callable[[int, int], None]


def discover_into(
    folder: AnalysisFolder,
    utterances: pd.DataFrame,
    settings: AnalysisSettings,
    *,
    source: str,
    scheduler: str | None = None,
    cache_dir: str | Path | None = None,
    progress: EmbeddingProgress | None = None,
) -> tuple[Discovery, dict[str, object]]:
    """Cluster the evidence among ``utterances`` (read from ``source``); write clusters,
    quotes, assignments, the map, the model and summary.json. Returns the fitted model and
    the summary."""
    from nlp_jtbd.discover.outputs import discovery_summary, discovery_tables, select_evidence
    from nlp_jtbd.discover.pipeline import Discovery

    table = select_evidence(utterances, settings.include_interviewer)
    langs = table["lang"].fillna("und").astype(str) if "lang" in table.columns else None
    model = Discovery(
        settings.model,
        min_cluster_size=settings.min_cluster_size,
        max_clusters=settings.max_clusters,
        merge_threshold=settings.merge_threshold,
        random_state=settings.seed,
        cache_dir=cache_dir,
        fit_sample=settings.fit_sample or None,
        scheduler=scheduler,
    )
    model.fit(table["text"].tolist(), langs, progress=progress)
    folder.create()
    for name, frame in discovery_tables(model, table).items():
        folder.write(name, frame)
    model.save(folder.model_dir)
    record = {"input": source, **settings.discovery_record(model.merge_threshold_)}
    summary = discovery_summary(model, record)
    folder.write_json("summary", summary)
    return model, summary


def classify_into(
    folder: AnalysisFolder,
    utterances: pd.DataFrame,
    settings: AnalysisSettings,
    *,
    classifier: UtteranceClassifier | None = None,
    llm: LLMCoder | None = None,
    scheduler: str | None = None,
    cache_dir: str | Path | None = None,
    progress: EmbeddingProgress | None = None,
) -> pd.DataFrame:
    """Code the evidence with ``classifier`` (default: ``settings.classifier`` loaded), and
    with the language model ``llm`` where given (its audit goes to summary.json); write
    predictions.csv."""
    from nlp_jtbd.analysis.evidence import readable_predictions
    from nlp_jtbd.classify import load_classifier
    from nlp_jtbd.classify.predict import code_utterances

    if classifier is None:
        classifier = load_classifier(settings.classifier, cache_dir=cache_dir, scheduler=scheduler)
    predictions = code_utterances(
        utterances,
        classifier,
        include_interviewer=settings.include_interviewer,
        progress=progress,
        llm=llm,
    )
    if "llm" in predictions.attrs:
        summary = folder.read_json("summary") or {}
        summary["language_model"] = predictions.attrs["llm"]
        folder.write_json("summary", summary)
    predictions = readable_predictions(predictions, utterances)
    folder.write("predictions", predictions)
    return predictions


def synthesize_into(
    folder: AnalysisFolder,
    utterances: pd.DataFrame,
    settings: AnalysisSettings,
    *,
    namer: Namer | None = None,
    scheduler: str | None = None,
    cache_dir: str | Path | None = None,
) -> SynthesisResult:
    """Group the folder's coded utterances into named candidates (``namer``: default the
    extractive one); write candidates.csv, the ``candidate_id`` of predictions.csv (and of
    forces.csv where the Four Forces were coded) and the synthesis part of summary.json."""
    import time

    from nlp_jtbd.synthesis import synthesize

    started = time.perf_counter()
    predictions = folder.read("predictions", optional=False)
    forces = folder.read("forces")
    result = synthesize(
        utterances,
        predictions,
        forces=forces,
        max_candidates=settings.max_candidates,
        namer=namer,
        scheduler=scheduler,
        model=settings.model,
        cache_dir=cache_dir,
        random_state=settings.seed,
    )
    folder.write("candidates", result.candidates)
    folder.write("predictions", _with_candidates(predictions, result.candidate_of))
    if forces is not None and result.forces_of is not None:
        folder.write("forces", _with_candidates(forces, result.forces_of))
    summary = folder.read_json("summary") or {}
    summary["synthesis"] = {
        **settings.synthesis_record(),
        "namer": type(namer).__name__ if namer is not None else "ExtractiveNamer",
        "named_by": result.candidates["named_by"].value_counts().to_dict()
        if "named_by" in result.candidates
        else {},
        **({"naming": namer.audit_.record()} if hasattr(namer, "audit_") else {}),
        "candidates": len(result.candidates),
        "embeddings": result.models,
        "categories": result.coverage,
        "cuts": {
            category: None if cut is None else round(float(cut), 2)
            for category, cut in result.cuts.items()
        },
        "seconds": round(time.perf_counter() - started, 2),
    }
    folder.write_json("summary", summary)
    return result


def _with_candidates(codes: pd.DataFrame, candidate_of: pd.Series) -> pd.DataFrame:
    """``codes`` with ``candidate_id`` right after ``label`` ('' where none)."""
    codes = codes.drop(columns="candidate_id", errors="ignore")
    values = codes["utterance_id"].astype(str).map(candidate_of).fillna("")
    at = list(codes.columns).index("label") + 1
    codes.insert(at, "candidate_id", values.to_numpy())
    return codes


def segment_into(folder: AnalysisFolder, metrics: Path, settings: AnalysisSettings) -> Segmentation:
    """ABCDX-segment the customers of the ``metrics`` table; write segments.csv,
    segments_profiles.csv and segments_rules.json."""
    from nlp_jtbd.segment.segmentation import segment_customers
    from nlp_jtbd.tables import read_table

    result = segment_customers(
        read_table(metrics),
        settings.weights,
        id_col=settings.id_col,
        growth_col=settings.growth_col,
        n_clusters=settings.segments,
        random_state=settings.seed,
        min_share=settings.min_share,
        source=str(metrics),
    )
    folder.write("segments", result.customers)
    folder.write("segments_profiles", result.profiles)
    folder.write_json("segments_rules", result.rules)
    return result


def cross_into(
    folder: AnalysisFolder, utterances: pd.DataFrame, settings: AnalysisSettings
) -> Crossing:
    """Cross the folder's segments with its clusters and codes; write the cross tables,
    findings.csv and jtbd_profiles.csv."""
    from nlp_jtbd.cross import cross_analysis

    result = cross_analysis(
        folder.read("segments", optional=False),
        utterances,
        assignments=folder.read("assignments"),
        clusters=folder.read("clusters"),
        codes=folder.read("predictions"),
        candidates=folder.read("candidates"),
        q_max=settings.q_max,
        source=str(folder.path("segments")),
    )
    write_crossing(folder, result)
    return result


def write_crossing(folder: AnalysisFolder, result: Crossing) -> None:
    """The crossing's tables into ``folder`` (also for `cross` run on its own)."""
    from nlp_jtbd.analysis.folder import CROSS_DIMENSIONS

    folder.create()
    for dimension in CROSS_DIMENSIONS:  # a table of an earlier run that this one lacks goes
        if dimension not in result.tables:
            folder.path(f"cross_{dimension}").unlink(missing_ok=True)
    for dimension, table in result.tables.items():
        folder.write(f"cross_{dimension}", table)
    folder.write("findings", result.findings)
    if result.profiles is not None:
        folder.write("jtbd_profiles", result.profiles)


__all__ = [
    "classify_into",
    "cross_into",
    "discover_into",
    "segment_into",
    "synthesize_into",
    "write_crossing",
]
