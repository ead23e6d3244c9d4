"""One exception family for everything a user can get wrong.

Every error says *what* went wrong, *where* (file, line, cue, row, column) and *how to fix it*.
The CLI prints it without a traceback; the API maps it to a problem+json 4xx response.

Errors speak of the library's parameters and data, never of a shell's flags or fields: a
parameter is written in backticks with its Python name, optionally with a value
(```include_interviewer=True```, ```min_cluster_size```). Each shell translates those names
(the CLI into ``--include-interviewer``; the API's fields already carry the same names), see
:func:`parameters_in`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

_PARAMETER = re.compile(r"`([a-z][a-z0-9_]*)(?:=([^`]*))?`")


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


class ServiceError(JTBDError):
    """A service the library was told to use (a language-model server) failed or did not
    answer in time."""


def parameters_in(text: str, rename: Callable[[str, str | None], str | None]) -> str:
    """``text`` with each parameter mention (```name``` or ```name=value```) replaced by
    ``rename(name, value)``; mentions ``rename`` returns None for are left as they are."""

    def replace(match: re.Match[str]) -> str:
        renamed = rename(match.group(1), match.group(2))
        return match.group(0) if renamed is None else renamed

    return _PARAMETER.sub(replace, text)


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
