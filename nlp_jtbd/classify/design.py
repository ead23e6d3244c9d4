"""What the linear model sees: features (from ``featurize``) turned into its design matrix with
what was learned from the training rows.

- **Centring**: each script group's (en / ru / tr) mean text embedding and mean context
  embedding over the TRAINING rows is subtracted from every row of that group. USE puts each
  language in its own region; centring lines the languages up so that one direction means one
  code in all of them. The means are the training set's, never the batch's own, so a row's code
  never depends on what else is coded with it. Rows without context keep a zero context block.
- **Character n-grams**: TF-IDF (sublinear counts from ``featurize``, IDF of the training
  texts, n-grams seen in at least ``min_df`` of them), L2-normalised, times ``ngram_weight``.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.preprocessing import normalize

from nlp_jtbd.classify.features import Layout
from nlp_jtbd.classify.ngrams import NGRAM_COLUMNS, SCRIPT_GROUPS, dense_csr
from nlp_jtbd.errors import UsageError

Features = sp.csr_matrix | np.ndarray


def as_sparse(features: Features) -> sp.csr_matrix:
    return features if sp.issparse(features) else sp.csr_matrix(np.atleast_2d(features))


def has_context(features: Features) -> np.ndarray:
    """Per row: whether it has a context (a non-zero context block)."""
    features = as_sparse(features)
    block = features[:, Layout.of(features.shape[1]).context]
    return np.asarray(abs(block).sum(axis=1)).ravel() > 0  # zeros may be stored


class UtteranceDesign(BaseEstimator):
    """Centred embeddings ⊕ weighted character n-gram TF-IDF (see the module docstring)."""

    def __init__(self, ngram_weight: float = 2.0, min_df: int = 2) -> None:
        self.ngram_weight = ngram_weight
        self.min_df = min_df

    def fit(self, features: Features) -> UtteranceDesign:
        features = as_sparse(features)
        layout = Layout.of(features.shape[1])
        groups = self._groups(features, layout)
        text = features[:, layout.text].toarray()
        context = features[:, layout.context].toarray()
        with_context = has_context(features)
        self.text_means_ = np.zeros((len(SCRIPT_GROUPS), layout.dim), dtype=np.float32)
        self.context_means_ = np.zeros_like(self.text_means_)
        for g in range(len(SCRIPT_GROUPS)):
            rows = groups == g
            self.text_means_[g] = text[rows if rows.any() else slice(None)].mean(axis=0)
            rows &= with_context
            rows = rows if rows.any() else with_context
            if rows.any():
                self.context_means_[g] = context[rows].mean(axis=0)
        counts = features[:, layout.ngrams]
        df = np.bincount(counts.indices, minlength=NGRAM_COLUMNS)
        kept = df >= max(self.min_df, 1) if self.ngram_weight else np.zeros(len(df), dtype=bool)
        self.ngram_columns_ = np.flatnonzero(kept).astype(np.int64)
        n = features.shape[0]
        self.idf_ = (np.log((1 + n) / (1 + df[kept])) + 1).astype(np.float32)
        self.n_features_in_ = features.shape[1]
        return self

    @staticmethod
    def _groups(features: sp.csr_matrix, layout: Layout) -> np.ndarray:
        return features[:, layout.groups].toarray().argmax(axis=1)

    def transform(self, features: Features) -> Features:
        """``[centred text | centred context | n-grams]``: dense without n-grams, else CSR."""
        features = as_sparse(features)
        if features.shape[1] != self.n_features_in_:
            raise UsageError(
                f"`features` have shape {features.shape}; the classifier was fitted on "
                f"{self.n_features_in_} columns",
                fix="compute them with this classifier's featurize()",
            )
        layout = Layout.of(features.shape[1])
        groups = self._groups(features, layout)
        text = features[:, layout.text].toarray() - self.text_means_[groups]
        context = features[:, layout.context].toarray()
        with_context = has_context(features)
        context[with_context] -= self.context_means_[groups[with_context]]
        dense = np.hstack([text, context])
        if not len(self.ngram_columns_):
            return dense
        grams = features[:, layout.ngrams.start + self.ngram_columns_]
        grams = normalize(grams @ sp.diags(self.idf_)) * self.ngram_weight
        return sp.hstack([dense_csr(dense), grams.astype(np.float32)], format="csr")

    def get_state(self) -> dict[str, np.ndarray]:
        return {
            "text_means": self.text_means_,
            "context_means": self.context_means_,
            "ngram_columns": self.ngram_columns_,
            "idf": self.idf_,
        }

    @classmethod
    def from_state(
        cls, state: dict[str, np.ndarray], ngram_weight: float, n_features_in: int
    ) -> UtteranceDesign:
        design = cls(ngram_weight=ngram_weight)
        design.text_means_ = np.asarray(state["text_means"], dtype=np.float32)
        design.context_means_ = np.asarray(state["context_means"], dtype=np.float32)
        design.ngram_columns_ = np.asarray(state["ngram_columns"], dtype=np.int64)
        design.idf_ = np.asarray(state["idf"], dtype=np.float32)
        design.n_features_in_ = n_features_in
        return design
