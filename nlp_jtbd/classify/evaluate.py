"""Measuring a classifier against human coding: held-out evaluation and k-fold cross-validation."""

from __future__ import annotations

import numpy as np
from sklearn.base import clone
from sklearn.model_selection import StratifiedKFold

from nlp_jtbd.classify.metrics import classification_report
from nlp_jtbd.classify.model import UtteranceClassifier
from nlp_jtbd.codebook import CodedExamples
from nlp_jtbd.errors import UsageError


def sliced_report(
    truth: list[str], predicted: list[str], langs: list[str], labels: list[str]
) -> dict[str, dict[str, object]]:
    """The report over all examples (``all``) and per language."""
    truth_a, pred_a, lang_a = np.array(truth), np.array(predicted), np.array(langs)
    slices = {"all": classification_report(truth, predicted, labels)}
    for lang in sorted(set(langs)):
        rows = lang_a == lang
        slices[lang] = classification_report(list(truth_a[rows]), list(pred_a[rows]), labels)
    return slices


def evaluate(classifier: UtteranceClassifier, examples: CodedExamples) -> dict[str, object]:
    """Score a trained classifier on coded examples it has not seen."""
    predicted = classifier.predict(examples.texts, examples.contexts)
    labels = list(classifier.classes_)
    labels += (
        [x for x in classifier.codebook_.names if x not in labels] if classifier.codebook_ else []
    )
    report = classification_report(examples.labels, predicted, labels)
    langs = examples.frame["lang"].tolist()
    if len(set(langs)) > 1:
        report["per_language"] = {
            k: v
            for k, v in sliced_report(examples.labels, predicted, langs, labels).items()
            if k != "all"
        }
    return report


def cross_validate(
    classifier: UtteranceClassifier, examples: CodedExamples, folds: int = 5
) -> tuple[dict[str, dict[str, object]], list[str]]:
    """Stratified k-fold: every example is predicted by a model that never saw it.

    Returns the per-slice reports (``all`` and per language) and the out-of-fold predictions.
    Texts are embedded once (``featurize``); each fold fits an unfitted clone of
    ``classifier`` on those features, so ``classifier`` itself is left as it was.
    """
    counts = examples.frame["label"].value_counts()
    if counts.min() < folds:
        raise UsageError(
            f"{folds}-fold cross-validation needs at least {folds} examples of every label; "
            f"'{counts.idxmin()}' has {int(counts.min())}",
            fix=f"code more examples of it, or use `folds={max(2, int(counts.min()))}`",
        )
    features = classifier.featurize(examples.texts, examples.contexts)
    truth = np.array(examples.labels)
    predicted = np.empty(len(truth), dtype=object)
    splitter = StratifiedKFold(folds, shuffle=True, random_state=classifier.random_state)
    for train, test in splitter.split(features, truth):
        fold = clone(classifier).fit([], list(truth[train]), features=features[train])
        predicted[test] = fold.predict(features=features[test])
    labels = [x for x in fold.codebook_.names if x in set(truth) | set(predicted)]
    langs = examples.frame["lang"].tolist()
    return sliced_report(list(truth), list(predicted), langs, labels), list(predicted)
