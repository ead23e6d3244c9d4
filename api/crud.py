"""Every database query of the service: routers, jobs and trained models read and write
through these functions (no ``select`` or ``session.get`` elsewhere)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.orm import Session

from api.db import Analysis, ApiKey, Document, Project, Result, TrainedModel, Utterance, now
from api.security import Caller
from api.storage import records


def ping(session: Session) -> None:
    """Fails when the database cannot be reached."""
    session.execute(text("SELECT 1"))


# -- keys and projects ------------------------------------------------------------------------
def api_key_by_hash(session: Session, key_hash: str) -> ApiKey | None:
    return session.scalar(select(ApiKey).where(ApiKey.key_hash == key_hash))


def create_api_key(
    session: Session, key_hash: str, *, all_projects: bool, projects: list[str]
) -> ApiKey:
    row = ApiKey(key_hash=key_hash, all_projects=all_projects, projects=sorted(set(projects)))
    session.add(row)
    session.commit()
    return row


def create_project(session: Session, name: str, owner_key: str) -> Project:
    project = Project(name=name, owner_key=owner_key)
    session.add(project)
    session.commit()
    return project


def get_project(session: Session, project_id: str) -> Project | None:
    return session.get(Project, project_id)


def visible_projects(session: Session, who: Caller) -> list[Project]:
    rows = session.scalars(select(Project).order_by(Project.created)).all()
    return [p for p in rows if who.can_see(p)]


# -- documents and utterances -----------------------------------------------------------------
def add_document(
    session: Session,
    project_id: str,
    *,
    filename: str,
    kind: str,
    content: bytes,
    utterances: int = 0,
    meta: Mapping[str, str] | None = None,
) -> Document:
    """A new document, last in the project's upload order (flushed, not committed)."""
    last = session.scalar(
        select(func.max(Document.position)).where(Document.project_id == project_id)
    )
    doc = Document(
        project_id=project_id,
        filename=filename,
        kind=kind,
        content=content,
        size=len(content),
        utterances=utterances,
        position=(last or 0) + 1,
        meta=dict(meta) if meta else None,
    )
    session.add(doc)
    session.flush()
    return doc


def add_utterances(session: Session, document: Document, frame: pd.DataFrame) -> None:
    """The ingested rows of ``document``; ``source_path`` is the upload's file name. One bulk
    INSERT, not an ORM object per row: a 5 MB transcript has some 80,000 utterances."""
    rows = []
    for row in records(frame):
        row["source_path"] = document.filename
        rows.append(
            {
                "project_id": document.project_id,
                "document_id": document.id,
                "utterance_id": str(row["utterance_id"]),
                "text": str(row["text"]),
                "role": row.get("role"),
                "lang": row.get("lang"),
                "speaker": row.get("speaker"),
                "customer_id": None if row.get("customer_id") is None else str(row["customer_id"]),
                "row": row,
            }
        )
    if rows:
        session.execute(insert(Utterance), rows)


def same_document(session: Session, project_id: str, kind: str, content: bytes) -> Document | None:
    """A document of the project with exactly these bytes (an upload sent again)."""
    query = select(Document).where(
        Document.project_id == project_id, Document.kind == kind, Document.size == len(content)
    )
    return next(
        (d for d in session.scalars(query.order_by(Document.position)) if d.content == content),
        None,
    )


def clashing_utterance_ids(session: Session, project_id: str, ids: list[str]) -> list[str]:
    """Which of ``ids`` the project's stored utterances already have (an analysis needs every
    utterance id once)."""
    found: list[str] = []
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        query = select(Utterance.utterance_id).where(
            Utterance.project_id == project_id, Utterance.utterance_id.in_(chunk)
        )
        found += session.scalars(query).all()
    return found


def get_document(session: Session, document_id: str) -> Document | None:
    return session.get(Document, document_id)


def list_documents(session: Session, project_id: str, kind: str | None = None) -> list[Document]:
    """The project's documents in upload order (``kind``: only those, e.g. ``text``)."""
    query = select(Document).where(Document.project_id == project_id)
    if kind is not None:
        query = query.where(Document.kind == kind)
    order = (Document.position, Document.created, Document.id)
    return list(session.scalars(query.order_by(*order)).all())


def has_documents(session: Session, project_id: str, kind: str) -> bool:
    query = select(Document.id).where(Document.project_id == project_id, Document.kind == kind)
    return session.scalar(query.limit(1)) is not None


