"""Training a classifier from human-coded examples, with the figures for its model card.

The one training procedure behind `jtbd train` and the API's training jobs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from nlp_jtbd.classify.evaluate import cross_validate, sliced_report
from nlp_jtbd.classify.model import UtteranceClassifier
from nlp_jtbd.codebook import CodedExamples
from nlp_jtbd.errors import UsageError

MAX_AUTO_FOLDS = 5


@dataclass
class Training:
    """A fitted classifier and its measured quality (``metrics``: cross_validation and/or
    held_out, each with a title and per-slice reports)."""

    classifier: UtteranceClassifier
    metrics: dict[str, dict[str, object]] = field(default_factory=dict)


def auto_folds(examples: CodedExamples) -> int:
    """As many folds as the rarest label allows, at most 5 (0: too few to cross-validate)."""
    folds = min(MAX_AUTO_FOLDS, int(examples.frame["label"].value_counts().min()))
    return folds if folds >= 2 else 0


def train_classifier(
    classifier: UtteranceClassifier,
    examples: CodedExamples,
    *,
    folds: int | None = None,
    held_out: CodedExamples | None = None,
    held_out_name: str = "the held-out examples",
    progress: Callable[[int, int], None] | None = None,
) -> Training:
    """Cross-validate ``classifier`` on ``examples`` (``folds``; None: :func:`auto_folds`;
    0: skip), fit it on all of them and score it on ``held_out`` (never trained on)."""
    metrics: dict[str, dict[str, object]] = {}
    folds = auto_folds(examples) if folds is None else folds
    if folds:
        slices, _ = cross_validate(classifier, examples, folds)
        metrics["cross_validation"] = {
            "title": f"{folds}-fold cross-validation on the training examples",
            "slices": slices,
        }
    features = classifier.featurize(examples.texts, examples.contexts, progress)
    classifier.fit(examples.texts, examples.labels, features=features)
    if held_out is not None:
        overlap = set(held_out.texts) & set(examples.texts)
        if overlap:
            raise UsageError(
                f"{len(overlap)} texts of {held_out_name} are also in the training examples",
                fix="`held_out` must be examples the model is not trained on",
            )
        predicted = classifier.predict(held_out.texts, held_out.contexts)
        metrics["held_out"] = {
            "title": f"Held-out evaluation on {held_out_name} (not trained on)",
            "slices": sliced_report(
                held_out.labels, predicted, held_out.frame["lang"].tolist(), classifier.classes_
            ),
        }
    return Training(classifier, metrics)


__all__ = ["Training", "auto_folds", "train_classifier"]
