"""Health and API keys."""

from __future__ import annotations

from fastapi import APIRouter, Request, status
from sqlalchemy import text

from api.auth import CallerDep, SessionDep, hash_key, new_key
from api.db import ApiKey
from api.problems import Problem
from api.schemas import Health, KeyCreated, KeyRequest
from nlp_jtbd import __version__

router = APIRouter(prefix="/v1")


@router.get("/health", response_model=Health, tags=["system"])
def health(request: Request, session: SessionDep) -> Health:
    """Liveness and database reachability (no key needed)."""
    session.execute(text("SELECT 1"))
    return Health(status="ok", version=__version__, database=request.app.state.db.engine.name)


@router.post(
    "/keys", response_model=KeyCreated, status_code=status.HTTP_201_CREATED, tags=["system"]
)
def create_key(body: KeyRequest, who: CallerDep, session: SessionDep) -> KeyCreated:
    """Create an API key scoped to projects (admin key only). The key is shown once."""
    if not who.admin:
        raise Problem(403, "Forbidden", "only the admin key (JTBD_ADMIN_KEY) can create keys")
    key = new_key()
    row = ApiKey(
        key_hash=hash_key(key), all_projects=body.all_projects, projects=sorted(set(body.projects))
    )
    session.add(row)
    session.commit()
    return KeyCreated(key=key, id=row.id, projects=row.projects, all_projects=row.all_projects)
