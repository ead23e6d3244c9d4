"""Analyses run as background jobs recorded in the database.

A worker pool runs them; every stage updates ``status``, ``stage``, ``progress`` and
``timings``. At start-up, jobs left ``running`` by a crash or restart are queued again (their
inputs are all in the database) and fail with the reason after ``MAX_ATTEMPTS`` interruptions.
"""

from __future__ import annotations

import json
import logging
import tempfile
import traceback
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from api.db import Analysis, Result, now
from api.storage import project_metrics, project_utterances, records
from api.trained import is_stored_model, materialise, train_job
from nlp_jtbd.errors import JTBDError

MAX_ATTEMPTS = 3
log = logging.getLogger("nlp_jtbd.api.jobs")
# The result tables an analysis stores (the CSV files of the same names).
RESULT_TABLES = (
    "clusters",
    "assignments",
    "representatives",
    "predictions",
    "segments",
    "segments_profiles",
    "findings",
    "jtbd_profiles",
    "cross_cluster",
    "cross_category",
    "cross_jtbd_segment",
)


class JobRunner:
    """Thread pool over queued analyses."""

    def __init__(
        self, sessions: sessionmaker, workers: int = 1, data_dir: Path | None = None
    ) -> None:
        self.sessions = sessions
        self.data_dir = data_dir
        self.pool = ThreadPoolExecutor(workers, thread_name_prefix="jtbd-job")

    def recover(self) -> None:
        """Requeue interrupted jobs (or fail them after too many tries); resubmit the queue."""
        with self.sessions() as session:
            for job in session.scalars(select(Analysis).where(Analysis.status == "running")):
                if job.attempts >= MAX_ATTEMPTS:
                    job.status = "failed"
                    job.error = (
                        f"interrupted {job.attempts} times by a server restart or crash; "
                        "start a new analysis"
                    )
                    job.finished = now()
                else:
                    job.status, job.progress, job.stage = "queued", 0.0, None
            session.commit()
            queued = session.scalars(
                select(Analysis.id).where(Analysis.status == "queued").order_by(Analysis.created)
            ).all()
        for job_id in queued:
            self.submit(job_id)

    def submit(self, job_id: str) -> None:
        self.pool.submit(self._run, job_id)

    def shutdown(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)

    # -- one job ----------------------------------------------------------------------------
    def _update(self, job_id: str, **fields: object) -> None:
        with self.sessions() as session:
            job = session.get(Analysis, job_id)
            for key, value in fields.items():
                setattr(job, key, value)
            session.commit()

    def _run(self, job_id: str) -> None:
        with self.sessions() as session:
            job = session.get(Analysis, job_id)
            if job is None or job.status != "queued":
                return
            job.status, job.attempts, job.error = "running", job.attempts + 1, None
            session.commit()
            project_id, settings, kind = job.project_id, dict(job.settings or {}), job.kind
        try:
            if kind == "train":
                self._update(job_id, stage="train", progress=0.0)
                results, timings = {}, train_job(self.sessions, job_id)
            else:
                with tempfile.TemporaryDirectory(prefix="jtbd-analysis-") as folder:
                    results, timings = self._analyse(job_id, project_id, settings, Path(folder))
            with self.sessions() as session:
                session.query(Result).filter(Result.analysis_id == job_id).delete()
                for kind, rows in results.items():
                    session.add(Result(analysis_id=job_id, kind=kind, rows=rows))
                job = session.get(Analysis, job_id)
                job.status, job.progress, job.stage = "succeeded", 1.0, None
                job.timings, job.finished = timings, now()
                session.commit()
        except JTBDError as exc:
            self._update(job_id, status="failed", error=exc.message, finished=now())
        except Exception as exc:
            log.error("analysis %s failed:\n%s", job_id, traceback.format_exc())
            self._update(
                job_id,
                status="failed",
                finished=now(),
                error=f"internal error: {exc.__class__.__name__}: {exc}",
            )

    def _analyse(
        self, job_id: str, project_id: str, settings: dict, folder: Path
    ) -> tuple[dict[str, list], dict[str, float]]:
        from nlp_jtbd.cli_segment import DEFAULT_WEIGHTS, STAGES, run_stages

        with self.sessions() as session:
            utterances = project_utterances(session, project_id)
            metrics = project_metrics(session, project_id)
            metrics_file = (metrics.content, metrics.filename) if metrics else None
            classifier = settings.get("classifier")
            if is_stored_model(classifier) and self.data_dir is not None:
                classifier = str(materialise(session, classifier, self.data_dir))
        if utterances.empty:
            raise JTBDError("the project has no utterances", fix="upload documents first")
        path = folder / "utterances.parquet"
        utterances.to_parquet(path, index=False)
        metrics_path = None
        if metrics_file:
            metrics_path = folder / ("metrics" + Path(metrics_file[1]).suffix.lower())
            metrics_path.write_bytes(metrics_file[0])
        stages = STAGES if metrics_path else STAGES[:2]
        timings: dict[str, float] = {}

        def start(stage: str) -> None:
            self._update(job_id, stage=stage, progress=round(stages.index(stage) / len(stages), 3))

        def done(stage: str, seconds: float) -> None:
            timings[stage] = round(seconds, 3)

        seed = int(settings.get("seed", 42))
        run_stages(
            path,
            folder,
            model=settings.get("model", "use"),
            classifier=classifier,
            seed=seed,
            min_cluster_size=settings.get("min_cluster_size"),
            metrics=metrics_path,
            weights=settings.get("weights") or DEFAULT_WEIGHTS,
            id_col=settings.get("id_col", "customer_id"),
            growth_col=settings.get("growth_col"),
            on_start=start,
            on_done=done,
        )
        results: dict[str, list] = {}
        for name in RESULT_TABLES:
            csv = folder / f"{name}.csv"
            if csv.exists():
                results[name] = records(pd.read_csv(csv, keep_default_na=False, na_values=[""]))
        summary = folder / "summary.json"
        if summary.exists():
            results["summary"] = [json.loads(summary.read_text("utf-8"))]
        return results, timings
