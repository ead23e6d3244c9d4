"""Health and API keys."""

from __future__ import annotations

from fastapi import APIRouter, status
from fastapi.concurrency import run_in_threadpool

from api import crud
from api.db import Database
from api.deps import CallerDep, DatabaseDep, SessionDep
from api.problems import Problem
from api.schemas import Health, KeyCreated, KeyRequest
from api.security import hash_key, new_key
from api.spec import problems
from nlp_jtbd import __version__

router = APIRouter(prefix="/v1")


@router.get("/health", response_model=Health, tags=["system"])
async def health(database: DatabaseDep) -> Health:
    """Liveness and database reachability (no key needed). Async, with one trip to the thread
    pool for the query, so it answers at once while uploads are ingested."""
    await run_in_threadpool(_ping, database)
    return Health(status="ok", version=__version__, database=database.engine.name)


def _ping(database: Database) -> None:
    with database.sessions() as session:
        crud.ping(session)


@router.post(
    "/keys",
    response_model=KeyCreated,
    status_code=status.HTTP_201_CREATED,
    tags=["system"],
    responses=problems(403),
)
def create_key(body: KeyRequest, who: CallerDep, session: SessionDep) -> KeyCreated:
    """Create an API key scoped to projects (admin key only). The key is shown once."""
    if not who.admin:
        raise Problem(403, "Forbidden", "only the admin key (JTBD_ADMIN_KEY) can create keys")
    missing = [p for p in body.projects if crud.get_project(session, p) is None]
    if missing:
        raise Problem(
            422,
            "Unprocessable input",
            f"no project {', '.join(repr(p) for p in missing[:5])}: a key is scoped to projects "
            "that exist",
            "create the project first (POST /v1/projects), or give 'all_projects': true",
        )
    key = new_key()
    row = crud.create_api_key(
        session, hash_key(key), all_projects=body.all_projects, projects=body.projects
    )
    return KeyCreated(key=key, id=row.id, projects=row.projects, all_projects=row.all_projects)