def latest_metrics(session: Session, project_id: str) -> Document | None:
    """The metrics table uploaded last (analyses segment its customers)."""
    return session.scalars(
        select(Document)
        .where(Document.project_id == project_id, Document.kind == "metrics")
        .order_by(Document.position.desc(), Document.created.desc())
    ).first()


@dataclass(frozen=True)
class UtteranceFilter:
    role: str | None = None
    lang: str | None = None
    document_id: str | None = None
    category: str | None = None
    cluster_id: int | None = None


def list_utterances(
    session: Session,
    project_id: str,
    where: UtteranceFilter,
    labels: tuple[dict, dict],
    offset: int,
    limit: int,
) -> tuple[int, list[Utterance]]:
    """(total, page) of the project's utterances in upload order; ``labels`` (utterance_id →
    cluster, → category) filter by cluster and category."""
    query = select(Utterance).where(Utterance.project_id == project_id)
    if where.role:
        query = query.where(Utterance.role == where.role)
    if where.lang:
        query = query.where(Utterance.lang == where.lang)
    if where.document_id:
        query = query.where(Utterance.document_id == where.document_id)
    if where.category is None and where.cluster_id is None:
        total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = session.scalars(query.order_by(Utterance.pk).offset(offset).limit(limit)).all()
        return total, list(rows)
    by_cluster, by_code = labels
    rows = [
        u
        for u in session.scalars(query.order_by(Utterance.pk))
        if (where.category is None or by_code.get(u.utterance_id) == where.category)
        and (where.cluster_id is None or by_cluster.get(u.utterance_id) == where.cluster_id)
    ]
    return len(rows), rows[offset : offset + limit]


# -- deleting ---------------------------------------------------------------------------------
def busy_jobs(session: Session, project_id: str) -> list[str]:
    """The project's queued or running jobs."""
    query = select(Analysis.id).where(
        Analysis.project_id == project_id, Analysis.status.in_(("queued", "running"))
    )
    return list(session.scalars(query).all())


def _delete_jobs(session: Session, job_ids: list[str]) -> None:
    if job_ids:
        session.execute(delete(Result).where(Result.analysis_id.in_(job_ids)))
        session.execute(delete(Analysis).where(Analysis.id.in_(job_ids)))


def delete_document(session: Session, document: Document) -> list[str]:
    """Delete a document and what was derived from it: its utterances; for transcripts,
    reviews and metrics the project's analyses (they read every document); for coded examples
    the models trained on them. Returns the ids of the deleted models (committed)."""
    project_id = document.project_id
    models = list(
        session.scalars(select(TrainedModel).where(TrainedModel.examples_id == document.id))
    )
    model_ids = [m.id for m in models]
    jobs = [m.job_id for m in models]
    session.execute(delete(TrainedModel).where(TrainedModel.id.in_(model_ids)))
    if document.kind != "coded":
        query = select(Analysis.id).where(
            Analysis.project_id == project_id, Analysis.kind == "analysis"
        )
        jobs += session.scalars(query).all()
    _delete_jobs(session, jobs)
    session.execute(delete(Utterance).where(Utterance.document_id == document.id))
    session.execute(delete(Document).where(Document.id == document.id))
    session.commit()
    return model_ids


def delete_project(session: Session, project: Project) -> list[str]:
    """Delete a project with its documents, utterances, analyses, results and models; returns
    the ids of the deleted models (committed)."""
    model_ids = list(
        session.scalars(select(TrainedModel.id).where(TrainedModel.project_id == project.id))
    )
    session.execute(delete(TrainedModel).where(TrainedModel.project_id == project.id))
    _delete_jobs(
        session, list(session.scalars(select(Analysis.id).where(Analysis.project_id == project.id)))
    )
    session.execute(delete(Utterance).where(Utterance.project_id == project.id))
    session.execute(delete(Document).where(Document.project_id == project.id))
    session.execute(delete(Project).where(Project.id == project.id))
    session.commit()
    return model_ids


# -- jobs -------------------------------------------------------------------------------------
def create_job(session: Session, project_id: str, kind: str, settings: dict) -> Analysis:
    """A queued job (flushed, not committed)."""
    job = Analysis(project_id=project_id, kind=kind, settings=settings)
    session.add(job)
    session.flush()
    return job


