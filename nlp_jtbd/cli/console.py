"""Where the command line writes: results to stdout, problems and progress to stderr."""

from __future__ import annotations

import json

from rich.console import Console

from nlp_jtbd.cli.flags import to_flags
from nlp_jtbd.errors import Problem

out = Console()
err = Console(stderr=True, soft_wrap=True)


def print_json(data: object) -> None:
    """``data`` as indented JSON on stdout (for scripts: ``--json``)."""
    print(json.dumps(data, ensure_ascii=False, indent=2))


def print_problems(problems: list[Problem]) -> None:
    """Each problem on stderr: errors in red, warnings in yellow, parameters as flags."""
    for problem in problems:
        style = "red" if problem.severity == "error" else "yellow"
        err.print(to_flags(problem.render()), style=style, highlight=False, markup=False)


def print_warnings(warnings: list[str]) -> None:
    for warning in warnings:
        err.print(f"warning: {to_flags(warning)}", style="yellow", markup=False)


__all__ = ["err", "out", "print_json", "print_problems", "print_warnings"]
