"""Synchronous classification of a few texts with a trained model."""

from __future__ import annotations

from fastapi import APIRouter

from api import crud
from api.deps import CallerDep, ClassifiersDep, SessionDep, SettingsDep, project_for
from api.problems import Problem
from api.schemas import ClassifyRequest, ClassifyResponse, Prediction
from api.trained import is_stored_model
from nlp_jtbd.classify.predict import coder_names, top_labels

router = APIRouter(prefix="/v1", tags=["classify"])


@router.post("/classify", response_model=ClassifyResponse)
def classify(
    body: ClassifyRequest,
    who: CallerDep,
    session: SessionDep,
    settings: SettingsDep,
    classifiers: ClassifiersDep,
) -> ClassifyResponse:
    """Label each text (and optional context) with the shipped jtbd5 model or a named one."""
    if len(body.texts) > settings.max_texts:
        raise Problem(
            413,
            "Payload too large",
            f"{len(body.texts)} texts; at most {settings.max_texts}",
            "send fewer texts per request, or use an analysis",
        )
    if body.contexts is not None and len(body.contexts) != len(body.texts):
        raise Problem(422, "Invalid request", "contexts must have one entry per text")
    if is_stored_model(body.model):  # a model trained in a project: that project's keys only
        row = crud.get_trained_model(session, body.model)
        if row is None:
            raise Problem(404, "Not found", f"no model '{body.model}'")
        project_for(row.project_id, who, session)
    model = classifiers.get(body.model)
    coding = model.decide(body.texts, body.contexts)
    predictions = [
        Prediction(label=top[0][0], confidence=top[0][1], top=top, unsure=bool(unsure), coder=coder)
        for top, unsure, coder in zip(
            top_labels(coding.probs, model.classes_),
            coding.unsure,
            coder_names(coding.rule),
            strict=True,
        )
    ]
    return ClassifyResponse(model=str(model.path_), predictions=predictions)
