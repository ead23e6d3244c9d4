"""Health and API keys."""

from __future__ import annotations

from fastapi import APIRouter, status

from api import crud
from api.deps import CallerDep, DatabaseDep, SessionDep
from api.problems import Problem
from api.schemas import Health, KeyCreated, KeyRequest
from api.security import hash_key, new_key
from nlp_jtbd import __version__

router = APIRouter(prefix="/v1")


@router.get("/health", response_model=Health, tags=["system"])
def health(session: SessionDep, database: DatabaseDep) -> Health:
    """Liveness and database reachability (no key needed)."""
    crud.ping(session)
    return Health(status="ok", version=__version__, database=database.engine.name)


@router.post(
    "/keys", response_model=KeyCreated, status_code=status.HTTP_201_CREATED, tags=["system"]
)
def create_key(body: KeyRequest, who: CallerDep, session: SessionDep) -> KeyCreated:
    """Create an API key scoped to projects (admin key only). The key is shown once."""
    if not who.admin:
        raise Problem(403, "Forbidden", "only the admin key (JTBD_ADMIN_KEY) can create keys")
    key = new_key()
    row = crud.create_api_key(
        session, hash_key(key), all_projects=body.all_projects, projects=body.projects
    )
    return KeyCreated(key=key, id=row.id, projects=row.projects, all_projects=row.all_projects)
