"""The ``jtbd`` command line: one module per command group; it parses and prints only."""

from nlp_jtbd.cli.commands import app, main

__all__ = ["app", "main"]
