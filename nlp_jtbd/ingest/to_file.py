"""Ingesting files straight into an utterance table on disk, chunk by chunk."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from nlp_jtbd.ingest.options import IngestOptions
from nlp_jtbd.ingest.pipeline import Ingestor
from nlp_jtbd.ingest.report import IngestReport
from nlp_jtbd.ingest.writer import UtteranceWriter


def ingest_to_file(
    paths: Iterable[str | Path],
    out: str | Path,
    options: IngestOptions | None = None,
    *,
    scheduler: str | object | None = None,
    on_rows: Callable[[int], None] | None = None,
) -> IngestReport:
    """Read ``paths`` (files or folders) into ``out`` (.parquet, .csv or .jsonl), reporting the
    running count of utterances to ``on_rows``. The table appears only when at least one
    utterance was read (check ``report.utterances``); problems are in the report."""
    writer = UtteranceWriter(out)
    ingestor = Ingestor(options)
    rows = 0
    try:
        for chunk in ingestor.iter_chunks(paths, scheduler):
            writer.write(chunk)
            rows += len(chunk)
            if on_rows:
                on_rows(rows)
    except BaseException:
        writer.abort()
        raise
    if ingestor.report_.utterances == 0:
        writer.abort()
    else:
        writer.close()
    return ingestor.report_


__all__ = ["ingest_to_file"]
