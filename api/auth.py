"""API keys: random tokens stored as SHA-256 hashes, scoped to projects; an admin key from
``JTBD_ADMIN_KEY`` creates them. A key used on another team's project gets 404, not 403, so
project ids do not leak."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.db import ApiKey, Project
from api.problems import Problem

bearer = HTTPBearer(auto_error=False, description="An API key from POST /v1/keys")


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def new_key() -> str:
    return "jtbd_" + secrets.token_urlsafe(32)


@dataclass
class Caller:
    """Who is calling: the admin, or a stored key with its project scope."""

    key_id: str | None
    admin: bool
    all_projects: bool
    projects: frozenset[str]

    def can_see(self, project: Project) -> bool:
        return (
            self.admin
            or self.all_projects
            or project.id in self.projects
            or project.owner_key == self.key_id
        )


def get_session(request: Request):  # noqa: ANN201 - generator dependency
    yield from request.app.state.db.session()


SessionDep = Annotated[Session, Depends(get_session)]


def caller(
    request: Request,
    session: SessionDep,
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
    admin = request.app.state.settings.admin_key
    if admin and hmac.compare_digest(token, admin):
        return Caller(None, True, True, frozenset())
    row = session.scalar(select(ApiKey).where(ApiKey.key_hash == hash_key(token)))
    if row is None:
        raise Problem(401, "Unauthorized", "unknown API key", "ask your admin for a key")
    return Caller(row.id, False, row.all_projects, frozenset(row.projects or ()))


CallerDep = Annotated[Caller, Depends(caller)]


def project_for(project_id: str, who: Caller, session: Session) -> Project:
    project = session.get(Project, project_id)
    if project is None or not who.can_see(project):
        raise Problem(404, "Not found", f"no project '{project_id}'")
    return project
