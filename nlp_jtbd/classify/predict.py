"""Coding utterances: probabilities turned into the predictions table."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from sklearn.base import clone

if TYPE_CHECKING:
    from nlp_jtbd.classify.model import Coding, UtteranceClassifier
    from nlp_jtbd.llm import LLMCoder


def top_order(probs: np.ndarray, top: int = 3) -> np.ndarray:
    """Column indices of each row's ``top`` most likely labels, best first; ties keep the
    codebook's order (the one ranking every output of the classifier uses)."""
    return np.argsort(-probs, axis=1, kind="stable")[:, :top]


def top_labels(
    probs: np.ndarray, classes: Sequence[str], top: int = 3
) -> list[list[tuple[str, float]]]:
    """Each row's ``top`` labels with their probabilities (rounded to 4 places), best first."""
    order = top_order(probs, top)
    return [
        [(classes[i], round(float(row[i]), 4)) for i in ranks]
        for row, ranks in zip(probs, order, strict=True)
    ]


def coder_names(rule: np.ndarray, model: str = "model") -> np.ndarray:
    """Who decided each row: ``model`` (the classifier's :func:`coder_name`), or
    ``rule:<name>`` for a codebook rule."""
    rule = np.asarray(rule, dtype=object)
    return np.where(rule == "", model, "rule:" + rule.astype(str)).astype(object)


def coder_name(classifier: object) -> str:
    """``model:<name>@<trained date>`` for a saved classifier (its folder's name and the date
    on its card), ``model`` for one fitted in this process."""
    card, path = getattr(classifier, "card_", None), getattr(classifier, "path_", None)
    if not card or path is None:
        return "model"
    created = str(card.get("created", ""))[:10]
    return f"model:{Path(path).name}" + (f"@{created}" if created else "")


def predictions_frame(
    utterance_ids: Iterable[str],
    probs: np.ndarray,
    classes: Sequence[str],
    top: int = 3,
    *,
    coding: Coding | None = None,
    coder: str = "model",
) -> pd.DataFrame:
    """``utterance_id, label, confidence, label_2, score_2, label_3, score_3``; with
    ``coding`` also ``unsure`` (the model's confidence is below its cross-validated threshold)
    and ``coder`` (``coder``, the model's name, or ``rule:<name>``, see
    :mod:`nlp_jtbd.classify.rules`)."""
    order = top_order(probs, top)
    names = np.asarray(classes, dtype=object)
    frame = pd.DataFrame({"utterance_id": list(utterance_ids)})
    for rank in range(min(top, probs.shape[1])):
        label = "label" if rank == 0 else f"label_{rank + 1}"
        score = "confidence" if rank == 0 else f"score_{rank + 1}"
        frame[label] = names[order[:, rank]]
        frame[score] = np.take_along_axis(probs, order[:, rank : rank + 1], axis=1)[:, 0].round(4)
    if coding is not None:
        frame["unsure"] = np.asarray(coding.unsure, dtype=bool)
        frame["coder"] = coder_names(coding.rule, coder)
    return frame


def code_utterances(
    utterances: pd.DataFrame,
    classifier: UtteranceClassifier,
    *,
    include_interviewer: bool = False,
    progress: Callable[[int, int], None] | None = None,
    llm: LLMCoder | None = None,
) -> pd.DataFrame:
    """Code the evidence among ``utterances`` (interviewer questions are their answers'
    context, and coded only with ``include_interviewer``): :func:`predictions_frame` with
    ``unsure`` and ``coder``. With ``llm``, the language model is asked about the unsure codes
    or all of them (its ``llm_mode``), see
    :func:`nlp_jtbd.llm.second_opinion`; its audit record is in the table's ``attrs["llm"]``."""
    from nlp_jtbd.classify.context import interview_context
    from nlp_jtbd.discover.outputs import select_evidence

    table = utterances.copy()
    table["context"] = interview_context(table)
    table = select_evidence(table, include_interviewer)
    coding = classifier.decide(table["text"].tolist(), table["context"].tolist(), progress=progress)
    frame = predictions_frame(
        table["utterance_id"],
        coding.probs,
        classifier.classes_,
        coding=coding,
        coder=coder_name(classifier),
    )
    if llm is None:
        return frame
    from nlp_jtbd.llm import second_opinion

    if llm.codebook != classifier.codebook_.id:
        llm = clone(llm).set_params(codebook=classifier.codebook_.id)
    frame, audit = second_opinion(frame, table, llm)
    frame.attrs["llm"] = audit
    return frame
