"""Ingesting files straight into an utterance table on disk, chunk by chunk."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from nlp_jtbd.ingest.options import IngestOptions
from nlp_jtbd.ingest.pipeline import Ingestor
from nlp_jtbd.ingest.report import IngestReport
from nlp_jtbd.ingest.speakers_table import speakers_path_for, write_speakers
from nlp_jtbd.ingest.writer import UtteranceWriter


def ingest_to_file(
    paths: Iterable[str | Path],
    out: str | Path,
    options: IngestOptions | None = None,
    *,
    scheduler: str | object | None = None,
    on_rows: Callable[[int], None] | None = None,
    speakers_out: str | Path | None = None,
) -> IngestReport:
    """Read ``paths`` (files or folders) into ``out`` (.parquet, .csv or .jsonl), reporting the
    running count of utterances to ``on_rows``. The table appears only when at least one
    utterance was read (check ``report.utterances``); problems are in the report.

    The speakers table (``report.speakers``: each transcript's speakers with role, turns, words
    and how the role was decided) goes to ``speakers_out``, by default next to ``out``
    (``utterances.parquet`` → ``utterances.speakers.csv``), when any transcript was read.
    Correct its roles and pass it back as ``IngestOptions.speakers``."""
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
        if ingestor.report_.speakers:
            write_speakers(ingestor.report_.speakers, speakers_out or speakers_path_for(out))
    return ingestor.report_


__all__ = ["ingest_to_file"]
