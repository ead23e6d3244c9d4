"""What an ingestion run read, produced and ran into."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from nlp_jtbd.errors import Problem


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

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def ok(self) -> bool:
        return not self.errors

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
            "problems": [p.__dict__ for p in self.problems],
        }