def get_job(session: Session, job_id: str) -> Analysis | None:
    return session.get(Analysis, job_id)


def latest_succeeded(
    session: Session, project_id: str, analysis_id: str | None = None
) -> Analysis | None:
    """The analysis ``analysis_id`` of the project if it succeeded, else the latest that did."""
    query = select(Analysis).where(
        Analysis.project_id == project_id,
        Analysis.kind == "analysis",
        Analysis.status == "succeeded",
    )
    if analysis_id:
        query = query.where(Analysis.id == analysis_id)
    return session.scalars(query.order_by(Analysis.created.desc())).first()


def requeue_interrupted(session: Session, max_attempts: int) -> list[str]:
    """Jobs left running by a crash are queued again, or failed after ``max_attempts``;
    returns the queue, oldest first."""
    for job in session.scalars(select(Analysis).where(Analysis.status == "running")):
        if job.attempts >= max_attempts:
            job.status = "failed"
            job.error = (
                f"interrupted {job.attempts} times by a server restart or crash; "
                "start a new analysis"
            )
            job.finished = now()
        else:
            job.status, job.progress, job.stage = "queued", 0.0, None
    session.commit()
    queued = select(Analysis.id).where(Analysis.status == "queued").order_by(Analysis.created)
    return list(session.scalars(queued).all())


def claim_job(session: Session, job_id: str) -> Analysis | None:
    """Mark a queued job running (one more attempt); None when it is not queued."""
    job = session.get(Analysis, job_id)
    if job is None or job.status != "queued":
        return None
    job.status, job.attempts, job.error = "running", job.attempts + 1, None
    session.commit()
    return job


def update_job(session: Session, job_id: str, **fields: object) -> None:
    job = session.get(Analysis, job_id)
    for key, value in fields.items():
        setattr(job, key, value)
    session.commit()


def finish_job(
    session: Session, job_id: str, results: Mapping[str, list], timings: Mapping[str, float]
) -> None:
    """Store the job's results (replacing any of an earlier attempt) and mark it succeeded."""
    session.query(Result).filter(Result.analysis_id == job_id).delete()
    for kind, rows in results.items():
        session.add(Result(analysis_id=job_id, kind=kind, rows=rows))
    job = session.get(Analysis, job_id)
    job.status, job.progress, job.stage = "succeeded", 1.0, None
    job.timings, job.finished = dict(timings), now()
    session.commit()


# -- results ----------------------------------------------------------------------------------
def get_result(session: Session, job_id: str, kind: str) -> Result | None:
    return session.get(Result, (job_id, kind))


def list_results(session: Session, job_id: str) -> list[Result]:
    query = select(Result).where(Result.analysis_id == job_id).order_by(Result.kind)
    return list(session.scalars(query).all())


def labels(session: Session, job: Analysis) -> tuple[dict, dict]:
    """utterance_id → cluster_id and → category, from the analysis ``job``."""
    clusters = get_result(session, job.id, "assignments")
    codes = get_result(session, job.id, "predictions")
    by_cluster = {r["utterance_id"]: r["cluster_id"] for r in (clusters.rows if clusters else [])}
    by_code = {r["utterance_id"]: r["label"] for r in (codes.rows if codes else [])}
    return by_cluster, by_code


# -- trained models ---------------------------------------------------------------------------
def add_trained_model(
    session: Session, project_id: str, *, name: str, job_id: str, examples_id: str, codebook: str
) -> TrainedModel:
    row = TrainedModel(
        project_id=project_id,
        name=name,
        job_id=job_id,
        examples_id=examples_id,
        codebook=codebook,
    )
    session.add(row)
    session.flush()
    return row


def get_trained_model(session: Session, model_id: str) -> TrainedModel | None:
    return session.get(TrainedModel, model_id)


def trained_model_of_job(session: Session, job_id: str) -> TrainedModel:
    return session.scalars(select(TrainedModel).where(TrainedModel.job_id == job_id)).one()


def list_trained_models(session: Session, project_id: str) -> list[TrainedModel]:
    query = select(TrainedModel).where(TrainedModel.project_id == project_id)
    return list(session.scalars(query.order_by(TrainedModel.created)).all())


def save_trained_model(session: Session, job_id: str, card: dict, weights: bytes) -> None:
    row = trained_model_of_job(session, job_id)
    row.card, row.weights = card, weights
    session.commit()
