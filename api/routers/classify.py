"""Synchronous classification of a few texts with a trained model (bounded: see
``api.batching`` for the queue, and the settings for the limits on one request)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool

from api import crud
from api.deps import CallerDep, SessionDep, SettingsDep
from api.problems import Problem
from api.schemas import ClassifyRequest, ClassifyResponse, Prediction
from api.settings import Settings
from api.spec import problems
from api.trained import check_model
from nlp_jtbd.classify.predict import coder_name, coder_names, top_labels

router = APIRouter(prefix="/v1", tags=["classify"])


def check_sizes(body: ClassifyRequest, settings: Settings) -> None:
    """413 for a request over the limits on texts, one text's length and the total."""
    if len(body.texts) > settings.max_texts:
        raise Problem(
            413,
            "Payload too large",
            f"{len(body.texts)} texts; at most {settings.max_texts} per request (JTBD_MAX_TEXTS)",
            "send fewer texts per request, use an analysis, or raise JTBD_MAX_TEXTS",
        )
    if body.contexts is not None and len(body.contexts) != len(body.texts):
        raise Problem(422, "Invalid request", "contexts must have one entry per text")
    total = 0
    for field, values in (("texts", body.texts), ("contexts", body.contexts or ())):
        for index, value in enumerate(values):
            total += len(value)
            if len(value) > settings.max_text_chars:
                raise Problem(
                    413,
                    "Payload too large",
                    f"{field}[{index}] is {len(value):,} characters; one text may have at most "
                    f"{settings.max_text_chars:,} (JTBD_MAX_TEXT_CHARS)",
                    "classify utterances or sentences, not whole documents (upload those to a "
                    "project), or raise JTBD_MAX_TEXT_CHARS",
                )
    if total > settings.max_request_chars:
        raise Problem(
            413,
            "Payload too large",
            f"the texts and contexts hold {total:,} characters; one request may hold at most "
            f"{settings.max_request_chars:,} (JTBD_MAX_REQUEST_CHARS)",
            "split the texts over several requests, or raise JTBD_MAX_REQUEST_CHARS",
        )


@router.post("/classify", response_model=ClassifyResponse, responses=problems(404, 409, 429, 503))
async def classify(
    body: ClassifyRequest,
    request: Request,
    who: CallerDep,
    session: SessionDep,
    settings: SettingsDep,
) -> ClassifyResponse:
    """Label each text (and optional context) with the shipped jtbd5 model or a named one
    (a shipped name or the id of a model trained in one of the caller's projects)."""
    check_sizes(body, settings)

    def may_use(project_id: str) -> bool:
        project = crud.get_project(session, project_id)
        return project is not None and who.can_see(project)

    name = await run_in_threadpool(check_model, session, body.model, may_use)
    model, coding = await request.app.state.classify_queue.classify(
        name, list(body.texts), None if body.contexts is None else list(body.contexts)
    )
    predictions = [
        Prediction(label=top[0][0], confidence=top[0][1], top=top, unsure=bool(unsure), coder=coder)
        for top, unsure, coder in zip(
            top_labels(coding.probs, model.classes_),
            coding.unsure,
            coder_names(coding.rule, coder_name(model)),
            strict=True,
        )
    ]
    return ClassifyResponse(model=name, predictions=predictions)
