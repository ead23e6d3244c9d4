"""Analyses: start (background job), poll, read results."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Annotated, Any

import pandas as pd
from fastapi import APIRouter, Query, Request, Response, status
from sqlalchemy import select

from api.auth import Caller, CallerDep, SessionDep, project_for
from api.db import Analysis, Document, Result
from api.jobs import RESULT_TABLES
from api.problems import Problem
from api.schemas import AnalysisCreated, AnalysisOut, AnalysisRequest

router = APIRouter(prefix="/v1", tags=["analyses"])


def _out(job: Analysis) -> AnalysisOut:
    return AnalysisOut(
        id=job.id,
        project_id=job.project_id,
        status=job.status,
        progress=job.progress,
        stage=job.stage,
        error=job.error,
        timings=job.timings or {},
        attempts=job.attempts,
        created=job.created,
        finished=job.finished,
    )


def _job(analysis_id: str, who: Caller, session: SessionDep) -> Analysis:
    job = session.get(Analysis, analysis_id)
    if job is None:
        raise Problem(404, "Not found", f"no analysis '{analysis_id}'")
    project_for(job.project_id, who, session)  # 404 for another team's analysis
    return job


@router.post(
    "/projects/{project_id}/analyses",
    response_model=AnalysisCreated,
    status_code=status.HTTP_202_ACCEPTED,
)
def start_analysis(
    project_id: str,
    request: Request,
    who: CallerDep,
    session: SessionDep,
    body: AnalysisRequest | None = None,
) -> AnalysisCreated:
    """Queue discover + classify (+ abcdx + cross when metrics are attached)."""
    project = project_for(project_id, who, session)
    has_text = session.scalar(
        select(Document.id).where(Document.project_id == project.id, Document.kind == "text")
    )
    if not has_text:
        raise Problem(
            422,
            "Unprocessable input",
            "the project has no documents",
            "upload transcripts or reviews to /documents first",
        )
    job = Analysis(project_id=project.id, settings=(body or AnalysisRequest()).model_dump())
    session.add(job)
    session.commit()
    request.app.state.jobs.submit(job.id)
    return AnalysisCreated(id=job.id, status=job.status)


@router.get("/analyses/{analysis_id}", response_model=AnalysisOut)
def get_analysis(analysis_id: str, who: CallerDep, session: SessionDep) -> AnalysisOut:
    return _out(_job(analysis_id, who, session))


@router.get(
    "/analyses/{analysis_id}/export",
    response_class=Response,
    responses={200: {"content": {"application/zip": {}}, "description": "CSV files, zipped"}},
)
def export_analysis(analysis_id: str, who: CallerDep, session: SessionDep) -> Response:
    """Every result table as CSV (spreadsheet formulas neutralised) plus summary.json, zipped."""
    from nlp_jtbd.tables import neutralise_formulas

    job = _job(analysis_id, who, session)
    if job.status != "succeeded":
        raise Problem(
            409, "Conflict", f"analysis {job.id} is {job.status}", "export once it has succeeded"
        )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for row in session.scalars(select(Result).where(Result.analysis_id == job.id)):
            if row.kind == "summary":
                archive.writestr(
                    "summary.json", json.dumps(row.rows[0], ensure_ascii=False, indent=2)
                )
            else:
                frame = neutralise_formulas(pd.DataFrame(row.rows))
                archive.writestr(f"{row.kind}.csv", frame.to_csv(index=False))
    return Response(
        buffer.getvalue(),
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="analysis-{job.id}.zip"'},
    )


@router.get("/analyses/{analysis_id}/{kind}", response_model=list[dict[str, Any]])
def get_result(
    analysis_id: str,
    kind: str,
    who: CallerDep,
    session: SessionDep,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=100_000)] = 10_000,
) -> list[dict[str, Any]]:
    """A result table as JSON rows, with the same fields as the CLI's CSV of that name."""
    if kind not in RESULT_TABLES:
        raise Problem(
            404, "Not found", f"no result '{kind}'", f"choose one of {', '.join(RESULT_TABLES)}"
        )
    job = _job(analysis_id, who, session)
    if job.status != "succeeded":
        raise Problem(
            409,
            "Conflict",
            f"analysis {job.id} is {job.status}, results come when it has succeeded",
            "poll GET /v1/analyses/{id}",
        )
    row = session.get(Result, (job.id, kind))
    if row is None:
        raise Problem(404, "Not found", f"analysis {job.id} has no '{kind}' (metrics attached?)")
    return row.rows[offset : offset + limit]
