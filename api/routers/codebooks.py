"""Codebooks and trained models this server can code with."""

from __future__ import annotations

import json

from fastapi import APIRouter

from api.deps import CallerDep
from api.problems import Problem
from api.schemas import CodebookOut, LabelOut, ModelOut
from api.spec import problems
from api.trained import scores
from nlp_jtbd.classify.store import MODELS
from nlp_jtbd.codebook import available_codebooks, load_codebook
from nlp_jtbd.errors import JTBDError

router = APIRouter(prefix="/v1", tags=["codebooks"])


def _codebook(name: str) -> CodebookOut:
    book = load_codebook(name)
    return CodebookOut(
        id=book.id,
        version=book.version,
        title=book.title,
        languages=book.languages,
        fallback_label=book.fallback_label,
        labels=[LabelOut(name=x.name, title=x.title, definition=x.definition) for x in book.labels],
    )


@router.get("/codebooks", response_model=list[CodebookOut])
def list_codebooks(_: CallerDep) -> list[CodebookOut]:
    return [_codebook(name) for name in available_codebooks()]


@router.get("/codebooks/{codebook_id}", response_model=CodebookOut, responses=problems(404))
def get_codebook(codebook_id: str, _: CallerDep) -> CodebookOut:
    if codebook_id not in available_codebooks():
        raise Problem(404, "Not found", f"no codebook '{codebook_id}'")
    try:
        return _codebook(codebook_id)
    except JTBDError as exc:
        raise Problem(500, "Broken codebook", exc.message) from exc


@router.get("/models", response_model=list[ModelOut])
def list_models(_: CallerDep) -> list[ModelOut]:
    """Shipped trained models, with their held-out (or cross-validated) scores per language."""
    models = []
    for card_path in sorted(MODELS.glob("*/model.json")):
        card = json.loads(card_path.read_text("utf-8"))
        models.append(
            ModelOut(
                name=card_path.parent.name,
                codebook=f"{card['codebook']['id']}@{card['codebook']['version']}",
                embedding=card["embedding"]["key"],
                classes=card["classes"],
                metrics=scores(card, ("held_out", "cross_validation")),
            )
        )
    return models
