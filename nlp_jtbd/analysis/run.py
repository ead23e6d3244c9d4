"""The end-to-end analysis: ingest → discover → classify → synthesize (→ segment → cross) →
report.

``run_analysis`` is the only place that chains the stages; `jtbd analyze` and the API's
analysis jobs both call it and only translate its arguments and results.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from nlp_jtbd.analysis.folder import AnalysisFolder
from nlp_jtbd.analysis.settings import AnalysisSettings
from nlp_jtbd.errors import InputError, Problem
from nlp_jtbd.memory import peak_rss_mb

if TYPE_CHECKING:
    from nlp_jtbd.cross import Crossing
    from nlp_jtbd.ingest import IngestReport
    from nlp_jtbd.llm import LLMCoder


@dataclass(frozen=True)
class AnalysisInputs:
    """What an analysis reads: transcript and review files or folders (``paths``) with their
    per-file metadata (``meta``: a CSV with a ``path`` column) and a speakers table with
    corrected roles (``speakers``: the speakers.csv an earlier ingest or analysis wrote), or an
    already ingested ``utterances`` table instead; and optionally customer ``metrics`` for
    segments."""

    paths: tuple[Path, ...] = ()
    meta: Path | None = None
    metrics: Path | None = None
    utterances: Path | None = None
    speakers: Path | None = None

    def __post_init__(self) -> None:
        # Accept strings and any sequence of paths; hold Paths.
        object.__setattr__(self, "paths", tuple(Path(p) for p in self.paths))
        for name in ("meta", "metrics", "utterances", "speakers"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, Path(value))
        if not self.paths and self.utterances is None:
            raise InputError(
                "the analysis has no inputs",
                fix="give transcript or review files or folders (`paths`), or an ingested "
                "`utterances` table",
            )
        if self.speakers is not None and not self.paths:
            raise InputError(
                "a speakers table (`speakers`) sets roles while transcripts are read, and this "
                "analysis reads an ingested `utterances` table",
                fix="give the transcripts (`paths`) with `speakers`, or leave `speakers` out",
            )


class Progress:
    """What a running analysis reports; override what you show (the default shows nothing)."""

    def started(self, stage: str, index: int, total: int) -> None:
        """Stage ``stage`` (the ``index``-th of ``total``, from 0) begins."""

    def finished(self, stage: str, seconds: float) -> None:
        """Stage ``stage`` ended after ``seconds``."""

    def problems(self, problems: list[Problem]) -> None:
        """Files or rows that could not be read (the analysis goes on without them)."""


@dataclass
class AnalysisResult:
    """The folder written, its summary, and what the caller may want to show."""

    folder: AnalysisFolder
    summary: dict[str, object]
    ingest: IngestReport | None = None
    crossing: Crossing | None = None
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def report(self) -> Path:
        return self.folder.report_path


def stages_of(inputs: AnalysisInputs) -> tuple[str, ...]:
    """The stages an analysis of ``inputs`` runs, in order."""
    first = ("ingest",) if inputs.utterances is None else ()
    segments = ("abcdx", "cross") if inputs.metrics is not None else ()
    return (*first, "discover", "classify", "synthesize", *segments, "report")


def run_analysis(
    inputs: AnalysisInputs,
    settings: AnalysisSettings | None = None,
    folder: AnalysisFolder | str | Path = "analysis",
    progress: Progress | None = None,
    *,
    scheduler: str | None = None,
    cache_dir: str | Path | None = None,
    llm: LLMCoder | None = None,
) -> AnalysisResult:
    """Run every stage on ``inputs`` into ``folder`` and write its summary.json.

    ``scheduler`` (a Dask address) reads files and embeds on a cluster; ``cache_dir`` holds
    the embedding cache; ``llm`` is a language-model coder asked about the unsure codes (see
    :func:`nlp_jtbd.llm.second_opinion`), whose server and model also name the candidates
    (:class:`nlp_jtbd.llm.LLMNamer`, falling back to the extractive name). Raises
    :class:`~nlp_jtbd.errors.JTBDError` for bad inputs.
    """
    from nlp_jtbd.analysis.stages import (
        classify_into,
        cross_into,
        discover_into,
        segment_into,
        synthesize_into,
    )
    from nlp_jtbd.report import write_report

    settings = settings or AnalysisSettings()
    folder = (folder if isinstance(folder, AnalysisFolder) else AnalysisFolder(folder)).create()
    progress = progress or Progress()
    stages = stages_of(inputs)
    result = AnalysisResult(folder, {})
    peak_mb: dict[str, float] = {}
    started = 0.0

    def begin(stage: str) -> None:
        nonlocal started
        progress.started(stage, stages.index(stage), len(stages))
        started = time.perf_counter()

    def end(stage: str) -> None:
        result.seconds[stage] = round(time.perf_counter() - started, 2)
        # The process's peak so far: a stage that raises it is the one that needs the memory.
        peak_mb[stage] = peak_rss_mb()
        progress.finished(stage, result.seconds[stage])

    source = inputs.utterances
    if source is None:
        begin("ingest")
        source = folder.path("utterances")
        result.ingest = _ingest(inputs, settings, source, scheduler, folder.path("speakers"))
        progress.problems(result.ingest.problems)
        if result.ingest.utterances == 0:
            raise InputError(
                "no utterances were read from the inputs; nothing was written",
                fix="see the problems reported for each file",
            )
        end("ingest")
    from nlp_jtbd.tables import read_utterances

    utterances = read_utterances(source)
    begin("discover")
    discover_into(
        folder,
        utterances,
        settings,
        source=str(source),
        scheduler=scheduler,
        cache_dir=cache_dir,
    )
    end("discover")
    begin("classify")
    classify_into(folder, utterances, settings, llm=llm, scheduler=scheduler, cache_dir=cache_dir)
    end("classify")
    begin("synthesize")
    namer = None
    if llm is not None:  # the same server and model phrase the candidates' names
        from nlp_jtbd.llm import LLMNamer

        namer = LLMNamer.from_coder(llm)
    synthesize_into(
        folder, utterances, settings, namer=namer, scheduler=scheduler, cache_dir=cache_dir
    )
    end("synthesize")
    if inputs.metrics is not None:
        begin("abcdx")
        segment_into(folder, inputs.metrics, settings)
        end("abcdx")
        begin("cross")
        result.crossing = cross_into(folder, utterances, settings)
        end("cross")
    begin("report")
    write_report(folder.root)
    end("report")
    summary = folder.read_json("summary") or {}
    summary["analyze"] = {
        "inputs": [str(p) for p in inputs.paths] or [str(inputs.utterances)],
        "metrics": str(inputs.metrics) if inputs.metrics else None,
        "seconds": result.seconds,
        "peak_rss_mb_after": peak_mb,
        "files": folder.files(),
    }
    folder.write_json("summary", summary)
    result.summary = summary
    return result


def _ingest(
    inputs: AnalysisInputs,
    settings: AnalysisSettings,
    out: Path,
    scheduler: str | None,
    speakers_out: Path,
) -> IngestReport:
    from nlp_jtbd.ingest import IngestOptions, ingest_to_file

    options = IngestOptions(
        meta=inputs.meta,
        interviewers=tuple(settings.interviewers),
        respondents=tuple(settings.respondents),
        speakers=inputs.speakers,
    )
    return ingest_to_file(
        list(inputs.paths), out, options, scheduler=scheduler, speakers_out=speakers_out
    )


__all__ = ["AnalysisInputs", "AnalysisResult", "Progress", "run_analysis", "stages_of"]
