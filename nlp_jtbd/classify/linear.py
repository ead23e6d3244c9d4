"""A calibrated multinomial logistic regression stored as plain arrays (no pickle).

Calibration is temperature scaling fitted on out-of-fold logits: the linear model is trained on
k-1 folds, scores the held-out fold, and one temperature ``T`` is chosen to minimise the
log-loss of ``softmax(logits / T)`` over all held-out scores. Confidence then means what it
says (of the predictions made with confidence 0.8, about 80 % are right).

The same held-out scores set ``unsure_below_``: the confidence below which the
cross-validated predictions are right less than ``unsure_accuracy`` of the time (read off a
monotone, isotonic fit of right/wrong against confidence). Rows that are copies of one example
(``groups``, e.g. the context-dropout copy) stay in one fold.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize_scalar
from sklearn.base import BaseEstimator
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=1, keepdims=True)


def _full_logits(model: LogisticRegression, features: np.ndarray, k: int) -> np.ndarray:
    """Logits for all ``k`` classes (classes missing from a fold get a very low score)."""
    raw = model.decision_function(features)
    if raw.ndim == 1:  # binary: one column of log-odds
        raw = np.column_stack([-raw / 2, raw / 2])
    full = np.full((features.shape[0], k), -1e3)
    full[:, model.classes_] = raw
    return full


def unsure_threshold(confidence: np.ndarray, correct: np.ndarray, accuracy: float) -> float:
    """The lowest confidence at which an isotonic fit of ``correct`` against ``confidence``
    reaches ``accuracy`` (below it, predictions are right less often than that)."""
    if not len(confidence):
        return 0.0
    curve = IsotonicRegression(out_of_bounds="clip").fit(confidence, correct).predict(confidence)
    reached = confidence[curve >= accuracy]
    return float(reached.min()) if len(reached) else 1.0


class CalibratedLinear(BaseEstimator):
    """``fit(X, y)`` with class indices ``0..k-1``; ``predict_proba(X)`` calibrated."""

    def __init__(
        self,
        C: float = 2.0,
        calibration_folds: int = 5,
        random_state: int = 42,
        unsure_accuracy: float = 0.6,
    ) -> None:
        self.C = C
        self.calibration_folds = calibration_folds
        self.random_state = random_state
        self.unsure_accuracy = unsure_accuracy

    def _linear(self) -> LogisticRegression:
        return LogisticRegression(
            C=self.C, max_iter=2000, class_weight="balanced", random_state=self.random_state
        )

    def fit(
        self, features: np.ndarray, targets: np.ndarray, groups: np.ndarray | None = None
    ) -> CalibratedLinear:
        """Fit on ``features`` (dense or sparse); ``groups``: rows that must share a fold."""
        targets = np.asarray(targets)
        k = int(targets.max()) + 1
        model = self._linear().fit(features, targets)
        self.coef_ = model.coef_.astype(np.float32)
        self.intercept_ = model.intercept_.astype(np.float32)
        if model.coef_.shape[0] == 1:  # binary: sklearn keeps one row
            self.coef_ = np.vstack([-self.coef_, self.coef_]) / 2
            self.intercept_ = np.array([-self.intercept_[0], self.intercept_[0]]) / 2
        self.n_classes_ = k
        self.temperature_, self.unsure_below_ = 1.0, 0.0
        logits = self._held_out_logits(features, targets, groups)
        if logits is not None:
            rows = np.arange(len(targets))

            def loss(temperature: float) -> float:
                probs = softmax(logits / temperature)
                return float(-np.log(probs[rows, targets] + 1e-12).mean())

            bounds = (0.05, 20.0)
            self.temperature_ = float(minimize_scalar(loss, bounds=bounds, method="bounded").x)
            probs = softmax(logits / self.temperature_)
            self.unsure_below_ = unsure_threshold(
                probs.max(axis=1), probs.argmax(axis=1) == targets, self.unsure_accuracy
            )
        return self

    def _held_out_logits(
        self, features: np.ndarray, targets: np.ndarray, groups: np.ndarray | None
    ) -> np.ndarray | None:
        """Each row's logits from a model fitted without its fold (None: too few rows)."""
        folds = min(self.calibration_folds, int(np.bincount(targets).min()))
        if groups is not None:
            folds = min(folds, len(np.unique(groups)))
        if folds < 2:
            return None
        logits = np.zeros((len(targets), self.n_classes_), dtype=np.float64)
        if groups is None:
            splitter = StratifiedKFold(folds, shuffle=True, random_state=self.random_state)
        else:
            splitter = StratifiedGroupKFold(folds, shuffle=True, random_state=self.random_state)
        for train, test in splitter.split(features, targets, groups):
            model = self._linear().fit(features[train], targets[train])
            logits[test] = _full_logits(model, features[test], self.n_classes_)
        return logits

    def decision_function(self, features: np.ndarray) -> np.ndarray:
        return features @ self.coef_.T + self.intercept_

    def predict_proba(self, features: np.ndarray) -> np.ndarray:
        return softmax(self.decision_function(features) / self.temperature_)

    def get_state(self) -> dict[str, np.ndarray]:
        return {
            "coef": self.coef_,
            "intercept": self.intercept_,
            "temperature": np.array([self.temperature_], dtype=np.float64),
            "unsure_below": np.array([self.unsure_below_], dtype=np.float64),
        }

    @classmethod
    def from_state(cls, state: dict[str, np.ndarray]) -> CalibratedLinear:
        model = cls()
        model.coef_ = np.asarray(state["coef"], dtype=np.float32)
        model.intercept_ = np.asarray(state["intercept"], dtype=np.float32)
        model.temperature_ = float(np.asarray(state["temperature"])[0])
        model.unsure_below_ = float(np.asarray(state.get("unsure_below", [0.0]))[0])
        model.n_classes_ = len(model.intercept_)
        return model
