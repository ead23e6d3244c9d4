"""Analyses: start (a background job), poll, read the results, the report and the export."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Annotated, Any

import pandas as pd
from fastapi import APIRouter, Query, Response, status
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from api import crud
from api.db import Analysis
from api.deps import JobDep, JobsDep, ProjectDep, SessionDep
from api.jobs import REPORT, RESULT_TABLES, SUMMARY, no_paths, server_free
from api.problems import Problem
from api.schemas import AnalysisCreated, AnalysisOut, AnalysisRequest, ResultKind, ResultRow
from api.settings import MAX_OFFSET
from api.spec import problems
from api.validation import check_analysis
from nlp_jtbd.analysis.folder import DOCUMENTS, TABLES
from nlp_jtbd.analysis.folder import REPORT as REPORT_FILE

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


def _succeeded(job: Analysis) -> Analysis:
    if job.status != "succeeded":
        raise Problem(
            409,
            "Conflict",
            f"analysis {job.id} is {job.status}, results come when it has succeeded",
            "poll GET /v1/analyses/{id}",
        )
    return job


def _document(session: Session, job: Analysis, kind: str) -> object:
    row = crud.get_result(session, _succeeded(job).id, kind)
    if row is None:
        raise Problem(404, "Not found", f"analysis {job.id} has no {kind}")
    return row.rows[0]


@router.post(
    "/projects/{project_id}/analyses",
    response_model=AnalysisCreated,
    status_code=status.HTTP_202_ACCEPTED,
    responses=problems(409),
)
def start_analysis(
    project: ProjectDep, session: SessionDep, jobs: JobsDep, body: AnalysisRequest | None = None
) -> AnalysisCreated:
    """Queue ingest, discover, classify (+ abcdx + cross when metrics are attached) and the
    report on the project's documents, as `jtbd analyze` runs them."""
    if not crud.has_documents(session, project.id, "text"):
        raise Problem(
            422,
            "Unprocessable input",
            "the project has no documents",
            "upload transcripts or reviews to /documents first",
        )
    request = body or AnalysisRequest()
    check_analysis(session, project, request)
    settings = request.model_dump(mode="json")
    job = crud.create_job(session, project.id, "analysis", settings)
    session.commit()
    jobs.submit(job.id)
    return AnalysisCreated(id=job.id, status=job.status)


@router.get("/analyses/{analysis_id}", response_model=AnalysisOut)
def get_analysis(job: JobDep) -> AnalysisOut:
    return _out(job)


@router.get(
    "/analyses/{analysis_id}/summary", response_model=dict[str, Any], responses=problems(409)
)
def get_summary(job: JobDep, session: SessionDep) -> dict[str, Any]:
    """The analysis's summary.json: settings, counts and what each stage found."""
    return no_paths(server_free(_document(session, job, SUMMARY)))  # also analyses stored earlier


@router.get(
    "/analyses/{analysis_id}/report",
    response_class=HTMLResponse,
    responses={
        200: {"content": {"text/html": {"schema": {"type": "string"}}}, "description": "HTML"},
        **problems(409),
    },
)
def get_report(job: JobDep, session: SessionDep) -> HTMLResponse:
    """The analysis's report.html (self-contained: open it in a browser)."""
    return HTMLResponse(_document(session, job, REPORT))


@router.get(
    "/analyses/{analysis_id}/export",
    response_class=Response,
    responses={
        200: {
            # application/octet-stream too: what generic clients read as a file of bytes.
            "content": {
                media: {"schema": {"type": "string", "format": "binary"}}
                for media in ("application/zip", "application/octet-stream")
            },
            "description": "CSV files, zipped (sent as application/zip)",
        },
        **problems(409),
    },
)
def export_analysis(job: JobDep, session: SessionDep) -> Response:
    """Every result table as CSV (spreadsheet formulas neutralised), summary.json and
    report.html, zipped."""
    from nlp_jtbd.tables import neutralise_formulas

    if job.status != "succeeded":
        raise Problem(
            409, "Conflict", f"analysis {job.id} is {job.status}", "export once it has succeeded"
        )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for row in crud.list_results(session, job.id):
            # The files of the analysis folder, named as `jtbd analyze` names them.
            if row.kind == SUMMARY:
                summary = no_paths(server_free(row.rows[0]))
                text = json.dumps(summary, ensure_ascii=False, indent=2)
                archive.writestr(DOCUMENTS["summary"], text)
            elif row.kind == REPORT:
                archive.writestr(REPORT_FILE, row.rows[0])
            else:
                frame = neutralise_formulas(pd.DataFrame(row.rows))
                archive.writestr(TABLES[row.kind].filename, frame.to_csv(index=False))
    return Response(
        buffer.getvalue(),
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="analysis-{job.id}.zip"'},
    )


@router.get(
    "/analyses/{analysis_id}/{kind}", response_model=list[ResultRow], responses=problems(409)
)
def get_result(
    kind: ResultKind,
    job: JobDep,
    session: SessionDep,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    limit: Annotated[int, Query(ge=1, le=100_000)] = 10_000,
) -> list[dict[str, Any]]:
    """A result table as JSON rows, with the same fields as the CLI's CSV of that name."""
    if kind not in RESULT_TABLES:
        raise Problem(
            404, "Not found", f"no result '{kind}'", f"choose one of {', '.join(RESULT_TABLES)}"
        )
    row = crud.get_result(session, _succeeded(job).id, kind)
    if row is None:
        raise Problem(404, "Not found", f"analysis {job.id} has no '{kind}' (metrics attached?)")
    return row.rows[offset : offset + limit]
