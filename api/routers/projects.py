"""Projects and their documents: uploads (ingested now, with an optional metadata manifest),
JSON text documents and customer metrics."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, UploadFile, status
from sqlalchemy.orm import Session

from api import crud
from api.db import Document, Project
from api.deps import CallerDep, ProjectDep, SessionDep, SettingsDep
from api.problems import Problem
from api.schemas import (
    DocumentOut,
    FileError,
    ProjectOut,
    ProjectRequest,
    TextDocuments,
    UploadResult,
)
from api.storage import ManifestMatch, ingest_upload, read_limited, read_manifest, safe_filename
from nlp_jtbd.errors import JTBDError

router = APIRouter(prefix="/v1/projects", tags=["projects"])
METRICS_SUFFIXES = (".csv", ".tsv", ".xlsx", ".parquet")


def document_out(doc: Document) -> DocumentOut:
    return DocumentOut(
        id=doc.id,
        filename=doc.filename,
        kind=doc.kind,
        size=doc.size,
        utterances=doc.utterances,
        position=doc.position,
        meta=doc.meta,
        created=doc.created,
    )


def project_out(project: Project) -> ProjectOut:
    return ProjectOut(id=project.id, name=project.name, created=project.created)


@router.post("", response_model=ProjectOut, status_code=status.HTTP_201_CREATED)
def create_project(body: ProjectRequest, who: CallerDep, session: SessionDep) -> ProjectOut:
    return project_out(crud.create_project(session, body.name, who.key_id or "admin"))


@router.get("", response_model=list[ProjectOut])
def list_projects(who: CallerDep, session: SessionDep) -> list[ProjectOut]:
    return [project_out(p) for p in crud.visible_projects(session, who)]


@router.get("/{project_id}", response_model=ProjectOut)
def get_project(project: ProjectDep) -> ProjectOut:
    return project_out(project)


@router.post(
    "/{project_id}/documents", response_model=UploadResult, status_code=status.HTTP_201_CREATED
)
async def upload_documents(
    project: ProjectDep,
    session: SessionDep,
    settings: SettingsDep,
    files: Annotated[list[UploadFile], File(description="Transcripts or review files")],
    meta: Annotated[
        UploadFile | None,
        File(
            description="Per-file metadata: a CSV with a `path` (or `file`) column naming the "
            "uploaded files and any other columns (customer_id, interviewee, interviewer, "
            "company, …), as `jtbd analyze --meta` reads it"
        ),
    ] = None,
) -> UploadResult:
    """Upload one or more files in any format `jtbd ingest` reads; each is ingested now."""
    limit = settings.max_upload_bytes
    match, errors = None, []
    if meta is not None:
        meta_name = safe_filename(meta.filename)
        match = ManifestMatch(read_manifest(meta_name, await read_limited(meta, limit)))
    items = []
    for upload in files:
        name = safe_filename(upload.filename)
        row = match.meta_for(upload.filename, name) if match else None
        items.append((name, await read_limited(upload, limit), row))
    if match is not None and match.unused():
        unused = match.unused()
        errors.append(
            FileError(
                filename=meta_name,
                errors=[f"{len(unused)} rows match no uploaded file: {', '.join(unused[:5])}"],
            )
        )
    return _ingest_and_store(session, project, items, errors)


@router.post(
    "/{project_id}/documents/text",
    response_model=UploadResult,
    status_code=status.HTTP_201_CREATED,
)
def upload_texts(
    project: ProjectDep, body: TextDocuments, session: SessionDep, settings: SettingsDep
) -> UploadResult:
    """Documents as JSON text: a transcript with speaker labels, or any plain text."""
    items = []
    for doc in body.documents:
        content = doc.text.encode("utf-8")
        if len(content) > settings.max_upload_bytes:
            raise Problem(
                413,
                "Payload too large",
                f"'{doc.name}' is larger than the limit",
                "split it, or raise JTBD_MAX_UPLOAD_MB",
            )
        name = safe_filename(doc.name)
        if not name.endswith((".txt", ".md", ".vtt", ".srt")):
            name += ".txt"
        items.append((name, content, {"customer_id": doc.customer_id} if doc.customer_id else None))
    return _ingest_and_store(session, project, items, [])


def _ingest_and_store(
    session: Session,
    project: Project,
    items: list[tuple[str, bytes, dict[str, str] | None]],
    errors: list[FileError],
) -> UploadResult:
    stored = []
    for name, content, meta in items:
        try:
            frame, problems = ingest_upload(name, content, meta)
        except JTBDError as exc:
            errors.append(FileError(filename=name, errors=[exc.message]))
            continue
        if frame.empty:
            errors.append(FileError(filename=name, errors=problems or ["no utterances found"]))
            continue
        doc = crud.add_document(
            session,
            project.id,
            filename=name,
            kind="text",
            content=content,
            utterances=len(frame),
            meta=meta,
        )
        crud.add_utterances(session, doc, frame)
        stored.append(doc)
        if problems:
            errors.append(FileError(filename=name, errors=problems))
    session.commit()
    return UploadResult(documents=[document_out(d) for d in stored], errors=errors)


@router.post(
    "/{project_id}/metrics", response_model=DocumentOut, status_code=status.HTTP_201_CREATED
)
async def upload_metrics(
    project: ProjectDep,
    session: SessionDep,
    settings: SettingsDep,
    file: Annotated[UploadFile, File(description="Customer metrics: CSV, XLSX or Parquet")],
) -> DocumentOut:
    """Attach customer metrics; analyses then also run ABCDX and the crossing."""
    name = safe_filename(file.filename)
    if not name.endswith(METRICS_SUFFIXES):
        raise Problem(
            422,
            "Unprocessable input",
            f"'{name}' is not CSV, XLSX or Parquet",
            "upload the metrics as .csv, .xlsx or .parquet",
        )
    content = await read_limited(file, settings.max_upload_bytes)
    doc = crud.add_document(session, project.id, filename=name, kind="metrics", content=content)
    session.commit()
    return document_out(doc)


@router.get("/{project_id}/documents", response_model=list[DocumentOut])
def list_documents(project: ProjectDep, session: SessionDep) -> list[DocumentOut]:
    """The project's documents in upload order."""
    return [document_out(d) for d in crud.list_documents(session, project.id)]
