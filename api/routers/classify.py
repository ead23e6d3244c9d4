"""Synchronous classification of a few texts with a trained model."""

from __future__ import annotations

from fastapi import APIRouter, Request

from api.auth import CallerDep, SessionDep, project_for
from api.db import TrainedModel
from api.problems import Problem
from api.schemas import ClassifyRequest, ClassifyResponse, Prediction
from api.trained import is_stored_model

router = APIRouter(prefix="/v1", tags=["classify"])


@router.post("/classify", response_model=ClassifyResponse)
def classify(
    body: ClassifyRequest, request: Request, who: CallerDep, session: SessionDep
) -> ClassifyResponse:
    """Label each text (and optional context) with the shipped jtbd5 model or a named one."""
    limit = request.app.state.settings.max_texts
    if len(body.texts) > limit:
        raise Problem(
            413,
            "Payload too large",
            f"{len(body.texts)} texts; at most {limit}",
            "send fewer texts per request, or use an analysis",
        )
    if body.contexts is not None and len(body.contexts) != len(body.texts):
        raise Problem(422, "Invalid request", "contexts must have one entry per text")
    if is_stored_model(body.model):  # a model trained in a project: that project's keys only
        row = session.get(TrainedModel, body.model)
        if row is None:
            raise Problem(404, "Not found", f"no model '{body.model}'")
        project_for(row.project_id, who, session)
    model = request.app.state.classifier(body.model)
    probs = model.predict_proba(body.texts, body.contexts)
    predictions = []
    for row in probs:
        order = row.argsort()[::-1][:3]
        top = [(model.classes_[i], round(float(row[i]), 4)) for i in order]
        predictions.append(Prediction(label=top[0][0], confidence=top[0][1], top=top))
    return ClassifyResponse(model=str(model.path_), predictions=predictions)
