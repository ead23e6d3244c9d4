"""Projects, their documents (uploads) and utterances."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Query, Request, UploadFile, status
from sqlalchemy import func, select

from api.auth import CallerDep, SessionDep, project_for
from api.db import Analysis, Document, Project, Result, Utterance
from api.problems import Problem
from api.schemas import (
    DocumentOut,
    FileError,
    ProjectOut,
    ProjectRequest,
    TextDocuments,
    UploadResult,
    UtteranceOut,
    UtterancePage,
)
from api.storage import ingest_upload, safe_filename, store_utterances
from nlp_jtbd.errors import JTBDError

router = APIRouter(prefix="/v1/projects", tags=["projects"])
METRICS_SUFFIXES = (".csv", ".tsv", ".xlsx", ".parquet")


def _document(doc: Document) -> DocumentOut:
    return DocumentOut(
        id=doc.id,
        filename=doc.filename,
        kind=doc.kind,
        size=doc.size,
        utterances=doc.utterances,
        created=doc.created,
    )


@router.post("", response_model=ProjectOut, status_code=status.HTTP_201_CREATED)
def create_project(body: ProjectRequest, who: CallerDep, session: SessionDep) -> ProjectOut:
    project = Project(name=body.name, owner_key=who.key_id or "admin")
    session.add(project)
    session.commit()
    return ProjectOut(id=project.id, name=project.name, created=project.created)


@router.get("", response_model=list[ProjectOut])
def list_projects(who: CallerDep, session: SessionDep) -> list[ProjectOut]:
    rows = session.scalars(select(Project).order_by(Project.created)).all()
    return [ProjectOut(id=p.id, name=p.name, created=p.created) for p in rows if who.can_see(p)]


@router.get("/{project_id}", response_model=ProjectOut)
def get_project(project_id: str, who: CallerDep, session: SessionDep) -> ProjectOut:
    project = project_for(project_id, who, session)
    return ProjectOut(id=project.id, name=project.name, created=project.created)


async def read_limited(upload: UploadFile, limit: int) -> bytes:
    content = await upload.read(limit + 1)
    if len(content) > limit:
        raise Problem(
            413,
            "Payload too large",
            f"'{upload.filename}' is larger than {limit / 1e6:g} MB",
            "split the file, or raise JTBD_MAX_UPLOAD_MB",
        )
    return content


@router.post(
    "/{project_id}/documents", response_model=UploadResult, status_code=status.HTTP_201_CREATED
)
async def upload_documents(
    project_id: str,
    request: Request,
    who: CallerDep,
    session: SessionDep,
    files: Annotated[list[UploadFile], File(description="Transcripts or review files")],
) -> UploadResult:
    """Upload one or more files in any format `jtbd ingest` reads; each is ingested now."""
    project = project_for(project_id, who, session)
    limit = request.app.state.settings.max_upload_bytes
    items = [(safe_filename(u.filename), await read_limited(u, limit), None) for u in files]
    return _ingest_and_store(session, project, items)


@router.post(
    "/{project_id}/documents/text",
    response_model=UploadResult,
    status_code=status.HTTP_201_CREATED,
)
def upload_texts(
    project_id: str, body: TextDocuments, request: Request, who: CallerDep, session: SessionDep
) -> UploadResult:
    """Documents as JSON text: a transcript with speaker labels, or any plain text."""
    project = project_for(project_id, who, session)
    limit = request.app.state.settings.max_upload_bytes
    items = []
    for doc in body.documents:
        content = doc.text.encode("utf-8")
        if len(content) > limit:
            raise Problem(
                413,
                "Payload too large",
                f"'{doc.name}' is larger than the limit",
                "split it, or raise JTBD_MAX_UPLOAD_MB",
            )
        name = safe_filename(doc.name)
        if not name.endswith((".txt", ".md", ".vtt", ".srt")):
            name += ".txt"
        items.append((name, content, doc.customer_id))
    return _ingest_and_store(session, project, items)


def _ingest_and_store(
    session: SessionDep, project: Project, items: list[tuple[str, bytes, str | None]]
) -> UploadResult:
    stored, errors = [], []
    for name, content, customer_id in items:
        try:
            frame, problems = ingest_upload(name, content)
        except JTBDError as exc:
            errors.append(FileError(filename=name, errors=[exc.message]))
            continue
        if frame.empty:
            errors.append(FileError(filename=name, errors=problems or ["no utterances found"]))
            continue
        if customer_id:
            frame["customer_id"] = customer_id
        doc = Document(
            project_id=project.id,
            filename=name,
            kind="text",
            content=content,
            size=len(content),
            utterances=len(frame),
        )
        session.add(doc)
        session.flush()
        store_utterances(session, project.id, doc, frame)
        stored.append(doc)
        if problems:
            errors.append(FileError(filename=name, errors=problems))
    session.commit()
    return UploadResult(documents=[_document(d) for d in stored], errors=errors)


@router.post(
    "/{project_id}/metrics", response_model=DocumentOut, status_code=status.HTTP_201_CREATED
)
async def upload_metrics(
    project_id: str,
    request: Request,
    who: CallerDep,
    session: SessionDep,
    file: Annotated[UploadFile, File(description="Customer metrics: CSV, XLSX or Parquet")],
) -> DocumentOut:
    """Attach customer metrics; analyses then also run ABCDX and the crossing."""
    project = project_for(project_id, who, session)
    name = safe_filename(file.filename)
    if not name.endswith(METRICS_SUFFIXES):
        raise Problem(
            422,
            "Unprocessable input",
            f"'{name}' is not CSV, XLSX or Parquet",
            "upload the metrics as .csv, .xlsx or .parquet",
        )
    content = await read_limited(file, request.app.state.settings.max_upload_bytes)
    doc = Document(
        project_id=project.id,
        filename=name,
        kind="metrics",
        content=content,
        size=len(content),
        utterances=0,
    )
    session.add(doc)
    session.commit()
    return _document(doc)


@router.get("/{project_id}/documents", response_model=list[DocumentOut])
def list_documents(project_id: str, who: CallerDep, session: SessionDep) -> list[DocumentOut]:
    project = project_for(project_id, who, session)
    docs = session.scalars(
        select(Document).where(Document.project_id == project.id).order_by(Document.created)
    ).all()
    return [_document(d) for d in docs]


def _labels(session: SessionDep, project: Project, analysis_id: str | None) -> tuple[dict, dict]:
    """utterance_id → cluster_id and → category from an analysis (default: the latest done)."""
    query = select(Analysis).where(Analysis.project_id == project.id)
    if analysis_id:
        query = query.where(Analysis.id == analysis_id)
    job = session.scalars(
        query.where(Analysis.status == "succeeded").order_by(Analysis.created.desc())
    ).first()
    if job is None:
        raise Problem(
            409,
            "Conflict",
            f"no succeeded analysis {analysis_id or ''} in this project to filter by".replace(
                "  ", " "
            ),
            "start one with POST /v1/projects/{id}/analyses and wait for it",
        )
    clusters = session.get(Result, (job.id, "assignments"))
    codes = session.get(Result, (job.id, "predictions"))
    by_cluster = {r["utterance_id"]: r["cluster_id"] for r in (clusters.rows if clusters else [])}
    by_code = {r["utterance_id"]: r["label"] for r in (codes.rows if codes else [])}
    return by_cluster, by_code


@router.get("/{project_id}/utterances", response_model=UtterancePage)
def list_utterances(
    project_id: str,
    who: CallerDep,
    session: SessionDep,
    role: str | None = None,
    lang: str | None = None,
    document_id: str | None = None,
    category: Annotated[str | None, Query(description="Coded category (needs an analysis)")] = None,
    cluster_id: Annotated[
        int | None, Query(description="Discovered cluster (needs an analysis)")
    ] = None,
    analysis_id: Annotated[
        str | None, Query(description="Analysis for category/cluster (default: latest)")
    ] = None,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> UtterancePage:
    """Utterances with provenance; filter by role, language, document, category or cluster."""
    project = project_for(project_id, who, session)
    query = select(Utterance).where(Utterance.project_id == project.id)
    if role:
        query = query.where(Utterance.role == role)
    if lang:
        query = query.where(Utterance.lang == lang)
    if document_id:
        query = query.where(Utterance.document_id == document_id)
    labelled = category is not None or cluster_id is not None or analysis_id is not None
    by_cluster, by_code = _labels(session, project, analysis_id) if labelled else ({}, {})
    if category is not None or cluster_id is not None:
        rows = [
            u
            for u in session.scalars(query.order_by(Utterance.pk))
            if (category is None or by_code.get(u.utterance_id) == category)
            and (cluster_id is None or by_cluster.get(u.utterance_id) == cluster_id)
        ]
        total, rows = len(rows), rows[offset : offset + limit]
    else:
        total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = session.scalars(query.order_by(Utterance.pk).offset(offset).limit(limit)).all()
    items = [
        UtteranceOut(
            utterance_id=u.utterance_id,
            document_id=u.document_id,
            text=u.text,
            role=u.role,
            lang=u.lang,
            speaker=u.speaker,
            customer_id=u.customer_id,
            provenance=u.row,
            cluster_id=by_cluster.get(u.utterance_id),
            category=by_code.get(u.utterance_id),
        )
        for u in rows
    ]
    return UtterancePage(items=items, total=total, offset=offset, limit=limit)
