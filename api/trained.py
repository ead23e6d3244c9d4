"""Classifiers trained through the API: the training job, and loading them for use."""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from api.db import Document, TrainedModel
from nlp_jtbd.errors import UsageError

_ID = re.compile(r"^[0-9a-f]{32}$")


def train_job(sessions: sessionmaker, job_id: str) -> dict[str, float]:
    """Train the model recorded for ``job_id``; store its card and weights."""
    import time

    from nlp_jtbd.classify import UtteranceClassifier, cross_validate, save_classifier
    from nlp_jtbd.classify.store import training_summary
    from nlp_jtbd.codebook import load_codebook, read_examples

    with sessions() as session:
        row = session.query(TrainedModel).filter(TrainedModel.job_id == job_id).one()
        examples = session.get(Document, row.examples_id)
        content, filename, codebook = examples.content, examples.filename, row.codebook
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
        classifier = UtteranceClassifier(book)
        folds = min(5, int(coded.frame["label"].value_counts().min()))
        metrics = {}
        if folds >= 2:
            slices, _ = cross_validate(classifier, coded, folds)
            metrics["cross_validation"] = {
                "title": f"{folds}-fold cross-validation",
                "slices": slices,
            }
        classifier.fit(coded.texts, coded.labels, coded.contexts)
        out = save_classifier(
            classifier, Path(folder) / "model", training=training_summary(coded), metrics=metrics
        )
        card = json.loads((out / "model.json").read_text("utf-8"))
        weights = (out / "weights.npz").read_bytes()
    with sessions() as session:
        row = session.query(TrainedModel).filter(TrainedModel.job_id == job_id).one()
        row.card, row.weights = card, weights
        session.commit()
    return {"train": round(time.perf_counter() - started, 3)}


def materialise(session: Session, model_id: str, data_dir: Path) -> Path:
    """Write a stored model to ``DATA_DIR/models/<id>/`` (once) and return the folder."""
    row = session.get(TrainedModel, model_id) if _ID.match(model_id) else None
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


def is_stored_model(name: str | None) -> bool:
    return bool(name) and bool(_ID.match(name))


__all__ = ["is_stored_model", "materialise", "train_job"]
