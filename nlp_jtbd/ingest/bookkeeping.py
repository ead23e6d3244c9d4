"""What an ingestion run records besides the rows: counts, problems, the manifest rows used,
the speakers table and each transcript's coverage (the bookkeeping half of ``Ingestor``)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from nlp_jtbd.errors import Problem
from nlp_jtbd.ingest.coverage import document_coverage
from nlp_jtbd.ingest.model import Document
from nlp_jtbd.ingest.report import IngestReport
from nlp_jtbd.ingest.speakers import RoleChoice
from nlp_jtbd.ingest.speakers_table import (
    SpeakersFile,
    run_warnings,
    speaker_rows,
    speaker_warnings,
)

if TYPE_CHECKING:
    from nlp_jtbd.ingest.options import IngestOptions

_READER_LOC = re.compile(
    r"^(?P<loc>(?:lines?|cue|segment|row|rows) [^:]{1,80}): (?P<message>.+)$", re.S
)


class Bookkeeping:
    """The report an ``Ingestor`` fills while it reads."""

    options: IngestOptions
    report_: IngestReport
    _manifest: dict[str, dict[str, str]]
    _speakers_file: SpeakersFile | None

    def _note_speakers(self, doc: Document, choices: dict[str, RoleChoice]) -> None:
        """The document's rows of the speakers table, its coverage, and what looks wrong."""
        rows = speaker_rows(doc, choices)
        self.report_.speakers.extend(rows)
        self.report_.coverage.append(document_coverage(doc))
        for message, fix, loc in speaker_warnings(doc, rows):
            self._problem(Path(doc.path), message, fix, loc, "warning")

    def _count(self, doc: Document, rows: list[dict[str, object]]) -> None:
        self.report_.documents += 1
        self.report_.utterances += len(rows)
        self.report_.source_types[doc.source_type] += 1
        for row in rows:
            self.report_.languages[str(row["lang"])] += 1
            self.report_.roles[str(row["role"])] += 1

    def _problem(
        self, path: Path, message: str, fix: str | None, loc: str | None, severity: str = "error"
    ) -> None:
        self.report_.problems.append(Problem(str(path), message, fix, loc, severity))

    def _warn(self, path: Path, message: str, loc: str | None = None) -> None:
        self._problem(path, message, None, loc, "warning")

    def _reader_warning(self, path: Path, warning: str) -> None:
        """Readers write warnings as ``"line 12: message"``; split off the location."""
        match = _READER_LOC.match(warning)
        if match:
            self._warn(path, match.group("message"), loc=match.group("loc"))
        else:
            self._warn(path, warning)

    def _manifest_row(self, path: Path) -> dict[str, str]:
        if not self._manifest:
            return {}
        for key in (str(path), path.as_posix(), path.name, path.stem):
            if key in self._manifest:
                self._manifest[key]["__used__"] = "1"
                return {k: v for k, v in self._manifest[key].items() if k != "__used__"}
        return {}

    def _check_manifest_used(self, files: list[Path]) -> None:
        if not self.options.meta:
            return
        unused = [k for k, v in self._manifest.items() if "__used__" not in v]
        if unused:
            self._warn(
                self.options.meta,
                f"{len(unused)} rows match no input file: {', '.join(unused[:5])}",
            )

    def _check_speakers_used(self) -> None:
        """Speakers-file rows and given names that matched no speaker of any transcript."""
        for path, message, fix in run_warnings(
            self.options.interviewers,
            self.options.respondents,
            self._speakers_file,
            self.report_.speakers,
        ):
            self._problem(path, message, fix, None, "warning")
