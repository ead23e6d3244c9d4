"""Classifiers trained from coded examples uploaded to a project (training runs as a job)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile, status
from pydantic import BaseModel
from sqlalchemy import select

from api.auth import CallerDep, SessionDep, project_for
from api.db import Analysis, Document, TrainedModel
from api.problems import Problem
from api.routers.projects import read_limited
from api.storage import safe_filename
from nlp_jtbd.codebook import load_codebook, read_examples

router = APIRouter(prefix="/v1/projects/{project_id}/models", tags=["models"])


class TrainingStarted(BaseModel):
    id: str
    job_id: str
    examples: int
    warnings: list[str]


class TrainedModelOut(BaseModel):
    id: str
    name: str
    codebook: str
    status: str
    error: str | None
    metrics: dict[str, dict[str, float]]


def _out(row: TrainedModel, job: Analysis) -> TrainedModelOut:
    block = ((row.card or {}).get("metrics") or {}).get("cross_validation", {})
    metrics = {
        name: {"macro_f1": s["macro_f1"], "kappa": s["kappa"]}
        for name, s in block.get("slices", {}).items()
    }
    return TrainedModelOut(
        id=row.id,
        name=row.name,
        codebook=row.codebook,
        status=job.status,
        error=job.error,
        metrics=metrics,
    )


@router.post("", response_model=TrainingStarted, status_code=status.HTTP_202_ACCEPTED)
async def train_model(
    project_id: str,
    request: Request,
    who: CallerDep,
    session: SessionDep,
    examples: Annotated[UploadFile, File(description="Coded examples: text,label[,context]")],
    codebook: Annotated[str, Form()] = "jtbd5",
    name: Annotated[str, Form(max_length=200)] = "model",
) -> TrainingStarted:
    """Check the coded examples now (errors name the rows), then train in the background."""
    project = project_for(project_id, who, session)
    filename = safe_filename(examples.filename)
    content = await read_limited(examples, request.app.state.settings.max_upload_bytes)
    book = load_codebook(codebook) if codebook.isidentifier() else None
    if book is None:
        raise Problem(
            422,
            "Unprocessable input",
            f"unknown codebook '{codebook}'",
            "GET /v1/codebooks lists them",
        )
    with tempfile.TemporaryDirectory(prefix="jtbd-coded-") as folder:
        path = Path(folder) / filename
        path.write_bytes(content)
        coded = read_examples(path, book)
    doc = Document(
        project_id=project.id,
        filename=filename,
        kind="coded",
        content=content,
        size=len(content),
        utterances=len(coded),
    )
    job = Analysis(project_id=project.id, kind="train", settings={"codebook": book.id})
    session.add_all([doc, job])
    session.flush()
    row = TrainedModel(
        project_id=project.id, name=name, job_id=job.id, examples_id=doc.id, codebook=book.ref
    )
    session.add(row)
    session.commit()
    request.app.state.jobs.submit(job.id)
    return TrainingStarted(id=row.id, job_id=job.id, examples=len(coded), warnings=coded.warnings)


@router.get("", response_model=list[TrainedModelOut])
def list_models(project_id: str, who: CallerDep, session: SessionDep) -> list[TrainedModelOut]:
    project = project_for(project_id, who, session)
    rows = session.scalars(
        select(TrainedModel)
        .where(TrainedModel.project_id == project.id)
        .order_by(TrainedModel.created)
    ).all()
    return [_out(r, session.get(Analysis, r.job_id)) for r in rows]


@router.get("/{model_id}", response_model=TrainedModelOut)
def get_model(
    project_id: str, model_id: str, who: CallerDep, session: SessionDep
) -> TrainedModelOut:
    project = project_for(project_id, who, session)
    row = session.get(TrainedModel, model_id)
    if row is None or row.project_id != project.id:
        raise Problem(404, "Not found", f"no model '{model_id}' in this project")
    return _out(row, session.get(Analysis, row.job_id))
