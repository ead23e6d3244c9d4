"""Turning probabilities into the table ``jtbd classify`` writes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd


def predictions_frame(
    utterance_ids: Iterable[str], probs: np.ndarray, classes: Sequence[str], top: int = 3
) -> pd.DataFrame:
    """``utterance_id, label, confidence, label_2, score_2, label_3, score_3``."""
    order = np.argsort(-probs, axis=1, kind="stable")[:, :top]
    names = np.asarray(classes, dtype=object)
    frame = pd.DataFrame({"utterance_id": list(utterance_ids)})
    for rank in range(min(top, probs.shape[1])):
        label = "label" if rank == 0 else f"label_{rank + 1}"
        score = "confidence" if rank == 0 else f"score_{rank + 1}"
        frame[label] = names[order[:, rank]]
        frame[score] = np.take_along_axis(probs, order[:, rank : rank + 1], axis=1)[:, 0].round(4)
    return frame
