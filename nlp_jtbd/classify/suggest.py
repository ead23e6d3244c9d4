"""Active learning: which uncoded utterances would teach the model most if a person coded them.

Uncertainty picks a pool of candidates: first the rows the model flags ``unsure`` (confidence
below its cross-validated threshold), then by the margin between the two most likely labels.
Diversity (greedy farthest-point selection in embedding space, starting from the most
uncertain) picks ``n`` of them that are not near-copies of each other or of what is already
coded; the list puts the unsure ones first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from nlp_jtbd.errors import InputError

if TYPE_CHECKING:
    from nlp_jtbd.classify.model import UtteranceClassifier


def margin_uncertainty(probs: np.ndarray) -> np.ndarray:
    """1 − (p_top1 − p_top2): 1 is a coin toss between two labels, 0 is certain."""
    if probs.shape[1] < 2:
        return np.zeros(len(probs))
    top = np.sort(probs, axis=1)[:, -2:]
    return 1.0 - (top[:, 1] - top[:, 0])


def select_uncertain_diverse(
    probs: np.ndarray,
    vectors: np.ndarray,
    n: int,
    *,
    known: np.ndarray | None = None,
    pool_factor: int = 4,
    diversity: float = 0.5,
    unsure: np.ndarray | None = None,
) -> list[int]:
    """Indices of ``n`` utterances, most useful first (``unsure`` ones before all others).

    Each pick maximises ``(1 - diversity) * uncertainty + diversity * distance`` where distance
    is the cosine distance to the nearest utterance already picked (or already coded).
    """
    uncertainty = margin_uncertainty(probs)
    n = min(n, len(probs))
    unsure = np.zeros(len(probs), dtype=bool) if unsure is None else np.asarray(unsure, bool)
    pool = np.lexsort((-uncertainty, ~unsure))[: max(n * pool_factor, n)]
    candidates = vectors[pool]
    nearest = np.ones(len(pool), dtype=np.float64)
    if known is not None and len(known):
        nearest = np.minimum(nearest, 1.0 - (candidates @ known.T).max(axis=1))
    chosen: list[int] = []
    available = np.ones(len(pool), dtype=bool)
    for _ in range(n):
        score = (1 - diversity) * uncertainty[pool] + diversity * np.clip(nearest, 0, 1)
        score += 2.0 * unsure[pool]  # (score ≤ 1 otherwise): every unsure row before the rest
        score[~available] = -np.inf
        best = int(np.argmax(score))
        chosen.append(int(pool[best]))
        available[best] = False
        nearest = np.minimum(nearest, 1.0 - candidates @ candidates[best])
    return chosen


def suggest_to_code(
    utterances: pd.DataFrame,
    classifier: UtteranceClassifier,
    n: int,
    *,
    coded: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The ``n`` uncoded evidence utterances whose coding would help ``classifier`` most:
    ``utterance_id, text, context, model_label, or_label, uncertainty, unsure`` (unsure ones
    first) and an empty ``label`` to fill in. ``coded`` (a ``text`` column) is skipped, and
    kept away from."""
    from nlp_jtbd.classify.context import interview_context
    from nlp_jtbd.classify.features import Layout
    from nlp_jtbd.classify.predict import top_order
    from nlp_jtbd.discover.outputs import select_evidence

    table = utterances.copy()
    table["context"] = interview_context(table)
    table = select_evidence(table)
    known = None
    if coded is not None:
        table = table[~table["text"].isin(set(coded["text"]))].reset_index(drop=True)
        known = classifier.featurizer.embed(coded["text"].tolist())
    if table.empty:
        raise InputError("every utterance is already coded", fix="ingest more utterances")
    features = classifier.featurize(table["text"].tolist(), table["context"].tolist())
    coding = classifier.decide(features=features)
    probs = coding.probs
    vectors = features[:, Layout.of(features.shape[1]).text].toarray()
    chosen = select_uncertain_diverse(probs, vectors, n, known=known, unsure=coding.unsure)
    uncertainty = margin_uncertainty(probs)
    top2 = top_order(probs, 2)
    return pd.DataFrame(
        {
            "utterance_id": table["utterance_id"].to_numpy()[chosen],
            "text": table["text"].to_numpy()[chosen],
            "context": table["context"].to_numpy()[chosen],
            "model_label": [classifier.classes_[top2[i, 0]] for i in chosen],
            "or_label": [classifier.classes_[top2[i, 1]] for i in chosen],
            "uncertainty": uncertainty[chosen].round(3),
            "unsure": coding.unsure[chosen],
            "label": "",
        }
    )
