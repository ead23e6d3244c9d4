"""The dependencies routers declare: the database session, the caller (API key), the
settings, the job runner, the classifier cache, and the project or analysis a path names."""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from api import crud
from api.db import Analysis, Database, Project
from api.jobs import JobRunner
from api.problems import Problem
from api.security import Caller, hash_key
from api.settings import Settings
from api.trained import ClassifierCache

bearer = HTTPBearer(auto_error=False, description="An API key from POST /v1/keys")


async def get_database(request: Request) -> Database:
    return request.app.state.db


def get_session(request: Request) -> Iterator[Session]:
    yield from request.app.state.db.session()


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_jobs(request: Request) -> JobRunner:
    return request.app.state.jobs


async def get_classifiers(request: Request) -> ClassifierCache:
    return request.app.state.classifiers


DatabaseDep = Annotated[Database, Depends(get_database)]
SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
JobsDep = Annotated[JobRunner, Depends(get_jobs)]
ClassifiersDep = Annotated[ClassifierCache, Depends(get_classifiers)]


def get_caller(
    session: SessionDep,
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Caller:
    if credentials is None or not credentials.credentials:
        raise Problem(
            401,
            "Unauthorized",
            "no API key given",
            "send 'Authorization: Bearer <key>'; keys come from POST /v1/keys",
        )
    token = credentials.credentials
    if not token.isascii():  # keys are ASCII; compare_digest refuses other strings
        raise Problem(401, "Unauthorized", "unknown API key", "ask your admin for a key")
    if settings.admin_key and hmac.compare_digest(token.encode(), settings.admin_key.encode()):
        return Caller(None, True, True, frozenset())
    row = crud.api_key_by_hash(session, hash_key(token))
    if row is None:
        raise Problem(401, "Unauthorized", "unknown API key", "ask your admin for a key")
    return Caller(row.id, False, row.all_projects, frozenset(row.projects or ()))


CallerDep = Annotated[Caller, Depends(get_caller)]


def project_for(project_id: str, who: Caller, session: Session) -> Project:
    """The project, if the caller may see it (404 otherwise, so ids do not leak)."""
    project = crud.get_project(session, project_id)
    if project is None or not who.can_see(project):
        raise Problem(404, "Not found", f"no project '{project_id}'")
    return project


def get_project(project_id: str, who: CallerDep, session: SessionDep) -> Project:
    return project_for(project_id, who, session)


def get_job(analysis_id: str, who: CallerDep, session: SessionDep) -> Analysis:
    """The analysis, if the caller may see its project: an unknown id and another team's get
    the same 404, naming neither the project nor the owner."""
    job = crud.get_job(session, analysis_id)
    project = None if job is None else crud.get_project(session, job.project_id)
    if job is None or project is None or not who.can_see(project):
        raise Problem(404, "Not found", f"no analysis '{analysis_id}'")
    return job


ProjectDep = Annotated[Project, Depends(get_project)]
JobDep = Annotated[Analysis, Depends(get_job)]
