"""The source texts of a REFI-QDA project: one text per document, with each utterance's span."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from nlp_jtbd.export.refi.xml import guid


@dataclass
class Document:
    """One source: its text, each utterance's (start, end) in it, and its utterance rows."""

    doc_id: str
    guid: str
    text: str
    spans: dict[str, tuple[int, int]]
    rows: pd.DataFrame


def column(frame: pd.DataFrame, name: str, default: object) -> pd.Series:
    """Column ``name``, or ``default`` in every row when the frame lacks it."""
    if name in frame.columns:
        return frame[name]
    return pd.Series([default] * len(frame), index=frame.index)


def documents(utterances: pd.DataFrame) -> list[Document]:
    """One text per document: a line per turn ("Speaker: sentence sentence…"), reviews bare."""
    frame = utterances.copy()
    frame["_order"] = range(len(frame))
    frame["speaker"] = column(frame, "speaker", "").fillna("").astype(str)
    speaker_change = (frame["speaker"] != frame["speaker"].shift()).cumsum()
    frame["_turn"] = column(frame, "turn_index", None).fillna(speaker_change)
    frame["_sentence"] = column(frame, "sentence_index", 0).fillna(0)
    frame["_type"] = column(frame, "source_type", "").fillna("").astype(str)
    frame = frame.sort_values(["doc_id", "_turn", "_sentence", "_order"], kind="stable")
    out = []
    for doc_id, rows in frame.groupby("doc_id", sort=True):
        bare = (rows["_type"] == "review").all()
        lines: list[str] = []
        spans: dict[str, tuple[int, int]] = {}
        pos = 0
        for _, turn in rows.groupby("_turn", sort=False):
            if lines:
                pos += 1  # the newline that ends the previous line
            speaker = turn["speaker"].iloc[0]
            line = "" if bare or not speaker else f"{speaker}: "
            for i, (utterance_id, text) in enumerate(
                zip(turn["utterance_id"], turn["text"], strict=True)
            ):
                if i:
                    line += " "
                start = pos + len(line)
                line += text
                spans[utterance_id] = (start, start + len(text))
            lines.append(line)
            pos += len(line)
        out.append(
            Document(
                doc_id=str(doc_id),
                guid=guid("source", doc_id),
                text="\n".join(lines) + "\n",
                spans=spans,
                rows=rows,
            )
        )
    return out


__all__ = ["Document", "column", "documents"]
