"""Classifiers trained from coded examples uploaded to a project (training runs as a job)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile, status
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.orm import Session

from api import crud
from api.db import TrainedModel
from api.deps import JobsDep, ProjectDep, SessionDep, SettingsDep
from api.problems import Problem
from api.schemas import TrainedModelOut, TrainingStarted
from api.storage import read_limited, safe_filename
from api.trained import scores
from nlp_jtbd.codebook import load_codebook, read_examples

router = APIRouter(prefix="/v1/projects/{project_id}/models", tags=["models"])


def _out(session: Session, row: TrainedModel) -> TrainedModelOut:
    job = crud.get_job(session, row.job_id)
    return TrainedModelOut(
        id=row.id,
        name=row.name,
        codebook=row.codebook,
        status=job.status,
        error=job.error,
        metrics=scores(row.card or {}, ("cross_validation",)),
    )


def _read_coded(filename: str, content: bytes, book: object) -> object:
    """The coded examples, checked (CPU work: run in a worker thread)."""
    with tempfile.TemporaryDirectory(prefix="jtbd-coded-") as folder:
        path = Path(folder) / filename
        path.write_bytes(content)
        return read_examples(path, book)


@router.post("", response_model=TrainingStarted, status_code=status.HTTP_202_ACCEPTED)
async def train_model(
    project: ProjectDep,
    session: SessionDep,
    settings: SettingsDep,
    jobs: JobsDep,
    examples: Annotated[UploadFile, File(description="Coded examples: text,label[,context]")],
    codebook: Annotated[str, Form()] = "jtbd5",
    name: Annotated[str, Form(max_length=200)] = "model",
) -> TrainingStarted:
    """Check the coded examples now (errors name the rows), then train in the background."""
    filename = safe_filename(examples.filename)
    content = await read_limited(examples, settings.max_upload_bytes)
    book = load_codebook(codebook) if codebook.isidentifier() else None
    if book is None:
        raise Problem(
            422,
            "Unprocessable input",
            f"unknown codebook '{codebook}'",
            "GET /v1/codebooks lists them",
        )
    coded = await run_in_threadpool(_read_coded, filename, content, book)
    doc = crud.add_document(
        session, project.id, filename=filename, kind="coded", content=content, utterances=len(coded)
    )
    job = crud.create_job(session, project.id, "train", {"codebook": book.id})
    row = crud.add_trained_model(
        session, project.id, name=name, job_id=job.id, examples_id=doc.id, codebook=book.ref
    )
    session.commit()
    jobs.submit(job.id)
    return TrainingStarted(id=row.id, job_id=job.id, examples=len(coded), warnings=coded.warnings)


@router.get("", response_model=list[TrainedModelOut], name="list_trained_models")
def list_models(project: ProjectDep, session: SessionDep) -> list[TrainedModelOut]:
    return [_out(session, r) for r in crud.list_trained_models(session, project.id)]


@router.get("/{model_id}", response_model=TrainedModelOut, name="get_trained_model")
def get_model(model_id: str, project: ProjectDep, session: SessionDep) -> TrainedModelOut:
    row = crud.get_trained_model(session, model_id)
    if row is None or row.project_id != project.id:
        raise Problem(404, "Not found", f"no model '{model_id}' in this project")
    return _out(session, row)
