"""Progress on a terminal: an embedding bar, a reading counter, and the analysis' stages.

Nothing is drawn when stderr is not a terminal or the command is quiet."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from nlp_jtbd.analysis import Progress
from nlp_jtbd.cli import console
from nlp_jtbd.cli.console import print_problems
from nlp_jtbd.errors import Problem

ProgressCallback = Callable[[int, int], None]


@contextmanager
def embedding_progress(quiet: bool, then: str | None = None) -> Iterator[ProgressCallback | None]:
    """A progress bar for embedding (then a pulsing ``then`` step, e.g. clustering, until the
    block ends); no callback when quiet or not on a terminal."""
    err = console.err
    if quiet or not err.is_terminal:
        yield None
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, TimeRemainingColumn(), console=err, transient=True) as progress:
        task = progress.add_task("embedding", total=None)

        def update(done: int, total: int) -> None:
            if then and done >= total:
                progress.update(task, description=then, completed=0, total=None)
            else:
                progress.update(task, completed=done, total=total)

        yield update


@contextmanager
def reading_progress(quiet: bool) -> Iterator[Callable[[int], None] | None]:
    """A running count of the utterances read so far."""
    err = console.err
    if quiet or not err.is_terminal:
        yield None
        return
    with err.status("reading files…") as status:
        yield lambda rows: status.update(f"reading files… {rows:,} utterances")


class StageProgress(Progress):
    """`jtbd analyze` on a terminal: a tick per finished stage, and the files' problems."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet

    def finished(self, stage: str, seconds: float) -> None:
        if not self.quiet:
            console.err.print(f"[green]✓[/green] {stage} ({seconds:.1f} s)")

    def problems(self, problems: list[Problem]) -> None:
        print_problems(problems)


__all__ = ["StageProgress", "embedding_progress", "reading_progress"]
