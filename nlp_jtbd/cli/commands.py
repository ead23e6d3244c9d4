"""The ``jtbd`` application: every command registered here, in the order ``--help`` lists
them, and the entry point that turns library errors into messages and exit codes."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from nlp_jtbd import __version__
from nlp_jtbd.cli import analyze, coding, discover, export, ingest, segment, service
from nlp_jtbd.cli.console import err
from nlp_jtbd.cli.flags import learn, to_flags
from nlp_jtbd.errors import JTBDError

app = typer.Typer(
    name="jtbd",
    help="Jobs-To-Be-Done evidence from customer interviews, reviews and forum posts.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",
)


def _version(value: bool) -> None:
    if value:
        print(f"nlp_jtbd {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Jobs-To-Be-Done evidence from customer interviews, reviews and forum posts."""


for _module in (ingest, discover, coding, segment, analyze, export, service):
    for _command, _epilog in _module.COMMANDS:
        app.command(epilog=_epilog)(_command)
learn(typer.main.get_command(app))


def main(argv: list[str] | None = None) -> None:
    """Console entry point: user errors are printed without a traceback."""
    try:
        app(args=argv, standalone_mode=True)
    except JTBDError as exc:
        err.print(f"error: {to_flags(exc.message)}", style="red", highlight=False, markup=False)
        sys.exit(2)
    except KeyboardInterrupt:
        err.print("interrupted", style="red")
        sys.exit(130)
    except Exception as exc:  # a bug: say so plainly, show the traceback only on request
        if os.environ.get("JTBD_DEBUG"):
            raise
        err.print(
            f"internal error: {exc.__class__.__name__}: {exc}\n"
            "This is a bug in nlp_jtbd. Re-run with JTBD_DEBUG=1 to see the traceback and "
            "report it.",
            style="red",
            highlight=False,
            markup=False,
        )
        sys.exit(3)
