"""The utterance classifier: frozen sentence embeddings (+ context), centred per language, next
to character n-grams → one calibrated linear model → the codebook's rules."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator

from nlp_jtbd.classify.design import Features, UtteranceDesign, as_sparse, has_context
from nlp_jtbd.classify.features import Layout, UtteranceFeaturizer
from nlp_jtbd.classify.linear import CalibratedLinear
from nlp_jtbd.classify.rules import FRAGMENT_RULE, FRAGMENT_WORDS
from nlp_jtbd.codebook import Codebook, load_codebook
from nlp_jtbd.errors import UsageError

Progress = Callable[[int, int], None]
FEW_SHOT = 30  # below this many coded examples of some label, add the codebook's own examples
PREDICT_CHUNK = 10_000  # utterances featurized at a time (sparse rows of ~1,500 values each)


@dataclass
class Coding:
    """Per row: calibrated ``probs`` (columns: ``classes_``), the ``rule`` that decided the
    label (``""``: the model did) and whether the model is ``unsure`` (top probability below
    the threshold chosen by cross-validation; never for rule-decided rows)."""

    probs: np.ndarray
    rule: np.ndarray
    unsure: np.ndarray


class UtteranceClassifier(BaseEstimator):
    """Assign one label of a codebook to each utterance, with calibrated confidence.

    ``context`` is what came right before the utterance (the interviewer's question); it is
    embedded separately and weighted by ``context_weight``. Embeddings are centred on their
    language's training-set mean, and character 2–5-grams (TF-IDF, block weight
    ``ngram_weight``; 0 leaves them out) sit next to them in one calibrated multinomial logistic
    regression. ``context_dropout``: that share of the training rows with a context is added a
    second time with the context blanked, so the model codes well with and without context.
    ``fragment_words``: utterances of at most that many words (fillers not counted) get the
    codebook's fallback label by rule (guide §7 rule 5; 0: no rule). ``unsure_accuracy``: rows
    whose confidence is where cross-validated predictions are right less often than that are
    flagged unsure. With ``codebook_examples`` the examples written into the codebook itself are
    added to the training data; ``"auto"`` adds them while some label has fewer than
    ``FEW_SHOT`` coded examples.
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
        ngram_weight: float = 3.0,
        context_dropout: float = 0.75,
        fragment_words: int = FRAGMENT_WORDS,
        unsure_accuracy: float = 0.6,
        codebook_examples: bool | str = "auto",
        random_state: int = 42,
        cache_dir: str | Path | None = None,
        use_cache: bool = True,
    ) -> None:
        self.codebook = codebook
        self.model = model
        self.context_weight = context_weight
        self.C = C
        self.ngram_weight = ngram_weight
        self.context_dropout = context_dropout
        self.fragment_words = fragment_words
        self.unsure_accuracy = unsure_accuracy
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
    ) -> sp.csr_matrix:
        """The features of each text (embed once, fit or predict many times): see
        :class:`~nlp_jtbd.classify.features.Layout`."""
        return self.featurizer.transform(texts, contexts, progress)

    def fit(
        self,
        texts: Sequence[str],
        labels: Sequence[str],
        contexts: Sequence[str] | None = None,
        *,
        features: Features | None = None,
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
        if not 0 <= self.context_dropout <= 1:
            raise UsageError(
                f"`context_dropout` is {self.context_dropout}; it is a share of the rows",
                fix="use a value from 0 (no copies without context) to 1 (a copy of every row)",
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
        elif features.shape[0] != len(targets):
            raise UsageError(
                f"{features.shape[0]} rows of `features` but {len(targets)} labels",
                fix="give one feature row per label, from featurize()",
            )
        features = as_sparse(features)
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
            features = sp.vstack([features, self.featurize([t for t, _ in anchors])], "csr")
            targets = np.concatenate([targets, [index[name] for _, name in anchors]])
        self.design_ = UtteranceDesign(ngram_weight=self.ngram_weight).fit(features)
        design, targets, groups = self._with_context_dropout(features, targets)
        self.linear_ = CalibratedLinear(
            C=self.C, random_state=self.random_state, unsure_accuracy=self.unsure_accuracy
        ).fit(design, targets, groups)
        fallback = book.fallback_label
        self.fallback_label_ = fallback if fallback in index else None
        self.embedder_key_ = self.featurizer.embedder.key
        return self

    def _with_context_dropout(
        self, features: sp.csr_matrix, targets: np.ndarray
    ) -> tuple[Features, np.ndarray, np.ndarray]:
        """The design matrix plus a context-blanked copy of ``context_dropout`` of the rows
        with context; ``groups`` ties each copy to its row (they share a calibration fold)."""
        design = self.design_.transform(features)
        groups = np.arange(len(targets))
        rows = np.flatnonzero(has_context(features))
        take = round(self.context_dropout * len(rows))
        if not take:
            return design, targets, groups
        if take < len(rows):
            rng = np.random.default_rng(self.random_state)
            rows = np.sort(rng.choice(rows, take, replace=False))
        blank = np.ones(design.shape[1], dtype=np.float32)
        blank[Layout.of(features.shape[1]).context] = 0.0
        if sp.issparse(design):
            copies = design[rows] @ sp.diags(blank)
            design = sp.vstack([design, copies], format="csr")
        else:
            design = np.vstack([design, design[rows] * blank])
        return design, np.concatenate([targets, targets[rows]]), np.concatenate([groups, rows])

    def decide(
        self,
        texts: Sequence[str] = (),
        contexts: Sequence[str] | None = None,
        *,
        features: Features | None = None,
        progress: Progress | None = None,
    ) -> Coding:
        """Probabilities, the rule that decided each row (if any) and the unsure flags."""
        self._check_fitted()
        if features is not None:
            return self._decide(features)
        texts = list(texts)
        n = len(texts)
        if n <= PREDICT_CHUNK:
            return self._decide(self.featurize(texts, contexts, progress))
        parts = []
        for start in range(0, n, PREDICT_CHUNK):
            stop = min(start + PREDICT_CHUNK, n)
            chunk_progress = _scaled(progress, start, stop - start, n) if progress else None
            chunk_contexts = list(contexts[start:stop]) if contexts is not None else None
            parts.append(
                self._decide(self.featurize(texts[start:stop], chunk_contexts, chunk_progress))
            )
            if progress:
                progress(stop, n)
        return Coding(
            *(
                np.concatenate([getattr(c, f) for c in parts])
                for f in (x.name for x in fields(Coding))
            )
        )

    def _decide(self, features: Features) -> Coding:
        """The one scoring rule of texts and of precomputed features: the calibrated linear
        model on the design matrix, then the codebook's rules."""
        k = len(self.classes_)
        if not features.shape[0]:
            return Coding(np.empty((0, k)), np.empty(0, dtype=object), np.empty(0, dtype=bool))
        if len(features.shape) != 2 or features.shape[1] != self.design_.n_features_in_:
            raise UsageError(
                f"`features` have shape {features.shape}; the classifier was fitted on "
                f"{self.design_.n_features_in_} columns",
                fix="compute them with this classifier's featurize()",
            )
        features = as_sparse(features)
        probs = self.linear_.predict_proba(self.design_.transform(features))
        rule = np.full(len(probs), "", dtype=object)
        if self.fragment_words > 0 and self.fallback_label_ is not None:
            words = features[:, Layout.of(features.shape[1]).words].toarray()[:, 0]
            fragment = words <= self.fragment_words
            rule[fragment] = FRAGMENT_RULE
            probs[fragment] = 0.0
            probs[fragment, self.classes_.index(self.fallback_label_)] = 1.0
        unsure = (probs.max(axis=1) < self.linear_.unsure_below_) & (rule == "")
        return Coding(probs, rule, unsure)

    def predict_proba(
        self,
        texts: Sequence[str] = (),
        contexts: Sequence[str] | None = None,
        *,
        features: Features | None = None,
        progress: Progress | None = None,
    ) -> np.ndarray:
        """``(n, len(classes_))`` calibrated probabilities (rule-decided rows: 1 for the
        rule's label)."""
        return self.decide(texts, contexts, features=features, progress=progress).probs

    def predict(
        self,
        texts: Sequence[str] = (),
        contexts: Sequence[str] | None = None,
        *,
        features: Features | None = None,
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
