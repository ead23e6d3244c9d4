"""Projects and their documents: uploads (ingested now, with an optional metadata manifest),
JSON text documents and customer metrics."""

from __future__ import annotations

import logging
import shutil
from typing import Annotated

from fastapi import APIRouter, File, Request, Response, UploadFile, status
from fastapi.concurrency import run_in_threadpool
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
from api.spec import problems
from api.storage import ManifestMatch, ingest_upload, read_limited, read_manifest, safe_filename
from api.trained import project_cache
from nlp_jtbd.errors import JTBDError

router = APIRouter(prefix="/v1/projects", tags=["projects"])
log = logging.getLogger("nlp_jtbd.api.uploads")
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
        manifest = await read_limited(meta, limit)
        match = ManifestMatch(await run_in_threadpool(read_manifest, meta_name, manifest))
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
    # Ingesting is CPU work: in a worker thread, so the server answers other requests meanwhile.
    return await run_in_threadpool(_ingest_and_store, session, project, items, errors)


@router.post(
    "/{project_id}/documents/text",
    response_model=UploadResult,
    status_code=status.HTTP_201_CREATED,
)
def upload_texts(
    project: ProjectDep, body: TextDocuments, session: SessionDep, settings: SettingsDep
) -> UploadResult:
    """Documents as JSON text: a transcript with speaker labels, or any plain text."""
    items, total, limit = [], 0, settings.max_upload_bytes
    for doc in body.documents:
        content = doc.text.encode("utf-8")
        total += len(content)
        if len(content) > limit or total > limit:
            which = f"'{doc.name}' is" if len(content) > limit else "the documents together are"
            raise Problem(
                413,
                "Payload too large",
                f"{which} larger than {limit / 1e6:g} MB (JTBD_MAX_UPLOAD_MB)",
                "split them over several requests, or raise JTBD_MAX_UPLOAD_MB",
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
    """Store each file that reads (a file sent again is the document already stored); a file
    that fails costs only itself, and is listed with the reasons. 422 when none is stored."""
    stored: list[Document] = []
    for name, content, meta in items:
        same = crud.same_document(session, project.id, "text", content)
        if same is not None:
            stored.append(same)
            if same.filename != name:
                errors.append(
                    FileError(
                        filename=name,
                        errors=[
                            f"identical to '{same.filename}', already in the project; "
                            "not stored again"
                        ],
                    )
                )
            continue
        doc, problems = _store_one(session, project, name, content, meta)
        if doc is not None:
            stored.append(doc)
        if problems:
            errors.append(FileError(filename=name, errors=problems))
    if not stored:
        session.rollback()
        reasons = "; ".join(f"{e.filename}: {' '.join(e.errors)}" for e in errors)
        raise Problem(
            422,
            "Unprocessable input",
            f"no file of the upload could be stored ({reasons})",
            "fix or replace the files named, and upload them again",
        )
    session.commit()
    return UploadResult(documents=[document_out(d) for d in stored], errors=errors)


def _store_one(
    session: Session, project: Project, name: str, content: bytes, meta: dict[str, str] | None
) -> tuple[Document | None, list[str]]:
    """(the stored document or None, the file's problems: why it was refused, or warnings)."""
    try:
        frame, problems = ingest_upload(name, content, meta)
    except JTBDError as exc:
        return None, [exc.message]
    except Exception as exc:  # a reader's bug must not cost the rest of the upload
        log.exception("reading upload %s failed", name)
        return None, [f"could not be read ({exc.__class__.__name__}); the file may be damaged"]
    if frame.empty:
        return None, problems or ["no utterances found"]
    ids = [str(i) for i in frame["utterance_id"]]
    clash = crud.clashing_utterance_ids(session, project.id, ids)
    if clash:
        return None, [
            f"{len(clash)} of its utterance ids are already in the project (e.g. '{clash[0]}'): "
            "the same rows came in another file; delete that document "
            "(DELETE /v1/projects/{id}/documents/{document_id}) or upload only new rows"
        ]
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
    return doc, problems


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


def _idle(session: Session, project: Project) -> None:
    if crud.busy_jobs(session, project.id):
        raise Problem(
            409,
            "Conflict",
            "the project has an analysis or training queued or running",
            "wait until it has finished (GET /v1/analyses/{id}), then delete",
        )


def _forget(request: Request, model_ids: list[str]) -> None:
    data_dir = request.app.state.settings.data_dir
    request.app.state.classifiers.forget(model_ids)
    for model_id in model_ids:
        shutil.rmtree(data_dir / "models" / model_id, ignore_errors=True)


@router.delete(
    "/{project_id}/documents/{document_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problems(409),
)
def delete_document(
    document_id: str, project: ProjectDep, session: SessionDep, request: Request
) -> Response:
    """Delete a document with its utterances and what was derived from it (the project's
    analyses; for coded examples, the models trained on them)."""
    doc = crud.get_document(session, document_id)
    if doc is None or doc.project_id != project.id:
        raise Problem(404, "Not found", f"no document '{document_id}' in this project")
    _idle(session, project)
    _forget(request, crud.delete_document(session, doc))
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.delete("/{project_id}", status_code=status.HTTP_204_NO_CONTENT, responses=problems(409))
def delete_project(project: ProjectDep, session: SessionDep, request: Request) -> Response:
    """Delete a project with everything in it: documents, utterances, analyses, models and
    its embedding cache."""
    _idle(session, project)
    _forget(request, crud.delete_project(session, project))
    shutil.rmtree(
        project_cache(request.app.state.settings.data_dir, project.id), ignore_errors=True
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)
