"""The context an utterance is coded in: the interviewer's last question before its turn."""

from __future__ import annotations

import pandas as pd

_NEEDED = ("doc_id", "turn_index", "role")


def interview_context(table: pd.DataFrame) -> list[str]:
    """Per row: an explicit ``context`` column if present, else the text of the latest
    interviewer turn before the row's turn in the same document ("" for reviews, for the
    interviewer's own lines and when the table has no turn structure)."""
    if "context" in table.columns:
        return table["context"].fillna("").astype(str).tolist()
    if not all(c in table.columns for c in _NEEDED):
        return [""] * len(table)
    frame = table[[*_NEEDED, "text"]].copy()
    frame["_pos"] = range(len(frame))
    order = ["doc_id", "turn_index"] + (
        ["sentence_index"] if "sentence_index" in table.columns else []
    )
    if "sentence_index" in table.columns:
        frame["sentence_index"] = table["sentence_index"]
    turns = (
        frame.sort_values(order, kind="stable")
        .groupby(["doc_id", "turn_index"], sort=True)
        .agg(role=("role", "first"), text=("text", " ".join))
        .reset_index()
    )
    last_question: dict[tuple[object, object], str] = {}
    current: dict[object, str] = {}
    for doc, turn, role, text in turns.itertuples(index=False):
        last_question[(doc, turn)] = current.get(doc, "")
        if role == "interviewer":
            current[doc] = text
    return [
        "" if role == "interviewer" else last_question.get((doc, turn), "")
        for doc, turn, role in zip(frame["doc_id"], frame["turn_index"], frame["role"], strict=True)
    ]
