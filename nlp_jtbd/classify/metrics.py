"""Agreement and accuracy figures between two codings of the same utterances."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.metrics import cohen_kappa_score, confusion_matrix, precision_recall_fscore_support


def krippendorff_alpha(a: Sequence[str], b: Sequence[str]) -> float:
    """Krippendorff's alpha for two coders, nominal data, no missing values.

    alpha = 1 - D_o / D_e from the coincidence matrix (each unit contributes both ordered pairs).
    """
    values = sorted(set(a) | set(b))
    if len(values) < 2:
        return 1.0
    index = {v: i for i, v in enumerate(values)}
    coincidence = np.zeros((len(values), len(values)))
    for x, y in zip(a, b, strict=True):
        coincidence[index[x], index[y]] += 1
        coincidence[index[y], index[x]] += 1
    n_c = coincidence.sum(axis=1)
    n = n_c.sum()
    observed = coincidence.sum() - np.trace(coincidence)
    expected = (n * n - (n_c**2).sum()) / (n - 1)
    return 1.0 if expected == 0 else float(1 - observed / expected)


def _kappa(a: Sequence[str], b: Sequence[str]) -> float:
    if len(set(a) | set(b)) < 2:
        return 1.0
    return float(cohen_kappa_score(a, b))


def classification_report(
    truth: Sequence[str], predicted: Sequence[str], labels: Sequence[str]
) -> dict[str, object]:
    """``macro_f1, accuracy, kappa, alpha, per_label{precision, recall, f1, support}, confusion``.

    ``labels`` fixes the order; labels absent from both codings are left out of the macro mean.
    """
    truth, predicted = list(truth), list(predicted)
    present = [x for x in labels if x in set(truth) | set(predicted)]
    precision, recall, f1, support = precision_recall_fscore_support(
        truth, predicted, labels=present, zero_division=0
    )
    matrix = confusion_matrix(truth, predicted, labels=present)
    in_truth = [i for i, x in enumerate(present) if x in set(truth)]
    return {
        "n": len(truth),
        "macro_f1": round(float(np.mean(f1[in_truth])), 4) if in_truth else 0.0,
        "accuracy": round(float(np.mean(np.array(truth) == np.array(predicted))), 4),
        "kappa": round(_kappa(truth, predicted), 4),
        "alpha": round(krippendorff_alpha(truth, predicted), 4),
        "per_label": {
            name: {
                "precision": round(float(p), 4),
                "recall": round(float(r), 4),
                "f1": round(float(f), 4),
                "support": int(s),
            }
            for name, p, r, f, s in zip(present, precision, recall, f1, support, strict=True)
        },
        "confusion": {"labels": present, "matrix": matrix.tolist()},
    }


def agreement(a: Sequence[str], b: Sequence[str], labels: Sequence[str]) -> dict[str, object]:
    """Cohen's kappa and Krippendorff's alpha overall and per label (one label vs the rest)."""
    a, b = list(a), list(b)
    per_label = {}
    for name in labels:
        x = [v == name for v in a]
        y = [v == name for v in b]
        if not any(x) and not any(y):
            continue
        xs, ys = ["yes" if v else "no" for v in x], ["yes" if v else "no" for v in y]
        per_label[name] = {
            "kappa": round(_kappa(xs, ys), 4),
            "alpha": round(krippendorff_alpha(xs, ys), 4),
            "coder_a": int(sum(x)),
            "coder_b": int(sum(y)),
            "both": int(sum(p and q for p, q in zip(x, y, strict=True))),
        }
    return {
        "n": len(a),
        "percent_agreement": round(float(np.mean(np.array(a) == np.array(b))), 4),
        "kappa": round(_kappa(a, b), 4),
        "alpha": round(krippendorff_alpha(a, b), 4),
        "per_label": per_label,
    }
