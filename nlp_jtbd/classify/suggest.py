"""Active learning: which uncoded utterances would teach the model most if a person coded them.

Uncertainty (margin between the two most likely labels) picks a pool of candidates; diversity
(greedy farthest-point selection in embedding space, starting from the most uncertain) picks
``n`` of them that are not near-copies of each other or of what is already coded.
"""

from __future__ import annotations

import numpy as np


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
) -> list[int]:
    """Indices of ``n`` utterances, most useful first.

    Each pick maximises ``(1 - diversity) * uncertainty + diversity * distance`` where distance
    is the cosine distance to the nearest utterance already picked (or already coded).
    """
    uncertainty = margin_uncertainty(probs)
    n = min(n, len(probs))
    pool = np.argsort(-uncertainty, kind="stable")[: max(n * pool_factor, n)]
    candidates = vectors[pool]
    nearest = np.ones(len(pool), dtype=np.float64)
    if known is not None and len(known):
        nearest = np.minimum(nearest, 1.0 - (candidates @ known.T).max(axis=1))
    chosen: list[int] = []
    available = np.ones(len(pool), dtype=bool)
    for _ in range(n):
        score = (1 - diversity) * uncertainty[pool] + diversity * np.clip(nearest, 0, 1)
        score[~available] = -np.inf
        best = int(np.argmax(score))
        chosen.append(int(pool[best]))
        available[best] = False
        nearest = np.minimum(nearest, 1.0 - candidates @ candidates[best])
    return chosen
