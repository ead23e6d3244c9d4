"""Analyses and trainings run as background jobs recorded in the database.

A worker pool runs them. An analysis writes the project's uploads, as uploaded, into a
temporary folder and calls :func:`nlp_jtbd.analysis.run_analysis` on them, exactly as
`jtbd analyze` would; its progress object records ``stage``, ``progress`` and ``timings``, and
the folder's tables, summary and report are stored as the results. At start-up, jobs left
``running`` by a crash or restart are queued again (their inputs are all in the database) and
fail with the reason after ``MAX_ATTEMPTS`` interruptions.
"""

from __future__ import annotations

import logging
import re
import tempfile
import traceback
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from api import crud
from api.db import now
from api.storage import MANIFEST, local_names, records, renamed, write_manifest
from api.trained import is_stored_model, materialise, project_cache, train_job
from nlp_jtbd.analysis import AnalysisFolder, AnalysisInputs, AnalysisSettings, Progress
from nlp_jtbd.analysis.folder import TABLES
from nlp_jtbd.classify.store import MODELS
from nlp_jtbd.errors import JTBDError, Problem, UsageError
from nlp_jtbd.llm import LLMCoder

MAX_ATTEMPTS = 3
log = logging.getLogger("nlp_jtbd.api.jobs")
# The tables an analysis stores: every table of the analysis folder but the utterances
# (the project's utterances are stored at upload). Documents are stored next to them, each
# as a one-item list: the summary (summary.json) and the report (report.html).
RESULT_TABLES = tuple(name for name in TABLES if name != "utterances")
SUMMARY, REPORT = "summary", "report"


class JobRunner:
    """Thread pool over queued jobs."""

    def __init__(
        self,
        sessions: sessionmaker,
        data_dir: Path,
        workers: int = 1,
        cache_max_vectors: int | None = None,
        llm: LLMCoder | None = None,
    ) -> None:
        self.sessions = sessions
        self.data_dir = data_dir
        self.cache_max_vectors = cache_max_vectors
        self.llm = llm  # the server's language model, asked about every analysis's unsure codes
        self.pool = ThreadPoolExecutor(workers, thread_name_prefix="jtbd-job")

    def recover(self) -> None:
        """Requeue interrupted jobs (or fail them after too many tries); resubmit the queue."""
        with self.sessions() as session:
            queued = crud.requeue_interrupted(session, MAX_ATTEMPTS)
        for job_id in queued:
            self.submit(job_id)

    def submit(self, job_id: str) -> None:
        self.pool.submit(self._run, job_id)

    def shutdown(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)

    # -- one job ----------------------------------------------------------------------------
    def update(self, job_id: str, **fields: object) -> None:
        with self.sessions() as session:
            crud.update_job(session, job_id, **fields)

    def _run(self, job_id: str) -> None:
        with self.sessions() as session:
            job = crud.claim_job(session, job_id)
            if job is None:
                return
            project_id, settings, kind = job.project_id, dict(job.settings or {}), job.kind
        try:
            if kind == "train":
                self.update(job_id, stage="train", progress=0.0)
                self._bound_cache(project_id)
                results, timings = {}, train_job(self.sessions, job_id, self.data_dir)
            else:
                results, timings = self._analyse(job_id, project_id, settings)
            with self.sessions() as session:
                crud.finish_job(session, job_id, results, timings)
        except JTBDError as exc:
            self.update(job_id, status="failed", error=no_paths(exc.message), finished=now())
        except Exception as exc:
            log.error("job %s failed:\n%s", job_id, traceback.format_exc())
            self.update(
                job_id,
                status="failed",
                finished=now(),
                error=f"internal error ({exc.__class__.__name__}); the server log has the "
                f"details of job {job_id}",
            )

    def _bound_cache(self, project_id: str) -> Path:
        """The project's embedding cache folder, with the service's size bound set."""
        from nlp_jtbd.embed import EmbeddingCache

        folder = project_cache(self.data_dir, project_id)
        EmbeddingCache(folder, max_vectors=self.cache_max_vectors).close()
        return folder

    def _analyse(
        self, job_id: str, project_id: str, stored: dict
    ) -> tuple[dict[str, list], dict[str, float]]:
        from nlp_jtbd.analysis import run_analysis

        settings = AnalysisSettings.model_validate(stored)
        cache = self._bound_cache(project_id)
        with tempfile.TemporaryDirectory(prefix="jtbd-analysis-") as tmp:
            root = Path(tmp)
            with self.sessions() as session:
                inputs = Inputs.materialise(session, project_id, root)
                if settings.classifier is not None:
                    model = (
                        materialise(session, settings.classifier, self.data_dir)
                        if is_stored_model(settings.classifier)
                        else MODELS / settings.classifier
                    )
                    inputs.names[str(model)] = settings.classifier
                    settings = settings.model_copy(update={"classifier": str(model)})
            try:
                result = run_analysis(
                    inputs.analysis_inputs(),
                    settings,
                    AnalysisFolder(root / "analysis"),
                    JobProgress(self, job_id),
                    cache_dir=cache,
                    llm=self.llm,
                )
            except JTBDError as exc:
                raise renamed(exc, inputs.names) from exc
            return inputs.results(result.folder), result.seconds


