"""One exception family for everything a user can get wrong.

Every error says *what* went wrong, *where* (file, line, cue, row, column) and *how to fix it*.
The CLI prints it without a traceback; the API maps it to a problem+json 4xx response.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class JTBDError(Exception):
    """Base class for user-facing errors."""

    def __init__(self, what: str, *, where: str | None = None, fix: str | None = None) -> None:
        self.what = what
        self.where = where
        self.fix = fix
        super().__init__(self.message)

    @property
    def message(self) -> str:
        parts = [f"{self.where}: {self.what}" if self.where else self.what]
        if self.fix:
            parts.append(f"How to fix: {self.fix}")
        return "\n".join(parts)


class InputError(JTBDError):
    """An input file cannot be read or parsed."""


class UsageError(JTBDError):
    """Options or arguments are inconsistent."""


def where(path: str | Path | None, loc: str | None = None) -> str | None:
    """Format a location such as ``interviews/a.vtt, cue 12``."""
    if path is None:
        return loc
    return f"{path}, {loc}" if loc else str(path)


@dataclass(frozen=True)
class Problem:
    """A problem found while processing input; errors skip a file, warnings do not."""

    path: str
    message: str
    fix: str | None = None
    loc: str | None = None
    severity: str = "error"  # "error" | "warning"

    @classmethod
    def from_error(cls, path: str | Path, error: JTBDError) -> Problem:
        return cls(path=str(path), message=error.what, fix=error.fix, loc=error.where)

    def render(self) -> str:
        head = f"{self.path}, {self.loc}" if self.loc else self.path
        text = f"{self.severity}: {head}: {self.message}"
        if self.fix:
            text += f"\n  how to fix: {self.fix}"
        return text
