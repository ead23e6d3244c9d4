"""Synchronous classification of a few texts with a trained model."""

from __future__ import annotations

from fastapi import APIRouter, Request

from api.auth import CallerDep
from api.problems import Problem
from api.schemas import ClassifyRequest, ClassifyResponse, Prediction

router = APIRouter(prefix="/v1", tags=["classify"])


@router.post("/classify", response_model=ClassifyResponse)
def classify(body: ClassifyRequest, request: Request, _: CallerDep) -> ClassifyResponse:
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
    model = request.app.state.classifier(body.model)
    probs = model.predict_proba(body.texts, body.contexts)
    predictions = []
    for row in probs:
        order = row.argsort()[::-1][:3]
        top = [(model.classes_[i], round(float(row[i]), 4)) for i in order]
        predictions.append(Prediction(label=top[0][0], confidence=top[0][1], top=top))
    return ClassifyResponse(model=str(model.path_), predictions=predictions)