def is_string_or_object(column: object) -> bool:
    """Whether a column may hold text (object or any pandas string dtype)."""
    import pandas as pd

    return column.dtype == object or pd.api.types.is_string_dtype(column.dtype)


_ABSOLUTE_PATH = re.compile(r"(?<![\w.:/])/(?:[^\s'\"/:]+/)+([^\s'\"/:]+)")
# Figures about the server, not the data, and the address of the operator's language-model
# server (``language_model.url``): left out of what a caller reads.
_SERVER_KEYS = frozenset({"peak_rss_mb_after", "peak_rss_mb", "url"})


def no_paths(value: object) -> object:
    """``value`` (a string, or JSON of strings) with any absolute path on the server cut to
    its last part (a job error or a summary names files by the names users gave them)."""
    if isinstance(value, str):
        return _ABSOLUTE_PATH.sub(lambda m: m.group(1), value)
    if isinstance(value, dict):
        return {k: no_paths(v) for k, v in value.items()}
    if isinstance(value, list):
        return [no_paths(v) for v in value]
    return value


def server_free(summary: object) -> object:
    """A summary without the server's own figures (its memory)."""
    if isinstance(summary, dict):
        return {k: server_free(v) for k, v in summary.items() if k not in _SERVER_KEYS}
    if isinstance(summary, list):
        return [server_free(v) for v in summary]
    return summary


class JobProgress(Progress):
    """Records the running stage, the share of stages done and each stage's seconds."""

    def __init__(self, runner: JobRunner, job_id: str) -> None:
        self.runner, self.job_id = runner, job_id
        self.timings: dict[str, float] = {}

    def started(self, stage: str, index: int, total: int) -> None:
        self.runner.update(self.job_id, stage=stage, progress=round(index / total, 3))

    def finished(self, stage: str, seconds: float) -> None:
        self.timings[stage] = seconds
        self.runner.update(self.job_id, timings=dict(self.timings))

    def problems(self, problems: list[Problem]) -> None:
        for problem in problems:
            log.info("analysis %s: %s", self.job_id, problem.render())


@dataclass
class Inputs:
    """An analysis's inputs written from the database: each text document as uploaded, in
    upload order, under its own numbered folder (so its name and content, and so its
    document id, are those of the upload), its metadata in a manifest, and the latest
    metrics. ``names`` maps each written path to the name the user uploaded it as."""

    root: Path
    paths: list[Path] = field(default_factory=list)
    meta: Path | None = None
    metrics: Path | None = None
    names: dict[str, str] = field(default_factory=dict)

    @classmethod
    def materialise(cls, session: Session, project_id: str, root: Path) -> Inputs:
        inputs = cls(root)
        documents = crud.list_documents(session, project_id, kind="text")
        if not documents:
            raise UsageError(
                "the project has no documents", fix="upload transcripts or reviews first"
            )
        manifest = []
        for number, doc in enumerate(documents, start=1):
            path = root / "inputs" / f"{number:04d}" / doc.filename
            path.parent.mkdir(parents=True)
            path.write_bytes(doc.content)
            inputs.paths.append(path)
            inputs.names[str(path)] = doc.filename
            if doc.meta:
                manifest.append((str(path), doc.meta))
        if manifest:
            inputs.meta = write_manifest(manifest, root / MANIFEST)
            inputs.names[str(inputs.meta)] = "the documents' metadata"
        metrics = crud.latest_metrics(session, project_id)
        if metrics is not None:
            inputs.metrics = root / "metrics" / metrics.filename
            inputs.metrics.parent.mkdir()
            inputs.metrics.write_bytes(metrics.content)
            inputs.names[str(inputs.metrics)] = metrics.filename
        inputs.names[str(root / "analysis")] = "analysis"
        return inputs

    def analysis_inputs(self) -> AnalysisInputs:
        return AnalysisInputs(paths=tuple(self.paths), meta=self.meta, metrics=self.metrics)

    def results(self, folder: AnalysisFolder) -> dict[str, list]:
        """The folder's tables as rows, its summary and its report, with the temporary
        paths in them replaced by the uploads' names."""
        results: dict[str, list] = {}
        for name in RESULT_TABLES:
            frame = folder.read(name)
            if frame is None:
                continue
            root = str(self.root)
            for column in frame.columns:  # source_path, document, …: any column naming a file
                if is_string_or_object(frame[column]) and any(
                    isinstance(v, str) and root in v for v in frame[column]
                ):
                    frame[column] = [self._local(v) for v in frame[column]]
            results[name] = records(frame)
        summary = folder.read_json("summary")
        if summary is not None:
            results[SUMMARY] = [no_paths(self._local(server_free(summary)))]
        if folder.report_path.exists():
            results[REPORT] = [self._local(folder.report_path.read_text("utf-8"))]
        return results

    def _local(self, value: object) -> object:
        if isinstance(value, str):
            return local_names(value, self.names)
        if isinstance(value, dict):
            return {k: self._local(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self._local(v) for v in value]
        return value


__all__ = ["MAX_ATTEMPTS", "RESULT_TABLES", "JobRunner"]
