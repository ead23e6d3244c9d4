"""What an ingestion run read, produced and ran into."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from nlp_jtbd.errors import Problem


@dataclass(frozen=True)
class SpeakerRow:
    """One speaker of one transcript: a row of the speakers table (``speakers.csv``)."""

    doc_id: str
    source_path: str
    speaker: str
    role: str
    turns: int
    words: int
    role_source: str  # how the role was decided: option, speakers_file, metadata, label, …


@dataclass(frozen=True)
class FileCoverage:
    """How much of a transcript's text became utterances, in letters (labels, timestamps,
    cue numbers and markup count on neither side)."""

    path: str
    chars: int  # letters of the text, speech or not
    chars_in_utterances: int  # letters inside the speaker turns

    @property
    def share(self) -> float:
        return self.chars_in_utterances / self.chars if self.chars else 1.0

    def low_coverage(self, below: float = 0.8) -> list[FileCoverage]:
        """Transcripts of which less than ``below`` of the text became utterances."""
        return [c for c in self.coverage if c.share < below]

    def as_dict(self) -> dict[str, object]:
        return {**self.__dict__, "share": round(self.share, 4)}


@dataclass
class IngestReport:
    """What an ingestion run read, produced and ran into."""

    files: int = 0
    files_failed: int = 0
    documents: int = 0
    utterances: int = 0
    problems: list[Problem] = field(default_factory=list)
    formats: Counter[str] = field(default_factory=Counter)
    languages: Counter[str] = field(default_factory=Counter)
    roles: Counter[str] = field(default_factory=Counter)
    source_types: Counter[str] = field(default_factory=Counter)
    speakers: list[SpeakerRow] = field(default_factory=list)  # per transcript, per speaker
    coverage: list[FileCoverage] = field(default_factory=list)  # per transcript

    def add(self, other: IngestReport) -> None:
        """Count ``other`` (e.g. one file read elsewhere) into this report."""
        self.files += other.files
        self.files_failed += other.files_failed
        self.documents += other.documents
        self.utterances += other.utterances
        self.problems.extend(other.problems)
        self.formats.update(other.formats)
        self.languages.update(other.languages)
        self.roles.update(other.roles)
        self.source_types.update(other.source_types)
        self.speakers.extend(other.speakers)
        self.coverage.extend(other.coverage)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def low_coverage(self, below: float = 0.8) -> list[FileCoverage]:
        """Transcripts of which less than ``below`` of the text became utterances."""
        return [c for c in self.coverage if c.share < below]

    def as_dict(self) -> dict[str, object]:
        return {
            "files": self.files,
            "files_failed": self.files_failed,
            "documents": self.documents,
            "utterances": self.utterances,
            "formats": dict(self.formats),
            "languages": dict(self.languages),
            "roles": dict(self.roles),
            "source_types": dict(self.source_types),
            "coverage": [c.as_dict() for c in self.coverage],
            "speakers": [s.__dict__ for s in self.speakers],
            "problems": [p.__dict__ for p in self.problems],
        }
