"""Classifiers trained through the API: the training job (``train_classifier``), writing a
stored model to disk for use, and the cache of loaded classifiers."""

from __future__ import annotations

import json
import re
import tempfile
import threading
import time
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from api import crud
from api.problems import Problem
from nlp_jtbd.errors import UsageError

_ID = re.compile(r"^[0-9a-f]{32}$")


def is_stored_model(name: str | None) -> bool:
    """Whether ``name`` is the id of a model trained in a project (not a shipped name)."""
    return bool(name) and bool(_ID.match(name))


@lru_cache(maxsize=1)
def shipped_models() -> tuple[str, ...]:
    """The names of the models installed with nlp_jtbd (``models/<name>/model.json``)."""
    from nlp_jtbd.classify.store import MODELS

    return tuple(sorted(p.parent.name for p in MODELS.glob("*/model.json")))


def project_cache(data_dir: Path, project_id: str) -> Path:
    """The project's own embedding cache folder (no project can time another's texts)."""
    return data_dir / "cache" / project_id


def check_model(session: Session, name: str | None, may_use: Callable[[str], bool]) -> str:
    """The model ``name`` names, by name (shipped) or id (trained in a project whose id
    ``may_use`` accepts), never by path. An unknown id and one the caller may not use get the
    same 404; a model still training gets 409."""
    from nlp_jtbd.classify.store import DEFAULT_MODEL_NAME

    if name is None:
        return DEFAULT_MODEL_NAME
    if name in shipped_models():
        return name
    row = crud.get_trained_model(session, name) if is_stored_model(name) else None
    if row is None or not may_use(row.project_id):
        raise Problem(
            404,
            "Not found",
            f"no model '{name}'",
            "name a shipped model (GET /v1/models) or the id of one trained in your project "
            "(GET /v1/projects/{id}/models)",
        )
    if row.weights is None:
        raise Problem(409, "Conflict", f"model '{name}' is still training", "wait for its job")
    return name


def train_job(sessions: sessionmaker, job_id: str, data_dir: Path) -> dict[str, float]:
    """Train the model recorded for ``job_id`` on its uploaded examples; store its card and
    weights. Returns the job's timings."""
    from nlp_jtbd.classify import UtteranceClassifier, save_classifier
    from nlp_jtbd.classify.store import training_summary
    from nlp_jtbd.classify.training import train_classifier
    from nlp_jtbd.codebook import load_codebook, read_examples

    with sessions() as session:
        row = crud.trained_model_of_job(session, job_id)
        examples = crud.get_document(session, row.examples_id)
        content, filename, codebook = examples.content, examples.filename, row.codebook
        project_id = row.project_id
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="jtbd-train-") as folder:
        path = Path(folder) / ("examples" + Path(filename).suffix.lower())
        path.write_bytes(content)
        book = load_codebook(codebook.split("@")[0])
        if book.ref != codebook:
            raise UsageError(
                f"the codebook changed from {codebook} to {book.ref} since the upload",
                fix="upload the examples again to train on the installed codebook",
            )
        coded = read_examples(path, book)
        classifier = UtteranceClassifier(book, cache_dir=project_cache(data_dir, project_id))
        training = train_classifier(classifier, coded)
        out = save_classifier(
            classifier,
            Path(folder) / "model",
            training=training_summary(coded),
            metrics=training.metrics,
        )
        card = json.loads((out / "model.json").read_text("utf-8"))
        weights = (out / "weights.npz").read_bytes()
    with sessions() as session:
        crud.save_trained_model(session, job_id, card, weights)
    return {"train": round(time.perf_counter() - started, 3)}


def materialise(session: Session, model_id: str, data_dir: Path) -> Path:
    """Write a stored model to ``DATA_DIR/models/<id>/`` (once) and return the folder."""
    row = crud.get_trained_model(session, model_id) if _ID.match(model_id) else None
    if row is None:
        raise UsageError(
            f"no trained model '{model_id}'",
            fix="use a shipped model (GET /v1/models) or one trained in a project",
        )
    if row.weights is None:
        raise UsageError(f"model '{model_id}' is still training", fix="wait for its job")
    folder = data_dir / "models" / row.id
    if not (folder / "model.json").exists():
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "weights.npz").write_bytes(row.weights)
        (folder / "model.json").write_text(json.dumps(row.card, ensure_ascii=False), "utf-8")
    return folder


def scores(card: dict, kinds: tuple[str, ...]) -> dict[str, dict[str, float]]:
    """Macro-F1 and kappa per slice of a model card, from the first of ``kinds``
    (``held_out``, ``cross_validation``) it has."""
    metrics = card.get("metrics") or {}
    block = next((metrics[k] for k in kinds if metrics.get(k)), {})
    return {
        name: {"macro_f1": s["macro_f1"], "kappa": s["kappa"]}
        for name, s in block.get("slices", {}).items()
    }


class ClassifierCache:
    """Trained classifiers by name (shipped) or id (trained here), loaded once, shared. They
    embed without the on-disk cache: a cache shared by every caller would let one time
    another's texts, and a text sent to classify is rarely sent again."""

    def __init__(self, sessions: sessionmaker, data_dir: Path) -> None:
        self.sessions = sessions
        self.data_dir = data_dir
        self._loaded: dict[str | None, object] = {}
        self._lock = threading.Lock()

    def get(self, name: str | None):  # noqa: ANN201 - UtteranceClassifier, imported lazily
        """The classifier a shipped ``name`` (None: the default) or a stored id names."""
        from nlp_jtbd.classify import load_classifier
        from nlp_jtbd.classify.store import DEFAULT_MODEL_NAME, MODELS

        name = name or DEFAULT_MODEL_NAME
        with self._lock:
            if name not in self._loaded:
                if is_stored_model(name):
                    with self.sessions() as session:
                        source = materialise(session, name, self.data_dir)
                elif name in shipped_models():
                    source = MODELS / name
                else:
                    raise UsageError(f"no model '{name}'", fix="GET /v1/models lists them")
                classifier = load_classifier(source)
                classifier.use_cache = False
                self._loaded[name] = classifier
            return self._loaded[name]

    def forget(self, model_ids: list[str]) -> None:
        """Drop deleted models (their project was deleted)."""
        with self._lock:
            for model_id in model_ids:
                self._loaded.pop(model_id, None)


__all__ = [
    "ClassifierCache",
    "check_model",
    "is_stored_model",
    "materialise",
    "project_cache",
    "scores",
    "shipped_models",
    "train_job",
]
