"""The utterance classifier: frozen sentence embeddings (+ context) → calibrated linear model."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator

from nlp_jtbd.classify.features import UtteranceFeaturizer
from nlp_jtbd.classify.linear import CalibratedLinear
from nlp_jtbd.codebook import Codebook, load_codebook
from nlp_jtbd.errors import UsageError

Progress = Callable[[int, int], None]
FEW_SHOT = 30  # below this many coded examples of some label, add the codebook's own examples
PREDICT_CHUNK = 50_000  # utterances featurized at a time: features of 1M would take 4 GB


class UtteranceClassifier(BaseEstimator):
    """Assign one label of a codebook to each utterance, with calibrated confidence.

    ``context`` is what came right before the utterance (the interviewer's question); it is
    embedded separately and weighted by ``context_weight``. With ``codebook_examples`` the
    examples written into the codebook itself (a few per label and language) are added to the
    training data: they anchor every label when a new domain has only a handful of coded
    utterances. ``"auto"`` adds them while some label has fewer than ``FEW_SHOT`` coded examples
    (measured in bench/classification.py: with 16 per label of a new domain they lift macro-F1
    from 0.61 to 0.67; with the 114 per label of the starter set they cost 0.01).
    Parameters follow scikit-learn: set in ``__init__``, never changed by ``fit``, learned
    state ends in ``_`` (so ``sklearn.base.clone`` gives an unfitted copy). Features computed
    once with :meth:`featurize` can be given to ``fit``, ``predict_proba`` and ``predict``
    instead of texts (cross-validation embeds each text once).
    """

    def __init__(
        self,
        codebook: str | Codebook = "jtbd5",
        model: str = "use",
        *,
        context_weight: float = 1.0,
        C: float = 2.0,
        codebook_examples: bool | str = "auto",
        random_state: int = 42,
        cache_dir: str | Path | None = None,
        use_cache: bool = True,
    ) -> None:
        self.codebook = codebook
        self.model = model
        self.context_weight = context_weight
        self.C = C
        self.codebook_examples = codebook_examples
        self.random_state = random_state
        self.cache_dir = cache_dir
        self.use_cache = use_cache

    @property
    def featurizer(self) -> UtteranceFeaturizer:
        """The featurizer of the current parameters, built on first use (a private cache that
        ``clone`` leaves behind, rebuilt when ``set_params`` changed what it depends on)."""
        wanted = {
            "model": self.model,
            "context_weight": self.context_weight,
            "cache_dir": self.cache_dir,
            "use_cache": self.use_cache,
        }
        featurizer: UtteranceFeaturizer | None = getattr(self, "_featurizer", None)
        if featurizer is None or any(
            featurizer.get_params()[name] is not value for name, value in wanted.items()
        ):
            featurizer = self._featurizer = UtteranceFeaturizer(**wanted)
        return featurizer

    def featurize(
        self,
        texts: Sequence[str],
        contexts: Sequence[str] | None = None,
        progress: Progress | None = None,
    ) -> np.ndarray:
        """The feature matrix the linear model sees (embed once, fit or predict many times)."""
        return self.featurizer.transform(texts, contexts, progress)

    def fit(
        self,
        texts: Sequence[str],
        labels: Sequence[str],
        contexts: Sequence[str] | None = None,
        *,
        features: np.ndarray | None = None,
    ) -> UtteranceClassifier:
        book = (
            self.codebook if isinstance(self.codebook, Codebook) else load_codebook(self.codebook)
        )
        unknown = sorted(set(labels) - set(book.names))
        if unknown:
            raise UsageError(
                f"labels {', '.join(unknown)} are not in codebook {book.ref}",
                fix="read the examples with nlp_jtbd.codebook.read_examples to validate them",
            )
        self.codebook_ = book
        self.classes_ = [name for name in book.names if name in set(labels)]
        if len(self.classes_) < 2:
            raise UsageError(
                "the examples use only one label; a classifier needs at least two",
                fix="code examples of more labels",
            )
        index = {name: i for i, name in enumerate(self.classes_)}
        targets = np.array([index[x] for x in labels])
        if features is None:
            features = self.featurize(texts, contexts)
        elif len(features) != len(targets):
            raise UsageError(
                f"{len(features)} rows of `features` but {len(targets)} labels",
                fix="give one feature row per label, from featurize()",
            )
        anchors = [
            (text, label.name)
            for label in book.labels
            if label.name in index
            for examples in label.examples.values()
            for text in examples
        ]
        use_anchors = self.codebook_examples
        if use_anchors == "auto":
            use_anchors = int(np.bincount(targets, minlength=len(index)).min()) < FEW_SHOT
        self.codebook_examples_used_ = bool(use_anchors and anchors)
        if self.codebook_examples_used_:
            features = np.vstack([features, self.featurize([t for t, _ in anchors])])
            targets = np.concatenate([targets, [index[name] for _, name in anchors]])
        self.linear_ = CalibratedLinear(C=self.C, random_state=self.random_state).fit(
            features, targets
        )
        self.embedder_key_ = self.featurizer.embedder.key
        return self

    def predict_proba(
        self,
        texts: Sequence[str] = (),
        contexts: Sequence[str] | None = None,
        *,
        features: np.ndarray | None = None,
        progress: Progress | None = None,
    ) -> np.ndarray:
        """``(n, len(classes_))`` calibrated probabilities."""
        self._check_fitted()
        if features is not None:
            return self._proba(features)
        texts = list(texts)
        n = len(texts)
        if n <= PREDICT_CHUNK:
            return self._proba(self.featurize(texts, contexts, progress))
        probs = np.empty((n, len(self.classes_)), dtype=np.float64)
        for start in range(0, n, PREDICT_CHUNK):
            stop = min(start + PREDICT_CHUNK, n)
            chunk_progress = _scaled(progress, start, stop - start, n) if progress else None
            chunk_contexts = list(contexts[start:stop]) if contexts is not None else None
            features = self.featurize(texts[start:stop], chunk_contexts, chunk_progress)
            probs[start:stop] = self._proba(features)
            if progress:
                progress(stop, n)
        return probs

    def _proba(self, features: np.ndarray) -> np.ndarray:
        """The one scoring rule of texts and of precomputed features: the calibrated linear
        model on the feature matrix."""
        if not len(features):
            return np.empty((0, len(self.classes_)), dtype=np.float64)
        dim = self.linear_.coef_.shape[1]
        if np.ndim(features) != 2 or np.shape(features)[1] != dim:
            raise UsageError(
                f"`features` have shape {np.shape(features)}; the classifier was fitted on "
                f"{dim} columns",
                fix="compute them with this classifier's featurize()",
            )
        return self.linear_.predict_proba(features)

    def predict(
        self,
        texts: Sequence[str] = (),
        contexts: Sequence[str] | None = None,
        *,
        features: np.ndarray | None = None,
    ) -> list[str]:
        probs = self.predict_proba(texts, contexts, features=features)
        return [self.classes_[i] for i in probs.argmax(axis=1)]

    def _check_fitted(self) -> None:
        if not hasattr(self, "linear_"):
            raise UsageError(
                "this classifier is not trained yet",
                fix="call fit() first, or load a model with UtteranceClassifier.load()",
            )


def _scaled(progress: Progress, offset: int, size: int, total: int) -> Progress:
    """Progress of one chunk's embedding, reported as progress through all ``total`` rows."""

    def report(done: int, todo: int) -> None:
        progress(offset + (size * done // todo if todo else size), total)

    return report
