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
    from nlp_jtbd.segment.segmentation import Segmentation

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
    scheduler: str | None = None,
    cache_dir: str | Path | None = None,
    progress: EmbeddingProgress | None = None,
) -> pd.DataFrame:
    """Code the evidence with ``classifier`` (default: ``settings.classifier`` loaded);
    write predictions.csv."""
    from nlp_jtbd.classify import load_classifier
    from nlp_jtbd.classify.predict import code_utterances

    if classifier is None:
        classifier = load_classifier(settings.classifier, cache_dir=cache_dir, scheduler=scheduler)
    predictions = code_utterances(
        utterances,
        classifier,
        include_interviewer=settings.include_interviewer,
        progress=progress,
    )
    folder.write("predictions", predictions)
    return predictions


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
        q_max=settings.q_max,
        source=str(folder.path("segments")),
    )
    write_crossing(folder, result)
    return result


def write_crossing(folder: AnalysisFolder, result: Crossing) -> None:
    """The crossing's tables into ``folder`` (also for `cross` run on its own)."""
    folder.create()
    for dimension, table in result.tables.items():
        folder.write(f"cross_{dimension}", table)
    folder.write("findings", result.findings)
    if result.profiles is not None:
        folder.write("jtbd_profiles", result.profiles)


__all__ = ["classify_into", "cross_into", "discover_into", "segment_into", "write_crossing"]
