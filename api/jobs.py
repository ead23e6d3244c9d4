"""Analyses run as background jobs recorded in the database.

A worker pool runs them; every stage updates ``status``, ``stage``, ``progress`` and
``timings``. At start-up, jobs left ``running`` by a crash or restart are queued again (their
inputs are all in the database) and fail with the reason after ``MAX_ATTEMPTS`` interruptions.
"""

from __future__ import annotations

import json
import logging
import tempfile
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from api.db import Analysis, Result, now
from api.storage import project_metrics, project_utterances, records
from nlp_jtbd.errors import JTBDError

MAX_ATTEMPTS = 3
log = logging.getLogger("nlp_jtbd.api.jobs")
STAGES = ("discover", "classify", "abcdx", "cross")


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
                from api.trained import train_job

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
        from nlp_jtbd.cli import discover as discover_cmd
        from nlp_jtbd.cli_coding import classify as classify_cmd
        from nlp_jtbd.cli_segment import run_abcdx, run_cross

        timings: dict[str, float] = {}
        with self.sessions() as session:
            utterances = project_utterances(session, project_id)
            metrics = project_metrics(session, project_id)
            metrics_bytes = (metrics.content, metrics.filename) if metrics else None
        if utterances.empty:
            raise JTBDError("the project has no utterances", fix="upload documents first")
        path = folder / "utterances.parquet"
        utterances.to_parquet(path, index=False)
        stages = [s for s in STAGES if metrics_bytes or s in ("discover", "classify")]

        def begin(stage: str) -> float:
            self._update(job_id, stage=stage, progress=round(stages.index(stage) / len(stages), 3))
            return time.perf_counter()

        started = begin("discover")
        discover_cmd(
            utterances=path,
            out_dir=folder,
            model=settings.get("model", "use"),
            min_cluster_size=settings.get("min_cluster_size"),
            max_clusters=None,
            merge_threshold=None,
            seed=int(settings.get("seed", 42)),
            include_interviewer=False,
            cache_dir=None,
            quiet=True,
            as_json=False,
        )
        timings["discover"] = round(time.perf_counter() - started, 3)
        started = begin("classify")
        classify_cmd(
            utterances=path,
            out_path=folder / "predictions.csv",
            model=settings.get("classifier"),
            include_interviewer=False,
            cache_dir=None,
            quiet=True,
        )
        timings["classify"] = round(time.perf_counter() - started, 3)
        if metrics_bytes:
            started = begin("abcdx")
            metrics_path = folder / ("metrics" + Path(metrics_bytes[1]).suffix.lower())
            metrics_path.write_bytes(metrics_bytes[0])
            run_abcdx(
                metrics_path,
                folder / "segments.csv",
                settings.get("weights") or "ltv=3,avg_check=2,purchase_frequency=2,cac=-1",
                settings.get("id_col", "customer_id"),
                settings.get("growth_col"),
                5,
                int(settings.get("seed", 42)),
                0.05,
                None,
            )
            timings["abcdx"] = round(time.perf_counter() - started, 3)
            started = begin("cross")
            run_cross(
                folder / "segments.csv",
                path,
                folder,
                assignments=folder / "assignments.csv",
                clusters=folder / "clusters.csv",
                codes=folder / "predictions.csv",
                segment_col="segment",
                id_col="customer_id",
                q_max=0.05,
            )
            timings["cross"] = round(time.perf_counter() - started, 3)
        results: dict[str, list] = {}
        for name in (
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
        ):
            csv = folder / f"{name}.csv"
            if csv.exists():
                results[name] = records(pd.read_csv(csv, keep_default_na=False, na_values=[""]))
        summary = folder / "summary.json"
        if summary.exists():
            results["summary"] = [json.loads(summary.read_text("utf-8"))]
        return results, timings


def session_job(session: Session, job_id: str) -> Analysis | None:
    return session.get(Analysis, job_id)
