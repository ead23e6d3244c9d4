"""Reading many files on a Dask cluster: one task per file, results merged in file order.

Each task reads one file with a fresh :class:`Ingestor` (same options, relative paths resolved
against the client's working folder, so the workers must see the same files: a shared disk or
the same machine). The client merges the files' rows and reports in input order and drops
transcripts identical to an earlier one, so the output equals a local run's.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from nlp_jtbd.ingest.options import IngestOptions
from nlp_jtbd.ingest.report import IngestReport
from nlp_jtbd.scheduler import ordered_map, session

if TYPE_CHECKING:
    from nlp_jtbd.ingest.pipeline import Ingestor


@dataclass
class FileResult:
    """What one task read from one file."""

    rows: list[dict[str, object]]
    report: IngestReport
    digests: dict[str, str]  # content hash of a transcript → its path (empty for tables)
    manifest_used: list[str]  # manifest rows the file matched


def read_one(kind: type[Ingestor], options: IngestOptions, path: str, root: str) -> FileResult:
    """Runs on a worker: the rows, report and duplicate key of one file, read by a fresh
    ingestor of the client's ``kind``."""
    ingestor = kind(options, root=Path(root))
    ingestor.load_manifest()
    rows = [row for chunk in ingestor.read_file(Path(path)) for row in chunk]
    used = [key for key, row in ingestor._manifest.items() if "__used__" in row]
    return FileResult(rows, ingestor.report_, dict(ingestor._seen_docs), used)


def read_on_cluster(
    ingestor: Ingestor, files: list[Path], scheduler: str | object
) -> Iterator[list[dict[str, object]]]:
    """Each file's rows, in order, read on the cluster and merged into ``ingestor.report_``."""
    root = str(ingestor.root or Path(os.getcwd()))
    tasks = ((type(ingestor), ingestor.options, str(path), root) for path in files)
    with session(scheduler) as client:
        for path, result in zip(files, ordered_map(client, read_one, tasks), strict=True):
            yield merge(ingestor, path, result)


def merge(ingestor: Ingestor, path: Path, result: FileResult) -> list[dict[str, object]]:
    """Fold one file's result into ``ingestor`` as if it had read the file itself."""
    report = ingestor.report_
    for digest in result.digests:
        if digest in ingestor._seen_docs:  # the local run skips it before parsing
            report.files += result.report.files
            report.formats.update(result.report.formats)
            ingestor._warn(
                path, f"identical to {ingestor._seen_docs[digest]}; skipped as a duplicate"
            )
            return []
        ingestor._seen_docs[digest] = str(path)
    report.add(result.report)
    for key in result.manifest_used:
        if key in ingestor._manifest:
            ingestor._manifest[key]["__used__"] = "1"
    return result.rows
