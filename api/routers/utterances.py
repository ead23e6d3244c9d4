"""A project's utterances with provenance, filtered by role, language, document, or by the
cluster and category an analysis gave them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api import crud
from api.deps import ProjectDep, SessionDep
from api.problems import Problem
from api.schemas import UtteranceOut, UtterancePage
from api.settings import MAX_OFFSET
from api.spec import problems

router = APIRouter(prefix="/v1/projects", tags=["projects"])


@router.get("/{project_id}/utterances", response_model=UtterancePage, responses=problems(409))
def list_utterances(
    project: ProjectDep,
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
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> UtterancePage:
    """Utterances with provenance; filter by role, language, document, category or cluster."""
    labels: tuple[dict, dict] = ({}, {})
    if category is not None or cluster_id is not None or analysis_id is not None:
        job = crud.latest_succeeded(session, project.id, analysis_id)
        if job is None:
            which = f"analysis {analysis_id}" if analysis_id else "analysis"
            raise Problem(
                409,
                "Conflict",
                f"no succeeded {which} in this project to filter by",
                "start one with POST /v1/projects/{id}/analyses and wait for it",
            )
        labels = crud.labels(session, job)
    where = crud.UtteranceFilter(role, lang, document_id, category, cluster_id)
    total, rows = crud.list_utterances(session, project.id, where, labels, offset, limit)
    by_cluster, by_code = labels
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
