"""Placing a whole utterance table in the clusters of a saved model, batch by batch, so memory
stays flat however many utterances there are."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from nlp_jtbd.discover.outputs import assignments_frame, evidence_rows
from nlp_jtbd.discover.pipeline import Discovery
from nlp_jtbd.errors import InputError
from nlp_jtbd.tables import TableAppender, count_rows, iter_utterances, table_format

BATCH_ROWS = 50_000  # utterances read, embedded, placed and written at a time


@dataclass(frozen=True)
class Placed:
    """How many utterances were written, and how many of them fit no cluster."""

    rows: int
    unassigned: int

    @property
    def unassigned_share(self) -> float:
        return self.unassigned / self.rows if self.rows else 0.0


def assign_file(
    model: Discovery,
    utterances: str | Path,
    out: str | Path,
    *,
    include_interviewer: bool = False,
    batch_rows: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Placed:
    """Write the assignments of the evidence in ``utterances`` to ``out`` (.csv, .parquet or
    .jsonl; complete or not at all), ``batch_rows`` (default ``BATCH_ROWS``) at a time."""
    table_format(out)
    total = count_rows(utterances)
    writer = TableAppender(out)
    unassigned = read = 0
    try:
        for batch in iter_utterances(utterances, batch_rows or BATCH_ROWS):
            read += len(batch)
            rows = evidence_rows(batch, include_interviewer)
            if rows.empty:
                continue
            vectors = model.embed(rows["text"].tolist())
            frame = assignments_frame(rows, model.transform([], vectors=vectors))
            writer.write(frame)
            unassigned += int(frame["is_outlier"].sum())
            if progress:
                progress(read, total or read)
        if writer.rows == 0:
            raise InputError(
                f"{utterances} has no respondent utterances to place",
                fix="check the roles in the ingested file, or set `include_interviewer=True`",
            )
    except BaseException:
        writer.abort()
        raise
    writer.close()
    return Placed(writer.rows, unassigned)


__all__ = ["BATCH_ROWS", "Placed", "assign_file"]
